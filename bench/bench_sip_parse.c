/* bench_sip_parse: SIP message parsing on one core.
 *   sip.parse.invite   parses per second of a typical INVITE with SDP (~900 bytes)
 *   sip.parse.200      parses per second of a typical 200 OK with SDP
 *   sip.roundtrip.invite  parse + serialise per second of the same INVITE
 *   sip.frame.invite   stream framings per second of the same INVITE
 * Each runs for about one CPU second (bounded by a count). */
#include "config.h"

#include "sip/build.h"
#include "sip/msg.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static const char invite[] =
	"INVITE sip:+4930123456@gw.example.com;user=phone SIP/2.0\r\n"
	"Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK74bf9;rport\r\n"
	"Max-Forwards: 70\r\n"
	"From: \"Alice Example\" <sip:201@pbx.example.com>;tag=9fxced76sl\r\n"
	"To: <sip:+4930123456@gw.example.com;user=phone>\r\n"
	"Call-ID: 3848276298220188511@pbx.example.com\r\n"
	"CSeq: 314159 INVITE\r\n"
	"Contact: <sip:201@192.0.2.10:5060;transport=udp>\r\n"
	"Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, PRACK, UPDATE, INFO, REFER, NOTIFY\r\n"
	"Supported: 100rel, timer, replaces\r\n"
	"Session-Expires: 1800;refresher=uac\r\n"
	"Min-SE: 90\r\n"
	"P-Asserted-Identity: \"Alice Example\" <sip:+4930111201@pbx.example.com>\r\n"
	"User-Agent: ExamplePBX/4.2\r\n"
	"Content-Type: application/sdp\r\n"
	"Content-Length: 255\r\n"
	"\r\n"
	"v=0\r\n"
	"o=- 8742 8742 IN IP4 192.0.2.10\r\n"
	"s=-\r\n"
	"c=IN IP4 192.0.2.10\r\n"
	"t=0 0\r\n"
	"m=audio 40000 RTP/AVP 8 0 18 101\r\n"
	"a=rtpmap:8 PCMA/8000\r\n"
	"a=rtpmap:0 PCMU/8000\r\n"
	"a=rtpmap:18 G729/8000\r\n"
	"a=fmtp:18 annexb=no\r\n"
	"a=rtpmap:101 telephone-event/8000\r\n"
	"a=fmtp:101 0-16\r\n"
	"a=ptime:20\r\n"
	"a=sendrecv\r\n";

static const char ok200[] = "SIP/2.0 200 OK\r\n"
			    "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK74bf9;rport=5060;received=192.0.2.10\r\n"
			    "From: \"Alice Example\" <sip:201@pbx.example.com>;tag=9fxced76sl\r\n"
			    "To: <sip:+4930123456@gw.example.com;user=phone>;tag=gw-1f3a\r\n"
			    "Call-ID: 3848276298220188511@pbx.example.com\r\n"
			    "CSeq: 314159 INVITE\r\n"
			    "Contact: <sip:gw@198.51.100.5:5060>\r\n"
			    "Supported: 100rel, timer\r\n"
			    "Session-Expires: 1800;refresher=uac\r\n"
			    "Require: timer\r\n"
			    "Server: sipgw\r\n"
			    "Content-Type: application/sdp\r\n"
			    "Content-Length: 170\r\n"
			    "\r\n"
			    "v=0\r\n"
			    "o=sipgw 1 1 IN IP4 198.51.100.5\r\n"
			    "s=sipgw\r\n"
			    "c=IN IP4 198.51.100.5\r\n"
			    "t=0 0\r\n"
			    "m=audio 30000 RTP/AVP 8 101\r\n"
			    "a=rtpmap:8 PCMA/8000\r\n"
			    "a=rtpmap:101 telephone-event/8000\r\n"
			    "a=fmtp:101 0-15\r\n";

static double cpu_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double rate(const char *msg, size_t len, int frame)
{
	static char out[4096];
	struct sip_msg m;
	struct sip_parse_error e;
	long n = 0;
	double t0 = cpu_s(), t;
	volatile long sink = 0;

	do {
		for (int i = 0; i < 10000; i++) {
			if (frame == 1)
				sink += sip_msg_frame(msg, len);
			else if (frame == 2 &&
				 sip_msg_parse(&m, msg, len, SIP_FRAMING_DATAGRAM, &e) == 0)
				sink += sip_msg_print(&m, out, sizeof(out));
			else if (sip_msg_parse(&m, msg, len, SIP_FRAMING_DATAGRAM, &e) == 0)
				sink += (long)m.nhdrs;
		}
		n += 10000;
		t = cpu_s() - t0;
	} while (t < 1.0 && n < 50000000);
	(void)sink;
	return (double)n / t;
}

int main(void)
{
	struct sip_msg m;
	struct sip_parse_error e;

	if (sip_msg_parse(&m, invite, sizeof(invite) - 1, SIP_FRAMING_STREAM, &e) ||
	    sip_msg_parse(&m, ok200, sizeof(ok200) - 1, SIP_FRAMING_STREAM, &e)) {
		fprintf(stderr, "bench_sip_parse: sample does not parse: %s\n", e.reason);
		return 1;
	}
	printf("sip.parse.invite: %.0f msg/s\n", rate(invite, sizeof(invite) - 1, 0));
	printf("sip.parse.200: %.0f msg/s\n", rate(ok200, sizeof(ok200) - 1, 0));
	printf("sip.roundtrip.invite: %.0f msg/s\n", rate(invite, sizeof(invite) - 1, 2));
	printf("sip.roundtrip.200: %.0f msg/s\n", rate(ok200, sizeof(ok200) - 1, 2));
	printf("sip.frame.invite: %.0f msg/s\n", rate(invite, sizeof(invite) - 1, 1));
	printf("sip.parse.invite_bytes: %zu bytes\n", sizeof(invite) - 1);
	return 0;
}
