## sip/: the SIP stack: messages, URIs, SDP, numbers, transports, ...
noinst_LIBRARIES += sip/libsip.a
sip_libsip_a_SOURCES = \
	sip/auth.c sip/auth.h \
	sip/build.c sip/build.h \
	sip/dns.c sip/dns.h \
	sip/hdr.c sip/hdr.h \
	sip/msg.c sip/msg.h \
	sip/number.c sip/number.h \
	sip/probe.c sip/probe.h \
	sip/ratelimit.c sip/ratelimit.h \
	sip/reg.c sip/reg.h \
	sip/sdp.c sip/sdp.h \
	sip/sdp_oa.c sip/sdp_oa.h \
	sip/session_timer.c sip/session_timer.h \
	sip/uri.c sip/uri.h \
	sip/transport.c sip/transport.h \
	sip/tsx.c sip/tsx.h \
	sip/ua.c sip/ua.h
sip_libsip_a_CFLAGS = $(AM_CFLAGS) $(GNUTLS_CFLAGS) $(CARES_CFLAGS)
SIP_LIBS = sip/libsip.a $(LIB_LIBS) $(GNUTLS_LIBS) $(CARES_LIBS) -lresolv
EXTRA_DIST += sip/README.md

UNIT_TESTS += tests/unit/test_sip_transport
tests_unit_test_sip_transport_SOURCES = tests/unit/test_sip_transport.c \
	tests/unit/tls_certs.c tests/unit/tls_certs.h
tests_unit_test_sip_transport_CFLAGS = $(UNIT_CFLAGS) $(GNUTLS_CFLAGS)
tests_unit_test_sip_transport_LDADD = $(SIP_LIBS) $(CMOCKA_LIBS)

UNIT_TESTS += tests/unit/test_sip_ua
tests_unit_test_sip_ua_SOURCES = tests/unit/test_sip_ua.c tests/unit/protos.c tests/unit/protos.h
tests_unit_test_sip_ua_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_sip_ua_LDADD = $(SIP_LIBS) $(CMOCKA_LIBS)

UNIT_TESTS += tests/unit/test_sip_tsx
tests_unit_test_sip_tsx_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_sip_tsx_LDADD = $(SIP_LIBS) $(CMOCKA_LIBS)
EXTRA_DIST += tests/unit/golden/sip_tsx.ok

UNIT_TESTS += tests/unit/test_sip_auth
tests_unit_test_sip_auth_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_sip_auth_LDADD = $(SIP_LIBS) $(CMOCKA_LIBS)

UNIT_TESTS += tests/unit/test_sip_dns
tests_unit_test_sip_dns_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_sip_dns_LDADD = $(SIP_LIBS) $(CMOCKA_LIBS)

UNIT_TESTS += tests/unit/test_sip_reg
tests_unit_test_sip_reg_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_sip_reg_LDADD = $(SIP_LIBS) $(CMOCKA_LIBS)
EXTRA_DIST += tests/unit/golden/sip_reg.ok

UNIT_TESTS += tests/unit/test_sip_probe
tests_unit_test_sip_probe_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_sip_probe_LDADD = $(SIP_LIBS) $(CMOCKA_LIBS)

UNIT_TESTS += tests/unit/test_sip_limits
tests_unit_test_sip_limits_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_sip_limits_LDADD = $(SIP_LIBS) $(CMOCKA_LIBS)

bin_PROGRAMS += sipgw-ua
sipgw_ua_SOURCES = gw/ua_tool.c gw/mprobe.c gw/mprobe.h
sipgw_ua_CFLAGS = $(AM_CFLAGS) $(SPANDSP_CFLAGS) $(BCG729_CFLAGS) $(TIFF_CFLAGS)
sipgw_ua_LDADD = dsp/libdsp.a $(RTP_LIBS) $(SIP_LIBS) $(SPANDSP_LIBS) $(BCG729_LIBS) $(TIFF_LIBS)

bin_PROGRAMS += sipgw-msgcheck
sipgw_msgcheck_SOURCES = gw/msgcheck.c
sipgw_msgcheck_LDADD = $(SIP_LIBS)

UNIT_TESTS += tests/unit/test_sip_msg
tests_unit_test_sip_msg_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_sip_msg_LDADD = $(SIP_LIBS) $(CMOCKA_LIBS)
INTEGRATION_TESTS += tests/integration/rfc4475.sh tests/integration/rfc5118.sh

EXTRA_PROGRAMS += bench/bench_sip_parse
BENCHMARKS += bench/bench_sip_parse
bench_bench_sip_parse_SOURCES = bench/bench_sip_parse.c
bench_bench_sip_parse_LDADD = $(SIP_LIBS)

UNIT_TESTS += tests/unit/test_sip_uri
tests_unit_test_sip_uri_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_sip_uri_LDADD = $(SIP_LIBS) $(CMOCKA_LIBS)

UNIT_TESTS += tests/unit/test_sip_hdr
tests_unit_test_sip_hdr_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_sip_hdr_LDADD = $(SIP_LIBS) $(CMOCKA_LIBS)

UNIT_TESTS += tests/unit/test_sip_number
tests_unit_test_sip_number_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_sip_number_LDADD = $(SIP_LIBS) $(CMOCKA_LIBS)

UNIT_TESTS += tests/unit/test_sip_protos
tests_unit_test_sip_protos_SOURCES = tests/unit/test_sip_protos.c tests/unit/protos.c tests/unit/protos.h
tests_unit_test_sip_protos_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_sip_protos_LDADD = $(SIP_LIBS) $(CMOCKA_LIBS)

UNIT_TESTS += tests/unit/test_sip_sdp
tests_unit_test_sip_sdp_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_sip_sdp_LDADD = $(SIP_LIBS) $(CMOCKA_LIBS)

UNIT_TESTS += tests/unit/test_sip_sdp_oa
tests_unit_test_sip_sdp_oa_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_sip_sdp_oa_LDADD = $(SIP_LIBS) $(CMOCKA_LIBS)
