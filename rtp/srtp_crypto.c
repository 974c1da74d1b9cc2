/* srtp_crypto.c: libsrtp2's AES-ICM-128, AES-GCM-128/256 and HMAC-SHA1 on
 * nettle, installed in place of the NSS ones Debian's libsrtp2 is built
 * with.  libsrtp2 keeps doing SRTP itself (key derivation, packet index,
 * replay window, SRTCP); only the block cipher and MAC calls change.
 *
 * Why: the NSS backend opens an NSS context for every cipher and MAC it
 * allocates (four per SRTP session) and works through softoken handles per
 * packet; its cost per packet grows with the number of live sessions
 * (bench_rtp: 5 us per protect+unprotect with one session, 23 us with
 * 400).  Here a context is plain memory: an AES key schedule, a counter,
 * a GCM table or two HMAC states.
 *
 * libsrtp2 checks a replacement before taking it: against our known
 * answers (made here with GnuTLS as the reference) and against the test
 * vectors of the type it replaces (RFC 3711, RFC 7714, RFC 2202).  If any
 * check fails the NSS type stays, and rtp_srtp_backend() says so. */
#include "config.h"

#include "rtp/srtp.h"
#include "lib/log.h"

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <nettle/aes.h>
#include <nettle/gcm.h>
#include <nettle/hmac.h>
#include <nettle/memops.h>
#include <srtp2/auth.h>
#include <srtp2/cipher.h>
#include <srtp2/srtp.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define ICM_BATCH 32	/* keystream blocks made per AES call */
#define MAX_AAD 512

/* key material is wiped before the memory goes back */
static void wipe_free(void *state, size_t size, void *outer)
{
	if (state) {
		memset(state, 0, size);
		free(state);
	}
	free(outer);
}

/* ---- AES-ICM-128 (RFC 3711 §4.1.1) ------------------------------------------------ */

struct icm {
	struct aes128_ctx aes;
	uint8_t offset[16]; /* the salt, its last two bytes zero */
	uint8_t ctr[16];
	uint8_t ks[16];
	unsigned ks_left;   /* keystream bytes of ks not used yet */
};

extern const srtp_cipher_type_t sgw_icm128;

static srtp_err_status_t x_icm_alloc(srtp_cipher_pointer_t *c, int key_len, int tlen)
{
	(void)tlen;
	if (key_len != SRTP_AES_ICM_128_KEY_LEN_WSALT)
		return srtp_err_status_bad_param;
	if (!(*c = calloc(1, sizeof(**c))) || !((*c)->state = calloc(1, sizeof(struct icm)))) {
		free(*c);
		*c = NULL;
		return srtp_err_status_alloc_fail;
	}
	(*c)->type = &sgw_icm128;
	(*c)->algorithm = SRTP_AES_ICM_128;
	(*c)->key_len = key_len;
	return srtp_err_status_ok;
}

static srtp_err_status_t x_icm_dealloc(srtp_cipher_pointer_t c)
{
	wipe_free(c->state, sizeof(struct icm), c);
	return srtp_err_status_ok;
}

static srtp_err_status_t x_icm_init(void *st, const uint8_t *key)
{
	struct icm *c = st;

	aes128_set_encrypt_key(&c->aes, key);
	memset(c->offset, 0, sizeof(c->offset));
	memcpy(c->offset, key + SRTP_AES_128_KEY_LEN, SRTP_SALT_LEN);
	memcpy(c->ctr, c->offset, 16);
	c->ks_left = 0;
	return srtp_err_status_ok;
}

static srtp_err_status_t x_icm_set_iv(void *st, uint8_t *iv, srtp_cipher_direction_t dir)
{
	struct icm *c = st;

	(void)dir;
	for (int i = 0; i < 16; i++)
		c->ctr[i] = c->offset[i] ^ iv[i];
	c->ks_left = 0;
	return srtp_err_status_ok;
}

/* the counter's low 16 bits count blocks (libsrtp2's and RFC 3711's) */
static void x_icm_next(struct icm *c)
{
	if (++c->ctr[15] == 0)
		c->ctr[14]++;
}

static srtp_err_status_t x_icm_crypt(void *st, uint8_t *buf, unsigned int *len)
{
	struct icm *c = st;
	uint8_t blocks[ICM_BATCH * 16];
	unsigned n = *len, i = 0;

	/* what is left of the last block first */
	while (c->ks_left && i < n)
		buf[i++] ^= c->ks[16 - c->ks_left--];
	while (i < n) {
		unsigned nb = (n - i + 15) / 16;

		if (nb > ICM_BATCH)
			nb = ICM_BATCH;
		for (unsigned b = 0; b < nb; b++) {
			memcpy(blocks + 16 * b, c->ctr, 16);
			x_icm_next(c);
		}
		aes128_encrypt(&c->aes, 16 * nb, blocks, blocks);
		for (unsigned k = 0; k < 16 * nb; k++) {
			if (i < n) {
				buf[i++] ^= blocks[k];
			} else {
				/* the rest of the last block waits for the next call */
				c->ks_left = 16 * nb - k;
				memcpy(c->ks + 16 - c->ks_left, blocks + k, c->ks_left);
				break;
			}
		}
	}
	return srtp_err_status_ok;
}

/* ---- AES-GCM (RFC 7714) -------------------------------------------------------------- */

struct gcm {
	bool big; /* AES-256 */
	union {
		struct gcm_aes128_ctx a128;
		struct gcm_aes256_ctx a256;
	} u;
	uint8_t iv[12];
	uint8_t aad[MAX_AAD];
	size_t aad_len;
	uint8_t tag[16];
	unsigned tag_size;
};

extern const srtp_cipher_type_t sgw_gcm128, sgw_gcm256;

static srtp_err_status_t x_gcm_alloc(srtp_cipher_pointer_t *c, int key_len, int tlen)
{
	struct gcm *g;

	if ((key_len != SRTP_AES_GCM_128_KEY_LEN_WSALT && key_len != SRTP_AES_GCM_256_KEY_LEN_WSALT) ||
	    (tlen != 16 && tlen != 8))
		return srtp_err_status_bad_param;
	if (!(*c = calloc(1, sizeof(**c))) || !(g = calloc(1, sizeof(*g)))) {
		free(*c);
		*c = NULL;
		return srtp_err_status_alloc_fail;
	}
	g->big = key_len == SRTP_AES_GCM_256_KEY_LEN_WSALT;
	g->tag_size = (unsigned)tlen;
	(*c)->state = g;
	(*c)->type = g->big ? &sgw_gcm256 : &sgw_gcm128;
	(*c)->algorithm = g->big ? SRTP_AES_GCM_256 : SRTP_AES_GCM_128;
	(*c)->key_len = key_len;
	return srtp_err_status_ok;
}

static srtp_err_status_t x_gcm_dealloc(srtp_cipher_pointer_t c)
{
	wipe_free(c->state, sizeof(struct gcm), c);
	return srtp_err_status_ok;
}

static srtp_err_status_t x_gcm_init(void *st, const uint8_t *key)
{
	struct gcm *g = st;

	if (g->big)
		gcm_aes256_set_key(&g->u.a256, key);
	else
		gcm_aes128_set_key(&g->u.a128, key);
	g->aad_len = 0;
	return srtp_err_status_ok;
}

static srtp_err_status_t x_gcm_set_iv(void *st, uint8_t *iv, srtp_cipher_direction_t dir)
{
	struct gcm *g = st;

	if (dir != srtp_direction_encrypt && dir != srtp_direction_decrypt)
		return srtp_err_status_bad_param;
	memcpy(g->iv, iv, 12);
	return srtp_err_status_ok;
}

static srtp_err_status_t x_gcm_set_aad(void *st, const uint8_t *aad, uint32_t len)
{
	struct gcm *g = st;

	if (g->aad_len + len > MAX_AAD)
		return srtp_err_status_bad_param;
	memcpy(g->aad + g->aad_len, aad, len);
	g->aad_len += len;
	return srtp_err_status_ok;
}

/* IV and AAD into the GCM state; the AAD is used up */
static void x_gcm_begin(struct gcm *g)
{
	if (g->big) {
		gcm_aes256_set_iv(&g->u.a256, 12, g->iv);
		gcm_aes256_update(&g->u.a256, g->aad_len, g->aad);
	} else {
		gcm_aes128_set_iv(&g->u.a128, 12, g->iv);
		gcm_aes128_update(&g->u.a128, g->aad_len, g->aad);
	}
	g->aad_len = 0;
}

static void x_gcm_tag(struct gcm *g, uint8_t *out)
{
	if (g->big)
		gcm_aes256_digest(&g->u.a256, g->tag_size, out);
	else
		gcm_aes128_digest(&g->u.a128, g->tag_size, out);
}

static srtp_err_status_t x_gcm_encrypt(void *st, uint8_t *buf, unsigned int *len)
{
	struct gcm *g = st;

	if (!buf && *len)
		return srtp_err_status_bad_param;
	x_gcm_begin(g);
	if (*len) {
		if (g->big)
			gcm_aes256_encrypt(&g->u.a256, *len, buf, buf);
		else
			gcm_aes128_encrypt(&g->u.a128, *len, buf, buf);
	}
	x_gcm_tag(g, g->tag);
	return srtp_err_status_ok;
}

static srtp_err_status_t x_gcm_get_tag(void *st, uint8_t *out, uint32_t *len)
{
	struct gcm *g = st;

	memcpy(out, g->tag, g->tag_size);
	*len = g->tag_size;
	return srtp_err_status_ok;
}

/* buf holds ciphertext and tag; on success *len is the plaintext's */
static srtp_err_status_t x_gcm_decrypt(void *st, uint8_t *buf, unsigned int *len)
{
	struct gcm *g = st;
	uint8_t tag[16];
	unsigned n;

	if (*len < g->tag_size) {
		g->aad_len = 0;
		return srtp_err_status_bad_param;
	}
	n = *len - g->tag_size;
	x_gcm_begin(g);
	if (n) {
		if (g->big)
			gcm_aes256_decrypt(&g->u.a256, n, buf, buf);
		else
			gcm_aes128_decrypt(&g->u.a128, n, buf, buf);
	}
	x_gcm_tag(g, tag);
	if (!memeql_sec(tag, buf + n, g->tag_size))
		return srtp_err_status_auth_fail;
	*len = n;
	return srtp_err_status_ok;
}

/* ---- HMAC-SHA1 (RFC 2104) -------------------------------------------------------------- */

struct hm {
	struct hmac_sha1_ctx keyed, ctx;
};

extern const srtp_auth_type_t sgw_hmac;

static srtp_err_status_t x_hmac_alloc(srtp_auth_pointer_t *a, int key_len, int out_len)
{
	if (out_len > SHA1_DIGEST_SIZE || key_len < 0)
		return srtp_err_status_bad_param;
	if (!(*a = calloc(1, sizeof(**a))) || !((*a)->state = calloc(1, sizeof(struct hm)))) {
		free(*a);
		*a = NULL;
		return srtp_err_status_alloc_fail;
	}
	(*a)->type = &sgw_hmac;
	(*a)->out_len = out_len;
	(*a)->key_len = key_len;
	(*a)->prefix_len = 0;
	return srtp_err_status_ok;
}

static srtp_err_status_t x_hmac_dealloc(srtp_auth_pointer_t a)
{
	wipe_free(a->state, sizeof(struct hm), a);
	return srtp_err_status_ok;
}

static srtp_err_status_t x_hmac_init(void *st, const uint8_t *key, int key_len)
{
	struct hm *h = st;

	hmac_sha1_set_key(&h->keyed, (size_t)key_len, key);
	h->ctx = h->keyed;
	return srtp_err_status_ok;
}

static srtp_err_status_t x_hmac_start(void *st)
{
	struct hm *h = st;

	h->ctx = h->keyed;
	return srtp_err_status_ok;
}

static srtp_err_status_t x_hmac_update(void *st, const uint8_t *buf, int n)
{
	hmac_sha1_update(&((struct hm *)st)->ctx, (size_t)n, buf);
	return srtp_err_status_ok;
}

static srtp_err_status_t x_hmac_compute(void *st, const uint8_t *buf, int n, int tag_len, uint8_t *out)
{
	struct hm *h = st;
	uint8_t d[SHA1_DIGEST_SIZE];

	if (tag_len < 0 || tag_len > SHA1_DIGEST_SIZE)
		return srtp_err_status_bad_param;
	hmac_sha1_update(&h->ctx, (size_t)n, buf);
	hmac_sha1_digest(&h->ctx, sizeof(d), d);
	memcpy(out, d, (size_t)tag_len);
	h->ctx = h->keyed;
	return srtp_err_status_ok;
}

/* ---- known answers, made with GnuTLS ---------------------------------------------------- */

static uint8_t icm_key[30], icm_iv[16], icm_pt[48], icm_ct[48];
static uint8_t gcm_key[2][44], gcm_iv[12], gcm_aad[20], gcm_pt[2][40], gcm_ct[2][56];
static uint8_t hm_key[20], hm_data[50], hm_tag[20];
static srtp_cipher_test_case_t icm_case, gcm_case[2];
static srtp_auth_test_case_t hm_case;

/* one AES block: CBC with a zero IV over a single block is the raw cipher */
static int aes_block(gnutls_cipher_algorithm_t alg, const uint8_t *key, unsigned key_len,
		     const uint8_t *in, uint8_t *out)
{
	uint8_t zero[16] = {0};
	gnutls_datum_t k = {(unsigned char *)key, key_len}, iv = {zero, 16};
	gnutls_cipher_hd_t h;
	int rc;

	if (gnutls_cipher_init(&h, alg, &k, &iv) < 0)
		return -1;
	rc = gnutls_cipher_encrypt2(h, in, 16, out, 16);
	gnutls_cipher_deinit(h);
	return rc;
}

static int make_answers(void)
{
	uint8_t ctr[16], ks[16];

	/* ICM: 3 blocks of keystream over a random plaintext */
	gnutls_rnd(GNUTLS_RND_NONCE, icm_key, sizeof(icm_key));
	gnutls_rnd(GNUTLS_RND_NONCE, icm_iv, sizeof(icm_iv));
	gnutls_rnd(GNUTLS_RND_NONCE, icm_pt, sizeof(icm_pt));
	icm_iv[14] = icm_iv[15] = 0;
	for (int i = 0; i < 16; i++)
		ctr[i] = (uint8_t)((i < 14 ? icm_key[16 + i] : 0) ^ icm_iv[i]);
	for (int b = 0; b < 3; b++) {
		ctr[15] = (uint8_t)b;
		if (aes_block(GNUTLS_CIPHER_AES_128_CBC, icm_key, 16, ctr, ks) < 0)
			return -1;
		for (int i = 0; i < 16; i++)
			icm_ct[16 * b + i] = icm_pt[16 * b + i] ^ ks[i];
	}
	icm_case = (srtp_cipher_test_case_t){30, icm_key, icm_iv, 48, icm_pt, 48, icm_ct, 0, NULL, 0, NULL};
	/* GCM-128 and -256 with AAD and a 16-byte tag */
	gnutls_rnd(GNUTLS_RND_NONCE, gcm_iv, sizeof(gcm_iv));
	gnutls_rnd(GNUTLS_RND_NONCE, gcm_aad, sizeof(gcm_aad));
	for (int v = 0; v < 2; v++) {
		gnutls_aead_cipher_hd_t h;
		unsigned kl = v ? 32 : 16;
		gnutls_datum_t k = {gcm_key[v], kl};
		size_t out = sizeof(gcm_ct[v]);

		gnutls_rnd(GNUTLS_RND_NONCE, gcm_key[v], sizeof(gcm_key[v]));
		gnutls_rnd(GNUTLS_RND_NONCE, gcm_pt[v], sizeof(gcm_pt[v]));
		if (gnutls_aead_cipher_init(&h, v ? GNUTLS_CIPHER_AES_256_GCM : GNUTLS_CIPHER_AES_128_GCM, &k) < 0)
			return -1;
		if (gnutls_aead_cipher_encrypt(h, gcm_iv, 12, gcm_aad, sizeof(gcm_aad), 16, gcm_pt[v],
					       sizeof(gcm_pt[v]), gcm_ct[v], &out) < 0 ||
		    out != sizeof(gcm_ct[v])) {
			gnutls_aead_cipher_deinit(h);
			return -1;
		}
		gnutls_aead_cipher_deinit(h);
		gcm_case[v] = (srtp_cipher_test_case_t){v ? SRTP_AES_GCM_256_KEY_LEN_WSALT
							 : SRTP_AES_GCM_128_KEY_LEN_WSALT,
							gcm_key[v], gcm_iv, 40, gcm_pt[v], 56, gcm_ct[v],
							(int)sizeof(gcm_aad), gcm_aad, 16, NULL};
	}
	/* HMAC-SHA1 */
	gnutls_rnd(GNUTLS_RND_NONCE, hm_key, sizeof(hm_key));
	gnutls_rnd(GNUTLS_RND_NONCE, hm_data, sizeof(hm_data));
	if (gnutls_hmac_fast(GNUTLS_MAC_SHA1, hm_key, sizeof(hm_key), hm_data, sizeof(hm_data), hm_tag) < 0)
		return -1;
	hm_case = (srtp_auth_test_case_t){20, hm_key, 50, hm_data, 20, hm_tag, NULL};
	return 0;
}

const srtp_cipher_type_t sgw_icm128 = {x_icm_alloc, x_icm_dealloc, x_icm_init, NULL, x_icm_crypt, x_icm_crypt,
				       x_icm_set_iv, NULL, "AES-128 ICM (nettle)", &icm_case,
				       SRTP_AES_ICM_128};
const srtp_cipher_type_t sgw_gcm128 = {x_gcm_alloc, x_gcm_dealloc, x_gcm_init, x_gcm_set_aad, x_gcm_encrypt,
				       x_gcm_decrypt, x_gcm_set_iv, x_gcm_get_tag, "AES-128 GCM (nettle)",
				       &gcm_case[0], SRTP_AES_GCM_128};
const srtp_cipher_type_t sgw_gcm256 = {x_gcm_alloc, x_gcm_dealloc, x_gcm_init, x_gcm_set_aad, x_gcm_encrypt,
				       x_gcm_decrypt, x_gcm_set_iv, x_gcm_get_tag, "AES-256 GCM (nettle)",
				       &gcm_case[1], SRTP_AES_GCM_256};
const srtp_auth_type_t sgw_hmac = {x_hmac_alloc, x_hmac_dealloc, x_hmac_init, x_hmac_compute, x_hmac_update,
				   x_hmac_start, "HMAC-SHA1 (nettle)", &hm_case, SRTP_HMAC_SHA1};

/* After srtp_init(): our types in place of NSS's, each only if it passes. */
const char *rtp_srtp_crypto_install(void)
{
	int ok = 0;

	if (make_answers() < 0) {
		LOGP(LOGC_RTP, LOGL_NOTICE, "SRTP: no known answers; libsrtp2's own crypto stays");
		return "nss";
	}
	ok += srtp_replace_cipher_type(&sgw_icm128, SRTP_AES_ICM_128) == srtp_err_status_ok;
	ok += srtp_replace_cipher_type(&sgw_gcm128, SRTP_AES_GCM_128) == srtp_err_status_ok;
	ok += srtp_replace_cipher_type(&sgw_gcm256, SRTP_AES_GCM_256) == srtp_err_status_ok;
	ok += srtp_replace_auth_type(&sgw_hmac, SRTP_HMAC_SHA1) == srtp_err_status_ok;
	if (ok != 4)
		LOGP(LOGC_RTP, LOGL_WARNING, "SRTP: %d of 4 nettle primitives failed their checks; "
		     "libsrtp2's own serve for those", 4 - ok);
	return ok == 4 ? "nettle" : ok ? "mixed" : "nss";
}
