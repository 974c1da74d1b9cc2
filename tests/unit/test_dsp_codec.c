/* Codecs: every codec round-trips a test signal (a 1 kHz and a 400 Hz tone
 * at -10 dBm0, 8 kHz) with the SNR it should have: G.711 A and u above
 * 33 dB, G.722 and G.726-32 above 20 dB, and the vocoders GSM 06.10 and
 * G.729A keep the signal's level and spectrum (their waveform SNR means
 * little); payload sizes per 20 ms are RTP's; an A-law line and PCMA need
 * no transcoding (bytes identical both ways); the registry finds codecs by
 * their SDP names; bad input is refused.  G.729 annex B: silence goes
 * out as a few SID frames and nothing between them, speech as full
 * frames, and the far side makes comfort noise near the noise's level
 * from the SIDs while nothing comes. */
#include "config.h"

#include "dsp/codec.h"
#include "testutil.h"

#include <errno.h>
#include <math.h>
#include <spandsp.h>

#define N (8000 * 2)

static int16_t in[N], out[N + 1000];

static void make_signal(void)
{
	for (int i = 0; i < N; i++)
		in[i] = (int16_t)lrint(8000 * sin(2 * M_PI * 1000 * i / 8000.0) +
				       4000 * sin(2 * M_PI * 400 * i / 8000.0));
}

/* best SNR over a delay search (codecs have a delay) */
static double snr(const int16_t *a, const int16_t *b, int n, int maxdelay, int *at)
{
	double best = -100;

	for (int d = 0; d <= maxdelay; d++) {
		double s = 0, e = 0;

		for (int i = 2000; i < n - maxdelay; i++) {
			double x = a[i], y = b[i + d];

			s += x * x;
			e += (x - y) * (x - y);
		}
		if (10 * log10(s / (e + 1)) > best) {
			best = 10 * log10(s / (e + 1));
			*at = d;
		}
	}
	return best;
}

static double level(const int16_t *x, int n)
{
	double e = 0;

	for (int i = 0; i < n; i++)
		e += (double)x[i] * x[i];
	return 10 * log10(e / n + 1);
}

/* energy at f Hz over the signal, relative to the total */
static double share(const int16_t *x, int n, double f)
{
	double c = 2 * cos(2 * M_PI * f / 8000), q1 = 0, q2 = 0, e = 0;

	for (int i = 0; i < n; i++) {
		double q0 = c * q1 - q2 + x[i];

		q2 = q1;
		q1 = q0;
		e += (double)x[i] * x[i];
	}
	return (q1 * q1 + q2 * q2 - c * q1 * q2) * 2 / n / e;
}

static int round_trip(enum dsp_codec_id id)
{
	struct dsp_codec *c = dsp_codec_new(id, false);
	uint8_t pay[400];
	int total = 0;

	assert_non_null(c);
	for (int i = 0; i < N; i += 160) {
		int n = dsp_codec_encode(c, in + i, 160, pay, sizeof(pay)), m;

		assert_int_equal(n, (int)dsp_codecs[id].bytes_20ms);
		m = dsp_codec_decode(c, pay, (size_t)n, out + total, sizeof(out) / 2 - (size_t)total);
		assert_int_equal(m, 160);
		total += m;
	}
	dsp_codec_free(c);
	return total;
}

static void waveform_codecs_snr(void **state)
{
	static const struct {
		enum dsp_codec_id id;
		double min_snr;
	} w[] = {{DSP_PCMA, 33}, {DSP_PCMU, 33}, {DSP_G722, 20}, {DSP_G726_32, 20}};

	(void)state;
	make_signal();
	for (size_t k = 0; k < 4; k++) {
		int at = 0, n = round_trip(w[k].id);
		double s = snr(in, out, n, 80, &at);

		if (s < w[k].min_snr)
			fail_msg("%s: SNR %.1f dB (delay %d), want %.0f", dsp_codecs[w[k].id].name, s, at,
				 w[k].min_snr);
	}
}

static void vocoders_keep_level_and_spectrum(void **state)
{
	static const enum dsp_codec_id v[] = {DSP_GSM, DSP_G729};

	(void)state;
	make_signal();
	for (size_t k = 0; k < 2; k++) {
		int n = round_trip(v[k]);
		double dl = level(out + 2000, n - 2000) - level(in + 2000, n - 2000);
		double s1 = share(out + 2000, n - 2000, 1000), s4 = share(out + 2000, n - 2000, 400);

		if (fabs(dl) > 3 || s1 + s4 < 0.7)
			fail_msg("%s: level %+.1f dB, 1 kHz %.2f and 400 Hz %.2f of the energy",
				 dsp_codecs[v[k]].name, dl, s1, s4);
	}
}

static void line_law_needs_no_transcoding(void **state)
{
	struct dsp_codec *c = dsp_codec_new(DSP_PCMA, false);
	uint8_t line[160], pay[160];
	int16_t lin[160];

	(void)state;
	/* an A-law timeslot's bytes, decoded and encoded as PCMA, come back the same */
	for (int i = 0; i < 160; i++)
		line[i] = (uint8_t)(i * 37 + 11);
	assert_int_equal(dsp_codec_decode(c, line, 160, lin, 160), 160);
	assert_int_equal(dsp_codec_encode(c, lin, 160, pay, sizeof(pay)), 160);
	assert_memory_equal(line, pay, 160);
	assert_true(dsp_codec_is_line_law(DSP_PCMA, true));
	assert_false(dsp_codec_is_line_law(DSP_PCMU, true));
	assert_true(dsp_codec_is_line_law(DSP_PCMU, false));
	dsp_codec_free(c);
}

static void registry_and_bad_input(void **state)
{
	struct dsp_codec *c;
	uint8_t pay[40];
	int16_t pcm[160] = {0};

	(void)state;
	assert_int_equal(dsp_codec_find("pcmu", 8000)->static_pt, 0);
	assert_int_equal(dsp_codec_find("G729", 8000)->id, DSP_G729);
	assert_string_equal(dsp_codec_find("G729", 8000)->fmtp, "annexb=no");
	assert_int_equal(dsp_codec_find("G722", 8000)->static_pt, 9);
	assert_null(dsp_codec_find("G722", 16000)); /* RFC 3551: G.722's clock is 8000 */
	assert_null(dsp_codec_find("opus", 48000));
	c = dsp_codec_new(DSP_G729, false);
	assert_int_equal(dsp_codec_encode(c, pcm, 100, pay, sizeof(pay)), -EINVAL); /* not 10 ms */
	assert_int_equal(dsp_codec_encode(c, pcm, 160, pay, 10), -ENOSPC);
	assert_int_equal(dsp_codec_decode(c, pay, 7, pcm, 160), -EINVAL); /* not a frame */
	dsp_codec_free(c);
	c = dsp_codec_new(DSP_GSM, false);
	assert_int_equal(dsp_codec_decode(c, pay, 20, pcm, 160), -EINVAL);
	dsp_codec_free(c);
	assert_null(dsp_codec_new(DSP_CODECS, false));
}

/* dBm0 of a linear signal's power (0 dBm0 is 3.14 dB under a full-scale sine) */
static double dbm0(double power)
{
	return 10 * log10(power / (32768.0 * 32768.0 / 2) + 1e-30) - 3.14;
}

static void g729_annex_b(void **state)
{
	struct dsp_codec *tx = dsp_codec_new(DSP_G729, true), *rx = dsp_codec_new(DSP_G729, false);
	int16_t frame[160], pcm[160];
	uint8_t pay[40];
	unsigned speech_bytes = 0, quiet_bytes = 0, sids = 0, filled = 0;
	double quiet_in = 0, cn = 0;
	uint32_t seed = 7;

	(void)state;
	assert_non_null(tx);
	assert_non_null(rx);
	assert_int_equal(dsp_codec_fill(rx, false, pcm, 160), 0); /* no SID yet: silence is silence */
	dsp_codec_set_packet_samples(rx, 160); /* 20 ms packets: a short one is filled up */
	make_signal();
	/* 1 s of the two tones, then 2 s of white noise at about -55 dBm0 */
	for (int f = 0; f < 150; f++) {
		int len;

		for (int i = 0; i < 160; i++) {
			if (f < 50) {
				frame[i] = in[f * 160 + i];
			} else {
				seed = seed * 1664525u + 1013904223u;
				frame[i] = (int16_t)((int32_t)seed >> 24); /* uniform, +-128 */
			}
		}
		len = dsp_codec_encode(tx, frame, 160, pay, sizeof(pay));
		assert_true(len >= 0);
		if (f < 50)
			speech_bytes += (unsigned)len;
		else if (f >= 100)
			quiet_bytes += (unsigned)len;
		sids += len == 2 || len == 12;
		if (len > 0) {
			assert_int_equal(dsp_codec_decode(rx, pay, (size_t)len, pcm, 160), 160);
		} else {
			assert_int_equal(dsp_codec_fill(rx, false, pcm, 160), 160); /* comfort noise */
			filled++;
		}
		if (f >= 100) {
			quiet_in += level(frame, 160) > 0 ? pow(10, level(frame, 160) / 10) : 0;
			cn += pow(10, level(pcm, 160) / 10);
		}
	}
	quiet_in = dbm0(quiet_in / 50);
	cn = dbm0(cn / 50);
	print_message("annex B: speech %u bytes a second, quiet %u, %u SIDs, comfort noise %.1f dBm0 for %.1f\n",
		      speech_bytes, quiet_bytes, sids, cn, quiet_in);
	if (speech_bytes != 50 * 20 || quiet_bytes > 50 * 20 / 5 || !sids || !filled)
		fail_msg("speech %u bytes (1000 expected), quiet %u bytes, %u SIDs, %u frames not sent",
			 speech_bytes, quiet_bytes, sids, filled);
	if (fabs(cn - quiet_in) > 6)
		fail_msg("comfort noise %.1f dBm0, the noise sent %.1f dBm0", cn, quiet_in);
	assert_int_equal(dsp_codec_fill(rx, true, pcm, 100), 0); /* not 10 ms frames */
	dsp_codec_free(tx);
	dsp_codec_free(rx);
	tx = dsp_codec_new(DSP_PCMA, false);
	assert_int_equal(dsp_codec_fill(tx, true, pcm, 160), 0); /* G.711: the caller's concealment */
	dsp_codec_free(tx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		SGW_TEST(waveform_codecs_snr),
		SGW_TEST(g729_annex_b),
		SGW_TEST(vocoders_keep_level_and_spectrum),
		SGW_TEST(line_law_needs_no_transcoding),
		SGW_TEST(registry_and_bad_input),
	};
	return cmocka_run_group_tests_name("dsp/codec", tests, NULL, NULL);
}
