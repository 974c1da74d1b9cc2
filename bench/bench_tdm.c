/* bench_tdm: the loopback TDM backend's cost.
 *
 *   tdm.loop.span_tick_us       CPU time to clock one E1 span (30 B-channels
 *                               and the D-channel, 20 ms blocks) for one block
 *   tdm.loop.e1_spans_per_core  E1 spans one core can clock in real time
 *                               (20 ms divided by the cost of one span-tick)
 *   tdm.loop.realtime_check     64 spans clocked for 2 s by their timerfds:
 *                               the ticks they got against the ticks due
 *   tdm.loop.drift_ppm          one pair with 1 ms blocks for TDM_DRIFT_SECONDS
 *                               (default 10): ticks against elapsed time, in
 *                               parts per million (the clock uses absolute
 *                               deadlines, so the error does not grow: an
 *                               hour drifts no more than 10 s do)
 *
 * Pairs of spans run with a manual clock as fast as they can; each tick
 * every channel is written and read, as the media workers will. */
#include "config.h"

#include "lib/loop.h"
#include "tdm/loopback.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PAIRS 32
#define TICKS 2000

static uint8_t block[160];
static unsigned long ticks_seen;

/* What a media worker does per tick: read every B-channel, write every one. */
static void on_tick(void *arg, struct tdm_span *s)
{
	uint8_t in[160];

	(void)arg;
	ticks_seen++;
	for (unsigned ts = 1; ts <= s->nts; ts++) {
		if ((int)ts == s->cfg.dchan)
			continue;
		tdm_chan_read(s, ts, in, sizeof(in));
		block[0] = in[0];
		tdm_chan_write(s, ts, block, sizeof(block));
	}
}

static const struct tdm_span_ops ops = {on_tick, NULL, NULL};

static double cpu_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(void)
{
	struct loop *loop;
	struct tdm_span *a[PAIRS], *b[PAIRS];
	double t0, t1, per_span_us;
	uint64_t start;

	memset(block, 0x55, sizeof(block));
	if (loop_new(&loop) < 0)
		return 1;
	for (int i = 0; i < PAIRS; i++) {
		struct tdm_span_config ca, cb;

		tdm_span_config_default(&ca, 2 * i + 1, TDM_E1);
		tdm_span_config_default(&cb, 2 * i + 2, TDM_E1);
		if (tdm_lb_pair_new(loop, &ca, &ops, NULL, &cb, &ops, NULL, &a[i], &b[i]) < 0)
			return 1;
		tdm_lb_manual_clock(a[i]);
	}
	t0 = cpu_s();
	for (int t = 0; t < TICKS; t++)
		for (int i = 0; i < PAIRS; i++)
			tdm_lb_tick(a[i]);
	t1 = cpu_s();
	per_span_us = (t1 - t0) * 1e6 / ((double)TICKS * PAIRS * 2);
	printf("tdm.loop.span_tick_us: %.2f us\n", per_span_us);
	printf("tdm.loop.e1_spans_per_core: %.0f spans (%.0f channels)\n", 20000.0 / per_span_us,
	       20000.0 / per_span_us * 30);
	for (int i = 0; i < PAIRS; i++) {
		tdm_span_close(a[i]);
		tdm_span_close(b[i]);
	}

	/* the real clock: 64 spans for 2 s, each due 100 ticks */
	for (int i = 0; i < PAIRS; i++) {
		struct tdm_span_config ca, cb;

		tdm_span_config_default(&ca, 2 * i + 1, TDM_E1);
		tdm_span_config_default(&cb, 2 * i + 2, TDM_E1);
		if (tdm_lb_pair_new(loop, &ca, &ops, NULL, &cb, &ops, NULL, &a[i], &b[i]) < 0)
			return 1;
	}
	ticks_seen = 0;
	start = loop_now_ns();
	while (loop_now_ns() - start < 2000000000ull)
		loop_run_once(loop, 10);
	printf("tdm.loop.realtime_check: %lu of %d span-ticks in 2 s\n", ticks_seen, PAIRS * 2 * 100);
	for (int i = 0; i < PAIRS; i++) {
		tdm_span_close(a[i]);
		tdm_span_close(b[i]);
	}
	{
		const char *env = getenv("TDM_DRIFT_SECONDS");
		unsigned secs = env ? (unsigned)atoi(env) : 10;
		struct tdm_span_config ca, cb;
		uint64_t n0, n1, first;
		double expected;

		tdm_span_config_default(&ca, 1, TDM_E1);
		tdm_span_config_default(&cb, 2, TDM_E1);
		ca.block_ms = cb.block_ms = 1;
		if (tdm_lb_pair_new(loop, &ca, &ops, NULL, &cb, &ops, NULL, &a[0], &b[0]) < 0)
			return 1;
		/* count from the first tick, so start-up does not count */
		/* both ends of the measurement right after a tick, so the count is
		 * not off by a fraction of a tick */
		ticks_seen = 0;
		while (ticks_seen == 0)
			loop_run_once(loop, 10);
		first = a[0]->counters.ticks;
		n0 = loop_now_ns();
		while (loop_now_ns() - n0 < (uint64_t)secs * 1000000000ull)
			loop_run_once(loop, 10);
		{
			uint64_t last = a[0]->counters.ticks;

			for (int i = 0; i < 100 && a[0]->counters.ticks == last; i++)
				loop_run_once(loop, 10);
		}
		n1 = loop_now_ns();
		expected = (double)(n1 - n0) / 1e6; /* one tick a millisecond */
		printf("tdm.loop.drift_ppm: %.1f ppm (%llu ticks in %.3f s, 1 ms blocks)\n",
		       ((double)(a[0]->counters.ticks - first) - expected) / expected * 1e6,
		       (unsigned long long)(a[0]->counters.ticks - first), expected / 1000);
		tdm_span_close(a[0]);
		tdm_span_close(b[0]);
	}
	loop_free(loop);
	return 0;
}
