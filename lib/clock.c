/* clock.c: the fake clock of clock.h (the loop's real one is in loop.c). */
#include "config.h"

#include "lib/clock.h"

static uint64_t fake_now(struct clock *c)
{
	return ((struct clock_fake *)c)->now;
}

static int fake_start(struct clock *c, struct timer *t, uint64_t due)
{
	return timer_heap_start(&((struct clock_fake *)c)->heap, t, due);
}

static void fake_stop(struct clock *c, struct timer *t)
{
	timer_heap_stop(&((struct clock_fake *)c)->heap, t);
}

void clock_fake_init(struct clock_fake *f)
{
	f->clock.now_ns = fake_now;
	f->clock.start = fake_start;
	f->clock.stop = fake_stop;
	timer_heap_init(&f->heap);
	f->now = 1000000000ull; /* 1 s: keeps "0" free for "never" */
}

void clock_fake_release(struct clock_fake *f)
{
	timer_heap_release(&f->heap);
}

void clock_fake_advance_ms(struct clock_fake *f, uint64_t delta_ms)
{
	uint64_t end = f->now + delta_ms * 1000000ull;

	/* bounded by the timers there are: each pass fires at least one */
	for (;;) {
		uint64_t next = timer_heap_next(&f->heap);

		if (next > end)
			break;
		if (next > f->now)
			f->now = next;
		if (timer_heap_run(&f->heap, f->now) == 0)
			break;
	}
	f->now = end;
}
