/* sipgwctl.c: the operator's tool; talks to sipgwd over its control socket
 * (protocol in ctl_proto.h, commands in doc/sipgwctl.8).
 *
 * Exit codes: 0 done, 1 the daemon refused or failed the command, 2 bad
 * usage, 3 the daemon could not be reached. */
#include "config.h"

#include "gw/gw_config.h"
#include "gw/ctl_proto.h"
#include "gw/version.h"
#include "lib/buf.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#ifndef SGW_RUNSTATEDIR
#define SGW_RUNSTATEDIR "/run"
#endif
#define DEFAULT_SOCKET SGW_RUNSTATEDIR "/sipgw/sipgwctl.sock"

static bool json;

static void usage(FILE *f)
{
	fprintf(f, "usage: sipgwctl [-s SOCKET | -c CONFIG] [--json] [-w SECONDS] COMMAND [ARG...]\n"
		   "  -s SOCKET   control socket (default $SIPGWCTL_SOCKET or %s)\n"
		   "  -c CONFIG   take the socket path from this sipgw.conf\n"
		   "  --json      print the reply as JSON\n"
		   "  -w SECONDS  wait this long for the reply (default 30)\n"
		   "commands: status, reload, show config, help (the daemon lists all)\n",
		DEFAULT_SOCKET);
}

/* A failure before the daemon answered: say it on stderr, and as JSON on
 * stdout when asked, so scripts always get a document. */
static int fail(int code, const char *kind, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int fail(int code, const char *kind, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "sipgwctl: %s\n", msg);
	if (json) {
		printf("{\"error\":{\"code\":\"%s\",\"message\":\"", kind);
		for (const char *c = msg; *c; c++) {
			if (*c == '"' || *c == '\\')
				putchar('\\');
			if ((unsigned char)*c >= 0x20)
				putchar(*c);
		}
		printf("\"}}\n");
	}
	return code;
}

static int socket_from_config(const char *path, char *out, size_t size)
{
	struct gw_config *cfg;
	struct conf_errors errs = {0};

	if (gw_config_load(path, &cfg, &errs) < 0) {
		for (size_t i = 0; i < errs.count; i++)
			fprintf(stderr, "%s\n", errs.msg[i]);
		conf_errors_release(&errs);
		return -1;
	}
	snprintf(out, size, "%s", cfg->control->socket);
	gw_config_free(cfg);
	return 0;
}

static int send_all(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t w = send(fd, p, len, MSG_NOSIGNAL);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"json", no_argument, NULL, 'j'},    {"socket", required_argument, NULL, 's'},
		{"config", required_argument, NULL, 'c'}, {"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'}, {NULL, 0, NULL, 0},
	};
	char path[256], line[CTL_LINE_MAX + 2];
	const char *env = getenv("SIPGWCTL_SOCKET");
	const char *config = NULL;
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	struct buf in = BUF_INIT;
	int opt, fd, wait_s = 30, status = CTL_EXIT_FAILED;
	size_t len = 0;
	bool have_status = false, ok = false;
	char *p, *end;
	time_t deadline;

	snprintf(path, sizeof(path), "%s", env && *env ? env : DEFAULT_SOCKET);
	while ((opt = getopt_long(argc, argv, "+s:c:w:jhV", longopts, NULL)) != -1) {
		switch (opt) {
		case 's':
			snprintf(path, sizeof(path), "%s", optarg);
			break;
		case 'c':
			config = optarg;
			break;
		case 'w':
			wait_s = atoi(optarg);
			if (wait_s <= 0 || wait_s > 3600)
				return fail(CTL_EXIT_USAGE, "usage", "-w: '%s' is not 1..3600 seconds",
					    optarg);
			break;
		case 'j':
			json = true;
			break;
		case 'h':
			usage(stdout);
			return CTL_EXIT_OK;
		case 'V':
			printf("sipgwctl %s\n", SIPGW_VERSION);
			return CTL_EXIT_OK;
		default:
			usage(stderr);
			return CTL_EXIT_USAGE;
		}
	}
	if (optind == argc) {
		usage(stderr);
		return CTL_EXIT_USAGE;
	}
	if (config && socket_from_config(config, path, sizeof(path)) < 0)
		return fail(CTL_EXIT_USAGE, "bad-config", "cannot read the socket path from %s",
			    config);

	/* the request line */
	for (int i = optind; i < argc; i++) {
		int n;

		if (!strcmp(argv[i], "--json")) {
			json = true;
			continue;
		}
		if (len && len < sizeof(line))
			line[len++] = ' ';
		n = ctl_quote(argv[i], line + len, sizeof(line) - len - 1);
		if (n < 0)
			return fail(CTL_EXIT_USAGE, "usage", "argument '%s' is too long or holds a "
							     "line break", argv[i]);
		len += (size_t)n;
	}
	if (json) {
		if (len + 8 > sizeof(line))
			return fail(CTL_EXIT_USAGE, "usage", "request too long");
		memcpy(line + len, " --json", 7);
		len += 7;
	}
	line[len++] = '\n';

	if (strlen(path) >= sizeof(sa.sun_path))
		return fail(CTL_EXIT_USAGE, "usage", "socket path '%s' is too long", path);
	memcpy(sa.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return fail(CTL_EXIT_NO_DAEMON, "no-daemon",
			    "cannot reach sipgwd at %s: %s (is sipgwd running?)", path,
			    strerror(errno));
	if (send_all(fd, line, len) < 0)
		return fail(CTL_EXIT_NO_DAEMON, "no-daemon", "sipgwd at %s closed the connection",
			    path);

	/* read the status line, the body and the final "." */
	deadline = time(NULL) + wait_s;
	for (;;) {
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		char chunk[4096];
		ssize_t n;
		int left = (int)(deadline - time(NULL));

		if (left <= 0 || poll(&pfd, 1, left * 1000) == 0)
			return fail(CTL_EXIT_NO_DAEMON, "timeout",
				    "no reply from sipgwd at %s within %d s", path, wait_s);
		n = recv(fd, chunk, sizeof(chunk), 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		buf_put(&in, chunk, (size_t)n);
		if (in.oom)
			return fail(CTL_EXIT_FAILED, "failed", "out of memory");
		if (in.len >= 3 && (!strcmp(in.p + in.len - 3, "\n.\n") || !strcmp(in.p, ".\n")))
			break;
	}
	close(fd);

	p = in.p ? in.p : (char *)"";
	end = p + in.len;
	while (p < end) {
		char *nl = memchr(p, '\n', (size_t)(end - p));

		if (!nl)
			break;
		*nl = '\0';
		if (!have_status) {
			have_status = true;
			ok = !strcmp(p, "OK");
			if (!ok && !strncmp(p, "ERR ", 4)) {
				const char *msg = strchr(p + 4, ' ');

				fprintf(stderr, "sipgwctl: %s\n", msg ? msg + 1 : p + 4);
			} else if (!ok) {
				fprintf(stderr, "sipgwctl: unexpected reply '%s'\n", p);
			}
		} else if (!strcmp(p, ".")) {
			status = ok ? CTL_EXIT_OK : CTL_EXIT_FAILED;
			break;
		} else {
			puts(p[0] == '.' ? p + 1 : p);
		}
		p = nl + 1;
	}
	buf_release(&in);
	if (!have_status)
		return fail(CTL_EXIT_NO_DAEMON, "no-daemon",
			    "sipgwd at %s closed the connection without a reply", path);
	return status;
}
