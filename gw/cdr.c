/* cdr.c: durable CSV call records, see cdr.h. */
#include "config.h"

#include "gw/cdr.h"
#include "lib/buf.h"
#include "lib/log.h"
#include "lib/mem.h"

#include <errno.h>
#include <sqlite3.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define CDR_HEADER                                                                                 \
	"call_id,start,answer,end,duration_s,billsec_s,direction,calling,called,calling_out,"     \
	"called_out,identity,span,channel,trunk,codec,q850_cause,sip_status,released_by,"         \
	"loss_pct,jitter_ms,mos,route,from_line_dbm0,to_line_dbm0,from_line_clipped,"             \
	"to_line_clipped,erl_db,erle_db\n"

struct gw_cdr_writer {
	enum gw_cdr_format format;
	int fd;
	sqlite3 *db;
	sqlite3_stmt *insert;
	char *path;
	uint64_t count;
};

/* A field, quoted when it must be (RFC 4180 §2). */
static void field(struct buf *b, const char *s, bool last)
{
	if (strpbrk(s, ",\"\r\n")) {
		buf_put(b, "\"", 1);
		for (; *s; s++) {
			if (*s == '"')
				buf_put(b, "\"", 1);
			buf_put(b, s, 1);
		}
		buf_put(b, "\"", 1);
	} else {
		buf_puts(b, s);
	}
	buf_put(b, last ? "\n" : ",", 1);
}

static void field_time(struct buf *b, uint64_t ms)
{
	char t[40] = "";

	if (ms) {
		time_t s = (time_t)(ms / 1000);
		struct tm tm;

		gmtime_r(&s, &tm);
		strftime(t, sizeof(t), "%Y-%m-%dT%H:%M:%S", &tm);
		snprintf(t + strlen(t), sizeof(t) - strlen(t), ".%03uZ", (unsigned)(ms % 1000));
	}
	field(b, t, false);
}

/* Cut a partial last line left by a crash; the records before it stay. */
static int repair_tail(int fd, const char *path)
{
	struct stat st;
	off_t end, pos;
	char c;

	if (fstat(fd, &st) < 0)
		return -errno;
	end = st.st_size;
	if (end == 0)
		return 0;
	if (pread(fd, &c, 1, end - 1) != 1)
		return -EIO;
	if (c == '\n')
		return 0;
	/* walk back to the last newline, bounded by the file's size */
	for (pos = end - 1; pos > 0; pos--) {
		if (pread(fd, &c, 1, pos - 1) != 1)
			return -EIO;
		if (c == '\n')
			break;
	}
	LOGP(LOGC_GW, LOGL_WARNING,
	     "CDR file %s ends in a partial record (%lld bytes, from an interrupted write); "
	     "cutting it off",
	     path, (long long)(end - pos));
	if (ftruncate(fd, pos) < 0 || fdatasync(fd) < 0)
		return -errno;
	return 0;
}

/* A file whose first line is another layout's header (an older version
 * wrote it) is renamed to path.<time> so that no line mixes two layouts:
 * 1 when it was, 0 when the file is ours (or empty), or a negative errno. */
static int other_header(int fd, const char *path)
{
	char line[sizeof(CDR_HEADER)], old[4096];
	ssize_t n = pread(fd, line, sizeof(line) - 1, 0);
	time_t now = time(NULL);
	struct tm tm;

	if (n <= 0)
		return n < 0 ? -errno : 0;
	line[n] = 0;
	if (!strncmp(line, CDR_HEADER, sizeof(CDR_HEADER) - 1))
		return 0;
	gmtime_r(&now, &tm);
	snprintf(old, sizeof(old), "%s.", path);
	strftime(old + strlen(old), sizeof(old) - strlen(old), "%Y%m%dT%H%M%SZ", &tm);
	if (rename(path, old) < 0)
		return -errno;
	LOGP(LOGC_GW, LOGL_WARNING,
	     "CDR file %s has another layout's header (an older version's): kept as %s, a new file starts",
	     path, old);
	return 1;
}

int gw_cdr_open(const char *path, struct gw_cdr_writer **out, char *err, size_t errlen)
{
	struct gw_cdr_writer *w;
	struct stat st;
	int fd, rc;

	fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
	if (fd < 0) {
		rc = -errno;
		snprintf(err, errlen, "cannot open CDR file %s: %s", path, strerror(-rc));
		return rc;
	}
	rc = repair_tail(fd, path);
	if (rc == 0 && (rc = other_header(fd, path)) > 0) {
		/* records of an older layout: that file keeps them, a new one starts */
		close(fd);
		fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
		if (fd < 0) {
			rc = -errno;
			snprintf(err, errlen, "cannot open CDR file %s: %s", path, strerror(-rc));
			return rc;
		}
		rc = 0;
	}
	if (rc == 0 && fstat(fd, &st) == 0 && st.st_size == 0) {
		if (write(fd, CDR_HEADER, sizeof(CDR_HEADER) - 1) != (ssize_t)sizeof(CDR_HEADER) - 1 ||
		    fdatasync(fd) < 0)
			rc = -EIO;
	}
	if (rc < 0) {
		snprintf(err, errlen, "CDR file %s: %s", path, strerror(-rc));
		close(fd);
		return rc;
	}
	w = mem_zalloc(sizeof(*w));
	if (!w || !(w->path = mem_strdup(path))) {
		mem_free(w);
		close(fd);
		return -ENOMEM;
	}
	w->fd = fd;
	w->format = GW_CDR_CSV;
	*out = w;
	return 0;
}

static int csv_write(struct gw_cdr_writer *w, const struct gw_cdr *c);

/* ---- SQLite ---------------------------------------------------------------- */

static const char sql_schema[] =
	"PRAGMA journal_mode=WAL;"
	"PRAGMA synchronous=FULL;"
	"CREATE TABLE IF NOT EXISTS cdr ("
	" id INTEGER PRIMARY KEY, call_id TEXT NOT NULL, start_ms INTEGER, answer_ms INTEGER,"
	" end_ms INTEGER, duration_s INTEGER, billsec_s INTEGER, direction TEXT, calling TEXT,"
	" called TEXT, calling_out TEXT, called_out TEXT, identity TEXT, span INTEGER,"
	" channel INTEGER, trunk TEXT, codec TEXT, q850_cause INTEGER, sip_status INTEGER,"
	" released_by TEXT, loss_pct REAL, jitter_ms REAL, mos REAL, route TEXT,"
	" from_line_dbm0 REAL, to_line_dbm0 REAL, from_line_clipped INTEGER, to_line_clipped INTEGER,"
	" erl_db REAL, erle_db REAL);"
	"CREATE INDEX IF NOT EXISTS cdr_start ON cdr(start_ms);";

static const char sql_insert[] =
	"INSERT INTO cdr (call_id, start_ms, answer_ms, end_ms, duration_s, billsec_s, direction,"
	" calling, called, calling_out, called_out, identity, span, channel, trunk, codec,"
	" q850_cause, sip_status, released_by, loss_pct, jitter_ms, mos, route, from_line_dbm0,"
	" to_line_dbm0, from_line_clipped, to_line_clipped, erl_db, erle_db)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18,"
	" ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29)";

/* Columns later versions added: a database made by an older one gets them
 * (its records keep NULL there). */
static const char *const sql_added[] = {
	"from_line_dbm0 REAL", "to_line_dbm0 REAL", "from_line_clipped INTEGER",
	"to_line_clipped INTEGER", "erl_db REAL", "erle_db REAL"};

static int sqlite_migrate(sqlite3 *db)
{
	for (size_t i = 0; i < sizeof(sql_added) / sizeof(sql_added[0]); i++) {
		char sql[128];
		int rc;

		snprintf(sql, sizeof(sql), "ALTER TABLE cdr ADD COLUMN %s", sql_added[i]);
		rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
		if (rc != SQLITE_OK && !strstr(sqlite3_errmsg(db), "duplicate column"))
			return rc;
	}
	return SQLITE_OK;
}

static int sqlite_open(const char *path, struct gw_cdr_writer *w, char *err, size_t errlen)
{
	char *msg = NULL;

	if (sqlite3_open_v2(path, &w->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
	    SQLITE_OK) {
		snprintf(err, errlen, "cannot open CDR database %s: %s", path,
			 w->db ? sqlite3_errmsg(w->db) : "out of memory");
		return -EIO;
	}
	sqlite3_busy_timeout(w->db, 2000);
	if (sqlite3_exec(w->db, sql_schema, NULL, NULL, &msg) != SQLITE_OK || sqlite_migrate(w->db) != SQLITE_OK ||
	    sqlite3_prepare_v2(w->db, sql_insert, -1, &w->insert, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "CDR database %s: %s", path,
			 msg ? msg : sqlite3_errmsg(w->db));
		sqlite3_free(msg);
		return -EIO;
	}
	return 0;
}

static int sqlite_write(struct gw_cdr_writer *w, const struct gw_cdr *c)
{
	sqlite3_stmt *st = w->insert;
	int64_t dur = c->end_ms > c->start_ms ? (int64_t)(c->end_ms - c->start_ms) / 1000 : 0;
	int64_t bill = c->answer_ms && c->end_ms > c->answer_ms
			       ? (int64_t)(c->end_ms - c->answer_ms) / 1000
			       : 0;
	int rc;

	sqlite3_reset(st);
	sqlite3_bind_text(st, 1, c->call_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (int64_t)c->start_ms);
	if (c->answer_ms)
		sqlite3_bind_int64(st, 3, (int64_t)c->answer_ms);
	else
		sqlite3_bind_null(st, 3);
	sqlite3_bind_int64(st, 4, (int64_t)c->end_ms);
	sqlite3_bind_int64(st, 5, dur);
	sqlite3_bind_int64(st, 6, bill);
	sqlite3_bind_text(st, 7, c->direction, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, c->calling, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 9, c->called, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 10, c->calling_out, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 11, c->called_out, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 12, c->identity, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 13, c->span);
	sqlite3_bind_int(st, 14, c->channel);
	sqlite3_bind_text(st, 15, c->trunk, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 16, c->codec, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 17, c->q850_cause);
	sqlite3_bind_int(st, 18, c->sip_status);
	sqlite3_bind_text(st, 19, c->released_by, -1, SQLITE_STATIC);
	sqlite3_bind_double(st, 20, c->loss_pct);
	sqlite3_bind_double(st, 21, c->jitter_ms);
	sqlite3_bind_double(st, 22, c->mos);
	sqlite3_bind_text(st, 23, c->route, -1, SQLITE_STATIC);
	sqlite3_bind_double(st, 24, c->from_line_dbm0);
	sqlite3_bind_double(st, 25, c->to_line_dbm0);
	sqlite3_bind_int64(st, 26, (int64_t)c->from_line_clipped);
	sqlite3_bind_int64(st, 27, (int64_t)c->to_line_clipped);
	sqlite3_bind_double(st, 28, c->erl_db);
	sqlite3_bind_double(st, 29, c->erle_db);
	/* one statement is one transaction; with WAL and synchronous FULL it is
	 * durable when step returns */
	rc = sqlite3_step(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_DONE) {
		LOGP(LOGC_GW, LOGL_ERROR, "CDR %s not written to %s: %s", c->call_id, w->path,
		     sqlite3_errmsg(w->db));
		return -EIO;
	}
	w->count++;
	return 0;
}

int gw_cdr_open_format(const char *path, enum gw_cdr_format format, struct gw_cdr_writer **out,
		       char *err, size_t errlen)
{
	struct gw_cdr_writer *w;
	int rc;

	if (format == GW_CDR_CSV)
		return gw_cdr_open(path, out, err, errlen);
	w = mem_zalloc(sizeof(*w));
	if (!w || !(w->path = mem_strdup(path))) {
		mem_free(w);
		return -ENOMEM;
	}
	w->format = GW_CDR_SQLITE;
	w->fd = -1;
	rc = sqlite_open(path, w, err, errlen);
	if (rc < 0) {
		gw_cdr_close(w);
		return rc;
	}
	*out = w;
	return 0;
}

int gw_cdr_write(struct gw_cdr_writer *w, const struct gw_cdr *c)
{
	if (w->format == GW_CDR_SQLITE)
		return sqlite_write(w, c);
	return csv_write(w, c);
}

static int csv_write(struct gw_cdr_writer *w, const struct gw_cdr *c)
{
	struct buf b = BUF_INIT;
	char num[64];
	uint64_t dur = c->end_ms > c->start_ms ? (c->end_ms - c->start_ms) / 1000 : 0;
	uint64_t bill = c->answer_ms && c->end_ms > c->answer_ms ? (c->end_ms - c->answer_ms) / 1000
								 : 0;
	ssize_t n;
	int rc = 0;

	field(&b, c->call_id, false);
	field_time(&b, c->start_ms);
	field_time(&b, c->answer_ms);
	field_time(&b, c->end_ms);
	snprintf(num, sizeof(num), "%" PRIu64, dur);
	field(&b, num, false);
	snprintf(num, sizeof(num), "%" PRIu64, bill);
	field(&b, num, false);
	field(&b, c->direction, false);
	field(&b, c->calling, false);
	field(&b, c->called, false);
	field(&b, c->calling_out, false);
	field(&b, c->called_out, false);
	field(&b, c->identity, false);
	snprintf(num, sizeof(num), "%d", c->span);
	field(&b, num, false);
	snprintf(num, sizeof(num), "%d", c->channel);
	field(&b, num, false);
	field(&b, c->trunk, false);
	field(&b, c->codec, false);
	snprintf(num, sizeof(num), "%d", c->q850_cause);
	field(&b, num, false);
	snprintf(num, sizeof(num), "%d", c->sip_status);
	field(&b, num, false);
	field(&b, c->released_by, false);
	snprintf(num, sizeof(num), "%.2f", c->loss_pct);
	field(&b, num, false);
	snprintf(num, sizeof(num), "%.1f", c->jitter_ms);
	field(&b, num, false);
	snprintf(num, sizeof(num), "%.2f", c->mos);
	field(&b, num, false);
	field(&b, c->route, false);
	snprintf(num, sizeof(num), "%.1f", c->from_line_dbm0);
	field(&b, num, false);
	snprintf(num, sizeof(num), "%.1f", c->to_line_dbm0);
	field(&b, num, false);
	snprintf(num, sizeof(num), "%" PRIu64, c->from_line_clipped);
	field(&b, num, false);
	snprintf(num, sizeof(num), "%" PRIu64, c->to_line_clipped);
	field(&b, num, false);
	snprintf(num, sizeof(num), "%.1f", c->erl_db);
	field(&b, num, false);
	snprintf(num, sizeof(num), "%.1f", c->erle_db);
	field(&b, num, true);
	if (b.oom) {
		buf_release(&b);
		return -ENOMEM;
	}
	/* one write: with O_APPEND the line lands whole after the last one */
	n = write(w->fd, b.p, b.len);
	if (n != (ssize_t)b.len) {
		rc = n < 0 ? -errno : -EIO;
		LOGP(LOGC_GW, LOGL_ERROR, "CDR %s not written to %s: %s", c->call_id, w->path,
		     strerror(-rc));
		if (n > 0) /* take the piece back so the file stays whole */
			repair_tail(w->fd, w->path);
	} else if (fdatasync(w->fd) < 0) {
		rc = -errno;
		LOGP(LOGC_GW, LOGL_ERROR, "CDR %s: fdatasync of %s failed: %s", c->call_id, w->path,
		     strerror(-rc));
	} else {
		w->count++;
	}
	buf_release(&b);
	return rc;
}

void gw_cdr_close(struct gw_cdr_writer *w)
{
	if (!w)
		return;
	if (w->insert)
		sqlite3_finalize(w->insert);
	if (w->db)
		sqlite3_close(w->db);
	if (w->fd >= 0)
		close(w->fd);
	mem_free(w->path);
	mem_free(w);
}

uint64_t gw_cdr_count(const struct gw_cdr_writer *w)
{
	return w->count;
}
