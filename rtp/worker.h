/* worker.h: the media workers: a pool of threads (one per core by
 * default), each running its own event loop that owns a set of media
 * channels (their RTP sockets, timers and jitter buffers).
 *
 * The signalling thread hands a worker work as commands (a function and
 * its argument) through the worker's queue, woken by an eventfd; a worker
 * reports back (a digit, a fax tone, an RTP timeout, statistics) the same
 * way through the pool's report queue, which the signalling loop watches.
 * The queues take a mutex for the moment of a push or a pop; nothing on
 * the per-packet path takes one: a channel is only ever touched by the
 * worker that owns it. */
#ifndef SGW_RTP_WORKER_H
#define SGW_RTP_WORKER_H

#include <stddef.h>

struct loop;
struct media_pool;
struct media_worker;

typedef void (*media_fn)(void *arg);

/* n workers (0: one per online core); reports go to the signalling loop. */
int media_pool_new(struct loop *signalling, unsigned n, struct media_pool **out);
/* Stop every worker (their queued commands run first) and join them. */
void media_pool_free(struct media_pool *p);
unsigned media_pool_size(const struct media_pool *p);
struct media_worker *media_pool_worker(struct media_pool *p, unsigned i);
/* The worker owning the fewest channels. */
struct media_worker *media_pool_pick(struct media_pool *p);

/* Run fn(arg) in the worker's thread; -EAGAIN when its queue is full. */
int media_worker_run(struct media_worker *w, media_fn fn, void *arg);
/* The same, waiting until it has run (set-up, tests, benchmarks). */
int media_worker_run_sync(struct media_worker *w, media_fn fn, void *arg);
/* From a worker: run fn(arg) in the signalling thread. */
int media_worker_report(struct media_worker *w, media_fn fn, void *arg);
/* From the signalling thread: run every report queued so far, now (before
 * freeing what queued reports point to). */
void media_pool_drain_reports(struct media_pool *p);
/* The pool a worker belongs to. */
struct media_pool *media_worker_pool(struct media_worker *w);
/* The worker's loop: for sessions it owns (use it in its thread only). */
struct loop *media_worker_loop(struct media_worker *w);
/* Channels a worker owns, for media_pool_pick. */
void media_worker_load(struct media_worker *w, int delta);
unsigned media_worker_channels(const struct media_worker *w);

#endif
