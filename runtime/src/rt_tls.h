/*
 * rt_tls.h — TLS (OpenSSL) for the runtime's sockets, configured as Mesos's
 * libprocess is, from LIBPROCESS_SSL_* environment variables. A context
 * (rt_tls) is a server's certificate and key, or a client's trust (the CA
 * file) and whether it verifies its peer; a connection (rt_tls_conn) wraps
 * one non-blocking socket. The HTTP server and client and the frame
 * connections (rt_http, rt_http_client, rt_frame) read and write through
 * rt_sock_read/rt_sock_write, which behave as read/write do on a plain
 * socket when there is no TLS; a connection first completes its handshake
 * (rt_tls_handshake) from both the read and the write watcher.
 */
#ifndef RT_TLS_H
#define RT_TLS_H

#include <ev.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

typedef struct rt_tls rt_tls;
typedef struct rt_tls_conn rt_tls_conn;

typedef struct rt_tls_config {
	const char *cert_file; /* PEM; a server's (required to serve) */
	const char *key_file;  /* PEM */
	const char *ca_file;   /* PEM: whom a client trusts (and a server, for client certificates) */
	bool verify_cert;      /* a client checks the server's certificate and name; a server asks for one */
	bool require_cert;     /* a server refuses clients without a valid certificate */
	bool downgrade;        /* a server also serves plain clients (LIBPROCESS_SSL_SUPPORT_DOWNGRADE) */
} rt_tls_config;

/* The configuration from Mesos's variables: LIBPROCESS_SSL_ENABLED
 * (true/1 turns TLS on), LIBPROCESS_SSL_CERT_FILE, LIBPROCESS_SSL_KEY_FILE,
 * LIBPROCESS_SSL_CA_FILE, LIBPROCESS_SSL_VERIFY_CERT,
 * LIBPROCESS_SSL_REQUIRE_CERT, LIBPROCESS_SSL_SUPPORT_DOWNGRADE (a
 * connection whose first byte does not start a TLS handshake is then
 * served in plain text). Returns false when TLS is off. */
bool rt_tls_config_from_env(rt_tls_config *out);
/* A server context (certificate and key needed) or a client one (a CA
 * file implies verification). NULL with a message naming the file. */
rt_tls *rt_tls_server_create(const rt_tls_config *c, char *err, size_t errlen);
rt_tls *rt_tls_client_create(const rt_tls_config *c, char *err, size_t errlen);
void rt_tls_destroy(rt_tls *t);

/* A connection on a connected non-blocking socket (not owned: closing it
 * stays the caller's). host: the name or address the client expects in
 * the server's certificate. */
rt_tls_conn *rt_tls_accept(rt_tls *t, int fd);
rt_tls_conn *rt_tls_connect(rt_tls *t, int fd, const char *host);
/* Sends close_notify (without waiting) and frees. NULL is fine. */
void rt_tls_close(rt_tls_conn *c);
/* Advances the handshake: 1 done, 0 waiting for the socket (see
 * rt_tls_wants_write), -1 failed (rt_tls_error says why). */
int rt_tls_handshake(rt_tls_conn *c);
bool rt_tls_ready(const rt_tls_conn *c);
/* The same from a connection's read or write callback: while it waits,
 * wio (the connection's write watcher) runs only if TLS waits to write. */
int rt_tls_handshake_io(rt_tls_conn *c, struct ev_loop *loop, ev_io *wio);
/* The last operation waits for the socket to be writable (else readable). */
bool rt_tls_wants_write(const rt_tls_conn *c);
/* Decrypted bytes buffered inside, which no socket event will announce. */
size_t rt_tls_pending(const rt_tls_conn *c);
/* Why the handshake or the last read or write failed. */
const char *rt_tls_error(const rt_tls_conn *c);

/* read/write on fd, through c when not NULL: > 0 bytes, 0 end of stream
 * (read), -1 with errno (EAGAIN: wait for the socket; EPROTO: a TLS
 * error). */
ssize_t rt_sock_read(int fd, rt_tls_conn *c, void *buf, size_t n);
ssize_t rt_sock_write(int fd, rt_tls_conn *c, const void *buf, size_t n);

#endif
