/* DTLS-SRTP between two endpoints of ours: a handshake in memory gives
 * both sides the same SRTP keys (one side's sending key is the other's
 * receiving key); over UDP between two RTP sessions the handshake runs on
 * the media port, SRTP comes on at both ends and audio flows encrypted;
 * a peer whose certificate does not match the SDP fingerprint is refused;
 * a lost flight is retransmitted on GnuTLS's timer. */
#include "config.h"

#include "lib/loop.h"
#include "rtp/dtls.h"
#include "rtp/session.h"
#include "rtp_test.h"
#include "testutil.h"

#include <arpa/inet.h>
#include <errno.h>

static struct loop *loop;

#define RUN_UNTIL(cond, ms) SGW_RUN_UNTIL(loop, cond, ms)

/* ---- in memory ------------------------------------------------------------------ */

struct mem_end {
	struct rtp_dtls *d, *peer_d;
	struct mem_end *peer;
	int status, done;
	enum rtp_srtp_suite suite;
	uint8_t tx[RTP_SRTP_MAX_KEY], rx[RTP_SRTP_MAX_KEY];
	unsigned drop_first; /* records to lose before delivering */
	uint8_t q[16][2048];
	size_t qlen[16];
	unsigned nq;
};

static int mem_send(void *arg, const uint8_t *buf, size_t len)
{
	struct mem_end *e = arg;

	if (e->drop_first) {
		e->drop_first--;
		return 0;
	}
	if (e->peer->nq < 16 && len <= 2048) {
		memcpy(e->peer->q[e->peer->nq], buf, len);
		e->peer->qlen[e->peer->nq++] = len;
	}
	return 0;
}

static void mem_done(void *arg, int status, enum rtp_srtp_suite suite, const uint8_t *tx,
		     const uint8_t *rx)
{
	struct mem_end *e = arg;

	e->done++;
	e->status = status;
	e->suite = suite;
	if (!status) {
		memcpy(e->tx, tx, rtp_srtp_key_len(suite));
		memcpy(e->rx, rx, rtp_srtp_key_len(suite));
	}
}

static const struct rtp_dtls_ops mem_ops = {mem_send, mem_done};

static void deliver(struct mem_end *e)
{
	unsigned n = e->nq;

	e->nq = 0;
	for (unsigned i = 0; i < n; i++)
		rtp_dtls_input(e->d, e->q[i], e->qlen[i]);
}

static void keys_agree_in_memory(void **state)
{
	struct rtp_dtls_cert *ca, *cb;
	struct mem_end a = {0}, b = {0};

	(void)state;
	assert_int_equal(loop_new(&loop), 0);
	assert_int_equal(rtp_dtls_cert_new(&ca), 0);
	assert_int_equal(rtp_dtls_cert_new(&cb), 0);
	assert_int_equal(strlen(rtp_dtls_cert_fingerprint(ca)), 95);
	assert_string_not_equal(rtp_dtls_cert_fingerprint(ca), rtp_dtls_cert_fingerprint(cb));
	a.peer = &b;
	b.peer = &a;
	a.drop_first = 1; /* the first ClientHello is lost: the timer sends it again */
	assert_int_equal(rtp_dtls_new(loop, cb, false, rtp_dtls_cert_fingerprint(ca), &mem_ops, &b, &b.d), 0);
	assert_int_equal(rtp_dtls_new(loop, ca, true, rtp_dtls_cert_fingerprint(cb), &mem_ops, &a, &a.d), 0);
	for (uint64_t end = sgw_now_ms() + 10000; !(a.done && b.done) && sgw_now_ms() < end;) {
		deliver(&b);
		deliver(&a);
		loop_run_once(loop, 10);
	}
	assert_int_equal(a.done, 1);
	assert_int_equal(b.done, 1);
	assert_int_equal(a.status, 0);
	assert_int_equal(b.status, 0);
	assert_int_equal(a.suite, RTP_SRTP_AES_CM_128_HMAC_SHA1_80);
	assert_memory_equal(a.tx, b.rx, 30);
	assert_memory_equal(a.rx, b.tx, 30);
	assert_memory_not_equal(a.tx, a.rx, 30);
	assert_true(rtp_dtls_done(a.d) && rtp_dtls_done(b.d));
	rtp_dtls_free(a.d);
	rtp_dtls_free(b.d);
	/* a fingerprint of the wrong length is refused at once */
	assert_int_equal(rtp_dtls_new(loop, ca, true, "AB:CD", &mem_ops, &a, &a.d), -EINVAL);
	rtp_dtls_cert_free(ca);
	rtp_dtls_cert_free(cb);
	loop_free(loop);
}

/* ---- over UDP, in RTP sessions ---------------------------------------------------- */

struct ep {
	struct rtp_session *s;
	int secured, status;
};

static void ep_secured(void *arg, int status)
{
	struct ep *e = arg;

	e->secured++;
	e->status = status;
}

static const struct rtp_session_ops ep_ops = {.secured = ep_secured};

static void ep_open(struct ep *e)
{
	struct rtp_session_config c;

	memset(e, 0, sizeof(*e));
	rtp_test_config(&c, 27000, 28999, 400);
	c.rtcp_mux = true;
	assert_int_equal(rtp_session_new(loop, &c, &ep_ops, e, &e->s), 0);
}

static void connect_pair(struct ep *a, struct ep *b)
{
	struct sockaddr_in ta = rtp_test_lo(rtp_session_port(b->s));
	struct sockaddr_in tb = rtp_test_lo(rtp_session_port(a->s));

	rtp_session_set_remote(a->s, (struct sockaddr *)&ta, sizeof(ta), true);
	rtp_session_set_remote(b->s, (struct sockaddr *)&tb, sizeof(tb), true);
}

static void handshake_on_the_media_port(void **state)
{
	struct rtp_dtls_cert *ca, *cb;
	struct ep a, b;
	struct rtp_session_stats st;
	uint8_t pl[160];

	(void)state;
	assert_int_equal(loop_new(&loop), 0);
	assert_int_equal(rtp_dtls_cert_new(&ca), 0);
	assert_int_equal(rtp_dtls_cert_new(&cb), 0);
	ep_open(&a);
	ep_open(&b);
	connect_pair(&a, &b);
	/* b answers with a=setup:passive, a is active */
	assert_int_equal(rtp_session_start_dtls(b.s, cb, false, rtp_dtls_cert_fingerprint(ca)), 0);
	assert_int_equal(rtp_session_start_dtls(a.s, ca, true, rtp_dtls_cert_fingerprint(cb)), 0);
	RUN_UNTIL(a.secured && b.secured, 10000);
	assert_int_equal(a.status, 0);
	assert_int_equal(b.status, 0);
	assert_true(rtp_session_secure(a.s) && rtp_session_secure(b.s));
	memset(pl, 0x55, sizeof(pl));
	for (int i = 0; i < 5; i++)
		assert_int_equal(rtp_session_send(a.s, pl, sizeof(pl), 160, i == 0), 0);
	RUN_UNTIL((rtp_session_get_stats(b.s, &st), st.received == 5), 5000);
	assert_int_equal(st.received, 5);
	assert_int_equal(st.srtp_auth_fail, 0);
	rtp_session_free(a.s);
	rtp_session_free(b.s);
	/* the same, but b expects another certificate than a has */
	ep_open(&a);
	ep_open(&b);
	connect_pair(&a, &b);
	assert_int_equal(rtp_session_start_dtls(b.s, cb, false, rtp_dtls_cert_fingerprint(cb)), 0);
	assert_int_equal(rtp_session_start_dtls(a.s, ca, true, rtp_dtls_cert_fingerprint(cb)), 0);
	RUN_UNTIL(b.secured, 10000);
	assert_int_equal(b.status, -EPERM);
	assert_false(rtp_session_secure(b.s));
	rtp_session_free(a.s);
	rtp_session_free(b.s);
	rtp_dtls_cert_free(ca);
	rtp_dtls_cert_free(cb);
	loop_free(loop);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		SGW_TEST(keys_agree_in_memory),
		SGW_TEST(handshake_on_the_media_port),
	};
	return cmocka_run_group_tests_name("rtp/dtls", tests, NULL, NULL);
}
