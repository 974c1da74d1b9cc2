/* transport.h: SIP transports (RFC 3261 §18): UDP, TCP and TLS on IPv4 and
 * IPv6, several listeners at once, on the signalling thread's loop.
 *
 * The transport moves whole SIP messages.  Over UDP a message is a
 * datagram; over TCP and TLS the byte stream is cut into messages by a
 * framing function the message layer provides (Content-Length, RFC 3261
 * §18.3).  Connections are kept and reused: a response goes back on the
 * connection its request came in on, and a request to an address that
 * already has a connection uses it.  Limits: connections at once, message
 * size, idle time.  RFC 5626 §4.4.1 keep-alives: a CRLFCRLF ping is
 * answered with a CRLF pong.  TLS (GnuTLS): 1.2 and newer only; the server
 * presents its certificate; a client verifies the peer against a CA file
 * and the name it dialled, unless configured not to; mutual TLS on request. */
#ifndef SGW_SIP_TRANSPORT_H
#define SGW_SIP_TRANSPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

struct loop;
struct sip_transport;
struct sip_conn;

enum sip_proto {
	SIP_PROTO_UDP,
	SIP_PROTO_TCP,
	SIP_PROTO_TLS,
	SIP_PROTO_COUNT
};

extern const char *const sip_proto_names[SIP_PROTO_COUNT]; /* "UDP", "TCP", "TLS" */

struct sip_addr {
	struct sockaddr_storage ss;
	socklen_t len;
};

/* Parse "udp:127.0.0.1:5060", "tls:[::1]:5061"; without a port the
 * protocol's default (5060, 5061 for TLS); port 0: any free port. */
int sip_addr_parse_listen(const char *text, enum sip_proto *proto, struct sip_addr *addr);
/* "192.0.2.1:5060" / "[2001:db8::1]:5060" */
void sip_addr_format(const struct sip_addr *a, char *buf, size_t size);
bool sip_addr_equal(const struct sip_addr *a, const struct sip_addr *b);
uint16_t sip_addr_port(const struct sip_addr *a);
int sip_addr_from_ip(const char *ip, uint16_t port, struct sip_addr *out);

/* A received message, valid during the callback only. */
struct sip_rx {
	enum sip_proto proto;
	const char *buf;
	size_t len;
	struct sip_addr src;   /* where it came from (the connection's peer) */
	struct sip_addr local; /* the listener or connection's local address */
	struct sip_conn *conn; /* TCP/TLS: the connection, to answer on */
	/* TLS: the peer certificate verified against the CA (mutual TLS) */
	bool peer_verified;
	/* ... and, on a connection we accepted, its names (subject CN, DNS
	 * subjectAltNames), NUL-separated and ended by an empty one; NULL: none */
	const char *peer_names;
};

typedef void (*sip_recv_fn)(void *arg, const struct sip_rx *rx);

/* Stream framing: given the bytes received so far (after any leading CRLFs,
 * which the transport strips), return the length of the first complete
 * message, 0 when more bytes are needed, or a negative errno when the
 * stream cannot be a SIP message (the connection is then closed). */
typedef ssize_t (*sip_frame_fn)(const char *buf, size_t len);

struct sip_tls_opts {
	const char *cert_file; /* server (and client, for mutual TLS) certificate, PEM */
	const char *key_file;
	const char *ca_file;	    /* trusted CAs for verifying peers */
	bool verify_server;	    /* client side: check the server's chain and name */
	bool require_client_cert; /* server side: mutual TLS */
};

struct sip_transport_opts {
	size_t max_connections;	 /* TCP+TLS connections at once */
	size_t max_message;	 /* bytes; bigger messages close the connection */
	uint64_t idle_timeout_ms; /* a connection without traffic this long is closed */
	struct sip_tls_opts tls;
};

int sip_transport_new(struct loop *loop, const struct sip_transport_opts *opts, sip_frame_fn frame,
		      sip_recv_fn recv, void *arg, struct sip_transport **out);
void sip_transport_free(struct sip_transport *t);

/* Listen; addr's port 0 picks a free port (tests).  On error, err says why. */
int sip_transport_listen(struct sip_transport *t, enum sip_proto proto, const struct sip_addr *addr,
			 char *err, size_t errlen);
/* The i-th listener (0-based) in the order they were made: -ENOENT past
 * the last.  For status displays and tests. */
int sip_transport_listener(const struct sip_transport *t, size_t i, enum sip_proto *proto,
			   struct sip_addr *addr);
/* The bound address of the first listener of proto and family. */
int sip_transport_local(const struct sip_transport *t, enum sip_proto proto, int family,
			struct sip_addr *out);

/* Send one whole message.  UDP: from the listener of dst's family.  TCP/TLS:
 * on conn if given and still open, else on a connection to dst (reused or
 * opened; TLS checks the peer against server_name when verifying).  Data
 * queued while a connection opens is sent once it is up.  Returns 0 or a
 * negative errno (-EMSGSIZE over the limit, -ENOTCONN no listener). */
int sip_transport_send(struct sip_transport *t, enum sip_proto proto, const struct sip_addr *dst,
		       struct sip_conn *conn, const char *server_name, const void *buf, size_t len);

/* UDP from a given listener (the one a request came in on: RFC 3261 §18.2.2
 * sends the response from the address the request was sent to, which NATs
 * and symmetric peers rely on).  local NULL: as sip_transport_send. */
int sip_transport_send_udp_from(struct sip_transport *t, const struct sip_addr *local,
				const struct sip_addr *dst, const void *buf, size_t len);

/* Send an RFC 5626 CRLFCRLF keep-alive ping on a connection to dst. */
int sip_transport_ping(struct sip_transport *t, enum sip_proto proto, const struct sip_addr *dst,
		       const char *server_name);

struct sip_transport_stats {
	size_t connections;
	uint64_t accepted, refused, closed_idle, closed_error, too_big;
	uint64_t pings_answered, pongs_received;
	uint64_t tls_handshake_failures;
};
void sip_transport_stats(const struct sip_transport *t, struct sip_transport_stats *out);

#endif
