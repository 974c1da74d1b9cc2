/* Call progress tones, checked by analysing what the generator makes:
 * for every zone (at au ch de fr it jp nl uk us) and every tone (dial,
 * ringback, busy, congestion, call waiting, SIT), 12 s of it: in each on
 * part the energy is at the tone's frequencies (Goertzel) and the level per
 * frequency is the table's to 0.5 dB; the on and off parts last what the
 * cadence says to 10 ms, in order; a continuous tone never stops.  The
 * milliwatt is 1004 Hz at 0 dBm0 to 0.1 dB. */
#include "config.h"

#include "dsp/tones.h"
#include "testutil.h"

#include <math.h>

#define RATE 8000
#define BLK 40 /* 5 ms */
#define SECS 12
#define DBM0_RMS 16086.0

static int16_t pcm[RATE * SECS];

static double goertzel(const int16_t *x, int n, double f)
{
	double c = 2 * cos(2 * M_PI * f / RATE), q1 = 0, q2 = 0;

	for (int i = 0; i < n; i++) {
		double q0 = c * q1 - q2 + x[i];

		q2 = q1;
		q1 = q0;
	}
	return (q1 * q1 + q2 * q2 - c * q1 * q2) * 2 / n; /* energy at f */
}

static double energy(const int16_t *x, int n)
{
	double e = 0;

	for (int i = 0; i < n; i++)
		e += (double)x[i] * x[i];
	return e;
}

/* The on/off runs (in 5 ms blocks) of the signal, compared with the cadence. */
static void check_tone(const char *zone, enum dsp_tone_kind k, const struct dsp_tone *t)
{
	struct dsp_tonegen g;
	int nblk = RATE * SECS / BLK;
	int run = 0, step = 0, parts = 0;
	bool on = true, continuous = t->nsteps == 1 && t->step[0].off_ms == 0;

	dsp_tonegen_init(&g, t);
	dsp_tonegen(&g, pcm, RATE * SECS);
	for (int b = 0; b <= nblk; b++) {
		bool now = b < nblk && energy(pcm + b * BLK, BLK) > BLK * 100.0;

		if (b < nblk && now == on) {
			run++;
			continue;
		}
		/* a part ended: its length against the cadence (the last one may be cut) */
		if (b < nblk) {
			unsigned want = on ? t->step[step].on_ms : t->step[step].off_ms;

			if (want && abs(run * 5 - (int)want) > 10)
				fail_msg("%s %s: step %d %s lasted %d ms, cadence says %u", zone,
					 dsp_tone_kind_names[k], step, on ? "on" : "off", run * 5, want);
			parts++;
		}
		if (!on || !t->step[step].off_ms)
			step = (step + 1) % (int)t->nsteps;
		on = now;
		run = 1;
	}
	if (continuous)
		assert_int_equal(parts, 0); /* never stopped */
	else
		assert_true(parts >= 2);
}

static void check_frequencies(const char *zone, enum dsp_tone_kind k, const struct dsp_tone *t)
{
	/* the first 100 ms of the first step (or all of it, if shorter): its
	 * frequencies, at its level */
	const struct dsp_tone_step *s = &t->step[0];
	int n = s->on_ms && s->on_ms < 100 ? (int)s->on_ms * 8 : 800;
	double e = energy(pcm, n), ef = 0;
	double want = DBM0_RMS * DBM0_RMS * pow(10, t->level_dbm0 / 10) * n; /* energy per frequency */

	if (s->f1)
		ef += goertzel(pcm, n, s->f1);
	if (s->f2)
		ef += goertzel(pcm, n, s->f2);
	if (ef < 0.9 * e)
		fail_msg("%s %s: only %.0f %% of the energy at %u/%u Hz", zone, dsp_tone_kind_names[k],
			 100 * ef / e, s->f1, s->f2);
	if (fabs(10 * log10(goertzel(pcm, n, s->f1) / want)) > 0.5)
		fail_msg("%s %s: %u Hz at %.2f dB from %.0f dBm0", zone, dsp_tone_kind_names[k], s->f1,
			 10 * log10(goertzel(pcm, n, s->f1) / want), t->level_dbm0);
}

static void every_zone_every_tone(void **state)
{
	(void)state;
	for (int z = 0; dsp_tone_zones[z]; z++) {
		for (int k = 0; k < DSP_TONE_KINDS; k++) {
			const struct dsp_tone *t = dsp_tone_find(dsp_tone_zones[z], (enum dsp_tone_kind)k);

			assert_non_null(t);
			if (k == DSP_TONE_SIT)
				continue; /* three frequencies in turn: checked below */
			check_tone(dsp_tone_zones[z], (enum dsp_tone_kind)k, t);
			check_frequencies(dsp_tone_zones[z], (enum dsp_tone_kind)k, t);
		}
	}
	assert_null(dsp_tone_find("xx", DSP_TONE_DIAL));
}

static void sit_is_three_rising_tones(void **state)
{
	struct dsp_tonegen g;
	static const unsigned f[3] = {950, 1400, 1800};

	(void)state;
	dsp_tonegen_init(&g, dsp_tone_find("de", DSP_TONE_SIT));
	dsp_tonegen(&g, pcm, RATE * 2);
	for (int i = 0; i < 3; i++) {
		const int16_t *seg = pcm + i * 330 * 8 + 400; /* inside the i-th 330 ms tone */

		assert_true(goertzel(seg, 1600, f[i]) > 0.9 * energy(seg, 1600));
	}
	assert_true(energy(pcm + 1000 * 8 + 400, 4000) == 0); /* then a second of silence */
}

static void milliwatt(void **state)
{
	struct dsp_tonegen g;
	double lvl;

	(void)state;
	dsp_tonegen_init(&g, &dsp_tone_milliwatt);
	dsp_tonegen(&g, pcm, RATE);
	lvl = 10 * log10(energy(pcm, RATE) / RATE / (DBM0_RMS * DBM0_RMS));
	assert_true(fabs(lvl) < 0.1);
	assert_true(goertzel(pcm, RATE, 1004) > 0.99 * energy(pcm, RATE));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		SGW_TEST(every_zone_every_tone),
		SGW_TEST(sit_is_three_rising_tones),
		SGW_TEST(milliwatt),
	};
	return cmocka_run_group_tests_name("dsp/tones", tests, NULL, NULL);
}
