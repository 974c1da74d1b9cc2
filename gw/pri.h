/* pri.h: one ISDN PRI span running on one TDM span.
 *
 * isdn/ knows Q.921/Q.931 (through libpri) but not where its frames go;
 * tdm/ knows timeslots, HDLC and alarms but not what the frames mean.  A
 * gw_pri joins the two for the daemon, the tests and the benchmarks alike:
 *  - D-channel frames both ways (tdm_dframe_send / isdn_span_rx),
 *  - the line's alarms taking the ISDN span out of service and back
 *    (any alarm: calls fail with cause 38, channels out of service; the
 *    D-channel comes back by Q.921's own timers once the line is clean),
 *  - every block period, the owner's tick, where it reads and writes the
 *    B-channels of its calls (tdm_chan_read / tdm_chan_write),
 *  - the owner's call events, and the D-channel's state with the time of
 *    its last change, for `sipgwctl show span N`.
 * A span without signalling (isdn NULL) still ticks; frames are dropped.
 *
 * The TDM span is made by its backend with gw_pri_tdm_ops and the gw_pri as
 * argument, after gw_pri_init, and handed over with gw_pri_attach, which
 * starts libpri (so that its first frames find the cable).
 *
 * In the daemon the TDM span lives on a media worker's loop
 * (gw_pri_use_worker, before the span is made there): its ticks, and so the
 * B-channels' audio, run in that worker; D-channel frames and alarm changes
 * cross to the signalling thread (where libpri runs) through the worker's
 * report queue, and libpri's frames go back through its command queue, each
 * as a copy.  Without a worker everything runs in the caller's thread. */
#ifndef SGW_GW_PRI_H
#define SGW_GW_PRI_H

#include "isdn/isdn.h"
#include "tdm/tdm.h"

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

struct loop;
struct gw_pri;
struct media_worker;

struct gw_pri_ops {
	void (*call_event)(void *arg, struct gw_pri *p, struct isdn_call *call,
			   const struct isdn_event *ev);
	/* a block period passed: the span's channels can be read and written
	 * (in the thread that clocks the span: with a worker, that worker) */
	void (*tick)(void *arg, struct gw_pri *p, struct tdm_span *s);
	/* the D-channel came up or went down (optional) */
	void (*dchan)(void *arg, struct gw_pri *p, bool up);
};

struct gw_pri {
	struct loop *loop;
	struct isdn_span_opts opts;
	bool signalling;
	struct tdm_span *tdm;
	struct isdn_span *isdn; /* NULL: no signalling on this span */
	const struct gw_pri_ops *ops;
	void *arg;
	int number;
	bool trace;
	bool dchan_up;
	uint64_t dchan_downs; /* times the D-channel was lost */
	time_t dchan_since;   /* wall time of the last change, 0: never up */
	/* the media worker whose loop clocks the TDM span (NULL: this thread) */
	struct media_worker *worker;
	bool closing;
	uint64_t lost_frames; /* D-channel frames a full queue dropped */
};

extern const struct tdm_span_ops gw_pri_tdm_ops;

/* Set up p; with opts it will run ISDN (else a span without signalling). */
void gw_pri_init(struct gw_pri *p, struct loop *loop, int number, const struct isdn_span_opts *opts,
		 const struct gw_pri_ops *ops, void *arg);
/* The TDM span, made with gw_pri_tdm_ops and p: the ISDN span starts on
 * it, under the line's current alarms.  0, or a negative errno (libpri). */
int gw_pri_attach(struct gw_pri *p, struct tdm_span *t);
/* Clock the TDM span on w (the span must be made on w's loop, in w). */
void gw_pri_use_worker(struct gw_pri *p, struct media_worker *w);
/* Close the TDM span, then the ISDN span (its calls end with cause 38). */
void gw_pri_close(struct gw_pri *p);
/* The decoded Q.921/Q.931 trace of this span in the log, on or off. */
int gw_pri_trace(struct gw_pri *p, bool on);

/* "up", "down" or "none" (no signalling) */
const char *gw_pri_dchan_text(const struct gw_pri *p);
extern const char *const isdn_chan_state_names[];

#endif
