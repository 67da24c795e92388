/*
 * agent_user.c — tasks as their framework's user (--switch_user): the user
 * a task runs as, looked up on this machine, and its sandbox handed to it
 * (owner, and mode 0750 so no other user reads it). The switch itself
 * happens in the supervisor's child, just before the task's command
 * (agent_supervise.c).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent.h"

int agent_user_resolve(const agent *a, const char *name, agent_user *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof *out);
	if (!a->flags.switch_user || !name || !name[0])
		return 0; /* the agent's own user */
	struct passwd pw, *found = NULL;
	char buf[4096];
	int rc = getpwnam_r(name, &pw, buf, sizeof buf, &found);
	if (rc != 0 || !found) {
		snprintf(err, errlen, "Failed to launch as user '%.100s': %s", name,
		         rc ? strerror(rc) : "no such user on this agent");
		return -1;
	}
	out->set = true;
	out->uid = pw.pw_uid;
	out->gid = pw.pw_gid;
	snprintf(out->name, sizeof out->name, "%s", name);
	return 0;
}

int agent_user_own_sandbox(const agent_user *u, const char *sandbox, char *err, size_t errlen)
{
	if (!u->set)
		return 0;
	if (chown(sandbox, u->uid, u->gid) != 0 || chmod(sandbox, 0750) != 0) {
		snprintf(err, errlen, "Cannot give sandbox %s to user '%s': %s", sandbox, u->name, strerror(errno));
		return -1;
	}
	return 0;
}

void agent_user_arg(const agent_user *u, char *out, size_t len)
{
	if (u->set)
		snprintf(out, len, "%s:%u:%u", u->name, (unsigned)u->uid, (unsigned)u->gid);
	else
		snprintf(out, len, "%s", "");
}
