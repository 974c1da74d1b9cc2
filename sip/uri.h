/* uri.h: SIP, SIPS and tel URIs (RFC 3261 §19.1, RFC 3966), parsed into
 * views of the text, and compared the way the RFCs say.
 *
 *   sip:user:password@host:port;uri-parameters?headers
 *   tel:+49-30-1234567;ext=12;isub=5     tel:1234567;phone-context=+4930
 *
 * Parameters and headers stay as text (a view of everything after the
 * first ';' or '?'); sip_uri_param() finds one.  Escapes (%HH) stay in the
 * views: sip_uri_unescape() decodes a component into a buffer. */
#ifndef SGW_SIP_URI_H
#define SGW_SIP_URI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/strview.h"

enum sip_uri_scheme { SIP_URI_SIP, SIP_URI_SIPS, SIP_URI_TEL, SIP_URI_OTHER };

struct sip_uri {
	enum sip_uri_scheme scheme;
	struct sv scheme_text;
	/* sip/sips */
	struct sv user, password, host; /* host without [] for IPv6 */
	bool host_ipv6;
	uint16_t port; /* 0: none given */
	struct sv params;  /* ";a=b;c" (with the leading ';'), empty when none */
	struct sv headers; /* "h=v&h2=v2" (after '?'), empty when none */
	/* tel */
	struct sv number; /* the telephone-subscriber's number, separators kept */
	bool global;	  /* "+" number */
};

/* 0, or -EINVAL when the text is not a URI of its scheme's grammar.
 * Schemes other than sip/sips/tel parse as SIP_URI_OTHER with only
 * scheme_text set (RFC 3261 §8.2.2.1: 416 for a Request-URI of that kind). */
int sip_uri_parse(struct sip_uri *u, struct sv text);

/* A parameter's value by name (case-insensitive); *found false when absent.
 * A parameter without '=' has an empty value. */
struct sv sip_uri_param(const struct sip_uri *u, const char *name, bool *found);

/* A URI header's value by name (case-insensitive), still escaped; *found
 * false when absent ("?Replaces=abc%40h&Subject=x"). */
struct sv sip_uri_header(const struct sip_uri *u, const char *name, bool *found);

/* Decode %HH escapes; returns the decoded length or -ENOSPC/-EINVAL.  The
 * output may hold NUL bytes (RFC 4475 §3.1.1.4): use the length. */
int sip_uri_unescape(struct sv in, char *out, size_t size);

/* RFC 3261 §19.1.4 for sip/sips; RFC 3966 §4 for tel (visual separators
 * ignored, parameters compared whatever their order). */
bool sip_uri_equal(const struct sip_uri *a, const struct sip_uri *b);

#endif
