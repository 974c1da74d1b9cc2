/* rtp.h: RTP packets (RFC 3550 §5) and a receiver's view of one source.
 *
 * Packets are parsed as views into the received buffer: header fields,
 * CSRCs, the extension and the payload without padding.  Building writes a
 * header (with CSRCs) in front of a payload the caller already placed.
 *
 * struct rtp_source is RFC 3550 appendix A.1/A.3/A.8 for one SSRC: the
 * extended highest sequence number (wrap counted), the probation a new
 * source passes before it is believed, packets expected and lost,
 * interarrival jitter in timestamp units, and the last SR's middle 32 bits
 * for the RR's LSR/DLSR.  It knows nothing of sockets or time sources: the
 * caller passes the arrival time in timestamp units. */
#ifndef SGW_RTP_RTP_H
#define SGW_RTP_RTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RTP_VERSION 2
#define RTP_HDR_LEN 12
#define RTP_MAX_CSRC 15

struct rtp_hdr {
	bool padding, extension, marker;
	uint8_t cc, pt;
	uint16_t seq;
	uint32_t ts, ssrc;
	uint32_t csrc[RTP_MAX_CSRC];
	uint16_t ext_profile;	/* extension: its profile word and data */
	const uint8_t *ext;
	size_t ext_len;		/* bytes */
	const uint8_t *payload; /* without padding */
	size_t payload_len;
};

/* Parse len bytes; 0, or -EINVAL (not version 2, too short, padding or
 * extension running past the end). */
int rtp_parse(const uint8_t *buf, size_t len, struct rtp_hdr *h);
/* Write h's fixed header and CSRCs (no extension, no padding) at buf;
 * returns the header length, or -ENOSPC. */
int rtp_write_hdr(uint8_t *buf, size_t size, const struct rtp_hdr *h);
/* Is this an RTCP packet (RFC 5761 §4: payload type 64-95 on a muxed port)? */
bool rtp_is_rtcp(const uint8_t *buf, size_t len);

/* Sequence numbers: a is before b (modulo 2^16). */
static inline bool rtp_seq_lt(uint16_t a, uint16_t b)
{
	return (int16_t)(a - b) < 0;
}

#define RTP_MIN_SEQUENTIAL 2 /* packets in sequence before a source is believed */
#define RTP_MAX_DROPOUT 3000
#define RTP_MAX_MISORDER 100

struct rtp_source {
	uint32_t ssrc;
	bool valid;	    /* passed probation */
	uint16_t max_seq;
	uint32_t cycles;    /* count of wraps, shifted by 16 */
	uint32_t base_seq;
	uint32_t bad_seq;
	int probation;
	uint32_t received;  /* packets received (in the window of A.3) */
	uint32_t duplicates;
	uint32_t expected_prior, received_prior;
	/* A.8 jitter: transit of the last packet and the estimate, both in
	 * timestamp units; jitter is scaled by 16 as in the RFC's code */
	bool have_transit;
	int32_t transit;
	uint32_t jitter_q4;
	/* the last SR we got from this source, for LSR/DLSR */
	uint32_t lsr;
	uint64_t lsr_at_ns;
};

enum rtp_seq_verdict { RTP_SEQ_OK, RTP_SEQ_PROBATION, RTP_SEQ_RESTART, RTP_SEQ_BAD };

void rtp_source_init(struct rtp_source *s, uint32_t ssrc, uint16_t seq);
/* A packet with seq arrived; what the A.1 rules make of it. */
enum rtp_seq_verdict rtp_source_update_seq(struct rtp_source *s, uint16_t seq);
/* Arrival at time `arrival` (timestamp units) of a packet stamped ts. */
void rtp_source_update_jitter(struct rtp_source *s, uint32_t arrival, uint32_t ts);
uint32_t rtp_source_ext_max(const struct rtp_source *s);
uint32_t rtp_source_expected(const struct rtp_source *s);
/* Cumulative packets lost (24-bit signed in an RR; clamped). */
int32_t rtp_source_lost(const struct rtp_source *s);
/* The interval's fraction lost (8-bit fixed point), and start a new interval. */
uint8_t rtp_source_fraction_lost(struct rtp_source *s);
/* Jitter in timestamp units (what an RR carries). */
uint32_t rtp_source_jitter(const struct rtp_source *s);

#endif
