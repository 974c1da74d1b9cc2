/* session.h: one RTP session on a UDP socket pair (RFC 3550), as the
 * media side of one call: it sends our audio and DTMF, receives the
 * peer's into a jitter buffer and a telephone-event receiver, keeps the
 * RTP/RTCP statistics and sends RTCP reports.
 *
 * Ports: an even port from the configured range for RTP, the next one for
 * RTCP, or RTP and RTCP on one port (rtcp-mux, RFC 5761).
 * Addresses: media goes to the address from SDP until a packet arrives;
 * with symmetric RTP the session then latches to the source it actually
 * saw (a peer behind NAT) and sends there.  Once latched, packets from any
 * other address are dropped and counted, until the SDP changes
 * (rtp_session_set_remote), which unlatches.
 * SRTP: with keys set, everything sent is protected and everything
 * received must verify (tampered and replayed packets are dropped and
 * counted).
 * Timeout: no RTP for timeout_ms while not on hold is reported once. */
#ifndef SGW_RTP_SESSION_H
#define SGW_RTP_SESSION_H

#include "rtp/jb.h"
#include "rtp/rtcp.h"
#include "rtp/rtp.h"
#include "rtp/srtp.h"
#include "rtp/tevent.h"

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

struct loop;
struct rtp_session;

struct rtp_session_config {
	struct sockaddr_storage local; /* the address to bind (port ignored) */
	uint16_t port_min, port_max;   /* even ports from this range; 0,0: any */
	bool rtcp_mux;
	uint8_t pt;		       /* audio payload type we send */
	unsigned rate;		       /* its clock rate (8000) */
	unsigned ptime_ms;	       /* 10, 20, 30, 40 */
	uint8_t dtmf_pt;	       /* telephone-event; 0: none */
	bool symmetric;		       /* latch to the source seen */
	unsigned timeout_ms;	       /* RTP timeout; 0: none */
	unsigned rtcp_interval_ms;     /* 0: 5000 */
	bool rtcp_xr;		       /* send XR VoIP metrics */
	const char *cname;
	struct jb_config jb;
};

struct rtp_session_ops {
	void (*digit)(void *arg, char digit, bool start, uint32_t duration_ms);
	void (*timeout)(void *arg);
	void (*rtcp)(void *arg, const struct rtcp_info *info);
	/* media arrived, in the socket's thread (optional: the owner may pull) */
	void (*media)(void *arg);
	/* DTLS-SRTP finished: 0 (SRTP is on), or why not (see rtp/dtls.h) */
	void (*secured)(void *arg, int status);
};

struct rtp_session_stats {
	uint64_t sent, sent_octets, received, received_octets;
	uint64_t bad, wrong_source, srtp_auth_fail, srtp_replay, rtcp_sent, rtcp_received;
	uint64_t ssrc_changes, pt_changes;
	int32_t lost;	      /* cumulative, from the source's counters */
	uint32_t jitter_ms;   /* interarrival jitter */
	int rtt_ms;	      /* -1: not known yet */
	double mos, r_factor; /* the E-model estimate of what we receive */
	struct jb_stats jb;
	bool latched;
};

/* Bind a UDP socket (two: port and port + 1, when pair) on local's address
 * at an even port of port_min..port_max (0, 0: 30000-39999), tried from a
 * random place.  0, or -EADDRINUSE when every port is taken. */
/* Same family, address and port. */
bool rtp_same_addr(const struct sockaddr_storage *a, const struct sockaddr_storage *b);
int rtp_bind_ports(const struct sockaddr_storage *local, uint16_t port_min, uint16_t port_max, bool pair,
		   int *fd, int *fd2, uint16_t *port);

int rtp_session_new(struct loop *loop, const struct rtp_session_config *cfg,
		    const struct rtp_session_ops *ops, void *arg, struct rtp_session **out);
void rtp_session_free(struct rtp_session *s);
/* Send BYE, then free. */
void rtp_session_close(struct rtp_session *s);

uint16_t rtp_session_port(const struct rtp_session *s);
uint32_t rtp_session_ssrc(const struct rtp_session *s);
/* The peer's addresses from SDP (rtcp NULL: port + 1, or the RTP one with mux). */
int rtp_session_set_remote(struct rtp_session *s, const struct sockaddr *rtp, socklen_t len,
			   bool rtcp_mux);
int rtp_session_set_srtp(struct rtp_session *s, enum rtp_srtp_suite suite, const uint8_t *tx_key,
			 const uint8_t *rx_key);
/* DTLS-SRTP on the RTP port: as client (a=setup:active) or server, the
 * peer's certificate checked against its SDP fingerprint; ops->secured
 * says how it ended.  Needs the remote address set first. */
struct rtp_dtls_cert;
int rtp_session_start_dtls(struct rtp_session *s, const struct rtp_dtls_cert *cert, bool client,
			   const char *peer_fingerprint);
bool rtp_session_secure(const struct rtp_session *s);
void rtp_session_set_hold(struct rtp_session *s, bool hold);
/* Change the payload type we send (the peer's answer picked another). */
void rtp_session_set_pt(struct rtp_session *s, uint8_t pt);
/* The telephone-event payload type agreed (0: none). */
void rtp_session_set_dtmf_pt(struct rtp_session *s, uint8_t pt);

/* Send one frame of `samples` samples (the marker starts a talkspurt).
 * len 0: nothing this frame (a codec's silence suppression), unless a
 * digit's event takes its place; the next packet gets the marker. */
int rtp_session_send(struct rtp_session *s, const uint8_t *payload, size_t len, uint32_t samples,
		     bool marker);
/* A digit as RFC 4733 events over the next packet periods. */
int rtp_session_send_digit(struct rtp_session *s, char digit, unsigned duration_ms);
bool rtp_session_sending_digit(const struct rtp_session *s);

/* The media clock wants a frame from the jitter buffer. */
enum jb_get_result rtp_session_get(struct rtp_session *s, struct jb_frame *out);
/* The session's jitter buffer, for rtp/playout.c (the owner's thread only). */
struct jb *rtp_session_jb(struct rtp_session *s);
/* Send an RTCP report now (else every rtcp_interval_ms). */
int rtp_session_send_rtcp(struct rtp_session *s);
void rtp_session_get_stats(const struct rtp_session *s, struct rtp_session_stats *st);

#endif
