/*
 * rt_acl.c — the ACLs of rt_acl.h, evaluated as Mesos's local authorizer
 * evaluates them: an ACL applies when both of its entities *match* the
 * request (ANY and NONE match everything, values match a value among
 * them); the first that applies answers whether both *allow* it (NONE
 * allows nothing, ANY allows anything but a missing principal is only
 * allowed by ANY, values allow their members).
 */
#define _GNU_SOURCE
#include "rt_acl.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rt_util.h"

typedef enum { ENT_SOME, ENT_ANY, ENT_NONE } ent_type;

typedef struct entity {
	ent_type type;
	char **values;
	size_t n;
} entity;

typedef struct acl {
	entity subject, object;
} acl;

struct rt_acls {
	bool permissive;
	acl *acls[RT_ACL_ACTIONS];
	size_t n[RT_ACL_ACTIONS];
	char ignored[512];
};

static const struct {
	const char *name, *object;
} actions[RT_ACL_ACTIONS] = {
        [RT_ACL_REGISTER_FRAMEWORKS] = {"register_frameworks", "roles"},
        [RT_ACL_RUN_TASKS] = {"run_tasks", "users"},
        [RT_ACL_TEARDOWN_FRAMEWORKS] = {"teardown_frameworks", "framework_principals"},
        [RT_ACL_VIEW_FRAMEWORKS] = {"view_frameworks", "users"},
        [RT_ACL_VIEW_TASKS] = {"view_tasks", "users"},
        [RT_ACL_GET_ENDPOINTS] = {"get_endpoints", "paths"},
        [RT_ACL_ACCESS_SANDBOXES] = {"access_sandboxes", "users"},
        [RT_ACL_RESERVE_RESOURCES] = {"reserve_resources", "roles"},
        [RT_ACL_UNRESERVE_RESOURCES] = {"unreserve_resources", "reserver_principals"},
        [RT_ACL_CREATE_VOLUMES] = {"create_volumes", "roles"},
        [RT_ACL_DESTROY_VOLUMES] = {"destroy_volumes", "creator_principals"},
};

/* Mesos's other actions: accepted, not enforced (Meso has no such operation
 * or does not check it yet). */
static const char *const mesos_only[] = {"resize_volume",
                                         "get_quotas",
                                         "update_quotas",
                                         "view_roles",
                                         "update_weights",
                                         "view_executors",
                                         "access_mesos_logs",
                                         "register_agents",
                                         "set_log_level",
                                         "view_flags",
                                         "attach_containers_input",
                                         "attach_containers_output",
                                         "launch_nested_containers",
                                         "launch_nested_container_sessions",
                                         "kill_nested_containers",
                                         "wait_nested_containers",
                                         "remove_nested_containers",
                                         "view_containers",
                                         "launch_standalone_containers",
                                         "kill_standalone_containers",
                                         "wait_standalone_containers",
                                         "remove_standalone_containers",
                                         "modify_resource_provider_configs",
                                         "mark_resource_providers_gone",
                                         "view_resource_providers",
                                         "prune_images",
                                         "start_maintenances",
                                         "stop_maintenances",
                                         "update_maintenance_schedules",
                                         "get_maintenance_schedules",
                                         "get_maintenance_statuses",
                                         "mark_agents_gone",
                                         "drain_agents",
                                         "deactivate_agents",
                                         "reactivate_agents",
                                         "view_standalone_containers",
                                         "update_quota",
                                         "get_quota",
                                         "view_frameworks_details",
                                         "update_framework",
                                         "create_block_disks",
                                         "destroy_block_disks",
                                         "create_mount_disks",
                                         "destroy_mount_disks",
                                         "create_raw_disks",
                                         "destroy_raw_disks",
                                         "view_agents",
                                         "register_frameworks_with_principal",
                                         NULL};

const char *rt_acl_action_name(rt_acl_action action)
{
	return action < RT_ACL_ACTIONS ? actions[action].name : "?";
}

static void entity_free(entity *e)
{
	for (size_t i = 0; i < e->n; i++)
		free(e->values[i]);
	free(e->values);
}

void rt_acls_destroy(rt_acls *a)
{
	if (!a)
		return;
	for (int k = 0; k < RT_ACL_ACTIONS; k++) {
		for (size_t i = 0; i < a->n[k]; i++) {
			entity_free(&a->acls[k][i].subject);
			entity_free(&a->acls[k][i].object);
		}
		free(a->acls[k]);
	}
	free(a);
}

const char *rt_acls_ignored(const rt_acls *a)
{
	return a->ignored;
}

static int parse_entity(json_t *j, entity *e, const char *where, char *err, size_t errlen)
{
	memset(e, 0, sizeof *e);
	if (!json_is_object(j)) {
		snprintf(err, errlen, "%s must be an object ({\"values\": [...]} or {\"type\": \"ANY\"|\"NONE\"})",
		         where);
		return -1;
	}
	json_t *t = json_object_get(j, "type"), *v = json_object_get(j, "values");
	if (t) {
		const char *ts = json_string_value(t);
		if (ts && strcmp(ts, "ANY") == 0)
			e->type = ENT_ANY;
		else if (ts && strcmp(ts, "NONE") == 0)
			e->type = ENT_NONE;
		else if (ts && strcmp(ts, "SOME") == 0)
			e->type = ENT_SOME;
		else {
			snprintf(err, errlen, "%s: 'type' must be \"ANY\", \"NONE\" or \"SOME\"", where);
			return -1;
		}
	}
	if (v) {
		if (!json_is_array(v)) {
			snprintf(err, errlen, "%s: 'values' must be an array of strings", where);
			return -1;
		}
		e->values = rt_xcalloc(json_array_size(v) + 1, sizeof *e->values);
		for (size_t i = 0; i < json_array_size(v); i++) {
			const char *s = json_string_value(json_array_get(v, i));
			if (!s) {
				snprintf(err, errlen, "%s: 'values' must be an array of strings", where);
				entity_free(e);
				return -1;
			}
			e->values[e->n++] = rt_xstrdup(s);
		}
	}
	return 0;
}

rt_acls *rt_acls_parse(const char *text, size_t len, char *err, size_t errlen)
{
	json_error_t je;
	json_t *j = json_loadb(text, len, 0, &je);
	if (!j) {
		snprintf(err, errlen, "not valid JSON: %s (line %d, column %d)", je.text, je.line, je.column);
		return NULL;
	}
	rt_acls *a = rt_xcalloc(1, sizeof *a);
	a->permissive = true;
	const char *key;
	json_t *val;
	if (!json_is_object(j)) {
		snprintf(err, errlen, "ACLs must be a JSON object");
		goto fail;
	}
	json_object_foreach(j, key, val)
	{
		if (strcmp(key, "permissive") == 0) {
			if (!json_is_boolean(val)) {
				snprintf(err, errlen, "'permissive' must be true or false");
				goto fail;
			}
			a->permissive = json_is_true(val);
			continue;
		}
		int k = 0;
		while (k < RT_ACL_ACTIONS && strcmp(actions[k].name, key) != 0)
			k++;
		if (k == RT_ACL_ACTIONS) {
			size_t m = 0;
			while (mesos_only[m] && strcmp(mesos_only[m], key) != 0)
				m++;
			if (!mesos_only[m]) {
				snprintf(err, errlen, "unknown ACL action '%.100s'", key);
				goto fail;
			}
			size_t used = strlen(a->ignored);
			snprintf(a->ignored + used, sizeof a->ignored - used, "%s%s", used ? ", " : "", key);
			continue;
		}
		if (!json_is_array(val)) {
			snprintf(err, errlen, "'%s' must be an array of ACLs", key);
			goto fail;
		}
		a->acls[k] = rt_xcalloc(json_array_size(val) + 1, sizeof(acl));
		for (size_t i = 0; i < json_array_size(val); i++) {
			json_t *o = json_array_get(val, i);
			char where[160];
			json_t *subj = json_is_object(o) ? json_object_get(o, "principals") : NULL;
			json_t *obj = json_is_object(o) ? json_object_get(o, actions[k].object) : NULL;
			if (!subj || !obj) {
				snprintf(err, errlen, "%s[%zu] needs 'principals' and '%s'", key, i, actions[k].object);
				goto fail;
			}
			acl *x = &a->acls[k][i];
			snprintf(where, sizeof where, "%s[%zu].principals", key, i);
			if (parse_entity(subj, &x->subject, where, err, errlen) != 0)
				goto fail;
			snprintf(where, sizeof where, "%s[%zu].%s", key, i, actions[k].object);
			if (parse_entity(obj, &x->object, where, err, errlen) != 0) {
				entity_free(&x->subject);
				memset(&x->subject, 0, sizeof x->subject);
				goto fail;
			}
			a->n[k] = i + 1;
		}
	}
	json_decref(j);
	return a;
fail:
	json_decref(j);
	rt_acls_destroy(a);
	return NULL;
}

rt_acls *rt_acls_load(const char *flag, char *err, size_t errlen)
{
	const char *p = flag;
	while (*p == ' ' || *p == '\t' || *p == '\n')
		p++;
	if (*p == '{')
		return rt_acls_parse(p, strlen(p), err, errlen);
	const char *file = strncmp(flag, "file://", 7) == 0 ? flag + 7 : flag;
	rt_buf b;
	rt_buf_init(&b);
	if (rt_file_read(file, 4u << 20, &b) != 0) {
		snprintf(err, errlen, "cannot read ACLs file %s: %s", file, strerror(errno));
		rt_buf_free(&b);
		return NULL;
	}
	char why[300];
	rt_acls *a = rt_acls_parse((const char *)b.data, b.len, why, sizeof why);
	if (!a)
		snprintf(err, errlen, "ACLs file %s: %s", file, why);
	rt_buf_free(&b);
	return a;
}

static bool has_value(const entity *e, const char *v)
{
	for (size_t i = 0; i < e->n; i++)
		if (strcmp(e->values[i], v) == 0)
			return true;
	return false;
}

/* The request side: a value, or none (ANY). */
static bool matches(const char *req, const entity *e)
{
	if (e->type == ENT_ANY || e->type == ENT_NONE)
		return true;
	return req && has_value(e, req);
}

static bool allows(const char *req, const entity *e)
{
	if (!req)
		return e->type == ENT_ANY;
	if (e->type == ENT_ANY)
		return true;
	if (e->type == ENT_NONE)
		return false;
	return has_value(e, req);
}

int rt_acls_decide(const rt_acls *a, rt_acl_action action, const char *subject, const char *object)
{
	if (!a)
		return -1;
	for (size_t i = 0; i < a->n[action]; i++) {
		const acl *x = &a->acls[action][i];
		if (matches(subject, &x->subject) && matches(object, &x->object))
			return allows(subject, &x->subject) && allows(object, &x->object);
	}
	return -1;
}

bool rt_acls_allow(const rt_acls *a, rt_acl_action action, const char *subject, const char *object)
{
	int d = rt_acls_decide(a, action, subject, object);
	return d < 0 ? !a || a->permissive : d == 1;
}
