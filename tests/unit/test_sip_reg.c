/* Registration client on a fake clock: challenge, refresh, wrong password,
 * stale nonce, 423, RFC 5626 backoff up to its ceiling, unregister; written
 * as a log compared with the reviewed golden file golden/sip_reg.ok
 * (SGW_GOLDEN_UPDATE=1 rewrites it). */
#include "config.h"

#include "lib/buf.h"
#include "lib/clock.h"
#include "sip/reg.h"
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct clock_fake fc;
static struct buf out;
static struct sip_reg reg;

static void line(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void line(const char *fmt, ...)
{
	char text[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	buf_printf(&out, "%9.3f %s\n", (double)(fc.now - 1000000000ull) / 1e9, text);
}

static void on_send(void *arg, uint32_t expires, bool with_auth)
{
	line("  send REGISTER Expires: %u%s", expires, with_auth ? " with Authorization" : "");
}

static void on_changed(void *arg, enum sip_reg_state from, enum sip_reg_state to, const char *why)
{
	line("%s -> %s (%s)", sip_reg_state_names[from], sip_reg_state_names[to], why);
}

static double half(void *arg)
{
	return 0.5; /* every wait is 75 % of its RFC 5626 value */
}

static const struct sip_reg_ops ops = {on_send, on_changed, half};

static void scenario(const char *title, uint32_t expires)
{
	struct sip_reg_opts o = {.expires_s = expires};

	clock_fake_init(&fc);
	buf_printf(&out, "\n== %s\n", title);
	sip_reg_init(&reg, &fc.clock, &o, &ops, NULL);
}

static void done(void)
{
	sip_reg_release(&reg);
	clock_fake_release(&fc);
}

static void run_all(void)
{
	scenario("challenge, register, refresh twice, unregister", 3600);
	sip_reg_start(&reg);
	sip_reg_response(&reg, 401, 0, 0, false);
	sip_reg_response(&reg, 200, 600, 0, false);
	clock_fake_advance_ms(&fc, 600 * 1000);
	sip_reg_response(&reg, 200, 0, 0, false);
	clock_fake_advance_ms(&fc, 3600 * 1000);
	sip_reg_response(&reg, 200, 120, 0, false);
	clock_fake_advance_ms(&fc, 100 * 1000);
	sip_reg_response(&reg, 200, 120, 0, false);
	sip_reg_stop(&reg);
	sip_reg_response(&reg, 401, 0, 0, false);
	sip_reg_response(&reg, 200, 0, 0, false);
	done();

	scenario("wrong password: the second challenge is a failure; backoff from 30 s", 3600);
	sip_reg_start(&reg);
	sip_reg_response(&reg, 401, 0, 0, false);
	sip_reg_response(&reg, 401, 0, 0, false);
	clock_fake_advance_ms(&fc, 23 * 1000);
	sip_reg_response(&reg, 408, 0, 0, false);
	clock_fake_advance_ms(&fc, 45 * 1000);
	sip_reg_response(&reg, 503, 0, 0, false);
	clock_fake_advance_ms(&fc, 90 * 1000);
	sip_reg_response(&reg, 200, 3600, 0, false);
	done();

	scenario("stale nonce: answered again, not counted as a failure", 3600);
	sip_reg_start(&reg);
	sip_reg_response(&reg, 407, 0, 0, false);
	sip_reg_response(&reg, 407, 0, 0, true);
	sip_reg_response(&reg, 200, 1800, 0, false);
	done();

	scenario("423 Interval Too Brief: ask again for Min-Expires", 60);
	sip_reg_start(&reg);
	sip_reg_response(&reg, 423, 0, 300, false);
	sip_reg_response(&reg, 200, 300, 0, false);
	done();

	scenario("registrar gone after working: base 90 s, doubling to the 30 min ceiling", 600);
	sip_reg_start(&reg);
	sip_reg_response(&reg, 200, 600, 0, false);
	clock_fake_advance_ms(&fc, 540 * 1000);
	for (int i = 0; i < 7; i++) {
		sip_reg_response(&reg, 408, 0, 0, false);
		clock_fake_advance_ms(&fc, 1400 * 1000);
	}
	done();

	scenario("stop while waiting to retry: nothing to undo", 3600);
	sip_reg_start(&reg);
	sip_reg_response(&reg, 403, 0, 0, false);
	sip_reg_stop(&reg);
	clock_fake_advance_ms(&fc, 3600 * 1000);
	sip_reg_response(&reg, 200, 0, 0, false);
	done();
}

static void log_matches_golden(void **state)
{
	out = BUF_INIT;
	run_all();
	sgw_golden_check("sip_reg.ok", out.p);
	buf_release(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {SGW_TEST(log_matches_golden)};

	return cmocka_run_group_tests_name("sip/reg", tests, NULL, NULL);
}
