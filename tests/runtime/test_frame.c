/*
 * test_frame.c — the length-prefixed frame decoder of the master<->agent
 * protocol (runtime/src/rt_frame.h): frames split anywhere, several in one
 * read, empty frames, and the size limit.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "rt_frame.h"

static void encode(rt_buf *b, const char *text)
{
	rt_frame_encode(b, text, strlen(text));
}

static void test_one_frame_fed_byte_by_byte(void **state)
{
	rt_buf b;
	rt_buf_init(&b);
	encode(&b, "hello");
	assert_int_equal(b.len, 9);
	rt_frame_decoder d;
	rt_frame_decoder_init(&d, 0);
	const uint8_t *p;
	size_t n;
	for (size_t i = 0; i + 1 < b.len; i++) {
		rt_frame_decoder_feed(&d, b.data + i, 1);
		assert_int_equal(rt_frame_next(&d, &p, &n), RT_FRAME_MORE);
	}
	rt_frame_decoder_feed(&d, b.data + b.len - 1, 1);
	assert_int_equal(rt_frame_next(&d, &p, &n), RT_FRAME_OK);
	assert_int_equal(n, 5);
	assert_memory_equal(p, "hello", 5);
	assert_int_equal(rt_frame_next(&d, &p, &n), RT_FRAME_MORE);
	rt_frame_decoder_free(&d);
	rt_buf_free(&b);
}

static void test_several_frames_in_one_read(void **state)
{
	rt_buf b;
	rt_buf_init(&b);
	encode(&b, "a");
	encode(&b, "");
	encode(&b, "ccc");
	rt_buf_append(&b, "\0\0", 2); /* half of the next header */
	rt_frame_decoder d;
	rt_frame_decoder_init(&d, 0);
	rt_frame_decoder_feed(&d, b.data, b.len);
	const uint8_t *p;
	size_t n;
	assert_int_equal(rt_frame_next(&d, &p, &n), RT_FRAME_OK);
	assert_int_equal(n, 1);
	assert_int_equal(rt_frame_next(&d, &p, &n), RT_FRAME_OK);
	assert_int_equal(n, 0); /* an empty frame is a frame */
	assert_int_equal(rt_frame_next(&d, &p, &n), RT_FRAME_OK);
	assert_int_equal(n, 3);
	assert_memory_equal(p, "ccc", 3);
	assert_int_equal(rt_frame_next(&d, &p, &n), RT_FRAME_MORE);
	/* The rest of the header and the payload arrive later. */
	rt_frame_decoder_feed(&d, "\0\2xy", 4);
	assert_int_equal(rt_frame_next(&d, &p, &n), RT_FRAME_OK);
	assert_int_equal(n, 2);
	assert_memory_equal(p, "xy", 2);
	assert_int_equal(d.in.len - d.consumed, 0);
	rt_frame_decoder_free(&d);
	rt_buf_free(&b);
}

static void test_size_limit(void **state)
{
	rt_frame_decoder d;
	rt_frame_decoder_init(&d, 16);
	const uint8_t *p;
	size_t n;
	uint8_t exact[4 + 16] = {0, 0, 0, 16};
	rt_frame_decoder_feed(&d, exact, sizeof exact);
	assert_int_equal(rt_frame_next(&d, &p, &n), RT_FRAME_OK);
	assert_int_equal(n, 16);
	/* One byte over the limit fails as soon as the header is in, before
	 * any payload is buffered, and stays failed. */
	uint8_t over[4] = {0, 0, 0, 17};
	rt_frame_decoder_feed(&d, over, sizeof over);
	assert_int_equal(rt_frame_next(&d, &p, &n), RT_FRAME_TOO_BIG);
	rt_frame_decoder_feed(&d, exact, sizeof exact);
	assert_int_equal(rt_frame_next(&d, &p, &n), RT_FRAME_TOO_BIG);
	rt_frame_decoder_free(&d);
}

static void test_huge_announced_length(void **state)
{
	rt_frame_decoder d;
	rt_frame_decoder_init(&d, 0);
	const uint8_t *p;
	size_t n;
	uint8_t huge[4] = {0xff, 0xff, 0xff, 0xff};
	rt_frame_decoder_feed(&d, huge, sizeof huge);
	assert_int_equal(rt_frame_next(&d, &p, &n), RT_FRAME_TOO_BIG);
	assert_true(d.in.len <= 4);
	rt_frame_decoder_free(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_one_frame_fed_byte_by_byte),
	        cmocka_unit_test(test_several_frames_in_one_read),
	        cmocka_unit_test(test_size_limit),
	        cmocka_unit_test(test_huge_announced_length),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
