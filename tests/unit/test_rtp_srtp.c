/* SRTP with libsrtp2 for each suite (AES_CM_128_HMAC_SHA1_80 and _32,
 * AEAD_AES_128_GCM, AEAD_AES_256_GCM): RTP and RTCP both directions
 * decrypt to what was sent, a tampered packet is rejected, a replayed one
 * is rejected, a wrong key fails, re-keying works; SDES inline keys
 * round-trip and bad ones are refused. */
#include "config.h"

#include "rtp/rtcp.h"
#include "rtp/rtp.h"
#include "rtp/srtp.h"
#include "testutil.h"

#include <errno.h>

static size_t rtp_packet(uint8_t *buf, uint16_t seq)
{
	struct rtp_hdr h = {.pt = 8, .seq = seq, .ts = 160u * seq, .ssrc = 0x1234};
	int n = rtp_write_hdr(buf, 64, &h);

	for (int i = 0; i < 160; i++)
		buf[n + i] = (uint8_t)(seq + i);
	return (size_t)n + 160;
}

static void suite_both_ways(enum rtp_srtp_suite suite)
{
	uint8_t ka[RTP_SRTP_MAX_KEY], kb[RTP_SRTP_MAX_KEY];
	struct rtp_srtp a = {0}, b = {0};
	uint8_t buf[400], copy[400], orig[400];
	size_t len, olen;

	assert_int_equal(rtp_srtp_random_key(suite, ka), 0);
	assert_int_equal(rtp_srtp_random_key(suite, kb), 0);
	assert_int_equal(rtp_srtp_start(&a, suite, ka, kb), 0);
	assert_int_equal(rtp_srtp_start(&b, suite, kb, ka), 0);
	for (uint16_t seq = 1; seq <= 20; seq++) {
		/* a -> b */
		olen = len = rtp_packet(buf, seq);
		memcpy(orig, buf, len);
		assert_int_equal(rtp_srtp_protect(&a, buf, &len, sizeof(buf)), 0);
		assert_true(len > olen);
		assert_memory_not_equal(buf + 12, orig + 12, 160); /* encrypted */
		memcpy(copy, buf, len);
		assert_int_equal(rtp_srtp_unprotect(&b, buf, &len), 0);
		assert_int_equal(len, olen);
		assert_memory_equal(buf, orig, olen);
		/* the same packet again: a replay */
		len = olen + (suite == RTP_SRTP_AES_CM_128_HMAC_SHA1_32 ? 4 : suite == RTP_SRTP_AES_CM_128_HMAC_SHA1_80 ? 10 : 16);
		assert_int_equal(rtp_srtp_unprotect(&b, copy, &len), -EALREADY);
		/* b -> a */
		len = rtp_packet(buf, (uint16_t)(1000 + seq));
		assert_int_equal(rtp_srtp_protect(&b, buf, &len, sizeof(buf)), 0);
		assert_int_equal(rtp_srtp_unprotect(&a, buf, &len), 0);
	}
	/* tampered: one payload bit flipped */
	len = rtp_packet(buf, 50);
	assert_int_equal(rtp_srtp_protect(&a, buf, &len, sizeof(buf)), 0);
	buf[30] ^= 1;
	assert_int_equal(rtp_srtp_unprotect(&b, buf, &len), -EBADMSG);
	assert_int_equal(b.auth_fail, 1);
	assert_int_equal(b.replay_fail, 20);
	/* RTCP both ways */
	{
		struct rtcp_out o = {.ssrc = 0x1234, .cname = "a"};
		struct rtcp_info in;
		int n = rtcp_build(buf, sizeof(buf), &o);

		len = (size_t)n;
		assert_int_equal(rtp_srtp_protect_rtcp(&a, buf, &len, sizeof(buf)), 0);
		assert_int_equal(rtp_srtp_unprotect_rtcp(&b, buf, &len), 0);
		assert_int_equal(len, (size_t)n);
		assert_int_equal(rtcp_parse(buf, len, &in), 0);
		assert_string_equal(in.cname, "a");
	}
	/* re-keyed (a re-INVITE with new crypto): the old key no longer works */
	assert_int_equal(rtp_srtp_random_key(suite, ka), 0);
	assert_int_equal(rtp_srtp_start(&a, suite, ka, kb), 0);
	len = rtp_packet(buf, 60);
	assert_int_equal(rtp_srtp_protect(&a, buf, &len, sizeof(buf)), 0);
	assert_int_equal(rtp_srtp_unprotect(&b, buf, &len), -EBADMSG);
	assert_int_equal(rtp_srtp_start(&b, suite, kb, ka), 0);
	len = rtp_packet(buf, 61);
	assert_int_equal(rtp_srtp_protect(&a, buf, &len, sizeof(buf)), 0);
	assert_int_equal(rtp_srtp_unprotect(&b, buf, &len), 0);
	rtp_srtp_stop(&a);
	rtp_srtp_stop(&b);
}

static void aes_cm_80(void **state)
{
	(void)state;
	suite_both_ways(RTP_SRTP_AES_CM_128_HMAC_SHA1_80);
}

static void aes_cm_32(void **state)
{
	(void)state;
	suite_both_ways(RTP_SRTP_AES_CM_128_HMAC_SHA1_32);
}

static void aead_gcm_128(void **state)
{
	(void)state;
	suite_both_ways(RTP_SRTP_AEAD_AES_128_GCM);
}

static void aead_gcm_256(void **state)
{
	(void)state;
	suite_both_ways(RTP_SRTP_AEAD_AES_256_GCM);
}

/* Our nettle primitives passed libsrtp2's known-answer checks (its own
 * vectors for the types they replace) and are the ones in use. */
static void nettle_primitives_in_use(void **state)
{
	(void)state;
	assert_string_equal(rtp_srtp_backend(), "nettle");
}

static void inline_keys(void **state)
{
	/* RFC 4568 §6.1's example key */
	static const char ex[] = "inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20|1:32";
	uint8_t key[RTP_SRTP_MAX_KEY], back[RTP_SRTP_MAX_KEY];
	char text[80];

	(void)state;
	assert_int_equal(rtp_srtp_key_from_inline(RTP_SRTP_AES_CM_128_HMAC_SHA1_80, ex, strlen(ex), key), 0);
	assert_int_equal(key[0], 0x3d); /* 'P','S' -> 0x3d 0x2d ... */
	assert_int_equal(key[1], 0x2d);
	assert_true(rtp_srtp_key_to_inline(RTP_SRTP_AES_CM_128_HMAC_SHA1_80, key, text, sizeof(text)) > 0);
	assert_string_equal(text, "inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR");
	/* every suite round-trips its own length */
	for (int s = 0; s < RTP_SRTP_SUITES; s++) {
		assert_int_equal(rtp_srtp_random_key((enum rtp_srtp_suite)s, key), 0);
		rtp_srtp_key_to_inline((enum rtp_srtp_suite)s, key, text, sizeof(text));
		assert_int_equal(rtp_srtp_key_from_inline((enum rtp_srtp_suite)s, text, strlen(text), back), 0);
		assert_memory_equal(key, back, rtp_srtp_key_len((enum rtp_srtp_suite)s));
	}
	/* a key of the wrong length for the suite, bad characters, no "inline:" */
	assert_int_equal(rtp_srtp_key_from_inline(RTP_SRTP_AEAD_AES_256_GCM, ex, strlen(ex), key), -EINVAL);
	assert_int_equal(rtp_srtp_key_from_inline(RTP_SRTP_AES_CM_128_HMAC_SHA1_80, "inline:PS1u*CVe", 15, key),
			 -EINVAL);
	assert_int_equal(rtp_srtp_key_from_inline(RTP_SRTP_AES_CM_128_HMAC_SHA1_80, "PS1uQCVe", 8, key), -EINVAL);
	assert_int_equal(rtp_srtp_suite_from_name("AEAD_AES_128_GCM", 16), RTP_SRTP_AEAD_AES_128_GCM);
	assert_int_equal(rtp_srtp_suite_from_name("F8_128_HMAC_SHA1_80", 19), -1);
	assert_int_equal(rtp_srtp_key_to_inline(RTP_SRTP_AES_CM_128_HMAC_SHA1_80, key, text, 20), -ENOSPC);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		SGW_TEST(aes_cm_80), SGW_TEST(aes_cm_32), SGW_TEST(aead_gcm_128),
		SGW_TEST(aead_gcm_256), SGW_TEST(nettle_primitives_in_use), SGW_TEST(inline_keys),
	};
	return cmocka_run_group_tests_name("rtp/srtp", tests, NULL, NULL);
}
