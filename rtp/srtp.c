/* srtp.c: SRTP through libsrtp2, see srtp.h.
 *
 * libsrtp2 is initialised once per process, and its NSS ciphers replaced
 * by ours on nettle (srtp_crypto.c says why).
 * AES_CM_128_HMAC_SHA1_32 keeps the 80-bit tag for SRTCP (RFC 4568 §6.2.1). */
#include "config.h"

#include "rtp/srtp.h"

#include <errno.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <pthread.h>
#include <srtp2/srtp.h>
#include <string.h>

const char *const rtp_srtp_suite_names[RTP_SRTP_SUITES] = {
	"AES_CM_128_HMAC_SHA1_80", "AES_CM_128_HMAC_SHA1_32", "AEAD_AES_128_GCM",
	"AEAD_AES_256_GCM"};

static const size_t key_lens[RTP_SRTP_SUITES] = {SRTP_AES_ICM_128_KEY_LEN_WSALT,
						 SRTP_AES_ICM_128_KEY_LEN_WSALT,
						 SRTP_AES_GCM_128_KEY_LEN_WSALT,
						 SRTP_AES_GCM_256_KEY_LEN_WSALT};

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int init_status;
static const char *backend = "none";

static void srtp_once(void)
{
	init_status = srtp_init() == srtp_err_status_ok ? 0 : -EIO;
	if (init_status == 0)
		backend = rtp_srtp_crypto_install();
}

const char *rtp_srtp_backend(void)
{
	pthread_once(&once, srtp_once);
	return backend;
}

int rtp_srtp_suite_from_name(const char *name, size_t len)
{
	for (int i = 0; i < RTP_SRTP_SUITES; i++)
		if (strlen(rtp_srtp_suite_names[i]) == len && !strncmp(name, rtp_srtp_suite_names[i], len))
			return i;
	return -1;
}

size_t rtp_srtp_key_len(enum rtp_srtp_suite suite)
{
	return suite < RTP_SRTP_SUITES ? key_lens[suite] : 0;
}

static void policies(enum rtp_srtp_suite suite, srtp_policy_t *p)
{
	switch (suite) {
	case RTP_SRTP_AES_CM_128_HMAC_SHA1_80:
		srtp_crypto_policy_set_rtp_default(&p->rtp);
		srtp_crypto_policy_set_rtcp_default(&p->rtcp);
		break;
	case RTP_SRTP_AES_CM_128_HMAC_SHA1_32:
		srtp_crypto_policy_set_aes_cm_128_hmac_sha1_32(&p->rtp);
		srtp_crypto_policy_set_rtcp_default(&p->rtcp);
		break;
	case RTP_SRTP_AEAD_AES_128_GCM:
		srtp_crypto_policy_set_aes_gcm_128_16_auth(&p->rtp);
		srtp_crypto_policy_set_aes_gcm_128_16_auth(&p->rtcp);
		break;
	default:
		srtp_crypto_policy_set_aes_gcm_256_16_auth(&p->rtp);
		srtp_crypto_policy_set_aes_gcm_256_16_auth(&p->rtcp);
		break;
	}
}

static int make(enum rtp_srtp_suite suite, const uint8_t *key, bool inbound, void **out)
{
	srtp_policy_t p;
	uint8_t k[RTP_SRTP_MAX_KEY];
	srtp_t ctx = NULL;
	srtp_err_status_t st;

	memset(&p, 0, sizeof(p));
	policies(suite, &p);
	memcpy(k, key, key_lens[suite]);
	p.key = k;
	p.ssrc.type = inbound ? ssrc_any_inbound : ssrc_any_outbound;
	p.window_size = 128;
	p.allow_repeat_tx = 0;
	st = srtp_create(&ctx, &p);
	memset(k, 0, sizeof(k));
	if (st != srtp_err_status_ok)
		return -EINVAL;
	*out = ctx;
	return 0;
}

int rtp_srtp_start(struct rtp_srtp *s, enum rtp_srtp_suite suite, const uint8_t *tx_key,
		   const uint8_t *rx_key)
{
	int rc;

	if (suite >= RTP_SRTP_SUITES)
		return -EINVAL;
	pthread_once(&once, srtp_once);
	if (init_status < 0)
		return init_status;
	rtp_srtp_stop(s);
	s->suite = suite;
	if ((rc = make(suite, tx_key, false, &s->tx)) < 0)
		return rc;
	if ((rc = make(suite, rx_key, true, &s->rx)) < 0) {
		srtp_dealloc(s->tx);
		s->tx = NULL;
		return rc;
	}
	s->on = true;
	return 0;
}

void rtp_srtp_stop(struct rtp_srtp *s)
{
	if (s->tx)
		srtp_dealloc(s->tx);
	if (s->rx)
		srtp_dealloc(s->rx);
	s->tx = s->rx = NULL;
	s->on = false;
}

static int verdict(struct rtp_srtp *s, srtp_err_status_t st)
{
	switch (st) {
	case srtp_err_status_ok:
		return 0;
	case srtp_err_status_auth_fail:
		s->auth_fail++;
		return -EBADMSG;
	case srtp_err_status_replay_fail:
	case srtp_err_status_replay_old:
		s->replay_fail++;
		return -EALREADY;
	default:
		return -EINVAL;
	}
}

/* One call into libsrtp2 on a packet in place: protect (with room to grow
 * by `room`) or unprotect, RTP or RTCP. */
static int apply(struct rtp_srtp *s, uint8_t *buf, size_t *len, size_t size, size_t room,
		 srtp_err_status_t (*fn)(srtp_t, void *, int *), void *ctx)
{
	int n = (int)*len;
	int rc;

	if (!s->on || *len + room > size)
		return room ? -ENOSPC : -EINVAL;
	rc = verdict(s, fn(ctx, buf, &n));
	if (!rc)
		*len = (size_t)n;
	return rc;
}

int rtp_srtp_protect(struct rtp_srtp *s, uint8_t *buf, size_t *len, size_t size)
{
	return apply(s, buf, len, size, SRTP_MAX_TRAILER_LEN, srtp_protect, s->tx);
}

int rtp_srtp_unprotect(struct rtp_srtp *s, uint8_t *buf, size_t *len)
{
	return apply(s, buf, len, *len, 0, srtp_unprotect, s->rx);
}

int rtp_srtp_protect_rtcp(struct rtp_srtp *s, uint8_t *buf, size_t *len, size_t size)
{
	return apply(s, buf, len, size, SRTP_MAX_TRAILER_LEN + 4, srtp_protect_rtcp, s->tx);
}

int rtp_srtp_unprotect_rtcp(struct rtp_srtp *s, uint8_t *buf, size_t *len)
{
	return apply(s, buf, len, *len, 0, srtp_unprotect_rtcp, s->rx);
}

/* ---- SDES keys ----------------------------------------------------------------- */

int rtp_srtp_random_key(enum rtp_srtp_suite suite, uint8_t *key)
{
	if (suite >= RTP_SRTP_SUITES)
		return -EINVAL;
	return gnutls_rnd(GNUTLS_RND_KEY, key, key_lens[suite]) == 0 ? 0 : -EIO;
}

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int rtp_srtp_key_to_inline(enum rtp_srtp_suite suite, const uint8_t *key, char *out, size_t size)
{
	size_t n = key_lens[suite], o = 0;

	if (size < 7 + (n + 2) / 3 * 4 + 1)
		return -ENOSPC;
	memcpy(out, "inline:", 7);
	o = 7;
	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)key[i] << 16 | (i + 1 < n ? (uint32_t)key[i + 1] << 8 : 0) |
			     (i + 2 < n ? key[i + 2] : 0);

		out[o++] = b64[v >> 18 & 63];
		out[o++] = b64[v >> 12 & 63];
		out[o++] = i + 1 < n ? b64[v >> 6 & 63] : '=';
		out[o++] = i + 2 < n ? b64[v & 63] : '=';
	}
	out[o] = '\0';
	return (int)o;
}

int rtp_srtp_key_from_inline(enum rtp_srtp_suite suite, const char *params, size_t len,
			     uint8_t *key)
{
	size_t want = key_lens[suite], got = 0, i;
	uint32_t acc = 0;
	int bits = 0;

	if (len < 7 || strncmp(params, "inline:", 7))
		return -EINVAL;
	for (i = 7; i < len && params[i] != '|' && params[i] != '='; i++) {
		const char *p = strchr(b64, params[i]);

		if (!p || !params[i])
			return -EINVAL;
		acc = acc << 6 | (uint32_t)(p - b64);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (got == want)
				return -EINVAL; /* longer than the suite's key */
			key[got++] = (uint8_t)(acc >> bits);
		}
	}
	while (i < len && params[i] == '=')
		i++;
	if (i < len && params[i] != '|')
		return -EINVAL;
	return got == want ? 0 : -EINVAL;
}
