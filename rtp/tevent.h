/* tevent.h: RFC 4733 telephone-event packets: DTMF digits 0-9 * # A-D
 * (events 0-15) and flash (16) as RTP payloads, sent and received.
 *
 * Sending (struct tev_sender): a digit is one event at one RTP timestamp
 * (the moment it began); a packet goes out every packet period with the
 * duration so far, the first with the marker bit; the end packet (E bit)
 * is sent three times with the same duration (§2.5.1.4).  A digit longer
 * than the 16-bit duration field allows is sent as segments, each a new
 * timestamp (§2.5.2.3), without a new marker.
 *
 * Receiving (struct tev_receiver): a digit starts on the first packet of a
 * new event timestamp, whether or not its first packets were lost; repeated
 * end packets and retransmissions report nothing more; a segment that
 * continues the previous one (same event, timestamp where it ended) extends
 * the digit instead of starting another; a digit whose end packets were all
 * lost ends when nothing more arrives for a timeout (tev_receiver_poll). */
#ifndef SGW_RTP_TEVENT_H
#define SGW_RTP_TEVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TEV_FLASH 16
#define TEV_PAYLOAD_LEN 4

/* '0'..'9', '*', '#', 'A'..'D', '!' (flash) <-> 0..16; -1 if none */
int tev_from_char(char c);
char tev_to_char(int event);

struct tev_payload {
	uint8_t event;
	bool end;
	uint8_t volume; /* -dBm0, 0..63 */
	uint16_t duration;
};

int tev_parse(const uint8_t *p, size_t len, struct tev_payload *out);
void tev_write(uint8_t *p, const struct tev_payload *ev);

/* ---- sender ------------------------------------------------------------------- */

struct tev_packet {
	bool marker;
	uint32_t ts; /* the event's RTP timestamp */
	uint8_t payload[TEV_PAYLOAD_LEN];
};

struct tev_sender {
	bool active;
	uint8_t event, volume;
	uint32_t ts;	       /* timestamp of the current segment */
	uint32_t seg_dur;      /* duration of the current segment so far */
	uint32_t total, left;  /* timestamp units: sent so far, still to send */
	uint32_t step;	       /* one packet period */
	unsigned ends_left;    /* end packets still to repeat */
	bool first;
};

/* Start a digit of duration units at timestamp ts, a packet every step units. */
int tev_send_start(struct tev_sender *s, int event, unsigned volume, uint32_t ts, uint32_t duration,
		   uint32_t step);
/* The next packet of the digit (one per packet period); false when done. */
bool tev_send_next(struct tev_sender *s, struct tev_packet *pkt);

/* ---- receiver ----------------------------------------------------------------- */

struct tev_receiver {
	bool active;	     /* a digit is on */
	bool have_last;
	uint8_t event;
	uint32_t ts;	     /* current segment's timestamp */
	uint32_t seg_dur;    /* its duration so far */
	uint32_t total;	     /* the digit's total duration, all segments */
	bool ended;	     /* the current segment has ended (end bit seen) */
	uint32_t last_ts;    /* the last event timestamp ended, to drop repeats */
	uint8_t last_event;
	uint32_t last_end_at; /* where that one ended (ts + duration) */
	uint64_t last_rx_ms;
	uint64_t starts, ends, timeouts, repeats;
	void (*on_digit)(void *arg, char digit, bool start, uint32_t duration);
	void *arg;
};

void tev_receiver_init(struct tev_receiver *r, void (*on_digit)(void *, char, bool, uint32_t),
		       void *arg);
/* A telephone-event packet arrived (its RTP timestamp and payload). */
void tev_receiver_packet(struct tev_receiver *r, uint32_t ts, const uint8_t *payload, size_t len,
			 uint64_t now_ms);
/* Called now and then: a digit silent for timeout_ms ends (its ends were lost). */
void tev_receiver_poll(struct tev_receiver *r, uint64_t now_ms, unsigned timeout_ms);

#endif
