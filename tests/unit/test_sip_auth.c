/* Digest authentication: the RFC 7616 §3.9.1 example answers for MD5 and
 * SHA-256; a client and our server agreeing; replay, tampering, staleness,
 * wrong passwords and the per-source lockout, on a fake clock. */
#include "config.h"

#include "lib/clock.h"
#include "sip/auth.h"
#include "testutil.h"

#include <stdio.h>
#include <string.h>

static void rfc7616_example_vectors(void **state)
{
	struct sip_digest_params p = {
		.alg = SIP_DIGEST_MD5,
		.username = "Mufasa",
		.realm = "http-auth@example.org",
		.nonce = "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v",
		.uri = "/dir/index.html",
		.method = "GET",
		.qop = "auth",
		.cnonce = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ",
		.nc = 1,
	};
	char out[SIP_DIGEST_HEX_MAX];

	assert_int_equal(sip_digest_response(&p, "Circle of Life", out), 0);
	assert_string_equal(out, "8ca523f5e9506fed4657c9700eebdbec");
	p.alg = SIP_DIGEST_SHA256;
	assert_int_equal(sip_digest_response(&p, "Circle of Life", out), 0);
	assert_string_equal(out, "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1");
}

static void constant_time_equal(void **state)
{
	assert_true(sip_auth_equal("abc", "abc"));
	assert_false(sip_auth_equal("abd", "abc"));
	assert_false(sip_auth_equal("ab", "abc"));
	assert_false(sip_auth_equal("abcd", "abc"));
	assert_false(sip_auth_equal("", "abc"));
}

/* pull nonce="..." out of a challenge */
static void challenge_nonce(const char *chal, char *nonce, size_t size)
{
	const char *p = strstr(chal, "nonce=\"");

	assert_non_null(p);
	p += 7;
	snprintf(nonce, size, "%.*s", (int)strcspn(p, "\""), p);
}

struct fixture {
	struct clock_fake fc;
	struct sip_auth_server *srv;
	char nonce[128];
	struct sip_digest_client cli;
	struct sip_digest_params p;
	char cnonce[33], resp[SIP_DIGEST_HEX_MAX];
};

static void fixture_up(struct fixture *f, enum sip_digest_alg alg)
{
	struct sip_auth_server_opts o = {.realm = "gw.example", .nonce_lifetime_s = 60,
					 .max_failures = 3, .failure_window_s = 60,
					 .lockout_s = 120};
	char chal[256];

	memset(f, 0, sizeof(*f));
	clock_fake_init(&f->fc);
	assert_int_equal(sip_auth_server_new(&f->fc.clock, &o, &f->srv), 0);
	assert_true(sip_auth_server_challenge(f->srv, alg, false, chal, sizeof(chal)) > 0);
	assert_non_null(strstr(chal, "Digest realm=\"gw.example\", nonce=\""));
	assert_non_null(strstr(chal, alg == SIP_DIGEST_SHA256 ? "algorithm=SHA-256, qop=\"auth\""
							      : "algorithm=MD5, qop=\"auth\""));
	challenge_nonce(chal, f->nonce, sizeof(f->nonce));
	f->p = (struct sip_digest_params){.alg = alg, .username = "alice", .realm = "gw.example",
					  .nonce = f->nonce, .uri = "sip:+4930123@gw.example",
					  .method = "INVITE", .qop = "auth"};
}

static void fixture_down(struct fixture *f)
{
	sip_auth_server_free(f->srv);
	clock_fake_release(&f->fc);
}

static enum sip_auth_verdict answer_and_check(struct fixture *f, const char *source,
					      const char *password)
{
	assert_int_equal(sip_digest_client_answer(&f->cli, &f->p, password, f->cnonce, f->resp), 0);
	return sip_auth_server_check(f->srv, source, &f->p, f->resp, "s3cret", false);
}

static void client_and_server_agree(void **state)
{
	struct fixture f;
	char ha1[SIP_DIGEST_HEX_MAX], hdr[512];

	for (int alg = SIP_DIGEST_MD5; alg <= SIP_DIGEST_SHA256; alg++) {
		fixture_up(&f, alg);
		assert_int_equal(answer_and_check(&f, "192.0.2.1", "s3cret"), SIP_AUTH_OK);
		assert_int_equal(f.p.nc, 1);
		/* the next request under the same nonce counts up */
		assert_int_equal(answer_and_check(&f, "192.0.2.1", "s3cret"), SIP_AUTH_OK);
		assert_int_equal(f.p.nc, 2);
		/* a stored H(A1) works as well as the password */
		sip_digest_ha1(alg, "alice", "gw.example", "s3cret", ha1);
		f.p.nc++;
		f.cli.nc++;
		sip_digest_response(&f.p, "s3cret", f.resp);
		assert_int_equal(sip_auth_server_check(f.srv, "192.0.2.1", &f.p, f.resp, ha1, true),
				 SIP_AUTH_OK);
		assert_true(sip_digest_authorization_format(&f.p, f.resp, NULL, hdr, sizeof(hdr)) > 0);
		assert_non_null(strstr(hdr, "Digest username=\"alice\", realm=\"gw.example\""));
		assert_non_null(strstr(hdr, ", qop=auth, nc=00000003"));
		fixture_down(&f);
	}
}

static void replay_and_tampering_refused(void **state)
{
	struct fixture f;
	char saved[SIP_DIGEST_HEX_MAX];

	fixture_up(&f, SIP_DIGEST_MD5);
	assert_int_equal(answer_and_check(&f, "192.0.2.1", "s3cret"), SIP_AUTH_OK);
	/* the same request again, byte for byte */
	strcpy(saved, f.resp);
	assert_int_equal(sip_auth_server_check(f.srv, "192.0.2.1", &f.p, saved, "s3cret", false),
			 SIP_AUTH_REPLAY);
	/* a nonce we did not issue (one hex digit changed) */
	f.nonce[5] = f.nonce[5] == 'a' ? 'b' : 'a';
	f.cli.nonce[0] = '\0';
	assert_int_equal(answer_and_check(&f, "192.0.2.2", "s3cret"), SIP_AUTH_BAD_NONCE);
	/* another realm's credentials */
	fixture_down(&f);
	fixture_up(&f, SIP_DIGEST_MD5);
	f.p.realm = "other.example";
	assert_int_equal(answer_and_check(&f, "192.0.2.3", "s3cret"), SIP_AUTH_BAD_NONCE);
	fixture_down(&f);
}

static void old_nonce_is_stale_not_wrong(void **state)
{
	struct fixture f;

	fixture_up(&f, SIP_DIGEST_SHA256);
	clock_fake_advance_ms(&f.fc, 61000);
	assert_int_equal(answer_and_check(&f, "192.0.2.1", "s3cret"), SIP_AUTH_STALE);
	/* a wrong password on an old nonce is wrong, not stale */
	assert_int_equal(answer_and_check(&f, "192.0.2.1", "guess"), SIP_AUTH_WRONG);
	fixture_down(&f);
}

static void failures_lock_out_one_source(void **state)
{
	struct fixture f;

	fixture_up(&f, SIP_DIGEST_MD5);
	assert_int_equal(answer_and_check(&f, "198.51.100.7", "guess1"), SIP_AUTH_WRONG);
	assert_int_equal(answer_and_check(&f, "198.51.100.7", "guess2"), SIP_AUTH_WRONG);
	assert_int_equal(answer_and_check(&f, "198.51.100.7", "guess3"), SIP_AUTH_WRONG);
	assert_true(sip_auth_server_locked(f.srv, "198.51.100.7"));
	/* even the right password is refused while locked */
	assert_int_equal(answer_and_check(&f, "198.51.100.7", "s3cret"), SIP_AUTH_LOCKED);
	/* other sources are not affected */
	assert_int_equal(answer_and_check(&f, "192.0.2.1", "s3cret"), SIP_AUTH_OK);
	/* the lockout ends */
	clock_fake_advance_ms(&f.fc, 121000);
	assert_false(sip_auth_server_locked(f.srv, "198.51.100.7"));
	fixture_down(&f);
	/* failures spread wider than the window do not lock */
	fixture_up(&f, SIP_DIGEST_MD5);
	for (int i = 0; i < 6; i++) {
		assert_int_equal(answer_and_check(&f, "203.0.113.9", "guess"), SIP_AUTH_WRONG);
		clock_fake_advance_ms(&f.fc, 31000);
	}
	assert_false(sip_auth_server_locked(f.srv, "203.0.113.9"));
	fixture_down(&f);
}

static void many_sources_do_not_grow_memory(void **state)
{
	struct fixture f;
	long before;

	fixture_up(&f, SIP_DIGEST_MD5);
	before = mem_live_count();
	for (int i = 0; i < 5000; i++) {
		char src[32];

		snprintf(src, sizeof(src), "10.%d.%d.%d", i >> 16, (i >> 8) & 255, i & 255);
		assert_int_equal(answer_and_check(&f, src, "guess"), SIP_AUTH_WRONG);
	}
	assert_int_equal(mem_live_count(), before);
	fixture_down(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		SGW_TEST(rfc7616_example_vectors),
		SGW_TEST(constant_time_equal),
		SGW_TEST(client_and_server_agree),
		SGW_TEST(replay_and_tampering_refused),
		SGW_TEST(old_nonce_is_stale_not_wrong),
		SGW_TEST(failures_lock_out_one_source),
		SGW_TEST(many_sources_do_not_grow_memory),
	};
	return cmocka_run_group_tests_name("sip/auth", tests, NULL, NULL);
}
