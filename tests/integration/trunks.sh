#!/bin/sh
# sipgwd's SIP trunks against a real registrar: Kamailio on 127.0.0.1 (UDP)
# challenges every REGISTER (alice / s3cret).  One trunk registers with the
# right password, one with a wrong one, one sends OPTIONS to Kamailio and
# one to a port where nothing answers.  `sipgwctl show registrations` must
# say registered (200, with time left), failed-and-waiting (401), up and
# down; `show sip` lists the listener; SIGTERM unregisters (Expires: 0).
. "$top_srcdir/tests/integration/lib.sh"
if ! command -v kamailio >/dev/null 2>&1; then
	echo "1..0 # SKIP kamailio is not installed (scripts/setup installs it)"
	exit 0
fi
plan 8
KW="$SCRATCH/kam"
KUDP=$("$SOCKUTIL" free-port)
KTLS=$("$SOCKUTIL" free-port)
DEAD=$("$SOCKUTIL" free-port)
GWP=$("$SOCKUTIL" free-port)
if ! "$top_srcdir/tests/kamailio/kamailio.sh" start "$KW" "$KUDP" "$KTLS" 2>"$SCRATCH/kam.err"; then
	not_ok "Kamailio did not start"
	diag "$(cat "$SCRATCH/kam.err")"
	finish
fi
cleanup_kam() { "$top_srcdir/tests/kamailio/kamailio.sh" stop "$KW"; cleanup; }
trap cleanup_kam EXIT
write_config "$SCRATCH/gw.conf"
cat >> "$SCRATCH/gw.conf" <<CONF

[sip]
listen = udp:127.0.0.1:$GWP
t1 = 50ms

[trunk good]
uri = sip:127.0.0.1:$KUDP
register = yes
user = alice
password = s3cret
expires = 120s

[trunk badpass]
uri = sip:127.0.0.1:$KUDP
register = yes
aor = sip:alice@127.0.0.1
user = alice
password = wrong

[trunk monitored]
uri = sip:127.0.0.1:$KUDP
options_interval = 1s

[trunk dead]
uri = sip:127.0.0.1:$DEAD
options_interval = 1s
CONF
check "sipgwd -t accepts [sip] and four [trunk] sections" "$SIPGWD" -t -c "$SCRATCH/gw.conf"
start_daemon "$SCRATCH/gw.conf"
state() { ctl show registrations --json | jq -r ".trunks[] | select(.trunk == \"$1\") | .$2"; }
wait_for 50 sh -c "[ \"\$($SIPGWCTL -s $SCRATCH/ctl.sock show registrations --json | jq -r '.trunks[0].state')\" = registered ]"
if [ "$(state good state)" = registered ] && [ "$(state good last_status)" = 200 ] &&
	[ "$(state good expires_in_s)" -gt 0 ]; then
	ok "trunk good: registered, 200, $(state good expires_in_s) s left"
else
	not_ok "trunk good: $(ctl show registrations)"
fi
wait_for 50 sh -c "[ \"\$($SIPGWCTL -s $SCRATCH/ctl.sock show registrations --json | jq -r '.trunks[1].last_status')\" = 401 ]"
if [ "$(state badpass state)" = waiting ] && [ "$(state badpass last_status)" = 401 ]; then
	ok "trunk badpass: a wrong password is a failure (401), retried later"
else
	not_ok "trunk badpass: $(ctl show registrations)"
fi
wait_for 50 sh -c "[ \"\$($SIPGWCTL -s $SCRATCH/ctl.sock show registrations --json | jq -r '.trunks[2].options')\" = up ]"
check "trunk monitored: OPTIONS answered, up" [ "$(state monitored options)" = up ]
wait_for 150 sh -c "[ \"\$($SIPGWCTL -s $SCRATCH/ctl.sock show registrations --json | jq -r '.trunks[3].options')\" = down ]"
check "trunk dead: no answer to OPTIONS, down" [ "$(state dead options)" = down ]
if ctl show registrations | grep -q "registered"; then
	ok "the text form of show registrations names the state"
else
	not_ok "show registrations text: $(ctl show registrations)"
fi
check "show sip lists the listener" sh -c "$SIPGWCTL -s $SCRATCH/ctl.sock show sip --json | jq -e '.listen[0] == \"UDP:127.0.0.1:$GWP\"' >/dev/null"
stop_daemon
if grep -q "registration sip:alice@127.0.0.1: .*-> idle" "$SCRATCH/daemon.log" ||
	grep -q "unregistered" "$SCRATCH/daemon.log"; then
	ok "SIGTERM unregistered the trunk before exiting"
else
	not_ok "no unregistration on SIGTERM"
fi
finish
