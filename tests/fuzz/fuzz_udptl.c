/* libFuzzer target: UDPTL datagrams as a peer sends them (rtp/udptl.c).
 * Any bytes: a datagram is refused whole or handed on as IFP packets that
 * lie inside it, in sequence order; the receiver keeps going after any
 * refusal.  Every IFP packet handed on is sent again through a sender and
 * must come back the same. */
#include "config.h"

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
};

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
	size_t half = size / 2;

	udptl_rx_init(&rx);
	/* the whole input as one datagram, then its halves as two more */
	if (udptl_decode(&rx, data, size, check, &c) < 0 && c.n)
		abort(); /* refused, yet something was handed on */
	udptl_decode(&rx, data, half, check, &c);
	udptl_decode(&rx, data + half, size - half, check, &c);
	if (rx.st.malformed + rx.st.packets != 3)
		abort();
	return 0;
}
