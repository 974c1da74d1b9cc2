/* Offer/answer: the answer to a PBX's G.711/G.729 offer under our codec
 * order, telephone-event, hold, refused streams keeping their place,
 * dynamic payload types, SRTP suite choice, and every answer printed and
 * parsed back as valid SDP. */
#include "config.h"

#include "sip/sdp_oa.h"
#include "testutil.h"

#include <string.h>

static const struct sdp_codec pcma = {"PCMA", 8000, 1, 8};
static const struct sdp_codec pcmu = {"PCMU", 8000, 1, 0};
static const struct sdp_codec g729 = {"G729", 8000, 1, 18};
static const struct sdp_codec g722 = {"G722", 8000, 1, 9};

static const struct sdp_codec our_order[] = {pcma, pcmu, g729};

static struct sdp_local local(void)
{
	struct sdp_local l = {.user = "sipgw", .sess_id = 42, .sess_version = 1, .addrtype = "IP4",
			      .addr = "198.51.100.5", .audio_port = 30000, .codecs = our_order,
			      .ncodecs = 3, .telephone_event = true, .rtcp_mux = true,
			      .srtp_key = "WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz", .ptime = 20};

	return l;
}

static char answer_text[4096];

static void answer(const char *offer_text, const struct sdp_local *l, struct sdp_session *ans,
		   struct sdp_negotiated *neg)
{
	struct sdp_session offer, back;
	struct sdp_error e;
	static char scratch[2048];
	int n;

	if (sdp_parse(&offer, offer_text, strlen(offer_text), &e))
		fail_msg("offer line %u: %s", e.line, e.msg);
	assert_int_equal(sdp_answer_build(&offer, l, ans, scratch, sizeof(scratch), neg, &e), 0);
	n = sdp_print(ans, answer_text, sizeof(answer_text) - 1);
	assert_true(n > 0);
	answer_text[n] = '\0';
	if (sdp_parse(&back, answer_text, (size_t)n, &e))
		fail_msg("answer does not parse, line %u: %s\n%s", e.line, e.msg, answer_text);
	assert_int_equal(back.nmedia, offer.nmedia); /* §6: as many m-lines as offered */
}

static void pbx_offer_gets_pcma_and_events(void **state)
{
	static const char offer[] = "v=0\r\no=- 1 1 IN IP4 192.0.2.10\r\ns=-\r\nc=IN IP4 192.0.2.10\r\nt=0 0\r\n"
				    "m=audio 40000 RTP/AVP 18 0 8 101\r\na=rtpmap:101 telephone-event/8000\r\n"
				    "a=fmtp:101 0-16\r\na=ptime:30\r\n";
	struct sdp_local l = local();
	struct sdp_session ans;
	struct sdp_negotiated neg;

	answer(offer, &l, &ans, &neg);
	assert_true(neg.audio);
	assert_string_equal(neg.codec->name, "PCMA"); /* our order, not theirs */
	assert_int_equal(neg.pt, 8);
	assert_int_equal(neg.te_pt, 101);
	assert_int_equal(neg.ptime, 30);
	assert_true(sv_eq_cstr(neg.remote_addr, "192.0.2.10"));
	assert_int_equal(neg.remote_port, 40000);
	assert_int_equal(neg.remote_rtcp_port, 40001);
	assert_non_null(strstr(answer_text, "m=audio 30000 RTP/AVP 8 101\r\n"));
	assert_non_null(strstr(answer_text, "a=fmtp:101 0-15\r\n"));
	assert_non_null(strstr(answer_text, "a=sendrecv\r\n"));
	assert_non_null(strstr(answer_text, "c=IN IP4 198.51.100.5\r\n"));
}

static void dynamic_payload_type_kept(void **state)
{
	static const char offer[] = "v=0\r\no=- 1 1 IN IP4 h\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n"
				    "m=audio 5000 RTP/AVP 96 97\r\na=rtpmap:96 opus/48000/2\r\n"
				    "a=rtpmap:97 PCMU/8000\r\n";
	struct sdp_local l = local();
	struct sdp_session ans;
	struct sdp_negotiated neg;

	answer(offer, &l, &ans, &neg);
	assert_string_equal(neg.codec->name, "PCMU");
	assert_int_equal(neg.pt, 97); /* the offerer's number for PCMU */
	assert_int_equal(neg.te_pt, -1);
	assert_non_null(strstr(answer_text, "m=audio 30000 RTP/AVP 97\r\na=rtpmap:97 PCMU/8000\r\n"));
}

static void hold_is_mirrored(void **state)
{
	static const char sendonly[] = "v=0\r\no=- 1 2 IN IP4 h\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n"
				       "m=audio 5000 RTP/AVP 8\r\na=sendonly\r\n";
	static const char old[] = "v=0\r\no=- 1 2 IN IP4 h\r\ns=-\r\nc=IN IP4 0.0.0.0\r\nt=0 0\r\n"
				  "m=audio 5000 RTP/AVP 8\r\n";
	static const char inactive[] = "v=0\r\no=- 1 2 IN IP4 h\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n"
				       "a=inactive\r\nm=audio 5000 RTP/AVP 8\r\n";
	struct sdp_local l = local();
	struct sdp_session ans;
	struct sdp_negotiated neg;

	answer(sendonly, &l, &ans, &neg);
	assert_int_equal(neg.dir, SDP_DIR_RECVONLY);
	assert_non_null(strstr(answer_text, "a=recvonly\r\n"));
	answer(old, &l, &ans, &neg);
	assert_int_equal(neg.dir, SDP_DIR_RECVONLY);
	answer(inactive, &l, &ans, &neg); /* the session-level attribute applies */
	assert_int_equal(neg.dir, SDP_DIR_INACTIVE);
}

static void streams_we_cannot_take_get_port_zero(void **state)
{
	static const char offer[] = "v=0\r\no=- 1 1 IN IP4 h\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n"
				    "m=video 6000 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\n"
				    "m=audio 5000 RTP/AVP 9\r\n"
				    "m=audio 5002 RTP/AVP 0\r\n";
	struct sdp_local l = local();
	struct sdp_session ans;
	struct sdp_negotiated neg;

	answer(offer, &l, &ans, &neg);
	assert_non_null(strstr(answer_text, "m=video 0 RTP/AVP 96\r\n"));
	assert_non_null(strstr(answer_text, "m=audio 0 RTP/AVP 9\r\n")); /* G.722 is not in our list */
	assert_non_null(strstr(answer_text, "m=audio 30000 RTP/AVP 0\r\n"));
	assert_int_equal(neg.remote_port, 5002);
	/* nothing in common at all: every stream refused, no audio agreed */
	{
		static const struct sdp_codec only_g722[] = {g722};

		l.codecs = only_g722;
		l.ncodecs = 1;
		answer("v=0\r\no=- 1 1 IN IP4 h\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\nm=audio 5000 RTP/AVP 0\r\n",
		       &l, &ans, &neg);
		assert_false(neg.audio);
		assert_int_equal(ans.media[0].port, 0);
	}
}

static void srtp_suite_choice(void **state)
{
	static const char offer[] =
		"v=0\r\no=- 1 1 IN IP4 h\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n"
		"m=audio 5000 RTP/SAVP 8\r\n"
		"a=crypto:1 F8_128_HMAC_SHA1_80 inline:MTIzNDU2Nzg5QUJDREUwMTIzNDU2Nzg5QUJjZGVm\r\n"
		"a=crypto:2 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20|1:32\r\n"
		"a=rtcp-mux\r\n";
	static const char no_suite[] =
		"v=0\r\no=- 1 1 IN IP4 h\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n"
		"m=audio 5000 RTP/SAVP 8\r\na=crypto:1 F8_128_HMAC_SHA1_80 inline:MTIz\r\n";
	struct sdp_local l = local();
	struct sdp_session ans;
	struct sdp_negotiated neg;

	answer(offer, &l, &ans, &neg);
	assert_true(sv_eq_cstr(neg.crypto_suite, "AES_CM_128_HMAC_SHA1_80"));
	assert_int_equal(neg.crypto_tag, 2);
	assert_true(sv_eq_cstr(neg.remote_key, "PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR"));
	assert_true(neg.rtcp_mux);
	assert_non_null(strstr(answer_text, "m=audio 30000 RTP/SAVP 8\r\n"));
	assert_non_null(strstr(answer_text, "a=crypto:2 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz\r\n"));
	assert_non_null(strstr(answer_text, "a=rtcp-mux\r\n"));
	answer(no_suite, &l, &ans, &neg);
	assert_false(neg.audio);
	assert_int_equal(ans.media[0].port, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		SGW_TEST(pbx_offer_gets_pcma_and_events),
		SGW_TEST(dynamic_payload_type_kept),
		SGW_TEST(hold_is_mirrored),
		SGW_TEST(streams_we_cannot_take_get_port_zero),
		SGW_TEST(srtp_suite_choice),
	};
	(void)g729;
	return cmocka_run_group_tests_name("sip/sdp_oa", tests, NULL, NULL);
}
