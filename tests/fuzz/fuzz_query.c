/*
 * fuzz_query.c — fuzz target for what the agent's /files and the classic
 * endpoints read from a request's query or form (rt_api_form_get:
 * percent-decoding into a bounded buffer) and for how a peer's text is
 * written into a log line (rt_log_escape): a value is found, absent or
 * refused as too long, always NUL-terminated within its room; an escaped
 * line is printable ASCII within its room.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rt_api.h"
#include "rt_util.h"

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *keys[] = {"path", "offset", "length", "frameworkId", "p"};
	char text[4096];
	if (size >= sizeof text)
		return 0;
	memcpy(text, data, size);
	text[size] = 0;
	for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
		static const size_t caps[] = {1, 2, 8, 64, 4097};
		for (size_t c = 0; c < sizeof caps / sizeof caps[0]; c++) {
			char out[4097];
			memset(out, 'X', sizeof out);
			int rc = rt_api_form_get(text, size, keys[k], out, caps[c]);
			CHECK(rc >= -1 && rc <= 1);
			if (rc == 1)
				CHECK(memchr(out, 0, caps[c]) != NULL);
		}
	}
	static const size_t rooms[] = {0, 4, 8, 9, 40, 400};
	for (size_t r = 0; r < sizeof rooms / sizeof rooms[0]; r++) {
		char line[400];
		memset(line, 'X', sizeof line);
		rt_log_escape(text, line, rooms[r]);
		if (!rooms[r])
			continue;
		size_t n = strnlen(line, rooms[r]);
		CHECK(n < rooms[r]);
		for (size_t i = 0; i < n; i++)
			CHECK(line[i] >= 0x20 && line[i] < 0x7f);
	}
	return 0;
}
