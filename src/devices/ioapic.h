/*
 * ioapic.h - a 24-pin I/O APIC (Intel 82093AA), the interrupt router that
 * replaced the 8259A pair on multiprocessor PCs.
 *
 * The model is pure state: devices call ioapic_set_irq(), the local APIC
 * side calls ioapic_eoi(), guest MMIO goes through ioapic_mmio_read()/
 * ioapic_mmio_write(), and every interrupt message the chip sends comes out
 * of the deliver callback given to ioapic_init().
 */
#ifndef TINYVMM_IOAPIC_H
#define TINYVMM_IOAPIC_H

#include <stdbool.h>
#include <stdint.h>

#define IOAPIC_DEFAULT_BASE 0xfec00000u
#define IOAPIC_MMIO_SIZE    0x1000	/* the guest-physical window we decode */
#define IOAPIC_NUM_PINS     24

/* The two directly addressed registers, offsets in the MMIO window */
#define IOAPIC_IOREGSEL     0x00	/* index of the register IOWIN shows (8 bits) */
#define IOAPIC_IOWIN        0x10	/* 32-bit window onto the selected register */

/* Indirect registers, selected through IOREGSEL */
#define IOAPIC_REG_ID       0x00	/* bits 27:24 APIC ID */
#define IOAPIC_REG_VERSION  0x01	/* bits 23:16 max redirection entry, 7:0 version */
#define IOAPIC_REG_ARB      0x02	/* arbitration ID, bits 27:24 */
#define IOAPIC_REG_REDIR    0x10	/* entry n: low half 0x10+2n, high half 0x11+2n */
#define IOAPIC_REG_REDIR_END (IOAPIC_REG_REDIR + 2 * IOAPIC_NUM_PINS)	/* 0x40 */

#define IOAPIC_VERSION_VALUE 0x00170011u	/* 23 = last entry, 0x11 = 82093AA */

/* Redirection table entry fields (datasheet section 3.2.4) */
#define IOAPIC_RTE_VECTOR       0x000000ffull	/* bits 7:0 */
#define IOAPIC_RTE_DELMODE      0x00000700ull	/* bits 10:8, IOAPIC_DM_* */
#define IOAPIC_RTE_DELMODE_SHIFT 8
#define IOAPIC_RTE_DESTMODE     0x00000800ull	/* 1 = logical destination */
#define IOAPIC_RTE_DELIVS       0x00001000ull	/* delivery status (read-only) */
#define IOAPIC_RTE_POLARITY     0x00002000ull	/* 1 = active low */
#define IOAPIC_RTE_REMOTE_IRR   0x00004000ull	/* level: accepted, no EOI yet (read-only) */
#define IOAPIC_RTE_TRIGGER      0x00008000ull	/* 1 = level triggered */
#define IOAPIC_RTE_MASK         0x00010000ull	/* 1 = masked */
#define IOAPIC_RTE_DEST_SHIFT   56		/* bits 63:56 destination */

#define IOAPIC_DM_FIXED     0
#define IOAPIC_DM_LOWEST    1
#define IOAPIC_DM_SMI       2
#define IOAPIC_DM_NMI       4
#define IOAPIC_DM_INIT      5
#define IOAPIC_DM_EXTINT    7

/* One interrupt message, as the bus would carry it. */
struct ioapic_irq {
	uint8_t vector, delivery_mode, dest;
	bool dest_logical, level;	/* level: the entry's trigger-mode bit */
	uint8_t pin;			/* which pin sent it (not on the real bus; for the VMM's routes) */
};

struct ioapic {
	uint8_t id;			/* APIC ID (4 bits), shown in bits 27:24 */
	uint8_t ioregsel;		/* register selected for IOWIN */
	uint64_t redir[IOAPIC_NUM_PINS];	/* redirection table */
	uint32_t line_level;		/* bit per pin: the level as driven, before polarity */
	bool (*deliver)(void *opaque, const struct ioapic_irq *irq);	/* true: a local APIC accepted it */
	void *opaque;
};

/* Power-on state: every entry masked, all else 0, all lines low. */
void ioapic_init(struct ioapic *io, bool (*deliver)(void *, const struct ioapic_irq *),
		 void *opaque);

/*
 * Guest access at 'offset' in the 4 KiB window: 0x00 (IOREGSEL) and 0x10
 * (IOWIN) are decoded; every other offset reads 0 and ignores writes.
 */
uint32_t ioapic_mmio_read(struct ioapic *io, uint64_t offset);
void ioapic_mmio_write(struct ioapic *io, uint64_t offset, uint32_t val);

/* Drive pin 0..23 to 'level' (nonzero = high).  Out-of-range pins are ignored. */
void ioapic_set_irq(struct ioapic *io, int pin, int level);

/* The local APIC EOIed a level-triggered 'vector': clear Remote IRR. */
void ioapic_eoi(struct ioapic *io, int vector);

/*
 * The MSI an entry becomes (split irqchip, chapter 6): Intel SDM vol. 3A
 * 11.11.  address = 0xFEE00000 | dest << 12 | dest_mode << 2;
 * data = vector | delivery_mode << 8 | assert (1) << 14 | trigger << 15.
 */
void ioapic_entry_to_msi(uint64_t entry, uint64_t *address, uint32_t *data);

/* Redirection entry of 'pin' (0 if out of range), for --trace and tests. */
uint64_t ioapic_entry(const struct ioapic *io, int pin);

#endif
