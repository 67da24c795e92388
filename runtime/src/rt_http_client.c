/*
 * rt_http_client.c — the HTTP client and RecordIO codec of rt_http_client.h.
 */
#define _GNU_SOURCE
#include "rt_http_client.h"

#include <arpa/inet.h>
#include <errno.h>
#include <http_parser.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_RESPONSE_HEADERS 32

struct rt_http_client {
	struct ev_loop *loop;
	int fd;
	rt_tls_conn *tls; /* NULL: plain HTTP */
	ev_io rio, wio;
	ev_idle fail_idle; /* reports a failed connect from the loop */
	http_parser parser;
	rt_http_client_handlers h;
	rt_buf out;
	rt_buf hdr; /* "name\0value\0" pairs */
	size_t nh;
	size_t hoff[MAX_RESPONSE_HEADERS][2];
	int hstate; /* 0: none, 1: in field, 2: in value */
	int done;
	int in_cb;
	char error[160];
};

static void client_finish(rt_http_client *c, const char *error)
{
	if (c->done)
		return;
	c->done = 1;
	ev_io_stop(c->loop, &c->rio);
	ev_io_stop(c->loop, &c->wio);
	ev_idle_stop(c->loop, &c->fail_idle);
	if (c->h.on_done)
		c->h.on_done(c, error, c->h.ud);
	rt_tls_close(c->tls);
	close(c->fd);
	rt_buf_free(&c->out);
	rt_buf_free(&c->hdr);
	free(c);
}

const char *rt_http_client_header(const rt_http_client *c, const char *name)
{
	for (size_t i = 0; i < c->nh; i++)
		if (strcasecmp((const char *)c->hdr.data + c->hoff[i][0], name) == 0)
			return (const char *)c->hdr.data + c->hoff[i][1];
	return NULL;
}

static int cl_field(http_parser *p, const char *at, size_t len)
{
	rt_http_client *c = p->data;
	if (c->hstate != 1) {
		if (c->hstate == 2)
			rt_buf_append(&c->hdr, "", 1);
		if (c->nh == MAX_RESPONSE_HEADERS)
			return -1;
		c->hoff[c->nh++][0] = c->hdr.len;
		c->hstate = 1;
	}
	rt_buf_append(&c->hdr, at, len);
	return 0;
}

static int cl_value(http_parser *p, const char *at, size_t len)
{
	rt_http_client *c = p->data;
	if (c->hstate != 2) {
		rt_buf_append(&c->hdr, "", 1);
		c->hoff[c->nh - 1][1] = c->hdr.len;
		c->hstate = 2;
	}
	rt_buf_append(&c->hdr, at, len);
	return 0;
}

static int cl_headers_complete(http_parser *p)
{
	rt_http_client *c = p->data;
	rt_buf_append(&c->hdr, "", 1);
	if (c->h.on_headers)
		c->h.on_headers(c, p->status_code, c->h.ud);
	return c->done ? -1 : 0;
}

static int cl_body(http_parser *p, const char *at, size_t len)
{
	rt_http_client *c = p->data;
	if (c->h.on_body)
		c->h.on_body(c, (const uint8_t *)at, len, c->h.ud);
	return 0;
}

static int cl_complete(http_parser *p)
{
	rt_http_client *c = p->data;
	c->done = 2; /* complete: finish after the parser returns */
	return -1;
}

static const http_parser_settings client_settings = {
        .on_header_field = cl_field,
        .on_header_value = cl_value,
        .on_headers_complete = cl_headers_complete,
        .on_body = cl_body,
        .on_message_complete = cl_complete,
};

/* A TLS handshake, advanced from either watcher: true once done; false
 * while it waits or after it failed (the client is then finished). */
static bool cl_handshake(rt_http_client *c)
{
	if (!c->tls || rt_tls_ready(c->tls))
		return true;
	int h = rt_tls_handshake_io(c->tls, c->loop, &c->wio);
	if (h < 0) {
		snprintf(c->error, sizeof c->error, "%s", rt_tls_error(c->tls));
		client_finish(c, c->error);
	}
	if (h <= 0)
		return false;
	if (c->out.len)
		ev_io_start(c->loop, &c->wio);
	return true;
}

static void cl_read(struct ev_loop *loop, ev_io *w, int revents)
{
	rt_http_client *c = w->data;
	char buf[65536];
	if (!cl_handshake(c))
		return;
	ssize_t n = rt_sock_read(c->fd, c->tls, buf, sizeof buf);
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n < 0) {
		snprintf(c->error, sizeof c->error, "read: %s",
		         errno == EPROTO && c->tls ? rt_tls_error(c->tls) : strerror(errno));
		client_finish(c, c->error);
		return;
	}
	http_parser_execute(&c->parser, &client_settings, buf, (size_t)n);
	if (c->done == 2) {
		c->done = 0;
		client_finish(c, NULL);
	} else if (n == 0) {
		client_finish(c, "connection closed before the response ended");
	} else if (HTTP_PARSER_ERRNO(&c->parser) != HPE_OK) {
		snprintf(c->error, sizeof c->error, "bad response: %s",
		         http_errno_description(HTTP_PARSER_ERRNO(&c->parser)));
		client_finish(c, c->error);
	} else if (c->tls && rt_tls_pending(c->tls)) {
		ev_feed_event(loop, &c->rio, EV_READ); /* decrypted and kept: no socket event tells */
	}
}

static void cl_write(struct ev_loop *loop, ev_io *w, int revents)
{
	rt_http_client *c = w->data;
	if (!cl_handshake(c))
		return;
	while (c->out.len) {
		ssize_t n = rt_sock_write(c->fd, c->tls, c->out.data, c->out.len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				return;
			snprintf(c->error, sizeof c->error, "cannot send to the server: %s",
			         errno == EPROTO && c->tls ? rt_tls_error(c->tls) : strerror(errno));
			client_finish(c, c->error);
			return;
		}
		rt_buf_consume(&c->out, (size_t)n);
	}
	ev_io_stop(loop, &c->wio);
}

static void cl_fail_idle(struct ev_loop *loop, ev_idle *w, int revents)
{
	rt_http_client *c = w->data;
	client_finish(c, c->error);
}

rt_http_client *rt_http_client_start(struct ev_loop *loop, const char *host, int port, const char *method,
                                     const char *path, const char *extra_headers, const void *body, size_t len,
                                     const rt_http_client_handlers *h)
{
	return rt_http_client_start_tls(loop, host, port, method, path, extra_headers, body, len, h, NULL);
}

rt_http_client *rt_http_client_start_tls(struct ev_loop *loop, const char *host, int port, const char *method,
                                         const char *path, const char *extra_headers, const void *body, size_t len,
                                         const rt_http_client_handlers *h, rt_tls *tls)
{
	struct sockaddr_in sin;
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, host, &sin.sin_addr) != 1) {
		struct addrinfo hints = {.ai_family = AF_INET, .ai_socktype = SOCK_STREAM}, *res;
		if (getaddrinfo(host, NULL, &hints, &res) != 0)
			return NULL;
		sin.sin_addr = ((struct sockaddr_in *)res->ai_addr)->sin_addr;
		freeaddrinfo(res);
	}
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return NULL;
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	rt_http_client *c = rt_xcalloc(1, sizeof *c);
	c->loop = loop;
	c->fd = fd;
	c->h = *h;
	if (tls && !(c->tls = rt_tls_connect(tls, fd, host))) {
		close(fd);
		free(c);
		return NULL;
	}
	http_parser_init(&c->parser, HTTP_RESPONSE);
	c->parser.data = c;
	rt_buf_init(&c->out);
	rt_buf_init(&c->hdr);
	rt_buf_printf(&c->out, "%s %s HTTP/1.1\r\nHost: %s:%d\r\nContent-Length: %zu\r\n%s\r\n", method, path, host,
	              port, len, extra_headers ? extra_headers : "");
	rt_buf_append(&c->out, body, len);
	ev_io_init(&c->rio, cl_read, fd, EV_READ);
	ev_io_init(&c->wio, cl_write, fd, EV_WRITE);
	ev_idle_init(&c->fail_idle, cl_fail_idle);
	c->rio.data = c->wio.data = c->fail_idle.data = c;
	if (connect(fd, (struct sockaddr *)&sin, sizeof sin) != 0 && errno != EINPROGRESS) {
		snprintf(c->error, sizeof c->error, "cannot connect to %s:%d: %s", host, port, strerror(errno));
		ev_idle_start(loop, &c->fail_idle);
		return c;
	}
	ev_io_start(loop, &c->rio);
	ev_io_start(loop, &c->wio);
	return c;
}

void rt_http_client_cancel(rt_http_client *c)
{
	client_finish(c, "cancelled");
}

/* ------------------------------------------------------------ the caller */

typedef struct caller_req {
	struct caller_req *next;
	rt_http_caller_cb cb;
	void *ud;
} caller_req;

struct rt_http_caller {
	struct ev_loop *loop;
	char host[256];
	int port;
	int fd;           /* -1: not connected */
	rt_tls *tls_ctx;  /* HTTPS when set */
	rt_tls_conn *tls; /* of the connection */
	ev_io rio, wio;
	http_parser parser;
	rt_buf out;       /* requests not yet written */
	rt_buf body;      /* body of the answer being read */
	caller_req *head; /* sent or queued, oldest first */
	caller_req **tail;
	size_t pending;
	bool connecting;
};

static void caller_fail_all(rt_http_caller *c, const char *error)
{
	if (c->fd >= 0) {
		ev_io_stop(c->loop, &c->rio);
		ev_io_stop(c->loop, &c->wio);
		rt_tls_close(c->tls);
		c->tls = NULL;
		close(c->fd);
		c->fd = -1;
	}
	c->out.len = 0;
	c->body.len = 0;
	/* Detach first: a callback may post again (on a new connection). */
	caller_req *list = c->head;
	c->head = NULL;
	c->tail = &c->head;
	char why[160];
	snprintf(why, sizeof why, "%s", error);
	while (list) {
		caller_req *r = list;
		list = r->next;
		c->pending--;
		if (r->cb)
			r->cb(r->ud, 0, NULL, 0, why);
		free(r);
	}
}

static int caller_body(http_parser *p, const char *at, size_t len)
{
	rt_http_caller *c = p->data;
	rt_buf_append(&c->body, at, len);
	return 0;
}

static int caller_complete(http_parser *p)
{
	rt_http_caller *c = p->data;
	caller_req *r = c->head;
	if (!r)
		return -1; /* an answer nobody asked for */
	c->head = r->next;
	if (!c->head)
		c->tail = &c->head;
	c->pending--;
	if (r->cb)
		r->cb(r->ud, p->status_code, c->body.data, c->body.len, NULL);
	free(r);
	c->body.len = 0;
	return 0;
}

static const http_parser_settings caller_settings = {
        .on_body = caller_body,
        .on_message_complete = caller_complete,
};

/* As cl_handshake, for the caller's connection (its requests fail with
 * the reason when the handshake does). */
static bool caller_handshake(rt_http_caller *c)
{
	if (!c->tls || rt_tls_ready(c->tls))
		return true;
	int h = rt_tls_handshake_io(c->tls, c->loop, &c->wio);
	if (h < 0) {
		char why[200];
		snprintf(why, sizeof why, "%s", rt_tls_error(c->tls));
		caller_fail_all(c, why);
	}
	if (h <= 0)
		return false;
	if (c->out.len)
		ev_io_start(c->loop, &c->wio);
	return true;
}

static void caller_read(struct ev_loop *loop, ev_io *w, int revents)
{
	rt_http_caller *c = w->data;
	char buf[16384];
	if (!caller_handshake(c))
		return;
	ssize_t n = rt_sock_read(c->fd, c->tls, buf, sizeof buf);
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		caller_fail_all(c, n == 0                      ? "connection closed by the server"
		                   : errno == EPROTO && c->tls ? rt_tls_error(c->tls)
		                                               : strerror(errno));
		return;
	}
	size_t done = http_parser_execute(&c->parser, &caller_settings, buf, (size_t)n);
	if (done != (size_t)n || HTTP_PARSER_ERRNO(&c->parser) != HPE_OK)
		caller_fail_all(c, "bad response");
	else if (c->tls && rt_tls_pending(c->tls))
		ev_feed_event(loop, &c->rio, EV_READ);
}

static void caller_write(struct ev_loop *loop, ev_io *w, int revents)
{
	rt_http_caller *c = w->data;
	if (c->connecting) {
		int err = 0;
		socklen_t l = sizeof err;
		getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &l);
		c->connecting = false;
		if (err) {
			caller_fail_all(c, strerror(err));
			return;
		}
	}
	if (!caller_handshake(c))
		return;
	while (c->out.len) {
		ssize_t n = rt_sock_write(c->fd, c->tls, c->out.data, c->out.len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				return;
			caller_fail_all(c, strerror(errno));
			return;
		}
		rt_buf_consume(&c->out, (size_t)n);
	}
	ev_io_stop(loop, &c->wio);
}

static int caller_connect(rt_http_caller *c)
{
	struct sockaddr_in sin;
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)c->port);
	if (inet_pton(AF_INET, c->host, &sin.sin_addr) != 1) {
		struct addrinfo hints = {.ai_family = AF_INET, .ai_socktype = SOCK_STREAM}, *res;
		if (getaddrinfo(c->host, NULL, &hints, &res) != 0)
			return -1;
		sin.sin_addr = ((struct sockaddr_in *)res->ai_addr)->sin_addr;
		freeaddrinfo(res);
	}
	c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd < 0)
		return -1;
	int one = 1;
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if (connect(c->fd, (struct sockaddr *)&sin, sizeof sin) != 0 && errno != EINPROGRESS) {
		close(c->fd);
		c->fd = -1;
		return -1;
	}
	if (c->tls_ctx && !(c->tls = rt_tls_connect(c->tls_ctx, c->fd, c->host))) {
		close(c->fd);
		c->fd = -1;
		return -1;
	}
	c->connecting = true;
	http_parser_init(&c->parser, HTTP_RESPONSE);
	c->parser.data = c;
	ev_io_init(&c->rio, caller_read, c->fd, EV_READ);
	ev_io_init(&c->wio, caller_write, c->fd, EV_WRITE);
	c->rio.data = c->wio.data = c;
	ev_io_start(c->loop, &c->rio);
	return 0;
}

rt_http_caller *rt_http_caller_create(struct ev_loop *loop, const char *host, int port)
{
	return rt_http_caller_create_tls(loop, host, port, NULL);
}

rt_http_caller *rt_http_caller_create_tls(struct ev_loop *loop, const char *host, int port, rt_tls *tls)
{
	rt_http_caller *c = rt_xcalloc(1, sizeof *c);
	c->tls_ctx = tls;
	c->loop = loop;
	snprintf(c->host, sizeof c->host, "%s", host);
	c->port = port;
	c->fd = -1;
	c->tail = &c->head;
	rt_buf_init(&c->out);
	rt_buf_init(&c->body);
	return c;
}

void rt_http_caller_post(rt_http_caller *c, const char *path, const char *extra_headers, const void *body, size_t len,
                         rt_http_caller_cb cb, void *ud)
{
	if (c->fd < 0 && caller_connect(c) != 0) {
		if (cb)
			cb(ud, 0, NULL, 0, "cannot connect");
		return;
	}
	caller_req *r = rt_xcalloc(1, sizeof *r);
	r->cb = cb;
	r->ud = ud;
	*c->tail = r;
	c->tail = &r->next;
	c->pending++;
	rt_buf_printf(&c->out, "POST %s HTTP/1.1\r\nHost: %s:%d\r\nContent-Length: %zu\r\n%s\r\n", path, c->host,
	              c->port, len, extra_headers ? extra_headers : "");
	rt_buf_append(&c->out, body, len);
	ev_io_start(c->loop, &c->wio);
}

size_t rt_http_caller_pending(const rt_http_caller *c)
{
	return c->pending;
}

void rt_http_caller_destroy(rt_http_caller *c)
{
	if (!c)
		return;
	caller_fail_all(c, "cancelled");
	rt_buf_free(&c->out);
	rt_buf_free(&c->body);
	free(c);
}

/* -------------------------------------------------------------- RecordIO */

void rt_recordio_encode(rt_buf *out, const void *data, size_t len)
{
	rt_buf_printf(out, "%zu\n", len);
	rt_buf_append(out, data, len);
}

void rt_recordio_init(rt_recordio_decoder *d, size_t max_size)
{
	rt_buf_init(&d->in);
	d->max_size = max_size;
	d->failed = 0;
}

void rt_recordio_free(rt_recordio_decoder *d)
{
	rt_buf_free(&d->in);
}

int rt_recordio_feed(rt_recordio_decoder *d, const void *data, size_t len,
                     void (*cb)(const uint8_t *rec, size_t len, void *ud), void *ud)
{
	if (d->failed)
		return -1;
	rt_buf_append(&d->in, data, len);
	size_t pos = 0;
	for (;;) {
		size_t i = pos, n = 0;
		while (i < d->in.len && d->in.data[i] >= '0' && d->in.data[i] <= '9' && i - pos < 19) {
			n = n * 10 + (size_t)(d->in.data[i] - '0');
			i++;
		}
		if (i == d->in.len)
			break; /* the length is not complete yet */
		if (i == pos || d->in.data[i] != '\n' || n == 0 || n > d->max_size) {
			d->failed = 1;
			return -1;
		}
		if (d->in.len - (i + 1) < n)
			break;
		cb(d->in.data + i + 1, n, ud);
		pos = i + 1 + n;
	}
	rt_buf_consume(&d->in, pos);
	return 0;
}
