/* chain.c: the per-call DSP chain, see chain.h. */
#include "config.h"

#include "dsp/chain.h"
#include "lib/mem.h"

#include <errno.h>
#include <spandsp.h>
#include <string.h>

struct dsp_chain {
	struct dsp_chain_config cfg;
	struct ec *ec;
	struct dsp_dtmf_rx *dtmf;
	struct dsp_dtmf_tx *gen;
	struct dsp_faxdet *fax;
	struct dsp_codec *codec;
	struct dsp_level to_net, to_line;
	int16_t ref[DSP_FRAME]; /* what went to the line last: the echo's source */
	bool passthrough;
};

static int16_t from_law(bool alaw, uint8_t b)
{
	return alaw ? alaw_to_linear(b) : ulaw_to_linear(b);
}

static uint8_t to_law(bool alaw, int16_t v)
{
	return alaw ? linear_to_alaw(v) : linear_to_ulaw(v);
}

struct dsp_chain *dsp_chain_new(const struct dsp_chain_config *cfg)
{
	struct dsp_chain *c = mem_zalloc(sizeof(*c));

	if (!c)
		return NULL;
	c->cfg = *cfg;
	if ((cfg->ec_taps && !(c->ec = ec_new(cfg->ec_taps))) ||
	    (cfg->dtmf_detect && cfg->on_digit && !(c->dtmf = dsp_dtmf_rx_new(cfg->on_digit, cfg->arg))) ||
	    !(c->gen = dsp_dtmf_tx_new(-10, 2)) ||
	    (cfg->on_fax && !(c->fax = dsp_faxdet_new(cfg->on_fax, cfg->arg))) ||
	    !(c->codec = dsp_codec_new(cfg->codec, false))) {
		dsp_chain_free(c);
		return NULL;
	}
	if (c->dtmf)
		dsp_dtmf_rx_set_strip(c->dtmf, cfg->dtmf_strip);
	dsp_level_init(&c->to_net, cfg->gain_to_net_db);
	dsp_level_init(&c->to_line, cfg->gain_to_line_db);
	return c;
}

void dsp_chain_free(struct dsp_chain *c)
{
	if (!c)
		return;
	ec_free(c->ec);
	dsp_dtmf_rx_free(c->dtmf);
	dsp_dtmf_tx_free(c->gen);
	dsp_faxdet_free(c->fax);
	dsp_codec_free(c->codec);
	mem_free(c);
}

void dsp_chain_passthrough(struct dsp_chain *c, bool on)
{
	c->passthrough = on;
	if (c->ec)
		ec_enable(c->ec, !on);
}

/* bytes pass as they are: same law, no gain, nothing to cancel or strip */
static bool transparent(const struct dsp_chain *c)
{
	return dsp_codec_is_line_law(c->cfg.codec, c->cfg.line_alaw) &&
	       (c->passthrough || (!c->ec && !(c->dtmf && c->cfg.dtmf_strip))) &&
	       c->to_net.gain == 1.0f && c->to_line.gain == 1.0f;
}

int dsp_chain_from_line(struct dsp_chain *c, const uint8_t *line, uint8_t *payload, size_t size)
{
	int16_t sin[DSP_FRAME], out[DSP_FRAME];

	for (int i = 0; i < DSP_FRAME; i++)
		sin[i] = from_law(c->cfg.line_alaw, line[i]);
	if (c->fax)
		dsp_faxdet_process(c->fax, sin, sin, DSP_FRAME); /* the line side's machine, calling or answering */
	if (transparent(c)) {
		if (size < DSP_FRAME)
			return -ENOSPC;
		memcpy(payload, line, DSP_FRAME);
		dsp_level_process(&c->to_net, sin, DSP_FRAME); /* metered only (gain 0 dB) */
		return DSP_FRAME;
	}
	if (c->ec && !c->passthrough)
		ec_process(c->ec, c->ref, sin, out, DSP_FRAME);
	else
		memcpy(out, sin, sizeof(out));
	if (c->dtmf && !c->passthrough)
		dsp_dtmf_rx_process(c->dtmf, out, DSP_FRAME);
	dsp_level_process(&c->to_net, out, DSP_FRAME);
	return dsp_codec_encode(c->codec, out, DSP_FRAME, payload, size);
}

void dsp_chain_to_line(struct dsp_chain *c, const int16_t *pcm, uint8_t *line)
{
	int16_t v[DSP_FRAME];

	memcpy(v, pcm, sizeof(v));
	dsp_level_process(&c->to_line, v, DSP_FRAME);
	if (!c->passthrough)
		dsp_dtmf_tx_mix(c->gen, v, DSP_FRAME);
	for (int i = 0; i < DSP_FRAME; i++) {
		line[i] = to_law(c->cfg.line_alaw, v[i]);
		c->ref[i] = from_law(c->cfg.line_alaw, line[i]); /* exactly what the line carries */
	}
}

int dsp_chain_play_digit(struct dsp_chain *c, char digit, unsigned duration_ms)
{
	return dsp_dtmf_tx_put(c->gen, digit, duration_ms);
}

void dsp_chain_get_stats(const struct dsp_chain *c, struct dsp_chain_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->level_to_net_dbm0 = dsp_level_mean_dbm0(&c->to_net);
	st->level_to_line_dbm0 = dsp_level_mean_dbm0(&c->to_line);
	st->clipped = c->to_net.clipped + c->to_line.clipped;
	if (c->ec) {
		struct ec_stats es;

		ec_get_stats(c->ec, &es);
		st->erl_db = es.erl_db;
		st->erle_db = es.erle_db;
	}
}
