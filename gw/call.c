/* call.c: call control, see call.h.
 *
 * One struct gw_call per call, with a SIP leg, an ISDN leg and/or a test
 * line.  Every entry point (a SIP callback, an ISDN event, a control
 * command) holds the call while it works on it (hold/release): legs may
 * end synchronously inside what we ask of them, and the call is finished
 * (CDR, kept in the recent list, freed) only when no one holds it and no
 * leg is left. */
#include "config.h"

#include "gw/call.h"
#include "dsp/codec.h"
#include "dsp/dtmf.h"
#include "gw/cause.h"
#include "gw/cdr.h"
#include "gw/ctl.h"
#include "gw/ctl_out.h"
#include "gw/media.h"
#include "gw/pri.h"
#include "lib/log.h"
#include "lib/clock.h"
#include "lib/loop.h"
#include "lib/timer.h"
#include "lib/mem.h"
#include "sip/hdr.h"
#include "sip/msg.h"
#include "sip/number.h"
#include "sip/sdp.h"
#include "sip/sdp_oa.h"
#include "sip/uri.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <math.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define LADDER_MAX 64
#define LADDER_STEP 8
#define SDP_MAX 1500
#define MAX_ALLOW 32
#define MAX_SPANS 255 /* [span N]: N is 1-255 */
#define MAX_GROUPS 16
#define MAX_TRUNKS 64
#define PDD_BUCKETS 5000 /* of 10 us */

enum call_state { CS_ROUTING, CS_PROCEEDING, CS_ALERTING, CS_EARLY, CS_ANSWERED, CS_RELEASING, CS_ENDED };
static const char *const state_names[] = {"routing", "proceeding", "alerting", "early-media",
					  "answered", "releasing", "ended"};

struct ladder_entry {
	uint64_t ms; /* monotonic, since the controller started */
	char side[10];
	char text[80];
};

struct cc_span {
	int num;
	struct gw_pri *pri;
	struct gw_media *media;
	int group;
};

/* One RTP endpoint of a call: a session on a span's B-channel or on a
 * bridge channel, with what was negotiated for it. */
struct rtp_leg {
	struct gw_media *gm; /* where it runs; NULL: nothing started */
	int ts;		     /* its channel there */
	bool on, held;
	uint16_t port;
	char *sdp; /* our offer or answer (SDP_MAX bytes once there is one) */
	int sdp_len;
	uint64_t sdp_version;
	char codec[16];
	bool dtmf_inband; /* the trunk wants line digits in the audio, not as RFC 4733 */
	bool dtmf_info;	  /* ... or as SIP INFO */
	/* the codecs offered and taken, in order of preference (enum
	 * dsp_codec_id: its trunk's, else [sip] codecs); none: the line's law,
	 * then the other */
	uint8_t codecs[GW_MAX_CODECS];
	size_t ncodecs;
	int annexb; /* G.729 annex B: the trunk's (1 yes, 0 no), -1 [sip] g729_annexb */
	int t38;    /* T.38 fax: the trunk's (1 yes, 0 no), -1 [sip] t38 */
	/* T.38: our re-INVITE moving the call to it is out (its offer), or the
	 * leg carries T.38 now; tried: a fax on this call asked once */
	char *t38_offer;
	int t38_offer_len;
	bool t38_pending, t38_on, t38_tried;
	struct gw_media_stats st;
};

/* What a leg's SIP dialog or ISDN call points back to: the call, and
 * whether it is the call's second leg (struct gw_leg2). */
struct gw_ref {
	struct gw_call *c;
	bool second;
};

/* The second leg of a call between two SIP dialogs or two ISDN calls. */
struct gw_leg2 {
	struct gw_ref ref;
	/* SIP to SIP: the caller's dialog (the call's own SIP leg goes to the trunk) */
	struct sip_call *sip;
	bool answered, ending;
	int status;
	/* ISDN to ISDN: the call placed (the call's own ISDN leg came in) */
	struct isdn_call *isdn;
	struct cc_span *span;
	int ts;
	/* the caller's RTP on the bridge (SIP to SIP); the placed call's
	 * hairpin (ISDN to ISDN) */
	struct rtp_leg rl;
	unsigned pair; /* SIP to SIP: the bridge pair (1-based), 0: none */
};

struct gw_call {
	struct gw_ref ref;
	struct gw_leg2 *x; /* SIP to SIP, ISDN to ISDN */
	struct gw_cc *cc;
	struct gw_call *next, *prev; /* prev: in the active list only */
	unsigned id;
	int hold;
	enum call_state state;
	char direction[16];
	uint64_t start_ms, answer_ms, end_ms; /* Unix time */
	uint64_t start_us;		      /* monotonic */
	/* SIP leg */
	struct sip_call *sip;
	bool sip_in, sip_answered, sip_ending;
	int sip_status;
	struct rtp_leg rl; /* its RTP (or, ISDN to ISDN, the hairpin of the ISDN leg) */
	char trunk[64];
	char source[64];
	/* ISDN leg */
	struct isdn_call *isdn;
	struct cc_span *span;
	int ts;
	int cause;
	int fax; /* the fax/modem tone heard (enum dsp_fax_tone), 0: none */
	/* test line */
	bool testline;
	enum dp_testline tl;
	/* numbers and route */
	char called[DP_NUMBER_MAX], calling[DP_NUMBER_MAX];
	char called_out[DP_NUMBER_MAX], calling_out[DP_NUMBER_MAX];
	bool restricted;
	bool data; /* ISDN bearer unrestricted digital (64 kbit/s clear channel) */
	char route[64];
	char why[96]; /* how it ended, in words */
	/* ISDN -> SIP: the route's trunks in order, failover on these, the numbers */
	char trunk_list[DP_MAX_TRUNKS][64];
	size_t ntrunk_list, next_trunk;
	int failover[DP_MAX_FAILOVER];
	size_t nfailover;
	struct dp_result out;
	int last_cause, last_status;
	bool proceeding_sent;
	char redirecting[DP_NUMBER_MAX];
	int redirecting_ton;
	/* overlap receiving: digits still coming, and the inter-digit timer */
	bool overlap, setup_ack_sent;
	/* ... passed on to SIP (RFC 3578): INVITEs with the digits so far, the
	 * next after a 484 once more digits are there; the call's ids */
	bool sip_overlap, sip_awaiting;
	char sent_called[DP_NUMBER_MAX];
	struct sip_call_ids ids;
	bool have_ids;
	int called_ton, calling_ton;
	struct timer overlap_timer;
	/* a failure announced in-band (PROGRESS with a cause): how long it plays */
	struct timer announce_timer;
	/* no answer within [general] no_answer_timeout of the call going out */
	struct timer noanswer_timer;
	/* originate --overlap: the digits still to dial, one at a time */
	struct timer dial_timer;
	char dial_rest[DP_NUMBER_MAX];
	char released_by[16];
	struct ladder_entry *ladder; /* grows by LADDER_STEP up to LADDER_MAX */
	unsigned nladder, ladder_cap;
};

struct allow_net {
	int family;
	uint8_t addr[16];
	int prefix;
};

struct gw_cc {
	struct loop *loop;
	struct gw_cc_config cfg;
	struct sip_ua *ua;
	struct allow_net allow[MAX_ALLOW];
	size_t nallow;
	struct cc_span spans[MAX_SPANS];
	size_t nspans;
	struct isdn_group groups[MAX_GROUPS];
	size_t ngroups;
	struct gw_call *calls;	/* active */
	struct gw_call *recent; /* ended, newest first */
	unsigned nrecent;
	unsigned next_id;
	uint64_t t0_ms;
	struct gw_cc_stats st;
	bool freeing;
	/* post-dial delay added, INVITE in to SETUP out, 10 us buckets up to 50 ms */
	uint32_t pdd_hist[PDD_BUCKETS];
	uint64_t pdd_n, pdd_max_us;
	/* SIP to SIP calls: the bridge, and which of its pairs are taken */
	struct gw_media *bridge;
	bool *bridge_used;
	unsigned bridge_pairs;
	/* per trunk (index in cfg.trunks): call-rate token buckets */
	double tokens[MAX_TRUNKS];
	uint64_t token_ms[MAX_TRUNKS];
};

static const struct sdp_codec alaw_first[] = {{"PCMA", 8000, 1, 8, NULL}, {"PCMU", 8000, 1, 0, NULL}};
static const struct sdp_codec ulaw_first[] = {{"PCMU", 8000, 1, 0, NULL}, {"PCMA", 8000, 1, 8, NULL}};

/* ---- bookkeeping ----------------------------------------------------------------- */

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static uint64_t mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

static uint64_t wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void ladder(struct gw_call *c, const char *side, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void ladder(struct gw_call *c, const char *side, const char *fmt, ...)
{
	struct ladder_entry *e;
	va_list ap;

	if (c->nladder == c->ladder_cap) {
		struct ladder_entry *n;

		if (c->ladder_cap == LADDER_MAX ||
		    !(n = mem_realloc(c->ladder, sizeof(*n) * (c->ladder_cap + LADDER_STEP))))
			return; /* full (or no memory): the call goes on, its ladder ends here */
		c->ladder = n;
		c->ladder_cap += LADDER_STEP;
	}
	e = &c->ladder[c->nladder++];
	e->ms = mono_ms() - c->cc->t0_ms;
	snprintf(e->side, sizeof(e->side), "%s", side);
	va_start(ap, fmt);
	vsnprintf(e->text, sizeof(e->text), fmt, ap);
	va_end(ap);
}

static void on_overlap_timeout(struct timer *t, void *arg);
static void on_announce_timeout(struct timer *t, void *arg);
static void on_dial_timer(struct timer *t, void *arg);
static void on_no_answer(struct timer *t, void *arg);

static void leg2_free(struct gw_leg2 *x)
{
	if (!x)
		return;
	mem_free(x->rl.sdp);
	mem_free(x->rl.t38_offer);
	mem_free(x);
}

static void call_free(struct gw_call *c)
{
	leg2_free(c->x);
	mem_free(c->rl.sdp);
	mem_free(c->rl.t38_offer);
	mem_free(c->ladder);
	mem_free(c);
}

static struct gw_call *call_new(struct gw_cc *cc, const char *direction)
{
	struct gw_call *c = mem_zalloc(sizeof(*c));

	if (!c)
		return NULL;
	c->cc = cc;
	c->ref.c = c;
	c->id = ++cc->next_id;
	c->start_ms = wall_ms();
	c->start_us = mono_us();
	c->rl.sdp_version = 1;
	c->rl.annexb = -1; /* as [sip] g729_annexb until a trunk says */
	c->rl.t38 = -1;
	timer_setup(&c->overlap_timer, on_overlap_timeout, c);
	timer_setup(&c->announce_timer, on_announce_timeout, c);
	timer_setup(&c->dial_timer, on_dial_timer, c);
	timer_setup(&c->noanswer_timer, on_no_answer, c);
	snprintf(c->direction, sizeof(c->direction), "%s", direction);
	c->next = cc->calls;
	if (cc->calls)
		cc->calls->prev = c;
	cc->calls = c;
	cc->st.calls++;
	cc->st.active++;
	return c;
}

/* A test line's audio on the ISDN leg's B-channel. */
static int testline_media(struct gw_call *c, enum dp_testline tl)
{
	int rc;

	c->rl.gm = c->span->media;
	c->rl.ts = c->ts;
	rc = gw_media_testline(c->rl.gm, (unsigned)c->rl.ts, tl);
	if (rc == 0)
		c->rl.on = true;
	return rc;
}

static void leg_media_stop(struct rtp_leg *l)
{
	if (!l->on)
		return;
	gw_media_stop(l->gm, (unsigned)l->ts, &l->st);
	l->on = false;
}

static void media_stop(struct gw_call *c)
{
	leg_media_stop(&c->rl);
	if (c->x)
		leg_media_stop(&c->x->rl);
}

static void write_cdr(struct gw_call *c)
{
	struct gw_cdr r;

	if (!c->cc->cfg.cdr)
		return;
	memset(&r, 0, sizeof(r));
	snprintf(r.call_id, sizeof(r.call_id), "C%u", c->id);
	r.start_ms = c->start_ms;
	r.answer_ms = c->answer_ms;
	r.end_ms = c->end_ms;
	snprintf(r.direction, sizeof(r.direction), "%s", c->direction);
	snprintf(r.calling, sizeof(r.calling), "%s", c->calling);
	snprintf(r.called, sizeof(r.called), "%s", c->called);
	snprintf(r.calling_out, sizeof(r.calling_out), "%s", c->calling_out);
	snprintf(r.called_out, sizeof(r.called_out), "%s", c->called_out);
	snprintf(r.identity, sizeof(r.identity), "%s", c->restricted ? "restricted" : c->calling);
	r.span = c->span ? c->span->num : 0;
	r.channel = c->ts;
	snprintf(r.trunk, sizeof(r.trunk), "%s", c->trunk);
	snprintf(r.codec, sizeof(r.codec), "%s", c->rl.codec);
	r.q850_cause = c->cause;
	r.sip_status = c->sip_status;
	snprintf(r.released_by, sizeof(r.released_by), "%s", c->released_by);
	r.loss_pct = c->rl.st.rtp_received + (uint64_t)(c->rl.st.lost > 0 ? c->rl.st.lost : 0)
			     ? 100.0 * (c->rl.st.lost > 0 ? c->rl.st.lost : 0) /
				       (double)(c->rl.st.rtp_received + (uint64_t)(c->rl.st.lost > 0 ? c->rl.st.lost : 0))
			     : 0;
	r.jitter_ms = c->rl.st.jitter_ms;
	r.mos = c->rl.st.mos;
	snprintf(r.route, sizeof(r.route), "%s", c->route);
	r.from_line_dbm0 = c->rl.st.from_line_dbm0;
	r.to_line_dbm0 = c->rl.st.to_line_dbm0;
	r.from_line_clipped = c->rl.st.from_line_clipped;
	r.to_line_clipped = c->rl.st.to_line_clipped;
	r.erl_db = c->rl.st.erl_db;
	r.erle_db = c->rl.st.erle_db;
	if (gw_cdr_write(c->cc->cfg.cdr, &r) < 0)
		LOGP(LOGC_GW, LOGL_ERROR, "call C%u: the call record could not be written", c->id);
}

/* Both legs gone and no one inside: record it, keep it for `show calls --recent`. */
static void maybe_finish(struct gw_call *c)
{
	struct gw_cc *cc = c->cc;

	if (c->hold || c->sip || c->isdn || (c->x && (c->x->sip || c->x->isdn)))
		return;
	clock_timer_stop(loop_clock(cc->loop), &c->overlap_timer);
	clock_timer_stop(loop_clock(cc->loop), &c->announce_timer);
	clock_timer_stop(loop_clock(cc->loop), &c->dial_timer);
	clock_timer_stop(loop_clock(cc->loop), &c->noanswer_timer);
	media_stop(c);
	if (c->x) {
		if (c->x->pair && c->x->pair <= cc->bridge_pairs)
			cc->bridge_used[c->x->pair - 1] = false;
		leg2_free(c->x);
		c->x = NULL;
	}
	c->state = CS_ENDED;
	c->end_ms = wall_ms();
	/* out of the active list, in constant time (thousands of calls) */
	if (c->prev)
		c->prev->next = c->next;
	else if (cc->calls == c)
		cc->calls = c->next;
	if (c->next)
		c->next->prev = c->prev;
	c->prev = NULL;
	cc->st.active--;
	if (c->answer_ms)
		cc->st.answered++;
	else
		cc->st.failed++;
	LOGP(LOGC_GW, LOGL_INFO, "call C%u ended: %s -> %s, %s", c->id, c->calling, c->called, c->why);
	write_cdr(c);
	if (cc->freeing || !cc->cfg.recent) {
		call_free(c);
		return;
	}
	c->next = cc->recent;
	cc->recent = c;
	if (++cc->nrecent > cc->cfg.recent) {
		struct gw_call *p = cc->recent;

		while (p->next && p->next->next)
			p = p->next;
		call_free(p->next);
		p->next = NULL;
		cc->nrecent--;
	}
}

static void hold(struct gw_call *c)
{
	c->hold++;
}

static void release(struct gw_call *c)
{
	c->hold--;
	maybe_finish(c);
}

static void set_why(struct gw_call *c, const char *by, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void set_why(struct gw_call *c, const char *by, const char *fmt, ...)
{
	va_list ap;

	if (c->why[0])
		return; /* the first reason is the one */
	va_start(ap, fmt);
	vsnprintf(c->why, sizeof(c->why), fmt, ap);
	va_end(ap);
	snprintf(c->released_by, sizeof(c->released_by), "%s", by);
}

/* ---- configuration ---------------------------------------------------------------- */

int gw_cc_new(struct loop *loop, const struct gw_cc_config *cfg, struct gw_cc **out)
{
	struct gw_cc *cc = mem_zalloc(sizeof(*cc));

	if (!cc)
		return -ENOMEM;
	cc->loop = loop;
	cc->cfg = *cfg;
	if (!cc->cfg.media_addr)
		cc->cfg.media_addr = "127.0.0.1";
	if (!cc->cfg.sip_host)
		cc->cfg.sip_host = cc->cfg.media_addr;
	cc->t0_ms = mono_ms();
	*out = cc;
	return 0;
}

void gw_cc_set_config(struct gw_cc *cc, const struct gw_cc_config *cfg)
{
	cc->cfg = *cfg;
	cc->nallow = 0;
	memset(cc->tokens, 0, sizeof(cc->tokens));
	memset(cc->token_ms, 0, sizeof(cc->token_ms));
	if (!cc->cfg.media_addr)
		cc->cfg.media_addr = "127.0.0.1";
	if (!cc->cfg.sip_host)
		cc->cfg.sip_host = cc->cfg.media_addr;
}

void gw_cc_set_ua(struct gw_cc *cc, struct sip_ua *ua)
{
	cc->ua = ua;
}

static int parse_net(const char *spec, struct allow_net *n)
{
	char addr[64];
	const char *slash = strchr(spec, '/');
	size_t len = slash ? (size_t)(slash - spec) : strlen(spec);
	char *end;

	if (len == 0 || len >= sizeof(addr))
		return -EINVAL;
	memcpy(addr, spec, len);
	addr[len] = 0;
	memset(n, 0, sizeof(*n));
	if (inet_pton(AF_INET, addr, n->addr) == 1) {
		n->family = AF_INET;
		n->prefix = 32;
	} else if (inet_pton(AF_INET6, addr, n->addr) == 1) {
		n->family = AF_INET6;
		n->prefix = 128;
	} else {
		return -EINVAL;
	}
	if (slash) {
		long p = strtol(slash + 1, &end, 10);

		if (*end || end == slash + 1 || p < 0 || p > n->prefix)
			return -EINVAL;
		n->prefix = (int)p;
	}
	return 0;
}

int gw_net_check(const char *spec)
{
	struct allow_net n;

	return parse_net(spec, &n);
}

int gw_cc_allow(struct gw_cc *cc, const char *spec)
{
	if (cc->nallow == MAX_ALLOW)
		return -ENOSPC;
	if (parse_net(spec, &cc->allow[cc->nallow]) < 0)
		return -EINVAL;
	cc->nallow++;
	return 0;
}

static bool net_match(const struct allow_net *n, const struct sockaddr_storage *ss)
{
	const uint8_t *a;
	int bits = n->prefix;

	if (ss->ss_family != n->family)
		return false;
	a = n->family == AF_INET ? (const uint8_t *)&((const struct sockaddr_in *)ss)->sin_addr
				 : (const uint8_t *)&((const struct sockaddr_in6 *)ss)->sin6_addr;
	for (int i = 0; bits > 0; i++, bits -= 8) {
		uint8_t mask = bits >= 8 ? 0xff : (uint8_t)(0xff << (8 - bits));

		if ((a[i] & mask) != (n->addr[i] & mask))
			return false;
	}
	return true;
}

static void isdn_end(struct gw_call *c, int cause);
static void sip_end(struct gw_call *c, int cause);
static void end_all(struct gw_call *c, int cause);

/* The call whose RTP leg runs on channel ts of m with that port (a channel
 * may carry a new call by the time a report arrives: the port tells). */
static struct gw_call *call_of_media(struct gw_cc *cc, struct gw_media *m, unsigned ts, uint16_t port,
				     struct rtp_leg **leg)
{
	for (struct gw_call *c = cc->calls; c; c = c->next) {
		struct rtp_leg *l = &c->rl;

		for (int i = 0; i < 2; i++, l = c->x ? &c->x->rl : NULL) {
			if (!l)
				break;
			if (l->on && l->gm == m && (unsigned)l->ts == ts && l->port == port) {
				*leg = l;
				return c;
			}
		}
	}
	return NULL;
}

/* No RTP for [sip] rtp_timeout on a call not on hold: the peer is gone
 * without a BYE; end both legs (cause 41 toward ISDN, BYE with it). */
static void on_media_timeout(void *arg, struct gw_media *m, unsigned ts, uint16_t port)
{
	struct gw_cc *cc = arg;
	struct rtp_leg *l;
	struct gw_call *c = call_of_media(cc, m, ts, port, &l);

	if (!c)
		return;
	hold(c);
	ladder(c, "rtp", "no RTP for %u ms", cc->cfg.rtp_timeout_ms);
	set_why(c, "gateway", "no RTP for %u ms", cc->cfg.rtp_timeout_ms);
	LOGP(LOGC_GW, LOGL_NOTICE, "call C%u: no RTP for %u ms, ending it", c->id, cc->cfg.rtp_timeout_ms);
	end_all(c, Q850_TEMPORARY_FAILURE);
	release(c);
}

/* A digit heard on the line of a call whose trunk wants DTMF as SIP INFO
 * (RFC 6086 with application/dtmf-relay, as most gateways send it). */
static void on_media_digit(void *arg, struct gw_media *m, unsigned ts, uint16_t port, char digit,
			   unsigned ms)
{
	struct gw_cc *cc = arg;
	struct rtp_leg *l;
	struct gw_call *c = call_of_media(cc, m, ts, port, &l);
	struct sip_call *s;
	char body[64];
	int n;

	if (!c)
		return;
	/* the digit goes to the dialog whose RTP leg heard it */
	s = l == &c->rl ? (c->sip_ending ? NULL : c->sip) : (c->x->ending ? NULL : c->x->sip);
	if (!s)
		return;
	n = snprintf(body, sizeof(body), "Signal=%c\r\nDuration=%u\r\n", digit, ms);
	ladder(c, l == &c->rl ? "sip" : "sip-in", "-> INFO Signal=%c Duration=%u", digit, ms);
	if (sip_call_info(s, "application/dtmf-relay", sv_make(body, (size_t)n)) < 0)
		LOGP(LOGC_GW, LOGL_NOTICE, "call C%u: DTMF %c not sent as INFO (the dialog is not confirmed)", c->id,
		     digit);
}

static void t38_offer(struct gw_call *c, struct rtp_leg *l);

/* A fax or modem on a call: its channel is in pass-through now. */
static void on_media_fax(void *arg, struct gw_media *m, unsigned ts, uint16_t port, int tone)
{
	static const char *const names[] = {"?", "CNG", "CED", "ANS with phase reversals", "V.21 preamble"};
	struct gw_cc *cc = arg;
	struct rtp_leg *l;
	struct gw_call *c = call_of_media(cc, m, ts, port, &l);

	if (!c)
		return;
	c->fax = tone;
	ladder(c, "dsp", "fax/modem %s heard: pass-through (EC off, jitter buffer fixed)",
	       names[tone >= 0 && tone <= 4 ? tone : 0]);
	LOGP(LOGC_GW, LOGL_INFO, "call C%u: fax/modem tone %s, pass-through", c->id,
	     names[tone >= 0 && tone <= 4 ? tone : 0]);
	/* a fax (not a modem's answer tone with phase reversals: V.34 and data
	 * modems stay pass-through) moves to T.38 when the leg's side allows */
	if (tone != DSP_TONE_ANS_PR) {
		hold(c);
		t38_offer(c, l);
		release(c);
	}
}

static void listen_media(struct gw_cc *cc, struct gw_media *media)
{
	gw_media_set_listener(media, on_media_timeout, cc);
	gw_media_set_fax_listener(media, on_media_fax, cc);
	gw_media_set_digit_listener(media, on_media_digit, cc);
}

int gw_cc_set_bridge(struct gw_cc *cc, struct gw_media *bridge, unsigned pairs)
{
	bool *used = pairs ? mem_zalloc(sizeof(bool) * pairs) : NULL;

	if (pairs && !used)
		return -ENOMEM;
	mem_free(cc->bridge_used);
	cc->bridge = bridge;
	cc->bridge_used = used;
	cc->bridge_pairs = bridge ? pairs : 0;
	if (bridge)
		listen_media(cc, bridge);
	return 0;
}

int gw_cc_add_span(struct gw_cc *cc, int num, struct gw_pri *pri, struct gw_media *media,
		   const char *group, enum isdn_hunt hunt)
{
	struct cc_span *s;
	size_t g;

	if (cc->nspans == MAX_SPANS)
		return -ENOSPC;
	for (g = 0; g < cc->ngroups && strcmp(cc->groups[g].name, group); g++)
		;
	if (g == cc->ngroups) {
		if (cc->ngroups == MAX_GROUPS)
			return -ENOSPC;
		isdn_group_init(&cc->groups[cc->ngroups++], group, hunt);
	}
	if (pri->isdn && isdn_group_add(&cc->groups[g], pri->isdn) < 0)
		return -ENOSPC;
	s = &cc->spans[cc->nspans++];
	if (media)
		listen_media(cc, media);
	s->num = num;
	s->pri = pri;
	s->media = media;
	s->group = (int)g;
	return 0;
}

static struct cc_span *span_of(struct gw_cc *cc, const struct isdn_span *is)
{
	for (size_t i = 0; i < cc->nspans; i++)
		if (cc->spans[i].pri->isdn == is)
			return &cc->spans[i];
	return NULL;
}

static const struct gw_cc_trunk *trunk_named(const struct gw_cc *cc, const char *name)
{
	for (size_t i = 0; i < cc->cfg.ntrunks; i++)
		if (!strcmp(cc->cfg.trunks[i].name, name))
			return &cc->cfg.trunks[i];
	return NULL;
}

/* The trunk whose URI names this address, or NULL. */
/* The trunk a request comes from: its address, and its TLS certificate's
 * name when the trunk names one. */
static const struct gw_cc_trunk *trunk_of_addr(const struct gw_cc *cc, const struct sockaddr_storage *ss,
					       const struct sip_call *s)
{
	for (size_t i = 0; i < cc->cfg.ntrunks; i++) {
		struct sip_uri u;
		struct allow_net n;
		char host[64];

		if (sip_uri_parse(&u, sv_cstr(cc->cfg.trunks[i].uri)) < 0 || u.host.len >= sizeof(host))
			continue;
		if (cc->cfg.trunks[i].tls_name && (!s || !sip_call_tls_name(s, cc->cfg.trunks[i].tls_name)))
			continue;
		memcpy(host, u.host.p, u.host.len);
		host[u.host.len] = 0;
		if (parse_net(host, &n) == 0 && net_match(&n, ss))
			return &cc->cfg.trunks[i];
	}
	return NULL;
}

static void addr_text(const struct sockaddr_storage *ss, char *buf, size_t size)
{
	const void *a = ss->ss_family == AF_INET6 ? (const void *)&((const struct sockaddr_in6 *)ss)->sin6_addr
						  : (const void *)&((const struct sockaddr_in *)ss)->sin_addr;

	if (!inet_ntop(ss->ss_family, a, buf, (socklen_t)size))
		snprintf(buf, size, "?");
}

/* ---- numbers ------------------------------------------------------------------------ */

/* The digits of a SIP/tel URI's user part: "+4930123" is international. */
static void uri_digits(const struct sip_uri *u, char *out, size_t size, int *ton);

/* A SIP/tel URI's number as the dial plan sees it: with a numbering
 * context, in the form one dials from here ("+49301234" and "0301234" are
 * both "0301234" in Germany's context, TON left unknown); without one, its
 * digits with '+' as TON international. */
static void uri_number(const struct gw_cc *cc, const struct sip_uri *u, char *out, size_t size, int *ton)
{
	struct number nb;
	char text[40], err[80];

	uri_digits(u, out, size, ton);
	if (!cc->cfg.numctx || !out[0])
		return;
	snprintf(text, sizeof(text), "%s%s", *ton == ISDN_TON_INTERNATIONAL ? "+" : "", out);
	if (number_normalise(cc->cfg.numctx, sv_cstr(text), &nb, err, sizeof(err)) < 0)
		return;
	if (nb.ton == NUMBER_TON_INTERNATIONAL) { /* our own country's: national */
		struct number nat;

		if (number_convert(cc->cfg.numctx, &nb, NUMBER_TON_NATIONAL, &nat) == 0)
			nb = nat;
	}
	if (number_format(cc->cfg.numctx, &nb, NUMBER_FORM_DIALABLE, out, size) > 0)
		*ton = ISDN_TON_UNKNOWN;
}

static void uri_digits(const struct sip_uri *u, char *out, size_t size, int *ton)
{
	struct sv v = u->scheme == SIP_URI_TEL ? u->number : u->user;
	size_t n = 0;

	*ton = ISDN_TON_UNKNOWN;
	for (size_t i = 0; i < v.len && n + 1 < size; i++) {
		char ch = v.p[i];

		if (i == 0 && ch == '+')
			*ton = ISDN_TON_INTERNATIONAL;
		else if ((ch >= '0' && ch <= '9') || ch == '*' || ch == '#')
			out[n++] = ch;
		else if (ch != '-' && ch != '.' && ch != '(' && ch != ')')
			break; /* not a number: what came so far */
	}
	out[n] = 0;
}

static bool privacy_id(const struct sip_msg *m)
{
	const struct sip_hdr *h = NULL;

	while ((h = sip_msg_hdr_find(m, SIP_HDR_PRIVACY, h)))
		for (size_t i = 0; i + 2 <= h->value.len; i++)
			if ((h->value.p[i] == 'i' || h->value.p[i] == 'I') &&
			    (h->value.p[i + 1] == 'd' || h->value.p[i + 1] == 'D') &&
			    (i + 2 == h->value.len || h->value.p[i + 2] == ';' || h->value.p[i + 2] == ' ') &&
			    (i == 0 || h->value.p[i - 1] == ';' || h->value.p[i - 1] == ' '))
				return true;
	return false;
}

/* ---- SDP and media --------------------------------------------------------------------- */

static struct sdp_local local_sdp(const struct gw_call *c, const struct rtp_leg *l, uint16_t port,
				   struct sdp_codec *buf)
{
	bool alaw = !c->span || !c->span->pri->tdm || c->span->pri->tdm->cfg.law == TDM_LAW_ALAW;
	struct sdp_local sl = {.user = "sipgw", .sess_id = 4000 + c->id, .sess_version = 1,
			       .addrtype = strchr(c->cc->cfg.media_addr, ':') ? "IP6" : "IP4",
			       .addr = c->cc->cfg.media_addr, .audio_port = port,
			       .codecs = alaw || l != &c->rl ? alaw_first : ulaw_first, .ncodecs = 2,
			       .telephone_event = true, .ptime = 20};

	const uint8_t *ids = l->ncodecs ? l->codecs : c->cc->cfg.codecs;
	size_t n = l->ncodecs ? l->ncodecs : c->cc->cfg.ncodecs;

	for (size_t i = 0; i < n && i < GW_MAX_CODECS; i++) {
		const struct dsp_codec_info *d = &dsp_codecs[ids[i] < DSP_CODECS ? ids[i] : 0];

		buf[i] = (struct sdp_codec){d->name, d->clock, 1, d->static_pt, d->fmtp};
		if (d->id == DSP_G729 && (l->annexb >= 0 ? l->annexb : c->cc->cfg.g729_annexb))
			buf[i].fmtp = "annexb=yes";
	}
	if (n) {
		sl.codecs = buf;
		sl.ncodecs = n < GW_MAX_CODECS ? n : GW_MAX_CODECS;
	}
	if (c->data) { /* a clear-channel data call: CLEARMODE alone, no digits */
		sl.codecs = &sdp_clearmode;
		sl.ncodecs = 1;
		sl.telephone_event = false;
	}
	return sl;
}

static void sockaddr_of(const char *a, uint16_t port, struct sockaddr_storage *ss, socklen_t *len)
{
	memset(ss, 0, sizeof(*ss));
	if (strchr(a, ':')) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		inet_pton(AF_INET6, a, &s6->sin6_addr);
		*len = sizeof(*s6);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		inet_pton(AF_INET, a, &s4->sin_addr);
		*len = sizeof(*s4);
	}
}

/* RTP for leg l, on its channel (the ISDN leg's B-channel unless a bridge
 * channel was given), bound to addr. */
static int start_rtp_at(struct gw_call *c, struct rtp_leg *l, const char *addr, uint16_t *port)
{
	struct gw_media_rtp mr = {.port_min = c->cc->cfg.rtp_port_min, .port_max = c->cc->cfg.rtp_port_max,
				  .pt = 8, .dtmf_pt = 101, .timeout_ms = c->cc->cfg.rtp_timeout_ms,
				  .line_calls = !c->sip_in};
	socklen_t len;
	int rc;

	if (!l->gm && c->span) {
		l->gm = c->span->media;
		l->ts = c->ts;
	}
	if (!l->gm)
		return -ENOENT;
	sockaddr_of(addr, 0, &mr.local, &len);
	rc = gw_media_rtp_start(l->gm, (unsigned)l->ts, &mr, port);
	if (rc == 0) {
		l->on = true;
		l->port = *port;
	}
	return rc;
}

static int start_rtp(struct gw_call *c, struct rtp_leg *l, uint16_t *port)
{
	return start_rtp_at(c, l, c->cc->cfg.media_addr, port);
}

/* An SDP c= address (a literal: we resolve no names for media) and port. */
static int sdp_sockaddr(struct sv addr, uint16_t port, struct sockaddr_storage *ss, socklen_t *len)
{
	char host[64];

	if (addr.len >= sizeof(host))
		return -EPROTO;
	memcpy(host, addr.p, addr.len);
	host[addr.len] = 0;
	if (!inet_pton(AF_INET, host, &(struct in_addr){0}) && !inet_pton(AF_INET6, host, &(struct in6_addr){{{0}}}))
		return -EPROTO;
	sockaddr_of(host, port, ss, len);
	return 0;
}

/* T.38 agreed for leg l (its answer or ours): the channel relays the fax */
static int t38_apply(struct rtp_leg *l, const struct sdp_negotiated *neg)
{
	struct gw_media_t38 p = {.version = neg->t38p.version, .max_bitrate = neg->t38p.max_bitrate,
				 .max_datagram = neg->t38p.max_datagram,
				 .transferred_tcf = !sv_eq_cstr_nocase(neg->t38p.rate_management, "localTCF"),
				 .redundancy = !sv_eq_cstr_nocase(neg->t38p.udp_ec, "t38UDPNoEC")};
	struct sockaddr_storage ss;
	socklen_t len;
	int rc;

	if (!neg->t38 || sdp_sockaddr(neg->t38_addr, neg->t38_port, &ss, &len) < 0)
		return -EPROTO;
	if ((rc = gw_media_t38_start(l->gm, (unsigned)l->ts, (struct sockaddr *)&ss, len, &p)) < 0)
		return rc;
	l->t38_on = true;
	snprintf(l->codec, sizeof(l->codec), "T.38");
	return 0;
}

/* Where the negotiated stream goes, to the media worker. */
static int apply_neg(struct rtp_leg *l, const struct sdp_negotiated *neg)
{
	const struct dsp_codec_info *codec;
	struct sockaddr_storage ss;
	socklen_t len;

	if (!neg->audio || !neg->codec || sdp_sockaddr(neg->remote_addr, neg->remote_port, &ss, &len) < 0)
		return -EPROTO;
	if (!strcasecmp(neg->codec->name, sdp_clearmode.name)) {
		snprintf(l->codec, sizeof(l->codec), "%s", sdp_clearmode.name);
		return gw_media_rtp_remote(l->gm, (unsigned)l->ts, (struct sockaddr *)&ss, len, (uint8_t)neg->pt,
					   -1, GM_DIGITS_AUDIO, GW_MEDIA_CLEARMODE);
	}
	codec = dsp_codec_find(neg->codec->name, neg->codec->clock);
	if (!codec)
		return -EPROTO;
	snprintf(l->codec, sizeof(l->codec), "%s", neg->codec->name);
	return gw_media_rtp_remote(l->gm, (unsigned)l->ts, (struct sockaddr *)&ss, len, (uint8_t)neg->pt,
				   neg->te_pt,
				   l->dtmf_inband ? GM_DIGITS_AUDIO
				   : l->dtmf_info ? GM_DIGITS_REPORT
						  : GM_DIGITS_EVENTS,
				   (int)codec->id | (neg->vad ? GW_MEDIA_VAD : 0));
}

/* The leg's SDP buffer, made on first use (a call with a test line or two
 * ISDN legs has none). */
static char *leg_sdp(struct rtp_leg *l)
{
	if (!l->sdp)
		l->sdp = mem_zalloc(SDP_MAX);
	return l->sdp;
}

/* UAS: answer the INVITE's offer (kept in l->sdp) now that RTP is up. */
static int answer_offer(struct gw_call *c, struct rtp_leg *l, struct sv offer)
{
	struct sdp_session o, a;
	struct sdp_negotiated neg;
	struct sdp_error e;
	struct sdp_local sl;
	struct sdp_codec cbuf[GW_MAX_CODECS];
	char scratch[2048];
	uint16_t port;
	int n;

	if (sdp_parse(&o, offer.p, offer.len, &e) < 0)
		return -EPROTO;
	if (start_rtp(c, l, &port) < 0)
		return -EIO;
	sl = local_sdp(c, l, port, cbuf);
	if (sdp_answer_build(&o, &sl, &a, scratch, sizeof(scratch), &neg, &e) < 0 || !neg.audio)
		return -EPROTO;
	if (!leg_sdp(l) || (n = sdp_print(&a, l->sdp, SDP_MAX)) < 0)
		return -EPROTO;
	l->sdp_len = n;
	return apply_neg(l, &neg);
}

/* UAC: our offer for the INVITE toward a trunk. */
static int make_offer(struct gw_call *c, struct rtp_leg *l)
{
	struct sdp_session s;
	struct sdp_error e;
	struct sdp_local sl;
	struct sdp_codec cbuf[GW_MAX_CODECS];
	char scratch[2048];
	uint16_t port;
	int n;

	if (start_rtp(c, l, &port) < 0)
		return -EIO;
	sl = local_sdp(c, l, port, cbuf);
	if (sdp_offer_build(&sl, SDP_OFFER_AUDIO, SDP_DIR_SENDRECV, &s, scratch, sizeof(scratch), &e) < 0 ||
	    !leg_sdp(l) || (n = sdp_print(&s, l->sdp, SDP_MAX)) < 0)
		return -EPROTO;
	l->sdp_len = n;
	return 0;
}

/* UAC: the answer to our offer (in a 183 or the 2xx). */
static int take_answer(struct gw_call *c, struct rtp_leg *l, struct sv body)
{
	struct sdp_session o, a;
	struct sdp_negotiated neg;
	struct sdp_error e;
	struct sdp_local sl;
	struct sdp_codec cbuf[GW_MAX_CODECS];

	if (!body.len)
		return -ENOENT;
	if (sdp_parse(&o, l->sdp, (size_t)l->sdp_len, &e) < 0 || sdp_parse(&a, body.p, body.len, &e) < 0)
		return -EPROTO;
	sl = local_sdp(c, l, 0, cbuf);
	if (sdp_answer_process(&o, &a, &sl, &neg, &e) < 0)
		return -EPROTO;
	return apply_neg(l, &neg);
}

/* ---- T.38 (fax relay, T.38 Annex D) ---------------------------------------------------- */

static struct gw_call *sip_call_of(struct sip_call *s);
static bool sip_second(struct sip_call *s);

static struct sip_call *leg_dialog(const struct gw_call *c, const struct rtp_leg *l)
{
	if (l == &c->rl)
		return c->sip_ending ? NULL : c->sip;
	return c->x && !c->x->ending ? c->x->sip : NULL;
}

/* T.38 with this leg's side: its trunk says, else [sip] t38; never on a
 * bridge (SIP to SIP, ISDN to ISDN: no line whose modems to relay) */
static bool t38_allowed(const struct gw_call *c, const struct rtp_leg *l)
{
	if (!l->gm || l->gm == c->cc->bridge)
		return false;
	return l->t38 >= 0 ? l->t38 == 1 : c->cc->cfg.t38;
}

/* A fax on the call: offer T.38 (the audio stream refused, an image stream
 * on the channel's UDPTL port) by re-INVITE, once. */
static void t38_offer(struct gw_call *c, struct rtp_leg *l)
{
	struct sip_call *s = leg_dialog(c, l);
	const char *side = l == &c->rl ? "sip" : "sip-in";
	struct sdp_session o;
	struct sdp_error e;
	struct sdp_local sl;
	struct sdp_codec cbuf[GW_MAX_CODECS];
	char scratch[2048];
	uint16_t port;
	int n, rc;

	if (l->t38_tried || l->t38_on || !s || !t38_allowed(c, l) || !sip_call_confirmed(s))
		return;
	l->t38_tried = true;
	if ((rc = gw_media_t38_open(l->gm, (unsigned)l->ts, &port)) < 0) {
		ladder(c, "rtp", "no UDPTL port for T.38 (%s): the fax stays G.711 pass-through", strerror(-rc));
		return;
	}
	sl = local_sdp(c, l, l->port, cbuf);
	sl.sess_version = ++l->sdp_version;
	sl.t38 = true;
	sl.t38_port = port;
	if ((!l->t38_offer && !(l->t38_offer = mem_zalloc(SDP_MAX))) ||
	    sdp_offer_build(&sl, SDP_OFFER_T38, SDP_DIR_SENDRECV, &o, scratch, sizeof(scratch), &e) < 0 ||
	    (n = sdp_print(&o, l->t38_offer, SDP_MAX)) < 0 ||
	    sip_call_reinvite(s, sv_make(l->t38_offer, (size_t)n)) < 0) {
		gw_media_t38_stop(l->gm, (unsigned)l->ts);
		ladder(c, side, "T.38 re-INVITE not sent: the fax stays G.711 pass-through");
		return;
	}
	l->t38_offer_len = n;
	l->t38_pending = true;
	ladder(c, side, "-> re-INVITE (T.38 on UDPTL port %u)", port);
	LOGP(LOGC_GW, LOGL_INFO, "call C%u: fax: T.38 offered", c->id);
}

/* Our T.38 re-INVITE ended: a 2xx whose answer takes the image stream
 * starts the relay; anything else leaves the call as it was (RFC 3261
 * §14.1), the fax in G.711 pass-through. */
static void cc_reoffer_done(void *arg, struct sip_call *s, int status, struct sv body)
{
	struct gw_call *c = sip_call_of(s);
	struct rtp_leg *l;
	const char *side;
	struct sdp_session o, a;
	struct sdp_negotiated neg;
	struct sdp_error e;
	struct sdp_local sl;
	struct sdp_codec cbuf[GW_MAX_CODECS];

	(void)arg;
	if (!c)
		return;
	l = sip_second(s) ? &c->x->rl : &c->rl;
	side = sip_second(s) ? "sip-in" : "sip";
	if (!l->t38_pending)
		return;
	l->t38_pending = false;
	hold(c);
	sl = local_sdp(c, l, 0, cbuf);
	if (status >= 200 && status < 300 && body.len &&
	    sdp_parse(&o, l->t38_offer, (size_t)l->t38_offer_len, &e) == 0 &&
	    sdp_parse(&a, body.p, body.len, &e) == 0 && sdp_answer_process(&o, &a, &sl, &neg, &e) == 0 &&
	    neg.t38 && t38_apply(l, &neg) == 0) {
		ladder(c, side, "<- %d: T.38 (%u bit/s, %.*s, %.*s)", status, neg.t38p.max_bitrate,
		       (int)neg.t38p.rate_management.len, neg.t38p.rate_management.p, (int)neg.t38p.udp_ec.len,
		       neg.t38p.udp_ec.p);
		LOGP(LOGC_GW, LOGL_INFO, "call C%u: fax relayed as T.38", c->id);
	} else {
		gw_media_t38_stop(l->gm, (unsigned)l->ts);
		ladder(c, side, "<- %d: no T.38, the fax stays G.711 pass-through", status);
	}
	release(c);
}

/* ---- ending legs ------------------------------------------------------------------------ */

static void isdn_end(struct gw_call *c, int cause)
{
	if (!c->isdn || c->state == CS_RELEASING)
		return;
	if (!c->cause)
		c->cause = cause;
	ladder(c, "isdn", "-> DISCONNECT cause %d", cause);
	isdn_call_hangup(c->isdn, cause);
}

/* End the SIP leg with the ISDN side's cause (RFC 3398 and RFC 6432). */
static void sip_end(struct gw_call *c, int cause)
{
	char reason[128];
	struct sip_call *s = c->sip;

	if (!s || c->sip_ending)
		return;
	c->sip_ending = true;
	gw_reason_format(cause, reason, sizeof(reason));
	if (c->sip_in && !c->sip_answered) {
		c->sip_status = gw_cause_map_to_sip(c->cc->cfg.causes, cause);
		ladder(c, "sip", "-> %d (cause %d)", c->sip_status, cause);
		sip_call_reject(s, c->sip_status, reason);
	} else {
		ladder(c, "sip", c->sip_answered ? "-> BYE (cause %d)" : "-> CANCEL (cause %d)", cause);
		sip_call_hangup(s, reason);
	}
}

/* The caller's dialog of a SIP to SIP call: a status that failed the call
 * on the trunk side goes back as it came (else the cause's RFC 3398
 * status), with Reason: Q.850 (RFC 6432); BYE once answered. */
static void sip_in_end(struct gw_call *c, int cause, int status)
{
	struct gw_leg2 *x = c->x;
	char reason[128];

	if (!x || !x->sip || x->ending)
		return;
	x->ending = true;
	gw_reason_format(cause, reason, sizeof(reason));
	if (!x->answered) {
		x->status = status >= 300 && status < 700 ? status : gw_cause_map_to_sip(c->cc->cfg.causes, cause);
		if (!c->sip_status || c->sip_status < 300)
			c->sip_status = x->status;
		ladder(c, "sip-in", "-> %d (cause %d)", x->status, cause);
		sip_call_reject(x->sip, x->status, reason);
	} else {
		ladder(c, "sip-in", "-> BYE (cause %d)", cause);
		sip_call_hangup(x->sip, reason);
	}
}

/* The placed call of an ISDN to ISDN call. */
static void isdn_out_end(struct gw_call *c, int cause)
{
	if (!c->x || !c->x->isdn || c->x->ending)
		return;
	c->x->ending = true;
	ladder(c, "isdn-out", "-> DISCONNECT cause %d", cause);
	isdn_call_hangup(c->x->isdn, cause);
}

/* The caller's side (the leg the call came in on) for a call going out to
 * SIP or ISDN: an ISDN call, or the caller's dialog of a SIP to SIP call. */
static bool in_alive(const struct gw_call *c)
{
	return c->isdn || (c->x && c->x->sip && !c->x->ending);
}

static void in_proceeding(struct gw_call *c)
{
	if (c->proceeding_sent)
		return;
	c->proceeding_sent = true;
	if (c->isdn) {
		isdn_call_proceeding(c->isdn);
		ladder(c, "isdn", "-> CALL PROCEEDING");
	}
}

static void in_alerting(struct gw_call *c, bool inband)
{
	if (c->isdn) {
		ladder(c, "isdn", "-> ALERTING%s", inband ? " (in-band)" : "");
		isdn_call_alerting(c->isdn, inband);
	} else if (c->x && c->x->sip) {
		ladder(c, "sip-in", "-> 180");
		sip_call_ring(c->x->sip, 180, SV_NULL);
	}
}

/* early media from the far side: the caller hears it */
static void in_progress(struct gw_call *c)
{
	if (c->isdn) {
		ladder(c, "isdn", "-> PROGRESS (in-band)");
		isdn_call_progress(c->isdn, true);
	} else if (c->x && c->x->sip) {
		ladder(c, "sip-in", "-> 183 with SDP");
		sip_call_ring(c->x->sip, 183, sv_make(c->x->rl.sdp, (size_t)c->x->rl.sdp_len));
	}
}

static void in_answer(struct gw_call *c)
{
	if (c->isdn) {
		ladder(c, "isdn", "-> CONNECT");
		isdn_call_answer(c->isdn);
	} else if (c->x && c->x->sip) {
		ladder(c, "sip-in", "-> 200 with SDP");
		c->x->answered = true;
		sip_call_answer(c->x->sip, sv_make(c->x->rl.sdp, (size_t)c->x->rl.sdp_len));
	}
}

/* status: the SIP final response that ended the far side, if one did */
static void in_end(struct gw_call *c, int cause, int status)
{
	if (c->isdn)
		isdn_end(c, cause);
	else
		sip_in_end(c, cause, status);
}

/* The legs toward where the call goes (SIP trunk, placed ISDN call). */
static void out_end(struct gw_call *c, int cause)
{
	sip_end(c, cause);
	isdn_out_end(c, cause);
}

static void no_answer_start(struct gw_call *c);

/* Every leg, with one cause (operator hang-up, RTP timeout). */
static void end_all(struct gw_call *c, int cause)
{
	in_end(c, cause, 0);
	c->state = CS_RELEASING;
	out_end(c, cause);
}

/* The dial plan's rule for the call, its numbers rewritten; false: none. */
static bool route(struct gw_call *c, struct dp_call *dc, struct dp_result *res)
{
	dc->when = time(NULL);
	if (dialplan_route(c->cc->cfg.dp, dc, res) < 0 || !res->rule)
		return false;
	snprintf(c->route, sizeof(c->route), "%s", res->rule->name);
	snprintf(c->called_out, sizeof(c->called_out), "%s", res->called);
	snprintf(c->calling_out, sizeof(c->calling_out), "%s", res->calling);
	return true;
}

static bool trunk_admit(struct gw_cc *cc, const struct gw_cc_trunk *t, const struct gw_call *self);

/* ---- SIP -> ISDN ---------------------------------------------------------------------------- */

static struct gw_call *sip_call_of(struct sip_call *s)
{
	struct gw_ref *r = sip_call_user(s);

	return r ? r->c : NULL;
}

/* Is s the caller's dialog of a SIP to SIP call? */
static bool sip_second(struct sip_call *s)
{
	struct gw_ref *r = sip_call_user(s);

	return r && r->second;
}

static void refuse_sip(struct gw_call *c, int status, int cause, const char *why)
{
	char reason[128];

	gw_reason_format(cause, reason, sizeof(reason));
	c->sip_status = status;
	c->cause = cause;
	set_why(c, "gateway", "%s", why);
	ladder(c, "sip", "-> %d (%s)", status, why);
	c->sip_ending = true;
	sip_call_reject(c->sip, status, reason);
}

/* A dialled number (TON unknown) as the type of number a span wants
 * ([span] dialplan: national turns 0301234 into 301234 TON national);
 * unknown (or none) sends it as dialled. */
static void line_number(const struct gw_cc *cc, struct isdn_number *n, int want)
{
	struct number nb, conv;
	char err[80];

	if (want <= 0 || !n->digits[0] || n->ton != ISDN_TON_UNKNOWN || /* unknown: as dialled */
	    number_normalise(cc->cfg.numctx, sv_cstr(n->digits), &nb, err, sizeof(err)) < 0 || nb.npi != NUMBER_NPI_E164)
		return;
	if (number_convert(cc->cfg.numctx, &nb, (enum number_ton)want, &conv) < 0)
		return; /* it has no such form (a foreign number as national): as dialled */
	nb = conv;
	snprintf(n->digits, sizeof(n->digits), "%s", nb.digits);
	n->ton = (enum isdn_ton)nb.ton;
}

/* SETUP on a span of g, the numbers in the type of number its spans want. */
static int place_on_group(struct gw_cc *cc, struct isdn_group *g, struct isdn_setup *su, struct gw_ref *ref,
			  struct isdn_call **out)
{
	if (cc->cfg.numctx && g->nspans) {
		const struct cc_span *sp = span_of(cc, g->spans[0]);

		if (sp) {
			line_number(cc, &su->called, sp->pri->opts.dialplan);
			line_number(cc, &su->calling, sp->pri->opts.localdialplan);
		}
	}
	return isdn_group_place(g, su, ref, out);
}

/* The SETUP for the route's numbers (as rewritten), the caller's
 * presentation and redirecting number. */
static void setup_of_route(const struct gw_call *c, const struct dp_result *res, struct isdn_setup *su)
{
	memset(su, 0, sizeof(*su));
	snprintf(su->called.digits, sizeof(su->called.digits), "%.31s", res->called);
	su->called.ton = res->called_ton >= 0 ? (enum isdn_ton)res->called_ton : ISDN_TON_UNKNOWN;
	su->called.npi = ISDN_NPI_E164;
	snprintf(su->calling.digits, sizeof(su->calling.digits), "%.31s", res->calling);
	su->calling.ton = res->calling_ton >= 0 ? (enum isdn_ton)res->calling_ton : ISDN_TON_UNKNOWN;
	su->calling.npi = ISDN_NPI_E164;
	su->restricted = res->presentation == 1 || (res->presentation < 0 && c->restricted);
	snprintf(su->redirecting.digits, sizeof(su->redirecting.digits), "%.31s", c->redirecting);
	su->redirecting.ton = (enum isdn_ton)c->redirecting_ton;
	su->redirecting.npi = ISDN_NPI_E164;
	su->bearer = c->data ? ISDN_BEARER_DIGITAL_64K : ISDN_BEARER_SPEECH;
	su->complete = true;
}

static struct isdn_group *group_named(struct gw_cc *cc, const char *name)
{
	for (size_t i = 0; i < cc->ngroups; i++)
		if (!strcmp(cc->groups[i].name, name))
			return &cc->groups[i];
	return NULL;
}

static struct gw_leg2 *leg2_new(struct gw_call *c)
{
	if (!c->x && (c->x = mem_zalloc(sizeof(*c->x)))) {
		c->x->ref.c = c;
		c->x->ref.second = true;
		c->x->rl.annexb = -1;
		c->x->rl.t38 = -1;
	}
	return c->x;
}

static void route_to_isdn(struct gw_call *c, const struct dp_result *res, struct sv offer)
{
	struct gw_cc *cc = c->cc;
	struct isdn_setup su;
	struct isdn_group *g = group_named(cc, res->rule->span_group);
	int rc;

	if (!g) {
		refuse_sip(c, 503, Q850_NO_ROUTE_DESTINATION, "no such span group");
		return;
	}
	if (!offer.len) {
		/* offerless INVITEs are answered with an offer in a later version */
		refuse_sip(c, 488, Q850_BEARER_CAP_NOT_IMPLEMENTED, "INVITE without SDP offer");
		return;
	}
	{
		struct sdp_session o;
		struct sdp_error e;

		/* CLEARMODE offered alone (RFC 4040): 64 kbit/s unrestricted
		 * digital on the ISDN side */
		c->data = sdp_parse(&o, offer.p, offer.len, &e) == 0 && sdp_offer_is_clearmode(&o);
	}
	setup_of_route(c, res, &su);
	rc = place_on_group(cc, g, &su, &c->ref, &c->isdn);
	if (rc < 0) {
		int cause = rc == -EBUSY ? Q850_NO_CIRCUIT_AVAILABLE : Q850_NETWORK_OUT_OF_ORDER;

		c->isdn = NULL;
		refuse_sip(c, 503, cause, rc == -EBUSY ? "all channels busy" : "no span up in the group");
		return;
	}
	c->span = span_of(cc, isdn_call_span(c->isdn));
	c->ts = isdn_call_channel(c->isdn);
	{
		uint64_t pdd = mono_us() - c->start_us;

		cc->pdd_hist[pdd / 10 < PDD_BUCKETS ? pdd / 10 : PDD_BUCKETS - 1]++;
		cc->pdd_n++;
		if (pdd > cc->pdd_max_us)
			cc->pdd_max_us = pdd;
	}
	ladder(c, "isdn", "-> SETUP span %d B%d called %s calling %s%s%s", c->span ? c->span->num : 0, c->ts,
	       su.called.digits, su.calling.digits, su.restricted ? " (restricted)" : "",
	       c->data ? " (unrestricted digital)" : "");
	if (!c->span || answer_offer(c, &c->rl, offer) < 0) {
		isdn_end(c, Q850_BEARER_CAP_NOT_AVAIL);
		refuse_sip(c, 488, Q850_BEARER_CAP_NOT_AVAIL, "no common codec");
		return;
	}
	c->state = CS_PROCEEDING;
	no_answer_start(c);
}

static void take_route(struct gw_call *c, const struct dp_result *res);
static void route_to_sip(struct gw_call *c);

/* SIP to SIP: the caller's dialog becomes the second leg, its RTP on one
 * channel of a bridge pair; the call's own SIP leg goes to the route's
 * trunks (with their failover) from the pair's other channel. */
static void route_sip_to_sip(struct gw_call *c, const struct dp_result *res, struct sv offer)
{
	struct gw_cc *cc = c->cc;
	struct gw_leg2 *x;
	unsigned k;

	if (!offer.len) {
		refuse_sip(c, 488, Q850_BEARER_CAP_NOT_IMPLEMENTED, "INVITE without SDP offer");
		return;
	}
	for (k = 0; k < cc->bridge_pairs && cc->bridge_used[k]; k++)
		;
	if (k == cc->bridge_pairs) {
		refuse_sip(c, 503, Q850_NO_CIRCUIT_AVAILABLE,
			   cc->bridge_pairs ? "every bridge channel busy" : "no bridge for SIP to SIP calls");
		return;
	}
	if (!(x = leg2_new(c))) {
		refuse_sip(c, 503, Q850_TEMPORARY_FAILURE, "no memory");
		return;
	}
	cc->bridge_used[k] = true;
	x->pair = k + 1;
	x->sip = c->sip;
	c->sip = NULL;
	c->sip_in = false;
	sip_call_set_user(x->sip, &x->ref);
	snprintf(c->direction, sizeof(c->direction), "sip-to-sip");
	/* the caller's DTMF settings are its trunk's; the far leg's come
	 * from the trunk it goes to */
	x->rl.dtmf_inband = c->rl.dtmf_inband;
	x->rl.dtmf_info = c->rl.dtmf_info;
	memcpy(x->rl.codecs, c->rl.codecs, sizeof(x->rl.codecs));
	x->rl.ncodecs = c->rl.ncodecs;
	x->rl.annexb = c->rl.annexb;
	x->rl.t38 = c->rl.t38;
	c->rl.dtmf_inband = c->rl.dtmf_info = false;
	c->rl.ncodecs = 0;
	c->rl.annexb = -1;
	c->rl.t38 = -1;
	x->rl.gm = c->rl.gm = cc->bridge;
	x->rl.ts = (int)(2 * k + 1);
	c->rl.ts = (int)(2 * k + 2);
	if (answer_offer(c, &x->rl, offer) < 0) {
		sip_in_end(c, Q850_BEARER_CAP_NOT_AVAIL, 488);
		set_why(c, "gateway", "no common codec");
		return;
	}
	ladder(c, "sip-in", "bridge pair %u", x->pair);
	take_route(c, res);
	route_to_sip(c);
}

/* The party a call was last retargeted from, by History-Info (RFC 7044):
 * the entry the last one with "mp" (a retarget by redirection) names, or
 * the entry before it. */
static bool history_redirecting(const struct sip_msg *m, struct sip_uri *from)
{
	struct sip_history_info e[16];
	size_t n = 0;

	for (const struct sip_hdr *h = sip_msg_hdr_find(m, SIP_HDR_HISTORY_INFO, NULL); h;
	     h = sip_msg_hdr_find(m, SIP_HDR_HISTORY_INFO, h)) {
		struct sv rest = h->value, elem;

		while (n < sizeof(e) / sizeof(e[0]) && sip_list_next(&rest, &elem))
			if (sip_history_info_parse(elem, &e[n]) == 0)
				n++;
	}
	for (size_t i = n; i-- > 1;) {
		if (e[i].tag != SIP_HI_MP)
			continue;
		for (size_t k = 0; k < i; k++) {
			if (sv_eq(e[k].index, e[i].tag_index)) {
				*from = e[k].na.uri;
				return true;
			}
		}
		*from = e[i - 1].na.uri;
		return true;
	}
	return false;
}

static void cc_incoming(void *arg, struct sip_call *s, const struct sip_msg *m, struct sv body)
{
	struct gw_cc *cc = arg;
	enum sip_proto proto;
	const struct sip_addr *peer = sip_call_peer(s, &proto);
	const struct gw_cc_trunk *t = trunk_of_addr(cc, &peer->ss, s);
	struct gw_call *c = call_new(cc, "sip-to-isdn");
	const struct sip_hdr *from = sip_msg_hdr_find(m, SIP_HDR_FROM, NULL);
	struct sip_name_addr na;
	char addr[64];
	int called_ton = ISDN_TON_UNKNOWN, calling_ton = ISDN_TON_UNKNOWN;
	struct dp_call dc;
	struct dp_result res;
	bool trusted = t != NULL;

	if (!c) {
		sip_call_reject(s, 503, NULL);
		return;
	}
	hold(c);
	c->sip = s;
	c->sip_in = true;
	sip_call_set_user(s, &c->ref);
	addr_text(&peer->ss, addr, sizeof(addr));
	snprintf(c->source, sizeof(c->source), "%s", t ? t->name : addr);
	if (t) {
		snprintf(c->trunk, sizeof(c->trunk), "%s", t->name);
		c->rl.dtmf_inband = t->dtmf_inband;
		c->rl.dtmf_info = t->dtmf_info;
		memcpy(c->rl.codecs, t->codecs, sizeof(c->rl.codecs));
		c->rl.ncodecs = t->ncodecs;
		c->rl.annexb = t->g729_annexb;
		c->rl.t38 = t->t38;
	}
	uri_number(cc, &m->ruri, c->called, sizeof(c->called), &called_ton);
	if (from && sip_name_addr_parse(from->value, &na) == 0)
		uri_number(cc, &na.uri, c->calling, sizeof(c->calling), &calling_ton);
	/* a trusted trunk's P-Asserted-Identity is the caller (RFC 3325 §9.1) */
	if (t && t->trusted) {
		const struct sip_hdr *pai = sip_msg_hdr_find(m, SIP_HDR_P_ASSERTED_IDENTITY, NULL);

		if (pai && sip_name_addr_parse(pai->value, &na) == 0)
			uri_number(cc, &na.uri, c->calling, sizeof(c->calling), &calling_ton);
	}
	{
		const struct sip_hdr *dh = sip_msg_hdr_find(m, SIP_HDR_DIVERSION, NULL);
		struct sip_diversion dv;
		struct sip_uri hu;

		if (dh && sip_diversion_parse(dh->value, &dv) == 0)
			uri_number(cc, &dv.na.uri, c->redirecting, sizeof(c->redirecting), &c->redirecting_ton);
		else if (history_redirecting(m, &hu))
			uri_number(cc, &hu, c->redirecting, sizeof(c->redirecting), &c->redirecting_ton);
	}
	c->restricted = privacy_id(m);
	ladder(c, "sip", "<- INVITE %s from %s (%s)", c->called, c->calling[0] ? c->calling : "-", addr);
	for (size_t i = 0; !trusted && i < cc->nallow; i++)
		trusted = net_match(&cc->allow[i], &peer->ss);
	if (t && !trunk_admit(cc, t, c)) {
		refuse_sip(c, 503, Q850_SWITCH_CONGESTION, "trunk at its call limit");
		release(c);
		return;
	}
	if (!trusted) {
		cc->st.refused_source++;
		LOGP(LOGC_GW, LOGL_NOTICE, "call C%u: INVITE from %s refused (403): not a trunk or an allowed network",
		     c->id, addr);
		refuse_sip(c, 403, Q850_CALL_REJECTED, "source not allowed");
		release(c);
		return;
	}
	memset(&dc, 0, sizeof(dc));
	dc.source_kind = t ? DP_SOURCE_TRUNK : DP_SOURCE_ADDRESS;
	dc.source = t ? t->name : "";
	dc.source_addr = addr;
	dc.called = c->called;
	dc.calling = c->calling;
	dc.called_ton = called_ton;
	dc.calling_ton = calling_ton;
	dc.presentation = c->restricted ? 1 : 0;
	if (!route(c, &dc, &res)) {
		refuse_sip(c, 404, Q850_UNALLOCATED_NUMBER, "no route for the number");
		release(c);
		return;
	}
	switch (res.rule->action) {
	case DP_REJECT:
		refuse_sip(c, gw_cause_map_to_sip(c->cc->cfg.causes, res.rule->reject_cause), res.rule->reject_cause,
			   "rejected by the dial plan");
		break;
	case DP_ROUTE:
		if (res.rule->span_group[0])
			route_to_isdn(c, &res, body);
		else
			route_sip_to_sip(c, &res, body);
		break;
	case DP_REDIRECT: {
		/* a redirect server (RFC 3261 §8.3): 302 with where to call;
		 * "${called}" in the rule's contact is the number after rewriting */
		char contact[256];
		const char *tpl = res.rule->redirect_contact, *at = strstr(tpl, "${called}");

		if (at)
			snprintf(contact, sizeof(contact), "%.*s%s%s", (int)(at - tpl), tpl, res.called, at + 9);
		else
			snprintf(contact, sizeof(contact), "%s", tpl);
		c->sip_status = 302;
		set_why(c, "gateway", "redirected to %s", contact);
		ladder(c, "sip", "-> 302 Contact %s", contact);
		c->sip_ending = true;
		sip_call_reject_contact(c->sip, 302, NULL, contact);
		break;
	}
	case DP_TESTLINE:
		refuse_sip(c, 501, Q850_SERVICE_NOT_IMPLEMENTED, "test lines answer ISDN calls only");
		break;
	}
	release(c);
}

/* The call has gone out (SETUP or INVITE): it must be answered in time;
 * a later INVITE of the same call (failover, overlap) keeps the deadline. */
static void no_answer_start(struct gw_call *c)
{
	if (c->cc->cfg.no_answer_ms && !timer_running(&c->noanswer_timer))
		clock_timer_start_ms(loop_clock(c->cc->loop), &c->noanswer_timer, c->cc->cfg.no_answer_ms);
}

static void on_no_answer(struct timer *t, void *arg)
{
	struct gw_call *c = arg;

	(void)t;
	if (c->state == CS_ANSWERED || c->state == CS_RELEASING || c->state == CS_ENDED)
		return;
	hold(c);
	ladder(c, "gateway", "no answer within %u s", c->cc->cfg.no_answer_ms / 1000);
	set_why(c, "gateway", "no answer within %u s", c->cc->cfg.no_answer_ms / 1000);
	end_all(c, Q850_NO_ANSWER);
	release(c);
}

/* ---- ISDN events ----------------------------------------------------------------------------- */

static void isdn_to_sip_progress(struct gw_call *c, int status, bool with_sdp)
{
	if (!c->sip || c->sip_answered)
		return;
	ladder(c, "sip", "-> %d%s", status, with_sdp ? " with SDP" : "");
	sip_call_ring(c->sip, status, with_sdp ? sv_make(c->rl.sdp, (size_t)c->rl.sdp_len) : SV_NULL);
}

/* The network says our call failed and tells why in-band (a PROGRESS
 * with a cause, or a DISCONNECT with in-band info that libpri reports so):
 * the SIP caller hears the announcement as early media (183) and gets the
 * final response when the network clears, or after the span's
 * inband_disconnect time, when we clear. */
static void isdn_failed_inband(struct gw_call *c, const struct isdn_event *ev)
{
	unsigned ms = c->span->pri->opts.inband_disconnect_ms;

	if (!c->cause)
		c->cause = ev->cause;
	set_why(c, "callee", "ISDN cause %d (%s)%s", ev->cause, q850_cause_name(ev->cause),
		ev->inband && ms ? ", announced in-band" : "");
	if (!ev->inband || !ms || !c->sip || c->sip_answered) {
		c->state = CS_RELEASING;
		ladder(c, "isdn", "-> DISCONNECT cause %d", ev->cause);
		isdn_call_hangup(c->isdn, ev->cause);
		sip_end(c, ev->cause);
		return;
	}
	c->state = CS_EARLY;
	isdn_to_sip_progress(c, 183, true);
	clock_timer_start_ms(loop_clock(c->cc->loop), &c->announce_timer, ms);
}

/* The announcement has played long enough: a call toward ISDN is cleared
 * (the SIP caller gets the cause as the final response); a test line that
 * announces a failure disconnects. */
static void on_announce_timeout(struct timer *t, void *arg)
{
	struct gw_call *c = arg;

	(void)t;
	if (!c->isdn || c->state == CS_RELEASING)
		return;
	hold(c);
	ladder(c, "isdn", "announcement over");
	if (c->testline) {
		isdn_end(c, c->cause);
	} else {
		c->state = CS_RELEASING;
		ladder(c, "isdn", "-> DISCONNECT cause %d", c->cause);
		isdn_call_hangup(c->isdn, c->cause);
		sip_end(c, c->cause);
	}
	release(c);
}

/* originate --overlap: the next digit in INFORMATION, 150 ms apart */
static void on_dial_timer(struct timer *t, void *arg)
{
	struct gw_call *c = arg;
	char one[2] = {c->dial_rest[0], 0};

	(void)t;
	if (!c->isdn || !one[0] || c->state == CS_RELEASING)
		return;
	memmove(c->dial_rest, c->dial_rest + 1, strlen(c->dial_rest));
	ladder(c, "isdn", "-> INFORMATION %s", one);
	isdn_call_digits(c->isdn, one);
	if (c->dial_rest[0])
		clock_timer_start_ms(loop_clock(c->cc->loop), &c->dial_timer, 150);
}

/* An ISDN event on a call we placed toward ISDN from SIP. */
static void outgoing_event(struct gw_call *c, const struct isdn_event *ev)
{
	switch (ev->kind) {
	case ISDN_EV_SETUP_ACK:
		ladder(c, "isdn", "<- SETUP ACKNOWLEDGE");
		if (c->dial_rest[0])
			clock_timer_start_ms(loop_clock(c->cc->loop), &c->dial_timer, 150);
		break;
	case ISDN_EV_PROCEEDING:
		ladder(c, "isdn", "<- CALL PROCEEDING");
		break;
	case ISDN_EV_ALERTING:
		ladder(c, "isdn", "<- ALERTING%s", ev->inband ? " (in-band)" : "");
		c->state = ev->inband ? CS_EARLY : CS_ALERTING;
		isdn_to_sip_progress(c, ev->inband ? 183 : 180, ev->inband);
		break;
	case ISDN_EV_PROGRESS:
		if (ev->cause) {
			ladder(c, "isdn", "<- PROGRESS cause %d%s", ev->cause, ev->inband ? " (in-band)" : "");
			isdn_failed_inband(c, ev);
			break;
		}
		ladder(c, "isdn", "<- PROGRESS%s", ev->inband ? " (in-band)" : "");
		if (ev->inband) {
			c->state = CS_EARLY;
			isdn_to_sip_progress(c, 183, true);
		}
		break;
	case ISDN_EV_CONNECT:
		ladder(c, "isdn", "<- CONNECT");
		c->state = CS_ANSWERED;
		c->answer_ms = wall_ms();
		if (c->testline && !c->rl.on) {
			/* an originated call: the test line's audio on the channel */
			testline_media(c, c->tl);
			ladder(c, "isdn", "test line %s on B%d", dp_testline_names[c->tl], c->ts);
		}
		if (c->sip) {
			ladder(c, "sip", "-> 200 with SDP");
			c->sip_answered = true;
			c->sip_status = 200;
			sip_call_answer(c->sip, sv_make(c->rl.sdp, (size_t)c->rl.sdp_len));
		}
		break;
	default:
		break;
	}
}

/* An ISDN event on a call that came in from ISDN toward SIP. */
static void isdn_decide(struct gw_call *c, bool final);

static void overlap_next_invite(struct gw_call *c);

/* An ISDN event on a call that came in from ISDN: more digits in overlap. */
static void incoming_event(struct gw_call *c, const struct isdn_event *ev)
{
	size_t n = strlen(c->called);
	bool hash = false;

	if (ev->kind != ISDN_EV_DIGITS || !c->overlap || !ev->digits)
		return;
	ladder(c, "isdn", "<- INFORMATION %s", ev->digits);
	for (const char *d = ev->digits; *d; d++) {
		if (*d == '#') {
			hash = true; /* the caller says the number is complete */
			break;
		}
		if (n + 1 < sizeof(c->called))
			c->called[n++] = *d;
	}
	c->called[n] = 0;
	if (c->sip_overlap) {
		/* the trunk decides when the number is complete */
		if (hash)
			c->overlap = false;
		else
			clock_timer_start_ms(loop_clock(c->cc->loop), &c->overlap_timer,
					     c->cc->cfg.overlap_timeout_ms ? c->cc->cfg.overlap_timeout_ms : 5000);
		if (c->sip_awaiting)
			overlap_next_invite(c);
		return;
	}
	isdn_decide(c, hash);
}

static void isdn_incoming(struct gw_cc *cc, struct cc_span *sp, struct isdn_call *call,
			  const struct isdn_setup *su);

/* An event of the call an ISDN to ISDN call placed: told to the caller's
 * ISDN leg as it is. */
static void isdn_out_event(struct gw_call *c, struct isdn_call *call, const struct isdn_event *ev)
{
	struct gw_leg2 *x = c->x;

	switch (ev->kind) {
	case ISDN_EV_PROCEEDING:
		ladder(c, "isdn-out", "<- CALL PROCEEDING");
		break;
	case ISDN_EV_ALERTING:
		ladder(c, "isdn-out", "<- ALERTING%s", ev->inband ? " (in-band)" : "");
		c->state = ev->inband ? CS_EARLY : CS_ALERTING;
		if (c->isdn)
			in_alerting(c, ev->inband);
		break;
	case ISDN_EV_PROGRESS:
		ladder(c, "isdn-out", "<- PROGRESS%s%s", ev->cause ? " with a cause" : "", ev->inband ? " (in-band)" : "");
		if (!c->isdn)
			break;
		if (ev->cause) {
			/* the far network announces a failure: so does ours */
			c->cause = ev->cause;
			ladder(c, "isdn", "-> PROGRESS cause %d (in-band)", ev->cause);
			isdn_call_progress_cause(c->isdn, ev->cause);
		} else if (ev->inband) {
			c->state = CS_EARLY;
			in_progress(c);
		}
		break;
	case ISDN_EV_CONNECT:
		ladder(c, "isdn-out", "<- CONNECT");
		c->state = CS_ANSWERED;
		c->answer_ms = wall_ms();
		if (c->isdn)
			in_answer(c);
		break;
	case ISDN_EV_DISCONNECT:
		ladder(c, "isdn-out", "<- DISCONNECT cause %d", ev->cause);
		if (!c->cause)
			c->cause = ev->cause;
		set_why(c, "callee", "ISDN cause %d (%s)", ev->cause, q850_cause_name(ev->cause));
		x->ending = true;
		isdn_call_hangup(call, ev->cause);
		isdn_end(c, ev->cause);
		c->state = CS_RELEASING;
		break;
	case ISDN_EV_RELEASED:
		ladder(c, "isdn-out", "<- RELEASE cause %d", ev->cause);
		if (!c->cause)
			c->cause = ev->cause;
		leg_media_stop(&x->rl);
		x->isdn = NULL;
		isdn_call_set_user(call, NULL);
		if (c->state != CS_RELEASING)
			set_why(c, "callee", "ISDN released, cause %d (%s)", ev->cause, q850_cause_name(ev->cause));
		isdn_end(c, ev->cause ? ev->cause : Q850_NORMAL_CLEARING);
		c->state = CS_RELEASING;
		break;
	default:
		break;
	}
}

void gw_cc_isdn_event(struct gw_cc *cc, struct gw_pri *pri, struct isdn_call *call,
		      const struct isdn_event *ev)
{
	struct gw_ref *r = isdn_call_user(call);
	struct gw_call *c = r ? r->c : NULL;
	struct cc_span *sp = span_of(cc, pri->isdn);

	if (ev->kind == ISDN_EV_INCOMING) {
		if (sp)
			isdn_incoming(cc, sp, call, ev->setup);
		else
			isdn_call_hangup(call, Q850_TEMPORARY_FAILURE);
		return;
	}
	if (!c) {
		if (ev->kind == ISDN_EV_DISCONNECT)
			isdn_call_hangup(call, ev->cause);
		return;
	}
	hold(c);
	if (r->second) {
		isdn_out_event(c, call, ev);
		release(c);
		return;
	}
	switch (ev->kind) {
	case ISDN_EV_DISCONNECT:
		ladder(c, "isdn", "<- DISCONNECT cause %d%s", ev->cause, ev->inband ? " (in-band)" : "");
		if (!c->cause)
			c->cause = ev->cause;
		set_why(c, isdn_call_outgoing(call) ? "callee" : "caller", "ISDN cause %d (%s)", ev->cause,
			q850_cause_name(ev->cause));
		c->state = CS_RELEASING;
		isdn_call_hangup(call, ev->cause);
		out_end(c, ev->cause);
		break;
	case ISDN_EV_RELEASED:
		ladder(c, "isdn", "<- RELEASE cause %d", ev->cause);
		if (!c->cause)
			c->cause = ev->cause;
		set_why(c, "network", "ISDN released, cause %d (%s)", ev->cause, q850_cause_name(ev->cause));
		leg_media_stop(&c->rl);
		c->isdn = NULL;
		isdn_call_set_user(call, NULL);
		out_end(c, ev->cause ? ev->cause : Q850_NORMAL_CLEARING);
		break;
	default:
		if (isdn_call_outgoing(call))
			outgoing_event(c, ev);
		else
			incoming_event(c, ev);
		break;
	}
	release(c);
}

/* ---- ISDN -> test line / SIP --------------------------------------------------------------------- */

static void start_testline(struct gw_call *c, enum dp_testline tl)
{
	c->testline = true;
	c->tl = tl;
	snprintf(c->trunk, sizeof(c->trunk), "testline:%s", dp_testline_names[tl]);
	if (tl == DP_TEST_BUSY || tl == DP_TEST_CONGESTION) {
		int cause = tl == DP_TEST_BUSY ? Q850_USER_BUSY : Q850_NO_CIRCUIT_AVAILABLE;

		set_why(c, "callee", "test line %s", dp_testline_names[tl]);
		isdn_end(c, cause);
		return;
	}
	if (tl == DP_TEST_BUSYTONE || tl == DP_TEST_CONGESTIONTONE) {
		/* as an exchange does it: the cause now, the tone in-band for 4 s,
		 * then DISCONNECT */
		int cause = tl == DP_TEST_BUSYTONE ? Q850_USER_BUSY : Q850_NO_CIRCUIT_AVAILABLE;

		set_why(c, "callee", "test line %s", dp_testline_names[tl]);
		c->cause = cause;
		testline_media(c, tl);
		ladder(c, "isdn", "-> PROGRESS cause %d, in-band (test line %s)", cause, dp_testline_names[tl]);
		isdn_call_progress_cause(c->isdn, cause);
		clock_timer_start_ms(loop_clock(c->cc->loop), &c->announce_timer, 4000);
		return;
	}
	if (testline_media(c, tl) < 0) {
		set_why(c, "gateway", "test line could not start");
		isdn_end(c, Q850_RESOURCE_UNAVAILABLE);
		return;
	}
	ladder(c, "isdn", "-> CONNECT (test line %s)", dp_testline_names[tl]);
	isdn_call_answer(c->isdn);
	c->state = CS_ANSWERED;
	c->answer_ms = wall_ms();
	snprintf(c->rl.codec, sizeof(c->rl.codec), "%s", c->span->pri->tdm && c->span->pri->tdm->cfg.law == TDM_LAW_ULAW ? "PCMU" : "PCMA");
}

/* "sip:+4930123@host:port;user=phone" (or sips:) for a number toward a trunk */
static void number_uri_raw(const struct sip_uri *u, const char *digits, int ton, char *out, size_t size);

/* An ISDN number and its type of number toward SIP: with a numbering
 * context, a global number (+E.164) whenever it can be one, else a local
 * one with phone-context=+CC (RFC 3966 §5.1.5); without a context, '+'
 * for TON international. */
static void number_uri(const struct gw_cc *cc, const struct sip_uri *u, const char *digits, int ton, char *out,
		       size_t size)
{
	const struct number_ctx *ctx = cc->cfg.numctx;
	struct number nb = {.ton = (enum number_ton)ton, .npi = NUMBER_NPI_E164};
	char e164[40], err[80], local[80];

	if (!ctx || !digits[0]) {
		number_uri_raw(u, digits, ton, out, size);
		return;
	}
	snprintf(nb.digits, sizeof(nb.digits), "%.31s", digits);
	if (ton == ISDN_TON_UNKNOWN && number_normalise(ctx, sv_cstr(digits), &nb, err, sizeof(err)) < 0) {
		number_uri_raw(u, digits, ton, out, size);
		return;
	}
	if (number_format(ctx, &nb, NUMBER_FORM_E164, e164, sizeof(e164)) > 0) {
		number_uri_raw(u, e164 + 1, ISDN_TON_INTERNATIONAL, out, size);
		return;
	}
	snprintf(local, sizeof(local), "%s;phone-context=+%s", digits, ctx->country_code);
	number_uri_raw(u, local, ISDN_TON_UNKNOWN, out, size);
}

static void number_uri_raw(const struct sip_uri *u, const char *digits, int ton, char *out, size_t size)
{
	int n = snprintf(out, size, "%s:%s%s@%s%.*s%s", u->scheme == SIP_URI_SIPS ? "sips" : "sip",
			 ton == ISDN_TON_INTERNATIONAL ? "+" : "", digits, u->host_ipv6 ? "[" : "", (int)u->host.len,
			 u->host.p, u->host_ipv6 ? "]" : "");

	if (n > 0 && (size_t)n < size && u->port)
		n += snprintf(out + n, size - (size_t)n, ":%u", u->port);
	if (n > 0 && (size_t)n < size)
		snprintf(out + n, size - (size_t)n, ";user=phone");
}

/* May a call go to or come from t now (max_calls, max_cps)? */
static bool trunk_admit(struct gw_cc *cc, const struct gw_cc_trunk *t, const struct gw_call *self)
{
	size_t i = (size_t)(t - cc->cfg.trunks);
	unsigned active = 0;
	uint64_t now = mono_ms();

	if (t->max_calls) {
		for (const struct gw_call *c = cc->calls; c; c = c->next)
			active += c != self && !strcmp(c->trunk, t->name) && c->state != CS_ENDED;
		if (active >= t->max_calls)
			return false;
	}
	if (t->max_cps && i < MAX_TRUNKS) {
		double *tokens = &cc->tokens[i];

		*tokens += (double)(now - cc->token_ms[i]) * t->max_cps / 1000.0;
		if (*tokens > t->max_cps)
			*tokens = t->max_cps;
		cc->token_ms[i] = now;
		if (*tokens < 1.0)
			return false;
		*tokens -= 1.0;
	}
	return true;
}

/* INVITE the next trunk of the route; when none is left the ISDN call
 * ends with the last failure's cause. */
static void route_to_sip(struct gw_call *c)
{
	struct gw_cc *cc = c->cc;
	char to[256], from[256], hdrs[768], pai[256], div[256];
	int rc;

	while (c->next_trunk < c->ntrunk_list) {
		const struct gw_cc_trunk *t = trunk_named(cc, c->trunk_list[c->next_trunk++]);
		bool anonymous = c->out.presentation == 1 || (c->out.presentation < 0 && c->restricted) ||
				 !c->out.calling[0];
		struct sip_uri u;
		size_t n = 0;

		if (!t || !cc->ua || sip_uri_parse(&u, sv_cstr(t->uri)) < 0)
			continue;
		if (!trunk_admit(cc, t, c)) {
			ladder(c, "sip", "trunk %s at its limit", t->name);
			c->last_cause = Q850_SWITCH_CONGESTION;
			continue;
		}
		snprintf(c->trunk, sizeof(c->trunk), "%s", t->name);
		c->rl.dtmf_inband = t->dtmf_inband;
		c->rl.dtmf_info = t->dtmf_info;
		memcpy(c->rl.codecs, t->codecs, sizeof(c->rl.codecs));
		c->rl.ncodecs = t->ncodecs;
		c->rl.annexb = t->g729_annexb;
		c->rl.t38 = t->t38;
		number_uri(cc, &u, c->out.called, c->out.called_ton, to, sizeof(to));
		hdrs[0] = 0;
		if (c->out.calling[0]) {
			struct sip_uri me = u;

			me.host = sv_cstr(cc->cfg.sip_host);
			me.host_ipv6 = strchr(cc->cfg.sip_host, ':') != NULL;
			me.port = 0;
			number_uri(cc, &me, c->out.calling, c->out.calling_ton, pai, sizeof(pai));
			/* the identity goes to trusted trunks only (RFC 3325 §5) */
			if (t->trusted)
				n += (size_t)snprintf(hdrs + n, sizeof(hdrs) - n, "P-Asserted-Identity: <%s>\r\n", pai);
			if (!anonymous)
				snprintf(from, sizeof(from), "%s", pai);
		}
		if (anonymous) {
			snprintf(from, sizeof(from), "sip:anonymous@anonymous.invalid");
			n += (size_t)snprintf(hdrs + n, sizeof(hdrs) - n, "Privacy: id\r\n");
		}
		if (c->redirecting[0] && n < sizeof(hdrs)) {
			struct sip_uri me = u;

			me.host = sv_cstr(cc->cfg.sip_host);
			me.host_ipv6 = strchr(cc->cfg.sip_host, ':') != NULL;
			me.port = 0;
			number_uri(cc, &me, c->redirecting, c->redirecting_ton, div, sizeof(div));
			if (t->redirect_hdr != GW_REDIRECT_HISTORY_INFO)
				n += (size_t)snprintf(hdrs + n, sizeof(hdrs) - n,
						      "Diversion: <%s>;reason=unknown;counter=1\r\n", div);
			/* RFC 7044 with RFC 4458's cause (RFC 6044: reason unknown is 404) */
			if (t->redirect_hdr != GW_REDIRECT_DIVERSION && n < sizeof(hdrs))
				snprintf(hdrs + n, sizeof(hdrs) - n,
					 "History-Info: <%s>;index=1,<%s;cause=404>;index=1.1;mp=1\r\n", div, to);
		}
		if (!c->rl.sdp_len && (rc = make_offer(c, &c->rl)) < 0) {
			set_why(c, "gateway", "no RTP port");
			in_end(c, Q850_RESOURCE_UNAVAILABLE, 0);
			return;
		}
		ladder(c, "sip", "-> INVITE %s%s", to, anonymous ? " (Privacy: id)" : "");
		rc = sip_call_invite_ids(cc->ua, to, from, sv_make(c->rl.sdp, (size_t)c->rl.sdp_len), NULL, hdrs,
					 c->have_ids ? &c->ids : NULL, &c->sip);
		if (rc < 0) {
			c->sip = NULL;
			c->last_cause = Q850_TEMPORARY_FAILURE;
			continue;
		}
		c->sip_ending = false;
		sip_call_set_user(c->sip, &c->ref);
		no_answer_start(c);
		snprintf(c->sent_called, sizeof(c->sent_called), "%s", c->called);
		if (!c->overlap) /* still dialling: PROCEEDING once the far end takes the number */
			in_proceeding(c);
		c->state = CS_PROCEEDING;
		return;
	}
	set_why(c, "gateway", "no trunk of the route took the call");
	in_end(c, c->last_cause ? c->last_cause : Q850_NO_ROUTE_DESTINATION, c->last_status);
}

/* Does the route fail over on this SIP status or Q.850 cause? */
static bool fails_over(const struct gw_call *c, int status, int cause)
{
	for (size_t i = 0; i < c->nfailover; i++)
		if (c->failover[i] == status || c->failover[i] == cause)
			return true;
	return false;
}

/* The route's trunks and failover, kept in the call for route_to_sip. */
static void take_route(struct gw_call *c, const struct dp_result *res)
{
	c->out = *res;
	c->out.rule = NULL; /* a reload may free it */
	for (size_t i = 0; i < res->rule->ntrunks; i++)
		snprintf(c->trunk_list[i], sizeof(c->trunk_list[i]), "%s", res->rule->trunks[i]);
	c->ntrunk_list = res->rule->ntrunks;
	memcpy(c->failover, res->rule->failover, sizeof(int) * res->rule->nfailover);
	c->nfailover = res->rule->nfailover;
}

/* ISDN to ISDN: a SETUP on the route's span group; the two B-channels hear
 * each other through an RTP hairpin on 127.0.0.1 (each channel's media
 * worker keeps its own clock; the jitter buffers take up the difference). */
static void route_isdn_to_isdn(struct gw_call *c, const struct dp_result *res)
{
	struct gw_cc *cc = c->cc;
	struct isdn_group *g = group_named(cc, res->rule->span_group);
	struct gw_leg2 *x;
	struct isdn_setup su;
	struct sockaddr_storage ss;
	socklen_t len;
	uint16_t pa, pb;
	int rc;

	if (!g || !(x = leg2_new(c))) {
		set_why(c, "gateway", g ? "no memory" : "no such span group");
		isdn_end(c, g ? Q850_TEMPORARY_FAILURE : Q850_NO_ROUTE_DESTINATION);
		return;
	}
	snprintf(c->direction, sizeof(c->direction), "isdn-to-isdn");
	setup_of_route(c, res, &su);
	rc = place_on_group(cc, g, &su, &x->ref, &x->isdn);
	if (rc < 0) {
		x->isdn = NULL;
		set_why(c, "gateway", rc == -EBUSY ? "all channels busy" : "no span up in the group");
		isdn_end(c, rc == -EBUSY ? Q850_NO_CIRCUIT_AVAILABLE : Q850_NETWORK_OUT_OF_ORDER);
		return;
	}
	x->span = span_of(cc, isdn_call_span(x->isdn));
	x->ts = isdn_call_channel(x->isdn);
	ladder(c, "isdn-out", "-> SETUP span %d B%d called %s calling %s%s%s", x->span ? x->span->num : 0, x->ts,
	       su.called.digits, su.calling.digits, su.restricted ? " (restricted)" : "",
	       c->data ? " (unrestricted digital)" : "");
	if (x->span) {
		x->rl.gm = x->span->media;
		x->rl.ts = x->ts;
	}
	x->rl.dtmf_inband = c->rl.dtmf_inband = true; /* digits stay in the audio */
	if (!x->span || start_rtp_at(c, &c->rl, "127.0.0.1", &pa) < 0 || start_rtp_at(c, &x->rl, "127.0.0.1", &pb) < 0) {
		set_why(c, "gateway", "no RTP port for the hairpin");
		isdn_out_end(c, Q850_RESOURCE_UNAVAILABLE);
		isdn_end(c, Q850_RESOURCE_UNAVAILABLE);
		return;
	}
	{
		/* voice as PCMA; a data call's octets as CLEARMODE (97) */
		int codec = c->data ? GW_MEDIA_CLEARMODE : DSP_PCMA;
		uint8_t pt = c->data ? 97 : 8;

		sockaddr_of("127.0.0.1", pb, &ss, &len);
		gw_media_rtp_remote(c->rl.gm, (unsigned)c->rl.ts, (struct sockaddr *)&ss, len, pt, -1, GM_DIGITS_AUDIO,
				    codec);
		sockaddr_of("127.0.0.1", pa, &ss, &len);
		gw_media_rtp_remote(x->rl.gm, (unsigned)x->rl.ts, (struct sockaddr *)&ss, len, pt, -1, GM_DIGITS_AUDIO,
				    codec);
		snprintf(c->rl.codec, sizeof(c->rl.codec), "%s", c->data ? sdp_clearmode.name : "PCMA");
	}
	in_proceeding(c);
	c->state = CS_PROCEEDING;
	no_answer_start(c);
}

/* The dial plan has decided an ISDN call: do what its rule says. */
static void isdn_dispatch(struct gw_call *c, const struct dp_result *res)
{
	switch (res->rule->action) {
	case DP_TESTLINE:
		snprintf(c->direction, sizeof(c->direction), "isdn-to-test");
		start_testline(c, res->rule->testline);
		break;
	case DP_REJECT:
		set_why(c, "gateway", "rejected by the dial plan");
		isdn_end(c, res->rule->reject_cause);
		break;
	case DP_ROUTE:
		/* a clear-channel data call (unrestricted digital) goes as
		 * CLEARMODE (RFC 4040): offered alone toward SIP, on the hairpin
		 * between ISDN legs; a trunk that does not take it answers 488 */
		if (res->rule->ntrunks) {
			take_route(c, res);
			route_to_sip(c);
		} else {
			route_isdn_to_isdn(c, res);
		}
		break;
	case DP_REDIRECT:
		set_why(c, "gateway", "the route's action is not supported for ISDN calls");
		isdn_end(c, Q850_SERVICE_NOT_IMPLEMENTED);
		break;
	}
}

static void on_overlap_timeout(struct timer *t, void *arg);

/* What the dial plan sees of a call from ISDN. */
static void isdn_dp_call(const struct gw_call *c, struct dp_call *dc)
{
	memset(dc, 0, sizeof(*dc));
	dc->source_kind = DP_SOURCE_SPAN_GROUP;
	dc->source = c->cc->groups[c->span->group].name;
	dc->called = c->called;
	dc->calling = c->calling;
	dc->called_ton = c->called_ton;
	dc->calling_ton = c->calling_ton;
	dc->presentation = c->restricted ? 1 : 0;
	dc->when = time(NULL);
}

/* Route an ISDN call on the digits it has.  final: no more will come (the
 * SETUP said sending complete, a '#', or the inter-digit timer ran out).
 * Otherwise (overlap receiving) a call the dial plan cannot decide yet gets
 * SETUP ACKNOWLEDGE and waits for INFORMATION with more digits. */
static void isdn_decide(struct gw_call *c, bool final)
{
	struct gw_cc *cc = c->cc;
	struct dp_call dc;
	struct dp_result res;
	int rc;

	isdn_dp_call(c, &dc);
	rc = final ? dialplan_route(cc->cfg.dp, &dc, &res) : dialplan_route_partial(cc->cfg.dp, &dc, &res);
	if (rc == -EAGAIN) {
		if (!c->setup_ack_sent) {
			c->setup_ack_sent = true;
			ladder(c, "isdn", "-> SETUP ACKNOWLEDGE (%s so far)", c->called[0] ? c->called : "no digits");
			isdn_call_setup_ack(c->isdn);
		}
		clock_timer_start_ms(loop_clock(cc->loop), &c->overlap_timer,
				     cc->cfg.overlap_timeout_ms ? cc->cfg.overlap_timeout_ms : 5000);
		/* a rule takes these digits already and its trunk does RFC 3578 */
		if (!c->data && dialplan_route_first(cc->cfg.dp, &dc, &res) == 0 && res.rule->ntrunks &&
		    trunk_named(cc, res.rule->trunks[0]) && trunk_named(cc, res.rule->trunks[0])->overlap) {
			c->sip_overlap = true;
			ladder(c, "sip", "overlap (RFC 3578): INVITE with %s so far", c->called);
			snprintf(c->route, sizeof(c->route), "%s", res.rule->name);
			snprintf(c->called_out, sizeof(c->called_out), "%s", res.called);
			snprintf(c->calling_out, sizeof(c->calling_out), "%s", res.calling);
			take_route(c, &res);
			route_to_sip(c);
		}
		return;
	}
	clock_timer_stop(loop_clock(cc->loop), &c->overlap_timer);
	c->overlap = false;
	if (rc < 0 || !res.rule) {
		set_why(c, "gateway", "no route for the number");
		isdn_end(c, Q850_UNALLOCATED_NUMBER);
		return;
	}
	snprintf(c->route, sizeof(c->route), "%s", res.rule->name);
	snprintf(c->called_out, sizeof(c->called_out), "%s", res.called);
	snprintf(c->calling_out, sizeof(c->calling_out), "%s", res.calling);
	isdn_dispatch(c, &res);
}

static void on_overlap_timeout(struct timer *t, void *arg)
{
	struct gw_call *c = arg;

	(void)t;
	if (!c->isdn || !c->overlap)
		return;
	hold(c);
	ladder(c, "isdn", "inter-digit timeout with %s", c->called[0] ? c->called : "no digits");
	if (!c->sip_overlap) {
		isdn_decide(c, true);
	} else {
		/* no more digits: an INVITE under way has them all; after a 484
		 * the number stays incomplete */
		c->overlap = false;
		if (c->sip_awaiting) {
			set_why(c, "callee", "number incomplete (484) and no more digits");
			isdn_end(c, Q850_INVALID_NUMBER_FORMAT);
		}
	}
	release(c);
}

/* RFC 3578: the next INVITE of the call, with every digit so far, after the
 * trunk said 484 to the last one. */
static void overlap_next_invite(struct gw_call *c)
{
	struct dp_call dc;
	struct dp_result res;

	c->sip_awaiting = false;
	isdn_dp_call(c, &dc);
	if (dialplan_route_first(c->cc->cfg.dp, &dc, &res) < 0 || !res.rule->ntrunks) {
		set_why(c, "gateway", "no route for %s", c->called);
		isdn_end(c, Q850_UNALLOCATED_NUMBER);
		return;
	}
	snprintf(c->called_out, sizeof(c->called_out), "%s", res.called);
	take_route(c, &res);
	c->next_trunk = 0;
	ladder(c, "sip", "overlap (RFC 3578): INVITE with %s", c->called);
	route_to_sip(c);
}

static void isdn_incoming(struct gw_cc *cc, struct cc_span *sp, struct isdn_call *call,
			  const struct isdn_setup *su)
{
	struct gw_call *c = call_new(cc, "isdn-to-sip");

	if (!c) {
		isdn_call_hangup(call, Q850_TEMPORARY_FAILURE);
		return;
	}
	hold(c);
	c->isdn = call;
	c->span = sp;
	c->ts = isdn_call_channel(call);
	isdn_call_set_user(call, &c->ref);
	snprintf(c->called, sizeof(c->called), "%s", su->called.digits);
	snprintf(c->calling, sizeof(c->calling), "%s", su->calling.digits);
	c->restricted = su->restricted;
	snprintf(c->redirecting, sizeof(c->redirecting), "%s", su->redirecting.digits);
	c->redirecting_ton = su->redirecting.ton;
	snprintf(c->source, sizeof(c->source), "%s", cc->groups[sp->group].name);
	c->data = su->bearer == ISDN_BEARER_DIGITAL_64K;
	ladder(c, "isdn", "<- SETUP span %d B%d called %s calling %s%s%s", sp->num, c->ts, c->called,
	       c->calling[0] ? c->calling : "-", su->restricted ? " (restricted)" : "",
	       c->data ? " (unrestricted digital)" : "");
	c->called_ton = su->called.ton;
	c->calling_ton = su->calling.ton;
	c->overlap = !su->complete && sp->pri->opts.overlap;
	isdn_decide(c, !c->overlap);
	release(c);
}

/* ---- SIP callbacks -------------------------------------------------------------------------------- */

/* RFC 3578: the trunk took the number (a provisional response or 2xx):
 * digits stop, the ISDN caller gets CALL PROCEEDING. */
static void overlap_done(struct gw_call *c)
{
	if (!c->sip_overlap)
		return;
	if (c->overlap) {
		c->overlap = false;
		clock_timer_stop(loop_clock(c->cc->loop), &c->overlap_timer);
		ladder(c, "sip", "the trunk took %s", c->sent_called);
	}
	in_proceeding(c);
}

static void cc_progress(void *arg, struct sip_call *s, int status, struct sv body)
{
	struct gw_call *c = sip_call_of(s);

	(void)arg;
	if (!c || sip_second(s) || !in_alive(c))
		return;
	hold(c);
	ladder(c, "sip", "<- %d%s", status, body.len ? " with SDP" : "");
	overlap_done(c);
	if (body.len && take_answer(c, &c->rl, body) == 0) {
		in_progress(c);
		c->state = CS_EARLY;
	} else if (status == 180 && c->state < CS_ALERTING) {
		in_alerting(c, false);
		c->state = CS_ALERTING;
	}
	release(c);
}

static void cc_answered(void *arg, struct sip_call *s, struct sv body)
{
	struct gw_call *c = sip_call_of(s);

	(void)arg;
	if (!c)
		return;
	hold(c);
	if (c->sip_in || sip_second(s)) {
		ladder(c, sip_second(s) ? "sip-in" : "sip", "<- ACK");
	} else {
		ladder(c, "sip", "<- 200%s", body.len ? " with SDP" : "");
		c->sip_answered = true;
		c->sip_status = 200;
		if (take_answer(c, &c->rl, body) < 0 && c->state != CS_EARLY) {
			set_why(c, "gateway", "the answer had no usable audio");
			in_end(c, Q850_BEARER_CAP_NOT_AVAIL, 0);
			sip_end(c, Q850_BEARER_CAP_NOT_AVAIL);
		} else if (in_alive(c)) {
			overlap_done(c);
			in_answer(c);
			c->state = CS_ANSWERED;
			c->answer_ms = wall_ms();
		}
	}
	release(c);
}

static void cc_ended(void *arg, struct sip_call *s, int status, const char *why)
{
	struct gw_call *c = sip_call_of(s);
	int cause;

	(void)arg;
	if (!c)
		return;
	hold(c);
	cause = sip_call_q850(s) ? sip_call_q850(s) : status ? gw_cause_map_to_q850(c->cc->cfg.causes, status) : Q850_NORMAL_CLEARING;
	if (sip_second(s)) {
		/* the caller of a SIP to SIP call hung up or cancelled */
		sip_call_set_user(s, NULL);
		c->x->sip = NULL;
		if (status == 487)
			cause = Q850_NORMAL_CLEARING;
		if (c->state != CS_RELEASING) {
			if (status) {
				ladder(c, "sip-in", "<- CANCEL (%d)", status);
				set_why(c, "caller", "SIP %d (%s)", status, why ? why : "");
			} else {
				ladder(c, "sip-in", "<- BYE");
				set_why(c, "caller", "SIP BYE (%s)", why ? why : "");
			}
			c->state = CS_RELEASING;
			c->cause = cause;
			media_stop(c);
			sip_end(c, cause);
		}
		release(c);
		return;
	}
	sip_call_set_user(s, NULL);
	c->sip = NULL;
	if (status && !c->sip_status)
		c->sip_status = status;
	if (status == 487 && c->sip_in)
		cause = Q850_NORMAL_CLEARING; /* the caller cancelled */
	if (status == 484 && c->sip_overlap && c->overlap && c->isdn && c->state != CS_RELEASING) {
		/* address incomplete: the next INVITE (same Call-ID and From
		 * tag) when more digits are there, or now if they are */
		sip_call_get_ids(s, &c->ids);
		c->have_ids = true;
		if (strlen(c->called) > strlen(c->sent_called)) {
			ladder(c, "sip", "<- 484 for %s", c->sent_called);
			overlap_next_invite(c);
		} else {
			ladder(c, "sip", "<- 484 for %s: waiting for digits", c->sent_called);
			c->sip_awaiting = true;
		}
		release(c);
		return;
	}
	if (!c->sip_in && status >= 300 && in_alive(c) && c->state < CS_ANSWERED && c->state != CS_RELEASING &&
	    c->next_trunk < c->ntrunk_list && fails_over(c, status, cause)) {
		ladder(c, "sip", "<- %d from %s: next trunk", status, c->trunk);
		c->last_cause = cause;
		c->last_status = status;
		route_to_sip(c);
		release(c);
		return;
	}
	if (in_alive(c) && c->state != CS_RELEASING) {
		if (status)
			ladder(c, "sip", "<- %s (%d)", c->sip_in ? "CANCEL" : "final response", status);
		else
			ladder(c, "sip", "<- BYE");
		if (status)
			set_why(c, c->sip_in ? "caller" : "callee", "SIP %d (%s)", status, why ? why : "");
		else
			set_why(c, c->sip_in ? "caller" : "callee", "SIP BYE (%s)", why ? why : "");
		c->state = CS_RELEASING;
		media_stop(c);
		c->cause = cause;
		if (c->isdn) {
			ladder(c, "isdn", "-> DISCONNECT cause %d", cause);
			isdn_call_hangup(c->isdn, cause);
		} else {
			sip_in_end(c, cause, status);
		}
	}
	if (c->sip_answered && !c->answer_ms)
		c->answer_ms = wall_ms();
	release(c);
}

/* A re-INVITE or UPDATE with an offer: hold, resume, a new address or
 * codec.  The B-channel stays; on hold we send nothing and the line hears
 * what the peer sends (its music on hold) or silence, or ours ([sip]
 * music_on_hold, played by the media worker). */
static int cc_reoffer(void *arg, struct sip_call *s, struct sv offer, char *ans, size_t size)
{
	struct gw_call *c = sip_call_of(s);
	struct sdp_session o, a;
	struct sdp_negotiated neg;
	struct sdp_error e;
	struct sdp_local l;
	struct sdp_codec cbuf[GW_MAX_CODECS];
	char scratch[2048];
	bool held;
	int n;

	struct rtp_leg *rl;
	const char *side;

	(void)arg;
	if (!c)
		return -1;
	rl = sip_second(s) ? &c->x->rl : &c->rl;
	side = sip_second(s) ? "sip-in" : "sip";
	if (!rl->on || sdp_parse(&o, offer.p, offer.len, &e) < 0)
		return -1;
	l = local_sdp(c, rl, rl->port, cbuf);
	l.sess_version = ++rl->sdp_version;
	/* an image stream (T.38): our UDPTL port for the answer */
	for (size_t i = 0; i < o.nmedia; i++)
		if (sdp_media_is_t38(&o.media[i]) && o.media[i].port && t38_allowed(c, rl) &&
		    gw_media_t38_open(rl->gm, (unsigned)rl->ts, &l.t38_port) == 0) {
			l.t38 = true;
			break;
		}
	if (sdp_answer_build(&o, &l, &a, scratch, sizeof(scratch), &neg, &e) < 0 || (!neg.audio && !neg.t38) ||
	    (n = sdp_print(&a, ans, size)) < 0) {
		if (l.t38 && !rl->t38_on)
			gw_media_t38_stop(rl->gm, (unsigned)rl->ts);
		return -1;
	}
	hold(c);
	if (neg.t38) { /* a fax, moved to T.38 by the peer */
		rl->t38_tried = true;
		if (t38_apply(rl, &neg) < 0) {
			release(c);
			return -1;
		}
		ladder(c, side, "<- re-INVITE (T.38, %u bit/s)", neg.t38p.max_bitrate);
		ladder(c, side, "-> 200 with SDP (T.38 on UDPTL port %u)", l.t38_port);
		LOGP(LOGC_GW, LOGL_INFO, "call C%u: fax relayed as T.38 (the peer's re-INVITE)", c->id);
		release(c);
		return n;
	}
	if (rl->t38_on) { /* back to audio after a fax */
		gw_media_t38_stop(rl->gm, (unsigned)rl->ts);
		rl->t38_on = false;
		ladder(c, side, "<- re-INVITE (audio again: T.38 over)");
	} else if (l.t38) {
		gw_media_t38_stop(rl->gm, (unsigned)rl->ts);
	}
	held = neg.dir == SDP_DIR_RECVONLY || neg.dir == SDP_DIR_INACTIVE;
	ladder(c, side, "<- re-INVITE%s", held != rl->held ? (held ? " (hold)" : " (resume)") : "");
	apply_neg(rl, &neg);
	if (held != rl->held) {
		gw_media_rtp_hold(rl->gm, (unsigned)rl->ts, held);
		rl->held = held;
	}
	ladder(c, side, "-> 200 with SDP");
	release(c);
	return n;
}

/* DTMF by SIP INFO (application/dtmf-relay "Signal=5 Duration=160", or
 * application/dtmf "5"): the digit is played on the line. */
static void cc_info(void *arg, struct sip_call *s, struct sv ct, struct sv body)
{
	struct gw_call *c = sip_call_of(s);
	char digit;
	unsigned ms;

	struct rtp_leg *l;

	(void)arg;
	if (!c)
		return;
	l = sip_second(s) ? &c->x->rl : &c->rl;
	if (!l->on || sip_info_dtmf_parse(ct, body, &digit, &ms) < 0)
		return;
	hold(c);
	ladder(c, sip_second(s) ? "sip-in" : "sip", "<- INFO DTMF %c (%u ms): tone on the line", digit, ms);
	gw_media_digit(l->gm, (unsigned)l->ts, digit, ms);
	release(c);
}

const struct sip_ua_ops gw_cc_ua_ops = {
	.info = cc_info,
	.reoffer = cc_reoffer,
	.reoffer_done = cc_reoffer_done,
	.incoming = cc_incoming,
	.progress = cc_progress,
	.answered = cc_answered,
	.ended = cc_ended,
};

/* ---- teardown and stats --------------------------------------------------------------------------- */

void gw_cc_free(struct gw_cc *cc)
{
	if (!cc)
		return;
	cc->freeing = true;
	for (struct gw_call *c = cc->calls, *next; c; c = next) {
		next = c->next;
		hold(c);
		set_why(c, "gateway", "gateway shutting down");
		if (c->rl.on)
			media_stop(c);
		if (c->sip) {
			sip_call_set_user(c->sip, NULL);
			c->sip = NULL;
		}
		if (c->isdn) {
			isdn_call_set_user(c->isdn, NULL);
			c->isdn = NULL;
		}
		if (c->x && c->x->sip) {
			sip_call_set_user(c->x->sip, NULL);
			c->x->sip = NULL;
		}
		if (c->x && c->x->isdn) {
			isdn_call_set_user(c->x->isdn, NULL);
			c->x->isdn = NULL;
		}
		release(c);
	}
	while (cc->recent) {
		struct gw_call *c = cc->recent;

		cc->recent = c->next;
		call_free(c);
	}
	mem_free(cc->bridge_used);
	mem_free(cc);
}

void gw_cc_stats(const struct gw_cc *cc, struct gw_cc_stats *st)
{
	*st = cc->st;
}

/* The q-quantile of the post-dial delays, us (bucket's upper edge). */
static uint64_t pdd_quantile(const struct gw_cc *cc, double q)
{
	uint64_t want = (uint64_t)((double)cc->pdd_n * q + 0.999999), seen = 0;

	if (!cc->pdd_n)
		return 0;
	for (size_t i = 0; i < PDD_BUCKETS; i++) {
		seen += cc->pdd_hist[i];
		if (seen >= want)
			return (i + 1) * 10;
	}
	return cc->pdd_max_us;
}

void gw_cc_cmd_call_stats(const struct ctl_request *req, struct ctl_out *out, void *arg)
{
	const struct gw_cc *cc = arg;

	(void)req;
	ctl_int(out, "calls", (int64_t)cc->st.calls);
	ctl_int(out, "active", (int64_t)cc->st.active);
	ctl_int(out, "answered", (int64_t)cc->st.answered);
	ctl_int(out, "failed", (int64_t)cc->st.failed);
	ctl_int(out, "refused_source", (int64_t)cc->st.refused_source);
	ctl_int(out, "pdd_samples", (int64_t)cc->pdd_n);
	ctl_int(out, "pdd_p50_us", (int64_t)pdd_quantile(cc, 0.50));
	ctl_int(out, "pdd_p99_us", (int64_t)pdd_quantile(cc, 0.99));
	ctl_int(out, "pdd_max_us", (int64_t)cc->pdd_max_us);
}

/* ---- control commands -------------------------------------------------------------------------------- */

/* The call's media figures: live from its media worker, or as it ended. */
static void call_stats(const struct gw_call *c, struct gw_media_stats *st)
{
	if (c->rl.on && c->rl.gm)
		gw_media_peek(c->rl.gm, (unsigned)c->rl.ts, st);
	else
		*st = c->rl.st;
}

static void call_json(struct ctl_out *out, const struct gw_call *c)
{
	struct gw_media_stats st;

	uint64_t now = c->end_ms ? c->end_ms : wall_ms();

	ctl_obj_begin(out, NULL);
	{
		char id[16];

		snprintf(id, sizeof(id), "C%u", c->id);
		ctl_str(out, "id", id);
	}
	ctl_str(out, "direction", c->direction);
	ctl_str(out, "state", state_names[c->state]);
	ctl_bool(out, "held", c->rl.held);
	ctl_int(out, "fax_tone", c->fax);
	ctl_str(out, "calling", c->calling);
	ctl_str(out, "called", c->called);
	ctl_str(out, "called_out", c->called_out);
	ctl_str(out, "route", c->route);
	ctl_str(out, "source", c->source);
	ctl_str(out, "trunk", c->trunk);
	ctl_int(out, "span", c->span ? c->span->num : 0);
	ctl_int(out, "channel", c->ts);
	ctl_str(out, "codec", c->rl.codec);
	ctl_int(out, "duration_ms", (int64_t)(now - c->start_ms));
	ctl_int(out, "talk_ms", c->answer_ms ? (int64_t)(now - c->answer_ms) : 0);
	ctl_int(out, "q850_cause", c->cause);
	ctl_int(out, "sip_status", c->sip_status);
	ctl_str(out, "why", c->why);
	ctl_str(out, "released_by", c->released_by);
	call_stats(c, &st);
	ctl_int(out, "rtp_sent", (int64_t)st.rtp_sent);
	ctl_int(out, "rtp_received", (int64_t)st.rtp_received);
	ctl_int(out, "lost", st.lost);
	ctl_int(out, "jitter_ms", st.jitter_ms);
	ctl_int(out, "mos_x10", (int64_t)(st.mos * 10.0 + 0.5)); /* 0: not known */
	/* the line's side, tenths of a dB: levels (-1000: no audio), clipped
	 * samples, the echo canceller's ERL and ERLE (0: none) */
	ctl_int(out, "from_line_dbm0_x10", (int64_t)lround(st.from_line_dbm0 * 10.0));
	ctl_int(out, "to_line_dbm0_x10", (int64_t)lround(st.to_line_dbm0 * 10.0));
	ctl_int(out, "from_line_clipped", (int64_t)st.from_line_clipped);
	ctl_int(out, "to_line_clipped", (int64_t)st.to_line_clipped);
	ctl_int(out, "erl_x10", (int64_t)lround(st.erl_db * 10.0));
	ctl_int(out, "erle_x10", (int64_t)lround(st.erle_db * 10.0));
	ctl_str(out, "digits_heard", st.digits);
	/* fax: relayed as T.38 (pages, UDPTL datagrams sent, IFP packets
	 * received, recovered by redundancy, lost); the faxrx test line's T.30
	 * result (-1: none, 0: good, else SpanDSP's code), rows, bad rows */
	ctl_bool(out, "t38", st.t38);
	ctl_int(out, "fax_pages", st.fax_pages);
	ctl_int(out, "fax_bit_rate", st.fax_bit_rate);
	ctl_int(out, "udptl_sent", (int64_t)st.udptl_sent);
	ctl_int(out, "udptl_received", (int64_t)st.udptl_received);
	ctl_int(out, "udptl_recovered", (int64_t)st.udptl_recovered);
	ctl_int(out, "udptl_lost", (int64_t)st.udptl_lost);
	ctl_int(out, "fax_result", st.fax_result);
	ctl_int(out, "fax_rows", st.fax_rows);
	ctl_int(out, "fax_bad_rows", st.fax_bad_rows);
	ctl_obj_end(out);
}

static void call_line(struct ctl_out *out, const struct gw_call *c)
{
	char line[512], id[16], leg[40], mos[8];
	uint64_t now = c->end_ms ? c->end_ms : wall_ms();
	struct gw_media_stats st;

	snprintf(id, sizeof(id), "C%u", c->id);
	if (c->span)
		snprintf(leg, sizeof(leg), "span %d B%d", c->span->num, c->ts);
	else
		snprintf(leg, sizeof(leg), "-");
	call_stats(c, &st);
	if (st.mos > 0)
		snprintf(mos, sizeof(mos), "%.1f", st.mos);
	else
		snprintf(mos, sizeof(mos), "-");
	snprintf(line, sizeof(line), "%-6s %-12s %-11s %-16s %-16s %-12s %-14s %-7s %-3s %7.1f %s", id, c->direction,
		 c->rl.held && c->state == CS_ANSWERED ? "held" : state_names[c->state], c->calling[0] ? c->calling : "-", c->called[0] ? c->called : "-", leg,
		 c->trunk[0] ? c->trunk : "-", c->rl.codec[0] ? c->rl.codec : "-", mos,
		 (double)(now - c->start_ms) / 1000.0, c->why[0] ? c->why : "");
	ctl_text(out, line);
}

void gw_cc_cmd_show_calls(const struct ctl_request *req, struct ctl_out *out, void *arg)
{
	struct gw_cc *cc = arg;
	bool recent = req->argc && !strcmp(req->argv[0], "--recent");
	const struct gw_call *list = recent ? cc->recent : cc->calls;

	if (req->argc && !recent) {
		ctl_out_error(out, "bad-arguments", "show calls [--recent]");
		return;
	}
	if (req->json) {
		ctl_arr_begin(out, "calls");
		for (const struct gw_call *c = list; c; c = c->next)
			call_json(out, c);
		ctl_arr_end(out);
		return;
	}
	ctl_text(out, "CALL   DIRECTION    STATE       CALLING          CALLED           LEG          TRUNK          CODEC   MOS    SECS WHY");
	for (const struct gw_call *c = list; c; c = c->next)
		call_line(out, c);
}

static struct gw_call *find_call(struct gw_cc *cc, const char *id)
{
	char *end;
	unsigned long n = strtoul(id + (id[0] == 'C' || id[0] == 'c'), &end, 10);

	if (*end || !n)
		return NULL;
	for (struct gw_call *c = cc->calls; c; c = c->next)
		if (c->id == n)
			return c;
	for (struct gw_call *c = cc->recent; c; c = c->next)
		if (c->id == n)
			return c;
	return NULL;
}

void gw_cc_cmd_show_call(const struct ctl_request *req, struct ctl_out *out, void *arg)
{
	struct gw_cc *cc = arg;
	const struct gw_call *c;

	for (int i = 0; i < req->argc; i++)
		if (!find_call(cc, req->argv[i])) {
			ctl_out_error(out, "no-such-call", "there is no call %s (see show calls --recent)",
				      req->argv[i]);
			return;
		}
	if (req->json) {
		ctl_arr_begin(out, "calls");
		for (int i = 0; i < req->argc; i++)
			call_json(out, find_call(cc, req->argv[i]));
		ctl_arr_end(out);
	} else {
		for (int i = 0; i < req->argc; i++)
			call_line(out, find_call(cc, req->argv[i]));
	}
	/* the ladder: every entry of the calls named, merged in time order */
	{
		unsigned pos[16] = {0};
		int n = req->argc < 16 ? req->argc : 16;

		if (req->json)
			ctl_arr_begin(out, "ladder");
		else
			ctl_text(out, "");
		for (;;) {
			int best = -1;
			const struct ladder_entry *e = NULL;
			char line[160], id[16];

			for (int i = 0; i < n; i++) {
				c = find_call(cc, req->argv[i]);
				if (pos[i] < c->nladder && (!e || c->ladder[pos[i]].ms < e->ms)) {
					e = &c->ladder[pos[i]];
					best = i;
				}
			}
			if (best < 0)
				break;
			c = find_call(cc, req->argv[best]);
			pos[best]++;
			snprintf(id, sizeof(id), "C%u", c->id);
			if (req->json) {
				ctl_obj_begin(out, NULL);
				ctl_str(out, "call", id);
				ctl_int(out, "ms", (int64_t)e->ms);
				ctl_str(out, "side", e->side);
				ctl_str(out, "message", e->text);
				ctl_obj_end(out);
			} else {
				snprintf(line, sizeof(line), "%10.3f  %-5s %-4s %s", (double)e->ms / 1000.0, id,
					 e->side, e->text);
				ctl_text(out, line);
			}
		}
		if (req->json)
			ctl_arr_end(out);
	}
}

/* originate GROUP NUMBER [LINE]: a call from a test line (default
 * milliwatt) to NUMBER on a span of GROUP, for installers. */
void gw_cc_cmd_originate(const struct ctl_request *req, struct ctl_out *out, void *arg)
{
	struct gw_cc *cc = arg;
	struct isdn_group *g = NULL;
	struct isdn_setup su;
	struct gw_call *c;
	int tl = DP_TEST_MILLIWATT, rc, argc = req->argc;
	bool overlap = false;
	char id[16];

	/* --overlap (last): the number is dialled digit by digit */
	if (argc > 2 && !strcmp(req->argv[argc - 1], "--overlap")) {
		overlap = true;
		argc--;
	}
	for (size_t i = 0; i < cc->ngroups; i++)
		if (!strcmp(cc->groups[i].name, req->argv[0]))
			g = &cc->groups[i];
	if (!g) {
		ctl_out_error(out, "no-such-group", "there is no span group %s", req->argv[0]);
		return;
	}
	if (!req->argv[1][0] || strlen(req->argv[1]) >= sizeof(su.called.digits) ||
	    strspn(req->argv[1], "0123456789*#") != strlen(req->argv[1])) {
		ctl_out_error(out, "bad-number", "'%s' is not a number (digits, * and #, at most 31)", req->argv[1]);
		return;
	}
	if (argc > 2) {
		for (tl = 0; dp_testline_names[tl] && strcmp(dp_testline_names[tl], req->argv[2]); tl++)
			;
		if (!dp_testline_names[tl] || tl > DP_TEST_DTMF) {
			ctl_out_error(out, "bad-arguments", "the test line is echo, milliwatt or dtmf, not '%s'",
				      req->argv[2]);
			return;
		}
	}
	if (!(c = call_new(cc, "test-to-isdn"))) {
		ctl_out_error(out, "no-memory", "no memory for a call");
		return;
	}
	hold(c);
	c->testline = true;
	c->tl = (enum dp_testline)tl;
	snprintf(c->trunk, sizeof(c->trunk), "testline:%s", dp_testline_names[tl]);
	snprintf(c->called, sizeof(c->called), "%s", req->argv[1]);
	snprintf(c->called_out, sizeof(c->called_out), "%s", req->argv[1]);
	snprintf(c->source, sizeof(c->source), "originate");
	memset(&su, 0, sizeof(su));
	snprintf(su.called.digits, sizeof(su.called.digits), "%s", req->argv[1]);
	su.bearer = ISDN_BEARER_SPEECH;
	su.complete = !overlap;
	if (overlap && strlen(su.called.digits) > 3) {
		/* three digits in the SETUP, the rest after SETUP ACKNOWLEDGE */
		snprintf(c->dial_rest, sizeof(c->dial_rest), "%.60s", su.called.digits + 3);
		su.called.digits[3] = 0;
	}
	rc = place_on_group(cc, g, &su, &c->ref, &c->isdn);
	if (rc < 0) {
		c->isdn = NULL;
		set_why(c, "gateway", rc == -EBUSY ? "all channels busy" : "no span up in the group");
		ctl_out_error(out, "no-channel", "%s", c->why);
		release(c);
		return;
	}
	c->span = span_of(cc, isdn_call_span(c->isdn));
	c->ts = isdn_call_channel(c->isdn);
	ladder(c, "isdn", "-> SETUP span %d B%d called %s (originate, test line %s%s)", c->span ? c->span->num : 0,
	       c->ts, su.called.digits, dp_testline_names[tl], overlap ? ", overlap" : "");
	c->state = CS_PROCEEDING;
	snprintf(id, sizeof(id), "C%u", c->id);
	ctl_str(out, "call", id);
	ctl_int(out, "span", c->span ? c->span->num : 0);
	ctl_int(out, "channel", c->ts);
	release(c);
}

void gw_cc_cmd_hangup(const struct ctl_request *req, struct ctl_out *out, void *arg)
{
	struct gw_cc *cc = arg;
	struct gw_call *c = find_call(cc, req->argv[0]);

	if (!c || c->state == CS_ENDED) {
		ctl_out_error(out, "no-such-call", "there is no active call %s", req->argv[0]);
		return;
	}
	hold(c);
	set_why(c, "operator", "hung up by the operator");
	end_all(c, Q850_NORMAL_CLEARING);
	release(c);
	ctl_str(out, "hungup", req->argv[0]);
}
