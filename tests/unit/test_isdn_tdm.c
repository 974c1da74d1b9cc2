/* libpri against libpri over the loopback TDM backend, joined by gw/pri.c
 * as in the daemon: the ISDN layer's D-channel frames go through
 * tdm_dframe_send and the cable's FCS, as they will on a card.  E1 EuroISDN and T1 NI2 D-channels come up; a CPE->NET
 * call connects, carries audio on the chosen B-channel both ways and is
 * released with the cause given; a NET->CPE call the same; pulling the
 * cable fails the active call (cause 38) and the D-channel recovers after
 * replug.  The cable's clock is real (1 ms blocks); every wait is bounded. */
#include "config.h"

#include "gw/pri.h"
#include "rtp/worker.h"
#include "isdn/isdn.h"
#include "lib/loop.h"
#include "tdm/loopback.h"
#include "testutil.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

struct end {
	struct gw_pri pri;
	struct tdm_span *t;  /* pri.tdm */
	struct isdn_span *i; /* pri.isdn */
	bool up;
	struct isdn_call *call;
	int connected, released, disconnect_cause, release_cause, incoming;
	char called[32];
	bool answer_incoming;
	/* audio on the call's channel: the tick (which may run in a media
	 * worker) sees only the timeslot, never the call object */
	_Atomic int ts;
	unsigned sent;
	_Atomic unsigned got_good, got_bad;
	bool synced;
	uint8_t expect;
};

static void dchan(void *arg, struct gw_pri *p, bool up)
{
	(void)p;
	((struct end *)arg)->up = up;
}

static void call_event(void *arg, struct gw_pri *p, struct isdn_call *call,
		       const struct isdn_event *ev)
{
	struct end *e = arg;

	(void)p;
	switch (ev->kind) {
	case ISDN_EV_INCOMING:
		e->incoming++;
		e->call = call;
		snprintf(e->called, sizeof(e->called), "%s", ev->setup->called.digits);
		if (e->answer_incoming) {
			isdn_call_proceeding(call);
			isdn_call_answer(call);
			e->connected++; /* our side is through once we answer */
			e->ts = isdn_call_channel(call);
		}
		break;
	case ISDN_EV_CONNECT:
		e->connected++;
		e->call = call;
		e->ts = isdn_call_channel(call);
		break;
	case ISDN_EV_DISCONNECT:
		e->disconnect_cause = ev->cause;
		isdn_call_hangup(call, ev->cause);
		break;
	case ISDN_EV_RELEASED:
		e->released++;
		e->release_cause = ev->cause;
		if (e->call == call) {
			e->call = NULL;
			e->ts = 0;
		}
		break;
	default:
		break;
	}
}

/* The call's B-channel audio: a counter stream each way. */
static void tick(void *arg, struct gw_pri *p, struct tdm_span *s)
{
	struct end *e = arg;
	uint8_t b[TDM_MAX_BLOCK_MS * TDM_BYTES_PER_MS];
	int ts = e->ts;

	(void)p;
	if (ts <= 0)
		return;
	tdm_chan_read(s, (unsigned)ts, b, s->block);
	for (size_t i = 0; i < s->block; i++) {
		if (!e->synced) {
			if (b[i] != tdm_idle_byte(s->cfg.law) && b[i] == 0x01) {
				e->synced = true;
				e->expect = 0x02;
			}
			continue;
		}
		if (b[i] == e->expect)
			e->got_good++;
		else
			e->got_bad++;
		e->expect = (uint8_t)(b[i] + 1) == tdm_idle_byte(s->cfg.law) ? (uint8_t)(b[i] + 2)
									       : (uint8_t)(b[i] + 1);
	}
	for (size_t i = 0; i < s->block; i++) {
		uint8_t v = (uint8_t)(++e->sent);

		if (v == tdm_idle_byte(s->cfg.law)) /* the idle byte marks silence: skip it */
			v = (uint8_t)(++e->sent);
		b[i] = v;
	}
	tdm_chan_write(s, (unsigned)ts, b, s->block);
}

static const struct gw_pri_ops pri_ops = {call_event, tick, dchan};

struct rig {
	struct loop *loop;
	struct end net, cpe;
};

static void rig_open(struct rig *r, enum tdm_type type, enum isdn_switch sw)
{
	struct tdm_span_config c1, c2;
	struct isdn_span_opts on = {.number = 1, .network = true, .switchtype = sw,
				    .t1 = type != TDM_E1, .ulaw = type != TDM_E1};
	struct isdn_span_opts oc = on;

	memset(r, 0, sizeof(*r));
	oc.number = 2;
	oc.network = false;
	tdm_span_config_default(&c1, 1, type);
	tdm_span_config_default(&c2, 2, type);
	c1.block_ms = c2.block_ms = 1;
	assert_int_equal(loop_new(&r->loop), 0);
	gw_pri_init(&r->net.pri, r->loop, 1, &on, &pri_ops, &r->net);
	gw_pri_init(&r->cpe.pri, r->loop, 2, &oc, &pri_ops, &r->cpe);
	assert_int_equal(tdm_lb_pair_new(r->loop, &c1, &gw_pri_tdm_ops, &r->net.pri, &c2,
					 &gw_pri_tdm_ops, &r->cpe.pri, &r->net.t, &r->cpe.t),
			 0);
	assert_int_equal(gw_pri_attach(&r->net.pri, r->net.t), 0);
	assert_int_equal(gw_pri_attach(&r->cpe.pri, r->cpe.t), 0);
	r->net.i = r->net.pri.isdn;
	r->cpe.i = r->cpe.pri.isdn;
}

static void rig_close(struct rig *r)
{
	gw_pri_close(&r->net.pri);
	gw_pri_close(&r->cpe.pri);
	loop_free(r->loop);
}

/* Run the loop until cond holds, at most max turns of up to 5 ms. */
#define RUN_UNTIL(r, cond, max)                                                  \
	do {                                                                     \
		for (int _i = 0; _i < (max) && !(cond); _i++)                    \
			loop_run_once((r)->loop, 5);                             \
	} while (0)

static void dchan_up(enum tdm_type type, enum isdn_switch sw)
{
	struct rig r;

	rig_open(&r, type, sw);
	RUN_UNTIL(&r, r.net.up && r.cpe.up, 2000);
	assert_true(r.net.up);
	assert_true(r.cpe.up);
	assert_int_equal(isdn_span_channels(r.net.i), type == TDM_E1 ? 30 : 23);
	assert_true(r.net.t->counters.hdlc_rx > 0 && r.cpe.t->counters.hdlc_rx > 0);
	assert_int_equal(r.net.t->counters.hdlc_bad_fcs, 0);
	rig_close(&r);
}

static void e1_euroisdn_dchan_comes_up(void **state)
{
	(void)state;
	dchan_up(TDM_E1, ISDN_SWITCH_EUROISDN);
}

static void t1_ni2_dchan_comes_up(void **state)
{
	(void)state;
	dchan_up(TDM_T1, ISDN_SWITCH_NI2);
}

/* from places a call to `to`, which answers; audio both ways; from clears
 * with cause, to sees it. */
static void call_audio_release(struct rig *r, struct end *from, struct end *to, int cause)
{
	struct isdn_setup s = {.called = {"4930123", ISDN_TON_NATIONAL, ISDN_NPI_E164},
			       .calling = {"4930999", ISDN_TON_NATIONAL, ISDN_NPI_E164},
			       .bearer = ISDN_BEARER_SPEECH, .complete = true};
	struct isdn_call *c;
	int ts;

	to->answer_incoming = true;
	assert_int_equal(isdn_call_place(from->i, &s, NULL, &c), 0);
	from->call = c;
	RUN_UNTIL(r, from->connected && to->incoming, 2000);
	assert_int_equal(from->connected, 1);
	assert_string_equal(to->called, "4930123");
	ts = isdn_call_channel(from->call);
	assert_true(ts > 0);
	assert_int_equal(isdn_call_channel(to->call), ts); /* the same B-channel both ends */
	/* audio: 200 ms of counter streams both ways on that timeslot */
	RUN_UNTIL(r, from->got_good > 1600 && to->got_good > 1600, 2000);
	if (from->got_good <= 1600 || to->got_good <= 1600 || from->got_bad || to->got_bad)
		fail_msg("audio on timeslot %d: %u/%u good, %u/%u bad", ts, from->got_good, to->got_good,
			 from->got_bad, to->got_bad);
	assert_int_equal(isdn_call_hangup(from->call, cause), 0);
	RUN_UNTIL(r, from->released && to->released, 2000);
	assert_int_equal(to->disconnect_cause, cause);
	assert_int_equal(from->released, 1);
	assert_int_equal(to->released, 1);
}

static void cpe_to_net_call(void **state)
{
	struct rig r;

	(void)state;
	rig_open(&r, TDM_E1, ISDN_SWITCH_EUROISDN);
	RUN_UNTIL(&r, r.net.up && r.cpe.up, 2000);
	call_audio_release(&r, &r.cpe, &r.net, 16);
	rig_close(&r);
}

static void net_to_cpe_call(void **state)
{
	struct rig r;

	(void)state;
	rig_open(&r, TDM_E1, ISDN_SWITCH_EUROISDN);
	RUN_UNTIL(&r, r.net.up && r.cpe.up, 2000);
	call_audio_release(&r, &r.net, &r.cpe, 17);
	rig_close(&r);
}

static void unplug_fails_calls_and_replug_recovers(void **state)
{
	struct rig r;
	struct isdn_setup s = {.called = {"100", ISDN_TON_UNKNOWN, ISDN_NPI_E164},
			       .bearer = ISDN_BEARER_SPEECH, .complete = true};
	struct isdn_call *c;

	(void)state;
	rig_open(&r, TDM_E1, ISDN_SWITCH_EUROISDN);
	RUN_UNTIL(&r, r.net.up && r.cpe.up, 2000);
	r.net.answer_incoming = true;
	assert_int_equal(isdn_call_place(r.cpe.i, &s, NULL, &c), 0);
	RUN_UNTIL(&r, r.cpe.connected, 2000);
	assert_int_equal(r.cpe.connected, 1);
	tdm_lb_unplug(r.cpe.t);
	RUN_UNTIL(&r, r.cpe.released && r.net.released, 500);
	assert_int_equal(r.cpe.release_cause, 38); /* network out of order */
	assert_int_equal(r.net.release_cause, 38);
	assert_false(isdn_span_dchan_up(r.cpe.i) && r.cpe.t->alarms == 0);
	tdm_lb_replug(r.cpe.t);
	r.net.up = r.cpe.up = false;
	RUN_UNTIL(&r, r.net.up && r.cpe.up, 3000);
	assert_true(isdn_span_dchan_up(r.net.i));
	assert_true(isdn_span_dchan_up(r.cpe.i));
	rig_close(&r);
}

/* The daemon's way: the spans clocked by a media worker (B-channel audio in
 * that thread), libpri in this one; frames and alarms cross between them. */
struct wopen {
	struct rig *r;
	struct loop *wl;
	struct tdm_span_config c1, c2;
	int rc;
};

static void open_in_worker(void *arg)
{
	struct wopen *o = arg;

	o->rc = tdm_lb_pair_new(o->wl, &o->c1, &gw_pri_tdm_ops, &o->r->net.pri, &o->c2, &gw_pri_tdm_ops,
				&o->r->cpe.pri, &o->r->net.t, &o->r->cpe.t);
}

static void unplug_in_worker(void *arg)
{
	tdm_lb_unplug(arg);
}

static void replug_in_worker(void *arg)
{
	tdm_lb_replug(arg);
}

static void spans_on_a_media_worker(void **state)
{
	struct rig r;
	struct media_pool *pool;
	struct media_worker *w;
	struct isdn_span_opts on = {.number = 1, .network = true, .switchtype = ISDN_SWITCH_EUROISDN};
	struct isdn_span_opts oc = on;
	struct wopen o;
	struct isdn_setup s = {.called = {"100", ISDN_TON_UNKNOWN, ISDN_NPI_E164},
			       .bearer = ISDN_BEARER_SPEECH, .complete = true};
	struct isdn_call *c;

	(void)state;
	oc.number = 2;
	oc.network = false;
	memset(&r, 0, sizeof(r));
	assert_int_equal(loop_new(&r.loop), 0);
	assert_int_equal(media_pool_new(r.loop, 1, &pool), 0);
	w = media_pool_worker(pool, 0);
	gw_pri_init(&r.net.pri, r.loop, 1, &on, &pri_ops, &r.net);
	gw_pri_init(&r.cpe.pri, r.loop, 2, &oc, &pri_ops, &r.cpe);
	gw_pri_use_worker(&r.net.pri, w);
	gw_pri_use_worker(&r.cpe.pri, w);
	o.r = &r;
	o.wl = media_worker_loop(w);
	tdm_span_config_default(&o.c1, 1, TDM_E1);
	tdm_span_config_default(&o.c2, 2, TDM_E1);
	o.c1.block_ms = o.c2.block_ms = 1;
	assert_int_equal(media_worker_run_sync(w, open_in_worker, &o), 0);
	assert_int_equal(o.rc, 0);
	assert_int_equal(gw_pri_attach(&r.net.pri, r.net.t), 0);
	assert_int_equal(gw_pri_attach(&r.cpe.pri, r.cpe.t), 0);
	r.net.i = r.net.pri.isdn;
	r.cpe.i = r.cpe.pri.isdn;
	RUN_UNTIL(&r, r.net.up && r.cpe.up, 2000);
	assert_true(r.net.up && r.cpe.up);
	/* a call with audio both ways, the audio made and checked in the worker */
	call_audio_release(&r, &r.cpe, &r.net, 16);
	/* the cable pulled in the worker: the alarm reaches libpri here */
	r.net.answer_incoming = true;
	assert_int_equal(isdn_call_place(r.cpe.i, &s, NULL, &c), 0);
	RUN_UNTIL(&r, r.cpe.connected == 2, 2000);
	assert_int_equal(r.cpe.connected, 2);
	media_worker_run_sync(w, unplug_in_worker, r.cpe.t);
	RUN_UNTIL(&r, r.cpe.released == 2 && r.net.released == 2, 500);
	assert_int_equal(r.cpe.release_cause, 38);
	media_worker_run_sync(w, replug_in_worker, r.cpe.t);
	r.net.up = r.cpe.up = false;
	RUN_UNTIL(&r, r.net.up && r.cpe.up, 3000);
	assert_true(isdn_span_dchan_up(r.cpe.i));
	assert_int_equal(r.net.pri.lost_frames + r.cpe.pri.lost_frames, 0);
	gw_pri_close(&r.net.pri);
	gw_pri_close(&r.cpe.pri);
	media_pool_free(pool);
	loop_free(r.loop);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		SGW_TEST(e1_euroisdn_dchan_comes_up),
		SGW_TEST(t1_ni2_dchan_comes_up),
		SGW_TEST(cpe_to_net_call),
		SGW_TEST(net_to_cpe_call),
		SGW_TEST(unplug_fails_calls_and_replug_recovers),
		SGW_TEST(spans_on_a_media_worker),
	};
	return cmocka_run_group_tests_name("isdn/tdm", tests, NULL, NULL);
}
