/* isdn.h: ISDN PRI signalling of one span through libpri (Q.921/Q.931 as
 * EuroISDN, NI2, DMS100, 4ESS, 5ESS, QSIG have it), as call events and a
 * call API for call control.
 *
 * The layer does not know where D-channel frames come from: the owner hands
 * received HDLC frames in (isdn_span_rx, with the 2-byte FCS slot libpri
 * expects at the end) and sends the frames this layer gives it (tx_frame)
 * on the span's D-channel; gw wires a tdm/ D-channel to it, tests wire two
 * spans to each other.  libpri's timers run on the signalling loop.
 *
 * Calls: the span keeps its B-channels' state (idle, busy, out of service),
 * hunts a free one for outgoing calls, resolves glare on a channel the way
 * ETSI does (the network side keeps the channel), and turns libpri's events
 * into isdn_event callbacks on an isdn_call whose lifetime it owns: a call
 * object is valid from its first event until ISDN_EV_RELEASED returns. */
#ifndef SGW_ISDN_ISDN_H
#define SGW_ISDN_ISDN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct loop;
struct isdn_span;
struct isdn_call;

enum isdn_switch {
	ISDN_SWITCH_EUROISDN,
	ISDN_SWITCH_NI2,
	ISDN_SWITCH_DMS100,
	ISDN_SWITCH_4ESS,
	ISDN_SWITCH_5ESS,
	ISDN_SWITCH_QSIG,
	ISDN_SWITCH_NI1,
	ISDN_SWITCH_COUNT
};

extern const char *const isdn_switch_names[ISDN_SWITCH_COUNT];

/* Type of number (Q.931 §4.5.10) and numbering plan. */
enum isdn_ton { ISDN_TON_UNKNOWN = 0, ISDN_TON_INTERNATIONAL = 1, ISDN_TON_NATIONAL = 2,
		ISDN_TON_NETWORK = 3, ISDN_TON_SUBSCRIBER = 4, ISDN_TON_ABBREVIATED = 6 };
enum isdn_npi { ISDN_NPI_UNKNOWN = 0, ISDN_NPI_E164 = 1, ISDN_NPI_PRIVATE = 9 };
enum isdn_bearer { ISDN_BEARER_SPEECH, ISDN_BEARER_AUDIO_3K1, ISDN_BEARER_DIGITAL_64K };

struct isdn_number {
	char digits[32];
	enum isdn_ton ton;
	enum isdn_npi npi;
};

struct isdn_setup {
	struct isdn_number called, calling, redirecting;
	bool restricted; /* calling line presentation restricted (CLIR) */
	int screening;	 /* Q.931 screening indicator, 0 user-provided not screened */
	enum isdn_bearer bearer;
	bool complete; /* sending complete: no more digits follow */
	int channel;   /* B-channel (timeslot); 0: any */
};

enum isdn_event_kind {
	ISDN_EV_INCOMING,    /* SETUP arrived: answer with proceeding/alerting/answer/hangup */
	ISDN_EV_SETUP_ACK,   /* overlap sending: send more digits */
	ISDN_EV_PROCEEDING,
	ISDN_EV_ALERTING,
	ISDN_EV_PROGRESS,
	ISDN_EV_CONNECT,
	ISDN_EV_DIGITS,	     /* overlap receiving: INFORMATION with digits */
	ISDN_EV_DISCONNECT,  /* the far end clears: call isdn_call_hangup */
	ISDN_EV_RELEASED,    /* the call is gone; the object dies when this returns */
	ISDN_EV_COUNT
};

extern const char *const isdn_event_names[ISDN_EV_COUNT];

struct isdn_event {
	enum isdn_event_kind kind;
	int cause;	    /* DISCONNECT, RELEASED; PROGRESS: a cause with in-band info (the
			     * network announces why the call failed), else 0 */
	bool inband;	    /* ALERTING/PROGRESS/DISCONNECT with in-band information */
	const char *digits; /* DIGITS */
	const struct isdn_setup *setup; /* INCOMING */
};

enum isdn_chan_state { ISDN_CHAN_IDLE, ISDN_CHAN_BUSY, ISDN_CHAN_OOS };

struct isdn_span_ops {
	/* send a frame on the D-channel (len includes the 2-byte FCS slot);
	 * return len, or a negative errno */
	int (*tx_frame)(void *arg, const void *frame, size_t len);
	void (*dchan)(void *arg, bool up);
	void (*call_event)(void *arg, struct isdn_call *call, const struct isdn_event *ev);
};

struct isdn_span_opts {
	int number;
	bool network; /* NET side (exchange); false: CPE (PBX port) */
	enum isdn_switch switchtype;
	bool t1;      /* 23B+D with the D-channel on 24; else E1 30B+D on 16 */
	bool ulaw;    /* bearer layer 1: u-law (T1) or A-law (E1) */
	bool overlap; /* overlap dialling both ways */
	/* Type of number for called (dialplan) and calling (localdialplan)
	 * numbers we send whose type call control left unknown; -1: leave */
	int dialplan, localdialplan;
	bool inband_progress; /* every ALERTING/PROGRESS we send says in-band info (PI #8) */
	/* A DISCONNECT with in-band info (PI #8) before answer is reported as
	 * PROGRESS with its cause, and the call stays until the network releases
	 * it (or we hang up): the caller hears the announcement.  Call control
	 * hangs up itself after this long; 0: off (DISCONNECT reported at once) */
	unsigned inband_disconnect_ms;
	bool preferred;	      /* channel identification "preferred" (else exclusive) */
	bool facility;	      /* FACILITY messages (supplementary services) enabled */
	bool service_messages; /* SERVICE/SERVICE ACK maintenance (NI2, 4ESS, 5ESS) */
	unsigned reset_interval_s; /* RESTART idle B-channels this often; 0: never */
};

int isdn_span_new(struct loop *loop, const struct isdn_span_opts *opts,
		  const struct isdn_span_ops *ops, void *arg, struct isdn_span **out);
/* Every call ends with RELEASED (cause 38) before the span goes. */
void isdn_span_free(struct isdn_span *span);
/* A frame received on the D-channel. */
void isdn_span_rx(struct isdn_span *span, const void *frame, size_t len);
/* The line went away (alarm) or came back: calls fail with cause 38 and the
 * channels go out of service while down. */
void isdn_span_set_link(struct isdn_span *span, bool up);

/* Send RESTART for one B-channel (timeslot) or, with 0, the whole interface
 * (Q.931 §5.5): calls there end (cause 41) on both sides. */
int isdn_span_restart(struct isdn_span *span, int ts);

bool isdn_span_dchan_up(const struct isdn_span *span);
size_t isdn_span_channels(const struct isdn_span *span); /* B-channels */
/* Timeslot of the n-th B-channel (0-based), and its state. */
int isdn_span_channel_ts(const struct isdn_span *span, size_t n);
enum isdn_chan_state isdn_span_channel_state(const struct isdn_span *span, size_t n);
/* The call on the n-th B-channel, or NULL. */
struct isdn_call *isdn_span_channel_call(const struct isdn_span *span, size_t n);
/* RESTARTs received (from the far end) and sent (ours, periodic or asked for). */
uint64_t isdn_span_restarts_rx(const struct isdn_span *span);
uint64_t isdn_span_restarts_tx(const struct isdn_span *span);
size_t isdn_span_busy(const struct isdn_span *span);
void isdn_span_debug(struct isdn_span *span, bool on); /* decoded Q.921/Q.931 in the log */

/* Place a call; setup->channel 0 hunts the first free B-channel.  -EBUSY:
 * none free (cause 34 for the caller); -ENETDOWN: D-channel down. */
int isdn_call_place(struct isdn_span *span, const struct isdn_setup *setup, void *user,
		    struct isdn_call **out);
int isdn_call_setup_ack(struct isdn_call *call);
int isdn_call_proceeding(struct isdn_call *call);
int isdn_call_alerting(struct isdn_call *call, bool inband);
int isdn_call_progress(struct isdn_call *call, bool inband);
/* PROGRESS with a cause and in-band info: the call failed and the line
 * carries the announcement (tone) that says why; DISCONNECT follows. */
int isdn_call_progress_cause(struct isdn_call *call, int cause);
int isdn_call_answer(struct isdn_call *call);
int isdn_call_digits(struct isdn_call *call, const char *digits);
/* Clear with a Q.850 cause; RELEASED follows. */
int isdn_call_hangup(struct isdn_call *call, int cause);

void isdn_call_set_user(struct isdn_call *call, void *user);
void *isdn_call_user(const struct isdn_call *call);
int isdn_call_channel(const struct isdn_call *call);
bool isdn_call_outgoing(const struct isdn_call *call);
struct isdn_span *isdn_call_span(const struct isdn_call *call);
bool isdn_call_connected(const struct isdn_call *call);

#endif
