/* g168.h: a G.168-style test bench for echo cancellers, shared by the
 * tests (pass/fail thresholds) and the benchmarks (figures).
 *
 * The line side is simulated as ITU-T G.168 Annex D has it: one of the
 * hybrid echo path models D.2-D.9 (SpanDSP ships their coefficients),
 * behind a bulk delay, scaled to an echo return loss, with G.711
 * quantisation on both directions: the canceller sees what a card gives.
 * Signals: a speech-like far-end (formant-filtered excitation, voiced and
 * unvoiced parts, syllable envelope and pauses, after G.168's composite
 * source signal), white noise, near-end speech of another talker for
 * double talk, background noise, a 2100 Hz answer tone with phase
 * reversals.  Levels are dBm0 (0 dBm0 = 3.14 dB below a full-scale sine).
 *
 * A scenario runs a canceller (through g168_ec_ops) over its phases and
 * measures, per 50 ms window: the far-end level Rin, the echo it would
 * return without a canceller, and what leaves the canceller (Sout).
 * Combined loss = Rin - Sout in windows where only the far end talks and
 * is active (not in its pauses); ERLE = echo - Sout. */
#ifndef SGW_TESTS_G168_H
#define SGW_TESTS_G168_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define G168_RATE 8000
#define G168_WINDOW 400 /* 50 ms */
#define G168_MAX_SECONDS 12

/* The canceller under test. */
struct g168_ec_ops {
	const char *name;
	void *(*create)(unsigned taps);
	void (*destroy)(void *ec);
	/* rin: the far-end samples sent to the line; sin: what came back
	 * (echo + near end); sout: what goes on, n samples */
	void (*process)(void *ec, const int16_t *rin, const int16_t *sin, int16_t *sout, size_t n);
	/* optional: does it say it is disabled (tone disabler)? */
	bool (*disabled)(void *ec);
};

/* dsp/ec.c on the bench (sipgw_ec.c) */
extern const struct g168_ec_ops g168_sipgw_ec;

enum g168_far { G168_FAR_SPEECH, G168_FAR_NOISE, G168_FAR_SILENT, G168_FAR_2100_PR };

struct g168_phase {
	double seconds;
	enum g168_far far;
	double far_dbm0;
	bool near_speech;	/* double talk */
	double near_dbm0;
	int model;		/* 2..9: switching it is a path change */
};

struct g168_scenario {
	unsigned taps;		 /* the canceller's tail, 1024 = 128 ms */
	int model;		 /* the echo path at the start, 2..9 */
	unsigned delay_ms;	 /* bulk delay before the model */
	double erl_db;		 /* 6..20 */
	bool alaw;		 /* A-law (else u-law) on the line */
	double noise_dbm0;	 /* near-end background noise; below -90: none */
	uint32_t seed;
	struct g168_phase phase[6];
	unsigned nphases;
};

/* Per 50 ms window of a run. */
struct g168_window {
	double t;		/* start, s */
	unsigned phase;
	double rin, echo, near, sout; /* dBm0 */
	bool far_only;		/* the far end talks (not a pause), no near speech */
	bool double_talk;
};

struct g168_run {
	struct g168_window w[G168_MAX_SECONDS * G168_RATE / G168_WINDOW];
	unsigned nw;
	double floor;	/* the line's own noise: background noise through G.711, dBm0 */
	bool disabled_seen;
	double cpu_us_per_frame; /* per 20 ms of audio */
};

/* Run the scenario; 0, or -1 if it does not fit (too long, bad model). */
int g168_run(const struct g168_scenario *s, const struct g168_ec_ops *ops, struct g168_run *r);

/* Measures over a run. */
/* A far-only window is echo-free when its combined loss is at least db,
 * or when what is left is no louder than the line's own noise (+1 dB): a
 * far end at -30 dBm0 cannot lose 40 dB on an A-law line whose idle noise
 * is -66 dBm0, and nobody hears echo below the line noise. */
/* First time (s, from the phase's start) a far-only window was echo-free,
 * and every one after it in the phase: -1 never. */
double g168_time_to_loss(const struct g168_run *r, unsigned phase, double db);
/* Smallest combined loss in far-only windows of phase from `after` s on. */
double g168_min_loss(const struct g168_run *r, unsigned phase, double after);
/* Mean Sout - near level (dB) over double-talk windows of phase, where the
 * near end talks louder than the residual could explain: how much the
 * canceller took from the near-end speech (negative: attenuated). */
double g168_near_hit(const struct g168_run *r, unsigned phase);
/* Mean Sout level (dBm0) over far-only windows of phase from `after` s on. */
double g168_mean_sout(const struct g168_run *r, unsigned phase, double after);

/* n samples of the speech-like signal (talkspurts and pauses; active[i]
 * tells which) at dbm0 over its active part; pitch in Hz. */
void g168_speech(float *out, bool *active, size_t n, double dbm0, uint32_t seed, double pitch);

/* dBm0 of n samples (-100 for silence). */
double g168_dbm0(const int16_t *x, size_t n);

/* The bench's matrix with one set of signals (seeds offset by `set`):
 * echo paths D.2-D.9 behind 0, 40, 80 and 100 ms, ERL 6/10/20 dB, far end
 * -10/-20/-30 dBm0 speech-like and noise, A- and u-law lines (576
 * convergence runs: echo gone within 1 s and held); double talk with the
 * near end 6 dB under, level with and 6 dB over the far end (72 runs: near
 * end within 1 dB, echo gone again 0.5 s after); path changes (8 runs:
 * echo gone again within 1 s).  Adds to the tally; with fails, names each
 * run that fails there, one line each. */
struct g168_tally {
	unsigned conv, nconv, dt, ndt, pc, npc;
	double worst_hit; /* dB: the double-talk run that took most of the near end */
	double cpu;	  /* us per 20 ms frame, summed over the convergence runs */
};
void g168_matrix_set(const struct g168_ec_ops *ops, uint32_t set, struct g168_tally *t, FILE *fails);

#endif
