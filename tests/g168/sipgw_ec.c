/* sipgw_ec.c: our canceller (dsp/ec.c) as a G.168 bench canceller. */
#include "config.h"

#include "dsp/ec.h"
#include "g168.h"

static void *create(unsigned taps)
{
	return ec_new(taps);
}

static void destroy(void *e)
{
	ec_free(e);
}

static void process(void *e, const int16_t *rin, const int16_t *sin, int16_t *sout, size_t n)
{
	ec_process(e, rin, sin, sout, n);
}

static bool disabled(void *e)
{
	struct ec_stats st;

	ec_get_stats(e, &st);
	return st.disabled;
}

const struct g168_ec_ops g168_sipgw_ec = {"sipgw", create, destroy, process, disabled};
