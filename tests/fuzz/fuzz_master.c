/*
 * fuzz_master.c — a detached master with one agent for the harnesses of
 * the master's checks (fuzz_volumes, fuzz_reserve): Mesos's default
 * flags, errors only in the log.
 */
#include <ev.h>

#include "fuzz.h"
#include "fuzz_master.h"

m_agent *fuzz_master_with_agent(master *m, const char *resources)
{
	rt_log_init("fuzz", RT_ERROR + 1);
	master_flags f;
	master_flags_default(&f);
	f.hostname = "fuzz";
	f.detached = true;
	char err[256];
	CHECK(master_init(m, ev_loop_new(EVFLAG_AUTO), &f, err, sizeof err) == 0);
	ac_resources total;
	ac_err e;
	CHECK(ac_resources_parse(m->core, resources, &total, &e) == 0);
	ac_agent_id ac;
	CHECK(ac_agent_add(m->core, "fuzz-S0", &total, &ac, &e) == 0);
	m_agent *a = master_agent_add(m, "fuzz-S0", ac);
	a->total = total;
	return a;
}
