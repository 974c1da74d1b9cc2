/* buf.h: a growable byte buffer for building output (control replies,
 * printed configs).  Not for the per-packet path, which never allocates.
 * A failed allocation sets oom and makes later appends no-ops, so builders
 * check once at the end. */
#ifndef SGW_LIB_BUF_H
#define SGW_LIB_BUF_H

#include <stdbool.h>
#include <stddef.h>

struct buf {
	char *p; /* NUL-terminated when not empty */
	size_t len, cap;
	bool oom;
};

#define BUF_INIT ((struct buf){NULL, 0, 0, false})

void buf_put(struct buf *b, const void *data, size_t len);
void buf_puts(struct buf *b, const char *s);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Drop the first n bytes (consumed output). */
void buf_consume(struct buf *b, size_t n);
void buf_reset(struct buf *b);
void buf_release(struct buf *b);

#endif
