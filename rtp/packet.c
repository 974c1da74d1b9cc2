/* packet.c: RTP headers and the A.1/A.3/A.8 receiver rules (RFC 3550). */
#include "config.h"

#include "rtp/rtp.h"

#include <errno.h>
#include <string.h>

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

int rtp_parse(const uint8_t *buf, size_t len, struct rtp_hdr *h)
{
	size_t off, end = len;

	if (len < RTP_HDR_LEN || buf[0] >> 6 != RTP_VERSION)
		return -EINVAL;
	memset(h, 0, sizeof(*h));
	h->padding = buf[0] & 0x20;
	h->extension = buf[0] & 0x10;
	h->cc = buf[0] & 0x0f;
	h->marker = buf[1] & 0x80;
	h->pt = buf[1] & 0x7f;
	h->seq = get16(buf + 2);
	h->ts = get32(buf + 4);
	h->ssrc = get32(buf + 8);
	off = RTP_HDR_LEN + 4u * h->cc;
	if (off > len)
		return -EINVAL;
	for (unsigned i = 0; i < h->cc; i++)
		h->csrc[i] = get32(buf + RTP_HDR_LEN + 4 * i);
	if (h->extension) {
		size_t words;

		if (off + 4 > len)
			return -EINVAL;
		h->ext_profile = get16(buf + off);
		words = get16(buf + off + 2);
		h->ext = buf + off + 4;
		h->ext_len = words * 4;
		off += 4 + h->ext_len;
		if (off > len)
			return -EINVAL;
	}
	if (h->padding) {
		uint8_t pad = buf[len - 1];

		/* the count includes itself and may not eat into the header */
		if (pad == 0 || pad > len - off)
			return -EINVAL;
		end = len - pad;
	}
	h->payload = buf + off;
	h->payload_len = end - off;
	return 0;
}

int rtp_write_hdr(uint8_t *buf, size_t size, const struct rtp_hdr *h)
{
	size_t n = RTP_HDR_LEN + 4u * (h->cc & 0x0f);

	if (size < n)
		return -ENOSPC;
	buf[0] = (uint8_t)(RTP_VERSION << 6 | (h->cc & 0x0f));
	buf[1] = (uint8_t)((h->marker ? 0x80 : 0) | (h->pt & 0x7f));
	buf[2] = (uint8_t)(h->seq >> 8);
	buf[3] = (uint8_t)h->seq;
	put32(buf + 4, h->ts);
	put32(buf + 8, h->ssrc);
	for (unsigned i = 0; i < (h->cc & 0x0fu); i++)
		put32(buf + RTP_HDR_LEN + 4 * i, h->csrc[i]);
	return (int)n;
}

bool rtp_is_rtcp(const uint8_t *buf, size_t len)
{
	/* RFC 5761 §4: RTCP packet types 192-223 land on RTP payload types
	 * 64-95 once the marker bit is folded in */
	return len >= 8 && buf[0] >> 6 == RTP_VERSION && buf[1] >= 192 && buf[1] <= 223;
}

/* ---- A.1: sequence number validation ------------------------------------------ */

static void seq_reset(struct rtp_source *s, uint16_t seq)
{
	s->base_seq = seq;
	s->max_seq = seq;
	s->bad_seq = (1u << 16) + 1; /* so seq == bad_seq is false */
	s->cycles = 0;
	s->received = 0;
	s->received_prior = 0;
	s->expected_prior = 0;
}

void rtp_source_init(struct rtp_source *s, uint32_t ssrc, uint16_t seq)
{
	memset(s, 0, sizeof(*s));
	s->ssrc = ssrc;
	seq_reset(s, seq);
	s->max_seq = (uint16_t)(seq - 1);
	s->probation = RTP_MIN_SEQUENTIAL;
}

enum rtp_seq_verdict rtp_source_update_seq(struct rtp_source *s, uint16_t seq)
{
	uint16_t udelta = (uint16_t)(seq - s->max_seq);

	if (s->probation) {
		/* a new source is believed after MIN_SEQUENTIAL packets in order */
		if (seq == (uint16_t)(s->max_seq + 1)) {
			s->probation--;
			s->max_seq = seq;
			if (s->probation == 0) {
				seq_reset(s, seq);
				s->received++;
				s->valid = true;
				return RTP_SEQ_OK;
			}
		} else {
			s->probation = RTP_MIN_SEQUENTIAL - 1;
			s->max_seq = seq;
		}
		return RTP_SEQ_PROBATION;
	}
	if (udelta == 0) {
		s->duplicates++;
		return RTP_SEQ_BAD;
	}
	if (udelta < RTP_MAX_DROPOUT) {
		if (seq < s->max_seq)
			s->cycles += 1u << 16; /* wrapped */
		s->max_seq = seq;
	} else if (udelta <= (1u << 16) - RTP_MAX_MISORDER) {
		/* a very large jump: believe it only if the next packet follows it */
		if (seq == s->bad_seq) {
			seq_reset(s, seq);
			s->received++;
			return RTP_SEQ_RESTART;
		}
		s->bad_seq = (uint32_t)(seq + 1) & 0xffff;
		return RTP_SEQ_BAD;
	}
	/* else: late or duplicate within the misorder window; counted */
	s->received++;
	return RTP_SEQ_OK;
}

void rtp_source_update_jitter(struct rtp_source *s, uint32_t arrival, uint32_t ts)
{
	int32_t transit = (int32_t)(arrival - ts);
	int32_t d;

	if (!s->have_transit) {
		s->have_transit = true;
		s->transit = transit;
		return;
	}
	d = transit - s->transit;
	s->transit = transit;
	if (d < 0)
		d = -d;
	/* J += (|D| - J) / 16, kept scaled by 16 (A.8) */
	s->jitter_q4 += (uint32_t)d - ((s->jitter_q4 + 8) >> 4);
}

uint32_t rtp_source_ext_max(const struct rtp_source *s)
{
	return s->cycles + s->max_seq;
}

uint32_t rtp_source_expected(const struct rtp_source *s)
{
	return s->valid ? rtp_source_ext_max(s) - s->base_seq + 1 : 0;
}

int32_t rtp_source_lost(const struct rtp_source *s)
{
	int64_t lost = (int64_t)rtp_source_expected(s) - s->received;

	if (lost > 0x7fffff)
		lost = 0x7fffff;
	if (lost < -0x800000)
		lost = -0x800000;
	return (int32_t)lost;
}

uint8_t rtp_source_fraction_lost(struct rtp_source *s)
{
	uint32_t expected = rtp_source_expected(s);
	uint32_t exp_int = expected - s->expected_prior;
	uint32_t rec_int = s->received - s->received_prior;
	int64_t lost_int = (int64_t)exp_int - rec_int;

	s->expected_prior = expected;
	s->received_prior = s->received;
	if (exp_int == 0 || lost_int <= 0)
		return 0;
	return (uint8_t)((lost_int << 8) / exp_int);
}

uint32_t rtp_source_jitter(const struct rtp_source *s)
{
	return s->jitter_q4 >> 4;
}
