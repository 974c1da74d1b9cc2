/* chain.h: the DSP of one call on one B-channel, both directions.
 *
 *   line (timeslot bytes, the span's law) --> [EC] --> [DTMF/fax detect]
 *       --> [gain] --> codec --> payload toward RTP
 *   payload decoded by the playout (linear) --> [gain] --> [DTMF generator]
 *       --> line law --> timeslot bytes (and the EC's reference)
 *
 * Set up per call from what SDP and the dial plan decided; changed mid-call:
 * fax/modem pass-through (EC off, detectors off, G.711 only) when call
 * control switches on a CNG/CED report, and back to voice.  With the line's
 * own law as codec, no gain and the EC off, bytes pass unchanged both ways
 * (a data or fax call is bit-exact). */
#ifndef SGW_DSP_CHAIN_H
#define SGW_DSP_CHAIN_H

#include "dsp/codec.h"
#include "dsp/dtmf.h"
#include "dsp/ec.h"
#include "dsp/level.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DSP_FRAME 160 /* 20 ms at 8 kHz */

struct dsp_chain_config {
	bool line_alaw;		/* E1: A-law; T1: u-law */
	enum dsp_codec_id codec;
	unsigned ec_taps;	/* 256..1024, 0: no canceller */
	bool dtmf_detect, dtmf_strip;
	double gain_to_net_db, gain_to_line_db;
	dsp_digit_fn on_digit;
	dsp_fax_fn on_fax;
	void *arg;
};

struct dsp_chain;

struct dsp_chain *dsp_chain_new(const struct dsp_chain_config *cfg);
void dsp_chain_free(struct dsp_chain *c);
/* 20 ms from the line to a payload; its length or a negative errno */
int dsp_chain_from_line(struct dsp_chain *c, const uint8_t *line, uint8_t *payload, size_t size);
/* 20 ms of linear audio from the network to line bytes */
void dsp_chain_to_line(struct dsp_chain *c, const int16_t *pcm, uint8_t *line);
/* a digit to play toward the line (RFC 4733 or SIP INFO received) */
int dsp_chain_play_digit(struct dsp_chain *c, char digit, unsigned duration_ms);
/* pass-through for fax/modem (true) or voice (false) */
void dsp_chain_passthrough(struct dsp_chain *c, bool on);
/* levels and echo figures for the call record */
struct dsp_chain_stats {
	double level_to_net_dbm0, level_to_line_dbm0;
	uint64_t clipped;
	double erl_db, erle_db;
};
void dsp_chain_get_stats(const struct dsp_chain *c, struct dsp_chain_stats *st);

#endif
