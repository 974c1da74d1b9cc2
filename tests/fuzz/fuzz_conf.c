/* libFuzzer target: the configuration loader on arbitrary file contents.
 * Whatever the bytes, loading must end in a config or a list of errors,
 * with nothing leaked and nothing read out of bounds. */
#include "config.h"

#include "gw/gw_config.h"
#include "lib/conf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	struct conf *c = NULL;
	struct conf_errors errs = {0};

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0'; /* the loader reads text files; a NUL ends the text */
	if (conf_load_string(&gw_config_schema, "fuzz.conf", text, &c, &errs) == 0) {
		FILE *f = fopen("/dev/null", "w");

		if (f) {
			conf_print(c, f);
			fclose(f);
		}
		conf_free(c);
	}
	conf_errors_release(&errs);
	free(text);
	return 0;
}
