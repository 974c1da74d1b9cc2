#!/bin/sh
# sipgw-ua calling sipgw-ua: the SIP user-agent core on both ends of a call,
# over UDP, TCP and TLS, IPv4 and IPv6: basic call with hold time, a refusal,
# CANCEL after 180, digest challenge, 100rel with PRACK, a re-INVITE to hold,
# a session timer refreshed by UPDATE, and several calls in a row.  Each check
# is what a user of the tool sees: its exit status and its call lines.
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/ua_lib.sh"
plan 12
"$top_srcdir/tests/kamailio/certs.sh" "$SCRATCH/pki"
TLSOPTS="--cert $SCRATCH/pki/server.pem --key $SCRATCH/pki/server.key --ca $SCRATCH/pki/ca.pem"

# call DESC UAS-ARGS -- UAC-ARGS: one call (or --count), both sides must say ok
call() {
	desc=$1; shift
	uas=
	while [ "$1" != "--" ]; do uas="$uas $1"; shift; done
	shift
	# shellcheck disable=SC2086
	if ! start_uas uas $uas; then not_ok "$desc (UAS did not start)"; return; fi
	udp=$(uas_port uas UDP); tcp=$(uas_port uas TCP); tls=$(uas_port uas TLS)
	args=$(echo "$*" | sed -e "s/UDPPORT/$udp/g" -e "s/TCPPORT/$tcp/g" -e "s/TLSPORT/$tls/g")
	# shellcheck disable=SC2086
	"$UA" --timeout 20 $args > "$SCRATCH/uac.log" 2>&1
	rc=$?
	wait_uas uas
	urc=$?
	if [ $rc = 0 ] && [ $urc = 0 ] && grep -q "0 failed" "$SCRATCH/uac.log"; then
		ok "$desc"
	else
		not_ok "$desc (UAC exit $rc, UAS exit $urc)"
		diag "UAC: $(cat "$SCRATCH/uac.log")"
		diag "UAS: $(cat "$SCRATCH/uas.log")"
	fi
}

call "UDP IPv4: ring, answer, BYE after 300 ms" \
	-l udp:127.0.0.1:0 --count 1 --ring 100 -- \
	-l udp:127.0.0.1:0 --hold 300 sip:9991000@127.0.0.1:UDPPORT
call "UDP IPv6: the same on ::1" \
	-l udp:[::1]:0 --count 1 --ring 100 -- \
	-l udp:[::1]:0 --hold 300 "sip:9991000@[::1]:UDPPORT"
call "TCP IPv4: connection reused for responses and in-dialog requests" \
	-l tcp:127.0.0.1:0 -l udp:127.0.0.1:0 --count 1 --ring 100 -- \
	-l tcp:127.0.0.1:0 -l udp:127.0.0.1:0 --hold 300 "sip:9991000@127.0.0.1:TCPPORT;transport=tcp"
call "TCP IPv6" \
	-l tcp:[::1]:0 --count 1 -- \
	-l tcp:[::1]:0 --hold 100 "sip:9991000@[::1]:TCPPORT;transport=tcp"
call "TLS IPv4 (sips:, certificate verified against the CA)" \
	-l tls:127.0.0.1:0 $TLSOPTS --count 1 --ring 100 -- \
	-l tls:127.0.0.1:0 $TLSOPTS --hold 200 sips:9991000@127.0.0.1:TLSPORT
call "TLS IPv6" \
	-l tls:[::1]:0 $TLSOPTS --count 1 -- \
	-l tls:[::1]:0 $TLSOPTS --hold 100 "sips:9991000@[::1]:TLSPORT"
call "refusal: 486 Busy Here reaches the caller" \
	-l udp:127.0.0.1:0 --count 1 --status 486 -- \
	-l udp:127.0.0.1:0 --expect 486 sip:9991000@127.0.0.1:UDPPORT
call "CANCEL after 180: 487 on both sides" \
	-l udp:127.0.0.1:0 --count 1 --ring 10000 --expect 487 -- \
	-l udp:127.0.0.1:0 --cancel-after 100 --expect 487 sip:9991000@127.0.0.1:UDPPORT
call "digest: the UAS challenges (SHA-256 and MD5), the UAC answers SHA-256 (RFC 8760)" \
	-l udp:127.0.0.1:0 --count 1 --user alice --password s3cret -- \
	-l udp:127.0.0.1:0 --user alice --password s3cret --hold 100 sip:9991000@127.0.0.1:UDPPORT
call "100rel: reliable 180 PRACKed, then 200" \
	-l udp:127.0.0.1:0 --count 1 --100rel --ring 200 -- \
	-l udp:127.0.0.1:0 --100rel --hold 100 sip:9991000@127.0.0.1:UDPPORT
call "re-INVITE to hold answered recvonly" \
	-l tcp:127.0.0.1:0 --count 1 -- \
	-l tcp:127.0.0.1:0 --reinvite 100 --hold 200 "sip:9991000@127.0.0.1:TCPPORT;transport=tcp"
call "five calls in a row" \
	-l udp:127.0.0.1:0 --count 5 -- \
	-l udp:127.0.0.1:0 --count 5 --hold 0 sip:9991000@127.0.0.1:UDPPORT
finish
