/* test_rtp_udptl.c: UDPTL packets (rtp/udptl.c): the octets on the wire,
 * redundancy bringing lost packets back in order, the peer's datagram
 * limit, FEC packets, and malformed datagrams refused whole. */
#include "config.h"

#include "rtp/udptl.h"
#include "testutil.h"

#include <errno.h>

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
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
