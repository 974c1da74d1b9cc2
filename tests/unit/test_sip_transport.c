/* SIP transports over loopback: UDP on IPv4 and IPv6, TCP stream framing
 * (messages split anywhere, several in one segment), connection reuse,
 * RFC 5626 keep-alive, size/connection/idle limits, and TLS: a verified
 * server, a wrong CA and a wrong name refused, mutual TLS. */
#include "config.h"

#include "lib/loop.h"
#include "sip/transport.h"
#include "testutil.h"
#include "tls_certs.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

/* A stand-in for the message layer's framer: headers end at CRLFCRLF, the
 * body is Content-Length (or l:) bytes. */
static ssize_t test_frame(const char *buf, size_t len)
{
	const char *end = memmem(buf, len, "\r\n\r\n", 4);
	size_t hdr, cl = 0;

	if (!end)
		return len > 8000 ? -EINVAL : 0;
	hdr = (size_t)(end - buf) + 4;
	for (const char *p = buf; p < end; p++) {
		if (p == buf || p[-1] == '\n') {
			if (!strncasecmp(p, "Content-Length:", 15))
				cl = strtoul(p + 15, NULL, 10);
			else if (!strncasecmp(p, "l:", 2))
				cl = strtoul(p + 2, NULL, 10);
		}
	}
	if (!strncmp(buf, "GARBAGE", 7))
		return -EINVAL;
	return hdr + cl <= len ? (ssize_t)(hdr + cl) : 0;
}

struct side {
	struct sip_transport *t;
	int got;
	char last[2048];
	struct sip_rx rx; /* copy of the last one (buf invalid afterwards) */
	bool echo;	  /* answer every message with "ECHO <msg>" on the same path */
};

static void on_recv(void *arg, const struct sip_rx *rx)
{
	struct side *s = arg;
	char reply[2100];
	int n;

	s->got++;
	snprintf(s->last, sizeof(s->last), "%.*s", (int)rx->len, rx->buf);
	s->rx = *rx;
	if (s->echo) {
		n = snprintf(reply, sizeof(reply), "ECHO\r\nContent-Length: %zu\r\n\r\n%.*s",
			     rx->len, (int)rx->len, rx->buf);
		sip_transport_send(s->t, rx->proto, &rx->src, rx->conn, NULL, reply, (size_t)n);
	}
}

static struct loop *loop;

static void pump_until(int *counter, int want)
{
	for (int i = 0; i < 500 && *counter < want; i++)
		loop_run_once(loop, 10);
}

static void pump(int times)
{
	for (int i = 0; i < times; i++)
		loop_run_once(loop, 5);
}

static void side_new(struct side *s, const struct sip_transport_opts *o)
{
	memset(s, 0, sizeof(*s));
	assert_int_equal(sip_transport_new(loop, o, test_frame, on_recv, s, &s->t), 0);
}

static void side_listen(struct side *s, enum sip_proto p, const char *ip)
{
	struct sip_addr a;
	char err[256];

	assert_int_equal(sip_addr_from_ip(ip, 0, &a), 0);
	assert_int_equal(sip_transport_listen(s->t, p, &a, err, sizeof(err)), 0);
}

static int setup(void **state)
{
	sgw_test_setup(state);
	return loop_new(&loop);
}

static int teardown(void **state)
{
	loop_free(loop);
	return sgw_test_teardown(state);
}

static const char msg1[] = "OPTIONS sip:a@127.0.0.1 SIP/2.0\r\nContent-Length: 5\r\n\r\nhello";
static const char msg2[] = "OPTIONS sip:b@127.0.0.1 SIP/2.0\r\nl: 0\r\n\r\n";

static void addr_parsing(void **state)
{
	enum sip_proto p;
	struct sip_addr a;
	char buf[64];

	assert_int_equal(sip_addr_parse_listen("udp:127.0.0.1:5070", &p, &a), 0);
	assert_int_equal(p, SIP_PROTO_UDP);
	sip_addr_format(&a, buf, sizeof(buf));
	assert_string_equal(buf, "127.0.0.1:5070");
	assert_int_equal(sip_addr_parse_listen("tls:[::1]", &p, &a), 0);
	assert_int_equal(p, SIP_PROTO_TLS);
	sip_addr_format(&a, buf, sizeof(buf));
	assert_string_equal(buf, "[::1]:5061");
	assert_int_equal(sip_addr_parse_listen("tcp:10.0.0.1", &p, &a), 0);
	assert_int_equal(sip_addr_port(&a), 5060);
	assert_int_equal(sip_addr_parse_listen("sctp:1.2.3.4", &p, &a), -EINVAL);
	assert_int_equal(sip_addr_parse_listen("udp:1.2.3.4:99999", &p, &a), -EINVAL);
	assert_int_equal(sip_addr_parse_listen("udp:::1:5060", &p, &a), -EINVAL);
	assert_int_equal(sip_addr_parse_listen("udp:[::1", &p, &a), -EINVAL);
}

static void udp_both_families_symmetric(void **state)
{
	struct sip_transport_opts o = {0};
	struct side a, b;
	const char *ips[2] = {"127.0.0.1", "::1"};

	side_new(&a, &o);
	side_new(&b, &o);
	a.echo = true;
	for (int i = 0; i < 2; i++) {
		struct sip_addr dst, bl;

		side_listen(&a, SIP_PROTO_UDP, ips[i]);
		side_listen(&b, SIP_PROTO_UDP, ips[i]);
		assert_int_equal(sip_transport_local(a.t, SIP_PROTO_UDP, i ? AF_INET6 : AF_INET, &dst), 0);
		assert_int_equal(sip_transport_local(b.t, SIP_PROTO_UDP, i ? AF_INET6 : AF_INET, &bl), 0);
		assert_int_equal(sip_transport_send(b.t, SIP_PROTO_UDP, &dst, NULL, NULL, msg1,
						    sizeof(msg1) - 1), 0);
		pump_until(&b.got, i + 1);
		assert_int_equal(a.got, i + 1);
		assert_string_equal(a.last, msg1);
		/* it came from b's listening socket: responses can go straight back */
		assert_true(sip_addr_equal(&a.rx.src, &bl));
		assert_int_equal(b.got, i + 1);
		assert_non_null(strstr(b.last, "ECHO\r\n"));
	}
	sip_transport_free(a.t);
	sip_transport_free(b.t);
}

static void udp_answer_leaves_from_the_listener_it_came_to(void **state)
{
	struct sip_transport_opts o = {0};
	struct side a;
	struct sip_addr second, from;
	enum sip_proto p;
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in me = {.sin_family = AF_INET};
	socklen_t len = sizeof(from.ss);
	char buf[256];

	side_new(&a, &o);
	side_listen(&a, SIP_PROTO_UDP, "127.0.0.1");
	side_listen(&a, SIP_PROTO_UDP, "127.0.0.1");
	assert_int_equal(sip_transport_listener(a.t, 1, &p, &second), 0);
	assert_int_equal(p, SIP_PROTO_UDP);
	assert_int_equal(sip_transport_listener(a.t, 2, &p, &second), -ENOENT);
	assert_int_equal(sip_transport_listener(a.t, 1, &p, &second), 0);
	inet_pton(AF_INET, "127.0.0.1", &me.sin_addr);
	assert_int_equal(bind(fd, (struct sockaddr *)&me, sizeof(me)), 0);
	/* a request to the second listener ... */
	assert_int_equal(sendto(fd, msg2, sizeof(msg2) - 1, 0, (struct sockaddr *)&second.ss,
				second.len),
			 (ssize_t)sizeof(msg2) - 1);
	pump_until(&a.got, 1);
	assert_true(sip_addr_equal(&a.rx.local, &second));
	/* ... is answered from the second listener, not the first */
	assert_int_equal(sip_transport_send_udp_from(a.t, &a.rx.local, &a.rx.src, "SIP/2.0 200 OK\r\n\r\n",
						     19),
			 0);
	assert_int_equal(recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from.ss, &len), 19);
	from.len = len;
	assert_true(sip_addr_equal(&from, &second));
	close(fd);
	sip_transport_free(a.t);
}

static int raw_connect(const struct sip_addr *a)
{
	int fd = socket(a->ss.ss_family, SOCK_STREAM, 0);

	assert_int_equal(connect(fd, (const struct sockaddr *)&a->ss, a->len), 0);
	return fd;
}

static void tcp_framing_split_anywhere(void **state)
{
	struct sip_transport_opts o = {0};
	struct side a;
	struct sip_addr la;
	char both[256], reply[4096];
	size_t n1 = sizeof(msg1) - 1, n2 = sizeof(msg2) - 1;
	ssize_t r;
	int fd;

	side_new(&a, &o);
	a.echo = true;
	side_listen(&a, SIP_PROTO_TCP, "127.0.0.1");
	sip_transport_local(a.t, SIP_PROTO_TCP, AF_INET, &la);
	fd = raw_connect(&la);
	/* CRLFs before a message are skipped; two messages, the second cut up */
	memcpy(both, "\r\n", 2);
	memcpy(both + 2, msg1, n1);
	memcpy(both + 2 + n1, msg2, n2);
	assert_int_equal(send(fd, both, 2 + n1 + 10, 0), (ssize_t)(2 + n1 + 10));
	pump_until(&a.got, 1);
	assert_int_equal(a.got, 1);
	assert_string_equal(a.last, msg1);
	for (size_t i = 2 + n1 + 10; i < 2 + n1 + n2; i++) {
		assert_int_equal(send(fd, both + i, 1, 0), 1);
		pump(1);
	}
	pump_until(&a.got, 2);
	assert_int_equal(a.got, 2);
	assert_string_equal(a.last, msg2);
	/* both answers came back on our connection */
	pump(5);
	r = recv(fd, reply, sizeof(reply) - 1, MSG_DONTWAIT);
	assert_true(r > 0);
	reply[r] = '\0';
	assert_non_null(strstr(reply, "sip:a@"));
	assert_non_null(strstr(reply, "sip:b@"));
	close(fd);
	sip_transport_free(a.t);
}

static void tcp_connection_is_reused(void **state)
{
	struct sip_transport_opts o = {0};
	struct side a, b;
	struct sip_addr la;
	struct sip_transport_stats sa, sb;

	side_new(&a, &o);
	side_new(&b, &o);
	a.echo = true;
	side_listen(&a, SIP_PROTO_TCP, "::1");
	sip_transport_local(a.t, SIP_PROTO_TCP, AF_INET6, &la);
	for (int i = 0; i < 3; i++)
		assert_int_equal(sip_transport_send(b.t, SIP_PROTO_TCP, &la, NULL, NULL, msg2,
						    sizeof(msg2) - 1), 0);
	pump_until(&b.got, 3);
	assert_int_equal(a.got, 3);
	assert_int_equal(b.got, 3);
	sip_transport_stats(a.t, &sa);
	sip_transport_stats(b.t, &sb);
	assert_int_equal(sa.accepted, 1);
	assert_int_equal(sa.connections, 1);
	assert_int_equal(sb.connections, 1);
	sip_transport_free(a.t);
	sip_transport_free(b.t);
}

static void keepalive_ping_pong(void **state)
{
	struct sip_transport_opts o = {0};
	struct side a, b;
	struct sip_addr la;
	struct sip_transport_stats st;
	char buf[16];
	int fd;

	side_new(&a, &o);
	side_new(&b, &o);
	side_listen(&a, SIP_PROTO_TCP, "127.0.0.1");
	sip_transport_local(a.t, SIP_PROTO_TCP, AF_INET, &la);
	fd = raw_connect(&la);
	assert_int_equal(send(fd, "\r\n\r\n", 4, 0), 4);
	pump(10);
	assert_int_equal(recv(fd, buf, sizeof(buf), MSG_DONTWAIT), 2);
	assert_memory_equal(buf, "\r\n", 2);
	close(fd);
	/* our own ping gets their pong */
	assert_int_equal(sip_transport_ping(b.t, SIP_PROTO_TCP, &la, NULL), 0);
	for (int i = 0; i < 100; i++) {
		sip_transport_stats(b.t, &st);
		if (st.pongs_received)
			break;
		loop_run_once(loop, 10);
	}
	assert_int_equal(st.pongs_received, 1);
	assert_int_equal(a.got, 0);
	sip_transport_free(a.t);
	sip_transport_free(b.t);
}

static void limits_size_connections_idle_framing(void **state)
{
	struct sip_transport_opts o = {.max_message = 200, .max_connections = 2,
				       .idle_timeout_ms = 150};
	struct side a;
	struct sip_addr la;
	struct sip_transport_stats st;
	char big[400], buf[64];
	int fd[3];

	side_new(&a, &o);
	side_listen(&a, SIP_PROTO_TCP, "127.0.0.1");
	sip_transport_local(a.t, SIP_PROTO_TCP, AF_INET, &la);
	/* a message announcing more than the limit: the connection is closed */
	fd[0] = raw_connect(&la);
	snprintf(big, sizeof(big), "INVITE sip:x SIP/2.0\r\nContent-Length: 300\r\n\r\n%0300d", 0);
	(void)!send(fd[0], big, strlen(big), MSG_NOSIGNAL);
	pump(20);
	sip_transport_stats(a.t, &st);
	assert_int_equal(st.too_big, 1);
	assert_int_equal(a.got, 0);
	assert_int_equal(recv(fd[0], buf, sizeof(buf), MSG_DONTWAIT), 0);
	close(fd[0]);
	/* three connections, limit two */
	for (int i = 0; i < 3; i++) {
		fd[i] = raw_connect(&la);
		pump(5);
	}
	sip_transport_stats(a.t, &st);
	assert_int_equal(st.refused, 1);
	assert_int_equal(st.connections, 2);
	/* a stream that cannot be SIP */
	(void)!send(fd[0], "GARBAGE\r\n\r\n", 11, MSG_NOSIGNAL);
	pump(10);
	sip_transport_stats(a.t, &st);
	assert_int_equal(st.closed_error, 1);
	/* the other goes silent and is closed after idle_timeout */
	for (int i = 0; i < 200; i++) {
		sip_transport_stats(a.t, &st);
		if (st.closed_idle)
			break;
		loop_run_once(loop, 10);
	}
	assert_int_equal(st.closed_idle, 1);
	assert_int_equal(st.connections, 0);
	for (int i = 0; i < 3; i++)
		close(fd[i]);
	sip_transport_free(a.t);
}

/* ---- TLS ---- */

static struct tls_certs certs;

static int tls_setup(void **state)
{
	setup(state);
	return tls_certs_make(&certs);
}

static int tls_teardown(void **state)
{
	tls_certs_remove(&certs);
	return teardown(state);
}

/* b sends msg1 to a over TLS; returns how many messages a got */
static int tls_try(const struct sip_transport_opts *ao, const struct sip_transport_opts *bo,
		   const char *name, struct sip_transport_stats *bstats, bool *verified)
{
	struct side a, b;
	struct sip_addr la;
	int got;

	side_new(&a, ao);
	side_new(&b, bo);
	a.echo = true;
	side_listen(&a, SIP_PROTO_TLS, "127.0.0.1");
	sip_transport_local(a.t, SIP_PROTO_TLS, AF_INET, &la);
	assert_int_equal(sip_transport_send(b.t, SIP_PROTO_TLS, &la, NULL, name, msg1,
					    sizeof(msg1) - 1), 0);
	for (int i = 0; i < 300 && b.got == 0; i++) {
		loop_run_once(loop, 10);
		sip_transport_stats(b.t, bstats);
		if (bstats->connections == 0)
			break;
	}
	pump(5);
	sip_transport_stats(b.t, bstats);
	got = a.got;
	if (got) {
		assert_string_equal(a.last, msg1);
		assert_int_equal(b.got, 1); /* the answer came back over TLS */
		*verified = a.rx.peer_verified;
	}
	sip_transport_free(a.t);
	sip_transport_free(b.t);
	return got;
}

static void tls_server_verified_by_name(void **state)
{
	struct sip_transport_opts ao = {.tls = {certs.server_cert, certs.server_key, NULL, false, false}};
	struct sip_transport_opts bo = {.tls = {NULL, NULL, certs.ca, true, false}};
	struct sip_transport_stats st;
	bool verified = true;

	assert_int_equal(tls_try(&ao, &bo, "localhost", &st, &verified), 1);
	assert_false(verified); /* the server did not ask for a client certificate */
}

static void tls_wrong_ca_or_name_refused(void **state)
{
	struct sip_transport_opts ao = {.tls = {certs.server_cert, certs.server_key, NULL, false, false}};
	struct sip_transport_opts wrong_ca = {.tls = {NULL, NULL, certs.other_ca, true, false}};
	struct sip_transport_opts right_ca = {.tls = {NULL, NULL, certs.ca, true, false}};
	struct sip_transport_opts no_check = {.tls = {NULL, NULL, certs.other_ca, false, false}};
	struct sip_transport_stats st;
	bool v;

	assert_int_equal(tls_try(&ao, &wrong_ca, "localhost", &st, &v), 0);
	assert_int_equal(st.tls_handshake_failures, 1);
	assert_int_equal(tls_try(&ao, &right_ca, "sip.example.com", &st, &v), 0);
	assert_int_equal(st.tls_handshake_failures, 1);
	/* verification off by explicit configuration: it connects */
	assert_int_equal(tls_try(&ao, &no_check, "sip.example.com", &st, &v), 1);
}

static void tls_mutual(void **state)
{
	struct sip_transport_opts ao = {
		.tls = {certs.server_cert, certs.server_key, certs.ca, false, true}};
	struct sip_transport_opts anon = {.tls = {NULL, NULL, certs.ca, true, false}};
	struct sip_transport_opts with_cert = {
		.tls = {certs.client_cert, certs.client_key, certs.ca, true, false}};
	struct sip_transport_stats st;
	bool verified = false;

	assert_int_equal(tls_try(&ao, &anon, "localhost", &st, &verified), 0);
	assert_int_equal(tls_try(&ao, &with_cert, "localhost", &st, &verified), 1);
	assert_true(verified);
}

static void tls_listener_needs_certificate(void **state)
{
	struct sip_transport_opts o = {0};
	struct sip_transport *t;
	struct sip_addr a;
	char err[256];

	assert_int_equal(sip_transport_new(loop, &o, test_frame, on_recv, NULL, &t), 0);
	sip_addr_from_ip("127.0.0.1", 0, &a);
	assert_int_equal(sip_transport_listen(t, SIP_PROTO_TLS, &a, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "needs a certificate and key"));
	sip_transport_free(t);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
#define TT(fn) cmocka_unit_test_setup_teardown(fn, tls_setup, tls_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(addr_parsing),
		T(udp_both_families_symmetric),
		T(udp_answer_leaves_from_the_listener_it_came_to),
		T(tcp_framing_split_anywhere),
		T(tcp_connection_is_reused),
		T(keepalive_ping_pong),
		T(limits_size_connections_idle_framing),
		TT(tls_server_verified_by_name),
		TT(tls_wrong_ca_or_name_refused),
		TT(tls_mutual),
		T(tls_listener_needs_certificate),
	};
	return cmocka_run_group_tests_name("sip/transport", tests, NULL, NULL);
}
