/* Typed headers: Via (with IPv6, rport, received), From/To name-addr with
 * display names and tags, Contact lists with expires/q and '*', digest
 * challenge parameters, comma lists that hold commas in quotes. */
#include "config.h"

#include "sip/hdr.h"
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		SGW_TEST(via),
		SGW_TEST(name_addr),
		SGW_TEST(contact_list),
		SGW_TEST(digest_challenge),
		SGW_TEST(numbers_and_call_control_headers),
	};
	return cmocka_run_group_tests_name("sip/hdr", tests, NULL, NULL);
}
