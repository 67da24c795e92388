/*
 * rt_elect.c — the contender (a master taking part in the election) and the
 * detector (anyone following the leader) of rt_elect.h, as small state
 * machines driven by ZooKeeper completions, watches and session changes.
 */
#include "rt_elect.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "rt_util.h"

long long rt_elect_seq(const char *child)
{
	size_t n = strlen(RT_ELECT_LABEL);
	if (strncmp(child, RT_ELECT_LABEL, n) != 0 || !child[n])
		return -1;
	long long seq = 0;
	for (const char *p = child + n; *p; p++) {
		if (*p < '0' || *p > '9' || seq > 1000000000000LL)
			return -1;
		seq = seq * 10 + (*p - '0');
	}
	return seq;
}

/* The lowest of our children, and the highest one below `mine` (when mine
 * >= 0). Indices into v, or -1. */
static void scan(const struct String_vector *v, long long mine, int *lowest, int *pred)
{
	long long lo = -1, best = -1;
	*lowest = *pred = -1;
	for (int i = 0; v && i < v->count; i++) {
		long long s = rt_elect_seq(v->data[i]);
		if (s < 0)
			continue;
		if (lo < 0 || s < lo) {
			lo = s;
			*lowest = i;
		}
		if (mine >= 0 && s < mine && s > best) {
			best = s;
			*pred = i;
		}
	}
}

/* ------------------------------------------------------------ contender */

enum cstate { C_IDLE, C_JOINING, C_STANDBY, C_LEADING, C_DONE };

struct rt_contender {
	rt_zk *zk;
	char *path, *data;
	double max_disconnect;
	rt_contender_cb cb;
	enum cstate state;
	char node[64]; /* our child's name */
	long long seq;
	ev_timer grace; /* leader without ZooKeeper: demote when it fires */
};

static void contender_list(rt_contender *c);

static void demote(rt_contender *c, const char *why)
{
	ev_timer_stop(rt_zk_loop(c->zk), &c->grace);
	if (c->state != C_LEADING) {
		c->state = C_IDLE;
		c->node[0] = 0;
		return;
	}
	c->state = C_DONE;
	rt_log(RT_WARN, "election: no longer leading: %s", why);
	c->cb.demoted(c->cb.ud, why);
}

static void grace_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	rt_contender *c = w->data;
	char why[128];
	snprintf(why, sizeof why, "without ZooKeeper for %.1f s", c->max_disconnect);
	demote(c, why);
}

static void own_node_watch(zhandle_t *zh, int type, int state, const char *path, void *ctx)
{
	rt_contender *c = ctx;
	if (type == ZOO_DELETED_EVENT && c->state == C_LEADING)
		demote(c, "our election node was deleted");
}

static void own_node_exists(int rc, const struct Stat *st, const void *data)
{
	rt_contender *c = (rt_contender *)data;
	if (rc == ZNONODE && c->state == C_LEADING)
		demote(c, "our election node is gone");
}

static void pred_watch(zhandle_t *zh, int type, int state, const char *path, void *ctx)
{
	rt_contender *c = ctx;
	if (type == ZOO_DELETED_EVENT && c->state == C_STANDBY)
		contender_list(c);
}

static void pred_exists(int rc, const struct Stat *st, const void *data)
{
	rt_contender *c = (rt_contender *)data;
	/* Gone before the watch was set: look again. */
	if (rc == ZNONODE && c->state == C_STANDBY)
		contender_list(c);
}

static void contender_children(int rc, const struct String_vector *v, const void *data)
{
	rt_contender *c = (rt_contender *)data;
	if (c->state != C_STANDBY)
		return;
	if (rc != ZOK) {
		rt_log(RT_WARN, "election: cannot list %s: %s", c->path, zerror(rc));
		return; /* the session watcher restarts us */
	}
	int lowest, pred;
	scan(v, c->seq, &lowest, &pred);
	char node_path[1024];
	if (lowest >= 0 && rt_elect_seq(v->data[lowest]) == c->seq) {
		c->state = C_LEADING;
		rt_log(RT_INFO, "election: leading with %s/%s", c->path, c->node);
		snprintf(node_path, sizeof node_path, "%s/%s", c->path, c->node);
		zoo_awexists(rt_zk_handle(c->zk), node_path, own_node_watch, c, own_node_exists, c);
		c->cb.elected(c->cb.ud);
		return;
	}
	if (pred < 0) {
		/* Our node is not among the children: it is gone. */
		c->state = C_IDLE;
		c->node[0] = 0;
		return;
	}
	rt_log(RT_INFO, "election: standby, watching %s", v->data[pred]);
	snprintf(node_path, sizeof node_path, "%s/%s", c->path, v->data[pred]);
	zoo_awexists(rt_zk_handle(c->zk), node_path, pred_watch, c, pred_exists, c);
}

static void contender_list(rt_contender *c)
{
	int rc = zoo_aget_children(rt_zk_handle(c->zk), c->path, 0, contender_children, c);
	if (rc != ZOK)
		rt_log(RT_WARN, "election: cannot list %s: %s", c->path, zerror(rc));
}

static void contender_created(int rc, const char *name, const void *data)
{
	rt_contender *c = (rt_contender *)data;
	if (c->state != C_JOINING)
		return;
	if (rc != ZOK) {
		rt_log(RT_WARN, "election: cannot create a node under %s: %s", c->path, zerror(rc));
		c->state = C_IDLE;
		return;
	}
	const char *slash = strrchr(name, '/');
	snprintf(c->node, sizeof c->node, "%s", slash ? slash + 1 : name);
	c->seq = rt_elect_seq(c->node);
	c->state = C_STANDBY;
	contender_list(c);
}

static void contender_path_ready(int rc, void *ud)
{
	rt_contender *c = ud;
	if (c->state != C_JOINING)
		return;
	if (rc != ZOK) {
		rt_log(RT_WARN, "election: cannot create %s: %s", c->path, zerror(rc));
		c->state = C_IDLE;
		return;
	}
	char prefix[1024];
	snprintf(prefix, sizeof prefix, "%s/%s", c->path, RT_ELECT_LABEL);
	rc = zoo_acreate(rt_zk_handle(c->zk), prefix, c->data, (int)strlen(c->data), &ZOO_OPEN_ACL_UNSAFE,
	                 ZOO_EPHEMERAL_SEQUENTIAL, contender_created, c);
	if (rc != ZOK)
		contender_created(rc, "", c);
}

static void contender_join(rt_contender *c)
{
	c->state = C_JOINING;
	c->node[0] = 0;
	rt_zk_ensure_path(c->zk, c->path, contender_path_ready, c);
}

static void contender_session(rt_zk *zk, rt_zk_state st, void *ud)
{
	rt_contender *c = ud;
	struct ev_loop *loop = rt_zk_loop(zk);
	switch (st) {
	case RT_ZK_CONNECTED:
		ev_timer_stop(loop, &c->grace);
		if (c->state == C_IDLE)
			contender_join(c);
		break;
	case RT_ZK_DISCONNECTED:
		if (c->state == C_LEADING && !ev_is_active(&c->grace)) {
			ev_timer_set(&c->grace, c->max_disconnect, 0);
			ev_timer_start(loop, &c->grace);
		}
		break;
	case RT_ZK_EXPIRED:
		demote(c, "ZooKeeper session expired");
		break;
	case RT_ZK_CONNECTING:
		break;
	}
}

static void contender_free(void *p)
{
	rt_contender *c = p;
	ev_timer_stop(rt_zk_loop(c->zk), &c->grace);
	free(c->path);
	free(c->data);
	free(c);
}

rt_contender *rt_contender_start(rt_zk *zk, const char *path, const char *data, double max_disconnect,
                                 const rt_contender_cb *cb)
{
	rt_contender *c = rt_xcalloc(1, sizeof *c);
	c->zk = zk;
	c->path = rt_xstrdup(path);
	c->data = rt_xstrdup(data);
	c->max_disconnect = max_disconnect;
	c->cb = *cb;
	c->seq = -1;
	ev_timer_init(&c->grace, grace_cb, 0, 0);
	c->grace.data = c;
	rt_zk_watch_state(zk, contender_session, c);
	rt_zk_adopt(zk, c, contender_free);
	if (rt_zk_get_state(zk) == RT_ZK_CONNECTED)
		contender_join(c);
	return c;
}

bool rt_contender_leading(const rt_contender *c)
{
	return c->state == C_LEADING;
}

const char *rt_contender_node(const rt_contender *c)
{
	return c->node;
}

/* ------------------------------------------------------------- detector */

struct rt_detector {
	rt_zk *zk;
	char *path;
	void (*fn)(void *ud, const char *leader);
	void *ud;
	char leader[64]; /* node reported last; "" when none */
	bool reported;
};

/* One read of a leader's node: which node it was. */
typedef struct detector_read {
	rt_detector *d;
	char node[64];
} detector_read;

static void detector_list(rt_detector *d);

static void report(rt_detector *d, const char *node, const char *data)
{
	if (d->reported && strcmp(d->leader, node) == 0)
		return;
	snprintf(d->leader, sizeof d->leader, "%s", node);
	d->reported = true;
	d->fn(d->ud, node[0] ? data : NULL);
}

static void detector_data(int rc, const char *value, int len, const struct Stat *st, const void *data)
{
	detector_read *r = (detector_read *)data;
	rt_detector *d = r->d;
	if (rc == ZNONODE) {
		detector_list(d); /* the leader went between list and read */
	} else if (rc == ZOK && value && len >= 0) {
		char *text = rt_xmalloc((size_t)len + 1);
		memcpy(text, value, (size_t)len);
		text[len] = 0;
		report(d, r->node, text);
		free(text);
	}
	free(r);
}

static void children_watch(zhandle_t *zh, int type, int state, const char *path, void *ctx)
{
	if (type == ZOO_CHILD_EVENT || type == ZOO_CREATED_EVENT || type == ZOO_DELETED_EVENT)
		detector_list(ctx);
}

static void path_exists(int rc, const struct Stat *st, const void *data)
{
	rt_detector *d = (rt_detector *)data;
	if (rc == ZOK)
		detector_list(d); /* created meanwhile */
}

static void detector_children(int rc, const struct String_vector *v, const void *data)
{
	rt_detector *d = (rt_detector *)data;
	if (rc == ZNONODE) {
		/* No group yet: wait for it to appear. */
		report(d, "", NULL);
		zoo_awexists(rt_zk_handle(d->zk), d->path, children_watch, d, path_exists, d);
		return;
	}
	if (rc != ZOK)
		return;
	int lowest, pred;
	scan(v, -1, &lowest, &pred);
	if (lowest < 0) {
		report(d, "", NULL);
		return;
	}
	if (d->reported && strcmp(d->leader, v->data[lowest]) == 0)
		return;
	char node_path[1024];
	snprintf(node_path, sizeof node_path, "%s/%s", d->path, v->data[lowest]);
	detector_read *r = rt_xcalloc(1, sizeof *r);
	r->d = d;
	snprintf(r->node, sizeof r->node, "%s", v->data[lowest]);
	if (zoo_aget(rt_zk_handle(d->zk), node_path, 0, detector_data, r) != ZOK)
		free(r);
}

static void detector_list(rt_detector *d)
{
	if (rt_zk_get_state(d->zk) != RT_ZK_CONNECTED)
		return;
	zoo_awget_children(rt_zk_handle(d->zk), d->path, children_watch, d, detector_children, d);
}

static void detector_session(rt_zk *zk, rt_zk_state st, void *ud)
{
	if (st == RT_ZK_CONNECTED)
		detector_list(ud); /* first time, and after a new session */
}

static void detector_free(void *p)
{
	rt_detector *d = p;
	free(d->path);
	free(d);
}

rt_detector *rt_detector_start(rt_zk *zk, const char *path, void (*fn)(void *ud, const char *leader), void *ud)
{
	rt_detector *d = rt_xcalloc(1, sizeof *d);
	d->zk = zk;
	d->path = rt_xstrdup(path);
	d->fn = fn;
	d->ud = ud;
	rt_zk_watch_state(zk, detector_session, d);
	rt_zk_adopt(zk, d, detector_free);
	detector_list(d);
	return d;
}

/* ---------------------------------------------------------- MasterInfo */

char *rt_master_info_json(const char *id, const char *ip, int port, const char *hostname, const char *version)
{
	unsigned b[4] = {0, 0, 0, 0};
	if (sscanf(ip, "%u.%u.%u.%u", &b[0], &b[1], &b[2], &b[3]) != 4)
		b[0] = b[1] = b[2] = b[3] = 0;
	/* Mesos stores the address in network order and prints it as a host
	 * integer: 127.0.0.1 is 16777343. */
	unsigned long ipnum = (b[0] & 255) | (b[1] & 255) << 8 | (b[2] & 255) << 16 | (unsigned long)(b[3] & 255) << 24;
	const char *host = hostname && *hostname ? hostname : ip;
	char pid[300];
	snprintf(pid, sizeof pid, "master@%s:%d", ip, port);
	json_t *j = json_pack("{s:{s:s,s:s,s:i},s:s,s:s,s:I,s:s,s:i,s:s}", "address", "hostname", host, "ip", ip,
	                      "port", port, "hostname", host, "id", id, "ip", (json_int_t)ipnum, "pid", pid, "port",
	                      port, "version", version);
	char *text = j ? json_dumps(j, JSON_SORT_KEYS | JSON_COMPACT) : NULL;
	json_decref(j);
	return text;
}

int rt_master_info_address(const char *json, char *host, size_t hostlen, int *port)
{
	json_t *j = json_loads(json, 0, NULL);
	if (!j)
		return -1;
	/* address{hostname,port} first, as mesos-go readers dial it; then the
	 * top-level hostname (or ip text) and port. */
	json_t *addr = json_object_get(j, "address");
	const char *h = json_string_value(json_object_get(addr, "hostname"));
	json_int_t p = json_integer_value(json_object_get(addr, "port"));
	if (!h || !*h)
		h = json_string_value(json_object_get(j, "hostname"));
	if (!h || !*h)
		h = json_string_value(json_object_get(addr, "ip"));
	if (p <= 0)
		p = json_integer_value(json_object_get(j, "port"));
	int rc = -1;
	if (h && *h && p > 0 && p <= 65535 && strlen(h) < hostlen) {
		snprintf(host, hostlen, "%s", h);
		*port = (int)p;
		rc = 0;
	}
	json_decref(j);
	return rc;
}
