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

bool sdp_crypto_suite_supported(struct sv suite)
{
	static const char *const ok[] = {"AES_CM_128_HMAC_SHA1_80", "AES_CM_128_HMAC_SHA1_32",
					 "AEAD_AES_128_GCM", "AEAD_AES_256_GCM"};

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		if (sv_eq_cstr(suite, ok[i]))
			return true;
	return false;
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
		static const struct sdp_codec te_codec = {"telephone-event", 8000, 1, -1};

		for (size_t f = 0; f < o->nfmts && !te; f++)
			te = parse_pt(o->fmts[f], &te_pt) && pt_is(o, te_pt, &te_codec);
	}
	if (savp) {
		for (crypto = sdp_attr_find(o->attrs, o->nattrs, "crypto", NULL); crypto;
		     crypto = sdp_attr_find(o->attrs, o->nattrs, "crypto", crypto)) {
			struct sv f[3]; /* tag, suite, key-params */
			const char *sp1 = memchr(crypto->value.p, ' ', crypto->value.len), *sp2;

			if (!sp1)
				continue;
			sp2 = memchr(sp1 + 1, ' ', (size_t)(crypto->value.p + crypto->value.len - sp1 - 1));
			if (!sp2)
				continue;
			f[0] = sv_make(crypto->value.p, (size_t)(sp1 - crypto->value.p));
			f[1] = sv_make(sp1 + 1, (size_t)(sp2 - sp1 - 1));
			f[2] = sv_make(sp2 + 1, (size_t)(crypto->value.p + crypto->value.len - sp2 - 1));
			if (sdp_crypto_suite_supported(f[1]) && f[2].len > 7 &&
			    !strncmp(f[2].p, "inline:", 7) && l->srtp_key) {
				unsigned tag = 0;

				for (size_t i = 0; i < f[0].len && isdigit((unsigned char)f[0].p[i]); i++)
					tag = tag * 10 + (unsigned)(f[0].p[i] - '0');
				neg->crypto_suite = f[1];
				neg->crypto_tag = tag;
				{
					const char *key = f[2].p + 7, *bar = memchr(key, '|', (size_t)(f[2].p + f[2].len - key));
					const char *end = bar ? bar : f[2].p + f[2].len;
					const char *sp = memchr(key, ' ', (size_t)(end - key));

					neg->remote_key = sv_make(key, (size_t)((sp ? sp : end) - key));
				}
				break;
			}
		}
		if (!crypto)
			return -1; /* RFC 4568 §5.1.2: no acceptable crypto, no stream */
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
	if (te) {
		bool found;
		struct sv ev = events_answer(sdp_media_fmtp(o, te_pt, &found), found, ar);

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
				      neg->crypto_suite.p, l->srtp_key),
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

int sdp_answer_build(const struct sdp_session *offer, const struct sdp_local *l,
		     struct sdp_session *answer, char *scratch, size_t scratch_size,
		     struct sdp_negotiated *neg, struct sdp_error *err)
{
	struct arena ar = {scratch, scratch_size, 0, false};

	memset(answer, 0, sizeof(*answer));
	memset(neg, 0, sizeof(*neg));
	neg->te_pt = -1;
	answer->version = 0;
	answer->origin_user = sv_cstr(l->user ? l->user : "-");
	answer->sess_id = arena_printf(&ar, "%" PRIu64, l->sess_id);
	answer->sess_version = arena_printf(&ar, "%" PRIu64, l->sess_version);
	answer->origin_nettype = SV_LIT("IN");
	answer->origin_addrtype = sv_cstr(l->addrtype);
	answer->origin_addr = sv_cstr(l->addr);
	answer->name = SV_LIT("sipgw");
	answer->conn.set = true;
	answer->conn.nettype = SV_LIT("IN");
	answer->conn.addrtype = sv_cstr(l->addrtype);
	answer->conn.addr = sv_cstr(l->addr);
	answer->timing = SV_LIT("0 0");
	for (size_t i = 0; i < offer->nmedia; i++) {
		const struct sdp_media *o = &offer->media[i];
		struct sdp_media *a = &answer->media[answer->nmedia++];

		/* one audio stream is enough for a gateway channel */
		if (neg->audio || !sv_eq_cstr(o->type, "audio") ||
		    answer_audio(offer, o, l, a, &ar, neg) < 0)
			refuse(o, a);
	}
	if (ar.full) {
		if (err) {
			err->line = 0;
			snprintf(err->msg, sizeof(err->msg), "scratch space for the answer too small");
		}
		return -ENOSPC;
	}
	return 0;
}
