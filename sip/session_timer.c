/* session_timer.c: RFC 4028 decisions and RFC 3261 §14.1 glare interval. */
#include "config.h"

#include "sip/session_timer.h"

#include <string.h>

#define RFC4028_MIN_SE 90 /* §4: the smallest Min-SE there is */

static uint32_t our_min_se(const struct sip_st_config *cfg)
{
	return cfg->min_se > RFC4028_MIN_SE ? cfg->min_se : RFC4028_MIN_SE;
}

void sip_st_uas_decide(const struct sip_st_config *cfg, const struct sip_st_request *req,
		       struct sip_st_decision *out)
{
	uint32_t min_se = our_min_se(cfg);
	uint32_t want = cfg->session_expires ? cfg->session_expires : 1800;

	memset(out, 0, sizeof(*out));
	if (req->min_se > min_se)
		min_se = req->min_se; /* §9: the larger of the two */
	if (req->session_expires) {
		/* §9: too small a Session-Expires gets 422 with our Min-SE, but
		 * only if the UAC can understand it (it sent Supported: timer) */
		if (req->session_expires < min_se && req->supported) {
			out->reject_status = 422;
			out->min_se = min_se;
			return;
		}
		out->session_expires = req->session_expires < min_se ? min_se
								     : req->session_expires;
		if (want < out->session_expires && want >= min_se)
			out->session_expires = want; /* §9: the UAS may lower it */
	} else {
		/* §9: no Session-Expires: the UAS may add one of its own */
		out->session_expires = want < min_se ? min_se : want;
	}
	if (req->supported) {
		out->refresher = req->refresher != SIP_REFRESHER_NONE
					 ? req->refresher
					 : cfg->prefer_refresher ? SIP_REFRESHER_UAS
								 : SIP_REFRESHER_UAC;
		out->require_timer = out->refresher == SIP_REFRESHER_UAC;
	} else {
		/* §9: a UAC without timer support cannot refresh: we do */
		out->refresher = SIP_REFRESHER_UAS;
	}
}

void sip_st_uac_accept(const struct sip_st_config *cfg, bool answer_has_se, uint32_t se,
		       enum sip_refresher refresher, struct sip_st_decision *out)
{
	memset(out, 0, sizeof(*out));
	if (!answer_has_se)
		return; /* §7.2: no Session-Expires in the 2xx: no timer */
	out->session_expires = se;
	/* §7.2: no refresher named: the UAC refreshes */
	out->refresher = refresher == SIP_REFRESHER_NONE ? SIP_REFRESHER_UAC : refresher;
}

uint32_t sip_st_refresh_after_ms(uint32_t se)
{
	return se * 500u;
}

uint32_t sip_st_expire_after_ms(uint32_t se)
{
	uint32_t margin = se / 3 < 32 ? se / 3 : 32;

	return (se - margin) * 1000u;
}

uint32_t sip_glare_retry_ms(bool owns_call_id, double r)
{
	uint32_t steps = (uint32_t)(r * (owns_call_id ? 191 : 201)); /* 10 ms steps */

	if (owns_call_id)
		return 2100 + 10 * (steps > 190 ? 190 : steps);
	return 10 * (steps > 200 ? 200 : steps);
}
