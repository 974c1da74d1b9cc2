/* tsx.c: the SIP transaction state machines as one table (RFC 3261 §17,
 * figures 5 to 8, with RFC 6026 §7: the Accepted state and Timers L and M
 * that replace "Terminated on 2xx", so retransmitted 2xx and INVITEs are
 * absorbed instead of creating new transactions).
 *
 * Each row: kind, state, event -> next state, action.  The action does the
 * sending and the timers; a row whose next state is Terminated ends the
 * transaction after its action.  Timer values (RFC 3261 table 4):
 *   A  INVITE retransmit, T1 doubling             B  INVITE timeout 64*T1
 *   D  wait for response retransmits: 32 s / 0    E  non-INVITE retransmit, T1 doubling to T2
 *   F  non-INVITE timeout 64*T1                   G  INVITE response retransmit, T1 doubling to T2
 *   H  wait for ACK 64*T1                         I  wait for ACK retransmits T4 / 0
 *   J  wait for request retransmits 64*T1 / 0     K  wait for response retransmits T4 / 0
 *   L  server Accepted 64*T1 (RFC 6026)           M  client Accepted 64*T1 (RFC 6026)
 * "/ 0": zero over reliable transports, where nothing is retransmitted. */
#include "config.h"

#include "sip/tsx.h"
#include "lib/log.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

const char *const sip_tsx_kind_names[SIP_TSX_KIND_COUNT] = {"ICT", "NICT", "IST", "NIST"};
const char *const sip_tsx_state_names[SIP_TSX_STATE_COUNT] = {
	"Null", "Calling", "Trying", "Proceeding", "Completed", "Confirmed", "Accepted", "Terminated"};
const char *const sip_tsx_event_names[SIP_TSX_EVENT_COUNT] = {
	"start",     "rx 1xx",	  "rx 2xx",   "rx final", "rx request",	     "rx ACK",
	"TU 1xx",    "TU 2xx",	  "TU final", "retransmit timer", "timeout timer",
	"transport error"};

/* ---- actions ---------------------------------------------------------------- */

typedef void (*tsx_action)(struct sip_tsx *t);

static void send_buf(struct sip_tsx *t, const struct buf *b)
{
	/* a failure becomes a transport error event once the action is done */
	if (b->len && t->ops->send(t->arg, b->p, b->len) < 0)
		t->send_failed = true;
}

static void retrans_start(struct sip_tsx *t, char name, uint32_t ms)
{
	t->retrans_name = name;
	t->retrans_ms = ms;
	clock_timer_start_ms(t->clock, &t->retrans, ms);
}

static void retrans_stop(struct sip_tsx *t)
{
	t->retrans_name = 0;
	clock_timer_stop(t->clock, &t->retrans);
}

/* Start the state's timeout timer; a zero value (reliable transports)
 * fires on the clock's next turn. */
static void timeout_start(struct sip_tsx *t, char name, uint64_t ms)
{
	t->timeout_name = name;
	clock_timer_start_ms(t->clock, &t->timeout, ms);
}

static uint64_t t64(const struct sip_tsx *t)
{
	return 64ull * t->timers.t1_ms;
}

static void act_none(struct sip_tsx *t)
{
	(void)t;
}

/* ICT: send INVITE, A (unreliable) and B; §17.1.1.2 */
static void act_ict_start(struct sip_tsx *t)
{
	if (!t->reliable)
		retrans_start(t, 'A', t->timers.t1_ms);
	timeout_start(t, 'B', t64(t));
	send_buf(t, &t->request);
}

static void act_ict_retransmit(struct sip_tsx *t)
{
	/* Timer A doubles without the T2 cap of non-INVITE (§17.1.1.2) */
	retrans_start(t, 'A', t->retrans_ms * 2);
	send_buf(t, &t->request);
}

static void act_ict_timeout_b(struct sip_tsx *t)
{
	retrans_stop(t);
	if (t->ops->timeout)
		t->ops->timeout(t->arg, 'B');
}

static void act_ict_1xx(struct sip_tsx *t)
{
	/* Proceeding: no more retransmissions, and Timer B no longer applies */
	retrans_stop(t);
	t->timeout_name = 0;
	clock_timer_stop(t->clock, &t->timeout);
	t->ops->response(t->arg, t->status);
}

static void act_pass_up(struct sip_tsx *t)
{
	t->ops->response(t->arg, t->status);
}

static void act_ict_2xx(struct sip_tsx *t)
{
	retrans_stop(t);
	timeout_start(t, 'M', t64(t)); /* RFC 6026 §7.2 */
	t->ops->response(t->arg, t->status);
}

static void act_ict_final(struct sip_tsx *t)
{
	/* §17.1.1.3: ACK the non-2xx final, pass it up, wait for retransmits */
	retrans_stop(t);
	timeout_start(t, 'D', t->reliable ? 0 : 32000);
	send_buf(t, &t->ack);
	t->ops->response(t->arg, t->status);
}

static void act_resend_ack(struct sip_tsx *t)
{
	send_buf(t, &t->ack);
}

/* NICT: §17.1.2.2 */
static void act_nict_start(struct sip_tsx *t)
{
	if (!t->reliable)
		retrans_start(t, 'E', t->timers.t1_ms);
	timeout_start(t, 'F', t64(t));
	send_buf(t, &t->request);
}

static void act_nict_retransmit_trying(struct sip_tsx *t)
{
	uint32_t next = t->retrans_ms * 2;

	retrans_start(t, 'E', next < t->timers.t2_ms ? next : t->timers.t2_ms);
	send_buf(t, &t->request);
}

static void act_nict_retransmit_proceeding(struct sip_tsx *t)
{
	retrans_start(t, 'E', t->timers.t2_ms);
	send_buf(t, &t->request);
}

static void act_nict_timeout_f(struct sip_tsx *t)
{
	retrans_stop(t);
	if (t->ops->timeout)
		t->ops->timeout(t->arg, 'F');
}

static void act_nict_final(struct sip_tsx *t)
{
	retrans_stop(t);
	timeout_start(t, 'K', t->reliable ? 0 : t->timers.t4_ms);
	t->ops->response(t->arg, t->status);
}

/* IST: §17.2.1 */
static void act_ist_start(struct sip_tsx *t)
{
	send_buf(t, &t->response); /* the 100 Trying, if the TU gave one */
}

static void act_resend_response(struct sip_tsx *t)
{
	send_buf(t, &t->response);
}

static void act_ist_2xx(struct sip_tsx *t)
{
	timeout_start(t, 'L', t64(t)); /* RFC 6026 §7.1 */
	send_buf(t, &t->response);
}

static void act_ist_final(struct sip_tsx *t)
{
	if (!t->reliable)
		retrans_start(t, 'G', t->timers.t1_ms);
	timeout_start(t, 'H', t64(t));
	send_buf(t, &t->response);
}

static void act_ist_retransmit(struct sip_tsx *t)
{
	uint32_t next = t->retrans_ms * 2;

	retrans_start(t, 'G', next < t->timers.t2_ms ? next : t->timers.t2_ms);
	send_buf(t, &t->response);
}

static void act_ist_timeout_h(struct sip_tsx *t)
{
	retrans_stop(t);
	if (t->ops->timeout)
		t->ops->timeout(t->arg, 'H');
}

static void act_ist_ack(struct sip_tsx *t)
{
	retrans_stop(t);
	timeout_start(t, 'I', t->reliable ? 0 : t->timers.t4_ms);
}

static void act_ist_ack_accepted(struct sip_tsx *t)
{
	if (t->ops->ack)
		t->ops->ack(t->arg);
}

/* NIST: §17.2.2 */
static void act_nist_final(struct sip_tsx *t)
{
	timeout_start(t, 'J', t->reliable ? 0 : t64(t));
	send_buf(t, &t->response);
}

static void act_transport_error(struct sip_tsx *t)
{
	retrans_stop(t);
	if (t->ops->transport_error)
		t->ops->transport_error(t->arg);
}

/* ---- the table -------------------------------------------------------------- */

struct tsx_row {
	enum sip_tsx_kind kind;
	enum sip_tsx_state state;
	enum sip_tsx_event ev;
	enum sip_tsx_state next;
	tsx_action action;
};

#define ROW(k, s, e, n, a) {SIP_TSX_##k, SIP_TSX_##s, SIP_TSX_EV_##e, SIP_TSX_##n, a}

static const struct tsx_row rows[] = {
	/* INVITE client, figure 5 + RFC 6026 figure 3 */
	ROW(ICT, NULL, START, CALLING, act_ict_start),
	ROW(ICT, CALLING, TIMER_RETRANS, CALLING, act_ict_retransmit),
	ROW(ICT, CALLING, TIMER_TIMEOUT, TERMINATED, act_ict_timeout_b),
	ROW(ICT, CALLING, RX_1XX, PROCEEDING, act_ict_1xx),
	ROW(ICT, CALLING, RX_2XX, ACCEPTED, act_ict_2xx),
	ROW(ICT, CALLING, RX_FINAL, COMPLETED, act_ict_final),
	ROW(ICT, CALLING, TRANSPORT_ERROR, TERMINATED, act_transport_error),
	ROW(ICT, PROCEEDING, RX_1XX, PROCEEDING, act_pass_up),
	ROW(ICT, PROCEEDING, RX_2XX, ACCEPTED, act_ict_2xx),
	ROW(ICT, PROCEEDING, RX_FINAL, COMPLETED, act_ict_final),
	ROW(ICT, PROCEEDING, TRANSPORT_ERROR, TERMINATED, act_transport_error),
	ROW(ICT, COMPLETED, RX_FINAL, COMPLETED, act_resend_ack),
	ROW(ICT, COMPLETED, RX_1XX, COMPLETED, act_none),
	ROW(ICT, COMPLETED, TIMER_TIMEOUT, TERMINATED, act_none),
	ROW(ICT, COMPLETED, TRANSPORT_ERROR, TERMINATED, act_transport_error),
	ROW(ICT, ACCEPTED, RX_2XX, ACCEPTED, act_pass_up),
	ROW(ICT, ACCEPTED, RX_1XX, ACCEPTED, act_none),
	ROW(ICT, ACCEPTED, RX_FINAL, ACCEPTED, act_none),
	ROW(ICT, ACCEPTED, TIMER_TIMEOUT, TERMINATED, act_none),

	/* non-INVITE client, figure 6 */
	ROW(NICT, NULL, START, TRYING, act_nict_start),
	ROW(NICT, TRYING, TIMER_RETRANS, TRYING, act_nict_retransmit_trying),
	ROW(NICT, TRYING, TIMER_TIMEOUT, TERMINATED, act_nict_timeout_f),
	ROW(NICT, TRYING, RX_1XX, PROCEEDING, act_pass_up),
	ROW(NICT, TRYING, RX_2XX, COMPLETED, act_nict_final),
	ROW(NICT, TRYING, RX_FINAL, COMPLETED, act_nict_final),
	ROW(NICT, TRYING, TRANSPORT_ERROR, TERMINATED, act_transport_error),
	ROW(NICT, PROCEEDING, TIMER_RETRANS, PROCEEDING, act_nict_retransmit_proceeding),
	ROW(NICT, PROCEEDING, TIMER_TIMEOUT, TERMINATED, act_nict_timeout_f),
	ROW(NICT, PROCEEDING, RX_1XX, PROCEEDING, act_pass_up),
	ROW(NICT, PROCEEDING, RX_2XX, COMPLETED, act_nict_final),
	ROW(NICT, PROCEEDING, RX_FINAL, COMPLETED, act_nict_final),
	ROW(NICT, PROCEEDING, TRANSPORT_ERROR, TERMINATED, act_transport_error),
	ROW(NICT, COMPLETED, RX_1XX, COMPLETED, act_none),
	ROW(NICT, COMPLETED, RX_2XX, COMPLETED, act_none),
	ROW(NICT, COMPLETED, RX_FINAL, COMPLETED, act_none),
	ROW(NICT, COMPLETED, TIMER_TIMEOUT, TERMINATED, act_none),

	/* INVITE server, figure 7 + RFC 6026 figure 5 */
	ROW(IST, NULL, START, PROCEEDING, act_ist_start),
	ROW(IST, PROCEEDING, RX_REQUEST, PROCEEDING, act_resend_response),
	ROW(IST, PROCEEDING, TU_1XX, PROCEEDING, act_resend_response),
	ROW(IST, PROCEEDING, TU_2XX, ACCEPTED, act_ist_2xx),
	ROW(IST, PROCEEDING, TU_FINAL, COMPLETED, act_ist_final),
	ROW(IST, PROCEEDING, TRANSPORT_ERROR, TERMINATED, act_transport_error),
	ROW(IST, COMPLETED, TIMER_RETRANS, COMPLETED, act_ist_retransmit),
	ROW(IST, COMPLETED, TIMER_TIMEOUT, TERMINATED, act_ist_timeout_h),
	ROW(IST, COMPLETED, RX_REQUEST, COMPLETED, act_resend_response),
	ROW(IST, COMPLETED, RX_ACK, CONFIRMED, act_ist_ack),
	ROW(IST, COMPLETED, TRANSPORT_ERROR, TERMINATED, act_transport_error),
	ROW(IST, CONFIRMED, RX_ACK, CONFIRMED, act_none),
	ROW(IST, CONFIRMED, RX_REQUEST, CONFIRMED, act_none),
	ROW(IST, CONFIRMED, TIMER_TIMEOUT, TERMINATED, act_none),
	ROW(IST, ACCEPTED, RX_REQUEST, ACCEPTED, act_none),
	ROW(IST, ACCEPTED, RX_ACK, ACCEPTED, act_ist_ack_accepted),
	ROW(IST, ACCEPTED, TU_2XX, ACCEPTED, act_resend_response),
	ROW(IST, ACCEPTED, TIMER_TIMEOUT, TERMINATED, act_none),
	ROW(IST, ACCEPTED, TRANSPORT_ERROR, ACCEPTED, act_none), /* the TU retransmits 2xx */

	/* non-INVITE server, figure 8 */
	ROW(NIST, NULL, START, TRYING, act_none),
	ROW(NIST, TRYING, RX_REQUEST, TRYING, act_none),
	ROW(NIST, TRYING, TU_1XX, PROCEEDING, act_resend_response),
	ROW(NIST, TRYING, TU_2XX, COMPLETED, act_nist_final),
	ROW(NIST, TRYING, TU_FINAL, COMPLETED, act_nist_final),
	ROW(NIST, PROCEEDING, RX_REQUEST, PROCEEDING, act_resend_response),
	ROW(NIST, PROCEEDING, TU_1XX, PROCEEDING, act_resend_response),
	ROW(NIST, PROCEEDING, TU_2XX, COMPLETED, act_nist_final),
	ROW(NIST, PROCEEDING, TU_FINAL, COMPLETED, act_nist_final),
	ROW(NIST, PROCEEDING, TRANSPORT_ERROR, TERMINATED, act_transport_error),
	ROW(NIST, COMPLETED, RX_REQUEST, COMPLETED, act_resend_response),
	ROW(NIST, COMPLETED, TIMER_TIMEOUT, TERMINATED, act_none),
	ROW(NIST, COMPLETED, TRANSPORT_ERROR, TERMINATED, act_transport_error),
};

static const struct tsx_row *row_find(enum sip_tsx_kind k, enum sip_tsx_state s,
				      enum sip_tsx_event e)
{
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		if (rows[i].kind == k && rows[i].state == s && rows[i].ev == e)
			return &rows[i];
	return NULL;
}

static void trace(struct sip_tsx *t, enum sip_tsx_state from, enum sip_tsx_event ev,
		  const char *what)
{
	char line[160];
	char timer[16] = "";

	if (!t->ops->trace)
		return;
	if (ev == SIP_TSX_EV_TIMER_RETRANS || ev == SIP_TSX_EV_TIMER_TIMEOUT)
		snprintf(timer, sizeof(timer), " %c", ev == SIP_TSX_EV_TIMER_RETRANS
							 ? t->retrans_name
							 : t->timeout_name);
	snprintf(line, sizeof(line), "%s %s --%s%s--> %s%s", sip_tsx_kind_names[t->kind],
		 sip_tsx_state_names[from], sip_tsx_event_names[ev], timer,
		 sip_tsx_state_names[t->state], what);
	t->ops->trace(t->arg, line);
}

bool sip_tsx_event(struct sip_tsx *t, enum sip_tsx_event ev)
{
	const struct tsx_row *r = row_find(t->kind, t->state, ev);
	enum sip_tsx_state from = t->state;

	if (!r) {
		LOGP(LOGC_SIP, LOGL_DEBUG, "%s transaction in %s: %s not permitted",
		     sip_tsx_kind_names[t->kind], sip_tsx_state_names[t->state],
		     sip_tsx_event_names[ev]);
		if (t->ops->trace) {
			char line[160];

			snprintf(line, sizeof(line), "%s %s --%s--> (not permitted)",
				 sip_tsx_kind_names[t->kind], sip_tsx_state_names[t->state],
				 sip_tsx_event_names[ev]);
			t->ops->trace(t->arg, line);
		}
		return false;
	}
	t->state = r->next;
	trace(t, from, ev, "");
	r->action(t);
	if (t->send_failed) {
		t->send_failed = false;
		if (t->state != SIP_TSX_TERMINATED)
			return sip_tsx_event(t, SIP_TSX_EV_TRANSPORT_ERROR);
	}
	if (t->state == SIP_TSX_TERMINATED) {
		clock_timer_stop(t->clock, &t->retrans);
		clock_timer_stop(t->clock, &t->timeout);
		if (t->ops->terminated)
			t->ops->terminated(t->arg); /* may free t: nothing after this */
	}
	return true;
}

static void on_retrans(struct timer *tm, void *arg)
{
	sip_tsx_event(arg, SIP_TSX_EV_TIMER_RETRANS);
}

static void on_timeout(struct timer *tm, void *arg)
{
	sip_tsx_event(arg, SIP_TSX_EV_TIMER_TIMEOUT);
}

void sip_tsx_init(struct sip_tsx *t, enum sip_tsx_kind kind, bool reliable, struct clock *clock,
		  const struct sip_tsx_timers *timers, const struct sip_tsx_ops *ops, void *arg)
{
	memset(t, 0, sizeof(*t));
	t->kind = kind;
	t->state = SIP_TSX_NULL;
	t->reliable = reliable;
	t->clock = clock;
	t->timers = timers ? *timers : SIP_TSX_TIMERS_DEFAULT;
	t->ops = ops;
	t->arg = arg;
	t->request = t->response = t->ack = BUF_INIT;
	timer_setup(&t->retrans, on_retrans, t);
	timer_setup(&t->timeout, on_timeout, t);
}

void sip_tsx_release(struct sip_tsx *t)
{
	clock_timer_stop(t->clock, &t->retrans);
	clock_timer_stop(t->clock, &t->timeout);
	buf_release(&t->request);
	buf_release(&t->response);
	buf_release(&t->ack);
}

static int keep(struct buf *b, const char *data, size_t len)
{
	buf_reset(b);
	buf_put(b, data, len);
	return b->oom ? -ENOMEM : 0;
}

int sip_tsx_client_start(struct sip_tsx *t, const char *req, size_t len)
{
	if (keep(&t->request, req, len) < 0)
		return -ENOMEM;
	return sip_tsx_event(t, SIP_TSX_EV_START) ? 0 : -EINVAL;
}

void sip_tsx_client_response(struct sip_tsx *t, int status, const char *ack, size_t ack_len)
{
	enum sip_tsx_event ev;

	if (status < 200)
		ev = SIP_TSX_EV_RX_1XX;
	else if (status < 300)
		ev = SIP_TSX_EV_RX_2XX;
	else
		ev = SIP_TSX_EV_RX_FINAL;
	/* the ACK of the first non-2xx final is kept for its retransmissions */
	if (ack && ev == SIP_TSX_EV_RX_FINAL && t->state != SIP_TSX_COMPLETED)
		keep(&t->ack, ack, ack_len);
	if (t->state != SIP_TSX_COMPLETED && t->state != SIP_TSX_ACCEPTED)
		t->status = status;
	else if (ev == SIP_TSX_EV_RX_2XX)
		t->status = status;
	sip_tsx_event(t, ev);
}

int sip_tsx_server_start(struct sip_tsx *t, const char *trying, size_t len)
{
	if (trying && keep(&t->response, trying, len) < 0)
		return -ENOMEM;
	if (trying)
		t->status = 100;
	return sip_tsx_event(t, SIP_TSX_EV_START) ? 0 : -EINVAL;
}

void sip_tsx_server_request(struct sip_tsx *t)
{
	sip_tsx_event(t, SIP_TSX_EV_RX_REQUEST);
}

void sip_tsx_server_ack(struct sip_tsx *t)
{
	sip_tsx_event(t, SIP_TSX_EV_RX_ACK);
}

void sip_tsx_server_respond(struct sip_tsx *t, int status, const char *resp, size_t len)
{
	enum sip_tsx_event ev;

	if (status < 200)
		ev = SIP_TSX_EV_TU_1XX;
	else if (status < 300)
		ev = SIP_TSX_EV_TU_2XX;
	else
		ev = SIP_TSX_EV_TU_FINAL;
	if (!row_find(t->kind, t->state, ev)) {
		sip_tsx_event(t, ev); /* refused and logged */
		return;
	}
	t->status = status;
	keep(&t->response, resp, len);
	sip_tsx_event(t, ev);
}
