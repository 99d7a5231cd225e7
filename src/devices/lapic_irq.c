/*
 * lapic_irq.c - the local APIC's interrupt logic: task, processor and
 * arbitration priority, error reporting (ESR), accepting a vector into IRR,
 * handing it to the CPU (INTA) and retiring it (EOI), destination matching
 * and sending IPIs through the ICR.
 *
 * Reference: Intel SDM vol. 3A, 11.5.3 "Error Handling", 11.6 "Issuing
 * Interprocessor Interrupts", 11.8 "Handling Interrupts".  The register page
 * that calls in here is lapic.c.
 */
#include "lapic_priv.h"
#include "lapic_ipi.h"

/* ---- priorities (SDM 11.8.3.1 "Task and Processor Priorities") ---- */

/*
 * PPR is the TPR, raised to the class of the highest interrupt in service:
 * a handler blocks everything of its own class and below.
 */
uint32_t lapic_ppr(const struct lapic *a)
{
	/* LAB 5a: begin */
	uint32_t isrv = top(a->isr);

	if ((a->tpr & 0xf0) >= (isrv & 0xf0))
		return a->tpr & 0xff;
	return isrv & 0xf0;
	/* LAB 5a: stub */
	//@ (void)a;
	//@ return 0;	/* neither TPR nor ISR holds anything back */
	/* LAB 5a: end */
}

/*
 * APR decides which CPU gets a lowest-priority interrupt (SDM 11.6.2.4
 * "Lowest Priority Delivery Mode").  Like PPR, but a pending request also
 * counts: a CPU that already has work ranks higher, i.e. less available.
 */
uint32_t apr(const struct lapic *a)
{
	uint32_t tpr = a->tpr & 0xf0, isrv = top(a->isr) & 0xf0, irrv = top(a->irr) & 0xf0;

	if (tpr >= irrv && tpr > isrv)
		return a->tpr & 0xff;
	return tpr > isrv ? (tpr > irrv ? tpr : irrv) : (isrv > irrv ? isrv : irrv);
}

/* ---- errors (SDM 11.5.3 "Error Handling") ---- */

/*
 * Record an error and raise the LVT error interrupt if it is unmasked.  An
 * illegal vector in the error entry itself is one more receive error, but
 * raises nothing: otherwise the error would report itself forever.
 */
static void signal_error(struct lapic *a, uint32_t bit)
{
	uint32_t lvt = a->lvt[LVT_I_ERROR];
	int vec = (int)(lvt & LVT_VECTOR);

	a->esr_pending |= bit;
	if (lvt & LVT_MASKED)
		return;
	if (vec < 16) {
		a->esr_pending |= ESR_RECV_ILLEGAL;
		return;
	}
	bit_set(a->irr, vec);
	bit_clear(a->tmr, vec);
}

/* ---- accepting and delivering interrupts (SDM 11.8.4, 11.8.5) ---- */

/*
 * Acceptance sets the IRR bit; TMR records the trigger mode of the latest
 * arrival.  A second arrival while the bit is still in IRR merges with it.
 *
 * A software-disabled APIC (SVR bit 8 clear) refuses new fixed interrupts:
 * SDM vol. 3A 11.4.7.2 lists what it still does, and it "will respond
 * normally to INIT, NMI, SMI, and SIPI messages" only; receptions already in
 * progress complete, and interrupts already "pending in the IRR and ISR
 * registers are held" (lapic_pending() offers them again once re-enabled).
 * KVM's __apic_accept_irq() drops a fixed interrupt the same way.  The
 * caller learns of the refusal: a level message then leaves the I/O APIC's
 * Remote IRR clear, so the pin is not stuck.
 */
bool lapic_accept(struct lapic *a, int vector, bool level)
{
	if (!hw_enabled(a) || !sw_enabled(a) || vector > 255)
		return false;
	if (vector < 16) {
		signal_error(a, ESR_RECV_ILLEGAL);
		return false;
	}
	bit_set(a->irr, vector);
	if (level)
		bit_set(a->tmr, vector);
	else
		bit_clear(a->tmr, vector);
	return true;
}

/* The highest request wins if its class is above the processor priority class. */
int lapic_pending(const struct lapic *a)
{
	int v;

	if (!hw_enabled(a) || !sw_enabled(a))
		return -1;
	v = highest(a->irr);
	if (v < 0 || (uint32_t)(v & 0xf0) <= (lapic_ppr(a) & 0xf0))
		return -1;
	return v;
}

/*
 * The CPU takes the interrupt.  A real APIC whose request vanished between
 * INTR and INTA returns the spurious vector; our caller asks and takes in
 * one go, so "nothing" is simply -1.
 */
int lapic_intack(struct lapic *a)
{
	int v = lapic_pending(a);

	if (v >= 0) {
		bit_clear(a->irr, v);
		bit_set(a->isr, v);
		/*
		 * The CPU took the timer's interrupt: a reinjecting timer
		 * hands out its next tick due, which waits in IRR until this
		 * one's EOI (tick.h; KVM's PIT does it at EOI of IRQ 0).
		 */
		if (v == (int)(a->lvt[LVT_I_TIMER] & LVT_VECTOR) && tick_acked(&a->timer_ticks))
			bit_set(a->irr, v);
	}
	return v;
}

/*
 * EOI retires the highest vector in service, which under the priority rules
 * is the handler that is running.  For a level-triggered vector the IOAPIC
 * must hear about it to clear Remote IRR (we always broadcast: EOI-broadcast
 * suppression is not offered).  TMR is left alone: SDM 11.8.4 changes a
 * TMR bit only when a vector is accepted into IRR (set for level, cleared
 * for edge), never at EOI; KVM's LAPIC (__apic_accept_irq) does the same.
 * (Until chapter 7 this model cleared it here; comparing --dump-irqchip
 * with KVM's own LAPIC showed the difference.)
 */
void eoi(struct lapic *a)
{
	/* LAB 5a: begin */
	int v = highest(a->isr);

	if (v < 0)
		return;
	bit_clear(a->isr, v);
	if (!bit_test(a->tmr, v))
		return;
	if (a->eoi_level)
		a->eoi_level(a->opaque, v);
	/* LAB 5a: stub */
	//@ (void)a;	/* the EOI is ignored: ISR keeps every vector */
	/* LAB 5a: end */
}

/*
 * Does an 8-bit destination name us (SDM vol. 3A 11.6.2.1 physical, 11.6.2.2
 * logical: flat model one bit per APIC, cluster model a 4-bit cluster and a
 * 4-bit mask, cluster 0xF to all clusters)?  The ICR and the I/O APIC's
 * messages use the same rule.
 */
bool lapic_match_dest(const struct lapic *a, uint8_t dest, bool logical)
{
	uint32_t ldr = a->ldr >> 24;

	if (!logical)
		return dest == 0xff || dest == a->id >> 24;
	if ((a->dfr >> 28) == DFR_MODEL_FLAT)		/* one bit per APIC */
		return (dest & ldr) != 0;
	if ((a->dfr >> 28) == 0)			/* cluster: 4-bit cluster, 4-bit mask */
		return ((dest >> 4) == 0xf || (dest >> 4) == (ldr >> 4)) && (dest & ldr & 0xf);
	return false;
}

static bool icr_targets_us(const struct lapic *a)
{
	return lapic_match_dest(a, (uint8_t)(a->icr_hi >> 24), a->icr_lo & ICR_LOGICAL);
}

/*
 * Writing ICR low sends an IPI.  With a send_ipi hook the wiring delivers
 * it to every target, us included (lapic_ipi.c); the hook may reset us
 * (INIT to self), so nothing here touches the APIC after calling it.
 * Without one, only fixed-type IPIs can reach us (see lapic.c).
 */
void send_ipi(struct lapic *a)
{
	unsigned dm = (a->icr_lo >> ICR_DM_SHIFT) & 7, sh = (a->icr_lo >> ICR_SH_SHIFT) & 3;
	int vec = (int)(a->icr_lo & 0xff);
	bool fixed = dm == ICR_DM_FIXED || dm == ICR_DM_LOWEST, to_us;
	struct lapic_ipi ipi;

	if (fixed && vec < 16) {
		signal_error(a, ESR_SEND_ILLEGAL);	/* the message is never sent */
		return;
	}
	if (a->send_ipi) {
		lapic_ipi_decode(a->icr_lo, a->icr_hi, (uint8_t)(a->id >> 24), &ipi);
		a->send_ipi(a->ipi_opaque, &ipi);
		return;
	}
	if (!fixed)
		return;
	switch (sh) {
	case ICR_SH_SELF:
	case ICR_SH_ALL:    to_us = true; break;
	case ICR_SH_OTHERS: to_us = false; break;
	default:            to_us = icr_targets_us(a); break;
	}
	if (to_us)
		lapic_accept(a, vec, false);	/* the ICR trigger bit only matters for INIT */
}
