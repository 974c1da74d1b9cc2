/* dtmf.h: DTMF on the TDM side of a channel (ITU-T Q.23/Q.24), through
 * SpanDSP's detector and generator, and fax/modem answer-tone detection.
 *
 * Detection turns the line's audio into digit events with their duration
 * (start when the pair is recognised, end when it stops), within Q.24's
 * limits (-26 dBm0 and up per tone, twist +-8 dB); optionally the detected
 * digits are muted in the audio that goes on, so that a digit sent as an
 * RFC 4733 event is not heard in band as well.
 * Generation puts digits (from RFC 4733 or SIP INFO) into the audio going
 * to the line, replacing it while a digit sounds.
 * Fax and modem tones: CNG (1100 Hz) on one direction, CED/ANS (2100 Hz,
 * with or without phase reversals) or the V.21 preamble on the other,
 * reported once each, so call control can switch to T.38 or pass-through. */
#ifndef SGW_DSP_DTMF_H
#define SGW_DSP_DTMF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct dsp_dtmf_rx;
struct dsp_dtmf_tx;
struct dsp_faxdet;

/* digit '0'..'9', '*', '#', 'A'..'D'; start, or end with its duration */
typedef void (*dsp_digit_fn)(void *arg, char digit, bool start, unsigned duration_ms);

struct dsp_dtmf_rx *dsp_dtmf_rx_new(dsp_digit_fn fn, void *arg);
void dsp_dtmf_rx_free(struct dsp_dtmf_rx *rx);
/* mute detected digits in pcm (in place) as it passes */
void dsp_dtmf_rx_set_strip(struct dsp_dtmf_rx *rx, bool strip);
void dsp_dtmf_rx_process(struct dsp_dtmf_rx *rx, int16_t *pcm, size_t n);

/* level of each tone in dBm0 (e.g. -10), twist in dB (high group louder) */
struct dsp_dtmf_tx *dsp_dtmf_tx_new(int level_dbm0, int twist_db);
void dsp_dtmf_tx_free(struct dsp_dtmf_tx *tx);
/* queue a digit of duration_ms (then 50 ms of silence); -EINVAL: not a digit */
int dsp_dtmf_tx_put(struct dsp_dtmf_tx *tx, char digit, unsigned duration_ms);
/* while digits are queued, replace pcm with them; true if it did */
bool dsp_dtmf_tx_mix(struct dsp_dtmf_tx *tx, int16_t *pcm, size_t n);

enum dsp_fax_tone { DSP_TONE_CNG = 1, DSP_TONE_CED = 2, DSP_TONE_ANS_PR = 3, DSP_TONE_V21 = 4 };
typedef void (*dsp_fax_fn)(void *arg, enum dsp_fax_tone tone);
struct dsp_faxdet *dsp_faxdet_new(dsp_fax_fn fn, void *arg);
void dsp_faxdet_free(struct dsp_faxdet *fd);
/* the audio of each direction: calling side (CNG), answering side (CED/ANS/V.21) */
void dsp_faxdet_process(struct dsp_faxdet *fd, const int16_t *calling, const int16_t *answering, size_t n);

/* SpanDSP's own messages into our log (LOGC_DSP), never stdout; once. */
void dsp_init(void);

#endif
