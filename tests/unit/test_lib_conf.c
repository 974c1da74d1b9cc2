/* Configuration engine: typed values, defaults, and every error reported as
 * file:line with what is wrong; nothing guessed around bad input. */
#include "config.h"

#include "lib/conf.h"
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct t_main {
	char *name;
	int64_t count;
	bool enabled;
	int color;
	int64_t timeout;
	int64_t mode;
};

struct t_peer {
	char *host;
	int64_t port;
};

static const char *const colors[] = {"red", "green", "blue", NULL};

static const struct conf_key main_keys[] = {
	{"name", CONF_STRING, offsetof(struct t_main, name), "gw", 0, 16, NULL, false, ""},
	{"count", CONF_INT, offsetof(struct t_main, count), "3", 1, 10, NULL, false, ""},
	{"enabled", CONF_BOOL, offsetof(struct t_main, enabled), "no", 0, 0, NULL, false, ""},
	{"color", CONF_ENUM, offsetof(struct t_main, color), NULL, 0, 0, colors, false, ""},
	{"timeout", CONF_DURATION, offsetof(struct t_main, timeout), "500ms", 10, 600000, NULL,
	 false, ""},
	{"mode", CONF_OCTAL, offsetof(struct t_main, mode), "0660", 0, 0777, NULL, false, ""},
};

static const struct conf_key peer_keys[] = {
	{"host", CONF_STRING, offsetof(struct t_peer, host), NULL, 0, 0, NULL, true, ""},
	{"port", CONF_INT, offsetof(struct t_peer, port), "5060", 1, 65535, NULL, false, ""},
};

static void peer_validate(struct conf_parse *p, const struct conf_section *s)
{
	const struct t_peer *peer = s->data;

	if (peer->port == 5061 && peer->host && !strcmp(peer->host, "plain"))
		conf_error_at(p, conf_key_line(s, "port"), "port: 5061 is for TLS");
}

static const struct conf_section_def defs[] = {
	{"main", false, sizeof(struct t_main), main_keys, 6, "", NULL},
	{"peer", true, sizeof(struct t_peer), peer_keys, 2, "", peer_validate},
};
static const struct conf_section_def *const def_ptrs[] = {&defs[0], &defs[1]};
static const struct conf_schema schema = {def_ptrs, 2, NULL};

/* Load text expecting failure; the errors joined by '|' */
static char *load_errors(const char *text)
{
	struct conf *c = NULL;
	struct conf_errors errs = {0};
	static char joined[4096];

	joined[0] = '\0';
	assert_int_not_equal(conf_load_string(&schema, "t.conf", text, &c, &errs), 0);
	assert_null(c);
	for (size_t i = 0; i < errs.count; i++) {
		strcat(joined, errs.msg[i]);
		strcat(joined, "|");
	}
	conf_errors_release(&errs);
	return joined;
}

static void values_are_typed(void **state)
{
	struct conf *c;
	struct conf_errors errs = {0};
	const struct t_main *m;
	const struct conf_section *s;
	const char *text = "; comment\n"
			   "[main]\n"
			   "name = edge-1\n"
			   "count=7\n"
			   "enabled = yes ; inline comment\n"
			   "color = blue\n"
			   "timeout = 2m\n"
			   "mode = 0640\n"
			   "\n"
			   "[peer a]\n"
			   "host = 192.0.2.1\n"
			   "[peer b]\n"
			   "host = b.example\n"
			   "port = 5080\n";

	assert_int_equal(conf_load_string(&schema, "t.conf", text, &c, &errs), 0);
	assert_int_equal(errs.count, 0);
	m = conf_get(c, &defs[0]);
	assert_string_equal(m->name, "edge-1");
	assert_int_equal(m->count, 7);
	assert_true(m->enabled);
	assert_int_equal(m->color, 2);
	assert_int_equal(m->timeout, 120000);
	assert_int_equal(m->mode, 0640);
	assert_int_equal(conf_count(c, &defs[1]), 2);
	s = conf_next(c, &defs[1], NULL);
	assert_string_equal(s->label, "a");
	assert_int_equal(((const struct t_peer *)s->data)->port, 5060);
	assert_int_equal(conf_key_line(s, "host"), 11);
	s = conf_next(c, &defs[1], s);
	assert_string_equal(s->label, "b");
	assert_int_equal(((const struct t_peer *)s->data)->port, 5080);
	assert_null(conf_next(c, &defs[1], s));
	conf_free(c);
}

static void defaults_apply_when_absent(void **state)
{
	struct conf *c;
	struct conf_errors errs = {0};
	const struct t_main *m;

	assert_int_equal(conf_load_string(&schema, "t.conf", "", &c, &errs), 0);
	m = conf_get(c, &defs[0]);
	assert_string_equal(m->name, "gw");
	assert_int_equal(m->count, 3);
	assert_false(m->enabled);
	assert_int_equal(m->color, -1);
	assert_int_equal(m->timeout, 500);
	assert_int_equal(conf_count(c, &defs[1]), 0);
	conf_free(c);
}

static void unknown_key_and_section_are_errors(void **state)
{
	char *e = load_errors("[main]\ncount = 2\ncuont = 3\n[mian]\nx = 1\n");

	assert_non_null(strstr(e, "t.conf:3: unknown key 'cuont' in section [main]|"));
	assert_non_null(strstr(e, "t.conf:4: unknown section [mian] (known sections: main, peer)|"));
	/* keys under an unknown section are not reported one by one */
	assert_null(strstr(e, "t.conf:5"));
}

static void empty_unknown_section_is_an_error(void **state)
{
	char *e = load_errors("[main]\n\n[typo]\n");

	assert_string_equal(e, "t.conf:3: unknown section [typo] (known sections: main, peer)|");
}

static void bad_values_name_key_and_line(void **state)
{
	char *e = load_errors("[main]\n"
			      "count = 11\n"
			      "enabled = perhaps\n"
			      "color = purple\n"
			      "timeout = 5\n"
			      "mode = 660\n"
			      "name = this-name-is-far-too-long\n");

	assert_non_null(strstr(e, "t.conf:2: count: 11 is out of range 1..10|"));
	assert_non_null(strstr(e, "t.conf:3: enabled: 'perhaps' is not a boolean (use yes or no)|"));
	assert_non_null(strstr(e, "t.conf:4: color: 'purple' is not one of: red, green, blue|"));
	assert_non_null(strstr(e, "t.conf:5: timeout: '5' needs a unit: ms, s, m or h (e.g. 5s)|"));
	assert_non_null(strstr(e, "t.conf:6: mode: '660' is not an octal mode like 0660|"));
	assert_non_null(strstr(e, "t.conf:7: name: value longer than 16 characters|"));
}

static void numbers_with_junk_or_overflow_are_refused(void **state)
{
	char *e = load_errors("[main]\ncount = 3x\n[peer p]\nhost = h\nport = 99999999999999999999\n");

	assert_non_null(strstr(e, "t.conf:2: count: '3x' is not a whole number|"));
	assert_non_null(strstr(e, "t.conf:5: port: '99999999999999999999' is not a whole number|"));
}

static void structure_errors(void **state)
{
	char *e = load_errors("count = 1\n"	      /* 1: outside a section */
			      "[main\n"		      /* 2 */
			      "[main]\n"	      /* 3 */
			      "just words\n"	      /* 4 */
			      "= value\n"	      /* 5 */
			      "count = 2\n"	      /* 6 */
			      "count = 3\n"	      /* 7 */
			      "[main]\n"	      /* 8 */
			      "[peer]\n"	      /* 9 */
			      "[peer x y]\n"	      /* 10 */
			      "[peer ok]\n"	      /* 11 */
			      "host = a\n"	      /* 12 */
			      "[peer ok]\n"	      /* 13 */
			      "[main extra]\n");      /* 14 */

	assert_non_null(strstr(e, "t.conf:1: 'count' set outside of any section|"));
	assert_non_null(strstr(e, "t.conf:2: section header without closing ']'|"));
	assert_non_null(strstr(e, "t.conf:4: expected 'key = value' or '[section]'|"));
	assert_non_null(strstr(e, "t.conf:5: key name missing before '='|"));
	assert_non_null(strstr(e, "t.conf:7: count: set twice in this section (first at line 6)|"));
	assert_non_null(strstr(e, "t.conf:8: duplicate section [main] (first at line 3)|"));
	assert_non_null(strstr(e, "t.conf:9: section [peer] needs a name: [peer NAME]|"));
	assert_non_null(strstr(e, "t.conf:10: section [peer x y]: a name may hold only"));
	assert_non_null(strstr(e, "t.conf:13: duplicate section [peer ok] (first at line 11)|"));
	assert_non_null(strstr(e, "t.conf:14: section [main] takes no name (found 'extra')|"));
}

static void required_and_cross_key_checks(void **state)
{
	char *e = load_errors("[peer a]\nport = 5070\n[peer b]\nhost = plain\nport = 5061\n");

	assert_non_null(strstr(e, "t.conf:1: [peer a]: required key 'host' missing|"));
	/* validators of other sections still run and report */
	assert_non_null(strstr(e, "t.conf:5: port: 5061 is for TLS|"));
}

static void overlong_line_is_refused_not_truncated(void **state)
{
	char text[3000];

	snprintf(text, sizeof(text), "[main]\nname = %02000d\ncount = 99\n", 0);
	char *e = load_errors(text);

	assert_non_null(strstr(e, "t.conf:2: line longer than"));
	/* the reader stays in step: the next line is still line 3 */
	assert_non_null(strstr(e, "t.conf:3: count: 99 is out of range 1..10|"));
}

static void missing_file_is_reported(void **state)
{
	struct conf *c = NULL;
	struct conf_errors errs = {0};

	assert_int_not_equal(conf_load(&schema, "/nonexistent/x.conf", &c, &errs), 0);
	assert_int_equal(errs.count, 1);
	assert_string_equal(errs.msg[0], "/nonexistent/x.conf: cannot open: No such file or directory");
	conf_errors_release(&errs);
}

static void printed_config_loads_back_the_same(void **state)
{
	struct conf *c, *c2;
	struct conf_errors errs = {0};
	char *a = NULL, *b = NULL;
	size_t alen, blen;
	FILE *f;

	assert_int_equal(conf_load_string(&schema, "t.conf",
					  "[main]\ncolor=green\ntimeout=90s\n[peer x]\nhost=h\n", &c,
					  &errs),
			 0);
	f = open_memstream(&a, &alen);
	conf_print(c, f);
	fclose(f);
	assert_non_null(strstr(a, "timeout = 90s\n"));
	assert_non_null(strstr(a, "[peer x]\nhost = h\nport = 5060\n"));
	assert_int_equal(conf_load_string(&schema, "t.conf", a, &c2, &errs), 0);
	f = open_memstream(&b, &blen);
	conf_print(c2, f);
	fclose(f);
	assert_string_equal(a, b);
	free(a);
	free(b);
	conf_free(c);
	conf_free(c2);
}

static void out_of_memory_anywhere_is_clean(void **state)
{
	const char *text = "[main]\nname=x\n[peer a]\nhost=h\n[peer b]\nhost=i\n";

	/* fail the 1st, 2nd, ... allocation: always an error or success, never a leak */
	for (long n = 0; n < 200; n++) {
		struct conf *c = NULL;
		struct conf_errors errs = {0};
		int rc;

		mem_fail_after(n);
		rc = conf_load_string(&schema, "t.conf", text, &c, &errs);
		mem_fail_after(-1);
		if (rc == 0) {
			conf_free(c);
			conf_errors_release(&errs);
			return;
		}
		conf_errors_release(&errs);
	}
	fail_msg("never succeeded");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		SGW_TEST(values_are_typed),
		SGW_TEST(defaults_apply_when_absent),
		SGW_TEST(unknown_key_and_section_are_errors),
		SGW_TEST(empty_unknown_section_is_an_error),
		SGW_TEST(bad_values_name_key_and_line),
		SGW_TEST(numbers_with_junk_or_overflow_are_refused),
		SGW_TEST(structure_errors),
		SGW_TEST(required_and_cross_key_checks),
		SGW_TEST(overlong_line_is_refused_not_truncated),
		SGW_TEST(missing_file_is_reported),
		SGW_TEST(printed_config_loads_back_the_same),
		SGW_TEST(out_of_memory_anywhere_is_clean),
	};
	return cmocka_run_group_tests_name("lib/conf", tests, NULL, NULL);
}
