/*
 * rt_frame.h — length-prefixed frames over TCP, for the master<->agent
 * protocol: each frame is a 4-byte big-endian payload length followed by the
 * payload (one serialized meso.agent.AgentMessage). Frames above a size limit
 * are a protocol error that closes the connection.
 *
 * The decoder is pure (no I/O) so that tests and the fuzzer drive it with
 * bytes; rt_conn wraps it with a non-blocking socket on a libev loop, or,
 * "detached", with no socket at all: fed by hand and writing into a buffer,
 * which is how the unit tests stand in for a peer.
 */
#ifndef RT_FRAME_H
#define RT_FRAME_H

#include <ev.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rt_tls.h"
#include "rt_util.h"

#define RT_FRAME_HEADER   4
#define RT_FRAME_MAX_SIZE (4u << 20) /* default payload limit: 4 MiB */
/* Frames queued for a peer that does not read them: past this the
 * connection is closed ("peer does not read"), so one stuck agent cannot
 * grow the master without bound. */
#define RT_CONN_MAX_OUTPUT (64u << 20)

/* ------------------------------------------------------------- decoding */

typedef struct rt_frame_decoder {
	rt_buf in;       /* bytes received and not yet returned */
	size_t consumed; /* bytes of `in` already returned as frames */
	uint32_t max_size;
	bool failed;
} rt_frame_decoder;

enum { RT_FRAME_MORE = 0, RT_FRAME_OK = 1, RT_FRAME_TOO_BIG = -1 };

void rt_frame_decoder_init(rt_frame_decoder *d, uint32_t max_size);
void rt_frame_decoder_free(rt_frame_decoder *d);
/* Adds received bytes. */
void rt_frame_decoder_feed(rt_frame_decoder *d, const void *data, size_t len);
/* Returns RT_FRAME_OK with the next payload in *payload and *len (valid until
 * the next feed or next call), RT_FRAME_MORE when a whole frame is not there yet,
 * or RT_FRAME_TOO_BIG when the announced length exceeds the limit (sticky). */
int rt_frame_next(rt_frame_decoder *d, const uint8_t **payload, size_t *len);
/* Appends one frame (header + payload) to out. */
void rt_frame_encode(rt_buf *out, const void *payload, size_t len);

/* ----------------------------------------------------------- connection */

typedef struct rt_conn rt_conn;

typedef struct rt_conn_handlers {
	/* A whole frame arrived. May call rt_conn_close (then return). */
	void (*on_frame)(rt_conn *c, const uint8_t *payload, size_t len, void *ud);
	/* The connection is over (peer closed, I/O error, protocol error, or
	 * rt_conn_close); `why` says which. The conn is freed after this returns. */
	void (*on_close)(rt_conn *c, const char *why, void *ud);
	/* Client side: the connection (and upgrade handshake) is established. */
	void (*on_open)(rt_conn *c, void *ud);
	void *ud;
} rt_conn_handlers;

/* Wraps an accepted, connected socket (made non-blocking here). `preface`
 * bytes are sent first (e.g. the HTTP 101 answer); `early` bytes were already
 * read from the socket and are decoded first. */
rt_conn *rt_conn_adopt(struct ev_loop *loop, int fd, const rt_conn_handlers *h, const void *preface, size_t preface_len,
                       const void *early, size_t early_len);
/* Connects to host:port. When `upgrade_request` is not NULL it is sent first
 * and frames start after the peer's "HTTP/1.1 101" answer. Returns NULL when
 * the host does not resolve (errno 0) or the socket cannot be made (errno
 * says why, e.g. EMFILE); a refused connection is reported through
 * on_close. */
rt_conn *rt_conn_connect(struct ev_loop *loop, const char *host, int port, const char *upgrade_request,
                         const rt_conn_handlers *h);
/* The same over TLS: adopt a socket whose TLS connection is done (an
 * HTTPS upgrade; tls is then the connection's), or connect through the
 * client context tls (NULL: plain), the handshake first, verifying the
 * server as tls says. */
rt_conn *rt_conn_adopt_tls(struct ev_loop *loop, int fd, rt_tls_conn *tls, const rt_conn_handlers *h,
                           const void *preface, size_t preface_len, const void *early, size_t early_len);
rt_conn *rt_conn_connect_tls(struct ev_loop *loop, const char *host, int port, const char *upgrade_request,
                             const rt_conn_handlers *h, rt_tls *tls);
/* Queues one frame. Returns 0, or -1 if the connection is closing (also
 * when RT_CONN_MAX_OUTPUT bytes wait unread: it is then closed from the
 * loop, with on_close). */
int rt_conn_send(rt_conn *c, const void *payload, size_t len);
/* Closes now (queued output is dropped); on_close runs with `why`. */
void rt_conn_close(rt_conn *c, const char *why);
/* "ip:port" of the peer. */
const char *rt_conn_peer(const rt_conn *c);
void rt_conn_set_max_frame(rt_conn *c, uint32_t max_size);
/* One pointer of the owner's per connection (NULL at first): who is on the
 * other end, so a frame finds its sender without a search. */
void rt_conn_set_data(rt_conn *c, void *data);
/* The principal the peer authenticated as when the connection was
 * upgraded (copied; NULL: none). */
void rt_conn_set_principal(rt_conn *c, const char *principal);
const char *rt_conn_principal(const rt_conn *c);
void *rt_conn_data(const rt_conn *c);

/* --- Detached connections (no socket, no loop): for tests --- */
/* A connection whose sends collect in a buffer; `peer` is what
 * rt_conn_peer answers. rt_conn_close runs on_close but leaves it to
 * rt_conn_destroy, which the creator calls once (it closes an open one). */
rt_conn *rt_conn_detached(const rt_conn_handlers *h, const char *peer);
/* Feeds received bytes (frames): on_frame runs for each whole one. Returns
 * 0 while open, -1 once closed. */
int rt_conn_feed(rt_conn *c, const void *data, size_t len);
/* Every frame sent so far (headers included). */
const uint8_t *rt_conn_output(const rt_conn *c, size_t *len);
/* Whether it was closed (by either side). */
bool rt_conn_closed(const rt_conn *c);
void rt_conn_destroy(rt_conn *c);

#endif
