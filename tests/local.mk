## tests/: cmocka unit tests per layer (TAP through CMOCKA_MESSAGE_OUTPUT),
## integration tests that start the real daemon, test tools.

UNIT_TESTS += \
	tests/unit/test_lib_timer \
	tests/unit/test_lib_loop \
	tests/unit/test_lib_log \
	tests/unit/test_lib_conf \
	tests/unit/test_gw_config \
	tests/unit/test_gw_ctl \
	tests/unit/test_gw_cause \
	tests/unit/test_gw_dialplan \
	tests/unit/test_gw_cdr

UNIT_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
EXTRA_DIST += tests/unit/testutil.h

tests_unit_test_lib_timer_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_lib_timer_LDADD = $(LIB_LIBS) $(CMOCKA_LIBS)
tests_unit_test_lib_loop_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_lib_loop_LDADD = $(LIB_LIBS) $(CMOCKA_LIBS)
tests_unit_test_lib_log_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_lib_log_LDADD = $(LIB_LIBS) $(CMOCKA_LIBS)
tests_unit_test_lib_conf_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_lib_conf_LDADD = $(LIB_LIBS) $(CMOCKA_LIBS)
tests_unit_test_gw_config_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_gw_config_LDADD = $(GW_LIBS) $(CMOCKA_LIBS)
tests_unit_test_gw_ctl_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_gw_ctl_LDADD = $(GW_LIBS) $(CMOCKA_LIBS)
tests_unit_test_gw_cause_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_gw_cause_LDADD = $(GW_LIBS) $(CMOCKA_LIBS)
tests_unit_test_gw_dialplan_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_gw_dialplan_LDADD = $(GW_LIBS) $(CMOCKA_LIBS)
tests_unit_test_gw_cdr_CFLAGS = $(UNIT_CFLAGS) $(SQLITE_CFLAGS)
tests_unit_test_gw_cdr_LDADD = $(GW_LIBS) $(CMOCKA_LIBS)
UNIT_TESTS += tests/unit/test_gw_call tests/unit/test_gw_wav
tests_unit_test_gw_wav_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_gw_wav_LDADD = $(GW_LIBS) $(CMOCKA_LIBS)
tests_unit_test_gw_call_CFLAGS = $(UNIT_CFLAGS) $(SPANDSP_CFLAGS)
tests_unit_test_gw_call_LDADD = $(GW_LIBS) $(CMOCKA_LIBS)

# integration: the real daemon and sipgwctl
check_PROGRAMS += tests/tools/sockutil
tests_tools_sockutil_SOURCES = tests/tools/sockutil.c

INTEGRATION_TESTS += \
	tests/integration/daemon.sh \
	tests/integration/control.sh \
	tests/integration/build.sh \
	tests/integration/dialplan.sh
EXTRA_DIST += tests/integration/lib.sh

# The unit tests alone (the sanitizer build runs these).
check-unit:
	$(MAKE) $(AM_MAKEFLAGS) check TESTS="$(UNIT_TESTS)" check_PROGRAMS="$(UNIT_TESTS)"
.PHONY: check-unit

# libFuzzer targets (configure --enable-fuzzing CC=clang); run by
# tests/fuzz/run for a bounded time each, with their seed corpora.
if ENABLE_FUZZING
FUZZERS = tests/fuzz/fuzz_conf tests/fuzz/fuzz_ctl tests/fuzz/fuzz_isdn tests/fuzz/fuzz_sip_msg \
	tests/fuzz/fuzz_sip_uri tests/fuzz/fuzz_sdp tests/fuzz/fuzz_udptl
noinst_PROGRAMS += $(FUZZERS)
FUZZ_FLAGS = -fsanitize=fuzzer
tests_fuzz_fuzz_conf_SOURCES = tests/fuzz/fuzz_conf.c
tests_fuzz_fuzz_conf_LDFLAGS = $(FUZZ_FLAGS)
tests_fuzz_fuzz_conf_LDADD = $(GW_LIBS)
tests_fuzz_fuzz_ctl_SOURCES = tests/fuzz/fuzz_ctl.c
tests_fuzz_fuzz_ctl_LDFLAGS = $(FUZZ_FLAGS)
tests_fuzz_fuzz_ctl_LDADD = $(GW_LIBS)
tests_fuzz_fuzz_isdn_SOURCES = tests/fuzz/fuzz_isdn.c
tests_fuzz_fuzz_isdn_LDFLAGS = $(FUZZ_FLAGS)
tests_fuzz_fuzz_isdn_LDADD = $(ISDN_LIBS)
tests_fuzz_fuzz_sip_msg_SOURCES = tests/fuzz/fuzz_sip_msg.c
tests_fuzz_fuzz_sip_msg_LDFLAGS = $(FUZZ_FLAGS)
tests_fuzz_fuzz_sip_msg_LDADD = $(SIP_LIBS)
tests_fuzz_fuzz_sip_uri_SOURCES = tests/fuzz/fuzz_sip_uri.c
tests_fuzz_fuzz_sip_uri_LDFLAGS = $(FUZZ_FLAGS)
tests_fuzz_fuzz_sip_uri_LDADD = $(SIP_LIBS)
tests_fuzz_fuzz_sdp_SOURCES = tests/fuzz/fuzz_sdp.c
tests_fuzz_fuzz_sdp_LDFLAGS = $(FUZZ_FLAGS)
tests_fuzz_fuzz_sdp_LDADD = $(SIP_LIBS)
tests_fuzz_fuzz_udptl_SOURCES = tests/fuzz/fuzz_udptl.c
tests_fuzz_fuzz_udptl_LDFLAGS = $(FUZZ_FLAGS)
tests_fuzz_fuzz_udptl_LDADD = $(RTP_LIBS) $(DSP_LIBS)
endif
# make check-fuzz: the fuzz run through the test harness, so it is counted.
check-fuzz:
	$(MAKE) $(AM_MAKEFLAGS) $(FUZZERS)
	$(MAKE) $(AM_MAKEFLAGS) check TESTS="tests/fuzz/fuzz.sh" check_PROGRAMS=
.PHONY: check-fuzz
EXTRA_DIST += tests/fuzz/fuzz_conf.c tests/fuzz/fuzz_ctl.c tests/fuzz/fuzz_isdn.c tests/fuzz/fuzz_sip_msg.c tests/fuzz/fuzz_sip_uri.c tests/fuzz/fuzz_sdp.c tests/fuzz/fuzz_udptl.c tests/fuzz/run tests/fuzz/fuzz.sh \
	tests/fuzz/corpus

# Unit and integration tests of every fragment (each layer's local.mk adds
# to UNIT_TESTS and INTEGRATION_TESTS).
check_PROGRAMS += $(UNIT_TESTS)
TESTS += $(UNIT_TESTS) $(INTEGRATION_TESTS)
EXTRA_DIST += $(INTEGRATION_TESTS)

# The DAHDI kernel modules in a qemu VM (tests/dahdi/vm.sh): the test
# program runs inside the VM, so it is linked statically.
if HAVE_DAHDI
check_PROGRAMS += tests/dahdi/dahdi_vm_test
tests_dahdi_dahdi_vm_test_SOURCES = tests/dahdi/dahdi_vm_test.c
tests_dahdi_dahdi_vm_test_LDFLAGS = -static
# the backend's tests run in the VM too: tdm/ and the lib/ parts it uses, static
tests_dahdi_dahdi_vm_test_LDADD = tdm/libtdm.a lib/libsgwlib.a -lpthread
INTEGRATION_TESTS += tests/dahdi/vm.sh
endif
EXTRA_DIST += tests/dahdi/vm.sh tests/dahdi/dynamic.conf tests/dahdi/system.conf tests/dahdi/selftest.conf

# the DAHDI module build cache of tests/dahdi/vm.sh
clean-local:
	-rm -rf tests/dahdi/modules-*
EXTRA_DIST += tests/kamailio/README.md tests/kamailio/kamailio.cfg tests/kamailio/kamailio.sh \
	tests/kamailio/certs.sh tests/integration/ua_lib.sh tests/sipp
INTEGRATION_TESTS += tests/integration/ua.sh tests/integration/kamailio_tls.sh \
	tests/integration/isdn.sh tests/integration/gateway.sh tests/integration/e2e.sh \
	tests/integration/echo_cancel.sh tests/integration/trunk_tls.sh \
	tests/integration/trunks.sh tests/integration/sipp.sh tests/integration/dns_failover.sh \
	tests/integration/spans.sh tests/integration/cable.sh
