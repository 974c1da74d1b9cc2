## bench/: benchmarks; `make bench` runs them.  Not part of `make check`.
EXTRA_PROGRAMS += bench/bench_loop
BENCHMARKS += bench/bench_loop
bench_bench_loop_SOURCES = bench/bench_loop.c
bench_bench_loop_LDADD = $(LIB_LIBS)
CLEANFILES += $(BENCHMARKS)
