/*
 * agent_volumes.c — persistent volumes on the agent: the directory of each
 * (work_dir/volumes/roles/ROLE/ID, Mesos's layout), made when the master
 * says a volume was created (or when a task first uses it) and removed when
 * it is destroyed; and the link from a task's sandbox, or a custom
 * executor's (at the volume's container_path), to it. The directory outlives tasks and agent restarts:
 * sandboxes are removed without following links (agent_remove_tree).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent.h"
#include "rt_resources.h"

/* work_dir/volumes/roles/ROLE/ID of a volume resource; -1 when it is none. */
static int volume_path(const agent *a, const Mesos__V1__Resource *r, char *out, size_t len)
{
	if (!r->disk || !r->disk->persistence || !r->disk->volume || !r->n_reservations ||
	    !r->reservations[r->n_reservations - 1]->role)
		return -1;
	char role[256], id[256];
	agent_sanitize(r->reservations[r->n_reservations - 1]->role, role, sizeof role);
	agent_sanitize(r->disk->persistence->id, id, sizeof id);
	int n = snprintf(out, len, "%s/volumes/roles/%s/%s", a->work_dir, role, id);
	return n > 0 && (size_t)n < len ? 0 : -1;
}

/* The agent's record of the volume (role, id), or n. */
static size_t volume_find(const agent *a, const Mesos__V1__Resource *r)
{
	const char *role = r->reservations[r->n_reservations - 1]->role;
	for (size_t i = 0; i < a->nvolumes; i++) {
		const Mesos__V1__Resource *v = a->volumes[i]->volume;
		if (!strcmp(v->disk->persistence->id, r->disk->persistence->id) &&
		    !strcmp(v->reservations[v->n_reservations - 1]->role, role))
			return i;
	}
	return a->nvolumes;
}

/* Keeps (create) or forgets the volume for the agent's state. */
static void volume_record(agent *a, const Meso__Agent__VolumeOp *op, bool create)
{
	size_t i = volume_find(a, op->volume);
	if (i < a->nvolumes) {
		meso__agent__volume_op__free_unpacked(a->volumes[i], NULL);
		a->volumes[i] = a->volumes[--a->nvolumes];
	}
	if (!create)
		return;
	size_t n = meso__agent__volume_op__get_packed_size(op);
	uint8_t *buf = rt_xmalloc(n ? n : 1);
	meso__agent__volume_op__pack(op, buf);
	Meso__Agent__VolumeOp *copy = meso__agent__volume_op__unpack(NULL, n, buf);
	free(buf);
	if (!copy)
		return;
	a->volumes = rt_xrealloc(a->volumes, (a->nvolumes + 1) * sizeof *a->volumes);
	a->volumes[a->nvolumes++] = copy;
}

void agent_volumes_free(agent *a)
{
	for (size_t i = 0; i < a->nvolumes; i++)
		meso__agent__volume_op__free_unpacked(a->volumes[i], NULL);
	free(a->volumes);
	a->volumes = NULL;
	a->nvolumes = 0;
}

json_t *agent_volumes_reserved_full(agent *a)
{
	size_t n = a->n_resources_pb + a->nvolumes;
	Mesos__V1__Resource **all = rt_xcalloc(n ? n : 1, sizeof *all);
	for (size_t i = 0; i < n; i++)
		all[i] = i < a->n_resources_pb ? a->resources_pb[i] : a->volumes[i - a->n_resources_pb]->volume;
	json_t *o = rt_resources_full(all, n);
	free(all);
	return o;
}

void agent_volume_apply(agent *a, const Meso__Agent__VolumeOp *op, bool create)
{
	char path[PATH_MAX];
	if (!op->volume || volume_path(a, op->volume, path, sizeof path) != 0) {
		rt_log(RT_WARN, "a volume operation from the master names no persistent volume: ignored");
		return;
	}
	volume_record(a, op, create);
	if (create) {
		if (rt_mkdirs(path) != 0)
			rt_log(RT_ERROR, "cannot make persistent volume directory %s: %s", path, strerror(errno));
		else
			rt_log(RT_INFO, "persistent volume '%s' at %s", op->volume->disk->persistence->id, path);
		return;
	}
	if (agent_remove_tree(path) != 0)
		rt_log(RT_ERROR, "cannot remove persistent volume directory %s: %s", path, strerror(errno));
	else
		rt_log(RT_INFO, "persistent volume '%s' destroyed: %s removed", op->volume->disk->persistence->id,
		       path);
}

int agent_volumes_link(agent *a, Mesos__V1__Resource *const *res, size_t nres, const char *sandbox,
                       const agent_user *user, char *msg, size_t len)
{
	for (size_t i = 0; i < nres; i++) {
		const Mesos__V1__Resource *r = res[i];
		char path[PATH_MAX], link[PATH_MAX];
		if (volume_path(a, r, path, sizeof path) != 0)
			continue;
		const char *cp = r->disk->volume->container_path;
		/* The master checked it: relative, without "..". */
		if (!cp[0] || cp[0] == '/' || strstr(cp, "..")) {
			snprintf(msg, len, "Persistent volume '%.100s' has an invalid container_path '%.100s'",
			         r->disk->persistence->id, cp);
			return -1;
		}
		int n = snprintf(link, sizeof link, "%s/%s", sandbox, cp);
		if (n < 0 || (size_t)n >= sizeof link) {
			snprintf(msg, len, "Persistent volume '%.100s': its path in the sandbox is too long",
			         r->disk->persistence->id);
			return -1;
		}
		struct stat st;
		if (stat(path, &st) != 0 && rt_mkdirs(path) != 0) {
			snprintf(msg, len, "Cannot make persistent volume directory %.200s: %s", path, strerror(errno));
			return -1;
		}
		/* The task's user owns its volume, as its sandbox. */
		if (user && user->set && chown(path, user->uid, user->gid) != 0) {
			snprintf(msg, len, "Cannot give persistent volume %.200s to user '%.100s': %s", path,
			         user->name, strerror(errno));
			return -1;
		}
		char *slash = strrchr(link, '/');
		if (slash && slash > link + strlen(sandbox)) {
			*slash = '\0';
			int rc = rt_mkdirs(link);
			*slash = '/';
			if (rc != 0) {
				snprintf(msg, len, "Cannot make %.200s in the sandbox: %s", link, strerror(errno));
				return -1;
			}
		}
		/* An executor's sandbox keeps the link for its next task, and
		 * across an agent restart. */
		char was[PATH_MAX];
		ssize_t wl = readlink(link, was, sizeof was - 1);
		if (wl >= 0 && (size_t)wl == strlen(path) && !memcmp(was, path, (size_t)wl))
			continue;
		if (symlink(path, link) != 0) {
			snprintf(msg, len, "Cannot link persistent volume %.200s at %.200s: %s", path, link,
			         strerror(errno));
			return -1;
		}
	}
	return 0;
}

/* Whether the resources name the volume (role, persistence id) at the same
 * container_path. */
static bool names_volume(Mesos__V1__Resource *const *res, size_t n, const Mesos__V1__Resource *v)
{
	const char *role = v->reservations[v->n_reservations - 1]->role;
	for (size_t i = 0; i < n; i++) {
		const Mesos__V1__Resource *r = res[i];
		if (r->disk && r->disk->persistence && r->disk->volume && r->n_reservations &&
		    r->reservations[r->n_reservations - 1]->role &&
		    !strcmp(r->reservations[r->n_reservations - 1]->role, role) &&
		    !strcmp(r->disk->persistence->id, v->disk->persistence->id) &&
		    !strcmp(r->disk->volume->container_path, v->disk->volume->container_path))
			return true;
	}
	return false;
}

/* Whether the executor or one of its other live tasks still names v. */
static bool volume_still_used(agent *a, const a_task *t, const Mesos__V1__Resource *v)
{
	const a_executor *e = t->exec;
	Mesos__V1__ExecutorInfo *ei = mesos__v1__executor_info__unpack(NULL, e->info_len, e->info);
	bool used = ei && names_volume(ei->resources, ei->n_resources, v);
	if (ei)
		mesos__v1__executor_info__free_unpacked(ei, NULL);
	for (const a_task *o = a->tasks; o && !used; o = o->next) {
		if (o == t || o->exec != e || rt_task_state_terminal(o->state) || !o->info)
			continue;
		Mesos__V1__TaskInfo *oi = mesos__v1__task_info__unpack(NULL, o->info_len, o->info);
		used = oi && names_volume(oi->resources, oi->n_resources, v);
		if (oi)
			mesos__v1__task_info__free_unpacked(oi, NULL);
	}
	return used;
}

void agent_volumes_unlink_task(agent *a, const a_task *t)
{
	if (!t->exec || !t->info)
		return;
	Mesos__V1__TaskInfo *ti = mesos__v1__task_info__unpack(NULL, t->info_len, t->info);
	for (size_t i = 0; ti && i < ti->n_resources; i++) {
		const Mesos__V1__Resource *r = ti->resources[i];
		char path[PATH_MAX], link[PATH_MAX], was[PATH_MAX];
		if (volume_path(a, r, path, sizeof path) != 0 || volume_still_used(a, t, r))
			continue;
		int n = snprintf(link, sizeof link, "%s/%s", t->exec->sandbox, r->disk->volume->container_path);
		ssize_t wl = n > 0 && (size_t)n < sizeof link ? readlink(link, was, sizeof was - 1) : -1;
		if (wl < 0 || (size_t)wl != strlen(path) || memcmp(was, path, (size_t)wl) != 0)
			continue;
		if (unlink(link) != 0)
			rt_log(RT_WARN, "cannot remove the link %s to persistent volume %s: %s", link, path,
			       strerror(errno));
		else
			rt_log(RT_INFO, "task %s has ended: persistent volume '%s' unlinked from executor %s's sandbox",
			       t->id, r->disk->persistence->id, t->exec->id);
	}
	if (ti)
		mesos__v1__task_info__free_unpacked(ti, NULL);
}
