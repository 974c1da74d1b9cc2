/* Event loop: fd readiness, timers on the real clock, signals through
 * signalfd, and a watch deleted while its events are pending. */
#include "config.h"

#include "lib/loop.h"
#include "testutil.h"

#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

struct ctx {
	struct loop *loop;
	int reads, fired, signals;
	char got[16];
	struct loop_watch pair[2];
	struct loop_watch *survivor;
};

static void on_read(struct loop *loop, struct loop_watch *w, uint32_t events)
{
	struct ctx *c = w->arg;
	ssize_t n = read(w->fd, c->got, sizeof(c->got) - 1);

	if (n > 0)
		c->got[n] = '\0';
	c->reads++;
	loop_stop(loop);
}

static void fd_readiness_calls_back(void **state)
{
	struct ctx c = {0};
	struct loop_watch w;
	int sv[2];

	assert_int_equal(loop_new(&c.loop), 0);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	assert_int_equal(loop_watch_add(c.loop, &w, sv[0], EPOLLIN, on_read, &c), 0);
	assert_int_equal(write(sv[1], "hello", 5), 5);
	assert_int_equal(loop_run(c.loop), 0);
	assert_int_equal(c.reads, 1);
	assert_string_equal(c.got, "hello");
	loop_watch_del(c.loop, &w);
	close(sv[0]);
	close(sv[1]);
	loop_free(c.loop);
}

static void on_timer(struct timer *t, void *arg)
{
	struct ctx *c = arg;

	c->fired++;
	if (c->fired == 3)
		loop_stop(c->loop);
	else
		loop_timer_start_ms(c->loop, t, 1);
}

static void timers_fire_and_rearm(void **state)
{
	struct ctx c = {0};
	struct timer t, never;
	uint64_t start;

	assert_int_equal(loop_new(&c.loop), 0);
	timer_setup(&t, on_timer, &c);
	timer_setup(&never, on_timer, &c);
	start = loop_now_ns();
	assert_int_equal(loop_timer_start_ms(c.loop, &t, 2), 0);
	assert_int_equal(loop_timer_start_ms(c.loop, &never, 3600 * 1000), 0);
	/* bounded: 3 timer callbacks need at most a few hundred wakeups */
	for (int i = 0; i < 1000 && c.fired < 3; i++)
		assert_int_equal(loop_run_once(c.loop, 1000), 0);
	assert_int_equal(c.fired, 3);
	/* 2 ms + 1 ms + 1 ms at least */
	assert_true(loop_now_ns() - start >= 4000000ull);
	assert_true(timer_running(&never));
	loop_timer_stop(c.loop, &never);
	loop_free(c.loop);
}

static void on_signal(struct loop *loop, int signo, void *arg)
{
	struct ctx *c = arg;

	assert_int_equal(signo, SIGUSR1);
	c->signals++;
	loop_stop(loop);
}

static void signals_arrive_through_the_loop(void **state)
{
	struct ctx c = {0};

	assert_int_equal(loop_new(&c.loop), 0);
	assert_int_equal(loop_signal_add(c.loop, SIGUSR1, on_signal, &c), 0);
	assert_int_equal(kill(getpid(), SIGUSR1), 0);
	for (int i = 0; i < 100 && !c.signals; i++)
		assert_int_equal(loop_run_once(c.loop, 1000), 0);
	assert_int_equal(c.signals, 1);
	loop_free(c.loop);
	signal(SIGUSR1, SIG_DFL);
}

/* Both watches readable in one batch; whichever callback runs first
 * deletes the other watch and closes its fd: the other's pending event
 * must not be delivered. */
static void on_read_delete_other(struct loop *loop, struct loop_watch *w, uint32_t events)
{
	struct ctx *c = w->arg;
	struct loop_watch *other = w == &c->pair[0] ? &c->pair[1] : &c->pair[0];
	char b[8];

	(void)!read(w->fd, b, sizeof(b));
	c->reads++;
	loop_watch_del(loop, other);
	close(other->fd);
	c->survivor = w;
}

static void watch_deleted_during_dispatch_gets_no_events(void **state)
{
	struct ctx c = {0};
	int p1[2], p2[2];

	assert_int_equal(loop_new(&c.loop), 0);
	assert_int_equal(pipe(p1), 0);
	assert_int_equal(pipe(p2), 0);
	assert_int_equal(loop_watch_add(c.loop, &c.pair[0], p1[0], EPOLLIN, on_read_delete_other, &c), 0);
	assert_int_equal(loop_watch_add(c.loop, &c.pair[1], p2[0], EPOLLIN, on_read_delete_other, &c), 0);
	assert_int_equal(write(p1[1], "x", 1), 1);
	assert_int_equal(write(p2[1], "y", 1), 1);
	assert_int_equal(loop_run_once(c.loop, 1000), 0);
	assert_int_equal(c.reads, 1);
	loop_watch_del(c.loop, c.survivor);
	close(c.survivor->fd);
	close(p1[1]);
	close(p2[1]);
	loop_free(c.loop);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		SGW_TEST(fd_readiness_calls_back),
		SGW_TEST(timers_fire_and_rearm),
		SGW_TEST(signals_arrive_through_the_loop),
		SGW_TEST(watch_deleted_during_dispatch_gets_no_events),
	};
	return cmocka_run_group_tests_name("lib/loop", tests, NULL, NULL);
}
