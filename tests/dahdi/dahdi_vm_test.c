/* dahdi_vm_test: runs inside the DAHDI VM (tests/dahdi/vm.sh) against the
 * real kernel modules, with span 1 (channels 1-31) looped to span 2
 * (channels 32-62) by dahdi_dynamic_loc.  Prints TAP.
 *
 * What it proves about the kernel interface the DAHDI backend relies on:
 * both spans come up without alarms; every B-channel timeslot of span 1
 * carries a byte pattern to the same timeslot of span 2 and back, bit-exact
 * and not mixed up between timeslots; the D-channels carry HDLC frames both
 * ways with the FCS done by the kernel (2 bytes on the end in each
 * direction, as libpri expects). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include <dahdi/user.h>

#define BLOCK 160
#define NBLOCKS 20
#define SPAN2_OFFSET 31

static int tap_n;

static void tap(int ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void tap(int ok, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", ok ? "" : "not ", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int chan_open(int chan)
{
	int fd = open("/dev/dahdi/channel", O_RDWR | O_NONBLOCK);
	int bs = BLOCK;

	if (fd < 0)
		return -1;
	if (ioctl(fd, DAHDI_SPECIFY, &chan) < 0 || ioctl(fd, DAHDI_SET_BLOCKSIZE, &bs) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static void event_drain(int fd)
{
	int ev;

	ioctl(fd, DAHDI_GETEVENT, &ev);
}

static int span_check(int span)
{
	struct dahdi_spaninfo si;
	int fd = open("/dev/dahdi/ctl", O_RDWR);

	memset(&si, 0, sizeof(si));
	si.spanno = span;
	if (fd < 0 || ioctl(fd, DAHDI_SPANSTAT, &si) < 0) {
		tap(0, "DAHDI_SPANSTAT span %d: %s", span, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	tap(si.alarms == 0 && si.totalchans == 31,
	    "span %d '%s' is up: alarms 0x%x, %d channels", span, si.name, si.alarms,
	    si.totalchans);
	return 0;
}

/* The pattern of timeslot ts: never 0xff (the idle fill), different per
 * timeslot so a crossed connection shows. */
static unsigned char pattern(int ts, size_t i)
{
	return (unsigned char)(1 + (i * 7 + (size_t)ts * 13) % 253);
}

/* Write NBLOCKS blocks on every channel of tx[], read all of rx[] until each
 * holds its pattern.  Returns the number of timeslots that arrived intact. */
static int bchan_run(const int *txc, const int *rxc, int n, const char *dir)
{
	int tx[32], rx[32], good = 0;
	static unsigned char in[32][BLOCK * NBLOCKS * 4];
	size_t got[32] = {0}, sent[32] = {0};
	int found[32] = {0};
	double t0 = now();

	for (int i = 0; i < n; i++) {
		tx[i] = chan_open(txc[i]);
		rx[i] = chan_open(rxc[i]);
		if (tx[i] < 0 || rx[i] < 0) {
			tap(0, "open channels %d and %d: %s", txc[i], rxc[i], strerror(errno));
			return 0;
		}
	}
	while (now() - t0 < 10.0 && good < n) {
		for (int i = 0; i < n; i++) {
			unsigned char out[BLOCK];
			ssize_t r;

			if (sent[i] < BLOCK * NBLOCKS) {
				for (size_t k = 0; k < BLOCK; k++)
					out[k] = pattern(txc[i] % SPAN2_OFFSET, sent[i] + k);
				r = write(tx[i], out, BLOCK);
				if (r > 0)
					sent[i] += (size_t)r;
				else if (r < 0 && errno == ELAST)
					event_drain(tx[i]);
			}
			r = read(rx[i], in[i] + got[i], sizeof(in[i]) - got[i]);
			if (r > 0)
				got[i] += (size_t)r;
			else if (r < 0 && errno == ELAST)
				event_drain(rx[i]);
			if (!found[i]) {
				/* the whole pattern, in order, somewhere after idle fill */
				for (size_t s = 0; s + BLOCK * NBLOCKS <= got[i]; s++) {
					size_t k = 0;

					while (k < BLOCK * NBLOCKS &&
					       in[i][s + k] == pattern(txc[i] % SPAN2_OFFSET, k))
						k++;
					if (k == BLOCK * NBLOCKS) {
						found[i] = 1;
						good++;
						break;
					}
				}
			}
		}
		usleep(2000);
	}
	for (int i = 0; i < n; i++) {
		close(tx[i]);
		close(rx[i]);
	}
	tap(good == n, "B-channels %s: %d of %d timeslots carried %d bytes bit-exact", dir, good, n,
	    BLOCK * NBLOCKS);
	return good;
}

static void dchan_run(int txc, int rxc)
{
	int tx = chan_open(txc), rx = chan_open(rxc);
	unsigned char frame[64], in[512];
	static const char msg[] = "\x02\x01\x00\x00SETUP-like payload";
	size_t len = sizeof(msg) - 1;
	double t0;
	int ok = 0;
	ssize_t r = -1;

	if (tx < 0 || rx < 0) {
		tap(0, "open D-channels %d and %d: %s", txc, rxc, strerror(errno));
		return;
	}
	memcpy(frame, msg, len);
	frame[len] = frame[len + 1] = 0; /* the FCS slot, filled by the kernel */
	usleep(50000);
	for (int tries = 0; tries < 5 && r < 0; tries++) {
		r = write(tx, frame, len + 2);
		if (r < 0 && errno == ELAST)
			event_drain(tx);
	}
	t0 = now();
	while (r > 0 && now() - t0 < 5.0 && !ok) {
		struct pollfd p = {.fd = rx, .events = POLLIN | POLLPRI};
		ssize_t n;

		if (poll(&p, 1, 100) <= 0)
			continue;
		n = read(rx, in, sizeof(in));
		if (n < 0 && errno == ELAST)
			event_drain(rx);
		if (n == (ssize_t)(len + 2) && memcmp(in, msg, len) == 0)
			ok = 1;
	}
	tap(ok, "D-channel %d -> %d: HDLC frame of %zu bytes + 2 FCS arrived intact", txc, rxc,
	    len);
	close(tx);
	close(rx);
}

int main(void)
{
	int s1[30], s2[30], n = 0;

	printf("1..6\n");
	span_check(1);
	span_check(2);
	for (int ts = 1; ts <= 31; ts++) {
		if (ts == 16)
			continue;
		s1[n] = ts;
		s2[n] = ts + SPAN2_OFFSET;
		n++;
	}
	bchan_run(s1, s2, n, "span 1 -> span 2");
	bchan_run(s2, s1, n, "span 2 -> span 1");
	dchan_run(16, 47);
	dchan_run(47, 16);
	return tap_n == 6 ? 0 : 1;
}
