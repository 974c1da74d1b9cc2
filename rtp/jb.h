/* jb.h: the adaptive jitter buffer of one received RTP stream.
 *
 * Packets go in as they arrive (jb_put, with the arrival time); the media
 * clock takes them out one at a time in timestamp order (jb_get), each get
 * moving the playout point on by that packet's duration.  The buffer:
 *  - reorders by timestamp and drops duplicates and packets whose time has
 *    passed (late), counting each;
 *  - starts playing once it holds its target delay;
 *  - measures interarrival jitter (RFC 3550 A.8, in ms) and sets the target
 *    to cover it, between min_ms and max_ms, in whole frames: it grows by
 *    holding the playout point for one frame (JB_GROW: conceal it) and
 *    shrinks by skipping one frame once it has held more than it needs for
 *    a while; a late packet raises the target at once;
 *  - says JB_MISSING for a frame that never came, so the caller conceals it
 *    (SpanDSP PLC for linear audio) and the TDM side always gets a frame;
 *  - resynchronises when the stream jumps (new SSRC, timestamp leap after
 *    silence suppression, a marker bit starting a talkspurt far ahead).
 * In fixed mode (fax, modem) the target never moves: delay is constant and
 * nothing is skipped or stretched. */
#ifndef SGW_RTP_JB_H
#define SGW_RTP_JB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define JB_SLOTS 16	   /* packets held at most (320 ms of 20 ms packets, 160 ms of 10 ms) */
#define JB_MAX_PAYLOAD 480 /* 60 ms of G.711 or G.722 */

struct jb_config {
	unsigned rate;	    /* timestamp units per second (8000) */
	unsigned frame_ms;  /* the stream's packetisation time (10, 20, 30, 40) */
	unsigned min_ms, max_ms; /* adaptive bounds of the delay */
	bool fixed;	    /* fixed mode: delay fixed_ms */
	unsigned fixed_ms;
};

struct jb_stats {
	uint64_t put, played, missing, late, duplicates, overflow, grows, shrinks, resyncs;
	unsigned target_ms, depth_ms, jitter_ms;
};

struct jb_slot {
	bool used;
	uint32_t ts;
	uint16_t seq;
	uint8_t pt;
	bool marker;
	uint16_t len;
	uint8_t data[JB_MAX_PAYLOAD];
};

struct jb {
	struct jb_config cfg;
	struct jb_slot slot[JB_SLOTS];
	unsigned count;
	bool started, playing;
	uint32_t ssrc;
	uint32_t play_ts;   /* timestamp of the next frame to play */
	uint32_t anchor;    /* slots count frames from here */
	uint32_t frame_ts;  /* timestamp units per frame */
	uint32_t newest_end; /* end (ts + duration) of the newest packet */
	/* jitter, A.8 style, in timestamp units scaled by 16 */
	bool have_transit;
	int64_t transit;
	uint64_t jitter_q4;
	unsigned target_ms;
	unsigned surplus_gets; /* consecutive gets with more than target + a frame */
	unsigned low_gets;     /* consecutive gets with the jitter a frame below the target */
	struct jb_stats stats;
};

enum jb_put_result { JB_PUT_OK, JB_PUT_DUPLICATE, JB_PUT_LATE, JB_PUT_TOO_BIG };
enum jb_get_result {
	JB_EMPTY,   /* not started yet (buffering to the target): play silence */
	JB_FRAME,   /* a packet: its payload is in the frame */
	JB_MISSING, /* its packet never came: conceal one frame */
	JB_GROW,    /* the buffer grows by a frame: conceal (or stretch) one frame */
};

struct jb_frame {
	uint32_t ts;
	uint16_t seq;
	uint8_t pt;
	bool marker;
	size_t len;
	uint8_t data[JB_MAX_PAYLOAD];
};

void jb_init(struct jb *jb, const struct jb_config *cfg);
/* A packet arrived at arrival_ms (any monotonic millisecond clock). */
enum jb_put_result jb_put(struct jb *jb, uint32_t ssrc, uint16_t seq, uint32_t ts, uint8_t pt,
			  bool marker, const uint8_t *payload, size_t len, uint64_t arrival_ms);
/* The media clock wants the next frame. */
enum jb_get_result jb_get(struct jb *jb, struct jb_frame *out);
void jb_get_stats(const struct jb *jb, struct jb_stats *st);
/* Fixed (fax/modem) or adaptive, from now on. */
void jb_set_fixed(struct jb *jb, bool fixed, unsigned fixed_ms);

#endif
