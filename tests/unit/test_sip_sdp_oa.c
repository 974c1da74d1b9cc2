/* Offer/answer: the answer to a PBX's G.711/G.729 offer under our codec
 * order, telephone-event, hold, refused streams keeping their place,
 * dynamic payload types, SRTP suite choice, and every answer printed and
 * parsed back as valid SDP. */
#include "config.h"

#include "sip/sdp_oa.h"
#include "testutil.h"

#include <errno.h>
#include <string.h>

static const struct sdp_codec pcma = {"PCMA", 8000, 1, 8, NULL};
static const struct sdp_codec pcmu = {"PCMU", 8000, 1, 0, NULL};
static const struct sdp_codec g729 = {"G729", 8000, 1, 18, "annexb=no"};
static const struct sdp_codec g722 = {"G722", 8000, 1, 9, NULL};

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

/* Print a description we built and parse it back, as the peer would. */
static void print_parse(const struct sdp_session *in, char *text, size_t size,
			struct sdp_session *out)
{
	struct sdp_error e;
	int n = sdp_print(in, text, size - 1);

	assert_true(n > 0);
	text[n] = '\0';
	if (sdp_parse(out, text, (size_t)n, &e))
		fail_msg("line %u: %s\n%s", e.line, e.msg, text);
}

/* Our own offer, answered by our own answerer on the far side (with other
 * preferences), then the answer processed: both ends agree. */
static void our_offer_and_its_answer(void **state)
{
	static const struct sdp_codec g729_first[] = {g729, pcmu};
	struct sdp_local l = local(), far = local();
	struct sdp_session offer, offer_rx, ans, ans_rx;
	struct sdp_negotiated neg_far, neg;
	struct sdp_error e;
	static char s1[2048], s2[2048], t1[4096], t2[4096];

	(void)state;
	l.srtp_key = NULL;
	far.codecs = g729_first;
	far.ncodecs = 2;
	far.addr = "203.0.113.9";
	far.audio_port = 42000;
	far.rtcp_mux = false;
	assert_int_equal(sdp_offer_build(&l, SDP_OFFER_AUDIO, SDP_DIR_SENDRECV, &offer, s1, sizeof(s1), &e), 0);
	print_parse(&offer, t1, sizeof(t1), &offer_rx);
	assert_non_null(strstr(t1, "m=audio 30000 RTP/AVP 8 0 18 101\r\n"));
	assert_non_null(strstr(t1, "a=fmtp:18 annexb=no\r\n"));
	assert_non_null(strstr(t1, "a=rtpmap:101 telephone-event/8000\r\n"));
	assert_non_null(strstr(t1, "o=sipgw 42 1 IN IP4 198.51.100.5\r\n"));
	assert_int_equal(sdp_answer_build(&offer_rx, &far, &ans, s2, sizeof(s2), &neg_far, &e), 0);
	assert_string_equal(neg_far.codec->name, "G729");
	print_parse(&ans, t2, sizeof(t2), &ans_rx);
	assert_int_equal(sdp_answer_process(&offer_rx, &ans_rx, &l, &neg, &e), 0);
	assert_true(neg.audio);
	assert_string_equal(neg.codec->name, "G729");
	assert_int_equal(neg.pt, 18);
	assert_int_equal(neg.te_pt, 101);
	assert_int_equal(neg.dir, SDP_DIR_SENDRECV);
	assert_true(sv_eq_cstr(neg.remote_addr, "203.0.113.9"));
	assert_int_equal(neg.remote_port, 42000);
	assert_false(neg.rtcp_mux); /* offered, not accepted */
	assert_int_equal(neg.remote_rtcp_port, 42001);
}

/* G.729 annex B (RFC 4856): agreed only when both want it, an offer
 * without the parameter meaning yes; our answer always says which. */
static void g729_annex_b(void **state)
{
	static const struct sdp_codec g729b = {"G729", 8000, 1, 18, "annexb=yes"};
	static const struct sdp_codec with_b[] = {g729b}, without_b[] = {g729};
	static const struct {
		const char *fmtp; /* the offer's, "" for none */
		bool ours, agreed;
	} cases[] = {{"", true, true},		     {"a=fmtp:18 annexb=yes\r\n", true, true},
		     {"a=fmtp:18 annexb=no\r\n", true, false}, {"a=fmtp:18 annexb=No\r\n", true, false},
		     {"", false, false},		     {"a=fmtp:18 annexb=yes\r\n", false, false}};
	char offer[512];
	struct sdp_local l = local(), us = local();
	struct sdp_session o, o_rx, ans, ans_rx;
	struct sdp_negotiated neg;
	struct sdp_error e;
	static char s1[2048], s2[2048], t1[4096], t2[4096];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		l.codecs = cases[i].ours ? with_b : without_b;
		l.ncodecs = 1;
		snprintf(offer, sizeof(offer),
			 "v=0\r\no=- 1 1 IN IP4 h\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n"
			 "m=audio 5000 RTP/AVP 18\r\n%s",
			 cases[i].fmtp);
		answer(offer, &l, &ans, &neg);
		if (neg.vad != cases[i].agreed)
			fail_msg("offer fmtp \"%s\", ours %d: agreed %d", cases[i].fmtp, cases[i].ours, neg.vad);
		assert_non_null(strstr(answer_text, cases[i].agreed ? "a=fmtp:18 annexb=yes\r\n"
								   : "a=fmtp:18 annexb=no\r\n"));
	}
	/* our offer with annex B, answers with and without it */
	l.srtp_key = NULL;
	l.codecs = with_b;
	us.codecs = with_b;
	us.ncodecs = l.ncodecs = 1;
	us.srtp_key = NULL;
	assert_int_equal(sdp_offer_build(&l, SDP_OFFER_AUDIO, SDP_DIR_SENDRECV, &o, s1, sizeof(s1), &e), 0);
	print_parse(&o, t1, sizeof(t1), &o_rx);
	assert_non_null(strstr(t1, "a=fmtp:18 annexb=yes\r\n"));
	assert_int_equal(sdp_answer_build(&o_rx, &us, &ans, s2, sizeof(s2), &neg, &e), 0);
	print_parse(&ans, t2, sizeof(t2), &ans_rx);
	memset(&neg, 0, sizeof(neg));
	assert_int_equal(sdp_answer_process(&o_rx, &ans_rx, &l, &neg, &e), 0);
	assert_true(neg.vad);
	us.codecs = without_b;
	assert_int_equal(sdp_answer_build(&o_rx, &us, &ans, s2, sizeof(s2), &neg, &e), 0);
	assert_false(neg.vad);
	print_parse(&ans, t2, sizeof(t2), &ans_rx);
	memset(&neg, 0, sizeof(neg));
	assert_int_equal(sdp_answer_process(&o_rx, &ans_rx, &l, &neg, &e), 0);
	assert_false(neg.vad); /* they said no */
}

/* SRTP end to end: each side ends with the other's key. */
/* CLEARMODE (RFC 4040): a data call's offer is CLEARMODE alone (with
 * telephone-event at most); offered with a voice codec it is a voice
 * call.  A data call's own offer and answer carry CLEARMODE alone. */
static void clearmode(void **state)
{
	static const struct {
		const char *m;
		bool data;
	} cases[] = {
		{"m=audio 5000 RTP/AVP 97\r\na=rtpmap:97 CLEARMODE/8000\r\n", true},
		{"m=audio 5000 RTP/AVP 97 101\r\na=rtpmap:97 clearmode/8000\r\na=rtpmap:101 telephone-event/8000\r\n", true},
		{"m=audio 5000 RTP/AVP 8 97\r\na=rtpmap:97 CLEARMODE/8000\r\n", false},
		{"m=audio 5000 RTP/AVP 97 98\r\na=rtpmap:97 CLEARMODE/8000\r\na=rtpmap:98 G726-32/8000\r\n", false},
		{"m=audio 5000 RTP/AVP 97\r\na=rtpmap:97 CLEARMODE/16000\r\n", false},
		{"m=audio 5000 RTP/AVP 8\r\n", false},
		{"m=audio 0 RTP/AVP 97\r\na=rtpmap:97 CLEARMODE/8000\r\n", false},
	};
	static const struct sdp_codec voice[] = {{"PCMA", 8000, 1, 8, NULL}};
	static char s1[2048], s2[2048], t1[4096];
	struct sdp_local l = local(), us = local();
	struct sdp_session o, o_rx, ans;
	struct sdp_negotiated neg;
	struct sdp_error e;
	char offer[512];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(offer, sizeof(offer), "v=0\r\no=- 1 1 IN IP4 h\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n%s",
			 cases[i].m);
		assert_int_equal(sdp_parse(&o, offer, strlen(offer), &e), 0);
		if (sdp_offer_is_clearmode(&o) != cases[i].data)
			fail_msg("offer %zu: a data call %d, expected %d", i, !cases[i].data, cases[i].data);
	}
	/* a data call's answer: CLEARMODE under the offer's number, no events */
	l.codecs = &sdp_clearmode;
	l.ncodecs = 1;
	l.telephone_event = false;
	l.srtp_key = NULL;
	answer("v=0\r\no=- 1 1 IN IP4 h\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n"
	       "m=audio 5000 RTP/AVP 99 101\r\na=rtpmap:99 CLEARMODE/8000\r\na=rtpmap:101 telephone-event/8000\r\n",
	       &l, &ans, &neg);
	assert_true(neg.audio);
	assert_string_equal(neg.codec->name, "CLEARMODE");
	assert_int_equal(neg.pt, 99);
	assert_int_equal(neg.te_pt, -1);
	assert_non_null(strstr(answer_text, "m=audio 30000 RTP/AVP 99\r\n"));
	assert_non_null(strstr(answer_text, "a=rtpmap:99 CLEARMODE/8000\r\n"));
	/* our data call's offer: CLEARMODE alone, dynamic; a voice-only peer
	 * cannot take it */
	assert_int_equal(sdp_offer_build(&l, SDP_OFFER_AUDIO, SDP_DIR_SENDRECV, &o, s1, sizeof(s1), &e), 0);
	print_parse(&o, t1, sizeof(t1), &o_rx);
	if (!strstr(t1, "m=audio 30000 RTP/AVP 96\r\n"))
		fail_msg("our data offer:\n%s", t1);
	assert_non_null(strstr(t1, "a=rtpmap:96 CLEARMODE/8000\r\n"));
	assert_true(sdp_offer_is_clearmode(&o_rx));
	us.codecs = voice;
	us.ncodecs = 1;
	us.srtp_key = NULL;
	assert_int_equal(sdp_answer_build(&o_rx, &us, &ans, s2, sizeof(s2), &neg, &e), 0);
	assert_false(neg.audio);
}

static void srtp_offer_and_answer(void **state)
{
	struct sdp_local l = local(), far = local();
	struct sdp_session offer, offer_rx, ans, ans_rx;
	struct sdp_negotiated neg_far, neg;
	struct sdp_error e;
	static char s1[2048], s2[2048], t1[4096], t2[4096];

	(void)state;
	far.srtp_key = "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNk";
	assert_int_equal(sdp_offer_build(&l, SDP_OFFER_AUDIO, SDP_DIR_SENDRECV, &offer, s1, sizeof(s1), &e), 0);
	print_parse(&offer, t1, sizeof(t1), &offer_rx);
	assert_non_null(strstr(t1, "m=audio 30000 RTP/SAVP "));
	assert_int_equal(sdp_answer_build(&offer_rx, &far, &ans, s2, sizeof(s2), &neg_far, &e), 0);
	assert_true(sv_eq_cstr(neg_far.remote_key, l.srtp_key));
	print_parse(&ans, t2, sizeof(t2), &ans_rx);
	assert_int_equal(sdp_answer_process(&offer_rx, &ans_rx, &l, &neg, &e), 0);
	assert_true(sv_eq_cstr(neg.remote_key, far.srtp_key));
	assert_true(sv_eq_cstr(neg.crypto_suite, "AES_CM_128_HMAC_SHA1_80"));
	assert_true(neg.rtcp_mux);
	assert_int_equal(neg.remote_rtcp_port, 30000); /* muxed: RTCP on the RTP port */
}

/* SRTP policies per trunk, both ends ours: optional offers RTP/AVP with
 * every suite we have a key for; a mandatory peer answers with crypto, an
 * off peer answers plain, and both answers are taken; mandatory refuses a
 * plain offer and off refuses RTP/SAVP; an answer with a crypto tag we did
 * not offer is refused by name. */
#define K30 "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNk"
#define K28 "MDEyMzQ1Njc4OWFiY2RlZmdoaWprbG1ub3Bx"
#define K44 "MDEyMzQ1Njc4OWFiY2RlZmdoaWprbG1ub3BxcnN0dXZ3eHl6QUJDREVGR0hJSg=="

static int offer_answer(struct sdp_local *us, struct sdp_local *peer, char *offer_text,
			struct sdp_negotiated *neg_peer, struct sdp_negotiated *neg,
			struct sdp_error *e)
{
	static char s1[2048], s2[2048], t2[4096];
	struct sdp_session offer, offer_rx, ans, ans_rx;

	assert_int_equal(sdp_offer_build(us, SDP_OFFER_AUDIO, SDP_DIR_SENDRECV, &offer, s1, sizeof(s1), e), 0);
	print_parse(&offer, offer_text, 4096, &offer_rx);
	assert_int_equal(sdp_answer_build(&offer_rx, peer, &ans, s2, sizeof(s2), neg_peer, e), 0);
	print_parse(&ans, t2, sizeof(t2), &ans_rx);
	return sdp_answer_process(&offer_rx, &ans_rx, us, neg, e);
}

static void srtp_policies(void **state)
{
	struct sdp_local us = local(), peer = local();
	struct sdp_negotiated np, n;
	struct sdp_error e;
	static char t[4096];

	(void)state;
	us.srtp_key = peer.srtp_key = NULL;
	us.srtp = SDP_SRTP_OPTIONAL;
	us.srtp_keys[0] = K30;
	us.srtp_keys[2] = K28;
	us.srtp_keys[3] = K44;
	/* a mandatory peer with only a GCM-128 key */
	peer.srtp = SDP_SRTP_MANDATORY;
	peer.srtp_keys[2] = "ZmVkY2JhOTg3NjU0MzIxMGZlZGNiYTk4NzY1NDMy";
	assert_int_equal(offer_answer(&us, &peer, t, &np, &n, &e), 0);
	assert_non_null(strstr(t, "m=audio 30000 RTP/AVP "));
	assert_non_null(strstr(t, "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" K30 "\r\n"));
	assert_non_null(strstr(t, "a=crypto:2 AEAD_AES_128_GCM inline:" K28 "\r\n"));
	assert_non_null(strstr(t, "a=crypto:3 AEAD_AES_256_GCM inline:" K44 "\r\n"));
	assert_null(strstr(t, "AES_CM_128_HMAC_SHA1_32"));
	assert_true(np.audio);
	assert_true(sv_eq_cstr(np.crypto_suite, "AEAD_AES_128_GCM"));
	assert_true(sv_eq_cstr(np.remote_key, K28));
	assert_true(n.audio);
	assert_true(sv_eq_cstr(n.crypto_suite, "AEAD_AES_128_GCM"));
	assert_int_equal(n.crypto_tag, 2);
	assert_string_equal(n.local_key, K28);
	assert_true(sv_eq_cstr(n.remote_key, peer.srtp_keys[2]));
	/* an off peer answers without crypto: plain RTP, taken */
	peer.srtp = SDP_SRTP_OFF;
	assert_int_equal(offer_answer(&us, &peer, t, &np, &n, &e), 0);
	assert_true(n.audio && np.audio);
	assert_int_equal(n.crypto_suite.len, 0);
	assert_null(n.local_key);
	/* mandatory: RTP/SAVP offered; an off peer refuses the stream */
	us.srtp = SDP_SRTP_MANDATORY;
	assert_int_equal(offer_answer(&us, &peer, t, &np, &n, &e) == 0 && n.audio, 0);
	assert_non_null(strstr(t, "m=audio 30000 RTP/SAVP "));
	assert_false(np.audio);
	/* mandatory answerer, plain offer: refused */
	us.srtp = SDP_SRTP_OFF;
	peer.srtp = SDP_SRTP_MANDATORY;
	assert_int_equal(offer_answer(&us, &peer, t, &np, &n, &e) == 0 && n.audio, 0);
	assert_false(np.audio);
	assert_null(strstr(t, "a=crypto"));
	/* a crypto tag we never offered */
	{
		static const char ans_text[] = "v=0\r\no=- 1 1 IN IP4 h\r\ns=-\r\nc=IN IP4 192.0.2.9\r\nt=0 0\r\n"
					       "m=audio 7000 RTP/SAVP 8\r\n"
					       "a=crypto:7 AES_CM_128_HMAC_SHA1_80 inline:" K30 "\r\n";
		static char s1[2048];
		struct sdp_session offer, offer_rx, ans;

		us.srtp = SDP_SRTP_MANDATORY;
		assert_int_equal(sdp_offer_build(&us, SDP_OFFER_AUDIO, SDP_DIR_SENDRECV, &offer, s1, sizeof(s1), &e), 0);
		print_parse(&offer, t, sizeof(t), &offer_rx);
		assert_int_equal(sdp_parse(&ans, ans_text, strlen(ans_text), &e), 0);
		assert_int_equal(sdp_answer_process(&offer_rx, &ans, &us, &n, &e), -EPROTO);
		assert_non_null(strstr(e.msg, "a=crypto:7 AES_CM_128_HMAC_SHA1_80 is not one we offered"));
	}
	assert_int_equal(sdp_srtp_policy_from_name("optional"), SDP_SRTP_OPTIONAL);
	assert_int_equal(sdp_srtp_policy_from_name("sometimes"), -1);
}

/* Hold and resume from our side: sendonly offered, recvonly answered, our
 * direction read back as sendonly; the version raised for each change. */
static void hold_offer(void **state)
{
	struct sdp_local l = local(), far = local();
	struct sdp_session offer, offer_rx, ans, ans_rx, first;
	struct sdp_negotiated neg_far, neg;
	struct sdp_error e;
	static char s0[2048], s1[2048], s2[2048], t0[4096], t1[4096], t2[4096];

	(void)state;
	l.srtp_key = far.srtp_key = NULL;
	assert_int_equal(sdp_offer_build(&l, SDP_OFFER_AUDIO, SDP_DIR_SENDRECV, &offer, s0, sizeof(s0), &e), 0);
	print_parse(&offer, t0, sizeof(t0), &first);
	l.sess_version++;
	assert_int_equal(sdp_offer_build(&l, SDP_OFFER_AUDIO, SDP_DIR_SENDONLY, &offer, s1, sizeof(s1), &e), 0);
	print_parse(&offer, t1, sizeof(t1), &offer_rx);
	assert_false(sdp_same_version(&first, &offer_rx)); /* the far end must look again */
	assert_true(sdp_same_version(&offer_rx, &offer_rx));
	assert_non_null(strstr(t1, "o=sipgw 42 2 IN IP4"));
	assert_non_null(strstr(t1, "a=sendonly\r\n"));
	assert_int_equal(sdp_answer_build(&offer_rx, &far, &ans, s2, sizeof(s2), &neg_far, &e), 0);
	assert_int_equal(neg_far.dir, SDP_DIR_RECVONLY);
	print_parse(&ans, t2, sizeof(t2), &ans_rx);
	assert_int_equal(sdp_answer_process(&offer_rx, &ans_rx, &l, &neg, &e), 0);
	assert_int_equal(neg.dir, SDP_DIR_SENDONLY);
}

/* Answers that break RFC 3264 §6/§7 are refused with the reason. */
static void bad_answers(void **state)
{
	static const char two_lines[] = "v=0\r\no=- 1 1 IN IP4 h\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n"
					"m=audio 5000 RTP/AVP 8\r\nm=audio 5002 RTP/AVP 0\r\n";
	static const char not_offered[] = "v=0\r\no=- 1 1 IN IP4 h\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n"
					  "m=audio 5000 RTP/AVP 3\r\n";
	static const char refused[] = "v=0\r\no=- 1 1 IN IP4 h\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n"
				      "m=audio 0 RTP/AVP 8\r\n";
	struct sdp_local l = local();
	struct sdp_session offer, ans;
	struct sdp_negotiated neg;
	struct sdp_error e;
	static char s1[2048];

	(void)state;
	l.srtp_key = NULL;
	assert_int_equal(sdp_offer_build(&l, SDP_OFFER_AUDIO, SDP_DIR_SENDRECV, &offer, s1, sizeof(s1), &e), 0);
	assert_int_equal(sdp_parse(&ans, two_lines, strlen(two_lines), &e), 0);
	assert_int_equal(sdp_answer_process(&offer, &ans, &l, &neg, &e), -EPROTO);
	assert_string_equal(e.msg, "the answer has 2 m-lines, the offer had 1");
	assert_int_equal(sdp_parse(&ans, not_offered, strlen(not_offered), &e), 0);
	assert_int_equal(sdp_answer_process(&offer, &ans, &l, &neg, &e), -EPROTO);
	assert_string_equal(e.msg, "the answer has payload type 3, which was not offered");
	assert_int_equal(sdp_parse(&ans, refused, strlen(refused), &e), 0);
	assert_int_equal(sdp_answer_process(&offer, &ans, &l, &neg, &e), -EPROTO);
	assert_string_equal(e.msg, "the answer accepts none of the offered streams");
	/* too little scratch space is an error, not a truncated offer */
	assert_int_equal(sdp_offer_build(&l, SDP_OFFER_AUDIO, SDP_DIR_SENDRECV, &offer, s1, 16, &e), -ENOSPC);
}

/* A fax switches to T.38 by re-INVITE (audio refused, image offered): the
 * answer takes the lower bit rate and says how we correct errors; our own
 * T.38 offer is read back by the same code. */
static void t38_switch(void **state)
{
	static const char reinvite[] =
		"v=0\r\no=- 1 2 IN IP4 h\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n"
		"m=audio 0 RTP/AVP 8\r\n"
		"m=image 6000 udptl t38\r\n"
		"a=T38FaxVersion:0\r\na=T38MaxBitRate:9600\r\na=T38FaxRateManagement:transferredTCF\r\n"
		"a=T38FaxMaxBuffer:1800\r\na=T38FaxMaxDatagram:320\r\na=T38FaxUdpEC:t38UDPFEC\r\n"
		"a=T38FaxFillBitRemoval\r\n";
	struct sdp_local l = local(), far = local();
	struct sdp_session ans, offer, offer_rx, ans_rx;
	struct sdp_negotiated neg, neg_far;
	struct sdp_t38 t;
	struct sdp_error e;
	static char s1[2048], s2[2048], t1[4096], t2[4096];

	(void)state;
	l.t38 = true;
	l.t38_port = 30004;
	answer(reinvite, &l, &ans, &neg);
	assert_false(neg.audio);
	assert_true(neg.t38);
	assert_int_equal(neg.t38p.max_bitrate, 9600);
	assert_int_equal(neg.t38p.max_datagram, 320); /* what the peer takes */
	assert_int_equal(neg.t38_port, 6000);
	assert_non_null(strstr(answer_text, "m=audio 0 RTP/AVP 8\r\n"));
	assert_non_null(strstr(answer_text, "m=image 30004 udptl t38\r\n"));
	assert_non_null(strstr(answer_text, "a=T38MaxBitRate:9600\r\n"));
	assert_non_null(strstr(answer_text, "a=T38FaxUdpEC:t38UDPRedundancy\r\n"));
	assert_int_equal(sdp_parse(&offer, reinvite, strlen(reinvite), &e), 0);
	assert_true(sdp_media_is_t38(&offer.media[1]));
	assert_int_equal(sdp_media_t38(&offer.media[1], &t), 0);
	assert_true(t.fill_bit_removal);
	assert_false(t.transcoding_jbig);
	assert_int_equal(t.max_buffer, 1800);
	assert_true(sv_eq_cstr(t.udp_ec, "t38UDPFEC"));
	/* without T.38 configured the fax stream is refused too */
	l.t38 = false;
	answer(reinvite, &l, &ans, &neg);
	assert_false(neg.t38);
	assert_non_null(strstr(answer_text, "m=image 0 udptl t38\r\n"));

	/* our T.38 offer, answered by a far end that has it */
	l.t38 = far.t38 = true;
	far.t38_port = 7000;
	far.t38_max_bitrate = 14400;
	l.srtp_key = NULL;
	assert_int_equal(sdp_offer_build(&l, SDP_OFFER_T38, SDP_DIR_SENDRECV, &offer, s1, sizeof(s1), &e), 0);
	print_parse(&offer, t1, sizeof(t1), &offer_rx);
	assert_non_null(strstr(t1, "m=audio 0 RTP/AVP 8\r\n"));
	assert_int_equal(sdp_answer_build(&offer_rx, &far, &ans, s2, sizeof(s2), &neg_far, &e), 0);
	assert_true(neg_far.t38);
	print_parse(&ans, t2, sizeof(t2), &ans_rx);
	assert_int_equal(sdp_answer_process(&offer_rx, &ans_rx, &l, &neg, &e), 0);
	assert_true(neg.t38);
	assert_int_equal(neg.t38_port, 7000);
	assert_int_equal(neg.t38p.max_bitrate, 14400);
}

/* Typed attributes: crypto with lifetime and MKI, fingerprint, setup. */
static void typed_attributes(void **state)
{
	static const char text[] =
		"v=0\r\no=- 1 1 IN IP4 h\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\na=setup:actpass\r\n"
		"m=audio 5000 RTP/SAVP 8\r\n"
		"a=fingerprint:sha-256 4A:AD:B9:B1:3F:82:18:3B:54:02:12:DF:3E:5D:49:6B:19:E5:7C:AB:3A:9E:5D:EA:7E:6B:2A:1B:7C:12:11:A6\r\n"
		"m=audio 5002 RTP/AVP 0\r\na=setup:passive\r\n";
	struct sdp_session s;
	struct sdp_crypto c;
	struct sdp_fingerprint fp;
	struct sdp_error e;

	(void)state;
	assert_int_equal(sdp_crypto_parse(sv_cstr("2 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20|1:32 KDR=1"), &c), 0);
	assert_int_equal(c.tag, 2);
	assert_true(sv_eq_cstr(c.suite, "AES_CM_128_HMAC_SHA1_80"));
	assert_true(sv_eq_cstr(c.key, "PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR"));
	assert_true(sv_eq_cstr(c.lifetime, "2^20"));
	assert_true(sv_eq_cstr(c.mki, "1:32"));
	assert_true(sv_eq_cstr(c.session_params, "KDR=1"));
	assert_int_equal(sdp_crypto_parse(sv_cstr("1 AES_CM_128_HMAC_SHA1_32 inline:abc"), &c), 0);
	assert_int_equal(c.lifetime.len, 0);
	assert_int_equal(sdp_crypto_parse(sv_cstr("x AES_CM_128_HMAC_SHA1_32 inline:abc"), &c), -EBADMSG);
	assert_int_equal(sdp_crypto_parse(sv_cstr("1 AES_CM_128_HMAC_SHA1_32 key:abc"), &c), -EBADMSG);
	assert_int_equal(sdp_crypto_parse(sv_cstr("1 AES_CM_128_HMAC_SHA1_32"), &c), -EBADMSG);

	assert_int_equal(sdp_parse(&s, text, strlen(text), &e), 0);
	assert_int_equal(sdp_fingerprint_parse(sdp_attr_find(s.media[0].attrs, s.media[0].nattrs, "fingerprint", NULL)->value, &fp), 0);
	assert_true(sv_eq_cstr(fp.hash, "sha-256"));
	assert_int_equal(fp.value.len, 95);
	assert_int_equal(sdp_fingerprint_parse(sv_cstr("sha-1 XY:ZZ"), &fp), -EBADMSG);
	assert_int_equal(sdp_media_setup(&s, &s.media[0]), SDP_SETUP_ACTPASS); /* the session's */
	assert_int_equal(sdp_media_setup(&s, &s.media[1]), SDP_SETUP_PASSIVE);  /* its own */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		SGW_TEST(pbx_offer_gets_pcma_and_events),
		SGW_TEST(dynamic_payload_type_kept),
		SGW_TEST(hold_is_mirrored),
		SGW_TEST(streams_we_cannot_take_get_port_zero),
		SGW_TEST(srtp_suite_choice),
		SGW_TEST(our_offer_and_its_answer),
		SGW_TEST(g729_annex_b),
		SGW_TEST(clearmode),
		SGW_TEST(srtp_offer_and_answer),
		SGW_TEST(srtp_policies),
		SGW_TEST(hold_offer),
		SGW_TEST(bad_answers),
		SGW_TEST(t38_switch),
		SGW_TEST(typed_attributes),
	};
	return cmocka_run_group_tests_name("sip/sdp_oa", tests, NULL, NULL);
}
