/* clock.h: time and timers as state machines see them.
 *
 * Protocol state machines (SIP transactions, Q.931 timers, registration)
 * start and stop timers and read the time through a struct clock, so the
 * same code runs on the event loop's real clock in the daemon and on a fake
 * clock in tests, where a test steps time and sees exactly which timers
 * fire, in order, without sleeping. */
#ifndef SGW_LIB_CLOCK_H
#define SGW_LIB_CLOCK_H

#include <stdint.h>

#include "lib/timer.h"

struct clock {
	uint64_t (*now_ns)(struct clock *c);
	int (*start)(struct clock *c, struct timer *t, uint64_t due_ns);
	void (*stop)(struct clock *c, struct timer *t);
};

static inline uint64_t clock_now_ns(struct clock *c)
{
	return c->now_ns(c);
}

static inline int clock_timer_start_ms(struct clock *c, struct timer *t, uint64_t delay_ms)
{
	return c->start(c, t, c->now_ns(c) + delay_ms * 1000000ull);
}

static inline void clock_timer_stop(struct clock *c, struct timer *t)
{
	c->stop(c, t);
}

/* A fake clock for tests: time moves only when the test says. */
struct clock_fake {
	struct clock clock;
	struct timer_heap heap;
	uint64_t now;
};

void clock_fake_init(struct clock_fake *f);
void clock_fake_release(struct clock_fake *f);
/* Move time to now + delta_ms, firing every timer due on the way, each at
 * its own time (a callback sees now_ns() equal to its deadline). */
void clock_fake_advance_ms(struct clock_fake *f, uint64_t delta_ms);

#endif
