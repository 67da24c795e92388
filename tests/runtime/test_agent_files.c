/*
 * test_agent_files.c — the confinement of the agent's /files to task
 * sandboxes (agent_files_open in runtime/agent/agent_files.c), on a real
 * work_dir in a temporary folder: real and virtual paths reach a sandbox's
 * files and symlinks that stay inside it; "..", symlinks out (absolute,
 * relative, into a sibling sandbox, through a linked folder), paths outside
 * the sandboxes and the folders above them are refused with the documented
 * status; and a property test: of thousands of paths made of hostile parts,
 * every one that opens is a file inside a sandbox (checked by the opened
 * descriptor's real path, not by the text asked for).
 */
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <cmocka.h>

#include "agent.h"

static char root[256];     /* the work_dir */
static char sb1[PATH_MAX]; /* frameworks/F/tasks/t1-aaaa (older) */
static char sb2[PATH_MAX]; /* frameworks/F/tasks/t1-bbbb (newest run of t1) */
static char sb3[PATH_MAX]; /* frameworks/F/executors/E/runs/C1 */
static agent ag;

static void put(const char *dir, const char *name, const char *text)
{
	char p[PATH_MAX + 64];
	snprintf(p, sizeof p, "%s/%s", dir, name);
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void link_at(const char *dir, const char *name, const char *target)
{
	char p[PATH_MAX + 64];
	snprintf(p, sizeof p, "%s/%s", dir, name);
	assert_int_equal(symlink(target, p), 0);
}

static int setup(void **state)
{
	(void)state;
	char tmpl[] = "/tmp/meso-files-XXXXXX";
	assert_non_null(mkdtemp(tmpl));
	char real[PATH_MAX];
	assert_non_null(realpath(tmpl, real));
	size_t rlen = strlen(real);
	assert_true(rlen < sizeof root);
	memcpy(root, real, rlen + 1);
	char p[4 * sizeof root + 200];
	snprintf(p, sizeof p,
	         "mkdir -p %s/frameworks/F/tasks/t1-aaaa/sub %s/frameworks/F/tasks/t1-bbbb "
	         "%s/frameworks/F/executors/E/runs/C1 %s/meta",
	         root, root, root, root);
	assert_int_equal(system(p), 0);
	snprintf(sb1, sizeof sb1, "%s/frameworks/F/tasks/t1-aaaa", root);
	snprintf(sb2, sizeof sb2, "%s/frameworks/F/tasks/t1-bbbb", root);
	snprintf(sb3, sizeof sb3, "%s/frameworks/F/executors/E/runs/C1", root);
	put(sb1, "stdout", "old run\n");
	put(sb1, "sub/deep", "deep\n");
	put(sb2, "stdout", "new run\n");
	put(sb3, "stdout", "executor\n");
	put(root, "meta/secret", "agent's own\n");
	link_at(sb1, "inside", "stdout");
	link_at(sb1, "inside_dir", "sub");
	link_at(sb1, "passwd", "/etc/passwd");
	link_at(sb1, "up", "../..");
	link_at(sb1, "sibling", "../t1-bbbb/stdout");
	link_at(sb1, "absolute_self", sb1);
	link_at(sb1, "meta", "../../../../meta");
	link_at(sb1, "loop", "loop");
	/* The older run is older (set after its links, which touch it). */
	struct timeval old[2] = {{1000000000, 0}, {1000000000, 0}};
	assert_int_equal(utimes(sb1, old), 0);
	memset(&ag, 0, sizeof ag);
	snprintf(ag.work_dir, sizeof ag.work_dir, "%s", root);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	char p[PATH_MAX + 16];
	snprintf(p, sizeof p, "rm -rf %s", root);
	return system(p) == 0 ? 0 : -1;
}

/* Opens path for reading: the descriptor or minus the status; msg kept. */
static char msg[400];
static int try_open(const char *fmt, ...)
{
	char path[PATH_MAX * 2];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(path, sizeof path, fmt, ap);
	va_end(ap);
	return agent_files_open(&ag, path, O_RDONLY | O_NONBLOCK, msg, sizeof msg);
}

static void expect_text(int fd, const char *want)
{
	assert_true(fd >= 0);
	char buf[64] = {0};
	assert_true(read(fd, buf, sizeof buf - 1) >= 0);
	close(fd);
	assert_string_equal(buf, want);
}

static void test_sandbox_paths_open(void **state)
{
	(void)state;
	expect_text(try_open("%s/stdout", sb1), "old run\n");
	expect_text(try_open("%s/sub/deep", sb1), "deep\n");
	expect_text(try_open("%s/./sub//deep", sb1), "deep\n");
	expect_text(try_open("%s/stdout", sb3), "executor\n");
	/* Mesos's virtual paths: latest is the newest run of executor (here:
	 * command task) t1; a run by its id. */
	expect_text(try_open("/frameworks/F/executors/t1/runs/latest/stdout"), "new run\n");
	expect_text(try_open("/frameworks/F/executors/t1/runs/t1-aaaa/stdout"), "old run\n");
	expect_text(try_open("/frameworks/F/executors/E/runs/latest/stdout"), "executor\n");
	expect_text(try_open("/frameworks/F/executors/E/runs/C1/stdout"), "executor\n");
	/* Symlinks that stay inside the sandbox are followed. */
	expect_text(try_open("%s/inside", sb1), "old run\n");
	expect_text(try_open("%s/inside_dir/deep", sb1), "deep\n");
	/* A sandbox itself opens (browse). */
	int fd = try_open("%s", sb1);
	assert_true(fd >= 0);
	close(fd);
}

static void test_escapes_refused(void **state)
{
	(void)state;
	assert_int_equal(try_open("%s/../t1-bbbb/stdout", sb1), -400);
	assert_string_equal(msg, "Path must not contain '..'");
	assert_int_equal(try_open("%s/sub/../stdout", sb1), -400);
	assert_int_equal(try_open("/frameworks/F/executors/t1/runs/latest/../../../../meta/secret"), -400);
	/* Symlinks leading out: absolute, up, into a sibling sandbox, to the
	 * agent's own files, to the sandbox by its absolute path, a loop. */
	assert_int_equal(try_open("%s/passwd", sb1), -403);
	assert_int_equal(try_open("%s/up/t1-bbbb/stdout", sb1), -403);
	assert_int_equal(try_open("%s/up", sb1), -403);
	assert_int_equal(try_open("%s/sibling", sb1), -403);
	assert_int_equal(try_open("%s/meta/secret", sb1), -403);
	assert_int_equal(try_open("%s/absolute_self/stdout", sb1), -403);
	assert_int_equal(try_open("%s/loop", sb1), -403);
	/* Outside the sandboxes, or above them. */
	assert_int_equal(try_open("/etc/passwd"), -404);
	assert_int_equal(try_open("%s/meta/secret", root), -404);
	assert_int_equal(try_open("%s", root), -404);
	assert_int_equal(try_open("%s/frameworks", root), -404);
	assert_int_equal(try_open("%s/frameworks/F", root), -404);
	assert_int_equal(try_open("%s/frameworks/F/tasks", root), -404);
	assert_int_equal(try_open("%s/frameworks/F/executors/E/runs", root), -404);
	assert_int_equal(try_open("/frameworks/F/executors/nobody/runs/latest/stdout"), -404);
	assert_int_equal(try_open("frameworks/F/tasks/t1-aaaa/stdout"), -404);
	assert_int_equal(try_open("%s/nothing", sb1), -404);
	/* A run id of another executor's task is no path to it. */
	assert_int_equal(try_open("/frameworks/F/executors/t2/runs/t1-aaaa/stdout"), -404);
}

/* A sandbox whose own folder is a symlink is not followed to elsewhere. */
static void test_linked_sandbox_refused(void **state)
{
	(void)state;
	char p[PATH_MAX + 64];
	snprintf(p, sizeof p, "%s/frameworks/F/tasks/t9-link", root);
	assert_int_equal(symlink("/etc", p), 0);
	assert_int_equal(try_open("%s/passwd", p), -404);
	assert_int_equal(try_open("/frameworks/F/executors/t9/runs/t9-link/passwd"), -404);
	unlink(p);
}

/* Every path that opens is a file in a sandbox, whatever its text. */
static void test_property_only_sandboxes_open(void **state)
{
	(void)state;
	static const char *parts[] = {
	        "..",         ".",    "",       "frameworks", "F",   "tasks", "t1-aaaa", "t1-bbbb", "executors",
	        "E",          "runs", "C1",     "latest",     "t1",  "up",    "passwd",  "sibling", "inside",
	        "inside_dir", "meta", "secret", "stdout",     "sub", "deep",  "loop",    "etc",     "absolute_self",
	        "%2e%2e",     "..."};
	size_t nparts = sizeof parts / sizeof parts[0];
	unsigned seed = 18;
	size_t opened = 0;
	for (int i = 0; i < 20000; i++) {
		char path[PATH_MAX];
		size_t o = 0;
		/* Half start in a sandbox (real or virtual), so that the tails
		 * are tried where they could do harm. */
		const char *starts[] = {root,
		                        "",
		                        "/tmp",
		                        sb1,
		                        sb2,
		                        sb3,
		                        "/frameworks/F/executors/t1/runs/latest",
		                        "/frameworks/F/executors/E/runs/C1"};
		o += (size_t)snprintf(path, sizeof path, "%s", starts[rand_r(&seed) % 8]);
		int n = rand_r(&seed) % 6;
		for (int k = 0; k < n && o < sizeof path - 64; k++)
			o += (size_t)snprintf(path + o, sizeof path - o, "/%s", parts[(size_t)rand_r(&seed) % nparts]);
		int fd = agent_files_open(&ag, path, O_RDONLY | O_NONBLOCK, msg, sizeof msg);
		if (fd < 0) {
			assert_true(fd == -400 || fd == -403 || fd == -404);
			continue;
		}
		opened++;
		char proc[64], real[PATH_MAX];
		snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
		ssize_t len = readlink(proc, real, sizeof real - 1);
		close(fd);
		assert_true(len > 0);
		real[len] = '\0';
		size_t l1 = strlen(sb1), l2 = strlen(sb2), l3 = strlen(sb3);
		bool inside = (strncmp(real, sb1, l1) == 0 && (real[l1] == '/' || !real[l1])) ||
		              (strncmp(real, sb2, l2) == 0 && (real[l2] == '/' || !real[l2])) ||
		              (strncmp(real, sb3, l3) == 0 && (real[l3] == '/' || !real[l3]));
		if (!inside)
			fail_msg("%s opened %s, outside every sandbox", path, real);
	}
	/* The generator does reach files, or the test shows nothing. */
	assert_true(opened > 1000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_sandbox_paths_open),
	        cmocka_unit_test(test_escapes_refused),
	        cmocka_unit_test(test_linked_sandbox_refused),
	        cmocka_unit_test(test_property_only_sandboxes_open),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
