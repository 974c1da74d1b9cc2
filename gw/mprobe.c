/* mprobe.c: the media probe, see mprobe.h. */
#include "config.h"

#include "gw/mprobe.h"
#include "dsp/codec.h"
#include "dsp/dtmf.h"
#include "dsp/faxpage.h"
#include "lib/clock.h"
#include "lib/loop.h"
#include "lib/mem.h"
#include "lib/timer.h"
#include "rtp/jb.h"
#include "rtp/playout.h"
#include "rtp/session.h"
#include "rtp/udptl.h"
#include "sip/sdp.h"
#include "sip/sdp_oa.h"

#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <spandsp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FRAME 160
#define FAX_ROWS 300 /* the test page's length */
#define MAX_SECONDS 30
#define DBM0_RMS 16086.0
#define BURST_MS 60
#define BURST_EVERY_MS 1000
#define MAX_BURSTS (MAX_SECONDS * 1000 / BURST_EVERY_MS)
#define SETTLE_MS 400 /* what comes first is buffering and switching: not measured */

struct mprobe {
	struct loop *loop;
	enum mprobe_kind kind;
	struct rtp_session *s;
	struct rtp_playout po;
	bool po_ready, started;
	bool alaw;
	struct timer tick;
	uint64_t next_ns, t0_ns;
	unsigned frames_sent;
	/* what came back, linear */
	int16_t *rx;
	size_t nrx;
	size_t first_audio; /* sample index of the first non-silent tick; SIZE_MAX none */
	uint64_t concealed;
	/* echo: when each burst left (sample index in our send clock) */
	size_t burst_at[MAX_BURSTS];
	unsigned nbursts;
	/* dtmf */
	char digits[32];
	unsigned next_digit;
	struct dsp_dtmf_rx *drx;
	char heard[32];
	unsigned nheard;
	char events[32]; /* RFC 4733 events received */
	uint32_t rng;
	unsigned nevents;
	char info[32]; /* digits by SIP INFO */
	unsigned ninfo;
	/* a codec other than G.711 (mprobe_set_codec): encoder/decoder, its pt */
	const struct dsp_codec_info *ci;
	struct dsp_codec *codec;
	int codec_pt;
	bool annexb; /* G.729 annex B asked for: used when the peer's SDP agrees */
	/* fax: SpanDSP's fax machine on the audio, or its T.38 terminal once
	 * the call moved to T.38 (UDPTL); the page's file; how T.30 ended */
	fax_state_t *fax;
	t38_terminal_state_t *term;
	struct udptl_session *ut;
	char fax_path[40];
	bool fax_over, fax_t38;
	bool audio_again; /* back on audio after T.38: silence goes out again */
	int fax_code;
	unsigned fax_pages, fax_bit_rate;
	struct dsp_faxpage_check fax_chk;
	void (*done)(void *arg);
	void *done_arg;
};

static bool is_fax(const struct mprobe *p)
{
	return p->kind == MPROBE_FAX || p->kind == MPROBE_FAX_RECV;
}

/* the data probe's octet n: pseudo-random, every value */
static uint8_t data_octet(size_t n)
{
	uint32_t h = (uint32_t)n * 2654435761u;

	return (uint8_t)((h >> 13) ^ (h >> 24) ^ n);
}

/* a data call's probe: CLEARMODE octets, not audio */
static bool octets(const struct mprobe *p)
{
	return p->kind == MPROBE_DATA || p->kind == MPROBE_DATA_REFLECT;
}

static int probe_decode(void *arg, uint8_t pt, const uint8_t *in, size_t len, int16_t *out, size_t max)
{
	struct mprobe *p = arg;

	if (octets(p)) { /* CLEARMODE: octets kept as they came */
		if (len > max)
			return -1;
		for (size_t i = 0; i < len; i++)
			out[i] = in[i];
		return (int)len;
	}
	if (p->codec && pt == p->codec_pt)
		return dsp_codec_decode(p->codec, in, len, out, max);
	return playout_decode_g711(NULL, pt, in, len, out, max);
}

/* no packet for a frame: the codec's concealment or comfort noise */
static int probe_fill(void *arg, bool lost, int16_t *out, size_t n)
{
	struct mprobe *p = arg;

	if (octets(p)) { /* nothing came: idle octets (all ones) */
		for (size_t i = 0; i < n; i++)
			out[i] = 0xff;
		return (int)n;
	}
	return p->codec ? dsp_codec_fill(p->codec, lost, out, n) : 0;
}

int mprobe_set_codec(struct mprobe *p, const char *name, bool annexb)
{
	const struct dsp_codec_info *ci = dsp_codec_find(name, 8000);

	if (!ci)
		return -EINVAL;
	dsp_codec_free(p->codec);
	p->codec = NULL;
	p->ci = ci;
	p->annexb = annexb && ci->id == DSP_G729;
	if (ci->id != DSP_PCMA && ci->id != DSP_PCMU && !(p->codec = dsp_codec_new(ci->id, false)))
		return -ENOMEM;
	return 0;
}

static void on_event(void *arg, char digit, bool start, uint32_t duration_ms)
{
	struct mprobe *p = arg;

	(void)duration_ms;
	if (start && p->nevents < sizeof(p->events) - 1)
		p->events[p->nevents++] = digit;
}

static const struct rtp_session_ops probe_rtp_ops = {.digit = on_event};

void mprobe_info_digit(struct mprobe *p, char digit)
{
	if (p->ninfo < sizeof(p->info) - 1)
		p->info[p->ninfo++] = digit;
}

static void on_digit_heard(void *arg, char digit, bool start, unsigned duration_ms)
{
	struct mprobe *p = arg;

	(void)duration_ms;
	if (!start && p->nheard < sizeof(p->heard) - 1)
		p->heard[p->nheard++] = digit;
}

static void tick(struct timer *t, void *arg)
{
	struct mprobe *p = arg;
	uint8_t out[FRAME];
	int16_t pcm[FRAME];
	size_t now = (size_t)p->frames_sent * FRAME;
	int kind;

	(void)t;
	/* send */
	memset(pcm, 0, sizeof(pcm));
	if (p->kind == MPROBE_REFLECT && p->nrx >= FRAME)
		memcpy(pcm, p->rx + p->nrx - FRAME, sizeof(pcm));
	if (p->kind == MPROBE_TALK && now % 8000 < 4000)
		for (unsigned i = 0; i < FRAME; i++) { /* uniform noise: RMS = peak / sqrt(3) */
			p->rng = p->rng * 1664525u + 1013904223u;
			pcm[i] = (int16_t)((double)(int32_t)p->rng / 2147483648.0 * DBM0_RMS * 0.1778 * 1.7320508);
		}
	if (p->kind == MPROBE_ECHO) {
		size_t in_period = now % (BURST_EVERY_MS * 8);

		if (in_period == 0 && now >= SETTLE_MS * 8 && p->nbursts < MAX_BURSTS)
			p->burst_at[p->nbursts++] = now;
		if (p->nbursts && now - p->burst_at[p->nbursts - 1] < BURST_MS * 8)
			for (unsigned i = 0; i < FRAME; i++)
				pcm[i] = (int16_t)(DBM0_RMS * sqrt(2.0) * 0.3162 *
						   sin(2 * M_PI * 1000.0 * (double)(now + i) / 8000.0)); /* -10 dBm0 */
	}
	if (p->kind == MPROBE_DTMF && p->digits[p->next_digit] && now >= SETTLE_MS * 8 &&
	    (now - SETTLE_MS * 8) % (250 * 8) == 0 && !rtp_session_sending_digit(p->s))
		rtp_session_send_digit(p->s, p->digits[p->next_digit++], 100);
	if (p->fax) { /* the fax machine's audio */
		int got = fax_tx(p->fax, pcm, FRAME);

		if (got < FRAME)
			memset(pcm + (got > 0 ? got : 0), 0, (size_t)(FRAME - (got > 0 ? got : 0)) * sizeof(int16_t));
	}
	if (p->term) /* T.38: the terminal's clock; no RTP while the audio rests */
		t38_terminal_send_timeout(p->term, FRAME);
	/* (an RFC 4733 packet takes the frame's place while a digit goes out) */
	if (p->fax_t38 && !p->audio_again) {
		/* nothing on the audio stream */
	} else if (octets(p)) {
		for (unsigned i = 0; i < FRAME; i++) /* data-reflect: the last 20 ms that came */
			out[i] = p->kind == MPROBE_DATA ? data_octet(now + i)
			       : p->nrx >= FRAME	  ? (uint8_t)p->rx[p->nrx - FRAME + i]
							  : 0xff;
		rtp_session_send(p->s, out, FRAME, FRAME, p->frames_sent == 0);
	} else if (p->codec) {
		int len = dsp_codec_encode(p->codec, pcm, FRAME, out, sizeof(out));

		if (len >= 0) /* 0: annex B silence, nothing sent */
			rtp_session_send(p->s, out, (size_t)len, FRAME, p->frames_sent == 0);
	} else {
		for (unsigned i = 0; i < FRAME; i++)
			out[i] = p->alaw ? linear_to_alaw(pcm[i]) : linear_to_ulaw(pcm[i]);
		rtp_session_send(p->s, out, FRAME, FRAME, p->frames_sent == 0);
	}
	p->frames_sent++;
	/* receive */
	kind = rtp_playout_tick(&p->po, pcm);
	if (kind < 0)
		p->concealed++;
	if (p->nrx + FRAME <= (size_t)MAX_SECONDS * 8000) {
		if (kind != 0 && p->first_audio == SIZE_MAX)
			p->first_audio = p->nrx;
		memcpy(p->rx + p->nrx, pcm, sizeof(pcm));
		p->nrx += FRAME;
	}
	if (p->drx)
		dsp_dtmf_rx_process(p->drx, pcm, FRAME);
	if (p->fax && !p->fax_t38)
		fax_rx(p->fax, pcm, FRAME);
	/* the next tick on an absolute schedule */
	p->next_ns += 20000000ull;
	{
		uint64_t n = loop_now_ns();
		uint64_t wait = p->next_ns > n ? (p->next_ns - n) / 1000000 : 0;

		clock_timer_start_ms(loop_clock(p->loop), &p->tick, wait);
	}
}

/* ---- fax ------------------------------------------------------------------------- */

static void fax_log_off(logging_state_t *l)
{
	if (l)
		span_log_set_level(l, SPAN_LOG_NONE);
}

/* T.30 is over (phase E): how, and what arrived (checked against the test page) */
static void fax_phase_e(t30_state_t *t30, void *arg, int code)
{
	struct mprobe *p = arg;
	t30_stats_t st;

	if (p->fax_over)
		return;
	t30_get_transfer_statistics(t30, &st);
	p->fax_over = true;
	p->fax_code = code;
	p->fax_pages = (unsigned)(p->kind == MPROBE_FAX ? st.pages_tx : st.pages_rx);
	p->fax_bit_rate = st.bit_rate > 0 ? (unsigned)st.bit_rate : 0;
	if (p->kind == MPROBE_FAX_RECV && p->fax_pages)
		dsp_faxpage_check(p->fax_path, &p->fax_chk);
	if (p->done)
		p->done(p->done_arg);
}

static void fax_t30_setup(struct mprobe *p, t30_state_t *t30)
{
	fax_log_off(t30_get_logging_state(t30));
	t30_set_tx_ident(t30, p->kind == MPROBE_FAX ? "sipgw-ua sender" : "sipgw-ua receiver");
	t30_set_ecm_capability(t30, 1);
	t30_set_supported_compressions(t30, T30_SUPPORT_T4_1D_COMPRESSION | T30_SUPPORT_T4_2D_COMPRESSION);
	if (p->kind == MPROBE_FAX)
		t30_set_tx_file(t30, p->fax_path, -1, -1);
	else
		t30_set_rx_file(t30, p->fax_path, -1);
	t30_set_phase_e_handler(t30, fax_phase_e, p);
}

/* the fax machine on the audio stream, with the test page to send or a
 * scratch file to receive into */
static int fax_new(struct mprobe *p)
{
	int fd, rc;

	snprintf(p->fax_path, sizeof(p->fax_path), "/tmp/sipgw-ua-fax-XXXXXX");
	if ((fd = mkstemp(p->fax_path)) < 0) {
		p->fax_path[0] = 0;
		return -errno;
	}
	close(fd);
	if (p->kind == MPROBE_FAX && (rc = dsp_faxpage_write(p->fax_path, FAX_ROWS)) < 0)
		return rc;
	if (!(p->fax = fax_init(NULL, p->kind == MPROBE_FAX)))
		return -ENOMEM;
	fax_log_off(fax_get_logging_state(p->fax));
	fax_set_transmit_on_idle(p->fax, 1);
	fax_t30_setup(p, fax_get_t30_state(p->fax));
	return 0;
}

void mprobe_set_done(struct mprobe *p, void (*fn)(void *arg), void *arg)
{
	p->done = fn;
	p->done_arg = arg;
}

static void on_ifp(void *arg, const uint8_t *ifp, size_t len, uint16_t seq)
{
	struct mprobe *p = arg;

	if (p->term)
		t38_core_rx_ifp_packet(t38_terminal_get_t38_core_state(p->term), ifp, (int)len, seq);
}

static int term_tx(t38_core_state_t *s, void *arg, const uint8_t *buf, int len, int count)
{
	struct mprobe *p = arg;

	(void)s;
	return p->ut ? udptl_session_send(p->ut, buf, (size_t)len, count) : -1;
}

int mprobe_t38_open(struct mprobe *p, uint16_t *port)
{
	struct sockaddr_storage local;
	int rc;

	if (!is_fax(p))
		return -EINVAL;
	if (!p->ut) {
		memset(&local, 0, sizeof(local));
		local.ss_family = AF_INET;
		inet_pton(AF_INET, "127.0.0.1", &((struct sockaddr_in *)&local)->sin_addr);
		if ((rc = udptl_session_new(p->loop, &local, 0, 0, on_ifp, p, &p->ut)) < 0)
			return rc;
	}
	*port = udptl_session_port(p->ut);
	return 0;
}

int mprobe_t38_start(struct mprobe *p, const char *host, uint16_t port, unsigned max_datagram, bool redundancy)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
	t30_state_t *t30;

	if (!p->ut || inet_pton(AF_INET, host, &a.sin_addr) != 1)
		return -EINVAL;
	udptl_session_set_remote(p->ut, (struct sockaddr *)&a, sizeof(a), max_datagram, redundancy ? 3 : 0);
	if (p->term)
		return 0;
	/* T.30 starts afresh on T.38: the audio machine had said no more than
	 * CNG (or CED) before the switch */
	if (!(p->term = t38_terminal_init(NULL, p->kind == MPROBE_FAX, term_tx, p)))
		return -ENOMEM;
	fax_log_off(t38_terminal_get_logging_state(p->term));
	t30 = t38_terminal_get_t30_state(p->term);
	fax_t30_setup(p, t30);
	if (p->fax) {
		t30_set_phase_e_handler(fax_get_t30_state(p->fax), NULL, NULL);
		fax_free(p->fax);
		p->fax = NULL;
	}
	p->fax_t38 = true;
	rtp_session_set_hold(p->s, true);
	return 0;
}

void mprobe_audio_again(struct mprobe *p)
{
	p->audio_again = true;
	rtp_session_set_hold(p->s, false);
}

int mprobe_new(struct loop *loop, enum mprobe_kind kind, const char *addr, const char *digits,
	       struct mprobe **out)
{
	struct mprobe *p = mem_zalloc(sizeof(*p));
	struct rtp_session_config c = {.pt = 8, .rate = 8000, .ptime_ms = 20, .dtmf_pt = 101,
				       .symmetric = true, .cname = "sipgw-ua",
				       .jb = {.rate = 8000, .frame_ms = 20, .min_ms = 20, .max_ms = 200}};
	int rc;

	if (!p)
		return -ENOMEM;
	p->loop = loop;
	p->kind = kind;
	p->alaw = true;
	p->first_audio = SIZE_MAX;
	p->rng = 12345;
	timer_setup(&p->tick, tick, p);
	if (strchr(addr, ':')) {
		c.local.ss_family = AF_INET6;
		inet_pton(AF_INET6, addr, &((struct sockaddr_in6 *)&c.local)->sin6_addr);
	} else {
		c.local.ss_family = AF_INET;
		inet_pton(AF_INET, addr, &((struct sockaddr_in *)&c.local)->sin_addr);
	}
	p->rx = mem_zalloc(sizeof(int16_t) * MAX_SECONDS * 8000);
	if (!p->rx) {
		mprobe_free(p);
		return -ENOMEM;
	}
	if ((rc = rtp_session_new(loop, &c, &probe_rtp_ops, p, &p->s)) < 0 ||
	    (rc = rtp_playout_init(&p->po, rtp_session_jb(p->s), FRAME, probe_decode, p)) < 0) {
		mprobe_free(p);
		return rc;
	}
	p->po_ready = true;
	rtp_playout_set_fill(&p->po, probe_fill);
	if (digits)
		snprintf(p->digits, sizeof(p->digits), "%s", digits);
	if (kind == MPROBE_DTMF && !(p->drx = dsp_dtmf_rx_new(on_digit_heard, p))) {
		mprobe_free(p);
		return -ENOMEM;
	}
	if (is_fax(p) && (rc = fax_new(p)) < 0) {
		mprobe_free(p);
		return rc;
	}
	*out = p;
	return 0;
}

void mprobe_free(struct mprobe *p)
{
	if (!p)
		return;
	clock_timer_stop(loop_clock(p->loop), &p->tick);
	if (p->po_ready)
		rtp_playout_fini(&p->po);
	if (p->s)
		rtp_session_free(p->s);
	dsp_dtmf_rx_free(p->drx);
	dsp_codec_free(p->codec);
	if (p->fax)
		fax_free(p->fax);
	if (p->term)
		t38_terminal_free(p->term);
	udptl_session_free(p->ut);
	if (p->fax_path[0])
		unlink(p->fax_path);
	mem_free(p->rx);
	mem_free(p);
}

uint16_t mprobe_port(const struct mprobe *p)
{
	return rtp_session_port(p->s);
}

int mprobe_start(struct mprobe *p, struct sv sdp)
{
	struct sdp_session s;
	struct sdp_error e;
	const struct sdp_media *m = NULL;
	const struct sdp_conn *conn;
	struct sockaddr_storage ss;
	char host[64];
	int pt = -1;
	socklen_t len;

	if (p->started)
		return 0;
	if (sdp_parse(&s, sdp.p, sdp.len, &e) < 0)
		return -EPROTO;
	for (size_t i = 0; i < s.nmedia && !m; i++)
		if (sv_eq_cstr(s.media[i].type, "audio") && s.media[i].port)
			m = &s.media[i];
	if (!m)
		return -EPROTO;
	for (size_t i = 0; i < m->nfmts && pt < 0; i++) {
		unsigned n = 0, clock, ch;
		struct sv enc;

		for (size_t k = 0; k < m->fmts[i].len && k < 3; k++)
			n = n * 10 + (unsigned)(m->fmts[i].p[k] - '0');
		if (octets(p)) { /* CLEARMODE, by rtpmap */
			if (sdp_media_rtpmap(m, n, &enc, &clock, &ch) && sv_eq_cstr_nocase(enc, sdp_clearmode.name))
				pt = (int)n;
		} else if (p->ci) { /* the codec asked for: by rtpmap, or its static number */
			if ((sdp_media_rtpmap(m, n, &enc, &clock, &ch) && sv_eq_cstr_nocase(enc, p->ci->name)) ||
			    (p->ci->static_pt >= 0 && n == (unsigned)p->ci->static_pt))
				pt = (int)n;
		} else if (n == 8 || n == 0) {
			pt = (int)n;
		}
	}
	if (pt < 0)
		return -EPROTO;
	p->codec_pt = pt;
	if (p->annexb) { /* RFC 4856: no annexb parameter is yes */
		bool found;
		struct sv f = sdp_media_fmtp(m, (unsigned)pt, &found);

		dsp_codec_free(p->codec);
		p->codec = dsp_codec_new(DSP_G729, !found || sdp_fmtp_annexb(f));
		if (!p->codec)
			return -ENOMEM;
		dsp_codec_set_packet_samples(p->codec, FRAME);
	}
	conn = m->conn.set ? &m->conn : &s.conn;
	if (!conn->set || conn->addr.len >= sizeof(host))
		return -EPROTO;
	memcpy(host, conn->addr.p, conn->addr.len);
	host[conn->addr.len] = 0;
	memset(&ss, 0, sizeof(ss));
	if (inet_pton(AF_INET, host, &((struct sockaddr_in *)&ss)->sin_addr) == 1) {
		ss.ss_family = AF_INET;
		((struct sockaddr_in *)&ss)->sin_port = htons(m->port);
		len = sizeof(struct sockaddr_in);
	} else if (inet_pton(AF_INET6, host, &((struct sockaddr_in6 *)&ss)->sin6_addr) == 1) {
		ss.ss_family = AF_INET6;
		((struct sockaddr_in6 *)&ss)->sin6_port = htons(m->port);
		len = sizeof(struct sockaddr_in6);
	} else {
		return -EPROTO;
	}
	p->alaw = pt == 8;
	if (octets(p) || is_fax(p)) { /* data, fax: a fixed jitter buffer, no frame added or dropped */
		struct jb_config fixed = {.rate = 8000, .frame_ms = 20, .fixed = true, .fixed_ms = 100};

		jb_init(rtp_session_jb(p->s), &fixed);
	}
	rtp_session_set_pt(p->s, (uint8_t)pt);
	if (rtp_session_set_remote(p->s, (struct sockaddr *)&ss, len, m->rtcp_mux) < 0)
		return -EIO;
	p->started = true;
	p->t0_ns = p->next_ns = loop_now_ns();
	clock_timer_start_ms(loop_clock(p->loop), &p->tick, 0);
	return 0;
}

/* ---- analysis -------------------------------------------------------------------- */

static double level(const int16_t *x, size_t n)
{
	double e = 0;

	for (size_t i = 0; i < n; i++)
		e += (double)x[i] * x[i];
	return n && e > 0 ? 10 * log10(e / (double)n) - 20 * log10(DBM0_RMS) : -100;
}

/* Power at f (Goertzel) as a share of all power, over n samples. */
static double tone_share(const int16_t *x, size_t n, double f)
{
	double c = 2 * cos(2 * M_PI * f / 8000.0), q1 = 0, q2 = 0, e = 0, tone;

	for (size_t i = 0; i < n; i++) {
		double q0 = c * q1 - q2 + x[i];

		q2 = q1;
		q1 = q0;
		e += (double)x[i] * x[i];
	}
	tone = (q1 * q1 + q2 * q2 - q1 * q2 * c) * 2.0 / (double)n;
	return e > 0 ? tone / e : 0;
}

/* talk: the level back during the talking halves of the second half of
 * the call, each shifted by 100 ms (the round trip) */
static double talk_back(const struct mprobe *p)
{
	double e = 0;
	size_t n = 0;

	for (size_t on = 0; on + 4800 <= p->nrx; on += 8000) {
		if (on < p->nrx / 2)
			continue;
		for (size_t i = on + 800; i < on + 4800; i++)
			e += (double)p->rx[i] * p->rx[i];
		n += 4000;
	}
	return n && e > 0 ? 10 * log10(e / (double)n) - 20 * log10(DBM0_RMS) : -100;
}

void mprobe_result(const struct mprobe *p, struct mprobe_result *r)
{
	size_t from = p->first_audio == SIZE_MAX ? p->nrx : p->first_audio + SETTLE_MS * 8;
	size_t n = p->nrx > from ? p->nrx - from : 0;
	const int16_t *x = p->rx + from;
	struct rtp_session_stats st;

	memset(r, 0, sizeof(*r));
	rtp_session_get_stats(p->s, &st);
	r->sent = st.sent;
	r->received = st.received;
	r->concealed = p->concealed;
	r->seconds = (double)p->nrx / 8000.0;
	r->level_dbm0 = level(x, n);
	r->talk_back_dbm0 = p->kind == MPROBE_TALK ? talk_back(p) : -100;
	r->fax_over = p->fax_over;
	r->fax_code = p->fax_code;
	r->fax_t38 = p->fax_t38;
	r->fax_pages = p->fax_pages;
	r->fax_bit_rate = p->fax_bit_rate;
	r->fax_rows = p->fax_chk.rows;
	r->fax_bad_rows = p->fax_chk.bad_rows;
	if (p->ut) {
		struct udptl_session_stats us;

		udptl_session_stats(p->ut, &us);
		r->udptl_sent = us.sent;
		r->udptl_received = us.rx.ifp;
	}
	r->delay_ms = -1;
	r->data_delay_ms = -1;
	if (p->kind == MPROBE_DATA) {
		/* where the octets sent from 1 s on come back: the first 32 in a
		 * row; then every octet after them against what was sent */
		size_t key = 8000, sent = (size_t)p->frames_sent * FRAME, pos = SIZE_MAX;

		for (size_t i = 0; i + 32 <= p->nrx && pos == SIZE_MAX; i++) {
			size_t k = 0;

			while (k < 32 && p->rx[i + k] == data_octet(key + k))
				k++;
			if (k == 32)
				pos = i;
		}
		if (pos != SIZE_MAX && sent > key) {
			size_t e = key; /* the sent octet the next received one should be */

			/* received and sent samples run on one clock (one tick each) */
			r->data_delay_ms = ((double)pos - (double)key) / 8.0;
			for (size_t i = pos; i < p->nrx && e < sent; i++, e++) {
				size_t run = 0;

				r->data_compared++;
				if (p->rx[i] == data_octet(e)) {
					r->data_good++;
					continue;
				}
				while (i + run < p->nrx && run < 16 && p->rx[i + run] == 0xff)
					run++;
				if (run == 16 || (run && i + run == p->nrx)) {
					r->data_lost++; /* inside a run of idle octets */
					continue;
				}
				/* the stream further on, up to 10 frames either way */
				if (i + 16 <= p->nrx) {
					size_t lo = e > 1600 ? e - 1600 : 0, found = SIZE_MAX;

					for (size_t c = lo; c < e + 1600 && c + 16 <= sent && found == SIZE_MAX; c++) {
						size_t k = 0;

						while (k < 16 && p->rx[i + k] == data_octet(c + k))
							k++;
						if (k == 16)
							found = c;
					}
					if (found != SIZE_MAX) {
						r->data_slips++;
						r->data_good++;
						e = found;
						continue;
					}
				}
				r->data_bad++;
			}
		}
	}
	snprintf(r->digits_sent, sizeof(r->digits_sent), "%.*s", (int)p->next_digit, p->digits);
	memcpy(r->digits_heard, p->heard, p->nheard);
	memcpy(r->digits_events, p->events, p->nevents);
	memcpy(r->digits_info, p->info, p->ninfo);
	if (p->kind == MPROBE_MILLIWATT && n) {
		/* SNR: the median of 250 ms windows (a single jitter buffer
		 * adjustment, a skipped or repeated frame, spoils one window) */
		double snr[MAX_SECONDS * 4];
		unsigned nw = 0, crossings = 0;

		for (size_t w = 0; w + 2000 <= n && nw < MAX_SECONDS * 4; w += 2000) {
			double share = tone_share(x + w, 2000, 1004.0);

			snr[nw++] = share >= 1.0 ? 99 : share > 0 ? 10 * log10(share / (1 - share)) : -99;
		}
		for (unsigned i = 1; i < nw; i++) /* insertion sort: a few dozen */
			for (unsigned j = i; j > 0 && snr[j - 1] > snr[j]; j--) {
				double t = snr[j];

				snr[j] = snr[j - 1];
				snr[j - 1] = t;
			}
		r->snr_db = nw ? snr[nw / 2] : -99;
		for (size_t i = 1; i < n; i++)
			crossings += (x[i - 1] < 0) != (x[i] < 0);
		r->freq_hz = (double)crossings / 2.0 / ((double)n / 8000.0);
	}
	if (p->kind == MPROBE_ECHO) {
		/* each burst: the first 5 ms block after it left whose level
		 * rises 20 dB above the quiet before the burst is its return.
		 * Received and sent samples run on one clock (one tick each). */
		double sum = 0, lev = 0;

		for (unsigned b = 0; b < p->nbursts; b++) {
			size_t start = p->burst_at[b], end = start + (BURST_EVERY_MS - 100) * 8;

			for (size_t i = start; i + 40 <= end && i + 40 <= p->nrx; i += 40)
				if (level(p->rx + i, 40) > -30) {
					/* sharpen to the first sample above a tenth of the block's peak */
					int peak = 0;
					size_t k = i;

					for (size_t j = i; j < i + 40; j++)
						peak = abs(p->rx[j]) > peak ? abs(p->rx[j]) : peak;
					while (k < i + 40 && abs(p->rx[k]) * 10 < peak)
						k++;
					sum += (double)(k - start) / 8.0;
					if ((double)(k - start) / 8.0 > r->delay_max_ms)
						r->delay_max_ms = (double)(k - start) / 8.0;
					lev += level(p->rx + k, BURST_MS * 8 / 2 < p->nrx - k ? BURST_MS * 8 / 2 : p->nrx - k);
					r->bursts_back++;
					break;
				}
		}
		if (r->bursts_back) {
			r->delay_ms = sum / r->bursts_back;
			r->echo_level_dbm0 = lev / r->bursts_back;
		}
	}
}

void mprobe_report(const struct mprobe *p, char *buf, size_t size)
{
	struct mprobe_result r;
	int n = 0;

	mprobe_result(p, &r);
	n += snprintf(buf + n, size - (size_t)n,
		      "audio: %.1f s received, %llu packets sent, %llu received, %llu frames concealed\n",
		      r.seconds, (unsigned long long)r.sent, (unsigned long long)r.received,
		      (unsigned long long)r.concealed);
	if (n < 0 || (size_t)n >= size)
		return;
	switch (p->kind) {
	case MPROBE_MILLIWATT:
		snprintf(buf + n, size - (size_t)n, "audio: milliwatt level %.2f dBm0, frequency %.0f Hz, SNR %.1f dB\n",
			 r.level_dbm0, r.freq_hz, r.snr_db);
		break;
	case MPROBE_ECHO:
		if (r.bursts_back)
			snprintf(buf + n, size - (size_t)n,
				 "audio: echo round trip %.1f ms (longest %.1f), %u bursts back, level %.1f dBm0 (sent -10.0)\n",
				 r.delay_ms, r.delay_max_ms, r.bursts_back, r.echo_level_dbm0);
		else
			snprintf(buf + n, size - (size_t)n, "audio: echo never came back\n");
		break;
	case MPROBE_DTMF:
		snprintf(buf + n, size - (size_t)n,
			 "audio: dtmf sent %s, read back %s (RFC 4733 events %s, in-band tones %s%s%s)\n",
			 r.digits_sent[0] ? r.digits_sent : "-",
			 r.digits_events[0] ? r.digits_events
			 : r.digits_info[0] ? r.digits_info
			 : r.digits_heard[0] ? r.digits_heard
					     : "-",
			 r.digits_events[0] ? r.digits_events : "-", r.digits_heard[0] ? r.digits_heard : "-",
			 r.digits_info[0] ? ", SIP INFO " : "", r.digits_info);
		break;
	case MPROBE_TALK:
		snprintf(buf + n, size - (size_t)n, "audio: talk sent -15.0 dBm0, back at %.1f dBm0 while talking (return loss %.1f dB)\n",
			 r.talk_back_dbm0, -15.0 - r.talk_back_dbm0);
		break;
	case MPROBE_DATA:
		if (r.data_delay_ms < 0)
			snprintf(buf + n, size - (size_t)n, "data: the octets sent never came back\n");
		else
			snprintf(buf + n, size - (size_t)n,
				 "data: %llu octets back compared, %llu as sent, %llu lost, %llu altered, %u slips, "
				 "round trip %.1f ms\n",
				 (unsigned long long)r.data_compared, (unsigned long long)r.data_good,
				 (unsigned long long)r.data_lost, (unsigned long long)r.data_bad, r.data_slips,
				 r.data_delay_ms);
		break;
	case MPROBE_FAX:
	case MPROBE_FAX_RECV:
		if (!r.fax_over)
			snprintf(buf + n, size - (size_t)n, "fax: T.30 did not end (%s)\n", r.fax_t38 ? "T.38" : "G.711");
		else if (p->kind == MPROBE_FAX)
			snprintf(buf + n, size - (size_t)n,
				 "fax: %s, %u page(s) sent at %u bit/s over %s (UDPTL %llu sent, %llu received)\n",
				 r.fax_code == 0 ? "ok" : t30_completion_code_to_str(r.fax_code), r.fax_pages,
				 r.fax_bit_rate, r.fax_t38 ? "T.38" : "G.711", (unsigned long long)r.udptl_sent,
				 (unsigned long long)r.udptl_received);
		else
			snprintf(buf + n, size - (size_t)n,
				 "fax: %s, %u page(s) received at %u bit/s over %s, %u rows, %u not as the test page\n",
				 r.fax_code == 0 ? "ok" : t30_completion_code_to_str(r.fax_code), r.fax_pages,
				 r.fax_bit_rate, r.fax_t38 ? "T.38" : "G.711", r.fax_rows, r.fax_bad_rows);
		break;
	case MPROBE_LISTEN:
	case MPROBE_REFLECT:
	case MPROBE_DATA_REFLECT:
		snprintf(buf + n, size - (size_t)n, "audio: level %.1f dBm0\n", r.level_dbm0);
		break;
	}
}

enum mprobe_kind mprobe_kind_parse(const char *name, bool *ok)
{
	static const char *const names[] = {"listen", "milliwatt", "echo", "dtmf", "reflect", "talk", "data",
					    "data-reflect", "fax", "fax-recv"};

	*ok = true;
	for (int i = 0; i < 10; i++)
		if (!strcmp(name, names[i]))
			return (enum mprobe_kind)i;
	*ok = false;
	return MPROBE_LISTEN;
}
