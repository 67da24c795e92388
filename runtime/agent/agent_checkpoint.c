/*
 * agent_checkpoint.c — what the agent keeps on disk to survive its own
 * restart: its id (work_dir/meta/agent), each task
 * (work_dir/meta/tasks/<framework>/<name>.task: TaskInfo, state, sandbox,
 * supervisor and task pids with their start times, cgroups, its executor
 * and unacknowledged updates), each custom executor
 * (work_dir/meta/executors/<framework>/<executor>-<container>.executor:
 * ExecutorInfo, FrameworkInfo, sandbox, supervisor and executor pids) and,
 * written by a supervisor, the exit record of its task or executor (the
 * same name, .exit). A file is a header and a protobuf message,
 * written to a temporary file, fsync'd and renamed over the old one, so a
 * reader finds the old version or the new one, never a mix; the CRC catches
 * what the disk or an operator damaged. agent_recover.c reads them back.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent.h"

#define MAGIC      "MESOCKP1"
#define HEADER_LEN 20          /* magic, kind, length, CRC-32: big-endian */
#define MAX_FILE   (64u << 20) /* a TaskInfo and updates of 4 MiB frames fit */

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16), p[2] = (uint8_t)(v >> 8), p[3] = (uint8_t)v;
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

void agent_ckpt_pack(uint32_t kind, const ProtobufCMessage *msg, rt_buf *out)
{
	size_t n = protobuf_c_message_get_packed_size(msg);
	uint8_t *body = rt_xmalloc(n ? n : 1);
	protobuf_c_message_pack(msg, body);
	uint8_t h[HEADER_LEN];
	memcpy(h, MAGIC, 8);
	put32(h + 8, kind);
	put32(h + 12, (uint32_t)n);
	put32(h + 16, agent_crc32(body, n));
	rt_buf_append(out, h, sizeof h);
	rt_buf_append(out, body, n);
	free(body);
}

ProtobufCMessage *agent_ckpt_unpack(const uint8_t *data, size_t len, uint32_t kind,
                                    const ProtobufCMessageDescriptor *desc, char *why, size_t whylen)
{
	if (len < HEADER_LEN) {
		snprintf(why, whylen, "truncated: %zu bytes, shorter than the %d-byte header", len, HEADER_LEN);
		return NULL;
	}
	if (memcmp(data, MAGIC, 8) != 0) {
		snprintf(why, whylen, "not a checkpoint (bad magic)");
		return NULL;
	}
	if (get32(data + 8) != kind) {
		snprintf(why, whylen, "checkpoint of kind %u where kind %u was expected", get32(data + 8), kind);
		return NULL;
	}
	uint32_t n = get32(data + 12);
	if ((size_t)n != len - HEADER_LEN) {
		snprintf(why, whylen, "truncated or extended: the header announces %u bytes, %zu follow", n,
		         len - HEADER_LEN);
		return NULL;
	}
	if (agent_crc32(data + HEADER_LEN, n) != get32(data + 16)) {
		snprintf(why, whylen, "CRC-32 mismatch: the contents are damaged");
		return NULL;
	}
	ProtobufCMessage *m = protobuf_c_message_unpack(desc, NULL, n, data + HEADER_LEN);
	if (!m)
		snprintf(why, whylen, "the message does not decode");
	return m;
}

static bool all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

int agent_ckpt_last_record(const uint8_t *data, size_t len, uint32_t kind, size_t *off, size_t *used, bool *torn,
                           char *why, size_t whylen)
{
	/* Records are appended: the last whole one is the file's state. What
	 * follows it may be a write cut short by a crash (a partial header, a
	 * record that runs to the end of the file and fails its CRC, zeros
	 * where the file grew but its data never reached the disk): ignored.
	 * Anything else wrong is damage, and the file is refused. */
	size_t pos = 0, count = 0;
	bool have = false;
	*torn = false;
	while (pos < len) {
		size_t left = len - pos;
		bool tail = have && (left < HEADER_LEN || all_zero(data + pos, left));
		if (!tail && left >= HEADER_LEN && have && memcmp(data + pos, MAGIC, 8) == 0 &&
		    get32(data + pos + 8) == kind && (size_t)get32(data + pos + 12) >= left - HEADER_LEN)
			tail = (size_t)get32(data + pos + 12) > left - HEADER_LEN ||
			       agent_crc32(data + pos + HEADER_LEN, left - HEADER_LEN) != get32(data + pos + 16);
		if (tail) {
			*torn = true;
			break;
		}
		count++;
		if (left < HEADER_LEN) {
			snprintf(why, whylen, "truncated: %zu bytes, shorter than the %d-byte header", left,
			         HEADER_LEN);
			return -1;
		}
		if (memcmp(data + pos, MAGIC, 8) != 0) {
			snprintf(why, whylen, "not a checkpoint (bad magic in record %zu)", count);
			return -1;
		}
		if (get32(data + pos + 8) != kind) {
			snprintf(why, whylen, "checkpoint of kind %u where kind %u was expected", get32(data + pos + 8),
			         kind);
			return -1;
		}
		uint32_t n = get32(data + pos + 12);
		if ((size_t)n > left - HEADER_LEN) {
			snprintf(why, whylen, "truncated or extended: the header announces %u bytes, %zu follow", n,
			         left - HEADER_LEN);
			return -1;
		}
		if (agent_crc32(data + pos + HEADER_LEN, n) != get32(data + pos + 16)) {
			snprintf(why, whylen, "CRC-32 mismatch in record %zu: the contents are damaged", count);
			return -1;
		}
		*off = pos;
		have = true;
		pos += HEADER_LEN + n;
	}
	if (!have) {
		snprintf(why, whylen, "truncated: 0 bytes, shorter than the %d-byte header", HEADER_LEN);
		return -1;
	}
	*used = pos;
	return 0;
}

/* Writes PATH.tmp; fsync'd when sync. 0, or -1 with errno and why. */
static int write_tmp(const char *path, const uint8_t *data, size_t len, bool sync, char *why, size_t whylen)
{
	char tmp[PATH_MAX + 8];
	if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp) {
		snprintf(why, whylen, "path too long");
		errno = ENAMETOOLONG;
		return -1;
	}
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		snprintf(why, whylen, "open %s: %s", tmp, strerror(errno));
		return -1;
	}
	if (agent_write_all(fd, data, len) != 0 || (sync && fsync(fd) != 0)) {
		int e = errno;
		snprintf(why, whylen, "write %s: %s", tmp, strerror(e));
		close(fd);
		unlink(tmp);
		errno = e;
		return -1;
	}
	close(fd);
	return 0;
}

/* Renames PATH.tmp over PATH; *created: PATH is new (its folder must be
 * synced for it to exist after a crash; a replaced file needs no folder
 * sync: the old or the new version is there). */
static int commit_tmp(const char *path, bool *created, char *why, size_t whylen)
{
	char tmp[PATH_MAX + 8];
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	*created = access(path, F_OK) != 0;
	if (rename(tmp, path) != 0) {
		int e = errno;
		snprintf(why, whylen, "rename %s: %s", tmp, strerror(e));
		unlink(tmp);
		errno = e;
		return -1;
	}
	return 0;
}

int agent_ckpt_write_file(const char *path, const uint8_t *data, size_t len, char *why, size_t whylen)
{
	bool created;
	if (write_tmp(path, data, len, true, why, whylen) != 0 || commit_tmp(path, &created, why, whylen) != 0)
		return -1;
	if (!created)
		return 0;
	char dir[PATH_MAX];
	snprintf(dir, sizeof dir, "%s", path);
	char *slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dfd >= 0) {
			fsync(dfd);
			close(dfd);
		}
	}
	return 0;
}

int agent_ckpt_read_file(const char *path, rt_buf *out, char *why, size_t whylen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(why, whylen, "open: %s", strerror(errno));
		return -1;
	}
	uint8_t chunk[65536];
	ssize_t n;
	while ((n = read(fd, chunk, sizeof chunk)) > 0) {
		if (out->len + (size_t)n > MAX_FILE) {
			snprintf(why, whylen, "larger than %u bytes", MAX_FILE);
			close(fd);
			return -1;
		}
		rt_buf_append(out, chunk, (size_t)n);
	}
	int e = errno;
	close(fd);
	if (n < 0) {
		snprintf(why, whylen, "read: %s", strerror(e));
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------- task checkpoints */

void agent_task_ckpt_free(agent_task_ckpt *c)
{
	if (c->msg)
		protobuf_c_message_free_unpacked(&c->msg->base, NULL);
	for (size_t i = 0; i < c->n_updates; i++)
		free(c->updates[i].frame);
	free(c->updates);
	free(c->task_id);
	memset(c, 0, sizeof *c);
}

int agent_task_ckpt_decode(const uint8_t *data, size_t len, agent_task_ckpt *c, char *why, size_t whylen)
{
	memset(c, 0, sizeof *c);
	size_t off = 0, used = 0;
	bool torn = false;
	if (agent_ckpt_last_record(data, len, AGENT_CKPT_TASK, &off, &used, &torn, why, whylen) != 0)
		return -1;
	c->used = used;
	c->torn = torn;
	c->msg = (Meso__Agent__TaskCheckpoint *)agent_ckpt_unpack(
	        data + off, HEADER_LEN + get32(data + off + 12), AGENT_CKPT_TASK,
	        &meso__agent__task_checkpoint__descriptor, why, whylen);
	if (!c->msg)
		return -1;
	Meso__Agent__TaskCheckpoint *m = c->msg;
	Mesos__V1__TaskInfo *ti = mesos__v1__task_info__unpack(NULL, m->task_info.len, m->task_info.data);
	if (!ti) {
		snprintf(why, whylen, "its TaskInfo does not decode");
		goto bad;
	}
	c->task_id = rt_xstrdup(ti->task_id->value);
	mesos__v1__task_info__free_unpacked(ti, NULL);
	if (!m->framework_id[0] || !c->task_id[0]) {
		snprintf(why, whylen, "empty framework or task id");
		goto bad;
	}
	if (m->sandbox[0] != '/') {
		snprintf(why, whylen, "sandbox '%.200s' is not an absolute path", m->sandbox);
		goto bad;
	}
	if ((m->has_supervisor_pid && m->supervisor_pid < 0) || (m->has_pid && m->pid < 0) ||
	    (m->has_pid && m->pid == 1) || (m->has_supervisor_pid && m->supervisor_pid == 1)) {
		snprintf(why, whylen, "impossible pid");
		goto bad;
	}
	c->updates = rt_xcalloc(m->n_updates ? m->n_updates : 1, sizeof *c->updates);
	for (size_t i = 0; i < m->n_updates; i++) {
		Meso__Agent__AgentMessage *am =
		        meso__agent__agent_message__unpack(NULL, m->updates[i].len, m->updates[i].data);
		bool ok = am && am->type == MESO__AGENT__AGENT_MESSAGE__TYPE__STATUS_UPDATE && am->status_update &&
		          am->status_update->status->has_uuid && am->status_update->status->uuid.len == 16 &&
		          strcmp(am->status_update->status->task_id->value, c->task_id) == 0;
		if (ok) {
			agent_ckpt_update *u = &c->updates[c->n_updates++];
			memcpy(u->uuid, am->status_update->status->uuid.data, 16);
			u->state = am->status_update->status->state;
			u->len = m->updates[i].len;
			u->frame = rt_xmalloc(u->len);
			memcpy(u->frame, m->updates[i].data, u->len);
		}
		if (am)
			meso__agent__agent_message__free_unpacked(am, NULL);
		if (!ok) {
			snprintf(why, whylen, "unacknowledged update %zu is not a status update of this task", i);
			goto bad;
		}
	}
	return 0;
bad:
	agent_task_ckpt_free(c);
	return -1;
}

/* --------------------------------------------------- executor checkpoints */

Meso__Agent__ExecutorCheckpoint *agent_executor_ckpt_decode(const uint8_t *data, size_t len, char *why, size_t whylen)
{
	Meso__Agent__ExecutorCheckpoint *m = (Meso__Agent__ExecutorCheckpoint *)agent_ckpt_unpack(
	        data, len, AGENT_CKPT_EXECUTOR, &meso__agent__executor_checkpoint__descriptor, why, whylen);
	if (!m)
		return NULL;
	Mesos__V1__ExecutorInfo *ei =
	        mesos__v1__executor_info__unpack(NULL, m->executor_info.len, m->executor_info.data);
	bool id_ok = ei && ei->executor_id->value[0];
	if (ei)
		mesos__v1__executor_info__free_unpacked(ei, NULL);
	Mesos__V1__FrameworkInfo *fi =
	        m->has_framework_info
	                ? mesos__v1__framework_info__unpack(NULL, m->framework_info.len, m->framework_info.data)
	                : NULL;
	bool fi_ok = !m->has_framework_info || fi;
	if (fi)
		mesos__v1__framework_info__free_unpacked(fi, NULL);
	if (!id_ok)
		snprintf(why, whylen, "its ExecutorInfo does not decode or has an empty executor id");
	else if (!fi_ok)
		snprintf(why, whylen, "its FrameworkInfo does not decode");
	else if (!m->framework_id[0] || !m->container_id[0] || strlen(m->container_id) > 36)
		snprintf(why, whylen, "empty framework id, or a container id that is empty or too long");
	else if (m->sandbox[0] != '/')
		snprintf(why, whylen, "sandbox '%.200s' is not an absolute path", m->sandbox);
	else if ((m->has_supervisor_pid && m->supervisor_pid <= 1) || (m->has_pid && m->pid <= 1))
		snprintf(why, whylen, "impossible pid");
	else
		return m;
	meso__agent__executor_checkpoint__free_unpacked(m, NULL);
	return NULL;
}

/* ---------------------------------------------------- the agent's files */

static void log_write_failure(agent *a, const char *what, const char *why)
{
	a->metrics.checkpoint_failures++;
	/* A full disk fails every write: one line per 10 s is enough. */
	int64_t now = rt_mono_ns();
	if (now - a->ckpt_warned_ns >= (int64_t)10e9 || a->ckpt_warned_ns == 0) {
		a->ckpt_warned_ns = now;
		rt_log(RT_ERROR,
		       "cannot checkpoint %s: %s (%llu checkpoint failures so far; the state is kept in "
		       "memory and written again at its next change)",
		       what, why, (unsigned long long)a->metrics.checkpoint_failures);
	}
}

/* Writes with one retry after releasing the disk reserve on ENOSPC. */
static int write_with_reserve(agent *a, const char *path, const rt_buf *b, const char *what)
{
	char why[PATH_MAX + 64];
	if (agent_ckpt_write_file(path, b->data, b->len, why, sizeof why) == 0)
		return 0;
	if ((errno == ENOSPC || errno == EDQUOT) && agent_gc_release_reserve(a) &&
	    agent_ckpt_write_file(path, b->data, b->len, why, sizeof why) == 0)
		return 0;
	log_write_failure(a, what, why);
	return -1;
}

void agent_checkpoint_agent(agent *a)
{
	if (!a->id)
		return;
	Meso__Agent__AgentCheckpoint c = MESO__AGENT__AGENT_CHECKPOINT__INIT;
	c.agent_id = a->id;
	c.boot_id = a->boot_id;
	rt_buf b;
	rt_buf_init(&b);
	agent_ckpt_pack(AGENT_CKPT_AGENT, &c.base, &b);
	char path[PATH_MAX + 16];
	snprintf(path, sizeof path, "%s/meta/agent", a->work_dir);
	write_with_reserve(a, path, &b, "the agent id");
	rt_buf_free(&b);
}

/* Sets path to work_dir/meta/KIND/<framework>/<leaf><suffix> and makes
 * the folder. 0, or -1 with path "". */
static int ckpt_path(agent *a, const char *kind, const char *fw_id, const char *leaf, const char *suffix, char *path,
                     size_t len)
{
	char fw[128], dir[PATH_MAX];
	agent_sanitize(fw_id, fw, sizeof fw);
	if (snprintf(dir, sizeof dir, "%s/meta/%s/%s", a->work_dir, kind, fw) >= (int)sizeof dir ||
	    snprintf(path, len, "%s/%s%s", dir, leaf, suffix) >= (int)len ||
	    (mkdir(dir, 0755) != 0 && errno != EEXIST && rt_mkdirs(dir) != 0)) {
		path[0] = '\0';
		return -1;
	}
	return 0;
}

int agent_checkpoint_task_path(agent *a, a_task *t, const char *leaf)
{
	if (!leaf) {
		leaf = strrchr(t->sandbox, '/');
		if (!leaf)
			return -1;
		leaf++;
	}
	return ckpt_path(a, "tasks", t->fw_id, leaf, ".task", t->ckpt, sizeof t->ckpt);
}

int agent_checkpoint_executor_path(agent *a, a_executor *e)
{
	char leaf[200];
	agent_sanitize(e->id, leaf, 150);
	size_t n = strlen(leaf);
	snprintf(leaf + n, sizeof leaf - n, "-%s", e->container_id);
	return ckpt_path(a, "executors", e->fw_id, leaf, ".executor", e->ckpt, sizeof e->ckpt);
}

void agent_exit_record_path(const char *ckpt, char *out, size_t len)
{
	const char *dot = strrchr(ckpt, '.');
	size_t n = dot ? (size_t)(dot - ckpt) : 0;
	if (!dot || n + 6 > len) {
		out[0] = '\0';
		return;
	}
	memcpy(out, ckpt, n);
	memcpy(out + n, ".exit", 6);
}

int agent_exit_record_read(const char *path, agent_exit_record *r)
{
	char why[128];
	rt_buf b;
	rt_buf_init(&b);
	int got = -1;
	if (path[0] && agent_ckpt_read_file(path, &b, why, sizeof why) == 0)
		got = agent_exit_record_parse((const char *)b.data, b.len, r, why, sizeof why);
	rt_buf_free(&b);
	return got;
}

static void pack_task(agent *a, a_task *t, rt_buf *b)
{
	Meso__Agent__TaskCheckpoint c = MESO__AGENT__TASK_CHECKPOINT__INIT;
	c.framework_id = t->fw_id;
	c.task_info.data = t->info;
	c.task_info.len = t->info_len;
	c.state = t->state;
	c.agent_id = a->id;
	c.boot_id = a->boot_id;
	c.sandbox = t->sandbox;
	c.has_supervisor_pid = c.has_supervisor_start = c.has_pid = c.has_pid_start = true;
	c.supervisor_pid = t->sup_pid;
	c.supervisor_start = t->sup_start;
	c.pid = t->pid;
	c.pid_start = t->pid_start;
	c.cgroup_mem = t->cg_mem[0] ? t->cg_mem : NULL;
	c.cgroup_cpu = t->cg_cpu[0] ? t->cg_cpu : NULL;
	c.has_kill_requested = true;
	c.kill_requested = t->kill_requested;
	if (t->exec) {
		c.executor_id = t->exec->id;
		c.has_launched = true;
		c.launched = t->launched;
	}
	if (t->group)
		c.group_executor_id = (char *)agent_group_executor_id(t->group);
	c.has_launch_group = t->launch_group != 0;
	c.launch_group = t->launch_group;
	c.has_launch_group_index = t->launch_group != 0;
	c.launch_group_index = t->launch_index;
	size_t n = 0;
	for (a_update *u = t->updates; u; u = u->next)
		n++;
	ProtobufCBinaryData *ups = rt_xcalloc(n ? n : 1, sizeof *ups);
	for (a_update *u = t->updates; u; u = u->next) {
		ups[c.n_updates].data = u->frame;
		ups[c.n_updates++].len = u->len;
	}
	c.updates = ups;
	agent_ckpt_pack(AGENT_CKPT_TASK, &c.base, b);
	free(ups);
}

/* Syncs the folders of the files of a batch that are new, so that their
 * names last (a replaced file needs none: the old or the new version is
 * there). A few folders (a batch is usually one framework's) are synced
 * each; more, with one syncfs. */
static void sync_new_names(agent *a, int meta_fd)
{
	enum { MAX_DIRS = 8 };
	char dirs[MAX_DIRS][PATH_MAX];
	size_t n = 0;
	for (a_task *t = a->tasks; t; t = t->next) {
		if (!t->ckpt_created)
			continue;
		t->ckpt_created = false;
		const char *slash = strrchr(t->ckpt, '/');
		size_t len = slash ? (size_t)(slash - t->ckpt) : 0;
		bool known = false;
		for (size_t i = 0; i < n && !known; i++)
			known = strlen(dirs[i]) == len && memcmp(dirs[i], t->ckpt, len) == 0;
		if (known || !len)
			continue;
		if (n == MAX_DIRS) {
			syncfs(meta_fd);
			for (a_task *u = t->next; u; u = u->next)
				u->ckpt_created = false;
			return;
		}
		memcpy(dirs[n], t->ckpt, len);
		dirs[n++][len] = '\0';
	}
	for (size_t i = 0; i < n; i++) {
		int dfd = open(dirs[i], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dfd >= 0) {
			fsync(dfd);
			close(dfd);
		}
	}
}

/* Up to this many files a batch is made durable file by file (fsync);
 * above, with one syncfs. A syncfs is one flush for any number of files,
 * but it also waits for everything else dirty on the filesystem (other
 * tasks' output): not worth it for a few. */
#define FSYNC_EACH_MAX 4

/* A task's file grows by a record per write until it is this long; the
 * next write then replaces it with one record (written aside, renamed). */
#define COMPACT_BYTES (64u << 10)

/* Appends a record to the task's file (made if new), fsync'd when sync. A
 * write that fails is cut off again, so that no partial record lies
 * before the next one. 0, or -1 with errno and why. */
static int append_record(a_task *t, const rt_buf *b, bool sync, char *why, size_t whylen)
{
	int fd = open(t->ckpt, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		snprintf(why, whylen, "open %s: %s", t->ckpt, strerror(errno));
		return -1;
	}
	if (agent_write_all(fd, b->data, b->len) != 0 || (sync && fsync(fd) != 0)) {
		int e = errno;
		snprintf(why, whylen, "write %s: %s", t->ckpt, strerror(e));
		if (ftruncate(fd, (off_t)t->ckpt_size) != 0)
			t->ckpt_rewrite = true;
		close(fd);
		errno = e;
		return -1;
	}
	close(fd);
	return 0;
}

void agent_checkpoint_tasks(agent *a)
{
	/* Group commit: every file of the batch is written and made durable
	 * together (each fsync'd, or one syncfs for all), then the folders of
	 * new files are synced. A write appends a record to the task's file, so
	 * that it costs no new file and no rename; a file grown past
	 * COMPACT_BYTES (or with a torn tail from a crash) is rewritten whole
	 * aside and renamed into place after the sync. A burst of launches
	 * costs about what one launch does. */
	char why[PATH_MAX + 64], what[300];
	size_t n = 0, dirty = 0;
	for (a_task *t = a->tasks; t; t = t->next)
		dirty += t->ckpt_dirty && t->ckpt[0] && t->info;
	bool each = dirty <= FSYNC_EACH_MAX;
	for (a_task *t = a->tasks; t; t = t->next) {
		t->ckpt_written = t->ckpt_renamed = false;
		if (!t->ckpt_dirty || !t->ckpt[0] || !t->info)
			continue;
		t->ckpt_dirty = false;
		rt_buf b;
		rt_buf_init(&b);
		pack_task(a, t, &b);
		bool whole = t->ckpt_rewrite || (t->ckpt_size && t->ckpt_size + b.len > COMPACT_BYTES);
		int rc = whole ? write_tmp(t->ckpt, b.data, b.len, each, why, sizeof why)
		               : append_record(t, &b, each, why, sizeof why);
		if (rc != 0 && (errno == ENOSPC || errno == EDQUOT) && agent_gc_release_reserve(a))
			rc = whole ? write_tmp(t->ckpt, b.data, b.len, each, why, sizeof why)
			           : append_record(t, &b, each, why, sizeof why);
		snprintf(what, sizeof what, "task %.100s of framework %.100s", t->id, t->fw_id);
		if (rc != 0) {
			rt_buf_free(&b);
			log_write_failure(a, what, why);
			continue;
		}
		t->ckpt_created = !whole && t->ckpt_size == 0;
		t->ckpt_size = whole ? b.len : t->ckpt_size + b.len;
		t->ckpt_renamed = whole;
		t->ckpt_written = true;
		rt_buf_free(&b);
		n++;
	}
	if (!n)
		return;
	char meta[PATH_MAX + 16];
	snprintf(meta, sizeof meta, "%s/meta", a->work_dir);
	int fd = open(meta, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || (!each && syncfs(fd) != 0)) {
		/* Not known to be on disk: rewritten files keep their old
		 * version; appended ones are written whole next time. */
		snprintf(why, sizeof why, "syncfs %s: %s", meta, strerror(errno));
		for (a_task *t = a->tasks; t; t = t->next) {
			if (t->ckpt_renamed) {
				char tmp[PATH_MAX + 8];
				snprintf(tmp, sizeof tmp, "%s.tmp", t->ckpt);
				unlink(tmp);
			}
			if (t->ckpt_written)
				t->ckpt_rewrite = true;
			t->ckpt_written = t->ckpt_renamed = false;
		}
		log_write_failure(a, "a batch of task checkpoints", why);
		if (fd >= 0)
			close(fd);
		return;
	}
	for (a_task *t = a->tasks; t; t = t->next) {
		if (!t->ckpt_written)
			continue;
		bool created;
		if (t->ckpt_renamed && commit_tmp(t->ckpt, &created, why, sizeof why) != 0) {
			snprintf(what, sizeof what, "task %.100s of framework %.100s", t->id, t->fw_id);
			log_write_failure(a, what, why);
			t->ckpt_rewrite = true;
			continue;
		}
		if (t->ckpt_renamed) {
			t->ckpt_rewrite = false;
			t->ckpt_created = created;
		}
		a->metrics.checkpoints_written++;
	}
	sync_new_names(a, fd);
	close(fd);
}

void agent_checkpoint_executor(agent *a, a_executor *e)
{
	if (!e->ckpt[0])
		return;
	Meso__Agent__ExecutorCheckpoint c = MESO__AGENT__EXECUTOR_CHECKPOINT__INIT;
	c.framework_id = e->fw_id;
	c.executor_info.data = e->info;
	c.executor_info.len = e->info_len;
	if (e->fw_info) {
		c.has_framework_info = true;
		c.framework_info.data = e->fw_info;
		c.framework_info.len = e->fw_info_len;
	}
	c.container_id = e->container_id;
	c.sandbox = e->sandbox;
	c.agent_id = a->id;
	c.boot_id = a->boot_id;
	c.has_supervisor_pid = c.has_supervisor_start = c.has_pid = c.has_pid_start = true;
	c.supervisor_pid = e->sup_pid;
	c.supervisor_start = e->sup_start;
	c.pid = e->pid;
	c.pid_start = e->pid_start;
	rt_buf b;
	rt_buf_init(&b);
	agent_ckpt_pack(AGENT_CKPT_EXECUTOR, &c.base, &b);
	char what[300];
	snprintf(what, sizeof what, "executor %.100s of framework %.100s", e->id, e->fw_id);
	if (write_with_reserve(a, e->ckpt, &b, what) == 0)
		a->metrics.checkpoints_written++;
	rt_buf_free(&b);
}

void agent_checkpoint_remove(char *ckpt)
{
	if (!ckpt[0])
		return;
	char exit_path[PATH_MAX];
	agent_exit_record_path(ckpt, exit_path, sizeof exit_path);
	unlink(ckpt);
	if (exit_path[0])
		unlink(exit_path);
	/* The framework's folder stays (making it again for the next task
	 * costs more); empty ones go at the next start. */
	ckpt[0] = '\0';
}
