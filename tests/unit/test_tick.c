/*
 * test_tick.c - the lost-tick gate (src/devices/tick.c), no clock needed.
 *
 * The oracle is what each policy promises a guest, not the code:
 *  - coalesce: every tick raises the interrupt as it falls due; what the
 *    guest has not taken merges in the controller (one IRR bit).
 *  - reinject (KVM's PIT, arch/x86/kvm/i8254.c; api.rst KVM_REINJECT_CONTROL):
 *    one interrupt is outstanding at a time; each acknowledgement lets the
 *    next tick due out; so every tick that fell due is raised exactly once,
 *    in order, however long the guest kept interrupts off.
 */
#include "tap.h"
#include "devices/tick.h"

static struct tick_gate g;

static void test_coalesce(void)
{
	int raised = 0;

	tick_gate_init(&g, TICK_COALESCE);
	for (int i = 0; i < 5; i++)
		raised += tick_due(&g, 1);
	is(raised, 5, "coalesce: 5 ticks due, nobody acknowledging: each one raises");
	ok(!tick_acked(&g), "coalesce: an acknowledgement raises nothing more");
	ok(tick_due(&g, 7), "coalesce: 7 ticks found at once raise (once)");
	is(g.pending, 0, "coalesce: nothing is ever kept");
	is((int)g.due, 12, "coalesce: all 12 ticks are counted as due");
}

static void test_reinject_one_at_a_time(void)
{
	int raised = 0, acks = 0;

	tick_gate_init(&g, TICK_REINJECT);
	ok(tick_due(&g, 1), "reinject: the first tick raises");
	for (int i = 0; i < 4; i++)
		raised += tick_due(&g, 1);
	is(raised, 0, "reinject: 4 more due before the first is taken: none raised");
	is(g.pending, 4, "reinject: they wait, 4 of them");
	/* the guest turns interrupts on: it takes one, and each taken lets the next out */
	while (tick_acked(&g))
		acks++;
	is(acks, 4, "reinject: 4 acknowledgements raise the 4 waiting ticks, one each; the 5th raises none");
	ok(!g.in_flight && g.pending == 0, "reinject: after the 5th acknowledgement nothing is outstanding");
	is((int)g.raised, 5, "reinject: 5 ticks due, 5 raised in all: none lost");
	ok(!tick_acked(&g), "reinject: an acknowledgement with nothing outstanding raises nothing");
	ok(tick_due(&g, 1), "reinject: with nothing outstanding the next tick raises at once");
}

static void test_reinject_late_catch_up(void)
{
	int acks = 0;

	tick_gate_init(&g, TICK_REINJECT);
	ok(tick_due(&g, 3), "reinject: 3 ticks found at once by a late timer: the first raises");
	is(g.pending, 2, "reinject: the other 2 wait");
	while (tick_acked(&g))
		acks++;
	is(acks, 2, "reinject: and come out one per acknowledgement");
	ok(!tick_due(&g, 0), "reinject: 0 ticks due raise nothing");
}

static void test_reinject_limit_and_reset(void)
{
	tick_gate_init(&g, TICK_REINJECT);
	tick_due(&g, 1);
	tick_due(&g, TICK_MAX_PENDING + 10);
	is(g.pending, TICK_MAX_PENDING, "reinject: at most TICK_MAX_PENDING ticks wait (a guest stopped for minutes)");
	is((int)g.dropped, 10, "reinject: the ticks over the limit are counted as dropped");
	tick_gate_reset(&g);
	ok(!g.in_flight && g.pending == 0, "reset (the timer reprogrammed, IRQ 0 unmasked): nothing outstanding");
	ok(!tick_acked(&g), "reset: a late acknowledgement of the old tick raises nothing");
	ok(tick_due(&g, 1), "reset: the next tick raises at once");
}

int main(void)
{
	test_coalesce();
	test_reinject_one_at_a_time();
	test_reinject_late_catch_up();
	test_reinject_limit_and_reset();
	is(strcmp(tick_policy_name(TICK_REINJECT), "reinject") == 0 &&
	   strcmp(tick_policy_name(TICK_COALESCE), "coalesce") == 0, 1, "policy names, as --tick-policy spells them");
	return done_testing();
}
