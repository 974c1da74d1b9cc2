/* tls_certs.h: throw-away X.509 material for TLS tests, made at run time
 * with GnuTLS: a CA, a server certificate for "localhost" and 127.0.0.1/::1
 * signed by it, a client certificate signed by it, and a second CA that
 * signed nothing we use (to prove verification fails against it). */
#ifndef SGW_TESTS_TLS_CERTS_H
#define SGW_TESTS_TLS_CERTS_H

struct tls_certs {
	char dir[64];
	char ca[128], other_ca[128];
	char server_cert[128], server_key[128];
	char client_cert[128], client_key[128];
};

int tls_certs_make(struct tls_certs *c);
void tls_certs_remove(struct tls_certs *c);

#endif
