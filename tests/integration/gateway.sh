#!/bin/sh
# The gateway end to end, on the shipped self-test configuration
# (conf/selftest.conf, only its socket, ports and state moved into the
# scratch directory): sipgw-ua as the SIP phone and media probe calls
# 127.0.0.1; the dial plan sends the call out on span 1 (ISDN user side),
# it crosses the virtual cable to span 2 (network side), whose dial plan
# answers it with a test line.  What a user would notice is checked: the
# milliwatt's level, frequency and SNR, the echo's round trip, DTMF read
# back, busy/congestion/unallocated numbers as SIP statuses (busy also said
# in-band: 183 and the tone before 486), a stranger
# refused with 403, the live call list, hang-up by the operator, a pulled
# cable ending the call, the ladder and the call records.
. "$top_srcdir/tests/integration/lib.sh"
UA="$top_builddir/sipgw-ua"
plan 43
port=$("$SOCKUTIL" free-port)
sed -e "s#^socket = .*#socket = $SCRATCH/ctl.sock#" \
	-e "s#^state_dir = .*#state_dir = $SCRATCH\ncdr = $SCRATCH/cdr.csv#" \
	-e "s#127.0.0.1:15060#127.0.0.1:$port#g" \
	-e "s#^rtp_port_min = .*#rtp_port_min = 23000\nrtp_timeout = 6s\ng729_annexb = yes#" -e "s#^rtp_port_max = .*#rtp_port_max = 23999#" \
	"$top_srcdir/conf/selftest.conf" > "$SCRATCH/gw.conf"
# and a redirect server rule
printf '%s\n' '[route moved]' 'source = address' 'from = 127.0.0.1' 'called = _998XXXX' \
	'action = redirect' 'redirect = sip:${called}@192.0.2.10' >> "$SCRATCH/gw.conf"
# a fax machine's answer tone on the exchange side
printf '%s\n' '[route test-fax]' 'source = span-group' 'from = exchange' 'called = 9991029' \
	'action = testline' 'testline = fax' >> "$SCRATCH/gw.conf"
# the operator maps cause 34 to 480 instead of RFC 3398's 503
printf '%s\n' '[causes]' 'q850_to_sip = 34:480' >> "$SCRATCH/gw.conf"
# calls from the exchange side (originate) answered by an echo on span 1
printf '%s\n' '[route pstn-echo]' 'source = span-group' 'from = pstn' 'called = _777XXXX' \
	'action = testline' 'testline = echo' >> "$SCRATCH/gw.conf"
# ISDN to ISDN: 888 + a number comes in on span 2 and goes out again on
# span 2 without the 888; span 1's echo answers it
printf '%s\n' '[route trombone-out]' 'source = address' 'from = 127.0.0.1' 'called = _888XXXXXXX' \
	'action = route' 'span_group = pstn' '[route exchange-isdn]' 'source = span-group' 'from = exchange' \
	'called = _888XXXXXXX' 'strip_called = 3' 'action = route' 'span_group = exchange' >> "$SCRATCH/gw.conf"
# a trunk (127.0.0.3) that wants line digits as SIP INFO
printf '%s\n' '[trunk info-phone]' 'uri = sip:127.0.0.3:5999' 'dtmf = info' 'codecs = PCMA, PCMU' '[route info-out]' \
	'source = trunk' 'from = info-phone' 'called = _999XXXX' 'action = route' 'span_group = pstn' >> "$SCRATCH/gw.conf"
start_daemon "$SCRATCH/gw.conf"
up() { [ "$(ctl show span 1 --json | jq -r .dchan_state),$(ctl show span 2 --json | jq -r .dchan_state)" = up,up ]; }
wait_for 100 up
check "the self-test configuration comes up: both D-channels up" up

# call NUMBER ARGS...: one call from the probe, its output in $SCRATCH/call.out
call() {
	num=$1; shift
	"$UA" -l udp:127.0.0.1:0 --timeout 20 "$@" "sip:$num@127.0.0.1:$port" > "$SCRATCH/call.out" 2>&1
}
field() { sed -n "s/.*$1 \([-0-9.]*\).*/\1/p" "$SCRATCH/call.out" | head -1; }
within() { awk -v v="$1" -v lo="$2" -v hi="$3" 'BEGIN { exit !(v != "" && v >= lo && v <= hi) }'; }

call 9991004 --hold 2500 --probe milliwatt
diag "$(grep audio: "$SCRATCH/call.out")"
check "milliwatt test line: 0 dBm0 +-0.5 dB ($(field level) dBm0)" within "$(field level)" -0.5 0.5
check "milliwatt test line: 1004 Hz ($(field frequency) Hz), SNR >= 30 dB ($(field SNR) dB)" \
	sh -c "within() { awk -v v=\"\$1\" -v lo=\"\$2\" -v hi=\"\$3\" 'BEGIN { exit !(v != \"\" && v >= lo && v <= hi) }'; }; within '$(field frequency)' 999 1009 && within '$(field SNR)' 30 99"
mw=$($SIPGWCTL -s "$SCRATCH/ctl.sock" show calls --recent --json | jq -c '[.calls[] | select(.called == "9991004" and .direction == "sip-to-isdn")][0] | [.from_line_dbm0_x10, .from_line_clipped]')
check "the call's figures: the milliwatt from the line at 0 dBm0 +-0.5 dB, nothing clipped ([level x10, clipped] $mw)" \
	sh -c "echo '$mw' | jq -e '.[0] >= -5 and .[0] <= 5 and .[1] == 0' >/dev/null"
ctl show call C1 C2 > "$SCRATCH/ladder" 2>&1
diag "$(cat "$SCRATCH/ladder")"
check "the ladder: INVITE, SETUP out on span 1, SETUP in on span 2, CONNECT, 200, in that order" sh -c \
	"grep -n -e '<- INVITE 9991004' -e '-> SETUP span 1' -e '<- SETUP span 2' -e '<- CONNECT' -e '-> 200' '$SCRATCH/ladder' | cut -d: -f1 | tr '\n' ' ' | awk '{ exit !(NF == 5 && \$1 < \$2 && \$2 < \$3 && \$3 < \$4 && \$4 < \$5) }'"

call 9991000 --hold 2500 --probe echo
diag "$(grep audio: "$SCRATCH/call.out")"
check "echo test line: the bursts come back at -10 dBm0 +-1 dB ($(field level) dBm0)" \
	within "$(sed -n 's/.*level \([-0-9.]*\) dBm0 (sent.*/\1/p' "$SCRATCH/call.out")" -11 -9
check "echo test line: round trip under 200 ms ($(field trip) ms)" within "$(field trip)" 1 200

call 9991005 --hold 6500 --probe dtmf --digits '1234*#09'
diag "$(grep audio: "$SCRATCH/call.out")"
check "DTMF both ways: RFC 4733 -> tones on the line, read back, tones -> RFC 4733 events, none left in the audio" \
	grep -q 'dtmf sent 1234\*#09, read back 1234\*#09 (RFC 4733 events 1234\*#09, in-band tones -)$' "$SCRATCH/call.out"

call 8887771000 --hold 2500 --probe echo
diag "$(grep audio: "$SCRATCH/call.out")"
wait_for 50 sh -c "$SIPGWCTL -s $SCRATCH/ctl.sock show calls --recent --json | jq -e '.calls[] | select(.direction == \"isdn-to-isdn\")' >/dev/null"
iid=$($SIPGWCTL -s $SCRATCH/ctl.sock show calls --recent --json | jq -r '[.calls[] | select(.direction == "isdn-to-isdn")][0].id')
lvl=$(sed -n 's/.*level \([-0-9.]*\) dBm0 (sent.*/\1/p' "$SCRATCH/call.out")
lvl_ok=0; within "$lvl" -11 -9 && lvl_ok=1
ctl show call "$iid" > "$SCRATCH/isdn2.ladder" 2>&1
check "ISDN to ISDN: in on span 2, out on span 2 as 7771000, answered; the echo comes back at -10 dBm0 +-1 dB ($lvl)" sh -c \
	"grep -q 'isdn-out -> SETUP span 2 B[0-9]* called 7771000' '$SCRATCH/isdn2.ladder' && grep -q 'isdn-out <- CONNECT' '$SCRATCH/isdn2.ladder' && grep -q 'isdn -> CONNECT' '$SCRATCH/isdn2.ladder' && [ $lvl_ok = 1 ]"

# a clear-channel data call (CLEARMODE alone, RFC 4040): out on span 1 as
# unrestricted digital, to the echo test line on span 2, and the octets
# come back bit-exact: none altered, at least half of them back (a packet
# too late for a jitter buffer on a loaded host is lost as idle octets, a
# network's doing, not the gateway's); then through span 2's ISDN-to-ISDN
# hairpin too
call 9991000 --hold 3000 --probe data
diag "$(grep data: "$SCRATCH/call.out")"
wait_for 50 sh -c "$SIPGWCTL -s $SCRATCH/ctl.sock show calls --recent --json | jq -e '.calls[] | select(.called == \"9991000\" and .codec == \"CLEARMODE\")' >/dev/null"
did=$($SIPGWCTL -s $SCRATCH/ctl.sock show calls --recent --json | jq -r '[.calls[] | select(.called == "9991000" and .direction == "sip-to-isdn" and .codec == "CLEARMODE")][0].id')
ctl show call "$did" > "$SCRATCH/data.ladder" 2>&1
dn=$(sed -n 's/.*data: \([0-9]*\) octets back compared, \([0-9]*\) as sent, [0-9]* lost, \([0-9]*\) altered.*/\1 \2 \3/p' "$SCRATCH/call.out")
check "data call (CLEARMODE): SETUP out on span 1 as unrestricted digital, octets back bit-exact from the echo line ($dn: compared, as sent, altered)" sh -c \
	"grep -q 'SETUP span 1 .*(unrestricted digital)' '$SCRATCH/data.ladder' && set -- $dn && [ \"\$1\" -ge 8000 ] && [ \"\$3\" -eq 0 ] && [ \$((\$2 * 2)) -ge \"\$1\" ]"
call 8887771000 --hold 3000 --probe data
diag "$(grep data: "$SCRATCH/call.out")"
dn=$(sed -n 's/.*data: \([0-9]*\) octets back compared, \([0-9]*\) as sent, [0-9]* lost, \([0-9]*\) altered.*/\1 \2 \3/p' "$SCRATCH/call.out")
wait_for 50 sh -c "$SIPGWCTL -s $SCRATCH/ctl.sock show calls --recent --json | jq -e '.calls[] | select(.direction == \"isdn-to-isdn\" and .codec == \"CLEARMODE\")' >/dev/null"
iid=$($SIPGWCTL -s $SCRATCH/ctl.sock show calls --recent --json | jq -r '[.calls[] | select(.direction == "isdn-to-isdn" and .codec == "CLEARMODE")][0].id')
ctl show call "$iid" > "$SCRATCH/data2.ladder" 2>&1
check "data call through the ISDN-to-ISDN hairpin: out again as unrestricted digital, octets back bit-exact ($dn: compared, as sent, altered)" sh -c \
	"grep -q 'isdn-out -> SETUP span 2 .*(unrestricted digital)' '$SCRATCH/data2.ladder' && set -- $dn && [ \"\$1\" -ge 8000 ] && [ \"\$3\" -eq 0 ] && [ \$((\$2 * 2)) -ge \"\$1\" ]"

# fax: SpanDSP's fax machine in sipgw-ua sends the test page to the faxrx
# test line on span 2 (SpanDSP's fax machine on the line, which checks
# every row).  Three calls at once, told apart by their calling numbers:
# the gateway hears CNG and moves the call to T.38 by re-INVITE; the phone
# refuses T.38 (488) and the fax stays G.711 pass-through; the phone
# offers T.38 itself.  Each way the page must arrive whole.  The first
# phone, once its fax is over, takes the call back to audio by re-INVITE.
fax_call() { who=$1; shift; "$UA" -l udp:127.0.0.1:0 --timeout 90 --hold 80000 --probe fax --from "sip:$who@127.0.0.1" "$@" "sip:9991030@127.0.0.1:$port" > "$SCRATCH/fax.$who" 2>&1; }
fax_call 5551 --t38 back & f1=$!
fax_call 5552 --t38 refuse & f2=$!
fax_call 5553 --t38 offer --reinvite 200 & f3=$!
wait $f1 $f2 $f3
for w in 5551 5552 5553; do diag "$w: $(grep -E 'fax|ended|audio' "$SCRATCH/fax.$w" | tr '\n' ' ')"; done
faxrec() { $SIPGWCTL -s "$SCRATCH/ctl.sock" show calls --recent --json | jq -c "[.calls[] | select(.calling == \"$1\" and .direction == \"$2\")][0]"; }
fax_line_ok() { faxrec "$1" isdn-to-test | jq -e '.fax_result == 0 and .fax_pages == 1 and .fax_rows == 300 and .fax_bad_rows == 0' >/dev/null; }
diag "$(for w in 5551 5552 5553; do faxrec $w sip-to-isdn | jq -c '{calling, codec, t38, fax_pages, udptl_sent, udptl_received}'; faxrec $w isdn-to-test | jq -c '{calling, fax_result, fax_pages, fax_rows, fax_bad_rows}'; done)"
id1=$(faxrec 5551 sip-to-isdn | jq -r .id)
ctl show call "$id1" > "$SCRATCH/fax.ladder" 2>&1
check "fax as T.38: CNG heard, the gateway re-INVITEs to T.38 and relays it; the faxrx line gets the page whole (300 rows as sent)" sh -c \
	"grep -q 'fax: ok, 1 page(s) sent at [0-9]* bit/s over T.38' '$SCRATCH/fax.5551' && grep -q 'fax/modem CNG heard' '$SCRATCH/fax.ladder' && grep -q -- '-> re-INVITE (T.38 on UDPTL port' '$SCRATCH/fax.ladder' && grep -q '<- 200: T.38' '$SCRATCH/fax.ladder' && $SIPGWCTL -s '$SCRATCH/ctl.sock' show calls --recent --json | jq -e '[.calls[] | select(.calling == \"5551\" and .direction == \"sip-to-isdn\")][0] | .t38 and .fax_pages == 1 and .udptl_sent > 0 and .udptl_received > 0' >/dev/null"
check "fax as T.38 (cont.): the faxrx line's T.30 ended well with the page as sent" fax_line_ok 5551
check "after the T.38 fax the phone's audio re-INVITE ends the relay: answered with audio, RTP from the line again" sh -c \
	"grep -q 'back to audio: answered, [1-9][0-9]* RTP packets received since' '$SCRATCH/fax.5551' && grep -q 'ended 0 .*: ok' '$SCRATCH/fax.5551' && grep -q 'audio again: T.38 over' '$SCRATCH/fax.ladder'"
check "fax, T.38 refused by the phone (488): G.711 pass-through, the page arrives whole" sh -c \
	"grep -q 'fax: ok, 1 page(s) sent at [0-9]* bit/s over G.711' '$SCRATCH/fax.5552' && $SIPGWCTL -s '$SCRATCH/ctl.sock' show calls --recent --json | jq -e '[.calls[] | select(.calling == \"5552\")] | (map(select(.direction == \"sip-to-isdn\"))[0] | .t38 == false and .codec == \"PCMA\") and (map(select(.direction == \"isdn-to-test\"))[0] | .fax_result == 0 and .fax_rows == 300 and .fax_bad_rows == 0)' >/dev/null"
check "fax, the phone's own T.38 re-INVITE accepted: relayed, the page arrives whole" sh -c \
	"grep -q 'fax: ok, 1 page(s) sent at [0-9]* bit/s over T.38' '$SCRATCH/fax.5553' && $SIPGWCTL -s '$SCRATCH/ctl.sock' show calls --recent --json | jq -e '[.calls[] | select(.calling == \"5553\")] | (map(select(.direction == \"sip-to-isdn\"))[0] | .t38) and (map(select(.direction == \"isdn-to-test\"))[0] | .fax_result == 0 and .fax_rows == 300 and .fax_bad_rows == 0)' >/dev/null"

# the same readback toward a trunk with dtmf = info: the digits come as INFO,
# neither as events nor left in the audio
"$UA" -l udp:127.0.0.3:0 --timeout 20 --hold 6000 --probe dtmf --digits 2580 "sip:9991005@127.0.0.1:$port" > "$SCRATCH/call.out" 2>&1
diag "$(grep -E 'INFO|audio: dtmf' "$SCRATCH/call.out")"
check "DTMF as SIP INFO (trunk dtmf = info): 2580 read back as INFO Signal=, none as events or tones" \
	grep -q 'dtmf sent 2580, read back 2580 (RFC 4733 events -, in-band tones -, SIP INFO 2580)$' "$SCRATCH/call.out"

# transcoding: the phone offers one codec only; the milliwatt comes back
# through it (level, frequency and an SNR the codec can give)
for spec in G722:30 G726-32:28 G729:20 GSM:15; do
	codec=${spec%%:*} min_snr=${spec#*:}
	call 9991004 --hold 2500 --probe milliwatt --codec "$codec"
	diag "$codec: $(grep 'audio: milliwatt' "$SCRATCH/call.out")"
	lvl=$(field level) fq=$(field frequency) snr=$(field SNR)
	ok_=0
	within "$lvl" -1.5 1.5 && within "$fq" 999 1009 && within "$snr" "$min_snr" 99 && ok_=1
	check "$codec transcoded: milliwatt at $lvl dBm0, $fq Hz, SNR $snr dB (>= $min_snr), the call's codec $codec" sh -c \
		"[ $ok_ = 1 ] && $SIPGWCTL -s $SCRATCH/ctl.sock show calls --recent --json | jq -e '[.calls[] | select(.direction == \"sip-to-isdn\")][0].codec == \"$codec\"' >/dev/null"
done
# G.729 annex B ([sip] g729_annexb = yes here; the calls above offered
# annexb=no and kept a packet every 20 ms): between the echo bursts neither
# side sends, and every burst comes back, heard well above the comfort
# noise (its level a few dB lower than without annex B and varying from
# run to run: two VADs in tandem, the probe's and the gateway's, each take
# the first frames of a 60 ms burst, as many as its alignment with the
# 10 ms frames makes them; -17 to -19 dBm0 against -12.6)
call 9991000 --hold 4000 --probe echo --codec G729 --annexb
diag "$(grep audio: "$SCRATCH/call.out")"
rx=$(sed -n 's/.* \([0-9]*\) received.*/\1/p' "$SCRATCH/call.out")
secs=$(sed -n 's/audio: \([0-9.]*\) s received.*/\1/p' "$SCRATCH/call.out")
lvl=$(sed -n 's/.*level \([-0-9.]*\) dBm0 (sent.*/\1/p' "$SCRATCH/call.out")
back=$(sed -n 's/.*, \([0-9]*\) bursts back.*/\1/p' "$SCRATCH/call.out")
check "G.729 annex B: $rx packets in $secs s of audio (a packet every 20 ms would be 50 a second), $back of 3 echo bursts back at $lvl dBm0 (over -25)" \
	sh -c "awk -v r='$rx' -v s='$secs' 'BEGIN { exit !(r > 0 && s >= 3 && r < 0.7 * 50 * s) }' && [ '$back' = 3 ] && awk -v v='$lvl' 'BEGIN { exit !(v != \"\" && v >= -25 && v <= -8) }'"
call 9991005 --hold 5000 --probe dtmf --digits 147 --codec G729
check "DTMF over G.729: 147 as events to the line and back, none in the (transcoded) audio" \
	grep -q 'dtmf sent 147, read back 147 (RFC 4733 events 147, in-band tones -)$' "$SCRATCH/call.out"
"$UA" -l udp:127.0.0.3:0 --timeout 20 --expect 488 --codec G729 "sip:9991004@127.0.0.1:$port" > "$SCRATCH/call.out" 2>&1
check "a trunk whose codecs are PCMA, PCMU: an offer of G.729 alone gets 488" grep -q 'ended 488 .*: ok' "$SCRATCH/call.out"
printf '[sip]\ncodecs = PCMA, G723\n' > "$SCRATCH/bad.conf"
"$SIPGWD" -t -c "$SCRATCH/bad.conf" > "$SCRATCH/out" 2>&1
check "a codec we do not have is a configuration error with its line" \
	grep -q "bad.conf:2: codecs: 'G723' is not a codec of ours" "$SCRATCH/out"

call 9991000 --reinvite 500 --hold 1000
check "hold: a re-INVITE sendonly is answered recvonly, the call goes on on its B-channel" wait_for 50 sh -c \
	"grep -q 're-INVITE 200 (peer holds: recvonly)' '$SCRATCH/call.out' && grep -q 'calls: 1 ok' '$SCRATCH/call.out' && $SIPGWCTL -s $SCRATCH/ctl.sock show call \$($SIPGWCTL -s $SCRATCH/ctl.sock show calls --recent --json | jq -r '[.calls[] | select(.direction == \"sip-to-isdn\")][0].id') | grep -q 're-INVITE (hold)'"

call 9981234 --expect 302
check "redirect server: 302 with Contact sip:9981234@192.0.2.10" sh -c \
	"grep -q 'ended 302 .*: ok' '$SCRATCH/call.out' && $SIPGWCTL -s $SCRATCH/ctl.sock show call \$($SIPGWCTL -s $SCRATCH/ctl.sock show calls --recent --json | jq -r '.calls[0].id') | grep -q '302 Contact sip:9981234@192.0.2.10'"

# DTMF by SIP INFO (sipp sends 2, 5, 8 as application/dtmf-relay): played on
# the line, where the DTMF readback test line hears them
if command -v sipp >/dev/null 2>&1; then
	sipp -sf "$top_srcdir/tests/sipp/uac_info.xml" -s 9991005 -i 127.0.0.1 -p 0 "127.0.0.1:$port" -m 1 \
		-timeout 20s -timeout_error -nostdin > "$SCRATCH/sipp.out" 2>&1 < /dev/null
	rc=$?
	wait_for 50 sh -c "$SIPGWCTL -s $SCRATCH/ctl.sock show calls --recent --json | jq -e '.calls[] | select(.direction == \"isdn-to-test\" and .digits_heard == \"258\")' >/dev/null"
	check "SIP INFO DTMF 2 5 8 (sipp, exit $rc): tones on the line, heard by the readback test line" sh -c \
		"[ $rc = 0 ] && $SIPGWCTL -s $SCRATCH/ctl.sock show calls --recent --json | jq -e '.calls[] | select(.direction == \"isdn-to-test\" and .digits_heard == \"258\")' >/dev/null"
else
	skip "sipp is not installed"
fi

call 9991029 --hold 2000
wait_for 50 sh -c "$SIPGWCTL -s $SCRATCH/ctl.sock show calls --recent --json | jq -e '.calls[] | select(.called == \"9991029\" and .direction == \"sip-to-isdn\")' >/dev/null"
fid=$($SIPGWCTL -s $SCRATCH/ctl.sock show calls --recent --json | jq -r '[.calls[] | select(.called == "9991029" and .direction == "sip-to-isdn")][0].id')
ctl show call "$fid" > "$SCRATCH/fax.ladder" 2>&1
diag "$(grep fax "$SCRATCH/fax.ladder")"
check "a fax answer tone from the line (2100 Hz): the call goes to pass-through, call control hears CED" sh -c \
	"grep -q 'fax/modem CED heard: pass-through' '$SCRATCH/fax.ladder' && $SIPGWCTL -s $SCRATCH/ctl.sock show calls --recent --json | jq -e '.calls[] | select(.id == \"$fid\" and .fax_tone == 2)' >/dev/null"

call 9991017 --expect 486
check "busy test line: 486 to the caller" grep -q 'ended 486 .*: ok' "$SCRATCH/call.out"
call 9991018 --expect 486 --probe listen
diag "$(grep -E ': 183|ended|audio: level' "$SCRATCH/call.out")"
check "busy said in-band (PROGRESS cause 17 + busy tone): 183, the tone heard as early media, then 486" sh -c \
	"grep -q 'call 1: 183' '$SCRATCH/call.out' && grep -q 'ended 486 .*after [4-9][0-9][0-9][0-9] ms: ok' '$SCRATCH/call.out' && \
	 awk '/audio: level/ { exit !(\$3 > -20.0) }' '$SCRATCH/call.out'"
call 9991034 --expect 480
check "congestion test line: cause 34, 480 to the caller as [causes] q850_to_sip = 34:480 says" \
	grep -q 'ended 480 .*: ok' "$SCRATCH/call.out"
printf '[causes]\nq850_to_sip = 34:480, 17-486\n' > "$SCRATCH/bad.conf"
"$SIPGWD" -t -c "$SCRATCH/bad.conf" > "$SCRATCH/out" 2>&1
check "a bad [causes] pair is a configuration error with its line" \
	grep -q "bad.conf:2: q850_to_sip: '17-486' is not FROM:TO" "$SCRATCH/out"
call 9990000 --expect 404
check "a number the exchange does not know: 404 (cause 1)" grep -q 'ended 404 .*: ok' "$SCRATCH/call.out"
"$UA" -l udp:127.0.0.2:0 --timeout 20 --expect 403 "sip:9991004@127.0.0.1:$port" > "$SCRATCH/call.out" 2>&1
check "an INVITE from 127.0.0.2 (not allowed) gets 403 and is logged with its source" sh -c \
	"grep -q 'ended 403 .*: ok' '$SCRATCH/call.out' && grep -q 'INVITE from 127.0.0.2 refused (403)' '$SCRATCH/daemon.log'"

# a long call: seen live, then hung up by the operator
"$UA" -l udp:127.0.0.1:0 --timeout 20 --hold 15000 --probe echo "sip:9991000@127.0.0.1:$port" > "$SCRATCH/long.out" 2>&1 &
ua=$!
wait_for 50 sh -c "$SIPGWCTL -s $SCRATCH/ctl.sock show calls --json | jq -e '[.calls[] | select(.state == \"answered\")] | length == 2' >/dev/null"
sleep 1 # a second of RTP for the quality figures
ctl show calls > "$SCRATCH/calls"
diag "$(cat "$SCRATCH/calls")"
check "show calls: both legs of the live call, answered, on span 1 and span 2, the SIP leg's MOS live (>= 4.0)" sh -c \
	"grep -q 'sip-to-isdn .*answered .*span 1 B1 .*PCMA    4\.[0-9]' '$SCRATCH/calls' && grep -q 'isdn-to-test .*answered .*span 2 B1' '$SCRATCH/calls' && $SIPGWCTL -s $SCRATCH/ctl.sock show calls --json | jq -e '[.calls[] | select(.direction == \"sip-to-isdn\")][0] | .mos_x10 >= 40 and .rtp_received > 0' >/dev/null"
id=$(ctl show calls --json | jq -r '.calls[] | select(.direction == "sip-to-isdn") | .id')
ctl hangup "$id" > /dev/null
wait "$ua"
check "hangup $id: the caller gets a BYE" grep -q 'ended 0 (hung up by the peer)' "$SCRATCH/long.out"

# a phone that sends no RTP (gone without a BYE): ended after rtp_timeout (6 s)
"$UA" -l udp:127.0.0.1:0 --timeout 30 --hold 25000 "sip:9991000@127.0.0.1:$port" > "$SCRATCH/long.out" 2>&1
# (the call is recorded once the line's RELEASE has crossed the cable too)
check "no RTP for 6 s: the gateway ends the call (BYE to the phone, cause 41 on the line)" wait_for 50 sh -c \
	"grep -q 'ended 0 (hung up by the peer)' '$SCRATCH/long.out' && $SIPGWCTL -s $SCRATCH/ctl.sock show calls --recent --json | jq -e '[.calls[] | select(.why | startswith(\"no RTP\"))] | length == 1' >/dev/null"

# originate: the exchange's milliwatt calls 7771000 (an echo on span 1)
ctl originate exchange 7771000 milliwatt > "$SCRATCH/orig.out" 2>&1
oid=$(sed -n 's/^call: //p' "$SCRATCH/orig.out")
wait_for 50 sh -c "$SIPGWCTL -s $SCRATCH/ctl.sock show calls --json | jq -e '[.calls[] | select(.state == \"answered\")] | length == 2' >/dev/null"
ctl show call "$oid" > "$SCRATCH/orig.ladder" 2>&1
diag "$(cat "$SCRATCH/orig.ladder")"
check "originate exchange 7771000 milliwatt: $oid answered by span 1's echo, the test line on its channel" sh -c \
	"grep -q 'test-to-isdn .*answered' '$SCRATCH/orig.ladder' && grep -q '<- CONNECT' '$SCRATCH/orig.ladder' && grep -q 'test line milliwatt on B' '$SCRATCH/orig.ladder'"
ctl hangup "$oid" > /dev/null
ctl originate nowhere 123 > "$SCRATCH/out" 2>&1
rc1=$?
ctl originate exchange 12ab > "$SCRATCH/out2" 2>&1
rc2=$?
check "originate refuses an unknown group and a number that is not digits (exit $rc1, $rc2)" sh -c \
	"[ $rc1 = 1 ] && [ $rc2 = 1 ] && grep -q 'no span group nowhere' '$SCRATCH/out' && grep -q 'is not a number' '$SCRATCH/out2'"
wait_for 50 sh -c "[ \"\$($SIPGWCTL -s $SCRATCH/ctl.sock show calls --json | jq '.calls | length')\" = 0 ]"

# a call cut by the cable
"$UA" -l udp:127.0.0.1:0 --timeout 20 --hold 15000 "sip:9991004@127.0.0.1:$port" > "$SCRATCH/long.out" 2>&1 &
ua=$!
wait_for 50 sh -c "$SIPGWCTL -s $SCRATCH/ctl.sock show calls --json | jq -e '[.calls[] | select(.state == \"answered\")] | length == 2' >/dev/null"
ctl span unplug 1 > /dev/null
wait "$ua"
check "cable pulled mid-call: the caller gets a BYE" grep -q 'ended 0 (hung up by the peer)' "$SCRATCH/long.out"
ctl span replug 1 > /dev/null
wait_for 300 up
check "after replug the spans are up, no call is left and no channel busy" sh -c \
	"[ \"\$($SIPGWCTL -s $SCRATCH/ctl.sock show calls --json | jq '.calls | length')\" = 0 ] && [ \"\$($SIPGWCTL -s $SCRATCH/ctl.sock show span 1 --json | jq .busy)\" = 0 ]"
diag "$(cat "$SCRATCH/cdr.csv")"
check "call records: one per call leg, the cut call with cause 38 and 200 answered" sh -c \
	"[ \$(grep -c '^C' '$SCRATCH/cdr.csv') -ge 14 ] && grep -q '^C[0-9]*,.*,sip-to-isdn,.*,38,200,' '$SCRATCH/cdr.csv'"
stop_daemon
finish
