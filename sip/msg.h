/* msg.h: SIP messages (RFC 3261 §7, §20, §25): parse without copying, find
 * headers by name (long or compact form), frame a byte stream.
 *
 * A parsed message is a table of views into the caller's buffer, which must
 * outlive it; nothing is allocated.  Parsing checks what every element
 * needs before it acts on a message (start line, SIP version, header
 * syntax, the mandatory headers of a request, CSeq, Content-Length) and
 * says what is wrong as the status and reason phrase a server answers with
 * (RFC 4475 §3.1: 400 naming the fault, 505 for the version).  Typed access
 * to individual headers is built on sip_msg_hdr_find. */
#ifndef SGW_SIP_MSG_H
#define SGW_SIP_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "lib/strview.h"
#include "sip/uri.h"

#define SIP_MAX_HDRS 128

enum sip_hdr_id {
	SIP_HDR_OTHER,
	SIP_HDR_ACCEPT,
	SIP_HDR_ACCEPT_CONTACT,
	SIP_HDR_ALLOW_EVENTS,
	SIP_HDR_ALLOW,
	SIP_HDR_AUTHORIZATION,
	SIP_HDR_CALL_ID,
	SIP_HDR_CONTACT,
	SIP_HDR_CONTENT_ENCODING,
	SIP_HDR_CONTENT_LENGTH,
	SIP_HDR_CONTENT_TYPE,
	SIP_HDR_CSEQ,
	SIP_HDR_DIVERSION,
	SIP_HDR_EVENT,
	SIP_HDR_EXPIRES,
	SIP_HDR_FROM,
	SIP_HDR_HISTORY_INFO,
	SIP_HDR_IDENTITY,
	SIP_HDR_MAX_FORWARDS,
	SIP_HDR_MIN_SE,
	SIP_HDR_P_ASSERTED_IDENTITY,
	SIP_HDR_P_PREFERRED_IDENTITY,
	SIP_HDR_PRIVACY,
	SIP_HDR_PROXY_AUTHENTICATE,
	SIP_HDR_PROXY_AUTHORIZATION,
	SIP_HDR_PROXY_REQUIRE,
	SIP_HDR_RACK,
	SIP_HDR_REASON,
	SIP_HDR_RECORD_ROUTE,
	SIP_HDR_REFER_TO,
	SIP_HDR_REFERRED_BY,
	SIP_HDR_REJECT_CONTACT,
	SIP_HDR_REQUEST_DISPOSITION,
	SIP_HDR_REQUIRE,
	SIP_HDR_ROUTE,
	SIP_HDR_RETRY_AFTER,
	SIP_HDR_RSEQ,
	SIP_HDR_SERVER,
	SIP_HDR_SESSION_EXPIRES,
	SIP_HDR_SUBJECT,
	SIP_HDR_SUPPORTED,
	SIP_HDR_TIMESTAMP,
	SIP_HDR_TO,
	SIP_HDR_UNSUPPORTED,
	SIP_HDR_USER_AGENT,
	SIP_HDR_VIA,
	SIP_HDR_WWW_AUTHENTICATE,
	SIP_HDR_COUNT
};

struct sip_hdr {
	enum sip_hdr_id id;
	struct sv name;	 /* as written (maybe compact) */
	struct sv value; /* trimmed; may hold folded lines (CRLF + WSP), which are LWS */
};

enum sip_framing {
	SIP_FRAMING_DATAGRAM, /* UDP: the buffer is the message; Content-Length may be absent */
	SIP_FRAMING_STREAM,   /* TCP/TLS: Content-Length is required (§18.3) */
};

struct sip_parse_error {
	int status;	   /* 400, 505, 413 ... */
	char reason[96]; /* the reason phrase of the response, naming the fault */
};

struct sip_msg {
	const char *buf;
	size_t len;
	bool request;
	struct sv method;  /* request */
	struct sv uri;	   /* request */
	struct sip_uri ruri; /* request: the Request-URI, parsed (OTHER: 416 for a UAS) */
	int status;	   /* response */
	struct sv reason;  /* response */
	struct sip_hdr hdrs[SIP_MAX_HDRS];
	size_t nhdrs;
	struct sv body;
	/* read during parsing, for every message */
	struct sv call_id;
	uint32_t cseq;
	struct sv cseq_method;
	int max_forwards;    /* -1 when absent */
	int64_t content_length; /* -1 when absent */
};

/* Parse len bytes at buf.  0, or -EBADMSG with err saying what a server
 * answers.  Stream framing expects exactly one message (see
 * sip_msg_frame). */
int sip_msg_parse(struct sip_msg *m, const char *buf, size_t len, enum sip_framing framing,
		  struct sip_parse_error *err);

/* Length of the first complete message in a byte stream, 0 when more bytes
 * are needed, or a negative errno when it cannot be SIP (no Content-Length,
 * a bad one, or headers larger than max_headers).  Fits sip_frame_fn. */
ssize_t sip_msg_frame(const char *buf, size_t len);

/* The next header with this id after prev (NULL: the first). */
const struct sip_hdr *sip_msg_hdr_find(const struct sip_msg *m, enum sip_hdr_id id,
				       const struct sip_hdr *prev);
/* By name, long or compact, case-insensitive (for headers without an id). */
const struct sip_hdr *sip_msg_hdr_by_name(const struct sip_msg *m, struct sv name,
					  const struct sip_hdr *prev);
enum sip_hdr_id sip_hdr_id_of(struct sv name);
const char *sip_hdr_canonical_name(enum sip_hdr_id id);

#endif
