/* The PROTOS c07-sip robustness suite (4527 INVITEs, each broken in one
 * field): every case, placeholders filled in, goes through the parser as a
 * datagram and as a stream, and whatever parses is printed and parsed back
 * to the same fields.  What must never happen is a crash or a memory error
 * (the sanitizer build runs this too); the verdicts are counted per case. */
#include "config.h"

#include "sip/build.h"
#include "sip/msg.h"
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CASES 4527

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
} fills[] = {
	{"<To>", "0123456789@127.0.0.1"}, {"<From>", "tester@127.0.0.1"},
	{"<From-Address>", "127.0.0.1"},   {"<From-IP>", "127.0.0.1"},
	{"<Local-Port>", "5071"},	      {"<Branch-ID>", "z9hG4bKprotos"},
	{"<Call-ID>", "protos-case"},	      {"<CSeq>", "1"},
	{"<Teardown-Method>", "CANCEL"},
};

/* Fill the placeholders; <Content-Length> becomes the body's real length. */
static size_t fill(const char *in, size_t len, char *out, size_t size)
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

static void all_cases_survive(void **state)
{
	const char *data = getenv("SGW_TESTDATA");
	static char file[65536 * 4], msg[65536 * 4], printed[65536 * 4];
	int valid = 0, invalid = 0, missing = 0;

	for (int c = 0; c < CASES; c++) {
		char path[1024];
		FILE *f;
		size_t len, rlen, mlen;
		const char *rec;
		struct sip_msg m, m2;
		struct sip_parse_error e;

		snprintf(path, sizeof(path), "%s/sip/protos-sip/cases/%07d",
			 data ? data : "../shared/testdata", c);
		f = fopen(path, "rb");
		if (!f) {
			missing++;
			continue;
		}
		len = fread(file, 1, sizeof(file), f);
		fclose(f);
		rlen = first_record(file, len, &rec);
		assert_true(rlen > 0);
		mlen = fill(rec, rlen, msg, sizeof(msg));
		if (sip_msg_parse(&m, msg, mlen, SIP_FRAMING_DATAGRAM, &e) == 0) {
			int n = sip_msg_print(&m, printed, sizeof(printed));

			valid++;
			assert_true(n > 0);
			if (sip_msg_parse(&m2, printed, (size_t)n, SIP_FRAMING_STREAM, &e) != 0)
				fail_msg("case %d parsed, printed, and no longer parses: %s", c, e.reason);
			assert_true(sv_eq(m.call_id, m2.call_id) && m.cseq == m2.cseq);
		} else {
			invalid++;
			assert_true(e.status == 400 || e.status == 505);
		}
		(void)sip_msg_frame(msg, mlen);
	}
	if (missing == CASES)
		fail_msg("PROTOS cases not found under SGW_TESTDATA");
	assert_int_equal(missing, 0);
	print_message("PROTOS c07-sip: %d cases parsed, %d refused with 400/505\n", valid, invalid);
}

int main(void)
{
	const struct CMUnitTest tests[] = {SGW_TEST(all_cases_survive)};

	return cmocka_run_group_tests_name("sip/protos", tests, NULL, NULL);
}
