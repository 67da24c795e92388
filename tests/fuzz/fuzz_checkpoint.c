/*
 * fuzz_checkpoint.c — fuzz target for what a restarting agent reads from
 * disk (runtime/agent/agent_checkpoint.c): task checkpoints and exit
 * records. The first byte picks the path: the bytes as a whole file (header
 * and CRC checked), the bytes as the body of a file with a valid header (so
 * mutations reach the message decoder and the checks behind it), or the
 * bytes as an exit record. Decoding must fail cleanly or give a checkpoint
 * whose updates are this task's; a parsed exit record must format and parse
 * back to itself.
 */
#define _GNU_SOURCE /* PATH_MAX in agent.h */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent.h"
#include "fuzz.h"

static void check_task(const uint8_t *data, size_t size)
{
	agent_task_ckpt c;
	char why[256];
	if (agent_task_ckpt_decode(data, size, &c, why, sizeof why) != 0) {
		CHECK(why[0] != '\0');
		CHECK(c.msg == NULL);
		return;
	}
	CHECK(c.msg && c.task_id && c.task_id[0] && c.msg->framework_id[0]);
	CHECK(c.msg->sandbox[0] == '/');
	CHECK(c.n_updates == c.msg->n_updates);
	for (size_t i = 0; i < c.n_updates; i++)
		CHECK(c.updates[i].frame && c.updates[i].len == c.msg->updates[i].len);
	agent_task_ckpt_free(&c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	uint8_t mode = data[0] % 3;
	data++;
	size--;
	if (mode == 0) {
		check_task(data, size);
	} else if (mode == 1) {
		/* A header that fits the body, so only the body can be wrong. */
		uint8_t *file = malloc(size + 20);
		CHECK(file);
		uint32_t crc = agent_crc32(data, size), n = (uint32_t)size;
		memcpy(file, "MESOCKP1", 8);
		uint8_t fields[12] = {0,      0, 0,         AGENT_CKPT_TASK, n >> 24,  n >> 16,
		                      n >> 8, n, crc >> 24, crc >> 16,       crc >> 8, crc};
		memcpy(file + 8, fields, 12);
		memcpy(file + 20, data, size);
		check_task(file, size + 20);
		free(file);
	} else {
		agent_exit_record r, back;
		char why[128], line[AGENT_EXIT_RECORD_LEN];
		if (agent_exit_record_parse((const char *)data, size, &r, why, sizeof why) == 1) {
			size_t n = agent_exit_record_format(&r, line, sizeof line);
			CHECK(n > 0);
			CHECK(agent_exit_record_parse(line, n, &back, why, sizeof why) == 1);
			CHECK(memcmp(&r, &back, sizeof r) == 0);
		}
	}
	return 0;
}
