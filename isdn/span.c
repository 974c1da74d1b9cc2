/* span.c: one ISDN PRI span on libpri 1.6, see isdn.h.
 *
 * libpri facts this file is built around (measured, ../shared/notes):
 *  - pri_new_cb() reads and writes frames through our callbacks; a written
 *    frame carries 2 placeholder FCS bytes and the callback must return the
 *    full length; a read frame must carry 2 FCS bytes at its end.
 *  - pri_check_event() returns NULL both for "no frame" and for "frame used,
 *    no event": we hand it exactly one frame per call.
 *  - pri_schedule_next() is an absolute gettimeofday() time.
 *  - The side that sent DISCONNECT gets PRI_EVENT_HANGUP when RELEASE comes
 *    and must call pri_hangup() again: that sends RELEASE COMPLETE and frees
 *    the call.  After PRI_EVENT_HANGUP_ACK libpri has freed the call already.
 * Call objects are ours; q931_call pointers are libpri's and are dropped the
 * moment libpri says the call is gone. */
#include "config.h"

#include "isdn/isdn.h"
#include "lib/log.h"
#include "lib/loop.h"
#include "lib/mem.h"

#include <errno.h>
#include <libpri.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/time.h>
#include <unistd.h>

#define MAX_CHANNELS 31
/* libpri channel numbers: bits 0-7 the B-channel, 8-15 the span, 16 explicit */
#define PRI_CHANNEL(c) ((c) & 0xff)
#define FRAME_MAX 512

const char *const isdn_switch_names[ISDN_SWITCH_COUNT] = {"euroisdn", "ni2",  "dms100", "4ess",
							  "5ess",     "qsig", "ni1"};
const char *const isdn_event_names[ISDN_EV_COUNT] = {
	"incoming", "setup ack", "proceeding", "alerting", "progress",
	"connect",  "digits",	 "disconnect", "released"};

static const int pri_switches[ISDN_SWITCH_COUNT] = {
	PRI_SWITCH_EUROISDN_E1, PRI_SWITCH_NI2, PRI_SWITCH_DMS100, PRI_SWITCH_ATT4ESS,
	PRI_SWITCH_LUCENT5E,	PRI_SWITCH_QSIG, PRI_SWITCH_NI1};

struct isdn_call {
	struct isdn_span *span;
	q931_call *q;
	int ts;		/* B-channel timeslot, 0 while none */
	bool outgoing;
	bool connected;
	bool hungup;	/* we called pri_hangup (sent DISCONNECT or RELEASE) */
	bool acked;	/* incoming: we answered the SETUP with something */
	bool released;
	void *user;
	struct isdn_call *next;
};

struct isdn_chan {
	int ts;
	enum isdn_chan_state state;
	struct isdn_call *call;
};

struct isdn_span {
	struct loop *loop;
	struct isdn_span_opts opts;
	const struct isdn_span_ops *ops;
	void *arg;
	struct pri *pri;
	int dummy_fd; /* libpri wants an fd; all I/O goes through the callbacks */
	bool dchan_up, link_up;
	struct timer timer;
	struct timer reset_timer; /* the periodic RESTART of idle channels */
	uint64_t restarts_rx, restarts_tx;
	struct isdn_chan chans[MAX_CHANNELS];
	size_t nchans;
	struct isdn_call *calls;
	/* the one frame pri_check_event() may read */
	unsigned char rx[FRAME_MAX];
	size_t rx_len;
};

/* ---- libpri glue ------------------------------------------------------------- */

static void pri_message_cb(struct pri *pri, char *s)
{
	struct isdn_span *span = pri ? pri_get_userdata(pri) : NULL;
	size_t n = strlen(s);

	while (n && (s[n - 1] == '\n' || s[n - 1] == '\r'))
		n--;
	/* libpri speaks here only when the span's trace is on: the operator
	 * asked for it, so it shows at the default log level */
	LOGP(LOGC_ISDN, LOGL_NOTICE, "span %d trace: %.*s", span ? span->opts.number : 0, (int)n, s);
}

static void pri_error_cb(struct pri *pri, char *s)
{
	struct isdn_span *span = pri ? pri_get_userdata(pri) : NULL;
	size_t n = strlen(s);

	while (n && (s[n - 1] == '\n' || s[n - 1] == '\r'))
		n--;
	LOGP(LOGC_ISDN, LOGL_NOTICE, "span %d: %.*s", span ? span->opts.number : 0, (int)n, s);
}

static int io_read(struct pri *pri, void *buf, int buflen)
{
	struct isdn_span *span = pri_get_userdata(pri);
	size_t n = span->rx_len;

	if (!n)
		return 0;
	if (n > (size_t)buflen)
		n = (size_t)buflen;
	memcpy(buf, span->rx, n);
	span->rx_len = 0;
	return (int)n;
}

static int io_write(struct pri *pri, void *buf, int buflen)
{
	struct isdn_span *span = pri_get_userdata(pri);

	if (!span->link_up)
		return buflen; /* the line is dead: the frame goes nowhere */
	if (span->ops->tx_frame(span->arg, buf, (size_t)buflen) < 0)
		return -1;
	return buflen;
}

static void handle_event(struct isdn_span *span, pri_event *e);

static void reschedule(struct isdn_span *span)
{
	struct timeval *tv = pri_schedule_next(span->pri);
	struct timeval now;
	int64_t ms;

	if (!tv) {
		loop_timer_stop(span->loop, &span->timer);
		return;
	}
	gettimeofday(&now, NULL);
	ms = (int64_t)(tv->tv_sec - now.tv_sec) * 1000 + (tv->tv_usec - now.tv_usec) / 1000;
	loop_timer_start_ms(span->loop, &span->timer, ms > 0 ? (uint64_t)ms : 0);
}

static void on_timer(struct timer *t, void *arg)
{
	struct isdn_span *span = arg;
	pri_event *e = pri_schedule_run(span->pri);

	if (e)
		handle_event(span, e);
	reschedule(span);
}

/* ---- channels and calls ------------------------------------------------------ */

static struct isdn_chan *chan_by_ts(struct isdn_span *span, int ts)
{
	for (size_t i = 0; i < span->nchans; i++)
		if (span->chans[i].ts == ts)
			return &span->chans[i];
	return NULL;
}

static struct isdn_chan *chan_free(struct isdn_span *span)
{
	for (size_t i = 0; i < span->nchans; i++)
		if (span->chans[i].state == ISDN_CHAN_IDLE)
			return &span->chans[i];
	return NULL;
}

static struct isdn_call *call_by_q(struct isdn_span *span, q931_call *q)
{
	for (struct isdn_call *c = span->calls; c; c = c->next)
		if (c->q == q && !c->released)
			return c;
	return NULL;
}

static struct isdn_call *call_new(struct isdn_span *span, q931_call *q, struct isdn_chan *ch,
				  bool outgoing, void *user)
{
	struct isdn_call *c = mem_zalloc(sizeof(*c));

	if (!c)
		return NULL;
	c->span = span;
	c->q = q;
	c->outgoing = outgoing;
	c->user = user;
	if (ch) {
		c->ts = ch->ts;
		ch->state = ISDN_CHAN_BUSY;
		ch->call = c;
	}
	c->next = span->calls;
	span->calls = c;
	return c;
}

static void emit(struct isdn_call *c, enum isdn_event_kind kind, int cause, bool inband,
		 const char *digits, const struct isdn_setup *setup)
{
	struct isdn_event ev = {kind, cause, inband, digits, setup};

	LOGP(LOGC_ISDN, LOGL_DEBUG, "span %d channel %d: %s%s", c->span->opts.number, c->ts,
	     isdn_event_names[kind], cause ? " (cause given)" : "");
	c->span->ops->call_event(c->span->arg, c, &ev);
}

/* The call is over: free its channel, tell the owner, drop the object. */
static void call_released(struct isdn_call *c, int cause)
{
	struct isdn_span *span = c->span;
	struct isdn_chan *ch = c->ts ? chan_by_ts(span, c->ts) : NULL;
	struct isdn_call **pp;

	if (c->released)
		return;
	c->released = true;
	c->q = NULL;
	if (ch && ch->call == c) {
		ch->call = NULL;
		if (ch->state == ISDN_CHAN_BUSY)
			ch->state = span->link_up ? ISDN_CHAN_IDLE : ISDN_CHAN_OOS;
	}
	emit(c, ISDN_EV_RELEASED, cause, false, NULL, NULL);
	for (pp = &span->calls; *pp; pp = &(*pp)->next) {
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	}
	mem_free(c);
}

static void number_from(struct isdn_number *n, const char *digits, int plan)
{
	size_t len = strnlen(digits, sizeof(n->digits) - 1); /* longer than E.164 allows: cut */

	memcpy(n->digits, digits, len);
	n->digits[len] = '\0';
	n->ton = (enum isdn_ton)((plan >> 4) & 7);
	n->npi = (enum isdn_npi)(plan & 15);
}

static int plan_of(const struct isdn_number *n)
{
	return ((n->ton & 7) << 4) | (n->npi & 15);
}

/* An incoming SETUP (PRI_EVENT_RING). */
static void on_ring(struct isdn_span *span, pri_event *e)
{
	q931_call *q = e->ring.call;
	int ts = e->ring.channel > 0 ? PRI_CHANNEL(e->ring.channel) : 0;
	struct isdn_chan *ch = NULL;
	struct isdn_setup setup;
	struct isdn_call *c;

	if (ts) {
		ch = chan_by_ts(span, ts);
		if (!ch) {
			LOGP(LOGC_ISDN, LOGL_NOTICE, "span %d: SETUP for channel %d, which does not exist",
			     span->opts.number, ts);
			pri_hangup(span->pri, q, 82); /* identified channel does not exist */
			return;
		}
		if (ch->state == ISDN_CHAN_OOS) {
			pri_hangup(span->pri, q, 44);
			return;
		}
		if (ch->state == ISDN_CHAN_BUSY) {
			struct isdn_call *mine = ch->call;

			/* glare: both sides took this channel (ETSI: the network keeps it) */
			if (span->opts.network || !mine || !mine->outgoing || mine->connected) {
				LOGP(LOGC_ISDN, LOGL_NOTICE,
				     "span %d: SETUP for busy channel %d refused (cause 44)",
				     span->opts.number, ts);
				pri_hangup(span->pri, q, 44);
				return;
			}
			LOGP(LOGC_ISDN, LOGL_NOTICE,
			     "span %d: glare on channel %d; the network's call wins, ours is cleared",
			     span->opts.number, ts);
			mine->hungup = true;
			pri_hangup(span->pri, mine->q, 44);
			call_released(mine, 44);
		}
	} else {
		ch = chan_free(span);
		if (!ch) {
			pri_hangup(span->pri, q, 34); /* no circuit/channel available */
			return;
		}
	}
	memset(&setup, 0, sizeof(setup));
	number_from(&setup.called, e->ring.callednum, e->ring.calledplan);
	number_from(&setup.calling, e->ring.callingnum, e->ring.callingplan);
	if (e->ring.redirectingnum[0])
		number_from(&setup.redirecting, e->ring.redirectingnum, e->ring.callingplanrdnis);
	setup.restricted = (e->ring.callingpres & PRI_PRES_RESTRICTION) == PRI_PRES_RESTRICTED;
	setup.screening = e->ring.callingpres & PRI_PRES_NUMBER_TYPE;
	setup.bearer = e->ring.ctype == PRI_TRANS_CAP_DIGITAL	   ? ISDN_BEARER_DIGITAL_64K
		       : e->ring.ctype == PRI_TRANS_CAP_3_1K_AUDIO ? ISDN_BEARER_AUDIO_3K1
								    : ISDN_BEARER_SPEECH;
	setup.complete = e->ring.complete;
	setup.channel = ch->ts;
	c = call_new(span, q, ch, false, NULL);
	if (!c) {
		pri_hangup(span->pri, q, 47); /* resource unavailable */
		return;
	}
	emit(c, ISDN_EV_INCOMING, 0, false, NULL, &setup);
}

static void on_hangup(struct isdn_span *span, q931_call *q, int cause, bool ack)
{
	struct isdn_call *c = call_by_q(span, q);

	if (ack) {
		/* RELEASE COMPLETE after our RELEASE: libpri freed the call */
		if (c)
			call_released(c, cause);
		return;
	}
	/* RELEASE (or a RELEASE COMPLETE that ends the call): answering with
	 * pri_hangup() sends RELEASE COMPLETE where one is due and frees it */
	pri_hangup(span->pri, q, cause);
	if (c) {
		c->hungup = true;
		call_released(c, cause);
	}
}

/* Every call of the span ends now with cause (libpri forgets them too). */
static void calls_fail_all(struct isdn_span *span, int cause)
{
	while (span->calls) {
		struct isdn_call *c = span->calls;

		if (c->q)
			pri_destroycall(span->pri, c->q);
		call_released(c, cause);
	}
}

static void dchan_changed(struct isdn_span *span, bool up)
{
	if (span->dchan_up == up)
		return;
	span->dchan_up = up;
	LOGP(LOGC_ISDN, up ? LOGL_NOTICE : LOGL_WARNING, "span %d: D-channel %s",
	     span->opts.number, up ? "up" : "down");
	if (!up) {
		/* Q.921 gone: every call on the span fails (cause 38) */
		calls_fail_all(span, 38);
	}
	if (span->ops->dchan)
		span->ops->dchan(span->arg, up);
}

static void handle_event(struct isdn_span *span, pri_event *e)
{
	struct isdn_call *c;

	switch (e->e) {
	case PRI_EVENT_DCHAN_UP:
		dchan_changed(span, true);
		break;
	case PRI_EVENT_DCHAN_DOWN:
		dchan_changed(span, false);
		break;
	case PRI_EVENT_RING:
		on_ring(span, e);
		break;
	case PRI_EVENT_SETUP_ACK:
		if ((c = call_by_q(span, e->setup_ack.call)))
			emit(c, ISDN_EV_SETUP_ACK, 0, false, NULL, NULL);
		break;
	case PRI_EVENT_PROCEEDING:
		if ((c = call_by_q(span, e->proceeding.call)))
			emit(c, ISDN_EV_PROCEEDING, 0,
			     (e->proceeding.progressmask & PRI_PROG_INBAND_AVAILABLE) != 0, NULL,
			     NULL);
		break;
	case PRI_EVENT_PROGRESS:
		/* with a cause: a PROGRESS carrying one, or (inband_disconnect) a
		 * DISCONNECT with in-band info before answer */
		if ((c = call_by_q(span, e->proceeding.call)))
			emit(c, ISDN_EV_PROGRESS, e->proceeding.cause > 0 ? e->proceeding.cause : 0,
			     (e->proceeding.progressmask & PRI_PROG_INBAND_AVAILABLE) != 0, NULL,
			     NULL);
		break;
	case PRI_EVENT_RINGING:
		if ((c = call_by_q(span, e->ringing.call)))
			emit(c, ISDN_EV_ALERTING, 0,
			     (e->ringing.progressmask & PRI_PROG_INBAND_AVAILABLE) != 0, NULL,
			     NULL);
		break;
	case PRI_EVENT_ANSWER:
		if ((c = call_by_q(span, e->answer.call))) {
			c->connected = true;
			emit(c, ISDN_EV_CONNECT, 0, false, NULL, NULL);
		}
		break;
	case PRI_EVENT_INFO_RECEIVED:
		if ((c = call_by_q(span, e->ring.call)) && e->ring.callednum[0])
			emit(c, ISDN_EV_DIGITS, 0, false, e->ring.callednum, NULL);
		break;
	case PRI_EVENT_HANGUP_REQ:
		if ((c = call_by_q(span, e->hangup.call)))
			emit(c, ISDN_EV_DISCONNECT, e->hangup.cause, false, NULL, NULL);
		else
			pri_hangup(span->pri, e->hangup.call, e->hangup.cause);
		break;
	case PRI_EVENT_HANGUP:
		on_hangup(span, e->hangup.call, e->hangup.cause, false);
		break;
	case PRI_EVENT_HANGUP_ACK:
		on_hangup(span, e->hangup.call, e->hangup.cause, true);
		break;
	case PRI_EVENT_RESTART: {
		int ts = e->restart.channel > 0 ? PRI_CHANNEL(e->restart.channel) : 0;

		/* RESTART of one channel, or of the whole interface */
		span->restarts_rx++;
		for (size_t i = 0; i < span->nchans; i++) {
			struct isdn_chan *ch = &span->chans[i];

			if (ts && ch->ts != ts)
				continue;
			if (ch->call)
				call_released(ch->call, 41);
		}
		break;
	}
	default:
		break;
	}
}

/* ---- the span ----------------------------------------------------------------- */

/* reset_interval: RESTART every idle B-channel, so that a channel the far
 * end thinks busy (a lost RELEASE) comes back into service */
static void on_reset_timer(struct timer *t, void *arg)
{
	struct isdn_span *span = arg;
	unsigned n = 0;

	(void)t;
	if (span->dchan_up && span->link_up) {
		for (size_t i = 0; i < span->nchans; i++) {
			if (span->chans[i].state != ISDN_CHAN_IDLE)
				continue;
			if (pri_reset(span->pri, span->chans[i].ts) == 0)
				n++;
		}
		span->restarts_tx += n;
		LOGP(LOGC_ISDN, LOGL_INFO, "span %d: periodic RESTART of %u idle channels",
		     span->opts.number, n);
		reschedule(span);
	}
	loop_timer_start_ms(span->loop, &span->reset_timer,
			    (uint64_t)span->opts.reset_interval_s * 1000);
}

int isdn_span_new(struct loop *loop, const struct isdn_span_opts *opts,
		  const struct isdn_span_ops *ops, void *arg, struct isdn_span **out)
{
	static bool handlers_set;
	struct isdn_span *span = mem_zalloc(sizeof(*span));
	int maxts = opts->t1 ? 23 : 31;

	if (!span)
		return -ENOMEM;
	if (!handlers_set) {
		pri_set_message(pri_message_cb);
		pri_set_error(pri_error_cb);
		handlers_set = true;
	}
	span->loop = loop;
	span->opts = *opts;
	span->ops = ops;
	span->arg = arg;
	span->link_up = true;
	for (int ts = 1; ts <= maxts; ts++) {
		if (!opts->t1 && ts == 16)
			continue; /* E1: timeslot 16 is the D-channel */
		span->chans[span->nchans].ts = ts;
		span->chans[span->nchans].state = ISDN_CHAN_IDLE;
		span->nchans++;
	}
	timer_setup(&span->timer, on_timer, span);
	span->dummy_fd = eventfd(0, EFD_CLOEXEC);
	span->pri = pri_new_cb(span->dummy_fd, opts->network ? PRI_NETWORK : PRI_CPE,
			       opts->switchtype == ISDN_SWITCH_EUROISDN && opts->t1
				       ? PRI_SWITCH_EUROISDN_T1
				       : pri_switches[opts->switchtype],
			       io_read, io_write, span);
	if (!span->pri) {
		if (span->dummy_fd >= 0)
			close(span->dummy_fd);
		mem_free(span);
		return -ENOMEM;
	}
	pri_set_overlapdial(span->pri, opts->overlap);
	pri_set_inbanddisconnect(span->pri, opts->inband_disconnect_ms > 0);
	if (opts->facility)
		pri_facility_enable(span->pri);
	if (opts->service_messages)
		pri_set_service_message_support(span->pri, 1);
	timer_setup(&span->reset_timer, on_reset_timer, span);
	if (opts->reset_interval_s)
		loop_timer_start_ms(loop, &span->reset_timer, (uint64_t)opts->reset_interval_s * 1000);
	reschedule(span);
	*out = span;
	return 0;
}

void isdn_span_free(struct isdn_span *span)
{
	if (!span)
		return;
	calls_fail_all(span, 38);
	loop_timer_stop(span->loop, &span->timer);
	loop_timer_stop(span->loop, &span->reset_timer);
	/* libpri 1.6 has no destructor for a struct pri (pri_link_destroy is
	 * for BRI links and crashes on a PRI master): it stays allocated, once
	 * per span made; spans live as long as the daemon */
	close(span->dummy_fd);
	mem_free(span);
}

void isdn_span_rx(struct isdn_span *span, const void *frame, size_t len)
{
	pri_event *e;

	if (!span->link_up || len < 3 || len > FRAME_MAX)
		return;
	memcpy(span->rx, frame, len);
	span->rx_len = len;
	e = pri_check_event(span->pri);
	span->rx_len = 0;
	if (e)
		handle_event(span, e);
	reschedule(span);
}

void isdn_span_set_link(struct isdn_span *span, bool up)
{
	if (span->link_up == up)
		return;
	span->link_up = up;
	for (size_t i = 0; i < span->nchans; i++)
		if (!span->chans[i].call)
			span->chans[i].state = up ? ISDN_CHAN_IDLE : ISDN_CHAN_OOS;
	if (!up) {
		/* the calls fail now (cause 38); the D-channel's state is libpri's
		 * to report, by its own Q.921 timers, down and up again */
		calls_fail_all(span, 38);
	}
	LOGP(LOGC_ISDN, up ? LOGL_NOTICE : LOGL_WARNING, "span %d: line %s", span->opts.number,
	     up ? "back" : "down: calls cleared, channels out of service");
	reschedule(span);
}

int isdn_span_restart(struct isdn_span *span, int ts)
{
	if (!span->dchan_up || !span->link_up)
		return -ENETDOWN;
	if (ts && !chan_by_ts(span, ts))
		return -EINVAL;
	for (size_t i = 0; i < span->nchans; i++) {
		struct isdn_chan *ch = &span->chans[i];

		if ((!ts || ch->ts == ts) && ch->call) {
			if (ch->call->q)
				pri_destroycall(span->pri, ch->call->q);
			call_released(ch->call, 41);
		}
	}
	/* the whole interface as one RESTART per B-channel: every switch type
	 * takes that, not all take the interface form */
	for (size_t i = 0; i < span->nchans; i++) {
		if (!ts || span->chans[i].ts == ts) {
			if (pri_reset(span->pri, span->chans[i].ts) != 0)
				return -EIO;
			span->restarts_tx++;
		}
	}
	reschedule(span);
	return 0;
}

bool isdn_span_dchan_up(const struct isdn_span *span)
{
	return span->dchan_up && span->link_up;
}

size_t isdn_span_channels(const struct isdn_span *span)
{
	return span->nchans;
}

int isdn_span_channel_ts(const struct isdn_span *span, size_t n)
{
	return n < span->nchans ? span->chans[n].ts : -1;
}

enum isdn_chan_state isdn_span_channel_state(const struct isdn_span *span, size_t n)
{
	return n < span->nchans ? span->chans[n].state : ISDN_CHAN_OOS;
}

struct isdn_call *isdn_span_channel_call(const struct isdn_span *span, size_t n)
{
	return n < span->nchans ? span->chans[n].call : NULL;
}

uint64_t isdn_span_restarts_rx(const struct isdn_span *span)
{
	return span->restarts_rx;
}

uint64_t isdn_span_restarts_tx(const struct isdn_span *span)
{
	return span->restarts_tx;
}

size_t isdn_span_busy(const struct isdn_span *span)
{
	size_t n = 0;

	for (size_t i = 0; i < span->nchans; i++)
		n += span->chans[i].state == ISDN_CHAN_BUSY;
	return n;
}

void isdn_span_debug(struct isdn_span *span, bool on)
{
	pri_set_debug(span->pri,
		      on ? PRI_DEBUG_Q921_DUMP | PRI_DEBUG_Q931_DUMP | PRI_DEBUG_Q931_STATE : 0);
}

/* ---- the call API -------------------------------------------------------------- */

int isdn_call_place(struct isdn_span *span, const struct isdn_setup *s, void *user,
		    struct isdn_call **out)
{
	struct isdn_chan *ch;
	struct pri_sr *sr;
	q931_call *q;
	struct isdn_call *c;
	struct isdn_number called, calling;
	int transcap, rc;

	if (!span->dchan_up || !span->link_up)
		return -ENETDOWN;
	ch = s->channel ? chan_by_ts(span, s->channel) : chan_free(span);
	if (!ch)
		return s->channel ? -EINVAL : -EBUSY;
	if (ch->state != ISDN_CHAN_IDLE)
		return -EBUSY;
	q = pri_new_call(span->pri);
	sr = pri_sr_new();
	if (!q || !sr) {
		pri_sr_free(sr);
		return -ENOMEM;
	}
	transcap = s->bearer == ISDN_BEARER_DIGITAL_64K ? PRI_TRANS_CAP_DIGITAL
		   : s->bearer == ISDN_BEARER_AUDIO_3K1 ? PRI_TRANS_CAP_3_1K_AUDIO
							  : PRI_TRANS_CAP_SPEECH;
	pri_sr_set_channel(sr, ch->ts, !span->opts.preferred, 0);
	pri_sr_set_bearer(sr, transcap,
			  s->bearer == ISDN_BEARER_DIGITAL_64K ? 0
			  : span->opts.ulaw		       ? PRI_LAYER_1_ULAW
							       : PRI_LAYER_1_ALAW);
	called = s->called;
	calling = s->calling;
	if (called.ton == ISDN_TON_UNKNOWN && span->opts.dialplan > 0)
		called.ton = (enum isdn_ton)span->opts.dialplan;
	if (calling.ton == ISDN_TON_UNKNOWN && span->opts.localdialplan > 0)
		calling.ton = (enum isdn_ton)span->opts.localdialplan;
	pri_sr_set_called(sr, called.digits, plan_of(&called), s->complete);
	pri_sr_set_caller(sr, calling.digits, NULL, plan_of(&calling),
			  s->restricted ? PRES_PROHIB_USER_NUMBER_NOT_SCREENED
					: PRES_ALLOWED_USER_NUMBER_NOT_SCREENED);
	if (s->redirecting.digits[0])
		pri_sr_set_redirecting(sr, (char *)s->redirecting.digits, plan_of(&s->redirecting),
				       PRES_ALLOWED_USER_NUMBER_NOT_SCREENED, 0);
	c = call_new(span, q, ch, true, user);
	if (!c) {
		pri_sr_free(sr);
		pri_destroycall(span->pri, q);
		return -ENOMEM;
	}
	rc = pri_setup(span->pri, q, sr);
	pri_sr_free(sr);
	if (rc) {
		c->q = NULL;
		pri_destroycall(span->pri, q);
		ch->state = ISDN_CHAN_IDLE;
		ch->call = NULL;
		span->calls = c->next;
		mem_free(c);
		return -EIO;
	}
	reschedule(span);
	*out = c;
	return 0;
}

#define CALL_OP(name, expr)                                                                        \
	int isdn_call_##name(struct isdn_call *c)                                                  \
	{                                                                                          \
		int rc;                                                                            \
		if (!c->q || c->hungup)                                                            \
			return -EINVAL;                                                            \
		rc = (expr);                                                                       \
		reschedule(c->span);                                                               \
		return rc ? -EIO : 0;                                                              \
	}

CALL_OP(setup_ack, (c->acked = true, pri_setup_ack(c->span->pri, c->q, c->ts, 0, 0)))
CALL_OP(proceeding, (c->acked = true, pri_proceeding(c->span->pri, c->q, c->ts, 0)))

int isdn_call_alerting(struct isdn_call *c, bool inband)
{
	int rc;

	if (!c->q || c->hungup)
		return -EINVAL;
	c->acked = true;
	rc = pri_acknowledge(c->span->pri, c->q, c->ts, inband || c->span->opts.inband_progress);
	reschedule(c->span);
	return rc ? -EIO : 0;
}

int isdn_call_progress(struct isdn_call *c, bool inband)
{
	int rc;

	if (!c->q || c->hungup)
		return -EINVAL;
	c->acked = true;
	rc = pri_progress(c->span->pri, c->q, c->ts, inband || c->span->opts.inband_progress);
	reschedule(c->span);
	return rc ? -EIO : 0;
}

int isdn_call_progress_cause(struct isdn_call *c, int cause)
{
	int rc;

	if (!c->q || c->hungup || cause <= 0 || cause > 127)
		return -EINVAL;
	c->acked = true;
	rc = pri_progress_with_cause(c->span->pri, c->q, c->ts, 1, cause);
	reschedule(c->span);
	return rc ? -EIO : 0;
}

int isdn_call_answer(struct isdn_call *c)
{
	int rc;

	if (!c->q || c->hungup)
		return -EINVAL;
	c->acked = true;
	rc = pri_answer(c->span->pri, c->q, c->ts, 0);
	if (!rc)
		c->connected = true;
	reschedule(c->span);
	return rc ? -EIO : 0;
}

int isdn_call_digits(struct isdn_call *c, const char *digits)
{
	if (!c->q || c->hungup)
		return -EINVAL;
	for (; *digits; digits++)
		if (pri_information(c->span->pri, c->q, *digits))
			return -EIO;
	reschedule(c->span);
	return 0;
}

int isdn_call_hangup(struct isdn_call *c, int cause)
{
	if (!c->q || c->hungup)
		return -EINVAL;
	/* libpri sends nothing for a SETUP it was never told to take up (the
	 * call is not "alive"): take it up with CALL PROCEEDING first, so the
	 * DISCONNECT carrying our cause reaches the caller */
	if (!c->outgoing && !c->acked) {
		c->acked = true;
		pri_proceeding(c->span->pri, c->q, c->ts, 0);
	}
	c->hungup = true;
	if (pri_hangup(c->span->pri, c->q, cause) != 0)
		LOGP(LOGC_ISDN, LOGL_ERROR, "span %d channel %d: libpri refused to clear the call",
		     c->span->opts.number, c->ts);
	reschedule(c->span);
	/* Before CONNECT, libpri clears with these causes by RELEASE COMPLETE
	 * and frees the call without an event: the call is over now */
	if (!c->connected &&
	    (cause == 1 || cause == 34 || cause == 44 || cause == 81 || cause == 82))
		call_released(c, cause);
	return 0;
}

void isdn_call_set_user(struct isdn_call *c, void *user)
{
	c->user = user;
}

void *isdn_call_user(const struct isdn_call *c)
{
	return c->user;
}

int isdn_call_channel(const struct isdn_call *c)
{
	return c->ts;
}

bool isdn_call_outgoing(const struct isdn_call *c)
{
	return c->outgoing;
}

struct isdn_span *isdn_call_span(const struct isdn_call *c)
{
	return c->span;
}

bool isdn_call_connected(const struct isdn_call *c)
{
	return c->connected;
}
