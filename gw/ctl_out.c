/* ctl_out.c: reply builder, see ctl_out.h.  JSON strings are escaped per
 * RFC 8259 §7, and bytes that are not valid UTF-8 (a peer's User-Agent may
 * hold anything) become U+FFFD so the document always parses. */
#include "config.h"

#include "gw/ctl_out.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void ctl_out_init(struct ctl_out *o, bool json)
{
	memset(o, 0, sizeof(*o));
	o->json = json;
	o->first[0] = true;
}

void ctl_out_release(struct ctl_out *o)
{
	buf_release(&o->body);
}

static void put(struct ctl_out *o, const char *s, size_t n)
{
	buf_put(&o->body, s, n);
}

static void puts_(struct ctl_out *o, const char *s)
{
	buf_puts(&o->body, s);
}

/* Length of the valid UTF-8 sequence at s (1..4), or 0 if invalid. */
static size_t utf8_len(const unsigned char *s)
{
	size_t n;
	uint32_t cp;

	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0) {
		n = 2;
		cp = s[0] & 0x1f;
	} else if ((s[0] & 0xf0) == 0xe0) {
		n = 3;
		cp = s[0] & 0x0f;
	} else if ((s[0] & 0xf8) == 0xf0) {
		n = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

static void put_json_string(struct ctl_out *o, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	put(o, "\"", 1);
	while (*p) {
		size_t n;
		char esc[8];

		if (*p == '"' || *p == '\\') {
			esc[0] = '\\';
			esc[1] = (char)*p;
			put(o, esc, 2);
			p++;
		} else if (*p < 0x20) {
			snprintf(esc, sizeof(esc), "\\u%04x", *p);
			puts_(o, esc);
			p++;
		} else if ((n = utf8_len(p)) == 0) {
			puts_(o, "\\ufffd");
			p++;
		} else {
			put(o, (const char *)p, n);
			p += n;
		}
	}
	put(o, "\"", 1);
}

static void indent(struct ctl_out *o)
{
	for (int i = 1; i < o->depth; i++) /* depth 1 is the implicit top level */
		put(o, "  ", 2);
}

/* Start a member: comma/key in JSON, indentation/key in text. */
static void open_container(struct ctl_out *o, const char *key, bool array);

static void member(struct ctl_out *o, const char *key, bool container)
{
	if (o->depth == 0)
		open_container(o, NULL, false); /* the implicit top-level object */
	if (o->json) {
		if (!o->first[o->depth])
			put(o, ",", 1);
		if (key && !o->in_array[o->depth]) {
			put_json_string(o, key);
			put(o, ":", 1);
		}
	} else {
		indent(o);
		if (o->in_array[o->depth])
			puts_(o, "- ");
		if (key && !o->in_array[o->depth]) {
			puts_(o, key);
			puts_(o, container ? ":\n" : ": ");
		} else if (container) {
			puts_(o, "\n");
		}
	}
	o->first[o->depth] = false;
}

static void open_container(struct ctl_out *o, const char *key, bool array)
{
	/* the top-level object is implicit in text and written once in JSON */
	if (o->depth == 0 && !array && !key && o->first[0]) {
		if (o->json)
			put(o, "{", 1);
		o->first[0] = false;
		o->depth = 1;
		o->first[1] = true;
		o->in_array[1] = false;
		return;
	}
	if (o->depth >= CTL_OUT_DEPTH) {
		o->body.oom = true;
		return;
	}
	member(o, key, true);
	if (o->json)
		put(o, array ? "[" : "{", 1);
	o->depth++;
	o->first[o->depth] = true;
	o->in_array[o->depth] = array;
}

static void close_container(struct ctl_out *o, bool array)
{
	if (o->depth == 0)
		return;
	if (o->json)
		put(o, array ? "]" : "}", 1);
	o->depth--;
}

void ctl_obj_begin(struct ctl_out *o, const char *key)
{
	open_container(o, key, false);
}

void ctl_obj_end(struct ctl_out *o)
{
	close_container(o, false);
}

void ctl_arr_begin(struct ctl_out *o, const char *key)
{
	open_container(o, key, true);
}

void ctl_arr_end(struct ctl_out *o)
{
	close_container(o, true);
}

void ctl_str(struct ctl_out *o, const char *key, const char *value)
{
	member(o, key, false);
	if (o->json) {
		if (value)
			put_json_string(o, value);
		else
			puts_(o, "null");
		return;
	}
	/* text: one line per value; embedded newlines would break framing */
	for (const char *c = value ? value : "-"; *c; c++)
		put(o, (*c == '\n' || *c == '\r') ? " " : c, 1);
	put(o, "\n", 1);
}

void ctl_int(struct ctl_out *o, const char *key, int64_t value)
{
	char num[32];

	snprintf(num, sizeof(num), "%" PRId64, value);
	member(o, key, false);
	puts_(o, num);
	if (!o->json)
		put(o, "\n", 1);
}

void ctl_bool(struct ctl_out *o, const char *key, bool value)
{
	member(o, key, false);
	if (o->json)
		puts_(o, value ? "true" : "false");
	else
		puts_(o, value ? "yes\n" : "no\n");
}

void ctl_text(struct ctl_out *o, const char *text)
{
	if (o->json)
		return;
	puts_(o, text);
	if (*text && text[strlen(text) - 1] != '\n')
		put(o, "\n", 1);
}

void ctl_out_error(struct ctl_out *o, const char *code, const char *fmt, ...)
{
	va_list ap;

	snprintf(o->err_code, sizeof(o->err_code), "%s", code);
	va_start(ap, fmt);
	vsnprintf(o->err_msg, sizeof(o->err_msg), fmt, ap);
	va_end(ap);
	for (char *c = o->err_msg; *c; c++)
		if (*c == '\n' || *c == '\r')
			*c = ' ';
}

void ctl_out_finish(struct ctl_out *o)
{
	if (o->first[0])
		ctl_obj_begin(o, NULL);
	if (o->err_code[0] && o->json) {
		while (o->depth > 1)
			close_container(o, o->in_array[o->depth]);
		ctl_obj_begin(o, "error");
		ctl_str(o, "code", o->err_code);
		ctl_str(o, "message", o->err_msg);
		ctl_obj_end(o);
	}
	while (o->depth > 0)
		close_container(o, o->in_array[o->depth]);
	if (o->json)
		put(o, "\n", 1);
}
