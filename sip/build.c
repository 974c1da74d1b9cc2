/* build.c: SIP message writing, see build.h. */
#include "config.h"

#include "sip/build.h"
#include "sip/hdr.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

void sip_build_init(struct sip_build *b, char *buf, size_t size)
{
	b->buf = buf;
	b->size = size;
	b->len = 0;
	b->overflow = size == 0;
}

static void put(struct sip_build *b, const char *p, size_t n)
{
	if (n == 0)
		return; /* an empty view may have no pointer at all */
	if (b->overflow || n > b->size - b->len) {
		b->overflow = true;
		return;
	}
	memcpy(b->buf + b->len, p, n);
	b->len += n;
}

static void puts_(struct sip_build *b, const char *s)
{
	put(b, s, strlen(s));
}

static void put_sv(struct sip_build *b, struct sv v)
{
	put(b, v.p, v.len);
}

/* A header value without its folding: CRLF+WSP becomes one space (§7.3.1
 * says they are equivalent), so what we write is one line. */
static void put_unfolded(struct sip_build *b, struct sv v)
{
	for (size_t i = 0; i < v.len; i++) {
		if (v.p[i] == '\r' || v.p[i] == '\n') {
			while (i + 1 < v.len && (v.p[i + 1] == '\r' || v.p[i + 1] == '\n' ||
						 v.p[i + 1] == ' ' || v.p[i + 1] == '\t'))
				i++;
			put(b, " ", 1);
			continue;
		}
		put(b, v.p + i, 1);
	}
}

void sip_build_request(struct sip_build *b, struct sv method, struct sv uri)
{
	put_sv(b, method);
	put(b, " ", 1);
	put_sv(b, uri);
	puts_(b, " SIP/2.0\r\n");
}

void sip_build_status(struct sip_build *b, int status, const char *reason)
{
	char line[16];

	snprintf(line, sizeof(line), "SIP/2.0 %03d ", status);
	puts_(b, line);
	puts_(b, reason);
	puts_(b, "\r\n");
}

void sip_build_hdr(struct sip_build *b, const char *name, struct sv value)
{
	puts_(b, name);
	puts_(b, ": ");
	put_unfolded(b, value);
	puts_(b, "\r\n");
}

void sip_build_hdrf(struct sip_build *b, const char *name, const char *fmt, ...)
{
	va_list ap;
	int n;

	puts_(b, name);
	puts_(b, ": ");
	if (!b->overflow) {
		va_start(ap, fmt);
		n = vsnprintf(b->buf + b->len, b->size - b->len, fmt, ap);
		va_end(ap);
		if (n < 0 || (size_t)n >= b->size - b->len)
			b->overflow = true;
		else
			b->len += (size_t)n;
	}
	puts_(b, "\r\n");
}

int sip_build_finish(struct sip_build *b, const char *content_type, struct sv body)
{
	if (content_type && body.len)
		sip_build_hdr(b, "Content-Type", sv_cstr(content_type));
	sip_build_hdrf(b, "Content-Length", "%zu", body.len);
	puts_(b, "\r\n");
	put_sv(b, body);
	return b->overflow ? -ENOSPC : (int)b->len;
}

/* The top Via element with received/rport filled in (RFC 3581 §4). */
static void put_top_via(struct sip_build *b, struct sv value, const char *src_ip, unsigned src_port)
{
	struct sv rest = value, elem;
	struct sip_via v;
	char num[16];

	if (!src_ip || !sip_list_next(&rest, &elem) || sip_via_parse(elem, &v) < 0) {
		sip_build_hdr(b, "Via", value);
		return;
	}
	puts_(b, "Via: ");
	if (v.rport && v.rport_value < 0) {
		/* the bare ";rport": insert "=port" after it */
		for (size_t i = 0; i + 6 <= elem.len; i++) {
			if (elem.p[i] == ';' && !strncasecmp(elem.p + i + 1, "rport", 5) &&
			    (i + 6 == elem.len || elem.p[i + 6] == ';' || elem.p[i + 6] == ' ')) {
				put_unfolded(b, sv_make(elem.p, i + 6));
				snprintf(num, sizeof(num), "=%u", src_port);
				puts_(b, num);
				put_unfolded(b, sv_make(elem.p + i + 6, elem.len - i - 6));
				goto params_done;
			}
		}
	}
	put_unfolded(b, elem);
params_done:
	if (!v.received.len && (v.rport || !sv_eq_cstr_nocase(v.host, src_ip))) {
		puts_(b, ";received=");
		puts_(b, src_ip);
	}
	if (rest.len) { /* the other elements of the same header line */
		puts_(b, ", ");
		put_unfolded(b, sv_trim_lws(rest));
	}
	puts_(b, "\r\n");
}

void sip_build_response_rx(struct sip_build *b, const struct sip_msg *req, int status,
			   const char *reason, const char *to_tag, const char *src_ip,
			   unsigned src_port)
{
	const struct sip_hdr *h;
	bool first = true;

	sip_build_status(b, status, reason);
	for (h = sip_msg_hdr_find(req, SIP_HDR_VIA, NULL); h; h = sip_msg_hdr_find(req, SIP_HDR_VIA, h)) {
		if (first)
			put_top_via(b, h->value, src_ip, src_port);
		else
			sip_build_hdr(b, "Via", h->value);
		first = false;
	}
	if ((h = sip_msg_hdr_find(req, SIP_HDR_FROM, NULL)))
		sip_build_hdr(b, "From", h->value);
	if ((h = sip_msg_hdr_find(req, SIP_HDR_TO, NULL))) {
		bool has_tag = false;

		/* §8.2.6.2: add our tag unless the request's To has one (100 Trying excepted) */
		for (size_t i = 0; i + 4 < h->value.len; i++)
			if (!strncasecmp(h->value.p + i, ";tag", 4)) {
				has_tag = true;
				break;
			}
		puts_(b, "To: ");
		put_unfolded(b, h->value);
		if (!has_tag && to_tag && status > 100) {
			puts_(b, ";tag=");
			puts_(b, to_tag);
		}
		puts_(b, "\r\n");
	}
	sip_build_hdr(b, "Call-ID", req->call_id);
	if ((h = sip_msg_hdr_find(req, SIP_HDR_CSEQ, NULL)))
		sip_build_hdr(b, "CSeq", h->value);
}

void sip_build_response(struct sip_build *b, const struct sip_msg *req, int status,
			const char *reason, const char *to_tag)
{
	sip_build_response_rx(b, req, status, reason, to_tag, NULL, 0);
}

void sip_build_error_response(struct sip_build *b, const char *buf, size_t len, int status,
			      const char *reason)
{
	static const char *const wanted[] = {"via", "v", "from", "f", "to", "t", "call-id", "i",
					     "cseq"};
	size_t p = 0;

	sip_build_status(b, status, reason);
	while (p < len && buf[p] != '\n') /* the start line */
		p++;
	p++;
	while (p < len) {
		size_t e = p, n;

		while (e < len && buf[e] != '\n')
			e++;
		n = e - p;
		if (n == 0 || (n == 1 && buf[p] == '\r'))
			break;
		for (size_t w = 0; w < sizeof(wanted) / sizeof(wanted[0]); w++) {
			size_t wl = strlen(wanted[w]);

			if (n > wl && !strncasecmp(buf + p, wanted[w], wl) &&
			    (buf[p + wl] == ':' || buf[p + wl] == ' ' || buf[p + wl] == '\t')) {
				put(b, buf + p, buf[e - 1] == '\r' ? n - 1 : n);
				put(b, "\r\n", 2);
				break;
			}
		}
		p = e + 1;
	}
}

int sip_msg_print(const struct sip_msg *m, char *buf, size_t size)
{
	struct sip_build b;
	char reason[128];

	sip_build_init(&b, buf, size);
	if (m->request) {
		sip_build_request(&b, m->method, m->uri);
	} else {
		sv_to_buf(m->reason, reason, sizeof(reason));
		sip_build_status(&b, m->status, reason);
	}
	for (size_t i = 0; i < m->nhdrs; i++) {
		const struct sip_hdr *h = &m->hdrs[i];
		const char *canon = sip_hdr_canonical_name(h->id);

		if (h->id == SIP_HDR_CONTENT_LENGTH || h->id == SIP_HDR_CONTENT_TYPE)
			continue; /* written by finish, from the body */
		if (canon) {
			sip_build_hdr(&b, canon, h->value);
		} else {
			put_sv(&b, h->name); /* unknown headers: name and value byte-exact */
			puts_(&b, ": ");
			put_unfolded(&b, h->value);
			puts_(&b, "\r\n");
		}
	}
	{
		const struct sip_hdr *ct = sip_msg_hdr_find(m, SIP_HDR_CONTENT_TYPE, NULL);
		char type[128] = "";

		if (ct)
			sv_to_buf(ct->value, type, sizeof(type));
		if (ct && !m->body.len) /* a Content-Type without a body is kept */
			sip_build_hdr(&b, "Content-Type", ct->value);
		return sip_build_finish(&b, ct ? type : NULL, m->body);
	}
}
