/* msg.c: SIP message parsing and stream framing (RFC 3261 §7, §18.3, §25),
 * see msg.h.
 *
 * One pass over the bytes: the start line, then header lines up to the empty
 * line, each header a name and a value view; a line that starts with a space
 * or tab continues the previous value (folding, §7.3.1).  The buffer is not
 * NUL-terminated: every read is checked against len.  Then the checks every
 * element needs, each failure phrased as the response a server sends. */
#include "config.h"

#include "sip/msg.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

struct hdr_name {
	const char *name;
	char compact; /* RFC 3261 §7.3.3 and later RFCs; 0: none */
	enum sip_hdr_id id;
};

static const struct hdr_name hdr_names[] = {
	{"Accept", 0, SIP_HDR_ACCEPT},
	{"Allow", 0, SIP_HDR_ALLOW},
	{"Authorization", 0, SIP_HDR_AUTHORIZATION},
	{"Call-ID", 'i', SIP_HDR_CALL_ID},
	{"Contact", 'm', SIP_HDR_CONTACT},
	{"Content-Encoding", 'e', SIP_HDR_CONTENT_ENCODING},
	{"Content-Length", 'l', SIP_HDR_CONTENT_LENGTH},
	{"Content-Type", 'c', SIP_HDR_CONTENT_TYPE},
	{"CSeq", 0, SIP_HDR_CSEQ},
	{"Event", 'o', SIP_HDR_EVENT},
	{"Expires", 0, SIP_HDR_EXPIRES},
	{"From", 'f', SIP_HDR_FROM},
	{"Max-Forwards", 0, SIP_HDR_MAX_FORWARDS},
	{"Min-SE", 0, SIP_HDR_MIN_SE},
	{"P-Asserted-Identity", 0, SIP_HDR_P_ASSERTED_IDENTITY},
	{"Privacy", 0, SIP_HDR_PRIVACY},
	{"Proxy-Authenticate", 0, SIP_HDR_PROXY_AUTHENTICATE},
	{"Proxy-Authorization", 0, SIP_HDR_PROXY_AUTHORIZATION},
	{"Proxy-Require", 0, SIP_HDR_PROXY_REQUIRE},
	{"RAck", 0, SIP_HDR_RACK},
	{"Reason", 0, SIP_HDR_REASON},
	{"Record-Route", 0, SIP_HDR_RECORD_ROUTE},
	{"Refer-To", 'r', SIP_HDR_REFER_TO},
	{"Referred-By", 'b', SIP_HDR_REFERRED_BY},
	{"Require", 0, SIP_HDR_REQUIRE},
	{"Route", 0, SIP_HDR_ROUTE},
	{"RSeq", 0, SIP_HDR_RSEQ},
	{"Session-Expires", 'x', SIP_HDR_SESSION_EXPIRES},
	{"Subject", 's', SIP_HDR_SUBJECT},
	{"Supported", 'k', SIP_HDR_SUPPORTED},
	{"To", 't', SIP_HDR_TO},
	{"Unsupported", 0, SIP_HDR_UNSUPPORTED},
	{"Via", 'v', SIP_HDR_VIA},
	{"WWW-Authenticate", 0, SIP_HDR_WWW_AUTHENTICATE},
};

#define N_HDR_NAMES (sizeof(hdr_names) / sizeof(hdr_names[0]))

enum sip_hdr_id sip_hdr_id_of(struct sv name)
{
	if (name.len == 1) {
		char c = (char)(name.p[0] | 0x20);

		for (size_t i = 0; i < N_HDR_NAMES; i++)
			if (hdr_names[i].compact == c)
				return hdr_names[i].id;
		return SIP_HDR_OTHER;
	}
	for (size_t i = 0; i < N_HDR_NAMES; i++)
		if (sv_eq_cstr_nocase(name, hdr_names[i].name))
			return hdr_names[i].id;
	return SIP_HDR_OTHER;
}

const char *sip_hdr_canonical_name(enum sip_hdr_id id)
{
	for (size_t i = 0; i < N_HDR_NAMES; i++)
		if (hdr_names[i].id == id)
			return hdr_names[i].name;
	return NULL;
}

/* RFC 3261 §25.1: token = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" /
 * "+" / "`" / "'" / "~") */
static bool is_token_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       strchr("-.!%*_+`'~", c) != NULL;
}

static bool is_token(struct sv s)
{
	if (!s.len)
		return false;
	for (size_t i = 0; i < s.len; i++)
		if (!s.p[i] || !is_token_char((unsigned char)s.p[i]))
			return false;
	return true;
}

static int fail(struct sip_parse_error *err, int status, const char *reason)
{
	if (err) {
		err->status = status;
		snprintf(err->reason, sizeof(err->reason), "%s", reason);
	}
	return -EBADMSG;
}

/* End of the line starting at p: the index of its CR (or bare LF), and the
 * index after its terminator in *next.  -1 when the buffer ends first. */
static ssize_t line_end(const char *buf, size_t len, size_t p, size_t *next)
{
	for (size_t i = p; i < len; i++) {
		if (buf[i] == '\n') {
			*next = i + 1;
			return (ssize_t)(i > p && buf[i - 1] == '\r' ? i - 1 : i);
		}
	}
	return -1;
}

static struct sv trim(struct sv v)
{
	while (v.len && (v.p[0] == ' ' || v.p[0] == '\t' || v.p[0] == '\r' || v.p[0] == '\n')) {
		v.p++;
		v.len--;
	}
	while (v.len && (v.p[v.len - 1] == ' ' || v.p[v.len - 1] == '\t' ||
			 v.p[v.len - 1] == '\r' || v.p[v.len - 1] == '\n'))
		v.len--;
	return v;
}

/* Digits, no sign, within max; false otherwise (leading zeros are fine:
 * RFC 4475 §3.1.1.1 has Max-Forwards 0068). */
static bool parse_uint(struct sv v, uint64_t max, uint64_t *out)
{
	uint64_t n = 0;

	if (!v.len)
		return false;
	for (size_t i = 0; i < v.len; i++) {
		if (v.p[i] < '0' || v.p[i] > '9')
			return false;
		n = n * 10 + (uint64_t)(v.p[i] - '0');
		if (n > max)
			return false;
	}
	*out = n;
	return true;
}

static int parse_start_line(struct sip_msg *m, struct sv line, struct sip_parse_error *err)
{
	const char *sp1, *sp2;
	struct sv version;

	if (memchr(line.p, '\0', line.len))
		return fail(err, 400, "Bad Request - NUL byte in start line");
	sp1 = memchr(line.p, ' ', line.len);
	if (!sp1)
		return fail(err, 400, "Bad Request - malformed start line");
	sp2 = memchr(sp1 + 1, ' ', line.len - (size_t)(sp1 + 1 - line.p));
	if (line.len >= 4 && !strncasecmp(line.p, "SIP/", 4)) {
		uint64_t status;

		m->request = false;
		version = sv_make(line.p, (size_t)(sp1 - line.p));
		if (!sv_eq_cstr_nocase(version, "SIP/2.0"))
			return fail(err, 505, "Version Not Supported");
		if (!sp2 || sp2 != sp1 + 4 ||
		    !parse_uint(sv_make(sp1 + 1, 3), 699, &status) || status < 100)
			return fail(err, 400, "Bad Request - malformed status line");
		m->status = (int)status;
		m->reason = sv_make(sp2 + 1, line.len - (size_t)(sp2 + 1 - line.p));
		return 0;
	}
	m->request = true;
	/* Method SP Request-URI SP SIP-Version, one space each (§7.1) */
	if (!sp2)
		return fail(err, 400, "Bad Request - malformed request line");
	m->method = sv_make(line.p, (size_t)(sp1 - line.p));
	m->uri = sv_make(sp1 + 1, (size_t)(sp2 - sp1 - 1));
	version = sv_make(sp2 + 1, line.len - (size_t)(sp2 + 1 - line.p));
	if (!is_token(m->method))
		return fail(err, 400, "Bad Request - method is not a token");
	if (!m->uri.len || memchr(m->uri.p, '\t', m->uri.len))
		return fail(err, 400, "Bad Request - malformed Request-URI");
	if (memchr(version.p, ' ', version.len))
		return fail(err, 400, "Bad Request - malformed request line");
	if (!sv_eq_cstr_nocase(version, "SIP/2.0")) {
		if (version.len >= 4 && !strncasecmp(version.p, "SIP/", 4))
			return fail(err, 505, "Version Not Supported");
		return fail(err, 400, "Bad Request - malformed request line");
	}
	return 0;
}

/* One header value that must appear at most once. */
static int single(const struct sip_msg *m, enum sip_hdr_id id, const struct sip_hdr **out)
{
	const struct sip_hdr *h = sip_msg_hdr_find(m, id, NULL);

	*out = h;
	if (h && sip_msg_hdr_find(m, id, h))
		return -1;
	return 0;
}

static int check_headers(struct sip_msg *m, enum sip_framing framing, size_t body_start,
			 struct sip_parse_error *err)
{
	const struct sip_hdr *h;
	uint64_t n;
	size_t avail = m->len - body_start;

	/* Call-ID, CSeq, From, To: exactly one each (§8.1.1) */
	if (single(m, SIP_HDR_CALL_ID, &h) < 0)
		return fail(err, 400, "Bad Request - more than one Call-ID");
	if (!h || !h->value.len)
		return fail(err, 400, "Bad Request - missing Call-ID");
	m->call_id = h->value;
	if (single(m, SIP_HDR_FROM, &h) < 0)
		return fail(err, 400, "Bad Request - more than one From");
	if (!h)
		return fail(err, 400, "Bad Request - missing From");
	if (single(m, SIP_HDR_TO, &h) < 0)
		return fail(err, 400, "Bad Request - more than one To");
	if (!h)
		return fail(err, 400, "Bad Request - missing To");
	if (!sip_msg_hdr_find(m, SIP_HDR_VIA, NULL))
		return fail(err, 400, "Bad Request - missing Via");
	if (single(m, SIP_HDR_CSEQ, &h) < 0)
		return fail(err, 400, "Bad Request - more than one CSeq");
	if (!h)
		return fail(err, 400, "Bad Request - missing CSeq");
	{
		/* CSeq = 1*DIGIT LWS Method; the number below 2^31 (§8.1.1.5) */
		struct sv v = h->value;
		size_t i = 0;

		while (i < v.len && v.p[i] >= '0' && v.p[i] <= '9')
			i++;
		if (!parse_uint(sv_make(v.p, i), 0x7fffffff, &n))
			return fail(err, 400, "Bad Request - Invalid CSeq number");
		m->cseq = (uint32_t)n;
		m->cseq_method = trim(sv_make(v.p + i, v.len - i));
		if (i == v.len || (v.p[i] != ' ' && v.p[i] != '\t' && v.p[i] != '\r') ||
		    !is_token(m->cseq_method))
			return fail(err, 400, "Bad Request - Invalid CSeq method");
		if (m->request && !sv_eq(m->cseq_method, m->method))
			return fail(err, 400, "Bad Request - CSeq method does not match request method");
	}
	m->max_forwards = -1;
	if (single(m, SIP_HDR_MAX_FORWARDS, &h) < 0)
		return fail(err, 400, "Bad Request - more than one Max-Forwards");
	if (h) {
		if (!parse_uint(h->value, 255, &n))
			return fail(err, 400, "Bad Request - Invalid Max-Forwards");
		m->max_forwards = (int)n;
	}
	m->content_length = -1;
	for (h = sip_msg_hdr_find(m, SIP_HDR_CONTENT_LENGTH, NULL); h;
	     h = sip_msg_hdr_find(m, SIP_HDR_CONTENT_LENGTH, h)) {
		if (!parse_uint(h->value, 0x7fffffff, &n))
			return fail(err, 400, "Bad Request - Invalid Content-Length");
		if (m->content_length >= 0 && (uint64_t)m->content_length != n)
			return fail(err, 400, "Bad Request - conflicting Content-Length");
		m->content_length = (int64_t)n;
	}
	if (m->content_length < 0) {
		if (framing == SIP_FRAMING_STREAM)
			return fail(err, 400, "Bad Request - Content-Length missing on a stream");
		m->body = sv_make(m->buf + body_start, avail); /* §18.3: the datagram's rest */
	} else if ((uint64_t)m->content_length > avail) {
		return fail(err, 400, "Bad Request - Content-Length larger than the message body");
	} else {
		/* over UDP, bytes beyond Content-Length are ignored (§18.3) */
		m->body = sv_make(m->buf + body_start, (size_t)m->content_length);
	}
	return 0;
}

int sip_msg_parse(struct sip_msg *m, const char *buf, size_t len, enum sip_framing framing,
		  struct sip_parse_error *err)
{
	size_t p = 0, next;
	ssize_t end;
	struct sip_hdr *cur = NULL;
	int rc;

	memset(m, 0, sizeof(*m));
	m->buf = buf;
	m->len = len;
	/* §7.5: CRLFs before the start line are ignored */
	while (p < len && (buf[p] == '\r' || buf[p] == '\n'))
		p++;
	end = line_end(buf, len, p, &next);
	if (end < 0 || (size_t)end == p)
		return fail(err, 400, "Bad Request - no start line");
	rc = parse_start_line(m, sv_make(buf + p, (size_t)end - p), err);
	if (rc)
		return rc;
	p = next;
	for (;;) {
		struct sv line;
		const char *colon;

		end = line_end(buf, len, p, &next);
		if (end < 0)
			return fail(err, 400, "Bad Request - headers not ended by an empty line");
		line = sv_make(buf + p, (size_t)end - p);
		if (!line.len) {
			p = next;
			break; /* the empty line: the body follows */
		}
		/* a NUL is only allowed escaped, as a quoted-pair (§25.1; RFC 4475 §3.1.1.2) */
		for (const char *z = memchr(line.p, '\0', line.len); z;
		     z = memchr(z + 1, '\0', line.len - (size_t)(z + 1 - line.p)))
			if (z == line.p || z[-1] != '\\')
				return fail(err, 400, "Bad Request - NUL byte in a header");
		if (line.p[0] == ' ' || line.p[0] == '\t') {
			/* folding: the value goes on (§7.3.1) */
			if (!cur)
				return fail(err, 400, "Bad Request - continuation line before any header");
			cur->value = trim(sv_make(cur->value.p ? cur->value.p : line.p,
						  (size_t)(line.p + line.len -
							   (cur->value.p ? cur->value.p : line.p))));
			p = next;
			continue;
		}
		colon = memchr(line.p, ':', line.len);
		if (!colon)
			return fail(err, 400, "Bad Request - header line without a colon");
		if (m->nhdrs == SIP_MAX_HDRS)
			return fail(err, 400, "Bad Request - too many headers");
		cur = &m->hdrs[m->nhdrs++];
		cur->name = trim(sv_make(line.p, (size_t)(colon - line.p)));
		if (!is_token(cur->name))
			return fail(err, 400, "Bad Request - malformed header name");
		cur->id = sip_hdr_id_of(cur->name);
		cur->value = trim(sv_make(colon + 1, (size_t)(line.p + line.len - colon - 1)));
		if (!cur->value.len)
			cur->value.p = colon + 1; /* empty so far; folding may add to it */
		p = next;
	}
	return check_headers(m, framing, p, err);
}

const struct sip_hdr *sip_msg_hdr_find(const struct sip_msg *m, enum sip_hdr_id id,
				       const struct sip_hdr *prev)
{
	size_t i = prev ? (size_t)(prev - m->hdrs) + 1 : 0;

	for (; i < m->nhdrs; i++)
		if (m->hdrs[i].id == id)
			return &m->hdrs[i];
	return NULL;
}

const struct sip_hdr *sip_msg_hdr_by_name(const struct sip_msg *m, struct sv name,
					  const struct sip_hdr *prev)
{
	enum sip_hdr_id id = sip_hdr_id_of(name);
	size_t i = prev ? (size_t)(prev - m->hdrs) + 1 : 0;

	if (id != SIP_HDR_OTHER)
		return sip_msg_hdr_find(m, id, prev);
	for (; i < m->nhdrs; i++)
		if (m->hdrs[i].id == SIP_HDR_OTHER && sv_eq_nocase(m->hdrs[i].name, name))
			return &m->hdrs[i];
	return NULL;
}

/* ---- stream framing ------------------------------------------------------------ */

#define FRAME_HEADERS_MAX 65536

ssize_t sip_msg_frame(const char *buf, size_t len)
{
	size_t p = 0, hdr_end = 0;
	int64_t cl = -1;

	/* the end of the headers: an empty line */
	for (size_t i = 0; i + 1 < len; i++) {
		if (buf[i] == '\n' && (buf[i + 1] == '\n' ||
				       (i + 2 < len && buf[i + 1] == '\r' && buf[i + 2] == '\n'))) {
			hdr_end = i + (buf[i + 1] == '\n' ? 2 : 3);
			break;
		}
		if (i > FRAME_HEADERS_MAX)
			return -EMSGSIZE;
	}
	if (!hdr_end)
		return len > FRAME_HEADERS_MAX ? -EMSGSIZE : 0;
	/* Content-Length (or l) at the start of a header line */
	while (p < hdr_end) {
		size_t next = p;
		const char *colon;
		struct sv name, value;
		uint64_t n;

		while (next < hdr_end && buf[next] != '\n')
			next++;
		colon = memchr(buf + p, ':', next - p);
		if (colon && buf[p] != ' ' && buf[p] != '\t') {
			name = trim(sv_make(buf + p, (size_t)(colon - buf - p)));
			if (sip_hdr_id_of(name) == SIP_HDR_CONTENT_LENGTH) {
				value = trim(sv_make(colon + 1, next - (size_t)(colon + 1 - buf)));
				if (!parse_uint(value, 0x7fffffff, &n) ||
				    (cl >= 0 && (uint64_t)cl != n))
					return -EINVAL;
				cl = (int64_t)n;
			}
		}
		p = next + 1;
	}
	if (cl < 0)
		return -EINVAL; /* §18.3: a stream needs Content-Length */
	if ((uint64_t)hdr_end + (uint64_t)cl > len)
		return 0;
	return (ssize_t)(hdr_end + (size_t)cl);
}
