/*
 * fuzz_ioapic.c - libFuzzer target for the I/O APIC model (src/devices/ioapic.c).
 *
 * Input: operations, one opcode byte each (op % 7) and its arguments:
 *
 *   0 SEL    4 bytes		write IOREGSEL (any 32-bit value: only 8 bits stick)
 *   1 WIN_W  4 bytes		write IOWIN (the selected register)
 *   2 WIN_R			read IOWIN
 *   3 MMIO   sel, [8 bytes], 4 bytes, rw
 *				an access at any offset: sel & 0x80 ? a raw 64-bit
 *				offset : sel & 0x7f; rw & 1 = write
 *   4 IRQ    b			ioapic_set_irq(pin = b % 26 - 1 (-1..24), level = b >> 7)
 *   5 EOI    v			ioapic_eoi(v)
 *   6 ENTRY  b, 4 bytes	IOREGSEL = 0x10 + (b & 0x3f) % 48, then IOWIN = value;
 *				unless b & 0x80, a low half becomes a live level entry
 *				(value & 0x20ff | trigger: mask clear, fixed mode)
 *
 * A shadow of the wires (line levels) and of IOREGSEL is kept.  After every
 * operation:
 *   - Remote IRR is set only on level-triggered entries, and a delivery sets
 *     it only for fixed/lowest-priority ones (NMI, SMI, INIT, ExtINT are
 *     edge-sensed); an asserted, unmasked fixed/lowest level pin always has
 *     it set (it was sent); reserved bits 55:17 and delivery status read 0,
 *     the ID is 4 bits;
 *   - IOREGSEL reads back the low 8 bits written; IOWIN reads the selected
 *     register (ID, version 0x00170011, arbitration = ID, an entry half, or 0
 *     for the ~200 unimplemented indices: any IOREGSEL value is safe, and
 *     UBSan's bounds check watches the redirection table index); other
 *     offsets read 0 and ignore writes;
 *   - entry writes keep the chip's status bits and take only writable bits;
 *   - messages: exactly the ones the datasheet calls for, each matching its
 *     entry (vector, delivery mode, destination, trigger): an edge entry
 *     sends on an asserting edge of an unmasked pin; a level entry sends
 *     when asserted, unmasked and Remote IRR clear (after a line change, an
 *     entry write or an EOI), and then has Remote IRR set; a masked pin never
 *     sends; an EOI clears Remote IRR on every level entry with that vector;
 *   - ioapic_entry_to_msi() of a sent entry has the MSI layout (0xFEE address,
 *     destination in bits 19:12, assert bit set).
 */
#include <stdbool.h>
#include <string.h>

#include "fuzz.h"
#include "ioapic.h"

static struct ioapic io;
static uint32_t lines;			/* shadow: the wires as driven */
static uint8_t regsel;

static struct ioapic_irq last_sent;	/* the latest message */
static int nsent;			/* messages so far */

static bool deliver(void *opaque, const struct ioapic_irq *irq)
{
	CHECK(opaque == &io);
	last_sent = *irq;
	nsent++;
	return true;	/* every message accepted: the reference below assumes it */
}

static bool level(uint64_t e) { return e & IOAPIC_RTE_TRIGGER; }
static bool masked(uint64_t e) { return e & IOAPIC_RTE_MASK; }
static bool rirr(uint64_t e) { return e & IOAPIC_RTE_REMOTE_IRR; }
static unsigned dm(uint64_t e) { return (e >> 8) & 7; }
static bool handshake(uint64_t e) { return level(e) && (dm(e) == IOAPIC_DM_FIXED || dm(e) == IOAPIC_DM_LOWEST); }

static bool asserted(uint32_t wires, uint64_t e, int pin)
{
	return !!(wires & (1u << pin)) != !!(e & IOAPIC_RTE_POLARITY);
}

/* The message 'm' is what entry 'e' describes. */
static void check_message(const struct ioapic_irq *m, uint64_t e)
{
	uint64_t addr;
	uint32_t data;

	CHECK(m->vector == (e & 0xff));
	CHECK(m->delivery_mode == dm(e));
	CHECK(m->dest == (e >> 56));
	CHECK(m->dest_logical == !!(e & IOAPIC_RTE_DESTMODE));
	CHECK(m->level == level(e));
	ioapic_entry_to_msi(e, &addr, &data);
	CHECK((addr & ~0xff004ull) == 0xfee00000ull);
	CHECK(((addr >> 12) & 0xff) == (e >> 56));
	CHECK((data & 0xff) == (e & 0xff) && ((data >> 8) & 7) == dm(e));
	CHECK(data & 0x4000);
	CHECK(!!(data & 0x8000) == level(e));
}

/* A pin that was just serviced: did it send exactly when the rules say? */
static void check_service(int pin, int first, bool must_send)
{
	uint64_t e = io.redir[pin];

	CHECK(nsent - first == (must_send ? 1 : 0));
	if (must_send) {
		check_message(&last_sent, e);
		if (handshake(e))
			CHECK(rirr(e));
	}
}

static void check_state(void)
{
	CHECK(io.ioregsel == regsel);
	CHECK(io.id < 16);
	CHECK(io.line_level == lines);
	for (int pin = 0; pin < IOAPIC_NUM_PINS; pin++) {
		uint64_t e = io.redir[pin];

		/*
		 * Remote IRR only on level entries.  (Not "only on fixed/lowest
		 * level entries": a level entry switched to ExtINT or NMI before
		 * its EOI keeps the bit, as KVM's and QEMU's models do; only a
		 * switch to edge clears it.)
		 */
		if (rirr(e))
			CHECK(level(e));
		CHECK((e & 0x00fffffffffe0000ull) == 0);
		CHECK(!(e & IOAPIC_RTE_DELIVS));
		CHECK(ioapic_entry(&io, pin) == e);
		/* a level pin that is asserted, unmasked and not waiting would have sent */
		if (handshake(e) && !masked(e) && asserted(lines, e, pin))
			CHECK(rirr(e));
	}
	CHECK(ioapic_entry(&io, -1) == 0 && ioapic_entry(&io, IOAPIC_NUM_PINS) == 0);
}

static uint32_t spec_reg(unsigned index)
{
	if (index == 0 || index == 2)
		return (uint32_t)io.id << 24;
	if (index == 1)
		return 0x00170011u;
	if (index >= 0x10 && index < 0x40)
		return (index & 1) ? (uint32_t)(io.redir[(index - 0x10) / 2] >> 32)
				   : (uint32_t)io.redir[(index - 0x10) / 2];
	return 0;
}

static void op_win_write(uint32_t val)
{
	unsigned index = regsel;
	struct ioapic before = io;
	int first = nsent, pin;
	uint64_t e;

	ioapic_mmio_write(&io, IOAPIC_IOWIN, val);
	if (index == 0) {
		CHECK(io.id == ((val >> 24) & 0xf));
		CHECK(nsent == first);
		return;
	}
	if (index < 0x10 || index >= 0x40) {
		CHECK(memcmp(&before, &io, sizeof(io)) == 0);
		CHECK(nsent == first);
		return;
	}
	pin = (int)(index - 0x10) / 2;
	e = io.redir[pin];
	for (int p = 0; p < IOAPIC_NUM_PINS; p++)
		if (p != pin)
			CHECK(io.redir[p] == before.redir[p]);
	if (index & 1) {
		CHECK(e == ((before.redir[pin] & 0xffffffffull) | (uint64_t)(val & 0xff000000u) << 32));
		CHECK(nsent == first);
		return;
	}
	CHECK((uint32_t)(e >> 32) == (uint32_t)(before.redir[pin] >> 32));
	CHECK((e & 0x1afffull) == (val & 0x1afffull));
	if (!level(e))
		CHECK(!rirr(e));			/* edge: no handshake pending */
	else if (nsent == first)
		CHECK(rirr(e) == rirr(before.redir[pin]));	/* the status bit is kept */
	check_service(pin, first, handshake(e) && !masked(e) && !rirr(before.redir[pin]) &&
		      asserted(lines, e, pin));
}

static void op_irq(int pin, int lvl)
{
	int first = nsent;
	uint64_t e;
	bool was, now;

	if (pin < 0 || pin >= IOAPIC_NUM_PINS) {
		struct ioapic before = io;

		ioapic_set_irq(&io, pin, lvl);
		CHECK(memcmp(&before, &io, sizeof(io)) == 0 && nsent == first);
		return;
	}
	e = io.redir[pin];
	was = asserted(lines, e, pin);
	lines = lvl ? lines | (1u << pin) : lines & ~(1u << pin);
	now = asserted(lines, e, pin);
	ioapic_set_irq(&io, pin, lvl);
	if (handshake(e))
		check_service(pin, first, !masked(e) && !rirr(e) && now);
	else
		check_service(pin, first, !was && now && !masked(e));
}

static void op_eoi(int vector)
{
	struct ioapic before = io;
	int first = nsent, expect = 0;

	ioapic_eoi(&io, vector);
	for (int pin = 0; pin < IOAPIC_NUM_PINS; pin++) {
		uint64_t b = before.redir[pin], e = io.redir[pin];
		bool hit = level(b) && (b & 0xff) == (uint64_t)vector && rirr(b);

		CHECK((e & ~IOAPIC_RTE_REMOTE_IRR) == (b & ~IOAPIC_RTE_REMOTE_IRR));
		if (!hit) {
			CHECK(e == b);
			continue;
		}
		/* Remote IRR cleared; an asserted, unmasked line sends again and sets it */
		if (handshake(e) && !masked(e) && asserted(lines, e, pin)) {
			CHECK(rirr(e));
			expect++;
		} else {
			CHECK(!rirr(e));
		}
	}
	CHECK(nsent - first == expect);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = { data, size };

	ioapic_init(&io, deliver, &io);
	lines = 0;
	regsel = 0;
	nsent = 0;
	check_state();
	while (fz_more(&f)) {
		uint8_t op = fz_u8(&f) % 7, b;
		uint32_t val, v;
		uint64_t off;

		switch (op) {
		case 0:
			val = fz_u32(&f);
			ioapic_mmio_write(&io, IOAPIC_IOREGSEL, val);
			regsel = (uint8_t)val;
			CHECK(ioapic_mmio_read(&io, IOAPIC_IOREGSEL) == regsel);
			break;
		case 1:
			op_win_write(fz_u32(&f));
			break;
		case 2:
			CHECK(ioapic_mmio_read(&io, IOAPIC_IOWIN) == spec_reg(regsel));
			break;
		case 3:
			b = fz_u8(&f);
			off = (b & 0x80) ? fz_u64(&f) : (b & 0x7f);
			val = fz_u32(&f);
			if (fz_u8(&f) & 1) {
				if (off == IOAPIC_IOREGSEL) {
					ioapic_mmio_write(&io, off, val);
					regsel = (uint8_t)val;
				} else if (off == IOAPIC_IOWIN) {
					op_win_write(val);
				} else {
					struct ioapic before = io;
					int first = nsent;

					ioapic_mmio_write(&io, off, val);
					CHECK(memcmp(&before, &io, sizeof(io)) == 0 && nsent == first);
				}
			} else {
				v = ioapic_mmio_read(&io, off);
				if (off == IOAPIC_IOREGSEL)
					CHECK(v == regsel);
				else if (off == IOAPIC_IOWIN)
					CHECK(v == spec_reg(regsel));
				else
					CHECK(v == 0);
			}
			break;
		case 4:
			b = fz_u8(&f);
			op_irq((int)(b & 0x7f) % 26 - 1, b >> 7);
			break;
		case 5:
			op_eoi(fz_u8(&f));
			break;
		case 6:
			b = fz_u8(&f);
			regsel = (uint8_t)(0x10 + (b & 0x3f) % 48);
			ioapic_mmio_write(&io, IOAPIC_IOREGSEL, regsel);
			val = fz_u32(&f);
			if (!(b & 0x80) && !(regsel & 1))	/* a live level entry, often */
				val = (val & 0x20ff) | IOAPIC_RTE_TRIGGER;
			op_win_write(val);
			break;
		}
		check_state();
	}
	return 0;
}
