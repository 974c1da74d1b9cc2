/* reg.c: registration client state machine, see reg.h.
 *
 * Events and what each state does with them:
 *
 *   state          start     2xx          401/407        423          fail/408    timer      stop
 *   Idle           send      -            -              -            -           -          -
 *   Registering    -         Registered   send w/ auth*  send larger  Waiting     -          Idle**
 *   Registered     -         -            -              -            -           Refreshing Unregistering
 *   Refreshing     -         Registered   send w/ auth*  send larger  Waiting     -          Unregistering
 *   Waiting        -         -            -              -            -           Registering Idle
 *   Unregistering  -         Idle         send w/ auth*  Idle         Idle        -          -
 *
 *   *  a challenge right after an authenticated attempt, not stale, is a failure
 *   ** nothing is registered yet: forget the attempt
 * "-": not permitted, logged and ignored. */
#include "config.h"

#include "sip/reg.h"
#include "lib/log.h"

#include <string.h>

const char *const sip_reg_state_names[SIP_REG_STATE_COUNT] = {
	"idle", "registering", "registered", "refreshing", "waiting", "unregistering"};

static void set_state(struct sip_reg *r, enum sip_reg_state to, const char *why)
{
	enum sip_reg_state from = r->state;

	r->state = to;
	if (r->ops->changed)
		r->ops->changed(r->arg, from, to, why);
}

static double rnd(struct sip_reg *r)
{
	if (r->ops->random)
		return r->ops->random(r->arg);
	r->rng = r->rng * 1664525u + 1013904223u;
	return (double)(r->rng >> 8) / (double)(1u << 24);
}

static void send_register(struct sip_reg *r, uint32_t expires, bool with_auth)
{
	r->auth_sent = with_auth;
	r->ops->send(r->arg, expires, with_auth);
}

static void timer_at(struct sip_reg *r, uint64_t delay_ms)
{
	r->next_action_ns = clock_now_ns(r->clock) + delay_ms * 1000000ull;
	clock_timer_start_ms(r->clock, &r->timer, delay_ms);
}

/* Refresh before expiry: halfway for short registrations, a minute before
 * for long ones. */
static uint64_t refresh_delay_ms(uint32_t granted)
{
	uint32_t lead = granted / 2 < 60 ? granted / 2 : 60;

	return (uint64_t)(granted - lead) * 1000;
}

/* RFC 5626 §4.5: min(max-time, base-time * 2^failures), times 50..100 %. */
static uint64_t backoff_ms(struct sip_reg *r)
{
	uint64_t base = r->ever_registered ? r->opts.base_time_ok_s : r->opts.base_time_fail_s;
	uint64_t wait = base;

	for (uint32_t i = 1; i < r->failures && wait < r->opts.max_time_s; i++)
		wait *= 2;
	if (wait > r->opts.max_time_s)
		wait = r->opts.max_time_s;
	return (uint64_t)((double)wait * 1000.0 * (0.5 + 0.5 * rnd(r)));
}

static void not_permitted(struct sip_reg *r, const char *what)
{
	LOGP(LOGC_SIP, LOGL_NOTICE, "registration in state %s: %s not permitted",
	     sip_reg_state_names[r->state], what);
}

static void on_timer(struct timer *t, void *arg)
{
	struct sip_reg *r = arg;

	switch (r->state) {
	case SIP_REG_REGISTERED:
		set_state(r, SIP_REG_REFRESHING, "refresh before expiry");
		send_register(r, r->expires, false);
		break;
	case SIP_REG_WAITING:
		set_state(r, SIP_REG_REGISTERING, "retry");
		send_register(r, r->expires, false);
		break;
	default:
		not_permitted(r, "timer");
		break;
	}
}

void sip_reg_init(struct sip_reg *r, struct clock *clock, const struct sip_reg_opts *opts,
		  const struct sip_reg_ops *ops, void *arg)
{
	memset(r, 0, sizeof(*r));
	r->clock = clock;
	r->opts = *opts;
	if (!r->opts.expires_s)
		r->opts.expires_s = 3600;
	if (!r->opts.base_time_ok_s)
		r->opts.base_time_ok_s = 90;
	if (!r->opts.base_time_fail_s)
		r->opts.base_time_fail_s = 30;
	if (!r->opts.max_time_s)
		r->opts.max_time_s = 1800;
	r->ops = ops;
	r->arg = arg;
	r->expires = r->opts.expires_s;
	r->rng = (uint32_t)clock_now_ns(clock) | 1;
	timer_setup(&r->timer, on_timer, r);
}

void sip_reg_release(struct sip_reg *r)
{
	clock_timer_stop(r->clock, &r->timer);
}

void sip_reg_start(struct sip_reg *r)
{
	if (r->state != SIP_REG_IDLE) {
		not_permitted(r, "start");
		return;
	}
	r->stopping = false;
	set_state(r, SIP_REG_REGISTERING, "start");
	send_register(r, r->expires, false);
}

static void fail(struct sip_reg *r, const char *why)
{
	uint64_t wait;

	r->failures++;
	wait = backoff_ms(r);
	set_state(r, SIP_REG_WAITING, why);
	timer_at(r, wait);
}

void sip_reg_response(struct sip_reg *r, int status, uint32_t expires, uint32_t min_expires,
		      bool stale)
{
	bool sending = r->state == SIP_REG_REGISTERING || r->state == SIP_REG_REFRESHING;

	r->last_status = status;
	if (!sending && r->state != SIP_REG_UNREGISTERING) {
		not_permitted(r, "response");
		return;
	}
	if (status >= 200 && status < 300) {
		if (r->state == SIP_REG_UNREGISTERING) {
			set_state(r, SIP_REG_IDLE, "unregistered");
			return;
		}
		r->granted = expires ? expires : r->expires;
		r->failures = 0;
		r->ever_registered = true;
		r->registered_until_ns = clock_now_ns(r->clock) + (uint64_t)r->granted * 1000000000ull;
		set_state(r, SIP_REG_REGISTERED, "2xx");
		timer_at(r, refresh_delay_ms(r->granted));
		return;
	}
	if (status == 401 || status == 407) {
		if (r->auth_sent && !stale) {
			if (r->state == SIP_REG_UNREGISTERING)
				set_state(r, SIP_REG_IDLE, "unregister refused: credentials");
			else
				fail(r, "credentials refused");
			return;
		}
		send_register(r, r->state == SIP_REG_UNREGISTERING ? 0 : r->expires, true);
		return;
	}
	if (status == 423 && sending && min_expires > r->expires) {
		/* RFC 3261 §10.2.8: ask again for at least Min-Expires */
		r->expires = min_expires;
		send_register(r, r->expires, r->auth_sent);
		return;
	}
	if (r->state == SIP_REG_UNREGISTERING) {
		set_state(r, SIP_REG_IDLE, "unregister failed");
		return;
	}
	fail(r, status == 408 ? "no answer" : "refused");
}

void sip_reg_stop(struct sip_reg *r)
{
	r->stopping = true;
	clock_timer_stop(r->clock, &r->timer);
	switch (r->state) {
	case SIP_REG_REGISTERED:
	case SIP_REG_REFRESHING:
		set_state(r, SIP_REG_UNREGISTERING, "stop");
		send_register(r, 0, false);
		break;
	case SIP_REG_REGISTERING:
	case SIP_REG_WAITING:
		set_state(r, SIP_REG_IDLE, "stop");
		break;
	default:
		not_permitted(r, "stop");
		break;
	}
}
