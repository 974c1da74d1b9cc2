/* group.h: span groups and B-channel hunting (issue 8's call API for gw/).
 *
 * A group is an ordered list of spans that serve the same destination; a
 * call placed on the group goes out on a span whose line and D-channel are
 * up and that has a free B-channel, chosen by the group's strategy:
 *   first       the first span in order with a free channel (fills span 1
 *               before span 2: what most PBX trunk groups expect)
 *   roundrobin  the span after the one used last
 *   leastused   the span with the fewest busy channels
 * Within a span the channel is its first free one (isdn_call_place).
 * When no span can take the call: -EBUSY (cause 34) if some span is up but
 * full, -ENETDOWN (cause 38 toward SIP: 503) if none is up. */
#ifndef SGW_ISDN_GROUP_H
#define SGW_ISDN_GROUP_H

#include "isdn/isdn.h"

#define ISDN_GROUP_MAX_SPANS 255

enum isdn_hunt { ISDN_HUNT_FIRST, ISDN_HUNT_ROUNDROBIN, ISDN_HUNT_LEASTUSED };

extern const char *const isdn_hunt_names[];

struct isdn_group {
	char name[64];
	enum isdn_hunt hunt;
	struct isdn_span *spans[ISDN_GROUP_MAX_SPANS];
	size_t nspans;
	size_t last; /* round robin: index of the span used last */
};

void isdn_group_init(struct isdn_group *g, const char *name, enum isdn_hunt hunt);
int isdn_group_add(struct isdn_group *g, struct isdn_span *span);
int isdn_group_place(struct isdn_group *g, const struct isdn_setup *setup, void *user,
		     struct isdn_call **out);

#endif
