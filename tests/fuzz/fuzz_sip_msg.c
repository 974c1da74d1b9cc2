/* libFuzzer target: the SIP message parser and the stream framer on any
 * bytes.  The input is copied to a buffer of exactly its size, so ASan sees
 * any read past the end (the parser never relies on a terminating NUL). */
#include "config.h"

#include "sip/msg.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size ? size : 1);
	struct sip_msg m;
	struct sip_parse_error e;
	ssize_t n;

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	if (sip_msg_parse(&m, buf, size, SIP_FRAMING_DATAGRAM, &e) == 0) {
		/* every view lies inside the buffer */
		for (size_t i = 0; i < m.nhdrs; i++)
			if (m.hdrs[i].value.p < buf || m.hdrs[i].value.p + m.hdrs[i].value.len > buf + size)
				abort();
		if (m.body.len && (m.body.p < buf || m.body.p + m.body.len > buf + size))
			abort();
	}
	n = sip_msg_frame(buf, size);
	if (n > 0 && (size_t)n <= size)
		(void)sip_msg_parse(&m, buf, (size_t)n, SIP_FRAMING_STREAM, &e);
	if (n > (ssize_t)size)
		abort();
	free(buf);
	return 0;
}
