/* libFuzzer target: URI parsing, parameter lookup, unescaping and
 * comparison on any bytes (split in two at the first NUL-free half). */
#include "config.h"

#include "sip/uri.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size ? size : 1);
	struct sip_uri a, b;
	size_t half = size / 2;
	char out[512];
	bool found;

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	if (sip_uri_parse(&a, sv_make(buf, half)) == 0) {
		sip_uri_param(&a, "transport", &found);
		sip_uri_unescape(a.user, out, sizeof(out));
		if (sip_uri_parse(&b, sv_make(buf + half, size - half)) == 0 &&
		    sip_uri_equal(&a, &b) != sip_uri_equal(&b, &a))
			abort(); /* equality must be symmetric */
		if (!sip_uri_equal(&a, &a) && a.scheme != SIP_URI_OTHER)
			abort(); /* and reflexive */
	}
	free(buf);
	return 0;
}
