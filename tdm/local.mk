## tdm/: see tdm/README.md.  Spans and channels; the loopback backend.
noinst_LIBRARIES += tdm/libtdm.a
tdm_libtdm_a_SOURCES = \
	tdm/tdm.c tdm/tdm.h \
	tdm/loopback.c tdm/loopback.h
if HAVE_DAHDI
tdm_libtdm_a_SOURCES += tdm/dahdi.c tdm/dahdi.h
endif
TDM_LIBS = tdm/libtdm.a $(LIB_LIBS)
EXTRA_DIST += tdm/README.md

UNIT_TESTS += tests/unit/test_tdm_loopback
tests_unit_test_tdm_loopback_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_tdm_loopback_LDADD = $(TDM_LIBS) $(CMOCKA_LIBS)

EXTRA_PROGRAMS += bench/bench_tdm
BENCHMARKS += bench/bench_tdm
bench_bench_tdm_SOURCES = bench/bench_tdm.c
bench_bench_tdm_LDADD = $(TDM_LIBS)
