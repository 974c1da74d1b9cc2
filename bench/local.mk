## bench/: benchmarks; `make bench` runs them.  Not part of `make check`.
EXTRA_PROGRAMS += bench/bench_loop
BENCHMARKS += bench/bench_loop
bench_bench_loop_SOURCES = bench/bench_loop.c
bench_bench_loop_LDADD = $(LIB_LIBS)
CLEANFILES += $(BENCHMARKS)

# sipp drives sipgw-ua (UAS) at rising call rates: sip.ua.cps, sip.ua.cpu_per_call
BENCH_SHELL += bench/bench_ua.sh
EXTRA_DIST += bench/bench_ua.sh

# sipp through one gateway and 34 loopback span pairs: gw.e2e.cps, gw.pdd_added_p99_ms,
# gw.media_rtt_ms, gw.media_added_p99_ms, gw.rss_per_call_kb
BENCH_SHELL += bench/bench_gw.sh
EXTRA_DIST += bench/bench_gw.sh
