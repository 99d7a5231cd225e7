/*
 * test_pit.c - the 8254 model on a fake clock.
 *
 * Times are written in input clocks since the last count load: at(k) moves
 * the clock to the first nanosecond at which k clocks have elapsed.
 */
#include "tap.h"
#include "devices/pit.h"

static struct fake_clock fc = FAKE_CLOCK_INIT;
static struct pit pit;
static uint64_t t0;			/* time of the last load / trigger / gate rise */

static int rec[64];			/* levels driven on IRQ0, in order */
static int nrec;

static void rec_set_level(void *opaque, int irq, int level)
{
	(void)opaque;
	(void)irq;
	if (nrec < 64)
		rec[nrec++] = level;
}

static void reset(void)
{
	fc.ns = 5000000;
	nrec = 0;
	pit_init(&pit, &fc.clock, (struct irq_line){ rec_set_level, NULL, 0 });
}

static uint64_t clocks(uint64_t k)
{
	return ((unsigned __int128)k * 1000000000u + PIT_FREQ_HZ - 1) / PIT_FREQ_HZ;
}

static void at(uint64_t k)	{ fc.ns = t0 + clocks(k); }
static void mark(void)		{ t0 = fc.ns; }
static void outb(uint16_t port, uint8_t v) { pit_port_write(&pit, port, v); }
static uint8_t inb(uint16_t port) { return pit_port_read(&pit, port); }

/* control word for counter ch, LSB-then-MSB, binary */
static void program(int ch, int mode)
{
	outb(0x43, (uint8_t)(ch << 6 | PIT_ACCESS_LSB_MSB << 4 | mode << 1));
}

static void load16(int ch, uint16_t n)
{
	outb(0x40 + ch, n & 0xff);
	outb(0x40 + ch, n >> 8);
	mark();
}

static uint16_t read16(int ch)
{
	uint8_t lo = inb(0x40 + ch);

	return (uint16_t)(lo | inb(0x40 + ch) << 8);
}

static uint16_t latch16(int ch)
{
	outb(0x43, (uint8_t)(ch << 6));		/* counter latch command */
	return read16(ch);
}

static void test_mode0(void)
{
	reset();
	program(0, 0);
	ok(!pit_out(&pit, 0), "mode 0: OUT low after the control word");
	is(pit_next_event_ns(&pit), UINT64_MAX, "mode 0: no count, no event");
	load16(0, 100);
	at(0);  is(latch16(0), 100, "mode 0: count 100 at load");
	at(50); is(latch16(0), 50, "mode 0: count 50 after 50 clocks");
	ok(!pit_out(&pit, 0), "mode 0: OUT low while counting");
	is(pit_next_event_ns(&pit), t0 + clocks(100), "mode 0: event at terminal count");
	at(99); is(latch16(0), 1, "mode 0: count 1");
	ok(!pit_out(&pit, 0), "mode 0: OUT still low at count 1");
	nrec = 0;
	at(100); pit_update(&pit);
	ok(nrec == 1 && rec[0] == 1, "mode 0: pit_update raises IRQ0 at terminal count");
	is(latch16(0), 0, "mode 0: count 0 at terminal count");
	at(101); is(latch16(0), 0xffff, "mode 0: counter wraps to FFFF");
	at(5000); ok(pit_out(&pit, 0), "mode 0: OUT stays high");
	is(pit_next_event_ns(&pit), UINT64_MAX, "mode 0: no further event");
	outb(0x40, 0x20);			/* first byte of a new count */
	ok(nrec == 2 && rec[1] == 0 && !pit_out(&pit, 0), "mode 0: first byte drops OUT and IRQ0");
	mark(); at(40);
	is(latch16(0), 0xffff - 4899, "mode 0: first byte stops counting");
	outb(0x40, 0x00); mark();		/* count 0x0020 */
	at(31); ok(!pit_out(&pit, 0), "mode 0: rewritten count 32, low at 31");
	at(32); ok(pit_out(&pit, 0), "mode 0: rewritten count 32, high at 32");
}

static void test_mode0_gate(void)
{
	reset();
	outb(0x61, 0);				/* channel 2 gate low */
	program(2, 0);
	load16(2, 100);
	at(50); is(latch16(2), 100, "mode 0 gate low: counter does not count");
	outb(0x61, 1); mark();
	at(30); is(latch16(2), 70, "mode 0 gate high: 30 clocks counted");
	outb(0x61, 0); mark();
	at(1000); is(latch16(2), 70, "mode 0 gate low again: count paused at 70");
	outb(0x61, 1); mark();
	at(69); is(latch16(2), 1, "mode 0 resumed: count 1 after 69 more clocks");
	ok(!(inb(0x61) & 0x20), "mode 0 resumed: port 0x61 bit 5 low before terminal count");
	at(70); ok(inb(0x61) & 0x20, "mode 0 resumed: port 0x61 bit 5 high at terminal count");
}

static void test_mode1(void)
{
	reset();
	program(2, 1);
	load16(2, 10);
	outb(0x43, 0xe8);			/* read-back: status only, counter 2 */
	is(inb(0x42), 0xf2, "mode 1 before trigger: status OUT=1 null=1 RW=3 M=1");
	at(100); ok(pit_out(&pit, 2), "mode 1: OUT high until triggered");
	outb(0x61, 1); mark();			/* gate rising edge */
	at(0); ok(!pit_out(&pit, 2), "mode 1: trigger drops OUT");
	is(latch16(2), 10, "mode 1: count 10 at trigger");
	at(9); ok(!pit_out(&pit, 2), "mode 1: OUT low at clock 9");
	is(latch16(2), 1, "mode 1: count 1 at clock 9");
	at(10); ok(pit_out(&pit, 2), "mode 1: OUT high after 10 clocks");
	outb(0x43, 0xe8);
	is(inb(0x42), 0xb2, "mode 1 after trigger: null count clear");
	at(20); outb(0x61, 0); outb(0x61, 1); mark();	/* retrigger */
	at(4); outb(0x61, 0); outb(0x61, 1); mark();	/* retrigger mid-pulse */
	at(9); ok(!pit_out(&pit, 2), "mode 1: retrigger restarts the pulse");
	at(10); ok(pit_out(&pit, 2), "mode 1: retriggered pulse lasts 10 clocks");
}

static void test_mode2(void)
{
	static const uint16_t cnt[] = { 5, 4, 3, 2, 1, 5, 4, 3, 2, 1, 5 };
	static const int out[] = { 1, 1, 1, 1, 0, 1, 1, 1, 1, 0, 1 };

	reset();
	program(0, 2);
	ok(pit_out(&pit, 0), "mode 2: OUT high after the control word");
	load16(0, 5);
	for (unsigned k = 0; k < 11; k++) {
		at(k);
		is(latch16(0), cnt[k], "mode 2 N=5: count at clock %u", k);
		is(pit_out(&pit, 0), out[k], "mode 2 N=5: OUT at clock %u", k);
	}
}

static void test_mode3(void)
{
	static const uint16_t even_cnt[] = { 6, 4, 2, 6, 4, 2, 6 };
	static const int even_out[] = { 1, 1, 1, 0, 0, 0, 1 };
	static const uint16_t odd_cnt[] = { 4, 2, 0, 4, 2, 4 };
	static const int odd_out[] = { 1, 1, 1, 0, 0, 1 };

	reset();
	program(0, 3);
	load16(0, 6);
	for (unsigned k = 0; k < 7; k++) {
		at(k);
		is(latch16(0), even_cnt[k], "mode 3 N=6: count at clock %u", k);
		is(pit_out(&pit, 0), even_out[k], "mode 3 N=6: OUT at clock %u", k);
	}
	program(0, 3);				/* else the new count would wait for the period end */
	load16(0, 5);
	for (unsigned k = 0; k < 6; k++) {
		at(k);
		is(latch16(0), odd_cnt[k], "mode 3 N=5: count at clock %u", k);
		is(pit_out(&pit, 0), odd_out[k], "mode 3 N=5: OUT at clock %u", k);
	}
	program(0, 3);
	load16(0, 1193);
	is(pit_next_event_ns(&pit), t0 + clocks(597), "mode 3 N=1193: high for 597 clocks");
	at(597);
	is(pit_next_event_ns(&pit), t0 + clocks(1193), "mode 3 N=1193: period 1193 clocks");
}

static void test_mode4_mode5(void)
{
	reset();
	program(0, 4);
	load16(0, 10);
	is(pit_next_event_ns(&pit), t0 + clocks(10), "mode 4: event at terminal count");
	at(9);  ok(pit_out(&pit, 0), "mode 4: OUT high before terminal count");
	is(latch16(0), 1, "mode 4: count 1 at clock 9");
	at(10); ok(!pit_out(&pit, 0), "mode 4: OUT low for the clock at count 0");
	is(pit_next_event_ns(&pit), t0 + clocks(11), "mode 4: strobe lasts one clock");
	at(11); ok(pit_out(&pit, 0), "mode 4: OUT high again");
	is(pit_next_event_ns(&pit), UINT64_MAX, "mode 4: strobes once");
	at(12); is(latch16(0), 0xfffe, "mode 4: counter wraps");

	program(2, 5);
	load16(2, 7);
	at(100); ok(pit_out(&pit, 2), "mode 5: nothing happens without a trigger");
	pit_set_gate(&pit, 2, true); mark();
	at(6); ok(pit_out(&pit, 2), "mode 5: OUT high at clock 6");
	is(latch16(2), 1, "mode 5: count 1 at clock 6");
	at(7); ok(!pit_out(&pit, 2), "mode 5: strobe at clock 7");
	at(8); ok(pit_out(&pit, 2), "mode 5: OUT high after the strobe");
}

static void test_latch(void)
{
	reset();
	program(0, 2);
	load16(0, 1000);
	at(100); outb(0x43, 0x00);
	at(200); outb(0x43, 0x00);		/* ignored: already latched */
	at(300); is(read16(0), 900, "latch: value frozen at latch time, second latch ignored");
	is(latch16(0), 700, "latch: released after both bytes, new latch sees now");
	at(400); outb(0x43, 0x00);
	is(inb(0x40), 0x58, "latch: low byte of 600");
	at(500); is(inb(0x40), 0x02, "latch: high byte of 600 even though time moved");
	at(700); is(read16(0), 300, "no latch: live count read");
}

static void test_readback(void)
{
	uint8_t st;

	reset();
	outb(0x43, 0x74);			/* counter 1, LSB then MSB, mode 2 */
	outb(0x43, 0xe4);			/* read-back status of counter 1 */
	st = inb(0x41);
	is(st >> 7 & 1, 1, "status: OUT bit (mode 2 starts high)");
	is(st >> 6 & 1, 1, "status: null count before a count is written");
	is(st >> 4 & 3, 3, "status: RW = LSB then MSB");
	is(st >> 1 & 7, 2, "status: mode 2");
	is(st & 1, 0, "status: binary");
	load16(1, 0x1234);
	at(60); outb(0x43, 0xc4);		/* read-back count and status */
	at(100);
	is(inb(0x41), 0xb4, "read-back: status first, null count now clear");
	is(read16(1), 0x1234 - 60, "read-back: then the count latched at clock 60");
	outb(0x43, 0xd6);			/* count only, counters 0 and 1 ... */
	outb(0x43, 0xe2);			/* ... and status of counter 0 */
	is(inb(0x40), 0x70, "read-back: counter 0 status (mode 0, null count, OUT low)");
	is(read16(1), 0x1234 - 100, "read-back: counter 1 count");
	outb(0x43, 0x3c);			/* mode 6 = mode 2 */
	load16(0, 5);
	outb(0x43, 0xe2);
	is(inb(0x40), 0xbc, "status: mode bits echoed as written (6)");
	at(4); ok(!pit_out(&pit, 0), "mode 6 behaves as mode 2");
}

static void test_access(void)
{
	reset();
	outb(0x43, 0x14);			/* counter 0, LSB only, mode 2 */
	outb(0x40, 0x80); mark();
	at(28); is(inb(0x40), 100, "LSB only: one byte per read");
	outb(0x43, 0x00); at(50);
	is(inb(0x40), 100, "LSB only: latched byte");
	is(inb(0x40), 78, "LSB only: latch released after one byte");
	outb(0x43, 0x24);			/* MSB only */
	outb(0x40, 0x02); mark();
	is(inb(0x40), 0x02, "MSB only: count 0x200");
	at(256); is(inb(0x40), 0x01, "MSB only: high byte after 256 clocks");
	outb(0x43, 0x34);
	outb(0x40, 0x10); outb(0x40, 0x27); mark();
	is(inb(0x40), 0x10, "LSB/MSB: low byte first");
	is(inb(0x40), 0x27, "LSB/MSB: then high byte (10000)");
	at(1); is(read16(0), 9999, "LSB/MSB: 9999 after one clock");
}

static void test_bcd_and_zero(void)
{
	reset();
	outb(0x43, 0x35);			/* mode 2, BCD */
	load16(0, 0x0100);			/* 100 decimal */
	at(1);  is(latch16(0), 0x0099, "BCD: 99 after one clock");
	at(37); is(latch16(0), 0x0063, "BCD: 63 after 37 clocks");
	at(99); is(latch16(0), 0x0001, "BCD: 1 at clock 99");
	at(100); is(latch16(0), 0x0100, "BCD: reload to 100");
	outb(0x43, 0x31);			/* mode 0, BCD, count 0 = 10000 */
	load16(0, 0);
	at(1); is(latch16(0), 0x9999, "BCD count 0: 9999 after one clock");
	is(pit_next_event_ns(&pit), t0 + clocks(10000), "BCD count 0 means 10000");
	outb(0x43, 0x34);			/* binary count 0 = 65536 */
	load16(0, 0);
	at(1); is(latch16(0), 0xffff, "count 0: FFFF after one clock");
	is(pit_next_event_ns(&pit), t0 + clocks(65535), "count 0: OUT low at 65535");
	at(65535);
	is(pit_next_event_ns(&pit), t0 + clocks(65536), "count 0: period 65536");
}

static void test_port61(void)
{
	static const int out2[] = { 1, 1, 0, 0, 1 };

	reset();
	outb(0x61, 0x03);
	is(inb(0x61) & 0x03, 0x03, "port 0x61: bits 0-1 read as written");
	program(2, 3);
	load16(2, 4);
	for (unsigned k = 0; k < 5; k++) {
		at(k);
		is(!!(inb(0x61) & 0x20), out2[k], "port 0x61 bit 5 = channel 2 OUT at clock %u", k);
	}
	at(2); outb(0x61, 0x02);
	ok(inb(0x61) & 0x20, "mode 3 gate low forces OUT high");
	fc.ns = 16000; ok(inb(0x61) & 0x10, "refresh toggle set at 16 us");
	fc.ns = 31000; ok(!(inb(0x61) & 0x10), "refresh toggle clear at 31 us");
}

static void test_reload(void)
{
	reset();
	program(0, 2);
	load16(0, 100);
	nrec = 0;
	at(30);
	outb(0x40, 50); outb(0x40, 0);		/* new count while running */
	at(60); is(latch16(0), 40, "mode 2: new count waits for the period end");
	outb(0x43, 0xe2);
	ok(inb(0x40) & 0x40, "mode 2: null count while the new count waits");
	at(100); is(latch16(0), 50, "mode 2: new count loaded at the period end");
	ok(nrec == 2 && rec[0] == 0 && rec[1] == 1, "mode 2: the reload instant is a rising edge on IRQ0");
	outb(0x43, 0xe2);
	ok(!(inb(0x40) & 0x40), "mode 2: null count clear after the reload");
	is(pit_next_event_ns(&pit), t0 + clocks(149), "mode 2: next low at 100 + 49");
	at(150); is(latch16(0), 50, "mode 2: new period 50");
	pit_set_gate(&pit, 0, false);
	at(199); ok(pit_out(&pit, 0), "mode 2: gate low holds OUT high");
	is(pit_next_event_ns(&pit), UINT64_MAX, "mode 2: gate low, no event");
	pit_set_gate(&pit, 0, true); mark();
	is(latch16(0), 50, "mode 2: gate rise reloads the count");
	is(pit_next_event_ns(&pit), t0 + clocks(49), "mode 2: gate rise restarts the period");
}

static void test_irq_1khz(void)
{
	reset();
	program(0, 2);
	ok(nrec == 1 && rec[0] == 1, "IRQ0: mode 2 control word raises OUT and the line");
	load16(0, 1193);
	nrec = 0;
	is(pit_next_event_ns(&pit), t0 + 999010, "1 kHz: OUT falls 999010 ns after load");
	at(1000); pit_update(&pit);
	is(nrec, 0, "1 kHz: early pit_update drives nothing");
	fc.ns = pit_next_event_ns(&pit); pit_update(&pit);
	ok(nrec == 1 && rec[0] == 0, "1 kHz: line low with OUT");
	is(pit_next_event_ns(&pit), t0 + 999848, "1 kHz: OUT rises 999848 ns after load");
	fc.ns = pit_next_event_ns(&pit); pit_update(&pit);
	ok(nrec == 2 && rec[1] == 1, "1 kHz: rising edge on the line");
	is(pit_next_event_ns(&pit), t0 + 1998857, "1 kHz: second fall");
	fc.ns = pit_next_event_ns(&pit); pit_update(&pit);
	is(pit_next_event_ns(&pit), t0 + 1999695, "1 kHz: second rise");
	fc.ns = pit_next_event_ns(&pit); pit_update(&pit);
	ok(nrec == 4 && rec[2] == 0 && rec[3] == 1, "1 kHz: second tick");
	pit_update(&pit);
	is(nrec, 4, "1 kHz: repeated pit_update drives nothing");

	nrec = 0;
	fc.ns = t0 + 5500000; pit_update(&pit);	/* late: 3 periods unseen, OUT high */
	ok(nrec == 2 && rec[0] == 0 && rec[1] == 1, "coalesce: one 0-1 edge for several periods");
	at(10 * 1193 - 1); pit_update(&pit);	/* late again, and OUT is low now */
	ok(nrec == 5 && rec[2] == 0 && rec[3] == 1 && rec[4] == 0,
	   "coalesce: edge delivered, then line left low with OUT");
	is(pit_next_event_ns(&pit), t0 + clocks(10 * 1193), "coalesce: next rise on schedule");
	at(10 * 1193); pit_update(&pit);
	ok(nrec == 6 && rec[5] == 1, "coalesce: next rise drives 1 only");
}

/* Status byte of counter ch (read-back command, status only). */
static uint8_t status(int ch)
{
	outb(0x43, (uint8_t)(0xe0 | 2 << ch));
	return inb(0x40 + ch);
}

/*
 * Mode 3, a new count while counting (datasheet 231164, mode 3): "Writing a
 * new count while counting does not affect the current counting sequence"
 * and, without a trigger, the new count "will be loaded at the end of the
 * current half-cycle" - not at the end of the period as in mode 2.  OUT
 * changes state at that instant as it would have anyway, and the next half
 * uses the new N: for an odd N the low half is (N-1)/2 clocks, the high half
 * (N+1)/2, and the counter holds N-1 after each reload (datasheet "odd
 * counts": N-1 is loaded, then decremented by two).
 *
 * N = 10 (high clocks 0-4, low 5-9).  At clock 2, during the high half,
 * write 5: clocks 2-4 still count the old sequence (10 - 2k), clock 5 ends
 * the half-cycle, OUT falls and 5 is loaded; low for 2 clocks (5, 6), high
 * for 3 (7-9), low for 2 (10, 11), high at 12.
 */
static void test_mode3_deferred_reload(void)
{
	static const int out[] = { 1, 1, 1, 1, 1, 0, 0, 1, 1, 1, 0, 0, 1 };
	static const uint16_t cnt[] = { 10, 8, 6, 4, 2, 4, 2, 4, 2, 0, 4, 2, 4 };

	reset();
	program(0, 3);
	load16(0, 10);
	at(2);
	outb(0x40, 5); outb(0x40, 0);
	ok(status(0) & 0x40, "mode 3 reload: null count set while the new count waits");
	is(pit_next_event_ns(&pit), t0 + clocks(5), "mode 3 reload: OUT still falls at the old half-cycle end");
	for (unsigned k = 2; k < 13; k++) {
		at(k);
		is(pit_out(&pit, 0), out[k], "mode 3 reload in the high half: OUT at clock %u", k);
		is(latch16(0), cnt[k], "mode 3 reload in the high half: count at clock %u", k);
		if (k == 4)
			ok(status(0) & 0x40, "mode 3 reload: null count still set at clock 4");
		if (k != 5)
			continue;
		ok(!(status(0) & 0x40), "mode 3 reload: null count clear once loaded at the half-cycle end");
		is(pit_next_event_ns(&pit), t0 + clocks(7), "mode 3 reload: the new low half lasts (5-1)/2 clocks");
	}

	/* IRQ0 sees the fall at 5 and the rise at 7, nothing at 10 (the old period end) */
	reset();
	program(0, 3);
	load16(0, 10);
	at(2);
	outb(0x40, 5); outb(0x40, 0);
	nrec = 0;
	at(6); pit_update(&pit);
	ok(nrec == 1 && rec[0] == 0, "mode 3 reload: IRQ0 falls at the half-cycle end");
	at(8); pit_update(&pit);
	ok(nrec == 2 && rec[1] == 1, "mode 3 reload: IRQ0 rises after the new low half");
	/* a late update across the reload still delivers the rise (7) */
	reset();
	program(0, 3);
	load16(0, 10);
	at(2);
	outb(0x40, 5); outb(0x40, 0);
	nrec = 0;
	at(8); pit_update(&pit);
	ok(nrec == 2 && rec[0] == 0 && rec[1] == 1, "mode 3 reload: late update delivers the rise at 7");

	/* Written during the low half: loaded when that half ends, at 10,
	 * which starts a high half of the new N = 6 (3 high, 3 low). */
	reset();
	program(0, 3);
	load16(0, 10);
	at(6);
	outb(0x40, 6); outb(0x40, 0);
	at(9); ok(!pit_out(&pit, 0), "mode 3 reload in the low half: old low half runs to its end");
	is(latch16(0), 2, "mode 3 reload in the low half: old count at clock 9");
	at(10); ok(pit_out(&pit, 0), "mode 3 reload in the low half: OUT rises at clock 10");
	is(latch16(0), 6, "mode 3 reload in the low half: new count loaded at clock 10");
	at(12); ok(pit_out(&pit, 0), "mode 3 reload in the low half: high for 3 clocks of N=6");
	at(13); ok(!pit_out(&pit, 0), "mode 3 reload in the low half: low at clock 13");
	at(16); ok(pit_out(&pit, 0), "mode 3 reload in the low half: period 6 from clock 10");
}

/*
 * Mode 3 GATE (datasheet mode 3 and "Gate Pin Operations Summary"): GATE low
 * disables counting, and "if GATE goes low while OUT is low, OUT is set high
 * immediately"; a trigger (rising edge) "reloads the Counter with the initial
 * count" and the square wave starts over with its high half.  (The chip
 * loads on the next CLK pulse; the model loads at the edge, see pit.c, so
 * clock numbers below count from the edge.)  Channel 2, GATE = port 0x61
 * bit 0.  N = 8: high 4 clocks, low 4.
 */
static void test_mode3_gate(void)
{
	reset();
	program(2, 3);
	load16(2, 8);				/* GATE low after reset: loaded, not counting */
	at(50);
	is(latch16(2), 8, "mode 3 gate low: count loaded but held");
	ok(inb(0x61) & 0x20, "mode 3 gate low: OUT high");
	outb(0x61, 0x01); mark();		/* trigger */
	at(3); ok(inb(0x61) & 0x20, "mode 3 gate: high half, clock 3");
	at(5); ok(!(inb(0x61) & 0x20), "mode 3 gate: low half, clock 5");
	is(latch16(2), 6, "mode 3 gate: count 6 at clock 5");
	outb(0x61, 0x00);			/* GATE low while OUT low */
	ok(inb(0x61) & 0x20, "mode 3 gate low during the low half: OUT high at once");
	at(40);
	is(latch16(2), 6, "mode 3 gate low: counting disabled, count held at 6");
	outb(0x61, 0x01); mark();		/* trigger: reload, start over */
	is(latch16(2), 8, "mode 3 gate rise: counter reloaded with the initial count");
	at(3); ok(inb(0x61) & 0x20, "mode 3 gate rise: a full high half (clock 3)");
	at(4); ok(!(inb(0x61) & 0x20), "mode 3 gate rise: low at clock 4");
	at(8); ok(inb(0x61) & 0x20, "mode 3 gate rise: period 8 from the trigger");
	/* a trigger in the middle of the high half stretches it */
	at(10);
	outb(0x61, 0x00); outb(0x61, 0x01); mark();
	at(3); ok(inb(0x61) & 0x20, "mode 3 retrigger at clock 2 of the high half: still high 3 clocks later");
	at(4); ok(!(inb(0x61) & 0x20), "mode 3 retrigger: low 4 clocks after the trigger");
}

/*
 * N = 1 in modes 2 and 3.  The datasheet's table "Minimum and Maximum
 * Initial Counts" gives 1 for modes 0, 1, 4, 5 but 2 for modes 2 and 3 (mode
 * 2: "a count of 1 is illegal"): a rate generator needs one clock of low
 * pulse plus at least one high, and a square wave cannot split one clock
 * into two halves.  What a chip does with 1 is undefined.  The model's
 * choice (pit.c ch_cr_period) is to run as the smallest legal count, 2:
 * OUT stays a defined wave and the rate is bounded (IRQ0 at most CLK/2).
 * Mode 0 takes N = 1 as it is: OUT rises one clock after the load.
 */
static void test_count_one(void)
{
	static const int out2[] = { 1, 0, 1, 0, 1 };
	static const uint16_t cnt2[] = { 2, 1, 2, 1, 2 };
	static const int out3[] = { 1, 0, 1, 0, 1 };

	reset();
	program(0, 2);
	load16(0, 1);
	for (unsigned k = 0; k < 5; k++) {
		at(k);
		is(pit_out(&pit, 0), out2[k], "mode 2 N=1 runs as N=2: OUT at clock %u", k);
		is(latch16(0), cnt2[k], "mode 2 N=1 runs as N=2: count at clock %u", k);
	}
	at(0);
	is(pit_next_event_ns(&pit), t0 + clocks(1), "mode 2 N=1: first low clock at 1");
	is(status(0) & 0x3f, 0x34, "mode 2 N=1: status still says mode 2, LSB/MSB");

	reset();
	program(0, 3);
	load16(0, 1);
	for (unsigned k = 0; k < 5; k++) {
		at(k);
		is(pit_out(&pit, 0), out3[k], "mode 3 N=1 runs as N=2: OUT at clock %u", k);
		ok(latch16(0) % 2 == 0, "mode 3 N=1: count even at clock %u", k);
	}

	reset();
	program(0, 0);
	load16(0, 1);
	at(0); ok(!pit_out(&pit, 0), "mode 0 N=1 (legal): OUT low at load");
	at(1); ok(pit_out(&pit, 0), "mode 0 N=1: OUT high after one clock");
}

/*
 * Two-byte access: the datasheet ("Read Operations") lets reads and writes
 * of one counter be interleaved - read LSB, write LSB, read MSB, write MSB
 * is a valid sequence - so the read and the write byte pointers are
 * separate.  A control word resets the counter's control logic ("Write
 * Operations"), so both pointers start again at the LSB.
 */
static void test_interleaved_toggles(void)
{
	reset();
	program(0, 2);
	load16(0, 0x1234);
	at(0x10);
	outb(0x43, 0x00);			/* latch 0x1224 */
	is(inb(0x40), 0x24, "interleaved: read LSB of the latched count");
	outb(0x40, 0x78);			/* write the new LSB */
	is(inb(0x40), 0x12, "interleaved: the write did not move the read pointer: MSB next");
	outb(0x40, 0x56);			/* write the new MSB: count 0x5678 */
	at(0x20);
	is(latch16(0), 0x1234 - 0x20, "interleaved: mode 2, old period still running");
	outb(0x43, 0xe2);
	ok(inb(0x40) & 0x40, "interleaved: the read did not move the write pointer: a full count 0x5678 waits");
	at(0x1234);
	is(latch16(0), 0x5678, "interleaved: new count 0x5678 loaded at the period end");

	/* a control word between the two bytes of a write: the pointer restarts at the LSB */
	reset();
	program(0, 2);
	outb(0x40, 0x99);			/* LSB of an abandoned count */
	program(0, 2);
	load16(0, 0x0300);
	at(1);
	is(latch16(0), 0x02ff, "control word resets the write pointer: 0x0300 taken as LSB then MSB");
	/* ... and between the two bytes of a read */
	is(inb(0x40), (0x0300 - 1) & 0xff, "live read: LSB");
	program(0, 2);
	load16(0, 0x0405);
	is(read16(0), 0x0405, "control word resets the read pointer: next read is the LSB again");
}

/*
 * Counter Latch Command (datasheet): the latched count "is held in the latch
 * until it is read by the CPU (or until the Counter is reprogrammed)".  A
 * control word for the same counter drops a pending latch; one for another
 * counter does not.
 */
static void test_control_word_drops_latch(void)
{
	reset();
	program(0, 2);
	load16(0, 1000);
	at(100);
	outb(0x43, 0x00);			/* latch 900, not read */
	at(200);
	program(0, 2);				/* reprogram counter 0 */
	load16(0, 500);
	at(10);
	is(read16(0), 490, "control word drops the pending latch: read shows the new count");

	reset();
	program(0, 2);
	load16(0, 1000);
	at(100);
	outb(0x43, 0x00);			/* latch 900 */
	program(1, 2);				/* another counter's control word */
	at(300);
	is(read16(0), 900, "a control word for counter 1 leaves counter 0's latch alone");
}

int main(void)
{
	test_mode0();
	test_mode0_gate();
	test_mode1();
	test_mode2();
	test_mode3();
	test_mode4_mode5();
	test_latch();
	test_readback();
	test_access();
	test_bcd_and_zero();
	test_port61();
	test_reload();
	test_irq_1khz();
	test_mode3_deferred_reload();
	test_mode3_gate();
	test_count_one();
	test_interleaved_toggles();
	test_control_word_drops_latch();
	return done_testing();
}
