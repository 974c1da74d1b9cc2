/* Dial plan: digit patterns, regex, rewrites, sources, time of day, and
 * every mistake in a [route] section reported as file:line. */
#include "config.h"

#include "gw/dialplan.h"
#include "gw/gw_config.h"
#include "testutil.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void digit_patterns(void **state)
{
	assert_true(dp_pattern_match("_0[1-9]X.", "0301234567"));
	assert_false(dp_pattern_match("_0[1-9]X.", "0012345"));   /* [1-9] */
	assert_false(dp_pattern_match("_0[1-9]X.", "030"));	     /* '.' needs one more */
	assert_true(dp_pattern_match("_0[1-9]X!", "030"));	     /* '!' zero or more */
	assert_true(dp_pattern_match("_NXXNXXXXXX", "2125550100")); /* NANP */
	assert_false(dp_pattern_match("_NXXNXXXXXX", "1125550100"));
	assert_true(dp_pattern_match("_00.", "004420"));
	assert_true(dp_pattern_match("_[1-5,7]Z", "79"));
	assert_false(dp_pattern_match("_[1-5,7]Z", "69"));
	assert_false(dp_pattern_match("_[1-5,7]Z", "70"));
	assert_true(dp_pattern_match("110", "110"));
	assert_false(dp_pattern_match("110", "1100"));
	assert_false(dp_pattern_match("_X.", "+49")); /* X is a digit, + is not */
	assert_true(dp_pattern_match("_+X.", "+49"));
	assert_true(dp_pattern_match("_0.", "0#*9")); /* '.' takes anything */
}

static char *write_conf(const char *text)
{
	static char path[64];
	int fd;

	snprintf(path, sizeof(path), "/tmp/sgw-dp-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

static const char good[] = "[route emergency]\n"		     /* 1 */
			   "called = ~^(110|112)$\n"		     /* 2 */
			   "action = route\n"			     /* 3 */
			   "span_group = pstn\n"		     /* 4 */
			   "[route premium]\n"			     /* 5 */
			   "called = _0900.\n"			     /* 6 */
			   "action = reject\n"			     /* 7 */
			   "reject_cause = 52\n"		     /* 8 */
			   "[route from-pbx]\n"			     /* 9 */
			   "source = address\n"			     /* 10 */
			   "from = 192.0.2.0/24\n"		     /* 11 */
			   "called = _0[1-9]X.\n"		     /* 12 */
			   "action = route\n"			     /* 13 */
			   "trunks = carrier-a, carrier-b\n"	     /* 14 */
			   "strip_called = 1\n"			     /* 15 */
			   "prepend_called = +49\n"		     /* 16 */
			   "ton_called = international\n"	     /* 17 */
			   "rewrite_calling = s/^([0-9]{3})$/+493012345\\1/\n" /* 18 */
			   "[route test-mw]\n"			     /* 19 */
			   "called = 9991004\n"			     /* 20 */
			   "action = testline\n"		     /* 21 */
			   "testline = milliwatt\n"		     /* 22 */
			   "[route office-hours]\n"		     /* 23 */
			   "source = trunk\n"			     /* 24 */
			   "from = carrier-a\n"			     /* 25 */
			   "days = mon-fri\n"			     /* 26 */
			   "hours = 08:00-18:00\n"		     /* 27 */
			   "action = route\n"			     /* 28 */
			   "span_group = pbx\n"			     /* 29 */
			   "presentation = restricted\n"	     /* 30 */
			   "[route after-hours]\n"		     /* 31 */
			   "source = trunk\n"			     /* 32 */
			   "from = carrier-a\n"			     /* 33 */
			   "action = redirect\n"		     /* 34 */
			   "redirect = sip:voicemail@pbx.example\n"; /* 35 */

static time_t at(int wday, int hour)
{
	struct tm tm = {.tm_year = 126, .tm_mon = 10, .tm_mday = 22, .tm_hour = hour, .tm_isdst = -1};
	time_t t = mktime(&tm); /* Sunday 22 Nov 2026 */

	return t + (time_t)wday * 86400; /* 0 = Sunday */
}

static void rules_route_and_rewrite(void **state)
{
	struct gw_config *cfg;
	struct conf_errors errs = {0};
	char *path = write_conf(good);
	struct dp_result r;
	struct dp_call c = {.source_kind = DP_SOURCE_ADDRESS, .source_addr = "192.0.2.10",
			    .calling = "201", .when = at(1, 10)};

	assert_int_equal(gw_config_load(path, &cfg, &errs), 0);
	unlink(path);
	assert_int_equal(cfg->dialplan.count, 6);

	c.called = "112";
	assert_int_equal(dialplan_route(&cfg->dialplan, &c, &r), 0);
	assert_string_equal(r.rule->name, "emergency");
	assert_string_equal(r.rule->span_group, "pstn");

	c.called = "09001234";
	assert_int_equal(dialplan_route(&cfg->dialplan, &c, &r), 0);
	assert_string_equal(r.rule->name, "premium");
	assert_int_equal(r.rule->action, DP_REJECT);
	assert_int_equal(r.rule->reject_cause, 52);

	c.called = "0301234567";
	assert_int_equal(dialplan_route(&cfg->dialplan, &c, &r), 0);
	assert_string_equal(r.rule->name, "from-pbx");
	assert_int_equal(r.rule->ntrunks, 2);
	assert_string_equal(r.rule->trunks[1], "carrier-b");
	assert_string_equal(r.called, "+49301234567");
	assert_int_equal(r.called_ton, 1);
	assert_string_equal(r.calling, "+493012345201");

	/* the same number from outside the PBX network matches nothing */
	c.source_addr = "198.51.100.1";
	assert_int_equal(dialplan_route(&cfg->dialplan, &c, &r), -ENOENT);
	assert_null(r.rule);

	c.called = "9991004";
	assert_int_equal(dialplan_route(&cfg->dialplan, &c, &r), 0);
	assert_int_equal(r.rule->testline, DP_TEST_MILLIWATT);

	/* time of day on calls from carrier-a */
	c.source_kind = DP_SOURCE_TRUNK;
	c.source = "carrier-a";
	c.called = "4930555";
	c.when = at(2, 9); /* Tuesday 09:00 */
	assert_int_equal(dialplan_route(&cfg->dialplan, &c, &r), 0);
	assert_string_equal(r.rule->name, "office-hours");
	assert_int_equal(r.presentation, 1);
	c.when = at(2, 19); /* Tuesday 19:00 */
	assert_int_equal(dialplan_route(&cfg->dialplan, &c, &r), 0);
	assert_string_equal(r.rule->name, "after-hours");
	assert_string_equal(r.rule->redirect_contact, "sip:voicemail@pbx.example");
	c.when = at(6, 10); /* Saturday 10:00 */
	assert_int_equal(dialplan_route(&cfg->dialplan, &c, &r), 0);
	assert_string_equal(r.rule->name, "after-hours");
	gw_config_free(cfg);
}

static const char patterns[] = "[route premium]\ncalled = _0900.\naction = reject\nreject_cause = 52\n"
				"[route from-pbx]\ncalled = _0[1-9]X.\naction = route\ntrunks = carrier-a\n"
				"strip_called = 1\nprepend_called = +49\n"
				"[route emergency]\ncalled = _11[02]\naction = route\nspan_group = pstn\n";

/* Overlap: which rule decides a number still being dialled, and when */
static void partial_numbers(void **state)
{
	struct gw_config *cfg;
	struct conf_errors errs = {0};
	char *path = write_conf(good);
	struct dp_result r;
	struct dp_call c = {.source_kind = DP_SOURCE_ADDRESS, .source_addr = "192.0.2.10",
			    .calling = "201", .when = at(1, 10)};

	(void)state;
	assert_int_equal(gw_config_load(path, &cfg, &errs), 0);
	unlink(path);
	/* a regular expression cannot say whether more digits would match it:
	 * behind one (emergency here) a partial number waits */
	c.called = "030";
	assert_int_equal(dialplan_route_first(&cfg->dialplan, &c, &r), -EAGAIN);
	gw_config_free(cfg);
	path = write_conf(patterns);
	assert_int_equal(gw_config_load(path, &cfg, &errs), 0);
	unlink(path);
	/* "0" could still be premium (0900...) or from-pbx: nobody decides */
	c.called = "0";
	assert_int_equal(dialplan_route_partial(&cfg->dialplan, &c, &r), -EAGAIN);
	assert_int_equal(dialplan_route_first(&cfg->dialplan, &c, &r), -EAGAIN);
	/* "030" is not a number from-pbx takes yet (_0[1-9]X. wants one more) */
	c.called = "030";
	assert_int_equal(dialplan_route_first(&cfg->dialplan, &c, &r), -EAGAIN);
	/* "0301" is from-pbx's (it takes it and longer numbers): en bloc
	 * waits, RFC 3578 overlap may go now */
	c.called = "0301";
	assert_int_equal(dialplan_route_partial(&cfg->dialplan, &c, &r), -EAGAIN);
	assert_int_equal(dialplan_route_first(&cfg->dialplan, &c, &r), 0);
	assert_string_equal(r.rule->name, "from-pbx");
	assert_string_equal(r.called, "+49301");
	/* "0900" is premium's as soon as it is a number premium takes */
	c.called = "09001";
	assert_int_equal(dialplan_route_first(&cfg->dialplan, &c, &r), 0);
	assert_string_equal(r.rule->name, "premium");
	/* 112 cannot grow: decided either way */
	c.called = "112";
	assert_int_equal(dialplan_route_partial(&cfg->dialplan, &c, &r), 0);
	assert_int_equal(dialplan_route_first(&cfg->dialplan, &c, &r), 0);
	assert_string_equal(r.rule->name, "emergency");
	/* a number no rule can become */
	c.called = "5";
	assert_int_equal(dialplan_route_first(&cfg->dialplan, &c, &r), -ENOENT);
	gw_config_free(cfg);
}

static void mistakes_are_file_line_errors(void **state)
{
	char *path = write_conf("[route a]\n"			 /* 1 */
				"called = _0[1-9X.\n"		 /* 2 */
				"action = route\n"		 /* 3 */
				"[route b]\n"			 /* 4 */
				"called = ~^(11\n"		 /* 5 */
				"action = reject\n"		 /* 6 */
				"[route c]\n"			 /* 7 */
				"called = 030-123\n"		 /* 8 */
				"action = redirect\n"		 /* 9 */
				"[route d]\n"			 /* 10 */
				"source = address\n"		 /* 11 */
				"from = not-an-address\n"	 /* 12 */
				"action = testline\n"		 /* 13 */
				"rewrite_called = s/x/\n"	 /* 14 */
				"hours = 8-18\n"		 /* 15 */
				"[route e]\n"			 /* 16 */
				"action = route\n"		 /* 17 */
				"trunks = t1\n"			 /* 18 */
				"failover_on = 503, 250\n"	 /* 19 */
				"[route f]\n"			 /* 20 */
				"called = 1\n");		 /* 21 */
	struct gw_config *cfg = NULL;
	struct conf_errors errs = {0};
	char all[4096] = "", want[256];

	assert_int_not_equal(gw_config_load(path, &cfg, &errs), 0);
	for (size_t i = 0; i < errs.count; i++) {
		strcat(all, errs.msg[i]);
		strcat(all, "|");
	}
#define HAS(line, text)                                                                            \
	do {                                                                                       \
		snprintf(want, sizeof(want), "%s:%d: %s", path, line, text);                       \
		if (!strstr(all, want))                                                            \
			fail_msg("missing '%s' in %s", want, all);                                 \
	} while (0)
	HAS(2, "called: pattern '_0[1-9X.': '[' without a set and ']'");
	HAS(3, "action = route needs span_group or trunks (one of them)");
	HAS(5, "called: bad regular expression");
	HAS(8, "called: '030-123' is not digits (start a pattern with _ or a regex with ~)");
	HAS(9, "action = redirect needs redirect = a sip:, sips: or tel: URI");
	HAS(12, "from: 'not-an-address' is not an address or network like 192.0.2.0/24");
	HAS(13, "action = testline needs testline = echo, milliwatt, dtmf, busy, congestion, hybrid, fax or faxrx");
	HAS(14, "rewrite_called: 's/x/' is not s/REGEX/REPLACEMENT/");
	HAS(15, "hours: '8-18' is not like 08:00-18:00");
	HAS(19, "failover_on: '503, 250' is not a list of SIP statuses");
	HAS(20, "[route f]: required key 'action' missing");
#undef HAS
	conf_errors_release(&errs);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		SGW_TEST(digit_patterns),
		SGW_TEST(rules_route_and_rewrite),
		SGW_TEST(partial_numbers),
		SGW_TEST(mistakes_are_file_line_errors),
	};
	return cmocka_run_group_tests_name("gw/dialplan", tests, NULL, NULL);
}
