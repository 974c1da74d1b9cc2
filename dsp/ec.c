/* ec.c: the line echo canceller, see ec.h.
 *
 * The adaptive filter is a partitioned-block frequency-domain one (the
 * multidelay filter of Soo and Pang): the tail is cut into P partitions of
 * N = 32 taps; each block of N samples is transformed once (FFT of 2N,
 * overlap-save), every partition's spectrum multiplies the spectrum of the
 * block that was current when that partition's delay began, and the
 * gradient is normalised per frequency bin by the input power there,
 * which is what makes it converge on speech almost as on white noise.  The
 * constraint that keeps each partition a causal N-tap filter is applied to
 * one partition per block in turn.  Cost per sample is about a tenth of a
 * time-domain NLMS of the same length.
 *
 * Two copies: the background adapts whenever the far end talks; the
 * foreground produces the output and takes the background's spectra when
 * they cancel clearly better; a background worse than the foreground for a
 * while (it adapted through double talk) is put back from it.  A third
 * copy keeps the last foreground that cancelled well for 200 ms: a
 * foreground that adds echo (it took a background spoilt by a near end the
 * detector missed) goes back to it once.  Double talk is detected from
 * the levels and, once the filter has cancelled 20 dB, from how little of
 * sin the echo estimate explains (their correlation); both keep the NLP
 * away from near-end speech.  Neither counts while the background's
 * estimate explains sin: it follows a new talkspurt faster than the
 * foreground, and no filter explains a near end.  A near end starting
 * under loud echo shows as the residual rising against a steady echo
 * estimate; that too keeps the NLP off.  Decisions are made per block
 * (4 ms). */
#include "config.h"

#include "dsp/ec.h"
#include "lib/mem.h"

#include <math.h>
#include <string.h>

#define N 32		  /* block = partition length */
#define M (2 * N)	  /* FFT size */
#define K (N + 1)	  /* bins of a real signal's spectrum */
#define MU 0.9f		  /* background step */
#define GEIGEL 0.5f	  /* echo is at least 6 dB below the far end */
#define DT_HANG 10	  /* blocks (40 ms) double talk is held after the last sign */
#define NLP_HOLD 10	  /* blocks (40 ms) the NLP stays off after near-end energy */
#define NLP_HOLD_DT 30	  /* ... 120 ms within 200 ms (DT_RECENT) of double talk */
#define DT_RECENT 50
#define DT_SPOKE 125	  /* blocks (500 ms) after double talk the near end is still in the call */
#define FAR_ACTIVE 5000.0f /* far-end power (-47 dBm0) below which it is silent */
#define TONE_MIN_POWER 204000.0f /* -31 dBm0, per sample */
#define RHO_SMOOTH 0.1f	  /* per block: the correlation looks back about 40 ms */
#define RHO_NEAR 0.9f	  /* sin x echo estimate correlation^2 under this: a near end */
#define RHO_ERLE 20.0f	  /* dB of ERLE of late before the correlation is trusted */
#define LEVEL_ERLE 10.0f  /* ... before the residual's level against sin is */
#define RHOB_ECHO 0.9f	  /* sin x background echo estimate correlation^2 over this: echo only */
#define RHOB_NEAR 0.75f	  /* ... under this, with the foreground's under RHOF_NEAR: a near end */
#define RHOF_NEAR 0.85f
#define RHO_MIN_POWER 6300.0f /* -46 dBm0: quieter sin says nothing (A-law grain) */
#define NOISE_FIRST 128.0f /* -63 dBm0: a first noise estimate louder than this (and not steady) is a near end */
#define RESIDUAL_AUDIBLE 400.0f /* -58 dBm0 */
#define STEADY_BLOCKS 50 /* 200 ms of steady sin since the far end fell silent: noise */
#define CHECKPOINT_BLOCKS 50 /* 200 ms of good cancelling make a checkpoint */
#define CHECKPOINT_LOSS 30.0f /* ... by 15 dB or more */
#define ONSET_RISE 16.0f  /* residual over echo estimate 12 dB above its floor: a near end starts */
#define ONSET_FLOOR_RISE 1.01f /* the floor of that ratio rises 11 dB a second */
#define ONSET_RHOB 0.98f  /* ... unless the background explains sin this well */
#define ONSET_RHOB_DT 0.99f /* ... this well, within DT_SPOKE of double talk */
#define LEARNING_BLOCKS 5 /* 20 ms after the foreground took the background: it is still learning */
#define WARY_ERLE 25.0f	  /* dB of best ERLE of late: a held NLP means a near end to the transfers */

struct cplx {
	float re, im;
};

struct ec {
	unsigned L, P;
	struct cplx *X;	     /* P x K: input spectra, newest at xi */
	struct cplx *wf, *wb; /* P x K: foreground and background filters */
	struct cplx *ws;      /* P x K: the last foreground known good (a checkpoint) */
	bool have_ws;
	unsigned good_run;    /* blocks in a row the foreground cancelled 20 dB, alone */
	unsigned since_transfer; /* blocks since the foreground last took the background */
	float *pxx;	     /* K: sum over partitions of |X|^2 */
	float *gp;	     /* P: proportionate gains of the partitions */
	unsigned xi;	     /* index of the newest input spectrum */
	unsigned cp;	     /* the partition constrained next */
	float xprev[N];	     /* the previous block of rin */
	/* input gathering: samples of the block in progress */
	int16_t bx[N], bd[N];
	unsigned bn;
	/* output of the last block, handed out sample by sample */
	/* levels, smoothed per block */
	float pd, pef, peb, px, pyf, pd_slow;
	float pyf_slow;	     /* the echo estimate's power over about 40 ms */
	float ratio_floor;   /* the residual's least power against the echo estimate of late */
	float rdy, rdd, ryy; /* sin x foreground echo estimate: correlation, powers */
	float bdy, bdd, byy; /* the same with the background's echo estimate */
	unsigned worse;	     /* blocks in a row the foreground added echo */
	unsigned silent;     /* blocks since the far end (and its echo) went silent */
	unsigned nlp_hold;   /* blocks the NLP must stay off */
	unsigned since_dt;   /* blocks since the last double talk (saturating) */
	float blkmax[EC_MAX_TAPS / N];
	float blkpow[EC_MAX_TAPS / N]; /* far-end power of the blocks within the tail */
	unsigned blk;
	int dt_hang;
	bool dt, nlp, converged, enabled, nlp_on, disabled_by_tone, far_recent;
	float erle_db, erl_db;
	float erle_sin, erle_res; /* sin's and the residual's power, smoothed alike (about 20 ms) */
	float erle_peak; /* the best ERLE of late (falls 0.5 dB a second) */
	unsigned good, bad, poor;
	float noise_pow;
	float steady_min, steady_max; /* sin's power since the far end went silent */
	uint32_t rng;
	float nlp_gain;
	/* tone disabler: 10 ms Goertzel blocks on both directions */
	unsigned tone_n;
	float q1[2], q2[2], tone_e[2];
	float last_phase[2];
	unsigned since_tone[2];
	unsigned tone_blocks, quiet_blocks;
	bool reversal;
	uint64_t transfers, resets, trips, restores;
};

/* ---- FFT: radix 2 --------------------------------------------------------------------------
 * The spectra are of M real samples: they are computed with a complex FFT
 * of M/2 points (even samples real, odd imaginary) and the two halves
 * separated, which costs about half of an M-point complex FFT. */

#define H (M / 2) /* the complex FFT's size */

static struct cplx tw[M / 2]; /* e^(-2 pi i k / M) */
static unsigned rev[H];
static bool fft_ready;

static void fft_init(void)
{
	unsigned bits = 0;

	while ((1u << bits) < H)
		bits++;
	for (unsigned i = 0; i < M / 2; i++) {
		tw[i].re = (float)cos(-2 * M_PI * i / M);
		tw[i].im = (float)sin(-2 * M_PI * i / M);
	}
	for (unsigned i = 0; i < H; i++) {
		unsigned r = 0;

		for (unsigned b = 0; b < bits; b++)
			if (i & (1u << b))
				r |= 1u << (bits - 1 - b);
		rev[i] = r;
	}
	fft_ready = true;
}

/* H points in place; inverse: conjugate twiddles, no 1/H scaling */
static void fft(struct cplx *a, bool inverse)
{
	for (unsigned i = 0; i < H; i++)
		if (rev[i] > i) {
			struct cplx t = a[i];

			a[i] = a[rev[i]];
			a[rev[i]] = t;
		}
	for (unsigned len = 2; len <= H; len <<= 1) {
		unsigned step = M / len; /* the twiddles of H points are every other of M */

		for (unsigned i = 0; i < H; i += len) {
			for (unsigned j = 0; j < len / 2; j++) {
				struct cplx w = tw[j * step], u = a[i + j], v = a[i + j + len / 2], t;

				if (inverse)
					w.im = -w.im;
				t.re = v.re * w.re - v.im * w.im;
				t.im = v.re * w.im + v.im * w.re;
				a[i + j].re = u.re + t.re;
				a[i + j].im = u.im + t.im;
				a[i + j + len / 2].re = u.re - t.re;
				a[i + j + len / 2].im = u.im - t.im;
			}
		}
	}
}

/* spectrum (K bins) of M real samples */
static void rfft(const float *x, struct cplx *out)
{
	struct cplx z[H];

	for (unsigned n = 0; n < H; n++)
		z[n].re = x[2 * n], z[n].im = x[2 * n + 1];
	fft(z, false);
	for (unsigned k = 0; k < K; k++) {
		struct cplx p = z[k % H], q = z[(H - k) % H], e, o, w = k < H ? tw[k] : (struct cplx){-1, 0};

		/* the even samples' spectrum (p + q*) / 2, the odd ones' (p - q*) / 2i */
		e.re = 0.5f * (p.re + q.re);
		e.im = 0.5f * (p.im - q.im);
		o.re = 0.5f * (p.im + q.im);
		o.im = 0.5f * (q.re - p.re);
		out[k].re = e.re + w.re * o.re - w.im * o.im;
		out[k].im = e.im + w.re * o.im + w.im * o.re;
	}
}

/* M real samples of a K-bin spectrum, scaled 1/M */
static void irfft(const struct cplx *in, float *x)
{
	struct cplx z[H];

	for (unsigned k = 0; k < H; k++) {
		struct cplx p = in[k], q = in[H - k], e, d, w = tw[k];

		/* even part (X[k] + X[k+H]) / 2, odd part (X[k] - X[k+H]) e^(+2 pi i k / M) / 2,
		 * X[k+H] being conj(X[H-k]) for a real signal */
		e.re = 0.5f * (p.re + q.re);
		e.im = 0.5f * (p.im - q.im);
		d.re = 0.5f * (p.re - q.re);
		d.im = 0.5f * (p.im + q.im);
		/* z[k] = e + i (d times conj(w)) */
		z[k].re = e.re - (d.im * w.re - d.re * w.im);
		z[k].im = e.im + (d.re * w.re + d.im * w.im);
	}
	fft(z, true);
	for (unsigned n = 0; n < H; n++) {
		x[2 * n] = z[n].re / H;
		x[2 * n + 1] = z[n].im / H;
	}
}

/* ---- the filter -------------------------------------------------------------------------- */

/* Y = sum over partitions of W[p] X[block p ago]; with norm, also the
 * size (sum of |re| + |im|) of each partition's coefficients */
__attribute__((target_clones("arch=x86-64-v3", "default"))) static void filter(const struct ec *ec,
									     const struct cplx *w,
									     struct cplx *y, float *norm)
{
	memset(y, 0, sizeof(struct cplx) * K);
	for (unsigned p = 0; p < ec->P; p++) {
		const struct cplx *x = ec->X + (size_t)((ec->xi + ec->P - p) % ec->P) * K;
		const struct cplx *wp = w + (size_t)p * K;

		for (unsigned k = 0; k < K; k++) {
			y[k].re += wp[k].re * x[k].re - wp[k].im * x[k].im;
			y[k].im += wp[k].re * x[k].im + wp[k].im * x[k].re;
		}
		if (norm) {
			float m = 0;

			for (unsigned k = 0; k < K; k++)
				m += fabsf(wp[k].re) + fabsf(wp[k].im);
			norm[p] = m;
		}
	}
}

/* W[p] += gp[p] conj(X[p]) G, G the normalised error spectrum */
__attribute__((target_clones("arch=x86-64-v3", "default"))) static void adapt(struct ec *ec,
									    const struct cplx *g)
{
	for (unsigned p = 0; p < ec->P; p++) {
		const struct cplx *x = ec->X + (size_t)((ec->xi + ec->P - p) % ec->P) * K;
		struct cplx *wp = ec->wb + (size_t)p * K;
		float s = ec->gp[p];

		for (unsigned k = 0; k < K; k++) {
			wp[k].re += s * (x[k].re * g[k].re + x[k].im * g[k].im);
			wp[k].im += s * (x[k].re * g[k].im - x[k].im * g[k].re);
		}
	}
}

/* Proportionate gains (IPNLMS over partitions): a partition that holds
 * much of the echo path (gp[] holds the sizes filter() measured) adapts
 * faster; half the step is shared equally.  den[k] = sum over p of
 * gp[p] |X_p[k]|^2 normalises the step per bin. */
__attribute__((target_clones("arch=x86-64-v3", "default"))) static void gains(struct ec *ec, float *den)
{
	float tot = 0;

	for (unsigned p = 0; p < ec->P; p++)
		tot += ec->gp[p];
	for (unsigned p = 0; p < ec->P; p++)
		ec->gp[p] = 0.5f / (float)ec->P + 0.5f * ec->gp[p] / (tot + 1e-9f);
	for (unsigned k = 0; k < K; k++)
		den[k] = 0;
	for (unsigned p = 0; p < ec->P; p++) {
		const struct cplx *x = ec->X + (size_t)((ec->xi + ec->P - p) % ec->P) * K;

		for (unsigned k = 0; k < K; k++)
			den[k] += ec->gp[p] * (x[k].re * x[k].re + x[k].im * x[k].im);
	}
}

/* keep partition p an N-tap filter: its impulse response's second half is zero */
static void constrain(struct ec *ec, unsigned p)
{
	float t[M];
	struct cplx *wp = ec->wb + (size_t)p * K;

	irfft(wp, t);
	memset(t + N, 0, sizeof(float) * N);
	rfft(t, wp);
}

/* ---- life cycle ------------------------------------------------------------------------------ */

struct ec *ec_new(unsigned taps)
{
	struct ec *ec;

	if (taps < EC_MIN_TAPS || taps > EC_MAX_TAPS || taps % N)
		return NULL;
	if (!fft_ready)
		fft_init();
	if (!(ec = mem_zalloc(sizeof(*ec))))
		return NULL;
	ec->L = taps;
	ec->P = taps / N;
	ec->X = mem_zalloc(sizeof(struct cplx) * K * ec->P);
	ec->wf = mem_zalloc(sizeof(struct cplx) * K * ec->P);
	ec->wb = mem_zalloc(sizeof(struct cplx) * K * ec->P);
	ec->ws = mem_zalloc(sizeof(struct cplx) * K * ec->P);
	ec->pxx = mem_zalloc(sizeof(float) * K);
	ec->gp = mem_zalloc(sizeof(float) * ec->P);
	if (!ec->X || !ec->wf || !ec->wb || !ec->ws || !ec->pxx || !ec->gp) {
		ec_free(ec);
		return NULL;
	}
	ec->enabled = true;
	ec->nlp_on = true;
	ec->rng = 0x12345678u;
	ec_reset(ec);
	return ec;
}

void ec_free(struct ec *ec)
{
	if (!ec)
		return;
	mem_free(ec->X);
	mem_free(ec->wf);
	mem_free(ec->wb);
	mem_free(ec->ws);
	mem_free(ec->pxx);
	mem_free(ec->gp);
	mem_free(ec);
}

void ec_reset(struct ec *ec)
{
	size_t n = sizeof(struct cplx) * K * ec->P;

	memset(ec->X, 0, n);
	memset(ec->wf, 0, n);
	memset(ec->wb, 0, n);
	memset(ec->ws, 0, n);
	ec->have_ws = false;
	ec->good_run = 0;
	memset(ec->pxx, 0, sizeof(float) * K);
	memset(ec->xprev, 0, sizeof(ec->xprev));
	ec->xi = ec->cp = ec->bn = 0;
	ec->pd = ec->pef = ec->peb = ec->px = ec->pyf = 0;
	ec->rdy = ec->rdd = ec->ryy = 0;
	ec->bdy = ec->bdd = ec->byy = 0;
	memset(ec->blkmax, 0, sizeof(ec->blkmax));
	memset(ec->blkpow, 0, sizeof(ec->blkpow));
	ec->blk = 0;
	ec->dt_hang = 0;
	ec->dt = ec->nlp = ec->converged = false;
	ec->erle_db = ec->erl_db = ec->erle_peak = 0;
	ec->erle_sin = ec->erle_res = 0;
	ec->good = ec->bad = ec->poor = ec->worse = 0;
	ec->pd_slow = 0;
	ec->pyf_slow = ec->ratio_floor = 0;
	ec->silent = 0;
	ec->nlp_hold = 0;
	ec->since_dt = DT_SPOKE;
	ec->noise_pow = 0;
	ec->steady_min = ec->steady_max = 0;
	ec->nlp_gain = 1;
}

void ec_enable(struct ec *ec, bool on)
{
	if (on && !ec->enabled)
		ec_reset(ec);
	ec->enabled = on;
}

void ec_set_nlp(struct ec *ec, bool on)
{
	ec->nlp_on = on;
}

void ec_get_stats(const struct ec *ec, struct ec_stats *st)
{
	st->erl_db = ec->erl_db;
	st->erle_db = ec->erle_db;
	st->converged = ec->converged;
	st->double_talk = ec->dt;
	st->nlp_active = ec->nlp;
	st->disabled = !ec->enabled || ec->disabled_by_tone;
	st->transfers = ec->transfers;
	st->resets = ec->resets;
	st->disabler_trips = ec->trips;
	st->restores = ec->restores;
}

/* ---- the tone disabler ---------------------------------------------------------------------- */

#define TONE_BLOCK 80
#define GOERTZEL_COEF (2.0f * -0.07845910f) /* 2 cos(2 pi 2100 / 8000) */

static void tone_sample(struct ec *ec, int dir, float s)
{
	float q0 = GOERTZEL_COEF * ec->q1[dir] - ec->q2[dir] + s;

	ec->q2[dir] = ec->q1[dir];
	ec->q1[dir] = q0;
	ec->tone_e[dir] += s * s;
}

/* At the end of a 10 ms block: is 2100 Hz there, did its phase turn over? */
static bool tone_block(struct ec *ec, int dir, bool *reversed)
{
	const float c = -0.07845910f, sn = 0.99691733f; /* cos, sin of 2 pi 2100 / 8000 */
	float re = ec->q1[dir] - ec->q2[dir] * c, im = ec->q2[dir] * sn;
	float tone = (re * re + im * im) * 2.0f / TONE_BLOCK; /* energy at 2100 Hz */
	bool present = ec->tone_e[dir] > TONE_MIN_POWER * TONE_BLOCK && tone > 0.7f * ec->tone_e[dir];
	float ph = atan2f(im, re);

	/* 2100 Hz makes exactly 21 cycles a block: a steady tone keeps its
	 * phase from block to block; a reversal turns it by 180 degrees (the
	 * block it falls in may be lost in the middle, so compare with the
	 * last block that had the tone, if it was at most two blocks ago) */
	*reversed = false;
	if (present && ec->since_tone[dir] <= 2) {
		float d = fabsf(ph - ec->last_phase[dir]);

		if (d > (float)M_PI)
			d = 2.0f * (float)M_PI - d;
		*reversed = d > 0.75f * (float)M_PI;
	}
	if (present) {
		ec->since_tone[dir] = 1;
		ec->last_phase[dir] = ph;
	} else if (ec->since_tone[dir] < 100) {
		ec->since_tone[dir]++;
	}
	ec->q1[dir] = ec->q2[dir] = ec->tone_e[dir] = 0;
	return present;
}

static void disabler(struct ec *ec)
{
	bool r0, r1;
	bool t0 = tone_block(ec, 0, &r0), t1 = tone_block(ec, 1, &r1);

	if (t0 || t1) {
		ec->tone_blocks++;
		ec->reversal |= r0 || r1;
		ec->quiet_blocks = 0;
		if (!ec->disabled_by_tone && ec->reversal && ec->tone_blocks >= 20) {
			ec->disabled_by_tone = true; /* 200 ms of 2100 Hz and a phase reversal */
			ec->trips++;
		}
	} else {
		ec->tone_blocks = 0;
		ec->reversal = false;
	}
}

/* ---- one block -------------------------------------------------------------------------------- */

static float db(float ratio)
{
	return ratio > 1e-12f ? 10.0f * log10f(ratio) : -120.0f;
}

static float comfort_noise(struct ec *ec)
{
	/* uniform in [-1, 1) has power 1/3 */
	ec->rng = ec->rng * 1664525u + 1013904223u;
	return ((float)(int32_t)ec->rng / 2147483648.0f) * sqrtf(3.0f * ec->noise_pow);
}

static int16_t sat16(float v)
{
	return (int16_t)(v > 32767.0f ? 32767 : v < -32768.0f ? -32768 : lrintf(v));
}

/* levels, double talk, foreground/background, NLP: once per block */
/* How much of sin the echo estimate explains: 1 with the echo alone and
 * a good filter, 1/2 with a near end as loud as the echo. */
static float rho2(const struct ec *ec)
{
	return ec->rdy > 0 ? ec->rdy * ec->rdy / (ec->rdd * ec->ryy + 1.0f) : 0.0f;
}

/* The same with the background's estimate.  The background keeps learning
 * through double talk and follows a new talkspurt's spectrum within a few
 * blocks, where the foreground (which takes it only when clearly better)
 * lags: with the echo alone it explains sin at once, but a near end is no
 * function of rin and no filter explains it. */
static float rhob2(const struct ec *ec)
{
	return ec->bdy > 0 ? ec->bdy * ec->bdy / (ec->bdd * ec->byy + 1.0f) : 0.0f;
}

static void decide(struct ec *ec, float ed, float eef, float eeb, float ex, float eyf, float maxd,
		   float maxx, float edy, float eyb, float edyb)
{
	unsigned nblk = ec->P;
	float xmax = 0;
	const float a = 0.3f;
	bool far_active, near;

	float xpow = 0;

	ec->blkmax[ec->blk] = maxx;
	ec->blkpow[ec->blk] = ex / N;
	ec->blk = (ec->blk + 1) % nblk;
	for (unsigned i = 0; i < nblk; i++) {
		if (ec->blkmax[i] > xmax)
			xmax = ec->blkmax[i];
		if (ec->blkpow[i] > xpow)
			xpow = ec->blkpow[i];
	}
	ec->pd += a * (ed / N - ec->pd);
	ec->pef += a * (eef / N - ec->pef);
	ec->peb += a * (eeb / N - ec->peb);
	ec->px += a * (ex / N - ec->px);
	ec->pyf += a * (eyf / N - ec->pyf);
	/* only blocks with something in them: a pause (line noise and no echo
	 * estimate) says nothing about double talk */
	if (ed > (4.0f * ec->noise_pow + 100.0f) * N || eyf > (4.0f * ec->noise_pow + 100.0f) * N) {
		ec->rdy += RHO_SMOOTH * (edy - ec->rdy);
		ec->rdd += RHO_SMOOTH * (ed - ec->rdd);
		ec->ryy += RHO_SMOOTH * (eyf - ec->ryy);
	}
	/* (only blocks where sin holds something: at a talkspurt's start
	 * behind a long bulk delay the estimate comes before the echo, and
	 * that says nothing of what explains sin) */
	if (ed > (4.0f * ec->noise_pow + 100.0f) * N) {
		ec->bdy += RHO_SMOOTH * (edyb - ec->bdy);
		ec->bdd += RHO_SMOOTH * (ed - ec->bdd);
		ec->byy += RHO_SMOOTH * (eyb - ec->byy);
	}
	/* the far end talked within the tail: its echo may still be coming */
	far_active = xpow > FAR_ACTIVE;
	/* near-end speech: sin peaks above any echo of rin could (Geigel,
	 * before convergence); once converged, sin carries more than the echo
	 * estimate explains and the residual is no longer small against it */
	/* (the level rule only once the filter has cancelled 10 dB of late:
	 * a residual within 6 dB of sin is all a filter that has not leaves
	 * of the echo.  At a talkspurt's start behind 80-100 ms, after the
	 * filter had added the output of taps ahead of the delay to a silent
	 * sin, it took a new spectrum's echo for a near end and held the NLP
	 * off: 23.7 dB of combined loss 1 s into the call) */
	near = ec->converged && ec->erle_peak >= LEVEL_ERLE ? ec->pef > 0.25f * ec->pd && ec->pd > 1.5f * ec->pyf
							    : maxd > GEIGEL * xmax;
	near = near && ed / N > ec->noise_pow * 4.0f + 100.0f;
	/* ... unless the background explains sin: a foreground that has not
	 * yet taken what the background learnt of a new talkspurt's spectrum
	 * (behind 80-100 ms of bulk delay it lagged for a whole talkspurt)
	 * leaves more of sin than it "should", and the level rule took that
	 * for a near end and kept the NLP off while the echo leaked */
	if (near && rhob2(ec) > RHOB_ECHO)
		near = false;
	if (near)
		ec->dt_hang = DT_HANG;
	else if (ec->dt_hang > 0)
		ec->dt_hang--;
	ec->dt = ec->dt_hang > 0;
	/* the line's noise: a minimum tracker over sin's power smoothed to
	 * about 20 ms (so that the minimum is not a dip of the noise itself),
	 * followed while the far end is silent */
	ec->pd_slow += 0.2f * (ed / N - ec->pd_slow);
	ec->silent = far_active ? 0 : ec->silent + 1;
	{
		float p = ec->pd_slow;

		/* down at any time: the line's noise is never louder than all
		 * of sin.  Up only once the far end and its echo have been
		 * silent for 100 ms: at once to a level sin has kept within
		 * 3 dB for 200 ms (noise is steady; a near end talking alone
		 * is not), else slowly (2 dB a second), and not at the start of
		 * a burst (this block twice as loud).  The first estimate only
		 * from a sin under -63 dBm0: anything louder that is not steady
		 * is a near end talking alone, and taken as the line's noise it
		 * made comfort noise of -63 dBm0 on a u-law line that is
		 * silent (22 dB of combined loss for a far end at -30 dBm0) */
		if (ec->silent <= 1 || p < ec->steady_min) {
			ec->steady_min = p;
			ec->steady_max = fmaxf(ec->steady_max * (ec->silent > 1), p);
		} else if (p > ec->steady_max) {
			ec->steady_max = p;
		}
		if (p < ec->noise_pow)
			ec->noise_pow += 0.3f * (p - ec->noise_pow);
		else if (ec->silent > STEADY_BLOCKS && ec->steady_max < 2.0f * ec->steady_min)
			ec->noise_pow = ec->steady_min;
		else if (ec->silent > 25 && ed / N < 2.0f * p)
			ec->noise_pow = ec->noise_pow == 0 ? (p <= NOISE_FIRST ? p : 0) : fminf(ec->noise_pow * 1.002f, p);
	}
	if (far_active && !ec->dt) {
		ec->erle_db += 0.1f * (db(ec->pd / (ec->pef + 1.0f)) - ec->erle_db);
		ec->erle_sin += 0.2f * (ec->pd - ec->erle_sin);
		ec->erle_res += 0.2f * (ec->pef - ec->erle_res);
		ec->erl_db = db(ec->px / (ec->pyf + 1.0f));
	}
	if (far_active) {
		/* during double talk only a background far better for 100 ms
		 * counts: that is the echo path changing, not the near end.  So
		 * too while the NLP is held off for a near end once the filter
		 * has cancelled 25 dB: a near end 12 dB under the echo does not
		 * trip the level rule, the background learns it, and the
		 * foreground that took it every few blocks fell from 30 to 5 dB
		 * of ERLE, so that the near end's next syllables could no longer
		 * be told from the echo and were clipped (-4.9 dB) */
		bool wary = ec->dt || (ec->nlp_hold && ec->converged && ec->erle_peak >= WARY_ERLE);
		bool better = wary ? ec->peb < 0.25f * ec->pef : ec->peb < 0.7f * ec->pef;

		if (better && ec->peb < ec->pd) {
			if (++ec->good >= (wary ? 25u : 2u)) { /* take it */
				memcpy(ec->wf, ec->wb, sizeof(struct cplx) * K * ec->P);
				ec->transfers++;
				ec->since_transfer = 0;
				ec->good = 0;
				ec->pef = ec->peb;
			}
		} else {
			ec->good = 0;
		}
		if (ec->peb > 4.0f * ec->pef) {
			if (++ec->bad >= 6) { /* the background went astray: back to the foreground */
				memcpy(ec->wb, ec->wf, sizeof(struct cplx) * K * ec->P);
				ec->resets++;
				ec->bad = 0;
				ec->peb = ec->pef;
			}
		} else {
			ec->bad = 0;
		}
	}
	/* an ERLE under 0 dB is a filter that adds echo (a near end only
	 * brings it down to 0): the echo path changed, or taps that learnt
	 * ahead of a long bulk delay are heard before the echo comes.  The
	 * best ERLE of the old path no longer arms the correlation detector,
	 * which would take the new path's echo for a near end. */
	if (ec->erle_db > ec->erle_peak || !ec->converged || ec->erle_db < 0)
		ec->erle_peak = ec->erle_db;
	else
		ec->erle_peak -= 0.002f;
	/* converged once the foreground has taken 10 dB off; unconverged only
	 * by a second of poor cancelling without double talk (a new path) */
	/* (erle_db, an average of each block's dB, is what the NLP weighs a
	 * residual against; for convergence the blocks count by their power:
	 * the quiet end of a talkspurt, where the residual's floor is near
	 * sin's, no longer holds back a filter that cancels the loud part,
	 * and on u-law, silent between talkspurts, each talkspurt's tail
	 * pulled the average down by 20 dB) */
	if (ec->erle_db >= 10.0f || db(ec->erle_sin / (ec->erle_res + 1.0f)) >= 10.0f) {
		ec->converged = true;
		ec->poor = 0;
	} else if (far_active && !ec->dt && ec->erle_db < 3.0f && ++ec->poor >= 250) {
		ec->converged = false;
	}
	/* the foreground adds echo instead of removing it (residual above sin
	 * for 100 ms): no double talk does that, the echo path has changed */
	/* the checkpoint: a foreground that has cancelled 15 dB, no double
	 * talk, for 200 ms; one that adds 3 dB for 20 ms goes back to it (once:
	 * an echo path that changed is learnt anew).  (At 20 dB a filter
	 * that had reached only 19 dB before a double talk spoilt it had no
	 * checkpoint and was learnt from nothing: the echo was back 0.6 s
	 * after the near end stopped.) */
	if (far_active && !ec->dt && ec->converged && ec->pef * CHECKPOINT_LOSS < ec->pd) {
		if (++ec->good_run >= CHECKPOINT_BLOCKS) {
			memcpy(ec->ws, ec->wf, sizeof(struct cplx) * K * ec->P);
			ec->have_ws = true;
			ec->good_run = 0;
		}
	} else {
		ec->good_run = 0;
	}
	if (ec->have_ws && far_active && ec->pef > 2.0f * ec->pd && ++ec->worse >= 5) {
		memcpy(ec->wf, ec->ws, sizeof(struct cplx) * K * ec->P);
		ec->restores++;
		ec->have_ws = false;
		ec->pef = ec->pd;
		ec->worse = 0;
	} else if (far_active && ec->pef > 1.25f * ec->pd && ec->pd > 4.0f * ec->noise_pow + 100.0f) {
		/* (only while sin holds more than the line's noise: at the start
		 * of a talkspurt behind a long bulk delay the echo has not come
		 * yet, and the small output of taps ahead of the delay is no
		 * reason to throw a good filter away; behind 100 ms it was
		 * thrown away at every talkspurt) */
		if (++ec->worse >= 25 && ec->pef > 4.0f * ec->pd) {
			/* far worse than no canceller and no checkpoint left: anew */
			memset(ec->wf, 0, sizeof(struct cplx) * K * ec->P);
			memset(ec->wb, 0, sizeof(struct cplx) * K * ec->P);
			ec->pef = ec->peb = ec->pd;
		}
		if (ec->worse >= 25) {
			ec->converged = false;
			ec->dt_hang = 0;
			ec->dt = false;
			ec->erle_db = 0;
			ec->erle_sin = ec->erle_res = 0;
			ec->worse = 0;
		}
	} else {
		ec->worse = 0;
	}
	/* NLP: the far end talks, no double talk, and what is left is no more
	 * than the residual echo the filter leaves (so a near end, even one
	 * quieter than the echo, keeps it off), or is at least 13 dB below sin
	 * (whatever a near end says is not cancelled: a residual that far down
	 * is echo, say of a filter still learning a changed path) unless it is
	 * 9 dB above the expected residual: a near end starting 13 dB or more
	 * under the echo, whose first syllable the NLP would otherwise clip.
	 * A residual louder than sin is the filter's own error (say, taps
	 * that learnt the far end's correlation ahead of a long bulk delay,
	 * heard before the echo comes), never a near end; so is one under an
	 * echo estimate louder than sin (a near end only adds to sin: at the
	 * ends of talkspurts behind 80 ms such taps held the NLP off). */
	{
		float expected = ec->pyf * powf(10.0f, -ec->erle_db / 10.0f);
		/* a residual under -58 dBm0 (or twice the line's noise) is no
		 * near end worth passing: the echo a filter leaves on a quiet
		 * line is louder than the grain of G.711 there */
		float floor = 2.0f * ec->noise_pow + RESIDUAL_AUDIBLE;

		/* this very block's residual decides at once; the hold keeps
		 * the NLP off through the gaps of near-end speech */
		/* while the foreground keeps taking the background (a transfer
		 * within 20 ms) the filters are still learning this echo: a
		 * residual the background already removes is echo, not a near
		 * end, and sin the estimate does not yet explain is the same
		 * learning, so the correlation detector waits (on speech behind
		 * 80-100 ms of bulk delay it held the NLP off at talkspurt
		 * starts and the echo leaked past the first second) */
		bool learning = ec->since_transfer < LEARNING_BLOCKS;
		float res = learning ? fminf(ec->pef, ec->peb) : ec->pef;
		/* the hold: longer while the near end has talked of late, so
		 * that it outlasts a syllable's tail (a near end falling to
		 * 17-19 dB under the echo was cut for a whole 50 ms window
		 * just after the double talk was last seen) */
		unsigned hold;

		/* the residual against the echo estimate: its floor follows it
		 * down at once (and while the filters are learning) and rises
		 * slowly */
		float ratio = ec->pef / (ec->pyf + 1.0f);

		ec->since_dt = ec->dt ? 0 : ec->since_dt + (ec->since_dt < DT_SPOKE);
		hold = ec->since_dt < DT_RECENT ? NLP_HOLD_DT : NLP_HOLD;

		ec->pyf_slow += 0.1f * (ec->pyf - ec->pyf_slow);
		if (ec->since_transfer < LEARNING_BLOCKS)
			ec->since_transfer++;
		if (far_active && ec->pyf > 4.0f * ec->noise_pow + 1000.0f) {
			if (ec->ratio_floor == 0 || ratio < ec->ratio_floor || learning)
				ec->ratio_floor = ratio;
			else
				ec->ratio_floor *= ONSET_FLOOR_RISE;
		}
		if (((res > 4.0f * expected + floor && !(res < 0.05f * ec->pd)) || res > 8.0f * expected + floor) &&
		    res < ec->pd && ec->pyf < ec->pd)
			ec->nlp_hold = hold;
		else if (ec->converged && !learning && ec->erle_peak >= RHO_ERLE && ec->ratio_floor > 0 &&
			 ratio > ONSET_RISE * ec->ratio_floor && ec->pyf < 2.0f * ec->pyf_slow &&
			 rhob2(ec) < (ec->since_dt < DT_SPOKE ? ONSET_RHOB_DT : ONSET_RHOB) &&
			 ec->peb > 0.7f * ec->pef && ec->pef > floor && ec->pef < ec->pd)
			/* a near end starting 10-20 dB under loud echo: the residual
			 * rises 12 dB against the echo estimate within a talkspurt
			 * (the estimate steady, not a new talkspurt's spectrum the
			 * filter has yet to learn), the background no better (it
			 * would learn an echo it had not), and the ERLE the rule
			 * above weighs the residual against falls with it, so
			 * that the rule never fired: the NLP clipped the syllable.
			 * Within 500 ms of double talk the background may explain
			 * sin to 0.99: a near end starting 19-21 dB under the echo
			 * leaves it that high, and was cut for a 50 ms window */
			ec->nlp_hold = hold;
		else if (rho2(ec) < RHO_NEAR && ec->erle_peak >= RHO_ERLE && !learning && ec->pef < ec->pd &&
			 ec->pef > 1.5f * expected && ec->pd > 4.0f * ec->noise_pow + RHO_MIN_POWER)
			/* sin is not (only) the echo estimate: a near end.  (Only
			 * with a residual above what the filter is expected to
			 * leave: a filter whose ERLE fell to 7-10 dB on a new
			 * talkspurt's spectrum explains sin no better than 0.87-0.9
			 * by its own error, and held the NLP off on echo.) */
			ec->nlp_hold = hold;
		else if (ec->converged && !learning && rhob2(ec) < RHOB_NEAR && rho2(ec) < RHOF_NEAR &&
			 ec->pef < ec->pd && ec->pef > 0.25f * (1.0f - rho2(ec)) * ec->pd &&
			 ec->pd > 4.0f * ec->noise_pow + RHO_MIN_POWER)
			/* neither filter explains sin, the foreground's ERLE too
			 * low to arm the detector above: a near end starting as
			 * the far end's talkspurt does, under a filter that
			 * cancels only 13-15 dB.  Not while the residual is louder
			 * than sin (a filter blown up, no near end) nor far
			 * quieter than what the correlation leaves unexplained
			 * (the correlation looks back 40 ms: just after a filter
			 * learnt anew it lags, and held the NLP off on echo) */
			ec->nlp_hold = hold;
		else if (ec->nlp_hold)
			ec->nlp_hold--;
		/* (before convergence too: the Geigel detector guards a near
		 * end louder than any echo, and the echo of a filter still
		 * learning is what the NLP is for) */
		ec->nlp = ec->nlp_on && far_active && !ec->dt && !ec->nlp_hold;
	}
	ec->far_recent = far_active;
}

static void block(struct ec *ec, const int16_t *rin, const int16_t *sin, int16_t *sout)
{
	float xt[M], y[M], eb[N], ef[N], t[M];
	struct cplx Y[K], E[K], G[K];
	float ed = 0, eef = 0, eeb = 0, ex = 0, eyf = 0, maxd = 0, maxx = 0, edy = 0, eyb = 0, edyb = 0;
	struct cplx *X;

	/* the newest input spectrum, over the last 2N samples */
	memcpy(xt, ec->xprev, sizeof(float) * N);
	for (unsigned i = 0; i < N; i++)
		xt[N + i] = rin[i];
	memcpy(ec->xprev, xt + N, sizeof(float) * N);
	ec->xi = (ec->xi + 1) % ec->P;
	X = ec->X + (size_t)ec->xi * K;
	/* the oldest spectrum leaves the power sum, the new one joins */
	for (unsigned k = 0; k < K; k++)
		ec->pxx[k] -= X[k].re * X[k].re + X[k].im * X[k].im;
	rfft(xt, X);
	for (unsigned k = 0; k < K; k++) {
		ec->pxx[k] += X[k].re * X[k].re + X[k].im * X[k].im;
		if (ec->pxx[k] < 0)
			ec->pxx[k] = 0; /* rounding */
	}
	/* both filters' echo estimates: the last N samples of the inverse */
	filter(ec, ec->wb, Y, ec->gp);
	irfft(Y, y);
	for (unsigned i = 0; i < N; i++) {
		eb[i] = (float)sin[i] - y[N + i];
		eyb += y[N + i] * y[N + i];
		edyb += (float)sin[i] * y[N + i];
	}
	filter(ec, ec->wf, Y, NULL);
	irfft(Y, y);
	for (unsigned i = 0; i < N; i++) {
		float d = sin[i], x = rin[i];

		ef[i] = d - y[N + i];
		ed += d * d;
		eef += ef[i] * ef[i];
		eeb += eb[i] * eb[i];
		ex += x * x;
		eyf += y[N + i] * y[N + i];
		edy += d * y[N + i];
		if (fabsf(d) > maxd)
			maxd = fabsf(d);
		if (fabsf(x) > maxx)
			maxx = fabsf(x);
	}
	/* the background learns while the far end talks (or its echo comes) */
	if (ec->px > FAR_ACTIVE || ex / N > FAR_ACTIVE || ec->far_recent) {
		float reg = 1e3f * (float)M, den[K], mean = 0;

		memset(t, 0, sizeof(float) * N);
		memcpy(t + N, eb, sizeof(float) * N);
		rfft(t, E);
		gains(ec, den);
		/* a floor under the normalisation: a bin the far end hardly
		 * fills (or left, in its pauses) must not take a step scaled
		 * up by its own emptiness, the near end's speech its error */
		for (unsigned k = 0; k < K; k++)
			mean += den[k];
		if (0.03f * mean / K > reg)
			reg = 0.03f * mean / K;
		for (unsigned k = 0; k < K; k++) {
			/* full speed even through suspected double talk: a changed
			 * path looks the same at first, and a background spoiled by
			 * the near end is put back from the foreground */
			float s = MU / (den[k] + reg);

			G[k].re = E[k].re * s;
			G[k].im = E[k].im * s;
		}
		adapt(ec, G);
		constrain(ec, ec->cp);
		ec->cp = (ec->cp + 1) % ec->P;
	}
	decide(ec, ed, eef, eeb, ex, eyf, maxd, maxx, edy, eyb, edyb);
	/* never worse than no canceller: a block whose residual is louder than
	 * what came in goes out as it came */
	if (eef > 2.0f * ed + 1000.0f * N)
		for (unsigned i = 0; i < N; i++)
			ef[i] = sin[i];
	/* out: the foreground's residual, through the NLP */
	for (unsigned i = 0; i < N; i++) {
		float target = ec->nlp ? 0.0f : 1.0f;

		ec->nlp_gain += (target - ec->nlp_gain) * 0.08f;
		/* (at the target once within 1e-6: the approach would otherwise
		 * end on the least denormal float, which x * 0.92 rounds back
		 * to, and multiply every sample by a denormal for as long as
		 * the NLP stays on) */
		if (fabsf(target - ec->nlp_gain) < 1e-6f)
			ec->nlp_gain = target;
		sout[i] = sat16(ec->nlp_gain * ef[i] + (1.0f - ec->nlp_gain) * comfort_noise(ec));
	}
}

void ec_process(struct ec *ec, const int16_t *rin, const int16_t *sin, int16_t *sout, size_t n)
{
	size_t i = 0;

	while (i < n) {
		/* the tone disabler listens to both directions, sample by sample */
		size_t take = n - i < N - ec->bn ? n - i : N - ec->bn;

		for (size_t k = 0; k < take; k++) {
			tone_sample(ec, 0, rin[i + k]);
			tone_sample(ec, 1, sin[i + k]);
			if (++ec->tone_n == TONE_BLOCK) {
				ec->tone_n = 0;
				disabler(ec);
				if (ec->disabled_by_tone) {
					bool quiet = ec->px < FAR_ACTIVE && ec->pd < FAR_ACTIVE;

					ec->quiet_blocks = quiet ? ec->quiet_blocks + 1 : 0;
					if (ec->quiet_blocks >= 25) { /* 250 ms of quiet: back on */
						ec->disabled_by_tone = false;
						ec->quiet_blocks = 0;
						ec_reset(ec);
					}
				}
			}
		}
		if (!ec->enabled || ec->disabled_by_tone) {
			float ex = 0, ed = 0;

			for (size_t k = 0; k < take; k++) {
				sout[i + k] = sin[i + k];
				ex += (float)rin[i + k] * rin[i + k];
				ed += (float)sin[i + k] * sin[i + k];
			}
			ec->px += 0.3f * (ex / (float)take - ec->px);
			ec->pd += 0.3f * (ed / (float)take - ec->pd);
			i += take;
			continue;
		}
		/* whole blocks straight from the caller's buffers; a partial one is
		 * gathered and its output given when it is complete (callers that
		 * hand 20 ms frames never have one: 160 = 5 x 32) */
		if (ec->bn == 0 && take == N) {
			block(ec, rin + i, sin + i, sout + i);
		} else {
			int16_t out[N];

			memcpy(ec->bx + ec->bn, rin + i, take * sizeof(int16_t));
			memcpy(ec->bd + ec->bn, sin + i, take * sizeof(int16_t));
			ec->bn += (unsigned)take;
			/* meanwhile the samples go through as they are */
			memcpy(sout + i, sin + i, take * sizeof(int16_t));
			if (ec->bn == N) {
				block(ec, ec->bx, ec->bd, out);
				ec->bn = 0;
			}
		}
		i += take;
	}
}
