## tdm/: see tdm/README.md.  Library, programs and tests of this layer.
EXTRA_DIST += tdm/README.md
