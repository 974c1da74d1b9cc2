/* The echo canceller on the G.168 bench (tests/g168): what it does today,
 * asserted as a listener would notice it.  The full G.168 matrix with its
 * figures is bench/bench_ec; the thresholds the canceller does not meet in
 * every case yet are not asserted here (doc/dsp.md says which); double talk
 * with a near end as quiet as the echo is, for three bench runs that pass,
 * and a spoilt filter never makes the line louder than no canceller.
 *  - with the canceller off, audio passes bit-exact;
 *  - a hybrid echo (G.168 D.2, 20 ms bulk delay, ERL 6 dB) of far-end
 *    speech at -10 dBm0 is gone (40 dB combined loss, or nothing above the
 *    line noise) within 1 s, and stays gone;
 *  - white noise on the far end, D.8 behind 100 ms: the same;
 *  - near-end speech as loud as the far end, during double talk, passes
 *    within 1 dB, and after it the echo is gone again;
 *  - comfort noise replaces the echo at the line's noise level (+-3 dB);
 *  - a 2100 Hz answer tone with phase reversals turns the canceller off,
 *    and it comes back after quiet. */
#include "config.h"

#include "dsp/ec.h"
#include "g168.h"
#include "testutil.h"

static struct g168_run run;

static void bad_lengths_refused(void **state)
{
	(void)state;
	assert_null(ec_new(128));
	assert_null(ec_new(2048));
	assert_null(ec_new(1000)); /* not a whole number of 4 ms blocks */
}

static void off_is_bit_exact(void **state)
{
	struct ec *e = ec_new(512);
	int16_t rin[160], sin[160], out[160];

	(void)state;
	for (int i = 0; i < 160; i++) {
		rin[i] = (int16_t)(i * 97);
		sin[i] = (int16_t)(1000 - i * 13);
	}
	ec_enable(e, false);
	for (int k = 0; k < 10; k++) {
		ec_process(e, rin, sin, out, 160);
		assert_memory_equal(out, sin, sizeof(out));
	}
	ec_free(e);
}

static void converge_with(int model, unsigned delay, double erl, double level, enum g168_far far,
			  bool alaw, uint32_t seed)
{
	struct g168_scenario s = {.taps = 1024, .model = model, .delay_ms = delay, .erl_db = erl,
				  .alaw = alaw, .noise_dbm0 = -100, .seed = seed,
				  .phase = {{4.0, far, level, false, 0, 0}}, .nphases = 1};
	double t;

	assert_int_equal(g168_run(&s, &g168_sipgw_ec, &run), 0);
	t = g168_time_to_loss(&run, 0, 40);
	if (t < 0 || t > 1.0)
		fail_msg("D.%d %u ms ERL %.0f at %.0f dBm0 (%s): echo gone after %.2f s", model, delay,
			 erl, level, alaw ? "A-law" : "u-law", t);
	assert_true(g168_min_loss(&run, 0, 1.0) >= 40);
}

static void converge(int model, unsigned delay, double erl, double level, enum g168_far far)
{
	converge_with(model, delay, erl, level, far, true, 42);
}

static void speech_echo_gone_within_a_second(void **state)
{
	(void)state;
	converge(2, 20, 6, -10, G168_FAR_SPEECH);
}

/* Behind 100 ms the echo comes 100 ms after each talkspurt starts; the
 * small output of the taps ahead of the delay in that time once counted
 * as a filter "far worse than none" and the filter was thrown away at
 * every talkspurt.  On a u-law line (true silence between talkspurts)
 * 20 of 72 such runs passed, now 67; on A-law 60, now 65. */
static void speech_echo_behind_100ms_gone_within_a_second(void **state)
{
	(void)state;
	converge_with(7, 100, 10, -10, G168_FAR_SPEECH, false, 7492); /* was 3.00 s */
	converge_with(4, 100, 6, -10, G168_FAR_SPEECH, true, 7194);   /* was 2.55 s */
}

/* Whether the filter has converged is judged on its ERLE weighted by
 * power: the quiet ends of talkspurts, where a residual floor sits close
 * to sin, no longer count as much as the talk (this u-law run behind
 * 80 ms took 1.30 s when every block counted alike). */
static void converged_by_the_loud_part(void **state)
{
	(void)state;
	converge_with(5, 80, 10, -10, G168_FAR_SPEECH, false, 41360);
}

/* At a talkspurt's start behind 80-100 ms of bulk delay the foreground
 * lags what the background has already learnt of the new spectrum; the
 * level rule took the echo it left for a near end and held the NLP off
 * (these took 1.10 and 1.20 s).  sin's correlation with the background's
 * estimate now tells echo from a near end: 0.40 s. */
static void talkspurt_start_not_taken_for_near_end(void **state)
{
	(void)state;
	converge_with(5, 80, 10, -20, G168_FAR_SPEECH, true, 1363);
	converge_with(5, 100, 10, -30, G168_FAR_SPEECH, false, 1397);
}

/* Behind 80-100 ms the filter's taps ahead of the delay speak into a sin
 * still silent, and its ERLE falls far under 0 dB; at the next
 * talkspurt's start it cancels only 3-6 dB of the new spectrum, and the
 * level rule took that for a near end and held the NLP off (bench runs:
 * 23.7 and 25.6 dB of combined loss 1 s in, 40 dB only after 1.15 s).
 * The level rule now waits for a filter that has cancelled 10 dB. */
static void echo_of_a_filter_not_yet_cancelling_is_no_near_end(void **state)
{
	(void)state;
	converge_with(5, 80, 10, -10, G168_FAR_SPEECH, false, 1360);
	converge_with(5, 80, 10, -20, G168_FAR_SPEECH, true, 11363);
	converge_with(5, 100, 10, -30, G168_FAR_SPEECH, false, 31397);
}

/* Behind 40-80 ms of bulk delay, taps that learnt the far end's
 * correlation ahead of the delay make an echo estimate louder than sin at
 * the ends and starts of talkspurts; the residual rule took what they
 * left for a near end and held the NLP off (bench runs: echo gone after
 * 1.35 and 2.85 s). */
static void estimate_louder_than_sin_is_no_near_end(void **state)
{
	(void)state;
	converge_with(2, 80, 6, -10, G168_FAR_SPEECH, true, 11062);
	converge_with(3, 40, 10, -20, G168_FAR_SPEECH, true, 11138);
}

static void noise_echo_behind_100ms_gone_within_a_second(void **state)
{
	(void)state;
	converge(8, 100, 6, -10, G168_FAR_NOISE);
}

/* G.168's path change: 3 s on D.6, then D.9 behind the same 30 ms; the
 * echo of the new path is gone within a second.  This signal once took
 * 1.3 s: the old path's ERLE of 20 dB kept the correlation detector
 * armed, and it took the new path's echo (that the old filter did not
 * explain) for a near end and held the NLP off. */
static void path_change_relearnt_within_a_second(void **state)
{
	struct g168_scenario s = {.taps = 1024, .model = 6, .delay_ms = 30, .erl_db = 10,
				  .alaw = true, .noise_dbm0 = -100, .seed = 80009,
				  .phase = {{3.0, G168_FAR_SPEECH, -15, false, 0, 0},
					    {3.0, G168_FAR_SPEECH, -15, false, 0, 9}},
				  .nphases = 2};
	double t;

	(void)state;
	assert_int_equal(g168_run(&s, &g168_sipgw_ec, &run), 0);
	t = g168_time_to_loss(&run, 1, 40);
	if (t < 0 || t > 1.0)
		fail_msg("D.6 -> D.9: echo gone %.2f s after the change", t);
}

/* the bench's double-talk run: ERL 6 behind 20 ms; 3 s of far end alone,
 * 3 s with a near end at near dBm0, 2 s of far end alone again */
static void run_double_talk(int model, double far, double near, bool alaw, uint32_t seed)
{
	struct g168_scenario s = {.taps = 1024, .model = model, .delay_ms = 20, .erl_db = 6, .alaw = alaw,
				  .noise_dbm0 = -100, .seed = seed,
				  .phase = {{3.0, G168_FAR_SPEECH, far, false, 0, 0},
					    {3.0, G168_FAR_SPEECH, far, true, near, 0},
					    {2.0, G168_FAR_SPEECH, far, false, 0, 0}},
				  .nphases = 3};

	assert_int_equal(g168_run(&s, &g168_sipgw_ec, &run), 0);
}

/* one of the bench's double-talk runs, the near end 6 dB under the far end */
struct dt_case {
	int model;
	double far;
	bool alaw;
	uint32_t seed;
};

/* each run passes the near end within 1 dB (and, with after_loss, has the
 * echo gone again from 0.5 s after the double talk) */
static void expect_near_end_kept(const struct dt_case *c, size_t n, bool after_loss)
{
	for (size_t i = 0; i < n; i++) {
		double hit, loss;

		run_double_talk(c[i].model, c[i].far, c[i].far - 6, c[i].alaw, c[i].seed);
		hit = g168_near_hit(&run, 1);
		loss = after_loss ? g168_min_loss(&run, 2, 0.5) : 99;
		if (hit < -1.0 || hit > 1.0 || loss < 40)
			fail_msg("model %d, far %.0f dBm0, seed %u: near end changed by %.2f dB, loss after %.1f dB",
				 c[i].model, c[i].far, c[i].seed, hit, loss);
	}
}

static void double_talk_passes_near_end(void **state)
{
	double hit;

	(void)state;
	run_double_talk(2, -10, -10, true, 7);
	hit = g168_near_hit(&run, 1);
	if (hit < -1.0 || hit > 1.0)
		fail_msg("near-end speech changed by %.2f dB during double talk", hit);
	assert_true(g168_min_loss(&run, 2, 0.5) >= 40);
}

/* The bench's double-talk runs (seeds as bench_ec's) with a near end as
 * quiet as the echo: 6 dB under the far end at ERL 6.  A level detector
 * misses it; the correlation of sin with the echo estimate does not. */
static void double_talk_near_as_quiet_as_the_echo(void **state)
{
	static const struct dt_case cases[] = {{7, -10, true, 142}, {8, -20, true, 160}, {5, -20, true, 121},
					       /* near-end syllables starting 13 dB and more under
						* the echo: the NLP used to clip them (-1.2 and
						* -1.7 dB) */
					       {6, -10, true, 129}, {2, -10, true, 77}};

	(void)state;
	expect_near_end_kept(cases, sizeof(cases) / sizeof(cases[0]), true);
}

/* Near-end syllables that start 10-20 dB under loud echo, 3 dB over what
 * the filter leaves of it: the ERLE the residual is weighed against fell
 * with the near end, the correlations stayed above 0.95, and the NLP cut
 * a 50 ms window to silence (bench runs: near end -2.3, -1.7, -1.9 and
 * -1.3 dB).  The residual's rise against the echo estimate now holds it
 * off. */
static void near_end_onset_under_loud_echo_not_clipped(void **state)
{
	static const struct dt_case cases[] = {{3, -10, false, 10090}, {2, -30, true, 20087}, {5, -10, false, 30116}, {8, -30, true, 10165}};

	(void)state;
	expect_near_end_kept(cases, sizeof(cases) / sizeof(cases[0]), false);
}

/* A near end 12 dB under the echo does not trip the level rule: the
 * background learnt it, the foreground took the background every few
 * blocks and fell from 30 to 5 dB of ERLE, and the near end's later
 * syllables, no longer told from the echo, were clipped (bench runs: near
 * end -4.9 and -1.2 dB).  While the NLP is held off for a near end the
 * foreground now takes only a background far better for 100 ms. */
static void near_end_under_echo_does_not_spoil_filter(void **state)
{
	static const struct dt_case cases[] = {{3, -10, false, 30090}, {6, -30, true, 10139}};

	(void)state;
	expect_near_end_kept(cases, sizeof(cases) / sizeof(cases[0]), false);
}

/* A near-end syllable falling to 17-19 dB under the echo just after the
 * double talk was last seen: the 40 ms hold ran out and the NLP cut a
 * whole 50 ms window (runs of four sets no tuning saw: near end -4.0 and
 * -1.35 dB).  Within 200 ms of double talk the hold is 120 ms. */
static void syllable_tail_after_double_talk_not_clipped(void **state)
{
	static const struct dt_case cases[] = {{2, -10, true, 70077}, {6, -10, true, 100129}};

	(void)state;
	expect_near_end_kept(cases, sizeof(cases) / sizeof(cases[0]), false);
}

/* A near-end syllable starting 19-21 dB under loud echo, a few hundred
 * ms after the last double talk: the background still explains sin to
 * 0.99, which had vetoed the onset rule, and the NLP cut a 50 ms window
 * (bench runs: near end -1.4 and -2.2 dB). */
static void quiet_onset_after_double_talk_not_clipped(void **state)
{
	static const struct dt_case cases[] = {{6, -10, true, 10129}, {3, -20, true, 20095}};

	(void)state;
	expect_near_end_kept(cases, sizeof(cases) / sizeof(cases[0]), false);
}

/* A filter spoilt during double talk that had cancelled only 15-19 dB
 * before it: it had no checkpoint to go back to and was learnt from
 * nothing, and the echo came back 0.5 s after the near end stopped (bench
 * run: 31.9 dB of combined loss). */
static void spoilt_filter_back_within_half_a_second(void **state)
{
	double loss;

	(void)state;
	run_double_talk(4, -30, -36, true, 20113);
	loss = g168_min_loss(&run, 2, 0.5);
	if (loss < 40)
		fail_msg("combined loss from 0.5 s after the double talk: %.1f dB", loss);
}

/* A filter spoilt by a near end it learnt never makes the line louder
 * than no canceller would: the bench run (model 3, far -20, near -26) that
 * used to come out 34 dB louder than it went in. */
static void never_worse_than_no_canceller(void **state)
{
	(void)state;
	run_double_talk(3, -20, -26, true, 95);
	if (g168_min_loss(&run, 2, 0.0) < 6.0)
		fail_msg("after double talk the combined loss fell to %.1f dB (the line's own ERL is 6)",
			 g168_min_loss(&run, 2, 0.0));
}

static void comfort_noise_at_line_level(void **state)
{
	struct g168_scenario s = {.taps = 1024, .model = 3, .delay_ms = 10, .erl_db = 10, .alaw = true,
				  .noise_dbm0 = -50, .seed = 99,
				  .phase = {{4.0, G168_FAR_SPEECH, -15, false, 0, 0}}, .nphases = 1};
	double cn;

	(void)state;
	assert_int_equal(g168_run(&s, &g168_sipgw_ec, &run), 0);
	cn = g168_mean_sout(&run, 0, 1.0);
	if (cn < run.floor - 3 || cn > run.floor + 3)
		fail_msg("comfort noise %.1f dBm0, line noise %.1f dBm0", cn, run.floor);
}

/* The far end falls silent for the first time while the near end talks
 * alone: that is not the line's noise.  Taking it for noise made the
 * comfort noise -25 dBm0 loud after the double talk (combined loss 11.5 dB
 * instead of 40). */
static void comfort_noise_is_not_the_near_end(void **state)
{
	struct g168_scenario s = {.taps = 1024, .model = 8, .delay_ms = 20, .erl_db = 6, .alaw = true,
				  .noise_dbm0 = -100, .seed = 30156,
				  .phase = {{3.0, G168_FAR_SPEECH, -10, false, 0, 0},
					    {3.0, G168_FAR_SPEECH, -10, true, -10, 0},
					    {2.0, G168_FAR_SPEECH, -10, false, 0, 0}},
				  .nphases = 3};
	/* the same on a silent u-law line: the first level taken was
	 * -63 dBm0 (the most a first estimate could be) from the near end's
	 * speech, 25 dB of combined loss behind a far end at -30 dBm0 */
	struct g168_scenario u = {.taps = 1024, .model = 2, .delay_ms = 20, .erl_db = 6, .alaw = false,
				  .noise_dbm0 = -100, .seed = 30088,
				  .phase = {{3.0, G168_FAR_SPEECH, -30, false, 0, 0},
					    {3.0, G168_FAR_SPEECH, -30, true, -30, 0},
					    {2.0, G168_FAR_SPEECH, -30, false, 0, 0}},
				  .nphases = 3};
	const struct g168_scenario *runs[] = {&s, &u};
	double loss;

	(void)state;
	for (size_t i = 0; i < 2; i++) {
		assert_int_equal(g168_run(runs[i], &g168_sipgw_ec, &run), 0);
		loss = g168_min_loss(&run, 2, 0.5);
		if (loss < 40)
			fail_msg("%s: combined loss after the double talk %.1f dB, comfort noise %.1f dBm0",
				 runs[i]->alaw ? "A-law" : "u-law", loss, g168_mean_sout(&run, 2, 0.5));
	}
}

static void answer_tone_disables(void **state)
{
	struct g168_scenario s = {.taps = 1024, .model = 2, .delay_ms = 10, .erl_db = 10, .alaw = true,
				  .noise_dbm0 = -100, .seed = 3,
				  .phase = {{2.0, G168_FAR_SPEECH, -15, false, 0, 0},
					    {2.0, G168_FAR_2100_PR, -12, false, 0, 0},
					    {1.0, G168_FAR_SILENT, 0, false, 0, 0},
					    {2.0, G168_FAR_SPEECH, -15, false, 0, 0}},
				  .nphases = 4};
	double t;

	(void)state;
	assert_int_equal(g168_run(&s, &g168_sipgw_ec, &run), 0);
	assert_true(run.disabled_seen);
	t = g168_time_to_loss(&run, 3, 40); /* on again after the quiet: cancels */
	assert_true(t >= 0 && t <= 1.0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		SGW_TEST(bad_lengths_refused),
		SGW_TEST(off_is_bit_exact),
		SGW_TEST(speech_echo_gone_within_a_second),
		SGW_TEST(speech_echo_behind_100ms_gone_within_a_second),
		SGW_TEST(converged_by_the_loud_part),
		SGW_TEST(talkspurt_start_not_taken_for_near_end),
		SGW_TEST(echo_of_a_filter_not_yet_cancelling_is_no_near_end),
		SGW_TEST(estimate_louder_than_sin_is_no_near_end),
		SGW_TEST(noise_echo_behind_100ms_gone_within_a_second),
		SGW_TEST(path_change_relearnt_within_a_second),
		SGW_TEST(double_talk_passes_near_end),
		SGW_TEST(double_talk_near_as_quiet_as_the_echo),
		SGW_TEST(near_end_onset_under_loud_echo_not_clipped),
		SGW_TEST(near_end_under_echo_does_not_spoil_filter),
		SGW_TEST(syllable_tail_after_double_talk_not_clipped),
		SGW_TEST(quiet_onset_after_double_talk_not_clipped),
		SGW_TEST(spoilt_filter_back_within_half_a_second),
		SGW_TEST(never_worse_than_no_canceller),
		SGW_TEST(comfort_noise_at_line_level),
		SGW_TEST(comfort_noise_is_not_the_near_end),
		SGW_TEST(answer_tone_disables),
	};
	return cmocka_run_group_tests_name("dsp/ec", tests, NULL, NULL);
}
