#!/bin/sh
# sipgwd life cycle: -V, -t, -T; start, status, reload by SIGHUP and by
# sipgwctl (a broken file is refused and the old one kept), systemd notify
# messages, detaching, privilege drop, a second daemon, SIGTERM.
. "$top_srcdir/tests/integration/lib.sh"
plan 30

cfg="$SCRATCH/sipgw.conf"
write_config "$cfg"

# -V, -t, -T
out=$("$SIPGWD" -V)
check "sipgwd -V prints its version" test "$out" = "sipgwd $(sed -n 's/^#define PACKAGE_VERSION "\(.*\)"/\1/p' "$top_builddir/config.h")"
check "sipgwd -t accepts the shipped self-test config" "$SIPGWD" -t -c "$top_srcdir/conf/selftest.conf"

printf '[log]\nlevel = info\nlvel = debug\n' > "$SCRATCH/typo.conf"
"$SIPGWD" -t -c "$SCRATCH/typo.conf" 2> "$SCRATCH/typo.err"
rc=$?
check "sipgwd -t on a typo exits 1" test $rc -eq 1
check "the error names file:line and the key" \
	grep -qx "$SCRATCH/typo.conf:3: unknown key 'lvel' in section \[log\]" "$SCRATCH/typo.err"

"$SIPGWD" -T -c "$cfg" > "$SCRATCH/norm.conf" 2>/dev/null
"$SIPGWD" -T -c "$SCRATCH/norm.conf" 2>/dev/null | sed 1d > "$SCRATCH/norm2.conf"
check "sipgwd -T prints a config that loads back to the same" \
	sh -c "sed 1d '$SCRATCH/norm.conf' | cmp -s - '$SCRATCH/norm2.conf'"

# not running yet
ctl status > "$SCRATCH/out" 2> "$SCRATCH/err"
rc=$?
check "sipgwctl without a daemon exits 3" test $rc -eq 3
check "and says the daemon is not running" grep -q "is sipgwd running?" "$SCRATCH/err"
ctl status --json > "$SCRATCH/out" 2>/dev/null
check "--json without a daemon still prints a JSON error" \
	test "$(jq -r .error.code < "$SCRATCH/out")" = "no-daemon"

# start with a notify socket like systemd's
"$SOCKUTIL" dgram-listen "$SCRATCH/notify.sock" 60 > "$SCRATCH/notify.log" &
listener=$!
wait_for 50 test -S "$SCRATCH/notify.sock"
NOTIFY_SOCKET="$SCRATCH/notify.sock" start_daemon "$cfg"
check "sipgwd starts and answers sipgwctl" kill -0 "$DAEMON_PID"
check "systemd is told READY=1" wait_for 50 grep -q "^READY=1" "$SCRATCH/notify.log"

ctl status --json > "$SCRATCH/status.json"
check "status --json is JSON with version, pid and config file" \
	test "$(jq -r '"\(.version) \(.pid) \(.config_file)"' < "$SCRATCH/status.json")" = \
	"$("$SIPGWD" -V | cut -d' ' -f2) $DAEMON_PID $cfg"
check "status counts control requests" \
	test "$(jq -r .counts.control_requests < "$SCRATCH/status.json")" -ge 1
ctl status > "$SCRATCH/status.txt"
check "status as text shows uptime and counts" \
	sh -c "grep -q '^uptime_s: [0-9]' '$SCRATCH/status.txt' && grep -q '^  reloads: 0' '$SCRATCH/status.txt'"

# SIGHUP with a broken file: refused, old configuration kept
cp "$cfg" "$SCRATCH/good.conf"
printf '[control]\nsocket = %s/ctl.sock\nmax_clients = 0\n' "$SCRATCH" > "$cfg"
kill -HUP "$DAEMON_PID"
wait_for 50 sh -c "'$SIPGWCTL' -s '$SCRATCH/ctl.sock' status --json | jq -e '.counts.reload_failures == 1'"
check "SIGHUP with a broken config keeps the daemon running" kill -0 "$DAEMON_PID"
ctl status --json > "$SCRATCH/status.json"
check "status reports the refused reload with file:line" \
	test "$(jq -r '.last_reload.errors[0]' < "$SCRATCH/status.json")" = \
	"$cfg:3: max_clients: 0 is out of range 1..256"
check "the error is logged" grep -q "reload refused: 1 error(s) in $cfg" "$SCRATCH/daemon.log"

ctl reload > "$SCRATCH/out" 2> "$SCRATCH/err"
rc=$?
check "sipgwctl reload of a broken config exits 1" test $rc -eq 1
check "and lists the errors" grep -q "^  - $cfg:3: max_clients: 0 is out of range" "$SCRATCH/out"

# a good file again, with a visible change: reloads
cp "$SCRATCH/good.conf" "$cfg"
sed -i 's/^level = info/level = debug/' "$cfg"
check "sipgwctl reload of a good config succeeds" ctl reload
check "and the new configuration runs" sh -c "'$SIPGWCTL' -s '$SCRATCH/ctl.sock' show config | grep -qx 'level = debug'"
check "systemd saw RELOADING=1 then READY=1" \
	sh -c "grep -n . '$SCRATCH/notify.log' | grep -A1 RELOADING=1 | grep -q READY=1"

# a second daemon on the same socket
"$SIPGWD" -f -c "$cfg" 2> "$SCRATCH/second.err"
rc=$?
check "a second sipgwd on the same socket exits 1" test $rc -eq 1
check "saying another one runs" grep -q "another sipgwd is running on $SCRATCH/ctl.sock" "$SCRATCH/second.err"

# SIGTERM
stop_daemon
rc=$?
check "SIGTERM stops sipgwd with status 0" test $rc -eq 0
check "the control socket is removed" test ! -e "$SCRATCH/ctl.sock"
check "systemd is told STOPPING=1" wait_for 20 grep -q "^STOPPING=1" "$SCRATCH/notify.log"
kill "$listener" 2>/dev/null

# the journal target speaks systemd's native protocol, category as a field
write_config "$cfg"
sed -i 's/^target = stderr/target = journal/' "$cfg"
"$SOCKUTIL" dgram-listen "$SCRATCH/journal.sock" 30 > "$SCRATCH/journal.log" &
listener=$!
wait_for 50 test -S "$SCRATCH/journal.sock"
SIPGW_JOURNAL_SOCKET="$SCRATCH/journal.sock" start_daemon "$cfg"
check "log target journal sends native journal records" wait_for 50 \
	grep -q "^PRIORITY=5;SYSLOG_IDENTIFIER=sipgwd;SIPGW_CATEGORY=main;MESSAGE=main: sipgwd .* started" "$SCRATCH/journal.log"
ctl frobnicate 2>/dev/null
check "with the category of each line" wait_for 50 \
	grep -q "^PRIORITY=6;SYSLOG_IDENTIFIER=sipgwd;SIPGW_CATEGORY=ctl;MESSAGE=ctl: request refused: unknown-command" "$SCRATCH/journal.log"
stop_daemon
kill "$listener" 2>/dev/null

# the syslog target: where no syslog daemon owns /dev/log, stand in for it
if [ "$(id -u)" = 0 ] && [ ! -e /dev/log ]; then
	write_config "$cfg"
	sed -i 's/^target = stderr/target = syslog\nfacility = local3/' "$cfg"
	"$SOCKUTIL" dgram-listen /dev/log 30 > "$SCRATCH/syslog.log" &
	listener=$!
	wait_for 50 test -S /dev/log
	start_daemon "$cfg"
	# <157> = local3 (19) * 8 + notice (5)
	check "log target syslog sends to /dev/log with facility and level" wait_for 50 \
		grep -q "^<157>.*sipgwd\[$DAEMON_PID\]: main: sipgwd .* started" "$SCRATCH/syslog.log"
	stop_daemon
	kill "$listener" 2>/dev/null
	wait "$listener" 2>/dev/null
	rm -f /dev/log
else
	skip "syslog test needs root and no syslog daemon on /dev/log"
fi

# detached, and dropping root when started as root
if [ "$(id -u)" = 0 ] && getent passwd nobody >/dev/null; then
	write_config "$cfg"
	sed -i "s|^\[general\]|[general]\nuser = nobody|" "$cfg"
	"$SIPGWD" -c "$cfg" 2>> "$SCRATCH/daemon.log"
	rc=$?
	pid=$(ctl status --json 2>/dev/null | jq -r .pid)
	DAEMON_PID=$pid
	if [ $rc -eq 0 ] && [ -n "$pid" ] && [ "$pid" != null ] &&
	   [ "$(awk '/^Uid:/ {print $2 $3 $4 $5}' /proc/$pid/status)" = "65534655346553465534" ] &&
	   [ "$(stat -c %U "$SCRATCH/ctl.sock")" = nobody ]; then
		ok "detached sipgwd runs as user nobody and owns its socket"
	else
		not_ok "detached sipgwd runs as user nobody and owns its socket (rc=$rc pid=$pid)"
	fi
	kill -TERM "$pid" 2>/dev/null
	wait_gone "$pid" 50
	DAEMON_PID=
else
	skip "privilege drop needs root and a user nobody"
fi
finish
