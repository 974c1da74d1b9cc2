/* SDP: offers as real equipment sends them (G.711/G.729/telephone-event,
 * SRTP with two crypto lines, a T.38 re-offer, a WebRTC-style offer with
 * ICE and DTLS lines, an old-style hold), read field by field, printed back
 * to the same, and broken descriptions refused with the line number. */
#include "config.h"

#include "sip/sdp.h"
#include "testutil.h"

#include <errno.h>
#include <string.h>

static const char pbx_offer[] =
	"v=0\r\n"
	"o=- 8742 8742 IN IP4 192.0.2.10\r\n"
	"s=-\r\n"
	"c=IN IP4 192.0.2.10\r\n"
	"t=0 0\r\n"
	"m=audio 40000 RTP/AVP 8 0 18 101\r\n"
	"a=rtpmap:8 PCMA/8000\r\n"
	"a=rtpmap:0 PCMU/8000\r\n"
	"a=rtpmap:18 G729/8000\r\n"
	"a=fmtp:18 annexb=no\r\n"
	"a=rtpmap:101 telephone-event/8000\r\n"
	"a=fmtp:101 0-16\r\n"
	"a=ptime:20\r\n"
	"a=sendrecv\r\n";

static const char srtp_offer[] =
	"v=0\n"
	"o=alice 2890844526 2890844527 IN IP6 2001:db8::10\n"
	"s=call\n"
	"i=an SRTP call\n"
	"t=0 0\n"
	"m=audio 49170 RTP/SAVP 0 101\n"
	"c=IN IP6 2001:db8::10\n"
	"b=AS:80\n"
	"a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20|1:32\n"
	"a=crypto:2 AEAD_AES_128_GCM inline:kz1pT4ztbe2vZ7ulNmUaUXHNR5N3wUJI0NtvUA==\n"
	"a=rtcp-mux\n"
	"a=rtcp:49171\n"
	"a=rtpmap:101 telephone-event/8000\n";

static const char t38_reoffer[] =
	"v=0\r\no=gw 1 2 IN IP4 198.51.100.5\r\ns=sipgw\r\nc=IN IP4 198.51.100.5\r\nt=0 0\r\n"
	"m=image 30002 udptl t38\r\n"
	"a=T38FaxVersion:0\r\na=T38MaxBitRate:14400\r\na=T38FaxRateManagement:transferredTCF\r\n"
	"a=T38FaxMaxBuffer:262\r\na=T38FaxMaxDatagram:176\r\na=T38FaxUdpEC:t38UDPRedundancy\r\n";

static const char webrtc_offer[] =
	"v=0\r\no=- 46117 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0\r\n"
	"a=msid-semantic: WMS\r\n"
	"m=audio 9 UDP/TLS/RTP/SAVPF 111 0 8\r\nc=IN IP4 0.0.0.0\r\n"
	"a=candidate:1 1 udp 2122260223 192.0.2.7 54321 typ host generation 0\r\n"
	"a=ice-ufrag:F7gI\r\na=ice-pwd:x9cml/YzichV2+XlhiMu8g\r\n"
	"a=fingerprint:sha-256 D1:2C:BE:AD:C4:F6:64:5C:25:16:11:9C:AF:E7:0F:73:79:36:4E:9C:1E:15:54:39:0C:06:8B:ED:96:86:00:39\r\n"
	"a=setup:actpass\r\na=mid:0\r\na=sendrecv\r\na=rtcp-mux\r\n"
	"a=rtpmap:111 opus/48000/2\r\na=fmtp:111 minptime=10;useinbandfec=1\r\n";

static const char old_hold[] = "v=0\r\no=- 1 2 IN IP4 192.0.2.10\r\ns=-\r\nc=IN IP4 0.0.0.0\r\n"
			       "t=0 0\r\nm=audio 40000 RTP/AVP 8\r\n";

static void parse_ok(const char *text, struct sdp_session *s)
{
	struct sdp_error e;

	if (sdp_parse(s, text, strlen(text), &e) != 0)
		fail_msg("line %u: %s", e.line, e.msg);
}

static void pbx_offer_fields(void **state)
{
	struct sdp_session s;
	struct sv enc, fmtp;
	unsigned clock, ch;
	bool found;

	parse_ok(pbx_offer, &s);
	assert_true(sv_eq_cstr(s.origin_addr, "192.0.2.10"));
	assert_true(sv_eq_cstr(s.conn.addr, "192.0.2.10"));
	assert_int_equal(s.nmedia, 1);
	assert_true(sv_eq_cstr(s.media[0].type, "audio"));
	assert_int_equal(s.media[0].port, 40000);
	assert_true(sv_eq_cstr(s.media[0].proto, "RTP/AVP"));
	assert_int_equal(s.media[0].nfmts, 4);
	assert_true(sv_eq_cstr(s.media[0].fmts[3], "101"));
	assert_true(sdp_media_rtpmap(&s.media[0], 18, &enc, &clock, &ch));
	assert_true(sv_eq_cstr(enc, "G729"));
	assert_int_equal(clock, 8000);
	assert_int_equal(ch, 1);
	fmtp = sdp_media_fmtp(&s.media[0], 101, &found);
	assert_true(found && sv_eq_cstr(fmtp, "0-16"));
	assert_int_equal(s.media[0].ptime, 20);
	assert_int_equal(sdp_media_direction(&s, &s.media[0]), SDP_DIR_SENDRECV);
}

static void srtp_and_rtcp(void **state)
{
	struct sdp_session s;
	const struct sdp_attr *a;

	parse_ok(srtp_offer, &s); /* LF line ends are accepted */
	assert_true(sv_eq_cstr(s.media[0].conn.addr, "2001:db8::10"));
	assert_true(sv_eq_cstr(s.media[0].proto, "RTP/SAVP"));
	a = sdp_attr_find(s.media[0].attrs, s.media[0].nattrs, "crypto", NULL);
	assert_true(sv_eq_cstr(a->value, "1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20|1:32"));
	a = sdp_attr_find(s.media[0].attrs, s.media[0].nattrs, "crypto", a);
	assert_true(sv_eq_cstr(a->value, "2 AEAD_AES_128_GCM inline:kz1pT4ztbe2vZ7ulNmUaUXHNR5N3wUJI0NtvUA=="));
	assert_true(s.media[0].rtcp_mux);
	assert_int_equal(s.media[0].rtcp_port, 49171);
	assert_int_equal(s.media[0].nother, 1); /* b=AS:80 */
}

static void t38_webrtc_and_hold(void **state)
{
	struct sdp_session s;
	struct sv enc;
	unsigned clock, ch;

	parse_ok(t38_reoffer, &s);
	assert_true(sv_eq_cstr(s.media[0].type, "image"));
	assert_true(sv_eq_cstr(s.media[0].proto, "udptl"));
	assert_true(sv_eq_cstr(sdp_attr_find(s.media[0].attrs, s.media[0].nattrs, "T38FaxMaxDatagram", NULL)->value, "176"));
	parse_ok(webrtc_offer, &s);
	assert_true(sdp_media_rtpmap(&s.media[0], 111, &enc, &clock, &ch));
	assert_int_equal(ch, 2);
	assert_non_null(sdp_attr_find(s.media[0].attrs, s.media[0].nattrs, "ice-ufrag", NULL));
	assert_non_null(sdp_attr_find(s.attrs, s.nattrs, "msid-semantic", NULL));
	parse_ok(old_hold, &s);
	assert_int_equal(sdp_media_direction(&s, &s.media[0]), SDP_DIR_SENDONLY); /* RFC 3264 §8.4 */
}

static void prints_back_the_same(void **state)
{
	const char *all[] = {pbx_offer, srtp_offer, t38_reoffer, webrtc_offer, old_hold};
	char out[4096], again[4096];

	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		struct sdp_session s, s2;
		int n, n2;

		parse_ok(all[i], &s);
		n = sdp_print(&s, out, sizeof(out));
		assert_true(n > 0);
		out[n] = '\0';
		parse_ok(out, &s2);
		n2 = sdp_print(&s2, again, sizeof(again));
		assert_int_equal(n, n2);
		assert_memory_equal(out, again, (size_t)n);
		assert_int_equal(s.nmedia, s2.nmedia);
		assert_int_equal(s.media[0].nattrs, s2.media[0].nattrs);
	}
	/* with CRLF input already in RFC order, the print is byte-identical */
	{
		struct sdp_session s;
		int n;

		parse_ok(pbx_offer, &s);
		n = sdp_print(&s, out, sizeof(out));
		assert_int_equal(n, (int)strlen(pbx_offer));
		assert_memory_equal(out, pbx_offer, (size_t)n);
		assert_int_equal(sdp_print(&s, out, 20), -ENOSPC);
	}
}

static void broken_descriptions(void **state)
{
	static const struct {
		const char *text;
		unsigned line;
		const char *msg;
	} cases[] = {
		{"o=- 1 1 IN IP4 h\r\n", 1, "the first line must be v="},
		{"v=1\r\n", 1, "v= line: only version 0 is known"},
		{"v=0\r\no=- 1 1 IN IP4\r\n", 2, "o= line: needs 6 fields"},
		{"v=0\r\no=- 1 1 IN IP4 h\r\ns=-\r\nt=0 0\r\nm=audio 70000 RTP/AVP 0\r\n", 5, "m= line: bad port"},
		{"v=0\r\no=- 1 1 IN IP4 h\r\ns=-\r\nt=0 0\r\nm=audio 4000 RTP/AVP\r\n", 5,
		 "m= line: needs media, port, protocol and a format"},
		{"v=0\r\no=- 1 1 IN IP4 h\r\ns=-\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n", 5,
		 "a medium without a c= line (and none for the session)"},
		{"v=0\r\no=- 1 1 IN IP4 h\r\ns=-\r\nc=IN IP4 h\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\na=ptime:x\r\n", 7,
		 "a=ptime: not a number of milliseconds"},
		{"v=0\r\no=- 1 1 IN IP4 h\r\ns=-\r\nt=0 0\r\nX=1\r\n", 5, "not a line of the form x=value"},
		{"v=0\r\no=- 1 1 IN IP4 h\r\nm=audio 4000 RTP/AVP 0\r\n", 3, "m= line before o=, s= and t="},
		{"v=0\r\no=- 1 1 IN IP4 h\r\ns=-\r\nc=IN IP4\r\n", 4, "c= line: needs nettype, addrtype and address"},
		/* found by the SDP fuzzer: an empty sixth o= field, and an rtcp
		 * attribute without a value */
		{"v=0\r\no=- 1 1 IN IP4  \r\n", 2, "o= line: needs 6 fields"},
		{"v=0\r\no=- 1 1 IN IP4 h\r\ns=-\r\nc=IN IP4 h\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\na=rtcp\r\n", 7,
		 "a=rtcp: bad port"},
	};
	struct sdp_session s;
	struct sdp_error e;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(sdp_parse(&s, cases[i].text, strlen(cases[i].text), &e), -EBADMSG);
		assert_string_equal(e.msg, cases[i].msg);
		assert_int_equal(e.line, cases[i].line);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		SGW_TEST(pbx_offer_fields),
		SGW_TEST(srtp_and_rtcp),
		SGW_TEST(t38_webrtc_and_hold),
		SGW_TEST(prints_back_the_same),
		SGW_TEST(broken_descriptions),
	};
	return cmocka_run_group_tests_name("sip/sdp", tests, NULL, NULL);
}
