/*
 * rt_zk.h — a ZooKeeper session driven by a libev loop: the single-threaded
 * C client (libzookeeper-st) does no I/O of its own; we poll its interest fd
 * and timeout from the loop. Also parses --zk URLs.
 *
 * The session survives disconnections (the client reconnects within the
 * session timeout); when ZooKeeper expires it, rt_zk opens a new one and
 * tells its users, who must re-create their ephemeral nodes and watches.
 */
#ifndef RT_ZK_H
#define RT_ZK_H

#include <ev.h>
#include <stdbool.h>
#include <stddef.h>
#include <zookeeper/zookeeper.h>

/* zk://host:port[,host:port...]/path (credentials are not supported). */
typedef struct rt_zk_url {
	char hosts[512]; /* "host:port,host:port": what zookeeper_init takes */
	char path[512];  /* "/meso": absolute, no trailing slash, not "/" */
} rt_zk_url;

/* Parses url; on error returns -1 and writes what and where into err. */
int rt_zk_url_parse(const char *url, rt_zk_url *out, char *err, size_t errlen);

typedef enum rt_zk_state {
	RT_ZK_CONNECTING,   /* no session yet, or reconnecting within it */
	RT_ZK_CONNECTED,    /* the session is live */
	RT_ZK_DISCONNECTED, /* lost the server; the session may still live */
	RT_ZK_EXPIRED,      /* the session is gone: ephemeral nodes with it */
} rt_zk_state;

typedef struct rt_zk rt_zk;

/* Called on every state change. After RT_ZK_EXPIRED a new session is being
 * opened: the next RT_ZK_CONNECTED is on a new session (rt_zk_session_id
 * changes). */
typedef void (*rt_zk_state_fn)(rt_zk *zk, rt_zk_state state, void *ud);

/* Opens a session to hosts on loop. session_timeout_ms is what we ask for
 * (the server may grant less or more). Several users may register state
 * callbacks with rt_zk_watch_state. Returns NULL on failure. */
rt_zk *rt_zk_open(struct ev_loop *loop, const char *hosts, int session_timeout_ms);
/* Closes the session (its ephemeral nodes go at once) and frees. */
void rt_zk_close(rt_zk *zk);
/* Adds a state callback (at most 8). */
int rt_zk_watch_state(rt_zk *zk, rt_zk_state_fn fn, void *ud);

zhandle_t *rt_zk_handle(rt_zk *zk);
rt_zk_state rt_zk_get_state(const rt_zk *zk);
/* The timeout the server granted, in ms (0 before the first connection). */
int rt_zk_session_timeout_ms(rt_zk *zk);
long long rt_zk_session_id(rt_zk *zk);
/* How long the session has been without a server, in seconds (0 when
 * connected). */
double rt_zk_disconnected_for(const rt_zk *zk);

struct ev_loop *rt_zk_loop(rt_zk *zk);
/* Frees ptr with free_fn when the session is closed (for objects whose
 * ZooKeeper watches may fire until then). */
void rt_zk_adopt(rt_zk *zk, void *ptr, void (*free_fn)(void *));

/* Creates path and its parents as persistent nodes (existing ones are
 * fine), then calls done(rc, ud) with a ZooKeeper return code. */
void rt_zk_ensure_path(rt_zk *zk, const char *path, void (*done)(int rc, void *ud), void *ud);

#endif
