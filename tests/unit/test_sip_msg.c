/* SIP message parsing: a typical INVITE read field by field, compact forms,
 * folding, datagram vs stream bodies, the stream framer fed byte by byte,
 * and the faults answered with the status RFC 4475 §3.1 asks for. */
#include "config.h"

#include "sip/build.h"
#include "sip/msg.h"
#include "testutil.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <dirent.h>
#include <string.h>

static const char invite[] =
	"INVITE sip:+4930123456@gw.example.com;user=phone SIP/2.0\r\n"
	"Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK74bf9;rport\r\n"
	"Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKnashds8\r\n"
	"Max-Forwards: 70\r\n"
	"From: \"Alice\" <sip:201@pbx.example.com>;tag=9fxced76sl\r\n"
	"To: <sip:+4930123456@gw.example.com;user=phone>\r\n"
	"Call-ID: 3848276298220188511@pbx.example.com\r\n"
	"CSeq: 314159 INVITE\r\n"
	"Contact: <sip:201@192.0.2.10:5060>\r\n"
	"Content-Type: application/sdp\r\n"
	"X-Custom: keep me\r\n"
	"Content-Length: 17\r\n"
	"\r\n"
	"v=0\r\no=- 1 1 IN\r\n";

static int parse(const char *text, enum sip_framing f, struct sip_msg *m, struct sip_parse_error *e)
{
	return sip_msg_parse(m, text, strlen(text), f, e);
}

static void typical_invite(void **state)
{
	struct sip_msg m;
	struct sip_parse_error e;
	const struct sip_hdr *h;

	assert_int_equal(parse(invite, SIP_FRAMING_STREAM, &m, &e), 0);
	assert_true(m.request);
	assert_true(sv_eq_cstr(m.method, "INVITE"));
	assert_true(sv_eq_cstr(m.uri, "sip:+4930123456@gw.example.com;user=phone"));
	assert_true(sv_eq_cstr(m.call_id, "3848276298220188511@pbx.example.com"));
	assert_int_equal(m.cseq, 314159);
	assert_true(sv_eq_cstr(m.cseq_method, "INVITE"));
	assert_int_equal(m.max_forwards, 70);
	assert_int_equal(m.content_length, 17);
	assert_true(sv_eq_cstr(m.body, "v=0\r\no=- 1 1 IN\r\n"));
	h = sip_msg_hdr_find(&m, SIP_HDR_VIA, NULL);
	assert_true(sv_eq_cstr(h->value, "SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK74bf9;rport"));
	h = sip_msg_hdr_find(&m, SIP_HDR_VIA, h);
	assert_true(sv_eq_cstr(h->value, "SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKnashds8"));
	assert_null(sip_msg_hdr_find(&m, SIP_HDR_VIA, h));
	h = sip_msg_hdr_by_name(&m, SV_LIT("x-custom"), NULL);
	assert_non_null(h);
	assert_true(sv_eq_cstr(h->value, "keep me"));
	/* views into the buffer, not copies */
	assert_true(m.call_id.p > invite && m.call_id.p < invite + sizeof(invite));
}

static void compact_forms_and_folding(void **state)
{
	static const char text[] = "OPTIONS sip:gw.example.com SIP/2.0\r\n"
				   "v: SIP/2.0/TCP 192.0.2.3;branch=z9hG4bKx\r\n"
				   "f: <sip:a@b>;tag=1\r\n"
				   "t: <sip:gw.example.com>\r\n"
				   "i: folded-call-id\r\n"
				   "CSeq: 2\r\n"
				   "  OPTIONS\r\n"
				   "Subject: first part,\r\n"
				   "\tsecond part\r\n"
				   "l: 0\r\n"
				   "\r\n";
	struct sip_msg m;
	struct sip_parse_error e;
	const struct sip_hdr *h;

	assert_int_equal(parse(text, SIP_FRAMING_DATAGRAM, &m, &e), 0);
	assert_true(sv_eq_cstr(m.call_id, "folded-call-id"));
	assert_int_equal(m.cseq, 2); /* the method on a continuation line */
	assert_true(sv_eq_cstr(m.cseq_method, "OPTIONS"));
	h = sip_msg_hdr_find(&m, SIP_HDR_SUBJECT, NULL);
	assert_true(sv_eq_cstr(h->value, "first part,\r\n\tsecond part"));
	assert_int_equal(sip_msg_hdr_find(&m, SIP_HDR_VIA, NULL)->id, SIP_HDR_VIA);
	assert_string_equal(sip_hdr_canonical_name(SIP_HDR_CALL_ID), "Call-ID");
}

static void datagram_bodies(void **state)
{
	static const char base[] = "MESSAGE sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\n"
				   "From: <sip:c@d>;tag=1\r\nTo: <sip:a@b>\r\nCall-ID: x\r\n"
				   "CSeq: 1 MESSAGE\r\n";
	char text[512];
	struct sip_msg m;
	struct sip_parse_error e;

	/* no Content-Length over UDP: the rest of the datagram */
	snprintf(text, sizeof(text), "%s\r\nhello", base);
	assert_int_equal(parse(text, SIP_FRAMING_DATAGRAM, &m, &e), 0);
	assert_true(sv_eq_cstr(m.body, "hello"));
	/* on a stream it is required */
	assert_int_equal(parse(text, SIP_FRAMING_STREAM, &m, &e), -EBADMSG);
	assert_int_equal(e.status, 400);
	/* shorter than the datagram: the extra bytes are ignored (§18.3) */
	snprintf(text, sizeof(text), "%sContent-Length: 3\r\n\r\nhello", base);
	assert_int_equal(parse(text, SIP_FRAMING_DATAGRAM, &m, &e), 0);
	assert_true(sv_eq_cstr(m.body, "hel"));
	/* longer: refused */
	snprintf(text, sizeof(text), "%sContent-Length: 30\r\n\r\nhello", base);
	assert_int_equal(parse(text, SIP_FRAMING_DATAGRAM, &m, &e), -EBADMSG);
	assert_string_equal(e.reason, "Bad Request - Content-Length larger than the message body");
}

static void faults_get_their_answers(void **state)
{
	static const struct {
		const char *text;
		int status;
		const char *reason;
	} cases[] = {
		{"INVITE sip:a@b SIP/3.0\r\n\r\n", 505, "Version Not Supported"},
		{"INVITE  sip:a@b SIP/2.0\r\n\r\n", 400, "Bad Request - malformed Request-URI"},
		{"INVITE sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h\r\nFrom: <sip:c@d>\r\nTo: <sip:a@b>\r\n"
		 "CSeq: 1 INVITE\r\n\r\n",
		 400, "Bad Request - missing Call-ID"},
		{"INVITE sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h\r\nFrom: <sip:c@d>\r\nTo: <sip:a@b>\r\n"
		 "Call-ID: x\r\nCSeq: 1 BYE\r\n\r\n",
		 400, "Bad Request - CSeq method does not match request method"},
		{"INVITE sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h\r\nFrom: <sip:c@d>\r\nTo: <sip:a@b>\r\n"
		 "Call-ID: x\r\nCall-ID: y\r\nCSeq: 1 INVITE\r\n\r\n",
		 400, "Bad Request - more than one Call-ID"},
		{"INVITE sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h\r\nFrom: <sip:c@d>\r\nTo: <sip:a@b>\r\n"
		 "Call-ID: x\r\nCSeq: 99999999999 INVITE\r\n\r\n",
		 400, "Bad Request - Invalid CSeq number"},
		{"INVITE sip:a@b SIP/2.0\r\nThis is not a header\r\n\r\n", 400,
		 "Bad Request - header line without a colon"},
		{"INV(TE sip:a@b SIP/2.0\r\n\r\n", 400, "Bad Request - method is not a token"},
		{"SIP/2.0 9999 Big\r\n\r\n", 400, "Bad Request - malformed status line"},
		{"INVITE sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h\r\n", 400,
		 "Bad Request - headers not ended by an empty line"},
	};
	struct sip_msg m;
	struct sip_parse_error e;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(parse(cases[i].text, SIP_FRAMING_DATAGRAM, &m, &e), -EBADMSG);
		assert_int_equal(e.status, cases[i].status);
		assert_string_equal(e.reason, cases[i].reason);
	}
}

static void stream_framer(void **state)
{
	char two[2048];
	size_t n1 = strlen(invite);

	snprintf(two, sizeof(two), "%s%s", invite, invite);
	/* every prefix shorter than the message: need more */
	for (size_t i = 0; i < n1; i++)
		assert_int_equal(sip_msg_frame(two, i), 0);
	assert_int_equal(sip_msg_frame(two, n1), (ssize_t)n1);
	assert_int_equal(sip_msg_frame(two, 2 * n1), (ssize_t)n1);
	assert_int_equal(sip_msg_frame(two + n1, n1), (ssize_t)n1);
	/* no Content-Length on a stream: not SIP for us */
	assert_int_equal(sip_msg_frame("OPTIONS sip:a SIP/2.0\r\nTo: x\r\n\r\n", 33), -EINVAL);
	assert_int_equal(sip_msg_frame("OPTIONS sip:a SIP/2.0\r\nl: 1x\r\n\r\n", 33), -EINVAL);
}

/* v with folding (CRLF + WSP runs) turned into single spaces */
static void unfold(struct sv v, char *out, size_t size)
{
	size_t n = 0;

	for (size_t i = 0; i < v.len && n + 1 < size; i++) {
		if (v.p[i] == '\r' || v.p[i] == '\n') {
			while (i + 1 < v.len && strchr("\r\n \t", v.p[i + 1]))
				i++;
			out[n++] = ' ';
		} else {
			out[n++] = v.p[i];
		}
	}
	out[n] = '\0';
}

/* parse -> print -> parse gives the same fields */
static void round_trip(const char *text, size_t len)
{
	static char out[70000];
	struct sip_msg a, b;
	struct sip_parse_error e;
	size_t j = 0;
	int n;

	assert_int_equal(sip_msg_parse(&a, text, len, SIP_FRAMING_DATAGRAM, &e), 0);
	n = sip_msg_print(&a, out, sizeof(out));
	assert_true(n > 0);
	if (sip_msg_parse(&b, out, (size_t)n, SIP_FRAMING_STREAM, &e) != 0)
		fail_msg("printed message does not parse back: %s\n%.*s", e.reason, n, out);
	assert_int_equal(a.request, b.request);
	assert_true(sv_eq(a.method, b.method) && sv_eq(a.uri, b.uri) && a.status == b.status);
	assert_true(sv_eq(a.call_id, b.call_id));
	assert_int_equal(a.cseq, b.cseq);
	assert_int_equal(a.max_forwards, b.max_forwards);
	assert_true(sv_eq(a.body, b.body));
	for (size_t i = 0; i < a.nhdrs; i++) {
		char x[4096], y[4096];

		if (a.hdrs[i].id == SIP_HDR_CONTENT_LENGTH || a.hdrs[i].id == SIP_HDR_CONTENT_TYPE)
			continue;
		while (j < b.nhdrs && (b.hdrs[j].id == SIP_HDR_CONTENT_LENGTH ||
				       b.hdrs[j].id == SIP_HDR_CONTENT_TYPE))
			j++;
		assert_true(j < b.nhdrs);
		assert_int_equal(a.hdrs[i].id, b.hdrs[j].id);
		unfold(a.hdrs[i].value, x, sizeof(x));
		unfold(b.hdrs[j].value, y, sizeof(y));
		assert_string_equal(x, y);
		j++;
	}
}

static void print_round_trips(void **state)
{
	static const char folded[] = "OPTIONS sip:gw.example.com SIP/2.0\r\n"
				     "v: SIP/2.0/TCP 192.0.2.3;branch=z9hG4bKx\r\n"
				     "f: <sip:a@b>;tag=1\r\nt: <sip:gw.example.com>\r\ni: fc\r\n"
				     "CSeq: 2\r\n  OPTIONS\r\nX-Odd:   spaced ;;,, value\r\n"
				     "Subject: first,\r\n\tsecond\r\nl: 0\r\n\r\n";

	round_trip(invite, strlen(invite));
	round_trip(folded, strlen(folded));
}

/* Every message of RFC 4475 that parses, prints and parses back the same. */
static void rfc4475_messages_round_trip(void **state)
{
	const char *data = getenv("SGW_TESTDATA");
	char dir[1024], path[1300];
	static char buf[70000];
	DIR *d;
	struct dirent *de;
	int done = 0;

	snprintf(dir, sizeof(dir), "%s/sip/rfc4475", data ? data : "../shared/testdata");
	d = opendir(dir);
	if (!d)
		fail_msg("RFC 4475 messages not found in %s (set SGW_TESTDATA)", dir);
	while ((de = readdir(d))) {
		FILE *f;
		size_t n;
		struct sip_msg m;
		struct sip_parse_error e;

		if (!strstr(de->d_name, ".dat"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		f = fopen(path, "rb");
		n = fread(buf, 1, sizeof(buf), f);
		fclose(f);
		if (sip_msg_parse(&m, buf, n, SIP_FRAMING_DATAGRAM, &e) != 0)
			continue;
		round_trip(buf, n);
		done++;
	}
	closedir(d);
	assert_true(done >= 25);
}

static void response_to_a_request(void **state)
{
	struct sip_msg req, resp;
	struct sip_parse_error e;
	struct sip_build b;
	char out[2048];
	int n;
	const struct sip_hdr *h;

	assert_int_equal(parse(invite, SIP_FRAMING_STREAM, &req, &e), 0);
	sip_build_init(&b, out, sizeof(out));
	sip_build_response(&b, &req, 486, "Busy Here", "gw-7f3a");
	sip_build_hdr(&b, "Reason", SV_LIT("Q.850;cause=17;text=\"user busy\""));
	n = sip_build_finish(&b, NULL, SV_NULL);
	assert_true(n > 0);
	assert_int_equal(sip_msg_parse(&resp, out, (size_t)n, SIP_FRAMING_STREAM, &e), 0);
	assert_false(resp.request);
	assert_int_equal(resp.status, 486);
	assert_true(sv_eq(resp.call_id, req.call_id));
	assert_int_equal(resp.cseq, 314159);
	h = sip_msg_hdr_find(&resp, SIP_HDR_VIA, NULL);
	assert_non_null(sip_msg_hdr_find(&resp, SIP_HDR_VIA, h)); /* both Vias, in order */
	assert_true(sv_eq_cstr(h->value, "SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK74bf9;rport"));
	h = sip_msg_hdr_find(&resp, SIP_HDR_TO, NULL);
	assert_true(sv_eq_cstr(h->value, "<sip:+4930123456@gw.example.com;user=phone>;tag=gw-7f3a"));
	assert_int_equal(resp.content_length, 0);
	/* too small a buffer: reported, nothing half-written returned */
	sip_build_init(&b, out, 40);
	sip_build_response(&b, &req, 486, "Busy Here", "x");
	assert_int_equal(sip_build_finish(&b, NULL, SV_NULL), -ENOSPC);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		SGW_TEST(typical_invite),
		SGW_TEST(compact_forms_and_folding),
		SGW_TEST(datagram_bodies),
		SGW_TEST(faults_get_their_answers),
		SGW_TEST(stream_framer),
		SGW_TEST(print_round_trips),
		SGW_TEST(rfc4475_messages_round_trip),
		SGW_TEST(response_to_a_request),
	};
	return cmocka_run_group_tests_name("sip/msg", tests, NULL, NULL);
}
