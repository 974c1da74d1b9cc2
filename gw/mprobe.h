/* mprobe.h: the media probe of sipgw-ua: one call's RTP, sent and checked.
 *
 * The probe sends G.711 every 20 ms (what depends on its kind), plays what
 * arrives through a jitter buffer, keeps it and analyses it when asked:
 *   milliwatt  send silence; measure the received 1004 Hz tone: level
 *              (dBm0) and signal to noise+distortion ratio
 *   echo       send a 1 kHz burst every second; measure when each comes
 *              back (round-trip delay) and at what level
 *   dtmf       send the digits as RFC 4733 events; detect DTMF tones in
 *              what comes back (the readback test line plays them) and
 *              take the RFC 4733 events that come back
 *   listen     send silence; level only
 *   reflect    send back what arrives, 20 ms later (the far end of an echo
 *              test through the whole gateway)
 *   talk       send noise at -15 dBm0, 500 ms on and 500 ms off, and measure
 *              what comes back while it talks, over the second half of the
 *              call: the return loss a talker meets (echo cancelled or not)
 *   data       a clear-channel data call (CLEARMODE, RFC 4040, offered
 *              alone): send a pseudo-random octet stream and find it in
 *              what comes back (an echo test line returns it): how many
 *              octets came back bit-exact, how many not, after what delay
 *   data-reflect  a data call's far end: CLEARMODE, the octets sent back
 *              as they came, 20 ms later
 *   fax        SpanDSP's fax machine sends the test page (dsp/faxpage.h)
 *              over G.711, or as a T.38 terminal over UDPTL once the call
 *              moved to T.38 (mprobe_t38_*); T.30's end is reported
 *   fax-recv   the same, receiving: the page is checked row by row
 * The report is one line per measure, for people and for scripts. */
#ifndef SGW_GW_MPROBE_H
#define SGW_GW_MPROBE_H

#include "lib/strview.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct loop;
struct mprobe;

enum mprobe_kind { MPROBE_LISTEN, MPROBE_MILLIWATT, MPROBE_ECHO, MPROBE_DTMF, MPROBE_REFLECT, MPROBE_TALK, MPROBE_DATA,
		  MPROBE_DATA_REFLECT, MPROBE_FAX, MPROBE_FAX_RECV };

struct mprobe_result {
	double level_dbm0;	/* received, over the measured part */
	double snr_db;		/* milliwatt: tone against everything else */
	double freq_hz;		/* milliwatt: the strongest frequency (zero crossings) */
	double delay_ms;	/* echo: mean round trip; -1 never came back */
	double delay_max_ms;	/* echo: the longest round trip (the p99 of a short run) */
	double echo_level_dbm0; /* echo: level of the bursts coming back */
	unsigned bursts_back;	/* echo: how many of the bursts sent came back */
	char digits_sent[32], digits_heard[32]; /* heard: as tones in the audio */
	char digits_events[32];			/* received as RFC 4733 events */
	char digits_info[32];			/* received as SIP INFO */
	uint64_t sent, received, concealed; /* RTP packets, frames concealed */
	double seconds;		/* of audio received */
	double talk_back_dbm0;	/* talk: the level back while talking (second half) */
	/* data: octets compared with what was sent (from the first 32 that
	 * match on): back as sent, lost (runs of idle 0xff: a packet that
	 * came too late for a jitter buffer on a loaded host), altered (any
	 * other difference: what a clear channel must never do); slips: the
	 * stream found again further on (a jitter buffer that dropped or
	 * added a frame) */
	uint64_t data_compared, data_good, data_lost, data_bad;
	unsigned data_slips;
	double data_delay_ms; /* -1: the stream never came back */
	/* fax: T.30 over (code 0: a good end, else SpanDSP's T30_ERR_*), over
	 * T.38 or G.711, pages, bit rate; received: rows, rows not as sent */
	bool fax_over, fax_t38;
	int fax_code;
	unsigned fax_pages, fax_bit_rate, fax_rows, fax_bad_rows;
	uint64_t udptl_sent, udptl_received;
};

/* kind's RTP on addr (an address of ours, "127.0.0.1"), any even port.
 * digits: what a dtmf probe sends. */
int mprobe_new(struct loop *loop, enum mprobe_kind kind, const char *addr, const char *digits,
	       struct mprobe **out);
void mprobe_free(struct mprobe *p);
uint16_t mprobe_port(const struct mprobe *p);
/* The peer's SDP (answer or offer): where to send; starts the 20 ms clock. */
int mprobe_start(struct mprobe *p, struct sv sdp);
/* Send and take this codec (its dsp/codec.h name) instead of G.711, with
 * G.729 annex B (silence not sent, comfort noise) if annexb and the peer's
 * SDP agrees; -EINVAL: not one of ours. */
int mprobe_set_codec(struct mprobe *p, const char *name, bool annexb);
/* A digit the peer sent by SIP INFO (a dtmf probe reports them). */
void mprobe_info_digit(struct mprobe *p, char digit);
/* fax: fn is called once T.30 is over (the call may end). */
void mprobe_set_done(struct mprobe *p, void (*fn)(void *arg), void *arg);
/* fax: our UDPTL port for a T.38 offer or answer, then the peer's (its
 * SDP's IPv4 address, port, T38FaxMaxDatagram, redundancy or none): the
 * fax goes on as a T.38 terminal and the audio stream rests. */
int mprobe_t38_open(struct mprobe *p, uint16_t *port);
int mprobe_t38_start(struct mprobe *p, const char *host, uint16_t port, unsigned max_datagram, bool redundancy);
/* Analyse what came so far. */
/* The call is back on audio after T.38: RTP (silence) is sent again. */
void mprobe_audio_again(struct mprobe *p);
void mprobe_result(const struct mprobe *p, struct mprobe_result *r);
/* The result as text lines ("audio: ..."), written into buf. */
void mprobe_report(const struct mprobe *p, char *buf, size_t size);
enum mprobe_kind mprobe_kind_parse(const char *name, bool *ok);

#endif
