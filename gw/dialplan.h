/* dialplan.h: where a call goes and what its numbers become.
 *
 * Rules are the [route NAME] sections of sipgw.conf, tried in file order;
 * the first whose every match holds decides.  A rule matches on the source
 * (a span group, a SIP trunk, or a source address/network), the called and
 * calling numbers, and optionally days and hours.  Number matches are
 * either digit patterns or POSIX extended regular expressions:
 *
 *   _0[1-9]X.   leading '_': X any digit, Z 1-9, N 2-9, [1-5,7] a set,
 *               '.' one or more of anything, '!' zero or more, else literal
 *   ~^0049(.*)  leading '~': a POSIX ERE
 *   0301234567  otherwise: exactly this
 *
 * Actions: route (to a span group, or to SIP trunks tried in order with
 * failover on the given statuses/causes), reject (a Q.850 cause and the SIP
 * status it maps to), redirect (302 with a Contact, as a redirect server),
 * or a test line.  Rewrites on the called and calling numbers run in this
 * order: strip leading digits, regex substitution, prepend; then type of
 * number and presentation may be set. */
#ifndef SGW_GW_DIALPLAN_H
#define SGW_GW_DIALPLAN_H

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "lib/conf.h"

#define DP_NUMBER_MAX 64
#define DP_MAX_TRUNKS 8
#define DP_MAX_FAILOVER 16

enum dp_action { DP_ROUTE, DP_REJECT, DP_REDIRECT, DP_TESTLINE };
enum dp_source_kind { DP_SOURCE_ANY, DP_SOURCE_SPAN_GROUP, DP_SOURCE_TRUNK, DP_SOURCE_ADDRESS };
enum dp_testline { DP_TEST_ECHO, DP_TEST_MILLIWATT, DP_TEST_DTMF, DP_TEST_BUSY,
		   DP_TEST_CONGESTION, DP_TEST_HYBRID, DP_TEST_FAX, DP_TEST_BUSYTONE,
		   DP_TEST_CONGESTIONTONE, DP_TEST_FAXRX };

extern const char *const dp_action_names[];
extern const char *const dp_testline_names[];

/* One compiled number match. */
struct dp_match {
	bool set;
	bool is_regex;
	char pattern[DP_NUMBER_MAX * 2];
	regex_t re;
};

struct dp_rewrite {
	int strip;		 /* leading digits to drop */
	bool has_subst;		 /* s/re/replacement/ */
	regex_t subst_re;
	char subst_repl[DP_NUMBER_MAX * 2];
	char prepend[DP_NUMBER_MAX];
	int ton; /* -1: keep; 0 unknown, 1 international, 2 national, 4 subscriber */
};

struct dp_rule {
	char name[64];
	unsigned line;
	enum dp_source_kind source_kind;
	char source[64];	/* group or trunk name, or address */
	uint32_t source_net, source_mask; /* IPv4 network for DP_SOURCE_ADDRESS */
	bool source_is_v6;
	unsigned char source_net6[16];
	int source_prefix6;
	struct dp_match called, calling;
	uint8_t days;	     /* bit 0 = Monday .. bit 6 = Sunday; 0x7f all */
	int from_minute, to_minute; /* minutes of the day; -1: any time */
	enum dp_action action;
	char span_group[64];
	char trunks[DP_MAX_TRUNKS][64];
	size_t ntrunks;
	int failover[DP_MAX_FAILOVER]; /* SIP statuses (>= 100) or Q.850 causes */
	size_t nfailover;
	struct dp_rewrite rw_called, rw_calling;
	int presentation; /* -1 keep, 0 allowed, 1 restricted */
	int reject_cause;
	char redirect_contact[128];
	enum dp_testline testline;
};

struct dialplan {
	struct dp_rule *rules;
	size_t count;
};

/* A call as the dial plan sees it. */
struct dp_call {
	enum dp_source_kind source_kind; /* DP_SOURCE_ANY: a name of either kind */
	const char *source;	 /* span group or trunk name */
	const char *source_addr; /* the signalling peer's address, if SIP */
	const char *called;
	const char *calling;
	int called_ton, calling_ton;
	int presentation;
	time_t when;
};

struct dp_result {
	const struct dp_rule *rule; /* NULL: no rule matched (reject 404 / cause 1) */
	char called[DP_NUMBER_MAX];
	char calling[DP_NUMBER_MAX];
	int called_ton, calling_ton;
	int presentation;
};

/* The [route] section of the configuration schema (for gw_config.c). */
extern const struct conf_section_def dp_route_section;

/* Compile the [route] sections of a loaded configuration (checked already:
 * compiling cannot fail on what the schema accepted). */
int dialplan_build(const struct conf *conf, struct dialplan *out);
void dialplan_release(struct dialplan *dp);
/* Find the rule and apply its rewrites.  Returns 0, or -ENOENT when no rule
 * matched (out->rule NULL). */
int dialplan_route(const struct dialplan *dp, const struct dp_call *call, struct dp_result *out);

/* Overlap receiving: 0 with out filled when a rule decides the call now;
 * -EAGAIN when more digits could still change that (a rule, this one or
 * an earlier one, takes longer numbers than these); -ENOENT when no rule
 * matches and none could with more digits. */
int dialplan_route_partial(const struct dialplan *dp, const struct dp_call *call, struct dp_result *out);
/* Overlap toward SIP (RFC 3578): 0 with out filled when the first rule that
 * takes these digits, or longer ones, takes these (even if it would take
 * more too); -EAGAIN when it needs more; -ENOENT when none could. */
int dialplan_route_first(const struct dialplan *dp, const struct dp_call *call, struct dp_result *out);
/* Exposed for tests and for the validator. */
bool dp_pattern_match(const char *pattern, const char *number);
/* Could more digits after number give a number pattern matches? */
bool dp_pattern_could_extend(const char *pattern, const char *number);
int dp_pattern_check(const char *pattern, char *err, size_t errlen);

#endif
