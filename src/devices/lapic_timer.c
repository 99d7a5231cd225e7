/*
 * lapic_timer.c - the local APIC timer: divisor, period (and the VMM's floor
 * under a periodic one), current count, expiry and catch-up, the initial
 * count / divide / timer LVT writes, and TSC-deadline mode.
 *
 * Reference: Intel SDM vol. 3A, 11.5.4 "APIC Timer" and 11.5.4.1
 * "TSC-Deadline Mode".  The register page that calls in here is lapic.c.
 */
#include "lapic_priv.h"

#define NS_PER_SEC	1000000000ull

/* ---- timer (SDM 11.5.4 "APIC Timer") ---- */

/*
 * Like pit.c, the timer never ticks.  A loaded count is remembered as the
 * moment it will reach 0; the current count is the time left, in bus clocks
 * divided by the divisor, rounded up.  That equals initial - elapsed/divisor.
 */
static uint64_t clocks_to_ns(uint64_t c) { return (uint64_t)((unsigned __int128)c * NS_PER_SEC / LAPIC_BUS_HZ); }
static uint64_t ns_to_clocks(uint64_t ns) { return (uint64_t)((unsigned __int128)ns * LAPIC_BUS_HZ / NS_PER_SEC); }

/* Divide configuration: bits 3,1,0 = 000 -> 2, 001 -> 4, ... 110 -> 128, 111 -> 1. */
static uint64_t divisor(uint32_t dcr)
{
	/* LAB 9: begin */
	unsigned code = ((dcr >> 1) & 4) | (dcr & 3);

	return code == 7 ? 1 : 2ull << code;
	/* LAB 9: stub */
	//@ (void)dcr;
	//@ return 1;	/* every encoding divides by 1 */
	/* LAB 9: end */
}

/*
 * The SDM puts no floor under the period, but a VMM must: a periodic timer
 * at one bus clock would ask the host for a billion interrupts a second.
 * KVM clamps periodic timers to kvm.min_timer_period_us (200 us by default,
 * limit_periodic_timer_frequency() in lapic.c); the wiring sets the same
 * floor here.  One-shot counts are not clamped: each fires once.
 */
static uint64_t period_ns(const struct lapic *a)
{
	/* LAB 9: begin */
	uint64_t p = clocks_to_ns((uint64_t)a->timer_initial * divisor(a->timer_dcr));

	if (timer_mode(a) == TIMER_PERIODIC && p < a->min_period_ns)
		p = a->min_period_ns;
	return p;
	/* LAB 9: stub */
	//@ return clocks_to_ns((uint64_t)a->timer_initial * divisor(a->timer_dcr));	/* no floor */
	/* LAB 9: end */
}

/*
 * The current count runs down from the initial count to 0 (SDM 11.5.4), so
 * it never reads above the initial count.  A period stretched by the floor
 * above would break that if the count ran at the divided bus rate (10 counts
 * stretched to 200 us read 200000); it then runs down evenly over the
 * stretched period instead.
 */
uint32_t current_count(const struct lapic *a, uint64_t now)
{
	/* LAB 5a: begin */
	uint64_t left, div = divisor(a->timer_dcr), p = period_ns(a), count;

	if (!a->timer_running || timer_mode(a) == TIMER_TSC_DEADLINE)
		return 0;
	if (now < a->timer_expiry_ns)
		left = a->timer_expiry_ns - now;
	else if (timer_mode(a) == TIMER_PERIODIC)	/* expiries not yet collected */
		left = p - (now - a->timer_expiry_ns) % p;
	else
		return 0;
	if (p > clocks_to_ns((uint64_t)a->timer_initial * div))	/* stretched */
		count = (uint64_t)(((unsigned __int128)left * a->timer_initial + p - 1) / p);
	else
		count = (ns_to_clocks(left) + div - 1) / div;
	/* a stretched period switched to one-shot keeps its expiry: still cap it */
	return (uint32_t)(count < a->timer_initial ? count : a->timer_initial);
	/* LAB 5a: stub */
	//@ (void)now;
	//@ (void)ns_to_clocks;	/* yours to use, with divisor() and period_ns() */
	//@ return a->timer_initial;	/* the count never runs down */
	/* LAB 5a: end */
}

/*
 * 'n' expiries at once (a periodic timer whose caller was late).  With
 * the coalescing policy they raise one interrupt: they would all land on
 * the same IRR bit anyway.  With reinject the gate keeps the rest for
 * lapic_intack() to hand out one by one (tick.h).  A masked timer's
 * expiries are nobody's ticks.
 */
static void timer_fire(struct lapic *a, uint64_t n)
{
	uint32_t lvt = a->lvt[LVT_I_TIMER];

	a->timer_expiries++;
	if (!(lvt & LVT_MASKED) && tick_due(&a->timer_ticks, n))
		lapic_accept(a, (int)(lvt & LVT_VECTOR), false);
}

/*
 * Deliver whatever expired by 'now'.  A periodic timer whose caller was late
 * by several periods counts them all and lets timer_fire() decide.  The
 * next expiry stays on the original grid (start + k * period), so lateness
 * does not accumulate.
 * A one-shot count stops at 0; a TSC deadline disarms and reads 0 again
 * (SDM 11.5.4.1 "TSC-Deadline Mode").
 */
void timer_catch_up(struct lapic *a, uint64_t now)
{
	uint64_t n = 1;

	if (timer_mode(a) == TIMER_TSC_DEADLINE) {
		if (a->tsc_deadline && now >= a->tsc_deadline_ns) {
			a->tsc_deadline = 0;
			timer_fire(a, 1);
		}
		return;
	}
	if (!a->timer_running || now < a->timer_expiry_ns)
		return;
	/* LAB 5a: begin */
	if (timer_mode(a) == TIMER_PERIODIC) {
		uint64_t p = period_ns(a);

		n = (now - a->timer_expiry_ns) / p + 1;
		a->timer_expiry_ns += n * p;
	} else {
		a->timer_running = false;
	}
	/* LAB 5a: stub */
	//@ a->timer_running = false;	/* every mode stops at its first expiry */
	/* LAB 5a: end */
	timer_fire(a, n);
}

void lapic_update(struct lapic *a)
{
	timer_catch_up(a, clock_now_ns(a->clock));
}

uint64_t lapic_next_event_ns(struct lapic *a)
{
	if (timer_mode(a) == TIMER_TSC_DEADLINE)
		return a->tsc_deadline ? a->tsc_deadline_ns : UINT64_MAX;
	return a->timer_running ? a->timer_expiry_ns : UINT64_MAX;
}

/* Writing the initial count (re)starts the count; 0 stops it.  Ignored in TSC-deadline mode. */
void write_initial_count(struct lapic *a, uint32_t val, uint64_t now)
{
	if (timer_mode(a) == TIMER_TSC_DEADLINE)
		return;
	a->timer_initial = val;
	a->timer_running = val != 0;
	tick_gate_reset(&a->timer_ticks);	/* ticks of the old count are not owed any more */
	a->timer_expiry_ns = now + period_ns(a);
}

/*
 * A new divisor while counting: the SDM does not say.  We keep the current
 * count and let it run on at the new rate, scaling the time left (as KVM does).
 */
void write_divide(struct lapic *a, uint32_t val, uint64_t now)
{
	uint64_t old = divisor(a->timer_dcr), new;

	a->timer_dcr = val & TDCR_WRITABLE;
	new = divisor(a->timer_dcr);
	/* LAB 9: begin */
	if (a->timer_running && timer_mode(a) != TIMER_TSC_DEADLINE && new != old)
		a->timer_expiry_ns = now + (uint64_t)((unsigned __int128)(a->timer_expiry_ns - now) * new / old);
	/* LAB 9: stub */
	//@ (void)now;	/* the expiry stays where it was: the count jumps */
	//@ (void)old;
	//@ (void)new;
	/* LAB 9: end */
}

/*
 * Moving into or out of TSC-deadline mode disarms the timer (SDM 11.5.4.1):
 * the count stops and the deadline is forgotten.  Between one-shot and
 * periodic the count keeps running; the mode only decides what happens at 0.
 */
void write_lvt_timer(struct lapic *a, uint32_t val)
{
	bool was_tsc = timer_mode(a) == TIMER_TSC_DEADLINE;

	a->lvt[LVT_I_TIMER] = val;
	if (was_tsc != (timer_mode(a) == TIMER_TSC_DEADLINE)) {
		a->timer_running = false;
		a->timer_initial = 0;
		a->tsc_deadline = 0;
	}
}

void lapic_write_tsc_deadline(struct lapic *a, uint64_t tsc_value, uint64_t expiry_ns)
{
	uint64_t now = clock_now_ns(a->clock);

	timer_catch_up(a, now);
	if (!hw_enabled(a) || timer_mode(a) != TIMER_TSC_DEADLINE)
		return;			/* "writes are ignored" in the other modes */
	a->tsc_deadline = tsc_value;
	a->tsc_deadline_ns = expiry_ns;
	timer_catch_up(a, now);		/* a deadline in the past fires at once */
}

uint64_t lapic_read_tsc_deadline(const struct lapic *a)
{
	return timer_mode(a) == TIMER_TSC_DEADLINE ? a->tsc_deadline : 0;
}
