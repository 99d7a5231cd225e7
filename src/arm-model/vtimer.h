/*
 * vtimer.h - the EL1 virtual timer of the Arm generic timer, as a guest sees it.
 *
 * Spec: Arm Architecture Reference Manual for A-profile, ARM DDI 0487,
 * chapter D13 "The Generic Timer in AArch64 state" (the virtual counter,
 * CNTVCT_EL0 = CNTPCT_EL0 - CNTVOFF_EL2; the timer's CVAL/TVAL/CTL views and
 * its condition).  The interrupt is PPI 27 (the Server Base System
 * Architecture's choice, which KVM and QEMU's virt machine follow).
 *
 * Pure state, like the rest of the model: the caller passes the physical
 * count, CNTPCT_EL0, to every call that needs the time.  Tutorial chapter 9,
 * section 11, explains the timer; appendix A shows its PPI in a list register.
 */
#ifndef TINYVMM_VTIMER_H
#define TINYVMM_VTIMER_H

#include <stdbool.h>
#include <stdint.h>

#define GIC_PPI_VTIMER	27	/* the virtual timer's interrupt */

/* CNTV_CTL_EL0 */
#define CNTV_CTL_ENABLE		(1u << 0)	/* the timer runs */
#define CNTV_CTL_IMASK		(1u << 1)	/* the condition does not assert the interrupt */
#define CNTV_CTL_ISTATUS	(1u << 2)	/* read-only: the condition holds (with ENABLE) */

struct vtimer {
	uint64_t cntvoff;	/* CNTVOFF_EL2: written by the hypervisor only */
	uint64_t cval;		/* CNTV_CVAL_EL0: the absolute deadline */
	uint32_t ctl;		/* CNTV_CTL_EL0: ENABLE and IMASK (ISTATUS is computed) */
};

void vtimer_init(struct vtimer *t, uint64_t cntvoff);
uint64_t vtimer_cntvct(const struct vtimer *t, uint64_t cntpct);	/* CNTVCT_EL0 */
uint32_t vtimer_ctl_read(const struct vtimer *t, uint64_t cntpct);
void vtimer_ctl_write(struct vtimer *t, uint32_t val);
void vtimer_cval_write(struct vtimer *t, uint64_t cval);
int32_t vtimer_tval_read(const struct vtimer *t, uint64_t cntpct);	/* CNTV_TVAL_EL0 */
void vtimer_tval_write(struct vtimer *t, uint64_t cntpct, int32_t tval);
/* The timer's output to the GIC, a level: ENABLE, condition met, IMASK clear. */
bool vtimer_irq(const struct vtimer *t, uint64_t cntpct);
/* The physical count at which the condition will hold: where a host arms its hrtimer. */
uint64_t vtimer_deadline_cntpct(const struct vtimer *t);

#endif
