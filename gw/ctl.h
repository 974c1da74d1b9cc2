/* ctl.h: the control socket server of sipgwd.
 *
 * A Unix stream socket, non-blocking on the signalling loop.  Each
 * connection is read line by line (ctl_proto.h); each line runs the
 * command registered for its leading words, whose answer is rendered as
 * text or JSON (ctl_out.h).  Limits: connections at once, line length,
 * queued output, idle time; hitting one closes that connection only. */
#ifndef SGW_GW_CTL_H
#define SGW_GW_CTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "gw/ctl_out.h"
#include "lib/buf.h"
#include "gw/ctl_proto.h"

struct loop;
struct ctl_server;

struct ctl_request {
	int argc; /* the command's own arguments, after its words */
	char **argv;
	bool json;
};

typedef void (*ctl_command_fn)(const struct ctl_request *req, struct ctl_out *out, void *arg);

struct ctl_command {
	const char *words; /* "status", "show config" */
	const char *usage; /* arguments, for help: "" or "NAME" */
	const char *help;
	int min_args, max_args;
	ctl_command_fn fn;
};

struct ctl_server_opts {
	const char *path;
	mode_t mode;
	uid_t uid; /* (uid_t)-1: leave */
	gid_t gid; /* (gid_t)-1: leave */
	unsigned max_clients;
	uint64_t idle_timeout_ms;
};

/* Bind and listen; refuses if another daemon answers on path.  On error,
 * err names what failed. */
int ctl_server_open(struct loop *loop, const struct ctl_server_opts *opts,
		    struct ctl_server **out, char *err, size_t errlen);
void ctl_server_close(struct ctl_server *srv);
void ctl_server_set_commands(struct ctl_server *srv, const struct ctl_command *cmds, size_t n,
			     void *arg);
void ctl_server_set_limits(struct ctl_server *srv, unsigned max_clients,
			   uint64_t idle_timeout_ms);

size_t ctl_server_clients(const struct ctl_server *srv);
uint64_t ctl_server_requests(const struct ctl_server *srv);
const char *ctl_server_path(const struct ctl_server *srv);

/* Run one request line as if it came from a client (tests, and -T style
 * tools); the response, as sent on the wire, is appended to wire. */
void ctl_server_handle_line(struct ctl_server *srv, char *line, struct buf *wire);

#endif
