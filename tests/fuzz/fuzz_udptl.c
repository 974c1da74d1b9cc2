/* libFuzzer target: UDPTL datagrams as a peer sends them (rtp/udptl.c).
 * Any bytes: a datagram is refused whole or handed on as IFP packets that
 * lie inside it, in sequence order; the receiver keeps going after any
 * refusal.  Every IFP packet handed on is sent again through a sender and
 * must come back the same, and goes into a T.38 gateway (SpanDSP's T.38
 * decoder, dsp/t38gw.c) as a call's would, with its audio clock running. */
#include "config.h"

#include "dsp/t38gw.h"
#include "rtp/udptl.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct ctx {
	const uint8_t *data;
	size_t size;
	unsigned n;
	struct dsp_t38gw *gw;
};

static void gw_out(void *arg, const uint8_t *ifp, size_t len, int count)
{
	(void)arg;
	if (!ifp || len == 0 || count < 1)
		abort();
}

static void back(void *arg, const uint8_t *ifp, size_t len, uint16_t seq)
{
	(void)arg;
	(void)ifp;
	if (len == 0 || len != (size_t)(uint16_t)len)
		abort();
	(void)seq;
}

static void check(void *arg, const uint8_t *ifp, size_t len, uint16_t seq)
{
	struct ctx *c = arg;
	struct udptl_tx tx;
	struct udptl_rx rx;
	uint8_t out[UDPTL_MAX_PACKET];
	int n;

	if (ifp < c->data || ifp + len > c->data + c->size || len == 0)
		abort(); /* an IFP packet from outside the datagram */
	c->n++;
	if (c->gw) {
		int16_t pcm[160] = {0};

		dsp_t38gw_ifp(c->gw, ifp, len, seq);
		dsp_t38gw_to_line(c->gw, pcm, 160);
		dsp_t38gw_from_line(c->gw, pcm, 160);
	}
	udptl_tx_init(&tx, 2, 0);
	tx.seq = seq;
	n = udptl_encode(&tx, ifp, len, out, sizeof(out));
	if (len > UDPTL_MAX_IFP) {
		if (n != -EINVAL)
			abort();
		return;
	}
	udptl_rx_init(&rx);
	if (n <= 0 || udptl_decode(&rx, out, (size_t)n, back, NULL) != 0 || rx.st.ifp != 1)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct udptl_rx rx;
	struct ctx c = {.data = data, .size = size};
	struct dsp_t38gw_params p = {.version = 0, .max_bitrate = 14400, .max_datagram = 400, .ecm = true};
	size_t half = size / 2;

	c.gw = dsp_t38gw_new(&p, gw_out, NULL);
	udptl_rx_init(&rx);
	/* the whole input as one datagram, then its halves as two more */
	if (udptl_decode(&rx, data, size, check, &c) < 0 && c.n)
		abort(); /* refused, yet something was handed on */
	udptl_decode(&rx, data, half, check, &c);
	udptl_decode(&rx, data + half, size - half, check, &c);
	if (rx.st.malformed + rx.st.packets != 3)
		abort();
	dsp_t38gw_free(c.gw);
	return 0;
}
