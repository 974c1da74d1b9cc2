/* ctl_proto.h: the control socket's wire protocol, shared by sipgwd and
 * sipgwctl (doc/sipgwctl.8 has the operator's view).
 *
 * A request is one line: words separated by blanks; a word holding blanks
 * or quotes is written in double quotes with backslash escapes.  The word
 * --json anywhere asks for a JSON body.  A response is a status line, then
 * body lines, then a line holding only ".":
 *
 *     OK                          ERR unknown-command unknown command 'x'
 *     version: 0.1.0              .
 *     .
 *
 * A body line that starts with "." is sent with one more "." in front (as
 * SMTP does), so no body line can end the response early.  A connection
 * carries any number of requests, one after another. */
#ifndef SGW_GW_CTL_PROTO_H
#define SGW_GW_CTL_PROTO_H

#include <stdbool.h>
#include <stddef.h>

#define CTL_LINE_MAX 4096 /* longest request line */
#define CTL_ARGS_MAX 32

/* Split line (modified in place) into argv; returns argc or -EINVAL
 * (unterminated quote, bad escape) or -E2BIG (too many words). */
int ctl_tokenize(char *line, char **argv, int max);

/* Append word to buf as one request word, quoting when needed.  Returns
 * the length written (excluding NUL) or -ENOSPC. */
int ctl_quote(const char *word, char *buf, size_t size);

/* sipgwctl's exit codes */
enum ctl_exit {
	CTL_EXIT_OK = 0,
	CTL_EXIT_FAILED = 1,	 /* the daemon answered ERR */
	CTL_EXIT_USAGE = 2,	 /* bad command line */
	CTL_EXIT_NO_DAEMON = 3, /* could not reach the daemon */
};

#endif
