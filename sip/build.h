/* build.h: writing SIP messages into a caller's buffer (no allocation).
 *
 * A builder appends the start line, headers and body; running out of room
 * is remembered and reported once by sip_build_finish, so call sites stay
 * straight.  sip_msg_print writes a parsed message back out (canonical
 * header names, folding removed, the body as it was): it parses back to
 * the same fields.  sip_build_response starts the response to a request the
 * way RFC 3261 §8.2.6.2 says: Via (all of them, in order), From, To (with
 * our tag unless one is there), Call-ID and CSeq copied. */
#ifndef SGW_SIP_BUILD_H
#define SGW_SIP_BUILD_H

#include <stdbool.h>
#include <stddef.h>

#include "sip/msg.h"

struct sip_build {
	char *buf;
	size_t size, len;
	bool overflow;
};

void sip_build_init(struct sip_build *b, char *buf, size_t size);
void sip_build_request(struct sip_build *b, struct sv method, struct sv uri);
void sip_build_status(struct sip_build *b, int status, const char *reason);
void sip_build_hdr(struct sip_build *b, const char *name, struct sv value);
void sip_build_hdrf(struct sip_build *b, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Content-Type (when a body is given), Content-Length, the empty line and
 * the body.  Returns the message length or -ENOSPC. */
int sip_build_finish(struct sip_build *b, const char *content_type, struct sv body);

/* The response to req: status line and the copied headers (§8.2.6.2); the
 * caller adds Contact, Allow, ... and finishes. */
void sip_build_response(struct sip_build *b, const struct sip_msg *req, int status,
			const char *reason, const char *to_tag);

/* The response to a request that did not parse (RFC 4475 §3.1: 400 naming
 * the fault, 505): the status line and the Via, From, To, Call-ID and CSeq
 * lines copied as they came, so the sender can match it.  The caller
 * finishes it. */
void sip_build_error_response(struct sip_build *b, const char *raw, size_t len, int status,
			      const char *reason);

/* The same, for a request that arrived from src_ip:src_port: the top Via
 * gets received= (RFC 3261 §18.2.1, when the sent-by host differs, and
 * always with rport) and rport's value (RFC 3581 §4). */
void sip_build_response_rx(struct sip_build *b, const struct sip_msg *req, int status,
			   const char *reason, const char *to_tag, const char *src_ip,
			   unsigned src_port);

int sip_msg_print(const struct sip_msg *m, char *buf, size_t size);

#endif
