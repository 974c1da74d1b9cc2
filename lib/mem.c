/* mem.c: counted allocation, see mem.h. */
#include "config.h"

#include "lib/mem.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

static atomic_long live;
static atomic_long fail_countdown = -1;

static int should_fail(void)
{
	long n = atomic_load(&fail_countdown);

	while (n >= 0) {
		if (atomic_compare_exchange_weak(&fail_countdown, &n, n - 1))
			return n == 0;
	}
	return 0;
}

void *mem_zalloc(size_t size)
{
	void *p;

	if (should_fail())
		return NULL;
	p = calloc(1, size ? size : 1);
	if (p)
		atomic_fetch_add(&live, 1);
	return p;
}

void *mem_realloc(void *ptr, size_t size)
{
	void *p;

	if (!ptr)
		return mem_zalloc(size);
	if (should_fail())
		return NULL;
	p = realloc(ptr, size ? size : 1);
	return p;
}

void mem_free(void *ptr)
{
	if (!ptr)
		return;
	atomic_fetch_sub(&live, 1);
	free(ptr);
}

char *mem_strndup(const char *s, size_t len)
{
	char *d = mem_zalloc(len + 1);

	if (d && len)
		memcpy(d, s, len);
	return d;
}

char *mem_strdup(const char *s)
{
	return mem_strndup(s, strlen(s));
}

long mem_live_count(void)
{
	return atomic_load(&live);
}

void mem_fail_after(long n)
{
	atomic_store(&fail_countdown, n < 0 ? -1 : n);
}
