/* hdr.h: typed access to the SIP headers the stack acts on, read on demand
 * from the views a parsed message holds (RFC 3261 §20, §25.1).
 *
 * Every function takes a header value (or one element of a comma list) and
 * fills a struct of views; nothing is copied.  Values that were quoted come
 * back without their quotes (quoted-pairs left as they are). */
#ifndef SGW_SIP_HDR_H
#define SGW_SIP_HDR_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/strview.h"
#include "sip/uri.h"

/* Comma lists (§7.3.1): the next element of *rest, outside quoted strings
 * and <>; false at the end. */
bool sip_list_next(struct sv *rest, struct sv *elem);

/* ";name=value;flag" parameter lists (generic-param): the value of name
 * (case-insensitive), unquoted; *found false when absent. */
struct sv sip_param_find(struct sv params, const char *name, bool *found);

/* Via (§20.42): SIP/2.0/UDP host:port;branch=..;received=..;rport=.. */
struct sip_via {
	struct sv transport; /* "UDP", "TCP", "TLS", ... */
	struct sv host;	     /* without [] */
	uint16_t port;	     /* 0: none */
	struct sv params;    /* ";..." */
	struct sv branch, received, maddr;
	bool rport;	 /* the parameter is there (RFC 3581) */
	int rport_value; /* -1: rport without a value */
	int ttl;	 /* -1: none */
};
int sip_via_parse(struct sv elem, struct sip_via *v);

/* name-addr / addr-spec with parameters (§20.20 From, §20.39 To, §20.10
 * Contact): "Display" <uri>;tag=x  or  uri;tag=x */
struct sip_name_addr {
	struct sv display; /* unquoted; empty when none */
	struct sip_uri uri;
	struct sv uri_text;
	struct sv params; /* the header's parameters, after the URI */
	struct sv tag;	  /* empty when none */
};
int sip_name_addr_parse(struct sv elem, struct sip_name_addr *na);

/* One Contact element (§20.10): '*' or a name-addr with expires and q. */
struct sip_contact {
	bool star;
	struct sip_name_addr na;
	int64_t expires; /* -1: none */
	int q;		 /* thousandths, 0..1000; -1: none */
};
int sip_contact_parse(struct sv elem, struct sip_contact *c);

/* WWW-Authenticate / Authorization and the Proxy- pair (§20.27, §20.7):
 * a scheme and a comma list of auth-params. */
struct sip_auth {
	struct sv scheme; /* "Digest" */
	struct sv params; /* realm="x", nonce="y", ... */
};
int sip_auth_parse(struct sv value, struct sip_auth *a);
/* An auth-param's value, unquoted; *found false when absent. */
struct sv sip_auth_param(const struct sip_auth *a, const char *name, bool *found);

/* A delta-seconds or other unsigned number header: Expires, Min-SE, Max-
 * Forwards, RSeq, the number of Retry-After (its comment and parameters
 * after it are allowed and ignored). */
int sip_hdr_uint(struct sv value, uint32_t *out);
/* A DTMF digit in an INFO body (RFC 6086 usage as gateways send it):
 * application/dtmf-relay "Signal=5\r\nDuration=160", or application/dtmf
 * "5".  The digit (0-9 * # A-D) and its length (100 ms when not given or
 * outside 40-5000); -EINVAL when the body says no digit. */
int sip_info_dtmf_parse(struct sv content_type, struct sv body, char *digit, unsigned *ms);

/* RAck (RFC 3262 §7.2): response-num CSeq-num Method */
struct sip_rack {
	uint32_t rseq, cseq;
	struct sv method;
};
int sip_rack_parse(struct sv value, struct sip_rack *r);

/* One Reason element (RFC 3326): protocol;cause=N;text="..." */
struct sip_reason {
	struct sv protocol; /* "Q.850", "SIP" */
	int cause;	    /* -1: none */
	struct sv text;
};
int sip_reason_parse(struct sv elem, struct sip_reason *r);

/* Session-Expires (RFC 4028 §4): delta-seconds [;refresher=uac|uas] */
struct sip_session_expires {
	uint32_t seconds;
	int refresher; /* 0 none, 1 uac, 2 uas */
};
int sip_session_expires_parse(struct sv value, struct sip_session_expires *se);

/* Replaces (RFC 3891): callid;to-tag=x;from-tag=y[;early-only] */
struct sip_replaces {
	struct sv call_id, to_tag, from_tag;
	bool early_only;
};
int sip_replaces_parse(struct sv value, struct sip_replaces *r);

/* Event (RFC 6665): event-type [;id=x] */
struct sip_event {
	struct sv type, id;
};
int sip_event_parse(struct sv value, struct sip_event *e);

/* Does a comma list of tokens (Allow, Supported, Require, Proxy-Require,
 * Unsupported) hold token?  Case-insensitive, as option tags are compared. */
bool sip_token_list_has(struct sv value, const char *token);

/* Subscription-State (RFC 6665 §8.2.3): active|pending|terminated with
 * expires, reason and retry-after */
struct sip_subscription_state {
	struct sv state, reason;
	int64_t expires, retry_after; /* -1: none */
};
int sip_subscription_state_parse(struct sv value, struct sip_subscription_state *s);

/* Privacy (RFC 3323): priv-values separated by ';' ("id", "header", ...);
 * true when value holds the one asked for. */
bool sip_privacy_has(struct sv value, const char *priv);

/* Diversion (RFC 5806): name-addr ;reason=..;counter=N;limit=N;privacy=..;screen=.. */
struct sip_diversion {
	struct sip_name_addr na;
	struct sv reason, privacy, screen;
	int counter; /* 1 when not given (§4.1) */
	int limit;   /* -1: none */
};
int sip_diversion_parse(struct sv elem, struct sip_diversion *d);

/* History-Info (RFC 7044 §4.1): name-addr ;index=1.1.2 [;rc=|;mp=|;np=idx];
 * the Reason of a retargeting travels escaped in the URI's headers. */
enum sip_hi_tag { SIP_HI_NONE, SIP_HI_RC, SIP_HI_MP, SIP_HI_NP };
struct sip_history_info {
	struct sip_name_addr na;
	struct sv index;      /* "1.1.2" */
	unsigned depth;	      /* number of levels in index: 3 for "1.1.2" */
	enum sip_hi_tag tag;  /* how the target was reached */
	struct sv tag_index;  /* the index the rc/mp/np parameter names (may be empty) */
	struct sv reason;     /* the URI header Reason, still escaped; empty when none */
};
int sip_history_info_parse(struct sv elem, struct sip_history_info *h);

/* Refer-To (RFC 3515 §2.1): name-addr whose URI may carry an escaped
 * Replaces header (RFC 3891 §7, attended transfer). */
struct sip_refer_to {
	struct sip_name_addr na;
	bool has_replaces;
	struct sip_replaces replaces; /* views into rbuf, after unescaping */
};
/* rbuf receives the unescaped Replaces value and must outlive r. */
int sip_refer_to_parse(struct sv value, struct sip_refer_to *r, char *rbuf, size_t rbuf_size);

/* Referred-By (RFC 3892): name-addr [;cid=".."] */
struct sip_referred_by {
	struct sip_name_addr na;
	struct sv cid;
};
int sip_referred_by_parse(struct sv value, struct sip_referred_by *r);

/* Timestamp (§20.38): 1*DIGIT ["." *DIGIT] [LWS delay], the same form for
 * the delay.  Views, and the values in microseconds. */
struct sip_timestamp {
	struct sv value, delay; /* delay empty when none */
	uint64_t value_us, delay_us;
};
int sip_timestamp_parse(struct sv value, struct sip_timestamp *t);

/* Retry-After (§20.33): delta-seconds [comment] *(;duration=N / ;param) */
struct sip_retry_after {
	uint32_t seconds;
	struct sv comment; /* without the parentheses; empty when none */
	int64_t duration;  /* -1: none */
};
int sip_retry_after_parse(struct sv value, struct sip_retry_after *r);

/* Content-Type (§20.15, RFC 2045): type/subtype *(;param); boundary for
 * multipart types. */
struct sip_content_type {
	struct sv type, subtype, params, boundary;
};
int sip_content_type_parse(struct sv value, struct sip_content_type *ct);
/* Is it type/subtype (case-insensitive)? */
bool sip_content_type_is(const struct sip_content_type *ct, const char *type, const char *subtype);

/* Multipart bodies (RFC 2046 §5.1, RFC 5621): walk the parts of body
 * delimited by boundary.  Each part's headers (MIME, CRLF-separated) and
 * content are views into the body. */
struct sip_body_part {
	struct sv headers;	/* the part's header block, without the blank line */
	struct sv content_type; /* the part's Content-Type value; empty: text/plain (RFC 2046 §5.1) */
	struct sv content;	/* the part's bytes */
};
struct sip_multipart {
	struct sv body, boundary;
	size_t pos;
	bool started, done;
};
void sip_multipart_init(struct sip_multipart *mp, struct sv body, struct sv boundary);
/* 1 with the next part, 0 after the last (the close delimiter seen), or
 * -EBADMSG when the body does not follow the syntax (no delimiter, a part
 * without the blank line after its headers, no close delimiter). */
int sip_multipart_next(struct sip_multipart *mp, struct sip_body_part *part);
/* The first part of type type/subtype in a multipart body (for an INVITE
 * with SDP and ISUP, RFC 3204): 1 found, 0 not, -EBADMSG. */
int sip_multipart_find(struct sv body, struct sv boundary, const char *type, const char *subtype,
		       struct sip_body_part *part);

#endif
