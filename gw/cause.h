/* cause.h: release causes across the gateway (ITU-T Q.850 <-> SIP status).
 *
 * ISDN to SIP follows RFC 3398 §7.2.4.1; SIP to ISDN follows RFC 3398
 * §8.2.6.1 (as RFC 4497 repeats it).  A Reason header (RFC 3326) carrying
 * a Q.850 cause wins over the status when there is one: it is what the far
 * exchange actually said (RFC 6432). */
#ifndef SGW_GW_CAUSE_H
#define SGW_GW_CAUSE_H

#include <stdbool.h>
#include <stddef.h>

/* Q.850 cause values the gateway names (table 1 of Q.850). */
enum q850_cause {
	Q850_UNALLOCATED_NUMBER = 1,
	Q850_NO_ROUTE_TRANSIT_NET = 2,
	Q850_NO_ROUTE_DESTINATION = 3,
	Q850_CHANNEL_UNACCEPTABLE = 6,
	Q850_NORMAL_CLEARING = 16,
	Q850_USER_BUSY = 17,
	Q850_NO_USER_RESPONSE = 18,
	Q850_NO_ANSWER = 19,
	Q850_SUBSCRIBER_ABSENT = 20,
	Q850_CALL_REJECTED = 21,
	Q850_NUMBER_CHANGED = 22,
	Q850_REDIRECTION = 23,
	Q850_DESTINATION_OUT_OF_ORDER = 27,
	Q850_INVALID_NUMBER_FORMAT = 28,
	Q850_FACILITY_REJECTED = 29,
	Q850_NORMAL_UNSPECIFIED = 31,
	Q850_NO_CIRCUIT_AVAILABLE = 34,
	Q850_NETWORK_OUT_OF_ORDER = 38,
	Q850_TEMPORARY_FAILURE = 41,
	Q850_SWITCH_CONGESTION = 42,
	Q850_REQUESTED_CHAN_UNAVAIL = 44,
	Q850_RESOURCE_UNAVAILABLE = 47,
	Q850_FACILITY_NOT_SUBSCRIBED = 50,
	Q850_OUTGOING_CALL_BARRED = 52,
	Q850_INCOMING_CALL_BARRED = 54,
	Q850_BEARER_CAP_NOT_AUTH = 57,
	Q850_BEARER_CAP_NOT_AVAIL = 58,
	Q850_SERVICE_NOT_AVAILABLE = 63,
	Q850_BEARER_CAP_NOT_IMPLEMENTED = 65,
	Q850_FACILITY_NOT_IMPLEMENTED = 69,
	Q850_SERVICE_NOT_IMPLEMENTED = 79,
	Q850_INVALID_CALL_REFERENCE = 81,
	Q850_INCOMPATIBLE_DESTINATION = 88,
	Q850_INVALID_MESSAGE = 95,
	Q850_MANDATORY_IE_MISSING = 96,
	Q850_MESSAGE_TYPE_NONEXIST = 97,
	Q850_WRONG_MESSAGE = 98,
	Q850_IE_NONEXIST = 99,
	Q850_INVALID_IE_CONTENTS = 100,
	Q850_WRONG_CALL_STATE = 101,
	Q850_RECOVERY_ON_TIMER_EXPIRE = 102,
	Q850_PROTOCOL_ERROR = 111,
	Q850_INTERWORKING = 127,
};

/* The Q.850 name of a cause ("user busy"), or "cause N" style for others. */
const char *q850_cause_name(int cause);
/* RFC 3398 §7.2.4.1: the SIP status for an ISDN release cause. */
int gw_cause_to_sip(int cause);
/* RFC 3398 §8.2.6.1: the ISDN cause for a SIP final response status. */
int gw_sip_to_cause(int status);
/* Operator overrides of the two mappings ([causes] in sipgw.conf). */
struct gw_cause_map {
	short to_sip[128];	   /* by Q.850 cause: the SIP status, 0 default */
	unsigned char to_q850[700]; /* by SIP status: the cause, 0 default */
};
/* Read "17:486, 34:503" (from_q850: cause:status) or "404:1, 486:17"
 * (status:cause) into m.  0, or -EINVAL with err naming the bad pair. */
int gw_cause_map_parse(struct gw_cause_map *m, const char *spec, bool from_q850, char *err, size_t errlen);
/* The mappings with m's overrides (m NULL: RFC 3398 only). */
int gw_cause_map_to_sip(const struct gw_cause_map *m, int cause);
int gw_cause_map_to_q850(const struct gw_cause_map *m, int status);

/* "Q.850;cause=17;text=\"user busy\"" for a Reason header (RFC 3326). */
int gw_reason_format(int cause, char *buf, size_t size);

#endif
