/*
 * mptable.c - build the MultiProcessor Specification table (see mptable.h).
 *
 * Specification: Intel "MultiProcessor Specification", version 1.4 (May
 * 1997), order number 242016.  Chapter 4 defines every structure written
 * here; section and table numbers below refer to it.
 *
 * The result, from low addresses to high:
 *
 *   floating pointer   "_MP_", 16 bytes, says where the header is (4.1)
 *   header             "PCMP", 44 bytes, counts the entries after it (4.2)
 *   processor entries  one per CPU, 20 bytes (4.3.1)
 *   bus entry          bus 0 is ISA, 8 bytes (4.3.2)
 *   I/O APIC entry     8 bytes (4.3.3)
 *   I/O interrupts     ISA IRQ -> I/O APIC pin, 8 bytes each (4.3.4)
 *   local interrupts   what drives each CPU's LINT0/LINT1, 8 bytes each (4.3.5)
 *
 * The entries come in ascending type order, the order Table 4-3 lists
 * them in; an OS reads the bus entries first so that the interrupt entries
 * after them can name bus 0.  No extended table (section 5): its length
 * and checksum stay 0.  Multi-byte fields are little-endian.
 */
#include <stdbool.h>
#include <string.h>

#include "mptable.h"

#define MP_SPEC_REV		4	/* "version 1.4", in both structures */

/* MP floating pointer structure (4.1, Table 4-1) */
#define FP_SIGNATURE		0	/* "_MP_" */
#define FP_PHYS_ADDR		4	/* u32: the configuration table header */
#define FP_LENGTH		8	/* in 16-byte paragraphs: 1 */
#define FP_SPEC_REV		9
#define FP_CHECKSUM		10	/* all 16 bytes sum to 0 */
#define FP_FEATURE1		11	/* 0: a configuration table exists (no default configuration) */
#define FP_FEATURE2		12	/* bit 7 IMCRP: 0 = no IMCR, virtual wire mode */
#define FP_SIZE			16

/* MP configuration table header (4.2, Table 4-2) */
#define CT_SIGNATURE		0	/* "PCMP" */
#define CT_BASE_LENGTH		4	/* u16: header + base entries, in bytes */
#define CT_SPEC_REV		6
#define CT_CHECKSUM		7	/* the base table sums to 0 */
#define CT_OEM_ID		8	/* 8 chars, space-padded */
#define CT_PRODUCT_ID		16	/* 12 chars, space-padded */
#define CT_OEM_TABLE		28	/* u32 + u16 size at 32: 0, none */
#define CT_ENTRY_COUNT		34	/* u16: base entries */
#define CT_LAPIC_ADDR		36	/* u32: where every CPU sees its local APIC */
#define CT_EXT_LENGTH		40	/* u16 + checksum at 42: 0, no extended table */
#define CT_SIZE			44

/* entry types (Table 4-3) and sizes */
#define ENTRY_PROCESSOR		0
#define ENTRY_BUS		1
#define ENTRY_IOAPIC		2
#define ENTRY_IO_INTR		3
#define ENTRY_LOCAL_INTR	4
#define PROCESSOR_SIZE		20
#define ENTRY_SIZE		8	/* every other type */

/* processor entry fields (4.3.1, Table 4-4) */
#define CPU_EN			0x01	/* CPU flags bit 0: usable */
#define CPU_BP			0x02	/* CPU flags bit 1: the bootstrap processor */
#define LAPIC_VERSION		0x14	/* an integrated xAPIC's version, as lapic.c reports */
/*
 * CPU signature and feature flags: what CPUID leaf 1 returns in EAX and
 * EDX.  The guest's CPUID comes from KVM and the host, which this pure
 * function cannot ask, and an OS runs CPUID on each CPU itself (Linux only
 * prints these).  So we claim the least every CPU tinyvmm can run on has:
 * family 6 (stepping 0, model 0: the P6 family, which every Intel CPU since
 * the Pentium Pro reports; Table 4-5's last entry), and in Table 4-6's
 * flags the FPU (bit 0) and the on-chip local APIC (bit 9) this table is
 * all about.
 */
#define CPU_SIGNATURE		0x00000600u	/* family 6 << 8 | model 0 << 4 | stepping 0 */
#define CPU_FEATURE_FPU		(1u << 0)
#define CPU_FEATURE_APIC	(1u << 9)

/* I/O APIC entry (4.3.3, Table 4-9) */
#define IOAPIC_EN		0x01	/* flags bit 0: usable */
#define IOAPIC_VERSION		0x11	/* the 82093AA's, as ioapic.c reports */

/* interrupt entries (4.3.4 Table 4-10, 4.3.5 Table 4-12) */
#define INT_TYPE_INT		0	/* vectored: the APIC's redirection entry gives the vector */
#define INT_TYPE_NMI		1
#define INT_TYPE_EXTINT		3	/* vectored by the 8259A: the CPU fetches the vector with INTA */
#define INT_FLAGS_CONFORMS	0	/* polarity and trigger "conform to the bus": ISA is edge, high */
#define ALL_LAPICS		0xff	/* destination local APIC ID: every one */
#define ISA_BUS			0	/* our only bus's ID */
#define ISA_CASCADE_IRQ		2	/* the slave 8259A's INTR: no device raises it */
#define ISA_IRQS		16

static void put_u16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put_u32(uint8_t *p, uint32_t v)
{
	put_u16(p, (uint16_t)v);
	put_u16(p + 2, (uint16_t)(v >> 16));
}

/* The byte that makes p[0..n) sum to 0 mod 256 once stored among them. */
static uint8_t checksum(const uint8_t *p, size_t n)
{
	uint8_t sum = 0;

	while (n--)
		sum += *p++;
	return (uint8_t)-sum;
}

/* A space-padded string field, no NUL (4.2: "padded with space characters"). */
static void put_text(uint8_t *p, const char *s, size_t width)
{
	size_t n = strlen(s);

	memset(p, ' ', width);
	memcpy(p, s, n < width ? n : width);
}

static uint8_t *put_processor(uint8_t *p, uint8_t apic_id, bool bsp)
{
	memset(p, 0, PROCESSOR_SIZE);		/* bytes 12-19 are reserved */
	p[0] = ENTRY_PROCESSOR;
	p[1] = apic_id;
	p[2] = LAPIC_VERSION;
	p[3] = CPU_EN | (bsp ? CPU_BP : 0);
	put_u32(p + 4, CPU_SIGNATURE);
	put_u32(p + 8, CPU_FEATURE_FPU | CPU_FEATURE_APIC);
	return p + PROCESSOR_SIZE;
}

static uint8_t *put_bus(uint8_t *p, uint8_t bus_id, const char *type)
{
	p[0] = ENTRY_BUS;
	p[1] = bus_id;
	put_text(p + 2, type, 6);		/* Table 4-8's strings: "ISA   ", "PCI   ", ... */
	return p + ENTRY_SIZE;
}

static uint8_t *put_ioapic(uint8_t *p, uint8_t id, uint32_t addr)
{
	p[0] = ENTRY_IOAPIC;
	p[1] = id;
	p[2] = IOAPIC_VERSION;
	p[3] = IOAPIC_EN;
	put_u32(p + 4, addr);
	return p + ENTRY_SIZE;
}

/*
 * I/O (type 3) and local (type 4) interrupt entries share one layout:
 * the source (bus, IRQ on it) and the destination (APIC ID, input pin).
 */
static uint8_t *put_intr(uint8_t *p, uint8_t entry, uint8_t type, uint8_t src_irq,
			 uint8_t dest_id, uint8_t dest_pin)
{
	p[0] = entry;
	p[1] = type;
	put_u16(p + 2, INT_FLAGS_CONFORMS);
	p[4] = ISA_BUS;
	p[5] = src_irq;
	p[6] = dest_id;
	p[7] = dest_pin;
	return p + ENTRY_SIZE;
}

/*
 * This machine's ISA wiring (irq.c line_changed): IRQ n reaches I/O APIC
 * pin n, but IRQ 0 reaches pin 2, because pin 0 carries the 8259A's INTR.
 * Listing IRQ 0 on pin 2 is how the MP table says so (ACPI calls the same
 * fact an interrupt source override).  IRQ 2 is skipped: on a PC it is the
 * cascade from the slave 8259A, and no ISA device raises it.
 */
static uint8_t ioapic_pin_of(int irq)
{
	return irq == MPTABLE_TIMER_IRQ ? MPTABLE_TIMER_PIN : (uint8_t)irq;
}

/* The configuration table's entries after the header; returns the end. */
static uint8_t *put_entries(uint8_t *p, int cpus, uint8_t ioapic_id)
{
	for (int i = 0; i < cpus; i++)
		p = put_processor(p, (uint8_t)i, i == 0);
	p = put_bus(p, ISA_BUS, "ISA");
	p = put_ioapic(p, ioapic_id, MPTABLE_IOAPIC_ADDR);
	for (int irq = 0; irq < ISA_IRQS; irq++)
		if (irq != ISA_CASCADE_IRQ)
			p = put_intr(p, ENTRY_IO_INTR, INT_TYPE_INT, (uint8_t)irq,
				     ioapic_id, ioapic_pin_of(irq));
	/*
	 * Virtual wire mode through the local APIC (3.6.2.2): the 8259A's
	 * INTR reaches LINT0 in ExtINT mode, NMI reaches LINT1, as every CPU's
	 * local APIC is set up at reset (apic.c, lapic_setup_virtual_wire).
	 */
	p = put_intr(p, ENTRY_LOCAL_INTR, INT_TYPE_EXTINT, 0, ALL_LAPICS, 0);
	p = put_intr(p, ENTRY_LOCAL_INTR, INT_TYPE_NMI, 0, ALL_LAPICS, 1);
	return p;
}

size_t mptable_build(uint8_t *buf, size_t len, uint32_t phys_addr, int cpus)
{
	uint8_t *fp = buf, *ct = buf + FP_SIZE, *end;
	size_t size;

	if (cpus < 1 || cpus > MPTABLE_MAX_CPUS || (phys_addr & 15))
		return 0;
	size = MPTABLE_SIZE(cpus);
	if (len < size)
		return 0;
	memset(buf, 0, FP_SIZE + CT_SIZE);

	/* the configuration table: entries first, so the header can count them */
	end = put_entries(ct + CT_SIZE, cpus, MPTABLE_IOAPIC_ID);
	memcpy(ct + CT_SIGNATURE, "PCMP", 4);
	put_u16(ct + CT_BASE_LENGTH, (uint16_t)(end - ct));
	ct[CT_SPEC_REV] = MP_SPEC_REV;
	put_text(ct + CT_OEM_ID, "TINYVMM", 8);
	put_text(ct + CT_PRODUCT_ID, "PC", 12);
	put_u16(ct + CT_ENTRY_COUNT, (uint16_t)MPTABLE_ENTRIES(cpus));
	put_u32(ct + CT_LAPIC_ADDR, MPTABLE_LAPIC_ADDR);
	ct[CT_CHECKSUM] = checksum(ct, (size_t)(end - ct));

	/* the floating pointer, paragraph-aligned at phys_addr, the header right after */
	memcpy(fp + FP_SIGNATURE, "_MP_", 4);
	put_u32(fp + FP_PHYS_ADDR, phys_addr + FP_SIZE);
	fp[FP_LENGTH] = FP_SIZE / 16;
	fp[FP_SPEC_REV] = MP_SPEC_REV;
	fp[FP_FEATURE1] = 0;
	fp[FP_FEATURE2] = 0;
	fp[FP_CHECKSUM] = checksum(fp, FP_SIZE);
	return size;
}
