/* srtp.h: SRTP and SRTCP (RFC 3711, RFC 7714) for one RTP session through
 * libsrtp2, with the keys of SDP Security Descriptions (RFC 4568 a=crypto)
 * or of a DTLS-SRTP handshake (rtp/dtls.h).
 *
 * A session has an outbound context (our key) and an inbound one (the
 * peer's).  Protection works in place and needs RTP_SRTP_TRAILER spare
 * bytes after the packet.  Unprotect rejects a packet whose tag does not
 * verify (-EBADMSG) and one it has already seen (-EALREADY: libsrtp2's
 * replay window).  Re-keying (a re-INVITE with new a=crypto) is a new
 * rtp_srtp_start with the new keys. */
#ifndef SGW_RTP_SRTP_H
#define SGW_RTP_SRTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RTP_SRTP_TRAILER 148 /* libsrtp2's SRTP_MAX_TRAILER_LEN, and SRTCP's index */
#define RTP_SRTP_MAX_KEY 46  /* master key + salt, the longest suite */

enum rtp_srtp_suite {
	RTP_SRTP_AES_CM_128_HMAC_SHA1_80,
	RTP_SRTP_AES_CM_128_HMAC_SHA1_32,
	RTP_SRTP_AEAD_AES_128_GCM,
	RTP_SRTP_AEAD_AES_256_GCM,
	RTP_SRTP_SUITES
};

extern const char *const rtp_srtp_suite_names[RTP_SRTP_SUITES];
/* Whose AES and HMAC libsrtp2 runs on: "nettle" (ours, rtp/srtp_crypto.c),
 * "nss" (libsrtp2's own, if ours failed a check), or "mixed". */
const char *rtp_srtp_backend(void);
/* For srtp.c: put our primitives in (rtp/srtp_crypto.c); the backend name. */
const char *rtp_srtp_crypto_install(void);
/* -1 when unknown */
int rtp_srtp_suite_from_name(const char *name, size_t len);
/* master key + master salt bytes of a suite */
size_t rtp_srtp_key_len(enum rtp_srtp_suite suite);

struct rtp_srtp {
	bool on;
	enum rtp_srtp_suite suite;
	void *tx, *rx; /* srtp_t */
	uint64_t auth_fail, replay_fail;
};

/* Keys are master key || master salt, rtp_srtp_key_len bytes. */
int rtp_srtp_start(struct rtp_srtp *s, enum rtp_srtp_suite suite, const uint8_t *tx_key,
		   const uint8_t *rx_key);
void rtp_srtp_stop(struct rtp_srtp *s);
/* In place; *len grows by the tag.  size: the buffer's size. */
int rtp_srtp_protect(struct rtp_srtp *s, uint8_t *buf, size_t *len, size_t size);
int rtp_srtp_unprotect(struct rtp_srtp *s, uint8_t *buf, size_t *len);
int rtp_srtp_protect_rtcp(struct rtp_srtp *s, uint8_t *buf, size_t *len, size_t size);
int rtp_srtp_unprotect_rtcp(struct rtp_srtp *s, uint8_t *buf, size_t *len);

/* SDES: a fresh random key for a suite; its "inline:" form (base64 of
 * key||salt, RFC 4568 §6.1) and back (lifetime and MKI after '|' are
 * accepted and ignored; the key must have the suite's length). */
int rtp_srtp_random_key(enum rtp_srtp_suite suite, uint8_t *key);
int rtp_srtp_key_to_inline(enum rtp_srtp_suite suite, const uint8_t *key, char *out, size_t size);
int rtp_srtp_key_from_inline(enum rtp_srtp_suite suite, const char *params, size_t len,
			     uint8_t *key);

#endif
