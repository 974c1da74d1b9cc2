/* auth.c: SIP digest authentication, see auth.h.
 *
 * Server nonces (RFC 7616 §3.3 leaves their form to the server): 64 hex
 * characters holding 8 bytes of issue time, 8 random bytes, and 16 bytes of
 * HMAC-SHA-256 over both and the realm under a key made at start.  A nonce
 * proves by itself that we issued it and when; only the nonce counts seen
 * are kept, in a fixed table (the oldest entry makes room), which is what
 * refuses replays.  Failures are counted per source in a fixed hash table;
 * a source over the limit is refused without checking until its lockout
 * ends.  No table grows with the traffic an attacker sends. */
#include "config.h"

#include "sip/auth.h"
#include "lib/clock.h"
#include "lib/log.h"
#include "lib/mem.h"

#include <errno.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const sip_auth_verdict_names[] = {"ok",    "wrong",	    "stale",
					      "replay", "bad nonce", "locked out"};

#define NONCE_BYTES 32
#define NONCE_HEX (2 * NONCE_BYTES)
#define SEEN_SLOTS 1024
#define SOURCE_SLOTS 1024
#define SOURCE_LEN 64

/* ---- hashing ---------------------------------------------------------------- */

static gnutls_digest_algorithm_t gnutls_alg(enum sip_digest_alg alg)
{
	return alg == SIP_DIGEST_SHA256 ? GNUTLS_DIG_SHA256 : GNUTLS_DIG_MD5;
}

static void hex(const unsigned char *in, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * n] = '\0';
}

/* H(parts joined by ':') in hex */
static int hash_join(enum sip_digest_alg alg, const char *const *parts, size_t n,
		     char out[SIP_DIGEST_HEX_MAX])
{
	gnutls_hash_hd_t h;
	unsigned char digest[32];

	if (gnutls_hash_init(&h, gnutls_alg(alg)) < 0)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		if (i)
			gnutls_hash(h, ":", 1);
		gnutls_hash(h, parts[i], strlen(parts[i]));
	}
	gnutls_hash_deinit(h, digest);
	hex(digest, gnutls_hash_get_len(gnutls_alg(alg)), out);
	return 0;
}

const char *sip_digest_alg_name(enum sip_digest_alg alg)
{
	return alg == SIP_DIGEST_SHA256 ? "SHA-256" : "MD5";
}

int sip_digest_alg_from_name(const char *name)
{
	if (!name || !strcasecmp(name, "MD5"))
		return SIP_DIGEST_MD5; /* RFC 3261 §22.4: absent means MD5 */
	if (!strcasecmp(name, "SHA-256"))
		return SIP_DIGEST_SHA256;
	return -1;
}

int sip_digest_ha1(enum sip_digest_alg alg, const char *user, const char *realm,
		   const char *password, char out[SIP_DIGEST_HEX_MAX])
{
	const char *a1[] = {user, realm, password};

	return hash_join(alg, a1, 3, out);
}

int sip_digest_response_ha1(const struct sip_digest_params *p, const char *ha1,
			    char out[SIP_DIGEST_HEX_MAX])
{
	char ha2[SIP_DIGEST_HEX_MAX], nc[9];
	const char *a2[] = {p->method, p->uri};
	int rc = hash_join(p->alg, a2, 2, ha2);

	if (rc < 0)
		return rc;
	if (p->qop) {
		const char *kd[] = {ha1, p->nonce, nc, p->cnonce ? p->cnonce : "", p->qop, ha2};

		snprintf(nc, sizeof(nc), "%08x", p->nc);
		return hash_join(p->alg, kd, 6, out);
	} else {
		const char *kd[] = {ha1, p->nonce, ha2};

		return hash_join(p->alg, kd, 3, out);
	}
}

int sip_digest_response(const struct sip_digest_params *p, const char *password,
			char out[SIP_DIGEST_HEX_MAX])
{
	char ha1[SIP_DIGEST_HEX_MAX];
	int rc = sip_digest_ha1(p->alg, p->username, p->realm, password, ha1);

	return rc < 0 ? rc : sip_digest_response_ha1(p, ha1, out);
}

bool sip_auth_equal(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	unsigned char diff = la != lb;

	/* touch every byte of the expected value whatever the input */
	for (size_t i = 0; i < lb; i++)
		diff |= (unsigned char)(b[i] ^ (i < la ? a[i] : 0));
	return diff == 0;
}

/* ---- client ---------------------------------------------------------------- */

int sip_digest_client_answer(struct sip_digest_client *c, struct sip_digest_params *p,
			     const char *password, char cnonce_buf[33],
			     char response[SIP_DIGEST_HEX_MAX])
{
	unsigned char rnd[16];

	if (strcmp(c->nonce, p->nonce) != 0) {
		snprintf(c->nonce, sizeof(c->nonce), "%s", p->nonce);
		c->nc = 0;
	}
	if (p->qop) {
		if (gnutls_rnd(GNUTLS_RND_NONCE, rnd, sizeof(rnd)) < 0)
			return -EIO;
		hex(rnd, sizeof(rnd), cnonce_buf);
		p->cnonce = cnonce_buf;
		p->nc = ++c->nc;
	}
	return sip_digest_response(p, password, response);
}

/* A quoted-string value: '"' and '\' escaped (RFC 3261 §25.1). */
static int put_quoted(char *buf, size_t size, size_t *n, const char *name, const char *v)
{
	int w = snprintf(buf + *n, size - *n, "%s%s=\"", *n > 7 ? ", " : "", name);

	if (w < 0 || (size_t)w >= size - *n)
		return -ENOSPC;
	*n += (size_t)w;
	for (; *v; v++) {
		if (*v == '\r' || *v == '\n')
			return -EINVAL;
		if (*n + 3 >= size)
			return -ENOSPC;
		if (*v == '"' || *v == '\\')
			buf[(*n)++] = '\\';
		buf[(*n)++] = *v;
	}
	if (*n + 2 >= size)
		return -ENOSPC;
	buf[(*n)++] = '"';
	buf[*n] = '\0';
	return 0;
}

int sip_digest_authorization_format(const struct sip_digest_params *p, const char *response,
				    const char *opaque, char *buf, size_t size)
{
	size_t n = 0;
	int w;

	if (size < 8)
		return -ENOSPC;
	memcpy(buf, "Digest ", 8);
	n = 7;
	if (put_quoted(buf, size, &n, "username", p->username) ||
	    put_quoted(buf, size, &n, "realm", p->realm) ||
	    put_quoted(buf, size, &n, "nonce", p->nonce) || put_quoted(buf, size, &n, "uri", p->uri) ||
	    put_quoted(buf, size, &n, "response", response))
		return -ENOSPC;
	w = snprintf(buf + n, size - n, ", algorithm=%s", sip_digest_alg_name(p->alg));
	if (w < 0 || (size_t)w >= size - n)
		return -ENOSPC;
	n += (size_t)w;
	if (p->qop) {
		if (put_quoted(buf, size, &n, "cnonce", p->cnonce))
			return -ENOSPC;
		w = snprintf(buf + n, size - n, ", qop=%s, nc=%08x", p->qop, p->nc);
		if (w < 0 || (size_t)w >= size - n)
			return -ENOSPC;
		n += (size_t)w;
	}
	if (opaque && put_quoted(buf, size, &n, "opaque", opaque))
		return -ENOSPC;
	return (int)n;
}

/* ---- server ---------------------------------------------------------------- */

struct seen_nonce {
	unsigned char id[8];
	uint32_t max_nc;
	uint64_t used;
	bool used_slot;
};

struct source_entry {
	char key[SOURCE_LEN];
	uint64_t window_start;
	uint64_t locked_until;
	uint32_t failures;
};

struct sip_auth_server {
	struct clock *clock;
	struct sip_auth_server_opts opts;
	char *realm;
	unsigned char key[32];
	struct seen_nonce seen[SEEN_SLOTS];
	struct source_entry sources[SOURCE_SLOTS];
	uint64_t uses;
};

static uint64_t now_s(struct sip_auth_server *s)
{
	return clock_now_ns(s->clock) / 1000000000ull;
}

int sip_auth_server_new(struct clock *clock, const struct sip_auth_server_opts *opts,
			struct sip_auth_server **out)
{
	struct sip_auth_server *s = mem_zalloc(sizeof(*s));

	if (!s)
		return -ENOMEM;
	s->clock = clock;
	s->opts = *opts;
	if (!s->opts.nonce_lifetime_s)
		s->opts.nonce_lifetime_s = 300;
	if (!s->opts.max_failures)
		s->opts.max_failures = 5;
	if (!s->opts.failure_window_s)
		s->opts.failure_window_s = 60;
	if (!s->opts.lockout_s)
		s->opts.lockout_s = 300;
	s->realm = mem_strdup(opts->realm ? opts->realm : "sipgw");
	if (!s->realm || gnutls_rnd(GNUTLS_RND_KEY, s->key, sizeof(s->key)) < 0) {
		sip_auth_server_free(s);
		return -ENOMEM;
	}
	*out = s;
	return 0;
}

void sip_auth_server_free(struct sip_auth_server *s)
{
	if (!s)
		return;
	mem_free(s->realm);
	gnutls_memset(s->key, 0, sizeof(s->key));
	mem_free(s);
}

static void nonce_mac(struct sip_auth_server *s, const unsigned char *time_id, unsigned char *mac)
{
	unsigned char full[32];
	gnutls_hmac_hd_t h;

	gnutls_hmac_init(&h, GNUTLS_MAC_SHA256, s->key, sizeof(s->key));
	gnutls_hmac(h, time_id, 16);
	gnutls_hmac(h, s->realm, strlen(s->realm));
	gnutls_hmac_deinit(h, full);
	memcpy(mac, full, 16);
}

int sip_auth_server_challenge(struct sip_auth_server *s, enum sip_digest_alg alg, bool stale,
			      char *buf, size_t size)
{
	unsigned char raw[NONCE_BYTES];
	char nonce[NONCE_HEX + 1];
	uint64_t t = now_s(s);
	int n;

	for (int i = 0; i < 8; i++)
		raw[i] = (unsigned char)(t >> (56 - 8 * i));
	if (gnutls_rnd(GNUTLS_RND_NONCE, raw + 8, 8) < 0)
		return -EIO;
	nonce_mac(s, raw, raw + 16);
	hex(raw, sizeof(raw), nonce);
	n = snprintf(buf, size, "Digest realm=\"%s\", nonce=\"%s\", algorithm=%s, qop=\"auth\"%s",
		     s->realm, nonce, sip_digest_alg_name(alg), stale ? ", stale=true" : "");
	return n < 0 || (size_t)n >= size ? -ENOSPC : n;
}

static int unhex(const char *in, unsigned char *out, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned v = 0;

		for (int k = 0; k < 2; k++) {
			char c = in[2 * i + k];

			v <<= 4;
			if (c >= '0' && c <= '9')
				v |= (unsigned)(c - '0');
			else if (c >= 'a' && c <= 'f')
				v |= (unsigned)(c - 'a' + 10);
			else
				return -EINVAL;
		}
		out[i] = (unsigned char)v;
	}
	return 0;
}

static struct source_entry *source_slot(struct sip_auth_server *s, const char *source, bool create)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (const char *c = source; *c; c++)
		h = (h ^ (unsigned char)*c) * 16777619u;
	/* bounded probe; a full neighbourhood reuses its stalest entry */
	struct source_entry *stalest = NULL;

	for (size_t k = 0; k < 8; k++) {
		struct source_entry *e;

		i = (h + k) % SOURCE_SLOTS;
		e = &s->sources[i];
		if (!strncmp(e->key, source, SOURCE_LEN - 1))
			return e;
		if (!stalest || (e->key[0] == '\0') ||
		    (stalest->key[0] && e->window_start < stalest->window_start &&
		     e->locked_until < now_s(s)))
			stalest = e;
	}
	if (!create)
		return NULL;
	memset(stalest, 0, sizeof(*stalest));
	snprintf(stalest->key, sizeof(stalest->key), "%s", source);
	return stalest;
}

bool sip_auth_server_locked(struct sip_auth_server *s, const char *source)
{
	struct source_entry *e = source_slot(s, source, false);

	return e && e->locked_until > now_s(s);
}

static void count_failure(struct sip_auth_server *s, const char *source)
{
	struct source_entry *e = source_slot(s, source, true);
	uint64_t now = now_s(s);

	if (now - e->window_start >= s->opts.failure_window_s) {
		e->window_start = now;
		e->failures = 0;
	}
	if (++e->failures >= s->opts.max_failures) {
		e->locked_until = now + s->opts.lockout_s;
		LOGP(LOGC_SIP, LOGL_WARNING,
		     "authentication: %u failures from %s within %u s; locked out for %u s",
		     e->failures, source, s->opts.failure_window_s, s->opts.lockout_s);
	}
}

/* Record nc for the nonce id; false when it is not higher than before. */
static bool nonce_count_fresh(struct sip_auth_server *s, const unsigned char *id, uint32_t nc)
{
	struct seen_nonce *oldest = &s->seen[0];

	for (size_t i = 0; i < SEEN_SLOTS; i++) {
		struct seen_nonce *e = &s->seen[i];

		if (e->used_slot && !memcmp(e->id, id, 8)) {
			if (nc <= e->max_nc)
				return false;
			e->max_nc = nc;
			e->used = ++s->uses;
			return true;
		}
		if (!e->used_slot || e->used < oldest->used)
			oldest = e;
	}
	memcpy(oldest->id, id, 8);
	oldest->max_nc = nc;
	oldest->used = ++s->uses;
	oldest->used_slot = true;
	return true;
}

enum sip_auth_verdict sip_auth_server_check(struct sip_auth_server *s, const char *source,
					    const struct sip_digest_params *p,
					    const char *response, const char *secret, bool is_ha1)
{
	unsigned char raw[NONCE_BYTES], mac[16];
	char expect[SIP_DIGEST_HEX_MAX];
	uint64_t issued = 0;
	bool match;

	if (sip_auth_server_locked(s, source))
		return SIP_AUTH_LOCKED;
	if (!p->nonce || strlen(p->nonce) != NONCE_HEX || unhex(p->nonce, raw, NONCE_BYTES) < 0 ||
	    !p->realm || strcmp(p->realm, s->realm) != 0) {
		count_failure(s, source);
		return SIP_AUTH_BAD_NONCE;
	}
	nonce_mac(s, raw, mac);
	if (gnutls_memcmp(mac, raw + 16, 16) != 0) {
		count_failure(s, source);
		return SIP_AUTH_BAD_NONCE;
	}
	if ((is_ha1 ? sip_digest_response_ha1(p, secret, expect)
		    : sip_digest_response(p, secret, expect)) < 0)
		return SIP_AUTH_WRONG;
	match = response && sip_auth_equal(response, expect);
	if (!match) {
		count_failure(s, source);
		return SIP_AUTH_WRONG;
	}
	for (int i = 0; i < 8; i++)
		issued = (issued << 8) | raw[i];
	if (now_s(s) - issued > s->opts.nonce_lifetime_s)
		return SIP_AUTH_STALE; /* RFC 7616 §3.3: stale=true, retry without asking */
	if (!nonce_count_fresh(s, raw + 8, p->qop ? p->nc : 1)) {
		count_failure(s, source);
		return SIP_AUTH_REPLAY;
	}
	return SIP_AUTH_OK;
}
