/* The G.168 bench's matrix (tests/g168) as pass/fail: every convergence,
 * double-talk and path-change run of the bench's four sets of signals
 * passes with our canceller at 128 ms.  bench/bench_ec prints the same
 * counts beside SpanDSP's and on sets no tuning saw; this test fails on
 * any one run, and names it. */
#include "config.h"

#include "g168.h"
#include "testutil.h"

#include <stdio.h>

/* one set of the bench's signals: its seed offset is the test's state */
static void matrix_set(void **state)
{
	uint32_t set = *(const uint32_t *)*state;
	struct g168_tally t = {0};

	g168_matrix_set(&g168_sipgw_ec, set, &t, stderr);
	printf("# set %u: convergence %u of %u, double talk %u of %u (worst %.1f dB), path change %u of %u\n",
	       set, t.conv, t.nconv, t.dt, t.ndt, t.worst_hit, t.pc, t.npc);
	assert_int_equal(t.nconv, 576);
	assert_int_equal(t.ndt, 72);
	assert_int_equal(t.npc, 8);
	if (t.conv != t.nconv || t.dt != t.ndt || t.pc != t.npc)
		fail_msg("set %u: %u convergence, %u double-talk, %u path-change runs failed (named above)", set,
			 t.nconv - t.conv, t.ndt - t.dt, t.npc - t.pc);
}

int main(void)
{
	static uint32_t sets[] = {0, 10000, 20000, 30000}; /* bench_ec's four */
	const struct CMUnitTest tests[] = {
		{.name = "bench_set_0", .test_func = matrix_set, .setup_func = sgw_test_setup,
		 .teardown_func = sgw_test_teardown, .initial_state = &sets[0]},
		{.name = "bench_set_10000", .test_func = matrix_set, .setup_func = sgw_test_setup,
		 .teardown_func = sgw_test_teardown, .initial_state = &sets[1]},
		{.name = "bench_set_20000", .test_func = matrix_set, .setup_func = sgw_test_setup,
		 .teardown_func = sgw_test_teardown, .initial_state = &sets[2]},
		{.name = "bench_set_30000", .test_func = matrix_set, .setup_func = sgw_test_setup,
		 .teardown_func = sgw_test_teardown, .initial_state = &sets[3]},
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
