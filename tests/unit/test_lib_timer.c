/* Timer heap: deadline order, stop/restart, callbacks that start timers. */
#include "config.h"

#include "lib/timer.h"
#include "testutil.h"

struct log {
	int order[64];
	int n;
	struct timer_heap *heap;
	struct timer *again;
};

static void record(struct timer *t, void *arg)
{
	struct log *l = arg;

	l->order[l->n++] = (int)(t->due);
}

static void fires_in_deadline_order(void **state)
{
	struct timer_heap h;
	struct timer t[10];
	struct log l = {.n = 0};
	static const uint64_t due[10] = {50, 10, 90, 30, 70, 20, 60, 40, 80, 100};

	timer_heap_init(&h);
	for (int i = 0; i < 10; i++) {
		timer_setup(&t[i], record, &l);
		assert_int_equal(timer_heap_start(&h, &t[i], due[i]), 0);
	}
	assert_int_equal(timer_heap_next(&h), 10);
	assert_int_equal(timer_heap_run(&h, 55), 5);
	assert_int_equal(l.n, 5);
	for (int i = 0; i < 5; i++)
		assert_int_equal(l.order[i], (i + 1) * 10);
	assert_int_equal(timer_heap_run(&h, 1000), 5);
	for (int i = 5; i < 10; i++)
		assert_int_equal(l.order[i], (i + 1) * 10);
	assert_int_equal(timer_heap_next(&h), UINT64_MAX);
	timer_heap_release(&h);
}

static void stopped_timers_do_not_fire(void **state)
{
	struct timer_heap h;
	struct timer t[5];
	struct log l = {.n = 0};

	timer_heap_init(&h);
	for (int i = 0; i < 5; i++) {
		timer_setup(&t[i], record, &l);
		timer_heap_start(&h, &t[i], (uint64_t)(i + 1));
	}
	timer_heap_stop(&h, &t[0]);
	timer_heap_stop(&h, &t[3]);
	timer_heap_stop(&h, &t[3]); /* twice is harmless */
	assert_false(timer_running(&t[0]));
	assert_true(timer_running(&t[1]));
	assert_int_equal(timer_heap_run(&h, 10), 3);
	assert_int_equal(l.order[0], 2);
	assert_int_equal(l.order[1], 3);
	assert_int_equal(l.order[2], 5);
	timer_heap_release(&h);
}

static void restart_moves_deadline(void **state)
{
	struct timer_heap h;
	struct timer a, b;
	struct log l = {.n = 0};

	timer_heap_init(&h);
	timer_setup(&a, record, &l);
	timer_setup(&b, record, &l);
	timer_heap_start(&h, &a, 10);
	timer_heap_start(&h, &b, 20);
	timer_heap_start(&h, &a, 30); /* restart: now after b */
	assert_int_equal(timer_heap_run(&h, 25), 1);
	assert_int_equal(l.order[0], 20);
	assert_int_equal(timer_heap_run(&h, 30), 1);
	assert_int_equal(l.order[1], 30);
	timer_heap_release(&h);
}

static void self_restart(struct timer *t, void *arg)
{
	struct log *l = arg;

	l->order[l->n++] = (int)t->due;
	if (l->n < 5)
		timer_heap_start(l->heap, t, t->due); /* same instant: next pass */
}

static void callback_restarting_itself_at_same_time_is_bounded(void **state)
{
	struct timer_heap h;
	struct timer t;
	struct log l = {.n = 0, .heap = &h};

	timer_heap_init(&h);
	timer_setup(&t, self_restart, &l);
	timer_heap_start(&h, &t, 5);
	assert_int_equal(timer_heap_run(&h, 5), 1);
	assert_int_equal(timer_heap_run(&h, 5), 1);
	assert_int_equal(l.n, 2);
	timer_heap_stop(&h, &t);
	timer_heap_release(&h);
}

static void many_timers_random_order(void **state)
{
	enum { N = 2000 };
	static struct timer t[N];
	struct timer_heap h;
	uint32_t x = 12345;
	uint64_t last = 0;
	size_t fired = 0;

	timer_heap_init(&h);
	for (int i = 0; i < N; i++) {
		x = x * 1103515245u + 12345u;
		timer_setup(&t[i], NULL, NULL);
		assert_int_equal(timer_heap_start(&h, &t[i], x % 100000), 0);
	}
	for (int i = 0; i < N; i += 3)
		timer_heap_stop(&h, &t[i]);
	/* pop in order by hand: each next() must not go backwards */
	while (h.count) {
		uint64_t next = timer_heap_next(&h);

		assert_true(next >= last);
		last = next;
		timer_heap_stop(&h, h.items[0]);
		fired++;
	}
	assert_int_equal(fired, N - (N + 2) / 3);
	timer_heap_release(&h);
}

static void equal_deadlines_fire_in_start_order(void **state)
{
	struct timer_heap h;
	struct timer t[4];
	struct log l = {.n = 0};

	timer_heap_init(&h);
	for (int i = 0; i < 4; i++) {
		timer_setup(&t[i], record, &l);
		timer_heap_start(&h, &t[i], 7);
	}
	assert_true(t[0].seq < t[1].seq && t[1].seq < t[2].seq && t[2].seq < t[3].seq);
	assert_ptr_equal(h.items[0], &t[0]);
	timer_heap_stop(&h, &t[0]);
	assert_ptr_equal(h.items[0], &t[1]);
	timer_heap_release(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		SGW_TEST(fires_in_deadline_order),
		SGW_TEST(stopped_timers_do_not_fire),
		SGW_TEST(restart_moves_deadline),
		SGW_TEST(callback_restarting_itself_at_same_time_is_bounded),
		SGW_TEST(many_timers_random_order),
		SGW_TEST(equal_deadlines_fire_in_start_order),
	};
	return cmocka_run_group_tests_name("lib/timer", tests, NULL, NULL);
}
