/* Logging: levels per category, escaping of control characters, and lines
 * from several threads arriving whole. */
#include "config.h"

#include "lib/log.h"
#include "testutil.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct seen {
	int count;
	char last[512];
	enum log_category cat;
	enum log_level level;
};

static void sink(enum log_category cat, enum log_level level, const char *msg, void *arg)
{
	struct seen *s = arg;

	s->count++;
	s->cat = cat;
	s->level = level;
	snprintf(s->last, sizeof(s->last), "%s", msg);
}

static void levels_filter_per_category(void **state)
{
	struct seen s = {0};

	log_sink_set(sink, &s);
	log_level_set(LOGC_SIP, LOGL_WARNING);
	log_level_set(LOGC_ISDN, LOGL_DEBUG);
	LOGP(LOGC_SIP, LOGL_INFO, "hidden %d", 1);
	assert_int_equal(s.count, 0);
	LOGP(LOGC_SIP, LOGL_ERROR, "shown %d", 2);
	assert_int_equal(s.count, 1);
	assert_string_equal(s.last, "shown 2");
	LOGP(LOGC_ISDN, LOGL_DEBUG, "debug on isdn");
	assert_int_equal(s.count, 2);
	assert_int_equal(s.cat, LOGC_ISDN);
	assert_int_equal(s.level, LOGL_DEBUG);
	assert_true(log_enabled(LOGC_ISDN, LOGL_DEBUG));
	assert_false(log_enabled(LOGC_SIP, LOGL_NOTICE));
	log_sink_set(NULL, NULL);
	log_level_set(LOGC_SIP, LOGL_INFO);
	log_level_set(LOGC_ISDN, LOGL_INFO);
}

static void control_characters_are_escaped(void **state)
{
	struct seen s = {0};

	log_sink_set(sink, &s);
	/* a peer's User-Agent trying to forge a second log line */
	log_write(LOGC_SIP, LOGL_ERROR, "ua=%s", "evil\r\nsipgwd[1] error main: fake\x1b[31m");
	assert_string_equal(s.last, "ua=evil\\x0d\\x0asipgwd[1] error main: fake\\x1b[31m");
	log_sink_set(NULL, NULL);
}

static void names_round_trip(void **state)
{
	for (int i = 0; i < LOGL_COUNT; i++)
		assert_int_equal(log_level_from_name(log_level_names[i]), i);
	for (int i = 0; i < LOGC_COUNT; i++)
		assert_int_equal(log_category_from_name(log_category_names[i]), i);
	assert_int_equal(log_category_from_name("isdn"), LOGC_ISDN);
	assert_int_equal(log_level_from_name("verbose"), -1);
	assert_int_equal(log_target_from_name("journal"), LOG_TARGET_JOURNAL);
}

/* Threads writing to stderr (redirected to a pipe-backed file) at once:
 * every line must come out whole. */
static void *writer(void *arg)
{
	for (int i = 0; i < 200; i++)
		log_write(LOGC_RTP, LOGL_ERROR, "thread %ld line %d %s", (long)(intptr_t)arg, i,
			  "payload-payload-payload-payload-payload-payload-payload");
	return NULL;
}

static void lines_from_threads_do_not_interleave(void **state)
{
	char path[] = "/tmp/sgw-log-XXXXXX";
	int fd = mkstemp(path);
	int saved = dup(2);
	pthread_t t[4];
	FILE *f;
	char line[1024];
	int lines = 0;

	assert_true(fd >= 0);
	dup2(fd, 2);
	for (long i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, writer, (void *)(intptr_t)i);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	dup2(saved, 2);
	close(saved);
	f = fdopen(fd, "r");
	rewind(f);
	while (fgets(line, sizeof(line), f)) {
		assert_non_null(strstr(line, " error rtp: thread "));
		assert_non_null(strstr(line, "payload-payload-payload-payload-payload-payload-payload\n"));
		lines++;
	}
	fclose(f);
	unlink(path);
	assert_int_equal(lines, 800);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		SGW_TEST(levels_filter_per_category),
		SGW_TEST(control_characters_are_escaped),
		SGW_TEST(names_round_trip),
		SGW_TEST(lines_from_threads_do_not_interleave),
	};
	return cmocka_run_group_tests_name("lib/log", tests, NULL, NULL);
}
