## rtp/: see rtp/README.md.  Library, programs and tests of this layer.
EXTRA_DIST += rtp/README.md
