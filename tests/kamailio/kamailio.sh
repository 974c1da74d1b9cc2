#!/bin/sh
# tests/kamailio/kamailio.sh start WORKDIR UDP_PORT TLS_PORT | stop WORKDIR
# Start Kamailio (Debian's kamailio + kamailio-tls-modules) on 127.0.0.1
# with a throw-away CA and server certificate made by certtool (gnutls-bin)
# in WORKDIR; WORKDIR/ca.pem is what a client trusts.  Bounded waits only.
set -eu
cmd=$1
work=$2
here=$(cd "$(dirname "$0")" && pwd)
case $cmd in
start)
	udp=$3
	tls=$4
	mkdir -p "$work"
	"$here/certs.sh" "$work"
	cat > "$work/tls.cfg" <<TLS
[server:default]
method = TLSv1.2+
verify_certificate = no
require_certificate = no
private_key = $work/server.key
certificate = $work/server.pem

[client:default]
method = TLSv1.2+
verify_certificate = no
require_certificate = no
TLS
	sed -e "s|SGW_UDP_PORT|$udp|g" -e "s|SGW_TLS_PORT|$tls|g" -e "s|SGW_WORKDIR|$work|g" \
		"$here/kamailio.cfg" > "$work/kamailio.cfg"
	kamailio -f "$work/kamailio.cfg" -P "$work/kamailio.pid" -Y "$work" -w "$work" -E \
		> "$work/kamailio.log" 2>&1
	n=50
	until [ -s "$work/kamailio.pid" ] && ss -ltn 2>/dev/null | grep -q "127.0.0.1:$tls "; do
		n=$((n - 1))
		[ $n -gt 0 ] || { cat "$work/kamailio.log" >&2; exit 1; }
		sleep 0.1
	done
	;;
stop)
	[ -s "$work/kamailio.pid" ] && kill "$(cat "$work/kamailio.pid")" 2>/dev/null || true
	;;
esac
