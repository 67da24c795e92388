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

#include "rt_tls.h"
#include "rt_util.h"

struct rt_http_server {
	struct ev_loop *loop;
	int fd;
	int port;
	ev_io accept_io;
	ev_timer accept_timer; /* accepting paused for want of descriptors */
	double accept_pause;   /* the current pause: doubles per failure up to 1 s */
	rt_ratelimit accept_log;
	rt_http_limits limits;
	rt_http_handler handler;
	rt_http_upgrade_handler upgrade;
	void *ud;
	rt_tls *tls;               /* HTTPS when set (rt_http_server_set_tls; not owned) */
	rt_http_session *sessions; /* doubly linked */
	/* Sessions whose pipelined requests wait for the next turn of the
	 * loop (RT_HTTP_REQUESTS_PER_TURN), resumed by resume_timer. */
	rt_http_session *ready;
	ev_timer resume_timer;
	rt_http_stats stats;
};

/* Where a header name or value sits in the session's text buffer. */
typedef struct span {
	size_t off, len;
} span;

struct rt_http_session {
	rt_http_server *srv;
	rt_http_session *prev, *next;
	int fd;           /* -1: detached */
	rt_tls_conn *tls; /* with an HTTPS server */
	ev_io rio, wio;
	ev_timer timer; /* the header, body, idle or linger deadline */
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

	/* Where the connection is, for its deadline (ev_now times). */
	enum { PH_IDLE, PH_HEADERS, PH_BODY } phase;
	ev_tstamp phase_start;   /* first byte of the request, or end of its headers */
	ev_tstamp last_progress; /* last byte read or written */
	ev_tstamp closing_since;

	/* Parsing paused (http_parser_pause): the bytes read and not parsed
	 * yet, and why: for output to drain, or for other connections' turn. */
	rt_buf held;
	bool paused, stalled;
	int served; /* requests served this turn */
	rt_http_session *ready_next;
	bool in_ready;

	rt_buf out;
	bool replied;   /* the current request got its answer */
	bool streaming; /* a chunked stream is open */
	bool close_after_write;
	bool lingering; /* an error answered: write side shut, the rest read and dropped */
	bool closed;
	int in_callback;
	bool drain_wanted; /* output had to wait: tell the drain hook when it is all written */
	void (*close_hook)(rt_http_session *, void *);
	void *close_ud;
	void (*drain_hook)(rt_http_session *, void *);
	void *drain_ud;
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
	case 429:
		return "Too Many Requests";
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

/* A connection keeps its buffers between requests, but not one grown for
 * a large body or answer: a thousand idle connections that each once sent
 * 4 MiB would otherwise hold 4 GB. */
#define KEEP_BUFFER (64u << 10)

static void buf_trim(rt_buf *b)
{
	if (b->len == 0 && b->cap > KEEP_BUFFER)
		rt_buf_free(b);
}

static ev_tstamp now_of(const rt_http_session *s)
{
	return s->fd >= 0 ? ev_now(s->srv->loop) : 0;
}

static void ready_remove(rt_http_session *s)
{
	if (!s->in_ready)
		return;
	for (rt_http_session **p = &s->srv->ready; *p; p = &(*p)->ready_next)
		if (*p == s) {
			*p = s->ready_next;
			break;
		}
	s->in_ready = false;
}

static void session_free(rt_http_session *s)
{
	rt_http_server *srv = s->srv;
	if (s->prev)
		s->prev->next = s->next;
	else if (srv->sessions == s)
		srv->sessions = s->next;
	if (s->next)
		s->next->prev = s->prev;
	ready_remove(s);
	if (s->fd >= 0) {
		ev_io_stop(srv->loop, &s->rio);
		ev_io_stop(srv->loop, &s->wio);
		ev_timer_stop(srv->loop, &s->timer);
		rt_tls_close(s->tls);
		close(s->fd);
	}
	srv->stats.sessions--;
	rt_buf_free(&s->text);
	rt_buf_free(&s->body);
	rt_buf_free(&s->held);
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
		ev_timer_stop(s->srv->loop, &s->timer);
	}
	if (s->close_hook) {
		void (*hook)(rt_http_session *, void *) = s->close_hook;
		s->close_hook = NULL;
		hook(s, s->close_ud);
	}
}

/* The moment the connection's current state expires (0: never), and which
 * timeout that is. */
typedef enum { TO_NONE, TO_HEADER, TO_BODY, TO_SEND, TO_IDLE, TO_LINGER } timeout_kind;

static ev_tstamp session_deadline(const rt_http_session *s, timeout_kind *kind)
{
	const rt_http_limits *l = &s->srv->limits;
	*kind = TO_NONE;
	if (s->close_after_write) {
		*kind = TO_LINGER;
		return s->closing_since + RT_HTTP_LINGER_SECONDS;
	}
	/* Answers or events the peer does not take. */
	if (s->out.len) {
		if (l->send_timeout < 0)
			return 0;
		*kind = TO_SEND;
		return s->last_progress + l->send_timeout;
	}
	if (s->streaming || s->paused)
		return 0; /* a stream is quiet between events; a paused one waits for its turn */
	if (s->phase == PH_HEADERS && l->header_timeout >= 0) {
		*kind = TO_HEADER;
		return s->phase_start + l->header_timeout;
	}
	if (s->phase == PH_BODY && l->body_timeout >= 0) {
		*kind = TO_BODY;
		return s->phase_start + l->body_timeout;
	}
	/* Quiet between requests, or before the first: Mesos's scheduler and
	 * executor libraries open their calls connection up front and take
	 * its close for a disconnection, so by default it is kept. */
	if (s->phase != PH_IDLE || l->idle_timeout < 0)
		return 0;
	*kind = TO_IDLE;
	return s->last_progress + l->idle_timeout;
}

/* (Re)starts the session's timer for its current deadline. Called where a
 * deadline can move earlier; where it only moves later, the timer fires
 * early and re-arms itself (session_timer_cb). */
static void session_arm(rt_http_session *s)
{
	if (s->fd < 0 || s->closed)
		return;
	timeout_kind kind;
	ev_tstamp at = session_deadline(s, &kind);
	ev_timer_stop(s->srv->loop, &s->timer);
	if (kind == TO_NONE)
		return;
	ev_tstamp in = at - ev_now(s->srv->loop);
	ev_timer_set(&s->timer, in > 0.001 ? in : 0.001, 0.);
	ev_timer_start(s->srv->loop, &s->timer);
}

static void begin_closing(rt_http_session *s)
{
	if (s->close_after_write)
		return;
	s->close_after_write = true;
	s->closing_since = now_of(s);
	session_arm(s);
}

static void session_resume(rt_http_session *s);

static void session_flush(rt_http_session *s)
{
	if (s->fd < 0)
		return; /* detached: closed by the next feed, drain or destroy */
	size_t before = s->out.len;
	while (s->out.len) {
		ssize_t n = rt_sock_write(s->fd, s->tls, s->out.data, s->out.len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			s->out.len = 0;
			begin_closing(s);
			break;
		}
		rt_buf_consume(&s->out, (size_t)n);
	}
	if (s->out.len < before)
		s->last_progress = ev_now(s->srv->loop);
	if (s->out.len) {
		if (!before || !ev_is_active(&s->wio))
			session_arm(s); /* output now waits on the peer: the idle deadline */
		ev_io_start(s->srv->loop, &s->wio);
		s->drain_wanted = true;
		return;
	}
	ev_io_stop(s->srv->loop, &s->wio);
	buf_trim(&s->out);
	if (s->close_after_write) {
		/* Closing from a send must not free the session under the caller:
		 * the read callback does it from the loop. */
		if (!s->in_callback)
			ev_feed_event(s->srv->loop, &s->rio, EV_READ);
		return;
	}
	/* Requests held back for this output, or a sender waiting for it to
	 * drain, resume from the loop (session_write_cb), never from inside
	 * the send that drained it: its caller may be in the middle of
	 * something the handler would change. */
	if (s->stalled || (s->drain_wanted && s->drain_hook))
		ev_feed_event(s->srv->loop, &s->wio, EV_WRITE);
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
		begin_closing(s);
	write_head(s, status, content_type, extra_headers, false, len);
	if (s->parser.method != HTTP_HEAD) /* HEAD: the headers of a GET, no body */
		rt_buf_append(&s->out, body, len);
	session_flush(s);
}

bool rt_http_require_get(rt_http_session *s, const rt_http_request *req)
{
	if (strcmp(req->method, "GET") == 0 || strcmp(req->method, "HEAD") == 0)
		return true;
	rt_http_reply(s, 405, "text/plain; charset=utf-8", "Expecting GET\n", 14, "Allow: GET\r\n");
	return false;
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
	session_arm(s); /* a stream has no idle deadline of its own */
}

static void chunk_append(rt_http_session *s, const void *data, size_t len)
{
	rt_buf_printf(&s->out, "%zx\r\n", len);
	rt_buf_append(&s->out, data, len);
	rt_buf_append(&s->out, "\r\n", 2);
}

int rt_http_stream_send(rt_http_session *s, const void *data, size_t len)
{
	if (s->closed || !s->streaming || s->close_after_write)
		return -1;
	if (len == 0)
		return 0; /* an empty chunk would end the stream */
	if (s->out.len >= s->srv->limits.max_output_bytes) {
		s->srv->stats.streams_full++;
		return RT_HTTP_FULL;
	}
	chunk_append(s, data, len);
	session_flush(s);
	return 0;
}

void rt_http_stream_send_last(rt_http_session *s, const void *data, size_t len)
{
	if (s->closed || !s->streaming || s->close_after_write)
		return;
	if (len)
		chunk_append(s, data, len);
	rt_http_stream_end(s);
}

void rt_http_stream_end(rt_http_session *s)
{
	if (s->closed || !s->streaming || s->close_after_write)
		return;
	rt_buf_append(&s->out, "0\r\n\r\n", 5);
	begin_closing(s);
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

size_t rt_http_session_pending(const rt_http_session *s)
{
	return s->out.len;
}

void rt_http_session_on_drain(rt_http_session *s, void (*hook)(rt_http_session *s, void *ud), void *ud)
{
	s->drain_hook = hook;
	s->drain_ud = ud;
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
	s->phase = PH_HEADERS;
	s->phase_start = now_of(s);
	session_arm(s);
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
	s->phase = PH_BODY;
	s->phase_start = now_of(s);
	session_arm(s);
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
	s->phase = PH_IDLE;
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
	s->body.len = 0;
	buf_trim(&s->body);
	if (!s->replied && !was_streaming && !s->closed)
		rt_http_reply_text(s, 500, "The server did not answer this request");
	session_arm(s); /* from the request's deadline to the idle one */
	/* Stop parsing behind a request whose answer closes the connection. */
	if (s->close_after_write || s->closed)
		return -1;
	/* The next pipelined request waits while this connection's answers
	 * are not read (its memory stays bounded), or, after a number of
	 * them, for the other connections' turn (the loop stays fair). */
	if (s->out.len >= s->srv->limits.max_output_bytes) {
		s->stalled = true;
		s->srv->stats.output_stalls++;
		http_parser_pause(p, 1);
	} else if (s->fd >= 0 && ++s->served >= RT_HTTP_REQUESTS_PER_TURN) {
		http_parser_pause(p, 1);
	}
	return 0;
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
	if (s->replied || s->streaming) {
		begin_closing(s);
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
	req.session = s;
	req.tls = s->tls;
	if (s->srv->upgrade && s->fd >= 0 && s->out.len == 0)
		taken = s->srv->upgrade(s->srv->ud, &req, s->fd, early, early_len);
	free(url);
	if (taken) {
		s->tls = NULL; /* the new owner's, with the socket */
		ev_io_stop(s->srv->loop, &s->rio);
		ev_io_stop(s->srv->loop, &s->wio);
		ev_timer_stop(s->srv->loop, &s->timer);
		s->fd = -2; /* owned by someone else now */
		s->close_after_write = true;
		s->closed = true;
		return;
	}
	/* Refused: answered by the handler (e.g. 401), else 400. */
	if (!s->replied) {
		s->error_status = 400;
		rt_http_reply_text(s, 400, "Upgrade not supported on this path");
	} else if (!s->error_status) {
		s->error_status = 400;
	}
	begin_closing(s);
	session_flush(s);
}

static void resume_cb(struct ev_loop *loop, ev_timer *w, int revents);

/* Parses bytes read (or held back earlier). A pause keeps the rest in
 * `held` and stops reading the socket until session_resume. */
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
	} else if (HTTP_PARSER_ERRNO(&s->parser) == HPE_PAUSED) {
		/* data may be `held` itself: keep the rest in a fresh buffer. */
		rt_buf rest;
		rt_buf_init(&rest);
		rt_buf_append(&rest, data + done, len - done);
		rt_buf_free(&s->held);
		s->held = rest;
		s->paused = true;
		if (s->fd >= 0) {
			ev_io_stop(s->srv->loop, &s->rio);
			if (!s->stalled && !s->in_ready) {
				s->ready_next = s->srv->ready;
				s->srv->ready = s;
				s->in_ready = true;
				if (!ev_is_active(&s->srv->resume_timer))
					ev_timer_start(s->srv->loop, &s->srv->resume_timer);
			}
		}
		session_arm(s);
	} else if (HTTP_PARSER_ERRNO(&s->parser) != HPE_OK && !s->close_after_write) {
		char msg[160];
		snprintf(msg, sizeof msg, "Malformed request: %s",
		         http_errno_description(HTTP_PARSER_ERRNO(&s->parser)));
		s->error_status = 400;
		if (s->streaming) {
			begin_closing(s);
			session_flush(s);
		} else {
			rt_http_reply_text(s, 400, msg);
		}
	}
	s->in_callback--;
}

/* Serves the requests held back, once the output has drained enough or
 * it is this connection's turn again; then reads the socket again. */
static void session_resume(rt_http_session *s)
{
	if (!s->paused || s->closed || s->close_after_write)
		return;
	if (s->out.len > s->srv->limits.max_output_bytes / 2) {
		/* Its turn came with half the bound unread: the drain resumes it. */
		s->stalled = true;
		s->srv->stats.output_stalls++;
		return;
	}
	ready_remove(s);
	s->paused = s->stalled = false;
	s->served = 0;
	http_parser_pause(&s->parser, 0);
	rt_buf pending = s->held;
	rt_buf_init(&s->held);
	if (pending.len)
		session_parse(s, (const char *)pending.data, pending.len);
	rt_buf_free(&pending);
	if (!s->paused && !s->closed && s->fd >= 0 && !s->close_after_write)
		ev_io_start(s->srv->loop, &s->rio);
}

/* After a callback: frees a session that is gone, and closes one whose
 * closing answer is written (after an error, first reading out what the
 * peer still sends, so that it sees the answer rather than a reset). */
static void session_settle(rt_http_session *s)
{
	if (s->fd == -2 || s->closed) {
		session_free(s);
		return;
	}
	if (!s->close_after_write || s->out.len)
		return;
	if (s->error_status && !s->lingering && s->fd >= 0) {
		s->lingering = true;
		shutdown(s->fd, SHUT_WR);
		ev_io_start(s->srv->loop, &s->rio);
		return;
	}
	if (s->lingering)
		return;
	s->in_callback++;
	session_close(s);
	s->in_callback--;
	session_free(s);
}

/* Advances a TLS handshake from either watcher: true once it is done;
 * false while it waits (on the watcher it asked for) or after it failed
 * (the session is then freed). */
static bool session_handshake(rt_http_session *s)
{
	if (rt_tls_ready(s->tls))
		return true;
	int h = rt_tls_handshake_io(s->tls, s->srv->loop, &s->wio);
	if (h > 0) {
		s->last_progress = ev_now(s->srv->loop);
		return true;
	}
	if (h == 0)
		return false;
	rt_log(RT_DEBUG, "http: %s: handshake failed: %s", s->peer, rt_tls_error(s->tls));
	s->in_callback++;
	session_close(s);
	s->in_callback--;
	session_free(s);
	return false;
}

static void session_read_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	rt_http_session *s = w->data;
	char buf[16384];
	if (s->close_after_write && s->out.len == 0 && !s->lingering) {
		session_settle(s);
		return;
	}
	if (s->tls && !session_handshake(s))
		return;
	ssize_t n = rt_sock_read(s->fd, s->tls, buf, sizeof buf);
	if (n < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)) {
		if (s->tls && rt_tls_wants_write(s->tls))
			ev_io_start(loop, &s->wio);
		return;
	}
	if (n < 0 && errno == EPROTO)
		rt_log(RT_DEBUG, "http: %s: %s", s->peer, rt_tls_error(s->tls));
	if (n <= 0) {
		s->in_callback++;
		session_close(s);
		s->in_callback--;
		session_free(s);
		return;
	}
	s->last_progress = ev_now(loop);
	if (s->close_after_write)
		return; /* input behind a closing answer is dropped */
	s->served = 0;
	session_parse(s, buf, (size_t)n);
	/* Bytes TLS decrypted and kept announce themselves by no socket event. */
	bool more = s->tls && !s->closed && s->fd >= 0 && rt_tls_pending(s->tls) && ev_is_active(&s->rio);
	session_settle(s);
	if (more)
		ev_feed_event(loop, &s->rio, EV_READ);
}

static void session_write_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	rt_http_session *s = w->data;
	if (s->tls && !rt_tls_ready(s->tls)) {
		if (!session_handshake(s))
			return;
		if (!s->out.len)
			ev_io_stop(loop, &s->wio);
		ev_feed_event(loop, &s->rio, EV_READ); /* a request may have come with the handshake */
	}
	s->in_callback++;
	session_flush(s);
	s->in_callback--;
	/* What the flush left for outside a callback: resume the requests
	 * held back, tell a waiting sender. */
	if (!s->closed && s->stalled && s->out.len <= s->srv->limits.max_output_bytes / 2)
		session_resume(s);
	if (!s->closed && !s->out.len && s->drain_wanted && s->drain_hook) {
		s->drain_wanted = false;
		s->drain_hook(s, s->drain_ud);
	}
	session_settle(s);
}

static void session_timer_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	rt_http_session *s = w->data;
	timeout_kind kind;
	ev_tstamp at = session_deadline(s, &kind);
	if (kind == TO_NONE)
		return;
	if (at > ev_now(loop) + 0.0005) {
		session_arm(s); /* it moved later since the timer was set */
		return;
	}
	switch (kind) {
	case TO_HEADER:
		s->srv->stats.header_timeouts++;
		break;
	case TO_BODY:
		s->srv->stats.body_timeouts++;
		break;
	case TO_SEND:
		s->srv->stats.send_timeouts++;
		break;
	case TO_IDLE:
		s->srv->stats.idle_timeouts++;
		break;
	default:
		break;
	}
	rt_log(RT_DEBUG, "http: closing %s: %s", s->peer,
	       kind == TO_HEADER ? "request headers not complete in time"
	       : kind == TO_BODY ? "request body not complete in time"
	       : kind == TO_SEND ? "its answers not read for too long"
	       : kind == TO_IDLE ? "idle for too long"
	                         : "closing answer not read in time");
	s->in_callback++;
	session_close(s);
	s->in_callback--;
	session_free(s);
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
	rt_buf_init(&s->held);
	rt_buf_init(&s->out);
	snprintf(s->peer, sizeof s->peer, "detached");
	s->next = srv->sessions;
	if (s->next)
		s->next->prev = s;
	srv->sessions = s;
	srv->stats.sessions++;
	return s;
}

/* The next turn of the loop: serve what the connections held back. */
static void resume_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	rt_http_server *srv = w->data;
	rt_http_session *list = srv->ready;
	srv->ready = NULL;
	for (rt_http_session *s = list; s; s = s->ready_next)
		s->in_ready = false;
	while (list) {
		rt_http_session *s = list;
		list = s->ready_next;
		session_resume(s);
		session_settle(s);
	}
}

/* Out of descriptors (ours or the system's): a pending connection stays
 * readable on the listener, so accepting again at once would spin. Stop
 * for a while, longer each time it happens again, and say so at most once
 * per 10 s; the connections wait in the listen backlog. */
static void accept_pause(rt_http_server *srv, int err)
{
	srv->accept_pause = srv->accept_pause ? srv->accept_pause * 2 : 0.01;
	if (srv->accept_pause > 1.0)
		srv->accept_pause = 1.0;
	srv->stats.accept_pauses++;
	uint64_t held;
	if (rt_ratelimit_allow(&srv->accept_log, rt_mono_ns(), 10 * 1000000000LL, &held))
		rt_log(RT_WARN,
		       "http: accept: %s; not accepting for %.2f s at a time until descriptors free up "
		       "(%llu more since the last such message)",
		       strerror(err), srv->accept_pause, (unsigned long long)held);
	ev_io_stop(srv->loop, &srv->accept_io);
	ev_timer_set(&srv->accept_timer, srv->accept_pause, 0.);
	ev_timer_start(srv->loop, &srv->accept_timer);
}

static void accept_timer_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	rt_http_server *srv = w->data;
	ev_io_start(loop, &srv->accept_io);
}

static void accept_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	rt_http_server *srv = w->data;
	for (;;) {
		struct sockaddr_in sin;
		socklen_t sl = sizeof sin;
		int fd = accept4(srv->fd, (struct sockaddr *)&sin, &sl, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			int err = errno;
			if (err == EINTR || err == ECONNABORTED)
				continue;
			if (err == EAGAIN || err == EWOULDBLOCK)
				return;
			srv->stats.accept_errors++;
			if (err == EMFILE || err == ENFILE || err == ENOBUFS || err == ENOMEM) {
				accept_pause(srv, err);
			} else {
				uint64_t held;
				if (rt_ratelimit_allow(&srv->accept_log, rt_mono_ns(), 10 * 1000000000LL, &held))
					rt_log(RT_WARN, "http: accept: %s (%llu more since the last such message)",
					       strerror(err), (unsigned long long)held);
			}
			return;
		}
		srv->accept_pause = 0;
		srv->stats.accepted++;
		int one = 1, idle = 60, intvl = 10, cnt = 6;
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
		/* A peer that vanished (no FIN, no RST) is found in about two
		 * minutes, without closing quiet connections that are alive. */
		setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one);
		setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof idle);
		setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &intvl, sizeof intvl);
		setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &cnt, sizeof cnt);
		rt_http_session *s = session_new(srv, fd);
		if (srv->tls && !(s->tls = rt_tls_accept(srv->tls, fd))) {
			rt_log(RT_WARN, "http: cannot start TLS on an accepted connection");
			session_free(s);
			continue;
		}
		char ip[INET_ADDRSTRLEN] = "?";
		inet_ntop(AF_INET, &sin.sin_addr, ip, sizeof ip);
		snprintf(s->peer, sizeof s->peer, "%s:%d", ip, ntohs(sin.sin_port));
		ev_io_init(&s->rio, session_read_cb, fd, EV_READ);
		ev_io_init(&s->wio, session_write_cb, fd, EV_WRITE);
		ev_timer_init(&s->timer, session_timer_cb, 1., 0.);
		/* Deadlines are judged after the connections' own events of the
		 * same turn: bytes that waited while the loop was busy count. */
		ev_set_priority(&s->timer, EV_MINPRI);
		s->rio.data = s->wio.data = s->timer.data = s;
		s->last_progress = ev_now(loop);
		ev_io_start(loop, &s->rio);
		session_arm(s);
	}
}

/* -------------------------------------------------------------- servers */

static double timeout_or_default(double v, double def)
{
	return v == 0 ? def : v;
}

rt_http_server *rt_http_server_create(struct ev_loop *loop, const char *ip, int port, const rt_http_limits *limits,
                                      rt_http_handler handler, void *ud, char *err, size_t errlen)
{
	rt_http_server *srv = rt_xcalloc(1, sizeof *srv);
	rt_http_limits none = {0};
	if (!limits)
		limits = &none;
	srv->loop = loop;
	srv->fd = -1;
	srv->handler = handler;
	srv->ud = ud;
	srv->limits.max_header_bytes = limits->max_header_bytes ? limits->max_header_bytes : RT_HTTP_MAX_HEADER_BYTES;
	srv->limits.max_body_bytes = limits->max_body_bytes ? limits->max_body_bytes : RT_HTTP_MAX_BODY_BYTES;
	srv->limits.max_output_bytes = limits->max_output_bytes ? limits->max_output_bytes : RT_HTTP_MAX_OUTPUT_BYTES;
	srv->limits.header_timeout = timeout_or_default(limits->header_timeout, RT_HTTP_HEADER_TIMEOUT);
	srv->limits.body_timeout = timeout_or_default(limits->body_timeout, RT_HTTP_BODY_TIMEOUT);
	srv->limits.send_timeout = timeout_or_default(limits->send_timeout, RT_HTTP_SEND_TIMEOUT);
	srv->limits.idle_timeout = timeout_or_default(limits->idle_timeout, RT_HTTP_IDLE_TIMEOUT);
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
	ev_timer_init(&srv->accept_timer, accept_timer_cb, 0.01, 0.);
	ev_timer_init(&srv->resume_timer, resume_cb, 0., 0.);
	srv->accept_io.data = srv->accept_timer.data = srv->resume_timer.data = srv;
	ev_io_start(loop, &srv->accept_io);
	return srv;
}

void rt_http_server_set_tls(rt_http_server *srv, rt_tls *tls)
{
	srv->tls = tls;
}

void rt_http_server_set_upgrade(rt_http_server *srv, rt_http_upgrade_handler cb)
{
	srv->upgrade = cb;
}

int rt_http_server_port(const rt_http_server *srv)
{
	return srv->port;
}

void rt_http_server_stats(const rt_http_server *srv, rt_http_stats *out)
{
	*out = srv->stats;
	out->output_bytes = 0;
	for (const rt_http_session *s = srv->sessions; s; s = s->next)
		out->output_bytes += s->out.len;
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
		ev_timer_stop(srv->loop, &srv->accept_timer);
		ev_timer_stop(srv->loop, &srv->resume_timer);
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
	if (s->paused)
		rt_buf_append(&s->held, data, len); /* read only once the output drains */
	else
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

void rt_http_session_drain(rt_http_session *s)
{
	bool had = s->out.len > 0;
	s->out.len = 0;
	if (s->closed)
		return;
	session_resume(s);
	if (s->close_after_write)
		session_close(s);
	if (had && !s->closed && s->drain_hook)
		s->drain_hook(s, s->drain_ud);
}

void rt_http_session_destroy(rt_http_session *s)
{
	s->in_callback++;
	session_close(s);
	session_free(s);
}
