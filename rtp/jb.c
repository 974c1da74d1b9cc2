/* jb.c: the adaptive jitter buffer, see jb.h.
 *
 * Slots are indexed by the packet's frame number counted from an anchor
 * set far enough behind the first packet that a reordered earlier packet
 * still counts forward; a slot holding another timestamp is stale and is
 * overwritten (counted as overflow).  The anchor moves whenever the buffer
 * starts again with nothing in it. */
#include "config.h"

#include "rtp/jb.h"

#include <string.h>

#define SHRINK_AFTER_GETS 50 /* a second of 20 ms frames with a frame too many */
#define DECAY_GETS 100	     /* gets of low jitter before the target comes down a frame */
#define ANCHOR_FRAMES 4096   /* frames the anchor lies behind the stream */

static uint32_t ms_to_ts(const struct jb *jb, unsigned ms)
{
	return (uint32_t)((uint64_t)ms * jb->cfg.rate / 1000);
}

static unsigned ts_to_ms(const struct jb *jb, uint64_t ts)
{
	return (unsigned)(ts * 1000 / jb->cfg.rate);
}

static unsigned round_frames(const struct jb *jb, unsigned ms)
{
	unsigned f = jb->cfg.frame_ms;

	return (ms + f - 1) / f * f;
}

static unsigned clamp_target(const struct jb *jb, unsigned ms)
{
	if (jb->cfg.fixed)
		return round_frames(jb, jb->cfg.fixed_ms);
	if (ms < jb->cfg.min_ms)
		ms = jb->cfg.min_ms;
	if (ms > jb->cfg.max_ms)
		ms = jb->cfg.max_ms;
	return round_frames(jb, ms);
}

static unsigned slot_of(const struct jb *jb, uint32_t ts)
{
	return (unsigned)((uint32_t)(ts - jb->anchor) / jb->frame_ts % JB_SLOTS);
}

static void set_play(struct jb *jb, uint32_t ts)
{
	jb->play_ts = ts;
	jb->newest_end = ts;
	jb->anchor = ts - ANCHOR_FRAMES * jb->frame_ts;
}

static void clear(struct jb *jb)
{
	for (unsigned i = 0; i < JB_SLOTS; i++)
		jb->slot[i].used = false;
	jb->count = 0;
	jb->playing = false;
}

void jb_init(struct jb *jb, const struct jb_config *cfg)
{
	memset(jb, 0, sizeof(*jb));
	jb->cfg = *cfg;
	if (!jb->cfg.rate)
		jb->cfg.rate = 8000;
	if (!jb->cfg.frame_ms)
		jb->cfg.frame_ms = 20;
	if (jb->cfg.max_ms < jb->cfg.min_ms)
		jb->cfg.max_ms = jb->cfg.min_ms;
	if (jb->cfg.max_ms > (JB_SLOTS - 2) * jb->cfg.frame_ms)
		jb->cfg.max_ms = (JB_SLOTS - 2) * jb->cfg.frame_ms;
	jb->frame_ts = ms_to_ts(jb, jb->cfg.frame_ms);
	jb->target_ms = clamp_target(jb, jb->cfg.min_ms);
}

void jb_set_fixed(struct jb *jb, bool fixed, unsigned fixed_ms)
{
	jb->cfg.fixed = fixed;
	jb->cfg.fixed_ms = fixed_ms;
	jb->target_ms = clamp_target(jb, fixed ? fixed_ms : jb->target_ms);
}

/* Start again at ts: the stream jumped, or a new source took over. */
static void resync(struct jb *jb, uint32_t ssrc, uint32_t ts)
{
	if (jb->started)
		jb->stats.resyncs++;
	clear(jb);
	jb->started = true;
	jb->ssrc = ssrc;
	set_play(jb, ts);
	jb->have_transit = false;
}

enum jb_put_result jb_put(struct jb *jb, uint32_t ssrc, uint16_t seq, uint32_t ts, uint8_t pt,
			  bool marker, const uint8_t *payload, size_t len, uint64_t arrival_ms)
{
	int32_t ahead;
	struct jb_slot *s;
	int64_t transit;

	if (len > JB_MAX_PAYLOAD)
		return JB_PUT_TOO_BIG;
	jb->stats.put++;
	if (!jb->started || ssrc != jb->ssrc)
		resync(jb, ssrc, ts);
	ahead = (int32_t)(ts - jb->play_ts);
	/* nothing held and not playing: this packet starts the stream, wherever
	 * it is (first packet, or the first after a pause) */
	if (!jb->playing && jb->count == 0) {
		ahead = 0;
		set_play(jb, ts);
	}
	/* a leap beyond what the buffer can hold, or far back: start again */
	if (ahead >= (int32_t)((JB_SLOTS - 1) * jb->frame_ts) ||
	    ahead < -(int32_t)(ANCHOR_FRAMES * jb->frame_ts)) {
		resync(jb, ssrc, ts);
		ahead = 0;
	}
	/* A.8 jitter in timestamp units */
	transit = (int64_t)(arrival_ms * jb->cfg.rate / 1000) - (int64_t)ts;
	if (ahead >= 0 || !jb->playing) {
		if (jb->have_transit) {
			int64_t d = transit - jb->transit;

			/* a timestamp wrap or a leap: not jitter */
			if (d < 0)
				d = -d;
			if (d < (int64_t)jb->cfg.rate)
				jb->jitter_q4 += (uint64_t)d - ((jb->jitter_q4 + 8) >> 4);
		}
		jb->have_transit = true;
		jb->transit = transit;
	}
	if (ahead < 0) {
		if (jb->playing) {
			/* its time has passed: the delay was too short */
			jb->stats.late++;
			if (!jb->cfg.fixed && jb->target_ms < jb->cfg.max_ms) {
				jb->target_ms = clamp_target(jb, jb->target_ms + jb->cfg.frame_ms);
				jb->stats.grows++;
			}
			return JB_PUT_LATE;
		}
		/* reordered before playing started: play from the earlier one */
		jb->play_ts = ts;
	}
	s = &jb->slot[slot_of(jb, ts)];
	if (s->used && s->ts == ts) {
		jb->stats.duplicates++;
		return JB_PUT_DUPLICATE;
	}
	if (s->used)
		jb->stats.overflow++;
	else
		jb->count++;
	s->used = true;
	s->ts = ts;
	s->seq = seq;
	s->pt = pt;
	s->marker = marker;
	s->len = (uint16_t)len;
	memcpy(s->data, payload, len);
	if ((int32_t)(ts + jb->frame_ts - jb->newest_end) > 0)
		jb->newest_end = ts + jb->frame_ts;
	return JB_PUT_OK;
}

static unsigned depth_ms(const struct jb *jb)
{
	int32_t d = (int32_t)(jb->newest_end - jb->play_ts);

	return d > 0 ? ts_to_ms(jb, (uint64_t)d) : 0;
}

/* a frame plus three times the jitter covers nearly every packet */
static unsigned wanted_ms(const struct jb *jb)
{
	return jb->cfg.frame_ms + 3 * ts_to_ms(jb, jb->jitter_q4 >> 4);
}

enum jb_get_result jb_get(struct jb *jb, struct jb_frame *out)
{
	struct jb_slot *s;
	unsigned want;

	if (!jb->started)
		return JB_EMPTY;
	if (!jb->playing) {
		if (jb->count == 0 || depth_ms(jb) < jb->target_ms)
			return JB_EMPTY;
		jb->playing = true;
	}
	if (!jb->cfg.fixed) {
		want = wanted_ms(jb);
		if (want > jb->target_ms && jb->target_ms < jb->cfg.max_ms) {
			/* more jitter: hold the playout point for one frame */
			jb->target_ms += jb->cfg.frame_ms;
			jb->stats.grows++;
			jb->surplus_gets = 0;
			return JB_GROW;
		}
		if (depth_ms(jb) > jb->target_ms + jb->cfg.frame_ms) {
			if (++jb->surplus_gets >= SHRINK_AFTER_GETS) {
				/* a frame more than needed for a while: skip one */
				s = &jb->slot[slot_of(jb, jb->play_ts)];
				if (s->used && s->ts == jb->play_ts) {
					s->used = false;
					jb->count--;
				}
				jb->play_ts += jb->frame_ts;
				jb->stats.shrinks++;
				jb->surplus_gets = 0;
			}
		} else {
			jb->surplus_gets = 0;
		}
		/* hysteresis: down a frame only after the jitter has stayed a
		 * whole frame below the delay for a while */
		if (want + jb->cfg.frame_ms <= jb->target_ms && jb->target_ms > jb->cfg.min_ms) {
			if (++jb->low_gets >= DECAY_GETS) {
				jb->target_ms = clamp_target(jb, jb->target_ms - jb->cfg.frame_ms);
				jb->low_gets = 0;
			}
		} else {
			jb->low_gets = 0;
		}
	}
	s = &jb->slot[slot_of(jb, jb->play_ts)];
	if (s->used && s->ts == jb->play_ts) {
		out->ts = s->ts;
		out->seq = s->seq;
		out->pt = s->pt;
		out->marker = s->marker;
		out->len = s->len;
		memcpy(out->data, s->data, s->len);
		s->used = false;
		jb->count--;
		jb->play_ts += jb->frame_ts;
		jb->stats.played++;
		return JB_FRAME;
	}
	out->ts = jb->play_ts;
	out->len = 0;
	jb->play_ts += jb->frame_ts;
	jb->stats.missing++;
	/* nothing ahead any more: the stream paused; rebuffer when it resumes */
	if (jb->count == 0 && (int32_t)(jb->newest_end - jb->play_ts) <= 0)
		jb->playing = false;
	return JB_MISSING;
}

void jb_get_stats(const struct jb *jb, struct jb_stats *st)
{
	*st = jb->stats;
	st->target_ms = jb->target_ms;
	st->depth_ms = depth_ms(jb);
	st->jitter_ms = ts_to_ms(jb, jb->jitter_q4 >> 4);
}
