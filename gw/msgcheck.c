/* sipgw-msgcheck: check files of raw SIP messages with the gateway's own
 * parser (sip/msg.h).
 *
 *   sipgw-msgcheck [--dump] [--response] [FILE...]     (stdin when no file)
 *
 * For each file: "FILE: valid: METHOD|STATUS Call-ID CSeq" or
 * "FILE: invalid: REASON".  --dump prints the start line and every header;
 * --response prints what a server would answer to an invalid request (the
 * 400/505 of RFC 4475 §3.1, with Via, From, To, Call-ID and CSeq copied as
 * RFC 3261 §8.2.6 asks, where they could be read), or the 416 a valid request
 * for a URI scheme other than sip, sips or tel gets.  Exit 0 when every file
 * parses, 1 when one does not, 2 on a usage or I/O error.  Each file is
 * taken as a datagram: without Content-Length the body is the rest. */
#include "config.h"

#include "gw/version.h"
#include "sip/build.h"
#include "sip/msg.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MSG_MAX 65536

static int read_all(FILE *f, char *buf, size_t size, size_t *len)
{
	*len = fread(buf, 1, size, f);
	if (ferror(f))
		return -EIO;
	if (*len == size && fgetc(f) != EOF)
		return -EMSGSIZE;
	return 0;
}

static void print_sv(const char *label, struct sv v)
{
	printf("%s%.*s", label, (int)v.len, v.p);
}

static void dump(const struct sip_msg *m)
{
	if (m->request) {
		print_sv("  request: ", m->method);
		print_sv(" ", m->uri);
		printf("\n");
	} else {
		printf("  response: %d", m->status);
		print_sv(" ", m->reason);
		printf("\n");
	}
	for (size_t i = 0; i < m->nhdrs; i++) {
		const struct sip_hdr *h = &m->hdrs[i];
		const char *canon = sip_hdr_canonical_name(h->id);

		if (canon)
			printf("  %s: ", canon);
		else
			print_sv("  ", h->name), printf(": ");
		/* control bytes (a quoted NUL, folding) shown escaped */
		for (size_t k = 0; k < h->value.len; k++) {
			unsigned char c = (unsigned char)h->value.p[k];

			if (c < 0x20 || c == 0x7f)
				printf("\\x%02x", c);
			else
				putchar(c);
		}
		printf("\n");
	}
	printf("  body: %zu bytes\n", m->body.len);
}

/* Copy the lines of the headers named (whatever form) from the raw message. */
/* What a server answers: the builder's error response, printed. */
static void print_error_response(const char *buf, size_t len, int status, const char *reason)
{
	static char out[70000];
	struct sip_build b;
	int n;

	sip_build_init(&b, out, sizeof(out));
	sip_build_error_response(&b, buf, len, status, reason);
	n = sip_build_finish(&b, NULL, SV_NULL);
	if (n > 0)
		fwrite(out, 1, (size_t)n, stdout);
}

int main(int argc, char **argv)
{
	static char buf[MSG_MAX];
	bool do_dump = false, do_response = false, any_invalid = false;
	int first = 1;

	for (; first < argc && argv[first][0] == '-' && argv[first][1]; first++) {
		if (!strcmp(argv[first], "--dump"))
			do_dump = true;
		else if (!strcmp(argv[first], "--response"))
			do_response = true;
		else if (!strcmp(argv[first], "--version")) {
			printf("sipgw-msgcheck %s\n", SIPGW_VERSION);
			return 0;
		} else if (!strcmp(argv[first], "--")) {
			first++;
			break;
		} else {
			fprintf(stderr, "usage: sipgw-msgcheck [--dump] [--response] [FILE...]\n");
			return 2;
		}
	}
	for (int i = first; i < argc || i == first; i++) {
		const char *name = i < argc ? argv[i] : "-";
		FILE *f = strcmp(name, "-") ? fopen(name, "rb") : stdin;
		struct sip_msg m;
		struct sip_parse_error e;
		size_t len;
		int rc;

		if (!f) {
			fprintf(stderr, "sipgw-msgcheck: %s: %s\n", name, strerror(errno));
			return 2;
		}
		rc = read_all(f, buf, sizeof(buf), &len);
		if (f != stdin)
			fclose(f);
		if (rc < 0) {
			fprintf(stderr, "sipgw-msgcheck: %s: %s\n", name,
				rc == -EMSGSIZE ? "larger than 64 KiB" : strerror(-rc));
			return 2;
		}
		if (sip_msg_parse(&m, buf, len, SIP_FRAMING_DATAGRAM, &e) < 0) {
			any_invalid = true;
			printf("%s: invalid: %d %s\n", name, e.status, e.reason);
			if (do_response) {
				print_error_response(buf, len, e.status, e.reason);
			}
		} else {
			printf("%s: valid: ", name);
			if (m.request)
				print_sv("", m.method);
			else
				printf("%d", m.status);
			print_sv(" Call-ID ", m.call_id);
			printf(" CSeq %u", m.cseq);
			print_sv(" ", m.cseq_method);
			printf("\n");
			if (do_dump)
				dump(&m);
			/* RFC 3261 §8.2.2.1: a scheme we do not serve gets 416 */
			if (do_response && m.request && m.ruri.scheme == SIP_URI_OTHER) {
				print_error_response(buf, len, 416, "Unsupported URI Scheme");
			}
		}
		if (i >= argc)
			break;
	}
	return any_invalid ? 1 : 0;
}
