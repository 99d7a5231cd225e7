/*
 * gicv.c - a GICv2 virtual CPU interface with list registers (see gicv.h).
 *
 * Spec: ARM IHI 0048B, GIC architecture specification v2.0: 5.2 "Managing
 * the GIC virtual CPU interface", 5.3 "GIC virtual interface control
 * registers" (GICH_*), 5.4/5.5 the virtual CPU interface (GICV_*, laid out
 * as the GICC_* registers of 4.4), 3.3 for priorities and preemption.
 *
 * A list register is one virtual interrupt the hypervisor has handed to the
 * hardware: its virtual INTID, priority and state.  The hardware does the
 * rest of the guest's interrupt handling without a trap: it signals vIRQ
 * for the best pending LR, a GICV_IAR read makes that LR active and raises
 * the running priority, GICV_EOIR drops the priority and (EOImode = 0)
 * deactivates, GICV_DIR deactivates (EOImode = 1).  The hypervisor only
 * looks again when it chooses to, or when the maintenance interrupt tells
 * it that something it asked about happened (GICH_MISR, 5.3).
 *
 * On x86 the same job is done by the virtual-APIC page (APICv, AVIC): the
 * LR states are IRR (pending) and ISR (active) bits, GICH_APR is ISR seen
 * by priority, GICV_RPR is PPR (tutorial, appendix A, section 5).
 */
#include <string.h>

#include "gicv.h"

#define NO_LR (-1)

static void set_state(struct gicv *g, int i, enum lr_state st)
{
	g->lr[i] = (g->lr[i] & ~LR_STATE_MASK) | (uint32_t)st << LR_STATE_SHIFT;
}

static unsigned pmr(const struct gicv *g) { return (g->vmcr >> VMCR_PMR_SHIFT) << 3; }
static unsigned bpr(const struct gicv *g) { return g->vmcr >> VMCR_BP_SHIFT & 7; }
static bool eoimode(const struct gicv *g) { return g->vmcr & VMCR_EOIMODE; }

/*
 * The group priority (3.3, priority grouping): the bits above the binary point are the ones
 * that decide preemption.  BPR n splits the priority at bit n+1; with five
 * priority bits BPR cannot go below 2 (GICH_VMCR.VMBP's minimum).
 */
static unsigned group_prio(const struct gicv *g, unsigned prio)
{
	return prio & (0xffu << (bpr(g) + 1)) & 0xff;
}

/* GICV_RPR (4.4.6): the highest active group priority, or idle. */
static unsigned running_prio(const struct gicv *g)
{
	return g->apr ? (unsigned)__builtin_ctz(g->apr) << 3 : GICV_IDLE_PRIORITY;
}

static bool group_enabled(const struct gicv *g, uint32_t lr)
{
	return g->vmcr & (lr & LR_GRP1 ? VMCR_GRP1EN : VMCR_GRP0EN);
}

/*
 * The LR the virtual CPU interface would signal (5.4): pending (not
 * active and pending: an interrupt is never active twice), its group
 * enabled, its priority above the mask and its group priority above the
 * running priority.  Lower numbers are higher priorities; a tie goes to the
 * lowest LR, one of the choices the spec leaves open.
 */
static int best_pending(const struct gicv *g)
{
	/* LAB A: begin */
	int best = NO_LR;

	if (!(g->hcr & HCR_EN))
		return NO_LR;
	for (int i = 0; i < GICV_NR_LR; i++) {
		uint32_t lr = g->lr[i];
		if (lr_state(lr) != LR_PENDING || !group_enabled(g, lr))
			continue;
		if (lr_prio(lr) >= pmr(g) || group_prio(g, lr_prio(lr)) >= running_prio(g))
			continue;
		if (best == NO_LR || lr_prio(lr) < lr_prio(g->lr[best]))
			best = i;
	}
	return best;
	/* LAB A: stub */
	//@ (void)group_enabled;	/* yours to use, with pmr(), group_prio() and running_prio() */
	//@ (void)group_prio;
	//@ return NO_LR;	/* nothing is ever signalled */
	/* LAB A: end */
}

/* The INTID as IAR returns it: an SGI carries its source CPU in [12:10]. */
static uint32_t iar_value(uint32_t lr)
{
	uint32_t v = lr_vid(lr);

	if (!(lr & LR_HW) && v < 16)
		v |= lr & (7u << LR_CPUID_SHIFT);
	return v;
}

/* GICV_IAR (4.4.4): pending -> active, its priority becomes the running one. */
static uint32_t acknowledge(struct gicv *g)
{
	/* LAB A: begin */
	int i = best_pending(g);

	if (i == NO_LR)
		return GICV_SPURIOUS;
	set_state(g, i, LR_ACTIVE);
	g->apr |= 1u << (group_prio(g, lr_prio(g->lr[i])) >> 3);
	return iar_value(g->lr[i]);
	/* LAB A: stub */
	//@ (void)set_state;	/* yours to use, with best_pending(), group_prio() and iar_value() */
	//@ return GICV_SPURIOUS;	/* nothing is ever acknowledged */
	/* LAB A: end */
}

/* Priority drop (4.4.5): the highest active priority is no longer running. */
static void priority_drop(struct gicv *g)
{
	g->apr &= g->apr - 1;	/* clears the lowest set bit: the highest priority */
}

/*
 * Deactivation (4.4.5 EOIR, 4.4.15 DIR, and GICH_LRn.HW in 5.3): the active LR holding this INTID loses its active
 * state.  HW = 1 passes the deactivation on to the physical interrupt; HW
 * = 0 with the EOI bit leaves the LR for the EOI maintenance interrupt
 * (EISR, computed from the LR).  An INTID in no LR was spilled by the
 * hypervisor to memory: the hardware counts it in EOICount (LRENP).
 */
static void deactivate(struct gicv *g, uint32_t intid)
{
	/* LAB A: begin */
	for (int i = 0; i < GICV_NR_LR; i++) {
		uint32_t lr = g->lr[i];
		if (!(lr_state(lr) & LR_ACTIVE) || iar_value(lr) != (intid & 0x1fff))
			continue;
		set_state(g, i, lr_state(lr) == LR_PENDING_ACTIVE ? LR_PENDING : LR_INVALID);
		if ((lr & LR_HW) && g->deactivate_phys)
			g->deactivate_phys(g->opaque, lr_pid(lr));
		return;
	}
	uint32_t count = (g->hcr >> HCR_EOICOUNT_SHIFT) + 1;
	g->hcr = (g->hcr & ~HCR_EOICOUNT_MASK) | (count << HCR_EOICOUNT_SHIFT & HCR_EOICOUNT_MASK);
	/* LAB A: stub */
	//@ /* every LR stays as it is, and EOICount too */
	/* LAB A: end */
}

/* GICH_ELRSR0 (5.3): an LR may be reused if invalid and no EOI is owed. */
static uint32_t elrsr(const struct gicv *g)
{
	uint32_t bits = 0;

	for (int i = 0; i < GICV_NR_LR; i++)
		if (lr_state(g->lr[i]) == LR_INVALID && ((g->lr[i] & LR_HW) || !(g->lr[i] & LR_EOI)))
			bits |= 1u << i;
	return bits;
}

/* GICH_EISR0 (5.3): invalid, HW = 0, EOI = 1: deactivated, hypervisor asked to know. */
static uint32_t eisr(const struct gicv *g)
{
	uint32_t bits = 0;

	for (int i = 0; i < GICV_NR_LR; i++)
		if (lr_state(g->lr[i]) == LR_INVALID && !(g->lr[i] & LR_HW) && (g->lr[i] & LR_EOI))
			bits |= 1u << i;
	return bits;
}

/* GICH_MISR (5.3): each condition, each gated by its HCR enable but EOI's. */
static uint32_t misr(const struct gicv *g)
{
	/* LAB A: begin */
	uint32_t m = 0;
	uint32_t h = g->hcr;
	int valid = 0, pending = 0;

	for (int i = 0; i < GICV_NR_LR; i++) {
		valid += lr_state(g->lr[i]) != LR_INVALID;
		pending += lr_state(g->lr[i]) == LR_PENDING;
	}
	if (eisr(g))
		m |= MISR_EOI;
	if ((h & HCR_UIE) && valid <= 1)
		m |= MISR_U;
	if ((h & HCR_LRENPIE) && (h & HCR_EOICOUNT_MASK))
		m |= MISR_LRENP;
	if ((h & HCR_NPIE) && pending == 0)
		m |= MISR_NP;
	if ((h & HCR_VGRP0EIE) && (g->vmcr & VMCR_GRP0EN))
		m |= MISR_VGRP0E;
	if ((h & HCR_VGRP0DIE) && !(g->vmcr & VMCR_GRP0EN))
		m |= MISR_VGRP0D;
	if ((h & HCR_VGRP1EIE) && (g->vmcr & VMCR_GRP1EN))
		m |= MISR_VGRP1E;
	if ((h & HCR_VGRP1DIE) && !(g->vmcr & VMCR_GRP1EN))
		m |= MISR_VGRP1D;
	return m;
	/* LAB A: stub */
	//@ return 0;	/* no condition ever holds: no maintenance interrupt */
	/* LAB A: end */
}

/* GICH_VTR (5.3): ListRegs - 1, PREbits - 1, PRIbits - 1. */
static uint32_t vtr(void)
{
	return (GICV_NR_LR - 1) | (GICV_PRI_BITS - 1u) << 26 | (GICV_PRI_BITS - 1u) << 29;
}

void gicv_init(struct gicv *g, void (*deactivate_phys)(void *, unsigned), void *opaque)
{
	memset(g, 0, sizeof(*g));
	g->vmcr = 2u << VMCR_BP_SHIFT;	/* BPR resets to its minimum */
	g->deactivate_phys = deactivate_phys;
	g->opaque = opaque;
}

bool gich_maint(const struct gicv *g) { return (g->hcr & HCR_EN) && misr(g); }
bool gicv_virq(const struct gicv *g) { return best_pending(g) != NO_LR; }

uint32_t gich_read(struct gicv *g, uint32_t off)
{
	switch (off) {
	case GICH_HCR:		return g->hcr;
	case GICH_VTR:		return vtr();
	case GICH_VMCR:		return g->vmcr;
	case GICH_MISR:		return misr(g);
	case GICH_EISR0:	return eisr(g);
	case GICH_ELRSR0:	return elrsr(g);
	case GICH_APR:		return g->apr;
	}
	if (off >= GICH_LR0 && off < GICH_LR0 + 4 * GICV_NR_LR && !(off & 3))
		return g->lr[(off - GICH_LR0) / 4];
	return 0;	/* EISR1, ELRSR1, unimplemented LRs: RAZ */
}

void gich_write(struct gicv *g, uint32_t off, uint32_t val)
{
	switch (off) {
	case GICH_HCR:
		g->hcr = val & (HCR_EOICOUNT_MASK | 0xff);
		return;
	case GICH_VMCR:
		g->vmcr = val;
		if (bpr(g) < 2)	/* below the minimum reads as the minimum */
			g->vmcr = (g->vmcr & ~(7u << VMCR_BP_SHIFT)) | 2u << VMCR_BP_SHIFT;
		return;
	case GICH_APR:
		g->apr = val;
		return;
	}
	if (off >= GICH_LR0 && off < GICH_LR0 + 4 * GICV_NR_LR && !(off & 3))
		g->lr[(off - GICH_LR0) / 4] = val & ~(7u << 20);	/* [22:20] RES0 */
}

uint32_t gicv_read(struct gicv *g, uint32_t off)
{
	int i;

	switch (off) {
	case GICV_CTLR:
		return (g->vmcr & (VMCR_GRP0EN | VMCR_GRP1EN)) | (eoimode(g) ? CTLR_EOIMODE : 0);
	case GICV_PMR:	return pmr(g);
	case GICV_BPR:	return bpr(g);
	case GICV_IAR:	return acknowledge(g);
	case GICV_RPR:	return running_prio(g);
	case GICV_HPPIR:
		i = best_pending(g);
		return i == NO_LR ? GICV_SPURIOUS : iar_value(g->lr[i]);
	}
	return 0;
}

/* The guest's GICV_CTLR, PMR and BPR are fields of GICH_VMCR (5.3). */
static void vmcr_field(struct gicv *g, uint32_t mask, uint32_t bits)
{
	gich_write(g, GICH_VMCR, (g->vmcr & ~mask) | (bits & mask));
}

void gicv_write(struct gicv *g, uint32_t off, uint32_t val)
{
	switch (off) {
	case GICV_CTLR:
		vmcr_field(g, VMCR_GRP0EN | VMCR_GRP1EN | VMCR_EOIMODE,
			   (val & (CTLR_ENABLEGRP0 | CTLR_ENABLEGRP1)) | (val & CTLR_EOIMODE ? VMCR_EOIMODE : 0));
		break;
	case GICV_PMR:
		vmcr_field(g, 0x1fu << VMCR_PMR_SHIFT, (val >> 3) << VMCR_PMR_SHIFT);
		break;
	case GICV_BPR:
		vmcr_field(g, 7u << VMCR_BP_SHIFT, (val & 7) << VMCR_BP_SHIFT);
		break;
	case GICV_EOIR:
		if ((val & LR_VID_MASK) >= 1020)	/* the special INTIDs: no effect */
			break;
		priority_drop(g);
		if (!eoimode(g))
			deactivate(g, val);
		break;
	case GICV_DIR:
		if (eoimode(g))	/* with EOImode = 0 a DIR write is UNPREDICTABLE: ignored */
			deactivate(g, val);
		break;
	}
}
