/*
 * rt_master_url.h — the --master flag in every form Mesos accepts: HOST:PORT
 * (also master@HOST:PORT), zk://HOST:PORT[,...]/PATH, and file:///PATH
 * naming a file that holds one of those. Forms Meso cannot use (http://...,
 * another scheme) are refused with a message saying what to write instead.
 */
#ifndef RT_MASTER_URL_H
#define RT_MASTER_URL_H

#include <stddef.h>

#include "rt_zk.h"

typedef enum rt_master_kind {
	RT_MASTER_HOSTPORT, /* one master: host and port */
	RT_MASTER_ZK,       /* follow the leader elected under zk */
} rt_master_kind;

typedef struct rt_master_url {
	rt_master_kind kind;
	char host[256]; /* RT_MASTER_HOSTPORT: a name or an address (IPv6 without brackets) */
	int port;       /* 1-65535 */
	rt_zk_url zk;   /* RT_MASTER_ZK */
} rt_master_url;

/* Parses text as HOST:PORT, master@HOST:PORT or zk://... (not file://).
 * Returns 0, or -1 with what is wrong and what is expected in err. */
int rt_master_url_parse_text(const char *text, rt_master_url *out, char *err, size_t errlen);

/* As rt_master_url_parse_text, and file:///PATH: reads PATH (at most 4 KiB;
 * surrounding white space ignored) and parses what it holds, which may not
 * be file:// again. Returns 0, or -1 with a message in err. */
int rt_master_url_parse(const char *text, rt_master_url *out, char *err, size_t errlen);

/* The form of u as --master takes it, in buf ("host:port", "[::1]:port",
 * "zk://hosts/path"). Returns buf. */
const char *rt_master_url_text(const rt_master_url *u, char *buf, size_t len);

#endif
