/*
 * rt_http.c — the HTTP/1.1 server of rt_http.h: one http_parser per session,
 * requests gathered into a buffer, answers queued and written when the socket
 * is writable.
 */
#define _GNU_SOURCE
#include "rt_http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <http_parser.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "rt_util.h"

struct rt_http_server {
	struct ev_loop *loop;
	int fd;
	int port;
	ev_io accept_io;
	rt_http_limits limits;
	rt_http_handler handler;
	rt_http_upgrade_handler upgrade;
	void *ud;
	rt_http_session *sessions; /* doubly linked */
};

/* Where a header name or value sits in the session's text buffer. */
typedef struct span {
	size_t off, len;
} span;

struct rt_http_session {
	rt_http_server *srv;
	rt_http_session *prev, *next;
	int fd; /* -1: detached */
	ev_io rio, wio;
	http_parser parser;
	char peer[64];

	/* The request being parsed: its text (url, header names and values,
	 * each NUL-terminated) and body. */
	rt_buf text;
	rt_buf body;
	span url;
	span hname[RT_HTTP_MAX_HEADERS], hvalue[RT_HTTP_MAX_HEADERS];
	size_t nheaders;
	enum { HS_URL, HS_FIELD, HS_VALUE } hstate;
	size_t header_bytes;
	int error_status; /* set by a callback: answer this and close */
	const char *error_msg;
	bool upgrade_ready; /* an upgrade request is complete */

	rt_buf out;
	bool replied;   /* the current request got its answer */
	bool streaming; /* a chunked stream is open */
	bool close_after_write;
	bool closed;
	int in_callback;
	void (*close_hook)(rt_http_session *, void *);
	void *close_ud;
};

const char *rt_http_status_text(int status)
{
	switch (status) {
	case 101:
		return "Switching Protocols";
	case 200:
		return "OK";
	case 202:
		return "Accepted";
	case 204:
		return "No Content";
	case 307:
		return "Temporary Redirect";
	case 400:
		return "Bad Request";
	case 403:
		return "Forbidden";
	case 404:
		return "Not Found";
	case 405:
		return "Method Not Allowed";
	case 406:
		return "Not Acceptable";
	case 409:
		return "Conflict";
	case 413:
		return "Payload Too Large";
	case 415:
		return "Unsupported Media Type";
	case 500:
		return "Internal Server Error";
	case 501:
		return "Not Implemented";
	case 503:
		return "Service Unavailable";
	default:
		return "Unknown";
	}
}

const char *rt_http_header_get(const rt_http_request *req, const char *name)
{
	for (size_t i = 0; i < req->nheaders; i++)
		if (strcasecmp(req->headers[i].name, name) == 0)
			return req->headers[i].value;
	return NULL;
}

/* ------------------------------------------------------------- sessions */

static void session_free(rt_http_session *s)
{
	rt_http_server *srv = s->srv;
	if (s->prev)
		s->prev->next = s->next;
	else if (srv->sessions == s)
		srv->sessions = s->next;
	if (s->next)
		s->next->prev = s->prev;
	if (s->fd >= 0) {
		ev_io_stop(srv->loop, &s->rio);
		ev_io_stop(srv->loop, &s->wio);
		close(s->fd);
	}
	rt_buf_free(&s->text);
	rt_buf_free(&s->body);
	rt_buf_free(&s->out);
	free(s);
}

/* Marks the session closed and runs its hook. Never frees: the callback
 * that called it does, once nothing of the session is on the stack (a
 * detached session goes at rt_http_session_destroy). */
static void session_close(rt_http_session *s)
{
	if (s->closed)
		return;
	s->closed = true;
	if (s->fd >= 0) {
		ev_io_stop(s->srv->loop, &s->rio);
		ev_io_stop(s->srv->loop, &s->wio);
	}
	if (s->close_hook) {
		void (*hook)(rt_http_session *, void *) = s->close_hook;
		s->close_hook = NULL;
		hook(s, s->close_ud);
	}
}

static void session_flush(rt_http_session *s)
{
	if (s->fd < 0) {
		if (s->close_after_write)
			session_close(s);
		return;
	}
	while (s->out.len) {
		ssize_t n = write(s->fd, s->out.data, s->out.len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			s->out.len = 0;
			s->close_after_write = true;
			break;
		}
		rt_buf_consume(&s->out, (size_t)n);
	}
	if (s->out.len) {
		ev_io_start(s->srv->loop, &s->wio);
		return;
	}
	ev_io_stop(s->srv->loop, &s->wio);
	if (s->close_after_write) {
		/* Closing from a send must not free the session under the caller:
		 * let the loop do it. */
		if (s->in_callback)
			session_close(s);
		else
			ev_feed_event(s->srv->loop, &s->rio, EV_READ);
	}
}

static void write_head(rt_http_session *s, int status, const char *content_type, const char *extra, bool chunked,
                       size_t len)
{
	rt_buf_printf(&s->out, "HTTP/1.1 %d %s\r\n", status, rt_http_status_text(status));
	if (content_type)
		rt_buf_printf(&s->out, "Content-Type: %s\r\n", content_type);
	if (chunked)
		rt_buf_printf(&s->out, "Transfer-Encoding: chunked\r\n");
	else
		rt_buf_printf(&s->out, "Content-Length: %zu\r\n", len);
	if (s->close_after_write)
		rt_buf_printf(&s->out, "Connection: close\r\n");
	if (extra)
		rt_buf_append(&s->out, extra, strlen(extra));
	rt_buf_append(&s->out, "\r\n", 2);
}

void rt_http_reply(rt_http_session *s, int status, const char *content_type, const void *body, size_t len,
                   const char *extra_headers)
{
	if (s->closed || s->replied || s->streaming)
		return;
	s->replied = true;
	if (!http_should_keep_alive(&s->parser) || s->error_status)
		s->close_after_write = true;
	write_head(s, status, content_type, extra_headers, false, len);
	if (s->parser.method != HTTP_HEAD) /* HEAD: the headers of a GET, no body */
		rt_buf_append(&s->out, body, len);
	session_flush(s);
}

void rt_http_reply_text(rt_http_session *s, int status, const char *msg)
{
	char body[1024];
	int n = snprintf(body, sizeof body, "%s\n", msg);
	if (n < 0 || (size_t)n >= sizeof body)
		n = (int)sizeof body - 1;
	rt_http_reply(s, status, "text/plain; charset=utf-8", body, (size_t)n, NULL);
}

void rt_http_stream_start(rt_http_session *s, int status, const char *content_type, const char *extra_headers)
{
	if (s->closed || s->replied || s->streaming)
		return;
	s->replied = true;
	s->streaming = true;
	write_head(s, status, content_type, extra_headers, true, 0);
	session_flush(s);
}

int rt_http_stream_send(rt_http_session *s, const void *data, size_t len)
{
	if (s->closed || !s->streaming || s->close_after_write)
		return -1;
	if (len == 0)
		return 0; /* an empty chunk would end the stream */
	rt_buf_printf(&s->out, "%zx\r\n", len);
	rt_buf_append(&s->out, data, len);
	rt_buf_append(&s->out, "\r\n", 2);
	session_flush(s);
	return 0;
}

void rt_http_stream_end(rt_http_session *s)
{
	if (s->closed || !s->streaming || s->close_after_write)
		return;
	rt_buf_append(&s->out, "0\r\n\r\n", 5);
	s->close_after_write = true;
	session_flush(s);
}

bool rt_http_session_streaming(const rt_http_session *s)
{
	return s->streaming;
}

void rt_http_session_on_close(rt_http_session *s, void (*hook)(rt_http_session *s, void *ud), void *ud)
{
	s->close_hook = hook;
	s->close_ud = ud;
}

const char *rt_http_session_peer(const rt_http_session *s)
{
	return s->peer;
}

/* -------------------------------------------------------- parser callbacks */

static void fail(rt_http_session *s, int status, const char *msg)
{
	if (!s->error_status) {
		s->error_status = status;
		s->error_msg = msg;
	}
}

static int text_add(rt_http_session *s, const char *at, size_t len)
{
	s->header_bytes += len;
	if (s->header_bytes > s->srv->limits.max_header_bytes) {
		fail(s, 413, "Request line and headers too large");
		return -1;
	}
	rt_buf_append(&s->text, at, len);
	return 0;
}

static int end_string(rt_http_session *s)
{
	rt_buf_append(&s->text, "", 1);
	return 0;
}

static int on_message_begin(http_parser *p)
{
	rt_http_session *s = p->data;
	s->text.len = 0;
	s->body.len = 0;
	s->nheaders = 0;
	s->hstate = HS_URL;
	s->header_bytes = 0;
	s->url.off = 0;
	s->url.len = 0;
	s->replied = false;
	return 0;
}

static int on_url(http_parser *p, const char *at, size_t len)
{
	rt_http_session *s = p->data;
	s->url.len += len;
	return text_add(s, at, len);
}

/* http-parser may split a name or a value over several callbacks (across
 * reads); a switch between name and value callbacks ends the previous string. */
static int on_header_field(http_parser *p, const char *at, size_t len)
{
	rt_http_session *s = p->data;
	if (s->hstate != HS_FIELD) {
		end_string(s); /* the url or the previous value */
		if (s->nheaders == RT_HTTP_MAX_HEADERS) {
			fail(s, 400, "Too many headers");
			return -1;
		}
		s->hname[s->nheaders].off = s->text.len;
		s->hname[s->nheaders].len = 0;
		s->nheaders++;
		s->hstate = HS_FIELD;
	}
	s->hname[s->nheaders - 1].len += len;
	return text_add(s, at, len);
}

static int on_header_value(http_parser *p, const char *at, size_t len)
{
	rt_http_session *s = p->data;
	if (s->hstate != HS_VALUE) {
		end_string(s); /* the name */
		s->hvalue[s->nheaders - 1].off = s->text.len;
		s->hvalue[s->nheaders - 1].len = 0;
		s->hstate = HS_VALUE;
	}
	s->hvalue[s->nheaders - 1].len += len;
	return text_add(s, at, len);
}

static int on_headers_complete(http_parser *p)
{
	rt_http_session *s = p->data;
	if (s->hstate == HS_FIELD) {
		fail(s, 400, "Header without a value");
		return -1;
	}
	end_string(s); /* the url or the last value */
	if ((p->flags & F_CONTENTLENGTH) && p->content_length > s->srv->limits.max_body_bytes) {
		fail(s, 413, "Request body too large");
		return -1;
	}
	return 0;
}

static int on_body(http_parser *p, const char *at, size_t len)
{
	rt_http_session *s = p->data;
	if (s->body.len + len > s->srv->limits.max_body_bytes) {
		fail(s, 413, "Request body too large");
		return -1;
	}
	rt_buf_append(&s->body, at, len);
	return 0;
}

static void build_request(rt_http_session *s, rt_http_request *req, char *url_copy, size_t url_cap)
{
	const char *text = (const char *)s->text.data;
	memset(req, 0, sizeof *req);
	req->method = http_method_str((enum http_method)s->parser.method);
	size_t n = s->url.len < url_cap - 1 ? s->url.len : url_cap - 1;
	memcpy(url_copy, text ? text : "", n);
	url_copy[n] = '\0';
	char *q = strchr(url_copy, '?');
	if (q) {
		*q = '\0';
		req->query = q + 1;
	} else {
		req->query = "";
	}
	req->path = url_copy;
	req->nheaders = s->nheaders;
	for (size_t i = 0; i < s->nheaders; i++) {
		req->headers[i].name = text + s->hname[i].off;
		req->headers[i].value = text + s->hvalue[i].off;
	}
	req->body = s->body.data ? s->body.data : (const uint8_t *)"";
	req->body_len = s->body.len;
}

static int on_message_complete(http_parser *p)
{
	rt_http_session *s = p->data;
	if (p->upgrade) {
		s->upgrade_ready = true;
		return 0;
	}
	rt_http_request req;
	char *url = rt_xmalloc(s->url.len + 1);
	build_request(s, &req, url, s->url.len + 1);
	bool was_streaming = s->streaming;
	s->srv->handler(s->srv->ud, s, &req);
	free(url);
	if (!s->replied && !was_streaming && !s->closed)
		rt_http_reply_text(s, 500, "The server did not answer this request");
	/* Stop parsing behind a request whose answer closes the connection. */
	return s->close_after_write || s->closed ? -1 : 0;
}

static const http_parser_settings parser_settings = {
        .on_message_begin = on_message_begin,
        .on_url = on_url,
        .on_header_field = on_header_field,
        .on_header_value = on_header_value,
        .on_headers_complete = on_headers_complete,
        .on_body = on_body,
        .on_message_complete = on_message_complete,
};

static void answer_error(rt_http_session *s)
{
	if (s->replied && !s->streaming) {
		s->close_after_write = true;
		session_flush(s);
		return;
	}
	if (s->streaming) {
		s->close_after_write = true;
		session_flush(s);
		return;
	}
	rt_http_reply_text(s, s->error_status, s->error_msg);
}

/* Hands the socket to the upgrade handler, or refuses the upgrade. */
static void do_upgrade(rt_http_session *s, const uint8_t *early, size_t early_len)
{
	rt_http_request req;
	char *url = rt_xmalloc(s->url.len + 1);
	build_request(s, &req, url, s->url.len + 1);
	bool taken = false;
	if (s->srv->upgrade && s->fd >= 0 && s->out.len == 0)
		taken = s->srv->upgrade(s->srv->ud, &req, s->fd, early, early_len);
	free(url);
	if (taken) {
		ev_io_stop(s->srv->loop, &s->rio);
		ev_io_stop(s->srv->loop, &s->wio);
		s->fd = -2; /* owned by someone else now */
		s->close_after_write = true;
		s->closed = true;
		return;
	}
	s->error_status = 400;
	rt_http_reply_text(s, 400, "Upgrade not supported on this path");
	s->close_after_write = true;
	session_flush(s);
}

static void session_parse(rt_http_session *s, const char *data, size_t len)
{
	s->in_callback++;
	size_t done = http_parser_execute(&s->parser, &parser_settings, data, len);
	if (s->closed) {
		/* nothing */
	} else if (s->upgrade_ready) {
		do_upgrade(s, (const uint8_t *)data + done, len - done);
	} else if (s->error_status) {
		answer_error(s);
	} else if (HTTP_PARSER_ERRNO(&s->parser) != HPE_OK && !s->close_after_write) {
		char msg[160];
		snprintf(msg, sizeof msg, "Malformed request: %s",
		         http_errno_description(HTTP_PARSER_ERRNO(&s->parser)));
		s->error_status = 400;
		if (s->streaming) {
			s->close_after_write = true;
			session_flush(s);
		} else {
			rt_http_reply_text(s, 400, msg);
		}
	}
	s->in_callback--;
}

static void session_read_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	rt_http_session *s = w->data;
	char buf[16384];
	if (s->close_after_write && s->out.len == 0) {
		session_close(s);
		if (s->fd != -2)
			session_free(s);
		return;
	}
	ssize_t n = read(s->fd, buf, sizeof buf);
	if (n < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK))
		return;
	if (n <= 0) {
		s->in_callback++;
		session_close(s);
		s->in_callback--;
		session_free(s);
		return;
	}
	if (s->close_after_write)
		return; /* input behind a closing answer is dropped */
	session_parse(s, buf, (size_t)n);
	if (s->fd == -2) {
		session_free(s);
		return;
	}
	if (s->closed) {
		session_free(s);
		return;
	}
	if (s->close_after_write && s->out.len == 0) {
		session_close(s);
		session_free(s);
	}
}

static void session_write_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	rt_http_session *s = w->data;
	s->in_callback++;
	session_flush(s);
	s->in_callback--;
	if (s->closed) {
		session_free(s);
	} else if (s->close_after_write && s->out.len == 0) {
		session_close(s);
		session_free(s);
	}
}

static rt_http_session *session_new(rt_http_server *srv, int fd)
{
	rt_http_session *s = rt_xcalloc(1, sizeof *s);
	s->srv = srv;
	s->fd = fd;
	http_parser_init(&s->parser, HTTP_REQUEST);
	s->parser.data = s;
	rt_buf_init(&s->text);
	rt_buf_init(&s->body);
	rt_buf_init(&s->out);
	snprintf(s->peer, sizeof s->peer, "detached");
	s->next = srv->sessions;
	if (s->next)
		s->next->prev = s;
	srv->sessions = s;
	return s;
}

static void accept_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	rt_http_server *srv = w->data;
	for (;;) {
		struct sockaddr_in sin;
		socklen_t sl = sizeof sin;
		int fd = accept4(srv->fd, (struct sockaddr *)&sin, &sl, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
				rt_log(RT_WARN, "http: accept: %s", strerror(errno));
			return;
		}
		int one = 1;
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
		rt_http_session *s = session_new(srv, fd);
		char ip[INET_ADDRSTRLEN] = "?";
		inet_ntop(AF_INET, &sin.sin_addr, ip, sizeof ip);
		snprintf(s->peer, sizeof s->peer, "%s:%d", ip, ntohs(sin.sin_port));
		ev_io_init(&s->rio, session_read_cb, fd, EV_READ);
		ev_io_init(&s->wio, session_write_cb, fd, EV_WRITE);
		s->rio.data = s->wio.data = s;
		ev_io_start(loop, &s->rio);
	}
}

/* -------------------------------------------------------------- servers */

rt_http_server *rt_http_server_create(struct ev_loop *loop, const char *ip, int port, const rt_http_limits *limits,
                                      rt_http_handler handler, void *ud, char *err, size_t errlen)
{
	rt_http_server *srv = rt_xcalloc(1, sizeof *srv);
	srv->loop = loop;
	srv->fd = -1;
	srv->handler = handler;
	srv->ud = ud;
	srv->limits.max_header_bytes = limits && limits->max_header_bytes ? limits->max_header_bytes : 16384;
	srv->limits.max_body_bytes = limits && limits->max_body_bytes ? limits->max_body_bytes : (4u << 20);
	if (!loop)
		return srv;
	struct sockaddr_in sin;
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, ip, &sin.sin_addr) != 1) {
		snprintf(err, errlen, "invalid IPv4 address '%s'", ip);
		free(srv);
		return NULL;
	}
	srv->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	int one = 1;
	setsockopt(srv->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (srv->fd < 0 || bind(srv->fd, (struct sockaddr *)&sin, sizeof sin) != 0 || listen(srv->fd, 512) != 0) {
		snprintf(err, errlen, "cannot listen on %s:%d: %s", ip, port, strerror(errno));
		if (srv->fd >= 0)
			close(srv->fd);
		free(srv);
		return NULL;
	}
	socklen_t sl = sizeof sin;
	getsockname(srv->fd, (struct sockaddr *)&sin, &sl);
	srv->port = ntohs(sin.sin_port);
	ev_io_init(&srv->accept_io, accept_cb, srv->fd, EV_READ);
	srv->accept_io.data = srv;
	ev_io_start(loop, &srv->accept_io);
	return srv;
}

void rt_http_server_set_upgrade(rt_http_server *srv, rt_http_upgrade_handler cb)
{
	srv->upgrade = cb;
}

int rt_http_server_port(const rt_http_server *srv)
{
	return srv->port;
}

void rt_http_server_destroy(rt_http_server *srv)
{
	if (!srv)
		return;
	while (srv->sessions) {
		rt_http_session *s = srv->sessions;
		s->in_callback++;
		session_close(s);
		s->in_callback--;
		if (s->fd >= 0 || s->fd == -1)
			session_free(s);
	}
	if (srv->fd >= 0) {
		ev_io_stop(srv->loop, &srv->accept_io);
		close(srv->fd);
	}
	free(srv);
}

/* ---------------------------------------------------- detached sessions */

rt_http_session *rt_http_session_detached(rt_http_server *srv)
{
	return session_new(srv, -1);
}

int rt_http_session_feed(rt_http_session *s, const void *data, size_t len)
{
	if (s->closed || s->close_after_write)
		return -1;
	session_parse(s, data, len);
	if (s->close_after_write)
		session_close(s);
	return s->closed ? -1 : 0;
}

const uint8_t *rt_http_session_output(const rt_http_session *s, size_t *len)
{
	*len = s->out.len;
	return s->out.data ? s->out.data : (const uint8_t *)"";
}

void rt_http_session_destroy(rt_http_session *s)
{
	s->in_callback++;
	session_close(s);
	session_free(s);
}
