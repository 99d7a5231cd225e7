/*
 * fuzz_lapic.c - libFuzzer target for the local APIC model
 * (src/devices/lapic.c) on a fake clock.
 *
 * Input: a flags byte (bit 0: lapic_setup_virtual_wire(); bit 1: the
 * wiring's periodic floor, min_period_ns = 200 us, as apic.c sets it; bit
 * 2: the timer's lost-tick policy is reinject, tick.h), then
 * operations, one opcode byte each (op % 10) and its arguments.  A
 * register offset is a selector byte: bit 7 set: two more bytes, a raw
 * offset & 0x1fff (misaligned and out-of-page ones included); else one of
 * the architectural registers, regs[sel % n].  A value is a selector byte:
 * bit 7 set: four raw bytes; else one byte v and the value v | (sel & 0x7f) << 8
 * (so vectors, delivery modes, mask and timer-mode bits come up often).
 *
 *   0 WRITE  offset, value	lapic_mmio_write()
 *   1 READ   offset		lapic_mmio_read()
 *   2 ACCEPT b, v		lapic_accept(vector, level = b & 1), vector = v,
 *				or -1 / 256 + v when b & 6 == 2 / 4
 *   3 INTA			lapic_intack()
 *   4 EOI			write 0 to the EOI register
 *   5 ADV    scale, n		clock += n * scale; the timer thread's lapic_update()
 *				if lapic_next_event_ns() has come
 *   6 UPDATE			lapic_update()
 *   7 BASE   8 bytes		lapic_write_base(), bit 11/8 often set
 *   8 CR8    b			lapic_set_cr8(b)
 *   9 TSCDL  8 bytes, n	lapic_write_tsc_deadline(tsc, now + n * 1000 - 50000)
 *
 * After every operation:
 *   - PPR (lapic_ppr() and the PPR register) = TPR if TPR[7:4] >= ISRV[7:4],
 *     else ISRV & 0xF0 (SDM 11.8.3.1); CR8 = TPR[7:4];
 *   - vectors 0-15 never appear in IRR or ISR; ESR holds only the illegal-
 *     vector bits; with SVR software-disabled every LVT entry is masked;
 *   - lapic_pending() is -1 when the APIC is disabled (either way), else the
 *     highest IRR vector if its class beats PPR's, else -1; lapic_intack()
 *     takes exactly that vector from IRR to ISR;
 *   - EOI clears exactly the highest ISR vector, calls eoi_level for it
 *     exactly when its TMR bit was set, and clears TMR unless IRR has it;
 *   - every register reads what the SDM says it holds (the arrays word by
 *     word; UBSan's bounds check catches any index outside them), a write
 *     reads back through the register's writable mask, and a globally
 *     disabled APIC reads all ones (SDM 11.4.3: nothing decodes the page)
 *     and ignores writes;
 *   - IA32_APIC_BASE writes succeed exactly when no bit is set outside the
 *     page address (bits 12-35, the model's MAXPHYADDR 36), EN and BSP
 *     (SDM 11.4.4; bit 10, x2APIC, is not offered); the address and EN are
 *     taken, BSP is kept; clearing EN resets the registers;
 *   - the current count never exceeds the initial count; after the timer
 *     thread's update the next event is in the future; an unmasked expiry
 *     is never lost (its vector is in IRR afterwards);
 *   - reinject: every tick due is raised, waiting, dropped over the limit
 *     or forgotten at a reset, exactly once; ticks wait only behind one in
 *     flight; an INTA of the timer's vector may put it back in IRR only
 *     by releasing a waiting tick.
 */
#include <stdbool.h>
#include <string.h>

#include "fuzz.h"
#include "lapic.h"

static struct fake_clock fc = FAKE_CLOCK_INIT;
static struct lapic apic;
static int eoi_calls, eoi_vector;

static const uint32_t regs[] = {
	LAPIC_ID, LAPIC_VERSION, LAPIC_TPR, LAPIC_APR, LAPIC_PPR, LAPIC_EOI, LAPIC_LDR,
	LAPIC_DFR, LAPIC_SVR, LAPIC_ISR, LAPIC_ISR + 0x70, LAPIC_TMR + 0x30, LAPIC_IRR,
	LAPIC_IRR + 0x70, LAPIC_ESR, LAPIC_ICR_LO, LAPIC_ICR_HI, LAPIC_LVT_TIMER,
	LAPIC_LVT_THERMAL, LAPIC_LVT_PERF, LAPIC_LVT_LINT0, LAPIC_LVT_LINT1,
	LAPIC_LVT_ERROR, LAPIC_TIMER_ICR, LAPIC_TIMER_CCR, LAPIC_TIMER_DCR, 0x3f0, 0xff0,
};
static const uint64_t scales[] = { 1, 100, 1000, 100000, 10000000, 1000000000 };

static void eoi_level(void *opaque, int vector)
{
	CHECK(opaque == &apic);
	eoi_calls++;
	eoi_vector = vector;
}

static bool hw_on(void) { return apic.base & (1u << 11); }
/* IA32_APIC_BASE's page address: bits 12-35 (SDM 11.4.4; MAXPHYADDR 36 here) */
#define BASE_PAGE_BITS	0x0000000ffffff000ull
static bool sw_on(void) { return apic.svr & 0x100; }

static int highest(const uint32_t *r)
{
	for (int i = 7; i >= 0; i--)
		for (int b = 31; b >= 0; b--)
			if (r[i] & (1u << b))
				return i * 32 + b;
	return -1;
}

static bool test(const uint32_t *r, int v) { return r[v >> 5] & (1u << (v & 31)); }

static uint32_t spec_ppr(void)
{
	int isrv = highest(apic.isr);
	uint32_t i = isrv < 0 ? 0 : (uint32_t)isrv;

	return (apic.tpr & 0xf0) >= (i & 0xf0) ? (apic.tpr & 0xff) : (i & 0xf0);
}

static int spec_pending(void)
{
	int v = highest(apic.irr);

	if (!hw_on() || !sw_on() || v < 0 || (uint32_t)(v & 0xf0) <= (spec_ppr() & 0xf0))
		return -1;
	return v;
}

static void check_state(void)
{
	CHECK(lapic_ppr(&apic) == spec_ppr());
	CHECK(apic.tpr <= 0xff);
	CHECK(lapic_get_cr8(&apic) == apic.tpr >> 4);
	CHECK((apic.irr[0] & 0xffff) == 0 && (apic.isr[0] & 0xffff) == 0);
	CHECK(((apic.esr | apic.esr_pending) & ~0x60u) == 0);
	CHECK(apic.svr <= 0x1ff);
	if (!sw_on())
		for (int i = 0; i < LAPIC_LVT_COUNT; i++)
			CHECK(apic.lvt[i] & 0x10000);
	CHECK(lapic_pending(&apic) == spec_pending());
	CHECK((apic.base & ~(BASE_PAGE_BITS | 0x900ull)) == 0);
	CHECK(lapic_read_base(&apic) == apic.base);
	CHECK(lapic_accepts_extint(&apic) ==
	      (!hw_on() || (apic.lvt[3] & 0x10700u) == 0x700u));	/* LINT0: unmasked ExtINT */
	CHECK(lapic_read_tsc_deadline(&apic) ==
	      (((apic.lvt[0] >> 17) & 3) == 2 ? apic.tsc_deadline : 0));
	const int probe[] = { -1, 0, 15, 16, 255, 256, highest(apic.isr), highest(apic.irr),
			      highest(apic.tmr) };

	for (unsigned k = 0; k < sizeof(probe) / sizeof(probe[0]); k++) {
		int v = probe[k];
		bool in = v >= 0 && v <= 255;

		CHECK(lapic_isr_test(&apic, v) == (in && test(apic.isr, v)));
		CHECK(lapic_irr_test(&apic, v) == (in && test(apic.irr, v)));
		CHECK(lapic_tmr_test(&apic, v) == (in && test(apic.tmr, v)));
	}
}

/* What the register at 'off' must read, from the SDM, given the state now. */
static uint32_t spec_read(uint32_t off)
{
	if (!hw_on())
		return 0xffffffffu;
	if ((off & 0xf) || off >= 0x1000)
		return 0;
	switch (off) {
	case LAPIC_ID:		return apic.id;
	case LAPIC_VERSION:	return 0x00050014;
	case LAPIC_TPR:		return apic.tpr;
	case LAPIC_PPR:		return spec_ppr();
	case LAPIC_LDR:		return apic.ldr;
	case LAPIC_DFR:		return apic.dfr;
	case LAPIC_SVR:		return apic.svr;
	case LAPIC_ESR:		return apic.esr;
	case LAPIC_ICR_LO:	return apic.icr_lo;
	case LAPIC_ICR_HI:	return apic.icr_hi;
	case LAPIC_TIMER_ICR:	return apic.timer_initial;
	case LAPIC_TIMER_DCR:	return apic.timer_dcr;
	}
	if (off >= LAPIC_ISR && off < LAPIC_ISR + 0x80)
		return apic.isr[(off - LAPIC_ISR) / 16];
	if (off >= LAPIC_TMR && off < LAPIC_TMR + 0x80)
		return apic.tmr[(off - LAPIC_TMR) / 16];
	if (off >= LAPIC_IRR && off < LAPIC_IRR + 0x80)
		return apic.irr[(off - LAPIC_IRR) / 16];
	if (off >= LAPIC_LVT_TIMER && off <= LAPIC_LVT_ERROR)
		return apic.lvt[(off - LAPIC_LVT_TIMER) / 16];
	return 0xdeadbeef;		/* APR, CCR: checked by the caller; others: 0 */
}

static void op_read(uint32_t off)
{
	uint32_t v = lapic_mmio_read(&apic, off), want = spec_read(off);

	if (want != 0xdeadbeef) {
		CHECK(v == want);
	} else if (off == LAPIC_TIMER_CCR) {
		CHECK(v <= apic.timer_initial);
	} else if (off == LAPIC_APR) {
		CHECK(v <= 0xff);
	} else {
		CHECK(v == 0);
	}
}

static void op_write(uint32_t off, uint32_t val)
{
	struct lapic before;
	int isrv, calls = eoi_calls;
	uint32_t got;

	/* A write first collects timer expiries; do that now, so 'before' is
	 * the state the write itself acts on (nothing else changes: same time). */
	lapic_update(&apic);
	before = apic;
	isrv = highest(apic.isr);

	lapic_mmio_write(&apic, off, val);
	if (!hw_on() || (off & 0xf) || off >= 0x1000) {
		CHECK(memcmp(&before, &apic, sizeof(apic)) == 0);	/* ignored */
		return;
	}
	if (off == LAPIC_EOI) {
		if (isrv < 0) {
			CHECK(eoi_calls == calls);
			return;
		}
		CHECK(!test(apic.isr, isrv));
		for (int v = 0; v < 256; v++)
			if (v != isrv)
				CHECK(test(apic.isr, v) == test(before.isr, v));
		if (test(before.tmr, isrv))
			CHECK(eoi_calls == calls + 1 && eoi_vector == isrv);
		else
			CHECK(eoi_calls == calls);
		/* SDM 11.8.4: TMR changes only when a vector is accepted, never at EOI */
		CHECK(memcmp(apic.tmr, before.tmr, sizeof(apic.tmr)) == 0);
		return;
	}
	got = lapic_mmio_read(&apic, off);
	switch (off) {
	case LAPIC_ID:		CHECK(got == (val & 0xff000000u)); break;
	case LAPIC_TPR:		CHECK(got == (val & 0xff)); break;
	case LAPIC_LDR:		CHECK(got == (val & 0xff000000u)); break;
	case LAPIC_DFR:		CHECK(got == (val | 0x0fffffffu)); break;
	case LAPIC_SVR:		CHECK(got == (val & 0x1ff)); break;
	case LAPIC_ICR_HI:	CHECK(got == (val & 0xff000000u)); break;
	case LAPIC_ICR_LO:	CHECK(got == (val & 0x000ccfffu)); break;
	case LAPIC_TIMER_DCR:	CHECK(got == (val & 0xb)); break;
	case LAPIC_LVT_TIMER: case LAPIC_LVT_THERMAL: case LAPIC_LVT_PERF:
	case LAPIC_LVT_LINT0: case LAPIC_LVT_LINT1: case LAPIC_LVT_ERROR:
		CHECK((got & ~val & ~0x10000u) == 0);	/* only writable bits, plus a forced mask */
		if (!sw_on())
			CHECK(got & 0x10000);
		break;
	case LAPIC_VERSION: case LAPIC_APR: case LAPIC_PPR: case LAPIC_TIMER_CCR:
		break;			/* read-only */
	}
}

static void op_accept(int vector, bool level)
{
	struct lapic before = apic;

	lapic_accept(&apic, vector, level);
	/* SDM 11.4.7.2: software-disabled, it takes INIT, NMI, SMI, SIPI only; nothing fixed */
	if (!hw_on() || !sw_on() || vector > 255) {
		CHECK(memcmp(before.irr, apic.irr, sizeof(apic.irr)) == 0);
		return;
	}
	if (vector < 16) {
		uint32_t lvt = apic.lvt[LAPIC_LVT_COUNT - 1];

		CHECK(apic.esr_pending & 0x40);		/* receive illegal vector */
		if (!(lvt & 0x10000) && (lvt & 0xff) >= 16)
			CHECK(test(apic.irr, (int)(lvt & 0xff)));	/* the LVT error interrupt */
		return;
	}
	CHECK(test(apic.irr, vector));
	CHECK(test(apic.tmr, vector) == level);
}

static void op_inta(void)
{
	uint64_t raised = apic.timer_ticks.raised;
	int want = spec_pending(), v = lapic_intack(&apic);
	bool released = apic.timer_ticks.raised != raised;

	CHECK(v == want);
	if (v >= 0)
		CHECK(test(apic.isr, v) && test(apic.irr, v) == released);
	if (released)
		CHECK(apic.timer_ticks.policy == TICK_REINJECT && v == (int)(apic.lvt[0] & 0xff));
}

/* tick.h: each tick due is accounted for once; ticks wait only behind one in flight */
static void check_ticks(void)
{
	const struct tick_gate *g = &apic.timer_ticks;

	if (g->policy != TICK_REINJECT)
		return;
	CHECK(g->raised + g->pending + g->dropped + g->forgotten == g->due);
	CHECK(g->pending <= TICK_MAX_PENDING);
	CHECK(g->in_flight || g->pending == 0);
}

/* The timer thread: fire what expired; an unmasked expiry lands in IRR. */
static void timer_thread_tick(bool always)
{
	uint64_t next = lapic_next_event_ns(&apic);
	uint32_t lvt = apic.lvt[0];
	bool due = next <= fc.ns;

	if (!due && !always)
		return;
	lapic_update(&apic);
	if (due && hw_on() && !(lvt & 0x10000) && (lvt & 0xff) >= 16)
		CHECK(test(apic.irr, (int)(lvt & 0xff)));
	next = lapic_next_event_ns(&apic);
	CHECK(next == UINT64_MAX || next > fc.ns);
}

static void op_base(uint64_t val)
{
	uint64_t old = apic.base;
	bool was_on = hw_on();
	int r = lapic_write_base(&apic, val);

	if (val & ~(BASE_PAGE_BITS | 0x900ull)) {
		CHECK(r == -1 && apic.base == old);
		return;
	}
	CHECK(r == 0);
	CHECK(apic.base == ((val & BASE_PAGE_BITS) | (old & 0x100) | (val & 0x800)));
	if (was_on && !(val & 0x800)) {
		CHECK(apic.svr == 0xff && apic.tpr == 0);
		CHECK(highest(apic.irr) < 0 && highest(apic.isr) < 0);
	}
}

static uint32_t get_off(struct fz *f)
{
	uint8_t s = fz_u8(f);

	if (s & 0x80)
		return fz_u16(f) & 0x1fff;
	return regs[s % (sizeof(regs) / sizeof(regs[0]))];
}

static uint32_t get_val(struct fz *f)
{
	uint8_t s = fz_u8(f);

	if (s & 0x80)
		return fz_u32(f);
	return fz_u8(f) | (uint32_t)(s & 0x7f) << 8;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = { data, size };
	uint8_t b;

	fc.ns = 1000000000;
	eoi_calls = 0;
	lapic_init(&apic, &fc.clock, 0, eoi_level, &apic);
	b = fz_u8(&f);
	if (b & 1)
		lapic_setup_virtual_wire(&apic);
	if (b & 2)
		apic.min_period_ns = 200000;	/* TIMER_MIN_PERIOD_NS in the wiring */
	if (b & 4)
		tick_gate_init(&apic.timer_ticks, TICK_REINJECT);
	check_state();
	while (fz_more(&f)) {
		uint8_t op = fz_u8(&f) % 10, v;
		uint32_t off;
		uint64_t t;

		switch (op) {
		case 0:
			off = get_off(&f);
			op_write(off, get_val(&f));
			break;
		case 1:
			op_read(get_off(&f));
			break;
		case 2:
			b = fz_u8(&f);
			v = fz_u8(&f);
			op_accept((b & 6) == 2 ? -1 : (b & 6) == 4 ? 256 + v : v, b & 1);
			break;
		case 3:
			op_inta();
			break;
		case 4:
			op_write(LAPIC_EOI, 0);
			break;
		case 5:
			b = fz_u8(&f);
			t = scales[b % 6] * fz_u8(&f);
			if (fc.ns + t < (1ull << 62))
				fc.ns += t;
			timer_thread_tick(false);
			break;
		case 6:
			timer_thread_tick(true);
			break;
		case 7:
			t = fz_u64(&f);
			if (!(t & 1))		/* often a plausible value: near the default page, or on it */
				t = (LAPIC_DEFAULT_BASE ^ (t & 0x3000)) | (t & 0xd00);
			op_base(t);
			break;
		case 8:
			lapic_set_cr8(&apic, fz_u8(&f));
			break;
		case 9:
			t = fz_u64(&f);
			b = fz_u8(&f);
			lapic_write_tsc_deadline(&apic, t, fc.ns + (uint64_t)b * 1000 - 50000);
			break;
		}
		check_state();
		check_ticks();
	}
	return 0;
}
