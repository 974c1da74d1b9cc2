/* The jitter buffer against a simulated network: a 20 ms G.711 stream
 * whose packets are lost, reordered, duplicated and delayed by a shim
 * (deterministic, seeded), delivered by simulated arrival time, while the
 * media clock takes a frame every 20 ms.  What comes out is checked as the
 * TDM side would hear it: every frame in order, a concealed frame exactly
 * where a packet was lost, nothing played twice; the delay grows with the
 * jitter and comes back when the network calms; fixed mode never moves. */
#include "config.h"

#include "rtp/jb.h"
#include "testutil.h"

#define N 1500	      /* 30 s of 20 ms packets */
#define SPF 160	      /* samples a frame */

struct pkt {
	uint64_t at;  /* simulated arrival, ms */
	uint16_t seq;
	uint32_t ts;
	uint32_t ssrc;
};

struct shim {
	unsigned loss_every;   /* drop every Nth packet */
	unsigned swap_every;   /* swap the Nth with the next */
	unsigned dup_every;    /* send every Nth twice */
	unsigned jitter_ms;    /* extra delay 0..jitter_ms, uniform */
	unsigned calm_after;   /* packets after this one have no jitter */
};

static struct pkt pk[2 * N];
static size_t npk;
static bool lost[N];
static uint32_t rng = 12345;

static unsigned rnd(unsigned n)
{
	rng = rng * 1103515245u + 12345u;
	return n ? (rng >> 16) % n : 0;
}

/* the sender's packets through the shim, sorted by arrival */
static void make_stream(const struct shim *sh)
{
	npk = 0;
	memset(lost, 0, sizeof(lost));
	for (unsigned i = 0; i < N; i++) {
		struct pkt p = {.at = 20u * i + 5, .seq = (uint16_t)(60000 + i), .ts = 4000000000u + SPF * i,
				.ssrc = 7};

		if (sh->jitter_ms && (!sh->calm_after || i < sh->calm_after))
			p.at += rnd(sh->jitter_ms + 1);
		if (sh->swap_every && i % sh->swap_every == 1)
			p.at += 25; /* arrives after the next one */
		if (sh->loss_every && i % sh->loss_every == 3) {
			lost[i] = true;
			continue;
		}
		pk[npk++] = p;
		if (sh->dup_every && i % sh->dup_every == 2) {
			p.at += 3;
			pk[npk++] = p;
		}
	}
	/* insertion sort by arrival time: stable, so equal times keep send order */
	for (size_t i = 1; i < npk; i++) {
		struct pkt t = pk[i];
		size_t j = i;

		while (j > 0 && pk[j - 1].at > t.at) {
			pk[j] = pk[j - 1];
			j--;
		}
		pk[j] = t;
	}
}

struct result {
	unsigned played, missing, grows, empty;
	bool in_order;
	unsigned target_max, target_end;
	struct jb_stats st;
};

/* Run the simulation: packets in as they arrive, a frame out every 20 ms. */
static void run(struct jb *jb, struct result *r)
{
	size_t next = 0;
	uint32_t last_ts = 0;
	bool have_last = false;
	struct jb_frame f;

	memset(r, 0, sizeof(*r));
	r->in_order = true;
	/* until every packet has arrived and been played (bounded as well) */
	for (uint64_t t = 0; t < 20u * N + 2000 && (next < npk || jb->count); t++) {
		while (next < npk && pk[next].at <= t) {
			uint8_t payload[SPF];

			memset(payload, (int)(pk[next].seq & 0xff), sizeof(payload));
			jb_put(jb, pk[next].ssrc, pk[next].seq, pk[next].ts, 8, false, payload, SPF, t);
			next++;
		}
		if (t % 20 != 10)
			continue;
		switch (jb_get(jb, &f)) {
		case JB_FRAME:
			r->played++;
			if (have_last && (int32_t)(f.ts - last_ts) <= 0)
				r->in_order = false;
			if (f.data[0] != (uint8_t)(f.seq & 0xff) || f.len != SPF)
				r->in_order = false;
			last_ts = f.ts;
			have_last = true;
			break;
		case JB_MISSING:
			r->missing++;
			break;
		case JB_GROW:
			r->grows++;
			break;
		case JB_EMPTY:
			r->empty++;
			break;
		}
		{
			struct jb_stats st;

			jb_get_stats(jb, &st);
			if (st.target_ms > r->target_max)
				r->target_max = st.target_ms;
		}
	}
	jb_get_stats(jb, &r->st);
	r->target_end = r->st.target_ms;
}

static const struct jb_config adaptive = {.rate = 8000, .frame_ms = 20, .min_ms = 40, .max_ms = 300};

/* the stream through the shim into a fresh buffer */
static void simulate(const struct shim *sh, const struct jb_config *c, struct jb *jb, struct result *r)
{
	make_stream(sh);
	jb_init(jb, c);
	run(jb, r);
}

static void clean_stream_plays_everything(void **state)
{
	struct shim sh = {0};
	struct jb jb;
	struct result r;

	(void)state;
	simulate(&sh, &adaptive, &jb, &r);
	assert_int_equal(r.played, N);
	assert_int_equal(r.missing, 0);
	assert_true(r.in_order);
	assert_int_equal(r.target_end, 40);
	assert_int_equal(r.st.late, 0);
}

static void loss_is_concealed_frame_for_frame(void **state)
{
	struct shim sh = {.loss_every = 20};
	struct jb jb;
	struct result r;
	unsigned nlost = 0;

	(void)state;
	simulate(&sh, &adaptive, &jb, &r);
	for (int i = 0; i < N; i++)
		nlost += lost[i];
	assert_int_equal(r.played + nlost, N);
	assert_int_equal(r.missing, nlost); /* a concealed frame for each lost packet */
	assert_true(r.in_order);
}

static void reordered_and_duplicated_play_once_in_order(void **state)
{
	struct shim sh = {.swap_every = 7, .dup_every = 11};
	struct jb jb;
	struct result r;

	(void)state;
	simulate(&sh, &adaptive, &jb, &r);
	assert_int_equal(r.played, N);
	assert_int_equal(r.missing, 0);
	assert_true(r.in_order);
	assert_int_equal(r.st.duplicates, (N + 8) / 11);
}

static void delay_follows_the_jitter(void **state)
{
	/* 60 ms of jitter for 10 s, then a calm network for 20 s */
	struct shim sh = {.jitter_ms = 60, .calm_after = 500};
	struct jb jb;
	struct result r;

	(void)state;
	simulate(&sh, &adaptive, &jb, &r);
	assert_true(r.in_order);
	assert_true(r.target_max >= 80);      /* it grew to cover the jitter */
	assert_true(r.grows >= 2);
	assert_true(r.st.late < N / 50);      /* after adapting, hardly a packet too late */
	assert_true(r.target_end < r.target_max); /* and came back down once calm */
	assert_true(r.st.shrinks >= 1);
	assert_int_equal(r.played + r.st.late + r.st.shrinks, N);
}

static void fixed_mode_never_moves(void **state)
{
	struct shim sh = {.jitter_ms = 60};
	struct jb jb;
	struct jb_config c = adaptive;
	struct result r;

	(void)state;
	c.fixed = true;
	c.fixed_ms = 100;
	simulate(&sh, &c, &jb, &r);
	assert_int_equal(r.target_max, 100);
	assert_int_equal(r.target_end, 100);
	assert_int_equal(r.grows, 0);
	assert_int_equal(r.st.shrinks, 0);
	assert_int_equal(r.played, N); /* 100 ms covers 60 ms of jitter */
	assert_true(r.in_order);
}

/* five packets of ssrc from seq/ts at time t, then ten gets: frames played */
static int burst(struct jb *jb, uint32_t ssrc, uint16_t seq, uint32_t ts, uint64_t t)
{
	uint8_t p[SPF] = {0};
	struct jb_frame f;
	int frames = 0;

	for (unsigned i = 0; i < 5; i++)
		jb_put(jb, ssrc, (uint16_t)(seq + i), ts + SPF * i, 0, i == 0, p, SPF, t + 20u * i);
	for (int i = 0; i < 10; i++)
		frames += jb_get(jb, &f) == JB_FRAME;
	return frames;
}

static void pause_and_new_source_restart_cleanly(void **state)
{
	struct jb jb;
	uint8_t p[SPF] = {0};

	(void)state;
	jb_init(&jb, &adaptive);
	assert_int_equal(burst(&jb, 1, 0, 1000, 0), 5);
	/* silence suppression: the talkspurt resumes 5 s of timestamps later */
	assert_int_equal(burst(&jb, 1, 5, 1000u + 40000u, 5000), 5);
	/* another SSRC takes over (a transfer): played from its first packet */
	assert_int_equal(burst(&jb, 2, 900, 77, 6000), 5);
	assert_true(jb.stats.resyncs >= 1);
	assert_int_equal(jb_put(&jb, 2, 1, 1, 0, false, p, JB_MAX_PAYLOAD + 1, 7000), JB_PUT_TOO_BIG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		SGW_TEST(clean_stream_plays_everything),
		SGW_TEST(loss_is_concealed_frame_for_frame),
		SGW_TEST(reordered_and_duplicated_play_once_in_order),
		SGW_TEST(delay_follows_the_jitter),
		SGW_TEST(fixed_mode_never_moves),
		SGW_TEST(pause_and_new_source_restart_cleanly),
	};
	return cmocka_run_group_tests_name("rtp/jb", tests, NULL, NULL);
}
