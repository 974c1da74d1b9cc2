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

#include "lib/mem.h"

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

#endif
