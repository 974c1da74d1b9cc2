/* g168.c: the G.168-style test bench, see g168.h. */
#include "config.h"

#include "g168.h"

#include <math.h>
#include <spandsp.h>
#include <spandsp/g168models.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_SAMPLES (G168_MAX_SECONDS * G168_RATE)
#define MAX_PATH 2048
#define BLOCK 160
#define DBM0_RMS 16086.0 /* RMS of a 0 dBm0 sine in 16-bit linear (A-law max +3.14 dBm0) */

static const struct {
	const int32_t *c;
	size_t n;
} models[10] = {
	[2] = {line_model_d2_coeffs, sizeof(line_model_d2_coeffs) / sizeof(int32_t)},
	[3] = {line_model_d3_coeffs, sizeof(line_model_d3_coeffs) / sizeof(int32_t)},
	[4] = {line_model_d4_coeffs, sizeof(line_model_d4_coeffs) / sizeof(int32_t)},
	[5] = {line_model_d5_coeffs, sizeof(line_model_d5_coeffs) / sizeof(int32_t)},
	[6] = {line_model_d6_coeffs, sizeof(line_model_d6_coeffs) / sizeof(int32_t)},
	[7] = {line_model_d7_coeffs, sizeof(line_model_d7_coeffs) / sizeof(int32_t)},
	[8] = {line_model_d8_coeffs, sizeof(line_model_d8_coeffs) / sizeof(int32_t)},
	[9] = {line_model_d9_coeffs, sizeof(line_model_d9_coeffs) / sizeof(int32_t)},
};

/* dBm0 of energy e over n samples */
static double level(double e, size_t n)
{
	return e <= 0 ? -100 : 20 * log10(sqrt(e / (double)n) / DBM0_RMS);
}

double g168_dbm0(const int16_t *x, size_t n)
{
	double e = 0;

	for (size_t i = 0; i < n; i++)
		e += (double)x[i] * x[i];
	return level(e, n);
}

static double dbm0f(const float *x, size_t n)
{
	double e = 0;

	for (size_t i = 0; i < n; i++)
		e += (double)x[i] * x[i];
	return level(e, n);
}

/* ---- signals ------------------------------------------------------------------ */

static double urand(uint32_t *s)
{
	*s = *s * 1664525u + 1013904223u;
	return ((*s >> 8) + 0.5) / 16777216.0;
}

static double grand(uint32_t *s)
{
	return sqrt(-2 * log(urand(s))) * cos(2 * M_PI * urand(s));
}

/* A two-pole resonator at f Hz with bandwidth bw Hz. */
struct reso {
	double a1, a2, y1, y2, g;
};

static void reso_init(struct reso *r, double f, double bw)
{
	double rr = exp(-M_PI * bw / G168_RATE);

	r->a1 = 2 * rr * cos(2 * M_PI * f / G168_RATE);
	r->a2 = -rr * rr;
	r->y1 = r->y2 = 0;
	r->g = 1 - rr;
}

static double reso_step(struct reso *r, double x)
{
	double y = r->g * x + r->a1 * r->y1 + r->a2 * r->y2;

	r->y2 = r->y1;
	r->y1 = y;
	return y;
}

/* Speech-like: talkspurts of voiced (pitch pulses through three formants)
 * and unvoiced (noise through a high formant) segments with a syllable
 * envelope, separated by pauses; scaled so its active part is at dbm0.
 * active[i] says whether sample i is in a talkspurt. */
void g168_speech(float *out, bool *active, size_t n, double dbm0, uint32_t seed, double pitch)
{
	struct reso f1, f2, f3, fu;
	uint32_t s = seed;
	size_t i = 0;
	double e = 0;
	size_t na = 0;

	while (i < n) {
		size_t spurt = (size_t)(G168_RATE * (0.25 + 0.5 * urand(&s)));
		size_t pause = (size_t)(G168_RATE * (0.08 + 0.25 * urand(&s)));

		reso_init(&f1, 400 + 500 * urand(&s), 90);
		reso_init(&f2, 1000 + 1200 * urand(&s), 120);
		reso_init(&f3, 2300 + 700 * urand(&s), 200);
		reso_init(&fu, 2500 + 800 * urand(&s), 900);
		for (size_t k = 0; k < spurt && i < n; k++, i++) {
			double env = sin(M_PI * (double)k / (double)spurt);
			double ph = fmod((double)k * pitch * (1 + 0.1 * sin(k / 900.0)) / G168_RATE, 1.0);
			bool voiced = fmod((double)k / G168_RATE, 0.35) < 0.27;
			double x;

			if (voiced) {
				double p = ph < pitch / G168_RATE ? 1.0 : 0.0; /* one pulse a period */

				x = reso_step(&f1, p * 40) * 1.0 + reso_step(&f2, p * 40) * 0.5 + reso_step(&f3, p * 40) * 0.25;
			} else {
				x = reso_step(&fu, grand(&s)) * 2.0;
			}
			out[i] = (float)(x * env);
			active[i] = true;
		}
		for (size_t k = 0; k < pause && i < n; k++, i++) {
			out[i] = 0;
			active[i] = false;
		}
	}
	for (i = 0; i < n; i++)
		if (active[i])
			e += (double)out[i] * out[i], na++;
	if (na && e > 0) {
		double g = DBM0_RMS * pow(10, dbm0 / 20) / sqrt(e / (double)na);

		for (i = 0; i < n; i++)
			out[i] = (float)(out[i] * g);
	}
}

static void gen_noise(float *out, bool *active, size_t n, double dbm0, uint32_t seed)
{
	uint32_t s = seed;
	double rms = DBM0_RMS * pow(10, dbm0 / 20);

	for (size_t i = 0; i < n; i++) {
		out[i] = (float)(grand(&s) * rms);
		if (active)
			active[i] = true;
	}
}

/* 2100 Hz answer tone, phase reversed every 450 ms (G.165 disabler tone) */
static void answer_tone(float *out, bool *active, size_t n, double dbm0)
{
	double a = DBM0_RMS * sqrt(2) * pow(10, dbm0 / 20);

	for (size_t i = 0; i < n; i++) {
		int rev = (int)(i / (G168_RATE * 45 / 100)) & 1;

		out[i] = (float)(a * sin(2 * M_PI * 2100 * (double)i / G168_RATE + (rev ? M_PI : 0)));
		active[i] = true;
	}
}

/* ---- the line -------------------------------------------------------------------- */

static int16_t clamp16(double x)
{
	return (int16_t)(x > 32767 ? 32767 : x < -32768 ? -32768 : lrint(x));
}

static int16_t g711(bool alaw, double x)
{
	int16_t v = clamp16(x);

	return alaw ? alaw_to_linear(linear_to_alaw(v)) : ulaw_to_linear(linear_to_ulaw(v));
}

/* the echo path: delay, then the model scaled to ERL (white-noise gain) */
static int make_path(float *h, size_t *len, int model, unsigned delay_ms, double erl_db)
{
	size_t d = (size_t)delay_ms * G168_RATE / 1000;
	double e = 0, g;

	if (model < 2 || model > 9 || d + models[model].n > MAX_PATH)
		return -1;
	memset(h, 0, sizeof(float) * MAX_PATH);
	for (size_t i = 0; i < models[model].n; i++)
		e += (double)models[model].c[i] * models[model].c[i];
	g = sqrt(pow(10, -erl_db / 10) / e);
	for (size_t i = 0; i < models[model].n; i++)
		h[d + i] = (float)(models[model].c[i] * g);
	*len = d + models[model].n;
	return 0;
}

static double cpu_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int g168_run(const struct g168_scenario *sc, const struct g168_ec_ops *ops, struct g168_run *r)
{
	static float far[MAX_SAMPLES], nearv[MAX_SAMPLES], bg[MAX_SAMPLES], echo[MAX_SAMPLES];
	static float rinf[MAX_SAMPLES + MAX_PATH];
	static bool act[MAX_SAMPLES], nact[MAX_SAMPLES];
	static int16_t rin[MAX_SAMPLES], sin_[MAX_SAMPLES], sout[MAX_SAMPLES];
	static unsigned phase_of[MAX_SAMPLES];
	static float h[MAX_PATH];
	size_t total = 0, pathlen = 0;
	void *ec;
	double cpu = 0;
	int model = sc->model;

	memset(r, 0, sizeof(*r));
	for (unsigned p = 0; p < sc->nphases; p++)
		total += (size_t)(sc->phase[p].seconds * G168_RATE);
	if (total > MAX_SAMPLES || make_path(h, &pathlen, model, sc->delay_ms, sc->erl_db) < 0)
		return -1;
	/* the signals, phase by phase */
	for (unsigned p = 0, at = 0; p < sc->nphases; p++) {
		const struct g168_phase *ph = &sc->phase[p];
		size_t n = (size_t)(ph->seconds * G168_RATE);

		switch (ph->far) {
		case G168_FAR_SPEECH:
			g168_speech(far + at, act + at, n, ph->far_dbm0, sc->seed + 17 * p, 120);
			break;
		case G168_FAR_NOISE:
			gen_noise(far + at, act + at, n, ph->far_dbm0, sc->seed + 17 * p);
			break;
		case G168_FAR_2100_PR:
			answer_tone(far + at, act + at, n, ph->far_dbm0);
			break;
		case G168_FAR_SILENT:
			memset(far + at, 0, n * sizeof(float));
			memset(act + at, 0, n * sizeof(bool));
			break;
		}
		if (ph->near_speech)
			g168_speech(nearv + at, nact + at, n, ph->near_dbm0, sc->seed * 7 + 3 + p, 210);
		else
			memset(nearv + at, 0, n * sizeof(float)), memset(nact + at, 0, n * sizeof(bool));
		for (size_t i = 0; i < n; i++)
			phase_of[at + i] = p;
		at += (unsigned)n;
	}
	if (sc->noise_dbm0 > -90)
		gen_noise(bg, NULL, total, sc->noise_dbm0, sc->seed ^ 0x5a5a5a5au);
	else
		memset(bg, 0, total * sizeof(float));
	/* the line: rin quantised, its echo, sin quantised */
	memset(rinf, 0, sizeof(float) * MAX_PATH);
	for (size_t i = 0; i < total; i++) {
		double e = 0;
		unsigned p = phase_of[i];

		if (sc->phase[p].model && sc->phase[p].model != model) {
			model = sc->phase[p].model; /* the echo path changes */
			make_path(h, &pathlen, model, sc->delay_ms, sc->erl_db);
		}
		rin[i] = g711(sc->alaw, far[i]);
		rinf[MAX_PATH + i] = rin[i];
		for (size_t k = 0; k < pathlen; k++)
			e += h[k] * rinf[MAX_PATH + i - k];
		echo[i] = (float)e;
		sin_[i] = g711(sc->alaw, e + nearv[i] + bg[i]);
	}
	/* the canceller, 20 ms at a time */
	ec = ops->create(sc->taps);
	if (!ec)
		return -1;
	for (size_t i = 0; i < total; i += BLOCK) {
		size_t n = total - i < BLOCK ? total - i : BLOCK;
		double t0 = cpu_s();

		ops->process(ec, rin + i, sin_ + i, sout + i, n);
		cpu += cpu_s() - t0;
		if (ops->disabled && ops->disabled(ec))
			r->disabled_seen = true;
	}
	ops->destroy(ec);
	r->cpu_us_per_frame = cpu * 1e6 / ((double)total / BLOCK);
	/* the line's own noise, as G.711 carries it */
	for (size_t i = 0; i < total; i++)
		sin_[i] = g711(sc->alaw, bg[i]);
	r->floor = g168_dbm0(sin_, total);
	/* the windows */
	for (size_t i = 0; i + G168_WINDOW <= total && r->nw < sizeof(r->w) / sizeof(r->w[0]);
	     i += G168_WINDOW) {
		struct g168_window *w = &r->w[r->nw++];
		const struct g168_phase *ph;
		size_t na = 0, nn = 0;

		w->t = (double)i / G168_RATE;
		w->phase = phase_of[i];
		ph = &sc->phase[w->phase];
		w->rin = g168_dbm0(rin + i, G168_WINDOW);
		w->echo = dbm0f(echo + i, G168_WINDOW);
		w->near = dbm0f(nearv + i, G168_WINDOW);
		w->sout = g168_dbm0(sout + i, G168_WINDOW);
		for (size_t k = 0; k < G168_WINDOW; k++)
			na += act[i + k], nn += nact[i + k];
		w->far_only = ph->far != G168_FAR_SILENT && !ph->near_speech && na == G168_WINDOW &&
			      w->rin > ph->far_dbm0 - 12;
		w->double_talk = ph->near_speech && nn == G168_WINDOW && na == G168_WINDOW;
	}
	return 0;
}

/* ---- measures ----------------------------------------------------------------------- */

static double phase_start(const struct g168_run *r, unsigned phase)
{
	for (unsigned i = 0; i < r->nw; i++)
		if (r->w[i].phase == phase)
			return r->w[i].t;
	return 0;
}

double g168_time_to_loss(const struct g168_run *r, unsigned phase, double db)
{
	double start = phase_start(r, phase), first = -1;

	for (unsigned i = 0; i < r->nw; i++) {
		const struct g168_window *w = &r->w[i];

		if (w->phase != phase || !w->far_only)
			continue;
		if (w->rin - w->sout >= db || w->sout <= r->floor + 1) {
			if (first < 0)
				first = w->t - start;
		} else {
			first = -1; /* lost again: not reached for good */
		}
	}
	return first;
}

double g168_min_loss(const struct g168_run *r, unsigned phase, double after)
{
	double start = phase_start(r, phase), min = 1e9;

	for (unsigned i = 0; i < r->nw; i++) {
		const struct g168_window *w = &r->w[i];

		double loss = w->sout <= r->floor + 1 ? 99 : w->rin - w->sout; /* echo-free: as good as any */

		if (w->phase == phase && w->far_only && w->t - start >= after && loss < min)
			min = loss;
	}
	return min;
}

double g168_near_hit(const struct g168_run *r, unsigned phase)
{
	double sum = 0;
	unsigned n = 0;

	for (unsigned i = 0; i < r->nw; i++) {
		const struct g168_window *w = &r->w[i];

		if (w->phase == phase && w->double_talk) {
			sum += w->sout - w->near;
			n++;
		}
	}
	return n ? sum / n : 0;
}

double g168_mean_sout(const struct g168_run *r, unsigned phase, double after)
{
	double start = phase_start(r, phase), e = 0;
	unsigned n = 0;

	for (unsigned i = 0; i < r->nw; i++) {
		const struct g168_window *w = &r->w[i];

		if (w->phase == phase && w->far_only && w->t - start >= after) {
			e += pow(10, w->sout / 10);
			n++;
		}
	}
	return n ? 10 * log10(e / n) : -100;
}

/* ---- the bench's matrix ------------------------------------------------------------- */

static const int matrix_models[] = {2, 3, 4, 5, 6, 7, 8, 9};
static const double matrix_levels[] = {-10, -20, -30};

static void matrix_convergence(const struct g168_ec_ops *ops, uint32_t set, struct g168_tally *r, FILE *fails)
{
	static const unsigned delays[] = {0, 40, 80, 100};
	static const double erls[] = {6, 10, 20};
	static struct g168_run run;

	for (int mi = 0; mi < 8; mi++)
		for (int di = 0; di < 4; di++)
			for (int ei = 0; ei < 3; ei++)
				for (int li = 0; li < 3; li++)
					for (int f = 0; f < 2; f++) {
						struct g168_scenario s = {
							.taps = 1024, .model = matrix_models[mi], .delay_ms = delays[di],
							.erl_db = erls[ei], .alaw = (mi + li) % 2 == 0,
							.noise_dbm0 = -100,
							.seed = set + (uint32_t)(1000 + mi * 97 + di * 31 + ei * 7 + li * 3 + f),
							.phase = {{3.0, f ? G168_FAR_NOISE : G168_FAR_SPEECH,
								   matrix_levels[li], false, 0, 0}},
							.nphases = 1};
						double t, min;
						bool pass;

						if (g168_run(&s, ops, &run) < 0)
							continue;
						t = g168_time_to_loss(&run, 0, 40);
						min = g168_min_loss(&run, 0, 1.0);
						pass = t >= 0 && t <= 1.0 && min >= 40;
						r->nconv++;
						r->cpu += run.cpu_us_per_frame;
						r->conv += pass;
						if (!pass && fails)
							fprintf(fails, "convergence D.%d %u ms ERL %.0f %s %.0f dBm0 %s (seed %u): "
								       "echo gone after %.2f s, least loss after 1 s %.1f dB\n",
								s.model, s.delay_ms, s.erl_db, f ? "noise" : "speech",
								matrix_levels[li], s.alaw ? "A-law" : "u-law", s.seed, t, min);
					}
}

static void matrix_double_talk(const struct g168_ec_ops *ops, uint32_t set, struct g168_tally *r, FILE *fails)
{
	static struct g168_run run;

	for (int mi = 0; mi < 8; mi++)
		for (int li = 0; li < 3; li++)
			for (int ni = 0; ni < 3; ni++) {
				double nl = matrix_levels[li] + (ni - 1) * 6.0, hit, after;
				struct g168_scenario s = {
					.taps = 1024, .model = matrix_models[mi], .delay_ms = 20, .erl_db = 6,
					.alaw = (mi + li + ni) % 2 == 0,
					.noise_dbm0 = -100, .seed = set + (uint32_t)(77 + mi * 13 + li * 5 + ni),
					.phase = {{3.0, G168_FAR_SPEECH, matrix_levels[li], false, 0, 0},
						  {3.0, G168_FAR_SPEECH, matrix_levels[li], true, nl, 0},
						  {2.0, G168_FAR_SPEECH, matrix_levels[li], false, 0, 0}},
					.nphases = 3};
				bool pass;

				g168_run(&s, ops, &run);
				r->ndt++;
				hit = g168_near_hit(&run, 1);
				after = g168_min_loss(&run, 2, 0.5);
				if (hit < r->worst_hit)
					r->worst_hit = hit;
				pass = fabs(hit) <= 1.0 && after >= 40;
				r->dt += pass;
				if (!pass && fails)
					fprintf(fails, "double talk D.%d far %.0f near %.0f dBm0 %s (seed %u): near end "
						       "changed by %.2f dB, least loss 0.5 s after %.1f dB\n",
						s.model, matrix_levels[li], nl, s.alaw ? "A-law" : "u-law", s.seed, hit, after);
			}
}

static void matrix_path_change(const struct g168_ec_ops *ops, uint32_t set, struct g168_tally *r, FILE *fails)
{
	static struct g168_run run;

	for (int mi = 0; mi < 8; mi++) {
		struct g168_scenario s = {
			.taps = 1024, .model = matrix_models[mi], .delay_ms = 30, .erl_db = 10, .alaw = mi % 2 == 0,
			.noise_dbm0 = -100, .seed = set + (uint32_t)(5 + mi),
			.phase = {{3.0, G168_FAR_SPEECH, -15, false, 0, 0},
				  {3.0, G168_FAR_SPEECH, -15, false, 0, matrix_models[(mi + 3) % 8]}},
			.nphases = 2};
		double t;

		g168_run(&s, ops, &run);
		r->npc++;
		t = g168_time_to_loss(&run, 1, 40);
		r->pc += t >= 0 && t <= 1.0;
		if (!(t >= 0 && t <= 1.0) && fails)
			fprintf(fails, "path change D.%d -> D.%d (seed %u): echo gone again after %.2f s\n", s.model,
				matrix_models[(mi + 3) % 8], s.seed, t);
	}
}

void g168_matrix_set(const struct g168_ec_ops *ops, uint32_t set, struct g168_tally *t, FILE *fails)
{
	matrix_convergence(ops, set, t, fails);
	matrix_double_talk(ops, set, t, fails);
	matrix_path_change(ops, set, t, fails);
}
