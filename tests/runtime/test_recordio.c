/*
 * test_recordio.c — RecordIO framing of the scheduler event stream
 * (runtime/src/rt_http_client.h): records split anywhere, and malformed or
 * oversized lengths rejected.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "rt_http_client.h"

typedef struct seen {
	char rec[8][32];
	int n;
} seen;

static void on_record(const uint8_t *rec, size_t len, void *ud)
{
	seen *s = ud;
	assert_true(len < 32 && s->n < 8);
	memcpy(s->rec[s->n], rec, len);
	s->rec[s->n++][len] = '\0';
}

static void test_roundtrip_split_anywhere(void **state)
{
	rt_buf b;
	rt_buf_init(&b);
	rt_recordio_encode(&b, "first", 5);
	rt_recordio_encode(&b, "0123456789ab", 12);
	assert_memory_equal(b.data, "5\nfirst12\n0123456789ab", b.len);
	for (size_t cut = 0; cut <= b.len; cut++) {
		rt_recordio_decoder d;
		seen s = {.n = 0};
		rt_recordio_init(&d, 1024);
		assert_int_equal(rt_recordio_feed(&d, b.data, cut, on_record, &s), 0);
		assert_int_equal(rt_recordio_feed(&d, b.data + cut, b.len - cut, on_record, &s), 0);
		assert_int_equal(s.n, 2);
		assert_string_equal(s.rec[0], "first");
		assert_string_equal(s.rec[1], "0123456789ab");
		rt_recordio_free(&d);
	}
	rt_buf_free(&b);
}

static void test_bad_lengths(void **state)
{
	const char *bad[] = {"x\nabc", "0\n", "3\rabc", "99999999999999999999999\n", "2000\n"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		rt_recordio_decoder d;
		seen s = {.n = 0};
		rt_recordio_init(&d, 1024);
		assert_int_equal(rt_recordio_feed(&d, bad[i], strlen(bad[i]), on_record, &s), -1);
		assert_int_equal(s.n, 0);
		/* Sticky: nothing more is decoded. */
		assert_int_equal(rt_recordio_feed(&d, "1\na", 3, on_record, &s), -1);
		rt_recordio_free(&d);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_roundtrip_split_anywhere),
	        cmocka_unit_test(test_bad_lengths),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
