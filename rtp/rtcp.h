/* rtcp.h: RTCP packets (RFC 3550 §6) and the call-quality figures made
 * from them.
 *
 * We send compound packets of SR (when we sent media since the last
 * report) or RR, one report block for the source we receive, SDES CNAME,
 * and at the end of a call BYE; optionally an XR VoIP metrics block
 * (RFC 3611 §4.7) with loss, discard, delay and an R-factor / MOS estimate.
 * We parse SR, RR, SDES, BYE and XR out of any compound packet.
 *
 * The round-trip time comes from a report block about us: the arrival time
 * minus LSR minus DLSR, all in 1/65536 s (§6.4.1).  The R-factor is the
 * ITU-T G.107 E-model reduced to what a gateway knows: codec impairment Ie
 * and loss robustness Bpl (G.113 appendix I), packet loss, and one-way delay
 * (half the round trip plus the jitter buffer). */
#ifndef SGW_RTP_RTCP_H
#define SGW_RTP_RTCP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RTCP_SR 200
#define RTCP_RR 201
#define RTCP_SDES 202
#define RTCP_BYE 203
#define RTCP_XR 207

struct rtcp_report {
	uint32_t ssrc;	      /* the source this block is about */
	uint8_t fraction_lost;
	int32_t cumulative_lost;
	uint32_t ext_max_seq;
	uint32_t jitter;      /* timestamp units */
	uint32_t lsr, dlsr;
};

struct rtcp_xr_voip {
	uint32_t ssrc;
	uint8_t loss_rate, discard_rate; /* fraction x 256 */
	uint16_t rtt_ms, end_system_delay_ms;
	uint8_t r_factor, mos_lq, mos_cq; /* MOS x 10 */
	uint16_t jb_nominal_ms, jb_max_ms;
};

/* What one compound packet said. */
struct rtcp_info {
	uint32_t ssrc; /* the sender's */
	bool sr;
	uint64_t ntp;	      /* SR: NTP timestamp */
	uint32_t rtp_ts, packets, octets;
	struct rtcp_report report[4];
	unsigned nreports;
	char cname[64];
	bool bye;
	bool xr;
	struct rtcp_xr_voip voip;
};

/* What we put in ours. */
struct rtcp_out {
	uint32_t ssrc;
	bool sender;	     /* SR: we sent media since the last report */
	uint64_t ntp;
	uint32_t rtp_ts, packets, octets;
	bool have_report;
	struct rtcp_report report;
	const char *cname;
	bool bye;
	bool xr;
	struct rtcp_xr_voip voip;
};

/* Build the compound packet; its length, or -ENOSPC. */
int rtcp_build(uint8_t *buf, size_t size, const struct rtcp_out *o);
/* Parse a compound packet; 0, or -EINVAL naming nothing more (a bad
 * length, version or first packet type: §6.1 validity checks). */
int rtcp_parse(const uint8_t *buf, size_t len, struct rtcp_info *out);

/* NTP time (seconds since 1900 in 32.32 fixed point) of a CLOCK_REALTIME
 * nanosecond count, and its middle 32 bits (what LSR carries). */
uint64_t rtcp_ntp_from_ns(uint64_t realtime_ns);
static inline uint32_t rtcp_ntp_mid(uint64_t ntp)
{
	return (uint32_t)(ntp >> 16);
}
/* Round trip in ms from a report block about us received at ntp_now; -1 when
 * the block has no LSR yet. */
int rtcp_rtt_ms(const struct rtcp_report *r, uint64_t ntp_now);

/* E-model: R from codec impairment ie, robustness bpl, loss percent and
 * one-way delay; MOS from R (G.107 Annex B). */
double rtcp_r_factor(double ie, double bpl, double loss_pct, double delay_ms);
double rtcp_mos(double r);

#endif
