#!/bin/sh
# RFC 5118 (IPv6 torture tests) through sipgw-msgcheck, using the archive's
# wire copies (CRLF line ends, corrected Content-Length): every message gets
# the verdict of the manifest; "valid*" (the RFC 3261 ABNF bug) is accepted.
. "$top_srcdir/tests/integration/lib.sh"
DATA=${SGW_TESTDATA:-$top_srcdir/../shared/testdata}/sip/rfc5118
MSGCHECK="$top_builddir/sipgw-msgcheck"
if [ ! -f "$DATA/manifest.tsv" ]; then
	echo "1..0 # SKIP $DATA/manifest.tsv not found (../shared/testdata)"
	exit 0
fi
tail -n +2 "$DATA/manifest.tsv" > "$SCRATCH/manifest"
plan "$(wc -l < "$SCRATCH/manifest")"
i=0
while IFS='	' read -r file section validity rest; do
	i=$((i + 1))
	out=$("$MSGCHECK" "$DATA/wire/$file.sip" 2>&1)
	rc=$?
	case $validity in
	valid*) want=0 ;;
	*) want=1 ;;
	esac
	if [ $rc -eq $want ]; then
		echo "ok $i - $file (§$section) is $validity"
	else
		echo "not ok $i - $file (§$section) is $validity: $out"
	fi
done < "$SCRATCH/manifest"
tap_n=$i
finish
