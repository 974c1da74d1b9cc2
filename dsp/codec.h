/* codec.h: the voice codecs of a channel and their registry.
 *
 * Every codec here takes and gives 8 kHz 16-bit linear audio (the TDM
 * side's rate); the payload is what RTP carries.  G.722 runs at 16 kHz
 * inside (SpanDSP resamples to and from 8 kHz); its SDP clock rate is 8000
 * as RFC 3551 says.  Transcoding is decode-then-encode through linear; a
 * line of the same law as the RTP codec (A-law E1 with PCMA) takes no
 * transcoding at all (dsp_codec_is_line_law).
 *
 *   name       pt   clock  frame  bytes/20 ms  engine
 *   PCMA        8   8000   any    160          SpanDSP G.711
 *   PCMU        0   8000   any    160          SpanDSP G.711
 *   G722        9   8000   any    160          SpanDSP G.722, 64 kbit/s
 *   G726-32    dyn  8000   any     80          SpanDSP G.726, RFC 3551 packing
 *   GSM         3   8000   20 ms   33          SpanDSP GSM 06.10, RTP packing
 *   G729       18   8000   10 ms   20          bcg729 (annexb=no by default) */
#ifndef SGW_DSP_CODEC_H
#define SGW_DSP_CODEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum dsp_codec_id { DSP_PCMA, DSP_PCMU, DSP_G722, DSP_G726_32, DSP_GSM, DSP_G729, DSP_CODECS };

struct dsp_codec_info {
	enum dsp_codec_id id;
	const char *name;     /* the SDP rtpmap encoding name */
	unsigned clock;	      /* the SDP clock rate */
	int static_pt;	      /* RFC 3551 payload type, -1: dynamic */
	unsigned frame_ms;    /* the codec's frame; 0: sample-based */
	unsigned bytes_20ms;  /* payload of 20 ms */
	const char *fmtp;     /* what we offer, or NULL */
};

extern const struct dsp_codec_info dsp_codecs[DSP_CODECS];
/* by SDP name (case-insensitive) and clock; NULL if we do not have it */
const struct dsp_codec_info *dsp_codec_find(const char *name, unsigned clock);

struct dsp_codec;
/* one direction pair (encoder and decoder) of one channel; vad for G.729 annex B */
struct dsp_codec *dsp_codec_new(enum dsp_codec_id id, bool vad);
void dsp_codec_free(struct dsp_codec *c);
/* n samples (a multiple of 80: 10 ms) of linear audio to payload; its
 * length, or -EINVAL / -ENOSPC */
int dsp_codec_encode(struct dsp_codec *c, const int16_t *pcm, size_t n, uint8_t *out, size_t size);
/* payload to linear audio; samples written, or -EINVAL / -ENOSPC */
int dsp_codec_decode(struct dsp_codec *c, const uint8_t *in, size_t len, int16_t *pcm, size_t max);
/* The samples one packet stands for (the call's packet time, 160 for
 * 20 ms): a G.729 packet with fewer frames (annex B sends none in
 * silence) is filled up with comfort noise where its frames were not sent,
 * so that every packet decodes to that many samples; 0 (the default):
 * what the frames say. */
void dsp_codec_set_packet_samples(struct dsp_codec *c, size_t samples);
/* No payload for the next n samples (a multiple of 80): lost is a packet
 * that never came, else the peer is silent (annex B sends nothing between
 * SID frames).  The codec's own concealment or comfort noise into pcm:
 * samples written, or 0 when it has none (the caller conceals lost audio
 * itself, and silence is silence).  G.729 only. */
int dsp_codec_fill(struct dsp_codec *c, bool lost, int16_t *pcm, size_t n);
/* Is this codec the line's own law, so that payload and timeslot bytes are
 * the same (no transcoding, bit-exact)? */
bool dsp_codec_is_line_law(enum dsp_codec_id id, bool line_alaw);

#endif
