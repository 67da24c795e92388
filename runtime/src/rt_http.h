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
 * A server created without a loop serves "detached" sessions fed by hand and
 * writing into a buffer: what the unit tests and the fuzzer use.
 */
#ifndef RT_HTTP_H
#define RT_HTTP_H

#include <ev.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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
} rt_http_request;

/* Value of a header (name compared without case), or NULL. */
const char *rt_http_header_get(const rt_http_request *req, const char *name);

typedef struct rt_http_limits {
	size_t max_header_bytes; /* request line + headers; 0: 16 KiB */
	size_t max_body_bytes;   /* 0: 4 MiB */
} rt_http_limits;

typedef struct rt_http_server rt_http_server;
typedef struct rt_http_session rt_http_session;

/* Called once per complete request; must answer with rt_http_reply or
 * rt_http_stream_start before returning, except on a session that is already
 * streaming (rt_http_session_streaming), where answers are ignored. */
typedef void (*rt_http_handler)(void *ud, rt_http_session *s, const rt_http_request *req);
/* Called for an upgrade request with the socket and the bytes that followed
 * the request. Returns true when it took the socket over. */
typedef bool (*rt_http_upgrade_handler)(void *ud, const rt_http_request *req, int fd, const uint8_t *early,
                                        size_t early_len);

/* Listens on ip:port (port 0: an ephemeral port). loop NULL: no socket, for
 * detached sessions. Returns NULL with a message in err on failure. */
rt_http_server *rt_http_server_create(struct ev_loop *loop, const char *ip, int port, const rt_http_limits *limits,
                                      rt_http_handler handler, void *ud, char *err, size_t errlen);
void rt_http_server_set_upgrade(rt_http_server *srv, rt_http_upgrade_handler cb);
/* The port actually bound. */
int rt_http_server_port(const rt_http_server *srv);
/* Closes the listener and every session (their close hooks run). */
void rt_http_server_destroy(rt_http_server *srv);

/* Whole replies. `extra_headers` are complete lines ("Name: v\r\n"), or NULL. */
void rt_http_reply(rt_http_session *s, int status, const char *content_type, const void *body, size_t len,
                   const char *extra_headers);
/* A text/plain reply with msg and a newline as the body. */
void rt_http_reply_text(rt_http_session *s, int status, const char *msg);

/* Starts a chunked response that stays open; later sends are one chunk each. */
void rt_http_stream_start(rt_http_session *s, int status, const char *content_type, const char *extra_headers);
/* Sends one chunk. Returns 0, or -1 when the session is closing. */
int rt_http_stream_send(rt_http_session *s, const void *data, size_t len);
/* Ends the stream (last chunk) and closes the connection after it. */
void rt_http_stream_end(rt_http_session *s);
bool rt_http_session_streaming(const rt_http_session *s);
/* Runs hook(s, ud) when the session goes away, for whatever reason. */
void rt_http_session_on_close(rt_http_session *s, void (*hook)(rt_http_session *s, void *ud), void *ud);
/* "ip:port" of the client. */
const char *rt_http_session_peer(const rt_http_session *s);

/* --- Detached sessions (server created with loop NULL) --- */
rt_http_session *rt_http_session_detached(rt_http_server *srv);
/* Feeds request bytes. Returns 0 while open, -1 once the server closed it. */
int rt_http_session_feed(rt_http_session *s, const void *data, size_t len);
/* Everything the server wrote so far. */
const uint8_t *rt_http_session_output(const rt_http_session *s, size_t *len);
void rt_http_session_destroy(rt_http_session *s);

/* Reason phrase for a status code. */
const char *rt_http_status_text(int status);

#endif
