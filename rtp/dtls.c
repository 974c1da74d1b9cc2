/* dtls.c: DTLS-SRTP through GnuTLS, see dtls.h. */
#include "config.h"

#include "rtp/dtls.h"
#include "lib/log.h"
#include "lib/loop.h"
#include "lib/mem.h"

#include <errno.h>
#include <gnutls/crypto.h>
#include <gnutls/dtls.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define FP_LEN 32
#define MTU 1200

struct rtp_dtls_cert {
	gnutls_certificate_credentials_t cred;
	char fingerprint[FP_LEN * 3];
};

struct rtp_dtls {
	struct loop *loop;
	gnutls_session_t s;
	bool client, finished, failed;
	char peer_fp[FP_LEN * 3];
	const struct rtp_dtls_ops *ops;
	void *arg;
	struct timer timer;
	/* the one record gnutls may read now */
	const uint8_t *in;
	size_t in_len;
};

static void fp_text(const uint8_t *d, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		sprintf(out + 3 * i, "%02X%s", d[i], i + 1 < n ? ":" : "");
}

int rtp_dtls_cert_new(struct rtp_dtls_cert **out)
{
	struct rtp_dtls_cert *c = mem_zalloc(sizeof(*c));
	gnutls_x509_privkey_t key = NULL;
	gnutls_x509_crt_t crt = NULL;
	uint8_t serial[8], fp[FP_LEN];
	size_t fpn = sizeof(fp);
	time_t now = time(NULL);
	int rc = -EIO;

	if (!c)
		return -ENOMEM;
	gnutls_rnd(GNUTLS_RND_NONCE, serial, sizeof(serial));
	serial[0] &= 0x7f;
	if (gnutls_x509_privkey_init(&key) < 0 ||
	    gnutls_x509_privkey_generate(key, GNUTLS_PK_ECDSA,
					 GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1), 0) < 0 ||
	    gnutls_x509_crt_init(&crt) < 0)
		goto out;
	gnutls_x509_crt_set_version(crt, 3);
	gnutls_x509_crt_set_serial(crt, serial, sizeof(serial));
	gnutls_x509_crt_set_activation_time(crt, now - 86400);
	gnutls_x509_crt_set_expiration_time(crt, now + 30 * 86400);
	gnutls_x509_crt_set_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 0, "sipgw", 5);
	gnutls_x509_crt_set_key(crt, key);
	if (gnutls_x509_crt_sign2(crt, crt, key, GNUTLS_DIG_SHA256, 0) < 0 ||
	    gnutls_x509_crt_get_fingerprint(crt, GNUTLS_DIG_SHA256, fp, &fpn) < 0 ||
	    gnutls_certificate_allocate_credentials(&c->cred) < 0 ||
	    gnutls_certificate_set_x509_key(c->cred, &crt, 1, key) < 0)
		goto out;
	fp_text(fp, fpn, c->fingerprint);
	rc = 0;
out:
	if (crt)
		gnutls_x509_crt_deinit(crt);
	if (key)
		gnutls_x509_privkey_deinit(key);
	if (rc < 0) {
		rtp_dtls_cert_free(c);
		return rc;
	}
	*out = c;
	return 0;
}

void rtp_dtls_cert_free(struct rtp_dtls_cert *c)
{
	if (!c)
		return;
	if (c->cred)
		gnutls_certificate_free_credentials(c->cred);
	mem_free(c);
}

const char *rtp_dtls_cert_fingerprint(const struct rtp_dtls_cert *c)
{
	return c->fingerprint;
}

/* ---- the handshake -------------------------------------------------------------- */

static ssize_t push(gnutls_transport_ptr_t p, const void *buf, size_t len)
{
	struct rtp_dtls *d = p;
	int rc = d->ops->send(d->arg, buf, len);

	if (rc < 0) {
		gnutls_transport_set_errno(d->s, -rc);
		return -1;
	}
	return (ssize_t)len;
}

static ssize_t pull(gnutls_transport_ptr_t p, void *buf, size_t size)
{
	struct rtp_dtls *d = p;
	size_t n = d->in_len;

	if (!d->in) {
		gnutls_transport_set_errno(d->s, EAGAIN);
		return -1;
	}
	if (n > size)
		n = size;
	memcpy(buf, d->in, n);
	d->in = NULL;
	d->in_len = 0;
	return (ssize_t)n;
}

static int pull_timeout(gnutls_transport_ptr_t p, unsigned ms)
{
	(void)ms;
	return ((struct rtp_dtls *)p)->in ? 1 : 0;
}

static void fail(struct rtp_dtls *d, int status, const char *why)
{
	d->failed = true;
	loop_timer_stop(d->loop, &d->timer);
	LOGP(LOGC_RTP, LOGL_NOTICE, "DTLS-SRTP: %s", why);
	d->ops->done(d->arg, status, RTP_SRTP_AES_CM_128_HMAC_SHA1_80, NULL, NULL);
}

/* the handshake is through: check the peer, export the keys */
static void finish(struct rtp_dtls *d)
{
	const gnutls_datum_t *peer;
	unsigned n = 0;
	uint8_t fp[FP_LEN], km[2 * RTP_SRTP_MAX_KEY], tx[RTP_SRTP_MAX_KEY], rx[RTP_SRTP_MAX_KEY];
	size_t fpn = sizeof(fp);
	char text[FP_LEN * 3];
	gnutls_datum_t ck, cs, sk, ss;
	gnutls_srtp_profile_t prof;
	enum rtp_srtp_suite suite;

	d->finished = true;
	loop_timer_stop(d->loop, &d->timer);
	peer = gnutls_certificate_get_peers(d->s, &n);
	if (!peer || !n || gnutls_fingerprint(GNUTLS_DIG_SHA256, &peer[0], fp, &fpn) < 0) {
		fail(d, -EPERM, "the peer sent no certificate");
		return;
	}
	fp_text(fp, fpn, text);
	if (strcasecmp(text, d->peer_fp) != 0) {
		fail(d, -EPERM, "the peer's certificate does not have the fingerprint of its SDP");
		return;
	}
	if (gnutls_srtp_get_selected_profile(d->s, &prof) < 0 ||
	    gnutls_srtp_get_keys(d->s, km, sizeof(km), &ck, &cs, &sk, &ss) < 0) {
		fail(d, -ECONNREFUSED, "no SRTP profile agreed");
		return;
	}
	suite = prof == GNUTLS_SRTP_AES128_CM_HMAC_SHA1_32 ? RTP_SRTP_AES_CM_128_HMAC_SHA1_32
							    : RTP_SRTP_AES_CM_128_HMAC_SHA1_80;
	/* RFC 5764 §4.2: the client sends with the client write key */
	memcpy(d->client ? tx : rx, ck.data, ck.size);
	memcpy((d->client ? tx : rx) + ck.size, cs.data, cs.size);
	memcpy(d->client ? rx : tx, sk.data, sk.size);
	memcpy((d->client ? rx : tx) + sk.size, ss.data, ss.size);
	d->ops->done(d->arg, 0, suite, tx, rx);
	memset(km, 0, sizeof(km));
	memset(tx, 0, sizeof(tx));
	memset(rx, 0, sizeof(rx));
}

static void step(struct rtp_dtls *d)
{
	int rc;

	if (d->finished || d->failed)
		return;
	rc = gnutls_handshake(d->s);
	if (rc == 0) {
		finish(d);
		return;
	}
	if (gnutls_error_is_fatal(rc)) {
		char why[160];

		snprintf(why, sizeof(why), "handshake failed: %s", gnutls_strerror(rc));
		fail(d, -ECONNREFUSED, why);
		return;
	}
	/* retransmission when the flight is lost */
	loop_timer_start_ms(d->loop, &d->timer, gnutls_dtls_get_timeout(d->s));
}

static void on_timer(struct timer *t, void *arg)
{
	(void)t;
	step(arg);
}

int rtp_dtls_new(struct loop *loop, const struct rtp_dtls_cert *cert, bool client,
		 const char *peer_fingerprint, const struct rtp_dtls_ops *ops, void *arg,
		 struct rtp_dtls **out)
{
	struct rtp_dtls *d;

	if (!peer_fingerprint || strlen(peer_fingerprint) != FP_LEN * 3 - 1)
		return -EINVAL;
	if (!(d = mem_zalloc(sizeof(*d))))
		return -ENOMEM;
	d->loop = loop;
	d->client = client;
	d->ops = ops;
	d->arg = arg;
	snprintf(d->peer_fp, sizeof(d->peer_fp), "%s", peer_fingerprint);
	timer_setup(&d->timer, on_timer, d);
	if (gnutls_init(&d->s, GNUTLS_DATAGRAM | GNUTLS_NONBLOCK |
				       (client ? GNUTLS_CLIENT : GNUTLS_SERVER)) < 0) {
		mem_free(d);
		return -ENOMEM;
	}
	if (gnutls_set_default_priority(d->s) < 0 ||
	    gnutls_credentials_set(d->s, GNUTLS_CRD_CERTIFICATE, cert->cred) < 0 ||
	    gnutls_srtp_set_profile_direct(d->s, "SRTP_AES128_CM_HMAC_SHA1_80:SRTP_AES128_CM_HMAC_SHA1_32",
					   NULL) < 0) {
		rtp_dtls_free(d);
		return -EINVAL;
	}
	if (!client)
		gnutls_certificate_server_set_request(d->s, GNUTLS_CERT_REQUIRE);
	gnutls_dtls_set_mtu(d->s, MTU);
	gnutls_transport_set_ptr(d->s, d);
	gnutls_transport_set_push_function(d->s, push);
	gnutls_transport_set_pull_function(d->s, pull);
	gnutls_transport_set_pull_timeout_function(d->s, pull_timeout);
	*out = d;
	if (client)
		step(d); /* ClientHello */
	return 0;
}

void rtp_dtls_free(struct rtp_dtls *d)
{
	if (!d)
		return;
	loop_timer_stop(d->loop, &d->timer);
	gnutls_deinit(d->s);
	mem_free(d);
}

void rtp_dtls_input(struct rtp_dtls *d, const uint8_t *buf, size_t len)
{
	uint8_t sink[256];

	if (d->failed)
		return;
	d->in = buf;
	d->in_len = len;
	if (d->finished)
		/* the peer retransmits its flight because ours was lost: GnuTLS
		 * answers it with our last flight again */
		(void)gnutls_record_recv(d->s, sink, sizeof(sink));
	else
		step(d);
	d->in = NULL;
	d->in_len = 0;
}

bool rtp_dtls_done(const struct rtp_dtls *d)
{
	return d->finished && !d->failed;
}
