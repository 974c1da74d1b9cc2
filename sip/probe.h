/* probe.h: OPTIONS pings that mark a trunk up or down (RFC 3261 §11).
 *
 * Every interval the owner is asked to send OPTIONS to the trunk and tell
 * the probe what came back.  Any response but 408 and 503 proves the peer is
 * there (a 404 or 405 to OPTIONS is still an answer); a timeout, 408 or 503
 * counts as a failure.  The trunk goes down after down_after failures in a
 * row and up again after up_after successes; while down it is probed at a
 * shorter interval so it comes back quickly. */
#ifndef SGW_SIP_PROBE_H
#define SGW_SIP_PROBE_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/clock.h"
#include "lib/timer.h"

enum sip_probe_state { SIP_PROBE_UNKNOWN, SIP_PROBE_UP, SIP_PROBE_DOWN };

extern const char *const sip_probe_state_names[];

struct sip_probe_ops {
	void (*send)(void *arg);
	void (*changed)(void *arg, enum sip_probe_state from, enum sip_probe_state to,
			int last_status);
};

struct sip_probe_opts {
	uint32_t interval_s;	  /* default 30 */
	uint32_t down_interval_s; /* default 10 */
	uint32_t up_after;	  /* successes in a row, default 1 */
	uint32_t down_after;	  /* failures in a row, default 2 */
};

struct sip_probe {
	enum sip_probe_state state;
	struct clock *clock;
	struct sip_probe_opts opts;
	const struct sip_probe_ops *ops;
	void *arg;
	struct timer timer;
	uint32_t successes, failures;
	bool outstanding; /* an OPTIONS is on its way */
	int last_status;
	uint64_t sent, answered;
};

void sip_probe_init(struct sip_probe *p, struct clock *clock, const struct sip_probe_opts *opts,
		    const struct sip_probe_ops *ops, void *arg);
void sip_probe_start(struct sip_probe *p); /* first OPTIONS now */
void sip_probe_release(struct sip_probe *p);
/* The final response (408 for a transaction timeout). */
void sip_probe_response(struct sip_probe *p, int status);

#endif
