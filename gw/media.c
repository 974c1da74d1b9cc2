/* media.c: B-channel audio during calls, see media.h. */
#include "config.h"

#include "gw/media.h"
#include "dsp/codec.h"
#include "dsp/level.h"
#include "dsp/dtmf.h"
#include "dsp/ec.h"
#include "dsp/faxpage.h"
#include "dsp/t38gw.h"
#include "dsp/tones.h"
#include "lib/log.h"
#include "lib/loop.h"
#include "lib/mem.h"
#include "lib/timer.h"
#include "rtp/playout.h"
#include "rtp/session.h"
#include "rtp/udptl.h"
#include "rtp/worker.h"
#include "tdm/tdm.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <spandsp.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define DBM0_RMS 16086.0    /* RMS of a 0 dBm0 sine in 16-bit linear */
#define FRAME 160	     /* 20 ms at 8 kHz: one RTP packet */
#define READBACK_QUIET_MS 700 /* the caller stopped dialling: play the digits back */
#define READBACK_DIGIT_MS 120

enum gm_mode { GM_IDLE, GM_RTP, GM_ECHO, GM_HYBRID, GM_MILLIWATT, GM_DTMF, GM_TONE, GM_FAX, GM_T38,
	       GM_FAXRX };

struct gm_chan {
	struct gw_media *m;
	enum gm_mode mode;
	/* RTP */
	struct rtp_session *rtp;
	struct rtp_playout po;
	bool po_ready, sent_first, held;
	bool pt_alaw;
	/* a codec other than G.711 on the RTP side: its payload type, and the
	 * line's audio gathered (linear) into 20 ms for the encoder */
	struct dsp_codec *codec;
	uint8_t codec_pt;
	bool codec_vad; /* G.729 annex B: silence not sent, comfort noise made */
	bool clear;	/* CLEARMODE: octets both ways, untouched */
	int16_t txl[FRAME];
	unsigned txln;
	size_t moh_pos; /* where the music on hold plays from */
	uint8_t tx[FRAME];
	unsigned txn;
	uint8_t rx[FRAME];
	unsigned rxpos; /* FRAME: empty */
	/* test lines and digits toward the line */
	struct dsp_tonegen tg;
	struct dsp_dtmf_rx *drx;
	struct dsp_dtmf_tx *dtx;
	char heard[32];
	unsigned nheard;
	char pending[32];
	unsigned npending, quiet_ms;
	/* line digits as RFC 4733: the audio toward RTP runs one frame late
	 * so that a digit's first 20-40 ms, heard before the detector knew,
	 * can be cut too; events waiting while one is being sent */
	int16_t dly[FRAME];
	unsigned dpos;
	bool digit_began;
	bool report_digits; /* line digits go to the digit listener, not as events */
	char evq[16];
	unsigned evq_n;
	unsigned evq_ms[16];
	/* fax/modem tones: the detector, who called, what was heard; the fax
	 * test line's answer tone (phase, samples to the next reversal) */
	struct dsp_faxdet *fd;
	bool line_calls;
	int fax_tone;
	double ans_phase;
	unsigned ans_left;
	/* the echo canceller: what went to the line the tick before (rin) */
	struct ec *ec;
	int16_t last_out[FRAME];
	/* level of what the line sent */
	double energy;
	uint64_t samples;
	/* RTP calls: the gains, levels and clipping of what goes to SIP (from
	 * the line, after the canceller) and of what goes to the line */
	struct dsp_level lv_from, lv_to;
	/* a bridge's channel: what it sent "to the line" in the last tick,
	 * which its partner hears */
	uint8_t xout[FRAME];
	/* T.38: the RTP session's address and ports (for the UDPTL port), the
	 * UDPTL session and the gateway between it and the line's modems */
	struct sockaddr_storage local;
	uint16_t port_min, port_max;
	struct udptl_session *ut;
	struct dsp_t38gw *t38;
	bool t38_used;
	struct dsp_t38gw_stats t38st; /* of the last gateway, kept when it stops */
	struct udptl_session_stats utst;
	/* the fax-receiving test line: SpanDSP's fax machine, its file, and
	 * what it received once the call ended (T.30 phase E) */
	fax_state_t *faxrx;
	char fax_path[40];
	int fax_result; /* T.30 completion code; -1: not ended */
	unsigned fax_pages, fax_bit_rate;
	struct dsp_faxpage_check fax_chk;
};

struct gw_media {
	struct media_worker *w;
	struct loop *loop;
	unsigned nts, block;
	bool alaw;
	const char *zone;
	struct gm_chan *ch; /* index: timeslot */
	unsigned active;
	unsigned ec_taps; /* 0: no echo canceller */
	int gain_from_db, gain_to_db; /* RTP calls: from the line toward SIP, toward the line */
	gw_media_timeout_fn on_timeout; /* signalling thread */
	gw_media_fax_fn on_fax;
	void *on_fax_arg;
	gw_media_digit_fn on_digit;
	void *on_digit_arg;
	void *on_timeout_arg;
	/* music on hold (shared, read only): what the line hears while the
	 * SIP side holds the call */
	const int16_t *moh;
	size_t moh_len;
	/* a bridge: no line; channels 2k-1 and 2k hear each other, clocked by
	 * a 20 ms timer in the worker */
	bool bridge;
	struct timer tick;
	uint64_t next_ns;
};

void gw_media_set_echo_canceller(struct gw_media *m, unsigned taps)
{
	m->ec_taps = taps >= EC_MIN_TAPS && taps <= EC_MAX_TAPS ? taps - taps % 32 : 0;
}

void gw_media_set_gains(struct gw_media *m, int from_line_db, int to_line_db)
{
	m->gain_from_db = from_line_db;
	m->gain_to_db = to_line_db;
}

void gw_media_set_fax_listener(struct gw_media *m, gw_media_fax_fn fn, void *arg)
{
	m->on_fax = fn;
	m->on_fax_arg = arg;
}

void gw_media_set_digit_listener(struct gw_media *m, gw_media_digit_fn fn, void *arg)
{
	m->on_digit = fn;
	m->on_digit_arg = arg;
}

void gw_media_set_music(struct gw_media *m, const int16_t *pcm, size_t n)
{
	m->moh = n ? pcm : NULL;
	m->moh_len = n;
}

void gw_media_set_listener(struct gw_media *m, gw_media_timeout_fn fn, void *arg)
{
	m->on_timeout = fn;
	m->on_timeout_arg = arg;
}

/* G.711 by lookup (every sample of every channel goes through these):
 * A-law codes the top 13 bits of the sample, u-law is tabled whole (its
 * bias makes the low bits count near full scale); the tables are
 * SpanDSP's own results, so bit-exact with it. */
static int16_t dec_a[256], dec_u[256];
static uint8_t enc_a[8192], enc_u[65536];
static pthread_once_t tables_once = PTHREAD_ONCE_INIT;

static void tables_init(void)
{
	for (int i = 0; i < 256; i++) {
		dec_a[i] = alaw_to_linear((uint8_t)i);
		dec_u[i] = ulaw_to_linear((uint8_t)i);
	}
	for (int i = 0; i < 8192; i++)
		enc_a[i] = linear_to_alaw((int16_t)((i - 4096) * 8));
	for (int i = 0; i < 65536; i++)
		enc_u[i] = linear_to_ulaw((int16_t)(i - 32768));
}

static uint8_t enc(bool alaw, int16_t v)
{
	return alaw ? enc_a[(v >> 3) + 4096] : enc_u[v + 32768];
}

static int16_t dec(bool alaw, uint8_t v)
{
	return alaw ? dec_a[v] : dec_u[v];
}

/* Run fn in the span's worker and wait for it. */
static void in_worker(struct gw_media *m, media_fn fn, void *arg)
{
	if (m->w)
		media_worker_run_sync(m->w, fn, arg);
	else
		fn(arg);
}

struct gw_media *gw_media_new(struct media_worker *worker, struct loop *loop, unsigned timeslots,
			      bool line_alaw, unsigned block_ms, const char *zone)
{
	struct gw_media *m = mem_zalloc(sizeof(*m));

	pthread_once(&tables_once, tables_init);
	if (!m)
		return NULL;
	m->ch = mem_zalloc(sizeof(*m->ch) * (timeslots + 1));
	if (!m->ch) {
		mem_free(m);
		return NULL;
	}
	m->w = worker;
	m->loop = worker ? NULL : loop;
	m->nts = timeslots;
	m->alaw = line_alaw;
	m->block = 8 * block_ms;
	m->zone = zone && dsp_tone_find(zone, DSP_TONE_BUSY) ? zone : "us";
	for (unsigned i = 0; i <= timeslots; i++)
		m->ch[i].m = m;
	return m;
}

static struct loop *media_loop(struct gw_media *m)
{
	return m->w ? media_worker_loop(m->w) : m->loop;
}

/* the bridge's clock: every 20 ms on average, late ticks caught up */
static void on_bridge_tick(struct timer *t, void *arg)
{
	struct gw_media *m = arg;
	uint64_t now = loop_now_ns();

	(void)t;
	gw_media_tick(m, NULL);
	m->next_ns += 20000000;
	if (m->next_ns + 100000000 < now || m->next_ns > now + 40000000)
		m->next_ns = now + 20000000; /* far behind (or the clock jumped): start again */
	loop_timer_start_ns(media_loop(m), &m->tick, m->next_ns > now ? m->next_ns - now : 0);
}

static void bridge_start_fn(void *arg)
{
	struct gw_media *m = arg;

	m->next_ns = loop_now_ns() + 20000000;
	loop_timer_start_ms(media_loop(m), &m->tick, 20);
}

struct gw_media *gw_media_new_bridge(struct media_worker *worker, struct loop *loop, unsigned pairs,
				     const char *zone)
{
	struct gw_media *m = gw_media_new(worker, loop, 2 * pairs, true, 20, zone);

	if (!m)
		return NULL;
	m->bridge = true;
	for (unsigned i = 0; i <= m->nts; i++)
		memset(m->ch[i].xout, 0xd5, FRAME); /* A-law silence */
	timer_setup(&m->tick, on_bridge_tick, m);
	in_worker(m, bridge_start_fn, m);
	return m;
}

/* in the worker: release what a channel holds */
static void chan_clear(struct gm_chan *c)
{
	if (c->rtp)
		rtp_session_free(c->rtp);
	if (c->po_ready)
		rtp_playout_fini(&c->po);
	dsp_dtmf_rx_free(c->drx);
	dsp_dtmf_tx_free(c->dtx);
	ec_free(c->ec);
	dsp_faxdet_free(c->fd);
	dsp_codec_free(c->codec);
	dsp_t38gw_free(c->t38);
	udptl_session_free(c->ut);
	if (c->faxrx)
		fax_free(c->faxrx);
	if (c->fax_path[0])
		unlink(c->fax_path);
	if (c->mode != GM_IDLE)
		__atomic_sub_fetch(&c->m->active, 1, __ATOMIC_RELAXED);
	*c = (struct gm_chan){.m = c->m, .fax_result = -1};
	memset(c->xout, 0xd5, FRAME);
}

struct stop_req {
	struct gm_chan *c;
	struct gw_media_stats *st;
};

static void stats_of(const struct gm_chan *c, struct gw_media_stats *st);

static void stop_fn(void *arg)
{
	struct stop_req *r = arg;

	if (r->c->faxrx && r->c->fax_result < 0) /* the call ended first: what T.30 has now */
		t30_terminate(fax_get_t30_state(r->c->faxrx));
	if (r->st)
		stats_of(r->c, r->st);
	chan_clear(r->c);
}

static void peek_fn(void *arg)
{
	struct stop_req *r = arg;

	stats_of(r->c, r->st);
}

void gw_media_peek(struct gw_media *m, unsigned ts, struct gw_media_stats *st)
{
	struct stop_req r = {&m->ch[ts], st};

	if (ts == 0 || ts > m->nts) {
		memset(st, 0, sizeof(*st));
		return;
	}
	in_worker(m, peek_fn, &r);
}

/* in the worker: a channel's figures so far */
static void stats_of(const struct gm_chan *c, struct gw_media_stats *st)
{
	memset(st, 0, sizeof(*st));
	if (c->rtp) {
		struct rtp_session_stats rs;

		rtp_session_get_stats(c->rtp, &rs);
		st->rtp_sent = rs.sent;
		st->rtp_received = rs.received;
		st->lost = rs.lost;
		st->jitter_ms = rs.jitter_ms;
		st->mos = rs.mos;
	}
	st->level_dbm0 = c->samples && c->energy > 0
				    ? 10.0 * log10(c->energy / (double)c->samples) - 20.0 * log10(DBM0_RMS)
				    : -100.0;
	if (c->ec) {
		struct ec_stats es;

		ec_get_stats(c->ec, &es);
		st->erl_db = es.erl_db;
		st->erle_db = es.erle_db;
	}
	st->from_line_dbm0 = dsp_level_mean_dbm0(&c->lv_from);
	st->to_line_dbm0 = dsp_level_mean_dbm0(&c->lv_to);
	st->from_line_clipped = c->lv_from.clipped;
	st->to_line_clipped = c->lv_to.clipped;
	memcpy(st->digits, c->heard, c->nheard);
	st->digits[c->nheard] = 0;
	if (c->t38_used) {
		struct dsp_t38gw_stats t = c->t38st;
		struct udptl_session_stats u = c->utst;

		if (c->t38)
			dsp_t38gw_stats(c->t38, &t);
		if (c->ut)
			udptl_session_stats(c->ut, &u);
		st->t38 = true;
		st->fax_pages = t.pages;
		st->fax_bit_rate = t.bit_rate;
		st->udptl_sent = u.sent;
		st->udptl_received = u.rx.ifp;
		st->udptl_recovered = u.rx.recovered;
		st->udptl_lost = u.rx.lost;
	}
	st->fax_result = -1;
	if (c->mode == GM_FAXRX || c->fax_result >= 0) {
		st->fax_result = c->fax_result;
		st->fax_pages = c->fax_pages;
		st->fax_bit_rate = c->fax_bit_rate;
		st->fax_rows = c->fax_chk.rows;
		st->fax_bad_rows = c->fax_chk.bad_rows;
	}
}

void gw_media_stop(struct gw_media *m, unsigned ts, struct gw_media_stats *st)
{
	struct stop_req r = {&m->ch[ts], st};

	if (ts == 0 || ts > m->nts) {
		if (st)
			memset(st, 0, sizeof(*st));
		return;
	}
	in_worker(m, stop_fn, &r);
}

static void free_fn(void *arg)
{
	struct gw_media *m = arg;

	if (m->bridge)
		loop_timer_stop(media_loop(m), &m->tick);
	for (unsigned i = 1; i <= m->nts; i++)
		chan_clear(&m->ch[i]);
}

void gw_media_free(struct gw_media *m)
{
	if (!m)
		return;
	in_worker(m, free_fn, m);
	mem_free(m->ch);
	mem_free(m);
}

unsigned gw_media_active(const struct gw_media *m)
{
	return __atomic_load_n(&m->active, __ATOMIC_RELAXED);
}

/* ---- RTP ------------------------------------------------------------------- */

static void on_rtp_digit(void *arg, char digit, bool start, uint32_t duration_ms)
{
	struct gm_chan *c = arg;

	(void)duration_ms;
	/* an RFC 4733 event becomes a tone on the line once, at its start */
	if (start && c->dtx)
		dsp_dtmf_tx_put(c->dtx, digit, 100);
}

/* What a channel tells call control, in the signalling thread: the
 * timeslot and the session's port (a channel may carry a new call by then:
 * call control compares) and what happened. */
enum report_kind { REPORT_TIMEOUT, REPORT_FAX, REPORT_DIGIT };

struct chan_report {
	enum report_kind kind;
	struct gw_media *m;
	unsigned ts;
	uint16_t port;
	int value;   /* the fax tone, the digit */
	unsigned ms; /* the digit's length */
};

static void report_fn(void *arg)
{
	struct chan_report *r = arg;
	struct gw_media *m = r->m;

	if (r->kind == REPORT_TIMEOUT && m->on_timeout)
		m->on_timeout(m->on_timeout_arg, m, r->ts, r->port);
	else if (r->kind == REPORT_FAX && m->on_fax)
		m->on_fax(m->on_fax_arg, m, r->ts, r->port, r->value);
	else if (r->kind == REPORT_DIGIT && m->on_digit)
		m->on_digit(m->on_digit_arg, m, r->ts, r->port, (char)r->value, r->ms);
	mem_free(r);
}

/* in the worker: hand a report to the signalling thread; without a worker
 * (tests) only when direct, called here and now */
static void report(struct gm_chan *c, enum report_kind kind, int value, unsigned ms, bool direct)
{
	struct chan_report *r;

	if ((!c->m->w && !direct) || !(r = mem_zalloc(sizeof(*r))))
		return;
	*r = (struct chan_report){kind, c->m, (unsigned)(c - c->m->ch), rtp_session_port(c->rtp), value, ms};
	if (!c->m->w)
		report_fn(r);
	else if (media_worker_report(c->m->w, report_fn, r) < 0)
		mem_free(r);
}

/* in the worker: the session heard nothing for its timeout; call control
 * decides (in the signalling thread, never inside the session's timer) */
static void on_rtp_timeout(void *arg)
{
	report(arg, REPORT_TIMEOUT, 0, 0, false);
}

/* in the worker: a fax or modem is on the call: pass-through (no echo
 * canceller, a fixed jitter buffer: no sample added or dropped), and call
 * control hears of it */
/* fax, modem and data: a fixed 60 ms jitter buffer (no sample added or
 * dropped) */
static void jb_fixed(struct gm_chan *c)
{
	struct jb_config fixed = {.rate = 8000, .frame_ms = 20, .fixed = true, .fixed_ms = 60};

	jb_init(rtp_session_jb(c->rtp), &fixed);
}

static void on_fax_tone(void *arg, enum dsp_fax_tone tone)
{
	struct gm_chan *c = arg;

	if (c->fax_tone || !c->rtp)
		return;
	c->fax_tone = (int)tone;
	if (c->ec)
		ec_enable(c->ec, false);
	jb_fixed(c);
	report(c, REPORT_FAX, (int)tone, 0, false);
}

/* no packet for a frame: the codec's own concealment or comfort noise */
static int chan_fill(void *arg, bool lost, int16_t *out, size_t n)
{
	struct gm_chan *c = arg;

	if (c->clear) { /* a data channel's idle: all ones */
		for (size_t i = 0; i < n; i++)
			out[i] = 0xff;
		return (int)n;
	}
	return c->codec ? dsp_codec_fill(c->codec, lost, out, n) : 0;
}

static const struct rtp_session_ops chan_rtp_ops = {.digit = on_rtp_digit, .timeout = on_rtp_timeout};

/* the playout's decoder: G.711 by its payload type, the call's codec by its */
static int chan_decode(void *arg, uint8_t pt, const uint8_t *in, size_t len, int16_t *out, size_t max)
{
	struct gm_chan *c = arg;

	if (c->clear) { /* the octets ride in the samples to rtp_in */
		if (len > max)
			return -1;
		for (size_t i = 0; i < len; i++)
			out[i] = in[i];
		return (int)len;
	}
	if (pt == 0 || pt == 8)
		return playout_decode_g711(NULL, pt, in, len, out, max);
	if (c->codec && pt == c->codec_pt)
		return dsp_codec_decode(c->codec, in, len, out, max);
	return -1;
}

struct rtp_req {
	struct gm_chan *c;
	const struct gw_media_rtp *cfg;
	uint16_t port;
	int rc;
};

static void rtp_start_fn(void *arg)
{
	struct rtp_req *r = arg;
	struct gm_chan *c = r->c;
	struct gw_media *m = c->m;
	struct rtp_session_config sc = {
		.local = r->cfg->local, .port_min = r->cfg->port_min, .port_max = r->cfg->port_max,
		.pt = r->cfg->pt, .rate = 8000, .ptime_ms = 20, .dtmf_pt = r->cfg->dtmf_pt,
		.symmetric = true, .timeout_ms = r->cfg->timeout_ms, .cname = "sipgw",
		.jb = {.rate = 8000, .frame_ms = 20, .min_ms = 20, .max_ms = 200}};

	chan_clear(c);
	r->rc = rtp_session_new(m->w ? media_worker_loop(m->w) : m->loop, &sc, &chan_rtp_ops, c, &c->rtp);
	if (r->rc < 0)
		return;
	if ((r->rc = rtp_playout_init(&c->po, rtp_session_jb(c->rtp), FRAME, chan_decode, c)) < 0) {
		rtp_session_free(c->rtp);
		c->rtp = NULL;
		return;
	}
	rtp_playout_set_fill(&c->po, chan_fill);
	c->po_ready = true;
	dsp_level_init(&c->lv_from, m->gain_from_db);
	dsp_level_init(&c->lv_to, m->gain_to_db);
	c->dtx = dsp_dtmf_tx_new(-10, 2);
	c->line_calls = r->cfg->line_calls;
	c->fd = dsp_faxdet_new(on_fax_tone, c);
	if (m->ec_taps && !(c->ec = ec_new(m->ec_taps)))
		LOGP(LOGC_DSP, LOGL_ERROR, "timeslot %u: no memory for the echo canceller", (unsigned)(c - m->ch));
	c->pt_alaw = r->cfg->pt == 8;
	c->local = r->cfg->local;
	c->port_min = r->cfg->port_min;
	c->port_max = r->cfg->port_max;
	c->rxpos = FRAME;
	c->mode = GM_RTP;
	__atomic_add_fetch(&m->active, 1, __ATOMIC_RELAXED);
	r->port = rtp_session_port(c->rtp);
}

int gw_media_rtp_start(struct gw_media *m, unsigned ts, const struct gw_media_rtp *cfg,
		       uint16_t *port)
{
	struct rtp_req r = {.c = &m->ch[ts], .cfg = cfg};

	if (ts == 0 || ts > m->nts)
		return -EINVAL;
	in_worker(m, rtp_start_fn, &r);
	if (r.rc >= 0)
		*port = r.port;
	return r.rc;
}

struct remote_req {
	struct gm_chan *c;
	struct sockaddr_storage ss;
	socklen_t len;
	uint8_t pt;
	int te_pt;
	enum gw_media_digits digits;
	int codec; /* enum dsp_codec_id */
	bool vad, clear;
	int rc;
};

/* in the worker: a line digit for the signalling thread (SIP INFO) */
static void report_digit(struct gm_chan *c, char digit, unsigned ms)
{
	report(c, REPORT_DIGIT, digit, ms, true);
}

/* A digit heard on the line, in RTP mode: one RFC 4733 event when it ends,
 * with its duration (the tone itself was cut from the audio). */
static void on_line_digit_rtp(void *arg, char digit, bool start, unsigned duration_ms)
{
	struct gm_chan *c = arg;

	if (!c->rtp)
		return;
	if (start) {
		c->digit_began = true;
		return;
	}
	if (c->nheard < sizeof(c->heard) - 1)
		c->heard[c->nheard++] = digit;
	if (c->report_digits)
		report_digit(c, digit, duration_ms < 40 ? 40 : duration_ms);
	else if (c->evq_n < sizeof(c->evq)) {
		c->evq[c->evq_n] = digit;
		c->evq_ms[c->evq_n++] = duration_ms < 40 ? 40 : duration_ms;
	}
}

/* the next queued event, once the one before has gone out */
static void send_events(struct gm_chan *c)
{
	if (!c->evq_n || rtp_session_sending_digit(c->rtp))
		return;
	rtp_session_send_digit(c->rtp, c->evq[0], c->evq_ms[0]);
	memmove(c->evq, c->evq + 1, --c->evq_n);
	memmove(c->evq_ms, c->evq_ms + 1, c->evq_n * sizeof(c->evq_ms[0]));
}

/* line audio toward RTP when digits go as events: detect and cut them,
 * through the one-frame delay */
static void cut_digits(struct gm_chan *c, int16_t *pcm, unsigned n)
{
	c->digit_began = false;
	dsp_dtmf_rx_process(c->drx, pcm, n);
	if (c->digit_began) {
		memset(c->dly, 0, sizeof(c->dly));
		memset(pcm, 0, n * sizeof(int16_t));
	}
	for (unsigned i = 0; i < n; i++) {
		int16_t v = c->dly[c->dpos];

		c->dly[c->dpos] = pcm[i];
		pcm[i] = v;
		c->dpos = (c->dpos + 1) % FRAME;
	}
	send_events(c);
}

static void remote_fn(void *arg)
{
	struct remote_req *r = arg;
	bool cut = r->digits == GM_DIGITS_REPORT || (r->digits == GM_DIGITS_EVENTS && r->te_pt > 0);

	if (!r->c->rtp) {
		r->rc = -ENOENT;
		return;
	}
	r->rc = rtp_session_set_remote(r->c->rtp, (const struct sockaddr *)&r->ss, r->len, false);
	rtp_session_set_pt(r->c->rtp, r->pt);
	r->c->pt_alaw = r->pt == 8;
	if (r->clear) {
		struct gm_chan *c = r->c;

		/* the line's octets as they are: its own law "both ways", and
		 * nothing that changes a byte */
		c->clear = true;
		c->pt_alaw = c->m->alaw;
		dsp_codec_free(c->codec);
		c->codec = NULL;
		ec_free(c->ec);
		c->ec = NULL;
		dsp_faxdet_free(c->fd);
		c->fd = NULL;
		dsp_dtmf_rx_free(c->drx);
		c->drx = NULL;
		dsp_level_init(&c->lv_from, 0);
		dsp_level_init(&c->lv_to, 0);
		jb_fixed(c);
		rtp_session_set_dtmf_pt(c->rtp, 0);
		return;
	}
	/* a codec other than G.711: transcoded through linear here */
	if (r->codec == DSP_PCMA || r->codec == DSP_PCMU) {
		dsp_codec_free(r->c->codec);
		r->c->codec = NULL;
	} else if (!r->c->codec || r->c->codec_pt != r->pt || r->c->codec_vad != r->vad) {
		dsp_codec_free(r->c->codec);
		r->c->codec = dsp_codec_new((enum dsp_codec_id)r->codec, r->vad);
		if (r->c->codec)
			dsp_codec_set_packet_samples(r->c->codec, FRAME); /* our packets are 20 ms */
		r->c->codec_pt = r->pt;
		r->c->codec_vad = r->vad;
		r->c->txln = 0;
		if (!r->c->codec)
			r->rc = -ENOMEM;
	}
	rtp_session_set_dtmf_pt(r->c->rtp, r->te_pt > 0 && r->te_pt < 128 ? (uint8_t)r->te_pt : 0);

	r->c->report_digits = r->digits == GM_DIGITS_REPORT;
	if (cut && !r->c->drx) {
		r->c->drx = dsp_dtmf_rx_new(on_line_digit_rtp, r->c);
		if (r->c->drx)
			dsp_dtmf_rx_set_strip(r->c->drx, true);
	} else if (!cut && r->c->drx) {
		dsp_dtmf_rx_free(r->c->drx);
		r->c->drx = NULL;
	}
}

int gw_media_rtp_remote(struct gw_media *m, unsigned ts, const struct sockaddr *addr,
			socklen_t len, uint8_t pt, int te_pt, enum gw_media_digits digits, int codec)
{
	struct remote_req r = {.c = &m->ch[ts], .len = len, .pt = pt, .te_pt = te_pt, .digits = digits,
			       .codec = codec & ~(GW_MEDIA_VAD | GW_MEDIA_CLEARMODE),
			       .vad = codec & GW_MEDIA_VAD, .clear = codec & GW_MEDIA_CLEARMODE};

	if (r.codec < 0 || r.codec >= DSP_CODECS)
		return -EINVAL;

	if (ts == 0 || ts > m->nts || len > sizeof(r.ss))
		return -EINVAL;
	memcpy(&r.ss, addr, len);
	in_worker(m, remote_fn, &r);
	return r.rc;
}

struct hold_req {
	struct gm_chan *c;
	bool hold;
	int rc;
};

static void hold_fn(void *arg)
{
	struct hold_req *r = arg;

	if (!r->c->rtp) {
		r->rc = -ENOENT;
		return;
	}
	r->c->held = r->hold;
	rtp_session_set_hold(r->c->rtp, r->hold);
	r->rc = 0;
}

int gw_media_rtp_hold(struct gw_media *m, unsigned ts, bool hold)
{
	struct hold_req r = {.c = &m->ch[ts], .hold = hold};

	if (ts == 0 || ts > m->nts)
		return -EINVAL;
	in_worker(m, hold_fn, &r);
	return r.rc;
}

struct digit_req {
	struct gm_chan *c;
	char digit;
	unsigned ms;
	int rc;
};

static void digit_fn(void *arg)
{
	struct digit_req *r = arg;

	r->rc = r->c->dtx && r->c->mode == GM_RTP ? dsp_dtmf_tx_put(r->c->dtx, r->digit, r->ms) : -ENOENT;
}

int gw_media_digit(struct gw_media *m, unsigned ts, char digit, unsigned ms)
{
	struct digit_req r = {.c = &m->ch[ts], .digit = digit, .ms = ms};

	if (ts == 0 || ts > m->nts)
		return -EINVAL;
	in_worker(m, digit_fn, &r);
	return r.rc;
}

/* ---- test lines -------------------------------------------------------------- */

static void on_line_digit(void *arg, char digit, bool start, unsigned duration_ms)
{
	struct gm_chan *c = arg;

	(void)duration_ms;
	if (start)
		return;
	if (c->nheard < sizeof(c->heard) - 1)
		c->heard[c->nheard++] = digit;
	if (c->npending < sizeof(c->pending))
		c->pending[c->npending++] = digit;
	c->quiet_ms = 0;
}

static int faxrx_start(struct gm_chan *c);

struct test_req {
	struct gm_chan *c;
	enum dp_testline kind;
	int rc;
};

static void test_fn(void *arg)
{
	struct test_req *r = arg;
	struct gm_chan *c = r->c;
	struct gw_media *m = c->m;

	chan_clear(c);
	r->rc = 0;
	switch (r->kind) {
	case DP_TEST_ECHO:
		c->mode = GM_ECHO;
		break;
	case DP_TEST_HYBRID:
		c->mode = GM_HYBRID;
		break;
	case DP_TEST_FAX:
		c->mode = GM_FAX;
		c->ans_left = 3600;
		break;
	case DP_TEST_FAXRX:
		if ((r->rc = faxrx_start(c)) < 0) {
			chan_clear(c);
			return;
		}
		c->mode = GM_FAXRX;
		break;
	case DP_TEST_MILLIWATT:
		c->mode = GM_MILLIWATT;
		dsp_tonegen_init(&c->tg, &dsp_tone_milliwatt);
		break;
	case DP_TEST_DTMF:
		c->drx = dsp_dtmf_rx_new(on_line_digit, c);
		c->dtx = dsp_dtmf_tx_new(-10, 2);
		if (!c->drx || !c->dtx) {
			chan_clear(c);
			r->rc = -ENOMEM;
			return;
		}
		c->mode = GM_DTMF;
		break;
	case DP_TEST_BUSY:
	case DP_TEST_CONGESTION:
	case DP_TEST_BUSYTONE:
	case DP_TEST_CONGESTIONTONE:
		c->mode = GM_TONE;
		dsp_tonegen_init(&c->tg, dsp_tone_find(m->zone, r->kind == DP_TEST_BUSY || r->kind == DP_TEST_BUSYTONE
									? DSP_TONE_BUSY
									: DSP_TONE_CONGESTION));
		break;
	}
	__atomic_add_fetch(&m->active, 1, __ATOMIC_RELAXED);
}

int gw_media_testline(struct gw_media *m, unsigned ts, enum dp_testline kind)
{
	struct test_req r = {.c = &m->ch[ts], .kind = kind};

	if (ts == 0 || ts > m->nts)
		return -EINVAL;
	in_worker(m, test_fn, &r);
	return r.rc;
}

/* ---- fax: T.38 and the fax-receiving test line ----------------------------------- */

static void fax_quiet(logging_state_t *l)
{
	if (l)
		span_log_set_level(l, SPAN_LOG_NONE);
}

/* T.30 is over on the test line (phase E): what arrived, checked against
 * the test page; the file goes */
static void faxrx_done(t30_state_t *t30, void *arg, int code)
{
	struct gm_chan *c = arg;
	t30_stats_t ts;

	if (c->fax_result >= 0)
		return;
	t30_get_transfer_statistics(t30, &ts);
	c->fax_result = code;
	c->fax_pages = ts.pages_rx > 0 ? (unsigned)ts.pages_rx : 0;
	c->fax_bit_rate = ts.bit_rate > 0 ? (unsigned)ts.bit_rate : 0;
	if (c->fax_pages)
		dsp_faxpage_check(c->fax_path, &c->fax_chk);
	unlink(c->fax_path);
	c->fax_path[0] = 0;
	LOGP(LOGC_DSP, LOGL_INFO, "timeslot %u: fax test line: %s, %u page(s) at %u bit/s, %u rows, %u not as sent",
	     (unsigned)(c - c->m->ch), t30_completion_code_to_str(code), c->fax_pages, c->fax_bit_rate,
	     c->fax_chk.rows, c->fax_chk.bad_rows);
}

/* the faxrx test line: SpanDSP's fax machine answers (CED, DIS) and takes
 * pages into a scratch file */
static int faxrx_start(struct gm_chan *c)
{
	t30_state_t *t30;
	int fd;

	snprintf(c->fax_path, sizeof(c->fax_path), "/tmp/sipgw-faxrx-XXXXXX");
	if ((fd = mkstemp(c->fax_path)) < 0) {
		c->fax_path[0] = 0;
		return -errno;
	}
	close(fd);
	if (!(c->faxrx = fax_init(NULL, 0)))
		return -ENOMEM;
	fax_quiet(fax_get_logging_state(c->faxrx));
	t30 = fax_get_t30_state(c->faxrx);
	fax_quiet(t30_get_logging_state(t30));
	fax_set_transmit_on_idle(c->faxrx, 1);
	t30_set_tx_ident(t30, "sipgw faxrx");
	t30_set_ecm_capability(t30, 1);
	t30_set_supported_compressions(t30, T30_SUPPORT_T4_1D_COMPRESSION | T30_SUPPORT_T4_2D_COMPRESSION);
	t30_set_rx_file(t30, c->fax_path, -1);
	t30_set_phase_e_handler(t30, faxrx_done, c);
	return 0;
}

/* an IFP packet from the peer, in order, in the worker */
static void on_udptl_ifp(void *arg, const uint8_t *ifp, size_t len, uint16_t seq)
{
	struct gm_chan *c = arg;

	if (c->t38)
		dsp_t38gw_ifp(c->t38, ifp, len, seq);
}

static void t38_out(void *arg, const uint8_t *ifp, size_t len, int count)
{
	struct gm_chan *c = arg;

	if (c->ut)
		udptl_session_send(c->ut, ifp, len, count);
}

struct t38_req {
	struct gm_chan *c;
	const struct sockaddr *addr;
	socklen_t len;
	const struct gw_media_t38 *p;
	uint16_t port;
	int rc;
};

static void t38_open_fn(void *arg)
{
	struct t38_req *r = arg;
	struct gm_chan *c = r->c;
	struct gw_media *m = c->m;

	r->rc = 0;
	if (c->mode != GM_RTP && c->mode != GM_T38) {
		r->rc = -ENOTCONN;
		return;
	}
	if (!c->ut)
		r->rc = udptl_session_new(m->w ? media_worker_loop(m->w) : m->loop, &c->local, c->port_min,
					  c->port_max, on_udptl_ifp, c, &c->ut);
	if (r->rc == 0)
		r->port = udptl_session_port(c->ut);
}

static void t38_keep_stats(struct gm_chan *c)
{
	if (c->t38)
		dsp_t38gw_stats(c->t38, &c->t38st);
	if (c->ut)
		udptl_session_stats(c->ut, &c->utst);
}

static void t38_start_fn(void *arg)
{
	struct t38_req *r = arg;
	struct gm_chan *c = r->c;
	struct dsp_t38gw_params prm = {.version = r->p->version, .max_bitrate = r->p->max_bitrate,
				       .transferred_tcf = r->p->transferred_tcf,
				       .max_datagram = r->p->max_datagram, .ecm = true};

	if ((c->mode != GM_RTP && c->mode != GM_T38) || !c->ut) {
		r->rc = -ENOTCONN;
		return;
	}
	if ((r->rc = udptl_session_set_remote(c->ut, r->addr, r->len, r->p->max_datagram,
					      r->p->redundancy ? 3 : 0)) < 0)
		return;
	if (!c->t38 && !(c->t38 = dsp_t38gw_new(&prm, t38_out, c))) {
		r->rc = -ENOMEM;
		return;
	}
	/* the audio stream rests: no RTP sent, none expected (no timeout) */
	rtp_session_set_hold(c->rtp, true);
	if (c->ec)
		ec_enable(c->ec, false);
	c->t38_used = true;
	c->mode = GM_T38;
}

static void t38_stop_fn(void *arg)
{
	struct t38_req *r = arg;
	struct gm_chan *c = r->c;

	r->rc = 0;
	t38_keep_stats(c);
	dsp_t38gw_free(c->t38);
	c->t38 = NULL;
	udptl_session_free(c->ut);
	c->ut = NULL;
	if (c->mode == GM_T38) {
		rtp_session_set_hold(c->rtp, c->held);
		c->mode = GM_RTP;
	}
}

static int t38_req(struct gw_media *m, unsigned ts, media_fn fn, struct t38_req *r)
{
	if (ts == 0 || ts > m->nts)
		return -EINVAL;
	r->c = &m->ch[ts];
	in_worker(m, fn, r);
	return r->rc;
}

int gw_media_t38_open(struct gw_media *m, unsigned ts, uint16_t *port)
{
	struct t38_req r = {0};
	int rc = t38_req(m, ts, t38_open_fn, &r);

	if (rc == 0)
		*port = r.port;
	return rc;
}

int gw_media_t38_start(struct gw_media *m, unsigned ts, const struct sockaddr *addr, socklen_t len,
		       const struct gw_media_t38 *p)
{
	struct t38_req r = {.addr = addr, .len = len, .p = p};

	return t38_req(m, ts, t38_start_fn, &r);
}

int gw_media_t38_stop(struct gw_media *m, unsigned ts)
{
	struct t38_req r = {0};

	return t38_req(m, ts, t38_stop_fn, &r);
}

/* ---- the tick ----------------------------------------------------------------- */

/* the line's block toward RTP, 20 ms at a time */
static void rtp_out(struct gm_chan *c, const uint8_t *in, unsigned n)
{
	bool alaw = c->m->alaw;

	if (c->codec) { /* transcoding: 20 ms of linear audio per packet */
		for (unsigned i = 0; i < n; i++) {
			c->txl[c->txln++] = dec(alaw, in[i]);
			if (c->txln == FRAME) {
				uint8_t pl[FRAME];
				int len = dsp_codec_encode(c->codec, c->txl, FRAME, pl, sizeof(pl));

				if (len >= 0 && !c->held) { /* 0: annex B silence, nothing sent */
					rtp_session_send(c->rtp, pl, (size_t)len, FRAME, !c->sent_first);
					c->sent_first = true;
				}
				c->txln = 0;
			}
		}
		return;
	}

	for (unsigned i = 0; i < n; i++) {
		c->tx[c->txn++] = alaw == c->pt_alaw ? in[i] : enc(c->pt_alaw, dec(alaw, in[i]));
		if (c->txn == FRAME) {
			if (!c->held) {
				rtp_session_send(c->rtp, c->tx, FRAME, FRAME, !c->sent_first);
				c->sent_first = true;
			}
			c->txn = 0;
		}
	}
}

/* RTP toward the line: 20 ms from the playout buffer when the last is used */
static void rtp_in(struct gm_chan *c, uint8_t *out, unsigned n)
{
	bool alaw = c->m->alaw;

	for (unsigned i = 0; i < n; i++) {
		if (c->rxpos == FRAME) {
			int16_t pcm[FRAME];

			rtp_playout_tick(&c->po, pcm);
			if (c->clear) { /* CLEARMODE: the octets that came */
				for (unsigned k = 0; k < FRAME; k++)
					c->rx[k] = (uint8_t)pcm[k];
				c->rxpos = 0;
				out[i] = c->rx[c->rxpos++];
				continue;
			}
			if (c->held && c->m->moh) /* held: our music instead of what the peer sends */
				for (unsigned k = 0; k < FRAME; k++) {
					pcm[k] = c->m->moh[c->moh_pos];
					c->moh_pos = (c->moh_pos + 1) % c->m->moh_len;
				}
			if (c->dtx)
				dsp_dtmf_tx_mix(c->dtx, pcm, FRAME);
			dsp_level_process(&c->lv_to, pcm, FRAME); /* the gain toward the line, metered */
			for (unsigned k = 0; k < FRAME; k++)
				c->rx[k] = enc(alaw, pcm[k]);
			c->rxpos = 0;
		}
		out[i] = c->rx[c->rxpos++];
	}
}

static void readback(struct gm_chan *c, const int16_t *pcm, int16_t *out, unsigned n)
{
	int16_t tmp[FRAME];

	memcpy(tmp, pcm, n * sizeof(int16_t));
	dsp_dtmf_rx_process(c->drx, tmp, n);
	c->quiet_ms += n / 8;
	if (c->npending && c->quiet_ms >= READBACK_QUIET_MS) {
		for (unsigned i = 0; i < c->npending; i++)
			dsp_dtmf_tx_put(c->dtx, c->pending[i], READBACK_DIGIT_MS);
		c->npending = 0;
	}
	memset(out, 0, n * sizeof(int16_t));
	dsp_dtmf_tx_mix(c->dtx, out, n);
}

static void chan_tick(struct gm_chan *c, struct tdm_span *s, unsigned ts)
{
	struct gw_media *m = c->m;
	uint8_t in[FRAME], out[FRAME];
	int16_t pcm[FRAME], gen[FRAME], raw[FRAME];
	unsigned n = m->block > FRAME ? FRAME : m->block;

	if (m->bridge) {
		const struct gm_chan *p = &m->ch[ts & 1 ? ts + 1 : ts - 1];

		if (p->mode == GM_IDLE)
			memset(in, 0xd5, n);
		else
			memcpy(in, p->xout, n);
	} else if (tdm_chan_read(s, ts, in, n) < 0) {
		return;
	}
	for (unsigned i = 0; i < n; i++) {
		pcm[i] = dec(m->alaw, in[i]);
		c->energy += (double)pcm[i] * pcm[i];
	}
	c->samples += n;
	switch (c->mode) {
	case GM_RTP: {
		/* the line's bytes go on as they came (bit-exact) unless something
		 * changed the audio: canceller, gain, digits cut */
		bool recode = c->ec || c->drx || c->lv_from.gain != 1.0f;

		if (c->fd && !c->fax_tone)
			memcpy(raw, pcm, n * sizeof(int16_t));
		/* the line's echo of what we sent it, out of what it sends */
		if (c->ec)
			ec_process(c->ec, c->last_out, pcm, pcm, n);
		dsp_level_process(&c->lv_from, pcm, n); /* the gain toward SIP, metered */
		/* digits become events: detect (and cut) them */
		if (c->drx)
			cut_digits(c, pcm, n);
		if (recode)
			for (unsigned i = 0; i < n; i++)
				in[i] = enc(m->alaw, pcm[i]);
		rtp_out(c, in, n);
		rtp_in(c, out, n);
		if (c->ec)
			for (unsigned i = 0; i < n; i++)
				c->last_out[i] = dec(m->alaw, out[i]);
		if (c->fd && !c->fax_tone) {
			int16_t toward[FRAME];

			for (unsigned i = 0; i < n; i++)
				toward[i] = dec(m->alaw, out[i]);
			dsp_faxdet_process(c->fd, c->line_calls ? raw : toward, c->line_calls ? toward : raw, n);
		}
		break;
	}
	case GM_FAX: /* ANSam-like: 2100 Hz at -12 dBm0, the phase turned every 450 ms */
		for (unsigned i = 0; i < n; i++) {
			if (--c->ans_left == 0) {
				c->ans_left = 3600;
				c->ans_phase += M_PI;
			}
			c->ans_phase += 2 * M_PI * 2100.0 / 8000.0;
			out[i] = enc(m->alaw, (int16_t)(DBM0_RMS * 1.4142 * 0.2512 * sin(c->ans_phase)));
		}
		break;
	case GM_T38: /* the line's modems through the T.38 gateway */
		dsp_t38gw_from_line(c->t38, pcm, n);
		dsp_t38gw_to_line(c->t38, gen, n);
		for (unsigned i = 0; i < n; i++)
			out[i] = enc(m->alaw, gen[i]);
		break;
	case GM_FAXRX: {
		int got;

		fax_rx(c->faxrx, pcm, (int)n);
		got = fax_tx(c->faxrx, gen, (int)n);
		for (unsigned i = 0; i < n; i++)
			out[i] = enc(m->alaw, (int)i < got ? gen[i] : 0);
		break;
	}
	case GM_ECHO:
		memcpy(out, in, n);
		break;
	case GM_HYBRID: /* what a 2-wire line's hybrid returns: the echo, 10 dB down */
		for (unsigned i = 0; i < n; i++)
			out[i] = enc(m->alaw, (int16_t)(pcm[i] * 0.3162f));
		break;
	case GM_MILLIWATT:
	case GM_TONE:
		dsp_tonegen(&c->tg, gen, n);
		for (unsigned i = 0; i < n; i++)
			out[i] = enc(m->alaw, gen[i]);
		break;
	case GM_DTMF:
		readback(c, pcm, gen, n);
		for (unsigned i = 0; i < n; i++)
			out[i] = enc(m->alaw, gen[i]);
		break;
	case GM_IDLE:
		return;
	}
	if (m->bridge)
		memcpy(c->xout, out, n);
	else
		tdm_chan_write(s, ts, out, n);
}

void gw_media_tick(struct gw_media *m, struct tdm_span *s)
{
	if (!m || !m->active)
		return;
	for (unsigned ts = 1; ts <= m->nts; ts++)
		if (m->ch[ts].mode != GM_IDLE)
			chan_tick(&m->ch[ts], s, ts);
}
