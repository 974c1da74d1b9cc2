/* cdr.c: durable CSV call records, see cdr.h. */
#include "config.h"

#include "gw/cdr.h"
#include "lib/buf.h"
#include "lib/log.h"
#include "lib/mem.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define CDR_HEADER                                                                                 \
	"call_id,start,answer,end,duration_s,billsec_s,direction,calling,called,calling_out,"     \
	"called_out,identity,span,channel,trunk,codec,q850_cause,sip_status,released_by,"         \
	"loss_pct,jitter_ms,mos,route\n"

struct gw_cdr_writer {
	int fd;
	char *path;
	uint64_t count;
};

/* A field, quoted when it must be (RFC 4180 §2). */
static void field(struct buf *b, const char *s, bool last)
{
	if (strpbrk(s, ",\"\r\n")) {
		buf_put(b, "\"", 1);
		for (; *s; s++) {
			if (*s == '"')
				buf_put(b, "\"", 1);
			buf_put(b, s, 1);
		}
		buf_put(b, "\"", 1);
	} else {
		buf_puts(b, s);
	}
	buf_put(b, last ? "\n" : ",", 1);
}

static void field_time(struct buf *b, uint64_t ms)
{
	char t[40] = "";

	if (ms) {
		time_t s = (time_t)(ms / 1000);
		struct tm tm;

		gmtime_r(&s, &tm);
		strftime(t, sizeof(t), "%Y-%m-%dT%H:%M:%S", &tm);
		snprintf(t + strlen(t), sizeof(t) - strlen(t), ".%03uZ", (unsigned)(ms % 1000));
	}
	field(b, t, false);
}

/* Cut a partial last line left by a crash; the records before it stay. */
static int repair_tail(int fd, const char *path)
{
	struct stat st;
	off_t end, pos;
	char c;

	if (fstat(fd, &st) < 0)
		return -errno;
	end = st.st_size;
	if (end == 0)
		return 0;
	if (pread(fd, &c, 1, end - 1) != 1)
		return -EIO;
	if (c == '\n')
		return 0;
	/* walk back to the last newline, bounded by the file's size */
	for (pos = end - 1; pos > 0; pos--) {
		if (pread(fd, &c, 1, pos - 1) != 1)
			return -EIO;
		if (c == '\n')
			break;
	}
	LOGP(LOGC_GW, LOGL_WARNING,
	     "CDR file %s ends in a partial record (%lld bytes, from an interrupted write); "
	     "cutting it off",
	     path, (long long)(end - pos));
	if (ftruncate(fd, pos) < 0 || fdatasync(fd) < 0)
		return -errno;
	return 0;
}

int gw_cdr_open(const char *path, struct gw_cdr_writer **out, char *err, size_t errlen)
{
	struct gw_cdr_writer *w;
	struct stat st;
	int fd, rc;

	fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
	if (fd < 0) {
		rc = -errno;
		snprintf(err, errlen, "cannot open CDR file %s: %s", path, strerror(-rc));
		return rc;
	}
	rc = repair_tail(fd, path);
	if (rc == 0 && fstat(fd, &st) == 0 && st.st_size == 0) {
		if (write(fd, CDR_HEADER, sizeof(CDR_HEADER) - 1) != (ssize_t)sizeof(CDR_HEADER) - 1 ||
		    fdatasync(fd) < 0)
			rc = -EIO;
	}
	if (rc < 0) {
		snprintf(err, errlen, "CDR file %s: %s", path, strerror(-rc));
		close(fd);
		return rc;
	}
	w = mem_zalloc(sizeof(*w));
	if (!w || !(w->path = mem_strdup(path))) {
		mem_free(w);
		close(fd);
		return -ENOMEM;
	}
	w->fd = fd;
	*out = w;
	return 0;
}

int gw_cdr_write(struct gw_cdr_writer *w, const struct gw_cdr *c)
{
	struct buf b = BUF_INIT;
	char num[64];
	uint64_t dur = c->end_ms > c->start_ms ? (c->end_ms - c->start_ms) / 1000 : 0;
	uint64_t bill = c->answer_ms && c->end_ms > c->answer_ms ? (c->end_ms - c->answer_ms) / 1000
								 : 0;
	ssize_t n;
	int rc = 0;

	field(&b, c->call_id, false);
	field_time(&b, c->start_ms);
	field_time(&b, c->answer_ms);
	field_time(&b, c->end_ms);
	snprintf(num, sizeof(num), "%" PRIu64, dur);
	field(&b, num, false);
	snprintf(num, sizeof(num), "%" PRIu64, bill);
	field(&b, num, false);
	field(&b, c->direction, false);
	field(&b, c->calling, false);
	field(&b, c->called, false);
	field(&b, c->calling_out, false);
	field(&b, c->called_out, false);
	field(&b, c->identity, false);
	snprintf(num, sizeof(num), "%d", c->span);
	field(&b, num, false);
	snprintf(num, sizeof(num), "%d", c->channel);
	field(&b, num, false);
	field(&b, c->trunk, false);
	field(&b, c->codec, false);
	snprintf(num, sizeof(num), "%d", c->q850_cause);
	field(&b, num, false);
	snprintf(num, sizeof(num), "%d", c->sip_status);
	field(&b, num, false);
	field(&b, c->released_by, false);
	snprintf(num, sizeof(num), "%.2f", c->loss_pct);
	field(&b, num, false);
	snprintf(num, sizeof(num), "%.1f", c->jitter_ms);
	field(&b, num, false);
	snprintf(num, sizeof(num), "%.2f", c->mos);
	field(&b, num, false);
	field(&b, c->route, true);
	if (b.oom) {
		buf_release(&b);
		return -ENOMEM;
	}
	/* one write: with O_APPEND the line lands whole after the last one */
	n = write(w->fd, b.p, b.len);
	if (n != (ssize_t)b.len) {
		rc = n < 0 ? -errno : -EIO;
		LOGP(LOGC_GW, LOGL_ERROR, "CDR %s not written to %s: %s", c->call_id, w->path,
		     strerror(-rc));
		if (n > 0) /* take the piece back so the file stays whole */
			repair_tail(w->fd, w->path);
	} else if (fdatasync(w->fd) < 0) {
		rc = -errno;
		LOGP(LOGC_GW, LOGL_ERROR, "CDR %s: fdatasync of %s failed: %s", c->call_id, w->path,
		     strerror(-rc));
	} else {
		w->count++;
	}
	buf_release(&b);
	return rc;
}

void gw_cdr_close(struct gw_cdr_writer *w)
{
	if (!w)
		return;
	close(w->fd);
	mem_free(w->path);
	mem_free(w);
}

uint64_t gw_cdr_count(const struct gw_cdr_writer *w)
{
	return w->count;
}
