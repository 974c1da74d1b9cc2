/* hdr.c: typed header access, see hdr.h.  Grammar from RFC 3261 §25.1:
 * LWS (with folding) may stand around ';', '=', ',' and after the
 * transport of a Via; quoted strings may hold any of those characters. */
#include "config.h"

#include "sip/hdr.h"

#include <ctype.h>
#include <errno.h>
#include <string.h>

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
