/*
 * test_trace_readers.c — the public-trace readers on small fixtures written
 * here: Google 2011 (every event type, missing fields, gzip, machine_events,
 * the synthesized machine classes, bad rows), Alibaba 2018 (instances, DAG
 * order through tr_source_task_finished, the look-ahead given again), and the
 * binary form (round trip, truncated/corrupted/wrong-version files rejected).
 */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <cmocka.h>

#include "traces/traces.h"

static char dir[256];

static const char *write_at(const char *name, const char *text, bool gz)
{
	static char paths[8][512];
	static int next;
	char *p = paths[next++ % 8];
	snprintf(p, 512, "%s/%s", dir, name);
	if (gz) {
		gzFile f = gzopen(p, "wb");
		assert_non_null(f);
		gzputs(f, text);
		gzclose(f);
	} else {
		FILE *f = fopen(p, "w");
		assert_non_null(f);
		fputs(text, f);
		fclose(f);
	}
	return p;
}

static int setup(void **state)
{
	snprintf(dir, sizeof dir, "/tmp/meso-trtest-XXXXXX");
	assert_non_null(mkdtemp(dir));
	return 0;
}

static int teardown(void **state)
{
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* ------------------------------------------------------------- Google */

/* time,missing,job,index,machine,type,user,class,prio,cpu,mem,disk,diffmachine */
static const char *GOOGLE = "0,,1,0,,0,A,0,9,0.5,0.25,0,0\n"
                            "0,2,1,1,,0,A,0,9,,,,\n"
                            "500000,,1,1,,7,A,0,9,0.1,0.1,0,0\n"
                            "1000000,,1,0,7,1,A,0,9,0.5,0.25,0,0\n"
                            "1000000,,2,0,,0,B,0,0,0.1,0.1,0,\n"
                            "1000000,2,2,1,,0,B,0,0,,,,\n"
                            "1500000,,2,1,8,1,B,0,0,,,,\n"
                            "2000000,,1,1,7,1,A,0,9,0.1,0.1,0,0\n"
                            "2000000,,2,0,,5,B,0,0,0.1,0.1,0,\n"
                            "2000000,,3,0,,0,B,1,2,0.0625,3.815e-06,0,0\n"
                            "2000000,,3,0,9,1,B,1,2,0.0625,3.815e-06,0,0\n"
                            "2500000,,2,1,8,6,B,0,0,,,,\n"
                            "3000000,,1,1,7,2,A,0,9,0.1,0.1,0,0\n"
                            "3000000,,1,1,,0,A,0,9,0.1,0.1,0,0\n"
                            "3000000,,3,0,9,8,B,1,2,0.0625,3.815e-06,0,0\n"
                            "4000000,,1,1,7,1,A,0,9,0.1,0.1,0,0\n"
                            "5000000,,1,1,7,3,A,0,9,0.1,0.1,0,0\n"
                            "11000000,,1,0,7,4,A,0,9,0.5,0.25,0,0\n";

static void check_google(tr_source *src)
{
	tr_google_stats st;
	assert_int_equal(tr_google_stats_get(src, &st), 0);
	assert_int_equal(st.rows, 18);
	static const uint64_t types[9] = {6, 5, 1, 1, 1, 1, 1, 1, 1};
	for (int i = 0; i < 9; i++)
		assert_int_equal(st.by_type[i], types[i]);
	assert_int_equal(st.tasks, 5);
	assert_int_equal(st.submitted, 3);
	assert_int_equal(st.never_scheduled, 1);
	assert_int_equal(st.missing_request, 1);
	assert_int_equal(st.open_at_end, 1);
	assert_int_equal(st.resubmissions, 1);
	assert_int_equal(st.update_ignored, 1);
	assert_true(st.machines_synthesized);
	assert_int_equal(st.machines, 10);
	assert_non_null(strstr(tr_source_info(src), "10 documented 2011 machine classes"));
	size_t nfw;
	const tr_framework *fw = tr_source_frameworks(src, &nfw);
	assert_int_equal(nfw, 2);
	assert_string_equal(fw[0].name, "A");
	assert_string_equal(fw[1].name, "B");

	tr_event ev;
	tr_err err;
	int64_t cpu_sum = 0;
	for (int i = 0; i < 10; i++) {
		assert_int_equal(tr_source_next(src, &ev, &err), 1);
		assert_int_equal(ev.kind, TR_MACHINE_ADD);
		cpu_sum += ev.res.cpus;
	}
	/* 10 machines in the class proportions: 5 x 0.5, 3 x 0.5, 1 x 0.5, 1 x 1.0 */
	assert_int_equal(cpu_sum, 9 * 16000 + 32000);
	assert_int_equal(tr_source_next(src, &ev, &err), 1);
	assert_string_equal(ev.job, "1");
	assert_int_equal(ev.task_index, 0);
	assert_int_equal(ev.time_ns, 0);
	assert_int_equal(ev.res.cpus, 16000);          /* 0.5 x 32 cores */
	assert_int_equal(ev.res.mem_mb, 32768000);     /* 0.25 x 131072 MB */
	assert_int_equal(ev.duration_ns, 10000000000); /* SCHEDULE 1 s -> FINISH 11 s */
	assert_int_equal(ev.priority, 9);
	assert_string_equal(ev.framework, "A");
	assert_int_equal(tr_source_next(src, &ev, &err), 1);
	assert_int_equal(ev.task_index, 1);
	assert_int_equal(ev.res.cpus, 3200);          /* request from the UPDATE_PENDING row */
	assert_int_equal(ev.duration_ns, 1000000000); /* the last attempt: 4 s -> FAIL 5 s */
	assert_int_equal(tr_source_next(src, &ev, &err), 1);
	assert_string_equal(ev.job, "3");
	assert_int_equal(ev.time_ns, 2000000000);
	assert_int_equal(ev.res.cpus, 2000);
	assert_int_equal(ev.res.mem_mb, 500);         /* 3.815e-06 x 131072 MB = 0.5 MB */
	assert_int_equal(ev.duration_ns, 9000000000); /* open: runs to the last timestamp */
	assert_string_equal(ev.framework, "B");
	assert_int_equal(tr_source_next(src, &ev, &err), 0);
}

static void test_google_plain(void **state)
{
	tr_google_config c = {0};
	c.dir = write_at("task_events-plain.csv", GOOGLE, false);
	c.synth_machines = 10;
	tr_source *src;
	tr_err err;
	assert_int_equal(tr_google_open(&c, &src, &err), 0);
	check_google(src);
	tr_source_destroy(src);
}

static void test_google_gzip_dir(void **state)
{
	char sub[300];
	snprintf(sub, sizeof sub, "%s/g", dir);
	mkdir(sub, 0777);
	snprintf(sub, sizeof sub, "%s/g/task_events", dir);
	mkdir(sub, 0777);
	write_at("g/task_events/part-00000-of-00001.csv.gz", GOOGLE, true);
	tr_google_config c = {0};
	char d[300];
	snprintf(d, sizeof d, "%s/g", dir);
	c.dir = d;
	c.synth_machines = 10;
	tr_source *src;
	tr_err err;
	assert_int_equal(tr_google_open(&c, &src, &err), 0);
	check_google(src);
	tr_source_destroy(src);
}

static void test_google_machine_events(void **state)
{
	char sub[300];
	snprintf(sub, sizeof sub, "%s/m", dir);
	mkdir(sub, 0777);
	write_at("m/task_events.csv", "0,,1,0,,0,A,0,9,0.5,0.25,0,0\n5,,1,0,5,1,A,0,9,0.5,0.25,0,0\n", false);
	write_at("m/machine_events.csv.gz", "0,5,0,P,0.5,0.2493\n0,6,0,P,,\n10,5,2,P,0.5,0.5\n20,7,1,P,,\n30,5,1,P,,\n",
	         true);
	tr_google_config c = {0};
	c.dir = sub;
	c.frameworks_by_job = true;
	tr_source *src;
	tr_err err;
	assert_int_equal(tr_google_open(&c, &src, &err), 0);
	tr_google_stats st;
	tr_google_stats_get(src, &st);
	assert_false(st.machines_synthesized);
	assert_int_equal(st.machines, 1);
	assert_int_equal(st.machine_rows, 5);
	assert_int_equal(st.machine_rows_dropped, 2);
	tr_event ev;
	static const tr_kind kinds[4] = {TR_MACHINE_ADD, TR_TASK_SUBMIT, TR_MACHINE_UPDATE, TR_MACHINE_REMOVE};
	for (int i = 0; i < 4; i++) {
		assert_int_equal(tr_source_next(src, &ev, &err), 1);
		assert_int_equal(ev.kind, kinds[i]);
		if (i == 0) {
			assert_string_equal(ev.machine, "5");
			assert_int_equal(ev.res.mem_mb, 32676250); /* 0.2493 x 131072 MB */
		}
		if (i == 1)
			assert_string_equal(ev.framework, "1"); /* by job */
	}
	assert_int_equal(tr_source_next(src, &ev, &err), 0);
	tr_source_destroy(src);
}

static void expect_google_error(const char *text, const char *msg)
{
	tr_google_config c = {0};
	c.dir = write_at("task_events-bad.csv", text, false);
	tr_source *src;
	tr_err err;
	assert_int_equal(tr_google_open(&c, &src, &err), TR_EFORMAT);
	if (!strstr(err.msg, msg))
		fail_msg("expected '%s' in '%s'", msg, err.msg);
	c.skip_bad_rows = true;
	assert_int_equal(tr_google_open(&c, &src, &err), 0);
	assert_int_equal(tr_source_bad_rows(src), 1);
	tr_source_destroy(src);
}

static void test_google_bad_rows(void **state)
{
	const char *ok = "0,,1,0,,0,A,0,9,0.5,0.25,0,0\n";
	char buf[512];
	snprintf(buf, sizeof buf, "%s0,,1,1,,0,A,0,9,0.5,0.25,0\n", ok);
	expect_google_error(buf, "task_events-bad.csv:2: expected 13 fields");
	snprintf(buf, sizeof buf, "%s0,,1,1,,0,A,0,9,half,0.25,0,0\n", ok);
	expect_google_error(buf, ":2: column 10 (CPU request): expected a normalized amount");
	snprintf(buf, sizeof buf, "%s0,,1,1,,9,A,0,9,0.5,0.25,0,0\n", ok);
	expect_google_error(buf, ":2: column 6 (event type): expected an event type 0..8, got '9'");
	snprintf(buf, sizeof buf, "%s-5,,1,1,,0,A,0,9,0.5,0.25,0,0\n", ok);
	expect_google_error(buf, ":2: column 1 (time)");
}

/* ------------------------------------------------------------ Alibaba */

static void test_alibaba_dag(void **state)
{
	char sub[300];
	snprintf(sub, sizeof sub, "%s/a", dir);
	mkdir(sub, 0777);
	write_at("a/batch_task.csv",
	         "task_name,instance_num,job_name,task_type,status,start_time,end_time,plan_cpu,plan_mem\n"
	         "M1,2.0,j_1,1,Terminated,100,110,100.0,1\n"
	         "R2_1,1,j_1,1,Terminated,105,120,50,0.5\n"
	         "J3_1_2,1,j_1,1,Terminated,130,131,50,0.5\n"
	         "M1,,j_2,1,Waiting,0,0,,\n"
	         "task_abc,1,j_2,1,Terminated,50,60,100,1\n"
	         "task_xyz,1,j_3,1,Terminated,200,210,100,1\n",
	         false);
	write_at("a/machine_meta.csv", "m_1,0,1,a,96,100,USING\nm_1,10,1,a,96,100,USING\n", false);
	tr_alibaba_config c = {0};
	c.dir = sub;
	tr_source *src;
	tr_err err;
	tr_event ev;
	assert_int_equal(tr_alibaba_open(&c, &src, &err), 0);
	assert_true(tr_source_has_deps(src));
	assert_int_equal(tr_source_next(src, &ev, &err), 1);
	assert_int_equal(ev.kind, TR_MACHINE_ADD); /* the identical later row is dropped */
	assert_int_equal(ev.res.cpus, 96000);
	assert_int_equal(ev.res.mem_mb, 524288000); /* 100 units = 512 GiB */
	assert_int_equal(tr_source_next(src, &ev, &err), 1);
	assert_string_equal(ev.job, "j_2");
	assert_int_equal(ev.time_ns, 50 * TR_SECOND);
	for (uint32_t i = 0; i < 2; i++) { /* M1's two instances */
		assert_int_equal(tr_source_next(src, &ev, &err), 1);
		assert_string_equal(ev.job, "j_1");
		assert_int_equal(ev.task_index, i);
		assert_int_equal(ev.time_ns, 100 * TR_SECOND);
		assert_int_equal(ev.duration_ns, 10 * TR_SECOND);
		assert_int_equal(ev.res.cpus, 1000); /* 100 = 1 core */
	}
	/* look-ahead: j_3 at 200 s; R2 is not ready until both M1 instances end */
	assert_int_equal(tr_source_next(src, &ev, &err), 1);
	assert_string_equal(ev.job, "j_3");
	assert_int_equal(tr_source_task_finished(src, "j_1", 0, 110 * TR_SECOND), 0);
	assert_int_equal(tr_source_task_finished(src, "j_1", 1, 112 * TR_SECOND), 1);
	/* the look-ahead is dropped: R2 comes first, then j_3 again */
	assert_int_equal(tr_source_next(src, &ev, &err), 1);
	assert_string_equal(ev.job, "j_1");
	assert_int_equal(ev.task_index, 2);
	assert_int_equal(ev.time_ns, 112 * TR_SECOND);
	assert_int_equal(ev.res.mem_mb, 2621440); /* 0.5 units */
	assert_int_equal(tr_source_next(src, &ev, &err), 1);
	assert_string_equal(ev.job, "j_3");
	assert_int_equal(tr_source_next(src, &ev, &err), 0); /* J3 waits for R2 */
	assert_int_equal(tr_source_task_finished(src, "j_1", 2, 127 * TR_SECOND), 1);
	assert_int_equal(tr_source_next(src, &ev, &err), 1);
	assert_int_equal(ev.task_index, 3);
	assert_int_equal(ev.time_ns, 127 * TR_SECOND);
	assert_int_equal(tr_source_next(src, &ev, &err), 0);
	assert_non_null(strstr(tr_source_info(src), "1 rows dropped"));
	tr_source_destroy(src);
}

static void test_alibaba_bad_row(void **state)
{
	char sub[300];
	snprintf(sub, sizeof sub, "%s/ab", dir);
	mkdir(sub, 0777);
	write_at("ab/batch_task.csv", "M1,1,j_1,1,Terminated,100,90,100,1\n", false);
	tr_alibaba_config c = {0};
	c.dir = sub;
	tr_source *src;
	tr_err err;
	assert_int_equal(tr_alibaba_open(&c, &src, &err), TR_EFORMAT);
	assert_non_null(strstr(err.msg, "batch_task.csv:1: column 7 (end_time): ends (90) before it starts (100)"));
}

/* ------------------------------------------------------------- binary */

static void test_bin_round_trip_and_rejects(void **state)
{
	tr_google_config c = {0};
	c.dir = write_at("task_events-bin.csv", GOOGLE, false);
	c.synth_machines = 10;
	tr_source *src;
	tr_err err;
	assert_int_equal(tr_google_open(&c, &src, &err), 0);
	char bin[300];
	snprintf(bin, sizeof bin, "%s/w.bin", dir);
	assert_int_equal(tr_bin_write(src, bin, &err), 0);
	tr_source_destroy(src);
	assert_int_equal(tr_bin_open(bin, &src, &err), 0);
	size_t nfw;
	tr_source_frameworks(src, &nfw);
	assert_int_equal(nfw, 2);
	tr_event ev;
	int n = 0;
	while (tr_source_next(src, &ev, &err) == 1) {
		if (n == 10) {
			assert_string_equal(ev.job, "1");
			assert_int_equal(ev.duration_ns, 10000000000);
			assert_int_equal(ev.res.mem_mb, 32768000);
		}
		n++;
	}
	assert_int_equal(n, 13);
	tr_source_destroy(src);

	FILE *f = fopen(bin, "rb");
	static uint8_t buf[1 << 16];
	size_t size = fread(buf, 1, sizeof buf, f);
	fclose(f);
	static uint8_t copy[1 << 16];
	/* truncated anywhere: rejected before any event */
	for (size_t cut = 0; cut < size; cut += 7) {
		memcpy(copy, buf, cut);
		assert_int_equal(tr_bin_open_mem(copy, cut, "t.bin", &src, &err), TR_EFORMAT);
		assert_non_null(strstr(err.msg, "t.bin: not a usable Meso binary workload"));
	}
	/* any byte flipped after the header: checksum */
	for (size_t at = 64; at < size; at += 13) {
		memcpy(copy, buf, size);
		copy[at] ^= 0x20;
		assert_int_equal(tr_bin_open_mem(copy, size, "c.bin", &src, &err), TR_EFORMAT);
		assert_non_null(strstr(err.msg, "checksum mismatch"));
	}
	memcpy(copy, buf, size);
	copy[8] = 2;
	assert_int_equal(tr_bin_open_mem(copy, size, "v.bin", &src, &err), TR_EFORMAT);
	assert_non_null(strstr(err.msg, "wrong version 2"));
	memcpy(copy, buf, size);
	copy[0] = 'X';
	assert_int_equal(tr_bin_open_mem(copy, size, "m.bin", &src, &err), TR_EFORMAT);
	assert_non_null(strstr(err.msg, "bad magic"));
}

static void test_bin_rejects_dag_source(void **state)
{
	char sub[300];
	snprintf(sub, sizeof sub, "%s/ad", dir);
	mkdir(sub, 0777);
	write_at("ad/batch_task.csv", "M1,1,j_1,1,Terminated,100,110,100,1\n", false);
	tr_alibaba_config c = {0};
	c.dir = sub;
	tr_source *src;
	tr_err err;
	assert_int_equal(tr_alibaba_open(&c, &src, &err), 0);
	char bin[300];
	snprintf(bin, sizeof bin, "%s/dag.bin", dir);
	assert_int_equal(tr_bin_write(src, bin, &err), TR_EINVAL);
	assert_non_null(strstr(err.msg, "dependencies"));
	tr_source_destroy(src);
}

/* The shipped real sample and, when present, the shared research samples. */
static void test_real_samples(void **state)
{
	tr_google_config c = {0};
	c.dir = MESO_SOURCE_DIR "/traces/samples/google2011";
	tr_source *src;
	tr_err err;
	assert_int_equal(tr_google_open(&c, &src, &err), 0);
	tr_google_stats st;
	tr_google_stats_get(src, &st);
	/* SOURCES.md: 14,190 rows, 4,324 tasks; SUBMIT 4,730, SCHEDULE 4,730,
	 * EVICT 370, FAIL 25, FINISH 3,865, KILL 470 */
	assert_int_equal(st.rows, 14190);
	assert_int_equal(st.tasks, 4324);
	assert_int_equal(st.by_type[0], 4730);
	assert_int_equal(st.by_type[1], 4730);
	assert_int_equal(st.by_type[2], 370);
	assert_int_equal(st.by_type[3], 25);
	assert_int_equal(st.by_type[4], 3865);
	assert_int_equal(st.by_type[5], 470);
	assert_int_equal(st.machines, 12583);
	tr_source_destroy(src);

	const char *shared = MESO_SOURCE_DIR "/../shared/traces/alibaba2018_batch_task_selected_dags.csv";
	if (access(shared, R_OK) != 0) {
		printf("SKIP: %s is absent (the Alibaba samples are research-only and not in the repository)\n",
		       shared);
		return;
	}
	tr_alibaba_config ac = {0};
	ac.batch_task = shared;
	assert_int_equal(tr_alibaba_open(&ac, &src, &err), 0);
	assert_non_null(strstr(tr_source_info(src), "in 2119 jobs"));
	tr_source_destroy(src);
}

/* Opening by name: every KIND: prefix reaches its reader, an unknown one
 * is refused with the list, and a workload folder's optional files are
 * named only when they exist. */
static void test_open_by_name(void **state)
{
	assert_int_equal(tr_trace_kind_of("google2011:x"), TR_TRACE_GOOGLE2011);
	assert_int_equal(tr_trace_kind_of("alibaba2018:x"), TR_TRACE_ALIBABA2018);
	assert_int_equal(tr_trace_kind_of("bin:x"), TR_TRACE_BIN);
	assert_int_equal(tr_trace_kind_of("google2011"), TR_TRACE_NONE);
	assert_int_equal(tr_trace_kind_of(NULL), TR_TRACE_NONE);

	tr_source *src = NULL;
	tr_err err;
	assert_int_equal(tr_trace_open("csv:" MESO_SOURCE_DIR, NULL, &src, &err), TR_EINVAL);
	assert_null(src);
	assert_non_null(strstr(err.msg, "expected google2011:DIR, alibaba2018:DIR or bin:FILE, got 'csv:"));

	assert_int_equal(tr_trace_open("google2011:" MESO_SOURCE_DIR "/traces/samples/google2011", NULL, &src, &err),
	                 0);
	tr_google_stats st;
	assert_int_equal(tr_google_stats_get(src, &st), 0);
	assert_int_equal(st.tasks, 4324);
	tr_source_destroy(src);

	assert_int_not_equal(tr_trace_open("bin:/nonexistent/x.bin", NULL, &src, &err), 0);
	assert_non_null(strstr(err.msg, "/nonexistent/x.bin"));

	write_at("machines.csv", "time,machine_id,event,cpus,mem\n", false);
	write_at("roles.csv", "role,weight\n", false);
	tr_csv_config c = {0};
	c.tasks = "mine.csv";
	tr_csv_dir names;
	tr_csv_dir_fill(&c, dir, &names);
	assert_string_equal(c.machines, names.machines);
	assert_non_null(strstr(c.machines, "/machines.csv"));
	assert_string_equal(c.tasks, "mine.csv"); /* what the caller named stays */
	assert_null(c.frameworks);                /* absent: not named */
	assert_non_null(strstr(c.roles, "/roles.csv"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_google_plain),
	        cmocka_unit_test(test_google_gzip_dir),
	        cmocka_unit_test(test_google_machine_events),
	        cmocka_unit_test(test_google_bad_rows),
	        cmocka_unit_test(test_alibaba_dag),
	        cmocka_unit_test(test_alibaba_bad_row),
	        cmocka_unit_test(test_bin_round_trip_and_rejects),
	        cmocka_unit_test(test_bin_rejects_dag_source),
	        cmocka_unit_test(test_real_samples),
	        cmocka_unit_test(test_open_by_name),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
