#!/bin/sh
# DAHDI in a VM: boot Debian's own kernel under qemu (software emulation;
# KVM does not work on these hosts), load the real DAHDI kernel modules built
# from Debian's dahdi-source, configure two dahdi_dynamic_loc spans looped to
# each other with dahdi_cfg, and run tests/dahdi/dahdi_vm_test inside; then
# the gateway's self-test call over the same spans: sipgwd with PRI on both
# (tests/dahdi/selftest.conf), sipgw-ua's probe calling the milliwatt and
# DTMF readback test lines through span 1 -> span 2.  The programs print TAP
# on the VM's console; this script numbers it and passes it on.
#
# Everything needed comes from scripts/setup (qemu-system-x86, busybox-static,
# linux-image-amd64, linux-headers-amd64, dahdi-source, dahdi, cpio).  Where
# something is missing the whole test is skipped, saying what.  The module
# build is cached in $top_builddir/tests/dahdi/modules-KERNEL.
: "${top_srcdir:?run through make check}" "${top_builddir:?run through make check}"

skip_all() { echo "1..0 # SKIP $*"; exit 0; }

command -v qemu-system-x86_64 > /dev/null || skip_all "qemu-system-x86_64 not installed (scripts/setup installs it)"
[ -x /bin/busybox ] || skip_all "busybox-static not installed"
command -v dahdi_cfg > /dev/null || skip_all "dahdi_cfg (package dahdi) not installed"
command -v cpio > /dev/null || skip_all "cpio not installed"
[ -f /usr/src/dahdi.tar.bz2 ] || skip_all "dahdi-source not installed"
KV=$(ls /lib/modules 2>/dev/null | grep -- '-amd64$' | sort -V | tail -1)
[ -n "$KV" ] && [ -d "/lib/modules/$KV/build" ] || skip_all "linux-headers-amd64 not installed"
[ -f "/boot/vmlinuz-$KV" ] || skip_all "linux-image-$KV not installed"
TEST_BIN="$top_builddir/tests/dahdi/dahdi_vm_test"
[ -x "$TEST_BIN" ] || skip_all "tests/dahdi/dahdi_vm_test not built (configure found no dahdi/user.h)"

W=$(mktemp -d /tmp/sgw-dahdi-XXXXXX)
trap 'rm -rf "$W"' EXIT

# 1. the modules: dahdi core, dynamic spans and the local loop driver
MODS="$top_builddir/tests/dahdi/modules-$KV"
if [ ! -f "$MODS/dahdi_dynamic_loc.ko" ]; then
	mkdir -p "$W/src" "$MODS"
	tar -xjf /usr/src/dahdi.tar.bz2 -C "$W/src"
	D=$W/src/modules/dahdi
	if ! make -s -C "/lib/modules/$KV/build" M="$D/drivers/dahdi" DAHDI_INCLUDE="$D/include" \
		DAHDI_BUILD_ALL= CONFIG_DAHDI=m CONFIG_DAHDI_DYNAMIC=m CONFIG_DAHDI_DYNAMIC_LOC=m \
		-j"$(nproc)" modules > "$W/modbuild.log" 2>&1; then
		echo "1..1"
		echo "not ok 1 - DAHDI kernel modules build against linux-headers-$KV"
		sed 's/^/# /' "$W/modbuild.log" | tail -30
		exit 0
	fi
	for m in dahdi dahdi_dynamic dahdi_dynamic_loc; do cp "$D/drivers/dahdi/$m.ko" "$MODS/"; done
fi

# 2. the initramfs: busybox, the modules, dahdi_cfg with its libraries, our test
R=$W/root
mkdir -p "$R/bin" "$R/sbin" "$R/lib/dahdi" "$R/etc/dahdi" "$R/proc" "$R/sys" "$R/dev" "$R/tmp"
cp /bin/busybox "$R/bin/"
cp "$MODS"/*.ko "$R/lib/dahdi/"
b=$(command -v dahdi_cfg)
cp "$b" "$R/sbin/"
for l in $(ldd "$b" | grep -o '/[^ ]*'); do
	mkdir -p "$R$(dirname "$l")"
	cp -L "$l" "$R$l"
done
cp "$TEST_BIN" "$R/bin/sgw-test"
# and the gateway itself, for the self-test call over these DAHDI spans
GW=no
if [ -x "$top_builddir/sipgwd" ] && [ -x "$top_builddir/sipgw-ua" ] && [ -x "$top_builddir/sipgwctl" ]; then
	GW=yes
	for b in sipgwd sipgwctl sipgw-ua; do
		cp "$top_builddir/$b" "$R/bin/"
		for l in $(ldd "$top_builddir/$b" | grep -o '/[^ ]*'); do
			[ -f "$R$l" ] && continue
			mkdir -p "$R$(dirname "$l")"
			cp -L "$l" "$R$l"
		done
	done
	mkdir -p "$R/etc/sipgw"
	cp "$top_srcdir/tests/dahdi/selftest.conf" "$R/etc/sipgw/selftest.conf"
fi
# dahdi_cfg 3.1.0 configures spans before it creates dynamic ones (and first
# destroys the dynamic spans a file lists): two passes, two files.
cp "$top_srcdir/tests/dahdi/dynamic.conf" "$R/etc/dahdi/dynamic.conf"
cp "$top_srcdir/tests/dahdi/system.conf" "$R/etc/dahdi/system.conf"
cat > "$R/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin:/sbin
# The self-test call over the DAHDI spans: sipgwd with span 1 (cpe) and
# span 2 (net) on the two looped dahdi_dynamic_loc spans, sipgw-ua's probe
# calling the milliwatt and DTMF test lines.  Lines "SGW-GW ok|not ok - ..."
gw() { echo "SGW-GW $*"; }
selftest() {
	ifconfig lo 127.0.0.1 up
	sipgwd -f -c /etc/sipgw/selftest.conf 2> /tmp/gw.log &
	gwpid=$!
	n=600
	until sipgwctl -s /tmp/ctl.sock show span 1 2>/dev/null | grep -q 'dchan_state: up' &&
		sipgwctl -s /tmp/ctl.sock show span 2 2>/dev/null | grep -q 'dchan_state: up'; do
		n=$((n - 1))
		[ $n -gt 0 ] || break
		sleep 0.1
	done
	if [ $n -gt 0 ]; then gw "ok - sipgwd: both PRI D-channels up on the DAHDI spans"
	else gw "not ok - sipgwd: D-channels up on the DAHDI spans"; tail -20 /tmp/gw.log | sed 's/^/SGW-GW # /'; fi
	sipgw-ua -l udp:127.0.0.1:0 --timeout 60 --hold 4000 --probe milliwatt sip:9991004@127.0.0.1:5060 > /tmp/mw.out 2>&1
	lvl=$(sed -n 's/.*milliwatt level \([-0-9.]*\) dBm0.*/\1/p' /tmp/mw.out)
	snr=$(sed -n 's/.*SNR \([-0-9.]*\) dB.*/\1/p' /tmp/mw.out)
	if awk -v l="$lvl" -v s="$snr" 'BEGIN { exit !(l != "" && l >= -0.5 && l <= 0.5 && s >= 30) }'; then
		gw "ok - self-test call over DAHDI: SIP -> span 1 -> span 2 -> milliwatt: $lvl dBm0, SNR $snr dB"
	else
		gw "not ok - self-test call over DAHDI: milliwatt level '$lvl' dBm0, SNR '$snr' dB"
		sed 's/^/SGW-GW # /' /tmp/mw.out
	fi
	sipgw-ua -l udp:127.0.0.1:0 --timeout 60 --hold 6000 --probe dtmf --digits 147 sip:9991005@127.0.0.1:5060 > /tmp/dt.out 2>&1
	if grep -q 'dtmf sent 147, read back 147 ' /tmp/dt.out; then
		gw "ok - self-test call over DAHDI: DTMF 147 read back"
	else
		gw "not ok - self-test call over DAHDI: DTMF read back"
		sed 's/^/SGW-GW # /' /tmp/dt.out
	fi
	kill "$gwpid" 2>/dev/null
	wait "$gwpid"
}
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mkdir -p /dev/shm && mount -t tmpfs shm /dev/shm
insmod /lib/dahdi/dahdi.ko auto_assign_spans=1
insmod /lib/dahdi/dahdi_dynamic.ko
insmod /lib/dahdi/dahdi_dynamic_loc.ko
if dahdi_cfg -c /etc/dahdi/dynamic.conf > /tmp/cfg.log 2>&1 && dahdi_cfg >> /tmp/cfg.log 2>&1; then
	echo "SGW-VM-BEGIN"
	/bin/sgw-test
	echo "SGW-VM-END rc=$?"
	[ -x /bin/sipgwd ] && selftest
else
	echo "SGW-VM-CFG-FAILED"
	cat /tmp/cfg.log
fi
poweroff -f
INIT
chmod +x "$R/init"
(cd "$R" && find . | cpio -o -H newc --quiet | gzip -1 > "$W/initrd.gz")

# 3. boot, bounded; the console carries the TAP lines
timeout 300 qemu-system-x86_64 -accel tcg -m 512 -smp 1 -nographic -no-reboot \
	-kernel "/boot/vmlinuz-$KV" -initrd "$W/initrd.gz" \
	-append 'console=ttyS0 panic=-1 quiet' < /dev/null 2>&1 | tr -d '\r' |
	sed 's/^.*\(SGW-VM-\)/\1/' > "$W/vm.log" # the firmware's terminal resets precede it

if grep -q '^SGW-VM-BEGIN' "$W/vm.log"; then
	# the test program's TAP, then the gateway's lines; the plan last
	sed -n '/^SGW-VM-BEGIN/,/^SGW-VM-END/p' "$W/vm.log" | grep -E '^(ok |not ok |#)' > "$W/tap"
	grep -q '^SGW-VM-END' "$W/vm.log" || echo "# the VM stopped before the test program ended" >> "$W/tap"
	want=$(sed -n 's/^1\.\.\([0-9]*\).*/\1/p' "$W/vm.log" | head -1)
	if [ "$GW" = yes ]; then
		sed -n 's/^SGW-GW //p' "$W/vm.log" >> "$W/tap"
		want=$((${want:-0} + 3))
	fi
	# numbers as the harness counts them
	awk '/^(ok|not ok) / { n++; sub(/^ok( [0-9]+)?( -)? ?/, "ok " n " - "); sub(/^not ok( [0-9]+)?( -)? ?/, "not ok " n " - ") } { print }' "$W/tap"
	echo "1..${want:-0}"
else
	echo "1..1"
	echo "not ok 1 - the DAHDI VM booted and configured its spans"
	sed 's/^/# /' "$W/vm.log" | tail -40
fi
