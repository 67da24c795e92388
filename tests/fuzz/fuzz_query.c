/*
 * fuzz_query.c — fuzz target for what the agent's /files and the classic
 * endpoints read from a request's query or form (rt_api_form_get:
 * percent-decoding into a bounded buffer): a value is found, absent or
 * refused as too long, always NUL-terminated within its room. (Log
 * escaping has its own harness, fuzz_auth.c.)
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
	return 0;
}
