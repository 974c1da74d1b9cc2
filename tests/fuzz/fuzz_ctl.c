/* libFuzzer target: control requests.  Tokenising and dispatching any line
 * (through a server with the real reply renderer) must give OK or ERR, and
 * never crash or leak. */
#include "config.h"

#include "gw/ctl.h"
#include "gw/ctl_out.h"
#include "gw/ctl_proto.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char line[CTL_LINE_MAX + 1];
	char *argv[CTL_ARGS_MAX];
	struct ctl_out o;
	int argc;

	if (size > CTL_LINE_MAX)
		size = CTL_LINE_MAX;
	memcpy(line, data, size);
	line[size] = '\0';
	argc = ctl_tokenize(line, argv, CTL_ARGS_MAX);
	/* render what was understood, both ways, to exercise the escaper */
	for (int json = 0; json < 2; json++) {
		ctl_out_init(&o, json);
		ctl_arr_begin(&o, "argv");
		for (int i = 0; i < argc; i++)
			ctl_str(&o, NULL, argv[i]);
		ctl_arr_end(&o);
		if (argc < 0)
			ctl_out_error(&o, "bad-request", "%.*s", (int)size, (const char *)data);
		ctl_out_finish(&o);
		ctl_out_release(&o);
	}
	return 0;
}
