/*
 * scale_frameworks.c — F emulated frameworks on the v1 scheduler API, in
 * protobuf, as meso-execute speaks it (runtime/execute/meso_execute.c): a
 * SUBSCRIBE stream, calls pipelined on one kept-alive connection. Each keeps
 * a backlog of --backlog tasks (`sleep N`) queued or running: an offer gets
 * up to --tasks-per-offer of the queued ones (one ACCEPT with LAUNCH per
 * offer), the offers of an event it does not use are declined together with
 * filters.refuse_seconds, every update with a uuid is acknowledged, and a
 * task that ends goes back to the queue as a new task.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rt_resources.h"
#include "rt_taskstate.h"
#include "scale.h"
#include "scheduler/scheduler.pb-c.h"

typedef Mesos__V1__Scheduler__Call Call;
typedef Mesos__V1__Scheduler__Event Event;

/* One place of the backlog; its task id is "f<fw>-s<slot>-g<gen>", so an
 * update finds its slot without a lookup table. */
typedef enum { SLOT_QUEUED, SLOT_LAUNCHING, SLOT_RUNNING } slot_state;
typedef struct f_slot {
	unsigned gen;
	slot_state state;
	int64_t accept_ns; /* ACCEPT sent */
	bool in_window;    /* ACCEPT sent inside the measurement window */
} f_slot;

struct e_fw {
	scale *s;
	int idx;
	char name[32];
	rt_http_client *stream;
	rt_recordio_decoder rio;
	rt_http_caller *calls;
	char *id;
	char stream_id[64];
	bool subscribed;
	f_slot *slots;
	int *queued; /* a stack of queued slot numbers */
	int nqueued;
};

/* ---------------------------------------------------------------- calls */

static void call_done(void *ud, int status, const uint8_t *body, size_t len, const char *error)
{
	e_fw *f = ud;
	if (f->s->stopping)
		return;
	if (error)
		scale_protocol_error(f->s, "framework %d: call failed: %s", f->idx, error);
	else if (status != 202)
		scale_protocol_error(f->s, "framework %d: call answered HTTP %d: %.*s", f->idx, status,
		                     (int)(len > 200 ? 200 : len), (const char *)body);
}

static void send_call(e_fw *f, Call *call)
{
	if (!f->id)
		return;
	Mesos__V1__FrameworkID fid = MESOS__V1__FRAMEWORK_ID__INIT;
	fid.value = f->id;
	call->framework_id = &fid;
	size_t n = protobuf_c_message_get_packed_size(&call->base);
	uint8_t *bytes = rt_xmalloc(n);
	protobuf_c_message_pack(&call->base, bytes);
	char headers[200];
	snprintf(headers, sizeof headers, "Content-Type: application/x-protobuf\r\nMesos-Stream-Id: %s\r\n",
	         f->stream_id);
	rt_http_caller_post(f->calls, "/api/v1/scheduler", headers, bytes, n, call_done, f);
	free(bytes);
	call->framework_id = NULL;
}

/* --------------------------------------------------------------- offers */

static void accept_offer(e_fw *f, const Mesos__V1__Offer *o, ac_resources *have)
{
	scale *s = f->s;
	int n = 0;
	Mesos__V1__TaskInfo tis[64], *ptis[64];
	Mesos__V1__TaskID tids[64];
	Mesos__V1__CommandInfo cmd = MESOS__V1__COMMAND_INFO__INIT;
	char ids[64][48];
	cmd.value = s->task_command;
	cmd.has_shell = true;
	cmd.shell = true;
	int64_t now = rt_mono_ns();
	while (n < s->cfg.tasks_per_offer && n < 64 && f->nqueued > 0 && ac_resources_contains(have, &s->task_need)) {
		ac_resources_sub(have, &s->task_need);
		int k = f->queued[--f->nqueued];
		f_slot *sl = &f->slots[k];
		sl->state = SLOT_LAUNCHING;
		sl->accept_ns = now;
		sl->in_window = s->phase == PHASE_WINDOW;
		snprintf(ids[n], sizeof ids[n], "f%d-s%d-g%u", f->idx, k, sl->gen);
		mesos__v1__task_id__init(&tids[n]);
		tids[n].value = ids[n];
		mesos__v1__task_info__init(&tis[n]);
		tis[n].name = f->name;
		tis[n].task_id = &tids[n];
		tis[n].agent_id = o->agent_id;
		tis[n].resources = s->task_res_pb;
		tis[n].n_resources = s->n_task_res_pb;
		tis[n].command = &cmd;
		ptis[n] = &tis[n];
		n++;
	}
	Call call = MESOS__V1__SCHEDULER__CALL__INIT;
	Mesos__V1__Filters filters = MESOS__V1__FILTERS__INIT;
	Mesos__V1__Scheduler__Call__Accept acc = MESOS__V1__SCHEDULER__CALL__ACCEPT__INIT;
	Mesos__V1__Offer__Operation op = MESOS__V1__OFFER__OPERATION__INIT;
	Mesos__V1__Offer__Operation__Launch launch = MESOS__V1__OFFER__OPERATION__LAUNCH__INIT;
	Mesos__V1__Offer__Operation *ops[1] = {&op};
	Mesos__V1__OfferID *oids[1] = {o->id};
	filters.has_refuse_seconds = true;
	filters.refuse_seconds = s->cfg.refuse_seconds;
	launch.task_infos = ptis;
	launch.n_task_infos = (size_t)n;
	op.has_type = true;
	op.type = MESOS__V1__OFFER__OPERATION__TYPE__LAUNCH;
	op.launch = &launch;
	acc.offer_ids = oids;
	acc.n_offer_ids = 1;
	acc.operations = ops;
	acc.n_operations = 1;
	acc.filters = &filters;
	call.has_type = true;
	call.type = MESOS__V1__SCHEDULER__CALL__TYPE__ACCEPT;
	call.accept = &acc;
	send_call(f, &call);
	s->c.f_accepts++;
	s->c.f_launched += (uint64_t)n;
}

static void handle_offers(e_fw *f, const Mesos__V1__Scheduler__Event__Offers *offers)
{
	scale *s = f->s;
	s->c.f_offer_events++;
	s->c.f_offers += offers->n_offers;
	Mesos__V1__OfferID **declined = rt_xcalloc(offers->n_offers ? offers->n_offers : 1, sizeof *declined);
	size_t ndeclined = 0;
	for (size_t i = 0; i < offers->n_offers; i++) {
		const Mesos__V1__Offer *o = offers->offers[i];
		ac_resources have;
		ac_err err;
		bool usable = f->nqueued > 0;
		if (usable && rt_resources_from_pb(s->parser, o->resources, o->n_resources, &have, &err) != 0) {
			scale_protocol_error(s, "framework %d: offer %s has unreadable resources: %s", f->idx,
			                     o->id->value, err.msg);
			usable = false;
		}
		if (usable && ac_resources_contains(&have, &s->task_need))
			accept_offer(f, o, &have);
		else
			declined[ndeclined++] = o->id;
	}
	if (ndeclined) {
		Call call = MESOS__V1__SCHEDULER__CALL__INIT;
		Mesos__V1__Filters filters = MESOS__V1__FILTERS__INIT;
		Mesos__V1__Scheduler__Call__Decline dec = MESOS__V1__SCHEDULER__CALL__DECLINE__INIT;
		filters.has_refuse_seconds = true;
		filters.refuse_seconds = s->cfg.refuse_seconds;
		dec.offer_ids = declined;
		dec.n_offer_ids = ndeclined;
		dec.filters = &filters;
		call.has_type = true;
		call.type = MESOS__V1__SCHEDULER__CALL__TYPE__DECLINE;
		call.decline = &dec;
		send_call(f, &call);
		s->c.f_declines += ndeclined;
		s->c.f_decline_calls++;
	}
	free(declined);
}

/* -------------------------------------------------------------- updates */

static void count_terminal(scale_counts *c, Mesos__V1__TaskState st)
{
	switch (st) {
	case MESOS__V1__TASK_STATE__TASK_FINISHED:
		c->f_finished++;
		break;
	case MESOS__V1__TASK_STATE__TASK_FAILED:
		c->f_failed++;
		break;
	case MESOS__V1__TASK_STATE__TASK_KILLED:
		c->f_killed++;
		break;
	case MESOS__V1__TASK_STATE__TASK_LOST:
		c->f_lost++;
		break;
	case MESOS__V1__TASK_STATE__TASK_ERROR:
		c->f_error++;
		break;
	case MESOS__V1__TASK_STATE__TASK_DROPPED:
		c->f_dropped++;
		break;
	case MESOS__V1__TASK_STATE__TASK_GONE:
		c->f_gone++;
		break;
	default:
		c->f_other_terminal++;
		break;
	}
}

static void handle_update(e_fw *f, const Mesos__V1__TaskStatus *st)
{
	scale *s = f->s;
	if (st->has_uuid && st->agent_id) {
		Call call = MESOS__V1__SCHEDULER__CALL__INIT;
		Mesos__V1__Scheduler__Call__Acknowledge ack = MESOS__V1__SCHEDULER__CALL__ACKNOWLEDGE__INIT;
		ack.agent_id = st->agent_id;
		ack.task_id = st->task_id;
		ack.uuid = st->uuid;
		call.has_type = true;
		call.type = MESOS__V1__SCHEDULER__CALL__TYPE__ACKNOWLEDGE;
		call.acknowledge = &ack;
		send_call(f, &call);
		s->c.f_acknowledges++;
	}
	int fw, k;
	unsigned gen;
	if (sscanf(st->task_id->value, "f%d-s%d-g%u", &fw, &k, &gen) != 3 || fw != f->idx || k < 0 ||
	    k >= s->cfg.backlog) {
		scale_protocol_error(s, "framework %d: update for a task it never launched: %s", f->idx,
		                     st->task_id->value);
		return;
	}
	f_slot *sl = &f->slots[k];
	if (sl->gen != gen || sl->state == SLOT_QUEUED) {
		s->c.f_stale_updates++; /* a retried update of a task already ended */
		return;
	}
	if (st->state == MESOS__V1__TASK_STATE__TASK_STARTING) {
		s->c.f_starting++;
	} else if (st->state == MESOS__V1__TASK_STATE__TASK_RUNNING) {
		if (sl->state != SLOT_LAUNCHING) {
			s->c.f_stale_updates++; /* RUNNING again: the agent retried it */
			return;
		}
		s->c.f_running++;
		int64_t lat = rt_mono_ns() - sl->accept_ns;
		if (lat > s->launch_max_all_ns)
			s->launch_max_all_ns = lat;
		if (sl->in_window && s->phase == PHASE_WINDOW)
			scale_samples_add(&s->launch, lat);
		sl->state = SLOT_RUNNING;
	} else if (rt_task_state_terminal(st->state)) {
		count_terminal(&s->c, st->state);
		sl->gen++;
		sl->state = SLOT_QUEUED;
		f->queued[f->nqueued++] = k;
		if (st->state == MESOS__V1__TASK_STATE__TASK_FINISHED)
			scale_task_finished(s);
	}
}

/* --------------------------------------------------------------- stream */

static void on_event(const uint8_t *rec, size_t len, void *ud)
{
	e_fw *f = ud;
	scale *s = f->s;
	Event *ev = mesos__v1__scheduler__event__unpack(NULL, len, rec);
	if (!ev) {
		scale_protocol_error(s, "framework %d: undecodable event of %zu bytes", f->idx, len);
		return;
	}
	switch (ev->type) {
	case MESOS__V1__SCHEDULER__EVENT__TYPE__SUBSCRIBED:
		if (!ev->subscribed || f->id) {
			scale_protocol_error(s, "framework %d: unexpected SUBSCRIBED", f->idx);
			break;
		}
		f->id = rt_xstrdup(ev->subscribed->framework_id->value);
		f->subscribed = true;
		scale_fw_subscribed(s);
		break;
	case MESOS__V1__SCHEDULER__EVENT__TYPE__OFFERS:
		if (ev->offers)
			handle_offers(f, ev->offers);
		break;
	case MESOS__V1__SCHEDULER__EVENT__TYPE__RESCIND:
		s->c.f_rescinds++;
		break;
	case MESOS__V1__SCHEDULER__EVENT__TYPE__UPDATE:
		if (ev->update && ev->update->status)
			handle_update(f, ev->update->status);
		break;
	case MESOS__V1__SCHEDULER__EVENT__TYPE__HEARTBEAT:
		s->c.f_heartbeats++;
		break;
	case MESOS__V1__SCHEDULER__EVENT__TYPE__FAILURE:
		/* Every framework hears of a removed agent: count it once. */
		if (ev->failure && ev->failure->agent_id && !ev->failure->executor_id && f->idx == 0) {
			if (++s->c.f_agent_failures <= SCALE_LOGGED)
				rt_log(RT_WARN, "the master removed agent %s", ev->failure->agent_id->value);
		}
		break;
	case MESOS__V1__SCHEDULER__EVENT__TYPE__ERROR:
		scale_protocol_error(s, "framework %d: ERROR event: %s", f->idx,
		                     ev->error && ev->error->message ? ev->error->message : "?");
		break;
	default:
		scale_protocol_error(s, "framework %d: unexpected event type %d", f->idx, (int)ev->type);
		break;
	}
	mesos__v1__scheduler__event__free_unpacked(ev, NULL);
}

static void stream_headers(rt_http_client *c, int status, void *ud)
{
	e_fw *f = ud;
	const char *sid = rt_http_client_header(c, "Mesos-Stream-Id");
	if (status != 200 || !sid) {
		scale_protocol_error(f->s, "framework %d: SUBSCRIBE answered HTTP %d", f->idx, status);
		return;
	}
	snprintf(f->stream_id, sizeof f->stream_id, "%s", sid);
}

static void stream_body(rt_http_client *c, const uint8_t *data, size_t len, void *ud)
{
	e_fw *f = ud;
	if (!f->stream_id[0])
		return; /* an error answer's body */
	/* The decoder's failure is sticky: reported once, the rest ignored (the
	 * client must not be cancelled from inside its own parser). */
	if (!f->rio.failed && rt_recordio_feed(&f->rio, data, len, on_event, f) != 0)
		scale_protocol_error(f->s, "framework %d: malformed RecordIO stream", f->idx);
}

static void stream_done(rt_http_client *c, const char *error, void *ud)
{
	e_fw *f = ud;
	f->stream = NULL;
	if (!f->s->stopping)
		scale_protocol_error(f->s, "framework %d: subscription stream ended%s%s", f->idx, error ? ": " : "",
		                     error ? error : "");
}

static void subscribe(e_fw *f)
{
	scale *s = f->s;
	Call call = MESOS__V1__SCHEDULER__CALL__INIT;
	Mesos__V1__Scheduler__Call__Subscribe sub = MESOS__V1__SCHEDULER__CALL__SUBSCRIBE__INIT;
	Mesos__V1__FrameworkInfo fi = MESOS__V1__FRAMEWORK_INFO__INIT;
	fi.user = "meso-scale";
	fi.name = f->name;
	fi.role = "*";
	sub.framework_info = &fi;
	call.has_type = true;
	call.type = MESOS__V1__SCHEDULER__CALL__TYPE__SUBSCRIBE;
	call.subscribe = &sub;
	size_t n = protobuf_c_message_get_packed_size(&call.base);
	uint8_t *bytes = rt_xmalloc(n);
	protobuf_c_message_pack(&call.base, bytes);
	rt_http_client_handlers h = {
	        .on_headers = stream_headers, .on_body = stream_body, .on_done = stream_done, .ud = f};
	f->stream = rt_http_client_start(s->loop, s->cfg.host, s->cfg.port, "POST", "/api/v1/scheduler",
	                                 "Content-Type: application/x-protobuf\r\nAccept: application/x-protobuf\r\n",
	                                 bytes, n, &h);
	free(bytes);
	if (!f->stream)
		scale_protocol_error(s, "framework %d: cannot reach %s:%d", f->idx, s->cfg.host, s->cfg.port);
}

/* ------------------------------------------------------------ lifecycle */

void scale_fws_create(scale *s)
{
	s->fws = rt_xcalloc((size_t)s->cfg.frameworks, sizeof *s->fws);
	for (int i = 0; i < s->cfg.frameworks; i++) {
		e_fw *f = &s->fws[i];
		f->s = s;
		f->idx = i;
		snprintf(f->name, sizeof f->name, "scale-%d", i);
		rt_recordio_init(&f->rio, 64u << 20);
		f->slots = rt_xcalloc((size_t)s->cfg.backlog, sizeof *f->slots);
		f->queued = rt_xcalloc((size_t)s->cfg.backlog, sizeof *f->queued);
		for (int k = s->cfg.backlog - 1; k >= 0; k--)
			f->queued[f->nqueued++] = k;
	}
}

void scale_fws_subscribe(scale *s)
{
	for (int i = 0; i < s->cfg.frameworks; i++) {
		e_fw *f = &s->fws[i];
		f->calls = rt_http_caller_create(s->loop, s->cfg.host, s->cfg.port);
		subscribe(f);
	}
}

void scale_fws_close(scale *s)
{
	for (int i = 0; i < s->cfg.frameworks; i++) {
		e_fw *f = &s->fws[i];
		if (f->stream)
			rt_http_client_cancel(f->stream);
		if (f->calls)
			rt_http_caller_destroy(f->calls);
		f->calls = NULL;
	}
}

void scale_fws_destroy(scale *s)
{
	if (!s->fws)
		return;
	for (int i = 0; i < s->cfg.frameworks; i++) {
		e_fw *f = &s->fws[i];
		rt_recordio_free(&f->rio);
		free(f->slots);
		free(f->queued);
		free(f->id);
	}
	free(s->fws);
	s->fws = NULL;
}
