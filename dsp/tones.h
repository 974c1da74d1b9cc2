/* tones.h: call progress tones per country zone, and the test tones.
 *
 * A tone is up to two frequencies at a level (dBm0 per frequency) played
 * in a cadence of up to four on/off steps, repeated (a continuous tone has
 * one step with no off time).  The zones: at au ch de fr it jp nl uk us,
 * each with dial, ringback, busy, congestion, call waiting and special
 * information tone (950/1400/1800 Hz); the milliwatt is 1004 Hz at 0 dBm0
 * (the test number's tone). */
#ifndef SGW_DSP_TONES_H
#define SGW_DSP_TONES_H

#include <stddef.h>
#include <stdint.h>

enum dsp_tone_kind { DSP_TONE_DIAL, DSP_TONE_RINGBACK, DSP_TONE_BUSY, DSP_TONE_CONGESTION,
		     DSP_TONE_CALL_WAITING, DSP_TONE_SIT, DSP_TONE_KINDS };

extern const char *const dsp_tone_kind_names[DSP_TONE_KINDS];

struct dsp_tone_step {
	unsigned f1, f2;      /* Hz; 0: none */
	unsigned on_ms, off_ms;
};

struct dsp_tone {
	float level_dbm0;     /* per frequency */
	struct dsp_tone_step step[4];
	unsigned nsteps;      /* a step with off_ms 0 and one step: continuous */
};

/* the zone's tone, NULL for a zone we do not have ("de", "us", ...) */
const struct dsp_tone *dsp_tone_find(const char *zone, enum dsp_tone_kind kind);
extern const struct dsp_tone dsp_tone_milliwatt;
extern const char *const dsp_tone_zones[];

struct dsp_tonegen {
	const struct dsp_tone *t;
	unsigned step;
	uint32_t left;	/* samples left in this on or off part */
	int on;
	double ph1, ph2, amp;
};

void dsp_tonegen_init(struct dsp_tonegen *g, const struct dsp_tone *t);
void dsp_tonegen(struct dsp_tonegen *g, int16_t *pcm, size_t n);

#endif
