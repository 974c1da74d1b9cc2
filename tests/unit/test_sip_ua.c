/* The user-agent core against a hand-driven peer on a real UDP socket, with
 * the UA's timers on a fake clock: bad requests get 400/505 and the UA goes
 * on; 481 for unknown dialogs and CANCELs; 420 for unknown Require; 503 with
 * Retry-After at the dialog cap and under an INVITE flood; OPTIONS; INVITE
 * retransmissions absorbed and the 2xx retransmitted until the ACK
 * (§13.3.1.4), BYE when no ACK comes; CSeq order (500); session timer
 * expiry (RFC 4028 §10: BYE with Reason); glare (491 and the retry after the
 * §14.1 wait); CANCEL of a ringing call (200 + 487). */
#include "config.h"

#include "lib/clock.h"
#include "lib/loop.h"
#include "sip/msg.h"
#include "sip/ua.h"
#include "protos.h"
#include "testutil.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

struct fx {
	struct loop *loop;
	struct clock_fake fake;
	struct sip_ua *ua;
	int peer;		/* the raw peer's UDP socket */
	uint16_t peer_port, ua_port;
	/* what the TU saw */
	int incoming, ended, last_end_status, answered;
	char last_why[64];
	struct sip_call *call;
	bool ring_only; /* incoming: 180 and wait (else answer at once) */
	char rx[8192];	/* the last message the peer received */
};

static void tu_incoming(void *arg, struct sip_call *c, const struct sip_msg *m, struct sv body)
{
	struct fx *f = arg;

	(void)m;
	(void)body;
	f->incoming++;
	f->call = c;
	if (f->ring_only)
		sip_call_ring(c, 180, SV_NULL);
	else
		sip_call_answer(c, SV_LIT("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 8\r\n"));
}

static void tu_answered(void *arg, struct sip_call *c, struct sv body)
{
	struct fx *f = arg;

	(void)c;
	(void)body;
	f->answered++;
}

static void tu_ended(void *arg, struct sip_call *c, int status, const char *why)
{
	struct fx *f = arg;

	(void)c;
	f->ended++;
	f->last_end_status = status;
	snprintf(f->last_why, sizeof(f->last_why), "%s", why);
	if (f->call == c)
		f->call = NULL;
}

static const struct sip_ua_ops tu_ops = {
	.incoming = tu_incoming, .answered = tu_answered, .ended = tu_ended};

static struct fx *fx_new(const struct sip_ua_opts *extra)
{
	static struct fx f;
	struct sip_ua_opts o = extra ? *extra : (struct sip_ua_opts){0};
	struct sockaddr_in a = {.sin_family = AF_INET};
	socklen_t len = sizeof(a);
	char err[128];
	enum sip_proto p;
	struct sip_addr la;

	memset(&f, 0, sizeof(f));
	clock_fake_init(&f.fake);
	o.clock = &f.fake.clock;
	assert_int_equal(loop_new(&f.loop), 0);
	assert_int_equal(sip_ua_new(f.loop, &o, &tu_ops, &f, &f.ua), 0);
	assert_int_equal(sip_ua_listen(f.ua, "udp:127.0.0.1:0", err, sizeof(err)), 0);
	assert_int_equal(sip_transport_listener(sip_ua_transport(f.ua), 0, &p, &la), 0);
	f.ua_port = sip_addr_port(&la);
	f.peer = socket(AF_INET, SOCK_DGRAM, 0);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(f.peer, (struct sockaddr *)&a, sizeof(a)), 0);
	getsockname(f.peer, (struct sockaddr *)&a, &len);
	f.peer_port = ntohs(a.sin_port);
	return &f;
}

static void fx_free(struct fx *f)
{
	sip_ua_free(f->ua);
	loop_free(f->loop);
	clock_fake_release(&f->fake);
	close(f->peer);
}

/* Let the UA's loop handle whatever is pending (bounded). */
static void pump(struct fx *f)
{
	for (int i = 0; i < 5; i++)
		loop_run_once(f->loop, 5);
}

/* The peer sends a message; %P in the text is the peer's port, %T the UA's. */
static void peer_send(struct fx *f, const char *text)
{
	char out[4096];
	size_t o = 0;
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(f->ua_port)};

	for (const char *p = text; *p && o < sizeof(out) - 8; p++) {
		if (p[0] == '%' && (p[1] == 'P' || p[1] == 'T')) {
			o += (size_t)snprintf(out + o, sizeof(out) - o, "%u", p[1] == 'P' ? f->peer_port : f->ua_port);
			p++;
		} else {
			out[o++] = *p;
		}
	}
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_true(sendto(f->peer, out, o, 0, (struct sockaddr *)&a, sizeof(a)) == (ssize_t)o);
	pump(f);
}

/* The next message the peer received, parsed into m (views into f->rx);
 * false when none came. */
static bool peer_recv(struct fx *f, struct sip_msg *m)
{
	struct pollfd p = {.fd = f->peer, .events = POLLIN};
	struct sip_parse_error e;
	ssize_t n;

	pump(f);
	if (poll(&p, 1, 20) != 1) /* the UA sends while pump() runs */
		return false;
	n = recv(f->peer, f->rx, sizeof(f->rx) - 1, 0);
	if (n <= 0)
		return false;
	f->rx[n] = '\0';
	if (sip_msg_parse(m, f->rx, (size_t)n, SIP_FRAMING_DATAGRAM, &e) < 0)
		fail_msg("the UA sent a message that does not parse: %s\n%s", e.reason, f->rx);
	return true;
}

static void expect_status(struct fx *f, int status, const char *cseq_method)
{
	struct sip_msg m;

	if (!peer_recv(f, &m))
		fail_msg("no response, expected %d", status);
	if (m.request || m.status != status || !sv_eq_cstr(m.cseq_method, cseq_method))
		fail_msg("expected %d to %s, got:\n%s", status, cseq_method, f->rx);
}

static bool has_hdr(struct fx *f, const char *line)
{
	return strstr(f->rx, line) != NULL;
}

/* The To tag of the last message received, into buf. */
static void to_tag(struct fx *f, char *buf, size_t size)
{
	const char *t = strstr(f->rx, "\r\nTo:"), *tag, *end;

	assert_non_null(t);
	tag = strstr(t, "tag=");
	assert_non_null(tag);
	tag += 4;
	end = tag + strcspn(tag, ";\r\n>");
	snprintf(buf, size, "%.*s", (int)(end - tag), tag);
}

#define INVITE(branch, callid, cseq, extra)                                                   \
	"INVITE sip:9991000@127.0.0.1:%T SIP/2.0\r\n"                                         \
	"Via: SIP/2.0/UDP 127.0.0.1:%P;branch=" branch "\r\n"                                 \
	"Max-Forwards: 70\r\nFrom: <sip:peer@127.0.0.1>;tag=pt1\r\nTo: <sip:9991000@127.0.0.1>\r\n" \
	"Call-ID: " callid "\r\nCSeq: " cseq " INVITE\r\nContact: <sip:peer@127.0.0.1:%P>\r\n" extra \
	"Content-Length: 0\r\n\r\n"

static void bad_requests_answered_and_ua_goes_on(void **state)
{
	struct fx *f = fx_new(NULL);
	struct sip_ua_stats st;

	(void)state;
	/* no Call-ID: 400 naming it, with the sender's Via so it can match */
	peer_send(f, "OPTIONS sip:x@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:%P;branch=z9hG4bKb1\r\n"
		     "From: <sip:a@b>;tag=1\r\nTo: <sip:x@y>\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n");
	{
		/* the answer cannot carry the Call-ID the request lacked: read it raw */
		struct pollfd p = {.fd = f->peer, .events = POLLIN};
		ssize_t n;

		assert_int_equal(poll(&p, 1, 200), 1);
		n = recv(f->peer, f->rx, sizeof(f->rx) - 1, 0);
		assert_true(n > 0);
		f->rx[n] = '\0';
		assert_true(has_hdr(f, "SIP/2.0 400 Bad Request - missing Call-ID\r\n"));
		assert_true(has_hdr(f, "branch=z9hG4bKb1"));
	}
	peer_send(f, "OPTIONS sip:x@127.0.0.1 SIP/7.0\r\nVia: SIP/7.0/UDP 127.0.0.1:%P;branch=z9hG4bKb2\r\n"
		     "From: <sip:a@b>;tag=1\r\nTo: <sip:x@y>\r\nCall-ID: v@x\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n");
	expect_status(f, 505, "OPTIONS");
	/* noise and a bad response: nothing comes back */
	peer_send(f, "\x01\x02garbage\r\n\r\n");
	peer_send(f, "SIP/2.0 200 OK\r\nVia: nonsense\r\n\r\n");
	/* and OPTIONS still works, telling what we do (§11.2) */
	peer_send(f, "OPTIONS sip:x@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:%P;branch=z9hG4bKb3\r\n"
		     "From: <sip:a@b>;tag=1\r\nTo: <sip:x@y>\r\nCall-ID: o@x\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n");
	expect_status(f, 200, "OPTIONS");
	assert_true(has_hdr(f, "Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, PRACK, UPDATE"));
	assert_true(has_hdr(f, "Accept: application/sdp"));
	assert_true(has_hdr(f, "Supported: 100rel, timer, replaces"));
	/* behind a NAT: the Via says 10.9.9.9 and asks for rport (RFC 3581);
	 * the answer names the address and port it really came from */
	peer_send(f, "OPTIONS sip:x@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 10.9.9.9:5060;rport;branch=z9hG4bKb4\r\n"
		     "From: <sip:a@b>;tag=1\r\nTo: <sip:x@y>\r\nCall-ID: nat@x\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n");
	expect_status(f, 200, "OPTIONS");
	{
		char want[128];

		snprintf(want, sizeof(want), "Via: SIP/2.0/UDP 10.9.9.9:5060;rport=%u;branch=z9hG4bKb4;received=127.0.0.1\r\n",
			 f->peer_port);
		if (!has_hdr(f, want))
			fail_msg("want %s in\n%s", want, f->rx);
	}
	sip_ua_stats(f->ua, &st);
	assert_true(st.rx_bad >= 3);
	fx_free(f);
}

static void unknown_dialogs_and_extensions(void **state)
{
	struct fx *f = fx_new(NULL);

	(void)state;
	peer_send(f, "BYE sip:x@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:%P;branch=z9hG4bKu1\r\n"
		     "From: <sip:a@b>;tag=1\r\nTo: <sip:x@y>;tag=nosuch\r\nCall-ID: gone@x\r\nCSeq: 2 BYE\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n");
	expect_status(f, 481, "BYE");
	peer_send(f, "CANCEL sip:x@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:%P;branch=z9hG4bKu2\r\n"
		     "From: <sip:a@b>;tag=1\r\nTo: <sip:x@y>\r\nCall-ID: gone2@x\r\nCSeq: 1 CANCEL\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n");
	expect_status(f, 481, "CANCEL");
	peer_send(f, INVITE("z9hG4bKu3", "ext@x", "1", "Require: 100rel, foo\r\n"));
	expect_status(f, 420, "INVITE");
	assert_true(has_hdr(f, "Unsupported: foo"));
	assert_int_equal(f->incoming, 0);
	peer_send(f, "INVITE tel:+4930123 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:%P;branch=z9hG4bKu4\r\n"
		     "From: <sip:a@b>;tag=1\r\nTo: <sip:x@y>\r\nCall-ID: tel@x\r\nCSeq: 1 INVITE\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n");
	expect_status(f, 100, "INVITE"); /* tel: is a scheme we serve */
	fx_free(f);
}

static void caps_and_flood_get_503(void **state)
{
	struct sip_ua_opts o = {.max_dialogs = 1, .retry_after_s = 7};
	struct fx *f = fx_new(&o);

	(void)state;
	f->ring_only = true;
	peer_send(f, INVITE("z9hG4bKc1", "cap1@x", "1", ""));
	expect_status(f, 100, "INVITE");
	expect_status(f, 180, "INVITE");
	peer_send(f, INVITE("z9hG4bKc2", "cap2@x", "1", ""));
	expect_status(f, 503, "INVITE");
	assert_true(has_hdr(f, "Retry-After: 7"));
	assert_int_equal(f->incoming, 1);
	fx_free(f);

	o = (struct sip_ua_opts){.invite_rate = 1, .invite_burst = 2};
	f = fx_new(&o);
	f->ring_only = true;
	peer_send(f, INVITE("z9hG4bKr1", "r1@x", "1", ""));
	expect_status(f, 100, "INVITE");
	expect_status(f, 180, "INVITE");
	peer_send(f, INVITE("z9hG4bKr2", "r2@x", "1", ""));
	expect_status(f, 100, "INVITE");
	expect_status(f, 180, "INVITE");
	peer_send(f, INVITE("z9hG4bKr3", "r3@x", "1", ""));
	expect_status(f, 503, "INVITE");
	assert_true(has_hdr(f, "Retry-After:"));
	/* a second later a token is back */
	clock_fake_advance_ms(&f->fake, 1000);
	peer_send(f, INVITE("z9hG4bKr4", "r4@x", "1", ""));
	expect_status(f, 100, "INVITE");
	assert_int_equal(f->incoming, 3);
	fx_free(f);
}

static void invite_retransmissions_and_2xx_until_ack(void **state)
{
	struct fx *f = fx_new(NULL);
	struct sip_ua_stats st;
	struct sip_msg m;
	char tag[64], ack[1024];

	(void)state;
	peer_send(f, INVITE("z9hG4bKi1", "rt@x", "5", ""));
	expect_status(f, 100, "INVITE");
	expect_status(f, 200, "INVITE");
	to_tag(f, tag, sizeof(tag));
	assert_int_equal(f->incoming, 1);
	/* the INVITE again: absorbed, the last response sent again, no new call */
	peer_send(f, INVITE("z9hG4bKi1", "rt@x", "5", ""));
	assert_int_equal(f->incoming, 1);
	sip_ua_stats(f->ua, &st);
	assert_int_equal(st.retransmissions_absorbed, 1);
	/* no ACK yet: the 2xx comes again after T1, then 2*T1 */
	while (peer_recv(f, &m))
		;
	clock_fake_advance_ms(&f->fake, 500);
	expect_status(f, 200, "INVITE");
	clock_fake_advance_ms(&f->fake, 1000);
	expect_status(f, 200, "INVITE");
	snprintf(ack, sizeof(ack),
		 "ACK sip:sipgw@127.0.0.1:%%T SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:%%P;branch=z9hG4bKa1\r\n"
		 "From: <sip:peer@127.0.0.1>;tag=pt1\r\nTo: <sip:9991000@127.0.0.1>;tag=%s\r\nCall-ID: rt@x\r\n"
		 "CSeq: 5 ACK\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n", tag);
	peer_send(f, ack);
	assert_int_equal(f->answered, 1);
	clock_fake_advance_ms(&f->fake, 8000);
	assert_false(peer_recv(f, &m)); /* acknowledged: quiet */
	/* a BYE with a lower CSeq than the dialog's is out of order: 500 */
	snprintf(ack, sizeof(ack),
		 "BYE sip:sipgw@127.0.0.1:%%T SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:%%P;branch=z9hG4bKo1\r\n"
		 "From: <sip:peer@127.0.0.1>;tag=pt1\r\nTo: <sip:9991000@127.0.0.1>;tag=%s\r\nCall-ID: rt@x\r\n"
		 "CSeq: 4 BYE\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n", tag);
	peer_send(f, ack);
	expect_status(f, 500, "BYE");
	assert_int_equal(f->ended, 0);
	snprintf(ack, sizeof(ack),
		 "BYE sip:sipgw@127.0.0.1:%%T SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:%%P;branch=z9hG4bKo2\r\n"
		 "From: <sip:peer@127.0.0.1>;tag=pt1\r\nTo: <sip:9991000@127.0.0.1>;tag=%s\r\nCall-ID: rt@x\r\n"
		 "CSeq: 6 BYE\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n", tag);
	peer_send(f, ack);
	expect_status(f, 200, "BYE");
	assert_int_equal(f->ended, 1);
	assert_int_equal(f->last_end_status, 0);
	fx_free(f);
}

static void no_ack_ends_with_bye(void **state)
{
	struct fx *f = fx_new(NULL);
	struct sip_msg m;
	bool bye = false;

	(void)state;
	peer_send(f, INVITE("z9hG4bKn1", "noack@x", "1", ""));
	expect_status(f, 100, "INVITE");
	expect_status(f, 200, "INVITE");
	/* 64*T1 without an ACK: §13.3.1.4 says confirm and end with BYE */
	for (int i = 0; i < 40 && !bye; i++) {
		clock_fake_advance_ms(&f->fake, 1000);
		while (peer_recv(f, &m))
			if (m.request && sv_eq_cstr(m.method, "BYE"))
				bye = true;
	}
	assert_true(bye);
	assert_true(has_hdr(f, "Reason: SIP;cause=408"));
	fx_free(f);
}

static void session_timer_expiry_sends_bye(void **state)
{
	struct sip_ua_opts o = {.st = {.session_expires = 1800, .min_se = 90}};
	struct fx *f = fx_new(&o);
	struct sip_msg m;
	char tag[64], ack[1024];
	bool bye = false;

	(void)state;
	/* the peer wants 90 s and to refresh itself (refresher=uac) */
	peer_send(f, INVITE("z9hG4bKs1", "st@x", "1", "Supported: timer\r\nSession-Expires: 90;refresher=uac\r\n"));
	expect_status(f, 100, "INVITE");
	expect_status(f, 200, "INVITE");
	assert_true(has_hdr(f, "Session-Expires: 90;refresher=uac"));
	assert_true(has_hdr(f, "Require: timer"));
	to_tag(f, tag, sizeof(tag));
	snprintf(ack, sizeof(ack),
		 "ACK sip:sipgw@127.0.0.1:%%T SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:%%P;branch=z9hG4bKsa\r\n"
		 "From: <sip:peer@127.0.0.1>;tag=pt1\r\nTo: <sip:9991000@127.0.0.1>;tag=%s\r\nCall-ID: st@x\r\n"
		 "CSeq: 1 ACK\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n", tag);
	peer_send(f, ack);
	/* it never refreshes: the UA ends the call before 90 s run out */
	for (int i = 0; i < 89 && !bye; i++) {
		clock_fake_advance_ms(&f->fake, 1000);
		while (peer_recv(f, &m))
			if (m.request && sv_eq_cstr(m.method, "BYE"))
				bye = true;
	}
	assert_true(bye);
	assert_true(has_hdr(f, "session timer expired"));
	/* a session interval under our Min-SE is refused with 422 */
	peer_send(f, INVITE("z9hG4bKs2", "st2@x", "1", "Supported: timer\r\nSession-Expires: 30\r\n"));
	expect_status(f, 100, "INVITE");
	expect_status(f, 422, "INVITE");
	assert_true(has_hdr(f, "Min-SE: 90"));
	fx_free(f);
}

/* The UA as refresher (refresher=uas): it refreshes by UPDATE without a
 * body at half the interval (RFC 4028 §7.1, RFC 3311), and while the peer
 * answers them the session lives on past its first interval. */
static void session_refreshed_by_update(void **state)
{
	struct sip_ua_opts o = {.st = {.session_expires = 1800, .min_se = 90}};
	struct fx *f = fx_new(&o);
	struct sip_msg m;
	char tag[64], msg[1024];
	int updates = 0;
	bool bye = false;

	(void)state;
	peer_send(f, INVITE("z9hG4bKup1", "up@x", "1",
			    "Allow: INVITE, ACK, BYE, CANCEL, UPDATE\r\nSupported: timer\r\n"
			    "Session-Expires: 120;refresher=uas\r\n"));
	expect_status(f, 100, "INVITE");
	expect_status(f, 200, "INVITE");
	assert_true(has_hdr(f, "Session-Expires: 120;refresher=uas"));
	to_tag(f, tag, sizeof(tag));
	snprintf(msg, sizeof(msg),
		 "ACK sip:sipgw@127.0.0.1:%%T SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:%%P;branch=z9hG4bKupa\r\n"
		 "From: <sip:peer@127.0.0.1>;tag=pt1\r\nTo: <sip:9991000@127.0.0.1>;tag=%s\r\nCall-ID: up@x\r\n"
		 "CSeq: 1 ACK\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n", tag);
	peer_send(f, msg);
	/* 300 s: the session would have expired twice without refreshes */
	for (int i = 0; i < 300; i++) {
		clock_fake_advance_ms(&f->fake, 1000);
		while (peer_recv(f, &m)) {
			if (m.request && sv_eq_cstr(m.method, "BYE"))
				bye = true;
			if (m.request && sv_eq_cstr(m.method, "UPDATE")) {
				const char *b = strstr(f->rx, "branch="), *cs = strstr(f->rx, "\r\nCSeq:");
				char branch[80];

				assert_int_equal(m.body.len, 0); /* a refresh without an offer */
				assert_non_null(cs);
				snprintf(branch, sizeof(branch), "%.*s", (int)strcspn(b + 7, ";\r\n"), b + 7);
				updates++;
				snprintf(msg, sizeof(msg),
					 "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 127.0.0.1:%%T;branch=%s;rport\r\n"
					 "From: <sip:9991000@127.0.0.1>;tag=%s\r\nTo: <sip:peer@127.0.0.1>;tag=pt1\r\n"
					 "Call-ID: up@x\r\nCSeq: %u UPDATE\r\nSession-Expires: 120;refresher=uac\r\n"
					 "Content-Length: 0\r\n\r\n", branch, tag, m.cseq);
				peer_send(f, msg);
			}
		}
	}
	assert_false(bye);
	assert_true(updates >= 4); /* every 60 s */
	fx_free(f);
}

static void glare_491_and_retry(void **state)
{
	struct fx *f = fx_new(NULL);
	struct sip_msg m;
	char tag[64], msg[1500], branch[80];
	const char *b;
	bool again = false;
	uint32_t cseq;

	(void)state;
	peer_send(f, INVITE("z9hG4bKg1", "gl@x", "1", ""));
	expect_status(f, 100, "INVITE");
	expect_status(f, 200, "INVITE");
	to_tag(f, tag, sizeof(tag));
	snprintf(msg, sizeof(msg),
		 "ACK sip:sipgw@127.0.0.1:%%T SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:%%P;branch=z9hG4bKga\r\n"
		 "From: <sip:peer@127.0.0.1>;tag=pt1\r\nTo: <sip:9991000@127.0.0.1>;tag=%s\r\nCall-ID: gl@x\r\n"
		 "CSeq: 1 ACK\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n", tag);
	peer_send(f, msg);
	assert_non_null(f->call);
	/* both sides send a re-INVITE at once */
	assert_int_equal(sip_call_reinvite(f->call, SV_LIT("v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 8\r\na=sendonly\r\n")), 0);
	assert_true(peer_recv(f, &m));
	assert_true(m.request && sv_eq_cstr(m.method, "INVITE"));
	cseq = m.cseq;
	b = strstr(f->rx, "branch=");
	snprintf(branch, sizeof(branch), "%.*s", (int)strcspn(b + 7, ";\r\n"), b + 7);
	snprintf(msg, sizeof(msg),
		 "INVITE sip:sipgw@127.0.0.1:%%T SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:%%P;branch=z9hG4bKg2\r\n"
		 "From: <sip:peer@127.0.0.1>;tag=pt1\r\nTo: <sip:9991000@127.0.0.1>;tag=%s\r\nCall-ID: gl@x\r\n"
		 "CSeq: 2 INVITE\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n", tag);
	peer_send(f, msg);
	expect_status(f, 491, "INVITE"); /* ours is pending: theirs gets 491 */
	/* and ours gets 491 from them: the UA ACKs it in the transaction */
	snprintf(msg, sizeof(msg),
		 "SIP/2.0 491 Request Pending\r\nVia: SIP/2.0/UDP 127.0.0.1:%%T;branch=%s;rport\r\n"
		 "From: <sip:9991000@127.0.0.1>;tag=%s\r\nTo: <sip:peer@127.0.0.1>;tag=pt1\r\nCall-ID: gl@x\r\n"
		 "CSeq: %u INVITE\r\nContent-Length: 0\r\n\r\n", branch, tag, cseq);
	peer_send(f, msg);
	assert_true(peer_recv(f, &m));
	assert_true(m.request && sv_eq_cstr(m.method, "ACK"));
	assert_true(has_hdr(f, branch)); /* §17.1.1.3: the INVITE's branch */
	/* §14.1: the UA that did not choose the Call-ID waits 0 to 2 s, then
	 * sends its re-INVITE again, with a new CSeq */
	for (int i = 0; i < 25 && !again; i++) {
		clock_fake_advance_ms(&f->fake, 100);
		while (!again && peer_recv(f, &m))
			if (m.request && sv_eq_cstr(m.method, "INVITE") && m.cseq > cseq)
				again = true;
	}
	assert_true(again);
	if (!has_hdr(f, "a=sendonly"))
		fail_msg("the retried re-INVITE lost its offer:\n%s", f->rx);

	fx_free(f);
}

/* Every PROTOS c07-sip case (4527 broken INVITEs) sent to a running UA:
 * it answers what it can, never stops answering, and leaks nothing (the
 * sanitizer build runs this too). */
static void protos_cases_do_not_stop_the_ua(void **state)
{
	struct sip_ua_opts o = {.max_dialogs = 100000, .max_transactions = 100000};
	struct fx *f = fx_new(&o);
	static char msg[65536 * 4];
	struct sockaddr_in a = {.sin_family = AF_INET};
	struct sip_ua_stats st;
	struct sip_msg m;
	int sent = 0;

	(void)state;
	a.sin_port = htons(f->ua_port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	for (int c = 0; c < PROTOS_CASES; c++) {
		size_t n = protos_case(c, msg, sizeof(msg));

		if (!n || n > 65000)
			continue;
		assert_true(sendto(f->peer, msg, n, 0, (struct sockaddr *)&a, sizeof(a)) == (ssize_t)n);
		sent++;
		for (int i = 0; i < 3; i++)
			loop_run_once(f->loop, 0);
		while (recv(f->peer, f->rx, sizeof(f->rx), MSG_DONTWAIT) > 0)
			;
	}
	if (!sent)
		fail_msg("PROTOS cases not found under SGW_TESTDATA");
	for (int i = 0; i < 20; i++)
		loop_run_once(f->loop, 1);
	while (recv(f->peer, f->rx, sizeof(f->rx), MSG_DONTWAIT) > 0)
		;
	sip_ua_stats(f->ua, &st);
	print_message("PROTOS through the UA: %d sent, %" PRIu64 " requests handled, %" PRIu64
		      " refused as malformed, %d calls offered to the TU\n",
		      sent, st.rx_requests, st.rx_bad, f->incoming);
	assert_true(st.rx_requests + st.rx_bad >= (uint64_t)sent * 9 / 10);
	peer_send(f, "OPTIONS sip:x@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:%P;branch=z9hG4bKafter\r\n"
		     "From: <sip:a@b>;tag=1\r\nTo: <sip:x@y>\r\nCall-ID: after@x\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n");
	assert_true(peer_recv(f, &m));
	assert_int_equal(m.status, 200);
	fx_free(f);
}

static void cancel_of_ringing_call(void **state)
{
	struct fx *f = fx_new(NULL);

	(void)state;
	f->ring_only = true;
	peer_send(f, INVITE("z9hG4bKx1", "cx@x", "1", ""));
	expect_status(f, 100, "INVITE");
	expect_status(f, 180, "INVITE");
	peer_send(f, "CANCEL sip:9991000@127.0.0.1:%T SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:%P;branch=z9hG4bKx1\r\n"
		     "From: <sip:peer@127.0.0.1>;tag=pt1\r\nTo: <sip:9991000@127.0.0.1>\r\nCall-ID: cx@x\r\nCSeq: 1 CANCEL\r\n"
		     "Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n");
	expect_status(f, 200, "CANCEL");
	expect_status(f, 487, "INVITE");
	assert_int_equal(f->ended, 1);
	assert_int_equal(f->last_end_status, 487);
	fx_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		SGW_TEST(bad_requests_answered_and_ua_goes_on),
		SGW_TEST(unknown_dialogs_and_extensions),
		SGW_TEST(caps_and_flood_get_503),
		SGW_TEST(invite_retransmissions_and_2xx_until_ack),
		SGW_TEST(no_ack_ends_with_bye),
		SGW_TEST(session_timer_expiry_sends_bye),
		SGW_TEST(session_refreshed_by_update),
		SGW_TEST(glare_491_and_retry),
		SGW_TEST(cancel_of_ringing_call),
		SGW_TEST(protos_cases_do_not_stop_the_ua),
	};
	return cmocka_run_group_tests_name("sip/ua", tests, NULL, NULL);
}
