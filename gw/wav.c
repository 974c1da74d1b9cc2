/* wav.c: reading a WAVE file into 8 kHz linear samples, see wav.h. */
#include "config.h"

#include "gw/wav.h"
#include "lib/mem.h"

#include <errno.h>
#include <spandsp.h>
#include <stdio.h>
#include <string.h>

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

int gw_wav_load(const char *path, int16_t **pcm, size_t *n, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	uint8_t hdr[12], ch[8], fmt[16];
	unsigned format = 0, bits = 0;
	bool have_fmt = false;
	int rc = -EINVAL;

	*pcm = NULL;
	*n = 0;
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -errno;
	}
	if (fread(hdr, 1, sizeof(hdr), f) != sizeof(hdr) || memcmp(hdr, "RIFF", 4) || memcmp(hdr + 8, "WAVE", 4)) {
		snprintf(err, errlen, "%s: not a RIFF WAVE file", path);
		goto out;
	}
	/* chunks until the data: fmt must come first (bounded: at most 64) */
	for (int i = 0; i < 64; i++) {
		uint32_t size;

		if (fread(ch, 1, sizeof(ch), f) != sizeof(ch)) {
			snprintf(err, errlen, "%s: no data chunk", path);
			goto out;
		}
		size = le32(ch + 4);
		if (!memcmp(ch, "fmt ", 4)) {
			if (size < 16 || fread(fmt, 1, sizeof(fmt), f) != sizeof(fmt) ||
			    (size > 16 && fseek(f, (long)(size - 16 + (size & 1)), SEEK_CUR) < 0)) {
				snprintf(err, errlen, "%s: a bad fmt chunk", path);
				goto out;
			}
			format = le16(fmt);
			bits = le16(fmt + 14);
			if (le16(fmt + 2) != 1 || le32(fmt + 4) != 8000 ||
			    !((format == 1 && bits == 16) || ((format == 6 || format == 7) && bits == 8))) {
				snprintf(err, errlen,
					 "%s: %u channel(s), %u Hz, format %u with %u bits: want mono 8000 Hz, "
					 "16-bit PCM, A-law or u-law",
					 path, le16(fmt + 2), le32(fmt + 4), format, bits);
				goto out;
			}
			have_fmt = true;
		} else if (!memcmp(ch, "data", 4)) {
			size_t count, got;
			uint8_t *raw;

			if (!have_fmt) {
				snprintf(err, errlen, "%s: data before fmt", path);
				goto out;
			}
			count = size / (bits / 8);
			if (!count || count > GW_WAV_MAX_SAMPLES) {
				snprintf(err, errlen, "%s: %zu samples: want 1 to %d (60 s)", path, count,
					 GW_WAV_MAX_SAMPLES);
				goto out;
			}
			raw = mem_zalloc(count * (bits / 8));
			*pcm = mem_zalloc(count * sizeof(int16_t));
			if (!raw || !*pcm) {
				mem_free(raw);
				mem_free(*pcm);
				*pcm = NULL;
				snprintf(err, errlen, "%s: no memory", path);
				rc = -ENOMEM;
				goto out;
			}
			got = fread(raw, bits / 8, count, f);
			for (size_t k = 0; k < got; k++)
				(*pcm)[k] = format == 1 ? (int16_t)le16(raw + 2 * k)
					    : format == 6 ? alaw_to_linear(raw[k])
							  : ulaw_to_linear(raw[k]);
			mem_free(raw);
			if (!got) {
				mem_free(*pcm);
				*pcm = NULL;
				snprintf(err, errlen, "%s: the data chunk is empty", path);
				goto out;
			}
			*n = got;
			rc = 0;
			goto out;
		} else if (fseek(f, (long)(size + (size & 1)), SEEK_CUR) < 0) {
			snprintf(err, errlen, "%s: cut short", path);
			goto out;
		}
	}
	snprintf(err, errlen, "%s: no data chunk", path);
out:
	fclose(f);
	return rc;
}
