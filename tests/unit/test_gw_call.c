/* Call control (gw/call.c) on the ISDN side, in one process: two loopback
 * E1 spans on a cable, span 2 (network side, group "exchange") run by call
 * control with its media (gw/media.c) and the dial plan of the self-test,
 * span 1 (user side) driven by the test as a PBX would.  What a caller on
 * span 1 notices: the milliwatt test line answers and sends 1004 Hz at
 * 0 dBm0 on the B-channel; the echo line returns what is sent; busy is
 * cause 17, congestion 34, a number nobody routes cause 1; a call in
 * overlap (digit by digit) reaches its test line once the number can only
 * be that one, on '#', or at the inter-digit timeout; a call routed back
 * to ISDN (ISDN to ISDN) carries the audio both ways;
 * the call records and the ladder say what happened; nothing leaks and no
 * channel stays busy.  Every wait is bounded. */
#include "config.h"

#include "gw/call.h"
#include "gw/cdr.h"
#include "gw/ctl.h"
#include "gw/ctl_out.h"
#include "gw/gw_config.h"
#include "gw/media.h"
#include "gw/pri.h"
#include "lib/loop.h"
#include "lib/mem.h"
#include "tdm/loopback.h"
#include "testutil.h"

#include <math.h>
#include <spandsp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct pbx { /* span 1: the test is the PBX */
	struct gw_pri pri;
	struct tdm_span *t;
	bool up;
	struct isdn_call *call;
	int connected, released, cause, proceeding, setup_ack;
	_Atomic int ts;
	/* what the B-channel brought: energy at 1004 Hz and in all */
	double q1, q2, e;
	unsigned n;
	bool send_tone; /* send 1 kHz at -10 dBm0 (for the echo line) */
	unsigned phase;
	/* a data call: octets sent (data_octet of phase) instead of audio,
	 * and what came back kept; the bearer of the incoming call */
	bool send_octets;
	uint8_t got[16000];
	unsigned ngot;
	enum isdn_bearer in_bearer;
	/* a call call control places toward the PBX: answered, its audio
	 * returned as it came */
	struct isdn_call *in_call;
	_Atomic int ts_in;
	int incoming, in_released;
};

struct rig {
	struct loop *loop;
	struct pbx pbx;
	struct gw_pri ex; /* span 2: call control's */
	struct tdm_span *ext;
	struct gw_media *media;
	struct gw_cc *cc;
	struct gw_config *cfg;
	struct gw_cdr_writer *cdr;
	char cdr_path[64], conf_path[64];
};

static void pbx_dchan(void *arg, struct gw_pri *p, bool up)
{
	(void)p;
	((struct pbx *)arg)->up = up;
}

static void pbx_event(void *arg, struct gw_pri *p, struct isdn_call *call, const struct isdn_event *ev)
{
	struct pbx *x = arg;

	(void)p;
	if (call == x->in_call || ev->kind == ISDN_EV_INCOMING) {
		switch (ev->kind) {
		case ISDN_EV_INCOMING:
			x->in_call = call;
			x->incoming++;
			x->in_bearer = ev->setup->bearer;
			isdn_call_proceeding(call);
			isdn_call_answer(call);
			x->ts_in = isdn_call_channel(call);
			break;
		case ISDN_EV_DISCONNECT:
			isdn_call_hangup(call, ev->cause);
			break;
		case ISDN_EV_RELEASED:
			x->in_released++;
			x->in_call = NULL;
			x->ts_in = 0;
			break;
		default:
			break;
		}
		return;
	}
	switch (ev->kind) {
	case ISDN_EV_SETUP_ACK:
		x->setup_ack++;
		break;
	case ISDN_EV_PROCEEDING:
		x->proceeding++;
		break;
	case ISDN_EV_CONNECT:
		x->connected++;
		x->ts = isdn_call_channel(call);
		break;
	case ISDN_EV_DISCONNECT:
		x->cause = ev->cause;
		isdn_call_hangup(call, ev->cause);
		break;
	case ISDN_EV_RELEASED:
		x->released++;
		if (!x->cause)
			x->cause = ev->cause;
		x->ts = 0;
		x->call = NULL;
		break;
	default:
		break;
	}
}

/* a data call's octet n: pseudo-random, every value */
static uint8_t data_octet(unsigned n)
{
	uint32_t h = n * 2654435761u;

	return (uint8_t)((h >> 13) ^ (h >> 24) ^ n);
}

/* 1004 Hz Goertzel over what the B-channel brings, and a tone out */
static void pbx_tick(void *arg, struct gw_pri *p, struct tdm_span *s)
{
	struct pbx *x = arg;
	uint8_t b[TDM_MAX_BLOCK_MS * TDM_BYTES_PER_MS];
	double c = 2 * cos(2 * M_PI * 1004.0 / 8000.0);
	int ts = x->ts, ts_in = x->ts_in;

	(void)p;
	if (ts_in > 0) { /* the incoming call: what comes goes back */
		tdm_chan_read(s, (unsigned)ts_in, b, s->block);
		tdm_chan_write(s, (unsigned)ts_in, b, s->block);
	}
	if (ts <= 0)
		return;
	tdm_chan_read(s, (unsigned)ts, b, s->block);
	if (x->send_octets) {
		for (size_t i = 0; i < s->block && x->ngot < sizeof(x->got); i++)
			x->got[x->ngot++] = b[i];
		for (size_t i = 0; i < s->block; i++)
			b[i] = data_octet(x->phase++);
		tdm_chan_write(s, (unsigned)ts, b, s->block);
		return;
	}
	for (size_t i = 0; i < s->block; i++) {
		double v = alaw_to_linear(b[i]), q0 = c * x->q1 - x->q2 + v;

		x->q2 = x->q1;
		x->q1 = q0;
		x->e += v * v;
		x->n++;
	}
	for (size_t i = 0; i < s->block; i++, x->phase++)
		b[i] = linear_to_alaw(x->send_tone ? (int16_t)(16086.0 * 1.4142 * 0.3162 *
							     sin(2 * M_PI * 1000.0 * x->phase / 8000.0))
						   : 0);
	tdm_chan_write(s, (unsigned)ts, b, s->block);
}

static const struct gw_pri_ops pbx_ops = {pbx_event, pbx_tick, pbx_dchan};

static void ex_event(void *arg, struct gw_pri *p, struct isdn_call *call, const struct isdn_event *ev)
{
	gw_cc_isdn_event(((struct rig *)arg)->cc, p, call, ev);
}

static void ex_tick(void *arg, struct gw_pri *p, struct tdm_span *s)
{
	(void)p;
	gw_media_tick(((struct rig *)arg)->media, s);
}

static const struct gw_pri_ops ex_ops = {ex_event, ex_tick, NULL};

static const char conf_text[] = "[route test-echo]\nsource = span-group\nfrom = exchange\n"
				"called = 9991000\naction = testline\ntestline = echo\n"
				"[route test-milliwatt]\nsource = span-group\nfrom = exchange\n"
				"called = 9991004\naction = testline\ntestline = milliwatt\n"
				"[route test-busy]\nsource = span-group\nfrom = exchange\n"
				"called = 9991017\naction = testline\ntestline = busy\n"
				"[route test-congestion]\nsource = span-group\nfrom = exchange\n"
				"called = 9991034\naction = testline\ntestline = congestion\n"
				"[route any-8]\nsource = span-group\nfrom = exchange\n"
				"called = _8.\naction = testline\ntestline = echo\n"
				"[route isdn-isdn]\nsource = span-group\nfrom = exchange\n"
				"called = _777.\nstrip_called = 3\naction = route\nspan_group = exchange\n";

#define RUN_UNTIL(r, cond, max)                                                  \
	do {                                                                     \
		for (int _i = 0; _i < (max) && !(cond); _i++)                    \
			loop_run_once((r)->loop, 5);                             \
	} while (0)

static void rig_open(struct rig *r, bool overlap)
{
	struct tdm_span_config c1, c2;
	struct isdn_span_opts oc = {.number = 1, .network = false, .switchtype = ISDN_SWITCH_EUROISDN,
				    .overlap = overlap, .dialplan = -1, .localdialplan = -1};
	struct isdn_span_opts on = oc;
	struct conf_errors errs = {0};
	struct gw_cc_config cc = {0};
	char err[200];
	int fd;

	memset(r, 0, sizeof(*r));
	on.number = 2;
	on.network = true;
	snprintf(r->conf_path, sizeof(r->conf_path), "/tmp/sgw-call-XXXXXX");
	fd = mkstemp(r->conf_path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, conf_text, strlen(conf_text)), (ssize_t)strlen(conf_text));
	close(fd);
	assert_int_equal(gw_config_load(r->conf_path, &r->cfg, &errs), 0);
	snprintf(r->cdr_path, sizeof(r->cdr_path), "/tmp/sgw-cdr-%d.csv", (int)getpid());
	unlink(r->cdr_path);
	assert_int_equal(gw_cdr_open(r->cdr_path, &r->cdr, err, sizeof(err)), 0);
	tdm_span_config_default(&c1, 1, TDM_E1);
	tdm_span_config_default(&c2, 2, TDM_E1);
	c1.block_ms = c2.block_ms = 20;
	assert_int_equal(loop_new(&r->loop), 0);
	r->media = gw_media_new(NULL, r->loop, 31, true, 20, "de");
	assert_non_null(r->media);
	cc.dp = &r->cfg->dialplan;
	cc.cdr = r->cdr;
	cc.recent = 10;
	cc.overlap_timeout_ms = 300;
	cc.media_addr = "127.0.0.1";
	cc.rtp_port_min = 26000;
	cc.rtp_port_max = 26999;
	assert_int_equal(gw_cc_new(r->loop, &cc, &r->cc), 0);
	gw_pri_init(&r->pbx.pri, r->loop, 1, &oc, &pbx_ops, &r->pbx);
	gw_pri_init(&r->ex, r->loop, 2, &on, &ex_ops, r);
	assert_int_equal(tdm_lb_pair_new(r->loop, &c1, &gw_pri_tdm_ops, &r->pbx.pri, &c2, &gw_pri_tdm_ops,
					 &r->ex, &r->pbx.t, &r->ext),
			 0);
	assert_int_equal(gw_pri_attach(&r->pbx.pri, r->pbx.t), 0);
	assert_int_equal(gw_pri_attach(&r->ex, r->ext), 0);
	assert_int_equal(gw_cc_add_span(r->cc, 2, &r->ex, r->media, "exchange", ISDN_HUNT_FIRST), 0);
	RUN_UNTIL(r, r->pbx.up, 2000);
	assert_true(r->pbx.up);
}

static void rig_close(struct rig *r)
{
	gw_cc_free(r->cc);
	gw_pri_close(&r->pbx.pri);
	gw_pri_close(&r->ex);
	gw_media_free(r->media);
	gw_cdr_close(r->cdr);
	gw_config_free(r->cfg);
	loop_free(r->loop);
	unlink(r->conf_path);
	unlink(r->cdr_path);
}

static void place_bearer(struct rig *r, const char *called, bool complete, enum isdn_bearer bearer)
{
	struct isdn_setup su = {.called = {.ton = ISDN_TON_UNKNOWN, .npi = ISDN_NPI_E164},
				.calling = {"4930123456", ISDN_TON_INTERNATIONAL, ISDN_NPI_E164},
				.bearer = bearer, .complete = complete};

	snprintf(su.called.digits, sizeof(su.called.digits), "%s", called);
	r->pbx.connected = r->pbx.released = r->pbx.cause = 0;
	r->pbx.q1 = r->pbx.q2 = r->pbx.e = 0;
	r->pbx.n = 0;
	assert_int_equal(isdn_call_place(r->pbx.pri.isdn, &su, NULL, &r->pbx.call), 0);
}

static void place(struct rig *r, const char *called, bool complete)
{
	place_bearer(r, called, complete, ISDN_BEARER_SPEECH);
}

static void hang_up(struct rig *r)
{
	isdn_call_hangup(r->pbx.call, 16);
	RUN_UNTIL(r, r->pbx.released, 1000);
	assert_int_equal(r->pbx.released, 1);
	/* call control's side is gone too: no channel busy on either span */
	RUN_UNTIL(r, isdn_span_busy(r->ex.isdn) == 0, 1000);
	assert_int_equal(isdn_span_busy(r->ex.isdn), 0);
	assert_int_equal(isdn_span_busy(r->pbx.pri.isdn), 0);
}

/* dBm0 of what came, and the share of it at 1004 Hz */
static void measured(const struct pbx *x, double *dbm0, double *share)
{
	double c = 2 * cos(2 * M_PI * 1004.0 / 8000.0);
	double tone = (x->q1 * x->q1 + x->q2 * x->q2 - x->q1 * x->q2 * c) * 2.0 / x->n;

	*dbm0 = 10 * log10(x->e / x->n) - 20 * log10(16086.0);
	*share = tone / x->e;
}

static void milliwatt_line(void **state)
{
	struct rig r;
	double dbm0, share;

	(void)state;
	rig_open(&r, false);
	place(&r, "9991004", true);
	RUN_UNTIL(&r, r.pbx.connected, 1000);
	assert_int_equal(r.pbx.connected, 1);
	RUN_UNTIL(&r, r.pbx.n >= 8000, 1000); /* a second of it */
	measured(&r.pbx, &dbm0, &share);
	if (fabs(dbm0) > 0.5 || share < 0.99)
		fail_msg("milliwatt at %.2f dBm0, %.3f of it at 1004 Hz", dbm0, share);
	hang_up(&r);
	assert_int_equal(gw_cdr_count(r.cdr), 1);
	rig_close(&r);
}

static void echo_line(void **state)
{
	struct rig r;
	double dbm0, share;

	(void)state;
	rig_open(&r, false);
	r.pbx.send_tone = true;
	place(&r, "9991000", true);
	RUN_UNTIL(&r, r.pbx.connected, 1000);
	RUN_UNTIL(&r, r.pbx.n >= 8000, 1000);
	measured(&r.pbx, &dbm0, &share);
	if (fabs(dbm0 + 10) > 1.0)
		fail_msg("echo came back at %.2f dBm0 (sent -10)", dbm0);
	hang_up(&r);
	rig_close(&r);
}

static void refusals(void **state)
{
	static const struct {
		const char *called;
		int cause;
	} cases[] = {{"9991017", 17}, {"9991034", 34}, {"1234567", 1}};
	struct rig r;

	(void)state;
	rig_open(&r, false);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		place(&r, cases[i].called, true);
		RUN_UNTIL(&r, r.pbx.released, 1000);
		assert_int_equal(r.pbx.connected, 0);
		if (r.pbx.cause != cases[i].cause)
			fail_msg("%s: cause %d, want %d", cases[i].called, r.pbx.cause, cases[i].cause);
	}
	RUN_UNTIL(&r, isdn_span_busy(r.ex.isdn) == 0, 1000);
	assert_int_equal(isdn_span_busy(r.ex.isdn), 0);
	assert_int_equal(gw_cdr_count(r.cdr), 3);
	rig_close(&r);
}

/* A clear-channel data call (unrestricted digital): the echo test line
 * takes it (bytes back as they came), a route that would carry it over
 * RTP refuses it with cause 65 instead of putting data through the echo
 * canceller and G.711 processing. */
/* Clear-channel data (ISDN unrestricted digital) routed ISDN to ISDN:
 * out again as unrestricted digital, the hairpin between the two legs as
 * CLEARMODE (RFC 4040), and the octets come back bit-exact although the
 * span has gains both ways and an echo canceller (neither may touch a data
 * call); the same through a test line.  On a speech call the same gains
 * change the octets (the check can fail). */
static unsigned octets_back(const struct pbx *x, unsigned *compared)
{
	unsigned best = 0;

	*compared = 0;
	/* where octet 4000 (sent at 0.5 s) came back, then all after it */
	for (unsigned i = 0; i + 16 <= x->ngot; i++) {
		unsigned k = 0, good = 0;

		while (k < 16 && x->got[i + k] == data_octet(4000 + k))
			k++;
		if (k < 16)
			continue;
		for (k = 0; i + k < x->ngot; k++)
			good += x->got[i + k] == data_octet(4000 + k);
		*compared = k;
		best = good;
		break;
	}
	return best;
}

/* the PBX hangs up a call that came back to it: both calls cleared */
static void hang_up_hairpin(struct rig *r)
{
	isdn_call_hangup(r->pbx.call, 16);
	RUN_UNTIL(r, r->pbx.released && r->pbx.in_released, 1000);
	assert_int_equal(r->pbx.in_released, 1);
	RUN_UNTIL(r, isdn_span_busy(r->ex.isdn) == 0 && isdn_span_busy(r->pbx.pri.isdn) == 0, 1000);
	assert_int_equal(isdn_span_busy(r->pbx.pri.isdn), 0);
	r->pbx.in_released = 0;
}

/* 12000 octets from the answered call: all from octet 4000 on back bit-exact */
static void expect_octets_back(struct rig *r, const char *what)
{
	unsigned good, n;

	r->pbx.ngot = 0;
	RUN_UNTIL(r, r->pbx.ngot >= 12000, 1000);
	good = octets_back(&r->pbx, &n);
	if (n < 4000 || good != n)
		fail_msg("%s: %u of %u octets back bit-exact", what, good, n);
}

static void data_calls(void **state)
{
	struct rig r;
	unsigned good, n;

	(void)state;
	rig_open(&r, false);
	gw_media_set_gains(r.media, -3, 2);
	gw_media_set_echo_canceller(r.media, 512);
	r.pbx.send_octets = true;
	place_bearer(&r, "7779991000", true, ISDN_BEARER_DIGITAL_64K);
	RUN_UNTIL(&r, r.pbx.connected, 1000);
	assert_int_equal(r.pbx.connected, 1);
	assert_int_equal(r.pbx.incoming, 1);
	assert_int_equal(r.pbx.in_bearer, ISDN_BEARER_DIGITAL_64K); /* out again as data */
	expect_octets_back(&r, "ISDN to ISDN data");
	hang_up_hairpin(&r);
	/* a test line takes data calls too: the echo line returns the octets */
	r.pbx.phase = 0;
	place_bearer(&r, "9991000", true, ISDN_BEARER_DIGITAL_64K);
	RUN_UNTIL(&r, r.pbx.connected, 1000);
	expect_octets_back(&r, "data to the echo line");
	hang_up(&r);
	/* a speech call through the same hairpin: the gains change the octets */
	r.pbx.phase = 0;
	place(&r, "7779991000", true);
	RUN_UNTIL(&r, r.pbx.connected, 1000);
	assert_int_equal(r.pbx.in_bearer, ISDN_BEARER_SPEECH);
	r.pbx.ngot = 0;
	RUN_UNTIL(&r, r.pbx.ngot >= 12000, 1000);
	good = octets_back(&r.pbx, &n);
	assert_true(n == 0 || good < n);
	hang_up_hairpin(&r);
	RUN_UNTIL(&r, gw_cdr_count(r.cdr) == 3, 1000);
	assert_int_equal(gw_cdr_count(r.cdr), 3);
	rig_close(&r);
}

/* Overlap: digits one by one after SETUP ACKNOWLEDGE; the call is routed
 * once the number can only be the test line's, on '#', or when the
 * inter-digit timer runs out for a pattern that takes longer numbers. */
static void overlap_receiving(void **state)
{
	static const struct {
		const char *first, *more;
		bool connects;
		int cause;
	} cases[] = {
		{"999", "1004", true, 0},  /* complete once 9991004: no rule takes longer */
		{"81", "#", true, 0},	   /* _8. takes more: '#' ends it */
		{"82", "", true, 0},	   /* _8. : the inter-digit timer (300 ms) ends it */
		{"12", "", false, 1},	   /* nothing starts with 12: unallocated at once */
	};
	struct rig r;

	(void)state;
	rig_open(&r, true);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		r.pbx.setup_ack = 0;
		place(&r, cases[i].first, false);
		if (!cases[i].connects) {
			RUN_UNTIL(&r, r.pbx.released, 1000);
			assert_int_equal(r.pbx.connected, 0);
			assert_int_equal(r.pbx.cause, cases[i].cause);
			continue;
		}
		RUN_UNTIL(&r, r.pbx.setup_ack, 1000);
		if (r.pbx.setup_ack != 1)
			fail_msg("%s: no SETUP ACKNOWLEDGE", cases[i].first);
		for (const char *d = cases[i].more; *d; d++) {
			char one[2] = {*d, 0};

			assert_int_equal(isdn_call_digits(r.pbx.call, one), 0);
			RUN_UNTIL(&r, r.pbx.connected, 10); /* 50 ms between digits */
		}
		RUN_UNTIL(&r, r.pbx.connected || r.pbx.released, 1000);
		if (r.pbx.connected != 1)
			fail_msg("%s+%s: not connected (cause %d)", cases[i].first, cases[i].more, r.pbx.cause);
		hang_up(&r);
	}
	rig_close(&r);
}

/* ISDN to ISDN: the PBX's call comes back to it on another B-channel of
 * the same span (777 taken off); the PBX answers and returns the audio, so
 * the tone it sends on the first call comes back there through both
 * B-channels and the RTP hairpin between them. */
/* ISDN to ISDN with gains from_db/to_db on the gateway's channels: the
 * tone crosses two channels each way, so it comes back at
 * -10 + 2 (from_db + to_db) dBm0; the call record has the first leg's
 * levels: the tone from the line after its gain, what went back to it. */
static void through_isdn(int from_db, int to_db)
{
	struct rig r;
	double dbm0, share, expect = -10 + 2 * (from_db + to_db);

	rig_open(&r, false);
	gw_media_set_gains(r.media, from_db, to_db);
	r.pbx.send_tone = true;
	place(&r, "7779991000", true);
	RUN_UNTIL(&r, r.pbx.connected, 1000);
	assert_int_equal(r.pbx.incoming, 1);
	assert_int_equal(r.pbx.connected, 1);
	assert_int_equal(isdn_span_busy(r.ex.isdn), 2);
	RUN_UNTIL(&r, r.pbx.n >= 16000, 2000); /* two seconds: past the jitter buffers' start */
	r.pbx.q1 = r.pbx.q2 = r.pbx.e = 0;
	r.pbx.n = 0;
	RUN_UNTIL(&r, r.pbx.n >= 8000, 1000);
	measured(&r.pbx, &dbm0, &share);
	if (fabs(dbm0 - expect) > 1.0)
		fail_msg("gains %+d/%+d dB: the tone came back at %.2f dBm0 (sent -10, %.0f expected)", from_db,
			 to_db, dbm0, expect);
	/* the PBX hangs up the first call: call control clears the second */
	isdn_call_hangup(r.pbx.call, 16);
	RUN_UNTIL(&r, r.pbx.released && r.pbx.in_released, 1000);
	assert_int_equal(r.pbx.released, 1);
	assert_int_equal(r.pbx.in_released, 1);
	RUN_UNTIL(&r, isdn_span_busy(r.ex.isdn) == 0 && isdn_span_busy(r.pbx.pri.isdn) == 0, 1000);
	assert_int_equal(isdn_span_busy(r.ex.isdn), 0);
	assert_int_equal(isdn_span_busy(r.pbx.pri.isdn), 0);
	RUN_UNTIL(&r, gw_cdr_count(r.cdr) == 1, 1000);
	assert_int_equal(gw_cdr_count(r.cdr), 1);
	{
		/* the record: from_line_dbm0 and to_line_dbm0 are columns 24 and 25 */
		char line[1024] = "", *f = line;
		FILE *in = fopen(r.cdr_path, "r");
		double from, to;

		assert_non_null(in);
		while (fgets(line, sizeof(line), in) && strncmp(line, "call_id", 7))
			;
		assert_non_null(fgets(line, sizeof(line), in));
		fclose(in);
		for (int col = 1; col < 24 && f; col++)
			f = strchr(f, ',') ? strchr(f, ',') + 1 : NULL;
		assert_non_null(f);
		assert_int_equal(sscanf(f, "%lf,%lf", &from, &to), 2);
		if (fabs(from - (-10 + from_db)) > 0.5 || fabs(to - expect) > 1.0)
			fail_msg("the record says %.1f dBm0 from the line, %.1f to it (%d and %.0f expected)", from, to,
				 -10 + from_db, expect);
	}
	rig_close(&r);
}

static void isdn_to_isdn(void **state)
{
	(void)state;
	through_isdn(0, 0);
}

/* Per-channel gains both ways, and the levels the call record keeps. */
static void gains_and_levels(void **state)
{
	(void)state;
	through_isdn(-3, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		SGW_TEST(milliwatt_line),
		SGW_TEST(echo_line),
		SGW_TEST(refusals),
		SGW_TEST(data_calls),
		SGW_TEST(overlap_receiving),
		SGW_TEST(isdn_to_isdn),
		SGW_TEST(gains_and_levels),
	};
	return cmocka_run_group_tests_name("gw/call", tests, NULL, NULL);
}
