# lib.sh: shared by the integration tests (sourced).  TAP output, a scratch
# directory, and a real sipgwd started and stopped around the test.
# Every wait is bounded.

: "${top_srcdir:?run through make check}" "${top_builddir:?run through make check}"
SIPGWD="$top_builddir/sipgwd"
SIPGWCTL="$top_builddir/sipgwctl"
SOCKUTIL="$top_builddir/tests/tools/sockutil"

tap_n=0
tap_failed=0
plan() { echo "1..$1"; }
ok() { tap_n=$((tap_n + 1)); echo "ok $tap_n - $*"; }
not_ok() { tap_n=$((tap_n + 1)); tap_failed=$((tap_failed + 1)); echo "not ok $tap_n - $*"; }
skip() { tap_n=$((tap_n + 1)); echo "ok $tap_n - # SKIP $*"; }
# check DESCRIPTION COMMAND...: ok when the command succeeds
check() {
	desc=$1; shift
	if "$@"; then ok "$desc"; else not_ok "$desc"; fi
}
diag() { echo "$*" | sed 's/^/# /'; }

# a short scratch dir: Unix socket paths must stay under 108 bytes
SCRATCH=$(mktemp -d /tmp/sgw-it-XXXXXX)
DAEMON_PID=
cleanup() {
	if [ -n "$DAEMON_PID" ] && kill -0 "$DAEMON_PID" 2>/dev/null; then
		kill -TERM "$DAEMON_PID" 2>/dev/null
		wait_gone "$DAEMON_PID" 50
		kill -KILL "$DAEMON_PID" 2>/dev/null
	fi
	rm -rf "$SCRATCH"
}
trap cleanup EXIT

# write_config FILE [extra lines for [control]...]
write_config() {
	cat > "$1" <<CONF
[general]
state_dir = $SCRATCH/state

[log]
target = stderr
level = info

[control]
socket = $SCRATCH/ctl.sock
mode = 0660
CONF
}

# wait_for COUNT COMMAND...: retry every 0.1 s, at most COUNT times
wait_for() {
	n=$1; shift
	while [ "$n" -gt 0 ]; do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
		n=$((n - 1))
	done
	return 1
}
wait_gone() {
	n=$2
	while [ "$n" -gt 0 ] && kill -0 "$1" 2>/dev/null; do
		sleep 0.1
		n=$((n - 1))
	done
	! kill -0 "$1" 2>/dev/null
}

ctl() { "$SIPGWCTL" -s "$SCRATCH/ctl.sock" "$@"; }

# start_daemon CONFIG: sipgwd -f in the background, wait until it answers
start_daemon() {
	"$SIPGWD" -f -c "$1" 2>>"$SCRATCH/daemon.log" &
	DAEMON_PID=$!
	wait_for 100 ctl status
}

stop_daemon() {
	kill -TERM "$DAEMON_PID" 2>/dev/null
	wait "$DAEMON_PID"
	rc=$?
	DAEMON_PID=
	return $rc
}

finish() {
	if [ "$tap_failed" -gt 0 ]; then
		diag "daemon log:"
		[ -f "$SCRATCH/daemon.log" ] && diag "$(tail -30 "$SCRATCH/daemon.log")"
	fi
	exit 0
}
