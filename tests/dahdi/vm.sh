#!/bin/sh
# DAHDI in a VM: boot Debian's own kernel under qemu (software emulation;
# KVM does not work on these hosts), load the real DAHDI kernel modules built
# from Debian's dahdi-source, configure two dahdi_dynamic_loc spans looped to
# each other with dahdi_cfg, and run tests/dahdi/dahdi_vm_test inside.  The
# test program prints TAP on the VM's console; this script passes it on.
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
# dahdi_cfg 3.1.0 configures spans before it creates dynamic ones (and first
# destroys the dynamic spans a file lists): two passes, two files.
cp "$top_srcdir/tests/dahdi/dynamic.conf" "$R/etc/dahdi/dynamic.conf"
cp "$top_srcdir/tests/dahdi/system.conf" "$R/etc/dahdi/system.conf"
cat > "$R/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin:/sbin
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
	sed -n '/^SGW-VM-BEGIN/,/^SGW-VM-END/p' "$W/vm.log" | grep -E '^(1\.\.[0-9]+|ok |not ok |#)'
	grep -q '^SGW-VM-END' "$W/vm.log" || echo "# the VM stopped before the test program ended"
else
	echo "1..1"
	echo "not ok 1 - the DAHDI VM booted and configured its spans"
	sed 's/^/# /' "$W/vm.log" | tail -40
fi
