/* ISDN calls with libpri on both ends: a CPE span and a NET span joined by
 * the loopback TDM backend's virtual cable (1 ms blocks, FCS checked, real
 * clock) through gw/pri.c, the same glue the daemon uses.  D-channel up on
 * E1 EuroISDN and T1 NI2; calls both ways to connected and released with
 * the cause given (16, 17, 21, 34, 1); numbers with type and plan, CLIR,
 * redirecting number, bearer, in-band progress; overlap dialling; all
 * channels busy and cause 34; glare; unplugging the cable failing every
 * call and the D-channel coming back after replug; RESTART; the periodic
 * RESTART of idle channels; hunting over span groups; an exchange's
 * DISCONNECT with in-band information (the caller hears why).  Every wait is
 * bounded by a deadline. */
#include "config.h"

#include "gw/pri.h"
#include "isdn/group.h"
#include "isdn/isdn.h"
#include "lib/log.h"
#include "lib/loop.h"
#include "tdm/loopback.h"
#include "testutil.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum policy { ANSWER, REJECT, RING_ONLY, OVERLAP };

struct side {
	const char *name;
	struct gw_pri pri;
	struct isdn_span *span; /* pri.isdn */
	bool up;
	int nev[ISDN_EV_COUNT];
	int last_cause;
	int progress_cause; /* a PROGRESS with a cause (an in-band DISCONNECT) */
	bool alert_inband;
	struct isdn_setup setup;
	struct isdn_call *call;
	char digits[64];
	enum policy policy;
	int reject_cause;
	int released;
};

static struct loop *loop;
static struct side A, B; /* A: CPE, B: NET */

static void dchan(void *arg, struct gw_pri *p, bool up)
{
	(void)p;
	((struct side *)arg)->up = up;
}

static void call_event(void *arg, struct gw_pri *p, struct isdn_call *c, const struct isdn_event *ev)
{
	struct side *s = arg;

	(void)p;
	s->nev[ev->kind]++;
	switch (ev->kind) {
	case ISDN_EV_INCOMING:
		s->setup = *ev->setup;
		s->call = c;
		s->digits[0] = '\0';
		if (s->policy == REJECT) {
			isdn_call_hangup(c, s->reject_cause);
		} else if (s->policy == OVERLAP && !ev->setup->complete) {
			isdn_call_setup_ack(c);
		} else {
			isdn_call_proceeding(c);
			isdn_call_alerting(c, true);
			if (s->policy == ANSWER)
				isdn_call_answer(c);
		}
		break;
	case ISDN_EV_ALERTING:
		s->alert_inband = ev->inband;
		break;
	case ISDN_EV_PROGRESS:
		if (ev->cause && ev->inband)
			s->progress_cause = ev->cause;
		break;
	case ISDN_EV_DIGITS:
		strncat(s->digits, ev->digits, sizeof(s->digits) - strlen(s->digits) - 1);
		if (strlen(s->setup.called.digits) + strlen(s->digits) >= 10)
			isdn_call_proceeding(c); /* number complete */
		break;
	case ISDN_EV_DISCONNECT:
		s->last_cause = ev->cause;
		isdn_call_hangup(c, ev->cause);
		break;
	case ISDN_EV_RELEASED:
		s->last_cause = ev->cause;
		s->released++;
		if (s->call == c)
			s->call = NULL;
		break;
	default:
		break;
	}
}

static const struct gw_pri_ops ops = {call_event, NULL, dchan};

/* bounded by a 30 s deadline: Q.921 recovery takes a few T200/T203 */
#define PUMP_UNTIL(cond)                                                                           \
	do {                                                                                       \
		SGW_RUN_UNTIL(loop, cond, 30000);                                                  \
		assert_true(cond);                                                                 \
	} while (0)

/* Two sides with their ISDN spans, joined by a loopback cable. */
static void join(struct side *a, const struct isdn_span_opts *oa, struct side *b,
		 const struct isdn_span_opts *ob)
{
	struct tdm_span_config ca, cb;
	struct tdm_span *ta, *tb;
	enum tdm_type type = oa->t1 ? TDM_T1 : TDM_E1;

	gw_pri_init(&a->pri, loop, oa->number, oa, &ops, a);
	gw_pri_init(&b->pri, loop, ob->number, ob, &ops, b);
	tdm_span_config_default(&ca, oa->number, type);
	tdm_span_config_default(&cb, ob->number, type);
	ca.block_ms = cb.block_ms = 1;
	assert_int_equal(tdm_lb_pair_new(loop, &ca, &gw_pri_tdm_ops, &a->pri, &cb, &gw_pri_tdm_ops,
					 &b->pri, &ta, &tb),
			 0);
	assert_int_equal(gw_pri_attach(&a->pri, ta), 0);
	assert_int_equal(gw_pri_attach(&b->pri, tb), 0);
	a->span = a->pri.isdn;
	b->span = b->pri.isdn;
}

static void part(struct side *s)
{
	gw_pri_close(&s->pri);
	s->span = NULL;
}

static void sides_up_opts(struct isdn_span_opts *cpe, struct isdn_span_opts *net)
{
	memset(&A, 0, sizeof(A));
	memset(&B, 0, sizeof(B));
	A.name = "cpe";
	B.name = "net";
	assert_int_equal(loop_new(&loop), 0);
	join(&A, cpe, &B, net);
	if (getenv("SGW_DEBUG")) { /* a decoded Q.921/Q.931 trace on stderr */
		log_level_set(LOGC_ISDN, LOGL_DEBUG);
		gw_pri_trace(&A.pri, true);
		gw_pri_trace(&B.pri, true);
	}
	PUMP_UNTIL(A.up && B.up);
}

static void sides_up(bool t1, enum isdn_switch sw, bool overlap)
{
	struct isdn_span_opts cpe = {.number = 1, .network = false, .switchtype = sw, .t1 = t1,
				     .ulaw = t1, .overlap = overlap};
	struct isdn_span_opts net = cpe;

	net.number = 2;
	net.network = true;
	sides_up_opts(&cpe, &net);
}

static void sides_down(void)
{
	part(&A);
	part(&B);
	loop_free(loop);
}

static struct isdn_setup national_call(const char *called, const char *calling)
{
	struct isdn_setup s = {.complete = true};

	snprintf(s.called.digits, sizeof(s.called.digits), "%s", called);
	s.called.ton = ISDN_TON_NATIONAL;
	s.called.npi = ISDN_NPI_E164;
	snprintf(s.calling.digits, sizeof(s.calling.digits), "%s", calling);
	s.calling.ton = ISDN_TON_SUBSCRIBER;
	s.calling.npi = ISDN_NPI_E164;
	return s;
}

static void dchannel_comes_up(void **state)
{
	sides_up(false, ISDN_SWITCH_EUROISDN, false);
	assert_int_equal(isdn_span_channels(A.span), 30);
	assert_int_equal(isdn_span_channel_ts(A.span, 15), 17); /* timeslot 16 skipped */
	sides_down();
	sides_up(true, ISDN_SWITCH_NI2, false);
	assert_int_equal(isdn_span_channels(A.span), 23);
	sides_down();
}

static void call_cpe_to_net_and_back(void **state)
{
	struct isdn_setup s = national_call("301234567", "201");
	struct isdn_call *c;
	int ts;

	sides_up(false, ISDN_SWITCH_EUROISDN, false);
	B.policy = ANSWER;
	s.bearer = ISDN_BEARER_AUDIO_3K1;
	snprintf(s.redirecting.digits, sizeof(s.redirecting.digits), "4930111");
	s.redirecting.ton = ISDN_TON_INTERNATIONAL;
	s.redirecting.npi = ISDN_NPI_E164;
	assert_int_equal(isdn_call_place(A.span, &s, NULL, &c), 0);
	PUMP_UNTIL(A.nev[ISDN_EV_CONNECT] == 1);
	assert_int_equal(A.nev[ISDN_EV_PROCEEDING], 1);
	assert_int_equal(A.nev[ISDN_EV_ALERTING], 1);
	assert_true(A.alert_inband); /* ringback in band: the caller listens */
	assert_int_equal(B.setup.bearer, ISDN_BEARER_AUDIO_3K1);
	assert_string_equal(B.setup.redirecting.digits, "4930111");
	assert_int_equal(B.setup.redirecting.ton, ISDN_TON_INTERNATIONAL);
	assert_true(isdn_call_connected(c));
	/* the timeslot is open on both cable ends while the call holds it */
	ts = isdn_call_channel(c);
	assert_int_equal(A.pri.tdm->chan_state[ts], TDM_CHAN_OPEN);
	assert_int_equal(B.pri.tdm->chan_state[ts], TDM_CHAN_OPEN);
	assert_string_equal(B.setup.called.digits, "301234567");
	assert_int_equal(B.setup.called.ton, ISDN_TON_NATIONAL);
	assert_int_equal(B.setup.called.npi, ISDN_NPI_E164);
	assert_string_equal(B.setup.calling.digits, "201");
	assert_int_equal(B.setup.calling.ton, ISDN_TON_SUBSCRIBER);
	assert_false(B.setup.restricted);
	assert_int_equal(B.setup.channel, isdn_call_channel(c));
	assert_int_equal(isdn_span_busy(A.span), 1);
	assert_int_equal(isdn_span_busy(B.span), 1);
	/* the caller hangs up: normal clearing seen on the other side */
	isdn_call_hangup(c, 16);
	PUMP_UNTIL(A.released == 1 && B.released == 1);
	assert_int_equal(B.nev[ISDN_EV_DISCONNECT], 1);
	assert_int_equal(B.last_cause, 16);
	assert_int_equal(isdn_span_busy(A.span), 0);
	assert_int_equal(isdn_span_busy(B.span), 0);
	assert_int_equal(A.pri.tdm->chan_state[ts], TDM_CHAN_IDLE);
	sides_down();
}

static void causes_reach_the_caller(void **state)
{
	static const int causes[] = {16, 17, 21, 34, 1};

	sides_up(false, ISDN_SWITCH_EUROISDN, false);
	for (size_t i = 0; i < sizeof(causes) / sizeof(causes[0]); i++) {
		struct isdn_setup s = national_call("301234567", "201");
		struct isdn_call *c;
		int released = B.released;

		/* NET -> CPE this time; the CPE refuses with the cause */
		A.policy = REJECT;
		A.reject_cause = causes[i];
		assert_int_equal(isdn_call_place(B.span, &s, NULL, &c), 0);
		PUMP_UNTIL(B.released == released + 1);
		assert_int_equal(B.last_cause, causes[i]);
		if (isdn_span_busy(A.span) || isdn_span_busy(B.span))
			print_error("cause %d: busy A %zu B %zu, released A %d B %d\n", causes[i],
				    isdn_span_busy(A.span), isdn_span_busy(B.span), A.released, B.released);
		PUMP_UNTIL(isdn_span_busy(A.span) == 0 && isdn_span_busy(B.span) == 0);
		assert_int_equal(A.released, (int)i + 1);
	}
	sides_down();
}

static void clir_arrives_restricted(void **state)
{
	struct isdn_setup s = national_call("301234567", "201");
	struct isdn_call *c;

	sides_up(false, ISDN_SWITCH_EUROISDN, false);
	B.policy = RING_ONLY;
	s.restricted = true;
	assert_int_equal(isdn_call_place(A.span, &s, NULL, &c), 0);
	PUMP_UNTIL(B.nev[ISDN_EV_INCOMING] == 1);
	assert_true(B.setup.restricted);
	isdn_call_hangup(c, 16);
	PUMP_UNTIL(A.released == 1 && B.released == 1);
	sides_down();
}

static void overlap_dialling(void **state)
{
	struct isdn_setup s = national_call("030", "201");
	struct isdn_call *c;

	sides_up(false, ISDN_SWITCH_EUROISDN, true);
	s.complete = false;
	B.policy = OVERLAP;
	assert_int_equal(isdn_call_place(A.span, &s, NULL, &c), 0);
	PUMP_UNTIL(A.nev[ISDN_EV_SETUP_ACK] == 1);
	assert_false(B.setup.complete);
	assert_string_equal(B.setup.called.digits, "030");
	for (const char *d = "1234567"; *d; d++) {
		char one[2] = {*d, 0};

		isdn_call_digits(c, one);
		PUMP_UNTIL(strlen(B.digits) == (size_t)(d - "1234567" + 1));
	}
	assert_string_equal(B.digits, "1234567");
	PUMP_UNTIL(A.nev[ISDN_EV_PROCEEDING] == 1);
	isdn_call_hangup(c, 16);
	PUMP_UNTIL(A.released == 1 && B.released == 1);
	sides_down();
}

static void all_channels_busy(void **state)
{
	struct isdn_call *c[31];

	sides_up(false, ISDN_SWITCH_EUROISDN, false);
	B.policy = ANSWER;
	for (int i = 0; i < 30; i++) {
		struct isdn_setup s = national_call("301234567", "201");

		assert_int_equal(isdn_call_place(A.span, &s, NULL, &c[i]), 0);
	}
	PUMP_UNTIL(A.nev[ISDN_EV_CONNECT] == 30);
	assert_int_equal(isdn_span_busy(A.span), 30);
	assert_int_equal(isdn_span_busy(B.span), 30);
	{
		struct isdn_setup s = national_call("301234567", "201");

		/* no B-channel left either way: the caller is told 34 */
		assert_int_equal(isdn_call_place(A.span, &s, NULL, &c[30]), -EBUSY);
		assert_int_equal(isdn_call_place(B.span, &s, NULL, &c[30]), -EBUSY);
	}
	for (int i = 0; i < 30; i++)
		isdn_call_hangup(c[i], 16);
	PUMP_UNTIL(A.released == 30 && B.released == 30);
	sides_down();
}

static void glare_network_keeps_the_channel(void **state)
{
	struct isdn_setup s = national_call("301234567", "201");
	struct isdn_call *ca, *cb;

	sides_up(false, ISDN_SWITCH_EUROISDN, false);
	A.policy = RING_ONLY;
	B.policy = RING_ONLY;
	/* both take channel 5 before either SETUP is delivered */
	s.channel = 5;
	assert_int_equal(isdn_call_place(A.span, &s, NULL, &ca), 0);
	assert_int_equal(isdn_call_place(B.span, &s, NULL, &cb), 0);
	PUMP_UNTIL(A.released == 1 && A.nev[ISDN_EV_INCOMING] == 1);
	assert_int_equal(A.last_cause, 44); /* the CPE's own call gave way */
	assert_int_equal(A.setup.channel, 5); /* and the network's call rings there */
	PUMP_UNTIL(B.nev[ISDN_EV_ALERTING] == 1);
	isdn_call_hangup(cb, 16);
	PUMP_UNTIL(B.released == 1 && A.released == 2);
	PUMP_UNTIL(isdn_span_busy(A.span) == 0 && isdn_span_busy(B.span) == 0);
	sides_down();
}

static void line_down_fails_calls_then_recovers(void **state)
{
	struct isdn_call *c[3];

	sides_up(false, ISDN_SWITCH_EUROISDN, false);
	B.policy = ANSWER;
	for (int i = 0; i < 3; i++) {
		struct isdn_setup s = national_call("301234567", "201");

		assert_int_equal(isdn_call_place(A.span, &s, NULL, &c[i]), 0);
	}
	PUMP_UNTIL(A.nev[ISDN_EV_CONNECT] == 3);
	/* the cable is pulled: both ends see red alarm and lose the line */
	tdm_lb_unplug(A.pri.tdm);
	assert_true(A.pri.tdm->alarms & TDM_ALARM_RED);
	assert_true(B.pri.tdm->alarms & TDM_ALARM_RED);
	assert_int_equal(A.released, 3);
	assert_int_equal(B.released, 3);
	assert_int_equal(A.last_cause, 38);
	assert_false(isdn_span_dchan_up(A.span));
	assert_int_equal(isdn_span_channel_state(A.span, 0), ISDN_CHAN_OOS);
	{
		struct isdn_setup s = national_call("301234567", "201");

		assert_int_equal(isdn_call_place(A.span, &s, NULL, &c[0]), -ENETDOWN);
	}
	/* plugged back: Q.921 recovers by itself and calls work again */
	tdm_lb_replug(A.pri.tdm);
	assert_int_equal(A.pri.tdm->alarms, 0);
	PUMP_UNTIL(isdn_span_dchan_up(A.span) && isdn_span_dchan_up(B.span));
	assert_int_equal(isdn_span_channel_state(A.span, 0), ISDN_CHAN_IDLE);
	{
		struct isdn_setup s = national_call("301234567", "201");

		assert_int_equal(isdn_call_place(A.span, &s, NULL, &c[0]), 0);
		PUMP_UNTIL(A.nev[ISDN_EV_CONNECT] == 4);
		isdn_call_hangup(c[0], 16);
		PUMP_UNTIL(A.released == 4 && B.released == 4);
	}
	sides_down();
}

static void restart_clears_the_channel_both_sides(void **state)
{
	struct isdn_setup s = national_call("301234567", "201");
	struct isdn_call *c;

	sides_up(false, ISDN_SWITCH_EUROISDN, false);
	B.policy = ANSWER;
	assert_int_equal(isdn_call_place(A.span, &s, NULL, &c), 0);
	PUMP_UNTIL(A.nev[ISDN_EV_CONNECT] == 1);
	assert_int_equal(isdn_span_restart(B.span, isdn_call_channel(c)), 0);
	PUMP_UNTIL(A.released == 1 && B.released == 1);
	assert_int_equal(A.last_cause, 41);
	assert_int_equal(B.last_cause, 41);
	PUMP_UNTIL(isdn_span_busy(A.span) == 0 && isdn_span_busy(B.span) == 0);
	assert_int_equal(isdn_span_restart(B.span, 16), -EINVAL); /* the D-channel */
	sides_down();
}

/* dialplan/localdialplan: numbers call control left "unknown" go out with
 * the span's type of number; numbers with a type keep it. */
static void span_dialplan_types_numbers(void **state)
{
	struct isdn_span_opts cpe = {.number = 1, .switchtype = ISDN_SWITCH_EUROISDN,
				     .dialplan = ISDN_TON_NATIONAL, .localdialplan = ISDN_TON_SUBSCRIBER};
	struct isdn_span_opts net = {.number = 2, .network = true, .switchtype = ISDN_SWITCH_EUROISDN};
	struct isdn_setup s = national_call("301234567", "201");
	struct isdn_call *c;

	sides_up_opts(&cpe, &net);
	B.policy = RING_ONLY;
	s.called.ton = ISDN_TON_UNKNOWN;
	s.calling.ton = ISDN_TON_UNKNOWN;
	assert_int_equal(isdn_call_place(A.span, &s, NULL, &c), 0);
	PUMP_UNTIL(B.nev[ISDN_EV_INCOMING] == 1);
	assert_int_equal(B.setup.called.ton, ISDN_TON_NATIONAL);
	assert_int_equal(B.setup.calling.ton, ISDN_TON_SUBSCRIBER);
	isdn_call_hangup(c, 16);
	PUMP_UNTIL(A.released == 1 && B.released == 1);
	s.called.ton = ISDN_TON_INTERNATIONAL;
	assert_int_equal(isdn_call_place(A.span, &s, NULL, &c), 0);
	PUMP_UNTIL(B.nev[ISDN_EV_INCOMING] == 2);
	assert_int_equal(B.setup.called.ton, ISDN_TON_INTERNATIONAL);
	isdn_call_hangup(c, 16);
	PUMP_UNTIL(A.released == 2 && B.released == 2);
	sides_down();
}

/* reset_interval: the network side restarts its idle channels every
 * second; the far end sees each one, and a call in progress is left alone. */
static void periodic_restart_spares_calls(void **state)
{
	struct isdn_span_opts cpe = {.number = 1, .switchtype = ISDN_SWITCH_EUROISDN};
	struct isdn_span_opts net = {.number = 2, .network = true, .switchtype = ISDN_SWITCH_EUROISDN,
				     .reset_interval_s = 1};
	struct isdn_setup s = national_call("301234567", "201");
	struct isdn_call *c;

	sides_up_opts(&cpe, &net);
	B.policy = ANSWER;
	assert_int_equal(isdn_call_place(A.span, &s, NULL, &c), 0);
	PUMP_UNTIL(A.nev[ISDN_EV_CONNECT] == 1);
	PUMP_UNTIL(isdn_span_restarts_rx(A.span) >= 29);
	assert_true(isdn_span_restarts_tx(B.span) >= 29);
	assert_int_equal(A.released, 0); /* 29 idle channels restarted, not the call's */
	assert_true(isdn_call_connected(c));
	isdn_call_hangup(c, 16);
	PUMP_UNTIL(A.released == 1 && B.released == 1);
	assert_int_equal(A.last_cause, 16);
	sides_down();
}

/* Three CPE spans facing three NET spans; hunting over the CPE spans. */
static struct side P[3][2];

static void pairs_up(void)
{
	assert_int_equal(loop_new(&loop), 0);
	for (int p = 0; p < 3; p++) {
		struct isdn_span_opts oc = {.number = 2 * p + 1, .switchtype = ISDN_SWITCH_EUROISDN};
		struct isdn_span_opts on = oc;

		on.number++;
		on.network = true;
		memset(P[p], 0, sizeof(P[p]));
		P[p][1].policy = RING_ONLY;
		join(&P[p][0], &oc, &P[p][1], &on);
	}
	PUMP_UNTIL(P[0][0].up && P[1][0].up && P[2][0].up && P[0][1].up && P[1][1].up &&
		   P[2][1].up);
}

static void pairs_down(void)
{
	for (int p = 0; p < 3; p++) {
		part(&P[p][0]);
		part(&P[p][1]);
	}
	loop_free(loop);
}

static void group_hunting(void **state)
{
	struct isdn_group grp;
	struct isdn_call *c;
	struct isdn_setup s = national_call("301234567", "201");

	pairs_up();
	/* first: fills span 1 before span 3 */
	isdn_group_init(&grp, "pstn", ISDN_HUNT_FIRST);
	for (int p = 0; p < 3; p++)
		assert_int_equal(isdn_group_add(&grp, P[p][0].span), 0);
	for (int i = 0; i < 3; i++)
		assert_int_equal(isdn_group_place(&grp, &s, NULL, &c), 0);
	assert_int_equal(isdn_span_busy(P[0][0].span), 3);
	assert_int_equal(isdn_span_busy(P[1][0].span), 0);
	/* round robin: one on each span in turn */
	grp.hunt = ISDN_HUNT_ROUNDROBIN;
	for (int i = 0; i < 3; i++)
		assert_int_equal(isdn_group_place(&grp, &s, NULL, &c), 0);
	assert_int_equal(isdn_span_busy(P[0][0].span), 4);
	assert_int_equal(isdn_span_busy(P[1][0].span), 1);
	assert_int_equal(isdn_span_busy(P[2][0].span), 1);
	/* least used: spans 2 and 3 catch up with span 1 */
	grp.hunt = ISDN_HUNT_LEASTUSED;
	for (int i = 0; i < 6; i++)
		assert_int_equal(isdn_group_place(&grp, &s, NULL, &c), 0);
	assert_int_equal(isdn_span_busy(P[0][0].span), 4);
	assert_int_equal(isdn_span_busy(P[1][0].span), 4);
	assert_int_equal(isdn_span_busy(P[2][0].span), 4);
	/* a span in alarm is skipped */
	tdm_lb_unplug(P[0][0].pri.tdm);
	assert_int_equal(isdn_group_place(&grp, &s, NULL, &c), 0);
	assert_int_equal(isdn_span_busy(P[0][0].span), 0);
	/* all spans down: -ENETDOWN; all full: -EBUSY (cause 34) */
	tdm_lb_unplug(P[1][0].pri.tdm);
	tdm_lb_unplug(P[2][0].pri.tdm);
	assert_int_equal(isdn_group_place(&grp, &s, NULL, &c), -ENETDOWN);
	tdm_lb_replug(P[2][0].pri.tdm);
	PUMP_UNTIL(isdn_span_dchan_up(P[2][0].span) && isdn_span_dchan_up(P[2][1].span));
	for (size_t i = isdn_span_busy(P[2][0].span); i < isdn_span_channels(P[2][0].span); i++)
		assert_int_equal(isdn_group_place(&grp, &s, NULL, &c), 0);
	assert_int_equal(isdn_group_place(&grp, &s, NULL, &c), -EBUSY);
	pairs_down();
}

/* ---- an exchange's DISCONNECT with in-band information ----------------------
 * libpri never puts a progress indicator in a DISCONNECT, exchanges do (the
 * announcement "the number is busy" plays while the caller listens).  Two
 * ISDN spans joined frame by frame: the NET side's DISCONNECT gets progress
 * indicator 8 added on the way, as an exchange would send it. */

#define PIPE_FRAMES 16
#define PIPE_FRAME_MAX 300

struct pipe_end {
	struct side *side;
	struct pipe_end *peer;
	uint8_t q[PIPE_FRAMES][PIPE_FRAME_MAX];
	size_t len[PIPE_FRAMES], n;
	struct timer t;
	bool add_pi; /* DISCONNECTs we send get progress indicator 8 */
};

static struct pipe_end PA, PB;

static int pipe_tx(void *arg, const void *frame, size_t len)
{
	struct pipe_end *e = arg;
	uint8_t *f;

	if (e->n == PIPE_FRAMES || len + 4 > PIPE_FRAME_MAX)
		return -ENOBUFS;
	f = e->q[e->n];
	memcpy(f, frame, len);
	/* a Q.921 I-frame (4 octets), then Q.931: discriminator 8, a 2-octet
	 * call reference, message type 0x45 DISCONNECT; the frame ends with
	 * the 2-octet FCS slot */
	if (e->add_pi && len > 11 && !(f[2] & 1) && f[4] == 0x08 && f[5] == 0x02 && f[8] == 0x45) {
		static const uint8_t pi[4] = {0x1e, 0x02, 0x82, 0x88}; /* public net, in-band info */

		memmove(f + len - 2 + 4, f + len - 2, 2);
		memcpy(f + len - 2, pi, 4);
		e->len[e->n++] = len + 4;
	} else {
		e->len[e->n++] = len;
	}
	loop_timer_start_ms(loop, &e->t, 0);
	return (int)len;
}

static void pipe_flush(struct timer *t, void *arg)
{
	struct pipe_end *e = arg;
	uint8_t q[PIPE_FRAMES][PIPE_FRAME_MAX];
	size_t len[PIPE_FRAMES], n = e->n;

	(void)t;
	memcpy(q, e->q, sizeof(q));
	memcpy(len, e->len, sizeof(len));
	e->n = 0;
	for (size_t i = 0; i < n; i++)
		isdn_span_rx(e->peer->side->span, q[i], len[i]);
}

static void pipe_dchan(void *arg, bool up)
{
	((struct pipe_end *)arg)->side->up = up;
}

static void pipe_event(void *arg, struct isdn_call *c, const struct isdn_event *ev)
{
	call_event(((struct pipe_end *)arg)->side, NULL, c, ev);
}

static const struct isdn_span_ops pipe_ops = {pipe_tx, pipe_dchan, pipe_event};

static void pipe_up(unsigned inband_disconnect_ms)
{
	struct isdn_span_opts cpe = {.number = 1, .switchtype = ISDN_SWITCH_EUROISDN,
				     .inband_disconnect_ms = inband_disconnect_ms};
	struct isdn_span_opts net = cpe;

	net.number = 2;
	net.network = true;
	memset(&A, 0, sizeof(A));
	memset(&B, 0, sizeof(B));
	memset(&PA, 0, sizeof(PA));
	memset(&PB, 0, sizeof(PB));
	PA.side = &A;
	PB.side = &B;
	PA.peer = &PB;
	PB.peer = &PA;
	PB.add_pi = true;
	timer_setup(&PA.t, pipe_flush, &PA);
	timer_setup(&PB.t, pipe_flush, &PB);
	assert_int_equal(loop_new(&loop), 0);
	assert_int_equal(isdn_span_new(loop, &cpe, &pipe_ops, &PA, &A.span), 0);
	assert_int_equal(isdn_span_new(loop, &net, &pipe_ops, &PB, &B.span), 0);
	PUMP_UNTIL(A.up && B.up);
}

static void pipe_down(void)
{
	loop_timer_stop(loop, &PA.t);
	loop_timer_stop(loop, &PB.t);
	isdn_span_free(A.span);
	isdn_span_free(B.span);
	loop_free(loop);
}

static void disconnect_with_inband_info(void **state)
{
	struct isdn_setup s = national_call("301234567", "201");
	struct isdn_call *c;

	/* inband_disconnect on: reported as PROGRESS with the cause, the call
	 * stays (the caller listens) until we clear it */
	pipe_up(30000);
	B.policy = RING_ONLY;
	assert_int_equal(isdn_call_place(A.span, &s, NULL, &c), 0);
	PUMP_UNTIL(A.nev[ISDN_EV_ALERTING] == 1);
	isdn_call_hangup(B.call, 17);
	PUMP_UNTIL(A.progress_cause == 17);
	assert_int_equal(A.nev[ISDN_EV_DISCONNECT], 0);
	assert_int_equal(A.released, 0);
	isdn_call_hangup(c, 17);
	PUMP_UNTIL(A.released == 1 && B.released == 1);
	assert_int_equal(isdn_span_busy(A.span), 0);
	assert_int_equal(isdn_span_busy(B.span), 0);
	pipe_down();

	/* off: the same DISCONNECT is a DISCONNECT */
	pipe_up(0);
	B.policy = RING_ONLY;
	assert_int_equal(isdn_call_place(A.span, &s, NULL, &c), 0);
	PUMP_UNTIL(A.nev[ISDN_EV_ALERTING] == 1);
	isdn_call_hangup(B.call, 17);
	PUMP_UNTIL(A.released == 1 && B.released == 1);
	assert_int_equal(A.nev[ISDN_EV_DISCONNECT], 1);
	assert_int_equal(A.progress_cause, 0);
	assert_int_equal(A.last_cause, 17);
	pipe_down();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		SGW_TEST(dchannel_comes_up),
		SGW_TEST(call_cpe_to_net_and_back),
		SGW_TEST(causes_reach_the_caller),
		SGW_TEST(clir_arrives_restricted),
		SGW_TEST(overlap_dialling),
		SGW_TEST(all_channels_busy),
		SGW_TEST(glare_network_keeps_the_channel),
		SGW_TEST(line_down_fails_calls_then_recovers),
		SGW_TEST(restart_clears_the_channel_both_sides),
		SGW_TEST(span_dialplan_types_numbers),
		SGW_TEST(periodic_restart_spares_calls),
		SGW_TEST(group_hunting),
		SGW_TEST(disconnect_with_inband_info),
	};
	return cmocka_run_group_tests_name("isdn/calls", tests, NULL, NULL);
}
