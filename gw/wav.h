/* wav.h: a sound file for the gateway to play (music on hold).
 *
 * RIFF WAVE, mono, 8000 Hz: 16-bit linear PCM (format 1), A-law (6) or
 * u-law (7); at most 60 s.  It comes back as 8 kHz linear samples. */
#ifndef SGW_GW_WAV_H
#define SGW_GW_WAV_H

#include <stddef.h>
#include <stdint.h>

#define GW_WAV_MAX_SAMPLES (60 * 8000)

/* 0 with *pcm (mem_free it) and *n, or a negative errno with err saying
 * what is wrong with the file. */
int gw_wav_load(const char *path, int16_t **pcm, size_t *n, char *err, size_t errlen);

#endif
