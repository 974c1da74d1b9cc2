/* sipgw.conf schema: the shipped examples load, a typo names file:line,
 * and the normalised print loads back to the same configuration. */
#include "config.h"

#include "gw/gw_config.h"
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *srcdir(void)
{
	const char *s = getenv("top_srcdir");

	return s ? s : ".";
}

static void load_shipped(const char *name)
{
	char path[1024];
	struct gw_config *cfg = NULL;
	struct conf_errors errs = {0};
	int rc;

	snprintf(path, sizeof(path), "%s/conf/%s", srcdir(), name);
	rc = gw_config_load(path, &cfg, &errs);
	for (size_t i = 0; i < errs.count; i++)
		print_error("%s\n", errs.msg[i]);
	/* [general] user = sipgw exists only where the package made the user */
	if (rc != 0 && errs.count == 1 && strstr(errs.msg[0], "no such user 'sipgw'")) {
		conf_errors_release(&errs);
		return;
	}
	if (rc != 0 && errs.count == 2 && strstr(errs.msg[0], "no such user 'sipgw'") &&
	    strstr(errs.msg[1], "no such group 'sipgw'")) {
		conf_errors_release(&errs);
		return;
	}
	assert_int_equal(rc, 0);
	assert_non_null(cfg->control->socket);
	gw_config_free(cfg);
	conf_errors_release(&errs);
}

static void shipped_sample_loads(void **state)
{
	load_shipped("sipgw.conf");
}

static void shipped_selftest_loads(void **state)
{
	struct gw_config *cfg = NULL;
	struct conf_errors errs = {0};
	char path[1024];

	load_shipped("selftest.conf");
	snprintf(path, sizeof(path), "%s/conf/selftest.conf", srcdir());
	assert_int_equal(gw_config_load(path, &cfg, &errs), 0);
	assert_string_equal(cfg->control->socket, "/run/sipgw-selftest/sipgwctl.sock");
	assert_int_equal(cfg->control->mode, 0660);
	assert_int_equal(cfg->control->idle_timeout, 30000);
	assert_int_equal(cfg->log->target, LOG_TARGET_STDERR);
	assert_int_equal(cfg->log->category[LOGC_SIP], -1);
	gw_config_free(cfg);
}

static char *write_temp(const char *text)
{
	static char path[64];
	int fd;

	snprintf(path, sizeof(path), "/tmp/sgw-conf-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

static void typo_names_file_and_line(void **state)
{
	char *path = write_temp("[log]\nlevel = info\nlvel = debug\n[control]\nsocket = rel/path\n");
	struct gw_config *cfg = NULL;
	struct conf_errors errs = {0};
	char want[256];

	assert_int_not_equal(gw_config_load(path, &cfg, &errs), 0);
	assert_null(cfg);
	assert_int_equal(errs.count, 1);
	snprintf(want, sizeof(want), "%s:3: unknown key 'lvel' in section [log]", path);
	assert_string_equal(errs.msg[0], want);
	conf_errors_release(&errs);

	/* once the typo is fixed, the validator finds the relative path */
	path = write_temp("[log]\nlevel = info\n[control]\nsocket = rel/path\n");
	assert_int_not_equal(gw_config_load(path, &cfg, &errs), 0);
	snprintf(want, sizeof(want), "%s:4: socket: 'rel/path' must be an absolute path", path);
	assert_string_equal(errs.msg[0], want);
	conf_errors_release(&errs);
	unlink(path);
}

/* [sip] and [trunk]: each mistake named with its line */
static void sip_and_trunk_errors(void **state)
{
	char *path = write_temp("[sip]\nlisten = udp:127.0.0.1:5060, sctp:1.2.3.4\n"
				"t1 = 2s\nt2 = 1s\n"
				"[trunk a]\nuri = mailto:x@y\nregister = yes\n"
				"[trunk b]\npassword = p\n"
				"[trunk c]\nuri = sips:carrier.example\nsrtp = mandatory\n"
				"srtp_suites = AEAD_AES_128_GCM, F8_128_HMAC_SHA1_80\n"
				"[trunk d]\nuri = sip:pbx.example\nsrtp = optional\nsrtp_suites =\n");
	struct gw_config *cfg = NULL;
	struct conf_errors errs = {0};
	char want[7][256];
	const char *text[] = {
		"2: listen: 'sctp:1.2.3.4' is not PROTO:ADDRESS[:PORT] (udp:0.0.0.0:5060)",
		"4: t2: must not be shorter than t1",
		"6: uri: 'mailto:x@y' is not a sip: or sips: URI",
		"7: register: needs user or aor",
		"9: password: set only together with user",
		"13: srtp_suites: 'F8_128_HMAC_SHA1_80' is not a suite we have (AES_CM_128_HMAC_SHA1_80, "
		"AES_CM_128_HMAC_SHA1_32, AEAD_AES_128_GCM, AEAD_AES_256_GCM)",
		"17: srtp_suites: empty, but srtp = optional needs a suite",
	};

	assert_int_not_equal(gw_config_load(path, &cfg, &errs), 0);
	assert_null(cfg);
	for (size_t i = 0; i < 7; i++) {
		bool found = false;

		snprintf(want[i], sizeof(want[i]), "%s:%s", path, text[i]);
		for (size_t k = 0; k < errs.count; k++)
			found |= strcmp(errs.msg[k], want[i]) == 0;
		if (!found)
			fail_msg("missing error: %s", want[i]);
	}
	conf_errors_release(&errs);

	/* an SRTP policy that does not exist */
	path = write_temp("[trunk e]\nuri = sip:pbx.example\nsrtp = always\n");
	assert_int_not_equal(gw_config_load(path, &cfg, &errs), 0);
	snprintf(want[0], sizeof(want[0]), "%s:3: srtp: 'always' is not one of: off, optional, mandatory",
		 path);
	assert_string_equal(errs.msg[0], want[0]);
	conf_errors_release(&errs);

	/* trunk b also lacks its required uri */
	path = write_temp("[sip]\nlisten = tls:127.0.0.1:5061\n");
	assert_int_not_equal(gw_config_load(path, &cfg, &errs), 0);
	snprintf(want[0], sizeof(want[0]), "%s:2: listen: TLS needs tls_certificate and tls_key", path);
	assert_string_equal(errs.msg[0], want[0]);
	conf_errors_release(&errs);
	unlink(path);
}

static void category_levels_override_default(void **state)
{
	char *path = write_temp("[log]\nlevel = warning\nsip = debug\n");
	struct gw_config *cfg = NULL;
	struct conf_errors errs = {0};

	assert_int_equal(gw_config_load(path, &cfg, &errs), 0);
	unlink(path);
	assert_int_equal(gw_config_apply_log(cfg), 0);
	assert_int_equal(log_level_get(LOGC_SIP), LOGL_DEBUG);
	assert_int_equal(log_level_get(LOGC_ISDN), LOGL_WARNING);
	gw_config_free(cfg);
	for (int c = 0; c < LOGC_COUNT; c++)
		log_level_set(c, LOGL_INFO);
}

static void unknown_user_is_an_error(void **state)
{
	char *path = write_temp("[general]\nuser = no-such-user-sgw\n");
	struct gw_config *cfg = NULL;
	struct conf_errors errs = {0};
	char want[256];

	assert_int_not_equal(gw_config_load(path, &cfg, &errs), 0);
	snprintf(want, sizeof(want), "%s:2: user: no such user 'no-such-user-sgw'", path);
	assert_string_equal(errs.msg[0], want);
	conf_errors_release(&errs);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		SGW_TEST(shipped_sample_loads),
		SGW_TEST(shipped_selftest_loads),
		SGW_TEST(typo_names_file_and_line),
		SGW_TEST(sip_and_trunk_errors),
		SGW_TEST(category_levels_override_default),
		SGW_TEST(unknown_user_is_an_error),
	};
	return cmocka_run_group_tests_name("gw/config", tests, NULL, NULL);
}
