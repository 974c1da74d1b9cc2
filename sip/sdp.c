/* sdp.c: SDP parsing and printing (RFC 8866 §5, grammar §9), see sdp.h.
 * The order RFC 8866 §5 gives for lines is checked where it matters to
 * readers (v, o, s first; t before the media; c somewhere for every
 * medium); other session-level lines are kept in the order they came and
 * printed back in the RFC's order. */
#include "config.h"

#include "sip/sdp.h"

#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

const char *const sdp_dir_names[] = {"", "sendrecv", "sendonly", "recvonly", "inactive"};

static int fail(struct sdp_error *err, unsigned line, const char *msg)
{
	if (err) {
		err->line = line;
		snprintf(err->msg, sizeof(err->msg), "%s", msg);
	}
	return -EBADMSG;
}

/* Split v at spaces into at most max fields; returns how many. */
static size_t fields(struct sv v, struct sv *out, size_t max)
{
	size_t n = 0, i = 0;

	while (i < v.len && n < max) {
		size_t start = i;

		while (i < v.len && v.p[i] != ' ')
			i++;
		out[n++] = sv_make(v.p + start, i - start);
		if (i < v.len)
			i++;
	}
	if (i < v.len && n == max) /* the last field takes the rest */
		out[max - 1].len = (size_t)(v.p + v.len - out[max - 1].p);
	return n;
}

static bool parse_u16(struct sv s, uint16_t *out)
{
	unsigned long n = 0;

	if (!s.len || s.len > 5)
		return false;
	for (size_t i = 0; i < s.len; i++) {
		if (!isdigit((unsigned char)s.p[i]))
			return false;
		n = n * 10 + (unsigned long)(s.p[i] - '0');
	}
	if (n > 65535)
		return false;
	*out = (uint16_t)n;
	return true;
}

static bool parse_uint(struct sv s, unsigned max, unsigned *out)
{
	unsigned long n = 0;

	if (!s.len || s.len > 10)
		return false;
	for (size_t i = 0; i < s.len; i++) {
		if (!isdigit((unsigned char)s.p[i]))
			return false;
		n = n * 10 + (unsigned long)(s.p[i] - '0');
		if (n > max)
			return false;
	}
	*out = (unsigned)n;
	return true;
}

static int parse_conn(struct sv v, struct sdp_conn *c, unsigned line, struct sdp_error *err)
{
	struct sv f[3];

	if (fields(v, f, 3) != 3 || !f[0].len || !f[1].len || !f[2].len)
		return fail(err, line, "c= line: needs nettype, addrtype and address");
	c->set = true;
	c->nettype = f[0];
	c->addrtype = f[1];
	c->addr = f[2];
	return 0;
}

static enum sdp_dir dir_of(struct sv name)
{
	for (int d = SDP_DIR_SENDRECV; d <= SDP_DIR_INACTIVE; d++)
		if (sv_eq_cstr(name, sdp_dir_names[d]))
			return (enum sdp_dir)d;
	return SDP_DIR_NONE;
}

static int add_attr(struct sdp_attr *attrs, size_t *n, struct sv v, unsigned line,
		    struct sdp_error *err)
{
	const char *colon = memchr(v.p, ':', v.len);
	struct sdp_attr *a;

	if (*n == SDP_MAX_ATTRS)
		return fail(err, line, "a= line: too many attributes");
	a = &attrs[(*n)++];
	a->name = sv_make(v.p, colon ? (size_t)(colon - v.p) : v.len);
	a->has_value = colon != NULL;
	a->value = colon ? sv_make(colon + 1, (size_t)(v.p + v.len - colon - 1)) : sv_make(v.p + v.len, 0);
	if (!a->name.len)
		return fail(err, line, "a= line: no attribute name");
	for (size_t i = 0; i < a->name.len; i++)
		if (!isalnum((unsigned char)a->name.p[i]) && !strchr("-_.", a->name.p[i]))
			return fail(err, line, "a= line: attribute name is not a token");
	return 0;
}

static int media_attr(struct sdp_media *m, const struct sdp_attr *a, unsigned line,
		      struct sdp_error *err)
{
	unsigned n;
	enum sdp_dir d = a->has_value ? SDP_DIR_NONE : dir_of(a->name);

	if (d != SDP_DIR_NONE) {
		m->dir = d;
	} else if (sv_eq_cstr(a->name, "ptime")) {
		if (!parse_uint(a->value, 10000, &n))
			return fail(err, line, "a=ptime: not a number of milliseconds");
		m->ptime = (int)n;
	} else if (sv_eq_cstr(a->name, "maxptime")) {
		if (!parse_uint(a->value, 10000, &n))
			return fail(err, line, "a=maxptime: not a number of milliseconds");
		m->maxptime = (int)n;
	} else if (sv_eq_cstr(a->name, "rtcp-mux")) {
		m->rtcp_mux = true;
	} else if (sv_eq_cstr(a->name, "rtcp")) {
		/* RFC 3605: port [nettype addrtype address] */
		struct sv f[2];

		if (fields(a->value, f, 2) < 1 || !parse_u16(f[0], &m->rtcp_port))
			return fail(err, line, "a=rtcp: bad port");
	} else if (sv_eq_cstr(a->name, "rtpmap")) {
		struct sv f[2];

		if (fields(a->value, f, 2) != 2 || !parse_uint(f[0], 127, &n) || !memchr(f[1].p, '/', f[1].len))
			return fail(err, line, "a=rtpmap: needs payload type and encoding/clock");
	}
	return 0;
}

static int parse_media(struct sdp_media *m, struct sv v, unsigned line, struct sdp_error *err)
{
	struct sv f[3 + SDP_MAX_FMTS + 1], port;
	size_t n = fields(v, f, 3 + SDP_MAX_FMTS + 1);
	const char *slash;

	memset(m, 0, sizeof(*m));
	if (n < 4)
		return fail(err, line, "m= line: needs media, port, protocol and a format");
	if (n > 3 + SDP_MAX_FMTS)
		return fail(err, line, "m= line: too many formats");
	m->type = f[0];
	port = f[1];
	slash = memchr(port.p, '/', port.len);
	m->nports = 1;
	if (slash) {
		uint16_t np;

		if (!parse_u16(sv_make(slash + 1, (size_t)(port.p + port.len - slash - 1)), &np) || !np)
			return fail(err, line, "m= line: bad number of ports");
		m->nports = np;
		port.len = (size_t)(slash - port.p);
	}
	if (!parse_u16(port, &m->port))
		return fail(err, line, "m= line: bad port");
	m->proto = f[2];
	for (size_t i = 3; i < n; i++) {
		if (!f[i].len)
			return fail(err, line, "m= line: empty format");
		m->fmts[m->nfmts++] = f[i];
	}
	if (!m->type.len || !m->proto.len)
		return fail(err, line, "m= line: needs media, port, protocol and a format");
	return 0;
}

int sdp_parse(struct sdp_session *s, const char *buf, size_t len, struct sdp_error *err)
{
	size_t p = 0;
	unsigned line = 0;
	struct sdp_media *m = NULL;
	bool have_o = false, have_s = false, have_t = false;
	int rc;

	memset(s, 0, sizeof(*s));
	s->version = -1;
	while (p < len) {
		size_t e = p, next;
		struct sv l, v;
		char type;

		while (e < len && buf[e] != '\n')
			e++;
		next = e + 1;
		if (e > p && buf[e - 1] == '\r')
			e--;
		line++;
		l = sv_make(buf + p, e - p);
		p = next;
		if (!l.len)
			continue; /* a trailing empty line */
		if (l.len < 2 || l.p[1] != '=' || !islower((unsigned char)l.p[0]))
			return fail(err, line, "not a line of the form x=value");
		if (memchr(l.p, '\0', l.len))
			return fail(err, line, "NUL byte");
		type = l.p[0];
		v = sv_make(l.p + 2, l.len - 2);
		if (line == 1 && type != 'v')
			return fail(err, line, "the first line must be v=");
		switch (type) {
		case 'v':
			if (line != 1 || !sv_eq_cstr(v, "0"))
				return fail(err, line, "v= line: only version 0 is known");
			s->version = 0;
			break;
		case 'o': {
			struct sv f[6];

			if (have_o || m)
				return fail(err, line, "o= line out of place");
			if (fields(v, f, 6) != 6 || !f[0].len || !f[1].len || !f[2].len || !f[3].len ||
			    !f[4].len || !f[5].len)
				return fail(err, line, "o= line: needs 6 fields");
			s->origin_user = f[0];
			s->sess_id = f[1];
			s->sess_version = f[2];
			s->origin_nettype = f[3];
			s->origin_addrtype = f[4];
			s->origin_addr = f[5];
			have_o = true;
			break;
		}
		case 's':
			if (have_s || m || !have_o)
				return fail(err, line, "s= line out of place");
			s->name = v;
			have_s = true;
			break;
		case 't':
			if (m)
				return fail(err, line, "t= line after the media");
			if (!have_t)
				s->timing = v;
			have_t = true;
			break;
		case 'c':
			rc = parse_conn(v, m ? &m->conn : &s->conn, line, err);
			if (rc)
				return rc;
			break;
		case 'm':
			if (!have_o || !have_s || !have_t)
				return fail(err, line, "m= line before o=, s= and t=");
			if (s->nmedia == SDP_MAX_MEDIA)
				return fail(err, line, "too many m= lines");
			m = &s->media[s->nmedia++];
			rc = parse_media(m, v, line, err);
			if (rc)
				return rc;
			break;
		case 'a':
			if (m) {
				rc = add_attr(m->attrs, &m->nattrs, v, line, err);
				if (!rc)
					rc = media_attr(m, &m->attrs[m->nattrs - 1], line, err);
			} else {
				rc = add_attr(s->attrs, &s->nattrs, v, line, err);
				if (!rc && !s->attrs[s->nattrs - 1].has_value &&
				    dir_of(s->attrs[s->nattrs - 1].name) != SDP_DIR_NONE)
					s->dir = dir_of(s->attrs[s->nattrs - 1].name);
			}
			if (rc)
				return rc;
			break;
		case 'i': case 'u': case 'e': case 'p': case 'b': case 'r': case 'z': case 'k': {
			struct sdp_line *o;

			if (m && (type == 'u' || type == 'e' || type == 'p' || type == 'r' || type == 'z'))
				return fail(err, line, "a session-level line inside a media section");
			if (m ? m->nother == SDP_MAX_OTHER : s->nother == SDP_MAX_OTHER)
				return fail(err, line, "too many lines of this kind");
			o = m ? &m->other[m->nother++] : &s->other[s->nother++];
			o->type = type;
			o->value = v;
			break;
		}
		default:
			return fail(err, line, "unknown line type");
		}
	}
	if (s->version != 0)
		return fail(err, line, "no v= line");
	if (!have_o || !have_s || !have_t)
		return fail(err, line, "o=, s= and t= lines are required");
	for (size_t i = 0; i < s->nmedia; i++)
		if (!s->conn.set && !s->media[i].conn.set)
			return fail(err, line, "a medium without a c= line (and none for the session)");
	return 0;
}

/* ---- printing ------------------------------------------------------------------ */

struct out {
	char *buf;
	size_t size, len;
};

static void put(struct out *o, const char *p, size_t n)
{
	if (n && o->len + n <= o->size)
		memcpy(o->buf + o->len, p, n);
	o->len += n;
}

static void line_sv(struct out *o, char type, struct sv v)
{
	char head[2] = {type, '='};

	put(o, head, 2);
	put(o, v.p, v.len);
	put(o, "\r\n", 2);
}

static void others(struct out *o, const struct sdp_line *l, size_t n, const char *types)
{
	for (size_t i = 0; i < n; i++)
		if (strchr(types, l[i].type))
			line_sv(o, l[i].type, l[i].value);
}

static void attrs(struct out *o, const struct sdp_attr *a, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		put(o, "a=", 2);
		put(o, a[i].name.p, a[i].name.len);
		if (a[i].has_value) {
			put(o, ":", 1);
			put(o, a[i].value.p, a[i].value.len);
		}
		put(o, "\r\n", 2);
	}
}

static void conn(struct out *o, const struct sdp_conn *c)
{
	if (!c->set)
		return;
	put(o, "c=", 2);
	put(o, c->nettype.p, c->nettype.len);
	put(o, " ", 1);
	put(o, c->addrtype.p, c->addrtype.len);
	put(o, " ", 1);
	put(o, c->addr.p, c->addr.len);
	put(o, "\r\n", 2);
}

int sdp_print(const struct sdp_session *s, char *buf, size_t size)
{
	struct out o = {buf, size, 0};
	char num[32];

	put(&o, "v=0\r\no=", 7);
	{
		const struct sv f[6] = {s->origin_user,	   s->sess_id,	      s->sess_version,
					s->origin_nettype, s->origin_addrtype, s->origin_addr};

		for (int i = 0; i < 6; i++) {
			put(&o, f[i].p, f[i].len);
			put(&o, i < 5 ? " " : "\r\n", i < 5 ? 1 : 2);
		}
	}
	line_sv(&o, 's', s->name);
	others(&o, s->other, s->nother, "iuep");
	conn(&o, &s->conn);
	others(&o, s->other, s->nother, "b");
	line_sv(&o, 't', s->timing);
	others(&o, s->other, s->nother, "rz");
	others(&o, s->other, s->nother, "k");
	attrs(&o, s->attrs, s->nattrs);
	for (size_t i = 0; i < s->nmedia; i++) {
		const struct sdp_media *m = &s->media[i];

		put(&o, "m=", 2);
		put(&o, m->type.p, m->type.len);
		snprintf(num, sizeof(num), " %u", m->port);
		put(&o, num, strlen(num));
		if (m->nports > 1) {
			snprintf(num, sizeof(num), "/%u", m->nports);
			put(&o, num, strlen(num));
		}
		put(&o, " ", 1);
		put(&o, m->proto.p, m->proto.len);
		for (size_t f = 0; f < m->nfmts; f++) {
			put(&o, " ", 1);
			put(&o, m->fmts[f].p, m->fmts[f].len);
		}
		put(&o, "\r\n", 2);
		others(&o, m->other, m->nother, "i");
		conn(&o, &m->conn);
		others(&o, m->other, m->nother, "b");
		others(&o, m->other, m->nother, "k");
		attrs(&o, m->attrs, m->nattrs);
	}
	if (o.len > size)
		return -ENOSPC;
	return (int)o.len;
}

/* ---- lookups ------------------------------------------------------------------- */

const struct sdp_attr *sdp_attr_find(const struct sdp_attr *attrs, size_t n, const char *name,
				     const struct sdp_attr *prev)
{
	size_t i = prev ? (size_t)(prev - attrs) + 1 : 0;

	for (; i < n; i++)
		if (sv_eq_cstr(attrs[i].name, name))
			return &attrs[i];
	return NULL;
}

/* The attribute name whose value starts with "<pt> ". */
static const struct sdp_attr *by_pt(const struct sdp_media *m, const char *name, unsigned pt)
{
	char want[8];
	size_t wl;

	snprintf(want, sizeof(want), "%u ", pt);
	wl = strlen(want);
	for (const struct sdp_attr *a = sdp_attr_find(m->attrs, m->nattrs, name, NULL); a;
	     a = sdp_attr_find(m->attrs, m->nattrs, name, a))
		if (a->value.len > wl && !strncmp(a->value.p, want, wl))
			return a;
	return NULL;
}

bool sdp_media_rtpmap(const struct sdp_media *m, unsigned pt, struct sv *encoding, unsigned *clock,
		      unsigned *channels)
{
	const struct sdp_attr *a = by_pt(m, "rtpmap", pt);
	const char *s1, *s2, *start, *end;

	if (!a)
		return false;
	start = memchr(a->value.p, ' ', a->value.len) + 1;
	end = a->value.p + a->value.len;
	s1 = memchr(start, '/', (size_t)(end - start));
	*encoding = sv_make(start, (size_t)(s1 - start));
	s2 = memchr(s1 + 1, '/', (size_t)(end - s1 - 1));
	if (!parse_uint(sv_make(s1 + 1, (size_t)((s2 ? s2 : end) - s1 - 1)), 1000000, clock))
		return false;
	*channels = 1;
	if (s2 && !parse_uint(sv_make(s2 + 1, (size_t)(end - s2 - 1)), 255, channels))
		return false;
	return true;
}

struct sv sdp_media_fmtp(const struct sdp_media *m, unsigned pt, bool *found)
{
	const struct sdp_attr *a = by_pt(m, "fmtp", pt);
	const char *sp;

	*found = a != NULL;
	if (!a)
		return SV_NULL;
	sp = memchr(a->value.p, ' ', a->value.len);
	return sv_make(sp + 1, (size_t)(a->value.p + a->value.len - sp - 1));
}

enum sdp_dir sdp_media_direction(const struct sdp_session *s, const struct sdp_media *m)
{
	const struct sdp_conn *c = m->conn.set ? &m->conn : &s->conn;
	enum sdp_dir d = m->dir != SDP_DIR_NONE ? m->dir : s->dir != SDP_DIR_NONE ? s->dir
										: SDP_DIR_SENDRECV;

	/* RFC 3264 §8.4: c=0.0.0.0 was RFC 2543's way to put a call on hold */
	if (c->set && sv_eq_cstr(c->addr, "0.0.0.0") && d == SDP_DIR_SENDRECV)
		return SDP_DIR_SENDONLY;
	return d;
}

int sdp_crypto_parse(struct sv value, struct sdp_crypto *c)
{
	struct sv f[4], key;
	size_t n = fields(value, f, 4);
	const char *bar, *end;

	memset(c, 0, sizeof(*c));
	if (n < 3 || !parse_uint(f[0], 999999999, &c->tag) || !f[1].len)
		return -EBADMSG;
	c->suite = f[1];
	c->key_params = f[2];
	if (n == 4)
		c->session_params = f[3];
	/* key-params = key-method ":" key-info; several are ';'-separated */
	key = f[2];
	if (key.len < 8 || strncasecmp(key.p, "inline:", 7))
		return -EBADMSG;
	end = memchr(key.p, ';', key.len);
	if (!end)
		end = key.p + key.len;
	key = sv_make(key.p + 7, (size_t)(end - key.p - 7));
	bar = memchr(key.p, '|', key.len);
	c->key = sv_make(key.p, bar ? (size_t)(bar - key.p) : key.len);
	if (!c->key.len)
		return -EBADMSG;
	while (bar) {
		const char *start = bar + 1, *next = memchr(start, '|', (size_t)(key.p + key.len - start));
		struct sv part = sv_make(start, (size_t)((next ? next : key.p + key.len) - start));

		/* "lifetime" or "MKI:length" (RFC 4568 §9.2) */
		if (memchr(part.p, ':', part.len))
			c->mki = part;
		else
			c->lifetime = part;
		bar = next;
	}
	return 0;
}

int sdp_fingerprint_parse(struct sv value, struct sdp_fingerprint *fp)
{
	struct sv f[2];

	memset(fp, 0, sizeof(*fp));
	if (fields(value, f, 2) != 2 || !f[0].len || f[1].len < 2)
		return -EBADMSG;
	for (size_t i = 0; i < f[1].len; i++)
		if (!isxdigit((unsigned char)f[1].p[i]) && f[1].p[i] != ':')
			return -EBADMSG;
	fp->hash = f[0];
	fp->value = f[1];
	return 0;
}

enum sdp_setup sdp_media_setup(const struct sdp_session *s, const struct sdp_media *m)
{
	static const char *const names[] = {"", "active", "passive", "actpass", "holdconn"};
	const struct sdp_attr *a = sdp_attr_find(m->attrs, m->nattrs, "setup", NULL);

	if (!a)
		a = sdp_attr_find(s->attrs, s->nattrs, "setup", NULL);
	if (!a)
		return SDP_SETUP_NONE;
	for (size_t i = 1; i < sizeof(names) / sizeof(names[0]); i++)
		if (sv_eq_cstr_nocase(a->value, names[i]))
			return (enum sdp_setup)i;
	return SDP_SETUP_INVALID;
}

bool sdp_media_is_t38(const struct sdp_media *m)
{
	return sv_eq_cstr_nocase(m->type, "image") && sv_eq_cstr_nocase(m->proto, "udptl") &&
	       m->nfmts >= 1 && sv_eq_cstr_nocase(m->fmts[0], "t38");
}

int sdp_media_t38(const struct sdp_media *m, struct sdp_t38 *t)
{
	static const struct {
		const char *name;
		size_t off;
	} nums[] = {
		{"T38FaxVersion", offsetof(struct sdp_t38, version)},
		{"T38MaxBitRate", offsetof(struct sdp_t38, max_bitrate)},
		{"T38FaxMaxBuffer", offsetof(struct sdp_t38, max_buffer)},
		{"T38FaxMaxDatagram", offsetof(struct sdp_t38, max_datagram)},
	};

	memset(t, 0, sizeof(*t));
	t->rate_management = SV_LIT("transferredTCF");
	for (size_t i = 0; i < m->nattrs; i++) {
		const struct sdp_attr *a = &m->attrs[i];
		bool known = false;

		for (size_t k = 0; k < sizeof(nums) / sizeof(nums[0]); k++) {
			if (!sv_eq_cstr_nocase(a->name, nums[k].name))
				continue;
			known = true;
			if (!parse_uint(sv_trim_lws(a->value), 100000000,
					(unsigned *)((char *)t + nums[k].off)))
				return -EBADMSG;
		}
		if (known)
			continue;
		if (sv_eq_cstr_nocase(a->name, "T38FaxRateManagement"))
			t->rate_management = a->value;
		else if (sv_eq_cstr_nocase(a->name, "T38FaxUdpEC"))
			t->udp_ec = a->value;
		/* the boolean ones: present (or ":1") is true (T.38 Annex D.2.3) */
		else if (sv_eq_cstr_nocase(a->name, "T38FaxFillBitRemoval"))
			t->fill_bit_removal = !a->has_value || !sv_eq_cstr(a->value, "0");
		else if (sv_eq_cstr_nocase(a->name, "T38FaxTranscodingMMR"))
			t->transcoding_mmr = !a->has_value || !sv_eq_cstr(a->value, "0");
		else if (sv_eq_cstr_nocase(a->name, "T38FaxTranscodingJBIG"))
			t->transcoding_jbig = !a->has_value || !sv_eq_cstr(a->value, "0");
	}
	return 0;
}

bool sdp_same_version(const struct sdp_session *prev, const struct sdp_session *cur)
{
	return sv_eq(prev->origin_user, cur->origin_user) && sv_eq(prev->sess_id, cur->sess_id) &&
	       sv_eq(prev->sess_version, cur->sess_version) &&
	       sv_eq_nocase(prev->origin_addr, cur->origin_addr);
}
