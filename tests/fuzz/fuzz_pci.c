/*
 * fuzz_pci.c - libFuzzer target for the PCI bus (src/devices/pci.c) and the
 * edu device (src/devices/edu.c).
 *
 * The bus: the host bridge at 00:00.0, the edu at 00:04.0, and a two-function
 * device at 00:05: function 0 with an I/O BAR, a prefetchable memory BAR and
 * a 32-bit MSI capability with 4 vectors and per-vector masking; function 1
 * with a vendor capability, then a 64-bit MSI capability with 8 vectors.
 *
 * Input: a first byte (edu factorial delay: 0, 1 ns, 100 us or 1 s; bit 2:
 * fact_msi_elsewhere, the finished factorial's MSI left to the VMM), then
 * operations, one opcode byte each (op % 9) and its arguments:
 *
 *   0 ADDR   s, r, b [4 bytes]	write CONFIG_ADDRESS: s & 0x80 ? a raw 32-bit
 *				value : enable unless s & 0x40, device from
 *				{0, 4, 5, 3, 31}[s % 5], function b & 7, bus
 *				b >> 7, register r
 *   1 DATA_W p, z, 4 bytes	write CONFIG_DATA port 0xcfc + p % 4, size {1,2,4}[z % 3]
 *   2 DATA_R p, z		read it
 *   3 RAW    p, z, rw, 4 bytes	any access to 0xcf8 + p % 8, size {1,2,4}[z % 3]
 *   4 MMIO_W o, z, [4], 8 bytes	edu BAR write: offset o & 0x7f, or (o & 0x80) a
 *				32-bit offset mod 1 MiB; size {4,4,1,2,8}[z % 5]
 *   5 MMIO_R o, z, [4]		edu BAR read
 *   6 ADV    s, n		clock += (n & 0x7f) * {1, 1000, 50000, 1e6}[s % 4],
 *				then edu_update() unless n & 0x80 (a late timer
 *				thread: the next access must catch up)
 *   7 NOTIFY w, v		pci_msi_notify(00:05.(w & 1), v % 40)
 *   8 SETUP  k, b		a config sequence through the ports: k % 5 =
 *				0 edu MSI on (address 0xfee00000 | b << 12, data
 *				0x40 + b, memory + bus master), 1 edu MSI off,
 *				2 00:05.0 MSI on with 4 vectors, 3 toggle edu
 *				INTx disable, 4 00:05.0 mask bits = b & 15
 *
 * After every operation:
 *   - CONFIG_ADDRESS reads back the shadow (bits 30:24 and 1:0 zero); a
 *     read of CONFIG_DATA equals a reference decoder's (enable, bus 0,
 *     device/function present, byte lanes, 0xff past 0xcff, all ones if
 *     absent); other accesses to 0xcf8-0xcfb read all ones, change nothing;
 *   - every present function: the write masks never change, and every bit
 *     a mask protects still has its power-on value (IDs, class, header
 *     type, subsystem, capability pointer and list, interrupt pin, BAR type
 *     bits, MSI control's RO bits), except status bit 3 and MSI pending bits,
 *     the device's own; status error bits are 0 (nothing sets them); BAR
 *     address bits below the size are 0; MME <= MMC; a pending vector is
 *     masked or MSI is off;
 *   - edu: interrupt status equals a shadow (raises OR, acks clear, a
 *     finished factorial with 0x80 adds 1); status bit 3 = (interrupt status
 *     != 0 and MSI off); INTA# = that and not INTx-disabled, driven only on
 *     changes; the liveness register is ~ the last value written; a finished
 *     factorial equals a reference n! mod 2^32, finishes at the first access
 *     or update at or after its deadline, with the status bit 0x80 of that
 *     moment; computing iff a next event; MMIO reads give what the spec and
 *     edu.h say;
 *     every MSI is sent with MSI enabled and bus mastering on, to the
 *     programmed address and data, exactly once per raise that leaves
 *     interrupt status non-zero (a finished factorial's: none under
 *     fact_msi_elsewhere);
 *   - 00:05.x: every MSI is enabled, bus-mastered, of a granted vector, with
 *     the programmed address and data | vector; a notify sends exactly when
 *     enabled, granted and unmasked, else sets the pending bit if masked; a
 *     pending bit clears only with its message sent (unmasking sends it);
 *     only 00:05.0 has the multi-function bit.
 */
#include <stdbool.h>
#include <string.h>

#include "fuzz.h"
#include "edu.h"

static struct pci_bus bus;
static struct edu edu;
static struct pci_function gen[2];
static struct fake_clock clk = FAKE_CLOCK_INIT;
static struct pci_function *fns[4];	/* every present function */
static struct pci_function init_fn[4];	/* ... at power-on */
static uint64_t keep[4][32];		/* config bits that must keep that value */

static uint32_t cfg_addr;		/* shadow of CONFIG_ADDRESS */
static uint32_t irq_shadow, live_shadow, operand;
static bool have_operand;
static int intx_level, edu_msis, gen_msis;
static uint64_t last_addr;
static uint32_t last_data;

static uint32_t get(const struct pci_function *f, unsigned off, unsigned size)
{
	uint32_t v = 0;

	for (unsigned i = 0; i < size; i++)
		v |= (uint32_t)f->config[off + i] << (8 * i);
	return v;
}

static bool msi_on(const struct pci_function *f)
{
	return f->msi_cap && (get(f, f->msi_cap + 2, 2) & 1);
}

static bool master(const struct pci_function *f) { return get(f, 4, 2) & 4; }
static unsigned granted(const struct pci_function *f) { return 1u << ((get(f, f->msi_cap + 2, 2) >> 4) & 7); }
static bool is64(const struct pci_function *f) { return get(f, f->msi_cap + 2, 2) & 0x80; }

static void programmed(const struct pci_function *f, uint64_t *a, uint32_t *d)
{
	*a = get(f, f->msi_cap + 4, 4) | (is64(f) ? (uint64_t)get(f, f->msi_cap + 8, 4) << 32 : 0);
	*d = get(f, f->msi_cap + (is64(f) ? 12 : 8), 2);
}

static void set_level(void *opaque, int irq, int level)
{
	CHECK(opaque == &edu && irq == 11);
	CHECK(level != intx_level);		/* driven only on a change */
	intx_level = level;
}

static void edu_msi(void *opaque, uint64_t address, uint32_t data)
{
	uint64_t a;
	uint32_t d;

	CHECK(opaque == &edu);
	CHECK(msi_on(&edu.pci) && master(&edu.pci));
	programmed(&edu.pci, &a, &d);
	CHECK(address == a && data == d);
	CHECK(edu.irq_status != 0);
	edu_msis++;
}

static void gen_msi(void *opaque, uint64_t address, uint32_t data)
{
	struct pci_function *f = opaque;
	uint64_t a;
	uint32_t d, n = granted(f);

	CHECK(f == &gen[0] || f == &gen[1]);
	CHECK(msi_on(f) && master(f));
	programmed(f, &a, &d);
	CHECK(address == a && (data & ~(n - 1)) == (d & ~(n - 1)));
	if (f->config[f->msi_cap + 3] & 1)	/* masking: the vector is unmasked */
		CHECK(!(get(f, f->msi_cap + 12, 4) & (1u << (data & (n - 1)))));
	last_addr = address;
	last_data = data;
	gen_msis++;
}

/* 00:05.0's MSI pending bits (32-bit capability with masking) */
static uint32_t pending(const struct pci_function *f) { return get(f, f->msi_cap + 0x10, 4); }

static uint32_t ref_factorial(uint32_t n)
{
	uint64_t r = 1;

	if (n >= 34)		/* 34! has 32 factors of two */
		return 0;
	for (uint32_t i = 2; i <= n; i++)
		r = (r * i) & 0xffffffffu;
	return (uint32_t)r;
}

/* The reference decoder of a CONFIG_DATA read. */
static uint32_t ref_data_read(uint16_t port, unsigned size)
{
	unsigned byte = port - 0xcfc, dev = (cfg_addr >> 11) & 31, fn = (cfg_addr >> 8) & 7;
	const struct pci_function *f = NULL;
	uint32_t v = 0;

	for (int i = 0; i < 4; i++)
		if (fns[i]->dev == dev && fns[i]->fn == fn)
			f = fns[i];
	for (unsigned i = 0; i < size; i++) {
		unsigned b = 0xff;

		if ((cfg_addr & 0x80000000u) && !(cfg_addr & 0x00ff0000u) && f && byte + i < 4)
			b = f->config[(cfg_addr & 0xfc) + byte + i];
		v |= b << (8 * i);
	}
	return v;
}

static void check_function(int i)
{
	const struct pci_function *f = fns[i], *o = &init_fn[i];
	unsigned m = f->msi_cap;

	CHECK(memcmp(f->wmask, o->wmask, sizeof(f->wmask)) == 0);
	CHECK(memcmp(f->w1cmask, o->w1cmask, sizeof(f->w1cmask)) == 0);
	for (unsigned w = 0; w < 32; w++) {
		uint64_t now, then;

		memcpy(&now, f->config + 8 * w, 8);
		memcpy(&then, o->config + 8 * w, 8);
		CHECK(((now ^ then) & keep[i][w]) == 0);
	}
	CHECK((get(f, 6, 2) & 0xf900) == 0);
	for (unsigned n = 0; n < 6; n++) {
		uint32_t bar = get(f, 0x10 + 4 * n, 4), sz = f->bar_size[n];

		CHECK(sz ? (bar & (sz - 1)) == get(o, 0x10 + 4 * n, 4) : bar == 0);
	}
	if (m) {
		unsigned ctl = get(f, m + 2, 2);

		CHECK(((ctl >> 4) & 7) <= ((ctl >> 1) & 7));
		CHECK((get(f, m + 4, 4) & 3) == 0);
		if ((ctl & 0x100) && (ctl & 1)) {
			unsigned mo = m + (is64(f) ? 0x10 : 0x0c);

			CHECK((get(f, mo + 4, 4) & ~get(f, mo, 4) & (granted(f) == 32 ? ~0u : (1u << granted(f)) - 1)) == 0);
		}
	}
}

static void check_state(void)
{
	bool pending = edu.irq_status != 0 && !msi_on(&edu.pci);

	CHECK(pci_port_read(&bus, 0xcf8, 4) == cfg_addr);
	/* header type: only 00:05.0 has another function (bit 7) */
	CHECK(bus.host_bridge.config[0x0e] == 0 && edu.pci.config[0x0e] == 0);
	CHECK(gen[0].config[0x0e] == 0x80 && gen[1].config[0x0e] == 0);
	for (int i = 0; i < 4; i++)
		check_function(i);
	CHECK(edu.irq_status == irq_shadow);
	CHECK(!!(edu.pci.config[6] & 8) == pending);
	CHECK(intx_level == (pending && !(get(&edu.pci, 4, 2) & 0x400)));
	CHECK(edu.liveness == ~live_shadow);
	CHECK((edu.status & ~0x81u) == 0);
	if (edu.status & 1) {
		CHECK(edu_next_event_ns(&edu) == edu.fact_done_ns);
		CHECK(edu.fact_done_ns <= clk.ns + edu.fact_delay_ns);
		CHECK(edu.fact == operand);
	} else {
		CHECK(edu_next_event_ns(&edu) == UINT64_MAX);
		if (have_operand)
			CHECK(edu.fact == ref_factorial(operand));
	}
}

static uint64_t mmio_offset(struct fz *f)
{
	uint8_t o = fz_u8(f);

	return (o & 0x80) ? fz_u32(f) % EDU_BAR_SIZE : (o & 0x7f);
}

static bool decoded(uint64_t off, unsigned size)
{
	if (off < 0x80)
		return size == 4 && off % 4 == 0;
	return (size == 4 || size == 8) && off % size == 0;
}

/*
 * Every edu access and edu_update() first finishes a computation whose time
 * has come, with status 0x80 as it was before: a raise of 1 if set.  Call
 * before the access; returns the raises it causes, and updates the shadow.
 */
static int catch_up(bool *finishes)
{
	*finishes = (edu.status & 1) && clk.ns >= edu.fact_done_ns;
	if (!*finishes || !(edu.status & 0x80))
		return 0;
	irq_shadow |= 1;
	return 1;
}

static int msis_for(int raises)
{
	return msi_on(&edu.pci) && master(&edu.pci) ? raises : 0;
}

/* A finished factorial's MSI is the VMM's under fact_msi_elsewhere (--msi irqfd): none from the model. */
static int fact_msis_for(int raises)
{
	return edu.fact_msi_elsewhere ? 0 : msis_for(raises);
}

static void op_mmio(struct fz *f, bool write)
{
	static const unsigned sizes[] = { 4, 4, 1, 2, 8 };
	uint64_t off = mmio_offset(f), v, got;
	unsigned size = FZ_PICK(f, sizes);
	bool was = edu.status & 1, done, dec = decoded(off, size);
	uint32_t st = edu.status;
	int msis = edu_msis, fact = dec ? catch_up(&done) : 0, raises = 0;

	if (!dec)
		done = false;
	if (!write) {
		got = edu_mmio_read(&edu, off, size);
		if (!dec)
			CHECK(got == 0);
		else if (off == 0x00) CHECK(got == 0x010000ed);
		else if (off == 0x04) CHECK(got == (uint32_t)~live_shadow);
		else if (off == 0x08) CHECK(got == (!have_operand ? 0 : was && !done ? operand : ref_factorial(operand)));
		else if (off == 0x20) CHECK(got == (done ? st & 0x80 : st));
		else if (off == 0x24) CHECK(got == irq_shadow);
		else CHECK(got == (size == 8 ? UINT64_MAX : 0xffffffffu));
		CHECK(edu_msis - msis == fact_msis_for(fact));
		return;
	}
	v = fz_u64(f);
	edu_mmio_write(&edu, off, size, v);
	if (dec) {
		switch (off) {
		case 0x04: live_shadow = (uint32_t)v; break;
		case 0x08:
			if (was && !done)
				break;		/* busy: ignored */
			operand = (uint32_t)v;
			have_operand = true;
			if (edu.fact_delay_ns == 0 && (st & 0x80)) {
				irq_shadow |= 1;
				fact++;
			}
			CHECK(!!(edu.status & 1) == (edu.fact_delay_ns != 0));
			break;
		case 0x20: CHECK((edu.status & 0x80) == (v & 0x80)); break;
		case 0x60: irq_shadow |= (uint32_t)v; raises += irq_shadow != 0; break;
		case 0x64: irq_shadow &= ~(uint32_t)v; break;
		}
	}
	CHECK(edu_msis - msis == msis_for(raises) + fact_msis_for(fact));
}

static void op_notify(int w, unsigned vector)
{
	struct pci_function *f = &gen[w];
	unsigned mo = f->msi_cap + (is64(f) ? 0x10 : 0x0c);
	bool pvm = get(f, f->msi_cap + 2, 2) & 0x100;
	bool masked = pvm && vector < 32 && (get(f, mo, 4) & (1u << vector));
	uint32_t pend = pvm ? get(f, mo + 4, 4) : 0;
	int msis = gen_msis;
	bool took = pci_msi_notify(f, vector);
	uint64_t a;
	uint32_t d;

	CHECK(took == (msi_on(f) && vector < granted(f)));
	if (!took) {
		CHECK(gen_msis == msis && (!pvm || get(f, mo + 4, 4) == pend));
		return;
	}
	if (masked) {
		CHECK(gen_msis == msis && get(f, mo + 4, 4) == (pend | 1u << vector));
		return;
	}
	CHECK(gen_msis - msis == master(f));
	programmed(f, &a, &d);
	if (master(f))
		CHECK(last_addr == a && last_data == ((d & ~(granted(f) - 1)) | vector));
}

static void cfg_write(unsigned dev, unsigned fn, unsigned reg, unsigned size, uint32_t v)
{
	cfg_addr = 0x80000000u | dev << 11 | fn << 8 | (reg & 0xfc);
	pci_port_write(&bus, 0xcf8, 4, cfg_addr);
	pci_port_write(&bus, 0xcfc + (reg & 3), size, v);
}

static void op_setup(unsigned k, uint8_t b)
{
	switch (k % 5) {
	case 0:
		cfg_write(4, 0, 0x44, 4, 0xfee00000u | (uint32_t)b << 12);
		cfg_write(4, 0, 0x4c, 2, 0x40u + b);
		cfg_write(4, 0, 0x04, 2, (get(&edu.pci, 4, 2) & 0x400) | 0x6);
		cfg_write(4, 0, 0x42, 2, 1);
		break;
	case 1: cfg_write(4, 0, 0x42, 2, 0); break;
	case 2:
		cfg_write(5, 0, 0x44, 4, 0xfee00000u);
		cfg_write(5, 0, 0x48, 2, b);
		cfg_write(5, 0, 0x04, 2, 0x7);
		cfg_write(5, 0, 0x42, 2, 0x21);
		break;
	case 3: cfg_write(4, 0, 0x04, 2, get(&edu.pci, 4, 2) ^ 0x400); break;
	case 4: cfg_write(5, 0, 0x4c, 4, b & 15); break;
	}
}

static void setup(uint8_t delay_sel)
{
	static const uint64_t delays[] = { 0, 1, EDU_FACT_DELAY_NS, 1000000000 };

	clk.ns = 0;
	pci_init(&bus);
	edu_init(&edu, &clk.clock, (struct irq_line){ set_level, &edu, 11 }, edu_msi, &edu);
	edu.fact_delay_ns = delays[delay_sel % 4];
	edu.fact_msi_elsewhere = delay_sel & 4;	/* --msi irqfd: the VMM sends the factorial's MSI */
	pci_add_function(&bus, &edu.pci, 4, 0);
	pci_function_init(&gen[0], 0x1af4, 0x7001, 1, 0x078000, 1);
	pci_declare_bar(&gen[0], 0, 32, PCI_BAR_IO);
	pci_declare_bar(&gen[0], 1, 0x1000, PCI_BAR_MEM32_PREFETCH);
	pci_add_msi(&gen[0], 2, false, true);
	pci_function_init(&gen[1], 0x1af4, 0x7002, 2, 0x0c0330, 2);
	pci_declare_bar(&gen[1], 5, 16, PCI_BAR_MEM32);
	pci_add_capability(&gen[1], 0x09, 12);
	pci_add_msi(&gen[1], 3, true, false);
	for (int i = 0; i < 2; i++) {
		gen[i].msi_send = gen_msi;
		gen[i].opaque = &gen[i];
	}
	pci_add_function(&bus, &gen[0], 5, 0);
	pci_add_function(&bus, &gen[1], 5, 1);
	fns[0] = &bus.host_bridge;
	fns[1] = &edu.pci;
	fns[2] = &gen[0];
	fns[3] = &gen[1];
	for (int i = 0; i < 4; i++) {
		const struct pci_function *fi = fns[i];
		/* the MSI pending bits, if any, are the device's, like status bit 3 */
		unsigned m = fi->msi_cap, pend = m && (fi->config[m + 3] & 1) ?
			     m + (is64(fi) ? 0x14u : 0x10u) : 256;
		uint8_t k[256];

		init_fn[i] = *fi;
		for (unsigned off = 0; off < 256; off++)
			k[off] = (uint8_t)~(fi->wmask[off] | fi->w1cmask[off]);
		k[6] &= (uint8_t)~0x08;
		if (pend < 256)
			memset(k + pend, 0, 4);
		memcpy(keep[i], k, sizeof(k));
	}
	cfg_addr = irq_shadow = operand = 0;
	live_shadow = 0xffffffffu;
	have_operand = false;
	intx_level = edu_msis = gen_msis = 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned sizes[] = { 1, 2, 4 };
	static const unsigned devs[] = { 0, 4, 5, 3, 31 };
	static const uint64_t scales[] = { 1, 1000, 50000, 1000000 };
	struct fz f = { data, size };

	setup(fz_u8(&f));
	check_state();
	while (fz_more(&f)) {
		uint8_t op = fz_u8(&f) % 9, s, r, b;
		uint32_t pend = pending(&gen[0]);
		int gen_before = gen_msis;
		uint16_t port;
		unsigned sz;
		uint32_t v;

		switch (op) {
		case 0:
			s = fz_u8(&f);
			r = fz_u8(&f);
			b = fz_u8(&f);
			v = (s & 0x80) ? fz_u32(&f) : ((s & 0x40) ? 0 : 0x80000000u) |
			    (uint32_t)(b >> 7) << 16 | devs[s % 5] << 11 | (b & 7u) << 8 | r;
			pci_port_write(&bus, 0xcf8, 4, v);
			cfg_addr = v & 0x80fffffcu;
			break;
		case 1:
			port = (uint16_t)(0xcfc + fz_u8(&f) % 4);
			sz = FZ_PICK(&f, sizes);
			pci_port_write(&bus, port, sz, fz_u32(&f));
			break;
		case 2:
			port = (uint16_t)(0xcfc + fz_u8(&f) % 4);
			sz = FZ_PICK(&f, sizes);
			CHECK(pci_port_read(&bus, port, sz) == ref_data_read(port, sz));
			break;
		case 3:
			port = (uint16_t)(0xcf8 + fz_u8(&f) % 8);
			sz = FZ_PICK(&f, sizes);
			if (fz_u8(&f) & 1) {
				v = fz_u32(&f);
				pci_port_write(&bus, port, sz, v);
				if (port == 0xcf8 && sz == 4)
					cfg_addr = v & 0x80fffffcu;
			} else if (port >= 0xcfc) {
				CHECK(pci_port_read(&bus, port, sz) == ref_data_read(port, sz));
			} else if (!(port == 0xcf8 && sz == 4)) {
				CHECK(pci_port_read(&bus, port, sz) == (sz == 4 ? 0xffffffffu : (1u << (8 * sz)) - 1));
			}
			break;
		case 4:
		case 5:
			op_mmio(&f, op == 4);
			break;
		case 6: {
			uint64_t scale = FZ_PICK(&f, scales);
			int msis = edu_msis, raises;
			bool done;

			b = fz_u8(&f);
			clk.ns += scale * (b & 0x7f);
			if (b & 0x80)
				break;		/* a late timer thread: the next access catches up */
			raises = catch_up(&done);
			edu_update(&edu);
			CHECK(!(edu.status & 1) || !done);
			CHECK(edu_msis - msis == fact_msis_for(raises));
			break;
		}
		case 7:
			b = fz_u8(&f);
			op_notify(b & 1, fz_u8(&f) % 40);
			break;
		case 8:
			b = fz_u8(&f);
			op_setup(b, fz_u8(&f));
			break;
		}
		/* a pending bit of 00:05.0 clears only by sending its message */
		if (op != 7)
			CHECK(gen_msis - gen_before == (master(&gen[0]) ?
				__builtin_popcount(pend & ~pending(&gen[0])) : 0));
		check_state();
	}
	return 0;
}
