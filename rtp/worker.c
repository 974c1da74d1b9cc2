/* worker.c: media worker threads and their command queues, see worker.h. */
#include "config.h"

#include "rtp/worker.h"
#include "lib/log.h"
#include "lib/loop.h"
#include "lib/mem.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/eventfd.h>
#include <unistd.h>

#define QUEUE_LEN 4096

struct cmd {
	media_fn fn;
	void *arg;
};

/* A queue of commands one thread pushes and another's loop drains. */
struct cmdq {
	pthread_mutex_t mu;
	struct cmd ring[QUEUE_LEN];
	size_t head, count;
	int efd;
	bool inited;
	struct loop_watch w;
};

struct media_worker {
	struct media_pool *pool;
	struct loop *loop;
	pthread_t thread;
	bool started;
	struct cmdq q;
	atomic_uint channels;
};

struct media_pool {
	struct loop *signalling;
	struct cmdq reports;
	struct media_worker *w;
	unsigned n;
};

static int cmdq_init(struct cmdq *q)
{
	pthread_mutex_init(&q->mu, NULL);
	q->inited = true;
	q->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	return q->efd < 0 ? -errno : 0;
}

static void cmdq_fini(struct cmdq *q)
{
	if (!q->inited)
		return;
	if (q->efd >= 0)
		close(q->efd);
	pthread_mutex_destroy(&q->mu);
	q->inited = false;
}

static int cmdq_push(struct cmdq *q, media_fn fn, void *arg)
{
	uint64_t one = 1;

	pthread_mutex_lock(&q->mu);
	if (q->count == QUEUE_LEN) {
		pthread_mutex_unlock(&q->mu);
		return -EAGAIN;
	}
	q->ring[(q->head + q->count) % QUEUE_LEN] = (struct cmd){fn, arg};
	q->count++;
	pthread_mutex_unlock(&q->mu);
	if (write(q->efd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		return -errno;
	return 0;
}

/* Run what is queued now (commands queued meanwhile wait for the next wake). */
static void cmdq_drain(struct loop *loop, struct loop_watch *w, uint32_t events)
{
	struct cmdq *q = w->arg;
	uint64_t v;
	size_t n;

	(void)loop;
	(void)events;
	if (read(q->efd, &v, sizeof(v)) < 0 && errno != EAGAIN)
		return;
	pthread_mutex_lock(&q->mu);
	n = q->count;
	pthread_mutex_unlock(&q->mu);
	while (n--) {
		struct cmd c;

		pthread_mutex_lock(&q->mu);
		c = q->ring[q->head];
		q->head = (q->head + 1) % QUEUE_LEN;
		q->count--;
		pthread_mutex_unlock(&q->mu);
		c.fn(c.arg);
	}
}

static void *worker_main(void *arg)
{
	struct media_worker *w = arg;
	sigset_t all;

	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL); /* signals are the signalling loop's */
	loop_run(w->loop);
	return NULL;
}

static void stop_loop(void *arg)
{
	loop_stop(arg);
}

int media_pool_new(struct loop *signalling, unsigned n, struct media_pool **out)
{
	struct media_pool *p;
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	int rc;

	if (!n)
		n = cores > 0 ? (unsigned)cores : 1;
	if (!(p = mem_zalloc(sizeof(*p))) || !(p->w = mem_zalloc(sizeof(*p->w) * n))) {
		mem_free(p);
		return -ENOMEM;
	}
	p->signalling = signalling;
	p->n = n;
	p->reports.efd = -1;
	for (unsigned i = 0; i < n; i++) {
		p->w[i].pool = p;
		p->w[i].q.efd = -1;
	}
	if ((rc = cmdq_init(&p->reports)) < 0 ||
	    (signalling && (rc = loop_watch_add(signalling, &p->reports.w, p->reports.efd, EPOLLIN,
						cmdq_drain, &p->reports)) < 0))
		goto fail;
	for (unsigned i = 0; i < n; i++) {
		struct media_worker *w = &p->w[i];

		if ((rc = loop_new(&w->loop)) < 0 || (rc = cmdq_init(&w->q)) < 0 ||
		    (rc = loop_watch_add(w->loop, &w->q.w, w->q.efd, EPOLLIN, cmdq_drain, &w->q)) < 0)
			goto fail;
		if ((rc = -pthread_create(&w->thread, NULL, worker_main, w)) < 0)
			goto fail;
		w->started = true;
	}
	LOGP(LOGC_RTP, LOGL_INFO, "%u media workers", n);
	*out = p;
	return 0;
fail:
	media_pool_free(p);
	return rc;
}

void media_pool_free(struct media_pool *p)
{
	if (!p)
		return;
	for (unsigned i = 0; i < p->n; i++) {
		struct media_worker *w = &p->w[i];

		if (w->started) {
			cmdq_push(&w->q, stop_loop, w->loop);
			pthread_join(w->thread, NULL);
		}
		if (w->loop) {
			if (w->q.w.active)
				loop_watch_del(w->loop, &w->q.w);
			loop_free(w->loop);
		}
		cmdq_fini(&w->q);
	}
	if (p->signalling && p->reports.w.active)
		loop_watch_del(p->signalling, &p->reports.w);
	cmdq_fini(&p->reports);
	mem_free(p->w);
	mem_free(p);
}

unsigned media_pool_size(const struct media_pool *p)
{
	return p->n;
}

struct media_worker *media_pool_worker(struct media_pool *p, unsigned i)
{
	return i < p->n ? &p->w[i] : NULL;
}

struct media_worker *media_pool_pick(struct media_pool *p)
{
	struct media_worker *best = &p->w[0];

	for (unsigned i = 1; i < p->n; i++)
		if (atomic_load(&p->w[i].channels) < atomic_load(&best->channels))
			best = &p->w[i];
	return best;
}

int media_worker_run(struct media_worker *w, media_fn fn, void *arg)
{
	return cmdq_push(&w->q, fn, arg);
}

struct sync_call {
	media_fn fn;
	void *arg;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool done;
};

static void sync_trampoline(void *arg)
{
	struct sync_call *c = arg;

	c->fn(c->arg);
	pthread_mutex_lock(&c->mu);
	c->done = true;
	pthread_cond_signal(&c->cv);
	pthread_mutex_unlock(&c->mu);
}

int media_worker_run_sync(struct media_worker *w, media_fn fn, void *arg)
{
	struct sync_call c = {.fn = fn, .arg = arg};
	int rc;

	pthread_mutex_init(&c.mu, NULL);
	pthread_cond_init(&c.cv, NULL);
	if ((rc = cmdq_push(&w->q, sync_trampoline, &c)) == 0) {
		pthread_mutex_lock(&c.mu);
		while (!c.done)
			pthread_cond_wait(&c.cv, &c.mu);
		pthread_mutex_unlock(&c.mu);
	}
	pthread_cond_destroy(&c.cv);
	pthread_mutex_destroy(&c.mu);
	return rc;
}

int media_worker_report(struct media_worker *w, media_fn fn, void *arg)
{
	return cmdq_push(&w->pool->reports, fn, arg);
}

void media_pool_drain_reports(struct media_pool *p)
{
	struct loop_watch w = {.arg = &p->reports};

	cmdq_drain(p->signalling, &w, EPOLLIN);
}

struct media_pool *media_worker_pool(struct media_worker *w)
{
	return w->pool;
}

struct loop *media_worker_loop(struct media_worker *w)
{
	return w->loop;
}

void media_worker_load(struct media_worker *w, int delta)
{
	if (delta >= 0)
		atomic_fetch_add(&w->channels, (unsigned)delta);
	else
		atomic_fetch_sub(&w->channels, (unsigned)-delta);
}

unsigned media_worker_channels(const struct media_worker *w)
{
	return atomic_load(&w->channels);
}
