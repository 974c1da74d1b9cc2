/* daemon.c: detach, sd_notify, privilege drop; see daemon.h. */
#include "config.h"

#include "gw/daemon.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int detach_fd = -1;

int daemon_notify(const char *state)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	socklen_t salen;
	size_t len;
	int fd;
	ssize_t n;

	if (!path || !*path)
		return 0;
	len = strlen(path);
	if ((path[0] != '/' && path[0] != '@') || len >= sizeof(sa.sun_path))
		return -EINVAL;
	memcpy(sa.sun_path, path, len);
	if (path[0] == '@')
		sa.sun_path[0] = '\0';
	salen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	n = sendto(fd, state, strlen(state), MSG_NOSIGNAL, (struct sockaddr *)&sa, salen);
	close(fd);
	return n < 0 ? -errno : 1;
}

int daemon_notify_reloading(void)
{
	struct timespec ts;
	char msg[96];

	clock_gettime(CLOCK_MONOTONIC, &ts);
	snprintf(msg, sizeof(msg), "RELOADING=1\nMONOTONIC_USEC=%llu",
		 (unsigned long long)ts.tv_sec * 1000000ull + (unsigned long long)ts.tv_nsec / 1000);
	return daemon_notify(msg);
}

int daemon_detach(void)
{
	int pipefd[2];
	pid_t pid;
	int devnull;

	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid > 0) {
		unsigned char status = 1;

		close(pipefd[1]);
		/* the child's status byte, or EOF if it died first */
		if (read(pipefd[0], &status, 1) != 1)
			status = 1;
		_exit(status);
	}
	close(pipefd[0]);
	if (setsid() < 0)
		return -errno;
	pid = fork(); /* never reacquire a controlling terminal */
	if (pid < 0)
		return -errno;
	if (pid > 0)
		_exit(0);
	detach_fd = pipefd[1];
	if (chdir("/") < 0)
		return -errno;
	devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (devnull >= 0) {
		dup2(devnull, STDIN_FILENO);
		dup2(devnull, STDOUT_FILENO);
		if (devnull > STDERR_FILENO)
			close(devnull);
	}
	return 0;
}

void daemon_detach_done(int status)
{
	unsigned char s = (unsigned char)status;
	int devnull;

	if (detach_fd < 0)
		return;
	(void)!write(detach_fd, &s, 1);
	close(detach_fd);
	detach_fd = -1;
	/* stderr stayed open until now so start-up errors reached the shell */
	devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (devnull >= 0) {
		dup2(devnull, STDERR_FILENO);
		if (devnull > STDERR_FILENO)
			close(devnull);
	}
}

int daemon_lookup_ids(const char *user, const char *group, uid_t *uid, gid_t *gid, char *err,
		      size_t errlen)
{
	struct passwd *pw = getpwnam(user);

	if (!pw) {
		snprintf(err, errlen, "no such user '%s'", user);
		return -ENOENT;
	}
	*uid = pw->pw_uid;
	*gid = pw->pw_gid;
	if (group) {
		struct group *gr = getgrnam(group);

		if (!gr) {
			snprintf(err, errlen, "no such group '%s'", group);
			return -ENOENT;
		}
		*gid = gr->gr_gid;
	}
	return 0;
}

int daemon_drop_privileges(uid_t uid, gid_t gid, char *err, size_t errlen)
{
	if (setgroups(1, &gid) < 0) {
		snprintf(err, errlen, "setgroups: %s", strerror(errno));
		return -errno;
	}
	if (setresgid(gid, gid, gid) < 0) {
		snprintf(err, errlen, "setresgid(%u): %s", (unsigned)gid, strerror(errno));
		return -errno;
	}
	if (setresuid(uid, uid, uid) < 0) {
		snprintf(err, errlen, "setresuid(%u): %s", (unsigned)uid, strerror(errno));
		return -errno;
	}
	if (uid != 0 && (setuid(0) == 0 || seteuid(0) == 0)) {
		snprintf(err, errlen, "could regain root after dropping it");
		return -EPERM;
	}
	return 0;
}
