/* RFC 4733 telephone events: the sender's packets (marker on the first,
 * growing duration, the end three times, segments for a very long digit);
 * the receiver reports each digit once with its duration, whether its
 * first packets were lost, its ends duplicated, only its end arrived, or
 * all its ends were lost (then it ends on a timeout). */
#include "config.h"

#include "rtp/tevent.h"
#include "testutil.h"

struct got {
	char digits[32];
	unsigned starts, ends;
	uint32_t last_duration;
};

static void on_digit(void *arg, char d, bool start, uint32_t duration)
{
	struct got *g = arg;

	if (start) {
		size_t n = strlen(g->digits);

		g->starts++;
		if (n + 1 < sizeof(g->digits))
			g->digits[n] = d, g->digits[n + 1] = '\0';
	} else {
		g->ends++;
		g->last_duration = duration;
	}
}

/* the sender's packets for a digit, into arrays */
static int send_all(int ev, uint32_t ts, uint32_t dur, struct tev_packet *out, int max)
{
	struct tev_sender s;
	int n = 0;

	assert_int_equal(tev_send_start(&s, ev, 10, ts, dur, 160), 0);
	while (n < max && tev_send_next(&s, &out[n]))
		n++;
	return n;
}

static void sender_packets(void **state)
{
	struct tev_packet p[16];
	struct tev_payload pl;
	int n = send_all(5, 1000, 800, p, 16); /* 100 ms */

	(void)state;
	assert_int_equal(n, 5 + 2); /* 5 packets, the last an end, then 2 more ends */
	assert_true(p[0].marker);
	assert_false(p[1].marker);
	for (int i = 0; i < n; i++) {
		assert_int_equal(p[i].ts, 1000); /* one event, one timestamp */
		tev_parse(p[i].payload, TEV_PAYLOAD_LEN, &pl);
		assert_int_equal(pl.event, 5);
		assert_int_equal(pl.volume, 10);
		assert_int_equal(pl.duration, i < 5 ? 160 * (i + 1) : 800);
		assert_int_equal(pl.end, i >= 4);
	}
	assert_int_equal(tev_from_char('#'), 11);
	assert_int_equal(tev_from_char('d'), 15);
	assert_int_equal(tev_from_char('x'), -1);
	assert_int_equal(tev_to_char(16), '!');
}

static void feed(struct tev_receiver *r, const struct tev_packet *p, int n, const bool *drop, uint64_t t0)
{
	for (int i = 0; i < n; i++)
		if (!drop || !drop[i])
			tev_receiver_packet(r, p[i].ts, p[i].payload, TEV_PAYLOAD_LEN, t0 + 20u * (unsigned)i);
}

static void digits_survive_loss_and_duplicates(void **state)
{
	struct tev_packet p[16];
	struct tev_receiver r;
	struct got g = {0};
	int n;

	(void)state;
	tev_receiver_init(&r, on_digit, &g);
	/* '1' clean, with its packets duplicated */
	n = send_all(1, 1000, 800, p, 16);
	feed(&r, p, n, NULL, 0);
	feed(&r, p, n, NULL, 200);
	/* '2' whose first two packets were lost */
	n = send_all(2, 3000, 800, p, 16);
	feed(&r, p, n, (const bool[16]){true, true}, 400);
	/* '3' of which only the last end packet came */
	n = send_all(3, 5000, 800, p, 16);
	feed(&r, p, n, (const bool[16]){true, true, true, true, true, true, false}, 600);
	assert_string_equal(g.digits, "123");
	assert_int_equal(g.starts, 3);
	assert_int_equal(g.ends, 3);
	assert_int_equal(g.last_duration, 800);
	assert_true(r.repeats >= 7);
}

static void lost_ends_time_out_and_next_digit_ends_previous(void **state)
{
	struct tev_packet p[16];
	struct tev_receiver r;
	struct got g = {0};
	bool drop_ends[16] = {false, false, false, false, true, true, true};
	int n;

	(void)state;
	tev_receiver_init(&r, on_digit, &g);
	n = send_all(7, 1000, 800, p, 16);
	feed(&r, p, n, drop_ends, 0);
	assert_int_equal(g.ends, 0);
	tev_receiver_poll(&r, 100, 250);
	assert_int_equal(g.ends, 0); /* not yet */
	tev_receiver_poll(&r, 400, 250);
	assert_int_equal(g.ends, 1);
	assert_int_equal(g.last_duration, 640); /* the last duration heard */
	/* '8' without ends, then '9' starts: '8' ends there */
	n = send_all(8, 3000, 800, p, 16);
	feed(&r, p, n, drop_ends, 1000);
	n = send_all(9, 5000, 800, p, 16);
	feed(&r, p, n, NULL, 1200);
	assert_string_equal(g.digits, "789");
	assert_int_equal(g.ends, 3);
}

static void a_long_digit_is_one_digit(void **state)
{
	static struct tev_packet p[1200];
	struct tev_receiver r;
	struct got g = {0};
	uint32_t dur = 10 * 8000; /* 10 s: more than 65535 units */
	int n;

	(void)state;
	n = send_all(0, 1000, dur, p, 1200);
	assert_int_equal(n, 500 + 2);
	assert_true(p[n - 1].ts != 1000); /* a second segment */
	tev_receiver_init(&r, on_digit, &g);
	feed(&r, p, n, NULL, 0);
	assert_string_equal(g.digits, "0");
	assert_int_equal(g.ends, 1);
	assert_int_equal(g.last_duration, dur);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		SGW_TEST(sender_packets),
		SGW_TEST(digits_survive_loss_and_duplicates),
		SGW_TEST(lost_ends_time_out_and_next_digit_ends_previous),
		SGW_TEST(a_long_digit_is_one_digit),
	};
	return cmocka_run_group_tests_name("rtp/tevent", tests, NULL, NULL);
}
