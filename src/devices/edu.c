/*
 * edu.c - QEMU's educational PCI device, from its specification.
 *
 * Spec: QEMU "EDU device", docs/specs/edu.rst
 * (https://www.qemu.org/docs/master/specs/edu.html).  This is an
 * independent implementation of the documented behaviour; where the
 * document is silent we say what QEMU's device does and whether we follow.
 *
 * The device is a teaching target for driver writers: it has a PCI
 * identity (1234:11e8), one 1 MiB memory BAR, and behind it a handful of
 * 32-bit registers:
 *
 *   0x00  identification, 0x010000ed (version 1.0)
 *   0x04  liveness check: reads back the bitwise NOT of what was written
 *   0x08  factorial: write n, wait for status bit 0 to clear, read n!
 *   0x20  status: 0x01 computing (RO), 0x80 interrupt when the factorial is done
 *   0x24  interrupt status: the bits raised and not yet acknowledged
 *   0x60  raise: OR the value into interrupt status and interrupt
 *   0x64  acknowledge: clear those bits; the handler must do this
 *
 * Interrupts.  With MSI disabled the device uses its pin, INTA#, as a level:
 * asserted while interrupt status is non-zero, until the handler
 * acknowledges every bit.  With MSI enabled (its capability at 0x40) every
 * raise instead sends one message and the pin stays low; the handler still
 * acknowledges, as the spec says, or interrupt status stays set.
 *
 * Decisions where the spec is silent:
 *
 *  - PCI class 0x00ff00 and revision 0x10 are what QEMU's device reports
 *    (lspci: "Unclassified device [00ff]").  Its MSI capability is QEMU's
 *    too: the first and only capability, 64-bit addresses, one vector, no
 *    per-vector masking.
 *  - The factorial takes fact_delay_ns (100 us) of e->clock, during which
 *    status bit 0 reads 1, 0x08 reads the operand and writes to 0x08 are
 *    ignored.  QEMU computes on a thread, so its delay is "however long the
 *    thread takes"; a fixed delay on the project's clock makes the polling
 *    the spec asks for necessary and the tests deterministic.  The result is
 *    n! modulo 2^32, as a 32-bit register holds it.
 *  - A finished factorial with status bit 0x80 set raises 0x00000001 (the
 *    spec does not give the value; QEMU uses 1, and 0x100 for DMA).
 *  - Every write to 0x60 that leaves interrupt status non-zero sends an
 *    MSI, even if it added no new bit (a way to re-trigger), as in QEMU.
 *  - INTA# and status bit 3 (interrupt status, PCI 3.0 6.2.3) are computed
 *    from the state after every change: bit 3 = interrupt status non-zero
 *    and MSI disabled; the pin = bit 3 and command bit 10 (INTx disable)
 *    clear.  So enabling MSI while an interrupt is pending drops the pin,
 *    and disabling MSI again with bits still set raises it again.
 *  - Enabling MSI while interrupt status is non-zero sends nothing: a
 *    message is sent at a raise, not for a state.  A driver that switches
 *    to MSI with bits pending finds them in 0x24.  The same holds for a
 *    raise while bus mastering (command bit 2) is off: that message is
 *    lost (pci.c).  There is no per-vector mask, hence no pending bit.
 *  - Size: below 0x80 only aligned 4-byte accesses reach a register, as
 *    the spec says; anything else reads 0 and is ignored, which is what a
 *    guest sees on QEMU (its memory core refuses the access and an
 *    unassigned read gives 0; for 8-byte accesses below 0x80 QEMU's device
 *    returns all ones instead: we keep one rule).  A 4-byte access at an
 *    offset with no register, or at a write-only one, reads 0xffffffff, as
 *    on QEMU.  From 0x80 on, the DMA registers are not modelled: aligned 4-
 *    and 8-byte reads give all ones, writes are ignored.
 *  - 0x04 reads 0 until first written (nothing has been inverted yet).
 */
#include <string.h>

#include "edu.h"

/* n! mod 2^32.  A product of 34 consecutive integers has at least 32
 * factors of two (34! does), so the loop ends within 34 steps for any n. */
static uint32_t factorial(uint32_t n)
{
	uint32_t r = 1;

	for (uint32_t i = n; i > 1 && r != 0; i--)
		r *= i;
	return r;
}

/* Status bit 3 and INTA# from the state (see the top of the file). */
static void update_intx(struct edu *e)
{
	bool pending = e->irq_status != 0 && !pci_msi_enabled(&e->pci);
	uint32_t cmd = pci_config_read(&e->pci, PCI_COMMAND, 2);
	bool level = pending && !(cmd & PCI_COMMAND_INTX_DISABLE);

	pci_set_interrupt_status(&e->pci, pending);
	if (level != e->intx_level) {
		e->intx_level = level;
		irq_line_set(&e->intx, level);
	}
}

static void raise_irq(struct edu *e, uint32_t bits)
{
	e->irq_status |= bits;
	if (e->irq_status)
		pci_msi_notify(&e->pci, 0);	/* false (INTx) if MSI is off */
	update_intx(e);
}

/* Finish the computation in progress if its time has come. */
static void catch_up(struct edu *e)
{
	if (!(e->status & EDU_STATUS_COMPUTING) || clock_now_ns(e->clock) < e->fact_done_ns)
		return;
	e->fact = factorial(e->fact);
	e->status &= ~EDU_STATUS_COMPUTING;
	if (!(e->status & EDU_STATUS_IRQ_FACT))
		return;
	if (e->fact_msi_elsewhere && pci_msi_enabled(&e->pci)) {
		e->irq_status |= EDU_IRQ_FACT;	/* the message is the VMM's to send */
		update_intx(e);
	} else {
		raise_irq(e, EDU_IRQ_FACT);
	}
}

/* Configuration writes that can move INTA#: INTx disable, MSI enable. */
static void config_written(void *opaque, struct pci_function *f, unsigned offset,
			   unsigned size, unsigned changed)
{
	struct edu *e = opaque;

	if (changed & (PCI_CHANGED_COMMAND | PCI_CHANGED_MSI))
		update_intx(e);
	if (e->config_written)
		e->config_written(e->config_opaque, f, offset, size, changed);
}

static void send_msi(void *opaque, uint64_t address, uint32_t data)
{
	struct edu *e = opaque;

	if (e->msi)
		e->msi(e->opaque, address, data);
}

void edu_init(struct edu *e, struct clock *clk, struct irq_line intx,
	      void (*msi)(void *opaque, uint64_t address, uint32_t data), void *opaque)
{
	memset(e, 0, sizeof(*e));
	pci_function_init(&e->pci, EDU_VENDOR, EDU_DEVICE, EDU_REVISION, EDU_CLASS, 1);
	pci_set_subsystem(&e->pci, PCI_SUBSYS_VENDOR_QEMU, PCI_SUBSYS_ID_QEMU);
	pci_declare_bar(&e->pci, 0, EDU_BAR_SIZE, PCI_BAR_MEM32);
	pci_add_msi(&e->pci, 0, true, false);		/* lands at EDU_MSI_CAP */
	e->pci.config_written = config_written;
	e->pci.msi_send = send_msi;
	e->pci.opaque = e;
	e->clock = clk;
	e->intx = intx;
	e->msi = msi;
	e->opaque = opaque;
	e->fact_delay_ns = EDU_FACT_DELAY_NS;
}

/* Does an access of 'size' at 'offset' reach the register file? */
static bool decoded(uint64_t offset, unsigned size)
{
	if (offset < EDU_REG_DMA)
		return size == 4 && offset % 4 == 0;
	return (size == 4 || size == 8) && offset % size == 0;
}

uint64_t edu_mmio_read(struct edu *e, uint64_t offset, unsigned size)
{
	if (!decoded(offset, size))
		return 0;
	catch_up(e);
	switch (offset) {
	case EDU_REG_ID:         return EDU_ID_VALUE;
	case EDU_REG_LIVENESS:   return e->liveness;
	case EDU_REG_FACTORIAL:  return e->fact;
	case EDU_REG_STATUS:     return e->status;
	case EDU_REG_IRQ_STATUS: return e->irq_status;
	default:                 return size == 8 ? UINT64_MAX : 0xffffffffu;
	}
}

void edu_mmio_write(struct edu *e, uint64_t offset, unsigned size, uint64_t value)
{
	uint32_t v = (uint32_t)value;

	if (!decoded(offset, size))
		return;
	catch_up(e);
	switch (offset) {
	case EDU_REG_LIVENESS:
		e->liveness = ~v;
		break;
	case EDU_REG_FACTORIAL:
		if (e->status & EDU_STATUS_COMPUTING)
			break;		/* busy: the write is ignored */
		e->fact = v;
		e->status |= EDU_STATUS_COMPUTING;
		e->fact_done_ns = clock_now_ns(e->clock) + e->fact_delay_ns;
		catch_up(e);		/* done at once if the delay is 0 */
		break;
	case EDU_REG_STATUS:
		e->status = (e->status & EDU_STATUS_COMPUTING) | (v & EDU_STATUS_IRQ_FACT);
		break;
	case EDU_REG_IRQ_RAISE:
		raise_irq(e, v);
		break;
	case EDU_REG_IRQ_ACK:
		e->irq_status &= ~v;
		update_intx(e);
		break;
	default:		/* identification, interrupt status: read-only */
		break;
	}
}

uint64_t edu_next_event_ns(struct edu *e)
{
	return e->status & EDU_STATUS_COMPUTING ? e->fact_done_ns : UINT64_MAX;
}

void edu_update(struct edu *e)
{
	catch_up(e);
}
