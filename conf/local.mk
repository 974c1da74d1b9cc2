## conf/: sample configuration, installed as examples; the tests load them all.
sipgwconfdir = $(sysconfdir)/sipgw
dist_sipgwconf_DATA = conf/sipgw.conf
EXTRA_DIST += conf/selftest.conf
