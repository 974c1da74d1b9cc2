/* Playout to the TDM clock: a 1 kHz tone in G.711, packets of 10, 20, 30
 * or 40 ms into 20 ms ticks, arriving on time.  Every tick gets a full
 * frame; with nothing lost the ticks carry exactly the decoded stream, no
 * sample dropped or repeated, whatever the packet size; a lost packet is
 * concealed (SpanDSP PLC) with audio of about the tone's level instead of
 * a gap, and counted.  A codec's own fill function, where there is one,
 * makes the audio of a lost packet and of the peer's silence. */
#include "config.h"

#include "rtp/playout.h"
#include "testutil.h"

#include <math.h>
#include <spandsp.h>

#define SECONDS 4
#define RATE 8000
#define TICK 160

static int16_t tone[SECONDS * RATE];
static uint8_t alaw[SECONDS * RATE];
static int16_t decoded[SECONDS * RATE];

static void make_tone(void)
{
	for (int i = 0; i < SECONDS * RATE; i++) {
		tone[i] = (int16_t)(8000 * sin(2 * M_PI * 1000 * i / RATE));
		alaw[i] = linear_to_alaw(tone[i]);
		decoded[i] = alaw_to_linear(alaw[i]);
	}
}

static double rms(const int16_t *x, size_t n)
{
	double e = 0;

	for (size_t i = 0; i < n; i++)
		e += (double)x[i] * x[i];
	return sqrt(e / (double)n);
}

struct outcome {
	unsigned full_ticks, exact_ticks, concealed, silent_after_start;
	double min_concealed_rms;
};

/* packets of ptime ms, every lose_every-th lost (0: none); ticks of 20 ms */
static void run(unsigned ptime, unsigned lose_every, struct outcome *o)
{
	struct jb_config c = {.rate = RATE, .frame_ms = ptime, .min_ms = 40, .max_ms = 200};
	struct jb jb;
	struct rtp_playout p;
	unsigned spp = RATE / 1000 * ptime, npk = SECONDS * RATE / spp;
	size_t pos = 0; /* where in the decoded stream the ticks are */
	bool started = false;
	int16_t out[TICK];

	memset(o, 0, sizeof(*o));
	o->min_concealed_rms = 1e9;
	jb_init(&jb, &c);
	assert_int_equal(rtp_playout_init(&p, &jb, TICK, NULL, NULL), 0);
	for (unsigned t = 0, k = 0; t < SECONDS * 1000 + 200; t++) {
		/* packet k arrives when its last sample has been spoken */
		while (k < npk && (k + 1) * ptime <= t) {
			if (!lose_every || k % lose_every != lose_every - 1)
				jb_put(&jb, 99, (uint16_t)k, 5000u + k * spp, 8, k == 0, alaw + k * spp, spp, t);
			k++;
		}
		if (t % 20 != 0)
			continue;
		{
			int kind = rtp_playout_tick(&p, out);

			if (kind != 0)
				started = true;
			/* the ticks the packets sent cover; after them the stream ends */
			if (!started || pos + TICK > (size_t)npk * spp)
				continue;
			if (kind == 0) {
				o->silent_after_start++;
				continue;
			}
			o->full_ticks++;
			if (kind > 0 && !memcmp(out, decoded + pos, sizeof(out)))
				o->exact_ticks++;
			if (kind < 0) {
				double r = rms(out, TICK);

				o->concealed++;
				if (r < o->min_concealed_rms)
					o->min_concealed_rms = r;
			}
			pos += TICK;
		}
	}
	if (getenv("SGW_DEBUG"))
		print_message("ptime %u: grows %lu shrinks %lu late %lu missing %lu target %u\n", ptime,
			      (unsigned long)jb.stats.grows, (unsigned long)jb.stats.shrinks,
			      (unsigned long)jb.stats.late, (unsigned long)jb.stats.missing, jb.target_ms);
	rtp_playout_fini(&p);
}

static void every_packet_size_plays_bit_exact(void **state)
{
	static const unsigned ptimes[] = {10, 20, 30, 40};

	(void)state;
	make_tone();
	for (size_t i = 0; i < 4; i++) {
		struct outcome o;

		run(ptimes[i], 0, &o);
		if (o.exact_ticks != o.full_ticks || o.full_ticks < SECONDS * 50 - 10)
			print_error("ptime %u: %u exact of %u full ticks, %u silent\n", ptimes[i], o.exact_ticks,
				    o.full_ticks, o.silent_after_start);
		assert_true(o.full_ticks >= SECONDS * 50 - 10);
		assert_int_equal(o.exact_ticks, o.full_ticks);
		assert_int_equal(o.concealed, 0);
		assert_int_equal(o.silent_after_start, 0);
	}
}

static void lost_packets_are_concealed_not_silent(void **state)
{
	struct outcome o;
	double level;

	(void)state;
	make_tone();
	level = rms(decoded, SECONDS * RATE);
	run(20, 10, &o); /* 10 % loss */
	assert_int_equal(o.silent_after_start, 0);
	assert_true(o.concealed >= SECONDS * 5 - 2 && o.concealed <= SECONDS * 5);
	/* PLC fades over long gaps; a single lost 20 ms is nearly full level */
	assert_true(o.min_concealed_rms > 0.5 * level);
}

/* what the codec makes: -7 for a lost packet, 9 while the peer is silent */
static int codec_fill(void *arg, bool lost, int16_t *out, size_t n)
{
	unsigned *calls = arg;

	calls[lost]++;
	for (size_t i = 0; i < n; i++)
		out[i] = lost ? -7 : 9;
	return (int)n;
}

static void codec_fills_losses_and_silence(void **state)
{
	struct jb_config c = {.rate = RATE, .frame_ms = 20, .min_ms = 40, .max_ms = 200};
	struct jb jb;
	struct rtp_playout p;
	unsigned calls[2] = {0, 0}, lost_ticks = 0, quiet_ticks = 0, silent = 0;
	int16_t out[TICK];

	(void)state;
	make_tone();
	jb_init(&jb, &c);
	assert_int_equal(rtp_playout_init(&p, &jb, TICK, NULL, calls), 0);
	rtp_playout_set_fill(&p, codec_fill);
	/* packets 0-9 (5 lost), then nothing: the peer fell silent */
	for (unsigned t = 0, k = 0; t < 600; t += 20) {
		int kind;

		if (k < 10 && (k + 1) * 20 <= t) {
			if (k != 5)
				jb_put(&jb, 99, (uint16_t)k, 5000u + k * TICK, 8, k == 0, alaw + k * TICK, TICK, t);
			k++;
		}
		kind = rtp_playout_tick(&p, out);
		if (kind < 0 && out[0] == -7 && out[TICK - 1] == -7)
			lost_ticks++;
		else if (kind > 0 && out[0] == 9 && out[TICK - 1] == 9)
			quiet_ticks++;
		else if (kind == 0)
			silent++;
	}
	rtp_playout_fini(&p);
	/* the lost packet is the codec's (and the frame due after the last,
	 * which the buffer cannot tell from a loss); before the first packet
	 * and after the last, the codec is asked and fills */
	assert_true(lost_ticks >= 1);
	assert_true(calls[1] >= 1 && calls[1] <= 2);
	assert_true(quiet_ticks >= 10);
	assert_int_equal(silent, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		SGW_TEST(codec_fills_losses_and_silence),
		SGW_TEST(every_packet_size_plays_bit_exact),
		SGW_TEST(lost_packets_are_concealed_not_silent),
	};
	return cmocka_run_group_tests_name("rtp/playout", tests, NULL, NULL);
}
