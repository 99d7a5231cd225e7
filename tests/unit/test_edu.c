/*
 * test_edu.c - unit tests for the edu device (src/devices/edu.c).
 *
 * Expected values come from QEMU's edu specification (docs/specs/edu.rst)
 * and the PCI 3.0 specification, written out as numbers.  The device runs
 * on a fake clock; INTA# goes to a recorder, MSIs to another.  The guest's
 * side is played through configuration ports 0xCF8/0xCFC and BAR 0 MMIO.
 */
#include "tap.h"
#include "devices/edu.h"

#define DEV 4				/* the edu sits at 00:04.0 */
#define DELAY EDU_FACT_DELAY_NS

static struct pci_bus bus;
static struct edu edu;
static struct fake_clock clk = FAKE_CLOCK_INIT;

static struct {
	int level, changes;		/* INTA# */
	int msis;
	uint64_t address;
	uint32_t data;
} rec;

static void set_level(void *opaque, int irq, int level)
{
	rec.level = level;
	rec.changes++;
}

static void msi(void *opaque, uint64_t address, uint32_t data)
{
	rec.msis++;
	rec.address = address;
	rec.data = data;
}

static struct {
	int calls;
	unsigned changed;
	void *opaque;
} hook;

static void on_config(void *opaque, struct pci_function *f, unsigned offset, unsigned size,
		      unsigned changed)
{
	hook.calls++;
	hook.changed = changed;
	hook.opaque = opaque;
}

static void setup(void)
{
	memset(&rec, 0, sizeof(rec));
	clk.ns = 1000;
	pci_init(&bus);
	edu_init(&edu, &clk.clock, (struct irq_line){ set_level, NULL, 11 }, msi, NULL);
	pci_add_function(&bus, &edu.pci, DEV, 0);
}

static uint32_t cfg_rd(unsigned reg, unsigned size)
{
	pci_port_write(&bus, 0xcf8, 4, 0x80000000u | DEV << 11 | (reg & 0xfc));
	return pci_port_read(&bus, 0xcfc + (reg & 3), size);
}

static void cfg_wr(unsigned reg, unsigned size, uint32_t v)
{
	pci_port_write(&bus, 0xcf8, 4, 0x80000000u | DEV << 11 | (reg & 0xfc));
	pci_port_write(&bus, 0xcfc + (reg & 3), size, v);
}

static uint32_t mr(uint64_t off) { return (uint32_t)edu_mmio_read(&edu, off, 4); }
static void mw(uint64_t off, uint32_t v) { edu_mmio_write(&edu, off, 4, v); }

static void test_pci_identity(void)
{
	setup();
	is(cfg_rd(0x00, 4), 0x11e81234, "PCI ID 1234:11e8");
	is(cfg_rd(0x08, 4), 0x00ff0010, "class 0x00ff00, revision 0x10");
	is(cfg_rd(0x0e, 1), 0, "header type 0");
	is(cfg_rd(0x3d, 1), 1, "interrupt pin INTA#");
	is(cfg_rd(0x10, 4), 0, "BAR0: 32-bit memory, not prefetchable");
	cfg_wr(0x10, 4, 0xffffffff);
	is(cfg_rd(0x10, 4), 0xfff00000, "BAR0 sizes as 1 MiB");
	cfg_wr(0x14, 4, 0xffffffff);
	is(cfg_rd(0x14, 4), 0, "BAR1: none");
	memset(&hook, 0, sizeof(hook));
	edu.config_written = on_config;
	edu.config_opaque = &hook;
	cfg_wr(0x10, 4, 0xfea00000);
	is(hook.calls, 1, "the VMM's config hook is called");
	ok(hook.changed == 0x100 && hook.opaque == &hook, "... told BAR0 moved, with its opaque");
	cfg_wr(0x04, 2, 0x0002);
	is(hook.changed, 0x1, "... and of the command change");
	is(pci_bar_address(&edu.pci, 0), 0xfea00000, "BAR0 placed at 0xfea00000, memory on");
	is(cfg_rd(0x06, 2) & 0x10, 0x10, "status: capabilities list");
	is(cfg_rd(0x34, 1), 0x40, "capabilities pointer 0x40");
	is(cfg_rd(0x40, 4), 0x00800005, "0x40: MSI, last, 64-bit, 1 vector, not enabled");
	is(edu_next_event_ns(&edu), UINT64_MAX, "idle: no event");
	is(rec.changes, 0, "reset: INTA# never driven");
}

static void test_identification_liveness(void)
{
	setup();
	is(mr(0x00), 0x010000ed, "identification 0x010000ed: version 1.0");
	mw(0x00, 0);
	is(mr(0x00), 0x010000ed, "identification is read-only");
	mw(0x04, 0x12345678);
	is(mr(0x04), 0xedcba987, "liveness: ~0x12345678");
	mw(0x04, 0);
	is(mr(0x04), 0xffffffff, "liveness: ~0");
	mw(0x04, 0xffffffff);
	is(mr(0x04), 0, "liveness: ~0xffffffff");
}

static void test_factorial(void)
{
	static const uint32_t fact[13] = { 1, 1, 2, 6, 24, 120, 720, 5040, 40320, 362880,
					   3628800, 39916800, 479001600 };
	int done_ok = 1, busy_ok = 1;

	setup();
	for (uint32_t n = 0; n <= 12; n++) {
		mw(0x08, n);
		busy_ok &= (mr(0x20) & 1) == 1;
		clk.ns += DELAY;
		done_ok &= (mr(0x20) & 1) == 0 && mr(0x08) == fact[n];
	}
	ok(busy_ok, "status bit 0 (computing) set after each write");
	ok(done_ok, "0! .. 12! read back once bit 0 clears");

	mw(0x08, 13);
	is(mr(0x08), 13, "while computing, 0x08 reads the operand");
	is(edu_next_event_ns(&edu), clk.ns + DELAY, "next event: the end of the computation");
	mw(0x08, 3);
	clk.ns += DELAY - 1;
	is(mr(0x20) & 1, 1, "1 ns early: still computing");
	clk.ns += 1;
	is(mr(0x08), 1932053504, "13! mod 2^32; the write of 3 while busy was ignored");
	is(edu_next_event_ns(&edu), UINT64_MAX, "done: no event");
	mw(0x08, 33);
	clk.ns += DELAY;
	edu_update(&edu);
	is(edu.status & 1, 0, "edu_update() finishes it without an access");
	is(mr(0x08), 0x80000000, "33! mod 2^32 = 2^31");
	mw(0x08, 0xffffffff);
	clk.ns += DELAY;
	is(mr(0x08), 0, "(2^32-1)! mod 2^32 = 0, and it finishes");
	edu.fact_delay_ns = 0;
	mw(0x08, 5);
	is(mr(0x20) & 1, 0, "delay 0: done at the write");
	is(mr(0x08), 120, "delay 0: 5! at once");
}

static void test_status_register(void)
{
	setup();
	is(mr(0x20), 0, "status 0 at reset");
	mw(0x20, 0xffffffff);
	is(mr(0x20), 0x80, "status: only 0x80 is writable");
	mw(0x20, 0);
	is(mr(0x20), 0, "0x80 clears");
	mw(0x08, 4);
	mw(0x20, 0x80);
	is(mr(0x20), 0x81, "computing and interrupt-enable together");
	mw(0x20, 0x00);
	is(mr(0x20), 0x01, "writing 0 does not clear computing");
	clk.ns += DELAY;
	is(mr(0x20), 0, "computing clears when done");
	is(rec.changes, 0, "no interrupt without 0x80");
	is(mr(0x24), 0, "interrupt status 0");
}

static void test_intx(void)
{
	setup();
	mw(0x60, 0x10);
	is(mr(0x24), 0x10, "raise 0x10: interrupt status 0x10");
	is(rec.level, 1, "INTA# asserted");
	is(cfg_rd(0x06, 2) & 0x08, 0x08, "PCI status bit 3: interrupt pending");
	mw(0x60, 0x01);
	is(mr(0x24), 0x11, "raise 0x01: ORed in");
	is(rec.changes, 1, "INTA# driven once (a level)");
	mw(0x24, 0);
	is(mr(0x24), 0x11, "interrupt status is read-only");
	mw(0x64, 0x10);
	is(mr(0x24), 0x01, "ack 0x10 clears that bit");
	is(rec.level, 1, "INTA# still asserted");
	mw(0x64, 0x01);
	is(mr(0x24), 0, "ack 0x01: status 0");
	is(rec.level, 0, "INTA# deasserted");
	is(cfg_rd(0x06, 2) & 0x08, 0, "PCI status bit 3 clear");
	mw(0x64, 0xffffffff);
	mw(0x60, 0);
	is(rec.changes, 2, "ack of nothing, raise of 0: no change of INTA#");

	mw(0x20, 0x80);
	mw(0x08, 6);
	clk.ns += DELAY - 1;
	edu_update(&edu);
	is(rec.level, 0, "factorial not done: no interrupt");
	clk.ns += 1;
	edu_update(&edu);
	is(rec.level, 1, "factorial done with 0x80: INTA# asserted");
	is(mr(0x24), 0x1, "it raised 0x00000001");
	mw(0x64, 1);
	is(rec.level, 0, "ack: deasserted");
}

static void test_intx_disable(void)
{
	setup();
	cfg_wr(0x04, 2, 0x0400);
	mw(0x60, 4);
	is(rec.changes, 0, "INTx disabled: INTA# not asserted");
	is(cfg_rd(0x06, 2) & 0x08, 0x08, "status bit 3 shows the interrupt anyway (PCI 6.2.3)");
	cfg_wr(0x04, 2, 0x0000);
	is(rec.level, 1, "INTx enabled again: asserted");
	cfg_wr(0x04, 2, 0x0400);
	is(rec.level, 0, "INTx disabled while asserted: deasserted");
	mw(0x64, 4);
	is(cfg_rd(0x06, 2) & 0x08, 0, "ack: status bit 3 clear");
	cfg_wr(0x04, 2, 0x0000);
	is(rec.level, 0, "nothing pending: INTA# stays low");
}

static void test_msi(void)
{
	setup();
	cfg_wr(0x44, 4, 0xfee00000);
	cfg_wr(0x48, 4, 0);
	cfg_wr(0x4c, 2, 0x0041);
	cfg_wr(0x04, 2, 0x0006);		/* memory, bus master */
	cfg_wr(0x42, 2, 0x0001);
	ok(pci_msi_enabled(&edu.pci), "MSI enabled");
	mw(0x60, 1);
	is(rec.msis, 1, "raise with MSI: one message");
	is(rec.address, 0xfee00000, "to the programmed address");
	is(rec.data, 0x41, "with the programmed data");
	is(rec.changes, 0, "INTA# not used");
	is(cfg_rd(0x06, 2) & 0x08, 0, "status bit 3 clear: no INTx pending");
	is(mr(0x24), 1, "interrupt status still records the raise");
	mw(0x60, 2);
	is(rec.msis, 2, "a second raise: a second message");
	mw(0x64, 3);
	is(rec.msis, 2, "ack sends nothing");
	is(mr(0x24), 0, "ack clears interrupt status");
	mw(0x60, 0);
	is(rec.msis, 2, "raise of 0 with status 0: no interrupt, no message");

	cfg_wr(0x48, 4, 0x1);
	cfg_wr(0x4c, 2, 0x4062);
	mw(0x60, 8);
	is(rec.address, 0x1fee00000ull, "64-bit address used");
	is(rec.data, 0x4062, "new data used");
	cfg_wr(0x42, 2, 0x0000);
	is(rec.level, 1, "MSI disabled with status pending: INTA# asserted");
	cfg_wr(0x42, 2, 0x0001);
	is(rec.level, 0, "MSI enabled again: INTA# deasserted");
	is(rec.msis, 3, "enabling MSI with status pending sends nothing");
	mw(0x64, 8);

	cfg_wr(0x04, 2, 0x0002);		/* bus master off */
	mw(0x60, 1);
	is(rec.msis, 3, "bus mastering off: no message");
	is(rec.level, 0, "... and no INTx either");
	mw(0x64, 1);
	cfg_wr(0x04, 2, 0x0006);

	mw(0x20, 0x80);
	mw(0x08, 3);
	clk.ns += DELAY;
	edu_update(&edu);
	is(rec.msis, 4, "factorial done: an MSI");
	is(mr(0x08), 6, "3! = 6");
}

/*
 * fact_msi_elsewhere (tinyvmm's --msi irqfd): the VMM's device thread sends
 * the finished factorial's MSI, so the model must not send a second one; it
 * still records the event in interrupt status (edu spec: bit 0 = factorial),
 * and with MSI off INTA# works as before.  A guest raise still sends.
 */
static void test_fact_msi_elsewhere(void)
{
	setup();
	edu.fact_msi_elsewhere = true;
	cfg_wr(0x44, 4, 0xfee00000);
	cfg_wr(0x4c, 2, 0x4070);
	cfg_wr(0x04, 2, 0x0006);
	cfg_wr(0x42, 2, 0x0001);
	mw(0x20, 0x80);
	mw(0x08, 4);
	clk.ns += DELAY;
	edu_update(&edu);
	is(rec.msis, 0, "elsewhere, MSI on: a finished factorial sends no message from the model");
	is(mr(0x24), 1, "elsewhere: interrupt status bit 0 is set all the same");
	is(mr(0x08), 24, "elsewhere: 4! = 24");
	mw(0x64, 1);
	mw(0x60, 2);
	is(rec.msis, 1, "elsewhere: a raise written by the guest is still the model's message");
	mw(0x64, 2);
	cfg_wr(0x42, 2, 0x0000);		/* MSI off: INTx */
	mw(0x08, 3);
	clk.ns += DELAY;
	edu_update(&edu);
	is(rec.level, 1, "elsewhere, MSI off: the finished factorial asserts INTA#");
	is(rec.msis, 1, "elsewhere, MSI off: and sends no message");
}

static void test_access_sizes(void)
{
	setup();
	mw(0x04, 0x0000ffff);
	is(edu_mmio_read(&edu, 0x00, 1), 0, "byte read of 0x00: 0");
	is(edu_mmio_read(&edu, 0x00, 2), 0, "word read of 0x00: 0");
	is(edu_mmio_read(&edu, 0x00, 8), 0, "8-byte read of 0x00: 0");
	is(edu_mmio_read(&edu, 0x04, 1), 0, "byte read of 0x04: 0");
	is(edu_mmio_read(&edu, 0x02, 4), 0, "unaligned 4-byte read: 0");
	edu_mmio_write(&edu, 0x04, 2, 0x1111);
	edu_mmio_write(&edu, 0x04, 1, 0x11);
	edu_mmio_write(&edu, 0x04, 8, 0x11);
	edu_mmio_write(&edu, 0x05, 4, 0x11);
	is(mr(0x04), 0xffff0000, "non-4-byte and unaligned writes are ignored");
	edu_mmio_write(&edu, 0x60, 1, 1);
	edu_mmio_write(&edu, 0x60, 2, 1);
	is(rec.changes, 0, "byte/word writes to 0x60 raise nothing");
	edu_mmio_write(&edu, 0x08, 2, 5);
	is(mr(0x20), 0, "a word write to 0x08 starts nothing");
	is(mr(0x0c), 0xffffffff, "no register at 0x0c: all ones");
	is(mr(0x60), 0xffffffff, "write-only 0x60 reads all ones");
	is(mr(0x64), 0xffffffff, "write-only 0x64 reads all ones");
	is(mr(0x7c), 0xffffffff, "0x7c: all ones");
	is(edu_mmio_read(&edu, 0x80, 8), UINT64_MAX, "DMA (not modelled), 8 bytes: all ones");
	is(edu_mmio_read(&edu, 0x88, 4), 0xffffffff, "DMA, 4 bytes: all ones");
	is(edu_mmio_read(&edu, 0x80, 2), 0, "from 0x80, a 2-byte read: 0");
	edu_mmio_write(&edu, 0x98, 8, 1);
	is(edu_mmio_read(&edu, 0x98, 8), UINT64_MAX, "DMA command write ignored");
	is(mr(0xffffc), 0xffffffff, "end of the BAR: all ones");
}

int main(void)
{
	test_pci_identity();
	test_identification_liveness();
	test_factorial();
	test_status_register();
	test_intx();
	test_intx_disable();
	test_msi();
	test_fact_msi_elsewhere();
	test_access_sizes();
	return done_testing();
}
