/*
 * agent_files.c — task sandboxes over HTTP, as Mesos's agent serves them:
 * /files/browse?path= (a JSON array of {path, nlink, size, mtime, mode,
 * uid, gid}), /files/read?path=&offset=&length= ({data, offset}; offset=-1
 * gives the size), /files/download?path= (the file, streamed), and the operator
 * API's LIST_FILES and READ_FILE (agent_operator.c). Only what lies in a
 * sandbox is served: a path names a sandbox (by its real path under
 * work_dir/frameworks, or Mesos's virtual /frameworks/FW/executors/EX/runs/
 * (latest|ID)) and then a file in it, opened beneath the sandbox's folder
 * with openat2(RESOLVE_BENEATH), so neither "..", a symlink that leads out,
 * nor a rename racing the request can reach anything else.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <jansson.h>
#include <linux/openat2.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "agent.h"
#include "rt_api.h"
#include "rt_opview.h"

/* Mesos caps one read at 16 pages. */
#define READ_MAX  (16 * 4096)
#define MAX_PARTS 64

/* A requested path split at '/', empty parts dropped. 0, or 400/404 with msg. */
static int split(const char *path, char *buf, size_t cap, const char **parts, size_t *n, char *msg, size_t len)
{
	if (strlen(path) >= cap) {
		snprintf(msg, len, "Path is too long");
		return 400;
	}
	strcpy(buf, path);
	*n = 0;
	for (char *save = NULL, *p = strtok_r(buf, "/", &save); p; p = strtok_r(NULL, "/", &save)) {
		if (strcmp(p, "..") == 0) {
			snprintf(msg, len, "Path must not contain '..'");
			return 400;
		}
		if (strcmp(p, ".") == 0)
			continue;
		if (*n == MAX_PARTS) {
			snprintf(msg, len, "Path is too deep");
			return 400;
		}
		parts[(*n)++] = p;
	}
	return 0;
}

/* The newest entry of dir whose name starts with prefix (all if ""), in
 * out; false when there is none. What "runs/latest" means on disk. */
static bool newest_entry(const char *dir, const char *prefix, char *out, size_t cap)
{
	DIR *d = opendir(dir);
	if (!d)
		return false;
	struct dirent *e;
	struct timespec best = {0, 0};
	bool found = false;
	size_t plen = strlen(prefix);
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.' || strncmp(e->d_name, prefix, plen) != 0)
			continue;
		struct stat st;
		if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISDIR(st.st_mode))
			continue;
		if (!found || st.st_mtim.tv_sec > best.tv_sec ||
		    (st.st_mtim.tv_sec == best.tv_sec && st.st_mtim.tv_nsec > best.tv_nsec)) {
			best = st.st_mtim;
			snprintf(out, cap, "%s", e->d_name);
			found = true;
		}
	}
	closedir(d);
	return found;
}

/* printf into buf, or the caller answers 404: a path cut short could
 * name another folder. */
static bool fits(char *buf, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static bool fits(char *buf, size_t cap, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, cap, fmt, ap);
	va_end(ap);
	return n >= 0 && (size_t)n < cap;
}
#define FIT(buf, cap, ...)                                                                                             \
	do {                                                                                                           \
		if (!fits((buf), (cap), __VA_ARGS__))                                                                  \
			return 404;                                                                                    \
	} while (0)

/* The sandbox a path names, relative to work_dir (in rel), and how many
 * of its parts that took (*used). 0, or 404. */
static int find_sandbox(agent *a, const char **parts, size_t n, char *rel, size_t cap, size_t *used)
{
	if (n < 4 || strcmp(parts[0], "frameworks") != 0)
		return 404;
	const char *fw = parts[1];
	char fws[128];
	agent_sanitize(fw, fws, sizeof fws);
	if (strcmp(parts[2], "tasks") == 0) {
		/* A command task's sandbox by its real path. */
		FIT(rel, cap, "frameworks/%s/tasks/%s", fw, parts[3]);
		*used = 4;
		return 0;
	}
	if (n < 6 || strcmp(parts[2], "executors") != 0 || strcmp(parts[4], "runs") != 0)
		return 404;
	const char *ex = parts[3], *run = parts[5];
	*used = 6;
	char exs[128], dir[PATH_MAX + 200], name[256];
	agent_sanitize(ex, exs, sizeof exs);
	if (strcmp(run, "latest") != 0) {
		/* A custom executor's run, or (Mesos's path of the command
		 * executor, whose id is the task's) a command task's sandbox. */
		struct stat st;
		FIT(dir, sizeof dir, "%s/frameworks/%s/executors/%s/runs/%s", a->work_dir, fws, exs, run);
		if (lstat(dir, &st) == 0) {
			FIT(rel, cap, "frameworks/%s/executors/%s/runs/%s", fws, exs, run);
			return 0;
		}
		size_t elen = strlen(exs);
		if (strncmp(run, exs, elen) != 0 || run[elen] != '-')
			return 404;
		FIT(rel, cap, "frameworks/%s/tasks/%s", fws, run);
		return 0;
	}
	/* latest: the live run first, else the newest on disk. */
	size_t wlen = strlen(a->work_dir);
	for (a_executor *e = a->executors; e; e = e->next)
		if (strcmp(e->fw_id, fw) == 0 && strcmp(e->id, ex) == 0 &&
		    strncmp(e->sandbox, a->work_dir, wlen) == 0 && e->sandbox[wlen] == '/') {
			FIT(rel, cap, "%s", e->sandbox + wlen + 1);
			return 0;
		}
	a_task *t = agent_task_find(a, fw, ex);
	if (t && !t->exec && strncmp(t->sandbox, a->work_dir, wlen) == 0 && t->sandbox[wlen] == '/') {
		FIT(rel, cap, "%s", t->sandbox + wlen + 1);
		return 0;
	}
	FIT(dir, sizeof dir, "%s/frameworks/%s/executors/%s/runs", a->work_dir, fws, exs);
	if (newest_entry(dir, "", name, sizeof name)) {
		FIT(rel, cap, "frameworks/%s/executors/%s/runs/%s", fws, exs, name);
		return 0;
	}
	char prefix[140];
	FIT(prefix, sizeof prefix, "%s-", exs);
	FIT(dir, sizeof dir, "%s/frameworks/%s/tasks", a->work_dir, fws);
	if (newest_entry(dir, prefix, name, sizeof name)) {
		FIT(rel, cap, "frameworks/%s/tasks/%s", fws, name);
		return 0;
	}
	return 404;
}

/* Opens path beneath dir: openat2 with RESOLVE_BENEATH and resolve (symlinks
 * that stay inside are followed unless resolve forbids them, any that
 * leads out fails with EXDEV); where
 * the kernel has no openat2, every part with O_NOFOLLOW (no symlink at
 * all). -1 with errno. */
static int open_beneath(int dir, const char *path, int flags, uint64_t resolve)
{
	struct open_how how = {.flags = (uint64_t)(flags | O_CLOEXEC), .resolve = RESOLVE_BENEATH | resolve};
	int fd = (int)syscall(SYS_openat2, dir, path, &how, sizeof how);
	if (fd >= 0 || errno != ENOSYS)
		return fd;
	char buf[PATH_MAX];
	snprintf(buf, sizeof buf, "%s", path);
	int cur = dup(dir);
	char *save = NULL, *p = strtok_r(buf, "/", &save);
	while (cur >= 0 && p) {
		char *next = strtok_r(NULL, "/", &save);
		int f = next ? O_PATH | O_DIRECTORY : flags;
		int nfd = openat(cur, p, f | O_NOFOLLOW | O_CLOEXEC);
		int e = errno;
		close(cur);
		errno = e;
		cur = nfd;
		p = next;
	}
	return cur;
}

int agent_files_open(agent *a, const char *path, int flags, char *msg, size_t len)
{
	char buf[PATH_MAX + 1];
	const char *parts[MAX_PARTS];
	size_t n, used;
	/* A real path must be the work_dir's; a virtual one starts at
	 * /frameworks. Anything else is no sandbox's. */
	size_t wlen = strlen(a->work_dir);
	const char *rest = path;
	if (strncmp(path, a->work_dir, wlen) == 0 && path[wlen] == '/')
		rest = path + wlen;
	else if (path[0] != '/' || strncmp(path, "/frameworks/", 12) != 0) {
		snprintf(msg, len, "Path not found: it is in no task's sandbox");
		errno = ENOENT;
		return -404;
	}
	int rc = split(rest, buf, sizeof buf, parts, &n, msg, len);
	if (rc)
		return -rc;
	char rel[PATH_MAX];
	if (find_sandbox(a, parts, n, rel, sizeof rel, &used) != 0) {
		snprintf(msg, len, "Path not found: it is in no task's sandbox");
		return -404;
	}
	/* The sandbox itself: no symlink on the way from work_dir. */
	int root = open(a->work_dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	int sb = root < 0 ? -1 : open_beneath(root, rel, O_PATH | O_DIRECTORY | O_NOFOLLOW, RESOLVE_NO_SYMLINKS);
	if (root >= 0)
		close(root);
	if (sb < 0) {
		snprintf(msg, len, "Path not found: no such sandbox");
		return -404;
	}
	char inner[PATH_MAX] = ".";
	size_t o = 0;
	for (size_t i = used; i < n; i++) {
		int w = snprintf(inner + o, sizeof inner - o, "%s%s", o ? "/" : "", parts[i]);
		if (w < 0 || (size_t)w >= sizeof inner - o) {
			close(sb);
			snprintf(msg, len, "Path is too long");
			return -400;
		}
		o += (size_t)w;
	}
	/* Mesos's ACL access_sandboxes, before anything in it is opened: the
	 * sandbox's user is its owner (the task's user with --switch_user). */
	struct stat sbst;
	char why[200];
	const char *denied = fstat(sb, &sbst) == 0 ? agent_may_access_sandbox(a, sbst.st_uid, why, sizeof why)
	                                           : "Cannot check the sandbox's owner";
	if (denied) {
		close(sb);
		snprintf(msg, len, "%s", denied);
		return -403;
	}
	int fd = open_beneath(sb, inner, flags, RESOLVE_NO_MAGICLINKS);
	int e = errno;
	close(sb);
	if (fd >= 0)
		return fd;
	if (e == EXDEV || e == ELOOP) {
		snprintf(msg, len, "Path leads out of its sandbox (or through a symbolic link loop)");
		return -403;
	}
	if (e == ENOENT || e == ENOTDIR) {
		snprintf(msg, len, "Path not found");
		return -404;
	}
	snprintf(msg, len, "Cannot open the path: %s", strerror(e));
	return -500;
}

/* ------------------------------------------------------------- listings */

static char *name_of_uid(uid_t uid, char *buf, size_t len)
{
	struct passwd pw, *res = NULL;
	char tmp[1024];
	if (getpwuid_r(uid, &pw, tmp, sizeof tmp, &res) == 0 && res)
		snprintf(buf, len, "%s", res->pw_name);
	else
		snprintf(buf, len, "%u", (unsigned)uid);
	return buf;
}

static char *name_of_gid(gid_t gid, char *buf, size_t len)
{
	struct group gr, *res = NULL;
	char tmp[1024];
	if (getgrgid_r(gid, &gr, tmp, sizeof tmp, &res) == 0 && res)
		snprintf(buf, len, "%s", res->gr_name);
	else
		snprintf(buf, len, "%u", (unsigned)gid);
	return buf;
}

static Mesos__V1__FileInfo *file_info(rt_arena *a, const char *path, const struct stat *st)
{
	Mesos__V1__FileInfo *f = rt_arena_alloc(a, sizeof *f);
	mesos__v1__file_info__init(f);
	f->path = rt_arena_strdup(a, path);
	f->has_nlink = true;
	f->nlink = (int32_t)st->st_nlink;
	f->has_size = true;
	f->size = (uint64_t)st->st_size;
	f->mtime = rt_opview_time(a, (double)st->st_mtim.tv_sec + (double)st->st_mtim.tv_nsec / 1e9);
	f->has_mode = true;
	f->mode = (uint32_t)st->st_mode;
	char name[64];
	f->uid = rt_arena_strdup(a, name_of_uid(st->st_uid, name, sizeof name));
	f->gid = rt_arena_strdup(a, name_of_gid(st->st_gid, name, sizeof name));
	return f;
}

int agent_files_list(agent *a, const char *path, rt_arena *ar, Mesos__V1__FileInfo ***out, size_t *n, char *msg,
                     size_t len)
{
	*out = NULL;
	*n = 0;
	int fd = agent_files_open(a, path, O_RDONLY | O_NONBLOCK, msg, len);
	if (fd < 0)
		return -fd;
	struct stat st;
	if (fstat(fd, &st) != 0) {
		close(fd);
		snprintf(msg, len, "Cannot stat the path: %s", strerror(errno));
		return 500;
	}
	if (!S_ISDIR(st.st_mode)) {
		/* A file: its own entry, as Mesos lists it. */
		*out = rt_arena_alloc(ar, sizeof **out);
		(*out)[(*n)++] = file_info(ar, path, &st);
		close(fd);
		return 0;
	}
	DIR *d = fdopendir(fd);
	if (!d) {
		close(fd);
		snprintf(msg, len, "Cannot list the folder: %s", strerror(errno));
		return 500;
	}
	size_t cap = 16;
	*out = rt_arena_alloc(ar, cap * sizeof **out);
	struct dirent *e;
	size_t plen = strlen(path);
	while (plen > 1 && path[plen - 1] == '/')
		plen--;
	while ((e = readdir(d))) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		struct stat es;
		if (fstatat(dirfd(d), e->d_name, &es, AT_SYMLINK_NOFOLLOW) != 0)
			continue;
		if (*n == cap) {
			Mesos__V1__FileInfo **grown = rt_arena_alloc(ar, 2 * cap * sizeof *grown);
			memcpy(grown, *out, cap * sizeof *grown);
			*out = grown;
			cap *= 2;
		}
		char full[PATH_MAX + 256];
		snprintf(full, sizeof full, "%.*s/%s", (int)plen, path, e->d_name);
		(*out)[(*n)++] = file_info(ar, full, &es);
	}
	closedir(d);
	return 0;
}

/* A regular file of a sandbox, opened for reading; its size. */
static int open_file(agent *a, const char *path, int64_t *size, char *msg, size_t len, int *status)
{
	int fd = agent_files_open(a, path, O_RDONLY | O_NONBLOCK, msg, len);
	if (fd < 0) {
		*status = -fd;
		return -1;
	}
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		*status = 400;
		snprintf(msg, len,
		         S_ISDIR(st.st_mode) ? "Cannot read a directory" : "Cannot read a file that is not regular");
		close(fd);
		return -1;
	}
	*size = st.st_size;
	return fd;
}

int agent_files_read(agent *a, const char *path, int64_t offset, int64_t length, rt_arena *ar, uint8_t **data,
                     size_t *n, int64_t *size, char *msg, size_t len)
{
	int status = 0;
	*data = NULL;
	*n = 0;
	int fd = open_file(a, path, size, msg, len, &status);
	if (fd < 0)
		return status;
	if (offset >= *size || length == 0) {
		close(fd);
		return 0;
	}
	int64_t want = *size - offset;
	if (length > 0 && length < want)
		want = length;
	if (want > READ_MAX)
		want = READ_MAX;
	*data = rt_arena_alloc(ar, (size_t)want);
	ssize_t got = pread(fd, *data, (size_t)want, offset);
	close(fd);
	if (got < 0) {
		snprintf(msg, len, "Cannot read the file: %s", strerror(errno));
		return 500;
	}
	*n = (size_t)got;
	return 0;
}

/* ------------------------------------------------------------------ HTTP */

/* The value of a numeric query parameter: 0 (absent: *v unchanged), 1, or
 * -1 (not an integer). */
static int query_int(const rt_http_request *req, const char *key, int64_t *v)
{
	char text[32];
	int rc = rt_api_form_get(req->query, strlen(req->query), key, text, sizeof text);
	if (rc <= 0)
		return rc;
	char *end;
	errno = 0;
	long long x = strtoll(text, &end, 10);
	if (errno || end == text || *end)
		return -1;
	*v = x;
	return 1;
}

/* A JSON string of the bytes, each one that is not part of valid UTF-8
 * (or a NUL) replaced by U+FFFD. */
static json_t *utf8_string(rt_arena *ar, const uint8_t *data, size_t n)
{
	char *out = rt_arena_alloc(ar, 3 * n + 1);
	size_t o = 0;
	for (size_t i = 0; i < n;) {
		size_t k = data[i] ? rt_utf8_seq(data + i, n - i) : 0; /* a NUL is replaced too */
		if (k) {
			memcpy(out + o, data + i, k);
			o += k;
			i += k;
		} else {
			memcpy(out + o, "\xef\xbf\xbd", 3);
			o += 3;
			i++;
		}
	}
	json_t *j = json_stringn(out, o);
	return j ? j : json_string("");
}

static void refuse(rt_http_session *s, int status, const char *what, const char *msg)
{
	rt_api_refuse(s, status, what, msg);
}

static void reply_json(rt_http_session *s, json_t *root)
{
	char *out = json_dumps(root, JSON_COMPACT | JSON_ENSURE_ASCII);
	json_decref(root);
	/* The web UI is the master's page: it reads sandboxes from the agent's
	 * own address, so the answer must be readable cross-origin. */
	rt_http_reply(s, 200, "application/json", out, strlen(out), "Access-Control-Allow-Origin: *\r\n");
	free(out);
}

/* Mesos's browse entry: mode as `ls -l` writes it, mtime in seconds. */
static json_t *browse_entry(const Mesos__V1__FileInfo *f)
{
	static const char rwx[] = "rwxrwxrwx";
	char mode[11];
	mode_t m = f->mode;
	mode[0] = S_ISDIR(m)    ? 'd'
	          : S_ISCHR(m)  ? 'c'
	          : S_ISBLK(m)  ? 'b'
	          : S_ISFIFO(m) ? 'p'
	          : S_ISLNK(m)  ? 'l'
	          : S_ISSOCK(m) ? 's'
	                        : '-';
	for (int i = 0; i < 9; i++)
		mode[1 + i] = (m & (1u << (8 - i))) ? rwx[i] : '-';
	mode[10] = '\0';
	json_t *j = json_object();
	json_object_set_new(j, "path", json_string(f->path));
	json_object_set_new(j, "nlink", json_integer(f->nlink));
	json_object_set_new(j, "size", json_integer((json_int_t)f->size));
	json_object_set_new(j, "mtime", json_real((double)f->mtime->nanoseconds / 1e9));
	json_object_set_new(j, "mode", json_string(mode));
	json_object_set_new(j, "uid", json_string(f->uid));
	json_object_set_new(j, "gid", json_string(f->gid));
	return j;
}

/* /files/download of any size: the file (its size when asked) in chunks,
 * read as the peer takes them (at most DOWNLOAD_AHEAD waiting), so a large
 * stdout costs neither the agent's memory nor its loop. */
typedef struct download {
	struct ev_loop *loop;
	rt_http_session *s;
	ev_timer again; /* the next turn's chunks, when the peer took all at once */
	int fd;
	int64_t off, size;
} download;

#define DOWNLOAD_CHUNK (64 * 1024)
#define DOWNLOAD_AHEAD (1024 * 1024)
#define DOWNLOAD_TURN  (16 * DOWNLOAD_CHUNK) /* read per turn of the loop, at most */

static void download_free(download *d)
{
	ev_timer_stop(d->loop, &d->again);
	close(d->fd);
	free(d);
}

static void download_pump(rt_http_session *s, void *ud);

static void download_again(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop;
	(void)revents;
	download *d = w->data;
	download_pump(d->s, d);
}

static void download_closed(rt_http_session *s, void *ud)
{
	(void)s;
	download_free(ud);
}

static void download_pump(rt_http_session *s, void *ud)
{
	download *d = ud;
	static uint8_t buf[DOWNLOAD_CHUNK];
	bool done = false;
	int64_t turn = 0;
	while (!done && rt_http_session_pending(s) < DOWNLOAD_AHEAD) {
		if (turn >= DOWNLOAD_TURN) {
			/* The loop has other work: go on at its next turn. */
			ev_timer_set(&d->again, 0., 0.);
			ev_timer_start(d->loop, &d->again);
			return;
		}
		int64_t want = d->size - d->off < DOWNLOAD_CHUNK ? d->size - d->off : DOWNLOAD_CHUNK;
		ssize_t n = want > 0 ? pread(d->fd, buf, (size_t)want, d->off) : 0;
		if (n <= 0) {
			done = true; /* the end (or a read error: the answer is cut short) */
			break;
		}
		int rc = rt_http_stream_send(s, buf, (size_t)n);
		if (rc == RT_HTTP_FULL)
			return; /* resumed by the drain hook */
		if (rc != 0)
			return; /* closing: the close hook frees d */
		d->off += n;
		turn += n;
	}
	if (!done)
		return; /* resumed by the drain hook */
	rt_http_session_on_close(s, NULL, NULL);
	rt_http_session_on_drain(s, NULL, NULL);
	download_free(d);
	rt_http_stream_end(s);
}

void agent_files_http(agent *a, rt_http_session *s, const rt_http_request *req)
{
	const char *what = req->path;
	if (strcmp(req->method, "GET") != 0 && strcmp(req->method, "HEAD") != 0) {
		rt_http_reply(s, 405, "text/plain; charset=utf-8", "Expecting GET\n", 14, "Allow: GET\r\n");
		return;
	}
	char path[PATH_MAX + 1], msg[400];
	int got = rt_api_form_get(req->query, strlen(req->query), "path", path, sizeof path);
	if (got <= 0 || !path[0]) {
		refuse(s, 400, what,
		       got < 0 ? "Path is too long or holds a NUL byte" : "Expecting 'path=value' in query.");
		return;
	}
	const char *op = req->path + strlen("/files/");
	if (strcmp(op, "browse") == 0 || strcmp(op, "browse.json") == 0) {
		rt_arena *ar = rt_arena_create();
		Mesos__V1__FileInfo **files;
		size_t n;
		int rc = agent_files_list(a, path, ar, &files, &n, msg, sizeof msg);
		if (rc) {
			refuse(s, rc, what, msg);
		} else {
			json_t *arr = json_array();
			for (size_t i = 0; i < n; i++)
				json_array_append_new(arr, browse_entry(files[i]));
			reply_json(s, arr);
		}
		rt_arena_destroy(ar);
		return;
	}
	if (strcmp(op, "read") == 0 || strcmp(op, "read.json") == 0) {
		/* Mesos: offset -1 (the default) asks for the size alone;
		 * length -1 is no length. */
		int64_t offset = -1, length = -1;
		int ro = query_int(req, "offset", &offset), rl = query_int(req, "length", &length);
		if (ro < 0 || rl < 0) {
			refuse(s, 400, what, ro < 0 ? "Failed to parse offset" : "Failed to parse length");
			return;
		}
		if (offset < -1 || length < -1) {
			snprintf(msg, sizeof msg, "Negative %s provided: %lld.", offset < -1 ? "offset" : "length",
			         (long long)(offset < -1 ? offset : length));
			refuse(s, 400, what, msg);
			return;
		}
		rt_arena *ar = rt_arena_create();
		uint8_t *data;
		size_t n;
		int64_t size;
		int rc = agent_files_read(a, path, offset < 0 ? 0 : offset, offset < 0 ? 0 : length, ar, &data, &n,
		                          &size, msg, sizeof msg);
		if (rc) {
			refuse(s, rc, what, msg);
		} else {
			json_t *j = json_object();
			json_object_set_new(j, "offset", json_integer(offset < 0 ? size : offset));
			/* Mesos sends the bytes as a JSON string; jansson wants UTF-8,
			 * so other bytes (a binary file, a read that splits a
			 * character) become U+FFFD here. */
			json_t *str = utf8_string(ar, data, n);
			json_object_set_new(j, "data", str);
			reply_json(s, j);
		}
		rt_arena_destroy(ar);
		return;
	}
	if (strcmp(op, "download") == 0 || strcmp(op, "download.json") == 0) {
		int64_t size;
		int status = 0;
		int fd = open_file(a, path, &size, msg, sizeof msg, &status);
		if (fd < 0) {
			refuse(s, status, what, msg);
			return;
		}
		const char *base = strrchr(path, '/');
		char hdr[600], safe[300];
		size_t o = 0;
		for (const char *p = base ? base + 1 : path; *p && o + 1 < sizeof safe; p++)
			safe[o++] = (*p >= 0x20 && *p < 0x7f && *p != '"' && *p != '\\') ? *p : '_';
		safe[o] = '\0';
		snprintf(hdr, sizeof hdr,
		         "Content-Disposition: attachment; filename=\"%s\"\r\nAccess-Control-Allow-Origin: *\r\n",
		         safe);
		download *d = rt_xcalloc(1, sizeof *d);
		d->loop = a->loop;
		d->s = s;
		ev_timer_init(&d->again, download_again, 0., 0.);
		d->again.data = d;
		d->fd = fd;
		d->size = size;
		rt_http_stream_start(s, 200, "application/octet-stream", hdr);
		rt_http_session_on_close(s, download_closed, d);
		rt_http_session_on_drain(s, download_pump, d);
		download_pump(s, d);
		return;
	}
	snprintf(msg, sizeof msg, "No such endpoint: %.200s", req->path);
	rt_http_reply_text(s, 404, msg);
}
