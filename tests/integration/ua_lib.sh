# ua_lib.sh: starting sipgw-ua as a UAS in the background and finding the
# ports it listens on (sourced after lib.sh).  Every wait is bounded.
UA="$top_builddir/sipgw-ua"

# start_uas NAME ARGS...: run sipgw-ua ARGS in the background, logging to
# $SCRATCH/NAME.log; waits until it has printed its listeners.
start_uas() {
	name=$1; shift
	# emptied here, not by the background shell: the wait below must not
	# read the previous run's "listening" lines
	: > "$SCRATCH/$name.log"
	"$UA" "$@" >> "$SCRATCH/$name.log" 2>&1 &
	eval "${name}_pid=$!"
	n=50
	until grep -q '^listening' "$SCRATCH/$name.log" 2>/dev/null; do
		n=$((n - 1))
		if [ $n -le 0 ]; then
			diag "$(cat "$SCRATCH/$name.log")"
			return 1
		fi
		sleep 0.1
	done
}

# uas_port NAME PROTO [FAMILY]: the port of NAME's listener (PROTO UDP/TCP/TLS)
uas_port() {
	sed -n "s/^listening $2:.*:\([0-9]*\)\$/\1/p" "$SCRATCH/$1.log" | head -1
}

# wait_uas NAME: wait (at most 20 s) for the UAS to exit; its status
wait_uas() {
	eval "p=\$${1}_pid"
	n=200
	while kill -0 "$p" 2>/dev/null && [ $n -gt 0 ]; do
		sleep 0.1
		n=$((n - 1))
	done
	kill -TERM "$p" 2>/dev/null
	wait "$p"
}

# uas_summary NAME: the UAS's last line ("calls: N ok, M failed")
uas_summary() {
	tail -1 "$SCRATCH/$1.log"
}
