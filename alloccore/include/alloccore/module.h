/*
 * alloccore/module.h — loading a policy module (policy.h, "modules") named
 * on a command line as `module:PATH[:ARGS]`: the shared object is opened,
 * its descriptor checked against this build's AC_POLICY_API_VERSION, and
 * ARGS tried once, so that a bad module or bad ARGS is reported before the
 * program starts. A separate library (acmodule) from alloccore, which does
 * no I/O: meso-sim, meso-alloc and meso-master link both.
 */
#ifndef ALLOCCORE_MODULE_H
#define ALLOCCORE_MODULE_H

#include <stdbool.h>

#include "alloccore/policy.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ac_module {
	void *dl;                     /* dlopen's handle */
	const ac_policy_module *desc; /* the module's descriptor */
	char *path, *args;            /* from the spec; args "" when absent */
} ac_module;

#define AC_MODULE_PREFIX "module:"

/* Whether a --policy value names a module (starts with "module:"). */
bool ac_module_spec(const char *spec);

/* Loads "module:PATH[:ARGS]" (PATH cannot hold ':'). 0 and a module into
 * *out (free with ac_module_close), or a negative AC_E* code with the
 * reason in err: PATH cannot be opened, has no meso_policy_module symbol,
 * is built for another API version (both versions named), or rejects ARGS
 * (the module's own message). */
int ac_module_load(const char *spec, ac_module **out, ac_err *err);

/* A new policy from the module with its ARGS, for ac_config.policy_impl
 * (the core then owns its state). */
int ac_module_create(const ac_module *m, ac_policy *out, ac_err *err);

/* Closes the module. Every core using one of its policies must be
 * destroyed first (their callbacks live in it). NULL is a no-op. */
void ac_module_close(ac_module *m);

#ifdef __cplusplus
}
#endif
#endif
