/*
 * ioapic.c - a 24-pin I/O APIC, modelled on the Intel 82093AA.
 *
 * Datasheet: Intel "82093AA I/O Advanced Programmable Interrupt Controller
 * (IOAPIC)", order no. 290566.  The message formats on the other end are in
 * the Intel SDM, vol. 3A, chapter 11 (Advanced Programmable Interrupt
 * Controller).
 *
 * The 8259A hands one vector to one CPU.  An I/O APIC instead turns each of
 * its input pins into a *message* addressed to one or more local APICs.  What
 * message a pin sends is set by its 64-bit redirection table entry: vector,
 * delivery mode (fixed, lowest priority, NMI, ...), destination, and how the
 * pin is sensed (edge or level, active high or low), plus a mask bit.
 *
 * The chip has just two registers in memory space, at 0xFEC00000:
 *
 *   IOREGSEL  offset 0x00   write the index of an internal register
 *   IOWIN     offset 0x10   read or write that register, 32 bits at a time
 *
 * Internal registers: 0x00 ID, 0x01 version, 0x02 arbitration ID, and
 * 0x10-0x3F the redirection table, two 32-bit halves per entry.
 *
 * Level-triggered pins need a handshake, since a line stays asserted until
 * the device is serviced.  When a level message is accepted, the entry's
 * Remote IRR bit is set and the pin sends nothing more; the local APIC tells
 * the I/O APIC when the handler has EOIed that vector, Remote IRR clears,
 * and if the line is still asserted the message goes out again.
 *
 * Nothing here talks to KVM: messages leave through a callback, and the
 * caller reports EOIs with ioapic_eoi().
 */
#include <string.h>

#include "ioapic.h"
#include "msi.h"		/* the MSI format (SDM vol. 3A 11.11.1 and 11.11.2) */

#define APIC_ID_SHIFT	24		/* ID register: bits 27:24 */
#define APIC_ID_MASK	0x0fu

/*
 * Which entry bits a guest may write.  Bits 55:17 are reserved and read 0
 * here; delivery status and Remote IRR are the chip's own status bits.
 */
#define RTE_LOW_WRITABLE	(IOAPIC_RTE_VECTOR | IOAPIC_RTE_DELMODE | \
				 IOAPIC_RTE_DESTMODE | IOAPIC_RTE_POLARITY | \
				 IOAPIC_RTE_TRIGGER | IOAPIC_RTE_MASK)
#define RTE_LOW_READONLY	(IOAPIC_RTE_DELIVS | IOAPIC_RTE_REMOTE_IRR)
#define RTE_HIGH_WRITABLE	0xff000000u	/* destination, bits 63:56 */

static unsigned rte_vector(uint64_t e)  { return e & IOAPIC_RTE_VECTOR; }
static unsigned rte_delmode(uint64_t e)
{
	return (e & IOAPIC_RTE_DELMODE) >> IOAPIC_RTE_DELMODE_SHIFT;
}
static unsigned rte_dest(uint64_t e)    { return (e >> IOAPIC_RTE_DEST_SHIFT) & 0xff; }
static bool rte_masked(uint64_t e)      { return e & IOAPIC_RTE_MASK; }
static bool rte_level(uint64_t e)       { return e & IOAPIC_RTE_TRIGGER; }

/*
 * Does this entry take part in the Remote IRR handshake?  The datasheet says
 * NMI, SMI, INIT and ExtINT are sensed as edges even when the trigger bit
 * says level (and must be programmed edge).  Only fixed and lowest-priority
 * messages are EOIed by the receiving local APIC, so only they may set
 * Remote IRR: anything else would stay set for good.
 */
static bool uses_remote_irr(uint64_t e)
{
	unsigned dm = rte_delmode(e);

	return rte_level(e) && (dm == IOAPIC_DM_FIXED || dm == IOAPIC_DM_LOWEST);
}

/* Is the pin asserted?  Polarity 1 (active low) means a low line asserts. */
static bool asserted(const struct ioapic *io, int pin)
{
	bool high = io->line_level & (1u << pin);

	return high != !!(io->redir[pin] & IOAPIC_RTE_POLARITY);
}

/* The message an entry describes.  Shared by delivery and the MSI encoder. */
static void entry_to_irq(uint64_t e, struct ioapic_irq *irq)
{
	/* LAB 5b: begin */
	irq->vector = (uint8_t)rte_vector(e);
	irq->delivery_mode = (uint8_t)rte_delmode(e);
	irq->dest = (uint8_t)rte_dest(e);
	irq->dest_logical = e & IOAPIC_RTE_DESTMODE;
	irq->level = rte_level(e);
	/* LAB 5b: stub */
	//@ (void)rte_vector;	/* the helpers above read the fields */
	//@ (void)rte_dest;
	//@ memset(irq, 0, sizeof(*irq));	/* every field 0: vector 0, which no local APIC takes */
	/* LAB 5b: end */
}

/*
 * Send the pin's message.  On the real bus a message can wait for the bus,
 * which is what the delivery status bit shows; here delivery is a function
 * call that finishes at once, so delivery status always reads 0.
 *
 * Remote IRR means "a local APIC accepted this level interrupt and its EOI
 * has not come back" (82093AA datasheet, 3.2.4, bit 14).  It is set *before*
 * the callback runs, so a callback that reports the EOI straight back through
 * ioapic_eoi() sees a consistent entry, and cleared again if no local APIC
 * accepted the message (wrong destination, illegal vector, APIC off): else
 * an EOI that can never come would hold the pin for ever.  KVM's
 * ioapic_service() likewise sets Remote IRR only when delivery succeeded.
 */
static void send(struct ioapic *io, int pin)
{
	struct ioapic_irq irq;

	entry_to_irq(io->redir[pin], &irq);
	irq.pin = (uint8_t)pin;
	/* LAB 5b: begin */
	bool remote_irr = uses_remote_irr(io->redir[pin]);

	if (remote_irr)
		io->redir[pin] |= IOAPIC_RTE_REMOTE_IRR;
	if (io->deliver && !io->deliver(io->opaque, &irq) && remote_irr)
		io->redir[pin] &= ~IOAPIC_RTE_REMOTE_IRR;
	/* LAB 5b: stub */
	//@ if (io->deliver)	/* Remote IRR: never set */
	//@ 	io->deliver(io->opaque, &irq);
	/* LAB 5b: end */
}

/*
 * A level pin sends whenever it is asserted, unmasked and not waiting for
 * an EOI.  This is called after anything that may change one of those three:
 * a line change, a write to the entry, an EOI.  Once sent, Remote IRR holds
 * it off, so calling this again is harmless.
 */
static void service_level(struct ioapic *io, int pin)
{
	/* LAB 5b: begin */
	uint64_t e = io->redir[pin];

	if (uses_remote_irr(e) && !rte_masked(e) &&
	    !(e & IOAPIC_RTE_REMOTE_IRR) && asserted(io, pin))
		send(io, pin);
	/* LAB 5b: stub */
	//@ (void)io;	/* level pins send nothing */
	//@ (void)pin;
	/* LAB 5b: end */
}

/* --- indirect registers ----------------------------------------------- */

static uint32_t reg_read(const struct ioapic *io, unsigned index)
{
	switch (index) {
	case IOAPIC_REG_ID:
	case IOAPIC_REG_ARB:
		/*
		 * The arbitration ID is the chip's rank on the 3-wire APIC bus;
		 * it is loaded from the ID.  With no APIC bus, it is just the ID.
		 */
		return (uint32_t)io->id << APIC_ID_SHIFT;
	case IOAPIC_REG_VERSION:
		return IOAPIC_VERSION_VALUE;
	}
	/* LAB 5b: begin */
	if (index < IOAPIC_REG_REDIR || index >= IOAPIC_REG_REDIR_END)
		return 0;		/* unimplemented index: reads as 0 */
	uint64_t e = io->redir[(index - IOAPIC_REG_REDIR) / 2];

	return (index & 1) ? (uint32_t)(e >> 32) : (uint32_t)e;
	/* LAB 5b: stub */
	//@ return 0;		/* the redirection table reads 0 */
	/* LAB 5b: end */
}

/*
 * A write to the low half of an entry: the guest's bits, the chip's own
 * status bits.  Then the entry's new settings take effect:
 *
 *  - An entry that is now edge-triggered has no handshake to wait for, so
 *    Remote IRR clears.  Linux relies on this: on I/O APICs without an EOI
 *    register (version below 0x20, like this one) it clears a stuck Remote
 *    IRR by flipping the entry to edge and back.
 *  - A level pin that is asserted, unmasked and not waiting sends now: this
 *    is how unmasking a pending level interrupt delivers it.
 *  - Edges are not re-created: unmasking an edge pin whose line is high, or
 *    flipping its polarity, sends nothing.  An edge that arrived while the
 *    pin was masked is gone (datasheet, "Interrupt Mask").
 */
static void redir_write_low(struct ioapic *io, int pin, uint32_t val)
{
	/* LAB 5b: begin */
	uint64_t e = io->redir[pin];

	e = (e & ~0xffffffffull) | (e & RTE_LOW_READONLY) | (val & RTE_LOW_WRITABLE);
	if (!rte_level(e))
		e &= ~IOAPIC_RTE_REMOTE_IRR;
	io->redir[pin] = e;
	service_level(io, pin);
	/* LAB 5b: stub */
	//@ (void)io;	/* the write is lost */
	//@ (void)pin;
	//@ (void)val;
	/* LAB 5b: end */
}

static void reg_write(struct ioapic *io, unsigned index, uint32_t val)
{
	if (index == IOAPIC_REG_ID) {
		io->id = (val >> APIC_ID_SHIFT) & APIC_ID_MASK;
		return;
	}
	/* Version, arbitration ID and unimplemented indices ignore writes. */
	/* LAB 5b: begin */
	if (index < IOAPIC_REG_REDIR || index >= IOAPIC_REG_REDIR_END)
		return;
	int pin = (int)(index - IOAPIC_REG_REDIR) / 2;

	if (index & 1)
		io->redir[pin] = (io->redir[pin] & 0xffffffffull) |
				 ((uint64_t)(val & RTE_HIGH_WRITABLE) << 32);
	else
		redir_write_low(io, pin, val);
	/* LAB 5b: stub */
	//@ (void)redir_write_low;	/* the redirection table ignores writes */
	/* LAB 5b: end */
}

/* --- public API --------------------------------------------------------- */

void ioapic_init(struct ioapic *io, bool (*deliver)(void *, const struct ioapic_irq *),
		 void *opaque)
{
	memset(io, 0, sizeof(*io));
	/* Datasheet reset state: mask bits set, every other field 0. */
	for (int pin = 0; pin < IOAPIC_NUM_PINS; pin++)
		io->redir[pin] = IOAPIC_RTE_MASK;
	io->deliver = deliver;
	io->opaque = opaque;
}

/*
 * Later chipset I/O APICs (version 0x20) add a third direct register, EOI,
 * at offset 0x40.  We report version 0x11, as the 82093AA and KVM's in-kernel
 * model do, so the guest sees the same chip in every irqchip mode: offset
 * 0x40 is not decoded and a write there does nothing.
 *
 * The datasheet wants 32-bit accesses.  We look at the offset alone and let
 * the bus worry about size: a byte write of IOREGSEL works, which is all a
 * sloppy guest needs.  IOREGSEL is 8 bits wide, so every selectable index is
 * 0..255 and reg_read()/reg_write() bound-check each one.
 */
uint32_t ioapic_mmio_read(struct ioapic *io, uint64_t offset)
{
	switch (offset) {
	case IOAPIC_IOREGSEL: return io->ioregsel;
	case IOAPIC_IOWIN:    return reg_read(io, io->ioregsel);
	default:              return 0;
	}
}

void ioapic_mmio_write(struct ioapic *io, uint64_t offset, uint32_t val)
{
	switch (offset) {
	case IOAPIC_IOREGSEL: io->ioregsel = (uint8_t)val; break;
	case IOAPIC_IOWIN:    reg_write(io, io->ioregsel, val); break;
	default:              break;
	}
}

/*
 * A device drives a pin.  line_level records the wire as driven; what the
 * chip sees is that level after the entry's polarity.
 *
 * Edge pins send on an asserting edge, once.  A held level sends nothing
 * more, and an edge on a masked pin is dropped, not remembered.  Level pins
 * (fixed and lowest priority) go through service_level().  NMI, SMI, INIT and
 * ExtINT entries are always treated as edge pins (see uses_remote_irr()).
 */
void ioapic_set_irq(struct ioapic *io, int pin, int level)
{
	uint32_t bit;
	bool was;

	if (pin < 0 || pin >= IOAPIC_NUM_PINS)
		return;
	bit = 1u << pin;
	was = asserted(io, pin);
	io->line_level = level ? (io->line_level | bit) : (io->line_level & ~bit);

	if (uses_remote_irr(io->redir[pin]))
		service_level(io, pin);
	else if (!was && asserted(io, pin) && !rte_masked(io->redir[pin]))
		send(io, pin);
}

/*
 * The local APIC broadcasts the vector of every EOIed level interrupt; each
 * level entry with that vector clears Remote IRR, whichever pin actually
 * sent it (pins sharing a vector all clear: the datasheet's EOI matches on
 * the vector only).  A line that is still asserted sends again: the device
 * has not been serviced yet.  A line that fell in the meantime stays quiet.
 */
void ioapic_eoi(struct ioapic *io, int vector)
{
	/* LAB 5b: begin */
	for (int pin = 0; pin < IOAPIC_NUM_PINS; pin++) {
		uint64_t e = io->redir[pin];

		if (!rte_level(e) || (int)rte_vector(e) != vector ||
		    !(e & IOAPIC_RTE_REMOTE_IRR))
			continue;
		io->redir[pin] = e & ~IOAPIC_RTE_REMOTE_IRR;
		service_level(io, pin);
	}
	/* LAB 5b: stub */
	//@ (void)io;	/* the EOI broadcast is ignored */
	//@ (void)vector;
	/* LAB 5b: end */
}

/*
 * Under a split irqchip the I/O APIC lives in userspace and the local APICs
 * in KVM, so an entry's message travels as an MSI: a write of 'data' to
 * 'address'.  The fields line up almost one for one (SDM vol. 3A 11.11).
 * The redirection hint (address bit 3) stays 0: the SDM then calls DM moot,
 * but KVM takes the destination mode from bit 2 as is, as this encoding
 * intends.  Bit 14 (assert) is always 1: the I/O APIC never sends the
 * de-assert half of a level message.
 */
void ioapic_entry_to_msi(uint64_t entry, uint64_t *address, uint32_t *data)
{
	struct ioapic_irq irq;

	entry_to_irq(entry, &irq);
	*address = MSI_ADDR_BASE | ((uint64_t)irq.dest << MSI_ADDR_DEST_SHIFT) |
		   (irq.dest_logical ? MSI_ADDR_DM_LOGICAL : 0);
	*data = irq.vector | ((uint32_t)irq.delivery_mode << MSI_DATA_DM_SHIFT) |
		MSI_DATA_ASSERT | (irq.level ? MSI_DATA_TRIGGER_LEVEL : 0);
}

uint64_t ioapic_entry(const struct ioapic *io, int pin)
{
	if (pin < 0 || pin >= IOAPIC_NUM_PINS)
		return 0;
	return io->redir[pin];
}
