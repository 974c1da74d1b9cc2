/* Numbers in German and North American contexts: what people and PBXs
 * write, normalised to digits + TON, and back as +E.164 and dialable. */
#include "config.h"

#include "sip/number.h"
#include "testutil.h"

#include <errno.h>
#include <string.h>

static const struct number_ctx de = {"49", "0", "00", "30"};
static const struct number_ctx us = {"1", "1", "011", "212"};

static void expect(const struct number_ctx *ctx, const char *in, const char *digits,
		   enum number_ton ton, const char *e164)
{
	struct number n;
	char err[100], out[64];

	if (number_normalise(ctx, sv_cstr(in), &n, err, sizeof(err)) != 0)
		fail_msg("'%s': %s", in, err);
	assert_string_equal(n.digits, digits);
	assert_int_equal(n.ton, ton);
	if (e164) {
		assert_true(number_format(ctx, &n, NUMBER_FORM_E164, out, sizeof(out)) > 0);
		assert_string_equal(out, e164);
	}
}

static void german_numbers(void **state)
{
	expect(&de, "+49 30 1234-567", "49301234567", NUMBER_TON_INTERNATIONAL, "+49301234567");
	expect(&de, "030 1234567", "301234567", NUMBER_TON_NATIONAL, "+49301234567");
	expect(&de, "0049301234567", "49301234567", NUMBER_TON_INTERNATIONAL, "+49301234567");
	expect(&de, "1234567", "1234567", NUMBER_TON_SUBSCRIBER, "+49301234567");
	expect(&de, "0044 20 7946 0958", "442079460958", NUMBER_TON_INTERNATIONAL, "+442079460958");
	expect(&de, "*31#", "*31#", NUMBER_TON_UNKNOWN, NULL);
}

static void north_american_numbers(void **state)
{
	expect(&us, "+1 (212) 555-0100", "12125550100", NUMBER_TON_INTERNATIONAL, "+12125550100");
	expect(&us, "1 212 555 0100", "2125550100", NUMBER_TON_NATIONAL, "+12125550100");
	expect(&us, "011 44 20 7946 0958", "442079460958", NUMBER_TON_INTERNATIONAL, "+442079460958");
	expect(&us, "555-0100", "5550100", NUMBER_TON_SUBSCRIBER, "+12125550100");
}

static void dialable_and_conversions(void **state)
{
	struct number n, m;
	char err[100], out[64];

	assert_int_equal(number_normalise(&de, sv_cstr("+49301234567"), &n, err, sizeof(err)), 0);
	assert_int_equal(number_convert(&de, &n, NUMBER_TON_NATIONAL, &m), 0);
	assert_string_equal(m.digits, "301234567");
	assert_true(number_format(&de, &m, NUMBER_FORM_DIALABLE, out, sizeof(out)) > 0);
	assert_string_equal(out, "0301234567");
	assert_int_equal(number_convert(&de, &n, NUMBER_TON_SUBSCRIBER, &m), 0);
	assert_string_equal(m.digits, "1234567");
	assert_true(number_format(&de, &n, NUMBER_FORM_DIALABLE, out, sizeof(out)) > 0);
	assert_string_equal(out, "0049301234567");
	/* a foreign number has no national form in Germany */
	assert_int_equal(number_normalise(&de, sv_cstr("+442079460958"), &n, err, sizeof(err)), 0);
	assert_int_equal(number_convert(&de, &n, NUMBER_TON_NATIONAL, &m), -EINVAL);
	/* a subscriber number becomes E.164 only with an area code */
	{
		struct number_ctx no_area = {"49", "0", "00", ""};

		assert_int_equal(number_normalise(&no_area, sv_cstr("1234567"), &n, err, sizeof(err)), 0);
		assert_int_equal(number_format(&no_area, &n, NUMBER_FORM_E164, out, sizeof(out)), -EINVAL);
	}
}

static void bad_numbers(void **state)
{
	struct number n;
	char err[100];

	assert_int_equal(number_normalise(&de, sv_cstr("030-CALL-NOW"), &n, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "'C' is not a digit, *, # or a separator");
	assert_int_equal(number_normalise(&de, sv_cstr("+4930123456789012"), &n, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "an international number has at most 15 digits (E.164)");
	assert_int_equal(number_normalise(&de, sv_cstr(" - "), &n, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "no digits");
	assert_int_equal(number_normalise(&de, sv_cstr("00"), &n, err, sizeof(err)), -EINVAL);
	assert_int_equal(number_normalise(&de, sv_cstr("+0301234"), &n, err, sizeof(err)), -EINVAL);
	assert_int_equal(number_normalise(&de, sv_cstr("49+30"), &n, err, sizeof(err)), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		SGW_TEST(german_numbers),
		SGW_TEST(north_american_numbers),
		SGW_TEST(dialable_and_conversions),
		SGW_TEST(bad_numbers),
	};
	return cmocka_run_group_tests_name("sip/number", tests, NULL, NULL);
}
