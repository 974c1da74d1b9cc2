#!/bin/sh
# RFC 4475 (SIP torture tests) through sipgw-msgcheck: every message of the
# RFC's archive gets the verdict its manifest (from the RFC text) gives, and
# a few field values and answers are checked as the RFC describes.
. "$top_srcdir/tests/integration/lib.sh"
DATA=${SGW_TESTDATA:-$top_srcdir/../shared/testdata}/sip/rfc4475
MSGCHECK="$top_builddir/sipgw-msgcheck"
if [ ! -f "$DATA/manifest.tsv" ]; then
	echo "1..0 # SKIP $DATA/manifest.tsv not found (../shared/testdata)"
	exit 0
fi
n=$(tail -n +2 "$DATA/manifest.tsv" | wc -l)
plan $((n + 7))

# messages the parser cannot judge yet would be listed here as TAP TODO
todo_reason() {
	case $1 in
	*) ;;
	esac
}

i=0
tail -n +2 "$DATA/manifest.tsv" > "$SCRATCH/manifest"
while IFS='	' read -r file section validity rest; do
	i=$((i + 1))
	out=$("$MSGCHECK" "$DATA/$file" 2>&1)
	rc=$?
	case $validity in
	valid) [ $rc -eq 0 ] && got=valid || got="invalid ($out)" ;;
	*) [ $rc -eq 1 ] && got=invalid || got=valid ;;
	esac
	todo=$(todo_reason "$file")
	if [ "$got" = "$validity" ]; then
		echo "ok $i - $file (§$section) is $validity${todo:+ # TODO $todo}"
	else
		echo "not ok $i - $file (§$section) is $validity, got $got${todo:+ # TODO $todo}"
	fi
done < "$SCRATCH/manifest"
tap_n=$i

out=$("$MSGCHECK" "$DATA/wsinv.dat")
check "wsinv: INVITE with CSeq 9 despite the folding and odd spacing" \
	sh -c "echo '$out' | grep -q ': valid: INVITE Call-ID .* CSeq 9 INVITE$'"
"$MSGCHECK" --dump "$DATA/wsinv.dat" > "$SCRATCH/dump"
check "wsinv: the unknown header is kept byte-exact" \
	grep -q "^  UnknownHeaderWithUnusualValue: ;;,,;;,;$" "$SCRATCH/dump"
check "wsinv: Max-Forwards 0068 read with its leading zeros" grep -q "^  Max-Forwards: 0068$" "$SCRATCH/dump"
"$MSGCHECK" --response "$DATA/badvers.dat" > "$SCRATCH/resp"
check "badvers: the answer is 505 Version Not Supported" grep -q "^SIP/2.0 505 Version Not Supported" "$SCRATCH/resp"
check "and it carries the request's Call-ID" grep -qi "^call-id:" "$SCRATCH/resp"
"$MSGCHECK" --response "$DATA/unkscm.dat" > "$SCRATCH/resp"
check "unkscm: a valid request answered 416 Unsupported URI Scheme" \
	grep -q "^SIP/2.0 416 Unsupported URI Scheme" "$SCRATCH/resp"
"$MSGCHECK" /nonexistent/file > /dev/null 2>&1
rc=$?
check "a missing file is an I/O error (exit 2)" test $rc -eq 2
finish
