/* Cause mapping: the RFC 3398 rows a user meets every day, the class
 * fallbacks, and the Reason header text. */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "gw/cause.h"
#include "testutil.h"

static void isdn_release_to_sip_status(void **state)
{
	assert_int_equal(gw_cause_to_sip(Q850_USER_BUSY), 486);
	assert_int_equal(gw_cause_to_sip(Q850_UNALLOCATED_NUMBER), 404);
	assert_int_equal(gw_cause_to_sip(Q850_NO_ANSWER), 480);
	assert_int_equal(gw_cause_to_sip(Q850_NO_USER_RESPONSE), 408);
	assert_int_equal(gw_cause_to_sip(Q850_CALL_REJECTED), 403);
	assert_int_equal(gw_cause_to_sip(Q850_NO_CIRCUIT_AVAILABLE), 503);
	assert_int_equal(gw_cause_to_sip(Q850_INVALID_NUMBER_FORMAT), 484);
	assert_int_equal(gw_cause_to_sip(Q850_RECOVERY_ON_TIMER_EXPIRE), 504);
	assert_int_equal(gw_cause_to_sip(Q850_BEARER_CAP_NOT_IMPLEMENTED), 488);
	/* by class where the RFC has no row */
	assert_int_equal(gw_cause_to_sip(24), 480);
	assert_int_equal(gw_cause_to_sip(43), 503);
	assert_int_equal(gw_cause_to_sip(90), 400);
	assert_int_equal(gw_cause_to_sip(120), 500);
}

static void sip_status_to_isdn_cause(void **state)
{
	assert_int_equal(gw_sip_to_cause(486), Q850_USER_BUSY);
	assert_int_equal(gw_sip_to_cause(600), Q850_USER_BUSY);
	assert_int_equal(gw_sip_to_cause(404), Q850_UNALLOCATED_NUMBER);
	assert_int_equal(gw_sip_to_cause(480), Q850_NO_USER_RESPONSE);
	assert_int_equal(gw_sip_to_cause(484), Q850_INVALID_NUMBER_FORMAT);
	assert_int_equal(gw_sip_to_cause(503), Q850_TEMPORARY_FAILURE);
	assert_int_equal(gw_sip_to_cause(408), Q850_RECOVERY_ON_TIMER_EXPIRE);
	assert_int_equal(gw_sip_to_cause(603), Q850_CALL_REJECTED);
	/* unknown statuses by class */
	assert_int_equal(gw_sip_to_cause(499), Q850_INTERWORKING);
	assert_int_equal(gw_sip_to_cause(599), Q850_TEMPORARY_FAILURE);
	assert_int_equal(gw_sip_to_cause(699), Q850_CALL_REJECTED);
}

static void reason_header(void **state)
{
	char buf[128];

	assert_true(gw_reason_format(17, buf, sizeof(buf)) > 0);
	assert_string_equal(buf, "Q.850;cause=17;text=\"user busy\"");
	assert_int_equal(gw_reason_format(17, buf, 10), -1);
}

/* [causes]: the operator's pairs replace RFC 3398's; others stay */
static void operator_overrides(void **state)
{
	struct gw_cause_map m;
	char err[160];

	(void)state;
	memset(&m, 0, sizeof(m));
	assert_int_equal(gw_cause_map_parse(&m, "34:480, 17:600", true, err, sizeof(err)), 0);
	assert_int_equal(gw_cause_map_parse(&m, "404:3,486:21", false, err, sizeof(err)), 0);
	assert_int_equal(gw_cause_map_to_sip(&m, 34), 480);
	assert_int_equal(gw_cause_map_to_sip(&m, 17), 600);
	assert_int_equal(gw_cause_map_to_sip(&m, 1), 404);   /* RFC 3398 still */
	assert_int_equal(gw_cause_map_to_q850(&m, 404), 3);
	assert_int_equal(gw_cause_map_to_q850(&m, 486), 21);
	assert_int_equal(gw_cause_map_to_q850(&m, 408), 102); /* RFC 3398 still */
	assert_int_equal(gw_cause_map_to_sip(NULL, 17), 486);
	assert_int_equal(gw_cause_map_parse(&m, "34-480", true, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "is not FROM:TO"));
	assert_int_equal(gw_cause_map_parse(&m, "200:16", false, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "300-699"));
	assert_int_equal(gw_cause_map_parse(&m, "34:480 17:486x", true, err, sizeof(err)), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		SGW_TEST(isdn_release_to_sip_status),
		SGW_TEST(sip_status_to_isdn_cause),
		SGW_TEST(reason_header),
		SGW_TEST(operator_overrides),
	};
	return cmocka_run_group_tests_name("gw/cause", tests, NULL, NULL);
}
