/* The PROTOS c07-sip robustness suite (4527 INVITEs, each broken in one
 * field): every case, placeholders filled in, goes through the parser as a
 * datagram and as a stream, and whatever parses is printed and parsed back
 * to the same fields.  What must never happen is a crash or a memory error
 * (the sanitizer build runs this too); the verdicts are counted per case. */
#include "config.h"

#include "sip/build.h"
#include "sip/msg.h"
#include "protos.h"
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CASES PROTOS_CASES

static void all_cases_survive(void **state)
{
	static char msg[65536 * 4], printed[65536 * 4];
	int valid = 0, invalid = 0, missing = 0;

	for (int c = 0; c < CASES; c++) {
		size_t mlen = protos_case(c, msg, sizeof(msg));
		struct sip_msg m, m2;
		struct sip_parse_error e;

		if (!mlen) {
			missing++;
			continue;
		}
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
