/* level.h: gain and level metering of one direction of a channel.
 *
 * Gain in dB (-24..+24) is applied with saturation; every clipped sample
 * is counted: one at G.711's full scale (the law's largest values, where
 * a louder signal is cut flat) or cut by the gain.  The meter keeps the call's mean level (dBm0 over the active
 * audio, frames below -60 dBm0 not counted), its peak and the clip count,
 * for call quality records. */
#ifndef SGW_DSP_LEVEL_H
#define SGW_DSP_LEVEL_H

#include <stddef.h>
#include <stdint.h>

struct dsp_level {
	float gain;	    /* linear */
	double energy;	    /* of active frames */
	uint64_t active, clipped, samples;
	int16_t peak;
};

/* gain_db outside -24..24 is clamped */
void dsp_level_init(struct dsp_level *l, double gain_db);
/* apply the gain to pcm (in place) and meter what comes out */
void dsp_level_process(struct dsp_level *l, int16_t *pcm, size_t n);
/* mean level of the active audio in dBm0 (-100 if none), peak in dBm0 */
double dsp_level_mean_dbm0(const struct dsp_level *l);
double dsp_level_peak_dbm0(const struct dsp_level *l);

#endif
