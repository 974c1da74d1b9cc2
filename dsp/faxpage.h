/* faxpage.h: the test page of the fax tests, written and checked as TIFF.
 *
 * A fax terminal (SpanDSP's T.30 over audio or T.38) sends and receives
 * TIFF/F files.  The test page is 1728 pixels wide (A4 at 204 dpi),
 * standard resolution (98 lines per inch), of diagonal bars whose
 * position and width change with the row: any row lost, doubled or
 * damaged on the way shows as a row that differs from what the page
 * holds there.  It compresses to about 40 octets a row in T.4 1-D. */
#ifndef SGW_DSP_FAXPAGE_H
#define SGW_DSP_FAXPAGE_H

#include <stdint.h>

#define FAXPAGE_WIDTH 1728

/* Write the test page, rows long, as a one-page TIFF at path (T.4 1-D,
 * 204 x 98 dpi).  0, or -errno. */
int dsp_faxpage_write(const char *path, unsigned rows);

struct dsp_faxpage_check {
	unsigned pages;	   /* in the file */
	unsigned width;	   /* of the first page */
	unsigned rows;	   /* of the first page */
	unsigned bad_rows; /* of those, rows not as the test page has them */
};

/* Read a received TIFF and compare its first page with the test page.
 * 0, or -errno (-ENOENT: no such file, -EBADMSG: not a TIFF). */
int dsp_faxpage_check(const char *path, struct dsp_faxpage_check *out);

#endif
