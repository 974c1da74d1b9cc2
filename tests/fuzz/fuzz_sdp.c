/* libFuzzer target: SDP parsing, the typed lookups and printing on any
 * bytes; what parses must print and parse back to the same text. */
#include "config.h"

#include "sip/sdp.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char out[65536], again[65536];
	char *buf = malloc(size ? size : 1);
	struct sdp_session s, s2;
	struct sdp_error e;

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	if (sdp_parse(&s, buf, size, &e) == 0) {
		int n = sdp_print(&s, out, sizeof(out)), n2;

		for (size_t i = 0; i < s.nmedia; i++) {
			struct sv enc;
			unsigned clock, ch;
			bool found;

			for (unsigned pt = 0; pt < 128; pt++) {
				sdp_media_rtpmap(&s.media[i], pt, &enc, &clock, &ch);
				sdp_media_fmtp(&s.media[i], pt, &found);
			}
			sdp_media_direction(&s, &s.media[i]);
		}
		if (n > 0) {
			if (sdp_parse(&s2, out, (size_t)n, &e) != 0)
				abort(); /* printed SDP must parse */
			n2 = sdp_print(&s2, again, sizeof(again));
			if (n2 != n || memcmp(out, again, (size_t)n))
				abort(); /* and print the same again */
		}
	}
	free(buf);
	return 0;
}
