/*
 * fuzz_checkpoint.c — fuzz target for what a restarting agent reads from
 * disk (runtime/agent/agent_checkpoint.c): task and executor checkpoints and
 * exit records. The first byte picks the path: the bytes as a whole task
 * file (header and CRC checked), as the body of a task file with a valid
 * header (so mutations reach the message decoder and the checks behind it),
 * as an exit record, or as a whole executor file or an executor body.
 * Decoding must fail cleanly or give a checkpoint whose updates are this
 * task's (and whose whole records alone decode the same, without a torn
 * tail), or an executor with ids, an ExecutorInfo and an absolute sandbox;
 * a parsed exit record must format and parse back to itself.
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
	/* The whole records alone decode to the same task, with no torn tail. */
	CHECK(c.used > 0 && c.used <= size && (c.torn || c.used == size));
	agent_task_ckpt again;
	CHECK(agent_task_ckpt_decode(data, c.used, &again, why, sizeof why) == 0);
	CHECK(!again.torn && again.used == c.used && strcmp(again.task_id, c.task_id) == 0);
	agent_task_ckpt_free(&again);
	agent_task_ckpt_free(&c);
}

static void check_executor(const uint8_t *data, size_t size)
{
	char why[256] = "";
	Meso__Agent__ExecutorCheckpoint *c = agent_executor_ckpt_decode(data, size, why, sizeof why);
	if (!c) {
		CHECK(why[0] != '\0');
		return;
	}
	CHECK(c->framework_id[0] && c->container_id[0] && strlen(c->container_id) <= 36);
	CHECK(c->sandbox[0] == '/');
	Mesos__V1__ExecutorInfo *ei =
	        mesos__v1__executor_info__unpack(NULL, c->executor_info.len, c->executor_info.data);
	CHECK(ei && ei->executor_id->value[0]);
	mesos__v1__executor_info__free_unpacked(ei, NULL);
	meso__agent__executor_checkpoint__free_unpacked(c, NULL);
}

/* The bytes behind a header that fits them (kind, length, CRC), so only
 * the body can be wrong; passed to check. */
static void check_body(const uint8_t *data, size_t size, uint8_t kind, void (*check)(const uint8_t *, size_t))
{
	uint8_t *file = malloc(size + 20);
	CHECK(file);
	uint32_t crc = agent_crc32(data, size), n = (uint32_t)size;
	memcpy(file, "MESOCKP1", 8);
	uint8_t fields[12] = {0, 0, 0, kind, n >> 24, n >> 16, n >> 8, n, crc >> 24, crc >> 16, crc >> 8, crc};
	memcpy(file + 8, fields, 12);
	memcpy(file + 20, data, size);
	check(file, size + 20);
	free(file);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	uint8_t mode = data[0] % 5;
	data++;
	size--;
	if (mode == 0) {
		check_task(data, size);
	} else if (mode == 1) {
		check_body(data, size, AGENT_CKPT_TASK, check_task);
	} else if (mode == 3) {
		check_executor(data, size);
	} else if (mode == 4) {
		check_body(data, size, AGENT_CKPT_EXECUTOR, check_executor);
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
