/* t38gw.c: a channel's T.38 gateway (SpanDSP's t38_gateway), see t38gw.h. */
#include "config.h"

#include "dsp/t38gw.h"
#include "dsp/dtmf.h"
#include "lib/log.h"
#include "lib/mem.h"

#include <spandsp.h>
#include <string.h>

struct dsp_t38gw {
	t38_gateway_state_t *gw;
	dsp_t38gw_tx_fn tx;
	void *arg;
	uint64_t sent, received, refused;
};

/* SpanDSP's messages go through ours (dsp_init's handler): at debug level
 * when LOGC_DSP logs debug, else none */
static void log_through_ours(logging_state_t *l)
{
	if (!l)
		return;
	span_log_set_level(l, log_enabled(LOGC_DSP, LOGL_DEBUG)
				      ? SPAN_LOG_SHOW_SEVERITY | SPAN_LOG_SHOW_PROTOCOL | SPAN_LOG_FLOW
				      : SPAN_LOG_NONE);
}

static int tx_packet(t38_core_state_t *s, void *user, const uint8_t *buf, int len, int count)
{
	struct dsp_t38gw *g = user;

	(void)s;
	if (len > 0) {
		g->tx(g->arg, buf, (size_t)len, count < 1 ? 1 : count);
		g->sent++;
	}
	return 0;
}

struct dsp_t38gw *dsp_t38gw_new(const struct dsp_t38gw_params *p, dsp_t38gw_tx_fn tx, void *arg)
{
	struct dsp_t38gw *g = mem_zalloc(sizeof(*g));
	t38_core_state_t *core;
	int modems = T30_SUPPORT_V27TER;

	dsp_init();
	if (!g)
		return NULL;
	g->tx = tx;
	g->arg = arg;
	if (!(g->gw = t38_gateway_init(NULL, tx_packet, g))) {
		mem_free(g);
		return NULL;
	}
	log_through_ours(t38_gateway_get_logging_state(g->gw));
	core = t38_gateway_get_t38_core_state(g->gw);
	log_through_ours(t38_core_get_logging_state(core));
	if (p->max_bitrate == 0 || p->max_bitrate >= 9600)
		modems |= T30_SUPPORT_V29;
	if (p->max_bitrate == 0 || p->max_bitrate >= 14400)
		modems |= T30_SUPPORT_V17;
	t38_gateway_set_supported_modems(g->gw, modems);
	t38_gateway_set_ecm_capability(g->gw, p->ecm);
	t38_gateway_set_transmit_on_idle(g->gw, 1); /* silence, not nothing, toward the line */
	t38_set_t38_version(core, (int)(p->version > 3 ? 3 : p->version));
	t38_set_data_rate_management_method(core, p->transferred_tcf ? 2 : 1);
	t38_set_max_datagram_size(core, (int)(p->max_datagram ? p->max_datagram : 400));
	t38_set_fastest_image_data_rate(core, (int)(p->max_bitrate ? p->max_bitrate : 14400));
	return g;
}

void dsp_t38gw_free(struct dsp_t38gw *g)
{
	if (!g)
		return;
	t38_gateway_free(g->gw);
	mem_free(g);
}

void dsp_t38gw_from_line(struct dsp_t38gw *g, const int16_t *pcm, size_t n)
{
	int16_t buf[320];

	while (n) {
		size_t k = n < 320 ? n : 320;

		memcpy(buf, pcm, k * sizeof(int16_t)); /* SpanDSP's rx takes a non-const buffer */
		t38_gateway_rx(g->gw, buf, (int)k);
		pcm += k;
		n -= k;
	}
}

void dsp_t38gw_to_line(struct dsp_t38gw *g, int16_t *pcm, size_t n)
{
	int got = t38_gateway_tx(g->gw, pcm, (int)n);

	if (got < 0)
		got = 0;
	if ((size_t)got < n)
		memset(pcm + got, 0, (n - (size_t)got) * sizeof(int16_t));
}

int dsp_t38gw_ifp(struct dsp_t38gw *g, const uint8_t *ifp, size_t len, uint16_t seq)
{
	g->received++;
	if (t38_core_rx_ifp_packet(t38_gateway_get_t38_core_state(g->gw), ifp, (int)len, seq) < 0) {
		g->refused++;
		return -1;
	}
	return 0;
}

void dsp_t38gw_stats(const struct dsp_t38gw *g, struct dsp_t38gw_stats *st)
{
	t38_stats_t t;

	memset(st, 0, sizeof(*st));
	t38_gateway_get_transfer_statistics(g->gw, &t);
	st->pages = t.pages_transferred > 0 ? (unsigned)t.pages_transferred : 0;
	st->bit_rate = t.bit_rate > 0 ? (unsigned)t.bit_rate : 0;
	st->ecm = t.error_correcting_mode;
	st->ifp_sent = g->sent;
	st->ifp_received = g->received;
	st->ifp_refused = g->refused;
}
