/*
 * rt_master_url.c — the --master flag's forms (rt_master_url.h): a URL
 * scheme picks the form, the rest is HOST:PORT as Mesos's PID text
 * ("master@10.0.0.1:5050" or "10.0.0.1:5050"). Every refusal names the
 * form it expected, so a deployment script's typo fails at start.
 */
#define _GNU_SOURCE
#include "rt_master_url.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define EXPECTED "expected HOST:PORT, zk://HOST:PORT[,HOST:PORT...]/PATH or file:///PATH"

/* Host names and IPv4 addresses: letters, digits, '-', '.', '_'. */
static int host_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
	       c == '_';
}

/* Inside brackets: an IPv6 address (hex digits, ':', '.', a %zone name). */
static int ipv6_char(char c)
{
	return host_char(c) || c == ':' || c == '%';
}

static int parse_hostport(const char *text, rt_master_url *out, char *err, size_t errlen)
{
	const char *s = text;
	/* Mesos's PID text: ID@HOST:PORT, the id (e.g. "master") ignored. */
	const char *at = strchr(s, '@');
	if (at) {
		for (const char *p = s; p < at; p++)
			if (!host_char(*p) && *p != '(' && *p != ')') {
				snprintf(err, errlen, "--master: \"%s\": " EXPECTED, text);
				return -1;
			}
		s = at + 1;
	}
	const char *host = s, *host_end, *colon;
	if (*s == '[') {
		host = s + 1;
		host_end = strchr(host, ']');
		if (!host_end || host_end == host) {
			snprintf(err, errlen, "--master: \"%s\": an IPv6 address needs its closing ']'", text);
			return -1;
		}
		for (const char *p = host; p < host_end; p++)
			if (!ipv6_char(*p)) {
				snprintf(err, errlen, "--master: \"%s\": '%c' in an IPv6 address", text, *p);
				return -1;
			}
		if (!memchr(host, ':', (size_t)(host_end - host))) {
			snprintf(err, errlen, "--master: \"%s\": brackets hold an IPv6 address", text);
			return -1;
		}
		colon = host_end + 1;
		if (*colon != ':') {
			snprintf(err, errlen, "--master: \"%s\" has no port: expected [ADDRESS]:PORT", text);
			return -1;
		}
	} else {
		colon = strchr(s, ':');
		if (colon && strchr(colon + 1, ':')) {
			snprintf(err, errlen, "--master: \"%s\": write an IPv6 address in brackets, [ADDRESS]:PORT",
			         text);
			return -1;
		}
		host_end = colon ? colon : s + strlen(s);
		if (host_end == host) {
			snprintf(err, errlen, "--master: \"%s\" has no host: " EXPECTED, text);
			return -1;
		}
		for (const char *p = host; p < host_end; p++)
			if (!host_char(*p)) {
				snprintf(err, errlen, "--master: \"%s\": '%c' cannot be in a host name: " EXPECTED,
				         text, *p);
				return -1;
			}
		if (!colon) {
			snprintf(err, errlen, "--master: \"%s\" has no port: expected HOST:PORT (e.g. %s:5050)", text,
			         text);
			return -1;
		}
	}
	const char *p = colon + 1;
	long port = 0;
	for (; *p >= '0' && *p <= '9' && port <= 65535; p++)
		port = port * 10 + (*p - '0');
	if (p == colon + 1 || *p || port < 1 || port > 65535) {
		snprintf(err, errlen, "--master: \"%s\": the port must be a number in 1-65535", text);
		return -1;
	}
	size_t hlen = (size_t)(host_end - host);
	if (hlen >= sizeof out->host) {
		snprintf(err, errlen, "--master: the host of \"%.64s...\" is too long", text);
		return -1;
	}
	out->kind = RT_MASTER_HOSTPORT;
	memcpy(out->host, host, hlen);
	out->host[hlen] = 0;
	out->port = (int)port;
	return 0;
}

/* file:///PATH read into buf (NUL-terminated, white space trimmed). */
static int read_master_file(const char *path, char *buf, size_t len, char *err, size_t errlen)
{
	FILE *f = fopen(path, "re");
	if (!f) {
		snprintf(err, errlen, "--master: cannot read %s: %s", path, strerror(errno));
		return -1;
	}
	size_t n = fread(buf, 1, len - 1, f);
	int rerr = ferror(f), more = !rerr && n == len - 1 && fgetc(f) != EOF;
	fclose(f);
	if (rerr || more) {
		snprintf(err, errlen, "--master: %s: %s", path, rerr ? "read error" : "longer than 4 KiB");
		return -1;
	}
	buf[n] = 0;
	if (memchr(buf, 0, n)) {
		snprintf(err, errlen, "--master: %s holds a NUL byte", path);
		return -1;
	}
	char *s = buf;
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	char *e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r'))
		e--;
	*e = 0;
	memmove(buf, s, (size_t)(e - s) + 1);
	if (!buf[0]) {
		snprintf(err, errlen, "--master: %s is empty: it should hold HOST:PORT or zk://HOST:PORT/PATH", path);
		return -1;
	}
	return 0;
}

static int parse(const char *text, rt_master_url *out, char *err, size_t errlen, int files)
{
	memset(out, 0, sizeof *out);
	if (!text || !*text) {
		snprintf(err, errlen, "--master: empty: " EXPECTED);
		return -1;
	}
	const char *sep = strstr(text, "://");
	if (!sep)
		return parse_hostport(text, out, err, errlen);
	size_t slen = (size_t)(sep - text);
	if (slen == 2 && strncmp(text, "zk", 2) == 0) {
		char why[256];
		if (rt_zk_url_parse(text, &out->zk, why, sizeof why) != 0) {
			const char *w = strncmp(why, "--zk: ", 6) == 0 ? why + 6 : why;
			snprintf(err, errlen, "--master: %s", w);
			return -1;
		}
		out->kind = RT_MASTER_ZK;
		return 0;
	}
	if (slen == 4 && strncmp(text, "file", 4) == 0) {
		if (!files) {
			snprintf(err, errlen,
			         "--master: a file named by --master=file:// holds file:// again (\"%.200s\")", text);
			return -1;
		}
		const char *path = sep + 3;
		if (!*path) {
			snprintf(err, errlen, "--master: \"%s\" names no file: expected file:///PATH", text);
			return -1;
		}
		char buf[4097];
		if (read_master_file(path, buf, sizeof buf, err, errlen) != 0)
			return -1;
		char why[512];
		if (parse(buf, out, why, sizeof why, 0) != 0) {
			snprintf(err, errlen, "%s (read from %.200s)", why, path);
			return -1;
		}
		return 0;
	}
	if ((slen == 4 && strncasecmp(text, "http", 4) == 0) || (slen == 5 && strncasecmp(text, "https", 5) == 0)) {
		snprintf(err, errlen,
		         "--master: \"%.200s\" is an HTTP URL; Meso, as Mesos, takes the master's HOST:PORT (drop "
		         "\"%.*s://\" and any path) or zk://HOST:PORT/PATH",
		         text, (int)slen, text);
		return -1;
	}
	snprintf(err, errlen, "--master: unknown scheme \"%.*s://\": " EXPECTED, (int)(slen > 32 ? 32 : slen), text);
	return -1;
}

int rt_master_url_parse_text(const char *text, rt_master_url *out, char *err, size_t errlen)
{
	return parse(text, out, err, errlen, 0);
}

int rt_master_url_parse(const char *text, rt_master_url *out, char *err, size_t errlen)
{
	return parse(text, out, err, errlen, 1);
}

const char *rt_master_url_text(const rt_master_url *u, char *buf, size_t len)
{
	if (u->kind == RT_MASTER_ZK)
		snprintf(buf, len, "zk://%s%s", u->zk.hosts, u->zk.path);
	else if (strchr(u->host, ':'))
		snprintf(buf, len, "[%s]:%d", u->host, u->port);
	else
		snprintf(buf, len, "%s:%d", u->host, u->port);
	return buf;
}
