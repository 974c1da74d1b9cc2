/* log.h: levelled, categorised logging, safe from several threads.
 *
 * Each line is formatted into a stack buffer and leaves in one system call
 * (write(2) to stderr, syslog(3), or one datagram in the journal's native
 * protocol), so lines from the signalling thread and the media workers never
 * interleave.  Levels are per category and may change at run time (reload)
 * while other threads log: they are atomics.  Control characters in a
 * message are escaped, because messages quote what peers sent us. */
#ifndef SGW_LIB_LOG_H
#define SGW_LIB_LOG_H

#include <stdbool.h>
#include <stdarg.h>

enum log_level {
	LOGL_ERROR,
	LOGL_WARNING,
	LOGL_NOTICE,
	LOGL_INFO,
	LOGL_DEBUG,
	LOGL_COUNT
};

enum log_category {
	LOGC_MAIN, /* daemon life cycle, config */
	LOGC_SIP,
	LOGC_ISDN,
	LOGC_TDM,
	LOGC_DSP,
	LOGC_RTP,
	LOGC_GW,
	LOGC_CTL,
	LOGC_COUNT
};

enum log_target {
	LOG_TARGET_STDERR,
	LOG_TARGET_SYSLOG,
	LOG_TARGET_JOURNAL,
	LOG_TARGET_COUNT
};

/* A sink replaces the target; tests use it to see what was logged. */
typedef void (*log_sink_fn)(enum log_category cat, enum log_level level, const char *msg,
			    void *arg);

extern const char *const log_level_names[LOGL_COUNT];
extern const char *const log_category_names[LOGC_COUNT];
extern const char *const log_target_names[LOG_TARGET_COUNT];

/* ident: program name in syslog/journal; facility: a LOG_ value of syslog.h. */
void log_init(const char *ident);
int log_target_set(enum log_target target, int syslog_facility);
enum log_target log_target_get(void);
void log_level_set(enum log_category cat, enum log_level level);
enum log_level log_level_get(enum log_category cat);
void log_sink_set(log_sink_fn fn, void *arg);

bool log_enabled(enum log_category cat, enum log_level level);
void log_write(enum log_category cat, enum log_level level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void log_vwrite(enum log_category cat, enum log_level level, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

/* Log only when the level is on, without evaluating arguments otherwise. */
#define LOGP(cat, level, ...)                                                                      \
	do {                                                                                       \
		if (log_enabled(cat, level))                                                       \
			log_write(cat, level, __VA_ARGS__);                                        \
	} while (0)

/* Parse a level/category/target name; -1 when unknown. */
int log_level_from_name(const char *name);
int log_category_from_name(const char *name);
int log_target_from_name(const char *name);

/* Flush/close the target's resources (journal socket, syslog). */
void log_shutdown(void);

#endif
