/* loopback.c: the virtual cable, see loopback.h.
 *
 * Each direction of the cable is a delay line of (1 + delay_blocks) blocks
 * per timeslot: at every tick the sender's block goes in and the oldest
 * comes out at the receiver, so with no added delay a block written before
 * tick k is read after tick k.  Frames wait in a small queue with the tick
 * at which they arrive. */
#include "config.h"

#include "tdm/loopback.h"

#include "lib/log.h"
#include "lib/loop.h"
#include "lib/mem.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#define FRAMEQ 64
#define MAX_DELAY 8
#define LB_MAGIC 0x5347574cu /* "SGWL" */
#define RX_QUEUE 4	     /* blocks packets kept from a remote peer */
#define RED_AFTER 3	     /* ticks without the peer's blocks */

struct lb_frame {
	uint64_t due;
	size_t len;
	uint8_t data[TDM_MAX_FRAME];
};

struct lb_span {
	struct tdm_span span; /* first: a struct tdm_span * is a struct lb_span * */
	struct lb_span *peer; /* in-process */
	struct loop *loop;
	bool clock_owner, manual;
	int tfd;
	struct loop_watch tw;
	bool plugged;
	struct tdm_impair imp;
	uint64_t frames_sent, tick_no;
	/* what this end sends, on its way: (1 + delay) blocks per timeslot */
	uint8_t *line;
	unsigned line_depth, line_pos;
	struct lb_frame *fq;
	unsigned fq_head, fq_count;
	uint64_t dchan_busy_until; /* tick at which the D-channel is free again */
	/* remote */
	bool remote;
	int sock; /* -1 once the peer is gone */
	struct loop_watch sw;
	uint8_t *rxq; /* RX_QUEUE blocks packets (payload only) */
	unsigned rxq_head, rxq_count;
	unsigned missing;
	bool peer_unplugged;
	uint8_t *pkt; /* scratch for one blocks packet */
};

struct lb_hdr {
	uint32_t magic;
	uint8_t type; /* 0 blocks, 1 frame */
	uint8_t flags; /* bit 0: the sender is unplugged */
	uint16_t nts;
	uint32_t block;
	uint64_t tick;
};

static struct lb_span *lb(struct tdm_span *s)
{
	return (struct lb_span *)s;
}

static size_t payload(const struct tdm_span *s)
{
	return s->block * s->nts;
}

/* ---- the cable: audio -------------------------------------------------------- */

static int line_setup(struct lb_span *l, unsigned delay)
{
	uint8_t *line = mem_zalloc(payload(&l->span) * (delay + 1));

	if (!line)
		return -ENOMEM;
	memset(line, tdm_idle_byte(l->span.cfg.law), payload(&l->span) * (delay + 1));
	mem_free(l->line);
	l->line = line;
	l->line_depth = delay + 1;
	l->line_pos = 0;
	return 0;
}

/* The sender's written blocks go into its line; unwritten channels send idle. */
static void line_push(struct lb_span *l)
{
	struct tdm_span *s = &l->span;
	uint8_t *slot = l->line + (size_t)l->line_pos * payload(s);

	memcpy(slot, s->tx + s->block, payload(s)); /* timeslots 1..nts */
	for (unsigned ts = 1; ts <= s->nts; ts++) {
		if (!s->tx_written[ts])
			memset(slot + (ts - 1) * s->block, tdm_idle_byte(s->cfg.law), s->block);
		s->tx_written[ts] = false;
	}
}

/* The oldest block of the line (after this tick's push). */
static const uint8_t *line_pop(struct lb_span *l)
{
	unsigned oldest = (l->line_pos + 1) % l->line_depth;
	const uint8_t *out = l->line + (size_t)oldest * payload(&l->span);

	l->line_pos = oldest;
	return out;
}

static void deliver_blocks(struct lb_span *to, const uint8_t *blocks)
{
	struct tdm_span *s = &to->span;

	if (to->imp.slip_every && to->tick_no % to->imp.slip_every == to->imp.slip_every - 1) {
		s->counters.slips++; /* this block is lost: the last one repeats */
		return;
	}
	memcpy(s->rx + s->block, blocks, payload(s));
}

static void deliver_idle(struct lb_span *to)
{
	memset(to->span.rx, tdm_idle_byte(to->span.cfg.law), to->span.block * (to->span.nts + 1));
}

/* ---- the cable: D-channel frames ------------------------------------------------ */

static void frame_in(struct lb_span *to, const uint8_t *data, size_t len)
{
	struct tdm_span *s = &to->span;

	if (!tdm_fcs_ok(data, len)) {
		s->counters.hdlc_bad_fcs++;
		LOGP(LOGC_TDM, LOGL_DEBUG, "span %d: D-channel frame with a bad FCS dropped", s->cfg.num);
		return;
	}
	s->counters.hdlc_rx++;
	if (s->ops->dframe)
		s->ops->dframe(s->arg, s, data, len);
}

/* Frames of l whose time has come, to its peer (in-process). */
static void frames_due(struct lb_span *l, struct lb_span *to)
{
	while (l->fq_count && l->fq[l->fq_head].due <= l->tick_no) {
		struct lb_frame *f = &l->fq[l->fq_head];

		l->fq_head = (l->fq_head + 1) % FRAMEQ;
		l->fq_count--;
		if (to && to->plugged && l->plugged)
			frame_in(to, f->data, f->len);
	}
}

static int lb_dframe_send(struct tdm_span *s, const uint8_t *frame, size_t len)
{
	struct lb_span *l = lb(s);
	uint8_t buf[TDM_MAX_FRAME];
	uint64_t due = l->tick_no + 1;

	memcpy(buf, frame, len);
	tdm_fcs_put(buf, len);
	if (l->imp.bad_fcs_every && ++l->frames_sent % l->imp.bad_fcs_every == 0)
		buf[0] ^= 0x01; /* a bit error on the line */
	s->counters.hdlc_tx++;
	if (l->imp.dchan_serialise) {
		/* flags and bit stuffing aside: len bytes at 64 kbit/s */
		uint64_t ms = ((uint64_t)len * 8 + 63) / 64, start = l->dchan_busy_until > l->tick_no
									 ? l->dchan_busy_until : l->tick_no;

		due = start + 1 + ms / s->cfg.block_ms;
		l->dchan_busy_until = due - 1;
	}
	if (l->remote) {
		uint8_t pkt[sizeof(struct lb_hdr) + TDM_MAX_FRAME];
		struct lb_hdr h = {LB_MAGIC, 1, 0, (uint16_t)s->nts, (uint32_t)s->block, l->tick_no};

		if (!l->plugged || l->sock < 0)
			return 0; /* the cable is out: the frame is lost */
		memcpy(pkt, &h, sizeof(h));
		memcpy(pkt + sizeof(h), buf, len);
		if (send(l->sock, pkt, sizeof(h) + len, MSG_DONTWAIT | MSG_NOSIGNAL) < 0) {
			s->counters.hdlc_overruns++;
			return -errno;
		}
		return 0;
	}
	if (l->fq_count == FRAMEQ) {
		s->counters.hdlc_overruns++;
		return -ENOBUFS;
	}
	{
		struct lb_frame *f = &l->fq[(l->fq_head + l->fq_count) % FRAMEQ];

		f->due = due;
		f->len = len;
		memcpy(f->data, buf, len);
		l->fq_count++;
	}
	return 0;
}

/* ---- ticks ------------------------------------------------------------------- */

static void lone_tick(struct lb_span *a)
{
	a->tick_no++;
	line_push(a);
	line_pop(a);
	deliver_idle(a);
	frames_due(a, NULL);
	a->span.counters.ticks++;
	if (a->span.ops->tick)
		a->span.ops->tick(a->span.arg, &a->span);
}

static void pair_tick(struct lb_span *a)
{
	struct lb_span *b = a->peer;
	bool up;

	if (!b) {
		lone_tick(a);
		return;
	}
	up = a->plugged && b->plugged;

	a->tick_no++;
	b->tick_no++;
	line_push(a);
	line_push(b);
	if (up) {
		deliver_blocks(b, line_pop(a));
		deliver_blocks(a, line_pop(b));
	} else {
		line_pop(a);
		line_pop(b);
		deliver_idle(a);
		deliver_idle(b);
	}
	frames_due(a, b);
	frames_due(b, a);
	a->span.counters.ticks++;
	b->span.counters.ticks++;
	if (a->span.ops->tick)
		a->span.ops->tick(a->span.arg, &a->span);
	if (b->span.ops->tick)
		b->span.ops->tick(b->span.arg, &b->span);
}

static void remote_send_blocks(struct lb_span *l)
{
	struct tdm_span *s = &l->span;
	struct lb_hdr h = {LB_MAGIC, 0, (uint8_t)(l->plugged ? 0 : 1), (uint16_t)s->nts,
			   (uint32_t)s->block, l->tick_no};
	const uint8_t *out;

	line_push(l);
	out = line_pop(l);
	if (l->sock < 0)
		return;
	memcpy(l->pkt, &h, sizeof(h));
	memcpy(l->pkt + sizeof(h), out, payload(s));
	/* a full socket (a stalled peer) loses the block, as a slip would */
	if (send(l->sock, l->pkt, sizeof(h) + payload(s), MSG_DONTWAIT | MSG_NOSIGNAL) < 0 &&
	    errno != EAGAIN)
		l->missing = RED_AFTER;
}

static void remote_tick(struct lb_span *l)
{
	struct tdm_span *s = &l->span;

	l->tick_no++;
	remote_send_blocks(l);
	if (l->rxq_count && l->plugged) {
		deliver_blocks(l, l->rxq + (size_t)l->rxq_head * payload(s));
		l->rxq_head = (l->rxq_head + 1) % RX_QUEUE;
		l->rxq_count--;
		l->missing = 0;
	} else {
		if (l->plugged && l->missing < RED_AFTER && s->counters.ticks > RED_AFTER)
			s->counters.slips++;
		if (l->missing < RED_AFTER)
			l->missing++;
		deliver_idle(l);
	}
	tdm_span_set_alarms(s, !l->plugged || l->sock < 0 || l->missing >= RED_AFTER || l->peer_unplugged
				       ? TDM_ALARM_RED : 0);
	s->counters.ticks++;
	if (s->ops->tick)
		s->ops->tick(s->arg, s);
}

void tdm_lb_tick(struct tdm_span *s)
{
	struct lb_span *l = lb(s);

	if (l->remote)
		remote_tick(l);
	else if (l->clock_owner)
		pair_tick(l);
	else if (l->peer)
		pair_tick(l->peer);
}

static void on_timer(struct loop *loop, struct loop_watch *w, uint32_t events)
{
	struct lb_span *l = w->arg;
	uint64_t n = 0;

	(void)loop;
	(void)events;
	if (read(l->tfd, &n, sizeof(n)) != sizeof(n))
		return;
	/* ticks missed (a busy loop) are caught up: the clock does not drift */
	if (n > 100) {
		l->span.counters.slips += n - 100;
		n = 100;
	}
	while (n--)
		tdm_lb_tick(&l->span);
}

static int clock_start(struct lb_span *l)
{
	struct itimerspec it;
	struct timespec now;
	long ns = (long)l->span.cfg.block_ms * 1000000L;

	l->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (l->tfd < 0)
		return -errno;
	clock_gettime(CLOCK_MONOTONIC, &now);
	it.it_interval.tv_sec = ns / 1000000000L;
	it.it_interval.tv_nsec = ns % 1000000000L;
	it.it_value = now;
	it.it_value.tv_nsec += ns;
	if (it.it_value.tv_nsec >= 1000000000L) {
		it.it_value.tv_sec++;
		it.it_value.tv_nsec -= 1000000000L;
	}
	/* absolute deadlines, fixed interval: tick k is due at start + k*period */
	if (timerfd_settime(l->tfd, TFD_TIMER_ABSTIME, &it, NULL) < 0)
		return -errno;
	return loop_watch_add(l->loop, &l->tw, l->tfd, EPOLLIN, on_timer, l);
}

static void clock_stop(struct lb_span *l)
{
	if (l->tfd >= 0) {
		loop_watch_del(l->loop, &l->tw);
		close(l->tfd);
		l->tfd = -1;
	}
}

void tdm_lb_manual_clock(struct tdm_span *s)
{
	struct lb_span *l = lb(s);

	if (!l->clock_owner && l->peer)
		l = l->peer;
	clock_stop(l);
	l->manual = true;
}

/* ---- plugging, impairments --------------------------------------------------------- */

static void pair_alarms(struct lb_span *l)
{
	bool up = l->plugged && (!l->peer || l->peer->plugged);

	tdm_span_set_alarms(&l->span, up ? 0 : TDM_ALARM_RED);
	if (l->peer)
		tdm_span_set_alarms(&l->peer->span, up ? 0 : TDM_ALARM_RED);
}

void tdm_lb_unplug(struct tdm_span *s)
{
	struct lb_span *l = lb(s);

	l->plugged = false;
	LOGP(LOGC_TDM, LOGL_NOTICE, "span %d: cable unplugged", s->cfg.num);
	if (!l->remote)
		pair_alarms(l);
	else
		tdm_span_set_alarms(s, TDM_ALARM_RED);
}

void tdm_lb_replug(struct tdm_span *s)
{
	struct lb_span *l = lb(s);

	l->plugged = true;
	l->missing = 0;
	LOGP(LOGC_TDM, LOGL_NOTICE, "span %d: cable plugged in", s->cfg.num);
	if (!l->remote)
		pair_alarms(l);
}

bool tdm_lb_plugged(const struct tdm_span *s)
{
	return ((const struct lb_span *)s)->plugged;
}

int tdm_lb_impair(struct tdm_span *s, const struct tdm_impair *imp)
{
	struct lb_span *l = lb(s);
	int rc;

	if (imp->delay_blocks > MAX_DELAY)
		return -EINVAL;
	if (imp->delay_blocks + 1 != l->line_depth && (rc = line_setup(l, imp->delay_blocks)) < 0)
		return rc;
	l->imp = *imp;
	return 0;
}

/* ---- set-up ------------------------------------------------------------------------ */

static void lb_free(struct lb_span *l)
{
	clock_stop(l);
	if (l->sock >= 0) {
		loop_watch_del(l->loop, &l->sw);
		close(l->sock);
	}
	tdm_span_release(&l->span);
	mem_free(l->line);
	mem_free(l->fq);
	mem_free(l->rxq);
	mem_free(l->pkt);
	mem_free(l);
}

static void lb_close(struct tdm_span *s)
{
	struct lb_span *l = lb(s);

	if (l->peer) {
		/* the other end loses its cable and its clock if we had it */
		struct lb_span *p = l->peer;

		p->peer = NULL;
		if (l->clock_owner && !l->manual) {
			p->clock_owner = true;
			p->plugged = false;
			clock_start(p);
		}
		p->plugged = false;
		tdm_span_set_alarms(&p->span, TDM_ALARM_RED);
	}
	lb_free(l);
}

static const struct tdm_backend_ops lb_ops = {"loopback", lb_dframe_send, lb_close};

static struct lb_span *lb_new(struct loop *loop, const struct tdm_span_config *c,
			      const struct tdm_span_ops *ops, void *arg, int *rc)
{
	struct lb_span *l = mem_zalloc(sizeof(*l));

	*rc = -ENOMEM;
	if (!l)
		return NULL;
	l->loop = loop;
	l->tfd = l->sock = -1;
	l->plugged = true;
	if ((*rc = tdm_span_init(&l->span, &lb_ops, c, ops, arg)) < 0 ||
	    (*rc = line_setup(l, 0)) < 0 || !(l->fq = mem_zalloc(sizeof(*l->fq) * FRAMEQ))) {
		if (*rc == 0)
			*rc = -ENOMEM;
		lb_free(l);
		return NULL;
	}
	return l;
}

int tdm_lb_pair_new(struct loop *loop, const struct tdm_span_config *ca, const struct tdm_span_ops *opsa,
		    void *arga, const struct tdm_span_config *cb, const struct tdm_span_ops *opsb,
		    void *argb, struct tdm_span **a, struct tdm_span **b)
{
	struct lb_span *la, *lb2;
	int rc;

	if (ca->type != cb->type || ca->block_ms != cb->block_ms || ca->num == cb->num)
		return -EINVAL;
	if (!(la = lb_new(loop, ca, opsa, arga, &rc)))
		return rc;
	if (!(lb2 = lb_new(loop, cb, opsb, argb, &rc))) {
		lb_free(la);
		return rc;
	}
	la->peer = lb2;
	lb2->peer = la;
	la->clock_owner = true;
	if ((rc = clock_start(la)) < 0) {
		lb_free(la);
		lb_free(lb2);
		return rc;
	}
	LOGP(LOGC_TDM, LOGL_INFO, "spans %d and %d joined by a virtual cable (%s, %u ms blocks)", ca->num,
	     cb->num, tdm_type_names[ca->type], ca->block_ms);
	*a = &la->span;
	*b = &lb2->span;
	return 0;
}

static void on_sock(struct loop *loop, struct loop_watch *w, uint32_t events)
{
	struct lb_span *l = w->arg;
	struct tdm_span *s = &l->span;
	uint8_t buf[sizeof(struct lb_hdr) + TDM_MAX_TIMESLOTS * TDM_MAX_BLOCK_MS * TDM_BYTES_PER_MS];

	(void)loop;
	for (int i = 0; i < 64; i++) { /* bounded: the loop comes back for more */
		ssize_t n = recv(l->sock, buf, sizeof(buf), MSG_DONTWAIT);
		struct lb_hdr h;

		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
			LOGP(LOGC_TDM, LOGL_WARNING, "span %d: the far end of the cable is gone", s->cfg.num);
			loop_watch_del(l->loop, &l->sw);
			close(l->sock);
			l->sock = -1; /* still remote, but dead: red until closed */
			l->missing = RED_AFTER;
			l->rxq_count = 0; /* what it sent before going is not a live line */
			tdm_span_set_alarms(s, TDM_ALARM_RED);
			return;
		}
		if (n < 0)
			break;
		if ((size_t)n < sizeof(h))
			continue;
		memcpy(&h, buf, sizeof(h));
		if (h.magic != LB_MAGIC || h.nts != s->nts || h.block != s->block)
			continue; /* not our kind of cable: ignored */
		l->peer_unplugged = h.flags & 1;
		if (!l->plugged)
			continue;
		if (h.type == 1) {
			frame_in(l, buf + sizeof(h), (size_t)n - sizeof(h));
		} else if ((size_t)n == sizeof(h) + payload(s)) {
			if (l->rxq_count == RX_QUEUE) { /* the peer runs fast: drop the oldest */
				l->rxq_head = (l->rxq_head + 1) % RX_QUEUE;
				l->rxq_count--;
				s->counters.slips++;
			}
			memcpy(l->rxq + (size_t)((l->rxq_head + l->rxq_count) % RX_QUEUE) * payload(s),
			       buf + sizeof(h), payload(s));
			l->rxq_count++;
		}
	}
	(void)events;
}

int tdm_lb_remote_unconnected(struct loop *loop, const struct tdm_span_config *c,
			      const struct tdm_span_ops *ops, void *arg, struct tdm_span **out)
{
	struct lb_span *l;
	int rc;

	if (!(l = lb_new(loop, c, ops, arg, &rc)))
		return rc;
	l->remote = true;
	l->missing = RED_AFTER;
	l->rxq = mem_zalloc(payload(&l->span) * RX_QUEUE);
	l->pkt = mem_zalloc(sizeof(struct lb_hdr) + payload(&l->span));
	l->clock_owner = true;
	if (!l->rxq || !l->pkt || (rc = clock_start(l)) < 0) {
		if (rc == 0)
			rc = -ENOMEM;
		lb_free(l);
		return rc;
	}
	tdm_span_set_alarms(&l->span, TDM_ALARM_RED);
	*out = &l->span;
	return 0;
}

int tdm_lb_remote_attach(struct tdm_span *s, int fd)
{
	struct lb_span *l = lb(s);
	int rc;

	if (!l->remote) {
		close(fd);
		return -EINVAL;
	}
	if (l->sock >= 0) {
		loop_watch_del(l->loop, &l->sw);
		close(l->sock);
	}
	l->sock = fd;
	l->rxq_count = 0;
	l->missing = RED_AFTER; /* red until its blocks arrive */
	l->peer_unplugged = false;
	if ((rc = loop_watch_add(l->loop, &l->sw, fd, EPOLLIN, on_sock, l)) < 0) {
		close(fd);
		l->sock = -1;
		return rc;
	}
	LOGP(LOGC_TDM, LOGL_NOTICE, "span %d: the far end of the cable is connected", s->cfg.num);
	return 0;
}

bool tdm_lb_remote_connected(const struct tdm_span *s)
{
	const struct lb_span *l = (const struct lb_span *)s;

	return l->remote && l->sock >= 0;
}

int tdm_lb_remote_new(struct loop *loop, int fd, const struct tdm_span_config *c,
		      const struct tdm_span_ops *ops, void *arg, struct tdm_span **out)
{
	int rc = tdm_lb_remote_unconnected(loop, c, ops, arg, out);

	if (rc < 0) {
		close(fd);
		return rc;
	}
	if ((rc = tdm_lb_remote_attach(*out, fd)) < 0) {
		tdm_span_close(*out);
		return rc;
	}
	return 0;
}
