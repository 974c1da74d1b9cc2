/* SIP transactions on a fake clock: every timer path of the four state
 * machines (RFC 3261 §17, RFC 6026) over UDP and over a reliable transport,
 * written as a transition log and compared with the reviewed golden file
 * tests/unit/golden/sip_tsx.ok (SGW_GOLDEN_UPDATE=1 rewrites it). */
#include "config.h"

#include "lib/buf.h"
#include "lib/clock.h"
#include "sip/tsx.h"
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct clock_fake fc;
static struct buf log_text;
static struct sip_tsx tsx;
static bool fail_sends, terminated;

static void logf_(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void logf_(const char *fmt, ...)
{
	char line[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	buf_printf(&log_text, "%7.3f %s\n", (double)(fc.now - 1000000000ull) / 1e9, line);
}

static int on_send(void *arg, const char *b, size_t len)
{
	const char *nl = memchr(b, '\r', len);

	logf_("  send %.*s", (int)(nl ? nl - b : (int)len), b);
	return fail_sends ? -1 : 0;
}

static void on_response(void *arg, int status)
{
	logf_("  TU gets %d", status);
}

static void on_ack(void *arg)
{
	logf_("  TU gets ACK");
}

static void on_timeout(void *arg, char timer)
{
	logf_("  TU told: Timer %c fired", timer);
}

static void on_transport_error(void *arg)
{
	logf_("  TU told: transport error");
}

static void on_terminated(void *arg)
{
	logf_("  terminated");
	terminated = true;
}

static void on_trace(void *arg, const char *line)
{
	logf_("%s", line);
}

static const struct sip_tsx_ops ops = {on_send, on_response, on_ack, on_timeout,
				       on_transport_error, on_terminated, on_trace};

static void scenario(const char *title, enum sip_tsx_kind kind, bool reliable)
{
	clock_fake_init(&fc);
	buf_printf(&log_text, "\n== %s\n", title);
	sip_tsx_init(&tsx, kind, reliable, &fc.clock, NULL, &ops, NULL);
	terminated = false;
	fail_sends = false;
}

static void end_scenario(void)
{
	sip_tsx_release(&tsx);
	clock_fake_release(&fc);
}

#define INVITE "INVITE sip:bob@example.com SIP/2.0\r\n"
#define OPTIONS "OPTIONS sip:bob@example.com SIP/2.0\r\n"
#define ACK "ACK sip:bob@example.com SIP/2.0\r\n"
#define R(code) "SIP/2.0 " code "\r\n"
#define S(x) x, sizeof(x) - 1

static void run_all(void)
{
	scenario("ICT, UDP: no answer: Timer A doubles, Timer B times out", SIP_TSX_ICT, false);
	sip_tsx_client_start(&tsx, S(INVITE));
	clock_fake_advance_ms(&fc, 40000);
	end_scenario();

	scenario("ICT, UDP: 180 then 486: ACK, retransmitted 486 absorbed, Timer D", SIP_TSX_ICT, false);
	sip_tsx_client_start(&tsx, S(INVITE));
	clock_fake_advance_ms(&fc, 700);
	sip_tsx_client_response(&tsx, 180, NULL, 0);
	clock_fake_advance_ms(&fc, 5000);
	sip_tsx_client_response(&tsx, 486, S(ACK));
	clock_fake_advance_ms(&fc, 1000);
	sip_tsx_client_response(&tsx, 486, S(ACK));
	sip_tsx_client_response(&tsx, 180, NULL, 0);
	clock_fake_advance_ms(&fc, 32000);
	end_scenario();

	scenario("ICT, UDP: 200: Accepted, 2xx retransmissions go up, Timer M", SIP_TSX_ICT, false);
	sip_tsx_client_start(&tsx, S(INVITE));
	clock_fake_advance_ms(&fc, 100);
	sip_tsx_client_response(&tsx, 200, NULL, 0);
	clock_fake_advance_ms(&fc, 500);
	sip_tsx_client_response(&tsx, 200, NULL, 0);
	clock_fake_advance_ms(&fc, 32000);
	end_scenario();

	scenario("ICT, TCP: no retransmissions; 603: Timer D is zero", SIP_TSX_ICT, true);
	sip_tsx_client_start(&tsx, S(INVITE));
	clock_fake_advance_ms(&fc, 3000);
	sip_tsx_client_response(&tsx, 603, S(ACK));
	clock_fake_advance_ms(&fc, 0);
	end_scenario();

	scenario("ICT, TCP: no answer at all: Timer B", SIP_TSX_ICT, true);
	sip_tsx_client_start(&tsx, S(INVITE));
	clock_fake_advance_ms(&fc, 33000);
	end_scenario();

	scenario("NICT, UDP: no answer: Timer E doubles to T2, Timer F", SIP_TSX_NICT, false);
	sip_tsx_client_start(&tsx, S(OPTIONS));
	clock_fake_advance_ms(&fc, 33000);
	end_scenario();

	scenario("NICT, UDP: 100 then 200: E at T2 in Proceeding, Timer K", SIP_TSX_NICT, false);
	sip_tsx_client_start(&tsx, S(OPTIONS));
	clock_fake_advance_ms(&fc, 200);
	sip_tsx_client_response(&tsx, 100, NULL, 0);
	clock_fake_advance_ms(&fc, 9000);
	sip_tsx_client_response(&tsx, 200, NULL, 0);
	clock_fake_advance_ms(&fc, 1000);
	sip_tsx_client_response(&tsx, 200, NULL, 0);
	clock_fake_advance_ms(&fc, 5000);
	end_scenario();

	scenario("NICT, TLS: 404: Timer K is zero", SIP_TSX_NICT, true);
	sip_tsx_client_start(&tsx, S(OPTIONS));
	sip_tsx_client_response(&tsx, 404, NULL, 0);
	clock_fake_advance_ms(&fc, 0);
	end_scenario();

	scenario("IST, UDP: 100, retransmitted INVITE, 486: Timer G, ACK, Timer I", SIP_TSX_IST, false);
	sip_tsx_server_start(&tsx, S(R("100 Trying")));
	clock_fake_advance_ms(&fc, 500);
	sip_tsx_server_request(&tsx);
	sip_tsx_server_respond(&tsx, 180, S(R("180 Ringing")));
	sip_tsx_server_request(&tsx);
	clock_fake_advance_ms(&fc, 2000);
	sip_tsx_server_respond(&tsx, 486, S(R("486 Busy Here")));
	clock_fake_advance_ms(&fc, 12000);
	sip_tsx_server_request(&tsx);
	sip_tsx_server_ack(&tsx);
	sip_tsx_server_ack(&tsx);
	sip_tsx_server_respond(&tsx, 180, S(R("180 Ringing")));
	clock_fake_advance_ms(&fc, 6000);
	end_scenario();

	scenario("IST, UDP: final response, no ACK ever: Timer H", SIP_TSX_IST, false);
	sip_tsx_server_start(&tsx, S(R("100 Trying")));
	sip_tsx_server_respond(&tsx, 500, S(R("500 Server Internal Error")));
	clock_fake_advance_ms(&fc, 40000);
	end_scenario();

	scenario("IST, UDP: 200: Accepted absorbs INVITEs, passes ACK up, Timer L", SIP_TSX_IST, false);
	sip_tsx_server_start(&tsx, S(R("100 Trying")));
	sip_tsx_server_respond(&tsx, 200, S(R("200 OK")));
	clock_fake_advance_ms(&fc, 500);
	sip_tsx_server_request(&tsx);
	sip_tsx_server_respond(&tsx, 200, S(R("200 OK")));
	sip_tsx_server_ack(&tsx);
	clock_fake_advance_ms(&fc, 32000);
	end_scenario();

	scenario("IST, TCP: 486 and ACK: no Timer G, Timer I is zero", SIP_TSX_IST, true);
	sip_tsx_server_start(&tsx, NULL, 0);
	sip_tsx_server_respond(&tsx, 486, S(R("486 Busy Here")));
	clock_fake_advance_ms(&fc, 2000);
	sip_tsx_server_ack(&tsx);
	clock_fake_advance_ms(&fc, 0);
	end_scenario();

	scenario("NIST, UDP: retransmission in Trying ignored, 200, resent on retransmission, Timer J",
		 SIP_TSX_NIST, false);
	sip_tsx_server_start(&tsx, NULL, 0);
	sip_tsx_server_request(&tsx);
	sip_tsx_server_respond(&tsx, 100, S(R("100 Trying")));
	sip_tsx_server_request(&tsx);
	sip_tsx_server_respond(&tsx, 200, S(R("200 OK")));
	clock_fake_advance_ms(&fc, 1000);
	sip_tsx_server_request(&tsx);
	clock_fake_advance_ms(&fc, 32000);
	end_scenario();

	scenario("NIST, TCP: Timer J is zero", SIP_TSX_NIST, true);
	sip_tsx_server_start(&tsx, NULL, 0);
	sip_tsx_server_respond(&tsx, 200, S(R("200 OK")));
	clock_fake_advance_ms(&fc, 0);
	end_scenario();

	scenario("ICT, UDP: the transport fails on the retransmission", SIP_TSX_ICT, false);
	sip_tsx_client_start(&tsx, S(INVITE));
	fail_sends = true;
	clock_fake_advance_ms(&fc, 600);
	end_scenario();

	scenario("NIST: events the table does not permit are refused", SIP_TSX_NIST, false);
	sip_tsx_server_ack(&tsx);
	sip_tsx_server_start(&tsx, NULL, 0);
	sip_tsx_server_respond(&tsx, 404, S(R("404 Not Found")));
	sip_tsx_server_respond(&tsx, 180, S(R("180 Ringing")));
	sip_tsx_server_ack(&tsx);
	clock_fake_advance_ms(&fc, 40000);
	end_scenario();
}

static void transitions_match_golden(void **state)
{
	log_text = BUF_INIT;
	run_all();
	sgw_golden_check("sip_tsx.ok", log_text.p);
	buf_release(&log_text);
}

/* Every row of the table is reached by the scenarios above: count the
 * distinct "X --ev--> Y" lines. */
static void every_timer_named_in_log(void **state)
{
	static const char *const timers[] = {" A--", " B--", " D--", " E--", " F--", " G--",
					     " H--", " I--", " J--", " K--", " L--", " M--"};

	log_text = BUF_INIT;
	run_all();
	for (size_t i = 0; i < sizeof(timers) / sizeof(timers[0]); i++) {
		if (!strstr(log_text.p, timers[i]))
			fail_msg("no transition on Timer%.2s", timers[i]);
	}
	buf_release(&log_text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		SGW_TEST(transitions_match_golden),
		SGW_TEST(every_timer_named_in_log),
	};
	return cmocka_run_group_tests_name("sip/tsx", tests, NULL, NULL);
}
