/* sdp_oa.c: RFC 3264 answers, see sdp_oa.h. */
#include "config.h"

#include "sip/sdp_oa.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

struct arena {
	char *p;
	size_t size, used;
	bool full;
};

static struct sv arena_printf(struct arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static struct sv arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (a->full)
		return SV_NULL;
	va_start(ap, fmt);
	n = vsnprintf(a->p + a->used, a->size - a->used, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= a->size - a->used) {
		a->full = true;
		return SV_NULL;
	}
	a->used += (size_t)n + 1;
	return sv_make(a->p + a->used - (size_t)n - 1, (size_t)n);
}

const char *const sdp_srtp_policy_names[] = {"off", "optional", "mandatory", NULL};
const char *const sdp_srtp_suites[SDP_SRTP_SUITES] = {"AES_CM_128_HMAC_SHA1_80", "AES_CM_128_HMAC_SHA1_32",
						      "AEAD_AES_128_GCM", "AEAD_AES_256_GCM"};

static int suite_index(struct sv suite)
{
	for (int i = 0; i < SDP_SRTP_SUITES; i++)
		if (sv_eq_cstr(suite, sdp_srtp_suites[i]))
			return i;
	return -1;
}

bool sdp_crypto_suite_supported(struct sv suite)
{
	return suite_index(suite) >= 0;
}

int sdp_srtp_policy_from_name(const char *name)
{
	for (int i = 0; sdp_srtp_policy_names[i]; i++)
		if (!strcmp(name, sdp_srtp_policy_names[i]))
			return i;
	return -1;
}

/* our key for suite number i, or NULL */
static const char *key_at(const struct sdp_local *l, int i)
{
	if (i < 0)
		return NULL;
	if (l->srtp_keys[i])
		return l->srtp_keys[i];
	return i == 0 ? l->srtp_key : NULL;
}

/* The policy in force; the older single-key form offers RTP/SAVP and
 * answers plain RTP or SRTP alike. */
static enum sdp_srtp_policy policy(const struct sdp_local *l, bool offering)
{
	if (l->srtp == SDP_SRTP_OFF && l->srtp_key)
		return offering ? SDP_SRTP_MANDATORY : SDP_SRTP_OPTIONAL;
	return l->srtp;
}

/* The first a=crypto of m whose suite we have a key for; NULL if none. */
static const struct sdp_attr *usable_crypto(const struct sdp_media *m, const struct sdp_local *l,
					    struct sdp_crypto *out, const char **key)
{
	const struct sdp_attr *a;

	for (a = sdp_attr_find(m->attrs, m->nattrs, "crypto", NULL); a;
	     a = sdp_attr_find(m->attrs, m->nattrs, "crypto", a))
		if (sdp_crypto_parse(a->value, out) == 0 && (*key = key_at(l, suite_index(out->suite))))
			return a;
	return NULL;
}

static bool parse_pt(struct sv f, unsigned *pt)
{
	unsigned n = 0;

	if (!f.len || f.len > 3)
		return false;
	for (size_t i = 0; i < f.len; i++) {
		if (!isdigit((unsigned char)f.p[i]))
			return false;
		n = n * 10 + (unsigned)(f.p[i] - '0');
	}
	*pt = n;
	return n <= 127;
}

/* Does offered payload type pt carry codec c?  With an rtpmap, by name and
 * clock; without one, by the static number (RFC 3551 table 4). */
static bool pt_is(const struct sdp_media *m, unsigned pt, const struct sdp_codec *c)
{
	struct sv enc;
	unsigned clock, ch;

	if (sdp_media_rtpmap(m, pt, &enc, &clock, &ch))
		return sv_eq_cstr_nocase(enc, c->name) && clock == c->clock &&
		       ch == (c->channels ? c->channels : 1);
	return c->static_pt >= 0 && (unsigned)c->static_pt == pt;
}

const struct sdp_codec sdp_clearmode = {"CLEARMODE", 8000, 1, -1, NULL};

bool sdp_offer_is_clearmode(const struct sdp_session *offer)
{
	for (size_t i = 0; i < offer->nmedia; i++) {
		const struct sdp_media *m = &offer->media[i];
		bool clear = false;

		if (!sv_eq_cstr(m->type, "audio") || !m->port)
			continue;
		for (size_t f = 0; f < m->nfmts; f++) {
			unsigned pt = 0, clock, ch;
			struct sv enc;
			size_t k;

			for (k = 0; k < m->fmts[f].len && k < 3 && m->fmts[f].p[k] >= '0' && m->fmts[f].p[k] <= '9'; k++)
				pt = pt * 10 + (unsigned)(m->fmts[f].p[k] - '0');
			if (k != m->fmts[f].len || !sdp_media_rtpmap(m, pt, &enc, &clock, &ch))
				return false; /* a static (audio) type, or one we cannot read */
			if (sv_eq_cstr_nocase(enc, "CLEARMODE") && clock == 8000)
				clear = true;
			else if (!sv_eq_cstr_nocase(enc, "telephone-event"))
				return false;
		}
		return clear;
	}
	return false;
}

bool sdp_fmtp_annexb(struct sv fmtp)
{
	const char *p = fmtp.p, *end = fmtp.p + fmtp.len;

	for (; p + 7 <= end; p++)
		if (!strncasecmp(p, "annexb=", 7) && (p == fmtp.p || p[-1] == ';' || p[-1] == ' '))
			return !(p + 9 <= end && !strncasecmp(p + 7, "no", 2));
	return true;
}

/* Did both sides agree to G.729 annex B?  Ours is the fmtp we offer. */
static bool annexb_agreed(const struct sdp_codec *c, const struct sdp_media *m, unsigned pt)
{
	bool found;
	struct sv theirs;

	if (strcasecmp(c->name, "G729") || !c->fmtp || !sdp_fmtp_annexb(sv_cstr(c->fmtp)))
		return false;
	theirs = sdp_media_fmtp(m, pt, &found);
	return !found || sdp_fmtp_annexb(theirs);
}

static enum sdp_dir mirror(enum sdp_dir d)
{
	switch (d) {
	case SDP_DIR_SENDONLY:
		return SDP_DIR_RECVONLY;
	case SDP_DIR_RECVONLY:
		return SDP_DIR_SENDONLY;
	case SDP_DIR_INACTIVE:
		return SDP_DIR_INACTIVE;
	default:
		return SDP_DIR_SENDRECV;
	}
}

static void add_attr(struct sdp_media *m, struct sv name, struct sv value, bool has_value)
{
	if (m->nattrs < SDP_MAX_ATTRS) {
		m->attrs[m->nattrs].name = name;
		m->attrs[m->nattrs].value = value;
		m->attrs[m->nattrs].has_value = has_value;
		m->nattrs++;
	}
}

/* Refuse offered stream o in answer stream a (§6: port 0, one format). */
static void refuse(const struct sdp_media *o, struct sdp_media *a)
{
	memset(a, 0, sizeof(*a));
	a->type = o->type;
	a->proto = o->proto;
	a->port = 0;
	a->nports = 1;
	a->fmts[0] = o->fmts[0];
	a->nfmts = 1;
}

/* The events of an offered telephone-event fmtp we also know: 0-15 are the
 * DTMF digits (RFC 4733 §3.2); a range covering them is answered 0-15. */
static struct sv events_answer(struct sv offered, bool found, struct arena *ar)
{
	if (!found || !offered.len)
		return arena_printf(ar, "0-15");
	if (memmem(offered.p, offered.len, "0-15", 4) || memmem(offered.p, offered.len, "0-16", 4))
		return arena_printf(ar, "0-15");
	return offered; /* a narrower list: answer it as offered */
}

static int answer_audio(const struct sdp_session *offer, const struct sdp_media *o,
			const struct sdp_local *l, struct sdp_media *a, struct arena *ar,
			struct sdp_negotiated *neg)
{
	const struct sdp_conn *oc = o->conn.set ? &o->conn : &offer->conn;
	bool savp = sv_eq_cstr(o->proto, "RTP/SAVP") || sv_eq_cstr(o->proto, "RTP/SAVPF");
	const struct sdp_attr *crypto = NULL;
	const struct sdp_codec *chosen = NULL;
	unsigned chosen_pt = 0, te_pt = 0;
	bool te = false;
	enum sdp_dir d;

	if (!sv_eq_cstr(o->proto, "RTP/AVP") && !savp && !sv_eq_cstr(o->proto, "RTP/AVPF"))
		return -1;
	if (o->port == 0)
		return -1; /* the offerer refused it already */
	/* our codec order decides (§6.1 lets the answerer choose) */
	for (size_t c = 0; c < l->ncodecs && !chosen; c++) {
		for (size_t f = 0; f < o->nfmts; f++) {
			unsigned pt;

			if (parse_pt(o->fmts[f], &pt) && pt_is(o, pt, &l->codecs[c])) {
				chosen = &l->codecs[c];
				chosen_pt = pt;
				break;
			}
		}
	}
	if (!chosen)
		return -1;
	if (l->telephone_event) {
		static const struct sdp_codec te_codec = {"telephone-event", 8000, 1, -1, NULL};

		for (size_t f = 0; f < o->nfmts && !te; f++)
			te = parse_pt(o->fmts[f], &te_pt) && pt_is(o, te_pt, &te_codec);
	}
	if (savp && policy(l, false) == SDP_SRTP_OFF)
		return -1; /* SRTP is off for this peer */
	if (policy(l, false) != SDP_SRTP_OFF) {
		struct sdp_crypto c;
		const char *key = NULL;

		crypto = usable_crypto(o, l, &c, &key);
		if (crypto) {
			neg->crypto_suite = c.suite;
			neg->crypto_tag = c.tag;
			neg->remote_key = c.key;
			neg->local_key = key;
		} else if (savp || policy(l, false) == SDP_SRTP_MANDATORY) {
			return -1; /* RFC 4568 §5.1.2: no acceptable crypto, no stream */
		}
	}
	memset(a, 0, sizeof(*a));
	a->type = o->type;
	a->proto = o->proto;
	a->port = l->audio_port;
	a->nports = 1;
	a->fmts[a->nfmts++] = arena_printf(ar, "%u", chosen_pt);
	if (te)
		a->fmts[a->nfmts++] = arena_printf(ar, "%u", te_pt);
	/* an rtpmap even for static types: clearer to every reader of the answer */
	add_attr(a, SV_LIT("rtpmap"),
		 chosen->channels > 1 ? arena_printf(ar, "%u %s/%u/%u", chosen_pt, chosen->name,
						    chosen->clock, chosen->channels)
				      : arena_printf(ar, "%u %s/%u", chosen_pt, chosen->name, chosen->clock),
		 true);
	neg->vad = annexb_agreed(chosen, o, chosen_pt);
	if (!strcasecmp(chosen->name, "G729")) /* say it: silence in an answer means yes */
		add_attr(a, SV_LIT("fmtp"), arena_printf(ar, "%u annexb=%s", chosen_pt, neg->vad ? "yes" : "no"),
			 true);
	if (te) {
		bool found;
		struct sv offered = sdp_media_fmtp(o, te_pt, &found); /* sets found first */
		struct sv ev = events_answer(offered, found, ar);

		add_attr(a, SV_LIT("rtpmap"), arena_printf(ar, "%u telephone-event/8000", te_pt), true);
		add_attr(a, SV_LIT("fmtp"), arena_printf(ar, "%u %.*s", te_pt, (int)ev.len, ev.p), true);
		neg->te_pt = (int)te_pt;
	}
	neg->ptime = o->ptime ? (unsigned)o->ptime : l->ptime ? l->ptime : 20;
	add_attr(a, SV_LIT("ptime"), arena_printf(ar, "%u", neg->ptime), true);
	d = mirror(sdp_media_direction(offer, o));
	add_attr(a, sv_cstr(sdp_dir_names[d]), SV_NULL, false);
	a->dir = d;
	if (o->rtcp_mux && l->rtcp_mux) {
		add_attr(a, SV_LIT("rtcp-mux"), SV_NULL, false);
		a->rtcp_mux = neg->rtcp_mux = true;
	}
	if (crypto)
		add_attr(a, SV_LIT("crypto"),
			 arena_printf(ar, "%u %.*s inline:%s", neg->crypto_tag, (int)neg->crypto_suite.len,
				      neg->crypto_suite.p, neg->local_key),
			 true);
	neg->audio = true;
	neg->codec = chosen;
	neg->pt = chosen_pt;
	neg->dir = d;
	neg->remote_addr = oc->addr;
	neg->remote_port = o->port;
	neg->remote_rtcp_port = o->rtcp_port ? o->rtcp_port : (uint16_t)(o->port + 1);
	return 0;
}

static void session_lines(const struct sdp_local *l, struct sdp_session *s, struct arena *ar);
static int scratch_full(struct sdp_error *err);

static unsigned t38_bitrate(const struct sdp_local *l)
{
	return l->t38_max_bitrate ? l->t38_max_bitrate : 14400;
}

static unsigned t38_datagram(const struct sdp_local *l)
{
	return l->t38_max_datagram ? l->t38_max_datagram : 400;
}

/* The T.38 attributes of one of our image streams. */
static void t38_attrs(struct sdp_media *a, const struct sdp_t38 *t, struct arena *ar)
{
	add_attr(a, SV_LIT("T38FaxVersion"), arena_printf(ar, "%u", t->version), true);
	add_attr(a, SV_LIT("T38MaxBitRate"), arena_printf(ar, "%u", t->max_bitrate), true);
	add_attr(a, SV_LIT("T38FaxRateManagement"), t->rate_management, true);
	add_attr(a, SV_LIT("T38FaxMaxBuffer"), arena_printf(ar, "%u", t->max_buffer), true);
	add_attr(a, SV_LIT("T38FaxMaxDatagram"), arena_printf(ar, "%u", t->max_datagram), true);
	add_attr(a, SV_LIT("T38FaxUdpEC"), t->udp_ec, true);
}

static int answer_t38(const struct sdp_session *offer, const struct sdp_media *o,
		      const struct sdp_local *l, struct sdp_media *a, struct arena *ar,
		      struct sdp_negotiated *neg)
{
	const struct sdp_conn *oc = o->conn.set ? &o->conn : &offer->conn;
	struct sdp_t38 off, ans;

	if (!l->t38 || o->port == 0 || sdp_media_t38(o, &off) < 0)
		return -1;
	memset(&ans, 0, sizeof(ans));
	ans.version = 0; /* the lower of the two versions: we speak version 0 */
	ans.max_bitrate = off.max_bitrate && off.max_bitrate < t38_bitrate(l) ? off.max_bitrate
									    : t38_bitrate(l);
	ans.rate_management = sv_eq_cstr_nocase(off.rate_management, "localTCF")
				      ? SV_LIT("localTCF") : SV_LIT("transferredTCF");
	ans.max_buffer = 2000;
	ans.max_datagram = t38_datagram(l);
	ans.udp_ec = sv_eq_cstr_nocase(off.udp_ec, "t38UDPNoEC") ? SV_LIT("t38UDPNoEC")
								   : SV_LIT("t38UDPRedundancy");
	memset(a, 0, sizeof(*a));
	a->type = o->type;
	a->proto = o->proto;
	a->port = l->t38_port;
	a->nports = 1;
	a->fmts[a->nfmts++] = o->fmts[0];
	t38_attrs(a, &ans, ar);
	neg->t38 = true;
	neg->t38p = ans;
	/* we send datagrams no larger than the peer takes */
	neg->t38p.max_datagram = off.max_datagram ? off.max_datagram : 400;
	neg->t38_addr = oc->addr;
	neg->t38_port = o->port;
	return 0;
}

int sdp_answer_build(const struct sdp_session *offer, const struct sdp_local *l,
		     struct sdp_session *answer, char *scratch, size_t scratch_size,
		     struct sdp_negotiated *neg, struct sdp_error *err)
{
	struct arena ar = {scratch, scratch_size, 0, false};

	memset(neg, 0, sizeof(*neg));
	neg->te_pt = -1;
	session_lines(l, answer, &ar);
	for (size_t i = 0; i < offer->nmedia; i++) {
		const struct sdp_media *o = &offer->media[i];
		struct sdp_media *a = &answer->media[answer->nmedia++];

		/* one audio stream is enough for a gateway channel, one for fax */
		if (sdp_media_is_t38(o)) {
			if (neg->t38 || answer_t38(offer, o, l, a, &ar, neg) < 0)
				refuse(o, a);
		} else if (neg->audio || !sv_eq_cstr(o->type, "audio") ||
			   answer_audio(offer, o, l, a, &ar, neg) < 0) {
			refuse(o, a);
		}
	}
	return ar.full ? scratch_full(err) : 0;
}

static void session_lines(const struct sdp_local *l, struct sdp_session *s, struct arena *ar)
{
	memset(s, 0, sizeof(*s));
	s->version = 0;
	s->origin_user = sv_cstr(l->user ? l->user : "-");
	s->sess_id = arena_printf(ar, "%" PRIu64, l->sess_id);
	s->sess_version = arena_printf(ar, "%" PRIu64, l->sess_version);
	s->origin_nettype = SV_LIT("IN");
	s->origin_addrtype = sv_cstr(l->addrtype);
	s->origin_addr = sv_cstr(l->addr);
	s->name = SV_LIT("sipgw");
	s->conn.set = true;
	s->conn.nettype = SV_LIT("IN");
	s->conn.addrtype = sv_cstr(l->addrtype);
	s->conn.addr = sv_cstr(l->addr);
	s->timing = SV_LIT("0 0");
}

static int scratch_full(struct sdp_error *err)
{
	if (err) {
		err->line = 0;
		snprintf(err->msg, sizeof(err->msg), "scratch space for the description too small");
	}
	return -ENOSPC;
}

/* Our payload type for codec i: its static number, else a dynamic one from
 * 96 upwards, skipping 101 (telephone-event's). */
static unsigned offer_pt(const struct sdp_local *l, size_t i)
{
	unsigned dyn = 96;

	for (size_t k = 0; k < i; k++)
		if (l->codecs[k].static_pt < 0 && ++dyn == 101)
			dyn++;
	return l->codecs[i].static_pt >= 0 ? (unsigned)l->codecs[i].static_pt : dyn;
}

int sdp_offer_build(const struct sdp_local *l, enum sdp_offer_kind kind, enum sdp_dir dir,
		    struct sdp_session *offer, char *scratch, size_t scratch_size,
		    struct sdp_error *err)
{
	struct arena ar = {scratch, scratch_size, 0, false};
	struct sdp_media *m;

	session_lines(l, offer, &ar);
	m = &offer->media[offer->nmedia++];
	m->type = SV_LIT("audio");
	m->proto = policy(l, true) == SDP_SRTP_MANDATORY ? SV_LIT("RTP/SAVP") : SV_LIT("RTP/AVP");
	m->nports = 1;
	if (kind == SDP_OFFER_T38) {
		/* the audio stream stays in its place, refused (RFC 3264 §8.2) */
		struct sdp_t38 t = {.version = 0, .max_bitrate = t38_bitrate(l),
				    .rate_management = SV_LIT("transferredTCF"), .max_buffer = 2000,
				    .max_datagram = t38_datagram(l),
				    .udp_ec = SV_LIT("t38UDPRedundancy")};

		m->port = 0;
		m->fmts[m->nfmts++] = arena_printf(&ar, "%u", offer_pt(l, 0));
		m = &offer->media[offer->nmedia++];
		m->type = SV_LIT("image");
		m->proto = SV_LIT("udptl");
		m->port = l->t38_port;
		m->nports = 1;
		m->fmts[m->nfmts++] = SV_LIT("t38");
		t38_attrs(m, &t, &ar);
		return ar.full ? scratch_full(err) : 0;
	}
	m->port = l->audio_port;
	for (size_t i = 0; i < l->ncodecs && m->nfmts < SDP_MAX_FMTS - 1; i++) {
		const struct sdp_codec *c = &l->codecs[i];
		unsigned pt = offer_pt(l, i);

		m->fmts[m->nfmts++] = arena_printf(&ar, "%u", pt);
		add_attr(m, SV_LIT("rtpmap"),
			 c->channels > 1 ? arena_printf(&ar, "%u %s/%u/%u", pt, c->name, c->clock, c->channels)
					 : arena_printf(&ar, "%u %s/%u", pt, c->name, c->clock),
			 true);
		if (c->fmtp)
			add_attr(m, SV_LIT("fmtp"), arena_printf(&ar, "%u %s", pt, c->fmtp), true);
	}
	if (l->telephone_event) {
		m->fmts[m->nfmts++] = SV_LIT("101");
		add_attr(m, SV_LIT("rtpmap"), SV_LIT("101 telephone-event/8000"), true);
		add_attr(m, SV_LIT("fmtp"), SV_LIT("101 0-15"), true);
	}
	add_attr(m, SV_LIT("ptime"), arena_printf(&ar, "%u", l->ptime ? l->ptime : 20), true);
	add_attr(m, sv_cstr(sdp_dir_names[dir == SDP_DIR_NONE ? SDP_DIR_SENDRECV : dir]), SV_NULL,
		 false);
	m->dir = dir;
	if (l->rtcp_mux) {
		add_attr(m, SV_LIT("rtcp-mux"), SV_NULL, false);
		m->rtcp_mux = true;
	}
	/* every suite we have a key for, tags 1, 2, ... in our order */
	for (int i = 0, tag = 1; i < SDP_SRTP_SUITES && policy(l, true) != SDP_SRTP_OFF; i++)
		if (key_at(l, i))
			add_attr(m, SV_LIT("crypto"),
				 arena_printf(&ar, "%d %s inline:%s", tag++, sdp_srtp_suites[i], key_at(l, i)),
				 true);
	return ar.full ? scratch_full(err) : 0;
}

static int oa_fail(struct sdp_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int oa_fail(struct sdp_error *err, const char *fmt, ...)
{
	va_list ap;

	if (err) {
		err->line = 0;
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
		va_end(ap);
	}
	return -EPROTO;
}

static bool fmt_offered(const struct sdp_media *o, struct sv f)
{
	for (size_t i = 0; i < o->nfmts; i++)
		if (sv_eq(o->fmts[i], f))
			return true;
	return false;
}

static int process_audio(const struct sdp_session *answer, const struct sdp_media *o,
			 const struct sdp_media *a, const struct sdp_local *l,
			 struct sdp_negotiated *neg, struct sdp_error *err)
{
	static const struct sdp_codec te_codec = {"telephone-event", 8000, 1, -1, NULL};
	const struct sdp_conn *c = a->conn.set ? &a->conn : &answer->conn;

	if (!c->set)
		return oa_fail(err, "the answer's audio stream has no connection address");
	for (size_t f = 0; f < a->nfmts; f++) {
		unsigned pt;

		if (!parse_pt(a->fmts[f], &pt))
			continue;
		if (!fmt_offered(o, a->fmts[f]))
			return oa_fail(err, "the answer has payload type %u, which was not offered", pt);
		if (pt_is(o, pt, &te_codec)) {
			neg->te_pt = (int)pt;
			continue;
		}
		for (size_t k = 0; k < l->ncodecs && !neg->codec; k++) {
			if (pt_is(o, pt, &l->codecs[k])) {
				neg->codec = &l->codecs[k];
				neg->pt = pt;
			}
		}
	}
	if (!neg->codec)
		return oa_fail(err, "the answer's audio stream has none of the offered codecs");
	neg->vad = annexb_agreed(neg->codec, a, neg->pt);
	if (policy(l, true) != SDP_SRTP_OFF) {
		const struct sdp_attr *ca = sdp_attr_find(a->attrs, a->nattrs, "crypto", NULL);
		struct sdp_crypto cr;
		int tag = 0, idx = -1;

		if (ca) {
			if (sdp_crypto_parse(ca->value, &cr) < 0)
				return oa_fail(err, "the answer's a=crypto does not parse");
			/* the tag must be one of ours, with the suite we gave it */
			for (int i = 0; i < SDP_SRTP_SUITES && idx < 0; i++)
				if (key_at(l, i) && (unsigned)++tag == cr.tag)
					idx = i;
			if (idx < 0 || suite_index(cr.suite) != idx)
				return oa_fail(err, "the answer's a=crypto:%u %.*s is not one we offered",
					       cr.tag, (int)cr.suite.len, cr.suite.p);
			neg->crypto_suite = cr.suite;
			neg->crypto_tag = cr.tag;
			neg->remote_key = cr.key;
			neg->local_key = key_at(l, idx);
		} else if (sv_eq_cstr(o->proto, "RTP/SAVP")) {
			return oa_fail(err, "the answer to our SRTP offer has no a=crypto");
		}
	}
	neg->audio = true;
	neg->dir = mirror(sdp_media_direction(answer, a));
	neg->remote_addr = c->addr;
	neg->remote_port = a->port;
	neg->rtcp_mux = a->rtcp_mux && o->rtcp_mux;
	neg->remote_rtcp_port = neg->rtcp_mux ? a->port
				: a->rtcp_port ? a->rtcp_port : (uint16_t)(a->port + 1);
	neg->ptime = a->ptime ? (unsigned)a->ptime : l->ptime ? l->ptime : 20;
	return 0;
}

int sdp_answer_process(const struct sdp_session *offer, const struct sdp_session *answer,
		       const struct sdp_local *l, struct sdp_negotiated *neg,
		       struct sdp_error *err)
{
	memset(neg, 0, sizeof(*neg));
	neg->te_pt = -1;
	if (answer->nmedia != offer->nmedia)
		return oa_fail(err, "the answer has %zu m-lines, the offer had %zu", answer->nmedia,
			       offer->nmedia);
	for (size_t i = 0; i < offer->nmedia; i++) {
		const struct sdp_media *o = &offer->media[i], *a = &answer->media[i];
		int rc;

		if (!sv_eq_nocase(o->type, a->type))
			return oa_fail(err, "m-line %zu of the answer is %.*s, the offer's is %.*s",
				       i + 1, (int)a->type.len, a->type.p, (int)o->type.len, o->type.p);
		if (o->port == 0 || a->port == 0)
			continue; /* refused by either side */
		if (sdp_media_is_t38(o)) {
			const struct sdp_conn *c = a->conn.set ? &a->conn : &answer->conn;

			if (sdp_media_t38(a, &neg->t38p) < 0)
				return oa_fail(err, "the answer's T.38 attributes are not valid");
			neg->t38 = true;
			neg->t38_addr = c->addr;
			neg->t38_port = a->port;
			continue;
		}
		if ((rc = process_audio(answer, o, a, l, neg, err)) < 0)
			return rc;
	}
	if (!neg->audio && !neg->t38)
		return oa_fail(err, "the answer accepts none of the offered streams");
	return 0;
}
