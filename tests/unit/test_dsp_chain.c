/* The per-call DSP chain as call control will use it: with the line's law
 * as codec and nothing to do, bytes pass unchanged both ways (bit-exact); a
 * u-law T1 line to PCMA transcodes with G.711's SNR; an echo of what we send
 * to the line is cancelled out of what goes to the network; a DTMF digit
 * from the line is reported and (strip) muted; a digit played toward the
 * line is there; a CED from the line is reported and pass-through then
 * carries the fax bytes unchanged with the canceller off. */
#include "config.h"

#include "dsp/chain.h"
#include "testutil.h"

#include <math.h>
#include <spandsp.h>

struct seen {
	char digits[16];
	int fax;
};

static void on_digit(void *arg, char d, bool start, unsigned ms)
{
	struct seen *s = arg;

	(void)ms;
	if (start && strlen(s->digits) + 1 < sizeof(s->digits))
		s->digits[strlen(s->digits)] = d;
}

static void on_fax(void *arg, enum dsp_fax_tone t)
{
	((struct seen *)arg)->fax = (int)t;
}

static double snr_db(const int16_t *a, const int16_t *b, int n)
{
	double s = 0, e = 0;

	for (int i = 0; i < n; i++) {
		s += (double)a[i] * a[i];
		e += ((double)a[i] - b[i]) * ((double)a[i] - b[i]);
	}
	return 10 * log10(s / (e + 1));
}

static double level(const int16_t *x, int n)
{
	double e = 0;

	for (int i = 0; i < n; i++)
		e += (double)x[i] * x[i];
	return 10 * log10(e / n + 1);
}

static void transparent_bit_exact(void **state)
{
	struct dsp_chain_config cfg = {.line_alaw = true, .codec = DSP_PCMA};
	struct dsp_chain *c = dsp_chain_new(&cfg);
	uint8_t line[DSP_FRAME], pay[DSP_FRAME], back[DSP_FRAME];
	int16_t pcm[DSP_FRAME];

	(void)state;
	for (int f = 0; f < 20; f++) {
		for (int i = 0; i < DSP_FRAME; i++)
			line[i] = (uint8_t)(i * 31 + f * 7);
		assert_int_equal(dsp_chain_from_line(c, line, pay, sizeof(pay)), DSP_FRAME);
		assert_memory_equal(pay, line, DSP_FRAME);
		/* the network's PCMA decoded by the playout, back to the line */
		for (int i = 0; i < DSP_FRAME; i++)
			pcm[i] = alaw_to_linear(line[i]);
		dsp_chain_to_line(c, pcm, back);
		assert_memory_equal(back, line, DSP_FRAME);
	}
	dsp_chain_free(c);
}

static void t1_line_to_pcma(void **state)
{
	struct dsp_chain_config cfg = {.line_alaw = false, .codec = DSP_PCMA};
	struct dsp_chain *c = dsp_chain_new(&cfg);
	uint8_t line[DSP_FRAME], pay[DSP_FRAME];
	int16_t want[DSP_FRAME], got[DSP_FRAME];

	(void)state;
	for (int i = 0; i < DSP_FRAME; i++) {
		want[i] = (int16_t)lrint(8000 * sin(2 * M_PI * 1000 * i / 8000.0));
		line[i] = linear_to_ulaw(want[i]);
	}
	assert_int_equal(dsp_chain_from_line(c, line, pay, sizeof(pay)), DSP_FRAME);
	for (int i = 0; i < DSP_FRAME; i++)
		got[i] = alaw_to_linear(pay[i]);
	assert_true(snr_db(want, got, DSP_FRAME) > 30);
	dsp_chain_free(c);
}

static void echo_cancelled_toward_the_network(void **state)
{
	struct dsp_chain_config cfg = {.line_alaw = true, .codec = DSP_PCMA, .ec_taps = 512};
	struct dsp_chain *c = dsp_chain_new(&cfg);
	static int16_t hist[DSP_FRAME * 200];
	uint8_t line_out[DSP_FRAME], line_in[DSP_FRAME], pay[DSP_FRAME];
	int16_t far[DSP_FRAME], echo[DSP_FRAME], res[DSP_FRAME];
	uint32_t rng = 5;
	double echo_lvl = 0, res_lvl = 0;

	(void)state;
	for (int f = 0; f < 150; f++) {
		for (int i = 0; i < DSP_FRAME; i++) {
			rng = rng * 1664525u + 1013904223u;
			far[i] = (int16_t)((int32_t)rng >> 19); /* noise at about -10 dBm0 */
		}
		dsp_chain_to_line(c, far, line_out);
		/* the hybrid: half the signal back, 5 ms later */
		for (int i = 0; i < DSP_FRAME; i++) {
			int n = f * DSP_FRAME + i;

			hist[n] = alaw_to_linear(line_out[i]);
			echo[i] = n >= 40 ? (int16_t)(hist[n - 40] / 2) : 0;
			line_in[i] = linear_to_alaw(echo[i]);
		}
		assert_int_equal(dsp_chain_from_line(c, line_in, pay, sizeof(pay)), DSP_FRAME);
		if (f >= 100) { /* the last second */
			for (int i = 0; i < DSP_FRAME; i++)
				res[i] = alaw_to_linear(pay[i]);
			echo_lvl += level(echo, DSP_FRAME);
			res_lvl += level(res, DSP_FRAME);
		}
	}
	if (echo_lvl - res_lvl < 50 * 25) /* 25 dB down on average over 50 frames */
		fail_msg("echo %.1f dB, toward the network %.1f dB", echo_lvl / 50, res_lvl / 50);
	dsp_chain_free(c);
}

static void digits_both_ways_and_fax(void **state)
{
	struct seen s = {0};
	struct dsp_chain_config cfg = {.line_alaw = true, .codec = DSP_PCMA, .ec_taps = 256,
				       .dtmf_detect = true, .dtmf_strip = true, .on_digit = on_digit,
				       .on_fax = on_fax, .arg = &s};
	struct dsp_chain *c = dsp_chain_new(&cfg);
	struct dsp_dtmf_tx *phone = dsp_dtmf_tx_new(-10, 2);
	struct seen heard = {0};
	struct dsp_dtmf_rx *ear = dsp_dtmf_rx_new(on_digit, &heard);
	uint8_t line[DSP_FRAME], pay[DSP_FRAME], out[DSP_FRAME];
	int16_t pcm[DSP_FRAME], zero[DSP_FRAME] = {0};
	unsigned loud = 0;

	(void)state;
	/* a phone on the line dials 5; we play 9 toward the line */
	dsp_dtmf_tx_put(phone, '5', 100);
	assert_int_equal(dsp_chain_play_digit(c, '9', 100), 0);
	for (int f = 0; f < 25; f++) {
		memset(pcm, 0, sizeof(pcm));
		dsp_dtmf_tx_mix(phone, pcm, DSP_FRAME);
		for (int i = 0; i < DSP_FRAME; i++)
			line[i] = linear_to_alaw(pcm[i]);
		dsp_chain_from_line(c, line, pay, sizeof(pay));
		for (int i = 0; i < DSP_FRAME; i++)
			pcm[i] = alaw_to_linear(pay[i]);
		if (s.digits[0] && level(pcm, DSP_FRAME) > 40)
			loud++;
		dsp_chain_to_line(c, zero, out);
		for (int i = 0; i < DSP_FRAME; i++)
			pcm[i] = alaw_to_linear(out[i]);
		dsp_dtmf_rx_process(ear, pcm, DSP_FRAME);
	}
	assert_string_equal(s.digits, "5");
	assert_true(loud <= 1); /* muted once recognised */
	assert_string_equal(heard.digits, "9");
	/* a fax machine on the line answers: CED reported; pass-through is bit-exact */
	for (int f = 0; f < 25 && !s.fax; f++) {
		for (int i = 0; i < DSP_FRAME; i++)
			line[i] = linear_to_alaw((int16_t)lrint(5000 * sin(2 * M_PI * 2100 * (f * DSP_FRAME + i) / 8000.0)));
		dsp_chain_from_line(c, line, pay, sizeof(pay));
	}
	assert_int_equal(s.fax, DSP_TONE_CED);
	dsp_chain_passthrough(c, true);
	for (int i = 0; i < DSP_FRAME; i++)
		line[i] = (uint8_t)(i * 13);
	assert_int_equal(dsp_chain_from_line(c, line, pay, sizeof(pay)), DSP_FRAME);
	assert_memory_equal(pay, line, DSP_FRAME);
	dsp_dtmf_rx_free(ear);
	dsp_dtmf_tx_free(phone);
	dsp_chain_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		SGW_TEST(transparent_bit_exact),
		SGW_TEST(t1_line_to_pcma),
		SGW_TEST(echo_cancelled_toward_the_network),
		SGW_TEST(digits_both_ways_and_fax),
	};
	return cmocka_run_group_tests_name("dsp/chain", tests, NULL, NULL);
}
