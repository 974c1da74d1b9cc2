## sip/: SIP messages, URIs, SDP (issue 3 onwards).
EXTRA_DIST += sip/README.md
