/* call.h: call control, the gateway's back-to-back user agent.
 *
 * A call is two legs under one state machine (gw/call.c): a SIP dialog
 * (sip/ua.c) and an ISDN call on a span (isdn/, through gw/pri.c), or an
 * ISDN call and a test line.  Events from either side drive it:
 *
 *   SIP -> ISDN   INVITE, source check (trunk address or [sip] allow,
 *                 else 403), dial plan, SETUP on a B-channel of the rule's
 *                 span group (hunting skips spans down or full: 503 with
 *                 Reason cause 34/38), ALERTING -> 180 (183 with SDP when
 *                 in-band), PROGRESS in-band -> 183 with SDP, CONNECT ->
 *                 200 with SDP, DISCONNECT/RELEASE -> the mapped status
 *                 (RFC 3398) with Reason: Q.850, BYE/CANCEL -> DISCONNECT.
 *   ISDN -> SIP   SETUP, dial plan (source: the span's group), INVITE to
 *                 the rule's trunk, 180 -> ALERTING, 183 with SDP ->
 *                 PROGRESS with in-band info, 2xx -> CONNECT, failure ->
 *                 DISCONNECT with the mapped cause (or the Reason's).
 *   ISDN -> test  SETUP for a test line: CONNECT and the line's audio
 *   line          (echo, milliwatt, DTMF readback), or busy (17) and
 *                 congestion (34).
 *
 * Media: the RTP session of a SIP leg runs in the media worker of the
 * span whose B-channel it is bridged to (gw/media.c), started when the
 * channel is chosen.  Each call keeps a ladder (SIP and Q.931 messages in
 * time order) and ends in a CDR; `sipgwctl show calls`, `show calls
 * --recent`, `show call ID` and `hangup ID` read and drive it. */
#ifndef SGW_GW_CALL_H
#define SGW_GW_CALL_H

#include "gw/dialplan.h"
#include "isdn/group.h"
#include "isdn/isdn.h"
#include "sip/ua.h"

#include <stdbool.h>
#include <stdint.h>

struct loop;
struct gw_cc;
struct gw_pri;
struct gw_media;
struct gw_cdr_writer;
struct gw_cause_map;
struct number_ctx;
struct ctl_request;
struct ctl_out;

enum gw_redirect_hdr { GW_REDIRECT_DIVERSION, GW_REDIRECT_HISTORY_INFO, GW_REDIRECT_BOTH };

#define GW_MAX_CODECS 6 /* every codec of dsp/codec.h */

struct gw_cc_trunk {
	const char *name;
	const char *uri;	/* where calls to it go */
	const char *from_user;	/* our user toward it when the number is withheld */
	bool trusted;		/* P-Asserted-Identity taken from it and sent to it */
	unsigned max_calls, max_cps; /* 0: no limit */
	bool dtmf_inband;	/* line digits stay in the audio (else RFC 4733 when agreed) */
	bool dtmf_info;		/* line digits go as SIP INFO (application/dtmf-relay) */
	bool overlap;		/* RFC 3578: ISDN overlap digits go on as INVITEs with more digits */
	enum gw_redirect_hdr redirect_hdr; /* how a redirecting number goes to the trunk */
	const char *tls_name;	/* requests count as the trunk's only over TLS with this certificate name */
	uint8_t codecs[GW_MAX_CODECS]; /* enum dsp_codec_id, in order; none: [sip] codecs */
	size_t ncodecs;
	int g729_annexb;	/* G.729 annex B: 1 yes, 0 no, -1 as gw_cc_config's */
	int t38;		/* T.38 fax: 1 yes, 0 no, -1 as gw_cc_config's */
};

struct gw_cc_config {
	const struct dialplan *dp;
	const char *media_addr;	  /* our RTP address, "127.0.0.1" */
	uint16_t rtp_port_min, rtp_port_max;
	const char *sip_host;	  /* host of our From/Contact URIs toward trunks */
	struct gw_cdr_writer *cdr; /* NULL: no records */
	const struct gw_cc_trunk *trunks;
	size_t ntrunks;
	unsigned recent;	  /* ended calls kept for `show calls --recent` */
	unsigned overlap_timeout_ms; /* overlap receiving: inter-digit timer, 0: 5 s */
	unsigned no_answer_ms;	     /* a call not answered this long after its setup ends (cause 19); 0: never */
	unsigned rtp_timeout_ms;     /* no RTP this long (not held): the call ends; 0: never */
	const struct gw_cause_map *causes; /* overrides of RFC 3398; NULL: none */
	const struct number_ctx *numctx;   /* numbering context ([general] country_code...); NULL: none */
	uint8_t codecs[GW_MAX_CODECS];	   /* [sip] codecs (enum dsp_codec_id); none: the line's law first */
	size_t ncodecs;
	bool g729_annexb;		   /* [sip] g729_annexb */
	bool t38;			   /* [sip] t38: fax relayed as T.38 */
};

int gw_cc_new(struct loop *loop, const struct gw_cc_config *cfg, struct gw_cc **out);
/* Ends every call (SIP: BYE/CANCEL; ISDN: cause 41) and frees. */
void gw_cc_free(struct gw_cc *cc);
void gw_cc_set_ua(struct gw_cc *cc, struct sip_ua *ua);
/* A reloaded configuration: new dial plan, trunks and addresses (calls
 * up keep going); the allowed networks are cleared for gw_cc_allow. */
void gw_cc_set_config(struct gw_cc *cc, const struct gw_cc_config *cfg);
/* Networks whose SIP requests are served ("127.0.0.1", "10.0.0.0/8",
 * "::1", "fd00::/8"); a trunk's literal address is always trusted.
 * -EINVAL when spec does not parse. */
int gw_cc_allow(struct gw_cc *cc, const char *spec);
/* Does spec parse as such a network?  0 or -EINVAL (for the validator). */
int gw_net_check(const char *spec);
/* A span whose calls this controls; group: its span group's name. */
/* The bridge for SIP to SIP calls (gw_media_new_bridge): pairs calls at
 * once; without one such routes are refused (503, cause 34). */
int gw_cc_set_bridge(struct gw_cc *cc, struct gw_media *bridge, unsigned pairs);
int gw_cc_add_span(struct gw_cc *cc, int num, struct gw_pri *pri, struct gw_media *media,
		   const char *group, enum isdn_hunt hunt);

/* The SIP user agent's callbacks (arg: the gw_cc). */
extern const struct sip_ua_ops gw_cc_ua_ops;
/* An ISDN event on a span added with gw_cc_add_span. */
void gw_cc_isdn_event(struct gw_cc *cc, struct gw_pri *pri, struct isdn_call *call,
		      const struct isdn_event *ev);

struct gw_cc_stats {
	uint64_t calls, answered, failed, refused_source, active;
};
void gw_cc_stats(const struct gw_cc *cc, struct gw_cc_stats *st);

/* Control commands (arg: the gw_cc). */
void gw_cc_cmd_show_calls(const struct ctl_request *req, struct ctl_out *out, void *arg);
void gw_cc_cmd_show_call(const struct ctl_request *req, struct ctl_out *out, void *arg);
void gw_cc_cmd_hangup(const struct ctl_request *req, struct ctl_out *out, void *arg);
/* originate GROUP NUMBER [echo|milliwatt|dtmf]: a test line calls NUMBER. */
void gw_cc_cmd_originate(const struct ctl_request *req, struct ctl_out *out, void *arg);
/* Counters and the post-dial delay the gateway adds (INVITE in to SETUP out). */
void gw_cc_cmd_call_stats(const struct ctl_request *req, struct ctl_out *out, void *arg);

#endif
