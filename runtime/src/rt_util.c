/*
 * rt_util.c — logging, clocks, uuids, buffers and the arena of rt_util.h.
 */
#define _GNU_SOURCE
#include "rt_util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char *log_prog = "meso";
static int log_level = RT_INFO;
static int log_err_fd = STDERR_FILENO, log_file_fd = -1;

void rt_log_init(const char *prog, int level)
{
	log_prog = prog;
	log_level = level;
}

int rt_log_get_level(void)
{
	return log_level;
}

void rt_log_set_level(int level)
{
	log_level = level;
}

void rt_log_set_outputs(int err_fd, int file_fd)
{
	log_err_fd = err_fd;
	log_file_fd = file_fd;
}

void rt_log(int level, const char *fmt, ...)
{
	static const char tag[] = "DIWE";
	struct timespec ts;
	struct tm tm;
	char line[4096], text[2048];
	va_list ap;
	if (level < log_level)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	int n = snprintf(line, sizeof line, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ %c %s[%d]: ", tm.tm_year + 1900,
	                 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000,
	                 tag[level & 3], log_prog, (int)getpid());
	va_start(ap, fmt);
	int tn = vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	if (tn < 0)
		tn = 0;
	size_t tlen = (size_t)tn < sizeof text ? (size_t)tn : sizeof text - 1;
	size_t len = (size_t)n + rt_log_escape(text, tlen, line + n, sizeof line - (size_t)n - 1);
	line[len++] = '\n';
	/* One write per line so that lines of several processes do not
	 * interleave; a failed write has nowhere to be reported. */
	if (log_err_fd >= 0 && write(log_err_fd, line, len) < 0)
		errno = 0;
	if (log_file_fd >= 0 && write(log_file_fd, line, len) < 0)
		errno = 0;
}

size_t rt_utf8_seq(const unsigned char *p, size_t n)
{
	if (n == 0)
		return 0;
	unsigned c = p[0];
	if (c < 0x80)
		return 1;
	size_t need;
	unsigned lo = 0x80, hi = 0xbf; /* the second byte's range */
	if (c >= 0xc2 && c <= 0xdf) {
		need = 2;
	} else if (c >= 0xe0 && c <= 0xef) {
		need = 3;
		if (c == 0xe0)
			lo = 0xa0; /* overlong */
		else if (c == 0xed)
			hi = 0x9f; /* surrogates */
	} else if (c >= 0xf0 && c <= 0xf4) {
		need = 4;
		if (c == 0xf0)
			lo = 0x90;
		else if (c == 0xf4)
			hi = 0x8f; /* above U+10FFFF */
	} else {
		return 0;
	}
	if (n < need || p[1] < lo || p[1] > hi)
		return 0;
	for (size_t i = 2; i < need; i++)
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 0;
	return need;
}

bool rt_utf8_valid(const char *s, size_t len, size_t *bad)
{
	const unsigned char *p = (const unsigned char *)s;
	for (size_t i = 0; i < len;) {
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		size_t k = rt_utf8_seq(p + i, len - i);
		if (!k) {
			if (bad)
				*bad = i;
			return false;
		}
		i += k;
	}
	return true;
}

size_t rt_log_escape(const char *in, size_t len, char *out, size_t outlen)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)in;
	size_t o = 0;
	if (outlen == 0)
		return 0;
	for (size_t i = 0; i < len;) {
		char esc[4];
		size_t elen = 0, k = 1;
		if (p[i] >= 0x20 && p[i] < 0x7f) {
			esc[0] = (char)p[i];
			elen = 1;
		} else if (p[i] >= 0x80 && (k = rt_utf8_seq(p + i, len - i)) > 0) {
			if (o + k >= outlen)
				break;
			memcpy(out + o, p + i, k);
			o += k;
			i += k;
			continue;
		} else {
			k = 1;
			esc[0] = '\\';
			if (p[i] == '\n' || p[i] == '\r' || p[i] == '\t') {
				esc[1] = p[i] == '\n' ? 'n' : p[i] == '\r' ? 'r' : 't';
				elen = 2;
			} else {
				esc[1] = 'x';
				esc[2] = hex[p[i] >> 4];
				esc[3] = hex[p[i] & 15];
				elen = 4;
			}
		}
		if (o + elen >= outlen)
			break;
		memcpy(out + o, esc, elen);
		o += elen;
		i += k;
	}
	out[o] = '\0';
	return o;
}

bool rt_ratelimit_allow(rt_ratelimit *r, int64_t now_ns, int64_t interval_ns, uint64_t *suppressed)
{
	if (now_ns < r->next_ns) {
		r->held++;
		return false;
	}
	*suppressed = r->held;
	r->held = 0;
	r->next_ns = now_ns + interval_ns;
	return true;
}

int64_t rt_mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

double rt_wall_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void random_bytes(void *out, size_t len)
{
	size_t got = 0;
	while (got < len) {
		ssize_t n = getrandom((uint8_t *)out + got, len - got, 0);
		if (n < 0 && errno != EINTR)
			abort();
		if (n > 0)
			got += (size_t)n;
	}
}

double rt_jitter(double seconds)
{
	uint64_t r;
	random_bytes(&r, sizeof r);
	/* 53 random bits: a uniform double in [0, 1), then (0, seconds]. */
	return seconds * (1.0 - (double)(r >> 11) / 9007199254740992.0);
}

void rt_uuid_random(uint8_t out[16])
{
	random_bytes(out, 16);
	out[6] = (uint8_t)((out[6] & 0x0f) | 0x40);
	out[8] = (uint8_t)((out[8] & 0x3f) | 0x80);
}

void rt_uuid_format(const uint8_t u[16], char out[37])
{
	static const char hex[] = "0123456789abcdef";
	int o = 0;
	for (int i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[o++] = '-';
		out[o++] = hex[u[i] >> 4];
		out[o++] = hex[u[i] & 15];
	}
	out[o] = '\0';
}

/* Out of memory where the program cannot go on: says so on stderr (with
 * write and a stack buffer: nothing here may allocate) and aborts, as
 * libev does when its own allocations fail. */
void rt_out_of_memory(size_t bytes)
{
	char msg[96];
	int n = snprintf(msg, sizeof msg, "out of memory (%zu bytes): aborting\n", bytes);
	if (n > 0)
		(void)!write(2, msg, (size_t)n < sizeof msg ? (size_t)n : sizeof msg - 1);
	abort();
}

void *rt_xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);
	if (!p)
		rt_out_of_memory(size);
	return p;
}

void *rt_xrealloc(void *p, size_t size)
{
	p = realloc(p, size ? size : 1);
	if (!p)
		rt_out_of_memory(size);
	return p;
}

void *rt_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		rt_out_of_memory(n * size);
	return p;
}

char *rt_xstrdup(const char *s)
{
	char *p = strdup(s);
	if (!p)
		rt_out_of_memory(strlen(s) + 1);
	return p;
}

void rt_buf_init(rt_buf *b)
{
	b->data = NULL;
	b->len = b->cap = 0;
}

void rt_buf_free(rt_buf *b)
{
	free(b->data);
	rt_buf_init(b);
}

static void buf_reserve(rt_buf *b, size_t extra)
{
	if (b->len + extra <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 256;
	while (cap < b->len + extra)
		cap *= 2;
	uint8_t *p = realloc(b->data, cap);
	if (!p)
		rt_out_of_memory(cap);
	b->data = p;
	b->cap = cap;
}

void rt_buf_append(rt_buf *b, const void *data, size_t len)
{
	if (!len)
		return;
	buf_reserve(b, len);
	memcpy(b->data + b->len, data, len);
	b->len += len;
}

void rt_buf_printf(rt_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n <= 0)
		return;
	buf_reserve(b, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf((char *)b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void rt_buf_consume(rt_buf *b, size_t n)
{
	if (n >= b->len) {
		b->len = 0;
		return;
	}
	memmove(b->data, b->data + n, b->len - n);
	b->len -= n;
}

typedef struct arena_chunk {
	struct arena_chunk *next;
	size_t used, cap;
	max_align_t mem[];
} arena_chunk;

struct rt_arena {
	arena_chunk *head;
};

rt_arena *rt_arena_create(void)
{
	return rt_xcalloc(1, sizeof(rt_arena));
}

void rt_arena_destroy(rt_arena *a)
{
	if (!a)
		return;
	for (arena_chunk *c = a->head, *n; c; c = n) {
		n = c->next;
		free(c);
	}
	free(a);
}

void *rt_arena_alloc(rt_arena *a, size_t size)
{
	size = (size + sizeof(max_align_t) - 1) / sizeof(max_align_t) * sizeof(max_align_t);
	arena_chunk *c = a->head;
	if (!c || c->used + size > c->cap) {
		size_t cap = size > 8192 ? size : 8192;
		c = rt_xmalloc(sizeof *c + cap);
		c->cap = cap;
		c->used = 0;
		c->next = a->head;
		a->head = c;
	}
	void *p = (char *)c->mem + c->used;
	c->used += size;
	memset(p, 0, size);
	return p;
}

char *rt_arena_strdup(rt_arena *a, const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = rt_arena_alloc(a, n);
	memcpy(p, s, n);
	return p;
}

int rt_hostport_parse(const char *text, char *host, size_t hostlen, int *port)
{
	const char *colon = strrchr(text, ':');
	if (!colon || colon == text || (size_t)(colon - text) >= hostlen)
		return -1;
	char *end;
	errno = 0;
	long p = strtol(colon + 1, &end, 10);
	if (errno || *end || end == colon + 1 || p < 0 || p > 65535)
		return -1;
	memcpy(host, text, (size_t)(colon - text));
	host[colon - text] = '\0';
	*port = (int)p;
	return 0;
}

int rt_file_write(const char *path, const char *text)
{
	char tmp[4096];
	if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp)
		return -1;
	FILE *f = fopen(tmp, "w");
	if (!f)
		return -1;
	int ok = fputs(text, f) >= 0;
	ok &= fclose(f) == 0;
	if (!ok || rename(tmp, path) != 0) {
		unlink(tmp);
		return -1;
	}
	return 0;
}

int rt_mkdirs(const char *path)
{
	char buf[4096];
	size_t n = strlen(path);
	if (n == 0 || n >= sizeof buf)
		return -1;
	memcpy(buf, path, n + 1);
	for (size_t i = 1; i <= n; i++) {
		if (buf[i] == '/' || buf[i] == '\0') {
			char c = buf[i];
			buf[i] = '\0';
			if (mkdir(buf, 0755) != 0 && errno != EEXIST)
				return -1;
			buf[i] = c;
		}
	}
	return 0;
}

/* ----------------------------------------------------------------- base64 */

static const char b64_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

char *rt_base64_encode(const uint8_t *in, size_t n)
{
	char *out = malloc(4 * ((n + 2) / 3) + 1);
	if (!out)
		return NULL;
	size_t o = 0;
	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16;
		if (i + 1 < n)
			v |= (uint32_t)in[i + 1] << 8;
		if (i + 2 < n)
			v |= in[i + 2];
		out[o++] = b64_alphabet[v >> 18 & 63];
		out[o++] = b64_alphabet[v >> 12 & 63];
		out[o++] = i + 1 < n ? b64_alphabet[v >> 6 & 63] : '=';
		out[o++] = i + 2 < n ? b64_alphabet[v & 63] : '=';
	}
	out[o] = '\0';
	return out;
}

static int b64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	/* The URL-safe alphabet too: readers should be tolerant. */
	if (c == '+' || c == '-')
		return 62;
	if (c == '/' || c == '_')
		return 63;
	return -1;
}

bool rt_base64_decode(const char *in, size_t n, uint8_t **out, size_t *outlen)
{
	while (n > 0 && in[n - 1] == '=')
		n--;
	if (n % 4 == 1)
		return false;
	*out = NULL;
	*outlen = 0;
	if (n == 0)
		return true;
	uint8_t *buf = malloc(n * 3 / 4 + 1);
	if (!buf)
		return false;
	size_t o = 0;
	uint32_t acc = 0;
	int bits = 0;
	for (size_t i = 0; i < n; i++) {
		int v = b64_value((unsigned char)in[i]);
		if (v < 0) {
			free(buf);
			return false;
		}
		acc = acc << 6 | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			buf[o++] = (uint8_t)(acc >> bits);
		}
	}
	*out = buf;
	*outlen = o;
	return true;
}

int rt_file_read(const char *path, size_t max, rt_buf *out)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
		if (out->len + n > max) {
			fclose(f);
			errno = EFBIG;
			return -1;
		}
		rt_buf_append(out, chunk, n);
	}
	int bad = ferror(f);
	fclose(f);
	if (bad) {
		errno = EIO;
		return -1;
	}
	return 0;
}
