/* loop.c: epoll + timerfd + signalfd event loop, see loop.h.
 *
 * Timers: all timers of a loop sit in one min-heap; the timerfd is armed
 * (absolute, CLOCK_MONOTONIC) at the earliest deadline whenever that
 * changes, so the loop wakes exactly when the next timer is due and the
 * epoll_wait itself never needs a timeout. */
#include "config.h"

#include "lib/loop.h"
#include "lib/mem.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#define LOOP_BATCH 64
#define LOOP_NSIG 65

struct loop_signal {
	loop_signal_fn fn;
	void *arg;
};

struct loop {
	struct clock clock; /* first: loop_clock() hands out &loop->clock */
	int epfd;
	bool stopped;
	struct timer_heap timers;
	int tfd;
	uint64_t armed_for; /* deadline the timerfd is armed at, UINT64_MAX: disarmed */
	bool running_timers; /* in timer_heap_run: arm once after it */
	struct loop_watch timer_watch;

	int sfd;
	sigset_t sigmask;
	struct loop_watch signal_watch;
	struct loop_signal signals[LOOP_NSIG];

	/* the batch being dispatched, so a deleted watch's pending events are dropped */
	struct epoll_event batch[LOOP_BATCH];
	int batch_len, batch_pos;
};

uint64_t loop_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint64_t clock_now(struct clock *c);
static int clock_start(struct clock *c, struct timer *t, uint64_t due);
static void clock_stop(struct clock *c, struct timer *t);

/* Arm the timerfd for the earliest timer, only when it would fire too
 * late: armed earlier than needed (the earliest was stopped) it fires, runs
 * nothing and is armed again; while the due timers run, once after them.
 * (timerfd_settime per timer start was most of the daemon's system time.) */
static void rearm(struct loop *loop)
{
	uint64_t next = timer_heap_next(&loop->timers);
	struct itimerspec its = {0};

	if (loop->running_timers || next >= loop->armed_for)
		return;
	loop->armed_for = next;
	if (next != UINT64_MAX) {
		/* an all-zero it_value would disarm: fire "now" as 1 ns */
		if (next == 0)
			next = 1;
		its.it_value.tv_sec = (time_t)(next / 1000000000ull);
		its.it_value.tv_nsec = (long)(next % 1000000000ull);
	}
	timerfd_settime(loop->tfd, TFD_TIMER_ABSTIME, &its, NULL);
}

static void on_timerfd(struct loop *loop, struct loop_watch *w, uint32_t events)
{
	uint64_t expirations;

	if (read(loop->tfd, &expirations, sizeof(expirations)) < 0 && errno != EAGAIN)
		return;
	loop->armed_for = UINT64_MAX;
	loop->running_timers = true;
	timer_heap_run(&loop->timers, loop_now_ns());
	loop->running_timers = false;
	rearm(loop);
}

static void on_signalfd(struct loop *loop, struct loop_watch *w, uint32_t events)
{
	struct signalfd_siginfo si;

	/* bounded: the signalfd holds at most one pending instance per signal */
	for (int i = 0; i < LOOP_NSIG; i++) {
		ssize_t n = read(loop->sfd, &si, sizeof(si));

		if (n != (ssize_t)sizeof(si))
			break;
		if (si.ssi_signo < LOOP_NSIG && loop->signals[si.ssi_signo].fn)
			loop->signals[si.ssi_signo].fn(loop, (int)si.ssi_signo,
							loop->signals[si.ssi_signo].arg);
	}
}

int loop_new(struct loop **out)
{
	struct loop *loop = mem_zalloc(sizeof(*loop));
	int err;

	if (!loop)
		return -ENOMEM;
	loop->tfd = loop->sfd = -1;
	loop->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (loop->epfd < 0)
		goto fail_errno;
	timer_heap_init(&loop->timers);
	loop->clock.now_ns = clock_now;
	loop->clock.start = clock_start;
	loop->clock.stop = clock_stop;
	loop->armed_for = UINT64_MAX;
	loop->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (loop->tfd < 0)
		goto fail_errno;
	err = loop_watch_add(loop, &loop->timer_watch, loop->tfd, EPOLLIN, on_timerfd, NULL);
	if (err)
		goto fail;
	sigemptyset(&loop->sigmask);
	*out = loop;
	return 0;

fail_errno:
	err = -errno;
fail:
	loop_free(loop);
	return err;
}

void loop_free(struct loop *loop)
{
	if (!loop)
		return;
	if (loop->sfd >= 0) {
		close(loop->sfd);
		pthread_sigmask(SIG_UNBLOCK, &loop->sigmask, NULL);
	}
	if (loop->tfd >= 0)
		close(loop->tfd);
	if (loop->epfd >= 0)
		close(loop->epfd);
	timer_heap_release(&loop->timers);
	mem_free(loop);
}

int loop_watch_add(struct loop *loop, struct loop_watch *w, int fd, uint32_t events,
		   loop_watch_fn fn, void *arg)
{
	struct epoll_event ev = {.events = events, .data.ptr = w};

	w->fd = fd;
	w->events = events;
	w->fn = fn;
	w->arg = arg;
	if (epoll_ctl(loop->epfd, EPOLL_CTL_ADD, fd, &ev) < 0)
		return -errno;
	w->active = true;
	return 0;
}

int loop_watch_mod(struct loop *loop, struct loop_watch *w, uint32_t events)
{
	struct epoll_event ev = {.events = events, .data.ptr = w};

	if (!w->active)
		return -EINVAL;
	if (events == w->events)
		return 0;
	if (epoll_ctl(loop->epfd, EPOLL_CTL_MOD, w->fd, &ev) < 0)
		return -errno;
	w->events = events;
	return 0;
}

void loop_watch_del(struct loop *loop, struct loop_watch *w)
{
	if (!w->active)
		return;
	epoll_ctl(loop->epfd, EPOLL_CTL_DEL, w->fd, NULL);
	w->active = false;
	/* forget events of this watch still queued in the current batch */
	for (int i = loop->batch_pos; i < loop->batch_len; i++)
		if (loop->batch[i].data.ptr == w)
			loop->batch[i].data.ptr = NULL;
}

static int start_at(struct loop *loop, struct timer *t, uint64_t due)
{
	int err = timer_heap_start(&loop->timers, t, due);

	if (!err)
		rearm(loop);
	return err;
}

int loop_timer_start_ns(struct loop *loop, struct timer *t, uint64_t delay_ns)
{
	return start_at(loop, t, loop_now_ns() + delay_ns);
}

int loop_timer_start_ms(struct loop *loop, struct timer *t, uint64_t delay_ms)
{
	return loop_timer_start_ns(loop, t, delay_ms * 1000000ull);
}

void loop_timer_stop(struct loop *loop, struct timer *t)
{
	timer_heap_stop(&loop->timers, t);
}

int loop_signal_add(struct loop *loop, int signo, loop_signal_fn fn, void *arg)
{
	int fd;

	if (signo <= 0 || signo >= LOOP_NSIG)
		return -EINVAL;
	sigaddset(&loop->sigmask, signo);
	if (pthread_sigmask(SIG_BLOCK, &loop->sigmask, NULL) != 0)
		return -EINVAL;
	fd = signalfd(loop->sfd, &loop->sigmask, SFD_NONBLOCK | SFD_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (loop->sfd < 0) {
		int err;

		loop->sfd = fd;
		err = loop_watch_add(loop, &loop->signal_watch, fd, EPOLLIN, on_signalfd, NULL);
		if (err)
			return err;
	}
	loop->signals[signo].fn = fn;
	loop->signals[signo].arg = arg;
	return 0;
}

static uint64_t clock_now(struct clock *c)
{
	(void)c;
	return loop_now_ns();
}

static int clock_start(struct clock *c, struct timer *t, uint64_t due)
{
	return start_at((struct loop *)c, t, due);
}

static void clock_stop(struct clock *c, struct timer *t)
{
	loop_timer_stop((struct loop *)c, t);
}

struct clock *loop_clock(struct loop *loop)
{
	return &loop->clock;
}

void loop_stop(struct loop *loop)
{
	loop->stopped = true;
}

int loop_run_once(struct loop *loop, int timeout_ms)
{
	int n = epoll_wait(loop->epfd, loop->batch, LOOP_BATCH, timeout_ms);

	if (n < 0)
		return errno == EINTR ? 0 : -errno;
	loop->batch_len = n;
	for (loop->batch_pos = 0; loop->batch_pos < n;) {
		struct epoll_event *ev = &loop->batch[loop->batch_pos++];
		struct loop_watch *w = ev->data.ptr;

		if (w)
			w->fn(loop, w, ev->events);
	}
	loop->batch_len = loop->batch_pos = 0;
	return 0;
}

int loop_run(struct loop *loop)
{
	loop->stopped = false;
	while (!loop->stopped) {
		int err = loop_run_once(loop, -1);

		if (err)
			return err;
	}
	return 0;
}
