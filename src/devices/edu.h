/*
 * edu.h - QEMU's "edu" educational PCI device, rewritten from its public
 * specification (QEMU docs/specs/edu.rst): a factorial unit, a liveness
 * register and an interrupt controller that speaks INTx or MSI.
 *
 * The model is pure state: it embeds its PCI function (add edu->pci to a
 * struct pci_bus), takes guest accesses to its 1 MiB BAR 0 through
 * edu_mmio_read()/edu_mmio_write(), drives INTA# through an irq_line and
 * sends MSIs through a callback.  Time comes from a struct clock: a caller
 * that wants the "factorial done" interrupt on time asks
 * edu_next_event_ns() and calls edu_update() then, as for the PIT.  All
 * calls (MMIO, configuration, updates) must be serialized by the caller.
 *
 * Not modelled: the DMA engine (registers 0x80-0x98 and the 4 KiB buffer
 * at 0x40000).  Its offsets read all ones and ignore writes.
 */
#ifndef TINYVMM_EDU_H
#define TINYVMM_EDU_H

#include <stdbool.h>
#include <stdint.h>

#include "clock.h"
#include "irqline.h"
#include "pci.h"

/* PCI identity (the spec gives the IDs; revision and class are QEMU's) */
#define EDU_VENDOR		0x1234		/* QEMU's vendor ID */
#define EDU_DEVICE		0x11e8
#define EDU_REVISION		0x10
#define EDU_CLASS		0x00ff00	/* base 0x00, sub-class 0xff: "unclassified" */
#define EDU_BAR_SIZE		0x100000u	/* BAR 0: 1 MiB, 32-bit memory */
#define EDU_MSI_CAP		0x40		/* the only capability: MSI, 64-bit, 1 vector */

/* BAR 0 registers (4-byte accesses only below 0x80) */
#define EDU_REG_ID		0x00	/* RO: 0xRRrr00ed, RR major, rr minor version */
#define EDU_REG_LIVENESS	0x04	/* RW: reads back ~ the value written */
#define EDU_REG_FACTORIAL	0x08	/* RW: write n, read n! once not computing */
#define EDU_REG_STATUS		0x20	/* RW: EDU_STATUS_* */
#define EDU_REG_IRQ_STATUS	0x24	/* RO: the bits raised and not acknowledged */
#define EDU_REG_IRQ_RAISE	0x60	/* WO: OR the value into interrupt status, interrupt */
#define EDU_REG_IRQ_ACK		0x64	/* WO: clear those bits of interrupt status */
#define EDU_REG_DMA		0x80	/* 0x80-0x98: the DMA engine, not modelled */

#define EDU_ID_VALUE		0x010000edu	/* version 1.0 */
#define EDU_STATUS_COMPUTING	0x01	/* RO: a factorial is being computed */
#define EDU_STATUS_IRQ_FACT	0x80	/* RW: interrupt when a factorial is done */
#define EDU_IRQ_FACT		0x00000001u	/* what a finished factorial raises */

/* How long a factorial takes (edu->fact_delay_ns; 0: done at the write) */
#define EDU_FACT_DELAY_NS	100000u		/* 100 us */

struct edu {
	struct pci_function pci;	/* its configuration space: add it to the bus */
	struct clock *clock;
	struct irq_line intx;		/* INTA#, level */
	void (*msi)(void *opaque, uint64_t address, uint32_t data);
	void *opaque;			/* for msi */
	uint64_t fact_delay_ns;
	/*
	 * The PCI function's config_written callback is edu's own; it passes
	 * every configuration write on to this one (e.g. for the VMM to move
	 * BAR 0's MMIO range on PCI_CHANGED_BAR(0) | PCI_CHANGED_COMMAND).
	 * NULL after edu_init(); set it and config_opaque by hand.
	 */
	void (*config_written)(void *opaque, struct pci_function *f, unsigned offset,
			       unsigned size, unsigned changed);
	void *config_opaque;

	uint32_t liveness;		/* ~ the last value written to 0x04 */
	uint32_t fact;			/* the operand while computing, then the result */
	uint32_t status;		/* EDU_STATUS_* */
	uint32_t irq_status;
	uint64_t fact_done_ns;		/* when the computation in progress ends */
	bool intx_level;		/* INTA# as last driven */
	/*
	 * The VMM sends the finished factorial's MSI itself, from a thread of
	 * its own (tinyvmm's --msi irqfd, devmsi.c): the model then only sets
	 * the interrupt status bit.  INTx (MSI off) is unchanged.  false after
	 * edu_init().
	 */
	bool fact_msi_elsewhere;
};

/*
 * Power-on state: registers 0, INTA# low, MSI disabled, the factorial delay
 * EDU_FACT_DELAY_NS.  'msi' may be NULL (messages are dropped).
 */
void edu_init(struct edu *e, struct clock *clk, struct irq_line intx,
	      void (*msi)(void *opaque, uint64_t address, uint32_t data), void *opaque);

/*
 * A guest access at 'offset' in BAR 0, 'size' 1, 2, 4 or 8 bytes.  Below
 * 0x80 only aligned 4-byte accesses reach a register; from 0x80 on aligned
 * 4- and 8-byte ones.  Any other access reads 0 and is ignored.  A decoded
 * access to no register (or to a write-only one) reads all ones.
 */
uint64_t edu_mmio_read(struct edu *e, uint64_t offset, unsigned size);
void edu_mmio_write(struct edu *e, uint64_t offset, unsigned size, uint64_t value);

/*
 * edu_next_event_ns(): when the factorial in progress finishes (absolute,
 * on e->clock), UINT64_MAX if none is.  edu_update(): finish it if its time
 * has come (and raise the interrupt if asked for).  MMIO accesses catch up
 * by themselves first, so a guest that polls needs no edu_update().
 */
uint64_t edu_next_event_ns(struct edu *e);
void edu_update(struct edu *e);

#endif
