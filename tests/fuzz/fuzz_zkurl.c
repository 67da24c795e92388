/*
 * fuzz_zkurl.c — fuzz target for --zk URLs: any bytes either fail with a
 * message or give hosts and a path that satisfy the documented form, and
 * parsing the rebuilt URL gives the same result.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rt_zk.h"

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char text[2048], err[256] = "";
	if (size >= sizeof text)
		return 0;
	memcpy(text, data, size);
	text[size] = 0;
	rt_zk_url u;
	if (rt_zk_url_parse(text, &u, err, sizeof err) != 0) {
		if (!err[0])
			abort(); /* every failure says why */
		return 0;
	}
	if (u.path[0] != '/' || strlen(u.path) < 2 || u.path[strlen(u.path) - 1] == '/' || !u.hosts[0])
		abort();
	char again[2048];
	snprintf(again, sizeof again, "zk://%s%s", u.hosts, u.path);
	rt_zk_url v;
	if (rt_zk_url_parse(again, &v, err, sizeof err) != 0 || strcmp(u.hosts, v.hosts) || strcmp(u.path, v.path))
		abort();
	return 0;
}
