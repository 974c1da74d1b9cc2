#!/bin/sh
# ISDN in the daemon: sipgwd with two loopback E1 spans cabled to each
# other, span 1 the user side (cpe) and span 2 the network side (net), both
# EuroISDN through libpri.  The D-channels come up and `sipgwctl show span`
# says so with every B-channel idle; `isdn trace 1 on` puts the decoded
# Q.921/Q.931 of span 1 in the log (a RESTART sent with `isdn restart` is
# seen there, and acknowledged by span 2); pulling the cable takes the
# D-channels down and the channels out of service, and they come back after
# replug; bad commands and a PRI configuration that cannot work are refused
# with clear errors.
. "$top_srcdir/tests/integration/lib.sh"
plan 12
write_config "$SCRATCH/gw.conf"
cat >> "$SCRATCH/gw.conf" <<CONF

[span 1]
backend = loopback
cable = 2
signalling = pri
side = cpe
switchtype = euroisdn

[span 2]
backend = loopback
cable = 1
signalling = pri
side = net
switchtype = euroisdn
CONF
start_daemon "$SCRATCH/gw.conf"
span() { ctl show span "$1" --json | jq -r "$2"; }
dchans() { echo "$(span 1 .dchan_state),$(span 2 .dchan_state)"; }
wait_for 100 sh -c "[ \"\$($SIPGWCTL -s $SCRATCH/ctl.sock show span 2 --json | jq -r .dchan_state)\" = up ]"
check "D-channels up on both spans ($(dchans))" [ "$(dchans)" = "up,up" ]
check "span 1 is the cpe side, span 2 the net side, EuroISDN" \
	[ "$(span 1 .side),$(span 2 .side),$(span 1 .switchtype)" = "cpe,net,euroisdn" ]
check "show span 1: 30 idle B-channels, the D-channel up on 16" sh -c \
	"$SIPGWCTL -s $SCRATCH/ctl.sock show span 1 --json | jq -e '([.channels[] | select(.kind == \"B\" and .state == \"idle\")] | length) == 30 and .channels[15].state == \"up\"' >/dev/null"
check "show spans: the table says pri-cpe and up" sh -c \
	"$SIPGWCTL -s $SCRATCH/ctl.sock show spans | grep -Eq '^ +1 .* pri-cpe +up '"
ctl isdn trace 1 on > /dev/null
rx0=$(span 2 .restarts_rx)
ctl isdn restart 1 5 > /dev/null
wait_for 50 sh -c "[ \$($SIPGWCTL -s $SCRATCH/ctl.sock show span 2 --json | jq .restarts_rx) -gt $rx0 ]"
check "isdn restart 1 5 reaches span 2 (restarts seen $rx0 -> $(span 2 .restarts_rx))" \
	[ "$(span 2 .restarts_rx)" -gt "$rx0" ]
wait_for 50 grep -q 'span 1 trace:.*RESTART ACKNOWLEDGE' "$SCRATCH/daemon.log"
check "the trace of span 1 shows the RESTART and its acknowledgement decoded" sh -c \
	"grep -q 'span 1 trace:.*RESTART' '$SCRATCH/daemon.log' && grep -q 'span 1 trace:.*RESTART ACKNOWLEDGE' '$SCRATCH/daemon.log'"
ctl isdn trace 1 off > /dev/null
ctl span unplug 1 > /dev/null
check "cable pulled: both D-channels down ($(dchans))" [ "$(dchans)" = "down,down" ]
check "cable pulled: the B-channels are out of service" sh -c \
	"$SIPGWCTL -s $SCRATCH/ctl.sock show span 2 --json | jq -e '[.channels[] | select(.kind == \"B\")] | all(.state == \"out-of-service\")' >/dev/null"
ctl span replug 1 > /dev/null
wait_for 300 sh -c "[ \"\$($SIPGWCTL -s $SCRATCH/ctl.sock show span 1 --json | jq -r .dchan_state),\$($SIPGWCTL -s $SCRATCH/ctl.sock show span 2 --json | jq -r .dchan_state)\" = up,up ]"
check "replugged: the D-channels come back ($(dchans)) and the loss is counted ($(span 1 .dchan_downs))" \
	[ "$(dchans),$(span 1 .dchan_downs)" = "up,up,1" ]
ctl isdn trace 1 maybe > "$SCRATCH/out" 2>&1
rc=$?
check "isdn trace 1 maybe is refused (exit $rc)" sh -c "[ $rc = 1 ] && grep -q 'say on or off' $SCRATCH/out"
ctl isdn restart 1 16 > "$SCRATCH/out" 2>&1
rc=$?
check "isdn restart of the D-channel's timeslot is refused (exit $rc)" sh -c \
	"[ $rc = 1 ] && grep -q 'no B-channel on timeslot 16' $SCRATCH/out"
stop_daemon
cat > "$SCRATCH/bad.conf" <<CONF
[span 1]
cable = 2
signalling = pri
side = net
[span 2]
cable = 1
signalling = pri
side = net
CONF
"$SIPGWD" -t -c "$SCRATCH/bad.conf" > "$SCRATCH/out" 2>&1
check "two net sides on one cable are a configuration error with the line" \
	grep -q "bad.conf:2: cable: spans 1 and 2 are both side = net" "$SCRATCH/out"
finish
