## rtp/: RTP/RTCP sessions, jitter buffer, RFC 4733 events, SRTP (libsrtp2),
## DTLS-SRTP (GnuTLS) and the media worker threads.  See rtp/README.md.
noinst_LIBRARIES += rtp/librtp.a
rtp_librtp_a_SOURCES = \
	rtp/rtp.h rtp/packet.c \
	rtp/rtcp.c rtp/rtcp.h \
	rtp/jb.c rtp/jb.h \
	rtp/tevent.c rtp/tevent.h \
	rtp/udptl.c rtp/udptl.h \
	rtp/srtp.c rtp/srtp.h rtp/srtp_crypto.c \
	rtp/playout.c rtp/playout.h \
	rtp/dtls.c rtp/dtls.h \
	rtp/session.c rtp/session.h \
	rtp/worker.c rtp/worker.h
rtp_librtp_a_CFLAGS = $(AM_CFLAGS) $(SRTP_CFLAGS) $(GNUTLS_CFLAGS) $(NETTLE_CFLAGS) $(SPANDSP_CFLAGS)
RTP_LIBS = rtp/librtp.a $(LIB_LIBS) $(SRTP_LIBS) $(GNUTLS_LIBS) $(NETTLE_LIBS) $(SPANDSP_LIBS) -lm
EXTRA_DIST += rtp/README.md tests/unit/rtp_test.h

UNIT_TESTS += tests/unit/test_rtp_packet tests/unit/test_rtp_jb tests/unit/test_rtp_tevent \
	tests/unit/test_rtp_srtp tests/unit/test_rtp_session tests/unit/test_rtp_dtls \
	tests/unit/test_rtp_playout tests/unit/test_rtp_udptl
tests_unit_test_rtp_udptl_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_rtp_udptl_LDADD = $(RTP_LIBS) $(CMOCKA_LIBS)
tests_unit_test_rtp_packet_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_rtp_packet_LDADD = $(RTP_LIBS) $(CMOCKA_LIBS)
tests_unit_test_rtp_jb_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_rtp_jb_LDADD = $(RTP_LIBS) $(CMOCKA_LIBS)
tests_unit_test_rtp_tevent_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_rtp_tevent_LDADD = $(RTP_LIBS) $(CMOCKA_LIBS)
tests_unit_test_rtp_srtp_CFLAGS = $(UNIT_CFLAGS) $(SRTP_CFLAGS)
tests_unit_test_rtp_srtp_LDADD = $(RTP_LIBS) $(CMOCKA_LIBS)
tests_unit_test_rtp_session_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_rtp_session_LDADD = $(RTP_LIBS) $(CMOCKA_LIBS)
tests_unit_test_rtp_dtls_CFLAGS = $(UNIT_CFLAGS) $(GNUTLS_CFLAGS)
tests_unit_test_rtp_dtls_LDADD = $(RTP_LIBS) $(CMOCKA_LIBS)
tests_unit_test_rtp_playout_CFLAGS = $(UNIT_CFLAGS) $(SPANDSP_CFLAGS)
tests_unit_test_rtp_playout_LDADD = $(RTP_LIBS) $(CMOCKA_LIBS)

# channels per core through the socket path: plain, SRTP AES_CM 80, GCM
EXTRA_PROGRAMS += bench/bench_rtp
BENCHMARKS += bench/bench_rtp
bench_bench_rtp_SOURCES = bench/bench_rtp.c
bench_bench_rtp_LDADD = $(RTP_LIBS)
