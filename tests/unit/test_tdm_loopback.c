/* The loopback TDM backend: two E1 spans joined by a virtual cable.
 * Every timeslot's pattern arrives bit-exact on the other span one block
 * later (or later by the added delay), both ways; D-channel frames cross
 * with their FCS checked, corrupted ones are counted and dropped; unplug
 * and replug raise and clear red alarm on both ends; slips are counted;
 * across two processes over a SOCK_SEQPACKET socket pair the same holds.
 * Ticks are run by hand except where the test is of the clock itself. */
#include "config.h"

#include "lib/loop.h"
#include "tdm/loopback.h"
#include "testutil.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

struct side {
	int ticks, frames, alarm_changes;
	unsigned alarms;
	uint8_t last_frame[TDM_MAX_FRAME];
	size_t last_len;
};

static void on_tick(void *arg, struct tdm_span *s)
{
	(void)s;
	((struct side *)arg)->ticks++;
}

static void on_frame(void *arg, struct tdm_span *s, const uint8_t *f, size_t len)
{
	struct side *d = arg;

	(void)s;
	d->frames++;
	memcpy(d->last_frame, f, len);
	d->last_len = len;
}

static void on_alarm(void *arg, struct tdm_span *s, unsigned alarms)
{
	struct side *d = arg;

	(void)s;
	d->alarms = alarms;
	d->alarm_changes++;
}

static const struct tdm_span_ops side_ops = {on_tick, on_frame, on_alarm};

static uint8_t pattern(unsigned ts, unsigned tick, size_t i)
{
	return (uint8_t)(ts * 37u + tick * 11u + (unsigned)i * 3u + (ts ^ tick));
}

static void write_pattern(struct tdm_span *s, unsigned tick, unsigned salt)
{
	uint8_t b[TDM_MAX_BLOCK_MS * TDM_BYTES_PER_MS];

	for (unsigned ts = 1; ts <= 31; ts++) {
		if ((int)ts == s->cfg.dchan)
			continue;
		for (size_t i = 0; i < s->block; i++)
			b[i] = pattern(ts + salt, tick, i);
		assert_int_equal(tdm_chan_write(s, ts, b, s->block), 0);
	}
}

/* Every B timeslot of s holds the pattern written for tick. */
static bool check_pattern(struct tdm_span *s, unsigned tick, unsigned salt)
{
	uint8_t b[TDM_MAX_BLOCK_MS * TDM_BYTES_PER_MS];

	for (unsigned ts = 1; ts <= 31; ts++) {
		if ((int)ts == s->cfg.dchan)
			continue;
		assert_int_equal(tdm_chan_read(s, ts, b, s->block), 0);
		for (size_t i = 0; i < s->block; i++)
			if (b[i] != pattern(ts + salt, tick, i))
				return false;
	}
	return true;
}

struct pair {
	struct loop *loop;
	struct tdm_span *a, *b;
	struct side sa, sb;
};

static void pair_open(struct pair *p, unsigned block_ms)
{
	struct tdm_span_config ca, cb;

	memset(p, 0, sizeof(*p));
	tdm_span_config_default(&ca, 1, TDM_E1);
	tdm_span_config_default(&cb, 2, TDM_E1);
	ca.block_ms = cb.block_ms = block_ms;
	assert_int_equal(loop_new(&p->loop), 0);
	assert_int_equal(tdm_lb_pair_new(p->loop, &ca, &side_ops, &p->sa, &cb, &side_ops, &p->sb, &p->a, &p->b), 0);
}

static void pair_close(struct pair *p)
{
	tdm_span_close(p->a);
	tdm_span_close(p->b);
	loop_free(p->loop);
}

static void pattern_crosses_both_ways(void **state)
{
	struct pair p;
	uint8_t b[160];

	(void)state;
	pair_open(&p, 20);
	tdm_lb_manual_clock(p.a);
	for (unsigned t = 1; t <= 50; t++) {
		write_pattern(p.a, t, 0);
		write_pattern(p.b, t, 100);
		tdm_lb_tick(p.a);
		/* what was written before tick t is there after tick t */
		if (!check_pattern(p.b, t, 0) || !check_pattern(p.a, t, 100))
			fail_msg("tick %u: a timeslot did not arrive bit-exact", t);
	}
	assert_int_equal(p.sa.ticks, 50);
	assert_int_equal(p.sb.ticks, 50);
	/* nothing written: the far end hears A-law idle */
	tdm_lb_tick(p.a);
	assert_int_equal(tdm_chan_read(p.b, 1, b, sizeof(b)), 0);
	for (size_t i = 0; i < sizeof(b); i++)
		assert_int_equal(b[i], 0xd5);
	/* the D-channel timeslot and sizes other than the block are refused */
	assert_int_equal(tdm_chan_write(p.a, 16, b, sizeof(b)), -EINVAL);
	assert_int_equal(tdm_chan_write(p.a, 1, b, 80), -EINVAL);
	assert_int_equal(tdm_chan_read(p.a, 32, b, sizeof(b)), -EINVAL);
	pair_close(&p);
}

static void added_delay_and_slips(void **state)
{
	struct pair p;
	struct tdm_impair imp = {.delay_blocks = 3};

	(void)state;
	pair_open(&p, 10);
	tdm_lb_manual_clock(p.a);
	assert_int_equal(tdm_lb_impair(p.a, &imp), 0);
	for (unsigned t = 1; t <= 20; t++) {
		write_pattern(p.a, t, 0);
		tdm_lb_tick(p.a);
		if (t > 3 && !check_pattern(p.b, t - 3, 0))
			fail_msg("tick %u: expected the block of tick %u", t, t - 3);
	}
	/* a slip every 5 ticks at B's receiver: counted, the block repeats */
	imp = (struct tdm_impair){0};
	assert_int_equal(tdm_lb_impair(p.a, &imp), 0);
	imp.slip_every = 5;
	assert_int_equal(tdm_lb_impair(p.b, &imp), 0);
	for (unsigned t = 1; t <= 20; t++) {
		write_pattern(p.a, t, 0);
		tdm_lb_tick(p.a);
	}
	assert_int_equal(p.b->counters.slips, 4);
	assert_int_equal(p.a->counters.slips, 0);
	pair_close(&p);
}

static void hdlc_frames_cross_and_bad_fcs_is_dropped(void **state)
{
	struct pair p;
	struct tdm_impair imp = {.bad_fcs_every = 3};
	uint8_t f[64];

	(void)state;
	pair_open(&p, 20);
	tdm_lb_manual_clock(p.a);
	for (size_t i = 0; i < sizeof(f); i++)
		f[i] = (uint8_t)(0x40 + i);
	/* 2 FCS slot bytes whose value does not matter on the way out */
	f[20] = f[21] = 0;
	assert_int_equal(tdm_dframe_send(p.a, f, 22), 0);
	tdm_lb_tick(p.a);
	assert_int_equal(p.sb.frames, 1);
	assert_int_equal(p.sb.last_len, 22);
	assert_memory_equal(p.sb.last_frame, f, 20);
	assert_true(tdm_fcs_ok(p.sb.last_frame, 22));
	/* and back */
	assert_int_equal(tdm_dframe_send(p.b, f, 10), 0);
	tdm_lb_tick(p.a);
	assert_int_equal(p.sa.frames, 1);
	assert_memory_equal(p.sa.last_frame, f, 8);
	/* every third frame corrupted on the line: counted at B, dropped */
	assert_int_equal(tdm_lb_impair(p.a, &imp), 0);
	for (int i = 0; i < 9; i++) {
		assert_int_equal(tdm_dframe_send(p.a, f, 30), 0);
		tdm_lb_tick(p.a);
	}
	assert_int_equal(p.sb.frames, 1 + 6);
	assert_int_equal(p.b->counters.hdlc_bad_fcs, 3);
	assert_int_equal(p.a->counters.hdlc_tx, 10);
	/* frames that cannot be D-channel frames */
	assert_int_equal(tdm_dframe_send(p.a, f, 2), -EINVAL);
	/* the known FCS of "123456789" (CRC-16/X.25 check value 0x906e) */
	assert_int_equal(tdm_fcs16((const uint8_t *)"123456789", 9), 0x906e);
	pair_close(&p);
}

static void dchan_serialisation_delay(void **state)
{
	struct pair p;
	struct tdm_impair imp = {.dchan_serialise = true};
	uint8_t f[260] = {0x02, 0x01};

	(void)state;
	pair_open(&p, 1);
	tdm_lb_manual_clock(p.a);
	assert_int_equal(tdm_lb_impair(p.a, &imp), 0);
	/* 260 bytes at 64 kbit/s take 32.5 ms: not there after 30 ticks of 1 ms */
	assert_int_equal(tdm_dframe_send(p.a, f, sizeof(f)), 0);
	for (int i = 0; i < 30; i++)
		tdm_lb_tick(p.a);
	assert_int_equal(p.sb.frames, 0);
	for (int i = 0; i < 10; i++)
		tdm_lb_tick(p.a);
	assert_int_equal(p.sb.frames, 1);
	pair_close(&p);
}

static void unplug_and_replug(void **state)
{
	struct pair p;
	uint8_t f[10] = {1, 2, 3};

	(void)state;
	pair_open(&p, 20);
	tdm_lb_manual_clock(p.a);
	tdm_lb_unplug(p.a);
	assert_int_equal(p.sa.alarms, TDM_ALARM_RED);
	assert_int_equal(p.sb.alarms, TDM_ALARM_RED); /* the far end sees it too */
	write_pattern(p.a, 1, 0);
	tdm_dframe_send(p.a, f, sizeof(f));
	tdm_lb_tick(p.a);
	assert_false(check_pattern(p.b, 1, 0)); /* nothing crosses */
	assert_int_equal(p.sb.frames, 0);
	tdm_lb_replug(p.a);
	assert_int_equal(p.sa.alarms, 0);
	assert_int_equal(p.sb.alarms, 0);
	assert_int_equal(p.sb.alarm_changes, 2);
	write_pattern(p.a, 2, 0);
	tdm_lb_tick(p.a);
	assert_true(check_pattern(p.b, 2, 0));
	pair_close(&p);
}

static void the_clock_ticks_on_its_own(void **state)
{
	struct pair p;

	(void)state;
	pair_open(&p, 5);
	/* bounded: 200 turns of at most 50 ms */
	for (int i = 0; i < 200 && p.sa.ticks < 20; i++)
		loop_run_once(p.loop, 50);
	assert_true(p.sa.ticks >= 20);
	assert_int_equal(p.sa.ticks, p.sb.ticks);
	pair_close(&p);
}

/* ---- two processes --------------------------------------------------------------- */

struct remote_side {
	struct side d;
	unsigned sent, good, bad;
	unsigned last_seq;
	unsigned salt_out, salt_in;
};

/* Blocks carry their sequence number in the first 4 bytes of every
 * timeslot, the pattern after: each block checks itself. */
static void remote_tick(void *arg, struct tdm_span *s)
{
	struct remote_side *r = arg;
	uint8_t b[TDM_MAX_BLOCK_MS * TDM_BYTES_PER_MS];
	unsigned seq = 0;
	bool ok = true, any = false;

	r->d.ticks++;
	for (unsigned ts = 1; ts <= s->nts; ts++) {
		if ((int)ts == s->cfg.dchan)
			continue;
		tdm_chan_read(s, ts, b, s->block);
		if (b[0] == 0xd5 && b[1] == 0xd5)
			continue; /* idle: the peer has not started or a gap */
		any = true;
		if (ts == 1)
			memcpy(&seq, b, 4);
		for (size_t i = 4; i < s->block; i++)
			ok &= b[i] == pattern(ts + r->salt_in, seq, i);
	}
	if (any && ok && seq != r->last_seq)
		r->good++;
	else if (any && !ok)
		r->bad++;
	r->last_seq = seq;
	r->sent++;
	for (unsigned ts = 1; ts <= s->nts; ts++) {
		if ((int)ts == s->cfg.dchan)
			continue;
		memcpy(b, &r->sent, 4);
		for (size_t i = 4; i < s->block; i++)
			b[i] = pattern(ts + r->salt_out, r->sent, i);
		tdm_chan_write(s, ts, b, s->block);
	}
}

static const struct tdm_span_ops remote_ops = {remote_tick, on_frame, on_alarm};

/* Run one end until it saw `want` good blocks (and a frame) or 5 s pass. */
static void run_end(struct loop *loop, struct remote_side *r, unsigned want)
{
	for (int i = 0; i < 500 && (r->good < want || r->d.frames < 1); i++)
		loop_run_once(loop, 10);
}

static void across_two_processes(void **state)
{
	int sv[2], status;
	pid_t pid;
	struct tdm_span_config c;
	struct loop *loop;
	struct tdm_span *s;
	struct remote_side r = {.salt_out = 0, .salt_in = 50};
	uint8_t f[12] = {0x00, 0x01, 0x7f};

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		/* the other gateway: span 2, its own loop and clock */
		struct remote_side rr = {.salt_out = 50, .salt_in = 0};
		int rc = 1;

		close(sv[0]);
		tdm_span_config_default(&c, 2, TDM_E1);
		c.block_ms = 5;
		if (loop_new(&loop) == 0 && tdm_lb_remote_new(loop, sv[1], &c, &remote_ops, &rr, &s) == 0) {
			tdm_dframe_send(s, f, sizeof(f));
			run_end(loop, &rr, 100);
			/* then wait (bounded) for the parent's unplug: red alarm */
			for (int i = 0; i < 300 && !(rr.d.alarms & TDM_ALARM_RED); i++)
				loop_run_once(loop, 10);
			rc = rr.good >= 100 && rr.bad == 0 && rr.d.frames >= 1 &&
					     (rr.d.alarms & TDM_ALARM_RED)
				     ? 0 : 10 + (rr.good < 100) + 2 * (rr.bad > 0) + 4 * (rr.d.frames < 1);
			tdm_span_close(s);
			loop_free(loop);
		}
		_exit(rc);
	}
	close(sv[1]);
	tdm_span_config_default(&c, 1, TDM_E1);
	c.block_ms = 5;
	assert_int_equal(loop_new(&loop), 0);
	assert_int_equal(tdm_lb_remote_new(loop, sv[0], &c, &remote_ops, &r, &s), 0);
	tdm_dframe_send(s, f, sizeof(f));
	run_end(loop, &r, 100);
	assert_true(r.good >= 100);
	assert_int_equal(r.bad, 0);
	assert_true(r.d.frames >= 1);
	assert_memory_equal(r.d.last_frame, f, sizeof(f) - 2);
	/* pull the cable on our side: we go red at once, the child soon */
	tdm_lb_unplug(s);
	assert_int_equal(r.d.alarms, TDM_ALARM_RED);
	for (int i = 0; i < 300; i++) {
		loop_run_once(loop, 10);
		if (waitpid(pid, &status, WNOHANG) == pid)
			break;
	}
	if (waitpid(pid, &status, WNOHANG) == 0) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		fail_msg("the other process did not finish");
	}
	tdm_span_close(s);
	loop_free(loop);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		fail_msg("the other process saw the cable wrong (exit %d)", WEXITSTATUS(status));
}

static void config_checks(void **state)
{
	struct tdm_span_config c;
	char why[96];

	(void)state;
	tdm_span_config_default(&c, 1, TDM_E1);
	assert_int_equal(tdm_span_config_check(&c, why, sizeof(why)), 0);
	c.dchan = 32;
	assert_int_equal(tdm_span_config_check(&c, why, sizeof(why)), -EINVAL);
	assert_string_equal(why, "E1 has timeslots 1-31; dchan 32");
	tdm_span_config_default(&c, 1, TDM_T1);
	c.coding = TDM_CODING_HDB3;
	assert_int_equal(tdm_span_config_check(&c, why, sizeof(why)), -EINVAL);
	assert_string_equal(why, "line coding hdb3 does not go with T1");
	tdm_span_config_default(&c, 1, TDM_T1);
	c.block_ms = 21;
	assert_int_equal(tdm_span_config_check(&c, why, sizeof(why)), -EINVAL);
	tdm_alarm_text(TDM_ALARM_RED | TDM_ALARM_YELLOW, why, sizeof(why));
	assert_string_equal(why, "RED YELLOW");
	tdm_alarm_text(0, why, sizeof(why));
	assert_string_equal(why, "OK");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		SGW_TEST(pattern_crosses_both_ways),
		SGW_TEST(added_delay_and_slips),
		SGW_TEST(hdlc_frames_cross_and_bad_fcs_is_dropped),
		SGW_TEST(dchan_serialisation_delay),
		SGW_TEST(unplug_and_replug),
		SGW_TEST(the_clock_ticks_on_its_own),
		SGW_TEST(across_two_processes),
		SGW_TEST(config_checks),
	};
	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests_name("tdm/loopback", tests, NULL, NULL);
}
