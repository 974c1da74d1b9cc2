#!/bin/sh
# Interop with sipp (Debian's sip-tester), the real peer, on 127.0.0.1 and
# ::1 over UDP and TCP (Debian's sipp has no TLS; tests/integration/
# kamailio_tls.sh covers TLS).  sipp as UAC calls sipgw-ua as UAS, and
# sipgw-ua as UAC calls sipp as UAS: basic calls (sipp's own uac and uas
# scenarios), a re-INVITE to hold, PRACK with 100rel, CANCEL after 180,
# digest challenges both ways, and the 2xx retransmitted over UDP while the
# ACK is withheld.  Scenarios: tests/sipp/.  A check passes when both ends
# report every call as completed.
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/ua_lib.sh"
SC="$top_srcdir/tests/sipp"
if ! command -v sipp >/dev/null 2>&1; then
	echo "1..0 # SKIP sipp is not installed (scripts/setup installs sip-tester)"
	exit 0
fi
plan 19

# sipp's transport flag and our listen prefix for u/t, and the host forms
tflag() { [ "$1" = udp ] && echo u1 || echo t1; }
host() { [ "$1" = 6 ] && echo "::1" || echo "127.0.0.1"; }
bracket() { [ "$1" = 6 ] && echo "[::1]" || echo "127.0.0.1"; }

# sipp_calls DESC PROTO FAMILY SCENARIO-ARGS -- UAS-ARGS: sipp as UAC (one
# call) against sipgw-ua as UAS
sipp_calls() {
	desc=$1 proto=$2 fam=$3; shift 3
	sargs=
	while [ "$1" != "--" ]; do sargs="$sargs $1"; shift; done
	shift
	# over TCP, sipgw-ua stays a moment after the call: sipp fails a call
	# whose connection closes before its scenario ends
	linger=0
	[ "$proto" = tcp ] && linger=1500
	if ! start_uas uas -l "$proto:$(bracket "$fam"):0" --count 1 --timeout 20 --linger $linger "$@"; then
		not_ok "$desc (UAS did not start)"
		return
	fi
	port=$(uas_port uas "$(echo "$proto" | tr a-z A-Z)")
	# shellcheck disable=SC2086
	sipp $sargs -s 9991000 -t "$(tflag "$proto")" -i "$(host "$fam")" -p 0 \
		"$(bracket "$fam"):$port" -m 1 -timeout 20s -timeout_error -nostdin \
		-trace_err -error_file "$SCRATCH/sipp_err.log" > "$SCRATCH/sipp.out" 2>&1 < /dev/null
	rc=$?
	wait_uas uas
	urc=$?
	if [ $rc = 0 ] && [ $urc = 0 ]; then
		ok "$desc"
	else
		not_ok "$desc (sipp exit $rc, sipgw-ua exit $urc)"
		diag "sipgw-ua: $(cat "$SCRATCH/uas.log")"
		diag "sipp: $(grep -v '^ *$' "$SCRATCH/sipp.out" | tail -25)"
		[ -f "$SCRATCH/sipp_err.log" ] && diag "$(tail -20 "$SCRATCH/sipp_err.log")"
	fi
	rm -f "$SCRATCH/sipp_err.log"
}

# ua_calls DESC PROTO FAMILY SCENARIO-ARGS -- UAC-ARGS: sipgw-ua as UAC
# against sipp as UAS (one call)
ua_calls() {
	desc=$1 proto=$2 fam=$3; shift 3
	sargs=
	while [ "$1" != "--" ]; do sargs="$sargs $1"; shift; done
	shift
	port=$("$SOCKUTIL" free-port)
	# shellcheck disable=SC2086
	sipp $sargs -t "$(tflag "$proto")" -i "$(host "$fam")" -p "$port" -m 1 -timeout 20s \
		-timeout_error -nostdin -trace_err -error_file "$SCRATCH/sipp_err.log" \
		> "$SCRATCH/sipp.out" 2>&1 < /dev/null &
	spid=$!
	n=50
	until ss -lnu 2>/dev/null | grep -q ":$port " || ss -lnt 2>/dev/null | grep -q ":$port "; do
		n=$((n - 1)); [ $n -gt 0 ] || break; sleep 0.1
	done
	tp=
	[ "$proto" = tcp ] && tp=";transport=tcp"
	"$UA" --timeout 20 -l "$proto:$(bracket "$fam"):0" "$@" \
		"sip:9991000@$(bracket "$fam"):$port$tp" > "$SCRATCH/uac.log" 2>&1
	urc=$?
	n=100
	while kill -0 $spid 2>/dev/null && [ $n -gt 0 ]; do sleep 0.1; n=$((n - 1)); done
	kill $spid 2>/dev/null
	wait $spid
	rc=$?
	if [ $rc = 0 ] && [ $urc = 0 ]; then
		ok "$desc"
	else
		not_ok "$desc (sipp exit $rc, sipgw-ua exit $urc)"
		diag "sipgw-ua: $(cat "$SCRATCH/uac.log")"
		diag "sipp: $(grep -v '^ *$' "$SCRATCH/sipp.out" | tail -25)"
		[ -f "$SCRATCH/sipp_err.log" ] && diag "$(tail -20 "$SCRATCH/sipp_err.log")"
	fi
	rm -f "$SCRATCH/sipp_err.log"
}

for fam in 4 6; do
	for proto in udp tcp; do
		sipp_calls "sipp uac -> sipgw-ua UAS, $proto IPv$fam: ring, answer, BYE" $proto $fam \
			-sn uac -- --ring 100
		# sipp's uas waits 4 s after the BYE and fails the call if the
		# TCP connection closes meanwhile: sipgw-ua keeps it open
		ua_calls "sipgw-ua UAC -> sipp uas, $proto IPv$fam: answered, BYE after 300 ms" $proto $fam \
			-sn uas -- --hold 300 --linger "$([ $proto = tcp ] && echo 4500 || echo 0)"
	done
done
sipp_calls "sipp re-INVITE to hold, answered recvonly (UDP)" udp 4 -sf "$SC/uac_reinvite.xml" --
sipp_calls "sipp re-INVITE to hold, answered recvonly (TCP)" tcp 4 -sf "$SC/uac_reinvite.xml" --
sipp_calls "sipp requires 100rel: reliable 180, PRACK, 200 (UDP)" udp 4 -sf "$SC/uac_prack.xml" -- \
	--100rel --ring 200
sipp_calls "sipp CANCEL after 180: 200 and 487, ACK (UDP)" udp 4 -sf "$SC/uac_cancel.xml" -- \
	--ring 10000 --expect 487
sipp_calls "sipp CANCEL after 180 (TCP)" tcp 4 -sf "$SC/uac_cancel.xml" -- --ring 10000 --expect 487
# sipp reads only the first challenge and knows MD5 only: MD5 first for it
sipp_calls "sipgw-ua challenges, sipp answers the digest (UDP)" udp 4 -sf "$SC/uac_auth.xml" -- \
	--user alice --password s3cret --md5-first
sipp_calls "sipp withholds the ACK: the 200 is retransmitted over UDP" udp 4 \
	-sf "$SC/uac_200_retransmit.xml" --
if awk '/200 <----------/ { print $4; exit }' "$SCRATCH/sipp.out" | grep -q '^[1-9]'; then
	ok "sipp counted the 200 retransmission(s): $(awk '/200 <----------/ { print $4; exit }' "$SCRATCH/sipp.out")"
else
	not_ok "no 200 retransmission seen by sipp"
fi
ua_calls "sipp uas requires PRACK: sipgw-ua PRACKs the reliable 180 (UDP)" udp 4 \
	-sf "$SC/uas_prack.xml" -- --100rel --hold 200
ua_calls "sipp challenges: sipgw-ua answers the 401 with digest credentials (UDP)" udp 4 \
	-sf "$SC/uas_auth.xml" -- --user alice --password s3cret --hold 200
ua_calls "sipgw-ua re-INVITEs to hold; sipp checks a=sendonly (TCP)" tcp 4 \
	-sf "$SC/uas_reinvite.xml" -- --reinvite 200 --hold 200
finish
