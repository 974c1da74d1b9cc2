/* media.h: the audio of a span's B-channels during calls.
 *
 * One gw_media per TDM span.  It lives where the span is clocked (a media
 * worker in the daemon): on every tick it moves each busy channel's audio
 * - between the B-channel and an RTP session (G.711 at 20 ms; the line's
 *   law converted when the SIP side uses the other one; the jitter buffer
 *   and packet loss concealment of rtp/playout.c toward the line; the
 *   line's echo cancelled, dsp/ec.c, when the span asks for it), or
 * - into and out of a test line: echo (what arrives goes back), milliwatt
 *   (1004 Hz at 0 dBm0), DTMF readback (every digit heard is played back
 *   after the caller stops dialling), busy and congestion tones.
 *
 * The functions below are called from the signalling thread; they run
 * their work in the span's worker and wait for it (a few microseconds),
 * so call control sees a channel's media state change at once. */
#ifndef SGW_GW_MEDIA_H
#define SGW_GW_MEDIA_H

#include "gw/dialplan.h"

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

struct gw_media;
struct loop;
struct media_worker;
struct tdm_span;

struct gw_media_stats {
	uint64_t rtp_sent, rtp_received;
	int32_t lost;
	uint32_t jitter_ms;
	double mos;	     /* 0: not known */
	double level_dbm0;   /* what the line sent us, mean over the call */
	double erl_db, erle_db; /* the echo canceller's view of the line at the end; 0: none */
	/* RTP calls, after the gains: mean level of the active audio (-100:
	 * none) and samples clipped, from the line toward SIP and toward the line */
	double from_line_dbm0, to_line_dbm0;
	uint64_t from_line_clipped, to_line_clipped;
	char digits[32];     /* DTMF heard from the line (test lines) */
	/* fax: relayed as T.38 (pages and bit rate the gateway saw, UDPTL
	 * datagrams, IFP packets received, brought back by redundancy, lost);
	 * the faxrx test line: the T.30 result (-1: none yet, 0: a good end,
	 * else SpanDSP's T.30 error code), pages, the first page's rows and
	 * how many of them differ from the test page */
	bool t38;
	unsigned fax_pages, fax_bit_rate;
	uint64_t udptl_sent, udptl_received, udptl_recovered, udptl_lost;
	int fax_result;
	unsigned fax_rows, fax_bad_rows;
};

/* worker NULL: everything runs in the caller's thread on loop (tests).
 * zone: the country whose busy and congestion tones the test lines play. */
struct gw_media *gw_media_new(struct media_worker *worker, struct loop *loop, unsigned timeslots,
			      bool line_alaw, unsigned block_ms, const char *zone);
/* A bridge for calls between two RTP legs (SIP to SIP, ISDN to ISDN):
 * pairs of channels 2k-1 and 2k, each used like a B-channel (RTP, DTMF,
 * fax detection), that hear each other instead of a line; clocked every
 * 20 ms in the worker.  A-law between the two. */
struct gw_media *gw_media_new_bridge(struct media_worker *worker, struct loop *loop, unsigned pairs,
				     const char *zone);
/* Music on hold: n samples of 8 kHz linear audio, looped to the line of a
 * call whose SIP side holds it (instead of what the peer sends); the
 * buffer must outlive m.  n 0: none. */
void gw_media_set_music(struct gw_media *m, const int16_t *pcm, size_t n);
/* Gains in dB (-24..24) on calls bridged to RTP: of what the line sends
 * (after the echo canceller) and of what goes to the line.  For calls
 * started after. */
void gw_media_set_gains(struct gw_media *m, int from_line_db, int to_line_db);
/* Cancel the line's echo on calls bridged to RTP (dsp/ec.c), with a tail of
 * taps samples (256-1024: 32-128 ms); 0: off.  For calls started after. */
void gw_media_set_echo_canceller(struct gw_media *m, unsigned taps);
void gw_media_free(struct gw_media *m);
/* From the span's tick, in the thread that clocks it. */
void gw_media_tick(struct gw_media *m, struct tdm_span *s);

/* RTP on timeslot ts: bind on local (an address of ours, port chosen from
 * port_min..port_max), send payload type pt (0 PCMU, 8 PCMA) every 20 ms,
 * RFC 4733 events with dtmf_pt (0: none).  The local port comes back. */
struct gw_media_rtp {
	struct sockaddr_storage local;
	uint16_t port_min, port_max;
	uint8_t pt, dtmf_pt;
	unsigned timeout_ms; /* no RTP for this long (not on hold): the listener hears it; 0 never */
	bool line_calls;     /* the call came from the line (its fax sends CNG toward SIP) */
};
/* Who hears of RTP timeouts, in the signalling thread: the timeslot and the
 * session's port (a channel may carry a new call by then: compare). */
typedef void (*gw_media_timeout_fn)(void *arg, struct gw_media *m, unsigned ts, uint16_t port);
void gw_media_set_listener(struct gw_media *m, gw_media_timeout_fn fn, void *arg);
/* A fax or modem tone on an RTP call (enum dsp_fax_tone: CNG from the
 * calling side, CED/ANS or V.21 from the answering one): the channel has
 * gone to pass-through (echo canceller off, jitter buffer fixed at 60 ms)
 * when the listener hears it, in the signalling thread. */
typedef void (*gw_media_fax_fn)(void *arg, struct gw_media *m, unsigned ts, uint16_t port, int tone);
void gw_media_set_fax_listener(struct gw_media *m, gw_media_fax_fn fn, void *arg);
/* A DTMF digit heard on the line of a call in GM_DIGITS_REPORT mode, when
 * it ended, with its duration; in the signalling thread. */
typedef void (*gw_media_digit_fn)(void *arg, struct gw_media *m, unsigned ts, uint16_t port, char digit,
				  unsigned duration_ms);
void gw_media_set_digit_listener(struct gw_media *m, gw_media_digit_fn fn, void *arg);
int gw_media_rtp_start(struct gw_media *m, unsigned ts, const struct gw_media_rtp *cfg,
		       uint16_t *port);
/* What becomes of DTMF heard on the line of an RTP call: it stays in the
 * audio (in-band); it goes as RFC 4733 events (when the peer agreed to
 * telephone-event; else in-band); it goes to the digit listener (for SIP
 * INFO).  Events and reports cut the digit from the audio: never both. */
enum gw_media_digits { GM_DIGITS_AUDIO, GM_DIGITS_EVENTS, GM_DIGITS_REPORT };
/* Where the peer's RTP goes (from its SDP), the payload type it chose,
 * its codec (enum dsp_codec_id: G.711 is converted between laws, any
 * other transcoded through linear audio; or'd with GW_MEDIA_VAD when G.729
 * annex B was agreed) and its telephone-event type (-1: none). */
#define GW_MEDIA_VAD 0x100
/* or'd instead: CLEARMODE (RFC 4040), a data call's 64 kbit/s clear
 * channel: the octets go as they are both ways (no law, canceller,
 * detector, gain or concealment: lost packets play as 0xff), through a
 * fixed jitter buffer */
#define GW_MEDIA_CLEARMODE 0x200
int gw_media_rtp_remote(struct gw_media *m, unsigned ts, const struct sockaddr *addr,
			socklen_t len, uint8_t pt, int te_pt, enum gw_media_digits digits, int codec);
/* Hold (we send no RTP; what the peer sends, music perhaps, still goes to
 * the line) or resume. */
int gw_media_rtp_hold(struct gw_media *m, unsigned ts, bool hold);
/* Play a DTMF digit on the line of an RTP call (a SIP INFO's), ms long. */
int gw_media_digit(struct gw_media *m, unsigned ts, char digit, unsigned ms);
/* T.38 fax relay on an RTP call (T.38 Annex D: the call's re-INVITE moved
 * it to an image stream over UDPTL).  Open: the channel's UDPTL port, for
 * the SDP (on the RTP session's address, a port of its range).  Start: the
 * peer's UDPTL address and what SDP agreed; from now on the line's fax
 * modems go through SpanDSP's T.38 gateway and the RTP stream rests (no
 * RTP sent, no RTP timeout).  Stop: back to audio, the UDPTL port closed
 * (a refused or ended T.38); the figures stay in the call's stats. */
struct gw_media_t38 {
	unsigned version, max_bitrate, max_datagram;
	bool transferred_tcf; /* else localTCF */
	bool redundancy;      /* t38UDPRedundancy (else no error correction) */
};
int gw_media_t38_open(struct gw_media *m, unsigned ts, uint16_t *port);
int gw_media_t38_start(struct gw_media *m, unsigned ts, const struct sockaddr *addr, socklen_t len,
		       const struct gw_media_t38 *p);
int gw_media_t38_stop(struct gw_media *m, unsigned ts);
/* A test line on timeslot ts. */
int gw_media_testline(struct gw_media *m, unsigned ts, enum dp_testline kind);
/* The figures of what runs on ts so far (a live call's quality). */
void gw_media_peek(struct gw_media *m, unsigned ts, struct gw_media_stats *st);
/* Stop whatever runs on ts; its figures go to st (may be NULL). */
void gw_media_stop(struct gw_media *m, unsigned ts, struct gw_media_stats *st);
/* Channels with media now. */
unsigned gw_media_active(const struct gw_media *m);

#endif
