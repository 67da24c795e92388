/*
 * fetcher_main.c — `meso-fetcher`, run by a task's supervisor in the task's
 * sandbox before the task starts (Mesos's mesos-fetcher): each of the
 * task's CommandInfo.uris is downloaded (libcurl) or copied, optionally
 * through a cache shared by the agent's tasks, then extracted and made
 * executable as the URI asks. What it does goes to the sandbox's stderr;
 * its last line says what failed, and the agent puts that line in the
 * task's TASK_FAILED.
 *
 *   meso-fetcher --sandbox=DIR [--cache_dir=DIR] [--cache_size=BYTES] [--stall_timeout=SECS] URI-ARG...
 *
 * (each URI-ARG as agent_fetch_encode writes it).
 */
#define _GNU_SOURCE
#include <curl/curl.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "agent_fetch.h"

static char failure[1024]; /* why the current URI failed */

static int fail(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(failure, sizeof failure, fmt, ap);
	va_end(ap);
	return -1;
}

/* mkdir -p of the folders of path (not path itself). */
static int make_parents(const char *path)
{
	char buf[PATH_MAX];
	if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf)
		return fail("path too long: %s", path);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) != 0 && errno != EEXIST)
			return fail("cannot create %s: %s", buf, strerror(errno));
		*p = '/';
	}
	return 0;
}

/* A temporary file next to dest; its descriptor, or -1. */
static int open_temp(const char *dest, char *tmp, size_t len)
{
	if (make_parents(dest) != 0)
		return -1;
	if ((size_t)snprintf(tmp, len, "%s.fetch-XXXXXX", dest) >= len)
		return fail("path too long: %s", dest);
	int fd = mkstemp(tmp);
	if (fd < 0)
		return fail("cannot create %s: %s", tmp, strerror(errno));
	return fd;
}

/* The temporary file becomes dest (0), or is removed (-1, failure kept). */
static int finish_temp(int fd, const char *tmp, const char *dest, int rc)
{
	if (rc == 0 && fsync(fd) != 0)
		rc = fail("cannot write %s: %s", tmp, strerror(errno));
	if (close(fd) != 0 && rc == 0)
		rc = fail("cannot write %s: %s", tmp, strerror(errno));
	if (rc == 0 && rename(tmp, dest) != 0)
		rc = fail("cannot rename %s to %s: %s", tmp, dest, strerror(errno));
	if (rc != 0)
		unlink(tmp);
	return rc;
}

static int copy_fd(int in, int out, const char *what)
{
	char buf[1 << 16];
	for (;;) {
		ssize_t n = read(in, buf, sizeof buf);
		if (n == 0)
			return 0;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return fail("cannot read %s: %s", what, strerror(errno));
		}
		for (ssize_t off = 0; off < n;) {
			ssize_t w = write(out, buf + off, (size_t)(n - off));
			if (w < 0 && errno == EINTR)
				continue;
			if (w < 0)
				return fail("cannot write %s: %s", what, strerror(errno));
			off += w;
		}
	}
}

/* in's bytes into dest (through a temporary next to it); in stays open. */
static int copy_from(int in, const char *what, const char *dest)
{
	struct stat st;
	if (fstat(in, &st) == 0 && !S_ISREG(st.st_mode))
		return fail("%s is not a regular file", what);
	char tmp[PATH_MAX];
	int out = open_temp(dest, tmp, sizeof tmp);
	if (out < 0)
		return -1;
	return finish_temp(out, tmp, dest, copy_fd(in, out, what));
}

static int copy_file(const char *src, const char *dest)
{
	int in = open(src, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return fail("cannot open %s: %s", src, strerror(errno));
	int rc = copy_from(in, src, dest);
	close(in);
	return rc;
}

static size_t curl_write(char *p, size_t size, size_t n, void *ud)
{
	FILE *f = ud;
	return fwrite(p, size, n, f);
}

static int download(const char *url, const char *dest, long stall_timeout)
{
	char tmp[PATH_MAX];
	int fd = open_temp(dest, tmp, sizeof tmp);
	if (fd < 0)
		return -1;
	FILE *f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		unlink(tmp);
		return fail("cannot open %s: %s", tmp, strerror(errno));
	}
	CURL *c = curl_easy_init();
	char err[CURL_ERROR_SIZE] = "";
	int rc = 0;
	if (!c) {
		rc = fail("cannot start libcurl");
	} else {
		curl_easy_setopt(c, CURLOPT_URL, url);
		curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, curl_write);
		curl_easy_setopt(c, CURLOPT_WRITEDATA, f);
		curl_easy_setopt(c, CURLOPT_ERRORBUFFER, err);
		curl_easy_setopt(c, CURLOPT_FAILONERROR, 1L);
		curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
		curl_easy_setopt(c, CURLOPT_MAXREDIRS, 10L);
		curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
		curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 30L);
		/* Mesos's --fetcher_stall_timeout: a transfer that moves nothing
		 * for that long is given up. */
		curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
		curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, stall_timeout);
		CURLcode res = curl_easy_perform(c);
		if (res != CURLE_OK)
			rc = fail("%s", err[0] ? err : curl_easy_strerror(res));
		curl_easy_cleanup(c);
	}
	if (fflush(f) != 0 && rc == 0)
		rc = fail("cannot write %s: %s", tmp, strerror(errno));
	int dfd = dup(fileno(f));
	fclose(f);
	if (dfd < 0) {
		unlink(tmp);
		return rc == 0 ? fail("cannot write %s: %s", tmp, strerror(errno)) : rc;
	}
	return finish_temp(dfd, tmp, dest, rc);
}

/* Runs a program (tar, unzip) in the sandbox; 0 when it exits 0. */
static int run(char *const argv[])
{
	pid_t p = fork();
	if (p < 0)
		return fail("cannot run %s: %s", argv[0], strerror(errno));
	if (p == 0) {
		dup2(2, 1); /* its chatter to the fetcher's stderr */
		execvp(argv[0], argv);
		fprintf(stderr, "meso-fetcher: cannot execute %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	int st;
	while (waitpid(p, &st, 0) < 0)
		if (errno != EINTR)
			return fail("waiting for %s: %s", argv[0], strerror(errno));
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		return fail("%s failed (%s %d)", argv[0], WIFEXITED(st) ? "exit status" : "signal",
		            WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
	return 0;
}

static int gunzip(const char *src, const char *dest)
{
	gzFile in = gzopen(src, "rb");
	if (!in)
		return fail("cannot open %s: %s", src, strerror(errno));
	char tmp[PATH_MAX];
	int out = open_temp(dest, tmp, sizeof tmp);
	if (out < 0) {
		gzclose(in);
		return -1;
	}
	char buf[1 << 16];
	int rc = 0, n;
	while (rc == 0 && (n = gzread(in, buf, sizeof buf)) > 0)
		if (write(out, buf, (size_t)n) != n)
			rc = fail("cannot write %s: %s", tmp, strerror(errno));
	if (rc == 0 && n < 0) {
		int e;
		rc = fail("%s is not valid gzip: %s", src, gzerror(in, &e));
	}
	gzclose(in);
	return finish_temp(out, tmp, dest, rc);
}

static int extract(const char *path, const char *sandbox)
{
	switch (agent_fetch_archive_kind(path)) {
	case AGENT_ARCHIVE_TAR: {
		char *argv[] = {"tar", "-C", (char *)sandbox, "-xf", (char *)path, NULL};
		return run(argv);
	}
	case AGENT_ARCHIVE_ZIP: {
		char *argv[] = {"unzip", "-o", "-q", (char *)path, "-d", (char *)sandbox, NULL};
		return run(argv);
	}
	case AGENT_ARCHIVE_GZIP: {
		char dest[PATH_MAX];
		snprintf(dest, sizeof dest, "%.*s", (int)(strlen(path) - 3), path);
		return gunzip(path, dest);
	}
	default:
		return 0;
	}
}

/* The URI's bytes into dest: a local file copied (src), else downloaded. */
static int get_uri(const agent_fetch_uri *u, const char *src, const char *dest, long stall_timeout)
{
	return src ? copy_file(src, dest) : download(u->value, dest, stall_timeout);
}

/* A file of the cache, for eviction. */
typedef struct cache_file {
	char name[256];
	struct timespec used; /* mtime: set on every use, so oldest = least recently used */
	uint64_t size;
} cache_file;

static int by_use(const void *pa, const void *pb)
{
	const cache_file *a = pa, *b = pb;
	if (a->used.tv_sec != b->used.tv_sec)
		return a->used.tv_sec < b->used.tv_sec ? -1 : 1;
	if (a->used.tv_nsec != b->used.tv_nsec)
		return a->used.tv_nsec < b->used.tv_nsec ? -1 : 1;
	return strcmp(a->name, b->name);
}

/* Brings the cache within `size` bytes: its files go least recently used
 * first, never `keep` (the file this fetch is using). Temporaries of
 * downloads under way count but are not removed; one untouched for longer
 * than a download may stall was left by a killed fetcher and goes. Other
 * fetchers may evict at the same time: a file one of them already removed
 * is simply gone, and a fetch holds its file open while copying it, so
 * removing it under that copy is harmless. */
static void evict(const char *dir, uint64_t size, const char *keep, long stall_timeout)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	int dfd = dirfd(d);
	cache_file *files = NULL;
	size_t n = 0, cap = 0;
	uint64_t total = 0;
	time_t now = time(NULL);
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		struct stat st;
		if (e->d_name[0] == '.' || strlen(e->d_name) >= sizeof files->name ||
		    fstatat(dfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode))
			continue;
		if (strstr(e->d_name, ".fetch-")) {
			if (now - st.st_mtime > stall_timeout + 60 && unlinkat(dfd, e->d_name, 0) == 0)
				fprintf(stderr, "meso-fetcher: removed %s/%s, left by a fetch that did not finish\n",
				        dir, e->d_name);
			else
				total += (uint64_t)st.st_size;
			continue;
		}
		total += (uint64_t)st.st_size;
		if (strcmp(e->d_name, keep) == 0)
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			cache_file *grown = realloc(files, cap * sizeof *files);
			if (!grown)
				break;
			files = grown;
		}
		snprintf(files[n].name, sizeof files[n].name, "%s", e->d_name);
		files[n].used = st.st_mtim;
		files[n].size = (uint64_t)st.st_size;
		n++;
	}
	if (n > 1) /* qsort of NULL, 0 is undefined */
		qsort(files, n, sizeof *files, by_use);
	for (size_t i = 0; i < n && total > size; i++) {
		if (unlinkat(dfd, files[i].name, 0) != 0 && errno != ENOENT)
			continue;
		total -= files[i].size;
		fprintf(stderr, "meso-fetcher: evicted %s (%" PRIu64 " bytes) from the cache\n", files[i].name,
		        files[i].size);
	}
	free(files);
	closedir(d);
}

/* Records a use of a cache file in its mtime, at the clock's full
 * precision: the file system's own stamps come from a coarse clock (a few
 * milliseconds), which would make uses in quick succession tie. Best
 * effort (a file of another user cannot be stamped). */
static void mark_used(int fd)
{
	struct timespec now[2];
	clock_gettime(CLOCK_REALTIME, &now[1]);
	now[0].tv_sec = 0;
	now[0].tv_nsec = UTIME_OMIT; /* atime as it is */
	futimens(fd, now);
}

/* The URI through the cache: a copy from the cached file when there is
 * one (its use recorded in its mtime), else fetched into the cache first,
 * then the cache brought back within cache_size. A file larger than the
 * whole cache reaches the sandbox but is not kept (Mesos bypasses the
 * cache for it). */
static int fetch_cached(const agent_fetch_uri *u, const char *src, const char *dest, const char *cache_dir,
                        uint64_t cache_size, long stall_timeout)
{
	char cname[PATH_MAX / 2], cpath[PATH_MAX];
	agent_fetch_cache_name(u->value, cname, sizeof cname);
	snprintf(cpath, sizeof cpath, "%s/%s", cache_dir, cname);
	int in = open(cpath, O_RDONLY | O_CLOEXEC);
	if (in >= 0) {
		fprintf(stderr, "meso-fetcher: '%s' from the cache (%s)\n", u->value, cpath);
		mark_used(in);
		int rc = copy_from(in, cpath, dest);
		close(in);
		return rc;
	}
	fprintf(stderr, "meso-fetcher: fetching '%s' into the cache (%s)\n", u->value, cpath);
	if (get_uri(u, src, cpath, stall_timeout) != 0)
		return -1;
	in = open(cpath, O_RDONLY | O_CLOEXEC);
	if (in < 0) /* evicted by another fetch in the instant since: fetch it again, around the cache */
		return get_uri(u, src, dest, stall_timeout);
	mark_used(in);
	struct stat st;
	bool too_big = fstat(in, &st) == 0 && (uint64_t)st.st_size > cache_size;
	int rc = copy_from(in, cpath, dest);
	close(in);
	if (too_big) {
		unlink(cpath);
		fprintf(stderr, "meso-fetcher: '%s' is larger than the cache (%" PRIu64 " bytes): not kept\n", u->value,
		        cache_size);
	} else {
		evict(cache_dir, cache_size, cname, stall_timeout);
	}
	return rc;
}

/* One URI into the sandbox; 0, or -1 with `failure` set. */
static int fetch_one(const agent_fetch_uri *u, const char *sandbox, const char *cache_dir, uint64_t cache_size,
                     long stall_timeout)
{
	agent_fetch_kind kind;
	char name[PATH_MAX / 2], dest[PATH_MAX], why[600];
	if (agent_fetch_check(u, &kind, name, sizeof name, why, sizeof why) != 0)
		return fail("%s", why);
	if ((size_t)snprintf(dest, sizeof dest, "%s/%s", sandbox, name) >= sizeof dest)
		return fail("path too long: %s/%s", sandbox, name);
	const char *src = kind == AGENT_FETCH_LOCAL ? agent_fetch_local_path(u->value) : NULL;
	if (u->cache && cache_dir && cache_dir[0] && cache_size > 0) {
		if (fetch_cached(u, src, dest, cache_dir, cache_size, stall_timeout) != 0)
			return -1;
	} else {
		fprintf(stderr, "meso-fetcher: fetching '%s' into %s\n", u->value, dest);
		if (get_uri(u, src, dest, stall_timeout) != 0)
			return -1;
	}
	if (u->extract && agent_fetch_archive_kind(dest) != AGENT_ARCHIVE_NONE) {
		fprintf(stderr, "meso-fetcher: extracting %s\n", dest);
		if (extract(dest, sandbox) != 0)
			return -1;
	}
	if (u->executable && chmod(dest, 0755) != 0)
		return fail("cannot make %s executable: %s", dest, strerror(errno));
	return 0;
}

int main(int argc, char **argv)
{
	const char *sandbox = NULL, *cache_dir = NULL;
	long stall_timeout = 60;
	uint64_t cache_size = UINT64_MAX; /* unbounded unless told */
	int first = argc;
	for (int i = 1; i < argc; i++) {
		if (strncmp(argv[i], "--sandbox=", 10) == 0)
			sandbox = argv[i] + 10;
		else if (strncmp(argv[i], "--cache_dir=", 12) == 0)
			cache_dir = argv[i] + 12;
		else if (strncmp(argv[i], "--cache_size=", 13) == 0) {
			char *end;
			errno = 0;
			cache_size = strtoull(argv[i] + 13, &end, 10);
			if (errno || *end || end == argv[i] + 13) {
				fprintf(stderr, "meso-fetcher: --cache_size: '%s' is not a number of bytes\n",
				        argv[i] + 13);
				return 2;
			}
		} else if (strncmp(argv[i], "--stall_timeout=", 16) == 0)
			stall_timeout = atol(argv[i] + 16);
		else if (strcmp(argv[i], "--help") == 0) {
			printf("usage: %s --sandbox=DIR [--cache_dir=DIR] [--cache_size=BYTES] [--stall_timeout=SECS] "
			       "URI-ARG...\n"
			       "Run by a task's supervisor (meso-agent) to fetch CommandInfo.uris into its sandbox.\n",
			       argv[0]);
			return 0;
		} else {
			first = i;
			break;
		}
	}
	if (!sandbox) {
		fprintf(stderr, "meso-fetcher: --sandbox=DIR is required (it is run by meso-agent's supervisors)\n");
		return 2;
	}
	if (stall_timeout < 1)
		stall_timeout = 1;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	int rc = 0;
	for (int i = first; i < argc && rc == 0; i++) {
		agent_fetch_uri u;
		char why[200];
		if (agent_fetch_decode(argv[i], &u, why, sizeof why) != 0) {
			fprintf(stderr, "meso-fetcher: %s\n", why);
			rc = 2;
		} else if (fetch_one(&u, sandbox, cache_dir, cache_size, stall_timeout) != 0) {
			fprintf(stderr, "Failed to fetch '%s': %s\n", u.value, failure);
			rc = 1;
		}
	}
	curl_global_cleanup();
	if (rc == 0)
		fprintf(stderr, "meso-fetcher: %d URI%s fetched\n", argc - first, argc - first == 1 ? "" : "s");
	return rc;
}
