/*
 * fuzz_icr.c - libFuzzer target for IPIs between 2-8 local APICs
 * (src/devices/lapic_ipi.c, with lapic.c and lapic_irq.c underneath).
 *
 * A mini wiring inside the target plays the VMM: every APIC's send_ipi
 * hook picks the targets (lapic_ipi_targets()), for lowest priority the
 * winner (lapic_lowest_priority()), and delivers (lapic_deliver_ipi()).
 *
 * Input: a setup byte (CPUs n = 2 + (b & 7) % 7; bit 3: the APs start
 * running and software-enabled, as after an OS brought them up; else they
 * wait for SIPI and only CPU 0, the BSP, runs and is software-enabled),
 * then operations, one opcode byte each (op % 9) and a CPU byte (% n).
 * Register writes, INTA and EOI need a running CPU: one that waits for
 * SIPI executes nothing, so they are skipped for it.
 *
 *   0 WRITE  cpu, sel, v	register regs[sel % 8] (ICR high, ID, LDR: v << 24; DFR: v << 24
 *				| 0xFFFFFF; TPR: v; SVR: v | bit 8 from sel bit 3; EOI; ICR low: see 1)
 *   1 SEND   cpu, dest, vec, m	ICR high = dest << 24, ICR low = vec | delivery m & 7 |
 *				logical m bit 3 | level m bit 4 | trigger m bit 5 | shorthand m >> 6
 *   2 BASE   cpu		IA32_APIC_BASE: flip EN
 *   3 INTA   cpu		lapic_intack()
 *   4 SIPI   cpu		lapic_take_sipi()
 *   5 NMI    cpu		lapic_take_nmi()
 *   6 INIT   cpu		lapic_take_init()
 *   7 ACCEPT cpu, v		lapic_accept(v, edge), a device interrupt
 *   8 ROUTE  cpu, 4 bytes, d	the wiring routes the raw ICR low value as if cpu sent it,
 *				destination d (vectors 0-15 and reserved modes included)
 *
 * Checked in the wiring, for every IPI:
 *   - the target mask has bits < n only and equals a reference written
 *     from SDM 11.6.2 (shorthands; physical ID or 0xFF; logical flat:
 *     LDR & dest != 0; cluster: cluster match or 0xF, and member bits;
 *     under each target's own DFR; globally disabled APICs never; INIT
 *     de-assert to all);
 *   - lowest priority returns -1 exactly when no APIC of the mask is
 *     enabled both ways, else a member of the mask that is, with the
 *     lowest APR among them (APR from the SDM 11.6.2.4 formula);
 *   - an APIC outside the (final) mask is not changed at all;
 *   - each target did what its delivery mode says: fixed sets IRR (if it
 *     accepts), NMI sets pending, INIT resets (ID and APIC base kept,
 *     IRR/ISR/TMR clear, AP waits for SIPI, BSP runs), INIT de-assert,
 *     SMI and reserved modes change nothing, SIPI starts a waiting CPU
 *     only.
 * After every operation, for every APIC: IRR and ISR never hold vectors
 * 0-15; an APIC waiting for SIPI has an empty ISR; only CPU 0 is the BSP;
 * a taken SIPI leaves the CPU running.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "fuzz.h"
#include "lapic.h"
#include "lapic_ipi.h"

#define MAXN 8
#define EN_BIT (1u << 11)
#define BSP_BIT (1u << 8)

static struct fake_clock fc = FAKE_CLOCK_INIT;
static struct lapic cpus[MAXN];
static struct lapic *const apics[MAXN] = {
	&cpus[0], &cpus[1], &cpus[2], &cpus[3], &cpus[4], &cpus[5], &cpus[6], &cpus[7],
};
static int n;
static unsigned rr;

static const uint32_t regs[] = {
	LAPIC_ICR_HI, LAPIC_ICR_LO, LAPIC_TPR, LAPIC_LDR, LAPIC_DFR, LAPIC_SVR, LAPIC_EOI, LAPIC_ID,
};

static bool hw_on(const struct lapic *a) { return a->base & EN_BIT; }
static bool sw_on(const struct lapic *a) { return a->svr & 0x100; }
static bool test(const uint32_t *r, int v) { return r[v >> 5] & (1u << (v & 31)); }

static int highest(const uint32_t *r)
{
	for (int v = 255; v >= 0; v--)
		if (test(r, v))
			return v;
	return -1;
}

static bool empty(const uint32_t *r)
{
	for (int i = 0; i < 8; i++)
		if (r[i])
			return false;
	return true;
}

/* ---- references from the SDM ---- */

/* 11.6.2.1 physical, 11.6.2.2 logical (DFR[31:28] 1111 flat, 0000 cluster) */
static bool spec_match(const struct lapic *a, uint8_t dest, bool logical)
{
	uint8_t ldr = (uint8_t)(a->ldr >> 24), model = (uint8_t)(a->dfr >> 28);

	if (!logical)
		return dest == 0xff || dest == (uint8_t)(a->id >> 24);
	if (model == 0xf)
		return (ldr & dest) != 0;
	if (model == 0)
		return ((dest >> 4) == 0xf || (dest >> 4) == (ldr >> 4)) && (dest & ldr & 0xf);
	return false;
}

static unsigned spec_targets(const struct lapic_ipi *ipi, int self)
{
	bool deassert = ipi->delivery == 5 && !ipi->level_assert && ipi->level_trigger;
	unsigned mask = 0;

	for (int i = 0; i < n; i++) {
		bool t;

		if (!hw_on(&cpus[i]))
			continue;
		if (deassert || ipi->shorthand == 2)
			t = true;
		else if (ipi->shorthand == 1)
			t = i == self;
		else if (ipi->shorthand == 3)
			t = i != self;
		else
			t = spec_match(&cpus[i], ipi->dest, ipi->logical);
		if (t)
			mask |= 1u << i;
	}
	return mask;
}

/*
 * 11.6.2.4: APR = TPR if TPR[7:4] >= IRRV[7:4] and TPR[7:4] > ISRV[7:4],
 * else the larger of the TPR, ISRV and IRRV classes (APR[3:0] = 0).
 */
static uint32_t spec_apr(const struct lapic *a)
{
	int isrv = highest(a->isr), irrv = highest(a->irr);
	uint32_t t = a->tpr & 0xf0, s = isrv < 0 ? 0 : (uint32_t)isrv & 0xf0, r = irrv < 0 ? 0 : (uint32_t)irrv & 0xf0;
	uint32_t m = t > s ? t : s;

	if (t >= r && t > s)
		return a->tpr & 0xff;
	return m > r ? m : r;
}

static bool can_take_fixed(const struct lapic *a) { return hw_on(a) && sw_on(a); }

/* ---- the wiring ---- */

static int pick_lowest(unsigned mask, uint8_t vector)
{
	int w = lapic_lowest_priority(apics, mask, vector, &rr);
	bool any = false;

	for (int i = 0; i < n; i++)
		if ((mask & (1u << i)) && can_take_fixed(&cpus[i]))
			any = true;
	if (!any) {
		CHECK(w == -1);
		return w;
	}
	CHECK(w >= 0 && w < n && (mask & (1u << w)) && can_take_fixed(&cpus[w]));
	for (int i = 0; i < n; i++)
		if ((mask & (1u << i)) && can_take_fixed(&cpus[i]))
			CHECK(spec_apr(&cpus[w]) <= spec_apr(&cpus[i]));
	return w;
}

/* What delivery must have done to target a (before: its state just before). */
static void check_delivered(const struct lapic *a, const struct lapic *before, const struct lapic_ipi *ipi)
{
	bool deassert = ipi->delivery == 5 && !ipi->level_assert && ipi->level_trigger;

	switch (ipi->delivery) {
	case 0: case 1:
		if (can_take_fixed(before) && ipi->vector >= 16)
			CHECK(test(a->irr, ipi->vector) && !test(a->tmr, ipi->vector));
		CHECK(memcmp(a->isr, before->isr, sizeof(a->isr)) == 0);
		break;
	case 4:
		CHECK(a->nmi_pending);
		break;
	case 5:
		if (deassert) {
			CHECK(memcmp(a, before, sizeof(*a)) == 0);
			break;
		}
		CHECK(a->id == before->id && a->base == before->base && a->init_pending);
		CHECK(empty(a->irr) && empty(a->isr) && empty(a->tmr) && a->tpr == 0 && a->svr == 0xff);
		CHECK(a->mp_state == ((a->base & BSP_BIT) ? LAPIC_MP_RUNNING : LAPIC_MP_WAIT_FOR_SIPI));
		CHECK(!a->nmi_pending);
		break;
	case 6:
		if (before->mp_state == LAPIC_MP_WAIT_FOR_SIPI)
			CHECK(a->mp_state == LAPIC_MP_SIPI_RECEIVED && a->sipi_vector == ipi->vector);
		else
			CHECK(memcmp(a, before, sizeof(*a)) == 0);
		break;
	default:	/* SMI, reserved */
		CHECK(memcmp(a, before, sizeof(*a)) == 0);
		break;
	}
}

static void route(int self, const struct lapic_ipi *ipi)
{
	static struct lapic before[MAXN];
	unsigned mask = lapic_ipi_targets(ipi, apics, n, self);

	CHECK((mask >> n) == 0);
	CHECK(mask == spec_targets(ipi, self));
	if (ipi->delivery == LAPIC_DELIVER_LOWEST) {
		int w = pick_lowest(mask, ipi->vector);

		mask = w < 0 ? 0 : 1u << w;
	}
	memcpy(before, cpus, sizeof(cpus));
	for (int i = 0; i < n; i++)
		if (mask & (1u << i))
			lapic_deliver_ipi(&cpus[i], ipi);
	for (int i = 0; i < n; i++) {
		if (mask & (1u << i))
			check_delivered(&cpus[i], &before[i], ipi);
		else
			CHECK(memcmp(&cpus[i], &before[i], sizeof(cpus[i])) == 0);
	}
}

static int hook_calls;

static void wiring(void *opaque, const struct lapic_ipi *ipi)
{
	int self = (int)(intptr_t)opaque;

	CHECK(self >= 0 && self < n);
	CHECK(ipi->source_id == (uint8_t)(cpus[self].id >> 24));
	hook_calls++;
	route(self, ipi);
}

/* ---- invariants and operations ---- */

static void check_all(void)
{
	for (int i = 0; i < n; i++) {
		const struct lapic *a = &cpus[i];

		CHECK((a->irr[0] & 0xffff) == 0 && (a->isr[0] & 0xffff) == 0);
		CHECK(a->mp_state <= LAPIC_MP_SIPI_RECEIVED);
		if (a->mp_state != LAPIC_MP_RUNNING)
			CHECK(empty(a->isr));
		CHECK(!!(a->base & BSP_BIT) == (i == 0));
		CHECK(a->send_ipi == wiring);
	}
}

static bool running(int c) { return cpus[c].mp_state == LAPIC_MP_RUNNING; }

static uint32_t icr_lo(uint8_t vec, uint8_t m)
{
	return vec | (uint32_t)(m & 7) << 8 | (m & 8 ? 0x800u : 0) | (m & 0x10 ? 0x4000u : 0) |
	       (m & 0x20 ? 0x8000u : 0) | (uint32_t)(m >> 6) << 18;
}

/* Fixed and lowest priority vectors 0-15 never leave the sender (SDM 11.5.3). */
static bool send_illegal(uint32_t lo)
{
	unsigned dm = (lo >> 8) & 7;

	return (dm == 0 || dm == 1) && (lo & 0xff) < 16;
}

static void op_write(int c, uint32_t off, uint32_t val)
{
	int calls = hook_calls;
	bool on = hw_on(&cpus[c]);

	if (!running(c))
		return;
	lapic_mmio_write(&cpus[c], off, val);
	if (off == LAPIC_ICR_LO && on)
		CHECK(hook_calls == calls + !send_illegal(val));
	else
		CHECK(hook_calls == calls);
}

static void op_send(int c, uint8_t dest, uint8_t vec, uint8_t m)
{
	op_write(c, LAPIC_ICR_HI, (uint32_t)dest << 24);
	op_write(c, LAPIC_ICR_LO, icr_lo(vec, m));
}

static void op_reg(int c, uint8_t sel, uint8_t v)
{
	uint32_t off = regs[sel % 8];

	switch (off) {
	case LAPIC_ICR_HI: case LAPIC_LDR: case LAPIC_ID:
		op_write(c, off, (uint32_t)v << 24);
		break;
	case LAPIC_DFR:	op_write(c, off, (uint32_t)v << 24 | 0xffffff); break;
	case LAPIC_SVR:	op_write(c, off, v | (sel & 8 ? 0x100u : 0)); break;
	case LAPIC_ICR_LO: op_write(c, off, icr_lo(v, sel)); break;
	default:	op_write(c, off, v); break;
	}
}

static void op_take_sipi(int c)
{
	enum lapic_mp_state st = cpus[c].mp_state;
	uint8_t vec = cpus[c].sipi_vector;
	int v = lapic_take_sipi(&cpus[c]);

	if (st == LAPIC_MP_SIPI_RECEIVED)
		CHECK(v == vec && running(c));
	else
		CHECK(v == -1 && cpus[c].mp_state == st);
}

static void op_take_nmi(int c)
{
	bool pending = cpus[c].nmi_pending, r = lapic_take_nmi(&cpus[c]);

	CHECK(r == (pending && running(c)));
	CHECK(cpus[c].nmi_pending == (pending && !r));
}

static void setup(uint8_t b)
{
	struct lapic_ipi sipi;

	lapic_ipi_decode(0x4608, 0, 0, &sipi);
	n = 2 + (b & 7) % 7;
	rr = 0;
	hook_calls = 0;
	lapic_init(&cpus[0], &fc.clock, 0, NULL, NULL);
	for (int i = 1; i < n; i++) {
		lapic_init_ap(&cpus[i], &fc.clock, (uint8_t)i, NULL, NULL);
		if (b & 8) {
			lapic_deliver_ipi(&cpus[i], &sipi);
			lapic_take_sipi(&cpus[i]);
			lapic_mmio_write(&cpus[i], LAPIC_SVR, 0x1ff);
		}
	}
	lapic_mmio_write(&cpus[0], LAPIC_SVR, 0x1ff);
	for (int i = 0; i < n; i++) {
		cpus[i].send_ipi = wiring;
		cpus[i].ipi_opaque = (void *)(intptr_t)i;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = { data, size };

	setup(fz_u8(&f));
	check_all();
	while (fz_more(&f)) {
		uint8_t op = fz_u8(&f) % 9, a, b, d;
		int c = fz_u8(&f) % n;
		struct lapic_ipi ipi;
		uint32_t lo;

		switch (op) {
		case 0:
			a = fz_u8(&f);
			op_reg(c, a, fz_u8(&f));
			break;
		case 1:
			d = fz_u8(&f);
			a = fz_u8(&f);
			op_send(c, d, a, fz_u8(&f));
			break;
		case 2:
			lapic_write_base(&cpus[c], cpus[c].base ^ EN_BIT);
			break;
		case 3:
			if (running(c))
				lapic_intack(&cpus[c]);
			break;
		case 4:
			op_take_sipi(c);
			break;
		case 5:
			op_take_nmi(c);
			break;
		case 6:
			b = cpus[c].init_pending;
			CHECK(lapic_take_init(&cpus[c]) == b && !cpus[c].init_pending);
			break;
		case 7:
			lapic_accept(&cpus[c], fz_u8(&f), false);
			break;
		case 8:
			lo = fz_u32(&f);
			lapic_ipi_decode(lo, (uint32_t)fz_u8(&f) << 24, (uint8_t)(cpus[c].id >> 24), &ipi);
			route(c, &ipi);
			break;
		}
		check_all();
	}
	return 0;
}
