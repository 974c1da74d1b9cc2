/* Typed headers: Via (with IPv6, rport, received), From/To name-addr with
 * display names and tags, Contact lists with expires/q and '*', digest
 * challenge parameters, comma lists that hold commas in quotes. */
#include "config.h"

#include "sip/hdr.h"
#include "sip/msg.h"
#include "testutil.h"

#include <errno.h>

static void via(void **state)
{
	struct sip_via v;

	assert_int_equal(sip_via_parse(sv_cstr("SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK74bf9;rport"), &v), 0);
	assert_true(sv_eq_cstr(v.transport, "UDP"));
	assert_true(sv_eq_cstr(v.host, "192.0.2.10"));
	assert_int_equal(v.port, 5060);
	assert_true(sv_eq_cstr(v.branch, "z9hG4bK74bf9"));
	assert_true(v.rport);
	assert_int_equal(v.rport_value, -1);
	assert_int_equal(sip_via_parse(sv_cstr("SIP / 2.0 / TCP [2001:db8::9]:5070 ; received=[2001:db8::1] ;rport=4000;ttl=16;maddr=224.2.0.1"), &v), 0);
	assert_true(sv_eq_cstr(v.transport, "TCP"));
	assert_true(sv_eq_cstr(v.host, "2001:db8::9"));
	assert_int_equal(v.port, 5070);
	assert_true(sv_eq_cstr(v.received, "[2001:db8::1]"));
	assert_int_equal(v.rport_value, 4000);
	assert_int_equal(v.ttl, 16);
	assert_true(sv_eq_cstr(v.maddr, "224.2.0.1"));
	assert_int_equal(sip_via_parse(sv_cstr("SIP/2.0/UDP host:99999"), &v), -EINVAL);
	assert_int_equal(sip_via_parse(sv_cstr("SIP/2.0/UDP"), &v), -EINVAL);
	assert_int_equal(sip_via_parse(sv_cstr("SIP/2.0/UDP h;ttl=300"), &v), -EINVAL);
}

static void name_addr(void **state)
{
	struct sip_name_addr na;

	assert_int_equal(sip_name_addr_parse(sv_cstr("\"Bell, Alexander\" <sip:a.g.bell@example.com>;tag=433423"), &na), 0);
	assert_true(sv_eq_cstr(na.display, "Bell, Alexander"));
	assert_true(sv_eq_cstr(na.uri.user, "a.g.bell"));
	assert_true(sv_eq_cstr(na.tag, "433423"));
	/* addr-spec form: the parameters after the URI are the header's */
	assert_int_equal(sip_name_addr_parse(sv_cstr("sip:caller@example.net;tag=2234923"), &na), 0);
	assert_true(sv_eq_cstr(na.tag, "2234923"));
	assert_true(sv_eq_cstr(na.uri.host, "example.net"));
	assert_int_equal(na.uri.params.len, 0);
	/* a URI with its own parameters inside <> */
	assert_int_equal(sip_name_addr_parse(sv_cstr("Anonymous <sip:+49301@gw;user=phone>"), &na), 0);
	assert_true(sv_eq_cstr(na.display, "Anonymous"));
	assert_int_equal(na.tag.len, 0);
	assert_int_equal(sip_name_addr_parse(sv_cstr("<sip:a@b>;tag="), &na), -EINVAL);
	assert_int_equal(sip_name_addr_parse(sv_cstr("<sip:a@b"), &na), -EINVAL);
}

static void contact_list(void **state)
{
	struct sv rest = sv_cstr("\"Joe, Jr\" <sip:joe@192.0.2.4>;q=0.7;expires=3600, sip:joe@192.0.2.5;q=1.0");
	struct sv e;
	struct sip_contact c;
	int n = 0;

	while (sip_list_next(&rest, &e)) {
		assert_int_equal(sip_contact_parse(e, &c), 0);
		if (n == 0) {
			assert_true(sv_eq_cstr(c.na.display, "Joe, Jr"));
			assert_int_equal(c.q, 700);
			assert_int_equal(c.expires, 3600);
		} else {
			assert_true(sv_eq_cstr(c.na.uri.host, "192.0.2.5"));
			assert_int_equal(c.q, 1000);
			assert_int_equal(c.expires, -1);
		}
		n++;
	}
	assert_int_equal(n, 2);
	assert_int_equal(sip_contact_parse(sv_cstr("*"), &c), 0);
	assert_true(c.star);
	assert_int_equal(sip_contact_parse(sv_cstr("<sip:a@b>;q=1.5"), &c), -EINVAL);
	assert_int_equal(sip_contact_parse(sv_cstr("<sip:a@b>;expires=soon"), &c), -EINVAL);
}

static void digest_challenge(void **state)
{
	struct sip_auth a;
	bool found;

	assert_int_equal(sip_auth_parse(sv_cstr("Digest realm=\"gw.example, east\", nonce=\"abc123\", "
						"algorithm=SHA-256, qop=\"auth,auth-int\", stale=TRUE"),
				     &a),
			 0);
	assert_true(sv_eq_cstr(a.scheme, "Digest"));
	assert_true(sv_eq_cstr(sip_auth_param(&a, "realm", &found), "gw.example, east"));
	assert_true(sv_eq_cstr(sip_auth_param(&a, "NONCE", &found), "abc123"));
	assert_true(sv_eq_cstr(sip_auth_param(&a, "algorithm", &found), "SHA-256"));
	assert_true(sv_eq_cstr(sip_auth_param(&a, "qop", &found), "auth,auth-int"));
	assert_true(sv_eq_cstr(sip_auth_param(&a, "stale", &found), "TRUE"));
	sip_auth_param(&a, "opaque", &found);
	assert_false(found);
}

static void numbers_and_call_control_headers(void **state)
{
	uint32_t n;
	struct sip_rack rack;
	struct sip_reason rs;
	struct sip_session_expires se;
	struct sip_replaces rp;
	struct sip_event ev;

	assert_int_equal(sip_hdr_uint(sv_cstr(" 3600 "), &n), 0);
	assert_int_equal(n, 3600);
	assert_int_equal(sip_hdr_uint(sv_cstr("18000 (lunch);duration=3600"), &n), 0); /* Retry-After */
	assert_int_equal(n, 18000);
	assert_int_equal(sip_hdr_uint(sv_cstr("12x"), &n), -EINVAL);
	assert_int_equal(sip_hdr_uint(sv_cstr("99999999999"), &n), -ERANGE);

	assert_int_equal(sip_rack_parse(sv_cstr("776656 1 INVITE"), &rack), 0);
	assert_int_equal(rack.rseq, 776656);
	assert_int_equal(rack.cseq, 1);
	assert_true(sv_eq_cstr(rack.method, "INVITE"));
	assert_int_equal(sip_rack_parse(sv_cstr("1 INVITE"), &rack), -EINVAL);

	assert_int_equal(sip_reason_parse(sv_cstr("Q.850 ;cause=17 ;text=\"user busy\""), &rs), 0);
	assert_true(sv_eq_cstr(rs.protocol, "Q.850"));
	assert_int_equal(rs.cause, 17);
	assert_true(sv_eq_cstr(rs.text, "user busy"));
	assert_int_equal(sip_reason_parse(sv_cstr("SIP;cause=abc"), &rs), -EINVAL);

	assert_int_equal(sip_session_expires_parse(sv_cstr("1800;refresher=uas"), &se), 0);
	assert_int_equal(se.seconds, 1800);
	assert_int_equal(se.refresher, 2);
	assert_int_equal(sip_session_expires_parse(sv_cstr("1800;refresher=me"), &se), -EINVAL);

	assert_int_equal(sip_replaces_parse(sv_cstr("425928@bobster.example.org;to-tag=7743;from-tag=6472;early-only"), &rp), 0);
	assert_true(sv_eq_cstr(rp.call_id, "425928@bobster.example.org"));
	assert_true(sv_eq_cstr(rp.to_tag, "7743"));
	assert_true(sv_eq_cstr(rp.from_tag, "6472"));
	assert_true(rp.early_only);
	assert_int_equal(sip_replaces_parse(sv_cstr("x@y;to-tag=1"), &rp), -EINVAL);

	assert_int_equal(sip_event_parse(sv_cstr("refer;id=93809824"), &ev), 0);
	assert_true(sv_eq_cstr(ev.type, "refer"));
	assert_true(sv_eq_cstr(ev.id, "93809824"));

	{
		struct sip_subscription_state st;

		assert_int_equal(sip_subscription_state_parse(sv_cstr("terminated;reason=timeout;retry-after=30"), &st), 0);
		assert_true(sv_eq_cstr(st.state, "terminated"));
		assert_true(sv_eq_cstr(st.reason, "timeout"));
		assert_int_equal(st.retry_after, 30);
		assert_int_equal(st.expires, -1);
	}
	assert_true(sip_token_list_has(sv_cstr("100rel, Timer ,replaces"), "timer"));
	assert_false(sip_token_list_has(sv_cstr("100rel, replaces"), "timer"));
	assert_true(sip_privacy_has(sv_cstr("header; id"), "id"));
	assert_false(sip_privacy_has(sv_cstr("none"), "id"));
}

/* RFC 5806 Diversion, RFC 7044 History-Info, RFC 3325 identities: what a
 * PBX sends on a forwarded call, parsed through a whole message. */
static void redirection_headers(void **state)
{
	static const char msg[] =
		"INVITE sip:+4930555@gw.example.net SIP/2.0\r\n"
		"Via: SIP/2.0/UDP pbx.example.com;branch=z9hG4bKdiv1\r\n"
		"Max-Forwards: 70\r\n"
		"From: <sip:+4930111@example.com>;tag=a1\r\n"
		"To: <sip:+4930555@example.net>\r\n"
		"Call-ID: div-1@pbx\r\n"
		"CSeq: 1 INVITE\r\n"
		"Diversion: <sip:+4930222@example.com>;reason=unconditional;counter=2;privacy=off;screen=yes,\r\n"
		" \"Desk\" <tel:+4930333>;reason=user-busy\r\n"
		"History-Info: <sip:+4930222@example.com>;index=1,\r\n"
		" <sip:+4930333@example.com?Reason=SIP%3Bcause%3D302>;index=1.1;rc=1\r\n"
		"History-Info: <sip:+4930555@example.net>;index=1.1.1;mp=1.1\r\n"
		"P-Asserted-Identity: \"Alice\" <sip:+4930111@example.com>, <tel:+4930111>\r\n"
		"P-Preferred-Identity: <sip:alice@example.com>\r\n"
		"Privacy: id\r\n"
		"User-Agent: PBX/7.1 (lab)\r\n"
		"Timestamp: 54.023 0.5\r\n"
		"Content-Length: 0\r\n\r\n";
	struct sip_msg m;
	struct sip_parse_error err;
	const struct sip_hdr *h;
	struct sip_diversion d;
	struct sip_history_info hi;
	struct sip_name_addr na;
	struct sip_timestamp ts;
	struct sv rest, elem;
	char reason[64];
	int n;

	(void)state;
	assert_int_equal(sip_msg_parse(&m, msg, sizeof(msg) - 1, SIP_FRAMING_DATAGRAM, &err), 0);
	h = sip_msg_hdr_find(&m, SIP_HDR_DIVERSION, NULL);
	assert_non_null(h);
	rest = h->value;
	assert_true(sip_list_next(&rest, &elem));
	assert_int_equal(sip_diversion_parse(elem, &d), 0);
	assert_true(sv_eq_cstr(d.na.uri.user, "+4930222"));
	assert_true(sv_eq_cstr(d.reason, "unconditional"));
	assert_int_equal(d.counter, 2);
	assert_int_equal(d.limit, -1);
	assert_true(sv_eq_cstr(d.privacy, "off"));
	assert_true(sv_eq_cstr(d.screen, "yes"));
	assert_true(sip_list_next(&rest, &elem));
	assert_int_equal(sip_diversion_parse(elem, &d), 0);
	assert_true(sv_eq_cstr(d.na.display, "Desk"));
	assert_int_equal(d.na.uri.scheme, SIP_URI_TEL);
	assert_true(sv_eq_cstr(d.reason, "user-busy"));
	assert_int_equal(d.counter, 1); /* §4.1: absent means 1 */
	assert_false(sip_list_next(&rest, &elem));
	assert_int_equal(sip_diversion_parse(sv_cstr("<sip:a@b>;counter=x"), &d), -EINVAL);

	/* History-Info: three entries over two header lines, in order */
	h = sip_msg_hdr_find(&m, SIP_HDR_HISTORY_INFO, NULL);
	rest = h->value;
	assert_true(sip_list_next(&rest, &elem));
	assert_int_equal(sip_history_info_parse(elem, &hi), 0);
	assert_true(sv_eq_cstr(hi.index, "1"));
	assert_int_equal(hi.depth, 1);
	assert_int_equal(hi.tag, SIP_HI_NONE);
	assert_int_equal(hi.reason.len, 0);
	assert_true(sip_list_next(&rest, &elem));
	assert_int_equal(sip_history_info_parse(elem, &hi), 0);
	assert_int_equal(hi.depth, 2);
	assert_int_equal(hi.tag, SIP_HI_RC);
	assert_true(sv_eq_cstr(hi.tag_index, "1"));
	n = sip_uri_unescape(hi.reason, reason, sizeof(reason));
	assert_int_equal(n, 13);
	assert_memory_equal(reason, "SIP;cause=302", 13);
	h = sip_msg_hdr_find(&m, SIP_HDR_HISTORY_INFO, h);
	assert_non_null(h);
	assert_int_equal(sip_history_info_parse(h->value, &hi), 0);
	assert_true(sv_eq_cstr(hi.index, "1.1.1"));
	assert_int_equal(hi.tag, SIP_HI_MP);
	assert_true(sv_eq_cstr(hi.tag_index, "1.1"));
	assert_int_equal(sip_history_info_parse(sv_cstr("<sip:a@b>"), &hi), -EINVAL); /* no index */
	assert_int_equal(sip_history_info_parse(sv_cstr("<sip:a@b>;index=1..2"), &hi), -EINVAL);
	assert_int_equal(sip_history_info_parse(sv_cstr("<sip:a@b>;index=1;rc;mp"), &hi), -EINVAL);

	h = sip_msg_hdr_find(&m, SIP_HDR_P_ASSERTED_IDENTITY, NULL);
	rest = h->value;
	assert_true(sip_list_next(&rest, &elem));
	assert_int_equal(sip_name_addr_parse(elem, &na), 0);
	assert_true(sv_eq_cstr(na.display, "Alice"));
	assert_true(sip_list_next(&rest, &elem));
	assert_int_equal(sip_name_addr_parse(elem, &na), 0);
	assert_int_equal(na.uri.scheme, SIP_URI_TEL);
	assert_true(sv_eq_cstr(na.uri.number, "+4930111"));
	h = sip_msg_hdr_find(&m, SIP_HDR_P_PREFERRED_IDENTITY, NULL);
	assert_int_equal(sip_name_addr_parse(h->value, &na), 0);
	assert_true(sv_eq_cstr(na.uri.user, "alice"));
	assert_true(sip_privacy_has(sip_msg_hdr_find(&m, SIP_HDR_PRIVACY, NULL)->value, "id"));
	assert_true(sv_eq_cstr(sip_msg_hdr_find(&m, SIP_HDR_USER_AGENT, NULL)->value, "PBX/7.1 (lab)"));

	h = sip_msg_hdr_find(&m, SIP_HDR_TIMESTAMP, NULL);
	assert_int_equal(sip_timestamp_parse(h->value, &ts), 0);
	assert_int_equal(ts.value_us, 54023000);
	assert_int_equal(ts.delay_us, 500000);
	assert_true(sv_eq_cstr(ts.value, "54.023"));
	assert_int_equal(sip_timestamp_parse(sv_cstr("12"), &ts), 0);
	assert_int_equal(ts.delay.len, 0);
	assert_int_equal(sip_timestamp_parse(sv_cstr("1.2.3"), &ts), -EINVAL);
	assert_int_equal(sip_timestamp_parse(sv_cstr("abc"), &ts), -EINVAL);
}

/* RFC 3515 Refer-To with an attended transfer's Replaces, RFC 3892
 * Referred-By, Retry-After with comment and duration. */
static void transfer_and_retry_headers(void **state)
{
	struct sip_refer_to rt;
	struct sip_referred_by rb;
	struct sip_retry_after ra;
	char buf[128];

	(void)state;
	assert_int_equal(sip_refer_to_parse(sv_cstr("<sip:dave@denver.example.org?Replaces=12345%40192.168.118.3%3Bto-tag%3D12345%3Bfrom-tag%3D5FFE-3994>"),
					    &rt, buf, sizeof(buf)), 0);
	assert_true(sv_eq_cstr(rt.na.uri.user, "dave"));
	assert_true(rt.has_replaces);
	assert_true(sv_eq_cstr(rt.replaces.call_id, "12345@192.168.118.3"));
	assert_true(sv_eq_cstr(rt.replaces.to_tag, "12345"));
	assert_true(sv_eq_cstr(rt.replaces.from_tag, "5FFE-3994"));
	assert_int_equal(sip_refer_to_parse(sv_cstr("sip:carol@example.com"), &rt, buf, sizeof(buf)), 0);
	assert_false(rt.has_replaces);
	/* a Replaces without both tags is refused, and one too long for the buffer */
	assert_int_equal(sip_refer_to_parse(sv_cstr("<sip:d@e?Replaces=1%3Bto-tag%3D2>"), &rt, buf, sizeof(buf)), -EINVAL);
	assert_int_equal(sip_refer_to_parse(sv_cstr("<sip:dave@denver.example.org?Replaces=12345%40192.168.118.3%3Bto-tag%3D12345%3Bfrom-tag%3D5FFE-3994>"),
					    &rt, buf, 8), -EINVAL);
	assert_int_equal(sip_refer_to_parse(sv_cstr("<sip:d@e?Replaces=a%00b%3Bto-tag%3D2%3Bfrom-tag%3D3>"), &rt, buf, sizeof(buf)), -EINVAL);

	assert_int_equal(sip_referred_by_parse(sv_cstr("<sip:referrer@atlanta.example.com>;cid=\"20398823.2UWQFN309shb3@referrer.example\""), &rb), 0);
	assert_true(sv_eq_cstr(rb.na.uri.user, "referrer"));
	assert_true(sv_eq_cstr(rb.cid, "20398823.2UWQFN309shb3@referrer.example"));

	assert_int_equal(sip_retry_after_parse(sv_cstr("18000;duration=3600"), &ra), 0);
	assert_int_equal(ra.seconds, 18000);
	assert_int_equal(ra.duration, 3600);
	assert_int_equal(ra.comment.len, 0);
	assert_int_equal(sip_retry_after_parse(sv_cstr("120 (I'm in a (long) meeting)"), &ra), 0);
	assert_int_equal(ra.seconds, 120);
	assert_true(sv_eq_cstr(ra.comment, "I'm in a (long) meeting"));
	assert_int_equal(ra.duration, -1);
	assert_int_equal(sip_retry_after_parse(sv_cstr("120 (unclosed"), &ra), -EINVAL);
	assert_int_equal(sip_retry_after_parse(sv_cstr("soon"), &ra), -EINVAL);
	assert_int_equal(sip_retry_after_parse(sv_cstr("5 junk"), &ra), -EINVAL);
}

/* RFC 5621 multipart bodies: SDP plus ISUP (RFC 3204) as an ISDN gateway
 * receives them from SIP-I/SIP-T networks. */
static void multipart_body(void **state)
{
	static const char body[] =
		"preamble to ignore\r\n"
		"--unique-boundary-1\r\n"
		"Content-Type: application/sdp\r\n"
		"\r\n"
		"v=0\r\n"
		"o=- 1 1 IN IP4 192.0.2.1\r\n"
		"\r\n"
		"--unique-boundary-1\r\n"
		"Content-Type: application/ISUP;version=nxv3;base=etsi121\r\n"
		"Content-Disposition: signal;handling=optional\r\n"
		"\r\n"
		"\x01\x00\x49\x00\x00\x03\x02\x00\x07\x04\x10\x00\x33\x63\x21\x43\x00\x00\x03\r\n"
		"--unique-boundary-1--\r\n"
		"epilogue\r\n";
	struct sip_content_type ct;
	struct sip_multipart mp;
	struct sip_body_part part;
	struct sv b = sv_make(body, sizeof(body) - 1);

	(void)state;
	assert_int_equal(sip_content_type_parse(sv_cstr("multipart/mixed;boundary=unique-boundary-1"), &ct), 0);
	assert_true(sip_content_type_is(&ct, "Multipart", "MIXED"));
	assert_true(sv_eq_cstr(ct.boundary, "unique-boundary-1"));
	assert_int_equal(sip_content_type_parse(sv_cstr("multipart/mixed"), &ct), -EINVAL);
	assert_int_equal(sip_content_type_parse(sv_cstr("application"), &ct), -EINVAL);
	assert_int_equal(sip_content_type_parse(sv_cstr("application/sdp ; charset=\"x\""), &ct), 0);
	assert_true(sip_content_type_is(&ct, "application", "sdp"));

	sip_multipart_init(&mp, b, sv_cstr("unique-boundary-1"));
	assert_int_equal(sip_multipart_next(&mp, &part), 1);
	assert_true(sv_eq_cstr(part.content_type, "application/sdp"));
	assert_true(sv_eq_cstr(part.content, "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\n"));
	assert_int_equal(sip_multipart_next(&mp, &part), 1);
	assert_int_equal(part.content.len, 19); /* binary ISUP, with its CR LF kept out */
	assert_int_equal((unsigned char)part.content.p[2], 0x49);
	assert_int_equal(sip_multipart_next(&mp, &part), 0);
	assert_int_equal(sip_multipart_next(&mp, &part), 0);

	assert_int_equal(sip_multipart_find(b, sv_cstr("unique-boundary-1"), "application", "isup", &part), 1);
	assert_int_equal(part.content.len, 19);
	assert_int_equal(sip_multipart_find(b, sv_cstr("unique-boundary-1"), "text", "plain", &part), 0);
	/* truncated: no close delimiter */
	assert_int_equal(sip_multipart_find(sv_make(body, 100), sv_cstr("unique-boundary-1"), "text", "plain", &part), -EBADMSG);
	/* the wrong boundary: nothing delimits the body */
	assert_int_equal(sip_multipart_find(b, sv_cstr("other"), "application", "sdp", &part), -EBADMSG);
	/* a part without the blank line after its headers */
	assert_int_equal(sip_multipart_find(sv_cstr("--b\r\nContent-Type: a/b\r\n--b--\r\n"), sv_cstr("b"), "a", "b", &part), -EBADMSG);
	/* a part without headers */
	assert_int_equal(sip_multipart_find(sv_cstr("--b\r\n\r\nhello\r\n--b--"), sv_cstr("b"), "text", "plain", &part), 0);
	sip_multipart_init(&mp, sv_cstr("--b\r\n\r\nhello\r\n--b--"), sv_cstr("b"));
	assert_int_equal(sip_multipart_next(&mp, &part), 1);
	assert_true(sv_eq_cstr(part.content, "hello"));
	assert_int_equal(part.content_type.len, 0);
}

/* DTMF in INFO bodies, the two forms gateways send */
static void info_dtmf_bodies(void **state)
{
	char d;
	unsigned ms;

	(void)state;
	assert_int_equal(sip_info_dtmf_parse(sv_cstr("application/dtmf-relay"),
					     sv_cstr("Signal= 5\r\nDuration= 160\r\n"), &d, &ms),
			 0);
	assert_int_equal(d, '5');
	assert_int_equal(ms, 160);
	assert_int_equal(sip_info_dtmf_parse(sv_cstr("Application/DTMF-Relay"), sv_cstr("signal=#\r\nduration=250"),
					     &d, &ms),
			 0);
	assert_int_equal(d, '#');
	assert_int_equal(ms, 250);
	assert_int_equal(sip_info_dtmf_parse(sv_cstr("application/dtmf"), sv_cstr("b"), &d, &ms), 0);
	assert_int_equal(d, 'B');
	assert_int_equal(ms, 100); /* not given */
	assert_int_equal(sip_info_dtmf_parse(sv_cstr("application/dtmf-relay"), sv_cstr("Signal=1\nDuration=9"), &d,
					     &ms),
			 0);
	assert_int_equal(ms, 100); /* out of 40-5000 */
	/* no digit, a letter that is none, another body */
	assert_int_equal(sip_info_dtmf_parse(sv_cstr("application/dtmf-relay"), sv_cstr("Duration=100"), &d, &ms),
			 -EINVAL);
	assert_int_equal(sip_info_dtmf_parse(sv_cstr("application/dtmf-relay"), sv_cstr("Signal=x"), &d, &ms),
			 -EINVAL);
	assert_int_equal(sip_info_dtmf_parse(sv_cstr("application/sdp"), sv_cstr("v=0"), &d, &ms), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		SGW_TEST(via),
		SGW_TEST(name_addr),
		SGW_TEST(contact_list),
		SGW_TEST(digest_challenge),
		SGW_TEST(numbers_and_call_control_headers),
		SGW_TEST(redirection_headers),
		SGW_TEST(transfer_and_retry_headers),
		SGW_TEST(multipart_body),
		SGW_TEST(info_dtmf_bodies),
	};
	return cmocka_run_group_tests_name("sip/hdr", tests, NULL, NULL);
}
