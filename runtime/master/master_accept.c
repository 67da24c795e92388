/*
 * master_accept.c — the scheduler's ACCEPT, in the steps Mesos takes: check
 * the offers (all known, the caller's, one agent, no repeats), check each
 * LAUNCH task against what is left of them, let the core take what the valid
 * tasks use (the rest is declined under the ACCEPT's filter), and send the
 * tasks to their agent. RESERVE and UNRESERVE (master_resv.c), CREATE and
 * DESTROY (master_volumes.c) come first, in their order, so that the
 * launches may use what they reserve and create. Errors are status updates (and, for the operations
 * Meso does not carry out, operation feedback), never HTTP errors.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "master.h"
#include "rt_api.h"
#include "rt_resources.h"

typedef Mesos__V1__Scheduler__Call__Accept Accept;

/* Executors a single ACCEPT starts: a second task for one of them joins it
 * rather than charging it again. */
typedef struct new_execs {
	const Mesos__V1__ExecutorInfo **info;
	ac_resources *res;
	size_t n;
} new_execs;

/* The id of a task found valid, in the call's map of them. */
typedef struct ok_id {
	UT_hash_handle hh;
} ok_id;

/* A LAUNCH_GROUP found valid: its tasks' resources, and whether its
 * default executor starts with it (its resources in eres). */
typedef struct ok_group {
	const Mesos__V1__Offer__Operation__LaunchGroup *lg;
	ac_resources *res; /* per task */
	ok_id *ids;        /* the tasks' ids in the call's map */
	bool exec_new;
	ac_resources eres;
} ok_group;

/* A RESERVE, UNRESERVE, CREATE or DESTROY found valid: carried out once
 * the core took the accept. */
typedef struct ok_resv {
	const Mesos__V1__Offer__Operation *op;
	bool reserve;
	const char *role; /* its last reservation's */
	m_resv rec;       /* its stack and resources (strings the call's) */
	m_volume *vols;   /* CREATE, DESTROY: its volumes (strings the call's) */
	size_t nvols;
} ok_resv;

/* One ACCEPT on its way through the steps. */
typedef struct accept_ctx {
	master *m;
	m_fw *fw;
	const Accept *acc;
	ac_time refuse;   /* the filter for what is left unused */
	m_offer **offers; /* the valid offers named, each once */
	size_t noffers;
	m_agent *agent; /* theirs */
	ac_fw_id fwac;  /* the core framework (role) they were made to: charged with it all */
	const char *role;
	const Mesos__V1__TaskInfo **tasks; /* the LAUNCH tasks of the call */
	size_t ntasks;
	ac_resources left, used;
	/* Tasks found valid, launched once the core took the accept, and
	 * their ids (a task id may be used once per call, too). */
	const Mesos__V1__TaskInfo **ok;
	ac_resources *okres;
	size_t nok;
	ok_id *ok_ids, *ok_by_id;
	new_execs ne;
	/* LAUNCH_GROUP operations (without an id), then those found valid. */
	const Mesos__V1__Offer__Operation__LaunchGroup **groups;
	size_t ngroups;
	ok_group *okg;
	size_t nokg;
	/* RESERVE, UNRESERVE, CREATE and DESTROY operations, then those found
	 * valid, applied in order to `left` (and `vs`) before the launches are
	 * checked against it. */
	const Mesos__V1__Offer__Operation **resv;
	size_t nresv;
	ok_resv *okr;
	size_t nokr;
	ac_resources offered; /* the offers' sum, as the core holds them */
	m_volset vs;          /* the persistent volumes the launches may use */
} accept_ctx;

/* An operation type's name as Mesos spells it ("RESERVE"), for logs and
 * answers (rt_api_enum_name; a number Mesos does not name is "UNKNOWN"). */
static const char *op_name(Mesos__V1__Offer__Operation__Type type)
{
	static char num[24];
	return rt_api_enum_name(&mesos__v1__offer__operation__type__descriptor, (int)type, num, sizeof num);
}

/* Operation feedback (UPDATE_OPERATION_STATUS) for an operation with an
 * id. OPERATION_FINISHED carries a uuid and is sent until acknowledged (as
 * Mesos's agent sends it: master_opstatus.c); errors carry none, as
 * Mesos's master's own answers. */
static void op_feedback(accept_ctx *x, const Mesos__V1__Offer__Operation *op, Mesos__V1__OperationState state,
                        const char *why)
{
	if (!op->id)
		return;
	if (state == MESOS__V1__OPERATION_STATE__OPERATION_FINISHED) {
		master_opstatus_finished(x->m, x->fw, op, x->agent->id);
		return;
	}
	Mesos__V1__OperationStatus st = MESOS__V1__OPERATION_STATUS__INIT;
	Mesos__V1__AgentID aid = MESOS__V1__AGENT_ID__INIT;
	if (x->agent && state == MESOS__V1__OPERATION_STATE__OPERATION_FINISHED) {
		aid.value = x->agent->id;
		st.agent_id = &aid;
	}
	Mesos__V1__Scheduler__Event__UpdateOperationStatus up =
	        MESOS__V1__SCHEDULER__EVENT__UPDATE_OPERATION_STATUS__INIT;
	Mesos__V1__Scheduler__Event ev = MESOS__V1__SCHEDULER__EVENT__INIT;
	st.operation_id = op->id;
	st.state = state;
	st.message = (char *)why;
	up.status = &st;
	ev.has_type = true;
	ev.type = MESOS__V1__SCHEDULER__EVENT__TYPE__UPDATE_OPERATION_STATUS;
	ev.update_operation_status = &up;
	master_send_event(x->m, x->fw, &ev);
}

/* An operation the master does not carry out: logged by name, and answered
 * with OPERATION_ERROR when the framework asked for feedback (an operation
 * id), as Mesos's Master::drop does. */
static void drop_op(accept_ctx *x, const Mesos__V1__Offer__Operation *op, const char *why)
{
	rt_log(RT_WARN, "dropping %s operation from framework %s: %s", op_name(op->type), x->fw->id, why);
	if ((unsigned)op->type < sizeof x->m->metrics.operations_error / sizeof x->m->metrics.operations_error[0])
		x->m->metrics.operations_error[op->type]++;
	op_feedback(x, op, MESOS__V1__OPERATION_STATE__OPERATION_ERROR, why);
}

/* Every task of a launch operation answered with one update. */
static void answer_tasks(accept_ctx *x, Mesos__V1__TaskInfo *const *tasks, size_t n, const char *agent_id,
                         Mesos__V1__TaskState state, Mesos__V1__TaskStatus__Reason reason, const char *why)
{
	for (size_t k = 0; k < n; k++)
		master_send_status(x->m, x->fw, tasks[k]->task_id->value,
		                   agent_id ? agent_id : tasks[k]->agent_id->value, state, reason, why);
}

/* Valid offers: each operation in order. LAUNCH tasks and LAUNCH_GROUP
 * operations are kept for the checks below; every other operation is
 * answered now (Mesos's feedback rules), so none is dropped in silence. */
static void accept_collect_tasks(accept_ctx *x)
{
	const Accept *acc = x->acc;
	size_t n = 0;
	for (size_t i = 0; i < acc->n_operations; i++) {
		const Mesos__V1__Offer__Operation *op = acc->operations[i];
		if (op->type == MESOS__V1__OFFER__OPERATION__TYPE__LAUNCH && op->launch && !op->id)
			n += op->launch->n_task_infos;
	}
	x->tasks = rt_xcalloc(n, sizeof *x->tasks);
	x->groups = rt_xcalloc(acc->n_operations ? acc->n_operations : 1, sizeof *x->groups);
	x->resv = rt_xcalloc(acc->n_operations ? acc->n_operations : 1, sizeof *x->resv);
	for (size_t i = 0; i < acc->n_operations; i++) {
		const Mesos__V1__Offer__Operation *op = acc->operations[i];
		char why[160];
		switch (op->type) {
		case MESOS__V1__OFFER__OPERATION__TYPE__LAUNCH:
			if (!op->launch)
				break;
			if (op->id) {
				answer_tasks(x, op->launch->task_infos, op->launch->n_task_infos, x->agent->id,
				             MESOS__V1__TASK_STATE__TASK_ERROR,
				             MESOS__V1__TASK_STATUS__REASON__REASON_TASK_INVALID,
				             "The `id` field cannot be set on LAUNCH operations");
				break;
			}
			for (size_t k = 0; k < op->launch->n_task_infos; k++)
				x->tasks[x->ntasks++] = op->launch->task_infos[k];
			break;
		case MESOS__V1__OFFER__OPERATION__TYPE__LAUNCH_GROUP:
			if (!op->launch_group || !op->launch_group->task_group)
				break;
			if (!op->id) {
				x->groups[x->ngroups++] = op->launch_group;
				break;
			}
			answer_tasks(x, op->launch_group->task_group->tasks, op->launch_group->task_group->n_tasks,
			             x->agent->id, MESOS__V1__TASK_STATE__TASK_ERROR,
			             MESOS__V1__TASK_STATUS__REASON__REASON_TASK_GROUP_INVALID,
			             "The `id` field cannot be set on LAUNCH_GROUP operations");
			break;
		case MESOS__V1__OFFER__OPERATION__TYPE__RESERVE:
		case MESOS__V1__OFFER__OPERATION__TYPE__UNRESERVE:
		case MESOS__V1__OFFER__OPERATION__TYPE__CREATE:
		case MESOS__V1__OFFER__OPERATION__TYPE__DESTROY:
			if (op->type == MESOS__V1__OFFER__OPERATION__TYPE__RESERVE     ? !op->reserve
			    : op->type == MESOS__V1__OFFER__OPERATION__TYPE__UNRESERVE ? !op->unreserve
			    : op->type == MESOS__V1__OFFER__OPERATION__TYPE__CREATE    ? !op->create
			                                                               : !op->destroy) {
				snprintf(why, sizeof why, "Invalid %s operation: its message is missing",
				         op_name(op->type));
				drop_op(x, op, why);
				break;
			}
			x->resv[x->nresv++] = op;
			break;
		case MESOS__V1__OFFER__OPERATION__TYPE__UNKNOWN:
			rt_log(RT_WARN, "framework %s: ignoring an operation of unknown type", x->fw->id);
			break;
		default:
			snprintf(why, sizeof why, "%s operations are not supported by this master yet",
			         op_name(op->type));
			drop_op(x, op, why);
			break;
		}
	}
}

/* ------------------------------------------------------ step 1: offers */

/* Finds the offers the call names; NULL when all are valid, else why not
 * (x->offers then holds the valid ones, to be given back). */
static const char *accept_check_offers(accept_ctx *x)
{
	const Accept *acc = x->acc;
	const char *bad = NULL;
	uint64_t mark = ++x->m->mark;
	x->offers = rt_xcalloc(acc->n_offer_ids, sizeof *x->offers);
	for (size_t i = 0; i < acc->n_offer_ids; i++) {
		m_offer *o = master_offer_find(x->m, acc->offer_ids[i]->value);
		if (!o || o->fw != x->fw) {
			bad = "Offer is no longer valid (rescinded, used, or unknown)";
			continue;
		}
		if (o->mark == mark) {
			bad = "Offer appears more than once";
			continue;
		}
		o->mark = mark;
		if (x->agent && o->agent != x->agent)
			bad = "Offers of different agents in one ACCEPT";
		/* Mesos's rule for a MULTI_ROLE framework: one role per ACCEPT. */
		if (x->role && o->fwac != x->fwac)
			bad = "Aggregated offers must be allocated to the same role";
		x->agent = o->agent;
		x->fwac = o->fwac;
		x->role = master_fw_role_of(x->m, x->fw, o->fwac);
		x->offers[x->noffers++] = o;
	}
	if (acc->n_offer_ids == 0)
		bad = "No offer ids in ACCEPT";
	return bad;
}

/* Invalid offers: every task is LOST (DROPPED for a partition-aware
 * framework), every other operation an OPERATION_ERROR when it asked for
 * feedback, and the valid offers go back without a filter, as Mesos does. */
static void accept_drop_all(accept_ctx *x, const char *why)
{
	Mesos__V1__TaskState st =
	        x->fw->partition_aware ? MESOS__V1__TASK_STATE__TASK_DROPPED : MESOS__V1__TASK_STATE__TASK_LOST;
	const Accept *acc = x->acc;
	for (size_t i = 0; i < acc->n_operations; i++) {
		const Mesos__V1__Offer__Operation *op = acc->operations[i];
		if (op->type == MESOS__V1__OFFER__OPERATION__TYPE__LAUNCH) {
			if (op->launch)
				answer_tasks(x, op->launch->task_infos, op->launch->n_task_infos, NULL, st,
				             MESOS__V1__TASK_STATUS__REASON__REASON_INVALID_OFFERS, why);
		} else if (op->type == MESOS__V1__OFFER__OPERATION__TYPE__LAUNCH_GROUP) {
			if (op->launch_group && op->launch_group->task_group)
				answer_tasks(x, op->launch_group->task_group->tasks,
				             op->launch_group->task_group->n_tasks, NULL, st,
				             MESOS__V1__TASK_STATUS__REASON__REASON_INVALID_OFFERS, why);
		} else if (op->type != MESOS__V1__OFFER__OPERATION__TYPE__UNKNOWN) {
			char msg[300];
			snprintf(msg, sizeof msg, "Operation attempted with invalid offers: %s", why);
			drop_op(x, op, msg);
		}
	}
	for (size_t i = 0; i < x->noffers; i++)
		master_offer_decline(x->m, x->offers[i], 0);
	x->noffers = 0;
}

/* ------------------------------------------- step 2: reservations */

/* An operation's ACL (reserve_resources, unreserve_resources,
 * create_volumes, destroy_volumes) for the framework's principal on
 * object; NULL, or Mesos's message. */
static const char *authorize_op(accept_ctx *x, rt_acl_action action, const char *object, char *buf, size_t len)
{
	if (master_authorized(x->m, action, x->fw->principal, object))
		return NULL;
	static const char *const names[] = {[RT_ACL_RESERVE_RESOURCES] = "RESERVE_RESOURCES",
	                                    [RT_ACL_UNRESERVE_RESOURCES] = "UNRESERVE_RESOURCES",
	                                    [RT_ACL_CREATE_VOLUMES] = "CREATE_VOLUME",
	                                    [RT_ACL_DESTROY_VOLUMES] = "DESTROY_VOLUME"};
	snprintf(buf, len, "Principal '%.100s' no authorized to perform action %s on object {\"value\":\"%.100s\"}",
	         x->fw->principal ? x->fw->principal : "", names[action], object ? object : "");
	return buf;
}

/* Checks one RESERVE or UNRESERVE as Mesos does (the resources come from
 * the offers, reserved for the framework's role, by its principal; only
 * dynamic reservations are undone) and applies it to what is left; NULL
 * when valid, else the OPERATION_ERROR message. dyn: what this call's
 * earlier operations changed in the role's dynamic reservation. */
static const char *validate_resv(accept_ctx *x, const Mesos__V1__Offer__Operation *op, ok_resv *r, ac_vec *dyn,
                                 char *buf, size_t len)
{
	r->op = op;
	r->reserve = op->type == MESOS__V1__OFFER__OPERATION__TYPE__RESERVE;
	Mesos__V1__Resource *const *res = r->reserve ? op->reserve->resources : op->unreserve->resources;
	size_t n = r->reserve ? op->reserve->n_resources : op->unreserve->n_resources;
	const char *why = master_resv_parse(x->m, res, n, r->reserve, &r->rec, buf, len);
	if (why)
		return why;
	r->role = ac_role_name(x->m->core, r->rec.role);
	const char *principal = r->rec.principal;
	const char *name = r->reserve ? "reserve" : "unreserve";
	if (strcmp(r->role, x->role) != 0) {
		snprintf(buf, len,
		         "A %s operation was attempted for a resource with role '%.60s', but the resource was "
		         "allocated to role '%.60s'",
		         name, r->role, x->role);
		return buf;
	}
	if (r->reserve && x->fw->principal && (!principal || strcmp(principal, x->fw->principal) != 0)) {
		snprintf(buf, len,
		         "A reserve operation was attempted by authenticated principal '%.100s', which does not match "
		         "principal '%.100s' in the reservation",
		         x->fw->principal, principal ? principal : "");
		return buf;
	}
	/* Validated, then authorized, as Mesos does: on the last reservation. */
	why = r->reserve ? authorize_op(x, RT_ACL_RESERVE_RESOURCES, r->role, buf, len)
	                 : authorize_op(x, RT_ACL_UNRESERVE_RESOURCES, principal, buf, len);
	if (why)
		return why;
	ac_resources from, to, set;
	master_resv_moved(&r->rec, r->reserve, &from, &to);
	master_resv_set(&r->rec, &set);
	if (!ac_resources_contains(&x->left, &from)) {
		snprintf(buf, len, "Invalid %s operation: its resources are not in the offers%s", name,
		         !r->reserve     ? ""
		         : r->rec.nbelow ? " (in the reservation refined)"
		                         : " (unreserved)");
		return buf;
	}
	if (r->reserve && r->rec.nbelow) {
		if (set.group[0].amount.v[AC_DISK] >
		    master_volset_plain_disk(&x->vs, &x->left, r->rec.below[r->rec.nbelow - 1].role)) {
			snprintf(buf, len,
			         "Invalid reserve operation: its disk is a persistent volume's (destroy the volume "
			         "first, then refine the reservation)");
			return buf;
		}
		if (!master_resv_source_holds(x->agent, &r->rec)) {
			snprintf(buf, len,
			         "Invalid reserve operation: the reservation it refines does not hold its resources "
			         "(its `reservations` below the last must be the offered ones')");
			return buf;
		}
	}
	if (!r->reserve) {
		ac_resources dynamic;
		master_resv_sum(x->agent, &r->rec, &dynamic);
		ac_vec_add(&dynamic.group[0].amount, dyn);
		dynamic.group[0].amount.v[AC_DISK] -= master_resv_volume_disk(x->agent, r->rec.role);
		if (set.group[0].amount.v[AC_DISK] > master_volset_plain_disk(&x->vs, &x->left, r->rec.role)) {
			snprintf(buf, len,
			         "Invalid unreserve operation: its disk is a persistent volume's (destroy the volume "
			         "first, then unreserve the resource)");
			return buf;
		}
		if (!ac_resources_contains(&dynamic, &set)) {
			snprintf(buf, len, "Invalid unreserve operation: its resources are not dynamically reserved%s",
			         r->rec.nbelow ? " with that `reservations` stack" : "");
			return buf;
		}
	}
	ac_resources t = x->left;
	if (ac_resources_sub(&t, &from) || ac_resources_add(&t, &to)) {
		snprintf(buf, len, "Invalid %s operation: too many reservation roles in the offers", name);
		return buf;
	}
	x->left = t;
	if (r->reserve)
		ac_vec_add(dyn, &r->rec.amount);
	else
		ac_vec_sub(dyn, &r->rec.amount);
	return NULL;
}

/* Checks one CREATE or DESTROY as Mesos does (its volumes, their ACLs, and
 * that what they use is in the offers) and applies it to vs; NULL when
 * valid, else the OPERATION_ERROR message. */
static const char *validate_vol(accept_ctx *x, const Mesos__V1__Offer__Operation *op, ok_resv *r, ac_vec *dyn,
                                char *buf, size_t len)
{
	bool create = op->type == MESOS__V1__OFFER__OPERATION__TYPE__CREATE;
	Mesos__V1__Resource *const *res = create ? op->create->volumes : op->destroy->volumes;
	size_t n = create ? op->create->n_volumes : op->destroy->n_volumes;
	r->op = op;
	r->vols = rt_xcalloc(n ? n : 1, sizeof *r->vols);
	r->nvols = n;
	char why[300];
	const char *bad;
	if (create) {
		bad = master_vol_check_create(x->m, x->agent, res, n, x->fw->principal, &x->vs, r->vols, why,
		                              sizeof why);
	} else {
		bad = master_vol_check_destroy(x->m, x->agent, res, n, &x->vs, r->vols, why, sizeof why);
	}
	if (bad) {
		snprintf(buf, len, "%s; on agent %s", bad, x->agent->id);
		return buf;
	}
	for (size_t i = 0; i < n; i++) {
		const char *obj = create ? ac_role_name(x->m->core, r->vols[i].role) : r->vols[i].principal;
		bad = authorize_op(x, create ? RT_ACL_CREATE_VOLUMES : RT_ACL_DESTROY_VOLUMES, obj, buf, len);
		if (bad)
			return bad;
	}
	if (create) {
		int64_t need = 0;
		for (size_t i = 0; i < n; i++)
			need += r->vols[i].disk;
		if (need > master_volset_plain_disk(&x->vs, &x->left, r->vols[0].role)) {
			snprintf(
			        buf, len,
			        "Invalid CREATE operation: the offers hold less disk reserved for role '%.60s' outside "
			        "persistent volumes",
			        ac_role_name(x->m->core, r->vols[0].role));
			return buf;
		}
		for (size_t i = 0; i < n; i++)
			master_volset_created(&x->vs, &r->vols[i]);
	} else {
		for (size_t i = 0; i < n; i++)
			master_volset_destroyed(&x->vs, r->vols[i].role, r->vols[i].id);
	}
	/* A volume on dynamically reserved disk keeps that disk from UNRESERVE. */
	for (size_t i = 0; i < n; i++)
		if (r->vols[i].dynamic)
			dyn->v[AC_DISK] += create ? -r->vols[i].disk : r->vols[i].disk;
	return NULL;
}

/* What the offers hold, then each RESERVE, UNRESERVE, CREATE and DESTROY in order. */
static void accept_check_resv(accept_ctx *x)
{
	ac_resources_init(&x->offered);
	ac_resources_init(&x->used);
	for (size_t i = 0; i < x->noffers; i++)
		ac_resources_add(&x->offered, &x->offers[i]->res);
	x->left = x->offered;
	x->okr = rt_xcalloc(x->nresv ? x->nresv : 1, sizeof *x->okr);
	ac_vec dyn;
	ac_vec_zero(&dyn);
	master_volset_offered(x->m, x->agent, x->offers, x->noffers, &x->vs);
	for (size_t i = 0; i < x->nresv; i++) {
		char buf[400];
		const Mesos__V1__Offer__Operation *op = x->resv[i];
		ok_resv *r = &x->okr[x->nokr];
		bool vol = op->type == MESOS__V1__OFFER__OPERATION__TYPE__CREATE ||
		           op->type == MESOS__V1__OFFER__OPERATION__TYPE__DESTROY;
		const char *why = vol ? validate_vol(x, op, r, &dyn, buf, sizeof buf)
		                      : validate_resv(x, op, r, &dyn, buf, sizeof buf);
		if (why) {
			drop_op(x, op, why);
			free(r->vols);
			memset(r, 0, sizeof *r);
		} else {
			x->nokr++;
		}
	}
}

/* ------------------------------------------------------- step 3: tasks */

/* Checks a task's ExecutorInfo as Mesos does; NULL when valid. *is_new says
 * whether the executor starts with this task (its resources in *eres). */
static const char *validate_executor(accept_ctx *x, const Mesos__V1__ExecutorInfo *ei, bool *is_new, ac_resources *eres,
                                     char *buf, size_t len)
{
	m_fw *fw = x->fw;
	*is_new = false;
	if (!ei->executor_id->value[0])
		return "Executor ID must not be empty";
	if (ei->framework_id && strcmp(ei->framework_id->value, fw->id) != 0) {
		snprintf(buf, len, "ExecutorInfo has an invalid FrameworkID (Actual: %.80s vs Expected: %.80s)",
		         ei->framework_id->value, fw->id);
		return buf;
	}
	if (!ei->command || !ei->command->value || !ei->command->value[0])
		return "Executor's CommandInfo has no value";
	size_t len_new;
	uint8_t *packed = master_exec_pack(ei, fw->id, &len_new);
	const char *why = NULL;
	m_exec *e = master_exec_find(x->m, fw, x->agent, ei->executor_id->value);
	bool known = e != NULL;
	if (e && (e->info_len != len_new || memcmp(e->info, packed, len_new) != 0))
		why = "Task has invalid ExecutorInfo (existing ExecutorInfo with same ExecutorID is not compatible)";
	for (size_t i = 0; i < x->ne.n && !why && !known; i++) {
		if (strcmp(x->ne.info[i]->executor_id->value, ei->executor_id->value) != 0)
			continue;
		known = true;
		size_t l;
		uint8_t *other = master_exec_pack(x->ne.info[i], fw->id, &l);
		if (l != len_new || memcmp(other, packed, l) != 0)
			why = "Task has invalid ExecutorInfo (existing ExecutorInfo with same ExecutorID is not "
			      "compatible)";
		free(other);
	}
	free(packed);
	if (why || known)
		return why;
	ac_err err;
	if (rt_resources_from_pb(x->m->core, ei->resources, ei->n_resources, eres, &err) != 0) {
		snprintf(buf, len, "Executor uses invalid resources: %s", err.msg);
		return buf;
	}
	why = master_volset_take(x->m, &x->vs, ei->resources, ei->n_resources, &x->left, NULL, ei->executor_id->value,
	                         buf, len);
	if (why)
		return why;
	*is_new = true;
	return NULL;
}

/* A task's health check as Mesos validates it (its messages), plus what
 * Meso's agent cannot run; NULL when valid. */
static const char *validate_health_check(const Mesos__V1__HealthCheck *hc)
{
	if (!hc->has_type)
		return "HealthCheck must specify 'type'";
	switch (hc->type) {
	case MESOS__V1__HEALTH_CHECK__TYPE__COMMAND:
		if (!hc->command)
			return "Expecting 'command' to be set for COMMAND health check";
		if (!hc->command->value)
			return hc->command->has_shell && !hc->command->shell
			               ? "Command health check must contain 'executable path'"
			               : "Command health check must contain 'shell command'";
		break;
	case MESOS__V1__HEALTH_CHECK__TYPE__HTTP:
		if (!hc->http)
			return "Expecting 'http' to be set for HTTP health check";
		if (hc->http->scheme && strcmp(hc->http->scheme, "http") != 0 &&
		    strcmp(hc->http->scheme, "https") != 0) {
			static char msg[200]; /* the master's one thread; read before the next call */
			snprintf(msg, sizeof msg, "Unsupported HTTP health check scheme: '%.100s'", hc->http->scheme);
			return msg;
		}
		if (hc->http->path && hc->http->path[0] != '/')
			return "The path of HTTP health check must start with '/'";
		break;
	case MESOS__V1__HEALTH_CHECK__TYPE__TCP:
		if (!hc->tcp)
			return "Expecting 'tcp' to be set for TCP health check";
		break;
	default:
		return "'UNKNOWN' is not a valid health check type";
	}
	if (hc->has_delay_seconds && !(hc->delay_seconds >= 0))
		return "Expecting 'delay_seconds' to be non-negative";
	if (hc->has_grace_period_seconds && !(hc->grace_period_seconds >= 0))
		return "Expecting 'grace_period_seconds' to be non-negative";
	if (hc->has_interval_seconds && !(hc->interval_seconds >= 0))
		return "Expecting 'interval_seconds' to be non-negative";
	if (hc->has_timeout_seconds && !(hc->timeout_seconds >= 0))
		return "Expecting 'timeout_seconds' to be non-negative";
	if ((hc->http && hc->http->port > 65535) || (hc->tcp && hc->tcp->port > 65535))
		return "The port of a health check must be at most 65535";
	return NULL;
}

/* The user a task runs as: its CommandInfo's (an executor's for a task
 * on a custom executor), else its framework's, as Mesos chooses. */
static const char *task_user(const m_fw *fw, const Mesos__V1__TaskInfo *ti)
{
	const Mesos__V1__CommandInfo *cmd = ti->command ? ti->command : ti->executor ? ti->executor->command : NULL;
	if (cmd && cmd->user && cmd->user[0])
		return cmd->user;
	return fw->user ? fw->user : "";
}

/* The user a task of a group runs as: its own CommandInfo's, else (on a
 * custom executor) the executor's, else its framework's. */
static const char *group_task_user(const m_fw *fw, const Mesos__V1__ExecutorInfo *ei, const Mesos__V1__TaskInfo *ti)
{
	if (!ti->command && !ti->executor && ei->command && ei->command->user && ei->command->user[0])
		return ei->command->user;
	return task_user(fw, ti);
}

/* run_tasks: may the framework's principal run tasks as `user`? With
 * --acls, root needs an ACL that allows it by name, not merely the
 * default of a permissive file. NULL, or why not. */
static const char *authorize_user(accept_ctx *x, const char *user, char *buf, size_t len)
{
	master *m = x->m;
	if (!m->acls)
		return NULL;
	int d = rt_acls_decide(m->acls, RT_ACL_RUN_TASKS, x->fw->principal, user);
	bool ok = strcmp(user, "root") == 0 ? d == 1 : master_authorized(m, RT_ACL_RUN_TASKS, x->fw->principal, user);
	if (ok)
		return NULL;
	snprintf(buf, len, "Not authorized to launch as user '%.100s'%s (run_tasks)", user,
	         strcmp(user, "root") == 0 && d < 0 ? ": root needs an ACL that allows it" : "");
	return buf;
}

/* The first checks of any task, a LAUNCH's or a group's: an id, the
 * offers' agent. NULL when it passes. */
static const char *check_task_target(const accept_ctx *x, const Mesos__V1__TaskInfo *ti)
{
	if (!ti->task_id->value[0])
		return "Task ID must not be empty";
	if (strcmp(ti->agent_id->value, x->agent->id) != 0)
		return "Task uses an agent other than the offers' agent";
	return NULL;
}

/* A task's resources (parsed into res, not empty) and its health check.
 * NULL when they pass, else the message (in buf where it has details). */
static const char *check_task_needs(accept_ctx *x, const Mesos__V1__TaskInfo *ti, ac_resources *res, char *buf,
                                    size_t len)
{
	ac_err err;
	if (rt_resources_from_pb(x->m->core, ti->resources, ti->n_resources, res, &err) != 0) {
		snprintf(buf, len, "Task uses invalid resources: %s", err.msg);
		return buf;
	}
	if (ac_resources_empty(res))
		return "Task uses no resources";
	if (ti->health_check) {
		const char *why = validate_health_check(ti->health_check);
		if (why) {
			snprintf(buf, len, "Task uses invalid health check: %s", why);
			return buf;
		}
	}
	return NULL;
}

/* Checks one task against the offers' agent and what is left of them;
 * returns NULL when valid, else the TASK_ERROR message. */
static const char *validate_task(accept_ctx *x, const Mesos__V1__TaskInfo *ti, ac_resources *res, bool *exec_new,
                                 ac_resources *eres, char *buf, size_t len)
{
	*exec_new = false;
	const char *why = check_task_target(x, ti);
	if (why)
		return why;
	if ((ti->command != NULL) == (ti->executor != NULL))
		return "Task should have at least one (but not both) of CommandInfo or ExecutorInfo present";
	if (ti->command && (!ti->command->value || !ti->command->value[0]))
		return "Task's CommandInfo has no value";
	if (master_task_find(x->m, x->fw, ti->task_id->value))
		return "Task has duplicate ID";
	why = check_task_needs(x, ti, res, buf, len);
	if (why)
		return why;
	ac_resources need = *res;
	if (ti->executor) {
		why = validate_executor(x, ti->executor, exec_new, eres, buf, len);
		if (why)
			return why;
		if (*exec_new)
			ac_resources_add(&need, eres);
	}
	if (!ac_resources_contains(&x->left, &need))
		return *exec_new ? "Task and its executor use more resources than offered"
		                 : "Task uses more resources than offered";
	/* Last, as before: a repeat within the call is reported only when the
	 * task is otherwise valid. */
	ok_id *seen;
	HASH_FIND_STR(x->ok_by_id, ti->task_id->value, seen);
	if (seen)
		return "Task has duplicate ID";
	/* Its persistent volumes, taken from those the offers show (a new
	 * executor's were taken above). */
	return master_volset_take(x->m, &x->vs, ti->resources, ti->n_resources, &x->left, ti->task_id->value, NULL, buf,
	                          len);
}

/* Checks every task in order, each against what the earlier valid ones left:
 * the valid ones are kept for the launch, the others are TASK_ERROR. */
static void accept_check_tasks(accept_ctx *x)
{
	x->ok = rt_xcalloc(x->ntasks, sizeof *x->ok);
	x->okres = rt_xcalloc(x->ntasks, sizeof *x->okres);
	x->ok_ids = rt_xcalloc(x->ntasks, sizeof *x->ok_ids);
	x->ne.info = rt_xcalloc(x->ntasks, sizeof *x->ne.info);
	x->ne.res = rt_xcalloc(x->ntasks, sizeof *x->ne.res);
	for (size_t i = 0; i < x->ntasks; i++) {
		const Mesos__V1__TaskInfo *ti = x->tasks[i];
		char buf[300];
		bool exec_new;
		ac_resources res, eres;
		const char *why = validate_task(x, ti, &res, &exec_new, &eres, buf, sizeof buf);
		if (why && exec_new)
			master_volset_release(&x->vs, NULL, ti->executor->executor_id->value);
		if (why) {
			master_send_status(x->m, x->fw, ti->task_id->value, x->agent->id,
			                   MESOS__V1__TASK_STATE__TASK_ERROR,
			                   MESOS__V1__TASK_STATUS__REASON__REASON_TASK_INVALID, why);
			continue;
		}
		why = authorize_user(x, task_user(x->fw, ti), buf, sizeof buf);
		if (why) {
			master_volset_release(&x->vs, ti->task_id->value,
			                      exec_new ? ti->executor->executor_id->value : NULL);
			rt_log(RT_INFO, "framework %s: task %s refused: %s", x->fw->id, ti->task_id->value, why);
			master_send_status(x->m, x->fw, ti->task_id->value, x->agent->id,
			                   MESOS__V1__TASK_STATE__TASK_ERROR,
			                   MESOS__V1__TASK_STATUS__REASON__REASON_TASK_UNAUTHORIZED, why);
			continue;
		}
		ac_resources_sub(&x->left, &res);
		ac_resources_add(&x->used, &res);
		if (exec_new) {
			ac_resources_sub(&x->left, &eres);
			ac_resources_add(&x->used, &eres);
			x->ne.info[x->ne.n] = ti->executor;
			x->ne.res[x->ne.n++] = eres;
		}
		ok_id *k = &x->ok_ids[x->nok];
		HASH_ADD_KEYPTR(hh, x->ok_by_id, ti->task_id->value, strlen(ti->task_id->value), k);
		x->ok[x->nok] = ti;
		x->okres[x->nok++] = res;
	}
}

/* ---------------------------------------------------- step 2b: groups */

/* The ExecutorInfo of an executor that an operation of this ACCEPT checked
 * before starts (a LAUNCH's or a LAUNCH_GROUP's), or NULL. */
static const Mesos__V1__ExecutorInfo *starting_executor(const accept_ctx *x, const char *id)
{
	for (size_t i = 0; i < x->ne.n; i++)
		if (strcmp(x->ne.info[i]->executor_id->value, id) == 0)
			return x->ne.info[i];
	for (size_t i = 0; i < x->nokg; i++)
		if (x->okg[i].exec_new && strcmp(x->okg[i].lg->executor->executor_id->value, id) == 0)
			return x->okg[i].lg->executor;
	return NULL;
}

/* Checks a LAUNCH_GROUP as Mesos's master does (its messages where it has
 * them): the executor, then each task, then their sum against what is
 * left. NULL when valid; *reason says which TASK_ERROR reason the whole
 * group gets otherwise. */
static const char *validate_group(accept_ctx *x, ok_group *g, int *reason, char *buf, size_t len)
{
	const Mesos__V1__ExecutorInfo *ei = g->lg->executor;
	const Mesos__V1__TaskGroupInfo *tg = g->lg->task_group;
	*reason = MESOS__V1__TASK_STATUS__REASON__REASON_TASK_GROUP_INVALID;
	if (!ei->has_type)
		return "'ExecutorInfo.type' must be set";
	if (ei->type == MESOS__V1__EXECUTOR_INFO__TYPE__UNKNOWN)
		return "Unknown executor type";
	bool custom = ei->type == MESOS__V1__EXECUTOR_INFO__TYPE__CUSTOM;
	if (custom && (!ei->command || !ei->command->value || !ei->command->value[0]))
		return "'ExecutorInfo.command' must be set for 'CUSTOM' executor";
	if (!ei->executor_id->value[0])
		return "Executor ID must not be empty";
	if (ei->framework_id && strcmp(ei->framework_id->value, x->fw->id) != 0)
		return "ExecutorInfo has an invalid FrameworkID";
	if (tg->n_tasks == 0)
		return "Task group must contain at least one task";
	size_t plen;
	uint8_t *packed = master_exec_pack(ei, x->fw->id, &plen);
	m_exec *e = master_exec_find(x->m, x->fw, x->agent, ei->executor_id->value);
	bool known = e != NULL;
	bool same = e && e->info_len == plen && memcmp(e->info, packed, plen) == 0;
	const Mesos__V1__ExecutorInfo *starting = e ? NULL : starting_executor(x, ei->executor_id->value);
	if (starting) {
		/* Started by an earlier operation of this ACCEPT: charged there. */
		size_t l;
		uint8_t *other = master_exec_pack(starting, x->fw->id, &l);
		known = true;
		same = l == plen && memcmp(other, packed, l) == 0;
		free(other);
	}
	free(packed);
	if (known && !same)
		return "Task group has invalid ExecutorInfo (existing ExecutorInfo with same ExecutorID is not "
		       "compatible)";
	ac_resources need;
	ac_resources_init(&need);
	ac_resources_init(&g->eres);
	ac_err err;
	g->exec_new = !known;
	if (g->exec_new) {
		if (rt_resources_from_pb(x->m->core, ei->resources, ei->n_resources, &g->eres, &err) != 0) {
			snprintf(buf, len, "Executor uses invalid resources: %s", err.msg);
			return buf;
		}
		/* The default executor has no sandbox of its own: no volume. */
		const char *why = master_volset_take(x->m, &x->vs, ei->resources, ei->n_resources, &x->left, NULL,
		                                     custom ? ei->executor_id->value : NULL, buf, len);
		if (why)
			return why;
		ac_resources_add(&need, &g->eres);
	}
	for (size_t i = 0; i < tg->n_tasks; i++) {
		const Mesos__V1__TaskInfo *ti = tg->tasks[i];
		const char *why = check_task_target(x, ti);
		if (why)
			return why;
		if (ti->executor) {
			size_t l;
			uint8_t *a = master_exec_pack(ti->executor, x->fw->id, &l);
			uint8_t *b = master_exec_pack(ei, x->fw->id, &plen);
			bool differs = l != plen || memcmp(a, b, l) != 0;
			free(a);
			free(b);
			if (differs) {
				snprintf(buf, len,
				         "The `ExecutorInfo` of task '%.100s' is different from executor '%.100s'",
				         ti->task_id->value, ei->executor_id->value);
				return buf;
			}
		}
		if (!custom && (!ti->command || !ti->command->value || !ti->command->value[0]))
			return "Each task of a task group needs a CommandInfo with a value (Meso's default executor "
			       "runs "
			       "commands)";
		ok_id *seen;
		HASH_FIND_STR(x->ok_by_id, ti->task_id->value, seen);
		bool repeated = seen != NULL;
		for (size_t k = 0; k < i && !repeated; k++)
			repeated = strcmp(tg->tasks[k]->task_id->value, ti->task_id->value) == 0;
		if (repeated || master_task_find(x->m, x->fw, ti->task_id->value))
			return "Task has duplicate ID";
		why = check_task_needs(x, ti, &g->res[i], buf, len);
		if (why)
			return why;
		why = master_volset_take(x->m, &x->vs, ti->resources, ti->n_resources, &x->left, ti->task_id->value,
		                         NULL, buf, len);
		if (why)
			return why;
		why = authorize_user(x, group_task_user(x->fw, ei, ti), buf, len);
		if (why) {
			*reason = MESOS__V1__TASK_STATUS__REASON__REASON_TASK_GROUP_UNAUTHORIZED;
			return why;
		}
		ac_resources_add(&need, &g->res[i]);
	}
	if (!ac_resources_contains(&x->left, &need))
		return "Task group and its executor use more resources than offered";
	ac_resources_sub(&x->left, &need);
	ac_resources_add(&x->used, &need);
	return NULL;
}

/* Every LAUNCH_GROUP, all or nothing: a valid one is kept for the launch,
 * every task of an invalid one is TASK_ERROR with the group's reason. */
static void accept_check_groups(accept_ctx *x)
{
	x->okg = rt_xcalloc(x->ngroups ? x->ngroups : 1, sizeof *x->okg);
	for (size_t i = 0; i < x->ngroups; i++) {
		const Mesos__V1__TaskGroupInfo *tg = x->groups[i]->task_group;
		ok_group *g = &x->okg[x->nokg];
		g->lg = x->groups[i];
		g->res = rt_xcalloc(tg->n_tasks ? tg->n_tasks : 1, sizeof *g->res);
		char buf[300];
		int reason;
		const char *why = validate_group(x, g, &reason, buf, sizeof buf);
		if (why) {
			rt_log(RT_INFO, "framework %s: task group of executor %s refused: %s", x->fw->id,
			       g->lg->executor->executor_id->value, why);
			answer_tasks(x, tg->tasks, tg->n_tasks, x->agent->id, MESOS__V1__TASK_STATE__TASK_ERROR,
			             (Mesos__V1__TaskStatus__Reason)reason, why);
			for (size_t k = 0; k < tg->n_tasks; k++)
				master_volset_release(&x->vs, tg->tasks[k]->task_id->value, NULL);
			if (g->exec_new)
				master_volset_release(&x->vs, NULL, g->lg->executor->executor_id->value);
			free(g->res);
			continue;
		}
		g->ids = rt_xcalloc(tg->n_tasks, sizeof *g->ids);
		for (size_t k = 0; k < tg->n_tasks; k++)
			HASH_ADD_KEYPTR(hh, x->ok_by_id, tg->tasks[k]->task_id->value,
			                strlen(tg->tasks[k]->task_id->value), &g->ids[k]);
		x->nokg++;
	}
}

/* ------------------------------------------------------ step 3: commit */

/* The valid RESERVE and UNRESERVE operations, in order, on what the
 * framework now holds (OPERATION_FINISHED for those with an id); then what
 * no task uses is free again (without a filter: see runtime/README.md). */
static void accept_apply_resv(accept_ctx *x)
{
	if (!x->nokr)
		return;
	for (size_t j = 0; j < x->nokr; j++) {
		const ok_resv *r = &x->okr[j];
		if (r->op->type == MESOS__V1__OFFER__OPERATION__TYPE__CREATE ||
		    r->op->type == MESOS__V1__OFFER__OPERATION__TYPE__DESTROY) {
			for (size_t i = 0; i < r->nvols; i++) {
				if (r->op->type == MESOS__V1__OFFER__OPERATION__TYPE__CREATE) {
					master_vol_create(x->m, x->agent, &r->vols[i]);
					continue;
				}
				m_volume *v = master_vol_find(x->agent, r->vols[i].role, r->vols[i].id);
				if (v)
					master_vol_destroy(x->m, x->agent, (size_t)(v - x->agent->vols));
			}
			x->m->metrics.operations_finished[r->op->type]++;
			op_feedback(x, r->op, MESOS__V1__OPERATION_STATE__OPERATION_FINISHED, NULL);
			continue;
		}
		ac_err err;
		int rc = r->reserve ? master_resv_reserve(x->m, x->agent, x->fw, &r->rec, &err)
		                    : master_resv_unreserve(x->m, x->agent, x->fw, &r->rec, &err);
		if (rc) {
			/* Checked above: cannot happen. */
			drop_op(x, r->op, err.msg);
			continue;
		}
		rt_log(RT_INFO, "framework %s: %s on agent %s for role %s done", x->fw->id, op_name(r->op->type),
		       x->agent->id, r->role);
		x->m->metrics.operations_finished[r->op->type]++;
		op_feedback(x, r->op, MESOS__V1__OPERATION_STATE__OPERATION_FINISHED, NULL);
	}
	ac_err err;
	if (!ac_resources_empty(&x->left) && ac_recover(x->m->core, x->fwac, x->agent->ac, &x->left, &err) != 0)
		rt_log(RT_WARN, "framework %s: recovering what an ACCEPT left unused failed: %s", x->fw->id, err.msg);
}

/* The core takes what the valid tasks use and declines the rest of the
 * offers under the call's filter; the offers and new executors are then
 * the master's records. False (every valid task LOST) if the core refuses. */
static bool accept_commit(accept_ctx *x)
{
	ac_offer_id *ids = rt_xcalloc(x->noffers, sizeof *ids);
	for (size_t i = 0; i < x->noffers; i++)
		ids[i] = x->offers[i]->ac;
	ac_err err;
	/* With reservations the framework takes the offers whole: they are
	 * converted in what it holds, and what no task uses goes back below. */
	const ac_resources *take = x->nokr ? &x->offered : &x->used;
	int rc = ac_offers_accept(x->m->core, ids, x->noffers, take, x->refuse, master_now(x->m), &err);
	free(ids);
	if (rc != 0) {
		/* Cannot happen after the checks above; answer as for a bad offer. */
		rt_log(RT_ERROR, "allocator refused an accept of framework %s: %s", x->fw->id, err.msg);
		for (size_t j = 0; j < x->nok; j++)
			master_send_status(x->m, x->fw, x->ok[j]->task_id->value, x->agent->id,
			                   MESOS__V1__TASK_STATE__TASK_LOST,
			                   MESOS__V1__TASK_STATUS__REASON__REASON_INVALID_OFFERS, err.msg);
		for (size_t j = 0; j < x->nokg; j++)
			answer_tasks(x, x->okg[j].lg->task_group->tasks, x->okg[j].lg->task_group->n_tasks,
			             x->agent->id, MESOS__V1__TASK_STATE__TASK_LOST,
			             MESOS__V1__TASK_STATUS__REASON__REASON_INVALID_OFFERS, err.msg);
		for (size_t j = 0; j < x->nokr; j++)
			drop_op(x, x->okr[j].op, err.msg);
		x->nok = x->nokg = x->nokr = 0;
		return false;
	}
	accept_apply_resv(x);
	for (size_t i = 0; i < x->noffers; i++)
		master_offer_forget(x->m, x->offers[i]);
	x->noffers = 0;
	for (size_t i = 0; i < x->ne.n; i++) {
		const Mesos__V1__ExecutorInfo *ei = x->ne.info[i];
		master_exec_add(x->m, x->fw, x->agent, ei, &x->ne.res[i])->fwac = x->fwac;
		master_vol_launched(x->m, x->agent, x->fw->id, NULL, ei->executor_id->value, ei->resources,
		                    ei->n_resources);
	}
	return true;
}

/* ------------------------------------------------------ step 4: launch */

/* A task recorded as launched: STAGING (no update, as Mesos), its user
 * and the time its launch started. */
static m_task *add_launched(master *m, m_fw *fw, ac_fw_id fwac, m_agent *a, const Mesos__V1__TaskInfo *ti,
                            const char *executor_id, const char *user, const ac_resources *res)
{
	m_task *t = master_task_add(m, fw, a, ti->task_id->value, ti->name, executor_id, res,
	                            MESOS__V1__TASK_STATE__TASK_STAGING);
	t->fwac = fwac;
	t->launched_ns = rt_mono_ns();
	t->user = rt_xstrdup(user);
	m->metrics.tasks_launched++;
	return t;
}

/* What a custom executor's SUBSCRIBED tells it about its framework (fid
 * holds the framework's id). */
/* What an executor's SUBSCRIBED tells it about its framework: its
 * FrameworkInfo, as Mesos hands it on — a MULTI_ROLE framework's `roles`
 * (subscribed, in order) and capabilities, else its `role`. x->fi points
 * into x; exec_fw_info_free frees the roles list. */
typedef struct exec_fw_info {
	Mesos__V1__FrameworkInfo fi;
	Mesos__V1__FrameworkInfo__Capability caps[3], *capp[3];
	char **roles;
} exec_fw_info;

static void executor_fw_info(master *m, m_fw *fw, Mesos__V1__FrameworkID *fid, exec_fw_info *x)
{
	static const Mesos__V1__FrameworkInfo__Capability__Type types[3] = {
	        MESOS__V1__FRAMEWORK_INFO__CAPABILITY__TYPE__MULTI_ROLE,
	        MESOS__V1__FRAMEWORK_INFO__CAPABILITY__TYPE__PARTITION_AWARE,
	        MESOS__V1__FRAMEWORK_INFO__CAPABILITY__TYPE__TASK_KILLING_STATE};
	Mesos__V1__FrameworkInfo *fi = &x->fi;
	*fi = (Mesos__V1__FrameworkInfo)MESOS__V1__FRAMEWORK_INFO__INIT;
	bool has[3] = {fw->multi_role, fw->partition_aware, fw->killing_state};
	for (size_t i = 0; i < 3; i++) {
		if (!has[i])
			continue;
		mesos__v1__framework_info__capability__init(&x->caps[fi->n_capabilities]);
		x->caps[fi->n_capabilities].has_type = true;
		x->caps[fi->n_capabilities].type = types[i];
		x->capp[fi->n_capabilities] = &x->caps[fi->n_capabilities];
		fi->n_capabilities++;
	}
	fi->capabilities = x->capp;
	size_t nroles = fw->multi_role ? master_fw_nroles(m, fw, false) : 0;
	x->roles = nroles ? rt_xcalloc(nroles, sizeof *x->roles) : NULL;
	for (size_t i = 0; i < nroles; i++)
		x->roles[i] = (char *)master_fw_role_at(m, fw, i, NULL);
	fi->user = fw->user;
	fi->name = fw->name;
	fi->id = fid;
	fi->role = nroles ? NULL : fw->role;
	fi->roles = x->roles;
	fi->n_roles = nroles;
	fi->has_failover_timeout = fw->failover_timeout > 0;
	fi->failover_timeout = fw->failover_timeout;
}

static void exec_fw_info_free(exec_fw_info *x)
{
	free(x->roles);
	x->roles = NULL;
}

/* What Mesos's master does to a launch before it forwards it
 * (injectAllocationInfo): every resource of the tasks and of their executor
 * says the role it is allocated to, so the agent can tell tasks their
 * MESOS_ALLOCATION_ROLE and a later leader can put recovered tasks back in
 * their roles. Shallow copies in ar; the framework's messages stay as sent
 * (a resource that already names a role keeps it: ACCEPT checked it). */
static Mesos__V1__Resource **resources_allocated(rt_arena *ar, Mesos__V1__Resource *const *res, size_t n,
                                                 Mesos__V1__Resource__AllocationInfo *ai)
{
	Mesos__V1__Resource **out = rt_arena_alloc(ar, (n ? n : 1) * sizeof *out);
	for (size_t i = 0; i < n; i++) {
		out[i] = rt_arena_alloc(ar, sizeof *out[i]);
		*out[i] = *res[i];
		if (!out[i]->allocation_info)
			out[i]->allocation_info = ai;
	}
	return out;
}

static Mesos__V1__ExecutorInfo *executor_allocated(rt_arena *ar, const Mesos__V1__ExecutorInfo *ei,
                                                   Mesos__V1__Resource__AllocationInfo *ai)
{
	if (!ei)
		return NULL;
	Mesos__V1__ExecutorInfo *x = rt_arena_alloc(ar, sizeof *x);
	*x = *ei;
	x->resources = resources_allocated(ar, ei->resources, ei->n_resources, ai);
	return x;
}

static Mesos__V1__TaskInfo *task_allocated(rt_arena *ar, const Mesos__V1__TaskInfo *ti,
                                           Mesos__V1__Resource__AllocationInfo *ai)
{
	Mesos__V1__TaskInfo *x = rt_arena_alloc(ar, sizeof *x);
	*x = *ti;
	x->resources = resources_allocated(ar, ti->resources, ti->n_resources, ai);
	x->executor = executor_allocated(ar, ti->executor, ai);
	return x;
}

static Mesos__V1__Resource__AllocationInfo *allocation_of(rt_arena *ar, const char *role)
{
	Mesos__V1__Resource__AllocationInfo *ai = rt_arena_alloc(ar, sizeof *ai);
	mesos__v1__resource__allocation_info__init(ai);
	ai->role = (char *)role;
	return ai;
}

/* Records the task and sends RUN_TASK; an agent that cannot be reached
 * makes it LOST (DROPPED) at once. */
static void launch_task(master *m, m_fw *fw, ac_fw_id fwac, m_agent *a, const Mesos__V1__TaskInfo *ti,
                        const ac_resources *res)
{
	m_task *t = add_launched(m, fw, fwac, a, ti, ti->executor ? ti->executor->executor_id->value : NULL,
	                         task_user(fw, ti), res);
	master_vol_launched(m, a, fw->id, t->id, NULL, ti->resources, ti->n_resources);
	Mesos__V1__FrameworkID fid = MESOS__V1__FRAMEWORK_ID__INIT;
	Meso__Agent__RunTask rt = MESO__AGENT__RUN_TASK__INIT;
	Meso__Agent__AgentMessage msg = MESO__AGENT__AGENT_MESSAGE__INIT;
	fid.value = fw->id;
	rt.framework_id = &fid;
	rt_arena *ar = rt_arena_create();
	rt.task = task_allocated(ar, ti, allocation_of(ar, master_fw_role_of(m, fw, fwac)));
	exec_fw_info xfi;
	executor_fw_info(m, fw, &fid, &xfi);
	if (ti->executor)
		rt.framework_info = &xfi.fi;
	rt.user = t->user;
	msg.type = MESO__AGENT__AGENT_MESSAGE__TYPE__RUN_TASK;
	msg.run_task = &rt;
	bool sent = master_agent_send(m, a, &msg);
	exec_fw_info_free(&xfi);
	rt_arena_destroy(ar);
	if (sent)
		return;
	Mesos__V1__TaskState lost =
	        fw->partition_aware ? MESOS__V1__TASK_STATE__TASK_DROPPED : MESOS__V1__TASK_STATE__TASK_LOST;
	master_send_status(m, fw, t->id, a->id, lost, MESOS__V1__TASK_STATUS__REASON__REASON_AGENT_DISCONNECTED,
	                   "Agent is disconnected");
	master_task_update(m, t, lost, rt_wall_seconds(), NULL);
	master_task_remove(m, t, true);
	/* An executor this launch was to start never runs: free it too. */
	m_exec *e = ti->executor ? master_exec_find(m, fw, a, ti->executor->executor_id->value) : NULL;
	bool used = false;
	for (m_task *o = a->tasks; o && e && !used; o = o->agent_next)
		used = o->fw == fw && o->executor_id && strcmp(o->executor_id, e->id) == 0;
	if (e && !used)
		master_exec_remove(m, e, true);
}

/* Records a valid group's executor (when it starts with it) and tasks
 * (STAGING) and sends them to the agent in one RUN_TASK_GROUP; an agent
 * that cannot be reached makes them LOST (DROPPED) at once. */
static void launch_group(master *m, m_fw *fw, ac_fw_id fwac, m_agent *a, const ok_group *g)
{
	const Mesos__V1__ExecutorInfo *ei = g->lg->executor;
	const Mesos__V1__TaskGroupInfo *tg = g->lg->task_group;
	if (g->exec_new) {
		master_exec_add(m, fw, a, ei, &g->eres)->fwac = fwac;
		master_vol_launched(m, a, fw->id, NULL, ei->executor_id->value, ei->resources, ei->n_resources);
	}
	const char *user = group_task_user(fw, ei, tg->tasks[0]);
	m_task **ts = rt_xcalloc(tg->n_tasks, sizeof *ts);
	for (size_t i = 0; i < tg->n_tasks; i++) {
		ts[i] = add_launched(m, fw, fwac, a, tg->tasks[i], ei->executor_id->value,
		                     group_task_user(fw, ei, tg->tasks[i]), &g->res[i]);
		master_vol_launched(m, a, fw->id, ts[i]->id, NULL, tg->tasks[i]->resources, tg->tasks[i]->n_resources);
	}
	Mesos__V1__FrameworkID fid = MESOS__V1__FRAMEWORK_ID__INIT;
	Meso__Agent__RunTaskGroup rg = MESO__AGENT__RUN_TASK_GROUP__INIT;
	Meso__Agent__AgentMessage msg = MESO__AGENT__AGENT_MESSAGE__INIT;
	fid.value = fw->id;
	rg.framework_id = &fid;
	exec_fw_info xfi;
	executor_fw_info(m, fw, &fid, &xfi);
	if (ei->type == MESOS__V1__EXECUTOR_INFO__TYPE__CUSTOM)
		rg.framework_info = &xfi.fi;
	rt_arena *ar = rt_arena_create();
	Mesos__V1__Resource__AllocationInfo *ai = allocation_of(ar, master_fw_role_of(m, fw, fwac));
	rg.executor = executor_allocated(ar, ei, ai);
	rg.tasks = rt_arena_alloc(ar, tg->n_tasks * sizeof *rg.tasks);
	for (size_t i = 0; i < tg->n_tasks; i++)
		rg.tasks[i] = task_allocated(ar, tg->tasks[i], ai);
	rg.n_tasks = tg->n_tasks;
	rg.user = (char *)user;
	msg.type = MESO__AGENT__AGENT_MESSAGE__TYPE__RUN_TASK_GROUP;
	msg.run_task_group = &rg;
	bool sent = master_agent_send(m, a, &msg);
	exec_fw_info_free(&xfi);
	rt_arena_destroy(ar);
	if (!sent) {
		Mesos__V1__TaskState lost =
		        fw->partition_aware ? MESOS__V1__TASK_STATE__TASK_DROPPED : MESOS__V1__TASK_STATE__TASK_LOST;
		for (size_t i = 0; i < tg->n_tasks; i++) {
			master_send_status(m, fw, ts[i]->id, a->id, lost,
			                   MESOS__V1__TASK_STATUS__REASON__REASON_AGENT_DISCONNECTED,
			                   "Agent is disconnected");
			master_task_update(m, ts[i], lost, rt_wall_seconds(), NULL);
			master_task_remove(m, ts[i], true);
		}
		m_exec *e = g->exec_new ? master_exec_find(m, fw, a, ei->executor_id->value) : NULL;
		if (e)
			master_exec_remove(m, e, true);
	}
	free(ts);
}

/* ------------------------------------------------------------- the call */

void master_accept(master *m, m_fw *fw, const Accept *acc)
{
	accept_ctx x = {.m = m, .fw = fw, .acc = acc, .refuse = AC_REFUSE_DEFAULT};
	if (acc->filters && acc->filters->has_refuse_seconds)
		x.refuse = ac_refuse_from_seconds(acc->filters->refuse_seconds);
	const char *bad = accept_check_offers(&x);
	if (bad) {
		accept_drop_all(&x, bad);
	} else {
		accept_collect_tasks(&x);
		accept_check_resv(&x);
		accept_check_tasks(&x);
		accept_check_groups(&x);
		if (accept_commit(&x)) {
			for (size_t j = 0; j < x.nok; j++)
				launch_task(m, fw, x.fwac, x.agent, x.ok[j], &x.okres[j]);
			for (size_t j = 0; j < x.nokg; j++)
				launch_group(m, fw, x.fwac, x.agent, &x.okg[j]);
		}
	}
	free(x.tasks);
	free(x.offers);
	HASH_CLEAR(hh, x.ok_by_id);
	free(x.ok_ids);
	free(x.ok);
	free(x.okres);
	free(x.ne.info);
	free(x.ne.res);
	for (size_t j = 0; j < x.nokg; j++) {
		free(x.okg[j].res);
		free(x.okg[j].ids);
	}
	free(x.okg);
	free(x.groups);
	free(x.resv);
	for (size_t j = 0; j < x.nokr; j++)
		free(x.okr[j].vols);
	free(x.okr);
	master_volset_free(&x.vs);
}
