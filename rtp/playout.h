/* playout.h: from a jitter buffer to the TDM clock: a full frame of linear
 * audio on every tick, whatever happened on the network.
 *
 * Each tick takes tick_samples (160 for 20 ms at 8 kHz) of linear audio.
 * Packets are taken from the jitter buffer as needed and decoded (G.711
 * A-law and u-law here; other codecs through a decoder the DSP layer
 * gives), so packets of 10, 30 or 40 ms feed 20 ms ticks; what a packet
 * gives beyond the tick waits for the next one.  A frame that never came
 * (or one the buffer inserts to grow) is concealed with SpanDSP's packet
 * loss concealment, which repeats and fades the last pitch period; before
 * the stream starts, or after it paused, the tick is silence.  A codec
 * with concealment or comfort noise of its own (G.729 and its annex B
 * silence, when nothing is sent between SID frames) fills such ticks
 * through a fill function instead. */
#ifndef SGW_RTP_PLAYOUT_H
#define SGW_RTP_PLAYOUT_H

#include "rtp/jb.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PLAYOUT_MAX_SAMPLES 960 /* 120 ms at 8 kHz: the longest packet plus a tick */

/* decode len bytes of payload type pt into out; samples written, or -1 */
typedef int (*playout_decode_fn)(void *arg, uint8_t pt, const uint8_t *in, size_t len, int16_t *out,
				 size_t max);

/* no packet for the next n samples: lost (one was due) or the peer is
 * silent; audio the codec makes of it into out, samples written, or 0 */
typedef int (*playout_fill_fn)(void *arg, bool lost, int16_t *out, size_t n);

struct playout_stats {
	uint64_t ticks, played, concealed, silent;
};

struct rtp_playout {
	struct jb *jb;
	unsigned tick_samples, frame_samples;
	playout_decode_fn decode;
	playout_fill_fn fill; /* NULL: SpanDSP's concealment, and silence */
	void *decode_arg;
	void *plc; /* plc_state_t */
	int16_t pcm[PLAYOUT_MAX_SAMPLES];
	size_t have;
	struct playout_stats st;
};

/* decode NULL: G.711 (payload types 0 u-law and 8 A-law) */
int rtp_playout_init(struct rtp_playout *p, struct jb *jb, unsigned tick_samples,
		     playout_decode_fn decode, void *arg);
void rtp_playout_fini(struct rtp_playout *p);
/* the codec's own filling (called with the decoder's arg) */
void rtp_playout_set_fill(struct rtp_playout *p, playout_fill_fn fill);
/* One tick: exactly tick_samples into out.  What kind of audio it was:
 * 1 real, 0 silence (not started or paused), -1 concealed (in part). */
int rtp_playout_tick(struct rtp_playout *p, int16_t *out);

/* The built-in decoder. */
int playout_decode_g711(void *arg, uint8_t pt, const uint8_t *in, size_t len, int16_t *out, size_t max);

#endif
