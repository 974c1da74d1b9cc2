/* Two RTP sessions of ours on 127.0.0.1 with a shim between them (a UDP
 * relay in this test that loses, reorders, duplicates, tampers with and
 * replays what A sends to B).  What B's jitter buffer gives out is checked
 * frame by frame; RTCP reports carry the loss injected and a round trip;
 * RFC 4733 digits arrive whole with their first packets lost; SRTP with
 * each suite rejects the tampered and the replayed packet; symmetric RTP
 * latches and refuses strangers until the SDP changes; an RTP timeout is
 * reported; sessions run in media worker threads and report back.
 * Every wait is bounded by a deadline. */
#include "config.h"

#include "lib/loop.h"
#include "rtp/session.h"
#include "rtp/worker.h"
#include "rtp_test.h"
#include "testutil.h"

#include <arpa/inet.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>
#include <unistd.h>

#define NPKT 14 /* sent at once: within the jitter buffer's 16 slots */

static struct loop *loop;

/* ---- the shim ----------------------------------------------------------------- */

struct shim {
	int fd;
	uint16_t port;
	struct sockaddr_in a, b; /* A's and B's RTP addresses */
	struct loop_watch w;
	unsigned n;		 /* RTP packets from A so far */
	bool drop[NPKT + 20];
	int swap;		 /* hold this one until the next has gone */
	int dup, tamper, replay; /* replay: resend this one 5 packets later */
	int drop_pt;		 /* drop the first two packets of this payload type */
	unsigned pt_seen;
	uint8_t held[2000], saved[2000];
	size_t held_len, saved_len;
	bool holding;
	uint32_t ts[NPKT + 20]; /* A's packets: timestamps, markers */
	bool marker[NPKT + 20];
};

static struct shim sh;

static void shim_send(struct sockaddr_in *to, const uint8_t *p, size_t len)
{
	assert_true(sendto(sh.fd, p, len, 0, (struct sockaddr *)to, sizeof(*to)) == (ssize_t)len);
}

static void on_shim(struct loop *l, struct loop_watch *w, uint32_t ev)
{
	uint8_t buf[2000];
	struct sockaddr_in from;
	socklen_t fl = sizeof(from);
	ssize_t n;

	(void)l;
	(void)w;
	(void)ev;
	while ((n = recvfrom(sh.fd, buf, sizeof(buf), MSG_DONTWAIT, (struct sockaddr *)&from, &fl)) > 0) {
		size_t len = (size_t)n;
		bool rtcp = len >= 2 && buf[1] >= 200 && buf[1] <= 204;
		bool from_a = from.sin_port == sh.a.sin_port ||
			      ntohs(from.sin_port) == ntohs(sh.a.sin_port) + 1;
		struct sockaddr_in to = from_a ? sh.b : sh.a;
		unsigned i;

		fl = sizeof(from);
		if (rtcp) {
			shim_send(&to, buf, len); /* rtcp-mux: on the RTP port */
			continue;
		}
		if (!from_a) {
			shim_send(&to, buf, len);
			continue;
		}
		i = sh.n++;
		if (i < NPKT + 20 && len >= 12) {
			sh.ts[i] = (uint32_t)buf[4] << 24 | (uint32_t)buf[5] << 16 | (uint32_t)buf[6] << 8 | buf[7];
			sh.marker[i] = buf[1] & 0x80;
		}
		if (sh.drop_pt && (buf[1] & 0x7f) == sh.drop_pt && sh.pt_seen++ < 2)
			continue;
		if (i < sizeof(sh.drop) && sh.drop[i])
			continue;
		if ((int)i == sh.tamper)
			buf[len - 5] ^= 0x40;
		if ((int)i == sh.swap) {
			memcpy(sh.held, buf, len);
			sh.held_len = len;
			sh.holding = true;
			continue;
		}
		if ((int)i == sh.replay) {
			memcpy(sh.saved, buf, len);
			sh.saved_len = len;
		}
		shim_send(&to, buf, len);
		if ((int)i == sh.dup)
			shim_send(&to, buf, len);
		if (sh.holding) {
			shim_send(&to, sh.held, sh.held_len);
			sh.holding = false;
		}
		if (sh.saved_len && (int)i == sh.replay + 5)
			shim_send(&to, sh.saved, sh.saved_len);
	}
}

static void shim_start(void)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t al = sizeof(a);

	memset(&sh, 0, sizeof(sh));
	sh.swap = sh.dup = sh.tamper = sh.replay = -1;
	sh.fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	assert_true(sh.fd >= 0);
	assert_int_equal(bind(sh.fd, (struct sockaddr *)&a, sizeof(a)), 0);
	getsockname(sh.fd, (struct sockaddr *)&a, &al);
	sh.port = ntohs(a.sin_port);
	assert_int_equal(loop_watch_add(loop, &sh.w, sh.fd, EPOLLIN, on_shim, NULL), 0);
}

static void shim_stop(void)
{
	loop_watch_del(loop, &sh.w);
	close(sh.fd);
}

#define lo rtp_test_lo

/* ---- the endpoints ---------------------------------------------------------------- */

struct ep {
	struct rtp_session *s;
	char digits[16];
	uint32_t digit_ms;
	unsigned digit_ends, timeouts, rtcps;
	struct rtcp_info last_rtcp;
};

static struct ep A, B;

static void ep_digit(void *arg, char d, bool start, uint32_t ms)
{
	struct ep *e = arg;

	if (start) {
		size_t n = strlen(e->digits);

		if (n + 1 < sizeof(e->digits))
			e->digits[n] = d;
	} else {
		e->digit_ends++;
		e->digit_ms = ms;
	}
}

static void ep_timeout(void *arg)
{
	((struct ep *)arg)->timeouts++;
}

static void ep_rtcp(void *arg, const struct rtcp_info *info)
{
	struct ep *e = arg;

	e->rtcps++;
	e->last_rtcp = *info;
}

static const struct rtp_session_ops ep_ops = {.digit = ep_digit, .timeout = ep_timeout, .rtcp = ep_rtcp};

#define RUN_UNTIL(cond, ms) SGW_RUN_UNTIL(loop, cond, ms)

static void ep_open(struct ep *e, bool symmetric, unsigned timeout_ms, bool mux)
{
	struct rtp_session_config c;

	memset(e, 0, sizeof(*e));
	rtp_test_config(&c, 21000, 24999, 1200);
	c.pt = 8;
	c.dtmf_pt = 101;
	c.rtcp_mux = mux;
	c.symmetric = symmetric;
	c.timeout_ms = timeout_ms;
	c.rtcp_xr = true;
	c.cname = "test";
	assert_int_equal(rtp_session_new(loop, &c, &ep_ops, e, &e->s), 0);
	assert_int_equal(rtp_session_port(e->s) % 2, 0); /* RTP on an even port */
}

/* A and B, each sending to the shim */
static void pair_open(bool symmetric)
{
	struct sockaddr_in to;

	assert_int_equal(loop_new(&loop), 0);
	shim_start();
	ep_open(&A, symmetric, 0, true);
	ep_open(&B, symmetric, 0, true);
	sh.a = lo(rtp_session_port(A.s));
	sh.b = lo(rtp_session_port(B.s));
	to = lo(sh.port);
	assert_int_equal(rtp_session_set_remote(A.s, (struct sockaddr *)&to, sizeof(to), true), 0);
	assert_int_equal(rtp_session_set_remote(B.s, (struct sockaddr *)&to, sizeof(to), true), 0);
}

static void pair_close(void)
{
	rtp_session_close(A.s);
	rtp_session_close(B.s);
	shim_stop();
	loop_free(loop);
}

/* A sends n G.711 frames whose payload is filled with their number */
static void send_frames(unsigned n)
{
	uint8_t pl[160];

	for (unsigned i = 0; i < n; i++) {
		memset(pl, (int)(i + 1), sizeof(pl));
		assert_int_equal(rtp_session_send(A.s, pl, sizeof(pl), 160, i == 0), 0);
		loop_run_once(loop, 0);
	}
}

/* What B's jitter buffer plays: frame numbers, 0 for a concealed frame. */
static unsigned drain(uint8_t *out, unsigned max)
{
	struct jb_frame f;
	unsigned n = 0;

	for (unsigned g = 0; g < 3 * max && n < max; g++) {
		enum jb_get_result r = rtp_session_get(B.s, &f);

		if (r == JB_FRAME)
			out[n++] = f.data[0];
		else if (r == JB_MISSING)
			out[n++] = 0;
		else if (r == JB_EMPTY && n)
			break;
	}
	return n;
}

static void audio_through_a_bad_network(void **state)
{
	struct rtp_session_stats st;
	uint8_t got[NPKT + 10];
	unsigned n;

	(void)state;
	pair_open(false);
	sh.drop[5] = sh.drop[11] = true;
	sh.swap = 9;
	sh.dup = 12;
	send_frames(NPKT);
	RUN_UNTIL(sh.n == NPKT && (rtp_session_get_stats(B.s, &st), st.received >= NPKT - 1), 5000);
	rtp_session_get_stats(B.s, &st);
	assert_int_equal(st.received, NPKT - 1); /* NPKT - 2 and the duplicate */
	assert_int_equal(st.lost, 2);
	n = drain(got, NPKT);
	assert_int_equal(n, NPKT);
	for (unsigned i = 0; i < NPKT; i++)
		assert_int_equal(got[i], i == 5 || i == 11 ? 0 : i + 1); /* in order, concealed where lost */
	rtp_session_get_stats(B.s, &st);
	assert_int_equal(st.jb.missing, 2);
	/* RTCP: A's SR, then B's RR about A with the loss and LSR/DLSR */
	assert_int_equal(rtp_session_send_rtcp(A.s), 0);
	RUN_UNTIL(B.rtcps == 1, 5000);
	assert_true(B.last_rtcp.sr);
	assert_int_equal(rtp_session_send_rtcp(B.s), 0);
	RUN_UNTIL(A.rtcps == 1, 5000);
	assert_int_equal(A.last_rtcp.nreports, 1);
	assert_int_equal(A.last_rtcp.report[0].ssrc, rtp_session_ssrc(A.s));
	assert_int_equal(A.last_rtcp.report[0].cumulative_lost, 2);
	/* of the 39 packets counted after the first (A.1 probation) */
	assert_int_equal(A.last_rtcp.report[0].fraction_lost, 2 * 256 / (NPKT - 1));
	assert_true(A.last_rtcp.xr);
	assert_true(A.last_rtcp.voip.r_factor > 50 && A.last_rtcp.voip.r_factor <= 93);
	rtp_session_get_stats(A.s, &st);
	assert_true(st.rtt_ms >= 0 && st.rtt_ms < 1000);
	pair_close();
}

/* Silence suppressed (a codec with nothing to say sends nothing): no
 * packet, time goes on, the next talkspurt starts with the marker, and the
 * receiver counts nothing lost. */
static void frames_not_sent_in_silence(void **state)
{
	struct rtp_session_stats st;
	uint8_t pl[20];

	(void)state;
	pair_open(false);
	memset(pl, 0x55, sizeof(pl));
	for (unsigned i = 0; i < 10; i++) {
		bool quiet = i >= 3 && i < 7;

		assert_int_equal(rtp_session_send(A.s, pl, quiet ? 0 : sizeof(pl), 160, i == 0), 0);
		loop_run_once(loop, 0);
	}
	RUN_UNTIL(sh.n == 6 && (rtp_session_get_stats(B.s, &st), st.received >= 6), 5000);
	assert_int_equal(sh.n, 6);
	assert_int_equal(sh.ts[3] - sh.ts[2], 5 * 160); /* four frames of silence between */
	assert_true(sh.marker[0] && !sh.marker[1] && !sh.marker[2] && sh.marker[3] && !sh.marker[4]);
	rtp_session_get_stats(B.s, &st);
	assert_int_equal(st.lost, 0);
	pair_close();
}

static void digits_with_first_packets_lost(void **state)
{
	uint8_t pl[160] = {0};

	(void)state;
	pair_open(false);
	sh.drop_pt = 101;
	assert_int_equal(rtp_session_send_digit(A.s, '5', 100), 0);
	for (int i = 0; i < 12; i++) {
		assert_int_equal(rtp_session_send(A.s, pl, sizeof(pl), 160, false), 0);
		loop_run_once(loop, 0);
	}
	assert_false(rtp_session_sending_digit(A.s));
	RUN_UNTIL(B.digit_ends == 1, 5000);
	assert_string_equal(B.digits, "5");
	assert_int_equal(B.digit_ms, 100);
	assert_int_equal(rtp_session_send_digit(A.s, 'x', 100), -EINVAL);
	pair_close();
}

static void srtp_suite_over_the_wire(enum rtp_srtp_suite suite)
{
	uint8_t ka[RTP_SRTP_MAX_KEY], kb[RTP_SRTP_MAX_KEY], got[16];
	struct rtp_session_stats st;

	pair_open(false);
	rtp_srtp_random_key(suite, ka);
	rtp_srtp_random_key(suite, kb);
	assert_int_equal(rtp_session_set_srtp(A.s, suite, ka, kb), 0);
	assert_int_equal(rtp_session_set_srtp(B.s, suite, kb, ka), 0);
	sh.tamper = 3;
	sh.replay = 4;
	send_frames(12);
	RUN_UNTIL((rtp_session_get_stats(B.s, &st), st.received + st.srtp_auth_fail + st.srtp_replay >= 12),
		  5000);
	rtp_session_get_stats(B.s, &st);
	assert_int_equal(st.srtp_auth_fail, 1); /* the tampered packet */
	assert_int_equal(st.srtp_replay, 1);	/* the replayed one */
	assert_int_equal(st.received, 11);
	assert_int_equal(drain(got, 12), 12);
	assert_int_equal(got[2], 3);
	assert_int_equal(got[3], 0); /* the tampered one never played */
	assert_int_equal(got[4], 5);
	/* SRTCP too */
	assert_int_equal(rtp_session_send_rtcp(A.s), 0);
	RUN_UNTIL(B.rtcps == 1, 5000);
	assert_int_equal(B.rtcps, 1);
	pair_close();
}

static void srtp_every_suite(void **state)
{
	(void)state;
	for (int s = 0; s < RTP_SRTP_SUITES; s++)
		srtp_suite_over_the_wire((enum rtp_srtp_suite)s);
}

static void latching_refuses_strangers(void **state)
{
	struct rtp_session_stats st;
	struct sockaddr_in to;
	uint8_t pkt[172] = {0x80, 8};
	int stranger;

	(void)state;
	pair_open(true);
	send_frames(3);
	RUN_UNTIL((rtp_session_get_stats(B.s, &st), st.received == 3), 5000);
	assert_true(st.latched);
	/* a stranger sends B a well-formed packet: dropped and counted */
	stranger = socket(AF_INET, SOCK_DGRAM, 0);
	to = lo(rtp_session_port(B.s));
	pkt[3] = 99;
	assert_true(sendto(stranger, pkt, sizeof(pkt), 0, (struct sockaddr *)&to, sizeof(to)) > 0);
	RUN_UNTIL((rtp_session_get_stats(B.s, &st), st.wrong_source == 1), 5000);
	assert_int_equal(st.wrong_source, 1);
	assert_int_equal(st.received, 3);
	/* the SDP changes: B latches again, to whoever sends first */
	to = lo(sh.port);
	rtp_session_set_remote(B.s, (struct sockaddr *)&to, sizeof(to), true);
	to = lo(rtp_session_port(B.s));
	pkt[3] = 100;
	assert_true(sendto(stranger, pkt, sizeof(pkt), 0, (struct sockaddr *)&to, sizeof(to)) > 0);
	RUN_UNTIL((rtp_session_get_stats(B.s, &st), st.received == 4), 5000);
	assert_int_equal(st.received, 4);
	close(stranger);
	pair_close();
}

static void rtp_timeout_is_reported_unless_on_hold(void **state)
{
	struct sockaddr_in to;

	(void)state;
	assert_int_equal(loop_new(&loop), 0);
	ep_open(&A, false, 0, false);
	ep_open(&B, false, 300, false);
	to = lo(rtp_session_port(B.s));
	rtp_session_set_remote(A.s, (struct sockaddr *)&to, sizeof(to), false);
	send_frames(3);
	RUN_UNTIL(B.timeouts == 1, 5000);
	assert_int_equal(B.timeouts, 1);
	/* on hold, silence is expected: no timeout */
	rtp_session_set_hold(B.s, true);
	RUN_UNTIL(B.timeouts == 2, 700);
	assert_int_equal(B.timeouts, 1);
	rtp_session_close(A.s);
	rtp_session_close(B.s);
	loop_free(loop);
}

/* ---- media workers ---------------------------------------------------------------- */

struct wctx {
	struct media_worker *w;
	struct ep *e;
	uint16_t peer_port;
	atomic_uint reported;
};

static void w_open(void *arg)
{
	struct wctx *c = arg;
	struct rtp_session_config cfg;

	rtp_test_config(&cfg, 25000, 26999, 400);
	cfg.dtmf_pt = 101;
	if (rtp_session_new(media_worker_loop(c->w), &cfg, &ep_ops, c->e, &c->e->s) == 0)
		media_worker_load(c->w, 1);
}

static void w_connect(void *arg)
{
	struct wctx *c = arg;
	struct sockaddr_in to = lo(c->peer_port);

	rtp_session_set_remote(c->e->s, (struct sockaddr *)&to, sizeof(to), false);
}

static void w_send(void *arg)
{
	struct wctx *c = arg;
	uint8_t pl[160] = {0xff};

	for (int i = 0; i < 10; i++)
		rtp_session_send(c->e->s, pl, sizeof(pl), 160, false);
}

static void reported(void *arg)
{
	atomic_fetch_add(&((struct wctx *)arg)->reported, 1);
}

static void w_check(void *arg)
{
	struct wctx *c = arg;
	struct rtp_session_stats st;

	rtp_session_get_stats(c->e->s, &st);
	if (st.received == 10)
		media_worker_report(c->w, reported, c);
}

static void w_close(void *arg)
{
	struct wctx *c = arg;

	rtp_session_free(c->e->s);
	media_worker_load(c->w, -1);
}

static void sessions_in_media_workers(void **state)
{
	struct media_pool *pool;
	struct wctx ca = {0}, cb = {0};
	uint64_t end;

	(void)state;
	assert_int_equal(loop_new(&loop), 0);
	assert_int_equal(media_pool_new(loop, 2, &pool), 0);
	assert_int_equal(media_pool_size(pool), 2);
	memset(&A, 0, sizeof(A));
	memset(&B, 0, sizeof(B));
	ca.w = media_pool_pick(pool);
	ca.e = &A;
	assert_int_equal(media_worker_run_sync(ca.w, w_open, &ca), 0);
	cb.w = media_pool_pick(pool); /* the other, less loaded, worker */
	cb.e = &B;
	assert_true(cb.w != ca.w);
	assert_int_equal(media_worker_run_sync(cb.w, w_open, &cb), 0);
	assert_non_null(A.s);
	assert_non_null(B.s);
	ca.peer_port = rtp_session_port(B.s);
	cb.peer_port = rtp_session_port(A.s);
	media_worker_run_sync(ca.w, w_connect, &ca);
	media_worker_run_sync(cb.w, w_connect, &cb);
	media_worker_run(ca.w, w_send, &ca);
	/* B's worker reports back to this (signalling) loop once it has all ten */
	end = sgw_now_ms() + 5000;
	while (!atomic_load(&cb.reported) && sgw_now_ms() < end) {
		media_worker_run(cb.w, w_check, &cb);
		loop_run_once(loop, 20);
	}
	assert_int_equal(atomic_load(&cb.reported) >= 1, 1);
	media_worker_run_sync(ca.w, w_close, &ca);
	media_worker_run_sync(cb.w, w_close, &cb);
	assert_int_equal(media_worker_channels(ca.w), 0);
	media_pool_free(pool);
	loop_free(loop);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		SGW_TEST(audio_through_a_bad_network),
		SGW_TEST(frames_not_sent_in_silence),
		SGW_TEST(digits_with_first_packets_lost),
		SGW_TEST(srtp_every_suite),
		SGW_TEST(latching_refuses_strangers),
		SGW_TEST(rtp_timeout_is_reported_unless_on_hold),
		SGW_TEST(sessions_in_media_workers),
	};
	return cmocka_run_group_tests_name("rtp/session", tests, NULL, NULL);
}
