/* test_dsp_t38.c: a fax page through the T.38 gateway (dsp/t38gw.c) and
 * UDPTL (rtp/udptl.c), between two of SpanDSP's fax terminals: one on the
 * "line" (T.30 over audio: V.21, V.17/V.29/V.27ter), the other a T.38
 * terminal on the "IP" side, packets through UDPTL with losses.  The
 * received TIFF is compared row by row with the test page. */
#include "config.h"

#include "dsp/faxpage.h"
#include "dsp/t38gw.h"
#include "rtp/udptl.h"
#include "testutil.h"

#include <spandsp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define TICK 160
#define MAX_SECONDS 90
#define ROWS 300

/* UDPTL datagrams one way: queued, some dropped */
struct pipe {
	struct udptl_tx tx;
	struct udptl_rx rx;
	uint8_t q[64][UDPTL_MAX_PACKET];
	size_t qlen[64];
	unsigned nq, sent, dropped, drop_every;
};

static void pipe_init(struct pipe *p, unsigned drop_every)
{
	memset(p, 0, sizeof(*p));
	udptl_tx_init(&p->tx, 3, 400);
	udptl_rx_init(&p->rx);
	p->drop_every = drop_every;
}

static void pipe_put(struct pipe *p, const uint8_t *ifp, size_t len, int count)
{
	for (int i = 0; i < count && p->nq < 64; i++) {
		int n = udptl_encode(&p->tx, ifp, len, p->q[p->nq], sizeof(p->q[0]));

		assert_true(n > 0);
		p->qlen[p->nq++] = (size_t)n;
	}
}

struct side {
	struct pipe *out;
};

/* the T.38 terminal's and the gateway's packets */
static int term_tx(t38_core_state_t *s, void *user, const uint8_t *buf, int len, int count)
{
	(void)s;
	pipe_put(user, buf, (size_t)len, count);
	return 0;
}

static void gw_tx(void *arg, const uint8_t *ifp, size_t len, int count)
{
	pipe_put(arg, ifp, len, count);
}

static void to_gw(void *arg, const uint8_t *ifp, size_t len, uint16_t seq)
{
	dsp_t38gw_ifp(arg, ifp, len, seq);
}

static void to_term(void *arg, const uint8_t *ifp, size_t len, uint16_t seq)
{
	t38_core_rx_ifp_packet(arg, ifp, (int)len, seq);
}

static void pipe_flush(struct pipe *p, udptl_ifp_fn fn, void *arg)
{
	for (unsigned i = 0; i < p->nq; i++) {
		p->sent++;
		if (p->drop_every && p->sent % p->drop_every == 0) {
			p->dropped++;
			continue;
		}
		assert_int_equal(udptl_decode(&p->rx, p->q[i], p->qlen[i], fn, arg), 0);
	}
	p->nq = 0;
}

struct done {
	int code;
	bool over;
};

static void phase_e(t30_state_t *s, void *user, int code)
{
	struct done *d = user;

	(void)s;
	d->code = code;
	d->over = true;
}

static void quiet_log(logging_state_t *l)
{
	span_log_set_level(l, SPAN_LOG_NONE);
}

/* A page from the side named by line_sends to the other; drop_every: every
 * n-th UDPTL datagram each way is lost (0: none).  The received file's check. */
static void fax_through_gateway(bool line_sends, unsigned drop_every, bool ecm,
				struct dsp_faxpage_check *chk, struct dsp_t38gw_stats *gst)
{
	char tx_path[] = "/tmp/sgw-fax-tx-XXXXXX", rx_path[] = "/tmp/sgw-fax-rx-XXXXXX";
	static struct pipe to_ip, to_line;
	struct dsp_t38gw_params prm = {.version = 0, .max_bitrate = 14400, .transferred_tcf = false,
				       .max_datagram = 400, .ecm = ecm};
	struct dsp_t38gw *g;
	fax_state_t *fax;
	t38_terminal_state_t *term;
	t30_state_t *t30_line, *t30_ip;
	struct done d_line = {0}, d_ip = {0};
	int fd;

	assert_true((fd = mkstemp(tx_path)) >= 0);
	close(fd);
	assert_true((fd = mkstemp(rx_path)) >= 0);
	close(fd);
	assert_int_equal(dsp_faxpage_write(tx_path, ROWS), 0);
	pipe_init(&to_ip, drop_every);
	pipe_init(&to_line, drop_every);
	assert_non_null(g = dsp_t38gw_new(&prm, gw_tx, &to_ip));
	/* the line's machine answers when the IP side sends, and the other way */
	assert_non_null(fax = fax_init(NULL, line_sends));
	assert_non_null(term = t38_terminal_init(NULL, !line_sends, term_tx, &to_line));
	quiet_log(fax_get_logging_state(fax));
	quiet_log(t38_terminal_get_logging_state(term));
	t30_line = fax_get_t30_state(fax);
	t30_ip = t38_terminal_get_t30_state(term);
	quiet_log(t30_get_logging_state(t30_line));
	quiet_log(t30_get_logging_state(t30_ip));
	t30_set_ecm_capability(t30_line, ecm);
	t30_set_ecm_capability(t30_ip, ecm);
	t30_set_supported_compressions(t30_line, T30_SUPPORT_T4_1D_COMPRESSION);
	t30_set_supported_compressions(t30_ip, T30_SUPPORT_T4_1D_COMPRESSION);
	t30_set_tx_ident(t30_line, "+49 30 1234");
	t30_set_tx_ident(t30_ip, "+49 89 5678");
	if (line_sends) {
		t30_set_tx_file(t30_line, tx_path, -1, -1);
		t30_set_rx_file(t30_ip, rx_path, -1);
	} else {
		t30_set_tx_file(t30_ip, tx_path, -1, -1);
		t30_set_rx_file(t30_line, rx_path, -1);
	}
	t30_set_phase_e_handler(t30_line, phase_e, &d_line);
	t30_set_phase_e_handler(t30_ip, phase_e, &d_ip);
	unsigned ticks = 0;

	for (unsigned tick = 0; tick < MAX_SECONDS * 8000 / TICK && !(d_line.over && d_ip.over); tick++, ticks++) {
		int16_t from_line[TICK], toward_line[TICK];
		int n = fax_tx(fax, from_line, TICK);

		if (n < TICK)
			memset(from_line + n, 0, (TICK - (size_t)n) * sizeof(int16_t));
		dsp_t38gw_from_line(g, from_line, TICK);
		dsp_t38gw_to_line(g, toward_line, TICK);
		fax_rx(fax, toward_line, TICK);
		t38_terminal_send_timeout(term, TICK);
		pipe_flush(&to_ip, to_term, t38_terminal_get_t38_core_state(term));
		pipe_flush(&to_line, to_gw, g);
	}
	dsp_t38gw_stats(g, gst);
	if (getenv("T38_VERBOSE"))
		fprintf(stderr, "fax %s: %.1f s of line audio, %u+%u datagrams (%u+%u lost, %lu+%lu recovered), %u pages at %u bit/s\n", line_sends ? "line->ip" : "ip->line", (double)ticks * TICK / 8000, to_ip.sent, to_line.sent, to_ip.dropped, to_line.dropped, (unsigned long)to_ip.rx.st.recovered, (unsigned long)to_line.rx.st.recovered, gst->pages, gst->bit_rate);
	assert_true(d_line.over && d_ip.over);
	assert_int_equal(d_line.code, T30_ERR_OK);
	assert_int_equal(d_ip.code, T30_ERR_OK);
	fax_free(fax);
	t38_terminal_free(term);
	dsp_t38gw_free(g);
	assert_int_equal(dsp_faxpage_check(rx_path, chk), 0);
	if (drop_every)
		assert_true(to_ip.rx.st.recovered + to_line.rx.st.recovered > 0);
	unlink(tx_path);
	unlink(rx_path);
}

/* one page, as wide and long as sent, every row as the test page has it */
static void assert_whole_page(const struct dsp_faxpage_check *chk)
{
	assert_int_equal(chk->pages, 1);
	assert_int_equal(chk->width, FAXPAGE_WIDTH);
	assert_int_equal(chk->rows, ROWS);
	assert_int_equal(chk->bad_rows, 0);
}

static void page_from_ip_to_line(void **state)
{
	struct dsp_faxpage_check chk;
	struct dsp_t38gw_stats st;

	(void)state;
	fax_through_gateway(false, 0, false, &chk, &st);
	assert_whole_page(&chk);
	assert_int_equal(st.pages, 1);
	assert_int_equal(st.bit_rate, 14400);
}

static void page_from_line_to_ip(void **state)
{
	struct dsp_faxpage_check chk;
	struct dsp_t38gw_stats st;

	(void)state;
	fax_through_gateway(true, 0, false, &chk, &st);
	assert_whole_page(&chk);
	assert_int_equal(st.pages, 1);
}

/* every 5th datagram lost both ways: the redundancy of the next ones
 * brings every IFP packet back, and the page arrives whole */
static void page_through_loss(void **state)
{
	struct dsp_faxpage_check chk;
	struct dsp_t38gw_stats st;

	(void)state;
	fax_through_gateway(false, 5, false, &chk, &st);
	assert_whole_page(&chk);
}

static void page_with_ecm(void **state)
{
	struct dsp_faxpage_check chk;
	struct dsp_t38gw_stats st;

	(void)state;
	fax_through_gateway(true, 7, true, &chk, &st);
	assert_whole_page(&chk);
	assert_true(st.ecm);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		SGW_TEST(page_from_ip_to_line),
		SGW_TEST(page_from_line_to_ip),
		SGW_TEST(page_through_loss),
		SGW_TEST(page_with_ecm),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
