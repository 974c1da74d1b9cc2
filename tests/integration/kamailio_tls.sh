#!/bin/sh
# Over TLS, through a real proxy: Kamailio (Debian's, with its TLS module) as
# registrar and record-routing proxy on 127.0.0.1, digest-challenging every
# REGISTER and INVITE (alice / s3cret).  sipgw-ua as UAS registers a sips:
# contact over TLS; sipgw-ua as UAC calls sips:alice through Kamailio over
# TLS, verifying Kamailio's certificate against the test CA; Kamailio
# relays the call to the UAS over TLS; BYE goes back through Kamailio (its
# Record-Route).  Debian's sipp has no TLS: this is the TLS interop test.
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/ua_lib.sh"
if ! command -v kamailio >/dev/null 2>&1 || [ ! -f /usr/lib/x86_64-linux-gnu/kamailio/modules/tls.so ]; then
	echo "1..0 # SKIP kamailio with kamailio-tls-modules is not installed (scripts/setup installs it)"
	exit 0
fi
plan 5
KW="$SCRATCH/kam"
UDP=$("$SOCKUTIL" free-port)
TLS=$("$SOCKUTIL" free-port)
if "$top_srcdir/tests/kamailio/kamailio.sh" start "$KW" "$UDP" "$TLS" 2>"$SCRATCH/kam.err"; then
	ok "Kamailio listens on tls:127.0.0.1:$TLS"
else
	not_ok "Kamailio did not start"
	diag "$(cat "$SCRATCH/kam.err")"
	finish
fi
cleanup_kam() { "$top_srcdir/tests/kamailio/kamailio.sh" stop "$KW"; cleanup; }
trap cleanup_kam EXIT
TLSOPTS="--cert $KW/server.pem --key $KW/server.key --ca $KW/ca.pem"

# the UAS registers alice's sips: contact with Kamailio and takes one call
if start_uas uas -l "tls:127.0.0.1:0" $TLSOPTS --register "sips:127.0.0.1:$TLS" \
	--aor sips:alice@127.0.0.1 --user alice --password s3cret --count 1 --ring 100 --timeout 30; then
	n=100
	until grep -q "register sips:alice@127.0.0.1: registered" "$SCRATCH/uas.log" || [ $n -le 0 ]; do
		sleep 0.1; n=$((n - 1))
	done
fi
if grep -q "register sips:alice@127.0.0.1: registered (200)" "$SCRATCH/uas.log"; then
	ok "REGISTER over TLS answered the 401 challenge and got 200"
else
	not_ok "REGISTER over TLS"
	diag "$(cat "$SCRATCH/uas.log")"
	diag "$(tail -20 "$KW/kamailio.log")"
fi

"$UA" --timeout 20 -l "tls:127.0.0.1:0" $TLSOPTS --proxy "tls:127.0.0.1:$TLS" \
	--user alice --password s3cret --hold 300 sips:alice@127.0.0.1 > "$SCRATCH/uac.log" 2>&1
rc=$?
if [ $rc = 0 ] && grep -q "call 1: answered" "$SCRATCH/uac.log"; then
	ok "INVITE over TLS through Kamailio, challenged and answered by the registered UAS"
else
	not_ok "call through Kamailio over TLS (exit $rc)"
	diag "$(cat "$SCRATCH/uac.log")"
	diag "$(tail -20 "$KW/kamailio.log")"
fi
if grep -q "ended 0 (hung up by us).*: ok" "$SCRATCH/uac.log"; then
	ok "the caller's BYE went through Kamailio's Record-Route and got 200"
else
	not_ok "BYE through Kamailio"
fi
wait_uas uas
if grep -q "call 1: ended 0 (hung up by the peer).*: ok" "$SCRATCH/uas.log"; then
	ok "the UAS saw the call answered and ended by the caller's BYE"
else
	not_ok "UAS side of the Kamailio call"
	diag "$(cat "$SCRATCH/uas.log")"
fi
finish
