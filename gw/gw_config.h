/* config.h: the schema of sipgw.conf and its typed sections.
 * The file format and every key are described in doc/sipgw.conf.5. */
#ifndef SGW_GW_CONFIG_H
#define SGW_GW_CONFIG_H

#include <stdint.h>

#include "gw/dialplan.h"
#include "lib/conf.h"
#include "lib/log.h"

struct gw_general {
	char *user;	 /* drop root to this user after start; NULL: stay */
	char *group;	 /* and this group (default: the user's) */
	char *state_dir; /* where the daemon keeps state */
	char *cdr;	 /* call records: a .csv file or an SQLite database (.db); NULL: none */
	char *zone;	 /* country of the call progress tones ("de", "us", ...) */
	/* the numbering context: country code (unset: none), trunk and
	 * international prefixes, area code */
	char *country_code, *trunk_prefix, *intl_prefix, *area_code;
	int64_t bridge_calls; /* SIP to SIP calls at once */
	int64_t no_answer_timeout; /* ms; 0: calls may ring for ever */
	int64_t digit_timeout;	   /* ms: overlap receiving, the wait for the next digit */
};

struct gw_log {
	int target;			/* enum log_target */
	int level;			/* enum log_level, default for every category */
	int facility;			/* index into gw_syslog_facilities */
	int category[LOGC_COUNT];	/* enum log_level, or -1: use level */
};

struct gw_control {
	char *socket;		/* path of the Unix control socket */
	int64_t mode;		/* its file mode */
	char *group;		/* its group owner; NULL: the daemon's group */
	int64_t max_clients;	/* concurrent control connections */
	int64_t idle_timeout;	/* ms: a silent control connection is closed */
};

/* [sip]: the SIP side.  No listen: no SIP at all. */
struct gw_sip {
	char *listen;	       /* "udp:0.0.0.0:5060, tcp:0.0.0.0:5060, tls:..." */
	char *user_agent;
	char *tls_certificate, *tls_key, *tls_ca;
	bool tls_verify;       /* check servers' certificates and names */
	bool tls_client_cert;  /* require clients' certificates (mutual TLS) */
	int64_t t1, t2, t4;    /* ms */
	int64_t max_transactions, max_dialogs, max_connections;
	int64_t invite_rate, invite_burst; /* per source; 0: no limit */
	int64_t session_expires, min_se;   /* ms; session_expires 0: no session timer */
	char *allow;	       /* networks served besides the trunks: "127.0.0.1, 10.0.0.0/8" */
	char *media_address;   /* our RTP address */
	int64_t rtp_port_min, rtp_port_max;
	int64_t rtp_timeout;   /* ms; 0: calls never end for want of RTP */
	char *codecs;	       /* "PCMA, PCMU, G729": offered and taken, in order */
	bool g729_annexb;      /* offer and take G.729 annex B (silence suppressed, comfort noise) */
	bool t38;	       /* fax relayed as T.38 (else G.711 pass-through) */
	char *music_on_hold;   /* a WAVE file the line hears while SIP holds; NULL: the peer's */
};

/* [trunk NAME]: a SIP provider or PBX. */
struct gw_trunk {
	char *uri;	  /* sip:host[:port][;transport=] or sips: */
	bool reg;	  /* register = yes */
	char *registrar;  /* default: uri */
	char *aor;	  /* default sip:user@host of uri */
	char *user, *password;
	int64_t expires;  /* ms */
	int64_t options_interval; /* ms; 0: no OPTIONS pings */
	int srtp;	  /* enum sdp_srtp_policy */
	char *srtp_suites; /* comma-separated SDES suites, in order of preference */
	bool trusted;	  /* P-Asserted-Identity is believed from it and sent to it (RFC 3325) */
	int64_t max_calls; /* concurrent calls to and from it; 0: no limit */
	int64_t max_cps;   /* new calls per second to and from it; 0: no limit */
	int dtmf;	   /* 0 rfc4733 (when agreed), 1 inband, 2 SIP INFO */
	bool overlap;	   /* RFC 3578 overlap toward the trunk */
	int redirect_hdr;  /* 0 Diversion, 1 History-Info, 2 both */
	char *tls_name;	   /* the trunk's TLS client certificate must carry this name */
	char *codecs;	   /* the trunk's own codec list, else [sip] codecs */
	int g729_annexb;   /* 0 as [sip] g729_annexb, 1 no, 2 yes */
	int t38;	   /* 0 as [sip] t38, 1 no, 2 yes */
};

/* [span N]: an E1/T1 span. */
struct gw_span {
	int backend;	      /* 0 loopback, 1 dahdi */
	int type;	      /* enum tdm_type */
	int framing, coding;  /* enum tdm_framing / tdm_coding; -1: the type's default */
	int64_t timing;	      /* timing-source priority, 0: never the clock source */
	int64_t dchan;	      /* D-channel timeslot; -1: the type's (16 / 24); 0: none */
	int law;	      /* enum tdm_law; -1: the type's */
	int64_t block;	      /* ms */
	int64_t cable;	      /* loopback: the span at the other end of the cable */
	char *cable_socket;   /* loopback to another gateway: a SOCK_SEQPACKET path */
	bool cable_listen;    /* this gateway listens on it (else it connects) */
	int64_t dahdi_span, dahdi_channel; /* dahdi: DAHDI span number, its first channel */
	/* ISDN PRI on the D-channel */
	int signalling;	       /* 0 none, 1 pri */
	int side;	       /* 0 cpe, 1 net */
	int switchtype;	       /* enum isdn_switch */
	bool overlap;	       /* overlap dialling */
	int dialplan, localdialplan; /* index into the type-of-number names */
	bool inband_progress;
	int64_t inband_disconnect; /* ms; 0: off */
	int channel_selection; /* 0 exclusive, 1 preferred */
	bool facility, service_messages;
	int64_t reset_interval; /* ms; 0: never */
	char *group;	       /* span group the dial plan routes to; default "span<N>" */
	int hunt;	       /* enum isdn_hunt of that group */
	int echo_cancel;       /* 0 auto (on for DAHDI, off on loopback cables), 1 yes, 2 no */
	int64_t echo_tail;     /* ms, 32-128 */
	int64_t gain_from_line, gain_to_line; /* dB, -24..24, on calls to and from SIP */
};

/* Q.931 type of number of a dialplan/localdialplan index. */
extern const int gw_span_ton[];

/* [causes]: overrides of the RFC 3398 mappings */
struct gw_causes {
	char *q850_to_sip; /* "17:486, 34:503" */
	char *sip_to_q850; /* "404:1, 486:17" */
};

struct gw_config {
	struct conf *conf;
	const struct gw_causes *causes;
	const struct gw_general *general;
	const struct gw_log *log;
	const struct gw_control *control;
	const struct gw_sip *sip;
	struct dialplan dialplan; /* the [route] sections, compiled */
};

extern const struct conf_schema gw_config_schema;
extern const struct conf_section_def gw_trunk_section;
extern const struct conf_section_def gw_span_section;
extern const int gw_syslog_facilities[];

/* Load and check a configuration file; errors go to errs as file:line. */
int gw_config_load(const char *path, struct gw_config **out, struct conf_errors *errs);
void gw_config_free(struct gw_config *cfg);
/* Set log target and levels from [log]; returns 0 or a negative errno
 * (the journal socket could not be opened: logging stays on stderr). */
/* "PCMA, G729, GSM": the codecs (enum dsp_codec_id) in that order, at most
 * max; -EINVAL with err naming a codec we do not have or one named twice. */
int gw_codec_list_parse(const char *list, uint8_t *ids, size_t max, size_t *n, char *err, size_t errlen);
int gw_config_apply_log(const struct gw_config *cfg);

#endif
