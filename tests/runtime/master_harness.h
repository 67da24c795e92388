/*
 * master_harness.h — a meso_master on a loop of its own, with no sockets and
 * no processes, for the master's unit tests: frameworks speak the v1
 * scheduler API (protobuf) through detached HTTP sessions, agents the framed
 * protocol through detached connections, and the tests read what the master
 * wrote to each. Nothing runs the loop, so no timer fires behind a test's
 * back: allocation passes happen when a test calls mh_allocate.
 */
#ifndef MASTER_HARNESS_H
#define MASTER_HARNESS_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "master.h"

typedef Mesos__V1__Scheduler__Event Event;
typedef Mesos__V1__Scheduler__Call Call;
typedef Meso__Agent__AgentMessage AgentMessage;

typedef struct mh {
	struct ev_loop *loop;
	master m;
	rt_arena *arena;    /* what the helpers build for a test; freed by mh_stop */
	rt_conn *conns[64]; /* the agents' connections, destroyed by mh_stop */
	size_t nconns;
} mh;

/* A master with test flags (agent timeout 15 s, failover and recovery
 * timeouts as the defaults), leading at once. */
void mh_start(mh *h);
/* The same with the flags changed by edit first. */
void mh_start_flags(mh *h, void (*edit)(master_flags *f));
void mh_stop(mh *h);
/* One allocation pass; its offers go to the frameworks' streams. */
void mh_allocate(mh *h);

typedef struct mh_fw {
	mh *h;
	rt_http_session *stream;
	size_t read; /* bytes of the stream's output consumed */
	char id[128];
	char stream_id[40];
} mh_fw;

/* SUBSCRIBEs a new framework of `role` ("a,b": of roles a and b, with the
 * MULTI_ROLE capability); checks the 200, the stream id and
 * the SUBSCRIBED and first HEARTBEAT events. */
void mh_subscribe(mh *h, mh_fw *f, const char *name, const char *role, bool partition_aware);
/* The same with FrameworkInfo.failover_timeout (seconds). */
void mh_subscribe_failover(mh *h, mh_fw *f, const char *name, const char *role, bool partition_aware,
                           double failover_timeout);
/* The same as framework `id` (NULL: a new one), as after a failover. */
void mh_subscribe_as(mh *h, mh_fw *f, const char *name, const char *role, bool partition_aware, double failover_timeout,
                     const char *id);
/* A SUBSCRIBE (role "web") that must be refused as Mesos refuses one: 200,
 * one ERROR event, the stream's end. Returns the ERROR's message. */
const char *mh_subscribe_refused(mh *h, const char *name, double failover_timeout);
/* Sends a call on its own connection, with the framework's id and stream id;
 * returns the HTTP status of the answer. */
int mh_call(mh_fw *f, Call *call);
/* ACKNOWLEDGE of a task's update on an agent (uuid of uuid_len bytes);
 * returns the HTTP status. */
int mh_acknowledge(mh_fw *f, const char *agent_id, const char *task_id, const uint8_t *uuid, size_t uuid_len);
/* The next event on the stream, or NULL when there is none yet (free with
 * mesos__v1__scheduler__event__free_unpacked). HEARTBEATs are skipped. */
Event *mh_event(mh_fw *f);
/* The next event, which must be of type `type`. */
Event *mh_expect(mh_fw *f, Mesos__V1__Scheduler__Event__Type type);
/* The next event, which must be an UPDATE of task_id in `state` with `reason`. */
void mh_expect_update(mh_fw *f, const char *task_id, Mesos__V1__TaskState state, Mesos__V1__TaskStatus__Reason reason,
                      const char *message_part);
/* No event is waiting. */
void mh_expect_quiet(mh_fw *f);

/* The next event must be OFFERS with n offers; their ids (and agents') are
 * copied to the harness arena, in the event's order. */
void mh_offers(mh_fw *f, size_t n, const char **ids, const char **agent_ids);

/* The next event must be OFFERS with one offer: its resources as
 * alloccore's text in text (returned); its id in *offer_id (arena) when not NULL. */
const char *mh_offer_text(mh_fw *f, char *text, size_t len, const char **offer_id);

/* TaskInfo for a command task (resources in Mesos's text form), built in the
 * harness arena. */
Mesos__V1__TaskInfo *mh_task(mh *h, const char *id, const char *agent_id, const char *resources, const char *cmd);
/* ExecutorInfo with a command, built in the harness arena. */
Mesos__V1__ExecutorInfo *mh_executor(mh *h, const char *id, const char *resources, const char *cmd);
/* ACCEPT of offers with one LAUNCH of the tasks; refuse_seconds < 0: no
 * filters. Returns the HTTP status. */
int mh_accept(mh_fw *f, const char **offer_ids, size_t noffers, Mesos__V1__TaskInfo **tasks, size_t ntasks,
              double refuse_seconds);
/* ACCEPT of one offer with operations (a JSON array), refuse_seconds 0;
 * returns the HTTP status. */
int mh_accept_json(mh_fw *f, const char *offer_id, const char *ops);
/* The next event must be UPDATE_OPERATION_STATUS of op_id in `state`, its
 * message containing part (NULL: any). */
void mh_expect_op(mh_fw *f, const char *op_id, Mesos__V1__OperationState state, const char *part);
/* KILL of a task (no agent id, no kill policy). Returns the HTTP status. */
int mh_kill(mh_fw *f, const char *task_id);
/* DECLINE of one offer with refuse_seconds (< 0: no filters). */
int mh_decline(mh_fw *f, const char *offer_id, double refuse_seconds);

typedef struct mh_agent {
	mh *h;
	rt_conn *conn;
	size_t read; /* bytes of the connection's output consumed */
	char id[128];
} mh_agent;

/* A running task an agent reports when it registers. */
typedef struct mh_running {
	const char *fw_id, *task_id, *resources;
	Mesos__V1__TaskState state;
	const char *role; /* its resources' allocation_info.role (NULL: none) */
} mh_running;

/* Opens a connection and REGISTERs (with `id` to re-register, else NULL)
 * with resources and the running tasks; checks REGISTERED and keeps the id. */
void mh_agent_register(mh *h, mh_agent *a, const char *id, const char *resources, const mh_running *tasks,
                       size_t ntasks);
/* A new leader: starts `to`, applies `from`'s registry document to it (as
 * a master elected after `from` reads it) and registers agent b there
 * with id and resources, as the agent comes back. Stop `to` after. */
void mh_successor(mh *from, mh *to, mh_agent *b, const char *id, const char *resources);
/* Sends one frame from the agent. */
void mh_agent_send(mh_agent *a, const AgentMessage *msg);
/* The next frame the master sent the agent, or NULL (free with
 * meso__agent__agent_message__free_unpacked). */
AgentMessage *mh_agent_frame(mh_agent *a);
/* The next frame, which must be of type `type`. */
AgentMessage *mh_agent_expect(mh_agent *a, Meso__Agent__AgentMessage__Type type);
/* Sends a STATUS_UPDATE for a task with a fresh uuid (written to uuid16 when
 * not NULL). */
void mh_agent_status(mh_agent *a, const char *fw_id, const char *task_id, Mesos__V1__TaskState state, uint8_t *uuid16);
/* Closes the connection from the agent's side. */
void mh_agent_close(mh_agent *a);

/* ------------------------------------------------------ operator API */

/* One request to the master on its own connection: method, path, body of
 * content_type (NULL: none), Accept (NULL: none). Returns the status; the
 * body (NUL-terminated, in the harness arena) in *out and its length in
 * *outlen when they are not NULL. */
int mh_http(mh *h, const char *method, const char *path, const char *content_type, const char *accept, const void *body,
            size_t len, const char **out, size_t *outlen);
/* POST /api/v1 with a JSON call, answered in JSON: the status, and the
 * answer parsed into *answer (NULL when it has no body; the caller
 * decrefs). */
int mh_operator(mh *h, const char *json, json_t **answer);

/* An operator SUBSCRIBE stream. */
typedef struct mh_opsub {
	mh *h;
	rt_http_session *s;
	bool json;
	size_t read;
} mh_opsub;
/* SUBSCRIBEs (JSON or protobuf events); checks the 200 and SUBSCRIBED,
 * which is returned (free with mesos__v1__master__event__free_unpacked). */
Mesos__V1__Master__Event *mh_op_subscribe(mh *h, mh_opsub *o, bool json);
/* The next event (HEARTBEATs too), or NULL. */
Mesos__V1__Master__Event *mh_op_next(mh_opsub *o);
/* The next event that is not a HEARTBEAT, or NULL; a JSON one is read
 * back into the message strictly (no unknown key). */
Mesos__V1__Master__Event *mh_op_event(mh_opsub *o);
/* The next event, which must be of type `type`. */
Mesos__V1__Master__Event *mh_op_expect(mh_opsub *o, Mesos__V1__Master__Event__Type type);

/* The fixture the master's tests start from: a master, an agent, a
 * framework and the framework's offer. */
typedef struct fx {
	mh h;
	mh_fw f;
	mh_agent a;
	const char *offer;
} fx;

/* cmocka setup: a started master in a new fixture (agent and framework
 * not yet there); teardown stops and frees it. */
int fx_setup(void **state);
/* The same with the master's flags changed by edit first. */
int fx_setup_flags(void **state, void (*edit)(master_flags *f));
int fx_teardown(void **state);
/* Registers x->a with resources, subscribes x->f (role "web") and runs a
 * pass, whose one offer lands in x->offer. */
void fx_offer(fx *x, const char *resources, bool partition_aware);

#endif
