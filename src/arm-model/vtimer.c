/*
 * vtimer.c - the generic timer's EL1 virtual timer (see vtimer.h).
 *
 * Spec: ARM DDI 0487, D13 (the Generic Timer in AArch64 state): the
 * virtual count is the physical count minus CNTVOFF_EL2; the condition of
 * a timer is "count - CVAL >= 0", an unsigned 64-bit comparison; TVAL is a
 * signed 32-bit window onto CVAL relative to the count.  The output is a
 * level: it stays asserted as long as the condition holds, ENABLE is set
 * and IMASK is clear, so a guest that handles the interrupt must move CVAL,
 * set IMASK or clear ENABLE before it deactivates it.
 */
#include "vtimer.h"

void vtimer_init(struct vtimer *t, uint64_t cntvoff)
{
	t->cntvoff = cntvoff;
	t->cval = 0;
	t->ctl = 0;	/* ENABLE resets to 0 (UNKNOWN on a warm reset; 0 here) */
}

uint64_t vtimer_cntvct(const struct vtimer *t, uint64_t cntpct)
{
	return cntpct - t->cntvoff;	/* modulo 2^64, as the hardware's subtraction */
}

static bool condition_met(const struct vtimer *t, uint64_t cntpct)
{
	return vtimer_cntvct(t, cntpct) >= t->cval;
}

uint32_t vtimer_ctl_read(const struct vtimer *t, uint64_t cntpct)
{
	bool status = (t->ctl & CNTV_CTL_ENABLE) && condition_met(t, cntpct);

	return t->ctl | (status ? CNTV_CTL_ISTATUS : 0);
}

void vtimer_ctl_write(struct vtimer *t, uint32_t val)
{
	t->ctl = val & (CNTV_CTL_ENABLE | CNTV_CTL_IMASK);	/* ISTATUS is read-only */
}

void vtimer_cval_write(struct vtimer *t, uint64_t cval) { t->cval = cval; }

int32_t vtimer_tval_read(const struct vtimer *t, uint64_t cntpct)
{
	return (int32_t)(uint32_t)(t->cval - vtimer_cntvct(t, cntpct));
}

void vtimer_tval_write(struct vtimer *t, uint64_t cntpct, int32_t tval)
{
	t->cval = vtimer_cntvct(t, cntpct) + (uint64_t)(int64_t)tval;	/* sign-extended */
}

bool vtimer_irq(const struct vtimer *t, uint64_t cntpct)
{
	return (t->ctl & CNTV_CTL_ENABLE) && !(t->ctl & CNTV_CTL_IMASK) && condition_met(t, cntpct);
}

uint64_t vtimer_deadline_cntpct(const struct vtimer *t)
{
	return t->cval + t->cntvoff;
}
