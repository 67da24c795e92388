/*
 * rt_acl.h — Mesos's local authorizer: ACLs in Mesos's JSON (--acls), and
 * whether a subject (a principal, or none) may act on an object (a role, a
 * user, a framework's principal, an endpoint's path). The master asks it
 * before registering frameworks, launching tasks, tearing frameworks down,
 * reserving and unreserving resources, creating and destroying volumes and
 * showing frameworks and tasks; pure, so the unit tests cover it whole.
 */
#ifndef RT_ACL_H
#define RT_ACL_H

#include <stdbool.h>
#include <stddef.h>

/* The actions of Mesos's ACLs that Meso enforces (the JSON key, its object's key). */
typedef enum rt_acl_action {
	RT_ACL_REGISTER_FRAMEWORKS, /* "register_frameworks": "roles" */
	RT_ACL_RUN_TASKS,           /* "run_tasks": "users" */
	RT_ACL_TEARDOWN_FRAMEWORKS, /* "teardown_frameworks": "framework_principals" */
	RT_ACL_VIEW_FRAMEWORKS,     /* "view_frameworks": "users" (FrameworkInfo.user) */
	RT_ACL_VIEW_TASKS,          /* "view_tasks": "users" (the task's user) */
	RT_ACL_GET_ENDPOINTS,       /* "get_endpoints": "paths" */
	RT_ACL_ACCESS_SANDBOXES,    /* "access_sandboxes": "users" (the sandbox's user; the agent's /files) */
	RT_ACL_RESERVE_RESOURCES,   /* "reserve_resources": "roles" (the reservation's role) */
	RT_ACL_UNRESERVE_RESOURCES, /* "unreserve_resources": "reserver_principals" (the reservation's principal) */
	RT_ACL_CREATE_VOLUMES,      /* "create_volumes": "roles" (the volume's role) */
	RT_ACL_DESTROY_VOLUMES,     /* "destroy_volumes": "creator_principals" (persistence.principal) */
	RT_ACL_ACTIONS
} rt_acl_action;

typedef struct rt_acls rt_acls;

/* Parses Mesos's ACL JSON ({"permissive": bool, "register_frameworks":
 * [{"principals": ENTITY, "roles": ENTITY}, ...], ...}; an ENTITY is
 * {"values": [...]} or {"type": "ANY"} or {"type": "NONE"}). Actions of
 * Mesos that Meso does not enforce are accepted and named in
 * rt_acls_ignored; anything else wrong is an error naming where. Returns
 * NULL with the message in err. */
rt_acls *rt_acls_parse(const char *text, size_t len, char *err, size_t errlen);
/* --acls as Mesos takes it: the JSON itself, or a path (or file:///path)
 * of a file holding it. */
rt_acls *rt_acls_load(const char *flag, char *err, size_t errlen);
void rt_acls_destroy(rt_acls *a);
/* The Mesos actions in the file that are not enforced, comma-separated ("" for none). */
const char *rt_acls_ignored(const rt_acls *a);

/* Whether `subject` (NULL: a request without a principal, which Mesos
 * treats as ANY) may do `action` on `object` (NULL: none given, ANY).
 * The first ACL of the action whose subject and object match decides;
 * none matching: the file's "permissive" (default true). */
bool rt_acls_allow(const rt_acls *a, rt_acl_action action, const char *subject, const char *object);

/* The same without the default: 1 when an ACL allows it, 0 when one
 * denies it, -1 when none applies (or a is NULL). */
int rt_acls_decide(const rt_acls *a, rt_acl_action action, const char *subject, const char *object);

/* The name of an action as the JSON spells it. */
const char *rt_acl_action_name(rt_acl_action action);

#endif
