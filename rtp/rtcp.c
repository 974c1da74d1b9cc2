/* rtcp.c: RTCP compound packets and the E-model, see rtcp.h. */
#include "config.h"

#include "rtp/rtcp.h"
#include "rtp/rtp.h"

#include <errno.h>
#include <string.h>

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)get16(p) << 16 | get16(p + 2);
}

/* the common header: V=2, count, type, length in 32-bit words minus one */
static void header(uint8_t *p, unsigned count, uint8_t type, size_t bytes)
{
	p[0] = (uint8_t)(RTP_VERSION << 6 | (count & 31));
	p[1] = type;
	put16(p + 2, (uint16_t)(bytes / 4 - 1));
}

static void report_block(uint8_t *p, const struct rtcp_report *r)
{
	uint32_t lost = (uint32_t)r->cumulative_lost & 0xffffff;

	put32(p, r->ssrc);
	put32(p + 4, (uint32_t)r->fraction_lost << 24 | lost);
	put32(p + 8, r->ext_max_seq);
	put32(p + 12, r->jitter);
	put32(p + 16, r->lsr);
	put32(p + 20, r->dlsr);
}

int rtcp_build(uint8_t *buf, size_t size, const struct rtcp_out *o)
{
	size_t n = 0, len, cl = o->cname ? strlen(o->cname) : 0;
	unsigned rc = o->have_report ? 1 : 0;

	if (cl > 255)
		cl = 255;
	/* SR or RR */
	len = 8 + (o->sender ? 20 : 0) + 24 * rc;
	if (n + len > size)
		return -ENOSPC;
	header(buf + n, rc, o->sender ? RTCP_SR : RTCP_RR, len);
	put32(buf + n + 4, o->ssrc);
	if (o->sender) {
		put32(buf + n + 8, (uint32_t)(o->ntp >> 32));
		put32(buf + n + 12, (uint32_t)o->ntp);
		put32(buf + n + 16, o->rtp_ts);
		put32(buf + n + 20, o->packets);
		put32(buf + n + 24, o->octets);
	}
	if (rc)
		report_block(buf + n + len - 24, &o->report);
	n += len;
	/* SDES: one chunk, CNAME, END, padded to a word */
	if (cl) {
		len = (8 + 2 + cl + 1 + 3) & ~(size_t)3;
		if (n + len > size)
			return -ENOSPC;
		memset(buf + n, 0, len);
		header(buf + n, 1, RTCP_SDES, len);
		put32(buf + n + 4, o->ssrc);
		buf[n + 8] = 1; /* CNAME */
		buf[n + 9] = (uint8_t)cl;
		memcpy(buf + n + 10, o->cname, cl);
		n += len;
	}
	/* XR with a VoIP metrics block (RFC 3611 §4.7: block type 7, 8 words) */
	if (o->xr) {
		uint8_t *p = buf + n;

		len = 8 + 36;
		if (n + len > size)
			return -ENOSPC;
		memset(p, 0, len);
		header(p, 0, RTCP_XR, len);
		put32(p + 4, o->ssrc);
		p[8] = 7;
		put16(p + 10, 8);
		put32(p + 12, o->voip.ssrc);
		p[16] = o->voip.loss_rate;
		p[17] = o->voip.discard_rate;
		put16(p + 24, o->voip.rtt_ms);
		put16(p + 26, o->voip.end_system_delay_ms);
		p[28] = 127;  /* signal level: unavailable */
		p[29] = 127;  /* noise level: unavailable */
		p[30] = 127;  /* RERL: unavailable */
		p[31] = 16;   /* Gmin, the RFC's recommended value */
		p[32] = o->voip.r_factor;
		p[33] = 127;  /* external R: unavailable */
		p[34] = o->voip.mos_lq;
		p[35] = o->voip.mos_cq;
		p[36] = 0xf0; /* PLC standard (11), jitter buffer adaptive (11), rate 0 */
		put16(p + 38, o->voip.jb_nominal_ms);
		put16(p + 40, o->voip.jb_max_ms);
		put16(p + 42, o->voip.jb_max_ms);
		n += len;
	}
	if (o->bye) {
		len = 8;
		if (n + len > size)
			return -ENOSPC;
		header(buf + n, 1, RTCP_BYE, len);
		put32(buf + n + 4, o->ssrc);
		n += len;
	}
	return (int)n;
}

static void parse_reports(const uint8_t *p, unsigned count, struct rtcp_info *out)
{
	for (unsigned i = 0; i < count && out->nreports < 4; i++, p += 24) {
		struct rtcp_report *r = &out->report[out->nreports++];
		uint32_t w = get32(p + 4);

		r->ssrc = get32(p);
		r->fraction_lost = (uint8_t)(w >> 24);
		r->cumulative_lost = (int32_t)((w & 0xffffff) << 8) >> 8; /* 24-bit signed */
		r->ext_max_seq = get32(p + 8);
		r->jitter = get32(p + 12);
		r->lsr = get32(p + 16);
		r->dlsr = get32(p + 20);
	}
}

int rtcp_parse(const uint8_t *buf, size_t len, struct rtcp_info *out)
{
	size_t off = 0;
	bool first = true;

	memset(out, 0, sizeof(*out));
	while (off + 4 <= len) {
		const uint8_t *p = buf + off;
		unsigned count = p[0] & 31, type = p[1];
		size_t plen = ((size_t)get16(p + 2) + 1) * 4;

		if (p[0] >> 6 != RTP_VERSION || off + plen > len)
			return -EINVAL;
		/* §6.1: a compound packet starts with SR or RR, padding only on the last */
		if (first && type != RTCP_SR && type != RTCP_RR)
			return -EINVAL;
		if ((p[0] & 0x20) && off + plen != len)
			return -EINVAL;
		first = false;
		switch (type) {
		case RTCP_SR:
			if (plen < 28 + 24u * count)
				return -EINVAL;
			out->ssrc = get32(p + 4);
			out->sr = true;
			out->ntp = (uint64_t)get32(p + 8) << 32 | get32(p + 12);
			out->rtp_ts = get32(p + 16);
			out->packets = get32(p + 20);
			out->octets = get32(p + 24);
			parse_reports(p + 28, count, out);
			break;
		case RTCP_RR:
			if (plen < 8 + 24u * count)
				return -EINVAL;
			out->ssrc = get32(p + 4);
			parse_reports(p + 8, count, out);
			break;
		case RTCP_SDES:
			/* the first chunk's CNAME */
			if (count && plen >= 10) {
				size_t i = 8;

				while (i + 2 <= plen && p[i] != 0) {
					size_t il = p[i + 1];

					if (i + 2 + il > plen)
						break;
					if (p[i] == 1 && il < sizeof(out->cname)) {
						memcpy(out->cname, p + i + 2, il);
						out->cname[il] = '\0';
					}
					i += 2 + il;
				}
			}
			break;
		case RTCP_BYE:
			out->bye = true;
			break;
		case RTCP_XR:
			for (size_t i = 8; i + 4 <= plen;) {
				size_t blen = ((size_t)get16(p + i + 2) + 1) * 4;

				if (i + blen > plen)
					return -EINVAL;
				if (p[i] == 7 && blen == 36) {
					const uint8_t *b = p + i;

					out->xr = true;
					out->voip.ssrc = get32(b + 4);
					out->voip.loss_rate = b[8];
					out->voip.discard_rate = b[9];
					out->voip.rtt_ms = get16(b + 16);
					out->voip.end_system_delay_ms = get16(b + 18);
					out->voip.r_factor = b[24];
					out->voip.mos_lq = b[26];
					out->voip.mos_cq = b[27];
					out->voip.jb_nominal_ms = get16(b + 30);
					out->voip.jb_max_ms = get16(b + 32);
				}
				i += blen;
			}
			break;
		default:
			break; /* APP and others: skipped */
		}
		off += plen;
	}
	return off == len && !first ? 0 : -EINVAL;
}

uint64_t rtcp_ntp_from_ns(uint64_t ns)
{
	uint64_t sec = ns / 1000000000u + 2208988800u; /* 1900 -> 1970 */
	uint64_t frac = ((ns % 1000000000u) << 32) / 1000000000u;

	return sec << 32 | frac;
}

int rtcp_rtt_ms(const struct rtcp_report *r, uint64_t ntp_now)
{
	uint32_t a = rtcp_ntp_mid(ntp_now);
	uint32_t rtt;

	if (!r->lsr)
		return -1;
	rtt = a - r->lsr - r->dlsr; /* 1/65536 s */
	if ((int32_t)rtt < 0)
		return 0;
	return (int)((uint64_t)rtt * 1000 / 65536);
}

double rtcp_r_factor(double ie, double bpl, double loss_pct, double delay_ms)
{
	double ie_eff = ie + (95.0 - ie) * loss_pct / (loss_pct + bpl);
	double id = 0.024 * delay_ms;
	double r;

	if (delay_ms > 177.3)
		id += 0.11 * (delay_ms - 177.3);
	r = 93.2 - id - ie_eff;
	return r < 0 ? 0 : r > 100 ? 100 : r;
}

double rtcp_mos(double r)
{
	if (r <= 0)
		return 1.0;
	if (r >= 100)
		return 4.5;
	return 1.0 + 0.035 * r + r * (r - 60.0) * (100.0 - r) * 7e-6;
}
