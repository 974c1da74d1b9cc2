/* bench_isdn: ISDN call setups and releases per second through the
 * gateway's ISDN path, across 16 loopback E1 span pairs (CPE and NET) in
 * one thread, with every B-channel kept busy: a call that clears is
 * replaced at once.  Each pair is two tdm/ loopback spans joined by the
 * virtual cable and run by gw/pri.c, as in the daemon: frames get their FCS
 * computed and checked and wait for the cable's next tick.  The cable's
 * clock is driven by hand, as fast as the CPU goes, so the figure is CPU
 * cost, not a line's speed.  One cycle is SETUP, CALL PROCEEDING, CONNECT,
 * CONNECT ACK, DISCONNECT, RELEASE, RELEASE COMPLETE, plus the Q.921
 * acknowledgements.
 *   isdn.calls_per_s        completed call cycles per CPU second
 *   isdn.cpu_per_call_us    CPU per cycle, both sides together
 *   isdn.frames_per_call    D-channel frames on the cable per cycle */
#include "config.h"

#include "gw/pri.h"
#include "isdn/isdn.h"
#include "lib/loop.h"
#include "tdm/loopback.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PAIRS 16

struct end {
	struct gw_pri pri;
	bool cpe, up;
};

static struct end ends[PAIRS][2];
static long completed;
static bool running = true;

static void dchan(void *arg, struct gw_pri *p, bool up)
{
	(void)p;
	((struct end *)arg)->up = up;
}

static void place(struct end *e)
{
	struct isdn_setup s = {.complete = true};
	struct isdn_call *c;

	strcpy(s.called.digits, "301234567");
	s.called.ton = ISDN_TON_NATIONAL;
	s.called.npi = ISDN_NPI_E164;
	strcpy(s.calling.digits, "201");
	isdn_call_place(e->pri.isdn, &s, NULL, &c);
}

static void event(void *arg, struct gw_pri *p, struct isdn_call *c, const struct isdn_event *ev)
{
	struct end *e = arg;

	(void)p;
	switch (ev->kind) {
	case ISDN_EV_INCOMING:
		isdn_call_proceeding(c);
		isdn_call_answer(c);
		break;
	case ISDN_EV_CONNECT:
		isdn_call_hangup(c, 16);
		break;
	case ISDN_EV_DISCONNECT:
		isdn_call_hangup(c, ev->cause);
		break;
	case ISDN_EV_RELEASED:
		if (e->cpe) {
			completed++;
			if (running)
				place(e);
		}
		break;
	default:
		break;
	}
}

static const struct gw_pri_ops ops = {event, NULL, dchan};

/* One tick of every cable, then libpri's due timers. */
static void sweep(struct loop *loop)
{
	for (int p = 0; p < PAIRS; p++)
		tdm_lb_tick(ends[p][0].pri.tdm);
	loop_run_once(loop, 0);
}

static double cpu_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t frames(void)
{
	uint64_t n = 0;

	for (int p = 0; p < PAIRS; p++)
		n += ends[p][0].pri.tdm->counters.hdlc_rx + ends[p][1].pri.tdm->counters.hdlc_rx;
	return n;
}

int main(void)
{
	struct loop *loop;
	double t0, t1;
	uint64_t f0;
	long sweeps = 0;

	if (loop_new(&loop) < 0)
		return 1;
	for (int p = 0; p < PAIRS; p++) {
		struct isdn_span_opts o = {.number = 2 * p + 1, .switchtype = ISDN_SWITCH_EUROISDN};
		struct isdn_span_opts on = o;
		struct tdm_span_config ca, cb;
		struct tdm_span *ta, *tb;

		on.number++;
		on.network = true;
		ends[p][0].cpe = true;
		tdm_span_config_default(&ca, o.number, TDM_E1);
		tdm_span_config_default(&cb, on.number, TDM_E1);
		gw_pri_init(&ends[p][0].pri, loop, o.number, &o, &ops, &ends[p][0]);
		gw_pri_init(&ends[p][1].pri, loop, on.number, &on, &ops, &ends[p][1]);
		if (tdm_lb_pair_new(loop, &ca, &gw_pri_tdm_ops, &ends[p][0].pri, &cb, &gw_pri_tdm_ops,
				    &ends[p][1].pri, &ta, &tb) < 0 ||
		    gw_pri_attach(&ends[p][0].pri, ta) < 0 || gw_pri_attach(&ends[p][1].pri, tb) < 0)
			return 1;
		tdm_lb_manual_clock(ta);
	}
	for (int i = 0; i < 20; i++) /* SABME/UA: a few ticks */
		sweep(loop);
	for (int p = 0; p < PAIRS; p++)
		if (!ends[p][0].up || !ends[p][1].up) {
			fprintf(stderr, "bench_isdn: D-channel of pair %d did not come up\n", p);
			return 1;
		}
	/* fill every B-channel, then keep them busy */
	t0 = cpu_s();
	f0 = frames();
	for (int p = 0; p < PAIRS; p++)
		for (int ch = 0; ch < 30; ch++)
			place(&ends[p][0]);
	/* bounded: at most 400000 calls or 4 s of CPU */
	while (completed < 400000 && cpu_s() - t0 < 4.0) {
		sweep(loop);
		sweeps++;
	}
	t1 = cpu_s();
	running = false;
	if (!completed) {
		fprintf(stderr, "bench_isdn: no call completed\n");
		return 1;
	}
	printf("isdn.calls_per_s: %.0f calls/s\n", (double)completed / (t1 - t0));
	printf("isdn.cpu_per_call_us: %.1f us\n", (t1 - t0) * 1e6 / (double)completed);
	printf("isdn.frames_per_call: %.1f frames\n", (double)(frames() - f0) / (double)completed);
	printf("isdn.ticks_per_call: %.2f ticks\n", (double)sweeps / (double)completed * PAIRS);
	printf("isdn.span_pairs: %d pairs\n", PAIRS);
	for (int p = 0; p < PAIRS; p++) {
		gw_pri_close(&ends[p][0].pri);
		gw_pri_close(&ends[p][1].pri);
	}
	loop_free(loop);
	return 0;
}
