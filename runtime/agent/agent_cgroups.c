/*
 * agent_cgroups.c — resource limits for tasks with cgroups: v2 where the
 * memory and cpu controllers are enabled, else v1 (memory and cpu
 * hierarchies), else none (process groups only). Each task gets its own
 * cgroup under <the agent's own cgroup>/meso-<hash of work_dir>/, so a later
 * agent on the same work_dir finds and clears what an earlier one left, and
 * nothing escapes the limits the agent itself runs under. A task killed by
 * the OOM killer is reported TASK_FAILED with REASON_CONTAINER_LIMITATION_MEMORY.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent.h"

static int write_file(const char *dir, const char *name, const char *text)
{
	char path[PATH_MAX + 64];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = write(fd, text, strlen(text));
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -1;
}

static int read_file(const char *dir, const char *name, char *buf, size_t len)
{
	char path[PATH_MAX + 64];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return 0;
}

/* The path of this process's cgroup for a v1 controller ("memory"), or for
 * v2 when controller is "". */
static int own_cgroup(const char *controller, char *out, size_t len)
{
	FILE *f = fopen("/proc/self/cgroup", "r");
	if (!f)
		return -1;
	char line[1024];
	int rc = -1;
	while (fgets(line, sizeof line, f)) {
		char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		if (!c2)
			continue;
		*c2 = '\0';
		line[strcspn(line, "\n")] = '\0';
		c2[1 + strcspn(c2 + 1, "\n")] = '\0';
		const char *ctrls = c1 + 1;
		bool match = controller[0] ? false : ctrls[0] == '\0';
		if (controller[0]) {
			char copy[256];
			snprintf(copy, sizeof copy, "%s", ctrls);
			char *save = NULL;
			for (char *t = strtok_r(copy, ",", &save); t && !match; t = strtok_r(NULL, ",", &save))
				match = strcmp(t, controller) == 0;
		}
		if (match) {
			snprintf(out, len, "%s", strcmp(c2 + 1, "/") == 0 ? "" : c2 + 1);
			rc = 0;
			break;
		}
	}
	fclose(f);
	return rc;
}

static bool has_words(const char *text, const char *a, const char *b)
{
	bool fa = false, fb = false;
	char copy[512];
	snprintf(copy, sizeof copy, "%s", text);
	char *save = NULL;
	for (char *t = strtok_r(copy, " \n", &save); t; t = strtok_r(NULL, " \n", &save)) {
		fa |= strcmp(t, a) == 0;
		fb |= strcmp(t, b) == 0;
	}
	return fa && fb;
}

static uint64_t work_dir_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 1099511628211ULL;
	return h;
}

static bool try_v2(agent *a, const char *key)
{
	const char *mounts[] = {"/sys/fs/cgroup/unified", "/sys/fs/cgroup"};
	char own[PATH_MAX], ctl[512], base[PATH_MAX];
	if (own_cgroup("", own, sizeof own) != 0)
		return false;
	for (size_t i = 0; i < 2; i++) {
		snprintf(base, sizeof base, "%s%s", mounts[i], own);
		if (read_file(base, "cgroup.controllers", ctl, sizeof ctl) != 0 || !has_words(ctl, "memory", "cpu"))
			continue;
		char dir[PATH_MAX];
		if (snprintf(dir, sizeof dir, "%s/%s", base, key) >= (int)sizeof dir)
			return false;
		/* Controllers must be enabled for the children of our node. */
		if ((mkdir(dir, 0755) != 0 && errno != EEXIST) ||
		    write_file(base, "cgroup.subtree_control", "+memory +cpu") ||
		    write_file(dir, "cgroup.subtree_control", "+memory +cpu")) {
			rmdir(dir);
			continue;
		}
		snprintf(a->cg.mem_base, sizeof a->cg.mem_base, "%s", dir);
		a->cg.kind = AGENT_CG_V2;
		return true;
	}
	return false;
}

static bool try_v1(agent *a, const char *key)
{
	char own_mem[2048], own_cpu[2048];
	if (own_cgroup("memory", own_mem, sizeof own_mem) != 0 || own_cgroup("cpu", own_cpu, sizeof own_cpu) != 0)
		return false;
	snprintf(a->cg.mem_base, sizeof a->cg.mem_base, "/sys/fs/cgroup/memory%s/%s", own_mem, key);
	snprintf(a->cg.cpu_base, sizeof a->cg.cpu_base, "/sys/fs/cgroup/cpu%s/%s", own_cpu, key);
	if ((mkdir(a->cg.mem_base, 0755) != 0 && errno != EEXIST) ||
	    (mkdir(a->cg.cpu_base, 0755) != 0 && errno != EEXIST)) {
		rmdir(a->cg.mem_base);
		return false;
	}
	a->cg.kind = AGENT_CG_V1;
	return true;
}

const char *agent_cgroups_name(const agent *a)
{
	switch (a->cg.kind) {
	case AGENT_CG_V2:
		return "cgroups v2 (memory, cpu)";
	case AGENT_CG_V1:
		return "cgroups v1 (memory, cpu)";
	default:
		return "none: process groups only, limits not enforced";
	}
}

/* Kills every process of a cgroup and removes it. */
static void cgroup_clear(const char *dir)
{
	for (int round = 0; round < 20; round++) {
		char procs[8192];
		if (read_file(dir, "cgroup.procs", procs, sizeof procs) != 0)
			break;
		if (!procs[0])
			break;
		for (char *p = procs; *p;) {
			long pid = strtol(p, &p, 10);
			if (pid > 0)
				kill((pid_t)pid, SIGKILL);
			while (*p == '\n')
				p++;
		}
		usleep(5000); /* the kernel takes the dead out of cgroup.procs */
	}
	rmdir(dir);
}

/* Whether a recovered task owns that cgroup (then it stays). */
static bool adopted_cgroup(const agent *a, const char *dir)
{
	for (const a_task *t = a->tasks; t; t = t->next)
		if (strcmp(t->cg_mem, dir) == 0 || strcmp(t->cg_cpu, dir) == 0)
			return true;
	return false;
}

static void clear_children(const agent *a, const char *base)
{
	DIR *d = opendir(base);
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.' || e->d_type != DT_DIR)
			continue;
		char dir[PATH_MAX + 256];
		snprintf(dir, sizeof dir, "%s/%s", base, e->d_name);
		if (adopted_cgroup(a, dir))
			continue;
		rt_log(RT_WARN, "removing cgroup %s left by an earlier agent", dir);
		cgroup_clear(dir);
	}
	closedir(d);
}

int agent_isolation_parse(const char *text, const char **mode, char *ignored, size_t ignoredlen, char *err,
                          size_t errlen)
{
	/* Mesos 1.11's isolators (docs/configuration/agent.md, --isolation).
	 * cgroups/ ones are what our cgroups do (memory and CPU limits); the
	 * posix/ ones and filesystem/posix only measure or share the host's
	 * file system, as our "none" does; the rest Meso does not have. */
	static const char *const elsewhere[] = {"appc/runtime",
	                                        "disk/du",
	                                        "disk/xfs",
	                                        "docker/runtime",
	                                        "docker/volume",
	                                        "environment_secret",
	                                        "filesystem/linux",
	                                        "filesystem/shared",
	                                        "filesystem/windows",
	                                        "gpu/nvidia",
	                                        "linux/capabilities",
	                                        "linux/devices",
	                                        "linux/nnp",
	                                        "linux/seccomp",
	                                        "namespaces/ipc",
	                                        "namespaces/pid",
	                                        "network/cni",
	                                        "network/port_mapping",
	                                        "network/ports",
	                                        "volume/csi",
	                                        "volume/host_path",
	                                        "volume/image",
	                                        "volume/sandbox_path",
	                                        "volume/secret",
	                                        "windows/cpu",
	                                        "windows/mem"};
	ignored[0] = '\0';
	if (strcmp(text, "auto") == 0 || strcmp(text, "none") == 0) {
		*mode = strcmp(text, "auto") == 0 ? "auto" : "none";
		return 0;
	}
	bool cgroups = false;
	size_t used = 0, len = strlen(text);
	if (len == 0 || text[len - 1] == ',') {
		snprintf(err, errlen, "--isolation: '%.200s' is not auto, none or a list of Mesos isolators", text);
		return -1;
	}
	for (const char *p = text; *p;) {
		size_t n = strcspn(p, ",");
		char name[64];
		if (n == 0 || n >= sizeof name) {
			snprintf(err, errlen, "--isolation: '%.200s' is not auto, none or a list of Mesos isolators",
			         text);
			return -1;
		}
		memcpy(name, p, n);
		name[n] = '\0';
		p += n + (p[n] == ',');
		if (strncmp(name, "cgroups/", 8) == 0 && name[8]) {
			cgroups = true;
			continue;
		}
		if (strncmp(name, "posix/", 6) == 0 && name[6])
			continue;
		if (strcmp(name, "filesystem/posix") == 0)
			continue;
		bool known = false;
		for (size_t i = 0; i < sizeof elsewhere / sizeof elsewhere[0] && !known; i++)
			known = strcmp(name, elsewhere[i]) == 0;
		if (!known) {
			snprintf(err, errlen, "--isolation: unknown isolator '%s'", name);
			return -1;
		}
		int w = snprintf(ignored + used, ignoredlen - used, "%s%s", used ? "," : "", name);
		if (w > 0 && (size_t)w < ignoredlen - used)
			used += (size_t)w;
	}
	*mode = cgroups ? "auto" : "none";
	return 0;
}

void agent_cgroups_init(agent *a, const char *mode)
{
	char key[64];
	snprintf(key, sizeof key, "meso-%016llx", (unsigned long long)work_dir_hash(a->work_dir));
	a->cg.kind = AGENT_CG_NONE;
	if (strcmp(mode, "none") != 0 && !try_v2(a, key))
		try_v1(a, key);
	if (a->cg.kind == AGENT_CG_NONE && strcmp(mode, "none") != 0)
		rt_log(RT_WARN, "no usable cgroups (v2 memory+cpu controllers, or writable v1 memory and cpu "
		                "hierarchies): task limits are not enforced");
	if (a->cg.kind != AGENT_CG_NONE) {
		clear_children(a, a->cg.mem_base);
		if (a->cg.kind == AGENT_CG_V1)
			clear_children(a, a->cg.cpu_base);
	}
}

int agent_cgroups_prepare(agent *a, a_task *t, int64_t mem_milli_mb, int64_t cpus_milli)
{
	if (a->cg.kind == AGENT_CG_NONE)
		return 0;
	const char *leaf = strrchr(t->sandbox, '/');
	leaf = leaf ? leaf + 1 : t->id;
	char text[64];
	if (snprintf(t->cg_mem, sizeof t->cg_mem, "%s/%s", a->cg.mem_base, leaf) >= (int)sizeof t->cg_mem)
		return -1;
	if (mkdir(t->cg_mem, 0755) != 0 && errno != EEXIST)
		return -1;
	long long bytes = mem_milli_mb > 0 ? (long long)(mem_milli_mb * 1024 * 1024 / 1000) : -1;
	long long quota = cpus_milli > 0 ? (long long)(cpus_milli * 100) : -1; /* us per 100 ms */
	if (quota >= 0 && quota < 1000)
		quota = 1000;
	if (a->cg.kind == AGENT_CG_V2) {
		if (bytes > 0) {
			snprintf(text, sizeof text, "%lld", bytes);
			if (write_file(t->cg_mem, "memory.max", text) != 0)
				return -1;
			write_file(t->cg_mem, "memory.swap.max", "0");
		}
		if (quota > 0) {
			snprintf(text, sizeof text, "%lld 100000", quota);
			if (write_file(t->cg_mem, "cpu.max", text) != 0)
				return -1;
		}
		return 0;
	}
	if (snprintf(t->cg_cpu, sizeof t->cg_cpu, "%s/%s", a->cg.cpu_base, leaf) >= (int)sizeof t->cg_cpu)
		return -1;
	if (mkdir(t->cg_cpu, 0755) != 0 && errno != EEXIST)
		return -1;
	if (bytes > 0) {
		snprintf(text, sizeof text, "%lld", bytes);
		write_file(t->cg_mem, "memory.swappiness", "0");
		if (write_file(t->cg_mem, "memory.limit_in_bytes", text) != 0)
			return -1;
	}
	if (quota > 0) {
		snprintf(text, sizeof text, "%lld", quota);
		snprintf(text + 32, 32, "%lld",
		         cpus_milli * 1024 / 1000 > 2 ? (long long)(cpus_milli * 1024 / 1000) : 2);
		if (write_file(t->cg_cpu, "cpu.cfs_period_us", "100000") != 0 ||
		    write_file(t->cg_cpu, "cpu.cfs_quota_us", text) != 0 ||
		    write_file(t->cg_cpu, "cpu.shares", text + 32) != 0)
			return -1;
	}
	return 0;
}

int agent_cgroups_enter(const a_task *t)
{
	/* "0" moves the writer itself, in v1 and in v2. */
	if (t->cg_mem[0] && write_file(t->cg_mem, "cgroup.procs", "0") != 0)
		return -1;
	if (t->cg_cpu[0] && write_file(t->cg_cpu, "cgroup.procs", "0") != 0)
		return -1;
	return 0;
}

bool agent_cgroups_oom(const a_task *t)
{
	char buf[4096];
	if (!t->cg_mem[0])
		return false;
	const char *file = t->cg_cpu[0] ? "memory.oom_control" : "memory.events";
	if (read_file(t->cg_mem, file, buf, sizeof buf) != 0)
		return false;
	const char *p = strstr(buf, "oom_kill ");
	if (p && strtol(p + 9, NULL, 10) > 0)
		return true;
	/* Older v1 kernels have no oom_kill counter: a hit limit will do. */
	if (t->cg_cpu[0] && read_file(t->cg_mem, "memory.failcnt", buf, sizeof buf) == 0)
		return strtol(buf, NULL, 10) > 0 && !p;
	return false;
}

void agent_cgroups_destroy(a_task *t)
{
	if (t->cg_mem[0])
		cgroup_clear(t->cg_mem);
	if (t->cg_cpu[0])
		cgroup_clear(t->cg_cpu);
	t->cg_mem[0] = t->cg_cpu[0] = '\0';
}
