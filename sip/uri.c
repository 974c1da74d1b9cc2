/* uri.c: SIP/SIPS/tel URI parsing and comparison, see uri.h.
 * Grammar: RFC 3261 §19.1.1 and §25.1 (userinfo ends at the last '@'; a
 * user part may hold ';', '?' and '/'), RFC 3966 §3 for tel; comparison:
 * RFC 3261 §19.1.4, RFC 3966 §4. */
#include "config.h"

#include "sip/uri.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <errno.h>
#include <string.h>
#include <strings.h>

static bool bad_char(char c)
{
	return (unsigned char)c <= 0x20 || c == 0x7f || c == '<' || c == '>' || c == '"';
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

int sip_uri_unescape(struct sv in, char *out, size_t size)
{
	size_t n = 0;

	for (size_t i = 0; i < in.len; i++) {
		char c = in.p[i];

		if (c == '%') {
			int hi, lo;

			if (i + 2 >= in.len)
				return -EINVAL;
			hi = hexval(in.p[i + 1]);
			lo = hexval(in.p[i + 2]);
			if (hi < 0 || lo < 0)
				return -EINVAL;
			c = (char)(hi * 16 + lo);
			i += 2;
		}
		if (n == size)
			return -ENOSPC;
		out[n++] = c;
	}
	return (int)n;
}

static bool valid_escapes(struct sv s)
{
	for (size_t i = 0; i < s.len; i++)
		if (s.p[i] == '%' && (i + 2 >= s.len || hexval(s.p[i + 1]) < 0 || hexval(s.p[i + 2]) < 0))
			return false;
	return true;
}

static bool next_item(struct sv *list, char sep, struct sv *name, struct sv *value);

/* No parameter name twice (RFC 3966 §3; a URI parameter is given once):
 * a repeated one would make the URI ambiguous, even to itself. */
static bool params_unique(struct sv params)
{
	struct sv list = params, name, value;
	size_t n = 0;

	while (next_item(&list, ';', &name, &value)) {
		struct sv rest = list, n2, v2;

		if (!name.len || ++n > 64)
			return false;
		while (next_item(&rest, ';', &n2, &v2))
			if (sv_eq_nocase(name, n2))
				return false;
	}
	return true;
}

/* An IPv6 reference as text -> 16 bytes.  RFC 5118 §4.10: tolerate the
 * ":::" that RFC 3261's ABNF allowed (RFC 5954 fixed the grammar). */
static bool ipv6_pton(struct sv host, unsigned char out[16])
{
	char ip[64], fixed[64];
	char *tri;

	sv_to_buf(host, ip, sizeof(ip));
	if (host.len >= sizeof(ip))
		return false;
	if (inet_pton(AF_INET6, ip, out) == 1)
		return true;
	tri = strstr(ip, ":::");
	if (!tri)
		return false;
	snprintf(fixed, sizeof(fixed), "%.*s%s", (int)(tri - ip), ip, tri + 1);
	return inet_pton(AF_INET6, fixed, out) == 1;
}

static int parse_tel(struct sip_uri *u, struct sv rest)
{
	const char *semi = memchr(rest.p, ';', rest.len);
	size_t digits = 0;
	bool found;

	u->number = sv_make(rest.p, semi ? (size_t)(semi - rest.p) : rest.len);
	u->params = semi ? sv_make(semi, rest.len - (size_t)(semi - rest.p)) : sv_make(rest.p, 0);
	if (!u->number.len)
		return -EINVAL;
	u->global = u->number.p[0] == '+';
	for (size_t i = u->global; i < u->number.len; i++) {
		char c = u->number.p[i];

		if (isdigit((unsigned char)c))
			digits++;
		else if (strchr("-.()", c))
			continue; /* visual separators */
		else if (!u->global && strchr("*#ABCDabcd", c))
			digits++;
		else
			return -EINVAL;
	}
	if (!digits)
		return -EINVAL;
	for (size_t i = 0; i < u->params.len; i++)
		if (bad_char(u->params.p[i]))
			return -EINVAL;
	if (!params_unique(u->params))
		return -EINVAL;
	/* RFC 3966 §5.1.5: a local number needs its phone-context */
	sip_uri_param(u, "phone-context", &found);
	if (!u->global && !found)
		return -EINVAL;
	return 0;
}

static int parse_sip(struct sip_uri *u, struct sv rest)
{
	const char *at = NULL, *p, *end = rest.p + rest.len, *hostend;

	for (p = rest.p; p < end; p++) {
		if (bad_char(*p))
			return -EINVAL;
		if (*p == '@')
			at = p; /* the last '@' ends the userinfo */
	}
	p = rest.p;
	if (at) {
		const char *colon = memchr(rest.p, ':', (size_t)(at - rest.p));

		u->user = sv_make(rest.p, (size_t)((colon ? colon : at) - rest.p));
		if (colon)
			u->password = sv_make(colon + 1, (size_t)(at - colon - 1));
		if (!u->user.len || !valid_escapes(u->user) || !valid_escapes(u->password))
			return -EINVAL;
		p = at + 1;
	}
	if (p < end && *p == '[') {
		const char *close = memchr(p, ']', (size_t)(end - p));
		unsigned char a6[16];

		if (!close)
			return -EINVAL;
		u->host = sv_make(p + 1, (size_t)(close - p - 1));
		if (!ipv6_pton(u->host, a6))
			return -EINVAL;
		u->host_ipv6 = true;
		hostend = close + 1;
	} else {
		hostend = p;
		while (hostend < end && *hostend != ':' && *hostend != ';' && *hostend != '?')
			hostend++;
		u->host = sv_make(p, (size_t)(hostend - p));
		if (!u->host.len)
			return -EINVAL;
		for (size_t i = 0; i < u->host.len; i++) {
			char c = u->host.p[i];

			if (!isalnum((unsigned char)c) && c != '-' && c != '.')
				return -EINVAL;
		}
	}
	p = hostend;
	if (p < end && *p == ':') {
		unsigned long port = 0;
		const char *d = ++p;

		while (p < end && isdigit((unsigned char)*p)) {
			port = port * 10 + (unsigned long)(*p - '0');
			if (port > 65535)
				return -EINVAL;
			p++;
		}
		if (p == d || port == 0)
			return -EINVAL;
		u->port = (uint16_t)port;
	}
	if (p < end && *p == ';') {
		const char *q = memchr(p, '?', (size_t)(end - p));

		u->params = sv_make(p, (size_t)((q ? q : end) - p));
		p = q ? q : end;
	}
	if (p < end && *p == '?') {
		u->headers = sv_make(p + 1, (size_t)(end - p - 1));
		p = end;
	}
	if (p != end || !valid_escapes(u->params) || !valid_escapes(u->headers) ||
	    !params_unique(u->params))
		return -EINVAL;
	return 0;
}

int sip_uri_parse(struct sip_uri *u, struct sv text)
{
	const char *colon = text.len ? memchr(text.p, ':', text.len) : NULL;
	struct sv rest;

	memset(u, 0, sizeof(*u));
	u->params = u->headers = sv_make(text.p, 0);
	if (!colon || colon == text.p)
		return -EINVAL;
	u->scheme_text = sv_make(text.p, (size_t)(colon - text.p));
	for (size_t i = 0; i < u->scheme_text.len; i++) {
		char c = u->scheme_text.p[i];

		/* RFC 3986 §3.1: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) */
		if (!isalpha((unsigned char)c) && (i == 0 || (!isdigit((unsigned char)c) && !strchr("+-.", c))))
			return -EINVAL;
	}
	rest = sv_make(colon + 1, text.len - (size_t)(colon + 1 - text.p));
	if (sv_eq_cstr_nocase(u->scheme_text, "sip")) {
		u->scheme = SIP_URI_SIP;
		return parse_sip(u, rest);
	}
	if (sv_eq_cstr_nocase(u->scheme_text, "sips")) {
		u->scheme = SIP_URI_SIPS;
		return parse_sip(u, rest);
	}
	if (sv_eq_cstr_nocase(u->scheme_text, "tel")) {
		u->scheme = SIP_URI_TEL;
		return parse_tel(u, rest);
	}
	u->scheme = SIP_URI_OTHER;
	return 0;
}

/* Walk "name[=value]" items separated by sep in list. */
static bool next_item(struct sv *list, char sep, struct sv *name, struct sv *value)
{
	const char *p, *end, *eq;

	while (list->len && list->p[0] == sep) {
		list->p++;
		list->len--;
	}
	if (!list->len)
		return false;
	p = list->p;
	end = memchr(p, sep, list->len);
	if (!end)
		end = p + list->len;
	eq = memchr(p, '=', (size_t)(end - p));
	*name = sv_make(p, (size_t)((eq ? eq : end) - p));
	*value = eq ? sv_make(eq + 1, (size_t)(end - eq - 1)) : sv_make(end, 0);
	list->len -= (size_t)(end - p);
	list->p = end;
	return true;
}

static struct sv find_item(struct sv list, char sep, struct sv want, bool *found)
{
	struct sv name, value;

	*found = false;
	while (next_item(&list, sep, &name, &value)) {
		if (sv_eq_nocase(name, want)) {
			*found = true;
			return value;
		}
	}
	return SV_NULL;
}

struct sv sip_uri_param(const struct sip_uri *u, const char *name, bool *found)
{
	return find_item(u->params, ';', sv_cstr(name), found);
}

struct sv sip_uri_header(const struct sip_uri *u, const char *name, bool *found)
{
	return find_item(u->headers, '&', sv_cstr(name), found);
}

/* Two components equal after unescaping, with or without case. */
static bool comp_equal(struct sv a, struct sv b, bool nocase)
{
	char x[256], y[256];
	int n = sip_uri_unescape(a, x, sizeof(x)), m = sip_uri_unescape(b, y, sizeof(y));

	if (n < 0 || m < 0)
		return nocase ? sv_eq_nocase(a, b) : sv_eq(a, b);
	if (n != m)
		return false;
	if (!nocase)
		return memcmp(x, y, (size_t)n) == 0;
	for (int k = 0; k < n; k++) /* byte by byte: an escaped NUL is a character */
		if (tolower((unsigned char)x[k]) != tolower((unsigned char)y[k]))
			return false;
	return true;
}

static bool host_equal(const struct sip_uri *a, const struct sip_uri *b)
{
	unsigned char ax[16], bx[16];

	if (a->host_ipv6 != b->host_ipv6)
		return false;
	if (a->host_ipv6)
		return ipv6_pton(a->host, ax) && ipv6_pton(b->host, bx) && !memcmp(ax, bx, 16);
	return sv_eq_nocase(a->host, b->host);
}

/* §19.1.4: user, ttl, method, maddr, transport must match if either has
 * them; any other parameter only if both have it. */
static bool params_equal(struct sv pa, struct sv pb)
{
	static const char *const strict[] = {"user", "ttl", "method", "maddr", "transport"};
	struct sv list = pa, name, value;

	for (size_t i = 0; i < sizeof(strict) / sizeof(strict[0]); i++) {
		bool fa, fb;
		struct sv va = find_item(pa, ';', sv_cstr(strict[i]), &fa);
		struct sv vb = find_item(pb, ';', sv_cstr(strict[i]), &fb);

		if (fa != fb || (fa && !comp_equal(va, vb, true)))
			return false;
	}
	while (next_item(&list, ';', &name, &value)) {
		bool fb;
		struct sv vb = find_item(pb, ';', name, &fb);

		if (fb && !comp_equal(value, vb, true))
			return false;
	}
	return true;
}

/* The k-th (0-based) item called name, or found false. */
static struct sv find_nth(struct sv list, char sep, struct sv want, size_t k, bool *found)
{
	struct sv name, value;

	*found = false;
	while (next_item(&list, sep, &name, &value)) {
		if (sv_eq_nocase(name, want) && k-- == 0) {
			*found = true;
			return value;
		}
	}
	return SV_NULL;
}

/* Headers: the same on both sides; a name given twice (?Route=a&Route=b)
 * keeps its order. */
static bool headers_equal(struct sv ha, struct sv hb)
{
	struct sv name, value, list = ha;
	size_t na = 0, nb = 0;

	while (next_item(&list, '&', &name, &value)) {
		struct sv before = sv_make(ha.p, (size_t)(name.p - ha.p)), n2, v2;
		size_t k = 0;
		bool fb;
		struct sv vb;

		while (next_item(&before, '&', &n2, &v2)) /* occurrences of name so far */
			k += sv_eq_nocase(n2, name);
		vb = find_nth(hb, '&', name, k, &fb);
		if (!fb || !comp_equal(value, vb, false))
			return false;
		na++;
	}
	list = hb;
	while (next_item(&list, '&', &name, &value))
		nb++;
	return na == nb;
}

/* RFC 3966 §4: digits without visual separators, case-insensitive. */
static bool tel_number_equal(struct sv a, struct sv b)
{
	size_t i = 0, j = 0;

	for (;;) {
		while (i < a.len && strchr("-.()", a.p[i]))
			i++;
		while (j < b.len && strchr("-.()", b.p[j]))
			j++;
		if (i == a.len || j == b.len)
			return i == a.len && j == b.len;
		if (tolower((unsigned char)a.p[i]) != tolower((unsigned char)b.p[j]))
			return false;
		i++;
		j++;
	}
}

bool sip_uri_equal(const struct sip_uri *a, const struct sip_uri *b)
{
	if (a->scheme != b->scheme)
		return false;
	switch (a->scheme) {
	case SIP_URI_SIP:
	case SIP_URI_SIPS:
		return comp_equal(a->user, b->user, false) &&
		       comp_equal(a->password, b->password, false) && host_equal(a, b) &&
		       a->port == b->port && params_equal(a->params, b->params) &&
		       headers_equal(a->headers, b->headers);
	case SIP_URI_TEL: {
		struct sv list = a->params, name, value;
		size_t na = 0, nb = 0;

		if (a->global != b->global || !tel_number_equal(a->number, b->number))
			return false;
		/* the same parameters in any order */
		while (next_item(&list, ';', &name, &value)) {
			bool fb;
			struct sv vb = find_item(b->params, ';', name, &fb);

			if (!fb || !(sv_eq_cstr_nocase(name, "ext") || sv_eq_cstr_nocase(name, "isub")
					     ? tel_number_equal(value, vb)
					     : comp_equal(value, vb, true)))
				return false;
			na++;
		}
		list = b->params;
		while (next_item(&list, ';', &name, &value))
			nb++;
		return na == nb;
	}
	case SIP_URI_OTHER:
		break;
	}
	return false;
}
