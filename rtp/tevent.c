/* tevent.c: RFC 4733 telephone events, see tevent.h. */
#include "config.h"

#include "rtp/tevent.h"

#include <errno.h>
#include <string.h>

static const char events[] = "0123456789*#ABCD!";

int tev_from_char(char c)
{
	const char *p;

	if (c >= 'a' && c <= 'd')
		c = (char)(c - 'a' + 'A');
	p = c ? strchr(events, c) : NULL;
	return p ? (int)(p - events) : -1;
}

char tev_to_char(int event)
{
	return event >= 0 && event <= TEV_FLASH ? events[event] : '?';
}

int tev_parse(const uint8_t *p, size_t len, struct tev_payload *out)
{
	if (len < TEV_PAYLOAD_LEN)
		return -EINVAL;
	out->event = p[0];
	out->end = p[1] & 0x80;
	out->volume = p[1] & 0x3f;
	out->duration = (uint16_t)(p[2] << 8 | p[3]);
	return 0;
}

void tev_write(uint8_t *p, const struct tev_payload *ev)
{
	p[0] = ev->event;
	p[1] = (uint8_t)((ev->end ? 0x80 : 0) | (ev->volume & 0x3f));
	p[2] = (uint8_t)(ev->duration >> 8);
	p[3] = (uint8_t)ev->duration;
}

/* ---- sender ------------------------------------------------------------------- */

int tev_send_start(struct tev_sender *s, int event, unsigned volume, uint32_t ts, uint32_t duration,
		   uint32_t step)
{
	if (event < 0 || event > 255 || volume > 63 || !step || !duration)
		return -EINVAL;
	memset(s, 0, sizeof(*s));
	s->active = true;
	s->event = (uint8_t)event;
	s->volume = (uint8_t)volume;
	s->ts = ts;
	s->left = duration;
	s->step = step;
	s->first = true;
	return 0;
}

static void packet(const struct tev_sender *s, struct tev_packet *pkt, bool end)
{
	struct tev_payload p = {s->event, end, s->volume, (uint16_t)s->seg_dur};

	pkt->marker = s->first;
	pkt->ts = s->ts;
	tev_write(pkt->payload, &p);
}

bool tev_send_next(struct tev_sender *s, struct tev_packet *pkt)
{
	if (!s->active)
		return false;
	if (s->left) {
		uint32_t inc = s->left < s->step ? s->left : s->step;

		if (s->seg_dur + inc > 0xffff) {
			/* the duration field is full: a new segment starts where
			 * this one ends (§2.5.2.3) */
			s->ts += s->seg_dur;
			s->seg_dur = 0;
		}
		s->seg_dur += inc;
		s->total += inc;
		s->left -= inc;
		packet(s, pkt, s->left == 0);
		s->first = false;
		if (s->left == 0)
			s->ends_left = 2; /* the end goes three times in all */
		return true;
	}
	if (s->ends_left) {
		s->ends_left--;
		packet(s, pkt, true);
		return true;
	}
	s->active = false;
	return false;
}

/* ---- receiver ----------------------------------------------------------------- */

void tev_receiver_init(struct tev_receiver *r, void (*on_digit)(void *, char, bool, uint32_t),
		       void *arg)
{
	memset(r, 0, sizeof(*r));
	r->on_digit = on_digit;
	r->arg = arg;
}

static void digit_end(struct tev_receiver *r)
{
	r->active = false;
	r->have_last = true;
	r->last_ts = r->ts;
	r->last_event = r->event;
	r->last_end_at = r->ts + r->seg_dur;
	r->ends++;
	if (r->on_digit)
		r->on_digit(r->arg, tev_to_char(r->event), false, r->total + r->seg_dur);
}

static void digit_start(struct tev_receiver *r, uint32_t ts, const struct tev_payload *p)
{
	r->active = true;
	r->event = p->event;
	r->ts = ts;
	r->seg_dur = p->duration;
	r->total = 0;
	r->starts++;
	if (r->on_digit)
		r->on_digit(r->arg, tev_to_char(p->event), true, 0);
}

void tev_receiver_packet(struct tev_receiver *r, uint32_t ts, const uint8_t *payload, size_t len,
			 uint64_t now_ms)
{
	struct tev_payload p;

	if (tev_parse(payload, len, &p) < 0 || p.event > TEV_FLASH)
		return;
	r->last_rx_ms = now_ms;
	if (r->active) {
		if (ts == r->ts && p.event == r->event) {
			if (p.duration > r->seg_dur)
				r->seg_dur = p.duration;
			if (p.end)
				digit_end(r);
			return;
		}
		if ((int32_t)(ts - r->ts) < 0) {
			r->repeats++; /* an older event's packet, late */
			return;
		}
		if (p.event == r->event && ts == r->ts + r->seg_dur) {
			/* the next segment of a long digit */
			r->total += r->seg_dur;
			r->ts = ts;
			r->seg_dur = p.duration;
			if (p.end)
				digit_end(r);
			return;
		}
		digit_end(r); /* a new event: the last one's ends were lost */
	} else if (r->have_last) {
		/* repeated end packets, or a late packet of an ended event */
		if ((ts == r->last_ts && p.event == r->last_event) || (int32_t)(ts - r->last_ts) < 0) {
			r->repeats++;
			return;
		}
	}
	digit_start(r, ts, &p);
	if (p.end)
		digit_end(r); /* only its end packets came */
}

void tev_receiver_poll(struct tev_receiver *r, uint64_t now_ms, unsigned timeout_ms)
{
	if (r->active && now_ms - r->last_rx_ms >= timeout_ms) {
		r->timeouts++;
		digit_end(r);
	}
}
