/*
 * test_lapic.c - unit tests for the local APIC (src/devices/lapic.c).
 *
 * The tests program the APIC through its register page as a guest would,
 * play the IOAPIC with lapic_accept() and the CPU with lapic_pending() and
 * lapic_intack(), and move a fake clock by hand for the timer.
 */
#include "tap.h"
#include "devices/lapic.h"

static struct fake_clock fc = FAKE_CLOCK_INIT;

/* eoi_level recorder: the IOAPIC's view */
static int eoi_calls, eoi_last = -1;
static void *eoi_opaque;

static void record_eoi(void *opaque, int vector)
{
	eoi_calls++;
	eoi_last = vector;
	eoi_opaque = opaque;
}

static uint32_t rd(struct lapic *a, uint32_t off) { return lapic_mmio_read(a, off); }
static void wr(struct lapic *a, uint32_t off, uint32_t v) { lapic_mmio_write(a, off, v); }

/* A fresh APIC at time 0, ID 0, software-enabled with spurious vector 0xFF. */
static void setup(struct lapic *a)
{
	fc.ns = 0;
	eoi_calls = 0;
	eoi_last = -1;
	lapic_init(a, &fc.clock, 0, record_eoi, &fc);
	wr(a, LAPIC_SVR, 0x1ff);
}

static void eoi(struct lapic *a) { wr(a, LAPIC_EOI, 0); }

static void test_reset(void)
{
	struct lapic a;
	bool zero = true, lvt_masked = true;

	lapic_init(&a, &fc.clock, 3, record_eoi, &fc);
	is(rd(&a, LAPIC_ID), 3u << 24, "reset: ID register is id << 24");
	is(rd(&a, LAPIC_VERSION), 0x00050014, "reset: version 0x14, max LVT entry 5");
	is(rd(&a, LAPIC_TPR), 0, "reset: TPR 0");
	is(rd(&a, LAPIC_APR), 0, "reset: APR 0");
	is(rd(&a, LAPIC_PPR), 0, "reset: PPR 0");
	is(rd(&a, LAPIC_LDR), 0, "reset: LDR 0");
	is(rd(&a, LAPIC_DFR), 0xffffffff, "reset: DFR all ones (flat)");
	is(rd(&a, LAPIC_SVR), 0xff, "reset: SVR 0xFF, software-disabled");
	for (uint32_t i = 0; i < 8; i++)
		if (rd(&a, LAPIC_ISR + i * 16) || rd(&a, LAPIC_TMR + i * 16) || rd(&a, LAPIC_IRR + i * 16))
			zero = false;
	ok(zero, "reset: ISR, TMR, IRR all clear");
	is(rd(&a, LAPIC_ESR), 0, "reset: ESR 0");
	ok(rd(&a, LAPIC_ICR_LO) == 0 && rd(&a, LAPIC_ICR_HI) == 0, "reset: ICR 0");
	for (uint32_t off = LAPIC_LVT_TIMER; off <= LAPIC_LVT_ERROR; off += 16)
		if (rd(&a, off) != 0x10000)
			lvt_masked = false;
	ok(lvt_masked, "reset: all six LVT entries 0x00010000");
	ok(rd(&a, LAPIC_TIMER_ICR) == 0 && rd(&a, LAPIC_TIMER_CCR) == 0 && rd(&a, LAPIC_TIMER_DCR) == 0,
	   "reset: timer registers 0");
	is(rd(&a, 0x2f0), 0, "no CMCI LVT: 0x2F0 reads 0");
	is(rd(&a, 0x24), 0, "misaligned offset reads 0");
	is(rd(&a, 0x400), 0, "undefined offset 0x400 reads 0");
	is(lapic_next_event_ns(&a), UINT64_MAX, "reset: no timer event");
	is(lapic_pending(&a), -1, "reset: nothing pending");
	ok(!lapic_accepts_extint(&a), "reset: LINT0 masked, 8259A cut off");

	wr(&a, LAPIC_VERSION, 0x12345678);
	wr(&a, LAPIC_PPR, 0xff);
	wr(&a, 0x400, 1);
	ok(rd(&a, LAPIC_VERSION) == 0x00050014 && rd(&a, LAPIC_PPR) == 0, "read-only registers ignore writes");
	wr(&a, LAPIC_ID, 0x07ffffff);
	is(rd(&a, LAPIC_ID), 0x07000000, "ID writable, bits 31:24 only");
	wr(&a, LAPIC_DFR, 0x01234567);
	is(rd(&a, LAPIC_DFR), 0x0fffffff, "DFR: model bits writable, rest read 1");
	wr(&a, LAPIC_LDR, 0xffffffff);
	is(rd(&a, LAPIC_LDR), 0xff000000, "LDR: bits 31:24 only");
}

static void test_svr(void)
{
	struct lapic a;

	lapic_init(&a, &fc.clock, 0, NULL, NULL);
	wr(&a, LAPIC_LVT_LINT0, 0x700);
	is(rd(&a, LAPIC_LVT_LINT0), 0x10700, "software-disabled: LVT write keeps mask set");
	/* SDM 11.4.7.2: a software-disabled APIC responds normally to INIT, NMI, SMI, SIPI only */
	ok(!lapic_accept(&a, 0x40, false), "software-disabled: a fixed interrupt is refused");
	ok(!lapic_irr_test(&a, 0x40), "software-disabled: the refused vector is not in IRR");
	wr(&a, LAPIC_SVR, 0x1ff);
	is(rd(&a, LAPIC_SVR), 0x1ff, "SVR enable bit set");
	ok(lapic_accept(&a, 0x40, false), "software-enabled: a fixed interrupt is accepted");
	wr(&a, LAPIC_SVR, 0xff);
	/* "Pending interrupts in the IRR and ISR registers are held" */
	ok(lapic_irr_test(&a, 0x40), "disabled again: the pending interrupt is held in IRR");
	is(lapic_pending(&a), -1, "disabled again: but not offered to the CPU");
	wr(&a, LAPIC_SVR, 0x1ff);
	is(lapic_pending(&a), 0x40, "software-enabled: held interrupt offered");
	is(rd(&a, LAPIC_LVT_LINT0), 0x10700, "enabling does not unmask LVT entries");
	wr(&a, LAPIC_LVT_LINT0, 0x700);
	wr(&a, LAPIC_LVT_ERROR, 0x33);
	ok(rd(&a, LAPIC_LVT_LINT0) == 0x700 && lapic_accepts_extint(&a), "enabled: LINT0 ExtINT unmasked");
	wr(&a, LAPIC_SVR, 0x0ff);
	ok(rd(&a, LAPIC_LVT_LINT0) == 0x10700 && rd(&a, LAPIC_LVT_ERROR) == 0x10033,
	   "software-disable sets every LVT mask bit");
	ok(!lapic_accepts_extint(&a), "masked LINT0: no ExtINT");
	wr(&a, LAPIC_SVR, 0xffffffff);
	is(rd(&a, LAPIC_SVR), 0x1ff, "SVR: focus/EOI-suppression bits not writable");
	wr(&a, LAPIC_LVT_LINT1, 0xffffffff);
	is(rd(&a, LAPIC_LVT_LINT1), 0x1a7ff, "LINT1: delivery status and remote IRR read 0");
}

static void test_priority(void)
{
	struct lapic a;

	setup(&a);
	lapic_accept(&a, 0x31, false);
	lapic_accept(&a, 0x52, false);
	lapic_accept(&a, 0x45, false);
	is(lapic_pending(&a), 0x52, "pending: highest IRR vector");
	is(lapic_intack(&a), 0x52, "intack returns it");
	ok(lapic_isr_test(&a, 0x52) && !lapic_irr_test(&a, 0x52), "intack moved IRR -> ISR");
	is(lapic_ppr(&a), 0x50, "PPR = ISRV class while TPR lower");
	is(lapic_pending(&a), -1, "lower classes blocked while 0x52 in service");
	lapic_accept(&a, 0x5f, false);
	is(lapic_pending(&a), -1, "same class (0x5f) blocked by 0x52 in service");
	lapic_accept(&a, 0x61, false);
	is(lapic_intack(&a), 0x61, "nested: higher class taken while 0x52 in service");
	eoi(&a);
	ok(!lapic_isr_test(&a, 0x61) && lapic_isr_test(&a, 0x52), "EOI retires the highest ISR (0x61) first");
	eoi(&a);
	ok(!lapic_isr_test(&a, 0x52), "second EOI retires 0x52");
	is(lapic_intack(&a), 0x5f, "then 0x5f");
	eoi(&a);
	is(lapic_intack(&a), 0x45, "then 0x45");
	eoi(&a);
	is(lapic_intack(&a), 0x31, "then 0x31");
	eoi(&a);
	is(lapic_intack(&a), -1, "intack with nothing pending: -1");
	eoi(&a);
	is(eoi_calls, 0, "EOI with nothing in service: harmless, no callback");

	/* TPR */
	wr(&a, LAPIC_TPR, 0x40);
	lapic_accept(&a, 0x41, false);
	is(lapic_pending(&a), -1, "TPR 0x40 holds back 0x41 (same class)");
	lapic_accept(&a, 0x35, false);
	is(lapic_pending(&a), -1, "TPR 0x40 holds back 0x35");
	is(lapic_ppr(&a), 0x40, "PPR = TPR when nothing in service");
	wr(&a, LAPIC_TPR, 0x3f);
	is(lapic_pending(&a), 0x41, "TPR dropped to 0x3f: 0x41 delivered");
	lapic_intack(&a);
	is(lapic_ppr(&a), 0x40, "PPR = ISRV & 0xF0 when above TPR");
	wr(&a, LAPIC_TPR, 0x4a);
	is(lapic_ppr(&a), 0x4a, "PPR = full TPR when TPR class >= ISRV class");
	wr(&a, LAPIC_TPR, 0x5a);
	is(rd(&a, LAPIC_PPR), 0x5a, "PPR register readable");
	wr(&a, LAPIC_TPR, 0x3f);
	eoi(&a);
	wr(&a, LAPIC_TPR, 0x20);
	is(lapic_intack(&a), 0x35, "0x35 after TPR 0x20");
	/* APR: TPR 0x20, ISR 0x35, IRR empty -> max class */
	is(rd(&a, LAPIC_APR), 0x30, "APR = max(TPR, ISRV, IRRV) classes when ISRV above TPR");
	eoi(&a);
	wr(&a, LAPIC_TPR, 0x2b);
	is(rd(&a, LAPIC_APR), 0x2b, "APR = TPR when nothing beats it");
	lapic_accept(&a, 0x71, false);
	is(rd(&a, LAPIC_APR), 0x70, "APR counts a pending request");

	/* CR8 */
	lapic_set_cr8(&a, 0x9);
	is(rd(&a, LAPIC_TPR), 0x90, "CR8 write: TPR = cr8 << 4");
	wr(&a, LAPIC_TPR, 0xa7);
	is(lapic_get_cr8(&a), 0xa, "CR8 read: TPR[7:4]");
}

static void test_level_eoi(void)
{
	struct lapic a;

	setup(&a);
	lapic_accept(&a, 0x60, true);
	lapic_accept(&a, 0x50, false);
	ok(lapic_tmr_test(&a, 0x60) && !lapic_tmr_test(&a, 0x50), "TMR set for level, not for edge");
	is(rd(&a, LAPIC_TMR + 0x30), 1u << 0, "TMR register word 3 bit 0 = vector 0x60");
	lapic_intack(&a);
	eoi(&a);
	ok(eoi_calls == 1 && eoi_last == 0x60 && eoi_opaque == &fc, "EOI of level vector calls eoi_level(opaque, 0x60)");
	/* SDM 11.8.4: a TMR bit changes only when the vector is accepted */
	ok(lapic_tmr_test(&a, 0x60), "TMR bit still set after the EOI (only an acceptance changes it)");
	lapic_intack(&a);
	eoi(&a);
	is(eoi_calls, 1, "EOI of edge vector: no callback");
	lapic_accept(&a, 0x60, false);
	ok(!lapic_tmr_test(&a, 0x60), "TMR bit cleared when the vector is next accepted as edge");
	lapic_intack(&a);
	eoi(&a);
	is(eoi_calls, 1, "EOI of vector 0x60, now edge: no callback");
	/* a level vector arriving again while in service keeps its TMR bit */
	lapic_accept(&a, 0x60, true);
	lapic_intack(&a);
	lapic_accept(&a, 0x60, true);
	eoi(&a);
	ok(eoi_calls == 2 && lapic_tmr_test(&a, 0x60), "re-arrived level vector keeps TMR across EOI");
}

static void test_icr(void)
{
	struct lapic a;

	setup(&a);
	lapic_init(&a, &fc.clock, 5, record_eoi, &fc);
	wr(&a, LAPIC_SVR, 0x1ff);
	wr(&a, LAPIC_ICR_LO, (1u << 18) | 0x40);
	ok(lapic_irr_test(&a, 0x40) && !lapic_tmr_test(&a, 0x40), "ICR self shorthand: edge vector in IRR");
	is(rd(&a, LAPIC_ICR_LO) & (1u << 12), 0, "ICR delivery status reads 0");
	wr(&a, LAPIC_ICR_LO, (2u << 18) | 0x41);
	ok(lapic_irr_test(&a, 0x41), "ICR all-including-self delivers");
	wr(&a, LAPIC_ICR_LO, (3u << 18) | 0x42);
	ok(!lapic_irr_test(&a, 0x42), "ICR all-excluding-self: nothing");
	wr(&a, LAPIC_ICR_HI, 5u << 24);
	wr(&a, LAPIC_ICR_LO, 0x43);
	ok(lapic_irr_test(&a, 0x43), "ICR physical, our ID 5: delivered");
	is(rd(&a, LAPIC_ICR_HI), 5u << 24, "ICR high reads back");
	wr(&a, LAPIC_ICR_HI, 6u << 24);
	wr(&a, LAPIC_ICR_LO, 0x44);
	ok(!lapic_irr_test(&a, 0x44), "ICR physical, other ID 6: nothing");
	wr(&a, LAPIC_ICR_HI, 0xffu << 24);
	wr(&a, LAPIC_ICR_LO, (1u << 8) | 0x45);
	ok(lapic_irr_test(&a, 0x45), "ICR physical broadcast 0xFF, lowest priority: delivered");
	wr(&a, LAPIC_LDR, 0x04u << 24);
	wr(&a, LAPIC_ICR_HI, 0x0cu << 24);
	wr(&a, LAPIC_ICR_LO, (1u << 11) | 0x46);
	ok(lapic_irr_test(&a, 0x46), "ICR logical flat, LDR bit matches: delivered");
	wr(&a, LAPIC_ICR_HI, 0x03u << 24);
	wr(&a, LAPIC_ICR_LO, (1u << 11) | 0x47);
	ok(!lapic_irr_test(&a, 0x47), "ICR logical flat, no LDR bit: nothing");
	wr(&a, LAPIC_DFR, 0x0fffffff);
	wr(&a, LAPIC_LDR, 0x21u << 24);
	wr(&a, LAPIC_ICR_HI, 0x23u << 24);
	wr(&a, LAPIC_ICR_LO, (1u << 11) | 0x48);
	ok(lapic_irr_test(&a, 0x48), "ICR logical cluster 2, member bit 0: delivered");
	wr(&a, LAPIC_ICR_HI, 0x31u << 24);
	wr(&a, LAPIC_ICR_LO, (1u << 11) | 0x49);
	ok(!lapic_irr_test(&a, 0x49), "ICR logical, other cluster: nothing");
	wr(&a, LAPIC_ICR_LO, (1u << 18) | (4u << 8) | 0x4a);
	wr(&a, LAPIC_ICR_LO, (1u << 18) | (5u << 8) | 0x4b);
	wr(&a, LAPIC_ICR_LO, (1u << 18) | (6u << 8) | 0x4c);
	ok(!lapic_irr_test(&a, 0x4a) && !lapic_irr_test(&a, 0x4b) && !lapic_irr_test(&a, 0x4c),
	   "ICR NMI/INIT/SIPI to self: ignored");
}

static void test_errors(void)
{
	struct lapic a;

	setup(&a);
	wr(&a, LAPIC_ICR_LO, (1u << 18) | 0x05);
	is(rd(&a, LAPIC_ESR), 0, "ESR reads 0 until written");
	wr(&a, LAPIC_ESR, 0);
	is(rd(&a, LAPIC_ESR), 0x20, "ICR vector 5: send illegal vector (bit 5)");
	ok(!lapic_irr_test(&a, 0x05), "illegal IPI not delivered");
	is(lapic_pending(&a), -1, "error LVT masked: no error interrupt");
	wr(&a, LAPIC_ESR, 0);
	is(rd(&a, LAPIC_ESR), 0, "second ESR write: no new errors, reads 0");

	wr(&a, LAPIC_LVT_ERROR, 0xe3);
	lapic_accept(&a, 0x0e, false);
	ok(!lapic_irr_test(&a, 0x0e), "accept vector 14: IRR untouched");
	is(lapic_pending(&a), 0xe3, "unmasked error LVT raises vector 0xE3");
	wr(&a, LAPIC_ESR, 0);
	is(rd(&a, LAPIC_ESR), 0x40, "receive illegal vector (bit 6)");
	lapic_intack(&a);
	eoi(&a);
	wr(&a, LAPIC_ICR_LO, 0x01);	/* physical dest 0 = us, vector 1 */
	lapic_accept(&a, 3, true);
	is(rd(&a, LAPIC_ESR), 0x40, "ESR keeps old value until the next write");
	wr(&a, LAPIC_ESR, 0xffffffff);
	is(rd(&a, LAPIC_ESR), 0x60, "errors accumulate: send and receive");
	is(lapic_pending(&a), 0xe3, "error interrupt raised again");

	wr(&a, LAPIC_LVT_ERROR, 0x07);	/* an illegal error vector: no loop */
	lapic_intack(&a);
	eoi(&a);
	lapic_accept(&a, 2, false);
	is(lapic_pending(&a), -1, "illegal error LVT vector raises nothing");
	wr(&a, LAPIC_ESR, 0);
	is(rd(&a, LAPIC_ESR), 0x40, "and is itself a receive error");
}

/* one-shot with the given divide configuration code and expected divisor */
static void oneshot(uint32_t dcr, uint64_t div)
{
	struct lapic a;

	setup(&a);
	wr(&a, LAPIC_TIMER_DCR, dcr);
	wr(&a, LAPIC_LVT_TIMER, 0x30);
	fc.ns = 1000;
	wr(&a, LAPIC_TIMER_ICR, 500);
	ok(rd(&a, LAPIC_TIMER_CCR) == 500 && lapic_next_event_ns(&a) == 1000 + 500 * div,
	   "one-shot /%d: count 500, expiry at %d ns", (int)div, (int)(1000 + 500 * div));
	fc.ns = 1000 + 100 * div;
	is(rd(&a, LAPIC_TIMER_CCR), 400, "one-shot /%d: 100 counts later reads 400", (int)div);
	fc.ns = 1000 + 100 * div + div - 1;
	is(rd(&a, LAPIC_TIMER_CCR), 400, "one-shot /%d: count holds within a divided clock", (int)div);
	fc.ns = 1000 + 500 * div - 1;
	lapic_update(&a);
	ok(rd(&a, LAPIC_TIMER_CCR) == 1 && !lapic_irr_test(&a, 0x30), "one-shot /%d: 1 ns early, no interrupt", (int)div);
	fc.ns = 1000 + 500 * div;
	lapic_update(&a);
	ok(lapic_irr_test(&a, 0x30) && rd(&a, LAPIC_TIMER_CCR) == 0, "one-shot /%d: fires at 0", (int)div);
	ok(lapic_next_event_ns(&a) == UINT64_MAX, "one-shot /%d: stopped", (int)div);
	lapic_intack(&a);
	fc.ns += 10 * 500 * div;
	lapic_update(&a);
	ok(!lapic_irr_test(&a, 0x30) && rd(&a, LAPIC_TIMER_ICR) == 500, "one-shot /%d: fires once", (int)div);
}

static void test_timer(void)
{
	struct lapic a;

	oneshot(0xb, 1);
	oneshot(0x0, 2);
	oneshot(0x3, 16);
	oneshot(0xa, 128);

	/* periodic */
	setup(&a);
	wr(&a, LAPIC_LVT_TIMER, (1u << 17) | 0x31);
	wr(&a, LAPIC_TIMER_DCR, 0xb);
	wr(&a, LAPIC_TIMER_ICR, 1000);
	is(lapic_next_event_ns(&a), 1000, "periodic: first event at 1000");
	fc.ns = 1000;
	lapic_update(&a);
	ok(lapic_irr_test(&a, 0x31), "periodic: fired at 1000");
	is(lapic_next_event_ns(&a), 2000, "periodic: next event at 2000");
	is(rd(&a, LAPIC_TIMER_CCR), 1000, "periodic: reloaded to the initial count");
	lapic_intack(&a);
	eoi(&a);
	fc.ns = 2000;
	lapic_update(&a);
	ok(lapic_irr_test(&a, 0x31) && lapic_next_event_ns(&a) == 3000, "periodic: fired at 2000, next 3000");
	lapic_intack(&a);
	eoi(&a);
	fc.ns = 5250;	/* late: 3000, 4000, 5000 missed */
	is(rd(&a, LAPIC_TIMER_CCR), 750, "periodic: count follows the period grid while late");
	is(lapic_pending(&a), 0x31, "late periods fire (register read catches up)");
	lapic_intack(&a);
	eoi(&a);
	lapic_update(&a);
	ok(!lapic_irr_test(&a, 0x31), "late periods coalesce into one interrupt");
	is(lapic_next_event_ns(&a), 6000, "periodic: next event stays on the grid (6000)");
	wr(&a, LAPIC_TIMER_ICR, 0);
	ok(lapic_next_event_ns(&a) == UINT64_MAX && rd(&a, LAPIC_TIMER_CCR) == 0, "initial count 0 stops the timer");

	/* divide change mid-count keeps the count */
	setup(&a);
	wr(&a, LAPIC_TIMER_DCR, 0xb);
	wr(&a, LAPIC_LVT_TIMER, 0x32);
	wr(&a, LAPIC_TIMER_ICR, 1000);
	fc.ns = 400;
	wr(&a, LAPIC_TIMER_DCR, 0x1);	/* divide by 4 */
	ok(rd(&a, LAPIC_TIMER_CCR) == 600 && lapic_next_event_ns(&a) == 400 + 600 * 4,
	   "divide change: count kept, runs on at the new rate");

	/* masked */
	setup(&a);
	wr(&a, LAPIC_LVT_TIMER, 0x10000 | (1u << 17) | 0x33);
	wr(&a, LAPIC_TIMER_DCR, 0xb);
	wr(&a, LAPIC_TIMER_ICR, 100);
	fc.ns = 150;
	is(rd(&a, LAPIC_TIMER_CCR), 50, "masked timer: count runs");
	lapic_update(&a);
	ok(!lapic_irr_test(&a, 0x33) && lapic_next_event_ns(&a) == 200, "masked timer: no IRR, keeps reloading");
}

static void test_tsc_deadline(void)
{
	struct lapic a;

	setup(&a);
	wr(&a, LAPIC_LVT_TIMER, 0x34);		/* one-shot mode */
	lapic_write_tsc_deadline(&a, 5000, 500);
	ok(lapic_read_tsc_deadline(&a) == 0 && lapic_next_event_ns(&a) == UINT64_MAX,
	   "TSC deadline ignored in one-shot mode");
	wr(&a, LAPIC_TIMER_DCR, 0xb);
	wr(&a, LAPIC_TIMER_ICR, 1000);
	wr(&a, LAPIC_LVT_TIMER, (2u << 17) | 0x34);
	ok(lapic_next_event_ns(&a) == UINT64_MAX && rd(&a, LAPIC_TIMER_ICR) == 0,
	   "switch to TSC-deadline disarms the count timer");
	wr(&a, LAPIC_TIMER_ICR, 1000);
	is(rd(&a, LAPIC_TIMER_CCR), 0, "TSC-deadline: initial count ignored, current count 0");
	lapic_write_tsc_deadline(&a, 12345, 700);
	ok(lapic_read_tsc_deadline(&a) == 12345 && lapic_next_event_ns(&a) == 700, "TSC-deadline armed");
	fc.ns = 699;
	lapic_update(&a);
	ok(!lapic_irr_test(&a, 0x34), "TSC-deadline: not before its time");
	fc.ns = 700;
	lapic_update(&a);
	ok(lapic_irr_test(&a, 0x34), "TSC-deadline fires");
	ok(lapic_read_tsc_deadline(&a) == 0 && lapic_next_event_ns(&a) == UINT64_MAX, "and disarms itself");
	lapic_intack(&a);
	eoi(&a);
	lapic_write_tsc_deadline(&a, 20000, 2000);
	lapic_write_tsc_deadline(&a, 0, 0);
	fc.ns = 3000;
	lapic_update(&a);
	ok(!lapic_irr_test(&a, 0x34) && lapic_next_event_ns(&a) == UINT64_MAX, "deadline 0 disarms");
	lapic_write_tsc_deadline(&a, 100, 100);
	ok(lapic_irr_test(&a, 0x34), "deadline in the past fires at once");
	lapic_write_tsc_deadline(&a, 90000, 9000);
	wr(&a, LAPIC_LVT_TIMER, 0x34);
	ok(lapic_next_event_ns(&a) == UINT64_MAX && lapic_read_tsc_deadline(&a) == 0,
	   "leaving TSC-deadline mode disarms the deadline");
}

static void test_base(void)
{
	struct lapic a;

	setup(&a);
	is(lapic_read_base(&a), 0xfee00900, "IA32_APIC_BASE: 0xFEE00000 | EN | BSP");
	is(lapic_write_base(&a, 0xfee00d00), -1, "x2APIC enable (bit 10) refused: CPUID does not offer it");
	is(lapic_write_base(&a, 0xfee00901), -1, "reserved bit 0 refused");
	is(lapic_write_base(&a, 0xfee00b00), -1, "reserved bit 9 refused");
	is(lapic_write_base(&a, 0x1000000000ull | 0x900), -1, "an address at 2^36 (above MAXPHYADDR 36) refused");
	is(lapic_read_base(&a), 0xfee00900, "refused writes change nothing");
	/* SDM 11.4.4: bits 12 and up are the page's base address, which software may change */
	is(lapic_write_base(&a, 0xfed00800), 0, "moving the page to 0xFED00000 accepted");
	is(lapic_read_base(&a), 0xfed00900, "IA32_APIC_BASE reads the new page, EN, and BSP (written clear, kept)");
	is(lapic_base_address(&a), 0xfed00000, "the register page is at 0xFED00000");
	is(rd(&a, LAPIC_VERSION) & 0xff, 0x14, "the moved APIC still answers (version 0x14)");
	is(lapic_write_base(&a, 0xfee00800), 0, "moving it back accepted");
	is(lapic_write_base(&a, 0xfee00900), 0, "same value accepted");
	lapic_accept(&a, 0x50, false);
	wr(&a, LAPIC_TPR, 0x20);
	is(lapic_write_base(&a, 0xfee00000), 0, "clearing EN accepted");
	is(lapic_read_base(&a), 0xfee00100, "globally disabled: EN reads 0, BSP stays");
	ok(lapic_accepts_extint(&a), "globally disabled: 8259A reaches the CPU");
	ok(lapic_pending(&a) == -1, "globally disabled: no interrupts");
	/* SDM 11.4.3: EN clear = a CPU without an APIC; nothing decodes the page, an open bus reads all ones */
	ok(rd(&a, LAPIC_VERSION) == 0xffffffff && rd(&a, LAPIC_ID) == 0xffffffff,
	   "globally disabled: the page reads all ones");
	lapic_accept(&a, 0x60, false);
	is(lapic_write_base(&a, 0xfee00800), 0, "EN set again");
	ok(!lapic_irr_test(&a, 0x50) && !lapic_irr_test(&a, 0x60) && rd(&a, LAPIC_TPR) == 0 &&
	   rd(&a, LAPIC_SVR) == 0xff, "re-enabled APIC is in its reset state");
	ok(!lapic_accepts_extint(&a), "re-enabled: LINT0 masked again");
	lapic_setup_virtual_wire(&a);
	ok(lapic_accepts_extint(&a) && rd(&a, LAPIC_LVT_LINT1) == 0x400 && rd(&a, LAPIC_SVR) == 0x1ff,
	   "virtual wire: LINT0 ExtINT, LINT1 NMI, enabled");
	wr(&a, LAPIC_LVT_LINT0, 0x000);
	ok(!lapic_accepts_extint(&a), "LINT0 fixed delivery: no ExtINT");
}

/*
 * The VMM's floor under a periodic period (KVM: min_timer_period_us; the SDM
 * has none): a 1 us period with a 200 us floor fires every 200 us.  One-shot
 * counts are not clamped.  0 (the model's default) means no floor.
 */
/*
 * The lost-tick policy on a periodic timer (tick.h; SDM 11.5.4: periodic
 * mode interrupts at every reload).  A 1 ms timer while the CPU takes
 * nothing for 5.5 ms: 5 expiries fall due.  Coalesce: they share one IRR
 * bit, the CPU takes 1.  Reinject: the CPU takes all 5, one per INTA, each
 * after the EOI of the one before; a reprogrammed count forgets the rest.
 */
static int take_all(struct lapic *a, int vector)
{
	int taken = 0;

	while (lapic_pending(a) == vector && taken < 100) {
		lapic_intack(a);
		eoi(a);
		taken++;
	}
	return taken;
}

static void test_tick_policy(void)
{
	struct lapic a;

	for (int reinject = 0; reinject <= 1; reinject++) {
		setup(&a);
		tick_gate_init(&a.timer_ticks, reinject ? TICK_REINJECT : TICK_COALESCE);
		wr(&a, LAPIC_LVT_TIMER, (1u << 17) | 0x40);	/* periodic, vector 0x40 */
		wr(&a, LAPIC_TIMER_DCR, 0xb);			/* divide by 1: 1 clock = 1 ns */
		wr(&a, LAPIC_TIMER_ICR, 1000000);		/* 1 ms */
		for (int us = 100; us <= 5500; us += 100) {	/* the VMM looks every 100 us; the CPU takes nothing */
			fc.ns = (uint64_t)us * 1000;
			lapic_update(&a);
		}
		is(take_all(&a, 0x40), reinject ? 5 : 1, reinject ?
		   "reinject: 5 periods with nothing taken, then the CPU takes 5 timer interrupts" :
		   "coalesce: 5 periods with nothing taken, then the CPU takes 1 timer interrupt");
	}

	setup(&a);
	tick_gate_init(&a.timer_ticks, TICK_REINJECT);
	wr(&a, LAPIC_LVT_TIMER, (1u << 17) | 0x41);
	wr(&a, LAPIC_TIMER_DCR, 0xb);
	wr(&a, LAPIC_TIMER_ICR, 1000000);
	fc.ns = 5500000;
	lapic_update(&a);				/* a VMM 5.5 ms late finds 5 expiries at once */
	is(take_all(&a, 0x41), 5, "reinject: 5 expiries found by one late update are still 5 interrupts");

	setup(&a);
	tick_gate_init(&a.timer_ticks, TICK_REINJECT);
	wr(&a, LAPIC_LVT_TIMER, (1u << 17) | 0x42);
	wr(&a, LAPIC_TIMER_DCR, 0xb);
	wr(&a, LAPIC_TIMER_ICR, 1000000);
	fc.ns = 5500000;
	lapic_update(&a);
	wr(&a, LAPIC_TIMER_ICR, 50000000);		/* reprogrammed to 50 ms before taking any */
	is(take_all(&a, 0x42), 1, "reinject: a new initial count forgets the ticks owed at the old one (1 taken, in IRR)");

	setup(&a);
	tick_gate_init(&a.timer_ticks, TICK_REINJECT);
	wr(&a, LAPIC_LVT_TIMER, (1u << 16) | (1u << 17) | 0x43);	/* periodic, masked */
	wr(&a, LAPIC_TIMER_DCR, 0xb);
	wr(&a, LAPIC_TIMER_ICR, 1000000);
	fc.ns = 5500000;
	lapic_update(&a);
	wr(&a, LAPIC_LVT_TIMER, (1u << 17) | 0x43);	/* unmasked */
	is(take_all(&a, 0x43), 0, "reinject: expiries while the LVT was masked are not owed (SDM: masked, no interrupt)");
}

static void test_min_period(void)
{
	struct lapic a;

	setup(&a);
	a.min_period_ns = 200000;
	fc.ns = 0;
	wr(&a, LAPIC_LVT_TIMER, (1u << 17) | 0x32);	/* periodic */
	wr(&a, LAPIC_TIMER_DCR, 0xb);			/* divide by 1: 1 clock = 1 ns */
	wr(&a, LAPIC_TIMER_ICR, 1000);			/* 1 us */
	is(lapic_next_event_ns(&a), 200000, "floor 200 us: a 1 us periodic timer first fires at 200 us");
	fc.ns = 200000;
	lapic_update(&a);
	ok(lapic_irr_test(&a, 0x32), "floor: it fired at 200 us");
	is(lapic_next_event_ns(&a), 400000, "floor: the next expiry is 200 us later, not 1 us");

	setup(&a);
	a.min_period_ns = 200000;
	fc.ns = 0;
	wr(&a, LAPIC_LVT_TIMER, 0x33);			/* one-shot */
	wr(&a, LAPIC_TIMER_DCR, 0xb);
	wr(&a, LAPIC_TIMER_ICR, 1000);
	is(lapic_next_event_ns(&a), 1000, "floor: a one-shot count is not clamped (fires at 1 us)");

	setup(&a);
	fc.ns = 0;
	wr(&a, LAPIC_LVT_TIMER, (1u << 17) | 0x34);
	wr(&a, LAPIC_TIMER_DCR, 0xb);
	wr(&a, LAPIC_TIMER_ICR, 1000);
	is(lapic_next_event_ns(&a), 1000, "no floor (0, the default): the periodic timer keeps the SDM's 1 us");

	/*
	 * The current count under the floor.  SDM 11.5.4: the current count is
	 * loaded from the initial count and counts down to 0, so it never reads
	 * above the initial count.  When the floor stretches the period, the
	 * count must still run from the initial count to 0 within it; the
	 * model's choice is to run it down evenly over the stretched period.
	 */
	setup(&a);
	a.min_period_ns = 200000;
	fc.ns = 0;
	wr(&a, LAPIC_LVT_TIMER, (1u << 17) | 0x35);
	wr(&a, LAPIC_TIMER_DCR, 0xb);
	wr(&a, LAPIC_TIMER_ICR, 10);			/* 10 ns, stretched to 200 us */
	is(rd(&a, LAPIC_TIMER_CCR), 10, "floor: current count starts at the initial count");
	fc.ns = 5;
	ok(rd(&a, LAPIC_TIMER_CCR) <= 10, "floor: current count never above the initial count (5 ns in)");
	fc.ns = 100000;
	is(rd(&a, LAPIC_TIMER_CCR), 5, "floor: halfway through the stretched period, half the count");
	fc.ns = 199999;
	is(rd(&a, LAPIC_TIMER_CCR), 1, "floor: 1 just before the expiry");
	fc.ns = 200000;
	lapic_update(&a);
	ok(lapic_irr_test(&a, 0x35) && rd(&a, LAPIC_TIMER_CCR) == 10, "floor: fires at 200 us, reloads the initial count");
	fc.ns = 250000;
	is(rd(&a, LAPIC_TIMER_CCR), 8, "floor: second period runs down the same way (50 us in: 8)");
}

/* Take the timer's vector: IRR -> ISR -> EOI, so the next expiry shows in IRR again. */
static bool took_timer(struct lapic *a, int vector)
{
	bool was = lapic_irr_test(a, vector);

	if (was) {
		lapic_intack(a);
		eoi(a);
	}
	return was;
}

/*
 * One-shot <-> periodic while the count runs.  SDM vol. 3A 11.5.4 "APIC
 * Timer": the count runs down from the initial count at the bus clock / the
 * divisor; when it reaches 0 a one-shot timer stays at 0 and a periodic one
 * reloads from the initial count.  So the mode matters only at 0: a switch
 * in between neither restarts nor stops the count, and the mode in force at
 * 0 decides what follows.  Writing the initial count is what starts a timer
 * (11.5.4), so a switch to periodic after a one-shot ran out starts nothing.
 *
 * Doubtful: 11.5.4.1 (TSC-deadline mode) says "a write to the LVT Timer
 * Register that changes the timer mode disarms" the timer.  Read literally it
 * would cover one-shot <-> periodic too; the model (as KVM, after bare-metal
 * observation) applies it only to switches into and out of TSC-deadline mode.
 * This test pins the model's reading.
 *
 * Divide by 1 (DCR 0xB): one count per ns at the model's 1 GHz bus.
 */
static void test_timer_mode_switch(void)
{
	struct lapic a;

	setup(&a);
	wr(&a, LAPIC_TIMER_DCR, 0xb);
	wr(&a, LAPIC_LVT_TIMER, 0x35);			/* one-shot */
	wr(&a, LAPIC_TIMER_ICR, 1000);
	fc.ns = 400;
	wr(&a, LAPIC_LVT_TIMER, (1u << 17) | 0x35);	/* -> periodic at count 600 */
	is(rd(&a, LAPIC_TIMER_CCR), 600, "one-shot -> periodic: the count runs on (600)");
	is(lapic_next_event_ns(&a), 1000, "one-shot -> periodic: still reaches 0 at 1000");
	fc.ns = 1000;
	lapic_update(&a);
	ok(took_timer(&a, 0x35), "one-shot -> periodic: fires at 1000");
	is(lapic_next_event_ns(&a), 2000, "one-shot -> periodic: periodic at 0, reloads (next 2000)");
	fc.ns = 1500;
	is(rd(&a, LAPIC_TIMER_CCR), 500, "one-shot -> periodic: reloaded from the initial count");
	fc.ns = 2000;
	lapic_update(&a);
	ok(took_timer(&a, 0x35), "periodic: fires at 2000");
	fc.ns = 2300;
	wr(&a, LAPIC_LVT_TIMER, 0x35);			/* -> one-shot at count 700 */
	is(rd(&a, LAPIC_TIMER_CCR), 700, "periodic -> one-shot: the count runs on (700)");
	is(lapic_next_event_ns(&a), 3000, "periodic -> one-shot: still reaches 0 at 3000");
	fc.ns = 3000;
	lapic_update(&a);
	ok(took_timer(&a, 0x35), "periodic -> one-shot: fires at 3000");
	ok(lapic_next_event_ns(&a) == UINT64_MAX && rd(&a, LAPIC_TIMER_CCR) == 0,
	   "periodic -> one-shot: one-shot at 0, stays at 0");
	fc.ns = 5000;
	lapic_update(&a);
	ok(!lapic_irr_test(&a, 0x35), "periodic -> one-shot: no interrupt at 4000");
	wr(&a, LAPIC_LVT_TIMER, (1u << 17) | 0x35);	/* count 0: the switch starts nothing */
	fc.ns = 9000;
	lapic_update(&a);
	ok(!lapic_irr_test(&a, 0x35) && rd(&a, LAPIC_TIMER_CCR) == 0 && lapic_next_event_ns(&a) == UINT64_MAX,
	   "expired one-shot -> periodic: the timer is not started");
	wr(&a, LAPIC_TIMER_ICR, 1000);			/* the initial count does */
	is(lapic_next_event_ns(&a), 10000, "periodic: started by the initial count write");
}

/*
 * The divide configuration changed while a periodic timer runs.  SDM 11.5.4:
 * the timer's rate is the bus clock divided by the value in the divide
 * configuration register; it says nothing of a change mid-count.  Oracle:
 * the count itself does not jump at the write, the counts that follow take
 * the new divisor, and so do the periods after the reload (initial count *
 * new divisor).  Times are chosen on whole divided clocks, so no partial
 * prescaler period is involved.
 */
static void test_timer_divide_periodic(void)
{
	struct lapic a;

	setup(&a);
	wr(&a, LAPIC_TIMER_DCR, 0x0);			/* divide by 2 */
	wr(&a, LAPIC_LVT_TIMER, (1u << 17) | 0x36);
	wr(&a, LAPIC_TIMER_ICR, 1000);			/* period 2000 ns */
	fc.ns = 2000;
	lapic_update(&a);
	ok(took_timer(&a, 0x36), "divide /2 periodic: fires at 2000");
	fc.ns = 2600;
	is(rd(&a, LAPIC_TIMER_CCR), 700, "divide /2: count 700 at 2600");
	wr(&a, LAPIC_TIMER_DCR, 0x2);			/* divide by 8 */
	is(rd(&a, LAPIC_TIMER_DCR), 0x2, "divide register reads back");
	is(rd(&a, LAPIC_TIMER_CCR), 700, "divide /2 -> /8: count unchanged at the write");
	fc.ns = 2600 + 8 * 100;
	is(rd(&a, LAPIC_TIMER_CCR), 600, "divide /8: 100 counts take 800 ns");
	is(lapic_next_event_ns(&a), 2600 + 700 * 8, "divide /8: reaches 0 after 700 * 8 ns (8200)");
	fc.ns = 8199;
	lapic_update(&a);
	ok(!lapic_irr_test(&a, 0x36), "divide /8: not at 8199");
	fc.ns = 8200;
	lapic_update(&a);
	ok(took_timer(&a, 0x36), "divide /8: fires at 8200");
	is(lapic_next_event_ns(&a), 8200 + 1000 * 8, "divide /8: next period is 1000 * 8 ns (16200)");
	fc.ns = 12200;
	is(rd(&a, LAPIC_TIMER_CCR), 500, "divide /8: count 500 at 12200");
	wr(&a, LAPIC_TIMER_DCR, 0xb);			/* divide by 1 */
	is(rd(&a, LAPIC_TIMER_CCR), 500, "divide /8 -> /1: count unchanged at the write");
	is(lapic_next_event_ns(&a), 12700, "divide /1: reaches 0 500 ns later");
	fc.ns = 12700;
	lapic_update(&a);
	ok(took_timer(&a, 0x36), "divide /1: fires at 12700");
	is(lapic_next_event_ns(&a), 13700, "divide /1: period 1000 ns");
}

/*
 * Logical destinations in the cluster model (SDM vol. 3A 11.6.2.2, "Logical
 * Destination Mode"; 10.6.2.2 in older editions).  DFR[31:28] = 0000 selects
 * it.  MDA bits 7:4 are compared with LDR bits 31:28 (the cluster), MDA bits
 * 3:0 with LDR bits 27:24 (up to four APICs in the cluster, one bit each, as
 * in the flat model).  Clusters 0-14 are addresses; setting all destination
 * bits to one (0xFF) is the broadcast, which "guarantees a match on all
 * clusters and selects all APICs in each cluster".  The model reads cluster
 * 15 as "every cluster" also with fewer member bits (0xF2: member 1 of every
 * cluster); the SDM states only the all-ones case (doubtful, noted).  With
 * DFR[31:28] = 1111 (flat) the same LDR is one bit per APIC.
 */
static void test_cluster_dest(void)
{
	struct lapic a;

	setup(&a);
	wr(&a, LAPIC_DFR, 0x0fffffff);			/* cluster model */
	wr(&a, LAPIC_LDR, 0x22u << 24);			/* cluster 2, member bit 1 */
	ok(lapic_match_dest(&a, 0x22, true), "cluster: 0x22 (cluster 2, member 1) matches");
	ok(lapic_match_dest(&a, 0x2f, true), "cluster: 0x2F (cluster 2, all members) matches");
	ok(lapic_match_dest(&a, 0x23, true), "cluster: 0x23 (members 0 and 1) matches");
	ok(!lapic_match_dest(&a, 0x21, true), "cluster: 0x21 (another member of cluster 2) does not");
	ok(!lapic_match_dest(&a, 0x20, true), "cluster: 0x20 (cluster 2, no member) does not");
	ok(!lapic_match_dest(&a, 0x32, true), "cluster: 0x32 (cluster 3) does not");
	ok(!lapic_match_dest(&a, 0x12, true), "cluster: 0x12 (cluster 1) does not");
	ok(!lapic_match_dest(&a, 0xe2, true), "cluster: 0xE2 (cluster 14, the last address) does not");
	ok(lapic_match_dest(&a, 0xff, true), "cluster: 0xFF broadcast matches");
	ok(lapic_match_dest(&a, 0xf2, true), "cluster: 0xF2 (every cluster, member 1) matches");
	ok(!lapic_match_dest(&a, 0xf1, true), "cluster: 0xF1 (every cluster, member 0) does not");
	ok(!lapic_match_dest(&a, 0x02, false), "cluster LDR does not affect physical mode (ID 0 != 2)");
	ok(lapic_match_dest(&a, 0x00, false), "physical 0 is our ID");

	/* the broadcast through the ICR (logical, fixed) reaches us */
	wr(&a, LAPIC_LDR, 0x51u << 24);			/* cluster 5, member bit 0 */
	wr(&a, LAPIC_ICR_HI, 0xffu << 24);
	wr(&a, LAPIC_ICR_LO, (1u << 11) | 0x57);
	ok(lapic_irr_test(&a, 0x57), "ICR logical 0xFF in the cluster model: delivered");
	wr(&a, LAPIC_ICR_HI, 0x52u << 24);
	wr(&a, LAPIC_ICR_LO, (1u << 11) | 0x58);
	ok(!lapic_irr_test(&a, 0x58), "ICR logical 0x52 (cluster 5, member 1): not us (member 0)");

	wr(&a, LAPIC_DFR, 0xffffffff);			/* flat model, same LDR 0x51 */
	ok(lapic_match_dest(&a, 0x10, true), "flat: 0x10 shares bit 4 with LDR 0x51: matches");
	ok(!lapic_match_dest(&a, 0x02, true), "flat: 0x02 shares no bit with 0x51: does not");
}

/*
 * SDM vol. 3A 11.8.5 "Signaling Interrupt Servicing Completion": an EOI write
 * clears the highest-priority bit in ISR, and only if that interrupt was
 * level-triggered (its TMR bit set, 11.8.4) does the local APIC send the EOI
 * on to the I/O APICs.  A level handler interrupted by an edge one of a
 * higher class: the first EOI is the edge handler's and broadcasts nothing.
 */
static void test_eoi_nested_level(void)
{
	struct lapic a;

	setup(&a);
	lapic_accept(&a, 0x58, true);
	is(lapic_intack(&a), 0x58, "nested EOI: level vector 0x58 taken");
	lapic_accept(&a, 0x81, false);
	is(lapic_intack(&a), 0x81, "nested EOI: edge vector 0x81 interrupts its handler");
	eoi(&a);
	ok(!lapic_isr_test(&a, 0x81) && lapic_isr_test(&a, 0x58),
	   "nested EOI: the first EOI retires 0x81, the highest in service");
	is(eoi_calls, 0, "nested EOI: an edge vector's EOI is not broadcast, though 0x58 below it is level");
	ok(lapic_tmr_test(&a, 0x58), "nested EOI: 0x58 keeps its TMR bit until its own EOI");
	eoi(&a);
	ok(!lapic_isr_test(&a, 0x58) && eoi_calls == 1 && eoi_last == 0x58,
	   "nested EOI: the second EOI retires 0x58 and broadcasts vector 0x58");
	ok(lapic_tmr_test(&a, 0x58), "nested EOI: TMR bit 0x58 stays set after its EOI");
}

/*
 * Every encoding of the divide configuration register.  Intel SDM vol. 3A
 * 11.5.4 "APIC Timer", Figure 11-10 "Divide Configuration Register": the
 * divide value is in bits 3, 1 and 0 (bit 2 is reserved):
 *   000 -> 2, 001 -> 4, 010 -> 8, 011 -> 16,
 *   100 -> 32, 101 -> 64, 110 -> 128, 111 -> 1.
 * The table below is that figure, written out as register values (bit 3
 * of the register is the first bit of the code), not derived from the
 * model.  At the model's 1 GHz bus one count lasts 'div' ns, so a one-shot
 * count of 1000 started at 1000 ns reaches 0 at 1000 + 1000 * div.  Only
 * the expiry and the interrupt are checked (not the current count), so the
 * test pins the divisor alone.
 */
static void test_divide_encodings(void)
{
	static const struct { uint32_t dcr; const char *bits; uint64_t div; } dcr_table[] = {
		{ 0x0, "000", 2 },   { 0x1, "001", 4 },  { 0x2, "010", 8 },   { 0x3, "011", 16 },
		{ 0x8, "100", 32 },  { 0x9, "101", 64 }, { 0xa, "110", 128 }, { 0xb, "111", 1 },
	};
	struct lapic a;

	for (size_t i = 0; i < sizeof(dcr_table) / sizeof(dcr_table[0]); i++) {
		uint64_t div = dcr_table[i].div, expiry = 1000 + 1000 * div;
		bool early, on_time;

		setup(&a);
		wr(&a, LAPIC_TIMER_DCR, dcr_table[i].dcr);
		wr(&a, LAPIC_LVT_TIMER, 0x37);		/* one-shot, vector 0x37 */
		fc.ns = 1000;
		wr(&a, LAPIC_TIMER_ICR, 1000);
		fc.ns = expiry - 1;
		lapic_update(&a);
		early = lapic_irr_test(&a, 0x37);
		fc.ns = expiry;
		lapic_update(&a);
		on_time = lapic_irr_test(&a, 0x37);
		ok(lapic_next_event_ns(&a) == UINT64_MAX && !early && on_time,
		   "divide configuration 0x%x (bits 3,1,0 = %s): divide by %d, 1000 counts from 1000 ns fire at %d ns, not before",
		   (unsigned)dcr_table[i].dcr, dcr_table[i].bits, (int)div, (int)expiry);
	}
}

int main(void)
{
	test_min_period();
	test_tick_policy();
	test_reset();
	test_svr();
	test_priority();
	test_level_eoi();
	test_icr();
	test_errors();
	test_timer();
	test_tsc_deadline();
	test_base();
	test_timer_mode_switch();
	test_timer_divide_periodic();
	test_cluster_dest();
	test_eoi_nested_level();
	test_divide_encodings();
	return done_testing();
}
