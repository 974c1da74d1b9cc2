#!/bin/sh
# tests/kamailio/certs.sh DIR: a throw-away CA (DIR/ca.pem) and a server
# certificate signed by it for localhost, 127.0.0.1 and ::1 (DIR/server.pem,
# DIR/server.key), made with certtool (gnutls-bin); valid two days.
set -eu
work=$1
mkdir -p "$work"
certtool --generate-privkey --key-type=ecdsa --outfile "$work/ca.key" 2>/dev/null
printf 'cn = sipgw test CA\nca\ncert_signing_key\nexpiration_days = 2\n' > "$work/ca.tmpl"
certtool --generate-self-signed --load-privkey "$work/ca.key" --template "$work/ca.tmpl" \
	--outfile "$work/ca.pem" 2>/dev/null
certtool --generate-privkey --key-type=ecdsa --outfile "$work/server.key" 2>/dev/null
printf 'cn = localhost\ndns_name = localhost\nip_address = 127.0.0.1\nip_address = ::1\ntls_www_server\ntls_www_client\nexpiration_days = 2\n' \
	> "$work/server.tmpl"
certtool --generate-certificate --load-privkey "$work/server.key" --load-ca-certificate "$work/ca.pem" \
	--load-ca-privkey "$work/ca.key" --template "$work/server.tmpl" --outfile "$work/server.pem" 2>/dev/null
