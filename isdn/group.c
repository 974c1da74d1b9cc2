/* group.c: span groups and hunting, see group.h. */
#include "config.h"

#include "isdn/group.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

const char *const isdn_hunt_names[] = {"first", "roundrobin", "leastused", NULL};

void isdn_group_init(struct isdn_group *g, const char *name, enum isdn_hunt hunt)
{
	memset(g, 0, sizeof(*g));
	snprintf(g->name, sizeof(g->name), "%s", name);
	g->hunt = hunt;
	g->last = ISDN_GROUP_MAX_SPANS - 1;
}

int isdn_group_add(struct isdn_group *g, struct isdn_span *span)
{
	if (g->nspans == ISDN_GROUP_MAX_SPANS)
		return -ENOSPC;
	g->spans[g->nspans++] = span;
	return 0;
}

static bool usable(struct isdn_span *s)
{
	return isdn_span_dchan_up(s) && isdn_span_busy(s) < isdn_span_channels(s);
}

int isdn_group_place(struct isdn_group *g, const struct isdn_setup *setup, void *user,
		     struct isdn_call **out)
{
	struct isdn_setup s = *setup;
	size_t order[ISDN_GROUP_MAX_SPANS], n = 0;
	bool any_up = false;

	s.channel = 0; /* the span picks its first free channel */
	if (g->hunt == ISDN_HUNT_LEASTUSED) {
		/* spans by busy count, ties in group order (insertion sort, stable) */
		for (size_t i = 0; i < g->nspans; i++) {
			size_t j = n++;

			while (j > 0 &&
			       isdn_span_busy(g->spans[order[j - 1]]) > isdn_span_busy(g->spans[i])) {
				order[j] = order[j - 1];
				j--;
			}
			order[j] = i;
		}
	} else {
		size_t start = g->hunt == ISDN_HUNT_ROUNDROBIN ? (g->last + 1) % (g->nspans ? g->nspans : 1)
							       : 0;

		for (size_t k = 0; k < g->nspans; k++)
			order[n++] = (start + k) % g->nspans;
	}
	for (size_t k = 0; k < n; k++) {
		struct isdn_span *span = g->spans[order[k]];

		any_up |= isdn_span_dchan_up(span);
		if (!usable(span))
			continue;
		if (isdn_call_place(span, &s, user, out) == 0) {
			g->last = order[k];
			return 0;
		}
	}
	return any_up ? -EBUSY : -ENETDOWN;
}
