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
static void copy_headers(const char *buf, size_t len)
{
	static const char *const wanted[] = {"via", "v", "from", "f", "to", "t", "call-id", "i",
					     "cseq"};
	size_t p = 0;

	/* skip the start line */
	while (p < len && buf[p] != '\n')
		p++;
	p++;
	while (p < len) {
		size_t e = p, n;

		while (e < len && buf[e] != '\n')
			e++;
		n = e - p;
		if (n == 0 || (n == 1 && buf[p] == '\r'))
			break;
		for (size_t w = 0; w < sizeof(wanted) / sizeof(wanted[0]); w++) {
			size_t wl = strlen(wanted[w]);

			if (n > wl && !strncasecmp(buf + p, wanted[w], wl) &&
			    (buf[p + wl] == ':' || buf[p + wl] == ' ' || buf[p + wl] == '\t')) {
				printf("%.*s\r\n", (int)(n && buf[e - 1] == '\r' ? n - 1 : n), buf + p);
				break;
			}
		}
		p = e + 1;
	}
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
				printf("SIP/2.0 %d %s\r\n", e.status, e.reason);
				copy_headers(buf, len);
				printf("Content-Length: 0\r\n\r\n");
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
				printf("SIP/2.0 416 Unsupported URI Scheme\r\n");
				copy_headers(buf, len);
				printf("Content-Length: 0\r\n\r\n");
			}
		}
		if (i >= argc)
			break;
	}
	return any_invalid ? 1 : 0;
}
