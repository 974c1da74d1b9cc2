/* protos.h: the PROTOS c07-sip robustness cases for the tests. */
#ifndef SGW_TESTS_PROTOS_H
#define SGW_TESTS_PROTOS_H

#include <stddef.h>

#define PROTOS_CASES 4527

/* Case c (0..PROTOS_CASES-1) as a message, placeholders filled (Call-ID
 * and branch unique per case, Content-Length the body's real length);
 * its length, or 0 when the case file is missing. */
size_t protos_case(int c, char *out, size_t size);

#endif
