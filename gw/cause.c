/* cause.c: Q.850 <-> SIP mapping tables, see cause.h.  Causes not in the
 * RFC 3398 table map by their class (Q.850 §2.2.5: the hundreds-digit
 * ranges: normal, resource unavailable, service unavailable, ...). */
#include "config.h"

#include "gw/cause.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

struct cause_row {
	int cause;
	int status;
	const char *name;
};

/* RFC 3398 §7.2.4.1 (cause -> status), with the Q.850 names.  The rows for
 * causes RFC 3398 leaves to the class rule (6, 44, 50, 52, 54, 63, 81,
 * 95-101) are our choice: what the caller should hear (barred -> 403). */
static const struct cause_row isdn_to_sip[] = {
	{1, 404, "unallocated (unassigned) number"},
	{2, 404, "no route to specified transit network"},
	{3, 404, "no route to destination"},
	{6, 500, "channel unacceptable"},
	{16, 0, "normal call clearing"}, /* a BYE, not a status */
	{17, 486, "user busy"},
	{18, 408, "no user responding"},
	{19, 480, "no answer from user (user alerted)"},
	{20, 480, "subscriber absent"},
	{21, 403, "call rejected"},
	{22, 410, "number changed"},
	{23, 410, "redirection to new destination"},
	{26, 404, "non-selected user clearing"},
	{27, 502, "destination out of order"},
	{28, 484, "invalid number format (address incomplete)"},
	{29, 501, "facility rejected"},
	{31, 480, "normal, unspecified"},
	{34, 503, "no circuit/channel available"},
	{38, 503, "network out of order"},
	{41, 503, "temporary failure"},
	{42, 503, "switching equipment congestion"},
	{44, 503, "requested circuit/channel not available"},
	{47, 503, "resource unavailable, unspecified"},
	{50, 403, "requested facility not subscribed"},
	{52, 403, "outgoing calls barred"},
	{54, 403, "incoming calls barred"},
	{55, 403, "incoming calls barred within CUG"},
	{57, 403, "bearer capability not authorized"},
	{58, 503, "bearer capability not presently available"},
	{63, 503, "service or option not available, unspecified"},
	{65, 488, "bearer capability not implemented"},
	{69, 501, "requested facility not implemented"},
	{70, 488, "only restricted digital information bearer capability is available"},
	{79, 501, "service or option not implemented, unspecified"},
	{81, 500, "invalid call reference value"},
	{87, 403, "user not member of CUG"},
	{88, 503, "incompatible destination"},
	{95, 500, "invalid message, unspecified"},
	{96, 500, "mandatory information element is missing"},
	{97, 500, "message type non-existent or not implemented"},
	{98, 500, "message not compatible with call state"},
	{99, 500, "information element non-existent or not implemented"},
	{100, 500, "invalid information element contents"},
	{101, 500, "message not compatible with call state"},
	{102, 504, "recovery on timer expiry"},
	{111, 500, "protocol error, unspecified"},
	{127, 500, "interworking, unspecified"},
};

/* RFC 3398 §8.2.6.1 (status -> cause). */
static const struct {
	int status, cause;
} sip_to_isdn[] = {
	{400, 41},  {401, 21}, {402, 21}, {403, 21}, {404, 1},	 {405, 63}, {406, 79},
	{407, 21},  {408, 102}, {410, 22}, {413, 127}, {414, 127}, {415, 79}, {416, 127},
	{420, 127}, {421, 127}, {423, 127}, {480, 18}, {481, 41},  {482, 25}, {483, 25},
	{484, 28},  {485, 1},	{486, 17}, {487, 127}, {488, 127}, {500, 41}, {501, 79},
	{502, 38},  {503, 41},	{504, 102}, {505, 127}, {580, 47}, {600, 17}, {603, 21},
	{604, 1},   {606, 58},
};

const char *q850_cause_name(int cause)
{
	for (size_t i = 0; i < sizeof(isdn_to_sip) / sizeof(isdn_to_sip[0]); i++)
		if (isdn_to_sip[i].cause == cause)
			return isdn_to_sip[i].name;
	return "unknown cause";
}

int gw_cause_to_sip(int cause)
{
	for (size_t i = 0; i < sizeof(isdn_to_sip) / sizeof(isdn_to_sip[0]); i++)
		if (isdn_to_sip[i].cause == cause)
			return isdn_to_sip[i].status ? isdn_to_sip[i].status : 480;
	/* by class (Q.850 §2.2.5) */
	if (cause < 32)
		return 480; /* normal event */
	if (cause < 48)
		return 503; /* resource unavailable */
	if (cause < 64)
		return 503; /* service or option not available */
	if (cause < 80)
		return 501; /* service or option not implemented */
	if (cause < 96)
		return 400; /* invalid message */
	return 500;	    /* protocol error, interworking */
}

int gw_sip_to_cause(int status)
{
	for (size_t i = 0; i < sizeof(sip_to_isdn) / sizeof(sip_to_isdn[0]); i++)
		if (sip_to_isdn[i].status == status)
			return sip_to_isdn[i].cause;
	/* §8.2.6.1: otherwise by class */
	if (status >= 600)
		return Q850_CALL_REJECTED;
	if (status >= 500)
		return Q850_TEMPORARY_FAILURE;
	if (status >= 400)
		return Q850_INTERWORKING;
	return Q850_NORMAL_UNSPECIFIED;
}

int gw_reason_format(int cause, char *buf, size_t size)
{
	int n = snprintf(buf, size, "Q.850;cause=%d;text=\"%s\"", cause, q850_cause_name(cause));

	return n < 0 || (size_t)n >= size ? -1 : n;
}

int gw_cause_map_parse(struct gw_cause_map *m, const char *spec, bool from_q850, char *err, size_t errlen)
{
	const char *p = spec;

	while (*p) {
		char *end;
		long a, b;

		while (*p == ' ' || *p == ',' || *p == '\t')
			p++;
		if (!*p)
			break;
		a = strtol(p, &end, 10);
		if (end == p || *end != ':') {
			snprintf(err, errlen, "'%.20s' is not FROM:TO (e.g. %s)", p, from_q850 ? "17:486" : "486:17");
			return -EINVAL;
		}
		p = end + 1;
		b = strtol(p, &end, 10);
		if (end == p) {
			snprintf(err, errlen, "'%.20s' is not FROM:TO (e.g. %s)", p, from_q850 ? "17:486" : "486:17");
			return -EINVAL;
		}
		p = end;
		if (from_q850 ? a < 1 || a > 127 || b < 300 || b > 699 : a < 300 || a > 699 || b < 1 || b > 127) {
			snprintf(err, errlen, "%ld:%ld: %s", a, b,
				 from_q850 ? "a Q.850 cause is 1-127 and a SIP failure status 300-699"
					   : "a SIP failure status is 300-699 and a Q.850 cause 1-127");
			return -EINVAL;
		}
		if (from_q850)
			m->to_sip[a] = (short)b;
		else
			m->to_q850[a] = (unsigned char)b;
		if (*p && *p != ',' && *p != ' ') {
			snprintf(err, errlen, "'%.20s': pairs are separated by commas", p);
			return -EINVAL;
		}
	}
	return 0;
}

int gw_cause_map_to_sip(const struct gw_cause_map *m, int cause)
{
	if (m && cause > 0 && cause < 128 && m->to_sip[cause])
		return m->to_sip[cause];
	return gw_cause_to_sip(cause);
}

int gw_cause_map_to_q850(const struct gw_cause_map *m, int status)
{
	if (m && status >= 300 && status < 700 && m->to_q850[status])
		return m->to_q850[status];
	return gw_sip_to_cause(status);
}
