/*
 * lapic_ipi.c - interprocessor interrupts between several local APICs:
 * decoding the ICR, choosing the target CPUs, lowest priority
 * arbitration, and what each kind of IPI does to the APIC that receives
 * it (fixed vectors, NMI, INIT, start-up).  Also the AP's power-up state
 * and the events the vCPU loop takes (NMI, INIT, SIPI).
 *
 * Everything here is pure: a function gets the APICs it may look at from
 * its caller, and only lapic_deliver_ipi() changes one, the one it is
 * given.  The wiring owns the APICs and their locks (see lapic_ipi.h).
 *
 * Reference: Intel SDM vol. 3A, 11.6 "Issuing Interprocessor Interrupts"
 * (11.6.1 the ICR, 11.6.2 destinations, 11.6.2.4 lowest priority),
 * 11.4.7 "Local APIC State", and 9.4 "Multiple-Processor (MP)
 * Initialization" (chapter 8 in older editions).
 */
#include <limits.h>

#include "lapic_priv.h"
#include "lapic_ipi.h"

/* ICR fields (SDM 11.6.1, Figure 11-12) beyond those lapic_priv.h names */
#define ICR_VECTOR	0x000000ffu
#define ICR_DM_MASK	7u		/* after shifting by ICR_DM_SHIFT */
#define ICR_LEVEL	0x00004000u	/* bit 14: 1 = assert; 0 only for INIT de-assert */
#define ICR_TRIGGER	0x00008000u	/* bit 15: 1 = level */
#define ICR_SH_MASK	3u		/* after shifting by ICR_SH_SHIFT */
#define ICR_DEST_SHIFT	24		/* destination: ICR bits 63:56 = ICR high 31:24 */

#define MASK_BITS	((int)(sizeof(unsigned) * CHAR_BIT))	/* CPUs a target mask can name */

/* ---- the command (SDM 11.6.1 "Interrupt Command Register (ICR)") ---- */

void lapic_ipi_decode(uint32_t icr_lo, uint32_t icr_hi, uint8_t source_id, struct lapic_ipi *out)
{
	out->vector = (uint8_t)(icr_lo & ICR_VECTOR);
	out->delivery = (uint8_t)((icr_lo >> ICR_DM_SHIFT) & ICR_DM_MASK);
	out->logical = icr_lo & ICR_LOGICAL;
	out->level_assert = icr_lo & ICR_LEVEL;
	out->level_trigger = icr_lo & ICR_TRIGGER;
	out->shorthand = (uint8_t)((icr_lo >> ICR_SH_SHIFT) & ICR_SH_MASK);
	out->dest = (uint8_t)(icr_hi >> ICR_DEST_SHIFT);
	out->source_id = source_id;
}

/*
 * "INIT Level De-assert" is delivery mode INIT with level 0 and trigger
 * mode 1 (SDM 11.6.1).  Every other INIT encoding is an INIT: the SDM
 * notes that Pentium 4 and later always send the level flag as 1.
 */
bool lapic_ipi_is_init_deassert(const struct lapic_ipi *ipi)
{
	return ipi->delivery == LAPIC_DELIVER_INIT && !ipi->level_assert && ipi->level_trigger;
}

/* ---- the destination (SDM 11.6.2 "Determining IPI Destination") ---- */

/*
 * Does CPU i take the IPI?  A shorthand overrides the destination field
 * (11.6.2.3); otherwise the field is an APIC ID, 0xFF for all (11.6.2.1),
 * or a logical destination under the receiver's own DFR and LDR
 * (11.6.2.2): lapic_match_dest() knows both.  INIT de-assert goes "to all
 * processors, regardless of the value in the destination field or the
 * destination shorthand field" (11.6.1).
 */
static bool takes(const struct lapic_ipi *ipi, struct lapic *a, int i, int self)
{
	/* LAB 10: begin */
	if (lapic_ipi_is_init_deassert(ipi))
		return true;
	switch (ipi->shorthand) {
	case LAPIC_SHORTHAND_SELF:	return i == self;
	case LAPIC_SHORTHAND_ALL:	return true;
	case LAPIC_SHORTHAND_OTHERS:	return i != self;
	default:			return lapic_match_dest(a, ipi->dest, ipi->logical);
	}
	/* LAB 10: stub */
	//@ (void)ipi; (void)a; (void)i; (void)self;
	//@ return false;	/* nobody takes any IPI, nor any I/O APIC message */
	/* LAB 10: end */
}

/*
 * A globally disabled APIC (IA32_APIC_BASE.EN = 0) is a CPU without an
 * APIC (SDM 11.4.3): it takes no message at all.  A software-disabled one
 * (SVR bit 8 = 0) is still a target: SDM 11.4.7.2 says it "will respond
 * normally to INIT, NMI, SMI, and SIPI messages", and the interrupts
 * already pending in its IRR and ISR "are held"; a new fixed or lowest
 * priority vector is refused by lapic_accept() (and lowest priority
 * arbitration passes it over).  An AP waiting for SIPI is such an APIC:
 * INIT leaves SVR software-disabled.
 */
unsigned lapic_ipi_targets(const struct lapic_ipi *ipi, struct lapic *const *apics, int n, int self)
{
	unsigned mask = 0;

	if (n > MASK_BITS)
		n = MASK_BITS;
	for (int i = 0; i < n; i++) {
		struct lapic *a = apics[i];

		if (a && hw_enabled(a) && takes(ipi, a, i, self))
			mask |= 1u << i;
	}
	return mask;
}

/* ---- lowest priority (SDM 11.6.2.4 "Lowest Priority Delivery Mode") ---- */

/*
 * The SDM lets the chipset choose on Pentium 4 and Xeon (model-specific,
 * from xTPR messages) and describes the P6 rule: the target with the
 * lowest arbitration priority (APR) wins.  APR is TPR, raised to the class
 * of the highest vector in service or pending (apr() in lapic_irq.c, the
 * SDM's formula), so a CPU with work queued ranks as busier.
 *
 * Simplifications: no "focus processor" (the P6 "may" hand the vector to a
 * CPU that already has it pending or in service; Pentium 4 and Xeon have
 * no such thing), the full 8-bit APR is compared, and only a target that
 * can accept a fixed vector (enabled both ways) takes part: giving the
 * vector to a software-disabled APIC would lose it.  Ties go round-robin
 * from the caller's cursor, so equal CPUs share the load, deterministically.
 * 'vector' is unused by this rule.
 *
 * KVM's in-kernel APIC does not look at TPR at all (arch/x86/kvm/lapic.c):
 * with the module parameter vector_hashing (default on) the winner is the
 * (vector mod count)-th member of the destination set
 * (kvm_vector_to_index()); with it off, the member with the smallest
 * apic_arb_prio, a per-vCPU counter of lowest priority interrupts accepted
 * so far (kvm_apic_compare_prio(), incremented in __apic_accept_irq()),
 * i.e. round-robin.  KVM also turns a physical broadcast (0xFF) with lowest
 * priority into fixed delivery to all.  So a guest may rely on exactly one
 * CPU of the set getting the vector, never on which one.
 */
static bool can_accept_fixed(const struct lapic *a)
{
	return a && hw_enabled(a) && sw_enabled(a);
}

int lapic_lowest_priority(struct lapic *const *apics, unsigned mask, uint8_t vector, unsigned *rr)
{
	unsigned start = rr ? *rr % MASK_BITS : 0;
	uint32_t best_apr = 0;
	int best = -1;

	(void)vector;
	for (int k = 0; k < MASK_BITS; k++) {
		int i = (int)((start + (unsigned)k) % MASK_BITS);	/* from the cursor on, wrapping */
		uint32_t p;

		if (!(mask & (1u << i)) || !can_accept_fixed(apics[i]))
			continue;
		p = apr(apics[i]);
		if (best < 0 || p < best_apr) {	/* strictly lower: the first of equals keeps it */
			best = i;
			best_apr = p;
		}
	}
	if (best >= 0 && rr)
		*rr = (unsigned)(best + 1) % MASK_BITS;
	return best;
}

/* ---- receiving (SDM 11.4.7.3, 11.4.7.4, 11.6.1; 9.4) ---- */

/*
 * INIT: "The state of the local APIC following an INIT reset is the same
 * as it is after a power-up or hardware reset, except that the APIC ID and
 * arbitration ID registers are not affected" (11.4.7.3); IA32_APIC_BASE
 * (address, EN, BSP) is not an APIC register and stays.  The CPU resets
 * too, which the vCPU loop does on lapic_take_init(); a latched NMI goes
 * with the old CPU state.  Then, after an INIT, "each logical processor
 * examines its BSP flag" (9.4.2): the BSP runs the boot-strap code from
 * the reset vector again, an AP enters wait-for-SIPI.
 */
static void init_reset(struct lapic *a)
{
	/* LAB 10: begin */
	reset_registers(a);
	a->nmi_pending = false;
	a->init_pending = true;
	a->mp_state = (a->base & BASE_BSP) ? LAPIC_MP_RUNNING : LAPIC_MP_WAIT_FOR_SIPI;
	/* LAB 10: stub */
	//@ (void)a;	/* INIT is ignored: nothing resets, the CPU goes on as it was */
	/* LAB 10: end */
}

/*
 * Start-up: only a CPU waiting for SIPI starts, at physical 000VV000H for
 * vector VV (9.4.3).  A running CPU ignores it, and so does one whose
 * first SIPI is not taken yet: that is why the INIT-SIPI-SIPI sequence
 * (9.4.4.1) is safe; the second SIPI only matters if the first was lost.
 */
static void start_up(struct lapic *a, uint8_t vector)
{
	/* LAB 10: begin */
	if (a->mp_state != LAPIC_MP_WAIT_FOR_SIPI)
		return;
	a->sipi_vector = vector;
	a->mp_state = LAPIC_MP_SIPI_RECEIVED;
	/* LAB 10: stub */
	//@ (void)a; (void)vector;	/* SIPI is ignored: no AP ever starts */
	/* LAB 10: end */
}

/*
 * Fixed and lowest priority vectors arrive edge-triggered (the ICR's
 * trigger bit only matters for INIT).  INIT de-assert "has no affect on
 * the state of the APIC, other than to reload the arbitration ID register
 * with the value in the APIC ID register" (11.4.7.4): there is no
 * arbitration ID here, so it is ignored.  SMI is ignored: tinyvmm has no
 * SMM.  Reserved delivery modes (3, 7) are ignored too.
 */
void lapic_deliver_ipi(struct lapic *a, const struct lapic_ipi *ipi)
{
	if (!hw_enabled(a))
		return;
	switch (ipi->delivery) {
	case LAPIC_DELIVER_FIXED:
	case LAPIC_DELIVER_LOWEST:
		lapic_accept(a, ipi->vector, false);
		break;
	case LAPIC_DELIVER_NMI:
		a->nmi_pending = true;
		break;
	case LAPIC_DELIVER_INIT:
		if (!lapic_ipi_is_init_deassert(ipi))
			init_reset(a);
		break;
	case LAPIC_DELIVER_SIPI:
		start_up(a, ipi->vector);
		break;
	default:
		break;
	}
}

/* ---- application processors and the vCPU loop ---- */

/*
 * After power-up the MP protocol picks one BSP; every other CPU is an AP
 * with the BSP flag of IA32_APIC_BASE clear, waiting for SIPI (9.4.1).
 */
void lapic_init_ap(struct lapic *a, struct clock *clk, uint8_t id,
		   void (*eoi_level)(void *opaque, int vector), void *opaque)
{
	lapic_init(a, clk, id, eoi_level, opaque);
	a->base &= ~BASE_BSP;
	a->mp_state = LAPIC_MP_WAIT_FOR_SIPI;
}

enum lapic_mp_state lapic_mp_state(const struct lapic *a) { return a->mp_state; }

/* An NMI that arrives while the CPU waits for SIPI waits with it. */
bool lapic_take_nmi(struct lapic *a)
{
	if (!a->nmi_pending || a->mp_state != LAPIC_MP_RUNNING)
		return false;
	a->nmi_pending = false;
	return true;
}

bool lapic_take_init(struct lapic *a)
{
	bool was = a->init_pending;

	a->init_pending = false;
	return was;
}

int lapic_take_sipi(struct lapic *a)
{
	if (a->mp_state != LAPIC_MP_SIPI_RECEIVED)
		return -1;
	a->mp_state = LAPIC_MP_RUNNING;
	return a->sipi_vector;
}
