/* udptl.h: UDPTL, the transport of T.38 fax over UDP (ITU-T T.38 clause 9).
 *
 * A UDPTL packet carries one T.38 IFP packet (the "primary") with a 16-bit
 * sequence number, and error recovery: either copies of the previous IFP
 * packets ("secondary", newest first: redundancy) or parity over a group
 * of them (FEC).  The packet is ASN.1 PER (aligned):
 *
 *   seq-number (2 octets), primary IFP as an open type (length, octets),
 *   one octet whose top bit chooses the error recovery (0 redundancy,
 *   1 FEC), then for redundancy a count and as many open types; for FEC
 *   the number of packets each parity covers (an unconstrained integer),
 *   a count and as many octet strings.
 *
 * Lengths are PER length determinants: one octet under 128, two (the top
 * bits 10) under 16384; longer (fragmented) ones are refused, as no IFP
 * packet of a fax is that long.
 *
 * Sending (struct udptl_tx): every IFP packet goes out with the ones
 * before it as redundancy, as many as depth says and the peer's largest
 * datagram (T38FaxMaxDatagram) holds.
 *
 * Receiving (struct udptl_rx): IFP packets are handed on in sequence
 * order; a packet after a gap first gives the lost ones its redundancy
 * still has (oldest first); duplicates and packets older than the last
 * handed on are dropped (and counted); a jump of more than 100 packets
 * either way is taken as the peer starting anew.  FEC packets give their
 * primary only: we never offer FEC (t38UDPRedundancy), so a peer using it
 * anyway loses recovery, not the fax. */
#ifndef SGW_RTP_UDPTL_H
#define SGW_RTP_UDPTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define UDPTL_MAX_IFP 512     /* the longest IFP packet kept or taken */
#define UDPTL_MAX_DEPTH 4     /* redundancy: previous packets sent along */
#define UDPTL_MAX_PACKET 2048 /* the longest UDPTL datagram built or parsed */

struct udptl_tx {
	uint16_t seq;		/* of the next packet */
	unsigned depth;		/* 0..UDPTL_MAX_DEPTH */
	size_t max_datagram;	/* the peer's T38FaxMaxDatagram; 0: UDPTL_MAX_PACKET */
	struct {
		uint16_t len;
		uint8_t buf[UDPTL_MAX_IFP];
	} hist[UDPTL_MAX_DEPTH]; /* hist[0] the newest sent */
	unsigned nhist;
};

void udptl_tx_init(struct udptl_tx *tx, unsigned depth, size_t max_datagram);
/* The UDPTL packet for one IFP packet into out: its length, or -EMSGSIZE
 * (the IFP packet alone does not fit), -EINVAL (longer than UDPTL_MAX_IFP). */
int udptl_encode(struct udptl_tx *tx, const uint8_t *ifp, size_t len, uint8_t *out, size_t max);

struct udptl_rx_stats {
	uint64_t packets, ifp, recovered, lost, dropped, malformed, fec;
};

struct udptl_rx {
	bool started;
	uint16_t next; /* the sequence number expected */
	struct udptl_rx_stats st;
};

/* One IFP packet for the T.38 layer, in order. */
typedef void (*udptl_ifp_fn)(void *arg, const uint8_t *ifp, size_t len, uint16_t seq);

void udptl_rx_init(struct udptl_rx *rx);
/* A datagram from the peer: 0, or -EBADMSG when it is not a UDPTL packet
 * (nothing handed on, counted as malformed). */
int udptl_decode(struct udptl_rx *rx, const uint8_t *pkt, size_t len, udptl_ifp_fn fn, void *arg);

/* ---- a UDPTL session: one UDP socket of a call's fax stream ---------------------- *
 * Bound like RTP (an even port of the range, on our media address); sends
 * each IFP packet as one UDPTL datagram with redundancy to the peer's
 * address from SDP, or to where its packets come from once they come
 * (symmetric, as a peer behind NAT needs); what arrives goes through
 * udptl_decode to fn, in the socket's thread: only once the peer is set,
 * and after the first good packet only from its source. */
struct loop;
struct udptl_session;
struct sockaddr;
struct sockaddr_storage;

struct udptl_session_stats {
	uint64_t sent, send_errors;
	uint64_t wrong_source; /* datagrams dropped: before the peer was known, or not from it */
	struct udptl_rx_stats rx;
};

int udptl_session_new(struct loop *loop, const struct sockaddr_storage *local, uint16_t port_min,
		      uint16_t port_max, udptl_ifp_fn fn, void *arg, struct udptl_session **out);
void udptl_session_free(struct udptl_session *s);
uint16_t udptl_session_port(const struct udptl_session *s);
/* The peer (its SDP's address and port) and its T38FaxMaxDatagram (0: 400);
 * depth: redundancy (0 when it asked for t38UDPNoEC). */
int udptl_session_set_remote(struct udptl_session *s, const struct sockaddr *addr, unsigned len,
			     size_t max_datagram, unsigned depth);
/* One IFP packet out, count times (T.38 repeats indicators). */
int udptl_session_send(struct udptl_session *s, const uint8_t *ifp, size_t len, int count);
void udptl_session_stats(const struct udptl_session *s, struct udptl_session_stats *st);

#endif
