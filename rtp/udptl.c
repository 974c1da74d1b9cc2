/* udptl.c: UDPTL packets (T.38 clause 9), see udptl.h. */
#include "config.h"

#include "rtp/udptl.h"
#include "lib/loop.h"
#include "lib/mem.h"
#include "rtp/session.h"

#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define JUMP 100 /* packets: a larger jump in sequence numbers is a new start */

/* ---- PER length determinants ---------------------------------------------------------- */

static size_t len_size(size_t n)
{
	return n < 128 ? 1 : 2;
}

static size_t put_len(uint8_t *p, size_t n)
{
	if (n < 128) {
		p[0] = (uint8_t)n;
		return 1;
	}
	p[0] = (uint8_t)(0x80 | (n >> 8));
	p[1] = (uint8_t)(n & 0xff);
	return 2;
}

struct cursor {
	const uint8_t *p;
	size_t len, at;
};

/* a length determinant; -1: truncated or fragmented (16K and more) */
static long get_len(struct cursor *c)
{
	uint8_t b;

	if (c->at >= c->len)
		return -1;
	b = c->p[c->at++];
	if (!(b & 0x80))
		return b;
	if ((b & 0xc0) != 0x80 || c->at >= c->len)
		return -1;
	return (long)(((size_t)(b & 0x3f) << 8) | c->p[c->at++]);
}

/* an open type or octet string: its octets (n of them) at *out */
static int get_octets(struct cursor *c, const uint8_t **out, size_t *n)
{
	long l = get_len(c);

	if (l < 0 || (size_t)l > c->len - c->at)
		return -1;
	*out = c->p + c->at;
	*n = (size_t)l;
	c->at += (size_t)l;
	return 0;
}

/* ---- sending ------------------------------------------------------------------------------ */

void udptl_tx_init(struct udptl_tx *tx, unsigned depth, size_t max_datagram)
{
	memset(tx, 0, sizeof(*tx));
	tx->depth = depth > UDPTL_MAX_DEPTH ? UDPTL_MAX_DEPTH : depth;
	tx->max_datagram = max_datagram && max_datagram < UDPTL_MAX_PACKET ? max_datagram : UDPTL_MAX_PACKET;
}

int udptl_encode(struct udptl_tx *tx, const uint8_t *ifp, size_t len, uint8_t *out, size_t max)
{
	size_t limit = max < tx->max_datagram ? max : tx->max_datagram, need, at = 0;
	unsigned nsec;

	if (len > UDPTL_MAX_IFP)
		return -EINVAL;
	/* the primary alone: sequence number, open type, recovery choice, count 0 */
	need = 2 + len_size(len) + len + 2;
	if (need > limit)
		return -EMSGSIZE;
	/* as many of the previous packets as fit */
	nsec = tx->nhist < tx->depth ? tx->nhist : tx->depth;
	for (unsigned i = 0; i < nsec; i++) {
		size_t more = len_size(tx->hist[i].len) + tx->hist[i].len;

		if (need + more > limit) {
			nsec = i;
			break;
		}
		need += more;
	}
	out[at++] = (uint8_t)(tx->seq >> 8);
	out[at++] = (uint8_t)(tx->seq & 0xff);
	at += put_len(out + at, len);
	memcpy(out + at, ifp, len);
	at += len;
	out[at++] = 0x00; /* error recovery: secondary IFP packets */
	at += put_len(out + at, nsec);
	for (unsigned i = 0; i < nsec; i++) {
		at += put_len(out + at, tx->hist[i].len);
		memcpy(out + at, tx->hist[i].buf, tx->hist[i].len);
		at += tx->hist[i].len;
	}
	/* this one becomes the newest of the history */
	if (tx->depth) {
		memmove(&tx->hist[1], &tx->hist[0], sizeof(tx->hist[0]) * (UDPTL_MAX_DEPTH - 1));
		tx->hist[0].len = (uint16_t)len;
		memcpy(tx->hist[0].buf, ifp, len);
		if (tx->nhist < UDPTL_MAX_DEPTH)
			tx->nhist++;
	}
	tx->seq++;
	return (int)at;
}

/* ---- receiving ---------------------------------------------------------------------------- */

void udptl_rx_init(struct udptl_rx *rx)
{
	memset(rx, 0, sizeof(*rx));
}

int udptl_decode(struct udptl_rx *rx, const uint8_t *pkt, size_t len, udptl_ifp_fn fn, void *arg)
{
	struct cursor c = {.p = pkt, .len = len};
	const uint8_t *prim, *sec[UDPTL_MAX_DEPTH * 4];
	size_t plen, slen[UDPTL_MAX_DEPTH * 4], nsec = 0;
	uint16_t seq;
	bool fec;
	long count;

	/* parse all of it first: a malformed packet hands on nothing */
	if (len < 2)
		goto bad;
	seq = (uint16_t)(pkt[0] << 8 | pkt[1]);
	c.at = 2;
	if (get_octets(&c, &prim, &plen) < 0 || plen == 0 || c.at >= c.len)
		goto bad;
	fec = c.p[c.at++] & 0x80;
	if (fec) {
		long n = get_len(&c); /* fec-npackets: an unconstrained integer's octets */

		if (n < 1 || n > 4 || (size_t)n > c.len - c.at)
			goto bad;
		c.at += (size_t)n;
	}
	if ((count = get_len(&c)) < 0)
		goto bad;
	for (long i = 0; i < count; i++) {
		const uint8_t *o;
		size_t ol;

		if (get_octets(&c, &o, &ol) < 0)
			goto bad;
		if (!fec && (size_t)i < sizeof(sec) / sizeof(sec[0])) {
			sec[nsec] = o;
			slen[nsec++] = ol;
		}
	}
	if (c.at != c.len)
		goto bad;
	rx->st.packets++;
	rx->st.fec += fec;
	if (rx->started) {
		uint16_t ahead = (uint16_t)(seq - rx->next); /* 0: the one expected */

		if (ahead >= 0x8000 && (uint16_t)(rx->next - seq) <= JUMP) {
			rx->st.dropped++; /* a duplicate or late: handed on already */
			return 0;
		}
		if (ahead > 0 && ahead <= JUMP) {
			/* a gap: what the redundancy still has, oldest first
			 * (sec[i] is seq - 1 - i) */
			for (uint16_t k = ahead; k > 0; k--) {
				size_t i = (size_t)k - 1;

				if (i < nsec && slen[i] > 0) {
					fn(arg, sec[i], slen[i], (uint16_t)(seq - k));
					rx->st.recovered++;
					rx->st.ifp++;
				} else {
					rx->st.lost++;
				}
			}
		}
	}
	rx->started = true;
	fn(arg, prim, plen, seq);
	rx->st.ifp++;
	rx->next = (uint16_t)(seq + 1);
	return 0;
bad:
	rx->st.malformed++;
	return -EBADMSG;
}

/* ---- the session ---------------------------------------------------------------------- */

struct udptl_session {
	struct loop *loop;
	struct loop_watch w;
	int fd;
	uint16_t port;
	struct udptl_tx tx;
	struct udptl_rx rx;
	udptl_ifp_fn fn;
	void *arg;
	struct sockaddr_storage remote;
	socklen_t remote_len;
	bool latched;
	uint64_t sent, send_errors, wrong_source;
};

static void on_readable(struct loop *loop, struct loop_watch *w, uint32_t events)
{
	struct udptl_session *s = w->arg;

	(void)loop;
	(void)events;
	for (int i = 0; i < 32; i++) { /* what is there now, bounded */
		uint8_t buf[UDPTL_MAX_PACKET];
		struct sockaddr_storage from;
		socklen_t flen = sizeof(from);
		ssize_t n = recvfrom(s->fd, buf, sizeof(buf), MSG_DONTWAIT, (struct sockaddr *)&from, &flen);

		if (n < 0)
			break;
		/* nothing counts before the peer is known (its SDP); then the
		 * first good packet latches its source (symmetric: a peer
		 * behind NAT is answered where it sends from), and packets
		 * from anywhere else are dropped: no stranger writes into the
		 * fax */
		if (!s->remote_len || (s->latched && !rtp_same_addr(&from, &s->remote))) {
			s->wrong_source++;
			continue;
		}
		if (udptl_decode(&s->rx, buf, (size_t)n, s->fn, s->arg) == 0 && !s->latched) {
			s->remote = from;
			s->remote_len = flen;
			s->latched = true;
		}
	}
}

int udptl_session_new(struct loop *loop, const struct sockaddr_storage *local, uint16_t port_min,
		      uint16_t port_max, udptl_ifp_fn fn, void *arg, struct udptl_session **out)
{
	struct udptl_session *s = mem_zalloc(sizeof(*s));
	int rc;

	if (!s)
		return -ENOMEM;
	s->loop = loop;
	s->fn = fn;
	s->arg = arg;
	udptl_tx_init(&s->tx, 3, 0);
	udptl_rx_init(&s->rx);
	if ((rc = rtp_bind_ports(local, port_min, port_max, false, &s->fd, NULL, &s->port)) < 0) {
		mem_free(s);
		return rc;
	}
	if ((rc = loop_watch_add(loop, &s->w, s->fd, EPOLLIN, on_readable, s)) < 0) {
		close(s->fd);
		mem_free(s);
		return rc;
	}
	*out = s;
	return 0;
}

void udptl_session_free(struct udptl_session *s)
{
	if (!s)
		return;
	loop_watch_del(s->loop, &s->w);
	close(s->fd);
	mem_free(s);
}

uint16_t udptl_session_port(const struct udptl_session *s)
{
	return s->port;
}

int udptl_session_set_remote(struct udptl_session *s, const struct sockaddr *addr, unsigned len,
			     size_t max_datagram, unsigned depth)
{
	if (len > sizeof(s->remote))
		return -EINVAL;
	memcpy(&s->remote, addr, len);
	s->remote_len = len;
	s->latched = false;
	s->tx.depth = depth > UDPTL_MAX_DEPTH ? UDPTL_MAX_DEPTH : depth;
	s->tx.max_datagram = max_datagram && max_datagram < UDPTL_MAX_PACKET ? max_datagram : 400;
	return 0;
}

int udptl_session_send(struct udptl_session *s, const uint8_t *ifp, size_t len, int count)
{
	uint8_t out[UDPTL_MAX_PACKET];
	int n;

	if (!s->remote_len)
		return -ENOTCONN;
	if ((n = udptl_encode(&s->tx, ifp, len, out, sizeof(out))) < 0)
		return n;
	/* a repeat is the same datagram: the receiver drops the copies */
	for (int i = 0; i < (count < 1 ? 1 : count > 5 ? 5 : count); i++) {
		if (sendto(s->fd, out, (size_t)n, MSG_DONTWAIT, (struct sockaddr *)&s->remote, s->remote_len) < 0)
			s->send_errors++;
		else
			s->sent++;
	}
	return 0;
}

void udptl_session_stats(const struct udptl_session *s, struct udptl_session_stats *st)
{
	st->sent = s->sent;
	st->send_errors = s->send_errors;
	st->wrong_source = s->wrong_source;
	st->rx = s->rx.st;
}
