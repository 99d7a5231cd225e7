/*
 * test_lapic_ipi.c - unit tests for IPIs between several local APICs
 * (src/devices/lapic_ipi.c).
 *
 * The expected values come from the SDM, not from the model: ICR values
 * are assembled by hand from Figure 11-12 (vector 7:0, delivery mode
 * 10:8, destination mode 11, level 14, trigger mode 15, shorthand 19:18,
 * destination 63:56), destinations from 11.6.2, INIT from 11.4.7.3, the
 * start-up protocol from 9.4.  The APICs are programmed through their
 * register pages, as a guest would.
 */
#include "tap.h"
#include "devices/lapic.h"
#include "devices/lapic_ipi.h"

#define NCPU 4

static struct fake_clock fc = FAKE_CLOCK_INIT;
static struct lapic cpu[NCPU];
static struct lapic *const apics[NCPU] = { &cpu[0], &cpu[1], &cpu[2], &cpu[3] };

static uint32_t rd(struct lapic *a, uint32_t off) { return lapic_mmio_read(a, off); }
static void wr(struct lapic *a, uint32_t off, uint32_t v) { lapic_mmio_write(a, off, v); }

static void deliver(struct lapic *a, uint32_t lo)
{
	struct lapic_ipi ipi;

	lapic_ipi_decode(lo, 0, 0, &ipi);
	lapic_deliver_ipi(a, &ipi);
}

/*
 * CPU i has APIC ID i; CPU 0 is the BSP, the APs got their SIPI; all
 * running and software-enabled, as after an OS brought them up.
 */
static void setup(void)
{
	lapic_init(&cpu[0], &fc.clock, 0, NULL, NULL);
	for (int i = 1; i < NCPU; i++) {
		lapic_init_ap(&cpu[i], &fc.clock, (uint8_t)i, NULL, NULL);
		deliver(&cpu[i], 0x4608);
		lapic_take_sipi(&cpu[i]);
	}
	for (int i = 0; i < NCPU; i++)
		wr(&cpu[i], LAPIC_SVR, 0x1ff);
}

static unsigned targets(uint32_t lo, uint32_t hi, int self)
{
	struct lapic_ipi ipi;

	lapic_ipi_decode(lo, hi, (uint8_t)self, &ipi);
	return lapic_ipi_targets(&ipi, apics, NCPU, self);
}

static void test_decode(void)
{
	struct lapic_ipi d;

	/* 0x000C4500: INIT (101), level assert (bit 14), all excluding self (11) */
	lapic_ipi_decode(0x000c4500, 0, 2, &d);
	ok(d.delivery == LAPIC_DELIVER_INIT && d.vector == 0 && d.level_assert && !d.level_trigger &&
	   d.shorthand == LAPIC_SHORTHAND_OTHERS && !d.logical && d.source_id == 2,
	   "decode 0x000C4500: INIT, assert, edge, all-but-self");
	/* 0x00004608 to APIC 3: start-up (110) vector 08, physical */
	lapic_ipi_decode(0x00004608, 0x03000000, 0, &d);
	ok(d.delivery == LAPIC_DELIVER_SIPI && d.vector == 0x08 && d.dest == 3 && !d.logical &&
	   d.shorthand == LAPIC_SHORTHAND_NONE, "decode 0x00004608/0x03000000: SIPI vector 8 to APIC 3");
	/* 0x00008500: INIT, level 0, trigger level: the INIT level de-assert */
	lapic_ipi_decode(0x00008500, 0, 0, &d);
	ok(d.delivery == LAPIC_DELIVER_INIT && !d.level_assert && d.level_trigger &&
	   lapic_ipi_is_init_deassert(&d), "decode 0x00008500: INIT level de-assert");
	lapic_ipi_decode(0x00004500, 0, 0, &d);
	ok(!lapic_ipi_is_init_deassert(&d), "INIT assert edge is not a de-assert");
	lapic_ipi_decode(0x0000c500, 0, 0, &d);
	ok(!lapic_ipi_is_init_deassert(&d), "INIT assert level is not a de-assert");
	/* 0x00000941 to 0x0C: lowest priority (001), logical (bit 11), vector 41 */
	lapic_ipi_decode(0x00000941, 0x0c000000, 0, &d);
	ok(d.delivery == LAPIC_DELIVER_LOWEST && d.logical && d.vector == 0x41 && d.dest == 0x0c,
	   "decode 0x00000941/0x0C000000: lowest priority, logical 0x0C, vector 0x41");
	/* 0x00040400: NMI (100), self (01) */
	lapic_ipi_decode(0x00040400, 0, 0, &d);
	ok(d.delivery == LAPIC_DELIVER_NMI && d.shorthand == LAPIC_SHORTHAND_SELF, "decode 0x00040400: NMI to self");
	/* 0x000802FF: SMI (010), all including self (10), vector field FF */
	lapic_ipi_decode(0x000802ff, 0xffffffff, 0, &d);
	ok(d.delivery == LAPIC_DELIVER_SMI && d.shorthand == LAPIC_SHORTHAND_ALL && d.vector == 0xff &&
	   d.dest == 0xff, "decode 0x000802FF: SMI, all including self; ICR high 23:0 ignored");
}

static void test_targets(void)
{
	setup();
	is(targets(0x40, 2u << 24, 0), 1u << 2, "physical APIC ID 2: CPU 2 only");
	is(targets(0x40, 7u << 24, 0), 0, "physical APIC ID 7: nobody");
	is(targets(0x40, 0xffu << 24, 1), 0xf, "physical 0xFF: broadcast to all, sender included");
	wr(&cpu[3], LAPIC_ID, 9u << 24);
	is(targets(0x40, 9u << 24, 0), 1u << 3, "physical: the current (written) APIC ID counts");
	is(targets(0x40, 3u << 24, 0), 0, "physical: the old ID no longer matches");

	/* flat model (DFR all ones after reset): LDR bit n for CPU n */
	setup();
	for (int i = 0; i < NCPU; i++)
		wr(&cpu[i], LAPIC_LDR, (1u << i) << 24);
	is(targets(0x840, 0x04u << 24, 0), 1u << 2, "logical flat 0x04: CPU 2");
	is(targets(0x840, 0x0bu << 24, 0), 0xb, "logical flat 0x0B: CPUs 0, 1, 3");
	is(targets(0x840, 0xf0u << 24, 0), 0, "logical flat 0xF0: no LDR bit, nobody");
	is(targets(0x840, 0xffu << 24, 0), 0xf, "logical flat 0xFF: everyone with an LDR bit");
	wr(&cpu[1], LAPIC_LDR, 0);
	is(targets(0x840, 0xffu << 24, 0), 0xd, "logical flat: LDR 0 is never named");

	/* cluster model: DFR 0x0FFFFFFF; clusters 1 and 2, members 1, 2 */
	setup();
	for (int i = 0; i < NCPU; i++)
		wr(&cpu[i], LAPIC_DFR, 0x0fffffff);
	wr(&cpu[0], LAPIC_LDR, 0x11u << 24);	/* cluster 1, member bit 0 */
	wr(&cpu[1], LAPIC_LDR, 0x12u << 24);	/* cluster 1, member bit 1 */
	wr(&cpu[2], LAPIC_LDR, 0x21u << 24);	/* cluster 2, member bit 0 */
	wr(&cpu[3], LAPIC_LDR, 0x24u << 24);	/* cluster 2, member bit 2 */
	is(targets(0x840, 0x13u << 24, 0), 0x3, "cluster 1 mask 0x3: CPUs 0, 1");
	is(targets(0x840, 0x12u << 24, 0), 0x2, "cluster 1 mask 0x2: CPU 1");
	is(targets(0x840, 0x25u << 24, 0), 0xc, "cluster 2 mask 0x5: CPUs 2, 3");
	is(targets(0x840, 0x31u << 24, 0), 0, "cluster 3: nobody");
	is(targets(0x840, 0xf1u << 24, 0), 0x5, "cluster 0xF (all clusters) mask 0x1: CPUs 0, 2");
	wr(&cpu[2], LAPIC_DFR, 0xffffffff);	/* CPU 2 flat, LDR 0x21: bits 0 and 5 */
	is(targets(0x840, 0x01u << 24, 0), 0x4, "each target's own DFR: 0x01 names flat CPU 2 (LDR 0x21), cluster 0 is empty");
	is(targets(0x840, 0x21u << 24, 0), 0x4, "0x21: flat CPU 2 by bits in common; cluster 2 member 0 is gone");

	/* shorthands ignore the destination field (SDM 11.6.2.3) */
	setup();
	is(targets(0x40040, 0, 2), 1u << 2, "shorthand self: the sender only");
	is(targets(0x80040, 0, 2), 0xf, "shorthand all including self");
	is(targets(0xc0040, 0, 2), 0xb, "shorthand all excluding self");

	/* IA32_APIC_BASE.EN = 0: no APIC, no messages (SDM 11.4.3) */
	ok(lapic_write_base(&cpu[1], LAPIC_DEFAULT_BASE) == 0, "CPU 1: APIC globally disabled");
	is(targets(0x80040, 0, 0), 0xd, "all including self skips the disabled APIC");
	is(targets(0x40, 0xffu << 24, 0), 0xd, "physical broadcast skips it");
	is(targets(0x40, 1u << 24, 0), 0, "its own APIC ID reaches nothing");
	/* software-disabled: still a target (INIT, NMI, SIPI reach it, SDM 11.4.7.2) */
	wr(&cpu[2], LAPIC_SVR, 0xff);
	is(targets(0x80500, 0, 0), 0xd, "a software-disabled APIC is still a target");
	/* the INIT de-assert goes to everyone whatever the destination (SDM 11.6.1) */
	is(targets(0x8500, 0x07u << 24, 0), 0xd, "INIT de-assert: all, destination ignored");
}

static void test_lowest(void)
{
	unsigned rr = 0, seen = 0;

	setup();
	wr(&cpu[0], LAPIC_TPR, 0x40);
	wr(&cpu[1], LAPIC_TPR, 0x20);
	wr(&cpu[2], LAPIC_TPR, 0x10);
	wr(&cpu[3], LAPIC_TPR, 0x30);
	is(lapic_lowest_priority(apics, 0xf, 0x50, &rr), 2, "distinct TPRs: the lowest (CPU 2, TPR 0x10) wins");
	is(lapic_lowest_priority(apics, 0xb, 0x50, &rr), 1, "CPU 2 not in the set: CPU 1 (TPR 0x20)");
	is(lapic_lowest_priority(apics, 0x8, 0x50, &rr), 3, "a one-CPU set picks that CPU");
	is(lapic_lowest_priority(apics, 0, 0x50, &rr), -1, "an empty set: -1");

	/* APR counts the highest pending vector too (SDM 11.6.2.4) */
	wr(&cpu[2], LAPIC_TPR, 0x20);
	lapic_accept(&cpu[2], 0x60, false);
	is(rd(&cpu[2], LAPIC_APR) & 0xf0, 0x60, "CPU 2 APR: class of its pending 0x60");
	is(lapic_lowest_priority(apics, 0x6, 0x50, &rr), 1, "TPR 0x20 both: the one with work pending loses");

	setup();
	rr = 0;
	for (int k = 0; k < 8; k++) {
		int w = lapic_lowest_priority(apics, 0xf, 0x50, &rr);

		if (w >= 0)
			seen |= 1u << w;
		if (k < NCPU)
			is(w, k, "equal TPRs, call %d: round-robin gives CPU %d", k, k);
	}
	is(seen, 0xf, "equal TPRs: every CPU gets its turn");
	rr = 2;
	is(lapic_lowest_priority(apics, 0x3, 0x50, &rr), 0, "cursor past the set's top wraps to CPU 0");

	wr(&cpu[0], LAPIC_SVR, 0xff);
	is(lapic_lowest_priority(apics, 0x3, 0x50, NULL), 1, "software-disabled CPU 0 cannot take it: CPU 1");
	wr(&cpu[1], LAPIC_SVR, 0xff);
	is(lapic_lowest_priority(apics, 0x3, 0x50, NULL), -1, "nobody in the set can accept: -1");
}

static bool lvts_masked(struct lapic *a)
{
	for (uint32_t off = LAPIC_LVT_TIMER; off <= LAPIC_LVT_ERROR; off += 16)
		if (!(rd(a, off) & 0x10000))
			return false;
	return true;
}

static void test_init_sipi(void)
{
	struct lapic ap;

	lapic_init_ap(&ap, &fc.clock, 5, NULL, NULL);
	is(lapic_read_base(&ap), LAPIC_DEFAULT_BASE | 0x800, "AP power-up: EN set, BSP clear (SDM 9.4.1)");
	is(lapic_mp_state(&ap), LAPIC_MP_WAIT_FOR_SIPI, "AP power-up: waiting for SIPI");
	is(lapic_take_sipi(&ap), -1, "no SIPI yet");
	deliver(&ap, 0x4608);
	is(lapic_mp_state(&ap), LAPIC_MP_SIPI_RECEIVED, "SIPI while waiting: received");
	deliver(&ap, 0x4609);
	is(lapic_take_sipi(&ap), 0x08, "the vector of the first SIPI, once");
	is(lapic_take_sipi(&ap), -1, "taken: gone");
	is(lapic_mp_state(&ap), LAPIC_MP_RUNNING, "after the SIPI: running");
	deliver(&ap, 0x460a);
	ok(lapic_take_sipi(&ap) == -1 && lapic_mp_state(&ap) == LAPIC_MP_RUNNING,
	   "a SIPI to a running CPU is ignored");

	/* the AP's OS sets its APIC up, then an INIT comes */
	wr(&ap, LAPIC_SVR, 0x1ff);
	wr(&ap, LAPIC_TPR, 0x20);
	wr(&ap, LAPIC_LDR, 0x04000000);
	wr(&ap, LAPIC_DFR, 0x0fffffff);
	wr(&ap, LAPIC_LVT_TIMER, 0x30);
	wr(&ap, LAPIC_LVT_LINT0, 0x700);
	lapic_accept(&ap, 0x40, false);
	lapic_accept(&ap, 0x50, true);
	is(lapic_intack(&ap), 0x50, "set-up AP takes 0x50");
	deliver(&ap, 0x4500);
	is(lapic_mp_state(&ap), LAPIC_MP_WAIT_FOR_SIPI, "INIT: a running AP waits for SIPI");
	ok(lapic_take_init(&ap) && !lapic_take_init(&ap), "INIT: the vCPU reset is asked for once");
	is(rd(&ap, LAPIC_ID), 5u << 24, "INIT keeps the APIC ID (SDM 11.4.7.3)");
	is(lapic_read_base(&ap), LAPIC_DEFAULT_BASE | 0x800, "INIT keeps IA32_APIC_BASE");
	ok(!lapic_irr_test(&ap, 0x40) && !lapic_isr_test(&ap, 0x50) && !lapic_tmr_test(&ap, 0x50),
	   "INIT clears IRR, ISR, TMR");
	ok(rd(&ap, LAPIC_TPR) == 0 && rd(&ap, LAPIC_LDR) == 0 && rd(&ap, LAPIC_DFR) == 0xffffffff,
	   "INIT: TPR 0, LDR 0, DFR flat");
	is(rd(&ap, LAPIC_SVR), 0xff, "INIT: SVR 0xFF, software-disabled");
	ok(lvts_masked(&ap), "INIT masks every LVT entry");
	deliver(&ap, 0x4610);
	is(lapic_take_sipi(&ap), 0x10, "and a new SIPI starts it again");

	/* INIT de-assert changes nothing (SDM 11.4.7.4) */
	wr(&ap, LAPIC_SVR, 0x1ff);
	wr(&ap, LAPIC_TPR, 0x30);
	lapic_accept(&ap, 0x41, false);
	deliver(&ap, 0x8500);
	ok(lapic_mp_state(&ap) == LAPIC_MP_RUNNING && rd(&ap, LAPIC_TPR) == 0x30 &&
	   lapic_irr_test(&ap, 0x41) && rd(&ap, LAPIC_SVR) == 0x1ff && !lapic_take_init(&ap),
	   "INIT de-assert: state unchanged");

	/* the BSP runs the boot-strap code again after INIT (SDM 9.4.2) */
	setup();
	wr(&cpu[0], LAPIC_TPR, 0x30);
	deliver(&cpu[0], 0x4500);
	ok(lapic_mp_state(&cpu[0]) == LAPIC_MP_RUNNING && lapic_take_init(&cpu[0]) &&
	   rd(&cpu[0], LAPIC_TPR) == 0, "INIT to the BSP: reset, running (from the reset vector)");
	deliver(&cpu[0], 0x4608);
	is(lapic_take_sipi(&cpu[0]), -1, "the BSP ignores SIPI");
}

static void test_nmi_smi_fixed(void)
{
	struct lapic ap;

	setup();
	deliver(&cpu[1], 0x400);
	deliver(&cpu[1], 0x400);
	ok(lapic_take_nmi(&cpu[1]), "NMI: pending");
	ok(!lapic_take_nmi(&cpu[1]), "NMI: taken once");
	deliver(&cpu[1], 0x200);
	ok(!lapic_take_nmi(&cpu[1]) && lapic_mp_state(&cpu[1]) == LAPIC_MP_RUNNING &&
	   lapic_pending(&cpu[1]) == -1, "SMI: ignored");
	deliver(&cpu[1], 0x45);
	is(lapic_pending(&cpu[1]), 0x45, "fixed: in IRR");
	ok(!lapic_tmr_test(&cpu[1], 0x45), "fixed IPI: edge");
	deliver(&cpu[1], 0x8146);
	ok(lapic_irr_test(&cpu[1], 0x46) && !lapic_tmr_test(&cpu[1], 0x46), "lowest priority: in IRR, edge");
	wr(&cpu[2], LAPIC_SVR, 0xff);
	deliver(&cpu[2], 0x400);
	deliver(&cpu[2], 0x47);
	ok(lapic_take_nmi(&cpu[2]) && !lapic_irr_test(&cpu[2], 0x47),
	   "software-disabled: NMI taken, fixed vector refused (SDM 11.4.7.2)");
	lapic_write_base(&cpu[3], LAPIC_DEFAULT_BASE);
	deliver(&cpu[3], 0x400);
	ok(!lapic_take_nmi(&cpu[3]), "globally disabled: no NMI");

	lapic_init_ap(&ap, &fc.clock, 1, NULL, NULL);
	deliver(&ap, 0x400);
	ok(!lapic_take_nmi(&ap), "NMI while waiting for SIPI: held");
	deliver(&ap, 0x4608);
	lapic_take_sipi(&ap);
	ok(lapic_take_nmi(&ap), "and taken once the CPU runs");
	deliver(&ap, 0x400);
	deliver(&ap, 0x4500);
	ok(!lapic_take_nmi(&ap), "INIT discards a pending NMI");
}

/* the wiring: decode, targets, lowest priority, deliver; records what it saw */
static int hook_calls;
static struct lapic_ipi hook_last;

static void wiring(void *opaque, const struct lapic_ipi *ipi)
{
	static unsigned rr;
	int self = (int)(intptr_t)opaque;
	unsigned mask = lapic_ipi_targets(ipi, apics, NCPU, self);

	hook_calls++;
	hook_last = *ipi;
	if (ipi->delivery == LAPIC_DELIVER_LOWEST) {
		int w = lapic_lowest_priority(apics, mask, ipi->vector, &rr);

		mask = w < 0 ? 0 : 1u << w;
	}
	for (int i = 0; i < NCPU; i++)
		if (mask & (1u << i))
			lapic_deliver_ipi(apics[i], ipi);
}

static void test_hook(void)
{
	struct lapic up;

	setup();
	for (int i = 0; i < NCPU; i++) {
		cpu[i].send_ipi = wiring;
		cpu[i].ipi_opaque = (void *)(intptr_t)i;
	}
	hook_calls = 0;
	wr(&cpu[1], LAPIC_ICR_HI, 3u << 24);
	wr(&cpu[1], LAPIC_ICR_LO, 0x4051);
	ok(hook_calls == 1 && hook_last.vector == 0x51 && hook_last.dest == 3 && hook_last.source_id == 1,
	   "ICR low write calls the hook once with the decoded IPI");
	ok(lapic_irr_test(&cpu[3], 0x51) && !lapic_irr_test(&cpu[1], 0x51), "fixed IPI from CPU 1 reaches CPU 3 only");
	is(rd(&cpu[1], LAPIC_ICR_LO) & (1u << 12), 0, "delivery status reads 0 (idle)");
	wr(&cpu[2], LAPIC_ICR_LO, 0x80052);
	ok(lapic_irr_test(&cpu[0], 0x52) && lapic_irr_test(&cpu[1], 0x52) && lapic_irr_test(&cpu[2], 0x52) &&
	   lapic_irr_test(&cpu[3], 0x52), "all including self: the wiring delivers to the sender too");
	wr(&cpu[0], LAPIC_ICR_LO, 0xc0400);
	ok(!lapic_take_nmi(&cpu[0]) && lapic_take_nmi(&cpu[1]) && lapic_take_nmi(&cpu[2]) &&
	   lapic_take_nmi(&cpu[3]), "NMI to all excluding self");
	hook_calls = 0;
	wr(&cpu[0], LAPIC_ICR_LO, 0x40005);
	wr(&cpu[0], LAPIC_ESR, 0);		/* latch the errors so far (SDM 11.5.3) */
	ok(hook_calls == 0 && rd(&cpu[0], LAPIC_ESR) == 0x20, "fixed vector 5: send illegal vector, nothing sent");

	/* the BSP starts the APs: INIT, then SIPI, SIPI to all excluding self */
	wr(&cpu[0], LAPIC_ICR_LO, 0xc4500);
	ok(lapic_mp_state(&cpu[1]) == LAPIC_MP_WAIT_FOR_SIPI && lapic_mp_state(&cpu[3]) == LAPIC_MP_WAIT_FOR_SIPI,
	   "INIT to all excluding self: the APs wait for SIPI");
	ok(lapic_take_init(&cpu[1]) && lapic_take_init(&cpu[3]) && !lapic_take_init(&cpu[0]) &&
	   lapic_mp_state(&cpu[0]) == LAPIC_MP_RUNNING, "the sender is not reset");
	wr(&cpu[0], LAPIC_ICR_LO, 0xc4609);
	wr(&cpu[0], LAPIC_ICR_LO, 0xc4609);
	ok(lapic_take_sipi(&cpu[1]) == 9 && lapic_take_sipi(&cpu[2]) == 9 && lapic_take_sipi(&cpu[3]) == 9 &&
	   lapic_take_sipi(&cpu[1]) == -1, "INIT-SIPI-SIPI: each AP starts once at vector 9");

	/* lowest priority through the wiring: exactly one CPU, the lowest TPR */
	for (int i = 1; i < NCPU; i++)
		wr(&cpu[i], LAPIC_SVR, 0x1ff);
	wr(&cpu[0], LAPIC_TPR, 0x80);
	wr(&cpu[1], LAPIC_TPR, 0x70);
	wr(&cpu[2], LAPIC_TPR, 0x10);
	wr(&cpu[3], LAPIC_TPR, 0x60);
	wr(&cpu[0], LAPIC_ICR_HI, 0xffu << 24);
	wr(&cpu[0], LAPIC_ICR_LO, 0x0153);
	ok(!lapic_irr_test(&cpu[0], 0x53) && !lapic_irr_test(&cpu[1], 0x53) && lapic_irr_test(&cpu[2], 0x53) &&
	   !lapic_irr_test(&cpu[3], 0x53), "lowest priority to 0xFF: only CPU 2 (TPR 0x10)");

	/* no hook: the uniprocessor behaviour of test_lapic.c */
	lapic_init(&up, &fc.clock, 0, NULL, NULL);
	wr(&up, LAPIC_SVR, 0x1ff);
	wr(&up, LAPIC_ICR_LO, 0x40061);
	ok(lapic_irr_test(&up, 0x61), "no hook: self IPI still delivered");
	wr(&up, LAPIC_ICR_LO, 0x40400);
	ok(!lapic_take_nmi(&up), "no hook: NMI to self still ignored");
}

int main(void)
{
	test_decode();
	test_targets();
	test_lowest();
	test_init_sipi();
	test_nmi_smi_fixed();
	test_hook();
	return done_testing();
}
