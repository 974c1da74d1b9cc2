## lib/: event loop, timers, logging, configuration, buffers.
noinst_LIBRARIES += lib/libsgwlib.a
lib_libsgwlib_a_SOURCES = \
	lib/buf.c lib/buf.h \
	lib/clock.c lib/clock.h \
	lib/conf.c lib/conf.h \
	lib/log.c lib/log.h \
	lib/loop.c lib/loop.h \
	lib/mem.c lib/mem.h \
	lib/strview.h \
	lib/timer.c lib/timer.h
lib_libsgwlib_a_CFLAGS = $(AM_CFLAGS) $(INIH_CFLAGS)
LIB_LIBS = lib/libsgwlib.a $(INIH_LIBS) $(PTHREAD_LIBS)
