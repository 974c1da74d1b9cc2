## dsp/: see dsp/README.md.  Library, programs and tests of this layer.
noinst_LIBRARIES += dsp/libdsp.a
dsp_libdsp_a_SOURCES = \
	dsp/ec.c dsp/ec.h \
	dsp/dtmf.c dsp/dtmf.h \
	dsp/codec.c dsp/codec.h \
	dsp/tones.c dsp/tones.h \
	dsp/level.c dsp/level.h \
	dsp/chain.c dsp/chain.h \
	dsp/t38gw.c dsp/t38gw.h \
	dsp/faxpage.c dsp/faxpage.h
dsp_libdsp_a_CFLAGS = $(AM_CFLAGS) $(SPANDSP_CFLAGS) $(BCG729_CFLAGS) $(TIFF_CFLAGS)
DSP_LIBS = dsp/libdsp.a $(LIB_LIBS) $(SPANDSP_LIBS) $(BCG729_LIBS) $(TIFF_LIBS) -lm
EXTRA_DIST += dsp/README.md

# the G.168 bench: echo path models, signals, measures (tests and bench)
G168_SOURCES = tests/g168/g168.c tests/g168/g168.h tests/g168/sipgw_ec.c
G168_CFLAGS = $(SPANDSP_CFLAGS) -I$(top_srcdir)/tests/g168

UNIT_TESTS += tests/unit/test_dsp_ec tests/unit/test_dsp_dtmf tests/unit/test_dsp_codec \
	tests/unit/test_dsp_tones tests/unit/test_dsp_level tests/unit/test_dsp_chain \
	tests/unit/test_dsp_t38 tests/unit/test_dsp_g168
tests_unit_test_dsp_t38_CFLAGS = $(UNIT_CFLAGS) $(SPANDSP_CFLAGS) $(TIFF_CFLAGS)
tests_unit_test_dsp_t38_LDADD = $(RTP_LIBS) $(DSP_LIBS) $(CMOCKA_LIBS)
tests_unit_test_dsp_ec_SOURCES = tests/unit/test_dsp_ec.c $(G168_SOURCES)
tests_unit_test_dsp_ec_CFLAGS = $(UNIT_CFLAGS) $(G168_CFLAGS)
tests_unit_test_dsp_ec_LDADD = $(DSP_LIBS) $(CMOCKA_LIBS)
tests_unit_test_dsp_g168_SOURCES = tests/unit/test_dsp_g168.c $(G168_SOURCES)
tests_unit_test_dsp_g168_CFLAGS = $(UNIT_CFLAGS) $(G168_CFLAGS)
tests_unit_test_dsp_g168_LDADD = $(DSP_LIBS) $(CMOCKA_LIBS)
tests_unit_test_dsp_dtmf_SOURCES = tests/unit/test_dsp_dtmf.c $(G168_SOURCES)
tests_unit_test_dsp_dtmf_CFLAGS = $(UNIT_CFLAGS) $(G168_CFLAGS)
tests_unit_test_dsp_dtmf_LDADD = $(DSP_LIBS) $(CMOCKA_LIBS)
tests_unit_test_dsp_codec_CFLAGS = $(UNIT_CFLAGS) $(SPANDSP_CFLAGS)
tests_unit_test_dsp_codec_LDADD = $(DSP_LIBS) $(CMOCKA_LIBS)
tests_unit_test_dsp_tones_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_dsp_tones_LDADD = $(DSP_LIBS) $(CMOCKA_LIBS)
tests_unit_test_dsp_level_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_dsp_level_LDADD = $(DSP_LIBS) $(CMOCKA_LIBS)
tests_unit_test_dsp_chain_CFLAGS = $(UNIT_CFLAGS) $(SPANDSP_CFLAGS)
tests_unit_test_dsp_chain_LDADD = $(DSP_LIBS) $(CMOCKA_LIBS)

# G.168 matrix for ours and SpanDSP's canceller; DSP chain cost per channel
EXTRA_PROGRAMS += bench/bench_ec
BENCHMARKS += bench/bench_ec
bench_bench_ec_SOURCES = bench/bench_ec.c $(G168_SOURCES)
bench_bench_ec_CFLAGS = $(AM_CFLAGS) $(G168_CFLAGS) $(BCG729_CFLAGS)
bench_bench_ec_LDADD = $(DSP_LIBS)
