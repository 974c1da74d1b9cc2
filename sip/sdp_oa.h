/* sdp_oa.h: the offer/answer model (RFC 3264) for the gateway's audio.
 *
 * sdp_answer_build answers an offer from local preferences:
 *  - per audio stream, the first local codec (in our order) that the offer
 *    has, under the offerer's payload type number (§6.1: the answer uses the
 *    offer's numbers); telephone-event (RFC 4733) added with the offerer's
 *    number and the events both sides know;
 *  - direction mirrored (§6.1: sendonly -> recvonly, recvonly -> sendonly,
 *    inactive stays), the old c=0.0.0.0 hold read as sendonly;
 *  - SRTP by the local policy (per trunk): off takes plain RTP only (an
 *    RTP/SAVP stream is refused); optional takes RTP/SAVP, and RTP/AVP with
 *    or without a=crypto (best effort: crypto answered when offered);
 *    mandatory takes only streams with a crypto suite we have a key for.
 *    The suite is the first offered one we have a key for, same tag, our
 *    key (RFC 4568 §5.1.2); none: the stream is refused;
 *  - a stream we cannot take (video, no common codec, no crypto) gets port 0
 *    and keeps its place (§6: the answer has as many m-lines as the offer);
 *  - an image/udptl/t38 stream (fax) accepted when l->t38, with the lower
 *    of the two bit rates, the offered rate management, redundancy as
 *    error correction unless the offer wants none (T.38 Annex D);
 *  - rtcp-mux accepted when offered and wanted (RFC 5761 §5.1.1), ptime
 *    taken from the offer.
 * The answer's text parts live in the offer's buffer or in scratch. */
#ifndef SGW_SIP_SDP_OA_H
#define SGW_SIP_SDP_OA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sip/sdp.h"

struct sdp_codec {
	const char *name; /* "PCMA", as in rtpmap, case-insensitive */
	unsigned clock;	  /* 8000 */
	unsigned channels;
	int static_pt; /* RFC 3551 number, or -1 for dynamic ones */
	const char *fmtp; /* what we put in our offer's fmtp ("annexb=no"), or NULL */
};

/* SRTP policy of a trunk: off (RTP/AVP, no crypto), optional (RTP/AVP with
 * a=crypto offered, best effort), mandatory (RTP/SAVP). */
enum sdp_srtp_policy { SDP_SRTP_OFF, SDP_SRTP_OPTIONAL, SDP_SRTP_MANDATORY };
extern const char *const sdp_srtp_policy_names[];

/* The SDES suites, in our order of preference. */
#define SDP_SRTP_SUITES 4
extern const char *const sdp_srtp_suites[SDP_SRTP_SUITES];

struct sdp_local {
	const char *user;     /* o= username */
	uint64_t sess_id, sess_version;
	const char *addrtype; /* "IP4" or "IP6" */
	const char *addr;
	uint16_t audio_port;
	const struct sdp_codec *codecs; /* in our order of preference */
	size_t ncodecs;
	bool telephone_event;	/* offer to carry RFC 4733 digits */
	bool rtcp_mux;
	enum sdp_srtp_policy srtp;
	/* our inline keys (base64 of key||salt) per suite of sdp_srtp_suites;
	 * NULL: that suite is neither offered nor accepted */
	const char *srtp_keys[SDP_SRTP_SUITES];
	/* older form: one AES_CM_128_HMAC_SHA1_80 key, and srtp off means
	 * mandatory (RTP/SAVP) */
	const char *srtp_key;
	unsigned ptime;		/* when the offer has none, default 20 */
	/* T.38 fax relay (UDPTL): accepted in answers and offered on request */
	bool t38;
	uint16_t t38_port;
	unsigned t38_max_bitrate;  /* 14400 when 0 */
	unsigned t38_max_datagram; /* what our UDPTL receiver takes; 400 when 0 */
};

/* CLEARMODE/8000 (RFC 4040): 64 kbit/s clear channel, the octets of an
 * ISDN unrestricted digital call as they are, 160 to 20 ms; a dynamic
 * payload type. */
extern const struct sdp_codec sdp_clearmode;
/* A data call's offer: its first audio stream (with a port) offers
 * CLEARMODE and no other format but telephone-event (RFC 4040 §3: a
 * caller that wants the clear channel offers it alone). */
bool sdp_offer_is_clearmode(const struct sdp_session *offer);

/* G.729 annex B (VAD, comfort noise; RFC 4856): what a G.729 fmtp says
 * of annexb, yes when it does not say. */
bool sdp_fmtp_annexb(struct sv fmtp);

/* What was agreed for the audio stream. */
struct sdp_negotiated {
	bool audio;			/* an audio stream was accepted */
	const struct sdp_codec *codec;
	unsigned pt;			/* its payload type (the offerer's number) */
	bool vad;			/* G.729 annex B agreed: silence suppressed both ways */
	int te_pt;			/* telephone-event payload type, -1: none */
	enum sdp_dir dir;		/* what we do: from our side */
	struct sv remote_addr;		/* where to send (the offer's c=) */
	uint16_t remote_port, remote_rtcp_port;
	bool rtcp_mux;
	unsigned ptime;
	struct sv crypto_suite, remote_key; /* SRTP: the suite and the peer's key; empty for RTP */
	unsigned crypto_tag;
	const char *local_key;	/* our key for that suite (one of sdp_local's) */
	/* T.38: an image stream was agreed (a fax switched over by re-INVITE) */
	bool t38;
	struct sdp_t38 t38p; /* what both sides use: the lower bit rate, the peer's datagram size */
	struct sv t38_addr;
	uint16_t t38_port;
};

/* What an offer of ours carries. */
enum sdp_offer_kind {
	SDP_OFFER_AUDIO, /* one audio stream with every local codec, events, crypto */
	SDP_OFFER_T38,	 /* switch to fax: the audio stream refused, an image stream */
};
/* Build our offer; dir is what we want (SENDONLY to hold, SENDRECV to
 * resume).  The caller raises l->sess_version for every new offer that
 * differs from the one before (RFC 3264 §8). */
int sdp_offer_build(const struct sdp_local *l, enum sdp_offer_kind kind, enum sdp_dir dir,
		    struct sdp_session *offer, char *scratch, size_t scratch_size,
		    struct sdp_error *err);
/* Read the answer to our offer (RFC 3264 §7): the same number of streams,
 * formats only from those offered, our direction mirrored from theirs.
 * 0 with neg filled, or -EPROTO with err saying what is wrong with it. */
int sdp_answer_process(const struct sdp_session *offer, const struct sdp_session *answer,
		       const struct sdp_local *l, struct sdp_negotiated *neg,
		       struct sdp_error *err);

int sdp_answer_build(const struct sdp_session *offer, const struct sdp_local *local,
		     struct sdp_session *answer, char *scratch, size_t scratch_size,
		     struct sdp_negotiated *neg, struct sdp_error *err);

/* Is this an SRTP suite we support (AES_CM_128_HMAC_SHA1_80/_32,
 * AEAD_AES_128_GCM, AEAD_AES_256_GCM)? */
bool sdp_crypto_suite_supported(struct sv suite);
/* -1, or the policy named (off, optional, mandatory) */
int sdp_srtp_policy_from_name(const char *name);

#endif
