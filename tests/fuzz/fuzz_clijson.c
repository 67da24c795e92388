/*
 * fuzz_clijson.c — fuzz target for meso-sim's JSON reader (sim/src/cli_json.c,
 * which reads manifest.json and summary.json for rerun, sweep and compare):
 * any bytes either fail with a message or give a tree whose walk (flatten,
 * lookups) stays inside it.
 */
#include <string.h>

#include "cli_json.h"

#include "fuzz.h"

static void count(void *ud, const char *path, const cli_json *v)
{
	CHECK(strlen(path) < 512);
	CHECK(v->type != CJ_OBJECT && v->type != CJ_ARRAY);
	++*(size_t *)ud;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1), err[256] = "";
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	cli_json *j = cli_json_parse(text, err, sizeof err);
	free(text);
	if (!j) {
		CHECK(strncmp(err, "line ", 5) == 0); /* every failure says where */
		return 0;
	}
	size_t n = 0;
	cli_json_flatten(j, count, &n);
	if (j->type == CJ_OBJECT && j->nkids)
		CHECK(cli_json_get(j, j->kids[0].key) == &j->kids[0]);
	cli_json_free(j);
	return 0;
}
