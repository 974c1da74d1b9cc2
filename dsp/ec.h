/* ec.h: the line echo canceller of one channel (ITU-T G.168).
 *
 * Between the far end's signal sent to the line (rin) and what comes back
 * from the line (sin: the hybrid's echo of rin plus the near end), it
 * estimates the echo path with an adaptive FIR filter of up to 128 ms and
 * subtracts the estimate, then a non-linear processor removes what is left
 * of the echo while only the far end talks, filling with comfort noise at
 * the line's own noise level.
 *
 * The filter: improved proportionate NLMS (IPNLMS: taps that matter adapt
 * faster, so sparse hybrid paths behind a bulk delay converge in well under
 * a second), adapted on a pre-whitened signal (speech's tilt removed), in two
 * copies: the background filter adapts all the time the near end is quiet,
 * the foreground filter makes the output and takes the background's
 * coefficients only when they cancel clearly better; a background that
 * diverged (double talk missed) is put back from the foreground.  Double
 * talk is detected from the levels (Geigel before convergence, the echo
 * estimate after) and stops adaptation and the NLP at once.
 *
 * The tone disabler (G.164/G.165): a 2100 Hz answer tone with phase
 * reversals on either direction turns the canceller off (straight
 * through) until the line has been quiet for 250 ms.  Call control can
 * also turn it off (clear-channel data, fax pass-through) and on. */
#ifndef SGW_DSP_EC_H
#define SGW_DSP_EC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define EC_MIN_TAPS 256	 /* 32 ms */
#define EC_MAX_TAPS 1024 /* 128 ms */

struct ec;

struct ec_stats {
	double erl_db;	   /* echo return loss the filter sees (rin to echo estimate) */
	double erle_db;	   /* echo return loss enhancement of the foreground filter */
	bool converged;
	bool double_talk;
	bool nlp_active;
	bool disabled;	   /* by tone or by call control */
	uint64_t transfers, resets, disabler_trips;
	uint64_t restores; /* times the foreground went back to its checkpoint */
};

/* taps: 256..1024 (32-128 ms at 8 kHz); NULL on a bad length or no memory */
struct ec *ec_new(unsigned taps);
void ec_free(struct ec *ec);
/* n samples: rin what was sent to the line, sin what came back; sout out */
void ec_process(struct ec *ec, const int16_t *rin, const int16_t *sin, int16_t *sout, size_t n);
/* call control: off for clear-channel data or fax pass-through; on again */
void ec_enable(struct ec *ec, bool on);
void ec_set_nlp(struct ec *ec, bool on);
void ec_get_stats(const struct ec *ec, struct ec_stats *st);
/* Forget the echo path (a new call on the channel). */
void ec_reset(struct ec *ec);

#endif
