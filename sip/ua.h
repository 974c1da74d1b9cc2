/* ua.h: the SIP user-agent core (RFC 3261 §8, §12 to §17) that the
 * gateway's back-to-back user agent and sipgw-ua sit on.
 *
 * It owns the transports, the transaction table and the dialogs.  Messages
 * arrive from the transport, are parsed (a malformed request is answered
 * 400/505/416 from its raw headers), matched to a transaction (§17.1.3,
 * §17.2.3) or a dialog (§12.2.2: 481 when there is none), and handed to
 * the transaction user through struct sip_ua_ops as call events.
 *
 * A call is one INVITE dialog usage, UAC or UAS:
 *  - UAC: INVITE, answering 401/407 once per challenge (again when stale),
 *    PRACK for reliable provisionals (RFC 3262), ACK for the 2xx (and again
 *    for every 2xx retransmission), CANCEL while early, BYE with Reason.
 *  - UAS: 100 Trying from the transaction, 18x (reliable when both sides
 *    support 100rel, retransmitted until PRACK), 2xx retransmitted until
 *    the ACK (§13.3.1.4; no ACK in 64*T1: BYE), CANCEL -> 200 + 487.
 *  - both: re-INVITE and UPDATE (RFC 3311) carrying offers, 491 when one is
 *    already in progress and a retry after the RFC 3261 §14.1 wait when we
 *    get 491; session timers (RFC 4028) with refresh by UPDATE (re-INVITE
 *    when the peer does not allow UPDATE) and BYE when the session expires;
 *    route sets from Record-Route and target refresh from Contact.
 * Out of dialog: OPTIONS answered with Allow/Accept/Supported; INVITEs
 * challenged when a user is configured; INVITE floods refused per source;
 * transactions and dialogs capped, with 503 and Retry-After beyond the cap.
 * Registration (RFC 3261 §10) through sip_reg.  A request outside a
 * dialog to a host name is sent after RFC 3263 resolution (sip/dns.c); a
 * timeout or 503 from one target moves it to the next. */
#ifndef SGW_SIP_UA_H
#define SGW_SIP_UA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/strview.h"
#include "sip/probe.h"
#include "sip/reg.h"
#include "sip/session_timer.h"
#include "sip/transport.h"
#include "sip/tsx.h"

struct loop;
struct sip_msg;
struct sip_ua;
struct sip_call;

struct sip_ua_opts {
	const char *user_agent;	  /* User-Agent / Server, default "sipgw" */
	const char *contact_user; /* the user part of our Contact, default "sipgw" */
	struct sip_tsx_timers timers;
	size_t max_transactions; /* default 10000 */
	size_t max_dialogs;	 /* default 2000 */
	uint32_t retry_after_s;	 /* in the 503 at a cap, default 5 */
	/* incoming requests: challenged when auth_user is set (INVITE, BYE
	 * excepted: RFC 3261 §22.1 lets it pass to not strand calls) */
	const char *auth_realm, *auth_user, *auth_password;
	/* challenges carry SHA-256 first, then MD5 (RFC 8760 §2.4); peers that
	 * only read the first one (sipp) need MD5 first */
	bool auth_md5_first;
	/* session timers (RFC 4028); session_expires 0: not used */
	struct sip_st_config st;
	bool use_100rel;     /* offer/send reliable provisionals */
	bool require_100rel; /* UAC: Require: 100rel */
	/* INVITEs per second and burst from one source; 0: no limit */
	double invite_rate;
	double invite_burst;
	/* out-of-dialog requests go here when set ("udp:127.0.0.1:5060") */
	const char *outbound_proxy;
	/* DNS servers for RFC 3263 lookups of host names ("127.0.0.1:53");
	 * NULL: /etc/resolv.conf */
	const char *dns_servers;
	struct sip_transport_opts transport;
	/* trace every message sent and received at LOGL_DEBUG */
	bool trace;
	/* the clock of transactions and dialog timers; NULL: the loop's (tests
	 * pass a fake one to run timers A to M and session timers instantly) */
	struct clock *clock;
};

/* What a UAC needs to answer challenges. */
struct sip_credentials {
	const char *user, *password;
};

struct sip_ua_ops {
	/* UAS: a new INVITE.  The TU calls sip_call_ring/answer/reject, now or
	 * later.  body is the offer (may be empty). */
	void (*incoming)(void *arg, struct sip_call *c, const struct sip_msg *invite, struct sv body);
	/* UAC: a provisional response (body: early media answer, may be empty) */
	void (*progress)(void *arg, struct sip_call *c, int status, struct sv body);
	/* UAC: the 2xx (body: the answer); UAS: the ACK arrived (body: the
	 * answer if the offer was in our 2xx) */
	void (*answered)(void *arg, struct sip_call *c, struct sv body);
	/* A re-INVITE or UPDATE from the peer with an offer: write the answer
	 * into ans and return its length, or < 0 to refuse it (488).  Optional:
	 * without it the last local SDP is repeated. */
	int (*reoffer)(void *arg, struct sip_call *c, struct sv offer, char *ans, size_t size);
	/* Our re-INVITE or UPDATE ended: its final status and the answer */
	void (*reoffer_done)(void *arg, struct sip_call *c, int status, struct sv body);
	/* The call is over: the final status of a failed INVITE (or 487 when
	 * cancelled, 408 on timeout), or 0 when it ended by BYE; why says who
	 * ended it.  The call is released after this returns. */
	void (*ended)(void *arg, struct sip_call *c, int status, const char *why);
	/* An INFO in the dialog (RFC 6086), answered 200 already: its
	 * Content-Type and body (DTMF as application/dtmf-relay, say).
	 * Optional. */
	void (*info)(void *arg, struct sip_call *c, struct sv content_type, struct sv body);
	/* A registration changed state (sip_ua_register) */
	void (*registration)(void *arg, const char *aor, enum sip_reg_state state, int status);
};

int sip_ua_new(struct loop *loop, const struct sip_ua_opts *opts, const struct sip_ua_ops *ops,
	       void *arg, struct sip_ua **out);
/* Release everything; calls still up are dropped without signalling
 * (call sip_ua_shutdown first for a clean end). */
void sip_ua_free(struct sip_ua *ua);
/* "udp:127.0.0.1:5070", "tcp:[::1]:5070", "tls:127.0.0.1:5071" */
int sip_ua_listen(struct sip_ua *ua, const char *spec, char *err, size_t errlen);
/* BYE every confirmed call, CANCEL/refuse early ones, unregister. */
void sip_ua_shutdown(struct sip_ua *ua);
/* Calls and registrations still active (shutdown is done at 0). */
size_t sip_ua_active(const struct sip_ua *ua);

/* Register aor's contact with the registrar at registrar_uri (sip: or
 * sips:), refreshing until sip_ua_shutdown. */
int sip_ua_register(struct sip_ua *ua, const char *registrar_uri, const char *aor,
		    const struct sip_credentials *cred, uint32_t expires, struct sip_call **out);
/* A registration's state, the last final status (0: none yet) and the
 * seconds until it must be refreshed (-1: not registered). */
void sip_ua_reg_info(const struct sip_call *reg, enum sip_reg_state *state, int *last_status,
		     int64_t *expires_in_s);

/* Send OPTIONS to uri every interval_s (RFC 3261 §11) and keep its up/down
 * state (sip/probe.h); stopped by sip_ua_shutdown. */
int sip_ua_probe(struct sip_ua *ua, const char *uri, const char *from_uri, uint32_t interval_s,
		 struct sip_call **out);
/* 0 unknown, 1 up, 2 down (enum sip_probe_state), and the last status. */
int sip_ua_probe_info(const struct sip_call *probe, int *last_status);

/* UAC: call to_uri from from_uri with an offer (empty: offerless INVITE). */
int sip_call_invite(struct sip_ua *ua, const char *to_uri, const char *from_uri, struct sv sdp,
		    const struct sip_credentials *cred, struct sip_call **out);
/* The same with header lines of the caller's ("Name: value\r\n" each:
 * P-Asserted-Identity, Privacy, Diversion...). */
int sip_call_invite_hdrs(struct sip_ua *ua, const char *to_uri, const char *from_uri, struct sv sdp,
			 const struct sip_credentials *cred, const char *headers, struct sip_call **out);
/* What makes a later INVITE part of the same call (RFC 3578 overlap: more
 * digits after a 484): its Call-ID, our From tag, the last CSeq used. */
struct sip_call_ids {
	char call_id[128];
	char local_tag[48];
	uint32_t cseq;
};
void sip_call_get_ids(const struct sip_call *c, struct sip_call_ids *ids);
/* sip_call_invite_hdrs in the call ids names (NULL: a new call). */
int sip_call_invite_ids(struct sip_ua *ua, const char *to_uri, const char *from_uri, struct sv sdp,
			const struct sip_credentials *cred, const char *headers, const struct sip_call_ids *ids,
			struct sip_call **out);
/* UAS: 180/183 (sdp: early media answer, may be empty); reliable when we
 * and the peer do 100rel. */
int sip_call_ring(struct sip_call *c, int status, struct sv sdp);
/* UAS: 200 with the answer (or the offer, for an offerless INVITE). */
int sip_call_answer(struct sip_call *c, struct sv sdp);
/* UAS: a final failure; reason: a Reason header value or NULL. */
int sip_call_reject(struct sip_call *c, int status, const char *reason);
/* The same with a Contact (3xx: where to call instead, RFC 3261 §8.3). */
int sip_call_reject_contact(struct sip_call *c, int status, const char *reason, const char *contact);
/* End the call whatever its state: CANCEL (UAC early), a 480/487-style
 * reject (UAS early: status from reason or 487), BYE with Reason when
 * confirmed. */
int sip_call_hangup(struct sip_call *c, const char *reason);
/* A new offer in the dialog: re-INVITE, or UPDATE (RFC 3311). */
int sip_call_reinvite(struct sip_call *c, struct sv sdp);
int sip_call_update(struct sip_call *c, struct sv sdp);
/* INFO in a confirmed dialog (RFC 6086), e.g. application/dtmf-relay: sent
 * in order, one transaction at a time; a 481 or 408 ends the call. */
int sip_call_info(struct sip_call *c, const char *content_type, struct sv body);

void sip_call_set_user(struct sip_call *c, void *user);
void *sip_call_user(const struct sip_call *c);
const char *sip_call_id(const struct sip_call *c);
/* The Q.850 cause of the peer's Reason header (RFC 6432) in its final
 * response or BYE; 0: none. */
int sip_call_q850(const struct sip_call *c);
/* In the incoming callback: did the INVITE come over TLS from a client
 * whose verified certificate carries name (subject CN or a DNS
 * subjectAltName, case-insensitive)? */
bool sip_call_tls_name(const struct sip_call *c, const char *name);
/* UAS: where the peer's INVITE came from, and over what. */
const struct sip_addr *sip_call_peer(const struct sip_call *c, enum sip_proto *proto);
bool sip_call_confirmed(const struct sip_call *c);
/* The session timer agreed on the dialog (0: none) and who refreshes. */
uint32_t sip_call_session_expires(const struct sip_call *c, enum sip_refresher *refresher,
				  bool *we_refresh);

struct sip_ua_stats {
	uint64_t rx_requests, rx_responses, tx_requests, tx_responses;
	uint64_t rx_bad;		/* malformed messages */
	uint64_t retransmissions_absorbed;
	uint64_t rejected_cap, rejected_rate, rejected_auth, no_dialog_481;
	size_t transactions, dialogs;
	uint64_t calls_in, calls_out, calls_answered;
};
void sip_ua_stats(const struct sip_ua *ua, struct sip_ua_stats *out);
struct sip_transport *sip_ua_transport(struct sip_ua *ua);

#endif
