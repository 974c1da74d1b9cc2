/* bench_loop: the signalling loop's own costs, the floor under every SIP
 * and ISDN timer and every control request.
 *   lib.timer.start_stop   timer (re)starts+stops per second in a heap of 10000
 *   lib.timer.fire         timer expiries per second through timer_heap_run
 *   lib.loop.wakeup        fd-ready callbacks per second through epoll (pipe)
 * Prints METRIC: VALUE UNIT lines. */
#include "config.h"

#include "lib/loop.h"
#include "lib/mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#define N_TIMERS 10000

static double now_s(void)
{
	return (double)loop_now_ns() / 1e9;
}

static void nop(struct timer *t, void *arg)
{
	(*(long *)arg)++;
}

static void on_pipe(struct loop *loop, struct loop_watch *w, uint32_t ev)
{
	char b[64];
	long *count = w->arg;

	(void)!read(w->fd, b, sizeof(b));
	(*count)++;
}

int main(void)
{
	static struct timer timers[N_TIMERS];
	struct timer_heap h;
	uint32_t x = 1;
	long fired = 0, ops = 0;
	double t0, t1;
	struct loop *loop;
	struct loop_watch w;
	int p[2];
	long wakeups = 0;

	timer_heap_init(&h);
	for (int i = 0; i < N_TIMERS; i++) {
		timer_setup(&timers[i], nop, &fired);
		x = x * 1664525u + 1013904223u;
		timer_heap_start(&h, &timers[i], x % 1000000);
	}
	t0 = now_s();
	for (long round = 0; round < 200; round++) {
		for (int i = 0; i < N_TIMERS; i++) {
			x = x * 1664525u + 1013904223u;
			timer_heap_start(&h, &timers[i], x % 1000000);
			ops++;
		}
	}
	t1 = now_s();
	printf("lib.timer.start_stop: %.0f ops/s\n", (double)ops / (t1 - t0));

	t0 = now_s();
	for (long round = 0; round < 50; round++) {
		timer_heap_run(&h, UINT64_MAX - 1);
		for (int i = 0; i < N_TIMERS; i++)
			timer_heap_start(&h, &timers[i], (uint64_t)i);
	}
	t1 = now_s();
	printf("lib.timer.fire: %.0f timers/s\n", (double)fired / (t1 - t0));
	timer_heap_release(&h);

	if (loop_new(&loop) < 0 || pipe(p) < 0)
		return 1;
	loop_watch_add(loop, &w, p[0], EPOLLIN, on_pipe, &wakeups);
	t0 = now_s();
	for (int i = 0; i < 200000; i++) {
		(void)!write(p[1], "x", 1);
		loop_run_once(loop, 1000);
	}
	t1 = now_s();
	printf("lib.loop.wakeup: %.0f wakeups/s\n", (double)wakeups / (t1 - t0));
	loop_watch_del(loop, &w);
	loop_free(loop);
	close(p[0]);
	close(p[1]);
	return 0;
}
