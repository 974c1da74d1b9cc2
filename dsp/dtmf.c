/* dtmf.c: DTMF and fax tone detection and DTMF generation on SpanDSP,
 * see dtmf.h. */
#include "config.h"

#include "dsp/dtmf.h"
#include "lib/log.h"
#include "lib/mem.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <spandsp.h>
#include <string.h>

/* ---- SpanDSP's messages ----------------------------------------------------------- */

static void span_message(int level, const char *text)
{
	size_t n = strlen(text);

	while (n && (text[n - 1] == '\n' || text[n - 1] == '\r'))
		n--;
	LOGP(LOGC_DSP, level <= SPAN_LOG_ERROR ? LOGL_ERROR : LOGL_DEBUG, "spandsp: %.*s", (int)n, text);
}

static void span_error(const char *text)
{
	span_message(SPAN_LOG_ERROR, text);
}

static pthread_once_t once = PTHREAD_ONCE_INIT;

static void init_once(void)
{
	span_set_message_handler(span_message);
	span_set_error_handler(span_error);
}

void dsp_init(void)
{
	pthread_once(&once, init_once);
}

/* ---- detection ---------------------------------------------------------------------- */

struct dsp_dtmf_rx {
	dtmf_rx_state_t *s;
	dsp_digit_fn fn;
	void *arg;
	uint64_t samples;    /* audio seen */
	uint64_t started_at; /* sample the current digit began */
	char digit;	     /* the digit sounding, 0: none */
	bool strip;
};

static void on_tone(void *arg, int code, int level, int delay)
{
	struct dsp_dtmf_rx *rx = arg;

	(void)level;
	(void)delay;
	if (code) {
		rx->digit = (char)code;
		rx->started_at = rx->samples; /* start and end are reported equally late */
		rx->fn(rx->arg, rx->digit, true, 0);
	} else if (rx->digit) {
		unsigned ms = (unsigned)((rx->samples - rx->started_at) / 8);
		char d = rx->digit;

		rx->digit = 0;
		rx->fn(rx->arg, d, false, ms);
	}
}

struct dsp_dtmf_rx *dsp_dtmf_rx_new(dsp_digit_fn fn, void *arg)
{
	struct dsp_dtmf_rx *rx = mem_zalloc(sizeof(*rx));

	dsp_init();
	if (!rx)
		return NULL;
	rx->fn = fn;
	rx->arg = arg;
	if (!(rx->s = dtmf_rx_init(NULL, NULL, NULL))) {
		mem_free(rx);
		return NULL;
	}
	dtmf_rx_set_realtime_callback(rx->s, on_tone, rx);
	/* Q.24: tones from -26 dBm0 (a little margin below), twist within 8 dB */
	dtmf_rx_parms(rx->s, 0, 8, 8, -30);
	return rx;
}

void dsp_dtmf_rx_free(struct dsp_dtmf_rx *rx)
{
	if (!rx)
		return;
	dtmf_rx_free(rx->s);
	mem_free(rx);
}

void dsp_dtmf_rx_set_strip(struct dsp_dtmf_rx *rx, bool strip)
{
	rx->strip = strip;
}

void dsp_dtmf_rx_process(struct dsp_dtmf_rx *rx, int16_t *pcm, size_t n)
{
	/* in slices of 10 ms so the sample count is right at each report */
	for (size_t i = 0; i < n; i += 80) {
		size_t k = n - i < 80 ? n - i : 80;

		rx->samples += k;
		dtmf_rx(rx->s, pcm + i, (int)k);
		if (rx->strip && rx->digit)
			memset(pcm + i, 0, k * sizeof(int16_t));
	}
}

/* ---- generation ------------------------------------------------------------------------- */

struct dsp_dtmf_tx {
	dtmf_tx_state_t *s;
	int level, twist;
	char queue[32];
	unsigned dur[32];
	unsigned head, count;
	bool busy;
};

struct dsp_dtmf_tx *dsp_dtmf_tx_new(int level_dbm0, int twist_db)
{
	struct dsp_dtmf_tx *tx = mem_zalloc(sizeof(*tx));

	dsp_init();
	if (!tx)
		return NULL;
	if (!(tx->s = dtmf_tx_init(NULL))) {
		mem_free(tx);
		return NULL;
	}
	tx->level = level_dbm0;
	tx->twist = twist_db;
	dtmf_tx_set_level(tx->s, level_dbm0, twist_db);
	return tx;
}

void dsp_dtmf_tx_free(struct dsp_dtmf_tx *tx)
{
	if (!tx)
		return;
	dtmf_tx_free(tx->s);
	mem_free(tx);
}

int dsp_dtmf_tx_put(struct dsp_dtmf_tx *tx, char digit, unsigned duration_ms)
{
	static const char ok[] = "0123456789*#ABCDabcd";

	if (!digit || !strchr(ok, digit) || duration_ms < 20 || duration_ms > 10000)
		return -EINVAL;
	if (tx->count == sizeof(tx->queue))
		return -EAGAIN;
	tx->queue[(tx->head + tx->count) % sizeof(tx->queue)] = digit;
	tx->dur[(tx->head + tx->count) % sizeof(tx->queue)] = duration_ms;
	tx->count++;
	return 0;
}

bool dsp_dtmf_tx_mix(struct dsp_dtmf_tx *tx, int16_t *pcm, size_t n)
{
	size_t done = 0;
	bool any = false;

	/* bounded: one digit starts at most per loop, the queue is finite */
	for (unsigned guard = 0; done < n && guard < 64; guard++) {
		int got;

		if (!tx->busy) {
			char d[2] = {0, 0};

			if (!tx->count)
				break;
			d[0] = tx->queue[tx->head];
			dtmf_tx_set_timing(tx->s, (int)tx->dur[tx->head], 50);
			tx->head = (tx->head + 1) % sizeof(tx->queue);
			tx->count--;
			dtmf_tx_put(tx->s, d, 1);
			tx->busy = true;
		}
		got = dtmf_tx(tx->s, pcm + done, (int)(n - done));
		if (got > 0) {
			done += (size_t)got;
			any = true;
		}
		if (got < (int)(n - done) || got <= 0)
			tx->busy = false; /* this digit (and its pause) is over */
	}
	return any;
}

/* ---- fax and modem tones ---------------------------------------------------------------- */

/* One frequency over 10 ms blocks (Goertzel): a tone is there when it holds
 * most of the block's energy at a usable level. */
struct tonedet {
	float coef;
	float q1, q2, energy;
	unsigned n, run;
};

#define TD_BLOCK 80
#define TD_MIN_ENERGY (TD_BLOCK * 5300.0f) /* -43 dBm0 */

static void td_init(struct tonedet *t, float hz)
{
	memset(t, 0, sizeof(*t));
	t->coef = 2.0f * cosf(2.0f * (float)M_PI * hz / 8000.0f);
}

/* consecutive 10 ms blocks the tone has held so far */
static unsigned td_feed(struct tonedet *t, const int16_t *x, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		float s = x[i], q0 = t->coef * t->q1 - t->q2 + s;

		t->q2 = t->q1;
		t->q1 = q0;
		t->energy += s * s;
		if (++t->n == TD_BLOCK) {
			float tone = (t->q1 * t->q1 + t->q2 * t->q2 - t->coef * t->q1 * t->q2) * 2.0f / TD_BLOCK;

			t->run = t->energy > TD_MIN_ENERGY && tone > 0.8f * t->energy ? t->run + 1 : 0;
			t->q1 = t->q2 = t->energy = 0;
			t->n = 0;
		}
	}
	return t->run;
}

struct dsp_faxdet {
	struct tonedet cng, ced;
	modem_connect_tones_rx_state_t *v21; /* the V.21 preamble, a fax that skips CED */
	dsp_fax_fn fn;
	void *arg;
	bool cng_seen, ced_seen;
};

static void on_preamble(void *arg, int code, int level, int delay)
{
	struct dsp_faxdet *fd = arg;

	(void)level;
	(void)delay;
	if (code == MODEM_CONNECT_TONES_FAX_PREAMBLE && !fd->ced_seen) {
		fd->ced_seen = true;
		fd->fn(fd->arg, DSP_TONE_V21);
	}
}

struct dsp_faxdet *dsp_faxdet_new(dsp_fax_fn fn, void *arg)
{
	struct dsp_faxdet *fd = mem_zalloc(sizeof(*fd));

	dsp_init();
	if (!fd)
		return NULL;
	fd->fn = fn;
	fd->arg = arg;
	td_init(&fd->cng, 1100);
	td_init(&fd->ced, 2100);
	fd->v21 = modem_connect_tones_rx_init(NULL, MODEM_CONNECT_TONES_FAX_PREAMBLE, on_preamble, fd);
	if (!fd->v21) {
		mem_free(fd);
		return NULL;
	}
	return fd;
}

void dsp_faxdet_free(struct dsp_faxdet *fd)
{
	if (!fd)
		return;
	modem_connect_tones_rx_free(fd->v21);
	mem_free(fd);
}

void dsp_faxdet_process(struct dsp_faxdet *fd, const int16_t *calling, const int16_t *answering,
			size_t n)
{
	/* CNG bursts last 500 ms: 300 ms of 1100 Hz is one; CED/ANS lasts
	 * 2.6-4 s: 300 ms of 2100 Hz is it */
	if (calling && td_feed(&fd->cng, calling, n) >= 30 && !fd->cng_seen) {
		fd->cng_seen = true;
		fd->fn(fd->arg, DSP_TONE_CNG);
	}
	if (answering) {
		if (td_feed(&fd->ced, answering, n) >= 30 && !fd->ced_seen) {
			fd->ced_seen = true;
			fd->fn(fd->arg, DSP_TONE_CED);
		}
		/* the V.21 demodulator is the detector's dearest part: silence
		 * (under -43 dBm0, as for the tones) has no preamble in it */
		float e = 0;

		for (size_t i = 0; i < n; i++)
			e += (float)answering[i] * answering[i];
		if (e > 5300.0f * (float)n)
			modem_connect_tones_rx(fd->v21, answering, (int)n);
	}
}
