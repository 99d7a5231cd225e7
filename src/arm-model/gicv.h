/*
 * gicv.h - a model of one GICv2 virtual CPU interface and its list registers.
 *
 * Spec: ARM IHI 0048B, "ARM Generic Interrupt Controller Architecture
 * Specification, version 2.0", chapter 5 "GIC Support for Virtualization":
 * 5.2 (managing the virtual CPU interface, list registers), 5.3 (the virtual
 * interface control registers, GICH_*), 5.4/5.5 (the virtual CPU interface,
 * GICV_*, which a guest programs exactly like the physical GICC_* of 4.4).
 *
 * Two sides share one struct gicv, as on the hardware: the hypervisor at EL2
 * writes list registers through GICH_*, the guest at EL1 acknowledges and
 * ends interrupts through GICV_*, and no trap separates the two.  The model
 * is pure state, like pic.c: the caller asks gicv_virq() whether the vCPU's
 * virtual IRQ line is asserted and gich_maint() whether the maintenance
 * interrupt (PPI 25) is, and a callback hears each deactivation of a
 * physical interrupt (an LR with HW = 1).
 *
 * Left out: Group 0 as vFIQ (every interrupt here is signalled as vIRQ),
 * GICV_ABPR/AIAR/AEOIR (one binary point for both groups, as with CBPR = 1),
 * more than one CPU (the SGI source field is kept but not interpreted).
 */
#ifndef TINYVMM_GICV_H
#define TINYVMM_GICV_H

#include <stdbool.h>
#include <stdint.h>

#define GICV_NR_LR		4	/* list registers here; the GIC-400 has 4, up to 64 */
#define GICV_PRI_BITS		5	/* priority bits the virtual interface implements */
#define GICV_SPURIOUS		1023	/* IAR/HPPIR when nothing can be signalled */
#define GICV_IDLE_PRIORITY	0xff	/* RPR with nothing active */
#define GIC_PPI_MAINT		25	/* the maintenance interrupt (recommended INTID) */

/* GICH_*: the virtual interface control registers, 5.3 (offsets from GICH) */
#define GICH_HCR	0x000	/* hypervisor control */
#define GICH_VTR	0x004	/* VGIC type: LR count, priority bits (RO) */
#define GICH_VMCR	0x008	/* the guest's GICV_CTLR/PMR/BPR, saved and restored */
#define GICH_MISR	0x010	/* maintenance interrupt status (RO) */
#define GICH_EISR0	0x020	/* EOI status: LRs whose EOI asks for maintenance (RO) */
#define GICH_ELRSR0	0x030	/* empty LRs (RO) */
#define GICH_APR	0x0f0	/* active priorities */
#define GICH_LR0	0x100	/* GICH_LRn at 0x100 + 4n */

/* GICH_HCR bits (5.3) */
#define HCR_EN		(1u << 0)	/* the virtual CPU interface works at all */
#define HCR_UIE		(1u << 1)	/* maintenance when at most one LR is valid */
#define HCR_LRENPIE	(1u << 2)	/* maintenance while EOICount != 0 */
#define HCR_NPIE	(1u << 3)	/* maintenance when no LR is pending */
#define HCR_VGRP0EIE	(1u << 4)	/* ... while the guest has Group 0 enabled */
#define HCR_VGRP0DIE	(1u << 5)	/* ... while it has Group 0 disabled */
#define HCR_VGRP1EIE	(1u << 6)
#define HCR_VGRP1DIE	(1u << 7)
#define HCR_EOICOUNT_SHIFT 27		/* [31:27]: EOIs that found no LR */
#define HCR_EOICOUNT_MASK  (0x1fu << HCR_EOICOUNT_SHIFT)

/* GICH_MISR bits (5.3): the condition behind each maintenance interrupt */
#define MISR_EOI	(1u << 0)	/* an LR with the EOI bit was deactivated */
#define MISR_U		(1u << 1)	/* underflow */
#define MISR_LRENP	(1u << 2)	/* LR entry not present */
#define MISR_NP		(1u << 3)	/* no pending */
#define MISR_VGRP0E	(1u << 4)
#define MISR_VGRP0D	(1u << 5)
#define MISR_VGRP1E	(1u << 6)
#define MISR_VGRP1D	(1u << 7)

/* GICH_VMCR fields (5.3): where the guest's GICV_CTLR, PMR and BPR live */
#define VMCR_GRP0EN	(1u << 0)	/* GICV_CTLR.EnableGrp0 */
#define VMCR_GRP1EN	(1u << 1)	/* GICV_CTLR.EnableGrp1 */
#define VMCR_EOIMODE	(1u << 9)	/* GICV_CTLR.EOImode (VEM) */
#define VMCR_BP_SHIFT	21		/* [23:21] GICV_BPR */
#define VMCR_PMR_SHIFT	27		/* [31:27] GICV_PMR[7:3] */

/* GICH_LRn fields (5.3; the GICv2 layout, not GICv3's 64-bit ICH_LRn_EL2) */
#define LR_VID_MASK	0x3ffu		/* [9:0]   VirtualID: what the guest's IAR returns */
#define LR_PID_SHIFT	10		/* [19:10] PhysicalID, with HW = 1 */
#define LR_PID_MASK	(0x3ffu << LR_PID_SHIFT)
#define LR_EOI		(1u << 19)	/* with HW = 0: maintenance interrupt on deactivation */
#define LR_CPUID_SHIFT	10		/* with HW = 0, [12:10]: an SGI's source CPU */
#define LR_PRIO_SHIFT	23		/* [27:23] priority[7:3] */
#define LR_STATE_SHIFT	28		/* [29:28] */
#define LR_STATE_MASK	(3u << LR_STATE_SHIFT)
#define LR_GRP1		(1u << 30)	/* Group 1 (else Group 0) */
#define LR_HW		(1u << 31)	/* deactivation also deactivates PhysicalID */

enum lr_state {				/* State[29:28] */
	LR_INVALID = 0,			/* empty, or ended */
	LR_PENDING = 1,			/* waiting for the guest's IAR */
	LR_ACTIVE = 2,			/* acknowledged, not yet deactivated */
	LR_PENDING_ACTIVE = 3,		/* active, and asserted again meanwhile */
};

/* GICV_*: the virtual CPU interface, the guest's GICC (4.4, 5.4) */
#define GICV_CTLR	0x0000	/* EnableGrp0/1, EOImode */
#define GICV_PMR	0x0004	/* priority mask */
#define GICV_BPR	0x0008	/* binary point: which priority bits preempt */
#define GICV_IAR	0x000c	/* acknowledge (RO, with a side effect) */
#define GICV_EOIR	0x0010	/* end of interrupt: priority drop (WO) */
#define GICV_RPR	0x0014	/* running priority (RO) */
#define GICV_HPPIR	0x0018	/* highest priority pending (RO) */
#define GICV_DIR	0x1000	/* deactivate, with EOImode = 1 (WO) */

#define CTLR_ENABLEGRP0	(1u << 0)
#define CTLR_ENABLEGRP1	(1u << 1)
#define CTLR_EOIMODE	(1u << 9)	/* 1: EOIR only drops priority, DIR deactivates */

struct gicv {
	uint32_t hcr;			/* GICH_HCR */
	uint32_t vmcr;			/* GICH_VMCR */
	uint32_t apr;			/* GICH_APR: bit n = group priority n << 3 active */
	uint32_t lr[GICV_NR_LR];	/* GICH_LRn */
	/* A guest deactivated an LR with HW = 1: the physical INTID is now inactive. */
	void (*deactivate_phys)(void *opaque, unsigned pintid);
	void *opaque;
};

/* Reset: every LR empty, the interface disabled (HCR.En = 0), PMR 0 masks all. */
void gicv_init(struct gicv *g, void (*deactivate_phys)(void *, unsigned), void *opaque);

/* The hypervisor's side (EL2), 5.3. */
uint32_t gich_read(struct gicv *g, uint32_t off);
void gich_write(struct gicv *g, uint32_t off, uint32_t val);
bool gich_maint(const struct gicv *g);	/* the maintenance interrupt, PPI 25 */

/* The guest's side (EL1), 5.4.  A GICV_IAR read changes state. */
uint32_t gicv_read(struct gicv *g, uint32_t off);
void gicv_write(struct gicv *g, uint32_t off, uint32_t val);
bool gicv_virq(const struct gicv *g);	/* the vIRQ line into the vCPU */

/* Building and reading list registers. */
static inline uint32_t lr_make(unsigned vid, unsigned prio, enum lr_state st, uint32_t flags)
{
	return (vid & LR_VID_MASK) | (uint32_t)(prio >> 3) << LR_PRIO_SHIFT |
	       (uint32_t)st << LR_STATE_SHIFT | flags;
}
static inline uint32_t lr_hw(unsigned pid) { return LR_HW | (pid << LR_PID_SHIFT & LR_PID_MASK); }
static inline unsigned lr_vid(uint32_t lr) { return lr & LR_VID_MASK; }
static inline unsigned lr_pid(uint32_t lr) { return (lr & LR_PID_MASK) >> LR_PID_SHIFT; }
static inline unsigned lr_prio(uint32_t lr) { return (lr >> LR_PRIO_SHIFT & 0x1f) << 3; }
static inline enum lr_state lr_state(uint32_t lr) { return (lr & LR_STATE_MASK) >> LR_STATE_SHIFT; }

#endif
