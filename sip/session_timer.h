/* session_timer.h: RFC 4028 session timers and RFC 3261 §14.1 glare.
 *
 * The decisions, on numbers the message layer has read: what a UAS answers
 * to an INVITE with or without Session-Expires, what a UAC makes of the
 * answer, and when the refresher refreshes and the other side gives up.
 * Keeping them apart from the dialog code lets every rule be tested. */
#ifndef SGW_SIP_SESSION_TIMER_H
#define SGW_SIP_SESSION_TIMER_H

#include <stdbool.h>
#include <stdint.h>

enum sip_refresher { SIP_REFRESHER_NONE, SIP_REFRESHER_UAC, SIP_REFRESHER_UAS };

struct sip_st_config {
	uint32_t session_expires; /* what we want, default 1800 */
	uint32_t min_se;	  /* the least we accept, at least 90 (RFC 4028 §4) */
	bool prefer_refresher;	  /* take the refresher role when we may choose */
};

/* What the request said (0/NONE: absent). */
struct sip_st_request {
	bool supported;	     /* Supported: timer */
	uint32_t session_expires;
	enum sip_refresher refresher;
	uint32_t min_se;
};

struct sip_st_decision {
	int reject_status;	  /* 422 when the interval is too small, else 0 */
	uint32_t min_se;	  /* for the 422's Min-SE */
	uint32_t session_expires; /* 0: no session timer on this dialog */
	enum sip_refresher refresher;
	bool require_timer; /* put Require: timer in the 2xx */
};

/* RFC 4028 §9: the UAS side of an INVITE (or UPDATE) that may carry one. */
void sip_st_uas_decide(const struct sip_st_config *cfg, const struct sip_st_request *req,
		       struct sip_st_decision *out);
/* RFC 4028 §7.2: the UAC side of a 2xx; the answer's values or none. */
void sip_st_uac_accept(const struct sip_st_config *cfg, bool answer_has_se, uint32_t se,
		       enum sip_refresher refresher, struct sip_st_decision *out);
/* RFC 4028 §10: the refresher refreshes at half the interval; the other side
 * sends BYE when it runs out, minus min(32, SE/3) seconds. */
uint32_t sip_st_refresh_after_ms(uint32_t session_expires);
uint32_t sip_st_expire_after_ms(uint32_t session_expires);

/* RFC 3261 §14.1: wait before retrying after 491: 2.1 to 4 s in 10 ms steps
 * when we chose the Call-ID, else 0 to 2 s.  r in [0, 1). */
uint32_t sip_glare_retry_ms(bool owns_call_id, double r);

#endif
