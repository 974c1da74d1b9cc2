/* strview.h: borrowed string views, a pointer and a length into a buffer that
 * somebody else owns (the received SIP datagram, a config line).  Parsers hand
 * these out instead of copies; the view lives as long as the buffer. */
#ifndef SGW_LIB_STRVIEW_H
#define SGW_LIB_STRVIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>

struct sv {
	const char *p;
	size_t len;
};

#define SV_NULL ((struct sv){NULL, 0})
#define SV_LIT(s) ((struct sv){(s), sizeof(s) - 1})

static inline struct sv sv_make(const char *p, size_t len)
{
	return (struct sv){p, len};
}

static inline struct sv sv_cstr(const char *s)
{
	return (struct sv){s, s ? strlen(s) : 0};
}

static inline bool sv_is_set(struct sv v)
{
	return v.p != NULL;
}

static inline bool sv_eq(struct sv a, struct sv b)
{
	return a.len == b.len && (a.len == 0 || memcmp(a.p, b.p, a.len) == 0);
}

/* ASCII case-insensitive comparison, as SIP header names and tokens need. */
static inline bool sv_eq_nocase(struct sv a, struct sv b)
{
	return a.len == b.len && (a.len == 0 || strncasecmp(a.p, b.p, a.len) == 0);
}

static inline bool sv_eq_cstr(struct sv a, const char *s)
{
	return sv_eq(a, sv_cstr(s));
}

static inline bool sv_eq_cstr_nocase(struct sv a, const char *s)
{
	return sv_eq_nocase(a, sv_cstr(s));
}

/* Without leading and trailing linear white space (SP, HT, CR, LF: SIP's
 * LWS, folding included). */
static inline struct sv sv_trim_lws(struct sv v)
{
	while (v.len && (v.p[0] == ' ' || v.p[0] == '\t' || v.p[0] == '\r' || v.p[0] == '\n')) {
		v.p++;
		v.len--;
	}
	while (v.len && (v.p[v.len - 1] == ' ' || v.p[v.len - 1] == '\t' ||
			 v.p[v.len - 1] == '\r' || v.p[v.len - 1] == '\n'))
		v.len--;
	return v;
}

/* Copy into a NUL-terminated buffer, truncating; returns dst. */
static inline char *sv_to_buf(struct sv v, char *dst, size_t size)
{
	size_t n;

	if (size == 0)
		return dst;
	n = v.len < size - 1 ? v.len : size - 1;
	if (n)
		memcpy(dst, v.p, n);
	dst[n] = '\0';
	return dst;
}

#endif
