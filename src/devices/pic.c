/*
 * pic.c - the two cascaded Intel 8259A interrupt controllers of a PC.
 *
 * Datasheet: Intel "8259A Programmable Interrupt Controller (8259A/8259A-2)",
 * order no. 231468.  The ELCR is not part of the 8259A: it is a chipset
 * register described in Intel's PIIX/PIIX3 (82371) ISA bridge datasheets.
 *
 * An 8259A has eight interrupt request inputs (IR0-IR7) and one output, INT,
 * wired to the CPU's INTR pin.  When an unmasked input asks for service and
 * outranks everything already being serviced, INT goes high.  The CPU answers
 * with an interrupt-acknowledge (INTA) cycle, and the 8259A puts the vector
 * number on the data bus.  The interrupt handler later writes an End Of
 * Interrupt (EOI) command so that requests of equal or lower priority can
 * come through again.
 *
 * Eight inputs were too few for the IBM PC/AT, so it has two chips:
 *
 *   master  ports 0x20 (command) / 0x21 (data)   IRQ 0-7, INT -> CPU
 *   slave   ports 0xA0 (command) / 0xA1 (data)   IRQ 8-15, INT -> master IR2
 *
 * The master hands the INTA cycle to the slave when it chooses IR2, so the
 * slave supplies vectors for IRQ 8-15.  Later chipsets added the ELCR (Edge/
 * Level Control Register) at 0x4D0 (IRQ 0-7) and 0x4D1 (IRQ 8-15) so each
 * line can be switched to level triggering for shared PCI interrupts.
 *
 * Programming: writing the command port with bit 4 set is ICW1 and starts an
 * initialization sequence; the next two or three writes to the data port are
 * ICW2 (vector base), ICW3 (cascade wiring) and ICW4 (mode).  After that, a
 * data port write is OCW1 (the mask), and a command port write is OCW2 (EOI
 * and priority) or OCW3 (what reads return, poll, special mask).
 *
 * Nothing here talks to KVM: the caller feeds in line levels and port
 * accesses and asks pic_intr()/pic_intack() when it wants to inject.
 */
#include <string.h>

#include "pic.h"

/* ICW1: written to the command port with bit 4 set (datasheet fig. 7) */
#define ICW1_IC4	0x01	/* an ICW4 will follow */
#define ICW1_SNGL	0x02	/* single chip: no slaves, no ICW3 */
#define ICW1_ADI	0x04	/* call address interval: 8080 only, ignored */
#define ICW1_LTIM	0x08	/* level-triggered mode for all eight inputs */
#define ICW1_INIT	0x10	/* marks the write as ICW1 */

/* ICW2: the vector base; on 8086-class CPUs bits 0-2 are the IR number */
#define ICW2_BASE_MASK	0xf8

/* ICW4 */
#define ICW4_UPM	0x01	/* 8086/8088 mode (otherwise 8080 CALL opcodes) */
#define ICW4_AEOI	0x02	/* automatic EOI at the end of INTA */
#define ICW4_MS		0x04	/* buffered mode: 1 = master (ignored, no buffers) */
#define ICW4_BUF	0x08	/* buffered mode (ignored) */
#define ICW4_SFNM	0x10	/* special fully nested mode */

/* OCW2: command port, bits 3-4 clear.  R/SL/EOI select the command. */
#define OCW2_LEVEL	0x07	/* L2-L0: the IR a specific command acts on */
#define OCW2_CMD	0xe0	/* R, SL, EOI */
#define OCW2_ROT_AEOI_CLEAR	0x00	/* stop rotating in AEOI mode */
#define OCW2_EOI		0x20	/* non-specific EOI */
#define OCW2_NOP		0x40	/* no operation */
#define OCW2_SPECIFIC_EOI	0x60	/* EOI for IR L */
#define OCW2_ROT_AEOI_SET	0x80	/* rotate on every automatic EOI */
#define OCW2_ROT_EOI		0xa0	/* non-specific EOI, then rotate */
#define OCW2_SET_PRIORITY	0xc0	/* make IR L the lowest priority */
#define OCW2_ROT_SPECIFIC_EOI	0xe0	/* EOI for IR L, then rotate */

/* OCW3: command port, bit 3 set, bit 4 clear */
#define OCW3_RIS	0x01	/* with RR: 1 = read ISR, 0 = read IRR */
#define OCW3_RR		0x02	/* change the register read from the command port */
#define OCW3_P		0x04	/* poll command */
#define OCW3_SELECT	0x08	/* marks the write as OCW3 */
#define OCW3_SMM	0x20	/* with ESMM: 1 = set, 0 = reset special mask mode */
#define OCW3_ESMM	0x40	/* change special mask mode */

#define POLL_INT	0x80	/* poll word: bit 7 = an interrupt is pending */

#define NO_PRIORITY	8	/* highest_priority() of an empty set */

static struct pic_chip *master(struct pic *p) { return &p->chip[PIC_MASTER]; }
static struct pic_chip *slave(struct pic *p)  { return &p->chip[PIC_SLAVE]; }

/*
 * Priorities form a circle: after init IR0 is highest and IR7 lowest, and
 * OCW2 can rotate it.  priority_add is the IR that has priority 0.  Returns
 * the priority (0 = highest) of the best bit in 'bits', or NO_PRIORITY.
 */
static int highest_priority(const struct pic_chip *c, uint8_t bits)
{
	for (int prio = 0; prio < 8; prio++)
		if (bits & (1u << ((prio + c->priority_add) & 7)))
			return prio;
	return NO_PRIORITY;
}

static int prio_to_irq(const struct pic_chip *c, int prio) { return (prio + c->priority_add) & 7; }

static bool is_level(const struct pic_chip *c, int irq)
{
	return c->level_triggered || (c->elcr & (1u << irq));
}

/* The inputs of a master that lead to a slave which supplies the vector. */
static uint8_t slave_inputs(const struct pic_chip *c)
{
	return c->is_master && !c->single_mode ? c->icw3 : 0;
}

/* inline: the lab 3a handout, whose stubs do not call it, must not warn */
static inline bool has_slave(const struct pic_chip *c, int irq)
{
	return slave_inputs(c) & (1u << irq);
}

/*
 * The priority resolver: which IR, if any, would raise INT now?  The best
 * unmasked request must outrank the best in-service level ("fully nested
 * mode": a handler is only interrupted by something more important).
 * Returns the IR number or -1.
 */
static int chip_pending(const struct pic_chip *c)
{
	uint8_t requests = c->irr & ~c->imr;

	/*
	 * Special mask mode exists so a handler can let *lower* priorities
	 * in.  Datasheet, "Special Mask Mode": "when a mask bit is set in OCW1,
	 * it inhibits further interrupts at that level and enables interrupts
	 * from all other levels (lower as well as higher) that are not
	 * masked."  So the ISR takes no part in the priority comparison: only
	 * the mask holds requests off.  An IS bit still holds off a new
	 * request at its own level (the mode enables the *other* levels), save
	 * a slave's input in special fully nested mode, as below.
	 *
	 * QEMU's i8259 differs: there only masked in-service levels drop out
	 * of the comparison, and an unmasked one still blocks lower levels.
	 * Bochs follows the datasheet, as we do.
	 */
	if (c->special_mask) {
		uint8_t own_level_held = c->isr;
		int prio;

		if (c->special_fully_nested)
			own_level_held &= (uint8_t)~slave_inputs(c);
		prio = highest_priority(c, requests & ~own_level_held);
		return prio == NO_PRIORITY ? -1 : prio_to_irq(c, prio);
	}

	/* LAB 3a: begin */
	int req_prio = highest_priority(c, requests);
	int isr_prio = highest_priority(c, c->isr);

	if (req_prio == NO_PRIORITY)
		return -1;
	if (req_prio < isr_prio)
		return prio_to_irq(c, req_prio);
	/*
	 * Special fully nested mode: a slave input may pass its own in-service
	 * bit, since the slave only raises INT again for a request that beats
	 * what it is already servicing (datasheet, "Special Fully Nest Mode").
	 */
	if (c->special_fully_nested && req_prio == isr_prio &&
	    has_slave(c, prio_to_irq(c, req_prio)))
		return prio_to_irq(c, req_prio);
	return -1;
	/* LAB 3a: stub */
	//@ return -1;	/* no request ever raises INT */
	/* LAB 3a: end */
}

/*
 * An input pin changes level.  Level-triggered inputs: IRR simply follows the
 * pin.  Edge-triggered inputs: a 0->1 transition sets the IRR bit.
 *
 * Design choice, edge inputs that drop before INTA: the real 8259A requires
 * the IR pin to stay high until the first INTA pulse; if it falls earlier
 * the request disappears and the CPU gets a "default" IR7 (datasheet, "Edge
 * and level triggered modes").  We instead keep the request latched until it
 * is acknowledged, as KVM's and crosvm's in-kernel/irqchip models do.  In a
 * VMM the device models and the vCPU do not run in lock-step: a device that
 * pulses its line (raise, then lower at once, like a timer tick) would
 * otherwise lose the interrupt before the vCPU ever gets to INTA.
 */
static void chip_set_input(struct pic_chip *c, int irq, int level)
{
	uint8_t bit = (uint8_t)(1u << irq);

	if (is_level(c, irq))
		c->irr = level ? (c->irr | bit) : (c->irr & ~bit);
	else if (level && !(c->last_irr & bit))
		c->irr |= bit;		/* rising edge */
	c->last_irr = level ? (c->last_irr | bit) : (c->last_irr & ~bit);
}

/*
 * Acknowledge IR 'irq' on one chip: the request is now being serviced.
 * A level-triggered IRR bit is left alone: it keeps following the pin, and
 * the ISR bit holds it off until EOI.  If the pin is still high at EOI the
 * interrupt comes again, which is what level triggering is for.
 */
static void chip_ack(struct pic_chip *c, int irq)
{
	/* LAB 3a: begin */
	uint8_t bit = (uint8_t)(1u << irq);

	if (!is_level(c, irq))
		c->irr &= ~bit;
	if (!c->auto_eoi)
		c->isr |= bit;
	else if (c->rotate_on_aeoi)
		c->priority_add = (uint8_t)((irq + 1) & 7);
	/* AEOI without rotation: the EOI is implicit, ISR never sees the bit. */
	/* LAB 3a: stub */
	//@ /* IRR and ISR are left as they are */
	/* LAB 3a: end */
}

/*
 * The slave was served (INTA or poll): re-arm the master's IR2 edge
 * detector.  A slave that still requests (AEOI, a second request waiting)
 * never drops INT, and without this the master would never see IR2 again.
 */
static void rearm_cascade(struct pic *p)
{
	master(p)->last_irr &= (uint8_t)~(1u << PIC_CASCADE_IRQ);
}

/* The slave's INT pin is the master's IR2 input: keep them in step. */
static void update_cascade(struct pic *p)
{
	chip_set_input(master(p), PIC_CASCADE_IRQ, chip_pending(slave(p)) >= 0);
}

/* --- initialization command words ------------------------------------- */

/*
 * ICW1 restarts the chip.  The datasheet lists what it does: the edge sense
 * circuit is reset (an edge input must go low->high again), IMR is cleared,
 * IR7 gets the lowest priority, special mask mode is cleared, reads return
 * IRR, and if IC4 = 0 every ICW4 option is zero.  Like other models we also
 * clear ISR and poll, so a guest that re-initializes starts clean.
 */
static void icw1(struct pic_chip *c, uint8_t val)
{
	c->level_triggered = val & ICW1_LTIM;
	c->single_mode = val & ICW1_SNGL;
	c->icw4_needed = val & ICW1_IC4;
	c->imr = c->isr = c->priority_add = 0;
	c->special_mask = c->read_isr = c->poll = c->rotate_on_aeoi = false;
	c->x86_mode = c->auto_eoi = c->special_fully_nested = false;	/* ICW4 may redo */
	/*
	 * Forget latched edges.  last_irr is kept: it is the pin level, which
	 * a reset cannot change, so a pin that is already high does not count
	 * as a new edge.  Level-triggered inputs show their pin at once.
	 */
	c->irr = 0;
	for (int irq = 0; irq < 8; irq++)
		if (is_level(c, irq) && (c->last_irr & (1u << irq)))
			c->irr |= (uint8_t)(1u << irq);
	c->init_state = PIC_WAIT_ICW2;
}

static void icw2(struct pic_chip *c, uint8_t val)
{
	c->vector_base = val & ICW2_BASE_MASK;
	if (!c->single_mode)
		c->init_state = PIC_WAIT_ICW3;
	else
		c->init_state = c->icw4_needed ? PIC_WAIT_ICW4 : PIC_READY;
}

/*
 * ICW3: on the master, one bit per input that has a slave (a PC writes 0x04);
 * on the slave, its ID, i.e. which master input it is wired to (a PC: 2).
 * Our wiring is fixed, but the master only passes INTA on to a slave for
 * inputs named here, as the real chip does with its CAS lines.
 */
static void icw3(struct pic_chip *c, uint8_t val)
{
	c->icw3 = val;
	c->init_state = c->icw4_needed ? PIC_WAIT_ICW4 : PIC_READY;
}

static void icw4(struct pic_chip *c, uint8_t val)
{
	c->x86_mode = val & ICW4_UPM;
	c->auto_eoi = val & ICW4_AEOI;
	c->special_fully_nested = val & ICW4_SFNM;
	/* ICW4_BUF/ICW4_MS only configure the SP/EN pin electrically. */
	c->init_state = PIC_READY;
}

/* --- operation command words ------------------------------------------ */

/* OCW1: the mask.  Masked requests still collect in IRR; they just wait. */
static void ocw1(struct pic_chip *c, uint8_t val)
{
	c->imr = val;
}

/*
 * OCW2: end of interrupt and priority rotation.  A non-specific EOI clears
 * the highest-priority ISR bit, which in fully nested mode is the handler
 * that is running.  In special mask mode that may not be true, and the
 * datasheet says software must then use a specific EOI; it also says
 * ("End of Interrupt") that "an IS bit that is masked by an IMR bit will
 * not be cleared by a non-specific EOI if the 8259A is in the Special Mask
 * Mode": such bits are left out of the search.
 */
static void ocw2(struct pic_chip *c, uint8_t val)
{
	int level = val & OCW2_LEVEL;
	/* the IS bits a non-specific EOI may clear (all of them, save in special mask mode) */
	uint8_t eoi_candidates = c->special_mask ? c->isr & ~c->imr : c->isr;

	switch (val & OCW2_CMD) {
	case OCW2_ROT_AEOI_SET:		/* chip_ack() does the rotating */
		c->rotate_on_aeoi = true;
		break;
	case OCW2_ROT_AEOI_CLEAR:
		c->rotate_on_aeoi = false;
		break;
	case OCW2_NOP:
		break;
	/* LAB 3a: begin */
	case OCW2_EOI:
	case OCW2_ROT_EOI: {
		int prio = highest_priority(c, eoi_candidates);

		if (prio == NO_PRIORITY)
			break;		/* nothing in service: nothing to do */
		level = prio_to_irq(c, prio);
		c->isr &= (uint8_t)~(1u << level);
		if ((val & OCW2_CMD) == OCW2_ROT_EOI)	/* just-serviced goes last */
			c->priority_add = (uint8_t)((level + 1) & 7);
		break;
	}
	case OCW2_SPECIFIC_EOI:
		c->isr &= (uint8_t)~(1u << level);
		break;
	case OCW2_ROT_SPECIFIC_EOI:
		c->isr &= (uint8_t)~(1u << level);
		c->priority_add = (uint8_t)((level + 1) & 7);
		break;
	case OCW2_SET_PRIORITY:	/* IR L lowest, so IR L+1 highest */
		c->priority_add = (uint8_t)((level + 1) & 7);
		break;
	/* LAB 3a: stub */
	//@ default:	/* the EOI, rotation and set priority commands: ignored */
	//@ 	(void)level;
	//@ 	(void)eoi_candidates;
	//@ 	break;
	/* LAB 3a: end */
	}
}

/* OCW3: choose what the command port reads, poll, special mask mode. */
static void ocw3(struct pic_chip *c, uint8_t val)
{
	c->poll = val & OCW3_P;		/* a later OCW3 without P cancels it */
	if (val & OCW3_RR)
		c->read_isr = val & OCW3_RIS;
	if (val & OCW3_ESMM)
		c->special_mask = val & OCW3_SMM;
}

/*
 * Poll: software with interrupts disabled asks "who wants service?".  The
 * read itself acts as an INTA (datasheet, "The Poll Command"): the winning
 * request moves to ISR, and the read returns 0x80 | IR, or 0 if none.  The
 * poll is one-shot: the following read is a normal one.
 */
static uint8_t poll_read(struct pic_chip *c)
{
	int irq = chip_pending(c);

	c->poll = false;
	if (irq < 0)
		return 0;
	chip_ack(c, irq);
	return (uint8_t)(POLL_INT | irq);
}

static uint8_t chip_read(struct pic_chip *c, bool data_port)
{
	/* The datasheet treats the next RD pulse as the poll, whatever A0 is. */
	if (c->poll)
		return poll_read(c);
	if (data_port)
		return c->imr;
	return c->read_isr ? c->isr : c->irr;
}

static void chip_write(struct pic_chip *c, bool data_port, uint8_t val)
{
	if (!data_port) {
		if (val & ICW1_INIT)
			icw1(c, val);
		else if (val & OCW3_SELECT)
			ocw3(c, val);
		else
			ocw2(c, val);
		return;
	}
	switch (c->init_state) {
	case PIC_WAIT_ICW2: icw2(c, val); break;
	case PIC_WAIT_ICW3: icw3(c, val); break;
	case PIC_WAIT_ICW4: icw4(c, val); break;
	case PIC_READY:     ocw1(c, val); break;
	}
}

/*
 * ELCR write.  Bits the chipset hard-wires to edge are dropped.  An input
 * that turns level-triggered shows its pin in IRR right away.
 */
static void elcr_write(struct pic_chip *c, uint8_t val)
{
	c->elcr = val & c->elcr_mask;
	c->irr = (uint8_t)((c->irr & ~c->elcr) | (c->last_irr & c->elcr));
}

/* --- public API --------------------------------------------------------- */

void pic_init(struct pic *p)
{
	memset(p, 0, sizeof(*p));
	/*
	 * IRQ 0 (timer), 1 (keyboard), 2 (cascade), 8 (RTC) and 13 (FPU error)
	 * are on-board edge sources, so the PIIX does not let them be level.
	 */
	master(p)->elcr_mask = 0xf8;
	slave(p)->elcr_mask = 0xde;
	/* The board's wiring, which ICW3 normally restates: slave on IR2. */
	master(p)->is_master = true;
	master(p)->icw3 = 1u << PIC_CASCADE_IRQ;
	slave(p)->icw3 = PIC_CASCADE_IRQ;
	/* Until a guest runs ICW1-4: unmasked, vector base 0, IR0 highest. */
}

void pic_set_irq(struct pic *p, int irq, int level)
{
	if (irq < 0 || irq > 15 || irq == PIC_CASCADE_IRQ)
		return;
	chip_set_input(&p->chip[irq >> 3], irq & 7, level != 0);
	update_cascade(p);
}

bool pic_intr(const struct pic *p)
{
	return chip_pending(&p->chip[PIC_MASTER]) >= 0;
}

/*
 * The INTA sequence.  The master resolves priority and acknowledges its
 * winner; if that input has a slave, the slave resolves among its own inputs
 * and supplies the vector.
 *
 * Spurious interrupts: if nothing is pending (a level-triggered line fell
 * before INTA, or the caller did not check pic_intr()), the master answers
 * with IR7's vector and sets no ISR bit.  If the master committed to IR2
 * but the slave then has nothing (its request fell or was masked after the
 * master latched the cascade edge), the slave answers with its IR7 (IRQ15):
 * the master's ISR bit 2 is set, the slave's ISR is not, so the guest must
 * send an EOI to the master only (Linux reads ISR to detect this).
 */
int pic_intack(struct pic *p)
{
	/* LAB 3a: begin */
	struct pic_chip *m = master(p), *s = slave(p);
	int irq = chip_pending(m), irq2, vector;

	if (irq < 0)
		return m->vector_base | 7;
	chip_ack(m, irq);
	if (!has_slave(m, irq)) {
		vector = m->vector_base + irq;
	} else {
		irq2 = chip_pending(s);
		if (irq2 >= 0) {
			chip_ack(s, irq2);
			vector = s->vector_base + irq2;
		} else {
			vector = s->vector_base | 7;
		}
		rearm_cascade(p);
	}
	update_cascade(p);
	return vector;
	/* LAB 3a: stub */
	//@ return -1;	/* no vector */
	/* LAB 3a: end */
}

uint8_t pic_port_read(struct pic *p, uint16_t port)
{
	/* a poll read of the slave serves it, as an INTA would (see pic_intack) */
	bool slave_polled = (port == PIC_SLAVE_CMD || port == PIC_SLAVE_DATA) && slave(p)->poll;
	uint8_t val;

	switch (port) {
	case PIC_MASTER_CMD:  val = chip_read(master(p), false); break;
	case PIC_MASTER_DATA: val = chip_read(master(p), true); break;
	case PIC_SLAVE_CMD:   val = chip_read(slave(p), false); break;
	case PIC_SLAVE_DATA:  val = chip_read(slave(p), true); break;
	case PIC_ELCR_MASTER: return master(p)->elcr;
	case PIC_ELCR_SLAVE:  return slave(p)->elcr;
	default:              return 0xff;
	}
	/* polling serves the slave in two reads, the master's (0x82) then the slave's */
	if (slave_polled)
		rearm_cascade(p);
	update_cascade(p);	/* a poll read may have acknowledged something */
	return val;
}

void pic_port_write(struct pic *p, uint16_t port, uint8_t val)
{
	switch (port) {
	case PIC_MASTER_CMD:  chip_write(master(p), false, val); break;
	case PIC_MASTER_DATA: chip_write(master(p), true, val); break;
	case PIC_SLAVE_CMD:   chip_write(slave(p), false, val); break;
	case PIC_SLAVE_DATA:  chip_write(slave(p), true, val); break;
	case PIC_ELCR_MASTER: elcr_write(master(p), val); break;
	case PIC_ELCR_SLAVE:  elcr_write(slave(p), val); break;
	default:              return;
	}
	update_cascade(p);
}

void pic_summary(const struct pic *p, struct pic_state_summary *s)
{
	for (int i = 0; i < 2; i++) {
		s->irr[i] = p->chip[i].irr;
		s->isr[i] = p->chip[i].isr;
		s->imr[i] = p->chip[i].imr;
	}
}
