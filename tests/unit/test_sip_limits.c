/* Rate limiting per source, RFC 4028 session-timer decisions and the
 * RFC 3261 §14.1 glare intervals. */
#include "config.h"

#include "lib/clock.h"
#include "sip/ratelimit.h"
#include "sip/session_timer.h"
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>

static void flood_from_one_source_is_limited(void **state)
{
	struct clock_fake fc;
	struct sip_ratelimit *r = malloc(sizeof(*r));
	int ok = 0;

	clock_fake_init(&fc);
	sip_ratelimit_init(r, &fc.clock, 5, 10);
	for (int i = 0; i < 100; i++)
		ok += sip_ratelimit_take(r, "198.51.100.1");
	assert_int_equal(ok, 10); /* the burst, then nothing */
	assert_true(sip_ratelimit_retry_after(r, "198.51.100.1") >= 1);
	/* another source is served meanwhile */
	assert_true(sip_ratelimit_take(r, "192.0.2.2"));
	/* one second later: five more */
	clock_fake_advance_ms(&fc, 1000);
	ok = 0;
	for (int i = 0; i < 100; i++)
		ok += sip_ratelimit_take(r, "198.51.100.1");
	assert_int_equal(ok, 5);
	/* a steady 5/s passes */
	for (int s = 0; s < 10; s++) {
		clock_fake_advance_ms(&fc, 200);
		assert_true(sip_ratelimit_take(r, "198.51.100.1"));
	}
	free(r);
	clock_fake_release(&fc);
}

static void many_sources_cannot_evict_everyone_forever(void **state)
{
	struct clock_fake fc;
	struct sip_ratelimit *r = malloc(sizeof(*r));
	char src[32];

	clock_fake_init(&fc);
	sip_ratelimit_init(r, &fc.clock, 1, 2);
	for (int i = 0; i < 100000; i++) {
		snprintf(src, sizeof(src), "10.%d.%d.%d", (i >> 16) & 255, (i >> 8) & 255, i & 255);
		assert_true(sip_ratelimit_take(r, src)); /* each new source starts with a burst */
	}
	assert_int_equal(r->allowed, 100000);
	free(r);
	clock_fake_release(&fc);
}

static void session_timer_uas(void **state)
{
	struct sip_st_config cfg = {.session_expires = 1800, .min_se = 120};
	struct sip_st_decision d;
	struct sip_st_request req;

	/* too small, and the UAC understands 422 */
	req = (struct sip_st_request){.supported = true, .session_expires = 100};
	sip_st_uas_decide(&cfg, &req, &d);
	assert_int_equal(d.reject_status, 422);
	assert_int_equal(d.min_se, 120);
	/* too small, UAC without timer support: raised, we refresh */
	req = (struct sip_st_request){.supported = false, .session_expires = 100};
	sip_st_uas_decide(&cfg, &req, &d);
	assert_int_equal(d.reject_status, 0);
	assert_int_equal(d.session_expires, 120);
	assert_int_equal(d.refresher, SIP_REFRESHER_UAS);
	/* the UAC asks 3600 and to refresh itself: we lower to 1800, Require: timer */
	req = (struct sip_st_request){.supported = true, .session_expires = 3600,
				      .refresher = SIP_REFRESHER_UAC};
	sip_st_uas_decide(&cfg, &req, &d);
	assert_int_equal(d.session_expires, 1800);
	assert_int_equal(d.refresher, SIP_REFRESHER_UAC);
	assert_true(d.require_timer);
	/* no Session-Expires at all: we add ours and refresh ourselves */
	req = (struct sip_st_request){0};
	sip_st_uas_decide(&cfg, &req, &d);
	assert_int_equal(d.session_expires, 1800);
	assert_int_equal(d.refresher, SIP_REFRESHER_UAS);
	/* the request's Min-SE wins when larger */
	req = (struct sip_st_request){.supported = true, .session_expires = 300, .min_se = 600};
	sip_st_uas_decide(&cfg, &req, &d);
	assert_int_equal(d.reject_status, 422);
	assert_int_equal(d.min_se, 600);
}

static void session_timer_uac_and_intervals(void **state)
{
	struct sip_st_config cfg = {.session_expires = 1800, .min_se = 90};
	struct sip_st_decision d;

	sip_st_uac_accept(&cfg, false, 0, SIP_REFRESHER_NONE, &d);
	assert_int_equal(d.session_expires, 0);
	sip_st_uac_accept(&cfg, true, 900, SIP_REFRESHER_NONE, &d);
	assert_int_equal(d.refresher, SIP_REFRESHER_UAC);
	assert_int_equal(sip_st_refresh_after_ms(900), 450000);
	assert_int_equal(sip_st_expire_after_ms(900), 868000); /* 900 - 32 s */
	assert_int_equal(sip_st_expire_after_ms(90), 60000);   /* 90 - 30 s */
}

static void glare_intervals(void **state)
{
	assert_int_equal(sip_glare_retry_ms(true, 0.0), 2100);
	assert_int_equal(sip_glare_retry_ms(true, 0.999999), 4000);
	assert_int_equal(sip_glare_retry_ms(false, 0.0), 0);
	assert_int_equal(sip_glare_retry_ms(false, 0.999999), 2000);
	assert_int_equal(sip_glare_retry_ms(true, 0.5) % 10, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		SGW_TEST(flood_from_one_source_is_limited),
		SGW_TEST(many_sources_cannot_evict_everyone_forever),
		SGW_TEST(session_timer_uas),
		SGW_TEST(session_timer_uac_and_intervals),
		SGW_TEST(glare_intervals),
	};
	return cmocka_run_group_tests_name("sip/limits", tests, NULL, NULL);
}
