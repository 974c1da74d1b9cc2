#!/bin/sh
# The echo canceller in the call path.  The exchange (span 2) answers
# 9991010 with the "hybrid" test line: it returns what it hears 10 dB down,
# as a 2-wire line's hybrid does (the echo comes back 40 ms late over the
# cable).  The probe talks (noise at -15 dBm0, 500 ms on and off) and
# measures what comes back while it talks in the second half of a 6 s call:
# the return loss a talker meets.  Without a canceller that is the line's
# 10 dB; with `echo_cancel = yes` on span 1 (the gateway's PSTN port) the
# echo must be gone (G.168 asks for 40 dB combined loss within 1 s; A-law's
# idle noise caps what can be measured).  The milliwatt, which the line
# sends on its own, must come through the canceller untouched.
. "$top_srcdir/tests/integration/lib.sh"
UA="$top_builddir/sipgw-ua"
plan 4
port=$("$SOCKUTIL" free-port)
# config EC: the self-test setup, echo_cancel = EC on span 1, the hybrid line
config() {
	sed -e "s#^socket = .*#socket = $SCRATCH/ctl.sock#" \
		-e "s#^state_dir = .*#state_dir = $SCRATCH#" \
		-e "s#127.0.0.1:15060#127.0.0.1:$port#g" \
		-e "s#^rtp_port_min = .*#rtp_port_min = 25000#" -e "s#^rtp_port_max = .*#rtp_port_max = 25999#" \
		-e "s#^group = pstn#group = pstn\necho_cancel = $1#" \
		"$top_srcdir/conf/selftest.conf" > "$SCRATCH/gw.conf"
	printf '%s\n' '[route test-hybrid]' 'source = span-group' 'from = exchange' 'called = 9991010' \
		'action = testline' 'testline = hybrid' >> "$SCRATCH/gw.conf"
}
up() { [ "$(ctl show span 1 --json | jq -r .dchan_state),$(ctl show span 2 --json | jq -r .dchan_state)" = up,up ]; }
back() { sed -n 's/.*return loss \([-0-9.]*\) dB.*/\1/p' "$SCRATCH/$1"; }

# talk EC: a daemon with echo_cancel = EC; the probe talks to the hybrid line
talk() {
	config "$1"
	start_daemon "$SCRATCH/gw.conf"
	wait_for 100 up
	"$UA" -l udp:127.0.0.1:0 --timeout 30 --hold 6000 --probe talk "sip:9991010@127.0.0.1:$port" \
		> "$SCRATCH/$1.out" 2>&1
	diag "echo_cancel = $1: $(grep 'audio: talk' "$SCRATCH/$1.out")"
}

talk no
check "no canceller: the hybrid's echo comes back 10 dB down +-1.5 (return loss $(back no.out) dB)" \
	awk -v v="$(back no.out)" 'BEGIN { exit !(v != "" && v >= 8.5 && v <= 11.5) }'
stop_daemon

talk yes
check "echo_cancel = yes: the echo is gone, return loss at least 40 dB ($(back yes.out) dB)" \
	awk -v v="$(back yes.out)" 'BEGIN { exit !(v != "" && v >= 40) }'
"$UA" -l udp:127.0.0.1:0 --timeout 30 --hold 2500 --probe milliwatt "sip:9991004@127.0.0.1:$port" > "$SCRATCH/mw.out" 2>&1
diag "$(grep 'audio: milliwatt' "$SCRATCH/mw.out")"
mw=$(sed -n 's/.*milliwatt level \([-0-9.]*\) dBm0.*/\1/p' "$SCRATCH/mw.out")
snr=$(sed -n 's/.*SNR \([-0-9.]*\) dB.*/\1/p' "$SCRATCH/mw.out")
check "the milliwatt through the canceller: 0 dBm0 +-0.5 ($mw), SNR >= 30 dB ($snr)" \
	awk -v l="$mw" -v s="$snr" 'BEGIN { exit !(l != "" && l >= -0.5 && l <= 0.5 && s >= 30) }'
"$UA" -l udp:127.0.0.1:0 --timeout 30 --hold 5000 --probe dtmf --digits 369 "sip:9991005@127.0.0.1:$port" > "$SCRATCH/dt.out" 2>&1
check "DTMF read back through the canceller: 369" grep -q 'dtmf sent 369, read back 369 ' "$SCRATCH/dt.out"
stop_daemon
finish
