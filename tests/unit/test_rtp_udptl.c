/* test_rtp_udptl.c: UDPTL packets (rtp/udptl.c): the octets on the wire,
 * redundancy bringing lost packets back in order, the peer's datagram
 * limit, FEC packets, and malformed datagrams refused whole. */
#include "config.h"

#include "rtp/udptl.h"
#include "testutil.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

struct got {
	uint16_t seq[64];
	uint8_t first[64];
	size_t len[64];
	unsigned n;
};

static void collect(void *arg, const uint8_t *ifp, size_t len, uint16_t seq)
{
	struct got *g = arg;

	if (g->n < 64) {
		g->seq[g->n] = seq;
		g->first[g->n] = ifp[0];
		g->len[g->n++] = len;
	}
}

/* what T.38 clause 9 puts on the wire: sequence number, the primary as an
 * open type, "secondary IFP packets" and their count, newest first */
static void wire_format(void **state)
{
	struct udptl_tx tx;
	uint8_t out[64];
	const uint8_t a[] = {0x00, 0x01}, b[] = {0x40, 0x02, 0x03};
	const uint8_t first[] = {0x00, 0x00, 0x02, 0x00, 0x01, 0x00, 0x00};
	const uint8_t second[] = {0x00, 0x01, 0x03, 0x40, 0x02, 0x03, 0x00, 0x01, 0x02, 0x00, 0x01};

	(void)state;
	udptl_tx_init(&tx, 2, 0);
	assert_int_equal(udptl_encode(&tx, a, sizeof(a), out, sizeof(out)), sizeof(first));
	assert_memory_equal(out, first, sizeof(first));
	assert_int_equal(udptl_encode(&tx, b, sizeof(b), out, sizeof(out)), sizeof(second));
	assert_memory_equal(out, second, sizeof(second));
}

/* packets 1 and 2 lost: packet 3's redundancy (depth 3) gives them back
 * before it, in order; a duplicate and a late packet give nothing */
static void redundancy_recovers_in_order(void **state)
{
	struct udptl_tx tx;
	struct udptl_rx rx;
	struct got got = {0};
	uint8_t pkt[5][64];
	int len[5];

	(void)state;
	udptl_tx_init(&tx, 3, 0);
	udptl_rx_init(&rx);
	for (int i = 0; i < 5; i++) {
		uint8_t ifp[3] = {(uint8_t)(0x10 + i), 0x55, 0xaa};

		assert_true((len[i] = udptl_encode(&tx, ifp, sizeof(ifp), pkt[i], sizeof(pkt[i]))) > 0);
	}
	assert_int_equal(udptl_decode(&rx, pkt[0], (size_t)len[0], collect, &got), 0);
	assert_int_equal(udptl_decode(&rx, pkt[3], (size_t)len[3], collect, &got), 0);
	assert_int_equal(udptl_decode(&rx, pkt[3], (size_t)len[3], collect, &got), 0);
	assert_int_equal(udptl_decode(&rx, pkt[2], (size_t)len[2], collect, &got), 0);
	assert_int_equal(udptl_decode(&rx, pkt[4], (size_t)len[4], collect, &got), 0);
	assert_int_equal(got.n, 5);
	for (unsigned i = 0; i < 5; i++) {
		assert_int_equal(got.seq[i], i);
		assert_int_equal(got.first[i], 0x10 + i);
		assert_int_equal(got.len[i], 3);
	}
	assert_int_equal(rx.st.recovered, 2);
	assert_int_equal(rx.st.dropped, 2);
	assert_int_equal(rx.st.lost, 0);
}

/* a gap longer than the redundancy: what it holds comes back, the rest is
 * counted lost */
static void gap_beyond_redundancy(void **state)
{
	struct udptl_tx tx;
	struct udptl_rx rx;
	struct got got = {0};
	uint8_t pkt[64];
	int n = 0;
	const uint8_t ifp[2] = {0x7f, 0x01};

	(void)state;
	udptl_tx_init(&tx, 2, 0);
	udptl_rx_init(&rx);
	for (int i = 0; i < 6; i++) {
		n = udptl_encode(&tx, ifp, sizeof(ifp), pkt, sizeof(pkt));
		if (i == 0)
			assert_int_equal(udptl_decode(&rx, pkt, (size_t)n, collect, &got), 0);
	}
	assert_int_equal(udptl_decode(&rx, pkt, (size_t)n, collect, &got), 0); /* seq 5: 1-4 missed */
	assert_int_equal(got.n, 4);
	assert_int_equal(got.seq[1], 3);
	assert_int_equal(got.seq[2], 4);
	assert_int_equal(got.seq[3], 5);
	assert_int_equal(rx.st.lost, 2);
	assert_int_equal(rx.st.recovered, 2);
}

/* the peer's T38FaxMaxDatagram: redundancy shrinks to fit; an IFP packet
 * that alone does not fit is refused; 200-octet packets take two-octet
 * lengths */
static void datagram_limit(void **state)
{
	struct udptl_tx tx;
	struct udptl_rx rx;
	struct got got = {0};
	uint8_t ifp[200], out[UDPTL_MAX_PACKET];
	int n;

	(void)state;
	memset(ifp, 0x33, sizeof(ifp));
	udptl_tx_init(&tx, 3, 450);
	udptl_rx_init(&rx);
	for (int i = 0; i < 4; i++) {
		ifp[0] = (uint8_t)i;
		n = udptl_encode(&tx, ifp, sizeof(ifp), out, sizeof(out));
		assert_true(n > 0 && n <= 450);
		assert_int_equal(udptl_decode(&rx, out, (size_t)n, collect, &got), 0);
	}
	assert_int_equal(n, 2 + 2 + 200 + 1 + 1 + 2 + 200); /* one secondary fits */
	assert_int_equal(got.n, 4);
	assert_int_equal(got.len[3], 200);
	udptl_tx_init(&tx, 3, 100);
	assert_int_equal(udptl_encode(&tx, ifp, sizeof(ifp), out, sizeof(out)), -EMSGSIZE);
}

/* a peer that uses FEC anyway: its primaries still arrive */
static void fec_packets_give_their_primary(void **state)
{
	struct udptl_rx rx;
	struct got got = {0};
	const uint8_t fec[] = {0x00, 0x07, 0x02, 0xd0, 0x01, 0x80, 0x01, 0x03, 0x01, 0x02, 0xaa, 0xbb};

	(void)state;
	udptl_rx_init(&rx);
	assert_int_equal(udptl_decode(&rx, fec, sizeof(fec), collect, &got), 0);
	assert_int_equal(got.n, 1);
	assert_int_equal(got.seq[0], 7);
	assert_int_equal(got.first[0], 0xd0);
	assert_int_equal(rx.st.fec, 1);
}

/* truncated, overlong, fragmented, empty primary, trailing octets: each
 * refused whole, nothing handed on, the receiver unchanged */
static void malformed_refused(void **state)
{
	struct udptl_rx rx;
	struct got got = {0};
	static const struct {
		uint8_t p[12];
		size_t len;
	} bad[] = {
		{{0x00}, 1},
		{{0x00, 0x01, 0x05, 0x01, 0x02}, 5},
		{{0x00, 0x01, 0xc1, 0x01, 0x02, 0x00, 0x00}, 7},
		{{0x00, 0x01, 0x00, 0x00, 0x00}, 5},
		{{0x00, 0x01, 0x01, 0x09, 0x00, 0x00, 0x77}, 7},
		{{0x00, 0x01, 0x01, 0x09, 0x00, 0x02, 0x01, 0x05}, 8},
		{{0x00, 0x01, 0x01, 0x09}, 4},
		{{0x00, 0x01, 0x01, 0x09, 0x80, 0x00, 0x00}, 7},
	};

	(void)state;
	udptl_rx_init(&rx);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(udptl_decode(&rx, bad[i].p, bad[i].len, collect, &got), -EBADMSG);
	assert_int_equal(got.n, 0);
	assert_int_equal(rx.st.malformed, sizeof(bad) / sizeof(bad[0]));
	assert_false(rx.started);
}

/* sequence numbers wrap at 65536 without a gap */
static void sequence_wraps(void **state)
{
	struct udptl_tx tx;
	struct udptl_rx rx;
	struct got got = {0};
	uint8_t out[64];
	const uint8_t ifp[1] = {0x01};

	(void)state;
	udptl_tx_init(&tx, 1, 0);
	udptl_rx_init(&rx);
	tx.seq = 65534;
	for (int i = 0; i < 4; i++) {
		int n = udptl_encode(&tx, ifp, sizeof(ifp), out, sizeof(out));

		assert_int_equal(udptl_decode(&rx, out, (size_t)n, collect, &got), 0);
	}
	assert_int_equal(got.n, 4);
	assert_int_equal(got.seq[3], 1);
	assert_int_equal(rx.st.dropped + rx.st.lost, 0);
}

static uint64_t wrong_source(const struct udptl_session *s)
{
	struct udptl_session_stats st;

	udptl_session_stats(s, &st);
	return st.wrong_source;
}

static void local_v4(struct sockaddr_storage *ss, uint16_t port)
{
	struct sockaddr_in *a = (struct sockaddr_in *)ss;

	memset(ss, 0, sizeof(*ss));
	a->sin_family = AF_INET;
	a->sin_port = htons(port);
	inet_pton(AF_INET, "127.0.0.1", &a->sin_addr);
}

/* two sessions over loopback: IFP packets arrive in order; a stranger's
 * well-formed datagrams (before the peer is known, and from another port
 * once it is) are dropped and counted, never handed to T.38 */
static void sessions_over_loopback(void **state)
{
	struct loop *lp;
	struct udptl_session *a, *b;
	struct sockaddr_storage local, to_a, to_b;
	struct got got_a = {0}, got_b = {0};
	struct udptl_session_stats st;
	struct udptl_tx stx;
	uint8_t pkt[64];
	const uint8_t ifp[3] = {0x22, 0x01, 0x02};
	int stranger, n;

	(void)state;
	assert_int_equal(loop_new(&lp), 0);
	local_v4(&local, 0);
	assert_int_equal(udptl_session_new(lp, &local, 0, 0, collect, &got_a, &a), 0);
	assert_int_equal(udptl_session_new(lp, &local, 0, 0, collect, &got_b, &b), 0);
	assert_true(udptl_session_port(a) >= 30000 && udptl_session_port(a) % 2 == 0);
	assert_true((stranger = socket(AF_INET, SOCK_DGRAM, 0)) >= 0);
	local_v4(&to_a, udptl_session_port(a));
	local_v4(&to_b, udptl_session_port(b));
	udptl_tx_init(&stx, 0, 0);
	n = udptl_encode(&stx, ifp, sizeof(ifp), pkt, sizeof(pkt));
	/* b does not know its peer yet: the stranger's packet is dropped */
	assert_true(sendto(stranger, pkt, (size_t)n, 0, (struct sockaddr *)&to_b, sizeof(struct sockaddr_in)) == n);
	SGW_RUN_UNTIL(lp, wrong_source(b) == 1, 2000);
	assert_int_equal(wrong_source(b), 1);
	assert_int_equal(udptl_session_send(a, ifp, sizeof(ifp), 1), -ENOTCONN);
	assert_int_equal(udptl_session_set_remote(a, (struct sockaddr *)&to_b, sizeof(struct sockaddr_in), 400, 3), 0);
	assert_int_equal(udptl_session_set_remote(b, (struct sockaddr *)&to_a, sizeof(struct sockaddr_in), 400, 3), 0);
	for (int i = 0; i < 3; i++) {
		uint8_t p[2] = {(uint8_t)(0x30 + i), 0x00};

		assert_int_equal(udptl_session_send(a, p, sizeof(p), i == 2 ? 3 : 1), 0);
	}
	SGW_RUN_UNTIL(lp, got_b.n == 3, 2000);
	/* latched to a: the stranger's next packet goes nowhere */
	n = udptl_encode(&stx, ifp, sizeof(ifp), pkt, sizeof(pkt));
	assert_true(sendto(stranger, pkt, (size_t)n, 0, (struct sockaddr *)&to_b, sizeof(struct sockaddr_in)) == n);
	assert_int_equal(udptl_session_send(b, ifp, sizeof(ifp), 1), 0);
	SGW_RUN_UNTIL(lp, got_a.n == 1 && wrong_source(b) == 2, 2000);
	assert_int_equal(got_b.n, 3);
	for (unsigned i = 0; i < 3; i++) {
		assert_int_equal(got_b.seq[i], i);
		assert_int_equal(got_b.first[i], 0x30 + i);
	}
	assert_int_equal(got_a.n, 1);
	udptl_session_stats(b, &st);
	assert_int_equal(st.wrong_source, 2);
	assert_int_equal(st.rx.dropped, 2); /* the repeats of the third */
	assert_int_equal(st.sent, 1);
	udptl_session_stats(a, &st);
	assert_int_equal(st.sent, 5);
	close(stranger);
	udptl_session_free(a);
	udptl_session_free(b);
	loop_free(lp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		SGW_TEST(wire_format),
		SGW_TEST(redundancy_recovers_in_order),
		SGW_TEST(gap_beyond_redundancy),
		SGW_TEST(datagram_limit),
		SGW_TEST(fec_packets_give_their_primary),
		SGW_TEST(malformed_refused),
		SGW_TEST(sequence_wraps),
		SGW_TEST(sessions_over_loopback),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
