/* sipgwd.c: the gateway daemon's main: options, life cycle, reload.
 *
 * Start: check the configuration completely, detach (unless -f), set up
 * the signalling loop and its signals, open what needs root (the control
 * socket now; spans and privileged ports as those layers arrive), drop to
 * the configured user, tell systemd READY=1, run.
 * Reload (SIGHUP or `sipgwctl reload`): read and check the new file
 * completely first; a file with any error is refused and the running
 * configuration stays, as nginx and OpenBSD's daemons do.
 * Stop (SIGTERM, SIGINT): STOPPING=1, close everything, remove the socket. */
#include "config.h"

#include "gw/gw_config.h"
#include "gw/call.h"
#include "gw/cause.h"
#include "gw/cdr.h"
#include "gw/media.h"
#include "gw/wav.h"
#include "gw/ctl.h"
#include "gw/daemon.h"
#include "gw/pri.h"
#include "rtp/worker.h"
#include "gw/version.h"
#include "lib/log.h"
#include "lib/loop.h"
#include "lib/mem.h"
#include "sip/ua.h"
#include "tdm/loopback.h"
#ifdef HAVE_DAHDI
#include "tdm/dahdi.h"
#endif
#include "sip/number.h"
#include "sip/uri.h"

#include <errno.h>
#include <stddef.h>
#include <getopt.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>

#ifndef SGW_SYSCONFDIR
#define SGW_SYSCONFDIR "/etc"
#endif
#define DEFAULT_CONFIG SGW_SYSCONFDIR "/sipgw/sipgw.conf"

#define RELOAD_ERRORS_KEPT 20

struct gwd {
	const char *config_path;
	struct gw_config *cfg;
	struct loop *loop;
	struct ctl_server *ctl;
	time_t started, loaded;
	uint64_t started_mono_ns;
	uint64_t reloads, reload_failures;
	/* the errors of the last refused reload, for `sipgwctl status` */
	char *last_errors[RELOAD_ERRORS_KEPT];
	size_t last_error_count;
	time_t last_reload;
	bool last_reload_ok;
	/* SIP: the user agent and, per [trunk], its registration and probe */
	struct sip_ua *ua;
	struct gwd_trunk {
		char *name, *aor, *registrar;
		struct sip_call *reg, *probe;
	} *trunks;
	size_t ntrunks;
	/* the media workers: each clocks some spans (their B-channel audio) */
	struct media_pool *media;
	/* the bridge of SIP to SIP calls, in one of the workers */
	struct gw_media *bridge;
	/* music on hold, shared by every span's media */
	int16_t *moh;
	size_t moh_len;
	/* call control, its view of the trunks, and the call records */
	struct gw_cc *cc;
	struct gw_cc_trunk *cc_trunks;
	size_t cc_ntrunks;
	struct gw_cdr_writer *cdr;
	struct gw_cause_map causes;
	struct number_ctx numctx;
	/* TDM: the [span] sections opened */
	struct gwd_span {
		int num;
		int backend; /* 0 loopback, 1 dahdi */
		struct tdm_span *span; /* lives on worker's loop: touch it there only */
		struct media_worker *worker;
		/* its ISDN signalling (pri.isdn NULL: none) and the options it runs with */
		struct gw_pri pri;
		struct isdn_span_opts iopts;
		/* its B-channels' audio during calls, and what that needs to know */
		struct gw_media *gm;
		unsigned nts, block_ms;
		bool alaw;
		char group[64];
		int hunt;
		unsigned ec_taps; /* echo canceller tail in samples, 0 off */
		int gain_from_line, gain_to_line; /* dB */
		/* a cable to another gateway: listen on, or keep dialling, a path */
		struct gwd *d;
		char *path;
		bool listen;
		int lfd;
		struct loop_watch lw;
		struct timer retry;
	} *spans;
	size_t nspans;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: sipgwd [-f] [-c FILE]\n"
		"       sipgwd -t [-c FILE]    check the configuration and exit\n"
		"       sipgwd -T [-c FILE]    check it and print it normalised\n"
		"       sipgwd -C              list every section and key with type and default\n"
		"       sipgwd -V              print the version\n"
		"  -c FILE  configuration file (default %s)\n"
		"  -f       stay in the foreground (systemd, tests)\n"
		"  -d       log at debug level until the configuration says otherwise\n",
		DEFAULT_CONFIG);
}

static void print_errors(const struct conf_errors *errs)
{
	for (size_t i = 0; i < errs->count; i++)
		fprintf(stderr, "%s\n", errs->msg[i]);
}

static void iso_time(time_t t, char *buf, size_t size)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void clear_last_errors(struct gwd *d)
{
	for (size_t i = 0; i < d->last_error_count; i++)
		mem_free(d->last_errors[i]);
	d->last_error_count = 0;
}

/* Settings that only a restart can change (socket already bound, root
 * already dropped): say so instead of pretending they applied. */
static void note_restart_only(const struct gw_config *old, const struct gw_config *new)
{
	struct {
		const char *what, *a, *b;
	} keys[] = {
		{"[control] socket", old->control->socket, new->control->socket},
		{"[control] group", old->control->group, new->control->group},
		{"[general] user", old->general->user, new->general->user},
		{"[general] group", old->general->group, new->general->group},
		{"[sip] listen", old->sip->listen, new->sip->listen},
	};

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const char *a = keys[i].a ? keys[i].a : "", *b = keys[i].b ? keys[i].b : "";

		if (strcmp(a, b))
			LOGP(LOGC_MAIN, LOGL_NOTICE, "%s changed; takes effect when sipgwd restarts",
			     keys[i].what);
	}
	if (conf_count(old->conf, &gw_trunk_section) || conf_count(new->conf, &gw_trunk_section))
		LOGP(LOGC_MAIN, LOGL_NOTICE,
		     "[sip] and [trunk] settings take effect when sipgwd restarts");
	if (old->control->mode != new->control->mode)
		LOGP(LOGC_MAIN, LOGL_NOTICE,
		     "[control] mode changed; takes effect when sipgwd restarts");
}

/* Returns 0, or -EINVAL with the reasons in errs (the old config stays). */
static int cc_configure(struct gwd *d, struct gw_cc_config *c);
static void cc_allow(struct gwd *d);

static int gwd_reload(struct gwd *d, struct conf_errors *errs)
{
	struct gw_config *cfg;
	int err;

	daemon_notify_reloading();
	d->last_reload = time(NULL);
	err = gw_config_load(d->config_path, &cfg, errs);
	if (err) {
		d->reload_failures++;
		d->last_reload_ok = false;
		clear_last_errors(d);
		for (size_t i = 0; i < errs->count && i < RELOAD_ERRORS_KEPT; i++) {
			LOGP(LOGC_MAIN, LOGL_ERROR, "%s", errs->msg[i]);
			d->last_errors[d->last_error_count] = mem_strdup(errs->msg[i]);
			if (d->last_errors[d->last_error_count])
				d->last_error_count++;
		}
		LOGP(LOGC_MAIN, LOGL_ERROR,
		     "reload refused: %zu error(s) in %s; still running the configuration "
		     "loaded before",
		     errs->count, d->config_path);
		daemon_notify("READY=1\nSTATUS=reload refused: configuration has errors");
		return -EINVAL;
	}
	note_restart_only(d->cfg, cfg);
	gw_config_free(d->cfg);
	d->cfg = cfg;
	if (d->cc) {
		struct gw_cc_config c;

		if (cc_configure(d, &c) == 0) {
			gw_cc_set_config(d->cc, &c);
			cc_allow(d);
		}
	}
	gw_config_apply_log(cfg);
	ctl_server_set_limits(d->ctl, (unsigned)cfg->control->max_clients,
			      (uint64_t)cfg->control->idle_timeout);
	d->reloads++;
	d->loaded = time(NULL);
	d->last_reload_ok = true;
	clear_last_errors(d);
	LOGP(LOGC_MAIN, LOGL_NOTICE, "configuration reloaded from %s", d->config_path);
	daemon_notify("READY=1\nSTATUS=running");
	return 0;
}

/* ---- call control --------------------------------------------------------------- */

/* The controller's view of the running configuration. */
static int cc_configure(struct gwd *d, struct gw_cc_config *c)
{
	const struct conf_section *sec = NULL;
	size_t n = 0;

	mem_free(d->cc_trunks);
	d->cc_ntrunks = 0;
	d->cc_trunks = mem_zalloc(sizeof(*d->cc_trunks) * (conf_count(d->cfg->conf, &gw_trunk_section) + 1));
	if (!d->cc_trunks)
		return -ENOMEM;
	while ((sec = conf_next(d->cfg->conf, &gw_trunk_section, sec))) {
		const struct gw_trunk *t = sec->data;

		d->cc_trunks[n].name = sec->label;
		d->cc_trunks[n].uri = t->uri;
		d->cc_trunks[n].from_user = t->user;
		d->cc_trunks[n].trusted = t->trusted;
		d->cc_trunks[n].max_calls = (unsigned)t->max_calls;
		d->cc_trunks[n].max_cps = (unsigned)t->max_cps;
		d->cc_trunks[n].dtmf_inband = t->dtmf == 1;
		d->cc_trunks[n].dtmf_info = t->dtmf == 2;
		d->cc_trunks[n].overlap = t->overlap;
		d->cc_trunks[n].redirect_hdr = (enum gw_redirect_hdr)t->redirect_hdr;
		d->cc_trunks[n].tls_name = t->tls_name;
		d->cc_trunks[n].g729_annexb = t->g729_annexb - 1;
		d->cc_trunks[n].t38 = t->t38 - 1;
		if (t->codecs) {
			char err[120];

			gw_codec_list_parse(t->codecs, d->cc_trunks[n].codecs, GW_MAX_CODECS,
					    &d->cc_trunks[n].ncodecs, err, sizeof(err));
		}
		n++;
	}
	d->cc_ntrunks = n;
	memset(c, 0, sizeof(*c));
	c->dp = &d->cfg->dialplan;
	c->media_addr = d->cfg->sip->media_address;
	c->rtp_port_min = (uint16_t)d->cfg->sip->rtp_port_min;
	c->rtp_port_max = (uint16_t)d->cfg->sip->rtp_port_max;
	c->rtp_timeout_ms = (unsigned)d->cfg->sip->rtp_timeout;
	c->no_answer_ms = (unsigned)d->cfg->general->no_answer_timeout;
	c->overlap_timeout_ms = (unsigned)d->cfg->general->digit_timeout;
	c->g729_annexb = d->cfg->sip->g729_annexb;
	c->t38 = d->cfg->sip->t38;
	if (d->cfg->sip->codecs) {
		char err[120];

		gw_codec_list_parse(d->cfg->sip->codecs, c->codecs, GW_MAX_CODECS, &c->ncodecs, err, sizeof(err));
	}
	{
		char err[160];

		memset(&d->causes, 0, sizeof(d->causes));
		if (d->cfg->causes->q850_to_sip)
			gw_cause_map_parse(&d->causes, d->cfg->causes->q850_to_sip, true, err, sizeof(err));
		if (d->cfg->causes->sip_to_q850)
			gw_cause_map_parse(&d->causes, d->cfg->causes->sip_to_q850, false, err, sizeof(err));
		c->causes = &d->causes;
	}
	if (d->cfg->general->country_code) {
		const struct gw_general *g = d->cfg->general;

		memset(&d->numctx, 0, sizeof(d->numctx));
		snprintf(d->numctx.country_code, sizeof(d->numctx.country_code), "%s", g->country_code);
		snprintf(d->numctx.trunk_prefix, sizeof(d->numctx.trunk_prefix), "%s", g->trunk_prefix ? g->trunk_prefix : "");
		snprintf(d->numctx.intl_prefix, sizeof(d->numctx.intl_prefix), "%s", g->intl_prefix ? g->intl_prefix : "");
		snprintf(d->numctx.area_code, sizeof(d->numctx.area_code), "%s", g->area_code ? g->area_code : "");
		c->numctx = &d->numctx;
	}
	c->cdr = d->cdr;
	c->trunks = d->cc_trunks;
	c->ntrunks = n;
	c->recent = 100;
	return 0;
}

static void cc_allow(struct gwd *d)
{
	char *copy, *save = NULL;

	if (!d->cfg->sip->allow)
		return;
	copy = mem_strdup(d->cfg->sip->allow);
	for (char *tok = copy ? strtok_r(copy, ", ", &save) : NULL; tok; tok = strtok_r(NULL, ", ", &save))
		if (gw_cc_allow(d->cc, tok) < 0)
			LOGP(LOGC_GW, LOGL_ERROR, "[sip] allow: '%s' not taken", tok);
	mem_free(copy);
}

static int open_calls(struct gwd *d)
{
	struct gw_cc_config c;
	char err[256];
	int rc;

	if (d->cfg->general->cdr) {
		size_t len = strlen(d->cfg->general->cdr);
		bool db = len > 3 && !strcmp(d->cfg->general->cdr + len - 3, ".db");

		rc = gw_cdr_open_format(d->cfg->general->cdr, db ? GW_CDR_SQLITE : GW_CDR_CSV, &d->cdr, err,
					sizeof(err));
		if (rc < 0) {
			LOGP(LOGC_GW, LOGL_ERROR, "[general] cdr: %s", err);
			return rc;
		}
	}
	if ((rc = cc_configure(d, &c)) < 0 || (rc = gw_cc_new(d->loop, &c, &d->cc)) < 0)
		return rc;
	cc_allow(d);
	return 0;
}

static void calls_add_spans(struct gwd *d)
{
	for (size_t i = 0; i < d->nspans; i++) {
		struct gwd_span *g = &d->spans[i];

		if (g->pri.isdn && gw_cc_add_span(d->cc, g->num, &g->pri, g->gm, g->group,
						  (enum isdn_hunt)g->hunt) < 0)
			LOGP(LOGC_GW, LOGL_ERROR, "span %d: call control cannot take it", g->num);
	}
}

static void close_calls(struct gwd *d)
{
	gw_cc_free(d->cc);
	d->cc = NULL;
	gw_cdr_close(d->cdr);
	d->cdr = NULL;
	mem_free(d->cc_trunks);
	d->cc_trunks = NULL;
	d->cc_ntrunks = 0;
}

static void cmd_show_calls(const struct ctl_request *req, struct ctl_out *out, void *arg)
{
	gw_cc_cmd_show_calls(req, out, ((struct gwd *)arg)->cc);
}

static void cmd_show_call(const struct ctl_request *req, struct ctl_out *out, void *arg)
{
	gw_cc_cmd_show_call(req, out, ((struct gwd *)arg)->cc);
}

static void cmd_call_stats(const struct ctl_request *req, struct ctl_out *out, void *arg)
{
	gw_cc_cmd_call_stats(req, out, ((struct gwd *)arg)->cc);
}

static void cmd_originate(const struct ctl_request *req, struct ctl_out *out, void *arg)
{
	gw_cc_cmd_originate(req, out, ((struct gwd *)arg)->cc);
}

static void cmd_hangup(const struct ctl_request *req, struct ctl_out *out, void *arg)
{
	gw_cc_cmd_hangup(req, out, ((struct gwd *)arg)->cc);
}

/* ---- control commands ----------------------------------------------------- */

static void cmd_status(const struct ctl_request *req, struct ctl_out *out, void *arg)
{
	struct gwd *d = arg;
	char when[32];
	struct passwd *pw = getpwuid(geteuid());

	ctl_str(out, "version", SIPGW_VERSION);
	ctl_int(out, "pid", getpid());
	ctl_int(out, "uptime_s", (int64_t)((loop_now_ns() - d->started_mono_ns) / 1000000000ull));
	iso_time(d->started, when, sizeof(when));
	ctl_str(out, "started", when);
	ctl_str(out, "user", pw ? pw->pw_name : "?");
	ctl_str(out, "config_file", d->config_path);
	iso_time(d->loaded, when, sizeof(when));
	ctl_str(out, "config_loaded", when);
	ctl_obj_begin(out, "counts");
	ctl_int(out, "control_connections", (int64_t)ctl_server_clients(d->ctl));
	ctl_int(out, "control_requests", (int64_t)ctl_server_requests(d->ctl));
	ctl_int(out, "reloads", (int64_t)d->reloads);
	ctl_int(out, "reload_failures", (int64_t)d->reload_failures);
	ctl_obj_end(out);
	if (d->last_reload) {
		ctl_obj_begin(out, "last_reload");
		iso_time(d->last_reload, when, sizeof(when));
		ctl_str(out, "at", when);
		ctl_str(out, "result", d->last_reload_ok ? "ok" : "refused");
		if (!d->last_reload_ok) {
			ctl_arr_begin(out, "errors");
			for (size_t i = 0; i < d->last_error_count; i++)
				ctl_str(out, NULL, d->last_errors[i]);
			ctl_arr_end(out);
		}
		ctl_obj_end(out);
	}
}

static void cmd_reload(const struct ctl_request *req, struct ctl_out *out, void *arg)
{
	struct gwd *d = arg;
	struct conf_errors errs = {0};

	ctl_str(out, "config_file", d->config_path);
	if (gwd_reload(d, &errs) == 0) {
		ctl_str(out, "result", "reloaded");
	} else {
		ctl_str(out, "result", "refused");
		ctl_arr_begin(out, "errors");
		for (size_t i = 0; i < errs.count; i++)
			ctl_str(out, NULL, errs.msg[i]);
		ctl_arr_end(out);
		ctl_out_error(out, "reload-refused",
			      "%zu error(s) in %s; the running configuration is unchanged",
			      errs.count, d->config_path);
	}
	conf_errors_release(&errs);
}

static void cmd_show_config(const struct ctl_request *req, struct ctl_out *out, void *arg)
{
	const struct gwd *d = arg;
	const struct conf *c = d->cfg->conf;

	if (!req->json) {
		char *text = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&text, &len);

		if (!f) {
			ctl_out_error(out, "failed", "out of memory");
			return;
		}
		conf_print(c, f);
		fclose(f);
		ctl_text(out, text);
		free(text);
		return;
	}
	ctl_str(out, "config_file", d->config_path);
	ctl_arr_begin(out, "sections");
	for (const struct conf_section *s = c->first; s; s = s->next) {
		ctl_obj_begin(out, NULL);
		ctl_str(out, "section", s->def->name);
		ctl_str(out, "name", s->label);
		ctl_obj_begin(out, "keys");
		for (size_t i = 0; i < s->def->key_count; i++) {
			char value[1024];

			if (conf_value_format(s, i, value, sizeof(value)) == 0)
				ctl_str(out, s->def->keys[i].name, value);
			else
				ctl_str(out, s->def->keys[i].name, NULL);
		}
		ctl_obj_end(out);
		ctl_obj_end(out);
	}
	ctl_arr_end(out);
}

/* route test --from X --called N [--calling M] [--day mon] [--at HH:MM] */
static void cmd_route_test(const struct ctl_request *req, struct ctl_out *out, void *arg)
{
	const struct gwd *d = arg;
	struct dp_call call = {.source_kind = DP_SOURCE_ANY, .presentation = 0};
	struct dp_result res;
	char buf[160];
	const char *day = NULL, *at = NULL;
	struct tm tm;
	time_t now = time(NULL);

	for (int i = 0; i < req->argc; i += 2) { /* --option value pairs */
		const char *opt = req->argv[i], *val = i + 1 < req->argc ? req->argv[i + 1] : NULL;

		if (!val) {
			ctl_out_error(out, "bad-arguments", "%s needs a value", opt);
			return;
		}
		if (!strcmp(opt, "--from"))
			call.source = val;
		else if (!strcmp(opt, "--called"))
			call.called = val;
		else if (!strcmp(opt, "--calling"))
			call.calling = val;
		else if (!strcmp(opt, "--day"))
			day = val;
		else if (!strcmp(opt, "--at"))
			at = val;
		else {
			ctl_out_error(out, "bad-arguments",
				      "unknown option '%s' (--from, --called, --calling, --day, --at)",
				      opt);
			return;
		}
	}
	if (!call.called) {
		ctl_out_error(out, "bad-arguments", "usage: route test --from SOURCE --called NUMBER "
						    "[--calling NUMBER] [--day mon] [--at HH:MM]");
		return;
	}
	/* a source that is an address matches address rules, a name the others */
	if (call.source && strpbrk(call.source, ".:") &&
	    strspn(call.source, "0123456789.:abcdefABCDEF") == strlen(call.source)) {
		call.source_kind = DP_SOURCE_ADDRESS;
		call.source_addr = call.source;
	}
	localtime_r(&now, &tm);
	if (day) {
		static const char *const days[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};
		int want = -1;

		for (int k = 0; k < 7; k++)
			if (!strcasecmp(day, days[k]))
				want = k;
		if (want < 0) {
			ctl_out_error(out, "bad-arguments", "--day: '%s' is not mon..sun", day);
			return;
		}
		tm.tm_mday += (want - tm.tm_wday + 7) % 7;
	}
	if (at && (sscanf(at, "%d:%d", &tm.tm_hour, &tm.tm_min) != 2 || tm.tm_hour > 23 ||
		   tm.tm_min > 59)) {
		ctl_out_error(out, "bad-arguments", "--at: '%s' is not HH:MM", at);
		return;
	}
	tm.tm_sec = 0;
	call.when = mktime(&tm);

	if (dialplan_route(&d->cfg->dialplan, &call, &res) < 0) {
		ctl_bool(out, "matched", false);
		ctl_str(out, "result", "no rule matches: the call is refused (SIP 404, cause 1)");
		return;
	}
	ctl_bool(out, "matched", true);
	ctl_str(out, "rule", res.rule->name);
	snprintf(buf, sizeof(buf), "%s:%u", d->config_path, res.rule->line);
	ctl_str(out, "defined_at", buf);
	ctl_str(out, "action", dp_action_names[res.rule->action]);
	switch (res.rule->action) {
	case DP_ROUTE:
		if (res.rule->span_group[0])
			ctl_str(out, "span_group", res.rule->span_group);
		if (res.rule->ntrunks) {
			ctl_arr_begin(out, "trunks");
			for (size_t i = 0; i < res.rule->ntrunks; i++)
				ctl_str(out, NULL, res.rule->trunks[i]);
			ctl_arr_end(out);
		}
		break;
	case DP_REJECT:
		ctl_int(out, "cause", res.rule->reject_cause);
		ctl_int(out, "sip_status", gw_cause_to_sip(res.rule->reject_cause));
		break;
	case DP_REDIRECT:
		ctl_str(out, "contact", res.rule->redirect_contact);
		break;
	case DP_TESTLINE:
		ctl_str(out, "testline", dp_testline_names[res.rule->testline]);
		break;
	}
	ctl_str(out, "called", res.called);
	ctl_int(out, "called_ton", res.called_ton);
	ctl_str(out, "calling", res.calling);
	ctl_int(out, "calling_ton", res.calling_ton);
	ctl_str(out, "presentation", res.presentation == 1 ? "restricted" : "allowed");
}

/* show registrations: every [trunk] that registers or is probed */
static void cmd_show_registrations(const struct ctl_request *req, struct ctl_out *out, void *arg)
{
	struct gwd *d = arg;

	(void)req;
	ctl_arr_begin(out, "trunks");
	for (size_t i = 0; i < d->ntrunks; i++) {
		const struct gwd_trunk *t = &d->trunks[i];

		ctl_obj_begin(out, NULL);
		ctl_str(out, "trunk", t->name);
		if (t->reg) {
			enum sip_reg_state st;
			int status;
			int64_t left;

			sip_ua_reg_info(t->reg, &st, &status, &left);
			ctl_str(out, "aor", t->aor);
			ctl_str(out, "registrar", t->registrar);
			ctl_str(out, "state", sip_reg_state_names[st]);
			ctl_int(out, "last_status", status);
			ctl_int(out, "expires_in_s", left);
		} else {
			ctl_str(out, "state", "not registering");
		}
		if (t->probe) {
			int status, st = sip_ua_probe_info(t->probe, &status);

			ctl_str(out, "options", sip_probe_state_names[st]);
			ctl_int(out, "options_last_status", status);
		}
		ctl_obj_end(out);
	}
	ctl_arr_end(out);
}

/* show sip: listeners and counters of the SIP user agent */
static void cmd_show_sip(const struct ctl_request *req, struct ctl_out *out, void *arg)
{
	struct gwd *d = arg;
	struct sip_ua_stats st;

	(void)req;
	if (!d->ua) {
		ctl_out_error(out, "not-configured", "SIP is off: [sip] listen is not set");
		return;
	}
	ctl_arr_begin(out, "listen");
	for (size_t i = 0;; i++) {
		enum sip_proto p;
		struct sip_addr a;
		char text[80], line[96];

		if (sip_transport_listener(sip_ua_transport(d->ua), i, &p, &a) < 0)
			break;
		sip_addr_format(&a, text, sizeof(text));
		snprintf(line, sizeof(line), "%s:%s", sip_proto_names[p], text);
		ctl_str(out, NULL, line);
	}
	ctl_arr_end(out);
	sip_ua_stats(d->ua, &st);
	ctl_int(out, "transactions", (int64_t)st.transactions);
	ctl_int(out, "dialogs", (int64_t)st.dialogs);
	ctl_int(out, "rx_requests", (int64_t)st.rx_requests);
	ctl_int(out, "rx_responses", (int64_t)st.rx_responses);
	ctl_int(out, "rx_bad", (int64_t)st.rx_bad);
	ctl_int(out, "retransmissions_absorbed", (int64_t)st.retransmissions_absorbed);
	ctl_int(out, "rejected_cap", (int64_t)st.rejected_cap);
	ctl_int(out, "rejected_rate", (int64_t)st.rejected_rate);
	ctl_int(out, "rejected_auth", (int64_t)st.rejected_auth);
	ctl_int(out, "no_dialog_481", (int64_t)st.no_dialog_481);
}

/* ---- spans ------------------------------------------------------------------- */

static struct gwd_span *find_span(struct gwd *d, int num)
{
	for (size_t i = 0; i < d->nspans; i++)
		if (d->spans[i].num == num && d->spans[i].span)
			return &d->spans[i];
	return NULL;
}

/* Run fn(arg) where the span lives (its media worker), and wait. */
static void in_worker(struct gwd_span *g, media_fn fn, void *arg)
{
	if (g->worker)
		media_worker_run_sync(g->worker, fn, arg);
	else
		fn(arg);
}

/* What the control commands show of a span, copied in its worker. */
struct span_snap {
	struct gwd_span *g;
	struct tdm_span s;
	bool plugged;
};

static void snap_fn(void *arg)
{
	struct span_snap *sn = arg;

	sn->s = *sn->g->span;
	sn->plugged = !sn->g->backend && tdm_lb_plugged(sn->g->span);
}

static void span_snap(struct gwd_span *g, struct span_snap *sn)
{
	sn->g = g;
	in_worker(g, snap_fn, sn);
}

static void span_summary(struct ctl_out *out, const struct gwd_span *g, const struct span_snap *sn)
{
	const struct tdm_span *s = &sn->s;
	char alarms[48];

	tdm_alarm_text(s->alarms, alarms, sizeof(alarms));
	ctl_int(out, "span", s->cfg.num);
	ctl_str(out, "backend", g->backend ? "dahdi" : "loopback");
	ctl_str(out, "type", tdm_type_names[s->cfg.type]);
	ctl_str(out, "framing", tdm_framing_names[s->cfg.framing]);
	ctl_str(out, "coding", tdm_coding_names[s->cfg.coding]);
	ctl_str(out, "law", s->cfg.law == TDM_LAW_ALAW ? "alaw" : "ulaw");
	ctl_int(out, "block_ms", s->cfg.block_ms);
	ctl_int(out, "dchan", s->cfg.dchan);
	ctl_str(out, "alarms", alarms);
	if (!g->backend)
		ctl_bool(out, "plugged", sn->plugged);
	ctl_int(out, "ticks", (int64_t)s->counters.ticks);
	ctl_int(out, "slips", (int64_t)s->counters.slips);
	ctl_int(out, "crc_errors", (int64_t)s->counters.crc_errors);
	ctl_int(out, "hdlc_rx", (int64_t)s->counters.hdlc_rx);
	ctl_int(out, "hdlc_tx", (int64_t)s->counters.hdlc_tx);
	ctl_int(out, "hdlc_bad_fcs", (int64_t)s->counters.hdlc_bad_fcs);
	ctl_int(out, "hdlc_aborts", (int64_t)s->counters.hdlc_aborts);
	ctl_str(out, "signalling", g->pri.isdn ? "pri" : "none");
	if (g->pri.isdn) {
		const struct isdn_span *i = g->pri.isdn;
		char since[32] = "";

		if (g->pri.dchan_since)
			iso_time(g->pri.dchan_since, since, sizeof(since));
		ctl_str(out, "side", g->iopts.network ? "net" : "cpe");
		ctl_str(out, "switchtype", isdn_switch_names[g->iopts.switchtype]);
		ctl_str(out, "dchan_state", gw_pri_dchan_text(&g->pri));
		ctl_str(out, "dchan_since", since[0] ? since : NULL);
		ctl_int(out, "dchan_downs", (int64_t)g->pri.dchan_downs);
		ctl_int(out, "bchannels", (int64_t)isdn_span_channels(i));
		ctl_int(out, "busy", (int64_t)isdn_span_busy(i));
		ctl_int(out, "restarts_rx", (int64_t)isdn_span_restarts_rx(i));
		ctl_int(out, "restarts_tx", (int64_t)isdn_span_restarts_tx(i));
		ctl_bool(out, "trace", g->pri.trace);
	}
}

/* "pri-net", "pri-cpe" or "none" */
static const char *span_sig_text(const struct gwd_span *g)
{
	return !g->pri.isdn ? "none" : g->iopts.network ? "pri-net" : "pri-cpe";
}

/* The operator's table: one line a span. */
static void spans_table(struct gwd *d, struct ctl_out *out)
{
	char line[200];

	ctl_text(out, "SPAN BACKEND  TYPE FRAMING CODING LAW  DCHAN ALARMS       SIGNAL  D-CHAN BUSY     TICKS  HDLC-RX  HDLC-TX BAD-FCS");
	for (size_t i = 0; i < d->nspans; i++) {
		struct span_snap sn;
		const struct tdm_span *s = &sn.s;
		char alarms[48];

		if (!d->spans[i].span)
			continue;
		span_snap(&d->spans[i], &sn);
		tdm_alarm_text(s->alarms, alarms, sizeof(alarms));
		snprintf(line, sizeof(line), "%4d %-8s %-4s %-7s %-6s %-4s %5d %-12s %-7s %-6s %4zu %9llu %8llu %8llu %7llu",
			 s->cfg.num, d->spans[i].backend ? "dahdi" : "loopback", tdm_type_names[s->cfg.type],
			 tdm_framing_names[s->cfg.framing], tdm_coding_names[s->cfg.coding],
			 s->cfg.law == TDM_LAW_ALAW ? "alaw" : "ulaw", s->cfg.dchan, alarms,
			 span_sig_text(&d->spans[i]), gw_pri_dchan_text(&d->spans[i].pri),
			 d->spans[i].pri.isdn ? isdn_span_busy(d->spans[i].pri.isdn) : (size_t)0,
			 (unsigned long long)s->counters.ticks,
			 (unsigned long long)s->counters.hdlc_rx, (unsigned long long)s->counters.hdlc_tx,
			 (unsigned long long)s->counters.hdlc_bad_fcs);
		ctl_text(out, line);
	}
}

static void cmd_show_spans(const struct ctl_request *req, struct ctl_out *out, void *arg)
{
	struct gwd *d = arg;

	if (!req->json) {
		spans_table(d, out);
		return;
	}
	ctl_arr_begin(out, "spans");
	for (size_t i = 0; i < d->nspans; i++) {
		struct span_snap sn;

		if (!d->spans[i].span)
			continue;
		span_snap(&d->spans[i], &sn);
		ctl_obj_begin(out, NULL);
		span_summary(out, &d->spans[i], &sn);
		ctl_obj_end(out);
	}
	ctl_arr_end(out);
}

static int span_arg(const struct ctl_request *req, struct ctl_out *out, struct gwd *d,
		    struct gwd_span **g)
{
	char *end;
	long n = req->argc ? strtol(req->argv[0], &end, 10) : 0;

	if (!req->argc || *end || n < 1) {
		ctl_out_error(out, "bad-arguments", "give a span number, e.g. 1");
		return -1;
	}
	if (!(*g = find_span(d, (int)n))) {
		ctl_out_error(out, "no-such-span", "there is no span %ld", n);
		return -1;
	}
	return 0;
}

static void cmd_show_span(const struct ctl_request *req, struct ctl_out *out, void *arg)
{
	struct gwd_span *g;
	struct span_snap sn;

	if (span_arg(req, out, arg, &g) < 0)
		return;
	span_snap(g, &sn);
	span_summary(out, g, &sn);
	ctl_arr_begin(out, "channels");
	for (unsigned ts = 1; ts <= sn.s.nts; ts++) {
		const char *state = sn.s.chan_state[ts] == TDM_CHAN_OPEN ? "open" : "idle";
		struct isdn_call *call = NULL;
		bool isdn_chan = false;

		if (g->pri.isdn) {
			for (size_t n = 0; n < isdn_span_channels(g->pri.isdn); n++) {
				if (isdn_span_channel_ts(g->pri.isdn, n) != (int)ts)
					continue;
				isdn_chan = true;
				state = isdn_chan_state_names[isdn_span_channel_state(g->pri.isdn, n)];
				call = isdn_span_channel_call(g->pri.isdn, n);
			}
		}
		ctl_obj_begin(out, NULL);
		ctl_int(out, "timeslot", ts);
		ctl_str(out, "kind", (int)ts == sn.s.cfg.dchan ? "D" : isdn_chan || !g->pri.isdn ? "B" : "-");
		ctl_str(out, "state", (int)ts == sn.s.cfg.dchan && g->pri.isdn
					      ? gw_pri_dchan_text(&g->pri)
					      : state);
		if (call) {
			ctl_str(out, "call", isdn_call_outgoing(call) ? "out" : "in");
			ctl_bool(out, "connected", isdn_call_connected(call));
		}
		ctl_obj_end(out);
	}
	ctl_arr_end(out);
}

/* isdn trace N on|off */
static void cmd_isdn_trace(const struct ctl_request *req, struct ctl_out *out, void *arg)
{
	struct gwd_span *g;
	bool on;

	if (span_arg(req, out, arg, &g) < 0)
		return;
	if (req->argc != 2 || (strcmp(req->argv[1], "on") && strcmp(req->argv[1], "off"))) {
		ctl_out_error(out, "bad-arguments", "say on or off: isdn trace %d on", g->num);
		return;
	}
	on = !strcmp(req->argv[1], "on");
	if (gw_pri_trace(&g->pri, on) < 0) {
		ctl_out_error(out, "no-signalling", "span %d has no ISDN signalling (signalling = none)",
			      g->num);
		return;
	}
	ctl_int(out, "span", g->num);
	ctl_bool(out, "trace", on);
}

/* isdn restart N [TIMESLOT] */
static void cmd_isdn_restart(const struct ctl_request *req, struct ctl_out *out, void *arg)
{
	struct gwd_span *g;
	long ts = 0;
	int rc;

	if (span_arg(req, out, arg, &g) < 0)
		return;
	if (!g->pri.isdn) {
		ctl_out_error(out, "no-signalling", "span %d has no ISDN signalling (signalling = none)",
			      g->num);
		return;
	}
	if (req->argc == 2) {
		char *end;

		ts = strtol(req->argv[1], &end, 10);
		if (*end || ts < 1 || ts > TDM_MAX_TIMESLOTS) {
			ctl_out_error(out, "bad-arguments", "'%s' is not a timeslot (1-31)", req->argv[1]);
			return;
		}
	}
	rc = isdn_span_restart(g->pri.isdn, (int)ts);
	if (rc == -EINVAL) {
		ctl_out_error(out, "no-such-channel", "span %d has no B-channel on timeslot %ld", g->num, ts);
		return;
	}
	if (rc < 0) {
		ctl_out_error(out, "dchannel-down", "span %d: the D-channel is down; nothing sent", g->num);
		return;
	}
	ctl_int(out, "span", g->num);
	ctl_int(out, "timeslot", ts);
	ctl_str(out, "sent", ts ? "RESTART of one B-channel" : "RESTART of every B-channel");
}

static void replug_fn(void *arg)
{
	tdm_lb_replug(arg);
}

static void unplug_fn(void *arg)
{
	tdm_lb_unplug(arg);
}

static void cmd_span_plug(const struct ctl_request *req, struct ctl_out *out, void *arg, bool in)
{
	struct gwd_span *g;
	struct span_snap sn;

	if (span_arg(req, out, arg, &g) < 0)
		return;
	if (g->backend) {
		ctl_out_error(out, "not-loopback", "span %d is on a card: its cable is not ours to pull",
			      g->num);
		return;
	}
	in_worker(g, in ? replug_fn : unplug_fn, g->span);
	span_snap(g, &sn);
	span_summary(out, g, &sn);
}

static void cmd_span_unplug(const struct ctl_request *req, struct ctl_out *out, void *arg)
{
	cmd_span_plug(req, out, arg, false);
}

static void cmd_span_replug(const struct ctl_request *req, struct ctl_out *out, void *arg)
{
	cmd_span_plug(req, out, arg, true);
}

static const struct ctl_command commands[] = {
	{"status", "", "version, uptime, configuration file and counters", 0, 0, cmd_status},
	{"reload", "", "re-read the configuration file (refused whole if it has errors)", 0, 0,
	 cmd_reload},
	{"show config", "", "the running configuration, normalised, defaults included", 0, 0,
	 cmd_show_config},
	{"route test", "--from SOURCE --called NUMBER [--calling NUMBER] [--day DAY] [--at HH:MM]",
	 "which dial plan rule a call would take, and its numbers after rewriting", 0, 10,
	 cmd_route_test},
	{"show registrations", "", "each trunk's registration and OPTIONS state", 0, 0,
	 cmd_show_registrations},
	{"show sip", "", "SIP listeners and counters", 0, 0, cmd_show_sip},
	{"show spans", "", "every span: backend, type, alarms, counters", 0, 0, cmd_show_spans},
	{"show span", "N", "one span with its channels", 1, 1, cmd_show_span},
	{"span unplug", "N", "pull a loopback span's virtual cable (red alarm both ends)", 1, 1,
	 cmd_span_unplug},
	{"span replug", "N", "put it back", 1, 1, cmd_span_replug},
	{"isdn trace", "N on|off", "decoded Q.921/Q.931 of span N in the log", 2, 2, cmd_isdn_trace},
	{"show calls", "[--recent]", "calls up (or the last ended ones): legs, state, codec, duration, why",
	 0, 1, cmd_show_calls},
	{"show call", "ID [ID...]", "calls with their ladder of SIP and Q.931 messages in time order", 1, 8,
	 cmd_show_call},
	{"show call-stats", "", "calls, answered, failed, refused; the post-dial delay added (p50, p99, max)",
	 0, 0, cmd_call_stats},
	{"originate", "GROUP NUMBER [echo|milliwatt|dtmf] [--overlap]",
	 "call NUMBER from a test line (default milliwatt) on a span of GROUP; --overlap: dialled digit by digit",
	 2, 4, cmd_originate},
	{"hangup", "ID", "end a call (cause 16 toward ISDN, BYE or a final response toward SIP)", 1, 1,
	 cmd_hangup},
	{"isdn restart", "N [TIMESLOT]", "send RESTART for one B-channel or all (their calls end, cause 41)",
	 1, 2, cmd_isdn_restart},
};

/* ---- signals -------------------------------------------------------------- */

static void on_reload_signal(struct loop *loop, int signo, void *arg)
{
	struct conf_errors errs = {0};

	LOGP(LOGC_MAIN, LOGL_NOTICE, "SIGHUP: reloading %s", ((struct gwd *)arg)->config_path);
	gwd_reload(arg, &errs);
	conf_errors_release(&errs);
}

static void on_stop_signal(struct loop *loop, int signo, void *arg)
{
	LOGP(LOGC_MAIN, LOGL_NOTICE, "%s: shutting down", strsignal(signo));
	daemon_notify("STOPPING=1");
	loop_stop(loop);
}

/* ---- SIP --------------------------------------------------------------------- */

/* sip:user@host of a trunk's URI (for the AOR and From). */
static char *trunk_aor(const struct gw_trunk *t)
{
	struct sip_uri u;
	char buf[400];

	if (t->aor)
		return mem_strdup(t->aor);
	if (sip_uri_parse(&u, sv_cstr(t->uri)) < 0)
		return mem_strdup(t->uri);
	snprintf(buf, sizeof(buf), "%s:%s@%s%.*s%s", u.scheme == SIP_URI_SIPS ? "sips" : "sip",
		 t->user ? t->user : "sipgw", u.host_ipv6 ? "[" : "", (int)u.host.len, u.host.p,
		 u.host_ipv6 ? "]" : "");
	return mem_strdup(buf);
}

static int open_sip(struct gwd *d)
{
	const struct gw_sip *g = d->cfg->sip;
	struct sip_ua_opts o = {0};
	const struct conf_section *sec = NULL;
	char *copy, *save = NULL, err[256];
	size_t n = 0;
	int rc;

	if (!g->listen)
		return 0;
	o.user_agent = g->user_agent;
	o.timers.t1_ms = (uint32_t)g->t1;
	o.timers.t2_ms = (uint32_t)g->t2;
	o.timers.t4_ms = (uint32_t)g->t4;
	o.max_transactions = (size_t)g->max_transactions;
	o.max_dialogs = (size_t)g->max_dialogs;
	o.invite_rate = (double)g->invite_rate;
	o.invite_burst = (double)g->invite_burst;
	o.st.session_expires = (uint32_t)(g->session_expires / 1000);
	o.st.min_se = (uint32_t)(g->min_se / 1000);
	o.transport.max_connections = (size_t)g->max_connections;
	o.transport.tls.cert_file = g->tls_certificate;
	o.transport.tls.key_file = g->tls_key;
	o.transport.tls.ca_file = g->tls_ca;
	o.transport.tls.verify_server = g->tls_verify;
	o.transport.tls.require_client_cert = g->tls_client_cert;
	rc = sip_ua_new(d->loop, &o, &gw_cc_ua_ops, d->cc, &d->ua);
	if (rc < 0) {
		LOGP(LOGC_SIP, LOGL_ERROR, "cannot start SIP: %s", strerror(-rc));
		return rc;
	}
	copy = mem_strdup(g->listen);
	for (char *tok = copy ? strtok_r(copy, ", ", &save) : NULL; tok; tok = strtok_r(NULL, ", ", &save)) {
		if ((rc = sip_ua_listen(d->ua, tok, err, sizeof(err))) < 0) {
			LOGP(LOGC_SIP, LOGL_ERROR, "[sip] listen: %s", err);
			mem_free(copy);
			return rc;
		}
	}
	mem_free(copy);
	d->trunks = mem_zalloc(sizeof(*d->trunks) * (conf_count(d->cfg->conf, &gw_trunk_section) + 1));
	if (!d->trunks)
		return -ENOMEM;
	while ((sec = conf_next(d->cfg->conf, &gw_trunk_section, sec))) {
		const struct gw_trunk *t = sec->data;
		struct gwd_trunk *dt = &d->trunks[n++];
		struct sip_credentials cred = {t->user, t->password};

		dt->name = mem_strdup(sec->label);
		dt->aor = trunk_aor(t);
		dt->registrar = mem_strdup(t->registrar ? t->registrar : t->uri);
		if (t->reg && (rc = sip_ua_register(d->ua, dt->registrar, dt->aor, &cred,
						    (uint32_t)(t->expires / 1000), &dt->reg)) < 0)
			LOGP(LOGC_SIP, LOGL_ERROR, "trunk %s: cannot register: %s", dt->name, strerror(-rc));
		if (t->options_interval &&
		    (rc = sip_ua_probe(d->ua, t->uri, dt->aor, (uint32_t)(t->options_interval / 1000),
				       &dt->probe)) < 0)
			LOGP(LOGC_SIP, LOGL_ERROR, "trunk %s: cannot probe: %s", dt->name, strerror(-rc));
	}
	d->ntrunks = n;
	gw_cc_set_ua(d->cc, d->ua);
	return 0;
}

/* Unregister and stop, waiting a little for the registrars' answers. */
static void close_sip(struct gwd *d)
{
	if (!d->ua)
		return;
	sip_ua_shutdown(d->ua);
	for (int i = 0; i < 40 && sip_ua_active(d->ua); i++)
		loop_run_once(d->loop, 50);
	sip_ua_free(d->ua);
	d->ua = NULL;
	if (d->cc)
		gw_cc_set_ua(d->cc, NULL);
	for (size_t i = 0; i < d->ntrunks; i++) {
		mem_free(d->trunks[i].name);
		mem_free(d->trunks[i].aor);
		mem_free(d->trunks[i].registrar);
	}
	mem_free(d->trunks);
	d->trunks = NULL;
	d->ntrunks = 0;
}

/* The spans' calls go to call control; their B-channels' audio to gw/media.c. */
static void gwd_call_event(void *arg, struct gw_pri *p, struct isdn_call *call, const struct isdn_event *ev)
{
	struct gwd *d = arg;

	if (d->cc)
		gw_cc_isdn_event(d->cc, p, call, ev);
	else if (ev->kind == ISDN_EV_INCOMING || ev->kind == ISDN_EV_DISCONNECT)
		isdn_call_hangup(call, Q850_TEMPORARY_FAILURE);
}

static void gwd_tick(void *arg, struct gw_pri *p, struct tdm_span *s)
{
	struct gwd_span *g = (struct gwd_span *)((char *)p - offsetof(struct gwd_span, pri));

	(void)arg;
	gw_media_tick(g->gm, s);
}

static const struct gw_pri_ops gwd_pri_ops = {gwd_call_event, gwd_tick, NULL};

/* ---- cables to other gateways (SOCK_SEQPACKET on a Unix path) ---------------- */

/* the cable's socket, handed to the span in its worker */
struct cable_req {
	struct gwd_span *g;
	int fd;
	bool connected;
	const struct tdm_span_config *c;
	int rc;
};

static void attach_fn(void *arg)
{
	struct cable_req *r = arg;

	tdm_lb_remote_attach(r->g->span, r->fd);
}

static void connected_fn(void *arg)
{
	struct cable_req *r = arg;

	r->connected = tdm_lb_remote_connected(r->g->span);
}

static void on_cable_accept(struct loop *loop, struct loop_watch *w, uint32_t events)
{
	struct gwd_span *g = w->arg;
	struct cable_req r = {.g = g, .fd = accept4(g->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)};

	(void)loop;
	(void)events;
	if (r.fd >= 0)
		in_worker(g, attach_fn, &r); /* a new far end replaces the old */
}

static void on_cable_retry(struct timer *t, void *arg)
{
	struct gwd_span *g = arg;
	struct cable_req r = {.g = g};

	(void)t;
	in_worker(g, connected_fn, &r);
	if (!r.connected) {
		struct sockaddr_un a = {.sun_family = AF_UNIX};

		r.fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		snprintf(a.sun_path, sizeof(a.sun_path), "%s", g->path);
		if (r.fd >= 0 && connect(r.fd, (struct sockaddr *)&a, sizeof(a)) == 0)
			in_worker(g, attach_fn, &r);
		else if (r.fd >= 0)
			close(r.fd);
	}
	loop_timer_start_ms(g->d->loop, &g->retry, 1000);
}

static void unconnected_fn(void *arg)
{
	struct cable_req *r = arg;

	r->rc = tdm_lb_remote_unconnected(media_worker_loop(r->g->worker), r->c, &gw_pri_tdm_ops,
					  &r->g->pri, &r->g->span);
}

static int open_cable(struct gwd *d, struct gwd_span *g, const struct gw_span *gs,
		      const struct tdm_span_config *c)
{
	struct cable_req r = {.g = g, .c = c};
	int rc;

	media_worker_run_sync(g->worker, unconnected_fn, &r);
	rc = r.rc;

	if (rc < 0)
		return rc;
	g->d = d;
	g->path = mem_strdup(gs->cable_socket); /* the configuration may be reloaded */
	if (!g->path)
		return -ENOMEM;
	g->listen = gs->cable_listen;
	g->lfd = -1;
	timer_setup(&g->retry, on_cable_retry, g);
	if (g->listen) {
		struct sockaddr_un a = {.sun_family = AF_UNIX};

		snprintf(a.sun_path, sizeof(a.sun_path), "%s", g->path);
		unlink(g->path);
		g->lfd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (g->lfd < 0 || bind(g->lfd, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(g->lfd, 1) < 0 ||
		    (rc = loop_watch_add(d->loop, &g->lw, g->lfd, EPOLLIN, on_cable_accept, g)) < 0) {
			rc = rc < 0 ? rc : -errno;
			LOGP(LOGC_TDM, LOGL_ERROR, "[span %d] cable_socket %s: %s", c->num, g->path, strerror(-rc));
			return rc;
		}
		LOGP(LOGC_TDM, LOGL_INFO, "span %d: waiting for the other gateway on %s", c->num, g->path);
		return 0;
	}
	on_cable_retry(&g->retry, g); /* now, then every second while not connected */
	return 0;
}

static void close_cable(struct gwd *d, struct gwd_span *g)
{
	if (!g->path)
		return;
	loop_timer_stop(d->loop, &g->retry);
	if (g->lfd >= 0) {
		loop_watch_del(d->loop, &g->lw);
		close(g->lfd);
		unlink(g->path);
	}
	mem_free(g->path);
	g->path = NULL;
}

static void span_config(const struct conf_section *sec, struct tdm_span_config *c)
{
	const struct gw_span *g = sec->data;

	tdm_span_config_default(c, atoi(sec->label), (enum tdm_type)g->type);
	if (g->framing >= 0)
		c->framing = (enum tdm_framing)g->framing;
	if (g->coding >= 0)
		c->coding = (enum tdm_coding)g->coding;
	if (g->dchan >= 0)
		c->dchan = (int)g->dchan;
	if (g->law >= 0)
		c->law = (enum tdm_law)g->law;
	c->timing = (int)g->timing;
	c->block_ms = (unsigned)g->block;
}

/* The span's ISDN side, before its TDM side exists (which hands it frames
 * and alarms from the start). */
static void span_pri_init(struct gwd *d, struct gwd_span *g, const struct conf_section *sec,
			 const struct tdm_span_config *c)
{
	const struct gw_span *gs = sec->data;
	struct isdn_span_opts *o = &g->iopts;
	memset(o, 0, sizeof(*o));
	o->number = c->num;
	o->network = gs->side == 1;
	o->switchtype = (enum isdn_switch)gs->switchtype;
	o->t1 = c->type != TDM_E1;
	o->ulaw = c->law == TDM_LAW_ULAW;
	o->overlap = gs->overlap;
	o->dialplan = gw_span_ton[gs->dialplan];
	o->localdialplan = gw_span_ton[gs->localdialplan];
	o->inband_progress = gs->inband_progress;
	o->inband_disconnect_ms = (unsigned)gs->inband_disconnect;
	o->preferred = gs->channel_selection == 1;
	o->facility = gs->facility;
	o->service_messages = gs->service_messages;
	o->reset_interval_s = (unsigned)(gs->reset_interval / 1000);
	gw_pri_init(&g->pri, d->loop, c->num, gs->signalling == 1 ? o : NULL, &gwd_pri_ops, d);
	g->nts = tdm_timeslots(c->type);
	g->block_ms = c->block_ms;
	g->alaw = c->law == TDM_LAW_ALAW;
	g->hunt = gs->hunt;
	g->ec_taps = gs->echo_cancel == 1 || (gs->echo_cancel == 0 && gs->backend == 1)
			     ? (unsigned)gs->echo_tail * 8 : 0;
	g->gain_from_line = (int)gs->gain_from_line;
	g->gain_to_line = (int)gs->gain_to_line;
	if (gs->group)
		snprintf(g->group, sizeof(g->group), "%s", gs->group);
	else
		snprintf(g->group, sizeof(g->group), "span%d", c->num);
	if (gs->signalling == 1)
		LOGP(LOGC_ISDN, LOGL_INFO, "span %d: ISDN PRI, %s side, %s", c->num,
		     o->network ? "network" : "user", isdn_switch_names[o->switchtype]);
}

/* The TDM span is open: start its ISDN side on it. */
static int span_attach(struct gwd_span *g)
{
	int rc = gw_pri_attach(&g->pri, g->span);

	if (rc < 0)
		LOGP(LOGC_ISDN, LOGL_ERROR, "[span %d]: cannot start libpri: %s", g->num, strerror(-rc));
	return rc;
}

/* Making spans in their worker: a DAHDI span, or a loopback pair. */
struct open_req {
	struct gwd_span *g, *gb;
	const struct gw_span *ga;
	struct tdm_span_config ca, cb;
	char err[200];
	int rc;
};

#ifdef HAVE_DAHDI
static void dahdi_fn(void *arg)
{
	struct open_req *r = arg;

	r->rc = tdm_dahdi_open(media_worker_loop(r->g->worker), &r->ca, (int)r->ga->dahdi_span,
			       (int)r->ga->dahdi_channel, &gw_pri_tdm_ops, &r->g->pri, &r->g->span,
			       r->err, sizeof(r->err));
}
#endif

static void pair_fn(void *arg)
{
	struct open_req *r = arg;

	r->rc = tdm_lb_pair_new(media_worker_loop(r->g->worker), &r->ca, &gw_pri_tdm_ops, &r->g->pri,
				&r->cb, &gw_pri_tdm_ops, &r->gb->pri, &r->g->span, &r->gb->span);
}

static void close_fn(void *arg)
{
	tdm_span_close(arg);
}

/* The least loaded media worker clocks the span (and its cable partner). */
static void span_worker(struct gwd *d, struct gwd_span *g, struct gwd_span *gb, unsigned channels)
{
	g->worker = media_pool_pick(d->media);
	media_worker_load(g->worker, (int)channels);
	gw_pri_use_worker(&g->pri, g->worker);
	g->gm = gw_media_new(g->worker, NULL, g->nts, g->alaw, g->block_ms, d->cfg->general->zone);
	if (g->gm) {
		gw_media_set_echo_canceller(g->gm, g->ec_taps);
		gw_media_set_gains(g->gm, g->gain_from_line, g->gain_to_line);
	}
	if (gb) {
		gb->worker = g->worker;
		gw_pri_use_worker(&gb->pri, gb->worker);
		gb->gm = gw_media_new(gb->worker, NULL, gb->nts, gb->alaw, gb->block_ms, d->cfg->general->zone);
		if (gb->gm) {
			gw_media_set_echo_canceller(gb->gm, gb->ec_taps);
			gw_media_set_gains(gb->gm, gb->gain_from_line, gb->gain_to_line);
		}
	}
}

/* Open every [span]: loopback pairs once for both ends, DAHDI spans one by one. */
static int open_spans(struct gwd *d)
{
	size_t n = conf_count(d->cfg->conf, &gw_span_section);
	const struct conf_section *a = NULL;
	int rc;

	if (!n)
		return 0;
	d->spans = mem_zalloc(sizeof(*d->spans) * n);
	if (!d->spans)
		return -ENOMEM;
	while ((a = conf_next(d->cfg->conf, &gw_span_section, a))) {
		const struct gw_span *ga = a->data;
		struct gwd_span *g;
		struct tdm_span_config ca, cb;

		span_config(a, &ca);
		if (ga->backend == 0 && !ga->cable_socket && ga->cable < ca.num)
			continue; /* opened with its lower-numbered partner */
		g = &d->spans[d->nspans++];
		g->num = ca.num;
		g->backend = ga->backend;
		span_pri_init(d, g, a, &ca);
		if (ga->backend == 1) {
#ifdef HAVE_DAHDI
			struct open_req r = {.g = g, .ga = ga, .ca = ca};

			span_worker(d, g, NULL, tdm_timeslots(ca.type));
			media_worker_run_sync(g->worker, dahdi_fn, &r);
			if ((rc = r.rc) < 0) {
				LOGP(LOGC_TDM, LOGL_ERROR, "[span %d]: %s", ca.num, r.err);
				return rc;
			}
			if ((rc = span_attach(g)) < 0)
				return rc;
#else
			LOGP(LOGC_TDM, LOGL_ERROR, "[span %d]: built without DAHDI (configure --without-dahdi)",
			     ca.num);
			return -ENOTSUP;
#endif
		} else if (ga->cable_socket) {
			span_worker(d, g, NULL, tdm_timeslots(ca.type));
			if ((rc = open_cable(d, g, ga, &ca)) < 0 || (rc = span_attach(g)) < 0)
				return rc;
		} else if (ga->cable > ca.num) {
			/* the lower-numbered end opens the pair */
			const struct conf_section *b = NULL;
			struct gwd_span *gb;

			while ((b = conf_next(d->cfg->conf, &gw_span_section, b)) && atoi(b->label) != ga->cable)
				;
			if (!b)
				return -EINVAL; /* the validator refused this already */
			span_config(b, &cb);
			gb = &d->spans[d->nspans++];
			gb->num = cb.num;
			span_pri_init(d, gb, b, &cb);
			{
				struct open_req r = {.g = g, .gb = gb, .ca = ca, .cb = cb};

				span_worker(d, g, gb, 2 * tdm_timeslots(ca.type));
				media_worker_run_sync(g->worker, pair_fn, &r);
				rc = r.rc;
			}
			if (rc < 0) {
				LOGP(LOGC_TDM, LOGL_ERROR, "spans %d and %d: cannot join them: %s", ca.num, cb.num,
				     strerror(-rc));
				return rc;
			}
			if ((rc = span_attach(g)) < 0 || (rc = span_attach(gb)) < 0)
				return rc;
		}
	}
	return 0;
}

static void close_spans(struct gwd *d)
{
	for (size_t i = 0; i < d->nspans; i++) {
		struct gwd_span *g = &d->spans[i];

		close_cable(d, g);
		if (!g->pri.tdm && g->span) /* opened, not yet handed over */
			in_worker(g, close_fn, g->span);
		gw_pri_close(&g->pri);
		gw_media_free(g->gm);
		g->gm = NULL;
	}
	mem_free(d->spans);
	d->spans = NULL;
	d->nspans = 0;
}

/* ---- start-up ------------------------------------------------------------- */

static int open_control(struct gwd *d, uid_t uid, gid_t gid)
{
	const struct gw_control *c = d->cfg->control;
	struct ctl_server_opts o = {
		.path = c->socket,
		.mode = (mode_t)c->mode,
		.uid = uid,
		.gid = gid,
		.max_clients = (unsigned)c->max_clients,
		.idle_timeout_ms = (uint64_t)c->idle_timeout,
	};
	char err[256];
	int rc;

	if (c->group) {
		char unused[8];
		uid_t u;

		/* the socket's group: [control] group, else the daemon's */
		rc = daemon_lookup_ids("root", c->group, &u, &o.gid, unused, sizeof(unused));
		if (rc < 0) {
			LOGP(LOGC_MAIN, LOGL_ERROR, "[control] group '%s' does not exist", c->group);
			return rc;
		}
	}
	rc = ctl_server_open(d->loop, &o, &d->ctl, err, sizeof(err));
	if (rc < 0) {
		LOGP(LOGC_MAIN, LOGL_ERROR, "%s", err);
		return rc;
	}
	ctl_server_set_commands(d->ctl, commands, sizeof(commands) / sizeof(commands[0]), d);
	return 0;
}

static int run(struct gwd *d, bool foreground)
{
	const struct gw_general *g = d->cfg->general;
	uid_t uid = (uid_t)-1;
	gid_t gid = (gid_t)-1;
	bool drop = false;
	char err[256];
	int rc;

	if (g->user && geteuid() == 0) {
		rc = daemon_lookup_ids(g->user, g->group, &uid, &gid, err, sizeof(err));
		if (rc < 0) {
			LOGP(LOGC_MAIN, LOGL_ERROR, "[general] user: %s", err);
			return rc;
		}
		drop = true;
	} else if (g->user) {
		LOGP(LOGC_MAIN, LOGL_NOTICE, "not started as root: ignoring [general] user = %s",
		     g->user);
	}
	if (!foreground && (rc = daemon_detach()) < 0) {
		LOGP(LOGC_MAIN, LOGL_ERROR, "cannot detach: %s", strerror(-rc));
		return rc;
	}
	rc = loop_new(&d->loop);
	if (rc < 0) {
		LOGP(LOGC_MAIN, LOGL_ERROR, "cannot create event loop: %s", strerror(-rc));
		return rc;
	}
	if ((rc = loop_signal_add(d->loop, SIGHUP, on_reload_signal, d)) < 0 ||
	    (rc = loop_signal_add(d->loop, SIGTERM, on_stop_signal, d)) < 0 ||
	    (rc = loop_signal_add(d->loop, SIGINT, on_stop_signal, d)) < 0) {
		LOGP(LOGC_MAIN, LOGL_ERROR, "cannot set up signals: %s", strerror(-rc));
		return rc;
	}
	signal(SIGPIPE, SIG_IGN);

	/* everything that needs root is opened above this line */
	rc = open_control(d, drop ? uid : (uid_t)-1, drop ? gid : (gid_t)-1);
	if (rc < 0)
		return rc;
	rc = open_calls(d);
	if (rc < 0)
		return rc;
	rc = open_sip(d); /* ports below 1024 need root too */
	if (rc < 0)
		return rc;
	rc = media_pool_new(d->loop, 0, &d->media); /* one media worker per core */
	if (rc < 0) {
		LOGP(LOGC_MAIN, LOGL_ERROR, "cannot start the media workers: %s", strerror(-rc));
		return rc;
	}
	rc = open_spans(d); /* /dev/dahdi needs root */
	if (rc < 0)
		return rc;
	calls_add_spans(d);
	if (d->cfg->sip->music_on_hold) {
		char werr[300];

		if (gw_wav_load(d->cfg->sip->music_on_hold, &d->moh, &d->moh_len, werr, sizeof(werr)) < 0) {
			LOGP(LOGC_MAIN, LOGL_ERROR, "[sip] music_on_hold: %s", werr);
			return -EINVAL;
		}
		for (size_t i = 0; i < d->nspans; i++)
			if (d->spans[i].gm)
				gw_media_set_music(d->spans[i].gm, d->moh, d->moh_len);
	}
	if (d->cfg->general->bridge_calls > 0) {
		unsigned pairs = (unsigned)d->cfg->general->bridge_calls;
		struct media_worker *w = media_pool_pick(d->media);

		d->bridge = gw_media_new_bridge(w, NULL, pairs, d->cfg->general->zone);
		if (!d->bridge || gw_cc_set_bridge(d->cc, d->bridge, pairs) < 0) {
			LOGP(LOGC_MAIN, LOGL_ERROR, "no memory for the bridge of %u SIP to SIP calls", pairs);
			return -ENOMEM;
		}
		media_worker_load(w, (int)(2 * pairs));
		if (d->moh)
			gw_media_set_music(d->bridge, d->moh, d->moh_len);
	}
	if (drop) {
		rc = daemon_drop_privileges(uid, gid, err, sizeof(err));
		if (rc < 0) {
			LOGP(LOGC_MAIN, LOGL_ERROR, "cannot drop privileges to %s: %s", g->user,
			     err);
			return rc;
		}
		LOGP(LOGC_MAIN, LOGL_INFO, "running as user %s (uid %u, gid %u)", g->user,
		     (unsigned)uid, (unsigned)gid);
	}

	d->started = d->loaded = time(NULL);
	d->started_mono_ns = loop_now_ns();
	LOGP(LOGC_MAIN, LOGL_NOTICE, "sipgwd %s started (pid %d), configuration %s, control %s",
	     SIPGW_VERSION, (int)getpid(), d->config_path, d->cfg->control->socket);
	daemon_notify("READY=1\nSTATUS=running");
	if (!foreground)
		daemon_detach_done(0);
	rc = loop_run(d->loop);
	if (rc < 0)
		LOGP(LOGC_MAIN, LOGL_ERROR, "event loop failed: %s", strerror(-rc));
	close_calls(d);
	close_sip(d);
	close_spans(d);
	gw_media_free(d->bridge);
	d->bridge = NULL;
	media_pool_free(d->media);
	d->media = NULL;
	mem_free(d->moh);
	d->moh = NULL;
	return rc;
}

static void gwd_release(struct gwd *d)
{
	close_calls(d);
	close_sip(d);
	close_spans(d);
	gw_media_free(d->bridge);
	d->bridge = NULL;
	media_pool_free(d->media);
	d->media = NULL;
	mem_free(d->moh);
	d->moh = NULL;
	ctl_server_close(d->ctl);
	loop_free(d->loop);
	gw_config_free(d->cfg);
	clear_last_errors(d);
}

int main(int argc, char **argv)
{
	struct gwd d = {.config_path = DEFAULT_CONFIG};
	struct conf_errors errs = {0};
	bool foreground = false, test = false, print = false, debug = false;
	char *abs_path = NULL;
	int opt, rc;

	log_init("sipgwd");
	while ((opt = getopt(argc, argv, "c:fdtTCVh")) != -1) {
		switch (opt) {
		case 'c':
			d.config_path = optarg;
			break;
		case 'f':
			foreground = true;
			break;
		case 'd':
			debug = true;
			break;
		case 't':
			test = true;
			break;
		case 'T':
			test = print = true;
			break;
		case 'C':
			conf_schema_print(&gw_config_schema, stdout);
			return 0;
		case 'V':
			printf("sipgwd %s\n", SIPGW_VERSION);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "sipgwd: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return 2;
	}
	if (debug)
		for (int c = 0; c < LOGC_COUNT; c++)
			log_level_set(c, LOGL_DEBUG);

	rc = gw_config_load(d.config_path, &d.cfg, &errs);
	if (rc < 0) {
		print_errors(&errs);
		fprintf(stderr, "sipgwd: configuration file %s test failed (%zu error%s)\n",
			d.config_path, errs.count, errs.count == 1 ? "" : "s");
		conf_errors_release(&errs);
		return 1;
	}
	if (test) {
		if (print)
			conf_print(d.cfg->conf, stdout);
		fprintf(stderr, "sipgwd: configuration file %s test is successful\n",
			d.config_path);
		gw_config_free(d.cfg);
		return 0;
	}
	/* a relative path would break reload once detached into "/" */
	abs_path = realpath(d.config_path, NULL);
	if (abs_path)
		d.config_path = abs_path;
	if (!debug && gw_config_apply_log(d.cfg) < 0)
		LOGP(LOGC_MAIN, LOGL_WARNING, "systemd journal not reachable; logging to stderr");

	rc = run(&d, foreground);
	if (rc < 0) {
		daemon_notify("STOPPING=1");
		daemon_detach_done(1);
	}
	gwd_release(&d);
	free(abs_path);
	LOGP(LOGC_MAIN, LOGL_NOTICE, "sipgwd stopped");
	log_shutdown();
	return rc < 0 ? 1 : 0;
}
