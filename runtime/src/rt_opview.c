/*
 * rt_opview.c — operator API message pieces both programs share
 * (rt_opview.h). The build facts come from CMake at configure time
 * (runtime/CMakeLists.txt defines them for this file alone, so a new
 * commit rebuilds one file).
 */
#define _GNU_SOURCE
#include "rt_opview.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysinfo.h>
#include <unistd.h>

#ifndef MESO_BUILD_DATE
#define MESO_BUILD_DATE ""
#endif
#ifndef MESO_BUILD_TIME
#define MESO_BUILD_TIME 0
#endif
#ifndef MESO_BUILD_USER
#define MESO_BUILD_USER ""
#endif
#ifndef MESO_GIT_SHA
#define MESO_GIT_SHA ""
#endif
#ifndef MESO_GIT_BRANCH
#define MESO_GIT_BRANCH ""
#endif

void rt_opview_flag_add(rt_arena *a, Mesos__V1__Flag **out, size_t *n, const char *name, const char *fmt, ...)
{
	char value[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(value, sizeof value, fmt, ap);
	va_end(ap);
	Mesos__V1__Flag *f = rt_arena_alloc(a, sizeof *f);
	mesos__v1__flag__init(f);
	f->name = (char *)name;
	f->value = rt_arena_strdup(a, value);
	out[(*n)++] = f;
}

json_t *rt_opview_flags_json(Mesos__V1__Flag *const *flags, size_t n)
{
	json_t *o = json_object();
	for (size_t i = 0; i < n; i++)
		json_object_set_new(o, flags[i]->name, json_string(flags[i]->value ? flags[i]->value : ""));
	return o;
}

Mesos__V1__VersionInfo *rt_opview_version(rt_arena *a)
{
	Mesos__V1__VersionInfo *v = rt_arena_alloc(a, sizeof *v);
	mesos__v1__version_info__init(v);
	v->version = RT_MESO_VERSION;
	if (MESO_BUILD_DATE[0])
		v->build_date = MESO_BUILD_DATE;
	if (MESO_BUILD_TIME > 0) {
		v->has_build_time = 1;
		v->build_time = (double)MESO_BUILD_TIME;
	}
	if (MESO_BUILD_USER[0])
		v->build_user = MESO_BUILD_USER;
	if (MESO_GIT_SHA[0])
		v->git_sha = MESO_GIT_SHA;
	if (MESO_GIT_BRANCH[0])
		v->git_branch = MESO_GIT_BRANCH;
	return v;
}

void rt_opview_system_metrics(json_t *root)
{
#define PUT(name, v) json_object_set_new(root, name, json_real((double)(v)))
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	if (ncpu > 0)
		PUT("system/cpus_total", ncpu);
	double load[3];
	if (getloadavg(load, 3) == 3) {
		PUT("system/load_1min", load[0]);
		PUT("system/load_5min", load[1]);
		PUT("system/load_15min", load[2]);
	}
	struct sysinfo si;
	if (sysinfo(&si) == 0) {
		PUT("system/mem_total_bytes", (double)si.totalram * si.mem_unit);
		PUT("system/mem_free_bytes", (double)si.freeram * si.mem_unit);
	}
#undef PUT
}

size_t rt_opview_metrics(rt_arena *a, json_t *snap, Mesos__V1__Metric ***out)
{
	Mesos__V1__Metric **v = rt_arena_alloc(a, (json_object_size(snap) + 1) * sizeof *v);
	size_t n = 0;
	const char *key;
	json_t *val;
	json_object_foreach(snap, key, val)
	{
		Mesos__V1__Metric *x = rt_arena_alloc(a, sizeof *x);
		mesos__v1__metric__init(x);
		x->name = rt_arena_strdup(a, key);
		x->has_value = 1;
		x->value = json_number_value(val);
		v[n++] = x;
	}
	*out = v;
	return n;
}

Mesos__V1__TimeInfo *rt_opview_time(rt_arena *a, double wall_seconds)
{
	Mesos__V1__TimeInfo *t = rt_arena_alloc(a, sizeof *t);
	mesos__v1__time_info__init(t);
	t->nanoseconds = (int64_t)(wall_seconds * 1e9);
	return t;
}

static void *arena_alloc(void *data, size_t size)
{
	return rt_arena_alloc(data, size ? size : 1);
}

static void arena_free(void *data, void *p)
{
	(void)data;
	(void)p;
}

ProtobufCAllocator rt_opview_allocator(rt_arena *a)
{
	ProtobufCAllocator al = {arena_alloc, arena_free, a};
	return al;
}
