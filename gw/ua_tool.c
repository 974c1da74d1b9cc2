/* sipgw-ua: a command-line SIP user agent on the gateway's own stack, for
 * the interop tests and for an installer trying a trunk.
 *
 *   UAS:  sipgw-ua -l udp:127.0.0.1:5070 [--ring MS] [--status CODE] [--hold MS]
 *   UAC:  sipgw-ua -l udp:127.0.0.1:0 [--hold MS] sip:9991000@127.0.0.1:5060
 *
 * A URI argument makes it a UAC that calls it (--count times, one after the
 * other); without one it is a UAS that rings for --ring ms, then answers
 * (or rejects with --status), hangs up after --hold ms if the peer has not,
 * and challenges with --user/--password.  One line per call on stdout; the
 * exit status is 0 when every call ended as expected, 1 when not, 2 on a
 * usage error.  Media: the SDP offers/answers PCMA, PCMU and
 * telephone-event; no RTP is sent unless --probe makes the UAC a media
 * probe (gw/mprobe.c): it sends a known signal or digits and reports what
 * came back (level, frequency, SNR, round trip, digits). */
#include "config.h"

#include "dsp/codec.h"
#include "gw/mprobe.h"
#include "gw/version.h"
#include "lib/log.h"
#include "lib/loop.h"
#include "lib/mem.h"
#include "lib/timer.h"
#include "sip/hdr.h"
#include "sip/msg.h"
#include "sip/sdp.h"
#include "sip/sdp_oa.h"
#include "sip/ua.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct tool {
	struct loop *loop;
	struct sip_ua *ua;
	/* options */
	const char *target, *from, *registrar, *aor;
	struct sip_credentials cred;
	long ring_ms, hold_ms, reinvite_ms, cancel_ms, count, expect, status;
	long timeout_s, media_port;
	bool probe;		  /* send and check RTP (gw/mprobe.c) */
	bool early;		  /* UAS: 183 with the answer's SDP before ringing/answering */
	const struct dsp_codec_info *codec; /* --codec: the only one offered and taken */
	bool annexb;		  /* --annexb: G.729 annex B offered and used when agreed */
	int t38;		  /* --t38: 0 accept a T.38 re-INVITE, 1 refuse it (488), 2 offer T.38,
				   * 3 accept it and go back to audio after the fax */
	enum mprobe_kind probe_kind;
	const char *digits;
	char headers[512];	  /* UAC: extra header lines of the INVITE (--header) */
	long linger_ms; /* stay up this long after the last call (peers that mind a closed TCP connection) */
	bool quiet;
	/* state */
	long started, finished, ok, failed;
	struct timer deadline, next_call;
	bool stopping, registered_once;
	int reg_failures;
};

struct call_ctx {
	struct tool *tool;
	struct sip_call *call;
	long n;
	struct timer ring, hold, reinvite, cancel;
	int answered_status;
	bool reinvite_ok, reinvite_sent, t38_offered;
	bool back_sent, back_ok; /* --t38 back: our audio re-INVITE after the fax, its answer */
	uint64_t rx_at_back;	 /* RTP packets received when the peer took audio again */
	uint64_t t_start_ns;
	uint32_t sdp_version;
	struct mprobe *mp;
	char answer[4096]; /* UAS: what we answer with */
	char t38_sdp[2048]; /* our T.38 offer (--t38 offer), our audio offer after it (--t38 back) */
	int t38_sdp_len;
	int answer_len;	   /* < 0: the offer had nothing we take */
};

static const struct sdp_codec codecs[] = {
	{"PCMA", 8000, 1, 8, NULL},
	{"PCMU", 8000, 1, 0, NULL},
};

static struct sdp_codec one_codec;

static struct sdp_local local_sdp(const struct call_ctx *cc)
{
	struct sdp_local l = {.user = "sipgw-ua", .sess_id = 1000 + (uint64_t)cc->n,
			      .sess_version = cc->sdp_version, .addrtype = "IP4",
			      .addr = "127.0.0.1", .audio_port = cc->mp ? mprobe_port(cc->mp) : (uint16_t)cc->tool->media_port,
			      .codecs = codecs, .ncodecs = 2, .telephone_event = true, .ptime = 20};
	const struct dsp_codec_info *ci = cc->tool->codec;

	if (ci) {
		one_codec = (struct sdp_codec){ci->name, ci->clock, 1, ci->static_pt,
					       ci->id == DSP_G729 && cc->tool->annexb ? "annexb=yes" : ci->fmtp};
		l.codecs = &one_codec;
		l.ncodecs = 1;
	}
	if (cc->tool->probe_kind == MPROBE_DATA || cc->tool->probe_kind == MPROBE_DATA_REFLECT) {
		/* a data call: CLEARMODE alone */
		l.codecs = &sdp_clearmode;
		l.ncodecs = 1;
		l.telephone_event = false;
	}
	return l;
}

/* the probe speaks the codec asked for */
static void on_fax_done(void *arg);
static void say(struct tool *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static bool fax_probe(const struct tool *t)
{
	return t->probe && (t->probe_kind == MPROBE_FAX || t->probe_kind == MPROBE_FAX_RECV);
}

static int probe_new(struct tool *t, struct call_ctx *cc)
{
	int rc = mprobe_new(t->loop, t->probe_kind, "127.0.0.1", t->digits, &cc->mp);

	if (rc == 0 && t->codec && (rc = mprobe_set_codec(cc->mp, t->codec->name, t->annexb)) < 0) {
		mprobe_free(cc->mp);
		cc->mp = NULL;
	}
	if (rc == 0 && fax_probe(t))
		mprobe_set_done(cc->mp, on_fax_done, cc);
	return rc;
}

/* Our offer, printed into out; dir SENDONLY for hold. */
static struct sv make_offer(struct call_ctx *cc, enum sdp_dir dir, char *out, size_t size)
{
	struct sdp_local l = local_sdp(cc);
	struct sdp_session s;
	struct sdp_error e;
	char scratch[2048];
	int n;

	if (sdp_offer_build(&l, SDP_OFFER_AUDIO, dir, &s, scratch, sizeof(scratch), &e) < 0 ||
	    (n = sdp_print(&s, out, size)) < 0)
		return SV_NULL;
	return sv_make(out, (size_t)n);
}

/* T.38 agreed (an answer of ours or theirs): the probe's fax goes on as a
 * T.38 terminal */
static int t38_go(struct call_ctx *cc, const struct sdp_negotiated *neg)
{
	char host[64];

	if (!neg->t38 || neg->t38_addr.len >= sizeof(host))
		return -1;
	memcpy(host, neg->t38_addr.p, neg->t38_addr.len);
	host[neg->t38_addr.len] = 0;
	if (mprobe_t38_start(cc->mp, host, neg->t38_port, neg->t38p.max_datagram,
			     !sv_eq_cstr_nocase(neg->t38p.udp_ec, "t38UDPNoEC")) < 0)
		return -1;
	say(cc->tool, "call %ld: fax over T.38 (UDPTL %s:%u)\n", cc->n, host, neg->t38_port);
	return 0;
}

/* The answer to an offer (initial or re-offer), printed into out. */
static int make_answer(struct call_ctx *cc, struct sv offer, char *out, size_t size)
{
	struct sdp_local l = local_sdp(cc);
	struct sdp_session o, a;
	struct sdp_negotiated neg;
	struct sdp_error e;
	char scratch[2048];

	if (sdp_parse(&o, offer.p, offer.len, &e) < 0) {
		fprintf(stderr, "sipgw-ua: call %ld: offer line %u: %s\n", cc->n, e.line, e.msg);
		return -1;
	}
	/* a fax probe takes an image stream (T.38) unless told to refuse it */
	if (cc->mp && fax_probe(cc->tool) && cc->tool->t38 != 1)
		for (size_t i = 0; i < o.nmedia; i++)
			if (sdp_media_is_t38(&o.media[i]) && o.media[i].port &&
			    mprobe_t38_open(cc->mp, &l.t38_port) == 0) {
				l.t38 = true;
				break;
			}
	if (sdp_answer_build(&o, &l, &a, scratch, sizeof(scratch), &neg, &e) < 0 || (!neg.audio && !neg.t38))
		return -1;
	if (neg.t38 && t38_go(cc, &neg) < 0)
		return -1;
	return sdp_print(&a, out, size);
}

static void say(struct tool *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(struct tool *t, const char *fmt, ...)
{
	va_list ap;

	if (t->quiet)
		return;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fflush(stdout);
}

static void maybe_finish(struct tool *t)
{
	if (t->count > 0 && t->finished >= t->count && !t->stopping) {
		t->stopping = true;
		sip_ua_shutdown(t->ua);
	}
	if (t->stopping && sip_ua_active(t->ua) == 0)
		loop_stop(t->loop);
}

static void start_call(struct tool *t);

static void on_next_call(struct timer *tm, void *arg)
{
	(void)tm;
	start_call(arg);
}

static void stop_timers(struct call_ctx *cc)
{
	struct clock *k = loop_clock(cc->tool->loop);

	clock_timer_stop(k, &cc->ring);
	clock_timer_stop(k, &cc->hold);
	clock_timer_stop(k, &cc->reinvite);
	clock_timer_stop(k, &cc->cancel);
}

static void on_hold(struct timer *tm, void *arg)
{
	struct call_ctx *cc = arg;

	(void)tm;
	sip_call_hangup(cc->call, NULL);
}

static void on_reinvite(struct timer *tm, void *arg)
{
	struct call_ctx *cc = arg;
	char sdp[2048];

	(void)tm;
	cc->sdp_version++;
	cc->reinvite_sent = true;
	if (fax_probe(cc->tool) && cc->tool->t38 == 2) { /* move our fax to T.38 */
		struct sdp_local l = local_sdp(cc);
		struct sdp_session o;
		struct sdp_error e;
		char scratch[2048];
		int n;

		l.t38 = true;
		if (!cc->mp || mprobe_t38_open(cc->mp, &l.t38_port) < 0 ||
		    sdp_offer_build(&l, SDP_OFFER_T38, SDP_DIR_SENDRECV, &o, scratch, sizeof(scratch), &e) < 0 ||
		    (n = sdp_print(&o, cc->t38_sdp, sizeof(cc->t38_sdp))) < 0 ||
		    sip_call_reinvite(cc->call, sv_make(cc->t38_sdp, (size_t)n)) < 0) {
			fprintf(stderr, "sipgw-ua: call %ld: T.38 re-INVITE not sent\n", cc->n);
			return;
		}
		cc->t38_sdp_len = n;
		cc->t38_offered = true;
		say(cc->tool, "call %ld: re-INVITE to T.38\n", cc->n);
		return;
	}
	if (sip_call_reinvite(cc->call, make_offer(cc, SDP_DIR_SENDONLY, sdp, sizeof(sdp))) < 0)
		fprintf(stderr, "sipgw-ua: call %ld: re-INVITE not sent\n", cc->n);
}

/* the fax is over: hang up a moment later (the last frames drain); with
 * --t38 back, a fax that went as T.38 first takes the call back to audio
 * (the answer's handler hangs up 2 s later, or the 10 s here) */
static void on_fax_done(void *arg)
{
	struct call_ctx *cc = arg;
	struct clock *k = loop_clock(cc->tool->loop);
	struct mprobe_result r;

	clock_timer_stop(k, &cc->hold);
	clock_timer_stop(k, &cc->reinvite);
	mprobe_result(cc->mp, &r);
	if (cc->tool->t38 == 3 && r.fax_t38 && !cc->back_sent) {
		struct sv o;

		cc->sdp_version++;
		o = make_offer(cc, SDP_DIR_SENDRECV, cc->t38_sdp, sizeof(cc->t38_sdp));
		if (o.len && sip_call_reinvite(cc->call, o) == 0) {
			cc->t38_sdp_len = (int)o.len;
			cc->back_sent = cc->reinvite_sent = true;
			say(cc->tool, "call %ld: re-INVITE back to audio\n", cc->n);
			clock_timer_start_ms(k, &cc->hold, 10000);
			return;
		}
		fprintf(stderr, "sipgw-ua: call %ld: the re-INVITE back to audio was not sent\n", cc->n);
	}
	if (cc->tool->target)
		clock_timer_start_ms(k, &cc->hold, 500);
}

static void on_cancel(struct timer *tm, void *arg)
{
	struct call_ctx *cc = arg;

	(void)tm;
	sip_call_hangup(cc->call, NULL);
}

/* Answer a UAS call with what was prepared when it came in. */
static void answer_now(struct call_ctx *cc)
{
	struct tool *t = cc->tool;

	if (t->status >= 300) {
		sip_call_reject(cc->call, (int)t->status, NULL);
		return;
	}
	if (cc->answer_len < 0) {
		sip_call_reject(cc->call, 488, NULL);
		return;
	}
	sip_call_answer(cc->call, sv_make(cc->answer, (size_t)cc->answer_len));
}

static void on_ring_done(struct timer *tm, void *arg)
{
	(void)tm;
	answer_now(arg);
}

static struct call_ctx *ctx_new(struct tool *t, struct sip_call *c)
{
	struct call_ctx *cc = mem_zalloc(sizeof(*cc));

	if (!cc)
		return NULL;
	cc->tool = t;
	cc->call = c;
	cc->n = ++t->started;
	cc->sdp_version = 1;
	cc->t_start_ns = loop_now_ns();
	timer_setup(&cc->ring, on_ring_done, cc);
	timer_setup(&cc->hold, on_hold, cc);
	timer_setup(&cc->reinvite, on_reinvite, cc);
	timer_setup(&cc->cancel, on_cancel, cc);
	return cc;
}

/* ---- UA callbacks ------------------------------------------------------------ */

static void ua_incoming(void *arg, struct sip_call *c, const struct sip_msg *invite, struct sv body)
{
	struct tool *t = arg;
	struct call_ctx *cc = ctx_new(t, c);

	(void)invite;
	if (!cc) {
		sip_call_reject(c, 500, NULL);
		return;
	}
	sip_call_set_user(c, cc);
	if (t->probe && body.len) {
		int rc = probe_new(t, cc);

		if (rc < 0)
			fprintf(stderr, "sipgw-ua: call %ld: no RTP for the probe: %s\n", cc->n, strerror(-rc));
		else if (mprobe_start(cc->mp, body) < 0)
			fprintf(stderr, "sipgw-ua: call %ld: no usable audio in the offer\n", cc->n);
	}
	/* the answer to the offer, or our offer for an offerless INVITE */
	if (body.len) {
		cc->answer_len = make_answer(cc, body, cc->answer, sizeof(cc->answer));
	} else {
		struct sv o = make_offer(cc, SDP_DIR_SENDRECV, cc->answer, sizeof(cc->answer));

		cc->answer_len = (int)o.len;
	}
	if (t->early && cc->answer_len > 0)
		sip_call_ring(c, 183, sv_make(cc->answer, (size_t)cc->answer_len));
	if (t->ring_ms > 0) {
		if (!t->early)
			sip_call_ring(c, 180, SV_NULL);
		clock_timer_start_ms(loop_clock(t->loop), &cc->ring, (uint64_t)t->ring_ms);
		return;
	}
	answer_now(cc);
}

static void ua_progress(void *arg, struct sip_call *c, int status, struct sv body)
{
	struct tool *t = arg;
	struct call_ctx *cc = sip_call_user(c);

	if (!cc)
		return;
	say(t, "call %ld: %d\n", cc->n, status);
	if (cc->mp && body.len && mprobe_start(cc->mp, body) < 0)
		fprintf(stderr, "sipgw-ua: call %ld: no usable audio in the %d's SDP\n", cc->n, status);
	if (t->cancel_ms >= 0 && status >= 180 && !timer_running(&cc->cancel))
		clock_timer_start_ms(loop_clock(t->loop), &cc->cancel, (uint64_t)t->cancel_ms);
}

static void ua_answered(void *arg, struct sip_call *c, struct sv body)
{
	struct tool *t = arg;
	struct call_ctx *cc = sip_call_user(c);

	if (!cc)
		return;
	cc->answered_status = 200;
	say(t, "call %ld: answered\n", cc->n);
	if (cc->mp && mprobe_start(cc->mp, body) < 0)
		fprintf(stderr, "sipgw-ua: call %ld: no usable audio in the answer\n", cc->n);
	if (t->reinvite_ms >= 0)
		clock_timer_start_ms(loop_clock(t->loop), &cc->reinvite, (uint64_t)t->reinvite_ms);
	if (t->hold_ms >= 0)
		clock_timer_start_ms(loop_clock(t->loop), &cc->hold,
				     (uint64_t)t->hold_ms + (t->reinvite_ms >= 0 ? (uint64_t)t->reinvite_ms : 0));
}

static int ua_reoffer(void *arg, struct sip_call *c, struct sv offer, char *ans, size_t size)
{
	struct call_ctx *cc = sip_call_user(c);

	(void)arg;
	if (!cc)
		return -1;
	say(cc->tool, "call %ld: re-offer received\n", cc->n);
	cc->sdp_version++;
	return make_answer(cc, offer, ans, size);
}

/* what the peer's answer agreed to our re-INVITE's offer (kept in t38_sdp) */
static int our_offer_answered(struct call_ctx *cc, struct sv answer, struct sdp_negotiated *neg)
{
	struct sdp_local l = local_sdp(cc);
	struct sdp_session o, a;
	struct sdp_error e;

	if (sdp_parse(&o, cc->t38_sdp, (size_t)cc->t38_sdp_len, &e) < 0 || sdp_parse(&a, answer.p, answer.len, &e) < 0)
		return -1;
	return sdp_answer_process(&o, &a, &l, neg, &e);
}

static void ua_reoffer_done(void *arg, struct sip_call *c, int status, struct sv body)
{
	struct call_ctx *cc = sip_call_user(c);

	(void)arg;
	if (!cc)
		return;
	cc->reinvite_ok = status >= 200 && status < 300;
	say(cc->tool, "call %ld: re-INVITE %d%s\n", cc->n, status,
	    body.len && memmem(body.p, body.len, "a=recvonly", 10) ? " (peer holds: recvonly)" : "");
	if (cc->back_sent && !cc->back_ok && cc->reinvite_ok) { /* audio again: RTP both ways */
		struct sdp_negotiated neg;
		struct mprobe_result r;

		if (our_offer_answered(cc, body, &neg) < 0 || !neg.audio || neg.t38) {
			fprintf(stderr, "sipgw-ua: call %ld: the answer to our audio re-INVITE takes no audio\n", cc->n);
			cc->reinvite_ok = false;
		} else {
			cc->back_ok = true;
			mprobe_result(cc->mp, &r);
			cc->rx_at_back = r.received;
			mprobe_audio_again(cc->mp);
			say(cc->tool, "call %ld: back to audio\n", cc->n);
		}
		clock_timer_stop(loop_clock(cc->tool->loop), &cc->hold);
		clock_timer_start_ms(loop_clock(cc->tool->loop), &cc->hold, 2000);
	}
	if (cc->t38_offered && cc->reinvite_ok) {
		struct sdp_negotiated neg;

		cc->t38_offered = false;
		if (our_offer_answered(cc, body, &neg) < 0 || t38_go(cc, &neg) < 0) {
			fprintf(stderr, "sipgw-ua: call %ld: the answer to our T.38 offer takes no T.38\n", cc->n);
			cc->reinvite_ok = false;
		}
	}
}

static void ua_ended(void *arg, struct sip_call *c, int status, const char *why)
{
	struct tool *t = arg;
	struct call_ctx *cc = sip_call_user(c);
	bool good;
	long ms;

	if (!cc)
		return;
	stop_timers(cc);
	ms = (long)((loop_now_ns() - cc->t_start_ns) / 1000000);
	if (t->target) /* UAC: the expected final, or an answered call ended by BYE */
		good = t->expect == 200 ? (status == 0 && cc->answered_status == 200)
					: status == t->expect;
	else if (t->expect != 200) /* UAS told what to expect (487: cancelled) */
		good = status == t->expect;
	else /* UAS: answered and ended by BYE, or the configured refusal */
		good = t->status >= 300 ? status == t->status : status == 0;
	if (cc->reinvite_sent && !cc->reinvite_ok)
		good = false;
	if (cc->mp && fax_probe(t)) { /* a fax: T.30 ended well, a received page as sent */
		struct mprobe_result r;

		mprobe_result(cc->mp, &r);
		if (!r.fax_over || r.fax_code != 0 || r.fax_pages == 0 ||
		    (t->probe_kind == MPROBE_FAX_RECV && r.fax_bad_rows))
			good = false;
		if (cc->back_sent) { /* --t38 back: RTP came again after the fax */
			say(t, "call %ld: back to audio: %s, %llu RTP packets received since\n", cc->n,
			    cc->back_ok ? "answered" : "not answered",
			    (unsigned long long)(r.received - cc->rx_at_back));
			if (!cc->back_ok || r.received == cc->rx_at_back)
				good = false;
		}
	}
	say(t, "call %ld: ended %d (%s) after %ld ms: %s\n", cc->n, status, why, ms, good ? "ok" : "FAILED");
	if (cc->mp) {
		char rep[1024];

		mprobe_report(cc->mp, rep, sizeof(rep));
		say(t, "%s", rep);
		mprobe_free(cc->mp);
		cc->mp = NULL;
	}
	if (good)
		t->ok++;
	else
		t->failed++;
	t->finished++;
	sip_call_set_user(c, NULL);
	mem_free(cc);
	if (t->target && !t->stopping && (t->count <= 0 || t->started < t->count))
		clock_timer_start_ms(loop_clock(t->loop), &t->next_call, 0);
	maybe_finish(t);
}

static void ua_registration(void *arg, const char *aor, enum sip_reg_state state, int status)
{
	struct tool *t = arg;

	say(t, "register %s: %s (%d)\n", aor, sip_reg_state_names[state], status);
	if (state == SIP_REG_REGISTERED && !t->registered_once) {
		t->registered_once = true;
		if (t->target)
			start_call(t);
	}
	if (state == SIP_REG_WAITING && ++t->reg_failures >= 3 && !t->stopping) {
		fprintf(stderr, "sipgw-ua: registration with %s keeps failing (%d)\n", aor, status);
		t->failed++;
		t->stopping = true;
		sip_ua_shutdown(t->ua);
	}
	maybe_finish(t);
}

/* DTMF by SIP INFO: the probe counts it among the digits read back */
static void ua_info(void *arg, struct sip_call *c, struct sv ct, struct sv body)
{
	struct call_ctx *cc = sip_call_user(c);
	char digit;
	unsigned ms;

	(void)arg;
	if (!cc || sip_info_dtmf_parse(ct, body, &digit, &ms) < 0)
		return;
	say(cc->tool, "call %ld: INFO DTMF %c (%u ms)\n", cc->n, digit, ms);
	if (cc->mp)
		mprobe_info_digit(cc->mp, digit);
}

static const struct sip_ua_ops ua_ops = {
	.info = ua_info,
	.incoming = ua_incoming,
	.progress = ua_progress,
	.answered = ua_answered,
	.reoffer = ua_reoffer,
	.reoffer_done = ua_reoffer_done,
	.ended = ua_ended,
	.registration = ua_registration,
};

static void start_call(struct tool *t)
{
	struct call_ctx *cc;
	struct sip_call *c;
	char sdp[2048];
	struct sv offer;
	int rc;

	if (t->stopping || (t->count > 0 && t->started >= t->count))
		return;
	cc = ctx_new(t, NULL);
	if (!cc)
		return;
	if (t->probe && (rc = probe_new(t, cc)) < 0)
		fprintf(stderr, "sipgw-ua: call %ld: no RTP for the probe: %s\n", cc->n, strerror(-rc));
	offer = make_offer(cc, SDP_DIR_SENDRECV, sdp, sizeof(sdp));
	rc = sip_call_invite_hdrs(t->ua, t->target, t->from, offer, &t->cred, t->headers[0] ? t->headers : NULL,
				  &c);
	if (rc < 0) {
		fprintf(stderr, "sipgw-ua: call %ld to %s: %s\n", cc->n, t->target, strerror(-rc));
		t->failed++;
		t->finished++;
		mprobe_free(cc->mp);
		mem_free(cc);
		maybe_finish(t);
		return;
	}
	cc->call = c;
	sip_call_set_user(c, cc);
}

/* ---- main --------------------------------------------------------------------- */

static void on_deadline(struct timer *tm, void *arg)
{
	struct tool *t = arg;

	(void)tm;
	fprintf(stderr, "sipgw-ua: timeout after %ld s with %ld of %ld calls finished\n", t->timeout_s,
		t->finished, t->count);
	t->failed++;
	loop_stop(t->loop);
}

static void on_signal(struct loop *loop, int signo, void *arg)
{
	struct tool *t = arg;

	(void)signo;
	if (t->stopping) {
		loop_stop(loop);
		return;
	}
	t->stopping = true;
	sip_ua_shutdown(t->ua);
	maybe_finish(t);
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: sipgw-ua [options] [URI]\n"
		"  -l, --listen PROTO:ADDR:PORT  listen (udp:, tcp:, tls:); repeatable\n"
		"  URI                 call it (UAC); without one, answer calls (UAS)\n"
		"  --from URI          our From (UAC), default sip:sipgw-ua@127.0.0.1\n"
		"  --proxy PROTO:ADDR:PORT  send requests outside dialogs there\n"
		"  --register URI      register --aor (default --from) with this registrar first\n"
		"  --ring MS           UAS: 180, then answer after MS\n"
		"  --status CODE       UAS: answer with this failure instead of 200\n"
		"  --hold MS           hang up MS after the answer (UAC default 1000)\n"
		"  --reinvite MS       re-INVITE to hold MS after the answer\n"
		"  --cancel-after MS   UAC: CANCEL MS after the first 18x\n"
		"  --expect CODE       the final status expected (default 200: answered, ended by BYE)\n"
		"  --user U --password P  UAS: challenge; UAC: answer challenges\n"
		"  --count N           calls to make (UAC, default 1) or to take (UAS) before exiting\n"
		"  --100rel            reliable provisionals (UAC: Require: 100rel)\n"
		"  --session-expires S RFC 4028 session timer\n"
		"  --ca FILE --cert FILE --key FILE --no-verify   TLS\n"
		"  --timeout S         give up after S seconds (default 60): exit 1\n"
		"  --probe KIND        UAC: send and check RTP: milliwatt (level, frequency, SNR),\n"
		"                      echo (round trip), dtmf (--digits as RFC 4733, read back\n"
		"                      from the audio), talk (noise 500 ms on/off: the return\n"
		"                      loss met), data (CLEARMODE alone: octets sent and found\n"
		"                      again bit-exact) or listen; a report follows each call\n"
		"                      fax: SpanDSP's fax machine sends the test page (G.711, or\n"
		"                      T.38 when the call moves to it); fax-recv (UAS) receives\n"
		"                      it and checks every row; the call ends with the fax\n"
		"  --t38 MODE          fax probes: accept (default) or refuse (488) the peer's\n"
		"                      T.38 re-INVITE, or offer: re-INVITE to T.38 --reinvite MS\n"
		"                      after the answer; back: accept, and after the fax\n"
		"                      re-INVITE back to audio (RTP must come again)\n"
		"  --digits DIGITS     what --probe dtmf sends\n"
		"                      UAS: --probe reflect sends back what arrives (the far end\n"
		"                      of an echo test), data-reflect the same for a data call\n"
		"                      (CLEARMODE alone, octets as they came); --probe listen\n"
		"                      measures the level\n"
		"  --early             UAS: 183 with the answer's SDP first (early media)\n"
		"  --codec NAME        offer and take only NAME (PCMA PCMU G722 G726-32 GSM G729)\n"
		"  --annexb            with --codec G729: offer annex B (no packets in silence,\n"
		"                      comfort noise) and use it when the peer agrees\n"
		"  --header 'N: V'     UAC: add this header line to the INVITE (repeatable)\n"
		"  --max-calls N --max-transactions N   caps (503 beyond; default 2000, 10000)\n"
		"  --linger MS         keep connections open MS after the last call\n"
		"  --dns HOST:PORT[,...]  DNS servers for RFC 3263 lookups (default resolv.conf)\n"
		"  --t1 MS             RFC 3261 T1 (default 500)\n"
		"  --md5-first         UAS: challenge with MD5 before SHA-256 (peers that read one)\n"
		"  -q, --quiet   -v, --verbose (every message)   --version\n");
}

static long num_arg(const char *opt, const char *s, long min, long max)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*s == '\0' || *end || v < min || v > max) {
		fprintf(stderr, "sipgw-ua: %s: '%s' is not a number from %ld to %ld\n", opt, s, min, max);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	enum { O_FROM = 256, O_PROXY, O_REGISTER, O_AOR, O_RING, O_STATUS, O_HOLD, O_REINVITE,
	       O_CANCEL, O_EXPECT, O_USER, O_PASSWORD, O_COUNT, O_100REL, O_SE, O_CA, O_CERT,
	       O_KEY, O_NOVERIFY, O_TIMEOUT, O_VERSION, O_MEDIA, O_MAXCALLS, O_MAXTSX, O_LINGER, O_DNS, O_T1, O_MD5FIRST, O_PROBE, O_DIGITS, O_EARLY, O_HEADER, O_CODEC, O_ANNEXB, O_T38 };
	static const struct option longopts[] = {
		{"listen", required_argument, NULL, 'l'},   {"from", required_argument, NULL, O_FROM},
		{"proxy", required_argument, NULL, O_PROXY}, {"register", required_argument, NULL, O_REGISTER},
		{"aor", required_argument, NULL, O_AOR},     {"ring", required_argument, NULL, O_RING},
		{"status", required_argument, NULL, O_STATUS}, {"hold", required_argument, NULL, O_HOLD},
		{"reinvite", required_argument, NULL, O_REINVITE},
		{"cancel-after", required_argument, NULL, O_CANCEL},
		{"expect", required_argument, NULL, O_EXPECT}, {"user", required_argument, NULL, O_USER},
		{"password", required_argument, NULL, O_PASSWORD},
		{"count", required_argument, NULL, O_COUNT}, {"100rel", no_argument, NULL, O_100REL},
		{"session-expires", required_argument, NULL, O_SE}, {"ca", required_argument, NULL, O_CA},
		{"cert", required_argument, NULL, O_CERT},   {"key", required_argument, NULL, O_KEY},
		{"no-verify", no_argument, NULL, O_NOVERIFY}, {"timeout", required_argument, NULL, O_TIMEOUT},
		{"media-port", required_argument, NULL, O_MEDIA},
		{"probe", required_argument, NULL, O_PROBE}, {"digits", required_argument, NULL, O_DIGITS},
		{"early", no_argument, NULL, O_EARLY}, {"header", required_argument, NULL, O_HEADER},
		{"codec", required_argument, NULL, O_CODEC},
		{"annexb", no_argument, NULL, O_ANNEXB}, {"t38", required_argument, NULL, O_T38},
		{"max-calls", required_argument, NULL, O_MAXCALLS},
		{"max-transactions", required_argument, NULL, O_MAXTSX},
		{"linger", required_argument, NULL, O_LINGER},
		{"dns", required_argument, NULL, O_DNS},
		{"t1", required_argument, NULL, O_T1},
		{"md5-first", no_argument, NULL, O_MD5FIRST},
		{"quiet", no_argument, NULL, 'q'},	     {"verbose", no_argument, NULL, 'v'},
		{"version", no_argument, NULL, O_VERSION},  {"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0}};
	struct tool t = {.ring_ms = 0, .hold_ms = -2, .reinvite_ms = -1, .cancel_ms = -1, .count = -1,
			 .expect = 200, .status = 200, .timeout_s = 60, .media_port = 40000};
	struct sip_ua_opts o = {.user_agent = "sipgw-ua/" SIPGW_VERSION, .contact_user = "sipgw-ua"};
	const char *listens[16];
	size_t nlisten = 0;
	bool verbose = false;
	int opt, rc = 0;
	char err[256];

	o.transport.tls.verify_server = true;
	while ((opt = getopt_long(argc, argv, "l:qvh", longopts, NULL)) != -1) {
		switch (opt) {
		case 'l':
			if (nlisten == sizeof(listens) / sizeof(listens[0])) {
				fprintf(stderr, "sipgw-ua: at most 16 listeners\n");
				return 2;
			}
			listens[nlisten++] = optarg;
			break;
		case O_FROM: t.from = optarg; break;
		case O_PROXY: o.outbound_proxy = optarg; break;
		case O_REGISTER: t.registrar = optarg; break;
		case O_AOR: t.aor = optarg; break;
		case O_RING: t.ring_ms = num_arg("--ring", optarg, 0, 3600000); break;
		case O_STATUS: t.status = num_arg("--status", optarg, 200, 699); break;
		case O_HOLD: t.hold_ms = num_arg("--hold", optarg, 0, 86400000); break;
		case O_REINVITE: t.reinvite_ms = num_arg("--reinvite", optarg, 0, 3600000); break;
		case O_CANCEL: t.cancel_ms = num_arg("--cancel-after", optarg, 0, 3600000); break;
		case O_EXPECT: t.expect = num_arg("--expect", optarg, 200, 699); break;
		case O_USER: t.cred.user = optarg; break;
		case O_PASSWORD: t.cred.password = optarg; break;
		case O_COUNT: t.count = num_arg("--count", optarg, 1, 100000000); break;
		case O_100REL: o.use_100rel = true; break;
		case O_SE:
			o.st.session_expires = (uint32_t)num_arg("--session-expires", optarg, 90, 86400);
			o.st.min_se = 90;
			break;
		case O_CA: o.transport.tls.ca_file = optarg; break;
		case O_CERT: o.transport.tls.cert_file = optarg; break;
		case O_KEY: o.transport.tls.key_file = optarg; break;
		case O_NOVERIFY: o.transport.tls.verify_server = false; break;
		case O_TIMEOUT: t.timeout_s = num_arg("--timeout", optarg, 1, 86400); break;
		case O_MEDIA: t.media_port = num_arg("--media-port", optarg, 1, 65535); break;
		case O_PROBE: {
			bool ok;

			t.probe = true;
			t.probe_kind = mprobe_kind_parse(optarg, &ok);
			if (!ok) {
				fprintf(stderr, "sipgw-ua: --probe: '%s' is not milliwatt, echo, dtmf, talk, reflect, listen, "
						"data, data-reflect, fax or fax-recv\n", optarg);
				return 2;
			}
			break;
		}
		case O_DIGITS: t.digits = optarg; break;
		case O_EARLY: t.early = true; break;
		case O_CODEC:
			if (!(t.codec = dsp_codec_find(optarg, 8000))) {
				fprintf(stderr, "sipgw-ua: --codec: '%s' is not PCMA, PCMU, G722, G726-32, GSM or G729\n", optarg);
				return 2;
			}
			break;
		case O_ANNEXB: t.annexb = true; break;
		case O_T38:
			if (!strcmp(optarg, "accept"))
				t.t38 = 0;
			else if (!strcmp(optarg, "refuse"))
				t.t38 = 1;
			else if (!strcmp(optarg, "offer"))
				t.t38 = 2;
			else if (!strcmp(optarg, "back"))
				t.t38 = 3;
			else {
				fprintf(stderr, "sipgw-ua: --t38: '%s' is not accept, refuse, offer or back\n", optarg);
				return 2;
			}
			break;
		case O_HEADER: {
			size_t n = strlen(t.headers);

			if (!strchr(optarg, ':') || strpbrk(optarg, "\r\n") ||
			    n + strlen(optarg) + 3 > sizeof(t.headers)) {
				fprintf(stderr, "sipgw-ua: --header: 'Name: value', one line, 500 bytes in all\n");
				return 2;
			}
			snprintf(t.headers + n, sizeof(t.headers) - n, "%s\r\n", optarg);
			break;
		}
		case O_MAXCALLS: o.max_dialogs = (size_t)num_arg("--max-calls", optarg, 1, 10000000); break;
		case O_DNS: o.dns_servers = optarg; break;
		case O_MD5FIRST: o.auth_md5_first = true; break;
		case O_T1:
			o.timers = SIP_TSX_TIMERS_DEFAULT;
			o.timers.t1_ms = (uint32_t)num_arg("--t1", optarg, 10, 10000);
			break;
		case O_LINGER: t.linger_ms = num_arg("--linger", optarg, 0, 60000); break;
		case O_MAXTSX: o.max_transactions = (size_t)num_arg("--max-transactions", optarg, 1, 100000000); break;
		case 'q': t.quiet = true; break;
		case 'v': verbose = true; break;
		case O_VERSION: printf("sipgw-ua %s\n", SIPGW_VERSION); return 0;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind < argc)
		t.target = argv[optind++];
	if (optind < argc || !nlisten) {
		usage(stderr);
		return 2;
	}
	if (t.target && t.count < 0)
		t.count = 1;
	if (t.hold_ms == -2)
		t.hold_ms = t.target ? 1000 : -1;
	if (!t.from)
		t.from = "sip:sipgw-ua@127.0.0.1";
	if (!t.aor)
		t.aor = t.from;
	if (t.target)
		o.require_100rel = o.use_100rel;
	if (!t.target && t.cred.user && !t.registrar) { /* UAS: challenge */
		o.auth_user = t.cred.user;
		o.auth_password = t.cred.password ? t.cred.password : "";
		o.auth_realm = "sipgw-ua";
	}
	o.trace = verbose;
	log_init("sipgw-ua");
	log_level_set(LOGC_SIP, verbose ? LOGL_DEBUG : LOGL_WARNING);
	signal(SIGPIPE, SIG_IGN);
	if ((rc = loop_new(&t.loop)) < 0 || (rc = sip_ua_new(t.loop, &o, &ua_ops, &t, &t.ua)) < 0) {
		fprintf(stderr, "sipgw-ua: %s\n", strerror(-rc));
		return 1;
	}
	for (size_t i = 0; i < nlisten; i++) {
		if (sip_ua_listen(t.ua, listens[i], err, sizeof(err)) < 0) {
			fprintf(stderr, "sipgw-ua: %s\n", err);
			sip_ua_free(t.ua);
			loop_free(t.loop);
			return 1;
		}
	}
	loop_signal_add(t.loop, SIGINT, on_signal, &t);
	loop_signal_add(t.loop, SIGTERM, on_signal, &t);
	timer_setup(&t.deadline, on_deadline, &t);
	timer_setup(&t.next_call, on_next_call, &t);
	loop_timer_start_ms(t.loop, &t.deadline, (uint64_t)t.timeout_s * 1000);
	if (t.registrar) {
		if (sip_ua_register(t.ua, t.registrar, t.aor, &t.cred, 300, NULL) < 0) {
			fprintf(stderr, "sipgw-ua: cannot register with %s\n", t.registrar);
			return 1;
		}
	} else if (t.target) {
		start_call(&t);
	}
	/* a UAS says where it listens once it is up, for scripts */
	for (size_t i = 0;; i++) {
		enum sip_proto p;
		struct sip_addr a;
		char text[80];

		if (sip_transport_listener(sip_ua_transport(t.ua), i, &p, &a) < 0)
			break;
		sip_addr_format(&a, text, sizeof(text));
		if (!t.target)
			say(&t, "listening %s:%s\n", sip_proto_names[p], text);
	}
	if (!t.stopping || sip_ua_active(t.ua))
		loop_run(t.loop);
	if (t.linger_ms > 0) { /* bounded: the loop waits at most linger_ms in all */
		uint64_t end = loop_now_ns() + (uint64_t)t.linger_ms * 1000000ull;

		while (loop_now_ns() < end)
			loop_run_once(t.loop, (int)((end - loop_now_ns()) / 1000000ull) + 1);
	}
	loop_timer_stop(t.loop, &t.deadline);
	loop_timer_stop(t.loop, &t.next_call);
	say(&t, "calls: %ld ok, %ld failed\n", t.ok, t.failed);
	sip_ua_free(t.ua);
	loop_free(t.loop);
	return t.failed || (t.count > 0 && t.ok < t.count) ? 1 : 0;
}
