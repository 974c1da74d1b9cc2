/* conf.h: INI configuration parsed into typed, validated structures.
 *
 * A schema lists the sections a file may hold and, for each, its keys with
 * type, default, range and help text.  Loading fills one C struct per
 * section (at the offsets the schema gives), so the rest of the program reads
 * typed fields and never strings.  Everything wrong in the file is reported,
 * each as "file:line: what is wrong": an unknown section or key, a repeated
 * key, a value of the wrong type or out of range, a missing required key.
 * One error refuses the whole file: nothing is ever guessed or defaulted
 * around bad input.  inih does the tokenising; a line reader of ours counts
 * lines and checks the structure inih would otherwise pass over silently
 * (empty unknown sections, over-long lines). */
#ifndef SGW_LIB_CONF_H
#define SGW_LIB_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum conf_type {
	CONF_STRING,   /* char *, NULL when unset */
	CONF_INT,      /* int64_t within [min, max] */
	CONF_BOOL,     /* bool: yes/no, true/false, on/off, 1/0 */
	CONF_ENUM,     /* int: index into names, -1 when unset */
	CONF_DURATION, /* int64_t milliseconds; value needs a unit: ms, s, m, h */
	CONF_OCTAL,    /* int64_t, written as 0NNN (file modes) */
};

struct conf_key {
	const char *name;
	enum conf_type type;
	size_t offset;		  /* of the field in the section struct */
	const char *def;	  /* default, in file syntax; NULL: unset */
	int64_t min, max;	  /* INT/DURATION/OCTAL range; STRING: max length if > 0 */
	const char *const *names; /* ENUM: NULL-terminated value names */
	bool required;
	const char *help;
};

struct conf;
struct conf_section;
struct conf_parse;

struct conf_section_def {
	const char *name;
	bool named; /* written [name LABEL]; several may exist */
	size_t size;
	const struct conf_key *keys;
	size_t key_count;
	const char *help;
	/* Checks across keys once the section is read; report with
	 * conf_error_at().  May be NULL. */
	void (*validate)(struct conf_parse *p, const struct conf_section *s);
};

struct conf_schema {
	/* pointers, so layers can define their own sections in their own files */
	const struct conf_section_def *const *sections;
	size_t count;
	/* Checks across sections once the file is read.  May be NULL. */
	void (*validate)(struct conf_parse *p, const struct conf *c);
};

struct conf_section {
	const struct conf_section_def *def;
	char *label;	   /* NULL for unnamed sections */
	unsigned line;	   /* of the [header]; 0 when not in the file */
	unsigned *key_line; /* per key: line where it was set, 0 = default */
	void *data;	   /* the typed struct */
	struct conf_section *next;
};

struct conf {
	const struct conf_schema *schema;
	char *file;
	struct conf_section *first, *last;
};

struct conf_errors {
	char **msg;
	size_t count, capacity;
};

/* Load path (or, with conf_load_string, text named as `name` in messages).
 * Returns 0 and *out, or a negative value with every problem appended to
 * errs (which the caller frees with conf_errors_release). */
int conf_load(const struct conf_schema *schema, const char *path, struct conf **out,
	      struct conf_errors *errs);
int conf_load_string(const struct conf_schema *schema, const char *name, const char *text,
		     struct conf **out, struct conf_errors *errs);
void conf_free(struct conf *c);
void conf_errors_release(struct conf_errors *errs);

/* The struct of an unnamed section (always present, defaults if absent). */
const void *conf_get(const struct conf *c, const struct conf_section_def *def);
/* Iterate the sections of one kind: pass NULL first, then the previous. */
const struct conf_section *conf_next(const struct conf *c, const struct conf_section_def *def,
				     const struct conf_section *prev);
size_t conf_count(const struct conf *c, const struct conf_section_def *def);

/* For validate callbacks. */
void conf_error_at(struct conf_parse *p, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Line of a key (its section header's when defaulted) for messages. */
unsigned conf_key_line(const struct conf_section *s, const char *key);

/* The value of key number i of section s in file syntax; -ENOENT when
 * unset (a string or choice without default that the file did not set). */
int conf_value_format(const struct conf_section *s, size_t i, char *buf, size_t size);

/* The normalised configuration: every section and key, defaults included,
 * in a form that loads back to the same values. */
void conf_print(const struct conf *c, FILE *out);
/* A schema reference: sections and keys with type, default, range, help. */
void conf_schema_print(const struct conf_schema *schema, FILE *out);

#endif
