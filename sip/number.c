/* number.c: telephone number normalising and formatting, see number.h.
 * E.164 §6: at most 15 digits including the country code. */
#include "config.h"

#include "sip/number.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#define E164_MAX 15

static bool starts(const char *s, const char *prefix)
{
	size_t n = strlen(prefix);

	return n && !strncmp(s, prefix, n);
}

int number_normalise(const struct number_ctx *ctx, struct sv in, struct number *out, char *err,
		     size_t errlen)
{
	char d[NUMBER_DIGITS_MAX + 1];
	size_t n = 0;
	bool plus = false, special = false;

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < in.len; i++) {
		char c = in.p[i];

		if (c == ' ' || c == '-' || c == '.' || c == '(' || c == ')')
			continue; /* RFC 3966 visual separators, and spaces people write */
		if (c == '+' && n == 0 && !plus) {
			plus = true;
			continue;
		}
		if (!isdigit((unsigned char)c) && c != '*' && c != '#') {
			snprintf(err, errlen, "'%c' is not a digit, *, # or a separator", c);
			return -EINVAL;
		}
		special |= c == '*' || c == '#';
		if (n == NUMBER_DIGITS_MAX) {
			snprintf(err, errlen, "longer than %d digits", NUMBER_DIGITS_MAX);
			return -EINVAL;
		}
		d[n++] = c;
	}
	d[n] = '\0';
	if (!n) {
		snprintf(err, errlen, "no digits");
		return -EINVAL;
	}
	out->npi = NUMBER_NPI_E164;
	if (special) {
		/* service codes (*31#...): no plan to put them in */
		out->ton = NUMBER_TON_UNKNOWN;
		out->npi = NUMBER_NPI_UNKNOWN;
		memcpy(out->digits, d, n + 1);
		return 0;
	}
	if (plus) {
		out->ton = NUMBER_TON_INTERNATIONAL;
		memcpy(out->digits, d, n + 1);
	} else if (starts(d, ctx->intl_prefix)) {
		out->ton = NUMBER_TON_INTERNATIONAL;
		memmove(out->digits, d + strlen(ctx->intl_prefix), n - strlen(ctx->intl_prefix) + 1);
	} else if (starts(d, ctx->trunk_prefix) && n > strlen(ctx->trunk_prefix)) {
		out->ton = NUMBER_TON_NATIONAL;
		memmove(out->digits, d + strlen(ctx->trunk_prefix), n - strlen(ctx->trunk_prefix) + 1);
	} else {
		out->ton = NUMBER_TON_SUBSCRIBER;
		memcpy(out->digits, d, n + 1);
	}
	if (!out->digits[0]) {
		snprintf(err, errlen, "a prefix but no number");
		return -EINVAL;
	}
	if (out->ton == NUMBER_TON_INTERNATIONAL && strlen(out->digits) > E164_MAX) {
		snprintf(err, errlen, "an international number has at most %d digits (E.164)", E164_MAX);
		return -EINVAL;
	}
	if (out->ton == NUMBER_TON_INTERNATIONAL && out->digits[0] == '0') {
		snprintf(err, errlen, "a country code does not start with 0");
		return -EINVAL;
	}
	return 0;
}

static int set_digits(struct number *n, const char *src)
{
	size_t len = strlen(src);

	if (len > NUMBER_DIGITS_MAX)
		return -EINVAL;
	memcpy(n->digits, src, len + 1);
	return 0;
}

int number_convert(const struct number_ctx *ctx, const struct number *in, enum number_ton want,
		   struct number *out)
{
	char full[64]; /* the number as international digits */
	size_t cc = strlen(ctx->country_code), ac = strlen(ctx->area_code);
	int n;

	*out = *in;
	if (in->ton == want || in->npi != NUMBER_NPI_E164)
		return in->ton == want ? 0 : -EINVAL;
	switch (in->ton) {
	case NUMBER_TON_INTERNATIONAL:
		n = snprintf(full, sizeof(full), "%s", in->digits);
		break;
	case NUMBER_TON_NATIONAL:
		n = snprintf(full, sizeof(full), "%s%s", ctx->country_code, in->digits);
		break;
	case NUMBER_TON_SUBSCRIBER:
		if (!ac)
			return -EINVAL;
		n = snprintf(full, sizeof(full), "%s%s%s", ctx->country_code, ctx->area_code,
			     in->digits);
		break;
	default:
		return -EINVAL;
	}
	if (n < 0 || (size_t)n >= sizeof(full))
		return -EINVAL;
	switch (want) {
	case NUMBER_TON_INTERNATIONAL:
		if (strlen(full) > E164_MAX || set_digits(out, full) < 0)
			return -EINVAL;
		break;
	case NUMBER_TON_NATIONAL:
		if (!cc || strncmp(full, ctx->country_code, cc) || set_digits(out, full + cc) < 0)
			return -EINVAL; /* a foreign number has no national form here */
		break;
	case NUMBER_TON_SUBSCRIBER:
		if (!cc || !ac || strncmp(full, ctx->country_code, cc) ||
		    strncmp(full + cc, ctx->area_code, ac) || set_digits(out, full + cc + ac) < 0)
			return -EINVAL;
		break;
	default:
		return -EINVAL;
	}
	out->ton = want;
	return 0;
}

int number_format(const struct number_ctx *ctx, const struct number *nb, enum number_form form,
		  char *buf, size_t size)
{
	struct number intl;
	int n;

	if (form == NUMBER_FORM_E164) {
		if (number_convert(ctx, nb, NUMBER_TON_INTERNATIONAL, &intl) < 0)
			return -EINVAL;
		n = snprintf(buf, size, "+%s", intl.digits);
	} else {
		switch (nb->ton) {
		case NUMBER_TON_INTERNATIONAL:
			n = snprintf(buf, size, "%s%s", ctx->intl_prefix, nb->digits);
			break;
		case NUMBER_TON_NATIONAL:
			n = snprintf(buf, size, "%s%s", ctx->trunk_prefix, nb->digits);
			break;
		default:
			n = snprintf(buf, size, "%s", nb->digits);
			break;
		}
	}
	return n < 0 || (size_t)n >= size ? -ENOSPC : n;
}
