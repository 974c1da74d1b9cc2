#!/bin/sh
# The control socket under bad input: garbage, binary, over-long lines,
# unterminated quotes, a flood of connections; the daemon keeps answering.
# And the commands: help, show config (text loads back; JSON parses),
# unknown commands.
. "$top_srcdir/tests/integration/lib.sh"
plan 13

cfg="$SCRATCH/sipgw.conf"
write_config "$cfg"
sed -i 's/^mode = 0660/mode = 0660\nmax_clients = 4\nidle_timeout = 2s/' "$cfg"
start_daemon "$cfg" || { not_ok "daemon starts"; finish; }
ok "daemon starts"

ctl frobnicate > "$SCRATCH/out" 2> "$SCRATCH/err"
rc=$?
check "an unknown command exits 1" test $rc -eq 1
check "with a message naming it" grep -q "unknown command 'frobnicate'; 'help' lists the commands" "$SCRATCH/err"

ctl help > "$SCRATCH/out"
check "help lists status, reload and show config" \
	sh -c "grep -q 'command: status' '$SCRATCH/out' && grep -q 'command: reload' '$SCRATCH/out' && grep -q 'command: show config' '$SCRATCH/out'"

ctl show config > "$SCRATCH/shown.conf"
check "show config prints a config sipgwd -t accepts" "$SIPGWD" -t -c "$SCRATCH/shown.conf"
ctl show config --json > "$SCRATCH/shown.json"
check "show config --json names the control socket" \
	test "$(jq -r '.sections[] | select(.section == "control") | .keys.socket' < "$SCRATCH/shown.json")" = "$SCRATCH/ctl.sock"

# raw bad input straight on the socket
head -c 20000 /dev/urandom > "$SCRATCH/garbage"
"$SOCKUTIL" stream "$SCRATCH/ctl.sock" 5 < "$SCRATCH/garbage" > "$SCRATCH/out"
check "binary garbage gets refusals, not a crash" \
	sh -c "grep -q '^ERR ' '$SCRATCH/out' && kill -0 $DAEMON_PID"
printf 'status "unterminated\n' | "$SOCKUTIL" stream "$SCRATCH/ctl.sock" 5 > "$SCRATCH/out"
check "an unterminated quote is a bad request" grep -q '^ERR bad-request' "$SCRATCH/out"
printf '\n' | "$SOCKUTIL" stream "$SCRATCH/ctl.sock" 5 > "$SCRATCH/out"
check "an empty request is refused" grep -q '^ERR empty-request' "$SCRATCH/out"
awk 'BEGIN { for (i = 0; i < 9000; i++) printf "a"; printf "\n" }' |
	"$SOCKUTIL" stream "$SCRATCH/ctl.sock" 5 > "$SCRATCH/out"
check "an over-long line is refused" grep -q '^ERR line-too-long' "$SCRATCH/out"

# more connections than max_clients: the extra ones are told so
i=0
pids=
while [ $i -lt 8 ]; do
	sleep 3 | "$SOCKUTIL" stream "$SCRATCH/ctl.sock" 4 > "$SCRATCH/conn.$i" &
	pids="$pids $!"
	i=$((i + 1))
done
for p in $pids; do wait "$p"; done
check "past max_clients a connection is refused as busy" \
	sh -c "cat '$SCRATCH'/conn.* | grep -q '^ERR busy too many control connections'"
# idle connections are closed after idle_timeout (2 s) and the daemon serves again
check "after the flood sipgwctl is served again" wait_for 50 ctl status
check "the daemon survived all of it" kill -0 "$DAEMON_PID"
stop_daemon
finish
