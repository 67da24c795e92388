/*
 * agent_gc.c — the agent's disk: finished sandboxes are removed once they
 * are older than an age limit, Mesos's rule: gc_delay × max(0, 1 −
 * gc_disk_headroom − disk usage), checked every disk_watch_interval; so
 * they stay up to --gc_delay on an empty disk and go at once when usage
 * reaches 1 − headroom. A 1 MiB reserve file under meta/ is given up the
 * first time a checkpoint does not fit, so that the write can still be
 * made, and a collection runs at once.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "agent.h"

#define RESERVE_BYTES (1 << 20)

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	remove(path);
	return 0;
}

int agent_remove_tree(const char *path)
{
	struct stat st;
	if (lstat(path, &st) != 0)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISDIR(st.st_mode))
		return unlink(path);
	nftw(path, remove_one, 16, FTW_DEPTH | FTW_PHYS);
	return access(path, F_OK) == 0 ? -1 : 0;
}

static void reserve_path(const agent *a, char *out, size_t len)
{
	snprintf(out, len, "%s/meta/reserve", a->work_dir);
}

static void reserve_take(agent *a)
{
	char path[PATH_MAX + 16];
	reserve_path(a, path, sizeof path);
	int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return;
	a->reserve_held = posix_fallocate(fd, 0, RESERVE_BYTES) == 0 && fsync(fd) == 0;
	close(fd);
	if (!a->reserve_held)
		unlink(path);
}

static void sweep(agent *a, bool may_reserve);

bool agent_gc_release_reserve(agent *a)
{
	if (!a->reserve_held)
		return false;
	char path[PATH_MAX + 16];
	reserve_path(a, path, sizeof path);
	a->reserve_held = false;
	if (unlink(path) != 0)
		return false;
	rt_log(RT_ERROR,
	       "the disk of %s is full: released the agent's %d KiB reserve so that checkpoints can be "
	       "written; collecting finished sandboxes now",
	       a->work_dir, RESERVE_BYTES >> 10);
	sweep(a, false); /* not taking the reserve back at once */
	return true;
}

static int cmp_str(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* The newest modification of a sandbox: the folder's, or of its output. */
static time_t sandbox_mtime(const char *dir)
{
	struct stat st;
	time_t t = stat(dir, &st) == 0 ? st.st_mtime : 0;
	const char *files[] = {"stdout", "stderr"};
	for (int i = 0; i < 2; i++) {
		char p[PATH_MAX + 1024];
		snprintf(p, sizeof p, "%s/%s", dir, files[i]);
		if (stat(p, &st) == 0 && st.st_mtime > t)
			t = st.st_mtime;
	}
	return t;
}

typedef struct gc_pass {
	agent *a;
	const char **busy;
	size_t nbusy;
	time_t now;
	double max_age;
	int removed;
} gc_pass;

/* Every sandbox in dir (a tasks/ or runs/ folder) that no task or executor
 * uses and that is older than the limit goes. */
static void collect_in(gc_pass *g, const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char path[PATH_MAX + 300];
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		const char *key = path;
		if (bsearch(&key, g->busy, g->nbusy, sizeof *g->busy, cmp_str))
			continue;
		double age = difftime(g->now, sandbox_mtime(path));
		if (age < g->max_age)
			continue;
		if (agent_remove_tree(path) == 0) {
			g->removed++;
			g->a->metrics.sandboxes_collected++;
			rt_log(RT_INFO, "removed finished sandbox %s (unchanged for %.0f s; the limit is %.0f s)", path,
			       age, g->max_age);
		}
	}
	closedir(d);
	rmdir(dir); /* and its folder, once empty */
}

/* One pass; may_reserve: take the reserve back when there is room. */
static void sweep(agent *a, bool may_reserve)
{
	struct statvfs vfs;
	double usage = 0;
	if (statvfs(a->work_dir, &vfs) == 0 && vfs.f_blocks > 0)
		usage = 1.0 - (double)vfs.f_bavail / (double)vfs.f_blocks;
	double room = 1.0 - a->flags.gc_disk_headroom - usage;
	gc_pass g = {.a = a, .now = time(NULL), .max_age = a->flags.gc_delay * (room > 0 ? room : 0)};
	size_t n = 0;
	for (a_task *t = a->tasks; t; t = t->next)
		n++;
	for (a_executor *e = a->executors; e; e = e->next)
		n++;
	g.busy = rt_xcalloc(n ? n : 1, sizeof *g.busy);
	for (a_task *t = a->tasks; t; t = t->next)
		if (t->sandbox[0])
			g.busy[g.nbusy++] = t->sandbox;
	for (a_executor *e = a->executors; e; e = e->next)
		if (e->sandbox[0])
			g.busy[g.nbusy++] = e->sandbox;
	qsort(g.busy, g.nbusy, sizeof *g.busy, cmp_str);

	char fws[PATH_MAX + 16];
	snprintf(fws, sizeof fws, "%s/frameworks", a->work_dir);
	DIR *d = opendir(fws);
	struct dirent *f;
	while (d && (f = readdir(d))) {
		if (f->d_name[0] == '.')
			continue;
		char fw[PATH_MAX + 300], sub[PATH_MAX + 600];
		snprintf(fw, sizeof fw, "%s/%s", fws, f->d_name);
		snprintf(sub, sizeof sub, "%s/tasks", fw);
		collect_in(&g, sub);
		snprintf(sub, sizeof sub, "%s/executors", fw);
		DIR *x = opendir(sub);
		struct dirent *e;
		while (x && (e = readdir(x))) {
			if (e->d_name[0] == '.')
				continue;
			char runs[PATH_MAX + 900];
			snprintf(runs, sizeof runs, "%s/%s/runs", sub, e->d_name);
			collect_in(&g, runs);
			snprintf(runs, sizeof runs, "%s/%s", sub, e->d_name);
			rmdir(runs);
		}
		if (x)
			closedir(x);
		rmdir(sub);
		rmdir(fw);
	}
	if (d)
		closedir(d);
	free(g.busy);
	if (room <= 0)
		rt_log(RT_WARN, "disk usage of %s is %.0f%% (headroom %.0f%%): finished sandboxes are removed at once",
		       a->work_dir, usage * 100, a->flags.gc_disk_headroom * 100);
	else if (may_reserve && !a->reserve_held)
		reserve_take(a); /* room again: hold a reserve for the next full disk */
}

void agent_gc_run(agent *a)
{
	sweep(a, true);
}

static void gc_timer_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	agent_gc_run(w->data);
}

void agent_gc_init(agent *a)
{
	reserve_take(a);
	ev_timer_init(&a->gc_timer, gc_timer_cb, a->flags.disk_watch_interval, a->flags.disk_watch_interval);
	a->gc_timer.data = a;
	ev_timer_start(a->loop, &a->gc_timer);
	agent_gc_run(a);
}
