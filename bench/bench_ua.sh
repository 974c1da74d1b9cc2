#!/bin/sh
# sip.ua.cps and sip.ua.cpu_per_call: sipp (the real peer) places calls at
# rising rates on 127.0.0.1 against one sipgw-ua answering as UAS.  A rate
# passes when every call completed (INVITE, 200, ACK, BYE, 200) at both ends;
# the highest passing rate is printed with the UAS's CPU time per call,
# read from /proc.  Bounded: each step is BENCH_UA_SECONDS (default 3) of
# calls and at most 60 s of waiting.
set -u
: "${top_builddir:?}" "${top_srcdir:?}"
UA="$top_builddir/sipgw-ua"
secs=${BENCH_UA_SECONDS:-3}
if ! command -v sipp >/dev/null 2>&1; then
	echo "bench_ua: sipp is not installed (scripts/setup installs sip-tester)" >&2
	exit 1
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
hz=$(getconf CLK_TCK)

# cpu_ticks PID: utime + stime of a process, in clock ticks
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; }

# step RATE: run one rate; prints "ok TICKS CALLS" or "fail WHY"
step() {
	rate=$1 calls=$(($1 * secs))
	: > "$work/uas.log"
	"$UA" -q -l udp:127.0.0.1:0 --count "$calls" --timeout 60 \
		--max-calls 100000 > "$work/uas.log" 2>&1 &
	upid=$!
	n=50
	until grep -q '^listening' "$work/uas.log"; do
		n=$((n - 1)); [ $n -gt 0 ] || { kill "$upid"; echo "fail uas-start"; return; }
		sleep 0.1
	done
	port=$(sed -n 's/^listening UDP:.*:\([0-9]*\)$/\1/p' "$work/uas.log" | head -1)
	t0=$(cpu_ticks "$upid")
	sipp -sn uac -i 127.0.0.1 -p 0 "127.0.0.1:$port" -r "$rate" -m "$calls" \
		-l $((rate * 4)) -timeout 60s -timeout_error -nostdin \
		> "$work/sipp.out" 2>&1 < /dev/null
	src=$?
	# the UAS exits after its last call; read its CPU time just before
	n=600
	t1=$t0
	while kill -0 "$upid" 2>/dev/null && [ $n -gt 0 ]; do
		t=$(cpu_ticks "$upid"); [ "$t" -gt 0 ] && t1=$t
		sleep 0.1; n=$((n - 1))
	done
	kill "$upid" 2>/dev/null
	wait "$upid"
	urc=$?
	if [ $src = 0 ] && [ $urc = 0 ]; then
		echo "ok $((t1 - t0)) $calls"
	else
		echo "fail sipp=$src uas=$urc"
	fi
}

best=0 best_us=0
for rate in 250 500 1000 2000 4000 8000 16000; do
	set -- $(step "$rate")
	if [ "$1" != ok ]; then
		echo "bench_ua: $rate calls/s did not pass ($2)" >&2
		break
	fi
	best=$rate
	best_us=$(( $2 * 1000000 / hz / $3 ))
	echo "bench_ua: $rate calls/s for ${secs} s: all $3 calls completed, UAS cpu $best_us us/call" >&2
done
echo "sip.ua.cps: $best calls/s"
echo "sip.ua.cpu_per_call: $best_us us"
[ "$best" -gt 0 ]
