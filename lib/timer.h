/* timer.h: a binary min-heap of timers on an abstract clock (nanoseconds).
 *
 * The heap knows nothing about real time: the event loop feeds it
 * CLOCK_MONOTONIC, and state-machine tests feed it a fake clock and step it.
 * Timers live in the objects that own them (no allocation per start); the
 * heap holds pointers and grows in blocks. */
#ifndef SGW_LIB_TIMER_H
#define SGW_LIB_TIMER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct timer;
typedef void (*timer_fn)(struct timer *t, void *arg);

struct timer {
	uint64_t due;	/* absolute, on the heap's clock */
	uint64_t seq;	/* start order: equal deadlines fire first-started first */
	size_t index;	/* position in the heap + 1; 0 when not running */
	timer_fn fn;
	void *arg;
};

struct timer_heap {
	struct timer **items;
	size_t count, capacity;
	uint64_t next_seq;
};

void timer_heap_init(struct timer_heap *h);
void timer_heap_release(struct timer_heap *h);

void timer_setup(struct timer *t, timer_fn fn, void *arg);
/* Start (or restart) t to fire at the absolute time due.  Returns 0 or -ENOMEM. */
int timer_heap_start(struct timer_heap *h, struct timer *t, uint64_t due);
void timer_heap_stop(struct timer_heap *h, struct timer *t);
static inline bool timer_running(const struct timer *t)
{
	return t->index != 0;
}
/* The earliest deadline, or UINT64_MAX when none runs. */
uint64_t timer_heap_next(const struct timer_heap *h);
/* Fire every timer due at or before now, in deadline order; a callback may
 * start and stop timers, including itself.  Returns how many fired. */
size_t timer_heap_run(struct timer_heap *h, uint64_t now);

#endif
