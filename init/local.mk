## init/: systemd unit, sysusers and tmpfiles snippets.
systemdunitdir = $(prefix)/lib/systemd/system
sysusersdir = $(prefix)/lib/sysusers.d
tmpfilesdir = $(prefix)/lib/tmpfiles.d
systemdunit_DATA = init/sipgwd.service
dist_sysusers_DATA = init/sipgw-sysusers.conf
dist_tmpfiles_DATA = init/sipgw-tmpfiles.conf
EXTRA_DIST += init/sipgwd.service.in
CLEANFILES += init/sipgwd.service
init/sipgwd.service: $(srcdir)/init/sipgwd.service.in Makefile
	$(AM_V_GEN)$(MKDIR_P) init && $(SED) \
		-e 's|@sbindir[@]|$(sbindir)|g' -e 's|@sysconfdir[@]|$(sysconfdir)|g' \
		-e 's|@localstatedir[@]|$(localstatedir)|g' -e 's|@runstatedir[@]|$(runstatedir)|g' \
		$(srcdir)/init/sipgwd.service.in > $@.tmp && mv $@.tmp $@
