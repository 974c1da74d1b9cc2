/* auth.h: SIP digest authentication (RFC 3261 §22, RFC 7616 computation,
 * RFC 8760 for SHA-256 in SIP).
 *
 * Client: compute the response to a 401/407 challenge with qop=auth, a
 * fresh cnonce and a nonce count that rises per nonce.
 * Server: issue nonces that carry their own time and a MAC (no table to
 * fill), accept a response only with a fresh nonce, a nonce count higher
 * than any seen for that nonce (no replay), and a constant-time match;
 * tell "stale" apart from "wrong" so a good client just retries; and lock a
 * source out after repeated failures.
 *
 * Parsing and formatting of the header fields is the message layer's; this
 * module works on the parameter values. */
#ifndef SGW_SIP_AUTH_H
#define SGW_SIP_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct clock;

enum sip_digest_alg {
	SIP_DIGEST_MD5,
	SIP_DIGEST_SHA256,
};

#define SIP_DIGEST_HEX_MAX 65 /* SHA-256 in hex + NUL */

/* What a response covers (RFC 7616 §3.4.1); qop NULL for the old RFC 2069
 * form without cnonce and nc. */
struct sip_digest_params {
	enum sip_digest_alg alg;
	const char *username;
	const char *realm;
	const char *nonce;
	const char *uri;
	const char *method;
	const char *qop; /* "auth" or NULL */
	const char *cnonce;
	uint32_t nc;
};

/* response = KD(H(A1), nonce:nc:cnonce:qop:H(A2)) in lower-case hex. */
int sip_digest_response(const struct sip_digest_params *p, const char *password,
			char out[SIP_DIGEST_HEX_MAX]);
/* The same from a stored H(username:realm:password) instead of the password. */
int sip_digest_response_ha1(const struct sip_digest_params *p, const char *ha1_hex,
			    char out[SIP_DIGEST_HEX_MAX]);
int sip_digest_ha1(enum sip_digest_alg alg, const char *user, const char *realm,
		   const char *password, char out[SIP_DIGEST_HEX_MAX]);
const char *sip_digest_alg_name(enum sip_digest_alg alg); /* "MD5", "SHA-256" */
int sip_digest_alg_from_name(const char *name); /* -1 when unknown */

/* Constant-time comparison of two strings of the same length. */
bool sip_auth_equal(const char *a, const char *b);

/* ---- client ---------------------------------------------------------------- */

/* Remembers the last nonce so the count rises across requests (RFC 7616 §3.4). */
struct sip_digest_client {
	char nonce[256];
	uint32_t nc;
};

/* Fill p->cnonce (into cnonce_buf) and p->nc for the next request under
 * p->nonce, and compute the response.  Then the Authorization value. */
int sip_digest_client_answer(struct sip_digest_client *c, struct sip_digest_params *p,
			     const char *password, char cnonce_buf[33],
			     char response[SIP_DIGEST_HEX_MAX]);
/* Digest username="...", realm="...", nonce="...", uri="...", response="...",
 * algorithm=..., cnonce="...", qop=auth, nc=00000001[, opaque="..."] */
int sip_digest_authorization_format(const struct sip_digest_params *p, const char *response,
				    const char *opaque, char *buf, size_t size);

/* ---- server ---------------------------------------------------------------- */

enum sip_auth_verdict {
	SIP_AUTH_OK,
	SIP_AUTH_WRONG,	  /* bad response: challenge again (and count a failure) */
	SIP_AUTH_STALE,	  /* right credentials, old nonce: challenge with stale=true */
	SIP_AUTH_REPLAY,  /* a nonce count already used */
	SIP_AUTH_BAD_NONCE, /* not one of ours, or tampered */
	SIP_AUTH_LOCKED,  /* this source failed too often: refuse without checking */
};

extern const char *const sip_auth_verdict_names[];

struct sip_auth_server_opts {
	const char *realm;
	uint32_t nonce_lifetime_s; /* default 300 */
	uint32_t max_failures;	   /* per source within the window, default 5 */
	uint32_t failure_window_s; /* default 60 */
	uint32_t lockout_s;	   /* default 300 */
};

struct sip_auth_server;

int sip_auth_server_new(struct clock *clock, const struct sip_auth_server_opts *opts,
			struct sip_auth_server **out);
void sip_auth_server_free(struct sip_auth_server *s);
/* The value of a WWW-Authenticate / Proxy-Authenticate header. */
int sip_auth_server_challenge(struct sip_auth_server *s, enum sip_digest_alg alg, bool stale,
			      char *buf, size_t size);
/* Check a response from source (an address as text) for a user whose
 * password (or, with is_ha1, stored H(A1)) is known.  response is the
 * value the client sent.  Counts failures per source. */
enum sip_auth_verdict sip_auth_server_check(struct sip_auth_server *s, const char *source,
					    const struct sip_digest_params *p,
					    const char *response, const char *secret,
					    bool is_ha1);
bool sip_auth_server_locked(struct sip_auth_server *s, const char *source);

#endif
