/* reg.h: the registration client of one trunk (RFC 3261 §10, refresh and
 * retry as RFC 5626 §4.5 describes for flows).
 *
 * A table-driven state machine.  It decides when to send REGISTER and with
 * which expiry, and reads what came back; building and sending the message
 * (and answering a digest challenge) is the owner's, through ops.
 *   - refresh before the granted expiry runs out;
 *   - 401/407: send again with credentials, once per challenge: a second
 *     challenge straight after an authenticated attempt is a failure
 *     (wrong password) unless the owner says the nonce was stale;
 *   - 423 Interval Too Brief: retry at once with the Min-Expires asked for;
 *   - any other failure or a timeout: wait and retry, the wait doubling from
 *     a base (30 s when it has never worked, 90 s when it had) up to a
 *     maximum (30 min), drawn between 50 and 100 % of that (RFC 5626 §4.5);
 *   - stop: unregister (Expires: 0) if registered, and finish. */
#ifndef SGW_SIP_REG_H
#define SGW_SIP_REG_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/clock.h"
#include "lib/timer.h"

enum sip_reg_state {
	SIP_REG_IDLE,
	SIP_REG_REGISTERING,
	SIP_REG_REGISTERED,
	SIP_REG_REFRESHING,
	SIP_REG_WAITING, /* failed; retry timer running */
	SIP_REG_UNREGISTERING,
	SIP_REG_STATE_COUNT
};

extern const char *const sip_reg_state_names[SIP_REG_STATE_COUNT];

struct sip_reg_ops {
	/* build and send REGISTER; with_auth: answer the last challenge */
	void (*send)(void *arg, uint32_t expires, bool with_auth);
	/* state changes, for logs, `sipgwctl show registrations` and traces */
	void (*changed)(void *arg, enum sip_reg_state from, enum sip_reg_state to,
			const char *why);
	/* random in [0, 1) for the retry spread; NULL: a built-in generator */
	double (*random)(void *arg);
};

struct sip_reg_opts {
	uint32_t expires_s;	   /* asked for, default 3600 */
	uint32_t base_time_ok_s;   /* retry base when it had worked, default 90 */
	uint32_t base_time_fail_s; /* retry base when it never did, default 30 */
	uint32_t max_time_s;	   /* retry ceiling, default 1800 */
};

struct sip_reg {
	enum sip_reg_state state;
	struct clock *clock;
	struct sip_reg_opts opts;
	const struct sip_reg_ops *ops;
	void *arg;
	struct timer timer;
	uint32_t expires;	/* what we ask for now (grows on 423) */
	uint32_t granted;	/* what the registrar gave */
	uint32_t failures;	/* consecutive */
	bool ever_registered;
	bool auth_sent;		/* the last REGISTER carried credentials */
	bool stopping;
	int last_status;
	uint64_t registered_until_ns, next_action_ns;
	uint32_t rng;
};

void sip_reg_init(struct sip_reg *r, struct clock *clock, const struct sip_reg_opts *opts,
		  const struct sip_reg_ops *ops, void *arg);
void sip_reg_release(struct sip_reg *r);

void sip_reg_start(struct sip_reg *r);
/* A final response to our REGISTER (408 for a transaction timeout).
 * expires: what the 2xx granted for our contact (0: not given, keep ours);
 * min_expires: the Min-Expires of a 423; stale: a 401/407 said stale=true. */
void sip_reg_response(struct sip_reg *r, int status, uint32_t expires, uint32_t min_expires,
		      bool stale);
/* Unregister if registered; IDLE when done (or at once if nothing to undo). */
void sip_reg_stop(struct sip_reg *r);

#endif
