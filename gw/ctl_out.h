/* ctl_out.h: building a control reply once, rendered as text or JSON.
 *
 * A command handler describes its answer as nested objects, arrays and
 * scalars; the same calls produce "key: value" lines for people or a JSON
 * document for scripts, so the two never disagree. */
#ifndef SGW_GW_CTL_OUT_H
#define SGW_GW_CTL_OUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/buf.h"

#define CTL_OUT_DEPTH 16

struct ctl_out {
	struct buf body;
	bool json;
	int depth;
	bool first[CTL_OUT_DEPTH + 1];	  /* no member written yet at this depth */
	bool in_array[CTL_OUT_DEPTH + 1];
	/* set by ctl_out_error: the reply is an ERR */
	char err_code[48];
	char err_msg[256];
};

void ctl_out_init(struct ctl_out *o, bool json);
void ctl_out_release(struct ctl_out *o);

/* key is NULL for members of arrays. */
void ctl_obj_begin(struct ctl_out *o, const char *key);
void ctl_obj_end(struct ctl_out *o);
void ctl_arr_begin(struct ctl_out *o, const char *key);
void ctl_arr_end(struct ctl_out *o);
void ctl_str(struct ctl_out *o, const char *key, const char *value); /* NULL: null */
void ctl_int(struct ctl_out *o, const char *key, int64_t value);
void ctl_bool(struct ctl_out *o, const char *key, bool value);
/* Raw text lines (text mode only; used for e.g. the normalised config). */
void ctl_text(struct ctl_out *o, const char *text);

/* Close what is open; JSON gets its top-level object and, for an error,
 * an "error": {"code", "message"} member.  Call once, before sending. */
void ctl_out_finish(struct ctl_out *o);

/* Make the reply an error; code is a short word, msg one line. */
void ctl_out_error(struct ctl_out *o, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
