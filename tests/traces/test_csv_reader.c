/*
 * test_csv_reader.c — the native CSV reader: columns by name in any order,
 * the merge of machines and tasks in time order, frameworks.csv and
 * roles.csv, and every bad-row case (message names file, line and column;
 * --skip-bad-rows skips and counts).
 */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "traces/traces.h"

static char dir[256];

static const char *write_file(const char *name, const char *text)
{
	static char paths[8][512];
	static int next;
	char *p = paths[next++ % 8];
	snprintf(p, 512, "%s/%s", dir, name);
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return p;
}

static const char *MACHINES = "time,machine_id,event,cpus,mem\n0,m1,add,4,8192\n";
static const char *TASKS = "submit_time,job_id,task_index,framework,cpus,mem,duration\n";

/* Opens machines + tasks text (and optional frameworks/roles); returns rc. */
static int open_texts(const char *machines, const char *tasks, const char *fws, bool skip, tr_source **src, tr_err *err)
{
	tr_csv_config c = {0};
	c.machines = write_file("machines.csv", machines);
	c.tasks = write_file("tasks.csv", tasks);
	if (fws)
		c.frameworks = write_file("frameworks.csv", fws);
	c.skip_bad_rows = skip;
	return tr_csv_open(&c, src, err);
}

/* Reads to the end; returns the number of events, or the error code. */
static int drain(tr_source *src, tr_err *err)
{
	tr_event ev;
	int n = 0, rc;
	while ((rc = tr_source_next(src, &ev, err)) == 1)
		n++;
	return rc < 0 ? rc : n;
}

/* A task row that must fail with a message containing `expect`. */
static void expect_bad_task(const char *row, const char *expect)
{
	char tasks[512];
	snprintf(tasks, sizeof tasks, "%s%s\n", TASKS, row);
	tr_source *src;
	tr_err err;
	assert_int_equal(open_texts(MACHINES, tasks, NULL, false, &src, &err), 0);
	assert_int_equal(drain(src, &err), TR_EFORMAT);
	if (!strstr(err.msg, expect) || !strstr(err.msg, "tasks.csv:2:"))
		fail_msg("row '%s': message '%s' lacks '%s' or the line", row, err.msg, expect);
	tr_source_destroy(src);
	/* the same row is skipped and counted with skip_bad_rows */
	assert_int_equal(open_texts(MACHINES, tasks, NULL, true, &src, &err), 0);
	assert_int_equal(drain(src, &err), 1); /* the machine */
	assert_int_equal(tr_source_bad_rows(src), 1);
	tr_source_destroy(src);
}

static void expect_bad_machine(const char *row, const char *expect)
{
	char m[512];
	snprintf(m, sizeof m, "time,machine_id,event,cpus,mem\n%s\n", row);
	tr_source *src;
	tr_err err;
	assert_int_equal(open_texts(m, TASKS, NULL, false, &src, &err), 0);
	assert_int_equal(drain(src, &err), TR_EFORMAT);
	if (!strstr(err.msg, expect) || !strstr(err.msg, "machines.csv:2:"))
		fail_msg("row '%s': message '%s' lacks '%s' or the line", row, err.msg, expect);
	tr_source_destroy(src);
}

static void test_columns_any_order_and_merge(void **state)
{
	tr_source *src;
	tr_err err;
	const char *m = "mem,cpus,event,machine_id,time,gpus\n"
	                "65536,16,add,m1,0,1\n"
	                "65536,16,update,m1,5,0\n"
	                "\n"
	                ",,remove,m1,10,\n";
	const char *t = "duration,framework,task_index,job_id,submit_time,cpus,mem,gang,locality,priority\r\n"
	                "2.5,A,0,j1,0,0.5,512,1,m1|m2,-3\r\n"
	                "1,B,0,j2,5,1.0005,100.25,0,,\r\n";
	assert_int_equal(open_texts(m, t, NULL, false, &src, &err), 0);
	tr_event ev;
	/* machine events come first at equal times */
	assert_int_equal(tr_source_next(src, &ev, &err), 1);
	assert_int_equal(ev.kind, TR_MACHINE_ADD);
	assert_string_equal(ev.machine, "m1");
	assert_int_equal(ev.res.cpus, 16000);
	assert_int_equal(ev.res.mem_mb, 65536000);
	assert_int_equal(ev.res.gpus, 1000);
	assert_int_equal(tr_source_next(src, &ev, &err), 1);
	assert_int_equal(ev.kind, TR_TASK_SUBMIT);
	assert_string_equal(ev.job, "j1");
	assert_string_equal(ev.framework, "A");
	assert_int_equal(ev.res.cpus, 500);
	assert_int_equal(ev.duration_ns, 2500000000LL);
	assert_true(ev.gang);
	assert_string_equal(ev.locality, "m1|m2");
	assert_int_equal(ev.priority, -3);
	assert_int_equal(ev.line, 2);
	assert_int_equal(tr_source_next(src, &ev, &err), 1);
	assert_int_equal(ev.kind, TR_MACHINE_UPDATE);
	assert_int_equal(ev.time_ns, 5 * TR_SECOND);
	assert_int_equal(tr_source_next(src, &ev, &err), 1);
	assert_int_equal(ev.kind, TR_TASK_SUBMIT);
	assert_int_equal(ev.res.cpus, 1001);     /* 1.0005 rounds half up */
	assert_int_equal(ev.res.mem_mb, 100250); /* 100.25 MB */
	assert_false(ev.gang);
	assert_int_equal(tr_source_next(src, &ev, &err), 1);
	assert_int_equal(ev.kind, TR_MACHINE_REMOVE);
	assert_int_equal(ev.line, 5); /* the blank line counts */
	assert_int_equal(tr_source_next(src, &ev, &err), 0);
	assert_true(tr_source_progress(src) > 0.999);
	tr_source_destroy(src);
}

static void test_header_only_files(void **state)
{
	tr_source *src;
	tr_err err;
	assert_int_equal(open_texts("time,machine_id,event,cpus,mem\n", TASKS, NULL, false, &src, &err), 0);
	assert_int_equal(drain(src, &err), 0);
	tr_source_destroy(src);
}

static void test_bad_headers(void **state)
{
	tr_source *src;
	tr_err err;
	assert_int_equal(open_texts(MACHINES, "submit_time,job_id,task_index,framework,cpus,mem,duraton\n", NULL, false,
	                            &src, &err),
	                 TR_EFORMAT);
	assert_non_null(strstr(err.msg, "unknown column 'duraton'"));
	assert_non_null(strstr(err.msg, "tasks.csv:1:"));
	assert_int_equal(
	        open_texts(MACHINES, "submit_time,job_id,task_index,framework,cpus,mem\n", NULL, false, &src, &err),
	        TR_EFORMAT);
	assert_non_null(strstr(err.msg, "missing required column 'duration'"));
	assert_int_equal(open_texts("time,machine_id,event,cpus,mem,cpus\n", TASKS, NULL, false, &src, &err),
	                 TR_EFORMAT);
	assert_non_null(strstr(err.msg, "appears twice"));
	assert_int_equal(open_texts("", TASKS, NULL, false, &src, &err), TR_EFORMAT);
	assert_non_null(strstr(err.msg, "empty file"));
	tr_csv_config c = {0};
	c.machines = "/nonexistent/machines.csv";
	c.tasks = "/nonexistent/tasks.csv";
	assert_int_equal(tr_csv_open(&c, &src, &err), TR_EIO);
	assert_non_null(strstr(err.msg, "/nonexistent/machines.csv"));
}

static void test_bad_task_rows(void **state)
{
	expect_bad_task("0,j,0,A,1,512", "expected 7 fields (as in the header), found 6");
	expect_bad_task("0,j,0,A,1,512,1,9", "expected 7 fields");
	expect_bad_task("x,j,0,A,1,512,1", "column submit_time: expected seconds");
	expect_bad_task(",j,0,A,1,512,1", "column submit_time: expected a number of seconds, got an empty cell");
	expect_bad_task("-1,j,0,A,1,512,1", "column submit_time: negative");
	expect_bad_task("0,,0,A,1,512,1", "column job_id: expected an id");
	expect_bad_task("0,j,0,,1,512,1", "column framework: expected an id");
	expect_bad_task("0,j,-1,A,1,512,1", "column task_index: expected an integer");
	expect_bad_task("0,j,1.5,A,1,512,1", "column task_index");
	expect_bad_task("0,j,0,A,abc,512,1", "column cpus: expected a non-negative decimal amount");
	expect_bad_task("0,j,0,A,-2,512,1", "column cpus: negative amount");
	expect_bad_task("0,j,0,A,1,,1", "column mem: expected an amount, got an empty cell");
	expect_bad_task("0,j,0,A,1,1e3,1", "column mem");
	expect_bad_task("0,j,0,A,1,512,-5", "column duration: negative value '-5'");
	expect_bad_task("0,j,0,A,1,512,0.0000000001", "column duration: expected seconds");
	expect_bad_task("0,j,0,A,1,512,NaN", "column duration");
	expect_bad_task("0,j,0,A,1,512,1e400", "column duration");
}

static void test_bad_optional_task_cells(void **state)
{
	tr_source *src;
	tr_err err;
	const char *hdr = "submit_time,job_id,task_index,framework,cpus,mem,duration,gang,priority\n";
	char t[512];
	snprintf(t, sizeof t, "%s0,j,0,A,1,1,1,2,0\n", hdr);
	assert_int_equal(open_texts(MACHINES, t, NULL, false, &src, &err), 0);
	assert_int_equal(drain(src, &err), TR_EFORMAT);
	assert_non_null(strstr(err.msg, "column gang: expected 0, 1"));
	tr_source_destroy(src);
	snprintf(t, sizeof t, "%s0,j,0,A,1,1,1,0,99999999999\n", hdr);
	assert_int_equal(open_texts(MACHINES, t, NULL, false, &src, &err), 0);
	assert_int_equal(drain(src, &err), TR_EFORMAT);
	assert_non_null(strstr(err.msg, "column priority"));
	tr_source_destroy(src);
}

static void test_time_goes_backwards(void **state)
{
	char t[512];
	snprintf(t, sizeof t, "%s5,j,0,A,1,1,1\n4,j,1,A,1,1,1\n", TASKS);
	tr_source *src;
	tr_err err;
	assert_int_equal(open_texts(MACHINES, t, NULL, false, &src, &err), 0);
	assert_int_equal(drain(src, &err), TR_EFORMAT);
	assert_non_null(strstr(err.msg, "tasks.csv:3: column submit_time: time goes backwards"));
	tr_source_destroy(src);
}

static void test_bad_machine_rows(void **state)
{
	expect_bad_machine("0,m1,start,4,8192",
	                   "column event: expected add, remove, update, reserve or unreserve, got 'start'");
	expect_bad_machine("0,m1,add,,8192", "column cpus: expected an amount, got an empty cell");
	expect_bad_machine("0,,add,4,8192", "column machine_id");
	expect_bad_machine("zero,m1,add,4,8192", "column time");
	expect_bad_machine("0,m1,add,4", "expected 5 fields");
}

static void test_frameworks_file(void **state)
{
	tr_source *src;
	tr_err err;
	const char *fws = "refuse_seconds,framework,role,weight,priority,tasks_per_offer,decision_latency\n"
	                  "0,A,batch,2,7,1,0.5\n"
	                  ",B,,,,,\n";
	char t[512];
	snprintf(t, sizeof t, "%s0,j,0,A,1,1,1\n1,k,0,C,1,1,1\n2,l,0,B,1,1,1\n", TASKS);
	assert_int_equal(open_texts(MACHINES, t, fws, false, &src, &err), 0);
	size_t n;
	const tr_framework *f = tr_source_frameworks(src, &n);
	assert_int_equal(n, 2);
	assert_string_equal(f[0].name, "A");
	assert_string_equal(f[0].role, "batch");
	assert_true(f[0].weight == 2.0);
	assert_int_equal(f[0].priority, 7);
	assert_int_equal(f[0].tasks_per_offer, 1);
	assert_int_equal(f[0].decision_latency_ns, 500000000);
	assert_true(f[0].refuse_seconds == 0.0);
	assert_string_equal(f[1].role, "*");
	assert_true(f[1].refuse_seconds == 5.0);
	/* a task of a framework not in frameworks.csv is a bad row */
	assert_int_equal(drain(src, &err), TR_EFORMAT);
	assert_non_null(strstr(err.msg, "tasks.csv:3: column framework: unknown framework 'C'"));
	tr_source_destroy(src);
	assert_int_equal(open_texts(MACHINES, t, fws, true, &src, &err), 0);
	assert_int_equal(drain(src, &err), 3);
	assert_int_equal(tr_source_bad_rows(src), 1);
	tr_source_destroy(src);
	/* bad frameworks.csv rows are always fatal */
	assert_int_equal(open_texts(MACHINES, TASKS, "framework,weight\nA,0\n", true, &src, &err), TR_EFORMAT);
	assert_non_null(strstr(err.msg, "frameworks.csv:2: column weight: expected a positive"));
	assert_int_equal(open_texts(MACHINES, TASKS, "framework\nA\nA\n", true, &src, &err), TR_EFORMAT);
	assert_non_null(strstr(err.msg, "listed twice"));
}

/* Multi-role frameworks (`roles`), a task's `role`, a machine's `reserved`
 * part and its reserve/unreserve events. */
static void test_roles_and_reservations(void **state)
{
	tr_source *src;
	tr_err err;
	const char *m = "time,machine_id,event,cpus,mem,reserved\n"
	                "0,m1,add,4,8192,cpus(web):1\n"
	                "1,m1,reserve,,,mem(batch):512\n"
	                "2,m1,unreserve,,,mem(batch):512\n";
	const char *fws = "framework,role,roles\nM,,web;batch/x\nP,web,\n";
	char t[512];
	snprintf(t, sizeof t,
	         "submit_time,job_id,task_index,framework,cpus,mem,duration,role\n0,j,0,M,1,1,1,batch/x\n");
	assert_int_equal(open_texts(m, t, fws, false, &src, &err), 0);
	size_t n;
	const tr_framework *f = tr_source_frameworks(src, &n);
	assert_int_equal(n, 2);
	assert_string_equal(f[0].role, "web");
	assert_string_equal(f[0].roles, "web;batch/x");
	assert_string_equal(f[1].role, "web");
	assert_null(f[1].roles);
	tr_event ev;
	assert_int_equal(tr_source_next(src, &ev, &err), 1);
	assert_int_equal(ev.kind, TR_MACHINE_ADD);
	assert_string_equal(ev.reserved, "cpus(web):1");
	assert_int_equal(tr_source_next(src, &ev, &err), 1);
	assert_int_equal(ev.kind, TR_TASK_SUBMIT);
	assert_string_equal(ev.role, "batch/x");
	assert_int_equal(tr_source_next(src, &ev, &err), 1);
	assert_int_equal(ev.kind, TR_MACHINE_RESERVE);
	assert_string_equal(ev.reserved, "mem(batch):512");
	assert_int_equal(tr_source_next(src, &ev, &err), 1);
	assert_int_equal(ev.kind, TR_MACHINE_UNRESERVE);
	tr_source_destroy(src);
	/* bad `roles` cells are fatal; a reserve needs its `reserved` cell */
	static const struct {
		const char *fws, *msg;
	} bad[] = {{"framework,role,roles\nM,web,web;b\n", "give `role` or `roles`, not both"},
	           {"framework,roles\nM,a;;b\n", "expected role names separated by ';'"},
	           {"framework,roles\nM,a;b;a\n", "role 'a' is named twice"}};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		assert_int_equal(open_texts(MACHINES, TASKS, bad[i].fws, false, &src, &err), TR_EFORMAT);
		if (!strstr(err.msg, bad[i].msg))
			fail_msg("case %zu: %s", i, err.msg);
	}
	assert_int_equal(open_texts("time,machine_id,event,cpus,mem,reserved\n0,m1,reserve,,,\n", TASKS, NULL, false,
	                            &src, &err),
	                 0);
	assert_int_equal(drain(src, &err), TR_EFORMAT);
	assert_non_null(strstr(err.msg, "column reserved: a reserve names what in `reserved`"));
	tr_source_destroy(src);
}

static void test_roles_and_scan(void **state)
{
	tr_csv_config c = {0};
	c.machines = write_file("machines.csv", MACHINES);
	c.tasks = write_file("tasks.csv", "submit_time,job_id,task_index,framework,cpus,mem,duration\n"
	                                  "0,j,0,B,1,1,1\n0,k,0,A,1,1,1\n0,l,0,B,1,1,1\n");
	c.roles = write_file("roles.csv", "role,weight,guarantee,limit\nprod,3,cpus:10;mem:2048,\ndev,,,cpus:4\n");
	c.scan_frameworks = true;
	tr_source *src;
	tr_err err;
	assert_int_equal(tr_csv_open(&c, &src, &err), 0);
	size_t n;
	const tr_role *r = tr_source_roles(src, &n);
	assert_int_equal(n, 2);
	assert_string_equal(r[0].role, "prod");
	assert_true(r[0].weight == 3.0);
	assert_string_equal(r[0].guarantee, "cpus:10;mem:2048");
	assert_null(r[0].limit);
	assert_null(r[1].guarantee);
	assert_string_equal(r[1].limit, "cpus:4");
	const tr_framework *f = tr_source_frameworks(src, &n);
	assert_int_equal(n, 2);
	assert_string_equal(f[0].name, "B");
	assert_string_equal(f[1].name, "A");
	tr_source_destroy(src);
}

static void test_parse_aids(void **state)
{
	int64_t v;
	assert_int_equal(tr_parse_seconds("0.000000001", &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(tr_parse_seconds(".5", &v), 0);
	assert_int_equal(v, 500000000);
	assert_int_equal(tr_parse_seconds("5.", &v), 0);
	assert_int_equal(v, 5000000000LL);
	assert_int_equal(tr_parse_seconds(".", &v), TR_EFORMAT);
	assert_int_equal(tr_parse_seconds("1000000001", &v), TR_EFORMAT);
	assert_int_equal(tr_parse_milli("0.0004", &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(tr_parse_milli("2.9996", &v), 0);
	assert_int_equal(v, 3000);
	assert_int_equal(tr_parse_milli("", &v), TR_EFORMAT);
}

static void test_memory_source(void **state)
{
	tr_event evs[2] = {{.kind = TR_MACHINE_ADD, .time_ns = 0, .machine = "m"},
	                   {.kind = TR_TASK_SUBMIT, .time_ns = 1, .job = "j", .framework = "F"}};
	tr_source *src;
	tr_err err;
	assert_int_equal(tr_memory_open(evs, 2, NULL, 0, &src, &err), 0);
	tr_event ev;
	assert_int_equal(tr_source_next(src, &ev, &err), 1);
	assert_string_equal(ev.machine, "m");
	assert_int_equal(tr_source_next(src, &ev, &err), 1);
	assert_string_equal(ev.locality, "");
	assert_int_equal(tr_source_next(src, &ev, &err), 0);
	tr_source_destroy(src);
	evs[1].time_ns = -1;
	assert_int_equal(tr_memory_open(evs, 2, NULL, 0, &src, &err), TR_EINVAL);
}

static int setup(void **state)
{
	snprintf(dir, sizeof dir, "/tmp/meso-test-csv-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	const char *names[] = {"machines.csv", "tasks.csv", "frameworks.csv", "roles.csv"};
	char p[512];
	for (size_t i = 0; i < 4; i++) {
		snprintf(p, sizeof p, "%s/%s", dir, names[i]);
		unlink(p);
	}
	return rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_columns_any_order_and_merge),
	        cmocka_unit_test(test_header_only_files),
	        cmocka_unit_test(test_bad_headers),
	        cmocka_unit_test(test_bad_task_rows),
	        cmocka_unit_test(test_bad_optional_task_cells),
	        cmocka_unit_test(test_time_goes_backwards),
	        cmocka_unit_test(test_bad_machine_rows),
	        cmocka_unit_test(test_frameworks_file),
	        cmocka_unit_test(test_roles_and_scan),
	        cmocka_unit_test(test_roles_and_reservations),
	        cmocka_unit_test(test_parse_aids),
	        cmocka_unit_test(test_memory_source),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
