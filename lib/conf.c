/* conf.c: schema-driven INI loading on top of inih, see conf.h.
 *
 * inih (Debian's libinih 55) calls our handler for each key = value, but
 * gives no line numbers in this build and says nothing about a section
 * header with no keys under it.  So inih reads the file through our own line
 * reader (ini_parse_stream), which counts lines, sees every [header] as it
 * goes by, and checks what inih would refuse or truncate quietly (lines
 * that are neither a header nor key = value, over-long lines).  The handler
 * then files each key under the section the reader saw last, with the
 * reader's line number. */
#include "config.h"

#include "lib/conf.h"
#include "lib/mem.h"

#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define CONF_LINE_MAX 1024

struct conf_parse {
	const struct conf_schema *schema;
	const char *name; /* file name used in messages */
	struct conf *conf;
	struct conf_errors *errs;
	size_t nerrors; /* reported, even if the message could not be stored */

	/* line reader state */
	FILE *fp;	  /* file input, or */
	const char *text; /* string input */
	unsigned line;
	struct conf_section *cur; /* section of the last header, NULL before any/when bad */
	bool in_bad_section;	  /* keys under an unknown header are not reported again */
};

/* ---- errors --------------------------------------------------------------- */

static void errors_add(struct conf_errors *e, char *msg)
{
	if (!msg)
		return;
	if (e->count == e->capacity) {
		size_t cap = e->capacity ? e->capacity * 2 : 8;
		char **m = mem_realloc(e->msg, cap * sizeof(*m));

		if (!m) {
			mem_free(msg);
			return;
		}
		e->msg = m;
		e->capacity = cap;
	}
	e->msg[e->count++] = msg;
}

void conf_errors_release(struct conf_errors *e)
{
	for (size_t i = 0; i < e->count; i++)
		mem_free(e->msg[i]);
	mem_free(e->msg);
	e->msg = NULL;
	e->count = e->capacity = 0;
}

static void verror_at(struct conf_parse *p, unsigned line, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));
static void verror_at(struct conf_parse *p, unsigned line, const char *fmt, va_list ap)
{
	char text[512], full[700];

	p->nerrors++;
	vsnprintf(text, sizeof(text), fmt, ap);
	if (line)
		snprintf(full, sizeof(full), "%s:%u: %s", p->name, line, text);
	else
		snprintf(full, sizeof(full), "%s: %s", p->name, text);
	errors_add(p->errs, mem_strdup(full));
}

void conf_error_at(struct conf_parse *p, unsigned line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verror_at(p, line, fmt, ap);
	va_end(ap);
}

/* ---- sections ------------------------------------------------------------- */

static const struct conf_section_def *find_def(const struct conf_schema *s, const char *name,
					       size_t len)
{
	for (size_t i = 0; i < s->count; i++)
		if (strlen(s->sections[i]->name) == len && !strncmp(s->sections[i]->name, name, len))
			return s->sections[i];
	return NULL;
}

static int key_index(const struct conf_section_def *def, const char *name)
{
	for (size_t i = 0; i < def->key_count; i++)
		if (!strcmp(def->keys[i].name, name))
			return (int)i;
	return -1;
}

static void section_free(struct conf_section *s)
{
	for (size_t i = 0; s->data && i < s->def->key_count; i++) {
		const struct conf_key *k = &s->def->keys[i];

		if (k->type == CONF_STRING)
			mem_free(*(char **)((char *)s->data + k->offset));
	}
	mem_free(s->data);
	mem_free(s->key_line);
	mem_free(s->label);
	mem_free(s);
}

void conf_free(struct conf *c)
{
	struct conf_section *s, *next;

	if (!c)
		return;
	for (s = c->first; s; s = next) {
		next = s->next;
		section_free(s);
	}
	mem_free(c->file);
	mem_free(c);
}

static int set_value(struct conf_parse *p, struct conf_section *s, const struct conf_key *k,
		     const char *value, unsigned line);

static struct conf_section *section_new(struct conf_parse *p, const struct conf_section_def *def,
					const char *label, unsigned line)
{
	struct conf_section *s = mem_zalloc(sizeof(*s));

	if (!s)
		return NULL;
	s->def = def;
	s->line = line;
	s->data = mem_zalloc(def->size);
	s->key_line = mem_zalloc((def->key_count ? def->key_count : 1) * sizeof(unsigned));
	if (label)
		s->label = mem_strdup(label);
	if (!s->data || !s->key_line || (label && !s->label)) {
		section_free(s);
		return NULL;
	}
	/* defaults go through the same parser as file values */
	for (size_t i = 0; i < def->key_count; i++) {
		const struct conf_key *k = &def->keys[i];

		if (k->type == CONF_ENUM)
			*(int *)((char *)s->data + k->offset) = -1;
		if (k->def)
			set_value(p, s, k, k->def, 0);
	}
	s->next = NULL;
	if (p->conf->last)
		p->conf->last->next = s;
	else
		p->conf->first = s;
	p->conf->last = s;
	return s;
}

static struct conf_section *find_section(struct conf *c, const struct conf_section_def *def,
					 const char *label)
{
	for (struct conf_section *s = c->first; s; s = s->next)
		if (s->def == def && (!label || (s->label && !strcmp(s->label, label))))
			return s;
	return NULL;
}

static bool label_valid(const char *l)
{
	if (!*l)
		return false;
	for (; *l; l++)
		if (!isalnum((unsigned char)*l) && *l != '-' && *l != '_' && *l != '.')
			return false;
	return true;
}

/* A [header] line: "[name]" or "[name label]". */
static void section_header(struct conf_parse *p, const char *start, size_t len)
{
	char buf[CONF_LINE_MAX];
	const char *name, *label = NULL;
	const struct conf_section_def *def;
	char *sp;
	struct conf_section *old;

	p->cur = NULL;
	p->in_bad_section = true;
	if (len >= sizeof(buf))
		len = sizeof(buf) - 1;
	memcpy(buf, start, len);
	buf[len] = '\0';
	name = buf;
	while (isspace((unsigned char)*name))
		name++;
	sp = (char *)name + strlen(name);
	while (sp > name && isspace((unsigned char)sp[-1]))
		*--sp = '\0';
	sp = strpbrk(name, " \t");
	if (sp) {
		*sp = '\0';
		label = sp + 1;
		while (isspace((unsigned char)*label))
			label++;
	}
	def = find_def(p->schema, name, strlen(name));
	if (!def) {
		char known[256] = "";

		for (size_t i = 0; i < p->schema->count; i++) {
			size_t used = strlen(known);

			snprintf(known + used, sizeof(known) - used, "%s%s", i ? ", " : "",
				 p->schema->sections[i]->name);
		}
		conf_error_at(p, p->line, "unknown section [%s] (known sections: %s)", name, known);
		return;
	}
	if (def->named && !label) {
		conf_error_at(p, p->line, "section [%s] needs a name: [%s NAME]", name, name);
		return;
	}
	if (!def->named && label) {
		conf_error_at(p, p->line, "section [%s] takes no name (found '%s')", name, label);
		return;
	}
	if (label && !label_valid(label)) {
		conf_error_at(p, p->line,
			      "section [%s %s]: a name may hold only letters, digits, '-', '_' and '.'",
			      name, label);
		return;
	}
	old = find_section(p->conf, def, label);
	if (old && old->line) {
		if (label)
			conf_error_at(p, p->line, "duplicate section [%s %s] (first at line %u)",
				      name, label, old->line);
		else
			conf_error_at(p, p->line, "duplicate section [%s] (first at line %u)", name,
				      old->line);
		return;
	}
	if (old) {
		old->line = p->line; /* the default instance of an unnamed section */
	} else {
		old = section_new(p, def, label, p->line);
		if (!old) {
			conf_error_at(p, p->line, "out of memory");
			return;
		}
	}
	p->cur = old;
	p->in_bad_section = false;
}

/* ---- values --------------------------------------------------------------- */

static int parse_int(const char *v, int base, int64_t *out)
{
	char *end;
	long long n;

	if (!*v || isspace((unsigned char)*v))
		return -EINVAL;
	errno = 0;
	n = strtoll(v, &end, base);
	if (errno == ERANGE)
		return -ERANGE;
	if (*end)
		return -EINVAL;
	*out = n;
	return 0;
}

static int parse_duration(const char *v, int64_t *ms)
{
	static const struct {
		const char *unit;
		int64_t ms;
	} units[] = {{"ms", 1}, {"s", 1000}, {"m", 60000}, {"h", 3600000}};
	char *end;
	long long n;

	if (!isdigit((unsigned char)*v))
		return -EINVAL;
	errno = 0;
	n = strtoll(v, &end, 10);
	if (errno == ERANGE)
		return -ERANGE;
	if (!*end)
		return -ENOMSG; /* no unit */
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (!strcmp(end, units[i].unit)) {
			if (n > INT64_MAX / units[i].ms)
				return -ERANGE;
			*ms = n * units[i].ms;
			return 0;
		}
	}
	return -EINVAL;
}

static void format_duration(int64_t ms, char *buf, size_t size)
{
	if (ms && ms % 3600000 == 0)
		snprintf(buf, size, "%" PRId64 "h", ms / 3600000);
	else if (ms && ms % 60000 == 0)
		snprintf(buf, size, "%" PRId64 "m", ms / 60000);
	else if (ms && ms % 1000 == 0)
		snprintf(buf, size, "%" PRId64 "s", ms / 1000);
	else
		snprintf(buf, size, "%" PRId64 "ms", ms);
}

static void enum_list(const struct conf_key *k, char *buf, size_t size)
{
	buf[0] = '\0';
	for (size_t i = 0; k->names[i]; i++) {
		size_t used = strlen(buf);

		snprintf(buf + used, size - used, "%s%s", i ? ", " : "", k->names[i]);
	}
}

/* Parse value into the section struct; line 0 means a schema default. */
static int set_value(struct conf_parse *p, struct conf_section *s, const struct conf_key *k,
		     const char *value, unsigned line)
{
	void *field = (char *)s->data + k->offset;
	int64_t n = 0;
	int err;

	switch (k->type) {
	case CONF_STRING: {
		char *copy;

		for (const char *c = value; *c; c++) {
			if (iscntrl((unsigned char)*c)) {
				conf_error_at(p, line, "%s: control character in value", k->name);
				return -EINVAL;
			}
		}
		if (k->max > 0 && (int64_t)strlen(value) > k->max) {
			conf_error_at(p, line, "%s: value longer than %" PRId64 " characters",
				      k->name, k->max);
			return -EINVAL;
		}
		copy = mem_strdup(value);
		if (!copy) {
			conf_error_at(p, line, "out of memory");
			return -ENOMEM;
		}
		mem_free(*(char **)field);
		*(char **)field = copy;
		return 0;
	}
	case CONF_BOOL: {
		static const char *const yes[] = {"yes", "true", "on", "1"};
		static const char *const no[] = {"no", "false", "off", "0"};

		for (size_t i = 0; i < 4; i++) {
			if (!strcasecmp(value, yes[i])) {
				*(bool *)field = true;
				return 0;
			}
			if (!strcasecmp(value, no[i])) {
				*(bool *)field = false;
				return 0;
			}
		}
		conf_error_at(p, line, "%s: '%s' is not a boolean (use yes or no)", k->name,
			      value);
		return -EINVAL;
	}
	case CONF_ENUM: {
		char list[256];

		for (int i = 0; k->names[i]; i++) {
			if (!strcmp(value, k->names[i])) {
				*(int *)field = i;
				return 0;
			}
		}
		enum_list(k, list, sizeof(list));
		conf_error_at(p, line, "%s: '%s' is not one of: %s", k->name, value, list);
		return -EINVAL;
	}
	case CONF_INT:
		err = parse_int(value, 10, &n);
		if (err) {
			conf_error_at(p, line, "%s: '%s' is not a whole number", k->name, value);
			return err;
		}
		break;
	case CONF_OCTAL:
		err = value[0] == '0' ? parse_int(value, 8, &n) : -EINVAL;
		if (err) {
			conf_error_at(p, line, "%s: '%s' is not an octal mode like 0660", k->name,
				      value);
			return err;
		}
		break;
	case CONF_DURATION:
		err = parse_duration(value, &n);
		if (err == -ENOMSG) {
			conf_error_at(p, line, "%s: '%s' needs a unit: ms, s, m or h (e.g. %ss)",
				      k->name, value, value);
			return err;
		}
		if (err) {
			conf_error_at(p, line, "%s: '%s' is not a duration like 500ms, 30s, 5m or 1h",
				      k->name, value);
			return err;
		}
		break;
	}
	if (n < k->min || n > k->max) {
		if (k->type == CONF_DURATION) {
			char lo[32], hi[32];

			format_duration(k->min, lo, sizeof(lo));
			format_duration(k->max, hi, sizeof(hi));
			conf_error_at(p, line, "%s: %s is out of range %s..%s", k->name, value, lo,
				      hi);
		} else if (k->type == CONF_OCTAL) {
			conf_error_at(p, line, "%s: %s is out of range 0%" PRIo64 "..0%" PRIo64,
				      k->name, value, k->min, k->max);
		} else {
			conf_error_at(p, line, "%s: %s is out of range %" PRId64 "..%" PRId64,
				      k->name, value, k->min, k->max);
		}
		return -ERANGE;
	}
	*(int64_t *)field = n;
	return 0;
}

/* inih handler: one key = value of the section the reader saw last. */
static int on_key(void *user, const char *section, const char *name, const char *value)
{
	struct conf_parse *p = user;
	struct conf_section *s = p->cur;
	int i;

	(void)section;
	if (!s) {
		if (!p->in_bad_section)
			conf_error_at(p, p->line, "'%s' set outside of any section", name);
		return 1;
	}
	i = key_index(s->def, name);
	if (i < 0) {
		conf_error_at(p, p->line, "unknown key '%s' in section [%s]", name, s->def->name);
		return 1;
	}
	if (s->key_line[i]) {
		conf_error_at(p, p->line, "%s: set twice in this section (first at line %u)", name,
			      s->key_line[i]);
		return 1;
	}
	if (set_value(p, s, &s->def->keys[i], value, p->line) == 0)
		s->key_line[i] = p->line;
	return 1;
}

/* ---- the line reader ------------------------------------------------------ */

/* Get the next raw line into buf (with its '\n'); NULL at the end. */
static char *raw_line(struct conf_parse *p, char *buf, size_t size, bool *too_long)
{
	size_t n = 0;

	*too_long = false;
	if (p->fp) {
		int c;

		while ((c = getc(p->fp)) != EOF) {
			if (n + 2 < size)
				buf[n++] = (char)c;
			else
				*too_long = true;
			if (c == '\n')
				break;
		}
		if (c == EOF && n == 0 && !*too_long)
			return NULL;
	} else {
		if (!*p->text)
			return NULL;
		while (*p->text) {
			char c = *p->text++;

			if (n + 2 < size)
				buf[n++] = c;
			else
				*too_long = true;
			if (c == '\n')
				break;
		}
	}
	if (*too_long && n > 0 && buf[n - 1] != '\n')
		buf[n++] = '\n';
	buf[n] = '\0';
	return buf;
}

static char *reader(char *str, int num, void *stream)
{
	struct conf_parse *p = stream;
	bool too_long;
	char *s, *end;

	if (!raw_line(p, str, (size_t)num, &too_long))
		return NULL;
	p->line++;
	if (too_long) {
		conf_error_at(p, p->line, "line longer than %d characters", num - 3);
		str[0] = '\n';
		str[1] = '\0';
		return str;
	}
	s = str;
	if (p->line == 1 && !strncmp(s, "\xEF\xBB\xBF", 3))
		s += 3;
	while (*s == ' ' || *s == '\t')
		s++;
	if (*s == '\n' || *s == '\r' || *s == '\0' || *s == ';' || *s == '#')
		return str;
	if (*s == '[') {
		end = strchr(s, ']');
		if (!end) {
			conf_error_at(p, p->line, "section header without closing ']'");
			p->cur = NULL;
			p->in_bad_section = true;
			str[0] = '\n';
			str[1] = '\0';
			return str;
		}
		for (const char *t = end + 1; *t; t++) {
			if (*t == ';' || *t == '#')
				break;
			if (!isspace((unsigned char)*t)) {
				conf_error_at(p, p->line, "text after section header ']'");
				break;
			}
		}
		section_header(p, s + 1, (size_t)(end - s - 1));
		return str;
	}
	if (!strpbrk(s, "=:")) {
		conf_error_at(p, p->line, "expected 'key = value' or '[section]'");
		str[0] = '\n';
		str[1] = '\0';
		return str;
	}
	if (*s == '=' || *s == ':') {
		conf_error_at(p, p->line, "key name missing before '%c'", *s);
		str[0] = '\n';
		str[1] = '\0';
	}
	return str;
}

/* ---- load ----------------------------------------------------------------- */

static void check_required(struct conf_parse *p)
{
	for (struct conf_section *s = p->conf->first; s; s = s->next) {
		for (size_t i = 0; i < s->def->key_count; i++) {
			const struct conf_key *k = &s->def->keys[i];

			if (k->required && !s->key_line[i]) {
				if (s->label)
					conf_error_at(p, s->line, "[%s %s]: required key '%s' missing",
						      s->def->name, s->label, k->name);
				else
					conf_error_at(p, s->line, "[%s]: required key '%s' missing",
						      s->def->name, k->name);
			}
		}
		if (s->def->validate)
			s->def->validate(p, s);
	}
}

static int load(struct conf_parse *p, struct conf **out)
{
	int rc;

	p->conf = mem_zalloc(sizeof(*p->conf));
	if (!p->conf)
		return -ENOMEM;
	p->conf->schema = p->schema;
	p->conf->file = mem_strdup(p->name);
	/* every unnamed section exists, with its defaults, even if absent */
	for (size_t i = 0; i < p->schema->count; i++)
		if (!p->schema->sections[i]->named && !section_new(p, p->schema->sections[i], NULL, 0))
			conf_error_at(p, 0, "out of memory");

	ini_allow_multiline = false; /* continuation lines would hide indentation mistakes */
	rc = ini_parse_stream(reader, p, on_key, p);
	if (rc == -2)
		conf_error_at(p, 0, "out of memory");
	else if (rc > 0 && p->nerrors == 0)
		conf_error_at(p, (unsigned)rc, "syntax error");
	if (p->nerrors == 0) {
		check_required(p);
		if (p->schema->validate && p->nerrors == 0)
			p->schema->validate(p, p->conf);
	}
	if (p->nerrors || !p->conf->file) {
		if (!p->conf->file)
			conf_error_at(p, 0, "out of memory");
		conf_free(p->conf);
		return -EINVAL;
	}
	*out = p->conf;
	return 0;
}

int conf_load(const struct conf_schema *schema, const char *path, struct conf **out,
	      struct conf_errors *errs)
{
	struct conf_parse p = {.schema = schema, .name = path, .errs = errs};
	int rc;

	p.fp = fopen(path, "re");
	if (!p.fp) {
		int err = -errno;

		conf_error_at(&p, 0, "cannot open: %s", strerror(-err));
		return err;
	}
	rc = load(&p, out);
	if (ferror(p.fp)) {
		conf_error_at(&p, p.line, "read error");
		if (rc == 0) {
			conf_free(*out);
			*out = NULL;
			rc = -EIO;
		}
	}
	fclose(p.fp);
	return rc;
}

int conf_load_string(const struct conf_schema *schema, const char *name, const char *text,
		     struct conf **out, struct conf_errors *errs)
{
	struct conf_parse p = {.schema = schema, .name = name, .errs = errs, .text = text};

	return load(&p, out);
}

/* ---- access --------------------------------------------------------------- */

const void *conf_get(const struct conf *c, const struct conf_section_def *def)
{
	for (const struct conf_section *s = c->first; s; s = s->next)
		if (s->def == def)
			return s->data;
	return NULL;
}

const struct conf_section *conf_next(const struct conf *c, const struct conf_section_def *def,
				     const struct conf_section *prev)
{
	const struct conf_section *s = prev ? prev->next : c->first;

	for (; s; s = s->next)
		if (s->def == def)
			return s;
	return NULL;
}

size_t conf_count(const struct conf *c, const struct conf_section_def *def)
{
	size_t n = 0;

	for (const struct conf_section *s = c->first; s; s = s->next)
		n += s->def == def;
	return n;
}

unsigned conf_key_line(const struct conf_section *s, const char *key)
{
	int i = key_index(s->def, key);

	return i >= 0 && s->key_line[i] ? s->key_line[i] : s->line;
}

/* ---- printing ------------------------------------------------------------- */

static void print_value(const struct conf_key *k, const void *data, char *buf, size_t size)
{
	const void *field = (const char *)data + k->offset;
	int64_t n;

	switch (k->type) {
	case CONF_STRING:
		snprintf(buf, size, "%s", *(char *const *)field ? *(char *const *)field : "");
		return;
	case CONF_BOOL:
		snprintf(buf, size, "%s", *(const bool *)field ? "yes" : "no");
		return;
	case CONF_ENUM: {
		int i = *(const int *)field;

		snprintf(buf, size, "%s", i >= 0 ? k->names[i] : "");
		return;
	}
	case CONF_INT:
		snprintf(buf, size, "%" PRId64, *(const int64_t *)field);
		return;
	case CONF_OCTAL:
		n = *(const int64_t *)field;
		snprintf(buf, size, "0%" PRIo64, n);
		return;
	case CONF_DURATION:
		format_duration(*(const int64_t *)field, buf, size);
		return;
	}
}

static bool value_unset(const struct conf_key *k, const void *data)
{
	const void *field = (const char *)data + k->offset;

	return (k->type == CONF_STRING && !*(char *const *)field) ||
	       (k->type == CONF_ENUM && *(const int *)field < 0);
}

int conf_value_format(const struct conf_section *s, size_t i, char *buf, size_t size)
{
	if (i >= s->def->key_count)
		return -EINVAL;
	if (value_unset(&s->def->keys[i], s->data))
		return -ENOENT;
	print_value(&s->def->keys[i], s->data, buf, size);
	return 0;
}

void conf_print(const struct conf *c, FILE *out)
{
	char buf[CONF_LINE_MAX];

	fprintf(out, "; %s, normalised: every key with its value or default\n", c->file);
	for (const struct conf_section *s = c->first; s; s = s->next) {
		fprintf(out, "\n[%s%s%s]\n", s->def->name, s->label ? " " : "",
			s->label ? s->label : "");
		for (size_t i = 0; i < s->def->key_count; i++) {
			const struct conf_key *k = &s->def->keys[i];

			if (value_unset(k, s->data)) {
				fprintf(out, "; %s = (unset)\n", k->name);
				continue;
			}
			print_value(k, s->data, buf, sizeof(buf));
			fprintf(out, "%s = %s\n", k->name, buf);
		}
	}
}

static const char *type_name(const struct conf_key *k)
{
	switch (k->type) {
	case CONF_STRING:
		return "string";
	case CONF_INT:
		return "integer";
	case CONF_BOOL:
		return "yes|no";
	case CONF_ENUM:
		return "choice";
	case CONF_DURATION:
		return "duration";
	case CONF_OCTAL:
		return "octal mode";
	}
	return "?";
}

void conf_schema_print(const struct conf_schema *schema, FILE *out)
{
	for (size_t i = 0; i < schema->count; i++) {
		const struct conf_section_def *d = schema->sections[i];

		fprintf(out, "[%s%s]  %s\n", d->name, d->named ? " NAME" : "", d->help ? d->help : "");
		for (size_t j = 0; j < d->key_count; j++) {
			const struct conf_key *k = &d->keys[j];
			char list[256] = "";

			if (k->type == CONF_ENUM)
				enum_list(k, list, sizeof(list));
			fprintf(out, "  %-18s %s%s%s%s, default %s%s: %s\n", k->name, type_name(k),
				list[0] ? " (" : "", list, list[0] ? ")" : "",
				k->def ? k->def : "unset", k->required ? ", required" : "",
				k->help ? k->help : "");
		}
	}
}
