#!/bin/sh
# The build and install pieces an operator meets: configure names the
# Debian package of a missing dependency, --without-dahdi turns the DAHDI
# backend off, and the systemd unit is valid and hardened.
. "$top_srcdir/tests/integration/lib.sh"
plan 6

# a machine where pkg-config finds nothing: the first missing library is named
(cd "$SCRATCH" && PKG_CONFIG_LIBDIR=/nonexistent "$top_srcdir/configure" > cfg1.out 2> cfg1.err)
rc=$?
check "configure stops when a dependency is missing" test $rc -ne 0
check "and names the Debian package to install" \
	grep -q "inih not found: install the Debian package libinih-dev" "$SCRATCH/cfg1.err"

mkdir -p "$SCRATCH/nodahdi"
(cd "$SCRATCH/nodahdi" && "$top_srcdir/configure" --without-dahdi > out 2>&1)
check "configure --without-dahdi succeeds without the DAHDI backend" \
	grep -q "DAHDI backend: no" "$SCRATCH/nodahdi/out"

unit="$top_builddir/init/sipgwd.service"
(cd "$top_builddir" && make init/sipgwd.service > /dev/null 2>&1)
check "the unit is Type=notify and hardened" sh -c "
	grep -qx 'Type=notify' '$unit' && grep -qx 'NoNewPrivileges=yes' '$unit' &&
	grep -qx 'ProtectSystem=strict' '$unit' && grep -qx 'PrivateTmp=yes' '$unit' &&
	grep -q '^ReadWritePaths=.*/lib/sipgw' '$unit' && grep -qx 'AmbientCapabilities=' '$unit'"
check "the unit checks the configuration before starting" \
	grep -q '^ExecStartPre=.*sipgwd -t -c' "$unit"
if command -v systemd-analyze > /dev/null; then
	sed "s|^\(Exec[A-Za-z]*=\)[^ ]*/sipgwd|\1$top_builddir/sipgwd|" "$unit" > "$SCRATCH/sipgwd.service"
	check "systemd-analyze verify accepts the unit" \
		systemd-analyze verify --man=no "$SCRATCH/sipgwd.service"
else
	skip "systemd-analyze not installed"
fi
finish
