/* pri.c: an ISDN PRI span on a TDM span, see pri.h. */
#include "config.h"

#include "gw/pri.h"
#include "lib/log.h"
#include "lib/mem.h"
#include "rtp/worker.h"

#include <errno.h>
#include <string.h>

const char *const isdn_chan_state_names[] = {"idle", "busy", "out-of-service"};

/* ---- isdn/ -> tdm/ and the owner ------------------------------------------------ */

/* a D-channel frame or an alarm change crossing between threads */
struct xfer {
	struct gw_pri *p;
	unsigned alarms;
	size_t len;
	uint8_t data[];
};

static struct xfer *xfer_new(struct gw_pri *p, const void *data, size_t len)
{
	struct xfer *x = mem_zalloc(sizeof(*x) + len);

	if (x) {
		x->p = p;
		x->len = len;
		if (len)
			memcpy(x->data, data, len);
	}
	return x;
}

/* in the worker: send libpri's frame on the span */
static void tx_in_worker(void *arg)
{
	struct xfer *x = arg;

	if (x->p->tdm)
		tdm_dframe_send(x->p->tdm, x->data, x->len);
	mem_free(x);
}

static int pri_tx(void *arg, const void *frame, size_t len)
{
	struct gw_pri *p = arg;
	int rc;

	if (!p->tdm || p->closing)
		return -ENOTCONN;
	if (p->worker) {
		struct xfer *x = xfer_new(p, frame, len);

		if (!x)
			return -ENOMEM;
		if (media_worker_run(p->worker, tx_in_worker, x) < 0) {
			mem_free(x);
			__atomic_fetch_add(&p->lost_frames, 1, __ATOMIC_RELAXED);
			return -EAGAIN;
		}
		return (int)len;
	}
	rc = tdm_dframe_send(p->tdm, frame, len);
	return rc < 0 ? rc : (int)len;
}

static void pri_dchan(void *arg, bool up)
{
	struct gw_pri *p = arg;

	if (p->dchan_up && !up)
		p->dchan_downs++;
	p->dchan_up = up;
	p->dchan_since = time(NULL);
	if (p->ops->dchan)
		p->ops->dchan(p->arg, p, up);
}

static void pri_call_event(void *arg, struct isdn_call *call, const struct isdn_event *ev)
{
	struct gw_pri *p = arg;
	int ts = isdn_call_channel(call);

	/* the timeslot is open while a call holds it: `show span` tells */
	if (p->tdm && ts > 0 && (unsigned)ts <= p->tdm->nts)
		tdm_chan_set_state(p->tdm, (unsigned)ts,
				   ev->kind == ISDN_EV_RELEASED ? TDM_CHAN_IDLE : TDM_CHAN_OPEN);
	if (p->ops->call_event)
		p->ops->call_event(p->arg, p, call, ev);
	else if (ev->kind == ISDN_EV_INCOMING || ev->kind == ISDN_EV_DISCONNECT)
		isdn_call_hangup(call, ev->kind == ISDN_EV_INCOMING ? 21 : ev->cause);
}

static const struct isdn_span_ops pri_isdn_ops = {pri_tx, pri_dchan, pri_call_event};

/* ---- tdm/ -> isdn/ and the owner ------------------------------------------------ */

static void t_tick(void *arg, struct tdm_span *s)
{
	struct gw_pri *p = arg;

	if (p->ops->tick)
		p->ops->tick(p->arg, p, s);
}

static void alarm_changed(struct gw_pri *p, unsigned alarms);

/* in the signalling thread: what the worker reported */
static void rx_in_signalling(void *arg)
{
	struct xfer *x = arg;

	if (x->p->isdn && !x->p->closing)
		isdn_span_rx(x->p->isdn, x->data, x->len);
	mem_free(x);
}

static void alarm_in_signalling(void *arg)
{
	struct xfer *x = arg;

	if (!x->p->closing)
		alarm_changed(x->p, x->alarms);
	mem_free(x);
}

/* from the worker to the signalling thread, a copy; dropped (and counted)
 * if the queue is full */
static void report(struct gw_pri *p, void (*fn)(void *), const void *data, size_t len,
		   unsigned alarms)
{
	struct xfer *x = xfer_new(p, data, len);

	if (x)
		x->alarms = alarms; /* before it is queued: the other thread owns it then */
	if (!x || media_worker_report(p->worker, fn, x) < 0) {
		mem_free(x);
		__atomic_fetch_add(&p->lost_frames, 1, __ATOMIC_RELAXED);
	}
}

static void t_dframe(void *arg, struct tdm_span *s, const uint8_t *frame, size_t len)
{
	struct gw_pri *p = arg;

	(void)s;
	if (!p->isdn && !p->signalling)
		return;
	if (p->worker)
		report(p, rx_in_signalling, frame, len, 0);
	else if (p->isdn)
		isdn_span_rx(p->isdn, frame, len);
}

static void t_alarm(void *arg, struct tdm_span *s, unsigned alarms)
{
	struct gw_pri *p = arg;

	(void)s;
	if (p->worker)
		report(p, alarm_in_signalling, NULL, 0, alarms);
	else
		alarm_changed(p, alarms);
}

static void alarm_changed(struct gw_pri *p, unsigned alarms)
{
	if (!p->isdn)
		return;
	if (alarms && p->dchan_up) {
		/* the line took the D-channel with it; libpri says so only after
		 * its own timers, the operator should see it now */
		p->dchan_up = false;
		p->dchan_downs++;
		p->dchan_since = time(NULL);
	}
	isdn_span_set_link(p->isdn, alarms == 0);
}

const struct tdm_span_ops gw_pri_tdm_ops = {t_tick, t_dframe, t_alarm};

/* ---- life cycle ---------------------------------------------------------------- */

void gw_pri_init(struct gw_pri *p, struct loop *loop, int number, const struct isdn_span_opts *opts,
		 const struct gw_pri_ops *ops, void *arg)
{
	memset(p, 0, sizeof(*p));
	p->loop = loop;
	p->ops = ops;
	p->arg = arg;
	p->number = number;
	if (opts) {
		p->opts = *opts;
		p->signalling = true;
	}
}

void gw_pri_use_worker(struct gw_pri *p, struct media_worker *w)
{
	p->worker = w;
}

struct alarm_read {
	struct tdm_span *t;
	unsigned alarms;
};

static void read_alarms(void *arg)
{
	struct alarm_read *a = arg;

	a->alarms = a->t->alarms;
}

int gw_pri_attach(struct gw_pri *p, struct tdm_span *t)
{
	struct alarm_read a = {t, 0};
	int rc;

	p->tdm = t;
	if (!p->signalling)
		return 0;
	/* libpri sends its first SABME at once: the cable is there now */
	if ((rc = isdn_span_new(p->loop, &p->opts, &pri_isdn_ops, p, &p->isdn)) < 0)
		return rc;
	if (p->worker)
		media_worker_run_sync(p->worker, read_alarms, &a);
	else
		read_alarms(&a);
	if (a.alarms)
		isdn_span_set_link(p->isdn, false);
	return 0;
}

static void close_tdm(void *arg)
{
	struct gw_pri *p = arg;

	tdm_span_close(p->tdm);
	p->tdm = NULL;
}

void gw_pri_close(struct gw_pri *p)
{
	/* the cable first: its last alarms still find the ISDN span; then
	 * libpri, whose last frames find no cable */
	if (p->tdm && p->worker) {
		media_worker_run_sync(p->worker, close_tdm, p);
		/* what the worker reported before it closed, then no more */
		media_pool_drain_reports(media_worker_pool(p->worker));
		p->closing = true;
	} else if (p->tdm) {
		close_tdm(p);
	}
	if (p->isdn)
		isdn_span_free(p->isdn);
	p->isdn = NULL;
}

int gw_pri_trace(struct gw_pri *p, bool on)
{
	if (!p->isdn)
		return -ENOTSUP;
	p->trace = on;
	isdn_span_debug(p->isdn, on);
	LOGP(LOGC_ISDN, LOGL_NOTICE, "span %d: Q.921/Q.931 trace %s", p->number, on ? "on" : "off");
	return 0;
}

const char *gw_pri_dchan_text(const struct gw_pri *p)
{
	if (!p->isdn)
		return "none";
	return isdn_span_dchan_up(p->isdn) ? "up" : "down";
}
