/* tsx.h: SIP transactions, RFC 3261 §17 with the RFC 6026 Accepted state.
 *
 * The four state machines (INVITE client and server, non-INVITE client and
 * server) are one table in tsx.c: for each kind, state and event, the next
 * state and what to do.  An event a state does not list is refused and
 * logged.  A transaction keeps the bytes it may have to send again (the
 * request; the last response; the ACK for a non-2xx final) and the two
 * timers of its current state, named as the RFC names them (A to M), with
 * T1, T2 and T4 from configuration.  It does not parse: the caller matches
 * messages to transactions (RFC 3261 §17.1.3, §17.2.3) and feeds events.
 *
 * Ownership: the owner (the transaction table) allocates and frees.  The
 * terminated callback is the last thing a transaction does; the owner may
 * release it from inside that callback. */
#ifndef SGW_SIP_TSX_H
#define SGW_SIP_TSX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/buf.h"
#include "lib/clock.h"
#include "lib/timer.h"

enum sip_tsx_kind {
	SIP_TSX_ICT,  /* INVITE client, §17.1.1 */
	SIP_TSX_NICT, /* non-INVITE client, §17.1.2 */
	SIP_TSX_IST,  /* INVITE server, §17.2.1 */
	SIP_TSX_NIST, /* non-INVITE server, §17.2.2 */
	SIP_TSX_KIND_COUNT
};

enum sip_tsx_state {
	SIP_TSX_NULL, /* before start */
	SIP_TSX_CALLING,
	SIP_TSX_TRYING,
	SIP_TSX_PROCEEDING,
	SIP_TSX_COMPLETED,
	SIP_TSX_CONFIRMED,
	SIP_TSX_ACCEPTED, /* RFC 6026 §7.1, §7.2 */
	SIP_TSX_TERMINATED,
	SIP_TSX_STATE_COUNT
};

enum sip_tsx_event {
	SIP_TSX_EV_START,
	SIP_TSX_EV_RX_1XX, /* client: a provisional response arrived */
	SIP_TSX_EV_RX_2XX,
	SIP_TSX_EV_RX_FINAL, /* 300-699 (and, for non-INVITE, 200-699) */
	SIP_TSX_EV_RX_REQUEST, /* server: the request again (retransmission) */
	SIP_TSX_EV_RX_ACK,     /* server INVITE: an ACK matched */
	SIP_TSX_EV_TU_1XX,     /* server: the TU sends a provisional response */
	SIP_TSX_EV_TU_2XX,
	SIP_TSX_EV_TU_FINAL, /* 300-699 (non-INVITE: 200-699) */
	SIP_TSX_EV_TIMER_RETRANS, /* A, E or G */
	SIP_TSX_EV_TIMER_TIMEOUT, /* B, D, F, H, I, J, K, L or M */
	SIP_TSX_EV_TRANSPORT_ERROR,
	SIP_TSX_EVENT_COUNT
};

extern const char *const sip_tsx_kind_names[SIP_TSX_KIND_COUNT];
extern const char *const sip_tsx_state_names[SIP_TSX_STATE_COUNT];
extern const char *const sip_tsx_event_names[SIP_TSX_EVENT_COUNT];

/* RFC 3261 §17.1.1.1 and table 4; configurable per transport profile. */
struct sip_tsx_timers {
	uint32_t t1_ms; /* RTT estimate, default 500 */
	uint32_t t2_ms; /* longest non-INVITE retransmit interval, default 4000 */
	uint32_t t4_ms; /* longest a message stays in the network, default 5000 */
};

#define SIP_TSX_TIMERS_DEFAULT ((struct sip_tsx_timers){500, 4000, 5000})

struct sip_tsx_ops {
	/* hand bytes to the transport; negative: transport error */
	int (*send)(void *arg, const char *buf, size_t len);
	/* client: a response the TU must see (not retransmissions) */
	void (*response)(void *arg, int status);
	/* server INVITE in Accepted: an ACK for the 2xx, for the dialog */
	void (*ack)(void *arg);
	/* client: Timer B or F (the TU answers 408); server: Timer H */
	void (*timeout)(void *arg, char timer);
	void (*transport_error)(void *arg);
	void (*terminated)(void *arg);
	/* optional: one line per transition, for traces and tests */
	void (*trace)(void *arg, const char *line);
};

struct sip_tsx {
	enum sip_tsx_kind kind;
	enum sip_tsx_state state;
	bool reliable; /* TCP/TLS: no retransmissions, zero-length wait timers */
	struct clock *clock;
	struct sip_tsx_timers timers;
	const struct sip_tsx_ops *ops;
	void *arg;
	struct timer retrans, timeout;
	char retrans_name, timeout_name; /* 'A'.. 'M', 0 when not running */
	uint32_t retrans_ms;		 /* current retransmit interval */
	int status;			 /* last response status seen or sent */
	struct buf request, response, ack;
	bool send_failed;
};

void sip_tsx_init(struct sip_tsx *t, enum sip_tsx_kind kind, bool reliable, struct clock *clock,
		  const struct sip_tsx_timers *timers, const struct sip_tsx_ops *ops, void *arg);
/* Stop timers and free buffers, in any state. */
void sip_tsx_release(struct sip_tsx *t);

/* Client: send the request and start.  Returns 0 or a negative errno. */
int sip_tsx_client_start(struct sip_tsx *t, const char *req, size_t len);
/* Client: a response matched.  ack (ICT, 300-699) is the ACK to send and
 * resend for it (RFC 3261 §17.1.1.3); the caller builds it. */
void sip_tsx_client_response(struct sip_tsx *t, int status, const char *ack, size_t ack_len);

/* Server: a new request; IST sends trying (a 100, §17.2.1) when given. */
int sip_tsx_server_start(struct sip_tsx *t, const char *trying, size_t len);
void sip_tsx_server_request(struct sip_tsx *t); /* the request again */
void sip_tsx_server_ack(struct sip_tsx *t);
/* Server: the TU responds; the bytes are kept for retransmission. */
void sip_tsx_server_respond(struct sip_tsx *t, int status, const char *resp, size_t len);

/* Feed an event directly (the functions above are wrappers); returns false
 * when the table does not allow it in the current state. */
bool sip_tsx_event(struct sip_tsx *t, enum sip_tsx_event ev);

#endif
