/*
 * fuzz_fetch.c — fuzz target for what a framework's CommandInfo.uris become
 * on the agent (runtime/agent/agent_fetch.c): any value and output_file
 * either are refused with a message or name a plain relative file inside
 * the sandbox (no "..", no empty or "." component, not absolute); the
 * argument the agent hands the supervisor decodes back to the same URI;
 * the cache name is printable and has no '/'.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "agent_fetch.h"

#include "fuzz.h"

static void check_name(const char *name)
{
	if (!name[0] || name[0] == '/')
		abort();
	for (const char *p = name; *p;) {
		size_t n = strcspn(p, "/");
		if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
			abort();
		p += n;
		if (*p == '/')
			p++;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* value \0 output_file \0 flags */
	char buf[2048];
	if (size >= sizeof buf - 2 || size < 1)
		return 0;
	memcpy(buf, data, size);
	buf[size] = buf[size + 1] = 0;
	const char *value = buf;
	const char *out = buf + strlen(buf) + 1;
	if (out > buf + size)
		out = "";
	uint8_t flags = data[size - 1];
	agent_fetch_uri u = {
	        .value = value, .output_file = out, .executable = flags & 1, .extract = flags & 2, .cache = flags & 4};
	agent_fetch_kind kind;
	char name[1024], why[800] = "";
	if (agent_fetch_check(&u, &kind, name, sizeof name, why, sizeof why) != 0) {
		if (!why[0])
			abort(); /* a refusal says why */
	} else {
		check_name(name);
	}
	char *arg = agent_fetch_encode(&u);
	if (!arg)
		return 0;
	agent_fetch_uri back;
	char err[200];
	if (strlen(out) < sizeof back.out) {
		if (agent_fetch_decode(arg, &back, err, sizeof err) != 0 || strcmp(back.value, value) != 0 ||
		    strcmp(back.output_file, out) != 0 || back.executable != u.executable ||
		    back.extract != u.extract || back.cache != u.cache)
			abort();
	}
	free(arg);
	/* Arbitrary bytes to the decoder: refused with a message or decoded. */
	if (agent_fetch_decode(value, &back, err, sizeof err) != 0 && !err[0])
		abort();
	char cname[256];
	agent_fetch_cache_name(value, cname, sizeof cname);
	for (const char *p = cname; *p; p++)
		if (*p == '/' || (unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
			abort();
	return 0;
}
