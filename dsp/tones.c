/* tones.c: call progress tones, see tones.h.  The zone table is after the
 * national tone plans collected in ITU-T E.180 supplement 2 (frequencies,
 * cadences), rounded to what the deployed exchanges play; where a plan
 * modulates a tone, the plain carrier is played. */
#include "config.h"

#include "dsp/tones.h"

#include <math.h>
#include <stdbool.h>
#include <string.h>

#define DBM0_PEAK 22748.0 /* peak of a 0 dBm0 sine in 16-bit linear */
#define CONT(f1, f2) {{f1, f2, 1000, 0}}, 1

const char *const dsp_tone_kind_names[DSP_TONE_KINDS] = {"dial", "ringback", "busy", "congestion",
							  "call-waiting", "sit"};
const char *const dsp_tone_zones[] = {"at", "au", "ch", "de", "fr", "it", "jp", "nl", "uk", "us", NULL};

#define SIT {-13, {{950, 0, 330, 0}, {1400, 0, 330, 0}, {1800, 0, 330, 1000}}, 3}

static const struct {
	const char *zone;
	struct dsp_tone t[DSP_TONE_KINDS];
} zones[] = {
	{"at", {{-13, CONT(420, 0)}, {-13, {{420, 0, 1000, 5000}}, 1}, {-13, {{420, 0, 400, 400}}, 1},
		{-13, {{420, 0, 200, 200}}, 1}, {-13, {{420, 0, 40, 1950}}, 1}, SIT}},
	{"au", {{-13, CONT(413, 438)}, {-13, {{413, 438, 400, 200}, {413, 438, 400, 2000}}, 2},
		{-13, {{425, 0, 375, 375}}, 1}, {-13, {{425, 0, 375, 375}}, 1},
		{-13, {{425, 0, 200, 200}, {425, 0, 200, 4400}}, 2}, SIT}},
	{"ch", {{-13, CONT(425, 0)}, {-13, {{425, 0, 1000, 4000}}, 1}, {-13, {{425, 0, 500, 500}}, 1},
		{-13, {{425, 0, 200, 200}}, 1}, {-13, {{425, 0, 200, 200}, {425, 0, 200, 4000}}, 2}, SIT}},
	{"de", {{-13, CONT(425, 0)}, {-13, {{425, 0, 1000, 4000}}, 1}, {-13, {{425, 0, 480, 480}}, 1},
		{-13, {{425, 0, 240, 240}}, 1}, {-13, {{425, 0, 200, 200}, {425, 0, 200, 5000}}, 2}, SIT}},
	{"fr", {{-13, CONT(440, 0)}, {-13, {{440, 0, 1500, 3500}}, 1}, {-13, {{440, 0, 500, 500}}, 1},
		{-13, {{440, 0, 250, 250}}, 1}, {-13, {{440, 0, 300, 10000}}, 1}, SIT}},
	{"it", {{-13, {{425, 0, 200, 200}, {425, 0, 600, 1000}}, 2}, {-13, {{425, 0, 1000, 4000}}, 1},
		{-13, {{425, 0, 500, 500}}, 1}, {-13, {{425, 0, 200, 200}}, 1},
		{-13, {{425, 0, 400, 100}, {425, 0, 250, 4000}}, 2}, SIT}},
	{"jp", {{-13, CONT(400, 0)}, {-13, {{400, 0, 1000, 2000}}, 1}, {-13, {{400, 0, 500, 500}}, 1},
		{-13, {{400, 0, 500, 500}}, 1}, {-13, {{400, 0, 500, 500}, {400, 0, 500, 3000}}, 2}, SIT}},
	{"nl", {{-13, CONT(425, 0)}, {-13, {{425, 0, 1000, 4000}}, 1}, {-13, {{425, 0, 500, 500}}, 1},
		{-13, {{425, 0, 250, 250}}, 1}, {-13, {{425, 0, 500, 9500}}, 1}, SIT}},
	{"uk", {{-13, CONT(350, 440)}, {-13, {{400, 450, 400, 200}, {400, 450, 400, 2000}}, 2},
		{-13, {{400, 0, 375, 375}}, 1}, {-13, {{400, 0, 400, 350}, {400, 0, 225, 525}}, 2},
		{-13, {{400, 0, 100, 3000}}, 1}, SIT}},
	{"us", {{-13, CONT(350, 440)}, {-13, {{440, 480, 2000, 4000}}, 1}, {-13, {{480, 620, 500, 500}}, 1},
		{-13, {{480, 620, 250, 250}}, 1}, {-13, {{440, 0, 300, 9700}}, 1}, SIT}},
};

const struct dsp_tone dsp_tone_milliwatt = {0, CONT(1004, 0)};

const struct dsp_tone *dsp_tone_find(const char *zone, enum dsp_tone_kind kind)
{
	if (kind >= DSP_TONE_KINDS || !zone)
		return NULL;
	for (size_t i = 0; i < sizeof(zones) / sizeof(zones[0]); i++)
		if (!strcmp(zone, zones[i].zone))
			return &zones[i].t[kind];
	return NULL;
}

static void start_part(struct dsp_tonegen *g)
{
	const struct dsp_tone_step *s = &g->t->step[g->step];

	g->left = (g->on ? s->on_ms : s->off_ms) * 8u;
}

void dsp_tonegen_init(struct dsp_tonegen *g, const struct dsp_tone *t)
{
	memset(g, 0, sizeof(*g));
	g->t = t;
	g->on = 1;
	g->amp = DBM0_PEAK * pow(10, t->level_dbm0 / 20);
	start_part(g);
}

void dsp_tonegen(struct dsp_tonegen *g, int16_t *pcm, size_t n)
{
	const struct dsp_tone *t = g->t;
	bool continuous = t->nsteps == 1 && t->step[0].off_ms == 0;

	for (size_t i = 0; i < n; i++) {
		const struct dsp_tone_step *s = &t->step[g->step];
		double v = 0;

		if (!continuous) {
			/* bounded: each step has on or off time, at most 2 x nsteps moves */
			for (unsigned k = 0; g->left == 0 && k < 2 * t->nsteps + 1; k++) {
				if (g->on) {
					g->on = 0;
				} else {
					g->on = 1;
					g->step = (g->step + 1) % t->nsteps;
				}
				s = &t->step[g->step];
				start_part(g);
			}
			g->left--;
		}
		if (g->on || continuous) {
			if (s->f1)
				v += sin(g->ph1);
			if (s->f2)
				v += sin(g->ph2);
			g->ph1 = fmod(g->ph1 + 2 * M_PI * s->f1 / 8000.0, 2 * M_PI);
			g->ph2 = fmod(g->ph2 + 2 * M_PI * s->f2 / 8000.0, 2 * M_PI);
		}
		pcm[i] = (int16_t)lrint(v * g->amp);
	}
}
