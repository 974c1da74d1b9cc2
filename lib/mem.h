/* mem.h: the project's allocator front end.
 *
 * Every heap allocation in sipgw goes through these calls so that the unit
 * tests can check, after each test, that nothing was left allocated
 * (mem_live_count) and can make the Nth allocation fail (mem_fail_after) to
 * prove that every error path cleans up.  Counters are atomic: media workers
 * allocate too. */
#ifndef SGW_LIB_MEM_H
#define SGW_LIB_MEM_H

#include <stddef.h>

/* Zeroed allocation; NULL when out of memory (or when a test says so). */
void *mem_zalloc(size_t size);
/* realloc semantics; NULL on failure leaves ptr untouched. */
void *mem_realloc(void *ptr, size_t size);
void mem_free(void *ptr);
/* strdup / strndup through the counted allocator. */
char *mem_strdup(const char *s);
char *mem_strndup(const char *s, size_t len);

/* Number of allocations not yet freed (tests compare before and after). */
long mem_live_count(void);
/* Make allocations fail after n more succeed; n < 0 turns that off. */
void mem_fail_after(long n);

#endif
