/* cdr.h: call detail records, one per call, written so that a crash loses
 * none that had ended.
 *
 * CSV (RFC 4180): each record is one line, written with a single write(2)
 * and made durable with fdatasync(2) before gw_cdr_write returns.  A crash
 * in the middle of a write can leave a partial last line; opening the file
 * again cuts it off (that record was never reported written) and says so. */
#ifndef SGW_GW_CDR_H
#define SGW_GW_CDR_H

#include <stddef.h>
#include <stdint.h>

struct gw_cdr {
	char call_id[80];
	uint64_t start_ms, answer_ms, end_ms; /* Unix time in ms; answer 0: never answered */
	char direction[16];		      /* "sip-to-isdn", "isdn-to-sip", ... */
	char calling[64], called[64];	      /* as received */
	char calling_out[64], called_out[64]; /* as sent on after the dial plan */
	char identity[128];		      /* P-Asserted-Identity or the CLI */
	int span, channel;		      /* 0 when no ISDN leg */
	char trunk[64];
	char codec[16];
	int q850_cause;	 /* the ISDN side's cause */
	int sip_status;	 /* the SIP side's final status (200 for an answered call) */
	char released_by[16]; /* "caller", "callee", "gateway" */
	double loss_pct, jitter_ms, mos;
	char route[64]; /* the dial plan rule */
	/* the line's side of an RTP call: mean levels after the gains (dBm0,
	 * -100: no audio), samples clipped, the echo canceller's ERL and ERLE
	 * at the end (0: none) */
	double from_line_dbm0, to_line_dbm0;
	uint64_t from_line_clipped, to_line_clipped;
	double erl_db, erle_db;
};

struct gw_cdr_writer;

enum gw_cdr_format { GW_CDR_CSV, GW_CDR_SQLITE };

/* Open the CDR store at path: CSV (created with a header line) or an SQLite
 * database (created with its table, WAL journal, synchronous FULL: a record
 * is on disk when gw_cdr_write returns). */
int gw_cdr_open_format(const char *path, enum gw_cdr_format format, struct gw_cdr_writer **out,
		       char *err, size_t errlen);
/* Open (creating with a header line) the CSV file at path. */
int gw_cdr_open(const char *path, struct gw_cdr_writer **out, char *err, size_t errlen);
/* Append one record durably; 0 or a negative errno (the record is then
 * not in the file). */
int gw_cdr_write(struct gw_cdr_writer *w, const struct gw_cdr *cdr);
void gw_cdr_close(struct gw_cdr_writer *w);
uint64_t gw_cdr_count(const struct gw_cdr_writer *w); /* written since open */

#endif
