/* Control protocol and server: tokenising, quoting, text and JSON replies,
 * dot-stuffing, unknown commands, and a real client over a Unix socket. */
#include "config.h"

#include "gw/ctl.h"
#include "lib/loop.h"
#include "testutil.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

static void tokenize_words_and_quotes(void **state)
{
	char line[] = "show  call \"a b\" \"q\\\"x\" \"\" end";
	char *argv[8];

	assert_int_equal(ctl_tokenize(line, argv, 8), 6);
	assert_string_equal(argv[0], "show");
	assert_string_equal(argv[1], "call");
	assert_string_equal(argv[2], "a b");
	assert_string_equal(argv[3], "q\"x");
	assert_string_equal(argv[4], "");
	assert_string_equal(argv[5], "end");
}

static void tokenize_refuses_bad_input(void **state)
{
	char a[] = "x \"open";
	char b[] = "x \"bad\\n\"";
	char c[] = "a b c d";
	char d[] = "mid\"quote";
	char *argv[3];

	assert_int_equal(ctl_tokenize(a, argv, 3), -EINVAL);
	assert_int_equal(ctl_tokenize(b, argv, 3), -EINVAL);
	assert_int_equal(ctl_tokenize(c, argv, 3), -E2BIG);
	assert_int_equal(ctl_tokenize(d, argv, 3), -EINVAL);
}

static void quote_round_trips(void **state)
{
	const char *words[] = {"plain", "with space", "q\"uote", "back\\slash", ""};
	char line[256] = "", *argv[8];
	size_t len = 0;

	for (int i = 0; i < 5; i++) {
		int n = ctl_quote(words[i], line + len + (len ? 1 : 0), sizeof(line) - len - 1);

		assert_true(n > 0);
		if (len)
			line[len] = ' ';
		len += (size_t)n + (len ? 1 : 0);
	}
	assert_int_equal(ctl_tokenize(line, argv, 8), 5);
	for (int i = 0; i < 5; i++)
		assert_string_equal(argv[i], words[i]);
}

static void build_reply(struct ctl_out *o)
{
	ctl_str(o, "version", "1.0");
	ctl_int(o, "calls", 3);
	ctl_obj_begin(o, "counts");
	ctl_bool(o, "up", true);
	ctl_arr_begin(o, "spans");
	ctl_int(o, NULL, 1);
	ctl_int(o, NULL, 2);
	ctl_arr_end(o);
	ctl_obj_end(o);
	ctl_str(o, "ua", "bad\"ua\x01\xff");
}

static void reply_as_json(void **state)
{
	struct ctl_out o;

	ctl_out_init(&o, true);
	build_reply(&o);
	ctl_out_finish(&o);
	assert_string_equal(o.body.p, "{\"version\":\"1.0\",\"calls\":3,\"counts\":{\"up\":true,"
				      "\"spans\":[1,2]},\"ua\":\"bad\\\"ua\\u0001\\ufffd\"}\n");
	ctl_out_release(&o);
}

static void reply_as_text(void **state)
{
	struct ctl_out o;

	ctl_out_init(&o, false);
	build_reply(&o);
	ctl_out_finish(&o);
	assert_string_equal(o.body.p, "version: 1.0\ncalls: 3\ncounts:\n  up: yes\n  spans:\n"
				      "    - 1\n    - 2\nua: bad\"ua\x01\xff\n");
	ctl_out_release(&o);
}

static void error_reply_in_json_carries_code(void **state)
{
	struct ctl_out o;

	ctl_out_init(&o, true);
	ctl_str(&o, "x", "y");
	ctl_out_error(&o, "reload-refused", "2 errors\nin file");
	ctl_out_finish(&o);
	assert_string_equal(o.body.p, "{\"x\":\"y\",\"error\":{\"code\":\"reload-refused\","
				      "\"message\":\"2 errors in file\"}}\n");
	ctl_out_release(&o);
}

/* ---- a server on a real socket ---- */

static void cmd_echo(const struct ctl_request *req, struct ctl_out *out, void *arg)
{
	int *calls = arg;

	(*calls)++;
	ctl_arr_begin(out, "args");
	for (int i = 0; i < req->argc; i++)
		ctl_str(out, NULL, req->argv[i]);
	ctl_arr_end(out);
	ctl_text(out, ".hidden line starts with a dot");
}

static const struct ctl_command cmds[] = {
	{"echo", "[WORD...]", "echo words", 0, 4, cmd_echo},
	{"show thing", "NAME", "show one thing", 1, 1, cmd_echo},
};

struct server_fixture {
	char dir[64], path[128];
	struct loop *loop;
	struct ctl_server *srv;
	int calls;
};

static void fixture_open(struct server_fixture *f)
{
	char err[256];
	struct ctl_server_opts o = {.mode = 0600,
				    .uid = (uid_t)-1,
				    .gid = (gid_t)-1,
				    .max_clients = 2,
				    .idle_timeout_ms = 10000};

	snprintf(f->dir, sizeof(f->dir), "/tmp/sgw-ctl-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/ctl.sock", f->dir);
	o.path = f->path;
	assert_int_equal(loop_new(&f->loop), 0);
	assert_int_equal(ctl_server_open(f->loop, &o, &f->srv, err, sizeof(err)), 0);
	ctl_server_set_commands(f->srv, cmds, 2, &f->calls);
}

static void fixture_close(struct server_fixture *f)
{
	ctl_server_close(f->srv);
	loop_free(f->loop);
	rmdir(f->dir);
}

static int client_connect(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	return fd;
}

/* Send req, pump the loop until a full reply (ending "\n.\n") arrived. */
static void exchange(struct server_fixture *f, int fd, const char *req, char *reply, size_t size)
{
	size_t len = 0;

	assert_int_equal(send(fd, req, strlen(req), 0), (ssize_t)strlen(req));
	for (int i = 0; i < 200; i++) {
		ssize_t n;

		assert_int_equal(loop_run_once(f->loop, 100), 0);
		n = recv(fd, reply + len, size - len - 1, MSG_DONTWAIT);
		if (n > 0)
			len += (size_t)n;
		reply[len] = '\0';
		if (len >= 3 && !strcmp(reply + len - 3, "\n.\n"))
			return;
	}
	fail_msg("no complete reply; got '%s'", reply);
}

static void server_answers_over_socket(void **state)
{
	struct server_fixture f = {0};
	char reply[2048];
	struct stat st;
	int fd;

	fixture_open(&f);
	assert_int_equal(stat(f.path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	fd = client_connect(f.path);

	exchange(&f, fd, "echo a \"b c\"\n", reply, sizeof(reply));
	assert_string_equal(reply, "OK\nargs:\n  - a\n  - b c\n..hidden line starts with a dot\n.\n");

	exchange(&f, fd, "echo x --json\n", reply, sizeof(reply));
	assert_string_equal(reply, "OK\n{\"args\":[\"x\"]}\n.\n");

	exchange(&f, fd, "frobnicate now\n", reply, sizeof(reply));
	assert_string_equal(reply, "ERR unknown-command unknown command 'frobnicate now'; 'help' "
				   "lists the commands\n.\n");

	exchange(&f, fd, "show thing\n", reply, sizeof(reply));
	assert_string_equal(reply, "ERR bad-arguments usage: show thing NAME\n.\n");

	exchange(&f, fd, "show thing t1 --json\n", reply, sizeof(reply));
	assert_string_equal(reply, "OK\n{\"args\":[\"t1\"]}\n.\n");

	exchange(&f, fd, "help\n", reply, sizeof(reply));
	assert_non_null(strstr(reply, "command: show thing NAME\n"));

	exchange(&f, fd, "echo \"unterminated\n", reply, sizeof(reply));
	assert_string_equal(reply, "ERR bad-request unterminated quote or bad escape in request\n.\n");
	assert_int_equal(f.calls, 3);
	assert_int_equal(ctl_server_clients(f.srv), 1);
	close(fd);
	fixture_close(&f);
	assert_int_equal(access(f.path, F_OK), -1); /* the socket is removed */
}

static void overlong_line_is_refused_and_closed(void **state)
{
	struct server_fixture f = {0};
	char *big = malloc(CTL_LINE_MAX + 100);
	char reply[512];
	int fd;

	fixture_open(&f);
	fd = client_connect(f.path);
	memset(big, 'a', CTL_LINE_MAX + 50);
	big[CTL_LINE_MAX + 50] = '\0';
	exchange(&f, fd, big, reply, sizeof(reply));
	assert_string_equal(reply, "ERR line-too-long request longer than 4096 bytes\n.\n");
	for (int i = 0; i < 20 && ctl_server_clients(f.srv); i++)
		loop_run_once(f.loop, 50);
	assert_int_equal(ctl_server_clients(f.srv), 0);
	free(big);
	close(fd);
	fixture_close(&f);
}

static void too_many_clients_are_refused(void **state)
{
	struct server_fixture f = {0};
	char reply[256] = "";
	int fds[3];
	ssize_t n = 0;

	fixture_open(&f);
	for (int i = 0; i < 3; i++) {
		fds[i] = client_connect(f.path);
		loop_run_once(f.loop, 100);
	}
	assert_int_equal(ctl_server_clients(f.srv), 2);
	for (int i = 0; i < 20 && n <= 0; i++) {
		loop_run_once(f.loop, 10);
		n = recv(fds[2], reply, sizeof(reply) - 1, MSG_DONTWAIT);
	}
	assert_true(n > 0);
	reply[n] = '\0';
	assert_string_equal(reply, "ERR busy too many control connections\n.\n");
	for (int i = 0; i < 3; i++)
		close(fds[i]);
	fixture_close(&f);
}

static void second_server_on_live_socket_is_refused(void **state)
{
	struct server_fixture f = {0};
	struct ctl_server *srv2;
	char err[256];
	struct ctl_server_opts o = {.mode = 0600, .uid = (uid_t)-1, .gid = (gid_t)-1,
				    .max_clients = 1, .idle_timeout_ms = 1000};

	fixture_open(&f);
	o.path = f.path;
	assert_int_equal(ctl_server_open(f.loop, &o, &srv2, err, sizeof(err)), -EADDRINUSE);
	assert_non_null(strstr(err, "another sipgwd is running on"));
	fixture_close(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		SGW_TEST(tokenize_words_and_quotes),
		SGW_TEST(tokenize_refuses_bad_input),
		SGW_TEST(quote_round_trips),
		SGW_TEST(reply_as_json),
		SGW_TEST(reply_as_text),
		SGW_TEST(error_reply_in_json_carries_code),
		SGW_TEST(server_answers_over_socket),
		SGW_TEST(overlong_line_is_refused_and_closed),
		SGW_TEST(too_many_clients_are_refused),
		SGW_TEST(second_server_on_live_socket_is_refused),
	};
	return cmocka_run_group_tests_name("gw/ctl", tests, NULL, NULL);
}
