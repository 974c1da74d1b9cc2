/* playout.c: jitter buffer to TDM ticks with concealment, see playout.h. */
#include "config.h"

#include "rtp/playout.h"

#include <errno.h>
#include <spandsp.h>
#include <string.h>

int playout_decode_g711(void *arg, uint8_t pt, const uint8_t *in, size_t len, int16_t *out, size_t max)
{
	(void)arg;
	if (len > max || (pt != 0 && pt != 8))
		return -1;
	for (size_t i = 0; i < len; i++)
		out[i] = pt == 8 ? alaw_to_linear(in[i]) : ulaw_to_linear(in[i]);
	return (int)len;
}

int rtp_playout_init(struct rtp_playout *p, struct jb *jb, unsigned tick_samples,
		     playout_decode_fn decode, void *arg)
{
	memset(p, 0, sizeof(*p));
	if (!tick_samples || tick_samples > PLAYOUT_MAX_SAMPLES / 2)
		return -EINVAL;
	p->jb = jb;
	p->tick_samples = tick_samples;
	p->frame_samples = jb->frame_ts;
	p->decode = decode ? decode : playout_decode_g711;
	p->decode_arg = arg;
	p->plc = plc_init(NULL);
	return p->plc ? 0 : -ENOMEM;
}

void rtp_playout_set_fill(struct rtp_playout *p, playout_fill_fn fill)
{
	p->fill = fill;
}

void rtp_playout_fini(struct rtp_playout *p)
{
	if (p->plc)
		plc_free(p->plc);
	p->plc = NULL;
}

/* One more packet's worth of audio into pcm; its kind as for the tick. */
static int refill(struct rtp_playout *p)
{
	struct jb_frame f;
	size_t room = PLAYOUT_MAX_SAMPLES - p->have;
	size_t want = p->frame_samples < room ? p->frame_samples : room;
	int n;

	switch (jb_get(p->jb, &f)) {
	case JB_FRAME:
		n = p->decode(p->decode_arg, f.pt, f.data, f.len, p->pcm + p->have, room);
		if (n > 0) {
			plc_rx(p->plc, p->pcm + p->have, n);
			p->have += (size_t)n;
			return 1;
		}
		/* undecodable: conceal it like a lost one */
		/* fall through */
	case JB_MISSING:
	case JB_GROW:
		if (p->fill && (n = p->fill(p->decode_arg, true, p->pcm + p->have, want)) > 0) {
			p->have += (size_t)n;
			return -1;
		}
		plc_fillin(p->plc, p->pcm + p->have, (int)want);
		p->have += want;
		return -1;
	case JB_EMPTY:
	default:
		/* the peer says nothing: its codec's comfort noise, if any */
		if (p->fill && (n = p->fill(p->decode_arg, false, p->pcm + p->have, want)) > 0) {
			p->have += (size_t)n;
			return 1;
		}
		return 0;
	}
}

int rtp_playout_tick(struct rtp_playout *p, int16_t *out)
{
	int kind = 1;

	p->st.ticks++;
	/* bounded: each refill adds a packet's samples or ends the loop */
	for (int i = 0; i < 16 && p->have < p->tick_samples; i++) {
		int k = refill(p);

		if (k == 0)
			break;
		if (k < 0)
			kind = -1;
	}
	if (p->have < p->tick_samples) {
		/* nothing to play: what there is, then silence */
		memcpy(out, p->pcm, p->have * sizeof(int16_t));
		memset(out + p->have, 0, (p->tick_samples - p->have) * sizeof(int16_t));
		p->have = 0;
		p->st.silent++;
		return 0;
	}
	memcpy(out, p->pcm, p->tick_samples * sizeof(int16_t));
	p->have -= p->tick_samples;
	memmove(p->pcm, p->pcm + p->tick_samples, p->have * sizeof(int16_t));
	if (kind < 0)
		p->st.concealed++;
	else
		p->st.played++;
	return kind;
}
