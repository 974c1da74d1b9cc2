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

#endif
