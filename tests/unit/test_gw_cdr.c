/* CDRs: what is written reads back field for field (quoting included), and
 * a partial last record left by a crash is cut off on reopen while every
 * complete record before it stays. */
#include "config.h"

#include "gw/cdr.h"
#include "testutil.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char path[64];

static int setup(void **state)
{
	int fd;

	sgw_test_setup(state);
	snprintf(path, sizeof(path), "/tmp/sgw-cdr-XXXXXX");
	fd = mkstemp(path);
	close(fd);
	unlink(path);
	return 0;
}

static int teardown(void **state)
{
	unlink(path);
	return sgw_test_teardown(state);
}

static char *slurp(void)
{
	static char text[8192];
	FILE *f = fopen(path, "r");
	size_t n = fread(text, 1, sizeof(text) - 1, f);

	text[n] = '\0';
	fclose(f);
	return text;
}

static int lines(const char *t)
{
	int n = 0;

	for (; *t; t++)
		n += *t == '\n';
	return n;
}

static const struct gw_cdr sample = {
	.call_id = "a84b4c76e66710@pc33.example.com",
	.start_ms = 1795000000000ull,
	.answer_ms = 1795000003500ull,
	.end_ms = 1795000065250ull,
	.direction = "sip-to-isdn",
	.calling = "201",
	.called = "0301234567",
	.calling_out = "+493012345201",
	.called_out = "+49301234567",
	.identity = "\"Alice, Sales\" <sip:201@pbx.example>",
	.span = 1,
	.channel = 5,
	.trunk = "pbx",
	.codec = "PCMA",
	.q850_cause = 16,
	.sip_status = 200,
	.released_by = "caller",
	.loss_pct = 0.25,
	.jitter_ms = 3.5,
	.mos = 4.31,
	.route = "national",
	.from_line_dbm0 = -18.25,
	.to_line_dbm0 = -21.5,
	.from_line_clipped = 12,
	.to_line_clipped = 0,
	.erl_db = 11.5,
	.erle_db = 38.0,
};

static void records_read_back(void **state)
{
	struct gw_cdr_writer *w;
	char err[200], *t;

	assert_int_equal(gw_cdr_open(path, &w, err, sizeof(err)), 0);
	assert_int_equal(gw_cdr_write(w, &sample), 0);
	assert_int_equal(gw_cdr_write(w, &sample), 0);
	assert_int_equal(gw_cdr_count(w), 2);
	gw_cdr_close(w);
	t = slurp();
	assert_int_equal(lines(t), 3);
	assert_true(!strncmp(t, "call_id,start,answer,end,duration_s,billsec_s,", 46));
	assert_non_null(strstr(t, "\na84b4c76e66710@pc33.example.com,2026-11-18T"));
	assert_non_null(strstr(t, ",65,61,sip-to-isdn,201,0301234567,+493012345201,"));
	/* the identity holds a comma and quotes: quoted, quotes doubled */
	assert_non_null(strstr(t, ",\"\"\"Alice, Sales\"\" <sip:201@pbx.example>\",1,5,pbx,PCMA,"
				  "16,200,caller,0.25,3.5,4.31,national,-18.2,-21.5,12,0,11.5,38.0\n"));
	/* reopening appends, no second header */
	assert_int_equal(gw_cdr_open(path, &w, err, sizeof(err)), 0);
	assert_int_equal(gw_cdr_write(w, &sample), 0);
	gw_cdr_close(w);
	assert_int_equal(lines(slurp()), 4);
}

static void torn_record_is_cut_on_reopen(void **state)
{
	struct gw_cdr_writer *w;
	char err[200], *t;
	int fd;

	assert_int_equal(gw_cdr_open(path, &w, err, sizeof(err)), 0);
	assert_int_equal(gw_cdr_write(w, &sample), 0);
	gw_cdr_close(w);
	/* a crash in the middle of the next record */
	fd = open(path, O_WRONLY | O_APPEND);
	assert_int_equal(write(fd, "deadbeef@host,2026-11-1", 23), 23);
	close(fd);
	assert_int_equal(gw_cdr_open(path, &w, err, sizeof(err)), 0);
	assert_int_equal(gw_cdr_write(w, &sample), 0);
	gw_cdr_close(w);
	t = slurp();
	assert_int_equal(lines(t), 3);
	assert_null(strstr(t, "deadbeef"));
	assert_int_equal(t[strlen(t) - 1], '\n');
}

/* A file an older version wrote (fewer columns) is kept under another
 * name with its records; the new records start a file of their own. */
static void older_layout_is_kept_aside(void **state)
{
	static const char old[] = "call_id,start,answer,end,duration_s,billsec_s,direction,calling,called,"
				  "calling_out,called_out,identity,span,channel,trunk,codec,q850_cause,"
				  "sip_status,released_by,loss_pct,jitter_ms,mos,route\n"
				  "old@host,,,,0,0,sip-to-isdn,1,2,1,2,1,1,1,t,PCMA,16,200,caller,0,0,0,r\n";
	struct gw_cdr_writer *w;
	char err[200], cmd[200], *t;
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0640);
	FILE *ls;
	char kept[128] = "";

	assert_true(fd >= 0);
	assert_int_equal(write(fd, old, sizeof(old) - 1), (ssize_t)sizeof(old) - 1);
	close(fd);
	assert_int_equal(gw_cdr_open(path, &w, err, sizeof(err)), 0);
	assert_int_equal(gw_cdr_write(w, &sample), 0);
	gw_cdr_close(w);
	t = slurp();
	assert_int_equal(lines(t), 2);
	assert_non_null(strstr(t, ",erl_db,erle_db\n"));
	assert_null(strstr(t, "old@host"));
	/* the old records, under path.<time> */
	snprintf(cmd, sizeof(cmd), "ls %s.2*", path);
	ls = popen(cmd, "r");
	assert_non_null(ls);
	assert_non_null(fgets(kept, sizeof(kept), ls));
	pclose(ls);
	kept[strcspn(kept, "\n")] = 0;
	fd = open(kept, O_RDONLY);
	assert_true(fd >= 0);
	{
		char back[sizeof(old)];

		assert_int_equal(read(fd, back, sizeof(back)), (ssize_t)sizeof(old) - 1);
		assert_memory_equal(back, old, sizeof(old) - 1);
	}
	close(fd);
	unlink(kept);
}

static void unwritable_place_is_an_error(void **state)
{
	struct gw_cdr_writer *w;
	char err[200];

	assert_true(gw_cdr_open("/nonexistent/dir/cdr.csv", &w, err, sizeof(err)) < 0);
	assert_non_null(strstr(err, "cannot open CDR file /nonexistent/dir/cdr.csv"));
}

static void sqlite_records_read_back(void **state)
{
	struct gw_cdr_writer *w;
	char err[200], db_path[80], wal[96], shm[96];
	sqlite3 *db;
	sqlite3_stmt *st;

	snprintf(db_path, sizeof(db_path), "%s.db", path);
	/* a table an older version made, without the line's columns, with a record */
	assert_int_equal(sqlite3_open(db_path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db,
				      "CREATE TABLE cdr (id INTEGER PRIMARY KEY, call_id TEXT NOT NULL,"
				      " start_ms INTEGER, answer_ms INTEGER, end_ms INTEGER, duration_s INTEGER,"
				      " billsec_s INTEGER, direction TEXT, calling TEXT, called TEXT,"
				      " calling_out TEXT, called_out TEXT, identity TEXT, span INTEGER,"
				      " channel INTEGER, trunk TEXT, codec TEXT, q850_cause INTEGER,"
				      " sip_status INTEGER, released_by TEXT, loss_pct REAL, jitter_ms REAL,"
				      " mos REAL, route TEXT);"
				      "INSERT INTO cdr (call_id, identity, billsec_s, called_out)"
				      " VALUES ('old@host', '\"Alice, Sales\" <sip:201@pbx.example>', 61, '+49301234567')",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(gw_cdr_open_format(db_path, GW_CDR_SQLITE, &w, err, sizeof(err)), 0);
	assert_int_equal(gw_cdr_write(w, &sample), 0);
	assert_int_equal(gw_cdr_write(w, &sample), 0);
	gw_cdr_close(w);
	/* reopened: appended to the same table */
	assert_int_equal(gw_cdr_open_format(db_path, GW_CDR_SQLITE, &w, err, sizeof(err)), 0);
	assert_int_equal(gw_cdr_write(w, &sample), 0);
	gw_cdr_close(w);

	assert_int_equal(sqlite3_open(db_path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*), min(identity), min(billsec_s), "
						"min(called_out) FROM cdr",
					    -1, &st, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), 4); /* the old record and three new */
	assert_string_equal((const char *)sqlite3_column_text(st, 1),
			    "\"Alice, Sales\" <sip:201@pbx.example>");
	assert_int_equal(sqlite3_column_int(st, 2), 61);
	assert_string_equal((const char *)sqlite3_column_text(st, 3), "+49301234567");
	sqlite3_finalize(st);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*), min(from_line_dbm0), max(erle_db),"
						" max(from_line_clipped) FROM cdr WHERE erl_db IS NOT NULL",
					    -1, &st, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), 3);
	assert_true(sqlite3_column_double(st, 1) == -18.25);
	assert_true(sqlite3_column_double(st, 2) == 38.0);
	assert_int_equal(sqlite3_column_int(st, 3), 12);
	sqlite3_finalize(st);
	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0), "wal");
	sqlite3_finalize(st);
	sqlite3_close(db);
	snprintf(wal, sizeof(wal), "%s-wal", db_path);
	snprintf(shm, sizeof(shm), "%s-shm", db_path);
	unlink(db_path);
	unlink(wal);
	unlink(shm);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(records_read_back),
		T(torn_record_is_cut_on_reopen),
		T(older_layout_is_kept_aside),
		T(unwritable_place_is_an_error),
		T(sqlite_records_read_back),
	};
	return cmocka_run_group_tests_name("gw/cdr", tests, NULL, NULL);
}
