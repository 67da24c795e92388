/*
 * rt_zk.c — a ZooKeeper session on a libev loop (see rt_zk.h). Before the
 * loop blocks, an ev_prepare asks the client what it waits for (its socket,
 * which direction, and a timeout) and arms an ev_io and an ev_timer to
 * match; both hand control back to zookeeper_process.
 */
#include "rt_zk.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rt_util.h"

#define MAX_WATCHERS 8

struct rt_zk {
	struct ev_loop *loop;
	char *hosts;
	int timeout_ms;
	zhandle_t *zh;
	rt_zk_state state;
	ev_io io;
	ev_timer timer;
	ev_prepare prepare;
	ev_tstamp lost_at; /* when the server went away; 0 when connected */
	struct {
		rt_zk_state_fn fn;
		void *ud;
	} watchers[MAX_WATCHERS];
	int nwatchers;
	struct adopted {
		void *ptr;
		void (*free_fn)(void *);
		struct adopted *next;
	} * adopted;
};

/* ----------------------------------------------------------------- URL */

int rt_zk_url_parse(const char *url, rt_zk_url *out, char *err, size_t errlen)
{
	static const char scheme[] = "zk://";
	if (!url || strncmp(url, scheme, sizeof scheme - 1) != 0) {
		snprintf(err, errlen, "--zk: expected zk://host:port[,host:port]/path, got \"%s\"", url ? url : "");
		return -1;
	}
	const char *hosts = url + sizeof scheme - 1;
	const char *slash = strchr(hosts, '/');
	if (!slash || slash == hosts) {
		snprintf(err, errlen, "--zk: \"%s\": no host before the path", url);
		return -1;
	}
	size_t hlen = (size_t)(slash - hosts), plen = strlen(slash);
	if (hlen >= sizeof out->hosts || plen >= sizeof out->path) {
		snprintf(err, errlen, "--zk: \"%s\" is too long", url);
		return -1;
	}
	if (memchr(hosts, '@', hlen)) {
		snprintf(err, errlen, "--zk: credentials in the URL are not supported");
		return -1;
	}
	/* Each host must be host:port with a port in 1-65535. */
	for (const char *h = hosts;;) {
		const char *end = memchr(h, ',', (size_t)(slash - h));
		if (!end)
			end = slash;
		const char *colon = NULL;
		for (const char *p = h; p < end; p++)
			if (*p == ':')
				colon = p;
		long port = 0;
		const char *p = colon ? colon + 1 : end;
		for (; colon && p < end && *p >= '0' && *p <= '9' && port <= 65535; p++)
			port = port * 10 + (*p - '0');
		if (!colon || colon == h || p != end || port < 1 || port > 65535) {
			snprintf(err, errlen, "--zk: \"%.*s\" at offset %zu: expected host:port", (int)(end - h), h,
			         (size_t)(h - url));
			return -1;
		}
		if (end == slash)
			break;
		h = end + 1;
	}
	if (plen < 2 || slash[plen - 1] == '/' || strstr(slash, "//")) {
		snprintf(err, errlen, "--zk: path \"%s\" must be absolute, not \"/\", without empty segments", slash);
		return -1;
	}
	memcpy(out->hosts, hosts, hlen);
	out->hosts[hlen] = 0;
	memcpy(out->path, slash, plen + 1);
	return 0;
}

/* ------------------------------------------------------------- session */

static void notify(rt_zk *zk, rt_zk_state state)
{
	if (zk->state == state)
		return;
	zk->state = state;
	zk->lost_at = state == RT_ZK_CONNECTED ? 0 : (zk->lost_at ? zk->lost_at : ev_now(zk->loop));
	for (int i = 0; i < zk->nwatchers; i++)
		zk->watchers[i].fn(zk, state, zk->watchers[i].ud);
}

static void session_event(zhandle_t *zh, int type, int state, const char *path, void *ctx);

static int session_start(rt_zk *zk)
{
	zk->zh = zookeeper_init(zk->hosts, session_event, zk->timeout_ms, NULL, zk, 0);
	if (!zk->zh) {
		rt_log(RT_ERROR, "zookeeper: cannot start a session with %s", zk->hosts);
		return -1;
	}
	return 0;
}

/* The session's own watcher: connection state changes. */
static void session_event(zhandle_t *zh, int type, int state, const char *path, void *ctx)
{
	rt_zk *zk = ctx;
	if (type != ZOO_SESSION_EVENT || zh != zk->zh)
		return;
	if (state == ZOO_CONNECTED_STATE) {
		rt_log(RT_INFO, "zookeeper: connected to %s (session %#llx, timeout %d ms)", zk->hosts,
		       (long long)zoo_client_id(zh)->client_id, zoo_recv_timeout(zh));
		notify(zk, RT_ZK_CONNECTED);
	} else if (state == ZOO_EXPIRED_SESSION_STATE || state == ZOO_AUTH_FAILED_STATE) {
		rt_log(RT_WARN, "zookeeper: session %s; opening a new one",
		       state == ZOO_EXPIRED_SESSION_STATE ? "expired" : "failed authentication");
		notify(zk, RT_ZK_EXPIRED);
		/* Closing from inside the client's callback is not allowed: the
		 * prepare watcher replaces the handle before the loop blocks. */
	} else if (state == ZOO_CONNECTING_STATE || state == ZOO_ASSOCIATING_STATE) {
		if (zk->state == RT_ZK_CONNECTED)
			rt_log(RT_WARN, "zookeeper: lost the connection to %s; reconnecting", zk->hosts);
		notify(zk, zk->state == RT_ZK_CONNECTED ? RT_ZK_DISCONNECTED : zk->state);
	}
}

static void io_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	rt_zk *zk = w->data;
	int events = (revents & EV_READ ? ZOOKEEPER_READ : 0) | (revents & EV_WRITE ? ZOOKEEPER_WRITE : 0);
	if (zk->zh)
		zookeeper_process(zk->zh, events);
}

static void timer_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	rt_zk *zk = w->data;
	if (zk->zh)
		zookeeper_process(zk->zh, 0);
}

/* Before the loop blocks: replace an expired handle, then wait for what the
 * client wants. */
static void prepare_cb(struct ev_loop *loop, ev_prepare *w, int revents)
{
	rt_zk *zk = w->data;
	ev_io_stop(loop, &zk->io);
	ev_timer_stop(loop, &zk->timer);
	if (zk->state == RT_ZK_EXPIRED && zk->zh) {
		zookeeper_close(zk->zh);
		zk->zh = NULL;
	}
	if (!zk->zh) {
		if (session_start(zk) != 0) {
			/* Try again in a second: the timer wakes the loop. */
			ev_timer_set(&zk->timer, 1.0, 0);
			ev_timer_start(loop, &zk->timer);
			return;
		}
		notify(zk, RT_ZK_CONNECTING);
	}
	int fd = -1, interest = 0;
	struct timeval tv = {0, 0};
	if (zookeeper_interest(zk->zh, &fd, &interest, &tv) == ZOK && fd >= 0) {
		int ev = (interest & ZOOKEEPER_READ ? EV_READ : 0) | (interest & ZOOKEEPER_WRITE ? EV_WRITE : 0);
		if (ev) {
			ev_io_set(&zk->io, fd, ev);
			ev_io_start(loop, &zk->io);
		}
	}
	ev_timer_set(&zk->timer, tv.tv_sec + tv.tv_usec / 1e6, 0);
	ev_timer_start(loop, &zk->timer);
}

rt_zk *rt_zk_open(struct ev_loop *loop, const char *hosts, int session_timeout_ms)
{
	static bool quiet;
	if (!quiet) {
		/* The client logs every reconnect attempt; ours are enough. */
		zoo_set_debug_level((ZooLogLevel)0);
		quiet = true;
	}
	rt_zk *zk = rt_xcalloc(1, sizeof *zk);
	zk->loop = loop;
	zk->hosts = rt_xstrdup(hosts);
	zk->timeout_ms = session_timeout_ms;
	zk->state = RT_ZK_CONNECTING;
	ev_io_init(&zk->io, io_cb, -1, 0);
	ev_timer_init(&zk->timer, timer_cb, 0, 0);
	ev_prepare_init(&zk->prepare, prepare_cb);
	zk->io.data = zk->timer.data = zk->prepare.data = zk;
	if (session_start(zk) != 0) {
		free(zk->hosts);
		free(zk);
		return NULL;
	}
	ev_prepare_start(loop, &zk->prepare);
	return zk;
}

void rt_zk_close(rt_zk *zk)
{
	if (!zk)
		return;
	ev_io_stop(zk->loop, &zk->io);
	ev_timer_stop(zk->loop, &zk->timer);
	ev_prepare_stop(zk->loop, &zk->prepare);
	if (zk->zh)
		zookeeper_close(zk->zh);
	for (struct adopted *a = zk->adopted, *next; a; a = next) {
		next = a->next;
		a->free_fn(a->ptr);
		free(a);
	}
	free(zk->hosts);
	free(zk);
}

struct ev_loop *rt_zk_loop(rt_zk *zk)
{
	return zk->loop;
}

void rt_zk_adopt(rt_zk *zk, void *ptr, void (*free_fn)(void *))
{
	struct adopted *a = rt_xmalloc(sizeof *a);
	a->ptr = ptr;
	a->free_fn = free_fn;
	a->next = zk->adopted;
	zk->adopted = a;
}

int rt_zk_watch_state(rt_zk *zk, rt_zk_state_fn fn, void *ud)
{
	if (zk->nwatchers == MAX_WATCHERS)
		return -1;
	zk->watchers[zk->nwatchers].fn = fn;
	zk->watchers[zk->nwatchers].ud = ud;
	zk->nwatchers++;
	return 0;
}

zhandle_t *rt_zk_handle(rt_zk *zk)
{
	return zk->zh;
}

rt_zk_state rt_zk_get_state(const rt_zk *zk)
{
	return zk->state;
}

int rt_zk_session_timeout_ms(rt_zk *zk)
{
	return zk->zh && zk->state == RT_ZK_CONNECTED ? zoo_recv_timeout(zk->zh) : 0;
}

long long rt_zk_session_id(rt_zk *zk)
{
	return zk->zh ? (long long)zoo_client_id(zk->zh)->client_id : 0;
}

double rt_zk_disconnected_for(const rt_zk *zk)
{
	return zk->lost_at ? ev_now(zk->loop) - zk->lost_at : 0;
}

/* ---------------------------------------------------------- ensure_path */

typedef struct ensure {
	rt_zk *zk;
	char *path;
	size_t pos; /* end of the prefix being created */
	void (*done)(int rc, void *ud);
	void *ud;
} ensure;

static void ensure_next(ensure *e);

static void ensure_created(int rc, const char *name, const void *data)
{
	ensure *e = (ensure *)data;
	if (rc != ZOK && rc != ZNODEEXISTS) {
		e->done(rc, e->ud);
		free(e->path);
		free(e);
		return;
	}
	ensure_next(e);
}

static void ensure_next(ensure *e)
{
	size_t len = strlen(e->path);
	if (e->pos >= len) {
		e->done(ZOK, e->ud);
		free(e->path);
		free(e);
		return;
	}
	size_t end = e->pos + 1;
	while (end < len && e->path[end] != '/')
		end++;
	e->pos = end;
	char prefix[512];
	snprintf(prefix, sizeof prefix, "%.*s", (int)end, e->path);
	int rc = zoo_acreate(e->zk->zh, prefix, "", 0, &ZOO_OPEN_ACL_UNSAFE, 0, ensure_created, e);
	if (rc != ZOK)
		ensure_created(rc, NULL, e);
}

void rt_zk_ensure_path(rt_zk *zk, const char *path, void (*done)(int rc, void *ud), void *ud)
{
	ensure *e = rt_xcalloc(1, sizeof *e);
	e->zk = zk;
	e->path = rt_xstrdup(path);
	e->done = done;
	e->ud = ud;
	if (!zk->zh) {
		done(ZCONNECTIONLOSS, ud);
		free(e->path);
		free(e);
		return;
	}
	ensure_next(e);
}
