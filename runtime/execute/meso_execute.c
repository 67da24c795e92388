/*
 * meso_execute.c — meso-execute, the simplest v1 framework: subscribes to
 * the master's scheduler API (protobuf), launches K instances of a shell
 * command on offered resources, prints every status transition, acknowledges
 * updates, and exits with the task's exit status. SIGINT/SIGTERM kill the
 * tasks (they end KILLED) before it exits. For its user it also says where
 * each task's output is (asked of the agent's /state), when no offer has fit
 * for a while (and what the offers had), and why the master refused a call.
 */
#define _GNU_SOURCE
#include <ev.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alloccore/alloccore.h"
#include "rt_auth.h"
#include "rt_elect.h"
#include "rt_flags.h"
#include "rt_http.h"
#include "rt_http_client.h"
#include "rt_master_url.h"
#include "rt_resources.h"
#include "rt_taskstate.h"
#include "rt_util.h"
#include "scheduler/scheduler.pb-c.h"

typedef Mesos__V1__Scheduler__Call Call;
typedef Mesos__V1__Scheduler__Event Event;

typedef struct instance {
	char id[160];
	char agent_id[160];
	char agent_host[256]; /* the agent's HTTP address, from the offer's url */
	int agent_port;
	bool launched, terminal, where_asked;
	Mesos__V1__TaskState state;
	int exit_status;
} instance;

typedef struct execute {
	struct ev_loop *loop;
	char host[256];
	int port;
	const char *name, *command, *role;
	const char *user;      /* CommandInfo.user (--user), or NULL */
	char *principal;       /* FrameworkInfo.principal, or NULL */
	char auth_header[600]; /* "Authorization: Basic ...\r\n" with a secret, else "" */
	rt_tls *tls;           /* LIBPROCESS_SSL_ENABLED: HTTPS, the server verified with the CA file */
	int instances;
	double refuse_seconds;
	ac_core *parser;
	ac_resources need;
	Mesos__V1__Resource **need_pb;
	size_t n_need_pb;
	rt_arena *arena;
	rt_http_client *stream;
	rt_recordio_decoder rio;
	char *fw_id;
	char stream_id[160];
	instance *inst;
	rt_http_caller *calls; /* the connection for calls */
	bool suppressed, killing, finishing, teardown_pending;
	int exit_status;
	/* --zk: follow the elected master and re-subscribe with our id. */
	rt_zk *zk;
	double failover_timeout;
	ev_timer resubscribe;
	ev_timer linger; /* bounds the wait for the last answers at the end */
	/* Offers that did not fit since the last launch or report. */
	ev_timer unfit_timer;
	double report_after, last_progress, next_report;
	size_t unfit_offers;
	double best_score;
	char best_offer[512], best_host[256];
	uint32_t offered_kinds; /* bit k: some offer had scalar kind k */
	int lookups;            /* agent /state requests in flight */
} execute;

static void finish(execute *e, int status);
static void simple_call(execute *e, Mesos__V1__Scheduler__Call__Type type);
static void subscribe(execute *e);

static size_t pending(const execute *e)
{
	return e->calls ? rt_http_caller_pending(e->calls) : 0;
}

/* ---------------------------------------------------------------- calls */

/* What a call's answer needs: the program and the call's type, for the log. */
typedef struct call_ctx {
	execute *e;
	Mesos__V1__Scheduler__Call__Type type;
} call_ctx;

static const char *call_name(Mesos__V1__Scheduler__Call__Type type)
{
	const ProtobufCEnumValue *v =
	        protobuf_c_enum_descriptor_get_value(&mesos__v1__scheduler__call__type__descriptor, (int)type);
	return v ? v->name : "UNKNOWN";
}

/* Exits once the calls and the agents' /state lookups are answered. */
static void maybe_done(execute *e)
{
	if (e->finishing && pending(e) == 0 && e->lookups == 0)
		ev_break(e->loop, EVBREAK_ALL);
}

static void call_done(void *ud, int status, const uint8_t *body, size_t len, const char *error)
{
	call_ctx *cx = ud;
	execute *e = cx->e;
	if (error) {
		rt_log(RT_WARN, "%s call failed: %s", call_name(cx->type), error);
	} else if (status != 202) {
		/* A refused call (400 a bad call, 501 one Meso does not serve...):
		 * the master's reason is the body, one line of text. */
		while (len && (body[len - 1] == '\n' || body[len - 1] == '\r'))
			len--;
		rt_log(RT_INFO, "the master refused %s: HTTP %d %s: %.*s", call_name(cx->type), status,
		       rt_http_status_text(status), (int)(len > 1000 ? 1000 : len), (const char *)body);
	}
	free(cx);
	if (e->finishing && pending(e) == 0) {
		if (e->teardown_pending) {
			/* TEARDOWN goes last, after the acknowledgements. */
			e->teardown_pending = false;
			simple_call(e, MESOS__V1__SCHEDULER__CALL__TYPE__TEARDOWN);
		} else {
			maybe_done(e);
		}
	}
}

static void send_call(execute *e, Call *call)
{
	if (!e->calls || !e->fw_id)
		return; /* no leader known yet: the agents re-send what matters */
	Mesos__V1__FrameworkID fid = MESOS__V1__FRAMEWORK_ID__INIT;
	fid.value = e->fw_id;
	call->framework_id = &fid;
	size_t n = protobuf_c_message_get_packed_size(&call->base);
	uint8_t *bytes = rt_xmalloc(n);
	protobuf_c_message_pack(&call->base, bytes);
	char headers[1000];
	snprintf(headers, sizeof headers, "Content-Type: application/x-protobuf\r\nMesos-Stream-Id: %s\r\n%s",
	         e->stream_id, e->auth_header);
	/* One kept-alive connection, calls pipelined in order. */
	call_ctx *cx = rt_xmalloc(sizeof *cx);
	cx->e = e;
	cx->type = call->type;
	rt_http_caller_post(e->calls, "/api/v1/scheduler", headers, bytes, n, call_done, cx);
	free(bytes);
	call->framework_id = NULL;
}

static void simple_call(execute *e, Mesos__V1__Scheduler__Call__Type type)
{
	Call call = MESOS__V1__SCHEDULER__CALL__INIT;
	call.has_type = true;
	call.type = type;
	send_call(e, &call);
}

static void finish(execute *e, int status)
{
	if (e->finishing)
		return;
	e->finishing = true;
	e->exit_status = status;
	if (e->fw_id && pending(e) > 0)
		e->teardown_pending = true;
	else if (e->fw_id)
		simple_call(e, MESOS__V1__SCHEDULER__CALL__TYPE__TEARDOWN);
	ev_timer_start(e->loop, &e->linger);
	maybe_done(e);
}

static void linger_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	ev_break(loop, EVBREAK_ALL);
}

/* ------------------------------------------------ offers that do not fit */

/* How much of one task an offer covers: the sum over the kinds asked for of
 * min(offered / asked, 1). The offer with the highest is "the largest". */
static double offer_score(const execute *e, const ac_resources *have)
{
	ac_vec h, n;
	ac_resources_scalars(have, &h);
	ac_resources_scalars(&e->need, &n);
	double score = 0;
	for (int k = 0; k < AC_KINDS; k++)
		if (n.v[k] > 0)
			score += h.v[k] >= n.v[k] ? 1.0 : (double)h.v[k] / (double)n.v[k];
	return score;
}

static void note_unfit(execute *e, const Mesos__V1__Offer *o, const ac_resources *have)
{
	ac_vec h;
	ac_resources_scalars(have, &h);
	for (int k = 0; k < AC_KINDS; k++)
		if (h.v[k] > 0)
			e->offered_kinds |= 1u << k;
	double score = offer_score(e, have);
	if (e->unfit_offers++ == 0 || score > e->best_score) {
		e->best_score = score;
		rt_resources_text(e->parser, have, e->best_offer, sizeof e->best_offer);
		snprintf(e->best_host, sizeof e->best_host, "%s", o->hostname ? o->hostname : o->agent_id->value);
	}
}

static void unfit_reset(execute *e)
{
	e->unfit_offers = 0;
	e->offered_kinds = 0;
	e->last_progress = ev_now(e->loop);
	e->next_report = e->last_progress + e->report_after;
}

/* --report_after seconds without a launch while tasks wait, then at doubling
 * intervals: say what was asked for and what the offers since the last
 * launch had, naming kinds no offer had at all (a typo such as "cpu:1" for
 * "cpus:1" never fits). */
static void unfit_check(struct ev_loop *loop, ev_timer *w, int revents)
{
	execute *e = w->data;
	int waiting = 0;
	for (int k = 0; k < e->instances; k++)
		waiting += !e->inst[k].launched;
	if (!waiting || e->killing || e->finishing || ev_now(loop) < e->next_report)
		return;
	char need[512];
	rt_resources_text(e->parser, &e->need, need, sizeof need);
	double waited = ev_now(loop) - e->last_progress;
	if (!e->fw_id) {
		rt_log(RT_INFO, "not subscribed yet after %.0f s: is the master up?", waited);
	} else if (e->unfit_offers == 0) {
		rt_log(RT_INFO,
		       "%d task(s) wait: no offer in %.0f s (role \"%s\"; are agents registered with free resources? "
		       "the "
		       "master's /state lists them)",
		       waiting, waited, e->role);
	} else {
		char missing[256] = "";
		size_t m = 0;
		ac_vec n;
		ac_resources_scalars(&e->need, &n);
		for (int k = 0; k < AC_KINDS; k++)
			if (n.v[k] > 0 && !(e->offered_kinds & (1u << k)) && m < sizeof missing)
				m += (size_t)snprintf(missing + m, sizeof missing - m, "%s\"%s\"", m ? ", " : "",
				                      ac_kind_name(e->parser, k));
		rt_log(RT_INFO,
		       "%d task(s) wait: none of the %zu offers in %.0f s fit one task's \"%s\"; the largest "
		       "offer (from %s) had \"%s\"%s%s%s",
		       waiting, e->unfit_offers, waited, need, e->best_host, e->best_offer,
		       m ? "; no offer had any " : "", missing, m ? " (a misspelt resource name?)" : "");
	}
	e->next_report = ev_now(loop) + waited;
}

/* ------------------------------------------------ where a task's output is */

typedef struct lookup {
	execute *e;
	int k; /* the instance */
	rt_buf body;
} lookup;

static void lookup_body(rt_http_client *c, const uint8_t *data, size_t len, void *ud)
{
	lookup *l = ud;
	if (l->body.len < (64u << 20))
		rt_buf_append(&l->body, data, len);
}

/* The agent's /state names the task's sandbox; if the task is already gone
 * from it, its work_dir gives the folder the sandbox is in. */
static void lookup_done(rt_http_client *c, const char *error, void *ud)
{
	lookup *l = ud;
	execute *e = l->e;
	instance *in = &e->inst[l->k];
	json_t *root = error ? NULL : json_loadb((const char *)l->body.data, l->body.len, 0, NULL);
	const char *sandbox = NULL, *work_dir = NULL, *hostname = NULL;
	if (root) {
		work_dir = json_string_value(json_object_get(root, "work_dir"));
		hostname = json_string_value(json_object_get(root, "hostname"));
		size_t i;
		json_t *t;
		json_array_foreach(json_object_get(root, "tasks"), i, t)
		{
			const char *id = json_string_value(json_object_get(t, "id"));
			if (id && strcmp(id, in->id) == 0)
				sandbox = json_string_value(json_object_get(t, "sandbox"));
		}
	}
	const char *host = hostname ? hostname : in->agent_host;
	if (sandbox)
		rt_log(RT_INFO, "%s: its output is in %s:%s/stdout and stderr (agent %s)", in->id, host, sandbox,
		       in->agent_id);
	else if (work_dir && e->fw_id)
		rt_log(RT_INFO, "%s: its output is in %s:%s/frameworks/%s/tasks/%s-*/stdout and stderr (agent %s)",
		       in->id, host, work_dir, e->fw_id, in->id, in->agent_id);
	else
		rt_log(RT_INFO, "%s: runs on agent %s (%s:%d); its /state did not say where: %s", in->id, in->agent_id,
		       in->agent_host, in->agent_port, error ? error : "no such task");
	json_decref(root);
	rt_buf_free(&l->body);
	free(l);
	e->lookups--;
	maybe_done(e);
}

static void ask_where(execute *e, int k)
{
	instance *in = &e->inst[k];
	if (in->where_asked || !in->agent_host[0] || in->agent_port <= 0)
		return;
	in->where_asked = true;
	lookup *l = rt_xcalloc(1, sizeof *l);
	l->e = e;
	l->k = k;
	rt_buf_init(&l->body);
	rt_http_client_handlers h = {.on_body = lookup_body, .on_done = lookup_done, .ud = l};
	if (!rt_http_client_start_tls(e->loop, in->agent_host, in->agent_port, "GET", "/state", NULL, NULL, 0, &h,
	                              e->tls)) {
		rt_buf_free(&l->body);
		free(l);
		return;
	}
	e->lookups++;
}

/* --------------------------------------------------------------- events */

static void handle_offers(execute *e, const Mesos__V1__Scheduler__Event__Offers *offers)
{
	for (size_t i = 0; i < offers->n_offers; i++) {
		const Mesos__V1__Offer *o = offers->offers[i];
		ac_resources have;
		ac_err err;
		Mesos__V1__OfferID *ids[1] = {o->id};
		if (rt_resources_from_pb(e->parser, o->resources, o->n_resources, &have, &err) != 0) {
			fprintf(stderr, "meso-execute: offer %s has resources I cannot read: %s\n", o->id->value,
			        err.msg);
			have.ngroups = 1;
			ac_resources_init(&have);
		}
		rt_arena *a = rt_arena_create();
		Mesos__V1__TaskInfo **tasks = rt_arena_alloc(a, (size_t)e->instances * sizeof *tasks);
		size_t ntasks = 0;
		for (int k = 0; k < e->instances && !e->killing && !e->finishing; k++) {
			instance *in = &e->inst[k];
			if (in->launched || !ac_resources_contains(&have, &e->need))
				continue;
			ac_resources_sub(&have, &e->need);
			in->launched = true;
			snprintf(in->agent_id, sizeof in->agent_id, "%s", o->agent_id->value);
			if (o->url && o->url->address) {
				const Mesos__V1__Address *ad = o->url->address;
				snprintf(in->agent_host, sizeof in->agent_host, "%s",
				         ad->ip         ? ad->ip
				         : ad->hostname ? ad->hostname
				                        : "");
				in->agent_port = ad->port;
			}
			Mesos__V1__TaskInfo *ti = rt_arena_alloc(a, sizeof *ti);
			mesos__v1__task_info__init(ti);
			ti->name = (char *)e->name;
			ti->task_id = rt_arena_alloc(a, sizeof *ti->task_id);
			mesos__v1__task_id__init(ti->task_id);
			ti->task_id->value = in->id;
			ti->agent_id = o->agent_id;
			ti->resources = e->need_pb;
			ti->n_resources = e->n_need_pb;
			ti->command = rt_arena_alloc(a, sizeof *ti->command);
			mesos__v1__command_info__init(ti->command);
			ti->command->value = (char *)e->command;
			ti->command->has_shell = true;
			ti->command->shell = true;
			ti->command->user = (char *)e->user;
			tasks[ntasks++] = ti;
			printf("%s: launching on agent %s (%s)\n", in->id, o->agent_id->value, o->hostname);
		}
		if (ntasks)
			unfit_reset(e);
		else if (!e->killing && !e->finishing)
			note_unfit(e, o, &have);
		Call call = MESOS__V1__SCHEDULER__CALL__INIT;
		Mesos__V1__Filters filters = MESOS__V1__FILTERS__INIT;
		filters.has_refuse_seconds = true;
		filters.refuse_seconds = e->refuse_seconds;
		call.has_type = true;
		if (ntasks) {
			Mesos__V1__Scheduler__Call__Accept acc = MESOS__V1__SCHEDULER__CALL__ACCEPT__INIT;
			Mesos__V1__Offer__Operation op = MESOS__V1__OFFER__OPERATION__INIT;
			Mesos__V1__Offer__Operation__Launch launch = MESOS__V1__OFFER__OPERATION__LAUNCH__INIT;
			Mesos__V1__Offer__Operation *ops[1] = {&op};
			launch.task_infos = tasks;
			launch.n_task_infos = ntasks;
			op.has_type = true;
			op.type = MESOS__V1__OFFER__OPERATION__TYPE__LAUNCH;
			op.launch = &launch;
			acc.offer_ids = ids;
			acc.n_offer_ids = 1;
			acc.operations = ops;
			acc.n_operations = 1;
			acc.filters = &filters;
			call.type = MESOS__V1__SCHEDULER__CALL__TYPE__ACCEPT;
			call.accept = &acc;
			send_call(e, &call);
		} else {
			Mesos__V1__Scheduler__Call__Decline dec = MESOS__V1__SCHEDULER__CALL__DECLINE__INIT;
			dec.offer_ids = ids;
			dec.n_offer_ids = 1;
			dec.filters = &filters;
			call.type = MESOS__V1__SCHEDULER__CALL__TYPE__DECLINE;
			call.decline = &dec;
			send_call(e, &call);
		}
		rt_arena_destroy(a);
	}
	bool all = true;
	for (int k = 0; k < e->instances; k++)
		all &= e->inst[k].launched;
	if (all && !e->suppressed) {
		e->suppressed = true;
		simple_call(e, MESOS__V1__SCHEDULER__CALL__TYPE__SUPPRESS);
	}
}

/* Reconciliation answers TASK_UNKNOWN for a task the master never knew:
 * for this framework that ends it too. */
static bool terminal(Mesos__V1__TaskState s)
{
	return rt_task_state_terminal(s) || s == MESOS__V1__TASK_STATE__TASK_UNKNOWN;
}

static void handle_update(execute *e, const Mesos__V1__TaskStatus *st)
{
	printf("%s: %s%s%s%s\n", st->task_id->value, rt_task_state_name(st->state), st->message ? " (" : "",
	       st->message ? st->message : "", st->message ? ")" : "");
	fflush(stdout);
	if (st->has_reason && st->reason == MESOS__V1__TASK_STATUS__REASON__REASON_AGENT_DRAINING)
		rt_log(RT_INFO,
		       "%s was killed because its agent %s is draining (an operator's DRAIN_AGENT or /machine/down)",
		       st->task_id->value, st->agent_id ? st->agent_id->value : "?");
	if (st->has_uuid && st->agent_id) {
		Call call = MESOS__V1__SCHEDULER__CALL__INIT;
		Mesos__V1__Scheduler__Call__Acknowledge ack = MESOS__V1__SCHEDULER__CALL__ACKNOWLEDGE__INIT;
		ack.agent_id = st->agent_id;
		ack.task_id = st->task_id;
		ack.uuid = st->uuid;
		call.has_type = true;
		call.type = MESOS__V1__SCHEDULER__CALL__TYPE__ACKNOWLEDGE;
		call.acknowledge = &ack;
		send_call(e, &call);
	}
	instance *in = NULL;
	for (int k = 0; k < e->instances; k++)
		if (strcmp(e->inst[k].id, st->task_id->value) == 0) {
			in = &e->inst[k];
			/* The first word from the agent: it has made the sandbox. */
			if (st->has_uuid)
				ask_where(e, k);
		}
	if (!in || in->terminal)
		return;
	in->state = st->state;
	if (!terminal(st->state))
		return;
	in->terminal = true;
	int code = 0;
	switch (st->state) {
	case MESOS__V1__TASK_STATE__TASK_FINISHED:
		code = 0;
		break;
	case MESOS__V1__TASK_STATE__TASK_KILLED:
		code = 128 + SIGTERM;
		break;
	case MESOS__V1__TASK_STATE__TASK_FAILED:
		code = 1;
		if (st->message && sscanf(st->message, "Command exited with status %d", &code) != 1)
			code = 1;
		break;
	default:
		code = 1;
		break;
	}
	in->exit_status = code;
	bool all = true;
	int status = 0;
	for (int k = 0; k < e->instances; k++) {
		all &= e->inst[k].terminal;
		if (e->inst[k].terminal && e->inst[k].exit_status && !status)
			status = e->inst[k].exit_status;
	}
	if (all)
		finish(e, status);
}

static void on_event(const uint8_t *rec, size_t len, void *ud)
{
	execute *e = ud;
	Event *ev = mesos__v1__scheduler__event__unpack(NULL, len, rec);
	if (!ev) {
		fprintf(stderr, "meso-execute: undecodable event of %zu bytes\n", len);
		return;
	}
	switch (ev->type) {
	case MESOS__V1__SCHEDULER__EVENT__TYPE__SUBSCRIBED:
		if (ev->subscribed) {
			bool again = e->fw_id != NULL;
			free(e->fw_id);
			e->fw_id = rt_xstrdup(ev->subscribed->framework_id->value);
			fprintf(stderr, "meso-execute: %s as framework %s\n", again ? "re-subscribed" : "subscribed",
			        e->fw_id);
			/* A new master does not know we had suppressed offers. */
			if (again && e->suppressed)
				simple_call(e, MESOS__V1__SCHEDULER__CALL__TYPE__SUPPRESS);
		}
		break;
	case MESOS__V1__SCHEDULER__EVENT__TYPE__OFFERS:
		if (ev->offers)
			handle_offers(e, ev->offers);
		break;
	case MESOS__V1__SCHEDULER__EVENT__TYPE__UPDATE:
		if (ev->update)
			handle_update(e, ev->update->status);
		break;
	case MESOS__V1__SCHEDULER__EVENT__TYPE__ERROR:
		fprintf(stderr, "meso-execute: error from the master: %s\n", ev->error ? ev->error->message : "?");
		finish(e, 1);
		break;
	case MESOS__V1__SCHEDULER__EVENT__TYPE__FAILURE:
		if (ev->failure && ev->failure->agent_id)
			fprintf(stderr, "meso-execute: agent %s failed\n", ev->failure->agent_id->value);
		break;
	default:
		break;
	}
	mesos__v1__scheduler__event__free_unpacked(ev, NULL);
}

static void stream_headers(rt_http_client *c, int status, void *ud)
{
	execute *e = ud;
	const char *sid = rt_http_client_header(c, "Mesos-Stream-Id");
	if (status != 200 || !sid) {
		fprintf(stderr, "meso-execute: SUBSCRIBE answered HTTP %d\n", status);
		return;
	}
	snprintf(e->stream_id, sizeof e->stream_id, "%s", sid);
}

static void stream_body(rt_http_client *c, const uint8_t *data, size_t len, void *ud)
{
	execute *e = ud;
	if (!e->stream_id[0]) {
		fprintf(stderr, "meso-execute: %.*s", (int)len, (const char *)data);
		return;
	}
	if (rt_recordio_feed(&e->rio, data, len, on_event, e) != 0) {
		fprintf(stderr, "meso-execute: malformed RecordIO stream\n");
		finish(e, 1);
	}
}

static void stream_done(rt_http_client *c, const char *error, void *ud)
{
	execute *e = ud;
	e->stream = NULL;
	if (!e->finishing && e->zk) {
		/* The master went away: the detector names the next one; retry
		 * shortly in case this one is still the leader. */
		fprintf(stderr, "meso-execute: subscription stream ended%s%s; subscribing again\n", error ? ": " : "",
		        error ? error : "");
		ev_timer_stop(e->loop, &e->resubscribe);
		ev_timer_set(&e->resubscribe, 0.25, 0.);
		ev_timer_start(e->loop, &e->resubscribe);
		return;
	}
	if (!e->finishing) {
		fprintf(stderr, "meso-execute: subscription stream ended%s%s\n", error ? ": " : "", error ? error : "");
		free(e->fw_id);
		e->fw_id = NULL; /* no teardown on a dead stream */
		finish(e, 1);
	}
}

static void subscribe(execute *e)
{
	Call call = MESOS__V1__SCHEDULER__CALL__INIT;
	Mesos__V1__Scheduler__Call__Subscribe sub = MESOS__V1__SCHEDULER__CALL__SUBSCRIBE__INIT;
	Mesos__V1__FrameworkInfo fi = MESOS__V1__FRAMEWORK_INFO__INIT;
	const char *user = getenv("USER");
	fi.user = (char *)(user ? user : "root");
	fi.name = (char *)e->name;
	fi.role = (char *)e->role;
	fi.principal = e->principal;
	Mesos__V1__FrameworkID fid = MESOS__V1__FRAMEWORK_ID__INIT;
	if (e->fw_id) {
		/* Re-subscription (a failed-over master): same id, same tasks. */
		fid.value = e->fw_id;
		fi.id = &fid;
		call.framework_id = &fid;
	}
	if (e->failover_timeout > 0) {
		fi.has_failover_timeout = true;
		fi.failover_timeout = e->failover_timeout;
	}
	e->stream_id[0] = 0;
	rt_recordio_free(&e->rio);
	rt_recordio_init(&e->rio, 64u << 20);
	sub.framework_info = &fi;
	call.has_type = true;
	call.type = MESOS__V1__SCHEDULER__CALL__TYPE__SUBSCRIBE;
	call.subscribe = &sub;
	size_t n = protobuf_c_message_get_packed_size(&call.base);
	uint8_t *bytes = rt_xmalloc(n);
	protobuf_c_message_pack(&call.base, bytes);
	rt_http_client_handlers h = {
	        .on_headers = stream_headers, .on_body = stream_body, .on_done = stream_done, .ud = e};
	char headers[800];
	snprintf(headers, sizeof headers,
	         "Content-Type: application/x-protobuf\r\nAccept: application/x-protobuf\r\n%s", e->auth_header);
	e->stream = rt_http_client_start_tls(e->loop, e->host, e->port, "POST", "/api/v1/scheduler", headers, bytes, n,
	                                     &h, e->tls);
	free(bytes);
}

static void resubscribe_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	execute *e = w->data;
	if (!e->stream && !e->finishing && e->host[0])
		subscribe(e);
}

static void on_leader(void *ud, const char *info)
{
	execute *e = ud;
	char host[256];
	int port;
	if (!info || rt_master_info_address(info, host, sizeof host, &port) != 0) {
		fprintf(stderr, "meso-execute: no leading master; waiting for one\n");
		e->host[0] = 0;
		return;
	}
	if (e->stream && strcmp(host, e->host) == 0 && port == e->port)
		return;
	fprintf(stderr, "meso-execute: leading master is %s:%d\n", host, port);
	snprintf(e->host, sizeof e->host, "%s", host);
	e->port = port;
	if (e->calls)
		rt_http_caller_destroy(e->calls);
	e->calls = rt_http_caller_create_tls(e->loop, e->host, e->port, e->tls);
	if (e->stream)
		rt_http_client_cancel(e->stream); /* stream_done schedules a retry */
	ev_timer_stop(e->loop, &e->resubscribe);
	if (!e->stream && !e->finishing)
		subscribe(e);
}

/* SIGUSR1: an implicit RECONCILE; the master answers with an UPDATE per
 * task it knows, printed like any other ("ID: TASK_RUNNING (Reconciliation: ...)"). */
static void on_usr1(struct ev_loop *loop, ev_signal *w, int revents)
{
	execute *e = w->data;
	Call call = MESOS__V1__SCHEDULER__CALL__INIT;
	Mesos__V1__Scheduler__Call__Reconcile rec = MESOS__V1__SCHEDULER__CALL__RECONCILE__INIT;
	call.has_type = true;
	call.type = MESOS__V1__SCHEDULER__CALL__TYPE__RECONCILE;
	call.reconcile = &rec;
	send_call(e, &call);
}

static void on_signal(struct ev_loop *loop, ev_signal *w, int revents)
{
	execute *e = w->data;
	if (e->killing || !e->fw_id) {
		fprintf(stderr, "meso-execute: stopping\n");
		finish(e, 128 + w->signum);
		return;
	}
	e->killing = true;
	fprintf(stderr, "meso-execute: killing the tasks (signal again to stop at once)\n");
	bool any = false;
	for (int k = 0; k < e->instances; k++) {
		instance *in = &e->inst[k];
		if (!in->launched) {
			in->terminal = true;
			in->exit_status = 128 + w->signum;
			continue;
		}
		if (in->terminal)
			continue;
		any = true;
		Call call = MESOS__V1__SCHEDULER__CALL__INIT;
		Mesos__V1__Scheduler__Call__Kill kill = MESOS__V1__SCHEDULER__CALL__KILL__INIT;
		Mesos__V1__TaskID tid = MESOS__V1__TASK_ID__INIT;
		Mesos__V1__AgentID aid = MESOS__V1__AGENT_ID__INIT;
		tid.value = in->id;
		aid.value = in->agent_id;
		kill.task_id = &tid;
		kill.agent_id = &aid;
		call.has_type = true;
		call.type = MESOS__V1__SCHEDULER__CALL__TYPE__KILL;
		call.kill = &kill;
		send_call(e, &call);
	}
	if (!any)
		finish(e, 128 + w->signum);
}

int main(int argc, char **argv)
{
	const char *master = NULL, *name = "meso-execute", *command = NULL, *resources = "cpus:0.1;mem:32";
	const char *role = "*";
	int instances = 1;
	double refuse = 5.0, failover_timeout = -1, zk_timeout = 10.0, report_after = 10.0;
	const char *zk = NULL, *principal = NULL, *secret = NULL, *credential = NULL, *user = NULL;
	rt_flag flags[] = {
	        {"master", RT_FLAG_STRING, &master,
	         "HOST:PORT, zk://HOST:PORT[,...]/PATH (follow the elected master) or file:///PATH holding either"},
	        {"zk", RT_FLAG_STRING, &zk, "zk://HOST:PORT[,...]/PATH: as --master=zk://..."},
	        {"zk_session_timeout", RT_FLAG_DURATION, &zk_timeout, "ZooKeeper session timeout, seconds"},
	        {"failover_timeout", RT_FLAG_DURATION, &failover_timeout,
	         "seconds the master keeps our tasks while we are away (default: 60 with --zk, else 0)"},
	        {"name", RT_FLAG_STRING, &name, "framework and task name"},
	        {"command", RT_FLAG_STRING, &command, "shell command each task runs (required)"},
	        {"resources", RT_FLAG_STRING, &resources, "resources of one task, e.g. \"cpus:0.5;mem:64\""},
	        {"instances", RT_FLAG_INT, &instances, "how many tasks to run"},
	        {"role", RT_FLAG_STRING, &role, "the framework's role"},
	        {"principal", RT_FLAG_STRING, &principal,
	         "the framework's principal (FrameworkInfo.principal; with --secret, its HTTP Basic credential)"},
	        {"secret", RT_FLAG_STRING, &secret, "the secret that goes with --principal"},
	        {"credential", RT_FLAG_STRING, &credential,
	         "a file (or file:///path) holding {\"principal\": .., \"secret\": ..}, instead of the two above"},
	        {"user", RT_FLAG_STRING, &user,
	         "the user the tasks run as (CommandInfo.user; default: the framework's, $USER)"},
	        {"refuse_seconds", RT_FLAG_DOUBLE, &refuse, "filter on declined or unused offer resources"},
	        {"report_after", RT_FLAG_DOUBLE, &report_after,
	         "seconds without a launch before saying that no offer fits, and what the offers had (0: never)"},
	};
	int rc = rt_flags_parse("meso-execute",
	                        "Runs a command as Meso tasks through the v1 scheduler API and exits with its status.",
	                        flags, sizeof flags / sizeof flags[0], argc, argv);
	if (rc)
		return rc > 0 ? 0 : 2;
	static execute e;
	if ((!master && !zk) || !command || instances < 1 || instances > 100000) {
		fprintf(stderr, "meso-execute: --master (or --zk) and --command are required, --instances >= 1 (see "
		                "--help)\n");
		return 2;
	}
	if (master && zk) {
		fprintf(stderr, "meso-execute: give --master or --zk, not both\n");
		return 2;
	}
	rt_master_url where;
	char why[600];
	if (rt_master_url_parse(master ? master : zk, &where, why, sizeof why) != 0) {
		fprintf(stderr, "meso-execute: %s\n", why);
		return 2;
	}
	if (zk && where.kind != RT_MASTER_ZK) {
		fprintf(stderr, "meso-execute: --zk: expected zk://HOST:PORT[,...]/PATH, got \"%s\"\n", zk);
		return 2;
	}
	if (where.kind == RT_MASTER_HOSTPORT) {
		snprintf(e.host, sizeof e.host, "%s", where.host);
		e.port = where.port;
	}
	bool follow = where.kind == RT_MASTER_ZK;
	e.failover_timeout = failover_timeout >= 0 ? failover_timeout : follow ? 60.0 : 0.0;
	ac_err err;
	if (ac_core_create(NULL, NULL, &e.parser, &err) != 0 ||
	    ac_resources_parse(e.parser, resources, &e.need, &err) != 0 || ac_resources_empty(&e.need)) {
		fprintf(stderr, "meso-execute: --resources: %s\n", ac_resources_empty(&e.need) ? "empty" : err.msg);
		return 2;
	}
	char *cred_secret = NULL;
	if (rt_auth_client_credential(principal, secret, credential, &e.principal, &cred_secret, why, sizeof why) !=
	    0) {
		fprintf(stderr, "meso-execute: %s\n", why);
		return 2;
	}
	if (cred_secret && !rt_auth_basic_header(e.principal, cred_secret, e.auth_header, sizeof e.auth_header)) {
		fprintf(stderr, "meso-execute: the principal and secret are too long\n");
		return 2;
	}
	free(cred_secret);
	e.user = user;
	rt_tls_config tc;
	if (rt_tls_config_from_env(&tc) && !(e.tls = rt_tls_client_create(&tc, why, sizeof why))) {
		fprintf(stderr, "meso-execute: TLS: %s\n", why);
		return 2;
	}
	rt_log_init("meso-execute", RT_INFO);
	signal(SIGPIPE, SIG_IGN);
	e.loop = ev_default_loop(EVFLAG_AUTO);
	e.name = name;
	e.command = command;
	e.role = role;
	e.instances = instances;
	e.refuse_seconds = refuse;
	e.arena = rt_arena_create();
	e.need_pb = rt_resources_to_pb(e.parser, &e.need, NULL, e.arena, &e.n_need_pb);
	e.inst = rt_xcalloc((size_t)instances, sizeof *e.inst);
	uint8_t u[16];
	rt_uuid_random(u);
	for (int k = 0; k < instances; k++)
		snprintf(e.inst[k].id, sizeof e.inst[k].id, "%s-%02x%02x%02x-%d", name, u[0], u[1], u[2], k);
	rt_recordio_init(&e.rio, 64u << 20);
	ev_timer_init(&e.resubscribe, resubscribe_cb, 0.25, 0.);
	e.resubscribe.data = &e;
	/* Calls normally take milliseconds; an agent that does not answer its
	 * /state must not hold the exit. */
	ev_timer_init(&e.linger, linger_cb, 5.0, 0.);
	ev_timer_init(&e.unfit_timer, unfit_check, 1.0, 1.0);
	e.unfit_timer.data = &e;
	e.report_after = report_after;
	unfit_reset(&e);
	if (report_after > 0) {
		ev_timer_set(&e.unfit_timer, report_after < 1 ? report_after : 1.0,
		             report_after < 1 ? report_after : 1.0);
		ev_timer_start(e.loop, &e.unfit_timer);
	}
	if (follow) {
		e.host[0] = 0;
		e.zk = rt_zk_open(e.loop, where.zk.hosts, (int)(zk_timeout * 1000));
		if (!e.zk) {
			fprintf(stderr, "meso-execute: cannot open a ZooKeeper session to %s\n", where.zk.hosts);
			return 1;
		}
		rt_detector_start(e.zk, where.zk.path, on_leader, &e);
	} else {
		e.calls = rt_http_caller_create_tls(e.loop, e.host, e.port, e.tls);
		subscribe(&e);
		if (!e.stream) {
			fprintf(stderr, "meso-execute: cannot reach %s\n", master);
			return 1;
		}
	}
	ev_signal sigusr1;
	ev_signal_init(&sigusr1, on_usr1, SIGUSR1);
	sigusr1.data = &e;
	ev_signal_start(e.loop, &sigusr1);
	ev_signal sigint, sigterm;
	ev_signal_init(&sigint, on_signal, SIGINT);
	ev_signal_init(&sigterm, on_signal, SIGTERM);
	sigint.data = sigterm.data = &e;
	ev_signal_start(e.loop, &sigint);
	ev_signal_start(e.loop, &sigterm);
	ev_run(e.loop, 0);
	ev_timer_stop(e.loop, &e.resubscribe);
	ev_timer_stop(e.loop, &e.unfit_timer);
	ev_timer_stop(e.loop, &e.linger);
	if (e.zk)
		rt_zk_close(e.zk);
	if (e.stream) {
		rt_http_client *c = e.stream;
		e.finishing = true;
		rt_http_client_cancel(c);
	}
	if (e.calls)
		rt_http_caller_destroy(e.calls);
	rt_recordio_free(&e.rio);
	rt_arena_destroy(e.arena);
	ac_core_destroy(e.parser);
	free(e.inst);
	free(e.fw_id);
	free(e.principal);
	rt_tls_destroy(e.tls);
	return e.exit_status;
}
