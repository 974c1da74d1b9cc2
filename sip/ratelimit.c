/* ratelimit.c: token buckets per source in a fixed table, see ratelimit.h. */
#include "config.h"

#include "sip/ratelimit.h"
#include "lib/clock.h"

#include <stdio.h>
#include <string.h>

void sip_ratelimit_init(struct sip_ratelimit *r, struct clock *clock, double rate, double burst)
{
	memset(r, 0, sizeof(*r));
	r->clock = clock;
	r->rate = rate > 0 ? rate : 1;
	r->burst = burst >= 1 ? burst : 1;
}

static uint32_t hash(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

/* The entry of source among 8 probed slots, else the stalest of them. */
static struct sip_ratelimit_entry *slot(const struct sip_ratelimit *r, const char *source,
					bool *found)
{
	uint32_t h = hash(source);
	const struct sip_ratelimit_entry *stalest = NULL;

	for (uint32_t k = 0; k < 8; k++) {
		const struct sip_ratelimit_entry *e = &r->slots[(h + k) % SIP_RATELIMIT_SLOTS];

		if (!strncmp(e->key, source, sizeof(e->key) - 1) && e->key[0]) {
			*found = true;
			return (struct sip_ratelimit_entry *)e;
		}
		if (!stalest || e->last_ns < stalest->last_ns)
			stalest = e;
	}
	*found = false;
	return (struct sip_ratelimit_entry *)stalest;
}

static void refill(const struct sip_ratelimit *r, struct sip_ratelimit_entry *e, uint64_t now)
{
	e->tokens += (double)(now - e->last_ns) / 1e9 * r->rate;
	if (e->tokens > r->burst)
		e->tokens = r->burst;
	e->last_ns = now;
}

bool sip_ratelimit_take(struct sip_ratelimit *r, const char *source)
{
	uint64_t now = clock_now_ns(r->clock);
	bool found;
	struct sip_ratelimit_entry *e = slot(r, source, &found);

	if (!found) {
		snprintf(e->key, sizeof(e->key), "%s", source);
		e->tokens = r->burst;
		e->last_ns = now;
	}
	refill(r, e, now);
	if (e->tokens >= 1.0) {
		e->tokens -= 1.0;
		r->allowed++;
		return true;
	}
	r->refused++;
	return false;
}

uint32_t sip_ratelimit_retry_after(const struct sip_ratelimit *r, const char *source)
{
	bool found;
	struct sip_ratelimit_entry *e = slot(r, source, &found);
	double missing;

	if (!found)
		return 1;
	missing = 1.0 - e->tokens;
	if (missing <= 0)
		return 1;
	return (uint32_t)(missing / r->rate) + 1;
}
