## bench/: benchmarks; `make bench` runs them.  Not part of `make check`.
EXTRA_PROGRAMS += bench/bench_loop
BENCHMARKS += bench/bench_loop
bench_bench_loop_SOURCES = bench/bench_loop.c
bench_bench_loop_LDADD = $(LIB_LIBS)
CLEANFILES += $(BENCHMARKS)

# sipp drives sipgw-ua (UAS) at rising call rates: sip.ua.cps, sip.ua.cpu_per_call
BENCH_SHELL += bench/bench_ua.sh
EXTRA_DIST += bench/bench_ua.sh
