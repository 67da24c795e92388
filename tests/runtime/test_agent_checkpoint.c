/*
 * test_agent_checkpoint.c — the agent's checkpoint files
 * (runtime/agent/agent_checkpoint.c): a task checkpoint survives encoding
 * and decoding with its updates; records appended to a task file, the last
 * whole one wins and a write cut short after it is ignored; every way a
 * file can be damaged (short, foreign, flipped bytes, a body that decodes
 * to nonsense) is refused with a reason that says which; atomic writes leave no temporary file; exit
 * records round-trip and refuse damage; a custom executor's checkpoint and
 * its task's (executor id, launched) round-trip, and unusable ones are
 * refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "agent.h"

/* A packed STATUS_UPDATE frame of task_id with uuid byte u and state. */
static ProtobufCBinaryData update_frame(const char *task_id, uint8_t u, Mesos__V1__TaskState state)
{
	uint8_t uuid[16];
	memset(uuid, u, sizeof uuid);
	Mesos__V1__TaskID tid = MESOS__V1__TASK_ID__INIT;
	Mesos__V1__FrameworkID fid = MESOS__V1__FRAMEWORK_ID__INIT;
	Mesos__V1__TaskStatus st = MESOS__V1__TASK_STATUS__INIT;
	Meso__Agent__StatusUpdate su = MESO__AGENT__STATUS_UPDATE__INIT;
	Meso__Agent__AgentMessage msg = MESO__AGENT__AGENT_MESSAGE__INIT;
	tid.value = (char *)task_id;
	fid.value = "fw";
	st.task_id = &tid;
	st.state = state;
	st.has_uuid = true;
	st.uuid.data = uuid;
	st.uuid.len = 16;
	su.framework_id = &fid;
	su.status = &st;
	msg.type = MESO__AGENT__AGENT_MESSAGE__TYPE__STATUS_UPDATE;
	msg.status_update = &su;
	ProtobufCBinaryData b;
	b.len = protobuf_c_message_get_packed_size(&msg.base);
	b.data = malloc(b.len);
	protobuf_c_message_pack(&msg.base, b.data);
	return b;
}

static ProtobufCBinaryData task_info(const char *task_id)
{
	Mesos__V1__TaskID tid = MESOS__V1__TASK_ID__INIT;
	Mesos__V1__AgentID aid = MESOS__V1__AGENT_ID__INIT;
	Mesos__V1__CommandInfo cmd = MESOS__V1__COMMAND_INFO__INIT;
	Mesos__V1__TaskInfo ti = MESOS__V1__TASK_INFO__INIT;
	tid.value = (char *)task_id;
	aid.value = "agent-1";
	cmd.value = "sleep 9";
	ti.name = "t";
	ti.task_id = &tid;
	ti.agent_id = &aid;
	ti.command = &cmd;
	ProtobufCBinaryData b;
	b.len = mesos__v1__task_info__get_packed_size(&ti);
	b.data = malloc(b.len);
	mesos__v1__task_info__pack(&ti, b.data);
	return b;
}

/* A checkpoint of task "t1" with two updates (RUNNING, FINISHED), packed. */
static void task_file(rt_buf *out, const char *sandbox, const char *update_task)
{
	Meso__Agent__TaskCheckpoint c = MESO__AGENT__TASK_CHECKPOINT__INIT;
	ProtobufCBinaryData ups[2] = {update_frame(update_task, 1, MESOS__V1__TASK_STATE__TASK_RUNNING),
	                              update_frame(update_task, 2, MESOS__V1__TASK_STATE__TASK_FINISHED)};
	c.framework_id = "fw";
	c.task_info = task_info("t1");
	c.state = MESOS__V1__TASK_STATE__TASK_FINISHED;
	c.agent_id = "agent-1";
	c.sandbox = (char *)sandbox;
	c.has_supervisor_pid = c.has_supervisor_start = c.has_pid = c.has_pid_start = true;
	c.supervisor_pid = 100;
	c.supervisor_start = 12345;
	c.pid = 101;
	c.pid_start = 12346;
	c.cgroup_mem = "/sys/fs/cgroup/memory/x";
	c.updates = ups;
	c.n_updates = 2;
	agent_ckpt_pack(AGENT_CKPT_TASK, &c.base, out);
	free(c.task_info.data);
	free(ups[0].data);
	free(ups[1].data);
}

static void expect_refused(const rt_buf *b, const char *reason)
{
	agent_task_ckpt c;
	char why[256] = "";
	assert_int_equal(agent_task_ckpt_decode(b->data, b->len, &c, why, sizeof why), -1);
	if (!strstr(why, reason))
		fail_msg("reason '%s' does not say '%s'", why, reason);
	assert_null(c.msg);
}

static void test_crc32_check_value(void **state)
{
	(void)state;
	assert_int_equal(agent_crc32((const uint8_t *)"123456789", 9), 0xCBF43926u);
}

static void test_task_checkpoint_round_trip(void **state)
{
	(void)state;
	rt_buf b;
	rt_buf_init(&b);
	task_file(&b, "/work/frameworks/fw/tasks/t1-abcd", "t1");
	agent_task_ckpt c;
	char why[256];
	assert_int_equal(agent_task_ckpt_decode(b.data, b.len, &c, why, sizeof why), 0);
	assert_string_equal(c.task_id, "t1");
	assert_string_equal(c.msg->framework_id, "fw");
	assert_string_equal(c.msg->agent_id, "agent-1");
	assert_string_equal(c.msg->sandbox, "/work/frameworks/fw/tasks/t1-abcd");
	assert_int_equal(c.msg->supervisor_pid, 100);
	assert_int_equal(c.msg->supervisor_start, 12345);
	assert_int_equal(c.msg->pid, 101);
	assert_int_equal(c.msg->pid_start, 12346);
	assert_string_equal(c.msg->cgroup_mem, "/sys/fs/cgroup/memory/x");
	assert_null(c.msg->cgroup_cpu);
	assert_int_equal(c.n_updates, 2);
	assert_int_equal(c.updates[0].state, MESOS__V1__TASK_STATE__TASK_RUNNING);
	assert_int_equal(c.updates[0].uuid[15], 1);
	assert_int_equal(c.updates[1].state, MESOS__V1__TASK_STATE__TASK_FINISHED);
	assert_int_equal(c.updates[1].uuid[0], 2);
	/* The frame is kept as it was: it is resent byte for byte. */
	ProtobufCBinaryData again = update_frame("t1", 2, MESOS__V1__TASK_STATE__TASK_FINISHED);
	assert_int_equal(c.updates[1].len, again.len);
	assert_memory_equal(c.updates[1].frame, again.data, again.len);
	free(again.data);
	agent_task_ckpt_free(&c);
	rt_buf_free(&b);
}

static void test_damaged_files_are_refused_with_a_reason(void **state)
{
	(void)state;
	rt_buf b;
	rt_buf_init(&b);
	task_file(&b, "/s", "t1");
	size_t len = b.len;

	rt_buf cut;
	rt_buf_init(&cut);
	rt_buf_append(&cut, b.data, 12);
	expect_refused(&cut, "truncated: 12 bytes");
	cut.len = 0;
	rt_buf_append(&cut, b.data, len - 1);
	expect_refused(&cut, "truncated or extended");
	cut.len = 0;
	cut.len = 0;
	rt_buf_append(&cut, b.data, len);
	cut.data[len / 2] ^= 0x40;
	expect_refused(&cut, "CRC-32 mismatch");
	cut.len = 0;
	rt_buf_append(&cut, b.data, len);
	cut.data[0] = 'X';
	expect_refused(&cut, "bad magic");
	cut.len = 0;
	rt_buf_append(&cut, b.data, len);
	cut.data[11] = AGENT_CKPT_AGENT; /* an agent file where a task file belongs */
	expect_refused(&cut, "kind 1 where kind 2");
	rt_buf_free(&cut);
	rt_buf_free(&b);
}

/* A file of records appended one after another: the last whole one is
 * the state; a write cut short after it is ignored (and reported as torn);
 * damage before the end is refused. */
static void test_appended_records_and_torn_tails(void **state)
{
	(void)state;
	rt_buf one, two, f;
	rt_buf_init(&one);
	rt_buf_init(&two);
	rt_buf_init(&f);
	task_file(&one, "/first", "t1");
	task_file(&two, "/second", "t1");
	agent_task_ckpt c;
	char why[256];

	rt_buf_append(&f, one.data, one.len);
	rt_buf_append(&f, two.data, two.len);
	assert_int_equal(agent_task_ckpt_decode(f.data, f.len, &c, why, sizeof why), 0);
	assert_string_equal(c.msg->sandbox, "/second");
	assert_int_equal(c.used, one.len + two.len);
	assert_false(c.torn);
	agent_task_ckpt_free(&c);

	/* Cut short in the second record's header, in its body, or grown
	 * with zeros that never got their data: the first record holds. */
	size_t cuts[] = {one.len + 1, one.len + 19, one.len + two.len / 2, one.len + two.len - 1};
	for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
		assert_int_equal(agent_task_ckpt_decode(f.data, cuts[i], &c, why, sizeof why), 0);
		assert_string_equal(c.msg->sandbox, "/first");
		assert_int_equal(c.used, one.len);
		assert_true(c.torn);
		agent_task_ckpt_free(&c);
	}
	rt_buf z;
	rt_buf_init(&z);
	rt_buf_append(&z, one.data, one.len);
	uint8_t zeros[100] = {0};
	rt_buf_append(&z, zeros, sizeof zeros);
	assert_int_equal(agent_task_ckpt_decode(z.data, z.len, &c, why, sizeof why), 0);
	assert_true(c.torn);
	agent_task_ckpt_free(&c);
	/* The last record whole but with a flipped byte: a crash can leave
	 * that too (the length written, the data not): the first holds. */
	rt_buf last;
	rt_buf_init(&last);
	rt_buf_append(&last, f.data, f.len);
	last.data[f.len - 2] ^= 1;
	assert_int_equal(agent_task_ckpt_decode(last.data, last.len, &c, why, sizeof why), 0);
	assert_string_equal(c.msg->sandbox, "/first");
	agent_task_ckpt_free(&c);
	/* Damage in a record that is followed by another is refused. */
	f.data[one.len / 2] ^= 1;
	expect_refused(&f, "CRC-32 mismatch in record 1");
	f.data[one.len / 2] ^= 1;
	/* Junk that is not zeros after a whole record, too. */
	rt_buf j;
	rt_buf_init(&j);
	rt_buf_append(&j, one.data, one.len);
	rt_buf_append(&j, "garbage that is no record at all", 32);
	expect_refused(&j, "bad magic in record 2");
	rt_buf_free(&j);
	rt_buf_free(&z);
	rt_buf_free(&last);
	rt_buf_free(&one);
	rt_buf_free(&two);
	rt_buf_free(&f);
}

static void test_well_formed_but_unusable_is_refused(void **state)
{
	(void)state;
	rt_buf b;
	rt_buf_init(&b);
	task_file(&b, "relative/sandbox", "t1");
	expect_refused(&b, "not an absolute path");
	b.len = 0;
	task_file(&b, "/s", "another-task");
	expect_refused(&b, "not a status update of this task");
	b.len = 0;
	/* A body with a valid CRC that is not a TaskCheckpoint at all. */
	Meso__Agent__AgentCheckpoint ac = MESO__AGENT__AGENT_CHECKPOINT__INIT;
	ac.agent_id = "a";
	agent_ckpt_pack(AGENT_CKPT_TASK, &ac.base, &b);
	expect_refused(&b, "does not decode");
	rt_buf_free(&b);
}

static void test_atomic_write_and_read(void **state)
{
	(void)state;
	char dir[] = "/tmp/meso-ckpt-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[128], tmp[140], why[256];
	snprintf(path, sizeof path, "%s/agent", dir);
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	Meso__Agent__AgentCheckpoint ac = MESO__AGENT__AGENT_CHECKPOINT__INIT;
	ac.agent_id = "agent-7";
	ac.boot_id = "boot";
	rt_buf b, r;
	rt_buf_init(&b);
	rt_buf_init(&r);
	agent_ckpt_pack(AGENT_CKPT_AGENT, &ac.base, &b);
	assert_int_equal(agent_ckpt_write_file(path, b.data, b.len, why, sizeof why), 0);
	assert_int_not_equal(access(tmp, F_OK), 0);
	assert_int_equal(agent_ckpt_read_file(path, &r, why, sizeof why), 0);
	Meso__Agent__AgentCheckpoint *back = (Meso__Agent__AgentCheckpoint *)agent_ckpt_unpack(
	        r.data, r.len, AGENT_CKPT_AGENT, &meso__agent__agent_checkpoint__descriptor, why, sizeof why);
	assert_non_null(back);
	assert_string_equal(back->agent_id, "agent-7");
	assert_string_equal(back->boot_id, "boot");
	meso__agent__agent_checkpoint__free_unpacked(back, NULL);
	/* Into a folder that does not exist: an error that names the file. */
	snprintf(path, sizeof path, "%s/missing/agent", dir);
	assert_int_equal(agent_ckpt_write_file(path, b.data, b.len, why, sizeof why), -1);
	assert_non_null(strstr(why, "missing/agent.tmp"));
	snprintf(path, sizeof path, "%s/agent", dir);
	unlink(path);
	rmdir(dir);
	rt_buf_free(&b);
	rt_buf_free(&r);
}

static void test_exit_record_round_trip_and_damage(void **state)
{
	(void)state;
	agent_exit_record in = {.wait_status = 9,
	                        .oom = true,
	                        .recovery_timeout = true,
	                        .out_lost = 1u << 20,
	                        .err_lost = 7},
	                  out;
	char line[AGENT_EXIT_RECORD_LEN], why[128];
	size_t n = agent_exit_record_format(&in, line, sizeof line);
	assert_true(n > 0 && line[n - 1] == '\n');
	/* The record is written over a padded one: what follows is ignored. */
	memset(line + n, ' ', sizeof line - n);
	assert_int_equal(agent_exit_record_parse(line, sizeof line, &out, why, sizeof why), 1);
	assert_int_equal(out.wait_status, 9);
	assert_true(out.oom && out.recovery_timeout);
	assert_int_equal(out.out_lost, 1u << 20);
	assert_int_equal(out.err_lost, 7);
	const char running[] = "meso-exit 1 running\n      ";
	assert_int_equal(agent_exit_record_parse(running, sizeof running - 1, &out, why, sizeof why), 0);
	line[20] ^= 1;
	assert_int_equal(agent_exit_record_parse(line, sizeof line, &out, why, sizeof why), -1);
	assert_non_null(strstr(why, "CRC"));
	assert_int_equal(agent_exit_record_parse("meso-exit 1 status=0", 20, &out, why, sizeof why), -1);
	assert_non_null(strstr(why, "no complete line"));
}

/* A checkpoint of executor "e1" (container c-1), packed. */
static void executor_file(rt_buf *out, const char *executor_id, const char *sandbox, int pid, bool fw_info)
{
	Mesos__V1__ExecutorID eid = MESOS__V1__EXECUTOR_ID__INIT;
	Mesos__V1__FrameworkID fid = MESOS__V1__FRAMEWORK_ID__INIT;
	Mesos__V1__CommandInfo cmd = MESOS__V1__COMMAND_INFO__INIT;
	Mesos__V1__ExecutorInfo ei = MESOS__V1__EXECUTOR_INFO__INIT;
	Mesos__V1__FrameworkInfo fi = MESOS__V1__FRAMEWORK_INFO__INIT;
	eid.value = (char *)executor_id;
	fid.value = "fw";
	cmd.value = "exec ./my-executor";
	ei.executor_id = &eid;
	ei.framework_id = &fid;
	ei.command = &cmd;
	fi.user = "u";
	fi.name = "framework";
	fi.id = &fid;
	Meso__Agent__ExecutorCheckpoint c = MESO__AGENT__EXECUTOR_CHECKPOINT__INIT;
	c.framework_id = "fw";
	c.executor_info.len = mesos__v1__executor_info__get_packed_size(&ei);
	c.executor_info.data = malloc(c.executor_info.len);
	mesos__v1__executor_info__pack(&ei, c.executor_info.data);
	if (fw_info) {
		c.has_framework_info = true;
		c.framework_info.len = mesos__v1__framework_info__get_packed_size(&fi);
		c.framework_info.data = malloc(c.framework_info.len);
		mesos__v1__framework_info__pack(&fi, c.framework_info.data);
	}
	c.container_id = "c-1";
	c.sandbox = (char *)sandbox;
	c.agent_id = "agent-1";
	c.boot_id = "boot";
	c.has_supervisor_pid = c.has_supervisor_start = c.has_pid = c.has_pid_start = true;
	c.supervisor_pid = 200;
	c.supervisor_start = 777;
	c.pid = pid;
	c.pid_start = 778;
	agent_ckpt_pack(AGENT_CKPT_EXECUTOR, &c.base, out);
	free(c.executor_info.data);
	free(c.framework_info.data);
}

static void test_executor_checkpoint_round_trip(void **state)
{
	(void)state;
	rt_buf b;
	rt_buf_init(&b);
	executor_file(&b, "e1", "/work/frameworks/fw/executors/e1/runs/c-1", 201, true);
	char why[256];
	Meso__Agent__ExecutorCheckpoint *c = agent_executor_ckpt_decode(b.data, b.len, why, sizeof why);
	assert_non_null(c);
	assert_string_equal(c->framework_id, "fw");
	assert_string_equal(c->container_id, "c-1");
	assert_string_equal(c->sandbox, "/work/frameworks/fw/executors/e1/runs/c-1");
	assert_string_equal(c->agent_id, "agent-1");
	assert_int_equal(c->supervisor_pid, 200);
	assert_int_equal(c->supervisor_start, 777);
	assert_int_equal(c->pid, 201);
	assert_int_equal(c->pid_start, 778);
	Mesos__V1__ExecutorInfo *ei =
	        mesos__v1__executor_info__unpack(NULL, c->executor_info.len, c->executor_info.data);
	assert_non_null(ei);
	assert_string_equal(ei->executor_id->value, "e1");
	assert_string_equal(ei->command->value, "exec ./my-executor");
	mesos__v1__executor_info__free_unpacked(ei, NULL);
	assert_true(c->has_framework_info);
	meso__agent__executor_checkpoint__free_unpacked(c, NULL);
	/* Without a FrameworkInfo (a task launched before the agent had it). */
	b.len = 0;
	executor_file(&b, "e1", "/s", 201, false);
	c = agent_executor_ckpt_decode(b.data, b.len, why, sizeof why);
	assert_non_null(c);
	assert_false(c->has_framework_info);
	meso__agent__executor_checkpoint__free_unpacked(c, NULL);
	rt_buf_free(&b);
}

static void expect_executor_refused(const rt_buf *b, const char *reason)
{
	char why[256] = "";
	Meso__Agent__ExecutorCheckpoint *c = agent_executor_ckpt_decode(b->data, b->len, why, sizeof why);
	if (c)
		meso__agent__executor_checkpoint__free_unpacked(c, NULL);
	assert_null(c);
	if (!strstr(why, reason))
		fail_msg("reason '%s' does not say '%s'", why, reason);
}

static void test_unusable_executor_checkpoints_are_refused(void **state)
{
	(void)state;
	rt_buf b;
	rt_buf_init(&b);
	executor_file(&b, "e1", "relative", 201, true);
	expect_executor_refused(&b, "not an absolute path");
	b.len = 0;
	executor_file(&b, "", "/s", 201, true);
	expect_executor_refused(&b, "empty executor id");
	b.len = 0;
	executor_file(&b, "e1", "/s", 1, true);
	expect_executor_refused(&b, "impossible pid");
	b.len = 0;
	/* A task file where an executor file belongs, and a flipped byte. */
	task_file(&b, "/s", "t1");
	expect_executor_refused(&b, "kind 2 where kind 3");
	b.len = 0;
	executor_file(&b, "e1", "/s", 201, true);
	b.data[b.len - 3] ^= 0x10;
	expect_executor_refused(&b, "CRC-32 mismatch");
	rt_buf_free(&b);
}

static void test_executor_task_checkpoint_names_its_executor(void **state)
{
	(void)state;
	Meso__Agent__TaskCheckpoint c = MESO__AGENT__TASK_CHECKPOINT__INIT;
	c.framework_id = "fw";
	c.task_info = task_info("t7");
	c.state = MESOS__V1__TASK_STATE__TASK_STAGING;
	c.sandbox = "/work/frameworks/fw/executors/e1/runs/c-1";
	c.executor_id = "e1";
	c.has_launched = true;
	c.launched = true;
	rt_buf b;
	rt_buf_init(&b);
	agent_ckpt_pack(AGENT_CKPT_TASK, &c.base, &b);
	free(c.task_info.data);
	agent_task_ckpt c2;
	char why[256];
	assert_int_equal(agent_task_ckpt_decode(b.data, b.len, &c2, why, sizeof why), 0);
	assert_string_equal(c2.task_id, "t7");
	assert_string_equal(c2.msg->executor_id, "e1");
	assert_true(c2.msg->has_launched && c2.msg->launched);
	/* No supervisor of its own: its executor's is the process. */
	assert_false(c2.msg->has_supervisor_pid);
	agent_task_ckpt_free(&c2);
	rt_buf_free(&b);
}

static void test_exit_record_path_and_read(void **state)
{
	(void)state;
	char out[PATH_MAX];
	agent_exit_record_path("/w/meta/tasks/fw/t1-ab.task", out, sizeof out);
	assert_string_equal(out, "/w/meta/tasks/fw/t1-ab.exit");
	agent_exit_record_path("/w/meta/executors/fw/e1-c.d-1.executor", out, sizeof out);
	assert_string_equal(out, "/w/meta/executors/fw/e1-c.d-1.exit");
	agent_exit_record_path("", out, sizeof out);
	assert_string_equal(out, "");
	char dir[] = "/tmp/meso-exit-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[128];
	snprintf(path, sizeof path, "%s/e.exit", dir);
	agent_exit_record r, in = {.wait_status = 0x0900};
	assert_int_equal(agent_exit_record_read(path, &r), -1); /* none */
	char line[AGENT_EXIT_RECORD_LEN], why[64];
	size_t n = agent_exit_record_format(&in, line, sizeof line);
	assert_int_equal(agent_ckpt_write_file(path, (const uint8_t *)line, n, why, sizeof why), 0);
	assert_int_equal(agent_exit_record_read(path, &r), 1);
	assert_int_equal(r.wait_status, 0x0900);
	unlink(path);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_crc32_check_value),
	        cmocka_unit_test(test_task_checkpoint_round_trip),
	        cmocka_unit_test(test_damaged_files_are_refused_with_a_reason),
	        cmocka_unit_test(test_appended_records_and_torn_tails),
	        cmocka_unit_test(test_well_formed_but_unusable_is_refused),
	        cmocka_unit_test(test_atomic_write_and_read),
	        cmocka_unit_test(test_exit_record_round_trip_and_damage),
	        cmocka_unit_test(test_executor_checkpoint_round_trip),
	        cmocka_unit_test(test_unusable_executor_checkpoints_are_refused),
	        cmocka_unit_test(test_executor_task_checkpoint_names_its_executor),
	        cmocka_unit_test(test_exit_record_path_and_read),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
