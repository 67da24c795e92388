/*
 * open.c — workloads opened by name: a "KIND:PATH" trace or a native CSV
 * workload folder, for the programs' --trace and --workload options
 * (meso-sim, meso-trace). A new reader becomes reachable by name here.
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "internal.h"
#include "traces/traces.h"

static const struct {
	const char *prefix;
	tr_trace_kind kind;
} kinds[] = {
        {"google2011:", TR_TRACE_GOOGLE2011},
        {"alibaba2018:", TR_TRACE_ALIBABA2018},
        {"bin:", TR_TRACE_BIN},
};

tr_trace_kind tr_trace_kind_of(const char *spec)
{
	for (size_t i = 0; spec && i < sizeof kinds / sizeof kinds[0]; i++)
		if (strncmp(spec, kinds[i].prefix, strlen(kinds[i].prefix)) == 0)
			return kinds[i].kind;
	return TR_TRACE_NONE;
}

int tr_trace_open(const char *spec, const tr_open_config *cfg, tr_source **out, tr_err *err)
{
	static const tr_open_config none = {0};
	if (!cfg)
		cfg = &none;
	tr_trace_kind kind = tr_trace_kind_of(spec);
	const char *path = kind == TR_TRACE_NONE ? NULL : strchr(spec, ':') + 1;
	switch (kind) {
	case TR_TRACE_GOOGLE2011: {
		tr_google_config gc = {0};
		gc.dir = path;
		gc.frameworks_by_job = cfg->frameworks_by_job;
		gc.skip_bad_rows = cfg->skip_bad_rows;
		gc.warn = cfg->warn;
		gc.warn_ud = cfg->warn_ud;
		return tr_google_open(&gc, out, err);
	}
	case TR_TRACE_ALIBABA2018: {
		tr_alibaba_config ac = {0};
		ac.dir = path;
		ac.skip_bad_rows = cfg->skip_bad_rows;
		ac.warn = cfg->warn;
		ac.warn_ud = cfg->warn_ud;
		return tr_alibaba_open(&ac, out, err);
	}
	case TR_TRACE_BIN:
		return tr_bin_open(path, out, err);
	case TR_TRACE_NONE:
		break;
	}
	tr__err_set(err, TR_EINVAL, "expected google2011:DIR, alibaba2018:DIR or bin:FILE, got '%s'", spec ? spec : "");
	return TR_EINVAL;
}

static bool exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

void tr_csv_dir_fill(tr_csv_config *cfg, const char *dir, tr_csv_dir *names)
{
	snprintf(names->machines, sizeof names->machines, "%s/machines.csv", dir);
	snprintf(names->tasks, sizeof names->tasks, "%s/tasks.csv", dir);
	snprintf(names->frameworks, sizeof names->frameworks, "%s/frameworks.csv", dir);
	snprintf(names->roles, sizeof names->roles, "%s/roles.csv", dir);
	if (!cfg->machines)
		cfg->machines = names->machines;
	if (!cfg->tasks)
		cfg->tasks = names->tasks;
	if (!cfg->frameworks && exists(names->frameworks))
		cfg->frameworks = names->frameworks;
	if (!cfg->roles && exists(names->roles))
		cfg->roles = names->roles;
}
