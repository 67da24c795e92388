/*
 * fuzz_master.h — what the harnesses of the master's checks share: a
 * detached master (no sockets, no timers) with one agent of the given
 * resources, made once (fuzz_master.c).
 */
#ifndef MESO_FUZZ_MASTER_H
#define MESO_FUZZ_MASTER_H

#include "master.h"

/* Initialises m and adds agent "fuzz-S0" with `resources` (Mesos's text);
 * aborts on failure. */
m_agent *fuzz_master_with_agent(master *m, const char *resources);

#endif
