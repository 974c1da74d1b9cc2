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
	size_t len;
	char compact; /* RFC 3261 §7.3.3 and later RFCs; 0: none */
	enum sip_hdr_id id;
};

#define H(name, compact, id) {name, sizeof(name) - 1, compact, id}

static const struct hdr_name hdr_names[] = {
	H("Accept", 0, SIP_HDR_ACCEPT),
	H("Accept-Contact", 'a', SIP_HDR_ACCEPT_CONTACT),	/* RFC 3841 */
	H("Allow", 0, SIP_HDR_ALLOW),
	H("Allow-Events", 'u', SIP_HDR_ALLOW_EVENTS),		/* RFC 6665 */
	H("Authorization", 0, SIP_HDR_AUTHORIZATION),
	H("Call-ID", 'i', SIP_HDR_CALL_ID),
	H("Contact", 'm', SIP_HDR_CONTACT),
	H("Content-Encoding", 'e', SIP_HDR_CONTENT_ENCODING),
	H("Content-Length", 'l', SIP_HDR_CONTENT_LENGTH),
	H("Content-Type", 'c', SIP_HDR_CONTENT_TYPE),
	H("CSeq", 0, SIP_HDR_CSEQ),
	H("Diversion", 0, SIP_HDR_DIVERSION),			/* RFC 5806 */
	H("Event", 'o', SIP_HDR_EVENT),
	H("Expires", 0, SIP_HDR_EXPIRES),
	H("From", 'f', SIP_HDR_FROM),
	H("History-Info", 0, SIP_HDR_HISTORY_INFO),		/* RFC 7044 */
	H("Identity", 'y', SIP_HDR_IDENTITY),			/* RFC 8224 */
	H("Max-Forwards", 0, SIP_HDR_MAX_FORWARDS),
	H("Min-SE", 0, SIP_HDR_MIN_SE),
	H("P-Asserted-Identity", 0, SIP_HDR_P_ASSERTED_IDENTITY),	/* RFC 3325 */
	H("P-Preferred-Identity", 0, SIP_HDR_P_PREFERRED_IDENTITY),
	H("Privacy", 0, SIP_HDR_PRIVACY),
	H("Proxy-Authenticate", 0, SIP_HDR_PROXY_AUTHENTICATE),
	H("Proxy-Authorization", 0, SIP_HDR_PROXY_AUTHORIZATION),
	H("Proxy-Require", 0, SIP_HDR_PROXY_REQUIRE),
	H("RAck", 0, SIP_HDR_RACK),
	H("Reason", 0, SIP_HDR_REASON),
	H("Record-Route", 0, SIP_HDR_RECORD_ROUTE),
	H("Refer-To", 'r', SIP_HDR_REFER_TO),
	H("Referred-By", 'b', SIP_HDR_REFERRED_BY),
	H("Reject-Contact", 'j', SIP_HDR_REJECT_CONTACT),	/* RFC 3841 */
	H("Request-Disposition", 'd', SIP_HDR_REQUEST_DISPOSITION),
	H("Require", 0, SIP_HDR_REQUIRE),
	H("Route", 0, SIP_HDR_ROUTE),
	H("Retry-After", 0, SIP_HDR_RETRY_AFTER),
	H("RSeq", 0, SIP_HDR_RSEQ),
	H("Server", 0, SIP_HDR_SERVER),
	H("Session-Expires", 'x', SIP_HDR_SESSION_EXPIRES),
	H("Subject", 's', SIP_HDR_SUBJECT),
	H("Supported", 'k', SIP_HDR_SUPPORTED),
	H("Timestamp", 0, SIP_HDR_TIMESTAMP),
	H("To", 't', SIP_HDR_TO),
	H("Unsupported", 0, SIP_HDR_UNSUPPORTED),
	H("User-Agent", 0, SIP_HDR_USER_AGENT),
	H("Via", 'v', SIP_HDR_VIA),
	H("WWW-Authenticate", 0, SIP_HDR_WWW_AUTHENTICATE),
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
	/* first letter and length before the full comparison */
	for (size_t i = 0; i < N_HDR_NAMES; i++) {
		const char *n = hdr_names[i].name;

		if (hdr_names[i].len == name.len && ((n[0] ^ name.p[0]) & 0xdf) == 0 &&
		    !strncasecmp(n, name.p, name.len))
			return hdr_names[i].id;
	}
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
	/* no brackets, quotes or tabs in a URI; no headers in a Request-URI
	 * (§19.1.1 table 1; RFC 4475 §3.1.2.13, §3.1.2.14) */
	if (!m->uri.len || memchr(m->uri.p, '\t', m->uri.len) || memchr(m->uri.p, '<', m->uri.len) ||
	    memchr(m->uri.p, '>', m->uri.len) || memchr(m->uri.p, '"', m->uri.len))
		return fail(err, 400, "Bad Request - malformed Request-URI");
	if (sv_eq_cstr_nocase(sv_make(m->uri.p, m->uri.len < 4 ? m->uri.len : 4), "sip:") ||
	    sv_eq_cstr_nocase(sv_make(m->uri.p, m->uri.len < 5 ? m->uri.len : 5), "sips:")) {
		/* a '?' in the user part is a character of it; headers start at
		 * a '?' after the host (after the last '@') */
		const char *host = m->uri.p;

		for (const char *a = m->uri.p; a < m->uri.p + m->uri.len; a++)
			if (*a == '@')
				host = a + 1;
		size_t rest = m->uri.len - (size_t)(host - m->uri.p), colons = 0, k;

		if (host == m->uri.p) { /* no user part: the host follows "sip:" or "sips:" */
			host = (const char *)memchr(m->uri.p, ':', m->uri.len) + 1;
			rest = m->uri.len - (size_t)(host - m->uri.p);
		}
		if (memchr(host, '?', rest))
			return fail(err, 400, "Bad Request - headers in the Request-URI");
		/* RFC 5118 §4.2: an IPv6 address in a URI goes in brackets */
		for (k = 0; k < rest && host[k] != ';' && host[k] != '?'; k++)
			colons += host[k] == ':';
		if (rest && host[0] != '[' && colons > 1)
			return fail(err, 400, "Bad Request - IPv6 address in the Request-URI without []");
	}
	if (memchr(version.p, ' ', version.len))
		return fail(err, 400, "Bad Request - malformed request line");
	if (sip_uri_parse(&m->ruri, m->uri) < 0)
		return fail(err, 400, "Bad Request - malformed Request-URI");
	if (!sv_eq_cstr_nocase(version, "SIP/2.0")) {
		if (version.len >= 4 && !strncasecmp(version.p, "SIP/", 4))
			return fail(err, 505, "Version Not Supported");
		return fail(err, 400, "Bad Request - malformed request line");
	}
	return 0;
}

/* Split a comma-separated header value into elements, outside quoted
 * strings and <> (§7.3.1).  Calls fn per element; stops at the first
 * non-zero return.  An empty element is an error. */
static int each_element(struct sv v, int (*fn)(struct sv e, void *arg), void *arg)
{
	size_t start = 0;
	bool quoted = false;
	int angle = 0;

	for (size_t i = 0; i <= v.len; i++) {
		char c = i < v.len ? v.p[i] : ',';

		if (quoted) {
			if (c == '\\')
				i++;
			else if (c == '"')
				quoted = false;
			if (i < v.len)
				continue;
			return -1; /* a quoted string that does not end */
		}
		if (c == '"')
			quoted = true;
		else if (c == '<')
			angle++;
		else if (c == '>')
			angle--;
		else if (c == ',' && angle == 0) {
			struct sv e = sv_trim_lws(sv_make(v.p + start, i - start));
			int rc;

			if (!e.len)
				return -1;
			rc = fn(e, arg);
			if (rc)
				return rc;
			start = i + 1;
		}
	}
	return angle ? -1 : 0;
}

/* ;param;param after a URI or sent-by: none may be empty. */
static bool params_ok(struct sv p)
{
	for (size_t i = 0; i < p.len; i++) {
		if (p.p[i] != ';')
			continue;
		size_t j = i + 1;

		while (j < p.len && (p.p[j] == ' ' || p.p[j] == '\t'))
			j++;
		if (j == p.len || p.p[j] == ';')
			return false;
	}
	return true;
}

/* name-addr / addr-spec (§20.10, §25.1): quotes balanced; with <>, no
 * whitespace just inside them (LAQUOT/RAQUOT); without <>, no '?' headers
 * (a URI with headers, commas or semicolons must be in <>). */
static int check_name_addr(struct sv e, void *arg)
{
	const char *lt = NULL, *gt = NULL;
	bool quoted = false;
	size_t i;

	(void)arg;
	if (e.len == 1 && e.p[0] == '*')
		return 0; /* Contact: * */
	for (i = 0; i < e.len; i++) {
		char c = e.p[i];

		if (quoted) {
			if (c == '\\')
				i++;
			else if (c == '"')
				quoted = false;
			continue;
		}
		if (c == '"')
			quoted = true;
		else if (c == '<' && !lt)
			lt = e.p + i;
		else if (c == '>' && lt && !gt)
			gt = e.p + i;
	}
	if (quoted)
		return 1;
	if (lt) {
		if (!gt || gt == lt + 1 || lt[1] == ' ' || lt[1] == '\t' || gt[-1] == ' ' ||
		    gt[-1] == '\t')
			return 1;
		return params_ok(sv_make(gt + 1, (size_t)(e.p + e.len - gt - 1))) ? 0 : 1;
	}
	{
		const char *semi = memchr(e.p, ';', e.len);
		size_t uri_len = semi ? (size_t)(semi - e.p) : e.len;
		struct sv uri = sv_trim_lws(sv_make(e.p, uri_len)); /* LWS before ';' is allowed */

		if (memchr(uri.p, '?', uri.len) || memchr(uri.p, ' ', uri.len) ||
		    memchr(uri.p, '\t', uri.len))
			return 1;
		return !semi || params_ok(sv_make(semi, e.len - uri_len)) ? 0 : 1;
	}
}

/* via-parm (§20.42): SIP/2.0/transport LWS sent-by *(; via-params), no
 * empty parameter, and a branch that is more than the bare magic cookie
 * (RFC 4475 §3.1.2.9). */
static int check_via(struct sv e, void *arg)
{
	const char *semi, *b;
	size_t i = 0;

	(void)arg;
	if (e.len < 8 || strncasecmp(e.p, "SIP", 3))
		return 1;
	while (i < e.len && e.p[i] != ' ' && e.p[i] != '\t')
		i++;
	if (i == e.len)
		return 1; /* no sent-by */
	semi = memchr(e.p, ';', e.len);
	if (semi && !params_ok(sv_make(semi, e.len - (size_t)(semi - e.p))))
		return 1;
	for (b = semi; b && b < e.p + e.len; b = memchr(b + 1, ';', e.len - (size_t)(b + 1 - e.p))) {
		struct sv rest = sv_trim_lws(sv_make(b + 1, e.len - (size_t)(b + 1 - e.p)));

		if (rest.len >= 7 && !strncasecmp(rest.p, "branch", 6)) {
			const char *eq = memchr(rest.p, '=', rest.len);
			const char *end;
			struct sv val;

			if (!eq)
				return 1;
			end = memchr(eq, ';', rest.len - (size_t)(eq - rest.p));
			val = sv_trim_lws(sv_make(eq + 1, (size_t)((end ? end : rest.p + rest.len) - eq - 1)));
			if (!val.len || sv_eq_cstr(val, "z9hG4bK"))
				return 1;
		}
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
		m->cseq_method = sv_trim_lws(sv_make(v.p + i, v.len - i));
		if (i == v.len || (v.p[i] != ' ' && v.p[i] != '\t' && v.p[i] != '\r') ||
		    !is_token(m->cseq_method))
			return fail(err, 400, "Bad Request - Invalid CSeq method");
		if (m->request && !sv_eq(m->cseq_method, m->method))
			return fail(err, 400, "Bad Request - CSeq method does not match request method");
	}
	/* the syntax of the headers every element acts on */
	for (h = sip_msg_hdr_find(m, SIP_HDR_VIA, NULL); h; h = sip_msg_hdr_find(m, SIP_HDR_VIA, h))
		if (each_element(h->value, check_via, NULL))
			return fail(err, 400, "Bad Request - malformed Via");
	{
		static const struct {
			enum sip_hdr_id id;
			const char *what;
		} addrs[] = {{SIP_HDR_FROM, "Bad Request - malformed From"},
			     {SIP_HDR_TO, "Bad Request - malformed To"},
			     {SIP_HDR_CONTACT, "Bad Request - malformed Contact"}};

		for (size_t k = 0; k < sizeof(addrs) / sizeof(addrs[0]); k++)
			for (h = sip_msg_hdr_find(m, addrs[k].id, NULL); h;
			     h = sip_msg_hdr_find(m, addrs[k].id, h)) {
				int rc = addrs[k].id == SIP_HDR_CONTACT
						 ? each_element(h->value, check_name_addr, NULL)
						 : check_name_addr(h->value, NULL);

				if (rc)
					return fail(err, 400, addrs[k].what);
			}
	}
	/* Date (§20.17): an RFC 1123 date, always GMT */
	for (h = sip_msg_hdr_by_name(m, SV_LIT("Date"), NULL); h;
	     h = sip_msg_hdr_by_name(m, SV_LIT("Date"), h))
		if (h->value.len < 4 || strncmp(h->value.p + h->value.len - 4, " GMT", 4))
			return fail(err, 400, "Bad Request - Date not in GMT");
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
			cur->value = sv_trim_lws(sv_make(cur->value.p ? cur->value.p : line.p,
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
		cur->name = sv_trim_lws(sv_make(line.p, (size_t)(colon - line.p)));
		if (!is_token(cur->name))
			return fail(err, 400, "Bad Request - malformed header name");
		cur->id = sip_hdr_id_of(cur->name);
		cur->value = sv_trim_lws(sv_make(colon + 1, (size_t)(line.p + line.len - colon - 1)));
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
			name = sv_trim_lws(sv_make(buf + p, (size_t)(colon - buf - p)));
			if (sip_hdr_id_of(name) == SIP_HDR_CONTENT_LENGTH) {
				value = sv_trim_lws(sv_make(colon + 1, next - (size_t)(colon + 1 - buf)));
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
