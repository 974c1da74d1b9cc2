/* bench_isdn: ISDN call setups and releases per second through isdn/ on
 * libpri, across 16 E1 span pairs (CPE and NET) in one thread, with every
 * B-channel kept busy: a call that clears is replaced at once.  One cycle
 * is SETUP, CALL PROCEEDING, CONNECT, CONNECT ACK, DISCONNECT, RELEASE,
 * RELEASE COMPLETE, plus the Q.921 acknowledgements.  Frames move through
 * in-memory queues, so this measures our code and libpri, not a line.
 *   isdn.calls_per_s        completed call cycles per CPU second
 *   isdn.cpu_per_call_us    CPU per cycle, both sides together */
#include "config.h"

#include "isdn/isdn.h"
#include "lib/loop.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PAIRS 16
#define QLEN 4096
#define FMAX 300

struct end;

struct queue {
	unsigned char f[QLEN][FMAX];
	size_t len[QLEN];
	size_t head, tail;
};

struct end {
	struct isdn_span *span;
	struct end *peer;
	struct queue out;
	bool cpe, up;
};

static struct end ends[PAIRS][2];
static long completed;
static bool running = true;

static int tx(void *arg, const void *frame, size_t len)
{
	struct queue *q = &((struct end *)arg)->out;

	if ((q->tail + 1) % QLEN == q->head || len > FMAX)
		return -1;
	memcpy(q->f[q->tail], frame, len);
	q->len[q->tail] = len;
	q->tail = (q->tail + 1) % QLEN;
	return (int)len;
}

static void dchan(void *arg, bool up)
{
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
	isdn_call_place(e->span, &s, NULL, &c);
}

static void event(void *arg, struct isdn_call *c, const struct isdn_event *ev)
{
	struct end *e = arg;

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

static const struct isdn_span_ops ops = {tx, dchan, event};

/* One sweep: deliver what each queue holds now (frames sent meanwhile wait
 * for the next sweep, so a sweep always ends). */
static long pump(void)
{
	long moved = 0;

	{
		for (int p = 0; p < PAIRS; p++) {
			for (int k = 0; k < 2; k++) {
				struct end *e = &ends[p][k];
				size_t end = e->out.tail;

				while (e->out.head != end) {
					size_t i = e->out.head;

					e->out.head = (i + 1) % QLEN;
					isdn_span_rx(e->peer->span, e->out.f[i], e->out.len[i]);
					moved++;
				}
			}
		}
	}
	return moved;
}

static double cpu_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(void)
{
	struct loop *loop;
	double t0, t1;
	long frames = 0;

	if (loop_new(&loop) < 0)
		return 1;
	for (int p = 0; p < PAIRS; p++) {
		struct isdn_span_opts o = {.number = 2 * p + 1, .switchtype = ISDN_SWITCH_EUROISDN};

		ends[p][0].cpe = true;
		ends[p][0].peer = &ends[p][1];
		ends[p][1].peer = &ends[p][0];
		if (isdn_span_new(loop, &o, &ops, &ends[p][0], &ends[p][0].span) < 0)
			return 1;
		o.number++;
		o.network = true;
		if (isdn_span_new(loop, &o, &ops, &ends[p][1], &ends[p][1].span) < 0)
			return 1;
	}
	for (int i = 0; i < 10; i++) /* SABME/UA: a few sweeps */
		pump();
	for (int p = 0; p < PAIRS; p++)
		if (!ends[p][0].up || !ends[p][1].up) {
			fprintf(stderr, "bench_isdn: D-channel of pair %d did not come up\n", p);
			return 1;
		}
	/* fill every B-channel, then keep them busy */
	t0 = cpu_s();
	for (int p = 0; p < PAIRS; p++)
		for (int ch = 0; ch < 30; ch++)
			place(&ends[p][0]);
	/* bounded: at most 400000 calls or 4 s of CPU */
	while (completed < 400000 && cpu_s() - t0 < 4.0)
		frames += pump();
	t1 = cpu_s();
	running = false;
	printf("isdn.calls_per_s: %.0f calls/s\n", (double)completed / (t1 - t0));
	printf("isdn.cpu_per_call_us: %.1f us\n", (t1 - t0) * 1e6 / (double)completed);
	printf("isdn.frames_per_call: %.1f frames\n", (double)frames / (double)completed);
	printf("isdn.span_pairs: %d pairs\n", PAIRS);
	for (int p = 0; p < PAIRS; p++) {
		isdn_span_free(ends[p][0].span);
		isdn_span_free(ends[p][1].span);
	}
	loop_free(loop);
	return 0;
}
