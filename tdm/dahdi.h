/* dahdi.h: spans on DAHDI (Digium/Asterisk telephony interface cards and
 * DAHDI's dynamic spans), through its user interface <dahdi/user.h>.
 *
 * The operator configures the card with dahdi_cfg (/etc/dahdi/system.conf:
 * span lines, bchan=, dchan=); sipgw opens each timeslot's channel through
 * /dev/dahdi/channel with DAHDI_SPECIFY, sets the block size and law, turns
 * the kernel's echo canceller off (ours runs in the media path), and runs
 * the D-channel in DAHDI's HDLC mode, where the kernel computes the FCS on
 * transmit and checks it on receive (bad FCS, abort and overrun come as
 * events, counted here).  Alarms come from DAHDI_SPANSTAT and the
 * D-channel's alarm events.
 *
 * The span's clock is the card's: when the first B-channel has a block,
 * every B-channel's block is read, ops->tick runs, and each channel's next
 * block is written. */
#ifndef SGW_TDM_DAHDI_H
#define SGW_TDM_DAHDI_H

#include "tdm/tdm.h"

struct loop;

/* first_channel: DAHDI's channel number of timeslot 1 of this span (1 for
 * the first E1, 32 for the second, ...); dahdi_span: DAHDI's span number,
 * for DAHDI_SPANSTAT. */
int tdm_dahdi_open(struct loop *loop, const struct tdm_span_config *c, int dahdi_span,
		   int first_channel, const struct tdm_span_ops *ops, void *arg,
		   struct tdm_span **out, char *err, size_t errlen);
/* Read alarms and counters again (DAHDI_SPANSTAT); the description DAHDI
 * gives ("Dynamic 'loc' span at ...") into desc. */
int tdm_dahdi_refresh(struct tdm_span *s, char *desc, size_t size);

#endif
