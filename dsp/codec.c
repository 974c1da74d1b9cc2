/* codec.c: codecs on SpanDSP and bcg729, see codec.h. */
#include "config.h"

#include "dsp/codec.h"
#include "dsp/dtmf.h"
#include "lib/mem.h"

#include <bcg729/decoder.h>
#include <bcg729/encoder.h>
#include <errno.h>
#include <spandsp.h>
#include <strings.h>

const struct dsp_codec_info dsp_codecs[DSP_CODECS] = {
	{DSP_PCMA, "PCMA", 8000, 8, 0, 160, NULL},
	{DSP_PCMU, "PCMU", 8000, 0, 0, 160, NULL},
	{DSP_G722, "G722", 8000, 9, 0, 160, NULL},
	{DSP_G726_32, "G726-32", 8000, -1, 0, 80, NULL},
	{DSP_GSM, "GSM", 8000, 3, 20, 33, NULL},
	{DSP_G729, "G729", 8000, 18, 10, 20, "annexb=no"},
};

const struct dsp_codec_info *dsp_codec_find(const char *name, unsigned clock)
{
	for (int i = 0; i < DSP_CODECS; i++)
		if (!strcasecmp(name, dsp_codecs[i].name) && clock == dsp_codecs[i].clock)
			return &dsp_codecs[i];
	return NULL;
}

struct dsp_codec {
	enum dsp_codec_id id;
	size_t ptime; /* samples a packet stands for; 0: what its frames say */
	union {
		struct {
			g722_encode_state_t *enc;
			g722_decode_state_t *dec;
		} g722;
		struct {
			g726_state_t *enc, *dec;
		} g726;
		struct {
			gsm0610_state_t *enc, *dec;
		} gsm;
		struct {
			bcg729EncoderChannelContextStruct *enc;
			bcg729DecoderChannelContextStruct *dec;
			bool cng; /* the last frame received was a SID: comfort noise until speech */
		} g729;
	} u;
};

struct dsp_codec *dsp_codec_new(enum dsp_codec_id id, bool vad)
{
	struct dsp_codec *c = mem_zalloc(sizeof(*c));
	bool ok = true;

	dsp_init();
	if (!c || id >= DSP_CODECS) {
		mem_free(c);
		return NULL;
	}
	c->id = id;
	switch (id) {
	case DSP_G722:
		c->u.g722.enc = g722_encode_init(NULL, 64000, G722_SAMPLE_RATE_8000);
		c->u.g722.dec = g722_decode_init(NULL, 64000, G722_SAMPLE_RATE_8000);
		ok = c->u.g722.enc && c->u.g722.dec;
		break;
	case DSP_G726_32:
		c->u.g726.enc = g726_init(NULL, 32000, G726_ENCODING_LINEAR, G726_PACKING_RIGHT);
		c->u.g726.dec = g726_init(NULL, 32000, G726_ENCODING_LINEAR, G726_PACKING_RIGHT);
		ok = c->u.g726.enc && c->u.g726.dec;
		break;
	case DSP_GSM:
		c->u.gsm.enc = gsm0610_init(NULL, GSM0610_PACKING_VOIP);
		c->u.gsm.dec = gsm0610_init(NULL, GSM0610_PACKING_VOIP);
		ok = c->u.gsm.enc && c->u.gsm.dec;
		break;
	case DSP_G729:
		c->u.g729.enc = initBcg729EncoderChannel(vad ? 1 : 0);
		c->u.g729.dec = initBcg729DecoderChannel();
		ok = c->u.g729.enc && c->u.g729.dec;
		break;
	default:
		break;
	}
	if (!ok) {
		dsp_codec_free(c);
		return NULL;
	}
	return c;
}

void dsp_codec_free(struct dsp_codec *c)
{
	if (!c)
		return;
	switch (c->id) {
	case DSP_G722:
		if (c->u.g722.enc)
			g722_encode_free(c->u.g722.enc);
		if (c->u.g722.dec)
			g722_decode_free(c->u.g722.dec);
		break;
	case DSP_G726_32:
		if (c->u.g726.enc)
			g726_free(c->u.g726.enc);
		if (c->u.g726.dec)
			g726_free(c->u.g726.dec);
		break;
	case DSP_GSM:
		if (c->u.gsm.enc)
			gsm0610_free(c->u.gsm.enc);
		if (c->u.gsm.dec)
			gsm0610_free(c->u.gsm.dec);
		break;
	case DSP_G729:
		if (c->u.g729.enc)
			closeBcg729EncoderChannel(c->u.g729.enc);
		if (c->u.g729.dec)
			closeBcg729DecoderChannel(c->u.g729.dec);
		break;
	default:
		break;
	}
	mem_free(c);
}

int dsp_codec_encode(struct dsp_codec *c, const int16_t *pcm, size_t n, uint8_t *out, size_t size)
{
	size_t need = n * dsp_codecs[c->id].bytes_20ms / 160;

	if (n % 80 || (c->id == DSP_GSM && n % 160))
		return -EINVAL;
	if (size < need)
		return -ENOSPC;
	switch (c->id) {
	case DSP_PCMA:
		for (size_t i = 0; i < n; i++)
			out[i] = linear_to_alaw(pcm[i]);
		return (int)n;
	case DSP_PCMU:
		for (size_t i = 0; i < n; i++)
			out[i] = linear_to_ulaw(pcm[i]);
		return (int)n;
	case DSP_G722:
		return g722_encode(c->u.g722.enc, out, pcm, (int)n);
	case DSP_G726_32:
		return g726_encode(c->u.g726.enc, out, pcm, (int)n);
	case DSP_GSM:
		return gsm0610_encode(c->u.gsm.enc, out, pcm, (int)n);
	case DSP_G729: {
		size_t o = 0;
		uint8_t sid[10];
		bool have_sid = false;

		for (size_t i = 0; i < n; i += 80) {
			uint8_t len = 0, frame[10];

			/* 10 bytes, or 2 for a SID frame, or 0 when VAD is silent */
			bcg729Encoder(c->u.g729.enc, pcm + i, frame, &len);
			if (len == 2) { /* a SID goes last (RFC 3551 4.5.6), and only if nothing follows */
				memcpy(sid, frame, 2);
				have_sid = true;
			} else if (len == 10) {
				memcpy(out + o, frame, 10);
				o += 10;
				have_sid = false; /* a talkspurt began: the SID before it is moot */
			}
		}
		if (have_sid) {
			memcpy(out + o, sid, 2);
			o += 2;
		}
		return (int)o;
	}
	default:
		return -EINVAL;
	}
}

int dsp_codec_decode(struct dsp_codec *c, const uint8_t *in, size_t len, int16_t *pcm, size_t max)
{
	size_t n;

	switch (c->id) {
	case DSP_PCMA:
	case DSP_PCMU:
		if (len > max)
			return -ENOSPC;
		for (size_t i = 0; i < len; i++)
			pcm[i] = c->id == DSP_PCMA ? alaw_to_linear(in[i]) : ulaw_to_linear(in[i]);
		return (int)len;
	case DSP_G722:
		if (len > max)
			return -ENOSPC;
		return g722_decode(c->u.g722.dec, pcm, in, (int)len);
	case DSP_G726_32:
		if (len * 2 > max)
			return -ENOSPC;
		return g726_decode(c->u.g726.dec, pcm, in, (int)len);
	case DSP_GSM:
		if (len % 33)
			return -EINVAL;
		if (len / 33 * 160 > max)
			return -ENOSPC;
		return gsm0610_decode(c->u.gsm.dec, pcm, in, (int)len);
	case DSP_G729: {
		/* 10-byte frames, a 2-byte SID (annex B) at the end.  With annex B
		 * a packet of the call's packet time may carry less: the frames
		 * not sent are comfort noise, before a talkspurt's first frame
		 * (the packet's first 10 ms were still silent) or after a SID. */
		size_t covered = (len / 10 + (len % 10 == 2)) * 80, lead = 0, tail = 0;

		if (c->ptime && covered && covered < c->ptime && c->ptime <= max) {
			if (len % 10 == 0)
				lead = c->ptime - covered;
			else
				tail = c->ptime - covered;
		}
		n = 0;
		for (; n < lead; n += 80)
			bcg729Decoder(c->u.g729.dec, NULL, 0, 1, 0, 0, pcm + n);
		while (len >= 10) {
			if (n + 80 > max)
				return -ENOSPC;
			bcg729Decoder(c->u.g729.dec, in, 10, 0, 0, 0, pcm + n);
			in += 10, len -= 10, n += 80;
			c->u.g729.cng = false;
		}
		if (len == 2) {
			if (n + 80 > max)
				return -ENOSPC;
			bcg729Decoder(c->u.g729.dec, in, 2, 0, 1, 0, pcm + n);
			n += 80;
			c->u.g729.cng = true;
		} else if (len) {
			return -EINVAL;
		}
		for (size_t end = n + tail; n < end; n += 80)
			bcg729Decoder(c->u.g729.dec, NULL, 0, 1, 0, 0, pcm + n);
		return (int)n;
	}
	default:
		return -EINVAL;
	}
}

void dsp_codec_set_packet_samples(struct dsp_codec *c, size_t samples)
{
	c->ptime = samples % 80 ? 0 : samples;
}

int dsp_codec_fill(struct dsp_codec *c, bool lost, int16_t *pcm, size_t n)
{
	if (c->id != DSP_G729 || n % 80 || (!lost && !c->u.g729.cng))
		return 0;
	/* an erased frame: G.729's own concealment after speech, more comfort
	 * noise from the last SID after one (annex B's untransmitted frames) */
	for (size_t i = 0; i < n; i += 80)
		bcg729Decoder(c->u.g729.dec, NULL, 0, 1, 0, 0, pcm + i);
	return (int)n;
}

bool dsp_codec_is_line_law(enum dsp_codec_id id, bool line_alaw)
{
	return line_alaw ? id == DSP_PCMA : id == DSP_PCMU;
}
