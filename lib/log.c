/* log.c: see log.h.
 *
 * The journal target speaks systemd's native protocol (one datagram of
 * KEY=value lines to /run/systemd/journal/socket), which keeps the category
 * as a field of its own (SIPGW_CATEGORY) so `journalctl SIPGW_CATEGORY=sip`
 * works.  When the journal socket is absent, lines fall back to stderr. */
#include "config.h"

#include "lib/log.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

const char *const log_level_names[LOGL_COUNT] = {"error", "warning", "notice", "info", "debug"};
const char *const log_category_names[LOGC_COUNT] = {"main", "sip", "isdn", "tdm",
						    "dsp",  "rtp", "gw",   "ctl"};
const char *const log_target_names[LOG_TARGET_COUNT] = {"stderr", "syslog", "journal"};

/* syslog priorities for our levels */
static const int level_prio[LOGL_COUNT] = {LOG_ERR, LOG_WARNING, LOG_NOTICE, LOG_INFO, LOG_DEBUG};

#define LOG_LINE_MAX 2048

static atomic_int levels[LOGC_COUNT] = {
	LOGL_INFO, LOGL_INFO, LOGL_INFO, LOGL_INFO, LOGL_INFO, LOGL_INFO, LOGL_INFO, LOGL_INFO,
};
static atomic_int target = LOG_TARGET_STDERR;

/* Changed only by the signalling thread at start and reload; the mutex keeps
 * a reader from seeing a half-switched target. */
static pthread_mutex_t target_lock = PTHREAD_MUTEX_INITIALIZER;
static int journal_fd = -1;
static char ident[32] = "sipgw";
static log_sink_fn sink;
static void *sink_arg;

void log_init(const char *name)
{
	snprintf(ident, sizeof(ident), "%s", name);
}

static int journal_open(void)
{
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct sockaddr_un sa = {.sun_family = AF_UNIX};

	if (fd < 0)
		return -errno;
	/* SIPGW_JOURNAL_SOCKET points the journal target elsewhere (tests) */
	const char *path = getenv("SIPGW_JOURNAL_SOCKET");

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s",
		 path && *path ? path : "/run/systemd/journal/socket");
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

int log_target_set(enum log_target t, int facility)
{
	int err = 0;

	if ((unsigned)t >= LOG_TARGET_COUNT)
		return -EINVAL;
	pthread_mutex_lock(&target_lock);
	if (atomic_load(&target) == LOG_TARGET_SYSLOG && t != LOG_TARGET_SYSLOG)
		closelog();
	if (t != LOG_TARGET_JOURNAL && journal_fd >= 0) {
		close(journal_fd);
		journal_fd = -1;
	}
	if (t == LOG_TARGET_SYSLOG)
		openlog(ident, LOG_PID | LOG_NDELAY, facility);
	if (t == LOG_TARGET_JOURNAL && journal_fd < 0) {
		int fd = journal_open();

		if (fd < 0)
			err = fd; /* keep going on stderr */
		else
			journal_fd = fd;
	}
	atomic_store(&target, err ? LOG_TARGET_STDERR : (int)t);
	pthread_mutex_unlock(&target_lock);
	return err;
}

enum log_target log_target_get(void)
{
	return atomic_load(&target);
}

void log_level_set(enum log_category cat, enum log_level level)
{
	if ((unsigned)cat < LOGC_COUNT && (unsigned)level < LOGL_COUNT)
		atomic_store(&levels[cat], level);
}

enum log_level log_level_get(enum log_category cat)
{
	return (unsigned)cat < LOGC_COUNT ? atomic_load(&levels[cat]) : LOGL_ERROR;
}

void log_sink_set(log_sink_fn fn, void *arg)
{
	pthread_mutex_lock(&target_lock);
	sink = fn;
	sink_arg = arg;
	pthread_mutex_unlock(&target_lock);
}

bool log_enabled(enum log_category cat, enum log_level level)
{
	return (unsigned)cat < LOGC_COUNT && (int)level <= atomic_load(&levels[cat]);
}

/* Escape control bytes in place into dst: a peer's bytes must not forge log
 * lines (CR/LF) or drive the operator's terminal (ESC). */
static size_t escape_copy(char *dst, size_t size, const char *src)
{
	static const char hex[] = "0123456789abcdef";
	size_t n = 0;

	for (; *src && n + 5 < size; src++) {
		unsigned char c = (unsigned char)*src;

		if (c < 0x20 || c == 0x7f) {
			dst[n++] = '\\';
			dst[n++] = 'x';
			dst[n++] = hex[c >> 4];
			dst[n++] = hex[c & 15];
		} else {
			dst[n++] = (char)c;
		}
	}
	dst[n] = '\0';
	return n;
}

static void write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t w = write(fd, buf, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		buf += w;
		len -= (size_t)w;
	}
}

static void emit_stderr(enum log_category cat, enum log_level level, const char *msg)
{
	char line[LOG_LINE_MAX + 128];
	struct timespec ts;
	struct tm tm;
	int n;

	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	n = snprintf(line, sizeof(line), "%04d-%02d-%02d %02d:%02d:%02d.%03ld %s[%d] %s %s: %s\n",
		     tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
		     tm.tm_sec, ts.tv_nsec / 1000000, ident, (int)getpid(), log_level_names[level],
		     log_category_names[cat], msg);
	if (n > (int)sizeof(line) - 1) {
		n = (int)sizeof(line) - 1;
		line[n - 1] = '\n';
	}
	write_all(STDERR_FILENO, line, (size_t)n);
}

static void emit_journal(int fd, enum log_category cat, enum log_level level, const char *msg)
{
	char dgram[LOG_LINE_MAX + 256];
	int n = snprintf(dgram, sizeof(dgram),
			 "PRIORITY=%d\nSYSLOG_IDENTIFIER=%s\nSIPGW_CATEGORY=%s\nMESSAGE=%s: %s\n",
			 level_prio[level], ident, log_category_names[cat],
			 log_category_names[cat], msg);

	if (n > (int)sizeof(dgram) - 1)
		n = (int)sizeof(dgram) - 1;
	if (send(fd, dgram, (size_t)n, MSG_NOSIGNAL) < 0)
		emit_stderr(cat, level, msg);
}

void log_vwrite(enum log_category cat, enum log_level level, const char *fmt, va_list ap)
{
	char raw[LOG_LINE_MAX], msg[LOG_LINE_MAX];
	int t;

	if ((unsigned)cat >= LOGC_COUNT || (unsigned)level >= LOGL_COUNT)
		return;
	vsnprintf(raw, sizeof(raw), fmt, ap);
	escape_copy(msg, sizeof(msg), raw);

	pthread_mutex_lock(&target_lock);
	if (sink) {
		sink(cat, level, msg, sink_arg);
		pthread_mutex_unlock(&target_lock);
		return;
	}
	t = atomic_load(&target);
	if (t == LOG_TARGET_SYSLOG)
		syslog(level_prio[level], "%s: %s", log_category_names[cat], msg);
	else if (t == LOG_TARGET_JOURNAL && journal_fd >= 0)
		emit_journal(journal_fd, cat, level, msg);
	else
		emit_stderr(cat, level, msg);
	pthread_mutex_unlock(&target_lock);
}

void log_write(enum log_category cat, enum log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vwrite(cat, level, fmt, ap);
	va_end(ap);
}

static int name_index(const char *const *names, int count, const char *name)
{
	for (int i = 0; i < count; i++)
		if (strcmp(names[i], name) == 0)
			return i;
	return -1;
}

int log_level_from_name(const char *name)
{
	return name_index(log_level_names, LOGL_COUNT, name);
}

int log_category_from_name(const char *name)
{
	return name_index(log_category_names, LOGC_COUNT, name);
}

int log_target_from_name(const char *name)
{
	return name_index(log_target_names, LOG_TARGET_COUNT, name);
}

void log_shutdown(void)
{
	log_target_set(LOG_TARGET_STDERR, 0);
}
