/* tls_certs.c: see tls_certs.h. */
#include "tls_certs.h"

#include <arpa/inet.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int write_file(const char *path, const gnutls_datum_t *d)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	fwrite(d->data, 1, d->size, f);
	fclose(f);
	return 0;
}

static int key_new(gnutls_x509_privkey_t *key, const char *path)
{
	gnutls_datum_t out;

	if (gnutls_x509_privkey_init(key) < 0 ||
	    gnutls_x509_privkey_generate(*key, GNUTLS_PK_ECDSA,
					 GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1), 0) < 0)
		return -1;
	if (path) {
		if (gnutls_x509_privkey_export2(*key, GNUTLS_X509_FMT_PEM, &out) < 0)
			return -1;
		write_file(path, &out);
		gnutls_free(out.data);
	}
	return 0;
}

/* A certificate for key, signed by (issuer, issuer_key) or self-signed. */
static int crt_new(gnutls_x509_crt_t *crt, gnutls_x509_privkey_t key, const char *cn, int serial,
		   int is_ca, gnutls_x509_crt_t issuer, gnutls_x509_privkey_t issuer_key,
		   const char *path)
{
	unsigned char ser = (unsigned char)serial;
	time_t now = time(NULL);
	gnutls_datum_t out;
	unsigned char ip4[4], ip6[16];

	if (gnutls_x509_crt_init(crt) < 0)
		return -1;
	gnutls_x509_crt_set_version(*crt, 3);
	gnutls_x509_crt_set_serial(*crt, &ser, 1);
	gnutls_x509_crt_set_activation_time(*crt, now - 3600);
	gnutls_x509_crt_set_expiration_time(*crt, now + 86400);
	gnutls_x509_crt_set_dn_by_oid(*crt, GNUTLS_OID_X520_COMMON_NAME, 0, cn, strlen(cn));
	gnutls_x509_crt_set_key(*crt, key);
	gnutls_x509_crt_set_basic_constraints(*crt, is_ca, -1);
	if (is_ca) {
		gnutls_x509_crt_set_key_usage(*crt, GNUTLS_KEY_KEY_CERT_SIGN | GNUTLS_KEY_CRL_SIGN);
	} else {
		gnutls_x509_crt_set_key_usage(*crt, GNUTLS_KEY_DIGITAL_SIGNATURE);
		gnutls_x509_crt_set_key_purpose_oid(*crt, GNUTLS_KP_TLS_WWW_SERVER, 0);
		gnutls_x509_crt_set_key_purpose_oid(*crt, GNUTLS_KP_TLS_WWW_CLIENT, 0);
		gnutls_x509_crt_set_subject_alt_name(*crt, GNUTLS_SAN_DNSNAME, cn, strlen(cn),
						     GNUTLS_FSAN_APPEND);
		inet_pton(AF_INET, "127.0.0.1", ip4);
		inet_pton(AF_INET6, "::1", ip6);
		gnutls_x509_crt_set_subject_alt_name(*crt, GNUTLS_SAN_IPADDRESS, ip4, 4,
						     GNUTLS_FSAN_APPEND);
		gnutls_x509_crt_set_subject_alt_name(*crt, GNUTLS_SAN_IPADDRESS, ip6, 16,
						     GNUTLS_FSAN_APPEND);
	}
	if (gnutls_x509_crt_sign2(*crt, issuer ? issuer : *crt, issuer ? issuer_key : key,
				  GNUTLS_DIG_SHA256, 0) < 0)
		return -1;
	if (gnutls_x509_crt_export2(*crt, GNUTLS_X509_FMT_PEM, &out) < 0)
		return -1;
	write_file(path, &out);
	gnutls_free(out.data);
	return 0;
}

int tls_certs_make(struct tls_certs *c)
{
	gnutls_x509_privkey_t ca_key, other_key, srv_key, cli_key;
	gnutls_x509_crt_t ca, other, srv, cli;
	int rc = 0;

	snprintf(c->dir, sizeof(c->dir), "/tmp/sgw-tls-XXXXXX");
	if (!mkdtemp(c->dir))
		return -1;
	snprintf(c->ca, sizeof(c->ca), "%s/ca.pem", c->dir);
	snprintf(c->other_ca, sizeof(c->other_ca), "%s/other-ca.pem", c->dir);
	snprintf(c->server_cert, sizeof(c->server_cert), "%s/server.pem", c->dir);
	snprintf(c->server_key, sizeof(c->server_key), "%s/server.key", c->dir);
	snprintf(c->client_cert, sizeof(c->client_cert), "%s/client.pem", c->dir);
	snprintf(c->client_key, sizeof(c->client_key), "%s/client.key", c->dir);
	rc |= key_new(&ca_key, NULL);
	rc |= crt_new(&ca, ca_key, "sipgw test CA", 1, 1, NULL, NULL, c->ca);
	rc |= key_new(&other_key, NULL);
	rc |= crt_new(&other, other_key, "unrelated CA", 2, 1, NULL, NULL, c->other_ca);
	rc |= key_new(&srv_key, c->server_key);
	rc |= crt_new(&srv, srv_key, "localhost", 3, 0, ca, ca_key, c->server_cert);
	rc |= key_new(&cli_key, c->client_key);
	rc |= crt_new(&cli, cli_key, "client.example", 4, 0, ca, ca_key, c->client_cert);
	gnutls_x509_crt_deinit(ca);
	gnutls_x509_crt_deinit(other);
	gnutls_x509_crt_deinit(srv);
	gnutls_x509_crt_deinit(cli);
	gnutls_x509_privkey_deinit(ca_key);
	gnutls_x509_privkey_deinit(other_key);
	gnutls_x509_privkey_deinit(srv_key);
	gnutls_x509_privkey_deinit(cli_key);
	return rc ? -1 : 0;
}

void tls_certs_remove(struct tls_certs *c)
{
	unlink(c->ca);
	unlink(c->other_ca);
	unlink(c->server_cert);
	unlink(c->server_key);
	unlink(c->client_cert);
	unlink(c->client_key);
	rmdir(c->dir);
}
