/* URIs: sip/sips/tel parsing into views, escapes (NUL included), IPv6,
 * errors, and the equivalence examples of RFC 3261 §19.1.4 and RFC 3966. */
#include "config.h"

#include "sip/uri.h"
#include "testutil.h"

#include <errno.h>
#include <string.h>

static struct sip_uri parse_ok(const char *text)
{
	struct sip_uri u;

	if (sip_uri_parse(&u, sv_cstr(text)) != 0)
		fail_msg("'%s' did not parse", text);
	return u;
}

static void sip_uri_parts(void **state)
{
	struct sip_uri u = parse_ok("sips:alice:secret@[2001:db8::10]:5061;transport=tcp;lr?subject=hi");
	bool found;

	assert_int_equal(u.scheme, SIP_URI_SIPS);
	assert_true(sv_eq_cstr(u.user, "alice"));
	assert_true(sv_eq_cstr(u.password, "secret"));
	assert_true(sv_eq_cstr(u.host, "2001:db8::10"));
	assert_true(u.host_ipv6);
	assert_int_equal(u.port, 5061);
	assert_true(sv_eq_cstr(sip_uri_param(&u, "TRANSPORT", &found), "tcp"));
	assert_true(found);
	sip_uri_param(&u, "lr", &found);
	assert_true(found);
	sip_uri_param(&u, "maddr", &found);
	assert_false(found);
	assert_true(sv_eq_cstr(u.headers, "subject=hi"));

	/* a user part holding ';', '?' and '/' (RFC 4475 §3.1.1.2) */
	u = parse_ok("sip:1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*:&it+has=1,weird!*pas$wo~d_too.(doesn't-it)@example.com");
	assert_true(sv_eq_cstr(u.user, "1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*"));
	assert_true(sv_eq_cstr(u.host, "example.com"));
	assert_int_equal(u.port, 0);

	u = parse_ok("sip:+4930123456@gw.example.com;user=phone");
	assert_true(sv_eq_cstr(sip_uri_param(&u, "user", &found), "phone"));
	u = parse_ok("mailto:someone@example.com");
	assert_int_equal(u.scheme, SIP_URI_OTHER);
	assert_true(sv_eq_cstr(u.scheme_text, "mailto"));
}

static void escapes(void **state)
{
	struct sip_uri u = parse_ok("sip:null-%00-null@example.com");
	char out[32];
	int n = sip_uri_unescape(u.user, out, sizeof(out));

	assert_int_equal(n, 11); /* the NUL is a character, not the end */
	assert_memory_equal(out, "null-\0-null", 11);
	assert_int_equal(sip_uri_unescape(sv_cstr("bad%4"), out, sizeof(out)), -EINVAL);
	assert_int_equal(sip_uri_unescape(sv_cstr("%zz"), out, sizeof(out)), -EINVAL);
}

static void tel_uris(void **state)
{
	struct sip_uri u = parse_ok("tel:+49-30-123(456).7;ext=12;isub=5");
	bool found;

	assert_int_equal(u.scheme, SIP_URI_TEL);
	assert_true(u.global);
	assert_true(sv_eq_cstr(u.number, "+49-30-123(456).7"));
	assert_true(sv_eq_cstr(sip_uri_param(&u, "ext", &found), "12"));
	u = parse_ok("tel:1234567;phone-context=+4930");
	assert_false(u.global);
}

static void bad_uris_refused(void **state)
{
	static const char *const bad[] = {
		"sip:",		"sip:@host",	   "sip:user@",	      "sip:user@host:0",
		"sip:user@host:99999", "sip:user@ho st", "sip:<user@host>", "sip:user@[2001:db8::1",
		"sip:user@[not-ipv6]", "sip:a@b;x=%zz", "nocolon",	      ":empty",
		"tel:",		"tel:1234567",	   "tel:+49x30",      "1sip:a@b",
		/* a parameter twice (found by the URI fuzzer: not equal to itself) */
		"tel:+4930;ext=1;ext=2", "sip:a@b;transport=tcp;Transport=udp",
	};
	struct sip_uri u;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (sip_uri_parse(&u, sv_cstr(bad[i])) != -EINVAL)
			fail_msg("'%s' was accepted", bad[i]);
}

static bool eq(const char *a, const char *b)
{
	struct sip_uri x = parse_ok(a), y = parse_ok(b);

	return sip_uri_equal(&x, &y) && sip_uri_equal(&y, &x);
}

static void rfc3261_equivalence(void **state)
{
	/* equal */
	assert_true(eq("sip:%61lice@atlanta.com;transport=TCP", "sip:alice@AtLanTa.CoM;Transport=tcp"));
	assert_true(eq("sip:carol@chicago.com", "sip:carol@chicago.com;newparam=5"));
	assert_true(eq("sip:carol@chicago.com;newparam=5", "sip:carol@chicago.com;security=on"));
	assert_true(eq("sip:biloxi.com;transport=tcp;method=REGISTER?to=sip:bob%40biloxi.com",
		       "sip:biloxi.com;method=REGISTER;transport=tcp?to=sip:bob%40biloxi.com"));
	assert_true(eq("sip:alice@atlanta.com?subject=project%20x&priority=urgent",
		       "sip:alice@atlanta.com?priority=urgent&subject=project%20x"));
	assert_true(eq("sip:a@[2001:db8::10]", "sip:a@[2001:DB8:0:0:0:0:0:10]"));
	/* RFC 5118 §4.10: the ":::" form RFC 3261's ABNF let through is tolerated */
	assert_true(eq("sip:user@[2001:db8:::192.0.2.1]", "sip:user@[2001:db8::192.0.2.1]"));
	assert_true(eq("sip:a@b?Route=%3Csip:x%3E&Route=%3Csip:y%3E", "sip:a@b?Route=%3Csip:x%3E&Route=%3Csip:y%3E"));
	/* not equal */
	assert_false(eq("sip:a@b?Route=%3Csip:x%3E&Route=%3Csip:y%3E", "sip:a@b?Route=%3Csip:y%3E&Route=%3Csip:x%3E"));
	assert_false(eq("SIP:ALICE@AtLanTa.CoM;Transport=udp", "sip:alice@AtLanTa.CoM;Transport=UDP"));
	assert_false(eq("sip:bob@biloxi.com", "sip:bob@biloxi.com:5060"));
	assert_false(eq("sip:bob@biloxi.com", "sip:bob@biloxi.com;transport=udp"));
	assert_false(eq("sip:bob@biloxi.com", "sip:bob@biloxi.com:6000;transport=tcp"));
	assert_false(eq("sip:carol@chicago.com", "sip:carol@chicago.com?Subject=next%20meeting"));
	assert_false(eq("sip:bob@phone21.boxesbybob.com", "sip:bob@192.0.2.4"));
	assert_false(eq("sip:alice@atlanta.com", "sips:alice@atlanta.com"));
	/* an escaped value is not unescaped twice (RFC 4475 §3.1.1.3) */
	assert_false(eq("sip:a@b;name=value%2541", "sip:a@b;name=valueA"));
}

static void rfc3966_equivalence(void **state)
{
	assert_true(eq("tel:+49-30-1234567", "tel:+49301234567"));
	assert_true(eq("tel:7042;phone-context=example.com;ext=1-2",
		       "tel:70-42;ext=12;phone-context=EXAMPLE.com"));
	assert_false(eq("tel:+49301234567", "tel:49301234567;phone-context=+49"));
	assert_false(eq("tel:+49301234567;ext=1", "tel:+49301234567"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		SGW_TEST(sip_uri_parts),
		SGW_TEST(escapes),
		SGW_TEST(tel_uris),
		SGW_TEST(bad_uris_refused),
		SGW_TEST(rfc3261_equivalence),
		SGW_TEST(rfc3966_equivalence),
	};
	return cmocka_run_group_tests_name("sip/uri", tests, NULL, NULL);
}
