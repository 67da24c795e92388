/*
 * restext.h — resource text inside the core: the minimum-allocatable rule
 * parsed from text (the public parsers and the printer are declared in
 * alloccore.h). restext.c registers the kinds and interns the roles the
 * text names: it sits above kinds.h and roles.h.
 */
#ifndef ALLOCCORE_RESTEXT_H
#define ALLOCCORE_RESTEXT_H

#include "alloccore/alloccore.h"
#include "minalloc.h"

/* Parses "cpus:0.01|mem:32" (scalars only, unreserved); "" gives nsets 0
 * and NULL the Mesos default, "cpus:0.01|mem:32". */
int ac__minalloc_parse(ac_core *core, const char *text, ac_minalloc *out, ac_err *err);

#endif
