/* session.c: one RTP session on UDP, see session.h.
 *
 * Receive path: recvmmsg() takes up to RX_BATCH datagrams per wake-up into
 * per-thread buffers (a media worker owns many sessions, one at a time);
 * each one is checked against the latch, demultiplexed (RTCP on a muxed
 * port by its packet type), unprotected when SRTP is on, parsed, and goes
 * to the telephone-event receiver or, through the A.1 sequence rules, to
 * the jitter buffer.  Nothing on this path allocates or locks. */
#include "config.h"

#include "rtp/session.h"
#include "rtp/dtls.h"
#include "lib/log.h"
#include "lib/loop.h"
#include "lib/mem.h"

#include <arpa/inet.h>
#include <errno.h>
#include <gnutls/crypto.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define RX_BATCH 16
#define PKT_MAX 1500
#define DEFAULT_PORT_MIN 30000
#define DEFAULT_PORT_MAX 39999

struct rtp_session {
	struct loop *loop;
	struct rtp_session_config cfg;
	const struct rtp_session_ops *ops;
	void *arg;
	int fd, rtcp_fd;
	struct loop_watch w, wr;
	uint16_t port;
	/* where we send */
	struct sockaddr_storage remote, remote_rtcp;
	socklen_t remote_len;
	bool have_remote, remote_mux;
	bool latched;
	/* sending */
	uint32_t ssrc, ts;
	bool dtx; /* the last frame was not sent (silence suppressed) */
	uint16_t seq;
	uint32_t packets, octets;
	bool sent_since_report;
	uint32_t samples_per_frame;
	struct tev_sender tev;
	/* receiving */
	bool have_source;
	struct rtp_source src;
	int last_pt;
	struct jb jb;
	struct tev_receiver tevr;
	uint64_t last_rx_ms;
	bool hold, timed_out;
	struct timer timeout_timer, rtcp_timer;
	/* the last SR from the peer: its NTP middle bits and when it came */
	uint32_t peer_lsr;
	uint64_t peer_lsr_at_ns;
	int rtt_ms;
	struct rtp_srtp srtp;
	struct rtp_dtls *dtls;
	struct rtp_session_stats st;
	char cname[64];
};

static __thread uint8_t rx_buf[RX_BATCH][PKT_MAX + RTP_SRTP_TRAILER];

static uint64_t now_ms(void)
{
	return loop_now_ns() / 1000000u;
}

static uint64_t realtime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

bool rtp_same_addr(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET) {
		const struct sockaddr_in *x = (const void *)a, *y = (const void *)b;

		return x->sin_port == y->sin_port && x->sin_addr.s_addr == y->sin_addr.s_addr;
	}
	if (a->ss_family == AF_INET6) {
		const struct sockaddr_in6 *x = (const void *)a, *y = (const void *)b;

		return x->sin6_port == y->sin6_port && !memcmp(&x->sin6_addr, &y->sin6_addr, 16);
	}
	return false;
}

static void set_port(struct sockaddr_storage *a, uint16_t port)
{
	if (a->ss_family == AF_INET)
		((struct sockaddr_in *)a)->sin_port = htons(port);
	else
		((struct sockaddr_in6 *)a)->sin6_port = htons(port);
}

static uint16_t get_port(const struct sockaddr_storage *a)
{
	return ntohs(a->ss_family == AF_INET ? ((const struct sockaddr_in *)a)->sin_port
					     : ((const struct sockaddr_in6 *)a)->sin6_port);
}

static socklen_t addr_len(const struct sockaddr_storage *a)
{
	return a->ss_family == AF_INET ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6);
}

/* ---- sending -------------------------------------------------------------------- */

static int send_to(struct rtp_session *s, int fd, const struct sockaddr_storage *to, uint8_t *buf,
		   size_t len, bool rtcp)
{
	int rc = 0;

	if (!s->have_remote)
		return -ENOTCONN;
	if (s->srtp.on) {
		rc = rtcp ? rtp_srtp_protect_rtcp(&s->srtp, buf, &len, PKT_MAX + RTP_SRTP_TRAILER)
			  : rtp_srtp_protect(&s->srtp, buf, &len, PKT_MAX + RTP_SRTP_TRAILER);
		if (rc < 0)
			return rc;
	}
	if (sendto(fd, buf, len, MSG_DONTWAIT, (const struct sockaddr *)to, addr_len(to)) < 0)
		return -errno;
	return 0;
}

static int send_rtp(struct rtp_session *s, uint8_t pt, bool marker, uint32_t ts, const uint8_t *payload,
		    size_t len)
{
	uint8_t buf[PKT_MAX + RTP_SRTP_TRAILER];
	struct rtp_hdr h = {.marker = marker, .pt = pt, .seq = s->seq, .ts = ts, .ssrc = s->ssrc};
	int n = rtp_write_hdr(buf, sizeof(buf), &h);
	int rc;

	if (len > PKT_MAX - (size_t)n)
		return -EMSGSIZE;
	memcpy(buf + n, payload, len);
	rc = send_to(s, s->fd, &s->remote, buf, (size_t)n + len, false);
	s->seq++;
	if (rc < 0)
		return rc;
	s->packets++;
	s->octets += (uint32_t)len;
	s->st.sent++;
	s->st.sent_octets += len;
	s->sent_since_report = true;
	return 0;
}

int rtp_session_send(struct rtp_session *s, const uint8_t *payload, size_t len, uint32_t samples,
		     bool marker)
{
	struct tev_packet tp;
	int rc;

	s->samples_per_frame = samples;
	if (s->tev.active && tev_send_next(&s->tev, &tp)) {
		/* a digit is going out: its event packet takes this frame's place */
		rc = send_rtp(s, s->cfg.dtmf_pt, tp.marker, tp.ts, tp.payload, TEV_PAYLOAD_LEN);
	} else if (len == 0) {
		/* nothing to say (silence suppressed): time goes on, and the next
		 * packet starts a talkspurt (RFC 3551 section 4.1: marker) */
		s->dtx = true;
		rc = 0;
	} else {
		rc = send_rtp(s, s->cfg.pt, marker || s->dtx, s->ts, payload, len);
		s->dtx = false;
	}
	s->ts += samples;
	return rc;
}

int rtp_session_send_digit(struct rtp_session *s, char digit, unsigned duration_ms)
{
	int ev = tev_from_char(digit);
	uint32_t step = s->samples_per_frame ? s->samples_per_frame : s->cfg.rate * s->cfg.ptime_ms / 1000;

	if (!s->cfg.dtmf_pt || ev < 0)
		return -EINVAL;
	if (s->tev.active)
		return -EBUSY;
	return tev_send_start(&s->tev, ev, 10, s->ts, duration_ms * s->cfg.rate / 1000, step);
}

bool rtp_session_sending_digit(const struct rtp_session *s)
{
	return s->tev.active;
}

/* ---- RTCP ----------------------------------------------------------------------- */

/* G.113 appendix I: equipment impairment and loss robustness of a codec */
static void codec_impairment(int pt, double *ie, double *bpl)
{
	switch (pt) {
	case 18: /* G.729A */
		*ie = 11, *bpl = 19;
		break;
	case 3: /* GSM full rate */
		*ie = 20, *bpl = 10;
		break;
	default: /* G.711 with PLC; G.722 scored the same on the narrowband scale */
		*ie = 0, *bpl = 25.1;
		break;
	}
}

static void quality(const struct rtp_session *s, struct rtp_session_stats *st)
{
	uint32_t expected = s->have_source ? rtp_source_expected(&s->src) : 0;
	double loss = expected ? 100.0 * (st->lost > 0 ? st->lost : 0) / expected : 0;
	double ie, bpl, delay = (s->rtt_ms > 0 ? s->rtt_ms / 2.0 : 0) + st->jb.target_ms;

	codec_impairment(s->last_pt >= 0 ? s->last_pt : s->cfg.pt, &ie, &bpl);
	st->r_factor = rtcp_r_factor(ie, bpl, loss, delay);
	st->mos = rtcp_mos(st->r_factor);
}

int rtp_session_send_rtcp(struct rtp_session *s)
{
	uint8_t buf[PKT_MAX + RTP_SRTP_TRAILER];
	struct rtcp_out o = {.ssrc = s->ssrc, .cname = s->cname};
	struct rtp_session_stats st;
	int n;

	if (s->sent_since_report) {
		o.sender = true;
		o.ntp = rtcp_ntp_from_ns(realtime_ns());
		o.rtp_ts = s->ts;
		o.packets = s->packets;
		o.octets = s->octets;
	}
	if (s->have_source && s->src.valid) {
		o.have_report = true;
		o.report.ssrc = s->src.ssrc;
		o.report.fraction_lost = rtp_source_fraction_lost(&s->src);
		o.report.cumulative_lost = rtp_source_lost(&s->src);
		o.report.ext_max_seq = rtp_source_ext_max(&s->src);
		o.report.jitter = rtp_source_jitter(&s->src);
		if (s->peer_lsr) {
			o.report.lsr = s->peer_lsr;
			o.report.dlsr = (uint32_t)((loop_now_ns() - s->peer_lsr_at_ns) * 65536 / 1000000000u);
		}
	}
	if (s->cfg.rtcp_xr && o.have_report) {
		rtp_session_get_stats(s, &st);
		o.xr = true;
		o.voip.ssrc = s->src.ssrc;
		o.voip.loss_rate = o.report.fraction_lost;
		o.voip.rtt_ms = (uint16_t)(s->rtt_ms > 0 ? s->rtt_ms : 0);
		o.voip.end_system_delay_ms = (uint16_t)st.jb.target_ms;
		o.voip.r_factor = (uint8_t)(st.r_factor + 0.5);
		o.voip.mos_lq = o.voip.mos_cq = (uint8_t)(st.mos * 10 + 0.5);
		o.voip.jb_nominal_ms = (uint16_t)st.jb.target_ms;
		o.voip.jb_max_ms = (uint16_t)s->cfg.jb.max_ms;
	}
	n = rtcp_build(buf, PKT_MAX, &o);
	if (n < 0)
		return n;
	s->sent_since_report = false;
	n = send_to(s, s->rtcp_fd >= 0 ? s->rtcp_fd : s->fd, &s->remote_rtcp, buf, (size_t)n, true);
	if (n == 0)
		s->st.rtcp_sent++;
	return n;
}

static void on_rtcp_timer(struct timer *t, void *arg)
{
	struct rtp_session *s = arg;
	unsigned iv = s->cfg.rtcp_interval_ms ? s->cfg.rtcp_interval_ms : 5000;
	uint16_t r;

	(void)t;
	if (s->have_remote)
		rtp_session_send_rtcp(s);
	/* RFC 3550 §6.3.1: randomised over [0.5, 1.5] of the interval */
	gnutls_rnd(GNUTLS_RND_NONCE, &r, sizeof(r));
	loop_timer_start_ms(s->loop, &s->rtcp_timer, iv / 2 + (uint64_t)iv * r / 65536);
}

/* SRTP off, or the packet verified and is now plain (len updated) */
static bool unprotected(struct rtp_session *s, uint8_t *buf, size_t *len, bool rtcp)
{
	if (!s->srtp.on)
		return true;
	return (rtcp ? rtp_srtp_unprotect_rtcp(&s->srtp, buf, len) : rtp_srtp_unprotect(&s->srtp, buf, len)) ==
	       0;
}

static void rtcp_in(struct rtp_session *s, uint8_t *buf, size_t len)
{
	struct rtcp_info info;

	if (!unprotected(s, buf, &len, true))
		return;
	if (rtcp_parse(buf, len, &info) < 0) {
		s->st.bad++;
		return;
	}
	s->st.rtcp_received++;
	if (info.sr) {
		s->peer_lsr = rtcp_ntp_mid(info.ntp);
		s->peer_lsr_at_ns = loop_now_ns();
	}
	for (unsigned i = 0; i < info.nreports; i++) {
		if (info.report[i].ssrc != s->ssrc)
			continue;
		int rtt = rtcp_rtt_ms(&info.report[i], rtcp_ntp_from_ns(realtime_ns()));

		if (rtt >= 0)
			s->rtt_ms = rtt;
	}
	if (s->ops->rtcp)
		s->ops->rtcp(s->arg, &info);
}

/* ---- receiving ---------------------------------------------------------------------- */

static void on_digit(void *arg, char digit, bool start, uint32_t duration)
{
	struct rtp_session *s = arg;

	if (s->ops->digit)
		s->ops->digit(s->arg, digit, start, duration * 1000 / s->cfg.rate);
}

/* symmetric RTP: the first packet latches; then only that source counts */
static bool source_ok(struct rtp_session *s, const struct sockaddr_storage *from, bool rtcp)
{
	if (!s->cfg.symmetric)
		return true;
	if (!s->latched) {
		if (rtcp)
			return true; /* RTCP does not latch RTP */
		s->latched = true;
		s->remote = *from;
		s->remote_len = addr_len(from);
		s->have_remote = true;
		if (s->remote_mux || s->cfg.rtcp_mux) {
			s->remote_rtcp = *from;
		} else {
			s->remote_rtcp = *from;
			set_port(&s->remote_rtcp, (uint16_t)(get_port(from) + 1));
		}
		return true;
	}
	if (rtcp) {
		/* RTCP from the latched host, any port */
		struct sockaddr_storage a = *from;

		set_port(&a, get_port(&s->remote));
		return rtp_same_addr(&a, &s->remote);
	}
	return rtp_same_addr(from, &s->remote);
}

static void rtp_in(struct rtp_session *s, uint8_t *buf, size_t len, uint64_t now)
{
	struct rtp_hdr h;

	if (!unprotected(s, buf, &len, false))
		return;
	if (rtp_parse(buf, len, &h) < 0) {
		s->st.bad++;
		return;
	}
	s->st.received++;
	s->st.received_octets += h.payload_len;
	s->last_rx_ms = now;
	s->timed_out = false;
	if (!s->have_source || h.ssrc != s->src.ssrc) {
		if (s->have_source)
			s->st.ssrc_changes++;
		rtp_source_init(&s->src, h.ssrc, h.seq);
		s->have_source = true;
	}
	if (s->last_pt >= 0 && h.pt != s->last_pt && h.pt != s->cfg.dtmf_pt)
		s->st.pt_changes++;
	if (rtp_source_update_seq(&s->src, h.seq) == RTP_SEQ_BAD)
		return;
	rtp_source_update_jitter(&s->src, (uint32_t)(now * s->cfg.rate / 1000), h.ts);
	if (s->cfg.dtmf_pt && h.pt == s->cfg.dtmf_pt) {
		tev_receiver_packet(&s->tevr, h.ts, h.payload, h.payload_len, now);
		return;
	}
	s->last_pt = h.pt;
	jb_put(&s->jb, h.ssrc, h.seq, h.ts, h.pt, h.marker, h.payload, h.payload_len, now);
}

static void receive(struct rtp_session *s, int fd, bool rtcp_port)
{
	struct mmsghdr msgs[RX_BATCH];
	struct iovec iov[RX_BATCH];
	struct sockaddr_storage from[RX_BATCH];
	uint64_t now = now_ms();
	int n;

	memset(msgs, 0, sizeof(msgs));
	for (int i = 0; i < RX_BATCH; i++) {
		iov[i].iov_base = rx_buf[i];
		iov[i].iov_len = PKT_MAX;
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
		msgs[i].msg_hdr.msg_name = &from[i];
		msgs[i].msg_hdr.msg_namelen = sizeof(from[i]);
	}
	n = recvmmsg(fd, msgs, RX_BATCH, MSG_DONTWAIT, NULL);
	for (int i = 0; i < n; i++) {
		size_t len = msgs[i].msg_len;
		bool rtcp = rtcp_port || rtp_is_rtcp(rx_buf[i], len);

		if (!source_ok(s, &from[i], rtcp)) {
			s->st.wrong_source++;
			continue;
		}
		if (s->dtls && rtp_is_dtls(rx_buf[i], len))
			rtp_dtls_input(s->dtls, rx_buf[i], len);
		else if (rtcp)
			rtcp_in(s, rx_buf[i], len);
		else
			rtp_in(s, rx_buf[i], len, now);
	}
	if (n > 0 && s->ops->media)
		s->ops->media(s->arg);
}

static void on_rtp(struct loop *loop, struct loop_watch *w, uint32_t events)
{
	(void)loop;
	(void)events;
	receive(w->arg, w->fd, false);
}

static void on_rtcp(struct loop *loop, struct loop_watch *w, uint32_t events)
{
	(void)loop;
	(void)events;
	receive(w->arg, w->fd, true);
}

static void on_timeout_timer(struct timer *t, void *arg)
{
	struct rtp_session *s = arg;
	uint64_t now = now_ms();

	(void)t;
	tev_receiver_poll(&s->tevr, now, 250);
	if (s->cfg.timeout_ms && !s->hold && !s->timed_out && now - s->last_rx_ms >= s->cfg.timeout_ms) {
		s->timed_out = true;
		LOGP(LOGC_RTP, LOGL_NOTICE, "RTP port %u: no media for %u ms", s->port, s->cfg.timeout_ms);
		if (s->ops->timeout)
			s->ops->timeout(s->arg);
	}
	loop_timer_start_ms(s->loop, &s->timeout_timer, 100);
}

/* ---- set-up ------------------------------------------------------------------------- */

static int bind_one(const struct sockaddr_storage *local, uint16_t port)
{
	struct sockaddr_storage a = *local;
	int fd = socket(a.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -errno;
	set_port(&a, port);
	if (bind(fd, (struct sockaddr *)&a, addr_len(&a)) < 0) {
		int e = -errno;

		close(fd);
		return e;
	}
	return fd;
}

int rtp_bind_ports(const struct sockaddr_storage *local, uint16_t port_min, uint16_t port_max, bool pair,
		   int *fd, int *fd2, uint16_t *port)
{
	uint16_t lo = port_min ? port_min : DEFAULT_PORT_MIN;
	uint16_t hi = port_max ? port_max : DEFAULT_PORT_MAX;
	unsigned span = (unsigned)(hi - lo) / 2 + 1, start;
	uint32_t r;

	lo = (uint16_t)((lo + 1) & ~1u);
	gnutls_rnd(GNUTLS_RND_NONCE, &r, sizeof(r));
	start = r % span;
	for (unsigned i = 0; i < span; i++) {
		uint16_t p = (uint16_t)(lo + 2 * ((start + i) % span));
		int a, b = -1;

		if (p + (pair ? 1 : 0) > hi)
			continue;
		if ((a = bind_one(local, p)) < 0)
			continue;
		if (pair && (b = bind_one(local, (uint16_t)(p + 1))) < 0) {
			close(a);
			continue;
		}
		*fd = a;
		if (fd2)
			*fd2 = b;
		*port = p;
		return 0;
	}
	return -EADDRINUSE;
}

static int bind_ports(struct rtp_session *s)
{
	return rtp_bind_ports(&s->cfg.local, s->cfg.port_min, s->cfg.port_max, !s->cfg.rtcp_mux, &s->fd,
			      &s->rtcp_fd, &s->port);
}

int rtp_session_new(struct loop *loop, const struct rtp_session_config *cfg,
		    const struct rtp_session_ops *ops, void *arg, struct rtp_session **out)
{
	static const struct rtp_session_ops none;
	struct rtp_session *s = mem_zalloc(sizeof(*s));
	int rc;

	if (!s)
		return -ENOMEM;
	s->loop = loop;
	s->cfg = *cfg;
	s->ops = ops ? ops : &none;
	s->arg = arg;
	s->fd = s->rtcp_fd = -1;
	s->last_pt = -1;
	s->rtt_ms = -1;
	if (!s->cfg.rate)
		s->cfg.rate = 8000;
	if (!s->cfg.ptime_ms)
		s->cfg.ptime_ms = 20;
	if (!s->cfg.jb.rate)
		s->cfg.jb.rate = s->cfg.rate;
	if (!s->cfg.jb.frame_ms)
		s->cfg.jb.frame_ms = s->cfg.ptime_ms;
	if (!s->cfg.jb.max_ms)
		s->cfg.jb.min_ms = 40, s->cfg.jb.max_ms = 200;
	jb_init(&s->jb, &s->cfg.jb);
	tev_receiver_init(&s->tevr, on_digit, s);
	gnutls_rnd(GNUTLS_RND_NONCE, &s->ssrc, sizeof(s->ssrc));
	gnutls_rnd(GNUTLS_RND_NONCE, &s->seq, sizeof(s->seq));
	gnutls_rnd(GNUTLS_RND_NONCE, &s->ts, sizeof(s->ts));
	snprintf(s->cname, sizeof(s->cname), "%s", cfg->cname ? cfg->cname : "sipgw");
	s->cfg.cname = NULL;
	if ((rc = bind_ports(s)) < 0)
		goto fail;
	if ((rc = loop_watch_add(loop, &s->w, s->fd, EPOLLIN, on_rtp, s)) < 0)
		goto fail;
	if (s->rtcp_fd >= 0 && (rc = loop_watch_add(loop, &s->wr, s->rtcp_fd, EPOLLIN, on_rtcp, s)) < 0) {
		loop_watch_del(loop, &s->w);
		goto fail;
	}
	s->last_rx_ms = now_ms();
	timer_setup(&s->timeout_timer, on_timeout_timer, s);
	timer_setup(&s->rtcp_timer, on_rtcp_timer, s);
	loop_timer_start_ms(loop, &s->timeout_timer, 100);
	on_rtcp_timer(&s->rtcp_timer, s);
	*out = s;
	return 0;
fail:
	if (s->fd >= 0)
		close(s->fd);
	if (s->rtcp_fd >= 0)
		close(s->rtcp_fd);
	mem_free(s);
	return rc;
}

void rtp_session_free(struct rtp_session *s)
{
	if (!s)
		return;
	loop_timer_stop(s->loop, &s->timeout_timer);
	loop_timer_stop(s->loop, &s->rtcp_timer);
	loop_watch_del(s->loop, &s->w);
	close(s->fd);
	if (s->rtcp_fd >= 0) {
		loop_watch_del(s->loop, &s->wr);
		close(s->rtcp_fd);
	}
	rtp_dtls_free(s->dtls);
	rtp_srtp_stop(&s->srtp);
	mem_free(s);
}

void rtp_session_close(struct rtp_session *s)
{
	uint8_t buf[64 + RTP_SRTP_TRAILER];
	struct rtcp_out o = {.ssrc = s->ssrc, .bye = true};
	int n;

	if (s->have_remote && (n = rtcp_build(buf, 64, &o)) > 0)
		send_to(s, s->rtcp_fd >= 0 ? s->rtcp_fd : s->fd, &s->remote_rtcp, buf, (size_t)n, true);
	rtp_session_free(s);
}

uint16_t rtp_session_port(const struct rtp_session *s)
{
	return s->port;
}

uint32_t rtp_session_ssrc(const struct rtp_session *s)
{
	return s->ssrc;
}

int rtp_session_set_remote(struct rtp_session *s, const struct sockaddr *rtp, socklen_t len,
			   bool rtcp_mux)
{
	if (len > sizeof(s->remote) || (rtp->sa_family != AF_INET && rtp->sa_family != AF_INET6))
		return -EINVAL;
	memset(&s->remote, 0, sizeof(s->remote));
	memcpy(&s->remote, rtp, len);
	s->remote_len = len;
	s->remote_rtcp = s->remote;
	s->remote_mux = rtcp_mux;
	if (!rtcp_mux && !s->cfg.rtcp_mux)
		set_port(&s->remote_rtcp, (uint16_t)(get_port(&s->remote) + 1));
	s->have_remote = true;
	s->latched = false; /* the SDP changed: latch again */
	return 0;
}

int rtp_session_set_srtp(struct rtp_session *s, enum rtp_srtp_suite suite, const uint8_t *tx_key,
			 const uint8_t *rx_key)
{
	return rtp_srtp_start(&s->srtp, suite, tx_key, rx_key);
}

static int dtls_send(void *arg, const uint8_t *buf, size_t len)
{
	struct rtp_session *s = arg;

	if (!s->have_remote)
		return -ENOTCONN;
	if (sendto(s->fd, buf, len, MSG_DONTWAIT, (const struct sockaddr *)&s->remote,
		   addr_len(&s->remote)) < 0)
		return -errno;
	return 0;
}

static void dtls_done(void *arg, int status, enum rtp_srtp_suite suite, const uint8_t *tx_key,
		      const uint8_t *rx_key)
{
	struct rtp_session *s = arg;

	if (status == 0)
		status = rtp_srtp_start(&s->srtp, suite, tx_key, rx_key);
	if (s->ops->secured)
		s->ops->secured(s->arg, status);
}

static const struct rtp_dtls_ops dtls_ops = {dtls_send, dtls_done};

int rtp_session_start_dtls(struct rtp_session *s, const struct rtp_dtls_cert *cert, bool client,
			   const char *peer_fingerprint)
{
	if (!s->have_remote)
		return -ENOTCONN;
	rtp_dtls_free(s->dtls);
	s->dtls = NULL;
	rtp_srtp_stop(&s->srtp);
	return rtp_dtls_new(s->loop, cert, client, peer_fingerprint, &dtls_ops, s, &s->dtls);
}

bool rtp_session_secure(const struct rtp_session *s)
{
	return s->srtp.on;
}

void rtp_session_set_hold(struct rtp_session *s, bool hold)
{
	s->hold = hold;
	s->last_rx_ms = now_ms();
	s->timed_out = false;
}

void rtp_session_set_pt(struct rtp_session *s, uint8_t pt)
{
	s->cfg.pt = pt;
}

void rtp_session_set_dtmf_pt(struct rtp_session *s, uint8_t pt)
{
	s->cfg.dtmf_pt = pt;
}

struct jb *rtp_session_jb(struct rtp_session *s)
{
	return &s->jb;
}

enum jb_get_result rtp_session_get(struct rtp_session *s, struct jb_frame *out)
{
	return jb_get(&s->jb, out);
}

void rtp_session_get_stats(const struct rtp_session *s, struct rtp_session_stats *st)
{
	*st = s->st;
	st->srtp_auth_fail = s->srtp.auth_fail;
	st->srtp_replay = s->srtp.replay_fail;
	st->lost = s->have_source ? rtp_source_lost(&s->src) : 0;
	st->jitter_ms = s->have_source ? rtp_source_jitter(&s->src) * 1000 / s->cfg.rate : 0;
	st->rtt_ms = s->rtt_ms;
	st->latched = s->latched;
	jb_get_stats(&s->jb, &st->jb);
	quality(s, st);
}
