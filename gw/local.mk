## gw/: the gateway: daemon main, configuration schema, control socket, sipgwctl.
noinst_LIBRARIES += gw/libgw.a
gw_libgw_a_SOURCES = \
	gw/call.c gw/call.h \
	gw/cause.c gw/cause.h \
	gw/cdr.c gw/cdr.h \
	gw/gw_config.c gw/gw_config.h \
	gw/media.c gw/media.h \
	gw/ctl.c gw/ctl.h \
	gw/ctl_out.c gw/ctl_out.h \
	gw/ctl_proto.c gw/ctl_proto.h \
	gw/daemon.c gw/daemon.h \
	gw/dialplan.c gw/dialplan.h \
	gw/pri.c gw/pri.h \
	gw/wav.c gw/wav.h \
	gw/version.h
gw_libgw_a_CFLAGS = $(AM_CFLAGS) $(SQLITE_CFLAGS) $(SPANDSP_CFLAGS)
GW_LIBS = gw/libgw.a isdn/libisdn.a tdm/libtdm.a dsp/libdsp.a $(RTP_LIBS) $(SIP_LIBS) $(SQLITE_LIBS) $(PRI_LIBS) $(SPANDSP_LIBS) $(BCG729_LIBS) $(TIFF_LIBS)

sbin_PROGRAMS += sipgwd
sipgwd_SOURCES = gw/sipgwd.c
sipgwd_LDADD = $(GW_LIBS)

bin_PROGRAMS += sipgwctl
sipgwctl_SOURCES = gw/sipgwctl.c
sipgwctl_LDADD = $(GW_LIBS)
