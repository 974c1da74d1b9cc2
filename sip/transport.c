/* transport.c: SIP over UDP, TCP and TLS (RFC 3261 §18, RFC 5626 §4.4.1
 * keep-alive, RFC 5630 for sips: over TLS), see transport.h.
 *
 * Design: listeners and connections are watches on the signalling loop.
 * A connection owns an input buffer that grows up to the message limit and
 * an output buffer of plaintext; for TLS, GnuTLS sits between the two and
 * the socket, non-blocking, and the loop waits for whichever direction
 * GnuTLS asks for.  A connection being used by a callback is never freed
 * under it: closing marks it dead and the dispatcher frees it afterwards. */
#include "config.h"

#include "sip/transport.h"
#include "lib/buf.h"
#include "lib/log.h"
#include "lib/loop.h"
#include "lib/mem.h"

#include <arpa/inet.h>
#include <errno.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *const sip_proto_names[SIP_PROTO_COUNT] = {"UDP", "TCP", "TLS"};

#define MAX_LISTENERS 16
#define UDP_MAX 65535

/* TLS 1.2 and 1.3 only (RFC 8996 retired the older ones). */
#define TLS_PRIORITY "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2"

struct sip_listener {
	struct sip_transport *t;
	enum sip_proto proto;
	int fd;
	struct sip_addr addr;
	struct loop_watch watch;
};

enum conn_state { CONN_CONNECTING, CONN_HANDSHAKE, CONN_OPEN };

struct sip_conn {
	struct sip_transport *t;
	enum sip_proto proto;
	enum conn_state state;
	int fd;
	bool outgoing, dead, busy, ping_sent;
	struct loop_watch watch;
	struct timer idle;
	struct sip_addr peer, local;
	char *server_name;
	gnutls_session_t tls;
	bool peer_verified;
	char *peer_names; /* a verified client's certificate names, NUL-separated, "" ended */
	size_t tls_inflight; /* bytes handed to gnutls_record_send that returned EAGAIN */
	char *in;
	size_t in_len, in_cap;
	struct buf out;
	struct sip_conn *prev, *next;
};

struct sip_transport {
	struct loop *loop;
	struct sip_transport_opts opts;
	sip_frame_fn frame;
	sip_recv_fn recv;
	void *arg;
	struct sip_listener listeners[MAX_LISTENERS];
	size_t nlisteners;
	struct sip_conn *conns;
	struct sip_transport_stats stats;
	gnutls_certificate_credentials_t creds;
	gnutls_priority_t priority;
	char udp_buf[UDP_MAX + 1];
};

/* ---- addresses ------------------------------------------------------------ */

int sip_addr_from_ip(const char *ip, uint16_t port, struct sip_addr *out)
{
	struct sockaddr_in *v4 = (struct sockaddr_in *)&out->ss;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&out->ss;

	memset(out, 0, sizeof(*out));
	if (inet_pton(AF_INET, ip, &v4->sin_addr) == 1) {
		v4->sin_family = AF_INET;
		v4->sin_port = htons(port);
		out->len = sizeof(*v4);
		return 0;
	}
	if (inet_pton(AF_INET6, ip, &v6->sin6_addr) == 1) {
		v6->sin6_family = AF_INET6;
		v6->sin6_port = htons(port);
		out->len = sizeof(*v6);
		return 0;
	}
	return -EINVAL;
}

int sip_addr_parse_listen(const char *text, enum sip_proto *proto, struct sip_addr *addr)
{
	char host[INET6_ADDRSTRLEN + 2];
	const char *rest, *port_s = NULL;
	size_t hlen;
	long port = -1;

	if (!strncasecmp(text, "udp:", 4))
		*proto = SIP_PROTO_UDP;
	else if (!strncasecmp(text, "tcp:", 4))
		*proto = SIP_PROTO_TCP;
	else if (!strncasecmp(text, "tls:", 4))
		*proto = SIP_PROTO_TLS;
	else
		return -EINVAL;
	rest = text + 4;
	if (*rest == '[') {
		const char *end = strchr(rest, ']');

		if (!end)
			return -EINVAL;
		hlen = (size_t)(end - rest - 1);
		if (hlen >= sizeof(host))
			return -EINVAL;
		memcpy(host, rest + 1, hlen);
		host[hlen] = '\0';
		if (end[1] == ':')
			port_s = end + 2;
		else if (end[1])
			return -EINVAL;
	} else {
		const char *colon = strrchr(rest, ':');

		hlen = colon ? (size_t)(colon - rest) : strlen(rest);
		if (hlen >= sizeof(host) || (colon && strchr(rest, ':') != colon))
			return -EINVAL;
		memcpy(host, rest, hlen);
		host[hlen] = '\0';
		if (colon)
			port_s = colon + 1;
	}
	if (port_s) {
		char *end;

		port = strtol(port_s, &end, 10);
		if (!*port_s || *end || port < 0 || port > 65535)
			return -EINVAL;
	}
	if (port < 0) /* none given: the protocol's; an explicit 0 asks for any free port */
		port = *proto == SIP_PROTO_TLS ? 5061 : 5060;
	return sip_addr_from_ip(host, (uint16_t)port, addr);
}

void sip_addr_format(const struct sip_addr *a, char *buf, size_t size)
{
	char ip[INET6_ADDRSTRLEN];

	if (a->ss.ss_family == AF_INET6) {
		const struct sockaddr_in6 *v6 = (const struct sockaddr_in6 *)&a->ss;

		inet_ntop(AF_INET6, &v6->sin6_addr, ip, sizeof(ip));
		snprintf(buf, size, "[%s]:%u", ip, ntohs(v6->sin6_port));
	} else if (a->ss.ss_family == AF_INET) {
		const struct sockaddr_in *v4 = (const struct sockaddr_in *)&a->ss;

		inet_ntop(AF_INET, &v4->sin_addr, ip, sizeof(ip));
		snprintf(buf, size, "%s:%u", ip, ntohs(v4->sin_port));
	} else {
		snprintf(buf, size, "(none)");
	}
}

uint16_t sip_addr_port(const struct sip_addr *a)
{
	if (a->ss.ss_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)&a->ss)->sin6_port);
	return ntohs(((const struct sockaddr_in *)&a->ss)->sin_port);
}

bool sip_addr_equal(const struct sip_addr *a, const struct sip_addr *b)
{
	if (a->ss.ss_family != b->ss.ss_family)
		return false;
	if (a->ss.ss_family == AF_INET) {
		const struct sockaddr_in *x = (const void *)&a->ss, *y = (const void *)&b->ss;

		return x->sin_port == y->sin_port && x->sin_addr.s_addr == y->sin_addr.s_addr;
	}
	if (a->ss.ss_family == AF_INET6) {
		const struct sockaddr_in6 *x = (const void *)&a->ss, *y = (const void *)&b->ss;

		return x->sin6_port == y->sin6_port &&
		       !memcmp(&x->sin6_addr, &y->sin6_addr, sizeof(x->sin6_addr));
	}
	return false;
}

/* ---- connections ---------------------------------------------------------- */

static void conn_free(struct sip_conn *c)
{
	struct sip_transport *t = c->t;

	loop_watch_del(t->loop, &c->watch);
	loop_timer_stop(t->loop, &c->idle);
	if (c->tls)
		gnutls_deinit(c->tls);
	if (c->fd >= 0)
		close(c->fd);
	if (c->prev)
		c->prev->next = c->next;
	else
		t->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	t->stats.connections--;
	buf_release(&c->out);
	mem_free(c->in);
	mem_free(c->server_name);
	mem_free(c->peer_names);
	mem_free(c);
}

/* The names a verified peer certificate carries (subject CN, DNS names of
 * subjectAltName), NUL-separated and ended by an empty one; NULL: none. */
static char *cert_names(gnutls_session_t tls)
{
	const gnutls_datum_t *chain;
	unsigned n = 0;
	gnutls_x509_crt_t crt;
	struct buf b = BUF_INIT;
	char name[256];
	size_t len;

	chain = gnutls_certificate_get_peers(tls, &n);
	if (!chain || !n || gnutls_x509_crt_init(&crt) < 0)
		return NULL;
	if (gnutls_x509_crt_import(crt, &chain[0], GNUTLS_X509_FMT_DER) == 0) {
		len = sizeof(name);
		if (gnutls_x509_crt_get_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 0, 0, name, &len) == 0)
			buf_put(&b, name, strlen(name) + 1);
		for (unsigned i = 0; i < 8; i++) {
			unsigned critical;
			int type;

			len = sizeof(name) - 1;
			type = gnutls_x509_crt_get_subject_alt_name(crt, i, name, &len, &critical);
			if (type < 0)
				break;
			if (type == GNUTLS_SAN_DNSNAME && len < sizeof(name)) {
				name[len] = 0;
				buf_put(&b, name, len + 1);
			}
		}
	}
	gnutls_x509_crt_deinit(crt);
	buf_put(&b, "", 1);
	if (b.oom) {
		buf_release(&b);
		return NULL;
	}
	return b.p; /* handed over */
}

/* Close now, or once the callback using c has returned. */
static void conn_close(struct sip_conn *c, const char *why)
{
	char peer[64];

	if (c->dead)
		return;
	sip_addr_format(&c->peer, peer, sizeof(peer));
	LOGP(LOGC_SIP, LOGL_INFO, "%s connection %s closed: %s", sip_proto_names[c->proto], peer,
	     why);
	c->dead = true;
	loop_watch_del(c->t->loop, &c->watch);
	loop_timer_stop(c->t->loop, &c->idle);
	if (!c->busy)
		conn_free(c);
}

static void conn_touch(struct sip_conn *c)
{
	loop_timer_start_ms(c->t->loop, &c->idle, c->t->opts.idle_timeout_ms);
}

static void on_idle(struct timer *tm, void *arg)
{
	struct sip_conn *c = arg;

	c->t->stats.closed_idle++;
	conn_close(c, "idle");
}

static void conn_update_events(struct sip_conn *c)
{
	uint32_t ev = EPOLLIN;

	if (c->dead)
		return;
	if (c->state == CONN_CONNECTING)
		ev = EPOLLOUT;
	else if (c->state == CONN_HANDSHAKE)
		ev = gnutls_record_get_direction(c->tls) ? EPOLLOUT : EPOLLIN;
	else if (c->out.len || c->tls_inflight)
		ev |= EPOLLOUT;
	loop_watch_mod(c->t->loop, &c->watch, ev);
}

/* Write what can be written; false when the connection failed. */
static bool conn_flush(struct sip_conn *c)
{
	while (c->state == CONN_OPEN && (c->out.len || c->tls_inflight)) {
		ssize_t n;

		if (c->tls) {
			if (c->tls_inflight)
				n = gnutls_record_send(c->tls, NULL, 0);
			else
				n = gnutls_record_send(c->tls, c->out.p,
						       c->out.len < 16384 ? c->out.len : 16384);
			if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED) {
				if (!c->tls_inflight)
					c->tls_inflight = c->out.len < 16384 ? c->out.len : 16384;
				break;
			}
			if (n < 0) {
				conn_close(c, gnutls_strerror((int)n));
				return false;
			}
			c->tls_inflight = 0;
		} else {
			n = send(c->fd, c->out.p, c->out.len, MSG_NOSIGNAL);
			if (n < 0 && (errno == EAGAIN || errno == EINTR))
				break;
			if (n < 0) {
				c->t->stats.closed_error++;
				conn_close(c, strerror(errno));
				return false;
			}
		}
		buf_consume(&c->out, (size_t)n);
		conn_touch(c);
	}
	conn_update_events(c);
	return true;
}

static int conn_queue(struct sip_conn *c, const void *data, size_t len)
{
	buf_put(&c->out, data, len);
	if (c->out.oom) {
		conn_close(c, "out of memory");
		return -ENOMEM;
	}
	return conn_flush(c) ? 0 : -EPIPE;
}

/* Deliver every complete message in the input buffer. */
static void conn_deliver(struct sip_conn *c)
{
	struct sip_transport *t = c->t;
	size_t start = 0;

	c->busy = true; /* a pong or a callback's send may fail and close c */
	while (!c->dead && start < c->in_len) {
		const char *p = c->in + start;
		size_t left = c->in_len - start;
		ssize_t n;

		/* RFC 5626 §4.4.1: CRLFCRLF is a ping, answered by a CRLF pong */
		if (p[0] == '\r' || p[0] == '\n') {
			if (left >= 4 && !memcmp(p, "\r\n\r\n", 4)) {
				t->stats.pings_answered++;
				start += 4;
				conn_queue(c, "\r\n", 2);
				continue;
			}
			if (left >= 2 && !memcmp(p, "\r\n", 2) && (left > 2 || c->ping_sent)) {
				if (c->ping_sent) {
					c->ping_sent = false;
					t->stats.pongs_received++;
				}
				start += 2;
				continue;
			}
			if (p[0] == '\n') { /* a bare LF between messages: tolerate */
				start++;
				continue;
			}
			break; /* a CR alone: wait for the rest */
		}
		n = t->frame(p, left);
		if (n < 0) {
			t->stats.closed_error++;
			conn_close(c, "stream is not SIP (bad framing)");
			break;
		}
		if (n == 0) {
			if (left >= t->opts.max_message) {
				t->stats.too_big++;
				conn_close(c, "message larger than the limit");
				break;
			}
			break;
		}
		if ((size_t)n > t->opts.max_message) {
			t->stats.too_big++;
			conn_close(c, "message larger than the limit");
			break;
		}
		{
			struct sip_rx rx = {
				.proto = c->proto,
				.buf = p,
				.len = (size_t)n,
				.src = c->peer,
				.local = c->local,
				.conn = c,
				.peer_verified = c->peer_verified,
				.peer_names = c->peer_names,
			};

			t->recv(t->arg, &rx);
		}
		start += (size_t)n;
	}
	c->busy = false;
	if (c->dead) {
		conn_free(c);
		return;
	}
	memmove(c->in, c->in + start, c->in_len - start);
	c->in_len -= start;
}

static bool conn_read_room(struct sip_conn *c)
{
	size_t want = c->in_len + 4096;

	if (want > c->t->opts.max_message + 4096)
		want = c->t->opts.max_message + 4096;
	if (c->in_cap < want) {
		char *p = mem_realloc(c->in, want);

		if (!p)
			return false;
		c->in = p;
		c->in_cap = want;
	}
	return c->in_len < c->in_cap;
}

static void conn_read(struct sip_conn *c)
{
	/* bounded: each pass reads into free room, which the limit caps */
	for (int i = 0; i < 64 && !c->dead; i++) {
		ssize_t n;

		if (!conn_read_room(c)) {
			c->t->stats.too_big++;
			conn_close(c, "message larger than the limit");
			return;
		}
		if (c->tls) {
			n = gnutls_record_recv(c->tls, c->in + c->in_len, c->in_cap - c->in_len);
			if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED)
				break;
			if (n < 0) {
				c->t->stats.closed_error++;
				conn_close(c, gnutls_strerror((int)n));
				return;
			}
		} else {
			n = recv(c->fd, c->in + c->in_len, c->in_cap - c->in_len, 0);
			if (n < 0 && (errno == EAGAIN || errno == EINTR))
				break;
			if (n < 0) {
				c->t->stats.closed_error++;
				conn_close(c, strerror(errno));
				return;
			}
		}
		if (n == 0) {
			conn_close(c, "closed by peer");
			return;
		}
		c->in_len += (size_t)n;
		conn_touch(c);
		conn_deliver(c); /* may free c */
		return;
	}
}

static void conn_handshake(struct sip_conn *c)
{
	int rc = gnutls_handshake(c->tls);

	if (rc == GNUTLS_E_AGAIN || rc == GNUTLS_E_INTERRUPTED) {
		conn_update_events(c);
		return;
	}
	if (rc < 0) {
		c->t->stats.tls_handshake_failures++;
		LOGP(LOGC_SIP, LOGL_NOTICE, "TLS handshake failed: %s", gnutls_strerror(rc));
		conn_close(c, "TLS handshake failed");
		return;
	}
	c->state = CONN_OPEN;
	/* the handshake only succeeds when the verification asked for passed */
	c->peer_verified = c->outgoing ? c->t->opts.tls.verify_server
				       : c->t->opts.tls.require_client_cert;
	if (!c->outgoing && c->peer_verified)
		c->peer_names = cert_names(c->tls);
	conn_touch(c);
	if (conn_flush(c) && gnutls_record_check_pending(c->tls))
		conn_read(c);
}

static void on_conn(struct loop *loop, struct loop_watch *w, uint32_t events)
{
	struct sip_conn *c = w->arg;

	if (c->state == CONN_CONNECTING) {
		int err = 0;
		socklen_t len = sizeof(err);

		getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len);
		if (err) {
			c->t->stats.closed_error++;
			conn_close(c, strerror(err));
			return;
		}
		len = sizeof(c->local.ss);
		getsockname(c->fd, (struct sockaddr *)&c->local.ss, &len);
		c->local.len = len;
		if (c->proto == SIP_PROTO_TLS) {
			c->state = CONN_HANDSHAKE;
			conn_handshake(c);
		} else {
			c->state = CONN_OPEN;
			conn_flush(c);
		}
		return;
	}
	if (c->state == CONN_HANDSHAKE) {
		conn_handshake(c);
		return;
	}
	if (events & EPOLLOUT) {
		if (!conn_flush(c))
			return;
	}
	if (events & (EPOLLIN | EPOLLHUP | EPOLLERR))
		conn_read(c);
}

static struct sip_conn *conn_new(struct sip_transport *t, enum sip_proto proto, int fd,
				 const struct sip_addr *peer, bool outgoing)
{
	struct sip_conn *c = mem_zalloc(sizeof(*c));

	if (!c)
		return NULL;
	c->t = t;
	c->proto = proto;
	c->fd = fd;
	c->peer = *peer;
	c->outgoing = outgoing;
	c->out = BUF_INIT;
	timer_setup(&c->idle, on_idle, c);
	c->next = t->conns;
	if (c->next)
		c->next->prev = c;
	t->conns = c;
	t->stats.connections++;
	return c;
}

static int tls_session_new(struct sip_conn *c)
{
	struct sip_transport *t = c->t;
	int rc;

	if (!t->creds)
		return -ENOTSUP;
	rc = gnutls_init(&c->tls, (c->outgoing ? GNUTLS_CLIENT : GNUTLS_SERVER) | GNUTLS_NONBLOCK);
	if (rc < 0)
		return -ENOMEM;
	gnutls_priority_set(c->tls, t->priority);
	gnutls_credentials_set(c->tls, GNUTLS_CRD_CERTIFICATE, t->creds);
	gnutls_transport_set_int(c->tls, c->fd);
	if (c->outgoing) {
		unsigned char ip[16];

		/* SNI carries host names only (RFC 6066 §3): not for 127.0.0.1 or ::1 */
		if (c->server_name && inet_pton(AF_INET, c->server_name, ip) != 1 &&
		    inet_pton(AF_INET6, c->server_name, ip) != 1)
			gnutls_server_name_set(c->tls, GNUTLS_NAME_DNS, c->server_name,
					       strlen(c->server_name));
		/* RFC 5922 §7.2: the certificate must match the name we dialled */
		if (t->opts.tls.verify_server)
			gnutls_session_set_verify_cert(c->tls, c->server_name, 0);
	} else if (t->opts.tls.require_client_cert) {
		gnutls_certificate_server_set_request(c->tls, GNUTLS_CERT_REQUIRE);
		gnutls_session_set_verify_cert(c->tls, NULL, 0);
	}
	return 0;
}

/* ---- listeners ------------------------------------------------------------ */

static void on_udp(struct loop *loop, struct loop_watch *w, uint32_t events)
{
	struct sip_listener *l = w->arg;
	struct sip_transport *t = l->t;

	/* bounded: at most 64 datagrams per wakeup, then let others run */
	for (int i = 0; i < 64; i++) {
		struct sip_rx rx = {.proto = SIP_PROTO_UDP, .local = l->addr};
		socklen_t alen = sizeof(rx.src.ss);
		ssize_t n = recvfrom(l->fd, t->udp_buf, UDP_MAX, 0, (struct sockaddr *)&rx.src.ss,
				     &alen);

		if (n < 0)
			break;
		rx.src.len = alen;
		if (n == 0)
			continue;
		if ((size_t)n > t->opts.max_message) {
			t->stats.too_big++;
			continue;
		}
		/* RFC 5626 §4.4.2 STUN keep-alives and stray CRLFs carry no message */
		if (n <= 4 && strspn(t->udp_buf, "\r\n") >= (size_t)n)
			continue;
		t->udp_buf[n] = '\0';
		rx.buf = t->udp_buf;
		rx.len = (size_t)n;
		t->recv(t->arg, &rx);
	}
}

static void on_accept(struct loop *loop, struct loop_watch *w, uint32_t events)
{
	struct sip_listener *l = w->arg;
	struct sip_transport *t = l->t;

	for (int i = 0; i < 64; i++) {
		struct sip_addr peer;
		socklen_t alen = sizeof(peer.ss);
		int fd = accept4(l->fd, (struct sockaddr *)&peer.ss, &alen,
				 SOCK_NONBLOCK | SOCK_CLOEXEC);
		struct sip_conn *c;
		char name[64];

		if (fd < 0)
			break;
		peer.len = alen;
		if (t->stats.connections >= t->opts.max_connections) {
			t->stats.refused++;
			sip_addr_format(&peer, name, sizeof(name));
			LOGP(LOGC_SIP, LOGL_WARNING,
			     "%s connection from %s refused: %zu connections open (limit)",
			     sip_proto_names[l->proto], name, t->stats.connections);
			close(fd);
			continue;
		}
		c = conn_new(t, l->proto, fd, &peer, false);
		if (!c) {
			close(fd);
			continue;
		}
		t->stats.accepted++;
		c->local = l->addr;
		c->state = l->proto == SIP_PROTO_TLS ? CONN_HANDSHAKE : CONN_OPEN;
		if (loop_watch_add(t->loop, &c->watch, fd, EPOLLIN, on_conn, c) < 0 ||
		    (l->proto == SIP_PROTO_TLS && tls_session_new(c) < 0)) {
			conn_close(c, "cannot set up");
			continue;
		}
		conn_touch(c);
	}
}

int sip_transport_listen(struct sip_transport *t, enum sip_proto proto, const struct sip_addr *addr,
			 char *err, size_t errlen)
{
	struct sip_listener *l;
	int one = 1, fd;
	socklen_t alen;
	char name[64];

	sip_addr_format(addr, name, sizeof(name));
	if (t->nlisteners == MAX_LISTENERS) {
		snprintf(err, errlen, "too many listeners (at most %d)", MAX_LISTENERS);
		return -ENOSPC;
	}
	if (proto == SIP_PROTO_TLS && !t->creds) {
		snprintf(err, errlen, "tls:%s needs a certificate and key", name);
		return -EINVAL;
	}
	fd = socket(addr->ss.ss_family,
		    (proto == SIP_PROTO_UDP ? SOCK_DGRAM : SOCK_STREAM) | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    0);
	if (fd < 0) {
		snprintf(err, errlen, "socket for %s: %s", name, strerror(errno));
		return -errno;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (addr->ss.ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(fd, (const struct sockaddr *)&addr->ss, addr->len) < 0 ||
	    (proto != SIP_PROTO_UDP && listen(fd, 128) < 0)) {
		int e = errno;

		snprintf(err, errlen, "cannot listen on %s:%s: %s", sip_proto_names[proto], name,
			 strerror(e));
		close(fd);
		return -e;
	}
	l = &t->listeners[t->nlisteners];
	l->t = t;
	l->proto = proto;
	l->fd = fd;
	alen = sizeof(l->addr.ss);
	getsockname(fd, (struct sockaddr *)&l->addr.ss, &alen);
	l->addr.len = alen;
	if (loop_watch_add(t->loop, &l->watch, fd, EPOLLIN,
			   proto == SIP_PROTO_UDP ? on_udp : on_accept, l) < 0) {
		snprintf(err, errlen, "cannot watch %s", name);
		close(fd);
		return -EINVAL;
	}
	t->nlisteners++;
	sip_addr_format(&l->addr, name, sizeof(name));
	LOGP(LOGC_SIP, LOGL_INFO, "listening on %s %s", sip_proto_names[proto], name);
	return 0;
}

int sip_transport_listener(const struct sip_transport *t, size_t i, enum sip_proto *proto,
			   struct sip_addr *addr)
{
	if (i >= t->nlisteners)
		return -ENOENT;
	*proto = t->listeners[i].proto;
	*addr = t->listeners[i].addr;
	return 0;
}

int sip_transport_local(const struct sip_transport *t, enum sip_proto proto, int family,
			struct sip_addr *out)
{
	for (size_t i = 0; i < t->nlisteners; i++) {
		if (t->listeners[i].proto == proto && t->listeners[i].addr.ss.ss_family == family) {
			*out = t->listeners[i].addr;
			return 0;
		}
	}
	return -ENOENT;
}

/* ---- sending -------------------------------------------------------------- */

static struct sip_conn *conn_find(struct sip_transport *t, enum sip_proto proto,
				  const struct sip_addr *dst)
{
	for (struct sip_conn *c = t->conns; c; c = c->next)
		if (!c->dead && c->proto == proto && sip_addr_equal(&c->peer, dst))
			return c;
	return NULL;
}

static int conn_connect(struct sip_transport *t, enum sip_proto proto, const struct sip_addr *dst,
			const char *server_name, struct sip_conn **out)
{
	struct sip_conn *c;
	int fd, one = 1;

	if (t->stats.connections >= t->opts.max_connections)
		return -EBUSY;
	if (proto == SIP_PROTO_TLS && !t->creds)
		return -ENOTSUP;
	fd = socket(dst->ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(fd, (const struct sockaddr *)&dst->ss, dst->len) < 0 && errno != EINPROGRESS) {
		int e = errno;

		close(fd);
		return -e;
	}
	c = conn_new(t, proto, fd, dst, true);
	if (!c) {
		close(fd);
		return -ENOMEM;
	}
	c->state = CONN_CONNECTING;
	if (server_name)
		c->server_name = mem_strdup(server_name);
	if (loop_watch_add(t->loop, &c->watch, fd, EPOLLOUT, on_conn, c) < 0 ||
	    (server_name && !c->server_name) || (proto == SIP_PROTO_TLS && tls_session_new(c) < 0)) {
		conn_close(c, "cannot set up");
		return -ENOMEM;
	}
	conn_touch(c);
	*out = c;
	return 0;
}

int sip_transport_send(struct sip_transport *t, enum sip_proto proto, const struct sip_addr *dst,
		       struct sip_conn *conn, const char *server_name, const void *buf, size_t len)
{
	int rc;

	if (len > t->opts.max_message)
		return -EMSGSIZE;
	if (proto == SIP_PROTO_UDP)
		return sip_transport_send_udp_from(t, NULL, dst, buf, len);
	/* the connection the request came on, if it is still there */
	if (conn) {
		bool alive = false;

		for (struct sip_conn *c = t->conns; c; c = c->next)
			alive |= c == conn && !c->dead;
		if (!alive)
			conn = NULL;
	}
	if (!conn)
		conn = conn_find(t, proto, dst);
	if (!conn) {
		rc = conn_connect(t, proto, dst, server_name, &conn);
		if (rc < 0)
			return rc;
	}
	return conn_queue(conn, buf, len);
}

int sip_transport_send_udp_from(struct sip_transport *t, const struct sip_addr *local,
				const struct sip_addr *dst, const void *buf, size_t len)
{
	const struct sip_listener *pick = NULL;
	ssize_t n;

	if (len > t->opts.max_message)
		return -EMSGSIZE;
	for (size_t i = 0; i < t->nlisteners; i++) {
		const struct sip_listener *l = &t->listeners[i];

		if (l->proto != SIP_PROTO_UDP || l->addr.ss.ss_family != dst->ss.ss_family)
			continue;
		if (local && sip_addr_equal(&l->addr, local)) {
			pick = l;
			break;
		}
		if (!pick)
			pick = l;
	}
	if (!pick)
		return -ENOTCONN;
	n = sendto(pick->fd, buf, len, 0, (const struct sockaddr *)&dst->ss, dst->len);
	return n < 0 ? -errno : 0;
}

int sip_transport_ping(struct sip_transport *t, enum sip_proto proto, const struct sip_addr *dst,
		       const char *server_name)
{
	struct sip_conn *c;
	int rc;

	if (proto == SIP_PROTO_UDP)
		return -EINVAL;
	c = conn_find(t, proto, dst);
	if (!c) {
		rc = conn_connect(t, proto, dst, server_name, &c);
		if (rc < 0)
			return rc;
	}
	c->ping_sent = true;
	return conn_queue(c, "\r\n\r\n", 4);
}

void sip_transport_stats(const struct sip_transport *t, struct sip_transport_stats *out)
{
	*out = t->stats;
}

/* ---- life cycle ----------------------------------------------------------- */

static int tls_setup(struct sip_transport *t)
{
	const struct sip_tls_opts *o = &t->opts.tls;
	int rc;

	if (!o->cert_file && !o->ca_file)
		return 0;
	if (gnutls_certificate_allocate_credentials(&t->creds) < 0)
		return -ENOMEM;
	if (o->cert_file) {
		rc = gnutls_certificate_set_x509_key_file(t->creds, o->cert_file, o->key_file,
							  GNUTLS_X509_FMT_PEM);
		if (rc < 0) {
			LOGP(LOGC_SIP, LOGL_ERROR, "TLS certificate %s / key %s: %s", o->cert_file,
			     o->key_file ? o->key_file : "(none)", gnutls_strerror(rc));
			return -EINVAL;
		}
	}
	if (o->ca_file) {
		rc = gnutls_certificate_set_x509_trust_file(t->creds, o->ca_file,
							    GNUTLS_X509_FMT_PEM);
		if (rc < 0) {
			LOGP(LOGC_SIP, LOGL_ERROR, "TLS CA file %s: %s", o->ca_file,
			     gnutls_strerror(rc));
			return -EINVAL;
		}
	}
	if (gnutls_priority_init(&t->priority, TLS_PRIORITY, NULL) < 0)
		return -EINVAL;
	return 0;
}

int sip_transport_new(struct loop *loop, const struct sip_transport_opts *opts, sip_frame_fn frame,
		      sip_recv_fn recv, void *arg, struct sip_transport **out)
{
	struct sip_transport *t = mem_zalloc(sizeof(*t));
	int rc;

	if (!t)
		return -ENOMEM;
	t->loop = loop;
	t->opts = *opts;
	if (!t->opts.max_message)
		t->opts.max_message = 65535;
	if (!t->opts.max_connections)
		t->opts.max_connections = 1024;
	if (!t->opts.idle_timeout_ms)
		t->opts.idle_timeout_ms = 300000;
	t->frame = frame;
	t->recv = recv;
	t->arg = arg;
	rc = tls_setup(t);
	if (rc < 0) {
		sip_transport_free(t);
		return rc;
	}
	*out = t;
	return 0;
}

void sip_transport_free(struct sip_transport *t)
{
	if (!t)
		return;
	while (t->conns) {
		t->conns->busy = false;
		conn_free(t->conns);
	}
	for (size_t i = 0; i < t->nlisteners; i++) {
		loop_watch_del(t->loop, &t->listeners[i].watch);
		close(t->listeners[i].fd);
	}
	if (t->priority)
		gnutls_priority_deinit(t->priority);
	if (t->creds)
		gnutls_certificate_free_credentials(t->creds);
	mem_free(t);
}
