/*
 * rt_tls.c — OpenSSL behind rt_tls.h: contexts from Mesos's LIBPROCESS_SSL_*
 * configuration, one SSL per socket driven without blocking, and read and
 * write that fall through to the plain calls when there is no TLS.
 */
#define _GNU_SOURCE
#include "rt_tls.h"

#include <arpa/inet.h>
#include <errno.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "rt_util.h"

struct rt_tls {
	SSL_CTX *ctx;
	bool server;
	bool verify;
	bool downgrade;
};

struct rt_tls_conn {
	SSL *ssl;
	int fd;
	bool downgrade; /* may still turn out to be a plain client */
	bool plain;     /* it did: read and write go straight to the socket */
	bool ready;
	bool want_write;
	char error[200];
};

static bool env_true(const char *name)
{
	const char *v = getenv(name);
	return v && (strcasecmp(v, "true") == 0 || strcmp(v, "1") == 0);
}

bool rt_tls_config_from_env(rt_tls_config *out)
{
	memset(out, 0, sizeof *out);
	if (!env_true("LIBPROCESS_SSL_ENABLED"))
		return false;
	out->cert_file = getenv("LIBPROCESS_SSL_CERT_FILE");
	out->key_file = getenv("LIBPROCESS_SSL_KEY_FILE");
	out->ca_file = getenv("LIBPROCESS_SSL_CA_FILE");
	out->verify_cert = env_true("LIBPROCESS_SSL_VERIFY_CERT");
	out->require_cert = env_true("LIBPROCESS_SSL_REQUIRE_CERT");
	out->downgrade = env_true("LIBPROCESS_SSL_SUPPORT_DOWNGRADE");
	return true;
}

static void ssl_reason(char *err, size_t errlen, const char *what, const char *file)
{
	unsigned long e = ERR_get_error();
	char buf[200];
	ERR_error_string_n(e, buf, sizeof buf);
	ERR_clear_error();
	snprintf(err, errlen, "%s%s%s: %s", what, file ? " " : "", file ? file : "", e ? buf : "unknown error");
}

static rt_tls *context(const rt_tls_config *c, bool server, char *err, size_t errlen)
{
	SSL_CTX *ctx = SSL_CTX_new(server ? TLS_server_method() : TLS_client_method());
	if (!ctx) {
		ssl_reason(err, errlen, "cannot make a TLS context", NULL);
		return NULL;
	}
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	/* Partial writes from a buffer that may move between retries (rt_buf). */
	SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	/* No session tickets: nothing is resumed, and a server then writes
	 * nothing after the handshake that a client must read first. */
	SSL_CTX_set_num_tickets(ctx, 0);
	rt_tls *t = rt_xcalloc(1, sizeof *t);
	t->ctx = ctx;
	t->server = server;
	t->downgrade = server && c->downgrade;
	if (c->cert_file && SSL_CTX_use_certificate_chain_file(ctx, c->cert_file) != 1) {
		ssl_reason(err, errlen, "cannot load the certificate", c->cert_file);
		goto fail;
	}
	if (c->key_file && SSL_CTX_use_PrivateKey_file(ctx, c->key_file, SSL_FILETYPE_PEM) != 1) {
		ssl_reason(err, errlen, "cannot load the private key", c->key_file);
		goto fail;
	}
	if (c->cert_file && c->key_file && SSL_CTX_check_private_key(ctx) != 1) {
		ssl_reason(err, errlen, "the private key does not match the certificate", c->key_file);
		goto fail;
	}
	if (c->ca_file && SSL_CTX_load_verify_locations(ctx, c->ca_file, NULL) != 1) {
		ssl_reason(err, errlen, "cannot load the CA file", c->ca_file);
		goto fail;
	}
	if (server) {
		if (!c->cert_file || !c->key_file) {
			snprintf(err, errlen,
			         "TLS is on (LIBPROCESS_SSL_ENABLED) but LIBPROCESS_SSL_CERT_FILE and "
			         "LIBPROCESS_SSL_KEY_FILE are not both set");
			goto fail;
		}
		if (c->require_cert)
			SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
		else if (c->verify_cert)
			SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	} else {
		t->verify = c->verify_cert || c->ca_file;
		if (t->verify)
			SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	}
	return t;
fail:
	rt_tls_destroy(t);
	return NULL;
}

rt_tls *rt_tls_server_create(const rt_tls_config *c, char *err, size_t errlen)
{
	return context(c, true, err, errlen);
}

rt_tls *rt_tls_client_create(const rt_tls_config *c, char *err, size_t errlen)
{
	return context(c, false, err, errlen);
}

void rt_tls_destroy(rt_tls *t)
{
	if (!t)
		return;
	SSL_CTX_free(t->ctx);
	free(t);
}

static rt_tls_conn *conn_new(rt_tls *t, int fd)
{
	SSL *ssl = SSL_new(t->ctx);
	if (!ssl)
		return NULL;
	if (SSL_set_fd(ssl, fd) != 1) {
		SSL_free(ssl);
		return NULL;
	}
	rt_tls_conn *c = rt_xcalloc(1, sizeof *c);
	c->ssl = ssl;
	c->fd = fd;
	return c;
}

rt_tls_conn *rt_tls_accept(rt_tls *t, int fd)
{
	rt_tls_conn *c = conn_new(t, fd);
	if (c) {
		SSL_set_accept_state(c->ssl);
		c->downgrade = t->downgrade;
	}
	return c;
}

rt_tls_conn *rt_tls_connect(rt_tls *t, int fd, const char *host)
{
	rt_tls_conn *c = conn_new(t, fd);
	if (!c)
		return NULL;
	SSL_set_connect_state(c->ssl);
	unsigned char addr[16];
	bool ip = inet_pton(AF_INET, host, addr) == 1 || inet_pton(AF_INET6, host, addr) == 1;
	if (!ip)
		SSL_set_tlsext_host_name(c->ssl, host);
	if (t->verify) {
		/* The certificate must name the host we asked for: its address
		 * (an IP SAN) or its name. */
		X509_VERIFY_PARAM *p = SSL_get0_param(c->ssl);
		if (ip)
			X509_VERIFY_PARAM_set1_ip_asc(p, host);
		else
			X509_VERIFY_PARAM_set1_host(p, host, 0);
	}
	return c;
}

void rt_tls_close(rt_tls_conn *c)
{
	if (!c)
		return;
	if (c->ready && !c->plain)
		SSL_shutdown(c->ssl);
	ERR_clear_error();
	SSL_free(c->ssl);
	free(c);
}

/* Maps an SSL result to errno; 0 at a clean end of stream. */
static ssize_t settle(rt_tls_conn *c, int rc)
{
	int e = SSL_get_error(c->ssl, rc);
	c->want_write = false;
	switch (e) {
	case SSL_ERROR_WANT_READ:
		errno = EAGAIN;
		return -1;
	case SSL_ERROR_WANT_WRITE:
		c->want_write = true;
		errno = EAGAIN;
		return -1;
	case SSL_ERROR_ZERO_RETURN:
		return 0;
	case SSL_ERROR_SYSCALL:
		ERR_clear_error();
		if (errno == 0)
			return 0; /* the peer closed without close_notify */
		snprintf(c->error, sizeof c->error, "%s", strerror(errno));
		return -1;
	default: {
		unsigned long code = ERR_get_error();
		char buf[160];
		ERR_error_string_n(code, buf, sizeof buf);
		long v = SSL_get_verify_result(c->ssl);
		if (v != X509_V_OK)
			snprintf(c->error, sizeof c->error, "TLS: %s (certificate: %s)", buf,
			         X509_verify_cert_error_string(v));
		else
			snprintf(c->error, sizeof c->error, "TLS: %s", buf);
		ERR_clear_error();
		errno = EPROTO;
		return -1;
	}
	}
}

int rt_tls_handshake(rt_tls_conn *c)
{
	if (c->ready)
		return 1;
	if (c->downgrade) {
		/* A TLS client speaks first with a handshake record (0x16); a
		 * plain one with its request: peek to tell them apart. */
		unsigned char b;
		ssize_t n = recv(c->fd, &b, 1, MSG_PEEK);
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
			c->want_write = false;
			return 0;
		}
		c->downgrade = false;
		if (n == 1 && b != 0x16) {
			c->plain = c->ready = true;
			return 1;
		}
	}
	errno = 0;
	int rc = SSL_do_handshake(c->ssl);
	if (rc == 1) {
		c->ready = true;
		c->want_write = false;
		return 1;
	}
	ssize_t r = settle(c, rc);
	if (r < 0 && errno == EAGAIN)
		return 0;
	if (r == 0)
		snprintf(c->error, sizeof c->error, "TLS: the peer closed the connection during the handshake");
	return -1;
}

int rt_tls_handshake_io(rt_tls_conn *c, struct ev_loop *loop, ev_io *wio)
{
	int h = rt_tls_handshake(c);
	if (h == 0) {
		if (c->want_write)
			ev_io_start(loop, wio);
		else
			ev_io_stop(loop, wio);
	}
	return h;
}

bool rt_tls_ready(const rt_tls_conn *c)
{
	return c->ready;
}

bool rt_tls_wants_write(const rt_tls_conn *c)
{
	return c->want_write;
}

size_t rt_tls_pending(const rt_tls_conn *c)
{
	if (c->plain)
		return 0;
	int n = SSL_pending(c->ssl);
	return n > 0 ? (size_t)n : 0;
}

const char *rt_tls_error(const rt_tls_conn *c)
{
	return c->error[0] ? c->error : "TLS error";
}

/* The handshake done, or -1 with errno (EAGAIN, or EPROTO when it failed). */
static bool handshaken(rt_tls_conn *c)
{
	int h = c->ready ? 1 : rt_tls_handshake(c);
	if (h < 0)
		errno = EPROTO;
	else if (h == 0)
		errno = EAGAIN;
	return h > 0;
}

ssize_t rt_sock_read(int fd, rt_tls_conn *c, void *buf, size_t n)
{
	if (!c || c->plain)
		return read(fd, buf, n);
	if (!handshaken(c))
		return -1;
	errno = 0;
	int rc = SSL_read(c->ssl, buf, n > 1u << 30 ? 1 << 30 : (int)n);
	return rc > 0 ? rc : settle(c, rc);
}

ssize_t rt_sock_write(int fd, rt_tls_conn *c, const void *buf, size_t n)
{
	if (!c || c->plain)
		return write(fd, buf, n);
	if (!handshaken(c))
		return -1;
	errno = 0;
	int rc = SSL_write(c->ssl, buf, n > 1u << 30 ? 1 << 30 : (int)n);
	if (rc > 0)
		return rc;
	ssize_t r = settle(c, rc);
	if (r == 0) {
		errno = EPIPE;
		return -1;
	}
	return r;
}
