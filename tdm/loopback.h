/* loopback.h: spans joined by a virtual cable, for tests and for running a
 * gateway without a card.
 *
 * In one process, a pair: every block period (the pair's own clock, a
 * timerfd armed on absolute deadlines, so it does not drift) each side's
 * written blocks arrive at the other side, every timeslot bit-exact, one
 * block later; D-channel frames get their FCS computed on the way out and
 * checked on the way in, and arrive at the next tick (or after their
 * 64 kbit/s serialisation time when that is modelled).
 *
 * Across two processes, one end per process over a SOCK_SEQPACKET socket
 * (socketpair, or a Unix socket path): each end keeps its own clock and
 * sends one packet of blocks per tick and one packet per frame; an end that
 * has nothing from the peer for three block periods raises red alarm.
 *
 * Unplugging (or the peer going away) raises red alarm on both ends;
 * replugging clears it.  Impairments for tests: corrupt every Nth frame's
 * FCS, slip a block every N ticks, add delay. */
#ifndef SGW_TDM_LOOPBACK_H
#define SGW_TDM_LOOPBACK_H

#include "tdm/tdm.h"

struct loop;

struct tdm_impair {
	unsigned bad_fcs_every; /* corrupt every Nth D-channel frame sent; 0: none */
	unsigned slip_every;	/* drop one received block every N ticks; 0: none */
	unsigned delay_blocks;	/* extra delay of the audio, in blocks, 0..8 */
	bool dchan_serialise;	/* model the 64 kbit/s D-channel's sending time */
};

/* Two spans of one process, joined; both must have the same type and block. */
int tdm_lb_pair_new(struct loop *loop, const struct tdm_span_config *ca, const struct tdm_span_ops *opsa,
		    void *arga, const struct tdm_span_config *cb, const struct tdm_span_ops *opsb,
		    void *argb, struct tdm_span **a, struct tdm_span **b);
/* One end over a connected SOCK_SEQPACKET socket fd (taken over). */
int tdm_lb_remote_new(struct loop *loop, int fd, const struct tdm_span_config *c,
		      const struct tdm_span_ops *ops, void *arg, struct tdm_span **out);

/* An end whose socket comes later (a gateway that listens for, or keeps
 * dialling, the other one): red until tdm_lb_remote_attach gives it one. */
int tdm_lb_remote_unconnected(struct loop *loop, const struct tdm_span_config *c,
			      const struct tdm_span_ops *ops, void *arg, struct tdm_span **out);
/* Take a connected socket (a previous one is closed). */
int tdm_lb_remote_attach(struct tdm_span *s, int fd);
/* Has this end a live socket to the other? */
bool tdm_lb_remote_connected(const struct tdm_span *s);

void tdm_lb_unplug(struct tdm_span *s);
void tdm_lb_replug(struct tdm_span *s);
bool tdm_lb_plugged(const struct tdm_span *s);
/* Impairments of what s sends (bad FCS, delay) and receives (slips). */
int tdm_lb_impair(struct tdm_span *s, const struct tdm_impair *imp);
/* Stop the pair's clock and run ticks by hand (benchmarks, tests). */
void tdm_lb_manual_clock(struct tdm_span *s);
void tdm_lb_tick(struct tdm_span *s);

#endif
