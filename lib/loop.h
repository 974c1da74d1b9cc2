/* loop.h: the epoll event loop of one thread.
 *
 * A loop watches file descriptors (level-triggered), runs timers from a
 * timer heap armed on a single timerfd, and delivers signals through a
 * signalfd.  Nothing in it blocks except epoll_wait.  One loop per thread:
 * the signalling thread has one, each media worker may have its own.
 * Watches and timers are caller-owned storage embedded in the objects that
 * use them, so adding one never allocates per event. */
#ifndef SGW_LIB_LOOP_H
#define SGW_LIB_LOOP_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/epoll.h>

#include "lib/clock.h"
#include "lib/timer.h"

struct loop;
struct loop_watch;

typedef void (*loop_watch_fn)(struct loop *loop, struct loop_watch *w, uint32_t events);
typedef void (*loop_signal_fn)(struct loop *loop, int signo, void *arg);

struct loop_watch {
	int fd;
	uint32_t events;
	loop_watch_fn fn;
	void *arg;
	bool active;
};

int loop_new(struct loop **out);
void loop_free(struct loop *loop);

/* Run until loop_stop(); returns 0, or a negative errno if epoll failed. */
int loop_run(struct loop *loop);
/* Wait at most timeout_ms (-1: no limit) and handle what is ready once. */
int loop_run_once(struct loop *loop, int timeout_ms);
void loop_stop(struct loop *loop);

/* events: EPOLLIN, EPOLLOUT...; the watch remembers fn and arg. */
int loop_watch_add(struct loop *loop, struct loop_watch *w, int fd, uint32_t events,
		   loop_watch_fn fn, void *arg);
int loop_watch_mod(struct loop *loop, struct loop_watch *w, uint32_t events);
/* Safe from inside any callback, including w's own. */
void loop_watch_del(struct loop *loop, struct loop_watch *w);

/* Monotonic clock in nanoseconds and milliseconds. */
uint64_t loop_now_ns(void);

/* Timers: set up with timer_setup(t, fn, arg) from timer.h. */
int loop_timer_start_ms(struct loop *loop, struct timer *t, uint64_t delay_ms);
int loop_timer_start_ns(struct loop *loop, struct timer *t, uint64_t delay_ns);
void loop_timer_stop(struct loop *loop, struct timer *t);

/* The loop as a struct clock, for state machines (lib/clock.h). */
struct clock *loop_clock(struct loop *loop);

/* Route signo to fn through the loop's signalfd.  The signal is blocked for
 * the calling thread; call this before starting other threads so they
 * inherit the mask. */
int loop_signal_add(struct loop *loop, int signo, loop_signal_fn fn, void *arg);

#endif
