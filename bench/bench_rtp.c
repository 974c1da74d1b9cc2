/* bench_rtp: how many bidirectional 20 ms G.711 channels one core carries
 * through the real socket path: RTP sessions of ours in pairs on
 * 127.0.0.1 (rtcp-mux), every session sending one 160-byte frame per
 * round, receiving its peer's (recvmmsg, SRTP unprotect, A.1 rules, jitter
 * buffer) and taking a frame out of its jitter buffer, as a gateway
 * channel does every 20 ms.  Both ends of each pair run in this thread; a
 * session is one channel's work (and, with SRTP, its two contexts).
 * The cost per session changes with how many there are (caches, and NSS
 * behind libsrtp2 slows down with its number of contexts), so it is
 * measured at 400, 800, ... 3200 sessions, stopping at the first size
 * that no longer fits:
 *   channels_per_core = the most sessions whose 20 ms of work took at
 *   most 20 ms of CPU, or, if even 3200 fit, 20 ms / cost at 3200
 * for plain RTP, SRTP AES_CM_128_HMAC_SHA1_80 and AEAD_AES_128_GCM. */
#include "config.h"

#include "lib/loop.h"
#include "rtp/session.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_PAIRS 1600
#define ROUNDS 100

static struct rtp_session *s[MAX_PAIRS][2];
static unsigned PAIRS;
static unsigned woken;

static void on_media(void *arg)
{
	(void)arg;
	woken++;
}

static const struct rtp_session_ops ops = {.media = on_media};

static double cpu_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* CPU seconds per session per round with `pairs` pairs; < 0 on failure */
static double cost(struct loop *loop, int suite, const char *name)
{
	struct rtp_session_config c = {.pt = 8, .rate = 8000, .ptime_ms = 20, .rtcp_mux = true,
				       .rtcp_interval_ms = 3600000, .jb = {.min_ms = 40, .max_ms = 200}};
	struct sockaddr_in *l = (struct sockaddr_in *)&c.local;
	uint8_t pl[160];
	struct jb_frame f;
	uint64_t got = 0, played = 0;
	double t0, t1, per;

	l->sin_family = AF_INET;
	l->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	c.port_min = 10000;
	c.port_max = 19999;
	memset(pl, 0xd5, sizeof(pl));
	for (unsigned p = 0; p < PAIRS; p++)
		for (int k = 0; k < 2; k++)
			if (rtp_session_new(loop, &c, &ops, NULL, &s[p][k]) < 0) {
				fprintf(stderr, "bench_rtp: cannot open session %u\n", 2 * p + (unsigned)k);
				return -1;
			}
	for (unsigned p = 0; p < PAIRS; p++) {
		for (int k = 0; k < 2; k++) {
			struct sockaddr_in to = {.sin_family = AF_INET,
						 .sin_port = htons(rtp_session_port(s[p][!k])),
						 .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};

			rtp_session_set_remote(s[p][k], (struct sockaddr *)&to, sizeof(to), true);
		}
		if (suite >= 0) {
			uint8_t ka[RTP_SRTP_MAX_KEY], kb[RTP_SRTP_MAX_KEY];

			rtp_srtp_random_key((enum rtp_srtp_suite)suite, ka);
			rtp_srtp_random_key((enum rtp_srtp_suite)suite, kb);
			rtp_session_set_srtp(s[p][0], (enum rtp_srtp_suite)suite, ka, kb);
			rtp_session_set_srtp(s[p][1], (enum rtp_srtp_suite)suite, kb, ka);
		}
	}
	t0 = cpu_s();
	for (int r = 0; r < ROUNDS; r++) {
		woken = 0;
		for (unsigned p = 0; p < PAIRS; p++)
			for (int k = 0; k < 2; k++)
				rtp_session_send(s[p][k], pl, sizeof(pl), 160, r == 0);
		/* until every session has read its packet; bounded */
		for (int i = 0; i < 1000 && woken < 2 * PAIRS; i++)
			loop_run_once(loop, 10);
		for (unsigned p = 0; p < PAIRS; p++)
			for (int k = 0; k < 2; k++)
				played += rtp_session_get(s[p][k], &f) == JB_FRAME;
	}
	t1 = cpu_s();
	for (unsigned p = 0; p < PAIRS; p++)
		for (int k = 0; k < 2; k++) {
			struct rtp_session_stats st;

			rtp_session_get_stats(s[p][k], &st);
			got += st.received;
			rtp_session_free(s[p][k]);
		}
	if (got < (uint64_t)PAIRS * 2 * ROUNDS * 99 / 100) {
		fprintf(stderr, "bench_rtp: %s: only %llu of %u packets arrived\n", name,
			(unsigned long long)got, PAIRS * 2 * ROUNDS);
		return -1;
	}
	per = (t1 - t0) / ((double)PAIRS * 2 * ROUNDS);
	fprintf(stderr, "bench_rtp: %s: %u sessions, %.2f us per session per 20 ms, %llu frames played\n",
		name, 2 * PAIRS, per * 1e6, (unsigned long long)played);
	return per;
}

static int run(struct loop *loop, int suite, const char *name)
{
	double fit = 0, per = 0, fit_per = 0;

	for (PAIRS = 200; PAIRS <= MAX_PAIRS; PAIRS += 200) {
		per = cost(loop, suite, name);
		if (per < 0)
			return -1;
		if (2 * PAIRS * per > 0.020)
			break;
		fit = PAIRS == MAX_PAIRS ? 0.020 / per : 2 * PAIRS;
		fit_per = per;
	}
	printf("rtp.%s.us_per_channel_frame: %.2f us\n", name, fit_per * 1e6);
	printf("rtp.%s.channels_per_core: %.0f channels\n", name, fit);
	return 0;
}

int main(void)
{
	struct loop *loop;

	if (loop_new(&loop) < 0)
		return 1;
	if (run(loop, -1, "plain") < 0 || run(loop, RTP_SRTP_AES_CM_128_HMAC_SHA1_80, "srtp_cm80") < 0 ||
	    run(loop, RTP_SRTP_AEAD_AES_128_GCM, "srtp_gcm") < 0)
		return 1;
	loop_free(loop);
	return 0;
}
