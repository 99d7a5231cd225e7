/*
 * fuzz_pit.c - libFuzzer target for the 8254 model (src/devices/pit.c) on a
 * fake clock (src/clock.h).
 *
 * Input: one byte picks the start time (byte << 32 ns), then operations, one
 * opcode byte each (op % 8) and its arguments:
 *
 *   0 OUT   port, value	port = ports[byte % 6]: 0x40 0x41 0x42 0x43 0x61 0x44
 *   1 IN    port
 *   2 ADV   scale, n		clock += n * scales[scale % 8]
 *				(1 ns, 100 ns, 838 ns (~1 clock), 10 us, 1 ms, 55 ms, 1 s, 2^40 ns)
 *   3 UPDATE			pit_update()
 *   4 GATE  b			pit_set_gate(b & 3, b >> 7)  (channel 3: out of range)
 *   5 OUTPIN b			pit_out(b & 3)
 *   6 NEXT			clock = pit_next_event_ns(), then pit_update()
 *   7 LATCH b			counter latch of channel (b & 3) % 3; the clock moves on by
 *				scales[(b >> 2) % 8] * (b >> 5); then the count is read
 *
 * After every operation:
 *   - IRQ0 is driven with alternating levels only (0, 1, 0, ...), and the
 *     last level driven is pit->irq0_level, which is 0 or 1;
 *   - after anything that calls pit_update(), irq0_level == channel 0 OUT now;
 *   - pit_next_event_ns() is in the future (> now, it is asked after the
 *     state is brought up to date) or UINT64_MAX, drives nothing, and is
 *     exact: on a copy of the chip, OUT is unchanged 1 ns before it and
 *     different at it;
 *   - a rising edge of channel 0's OUT between two pit_update() calls is
 *     never lost (the line is driven to 1 during the later call), and with
 *     no rise and no level change pit_update() drives nothing;
 *   - a count read (counter latch on a copy) is valid BCD in BCD mode, and
 *     within the programmed range: mode 2 in 1..N, mode 3 even and <= N;
 *     the loaded N is 1..65536 (1..10000 BCD), >= 2 in modes 2 and 3
 *     (a guest may write a count that is not BCD in BCD mode: then only
 *     N <= 16665 and valid BCD reads are required);
 *   - the read-back status byte echoes the control word's low 6 bits and
 *     has OUT in bit 7; port 0x61 reads bits 0-3 as written, bit 5 = OUT2,
 *     bits 6-7 clear; port 0x43 and unknown ports read 0xff;
 *   - a latched count reads back unchanged however much later it is read,
 *     and a second latch command before the read does not replace it;
 *   - against an independent reference chip (pit_ref.h, written from the
 *     datasheet, advanced one CLK at a time): every channel's OUT, its count
 *     (counter latch on a copy) and its status byte (OUT, null count,
 *     control bits); every byte the input reads from 0x40-0x42 (byte
 *     pointers, count and status latches); port 0x61 bit 5; IRQ0's level
 *     after each pit_update() and a 1 driven for every rise of the
 *     reference's OUT0; at NEXT, that the reference's OUT0 does not change
 *     before pit_next_event_ns() and does at it (or, for UINT64_MAX, that it
 *     cannot change).  Values the datasheet leaves undefined (count before a
 *     load, invalid BCD) are not compared.
 */
#include <stdbool.h>
#include <string.h>

#include "fuzz.h"
#include "pit.h"
#include "pit_ref.h"

#define TIME_CAP	(1ull << 62)		/* keep the fake clock far from wrapping */

static struct fake_clock fc = FAKE_CLOCK_INIT;
static struct pit pit;
static struct ref_pit ref;			/* the reference chip, in step with 'pit' */

static int rec[8];				/* levels driven on IRQ0 during one operation */
static int nrec, last_level;
static bool bad_sequence;
static bool rose_since_update;			/* OUT0 rose since the last pit_update() */
static uint8_t control[3];			/* shadow: control word bits 5-0 */
static uint8_t port61;

static const uint16_t ports[] = { 0x40, 0x41, 0x42, 0x43, 0x61, 0x44 };
static const uint64_t scales[] = { 1, 100, 838, 10000, 1000000, 55000000, 1000000000, 1ull << 40 };

static void rec_set_level(void *opaque, int irq, int level)
{
	(void)opaque;
	if (irq != PIT_IRQ || (level != 0 && level != 1) || level == last_level)
		bad_sequence = true;
	last_level = level;
	if (nrec < 8)
		rec[nrec] = level;
	nrec++;
}

/* A copy of the chip that drives nothing, to ask questions without side effects. */
static struct pit pit_copy(void)
{
	struct pit c = pit;

	c.irq0.set_level = NULL;
	return c;
}

/* OUT of channel ch at time t, asked of a copy; the clock is put back. */
static bool out_at(const struct pit *p, int ch, uint64_t t)
{
	struct pit c = *p;
	uint64_t now = fc.ns;
	bool o;

	fc.ns = t;
	o = pit_out(&c, ch);
	fc.ns = now;
	return o;
}

static uint32_t bcd_value(uint16_t v, bool *valid)
{
	*valid = (v & 0xf) <= 9 && (v >> 4 & 0xf) <= 9 && (v >> 8 & 0xf) <= 9 && (v >> 12) <= 9;
	return (v >> 12) * 1000 + (v >> 8 & 15) * 100 + (v >> 4 & 15) * 10 + (v & 15);
}

static void check_next_event(void)
{
	struct pit c = pit_copy();
	int before = nrec;
	uint64_t t = pit_next_event_ns(&c), now = fc.ns;
	bool o;

	CHECK(nrec == before);
	if (t == UINT64_MAX)
		return;
	CHECK(t > now);
	o = out_at(&c, 0, now);
	CHECK(out_at(&c, 0, t - 1) == o);
	CHECK(out_at(&c, 0, t) != o);
}

/* Latch and read a channel's count on a copy, then check it against the mode. */
static void check_count(int i)
{
	struct pit c = pit_copy();
	struct pit_channel *ch = &c.ch[i];
	uint16_t v;
	uint32_t val, n, modulus;
	bool valid = true;

	if (!ch->started)
		return;			/* the count is frozen or undefined */
	ch->count_latched = ch->status_latched = ch->read_msb_next = false;
	ch->access = PIT_ACCESS_LSB_MSB;
	pit_port_write(&c, 0x43, (uint8_t)(i << 6));
	v = pit_port_read(&c, (uint16_t)(0x40 + i));
	v |= (uint16_t)(pit_port_read(&c, (uint16_t)(0x40 + i)) << 8);
	n = ch->period;
	modulus = ch->bcd ? 10000 : 65536;
	val = ch->bcd ? bcd_value(v, &valid) : v;
	CHECK(valid);			/* a BCD counter always reads as BCD */
	if (ch->bcd && n > modulus) {
		/* The guest wrote a count that is not BCD (e.g. 0xb400): its
		 * "value" is up to 16665 and the chip's behaviour undefined. */
		CHECK(n <= 16665);
		return;
	}
	CHECK(n >= 1 && n <= modulus);
	if (ch->mode == PIT_MODE_RATE_GEN || ch->mode == PIT_MODE_SQUARE_WAVE)
		CHECK(n >= 2);
	if (ch->mode == PIT_MODE_RATE_GEN)
		CHECK(val == n % modulus || (val >= 1 && val < n));
	if (ch->mode == PIT_MODE_SQUARE_WAVE)
		CHECK(val % 2 == 0 && val <= n);
}

static void check_status(int i)
{
	struct pit c = pit_copy();
	uint8_t st;

	c.ch[i].status_latched = false;
	pit_port_write(&c, 0x43, (uint8_t)(0xe0 | 2 << i));	/* read-back: status only */
	st = pit_port_read(&c, (uint16_t)(0x40 + i));
	CHECK((st & 0x3f) == control[i]);
	CHECK(!!(st & 0x80) == out_at(&c, i, fc.ns));
}

/* Port access to the chip under test and the reference alike. */
static void port_write(uint16_t port, uint8_t val)
{
	ref_port_write(&ref, port, val, fc.ns);
	pit_port_write(&pit, port, val);
}

static uint8_t port_read(uint16_t port)
{
	bool known = false;
	uint8_t want = 0, v;

	ref_sync(&ref, fc.ns);
	if (port >= 0x40 && port <= 0x42)
		want = ref_data_read(&ref, port - 0x40, &known);
	v = pit_port_read(&pit, port);
	if (known)
		CHECK(v == want);
	if (port == 0x61 && !ref.ch[2].undefined)
		CHECK(!!(v & 0x20) == ref.ch[2].out);
	return v;
}

/* Channel i of the model against the reference: OUT, count, status. */
static void check_ref(int i)
{
	const struct ref_ch *r = &ref.ch[i];
	struct pit c = pit_copy();
	struct pit_channel *ch = &c.ch[i];
	uint32_t want;
	uint16_t v;
	uint8_t st;

	if (r->undefined)
		return;
	CHECK(out_at(&pit, i, fc.ns) == r->out);
	ch->status_latched = false;
	pit_port_write(&c, 0x43, (uint8_t)(0xe0 | 2 << i));	/* read-back: status only */
	st = pit_port_read(&c, (uint16_t)(0x40 + i));
	CHECK(st == ((r->out ? 0x80 : 0) | (r->null_count ? 0x40 : 0) | r->control));
	if (!r->loaded)
		return;				/* the CE's value is not known */
	ch->count_latched = ch->status_latched = ch->read_msb_next = false;
	ch->access = PIT_ACCESS_LSB_MSB;
	pit_port_write(&c, 0x43, (uint8_t)(i << 6));
	v = pit_port_read(&c, (uint16_t)(0x40 + i));
	v |= (uint16_t)(pit_port_read(&c, (uint16_t)(0x40 + i)) << 8);
	want = r->ce % ref_modulus(r);
	if (r->bcd)
		want = (want / 1000 % 10) << 12 | (want / 100 % 10) << 8 | (want / 10 % 10) << 4 | want % 10;
	CHECK(v == want);
}

/* At NEXT: the reference's OUT0 keeps still until t and changes at t. */
static void check_next_ref(uint64_t t)
{
	const struct ref_ch *c0 = &ref.ch[0];
	struct ref_pit copy;

	if (c0->undefined)
		return;
	if (t == UINT64_MAX) {
		CHECK(!ref_counting(c0) || ((c0->mode == 0 || c0->mode == 1) && c0->out) ||
		      ((c0->mode == 4 || c0->mode == 5) && c0->fired && !c0->strobe));
		return;
	}
	if (t <= fc.ns)
		return;				/* check_next_event() reports that */
	copy = ref;
	copy.changes0 = 0;
	ref_advance(&copy, 0, t - 1);
	CHECK(copy.changes0 == 0);
	ref_advance(&copy, 0, t);
	CHECK(copy.ch[0].out != c0->out);
}

static void check_state(void)
{
	CHECK(!bad_sequence);
	CHECK(pit.irq0_level == 0 || pit.irq0_level == 1);
	CHECK(pit.irq0_level == last_level);
	ref_sync(&ref, fc.ns);
	for (int i = 0; i < 3; i++) {
		check_count(i);
		check_status(i);
		check_ref(i);
	}
	check_next_event();
}

/* After a call that ran pit_update(): the line shows OUT0, and any rise got through. */
static void updated(int first_rec)
{
	bool drove_high = false;

	for (int k = first_rec; k < nrec && k < 8; k++)
		drove_high |= rec[k] == 1;
	CHECK(pit.irq0_level == (int)out_at(&pit, 0, fc.ns));
	if (rose_since_update)
		CHECK(drove_high || nrec > 8);
	rose_since_update = false;
	ref_sync(&ref, fc.ns);
	if (!ref.ch[0].undefined) {
		CHECK(pit.irq0_level == (int)ref.ch[0].out);
		if (ref.rose0)
			CHECK(drove_high || nrec > 8);
	}
	ref.rose0 = false;
}

/*
 * Move the clock to 'target', noting on a copy whether OUT0 rises on the
 * way.  Two changes of OUT include a rise, so two steps are enough.
 */
static void advance_to(uint64_t target)
{
	struct pit c = pit_copy();
	bool o = out_at(&c, 0, fc.ns);

	for (int step = 0; step < 2 && !rose_since_update; step++) {
		uint64_t t = pit_next_event_ns(&c);

		if (t == UINT64_MAX || t > target)
			break;
		fc.ns = t;
		if (!o && pit_out(&c, 0))
			rose_since_update = true;
		o = !o;
	}
	fc.ns = target;
}

static void op_out(uint16_t port, uint8_t val)
{
	int first = nrec;

	if (port == 0x43 && val >> 6 != 3 && (val >> 4 & 3) != 0)
		control[val >> 6] = val & 0x3f;
	if (port == 0x61)
		port61 = val;
	port_write(port, val);
	if (port == 0x40 || port == 0x43)
		updated(first);
}

static void op_in(uint16_t port)
{
	uint8_t v = port_read(port);

	if (port == 0x61) {
		CHECK((v & 0x0f) == (port61 & 0x0f));
		CHECK((v & 0xc0) == 0);
		CHECK(!!(v & 0x20) == out_at(&pit, 2, fc.ns));
	} else if (port == 0x43 || port == 0x44) {
		CHECK(v == 0xff);
	}
}

/* Counter latch, let time pass, latch again, read: the value is the one
 * at the first latch (the datasheet ignores a latch while one is pending). */
static void op_latch(int i, uint64_t later)
{
	struct pit_channel *ch = &pit.ch[i];
	uint16_t want, v;
	struct pit c;

	if (ch->status_latched || ch->count_latched || ch->read_msb_next ||
	    ch->access != PIT_ACCESS_LSB_MSB)
		return;
	c = pit_copy();
	c.ch[i].count_latched = false;
	pit_port_write(&c, 0x43, (uint8_t)(i << 6));
	want = c.ch[i].latched_count;
	op_out(0x43, (uint8_t)(i << 6));
	if (fc.ns + later < TIME_CAP)
		advance_to(fc.ns + later);
	op_out(0x43, (uint8_t)(i << 6));	/* a second latch before the read: ignored */
	v = port_read((uint16_t)(0x40 + i));
	v |= (uint16_t)(port_read((uint16_t)(0x40 + i)) << 8);
	CHECK(v == want);
	CHECK(!ch->count_latched);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = { data, size };

	fc.ns = (uint64_t)fz_u8(&f) << 32;
	nrec = last_level = 0;
	bad_sequence = rose_since_update = false;
	port61 = 0;
	for (int i = 0; i < 3; i++)
		control[i] = PIT_ACCESS_LSB_MSB << 4;
	pit_init(&pit, &fc.clock, (struct irq_line){ rec_set_level, NULL, PIT_IRQ });
	ref_init(&ref);
	check_state();
	while (fz_more(&f)) {
		uint8_t op = fz_u8(&f) % 8, b;
		uint64_t t;
		int first;

		nrec = 0;
		switch (op) {
		case 0:
			b = fz_u8(&f) % 6;
			op_out(ports[b], fz_u8(&f));
			break;
		case 1:
			op_in(FZ_PICK(&f, ports));
			break;
		case 2:
			b = fz_u8(&f);
			t = scales[b % 8] * fz_u8(&f);
			if (fc.ns + t < TIME_CAP)
				advance_to(fc.ns + t);
			break;
		case 3:
			first = nrec;
			{
				int old_level = pit.irq0_level;
				bool rose = rose_since_update;
				bool out_now = out_at(&pit, 0, fc.ns);

				pit_update(&pit);
				if (!rose && out_now == old_level)
					CHECK(nrec == first);
			}
			updated(first);
			break;
		case 4:
			b = fz_u8(&f);
			first = nrec;
			ref_sync(&ref, fc.ns);
			if ((b & 3) < 3)
				ref_gate(&ref, b & 3, b >> 7, fc.ns);
			pit_set_gate(&pit, b & 3, b >> 7);
			if ((b & 3) == 0)
				updated(first);
			break;
		case 5:
			b = fz_u8(&f) & 3;
			(void)pit_out(&pit, b);
			break;
		case 6:
			t = pit_next_event_ns(&pit);
			ref_sync(&ref, fc.ns);
			check_next_ref(t);
			if (t != UINT64_MAX && t < TIME_CAP) {
				advance_to(t);
				first = nrec;
				pit_update(&pit);
				updated(first);
			}
			break;
		case 7:
			b = fz_u8(&f);
			op_latch((b & 3) % 3, scales[(b >> 2) % 8] * (b >> 5));
			break;
		}
		check_state();
	}
	return 0;
}
