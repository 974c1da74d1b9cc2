/* probe.c: OPTIONS trunk monitor, see probe.h. */
#include "config.h"

#include "sip/probe.h"
#include "lib/log.h"

#include <string.h>

const char *const sip_probe_state_names[] = {"unknown", "up", "down"};

static void schedule(struct sip_probe *p)
{
	uint32_t s = p->state == SIP_PROBE_DOWN ? p->opts.down_interval_s : p->opts.interval_s;

	clock_timer_start_ms(p->clock, &p->timer, (uint64_t)s * 1000);
}

static void set_state(struct sip_probe *p, enum sip_probe_state to)
{
	enum sip_probe_state from = p->state;

	if (from == to)
		return;
	p->state = to;
	if (p->ops->changed)
		p->ops->changed(p->arg, from, to, p->last_status);
}

static void on_timer(struct timer *t, void *arg)
{
	struct sip_probe *p = arg;

	if (p->outstanding) /* the last one never came back: its transaction will say 408 */
		return schedule(p);
	p->outstanding = true;
	p->sent++;
	p->ops->send(p->arg);
	schedule(p);
}

void sip_probe_init(struct sip_probe *p, struct clock *clock, const struct sip_probe_opts *opts,
		    const struct sip_probe_ops *ops, void *arg)
{
	memset(p, 0, sizeof(*p));
	p->clock = clock;
	p->opts = *opts;
	if (!p->opts.interval_s)
		p->opts.interval_s = 30;
	if (!p->opts.down_interval_s)
		p->opts.down_interval_s = 10;
	if (!p->opts.up_after)
		p->opts.up_after = 1;
	if (!p->opts.down_after)
		p->opts.down_after = 2;
	p->ops = ops;
	p->arg = arg;
	timer_setup(&p->timer, on_timer, p);
}

void sip_probe_start(struct sip_probe *p)
{
	on_timer(&p->timer, p);
}

void sip_probe_release(struct sip_probe *p)
{
	clock_timer_stop(p->clock, &p->timer);
}

void sip_probe_response(struct sip_probe *p, int status)
{
	bool ok = status >= 200 && status != 408 && status != 503;

	if (status < 200)
		return; /* provisional: the final one decides */
	p->outstanding = false;
	p->last_status = status;
	p->answered++;
	if (ok) {
		p->failures = 0;
		if (++p->successes >= p->opts.up_after && p->state != SIP_PROBE_UP) {
			bool was_down = p->state == SIP_PROBE_DOWN;

			set_state(p, SIP_PROBE_UP);
			if (was_down)
				schedule(p); /* back to the normal interval */
		}
	} else {
		p->successes = 0;
		if (++p->failures >= p->opts.down_after && p->state != SIP_PROBE_DOWN) {
			LOGP(LOGC_SIP, LOGL_WARNING, "trunk down: %u OPTIONS failed in a row (last %d)",
			     p->failures, status);
			set_state(p, SIP_PROBE_DOWN);
			schedule(p); /* probe faster from now on */
		}
	}
}
