/* timer.c: binary min-heap of timers, see timer.h. */
#include "config.h"

#include "lib/timer.h"
#include "lib/mem.h"

#include <errno.h>

void timer_heap_init(struct timer_heap *h)
{
	h->items = NULL;
	h->count = h->capacity = 0;
	h->next_seq = 0;
}

void timer_heap_release(struct timer_heap *h)
{
	for (size_t i = 0; i < h->count; i++)
		h->items[i]->index = 0;
	mem_free(h->items);
	timer_heap_init(h);
}

void timer_setup(struct timer *t, timer_fn fn, void *arg)
{
	t->due = 0;
	t->seq = 0;
	t->index = 0;
	t->fn = fn;
	t->arg = arg;
}

static bool earlier(const struct timer *a, const struct timer *b)
{
	return a->due < b->due || (a->due == b->due && a->seq < b->seq);
}

static void place(struct timer_heap *h, size_t i, struct timer *t)
{
	h->items[i] = t;
	t->index = i + 1;
}

static void sift_up(struct timer_heap *h, size_t i)
{
	struct timer *t = h->items[i];

	while (i > 0) {
		size_t parent = (i - 1) / 2;

		if (!earlier(t, h->items[parent]))
			break;
		place(h, i, h->items[parent]);
		i = parent;
	}
	place(h, i, t);
}

static void sift_down(struct timer_heap *h, size_t i)
{
	struct timer *t = h->items[i];

	for (;;) {
		size_t child = 2 * i + 1;

		if (child >= h->count)
			break;
		if (child + 1 < h->count && earlier(h->items[child + 1], h->items[child]))
			child++;
		if (!earlier(h->items[child], t))
			break;
		place(h, i, h->items[child]);
		i = child;
	}
	place(h, i, t);
}

void timer_heap_stop(struct timer_heap *h, struct timer *t)
{
	size_t i;
	struct timer *last;

	if (!t->index)
		return;
	i = t->index - 1;
	t->index = 0;
	last = h->items[--h->count];
	if (i == h->count)
		return;
	place(h, i, last);
	if (i > 0 && earlier(last, h->items[(i - 1) / 2]))
		sift_up(h, i);
	else
		sift_down(h, i);
}

int timer_heap_start(struct timer_heap *h, struct timer *t, uint64_t due)
{
	timer_heap_stop(h, t);
	if (h->count == h->capacity) {
		size_t cap = h->capacity ? h->capacity * 2 : 64;
		struct timer **items = mem_realloc(h->items, cap * sizeof(*items));

		if (!items)
			return -ENOMEM;
		h->items = items;
		h->capacity = cap;
	}
	t->due = due;
	t->seq = h->next_seq++;
	h->items[h->count] = t;
	t->index = ++h->count;
	sift_up(h, h->count - 1);
	return 0;
}

uint64_t timer_heap_next(const struct timer_heap *h)
{
	return h->count ? h->items[0]->due : UINT64_MAX;
}

size_t timer_heap_run(struct timer_heap *h, uint64_t now)
{
	size_t fired = 0;
	/* Timers started by callbacks for "now" get a later seq and fire in
	 * this pass too; bound the pass so a timer restarting itself at the
	 * same instant cannot spin forever. */
	uint64_t seq_limit = h->next_seq;

	while (h->count && h->items[0]->due <= now && h->items[0]->seq < seq_limit) {
		struct timer *t = h->items[0];

		timer_heap_stop(h, t);
		fired++;
		t->fn(t, t->arg);
	}
	return fired;
}
