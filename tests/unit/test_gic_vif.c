/*
 * test_gic_vif.c - unit tests for the GICv2 virtual CPU interface model
 * (src/arm-model/gicv.c) and the virtual timer (src/arm-model/vtimer.c).
 *
 * The oracle is ARM IHI 0048B, chapter 5, and ARM DDI 0487 D13.  List
 * registers are written as raw words built here from the spec's bit
 * positions (LR() below), not with the model's lr_make(), and register
 * offsets and bits that the tests check are spelled out as numbers where
 * the point is the layout.  The hypervisor's accesses go through
 * gich_read/gich_write, the guest's through gicv_read/gicv_write, as on
 * the hardware.
 */
#include "tap.h"
#include "arm-model/gicv.h"
#include "arm-model/vtimer.h"

/* GICH_LRn, IHI 0048B 5.3: HW[31] Grp1[30] State[29:28] Priority[27:23]
 * PhysicalID[19:10] (EOI is bit 19 when HW = 0) VirtualID[9:0] */
#define LR(hw, state, prio, pid, vid) \
	((uint32_t)(hw) << 31 | (uint32_t)(state) << 28 | (uint32_t)((prio) >> 3) << 23 | \
	 (uint32_t)(pid) << 10 | (uint32_t)(vid))
#define EOI_BIT		0x80000u	/* bit 19 */
#define ST_INV 0
#define ST_PEND 1
#define ST_ACT 2
#define ST_PA 3

struct deact { int count; unsigned last; };

static void on_deactivate(void *opaque, unsigned pintid)
{
	struct deact *d = opaque;

	d->count++;
	d->last = pintid;
}

/* A guest that has enabled Group 0, PMR 0xf0, EOImode as told; HCR.En set. */
static void setup(struct gicv *g, struct deact *d, bool eoimode1)
{
	memset(d, 0, sizeof(*d));
	gicv_init(g, on_deactivate, d);
	gicv_write(g, GICV_PMR, 0xf0);
	gicv_write(g, GICV_CTLR, 1 | (eoimode1 ? 1u << 9 : 0));
	gich_write(g, GICH_HCR, 1);
}

static void set_lr(struct gicv *g, int n, uint32_t v) { gich_write(g, 0x100 + 4 * n, v); }
static uint32_t get_lr(struct gicv *g, int n) { return gich_read(g, 0x100 + 4 * n); }
static unsigned state_of(struct gicv *g, int n) { return get_lr(g, n) >> 28 & 3; }

static void test_reset_and_layout(void)
{
	struct gicv g;
	struct deact d;

	gicv_init(&g, on_deactivate, &d);
	is(gich_read(&g, 0x030), 0xf, "reset: every one of 4 LRs empty in GICH_ELRSR0");
	is(gich_read(&g, 0x004) & 0x3f, 3, "GICH_VTR.ListRegs = number of LRs - 1");
	is(gich_read(&g, 0x004) >> 29, 4, "GICH_VTR.PRIbits = 5 priority bits - 1");
	is(gicv_read(&g, GICV_RPR), 0xff, "reset: GICV_RPR idle (0xff)");
	is(gicv_read(&g, GICV_BPR), 2, "GICV_BPR resets to its minimum, 2, with 5 preemption bits");
	gicv_write(&g, GICV_BPR, 0);
	is(gicv_read(&g, GICV_BPR), 2, "a GICV_BPR below the minimum reads as the minimum");
	gicv_write(&g, GICV_PMR, 0xa5);
	is(gicv_read(&g, GICV_PMR), 0xa0, "GICV_PMR keeps 5 bits: 0xa5 reads 0xa0");
	is(gich_read(&g, 0x008) >> 27, 0xa0 >> 3, "GICV_PMR lives in GICH_VMCR.VMPriMask[31:27]");
	gicv_write(&g, GICV_CTLR, 1u << 9 | 1);
	is(gich_read(&g, 0x008) & (1u << 9 | 1), 1u << 9 | 1, "GICV_CTLR.EOImode and EnableGrp0 live in GICH_VMCR");
	set_lr(&g, 0, LR(0, ST_PEND, 0xa0, 0, 42));
	ok(!gicv_virq(&g), "with GICH_HCR.En = 0 nothing is signalled");
	is(gicv_read(&g, GICV_IAR), 1023, "... and GICV_IAR reads spurious");
}

static void test_lr_states(void)
{
	struct gicv g;
	struct deact d;

	setup(&g, &d, false);
	set_lr(&g, 0, LR(0, ST_PEND, 0xa0, 0, 42));
	is(gich_read(&g, 0x030), 0xe, "a pending LR0 is not empty: ELRSR0 = 1110");
	ok(gicv_virq(&g), "a pending LR above PMR raises vIRQ");
	is(gicv_read(&g, GICV_HPPIR), 42, "GICV_HPPIR names it");
	is(gicv_read(&g, GICV_IAR), 42, "GICV_IAR returns the LR's VirtualID");
	is(state_of(&g, 0), ST_ACT, "acknowledge: pending -> active");
	is(gicv_read(&g, GICV_RPR), 0xa0, "the running priority is the LR's priority");
	ok(!gicv_virq(&g), "nothing left to signal while it is active");
	/* the hypervisor adds a second assertion of the same interrupt */
	set_lr(&g, 0, get_lr(&g, 0) | 1u << 28);
	is(state_of(&g, 0), ST_PA, "the hypervisor makes it pending and active");
	is(gicv_read(&g, GICV_IAR), 1023, "an active and pending LR is not acknowledged again");
	gicv_write(&g, GICV_EOIR, 42);
	is(state_of(&g, 0), ST_PEND, "EOI of a pending and active LR leaves it pending");
	is(gicv_read(&g, GICV_RPR), 0xff, "... and drops the running priority");
	is(gicv_read(&g, GICV_IAR), 42, "it can now be acknowledged again");
	gicv_write(&g, GICV_EOIR, 42);
	is(state_of(&g, 0), ST_INV, "active -> invalid on EOI (EOImode = 0)");
	is(gich_read(&g, 0x030), 0xf, "the LR is empty again in ELRSR0");
	is(d.count, 0, "HW = 0: no physical deactivation");
}

static void test_eoimode1(void)
{
	struct gicv g;
	struct deact d;

	setup(&g, &d, true);
	set_lr(&g, 0, LR(1, ST_PEND, 0xa0, 27, 27));
	set_lr(&g, 1, LR(0, ST_PEND, 0xa0, 0, 43));
	is(gicv_read(&g, GICV_IAR), 27, "the first of two equal priorities is acknowledged");
	ok(!gicv_virq(&g), "the second, same group priority, does not preempt it");
	gicv_write(&g, GICV_EOIR, 27);
	is(gicv_read(&g, GICV_RPR), 0xff, "EOImode = 1: EOIR drops the priority");
	is(state_of(&g, 0), ST_ACT, "... but the LR stays active");
	is(d.count, 0, "... and the physical interrupt stays active");
	ok(gicv_virq(&g), "after the drop the second interrupt can be signalled");
	is(gicv_read(&g, GICV_IAR), 43, "and acknowledged while the first is still active");
	gicv_write(&g, GICV_EOIR, 43);
	gicv_write(&g, GICV_DIR, 27);
	is(state_of(&g, 0), ST_INV, "GICV_DIR deactivates");
	is(d.count, 1, "HW = 1: deactivating the virtual interrupt deactivates the physical one");
	is(d.last, 27, "... the PhysicalID of the LR");
	is(state_of(&g, 1), ST_ACT, "LR1, dropped but not deactivated, is still active");
	gicv_write(&g, GICV_DIR, 43);
	is(state_of(&g, 1), ST_INV, "GICV_DIR 43 deactivates LR1");
	is(d.count, 1, "LR1 had HW = 0: no physical deactivation");

	setup(&g, &d, false);
	set_lr(&g, 0, LR(0, ST_ACT, 0xa0, 0, 42));
	gicv_write(&g, GICV_DIR, 42);
	is(state_of(&g, 0), ST_ACT, "with EOImode = 0 a GICV_DIR write deactivates nothing");
}

static void test_priorities(void)
{
	struct gicv g;
	struct deact d;

	setup(&g, &d, false);
	set_lr(&g, 0, LR(0, ST_PEND, 0xa0, 0, 43));
	set_lr(&g, 1, LR(0, ST_PEND, 0x80, 0, 44));
	set_lr(&g, 2, LR(0, ST_PEND, 0xc0, 0, 45));
	is(gicv_read(&g, GICV_IAR), 44, "the highest priority (lowest value) goes first, whatever its LR");
	set_lr(&g, 3, LR(0, ST_PEND, 0x78, 0, 46));
	ok(gicv_virq(&g), "0x78 preempts a running 0x80 (group priority 0x78 < 0x80, BPR 2)");
	is(gicv_read(&g, GICV_IAR), 46, "preemption: 0x78 acknowledged while 0x80 runs");
	is(gicv_read(&g, GICV_RPR), 0x78, "running priority 0x78");
	is(gich_read(&g, 0x0f0), (1u << (0x78 >> 3)) | (1u << (0x80 >> 3)), "GICH_APR: one bit per active group priority");
	gicv_write(&g, GICV_EOIR, 46);
	is(gicv_read(&g, GICV_RPR), 0x80, "EOI drops to the next active priority, 0x80");
	gicv_write(&g, GICV_EOIR, 44);
	is(gicv_read(&g, GICV_RPR), 0xff, "then idle");
	gicv_write(&g, GICV_PMR, 0xa0);
	ok(!gicv_virq(&g), "PMR 0xa0 masks priority 0xa0 (must be strictly higher)");
	is(gicv_read(&g, GICV_HPPIR), 1023, "GICV_HPPIR: nothing with enough priority");
	is(gicv_read(&g, GICV_IAR), 1023, "a masked interrupt: GICV_IAR reads spurious 1023");
	is(state_of(&g, 0), ST_PEND, "and the LR stays pending");
	gicv_write(&g, GICV_PMR, 0xb0);
	is(gicv_read(&g, GICV_IAR), 43, "PMR 0xb0 lets 0xa0 through");
	gicv_write(&g, GICV_EOIR, 43);
	gicv_write(&g, GICV_CTLR, 0);
	gicv_write(&g, GICV_PMR, 0xf0);
	is(gicv_read(&g, GICV_IAR), 1023, "Group 0 disabled in GICV_CTLR: spurious");
	set_lr(&g, 2, get_lr(&g, 2) | 1u << 30);
	gicv_write(&g, GICV_CTLR, 2);
	is(gicv_read(&g, GICV_IAR), 45, "a Grp1 LR goes through with EnableGrp1");
	gicv_write(&g, GICV_EOIR, 1023);
	is(gicv_read(&g, GICV_RPR), 0xc0, "an EOIR of the spurious INTID drops nothing");
}

/* Priority grouping: only the bits above the binary point preempt. */
static void test_binary_point(void)
{
	struct gicv g;
	struct deact d;

	for (unsigned bp = 2; bp <= 3; bp++) {
		setup(&g, &d, false);
		gicv_write(&g, GICV_BPR, bp);
		set_lr(&g, 0, LR(0, ST_PEND, 0x88, 0, 50));
		is(gicv_read(&g, GICV_IAR), 50, "BPR %u: 0x88 acknowledged", bp);
		is(gicv_read(&g, GICV_RPR), bp == 2 ? 0x88 : 0x80, "BPR %u: running (group) priority", bp);
		set_lr(&g, 1, LR(0, ST_PEND, 0x80, 0, 51));
		is(gicv_virq(&g), bp == 2, "BPR %u: 0x80 %s 0x88", bp, bp == 2 ? "preempts" : "is in the same group as");
	}
}

static void test_maintenance(void)
{
	struct gicv g;
	struct deact d;

	/* EOI: an LR with HW = 0 and the EOI bit */
	setup(&g, &d, false);
	set_lr(&g, 1, LR(0, ST_PEND, 0xa0, 0, 33) | EOI_BIT);
	ok(!gich_maint(&g), "EOI bit set but not yet EOId: no maintenance");
	is(gicv_read(&g, GICV_IAR), 33, "acknowledged");
	gicv_write(&g, GICV_EOIR, 33);
	is(gich_read(&g, 0x020), 1u << 1, "GICH_EISR0: LR1 was EOId and wants maintenance");
	is(gich_read(&g, 0x030) & (1u << 1), 0, "GICH_ELRSR0: LR1 is not empty until the EOI is seen");
	is(gich_read(&g, 0x010) & 1, 1, "GICH_MISR.EOI");
	ok(gich_maint(&g), "maintenance interrupt asserted");
	set_lr(&g, 1, 0);
	is(gich_read(&g, 0x020), 0, "rewriting the LR clears EISR0");
	ok(!gich_maint(&g), "and the maintenance interrupt");
	gich_write(&g, GICH_HCR, 0);
	set_lr(&g, 1, LR(0, ST_INV, 0xa0, 0, 33) | EOI_BIT);
	ok(!gich_maint(&g), "GICH_HCR.En = 0: no maintenance interrupt even with MISR set");
	is(gich_read(&g, 0x010) & 1, 1, "(MISR.EOI still reads 1)");

	/* underflow: UIE and at most one valid LR */
	setup(&g, &d, false);
	for (int i = 0; i < 3; i++)
		set_lr(&g, i, LR(0, ST_PEND, 0xa0, 0, 48 + i));
	gich_write(&g, GICH_HCR, 1 | 1u << 1);
	ok(!gich_maint(&g), "UIE with three valid LRs: no underflow");
	gicv_write(&g, GICV_EOIR, gicv_read(&g, GICV_IAR));
	ok(!(gich_read(&g, 0x010) & 2), "two valid LRs: no underflow");
	gicv_write(&g, GICV_EOIR, gicv_read(&g, GICV_IAR));
	is(gich_read(&g, 0x010) & 2, 2, "one valid LR: GICH_MISR.U");
	ok(gich_maint(&g), "underflow raises the maintenance interrupt");
	set_lr(&g, 0, LR(0, ST_PEND, 0xa0, 0, 52));
	ok(!gich_maint(&g), "refilled to two: underflow gone");
	gich_write(&g, GICH_HCR, 1);
	set_lr(&g, 0, 0);
	ok(!gich_maint(&g), "UIE clear: one valid LR raises nothing");

	/* NP: NPIE and no pending LR */
	setup(&g, &d, false);
	gich_write(&g, GICH_HCR, 1 | 1u << 3);
	is(gich_read(&g, 0x010) & 8, 8, "NPIE with no LR pending: GICH_MISR.NP");
	set_lr(&g, 0, LR(0, ST_PEND, 0xa0, 0, 40));
	is(gich_read(&g, 0x010) & 8, 0, "a pending LR clears NP");
	gicv_read(&g, GICV_IAR);
	is(gich_read(&g, 0x010) & 8, 8, "acknowledged (active, not pending): NP again");

	/* LRENP: an EOI that finds no LR counts in EOICount */
	setup(&g, &d, false);
	gich_write(&g, GICH_HCR, 1 | 1u << 2);
	set_lr(&g, 0, LR(0, ST_PEND, 0xa0, 0, 60));
	is(gicv_read(&g, GICV_IAR), 60, "the guest takes 60");
	set_lr(&g, 0, 0);	/* the hypervisor spills the active interrupt to memory */
	gich_write(&g, 0x0f0, gich_read(&g, 0x0f0));
	ok(!gich_maint(&g), "EOICount 0: no LRENP yet");
	gicv_write(&g, GICV_EOIR, 60);
	is(gich_read(&g, GICH_HCR) >> 27, 1, "an EOI of an INTID in no LR: GICH_HCR.EOICount = 1");
	is(gicv_read(&g, GICV_RPR), 0xff, "the priority still drops (GICH_APR)");
	is(gich_read(&g, 0x010) & 4, 4, "GICH_MISR.LRENP");
	ok(gich_maint(&g), "LRENP raises the maintenance interrupt");
	gich_write(&g, GICH_HCR, 1 | 1u << 2);
	ok(!gich_maint(&g), "the hypervisor zeroes EOICount: LRENP clears");
	gich_write(&g, GICH_HCR, 1);
	set_lr(&g, 0, LR(0, ST_PEND, 0xa0, 0, 61));
	gicv_read(&g, GICV_IAR);
	gicv_write(&g, GICV_EOIR, 62);
	is(gich_read(&g, GICH_HCR) >> 27, 1, "EOICount counts without LRENPIE too");
	ok(!gich_maint(&g), "but LRENPIE = 0 raises nothing");
}

static void test_vtimer(void)
{
	struct vtimer t;
	struct gicv g;
	struct deact d;
	const uint64_t off = 2000000000ull;

	vtimer_init(&t, off);
	is(vtimer_cntvct(&t, off + 500), 500, "CNTVCT = CNTPCT - CNTVOFF");
	vtimer_cval_write(&t, 1000);
	vtimer_ctl_write(&t, 1);
	ok(!vtimer_irq(&t, off + 999), "one tick before CVAL: no interrupt");
	is(vtimer_ctl_read(&t, off + 999), 1, "ISTATUS clear before the deadline");
	struct vtimer t0;
	vtimer_init(&t0, 0);
	vtimer_cval_write(&t0, 1000);
	vtimer_ctl_write(&t0, 1);
	ok(vtimer_irq(&t0, 1000) && !vtimer_irq(&t, off + 999),
	   "the same CVAL fires at CNTPCT 1000 with CNTVOFF 0, not before CNTPCT CNTVOFF + 1000 with CNTVOFF");
	ok(vtimer_irq(&t, off + 1000), "CNTVCT == CVAL: the condition holds");
	is(vtimer_ctl_read(&t, off + 1000), 5, "CNTV_CTL reads ENABLE | ISTATUS");
	is(vtimer_deadline_cntpct(&t), off + 1000, "the deadline in physical count is CVAL + CNTVOFF");
	vtimer_ctl_write(&t, 3);
	ok(!vtimer_irq(&t, off + 2000), "IMASK: no interrupt");
	is(vtimer_ctl_read(&t, off + 2000), 7, "... but ISTATUS still shows the condition");
	vtimer_ctl_write(&t, 1 | 4);
	is(vtimer_ctl_read(&t, off) & 4, 0, "ISTATUS is read-only");
	is(vtimer_tval_read(&t, off + 1100), -100, "TVAL = CVAL - CNTVCT, signed");
	vtimer_tval_write(&t, off + 1100, 50);
	is(t.cval, 1150, "writing TVAL sets CVAL = CNTVCT + TVAL");
	vtimer_ctl_write(&t, 0);
	ok(!vtimer_irq(&t, off + 5000), "ENABLE clear: no interrupt");

	/* the timer's PPI through a HW list register */
	setup(&g, &d, false);
	vtimer_ctl_write(&t, 1);
	ok(vtimer_irq(&t, off + 1150), "the timer fires at its deadline");
	set_lr(&g, 0, LR(1, ST_PEND, 0xa0, 27, 27));
	is(get_lr(&g, 0), 0x9a006c1bu, "LR for PPI 27 HW-mapped to 27 at priority 0xa0 = 0x9a006c1b");
	is(gicv_read(&g, GICV_IAR), 27, "the guest acknowledges vINTID 27");
	vtimer_cval_write(&t, 2150);
	ok(!vtimer_irq(&t, off + 1150), "the handler moves CVAL on: the line falls");
	gicv_write(&g, GICV_EOIR, 27);
	is(d.count, 1, "EOI deactivates the physical PPI ...");
	is(d.last, 27, "... INTID 27");
	is(gich_read(&g, 0x030), 0xf, "and the HW LR is empty: no maintenance needed");
	ok(!gich_maint(&g), "no maintenance interrupt for a HW LR");
}

int main(void)
{
	test_reset_and_layout();
	test_lr_states();
	test_eoimode1();
	test_priorities();
	test_binary_point();
	test_maintenance();
	test_vtimer();
	return done_testing();
}
