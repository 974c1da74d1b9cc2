/* tdm.h: what the gateway sees of an E1/T1 line, whatever drives it.
 *
 * A span has a number, a type (E1, T1, J1), framing and line coding, a
 * timing-source priority, the timeslot of its D-channel, an alarm state
 * and counters.  Its channels (timeslots) carry 64 kbit/s audio in blocks
 * of block_ms milliseconds (8 bytes a millisecond, A- or u-law); its
 * D-channel carries HDLC frames, which here always end in the 2-byte FCS
 * slot libpri reads and writes (on transmit the slot's value does not
 * matter: the backend computes the FCS; on receive a frame whose FCS is
 * wrong is counted and dropped).
 *
 * The span's clock drives everything: every block period the backend calls
 * ops->tick, after which each channel's received block is ready
 * (tdm_chan_read) and the next block to send can be written
 * (tdm_chan_write; a channel not written sends idle).  Received D-channel
 * frames and alarm changes arrive through ops as well.  All calls on a
 * span come from the thread whose loop runs it.
 *
 * Backends: tdm/loop.c (spans joined by a virtual cable, in one process
 * or across two over a SOCK_SEQPACKET socket) and tdm/dahdi.c (DAHDI). */
#ifndef SGW_TDM_TDM_H
#define SGW_TDM_TDM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum tdm_type { TDM_E1, TDM_T1, TDM_J1 };
enum tdm_framing { TDM_FRAMING_CCS, TDM_FRAMING_CRC4, TDM_FRAMING_ESF, TDM_FRAMING_D4 };
enum tdm_coding { TDM_CODING_HDB3, TDM_CODING_B8ZS, TDM_CODING_AMI };
enum tdm_law { TDM_LAW_ALAW, TDM_LAW_ULAW };

/* Alarm bits (0: none). */
#define TDM_ALARM_RED 0x01	/* loss of signal or frame alignment */
#define TDM_ALARM_YELLOW 0x02	/* the far end reports red (RAI) */
#define TDM_ALARM_BLUE 0x04	/* all ones (AIS) */
#define TDM_ALARM_LOOPBACK 0x08 /* the line is looped */

#define TDM_MAX_TIMESLOTS 31 /* E1: 1..31; T1/J1: 1..24 */
#define TDM_MAX_BLOCK_MS 20
#define TDM_BYTES_PER_MS 8
#define TDM_MAX_FRAME 300 /* a Q.921 frame with its FCS slot fits */

extern const char *const tdm_type_names[];
extern const char *const tdm_framing_names[];
extern const char *const tdm_coding_names[];

struct tdm_span_config {
	int num;		  /* 1.. */
	enum tdm_type type;
	enum tdm_framing framing;
	enum tdm_coding coding;
	int timing;		  /* timing-source priority: 0 free-running, 1 best */
	int dchan;		  /* the D-channel's timeslot: 16 (E1), 24 (T1); 0: none */
	enum tdm_law law;	  /* default: A for E1, u for T1/J1 */
	unsigned block_ms;	  /* 1..20 */
};

/* Fill defaults for type (framing, coding, D-channel, law, 20 ms). */
void tdm_span_config_default(struct tdm_span_config *c, int num, enum tdm_type type);
/* 0, or -EINVAL with why ("E1 has timeslots 1-31; dchan 32") */
int tdm_span_config_check(const struct tdm_span_config *c, char *why, size_t size);
/* Timeslots a span of this type has. */
unsigned tdm_timeslots(enum tdm_type type);

struct tdm_counters {
	uint64_t ticks;
	uint64_t slips;	      /* a block that came too late or too early */
	uint64_t crc_errors;  /* line CRC (CRC4/ESF) */
	uint64_t hdlc_rx, hdlc_tx;
	uint64_t hdlc_aborts, hdlc_bad_fcs, hdlc_overruns;
};

enum tdm_chan_state { TDM_CHAN_IDLE, TDM_CHAN_OPEN };

struct tdm_span;

struct tdm_span_ops {
	/* a block period passed: read what came, write what goes */
	void (*tick)(void *arg, struct tdm_span *s);
	/* a D-channel frame, with its 2-byte FCS slot, FCS already checked */
	void (*dframe)(void *arg, struct tdm_span *s, const uint8_t *frame, size_t len);
	/* the alarm bits changed */
	void (*alarm)(void *arg, struct tdm_span *s, unsigned alarms);
};

/* What every backend provides. */
struct tdm_backend_ops {
	const char *name;
	int (*dframe_send)(struct tdm_span *s, const uint8_t *frame, size_t len);
	void (*close)(struct tdm_span *s);
};

/* The part of a span every backend shares; backends embed it first. */
struct tdm_span {
	const struct tdm_backend_ops *backend;
	struct tdm_span_config cfg;
	const struct tdm_span_ops *ops;
	void *arg;
	unsigned alarms;
	struct tdm_counters counters;
	unsigned nts;	 /* timeslots */
	size_t block;	 /* bytes per block per channel: 8 * block_ms */
	enum tdm_chan_state chan_state[TDM_MAX_TIMESLOTS + 1];
	/* per timeslot (index 1..nts): the block received in the last tick and
	 * the block to send in the next; the backend moves them */
	uint8_t *rx, *tx;
	bool tx_written[TDM_MAX_TIMESLOTS + 1];
};

/* The idle byte of a law (silence): 0xd5 A-law, 0xff u-law. */
uint8_t tdm_idle_byte(enum tdm_law law);

/* Channel I/O, between ticks.  len must be the span's block size. */
int tdm_chan_read(const struct tdm_span *s, unsigned ts, uint8_t *buf, size_t len);
int tdm_chan_write(struct tdm_span *s, unsigned ts, const uint8_t *buf, size_t len);
void tdm_chan_set_state(struct tdm_span *s, unsigned ts, enum tdm_chan_state st);

/* Send a D-channel frame (len includes the 2-byte FCS slot). */
int tdm_dframe_send(struct tdm_span *s, const uint8_t *frame, size_t len);
void tdm_span_close(struct tdm_span *s);

/* For backends: set up the shared part, raise alarms, after a tick. */
int tdm_span_init(struct tdm_span *s, const struct tdm_backend_ops *backend,
		  const struct tdm_span_config *cfg, const struct tdm_span_ops *ops, void *arg);
void tdm_span_release(struct tdm_span *s);
void tdm_span_set_alarms(struct tdm_span *s, unsigned alarms);
/* "RED YELLOW" or "OK" */
void tdm_alarm_text(unsigned alarms, char *buf, size_t size);

/* HDLC frame check sequence (CRC-16/X.25, ITU-T Q.921 / ISO 3309): the
 * 2-byte FCS for data, low byte first as sent on the line. */
uint16_t tdm_fcs16(const uint8_t *data, size_t len);
/* Fill the FCS slot of frame (its last two bytes). */
void tdm_fcs_put(uint8_t *frame, size_t len);
bool tdm_fcs_ok(const uint8_t *frame, size_t len);

#endif
