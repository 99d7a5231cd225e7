/*
 * tick.h - what a periodic timer does with a tick the guest has not taken.
 *
 * A timer interrupt is one bit: a request latched in an IRR (the 8259A's,
 * a local APIC's) until the CPU takes it.  If the next tick falls due while
 * that bit is still set (the guest runs with interrupts off, or its vCPU is
 * not running at all because the host is busy), the second request lands on
 * the same bit and is lost.  Hardware behaves so, and a guest that counts
 * ticks to keep time falls behind.  A VMM chooses:
 *
 *   coalesce   raise each tick as it falls due and let the IRR merge them
 *              (the hardware's behaviour; KVM's local APIC timer always).
 *   reinject   raise one tick at a time, wait until the guest acknowledges
 *              it, then raise the next one due: no tick is lost, late ones
 *              come in a burst (KVM's in-kernel PIT by default: the pending
 *              counter and irq_ack flag of struct kvm_kpit_state, re-armed
 *              by kvm_pit_ack_irq(); KVM_REINJECT_CONTROL switches it).
 *
 * The gate is pure state: the timer model tells it tick_due(), the wiring
 * tells it tick_acked() when the guest took the interrupt, and each answers
 * whether to raise the interrupt now.  No clock, no locks.
 */
#ifndef TINYVMM_TICK_H
#define TINYVMM_TICK_H

#include <stdbool.h>
#include <stdint.h>

enum tick_policy {
	TICK_COALESCE,			/* the default: as the hardware does */
	TICK_REINJECT,			/* one at a time, none lost */
};

/*
 * The most ticks a reinjecting gate keeps.  A guest stopped for a minute
 * under a 1 kHz timer would otherwise come back to 60000 interrupts in a
 * row.  (KVM's PIT keeps no such limit.)
 */
#define TICK_MAX_PENDING	1000u

struct tick_gate {
	enum tick_policy policy;
	bool in_flight;			/* reinject: one raised and not yet acknowledged */
	unsigned pending;		/* reinject: due, waiting for in_flight to clear */
	uint64_t due;			/* observations, for --trace and the tests: */
	uint64_t raised;		/*   ticks due, interrupts raised, */
	uint64_t dropped;		/*   ticks over TICK_MAX_PENDING, */
	uint64_t forgotten;		/*   and ticks pending when the timer was reset */
};

void tick_gate_init(struct tick_gate *g, enum tick_policy policy);
/*
 * 'n' ticks fell due (a timer model that catches up late finds several at
 * once).  True: raise the interrupt now (once: it is one IRR bit).
 */
bool tick_due(struct tick_gate *g, uint64_t n);
/* The guest took the interrupt raised last.  True: raise the next one now. */
bool tick_acked(struct tick_gate *g);
/* The guest reprogrammed the timer: ticks still waiting belong to the old rate. */
void tick_gate_reset(struct tick_gate *g);
const char *tick_policy_name(enum tick_policy policy);

#endif
