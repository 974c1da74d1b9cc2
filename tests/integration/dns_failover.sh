#!/bin/sh
# RFC 3263 in a call: dnsmasq on 127.0.0.1 serves SRV records for
# _sip._udp.trunk.test: priority 10 -> a.trunk.test (a sipgw-ua that answers
# 503), priority 20 -> b.trunk.test (one that answers 200), and a second name
# whose first target does not answer at all.  sipgw-ua calls
# sip:9991000@trunk.test: the call must reach b after a's 503, and after the
# silent target's transaction timeout (T1 = 50 ms, so Timer B is 3.2 s).
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/ua_lib.sh"
DNSMASQ=/usr/sbin/dnsmasq
if [ ! -x $DNSMASQ ]; then
	echo "1..0 # SKIP dnsmasq is not installed (scripts/setup installs dnsmasq-base)"
	exit 0
fi
plan 4
start_uas busy -l udp:127.0.0.1:0 --status 503 --count 1 --timeout 30
start_uas good -l udp:127.0.0.1:0 --count 2 --timeout 30
BUSY=$(uas_port busy UDP)
GOOD=$(uas_port good UDP)
DEAD=$("$SOCKUTIL" free-port)
DNSP=$("$SOCKUTIL" free-port)
$DNSMASQ --keep-in-foreground --port="$DNSP" --listen-address=127.0.0.1 --bind-interfaces \
	--no-resolv --no-hosts --pid-file= \
	--srv-host="_sip._udp.trunk.test,a.trunk.test,$BUSY,10,0" \
	--srv-host="_sip._udp.trunk.test,b.trunk.test,$GOOD,20,0" \
	--srv-host="_sip._udp.silent.test,a.silent.test,$DEAD,10,0" \
	--srv-host="_sip._udp.silent.test,b.trunk.test,$GOOD,20,0" \
	--host-record=a.trunk.test,127.0.0.1 --host-record=b.trunk.test,127.0.0.1 \
	--host-record=a.silent.test,127.0.0.1 2>"$SCRATCH/dnsmasq.log" &
DNSPID=$!
cleanup_dns() { kill $DNSPID 2>/dev/null; cleanup; }
trap cleanup_dns EXIT
sleep 0.3

"$UA" --timeout 20 --dns "127.0.0.1:$DNSP" -l udp:127.0.0.1:0 --hold 100 \
	sip:9991000@trunk.test > "$SCRATCH/uac.log" 2>&1
rc=$?
if [ $rc = 0 ] && grep -q "call 1: answered" "$SCRATCH/uac.log"; then
	ok "SRV: the call went to the second target after the first answered 503"
else
	not_ok "SRV failover on 503 (exit $rc)"
	diag "$(cat "$SCRATCH/uac.log")"
fi
wait_uas busy
if grep -q "ended 503" "$SCRATCH/busy.log"; then
	ok "the first (priority 10) target was tried first and refused with 503"
else
	not_ok "the first target was not tried: $(cat "$SCRATCH/busy.log")"
fi
"$UA" --timeout 20 --t1 50 --dns "127.0.0.1:$DNSP" -l udp:127.0.0.1:0 --hold 100 \
	sip:9991000@silent.test > "$SCRATCH/uac2.log" 2>&1
rc=$?
if [ $rc = 0 ] && grep -q "call 1: answered" "$SCRATCH/uac2.log"; then
	ok "SRV: after the silent target timed out (Timer B) the next one answered"
else
	not_ok "SRV failover on timeout (exit $rc)"
	diag "$(cat "$SCRATCH/uac2.log")"
fi
"$UA" --timeout 20 --dns "127.0.0.1:$DNSP" -l udp:127.0.0.1:0 \
	--expect 503 sip:9991000@nowhere.test > "$SCRATCH/uac3.log" 2>&1
check "a name that does not resolve fails the call with 503" grep -q "ended 503" "$SCRATCH/uac3.log"
wait_uas good
finish
