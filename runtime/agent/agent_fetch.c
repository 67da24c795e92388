/*
 * agent_fetch.c — the part of fetching CommandInfo.uris that the agent, the
 * supervisor and meso-fetcher share: one URI as one argument, and the
 * checks of what a URI may name (scheme, file name inside the sandbox,
 * archive kind, cache name). libc only.
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent_fetch.h"

char *agent_fetch_encode(const agent_fetch_uri *u)
{
	const char *out = u->output_file ? u->output_file : "";
	char *s = NULL;
	if (asprintf(&s, "%c%c%c%zu:%s%s", u->executable ? '1' : '0', u->extract ? '1' : '0', u->cache ? '1' : '0',
	             strlen(out), out, u->value) < 0)
		return NULL;
	return s;
}

int agent_fetch_decode(const char *arg, agent_fetch_uri *u, char *why, size_t whylen)
{
	for (int i = 0; i < 3; i++)
		if (arg[i] != '0' && arg[i] != '1') {
			snprintf(why, whylen, "a fetch argument starts with three flags (0 or 1): '%.60s'", arg);
			return -1;
		}
	char *end;
	const char *p = arg + 3;
	if (*p < '0' || *p > '9') {
		snprintf(why, whylen, "a fetch argument has no output file length: '%.60s'", arg);
		return -1;
	}
	unsigned long len = strtoul(p, &end, 10);
	if (*end != ':' || len > strlen(end + 1)) {
		snprintf(why, whylen, "a fetch argument's output file length is wrong: '%.60s'", arg);
		return -1;
	}
	/* The output file is not NUL-terminated inside arg: copied out. */
	if (len >= sizeof u->out) {
		snprintf(why, whylen, "a fetch argument's output file is longer than %zu bytes", sizeof u->out - 1);
		return -1;
	}
	memcpy(u->out, end + 1, len);
	u->out[len] = '\0';
	u->executable = arg[0] == '1';
	u->extract = arg[1] == '1';
	u->cache = arg[2] == '1';
	u->output_file = u->out;
	u->value = end + 1 + len;
	return 0;
}

static bool has_prefix(const char *s, const char *p)
{
	return strncmp(s, p, strlen(p)) == 0;
}

const char *agent_fetch_local_path(const char *value)
{
	return has_prefix(value, "file://") ? value + 7 : value;
}

/* A relative path with no empty, "." or ".." component. */
static bool plain_relative(const char *name)
{
	if (!name[0] || name[0] == '/')
		return false;
	const char *p = name;
	while (*p) {
		size_t n = strcspn(p, "/");
		if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
			return false;
		p += n;
		if (*p == '/')
			p++;
		else
			break;
	}
	return name[strlen(name) - 1] != '/';
}

int agent_fetch_check(const agent_fetch_uri *u, agent_fetch_kind *kind, char *name, size_t namelen, char *why,
                      size_t whylen)
{
	const char *v = u->value;
	const char *path;
	if (has_prefix(v, "http://") || has_prefix(v, "https://") || has_prefix(v, "ftp://") ||
	    has_prefix(v, "ftps://")) {
		*kind = AGENT_FETCH_NET;
		const char *host = strstr(v, "://") + 3;
		path = strchr(host, '/');
		if (!path)
			path = "";
	} else if (has_prefix(v, "file://") || v[0] == '/') {
		*kind = AGENT_FETCH_LOCAL;
		path = agent_fetch_local_path(v);
		if (path[0] != '/') {
			snprintf(why, whylen, "URI '%.200s': a file:// URI needs an absolute path", v);
			return -1;
		}
	} else if (strstr(v, "://")) {
		snprintf(why, whylen, "URI '%.200s': the scheme is not one Meso fetches (http, https, ftp, ftps, file)",
		         v);
		return -1;
	} else {
		snprintf(
		        why, whylen,
		        "URI '%.200s': a relative path needs Mesos's --frameworks_home, which Meso does not have; give "
		        "an absolute path or a URL",
		        v);
		return -1;
	}
	if (u->output_file && u->output_file[0]) {
		if (!plain_relative(u->output_file)) {
			snprintf(why, whylen,
			         "URI '%.200s': output_file '%.200s' must be a relative path inside the sandbox (no "
			         "'..', no leading '/')",
			         v, u->output_file);
			return -1;
		}
		if ((size_t)snprintf(name, namelen, "%s", u->output_file) >= namelen) {
			snprintf(why, whylen, "URI '%.200s': output_file is too long", v);
			return -1;
		}
		return 0;
	}
	/* The last segment of the path, without a query or fragment. */
	size_t plen = strcspn(path, "?#");
	const char *last = path;
	for (size_t i = 0; i < plen; i++)
		if (path[i] == '/')
			last = path + i + 1;
	size_t n = (size_t)(path + plen - last);
	if (n == 0 || n >= namelen || (n == 1 && last[0] == '.') || (n == 2 && last[0] == '.' && last[1] == '.')) {
		snprintf(why, whylen, "URI '%.200s' names no file (give output_file)", v);
		return -1;
	}
	memcpy(name, last, n);
	name[n] = '\0';
	return 0;
}

static bool has_suffix(const char *s, const char *suf)
{
	size_t n = strlen(s), m = strlen(suf);
	return n > m && strcmp(s + n - m, suf) == 0;
}

agent_archive agent_fetch_archive_kind(const char *name)
{
	static const char *const tar[] = {".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz"};
	for (size_t i = 0; i < sizeof tar / sizeof *tar; i++)
		if (has_suffix(name, tar[i]))
			return AGENT_ARCHIVE_TAR;
	if (has_suffix(name, ".zip"))
		return AGENT_ARCHIVE_ZIP;
	if (has_suffix(name, ".gz"))
		return AGENT_ARCHIVE_GZIP;
	return AGENT_ARCHIVE_NONE;
}

void agent_fetch_cache_name(const char *value, char *out, size_t len)
{
	uint64_t h = 1469598103934665603ULL;
	for (const unsigned char *p = (const unsigned char *)value; *p; p++)
		h = (h ^ *p) * 1099511628211ULL;
	size_t end = strcspn(value, "?#"), start = end;
	while (start > 0 && value[start - 1] != '/')
		start--;
	char base[128];
	size_t n = 0;
	for (size_t i = start; i < end && n + 1 < sizeof base; i++) {
		char c = value[i];
		bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
		             c == '-' || c == '_';
		base[n++] = plain ? c : '_';
	}
	base[n] = '\0';
	snprintf(out, len, "%016" PRIx64 "-%s", h, n ? base : "uri");
}
