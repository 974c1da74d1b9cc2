/* t38gw.h: a channel's T.38 gateway: a fax machine on the line talks
 * modems (V.21 for T.30's frames, V.27ter, V.29 or V.17 for the page) and
 * the SIP side gets and sends T.38 IFP packets (SpanDSP's t38_gateway
 * does the demodulating and remodulating).
 *
 * The channel feeds the line's audio in and takes the audio toward the
 * line out, 8 kHz linear, as its clock ticks; IFP packets from the peer
 * (from UDPTL, in order) go in as they arrive; IFP packets toward the
 * peer come out through tx, each with how many times T.38 wants it sent
 * (indicators are sent more than once).  SpanDSP's log goes through ours
 * (LOGC_DSP, debug). */
#ifndef SGW_DSP_T38GW_H
#define SGW_DSP_T38GW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct dsp_t38gw;

typedef void (*dsp_t38gw_tx_fn)(void *arg, const uint8_t *ifp, size_t len, int count);

struct dsp_t38gw_params {
	unsigned version;      /* T38FaxVersion agreed, 0..3 */
	unsigned max_bitrate;  /* T38MaxBitRate agreed: 14400 (V.17), 9600 (V.29), 4800 (V.27ter) */
	bool transferred_tcf;  /* T38FaxRateManagement transferredTCF (else localTCF) */
	unsigned max_datagram; /* the peer's T38FaxMaxDatagram (0: 400) */
	bool ecm;	       /* let the machines use error correction (T.30 ECM) */
};

struct dsp_t38gw *dsp_t38gw_new(const struct dsp_t38gw_params *p, dsp_t38gw_tx_fn tx, void *arg);
void dsp_t38gw_free(struct dsp_t38gw *g);
/* n samples the line sent */
void dsp_t38gw_from_line(struct dsp_t38gw *g, const int16_t *pcm, size_t n);
/* n samples toward the line */
void dsp_t38gw_to_line(struct dsp_t38gw *g, int16_t *pcm, size_t n);
/* an IFP packet from the peer; -1 when T.38 refused it */
int dsp_t38gw_ifp(struct dsp_t38gw *g, const uint8_t *ifp, size_t len, uint16_t seq);

struct dsp_t38gw_stats {
	unsigned pages;	 /* transferred so far */
	unsigned bit_rate;
	bool ecm;
	uint64_t ifp_sent, ifp_received, ifp_refused;
};
void dsp_t38gw_stats(const struct dsp_t38gw *g, struct dsp_t38gw_stats *st);

#endif
