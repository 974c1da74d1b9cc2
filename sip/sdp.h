/* sdp.h: session descriptions (RFC 8866, which replaced RFC 4566), parsed
 * into views of the body and printed back.
 *
 * Every line type is read (v o s i u e p c b t r z k a m); what the gateway
 * acts on is typed (origin, connection, media with port, protocol and
 * formats, rtpmap/fmtp/ptime/maxptime, direction, rtcp, rtcp-mux); every
 * attribute, known or not (crypto, fingerprint, setup, T.38, ICE, ...),
 * is kept in order, byte-exact, so nothing is lost on the way through.
 * Fixed capacities, no allocation; exceeding one is an error that says so. */
#ifndef SGW_SIP_SDP_H
#define SGW_SIP_SDP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/strview.h"

#define SDP_MAX_MEDIA 8
#define SDP_MAX_FMTS 32
#define SDP_MAX_ATTRS 64
#define SDP_MAX_OTHER 24

enum sdp_dir { SDP_DIR_NONE, SDP_DIR_SENDRECV, SDP_DIR_SENDONLY, SDP_DIR_RECVONLY,
	       SDP_DIR_INACTIVE };

extern const char *const sdp_dir_names[];

struct sdp_line {
	char type; /* 'i', 'b', 'k', ... */
	struct sv value;
};

struct sdp_attr {
	struct sv name;	 /* "rtpmap" */
	struct sv value; /* "8 PCMA/8000", empty for flags */
	bool has_value;
};

struct sdp_conn {
	bool set;
	struct sv nettype, addrtype, addr; /* "IN" "IP4" "192.0.2.1" (TTL/count kept in addr) */
};

struct sdp_media {
	struct sv type;	 /* audio, video, image, ... */
	uint16_t port;
	uint16_t nports; /* 1 unless "port/n" */
	struct sv proto; /* RTP/AVP, RTP/SAVP, udptl, ... */
	struct sv fmts[SDP_MAX_FMTS];
	size_t nfmts;
	struct sdp_conn conn;
	struct sdp_attr attrs[SDP_MAX_ATTRS];
	size_t nattrs;
	struct sdp_line other[SDP_MAX_OTHER]; /* i= b= k= of the media, in order */
	size_t nother;
	enum sdp_dir dir; /* NONE: not given here (the session's applies) */
	int ptime, maxptime; /* 0: none */
	bool rtcp_mux;
	uint16_t rtcp_port; /* a=rtcp, 0: none */
};

struct sdp_session {
	int version;
	struct sv origin_user, sess_id, sess_version, origin_nettype, origin_addrtype,
		origin_addr;
	struct sv name;
	struct sdp_conn conn;
	struct sv timing; /* "0 0" */
	struct sdp_line other[SDP_MAX_OTHER]; /* i u e p b r z k, in order */
	size_t nother;
	struct sdp_attr attrs[SDP_MAX_ATTRS];
	size_t nattrs;
	enum sdp_dir dir;
	struct sdp_media media[SDP_MAX_MEDIA];
	size_t nmedia;
};

struct sdp_error {
	unsigned line;
	char msg[120];
};

/* 0, or -EBADMSG with err->line and err->msg ("m= line: bad port"). */
int sdp_parse(struct sdp_session *s, const char *buf, size_t len, struct sdp_error *err);
/* The description back as text (CRLF line ends); needed length, or -ENOSPC. */
int sdp_print(const struct sdp_session *s, char *buf, size_t size);

const struct sdp_attr *sdp_attr_find(const struct sdp_attr *attrs, size_t n, const char *name,
				     const struct sdp_attr *prev);
/* rtpmap of payload type pt: encoding name, clock rate, channels (1 when
 * not given); false when the media has none for pt. */
bool sdp_media_rtpmap(const struct sdp_media *m, unsigned pt, struct sv *encoding,
		      unsigned *clock, unsigned *channels);
struct sv sdp_media_fmtp(const struct sdp_media *m, unsigned pt, bool *found);
/* The direction that applies to m (its own, else the session's, else
 * sendrecv), with RFC 3264 §8.4's old hold form (c= 0.0.0.0) as sendonly. */
enum sdp_dir sdp_media_direction(const struct sdp_session *s, const struct sdp_media *m);

/* a=crypto (RFC 4568 §9.1): tag suite key-params [session-params].  The
 * first key-param's inline: key is split into key|lifetime|MKI:length. */
struct sdp_crypto {
	unsigned tag;
	struct sv suite, key_params, session_params;
	struct sv key;	    /* the base64 key||salt after "inline:" */
	struct sv lifetime; /* "2^20" or empty */
	struct sv mki;	    /* "1:4" or empty */
};
int sdp_crypto_parse(struct sv value, struct sdp_crypto *c);

/* a=fingerprint (RFC 8122 §5): hash-func fingerprint ("sha-256 AB:CD:..") */
struct sdp_fingerprint {
	struct sv hash, value;
};
int sdp_fingerprint_parse(struct sv value, struct sdp_fingerprint *f);

/* a=setup (RFC 4145 §4): the media's own, else the session's. */
enum sdp_setup { SDP_SETUP_NONE, SDP_SETUP_ACTIVE, SDP_SETUP_PASSIVE, SDP_SETUP_ACTPASS,
		 SDP_SETUP_HOLDCONN, SDP_SETUP_INVALID };
enum sdp_setup sdp_media_setup(const struct sdp_session *s, const struct sdp_media *m);

/* T.38 over UDPTL (ITU-T T.38 Annex D, RFC 3362): the attributes of an
 * "m=image PORT udptl t38" stream, defaults where absent. */
struct sdp_t38 {
	unsigned version;	/* T38FaxVersion, 0 */
	unsigned max_bitrate;	/* T38MaxBitRate, 0: not given */
	struct sv rate_management; /* "transferredTCF" (default) or "localTCF" */
	unsigned max_buffer;	/* T38FaxMaxBuffer, 0: not given */
	unsigned max_datagram;	/* T38FaxMaxDatagram, 0: not given */
	struct sv udp_ec;	/* "t38UDPRedundancy", "t38UDPFEC", "t38UDPNoEC" or empty */
	bool fill_bit_removal, transcoding_mmr, transcoding_jbig;
};
/* 0, or -EBADMSG when an attribute's value is not a number where one is due. */
int sdp_media_t38(const struct sdp_media *m, struct sdp_t38 *t);
bool sdp_media_is_t38(const struct sdp_media *m);

/* RFC 3264 §8 and RFC 8866 §5.2: a description whose o= names the same
 * session with the same version as before is unchanged, and a re-offer
 * like that needs no new negotiation. */
bool sdp_same_version(const struct sdp_session *prev, const struct sdp_session *cur);

#endif
