/* libFuzzer target: SDP parsing, the typed lookups and printing on any
 * bytes; what parses must print and parse back to the same text.  Every
 * parsed description is also answered as an offer and read as the answer
 * to our own offer, as the gateway does with what a peer sends. */
#include "config.h"

#include "sip/sdp.h"
#include "sip/sdp_oa.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void offer_answer(const struct sdp_session *s)
{
	static const struct sdp_codec codecs[] = {{"PCMA", 8000, 1, 8, NULL},
						  {"G729", 8000, 1, 18, "annexb=no"},
						  {"opus", 48000, 2, -1, NULL}};
	static char scratch[4096], text[8192];
	struct sdp_local l = {.user = "sipgw", .sess_id = 1, .sess_version = 1, .addrtype = "IP4",
			      .addr = "127.0.0.1", .audio_port = 30000, .codecs = codecs,
			      .ncodecs = 3, .telephone_event = true, .rtcp_mux = true,
			      .srtp_key = "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNk", .t38 = true,
			      .t38_port = 30002};
	struct sdp_session ans, ours;
	struct sdp_negotiated neg;
	struct sdp_error e;

	if (sdp_answer_build(s, &l, &ans, scratch, sizeof(scratch), &neg, &e) == 0) {
		int n = sdp_print(&ans, text, sizeof(text));
		struct sdp_session back;

		if (n < 0 || sdp_parse(&back, text, (size_t)n, &e) != 0 || back.nmedia != s->nmedia)
			abort(); /* an answer must be valid SDP with as many m-lines */
	}
	if (sdp_offer_build(&l, SDP_OFFER_AUDIO, SDP_DIR_SENDRECV, &ours, scratch, sizeof(scratch),
			    &e) == 0)
		(void)sdp_answer_process(&ours, s, &l, &neg, &e);
	/* a data call's offer: answered with CLEARMODE alone, or not at all */
	if (sdp_offer_is_clearmode(s)) {
		l.codecs = &sdp_clearmode;
		l.ncodecs = 1;
		l.telephone_event = false;
		if (sdp_answer_build(s, &l, &ans, scratch, sizeof(scratch), &neg, &e) == 0 && neg.audio &&
		    strcasecmp(neg.codec->name, "CLEARMODE"))
			abort(); /* a data call answered with a voice codec */
		l.codecs = codecs;
		l.ncodecs = 3;
		l.telephone_event = true;
	}
	for (size_t i = 0; i < s->nmedia; i++) {
		const struct sdp_media *m = &s->media[i];
		const struct sdp_attr *a;
		struct sdp_t38 t;

		for (a = sdp_attr_find(m->attrs, m->nattrs, "crypto", NULL); a;
		     a = sdp_attr_find(m->attrs, m->nattrs, "crypto", a)) {
			struct sdp_crypto c;

			(void)sdp_crypto_parse(a->value, &c);
		}
		if ((a = sdp_attr_find(m->attrs, m->nattrs, "fingerprint", NULL))) {
			struct sdp_fingerprint fp;

			(void)sdp_fingerprint_parse(a->value, &fp);
		}
		(void)sdp_media_setup(s, m);
		(void)sdp_media_t38(m, &t);
	}
}

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
		offer_answer(&s);
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
