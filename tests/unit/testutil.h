/* testutil.h: shared by the cmocka unit tests.
 *
 * SGW_TEST(fn) wraps a test so that the allocations it leaves behind are
 * counted: a test that leaks fails, whatever it asserted. */
#ifndef SGW_TESTS_TESTUTIL_H
#define SGW_TESTS_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/loop.h"
#include "lib/mem.h"

/* Monotonic milliseconds, and running a loop until cond holds or ms pass:
 * the bounded wait of every test that talks over sockets or timers. */
static inline uint64_t sgw_now_ms(void)
{
	return loop_now_ns() / 1000000u;
}

#define SGW_RUN_UNTIL(lp, cond, ms)                                                                \
	do {                                                                                       \
		uint64_t end_ = sgw_now_ms() + (ms);                                               \
		while (!(cond) && sgw_now_ms() < end_)                                             \
			loop_run_once((lp), 5);                                                    \
	} while (0)

static long sgw_test_live_before;

static inline int sgw_test_setup(void **state)
{
	(void)state;
	mem_fail_after(-1);
	sgw_test_live_before = mem_live_count();
	return 0;
}

static inline int sgw_test_teardown(void **state)
{
	long now = mem_live_count();

	(void)state;
	mem_fail_after(-1);
	if (now != sgw_test_live_before) {
		print_error("leak: %ld allocation(s) not freed by this test\n",
			    now - sgw_test_live_before);
		return -1;
	}
	return 0;
}

#define SGW_TEST(fn) cmocka_unit_test_setup_teardown(fn, sgw_test_setup, sgw_test_teardown)

/* Compare text with the reviewed golden file tests/unit/golden/NAME;
 * SGW_GOLDEN_UPDATE=1 rewrites the file first (then review the diff). */
static inline void sgw_golden_check(const char *name, const char *text)
{
	char path[1024], *want;
	const char *src = getenv("top_srcdir");
	FILE *f;
	long size;

	snprintf(path, sizeof(path), "%s/tests/unit/golden/%s", src ? src : ".", name);
	if (getenv("SGW_GOLDEN_UPDATE")) {
		f = fopen(path, "w");
		assert_non_null(f);
		fputs(text, f);
		fclose(f);
	}
	f = fopen(path, "r");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	rewind(f);
	want = calloc(1, (size_t)size + 1);
	assert_int_equal(fread(want, 1, (size_t)size, f), (size_t)size);
	fclose(f);
	if (strcmp(want, text) != 0)
		print_error("output differs from %s; got:\n%s", path, text);
	assert_string_equal(want, text);
	free(want);
}

#endif
