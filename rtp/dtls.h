/* dtls.h: DTLS-SRTP (RFC 5763, RFC 5764) with GnuTLS: the handshake on the
 * media port that gives SRTP its keys, authenticated by the certificate
 * fingerprints exchanged in SDP (a=fingerprint, a=setup).
 *
 * The gateway has one self-signed certificate (ECDSA P-256) made at start;
 * its SHA-256 fingerprint goes into every SDP offer and answer that uses
 * DTLS-SRTP.  Each call's handshake (struct rtp_dtls) runs as client
 * (a=setup:active) or server (passive), sends through the owner's callback
 * and is fed the DTLS records the owner receives (RFC 7983: first byte
 * 20-63).  A peer whose certificate does not have the fingerprint its SDP
 * announced is refused.  GnuTLS 3.7 negotiates only the AES_CM profiles
 * (SRTP_AES128_CM_HMAC_SHA1_80 and _32); GCM stays an SDES-only suite. */
#ifndef SGW_RTP_DTLS_H
#define SGW_RTP_DTLS_H

#include "rtp/srtp.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct loop;
struct rtp_dtls_cert;
struct rtp_dtls;

int rtp_dtls_cert_new(struct rtp_dtls_cert **out);
void rtp_dtls_cert_free(struct rtp_dtls_cert *c);
/* "AB:CD:..." (SHA-256 of the DER certificate), for a=fingerprint:sha-256 */
const char *rtp_dtls_cert_fingerprint(const struct rtp_dtls_cert *c);

struct rtp_dtls_ops {
	int (*send)(void *arg, const uint8_t *buf, size_t len);
	/* status 0: keys for SRTP (ours to send with, the peer's); else a
	 * negative errno (-EPERM: wrong fingerprint, -ECONNREFUSED: failed) */
	void (*done)(void *arg, int status, enum rtp_srtp_suite suite, const uint8_t *tx_key,
		     const uint8_t *rx_key);
};

int rtp_dtls_new(struct loop *loop, const struct rtp_dtls_cert *cert, bool client,
		 const char *peer_fingerprint, const struct rtp_dtls_ops *ops, void *arg,
		 struct rtp_dtls **out);
void rtp_dtls_free(struct rtp_dtls *d);
/* A DTLS record arrived on the media port. */
void rtp_dtls_input(struct rtp_dtls *d, const uint8_t *buf, size_t len);
bool rtp_dtls_done(const struct rtp_dtls *d);

/* RFC 7983 demultiplexing: is this datagram DTLS? */
static inline bool rtp_is_dtls(const uint8_t *buf, size_t len)
{
	return len >= 13 && buf[0] >= 20 && buf[0] <= 63;
}

#endif
