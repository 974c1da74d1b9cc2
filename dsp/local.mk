## dsp/: see dsp/README.md.  Library, programs and tests of this layer.
EXTRA_DIST += dsp/README.md
