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
				  "16,200,caller,0.25,3.5,4.31,national\n"));
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
	assert_int_equal(sqlite3_column_int(st, 0), 3);
	assert_string_equal((const char *)sqlite3_column_text(st, 1),
			    "\"Alice, Sales\" <sip:201@pbx.example>");
	assert_int_equal(sqlite3_column_int(st, 2), 61);
	assert_string_equal((const char *)sqlite3_column_text(st, 3), "+49301234567");
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
		T(unwritable_place_is_an_error),
		T(sqlite_records_read_back),
	};
	return cmocka_run_group_tests_name("gw/cdr", tests, NULL, NULL);
}
