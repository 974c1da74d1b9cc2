/* config.c: the sections and keys of sipgw.conf (doc/sipgw.conf.5).
 * Every key a later layer adds is declared here with its type, range and
 * default, so `sipgwd -t` checks a file completely before anything runs. */
#include "config.h"

#include "gw/gw_config.h"
#include "gw/call.h"
#include "gw/cause.h"
#include "dsp/codec.h"
#include "gw/wav.h"
#include "dsp/tones.h"
#include "sip/sdp_oa.h"
#include "lib/mem.h"
#include "sip/transport.h"
#include "sip/uri.h"

#include <arpa/inet.h>
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stddef.h>
#include <stdlib.h>
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
	{"cdr", CONF_STRING, KEY(gw_general, cdr), NULL, 0, 200, NULL, false,
	 "call records: a .csv file, or an SQLite database when it ends in .db"},
	{"zone", CONF_STRING, KEY(gw_general, zone), "us", 0, 8, NULL, false,
	 "country of the call progress tones: de uk us fr nl it at ch au jp"},
	{"country_code", CONF_STRING, KEY(gw_general, country_code), NULL, 0, 3, NULL, false,
	 "where the gateway stands, for numbers (49): +E.164 toward SIP, dialled form to the dial plan"},
	{"trunk_prefix", CONF_STRING, KEY(gw_general, trunk_prefix), "0", 0, 3, NULL, false,
	 "the national (trunk) prefix: 0 in most of Europe, 1 in North America"},
	{"intl_prefix", CONF_STRING, KEY(gw_general, intl_prefix), "00", 0, 5, NULL, false,
	 "the international prefix: 00, 011 in North America"},
	{"area_code", CONF_STRING, KEY(gw_general, area_code), NULL, 0, 7, NULL, false,
	 "the local area code (30 for Berlin), for subscriber numbers"},
	{"digit_timeout", CONF_DURATION, KEY(gw_general, digit_timeout), "5s", 1000, 60000, NULL, false,
	 "overlap receiving: how long to wait for the next digit before routing what came"},
	{"no_answer_timeout", CONF_DURATION, KEY(gw_general, no_answer_timeout), "180s", 0, 3600000, NULL,
	 false, "a call not answered this long after it went out ends: cause 19, 480 to a SIP caller; 0: never"},
	{"bridge_calls", CONF_INT, KEY(gw_general, bridge_calls), "64", 0, 4096, NULL, false,
	 "SIP to SIP calls at once (each holds a pair of bridge channels in a media worker); 0: none"},
};

static void general_validate(struct conf_parse *p, const struct conf_section *s)
{
	const struct gw_general *g = s->data;

	if (g->zone && !dsp_tone_find(g->zone, DSP_TONE_BUSY))
		conf_error_at(p, conf_key_line(s, "zone"), "zone: no tones for '%s' (de uk us fr nl it at ch au jp)",
			      g->zone);
	{
		const char *const fields[] = {g->country_code, g->trunk_prefix, g->intl_prefix, g->area_code};
		const char *const names[] = {"country_code", "trunk_prefix", "intl_prefix", "area_code"};

		for (int i = 0; i < 4; i++)
			if (fields[i] && strspn(fields[i], "0123456789") != strlen(fields[i]))
				conf_error_at(p, conf_key_line(s, names[i]), "%s: '%s' is not digits", names[i], fields[i]);
	}
	if (g->cdr && g->cdr[0] != '/')
		conf_error_at(p, conf_key_line(s, "cdr"), "cdr: '%s' must be an absolute path", g->cdr);

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

/* ---- [sip] ---------------------------------------------------------------- */
static const struct conf_key sip_keys[] = {
	{"listen", CONF_STRING, KEY(gw_sip, listen), NULL, 0, 400, NULL, false,
	 "where SIP listens, comma-separated: udp:ADDR:PORT, tcp:..., tls:...; unset: no SIP"},
	{"user_agent", CONF_STRING, KEY(gw_sip, user_agent), "sipgw", 0, 64, NULL, false,
	 "what User-Agent and Server headers say"},
	{"tls_certificate", CONF_STRING, KEY(gw_sip, tls_certificate), NULL, 0, 200, NULL, false,
	 "PEM certificate (chain) presented on TLS"},
	{"tls_key", CONF_STRING, KEY(gw_sip, tls_key), NULL, 0, 200, NULL, false,
	 "PEM private key of tls_certificate"},
	{"tls_ca", CONF_STRING, KEY(gw_sip, tls_ca), NULL, 0, 200, NULL, false,
	 "PEM file of the CAs trusted for peers' certificates"},
	{"tls_verify", CONF_BOOL, KEY(gw_sip, tls_verify), "yes", 0, 0, NULL, false,
	 "check a TLS server's certificate and name; 'no' only for tests"},
	{"tls_client_certificate", CONF_BOOL, KEY(gw_sip, tls_client_cert), "no", 0, 0, NULL, false,
	 "require TLS clients to present a certificate signed by tls_ca (mutual TLS)"},
	{"t1", CONF_DURATION, KEY(gw_sip, t1), "500ms", 50, 10000, NULL, false,
	 "RFC 3261 T1, the round-trip estimate"},
	{"t2", CONF_DURATION, KEY(gw_sip, t2), "4s", 500, 60000, NULL, false,
	 "RFC 3261 T2, the longest retransmission interval"},
	{"t4", CONF_DURATION, KEY(gw_sip, t4), "5s", 500, 60000, NULL, false,
	 "RFC 3261 T4, the longest a message lives in the network"},
	{"max_transactions", CONF_INT, KEY(gw_sip, max_transactions), "10000", 10, 1000000, NULL,
	 false, "transactions at once; beyond it requests get 503 with Retry-After (over UDP a call's BYE "
	 "transaction stays 32 s: at N calls/s about 40 x N are held)"},
	{"max_dialogs", CONF_INT, KEY(gw_sip, max_dialogs), "2000", 1, 1000000, NULL, false,
	 "calls at once; beyond it INVITEs get 503 with Retry-After"},
	{"max_connections", CONF_INT, KEY(gw_sip, max_connections), "1024", 1, 100000, NULL, false,
	 "TCP and TLS connections at once"},
	{"invite_rate", CONF_INT, KEY(gw_sip, invite_rate), "0", 0, 100000, NULL, false,
	 "new INVITEs per second accepted from one source address; 0: no limit"},
	{"invite_burst", CONF_INT, KEY(gw_sip, invite_burst), "0", 0, 100000, NULL, false,
	 "how many may come at once before invite_rate applies (default: invite_rate)"},
	{"session_expires", CONF_DURATION, KEY(gw_sip, session_expires), "1800s", 0, 86400000, NULL,
	 false, "RFC 4028 session interval asked for; 0s: no session timers"},
	{"min_se", CONF_DURATION, KEY(gw_sip, min_se), "90s", 90000, 86400000, NULL, false,
	 "the shortest session interval accepted (422 below it)"},
	{"allow", CONF_STRING, KEY(gw_sip, allow), NULL, 0, 400, NULL, false,
	 "networks whose INVITEs are served besides the trunks' addresses (others get 403)"},
	{"media_address", CONF_STRING, KEY(gw_sip, media_address), "127.0.0.1", 0, 45, NULL, false,
	 "the address RTP is sent from and announced in SDP"},
	{"rtp_port_min", CONF_INT, KEY(gw_sip, rtp_port_min), "10000", 1024, 65534, NULL, false,
	 "lowest RTP port"},
	{"rtp_port_max", CONF_INT, KEY(gw_sip, rtp_port_max), "20000", 1025, 65535, NULL, false,
	 "highest RTP port"},
	{"rtp_timeout", CONF_DURATION, KEY(gw_sip, rtp_timeout), "0s", 0, 3600000, NULL, false,
	 "end a call (cause 41) after this long without RTP, unless on hold; 0s: never"},
	{"codecs", CONF_STRING, KEY(gw_sip, codecs), NULL, 0, 200, NULL, false,
	 "codecs offered and taken, in order: PCMA PCMU G722 G726-32 GSM G729 (unset: the line's law, "
	 "then the other); others than the line's law are transcoded"},
	{"g729_annexb", CONF_BOOL, KEY(gw_sip, g729_annexb), "no", 0, 0, NULL, false,
	 "G.729 annex B (RFC 4856 annexb): no packets while a side is silent, comfort noise made from "
	 "its SID frames; used when the peer agrees (an offer without annexb means yes)"},
	{"t38", CONF_BOOL, KEY(gw_sip, t38), "yes", 0, 0, NULL, false,
	 "fax as T.38 over UDPTL (T.38 Annex D): a fax heard on the line moves the call to T.38 by "
	 "re-INVITE, and a peer's T.38 re-INVITE is accepted; refused by the peer: the call stays G.711 "
	 "pass-through"},
	{"music_on_hold", CONF_STRING, KEY(gw_sip, music_on_hold), NULL, 0, 200, NULL, false,
	 "a WAVE file (mono 8000 Hz, 16-bit PCM, A-law or u-law, up to 60 s) looped to the line while the "
	 "SIP side holds the call; unset: the line hears what the peer sends (or silence)"},
};

int gw_codec_list_parse(const char *list, uint8_t *ids, size_t max, size_t *n, char *err, size_t errlen)
{
	const char *q = list;

	*n = 0;
	while (*q) {
		size_t len = strcspn(q, ", ");
		char name[16];
		const struct dsp_codec_info *c;

		if (len) {
			snprintf(name, sizeof(name), "%.*s", (int)(len < sizeof(name) ? len : sizeof(name) - 1), q);
			c = len < sizeof(name) ? dsp_codec_find(name, 8000) : NULL;
			if (!c) {
				snprintf(err, errlen, "'%.*s' is not a codec of ours (PCMA PCMU G722 G726-32 GSM G729)",
					 (int)len, q);
				return -EINVAL;
			}
			for (size_t i = 0; i < *n; i++)
				if (ids[i] == (uint8_t)c->id) {
					snprintf(err, errlen, "%s is named twice", c->name);
					return -EINVAL;
				}
			if (*n == max) {
				snprintf(err, errlen, "more than %zu codecs", max);
				return -EINVAL;
			}
			ids[(*n)++] = (uint8_t)c->id;
		}
		q += len;
		q += strspn(q, ", ");
	}
	if (!*n) {
		snprintf(err, errlen, "no codec named");
		return -EINVAL;
	}
	return 0;
}

static void codecs_check(struct conf_parse *p, const struct conf_section *s, const char *list)
{
	uint8_t ids[GW_MAX_CODECS];
	size_t n;
	char err[120];

	if (list && gw_codec_list_parse(list, ids, GW_MAX_CODECS, &n, err, sizeof(err)) < 0)
		conf_error_at(p, conf_key_line(s, "codecs"), "codecs: %s", err);
}

static void sip_validate(struct conf_parse *p, const struct conf_section *s)
{
	const struct gw_sip *g = s->data;
	bool tls = false;

	codecs_check(p, s, g->codecs);
	if (g->music_on_hold) {
		int16_t *pcm;
		size_t n;
		char err[300];

		if (gw_wav_load(g->music_on_hold, &pcm, &n, err, sizeof(err)) < 0)
			conf_error_at(p, conf_key_line(s, "music_on_hold"), "music_on_hold: %s", err);
		else
			mem_free(pcm);
	}
	if (g->listen) {
		char *copy = mem_strdup(g->listen), *save = NULL;

		for (char *tok = copy ? strtok_r(copy, ", ", &save) : NULL; tok;
		     tok = strtok_r(NULL, ", ", &save)) {
			enum sip_proto proto;
			struct sip_addr a;

			if (sip_addr_parse_listen(tok, &proto, &a) < 0)
				conf_error_at(p, conf_key_line(s, "listen"),
					      "listen: '%s' is not PROTO:ADDRESS[:PORT] (udp:0.0.0.0:5060)", tok);
			else if (proto == SIP_PROTO_TLS)
				tls = true;
		}
		mem_free(copy);
	}
	if (tls && (!g->tls_certificate || !g->tls_key))
		conf_error_at(p, conf_key_line(s, "listen"),
			      "listen: TLS needs tls_certificate and tls_key");
	if (g->tls_client_cert && !g->tls_ca)
		conf_error_at(p, conf_key_line(s, "tls_client_certificate"),
			      "tls_client_certificate: needs tls_ca to check them against");
	if (g->t2 < g->t1)
		conf_error_at(p, conf_key_line(s, "t2"), "t2: must not be shorter than t1");
	if (g->session_expires && g->session_expires < g->min_se)
		conf_error_at(p, conf_key_line(s, "session_expires"),
			      "session_expires: shorter than min_se");
	if (g->rtp_port_max <= g->rtp_port_min)
		conf_error_at(p, conf_key_line(s, "rtp_port_max"), "rtp_port_max: must be above rtp_port_min");
	if (g->media_address) {
		unsigned char a[16];

		if (inet_pton(AF_INET, g->media_address, a) != 1 && inet_pton(AF_INET6, g->media_address, a) != 1)
			conf_error_at(p, conf_key_line(s, "media_address"),
				      "media_address: '%s' is not an IPv4 or IPv6 address", g->media_address);
	}
	if (g->allow) {
		char *copy = mem_strdup(g->allow), *save = NULL;

		for (char *tok = copy ? strtok_r(copy, ", ", &save) : NULL; tok;
		     tok = strtok_r(NULL, ", ", &save))
			if (gw_net_check(tok) < 0)
				conf_error_at(p, conf_key_line(s, "allow"),
					      "allow: '%s' is not ADDRESS or ADDRESS/PREFIX (10.0.0.0/8, ::1)", tok);
		mem_free(copy);
	}
}

/* ---- [trunk NAME] ---------------------------------------------------------- */
static const char *const dtmf_names[] = {"rfc4733", "inband", "info", NULL};
static const char *const redirect_names[] = {"diversion", "history-info", "both", NULL};
static const char *const annexb_names[] = {"default", "no", "yes", NULL};
static const struct conf_key trunk_keys[] = {
	{"uri", CONF_STRING, KEY(gw_trunk, uri), NULL, 0, 200, NULL, true,
	 "the trunk: sip:HOST[:PORT][;transport=tcp] or sips:HOST[:PORT]"},
	{"register", CONF_BOOL, KEY(gw_trunk, reg), "no", 0, 0, NULL, false,
	 "register with the trunk (RFC 3261 §10)"},
	{"registrar", CONF_STRING, KEY(gw_trunk, registrar), NULL, 0, 200, NULL, false,
	 "where REGISTER goes (default: uri)"},
	{"aor", CONF_STRING, KEY(gw_trunk, aor), NULL, 0, 200, NULL, false,
	 "the address registered (default: sip:USER@host of uri)"},
	{"user", CONF_STRING, KEY(gw_trunk, user), NULL, 0, 128, NULL, false,
	 "digest user name for the trunk's challenges"},
	{"password", CONF_STRING, KEY(gw_trunk, password), NULL, 0, 128, NULL, false,
	 "digest password (keep the file readable by root and sipgw only)"},
	{"expires", CONF_DURATION, KEY(gw_trunk, expires), "3600s", 60000, 86400000, NULL, false,
	 "registration interval asked for"},
	{"options_interval", CONF_DURATION, KEY(gw_trunk, options_interval), "0s", 0, 3600000, NULL,
	 false, "send OPTIONS this often to mark the trunk up or down; 0s: never"},
	{"srtp", CONF_ENUM, KEY(gw_trunk, srtp), "off", 0, 0, sdp_srtp_policy_names, false,
	 "off (RTP/AVP), optional (RTP/AVP with a=crypto offered) or mandatory (RTP/SAVP)"},
	{"srtp_suites", CONF_STRING, KEY(gw_trunk, srtp_suites),
	 "AES_CM_128_HMAC_SHA1_80,AES_CM_128_HMAC_SHA1_32,AEAD_AES_128_GCM,AEAD_AES_256_GCM", 0, 200,
	 NULL, false, "SDES suites offered and accepted, in order of preference"},
	{"trusted", CONF_BOOL, KEY(gw_trunk, trusted), "no", 0, 0, NULL, false,
	 "a trust domain (RFC 3325): take and send P-Asserted-Identity, hidden numbers included"},
	{"max_calls", CONF_INT, KEY(gw_trunk, max_calls), "0", 0, 100000, NULL, false,
	 "concurrent calls to and from the trunk (0: no limit); beyond it 503"},
	{"max_cps", CONF_INT, KEY(gw_trunk, max_cps), "0", 0, 10000, NULL, false,
	 "new calls per second to and from the trunk (0: no limit); beyond it 503"},
	{"overlap", CONF_BOOL, KEY(gw_trunk, overlap), "no", 0, 0, NULL, false,
	 "RFC 3578: an ISDN call still dialling goes to the trunk once a rule takes its digits; each 484 "
	 "is followed by an INVITE with more digits (same Call-ID and From tag)"},
	{"codecs", CONF_STRING, KEY(gw_trunk, codecs), NULL, 0, 200, NULL, false,
	 "the trunk's codecs, in order (as [sip] codecs, which applies when unset)"},
	{"g729_annexb", CONF_ENUM, KEY(gw_trunk, g729_annexb), "default", 0, 0, annexb_names, false,
	 "G.729 annex B with this trunk: yes, no, or default ([sip] g729_annexb)"},
	{"t38", CONF_ENUM, KEY(gw_trunk, t38), "default", 0, 0, annexb_names, false,
	 "T.38 fax with this trunk: yes, no (fax stays G.711 pass-through), or default ([sip] t38)"},
	{"tls_name", CONF_STRING, KEY(gw_trunk, tls_name), NULL, 0, 200, NULL, false,
	 "requests from the trunk's address count as the trunk's only over TLS with a client certificate "
	 "(checked against [sip] tls_ca) carrying this name (CN or DNS subjectAltName)"},
	{"redirection", CONF_ENUM, KEY(gw_trunk, redirect_hdr), "diversion", 0, 0, redirect_names, false,
	 "a redirecting number toward the trunk: diversion (RFC 5806), history-info (RFC 7044) or both"},
	{"dtmf", CONF_ENUM, KEY(gw_trunk, dtmf), "rfc4733", 0, 0, dtmf_names, false,
	 "digits heard on the line: rfc4733 (events, cut from the audio, when agreed), inband or info "
	 "(SIP INFO application/dtmf-relay)"},
};

static void trunk_validate(struct conf_parse *p, const struct conf_section *s)
{
	const struct gw_trunk *t = s->data;
	struct sip_uri u;

	codecs_check(p, s, t->codecs);
	if (t->srtp_suites) {
		const char *q = t->srtp_suites;
		int n = 0;

		/* every name one of ours; at least one when SRTP is on */
		while (*q) {
			size_t len = strcspn(q, ", ");

			if (len && !sdp_crypto_suite_supported(sv_make(q, len)))
				conf_error_at(p, conf_key_line(s, "srtp_suites"),
					      "srtp_suites: '%.*s' is not a suite we have (%s, %s, %s, %s)",
					      (int)len, q, sdp_srtp_suites[0], sdp_srtp_suites[1],
					      sdp_srtp_suites[2], sdp_srtp_suites[3]);
			n += len > 0;
			q += len;
			q += strspn(q, ", ");
		}
		if (!n && t->srtp != SDP_SRTP_OFF)
			conf_error_at(p, conf_key_line(s, "srtp_suites"),
				      "srtp_suites: empty, but srtp = %s needs a suite", sdp_srtp_policy_names[t->srtp]);
	}

	if (t->uri && (sip_uri_parse(&u, sv_cstr(t->uri)) < 0 ||
		       (u.scheme != SIP_URI_SIP && u.scheme != SIP_URI_SIPS)))
		conf_error_at(p, conf_key_line(s, "uri"), "uri: '%s' is not a sip: or sips: URI", t->uri);
	if (t->registrar && (sip_uri_parse(&u, sv_cstr(t->registrar)) < 0 ||
			     (u.scheme != SIP_URI_SIP && u.scheme != SIP_URI_SIPS)))
		conf_error_at(p, conf_key_line(s, "registrar"),
			      "registrar: '%s' is not a sip: or sips: URI", t->registrar);
	if (t->reg && !t->user && !t->aor)
		conf_error_at(p, conf_key_line(s, "register"), "register: needs user or aor");
	if (t->password && !t->user)
		conf_error_at(p, conf_key_line(s, "password"), "password: set only together with user");
}

const struct conf_section_def gw_trunk_section = {
	"trunk", true, sizeof(struct gw_trunk), trunk_keys, N_KEYS(trunk_keys),
	"a SIP trunk: registration and OPTIONS monitoring", trunk_validate};

/* ---- [span N] ------------------------------------------------------------------ */
static const char *const backend_names[] = {"loopback", "dahdi", NULL};
static const char *const span_type_names[] = {"e1", "t1", "j1", NULL};
static const char *const framing_names[] = {"ccs", "crc4", "esf", "d4", NULL};
static const char *const coding_names[] = {"hdb3", "b8zs", "ami", NULL};
static const char *const law_names[] = {"alaw", "ulaw", NULL};
static const char *const signalling_names[] = {"none", "pri", NULL};
static const char *const side_names[] = {"cpe", "net", NULL};
/* the order of enum isdn_switch */
static const char *const switch_names[] = {"euroisdn", "ni2",  "dms100", "4ess",
					   "5ess",     "qsig", "ni1",	 NULL};
static const char *const ton_names[] = {"unknown",    "international", "national", "network",
					"subscriber", "abbreviated",   NULL};
const int gw_span_ton[] = {0, 1, 2, 3, 4, 6};
static const char *const echo_names[] = {"auto", "yes", "no", NULL};
static const char *const hunt_names[] = {"first", "roundrobin", "leastused", NULL};
static const char *const chansel_names[] = {"exclusive", "preferred", NULL};

static const struct conf_key span_keys[] = {
	{"backend", CONF_ENUM, KEY(gw_span, backend), "loopback", 0, 0, backend_names, false,
	 "loopback (a virtual cable to another span) or dahdi (a card)"},
	{"type", CONF_ENUM, KEY(gw_span, type), "e1", 0, 0, span_type_names, false, "e1, t1 or j1"},
	{"framing", CONF_ENUM, KEY(gw_span, framing), NULL, 0, 0, framing_names, false,
	 "ccs or crc4 (E1, default crc4); esf or d4 (T1/J1, default esf)"},
	{"coding", CONF_ENUM, KEY(gw_span, coding), NULL, 0, 0, coding_names, false,
	 "hdb3 (E1); b8zs or ami (T1/J1)"},
	{"timing", CONF_INT, KEY(gw_span, timing), "1", 0, 255, NULL, false,
	 "timing-source priority: 1 first choice, 0 never"},
	{"dchan", CONF_INT, KEY(gw_span, dchan), "-1", -1, 31, NULL, false,
	 "D-channel timeslot (default 16 on E1, 24 on T1/J1; 0: none)"},
	{"law", CONF_ENUM, KEY(gw_span, law), NULL, 0, 0, law_names, false,
	 "alaw or ulaw (default: alaw on E1, ulaw on T1/J1)"},
	{"block", CONF_DURATION, KEY(gw_span, block), "20ms", 1, 20, NULL, false,
	 "audio block size, 1ms to 20ms"},
	{"cable", CONF_INT, KEY(gw_span, cable), "0", 0, 255, NULL, false,
	 "loopback: the span at the other end of the virtual cable"},
	{"cable_socket", CONF_STRING, KEY(gw_span, cable_socket), NULL, 0, 100, NULL, false,
	 "loopback to another gateway: the Unix socket path the cable runs through"},
	{"cable_listen", CONF_BOOL, KEY(gw_span, cable_listen), "no", 0, 0, NULL, false,
	 "yes: this gateway listens on cable_socket; no: it connects (and reconnects)"},
	{"dahdi_span", CONF_INT, KEY(gw_span, dahdi_span), "0", 0, 1024, NULL, false,
	 "dahdi: DAHDI's number for this span (see dahdi_scan)"},
	{"dahdi_channel", CONF_INT, KEY(gw_span, dahdi_channel), "0", 0, 100000, NULL, false,
	 "dahdi: DAHDI's channel number of timeslot 1 (1, 32, 63 ... on E1)"},
	{"signalling", CONF_ENUM, KEY(gw_span, signalling), "none", 0, 0, signalling_names, false,
	 "none (a span without signalling) or pri (ISDN PRI on the D-channel, libpri)"},
	{"side", CONF_ENUM, KEY(gw_span, side), "cpe", 0, 0, side_names, false,
	 "cpe (we are the PBX port, the exchange is the far end) or net (we are the exchange)"},
	{"switchtype", CONF_ENUM, KEY(gw_span, switchtype), "euroisdn", 0, 0, switch_names, false,
	 "euroisdn, ni2, dms100, 4ess, 5ess, qsig or ni1"},
	{"overlap", CONF_BOOL, KEY(gw_span, overlap), "no", 0, 0, NULL, false,
	 "overlap dialling both ways (SETUP ACK, INFORMATION digit by digit)"},
	{"dialplan", CONF_ENUM, KEY(gw_span, dialplan), "unknown", 0, 0, ton_names, false,
	 "type of number for called numbers that call control left unknown"},
	{"localdialplan", CONF_ENUM, KEY(gw_span, localdialplan), "unknown", 0, 0, ton_names, false,
	 "type of number for calling numbers that call control left unknown"},
	{"inband_progress", CONF_BOOL, KEY(gw_span, inband_progress), "no", 0, 0, NULL, false,
	 "every ALERTING/PROGRESS we send says in-band information is available"},
	{"inband_disconnect", CONF_DURATION, KEY(gw_span, inband_disconnect), "30s", 0, 300000, NULL, false,
	 "a DISCONNECT with in-band info before answer: the SIP caller hears the announcement (183) "
	 "this long at most before the final response; 0: the final response at once"},
	{"channel_selection", CONF_ENUM, KEY(gw_span, channel_selection), "exclusive", 0, 0,
	 chansel_names, false, "exclusive or preferred B-channel in our SETUPs"},
	{"facility", CONF_BOOL, KEY(gw_span, facility), "no", 0, 0, NULL, false,
	 "FACILITY messages (supplementary services) enabled"},
	{"service_messages", CONF_BOOL, KEY(gw_span, service_messages), "no", 0, 0, NULL, false,
	 "SERVICE maintenance messages (NI2, 4ESS, 5ESS)"},
	{"reset_interval", CONF_DURATION, KEY(gw_span, reset_interval), "0s", 0, 86400000, NULL, false,
	 "RESTART idle B-channels this often (0s: never)"},
	{"group", CONF_STRING, KEY(gw_span, group), NULL, 0, 63, NULL, false,
	 "the span group routes name (default span<N>)"},
	{"hunt", CONF_ENUM, KEY(gw_span, hunt), "first", 0, 0, hunt_names, false,
	 "how the group picks a span: first, roundrobin or leastused"},
	{"echo_cancel", CONF_ENUM, KEY(gw_span, echo_cancel), "auto", 0, 0, echo_names, false,
	 "cancel the line's echo on calls to SIP: auto (on DAHDI spans, off on loopback cables), yes, no"},
	{"echo_tail", CONF_DURATION, KEY(gw_span, echo_tail), "128ms", 32, 128, NULL, false,
	 "the echo canceller's tail, 32ms-128ms"},
	{"gain_from_line", CONF_INT, KEY(gw_span, gain_from_line), "0", -24, 24, NULL, false,
	 "dB added to what the line sends on calls to SIP (after the echo canceller)"},
	{"gain_to_line", CONF_INT, KEY(gw_span, gain_to_line), "0", -24, 24, NULL, false,
	 "dB added to what goes to the line on calls from SIP"},
};

static int span_num(const struct conf_section *s)
{
	char *end;
	long n = s->label ? strtol(s->label, &end, 10) : 0;

	return s->label && *s->label && !*end && n >= 1 && n <= 255 ? (int)n : -1;
}

static void span_validate(struct conf_parse *p, const struct conf_section *s)
{
	const struct gw_span *sp = s->data;
	bool e1 = sp->type == 0;

	if (span_num(s) < 0)
		conf_error_at(p, s->line, "[span %s]: the label must be the span number, 1 to 255",
			      s->label ? s->label : "");
	if (sp->dchan > (e1 ? 31 : 24))
		conf_error_at(p, conf_key_line(s, "dchan"), "dchan: %s has timeslots 1-%d",
			      e1 ? "E1" : "T1/J1", e1 ? 31 : 24);
	if (sp->framing >= 0 && e1 != (sp->framing <= 1))
		conf_error_at(p, conf_key_line(s, "framing"), "framing: %s does not go with %s",
			      framing_names[sp->framing], span_type_names[sp->type]);
	if (sp->coding >= 0 && (e1 ? sp->coding == 1 : sp->coding == 0))
		conf_error_at(p, conf_key_line(s, "coding"), "coding: %s does not go with %s",
			      coding_names[sp->coding], span_type_names[sp->type]);
	if (sp->backend == 0 && !sp->cable && !sp->cable_socket)
		conf_error_at(p, s->line,
			      "[span %s]: a loopback span needs cable (a span here) or cable_socket (another gateway)",
			      s->label ? s->label : "");
	if (sp->cable && sp->cable_socket)
		conf_error_at(p, conf_key_line(s, "cable_socket"),
			      "cable_socket: a cable has one other end: cable or cable_socket, not both");
	if (sp->cable_socket && sp->cable_socket[0] != '/')
		conf_error_at(p, conf_key_line(s, "cable_socket"), "cable_socket: '%s' must be an absolute path",
			      sp->cable_socket);
	if (sp->backend == 0 && sp->cable && sp->cable == span_num(s))
		conf_error_at(p, conf_key_line(s, "cable"), "cable: a span cannot be cabled to itself");
	if (sp->backend == 1 && (!sp->dahdi_span || !sp->dahdi_channel))
		conf_error_at(p, s->line, "[span %s]: backend dahdi needs dahdi_span and dahdi_channel",
			      s->label ? s->label : "");
	if (sp->signalling == 1 && sp->dchan == 0)
		conf_error_at(p, conf_key_line(s, "signalling"),
			      "signalling: pri needs a D-channel, and dchan = 0 says there is none");
	if (sp->reset_interval && sp->reset_interval < 1000)
		conf_error_at(p, conf_key_line(s, "reset_interval"),
			      "reset_interval: %lldms is too short; 0s or at least 1s",
			      (long long)sp->reset_interval);
}

const struct conf_section_def gw_span_section = {
	"span", true, sizeof(struct gw_span), span_keys, N_KEYS(span_keys),
	"an E1/T1 span: its backend, line settings and D-channel", span_validate};

/* Cables go both ways: [span 1] cable = 2 needs [span 2] cable = 1. */
static void spans_validate(struct conf_parse *p, const struct conf *c)
{
	const struct conf_section *a = NULL;

	while ((a = conf_next(c, &gw_span_section, a))) {
		const struct gw_span *sa = a->data;
		const struct conf_section *b = NULL;
		bool found = false;

		if (sa->backend != 0 || !sa->cable)
			continue;
		while ((b = conf_next(c, &gw_span_section, b))) {
			const struct gw_span *sb = b->data;

			if (span_num(b) != sa->cable)
				continue;
			found = true;
			if (sb->backend != 0 || sb->cable != span_num(a))
				conf_error_at(p, conf_key_line(a, "cable"),
					      "cable: span %d must be a loopback span with cable = %d",
					      (int)sa->cable, span_num(a));
			else if (sb->type != sa->type || sb->block != sa->block)
				conf_error_at(p, conf_key_line(a, "cable"),
					      "cable: span %d has another type or block size", (int)sa->cable);
			else if (span_num(a) < span_num(b) && sa->signalling != sb->signalling)
				conf_error_at(p, conf_key_line(a, "cable"),
					      "cable: span %d has signalling %s, this one %s; both ends must agree",
					      (int)sa->cable, signalling_names[sb->signalling],
					      signalling_names[sa->signalling]);
			else if (span_num(a) < span_num(b) && sa->signalling == 1 && sa->side == sb->side)
				conf_error_at(p, conf_key_line(a, "cable"),
					      "cable: spans %d and %d are both side = %s; one end of a PRI is net, the other cpe",
					      span_num(a), (int)sa->cable, side_names[sa->side]);
		}
		if (!found)
			conf_error_at(p, conf_key_line(a, "cable"), "cable: there is no [span %d]", (int)sa->cable);
	}
}

/* ---- [causes] --------------------------------------------------------------- */
static const struct conf_key causes_keys[] = {
	{"q850_to_sip", CONF_STRING, KEY(gw_causes, q850_to_sip), NULL, 0, 600, NULL, false,
	 "ISDN cause:SIP status pairs that replace RFC 3398's, e.g. 34:480, 17:486"},
	{"sip_to_q850", CONF_STRING, KEY(gw_causes, sip_to_q850), NULL, 0, 600, NULL, false,
	 "SIP status:ISDN cause pairs that replace RFC 3398's, e.g. 404:1, 503:34"},
};

static void causes_validate(struct conf_parse *p, const struct conf_section *s)
{
	const struct gw_causes *c = s->data;
	struct gw_cause_map m;
	char err[160];

	if (c->q850_to_sip && gw_cause_map_parse(&m, c->q850_to_sip, true, err, sizeof(err)) < 0)
		conf_error_at(p, conf_key_line(s, "q850_to_sip"), "q850_to_sip: %s", err);
	if (c->sip_to_q850 && gw_cause_map_parse(&m, c->sip_to_q850, false, err, sizeof(err)) < 0)
		conf_error_at(p, conf_key_line(s, "sip_to_q850"), "sip_to_q850: %s", err);
}

/* ---- the schema ----------------------------------------------------------- */

enum { SEC_GENERAL, SEC_LOG, SEC_CONTROL, SEC_SIP, SEC_CAUSES, SEC_ROUTE };

static const struct conf_section_def sections[] = {
	[SEC_GENERAL] = {"general", false, sizeof(struct gw_general), general_keys,
			 N_KEYS(general_keys), "daemon-wide settings", general_validate},
	[SEC_LOG] = {"log", false, sizeof(struct gw_log), log_keys, N_KEYS(log_keys),
		     "logging", NULL},
	[SEC_CONTROL] = {"control", false, sizeof(struct gw_control), control_keys,
			 N_KEYS(control_keys), "the control socket of sipgwctl", control_validate},
	[SEC_SIP] = {"sip", false, sizeof(struct gw_sip), sip_keys, N_KEYS(sip_keys),
		     "SIP transports, timers and limits", sip_validate},
	[SEC_CAUSES] = {"causes", false, sizeof(struct gw_causes), causes_keys, N_KEYS(causes_keys),
			"overrides of the ISDN cause <-> SIP status mappings", causes_validate},
};

/* The sections in order; [route] is defined by the dial plan (dialplan.c). */
static const struct conf_section_def *const section_defs[] = {
	&sections[SEC_GENERAL], &sections[SEC_LOG], &sections[SEC_CONTROL], &sections[SEC_SIP],
	&sections[SEC_CAUSES], &gw_span_section, &gw_trunk_section, &dp_route_section};

/* What only the whole file can say: cables join real spans; a trunk known
 * by its TLS certificate needs the certificates asked for. */
static void whole_validate(struct conf_parse *p, const struct conf *c)
{
	const struct gw_sip *sip = conf_get(c, &sections[SEC_SIP]);
	const struct conf_section *s = NULL;

	spans_validate(p, c);
	while ((s = conf_next(c, &gw_trunk_section, s))) {
		const struct gw_trunk *t = s->data;

		if (t->tls_name && (!sip || !sip->tls_client_cert))
			conf_error_at(p, conf_key_line(s, "tls_name"),
				      "tls_name: needs [sip] tls_client_certificate = yes (else no certificate is asked for)");
	}
}

const struct conf_schema gw_config_schema = {section_defs, N_KEYS(section_defs), whole_validate};

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
	cfg->sip = conf_get(cfg->conf, &sections[SEC_SIP]);
	cfg->causes = conf_get(cfg->conf, &sections[SEC_CAUSES]);
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
