/*
 * agent_resources.c — the agent's resources when --resources does not name
 * them, by Mesos's rule (src/slave/containerizer/containerizer.cpp): each
 * of cpus, mem, disk and ports that the flag leaves out comes from the
 * host: cpus = the CPUs online; mem = total memory less 1 GB, or half of
 * it below 2 GB; disk = the size of work_dir's filesystem less 5 GB, or
 * half of it below 10 GB (both in whole MB, truncated); ports =
 * [31000-32000]. What cannot be probed falls back to Mesos's defaults (1
 * cpu, 1 GB, 10 GB).
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <sys/statvfs.h>
#include <sys/sysinfo.h>
#include <unistd.h>

#include "agent.h"

#define MB (1024ull * 1024)
#define GB (1024ull * MB)

void agent_host_probe(const char *work_dir, agent_host *h)
{
	memset(h, 0, sizeof *h);
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	if (n > 0) {
		h->cpus = n;
		h->cpus_known = true;
	}
	struct sysinfo si;
	if (sysinfo(&si) == 0) {
		h->mem_bytes = (uint64_t)si.totalram * si.mem_unit;
		h->mem_known = true;
	}
	struct statvfs vs;
	if (work_dir && statvfs(work_dir, &vs) == 0) {
		h->disk_bytes = (uint64_t)vs.f_blocks * vs.f_frsize;
		h->disk_known = true;
	}
}

/* Whether the resource text names a kind (as "name:..." or "name(role):...",
 * entries separated by ';'). */
static bool names(const char *text, const char *kind)
{
	size_t k = strlen(kind);
	for (const char *p = text; p && *p;) {
		while (*p == ' ' || *p == ';' || *p == '\n')
			p++;
		if (strncmp(p, kind, k) == 0 && (p[k] == ':' || p[k] == '(' || p[k] == ' '))
			return true;
		p = strchr(p, ';');
	}
	return false;
}

uint64_t agent_default_mem_mb(uint64_t total_bytes)
{
	uint64_t mem = total_bytes >= 2 * GB ? total_bytes - GB : total_bytes / 2;
	return mem / MB;
}

uint64_t agent_default_disk_mb(uint64_t total_bytes)
{
	uint64_t disk = total_bytes >= 10 * GB ? total_bytes - 5 * GB : total_bytes / 2;
	return disk / MB;
}

int agent_default_resources(const char *given, const agent_host *h, char *out, size_t len)
{
	size_t o = 0;
	int n = snprintf(out, len, "%s", given ? given : "");
	if (n < 0 || (size_t)n >= len)
		return -1;
	o = (size_t)n;
	const char *sep = o ? ";" : "";
#define ADD(...)                                                                                                       \
	do {                                                                                                           \
		n = snprintf(out + o, len - o, __VA_ARGS__);                                                           \
		if (n < 0 || (size_t)n >= len - o)                                                                     \
			return -1;                                                                                     \
		o += (size_t)n;                                                                                        \
		sep = ";";                                                                                             \
	} while (0)
	if (!names(given, "cpus"))
		ADD("%scpus:%ld", sep, h->cpus_known ? h->cpus : 1L);
	if (!names(given, "mem"))
		ADD("%smem:%llu", sep, (unsigned long long)(h->mem_known ? agent_default_mem_mb(h->mem_bytes) : 1024));
	if (!names(given, "disk"))
		ADD("%sdisk:%llu", sep,
		    (unsigned long long)(h->disk_known ? agent_default_disk_mb(h->disk_bytes) : 10240));
	if (!names(given, "ports"))
		ADD("%sports:[31000-32000]", sep);
#undef ADD
	return 0;
}
