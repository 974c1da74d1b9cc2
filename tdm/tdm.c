/* tdm.c: the backend-independent part of spans and channels, see tdm.h. */
#include "config.h"

#include "tdm/tdm.h"

#include "lib/log.h"
#include "lib/mem.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

const char *const tdm_type_names[] = {"E1", "T1", "J1"};
const char *const tdm_framing_names[] = {"ccs", "crc4", "esf", "d4"};
const char *const tdm_coding_names[] = {"hdb3", "b8zs", "ami"};

unsigned tdm_timeslots(enum tdm_type type)
{
	return type == TDM_E1 ? 31 : 24;
}

void tdm_span_config_default(struct tdm_span_config *c, int num, enum tdm_type type)
{
	memset(c, 0, sizeof(*c));
	c->num = num;
	c->type = type;
	c->framing = type == TDM_E1 ? TDM_FRAMING_CRC4 : TDM_FRAMING_ESF;
	c->coding = type == TDM_E1 ? TDM_CODING_HDB3 : TDM_CODING_B8ZS;
	c->dchan = type == TDM_E1 ? 16 : 24;
	c->law = type == TDM_E1 ? TDM_LAW_ALAW : TDM_LAW_ULAW;
	c->block_ms = 20;
	c->timing = 1;
}

int tdm_span_config_check(const struct tdm_span_config *c, char *why, size_t size)
{
	unsigned nts = tdm_timeslots(c->type);
	bool e1 = c->type == TDM_E1;

	if (c->num < 1) {
		snprintf(why, size, "span number %d: spans count from 1", c->num);
		return -EINVAL;
	}
	if (c->dchan < 0 || (unsigned)c->dchan > nts) {
		snprintf(why, size, "%s has timeslots 1-%u; dchan %d", tdm_type_names[c->type], nts, c->dchan);
		return -EINVAL;
	}
	if (c->block_ms < 1 || c->block_ms > TDM_MAX_BLOCK_MS) {
		snprintf(why, size, "block of %u ms: 1 to %d ms", c->block_ms, TDM_MAX_BLOCK_MS);
		return -EINVAL;
	}
	if (e1 != (c->framing == TDM_FRAMING_CCS || c->framing == TDM_FRAMING_CRC4)) {
		snprintf(why, size, "framing %s does not go with %s", tdm_framing_names[c->framing],
			 tdm_type_names[c->type]);
		return -EINVAL;
	}
	if (e1 ? c->coding == TDM_CODING_B8ZS : c->coding == TDM_CODING_HDB3) {
		snprintf(why, size, "line coding %s does not go with %s", tdm_coding_names[c->coding],
			 tdm_type_names[c->type]);
		return -EINVAL;
	}
	return 0;
}

uint8_t tdm_idle_byte(enum tdm_law law)
{
	return law == TDM_LAW_ALAW ? 0xd5 : 0xff;
}

int tdm_span_init(struct tdm_span *s, const struct tdm_backend_ops *backend,
		  const struct tdm_span_config *cfg, const struct tdm_span_ops *ops, void *arg)
{
	char why[96];

	if (tdm_span_config_check(cfg, why, sizeof(why)) < 0) {
		LOGP(LOGC_TDM, LOGL_ERROR, "span %d: %s", cfg->num, why);
		return -EINVAL;
	}
	s->backend = backend;
	s->cfg = *cfg;
	s->ops = ops;
	s->arg = arg;
	s->nts = tdm_timeslots(cfg->type);
	s->block = (size_t)cfg->block_ms * TDM_BYTES_PER_MS;
	s->rx = mem_zalloc(s->block * (s->nts + 1));
	s->tx = mem_zalloc(s->block * (s->nts + 1));
	if (!s->rx || !s->tx) {
		tdm_span_release(s);
		return -ENOMEM;
	}
	memset(s->rx, tdm_idle_byte(cfg->law), s->block * (s->nts + 1));
	memset(s->tx, tdm_idle_byte(cfg->law), s->block * (s->nts + 1));
	return 0;
}

void tdm_span_release(struct tdm_span *s)
{
	mem_free(s->rx);
	mem_free(s->tx);
	s->rx = s->tx = NULL;
}

void tdm_alarm_text(unsigned alarms, char *buf, size_t size)
{
	static const char *const names[] = {"RED", "YELLOW", "BLUE", "LOOPBACK"};
	size_t o = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < 4; i++)
		if (alarms & (1u << i))
			o += (size_t)snprintf(buf + o, o < size ? size - o : 0, "%s%s", o ? " " : "", names[i]);
	if (!alarms)
		snprintf(buf, size, "OK");
}

void tdm_span_set_alarms(struct tdm_span *s, unsigned alarms)
{
	char text[48];

	if (alarms == s->alarms)
		return;
	s->alarms = alarms;
	tdm_alarm_text(alarms, text, sizeof(text));
	LOGP(LOGC_TDM, alarms ? LOGL_WARNING : LOGL_NOTICE, "span %d: alarms %s", s->cfg.num, text);
	if (s->ops->alarm)
		s->ops->alarm(s->arg, s, alarms);
}

int tdm_chan_read(const struct tdm_span *s, unsigned ts, uint8_t *buf, size_t len)
{
	if (ts < 1 || ts > s->nts || len != s->block)
		return -EINVAL;
	memcpy(buf, s->rx + ts * s->block, len);
	return 0;
}

int tdm_chan_write(struct tdm_span *s, unsigned ts, const uint8_t *buf, size_t len)
{
	if (ts < 1 || ts > s->nts || len != s->block || (int)ts == s->cfg.dchan)
		return -EINVAL;
	memcpy(s->tx + ts * s->block, buf, len);
	s->tx_written[ts] = true;
	return 0;
}

void tdm_chan_set_state(struct tdm_span *s, unsigned ts, enum tdm_chan_state st)
{
	if (ts >= 1 && ts <= s->nts)
		s->chan_state[ts] = st;
}

int tdm_dframe_send(struct tdm_span *s, const uint8_t *frame, size_t len)
{
	if (!s->cfg.dchan || len < 3 || len > TDM_MAX_FRAME)
		return -EINVAL;
	return s->backend->dframe_send(s, frame, len);
}

void tdm_span_close(struct tdm_span *s)
{
	if (s)
		s->backend->close(s);
}

/* CRC-16/X.25: reflected polynomial 0x8408, initial 0xffff, final complement. */
uint16_t tdm_fcs16(const uint8_t *data, size_t len)
{
	uint16_t crc = 0xffff;

	for (size_t i = 0; i < len; i++) {
		crc ^= data[i];
		for (int b = 0; b < 8; b++)
			crc = (crc & 1) ? (uint16_t)((crc >> 1) ^ 0x8408) : (uint16_t)(crc >> 1);
	}
	return (uint16_t)~crc;
}

void tdm_fcs_put(uint8_t *frame, size_t len)
{
	uint16_t fcs = tdm_fcs16(frame, len - 2);

	frame[len - 2] = (uint8_t)(fcs & 0xff);
	frame[len - 1] = (uint8_t)(fcs >> 8);
}

bool tdm_fcs_ok(const uint8_t *frame, size_t len)
{
	uint16_t fcs;

	if (len < 3)
		return false;
	fcs = tdm_fcs16(frame, len - 2);
	return frame[len - 2] == (uint8_t)(fcs & 0xff) && frame[len - 1] == (uint8_t)(fcs >> 8);
}
