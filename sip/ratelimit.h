/* ratelimit.h: per-source token buckets, for INVITE floods.
 *
 * Each source (an address as text) gets `burst` tokens that refill at
 * `rate` per second; a request that finds no token is refused (the caller
 * answers 503 with Retry-After, or drops it).  The table has a fixed size:
 * an attacker who cycles through addresses recycles the stalest entries and
 * never grows memory. */
#ifndef SGW_SIP_RATELIMIT_H
#define SGW_SIP_RATELIMIT_H

#include <stdbool.h>
#include <stdint.h>

struct clock;

#define SIP_RATELIMIT_SLOTS 4096

struct sip_ratelimit_entry {
	char key[48];
	double tokens;
	uint64_t last_ns;
};

struct sip_ratelimit {
	struct clock *clock;
	double rate, burst;
	uint64_t allowed, refused;
	struct sip_ratelimit_entry slots[SIP_RATELIMIT_SLOTS];
};

/* rate: requests per second sustained; burst: how many at once. */
void sip_ratelimit_init(struct sip_ratelimit *r, struct clock *clock, double rate, double burst);
/* Take a token for source; false: over the limit. */
bool sip_ratelimit_take(struct sip_ratelimit *r, const char *source);
/* Seconds until source has a token again (for Retry-After), at least 1. */
uint32_t sip_ratelimit_retry_after(const struct sip_ratelimit *r, const char *source);

#endif
