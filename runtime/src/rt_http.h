/*
 * rt_http.h — a small HTTP/1.1 server on libev, built on http-parser.
 *
 * One handler sees every complete request and answers it synchronously,
 * either with a whole reply or by starting a chunked stream (the scheduler
 * API's RecordIO event stream) that stays open. Requests above the size
 * limits get 413, malformed ones 400, and the connection is closed after the
 * answer; everything else keeps the connection alive unless the client asks
 * otherwise. A request with `Upgrade:` is handed to an upgrade callback with
 * its socket (the agents' framed connection).
 *
 * What one connection may cost is bounded (rt_http_limits): request size,
 * time to send headers and body, time its output stays unread, and that
 * output (its next requests wait meanwhile; a stream is refused more). A
 * read serves a bounded number of pipelined requests before other
 * connections get their turn, and accept() failing for want of descriptors
 * pauses accepting instead of spinning.
 *
 * A server created without a loop serves "detached" sessions fed by hand and
 * writing into a buffer: what the unit tests and the fuzzer use.
 */
#ifndef RT_HTTP_H
#define RT_HTTP_H

#include <ev.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct rt_tls;
struct rt_tls_conn;

#define RT_HTTP_MAX_HEADERS 64

typedef struct rt_http_header {
	const char *name, *value;
} rt_http_header;

typedef struct rt_http_request {
	const char *method; /* "GET", "POST", ... */
	const char *path;   /* decoded no further; without the query */
	const char *query;  /* after '?', or "" */
	size_t nheaders;
	rt_http_header headers[RT_HTTP_MAX_HEADERS];
	const uint8_t *body;
	size_t body_len;
	/* Upgrade requests only: the session they came on (the handler may
	 * answer on it, e.g. 401, and refuse), and its TLS connection, which a
	 * handler that takes the socket takes with it (NULL: plain). */
	struct rt_http_session *session;
	struct rt_tls_conn *tls;
} rt_http_request;

/* Value of a header (name compared without case), or NULL. */
const char *rt_http_header_get(const rt_http_request *req, const char *name);

/* The defaults of rt_http_limits (what a 0 there means). */
#define RT_HTTP_MAX_HEADER_BYTES (16u << 10)
#define RT_HTTP_MAX_BODY_BYTES   (4u << 20)
#define RT_HTTP_MAX_OUTPUT_BYTES (8u << 20)
#define RT_HTTP_HEADER_TIMEOUT   10.0
#define RT_HTTP_BODY_TIMEOUT     30.0
#define RT_HTTP_SEND_TIMEOUT     60.0
#define RT_HTTP_IDLE_TIMEOUT                                                                                           \
	(-1.0) /* none: a kept-alive connection may stay quiet (TCP keepalive finds dead peers)                        \
	        */
/* A closing connection (an error answered, a stream ended) waits at most
 * this long for the peer to read the last answer (and, after an error, to
 * stop sending what we no longer read) before it is closed regardless. */
#define RT_HTTP_LINGER_SECONDS 2.0
/* Pipelined requests served from one read before other connections' turn. */
#define RT_HTTP_REQUESTS_PER_TURN 32

typedef struct rt_http_limits {
	size_t max_header_bytes; /* request line + headers; 0: RT_HTTP_MAX_HEADER_BYTES */
	size_t max_body_bytes;   /* 0: RT_HTTP_MAX_BODY_BYTES */
	/* Output not yet written to a connection; 0: RT_HTTP_MAX_OUTPUT_BYTES.
	 * At it, nothing more is read from the connection (its requests wait)
	 * until half of it is written; a stream chunk is refused (RT_HTTP_FULL). */
	size_t max_output_bytes;
	/* Seconds; 0: the default above, < 0: no limit. Header: from the first
	 * byte of a request to the end of its headers. Body: from there to the
	 * end of the body. Send: output waiting that the peer does not read
	 * (streams too). Idle: a connection with no request in progress and
	 * nothing to write. Whatever the timeouts, TCP keepalive closes a
	 * connection whose peer vanished (~2 min). */
	double header_timeout, body_timeout, send_timeout, idle_timeout;
} rt_http_limits;

typedef struct rt_http_server rt_http_server;
typedef struct rt_http_session rt_http_session;

/* Called once per complete request; must answer with rt_http_reply or
 * rt_http_stream_start before returning, except on a session that is already
 * streaming (rt_http_session_streaming), where answers are ignored. */
typedef void (*rt_http_handler)(void *ud, rt_http_session *s, const rt_http_request *req);
/* Called for an upgrade request with the socket and the bytes that followed
 * the request. Returns true when it took the socket over (and req->tls);
 * false refuses: 400, unless it answered on req->session itself. */
typedef bool (*rt_http_upgrade_handler)(void *ud, const rt_http_request *req, int fd, const uint8_t *early,
                                        size_t early_len);

/* Listens on ip:port (port 0: an ephemeral port). loop NULL: no socket, for
 * detached sessions. Returns NULL with a message in err on failure. */
rt_http_server *rt_http_server_create(struct ev_loop *loop, const char *ip, int port, const rt_http_limits *limits,
                                      rt_http_handler handler, void *ud, char *err, size_t errlen);
void rt_http_server_set_upgrade(rt_http_server *srv, rt_http_upgrade_handler cb);
/* Serves HTTPS with this context (rt_tls.h; not owned): every accepted
 * connection starts with a TLS handshake, and one that fails it (a plain
 * HTTP client, a client that does not trust us) is closed. */
void rt_http_server_set_tls(rt_http_server *srv, struct rt_tls *tls);
/* The port actually bound. */
int rt_http_server_port(const rt_http_server *srv);
/* What the server did so far, for /metrics. */
typedef struct rt_http_stats {
	uint64_t accepted;
	uint64_t accept_errors;   /* accept() failures other than "try again" */
	uint64_t accept_pauses;   /* times accepting paused for want of descriptors */
	uint64_t header_timeouts; /* connections closed by each timeout */
	uint64_t body_timeouts;
	uint64_t send_timeouts;
	uint64_t idle_timeouts;
	uint64_t output_stalls; /* times a connection's reading stopped at max_output_bytes */
	uint64_t streams_full;  /* stream chunks refused at max_output_bytes */
	size_t sessions;        /* open now */
	size_t output_bytes;    /* not yet written now, all sessions */
} rt_http_stats;
void rt_http_server_stats(const rt_http_server *srv, rt_http_stats *out);
/* Closes the listener and every session (their close hooks run). */
void rt_http_server_destroy(rt_http_server *srv);

/* Whole replies. `extra_headers` are complete lines ("Name: v\r\n"), or NULL. */
void rt_http_reply(rt_http_session *s, int status, const char *content_type, const void *body, size_t len,
                   const char *extra_headers);
/* A text/plain reply with msg and a newline as the body. */
void rt_http_reply_text(rt_http_session *s, int status, const char *msg);
/* true for GET and HEAD; otherwise answers 405 "Expecting GET" (Mesos's
 * answer to another method on a read-only endpoint) and returns false. */
bool rt_http_require_get(rt_http_session *s, const rt_http_request *req);

/* Starts a chunked response that stays open; later sends are one chunk each. */
void rt_http_stream_start(rt_http_session *s, int status, const char *content_type, const char *extra_headers);
/* Sends one chunk. Returns 0; -1 when the session is closing; RT_HTTP_FULL
 * when max_output_bytes are already waiting for the peer (nothing is sent:
 * the caller decides, e.g. rt_http_stream_send_last with an error). */
#define RT_HTTP_FULL (-2)
int rt_http_stream_send(rt_http_session *s, const void *data, size_t len);
/* Sends a last chunk past max_output_bytes and ends the stream; the
 * connection closes once the peer read it, or RT_HTTP_LINGER_SECONDS on. */
void rt_http_stream_send_last(rt_http_session *s, const void *data, size_t len);
/* Ends the stream (last chunk) and closes the connection after it. */
void rt_http_stream_end(rt_http_session *s);
bool rt_http_session_streaming(const rt_http_session *s);
/* Runs hook(s, ud) when the session goes away, for whatever reason. */
void rt_http_session_on_close(rt_http_session *s, void (*hook)(rt_http_session *s, void *ud), void *ud);
/* Bytes written to the session and not yet taken by the peer's socket. */
size_t rt_http_session_pending(const rt_http_session *s);
/* Runs hook(s, ud) each time the session's pending output has all been
 * written after some had to wait: a stream's sender that held back (on
 * RT_HTTP_FULL, or a high-water mark of its own) resumes there. */
void rt_http_session_on_drain(rt_http_session *s, void (*hook)(rt_http_session *s, void *ud), void *ud);
/* "ip:port" of the client. */
const char *rt_http_session_peer(const rt_http_session *s);

/* --- Detached sessions (server created with loop NULL) --- */
rt_http_session *rt_http_session_detached(rt_http_server *srv);
/* Feeds request bytes. Returns 0 while open, -1 once the server closed it. */
int rt_http_session_feed(rt_http_session *s, const void *data, size_t len);
/* Everything the server wrote so far. */
const uint8_t *rt_http_session_output(const rt_http_session *s, size_t *len);
/* As if the peer read all of it: the output is emptied, the drain hook
 * runs, and requests held back by max_output_bytes are served. */
void rt_http_session_drain(rt_http_session *s);
void rt_http_session_destroy(rt_http_session *s);

/* Reason phrase for a status code. */
const char *rt_http_status_text(int status);

#endif
