/* RFC 3263 server location against a real DNS server: dnsmasq on 127.0.0.1
 * serving NAPTR, SRV, A and AAAA records made up for the test.  Without
 * dnsmasq (scripts/setup installs dnsmasq-base) the tests fail saying so. */
#include "config.h"

#include "lib/loop.h"
#include "sip/dns.h"
#include "testutil.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static pid_t dnsmasq;
static int port;
static struct loop *loop;
static struct sip_dns *dns;

static int start_dnsmasq(void **state)
{
	char portarg[32];
	const char *path = "/usr/sbin/dnsmasq";

	if (access(path, X_OK) != 0)
		return 0;
	port = 20000 + (int)(getpid() % 20000);
	snprintf(portarg, sizeof(portarg), "--port=%d", port);
	dnsmasq = fork();
	if (dnsmasq == 0) {
		const char *argv[] = {
			path, "--keep-in-foreground", portarg, "--listen-address=127.0.0.1",
			"--bind-interfaces", "--no-resolv", "--no-hosts", "--pid-file=",
			"--log-facility=/dev/null", "--local-ttl=30",
			geteuid() == 0 ? "--user=root" : "--conf-file=/dev/null",
			/* NAPTR: TCP preferred over UDP */
			"--naptr-record=gw.test,10,50,s,SIP+D2T,,_sip._tcp.gw.test",
			"--naptr-record=gw.test,20,50,s,SIP+D2U,,_sip._udp.gw.test",
			"--naptr-record=gw.test,5,50,s,SIP+D2S,,_sip._sctp.gw.test", /* not ours */
			"--srv-host=_sip._tcp.gw.test,pbx1.gw.test,5080,10,50",
			"--srv-host=_sip._udp.gw.test,pbx2.gw.test,5072,20,10",
			"--srv-host=_sip._udp.gw.test,pbx1.gw.test,5070,10,60",
			"--host-record=pbx1.gw.test,127.0.0.1,::1",
			"--host-record=pbx2.gw.test,127.0.0.2",
			/* SRV without NAPTR */
			"--srv-host=_sip._udp.srv.test,pbx2.gw.test,5090,0,0",
			/* only an address */
			"--host-record=plain.test,127.0.0.3",
			/* sips */
			"--naptr-record=secure.test,10,10,s,SIPS+D2T,,_sips._tcp.secure.test",
			"--srv-host=_sips._tcp.secure.test,pbx1.gw.test,5061,0,0",
			NULL};

		execv(path, (char *const *)argv);
		_exit(127);
	}
	return 0;
}

static int stop_dnsmasq(void **state)
{
	if (dnsmasq > 0) {
		kill(dnsmasq, SIGTERM);
		waitpid(dnsmasq, NULL, 0);
	}
	return 0;
}

struct got {
	bool done;
	struct sip_dns_result res;
};

static void on_result(void *arg, const struct sip_dns_result *res)
{
	struct got *g = arg;

	g->done = true;
	g->res = *res;
}

static void resolve(const char *host, uint16_t p, int proto, bool sips, struct got *g)
{
	memset(g, 0, sizeof(*g));
	assert_int_equal(sip_dns_resolve(dns, host, p, proto, sips, on_result, g, NULL), 0);
	assert_false(g->done); /* never from inside the call */
	for (int i = 0; i < 500 && !g->done; i++)
		loop_run_once(loop, 10);
	assert_true(g->done);
}

static void expect(const struct got *g, size_t i, enum sip_proto proto, const char *addr,
		   const char *host)
{
	char a[64];

	assert_true(i < g->res.count);
	sip_addr_format(&g->res.targets[i].addr, a, sizeof(a));
	assert_string_equal(a, addr);
	assert_int_equal(g->res.targets[i].proto, proto);
	assert_string_equal(g->res.targets[i].host, host);
}

static int setup(void **state)
{
	char servers[64];
	struct sip_dns_opts o = {.timeout_ms = 300, .tries = 2};
	struct got g;

	if (dnsmasq <= 0)
		return 0;
	sgw_test_setup(state);
	snprintf(servers, sizeof(servers), "127.0.0.1:%d", port);
	o.servers = servers;
	assert_int_equal(loop_new(&loop), 0);
	assert_int_equal(sip_dns_new(loop, &o, &dns), 0);
	/* wait (bounded) until dnsmasq answers */
	for (int i = 0; i < 50; i++) {
		memset(&g, 0, sizeof(g));
		sip_dns_resolve(dns, "plain.test", 5060, SIP_PROTO_UDP, false, on_result, &g, NULL);
		for (int k = 0; k < 100 && !g.done; k++)
			loop_run_once(loop, 10);
		if (g.res.count)
			break;
		usleep(100000);
	}
	sip_dns_free(dns);
	assert_int_equal(sip_dns_new(loop, &o, &dns), 0); /* an empty cache for the test */
	return 0;
}

static int teardown(void **state)
{
	if (dnsmasq <= 0)
		return 0;
	sip_dns_free(dns);
	loop_free(loop);
	return sgw_test_teardown(state);
}

#define NEED_DNSMASQ()                                                                             \
	do {                                                                                       \
		if (dnsmasq <= 0)                                                                  \
			fail_msg("dnsmasq is not installed (scripts/setup installs dnsmasq-base)"); \
	} while (0)

static void naptr_srv_address_in_order(void **state)
{
	struct got g;

	NEED_DNSMASQ();
	resolve("gw.test", 0, -1, false, &g);
	assert_int_equal(g.res.error, 0);
	assert_int_equal(g.res.count, 5);
	/* TCP first (NAPTR order 10), the SCTP record ignored */
	expect(&g, 0, SIP_PROTO_TCP, "127.0.0.1:5080", "pbx1.gw.test");
	expect(&g, 1, SIP_PROTO_TCP, "[::1]:5080", "pbx1.gw.test");
	/* then UDP, SRV priority 10 before 20 */
	expect(&g, 2, SIP_PROTO_UDP, "127.0.0.1:5070", "pbx1.gw.test");
	expect(&g, 3, SIP_PROTO_UDP, "[::1]:5070", "pbx1.gw.test");
	expect(&g, 4, SIP_PROTO_UDP, "127.0.0.2:5072", "pbx2.gw.test");
}

static void srv_without_naptr_then_address_only(void **state)
{
	struct got g;

	NEED_DNSMASQ();
	resolve("srv.test", 0, -1, false, &g);
	assert_int_equal(g.res.count, 1);
	expect(&g, 0, SIP_PROTO_UDP, "127.0.0.2:5090", "pbx2.gw.test");
	resolve("plain.test", 0, -1, false, &g);
	assert_int_equal(g.res.count, 1);
	expect(&g, 0, SIP_PROTO_UDP, "127.0.0.3:5060", "plain.test");
}

static void transport_or_port_given(void **state)
{
	struct got g;

	NEED_DNSMASQ();
	/* transport=tcp: only _sip._tcp */
	resolve("gw.test", 0, SIP_PROTO_TCP, false, &g);
	assert_int_equal(g.res.count, 2);
	expect(&g, 0, SIP_PROTO_TCP, "127.0.0.1:5080", "pbx1.gw.test");
	/* a port: A/AAAA of the host, no SRV */
	resolve("pbx1.gw.test", 5999, -1, false, &g);
	assert_int_equal(g.res.count, 2);
	expect(&g, 0, SIP_PROTO_UDP, "127.0.0.1:5999", "pbx1.gw.test");
	expect(&g, 1, SIP_PROTO_UDP, "[::1]:5999", "pbx1.gw.test");
	/* a numeric address: no DNS */
	resolve("192.0.2.7", 0, -1, false, &g);
	expect(&g, 0, SIP_PROTO_UDP, "192.0.2.7:5060", "192.0.2.7");
	resolve("::1", 0, -1, true, &g);
	expect(&g, 0, SIP_PROTO_TLS, "[::1]:5061", "::1");
}

static void sips_goes_to_tls_only(void **state)
{
	struct got g;

	NEED_DNSMASQ();
	resolve("secure.test", 0, -1, true, &g);
	assert_int_equal(g.res.count, 2);
	expect(&g, 0, SIP_PROTO_TLS, "127.0.0.1:5061", "pbx1.gw.test");
	/* sips: to a domain with only SIP over UDP and TCP: the SIP records are
	 * not used; the host's own address with TLS is all that is left */
	resolve("gw.test", 0, -1, true, &g);
	assert_int_equal(g.res.count, 0);
	assert_int_equal(g.res.error, -ENOENT);
}

static void unknown_name_fails(void **state)
{
	struct got g;

	NEED_DNSMASQ();
	resolve("missing.test", 0, -1, false, &g);
	assert_int_equal(g.res.count, 0);
	assert_int_equal(g.res.error, -ENOENT);
}

static void answers_are_cached(void **state)
{
	struct got g;
	struct sip_dns_stats s1, s2;

	NEED_DNSMASQ();
	/* every record of this chain exists (a REFUSED answer, as dnsmasq gives
	 * for a missing AAAA of a name it has no upstream for, is not cached) */
	resolve("secure.test", 0, -1, true, &g);
	sip_dns_stats(dns, &s1);
	resolve("secure.test", 0, -1, true, &g);
	sip_dns_stats(dns, &s2);
	assert_int_equal(g.res.count, 2);
	assert_int_equal(s2.queries_sent, s1.queries_sent);
	assert_true(s2.cache_hits > s1.cache_hits);
}

static void cancelled_query_never_calls_back(void **state)
{
	struct got g = {0};
	struct sip_dns_query *q;

	NEED_DNSMASQ();
	assert_int_equal(sip_dns_resolve(dns, "gw.test", 0, -1, false, on_result, &g, &q), 0);
	sip_dns_cancel(q);
	for (int i = 0; i < 50; i++)
		loop_run_once(loop, 10);
	assert_false(g.done);
}

static void dead_server_reports_failure(void **state)
{
	struct sip_dns *d2;
	struct sip_dns_opts o = {.servers = "127.0.0.1:9", .timeout_ms = 100, .tries = 1};
	struct got g = {0};

	NEED_DNSMASQ();
	assert_int_equal(sip_dns_new(loop, &o, &d2), 0);
	assert_int_equal(sip_dns_resolve(d2, "gw.test", 0, -1, false, on_result, &g, NULL), 0);
	for (int i = 0; i < 300 && !g.done; i++)
		loop_run_once(loop, 10);
	assert_true(g.done);
	assert_int_equal(g.res.count, 0);
	assert_int_not_equal(g.res.error, 0);
	sip_dns_free(d2);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(naptr_srv_address_in_order),
		T(srv_without_naptr_then_address_only),
		T(transport_or_port_given),
		T(sips_goes_to_tls_only),
		T(unknown_name_fails),
		T(answers_are_cached),
		T(cancelled_query_never_calls_back),
		T(dead_server_reports_failure),
	};
	return cmocka_run_group_tests_name("sip/dns", tests, start_dnsmasq, stop_dnsmasq);
}
