/* level.c: gain and metering, see level.h. */
#include "config.h"

#include "dsp/level.h"

#include <math.h>
#include <string.h>

#define DBM0_RMS 16086.0
#define DBM0_PEAK 22748.0
#define CLIP_LEVEL 32000.0f /* G.711's largest values are 32124 (u-law) and 32256 (A-law) */
#define ACTIVE_FLOOR (DBM0_RMS * DBM0_RMS * 1e-6) /* -60 dBm0, per sample */

void dsp_level_init(struct dsp_level *l, double gain_db)
{
	memset(l, 0, sizeof(*l));
	if (gain_db < -24)
		gain_db = -24;
	if (gain_db > 24)
		gain_db = 24;
	l->gain = (float)pow(10, gain_db / 20);
}

void dsp_level_process(struct dsp_level *l, int16_t *pcm, size_t n)
{
	double e = 0;

	for (size_t i = 0; i < n; i++) {
		float v = pcm[i] * l->gain;
		int16_t s;

		if (v >= CLIP_LEVEL || v <= -CLIP_LEVEL)
			l->clipped++; /* at the top of G.711 (or beyond, cut) */
		if (v > 32767.0f || v < -32768.0f)
			v = v > 0 ? 32767.0f : -32768.0f;
		s = (int16_t)lrintf(v);
		pcm[i] = s;
		e += (double)s * s;
		if (s == -32768)
			l->peak = 32767;
		else if ((s < 0 ? -s : s) > l->peak)
			l->peak = (int16_t)(s < 0 ? -s : s);
	}
	l->samples += n;
	if (n && e / (double)n > ACTIVE_FLOOR) {
		l->energy += e;
		l->active += n;
	}
}

double dsp_level_mean_dbm0(const struct dsp_level *l)
{
	if (!l->active)
		return -100;
	return 20 * log10(sqrt(l->energy / (double)l->active) / DBM0_RMS);
}

double dsp_level_peak_dbm0(const struct dsp_level *l)
{
	return l->peak ? 20 * log10(l->peak / DBM0_PEAK) : -100;
}
