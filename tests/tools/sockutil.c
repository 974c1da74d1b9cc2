/* sockutil: a small Unix-socket tool for the integration tests.
 *
 *   sockutil dgram-listen PATH SECONDS   print each datagram received on PATH
 *                                        (as systemd's NOTIFY_SOCKET would get
 *                                        them), one per line, '\n' shown as ';'
 *   sockutil stream PATH SECONDS         send stdin to the stream socket PATH,
 *                                        print what comes back until EOF or
 *                                        SECONDS pass
 *   sockutil free-port                   print a port of 127.0.0.1 free for both
 *                                        TCP and UDP right now (for peers such
 *                                        as Kamailio that need one named)
 * Both stop after SECONDS at most. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <time.h>
#include <unistd.h>

static int addr(const char *path, struct sockaddr_un *sa)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa->sun_path)) {
		fprintf(stderr, "sockutil: path too long\n");
		return -1;
	}
	strcpy(sa->sun_path, path);
	return 0;
}

static int remaining_ms(time_t deadline)
{
	time_t left = deadline - time(NULL);

	return left > 0 ? (int)left * 1000 : 0;
}

static int dgram_listen(const char *path, int seconds)
{
	struct sockaddr_un sa;
	int fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	time_t deadline = time(NULL) + seconds;

	if (fd < 0 || addr(path, &sa) < 0)
		return 1;
	unlink(path);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		perror("sockutil: bind");
		return 1;
	}
	for (;;) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		char buf[4096];
		ssize_t n;
		int ms = remaining_ms(deadline);

		if (ms == 0 || poll(&p, 1, ms) <= 0)
			break;
		n = recv(fd, buf, sizeof(buf) - 1, 0);
		if (n < 0)
			break;
		buf[n] = '\0';
		for (char *c = buf; *c; c++)
			if (*c == '\n')
				*c = ';';
		printf("%s\n", buf);
		fflush(stdout);
	}
	unlink(path);
	return 0;
}

static int stream(const char *path, int seconds)
{
	struct sockaddr_un sa;
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	time_t deadline = time(NULL) + seconds;
	char buf[65536];
	ssize_t n;

	if (fd < 0 || addr(path, &sa) < 0)
		return 1;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		perror("sockutil: connect");
		return 3;
	}
	while ((n = read(0, buf, sizeof(buf))) > 0)
		if (send(fd, buf, (size_t)n, MSG_NOSIGNAL) != n)
			break;
	shutdown(fd, SHUT_WR);
	for (;;) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		int ms = remaining_ms(deadline);

		if (ms == 0 || poll(&p, 1, ms) <= 0)
			break;
		n = recv(fd, buf, sizeof(buf), 0);
		if (n <= 0)
			break;
		fwrite(buf, 1, (size_t)n, stdout);
	}
	close(fd);
	return 0;
}

/* A TCP port the kernel picks, checked free for UDP too; at most 50 tries. */
static int free_port(void)
{
	for (int i = 0; i < 50; i++) {
		struct sockaddr_in a = {.sin_family = AF_INET};
		socklen_t len = sizeof(a);
		int t = socket(AF_INET, SOCK_STREAM, 0), u = socket(AF_INET, SOCK_DGRAM, 0);
		int ok = 0;

		a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		if (t >= 0 && u >= 0 && bind(t, (struct sockaddr *)&a, sizeof(a)) == 0 &&
		    getsockname(t, (struct sockaddr *)&a, &len) == 0 &&
		    bind(u, (struct sockaddr *)&a, sizeof(a)) == 0)
			ok = 1;
		if (t >= 0)
			close(t);
		if (u >= 0)
			close(u);
		if (ok) {
			printf("%u\n", ntohs(a.sin_port));
			return 0;
		}
	}
	fprintf(stderr, "sockutil: no free port\n");
	return 1;
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "free-port"))
		return free_port();
	if (argc == 4 && !strcmp(argv[1], "dgram-listen"))
		return dgram_listen(argv[2], atoi(argv[3]));
	if (argc == 4 && !strcmp(argv[1], "stream"))
		return stream(argv[2], atoi(argv[3]));
	fprintf(stderr, "usage: sockutil dgram-listen PATH SECONDS | stream PATH SECONDS | free-port\n");
	return 2;
}
