/*
 * rt_util.h — small helpers every runtime program uses: logging to stderr,
 * clocks, random uuids, a growable byte buffer and a bump arena for building
 * protobuf-c messages that are freed all at once.
 */
#ifndef RT_UTIL_H
#define RT_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Log levels; rt_log_level is the least severe level printed. */
enum { RT_DEBUG = 0, RT_INFO = 1, RT_WARN = 2, RT_ERROR = 3 };
/* Sets the program name shown in every line and the minimum level. */
void rt_log_init(const char *prog, int level);
/* The least severe level printed, now; and a new one. */
int rt_log_get_level(void);
void rt_log_set_level(int level);
/* Where lines go: err_fd (stderr by default; -1: nowhere) and file_fd
 * (-1 by default: none; a --log_dir file). One write(2) to each per line. */
void rt_log_set_outputs(int err_fd, int file_fd);
/* "2026-01-01T00:00:00.123Z I meso-master: text" on stderr. The text is
 * escaped with rt_log_escape, so a name or message from outside (a
 * framework's name with a newline in it) cannot forge a line. */
void rt_log(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Copies in[0..len) to out (NUL-terminated, cut to fit): control
 * characters as \n, \r, \t or \xHH, DEL and bytes that are not valid
 * UTF-8 as \xHH; valid UTF-8 as it is. Returns the bytes written. */
size_t rt_log_escape(const char *in, size_t len, char *out, size_t outlen);
/* The length of the valid UTF-8 sequence at p (of n bytes), or 0 (overlong
 * forms, surrogates and values above U+10FFFF are invalid, as in RFC 3629). */
size_t rt_utf8_seq(const unsigned char *p, size_t n);
/* Whether all of s[0..len) is valid UTF-8; *bad is the offset of the first
 * invalid byte when not (may be NULL). */
bool rt_utf8_valid(const char *s, size_t len, size_t *bad);

/* At most one message per interval for a condition that may repeat in a
 * tight loop (accept failing with EMFILE): rt_ratelimit_allow answers true
 * when a line may be written now, and then sets *suppressed to how many
 * were held back since the last one; otherwise it counts this one. Zeroed
 * to start. */
typedef struct rt_ratelimit {
	int64_t next_ns;
	uint64_t held;
} rt_ratelimit;
bool rt_ratelimit_allow(rt_ratelimit *r, int64_t now_ns, int64_t interval_ns, uint64_t *suppressed);

/* Monotonic nanoseconds (for alloccore's ac_time and timeouts). */
int64_t rt_mono_ns(void);
/* Wall-clock seconds since the epoch, as Mesos's TaskStatus.timestamp. */
double rt_wall_seconds(void);

/* A random delay in (0, seconds], to spread periodic work that would
 * otherwise start together (agents registering at once). */
double rt_jitter(double seconds);

/* 16 random bytes (version-4 uuid layout) and their canonical text. */
void rt_uuid_random(uint8_t out[16]);
void rt_uuid_format(const uint8_t uuid[16], char out[37]);

/* A growable byte buffer. Whoever inits frees. */
typedef struct rt_buf {
	uint8_t *data;
	size_t len, cap;
} rt_buf;
void rt_buf_init(rt_buf *b);
void rt_buf_free(rt_buf *b);
/* Appends; aborts on out of memory (the programs cannot go on without it). */
void rt_buf_append(rt_buf *b, const void *data, size_t len);
void rt_buf_printf(rt_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Drops the first n bytes. */
void rt_buf_consume(rt_buf *b, size_t n);

/* A bump allocator: many small allocations, one free. */
typedef struct rt_arena rt_arena;
rt_arena *rt_arena_create(void);
void rt_arena_destroy(rt_arena *a);
void *rt_arena_alloc(rt_arena *a, size_t size); /* zeroed, never NULL */
char *rt_arena_strdup(rt_arena *a, const char *s);

/* Says "out of memory (N bytes): aborting" on stderr, allocating nothing,
 * and aborts: where a program cannot go on without the memory. */
_Noreturn void rt_out_of_memory(size_t bytes);
/* malloc/strdup that abort on failure (rt_out_of_memory). */
void *rt_xmalloc(size_t size);
void *rt_xcalloc(size_t n, size_t size);
void *rt_xrealloc(void *p, size_t size);
char *rt_xstrdup(const char *s);

/* Splits "host:port"; returns 0 or -1. host is written NUL-terminated. */
int rt_hostport_parse(const char *text, char *host, size_t hostlen, int *port);
/* Writes text to path atomically (write to path.tmp, rename). 0 or -1. */
int rt_file_write(const char *path, const char *text);
/* mkdir -p. 0 or -1. */
int rt_mkdirs(const char *path);
/* Appends a whole file to out: 0, or -1 with errno (EFBIG past max bytes). */
int rt_file_read(const char *path, size_t max, rt_buf *out);

/* Base64 (RFC 4648): the encoding, padded, malloc'd (NULL out of memory);
 * the decoding, with or without padding and of either alphabet (+/ or
 * -_), into a malloc'd *out (NULL when empty): false on a bad character or
 * length. */
char *rt_base64_encode(const uint8_t *in, size_t n);
bool rt_base64_decode(const char *in, size_t n, uint8_t **out, size_t *outlen);

#endif
