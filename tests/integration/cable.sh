#!/bin/sh
# Two gateways back to back: sipgwd A listens on a Unix SOCK_SEQPACKET path
# for the virtual cable of its span 1, sipgwd B connects its span 1 to it.
# Both spans come up without alarms and clock; when B goes away A's span goes
# red, and clears when B is back (B keeps dialling); unplugging A's end makes
# B's span red too.
. "$top_srcdir/tests/integration/lib.sh"
plan 6
write_config "$SCRATCH/a.conf"
cat >> "$SCRATCH/a.conf" <<CONF

[span 1]
backend = loopback
cable_socket = $SCRATCH/cable.sock
cable_listen = yes
CONF
cat > "$SCRATCH/b.conf" <<CONF
[log]
target = stderr
[control]
socket = $SCRATCH/b.sock

[span 1]
backend = loopback
cable_socket = $SCRATCH/cable.sock
CONF
start_daemon "$SCRATCH/a.conf"
"$SIPGWD" -f -c "$SCRATCH/b.conf" 2>>"$SCRATCH/b.log" &
B=$!
bctl() { "$SIPGWCTL" -s "$SCRATCH/b.sock" "$@"; }
alarms() { "$SIPGWCTL" -s "$1" show spans --json | jq -r '.spans[0].alarms'; }
cleanup_b() { kill $B 2>/dev/null; cleanup; }
trap cleanup_b EXIT
wait_for 100 sh -c "[ \"\$($SIPGWCTL -s $SCRATCH/b.sock show spans --json | jq -r '.spans[0].alarms')\" = OK ]"
wait_for 50 sh -c "[ \"\$($SIPGWCTL -s $SCRATCH/ctl.sock show spans --json | jq -r '.spans[0].alarms')\" = OK ]"
check "both ends of the cable are up: A $(alarms "$SCRATCH/ctl.sock"), B $(alarms "$SCRATCH/b.sock")" \
	[ "$(alarms "$SCRATCH/ctl.sock")/$(alarms "$SCRATCH/b.sock")" = "OK/OK" ]
t=$(bctl show spans --json | jq '.spans[0].ticks')
wait_for 30 sh -c "[ \$($SIPGWCTL -s $SCRATCH/b.sock show spans --json | jq '.spans[0].ticks') -gt $((t + 5)) ]"
check "B's span clocks on its own" [ "$(bctl show spans --json | jq '.spans[0].ticks')" -gt $((t + 5)) ]
ctl span unplug 1 > /dev/null
wait_for 50 sh -c "[ \"\$($SIPGWCTL -s $SCRATCH/b.sock show spans --json | jq -r '.spans[0].alarms')\" = RED ]"
check "A unplugged: B's span is red too" [ "$(alarms "$SCRATCH/b.sock")" = RED ]
ctl span replug 1 > /dev/null
wait_for 50 sh -c "[ \"\$($SIPGWCTL -s $SCRATCH/b.sock show spans --json | jq -r '.spans[0].alarms')\" = OK ]"
check "replugged: B's span clears" [ "$(alarms "$SCRATCH/b.sock")" = OK ]
kill -TERM $B
wait $B
wait_for 50 sh -c "[ \"\$($SIPGWCTL -s $SCRATCH/ctl.sock show spans --json | jq -r '.spans[0].alarms')\" = RED ]"
check "B gone: A's span is red" [ "$(alarms "$SCRATCH/ctl.sock")" = RED ]
"$SIPGWD" -f -c "$SCRATCH/b.conf" 2>>"$SCRATCH/b.log" &
B=$!
wait_for 100 sh -c "[ \"\$($SIPGWCTL -s $SCRATCH/ctl.sock show spans --json | jq -r '.spans[0].alarms')\" = OK ]"
check "B back: A's span clears" [ "$(alarms "$SCRATCH/ctl.sock")" = OK ]
kill -TERM $B
wait $B
finish
