/*
 * fuzz_masterurl.c — fuzz target for --master text (rt_master_url.c,
 * without file://, which reads files): any bytes either fail with a message
 * or give a host and port in range or a zk URL, and the form printed back
 * parses to the same thing.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rt_master_url.h"

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char text[2048], err[512] = "";
	if (size >= sizeof text)
		return 0;
	memcpy(text, data, size);
	text[size] = 0;
	rt_master_url u;
	if (rt_master_url_parse_text(text, &u, err, sizeof err) != 0) {
		if (strncmp(err, "--master: ", 10) != 0)
			abort(); /* every failure says why, under the flag's name */
		return 0;
	}
	if (u.kind == RT_MASTER_HOSTPORT && (!u.host[0] || u.port < 1 || u.port > 65535))
		abort();
	if (u.kind == RT_MASTER_ZK && (u.zk.path[0] != '/' || !u.zk.hosts[0]))
		abort();
	char again[2048];
	rt_master_url_text(&u, again, sizeof again);
	rt_master_url v;
	if (rt_master_url_parse_text(again, &v, err, sizeof err) != 0 || v.kind != u.kind || strcmp(u.host, v.host) ||
	    u.port != v.port || strcmp(u.zk.hosts, v.zk.hosts) || strcmp(u.zk.path, v.zk.path))
		abort();
	return 0;
}
