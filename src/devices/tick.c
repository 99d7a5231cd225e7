/*
 * tick.c - the lost-tick policy of a periodic timer (see tick.h).
 *
 * Reinject is KVM's PIT algorithm (arch/x86/kvm/i8254.c): pit_timer_fn()
 * counts a tick in 'pending'; pit_do_work() raises IRQ 0 only when the
 * previous one has been acknowledged ('irq_ack'); kvm_pit_ack_irq(), an
 * irq ack notifier called when the guest acknowledges IRQ 0 (the 8259A's
 * INTA, or the I/O APIC's EOI), takes one from 'pending' and lets the next
 * one through.  Here the same three steps are tick_due(), tick_acked() and
 * the 'raise' each returns.
 */
#include "tick.h"

void tick_gate_init(struct tick_gate *g, enum tick_policy policy)
{
	*g = (struct tick_gate){ .policy = policy };
}

bool tick_due(struct tick_gate *g, uint64_t n)
{
	if (n == 0)
		return false;
	g->due += n;
	if (g->policy == TICK_COALESCE) {
		/* the controller's IRR merges whatever the guest has not taken */
		g->raised++;
		return true;
	}
	/* reinject: one in flight, the rest pending (at most TICK_MAX_PENDING) */
	/* LAB 9: begin */
	bool raise = false;
	uint64_t room;

	if (!g->in_flight) {
		g->in_flight = true;
		g->raised++;
		raise = true;
		n--;
	}
	room = TICK_MAX_PENDING - g->pending;
	if (n > room) {
		g->dropped += n - room;
		n = room;
	}
	g->pending += (unsigned)n;
	return raise;
	/* LAB 9: stub */
	//@ g->raised++;
	//@ return true;	/* every tick raises at once, as coalesce: nothing waits */
	/* LAB 9: end */
}

bool tick_acked(struct tick_gate *g)
{
	/* LAB 9: begin */
	if (g->policy == TICK_COALESCE || !g->in_flight)
		return false;		/* not ours, or already acknowledged */
	if (g->pending == 0) {
		g->in_flight = false;
		return false;
	}
	g->pending--;			/* the next tick goes out; it is in flight in turn */
	g->raised++;
	return true;
	/* LAB 9: stub */
	//@ (void)g;
	//@ return false;	/* never releases a waiting tick */
	/* LAB 9: end */
}

void tick_gate_reset(struct tick_gate *g)
{
	g->in_flight = false;
	g->forgotten += g->pending;
	g->pending = 0;
}

const char *tick_policy_name(enum tick_policy policy)
{
	return policy == TICK_REINJECT ? "reinject" : "coalesce";
}
