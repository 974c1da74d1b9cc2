/* OPTIONS trunk monitor on a fake clock: up on an answer (even 404), down
 * after two timeouts or 503s, faster probing while down, up again. */
#include "config.h"

#include "lib/clock.h"
#include "sip/probe.h"
#include "testutil.h"

static struct clock_fake fc;
static int sends, changes;
static enum sip_probe_state last_to;

static void on_send(void *arg)
{
	sends++;
}

static void on_changed(void *arg, enum sip_probe_state from, enum sip_probe_state to, int st)
{
	changes++;
	last_to = to;
}

static const struct sip_probe_ops ops = {on_send, on_changed};

static void up_down_up(void **state)
{
	struct sip_probe p;
	struct sip_probe_opts o = {.interval_s = 30, .down_interval_s = 5, .down_after = 2};

	clock_fake_init(&fc);
	sends = changes = 0;
	sip_probe_init(&p, &fc.clock, &o, &ops, NULL);
	sip_probe_start(&p);
	assert_int_equal(sends, 1);
	assert_int_equal(p.state, SIP_PROBE_UNKNOWN);
	sip_probe_response(&p, 100); /* provisional: nothing yet */
	assert_int_equal(p.state, SIP_PROBE_UNKNOWN);
	sip_probe_response(&p, 404); /* an answer is an answer */
	assert_int_equal(p.state, SIP_PROBE_UP);
	assert_int_equal(changes, 1);

	clock_fake_advance_ms(&fc, 30000);
	assert_int_equal(sends, 2);
	sip_probe_response(&p, 408);
	assert_int_equal(p.state, SIP_PROBE_UP); /* one failure is not enough */
	clock_fake_advance_ms(&fc, 30000);
	assert_int_equal(sends, 3);
	sip_probe_response(&p, 503);
	assert_int_equal(p.state, SIP_PROBE_DOWN);
	assert_int_equal(last_to, SIP_PROBE_DOWN);

	/* while down, every 5 s */
	clock_fake_advance_ms(&fc, 5000);
	assert_int_equal(sends, 4);
	sip_probe_response(&p, 408);
	clock_fake_advance_ms(&fc, 5000);
	assert_int_equal(sends, 5);
	sip_probe_response(&p, 200);
	assert_int_equal(p.state, SIP_PROBE_UP);
	assert_int_equal(changes, 3);
	/* back to the normal interval */
	clock_fake_advance_ms(&fc, 29000);
	assert_int_equal(sends, 5);
	sip_probe_release(&p);
	clock_fake_release(&fc);
}

static void unanswered_probe_is_not_stacked(void **state)
{
	struct sip_probe p;
	struct sip_probe_opts o = {.interval_s = 10};

	clock_fake_init(&fc);
	sends = 0;
	sip_probe_init(&p, &fc.clock, &o, &ops, NULL);
	sip_probe_start(&p);
	clock_fake_advance_ms(&fc, 35000); /* no response at all */
	assert_int_equal(sends, 1);
	sip_probe_response(&p, 408);
	clock_fake_advance_ms(&fc, 10000);
	assert_int_equal(sends, 2);
	sip_probe_release(&p);
	clock_fake_release(&fc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		SGW_TEST(up_down_up),
		SGW_TEST(unanswered_probe_is_not_stacked),
	};
	return cmocka_run_group_tests_name("sip/probe", tests, NULL, NULL);
}
