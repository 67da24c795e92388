/*
 * rt_http_client.h — one HTTP/1.1 request on libev, its response parsed by
 * http-parser (chunked bodies are de-chunked). Used by meso-execute for the
 * scheduler API: one long-lived request for the SUBSCRIBE stream, one short
 * request per call. Also the RecordIO framing of the event stream.
 */
#ifndef RT_HTTP_CLIENT_H
#define RT_HTTP_CLIENT_H

#include <ev.h>
#include <stddef.h>
#include <stdint.h>

#include "rt_tls.h"
#include "rt_util.h"

typedef struct rt_http_client rt_http_client;

typedef struct rt_http_client_handlers {
	/* Status line and headers are in (rt_http_client_header works). */
	void (*on_headers)(rt_http_client *c, int status, void *ud);
	/* A piece of the body, de-chunked. */
	void (*on_body)(rt_http_client *c, const uint8_t *data, size_t len, void *ud);
	/* The exchange is over: error NULL when the response was complete. The
	 * client is freed after this returns. */
	void (*on_done)(rt_http_client *c, const char *error, void *ud);
	void *ud;
} rt_http_client_handlers;

/* Starts a request (Host and Content-Length are added; extra_headers are
 * complete "Name: v\r\n" lines or NULL). Returns NULL for a bad address. */
rt_http_client *rt_http_client_start(struct ev_loop *loop, const char *host, int port, const char *method,
                                     const char *path, const char *extra_headers, const void *body, size_t len,
                                     const rt_http_client_handlers *h);
/* The same over TLS with the client context tls (NULL: plain HTTP); the
 * server is verified as tls says, its name or address being host. */
rt_http_client *rt_http_client_start_tls(struct ev_loop *loop, const char *host, int port, const char *method,
                                         const char *path, const char *extra_headers, const void *body, size_t len,
                                         const rt_http_client_handlers *h, rt_tls *tls);
/* A response header (case-insensitive name), or NULL. */
const char *rt_http_client_header(const rt_http_client *c, const char *name);
/* Aborts; on_done runs with "cancelled". */
void rt_http_client_cancel(rt_http_client *c);

/* A kept-alive connection for many requests (the scheduler calls): requests
 * are pipelined in order and each gets its answer through its callback. When
 * the connection breaks, the requests without an answer fail (error set) and
 * the next request opens a new connection. */
typedef struct rt_http_caller rt_http_caller;
/* status is the HTTP status, or 0 with error set when no answer came. */
typedef void (*rt_http_caller_cb)(void *ud, int status, const uint8_t *body, size_t len, const char *error);
rt_http_caller *rt_http_caller_create(struct ev_loop *loop, const char *host, int port);
/* The same over TLS (tls: a client context, not owned; NULL: plain). */
rt_http_caller *rt_http_caller_create_tls(struct ev_loop *loop, const char *host, int port, rt_tls *tls);
/* Queues a POST (extra_headers as above). cb may be NULL. */
void rt_http_caller_post(rt_http_caller *c, const char *path, const char *extra_headers, const void *body, size_t len,
                         rt_http_caller_cb cb, void *ud);
/* Requests sent or queued and not yet answered. */
size_t rt_http_caller_pending(const rt_http_caller *c);
/* Closes; unanswered requests fail with "cancelled". */
void rt_http_caller_destroy(rt_http_caller *c);

/* RecordIO: "<decimal length>\n<bytes>" records. */
void rt_recordio_encode(rt_buf *out, const void *data, size_t len);

typedef struct rt_recordio_decoder {
	rt_buf in;
	size_t max_size;
	int failed;
} rt_recordio_decoder;
void rt_recordio_init(rt_recordio_decoder *d, size_t max_size);
void rt_recordio_free(rt_recordio_decoder *d);
/* Feeds bytes, then calls cb for each whole record. Returns 0, or -1 on a
 * malformed or oversized length (sticky). */
int rt_recordio_feed(rt_recordio_decoder *d, const void *data, size_t len,
                     void (*cb)(const uint8_t *rec, size_t len, void *ud), void *ud);

#endif
