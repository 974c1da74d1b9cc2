/* libFuzzer target: arbitrary D-channel frames into a PRI span (both NET and
 * CPE sides), as a broken or hostile far end could send them.  libpri parses
 * Q.921/Q.931; our event handling must survive whatever events follow.
 * The first byte picks the side and, with the rest, a sequence of frames
 * (length-prefixed) so multi-frame exchanges are reached too. */
#include "config.h"

#include "isdn/isdn.h"
#include "lib/log.h"
#include "lib/loop.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int tx(void *arg, const void *frame, size_t len)
{
	return (int)len;
}

static void dchan(void *arg, bool up)
{
}

static void event(void *arg, struct isdn_call *c, const struct isdn_event *ev)
{
	/* take every offered call up and answer it, to reach more states */
	switch (ev->kind) {
	case ISDN_EV_INCOMING:
		isdn_call_proceeding(c);
		isdn_call_answer(c);
		break;
	case ISDN_EV_DISCONNECT:
		isdn_call_hangup(c, ev->cause);
		break;
	default:
		break;
	}
}

static const struct isdn_span_ops ops = {tx, dchan, event};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct loop *loop;
	static struct isdn_span *spans[2];
	struct isdn_span *span;
	size_t pos = 1;

	if (!loop) {
		struct isdn_span_opts o = {.number = 1, .switchtype = ISDN_SWITCH_EUROISDN};

		log_level_set(LOGC_ISDN, LOGL_ERROR);
		if (loop_new(&loop) < 0 || isdn_span_new(loop, &o, &ops, NULL, &spans[0]) < 0)
			abort();
		o.network = true;
		o.number = 2;
		if (isdn_span_new(loop, &o, &ops, NULL, &spans[1]) < 0)
			abort();
	}
	if (size < 1)
		return 0;
	span = spans[data[0] & 1];
	/* frames: one length byte, then that many bytes (a bounded walk) */
	while (pos < size) {
		size_t len = data[pos++];

		if (len > size - pos)
			len = size - pos;
		isdn_span_rx(span, data + pos, len);
		pos += len;
	}
	return 0;
}
