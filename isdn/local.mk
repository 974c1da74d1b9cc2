## isdn/: ISDN PRI signalling through libpri, on D-channel frames from tdm/.
noinst_LIBRARIES += isdn/libisdn.a
isdn_libisdn_a_SOURCES = isdn/isdn.h isdn/span.c isdn/group.c isdn/group.h
ISDN_LIBS = isdn/libisdn.a $(LIB_LIBS) $(PRI_LIBS)

UNIT_TESTS += tests/unit/test_isdn_calls
tests_unit_test_isdn_calls_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_isdn_calls_LDADD = gw/libgw.a isdn/libisdn.a tdm/libtdm.a rtp/librtp.a $(LIB_LIBS) $(PRI_LIBS) $(CMOCKA_LIBS)

# libpri against libpri over the loopback TDM backend
UNIT_TESTS += tests/unit/test_isdn_tdm
tests_unit_test_isdn_tdm_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_isdn_tdm_LDADD = gw/libgw.a isdn/libisdn.a tdm/libtdm.a rtp/librtp.a $(LIB_LIBS) $(PRI_LIBS) $(CMOCKA_LIBS)

EXTRA_PROGRAMS += bench/bench_isdn
BENCHMARKS += bench/bench_isdn
bench_bench_isdn_SOURCES = bench/bench_isdn.c
bench_bench_isdn_LDADD = gw/libgw.a isdn/libisdn.a tdm/libtdm.a rtp/librtp.a $(LIB_LIBS) $(PRI_LIBS)
