/* ctl_proto.c: tokenising and quoting of control request lines. */
#include "config.h"

#include "gw/ctl_proto.h"

#include <errno.h>
#include <string.h>

int ctl_tokenize(char *line, char **argv, int max)
{
	char *r = line, *w = line;
	int argc = 0;

	for (;;) {
		while (*r == ' ' || *r == '\t' || *r == '\r' || *r == '\n')
			r++;
		if (!*r)
			return argc;
		if (argc == max)
			return -E2BIG;
		argv[argc++] = w;
		if (*r == '"') {
			r++;
			while (*r != '"') {
				if (!*r)
					return -EINVAL;
				if (*r == '\\') {
					r++;
					if (*r != '\\' && *r != '"')
						return -EINVAL;
				}
				*w++ = *r++;
			}
			r++;
			if (*r && *r != ' ' && *r != '\t' && *r != '\r' && *r != '\n')
				return -EINVAL;
		} else {
			while (*r && *r != ' ' && *r != '\t' && *r != '\r' && *r != '\n') {
				if (*r == '"')
					return -EINVAL;
				*w++ = *r++;
			}
		}
		if (*r)
			r++;
		*w++ = '\0';
	}
}

int ctl_quote(const char *word, char *buf, size_t size)
{
	size_t n = 0;
	bool plain = *word && !strpbrk(word, " \t\"\\");

	if (plain) {
		n = strlen(word);
		if (n + 1 > size)
			return -ENOSPC;
		memcpy(buf, word, n + 1);
		return (int)n;
	}
	if (size < 3)
		return -ENOSPC;
	buf[n++] = '"';
	for (; *word; word++) {
		if (*word == '\n' || *word == '\r')
			return -EINVAL;
		if (n + 4 > size)
			return -ENOSPC;
		if (*word == '"' || *word == '\\')
			buf[n++] = '\\';
		buf[n++] = *word;
	}
	buf[n++] = '"';
	buf[n] = '\0';
	return (int)n;
}
