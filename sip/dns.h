/* dns.h: locating SIP servers, RFC 3263 §4, with c-ares on the signalling
 * loop (never blocking it).
 *
 * Given a host, an optional port and an optional transport from a SIP or
 * SIPS URI, produce the ordered list of (transport, address, port) targets
 * to try: a numeric address as it is; a port or transport given narrows
 * the search; otherwise NAPTR (services SIP+D2U, SIP+D2T, SIPS+D2T) leads to
 * SRV, SRV to A/AAAA, each SRV set ordered by priority and, within one,
 * by weighted random choice (RFC 2782); with nothing found, A/AAAA on the
 * host with the default port.  Answers are cached for their TTL (failures
 * for a short time).  The caller fails over along the list: next target on
 * a transaction timeout or a 503. */
#ifndef SGW_SIP_DNS_H
#define SGW_SIP_DNS_H

#include <stdbool.h>
#include <stdint.h>

#include "sip/transport.h"

struct loop;
struct sip_dns;
struct sip_dns_query;

#define SIP_DNS_MAX_TARGETS 16

struct sip_dns_target {
	enum sip_proto proto;
	struct sip_addr addr;
	char host[256]; /* the SRV target or host name (TLS checks this name) */
};

struct sip_dns_result {
	int error; /* 0, or -ENOENT (nothing found), -ETIMEDOUT, -EIO */
	size_t count;
	struct sip_dns_target targets[SIP_DNS_MAX_TARGETS];
};

typedef void (*sip_dns_fn)(void *arg, const struct sip_dns_result *res);

struct sip_dns_opts {
	const char *servers; /* "127.0.0.1:15353,[::1]:53"; NULL: /etc/resolv.conf */
	uint32_t timeout_ms; /* per try, default 2000 */
	uint32_t tries;	     /* default 2 */
	uint32_t negative_ttl_s; /* how long "no such record" is cached, default 30 */
};

struct sip_dns_stats {
	uint64_t queries_sent, cache_hits, cache_entries;
};

int sip_dns_new(struct loop *loop, const struct sip_dns_opts *opts, struct sip_dns **out);
void sip_dns_free(struct sip_dns *dns);

/* proto < 0: not given; port 0: not given.  The callback always comes later
 * from the loop, never from inside this call; *q may be NULL. */
int sip_dns_resolve(struct sip_dns *dns, const char *host, uint16_t port, int proto, bool sips,
		    sip_dns_fn cb, void *arg, struct sip_dns_query **q);
/* Forget a query: its callback will not come. */
void sip_dns_cancel(struct sip_dns_query *q);

void sip_dns_stats(const struct sip_dns *dns, struct sip_dns_stats *out);

#endif
