/* protos.c: the PROTOS c07-sip cases (../shared/testdata), read and with
 * their placeholders filled in, for the tests that feed them to the parser
 * and to the user-agent core. */
#include "config.h"

#include "protos.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Record 1 of a case file: "<length> <bytes>". */
static size_t first_record(const char *file, size_t len, const char **rec)
{
	size_t n = 0, i = 0;

	while (i < len && file[i] >= '0' && file[i] <= '9')
		n = n * 10 + (size_t)(file[i++] - '0');
	if (i >= len || file[i] != ' ' || n > len - i - 1)
		return 0;
	*rec = file + i + 1;
	return n;
}

static const struct {
	const char *name, *value;
	bool numbered; /* followed by the case number: unique per case */
} fills[] = {
	{"<To>", "0123456789@127.0.0.1", false}, {"<From>", "tester@127.0.0.1", false},
	{"<From-Address>", "127.0.0.1", false},	 {"<From-IP>", "127.0.0.1", false},
	{"<Local-Port>", "5071", false},	 {"<Branch-ID>", "z9hG4bKprotos", true},
	{"<Call-ID>", "protos-case-", true},	 {"<CSeq>", "1", false},
	{"<Teardown-Method>", "CANCEL", false},
};

/* Fill the placeholders; <Content-Length> becomes the body's real length. */
static size_t fill(const char *in, size_t len, char *out, size_t size, int c)
{
	size_t o = 0, body_at = 0, cl_at = 0;
	bool have_cl = false;

	for (size_t i = 0; i < len && o + 64 < size;) {
		bool done = false;

		if (in[i] == '<') {
			for (size_t k = 0; k < sizeof(fills) / sizeof(fills[0]); k++) {
				size_t nl = strlen(fills[k].name);

				if (i + nl <= len && !memcmp(in + i, fills[k].name, nl)) {
					o += (size_t)snprintf(out + o, size - o, "%s", fills[k].value);
					if (fills[k].numbered)
						o += (size_t)snprintf(out + o, size - o, "%07d", c);
					i += nl;
					done = true;
					break;
				}
			}
			if (!done && i + 16 <= len && !memcmp(in + i, "<Content-Length>", 16)) {
				cl_at = o;
				have_cl = true;
				memcpy(out + o, "     ", 5); /* room for the number */
				o += 5;
				i += 16;
				done = true;
			}
		}
		if (!done) {
			if (!body_at && i >= 3 && !memcmp(in + i - 3, "\r\n\r", 3) && in[i] == '\n')
				body_at = o + 1;
			out[o++] = in[i++];
		}
	}
	if (have_cl) {
		char num[8];
		int n = snprintf(num, sizeof(num), "%zu", body_at ? o - body_at : 0);

		memcpy(out + cl_at, num, (size_t)n); /* the rest stays spaces: LWS */
	}
	return o;
}

size_t protos_case(int c, char *out, size_t size)
{
	static char file[65536 * 4];
	const char *data = getenv("SGW_TESTDATA"), *rec;
	char path[1024];
	size_t len, rlen;
	FILE *f;

	snprintf(path, sizeof(path), "%s/sip/protos-sip/cases/%07d", data ? data : "../shared/testdata", c);
	f = fopen(path, "rb");
	if (!f)
		return 0;
	len = fread(file, 1, sizeof(file), f);
	fclose(f);
	rlen = first_record(file, len, &rec);
	if (!rlen)
		return 0;
	return fill(rec, rlen, out, size, c);
}
