/* RTP and RTCP packets: headers with CSRCs, extension and padding parse
 * back; bad packets are refused; the RFC 3550 A.1 sequence rules (probation,
 * wrap, duplicates, a restarted sender) and A.3 loss counts; A.8 jitter
 * converging to the delay variation fed in; SR/RR/SDES/XR/BYE compound
 * packets round-trip; RTT from LSR/DLSR; the E-model's R and MOS. */
#include "config.h"

#include "rtp/rtcp.h"
#include "rtp/rtp.h"
#include "testutil.h"

#include <errno.h>
#include <math.h>

static void header_round_trip(void **state)
{
	uint8_t buf[200];
	struct rtp_hdr h = {.marker = true, .pt = 8, .seq = 65535, .ts = 0xfffffff0u, .ssrc = 0xdeadbeef,
			    .cc = 2, .csrc = {1, 0x01020304}};
	struct rtp_hdr g;
	int n;

	(void)state;
	n = rtp_write_hdr(buf, sizeof(buf), &h);
	assert_int_equal(n, 20);
	memset(buf + n, 0xd5, 160);
	assert_int_equal(rtp_parse(buf, (size_t)n + 160, &g), 0);
	assert_true(g.marker);
	assert_int_equal(g.pt, 8);
	assert_int_equal(g.seq, 65535);
	assert_int_equal(g.ts, 0xfffffff0u);
	assert_int_equal(g.ssrc, 0xdeadbeef);
	assert_int_equal(g.cc, 2);
	assert_int_equal(g.csrc[1], 0x01020304);
	assert_int_equal(g.payload_len, 160);
	assert_int_equal(g.payload[0], 0xd5);
	assert_int_equal(rtp_write_hdr(buf, 19, &h), -ENOSPC);
}

static void extension_and_padding(void **state)
{
	/* V=2 P=1 X=1 CC=0, pt 0; a one-word extension; 3 bytes payload, 5 padding */
	uint8_t p[] = {0xb0, 0x00, 0x00, 0x01, 0, 0, 0, 160, 0, 0, 0, 7,
		       0xbe, 0xde, 0x00, 0x01, 0x10, 0xaa, 0, 0,
		       1, 2, 3, 0, 0, 0, 0, 5};
	struct rtp_hdr h;

	(void)state;
	assert_int_equal(rtp_parse(p, sizeof(p), &h), 0);
	assert_true(h.extension && h.padding);
	assert_int_equal(h.ext_profile, 0xbede);
	assert_int_equal(h.ext_len, 4);
	assert_int_equal(h.payload_len, 3);
	assert_int_equal(h.payload[2], 3);
	/* padding longer than the payload, a truncated extension, version 1 */
	p[sizeof(p) - 1] = 10;
	assert_int_equal(rtp_parse(p, sizeof(p), &h), -EINVAL);
	assert_int_equal(rtp_parse(p, 17, &h), -EINVAL);
	p[0] = 0x40;
	assert_int_equal(rtp_parse(p, sizeof(p), &h), -EINVAL);
	assert_int_equal(rtp_parse(p, 11, &h), -EINVAL);
}

static void rtcp_on_a_muxed_port(void **state)
{
	uint8_t rr[8] = {0x80, RTCP_RR, 0, 1, 1, 2, 3, 4};
	uint8_t rtp[12] = {0x80, 0x08};
	uint8_t rtp_marker_pt72[12] = {0x80, 0x80 | 72}; /* 200: an SR's value */

	(void)state;
	assert_true(rtp_is_rtcp(rr, sizeof(rr)));
	assert_false(rtp_is_rtcp(rtp, sizeof(rtp)));
	assert_true(rtp_is_rtcp(rtp_marker_pt72, sizeof(rtp_marker_pt72)));
}

static void sequence_rules(void **state)
{
	struct rtp_source s;
	uint16_t seq = 65530;

	(void)state;
	rtp_source_init(&s, 42, seq);
	/* probation: the first packets are not believed yet */
	assert_int_equal(rtp_source_update_seq(&s, seq++), RTP_SEQ_PROBATION);
	assert_int_equal(rtp_source_update_seq(&s, seq++), RTP_SEQ_OK);
	assert_true(s.valid);
	/* across the wrap: 20 packets, every third one lost */
	for (int i = 0; i < 20; i++, seq++)
		if (i % 3)
			assert_int_equal(rtp_source_update_seq(&s, seq), RTP_SEQ_OK);
	assert_int_equal(rtp_source_ext_max(&s), 65536u + (uint16_t)(seq - 1));
	assert_int_equal(rtp_source_expected(&s), 21);
	assert_int_equal(rtp_source_lost(&s), 7);
	assert_int_equal(rtp_source_fraction_lost(&s), 7 * 256 / 21);
	assert_int_equal(rtp_source_fraction_lost(&s), 0); /* a new interval */
	/* a duplicate of the newest is not counted */
	assert_int_equal(rtp_source_update_seq(&s, (uint16_t)(seq - 1)), RTP_SEQ_BAD);
	assert_int_equal(s.duplicates, 1);
	/* a sender that restarted far away: believed on its second packet */
	assert_int_equal(rtp_source_update_seq(&s, 30000), RTP_SEQ_BAD);
	assert_int_equal(rtp_source_update_seq(&s, 30001), RTP_SEQ_RESTART);
	assert_int_equal(rtp_source_update_seq(&s, 30002), RTP_SEQ_OK);
	assert_int_equal(rtp_source_lost(&s), 0);
}

static void jitter_follows_delay_variation(void **state)
{
	struct rtp_source s;
	uint32_t ts = 1000;

	(void)state;
	rtp_source_init(&s, 1, 0);
	/* every other packet 40 units (5 ms at 8 kHz) late: |D| = 40 each time */
	for (int i = 0; i < 400; i++, ts += 160)
		rtp_source_update_jitter(&s, ts + 5000 + (i % 2 ? 40 : 0), ts);
	assert_in_range(rtp_source_jitter(&s), 38, 40);
	/* perfectly paced: it decays towards 0 */
	for (int i = 0; i < 400; i++, ts += 160)
		rtp_source_update_jitter(&s, ts + 5000, ts);
	assert_in_range(rtp_source_jitter(&s), 0, 1);
}

static void compound_round_trip(void **state)
{
	uint8_t buf[300];
	struct rtcp_out o = {.ssrc = 0x11111111, .sender = true, .ntp = 0x0123456789abcdefull,
			     .rtp_ts = 8000, .packets = 50, .octets = 8000, .have_report = true,
			     .report = {0x22222222, 25, -3, 70000, 80, 0x4567, 0x10000},
			     .cname = "gw@127.0.0.1", .xr = true,
			     .voip = {0x22222222, 12, 0, 45, 60, 92, 43, 43, 60, 200}, .bye = true};
	struct rtcp_info in;
	int n;

	(void)state;
	n = rtcp_build(buf, sizeof(buf), &o);
	assert_true(n > 0 && n % 4 == 0);
	assert_int_equal(rtcp_parse(buf, (size_t)n, &in), 0);
	assert_true(in.sr && in.bye && in.xr);
	assert_int_equal(in.ssrc, 0x11111111);
	assert_true(in.ntp == 0x0123456789abcdefull);
	assert_int_equal(in.packets, 50);
	assert_int_equal(in.nreports, 1);
	assert_int_equal(in.report[0].ssrc, 0x22222222);
	assert_int_equal(in.report[0].fraction_lost, 25);
	assert_int_equal(in.report[0].cumulative_lost, -3);
	assert_int_equal(in.report[0].ext_max_seq, 70000);
	assert_int_equal(in.report[0].jitter, 80);
	assert_int_equal(in.report[0].dlsr, 0x10000);
	assert_string_equal(in.cname, "gw@127.0.0.1");
	assert_int_equal(in.voip.r_factor, 92);
	assert_int_equal(in.voip.mos_lq, 43);
	assert_int_equal(in.voip.rtt_ms, 45);
	assert_int_equal(in.voip.jb_max_ms, 200);
	/* §6.1 validity: a compound packet must start with SR or RR; lengths must add up */
	assert_int_equal(rtcp_parse(buf + 52, (size_t)n - 52, &in), -EINVAL);
	assert_int_equal(rtcp_parse(buf, (size_t)n - 4, &in), -EINVAL);
	assert_int_equal(rtcp_build(buf, 20, &o), -ENOSPC);
}

static void round_trip_time(void **state)
{
	uint64_t sent = rtcp_ntp_from_ns(1700000000ull * 1000000000ull);
	uint64_t now = rtcp_ntp_from_ns(1700000000ull * 1000000000ull + 250000000ull);
	/* the peer held our SR for 100 ms before its RR: RTT 150 ms */
	struct rtcp_report r = {.lsr = rtcp_ntp_mid(sent), .dlsr = 65536 / 10};

	(void)state;
	assert_in_range(rtcp_rtt_ms(&r, now), 149, 151);
	r.lsr = 0;
	assert_int_equal(rtcp_rtt_ms(&r, now), -1);
}

static void e_model(void **state)
{
	(void)state;
	/* G.711 with no loss and short delay: R about 93, MOS about 4.4 */
	assert_true(fabs(rtcp_r_factor(0, 25.1, 0, 20) - 92.7) < 0.1);
	assert_true(rtcp_mos(92.7) > 4.3 && rtcp_mos(92.7) < 4.5);
	/* 5 % loss costs G.711 about 15 points; G.729A starts lower */
	assert_true(rtcp_r_factor(0, 25.1, 5, 20) < 80);
	assert_true(rtcp_r_factor(11, 19, 0, 20) < rtcp_r_factor(0, 25.1, 0, 20));
	/* delay beyond 177 ms hurts more */
	assert_true(rtcp_r_factor(0, 25.1, 0, 400) < 70);
	assert_true(rtcp_mos(0) == 1.0 && rtcp_mos(100) == 4.5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		SGW_TEST(header_round_trip),	  SGW_TEST(extension_and_padding),
		SGW_TEST(rtcp_on_a_muxed_port),	  SGW_TEST(sequence_rules),
		SGW_TEST(jitter_follows_delay_variation), SGW_TEST(compound_round_trip),
		SGW_TEST(round_trip_time),	  SGW_TEST(e_model),
	};
	return cmocka_run_group_tests_name("rtp/packet", tests, NULL, NULL);
}
