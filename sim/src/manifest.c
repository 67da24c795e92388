/*
 * manifest.c — manifest.json of a run folder and `meso-sim rerun`
 * (manifest.h). The manifest records what made the run and the SHA-256
 * (nettle) of what it wrote; rerun runs the same command line again in the
 * same directory and says, output by output, whether the bytes are the same.
 * Wall-clock stamps live here only, never in the outputs compared.
 */
#define _DEFAULT_SOURCE
#include "manifest.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <nettle/sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli_json.h"
#include "meso_version.h"

const char *const cli_manifest_outputs[] = {
        "summary.json", "timeseries.csv", "utilization.csv", "jobs.csv", "tasks.csv", "tasks.csv.gz", NULL};

int cli_sha256_file(const char *path, char hex[65], uint64_t *bytes)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	struct sha256_ctx ctx;
	sha256_init(&ctx);
	static unsigned char buf[1 << 16];
	uint64_t total = 0;
	for (;;) {
		ssize_t n = read(fd, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;
			close(fd);
			errno = e;
			return -1;
		}
		if (n == 0)
			break;
		sha256_update(&ctx, (size_t)n, buf);
		total += (uint64_t)n;
	}
	close(fd);
	unsigned char d[SHA256_DIGEST_SIZE];
	sha256_digest(&ctx, sizeof d, d);
	for (int i = 0; i < SHA256_DIGEST_SIZE; i++)
		sprintf(hex + 2 * i, "%02x", d[i]);
	if (bytes)
		*bytes = total;
	return 0;
}

/* ------------------------------------------------------------ inputs */

typedef struct file_list {
	char **paths;
	size_t n, cap;
} file_list;

static int list_add(file_list *l, const char *path)
{
	if (l->n == l->cap) {
		size_t nc = l->cap ? l->cap * 2 : 16;
		char **p = realloc(l->paths, nc * sizeof *p);
		if (!p)
			return -1;
		l->paths = p;
		l->cap = nc;
	}
	if (!(l->paths[l->n] = strdup(path)))
		return -1;
	l->n++;
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every regular file at or below path (absolute), folders in name order. */
static int list_files(file_list *l, const char *path)
{
	struct stat st;
	if (stat(path, &st) < 0)
		return -1;
	if (!S_ISDIR(st.st_mode))
		return list_add(l, path);
	DIR *d = opendir(path);
	if (!d)
		return -1;
	file_list names = {0};
	struct dirent *de;
	int rc = 0;
	while (rc == 0 && (de = readdir(d)))
		if (de->d_name[0] != '.')
			rc = list_add(&names, de->d_name);
	closedir(d);
	qsort(names.paths, names.n, sizeof *names.paths, cmp_str);
	char sub[PATH_MAX];
	for (size_t i = 0; i < names.n; i++) {
		if (rc == 0 && (size_t)snprintf(sub, sizeof sub, "%s/%s", path, names.paths[i]) < sizeof sub)
			rc = list_files(l, sub);
		free(names.paths[i]);
	}
	free(names.paths);
	return rc;
}

static void list_free(file_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->paths[i]);
	free(l->paths);
}

/* The inputs' files, absolute. */
static int inputs_expand(const char *const *inputs, int n, file_list *out)
{
	char abs[PATH_MAX];
	for (int i = 0; i < n; i++) {
		if (!realpath(inputs[i], abs) || list_files(out, abs) < 0)
			return -1;
	}
	return 0;
}

uint64_t cli_inputs_bytes(const char *const *inputs, int n)
{
	file_list l = {0};
	uint64_t sum = 0;
	if (inputs_expand(inputs, n, &l) == 0)
		for (size_t i = 0; i < l.n; i++) {
			struct stat st;
			if (stat(l.paths[i], &st) == 0)
				sum += (uint64_t)st.st_size;
		}
	list_free(&l);
	return sum;
}

/* ---------------------------------------------------------- the file */

static void write_file_entry(FILE *f, const char *field, const char *name, const char *path, bool *first, int *bad)
{
	char hex[65];
	uint64_t bytes;
	if (cli_sha256_file(path, hex, &bytes) < 0) {
		*bad = errno ? errno : EIO;
		return;
	}
	fputs(*first ? "\n    {" : ",\n    {", f);
	*first = false;
	fprintf(f, "\"%s\": ", field);
	cli_json_write_str(f, name);
	fprintf(f, ", \"bytes\": %" PRIu64 ", \"sha256\": \"%s\"}", bytes, hex);
}

int cli_manifest_write(const cli_manifest *m, char *err, size_t errlen)
{
	char path[PATH_MAX], tmp[PATH_MAX], buf[PATH_MAX];
	snprintf(path, sizeof path, "%s/manifest.json", m->out_dir);
	snprintf(tmp, sizeof tmp, "%s/.manifest.json.tmp", m->out_dir);
	file_list in = {0};
	if (inputs_expand(m->inputs, m->ninputs, &in) < 0) {
		snprintf(err, errlen, "manifest: cannot list the inputs: %s", strerror(errno));
		list_free(&in);
		return -1;
	}
	FILE *f = fopen(tmp, "w");
	if (!f) {
		snprintf(err, errlen, "%s: cannot write: %s", tmp, strerror(errno));
		list_free(&in);
		return -1;
	}
	int bad = 0;
	fputs("{\n  \"program\": \"meso-sim\",\n  \"version\": \"" MESO_VERSION "\",\n  \"commit\": \"" MESO_GIT_COMMIT
	      "\",\n",
	      f);
	fprintf(f, "  \"commit_dirty\": %s,\n", MESO_GIT_DIRTY ? "true" : "false");
	ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
	buf[n > 0 ? n : 0] = '\0';
	fputs("  \"executable\": ", f);
	cli_json_write_str(f, buf);
	fputs(",\n  \"cwd\": ", f);
	cli_json_write_str(f, getcwd(buf, sizeof buf) ? buf : "");
	fputs(",\n  \"argv\": [", f);
	for (int i = 0; i < m->argc; i++) {
		if (i)
			fputs(", ", f);
		cli_json_write_str(f, m->argv[i]);
	}
	fprintf(f, "],\n  \"seed\": %" PRIu64 ",\n  \"policy\": ", m->seed);
	cli_json_write_str(f, m->policy);
	fputs(",\n", f);
	/* module:PATH[:ARGS] — the module's own bytes decide the run too */
	if (strncmp(m->policy, "module:", 7) == 0) {
		const char *p = m->policy + 7, *colon = strchr(p, ':');
		size_t len = colon ? (size_t)(colon - p) : strlen(p);
		snprintf(buf, sizeof buf, "%.*s", (int)len, p);
		char hex[65];
		uint64_t bytes;
		if (cli_sha256_file(buf, hex, &bytes) < 0) {
			bad = errno ? errno : EIO;
		} else {
			fputs("  \"policy_module\": {\"path\": ", f);
			cli_json_write_str(f, buf);
			fprintf(f, ", \"bytes\": %" PRIu64 ", \"sha256\": \"%s\"},\n", bytes, hex);
		}
	}
	fputs("  \"inputs\": [", f);
	bool first = true;
	for (size_t i = 0; i < in.n && !bad; i++)
		write_file_entry(f, "path", in.paths[i], in.paths[i], &first, &bad);
	fputs(first ? "],\n" : "\n  ],\n", f);
	fputs("  \"outputs\": [", f);
	first = true;
	for (int i = 0; cli_manifest_outputs[i] && !bad; i++) {
		snprintf(buf, sizeof buf, "%s/%s", m->out_dir, cli_manifest_outputs[i]);
		if (access(buf, F_OK) == 0)
			write_file_entry(f, "name", cli_manifest_outputs[i], buf, &first, &bad);
	}
	fputs(first ? "],\n" : "\n  ],\n", f);
	char stamp[32];
	time_t t0 = (time_t)m->started_utc;
	struct tm tm;
	strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&t0, &tm));
	fprintf(f, "  \"started_utc\": \"%s\",\n  \"wall_seconds\": %.3f\n}\n", stamp, m->wall_seconds);
	list_free(&in);
	if (ferror(f) || fclose(f) != 0 || bad) {
		snprintf(err, errlen, "%s: cannot write the manifest: %s", path, strerror(bad ? bad : EIO));
		unlink(tmp);
		return -1;
	}
	if (rename(tmp, path) < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

bool cli_manifest_complete(const char *dir)
{
	char path[PATH_MAX], err[256];
	snprintf(path, sizeof path, "%s/manifest.json", dir);
	cli_json *m = cli_json_load(path, err, sizeof err);
	if (!m)
		return false;
	const cli_json *outs = cli_json_get(m, "outputs");
	bool ok = outs && outs->type == CJ_ARRAY && outs->nkids > 0;
	for (size_t i = 0; ok && i < outs->nkids; i++) {
		const char *name = cli_json_str(&outs->kids[i], "name");
		const cli_json *b = cli_json_get(&outs->kids[i], "bytes");
		struct stat st;
		ok = name && b && b->type == CJ_NUMBER && !strchr(name, '/') &&
		     (size_t)snprintf(path, sizeof path, "%s/%s", dir, name) < sizeof path && stat(path, &st) == 0 &&
		     (uint64_t)st.st_size == strtoull(b->text, NULL, 10);
	}
	cli_json_free(m);
	return ok;
}

/* ------------------------------------------------------------- rerun */

int cli_spawn_self(char *const args[], const char *cwd, const char *log)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n <= 0)
		return -1;
	exe[n] = '\0';
	pid_t pid = fork();
	if (pid != 0)
		return pid;
	if (log) {
		int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0666);
		if (fd < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
			_exit(1);
		close(fd);
	}
	if (cwd && chdir(cwd) < 0) {
		fprintf(stderr, "meso-sim: cannot enter %s: %s\n", cwd, strerror(errno));
		_exit(1);
	}
	size_t na = 0;
	while (args[na])
		na++;
	char **av = calloc(na + 2, sizeof *av);
	if (!av)
		_exit(1);
	av[0] = "meso-sim";
	memcpy(av + 1, args, na * sizeof *av);
	execv(exe, av);
	fprintf(stderr, "meso-sim: cannot run %s: %s\n", exe, strerror(errno));
	_exit(1);
}

static int rerun_usage(const char *msg)
{
	fprintf(stderr, "meso-sim rerun: %s\nusage: meso-sim rerun DIR [--out DIR2]\n", msg);
	return 2;
}

int cli_rerun_main(int argc, char **argv)
{
	const char *dir = NULL, *out = NULL;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--out") == 0 && i + 1 < argc)
			out = argv[++i];
		else if (argv[i][0] == '-' || dir)
			return rerun_usage("unexpected argument");
		else
			dir = argv[i];
	}
	if (!dir)
		return rerun_usage("which run folder?");
	char path[2 * PATH_MAX], outbuf[PATH_MAX], err[512];
	snprintf(path, sizeof path, "%s/manifest.json", dir);
	cli_json *m = cli_json_load(path, err, sizeof err);
	if (!m) {
		fprintf(stderr, "meso-sim rerun: %s\n", err);
		return 2;
	}
	const cli_json *av = cli_json_get(m, "argv"), *ins = cli_json_get(m, "inputs"),
	               *outs = cli_json_get(m, "outputs");
	const char *cwd = cli_json_str(m, "cwd");
	if (!av || av->type != CJ_ARRAY || av->nkids == 0 || !ins || ins->type != CJ_ARRAY || !outs ||
	    outs->type != CJ_ARRAY || !cwd) {
		fprintf(stderr, "meso-sim rerun: %s: lacks argv, cwd, inputs or outputs\n", path);
		cli_json_free(m);
		return 2;
	}
	const char *commit = cli_json_str(m, "commit");
	if (commit && strcmp(commit, MESO_GIT_COMMIT) != 0)
		printf("meso-sim rerun: note: the run was made by commit %s, this is %s\n", commit, MESO_GIT_COMMIT);
	int changed = 0;
	for (size_t i = 0; i < ins->nkids; i++) {
		const char *p = cli_json_str(&ins->kids[i], "path"), *sum = cli_json_str(&ins->kids[i], "sha256");
		char hex[65];
		if (!p || !sum || cli_sha256_file(p, hex, NULL) < 0 || strcmp(hex, sum) != 0) {
			printf("meso-sim rerun: input %s is missing or changed since the run\n", p ? p : "?");
			changed++;
		}
	}
	/* the outputs go to DIR2 (absolute: the run starts in the recorded cwd) */
	if (!out) {
		snprintf(outbuf, sizeof outbuf, "%s.rerun", dir);
		out = outbuf;
	}
	if (mkdir(out, 0777) < 0 && errno != EEXIST) {
		fprintf(stderr, "meso-sim rerun: cannot create %s: %s\n", out, strerror(errno));
		cli_json_free(m);
		return 1;
	}
	char outabs[PATH_MAX];
	if (!realpath(out, outabs)) {
		fprintf(stderr, "meso-sim rerun: %s: %s\n", out, strerror(errno));
		cli_json_free(m);
		return 1;
	}
	char **args = calloc(av->nkids + 4, sizeof *args);
	size_t na = 0;
	for (size_t i = 0; args && i < av->nkids; i++) {
		const char *a = av->kids[i].text;
		if (!a)
			continue;
		if (strcmp(a, "--out") == 0 && i + 1 < av->nkids) {
			i++; /* replaced below */
			continue;
		}
		if (strcmp(a, "--plot") == 0)
			continue; /* pictures are not compared */
		args[na++] = (char *)a;
	}
	if (!args) {
		cli_json_free(m);
		return 1;
	}
	args[na++] = "--out";
	args[na++] = outabs;
	args[na++] = "--quiet";
	args[na] = NULL;
	snprintf(path, sizeof path, "%s/rerun.log", outabs);
	printf("meso-sim rerun: running %s again into %s (log: rerun.log)\n", dir, out);
	fflush(stdout);
	int st = 0;
	pid_t pid = cli_spawn_self(args, cwd, path);
	free(args);
	if (pid < 0 || waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		fprintf(stderr, "meso-sim rerun: the run failed (see %s)\n", path);
		cli_json_free(m);
		return 1;
	}
	int differ = 0;
	for (size_t i = 0; i < outs->nkids; i++) {
		const char *name = cli_json_str(&outs->kids[i], "name"), *sum = cli_json_str(&outs->kids[i], "sha256");
		if (!name || !sum)
			continue;
		char hex[65] = "";
		snprintf(path, sizeof path, "%s/%s", outabs, name);
		bool same = cli_sha256_file(path, hex, NULL) == 0 && strcmp(hex, sum) == 0;
		printf("  %-16s %s\n", name, same ? "identical" : "DIFFERS");
		differ += !same;
	}
	printf("meso-sim rerun: %s\n", differ ? "outputs differ" : "every output is byte-identical");
	if (changed && differ)
		printf("meso-sim rerun: (%d input(s) changed since the run)\n", changed);
	cli_json_free(m);
	return differ ? 3 : 0;
}
