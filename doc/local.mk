## doc/: architecture, man pages.
dist_man_MANS += doc/sipgwd.8 doc/sipgwctl.8 doc/sipgw.conf.5 doc/sipgw-ua.1
EXTRA_DIST += doc/architecture.md doc/configuration.md doc/media.md doc/dsp.md doc/gateway.md
