#!/bin/sh
# The gateway end to end, on loopback spans: one sipgwd with PAIRS (default
# 64) pairs of E1 spans on virtual cables (1920 B-channels each way: at
# 2 s a call, 800 calls/s hold 1600 of them, so the channels are not what
# limits the rate), the
# user sides in group "pstn", the network sides in group "exchange" whose
# dial plan answers with the echo test line.  sipp calls 127.0.0.1, so each
# call is SIP -> span (cpe) -> cable -> span (net) -> test line: both ends
# of a PSTN call in one gateway.  Prints:
#   gw.e2e.cps              highest rate (calls/s, 2 s each, 6 s of calls)
#                           with no failed call
#   gw.pdd_added_p99_ms     INVITE in to SETUP out, p99 over those calls
#                           (the daemon's own histogram: show call-stats)
#   gw.media_rtt_ms         an echo probe's round trip through the gateway
#                           and back, mean and longest of its bursts, with
#                           CONCURRENT (default 900) calls up
#   gw.media_added_p99_ms   per direction: (longest round trip - the TDM
#                           loop's own 2 blocks) / 2
#   gw.rss_per_call_kb      resident memory per SIP-to-ISDN call
#                           ((RSS with CONCURRENT calls - RSS idle) / calls;
#                           each includes its ISDN leg on the far span)
# Bounded: each step waits at most 60 s.
set -u
: "${top_builddir:?}" "${top_srcdir:?}"
SIPGWD="$top_builddir/sipgwd"
SIPGWCTL="$top_builddir/sipgwctl"
UA="$top_builddir/sipgw-ua"
pairs=${PAIRS:-64}
concurrent=${CONCURRENT:-900}
if ! command -v sipp >/dev/null 2>&1; then
	echo "bench_gw: sipp is not installed (scripts/setup installs sip-tester)" >&2
	exit 1
fi
ulimit -n 65536 2>/dev/null || true
work=$(mktemp -d /tmp/sgw-bench-XXXXXX)
pid=
cleanup() {
	[ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	pkill -f "sipp.*$work" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
port=$("$top_builddir/tests/tools/sockutil" free-port)
ctl() { "$SIPGWCTL" -s "$work/ctl.sock" "$@"; }

{
	cat <<CONF
[general]
state_dir = $work
[log]
level = warning
[control]
socket = $work/ctl.sock
[sip]
listen = udp:127.0.0.1:$port
allow = 127.0.0.1
rtp_port_min = 30000
rtp_port_max = 39999
max_dialogs = 5000
max_transactions = 100000
[route out]
source = address
from = 127.0.0.1
action = route
span_group = pstn
[route echo]
source = span-group
from = exchange
action = testline
testline = echo
CONF
	i=1
	while [ $i -le "$pairs" ]; do
		a=$((2 * i - 1)) b=$((2 * i))
		printf '[span %d]\ncable = %d\nsignalling = pri\nside = cpe\ngroup = pstn\nhunt = leastused\n' $a $b
		printf '[span %d]\ncable = %d\nsignalling = pri\nside = net\ngroup = exchange\n' $b $a
		i=$((i + 1))
	done
} > "$work/gw.conf"
"$SIPGWD" -f -c "$work/gw.conf" 2> "$work/gw.log" &
pid=$!
n=300
until [ "$(ctl show spans 2>/dev/null | grep -c ' up ')" = $((2 * pairs)) ]; do
	n=$((n - 1))
	if [ $n -le 0 ]; then
		echo "bench_gw: the spans did not come up" >&2
		tail -5 "$work/gw.log" >&2
		exit 1
	fi
	sleep 0.1
done
rss() { awk '/^VmRSS/ { print $2 }' "/proc/$pid/status"; }
idle() { # wait until no call is up (at most 60 s)
	n=600
	until [ "$(ctl show call-stats --json | jq .active)" = 0 ] || [ $n -le 0 ]; do
		sleep 0.1
		n=$((n - 1))
	done
}

# a warm-up, so that the idle RSS has every allocator arena in it
sipp -sn uac -s 9990000 -i 127.0.0.1 -p 0 "127.0.0.1:$port" -r 50 -m 50 -d 500 -timeout 60s \
	-nostdin > "$work/sipp.out" 2>&1 < /dev/null
idle
rss0=$(rss)
sipp -sn uac -s 9990000 -i 127.0.0.1 -p 0 "127.0.0.1:$port" -r 300 -m "$concurrent" -d 30000 \
	-l "$concurrent" -timeout 90s -nostdin > "$work/sipp_long.out" 2>&1 < /dev/null &
sp=$!
n=600
until [ "$(ctl show call-stats --json | jq .active)" -ge $((2 * concurrent)) ] || [ $n -le 0 ]; do
	sleep 0.1
	n=$((n - 1))
done
active=$(ctl show call-stats --json | jq .active)
rss1=$(rss)
"$UA" -l udp:127.0.0.1:0 --timeout 30 --hold 5500 --probe echo "sip:9990001@127.0.0.1:$port" > "$work/probe.out" 2>&1
wait "$sp" 2>/dev/null # its calls end with BYE after their 30 s
[ -s "$work/probe.out" ] && grep -q "round trip" "$work/probe.out" || sed "s/^/# probe: /" "$work/probe.out" >&2
mean=$(sed -n 's/.*round trip \([0-9.]*\) ms (longest \([0-9.]*\)).*/\1/p' "$work/probe.out")
longest=$(sed -n 's/.*round trip \([0-9.]*\) ms (longest \([0-9.]*\)).*/\2/p' "$work/probe.out")
echo "gw.media_rtt_ms: mean ${mean:-none} ms, longest ${longest:-none} ms ($((active / 2)) calls up, 20 ms blocks and packets)"
echo "gw.media_added_p99_ms: $(awk -v l="${longest:-0}" 'BEGIN { printf "%.1f", (l - 40) / 2 }') ms per direction"
echo "gw.rss_per_call_kb: $(( (rss1 - rss0) / (active / 2 > 0 ? active / 2 : 1) )) KB ($((active / 2)) calls, RSS $rss0 -> $rss1 KB)"

idle
best=0
for rate in 100 200 300 400 500 600 700 800 900 1000; do
	sipp -sn uac -s 9990000 -i 127.0.0.1 -p 0 "127.0.0.1:$port" -r "$rate" -m $((rate * 6)) -d 2000 \
		-l $((rate * 4)) -timeout 60s -timeout_error -nostdin > "$work/sipp.out" 2>&1 < /dev/null
	rc=$?
	idle
	if [ $rc != 0 ]; then
		echo "# $rate calls/s: sipp exit $rc" >&2
		break
	fi
	best=$rate
done
stats=$(ctl show call-stats --json)
echo "gw.e2e.cps: $best calls/s"
echo "gw.pdd_added_p99_ms: $(echo "$stats" | jq '.pdd_p99_us / 1000') ms ($(echo "$stats" | jq .pdd_samples) calls, max $(echo "$stats" | jq '.pdd_max_us / 1000') ms)"

