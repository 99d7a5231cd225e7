/*
 * test_ioapic.c - unit tests for the I/O APIC (src/devices/ioapic.c).
 *
 * The tests program the chip through IOREGSEL/IOWIN as a guest would, drive
 * pins with ioapic_set_irq(), play the local APIC with ioapic_eoi(), and
 * record every message the deliver callback receives.
 */
#include "tap.h"
#include "devices/ioapic.h"

#define MAX_LOG 64

struct recorder {
	int count;
	struct ioapic_irq log[MAX_LOG];
	bool refuse;		/* play a bus on which no local APIC takes the message */
};

static bool record(void *opaque, const struct ioapic_irq *irq)
{
	struct recorder *r = opaque;

	if (r->count < MAX_LOG)
		r->log[r->count] = *irq;
	r->count++;
	return !r->refuse;
}

static const struct ioapic_irq *last(const struct recorder *r)
{
	return &r->log[(r->count - 1) % MAX_LOG];
}

static void setup(struct ioapic *io, struct recorder *r)
{
	memset(r, 0, sizeof(*r));
	ioapic_init(io, record, r);
}

static uint32_t reg_rd(struct ioapic *io, unsigned index)
{
	ioapic_mmio_write(io, IOAPIC_IOREGSEL, index);
	return ioapic_mmio_read(io, IOAPIC_IOWIN);
}

static void reg_wr(struct ioapic *io, unsigned index, uint32_t val)
{
	ioapic_mmio_write(io, IOAPIC_IOREGSEL, index);
	ioapic_mmio_write(io, IOAPIC_IOWIN, val);
}

/* Program an entry as Linux does: high half (destination) first, then low. */
static void set_entry(struct ioapic *io, int pin, uint64_t e)
{
	reg_wr(io, IOAPIC_REG_REDIR + 2 * pin + 1, (uint32_t)(e >> 32));
	reg_wr(io, IOAPIC_REG_REDIR + 2 * pin, (uint32_t)e);
}

static uint64_t get_entry(struct ioapic *io, int pin)
{
	uint64_t lo = reg_rd(io, IOAPIC_REG_REDIR + 2 * pin);
	uint64_t hi = reg_rd(io, IOAPIC_REG_REDIR + 2 * pin + 1);

	return hi << 32 | lo;
}

static uint64_t rte(unsigned vector, unsigned dm, unsigned dest, uint64_t flags)
{
	return vector | (uint64_t)dm << IOAPIC_RTE_DELMODE_SHIFT |
	       (uint64_t)dest << IOAPIC_RTE_DEST_SHIFT | flags;
}

static bool remote_irr(struct ioapic *io, int pin)
{
	return get_entry(io, pin) & IOAPIC_RTE_REMOTE_IRR;
}

#define LEVEL		IOAPIC_RTE_TRIGGER
#define MASKED		IOAPIC_RTE_MASK
#define ACTIVE_LOW	IOAPIC_RTE_POLARITY
#define LOGICAL		IOAPIC_RTE_DESTMODE

static void test_reset(void)
{
	struct ioapic io;
	struct recorder r;
	int lo_ok = 1, hi_ok = 1, direct_ok = 1;

	setup(&io, &r);
	is(reg_rd(&io, IOAPIC_REG_VERSION), 0x00170011, "reset: version 0x00170011");
	is(reg_rd(&io, IOAPIC_REG_ID), 0, "reset: ID 0");
	is(reg_rd(&io, IOAPIC_REG_ARB), 0, "reset: arbitration ID 0");
	for (int pin = 0; pin < IOAPIC_NUM_PINS; pin++) {
		lo_ok &= reg_rd(&io, 0x10 + 2 * pin) == 0x10000;
		hi_ok &= reg_rd(&io, 0x11 + 2 * pin) == 0;
		direct_ok &= ioapic_entry(&io, pin) == 0x10000;
	}
	ok(lo_ok, "reset: every low half reads 0x10000 (masked)");
	ok(hi_ok, "reset: every high half reads 0");
	ok(direct_ok, "reset: ioapic_entry() agrees");
	is(io.line_level, 0, "reset: all lines low");
	ioapic_mmio_write(&io, IOAPIC_IOREGSEL, 0x23);
	is(ioapic_mmio_read(&io, IOAPIC_IOREGSEL), 0x23, "IOREGSEL reads back");
	ioapic_mmio_write(&io, IOAPIC_IOREGSEL, 0x1ff);
	is(ioapic_mmio_read(&io, IOAPIC_IOREGSEL), 0xff, "IOREGSEL is 8 bits wide");
	for (int pin = 0; pin < IOAPIC_NUM_PINS; pin++)
		ioapic_set_irq(&io, pin, 1);
	is(r.count, 0, "reset: masked pins deliver nothing");
}

static void test_id_registers(void)
{
	struct ioapic io;
	struct recorder r;

	setup(&io, &r);
	reg_wr(&io, IOAPIC_REG_ID, 0xffffffff);
	is(reg_rd(&io, IOAPIC_REG_ID), 0x0f000000, "ID write keeps only bits 27:24");
	is(io.id, 0xf, "ID field holds the 4-bit ID");
	reg_wr(&io, IOAPIC_REG_ID, 0x05000000);
	is(reg_rd(&io, IOAPIC_REG_ID), 0x05000000, "ID 5 reads back");
	is(reg_rd(&io, IOAPIC_REG_ARB), 0x05000000, "arbitration ID reads the ID");
	reg_wr(&io, IOAPIC_REG_ARB, 0x0a000000);
	is(reg_rd(&io, IOAPIC_REG_ARB), 0x05000000, "arbitration ID is read-only");
	is(reg_rd(&io, IOAPIC_REG_ID), 0x05000000, "arbitration write leaves ID alone");
	reg_wr(&io, IOAPIC_REG_VERSION, 0);
	is(reg_rd(&io, IOAPIC_REG_VERSION), 0x00170011, "version is read-only");
}

static void test_index_bounds(void)
{
	struct ioapic io, before;
	struct recorder r;
	int oob_zero = 1;

	setup(&io, &r);
	set_entry(&io, 3, rte(0x33, 0, 1, LEVEL));
	for (unsigned i = 0; i < 256; i++) {
		uint32_t v = reg_rd(&io, i);
		bool known = i <= 2 || (i >= 0x10 && i < 0x40);

		if (!known && v != 0)
			oob_zero = 0;
	}
	ok(oob_zero, "every IOREGSEL 0-255 reads; out-of-range indices read 0");
	is(reg_rd(&io, 0x3f), 0, "index 0x3f: high half of entry 23");
	is(reg_rd(&io, 0x40), 0, "index 0x40: past the table, reads 0");

	ioapic_set_irq(&io, 3, 1);
	is(r.count, 1, "level pin 3 delivered");
	before = io;
	for (unsigned i = 3; i < 256; i++)
		if (i < 0x10 || i >= 0x40)
			reg_wr(&io, i, 0xffffffff);
	ok(memcmp(io.redir, before.redir, sizeof(io.redir)) == 0 && io.id == before.id,
	   "writes to out-of-range indices change nothing");
	ioapic_mmio_write(&io, 0x40, 0x33);	/* EOI register of version 0x20 chips */
	ok(remote_irr(&io, 3), "MMIO offset 0x40 is no EOI register: Remote IRR stays");
	is(ioapic_mmio_read(&io, 0x40), 0, "MMIO offset 0x40 reads 0");
	is(ioapic_mmio_read(&io, 0x04), 0, "undecoded offset 0x04 reads 0");
	is(ioapic_mmio_read(&io, 0xffc), 0, "undecoded offset 0xffc reads 0");
	ioapic_mmio_write(&io, 0x20, 0x12345678);
	ok(memcmp(io.redir, before.redir, sizeof(io.redir)) == 0, "undecoded offset writes are ignored");
	is(r.count, 1, "none of this delivered anything");
}

static void test_readonly_bits(void)
{
	struct ioapic io;
	struct recorder r;

	setup(&io, &r);
	reg_wr(&io, 0x10, 0xffffffff);
	is(reg_rd(&io, 0x10), 0x1afff,
	   "all ones: delivery status and Remote IRR stay 0, reserved bits read 0");
	reg_wr(&io, 0x11, 0xffffffff);
	is(reg_rd(&io, 0x11), 0xff000000, "high half: only destination 63:56 sticks");

	set_entry(&io, 5, rte(0x50, 0, 0, LEVEL));
	ioapic_set_irq(&io, 5, 1);
	ok(remote_irr(&io, 5), "level delivery set Remote IRR");
	reg_wr(&io, 0x10 + 2 * 5, 0xffffffff);	/* still level, now masked */
	is(reg_rd(&io, 0x10 + 2 * 5), 0x1efff, "all ones: Remote IRR stays set");
	reg_wr(&io, 0x10 + 2 * 5, (uint32_t)rte(0x50, 0, 0, LEVEL));
	ok(remote_irr(&io, 5), "writing Remote IRR as 0 does not clear it");
	ok(!(get_entry(&io, 5) & IOAPIC_RTE_DELIVS), "delivery status reads 0");
	is(r.count, 1, "no redelivery while Remote IRR is set");
}

static void test_edge(void)
{
	struct ioapic io;
	struct recorder r;

	setup(&io, &r);
	set_entry(&io, 1, rte(0x31, 0, 0, 0));
	ioapic_set_irq(&io, 1, 1);
	is(r.count, 1, "edge: rising edge delivers");
	is(last(&r)->vector, 0x31, "edge: vector 0x31");
	ok(!last(&r)->level, "edge: message is edge-triggered");
	ioapic_set_irq(&io, 1, 1);
	is(r.count, 1, "edge: held level does not deliver again");
	ioapic_set_irq(&io, 1, 0);
	is(r.count, 1, "edge: falling edge delivers nothing");
	ioapic_set_irq(&io, 1, 1);
	is(r.count, 2, "edge: next rising edge delivers");
	ok(!remote_irr(&io, 1), "edge: Remote IRR never set");
	ioapic_eoi(&io, 0x31);
	is(r.count, 2, "edge: EOI does not redeliver");
}

static void test_edge_masked_lost(void)
{
	struct ioapic io;
	struct recorder r;

	setup(&io, &r);
	set_entry(&io, 4, rte(0x34, 0, 0, MASKED));
	ioapic_set_irq(&io, 4, 1);
	is(r.count, 0, "masked edge: nothing delivered");
	set_entry(&io, 4, rte(0x34, 0, 0, 0));
	is(r.count, 0, "masked edge: lost, unmasking does not deliver it");
	ioapic_set_irq(&io, 4, 0);
	ioapic_set_irq(&io, 4, 1);
	is(r.count, 1, "a fresh edge after unmasking delivers");
}

static void test_level(void)
{
	struct ioapic io;
	struct recorder r;

	setup(&io, &r);
	set_entry(&io, 10, rte(0x40, 0, 0, LEVEL));
	ioapic_set_irq(&io, 10, 1);
	is(r.count, 1, "level: assert delivers");
	ok(last(&r)->level, "level: message is level-triggered");
	ok(remote_irr(&io, 10), "level: Remote IRR set");
	ioapic_set_irq(&io, 10, 1);
	is(r.count, 1, "level: not redelivered while Remote IRR set");
	ioapic_eoi(&io, 0x41);
	is(r.count, 1, "level: EOI of another vector does nothing");
	ok(remote_irr(&io, 10), "level: ...and leaves Remote IRR set");
	ioapic_eoi(&io, 0x40);
	is(r.count, 2, "level: EOI with line still asserted redelivers");
	ok(remote_irr(&io, 10), "level: Remote IRR set again");
	ioapic_set_irq(&io, 10, 0);
	ok(remote_irr(&io, 10), "level: lowering the line keeps Remote IRR");
	ioapic_eoi(&io, 0x40);
	is(r.count, 2, "level: line lowered then EOI: no redelivery");
	ok(!remote_irr(&io, 10), "level: EOI cleared Remote IRR");
	ioapic_set_irq(&io, 10, 1);
	is(r.count, 3, "level: next assert delivers");
}

static void test_shared_vector_eoi(void)
{
	struct ioapic io;
	struct recorder r;

	setup(&io, &r);
	set_entry(&io, 16, rte(0x60, 0, 0, LEVEL));
	set_entry(&io, 17, rte(0x60, 0, 0, LEVEL));
	ioapic_set_irq(&io, 16, 1);
	ioapic_set_irq(&io, 17, 1);
	is(r.count, 2, "two level pins, one vector: both deliver");
	ioapic_set_irq(&io, 16, 0);
	ioapic_eoi(&io, 0x60);
	ok(!remote_irr(&io, 16), "EOI cleared Remote IRR of pin 16");
	is(r.count, 3, "EOI redelivered pin 17 (still asserted) only");
	ok(remote_irr(&io, 17), "pin 17 waits for its next EOI");
}

static void test_mask_unmask_level(void)
{
	struct ioapic io;
	struct recorder r;

	setup(&io, &r);
	set_entry(&io, 11, rte(0x4b, 0, 0, LEVEL | MASKED));
	ioapic_set_irq(&io, 11, 1);
	is(r.count, 0, "masked level: not delivered");
	ok(!remote_irr(&io, 11), "masked level: Remote IRR clear");
	set_entry(&io, 11, rte(0x4b, 0, 0, LEVEL));
	is(r.count, 1, "unmasking an asserted level line delivers");
	ok(remote_irr(&io, 11), "...and sets Remote IRR");
	set_entry(&io, 11, rte(0x4b, 0, 0, LEVEL | MASKED));
	ioapic_eoi(&io, 0x4b);
	ok(!remote_irr(&io, 11), "EOI clears Remote IRR of a masked entry");
	is(r.count, 1, "...but a masked entry does not redeliver");
	set_entry(&io, 11, rte(0x4b, 0, 0, LEVEL));
	is(r.count, 2, "unmask delivers the still-asserted line");
	ioapic_set_irq(&io, 11, 0);
	ioapic_eoi(&io, 0x4b);
	set_entry(&io, 11, rte(0x4b, 0, 0, LEVEL | MASKED));
	set_entry(&io, 11, rte(0x4b, 0, 0, LEVEL));
	is(r.count, 2, "mask/unmask of a deasserted line delivers nothing");
}

static void test_level_to_edge(void)
{
	struct ioapic io;
	struct recorder r;

	setup(&io, &r);
	set_entry(&io, 12, rte(0x4c, 0, 0, LEVEL));
	ioapic_set_irq(&io, 12, 1);
	ok(remote_irr(&io, 12), "level entry delivered, Remote IRR set");
	set_entry(&io, 12, rte(0x4c, 0, 0, MASKED));	/* Linux's trick */
	ok(!remote_irr(&io, 12), "switching level->edge clears Remote IRR");
	is(r.count, 1, "...and delivers nothing");
	set_entry(&io, 12, rte(0x4c, 0, 0, LEVEL));
	is(r.count, 2, "back to level with the line asserted: delivers");
	ok(remote_irr(&io, 12), "...and sets Remote IRR");
	set_entry(&io, 12, rte(0x4c, 0, 0, 0));
	is(r.count, 2, "switching to edge with the line high makes no edge");
}

static void test_polarity(void)
{
	struct ioapic io;
	struct recorder r;

	setup(&io, &r);
	set_entry(&io, 13, rte(0x4d, 0, 0, LEVEL | ACTIVE_LOW | MASKED));
	set_entry(&io, 13, rte(0x4d, 0, 0, LEVEL | ACTIVE_LOW));
	is(r.count, 1, "active-low level: a low line is asserted");
	ioapic_set_irq(&io, 13, 1);
	ioapic_eoi(&io, 0x4d);
	is(r.count, 1, "active-low level: high line deasserts, EOI does not redeliver");
	ok(!remote_irr(&io, 13), "active-low level: Remote IRR cleared");
	ioapic_set_irq(&io, 13, 0);
	is(r.count, 2, "active-low level: driving low delivers");
	is(io.line_level & (1u << 13), 0, "line_level records the line as driven");

	set_entry(&io, 14, rte(0x4e, 0, 0, ACTIVE_LOW));
	ioapic_set_irq(&io, 14, 1);
	is(r.count, 2, "active-low edge: low->high delivers nothing");
	ioapic_set_irq(&io, 14, 0);
	is(r.count, 3, "active-low edge: high->low delivers");
	is(last(&r)->vector, 0x4e, "active-low edge: vector 0x4e");
}

static void test_message_fields(void)
{
	struct ioapic io;
	struct recorder r;
	const struct ioapic_irq *m;

	setup(&io, &r);
	set_entry(&io, 20, rte(0x5a, IOAPIC_DM_LOWEST, 0xa5, LOGICAL | LEVEL));
	ioapic_set_irq(&io, 20, 1);
	m = last(&r);
	is(r.count, 1, "lowest-priority logical level entry delivered");
	is(m->vector, 0x5a, "message vector");
	is(m->delivery_mode, IOAPIC_DM_LOWEST, "message delivery mode");
	is(m->dest, 0xa5, "message destination");
	ok(m->dest_logical, "message destination mode logical");
	ok(m->level, "message trigger level");
	ok(remote_irr(&io, 20), "lowest priority level uses Remote IRR");

	set_entry(&io, 21, rte(0x21, IOAPIC_DM_FIXED, 0x03, 0));
	ioapic_set_irq(&io, 21, 1);
	m = last(&r);
	ok(m->vector == 0x21 && m->delivery_mode == 0 && m->dest == 3 &&
	   !m->dest_logical && !m->level, "fixed physical edge message fields");

	/* NMI programmed level: the datasheet senses it as an edge anyway. */
	set_entry(&io, 22, rte(0, IOAPIC_DM_NMI, 0xff, LEVEL));
	ioapic_set_irq(&io, 22, 1);
	is(r.count, 3, "NMI entry delivers on the edge");
	is(last(&r)->delivery_mode, IOAPIC_DM_NMI, "message delivery mode NMI");
	ok(!remote_irr(&io, 22), "NMI programmed level: no Remote IRR");
	ioapic_set_irq(&io, 22, 1);
	is(r.count, 3, "NMI programmed level: held line sends once");
	ioapic_set_irq(&io, 22, 0);
	ioapic_set_irq(&io, 22, 1);
	is(r.count, 4, "NMI programmed level: next edge sends again");
}

static void test_msi(void)
{
	uint64_t addr;
	uint32_t data;
	struct ioapic io;
	struct recorder r;

	ioapic_entry_to_msi(rte(0x30, IOAPIC_DM_FIXED, 3, 0), &addr, &data);
	is(addr, 0xfee03000, "MSI fixed physical edge: address");
	is(data, 0x4030, "MSI fixed physical edge: data");
	ioapic_entry_to_msi(rte(0x41, IOAPIC_DM_LOWEST, 0x0f, LOGICAL | LEVEL), &addr, &data);
	is(addr, 0xfee0f004, "MSI lowest-priority logical level: address");
	is(data, 0xc141, "MSI lowest-priority logical level: data");
	ioapic_entry_to_msi(rte(0, IOAPIC_DM_NMI, 0xff, 0), &addr, &data);
	is(addr, 0xfeeff000, "MSI NMI broadcast: address");
	is(data, 0x4400, "MSI NMI broadcast: data");
	ioapic_entry_to_msi(rte(0x41, IOAPIC_DM_LOWEST, 0x0f, LOGICAL | LEVEL | MASKED |
				ACTIVE_LOW | IOAPIC_RTE_REMOTE_IRR), &addr, &data);
	ok(addr == 0xfee0f004 && data == 0xc141,
	   "MSI ignores mask, polarity and Remote IRR");

	setup(&io, &r);
	set_entry(&io, 7, rte(0x77, IOAPIC_DM_LOWEST, 0x42, LOGICAL | LEVEL));
	ioapic_set_irq(&io, 7, 1);
	ioapic_entry_to_msi(ioapic_entry(&io, 7), &addr, &data);
	ok(((addr >> 12) & 0xff) == last(&r)->dest && (data & 0xff) == last(&r)->vector &&
	   ((data >> 8) & 7) == last(&r)->delivery_mode &&
	   !!(addr & 4) == last(&r)->dest_logical && !!(data & 0x8000) == last(&r)->level,
	   "MSI of an entry matches the message it delivers");
}

static void test_out_of_range_and_null(void)
{
	struct ioapic io;
	struct recorder r;

	setup(&io, &r);
	for (int pin = 0; pin < IOAPIC_NUM_PINS; pin++)
		set_entry(&io, pin, rte(0x80 + pin, 0, 0, 0));
	ioapic_set_irq(&io, -1, 1);
	ioapic_set_irq(&io, 24, 1);
	ioapic_set_irq(&io, 1000, 1);
	is(r.count, 0, "out-of-range pins are ignored");
	is(io.line_level, 0, "...and leave line_level alone");
	is(ioapic_entry(&io, 24), 0, "ioapic_entry() of pin 24 is 0");
	is(ioapic_entry(&io, -1), 0, "ioapic_entry() of pin -1 is 0");
	ioapic_set_irq(&io, 23, 1);
	is(last(&r)->vector, 0x97, "pin 23 (last entry) works");

	ioapic_init(&io, NULL, NULL);
	set_entry(&io, 2, rte(0x22, 0, 0, LEVEL));
	ioapic_set_irq(&io, 2, 1);
	ok(remote_irr(&io, 2), "no callback: state still advances");
}

/*
 * Remote IRR says a local APIC accepted a level interrupt whose EOI is still
 * to come (82093AA 3.2.4).  A message nobody accepted has no EOI coming: the
 * bit must stay clear, and the pin must send again once someone can take it.
 */
static void test_remote_irr_only_when_accepted(void)
{
	struct ioapic io;
	struct recorder r;

	setup(&io, &r);
	r.refuse = true;
	ioapic_mmio_write(&io, IOAPIC_IOREGSEL, 0x10 + 2 * 11);
	ioapic_mmio_write(&io, IOAPIC_IOWIN, IOAPIC_RTE_TRIGGER | 0x5b);	/* pin 11: level, vector 0x5b */
	ioapic_set_irq(&io, 11, 1);
	is(r.count, 1, "refused level message: it was sent once");
	ioapic_mmio_write(&io, IOAPIC_IOREGSEL, 0x10 + 2 * 11);
	ok(!(ioapic_mmio_read(&io, IOAPIC_IOWIN) & IOAPIC_RTE_REMOTE_IRR),
	   "refused level message: Remote IRR stays clear (no EOI will come)");
	r.refuse = false;
	ioapic_mmio_write(&io, IOAPIC_IOREGSEL, 0x10 + 2 * 11);
	ioapic_mmio_write(&io, IOAPIC_IOWIN, IOAPIC_RTE_TRIGGER | 0x5b);	/* rewrite: re-evaluates the pin */
	ok(r.count >= 2, "the line still high, a later evaluation sends it again (%d messages)", r.count);
	ioapic_mmio_write(&io, IOAPIC_IOREGSEL, 0x10 + 2 * 11);
	ok(ioapic_mmio_read(&io, IOAPIC_IOWIN) & IOAPIC_RTE_REMOTE_IRR,
	   "accepted this time: Remote IRR set until the EOI");
}

/*
 * 82093AA datasheet 3.2.4 "I/O Redirection Table Registers": the 24 64-bit
 * entries are indirect registers 10h-3Fh, entry n's bits 31:0 at 10h + 2n
 * and bits 63:32 at 11h + 2n; IOREGSEL selects which one IOWIN shows.
 */
static void test_redir_index(void)
{
	struct ioapic io;
	struct recorder r;
	int good = 1;

	setup(&io, &r);
	for (int pin = 0; pin < IOAPIC_NUM_PINS; pin++) {
		reg_wr(&io, 0x11 + 2 * pin, (uint32_t)pin << 24);
		reg_wr(&io, 0x10 + 2 * pin, 0x10000u | (0x20u + pin));	/* masked, vector 0x20 + n */
	}
	for (int pin = 0; pin < IOAPIC_NUM_PINS; pin++)
		if (reg_rd(&io, 0x10 + 2 * pin) != (0x10000u | (0x20u + pin)) ||
		    reg_rd(&io, 0x11 + 2 * pin) != (uint32_t)pin << 24)
			good = 0;
	ok(good, "redirection table: entry n at index 0x10 + 2n (low) and 0x11 + 2n (high), all 24");
	is(reg_rd(&io, 0x3f), 23u << 24, "redirection table: index 0x3f is entry 23's high half");
	ok(ioapic_entry(&io, 7) == (7ull << 56 | 0x10027), "redirection table: ioapic_entry(7) agrees with IOWIN");
	reg_wr(&io, 0x11 + 2 * 9, 0xab000000u);
	ok(reg_rd(&io, 0x10 + 2 * 9) == 0x10029 && reg_rd(&io, 0x11 + 2 * 9) == 0xab000000u,
	   "redirection table: a high-half write changes the destination, not the low half");
	ok(reg_rd(&io, 0x11 + 2 * 8) == 8u << 24 && reg_rd(&io, 0x10 + 2 * 10) == 0x1002a,
	   "redirection table: the neighbouring entries stay as written");
	is(r.count, 0, "redirection table: programming masked entries sends nothing");
}

int main(void)
{
	test_remote_irr_only_when_accepted();
	test_reset();
	test_id_registers();
	test_index_bounds();
	test_readonly_bits();
	test_edge();
	test_edge_masked_lost();
	test_level();
	test_shared_vector_eoi();
	test_mask_unmask_level();
	test_level_to_edge();
	test_polarity();
	test_message_fields();
	test_msi();
	test_out_of_range_and_null();
	test_redir_index();
	return done_testing();
}
