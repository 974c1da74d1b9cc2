/* faxpage.c: the fax tests' page, see faxpage.h. */
#include "config.h"

#include "dsp/faxpage.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <tiffio.h>
#include <unistd.h>

#define ROW_BYTES (FAXPAGE_WIDTH / 8)

/* Row r of the page, 1 bits black (TIFF "min-is-white"), first pixel in
 * the top bit: bars 24 pixels apart leaning right, each as wide as 3 to 10
 * pixels by the row, and a left margin that steps every 16 rows. */
static void page_row(unsigned r, uint8_t *row)
{
	unsigned width = 3 + r % 8, margin = 64 + (r / 16) % 32 * 8;

	memset(row, 0, ROW_BYTES);
	for (unsigned x = margin; x < FAXPAGE_WIDTH - 64; x++)
		if ((x + 3 * r) % 24 < width)
			row[x / 8] |= (uint8_t)(0x80 >> (x % 8));
}

/* keep libtiff's warnings and errors off stderr: a bad file is reported
 * by what the calls return */
static void tiff_quiet(const char *module, const char *fmt, va_list ap)
{
	(void)module;
	(void)fmt;
	(void)ap;
}

static void quiet(void)
{
	TIFFSetErrorHandler(tiff_quiet);
	TIFFSetWarningHandler(tiff_quiet);
}

int dsp_faxpage_write(const char *path, unsigned rows)
{
	TIFF *t;
	uint8_t row[ROW_BYTES];
	bool ok = true;

	if (rows == 0 || rows > 10000)
		return -EINVAL;
	quiet();
	if (!(t = TIFFOpen(path, "w")))
		return -EIO;
	TIFFSetField(t, TIFFTAG_SUBFILETYPE, FILETYPE_PAGE);
	TIFFSetField(t, TIFFTAG_IMAGEWIDTH, (uint32_t)FAXPAGE_WIDTH);
	TIFFSetField(t, TIFFTAG_IMAGELENGTH, (uint32_t)rows);
	TIFFSetField(t, TIFFTAG_BITSPERSAMPLE, 1);
	TIFFSetField(t, TIFFTAG_SAMPLESPERPIXEL, 1);
	TIFFSetField(t, TIFFTAG_COMPRESSION, COMPRESSION_CCITTFAX3);
	TIFFSetField(t, TIFFTAG_GROUP3OPTIONS, (uint32_t)0); /* 1-D */
	TIFFSetField(t, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_MINISWHITE);
	TIFFSetField(t, TIFFTAG_FILLORDER, FILLORDER_LSB2MSB);
	TIFFSetField(t, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
	TIFFSetField(t, TIFFTAG_XRESOLUTION, 204.0f);
	TIFFSetField(t, TIFFTAG_YRESOLUTION, 98.0f);
	TIFFSetField(t, TIFFTAG_RESOLUTIONUNIT, RESUNIT_INCH);
	TIFFSetField(t, TIFFTAG_ROWSPERSTRIP, (uint32_t)rows);
	TIFFSetField(t, TIFFTAG_PAGENUMBER, 0, 1);
	for (unsigned r = 0; r < rows && ok; r++) {
		page_row(r, row);
		ok = TIFFWriteScanline(t, row, r, 0) >= 0;
	}
	ok = ok && TIFFWriteDirectory(t);
	TIFFClose(t);
	if (!ok) {
		unlink(path);
		return -EIO;
	}
	return 0;
}

int dsp_faxpage_check(const char *path, struct dsp_faxpage_check *out)
{
	TIFF *t;
	uint32_t w = 0, h = 0;
	uint16_t photometric = PHOTOMETRIC_MINISWHITE;
	uint8_t want[ROW_BYTES];
	tdata_t buf;

	memset(out, 0, sizeof(*out));
	if (access(path, R_OK) < 0)
		return -errno;
	quiet();
	if (!(t = TIFFOpen(path, "r")))
		return -EBADMSG;
	do
		out->pages++;
	while (TIFFReadDirectory(t) && out->pages < 1000);
	TIFFSetDirectory(t, 0);
	TIFFGetField(t, TIFFTAG_IMAGEWIDTH, &w);
	TIFFGetField(t, TIFFTAG_IMAGELENGTH, &h);
	TIFFGetField(t, TIFFTAG_PHOTOMETRIC, &photometric);
	out->width = w;
	out->rows = h;
	if (w != FAXPAGE_WIDTH || TIFFScanlineSize(t) != ROW_BYTES || !(buf = _TIFFmalloc(ROW_BYTES))) {
		out->bad_rows = h;
		TIFFClose(t);
		return 0;
	}
	for (uint32_t r = 0; r < h; r++) {
		uint8_t *got = buf;

		if (TIFFReadScanline(t, buf, r, 0) < 0) {
			out->bad_rows += h - r;
			break;
		}
		if (photometric == PHOTOMETRIC_MINISBLACK)
			for (unsigned i = 0; i < ROW_BYTES; i++)
				got[i] = (uint8_t)~got[i];
		page_row(r, want);
		out->bad_rows += memcmp(got, want, ROW_BYTES) != 0;
	}
	_TIFFfree(buf);
	TIFFClose(t);
	return 0;
}
