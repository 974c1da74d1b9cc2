/* dns.c: RFC 3263 server location through c-ares, see dns.h.
 *
 * A query runs in up to three stages, each a set of parallel lookups whose
 * answers land in fixed slots so the final order does not depend on which
 * answer came first: NAPTR (one lookup), SRV (one per service name), and
 * A/AAAA (two per SRV target).  When a stage's last lookup is in, the next
 * starts.  Raw answers are cached by name and type for their smallest TTL.
 * c-ares runs on the loop: its sockets are watches (SOCK_STATE_CB), its
 * timeouts one loop timer.  Results reach the caller from a zero timer, so
 * a cached answer never calls back inside sip_dns_resolve. */
#include "config.h"

#include "sip/dns.h"
#include "lib/log.h"
#include "lib/loop.h"
#include "lib/mem.h"

#include <arpa/inet.h>
#include <ares.h>
#include <arpa/nameser.h>
#include <resolv.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_SOCKS 16
#define MAX_SRV_NAMES 8
#define MAX_PER_NAME 8
#define MAX_ADDRS 4

enum stage { STAGE_NAPTR, STAGE_SRV, STAGE_HOST };

struct cache_entry {
	char name[256];
	int type;
	int status; /* ARES_SUCCESS or the failure to remember */
	unsigned char *abuf;
	int alen;
	uint64_t expires_ns;
	struct cache_entry *next;
};

struct srv_item {
	enum sip_proto proto;
	uint16_t port, priority, weight;
	char target[256];
};

struct sip_dns_query {
	struct sip_dns *dns;
	sip_dns_fn cb;
	void *arg;
	bool cancelled, finished;
	char host[256];
	uint16_t port;
	int proto;
	bool sips;
	int outstanding;
	enum stage stage;
	/* SRV stage */
	size_t nnames;
	struct {
		char name[256];
		enum sip_proto proto;
		size_t n;
		struct srv_item items[MAX_PER_NAME];
	} names[MAX_SRV_NAMES];
	/* HOST stage: the ordered SRV items and their addresses */
	size_t nitems;
	struct srv_item items[SIP_DNS_MAX_TARGETS];
	struct {
		size_t n4, n6;
		struct sip_addr a4[MAX_ADDRS], a6[MAX_ADDRS];
	} addrs[SIP_DNS_MAX_TARGETS];
	struct sip_dns_result res;
	struct timer done;
	struct sip_dns_query *prev, *next;
};

struct lookup {
	struct sip_dns_query *q;
	size_t slot;
	int type;
	char name[256];
};

struct sip_dns {
	struct loop *loop;
	struct sip_dns_opts opts;
	ares_channel channel;
	struct loop_watch watches[MAX_SOCKS];
	struct timer ares_timer;
	struct cache_entry *cache;
	struct sip_dns_query *queries;
	struct sip_dns_stats stats;
	uint32_t rnd;
	bool destroying;
};

static const char *const srv_prefix[SIP_PROTO_COUNT] = {"_sip._udp.", "_sip._tcp.", "_sips._tcp."};

/* ---- c-ares on the loop ------------------------------------------------------ */

static void ares_rearm(struct sip_dns *dns)
{
	struct timeval tv, *tvp = ares_timeout(dns->channel, NULL, &tv);

	if (tvp)
		loop_timer_start_ms(dns->loop, &dns->ares_timer,
				    (uint64_t)tvp->tv_sec * 1000 + (uint64_t)tvp->tv_usec / 1000 + 1);
	else
		loop_timer_stop(dns->loop, &dns->ares_timer);
}

static void on_ares_timer(struct timer *t, void *arg)
{
	struct sip_dns *dns = arg;

	ares_process_fd(dns->channel, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
	ares_rearm(dns);
}

static void on_ares_sock(struct loop *loop, struct loop_watch *w, uint32_t events)
{
	struct sip_dns *dns = w->arg;
	int fd = w->fd;

	ares_process_fd(dns->channel, events & (EPOLLIN | EPOLLERR | EPOLLHUP) ? fd : ARES_SOCKET_BAD,
			events & EPOLLOUT ? fd : ARES_SOCKET_BAD);
	ares_rearm(dns);
}

static void sock_state(void *data, ares_socket_t fd, int readable, int writable)
{
	struct sip_dns *dns = data;
	struct loop_watch *free_slot = NULL;
	uint32_t ev = (readable ? EPOLLIN : 0) | (writable ? EPOLLOUT : 0);

	for (int i = 0; i < MAX_SOCKS; i++) {
		struct loop_watch *w = &dns->watches[i];

		if (w->active && w->fd == fd) {
			if (ev)
				loop_watch_mod(dns->loop, w, ev);
			else
				loop_watch_del(dns->loop, w);
			return;
		}
		if (!w->active && !free_slot)
			free_slot = w;
	}
	if (ev && free_slot)
		loop_watch_add(dns->loop, free_slot, fd, ev, on_ares_sock, dns);
}

/* ---- cache -------------------------------------------------------------------- */

/* The smallest TTL of the answer section (RFC 1035 §4.1), or -1. */
static int answer_min_ttl(const unsigned char *a, int alen)
{
	int pos = 12, qd, an, min = -1;

	if (alen < 12)
		return -1;
	qd = (a[4] << 8) | a[5];
	an = (a[6] << 8) | a[7];
	for (int i = 0; i < qd; i++) {
		char name[256];
		int n = dn_expand(a, a + alen, a + pos, name, sizeof(name));

		if (n < 0 || pos + n + 4 > alen)
			return -1;
		pos += n + 4;
	}
	for (int i = 0; i < an; i++) {
		char name[256];
		int n = dn_expand(a, a + alen, a + pos, name, sizeof(name)), ttl, rdlen;

		if (n < 0 || pos + n + 10 > alen)
			return min;
		pos += n;
		ttl = (int)(((uint32_t)a[pos + 4] << 24) | ((uint32_t)a[pos + 5] << 16) |
			    ((uint32_t)a[pos + 6] << 8) | a[pos + 7]);
		rdlen = (a[pos + 8] << 8) | a[pos + 9];
		pos += 10 + rdlen;
		if (ttl >= 0 && (min < 0 || ttl < min))
			min = ttl;
	}
	return min;
}

static struct cache_entry *cache_find(struct sip_dns *dns, const char *name, int type)
{
	uint64_t now = loop_now_ns();
	struct cache_entry **pp = &dns->cache;

	while (*pp) {
		struct cache_entry *e = *pp;

		if (e->expires_ns <= now) { /* drop expired entries as we pass */
			*pp = e->next;
			mem_free(e->abuf);
			mem_free(e);
			dns->stats.cache_entries--;
			continue;
		}
		if (e->type == type && !strcasecmp(e->name, name))
			return e;
		pp = &e->next;
	}
	return NULL;
}

static void cache_put(struct sip_dns *dns, const char *name, int type, int status,
		      const unsigned char *abuf, int alen)
{
	struct cache_entry *e;
	int ttl = status == ARES_SUCCESS ? answer_min_ttl(abuf, alen) : -1;

	if (status != ARES_SUCCESS && status != ARES_ENODATA && status != ARES_ENOTFOUND)
		return; /* timeouts and server failures are not remembered */
	if (ttl < 0)
		ttl = (int)dns->opts.negative_ttl_s;
	if (ttl == 0)
		return;
	e = mem_zalloc(sizeof(*e));
	if (!e)
		return;
	snprintf(e->name, sizeof(e->name), "%s", name);
	e->type = type;
	e->status = status;
	if (status == ARES_SUCCESS) {
		e->abuf = mem_zalloc((size_t)alen);
		if (!e->abuf) {
			mem_free(e);
			return;
		}
		memcpy(e->abuf, abuf, (size_t)alen);
		e->alen = alen;
	}
	e->expires_ns = loop_now_ns() + (uint64_t)ttl * 1000000000ull;
	e->next = dns->cache;
	dns->cache = e;
	dns->stats.cache_entries++;
}

/* ---- stages -------------------------------------------------------------------- */

static void lookup_start(struct sip_dns_query *q, size_t slot, const char *name, int type);
static void stage_done(struct sip_dns_query *q);

static void query_finish(struct sip_dns_query *q, int error)
{
	q->res.error = error;
	q->finished = true;
	loop_timer_start_ms(q->dns->loop, &q->done, 0);
}

static uint32_t rnd_next(struct sip_dns *dns)
{
	dns->rnd ^= dns->rnd << 13;
	dns->rnd ^= dns->rnd >> 17;
	dns->rnd ^= dns->rnd << 5;
	return dns->rnd;
}

/* RFC 2782: ascending priority; within a priority, weighted random order. */
static void srv_order(struct sip_dns *dns, struct srv_item *v, size_t n)
{
	for (size_t i = 1; i < n; i++) /* insertion sort by priority, stable */
		for (size_t j = i; j > 0 && v[j].priority < v[j - 1].priority; j--) {
			struct srv_item t = v[j];

			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	for (size_t start = 0; start < n;) {
		size_t end = start;

		while (end < n && v[end].priority == v[start].priority)
			end++;
		for (size_t k = start; k + 1 < end; k++) {
			uint32_t sum = 0, pick, run = 0;
			size_t chosen = k;

			for (size_t m = k; m < end; m++)
				sum += v[m].weight;
			pick = sum ? rnd_next(dns) % (sum + 1) : 0;
			for (size_t m = k; m < end; m++) {
				run += v[m].weight;
				if (run >= pick) {
					chosen = m;
					break;
				}
			}
			if (chosen != k) {
				struct srv_item t = v[k];

				v[k] = v[chosen];
				v[chosen] = t;
			}
		}
		start = end;
	}
}

static void on_naptr(struct sip_dns_query *q, const unsigned char *abuf, int alen)
{
	struct ares_naptr_reply *r = NULL, *all[MAX_SRV_NAMES];
	size_t n = 0;

	if (!abuf || ares_parse_naptr_reply(abuf, alen, &r) != ARES_SUCCESS)
		return;
	for (struct ares_naptr_reply *x = r; x && n < MAX_SRV_NAMES; x = x->next) {
		const char *svc = (const char *)x->service;

		/* RFC 3263 §4.1: flag "s" and a service we speak */
		if (strcasecmp((const char *)x->flags, "s") != 0)
			continue;
		if (strcasecmp(svc, "SIPS+D2T") && (q->sips || (strcasecmp(svc, "SIP+D2U") &&
								 strcasecmp(svc, "SIP+D2T"))))
			continue;
		all[n++] = x;
	}
	for (size_t i = 1; i < n; i++) /* by order, then preference */
		for (size_t j = i; j > 0 && (all[j]->order < all[j - 1]->order ||
					     (all[j]->order == all[j - 1]->order &&
					      all[j]->preference < all[j - 1]->preference));
		     j--) {
			struct ares_naptr_reply *t = all[j];

			all[j] = all[j - 1];
			all[j - 1] = t;
		}
	for (size_t i = 0; i < n; i++) {
		const char *svc = (const char *)all[i]->service;

		snprintf(q->names[i].name, sizeof(q->names[i].name), "%s", all[i]->replacement);
		q->names[i].proto = !strcasecmp(svc, "SIPS+D2T")  ? SIP_PROTO_TLS
				    : !strcasecmp(svc, "SIP+D2T") ? SIP_PROTO_TCP
								  : SIP_PROTO_UDP;
	}
	q->nnames = n;
	ares_free_data(r);
}

static void on_srv(struct sip_dns_query *q, size_t slot, const unsigned char *abuf, int alen)
{
	struct ares_srv_reply *r = NULL;

	if (!abuf || ares_parse_srv_reply(abuf, alen, &r) != ARES_SUCCESS)
		return;
	for (struct ares_srv_reply *x = r; x && q->names[slot].n < MAX_PER_NAME; x = x->next) {
		struct srv_item *it;

		if (!strcmp(x->host, ".") || !*x->host) /* RFC 2782: service not offered */
			continue;
		it = &q->names[slot].items[q->names[slot].n++];
		it->proto = q->names[slot].proto;
		it->port = x->port;
		it->priority = x->priority;
		it->weight = x->weight;
		snprintf(it->target, sizeof(it->target), "%s", x->host);
	}
	ares_free_data(r);
}

static void on_host(struct sip_dns_query *q, size_t slot, int type, const unsigned char *abuf,
		    int alen)
{
	size_t idx = slot / 2;

	if (!abuf)
		return;
	if (type == ns_t_a) {
		struct ares_addrttl a[MAX_ADDRS];
		int n = MAX_ADDRS;

		if (ares_parse_a_reply(abuf, alen, NULL, a, &n) != ARES_SUCCESS)
			return;
		for (int i = 0; i < n; i++) {
			struct sip_addr *s = &q->addrs[idx].a4[q->addrs[idx].n4++];
			struct sockaddr_in *v4 = (struct sockaddr_in *)&s->ss;

			memset(s, 0, sizeof(*s));
			v4->sin_family = AF_INET;
			v4->sin_addr = a[i].ipaddr;
			v4->sin_port = htons(q->items[idx].port);
			s->len = sizeof(*v4);
		}
	} else {
		struct ares_addr6ttl a[MAX_ADDRS];
		int n = MAX_ADDRS;

		if (ares_parse_aaaa_reply(abuf, alen, NULL, a, &n) != ARES_SUCCESS)
			return;
		for (int i = 0; i < n; i++) {
			struct sip_addr *s = &q->addrs[idx].a6[q->addrs[idx].n6++];
			struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&s->ss;

			memset(s, 0, sizeof(*s));
			v6->sin6_family = AF_INET6;
			memcpy(&v6->sin6_addr, &a[i].ip6addr, sizeof(v6->sin6_addr));
			v6->sin6_port = htons(q->items[idx].port);
			s->len = sizeof(*v6);
		}
	}
}

static void answer(struct sip_dns_query *q, size_t slot, int type, int status,
		   const unsigned char *abuf, int alen)
{
	const unsigned char *ok = status == ARES_SUCCESS ? abuf : NULL;

	if (type == ns_t_naptr)
		on_naptr(q, ok, alen);
	else if (type == ns_t_srv)
		on_srv(q, slot, ok, alen);
	else
		on_host(q, slot, type, ok, alen);
	if (status == ARES_ETIMEOUT && !q->res.error)
		q->res.error = -ETIMEDOUT;
	if (--q->outstanding == 0)
		stage_done(q);
}

static void query_free(struct sip_dns_query *q)
{
	struct sip_dns *dns = q->dns;

	loop_timer_stop(dns->loop, &q->done);
	if (q->prev)
		q->prev->next = q->next;
	else
		dns->queries = q->next;
	if (q->next)
		q->next->prev = q->prev;
	mem_free(q);
}

static void on_ares_answer(void *arg, int status, int timeouts, unsigned char *abuf, int alen)
{
	struct lookup *l = arg;
	struct sip_dns_query *q = l->q;

	if (status != ARES_EDESTRUCTION)
		cache_put(q->dns, l->name, l->type, status, abuf, alen);
	if (q->cancelled || q->dns->destroying) {
		q->outstanding--;
		if (q->outstanding == 0 && !q->dns->destroying)
			query_free(q);
	} else {
		answer(q, l->slot, l->type, status, abuf, alen);
	}
	mem_free(l);
}

static void lookup_start(struct sip_dns_query *q, size_t slot, const char *name, int type)
{
	struct cache_entry *e = cache_find(q->dns, name, type);
	struct lookup *l;

	q->outstanding++;
	if (e) {
		q->dns->stats.cache_hits++;
		answer(q, slot, type, e->status, e->abuf, e->alen);
		return;
	}
	l = mem_zalloc(sizeof(*l));
	if (!l) {
		answer(q, slot, type, ARES_ENOMEM, NULL, 0);
		return;
	}
	l->q = q;
	l->slot = slot;
	l->type = type;
	snprintf(l->name, sizeof(l->name), "%s", name);
	q->dns->stats.queries_sent++;
	ares_query(q->dns->channel, name, ns_c_in, type, on_ares_answer, l);
	ares_rearm(q->dns);
}

static void host_stage(struct sip_dns_query *q)
{
	q->stage = STAGE_HOST;
	/* one A and one AAAA per target; hold a reference across the loop so
	 * cached answers cannot finish the stage before all are started */
	q->outstanding++;
	for (size_t i = 0; i < q->nitems; i++) {
		lookup_start(q, 2 * i, q->items[i].target, ns_t_a);
		lookup_start(q, 2 * i + 1, q->items[i].target, ns_t_aaaa);
	}
	if (--q->outstanding == 0)
		stage_done(q);
}

/* No SRV: the host itself, with the default port (RFC 3263 §4.2). */
static void host_fallback(struct sip_dns_query *q)
{
	enum sip_proto p = q->proto >= 0 ? (enum sip_proto)q->proto
					 : q->sips ? SIP_PROTO_TLS : SIP_PROTO_UDP;

	q->nitems = 1;
	q->items[0].proto = p;
	q->items[0].port = q->port ? q->port : p == SIP_PROTO_TLS ? 5061 : 5060;
	snprintf(q->items[0].target, sizeof(q->items[0].target), "%s", q->host);
	host_stage(q);
}

static void srv_stage(struct sip_dns_query *q)
{
	q->stage = STAGE_SRV;
	q->outstanding++;
	for (size_t i = 0; i < q->nnames; i++)
		lookup_start(q, i, q->names[i].name, ns_t_srv);
	if (--q->outstanding == 0)
		stage_done(q);
}

static void default_srv_names(struct sip_dns_query *q)
{
	/* RFC 3263 §4.1, no NAPTR: SRV for each transport we support */
	static const enum sip_proto order[] = {SIP_PROTO_UDP, SIP_PROTO_TCP, SIP_PROTO_TLS};

	q->nnames = 0;
	for (size_t i = 0; i < 3; i++) {
		if (q->sips && order[i] != SIP_PROTO_TLS)
			continue;
		if (q->proto >= 0 && (int)order[i] != q->proto)
			continue;
		snprintf(q->names[q->nnames].name, sizeof(q->names[0].name), "%s%s",
			 srv_prefix[order[i]], q->host);
		q->names[q->nnames].proto = order[i];
		q->nnames++;
	}
}

static void stage_done(struct sip_dns_query *q)
{
	switch (q->stage) {
	case STAGE_NAPTR:
		if (q->nnames == 0)
			default_srv_names(q);
		srv_stage(q);
		return;
	case STAGE_SRV:
		q->nitems = 0;
		for (size_t i = 0; i < q->nnames; i++) {
			srv_order(q->dns, q->names[i].items, q->names[i].n);
			for (size_t k = 0; k < q->names[i].n && q->nitems < SIP_DNS_MAX_TARGETS; k++)
				q->items[q->nitems++] = q->names[i].items[k];
		}
		if (q->nitems == 0)
			host_fallback(q);
		else
			host_stage(q);
		return;
	case STAGE_HOST:
		for (size_t i = 0; i < q->nitems; i++) {
			for (size_t k = 0; k < q->addrs[i].n4 + q->addrs[i].n6; k++) {
				struct sip_dns_target *t;

				if (q->res.count == SIP_DNS_MAX_TARGETS)
					break;
				t = &q->res.targets[q->res.count++];
				t->proto = q->items[i].proto;
				t->addr = k < q->addrs[i].n4 ? q->addrs[i].a4[k]
							     : q->addrs[i].a6[k - q->addrs[i].n4];
				snprintf(t->host, sizeof(t->host), "%s", q->items[i].target);
			}
		}
		query_finish(q, q->res.count ? 0 : q->res.error ? q->res.error : -ENOENT);
		return;
	}
}

static void on_done(struct timer *t, void *arg)
{
	struct sip_dns_query *q = arg;

	if (q->cancelled)
		return;
	q->cb(q->arg, &q->res);
	if (q->outstanding == 0)
		query_free(q);
	else
		q->cancelled = true; /* freed when the last lookup answers */
}

int sip_dns_resolve(struct sip_dns *dns, const char *host, uint16_t port, int proto, bool sips,
		    sip_dns_fn cb, void *arg, struct sip_dns_query **out)
{
	struct sip_dns_query *q;
	struct sip_addr ip;

	if (strlen(host) >= sizeof(q->host))
		return -ENAMETOOLONG;
	q = mem_zalloc(sizeof(*q));
	if (!q)
		return -ENOMEM;
	q->dns = dns;
	q->cb = cb;
	q->arg = arg;
	q->port = port;
	q->proto = sips ? SIP_PROTO_TLS : proto;
	q->sips = sips;
	snprintf(q->host, sizeof(q->host), "%s", host);
	timer_setup(&q->done, on_done, q);
	q->next = dns->queries;
	if (q->next)
		q->next->prev = q;
	dns->queries = q;
	if (out)
		*out = q;

	/* a numeric address: no DNS at all (RFC 3263 §4.1, §4.2) */
	if (sip_addr_from_ip(host, 0, &ip) == 0) {
		enum sip_proto p = q->proto >= 0 ? (enum sip_proto)q->proto : SIP_PROTO_UDP;

		sip_addr_from_ip(host, port ? port : p == SIP_PROTO_TLS ? 5061 : 5060,
				 &q->res.targets[0].addr);
		q->res.targets[0].proto = p;
		snprintf(q->res.targets[0].host, sizeof(q->res.targets[0].host), "%s", host);
		q->res.count = 1;
		query_finish(q, 0);
		return 0;
	}
	if (port) { /* a port given: A/AAAA only */
		host_fallback(q);
		return 0;
	}
	if (q->proto >= 0) { /* a transport given: its SRV only */
		default_srv_names(q);
		srv_stage(q);
		return 0;
	}
	q->stage = STAGE_NAPTR;
	lookup_start(q, 0, host, ns_t_naptr);
	return 0;
}

void sip_dns_cancel(struct sip_dns_query *q)
{
	if (!q)
		return;
	q->cancelled = true;
	loop_timer_stop(q->dns->loop, &q->done);
	if (q->outstanding == 0)
		query_free(q);
}

void sip_dns_stats(const struct sip_dns *dns, struct sip_dns_stats *out)
{
	*out = dns->stats;
}

int sip_dns_new(struct loop *loop, const struct sip_dns_opts *opts, struct sip_dns **out)
{
	struct sip_dns *dns = mem_zalloc(sizeof(*dns));
	struct ares_options ao;
	int mask = ARES_OPT_SOCK_STATE_CB | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES;

	if (!dns)
		return -ENOMEM;
	dns->loop = loop;
	dns->opts = *opts;
	if (!dns->opts.timeout_ms)
		dns->opts.timeout_ms = 2000;
	if (!dns->opts.tries)
		dns->opts.tries = 2;
	if (!dns->opts.negative_ttl_s)
		dns->opts.negative_ttl_s = 30;
	dns->rnd = (uint32_t)loop_now_ns() | 1;
	timer_setup(&dns->ares_timer, on_ares_timer, dns);
	ares_library_init(ARES_LIB_INIT_ALL);
	memset(&ao, 0, sizeof(ao));
	ao.sock_state_cb = sock_state;
	ao.sock_state_cb_data = dns;
	ao.timeout = (int)dns->opts.timeout_ms;
	ao.tries = (int)dns->opts.tries;
	if (ares_init_options(&dns->channel, &ao, mask) != ARES_SUCCESS) {
		mem_free(dns);
		return -EIO;
	}
	if (opts->servers && ares_set_servers_ports_csv(dns->channel, opts->servers) != ARES_SUCCESS) {
		LOGP(LOGC_SIP, LOGL_ERROR, "DNS servers '%s' not understood", opts->servers);
		ares_destroy(dns->channel);
		mem_free(dns);
		return -EINVAL;
	}
	*out = dns;
	return 0;
}

void sip_dns_free(struct sip_dns *dns)
{
	if (!dns)
		return;
	dns->destroying = true;
	ares_destroy(dns->channel); /* answers every lookup with ARES_EDESTRUCTION */
	loop_timer_stop(dns->loop, &dns->ares_timer);
	for (int i = 0; i < MAX_SOCKS; i++)
		loop_watch_del(dns->loop, &dns->watches[i]);
	while (dns->queries)
		query_free(dns->queries);
	while (dns->cache) {
		struct cache_entry *e = dns->cache;

		dns->cache = e->next;
		mem_free(e->abuf);
		mem_free(e);
	}
	ares_library_cleanup();
	mem_free(dns);
}
