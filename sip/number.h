/* number.h: telephone numbers between the SIP and ISDN forms.
 *
 * A number is digits plus a type of number (Q.931 §4.5.10: international,
 * national, subscriber, unknown...) and a numbering plan (E.164, private).
 * A numbering context says how numbers are written where the gateway
 * stands: country code, trunk (national) prefix, international prefix and,
 * optionally, the local area code (DE: 49, 0, 00, 30; US: 1, 1, 011).
 *   normalise  "+49 30 1234-567", "030 1234567", "0049301234567", "1234567",
 *              tel: user parts with visual separators -> digits + TON/NPI
 *   format     back to "+E.164" (tel: global numbers) or the dialable form
 *   convert    between types (international <-> national <-> subscriber)
 *              as a span's dialling plan asks for. */
#ifndef SGW_SIP_NUMBER_H
#define SGW_SIP_NUMBER_H

#include <stddef.h>

#include "lib/strview.h"

#define NUMBER_DIGITS_MAX 31

enum number_ton {
	NUMBER_TON_UNKNOWN = 0,
	NUMBER_TON_INTERNATIONAL = 1,
	NUMBER_TON_NATIONAL = 2,
	NUMBER_TON_NETWORK = 3,
	NUMBER_TON_SUBSCRIBER = 4,
	NUMBER_TON_ABBREVIATED = 6,
};

enum number_npi { NUMBER_NPI_UNKNOWN = 0, NUMBER_NPI_E164 = 1, NUMBER_NPI_PRIVATE = 9 };

struct number_ctx {
	char country_code[4]; /* "49" */
	char trunk_prefix[4]; /* "0" */
	char intl_prefix[6];  /* "00" */
	char area_code[8];    /* "30", or "" */
};

struct number {
	char digits[NUMBER_DIGITS_MAX + 1]; /* without any prefix: "49301234567" for +49... */
	enum number_ton ton;
	enum number_npi npi;
};

enum number_form { NUMBER_FORM_E164, NUMBER_FORM_DIALABLE };

/* 0, or -EINVAL with err naming the fault (a character, the length). */
int number_normalise(const struct number_ctx *ctx, struct sv in, struct number *out, char *err,
		     size_t errlen);
/* Returns the length written, -ENOSPC, or -EINVAL when the form cannot be
 * made (a subscriber number as E.164 without an area code). */
int number_format(const struct number_ctx *ctx, const struct number *n, enum number_form form,
		  char *buf, size_t size);
/* The same number written as type want; -EINVAL when it cannot be (a
 * foreign number as national). */
int number_convert(const struct number_ctx *ctx, const struct number *in, enum number_ton want,
		   struct number *out);

#endif
