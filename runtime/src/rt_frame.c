/*
 * rt_frame.c — the frame decoder and the libev connection of rt_frame.h.
 */
#define _GNU_SOURCE
#include "rt_frame.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

void rt_frame_decoder_init(rt_frame_decoder *d, uint32_t max_size)
{
	rt_buf_init(&d->in);
	d->consumed = 0;
	d->max_size = max_size ? max_size : RT_FRAME_MAX_SIZE;
	d->failed = false;
}

void rt_frame_decoder_free(rt_frame_decoder *d)
{
	rt_buf_free(&d->in);
}

void rt_frame_decoder_feed(rt_frame_decoder *d, const void *data, size_t len)
{
	/* Drop what was returned before, so the buffer holds one frame at most
	 * plus what arrived behind it. */
	if (d->consumed) {
		rt_buf_consume(&d->in, d->consumed);
		d->consumed = 0;
	}
	rt_buf_append(&d->in, data, len);
}

int rt_frame_next(rt_frame_decoder *d, const uint8_t **payload, size_t *len)
{
	if (d->failed)
		return RT_FRAME_TOO_BIG;
	size_t avail = d->in.len - d->consumed;
	if (avail < RT_FRAME_HEADER)
		return RT_FRAME_MORE;
	const uint8_t *p = d->in.data + d->consumed;
	uint32_t n = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
	if (n > d->max_size) {
		d->failed = true;
		return RT_FRAME_TOO_BIG;
	}
	if (avail - RT_FRAME_HEADER < n)
		return RT_FRAME_MORE;
	*payload = p + RT_FRAME_HEADER;
	*len = n;
	d->consumed += RT_FRAME_HEADER + n;
	return RT_FRAME_OK;
}

void rt_frame_encode(rt_buf *out, const void *payload, size_t len)
{
	uint8_t h[4] = {(uint8_t)(len >> 24), (uint8_t)(len >> 16), (uint8_t)(len >> 8), (uint8_t)len};
	rt_buf_append(out, h, sizeof h);
	rt_buf_append(out, payload, len);
}

/* ----------------------------------------------------------- connection */

struct rt_conn {
	struct ev_loop *loop;
	int fd;
	ev_io rio, wio;
	rt_conn_handlers h;
	rt_frame_decoder dec;
	rt_buf out;
	char peer[64];
	bool connecting;  /* non-blocking connect in progress */
	bool handshaking; /* waiting for "HTTP/1.1 101 ...\r\n\r\n" */
	bool closing;
	bool in_callback; /* close requested from inside a callback: defer the free */
	bool free_pending;
	bool write_failed;
	bool closed; /* detached: on_close ran; freed by rt_conn_destroy */
	char why[256];
	void *data;       /* the owner's (rt_conn_set_data) */
	rt_tls_conn *tls; /* NULL: plain TCP */
	char *principal;  /* who the peer authenticated as (rt_conn_set_principal) */
};

static void conn_free(rt_conn *c)
{
	if (c->loop) {
		ev_io_stop(c->loop, &c->rio);
		ev_io_stop(c->loop, &c->wio);
	}
	if (c->fd >= 0) {
		rt_tls_close(c->tls);
		close(c->fd);
	}
	rt_frame_decoder_free(&c->dec);
	rt_buf_free(&c->out);
	free(c->principal);
	free(c);
}

static void conn_finish(rt_conn *c)
{
	if (c->loop) {
		ev_io_stop(c->loop, &c->rio);
		ev_io_stop(c->loop, &c->wio);
	}
	if (c->h.on_close && !c->closed)
		c->h.on_close(c, c->why, c->h.ud);
	c->closed = true;
	if (c->fd >= 0)
		conn_free(c); /* a detached one stays for rt_conn_destroy */
}

void rt_conn_close(rt_conn *c, const char *why)
{
	if (c->closing)
		return;
	c->closing = true;
	snprintf(c->why, sizeof c->why, "%s", why);
	if (c->in_callback)
		c->free_pending = true;
	else
		conn_finish(c);
}

static void conn_flush(rt_conn *c)
{
	if (c->fd < 0)
		return; /* detached: the output stays for rt_conn_output */
	while (c->out.len) {
		if (c->connecting || (c->tls && !rt_tls_ready(c->tls)))
			break; /* the write watcher or the handshake flushes it */
		ssize_t n = rt_sock_write(c->fd, c->tls, c->out.data, c->out.len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			/* Never close from inside a send: the caller may be walking
			 * its lists. The read callback closes it from the loop. */
			snprintf(c->why, sizeof c->why, "write: %s",
			         errno == EPROTO && c->tls ? rt_tls_error(c->tls) : strerror(errno));
			c->write_failed = true;
			c->out.len = 0;
			ev_feed_event(c->loop, &c->rio, EV_READ);
			break;
		}
		rt_buf_consume(&c->out, (size_t)n);
	}
	if (c->out.len && !(c->tls && rt_tls_ready(c->tls) == false && !c->connecting))
		ev_io_start(c->loop, &c->wio);
	else if (!c->out.len)
		ev_io_stop(c->loop, &c->wio);
}

/* Advances a TLS handshake from either watcher: true once done (what
 * waited to be written is then flushed); false while it waits, on the
 * watcher it asked for, or after it failed (the connection is closed). */
static bool conn_handshake_tls(rt_conn *c)
{
	if (!c->tls || rt_tls_ready(c->tls))
		return true;
	int h = rt_tls_handshake_io(c->tls, c->loop, &c->wio);
	if (h < 0) {
		char why[200];
		snprintf(why, sizeof why, "%s", rt_tls_error(c->tls));
		rt_conn_close(c, why);
	}
	if (h <= 0)
		return false;
	conn_flush(c);
	return true;
}

static void conn_deliver(rt_conn *c)
{
	const uint8_t *p;
	size_t n;
	int r;
	while (!c->closing && (r = rt_frame_next(&c->dec, &p, &n)) == RT_FRAME_OK) {
		if (c->h.on_frame)
			c->h.on_frame(c, p, n, c->h.ud);
	}
	if (!c->closing && c->dec.failed) {
		char why[96];
		snprintf(why, sizeof why, "frame larger than the limit of %u bytes", c->dec.max_size);
		rt_conn_close(c, why);
	}
}

/* Client side: consume the peer's HTTP answer to the upgrade request. */
static void conn_handshake(rt_conn *c)
{
	rt_buf *in = &c->dec.in;
	const char *end = memmem(in->data, in->len, "\r\n\r\n", 4);
	if (!end) {
		if (in->len > 8192)
			rt_conn_close(c, "upgrade answer too long");
		return;
	}
	if (in->len < 12 || memcmp(in->data, "HTTP/1.1 101", 12) != 0) {
		char line[80];
		size_t l = 0;
		while (l < in->len && l < sizeof line - 1 && in->data[l] != '\r')
			l++;
		memcpy(line, in->data, l);
		line[l] = '\0';
		char why[128];
		snprintf(why, sizeof why, "upgrade refused: %s", line);
		rt_conn_close(c, why);
		return;
	}
	rt_buf_consume(in, (size_t)(end + 4 - (const char *)in->data));
	c->handshaking = false;
	if (c->h.on_open)
		c->h.on_open(c, c->h.ud);
}

static void conn_read_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	rt_conn *c = w->data;
	uint8_t buf[65536];
	c->in_callback = true;
	if (c->write_failed) {
		char why[256];
		snprintf(why, sizeof why, "%s", c->why);
		rt_conn_close(c, why);
	}
	if (!c->closing && !conn_handshake_tls(c))
		goto out;
	while (!c->closing) {
		ssize_t n = rt_sock_read(c->fd, c->tls, buf, sizeof buf);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				rt_conn_close(c, errno == EPROTO && c->tls ? rt_tls_error(c->tls) : strerror(errno));
			else if (c->tls && rt_tls_wants_write(c->tls))
				ev_io_start(c->loop, &c->wio);
			break;
		}
		if (n == 0) {
			rt_conn_close(c, "connection closed by peer");
			break;
		}
		rt_frame_decoder_feed(&c->dec, buf, (size_t)n);
		if (c->handshaking)
			conn_handshake(c);
		if (!c->handshaking && !c->closing)
			conn_deliver(c);
		/* A TLS record is smaller than buf: what it decrypted and kept
		 * is read now, as no socket event will announce it. */
		if (c->closing || ((size_t)n < sizeof buf && !(c->tls && rt_tls_pending(c->tls))))
			break;
	}
out:
	c->in_callback = false;
	if (c->free_pending)
		conn_finish(c);
}

static void conn_write_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	rt_conn *c = w->data;
	c->in_callback = true;
	if (c->connecting) {
		int err = 0;
		socklen_t l = sizeof err;
		getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &l);
		c->connecting = false;
		if (err) {
			char why[128];
			snprintf(why, sizeof why, "connect: %s", strerror(err));
			rt_conn_close(c, why);
		} else {
			ev_io_start(c->loop, &c->rio);
			if (!c->handshaking && c->h.on_open)
				c->h.on_open(c, c->h.ud);
		}
	}
	if (!c->closing && conn_handshake_tls(c))
		conn_flush(c);
	c->in_callback = false;
	if (c->free_pending)
		conn_finish(c);
}

static rt_conn *conn_new(struct ev_loop *loop, int fd, const rt_conn_handlers *h)
{
	rt_conn *c = rt_xcalloc(1, sizeof *c);
	c->loop = loop;
	c->fd = fd;
	c->h = *h;
	rt_frame_decoder_init(&c->dec, RT_FRAME_MAX_SIZE);
	rt_buf_init(&c->out);
	if (fd < 0)
		return c;
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	ev_io_init(&c->rio, conn_read_cb, fd, EV_READ);
	ev_io_init(&c->wio, conn_write_cb, fd, EV_WRITE);
	/* The master<->agent link carries what tasks wait for (launches, status
	 * updates, acknowledgements): within one loop iteration it goes before
	 * HTTP requests, so that a burst of scheduler calls after an allocation
	 * pass does not hold a launch up. */
	ev_set_priority(&c->rio, EV_MAXPRI);
	ev_set_priority(&c->wio, EV_MAXPRI);
	c->rio.data = c->wio.data = c;
	struct sockaddr_storage ss;
	socklen_t sl = sizeof ss;
	char host[INET6_ADDRSTRLEN] = "?";
	int port = 0;
	if (getpeername(fd, (struct sockaddr *)&ss, &sl) == 0 && ss.ss_family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
		inet_ntop(AF_INET, &sin->sin_addr, host, sizeof host);
		port = ntohs(sin->sin_port);
	}
	snprintf(c->peer, sizeof c->peer, "%s:%d", host, port);
	return c;
}

rt_conn *rt_conn_adopt(struct ev_loop *loop, int fd, const rt_conn_handlers *h, const void *preface, size_t preface_len,
                       const void *early, size_t early_len)
{
	return rt_conn_adopt_tls(loop, fd, NULL, h, preface, preface_len, early, early_len);
}

rt_conn *rt_conn_adopt_tls(struct ev_loop *loop, int fd, rt_tls_conn *tls, const rt_conn_handlers *h,
                           const void *preface, size_t preface_len, const void *early, size_t early_len)
{
	rt_conn *c = conn_new(loop, fd, h);
	c->tls = tls;
	if (tls && rt_tls_pending(tls))
		ev_feed_event(loop, &c->rio, EV_READ);
	rt_buf_append(&c->out, preface, preface_len);
	if (early_len)
		rt_frame_decoder_feed(&c->dec, early, early_len);
	ev_io_start(loop, &c->rio);
	conn_flush(c);
	if (!c->closing && early_len) {
		c->in_callback = true;
		conn_deliver(c);
		c->in_callback = false;
		if (c->free_pending) {
			conn_finish(c);
			return NULL;
		}
	}
	return c;
}

rt_conn *rt_conn_connect(struct ev_loop *loop, const char *host, int port, const char *upgrade_request,
                         const rt_conn_handlers *h)
{
	return rt_conn_connect_tls(loop, host, port, upgrade_request, h, NULL);
}

rt_conn *rt_conn_connect_tls(struct ev_loop *loop, const char *host, int port, const char *upgrade_request,
                             const rt_conn_handlers *h, rt_tls *tls)
{
	struct sockaddr_in sin;
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, host, &sin.sin_addr) != 1) {
		struct addrinfo hints = {.ai_family = AF_INET, .ai_socktype = SOCK_STREAM}, *res;
		int rc = getaddrinfo(host, NULL, &hints, &res);
		if (rc != 0) {
			/* A name that does not resolve leaves errno 0; a system
			 * error (descriptors, memory) leaves its errno. */
			if (rc != EAI_SYSTEM)
				errno = 0;
			return NULL;
		}
		sin.sin_addr = ((struct sockaddr_in *)res->ai_addr)->sin_addr;
		freeaddrinfo(res);
	}
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return NULL;
	rt_conn *c = conn_new(loop, fd, h);
	snprintf(c->peer, sizeof c->peer, "%s:%d", host, port);
	if (tls && !(c->tls = rt_tls_connect(tls, fd, host))) {
		conn_free(c);
		errno = ENOMEM;
		return NULL;
	}
	if (upgrade_request) {
		c->handshaking = true;
		rt_buf_append(&c->out, upgrade_request, strlen(upgrade_request));
	}
	c->connecting = true;
	if (connect(fd, (struct sockaddr *)&sin, sizeof sin) != 0 && errno != EINPROGRESS) {
		/* Reported through on_close from the loop, like an asynchronous
		 * failure, never from inside this call. */
		snprintf(c->why, sizeof c->why, "connect: %s", strerror(errno));
		c->write_failed = true;
		c->connecting = false;
		ev_feed_event(loop, &c->rio, EV_READ);
		return c;
	}
	ev_io_start(loop, &c->wio);
	return c;
}

int rt_conn_send(rt_conn *c, const void *payload, size_t len)
{
	if (c->closing || c->write_failed)
		return -1;
	if (c->fd >= 0 && !c->connecting && c->out.len >= RT_CONN_MAX_OUTPUT) {
		/* As a failed write: closed from the loop, never inside a send. */
		snprintf(c->why, sizeof c->why, "peer does not read: %zu bytes unwritten", c->out.len);
		c->write_failed = true;
		c->out.len = 0;
		ev_feed_event(c->loop, &c->rio, EV_READ);
		return -1;
	}
	rt_frame_encode(&c->out, payload, len);
	if (!c->connecting)
		conn_flush(c);
	return 0;
}

const char *rt_conn_peer(const rt_conn *c)
{
	return c->peer;
}

void rt_conn_set_max_frame(rt_conn *c, uint32_t max_size)
{
	c->dec.max_size = max_size;
}

void rt_conn_set_principal(rt_conn *c, const char *principal)
{
	free(c->principal);
	c->principal = principal ? rt_xstrdup(principal) : NULL;
}

const char *rt_conn_principal(const rt_conn *c)
{
	return c->principal;
}

void rt_conn_set_data(rt_conn *c, void *data)
{
	c->data = data;
}

void *rt_conn_data(const rt_conn *c)
{
	return c->data;
}

/* ------------------------------------------------- detached connections */

rt_conn *rt_conn_detached(const rt_conn_handlers *h, const char *peer)
{
	rt_conn *c = conn_new(NULL, -1, h);
	snprintf(c->peer, sizeof c->peer, "%s", peer);
	return c;
}

int rt_conn_feed(rt_conn *c, const void *data, size_t len)
{
	if (c->closing)
		return -1;
	rt_frame_decoder_feed(&c->dec, data, len);
	c->in_callback = true;
	conn_deliver(c);
	c->in_callback = false;
	if (c->free_pending)
		conn_finish(c);
	return c->closing ? -1 : 0;
}

const uint8_t *rt_conn_output(const rt_conn *c, size_t *len)
{
	*len = c->out.len;
	return c->out.data ? c->out.data : (const uint8_t *)"";
}

bool rt_conn_closed(const rt_conn *c)
{
	return c->closing;
}

void rt_conn_destroy(rt_conn *c)
{
	if (!c->closing)
		rt_conn_close(c, "destroyed");
	conn_free(c);
}
