/*
 * test_mptable.c - the MP table, read the way an OS reads it.
 *
 * The offsets and values below are the MultiProcessor Specification 1.4's
 * (chapter 4, Tables 4-1 to 4-12), written here independently of
 * mptable.c: find "_MP_", follow its pointer to "PCMP", check both
 * checksums, then walk the entries by their types' lengths.
 */
#include "tap.h"
#include "mptable.h"

#define PHYS	0x9fc00u		/* where the VMM puts it (and any paragraph would do) */

static uint8_t buf[2048];

static uint16_t u16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t u32(const uint8_t *p) { return u16(p) | (uint32_t)u16(p + 2) << 16; }

static unsigned sum(const uint8_t *p, size_t n)
{
	unsigned s = 0;

	while (n--)
		s += *p++;
	return s & 0xff;
}

/* What the walk found. */
struct seen {
	int entries, processors, bsps, bsp_id, disabled;
	int buses, isa_bus_id;
	int ioapics, ioapic_id, ioapic_ver, ioapic_en;
	uint32_t ioapic_addr;
	int lapic_ids[256];		/* how many CPUs claim each APIC ID */
	int irq_pin[16], irq_entries[16], irq_bad;
	int extint_lint0, nmi_lint1, local_other;
	int out_of_order;
	size_t end;			/* offset just past the last entry, from the header */
};

static void walk(const uint8_t *ct, int count, size_t limit, struct seen *s)
{
	size_t off = 44;		/* entries start after the 44-byte header (Table 4-2) */
	int last_type = 0;

	memset(s, 0, sizeof(*s));
	for (int i = 0; i < 16; i++)
		s->irq_pin[i] = -1;
	s->bsp_id = s->ioapic_id = s->isa_bus_id = -1;
	for (int i = 0; i < count && off < limit; i++) {
		const uint8_t *e = ct + off;

		if (e[0] < last_type)
			s->out_of_order++;
		last_type = e[0];
		s->entries++;
		switch (e[0]) {
		case 0:			/* processor, 20 bytes (Table 4-4) */
			s->processors++;
			s->lapic_ids[e[1]]++;
			if (e[3] & 2) {
				s->bsps++;
				s->bsp_id = e[1];
			}
			if (!(e[3] & 1))
				s->disabled++;
			off += 20;
			continue;
		case 1:			/* bus (Table 4-7) */
			s->buses++;
			if (!memcmp(e + 2, "ISA   ", 6))
				s->isa_bus_id = e[1];
			break;
		case 2:			/* I/O APIC (Table 4-9) */
			s->ioapics++;
			s->ioapic_id = e[1];
			s->ioapic_ver = e[2];
			s->ioapic_en = e[3] & 1;
			s->ioapic_addr = u32(e + 4);
			break;
		case 3:			/* I/O interrupt (Table 4-10): type INT from the ISA bus */
			if (e[1] != 0 || e[4] != s->isa_bus_id || e[5] >= 16 || e[6] != s->ioapic_id) {
				s->irq_bad++;
				break;
			}
			s->irq_entries[e[5]]++;
			s->irq_pin[e[5]] = e[7];
			break;
		case 4:			/* local interrupt (Table 4-12) */
			if (e[1] == 3 && e[6] == 0xff && e[7] == 0)
				s->extint_lint0++;
			else if (e[1] == 1 && e[6] == 0xff && e[7] == 1)
				s->nmi_lint1++;
			else
				s->local_other++;
			break;
		default:
			return;		/* unknown type: its length is unknown, stop */
		}
		off += 8;
	}
	s->end = off;
}

static void check_table(int cpus)
{
	struct seen s;
	size_t n = mptable_build(buf, sizeof(buf), PHYS, cpus);
	const uint8_t *fp = buf, *ct;
	uint32_t ct_addr;
	uint16_t base_len, count;
	int irqs_ok = 1, ids_once = 0;

	diag("%d CPU(s): %zu bytes", cpus, n);
	ok(n > 0, "%d cpus: built", cpus);
	/* floating pointer (Table 4-1) */
	ok(!memcmp(fp, "_MP_", 4), "%d cpus: _MP_ signature", cpus);
	is(fp[8], 1, "%d cpus: floating pointer length 1 paragraph", cpus);
	is(fp[9], 4, "%d cpus: floating pointer spec rev 1.4", cpus);
	is(sum(fp, 16), 0, "%d cpus: floating pointer checksum", cpus);
	is(fp[11], 0, "%d cpus: feature byte 1: a configuration table is present", cpus);
	is(fp[12] & 0x80, 0, "%d cpus: IMCRP clear: virtual wire mode", cpus);
	ct_addr = u32(fp + 4);
	ok(ct_addr >= PHYS && ct_addr - PHYS + 44 <= n, "%d cpus: pointer lands inside the table", cpus);
	if (!(ct_addr >= PHYS && ct_addr - PHYS + 44 <= n))
		return;
	ct = buf + (ct_addr - PHYS);

	/* header (Table 4-2) */
	ok(!memcmp(ct, "PCMP", 4), "%d cpus: the pointer points at PCMP", cpus);
	base_len = u16(ct + 4);
	count = u16(ct + 34);
	is(ct[6], 4, "%d cpus: header spec rev 1.4", cpus);
	ok(ct_addr - PHYS + base_len <= n, "%d cpus: base table within what was written", cpus);
	is(sum(ct, base_len), 0, "%d cpus: base table checksum", cpus);
	ok(!memcmp(ct + 8, "TINYVMM ", 8), "%d cpus: OEM ID", cpus);
	is(u32(ct + 36), 0xfee00000u, "%d cpus: local APIC address", cpus);
	is(u16(ct + 40), 0, "%d cpus: no extended table", cpus);
	is(n, ct_addr - PHYS + base_len, "%d cpus: return value = pointer + header + entries", cpus);

	/* entries, one by one */
	walk(ct, count, base_len, &s);
	is(s.entries, count, "%d cpus: entry count matches the entries walked", cpus);
	is(s.end, base_len, "%d cpus: base table length matches the entries walked", cpus);
	is(s.out_of_order, 0, "%d cpus: entries in ascending type order", cpus);
	is(s.processors, cpus, "%d cpus: one processor entry per CPU", cpus);
	is(s.bsps, 1, "%d cpus: exactly one BSP", cpus);
	is(s.bsp_id, 0, "%d cpus: the BSP is APIC ID 0", cpus);
	is(s.disabled, 0, "%d cpus: every CPU enabled", cpus);
	for (int id = 0; id < cpus; id++)
		ids_once += s.lapic_ids[id] == 1;
	is(ids_once, cpus, "%d cpus: APIC IDs 0..%d, one CPU each", cpus, cpus - 1);
	is(s.buses, 1, "%d cpus: one bus", cpus);
	is(s.isa_bus_id, 0, "%d cpus: bus 0 is ISA", cpus);
	is(s.ioapics, 1, "%d cpus: one I/O APIC", cpus);
	/* the table must say what the machine's I/O APIC ID register reads: 0 from reset, nobody reprograms it */
	is(s.ioapic_id, 0, "%d cpus: I/O APIC ID 0, as its ID register reads", cpus);
	is(s.ioapic_ver, 0x11, "%d cpus: I/O APIC version", cpus);
	is(s.ioapic_en, 1, "%d cpus: I/O APIC enabled", cpus);
	is(s.ioapic_addr, 0xfec00000u, "%d cpus: I/O APIC address", cpus);
	is(s.irq_bad, 0, "%d cpus: every I/O interrupt is INT from bus 0 to that I/O APIC", cpus);
	is(s.irq_pin[0], 2, "%d cpus: IRQ 0 is on pin 2", cpus);
	is(s.irq_entries[2], 0, "%d cpus: no entry for IRQ 2, the cascade", cpus);
	for (int irq = 1; irq < 16; irq++)
		if (irq != 2 && (s.irq_entries[irq] != 1 || s.irq_pin[irq] != irq))
			irqs_ok = 0;
	ok(irqs_ok && s.irq_entries[0] == 1, "%d cpus: IRQ n on pin n, once each, for 1 and 3-15", cpus);
	is(s.extint_lint0, 1, "%d cpus: ExtINT -> LINT0 of every local APIC", cpus);
	is(s.nmi_lint1, 1, "%d cpus: NMI -> LINT1 of every local APIC", cpus);
	is(s.local_other, 0, "%d cpus: no other local interrupt entry", cpus);
}

static void test_limits(void)
{
	size_t need = mptable_build(buf, sizeof(buf), PHYS, 8);

	ok(need > 0 && need <= 1024, "8 cpus: %zu bytes fit the last KiB of base memory", need);
	ok(PHYS + need <= 0xa0000, "8 cpus: and end below 640 KiB");
	memset(buf, 0xa5, sizeof(buf));
	is(mptable_build(buf, need - 1, PHYS, 8), 0, "one byte too small: 0");
	is(buf[0], 0xa5, "... and nothing written");
	is(mptable_build(buf, need, PHYS, 8), need, "exactly enough: built");
	is(mptable_build(buf, 0, PHYS, 1), 0, "empty buffer: 0");
	is(mptable_build(buf, sizeof(buf), PHYS + 4, 1), 0, "address off a paragraph: 0");
	is(mptable_build(buf, sizeof(buf), PHYS, 0), 0, "no CPUs: 0");
	is(mptable_build(buf, sizeof(buf), PHYS, 16), 0, "16 CPUs: the I/O APIC's 4-bit ID has no room left: 0");
	mptable_build(buf, sizeof(buf), 0xf0000, 1);
	is(u32(buf + 4), 0xf0010u, "another address: the pointer follows it");
}

int main(void)
{
	check_table(1);
	check_table(2);
	check_table(8);
	check_table(15);
	test_limits();
	return done_testing();
}
