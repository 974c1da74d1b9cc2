/* dahdi.c: the DAHDI backend, see dahdi.h.  Facts it relies on (measured
 * in the VM, ../shared/notes/dahdi-vm.md): read/write on a channel fd move
 * whole blocks once DAHDI_SET_BLOCKSIZE is set; a pending event makes
 * read/write fail with ELAST, and DAHDI_GETEVENT takes it; an HDLC channel
 * reads one frame per read with the 2 FCS bytes at its end and takes one
 * frame per write with 2 bytes of room for the FCS the kernel fills in. */
#include "config.h"

#include "tdm/dahdi.h"

#include "lib/log.h"
#include "lib/loop.h"
#include "lib/mem.h"

#include <dahdi/user.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#ifndef ELAST
#define ELAST 500 /* what DAHDI returns for "an event is pending" */
#endif

struct dahdi_span {
	struct tdm_span span; /* first */
	struct loop *loop;
	int dahdi_span;
	int fd[TDM_MAX_TIMESLOTS + 1]; /* per timeslot; -1: none */
	int clock_ts;		       /* the B-channel whose blocks pace the span */
	struct loop_watch clock_w, dchan_w;
};

static struct dahdi_span *dh(struct tdm_span *s)
{
	return (struct dahdi_span *)s;
}

static unsigned alarms_from_dahdi(int a)
{
	unsigned out = 0;

	if (a & (DAHDI_ALARM_RED | DAHDI_ALARM_LOS | DAHDI_ALARM_LFA | DAHDI_ALARM_LMFA))
		out |= TDM_ALARM_RED;
	if (a & DAHDI_ALARM_YELLOW)
		out |= TDM_ALARM_YELLOW;
	if (a & DAHDI_ALARM_BLUE)
		out |= TDM_ALARM_BLUE;
	if (a & DAHDI_ALARM_LOOPBACK)
		out |= TDM_ALARM_LOOPBACK;
	return out;
}

int tdm_dahdi_refresh(struct tdm_span *s, char *desc, size_t size)
{
	struct dahdi_span *d = dh(s);
	struct dahdi_spaninfo si;
	int fd = d->fd[d->clock_ts];

	memset(&si, 0, sizeof(si));
	si.spanno = d->dahdi_span;
	if (fd < 0 || ioctl(fd, DAHDI_SPANSTAT, &si) < 0)
		return -errno;
	s->counters.crc_errors = (uint64_t)si.crc4count;
	if (desc)
		snprintf(desc, size, "%s", si.desc);
	tdm_span_set_alarms(s, alarms_from_dahdi(si.alarms));
	return 0;
}

/* Take a pending event off fd (read/write said ELAST). */
static void take_event(struct dahdi_span *d, int fd)
{
	struct tdm_span *s = &d->span;
	int ev = 0;

	if (ioctl(fd, DAHDI_GETEVENT, &ev) < 0)
		return;
	switch (ev) {
	case DAHDI_EVENT_BADFCS:
		s->counters.hdlc_bad_fcs++;
		break;
	case DAHDI_EVENT_ABORT:
		s->counters.hdlc_aborts++;
		break;
	case DAHDI_EVENT_OVERRUN:
		s->counters.hdlc_overruns++;
		break;
	case DAHDI_EVENT_ALARM:
	case DAHDI_EVENT_NOALARM:
		tdm_dahdi_refresh(s, NULL, 0);
		break;
	default:
		break;
	}
}

static void on_dchan(struct loop *loop, struct loop_watch *w, uint32_t events)
{
	struct dahdi_span *d = w->arg;
	struct tdm_span *s = &d->span;
	uint8_t buf[TDM_MAX_FRAME + 16];

	(void)loop;
	(void)events;
	for (int i = 0; i < 16; i++) { /* bounded; the loop comes back */
		ssize_t n = read(d->fd[s->cfg.dchan], buf, sizeof(buf));

		if (n < 0 && errno == ELAST) {
			take_event(d, d->fd[s->cfg.dchan]);
			continue;
		}
		if (n <= 0)
			return;
		if (n < 3)
			continue;
		s->counters.hdlc_rx++;
		if (s->ops->dframe)
			s->ops->dframe(s->arg, s, buf, (size_t)n);
	}
}

static int dahdi_dframe_send(struct tdm_span *s, const uint8_t *frame, size_t len)
{
	struct dahdi_span *d = dh(s);
	int fd = d->fd[s->cfg.dchan];

	for (int tries = 0; tries < 3; tries++) {
		ssize_t n = write(fd, frame, len);

		if (n == (ssize_t)len) {
			s->counters.hdlc_tx++;
			return 0;
		}
		if (n < 0 && errno == ELAST) {
			take_event(d, fd);
			continue;
		}
		s->counters.hdlc_overruns++;
		return n < 0 ? -errno : -EIO;
	}
	return -EAGAIN;
}

/* The clock: a block is ready on the pacing channel; take every channel's. */
static void on_clock(struct loop *loop, struct loop_watch *w, uint32_t events)
{
	struct dahdi_span *d = w->arg;
	struct tdm_span *s = &d->span;

	(void)loop;
	(void)events;
	for (unsigned ts = 1; ts <= s->nts; ts++) {
		uint8_t *rx = s->rx + ts * s->block;
		ssize_t n;

		if (d->fd[ts] < 0 || (int)ts == s->cfg.dchan)
			continue;
		n = read(d->fd[ts], rx, s->block);
		if (n < 0 && errno == ELAST) {
			take_event(d, d->fd[ts]);
			n = read(d->fd[ts], rx, s->block);
		}
		if (n != (ssize_t)s->block) {
			if (ts == (unsigned)d->clock_ts && n < 0 && errno == EAGAIN)
				return; /* not a whole block yet */
			memset(rx, tdm_idle_byte(s->cfg.law), s->block);
			s->counters.slips++;
		}
	}
	s->counters.ticks++;
	if (s->ops->tick)
		s->ops->tick(s->arg, s);
	for (unsigned ts = 1; ts <= s->nts; ts++) {
		uint8_t *tx = s->tx + ts * s->block;

		if (d->fd[ts] < 0 || (int)ts == s->cfg.dchan)
			continue;
		if (!s->tx_written[ts])
			memset(tx, tdm_idle_byte(s->cfg.law), s->block);
		s->tx_written[ts] = false;
		if (write(d->fd[ts], tx, s->block) < 0 && errno == ELAST)
			take_event(d, d->fd[ts]);
	}
}

static void dahdi_close(struct tdm_span *s)
{
	struct dahdi_span *d = dh(s);

	if (d->clock_w.active)
		loop_watch_del(d->loop, &d->clock_w);
	if (d->dchan_w.active)
		loop_watch_del(d->loop, &d->dchan_w);
	for (unsigned ts = 0; ts <= TDM_MAX_TIMESLOTS; ts++)
		if (d->fd[ts] >= 0)
			close(d->fd[ts]);
	tdm_span_release(s);
	mem_free(d);
}

static const struct tdm_backend_ops dahdi_ops = {"dahdi", dahdi_dframe_send, dahdi_close};

static int chan_open(int chan, int dahdi_span, int ts, int block, int law, bool hdlc, char *err,
		     size_t errlen)
{
	int fd = open("/dev/dahdi/channel", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	struct dahdi_params p;

	if (fd < 0) {
		snprintf(err, errlen, "/dev/dahdi/channel: %s (is the dahdi module loaded?)", strerror(errno));
		return -1;
	}
	if (ioctl(fd, DAHDI_SPECIFY, &chan) < 0) {
		snprintf(err, errlen, "DAHDI channel %d: %s (not configured by dahdi_cfg?)", chan,
			 strerror(errno));
		close(fd);
		return -1;
	}
	/* DAHDI_GET_PARAMS: is this channel where sipgw.conf says, configured as
	 * system.conf must have it (bchan / dchan)? */
	memset(&p, 0, sizeof(p));
	p.channo = chan;
	if (ioctl(fd, DAHDI_GET_PARAMS, &p) < 0) {
		snprintf(err, errlen, "DAHDI channel %d: DAHDI_GET_PARAMS: %s", chan, strerror(errno));
		close(fd);
		return -1;
	}
	if (p.spanno != dahdi_span || p.chanpos != ts) {
		snprintf(err, errlen,
			 "DAHDI channel %d is timeslot %d of DAHDI span %d, not timeslot %d of span %d: "
			 "check dahdi_span and dahdi_channel against dahdi_scan",
			 chan, p.chanpos, p.spanno, ts, dahdi_span);
		close(fd);
		return -1;
	}
	if (hdlc ? (p.sigtype & DAHDI_SIG_HDLCFCS) != DAHDI_SIG_HDLCFCS
		 : (p.sigtype & DAHDI_SIG_CLEAR) != DAHDI_SIG_CLEAR) {
		snprintf(err, errlen, "DAHDI channel %d: /etc/dahdi/system.conf must list it as %s", chan,
			 hdlc ? "dchan" : "bchan");
		close(fd);
		return -1;
	}
	if (!hdlc) {
		struct dahdi_echocanparams ecp;
		int flush = DAHDI_FLUSH_ALL;

		memset(&ecp, 0, sizeof(ecp)); /* tap length 0: the kernel canceller off */
		if (ioctl(fd, DAHDI_SET_BLOCKSIZE, &block) < 0 || ioctl(fd, DAHDI_SETLAW, &law) < 0) {
			snprintf(err, errlen, "DAHDI channel %d: block size or law: %s", chan, strerror(errno));
			close(fd);
			return -1;
		}
		ioctl(fd, DAHDI_ECHOCANCEL_PARAMS, &ecp); /* not every channel has one */
		/* four blocks of buffer each way: a loop late by up to three blocks
		 * does not underrun the line (DAHDI's default is two) */
		{
			struct dahdi_bufferinfo bi;

			if (ioctl(fd, DAHDI_GET_BUFINFO, &bi) == 0) {
				bi.numbufs = 4;
				bi.bufsize = block;
				bi.txbufpolicy = DAHDI_POLICY_IMMEDIATE;
				bi.rxbufpolicy = DAHDI_POLICY_IMMEDIATE;
				ioctl(fd, DAHDI_SET_BUFINFO, &bi);
			}
		}
		ioctl(fd, DAHDI_FLUSH, &flush);
	}
	return fd;
}

int tdm_dahdi_open(struct loop *loop, const struct tdm_span_config *c, int dahdi_span,
		   int first_channel, const struct tdm_span_ops *ops, void *arg,
		   struct tdm_span **out, char *err, size_t errlen)
{
	struct dahdi_span *d = mem_zalloc(sizeof(*d));
	struct tdm_span *s;
	int law, rc;

	if (!d)
		return -ENOMEM;
	for (unsigned ts = 0; ts <= TDM_MAX_TIMESLOTS; ts++)
		d->fd[ts] = -1;
	d->loop = loop;
	d->dahdi_span = dahdi_span;
	s = &d->span;
	if ((rc = tdm_span_init(s, &dahdi_ops, c, ops, arg)) < 0) {
		snprintf(err, errlen, "span %d: bad configuration", c->num);
		mem_free(d);
		return rc;
	}
	law = c->law == TDM_LAW_ALAW ? DAHDI_LAW_ALAW : DAHDI_LAW_MULAW;
	for (unsigned ts = 1; ts <= s->nts; ts++) {
		d->fd[ts] = chan_open(first_channel + (int)ts - 1, dahdi_span, (int)ts, (int)s->block, law,
				      (int)ts == c->dchan, err, errlen);
		if (d->fd[ts] < 0) {
			dahdi_close(s);
			return -ENODEV;
		}
		if (!d->clock_ts && (int)ts != c->dchan)
			d->clock_ts = (int)ts;
	}
	rc = loop_watch_add(loop, &d->clock_w, d->fd[d->clock_ts], EPOLLIN | EPOLLPRI, on_clock, d);
	if (rc == 0 && c->dchan)
		rc = loop_watch_add(loop, &d->dchan_w, d->fd[c->dchan], EPOLLIN | EPOLLPRI, on_dchan, d);
	if (rc < 0) {
		snprintf(err, errlen, "span %d: %s", c->num, strerror(-rc));
		dahdi_close(s);
		return rc;
	}
	tdm_dahdi_refresh(s, NULL, 0);
	LOGP(LOGC_TDM, LOGL_INFO, "span %d on DAHDI span %d (channels %d-%d)", c->num, dahdi_span,
	     first_channel, first_channel + (int)s->nts - 1);
	*out = s;
	return 0;
}
