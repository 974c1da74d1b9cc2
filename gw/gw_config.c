/* config.c: the sections and keys of sipgw.conf (doc/sipgw.conf.5).
 * Every key a later layer adds is declared here with its type, range and
 * default, so `sipgwd -t` checks a file completely before anything runs. */
#include "config.h"

#include "gw/gw_config.h"
#include "lib/mem.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stddef.h>
#include <string.h>
#include <sys/un.h>
#include <syslog.h>

#ifndef SGW_RUNSTATEDIR
#define SGW_RUNSTATEDIR "/run"
#endif
#ifndef SGW_LOCALSTATEDIR
#define SGW_LOCALSTATEDIR "/var"
#endif

#define KEY(st, field) offsetof(struct st, field)
#define N_KEYS(a) (sizeof(a) / sizeof((a)[0]))

/* ---- [general] ------------------------------------------------------------ */

static const struct conf_key general_keys[] = {
	{"user", CONF_STRING, KEY(gw_general, user), NULL, 0, 32, NULL, false,
	 "after opening its sockets and devices as root, run as this user"},
	{"group", CONF_STRING, KEY(gw_general, group), NULL, 0, 32, NULL, false,
	 "and with this group (default: the user's login group)"},
	{"state_dir", CONF_STRING, KEY(gw_general, state_dir), SGW_LOCALSTATEDIR "/lib/sipgw", 0,
	 200, NULL, false, "directory for the daemon's records (CDRs)"},
};

static void general_validate(struct conf_parse *p, const struct conf_section *s)
{
	const struct gw_general *g = s->data;

	if (g->user && !getpwnam(g->user))
		conf_error_at(p, conf_key_line(s, "user"), "user: no such user '%s'", g->user);
	if (g->group && !getgrnam(g->group))
		conf_error_at(p, conf_key_line(s, "group"), "group: no such group '%s'", g->group);
	if (g->group && !g->user)
		conf_error_at(p, conf_key_line(s, "group"), "group: set only together with user");
	if (g->state_dir && g->state_dir[0] != '/')
		conf_error_at(p, conf_key_line(s, "state_dir"),
			      "state_dir: '%s' must be an absolute path", g->state_dir);
}

/* ---- [log] ---------------------------------------------------------------- */

static const char *const target_names[] = {"stderr", "syslog", "journal", NULL};
static const char *const level_names[] = {"error", "warning", "notice", "info", "debug", NULL};
static const char *const facility_names[] = {"daemon", "user",	 "local0", "local1", "local2",
					     "local3", "local4", "local5", "local6", "local7",
					     NULL};
const int gw_syslog_facilities[] = {LOG_DAEMON, LOG_USER,   LOG_LOCAL0, LOG_LOCAL1, LOG_LOCAL2,
				    LOG_LOCAL3, LOG_LOCAL4, LOG_LOCAL5, LOG_LOCAL6, LOG_LOCAL7};

#define CATEGORY_KEY(idx, name)                                                                    \
	{name,                                                                                     \
	 CONF_ENUM,                                                                                \
	 KEY(gw_log, category[idx]),                                                               \
	 NULL,                                                                                     \
	 0,                                                                                        \
	 0,                                                                                        \
	 level_names,                                                                              \
	 false,                                                                                    \
	 "level for the " name " category (default: level)"}

static const struct conf_key log_keys[] = {
	{"target", CONF_ENUM, KEY(gw_log, target), "stderr", 0, 0, target_names, false,
	 "where log lines go: stderr, syslog or the systemd journal"},
	{"level", CONF_ENUM, KEY(gw_log, level), "info", 0, 0, level_names, false,
	 "lowest level logged, for every category not set below"},
	{"facility", CONF_ENUM, KEY(gw_log, facility), "daemon", 0, 0, facility_names, false,
	 "syslog facility (target = syslog)"},
	CATEGORY_KEY(LOGC_MAIN, "main"),
	CATEGORY_KEY(LOGC_SIP, "sip"),
	CATEGORY_KEY(LOGC_ISDN, "isdn"),
	CATEGORY_KEY(LOGC_TDM, "tdm"),
	CATEGORY_KEY(LOGC_DSP, "dsp"),
	CATEGORY_KEY(LOGC_RTP, "rtp"),
	CATEGORY_KEY(LOGC_GW, "gw"),
	CATEGORY_KEY(LOGC_CTL, "ctl"),
};

/* ---- [control] ------------------------------------------------------------ */

static const struct conf_key control_keys[] = {
	{"socket", CONF_STRING, KEY(gw_control, socket), SGW_RUNSTATEDIR "/sipgw/sipgwctl.sock", 0,
	 sizeof(((struct sockaddr_un *)0)->sun_path) - 1, NULL, false,
	 "path of the control socket sipgwctl talks to"},
	{"mode", CONF_OCTAL, KEY(gw_control, mode), "0660", 0, 0777, NULL, false,
	 "file mode of the control socket"},
	{"group", CONF_STRING, KEY(gw_control, group), NULL, 0, 32, NULL, false,
	 "group owning the control socket (members may use sipgwctl)"},
	{"max_clients", CONF_INT, KEY(gw_control, max_clients), "16", 1, 256, NULL, false,
	 "control connections served at once; more are refused"},
	{"idle_timeout", CONF_DURATION, KEY(gw_control, idle_timeout), "60s", 1000, 3600000, NULL,
	 false, "a control connection silent this long is closed"},
};

static void control_validate(struct conf_parse *p, const struct conf_section *s)
{
	const struct gw_control *c = s->data;

	if (c->socket && c->socket[0] != '/')
		conf_error_at(p, conf_key_line(s, "socket"),
			      "socket: '%s' must be an absolute path", c->socket);
	if (c->group && !getgrnam(c->group))
		conf_error_at(p, conf_key_line(s, "group"), "group: no such group '%s'", c->group);
}

/* ---- the schema ----------------------------------------------------------- */

enum { SEC_GENERAL, SEC_LOG, SEC_CONTROL, SEC_ROUTE };

static const struct conf_section_def sections[] = {
	[SEC_GENERAL] = {"general", false, sizeof(struct gw_general), general_keys,
			 N_KEYS(general_keys), "daemon-wide settings", general_validate},
	[SEC_LOG] = {"log", false, sizeof(struct gw_log), log_keys, N_KEYS(log_keys),
		     "logging", NULL},
	[SEC_CONTROL] = {"control", false, sizeof(struct gw_control), control_keys,
			 N_KEYS(control_keys), "the control socket of sipgwctl", control_validate},
};

/* The sections in order; [route] is defined by the dial plan (dialplan.c). */
static const struct conf_section_def *const section_defs[] = {
	&sections[SEC_GENERAL], &sections[SEC_LOG], &sections[SEC_CONTROL], &dp_route_section};

const struct conf_schema gw_config_schema = {section_defs, N_KEYS(section_defs), NULL};

int gw_config_load(const char *path, struct gw_config **out, struct conf_errors *errs)
{
	struct gw_config *cfg = mem_zalloc(sizeof(*cfg));
	int err;

	if (!cfg)
		return -ENOMEM;
	err = conf_load(&gw_config_schema, path, &cfg->conf, errs);
	if (err) {
		mem_free(cfg);
		return err;
	}
	cfg->general = conf_get(cfg->conf, &sections[SEC_GENERAL]);
	cfg->log = conf_get(cfg->conf, &sections[SEC_LOG]);
	cfg->control = conf_get(cfg->conf, &sections[SEC_CONTROL]);
	err = dialplan_build(cfg->conf, &cfg->dialplan);
	if (err) {
		conf_free(cfg->conf);
		mem_free(cfg);
		return err;
	}
	*out = cfg;
	return 0;
}

void gw_config_free(struct gw_config *cfg)
{
	if (!cfg)
		return;
	dialplan_release(&cfg->dialplan);
	conf_free(cfg->conf);
	mem_free(cfg);
}

int gw_config_apply_log(const struct gw_config *cfg)
{
	const struct gw_log *l = cfg->log;

	for (int c = 0; c < LOGC_COUNT; c++)
		log_level_set(c, l->category[c] >= 0 ? l->category[c] : l->level);
	return log_target_set(l->target, gw_syslog_facilities[l->facility]);
}
