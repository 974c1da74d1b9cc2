/* ua.c: the SIP user-agent core, see ua.h.
 *
 * Layout: tokens and tables; destinations; building requests and
 * responses; client transactions (send, challenge, responses); server
 * transactions and dispatch of what arrives; the call operations the TU
 * calls; dialog timers (2xx retransmission, reliable provisionals, session
 * timers, glare); registration. */
#include "config.h"

#include "sip/ua.h"

#include "lib/buf.h"
#include "lib/clock.h"
#include "lib/log.h"
#include "lib/loop.h"
#include "lib/mem.h"
#include "sip/auth.h"
#include "sip/build.h"
#include "sip/dns.h"
#include "sip/hdr.h"
#include "sip/msg.h"
#include "sip/ratelimit.h"
#include "sip/uri.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#define UA_BUCKETS 65536 /* transactions linger 64*T1: 8000 calls/s keep ~500k */
#define UA_MAX_ROUTES 8
#define UA_MSG_MAX 8192
#define ALLOW "INVITE, ACK, CANCEL, BYE, OPTIONS, PRACK, UPDATE, INFO"

/* ---- types ----------------------------------------------------------------- */

struct ua_dest {
	enum sip_proto proto;
	struct sip_addr addr;
	struct sip_conn *conn; /* TCP/TLS: the connection to answer or reuse, if alive */
	struct sip_addr local; /* UDP: the listener to send from */
	bool has_local;
	char server_name[128];
};

enum req_kind { RQ_INVITE, RQ_REINVITE, RQ_ACK, RQ_BYE, RQ_CANCEL, RQ_PRACK, RQ_UPDATE,
		RQ_REGISTER, RQ_OTHER, RQ_INFO };

struct ua_tsx {
	struct sip_tsx t;
	struct ua_tsx *hnext, *hprev;
	uint32_t hash;
	struct sip_ua *ua;
	struct sip_call *call; /* holds a reference; NULL for stand-alone ones */
	bool server;
	enum req_kind kind;
	char branch[80];
	char method[24];
	uint32_t cseq;
	struct ua_dest dest;
	/* client: what to build again after a challenge */
	struct buf body, extra;
	bool auth_sent;
	/* server: the request, to build responses from later */
	struct buf req;
	bool done; /* terminated while busy: freed when the last user leaves */
	int busy;  /* our code is inside a call on it */
	bool hashed;
};

enum call_state { CS_INIT, CS_CALLING, CS_INCOMING, CS_EARLY, CS_CONFIRMED, CS_ENDING, CS_ENDED };

struct sip_call {
	struct sip_ua *ua;
	struct sip_call *hnext, *hprev, *anext, *aprev;
	uint32_t hash;
	bool hashed;
	int refs;
	bool uac, is_reg, is_probe;
	enum call_state state;
	char call_id[128], local_tag[48], remote_tag[128];
	char local_uri[256], remote_uri[256], remote_target[256], first_uri[256];
	char (*routes)[256]; /* UA_MAX_ROUTES of them once a route set is there */
	size_t nroutes;
	uint32_t local_cseq, remote_cseq;
	bool remote_cseq_set;
	struct ua_dest peer; /* where the peer's requests came from (UAS) */
	struct ua_tsx *invite_tsx; /* the INVITE's transaction, either side */
	struct ua_tsx *reoffer_tsx; /* a re-INVITE/UPDATE of ours in progress */
	bool reoffer_in; /* a re-INVITE from the peer awaits its ACK */
	uint32_t invite_cseq;
	/* UAS 2xx retransmission until ACK (§13.3.1.4) / UAC the ACK we resend */
	struct buf resp2xx, ack2xx;
	struct timer t2xx, tack;
	uint32_t t2xx_ms;
	/* reliable provisionals (RFC 3262), UAS */
	bool peer_100rel, peer_requires_100rel;
	int peer_q850; /* the Q.850 cause of the peer's Reason header (RFC 6432); 0: none */
	uint32_t rseq;
	bool prack_pending;
	struct buf rel1xx;
	struct timer trel;
	uint32_t trel_ms;
	bool answer_queued;
	struct buf queued_sdp;
	/* UAC: the RSeq values already PRACKed */
	uint32_t peer_rseq;
	/* session timers (RFC 4028) */
	uint32_t se;
	enum sip_refresher refresher;
	bool we_refresh, peer_allows_update;
	struct timer tst;
	struct buf local_sdp;
	/* glare (RFC 3261 §14.1) */
	struct timer tglare;
	struct buf glare_sdp;
	/* during the incoming callback: the TLS client certificate's names */
	const char *rx_tls_names;
	/* INFO (RFC 6086): one at a time; the bodies waiting, each NUL-ended */
	struct ua_tsx *info_tsx;
	struct buf info_q;
	char info_ct[48];
	bool glare_update;
	/* auth */
	struct sip_digest_client dc;
	char *cred_user, *cred_password;
	/* registration, OPTIONS probe */
	struct sip_reg reg;
	struct sip_probe probe;
	uint32_t reg_expires_granted, reg_min_expires;
	bool reg_stale;
	/* RFC 3263: the targets of the request URI's host, tried in order */
	struct sip_dns_result *targets;
	size_t target_idx;
	struct sip_dns_query *dnsq;
	/* the request waiting for the lookup */
	bool pending;
	enum req_kind pend_kind;
	struct buf pend_body, pend_extra;
	bool pend_auth;
	struct ua_tsx **pend_out;
	/* TU */
	void *user;
	bool cancel_pending; /* CANCEL asked before any provisional came */
	bool acked;	     /* UAS: the ACK for our 2xx to the INVITE came */
	bool ended_reported;
};

struct sip_ua {
	struct loop *loop;
	struct clock *clock;
	struct sip_ua_opts opts;
	const struct sip_ua_ops *ops;
	void *arg;
	struct sip_transport *tp;
	struct ua_tsx *tsx[UA_BUCKETS];
	struct sip_call *calls[UA_BUCKETS];
	struct sip_call *all; /* every call, for shutdown */
	struct sip_auth_server *auth;
	struct sip_ratelimit *rl; /* NULL: no limit */
	struct sip_dns *dns;	  /* made on first use */
	struct ua_dest proxy;
	bool has_proxy;
	uint64_t rng;
	struct sip_ua_stats st;
	char scratch[UA_MSG_MAX];
};

/* ---- tokens, hashing -------------------------------------------------------- */

static uint64_t rnd(struct sip_ua *ua)
{
	/* xorshift64*, seeded from getrandom: tags and branches must be unique,
	 * not secret (nonces are the auth module's) */
	ua->rng ^= ua->rng >> 12;
	ua->rng ^= ua->rng << 25;
	ua->rng ^= ua->rng >> 27;
	return ua->rng * 2685821657736338717ull;
}

static void token(struct sip_ua *ua, char *out, size_t size, const char *prefix)
{
	snprintf(out, size, "%s%016" PRIx64 "%08" PRIx32, prefix, rnd(ua), (uint32_t)rnd(ua));
}

static uint32_t fnv(uint32_t h, const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)p[i]) * 16777619u;
	return h;
}

static uint32_t tsx_key(struct sv branch, struct sv method, bool server)
{
	uint32_t h = fnv(2166136261u, branch.p, branch.len);

	h = fnv(h, method.p, method.len);
	return h ^ (server ? 0x5bd1e995u : 0);
}

static uint32_t call_key(struct sv call_id, struct sv local_tag)
{
	return fnv(fnv(2166136261u, call_id.p, call_id.len), local_tag.p, local_tag.len);
}

/* ---- calls: references and table --------------------------------------------- */

static void call_free(struct sip_call *c);

/* The route set's storage, made when a dialog has one (most have none). */
static bool route_set(struct sip_call *c)
{
	if (!c->routes)
		c->routes = mem_zalloc(sizeof(*c->routes) * UA_MAX_ROUTES);
	return c->routes != NULL;
}

static void call_unref(struct sip_call *c)
{
	if (c && --c->refs == 0)
		call_free(c);
}

static void call_hash(struct sip_call *c)
{
	struct sip_ua *ua = c->ua;
	size_t b;

	if (c->hashed)
		return;
	c->hash = call_key(sv_cstr(c->call_id), sv_cstr(c->local_tag));
	b = c->hash % UA_BUCKETS;
	c->hnext = ua->calls[b];
	c->hprev = NULL;
	if (c->hnext)
		c->hnext->hprev = c;
	ua->calls[b] = c;
	c->hashed = true;
	ua->st.dialogs++;
}

static void call_unhash(struct sip_call *c)
{
	if (!c->hashed)
		return;
	if (c->hprev)
		c->hprev->hnext = c->hnext;
	else
		c->ua->calls[c->hash % UA_BUCKETS] = c->hnext;
	if (c->hnext)
		c->hnext->hprev = c->hprev;
	c->hashed = false;
	c->ua->st.dialogs--;
}

static struct sip_call *call_find(struct sip_ua *ua, struct sv call_id, struct sv local_tag)
{
	uint32_t h = call_key(call_id, local_tag);

	for (struct sip_call *c = ua->calls[h % UA_BUCKETS]; c; c = c->hnext)
		if (c->hash == h && sv_eq_cstr(call_id, c->call_id) && sv_eq_cstr(local_tag, c->local_tag))
			return c;
	return NULL;
}

static void on_t2xx(struct timer *t, void *arg);
static void on_tack(struct timer *t, void *arg);
static void on_trel(struct timer *t, void *arg);
static void on_tst(struct timer *t, void *arg);
static void on_tglare(struct timer *t, void *arg);

static struct sip_call *call_new(struct sip_ua *ua, bool uac)
{
	struct sip_call *c = mem_zalloc(sizeof(*c));

	if (!c)
		return NULL;
	c->ua = ua;
	c->uac = uac;
	c->refs = 1; /* the TU's, dropped when the call has ended */
	c->resp2xx = c->ack2xx = c->rel1xx = c->queued_sdp = c->local_sdp = c->glare_sdp = BUF_INIT;
	c->pend_body = c->pend_extra = c->info_q = BUF_INIT;
	timer_setup(&c->t2xx, on_t2xx, c);
	timer_setup(&c->tack, on_tack, c);
	timer_setup(&c->trel, on_trel, c);
	timer_setup(&c->tst, on_tst, c);
	timer_setup(&c->tglare, on_tglare, c);
	c->anext = ua->all;
	if (ua->all)
		ua->all->aprev = c;
	ua->all = c;
	token(ua, c->local_tag, sizeof(c->local_tag), "");
	return c;
}

static void call_stop_timers(struct sip_call *c)
{
	struct clock *k = c->ua->clock;

	clock_timer_stop(k, &c->t2xx);
	clock_timer_stop(k, &c->tack);
	clock_timer_stop(k, &c->trel);
	clock_timer_stop(k, &c->tst);
	clock_timer_stop(k, &c->tglare);
}

static void call_free(struct sip_call *c)
{
	struct sip_ua *ua = c->ua;

	call_stop_timers(c);
	call_unhash(c);
	if (c->is_reg)
		sip_reg_release(&c->reg);
	if (c->is_probe)
		sip_probe_release(&c->probe);
	if (c->aprev)
		c->aprev->anext = c->anext;
	else
		ua->all = c->anext;
	if (c->anext)
		c->anext->aprev = c->aprev;
	buf_release(&c->resp2xx);
	buf_release(&c->ack2xx);
	buf_release(&c->rel1xx);
	buf_release(&c->queued_sdp);
	buf_release(&c->local_sdp);
	buf_release(&c->glare_sdp);
	buf_release(&c->info_q);
	mem_free(c->routes);
	buf_release(&c->pend_body);
	buf_release(&c->pend_extra);
	if (c->dnsq)
		sip_dns_cancel(c->dnsq);
	mem_free(c->targets);
	mem_free(c->cred_user);
	mem_free(c->cred_password);
	mem_free(c);
}

/* The call is over for the TU: report once, stop its timers, leave the
 * dialog table (late requests get 481), drop the TU's reference. */
/* Keep the Q.850 cause a Reason header carries (RFC 3326, RFC 6432). */
static void note_reason(struct sip_call *c, const struct sip_msg *m)
{
	const struct sip_hdr *h = NULL;
	struct sip_reason r;

	while (m && (h = sip_msg_hdr_find(m, SIP_HDR_REASON, h)))
		if (sip_reason_parse(h->value, &r) == 0 && sv_eq_cstr_nocase(r.protocol, "Q.850") && r.cause > 0 &&
		    r.cause < 128) {
			c->peer_q850 = r.cause;
			return;
		}
}

static void call_end(struct sip_call *c, int status, const char *why)
{
	if (c->ended_reported)
		return;
	c->ended_reported = true;
	c->state = CS_ENDED;
	call_stop_timers(c);
	call_unhash(c);
	if (c->is_probe)
		sip_probe_release(&c->probe); /* no more OPTIONS */
	LOGP(LOGC_SIP, LOGL_INFO, "call %s ended: %d %s", c->call_id, status, why);
	if (c->ua->ops->ended && !c->is_reg && !c->is_probe)
		c->ua->ops->ended(c->ua->arg, c, status, why);
	call_unref(c);
}

/* ---- destinations ------------------------------------------------------------ */

/* Where a URI sends to: sips: or transport=tls -> TLS, transport=tcp -> TCP,
 * else UDP; the host must be an address (the gateway's trunks resolve names
 * through sip/dns.c before they get here) or "localhost". */
static int uri_dest(const char *text, struct ua_dest *d)
{
	struct sip_uri u;
	struct sv tp;
	bool found;
	char host[80];

	memset(d, 0, sizeof(*d));
	if (sip_uri_parse(&u, sv_cstr(text)) < 0 ||
	    (u.scheme != SIP_URI_SIP && u.scheme != SIP_URI_SIPS))
		return -EINVAL;
	d->proto = u.scheme == SIP_URI_SIPS ? SIP_PROTO_TLS : SIP_PROTO_UDP;
	tp = sip_uri_param(&u, "transport", &found);
	if (found && sv_eq_cstr_nocase(tp, "tcp") && d->proto != SIP_PROTO_TLS)
		d->proto = SIP_PROTO_TCP;
	else if (found && sv_eq_cstr_nocase(tp, "tls"))
		d->proto = SIP_PROTO_TLS;
	if (u.host.len >= sizeof(host))
		return -EINVAL;
	memcpy(host, u.host.p, u.host.len);
	host[u.host.len] = '\0';
	snprintf(d->server_name, sizeof(d->server_name), "%s", host);
	if (!strcasecmp(host, "localhost"))
		snprintf(host, sizeof(host), "127.0.0.1");
	if (sip_addr_from_ip(host, u.port ? u.port : d->proto == SIP_PROTO_TLS ? 5061 : 5060,
			     &d->addr) < 0)
		return -EHOSTUNREACH;
	return 0;
}

static int ua_send(struct sip_ua *ua, const struct ua_dest *d, const char *buf, size_t len)
{
	if (ua->opts.trace)
		LOGP(LOGC_SIP, LOGL_DEBUG, "send %s:\n%.*s", sip_proto_names[d->proto], (int)len, buf);
	if (d->proto == SIP_PROTO_UDP)
		return sip_transport_send_udp_from(ua->tp, d->has_local ? &d->local : NULL, &d->addr,
						   buf, len);
	return sip_transport_send(ua->tp, d->proto, &d->addr, d->conn,
				  d->server_name[0] ? d->server_name : NULL, buf, len);
}

/* Our address as others reach it over proto, "host:port" ([] for IPv6). */
static void local_hostport(struct sip_ua *ua, enum sip_proto proto, int family, char *out,
			   size_t size)
{
	struct sip_addr a;

	if (sip_transport_local(ua->tp, proto, family, &a) < 0 &&
	    sip_transport_local(ua->tp, SIP_PROTO_UDP, family, &a) < 0) {
		snprintf(out, size, "%s", family == AF_INET6 ? "[::1]" : "127.0.0.1");
		return;
	}
	sip_addr_format(&a, out, size);
}

static void contact_uri(struct sip_ua *ua, enum sip_proto proto, int family, char *out,
			size_t size)
{
	char hp[80];

	local_hostport(ua, proto, family, hp, sizeof(hp));
	snprintf(out, size, "%s:%s@%s%s", proto == SIP_PROTO_TLS ? "sips" : "sip",
		 ua->opts.contact_user, hp, proto == SIP_PROTO_TCP ? ";transport=tcp" : "");
}

/* ---- building requests --------------------------------------------------------- */

static const char *kind_method(enum req_kind k)
{
	static const char *const names[] = {"INVITE", "INVITE", "ACK", "BYE", "CANCEL",
					    "PRACK", "UPDATE", "REGISTER", "OPTIONS", "INFO"};
	return names[k];
}

/* Where an in-dialog (or initial) request of c goes, and its Request-URI. */
static int call_route(struct sip_call *c, struct ua_dest *d, const char **ruri)
{
	struct sip_ua *ua = c->ua;
	int rc;

	*ruri = c->remote_target[0] ? c->remote_target : c->first_uri;
	if (c->nroutes)
		rc = uri_dest(c->routes[0], d); /* loose routing (§16.12.1.1) */
	else if (!c->remote_tag[0] && ua->has_proxy) {
		*d = ua->proxy;
		rc = 0;
	} else if (!c->remote_tag[0] && c->targets && c->target_idx < c->targets->count) {
		const struct sip_dns_target *t = &c->targets->targets[c->target_idx];

		memset(d, 0, sizeof(*d));
		d->proto = t->proto;
		d->addr = t->addr;
		snprintf(d->server_name, sizeof(d->server_name), "%s", t->host);
		rc = 0;
	} else {
		rc = uri_dest(*ruri, d);
	}
	if (rc == 0 && !c->uac && c->peer.proto == d->proto && d->proto != SIP_PROTO_UDP)
		d->conn = c->peer.conn; /* the connection the dialog came on, if still up */
	if (rc == 0 && !strncasecmp(*ruri, "sips:", 5))
		d->proto = SIP_PROTO_TLS; /* sips: is TLS on every hop (§26.2.2) */
	return rc;
}

/* Append pre-formatted header lines ("Name: value\r\n"...). */
static void build_raw(struct sip_build *b, const char *lines)
{
	size_t n = lines ? strlen(lines) : 0;

	if (!n)
		return;
	if (b->len + n < b->size) {
		memcpy(b->buf + b->len, lines, n);
		b->len += n;
	} else {
		b->overflow = true;
	}
}

static int build_request(struct sip_call *c, const char *method, const char *ruri,
			 const struct ua_dest *d, const char *branch, uint32_t cseq,
			 const char *extra, struct sv body, char *out, size_t size)
{
	struct sip_ua *ua = c->ua;
	struct sip_build b;
	char hp[80], contact[160];
	int family = d->addr.ss.ss_family;
	bool with_contact = !strcmp(method, "INVITE") || !strcmp(method, "UPDATE") ||
			    !strcmp(method, "REGISTER");

	local_hostport(ua, d->proto, family, hp, sizeof(hp));
	sip_build_init(&b, out, size);
	sip_build_request(&b, sv_cstr(method), sv_cstr(ruri));
	sip_build_hdrf(&b, "Via", "SIP/2.0/%s %s;branch=%s;rport", sip_proto_names[d->proto], hp,
		       branch);
	sip_build_hdrf(&b, "Max-Forwards", "70");
	for (size_t i = 0; i < c->nroutes; i++)
		sip_build_hdrf(&b, "Route", "<%s>", c->routes[i]);
	sip_build_hdrf(&b, "From", "<%s>;tag=%s", c->local_uri, c->local_tag);
	if (c->remote_tag[0])
		sip_build_hdrf(&b, "To", "<%s>;tag=%s", c->remote_uri, c->remote_tag);
	else
		sip_build_hdrf(&b, "To", "<%s>", c->remote_uri);
	sip_build_hdrf(&b, "Call-ID", "%s", c->call_id);
	sip_build_hdrf(&b, "CSeq", "%" PRIu32 " %s", cseq, method);
	if (with_contact) {
		contact_uri(ua, d->proto, family, contact, sizeof(contact));
		sip_build_hdrf(&b, "Contact", "<%s>", contact);
	}
	if (!strcmp(method, "INVITE") || !strcmp(method, "UPDATE")) {
		sip_build_hdrf(&b, "Allow", ALLOW);
		sip_build_hdrf(&b, "Supported", "%s%s", ua->opts.use_100rel ? "100rel, " : "",
			       ua->opts.st.session_expires ? "timer, replaces" : "replaces");
	}
	sip_build_hdrf(&b, "User-Agent", "%s", ua->opts.user_agent);
	build_raw(&b, extra);
	return sip_build_finish(&b, !body.len ? NULL : !strcmp(method, "INFO") ? c->info_ct : "application/sdp",
				body);
}

/* ---- client transactions ------------------------------------------------------------ */

static void tsx_hash(struct sip_ua *ua, struct ua_tsx *x)
{
	size_t b;

	x->hash = tsx_key(sv_cstr(x->branch), sv_cstr(x->method), x->server);
	x->hashed = true;
	b = x->hash % UA_BUCKETS;
	x->hnext = ua->tsx[b];
	x->hprev = NULL;
	if (x->hnext)
		x->hnext->hprev = x;
	ua->tsx[b] = x;
	ua->st.transactions++;
}

static void tsx_free(struct ua_tsx *x)
{
	struct sip_ua *ua = x->ua;

	if (x->hashed) {
		if (x->hprev)
			x->hprev->hnext = x->hnext;
		else
			ua->tsx[x->hash % UA_BUCKETS] = x->hnext;
		if (x->hnext)
			x->hnext->hprev = x->hprev;
		ua->st.transactions--;
	}
	sip_tsx_release(&x->t);
	buf_release(&x->body);
	buf_release(&x->extra);
	buf_release(&x->req);
	if (x->call) {
		if (x->call->invite_tsx == x)
			x->call->invite_tsx = NULL;
		if (x->call->reoffer_tsx == x)
			x->call->reoffer_tsx = NULL;
		if (x->call->info_tsx == x)
			x->call->info_tsx = NULL;
		call_unref(x->call);
	}
	mem_free(x);
}

static struct ua_tsx *tsx_find(struct sip_ua *ua, struct sv branch, struct sv method, bool server)
{
	uint32_t h = tsx_key(branch, method, server);

	for (struct ua_tsx *x = ua->tsx[h % UA_BUCKETS]; x; x = x->hnext)
		if (x->hash == h && x->server == server && !x->done && sv_eq_cstr(branch, x->branch) &&
		    sv_eq_cstr(method, x->method))
			return x;
	return NULL;
}

static int tsx_send_cb(void *arg, const char *buf, size_t len)
{
	struct ua_tsx *x = arg;

	if (x->server)
		x->ua->st.tx_responses++;
	else
		x->ua->st.tx_requests++;
	return ua_send(x->ua, &x->dest, buf, len);
}

static void client_final(struct ua_tsx *x, int status, const struct sip_msg *m);
static void client_provisional(struct ua_tsx *x, int status, const struct sip_msg *m);

/* The message a client transaction passes up is only available during the
 * receive; the tsx callback gets the status, the message comes from here. */
static const struct sip_msg *rx_msg;

static void tsx_response_cb(void *arg, int status)
{
	struct ua_tsx *x = arg;

	if (!rx_msg)
		return;
	if (status < 200)
		client_provisional(x, status, rx_msg);
	else
		client_final(x, status, rx_msg);
}

static void tsx_timeout_cb(void *arg, char timer)
{
	struct ua_tsx *x = arg;

	if (timer == 'H') { /* no ACK for our non-2xx final: nothing more to do */
		return;
	}
	LOGP(LOGC_SIP, LOGL_NOTICE, "%s %s: no response (Timer %c): 408", x->method, x->branch, timer);
	if (!x->server)
		client_final(x, 408, NULL);
}

static void tsx_transport_error_cb(void *arg)
{
	struct ua_tsx *x = arg;

	LOGP(LOGC_SIP, LOGL_NOTICE, "%s %s: transport error", x->method, x->branch);
	if (!x->server)
		client_final(x, 503, NULL);
}

static void tsx_free(struct ua_tsx *x);

/* The transaction's last act: free it now, or when our code that is inside
 * a call on it returns (tsx_leave). */
static void tsx_terminated_cb(void *arg)
{
	struct ua_tsx *x = arg;

	x->done = true;
	if (!x->busy)
		tsx_free(x);
}

static void server_ack_cb(void *arg)
{
	(void)arg; /* ACKs for 2xx go to the dialog, not here */
}

static const struct sip_tsx_ops tsx_ops = {
	.send = tsx_send_cb,
	.response = tsx_response_cb,
	.ack = server_ack_cb,
	.timeout = tsx_timeout_cb,
	.transport_error = tsx_transport_error_cb,
	.terminated = tsx_terminated_cb,
};

static void tsx_enter(struct ua_tsx *x)
{
	x->busy++;
}

/* After this x may be gone. */
static void tsx_leave(struct ua_tsx *x)
{
	if (--x->busy == 0 && x->done)
		tsx_free(x);
}

static struct ua_tsx *tsx_new(struct sip_ua *ua, struct sip_call *c, bool server,
			      enum sip_tsx_kind kind, const struct ua_dest *d)
{
	struct ua_tsx *x;

	if (ua->st.transactions >= ua->opts.max_transactions)
		return NULL;
	x = mem_zalloc(sizeof(*x));
	if (!x)
		return NULL;
	x->ua = ua;
	x->server = server;
	x->dest = *d;
	x->body = x->extra = x->req = BUF_INIT;
	sip_tsx_init(&x->t, kind, d->proto != SIP_PROTO_UDP, ua->clock, &ua->opts.timers, &tsx_ops, x);
	if (c) {
		x->call = c;
		c->refs++;
	}
	return x;
}

static int send_request(struct sip_call *c, enum req_kind kind, struct sv body, const char *extra,
			bool auth_sent, struct ua_tsx **out);
static void client_final(struct ua_tsx *x, int status, const struct sip_msg *m);

/* The request could not even be sent: tell whoever waits for it. */
static void request_failed(struct sip_call *c, enum req_kind kind, int status, const char *why)
{
	if (c->is_reg)
		sip_reg_response(&c->reg, status, 0, 0, false);
	else if (c->is_probe)
		sip_probe_response(&c->probe, status);
	else if (kind == RQ_INVITE)
		call_end(c, status, why);
}

static void on_dns(void *arg, const struct sip_dns_result *res)
{
	struct sip_call *c = arg;
	int rc;

	c->dnsq = NULL;
	c->pending = false;
	if (res->error || !res->count || !(c->targets = mem_zalloc(sizeof(*c->targets)))) {
		LOGP(LOGC_SIP, LOGL_NOTICE, "call %s: cannot resolve %s: %s", c->call_id,
		     c->first_uri, res->error == -ETIMEDOUT ? "DNS timeout" : "no such host");
		request_failed(c, c->pend_kind, 503, "the host does not resolve");
		call_unref(c);
		return;
	}
	*c->targets = *res;
	c->target_idx = 0;
	rc = send_request(c, c->pend_kind, sv_make(c->pend_body.p, c->pend_body.len),
			  c->pend_extra.len ? c->pend_extra.p : NULL, c->pend_auth, c->pend_out);
	if (rc < 0)
		request_failed(c, c->pend_kind, 503, "request not sent");
	call_unref(c);
}

/* RFC 3263: look the host of the request URI up, then send. */
static int resolve_then_send(struct sip_call *c, enum req_kind kind, struct sv body,
			     const char *extra, bool auth_sent, struct ua_tsx **out)
{
	struct sip_ua *ua = c->ua;
	struct sip_uri u;
	struct sv tp;
	bool found;
	char host[256];
	int proto = -1, rc;

	if (c->pending)
		return -EBUSY;
	if (sip_uri_parse(&u, sv_cstr(c->first_uri)) < 0 || u.host.len >= sizeof(host))
		return -EINVAL;
	if (!ua->dns) {
		struct sip_dns_opts o = {.servers = ua->opts.dns_servers};

		if ((rc = sip_dns_new(ua->loop, &o, &ua->dns)) < 0)
			return rc;
	}
	snprintf(host, sizeof(host), "%.*s", (int)u.host.len, u.host.p);
	tp = sip_uri_param(&u, "transport", &found);
	if (found)
		proto = sv_eq_cstr_nocase(tp, "tcp") ? SIP_PROTO_TCP
			: sv_eq_cstr_nocase(tp, "tls") ? SIP_PROTO_TLS : SIP_PROTO_UDP;
	buf_reset(&c->pend_body);
	buf_put(&c->pend_body, body.p, body.len);
	buf_reset(&c->pend_extra);
	if (extra)
		buf_puts(&c->pend_extra, extra);
	c->pend_kind = kind;
	c->pend_auth = auth_sent;
	c->pend_out = out;
	c->pending = true;
	c->refs++; /* the lookup's */
	rc = sip_dns_resolve(ua->dns, host, u.port, proto, u.scheme == SIP_URI_SIPS, on_dns, c, &c->dnsq);
	if (rc < 0) {
		c->pending = false;
		c->refs--;
	}
	return rc;
}

/* Send a request of call c as a new client transaction.  The body and
 * extra headers are kept to send it again after a challenge. */
static int send_request(struct sip_call *c, enum req_kind kind, struct sv body, const char *extra,
			bool auth_sent, struct ua_tsx **out)
{
	struct sip_ua *ua = c->ua;
	struct ua_dest d;
	const char *ruri;
	struct ua_tsx *x;
	int n, rc;

	if ((rc = call_route(c, &d, &ruri)) < 0) {
		if (rc == -EHOSTUNREACH && !c->remote_tag[0] && !c->targets && !c->nroutes)
			return resolve_then_send(c, kind, body, extra, auth_sent, out);
		LOGP(LOGC_SIP, LOGL_ERROR, "call %s: no route to %s", c->call_id, ruri);
		return rc;
	}
	x = tsx_new(ua, c, false, kind == RQ_INVITE || kind == RQ_REINVITE ? SIP_TSX_ICT : SIP_TSX_NICT,
		    &d);
	if (!x)
		return -EAGAIN;
	x->kind = kind;
	snprintf(x->method, sizeof(x->method), "%s", kind_method(kind));
	token(ua, x->branch, sizeof(x->branch), "z9hG4bK");
	x->cseq = ++c->local_cseq;
	buf_put(&x->body, body.p, body.len);
	if (extra)
		buf_put(&x->extra, extra, strlen(extra));
	buf_put(&x->extra, "", 1); /* NUL-terminated */
	n = build_request(c, x->method, ruri, &d, x->branch, x->cseq, x->extra.p,
			  sv_make(x->body.p, x->body.len), ua->scratch, sizeof(ua->scratch));
	if (n < 0 || x->body.oom || x->extra.oom) {
		tsx_free(x);
		return -ENOSPC;
	}
	tsx_hash(ua, x);
	if (kind == RQ_INVITE || kind == RQ_REINVITE)
		c->invite_cseq = x->cseq;
	x->auth_sent = auth_sent;
	if (out)
		*out = x; /* cleared by tsx_free if it ends at once */
	tsx_enter(x);
	rc = sip_tsx_client_start(&x->t, ua->scratch, (size_t)n);
	tsx_leave(x);
	if (rc < 0) {
		tsx_free(x); /* not started: nothing else refers to it */
		return -ENOMEM;
	}
	return 0;
}

/* An auth-param's value (unquoted) into buf; empty when absent. */
static void auth_param_copy(const struct sip_auth *a, const char *name, char *buf, size_t size)
{
	bool found;
	struct sv v = sip_auth_param(a, name, &found);

	snprintf(buf, size, "%.*s", found ? (int)v.len : 0, found ? v.p : "");
}

static int sip_digest_alg_from_name_sv(struct sv v)
{
	char name[32];

	snprintf(name, sizeof(name), "%.*s", (int)(v.len < 31 ? v.len : 31), v.p);
	return sip_digest_alg_from_name(name);
}

/* Send the same request again with credentials for the challenge in m. */
static int resend_with_auth(struct ua_tsx *old, const struct sip_msg *m)
{
	struct sip_call *c = old->call;
	enum sip_hdr_id which = m->status == 407 ? SIP_HDR_PROXY_AUTHENTICATE : SIP_HDR_WWW_AUTHENTICATE;
	const struct sip_hdr *h = NULL;
	struct sip_auth a;
	struct sip_digest_params p = {0};
	char realm[128], nonce[256], opaque[256], alg[32], qop[64], cnonce[33];
	char resp[SIP_DIGEST_HEX_MAX], value[1024], extra[1536];
	const char *ruri;
	struct ua_dest d;
	int alg_id, rc;

	/* RFC 8760 §2.4: of several challenges, the strongest algorithm we know */
	for (const struct sip_hdr *k = sip_msg_hdr_find(m, which, NULL); k; k = sip_msg_hdr_find(m, which, k)) {
		struct sip_auth ka;
		bool f2;
		struct sv alg_v;
		int id;

		if (sip_auth_parse(k->value, &ka) < 0 || !sv_eq_cstr_nocase(ka.scheme, "Digest"))
			continue;
		alg_v = sip_auth_param(&ka, "algorithm", &f2);
		id = f2 ? sip_digest_alg_from_name_sv(alg_v) : SIP_DIGEST_MD5;
		if (id == SIP_DIGEST_SHA256 || (id >= 0 && !h))
			h = k;
		if (id == SIP_DIGEST_SHA256)
			break;
	}
	if (!h || !c->cred_user || sip_auth_parse(h->value, &a) < 0 ||
	    !sv_eq_cstr_nocase(a.scheme, "Digest"))
		return -EACCES;
	auth_param_copy(&a, "realm", realm, sizeof(realm));
	auth_param_copy(&a, "nonce", nonce, sizeof(nonce));
	auth_param_copy(&a, "opaque", opaque, sizeof(opaque));
	auth_param_copy(&a, "algorithm", alg, sizeof(alg));
	auth_param_copy(&a, "qop", qop, sizeof(qop));
	alg_id = alg[0] ? sip_digest_alg_from_name(alg) : SIP_DIGEST_MD5;
	if (alg_id < 0)
		return -EACCES;
	if (call_route(c, &d, &ruri) < 0)
		return -EHOSTUNREACH;
	p.alg = (enum sip_digest_alg)alg_id;
	p.username = c->cred_user;
	p.realm = realm;
	p.nonce = nonce;
	p.uri = ruri;
	p.method = old->method;
	p.qop = strstr(qop, "auth") ? "auth" : NULL;
	if (sip_digest_client_answer(&c->dc, &p, c->cred_password, cnonce, resp) < 0 ||
	    sip_digest_authorization_format(&p, resp, opaque[0] ? opaque : NULL, value,
					    sizeof(value)) < 0)
		return -EACCES;
	snprintf(extra, sizeof(extra), "%s%s: %s\r\n", old->extra.len > 1 ? old->extra.p : "",
		 m->status == 407 ? "Proxy-Authorization" : "Authorization", value);
	rc = send_request(c, old->kind, sv_make(old->body.p, old->body.len), extra, true,
			  old->kind == RQ_INVITE ? &c->invite_tsx
			  : old->kind == RQ_REINVITE || old->kind == RQ_UPDATE ? &c->reoffer_tsx
			  : old->kind == RQ_INFO				 ? &c->info_tsx
										 : NULL);
	return rc;
}

/* The ACK for a 2xx: a transaction of its own (§13.2.2.4), kept to answer
 * retransmitted 2xx with. */
static void send_ack_2xx(struct sip_call *c, uint32_t cseq, struct sv body)
{
	struct ua_dest d;
	const char *ruri;
	char branch[64];
	int n;

	if (call_route(c, &d, &ruri) < 0)
		return;
	token(c->ua, branch, sizeof(branch), "z9hG4bK");
	n = build_request(c, "ACK", ruri, &d, branch, cseq, NULL, body, c->ua->scratch,
			  sizeof(c->ua->scratch));
	if (n < 0)
		return;
	buf_reset(&c->ack2xx);
	buf_put(&c->ack2xx, c->ua->scratch, (size_t)n);
	c->ua->st.tx_requests++;
	ua_send(c->ua, &d, c->ua->scratch, (size_t)n);
}

/* The ACK for a non-2xx final (§17.1.1.3): same branch, the response's To. */
static int build_ack_non2xx(struct ua_tsx *x, const struct sip_msg *m, char *out, size_t size)
{
	struct sip_call *c = x->call;
	const struct sip_hdr *to = sip_msg_hdr_find(m, SIP_HDR_TO, NULL);
	struct sip_build b;
	char hp[80];
	const char *ruri;
	struct ua_dest d;

	if (call_route(c, &d, &ruri) < 0)
		return -1;
	local_hostport(c->ua, x->dest.proto, x->dest.addr.ss.ss_family, hp, sizeof(hp));
	sip_build_init(&b, out, size);
	sip_build_request(&b, SV_LIT("ACK"), sv_cstr(ruri));
	sip_build_hdrf(&b, "Via", "SIP/2.0/%s %s;branch=%s;rport", sip_proto_names[x->dest.proto], hp,
		       x->branch);
	sip_build_hdrf(&b, "Max-Forwards", "70");
	for (size_t i = 0; i < c->nroutes; i++)
		sip_build_hdrf(&b, "Route", "<%s>", c->routes[i]);
	sip_build_hdrf(&b, "From", "<%s>;tag=%s", c->local_uri, c->local_tag);
	if (to)
		sip_build_hdr(&b, "To", to->value);
	sip_build_hdrf(&b, "Call-ID", "%s", c->call_id);
	sip_build_hdrf(&b, "CSeq", "%" PRIu32 " ACK", x->cseq);
	return sip_build_finish(&b, NULL, SV_NULL);
}

/* Dialog state from a response that creates or confirms it (§12.1.2):
 * remote tag, target, route set (Record-Route reversed). */
static void dialog_from_response(struct sip_call *c, const struct sip_msg *m)
{
	const struct sip_hdr *h;
	struct sip_name_addr na;
	struct sip_contact ct;
	char tmp[UA_MAX_ROUTES][256];
	size_t n = 0;

	if ((h = sip_msg_hdr_find(m, SIP_HDR_TO, NULL)) && sip_name_addr_parse(h->value, &na) == 0 &&
	    na.tag.len && na.tag.len < sizeof(c->remote_tag))
		snprintf(c->remote_tag, sizeof(c->remote_tag), "%.*s", (int)na.tag.len, na.tag.p);
	if ((h = sip_msg_hdr_find(m, SIP_HDR_CONTACT, NULL))) {
		struct sv rest = h->value, e;

		if (sip_list_next(&rest, &e) && sip_contact_parse(e, &ct) == 0 && !ct.star)
			snprintf(c->remote_target, sizeof(c->remote_target), "%.*s",
				 (int)ct.na.uri_text.len, ct.na.uri_text.p);
	}
	if (c->state == CS_CONFIRMED)
		return; /* the route set is fixed once confirmed (§12.2.1.2) */
	for (h = sip_msg_hdr_find(m, SIP_HDR_RECORD_ROUTE, NULL); h;
	     h = sip_msg_hdr_find(m, SIP_HDR_RECORD_ROUTE, h)) {
		struct sv rest = h->value, e;

		while (sip_list_next(&rest, &e) && n < UA_MAX_ROUTES)
			if (sip_name_addr_parse(e, &na) == 0)
				snprintf(tmp[n++], sizeof(tmp[0]), "%.*s", (int)na.uri_text.len,
					 na.uri_text.p);
	}
	if (n && !route_set(c))
		n = 0;
	c->nroutes = n;
	for (size_t i = 0; i < n; i++) /* the UAC reverses the Record-Route order */
		memcpy(c->routes[i], tmp[n - 1 - i], sizeof(c->routes[i]));
}

static void session_timer_uac(struct sip_call *c, const struct sip_msg *m);
static void st_arm(struct sip_call *c);

static void client_provisional(struct ua_tsx *x, int status, const struct sip_msg *m)
{
	struct sip_call *c = x->call;
	const struct sip_hdr *h;
	uint32_t rseq;

	if (!c || c->is_reg || x->kind != RQ_INVITE || c->state == CS_ENDED)
		return;
	if (status > 100 && (h = sip_msg_hdr_find(m, SIP_HDR_TO, NULL)) && memmem(h->value.p, h->value.len, "tag=", 4)) {
		dialog_from_response(c, m);
		if (c->state == CS_CALLING) {
			c->state = CS_EARLY;
			call_hash(c);
		}
	}
	if (c->cancel_pending && status > 100) { /* CANCEL only after a provisional (§9.1) */
		c->cancel_pending = false;
		sip_call_hangup(c, NULL);
		return;
	}
	/* RFC 3262 §4: PRACK each new reliable provisional */
	if (status > 100 && (h = sip_msg_hdr_find(m, SIP_HDR_REQUIRE, NULL)) &&
	    sip_token_list_has(h->value, "100rel") &&
	    (h = sip_msg_hdr_find(m, SIP_HDR_RSEQ, NULL)) && sip_hdr_uint(h->value, &rseq) == 0) {
		char rack[96];

		if (c->peer_rseq && rseq <= c->peer_rseq)
			return; /* a retransmission: already acknowledged */
		c->peer_rseq = rseq;
		snprintf(rack, sizeof(rack), "RAck: %" PRIu32 " %" PRIu32 " INVITE\r\n", rseq, x->cseq);
		send_request(c, RQ_PRACK, SV_NULL, rack, false, NULL);
	}
	if (status > 100 && c->ua->ops->progress)
		c->ua->ops->progress(c->ua->arg, c, status, m->body);
}

static void reg_final(struct sip_call *c, struct ua_tsx *x, int status, const struct sip_msg *m);
static void info_next(struct sip_call *c);

static void client_final(struct ua_tsx *x, int status, const struct sip_msg *m)
{
	struct sip_call *c = x->call;
	struct sip_ua *ua = x->ua;

	if (!c)
		return;
	/* RFC 3263 §4.3: a target that times out or is unavailable: the next */
	if ((status == 408 || status == 503) && c->targets && c->target_idx + 1 < c->targets->count &&
	    !c->remote_tag[0] && (x->kind == RQ_INVITE || x->kind == RQ_REGISTER || x->kind == RQ_OTHER) &&
	    c->state != CS_ENDED) {
		c->target_idx++;
		LOGP(LOGC_SIP, LOGL_NOTICE, "%s to %s: %d from target %zu, trying target %zu", x->method,
		     c->first_uri, status, c->target_idx, c->target_idx + 1);
		if (send_request(c, x->kind, sv_make(x->body.p, x->body.len),
				 x->extra.len > 1 ? x->extra.p : NULL, x->auth_sent,
				 x->kind == RQ_INVITE ? &c->invite_tsx : NULL) == 0)
			return;
	}
	if (c->is_reg) {
		reg_final(c, x, status, m);
		return;
	}
	if (c->is_probe) {
		if (status >= 200)
			sip_probe_response(&c->probe, status);
		return;
	}
	if ((status == 401 || status == 407) && m && c->state != CS_ENDED &&
	    x->kind != RQ_ACK && x->kind != RQ_CANCEL) {
		bool stale = false;
		const struct sip_hdr *h = sip_msg_hdr_find(m, status == 407 ? SIP_HDR_PROXY_AUTHENTICATE
								     : SIP_HDR_WWW_AUTHENTICATE, NULL);
		struct sip_auth a;

		if (h && sip_auth_parse(h->value, &a) == 0) {
			bool f;
			struct sv v = sip_auth_param(&a, "stale", &f);

			stale = f && sv_eq_cstr_nocase(v, "true");
		}
		/* once per challenge: a second one after our credentials means
		 * they are wrong, unless the nonce had only gone stale */
		if ((!x->auth_sent || stale) && resend_with_auth(x, m) == 0) {
			if (x->kind == RQ_INVITE)
				c->state = CS_CALLING;
			return;
		}
		LOGP(LOGC_SIP, LOGL_NOTICE, "call %s: %s refused with %d: credentials not accepted",
		     c->call_id, x->method, status);
	}
	switch (x->kind) {
	case RQ_INVITE:
		if (c->state == CS_ENDED || c->state == CS_ENDING) {
			/* answered after we gave up (CANCEL crossed the 200): ACK, BYE */
			if (status >= 200 && status < 300 && m) {
				dialog_from_response(c, m);
				send_ack_2xx(c, x->cseq, SV_NULL);
				send_request(c, RQ_BYE, SV_NULL, NULL, false, NULL);
			}
			break;
		}
		if (status >= 200 && status < 300) {
			dialog_from_response(c, m);
			c->state = CS_CONFIRMED;
			call_hash(c);
			ua->st.calls_answered++;
			send_ack_2xx(c, x->cseq, SV_NULL);
			session_timer_uac(c, m);
			if (ua->ops->answered)
				ua->ops->answered(ua->arg, c, m->body);
		} else if (status == 422 && m && ua->opts.st.session_expires) {
			/* RFC 4028 §7.4: retry with the Min-SE asked for */
			const struct sip_hdr *h = sip_msg_hdr_find(m, SIP_HDR_MIN_SE, NULL);
			uint32_t min;
			char extra[128];

			if (h && sip_hdr_uint(h->value, &min) == 0 && min > ua->opts.st.session_expires &&
			    min <= 86400) {
				snprintf(extra, sizeof(extra), "Session-Expires: %" PRIu32 "\r\nMin-SE: %" PRIu32 "\r\n",
					 min, min);
				if (send_request(c, RQ_INVITE, sv_make(x->body.p, x->body.len), extra, false, &c->invite_tsx) == 0)
					break;
			}
			call_end(c, status, "session interval too small");
		} else if (status >= 300) {
			note_reason(c, m);
			call_end(c, status, status == 487 ? "cancelled" : status == 408 ? "no answer (timeout)"
											 : "refused by the peer");
		}
		break;
	case RQ_REINVITE:
	case RQ_UPDATE:
		if (c->reoffer_tsx == x)
			c->reoffer_tsx = NULL; /* answered: another offer may follow */
		if (x->kind == RQ_REINVITE && status >= 200 && status < 300)
			send_ack_2xx(c, x->cseq, SV_NULL);
		if (status >= 200 && status < 300 && m) {
			dialog_from_response(c, m); /* target refresh (§12.2.1.2) */
			session_timer_uac(c, m);
		}
		if (status == 491) { /* glare: try again after the §14.1 wait */
			double r = (double)(rnd(ua) >> 11) / 9007199254740992.0;

			buf_reset(&c->glare_sdp);
			buf_put(&c->glare_sdp, x->body.p, x->body.len);
			c->glare_update = x->kind == RQ_UPDATE;
			clock_timer_start_ms(ua->clock, &c->tglare, sip_glare_retry_ms(c->uac, r));
			break;
		}
		if (status == 481 || status == 408) { /* the dialog is gone (§12.2.1.2) */
			call_end(c, status, "dialog lost");
			break;
		}
		if (ua->ops->reoffer_done && x->body.len)
			ua->ops->reoffer_done(ua->arg, c, status, m ? m->body : SV_NULL);
		break;
	case RQ_BYE:
		call_end(c, 0, "hung up by us");
		break;
	case RQ_INFO:
		if (c->info_tsx == x)
			c->info_tsx = NULL;
		if (status == 481 || status == 408) { /* the dialog is gone (RFC 5057) */
			call_end(c, status, "dialog lost");
			break;
		}
		if (status >= 300)
			LOGP(LOGC_SIP, LOGL_NOTICE, "call %s: INFO refused (%d)", c->call_id, status);
		info_next(c);
		break;
	default:
		break;
	}
}

/* ---- responses from the server side ---------------------------------------- */

/* Where a response to rx goes (§18.2.2): back on the connection; over UDP to
 * the source address and port (rport, RFC 3581, and what sipp expects). */
static void dest_from_rx(const struct sip_rx *rx, struct ua_dest *d)
{
	memset(d, 0, sizeof(*d));
	d->proto = rx->proto;
	d->addr = rx->src;
	d->conn = rx->conn;
	d->local = rx->local;
	d->has_local = true;
}

/* The IP address and port of where a request came from, for Via's
 * received and rport (RFC 3581). */
static void src_ip(const struct ua_dest *d, char *ip, size_t size, unsigned *port)
{
	const struct sockaddr_storage *ss = &d->addr.ss;

	if (ss->ss_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)ss)->sin6_addr, ip, (socklen_t)size);
	else
		inet_ntop(AF_INET, &((const struct sockaddr_in *)ss)->sin_addr, ip, (socklen_t)size);
	*port = sip_addr_port(&d->addr);
}

static void response_start(struct sip_build *b, const struct sip_msg *req, int status,
			   const char *reason, const char *tag, const struct ua_dest *src)
{
	char ip[64];
	unsigned port;

	src_ip(src, ip, sizeof(ip), &port);
	sip_build_response_rx(b, req, status, reason, tag, ip, port);
}

/* Build a response to the request in req (parsed), which came from src,
 * with our headers. */
static int build_response(struct sip_call *c, const struct sip_msg *req, const struct ua_dest *src,
			  int status, const char *reason, const char *extra, struct sv body,
			  char *out, size_t size)
{
	struct sip_ua *ua = c ? c->ua : NULL;
	struct sip_build b;

	sip_build_init(&b, out, size);
	response_start(&b, req, status, reason, c ? c->local_tag : NULL, src);
	build_raw(&b, extra);
	if (ua)
		sip_build_hdrf(&b, "Server", "%s", ua->opts.user_agent);
	return sip_build_finish(&b, body.len ? "application/sdp" : NULL, body);
}

static const char *reason_phrase(int status)
{
	switch (status) {
	case 100: return "Trying";
	case 180: return "Ringing";
	case 181: return "Call Is Being Forwarded";
	case 183: return "Session Progress";
	case 200: return "OK";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 408: return "Request Timeout";
	case 415: return "Unsupported Media Type";
	case 416: return "Unsupported URI Scheme";
	case 420: return "Bad Extension";
	case 422: return "Session Interval Too Small";
	case 480: return "Temporarily Unavailable";
	case 481: return "Call/Transaction Does Not Exist";
	case 482: return "Loop Detected";
	case 483: return "Too Many Hops";
	case 486: return "Busy Here";
	case 487: return "Request Terminated";
	case 488: return "Not Acceptable Here";
	case 491: return "Request Pending";
	case 500: return "Server Internal Error";
	case 501: return "Not Implemented";
	case 503: return "Service Unavailable";
	case 504: return "Server Time-out";
	case 600: return "Busy Everywhere";
	case 603: return "Decline";
	default: return status < 300 ? "OK" : status < 400 ? "Redirect" : status < 500 ? "Client Error"
										 : status < 600 ? "Server Error"
												: "Global Failure";
	}
}

/* A response outside any transaction we keep (stateless: 481, 503, ...). */
static void respond_stateless(struct sip_ua *ua, const struct sip_rx *rx, const struct sip_msg *req,
			      int status, const char *extra)
{
	struct ua_dest d;
	char tag[48];
	int n;
	struct sip_build b;

	token(ua, tag, sizeof(tag), "");
	dest_from_rx(rx, &d);
	sip_build_init(&b, ua->scratch, sizeof(ua->scratch));
	response_start(&b, req, status, reason_phrase(status), tag, &d);
	build_raw(&b, extra);
	sip_build_hdrf(&b, "Server", "%s", ua->opts.user_agent);
	n = sip_build_finish(&b, NULL, SV_NULL);
	if (n > 0) {
		ua->st.tx_responses++;
		ua_send(ua, &d, ua->scratch, (size_t)n);
	}
}

/* Respond in server transaction x (kept for retransmissions). */
static void tsx_respond(struct ua_tsx *x, int status, const char *extra, struct sv body)
{
	struct sip_msg req;
	struct sip_parse_error e;
	char *out = x->ua->scratch;
	int n;

	if (sip_msg_parse(&req, x->req.p, x->req.len, SIP_FRAMING_DATAGRAM, &e) < 0)
		return;
	n = build_response(x->call, &req, &x->dest, status, reason_phrase(status), extra, body, out,
			   sizeof(x->ua->scratch));
	tsx_enter(x);
	if (n > 0)
		sip_tsx_server_respond(&x->t, status, out, (size_t)n);
	tsx_leave(x);
}

/* ---- UAS INVITE handling ---------------------------------------------------------------- */

static void ua_contact_hdr(struct sip_call *c, char *out, size_t size)
{
	char uri[160];

	contact_uri(c->ua, c->peer.proto, c->peer.addr.ss.ss_family, uri, sizeof(uri));
	snprintf(out, size, "Contact: <%s>\r\n", uri);
}

static void on_trel(struct timer *t, void *arg)
{
	struct sip_call *c = arg;

	(void)t;
	if (!c->prack_pending || !c->invite_tsx)
		return;
	/* RFC 3262 §3: retransmit at T1 doubling; give up after 64*T1 */
	if (c->trel_ms >= 64u * c->ua->opts.timers.t1_ms) {
		c->prack_pending = false;
		sip_call_reject(c, 504, "SIP;cause=504;text=\"no PRACK\"");
		return;
	}
	ua_send(c->ua, &c->invite_tsx->dest, c->rel1xx.p, c->rel1xx.len);
	c->trel_ms *= 2;
	clock_timer_start_ms(c->ua->clock, &c->trel, c->trel_ms);
}

static void on_t2xx(struct timer *t, void *arg)
{
	struct sip_call *c = arg;
	uint32_t t2 = c->ua->opts.timers.t2_ms;

	(void)t;
	if (!c->resp2xx.len)
		return;
	ua_send(c->ua, &c->peer, c->resp2xx.p, c->resp2xx.len);
	c->t2xx_ms = c->t2xx_ms * 2 > t2 ? t2 : c->t2xx_ms * 2;
	clock_timer_start_ms(c->ua->clock, &c->t2xx, c->t2xx_ms);
}

static void on_tack(struct timer *t, void *arg)
{
	struct sip_call *c = arg;

	(void)t;
	if (c->uac) { /* CANCEL sent, no final response to the INVITE came */
		call_end(c, 487, "cancelled (no final response)");
		return;
	}
	/* §13.3.1.4: no ACK within 64*T1 of the 2xx: confirm, then end with BYE */
	LOGP(LOGC_SIP, LOGL_NOTICE, "call %s: no ACK for our 2xx: BYE", c->call_id);
	clock_timer_stop(c->ua->clock, &c->t2xx);
	buf_reset(&c->resp2xx);
	c->reoffer_in = false;
	if (c->state == CS_CONFIRMED)
		sip_call_hangup(c, "SIP;cause=408;text=\"no ACK\"");
}

/* Send a 2xx for an INVITE (initial or re-INVITE) and retransmit it until
 * the ACK comes (§13.3.1.4: the TU does this, not the transaction). */
static int send_invite_2xx(struct sip_call *c, struct ua_tsx *x, struct sv sdp, const char *extra)
{
	struct sip_msg req;
	struct sip_parse_error e;
	char hdrs[768], contact[200];
	int n;

	if (sip_msg_parse(&req, x->req.p, x->req.len, SIP_FRAMING_DATAGRAM, &e) < 0)
		return -EINVAL;
	ua_contact_hdr(c, contact, sizeof(contact));
	snprintf(hdrs, sizeof(hdrs), "%sAllow: " ALLOW "\r\nSupported: %s%s\r\n%s", contact,
		 c->ua->opts.use_100rel ? "100rel, " : "",
		 c->ua->opts.st.session_expires ? "timer, replaces" : "replaces", extra ? extra : "");
	n = build_response(c, &req, &x->dest, 200, "OK", hdrs, sdp, c->ua->scratch,
			   sizeof(c->ua->scratch));
	if (n < 0)
		return -ENOSPC;
	buf_reset(&c->resp2xx);
	buf_put(&c->resp2xx, c->ua->scratch, (size_t)n);
	if (sdp.len) {
		buf_reset(&c->local_sdp);
		buf_put(&c->local_sdp, sdp.p, sdp.len);
	}
	sip_tsx_server_respond(&x->t, 200, c->ua->scratch, (size_t)n);
	if (c->peer.proto == SIP_PROTO_UDP) {
		c->t2xx_ms = c->ua->opts.timers.t1_ms;
		clock_timer_start_ms(c->ua->clock, &c->t2xx, c->t2xx_ms);
	}
	clock_timer_start_ms(c->ua->clock, &c->tack, 64ull * c->ua->opts.timers.t1_ms);
	return 0;
}

/* The Session-Expires lines of our 2xx as the UAS (RFC 4028 §9), from the
 * INVITE; 422 when its interval is below our Min-SE. */
static int session_timer_uas(struct sip_call *c, const struct sip_msg *req, char *extra,
			     size_t size)
{
	const struct sip_st_config *cfg = &c->ua->opts.st;
	struct sip_st_request r = {0};
	struct sip_st_decision d;
	const struct sip_hdr *h;

	extra[0] = '\0';
	if (!cfg->session_expires)
		return 0;
	if ((h = sip_msg_hdr_find(req, SIP_HDR_SUPPORTED, NULL)))
		r.supported = sip_token_list_has(h->value, "timer");
	if ((h = sip_msg_hdr_find(req, SIP_HDR_SESSION_EXPIRES, NULL))) {
		struct sip_session_expires se;

		if (sip_session_expires_parse(h->value, &se) == 0) {
			r.session_expires = se.seconds;
			r.refresher = (enum sip_refresher)se.refresher;
		}
	}
	if ((h = sip_msg_hdr_find(req, SIP_HDR_MIN_SE, NULL)))
		sip_hdr_uint(h->value, &r.min_se);
	sip_st_uas_decide(cfg, &r, &d);
	if (d.reject_status) {
		snprintf(extra, size, "Min-SE: %" PRIu32 "\r\n", d.min_se);
		return d.reject_status;
	}
	c->se = d.session_expires;
	c->refresher = d.refresher;
	c->we_refresh = d.refresher == SIP_REFRESHER_UAS;
	if (c->se)
		snprintf(extra, size, "Session-Expires: %" PRIu32 ";refresher=%s\r\n%s", c->se,
			 d.refresher == SIP_REFRESHER_UAS ? "uas" : "uac",
			 d.require_timer ? "Require: timer\r\n" : "");
	return 0;
}

static void session_timer_uac(struct sip_call *c, const struct sip_msg *m)
{
	const struct sip_hdr *h;
	struct sip_session_expires se = {0, 0};
	struct sip_st_decision d;

	if (!c->ua->opts.st.session_expires)
		return;
	if ((h = sip_msg_hdr_find(m, SIP_HDR_ALLOW, NULL)))
		c->peer_allows_update = sip_token_list_has(h->value, "UPDATE");
	h = sip_msg_hdr_find(m, SIP_HDR_SESSION_EXPIRES, NULL);
	if (h && sip_session_expires_parse(h->value, &se) < 0)
		h = NULL;
	sip_st_uac_accept(&c->ua->opts.st, h != NULL, se.seconds, (enum sip_refresher)se.refresher, &d);
	c->se = d.session_expires;
	c->refresher = d.refresher;
	/* the UAC of this dialog is whoever sent the INVITE; after a refresh
	 * the roles of the last transaction count (RFC 4028 §7.2, §9) */
	c->we_refresh = d.refresher == SIP_REFRESHER_UAC;
	st_arm(c);
}

static void st_arm(struct sip_call *c)
{
	if (!c->se || c->state != CS_CONFIRMED) {
		clock_timer_stop(c->ua->clock, &c->tst);
		return;
	}
	clock_timer_start_ms(c->ua->clock, &c->tst,
			     c->we_refresh ? sip_st_refresh_after_ms(c->se) : sip_st_expire_after_ms(c->se));
}

static void on_tst(struct timer *t, void *arg)
{
	struct sip_call *c = arg;
	char extra[96];

	(void)t;
	if (c->state != CS_CONFIRMED)
		return;
	if (!c->we_refresh) {
		/* RFC 4028 §10: no refresh came: end the session */
		LOGP(LOGC_SIP, LOGL_NOTICE, "call %s: session timer expired: BYE", c->call_id);
		sip_call_hangup(c, "SIP;cause=408;text=\"session timer expired\"");
		return;
	}
	snprintf(extra, sizeof(extra), "Session-Expires: %" PRIu32 ";refresher=uac\r\n", c->se);
	if (c->reoffer_tsx || c->reoffer_in) {
		clock_timer_start_ms(c->ua->clock, &c->tst, 1000); /* busy: try again soon */
		return;
	}
	/* UPDATE without a body when the peer allows it, else re-INVITE with
	 * the same session description (RFC 4028 §7.1, §9) */
	if (c->peer_allows_update)
		send_request(c, RQ_UPDATE, SV_NULL, extra, false, &c->reoffer_tsx);
	else
		send_request(c, RQ_REINVITE, sv_make(c->local_sdp.p, c->local_sdp.len), extra,
			     false, &c->reoffer_tsx);
	/* until the refresh succeeds, the session runs out as for the other side */
	clock_timer_start_ms(c->ua->clock, &c->tst, sip_st_expire_after_ms(c->se) - sip_st_refresh_after_ms(c->se));
}

static void on_tglare(struct timer *t, void *arg)
{
	struct sip_call *c = arg;

	(void)t;
	if (c->state != CS_CONFIRMED)
		return;
	if (c->glare_update)
		sip_call_update(c, sv_make(c->glare_sdp.p, c->glare_sdp.len));
	else
		sip_call_reinvite(c, sv_make(c->glare_sdp.p, c->glare_sdp.len));
}

/* Check a request's credentials when we challenge (RFC 3261 §22.4). */
static bool auth_ok(struct sip_ua *ua, const struct sip_rx *rx, const struct sip_msg *m,
		    bool *stale)
{
	const struct sip_hdr *h = sip_msg_hdr_find(m, SIP_HDR_AUTHORIZATION, NULL);
	struct sip_auth a;
	struct sip_digest_params p = {0};
	char user[128], realm[128], nonce[256], uri[512], resp[SIP_DIGEST_HEX_MAX], cnonce[128],
		qop[16], nc[16], alg[32], method[32], src[80];
	enum sip_auth_verdict v;

	*stale = false;
	if (!h || sip_auth_parse(h->value, &a) < 0)
		return false;
	auth_param_copy(&a, "username", user, sizeof(user));
	auth_param_copy(&a, "realm", realm, sizeof(realm));
	auth_param_copy(&a, "nonce", nonce, sizeof(nonce));
	auth_param_copy(&a, "uri", uri, sizeof(uri));
	auth_param_copy(&a, "response", resp, sizeof(resp));
	auth_param_copy(&a, "cnonce", cnonce, sizeof(cnonce));
	auth_param_copy(&a, "qop", qop, sizeof(qop));
	auth_param_copy(&a, "nc", nc, sizeof(nc));
	auth_param_copy(&a, "algorithm", alg, sizeof(alg));
	snprintf(method, sizeof(method), "%.*s", (int)m->method.len, m->method.p);
	if (strcmp(user, ua->opts.auth_user) || strcmp(realm, ua->opts.auth_realm))
		return false;
	p.alg = alg[0] && sip_digest_alg_from_name(alg) >= 0
			? (enum sip_digest_alg)sip_digest_alg_from_name(alg) : SIP_DIGEST_MD5;
	p.username = user;
	p.realm = realm;
	p.nonce = nonce;
	p.uri = uri;
	p.method = method;
	p.qop = qop[0] ? qop : NULL;
	p.cnonce = cnonce;
	p.nc = (uint32_t)strtoul(nc, NULL, 16);
	sip_addr_format(&rx->src, src, sizeof(src));
	v = sip_auth_server_check(ua->auth, src, &p, resp, ua->opts.auth_password, false);
	*stale = v == SIP_AUTH_STALE;
	return v == SIP_AUTH_OK;
}

static void challenge(struct sip_ua *ua, const struct sip_rx *rx, const struct sip_msg *m,
		      bool stale)
{
	char ch[512], ch2[512], extra[1100];

	/* RFC 8760 §2.4: one challenge per algorithm, the preferred first */
	if (sip_auth_server_challenge(ua->auth, SIP_DIGEST_SHA256, stale, ch, sizeof(ch)) < 0 ||
	    sip_auth_server_challenge(ua->auth, SIP_DIGEST_MD5, stale, ch2, sizeof(ch2)) < 0)
		return;
	snprintf(extra, sizeof(extra), "WWW-Authenticate: %s\r\nWWW-Authenticate: %s\r\n",
		 ua->opts.auth_md5_first ? ch2 : ch, ua->opts.auth_md5_first ? ch : ch2);
	ua->st.rejected_auth++;
	respond_stateless(ua, rx, m, 401, extra);
}

/* Option tags in Require that we do not support (§8.2.2.3): 420. */
static bool unsupported_required(const struct sip_msg *m, char *bad, size_t size)
{
	static const char *const ours[] = {"100rel", "timer", "replaces"};

	bad[0] = '\0';
	for (const struct sip_hdr *h = sip_msg_hdr_find(m, SIP_HDR_REQUIRE, NULL); h;
	     h = sip_msg_hdr_find(m, SIP_HDR_REQUIRE, h)) {
		struct sv rest = h->value, e;

		while (sip_list_next(&rest, &e)) {
			bool known = false;

			for (size_t i = 0; i < sizeof(ours) / sizeof(ours[0]); i++)
				known |= sv_eq_cstr_nocase(e, ours[i]);
			if (!known) {
				snprintf(bad, size, "%.*s", (int)e.len, e.p);
				return true;
			}
		}
	}
	return false;
}

static void copy_sv(char *dst, size_t size, struct sv v)
{
	snprintf(dst, size, "%.*s", (int)(v.len < size ? v.len : size - 1), v.p);
}

static void rx_new_invite(struct sip_ua *ua, const struct sip_rx *rx, const struct sip_msg *m,
			  struct sv branch)
{
	struct sip_call *c;
	struct ua_tsx *x;
	struct ua_dest d;
	const struct sip_hdr *h;
	struct sip_name_addr na;
	char src[80], bad[64], extra[256], trying[1024];
	int n, st;
	bool stale;

	sip_addr_format(&rx->src, src, sizeof(src));
	if (ua->rl && !sip_ratelimit_take(ua->rl, src)) {
		ua->st.rejected_rate++;
		snprintf(extra, sizeof(extra), "Retry-After: %" PRIu32 "\r\n",
			 sip_ratelimit_retry_after(ua->rl, src));
		respond_stateless(ua, rx, m, 503, extra);
		return;
	}
	if (ua->st.dialogs >= ua->opts.max_dialogs ||
	    ua->st.transactions >= ua->opts.max_transactions) {
		ua->st.rejected_cap++;
		LOGP(LOGC_SIP, LOGL_WARNING, "INVITE from %s refused: %s cap reached", src,
		     ua->st.dialogs >= ua->opts.max_dialogs ? "dialog" : "transaction");
		snprintf(extra, sizeof(extra), "Retry-After: %" PRIu32 "\r\n", ua->opts.retry_after_s);
		respond_stateless(ua, rx, m, 503, extra);
		return;
	}
	if (ua->auth && !auth_ok(ua, rx, m, &stale)) {
		challenge(ua, rx, m, stale);
		return;
	}
	if (unsupported_required(m, bad, sizeof(bad))) {
		snprintf(extra, sizeof(extra), "Unsupported: %s\r\n", bad);
		respond_stateless(ua, rx, m, 420, extra);
		return;
	}
	c = call_new(ua, false);
	if (!c) {
		respond_stateless(ua, rx, m, 500, NULL);
		return;
	}
	dest_from_rx(rx, &d);
	c->peer = d;
	c->state = CS_INCOMING;
	copy_sv(c->call_id, sizeof(c->call_id), m->call_id);
	if ((h = sip_msg_hdr_find(m, SIP_HDR_FROM, NULL)) && sip_name_addr_parse(h->value, &na) == 0) {
		copy_sv(c->remote_uri, sizeof(c->remote_uri), na.uri_text);
		copy_sv(c->remote_tag, sizeof(c->remote_tag), na.tag);
	}
	if ((h = sip_msg_hdr_find(m, SIP_HDR_TO, NULL)) && sip_name_addr_parse(h->value, &na) == 0)
		copy_sv(c->local_uri, sizeof(c->local_uri), na.uri_text);
	if ((h = sip_msg_hdr_find(m, SIP_HDR_CONTACT, NULL))) {
		struct sv rest = h->value, e;
		struct sip_contact ct;

		if (sip_list_next(&rest, &e) && sip_contact_parse(e, &ct) == 0 && !ct.star)
			copy_sv(c->remote_target, sizeof(c->remote_target), ct.na.uri_text);
	}
	/* the UAS keeps the Record-Route order (§12.1.1) */
	for (h = sip_msg_hdr_find(m, SIP_HDR_RECORD_ROUTE, NULL); h;
	     h = sip_msg_hdr_find(m, SIP_HDR_RECORD_ROUTE, h)) {
		struct sv rest = h->value, e;

		while (sip_list_next(&rest, &e) && c->nroutes < UA_MAX_ROUTES)
			if (sip_name_addr_parse(e, &na) == 0 && route_set(c))
				copy_sv(c->routes[c->nroutes++], sizeof(c->routes[0]), na.uri_text);
	}
	if ((h = sip_msg_hdr_find(m, SIP_HDR_ALLOW, NULL)))
		c->peer_allows_update = sip_token_list_has(h->value, "UPDATE");
	if ((h = sip_msg_hdr_find(m, SIP_HDR_SUPPORTED, NULL)))
		c->peer_100rel = sip_token_list_has(h->value, "100rel");
	if ((h = sip_msg_hdr_find(m, SIP_HDR_REQUIRE, NULL)))
		c->peer_requires_100rel = sip_token_list_has(h->value, "100rel");
	c->peer_100rel |= c->peer_requires_100rel;
	c->remote_cseq = m->cseq;
	c->remote_cseq_set = true;
	c->invite_cseq = m->cseq;
	x = tsx_new(ua, c, true, SIP_TSX_IST, &d);
	if (!x) {
		call_end(c, 503, "no transaction");
		return;
	}
	x->kind = RQ_INVITE;
	copy_sv(x->branch, sizeof(x->branch), branch);
	snprintf(x->method, sizeof(x->method), "INVITE");
	buf_put(&x->req, rx->buf, rx->len);
	tsx_hash(ua, x);
	tsx_enter(x);
	c->invite_tsx = x;
	call_hash(c);
	ua->st.calls_in++;
	/* 100 Trying at once (§17.2.1), no To tag */
	{
		struct sip_build b;

		sip_build_init(&b, trying, sizeof(trying));
		response_start(&b, m, 100, "Trying", NULL, &d);
		n = sip_build_finish(&b, NULL, SV_NULL);
	}
	sip_tsx_server_start(&x->t, n > 0 ? trying : NULL, n > 0 ? (size_t)n : 0);
	st = session_timer_uas(c, m, extra, sizeof(extra));
	if (st) {
		tsx_respond(x, st, extra, SV_NULL);
		call_end(c, st, "session interval too small");
		tsx_leave(x);
		return;
	}
	c->rx_tls_names = rx->peer_names;
	if (ua->ops->incoming)
		ua->ops->incoming(ua->arg, c, m, m->body);
	else
		sip_call_reject(c, 480, NULL);
	c->rx_tls_names = NULL;
	tsx_leave(x);
}

/* ---- requests inside a dialog ---------------------------------------------------- */

static void rx_in_dialog(struct sip_ua *ua, const struct sip_rx *rx, const struct sip_msg *m,
			 struct sip_call *c, struct sv branch)
{
	struct ua_dest d;
	struct ua_tsx *x;
	char ans[4096], extra[256];
	bool is_invite = sv_eq_cstr(m->method, "INVITE"), is_update = sv_eq_cstr(m->method, "UPDATE");
	const struct sip_hdr *h;

	/* §12.2.2: a CSeq lower than the last one is out of order: 500 */
	if (c->remote_cseq_set && m->cseq < c->remote_cseq && !sv_eq_cstr(m->method, "ACK")) {
		respond_stateless(ua, rx, m, 500, NULL);
		return;
	}
	c->remote_cseq = m->cseq;
	c->remote_cseq_set = true;
	dest_from_rx(rx, &d);
	x = tsx_new(ua, c, true, is_invite ? SIP_TSX_IST : SIP_TSX_NIST, &d);
	if (!x) {
		snprintf(extra, sizeof(extra), "Retry-After: %" PRIu32 "\r\n", ua->opts.retry_after_s);
		respond_stateless(ua, rx, m, 503, extra);
		return;
	}
	copy_sv(x->branch, sizeof(x->branch), branch);
	copy_sv(x->method, sizeof(x->method), m->method);
	buf_put(&x->req, rx->buf, rx->len);
	tsx_hash(ua, x);
	tsx_enter(x);
	sip_tsx_server_start(&x->t, NULL, 0);
	if (sv_eq_cstr(m->method, "BYE")) {
		note_reason(c, m);
		tsx_respond(x, 200, NULL, SV_NULL);
		if (c->invite_tsx && c->invite_tsx->server && c->state != CS_CONFIRMED)
			tsx_respond(c->invite_tsx, 487, NULL, SV_NULL);
		call_end(c, 0, "hung up by the peer");
	} else if (sv_eq_cstr(m->method, "PRACK")) {
		struct sip_rack r;

		h = sip_msg_hdr_find(m, SIP_HDR_RACK, NULL);
		if (!h || sip_rack_parse(h->value, &r) < 0 || r.rseq != c->rseq || !c->prack_pending) {
			tsx_respond(x, 481, NULL, SV_NULL); /* RFC 3262 §3: no match */
		} else {
			c->prack_pending = false;
			clock_timer_stop(ua->clock, &c->trel);
			tsx_respond(x, 200, NULL, SV_NULL);
			if (c->answer_queued && c->invite_tsx) {
				c->answer_queued = false;
				sip_call_answer(c, sv_make(c->queued_sdp.p, c->queued_sdp.len));
			}
		}
	} else if (is_invite || is_update) {
		int n = -1;
		bool offer = m->body.len > 0;

		/* RFC 3261 §14.2 / RFC 3311 §5.2: one offer at a time */
		if ((is_invite && (c->reoffer_in || c->reoffer_tsx)) ||
		    (c->reoffer_tsx && c->reoffer_tsx->kind == RQ_REINVITE && is_invite)) {
			snprintf(extra, sizeof(extra), "Retry-After: 1\r\n");
			tsx_respond(x, 491, extra, SV_NULL);
			tsx_leave(x);
			return;
		}
		if (is_update && c->reoffer_tsx && offer) {
			tsx_respond(x, 491, NULL, SV_NULL);
			tsx_leave(x);
			return;
		}
		/* target refresh (§12.2.2) */
		if ((h = sip_msg_hdr_find(m, SIP_HDR_CONTACT, NULL))) {
			struct sv rest = h->value, e;
			struct sip_contact ct;

			if (sip_list_next(&rest, &e) && sip_contact_parse(e, &ct) == 0 && !ct.star)
				copy_sv(c->remote_target, sizeof(c->remote_target), ct.na.uri_text);
		}
		if (offer) {
			if (ua->ops->reoffer)
				n = ua->ops->reoffer(ua->arg, c, m->body, ans, sizeof(ans));
			else if (c->local_sdp.len < sizeof(ans)) {
				memcpy(ans, c->local_sdp.p, c->local_sdp.len);
				n = (int)c->local_sdp.len;
			}
			if (n < 0) {
				tsx_respond(x, 488, NULL, SV_NULL);
				tsx_leave(x);
				return;
			}
		} else {
			n = (int)(c->local_sdp.len < sizeof(ans) ? c->local_sdp.len : 0);
			memcpy(ans, c->local_sdp.p, (size_t)n);
		}
		/* a refresh restarts the session timer; the refresher is who sent it
		 * unless the request says otherwise (RFC 4028 §9) */
		extra[0] = '\0';
		if (c->se) {
			struct sip_session_expires se;

			if ((h = sip_msg_hdr_find(m, SIP_HDR_SESSION_EXPIRES, NULL)) &&
			    sip_session_expires_parse(h->value, &se) == 0 && se.seconds >= 90)
				c->se = se.seconds;
			c->we_refresh = false;
			snprintf(extra, sizeof(extra), "Session-Expires: %" PRIu32 ";refresher=uac\r\nRequire: timer\r\n",
				 c->se);
			st_arm(c);
		}
		if (is_invite) {
			c->reoffer_in = true;
			send_invite_2xx(c, x, sv_make(ans, offer || !is_update ? (size_t)n : 0), extra);
		} else {
			char contact[200], hdrs[512];

			ua_contact_hdr(c, contact, sizeof(contact));
			snprintf(hdrs, sizeof(hdrs), "%s%s", contact, extra);
			tsx_respond(x, 200, hdrs, offer ? sv_make(ans, (size_t)n) : SV_NULL);
		}
	} else if (sv_eq_cstr(m->method, "INFO") || sv_eq_cstr(m->method, "OPTIONS") ||
		   sv_eq_cstr(m->method, "NOTIFY")) {
		tsx_respond(x, 200, NULL, SV_NULL);
		if (sv_eq_cstr(m->method, "INFO") && ua->ops->info && m->body.len) {
			const struct sip_hdr *ct = sip_msg_hdr_find(m, SIP_HDR_CONTENT_TYPE, NULL);

			ua->ops->info(ua->arg, c, ct ? ct->value : SV_NULL, m->body);
		}
	} else {
		snprintf(extra, sizeof(extra), "Allow: " ALLOW "\r\n");
		tsx_respond(x, 405, extra, SV_NULL);
	}
	tsx_leave(x);
}

/* ---- receive ------------------------------------------------------------------------------ */

static struct sv top_branch(const struct sip_msg *m, struct sip_via *via)
{
	const struct sip_hdr *h = sip_msg_hdr_find(m, SIP_HDR_VIA, NULL);
	struct sv rest, e;

	if (!h)
		return SV_NULL;
	rest = h->value;
	if (!sip_list_next(&rest, &e) || sip_via_parse(e, via) < 0)
		return SV_NULL;
	return via->branch;
}

static void rx_response(struct sip_ua *ua, const struct sip_msg *m)
{
	struct sip_via via;
	struct sv branch = top_branch(m, &via);
	struct ua_tsx *x;
	char ack[2048];
	int n = 0;

	ua->st.rx_responses++;
	x = tsx_find(ua, branch, m->cseq_method, false);
	if (!x) {
		/* a 2xx retransmission after the INVITE transaction: ACK again */
		struct sip_call *c;
		const struct sip_hdr *h = sip_msg_hdr_find(m, SIP_HDR_FROM, NULL);
		struct sip_name_addr na;

		if (m->status >= 200 && m->status < 300 && sv_eq_cstr(m->cseq_method, "INVITE") && h &&
		    sip_name_addr_parse(h->value, &na) == 0 && (c = call_find(ua, m->call_id, na.tag)) &&
		    c->ack2xx.len) {
			struct ua_dest d;
			const char *ruri;

			ua->st.retransmissions_absorbed++;
			if (call_route(c, &d, &ruri) == 0)
				ua_send(ua, &d, c->ack2xx.p, c->ack2xx.len);
		}
		return;
	}
	if (x->t.kind == SIP_TSX_ICT && m->status >= 300 && x->call)
		n = build_ack_non2xx(x, m, ack, sizeof(ack));
	if (x->t.kind == SIP_TSX_ICT && m->status >= 200 && m->status < 300 &&
	    x->t.state == SIP_TSX_ACCEPTED && x->call && x->call->ack2xx.len) {
		/* a retransmitted 2xx: the ACK again (§13.2.2.4) */
		struct ua_dest d;
		const char *ruri;

		ua->st.retransmissions_absorbed++;
		if (call_route(x->call, &d, &ruri) == 0)
			ua_send(ua, &d, x->call->ack2xx.p, x->call->ack2xx.len);
		return;
	}
	{
		struct sip_call *c = x->call;

		if (c)
			c->refs++;
		rx_msg = m;
		tsx_enter(x);
		sip_tsx_client_response(&x->t, m->status, n > 0 ? ack : NULL, n > 0 ? (size_t)n : 0);
		rx_msg = NULL;
		tsx_leave(x);
		call_unref(c);
	}
}

static void rx_request(struct sip_ua *ua, const struct sip_rx *rx, const struct sip_msg *m)
{
	struct sip_via via;
	struct sv branch = top_branch(m, &via), to_tag = SV_NULL;
	const struct sip_hdr *h;
	struct sip_name_addr na;
	struct ua_tsx *x;
	struct sip_call *c;
	bool is_ack = sv_eq_cstr(m->method, "ACK");
	char fallback[192], extra[256];

	ua->st.rx_requests++;
	if (!branch.len) { /* RFC 2543 peers: key on Call-ID and CSeq instead */
		snprintf(fallback, sizeof(fallback), "%.*s|%" PRIu32, (int)m->call_id.len, m->call_id.p,
			 m->cseq);
		branch = sv_cstr(fallback);
	}
	/* a retransmission, or the ACK of a non-2xx final (§17.2.3) */
	x = tsx_find(ua, branch, is_ack ? SV_LIT("INVITE") : m->method, true);
	if (x) {
		if (is_ack) {
			if (x->t.status >= 300) {
				tsx_enter(x);
				sip_tsx_server_ack(&x->t);
				tsx_leave(x);
				return;
			}
		} else {
			ua->st.retransmissions_absorbed++;
			tsx_enter(x);
			sip_tsx_server_request(&x->t);
			tsx_leave(x);
			return;
		}
	}
	if ((h = sip_msg_hdr_find(m, SIP_HDR_TO, NULL)) && sip_name_addr_parse(h->value, &na) == 0)
		to_tag = na.tag;
	if (sv_eq_cstr(m->method, "CANCEL")) {
		/* §9.2: match the INVITE's server transaction by its branch */
		struct ua_tsx *inv = tsx_find(ua, branch, SV_LIT("INVITE"), true);

		if (!inv || !inv->call) {
			respond_stateless(ua, rx, m, 481, NULL);
			return;
		}
		c = inv->call;
		{
			struct sip_build b;
			struct ua_dest d;
			int n;

			dest_from_rx(rx, &d);
			sip_build_init(&b, ua->scratch, sizeof(ua->scratch));
			response_start(&b, m, 200, "OK", c->local_tag, &d);
			n = sip_build_finish(&b, NULL, SV_NULL);
			if (n > 0)
				ua_send(ua, &d, ua->scratch, (size_t)n);
		}
		if (inv->t.status < 200) {
			c->refs++;
			tsx_enter(inv);
			tsx_respond(inv, 487, NULL, SV_NULL);
			clock_timer_stop(ua->clock, &c->trel);
			call_end(c, 487, "cancelled by the peer");
			tsx_leave(inv);
			call_unref(c);
		}
		return;
	}
	if (to_tag.len) {
		c = call_find(ua, m->call_id, to_tag);
		if (is_ack) {
			/* the ACK for our 2xx (§13.3.1.4) */
			if (c && c->resp2xx.len) {
				clock_timer_stop(ua->clock, &c->t2xx);
				clock_timer_stop(ua->clock, &c->tack);
				buf_reset(&c->resp2xx);
				if (c->reoffer_in) {
					c->reoffer_in = false;
				} else if (!c->acked) {
					c->acked = true;
					c->state = CS_CONFIRMED;
					st_arm(c);
					if (ua->ops->answered)
						ua->ops->answered(ua->arg, c, m->body);
				}
			}
			return; /* an ACK is never answered */
		}
		if (!c) {
			ua->st.no_dialog_481++;
			respond_stateless(ua, rx, m, 481, NULL);
			return;
		}
		c->refs++;
		rx_in_dialog(ua, rx, m, c, branch);
		call_unref(c);
		return;
	}
	if (is_ack)
		return; /* stray ACK */
	if (sv_eq_cstr(m->method, "INVITE")) {
		if (m->ruri.scheme == SIP_URI_OTHER) {
			respond_stateless(ua, rx, m, 416, NULL);
			return;
		}
		rx_new_invite(ua, rx, m, branch);
		return;
	}
	if (sv_eq_cstr(m->method, "OPTIONS")) {
		snprintf(extra, sizeof(extra),
			 "Allow: " ALLOW "\r\nAccept: application/sdp\r\nSupported: 100rel, timer, replaces\r\n");
		respond_stateless(ua, rx, m, 200, extra);
		return;
	}
	if (sv_eq_cstr(m->method, "BYE") || sv_eq_cstr(m->method, "PRACK") ||
	    sv_eq_cstr(m->method, "UPDATE")) {
		ua->st.no_dialog_481++;
		respond_stateless(ua, rx, m, 481, NULL);
		return;
	}
	snprintf(extra, sizeof(extra), "Allow: " ALLOW "\r\n");
	respond_stateless(ua, rx, m, 405, extra);
}

static bool has_via_line(const char *buf, size_t len)
{
	for (size_t i = 0; i + 4 < len; i++)
		if (buf[i] == '\n' && (!strncasecmp(buf + i + 1, "via", 3) || !strncasecmp(buf + i + 1, "v:", 2) ||
					 !strncasecmp(buf + i + 1, "v ", 2)))
			return true;
	return false;
}

static void on_rx(void *arg, const struct sip_rx *rx)
{
	struct sip_ua *ua = arg;
	struct sip_msg m;
	struct sip_parse_error e;

	if (ua->opts.trace)
		LOGP(LOGC_SIP, LOGL_DEBUG, "recv %s:\n%.*s", sip_proto_names[rx->proto], (int)rx->len,
		     rx->buf);
	if (sip_msg_parse(&m, rx->buf, rx->len,
			  rx->proto == SIP_PROTO_UDP ? SIP_FRAMING_DATAGRAM : SIP_FRAMING_STREAM, &e) < 0) {
		char src[80];

		ua->st.rx_bad++;
		sip_addr_format(&rx->src, src, sizeof(src));
		LOGP(LOGC_SIP, LOGL_NOTICE, "bad message from %s: %d %s", src, e.status, e.reason);
		/* a request gets the answer from its raw headers, if it has a Via
		 * to send it by; a response, or noise, gets nothing */
		if (rx->len > 8 && strncmp(rx->buf, "SIP/2.0 ", 8) && strncmp(rx->buf, "ACK ", 4) &&
		    has_via_line(rx->buf, rx->len)) { /* an ACK is never answered (§17.2.3) */
			struct sip_build b;
			struct ua_dest d;
			int n;

			dest_from_rx(rx, &d);
			sip_build_init(&b, ua->scratch, sizeof(ua->scratch));
			sip_build_error_response(&b, rx->buf, rx->len, e.status, e.reason);
			n = sip_build_finish(&b, NULL, SV_NULL);
			if (n > 0)
				ua_send(ua, &d, ua->scratch, (size_t)n);
		}
		return;
	}
	if (m.request)
		rx_request(ua, rx, &m);
	else
		rx_response(ua, &m);
}

/* ---- the TU's call operations -------------------------------------------------------- */

int sip_call_invite(struct sip_ua *ua, const char *to_uri, const char *from_uri, struct sv sdp,
		    const struct sip_credentials *cred, struct sip_call **out)
{
	return sip_call_invite_hdrs(ua, to_uri, from_uri, sdp, cred, NULL, out);
}

void sip_call_get_ids(const struct sip_call *c, struct sip_call_ids *ids)
{
	snprintf(ids->call_id, sizeof(ids->call_id), "%s", c->call_id);
	snprintf(ids->local_tag, sizeof(ids->local_tag), "%s", c->local_tag);
	ids->cseq = c->local_cseq;
}

int sip_call_invite_hdrs(struct sip_ua *ua, const char *to_uri, const char *from_uri, struct sv sdp,
			 const struct sip_credentials *cred, const char *headers, struct sip_call **out)
{
	return sip_call_invite_ids(ua, to_uri, from_uri, sdp, cred, headers, NULL, out);
}

int sip_call_invite_ids(struct sip_ua *ua, const char *to_uri, const char *from_uri, struct sv sdp,
			const struct sip_credentials *cred, const char *headers, const struct sip_call_ids *ids,
			struct sip_call **out)
{
	struct sip_call *c;
	char extra[1024] = "";
	int rc;

	if (ua->st.dialogs >= ua->opts.max_dialogs)
		return -EAGAIN;
	c = call_new(ua, true);
	if (!c)
		return -ENOMEM;
	c->state = CS_CALLING;
	if (ids && ids->call_id[0] && ids->local_tag[0]) {
		/* the same call as before (RFC 3578 §3.2): Call-ID, From tag, a higher CSeq */
		snprintf(c->call_id, sizeof(c->call_id), "%s", ids->call_id);
		snprintf(c->local_tag, sizeof(c->local_tag), "%s", ids->local_tag);
		c->local_cseq = ids->cseq;
	} else {
		token(ua, c->call_id, sizeof(c->call_id), "");
		snprintf(c->call_id + strlen(c->call_id), sizeof(c->call_id) - strlen(c->call_id), "@sipgw");
		c->local_cseq = (uint32_t)(rnd(ua) % 10000);
	}
	snprintf(c->first_uri, sizeof(c->first_uri), "%s", to_uri);
	snprintf(c->remote_uri, sizeof(c->remote_uri), "%s", to_uri);
	snprintf(c->local_uri, sizeof(c->local_uri), "%s", from_uri);
	if (cred && cred->user) {
		c->cred_user = mem_strdup(cred->user);
		c->cred_password = mem_strdup(cred->password ? cred->password : "");
	}
	buf_put(&c->local_sdp, sdp.p, sdp.len);
	if (headers && strlen(headers) > sizeof(extra) - 200) {
		c->ended_reported = true;
		call_unref(c);
		return -EMSGSIZE;
	}
	if (headers)
		snprintf(extra, sizeof(extra), "%s", headers);
	if (ua->opts.require_100rel)
		snprintf(extra + strlen(extra), sizeof(extra) - strlen(extra), "Require: 100rel\r\n");
	if (ua->opts.st.session_expires)
		snprintf(extra + strlen(extra), sizeof(extra) - strlen(extra),
			 "Session-Expires: %" PRIu32 "\r\nMin-SE: %" PRIu32 "\r\n",
			 ua->opts.st.session_expires, ua->opts.st.min_se);
	ua->st.calls_out++;
	rc = send_request(c, RQ_INVITE, sdp, extra, false, &c->invite_tsx);
	if (rc < 0) {
		c->ended_reported = true; /* never reported: the caller gets the error */
		call_unref(c);
		return rc;
	}
	*out = c;
	return 0;
}

int sip_call_ring(struct sip_call *c, int status, struct sv sdp)
{
	struct ua_tsx *x = c->invite_tsx;
	struct sip_msg req;
	struct sip_parse_error e;
	char hdrs[512], contact[200];
	bool reliable = c->ua->opts.use_100rel && c->peer_100rel;
	int n;

	if (c->uac || !x || c->state == CS_ENDED || x->t.status >= 200)
		return -EINVAL;
	if (reliable && c->prack_pending)
		return -EBUSY; /* RFC 3262 §3: one unacknowledged reliable provisional */
	if (sip_msg_parse(&req, x->req.p, x->req.len, SIP_FRAMING_DATAGRAM, &e) < 0)
		return -EINVAL;
	ua_contact_hdr(c, contact, sizeof(contact));
	if (reliable)
		snprintf(hdrs, sizeof(hdrs), "%sRequire: 100rel\r\nRSeq: %" PRIu32 "\r\nAllow: " ALLOW "\r\n",
			 contact, ++c->rseq);
	else
		snprintf(hdrs, sizeof(hdrs), "%s", contact);
	n = build_response(c, &req, &x->dest, status, reason_phrase(status), hdrs, sdp, c->ua->scratch,
			   sizeof(c->ua->scratch));
	if (n < 0)
		return -ENOSPC;
	c->state = CS_EARLY;
	if (sdp.len) {
		buf_reset(&c->local_sdp);
		buf_put(&c->local_sdp, sdp.p, sdp.len);
	}
	tsx_enter(x);
	sip_tsx_server_respond(&x->t, status, c->ua->scratch, (size_t)n);
	if (reliable) {
		c->prack_pending = true;
		buf_reset(&c->rel1xx);
		buf_put(&c->rel1xx, c->ua->scratch, (size_t)n);
		c->trel_ms = c->ua->opts.timers.t1_ms;
		if (c->peer.proto == SIP_PROTO_UDP)
			clock_timer_start_ms(c->ua->clock, &c->trel, c->trel_ms);
	}
	tsx_leave(x);
	return 0;
}

int sip_call_answer(struct sip_call *c, struct sv sdp)
{
	struct ua_tsx *x = c->invite_tsx;
	char extra[256];
	struct sip_msg req;
	struct sip_parse_error e;
	int rc;

	if (c->uac || !x || c->state == CS_ENDED || x->t.status >= 200)
		return -EINVAL;
	if (c->prack_pending) { /* answer once the reliable provisional is acknowledged */
		c->answer_queued = true;
		buf_reset(&c->queued_sdp);
		buf_put(&c->queued_sdp, sdp.p, sdp.len);
		return 0;
	}
	if (sip_msg_parse(&req, x->req.p, x->req.len, SIP_FRAMING_DATAGRAM, &e) < 0)
		return -EINVAL;
	tsx_enter(x);
	session_timer_uas(c, &req, extra, sizeof(extra));
	rc = send_invite_2xx(c, x, sdp, extra);
	if (rc == 0) {
		c->state = CS_CONFIRMED; /* for in-dialog requests; ACK still awaited */
		c->ua->st.calls_answered++;
		if (c->se)
			st_arm(c);
	}
	tsx_leave(x);
	return rc;
}

int sip_call_reject(struct sip_call *c, int status, const char *reason)
{
	return sip_call_reject_contact(c, status, reason, NULL);
}

int sip_call_reject_contact(struct sip_call *c, int status, const char *reason, const char *contact)
{
	struct ua_tsx *x = c->invite_tsx;
	char extra[600] = "";

	if (c->uac || !x || x->t.status >= 200 || status < 300)
		return -EINVAL;
	if (contact && (strlen(contact) > 300 || strpbrk(contact, "\r\n<>")))
		return -EINVAL;
	if (contact)
		snprintf(extra, sizeof(extra), "Contact: <%s>\r\n", contact);
	if (reason)
		snprintf(extra + strlen(extra), sizeof(extra) - strlen(extra), "Reason: %s\r\n", reason);
	if (status == 503 || status == 486 || status == 480)
		snprintf(extra + strlen(extra), sizeof(extra) - strlen(extra), "Retry-After: %" PRIu32 "\r\n",
			 c->ua->opts.retry_after_s);
	c->refs++;
	tsx_enter(x);
	tsx_respond(x, status, extra, SV_NULL);
	clock_timer_stop(c->ua->clock, &c->trel);
	call_end(c, status, "refused by us");
	tsx_leave(x);
	call_unref(c);
	return 0;
}

static int send_cancel(struct sip_call *c)
{
	struct ua_tsx *inv = c->invite_tsx, *x;
	struct ua_dest d = inv->dest;
	struct sip_build b;
	char hp[80];
	const char *ruri = c->first_uri;
	int n;

	/* §9.1: the INVITE's Request-URI, Call-ID, From, To (no tag), branch, CSeq number */
	x = tsx_new(c->ua, c, false, SIP_TSX_NICT, &d);
	if (!x)
		return -EAGAIN;
	x->kind = RQ_CANCEL;
	snprintf(x->method, sizeof(x->method), "CANCEL");
	snprintf(x->branch, sizeof(x->branch), "%s", inv->branch);
	x->cseq = inv->cseq;
	local_hostport(c->ua, d.proto, d.addr.ss.ss_family, hp, sizeof(hp));
	sip_build_init(&b, c->ua->scratch, sizeof(c->ua->scratch));
	sip_build_request(&b, SV_LIT("CANCEL"), sv_cstr(ruri));
	sip_build_hdrf(&b, "Via", "SIP/2.0/%s %s;branch=%s;rport", sip_proto_names[d.proto], hp, inv->branch);
	sip_build_hdrf(&b, "Max-Forwards", "70");
	sip_build_hdrf(&b, "From", "<%s>;tag=%s", c->local_uri, c->local_tag);
	sip_build_hdrf(&b, "To", "<%s>", c->remote_uri);
	sip_build_hdrf(&b, "Call-ID", "%s", c->call_id);
	sip_build_hdrf(&b, "CSeq", "%" PRIu32 " CANCEL", inv->cseq);
	sip_build_hdrf(&b, "User-Agent", "%s", c->ua->opts.user_agent);
	n = sip_build_finish(&b, NULL, SV_NULL);
	if (n < 0) {
		tsx_free(x);
		return -ENOSPC;
	}
	tsx_hash(c->ua, x);
	tsx_enter(x);
	sip_tsx_client_start(&x->t, c->ua->scratch, (size_t)n);
	tsx_leave(x);
	/* §9.1: a final response to the INVITE should follow; if none comes in
	 * 64*T1 the call is over all the same */
	clock_timer_start_ms(c->ua->clock, &c->tack, 64ull * c->ua->opts.timers.t1_ms);
	return 0;
}

int sip_call_hangup(struct sip_call *c, const char *reason)
{
	char extra[300] = "";

	if (c->state == CS_ENDED || c->state == CS_ENDING)
		return -EALREADY;
	if (!c->uac && c->state != CS_CONFIRMED)
		return sip_call_reject(c, 487, reason);
	if (c->uac && c->state != CS_CONFIRMED) {
		if (!c->invite_tsx)
			return -EINVAL;
		if (c->invite_tsx->t.state == SIP_TSX_CALLING) {
			c->cancel_pending = true; /* §9.1: not before a provisional */
			return 0;
		}
		return send_cancel(c); /* the INVITE ends with 487 -> ended */
	}
	if (reason)
		snprintf(extra, sizeof(extra), "Reason: %s\r\n", reason);
	clock_timer_stop(c->ua->clock, &c->tst);
	c->state = CS_ENDING;
	if (send_request(c, RQ_BYE, SV_NULL, extra, false, NULL) < 0)
		call_end(c, 0, "hung up by us (BYE not sent)");
	return 0;
}

static int send_reoffer(struct sip_call *c, enum req_kind kind, struct sv sdp)
{
	char extra[128] = "";

	if (c->state != CS_CONFIRMED)
		return -EINVAL;
	if (c->reoffer_tsx || c->reoffer_in)
		return -EBUSY;
	buf_reset(&c->local_sdp);
	buf_put(&c->local_sdp, sdp.p, sdp.len);
	if (c->se)
		snprintf(extra, sizeof(extra), "Session-Expires: %" PRIu32 ";refresher=uac\r\n", c->se);
	return send_request(c, kind, sdp, extra, false, &c->reoffer_tsx);
}

int sip_call_reinvite(struct sip_call *c, struct sv sdp)
{
	return send_reoffer(c, RQ_REINVITE, sdp);
}

int sip_call_update(struct sip_call *c, struct sv sdp)
{
	return send_reoffer(c, RQ_UPDATE, sdp);
}

/* The first INFO waiting, once none is in progress (RFC 6086 §4.2.2). */
static void info_next(struct sip_call *c)
{
	size_t n;

	if (c->info_tsx || !c->info_q.len || c->state != CS_CONFIRMED)
		return;
	n = strlen(c->info_q.p);
	if (send_request(c, RQ_INFO, sv_make(c->info_q.p, n), NULL, false, &c->info_tsx) < 0)
		LOGP(LOGC_SIP, LOGL_ERROR, "call %s: INFO not sent", c->call_id);
	buf_consume(&c->info_q, n + 1);
}

int sip_call_info(struct sip_call *c, const char *content_type, struct sv body)
{
	if (c->state != CS_CONFIRMED)
		return -EINVAL;
	if (!body.len || memchr(body.p, 0, body.len) || strlen(content_type) >= sizeof(c->info_ct))
		return -EINVAL;
	if (c->info_q.len + body.len + 1 > 4096)
		return -ENOBUFS;
	snprintf(c->info_ct, sizeof(c->info_ct), "%s", content_type);
	buf_put(&c->info_q, body.p, body.len);
	buf_put(&c->info_q, "", 1);
	if (c->info_q.oom)
		return -ENOMEM;
	info_next(c);
	return 0;
}

void sip_call_set_user(struct sip_call *c, void *user)
{
	c->user = user;
}

void *sip_call_user(const struct sip_call *c)
{
	return c->user;
}

const char *sip_call_id(const struct sip_call *c)
{
	return c->call_id;
}

bool sip_call_tls_name(const struct sip_call *c, const char *name)
{
	for (const char *p = c->rx_tls_names; p && *p; p += strlen(p) + 1)
		if (!strcasecmp(p, name))
			return true;
	return false;
}

int sip_call_q850(const struct sip_call *c)
{
	return c->peer_q850;
}

const struct sip_addr *sip_call_peer(const struct sip_call *c, enum sip_proto *proto)
{
	if (proto)
		*proto = c->peer.proto;
	return &c->peer.addr;
}

bool sip_call_confirmed(const struct sip_call *c)
{
	return c->state == CS_CONFIRMED;
}

uint32_t sip_call_session_expires(const struct sip_call *c, enum sip_refresher *refresher,
				  bool *we_refresh)
{
	if (refresher)
		*refresher = c->refresher;
	if (we_refresh)
		*we_refresh = c->we_refresh;
	return c->se;
}

/* ---- registration ------------------------------------------------------------------- */

static void reg_send(void *arg, uint32_t expires, bool with_auth)
{
	struct sip_call *c = arg;
	char extra[64];

	(void)with_auth; /* the challenge is answered in client_final */
	snprintf(extra, sizeof(extra), "Expires: %" PRIu32 "\r\n", expires);
	c->remote_tag[0] = '\0';
	if (send_request(c, RQ_REGISTER, SV_NULL, extra, false, NULL) < 0)
		sip_reg_response(&c->reg, 503, 0, 0, false);
}

static void reg_changed(void *arg, enum sip_reg_state from, enum sip_reg_state to, const char *why)
{
	struct sip_call *c = arg;

	LOGP(LOGC_SIP, LOGL_INFO, "registration %s: %s -> %s (%s)", c->remote_uri,
	     sip_reg_state_names[from], sip_reg_state_names[to], why);
	if (c->ua->ops->registration)
		c->ua->ops->registration(c->ua->arg, c->remote_uri, to, c->reg.last_status);
	if (to == SIP_REG_IDLE && c->reg.stopping)
		call_end(c, 0, "unregistered");
}

static const struct sip_reg_ops reg_ops = {.send = reg_send, .changed = reg_changed};

static void reg_final(struct sip_call *c, struct ua_tsx *x, int status, const struct sip_msg *m)
{
	uint32_t expires = 0, min = 0;
	const struct sip_hdr *h;

	if ((status == 401 || status == 407) && m && (!x->auth_sent || c->reg_stale)) {
		if (resend_with_auth(x, m) == 0)
			return;
	}
	if (m && status >= 200 && status < 300) {
		/* the expiry the registrar granted our contact */
		for (h = sip_msg_hdr_find(m, SIP_HDR_CONTACT, NULL); h && !expires;
		     h = sip_msg_hdr_find(m, SIP_HDR_CONTACT, h)) {
			struct sv rest = h->value, e;
			struct sip_contact ct;

			while (sip_list_next(&rest, &e))
				if (sip_contact_parse(e, &ct) == 0 && ct.expires > 0 &&
				    sv_eq_cstr_nocase(ct.na.uri.user, c->ua->opts.contact_user))
					expires = (uint32_t)ct.expires;
		}
		if (!expires && (h = sip_msg_hdr_find(m, SIP_HDR_EXPIRES, NULL)))
			sip_hdr_uint(h->value, &expires);
	}
	if (m && status == 423 && (h = sip_msg_hdr_by_name(m, SV_LIT("Min-Expires"), NULL)))
		sip_hdr_uint(h->value, &min);
	sip_reg_response(&c->reg, status, expires, min, false);
}

int sip_ua_register(struct sip_ua *ua, const char *registrar_uri, const char *aor,
		    const struct sip_credentials *cred, uint32_t expires, struct sip_call **out)
{
	struct sip_call *c = call_new(ua, true);
	struct sip_reg_opts o = {.expires_s = expires};

	if (!c)
		return -ENOMEM;
	c->is_reg = true;
	c->state = CS_CONFIRMED;
	token(ua, c->call_id, sizeof(c->call_id), "reg-");
	snprintf(c->first_uri, sizeof(c->first_uri), "%s", registrar_uri);
	snprintf(c->remote_uri, sizeof(c->remote_uri), "%s", aor);
	snprintf(c->local_uri, sizeof(c->local_uri), "%s", aor);
	c->local_cseq = 1;
	if (cred && cred->user) {
		c->cred_user = mem_strdup(cred->user);
		c->cred_password = mem_strdup(cred->password ? cred->password : "");
	}
	sip_reg_init(&c->reg, ua->clock, &o, &reg_ops, c);
	if (out)
		*out = c;
	sip_reg_start(&c->reg);
	return 0;
}

void sip_ua_reg_info(const struct sip_call *c, enum sip_reg_state *state, int *last_status,
		     int64_t *expires_in_s)
{
	uint64_t now = clock_now_ns(c->ua->clock);

	*state = c->reg.state;
	*last_status = c->reg.last_status;
	*expires_in_s = (c->reg.state == SIP_REG_REGISTERED || c->reg.state == SIP_REG_REFRESHING) &&
				c->reg.registered_until_ns > now
			? (int64_t)((c->reg.registered_until_ns - now) / 1000000000ull)
			: -1;
}

static void probe_send(void *arg)
{
	struct sip_call *c = arg;

	if (send_request(c, RQ_OTHER, SV_NULL, NULL, false, NULL) < 0)
		sip_probe_response(&c->probe, 503);
}

static void probe_changed(void *arg, enum sip_probe_state from, enum sip_probe_state to,
			  int last_status)
{
	struct sip_call *c = arg;

	LOGP(LOGC_SIP, to == SIP_PROBE_DOWN ? LOGL_WARNING : LOGL_INFO, "trunk %s is %s (was %s, last %d)",
	     c->first_uri, sip_probe_state_names[to], sip_probe_state_names[from], last_status);
}

static const struct sip_probe_ops probe_ops = {.send = probe_send, .changed = probe_changed};

int sip_ua_probe(struct sip_ua *ua, const char *uri, const char *from_uri, uint32_t interval_s,
		 struct sip_call **out)
{
	struct sip_call *c = call_new(ua, true);
	struct sip_probe_opts o = {.interval_s = interval_s};

	if (!c)
		return -ENOMEM;
	c->is_probe = true;
	c->state = CS_CONFIRMED;
	token(ua, c->call_id, sizeof(c->call_id), "opt-");
	snprintf(c->first_uri, sizeof(c->first_uri), "%s", uri);
	snprintf(c->remote_uri, sizeof(c->remote_uri), "%s", uri);
	snprintf(c->local_uri, sizeof(c->local_uri), "%s", from_uri);
	c->local_cseq = 1;
	sip_probe_init(&c->probe, ua->clock, &o, &probe_ops, c);
	if (out)
		*out = c;
	sip_probe_start(&c->probe);
	return 0;
}

int sip_ua_probe_info(const struct sip_call *c, int *last_status)
{
	*last_status = c->probe.last_status;
	return (int)c->probe.state;
}

/* ---- the UA ------------------------------------------------------------------------------ */

int sip_ua_new(struct loop *loop, const struct sip_ua_opts *opts, const struct sip_ua_ops *ops,
	       void *arg, struct sip_ua **out)
{
	struct sip_ua *ua = mem_zalloc(sizeof(*ua));
	int rc;

	if (!ua)
		return -ENOMEM;
	ua->loop = loop;
	ua->opts = *opts;
	ua->clock = opts->clock ? opts->clock : loop_clock(loop);
	ua->ops = ops;
	ua->arg = arg;
	if (!ua->opts.user_agent)
		ua->opts.user_agent = "sipgw";
	if (!ua->opts.contact_user)
		ua->opts.contact_user = "sipgw";
	if (!ua->opts.timers.t1_ms)
		ua->opts.timers = SIP_TSX_TIMERS_DEFAULT;
	if (!ua->opts.max_transactions)
		ua->opts.max_transactions = 10000;
	if (!ua->opts.max_dialogs)
		ua->opts.max_dialogs = 2000;
	if (!ua->opts.retry_after_s)
		ua->opts.retry_after_s = 5;
	if (!ua->opts.transport.max_connections)
		ua->opts.transport.max_connections = 1024;
	if (!ua->opts.transport.max_message)
		ua->opts.transport.max_message = 65535;
	if (!ua->opts.transport.idle_timeout_ms)
		ua->opts.transport.idle_timeout_ms = 600000;
	if (getrandom(&ua->rng, sizeof(ua->rng), 0) != sizeof(ua->rng) || !ua->rng)
		ua->rng = 0x9e3779b97f4a7c15ull ^ (uint64_t)loop_now_ns();
	rc = sip_transport_new(loop, &ua->opts.transport, sip_msg_frame, on_rx, ua, &ua->tp);
	if (rc == 0 && ua->opts.auth_user) {
		struct sip_auth_server_opts ao = {.realm = ua->opts.auth_realm ? ua->opts.auth_realm
									    : "sipgw"};

		ua->opts.auth_realm = ao.realm;
		rc = sip_auth_server_new(ua->clock, &ao, &ua->auth);
	}
	if (rc == 0 && ua->opts.invite_rate > 0) {
		ua->rl = mem_zalloc(sizeof(*ua->rl));
		if (!ua->rl)
			rc = -ENOMEM;
		else
			sip_ratelimit_init(ua->rl, ua->clock, ua->opts.invite_rate,
					   ua->opts.invite_burst > 0 ? ua->opts.invite_burst
								     : ua->opts.invite_rate);
	}
	if (rc == 0 && ua->opts.outbound_proxy) {
		enum sip_proto p;

		rc = sip_addr_parse_listen(ua->opts.outbound_proxy, &p, &ua->proxy.addr);
		ua->proxy.proto = p;
		ua->has_proxy = rc == 0;
		snprintf(ua->proxy.server_name, sizeof(ua->proxy.server_name), "localhost");
	}
	if (rc < 0) {
		sip_ua_free(ua);
		return rc;
	}
	*out = ua;
	return 0;
}

int sip_ua_listen(struct sip_ua *ua, const char *spec, char *err, size_t errlen)
{
	enum sip_proto p;
	struct sip_addr a;

	if (sip_addr_parse_listen(spec, &p, &a) < 0) {
		snprintf(err, errlen, "%s: not PROTO:ADDRESS:PORT (udp:127.0.0.1:5060)", spec);
		return -EINVAL;
	}
	return sip_transport_listen(ua->tp, p, &a, err, errlen);
}

void sip_ua_shutdown(struct sip_ua *ua)
{
	struct sip_call *next;

	for (struct sip_call *c = ua->all; c; c = next) {
		next = c->anext;
		if (c->ended_reported)
			continue;
		if (c->is_reg)
			sip_reg_stop(&c->reg);
		else if (c->is_probe)
			call_end(c, 0, "stopped");
		else
			sip_call_hangup(c, "SIP;cause=503;text=\"shutting down\"");
	}
}

size_t sip_ua_active(const struct sip_ua *ua)
{
	size_t n = 0;

	for (const struct sip_call *c = ua->all; c; c = c->anext)
		n += !c->ended_reported;
	return n;
}

void sip_ua_free(struct sip_ua *ua)
{
	if (!ua)
		return;
	/* transactions first (they hold call references), then the calls */
	for (size_t b = 0; b < UA_BUCKETS; b++)
		while (ua->tsx[b])
			tsx_free(ua->tsx[b]);
	while (ua->all) {
		struct sip_call *c = ua->all;

		c->refs = 1;
		call_unref(c);
	}
	sip_transport_free(ua->tp);
	sip_auth_server_free(ua->auth);
	sip_dns_free(ua->dns);
	mem_free(ua->rl);
	mem_free(ua);
}

void sip_ua_stats(const struct sip_ua *ua, struct sip_ua_stats *out)
{
	*out = ua->st;
}

struct sip_transport *sip_ua_transport(struct sip_ua *ua)
{
	return ua->tp;
}
