/* dialplan.c: the [route NAME] sections, their checks and the matching, see
 * dialplan.h.  Everything that can be wrong in a rule (a pattern, a regex,
 * a rewrite, an action without its target) is found when the file is
 * loaded and reported as file:line; at call time nothing can fail. */
#include "config.h"

#include "gw/dialplan.h"
#include "gw/cause.h"
#include "lib/mem.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const dp_action_names[] = {"route", "reject", "redirect", "testline", NULL};
const char *const dp_testline_names[] = {"echo",   "milliwatt", "dtmf",	   "busy",
					 "congestion", "hybrid", "fax", "busytone", "congestiontone",
					 "faxrx", NULL};
static const char *const source_names[] = {"any", "span-group", "trunk", "address", NULL};
static const char *const ton_names[] = {"keep", "unknown", "international", "national",
					"subscriber", NULL};
static const int ton_values[] = {-1, 0, 1, 2, 4};
static const char *const presentation_names[] = {"keep", "allowed", "restricted", NULL};

/* ---- the schema ------------------------------------------------------------- */

struct dp_conf {
	int source_kind;
	char *source;
	char *called, *calling;
	char *days, *hours;
	int action;
	char *span_group, *trunks, *failover_on;
	int64_t strip_called, strip_calling;
	char *prepend_called, *prepend_calling;
	char *rewrite_called, *rewrite_calling;
	int ton_called, ton_calling;
	int presentation;
	int64_t reject_cause;
	char *redirect;
	int testline;
};

#define K(f) offsetof(struct dp_conf, f)

static const struct conf_key route_keys[] = {
	{"source", CONF_ENUM, K(source_kind), "any", 0, 0, source_names, false,
	 "where the call comes from: any, span-group, trunk or address"},
	{"from", CONF_STRING, K(source), NULL, 0, 63, NULL, false,
	 "the span group or trunk name, or an address or network (192.0.2.0/24)"},
	{"called", CONF_STRING, K(called), NULL, 0, 120, NULL, false,
	 "called number: _pattern, ~regex or exact digits"},
	{"calling", CONF_STRING, K(calling), NULL, 0, 120, NULL, false,
	 "calling number: _pattern, ~regex or exact digits"},
	{"days", CONF_STRING, K(days), NULL, 0, 40, NULL, false, "e.g. mon-fri or sat,sun"},
	{"hours", CONF_STRING, K(hours), NULL, 0, 20, NULL, false, "e.g. 08:00-18:00"},
	{"action", CONF_ENUM, K(action), NULL, 0, 0, dp_action_names, true,
	 "route, reject, redirect or testline"},
	{"span_group", CONF_STRING, K(span_group), NULL, 0, 63, NULL, false,
	 "route: to this span group"},
	{"trunks", CONF_STRING, K(trunks), NULL, 0, 600, NULL, false,
	 "route: to these SIP trunks, tried in order"},
	{"failover_on", CONF_STRING, K(failover_on), "503, 408, 34, 38, 41, 42", 0, 200, NULL,
	 false, "SIP statuses and Q.850 causes that move on to the next trunk"},
	{"strip_called", CONF_INT, K(strip_called), "0", 0, 30, NULL, false,
	 "leading digits removed from the called number"},
	{"strip_calling", CONF_INT, K(strip_calling), "0", 0, 30, NULL, false,
	 "leading digits removed from the calling number"},
	{"prepend_called", CONF_STRING, K(prepend_called), NULL, 0, 30, NULL, false,
	 "digits put in front of the called number"},
	{"prepend_calling", CONF_STRING, K(prepend_calling), NULL, 0, 30, NULL, false,
	 "digits put in front of the calling number"},
	{"rewrite_called", CONF_STRING, K(rewrite_called), NULL, 0, 200, NULL, false,
	 "s/REGEX/REPLACEMENT/ on the called number (\\1..\\9)"},
	{"rewrite_calling", CONF_STRING, K(rewrite_calling), NULL, 0, 200, NULL, false,
	 "s/REGEX/REPLACEMENT/ on the calling number"},
	{"ton_called", CONF_ENUM, K(ton_called), "keep", 0, 0, ton_names, false,
	 "type of number of the called number"},
	{"ton_calling", CONF_ENUM, K(ton_calling), "keep", 0, 0, ton_names, false,
	 "type of number of the calling number"},
	{"presentation", CONF_ENUM, K(presentation), "keep", 0, 0, presentation_names, false,
	 "calling line presentation: keep, allowed or restricted (CLIR)"},
	{"reject_cause", CONF_INT, K(reject_cause), "21", 1, 127, NULL, false,
	 "reject: the Q.850 cause (the SIP status follows RFC 3398)"},
	{"redirect", CONF_STRING, K(redirect), NULL, 0, 120, NULL, false,
	 "redirect: the Contact URI of the 302"},
	{"testline", CONF_ENUM, K(testline), NULL, 0, 0, dp_testline_names, false,
	 "testline: echo, milliwatt, dtmf, busy, congestion, hybrid (echo 10 dB down), fax (an answer tone) "
	 "or faxrx (a fax machine that receives a page and checks it against the test page)"},
};

/* ---- patterns --------------------------------------------------------------- */

/* One pattern element at p matches c?  Advances *len by its width. */
static bool elem_match(const char *p, size_t *len, char c)
{
	switch (*p) {
	case 'X':
	case 'x':
		*len = 1;
		return c >= '0' && c <= '9';
	case 'Z':
	case 'z':
		*len = 1;
		return c >= '1' && c <= '9';
	case 'N':
	case 'n':
		*len = 1;
		return c >= '2' && c <= '9';
	case '[': {
		const char *q = p + 1;
		bool hit = false;

		while (*q && *q != ']') {
			if (q[1] == '-' && q[2] && q[2] != ']') {
				hit |= c >= q[0] && c <= q[2];
				q += 3;
			} else {
				hit |= c == *q;
				q++;
			}
		}
		*len = (size_t)(q - p) + (*q == ']');
		return hit;
	}
	default:
		*len = 1;
		return c == *p;
	}
}

/* Digit patterns: recursive only at '.' and '!', whose depth the number's
 * length bounds (DP_NUMBER_MAX). */
static bool pat_match(const char *p, const char *s)
{
	for (;;) {
		size_t len;

		if (!*p)
			return !*s;
		if (*p == '.' || *p == '!') {
			if (*p == '.' && !*s)
				return false;
			if (!p[1])
				return true; /* the rest, whatever it is */
			for (const char *t = *p == '.' ? s + 1 : s;; t++) {
				if (pat_match(p + 1, t))
					return true;
				if (!*t)
					return false;
			}
		}
		if (!*s || !elem_match(p, &len, *s))
			return false;
		p += len;
		s++;
	}
}

/* Could digits after s still make a string p matches?  (The wildcards
 * take anything, so a pattern that reaches one can always go on.) */
static bool pat_extend(const char *p, const char *s)
{
	for (;;) {
		size_t len;

		if (!*s)
			return *p != 0;
		if (!*p)
			return false;
		if (*p == '.' || *p == '!')
			return true;
		if (!elem_match(p, &len, *s))
			return false;
		p += len;
		s++;
	}
}

bool dp_pattern_could_extend(const char *pattern, const char *number)
{
	size_t n = strlen(number);

	if (pattern[0] == '_')
		return n + 1 < DP_NUMBER_MAX && pat_extend(pattern + 1, number);
	return strlen(pattern) > n && !strncmp(pattern, number, n);
}

bool dp_pattern_match(const char *pattern, const char *number)
{
	if (pattern[0] == '_')
		return strlen(number) < DP_NUMBER_MAX && pat_match(pattern + 1, number);
	return !strcmp(pattern, number);
}

int dp_pattern_check(const char *pattern, char *err, size_t errlen)
{
	if (pattern[0] == '~') {
		regex_t re;
		int rc = regcomp(&re, pattern + 1, REG_EXTENDED | REG_NOSUB);

		if (rc) {
			char msg[128];

			regerror(rc, &re, msg, sizeof(msg));
			snprintf(err, errlen, "bad regular expression: %s", msg);
			return -EINVAL;
		}
		regfree(&re);
		return 0;
	}
	if (pattern[0] != '_') {
		for (const char *c = pattern; *c; c++)
			if (!isdigit((unsigned char)*c) && *c != '*' && *c != '#' && *c != '+') {
				snprintf(err, errlen,
					 "'%s' is not digits (start a pattern with _ or a regex with ~)",
					 pattern);
				return -EINVAL;
			}
		return 0;
	}
	for (const char *c = pattern + 1; *c; c++) {
		if (*c == '[') {
			const char *end = strchr(c, ']');

			if (!end || end == c + 1) {
				snprintf(err, errlen, "pattern '%s': '[' without a set and ']'", pattern);
				return -EINVAL;
			}
			c = end;
			continue;
		}
		if (!strchr("0123456789*#+XxZzNn.!", *c)) {
			snprintf(err, errlen, "pattern '%s': '%c' is not a digit, X, Z, N, [...], . or !",
				 pattern, *c);
			return -EINVAL;
		}
	}
	return 0;
}

/* s/RE/REPL/ split into its parts (the delimiter is the character after s). */
static int subst_split(const char *s, char *re, size_t re_size, char *repl, size_t repl_size)
{
	char d;
	const char *a, *b, *e;

	if (s[0] != 's' || !s[1])
		return -EINVAL;
	d = s[1];
	a = s + 2;
	b = strchr(a, d);
	if (!b)
		return -EINVAL;
	e = strchr(b + 1, d);
	if (!e || e[1] || (size_t)(b - a) >= re_size || (size_t)(e - b - 1) >= repl_size)
		return -EINVAL;
	memcpy(re, a, (size_t)(b - a));
	re[b - a] = '\0';
	memcpy(repl, b + 1, (size_t)(e - b - 1));
	repl[e - b - 1] = '\0';
	return 0;
}

static int parse_days(const char *s, uint8_t *out)
{
	static const char *const names[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
	char buf[48], *save = NULL;

	*out = 0;
	snprintf(buf, sizeof(buf), "%s", s);
	for (char *tok = strtok_r(buf, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
		int a = -1, b = -1;
		char *dash = strchr(tok, '-');

		if (dash)
			*dash = '\0';
		for (int i = 0; i < 7; i++) {
			if (!strcasecmp(tok, names[i]))
				a = i;
			if (dash && !strcasecmp(dash + 1, names[i]))
				b = i;
		}
		if (a < 0 || (dash && b < 0))
			return -EINVAL;
		if (!dash)
			b = a;
		for (int i = a;; i = (i + 1) % 7) { /* fri-mon wraps */
			*out |= (uint8_t)(1u << i);
			if (i == b)
				break;
		}
	}
	return *out ? 0 : -EINVAL;
}

static int parse_hours(const char *s, int *from, int *to)
{
	int h1, m1, h2, m2;
	char tail;

	if (sscanf(s, "%d:%d-%d:%d%c", &h1, &m1, &h2, &m2, &tail) != 4 || h1 < 0 || h1 > 24 ||
	    h2 < 0 || h2 > 24 || m1 < 0 || m1 > 59 || m2 < 0 || m2 > 59)
		return -EINVAL;
	*from = h1 * 60 + m1;
	*to = h2 * 60 + m2;
	return 0;
}

static int parse_source_net(struct dp_rule *r, const char *s)
{
	char ip[64];
	const char *slash = strchr(s, '/');
	int prefix;

	snprintf(ip, sizeof(ip), "%.*s", slash ? (int)(slash - s) : (int)strlen(s), s);
	if (inet_pton(AF_INET, ip, &r->source_net) == 1) {
		prefix = slash ? atoi(slash + 1) : 32;
		if (prefix < 0 || prefix > 32)
			return -EINVAL;
		r->source_mask = prefix ? htonl(~0u << (32 - prefix)) : 0;
		r->source_net &= r->source_mask;
		return 0;
	}
	if (inet_pton(AF_INET6, ip, r->source_net6) == 1) {
		prefix = slash ? atoi(slash + 1) : 128;
		if (prefix < 0 || prefix > 128)
			return -EINVAL;
		r->source_is_v6 = true;
		r->source_prefix6 = prefix;
		return 0;
	}
	return -EINVAL;
}

static int parse_list(const char *s, int *out, size_t max, size_t *n)
{
	char buf[256], *save = NULL;

	*n = 0;
	snprintf(buf, sizeof(buf), "%s", s);
	for (char *tok = strtok_r(buf, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
		char *end;
		long v = strtol(tok, &end, 10);

		if (*end || v < 1 || v > 699 || (v > 127 && v < 300) || *n == max)
			return -EINVAL;
		out[(*n)++] = (int)v;
	}
	return 0;
}

/* Compile one section into r; every problem goes to report(line, msg). */
static int rule_compile(const struct conf_section *s, struct dp_rule *r,
			void (*report)(void *ctx, unsigned line, const char *msg), void *ctx)
{
	const struct dp_conf *c = s->data;
	char err[200], re[DP_NUMBER_MAX * 2];
	int bad = 0;

#define FAIL(key, ...)                                                                             \
	do {                                                                                       \
		snprintf(err, sizeof(err), __VA_ARGS__);                                           \
		report(ctx, conf_key_line(s, key), err);                                           \
		bad++;                                                                             \
	} while (0)

	memset(r, 0, sizeof(*r));
	snprintf(r->name, sizeof(r->name), "%s", s->label);
	r->line = s->line;
	r->source_kind = (enum dp_source_kind)c->source_kind;
	r->from_minute = r->to_minute = -1;
	r->days = 0x7f;
	r->action = (enum dp_action)c->action;
	r->presentation = c->presentation - 1;
	r->reject_cause = (int)c->reject_cause;
	if (c->source)
		snprintf(r->source, sizeof(r->source), "%s", c->source);
	if (r->source_kind != DP_SOURCE_ANY && !c->source)
		FAIL("source", "source = %s needs from = NAME", source_names[c->source_kind]);
	if (r->source_kind == DP_SOURCE_ADDRESS && c->source && parse_source_net(r, c->source) < 0)
		FAIL("from", "from: '%s' is not an address or network like 192.0.2.0/24", c->source);
	if (r->source_kind == DP_SOURCE_ANY && c->source)
		FAIL("from", "from: set source = span-group, trunk or address too");

	struct {
		const char *key, *text;
		struct dp_match *m;
	} matches[] = {{"called", c->called, &r->called}, {"calling", c->calling, &r->calling}};
	for (size_t i = 0; i < 2; i++) {
		if (!matches[i].text)
			continue;
		if (dp_pattern_check(matches[i].text, err, sizeof(err)) < 0) {
			char msg[240];

			snprintf(msg, sizeof(msg), "%s: %s", matches[i].key, err);
			report(ctx, conf_key_line(s, matches[i].key), msg);
			bad++;
			continue;
		}
		matches[i].m->set = true;
		snprintf(matches[i].m->pattern, sizeof(matches[i].m->pattern), "%s", matches[i].text);
		if (matches[i].text[0] == '~') {
			matches[i].m->is_regex = true;
			regcomp(&matches[i].m->re, matches[i].text + 1, REG_EXTENDED | REG_NOSUB);
		}
	}
	if (c->days && parse_days(c->days, &r->days) < 0)
		FAIL("days", "days: '%s' is not like mon-fri or sat,sun", c->days);
	if (c->hours && parse_hours(c->hours, &r->from_minute, &r->to_minute) < 0)
		FAIL("hours", "hours: '%s' is not like 08:00-18:00", c->hours);

	struct {
		const char *strip_key, *re_key;
		int64_t strip;
		const char *prepend, *rewrite;
		int ton;
		struct dp_rewrite *rw;
	} rws[] = {{"strip_called", "rewrite_called", c->strip_called, c->prepend_called,
		    c->rewrite_called, c->ton_called, &r->rw_called},
		   {"strip_calling", "rewrite_calling", c->strip_calling, c->prepend_calling,
		    c->rewrite_calling, c->ton_calling, &r->rw_calling}};
	for (size_t i = 0; i < 2; i++) {
		struct dp_rewrite *w = rws[i].rw;

		w->strip = (int)rws[i].strip;
		w->ton = ton_values[rws[i].ton];
		if (rws[i].prepend)
			snprintf(w->prepend, sizeof(w->prepend), "%s", rws[i].prepend);
		if (!rws[i].rewrite)
			continue;
		if (subst_split(rws[i].rewrite, re, sizeof(re), w->subst_repl,
				sizeof(w->subst_repl)) < 0) {
			FAIL(rws[i].re_key, "%s: '%s' is not s/REGEX/REPLACEMENT/", rws[i].re_key,
			     rws[i].rewrite);
			continue;
		}
		if (regcomp(&w->subst_re, re, REG_EXTENDED)) {
			FAIL(rws[i].re_key, "%s: bad regular expression '%s'", rws[i].re_key, re);
			continue;
		}
		w->has_subst = true;
	}

	switch (r->action) {
	case DP_ROUTE:
		if (!c->span_group == !c->trunks)
			FAIL("action", "action = route needs span_group or trunks (one of them)");
		if (c->span_group)
			snprintf(r->span_group, sizeof(r->span_group), "%s", c->span_group);
		if (c->trunks) {
			char buf[600], *save = NULL;

			snprintf(buf, sizeof(buf), "%s", c->trunks);
			for (char *t = strtok_r(buf, ", ", &save); t; t = strtok_r(NULL, ", ", &save)) {
				if (r->ntrunks == DP_MAX_TRUNKS) {
					FAIL("trunks", "trunks: at most %d", DP_MAX_TRUNKS);
					break;
				}
				snprintf(r->trunks[r->ntrunks++], sizeof(r->trunks[0]), "%s", t);
			}
		}
		if (c->failover_on &&
		    parse_list(c->failover_on, r->failover, DP_MAX_FAILOVER, &r->nfailover) < 0)
			FAIL("failover_on",
			     "failover_on: '%s' is not a list of SIP statuses (300-699) and Q.850 "
			     "causes (1-127)",
			     c->failover_on);
		break;
	case DP_REDIRECT:
		if (!c->redirect || (strncmp(c->redirect, "sip:", 4) && strncmp(c->redirect, "sips:", 5) &&
				     strncmp(c->redirect, "tel:", 4)))
			FAIL("action", "action = redirect needs redirect = a sip:, sips: or tel: URI");
		else
			snprintf(r->redirect_contact, sizeof(r->redirect_contact), "%s", c->redirect);
		break;
	case DP_TESTLINE:
		if (c->testline < 0)
			FAIL("action", "action = testline needs testline = echo, milliwatt, dtmf, busy, "
				       "congestion, hybrid, fax or faxrx");
		else
			r->testline = (enum dp_testline)c->testline;
		break;
	case DP_REJECT:
		break;
	}
#undef FAIL
	return bad ? -EINVAL : 0;
}

static void rule_release(struct dp_rule *r)
{
	if (r->called.is_regex)
		regfree(&r->called.re);
	if (r->calling.is_regex)
		regfree(&r->calling.re);
	if (r->rw_called.has_subst)
		regfree(&r->rw_called.subst_re);
	if (r->rw_calling.has_subst)
		regfree(&r->rw_calling.subst_re);
}

static void report_conf(void *ctx, unsigned line, const char *msg)
{
	conf_error_at(ctx, line, "%s", msg);
}

static void route_validate(struct conf_parse *p, const struct conf_section *s)
{
	struct dp_rule r;

	rule_compile(s, &r, report_conf, p);
	rule_release(&r);
}

const struct conf_section_def dp_route_section = {
	"route",
	true,
	sizeof(struct dp_conf),
	route_keys,
	sizeof(route_keys) / sizeof(route_keys[0]),
	"a dial plan rule; rules are tried in file order",
	route_validate,
};

/* ---- building and routing --------------------------------------------------- */

static void report_none(void *ctx, unsigned line, const char *msg)
{
}

int dialplan_build(const struct conf *conf, struct dialplan *out)
{
	size_t n = conf_count(conf, &dp_route_section), i = 0;

	out->count = 0;
	out->rules = n ? mem_zalloc(n * sizeof(*out->rules)) : NULL;
	if (n && !out->rules)
		return -ENOMEM;
	for (const struct conf_section *s = conf_next(conf, &dp_route_section, NULL); s;
	     s = conf_next(conf, &dp_route_section, s)) {
		if (rule_compile(s, &out->rules[i], report_none, NULL) < 0) {
			rule_release(&out->rules[i]);
			dialplan_release(out);
			return -EINVAL;
		}
		out->count = ++i;
	}
	return 0;
}

void dialplan_release(struct dialplan *dp)
{
	for (size_t i = 0; i < dp->count; i++)
		rule_release(&dp->rules[i]);
	mem_free(dp->rules);
	dp->rules = NULL;
	dp->count = 0;
}

static bool match_number(const struct dp_match *m, const char *number)
{
	if (!m->set)
		return true;
	if (m->is_regex)
		return regexec(&m->re, number, 0, NULL, 0) == 0;
	return dp_pattern_match(m->pattern, number);
}

static bool match_source(const struct dp_rule *r, const struct dp_call *c)
{
	switch (r->source_kind) {
	case DP_SOURCE_ANY:
		return true;
	case DP_SOURCE_SPAN_GROUP:
		/* a call whose kind is not known (route test by name) matches either */
		if (c->source_kind == DP_SOURCE_ANY)
			return c->source && !strcmp(c->source, r->source);
		/* fall through */
	case DP_SOURCE_TRUNK:
		return c->source_kind == r->source_kind && c->source && !strcmp(c->source, r->source);
	case DP_SOURCE_ADDRESS: {
		unsigned char a6[16];
		uint32_t a4;

		if (!c->source_addr)
			return false;
		if (!r->source_is_v6 && inet_pton(AF_INET, c->source_addr, &a4) == 1)
			return (a4 & r->source_mask) == r->source_net;
		if (r->source_is_v6 && inet_pton(AF_INET6, c->source_addr, a6) == 1) {
			int bits = r->source_prefix6;

			for (int i = 0; i < 16 && bits > 0; i++, bits -= 8) {
				unsigned char mask = bits >= 8 ? 0xff : (unsigned char)(0xff << (8 - bits));

				if ((a6[i] & mask) != (r->source_net6[i] & mask))
					return false;
			}
			return true;
		}
		return false;
	}
	}
	return false;
}

static bool match_time(const struct dp_rule *r, time_t when)
{
	struct tm tm;
	int wday, minute;

	if (r->days == 0x7f && r->from_minute < 0)
		return true;
	localtime_r(&when, &tm);
	wday = (tm.tm_wday + 6) % 7; /* Monday = 0 */
	if (!(r->days & (1u << wday)))
		return false;
	if (r->from_minute < 0)
		return true;
	minute = tm.tm_hour * 60 + tm.tm_min;
	if (r->from_minute <= r->to_minute)
		return minute >= r->from_minute && minute < r->to_minute;
	return minute >= r->from_minute || minute < r->to_minute; /* 22:00-06:00 */
}

/* Numbers longer than DP_NUMBER_MAX - 1 after a rewrite are cut there. */
static void set_number(char *num, const char *src)
{
	size_t n = strnlen(src, DP_NUMBER_MAX - 1);

	memcpy(num, src, n);
	num[n] = '\0';
}

static void apply_rewrite(const struct dp_rewrite *w, char *num, int *ton)
{
	char tmp[DP_NUMBER_MAX * 2];
	size_t len = strlen(num);

	if (w->strip) {
		size_t s = (size_t)w->strip < len ? (size_t)w->strip : len;

		memmove(num, num + s, len - s + 1);
	}
	if (w->has_subst) {
		regmatch_t m[10];

		if (regexec(&w->subst_re, num, 10, m, 0) == 0) {
			size_t o = 0;

			/* the text before the match, the replacement, the text after */
			for (regoff_t i = 0; i < m[0].rm_so && o + 1 < sizeof(tmp); i++)
				tmp[o++] = num[i];
			for (const char *p = w->subst_repl; *p && o + 1 < sizeof(tmp); p++) {
				if (p[0] == '\\' && p[1] >= '0' && p[1] <= '9') {
					int g = p[1] - '0';

					for (regoff_t i = m[g].rm_so; g < 10 && m[g].rm_so >= 0 &&
								      i < m[g].rm_eo && o + 1 < sizeof(tmp);
					     i++)
						tmp[o++] = num[i];
					p++;
				} else {
					tmp[o++] = *p;
				}
			}
			for (size_t i = (size_t)m[0].rm_eo; num[i] && o + 1 < sizeof(tmp); i++)
				tmp[o++] = num[i];
			tmp[o] = '\0';
			set_number(num, tmp);
		}
	}
	if (w->prepend[0]) {
		snprintf(tmp, sizeof(tmp), "%s%s", w->prepend, num);
		set_number(num, tmp);
	}
	if (w->ton >= 0)
		*ton = w->ton;
}

/* Could more digits of the called number make this match (or, for one
 * that matches now, a longer number match as well)? */
static bool could_extend(const struct dp_match *m, const char *number)
{
	if (!m->set)
		return false; /* any number: more digits change nothing */
	if (m->is_regex) /* cannot tell: more digits may still match it */
		return regexec(&m->re, number, 0, NULL, 0) != 0;
	return dp_pattern_could_extend(m->pattern, number);
}

static void take_rule(const struct dp_rule *r, struct dp_result *out)
{
	out->rule = r;
	apply_rewrite(&r->rw_called, out->called, &out->called_ton);
	apply_rewrite(&r->rw_calling, out->calling, &out->calling_ton);
	if (r->presentation >= 0)
		out->presentation = r->presentation;
}

static void result_init(const struct dp_call *call, struct dp_result *out)
{
	memset(out, 0, sizeof(*out));
	snprintf(out->called, sizeof(out->called), "%s", call->called ? call->called : "");
	snprintf(out->calling, sizeof(out->calling), "%s", call->calling ? call->calling : "");
	out->called_ton = call->called_ton;
	out->calling_ton = call->calling_ton;
	out->presentation = call->presentation;
}

int dialplan_route_partial(const struct dialplan *dp, const struct dp_call *call, struct dp_result *out)
{
	result_init(call, out);
	for (size_t i = 0; i < dp->count; i++) {
		const struct dp_rule *r = &dp->rules[i];
		bool m, more;

		if (!match_source(r, call) || !match_number(&r->calling, out->calling) ||
		    !match_time(r, call->when))
			continue;
		m = match_number(&r->called, out->called);
		more = could_extend(&r->called, out->called);
		if (more)
			return -EAGAIN; /* this rule, or an earlier one, may want more digits */
		if (m) {
			take_rule(r, out);
			return 0;
		}
	}
	return -ENOENT;
}

int dialplan_route_first(const struct dialplan *dp, const struct dp_call *call, struct dp_result *out)
{
	result_init(call, out);
	for (size_t i = 0; i < dp->count; i++) {
		const struct dp_rule *r = &dp->rules[i];

		if (!match_source(r, call) || !match_number(&r->calling, out->calling) ||
		    !match_time(r, call->when))
			continue;
		if (match_number(&r->called, out->called)) {
			take_rule(r, out);
			return 0;
		}
		if (could_extend(&r->called, out->called))
			return -EAGAIN;
	}
	return -ENOENT;
}

int dialplan_route(const struct dialplan *dp, const struct dp_call *call, struct dp_result *out)
{
	result_init(call, out);
	for (size_t i = 0; i < dp->count; i++) {
		const struct dp_rule *r = &dp->rules[i];

		if (!match_source(r, call) || !match_number(&r->called, out->called) ||
		    !match_number(&r->calling, out->calling) || !match_time(r, call->when))
			continue;
		take_rule(r, out);
		return 0;
	}
	return -ENOENT;
}
