#!/bin/sh
# Spans in the daemon: sipgwd with two loopback E1 spans cabled to each
# other.  `sipgwctl show spans` lists both, clocking and without alarms;
# `show span 1` has 31 timeslots with the D-channel on 16; `span unplug 1`
# raises red alarm on both ends and `span replug 1` clears it; a span that
# does not exist, or one cabled to nothing, is refused with a clear error.
. "$top_srcdir/tests/integration/lib.sh"
plan 9
write_config "$SCRATCH/gw.conf"
cat >> "$SCRATCH/gw.conf" <<CONF

[span 1]
backend = loopback
cable = 2

[span 2]
backend = loopback
cable = 1
block = 20ms
CONF
start_daemon "$SCRATCH/gw.conf"
js() { ctl show spans --json | jq -r "$1"; }
check "show spans lists spans 1 and 2" [ "$(js '[.spans[].span] | join(",")')" = "1,2" ]
t1=$(js '.spans[0].ticks')
wait_for 30 sh -c "[ \$($SIPGWCTL -s $SCRATCH/ctl.sock show spans --json | jq '.spans[0].ticks') -gt $((t1 + 5)) ]"
check "the cable's clock runs (ticks $t1 -> $(js '.spans[0].ticks'))" [ "$(js '.spans[0].ticks')" -gt $((t1 + 5)) ]
check "no alarms on either span" [ "$(js '[.spans[].alarms] | join(",")')" = "OK,OK" ]
check "show span 1: 31 timeslots, D-channel on 16" sh -c \
	"$SIPGWCTL -s $SCRATCH/ctl.sock show span 1 --json | jq -e '(.channels | length) == 31 and .channels[15].kind == \"D\" and .dchan == 16' >/dev/null"
ctl span unplug 1 > /dev/null
check "span unplug 1: red alarm on both ends" [ "$(js '[.spans[].alarms] | join(",")')" = "RED,RED" ]
ctl span replug 1 > /dev/null
check "span replug 1: the alarms clear" [ "$(js '[.spans[].alarms] | join(",")')" = "OK,OK" ]
ctl show span 9 > "$SCRATCH/out" 2>&1
rc=$?
check "show span 9 is refused naming the span (exit $rc)" sh -c "[ $rc = 1 ] && grep -q 'no span 9' $SCRATCH/out"
stop_daemon
cat > "$SCRATCH/bad.conf" <<CONF
[span 1]
backend = loopback
cable = 3
CONF
"$SIPGWD" -t -c "$SCRATCH/bad.conf" > "$SCRATCH/out" 2>&1
check "a cable to no span is a configuration error with its line" \
	grep -q "bad.conf:3: cable: there is no \[span 3\]" "$SCRATCH/out"
cat > "$SCRATCH/bad2.conf" <<CONF
[span 1]
type = t1
coding = hdb3
cable = 2
[span 2]
type = t1
cable = 1
CONF
"$SIPGWD" -t -c "$SCRATCH/bad2.conf" > "$SCRATCH/out" 2>&1
check "HDB3 on a T1 is refused" grep -q "bad2.conf:3: coding: hdb3 does not go with t1" "$SCRATCH/out"
finish
