/* Gain and levels: +6 dB doubles the amplitude; -6 dB halves it; the mean
 * level of a -10 dBm0 tone with pauses is -10 dBm0 (pauses not counted);
 * +20 dB on a loud tone clips and the clipped samples are counted; gain is
 * clamped to +-24 dB. */
#include "config.h"

#include "dsp/level.h"
#include "testutil.h"

#include <math.h>
#include <spandsp.h>

static void fill(int16_t *x, size_t n, double dbm0)
{
	double a = 22748.0 * pow(10, dbm0 / 20);

	for (size_t i = 0; i < n; i++)
		x[i] = (int16_t)lrint(a * sin(2 * M_PI * 1000 * (double)i / 8000));
}

static void gains_and_levels(void **state)
{
	struct dsp_level l;
	int16_t x[160], y[160];

	(void)state;
	fill(x, 160, -20);
	memcpy(y, x, sizeof(y));
	dsp_level_init(&l, 6);
	dsp_level_process(&l, y, 160);
	for (int i = 0; i < 160; i++)
		assert_true(abs(y[i] - 2 * x[i]) <= 2 + abs(x[i]) / 100);
	assert_true(fabs(dsp_level_mean_dbm0(&l) - -14) < 0.1);
	memcpy(y, x, sizeof(y));
	dsp_level_init(&l, -6);
	dsp_level_process(&l, y, 160);
	assert_true(fabs(dsp_level_mean_dbm0(&l) - -26) < 0.1);
	/* a tone with silent frames between: the mean is the tone's */
	dsp_level_init(&l, 0);
	for (int f = 0; f < 10; f++) {
		fill(x, 160, -10);
		if (f % 2)
			memset(x, 0, sizeof(x));
		dsp_level_process(&l, x, 160);
	}
	assert_true(fabs(dsp_level_mean_dbm0(&l) - -10) < 0.05);
	assert_true(fabs(dsp_level_peak_dbm0(&l) - -10) < 0.1);
	assert_int_equal(l.clipped, 0);
	/* a line overloaded at 0 dB: samples at G.711's full scale count */
	dsp_level_init(&l, 0);
	for (int i = 0; i < 160; i++)
		x[i] = alaw_to_linear(linear_to_alaw((int16_t)(i % 4 < 2 ? 32767 : -32768)));
	dsp_level_process(&l, x, 160);
	assert_int_equal(l.clipped, 160);
	/* 20 dB on a -5 dBm0 tone: most of it clips, and says so */
	dsp_level_init(&l, 20);
	fill(x, 160, -5);
	dsp_level_process(&l, x, 160);
	assert_true(l.clipped > 80);
	/* clamped */
	dsp_level_init(&l, 40);
	assert_true(fabs(20 * log10(l.gain) - 24) < 0.01);
	dsp_level_init(&l, -99);
	assert_true(fabs(20 * log10(l.gain) + 24) < 0.01);
}

int main(void)
{
	const struct CMUnitTest tests[] = {SGW_TEST(gains_and_levels)};

	return cmocka_run_group_tests_name("dsp/level", tests, NULL, NULL);
}
