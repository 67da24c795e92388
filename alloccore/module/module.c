/*
 * module.c — loading policy modules (alloccore/module.h): dlopen, the
 * descriptor symbol, the API version check and a trial of the module's
 * ARGS. The one place where a policy comes from a file; alloccore itself
 * only ever sees the ac_policy struct.
 */
#define _POSIX_C_SOURCE 200809L
#include "alloccore/module.h"

#include <dlfcn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(ac_err *err, int code, const char *fmt, ...)
{
	if (err) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof err->msg, fmt, ap);
		va_end(ap);
		err->code = code;
	}
	return code;
}

bool ac_module_spec(const char *spec)
{
	return spec && !strncmp(spec, AC_MODULE_PREFIX, strlen(AC_MODULE_PREFIX));
}

void ac_module_close(ac_module *m)
{
	if (!m)
		return;
	if (m->dl)
		dlclose(m->dl);
	free(m->path);
	free(m->args);
	free(m);
}

int ac_module_create(const ac_module *m, ac_policy *out, ac_err *err)
{
	ac_err e = {0};
	int rc = m->desc->create(m->args, out, &e);
	if (rc < 0)
		return fail(err, rc, "policy module %s: arguments '%s': %s", m->path, m->args,
		            e.msg[0] ? e.msg : "rejected (no reason given)");
	if ((rc = ac_policy_check(out, &e)) < 0) {
		if (out->destroy && out->api_version == AC_POLICY_API_VERSION)
			out->destroy(out->state);
		return fail(err, rc, "policy module %s: %s", m->path, e.msg);
	}
	return 0;
}

int ac_module_load(const char *spec, ac_module **out, ac_err *err)
{
	if (!ac_module_spec(spec))
		return fail(err, AC_EINVAL, "'%s' is not a module: expected module:PATH[:ARGS]", spec ? spec : "");
	const char *p = spec + strlen(AC_MODULE_PREFIX), *colon = strchr(p, ':');
	size_t plen = colon ? (size_t)(colon - p) : strlen(p);
	if (!plen)
		return fail(err, AC_EINVAL, "'%s': no PATH after module:", spec);
	ac_module *m = calloc(1, sizeof *m);
	if (!m || !(m->path = strndup(p, plen)) || !(m->args = strdup(colon ? colon + 1 : ""))) {
		ac_module_close(m);
		return fail(err, AC_ENOMEM, "out of memory");
	}
	int rc = 0;
	if (!(m->dl = dlopen(m->path, RTLD_NOW | RTLD_LOCAL))) {
		rc = fail(err, AC_ENOENT, "policy module %s: cannot load: %s", m->path, dlerror());
	} else {
		const ac_policy_module *(*sym)(void);
		*(void **)&sym = dlsym(m->dl, AC_POLICY_MODULE_SYMBOL);
		if (!sym)
			rc = fail(err, AC_EINVAL,
			          "policy module %s: no symbol %s (see alloccore/README.md, \"Policy modules\")",
			          m->path, AC_POLICY_MODULE_SYMBOL);
		else if (!(m->desc = sym()) || !m->desc->create)
			rc = fail(err, AC_EINVAL, "policy module %s: %s() gave no descriptor", m->path,
			          AC_POLICY_MODULE_SYMBOL);
		else if (m->desc->api_version != AC_POLICY_API_VERSION)
			rc = fail(err, AC_EINVAL,
			          "policy module %s is built for policy API version %u; this program has version %u: "
			          "rebuild it against this alloccore/policy.h",
			          m->path, m->desc->api_version, (unsigned)AC_POLICY_API_VERSION);
	}
	if (!rc) {
		/* ARGS are tried now, so that bad ones stop the program before
		 * it starts rather than at its first core */
		ac_policy trial;
		if (!(rc = ac_module_create(m, &trial, err)) && trial.destroy)
			trial.destroy(trial.state);
	}
	if (rc) {
		ac_module_close(m);
		return rc;
	}
	*out = m;
	return 0;
}
