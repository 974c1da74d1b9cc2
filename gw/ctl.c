/* ctl.c: control socket server, see ctl.h and ctl_proto.h. */
#include "config.h"

#include "gw/ctl.h"
#include "lib/buf.h"
#include "lib/log.h"
#include "lib/loop.h"
#include "lib/mem.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#define CTL_OUT_MAX (4u << 20) /* output queued for one slow client */

struct ctl_client {
	struct ctl_server *srv;
	int fd;
	struct loop_watch watch;
	struct timer idle;
	char in[CTL_LINE_MAX + 1];
	size_t in_len;
	struct buf out;
	bool closing; /* close once out is flushed */
	struct ctl_client *prev, *next;
};

struct ctl_server {
	struct loop *loop;
	int fd;
	char *path;
	struct loop_watch watch;
	unsigned max_clients;
	uint64_t idle_timeout_ms;
	size_t nclients;
	uint64_t requests;
	struct ctl_client *clients;
	const struct ctl_command *cmds;
	size_t ncmds;
	void *cmd_arg;
};

static void client_free(struct ctl_client *c)
{
	struct ctl_server *srv = c->srv;

	loop_watch_del(srv->loop, &c->watch);
	loop_timer_stop(srv->loop, &c->idle);
	close(c->fd);
	if (c->prev)
		c->prev->next = c->next;
	else
		srv->clients = c->next;
	if (c->next)
		c->next->prev = c->prev;
	srv->nclients--;
	buf_release(&c->out);
	mem_free(c);
}

/* ---- running a request -------------------------------------------------- */

static void cmd_help(const struct ctl_server *srv, struct ctl_out *out)
{
	ctl_arr_begin(out, "commands");
	for (size_t i = 0; i < srv->ncmds; i++) {
		const struct ctl_command *c = &srv->cmds[i];
		char usage[160];

		snprintf(usage, sizeof(usage), "%s%s%s", c->words, c->usage[0] ? " " : "",
			 c->usage);
		ctl_obj_begin(out, NULL);
		ctl_str(out, "command", usage);
		ctl_str(out, "help", c->help);
		ctl_obj_end(out);
	}
	ctl_obj_begin(out, NULL);
	ctl_str(out, "command", "help");
	ctl_str(out, "help", "list the commands");
	ctl_obj_end(out);
	ctl_arr_end(out);
}

/* How many leading words of argv match the command's words, or 0. */
static int match_words(const char *words, int argc, char **argv)
{
	int n = 0;

	while (*words) {
		size_t len = strcspn(words, " ");

		if (n >= argc || strlen(argv[n]) != len || strncmp(argv[n], words, len))
			return 0;
		n++;
		words += len;
		while (*words == ' ')
			words++;
	}
	return n;
}

static void dispatch(struct ctl_server *srv, int argc, char **argv, bool json, struct ctl_out *out)
{
	const struct ctl_command *best = NULL;
	int best_n = 0;
	struct ctl_request req = {.json = json};
	char joined[256] = "";

	for (int i = 0; i < argc; i++) {
		size_t used = strlen(joined);

		snprintf(joined + used, sizeof(joined) - used, "%s%s", i ? " " : "", argv[i]);
	}
	if (argc == 0) {
		ctl_out_error(out, "empty-request", "empty request; 'help' lists the commands");
		return;
	}
	if (argc == 1 && !strcmp(argv[0], "help")) {
		cmd_help(srv, out);
		return;
	}
	for (size_t i = 0; i < srv->ncmds; i++) {
		int n = match_words(srv->cmds[i].words, argc, argv);

		if (n > best_n) {
			best = &srv->cmds[i];
			best_n = n;
		}
	}
	if (!best) {
		ctl_out_error(out, "unknown-command",
			      "unknown command '%s'; 'help' lists the commands", joined);
		return;
	}
	req.argc = argc - best_n;
	req.argv = argv + best_n;
	if (req.argc < best->min_args || req.argc > best->max_args) {
		ctl_out_error(out, "bad-arguments", "usage: %s%s%s", best->words,
			      best->usage[0] ? " " : "", best->usage);
		return;
	}
	best->fn(&req, out, srv->cmd_arg);
}

/* Render a finished reply onto the wire: status line, stuffed body, ".". */
static void render(struct ctl_out *o, struct buf *wire)
{
	const char *p, *end;

	ctl_out_finish(o);
	if (o->err_code[0])
		buf_printf(wire, "ERR %s %s\n", o->err_code, o->err_msg);
	else
		buf_puts(wire, "OK\n");
	p = o->body.p ? o->body.p : "";
	end = p + o->body.len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);

		if (*p == '.')
			buf_put(wire, ".", 1);
		buf_put(wire, p, n);
		buf_put(wire, "\n", 1);
		p += n + (nl ? 1 : 0);
	}
	buf_puts(wire, ".\n");
	if (o->body.oom)
		wire->oom = true;
}

static void run_line(struct ctl_server *srv, char *line, struct buf *wire)
{
	char *argv[CTL_ARGS_MAX + 1];
	char *args[CTL_ARGS_MAX + 1];
	int argc, n = 0;
	bool json = false;
	struct ctl_out out;

	srv->requests++;
	argc = ctl_tokenize(line, argv, CTL_ARGS_MAX + 1);
	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			json = true;
		else
			args[n++] = argv[i];
	}
	ctl_out_init(&out, json);
	if (argc == -E2BIG || n > CTL_ARGS_MAX)
		ctl_out_error(&out, "bad-request", "more than %d words in one request",
			      CTL_ARGS_MAX);
	else if (argc < 0)
		ctl_out_error(&out, "bad-request", "unterminated quote or bad escape in request");
	else
		dispatch(srv, n, args, json, &out);
	if (out.err_code[0])
		LOGP(LOGC_CTL, LOGL_INFO, "request refused: %s: %s", out.err_code, out.err_msg);
	render(&out, wire);
	ctl_out_release(&out);
}

void ctl_server_handle_line(struct ctl_server *srv, char *line, struct buf *wire)
{
	run_line(srv, line, wire);
}

/* ---- connections ---------------------------------------------------------- */

static void client_update_events(struct ctl_client *c)
{
	loop_watch_mod(c->srv->loop, &c->watch, c->out.len ? EPOLLIN | EPOLLOUT : EPOLLIN);
}

static void client_flush(struct ctl_client *c)
{
	while (c->out.len) {
		ssize_t w = send(c->fd, c->out.p, c->out.len, MSG_NOSIGNAL);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (w <= 0) {
			client_free(c);
			return;
		}
		buf_consume(&c->out, (size_t)w);
	}
	if (!c->out.len && c->closing) {
		client_free(c);
		return;
	}
	client_update_events(c);
}

static void client_read(struct ctl_client *c)
{
	ssize_t n = recv(c->fd, c->in + c->in_len, CTL_LINE_MAX - c->in_len, 0);
	char *nl;
	size_t start = 0;

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		/* peer closed: answer what is queued, then close */
		c->closing = true;
		loop_watch_mod(c->srv->loop, &c->watch, c->out.len ? EPOLLOUT : 0);
		if (!c->out.len)
			client_free(c);
		return;
	}
	c->in_len += (size_t)n;
	loop_timer_start_ms(c->srv->loop, &c->idle, c->srv->idle_timeout_ms);
	while (!c->closing && (nl = memchr(c->in + start, '\n', c->in_len - start))) {
		*nl = '\0';
		run_line(c->srv, c->in + start, &c->out);
		start = (size_t)(nl - c->in) + 1;
		if (c->out.oom || c->out.len > CTL_OUT_MAX) {
			LOGP(LOGC_CTL, LOGL_WARNING, "control client not reading its replies; closed");
			client_free(c);
			return;
		}
	}
	memmove(c->in, c->in + start, c->in_len - start);
	c->in_len -= start;
	if (c->in_len == CTL_LINE_MAX) {
		buf_printf(&c->out, "ERR line-too-long request longer than %d bytes\n.\n",
			   CTL_LINE_MAX);
		LOGP(LOGC_CTL, LOGL_WARNING, "control request longer than %d bytes; closing",
		     CTL_LINE_MAX);
		c->in_len = 0;
		c->closing = true;
	}
	client_flush(c);
}

static void on_client(struct loop *loop, struct loop_watch *w, uint32_t events)
{
	struct ctl_client *c = w->arg;

	if (events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
		if (c->closing && (events & (EPOLLHUP | EPOLLERR))) {
			client_free(c);
			return;
		}
		if (!c->closing) {
			client_read(c); /* may free c */
			return;
		}
	}
	if (events & EPOLLOUT)
		client_flush(c);
}

static void on_idle(struct timer *t, void *arg)
{
	struct ctl_client *c = arg;

	LOGP(LOGC_CTL, LOGL_INFO, "control connection idle for %llu ms; closed",
	     (unsigned long long)c->srv->idle_timeout_ms);
	client_free(c);
}

static void on_accept(struct loop *loop, struct loop_watch *w, uint32_t events)
{
	struct ctl_server *srv = w->arg;
	struct ctl_client *c;
	int fd = accept4(srv->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

	if (fd < 0)
		return;
	if (srv->nclients >= srv->max_clients) {
		static const char busy[] = "ERR busy too many control connections\n.\n";

		LOGP(LOGC_CTL, LOGL_WARNING, "control connection refused: %u already open",
		     srv->max_clients);
		(void)!send(fd, busy, sizeof(busy) - 1, MSG_NOSIGNAL | MSG_DONTWAIT);
		close(fd);
		return;
	}
	c = mem_zalloc(sizeof(*c));
	if (!c) {
		close(fd);
		return;
	}
	c->srv = srv;
	c->fd = fd;
	timer_setup(&c->idle, on_idle, c);
	if (loop_watch_add(loop, &c->watch, fd, EPOLLIN, on_client, c) < 0) {
		close(fd);
		mem_free(c);
		return;
	}
	loop_timer_start_ms(loop, &c->idle, srv->idle_timeout_ms);
	c->next = srv->clients;
	if (c->next)
		c->next->prev = c;
	srv->clients = c;
	srv->nclients++;
}

/* ---- the listening socket ------------------------------------------------- */

/* Is a daemon answering on path?  A leftover socket of a dead one is not. */
static bool socket_alive(const struct sockaddr_un *sa)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	bool alive;

	if (fd < 0)
		return false;
	alive = connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) == 0;
	close(fd);
	return alive;
}

int ctl_server_open(struct loop *loop, const struct ctl_server_opts *o, struct ctl_server **out,
		    char *err, size_t errlen)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	struct ctl_server *srv;
	struct stat st;
	mode_t old_umask;
	int rc;

	if (strlen(o->path) >= sizeof(sa.sun_path)) {
		snprintf(err, errlen, "control socket path '%s' is too long", o->path);
		return -ENAMETOOLONG;
	}
	memcpy(sa.sun_path, o->path, strlen(o->path) + 1);
	if (lstat(o->path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			snprintf(err, errlen, "%s exists and is not a socket; not touching it",
				 o->path);
			return -EEXIST;
		}
		if (socket_alive(&sa)) {
			snprintf(err, errlen, "another sipgwd is running on %s", o->path);
			return -EADDRINUSE;
		}
		unlink(o->path); /* stale, from a daemon that died */
	}
	srv = mem_zalloc(sizeof(*srv));
	if (!srv)
		return -ENOMEM;
	srv->loop = loop;
	srv->max_clients = o->max_clients;
	srv->idle_timeout_ms = o->idle_timeout_ms;
	srv->path = mem_strdup(o->path);
	srv->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (!srv->path || srv->fd < 0) {
		rc = srv->path ? -errno : -ENOMEM;
		snprintf(err, errlen, "control socket: %s", strerror(-rc));
		goto fail;
	}
	/* no window in which the socket exists with a wider mode than asked */
	old_umask = umask(0177);
	rc = bind(srv->fd, (struct sockaddr *)&sa, sizeof(sa));
	umask(old_umask);
	if (rc < 0) {
		rc = -errno;
		snprintf(err, errlen, "cannot bind control socket %s: %s", o->path, strerror(-rc));
		goto fail;
	}
	if (chmod(o->path, o->mode) < 0 || chown(o->path, o->uid, o->gid) < 0) {
		rc = -errno;
		snprintf(err, errlen, "cannot set owner/mode of %s: %s", o->path, strerror(-rc));
		unlink(o->path);
		goto fail;
	}
	if (listen(srv->fd, 16) < 0 ||
	    (rc = loop_watch_add(loop, &srv->watch, srv->fd, EPOLLIN, on_accept, srv)) < 0) {
		rc = -errno;
		snprintf(err, errlen, "cannot listen on %s: %s", o->path, strerror(-rc));
		unlink(o->path);
		goto fail;
	}
	*out = srv;
	return 0;
fail:
	if (srv->fd >= 0)
		close(srv->fd);
	mem_free(srv->path);
	mem_free(srv);
	return rc;
}

void ctl_server_close(struct ctl_server *srv)
{
	if (!srv)
		return;
	while (srv->clients)
		client_free(srv->clients);
	loop_watch_del(srv->loop, &srv->watch);
	close(srv->fd);
	unlink(srv->path);
	mem_free(srv->path);
	mem_free(srv);
}

void ctl_server_set_commands(struct ctl_server *srv, const struct ctl_command *cmds, size_t n,
			     void *arg)
{
	srv->cmds = cmds;
	srv->ncmds = n;
	srv->cmd_arg = arg;
}

void ctl_server_set_limits(struct ctl_server *srv, unsigned max_clients, uint64_t idle_timeout_ms)
{
	srv->max_clients = max_clients;
	srv->idle_timeout_ms = idle_timeout_ms;
}

size_t ctl_server_clients(const struct ctl_server *srv)
{
	return srv->nclients;
}

uint64_t ctl_server_requests(const struct ctl_server *srv)
{
	return srv->requests;
}

const char *ctl_server_path(const struct ctl_server *srv)
{
	return srv->path;
}
