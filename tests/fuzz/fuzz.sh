#!/bin/sh
# The fuzz run as an automake test (make check-fuzz in a build configured
# with --enable-fuzzing): every target for FUZZ_SECONDS (default 20) each, the SIP message, URI
# and SDP targets for FUZZ_SIP_SECONDS (default 60).
exec "$top_srcdir/tests/fuzz/run" "$top_builddir" "${FUZZ_SECONDS:-20}"
