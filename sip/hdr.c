/* hdr.c: typed header access, see hdr.h.  Grammar from RFC 3261 §25.1:
 * LWS (with folding) may stand around ';', '=', ',' and after the
 * transport of a Via; quoted strings may hold any of those characters. */
#include "config.h"

#include "sip/hdr.h"

#include <ctype.h>
#include <errno.h>
#include <string.h>
#include <strings.h>

static bool is_lws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}


/* Index of the first sep outside quotes and <>, or len. */
static size_t scan(struct sv v, char sep)
{
	bool quoted = false;
	int angle = 0;

	for (size_t i = 0; i < v.len; i++) {
		char c = v.p[i];

		if (quoted) {
			if (c == '\\')
				i++;
			else if (c == '"')
				quoted = false;
			continue;
		}
		if (c == '"')
			quoted = true;
		else if (c == '<')
			angle++;
		else if (c == '>' && angle)
			angle--;
		else if (c == sep && !angle)
			return i;
	}
	return v.len;
}

/* Index of the first c outside quoted strings, or len. */
static size_t find_unquoted(struct sv v, char c)
{
	bool quoted = false;

	for (size_t i = 0; i < v.len; i++) {
		if (quoted) {
			if (v.p[i] == '\\')
				i++;
			else if (v.p[i] == '"')
				quoted = false;
		} else if (v.p[i] == '"') {
			quoted = true;
		} else if (v.p[i] == c) {
			return i;
		}
	}
	return v.len;
}

bool sip_list_next(struct sv *rest, struct sv *elem)
{
	for (;;) {
		size_t i;

		*rest = sv_trim_lws(*rest);
		if (!rest->len)
			return false;
		i = scan(*rest, ',');
		*elem = sv_trim_lws(sv_make(rest->p, i));
		rest->p += i < rest->len ? i + 1 : i;
		rest->len -= i < rest->len ? i + 1 : i;
		if (elem->len)
			return true; /* empty elements (",,") are skipped */
	}
}

static struct sv unquote(struct sv v)
{
	v = sv_trim_lws(v);
	if (v.len >= 2 && v.p[0] == '"' && v.p[v.len - 1] == '"')
		return sv_make(v.p + 1, v.len - 2);
	return v;
}

struct sv sip_param_find(struct sv params, const char *name, bool *found)
{
	struct sv rest = params, want = sv_cstr(name);

	*found = false;
	for (;;) {
		size_t i, eq;
		struct sv item, key;

		rest = sv_trim_lws(rest);
		if (rest.len && rest.p[0] == ';') {
			rest.p++;
			rest.len--;
			continue;
		}
		if (!rest.len)
			return SV_NULL;
		i = scan(rest, ';');
		item = sv_make(rest.p, i);
		eq = scan(item, '=');
		key = sv_trim_lws(sv_make(item.p, eq));
		if (sv_eq_nocase(key, want)) {
			*found = true;
			return eq < item.len ? unquote(sv_make(item.p + eq + 1, item.len - eq - 1))
					     : sv_make(item.p + item.len, 0);
		}
		rest.p += i;
		rest.len -= i;
	}
}

static bool parse_port(struct sv s, uint16_t *port)
{
	unsigned long n = 0;

	if (!s.len || s.len > 5)
		return false;
	for (size_t i = 0; i < s.len; i++) {
		if (!isdigit((unsigned char)s.p[i]))
			return false;
		n = n * 10 + (unsigned long)(s.p[i] - '0');
	}
	if (n == 0 || n > 65535)
		return false;
	*port = (uint16_t)n;
	return true;
}

int sip_via_parse(struct sv elem, struct sip_via *v)
{
	struct sv e = sv_trim_lws(elem), proto, sentby;
	size_t i = 0, slash = 0, semi;
	bool found;
	struct sv val;

	memset(v, 0, sizeof(*v));
	v->rport_value = -1;
	v->ttl = -1;
	/* sent-protocol: SIP LWS? / LWS? 2.0 LWS? / LWS? transport */
	while (i < e.len && slash < 2) {
		if (e.p[i] == '/')
			slash++;
		i++;
	}
	if (slash < 2)
		return -EINVAL;
	proto = sv_trim_lws(sv_make(e.p, i));
	while (i < e.len && is_lws(e.p[i]))
		i++;
	{
		size_t t = i;

		while (i < e.len && !is_lws(e.p[i]))
			i++;
		v->transport = sv_make(e.p + t, i - t);
	}
	if (!v->transport.len || proto.len < 7 || strncasecmp(proto.p, "SIP", 3))
		return -EINVAL;
	semi = i + scan(sv_make(e.p + i, e.len - i), ';');
	sentby = sv_trim_lws(sv_make(e.p + i, semi - i));
	v->params = sv_make(e.p + semi, e.len - semi);
	if (!sentby.len)
		return -EINVAL;
	if (sentby.p[0] == '[') {
		const char *close = memchr(sentby.p, ']', sentby.len);

		if (!close)
			return -EINVAL;
		v->host = sv_make(sentby.p + 1, (size_t)(close - sentby.p - 1));
		if (close + 1 < sentby.p + sentby.len) {
			if (close[1] != ':' ||
			    !parse_port(sv_trim_lws(sv_make(close + 2, (size_t)(sentby.p + sentby.len - close - 2))),
					&v->port))
				return -EINVAL;
		}
	} else {
		const char *colon = memchr(sentby.p, ':', sentby.len);

		v->host = sv_trim_lws(sv_make(sentby.p, colon ? (size_t)(colon - sentby.p) : sentby.len));
		if (colon && !parse_port(sv_trim_lws(sv_make(colon + 1, (size_t)(sentby.p + sentby.len - colon - 1))),
					 &v->port))
			return -EINVAL;
	}
	if (!v->host.len)
		return -EINVAL;
	v->branch = sip_param_find(v->params, "branch", &found);
	v->received = sip_param_find(v->params, "received", &found);
	v->maddr = sip_param_find(v->params, "maddr", &found);
	val = sip_param_find(v->params, "rport", &v->rport);
	if (v->rport && val.len) {
		uint16_t p;

		if (!parse_port(val, &p))
			return -EINVAL;
		v->rport_value = p;
	}
	val = sip_param_find(v->params, "ttl", &found);
	if (found) {
		int n = 0;

		if (!val.len || val.len > 3)
			return -EINVAL;
		for (size_t k = 0; k < val.len; k++) {
			if (!isdigit((unsigned char)val.p[k]))
				return -EINVAL;
			n = n * 10 + (val.p[k] - '0');
		}
		if (n > 255)
			return -EINVAL;
		v->ttl = n;
	}
	return 0;
}

int sip_name_addr_parse(struct sv elem, struct sip_name_addr *na)
{
	struct sv e = sv_trim_lws(elem);
	bool found;
	size_t lt = find_unquoted(e, '<');

	memset(na, 0, sizeof(*na));
	if (lt < e.len) {
		/* [display-name] <addr-spec> *(;param) */
		const char *gt = memchr(e.p + lt, '>', e.len - lt);

		if (!gt)
			return -EINVAL;
		na->display = unquote(sv_make(e.p, lt));
		na->uri_text = sv_make(e.p + lt + 1, (size_t)(gt - e.p - lt - 1));
		na->params = sv_make(gt + 1, (size_t)(e.p + e.len - gt - 1));
	} else {
		/* addr-spec *(;param): the URI's own parameters are the header's */
		size_t semi = scan(e, ';');

		na->uri_text = sv_trim_lws(sv_make(e.p, semi));
		na->params = sv_make(e.p + semi, e.len - semi);
	}
	if (sip_uri_parse(&na->uri, na->uri_text) < 0)
		return -EINVAL;
	na->tag = sip_param_find(na->params, "tag", &found);
	if (found && !na->tag.len)
		return -EINVAL;
	return 0;
}

int sip_contact_parse(struct sv elem, struct sip_contact *c)
{
	struct sv e = sv_trim_lws(elem), val;
	bool found;

	memset(c, 0, sizeof(*c));
	c->expires = -1;
	c->q = -1;
	if (e.len == 1 && e.p[0] == '*') {
		c->star = true;
		return 0;
	}
	if (sip_name_addr_parse(e, &c->na) < 0)
		return -EINVAL;
	val = sip_param_find(c->na.params, "expires", &found);
	if (found) {
		int64_t n = 0;

		if (!val.len || val.len > 10)
			return -EINVAL;
		for (size_t i = 0; i < val.len; i++) {
			if (!isdigit((unsigned char)val.p[i]))
				return -EINVAL;
			n = n * 10 + (val.p[i] - '0');
		}
		c->expires = n;
	}
	val = sip_param_find(c->na.params, "q", &found);
	if (found) {
		/* qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] ) */
		int q = 0, scale = 1000;

		if (!val.len || (val.p[0] != '0' && val.p[0] != '1') || val.len > 5 ||
		    (val.len > 1 && val.p[1] != '.'))
			return -EINVAL;
		q = (val.p[0] - '0') * 1000;
		for (size_t i = 2; i < val.len; i++) {
			if (!isdigit((unsigned char)val.p[i]))
				return -EINVAL;
			scale /= 10;
			q += (val.p[i] - '0') * scale;
		}
		if (q > 1000)
			return -EINVAL;
		c->q = q;
	}
	return 0;
}

int sip_auth_parse(struct sv value, struct sip_auth *a)
{
	struct sv v = sv_trim_lws(value);
	size_t i = 0;

	while (i < v.len && !is_lws(v.p[i]))
		i++;
	a->scheme = sv_make(v.p, i);
	a->params = sv_trim_lws(sv_make(v.p + i, v.len - i));
	return a->scheme.len ? 0 : -EINVAL;
}

struct sv sip_auth_param(const struct sip_auth *a, const char *name, bool *found)
{
	struct sv rest = a->params, elem, want = sv_cstr(name);

	*found = false;
	while (sip_list_next(&rest, &elem)) {
		size_t eq = scan(elem, '=');

		if (eq < elem.len && sv_eq_nocase(sv_trim_lws(sv_make(elem.p, eq)), want)) {
			*found = true;
			return unquote(sv_make(elem.p + eq + 1, elem.len - eq - 1));
		}
	}
	return SV_NULL;
}

int sip_hdr_uint(struct sv value, uint32_t *out)
{
	struct sv v = sv_trim_lws(value);
	uint64_t n = 0;
	size_t i = 0;

	while (i < v.len && isdigit((unsigned char)v.p[i])) {
		n = n * 10 + (uint64_t)(v.p[i] - '0');
		if (n > 0xffffffffu)
			return -ERANGE;
		i++;
	}
	if (!i)
		return -EINVAL;
	/* what may follow: LWS, a comment, parameters (Retry-After) */
	while (i < v.len && is_lws(v.p[i]))
		i++;
	if (i < v.len && v.p[i] != '(' && v.p[i] != ';')
		return -EINVAL;
	*out = (uint32_t)n;
	return 0;
}

int sip_rack_parse(struct sv value, struct sip_rack *r)
{
	struct sv v = sv_trim_lws(value);
	size_t i = 0, j;
	uint32_t nums[2];

	for (int k = 0; k < 2; k++) {
		uint64_t n = 0;

		j = i;
		while (i < v.len && isdigit((unsigned char)v.p[i])) {
			n = n * 10 + (uint64_t)(v.p[i] - '0');
			if (n > 0xffffffffu)
				return -EINVAL;
			i++;
		}
		if (i == j || i == v.len || !is_lws(v.p[i]))
			return -EINVAL;
		while (i < v.len && is_lws(v.p[i]))
			i++;
		nums[k] = (uint32_t)n;
	}
	r->rseq = nums[0];
	r->cseq = nums[1];
	r->method = sv_trim_lws(sv_make(v.p + i, v.len - i));
	if (!r->method.len || r->rseq == 0)
		return -EINVAL;
	for (size_t k = 0; k < r->method.len; k++)
		if (is_lws(r->method.p[k]))
			return -EINVAL;
	return 0;
}

int sip_reason_parse(struct sv elem, struct sip_reason *r)
{
	struct sv e = sv_trim_lws(elem), val;
	size_t semi = scan(e, ';');
	bool found;

	r->protocol = sv_trim_lws(sv_make(e.p, semi));
	r->cause = -1;
	r->text = SV_NULL;
	if (!r->protocol.len)
		return -EINVAL;
	val = sip_param_find(sv_make(e.p + semi, e.len - semi), "cause", &found);
	if (found) {
		uint32_t n;

		if (sip_hdr_uint(val, &n) < 0 || n > 65535)
			return -EINVAL;
		r->cause = (int)n;
	}
	r->text = sip_param_find(sv_make(e.p + semi, e.len - semi), "text", &found);
	return 0;
}

int sip_session_expires_parse(struct sv value, struct sip_session_expires *se)
{
	struct sv v = sv_trim_lws(value), val;
	size_t semi = scan(v, ';');
	bool found;

	if (sip_hdr_uint(sv_make(v.p, semi), &se->seconds) < 0)
		return -EINVAL;
	se->refresher = 0;
	val = sip_param_find(sv_make(v.p + semi, v.len - semi), "refresher", &found);
	if (found) {
		if (sv_eq_cstr_nocase(val, "uac"))
			se->refresher = 1;
		else if (sv_eq_cstr_nocase(val, "uas"))
			se->refresher = 2;
		else
			return -EINVAL;
	}
	return 0;
}

int sip_replaces_parse(struct sv value, struct sip_replaces *r)
{
	struct sv v = sv_trim_lws(value), params;
	size_t semi = scan(v, ';');
	bool ft, tt;

	r->call_id = sv_trim_lws(sv_make(v.p, semi));
	params = sv_make(v.p + semi, v.len - semi);
	r->to_tag = sip_param_find(params, "to-tag", &tt);
	r->from_tag = sip_param_find(params, "from-tag", &ft);
	sip_param_find(params, "early-only", &r->early_only);
	/* RFC 3891 §6.1: both tags are required */
	return r->call_id.len && tt && ft && r->to_tag.len && r->from_tag.len ? 0 : -EINVAL;
}

int sip_event_parse(struct sv value, struct sip_event *e)
{
	struct sv v = sv_trim_lws(value);
	size_t semi = scan(v, ';');
	bool found;

	e->type = sv_trim_lws(sv_make(v.p, semi));
	e->id = sip_param_find(sv_make(v.p + semi, v.len - semi), "id", &found);
	return e->type.len ? 0 : -EINVAL;
}

bool sip_privacy_has(struct sv value, const char *priv)
{
	struct sv rest = sv_trim_lws(value);

	while (rest.len) {
		size_t semi = scan(rest, ';');

		if (sv_eq_cstr_nocase(sv_trim_lws(sv_make(rest.p, semi)), priv))
			return true;
		if (semi == rest.len)
			break;
		rest = sv_make(rest.p + semi + 1, rest.len - semi - 1);
	}
	return false;
}

bool sip_token_list_has(struct sv value, const char *token)
{
	struct sv rest = value, elem;

	while (sip_list_next(&rest, &elem))
		if (sv_eq_cstr_nocase(elem, token))
			return true;
	return false;
}

int sip_subscription_state_parse(struct sv value, struct sip_subscription_state *st)
{
	struct sv v = sv_trim_lws(value), params, val;
	size_t semi = scan(v, ';');
	bool found;
	uint32_t n;

	st->state = sv_trim_lws(sv_make(v.p, semi));
	params = sv_make(v.p + semi, v.len - semi);
	st->expires = st->retry_after = -1;
	st->reason = sip_param_find(params, "reason", &found);
	val = sip_param_find(params, "expires", &found);
	if (found) {
		if (sip_hdr_uint(val, &n) < 0)
			return -EINVAL;
		st->expires = n;
	}
	val = sip_param_find(params, "retry-after", &found);
	if (found) {
		if (sip_hdr_uint(val, &n) < 0)
			return -EINVAL;
		st->retry_after = n;
	}
	return st->state.len ? 0 : -EINVAL;
}

/* A small decimal parameter value: 0..max, else -1. */
static int small_uint(struct sv v, int max)
{
	uint32_t n;

	if (sip_hdr_uint(v, &n) < 0 || n > (uint32_t)max)
		return -1;
	return (int)n;
}

int sip_diversion_parse(struct sv elem, struct sip_diversion *d)
{
	struct sv val;
	bool found;

	memset(d, 0, sizeof(*d));
	if (sip_name_addr_parse(elem, &d->na) < 0)
		return -EINVAL;
	d->reason = sip_param_find(d->na.params, "reason", &found);
	d->privacy = sip_param_find(d->na.params, "privacy", &found);
	d->screen = sip_param_find(d->na.params, "screen", &found);
	d->counter = 1;
	d->limit = -1;
	val = sip_param_find(d->na.params, "counter", &found);
	if (found && (d->counter = small_uint(val, 100)) < 0)
		return -EINVAL;
	val = sip_param_find(d->na.params, "limit", &found);
	if (found && (d->limit = small_uint(val, 100)) < 0)
		return -EINVAL;
	return 0;
}

/* index = 1*DIGIT *("." 1*DIGIT) (RFC 7044 §4.1); the number of levels, or 0. */
static unsigned hi_index_depth(struct sv v)
{
	unsigned depth = 1;
	bool digit = false;

	for (size_t i = 0; i < v.len; i++) {
		if (isdigit((unsigned char)v.p[i])) {
			digit = true;
		} else if (v.p[i] == '.' && digit) {
			depth++;
			digit = false;
		} else {
			return 0;
		}
	}
	return digit ? depth : 0;
}

int sip_history_info_parse(struct sv elem, struct sip_history_info *h)
{
	static const struct {
		const char *name;
		enum sip_hi_tag tag;
	} tags[] = {{"rc", SIP_HI_RC}, {"mp", SIP_HI_MP}, {"np", SIP_HI_NP}};
	bool found;

	memset(h, 0, sizeof(*h));
	if (sip_name_addr_parse(elem, &h->na) < 0)
		return -EINVAL;
	h->index = sip_param_find(h->na.params, "index", &found);
	if (!found || !(h->depth = hi_index_depth(h->index)))
		return -EINVAL; /* §4.1: every entry has an index */
	for (size_t i = 0; i < sizeof(tags) / sizeof(tags[0]); i++) {
		struct sv v = sip_param_find(h->na.params, tags[i].name, &found);

		if (!found)
			continue;
		if (h->tag != SIP_HI_NONE || (v.len && !hi_index_depth(v)))
			return -EINVAL; /* at most one of rc, mp, np (§4.1) */
		h->tag = tags[i].tag;
		h->tag_index = v;
	}
	h->reason = sip_uri_header(&h->na.uri, "Reason", &found);
	return 0;
}

int sip_refer_to_parse(struct sv value, struct sip_refer_to *r, char *rbuf, size_t rbuf_size)
{
	struct sv rep;
	int n;

	memset(r, 0, sizeof(*r));
	if (sip_name_addr_parse(value, &r->na) < 0)
		return -EINVAL;
	rep = sip_uri_header(&r->na.uri, "Replaces", &r->has_replaces);
	if (!r->has_replaces)
		return 0;
	n = sip_uri_unescape(rep, rbuf, rbuf_size);
	if (n < 0 || memchr(rbuf, '\0', (size_t)n))
		return -EINVAL;
	return sip_replaces_parse(sv_make(rbuf, (size_t)n), &r->replaces);
}

int sip_referred_by_parse(struct sv value, struct sip_referred_by *r)
{
	bool found;

	memset(r, 0, sizeof(*r));
	if (sip_name_addr_parse(value, &r->na) < 0)
		return -EINVAL;
	r->cid = sip_param_find(r->na.params, "cid", &found);
	return 0;
}

/* 1*DIGIT ["." *DIGIT] as microseconds; false on bad syntax or overflow. */
static bool decimal_us(struct sv v, uint64_t *us)
{
	uint64_t whole = 0, frac = 0, scale = 1000000;
	size_t i = 0;

	if (!v.len || !isdigit((unsigned char)v.p[0]))
		return false;
	for (; i < v.len && isdigit((unsigned char)v.p[i]); i++) {
		whole = whole * 10 + (uint64_t)(v.p[i] - '0');
		if (whole > UINT64_MAX / 1000000 / 10)
			return false;
	}
	if (i < v.len && v.p[i] == '.') {
		for (i++; i < v.len && isdigit((unsigned char)v.p[i]); i++) {
			if (scale > 1) { /* finer than a microsecond: dropped */
				scale /= 10;
				frac += (uint64_t)(v.p[i] - '0') * scale;
			}
		}
	}
	if (i != v.len)
		return false;
	*us = whole * 1000000 + frac;
	return true;
}

int sip_timestamp_parse(struct sv value, struct sip_timestamp *t)
{
	struct sv v = sv_trim_lws(value);
	size_t i = 0;

	memset(t, 0, sizeof(*t));
	while (i < v.len && !is_lws(v.p[i]))
		i++;
	t->value = sv_make(v.p, i);
	t->delay = sv_trim_lws(sv_make(v.p + i, v.len - i));
	if (!decimal_us(t->value, &t->value_us))
		return -EINVAL;
	if (t->delay.len && !decimal_us(t->delay, &t->delay_us))
		return -EINVAL;
	return 0;
}

int sip_retry_after_parse(struct sv value, struct sip_retry_after *r)
{
	struct sv v = sv_trim_lws(value), rest, val;
	size_t i = 0;
	bool found;

	memset(r, 0, sizeof(*r));
	r->duration = -1;
	while (i < v.len && isdigit((unsigned char)v.p[i]))
		i++;
	if (sip_hdr_uint(sv_make(v.p, i), &r->seconds) < 0)
		return -EINVAL;
	rest = sv_trim_lws(sv_make(v.p + i, v.len - i));
	if (rest.len && rest.p[0] == '(') {
		/* comment = "(" *(ctext / quoted-pair / comment) ")" */
		int depth = 0;
		size_t k;

		for (k = 0; k < rest.len; k++) {
			if (rest.p[k] == '\\') {
				k++;
			} else if (rest.p[k] == '(') {
				depth++;
			} else if (rest.p[k] == ')' && --depth == 0) {
				break;
			}
		}
		if (k >= rest.len)
			return -EINVAL;
		r->comment = sv_make(rest.p + 1, k - 1);
		rest = sv_trim_lws(sv_make(rest.p + k + 1, rest.len - k - 1));
	}
	if (rest.len && rest.p[0] != ';')
		return -EINVAL;
	val = sip_param_find(rest, "duration", &found);
	if (found) {
		uint32_t n;

		if (sip_hdr_uint(val, &n) < 0)
			return -EINVAL;
		r->duration = n;
	}
	return 0;
}

static bool is_mime_token(struct sv s)
{
	if (!s.len)
		return false;
	for (size_t i = 0; i < s.len; i++)
		if (!isalnum((unsigned char)s.p[i]) && !strchr("-.!%*_+`'~", s.p[i]))
			return false;
	return true;
}

int sip_content_type_parse(struct sv value, struct sip_content_type *ct)
{
	struct sv v = sv_trim_lws(value);
	size_t semi = scan(v, ';');
	struct sv mt = sv_trim_lws(sv_make(v.p, semi));
	const char *slash = memchr(mt.p, '/', mt.len);
	bool found;

	memset(ct, 0, sizeof(*ct));
	if (!slash)
		return -EINVAL;
	ct->type = sv_trim_lws(sv_make(mt.p, (size_t)(slash - mt.p)));
	ct->subtype = sv_trim_lws(sv_make(slash + 1, (size_t)(mt.p + mt.len - slash - 1)));
	ct->params = sv_make(v.p + semi, v.len - semi);
	if (!is_mime_token(ct->type) || !is_mime_token(ct->subtype))
		return -EINVAL;
	ct->boundary = sip_param_find(ct->params, "boundary", &found);
	/* RFC 2046 §5.1.1: a multipart type needs a boundary of 1 to 70 characters */
	if (sv_eq_cstr_nocase(ct->type, "multipart") && (!ct->boundary.len || ct->boundary.len > 70))
		return -EINVAL;
	return 0;
}

bool sip_content_type_is(const struct sip_content_type *ct, const char *type, const char *subtype)
{
	return sv_eq_cstr_nocase(ct->type, type) && sv_eq_cstr_nocase(ct->subtype, subtype);
}

void sip_multipart_init(struct sip_multipart *mp, struct sv body, struct sv boundary)
{
	memset(mp, 0, sizeof(*mp));
	mp->body = body;
	mp->boundary = boundary;
}

/* Position of the next delimiter line "--boundary" at or after from that
 * starts the body or follows a CRLF; body.len when none. */
static size_t find_delimiter(const struct sip_multipart *mp, size_t from)
{
	const struct sv b = mp->body;

	for (size_t i = from; i + 2 + mp->boundary.len <= b.len; i++) {
		if (b.p[i] != '-' || b.p[i + 1] != '-' ||
		    memcmp(b.p + i + 2, mp->boundary.p, mp->boundary.len) != 0)
			continue;
		if (i == 0 || (i >= 2 && b.p[i - 2] == '\r' && b.p[i - 1] == '\n'))
			return i;
	}
	return b.len;
}

/* The rest of the delimiter's line after "--boundary": "--" marks the
 * close; only transport padding (spaces, tabs) may follow, then CRLF. */
static int delimiter_line(const struct sip_multipart *mp, size_t at, size_t *next, bool *close)
{
	const struct sv b = mp->body;
	size_t i = at + 2 + mp->boundary.len;

	*close = false;
	if (i + 2 <= b.len && b.p[i] == '-' && b.p[i + 1] == '-') {
		*close = true;
		i += 2;
	}
	while (i < b.len && (b.p[i] == ' ' || b.p[i] == '\t'))
		i++;
	if (*close) {
		*next = b.len; /* the epilogue is ignored */
		return 0;
	}
	if (i + 2 > b.len || b.p[i] != '\r' || b.p[i + 1] != '\n')
		return -EBADMSG;
	*next = i + 2;
	return 0;
}

static struct sv part_content_type(struct sv headers)
{
	struct sv rest = headers;

	while (rest.len) {
		const char *eol = memmem(rest.p, rest.len, "\r\n", 2);
		struct sv line = sv_make(rest.p, eol ? (size_t)(eol - rest.p) : rest.len);
		const char *colon = memchr(line.p, ':', line.len);

		if (colon && sv_eq_cstr_nocase(sv_trim_lws(sv_make(line.p, (size_t)(colon - line.p))),
					       "Content-Type"))
			return sv_trim_lws(sv_make(colon + 1, (size_t)(line.p + line.len - colon - 1)));
		if (!eol)
			break;
		rest = sv_make(eol + 2, (size_t)(rest.p + rest.len - eol - 2));
	}
	return SV_NULL;
}

int sip_multipart_next(struct sip_multipart *mp, struct sip_body_part *part)
{
	size_t start, end, next;
	bool close;
	struct sv p;
	const char *blank;

	if (mp->done)
		return 0;
	if (!mp->boundary.len)
		return -EBADMSG;
	if (!mp->started) { /* skip the preamble */
		size_t d = find_delimiter(mp, 0);

		if (d == mp->body.len || delimiter_line(mp, d, &mp->pos, &close) < 0 || close)
			return -EBADMSG;
		mp->started = true;
	}
	start = mp->pos;
	end = find_delimiter(mp, start);
	if (end == mp->body.len)
		return -EBADMSG; /* no delimiter after the part: truncated */
	if (delimiter_line(mp, end, &next, &close) < 0)
		return -EBADMSG;
	/* the CRLF before the delimiter belongs to it (RFC 2046 §5.1.1) */
	if (end < start + 2)
		return -EBADMSG;
	p = sv_make(mp->body.p + start, end - 2 - start);
	if (p.len >= 2 && p.p[0] == '\r' && p.p[1] == '\n') {
		part->headers = sv_make(p.p, 0); /* no headers: the blank line at once */
		part->content = sv_make(p.p + 2, p.len - 2);
	} else if ((blank = memmem(p.p, p.len, "\r\n\r\n", 4)) != NULL) {
		part->headers = sv_make(p.p, (size_t)(blank - p.p));
		part->content = sv_make(blank + 4, (size_t)(p.p + p.len - blank - 4));
	} else {
		return -EBADMSG;
	}
	part->content_type = part_content_type(part->headers);
	mp->pos = next;
	mp->done = close;
	return 1;
}

int sip_multipart_find(struct sv body, struct sv boundary, const char *type, const char *subtype,
		       struct sip_body_part *part)
{
	struct sip_multipart mp;
	int rc;

	sip_multipart_init(&mp, body, boundary);
	while ((rc = sip_multipart_next(&mp, part)) > 0) {
		struct sip_content_type ct;

		if (part->content_type.len && sip_content_type_parse(part->content_type, &ct) == 0 &&
		    sip_content_type_is(&ct, type, subtype))
			return 1;
	}
	return rc;
}

int sip_info_dtmf_parse(struct sv ct, struct sv body, char *digit_out, unsigned *ms_out)
{
	char digit = 0;
	unsigned ms = 100;

	if (ct.len >= 22 && !strncasecmp(ct.p, "application/dtmf-relay", 22)) {
		for (size_t i = 0; i + 7 <= body.len; i++) {
			if (!strncasecmp(body.p + i, "Signal=", 7)) {
				size_t k = i + 7;

				while (k < body.len && body.p[k] == ' ')
					k++;
				if (k < body.len)
					digit = body.p[k];
			} else if (body.len - i >= 9 && !strncasecmp(body.p + i, "Duration=", 9)) {
				unsigned d = 0;
				size_t k = i + 9, end;

				while (k < body.len && body.p[k] == ' ')
					k++;
				for (end = k + 5; k < body.len && k < end && body.p[k] >= '0' && body.p[k] <= '9'; k++)
					d = d * 10 + (unsigned)(body.p[k] - '0');
				if (d >= 40 && d <= 5000)
					ms = d;
			}
		}
	} else if (ct.len >= 16 && !strncasecmp(ct.p, "application/dtmf", 16) && body.len) {
		digit = body.p[0];
	}
	if (digit >= 'a' && digit <= 'd')
		digit = (char)(digit - 'a' + 'A');
	if (!digit || !strchr("0123456789*#ABCD", digit))
		return -EINVAL;
	*digit_out = digit;
	*ms_out = ms;
	return 0;
}
