#!/bin/sh
# The dial plan through the running daemon: `sipgwctl route test` names the
# rule, where it is defined and the numbers after rewriting, as text and
# JSON; a reload with a broken rule keeps the old dial plan.
. "$top_srcdir/tests/integration/lib.sh"
plan 9

cfg="$SCRATCH/sipgw.conf"
write_config "$cfg"
cat >> "$cfg" <<'CONF'

[route premium]
called = _0900.
action = reject
reject_cause = 52

[route national]
source = address
from = 192.0.2.0/24
called = _0[1-9]X.
action = route
trunks = carrier-a, carrier-b
strip_called = 1
prepend_called = +49
ton_called = international

[route milliwatt]
called = 9991004
action = testline
testline = milliwatt
CONF
start_daemon "$cfg" || { not_ok "daemon starts"; finish; }
ok "daemon starts with a dial plan"

ctl route test --from 192.0.2.5 --called 0301234567 --calling 201 > "$SCRATCH/out"
check "a national call from the PBX network takes rule 'national'" grep -qx "rule: national" "$SCRATCH/out"
line=$(grep -n '^\[route national\]' "$cfg" | cut -d: -f1)
check "and says where the rule is defined" grep -qx "defined_at: $cfg:$line" "$SCRATCH/out"
check "with the called number rewritten to +49301234567" grep -qx "called: +49301234567" "$SCRATCH/out"

ctl route test --from 192.0.2.5 --called 09001234567 --json > "$SCRATCH/out.json"
check "a premium number is rejected with cause 52 and SIP 403" \
	test "$(jq -r '"\(.rule) \(.action) \(.cause) \(.sip_status)"' < "$SCRATCH/out.json")" = "premium reject 52 403"

ctl route test --from 198.51.100.9 --called 0301234567 --json > "$SCRATCH/out.json"
check "the same call from an unknown network matches no rule" \
	test "$(jq -r .matched < "$SCRATCH/out.json")" = false

ctl route test --called 9991004 --bogus x 2> "$SCRATCH/err"
check "an unknown option is refused by name" grep -q "unknown option '--bogus'" "$SCRATCH/err"

# a broken rule: the reload is refused, the old dial plan stays
sed -i 's/^called = _0\[1-9\]X\./called = _0[1-9X./' "$cfg"
ctl reload > /dev/null 2> "$SCRATCH/err"
check "a reload with a broken pattern is refused" grep -q "reload-refused\|error(s)" "$SCRATCH/err"
ctl route test --from 192.0.2.5 --called 0301234567 > "$SCRATCH/out"
check "and the old rule still routes" grep -qx "rule: national" "$SCRATCH/out"
stop_daemon
finish
