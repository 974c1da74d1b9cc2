/* rtp_test.h: what the RTP tests share: a session configuration on
 * 127.0.0.1 with even ports from a range, and an address on loopback.
 * Each test file takes its own range below the kernel's ephemeral ports
 * (32768 up), so tests run side by side never take a port another test's
 * peer (dnsmasq, sipp, a socket bound to port 0) is about to get. */
#ifndef SGW_TESTS_RTP_TEST_H
#define SGW_TESTS_RTP_TEST_H

#include "rtp/session.h"

#include <arpa/inet.h>
#include <string.h>

static inline struct sockaddr_in rtp_test_lo(uint16_t port)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port),
				.sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	return a;
}

/* G.711 at 20 ms, RTCP only when asked, a 40-max_ms jitter buffer */
static inline void rtp_test_config(struct rtp_session_config *c, uint16_t lo, uint16_t hi,
				   unsigned max_ms)
{
	struct sockaddr_in l = rtp_test_lo(0);

	memset(c, 0, sizeof(*c));
	memcpy(&c->local, &l, sizeof(l));
	c->port_min = lo;
	c->port_max = hi;
	c->rate = 8000;
	c->ptime_ms = 20;
	c->rtcp_interval_ms = 3600000;
	c->jb.min_ms = 40;
	c->jb.max_ms = max_ms;
}

#endif
