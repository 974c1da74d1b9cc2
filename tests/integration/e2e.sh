#!/bin/sh
# SIP -> PSTN -> SIP through the gateway: a call from a SIP phone goes out
# on span 1 (ISDN user side), crosses the virtual cable to span 2 (network
# side), and span 2's dial plan sends it to the SIP trunk "far" (a UAS on
# 127.0.0.1): the gateway is both ends of a PSTN call.  Peers are sipp and
# sipgw-ua (as phone and as far end, with their media probes).  Checked:
# an answered call end to end with sipp on both sides, audio through both
# conversions (an echo reflected by the far end comes back at its level),
# ringing mapped both ways, busy (486 -> 17 -> 486), unallocated (404 -> 1
# -> 404), no answer cancelled by the caller during alerting, early media
# (183 with SDP -> PROGRESS -> 183 with SDP), all channels busy (503),
# SIP to SIP calls through the bridge (audio, DTMF both ways, a status
# passed through as it came, cancel), overlap dialling passed on to SIP as
# RFC 3578 INVITEs (484 until the number is complete), a fax as T.38 on
# both SIP legs and modems on the cable, and two gateways
# back to back over the cross-process cable.
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/ua_lib.sh"
if ! command -v sipp >/dev/null 2>&1; then
	echo "1..0 # SKIP sipp is not installed (scripts/setup installs sip-tester)"
	exit 0
fi
plan 28
port=$("$SOCKUTIL" free-port)
far=$("$SOCKUTIL" free-port)
far2=$("$SOCKUTIL" free-port)
ovp=$("$SOCKUTIL" free-port)
# the [sip] section both set-ups use
sip_conf() {
	cat <<CONF

[sip]
listen = udp:127.0.0.1:$port
allow = 127.0.0.1
rtp_port_min = 24000
rtp_port_max = 24999
CONF
}
write_config "$SCRATCH/gw.conf"
# numbers as in Berlin: +E.164 toward SIP, the dialled form in the dial plan
sed -i "s#^\[general\]#[general]\ncountry_code = 49\narea_code = 30\nno_answer_timeout = 4s#" "$SCRATCH/gw.conf"
sip_conf >> "$SCRATCH/gw.conf"
# music on hold: 1 s of 1 kHz at -15 dBm0, an A-law WAVE file
{
	printf 'RIFF\144\037\000\000WAVEfmt \020\000\000\000\006\000\001\000\100\037\000\000\100\037\000\000\001\000\010\000'
	printf 'data\100\037\000\000'
	i=0
	while [ $i -lt 1000 ]; do
		printf '\355\230\230\355\155\030\030\155'
		i=$((i + 1))
	done
} > "$SCRATCH/moh.wav"
echo "music_on_hold = $SCRATCH/moh.wav" >> "$SCRATCH/gw.conf"
cat >> "$SCRATCH/gw.conf" <<CONF

; the far ends listen on 127.0.0.3: the phone (127.0.0.1) is no trunk
[trunk far]
uri = sip:127.0.0.3:$far
trusted = yes
max_calls = 1
redirection = both

[trunk refusing]
uri = sip:127.0.0.3:$far2

; a SIP network that takes overlap dialling (RFC 3578)
[trunk overlapping]
uri = sip:127.0.0.3:$ovp
overlap = yes

[span 1]
cable = 2
signalling = pri
side = cpe
group = pstn
overlap = yes

[span 2]
cable = 1
signalling = pri
side = net
group = exchange
overlap = yes

[route out]
source = address
from = 127.0.0.1
called = _555XXXX
action = route
span_group = pstn

[route out-test]
source = address
from = 127.0.0.1
called = _999XXXX
action = route
span_group = pstn

[route sip-to-sip]
source = address
from = 127.0.0.1
called = _444XXXX
action = route
trunks = far

[route exchange-overlap]
source = span-group
from = exchange
called = _444X.
action = route
trunks = overlapping

[route exchange-failover]
source = span-group
from = exchange
called = _5552XXX
action = route
trunks = refusing, far
failover_on = 503

[route exchange-to-far]
source = span-group
from = exchange
called = _555XXXX
action = route
trunks = far

[route test-echo]
source = span-group
from = exchange
called = 9991000
action = testline
testline = echo
CONF
start_daemon "$SCRATCH/gw.conf"
up() { [ "$(ctl show span 1 --json | jq -r .dchan_state),$(ctl show span 2 --json | jq -r .dchan_state)" = up,up ]; }
wait_for 100 up

# far ARGS...: the far end (sipgw-ua UAS, one call) on port $far
far() { start_uas far -l "udp:127.0.0.3:$far" --count 1 --timeout 20 "$@"; }
# phone NUMBER ARGS...: one call from sipgw-ua; output in $SCRATCH/phone.out
phone() {
	num=$1; shift
	"$UA" -l udp:127.0.0.1:0 --timeout 20 "$@" "sip:$num@127.0.0.1:$port" > "$SCRATCH/phone.out" 2>&1
}
both() { # both DESC: the phone's and the far end's last lines say ok
	wait_uas far
	if grep -q 'calls: 1 ok, 0 failed' "$SCRATCH/phone.out" && grep -q 'calls: 1 ok, 0 failed' "$SCRATCH/far.log"; then
		ok "$1"
	else
		not_ok "$1"
		diag "phone: $(cat "$SCRATCH/phone.out")"
		diag "far: $(cat "$SCRATCH/far.log")"
	fi
}

sipp -sn uas -i 127.0.0.3 -p "$far" -m 1 -timeout 20s -nostdin > "$SCRATCH/sipp_uas.out" 2>&1 < /dev/null &
uas=$!
sleep 0.3
sipp -sn uac -s 5551000 -i 127.0.0.1 -p 0 "127.0.0.1:$port" -m 1 -d 500 -timeout 20s -timeout_error -nostdin \
	> "$SCRATCH/sipp_uac.out" 2>&1 < /dev/null
rc=$?
wait "$uas"
urc=$?
check "sipp -> gateway -> span 1 -> cable -> span 2 -> gateway -> sipp: answered and hung up (sipp exits $rc and $urc)" \
	[ "$rc,$urc" = "0,0" ]

far --probe reflect
phone 5551001 --hold 2500 --probe echo
both "a call through both conversions: answered end to end"
diag "$(grep 'audio: echo' "$SCRATCH/phone.out")"
lvl=$(sed -n 's/.*level \([-0-9.]*\) dBm0 (sent.*/\1/p' "$SCRATCH/phone.out")
check "audio: bursts reflected by the far end come back at -10 dBm0 +-1 dB ($lvl)" \
	awk -v v="$lvl" 'BEGIN { exit !(v != "" && v >= -11 && v <= -9) }'

# a data call end to end (CLEARMODE alone, RFC 4040): the phone's INVITE
# becomes an unrestricted digital SETUP, crosses the cable, and goes to the
# far trunk as CLEARMODE again; the far end sends the octets back as they
# came, and the phone finds them bit-exact (none altered, at least half
# back: a packet too late on a loaded host is lost, not altered)
far --probe data-reflect
phone 5551001 --hold 3000 --probe data
wait_uas far
diag "$(grep 'data:' "$SCRATCH/phone.out")"
dn=$(sed -n 's/.*data: \([0-9]*\) octets back compared, \([0-9]*\) as sent, [0-9]* lost, \([0-9]*\) altered.*/\1 \2 \3/p' "$SCRATCH/phone.out")
check "a data call SIP -> ISDN -> SIP: CLEARMODE both trunks, octets back bit-exact ($dn: compared, as sent, altered)" sh -c \
	"$SIPGWCTL -s $SCRATCH/ctl.sock show calls --recent --json | jq -e '[.calls[] | select(.called == \"5551001\" and .codec == \"CLEARMODE\")] | length == 2' >/dev/null && set -- $dn && [ \"\$1\" -ge 8000 ] && [ \"\$3\" -eq 0 ] && [ \$((\$2 * 2)) -ge \"\$1\" ]"

# fax end to end: the phone's fax machine sends the test page; the gateway
# moves the phone's leg to T.38 (CNG heard) and carries the fax as audio
# between span 1 and span 2 (a T.38 gateway on each end of the cable),
# and the far trunk's leg moves to T.38 too; the far end's fax machine
# gets the page whole (every row as sent)
far --probe fax-recv --timeout 90
phone 5551001 --timeout 90 --hold 80000 --probe fax
wait_uas far
diag "$(grep -h -E 'fax' "$SCRATCH/phone.out" "$SCRATCH/far.log")"
check "fax SIP -> ISDN -> SIP: T.38 on both trunks' legs, modems on the cable, the far end gets the page whole" sh -c \
	"grep -q 'fax: ok, 1 page(s) sent at [0-9]* bit/s over T.38' '$SCRATCH/phone.out' && grep -q 'fax: ok, 1 page(s) received at [0-9]* bit/s over T.38, 300 rows, 0 not as the test page' '$SCRATCH/far.log' && $SIPGWCTL -s $SCRATCH/ctl.sock show calls --recent --json | jq -e '[.calls[] | select(.called == \"5551001\" and .t38)] | length == 2' >/dev/null"

far --ring 800
phone 5551002 --hold 300
check "ringing: the far end's 180 reaches the phone as 180 (ALERTING in between)" sh -c \
	"grep -q 'call 1: 180' '$SCRATCH/phone.out' && grep -q 'calls: 1 ok' '$SCRATCH/phone.out'"
wait_uas far

far --status 486 --expect 486
phone 5551003 --expect 486
both "busy: the far end's 486 becomes cause 17 on the line and 486 at the phone"

far --status 404 --expect 404
phone 5551004 --expect 404
both "unallocated: 404 -> cause 1 -> 404"

far --ring 20000 --expect 487
phone 5551005 --cancel-after 700 --expect 487
both "no answer: the phone cancels during alerting, the far end gets CANCEL (487 both ends)"

far --ring 20000 --expect 487
phone 5551013 --expect 480
diag "$(grep ended "$SCRATCH/phone.out")"
check "no answer for 4 s (no_answer_timeout): cause 19, the phone gets 480, the far end CANCEL" sh -c \
	"wait_for() { n=\$1; shift; while [ \$n -gt 0 ]; do \"\$@\" && return 0; sleep 0.1; n=\$((n-1)); done; return 1; }; grep -q 'ended 480 .*after [4-9][0-9][0-9][0-9] ms: ok' '$SCRATCH/phone.out' && wait_for 50 grep -q 'calls: 1 ok, 0 failed' '$SCRATCH/far.log'"
wait_uas far

# the phone holds the call (re-INVITE sendonly): the line hears the music
# on hold, which crosses the cable to the far end
far --probe listen
phone 5551015 --reinvite 500 --hold 3000
wait_uas far
diag "far: $(grep 'audio: level' "$SCRATCH/far.log")"
lvl=$(sed -n 's/.*audio: level \([-0-9.]*\) dBm0.*/\1/p' "$SCRATCH/far.log")
check "music on hold: while the phone holds, the far end hears the WAVE file's -15 dBm0 tone ($lvl dBm0 over the call)" sh -c \
	"grep -q 're-INVITE 200 (peer holds: recvonly)' '$SCRATCH/phone.out' && awk -v v='$lvl' 'BEGIN { exit !(v != \"\" && v >= -19 && v <= -14) }'"

far --early --ring 600
phone 5551006 --hold 300
check "early media: the far end's 183 with SDP reaches the phone as 183 (PROGRESS in-band between)" sh -c \
	"grep -q 'call 1: 183' '$SCRATCH/phone.out' && grep -q 'calls: 1 ok' '$SCRATCH/phone.out'"
wait_uas far

# identity: the phone's number, hidden (Privacy: id), crosses the line as
# CLIR and reaches the trusted trunk as P-Asserted-Identity, From anonymous
sipp -sn uas -i 127.0.0.3 -p "$far" -m 1 -timeout 20s -nostdin -trace_msg -message_file "$SCRATCH/uas_msg.log" \
	> "$SCRATCH/sipp_uas.out" 2>&1 < /dev/null &
uas=$!
sleep 0.3
phone 5551007 --hold 300 --from "sip:+4930123456@127.0.0.1" --header "Privacy: id"
wait "$uas"
diag "$(grep -i -e '^From:' -e '^P-Asserted' -e '^Privacy' "$SCRATCH/uas_msg.log" | head -3)"
check "CLIR: Privacy: id -> presentation restricted -> From anonymous, Privacy: id, P-Asserted-Identity +4930123456 to the trusted trunk" sh -c \
	"grep -q '^From: <sip:anonymous@anonymous.invalid>' '$SCRATCH/uas_msg.log' && grep -q '^Privacy: id' '$SCRATCH/uas_msg.log' && grep -q '^P-Asserted-Identity: <sip:+4930123456@' '$SCRATCH/uas_msg.log'"
# (span 2's call ends a moment after the phone's, when RELEASE has crossed the cable)
check "ladder: the SETUP carried the calling number restricted" wait_for 50 sh -c \
	"$SIPGWCTL -s $SCRATCH/ctl.sock show calls --recent --json | jq -r '[.calls[] | select(.called == \"5551007\" and .direction == \"isdn-to-sip\")][0].id' | xargs $SIPGWCTL -s $SCRATCH/ctl.sock show call | grep -q 'SETUP span 2 .*calling 030123456 (restricted)'"

# redirection: the phone's call was retargeted from +4930111 (History-Info,
# RFC 7044); the redirecting number crosses the line and reaches far (which
# takes both forms) as Diversion and as History-Info
sipp -sn uas -i 127.0.0.3 -p "$far" -m 1 -timeout 20s -nostdin -trace_msg -message_file "$SCRATCH/uas_msg3.log" \
	> "$SCRATCH/sipp_uas.out" 2>&1 < /dev/null &
uas=$!
sleep 0.3
phone 5551012 --hold 300 \
	--header "History-Info: <sip:+4930111@127.0.0.1;user=phone>;index=1,<sip:5551012@127.0.0.1;cause=302>;index=1.1;mp=1"
wait "$uas"
diag "$(grep -i -e '^Diversion' -e '^History-Info' "$SCRATCH/uas_msg3.log" | head -2)"
check "redirecting number: History-Info in -> ISDN redirecting number -> Diversion and History-Info (index 1, 1.1 mp=1, cause 404) out" sh -c \
	"grep -q '^Diversion: <sip:+4930111@[^>]*>;reason=unknown' '$SCRATCH/uas_msg3.log' && grep -q '^History-Info: <sip:+4930111@[^>]*>;index=1,<sip:+49305551012@[^>]*;cause=404>;index=1.1;mp=1' '$SCRATCH/uas_msg3.log'"

# numbering context (country 49, area 30): the dialled 5551011 crosses the
# line as dialled and reaches the far end as +49305551011 (tel: global form)
sipp -sn uas -i 127.0.0.3 -p "$far" -m 1 -timeout 20s -nostdin -trace_msg -message_file "$SCRATCH/uas_msg2.log" \
	> "$SCRATCH/sipp_uas.out" 2>&1 < /dev/null &
uas=$!
sleep 0.3
phone 5551011 --hold 300
wait "$uas"
check "a subscriber number dialled (5551011) reaches the trunk as sip:+49305551011;user=phone" \
	grep -q '^INVITE sip:+49305551011@127.0.0.3:[0-9]*;user=phone SIP/2.0' "$SCRATCH/uas_msg2.log"

# failover: the first trunk answers 503, the route tries the next one
start_uas refusing -l "udp:127.0.0.3:$far2" --count 1 --timeout 20 --status 503 --expect 503
far
phone 5552001 --hold 300
wait_uas refusing
both "failover: 503 from the first trunk, the second answers"

# SIP to SIP: the phone's call goes straight to the trunk far, the media
# through a bridge pair (each leg its own RTP session)
far --probe reflect
phone 4441001 --hold 2500 --probe echo
both "SIP to SIP: answered end to end"
diag "$(grep 'audio: echo' "$SCRATCH/phone.out")"
lvl=$(sed -n 's/.*level \([-0-9.]*\) dBm0 (sent.*/\1/p' "$SCRATCH/phone.out")
check "SIP to SIP audio: the far end's reflection comes back at -10 dBm0 +-1 dB ($lvl), one call with both legs" sh -c \
	"awk -v v='$lvl' 'BEGIN { exit !(v != \"\" && v >= -11 && v <= -9) }' && $SIPGWCTL -s $SCRATCH/ctl.sock show calls --recent --json | jq -e '.calls[0] | select(.direction == \"sip-to-sip\" and .trunk == \"far\" and .sip_status == 200)' >/dev/null"
far --hold 4500 --probe dtmf --digits 9
phone 4441002 --hold 4000 --probe dtmf --digits 147
wait_uas far
diag "phone: $(grep 'audio: dtmf' "$SCRATCH/phone.out"); far: $(grep 'audio: dtmf' "$SCRATCH/far.log")"
check "SIP to SIP DTMF: 147 reaches the far end and 9 the phone, as RFC 4733 events, none as tones" sh -c \
	"grep -q 'read back 9 (RFC 4733 events 9, in-band tones -)' '$SCRATCH/phone.out' && grep -q 'read back 147 (RFC 4733 events 147, in-band tones -)' '$SCRATCH/far.log'"
far --status 480 --expect 480
phone 4441003 --expect 480
both "SIP to SIP: the far end's 480 reaches the phone as 480 (not through a cause and back)"
far --ring 20000 --expect 487
phone 4441004 --cancel-after 700 --expect 487
both "SIP to SIP: the phone cancels during ringing, the far end gets CANCEL"

# overlap: a test line on span 1 dials 4441234567 digit by digit (444 in
# the SETUP); span 2's call goes to the trunk as soon as _444X. takes the
# digits, and again after each 484 with more (same Call-ID and From tag)
sipp -sf "$top_srcdir/tests/sipp/uas_overlap.xml" -i 127.0.0.3 -p "$ovp" -m 1 -timeout 20s -nostdin \
	-trace_msg -message_file "$SCRATCH/ov_msg.log" > "$SCRATCH/sipp_ov.out" 2>&1 < /dev/null &
uas=$!
sleep 0.3
oid=$(ctl originate pstn 4441234567 milliwatt --overlap --json | jq -r .call)
ovc() { $SIPGWCTL -s $SCRATCH/ctl.sock show calls --json | jq -r '[.calls[] | select(.direction == "isdn-to-sip" and .state == "answered")][0].id // empty'; }
wait_for 100 sh -c "[ -n \"\$($SIPGWCTL -s $SCRATCH/ctl.sock show calls --json | jq -r '[.calls[] | select(.direction == \"isdn-to-sip\" and .state == \"answered\")][0].id // empty')\" ]"
ctl show call "$(ovc)" > "$SCRATCH/ov.ladder" 2>&1
ctl hangup "$oid" > /dev/null
wait "$uas"
urc=$?
# the header lines of the INVITEs sipp received (not of the responses)
inv=$(awk '/^INVITE sip:/ { f = 1 } /^\r?$/ { f = 0 } f' "$SCRATCH/ov_msg.log")
ninv=$(printf '%s\n' "$inv" | grep -c '^INVITE ')
ncid=$(printf '%s\n' "$inv" | grep '^Call-ID' | sort -u | wc -l)
nfrom=$(printf '%s\n' "$inv" | grep '^From:' | sort -u | wc -l)
cseq_ok=0
printf '%s\n' "$inv" | sed -n 's/^CSeq: \([0-9]*\) INVITE.*/\1/p' | sort -c -n -u 2>/dev/null && cseq_ok=1
diag "$ninv INVITEs: $(printf '%s\n' "$inv" | sed -n 's/^INVITE sip:\([^@]*\)@.*/\1/p' | tr '\n' ' ')"
check "overlap to SIP (RFC 3578): INVITEs with more digits after each 484, the complete number answered (sipp exits $urc)" sh -c \
	"[ $urc = 0 ] && [ $ninv -ge 3 ] && grep -q 'the trunk took 4441234567' '$SCRATCH/ov.ladder' && grep -q 'isdn -> CONNECT' '$SCRATCH/ov.ladder'"
check "overlap to SIP: the $ninv INVITEs have one Call-ID ($ncid) and one From tag ($nfrom), CSeq rising" \
	[ "$ncid,$nfrom,$cseq_ok" = "1,1,1" ]

# the trusted trunk takes one call at a time (max_calls = 1)
far --hold 3000
"$UA" -l udp:127.0.0.1:0 --timeout 20 --hold 2500 "sip:5551008@127.0.0.1:$port" > "$SCRATCH/first.out" 2>&1 &
first=$!
wait_for 50 sh -c "$SIPGWCTL -s $SCRATCH/ctl.sock show calls --json | jq -e '[.calls[] | select(.trunk == \"far\" and .state == \"answered\")] | length == 1' >/dev/null"
phone 5551009 --expect 503
wait "$first"
wait_uas far
check "trunk limit: a second call while far has one gets 503 (cause 42), the first goes on" sh -c \
	"grep -q 'ended 503 .*: ok' '$SCRATCH/phone.out' && grep -q 'calls: 1 ok' '$SCRATCH/first.out'"

# all 30 B-channels taken by echo calls held 4 s; the 31st is refused
sipp -sn uac -s 9991000 -i 127.0.0.1 -p 0 "127.0.0.1:$port" -m 31 -l 31 -r 100 -d 4000 -timeout 25s -nostdin \
	> "$SCRATCH/sipp_full.out" 2>&1 < /dev/null
check "all channels busy: the 31st call gets 503 with cause 34, the other 30 are answered" sh -c \
	"$SIPGWCTL -s $SCRATCH/ctl.sock show calls --recent --json | jq -e '([.calls[] | select(.sip_status == 503 and .q850_cause == 34)] | length) == 1 and ([.calls[] | select(.direction == \"sip-to-isdn\" and .sip_status == 200)] | length) >= 30' >/dev/null"
check "no channel stays busy afterwards" sh -c \
	"wait_for() { n=\$1; shift; while [ \$n -gt 0 ]; do \"\$@\" && return 0; sleep 0.1; n=\$((n-1)); done; return 1; }; wait_for 100 sh -c '[ \$($SIPGWCTL -s $SCRATCH/ctl.sock show span 1 --json | jq .busy) = 0 ]'"
stop_daemon

# two gateways back to back over the cross-process cable
sock=$SCRATCH/cable
write_config "$SCRATCH/a.conf"
sed -i "s#$SCRATCH/ctl.sock#$SCRATCH/a.sock#" "$SCRATCH/a.conf"
sip_conf >> "$SCRATCH/a.conf"
cat >> "$SCRATCH/a.conf" <<CONF

[span 1]
cable_socket = $sock
cable_listen = yes
signalling = pri
side = cpe
group = pstn

[route out]
source = address
from = 127.0.0.1
called = _999XXXX
action = route
span_group = pstn
CONF
write_config "$SCRATCH/b.conf"
sed -i "s#$SCRATCH/ctl.sock#$SCRATCH/b.sock#" "$SCRATCH/b.conf"
cat >> "$SCRATCH/b.conf" <<CONF

[span 1]
cable_socket = $sock
signalling = pri
side = net
group = exchange

[route test-milliwatt]
source = span-group
from = exchange
called = 9991004
action = testline
testline = milliwatt
CONF
"$SIPGWD" -f -c "$SCRATCH/a.conf" 2>>"$SCRATCH/a.log" &
a=$!
"$SIPGWD" -f -c "$SCRATCH/b.conf" 2>>"$SCRATCH/b.log" &
b=$!
wait_for 300 sh -c "[ \"\$($SIPGWCTL -s $SCRATCH/a.sock show span 1 --json | jq -r .dchan_state),\$($SIPGWCTL -s $SCRATCH/b.sock show span 1 --json | jq -r .dchan_state)\" = up,up ]"
sleep 1 # the RESTARTs both ends send when their D-channel comes up
phone 9991004 --hold 2000 --probe milliwatt
diag "$(cat "$SCRATCH/phone.out")"
lvl=$(sed -n 's/.*milliwatt level \([-0-9.]*\) dBm0.*/\1/p' "$SCRATCH/phone.out")
check "two gateways over the cross-process cable: the far gateway's milliwatt at 0 dBm0 +-0.5 ($lvl)" \
	awk -v v="$lvl" 'BEGIN { exit !(v != "" && v >= -0.5 && v <= 0.5) }'
kill -TERM "$a" "$b"
wait "$a"
ra=$?
wait "$b"
rb=$?
[ "$ra,$rb" = "0,0" ] || diag "gateways exited $ra and $rb: $(tail -5 "$SCRATCH/a.log") $(tail -5 "$SCRATCH/b.log")"
finish
