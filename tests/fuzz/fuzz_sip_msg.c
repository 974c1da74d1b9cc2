/* libFuzzer target: the SIP message parser and the stream framer on any
 * bytes.  The input is copied to a buffer of exactly its size, so ASan sees
 * any read past the end (the parser never relies on a terminating NUL). */
#include "config.h"

#include "sip/hdr.h"
#include "sip/msg.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Every typed accessor on every header it applies to, and the multipart
 * walker on the body: none may read outside the views it is given. */
static void typed(const struct sip_msg *m)
{
	char rbuf[256];
	const struct sip_hdr *ct = NULL;

	for (size_t i = 0; i < m->nhdrs; i++) {
		const struct sip_hdr *h = &m->hdrs[i];
		struct sv rest = h->value, elem;
		union {
			struct sip_via via;
			struct sip_contact contact;
			struct sip_name_addr na;
			struct sip_auth auth;
			struct sip_rack rack;
			struct sip_reason reason;
			struct sip_session_expires se;
			struct sip_diversion div;
			struct sip_history_info hi;
			struct sip_refer_to rt;
			struct sip_referred_by rb;
			struct sip_timestamp ts;
			struct sip_retry_after ra;
			struct sip_event ev;
			struct sip_subscription_state ss;
			struct sip_replaces rp;
		} u;
		uint32_t n;
		bool found;

		switch (h->id) {
		case SIP_HDR_VIA:
			while (sip_list_next(&rest, &elem))
				(void)sip_via_parse(elem, &u.via);
			break;
		case SIP_HDR_CONTACT:
			while (sip_list_next(&rest, &elem))
				(void)sip_contact_parse(elem, &u.contact);
			break;
		case SIP_HDR_FROM: case SIP_HDR_TO: case SIP_HDR_ROUTE: case SIP_HDR_RECORD_ROUTE:
		case SIP_HDR_P_ASSERTED_IDENTITY: case SIP_HDR_P_PREFERRED_IDENTITY:
			while (sip_list_next(&rest, &elem))
				(void)sip_name_addr_parse(elem, &u.na);
			break;
		case SIP_HDR_WWW_AUTHENTICATE: case SIP_HDR_PROXY_AUTHENTICATE:
		case SIP_HDR_AUTHORIZATION: case SIP_HDR_PROXY_AUTHORIZATION:
			if (sip_auth_parse(h->value, &u.auth) == 0)
				(void)sip_auth_param(&u.auth, "nonce", &found);
			break;
		case SIP_HDR_RACK:
			(void)sip_rack_parse(h->value, &u.rack);
			break;
		case SIP_HDR_REASON:
			while (sip_list_next(&rest, &elem))
				(void)sip_reason_parse(elem, &u.reason);
			break;
		case SIP_HDR_SESSION_EXPIRES:
			(void)sip_session_expires_parse(h->value, &u.se);
			break;
		case SIP_HDR_DIVERSION:
			while (sip_list_next(&rest, &elem))
				(void)sip_diversion_parse(elem, &u.div);
			break;
		case SIP_HDR_HISTORY_INFO:
			while (sip_list_next(&rest, &elem))
				(void)sip_history_info_parse(elem, &u.hi);
			break;
		case SIP_HDR_REFER_TO:
			(void)sip_refer_to_parse(h->value, &u.rt, rbuf, sizeof(rbuf));
			break;
		case SIP_HDR_REFERRED_BY:
			(void)sip_referred_by_parse(h->value, &u.rb);
			break;
		case SIP_HDR_TIMESTAMP:
			(void)sip_timestamp_parse(h->value, &u.ts);
			break;
		case SIP_HDR_RETRY_AFTER:
			(void)sip_retry_after_parse(h->value, &u.ra);
			break;
		case SIP_HDR_EVENT:
			(void)sip_event_parse(h->value, &u.ev);
			break;
		case SIP_HDR_EXPIRES: case SIP_HDR_MIN_SE: case SIP_HDR_RSEQ:
			(void)sip_hdr_uint(h->value, &n);
			break;
		case SIP_HDR_CONTENT_TYPE:
			ct = h;
			break;
		default:
			if (sv_eq_cstr_nocase(h->name, "Replaces"))
				(void)sip_replaces_parse(h->value, &u.rp);
			else if (sv_eq_cstr_nocase(h->name, "Subscription-State"))
				(void)sip_subscription_state_parse(h->value, &u.ss);
			break;
		}
	}
	if (ct) {
		struct sip_content_type t;
		struct sip_multipart mp;
		struct sip_body_part part;
		int k = 0;

		if (sip_content_type_parse(ct->value, &t) == 0 && t.boundary.len) {
			sip_multipart_init(&mp, m->body, t.boundary);
			while (k++ < 1000 && sip_multipart_next(&mp, &part) > 0)
				if (part.content.p < m->body.p ||
				    part.content.p + part.content.len > m->body.p + m->body.len)
					abort();
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size ? size : 1);
	struct sip_msg m;
	struct sip_parse_error e;
	ssize_t n;

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	if (sip_msg_parse(&m, buf, size, SIP_FRAMING_DATAGRAM, &e) == 0) {
		/* every view lies inside the buffer */
		for (size_t i = 0; i < m.nhdrs; i++)
			if (m.hdrs[i].value.p < buf || m.hdrs[i].value.p + m.hdrs[i].value.len > buf + size)
				abort();
		if (m.body.len && (m.body.p < buf || m.body.p + m.body.len > buf + size))
			abort();
		typed(&m);
	}
	n = sip_msg_frame(buf, size);
	if (n > 0 && (size_t)n <= size)
		(void)sip_msg_parse(&m, buf, (size_t)n, SIP_FRAMING_STREAM, &e);
	if (n > (ssize_t)size)
		abort();
	free(buf);
	return 0;
}
