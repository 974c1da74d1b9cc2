/* DTMF and fax tones on the TDM side: all 16 digits generated at
 * -25 dBm0 per tone, through white noise at 15 dB SNR and with +-4 dB of
 * twist, are each detected once with about their duration (Q.24); 60 s of
 * speech-like signal (two talkers' worth) raise no digit (talk-off);
 * stripping mutes a detected digit in the audio that goes on; the
 * generator refuses what is not a digit.  CNG (1100 Hz, 0.5 s on 3 s off)
 * and CED (2100 Hz) are reported within 500 ms of their start. */
#include "config.h"

#include "dsp/dtmf.h"
#include "g168.h"
#include "testutil.h"

#include <errno.h>
#include <math.h>

#define RATE 8000
#define DBM0_PEAK 22748.0

struct got {
	char digits[64];
	unsigned starts, ends, last_ms;
};

static void on_digit(void *arg, char d, bool start, unsigned ms)
{
	struct got *g = arg;

	if (start) {
		size_t n = strlen(g->digits);

		g->starts++;
		if (n + 1 < sizeof(g->digits))
			g->digits[n] = d;
	} else {
		g->ends++;
		g->last_ms = ms;
	}
}

static uint32_t rng = 99;

static double gauss(void)
{
	double u1, u2;

	rng = rng * 1664525u + 1013904223u;
	u1 = ((rng >> 8) + 0.5) / 16777216.0;
	rng = rng * 1664525u + 1013904223u;
	u2 = ((rng >> 8) + 0.5) / 16777216.0;
	return sqrt(-2 * log(u1)) * cos(2 * M_PI * u2);
}

static const double low[4] = {697, 770, 852, 941}, high[4] = {1209, 1336, 1477, 1633};
static const char keys[] = "123A456B789C*0#D";

/* one digit of ms at lvl dBm0 per tone with twist (high group louder), in
 * noise snr dB below the digit's power, then 100 ms of the noise alone */
static size_t digit(int16_t *out, char d, unsigned ms, double lvl, double twist, double snr)
{
	const char *p = strchr(keys, d);
	int row = (int)(p - keys) / 4, col = (int)(p - keys) % 4;
	double al = DBM0_PEAK * pow(10, (lvl - twist / 2) / 20), ah = DBM0_PEAK * pow(10, (lvl + twist / 2) / 20);
	double pw = (al * al + ah * ah) / 2, nrms = sqrt(pw) * pow(10, -snr / 20);
	size_t n = ms * RATE / 1000, total = n + RATE / 10;

	for (size_t i = 0; i < total; i++) {
		double v = nrms * gauss();

		if (i < n)
			v += al * sin(2 * M_PI * low[row] * (double)i / RATE) +
			     ah * sin(2 * M_PI * high[col] * (double)i / RATE);
		out[i] = (int16_t)lrint(fmax(-32768, fmin(32767, v)));
	}
	return total;
}

static void sixteen_digits_in_noise_and_twist(void **state)
{
	static int16_t buf[RATE];
	static const double twists[] = {0, 4, -4};

	(void)state;
	for (int t = 0; t < 3; t++) {
		struct got g = {0};
		struct dsp_dtmf_rx *rx = dsp_dtmf_rx_new(on_digit, &g);

		for (int k = 0; k < 16; k++) {
			size_t n = digit(buf, keys[k], 80, -25, twists[t], 15);

			dsp_dtmf_rx_process(rx, buf, n);
		}
		if (strcmp(g.digits, keys))
			fail_msg("twist %+.0f dB: detected \"%s\"", twists[t], g.digits);
		assert_int_equal(g.ends, 16);
		assert_in_range(g.last_ms, 60, 100); /* 80 ms sent */
		dsp_dtmf_rx_free(rx);
	}
}

static void no_talk_off_on_speech(void **state)
{
	static float sp[RATE * 60];
	static bool act[RATE * 60];
	static int16_t pcm[RATE * 60];
	struct got g = {0};
	struct dsp_dtmf_rx *rx = dsp_dtmf_rx_new(on_digit, &g);

	(void)state;
	g168_speech(sp, act, RATE * 30, -10, 1234, 120);
	g168_speech(sp + RATE * 30, act + RATE * 30, RATE * 30, -10, 4321, 210);
	for (size_t i = 0; i < RATE * 60; i++)
		pcm[i] = (int16_t)lrintf(fmaxf(-32768, fminf(32767, sp[i])));
	for (size_t i = 0; i < RATE * 60; i += 160)
		dsp_dtmf_rx_process(rx, pcm + i, 160);
	if (g.starts)
		fail_msg("talk-off: %u digits (\"%s\") in 60 s of speech", g.starts, g.digits);
	dsp_dtmf_rx_free(rx);
}

static void generated_digits_detected_and_stripped(void **state)
{
	struct dsp_dtmf_tx *tx = dsp_dtmf_tx_new(-10, 2);
	struct got g = {0};
	struct dsp_dtmf_rx *rx = dsp_dtmf_rx_new(on_digit, &g);
	int16_t frame[160];
	unsigned loud_after_start = 0;

	(void)state;
	dsp_dtmf_rx_set_strip(rx, true);
	assert_int_equal(dsp_dtmf_tx_put(tx, '7', 100), 0);
	assert_int_equal(dsp_dtmf_tx_put(tx, '#', 100), 0);
	assert_int_equal(dsp_dtmf_tx_put(tx, 'x', 100), -EINVAL);
	assert_int_equal(dsp_dtmf_tx_put(tx, '1', 5), -EINVAL);
	for (int f = 0; f < 25; f++) {
		memset(frame, 0, sizeof(frame));
		dsp_dtmf_tx_mix(tx, frame, 160);
		dsp_dtmf_rx_process(rx, frame, 160);
		/* once a digit is recognised, what goes on is silence */
		if (g.starts > g.ends && g168_dbm0(frame, 160) > -60)
			loud_after_start++;
	}
	assert_string_equal(g.digits, "7#");
	assert_int_equal(g.ends, 2);
	assert_in_range(loud_after_start, 0, 2); /* the frame the digit was found in */
	assert_false(dsp_dtmf_tx_mix(tx, frame, 160)); /* nothing queued */
	dsp_dtmf_rx_free(rx);
	dsp_dtmf_tx_free(tx);
}

struct faxgot {
	int cng, ced;
	size_t cng_at, ced_at, now;
};

static void on_fax(void *arg, enum dsp_fax_tone t)
{
	struct faxgot *f = arg;

	if (t == DSP_TONE_CNG && !f->cng)
		f->cng = 1, f->cng_at = f->now;
	if ((t == DSP_TONE_CED || t == DSP_TONE_ANS_PR) && !f->ced)
		f->ced = 1, f->ced_at = f->now;
}

static void fax_tones_within_500ms(void **state)
{
	struct faxgot f = {0};
	struct dsp_faxdet *fd = dsp_faxdet_new(on_fax, &f);
	int16_t a[160], b[160];
	double amp = DBM0_PEAK * pow(10, -15 / 20.0);

	(void)state;
	/* 1 s of silence, then CNG on the calling side and, 1 s later, CED on the answering side */
	for (size_t i = 0; i < 4 * RATE; i += 160) {
		for (size_t k = 0; k < 160; k++) {
			size_t t = i + k;
			bool cng_on = t >= RATE && (t - RATE) % (RATE * 35 / 10) < RATE / 2;

			a[k] = (int16_t)(cng_on ? amp * sin(2 * M_PI * 1100 * (double)t / RATE) : 0);
			b[k] = (int16_t)(t >= 2 * RATE ? amp * sin(2 * M_PI * 2100 * (double)t / RATE) : 0);
		}
		f.now = i + 160;
		dsp_faxdet_process(fd, a, b, 160);
	}
	assert_true(f.cng);
	assert_true(f.ced);
	assert_true(f.cng_at >= RATE && f.cng_at <= RATE + RATE / 2);
	assert_true(f.ced_at >= 2 * RATE && f.ced_at <= 2 * RATE + RATE / 2);
	dsp_faxdet_free(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		SGW_TEST(sixteen_digits_in_noise_and_twist),
		SGW_TEST(no_talk_off_on_speech),
		SGW_TEST(generated_digits_detected_and_stripped),
		SGW_TEST(fax_tones_within_500ms),
	};
	return cmocka_run_group_tests_name("dsp/dtmf", tests, NULL, NULL);
}
