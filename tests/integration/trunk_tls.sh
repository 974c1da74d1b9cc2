#!/bin/sh
# A trunk known by its TLS client certificate: [trunk a] has tls_name =
# trunk-a, so a request from its address counts as the trunk's only over
# TLS with a certificate (signed by [sip] tls_ca) that carries that name.
# A client on the same address with another certificate of the same CA is
# no trunk and, with no [sip] allow, gets 403; the trunk's call goes
# through its dial plan rule to the milliwatt test line.  A tls_name
# without client certificates asked for is a configuration error.
. "$top_srcdir/tests/integration/lib.sh"
UA="$top_builddir/sipgw-ua"
if ! command -v certtool >/dev/null 2>&1; then
	echo "1..0 # SKIP certtool is not installed (scripts/setup installs gnutls-bin)"
	exit 0
fi
plan 4
pki=$SCRATCH/pki
"$top_srcdir/tests/kamailio/certs.sh" "$pki"
# client certificates of the same CA: the trunk's, and a stranger's
client() {
	certtool --generate-privkey --key-type=ecdsa --outfile "$pki/$1.key" 2>/dev/null
	printf 'cn = %s\ndns_name = %s\ntls_www_client\nexpiration_days = 2\n' "$1" "$1" > "$pki/$1.tmpl"
	certtool --generate-certificate --load-privkey "$pki/$1.key" --load-ca-certificate "$pki/ca.pem" \
		--load-ca-privkey "$pki/ca.key" --template "$pki/$1.tmpl" --outfile "$pki/$1.pem" 2>/dev/null
}
client trunk-a
client stranger
port=$("$SOCKUTIL" free-port)
write_config "$SCRATCH/gw.conf"
cat >> "$SCRATCH/gw.conf" <<CONF

[sip]
listen = tls:127.0.0.1:$port
tls_certificate = $pki/server.pem
tls_key = $pki/server.key
tls_ca = $pki/ca.pem
tls_client_certificate = yes
rtp_port_min = 28000
rtp_port_max = 28999

[trunk a]
uri = sip:127.0.0.1;transport=tls
tls_name = trunk-a

[span 1]
cable = 2
signalling = pri
side = cpe
group = pstn

[span 2]
cable = 1
signalling = pri
side = net
group = exchange

[route from-a]
source = trunk
from = a
called = _999XXXX
action = route
span_group = pstn

[route test-milliwatt]
source = span-group
from = exchange
called = 9991004
action = testline
testline = milliwatt
CONF
start_daemon "$SCRATCH/gw.conf"
up() { [ "$(ctl show span 1 --json | jq -r .dchan_state),$(ctl show span 2 --json | jq -r .dchan_state)" = up,up ]; }
wait_for 100 up

# call AS EXPECT: a call over TLS from 127.0.0.1 with AS's certificate
call() {
	"$UA" -l tls:127.0.0.1:0 --ca "$pki/ca.pem" --cert "$pki/$1.pem" --key "$pki/$1.key" --timeout 20 \
		--expect "$2" --hold 1000 "sips:9991004@127.0.0.1:$port" > "$SCRATCH/$1.out" 2>&1
}
call trunk-a 200
diag "$(cat "$SCRATCH/trunk-a.out")"
check "certificate trunk-a over TLS: the call is trunk a's, routed by its rule and answered" sh -c \
	"grep -q 'calls: 1 ok' '$SCRATCH/trunk-a.out' && $SIPGWCTL -s $SCRATCH/ctl.sock show calls --recent --json | jq -e '[.calls[] | select(.direction == \"sip-to-isdn\" and .trunk == \"a\" and .route == \"from-a\" and .sip_status == 200)] | length == 1' >/dev/null"
call stranger 403
diag "$(cat "$SCRATCH/stranger.out")"
check "another certificate of the same CA, same address: not the trunk, 403, logged with its source" sh -c \
	"grep -q 'ended 403 .*: ok' '$SCRATCH/stranger.out' && grep -q 'INVITE from 127.0.0.1 refused (403)' '$SCRATCH/daemon.log'"
stop_daemon
check "the daemon stops cleanly" [ $? = 0 ]

sed -e 's/^tls_client_certificate = yes$/tls_client_certificate = no/' "$SCRATCH/gw.conf" > "$SCRATCH/bad.conf"
"$SIPGWD" -t -c "$SCRATCH/bad.conf" > "$SCRATCH/bad.out" 2>&1
line=$(grep -n '^tls_name' "$SCRATCH/bad.conf" | cut -d: -f1)
check "tls_name without client certificates asked for: an error naming the file and line $line" \
	grep -q "bad.conf:$line: tls_name: needs \[sip\] tls_client_certificate = yes" "$SCRATCH/bad.out"
finish
