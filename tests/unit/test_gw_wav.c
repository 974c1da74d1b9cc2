/* Music on hold files (gw/wav.c): a mono 8 kHz WAVE file in 16-bit PCM,
 * A-law or u-law reads back as the samples it holds (chunks the reader does
 * not know are stepped over); anything else is refused with a message that
 * names the file and what is wrong. */
#include "config.h"

#include "gw/wav.h"
#include "lib/mem.h"
#include "testutil.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char path[64];

static void put16(FILE *f, unsigned v)
{
	fputc((int)(v & 0xff), f);
	fputc((int)(v >> 8 & 0xff), f);
}

static void put32(FILE *f, uint32_t v)
{
	put16(f, v & 0xffff);
	put16(f, v >> 16);
}

/* a WAVE file: format, channels, rate, bits, and the data bytes */
static void write_wav(unsigned format, unsigned channels, uint32_t rate, unsigned bits, const void *data,
		      size_t len, bool extra_chunk)
{
	FILE *f;
	int fd;

	snprintf(path, sizeof(path), "/tmp/sgw-wav-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "wb");
	fputs("RIFF", f);
	put32(f, (uint32_t)(4 + 24 + 8 + len + (extra_chunk ? 12 : 0)));
	fputs("WAVEfmt ", f);
	put32(f, 16);
	put16(f, format);
	put16(f, channels);
	put32(f, rate);
	put32(f, rate * channels * bits / 8);
	put16(f, channels * bits / 8);
	put16(f, bits);
	if (extra_chunk) { /* a LIST chunk of 3 bytes, padded to 4 */
		fputs("LIST", f);
		put32(f, 3);
		fputs("abc", f);
		fputc(0, f);
	}
	fputs("data", f);
	put32(f, (uint32_t)len);
	fwrite(data, 1, len, f);
	fclose(f);
}

static void reads_pcm_alaw_ulaw(void **state)
{
	const uint8_t pcm[8] = {0x00, 0x10, 0x00, 0xf0, 0x34, 0x12, 0xcc, 0xed}; /* 4096 -4096 4660 -4660 */
	const uint8_t law[2] = {0xd5, 0x2a};
	int16_t *s;
	size_t n;
	char err[200];

	(void)state;
	write_wav(1, 1, 8000, 16, pcm, sizeof(pcm), true);
	assert_int_equal(gw_wav_load(path, &s, &n, err, sizeof(err)), 0);
	unlink(path);
	assert_int_equal(n, 4);
	assert_int_equal(s[0], 4096);
	assert_int_equal(s[1], -4096);
	assert_int_equal(s[2], 4660);
	assert_int_equal(s[3], -4660);
	mem_free(s);
	write_wav(6, 1, 8000, 8, law, sizeof(law), false);
	assert_int_equal(gw_wav_load(path, &s, &n, err, sizeof(err)), 0);
	unlink(path);
	assert_int_equal(n, 2);
	assert_int_equal(s[0], 8);	/* A-law 0xd5: the smallest positive step */
	assert_int_equal(s[1], -32256); /* A-law 0x2a: the loudest negative */
	mem_free(s);
	write_wav(7, 1, 8000, 8, law, sizeof(law), false);
	assert_int_equal(gw_wav_load(path, &s, &n, err, sizeof(err)), 0);
	unlink(path);
	assert_int_equal(n, 2);
	mem_free(s);
}

static void refuses_what_it_cannot_play(void **state)
{
	static const struct {
		unsigned format, channels, bits;
		uint32_t rate;
		const char *says;
	} cases[] = {
		{1, 2, 16, 8000, "2 channel(s)"},
		{1, 1, 16, 16000, "16000 Hz"},
		{3, 1, 32, 8000, "format 3 with 32 bits"},
	};
	const uint8_t data[4] = {0};
	int16_t *s;
	size_t n;
	char err[200];
	FILE *f;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		write_wav(cases[i].format, cases[i].channels, cases[i].rate, cases[i].bits, data, sizeof(data), false);
		assert_int_equal(gw_wav_load(path, &s, &n, err, sizeof(err)), -EINVAL);
		unlink(path);
		assert_null(s);
		if (!strstr(err, cases[i].says) || !strstr(err, "/tmp/sgw-wav-"))
			fail_msg("case %zu: '%s' does not say '%s' and the file", i, err, cases[i].says);
	}
	/* not a WAVE file at all, and no file */
	snprintf(path, sizeof(path), "/tmp/sgw-wav-%d.txt", (int)getpid());
	f = fopen(path, "w");
	fputs("this is text, not sound\n", f);
	fclose(f);
	assert_int_equal(gw_wav_load(path, &s, &n, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "not a RIFF WAVE file"));
	unlink(path);
	assert_true(gw_wav_load(path, &s, &n, err, sizeof(err)) < 0);
	assert_non_null(strstr(err, "No such file"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		SGW_TEST(reads_pcm_alaw_ulaw),
		SGW_TEST(refuses_what_it_cannot_play),
	};
	return cmocka_run_group_tests_name("gw/wav", tests, NULL, NULL);
}
