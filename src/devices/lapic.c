/*
 * lapic.c - the local APIC of one x86 CPU, in xAPIC (memory-mapped) mode.
 *
 * Reference: Intel 64 and IA-32 Architectures Software Developer's Manual,
 * vol. 3A, chapter 11 "Advanced Programmable Interrupt Controller (APIC)"
 * (chapter 10 in older editions).  Section names below refer to it.
 *
 * Every CPU has its own local APIC.  It collects interrupts from three kinds
 * of sources: its own pins and timer (the "local vector table", LVT), other
 * CPUs (interprocessor interrupts, sent by writing the ICR) and the IOAPIC,
 * which turns device IRQ lines into messages.  Each interrupt is a vector
 * 16..255.  Arriving vectors collect in IRR; the APIC hands the CPU the
 * highest one whose priority class (vector / 16) beats what the CPU is busy
 * with, the vector moves to ISR, and the handler's write to EOI clears it.
 *
 * The registers live in a 4 KiB page at physical 0xFEE00000, one 32-bit
 * register per 16 bytes.  IA32_APIC_BASE (MSR 0x1B) holds the page address
 * and the global enable bit.  SVR bit 8 is a second, software enable.
 *
 * Simplifications, all because there is one CPU:
 *  - IPIs with delivery mode NMI, SMI, INIT or SIPI are ignored (INIT/SIPI
 *    only start other CPUs; NMI/SMI would need the vCPU loop).  Lowest
 *    priority delivery is fixed delivery: we are always the lowest.
 *  - the APIC page cannot be moved and x2APIC mode is refused.
 *  - LINT0/LINT1, thermal and performance LVT entries are registers only;
 *    the 8259A path is lapic_accepts_extint().
 */
#include <string.h>

#include "lapic.h"

#define NS_PER_SEC	1000000000ull

/* Version register (SDM 11.4.8 "Local APIC Version Register") */
#define VERSION_VALUE	0x00050014u	/* max LVT entry 5 (6 entries), xAPIC 0x14, no EOI suppression */

/* IA32_APIC_BASE (SDM 11.4.4 "Local APIC Status and Location") */
#define BASE_BSP	(1ull << 8)	/* this is the bootstrap processor */
#define BASE_X2APIC	(1ull << 10)	/* x2APIC mode enable: not offered */
#define BASE_EN		(1ull << 11)	/* APIC global enable */

/* Spurious-interrupt vector register (SDM 11.9 "Spurious Interrupt") */
#define SVR_ENABLE	0x100u		/* APIC software enable */
#define SVR_WRITABLE	0x1ffu		/* focus checking (9), EOI suppression (12): not modelled */

/* LVT entries (SDM 11.5.1 "Local Vector Table") */
#define LVT_VECTOR	0x000ffu
#define LVT_DELIVERY	0x00700u	/* delivery mode, bits 10:8 */
#define LVT_DM_EXTINT	0x00700u	/*   ExtINT: the 8259A supplies the vector */
#define LVT_DM_NMI	0x00400u
#define LVT_MASKED	0x10000u
#define LVT_TIMER_MODE	0x60000u	/* timer mode, bits 18:17 */
#define TIMER_PERIODIC	1		/* 0 is one-shot */
#define TIMER_TSC_DEADLINE 2		/* mode 3 is reserved: it behaves as one-shot here */

enum { LVT_I_TIMER, LVT_I_THERMAL, LVT_I_PERF, LVT_I_LINT0, LVT_I_LINT1, LVT_I_ERROR };

/* Bits software may set in each entry; delivery status (12) and remote IRR
 * (14) are status bits and always read 0 here: delivery is instantaneous. */
static const uint32_t lvt_writable[LAPIC_LVT_COUNT] = {
	[LVT_I_TIMER]	= LVT_TIMER_MODE | LVT_MASKED | LVT_VECTOR,
	[LVT_I_THERMAL]	= LVT_MASKED | LVT_DELIVERY | LVT_VECTOR,
	[LVT_I_PERF]	= LVT_MASKED | LVT_DELIVERY | LVT_VECTOR,
	[LVT_I_LINT0]	= 0x1a7ffu,	/* + polarity (13), trigger mode (15) */
	[LVT_I_LINT1]	= 0x1a7ffu,
	[LVT_I_ERROR]	= LVT_MASKED | LVT_VECTOR,
};

/* Error status register bits (SDM 11.5.3 "Error Handling") */
#define ESR_SEND_ILLEGAL	0x20	/* an IPI we sent had a vector 0-15 */
#define ESR_RECV_ILLEGAL	0x40	/* an interrupt we accepted had a vector 0-15 */

/* Interrupt command register (SDM 11.6.1 "Interrupt Command Register (ICR)") */
#define ICR_LO_WRITABLE	0x000ccfffu	/* vector, delivery/destination mode, level, trigger, shorthand */
#define ICR_DM_SHIFT	8
#define ICR_DM_FIXED	0
#define ICR_DM_LOWEST	1
#define ICR_LOGICAL	0x800u		/* destination mode: logical */
#define ICR_SH_SHIFT	18		/* destination shorthand, bits 19:18 */
#define ICR_SH_SELF	1
#define ICR_SH_ALL	2		/* all including self */
#define ICR_SH_OTHERS	3		/* all excluding self */
#define ICR_HI_WRITABLE	0xff000000u	/* destination, bits 63:56 */

#define DFR_MODEL_FLAT	0xfu		/* DFR[31:28]; 0x0 is the cluster model */
#define DFR_RESERVED	0x0fffffffu	/* bits 27:0 read as ones */
#define TDCR_WRITABLE	0xbu		/* divide value in bits 3, 1, 0 */

/* ---- the 256-bit registers: IRR, ISR, TMR ---- */

static bool bit_test(const uint32_t *r, int v) { return r[v >> 5] & (1u << (v & 31)); }
static void bit_set(uint32_t *r, int v)        { r[v >> 5] |= 1u << (v & 31); }
static void bit_clear(uint32_t *r, int v)      { r[v >> 5] &= ~(1u << (v & 31)); }

/* The highest vector set in r, or -1. */
static int highest(const uint32_t *r)
{
	for (int i = 7; i >= 0; i--)
		if (r[i])
			return i * 32 + 31 - __builtin_clz(r[i]);
	return -1;
}

/* ISRV, IRRV in the SDM's formulas: the highest vector, 0 if none. */
static uint32_t top(const uint32_t *r) { int v = highest(r); return v < 0 ? 0 : (uint32_t)v; }

static bool hw_enabled(const struct lapic *a) { return a->base & BASE_EN; }
static bool sw_enabled(const struct lapic *a) { return a->svr & SVR_ENABLE; }
static unsigned timer_mode(const struct lapic *a) { return (a->lvt[LVT_I_TIMER] & LVT_TIMER_MODE) >> 17; }

/* ---- priorities (SDM 11.8.3.1 "Task and Processor Priorities") ---- */

/*
 * PPR is the TPR, raised to the class of the highest interrupt in service:
 * a handler blocks everything of its own class and below.
 */
uint32_t lapic_ppr(const struct lapic *a)
{
	uint32_t isrv = top(a->isr);

	if ((a->tpr & 0xf0) >= (isrv & 0xf0))
		return a->tpr & 0xff;
	return isrv & 0xf0;
}

/*
 * APR decides which CPU gets a lowest-priority interrupt (SDM 11.6.2.4
 * "Lowest Priority Delivery Mode").  Like PPR, but a pending request also
 * counts: a CPU that already has work ranks higher, i.e. less available.
 */
static uint32_t apr(const struct lapic *a)
{
	uint32_t tpr = a->tpr & 0xf0, isrv = top(a->isr) & 0xf0, irrv = top(a->irr) & 0xf0;

	if (tpr >= irrv && tpr > isrv)
		return a->tpr & 0xff;
	return tpr > isrv ? (tpr > irrv ? tpr : irrv) : (isrv > irrv ? isrv : irrv);
}

/* ---- errors (SDM 11.5.3 "Error Handling") ---- */

/*
 * Record an error and raise the LVT error interrupt if it is unmasked.  An
 * illegal vector in the error entry itself is one more receive error, but
 * raises nothing: otherwise the error would report itself forever.
 */
static void signal_error(struct lapic *a, uint32_t bit)
{
	uint32_t lvt = a->lvt[LVT_I_ERROR];
	int vec = (int)(lvt & LVT_VECTOR);

	a->esr_pending |= bit;
	if (lvt & LVT_MASKED)
		return;
	if (vec < 16) {
		a->esr_pending |= ESR_RECV_ILLEGAL;
		return;
	}
	bit_set(a->irr, vec);
	bit_clear(a->tmr, vec);
}

/* ---- reset ---- */

/* Everything SDM 11.4.7.1 "Local APIC State After Power-Up or Reset" lists, except ID and base. */
static void reset_registers(struct lapic *a)
{
	a->tpr = a->ldr = a->esr = a->esr_pending = 0;
	a->svr = 0xff;				/* vector 0xFF, software-disabled */
	a->dfr = 0xffffffffu;			/* flat model */
	a->icr_lo = a->icr_hi = 0;
	for (int i = 0; i < LAPIC_LVT_COUNT; i++)
		a->lvt[i] = LVT_MASKED;
	memset(a->isr, 0, sizeof(a->isr));
	memset(a->tmr, 0, sizeof(a->tmr));
	memset(a->irr, 0, sizeof(a->irr));
	a->timer_initial = a->timer_dcr = 0;
	a->timer_running = false;
	a->tsc_deadline = 0;
}

void lapic_init(struct lapic *a, struct clock *clk, uint8_t id,
		void (*eoi_level)(void *opaque, int vector), void *opaque)
{
	memset(a, 0, sizeof(*a));
	a->clock = clk;
	a->eoi_level = eoi_level;
	a->opaque = opaque;
	a->id = (uint32_t)id << 24;
	a->base = LAPIC_DEFAULT_BASE | BASE_EN | BASE_BSP;	/* one CPU: it is the BSP */
	reset_registers(a);
}

void lapic_setup_virtual_wire(struct lapic *a)
{
	a->svr = SVR_ENABLE | 0xff;
	a->lvt[LVT_I_LINT0] = LVT_DM_EXTINT;
	a->lvt[LVT_I_LINT1] = LVT_DM_NMI;
}

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
	unsigned code = ((dcr >> 1) & 4) | (dcr & 3);

	return code == 7 ? 1 : 2ull << code;
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
	uint64_t p = clocks_to_ns((uint64_t)a->timer_initial * divisor(a->timer_dcr));

	if (timer_mode(a) == TIMER_PERIODIC && p < a->min_period_ns)
		p = a->min_period_ns;
	return p;
}

/*
 * The current count runs down from the initial count to 0 (SDM 11.5.4), so
 * it never reads above the initial count.  A period stretched by the floor
 * above would break that if the count ran at the divided bus rate (10 counts
 * stretched to 200 us read 200000); it then runs down evenly over the
 * stretched period instead.
 */
static uint32_t current_count(const struct lapic *a, uint64_t now)
{
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
}

static void timer_fire(struct lapic *a)
{
	uint32_t lvt = a->lvt[LVT_I_TIMER];

	if (!(lvt & LVT_MASKED))
		lapic_accept(a, (int)(lvt & LVT_VECTOR), false);
}

/*
 * Deliver whatever expired by 'now'.  A periodic timer whose caller was late
 * by several periods raises one interrupt, not one per period: they would
 * all land on the same IRR bit anyway.  The next expiry stays on the
 * original grid (start + k * period), so lateness does not accumulate.
 * A one-shot count stops at 0; a TSC deadline disarms and reads 0 again
 * (SDM 11.5.4.1 "TSC-Deadline Mode").
 */
static void timer_catch_up(struct lapic *a, uint64_t now)
{
	if (timer_mode(a) == TIMER_TSC_DEADLINE) {
		if (a->tsc_deadline && now >= a->tsc_deadline_ns) {
			a->tsc_deadline = 0;
			timer_fire(a);
		}
		return;
	}
	if (!a->timer_running || now < a->timer_expiry_ns)
		return;
	if (timer_mode(a) == TIMER_PERIODIC) {
		uint64_t p = period_ns(a);

		a->timer_expiry_ns += ((now - a->timer_expiry_ns) / p + 1) * p;
	} else {
		a->timer_running = false;
	}
	timer_fire(a);
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
static void write_initial_count(struct lapic *a, uint32_t val, uint64_t now)
{
	if (timer_mode(a) == TIMER_TSC_DEADLINE)
		return;
	a->timer_initial = val;
	a->timer_running = val != 0;
	a->timer_expiry_ns = now + period_ns(a);
}

/*
 * A new divisor while counting: the SDM does not say.  We keep the current
 * count and let it run on at the new rate, scaling the time left (as KVM does).
 */
static void write_divide(struct lapic *a, uint32_t val, uint64_t now)
{
	uint64_t old = divisor(a->timer_dcr), new;

	a->timer_dcr = val & TDCR_WRITABLE;
	new = divisor(a->timer_dcr);
	if (a->timer_running && timer_mode(a) != TIMER_TSC_DEADLINE && new != old)
		a->timer_expiry_ns = now + (uint64_t)((unsigned __int128)(a->timer_expiry_ns - now) * new / old);
}

/*
 * Moving into or out of TSC-deadline mode disarms the timer (SDM 11.5.4.1):
 * the count stops and the deadline is forgotten.  Between one-shot and
 * periodic the count keeps running; the mode only decides what happens at 0.
 */
static void write_lvt_timer(struct lapic *a, uint32_t val)
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

/* ---- accepting and delivering interrupts (SDM 11.8.4, 11.8.5) ---- */

/*
 * Acceptance sets the IRR bit; TMR records the trigger mode of the latest
 * arrival.  A second arrival while the bit is still in IRR merges with it.
 *
 * A software-disabled APIC (SVR bit 8 clear) refuses new fixed interrupts:
 * SDM vol. 3A 11.4.7.2 lists what it still does, and it "will respond
 * normally to INIT, NMI, SMI, and SIPI messages" only; receptions already in
 * progress complete, and interrupts already "pending in the IRR and ISR
 * registers are held" (lapic_pending() offers them again once re-enabled).
 * KVM's __apic_accept_irq() drops a fixed interrupt the same way.  The
 * caller learns of the refusal: a level message then leaves the I/O APIC's
 * Remote IRR clear, so the pin is not stuck.
 */
bool lapic_accept(struct lapic *a, int vector, bool level)
{
	if (!hw_enabled(a) || !sw_enabled(a) || vector > 255)
		return false;
	if (vector < 16) {
		signal_error(a, ESR_RECV_ILLEGAL);
		return false;
	}
	bit_set(a->irr, vector);
	if (level)
		bit_set(a->tmr, vector);
	else
		bit_clear(a->tmr, vector);
	return true;
}

/* The highest request wins if its class is above the processor priority class. */
int lapic_pending(const struct lapic *a)
{
	int v;

	if (!hw_enabled(a) || !sw_enabled(a))
		return -1;
	v = highest(a->irr);
	if (v < 0 || (uint32_t)(v & 0xf0) <= (lapic_ppr(a) & 0xf0))
		return -1;
	return v;
}

/*
 * The CPU takes the interrupt.  A real APIC whose request vanished between
 * INTR and INTA returns the spurious vector; our caller asks and takes in
 * one go, so "nothing" is simply -1.
 */
int lapic_intack(struct lapic *a)
{
	int v = lapic_pending(a);

	if (v >= 0) {
		bit_clear(a->irr, v);
		bit_set(a->isr, v);
	}
	return v;
}

/*
 * EOI retires the highest vector in service, which under the priority rules
 * is the handler that is running.  For a level-triggered vector the IOAPIC
 * must hear about it to clear Remote IRR (we always broadcast: EOI-broadcast
 * suppression is not offered).  TMR is cleared, unless the same vector is
 * already waiting in IRR again: the TMR bit then describes that arrival.
 */
static void eoi(struct lapic *a)
{
	int v = highest(a->isr);

	if (v < 0)
		return;
	bit_clear(a->isr, v);
	if (!bit_test(a->tmr, v))
		return;
	if (!bit_test(a->irr, v))
		bit_clear(a->tmr, v);
	if (a->eoi_level)
		a->eoi_level(a->opaque, v);
}

/*
 * Does an 8-bit destination name us (SDM vol. 3A 11.6.2.1 physical, 11.6.2.2
 * logical: flat model one bit per APIC, cluster model a 4-bit cluster and a
 * 4-bit mask, cluster 0xF to all clusters)?  The ICR and the I/O APIC's
 * messages use the same rule.
 */
bool lapic_match_dest(const struct lapic *a, uint8_t dest, bool logical)
{
	uint32_t ldr = a->ldr >> 24;

	if (!logical)
		return dest == 0xff || dest == a->id >> 24;
	if ((a->dfr >> 28) == DFR_MODEL_FLAT)		/* one bit per APIC */
		return (dest & ldr) != 0;
	if ((a->dfr >> 28) == 0)			/* cluster: 4-bit cluster, 4-bit mask */
		return ((dest >> 4) == 0xf || (dest >> 4) == (ldr >> 4)) && (dest & ldr & 0xf);
	return false;
}

static bool icr_targets_us(const struct lapic *a)
{
	return lapic_match_dest(a, (uint8_t)(a->icr_hi >> 24), a->icr_lo & ICR_LOGICAL);
}

/* Writing ICR low sends an IPI.  Only fixed-type IPIs can reach us (see top). */
static void send_ipi(struct lapic *a)
{
	unsigned dm = (a->icr_lo >> ICR_DM_SHIFT) & 7, sh = (a->icr_lo >> ICR_SH_SHIFT) & 3;
	int vec = (int)(a->icr_lo & 0xff);
	bool to_us;

	if (dm != ICR_DM_FIXED && dm != ICR_DM_LOWEST)
		return;
	if (vec < 16) {
		signal_error(a, ESR_SEND_ILLEGAL);	/* the message is never sent */
		return;
	}
	switch (sh) {
	case ICR_SH_SELF:
	case ICR_SH_ALL:    to_us = true; break;
	case ICR_SH_OTHERS: to_us = false; break;
	default:            to_us = icr_targets_us(a); break;
	}
	if (to_us)
		lapic_accept(a, vec, false);	/* the ICR trigger bit only matters for INIT */
}

/* ---- the register page ---- */

uint32_t lapic_mmio_read(struct lapic *a, uint32_t offset)
{
	uint64_t now = clock_now_ns(a->clock);

	if (!hw_enabled(a) || (offset & 0xf) || offset >= 0x1000)
		return 0;
	timer_catch_up(a, now);		/* IRR must show an expiry that already happened */
	switch (offset) {
	case LAPIC_ID:		return a->id;
	case LAPIC_VERSION:	return VERSION_VALUE;
	case LAPIC_TPR:		return a->tpr;
	case LAPIC_APR:		return apr(a);
	case LAPIC_PPR:		return lapic_ppr(a);
	case LAPIC_LDR:		return a->ldr;
	case LAPIC_DFR:		return a->dfr;
	case LAPIC_SVR:		return a->svr;
	case LAPIC_ISR ... LAPIC_ISR + 0x70:	return a->isr[(offset - LAPIC_ISR) >> 4];
	case LAPIC_TMR ... LAPIC_TMR + 0x70:	return a->tmr[(offset - LAPIC_TMR) >> 4];
	case LAPIC_IRR ... LAPIC_IRR + 0x70:	return a->irr[(offset - LAPIC_IRR) >> 4];
	case LAPIC_ESR:		return a->esr;
	case LAPIC_ICR_LO:	return a->icr_lo;	/* delivery status 0: already delivered */
	case LAPIC_ICR_HI:	return a->icr_hi;
	case LAPIC_LVT_TIMER ... LAPIC_LVT_ERROR:
		return a->lvt[(offset - LAPIC_LVT_TIMER) >> 4];
	case LAPIC_TIMER_ICR:	return a->timer_initial;
	case LAPIC_TIMER_CCR:	return current_count(a, now);
	case LAPIC_TIMER_DCR:	return a->timer_dcr;
	default:		return 0;		/* EOI is write-only; reserved */
	}
}

/*
 * The ID is writable: SDM 11.4.6 "Local APIC ID" calls that model-specific
 * and KVM allows it.  Physical destinations compare against the current value.
 */
void lapic_mmio_write(struct lapic *a, uint32_t offset, uint32_t val)
{
	uint64_t now = clock_now_ns(a->clock);
	int i;

	if (!hw_enabled(a) || (offset & 0xf) || offset >= 0x1000)
		return;
	timer_catch_up(a, now);		/* expiries before this write happened under the old settings */
	switch (offset) {
	case LAPIC_ID:		a->id = val & 0xff000000u; break;
	case LAPIC_TPR:		a->tpr = val & 0xff; break;
	case LAPIC_EOI:		eoi(a); break;
	case LAPIC_LDR:		a->ldr = val & 0xff000000u; break;
	case LAPIC_DFR:		a->dfr = val | DFR_RESERVED; break;
	case LAPIC_SVR:
		a->svr = val & SVR_WRITABLE;
		/* SDM 11.4.7.2: software-disabling masks every LVT entry. */
		if (!sw_enabled(a))
			for (i = 0; i < LAPIC_LVT_COUNT; i++)
				a->lvt[i] |= LVT_MASKED;
		break;
	case LAPIC_ESR:		/* latch what happened since the last write, start afresh */
		a->esr = a->esr_pending;
		a->esr_pending = 0;
		break;
	case LAPIC_ICR_LO:	a->icr_lo = val & ICR_LO_WRITABLE; send_ipi(a); break;
	case LAPIC_ICR_HI:	a->icr_hi = val & ICR_HI_WRITABLE; break;
	case LAPIC_LVT_TIMER ... LAPIC_LVT_ERROR:
		i = (int)(offset - LAPIC_LVT_TIMER) >> 4;
		val &= lvt_writable[i];
		if (!sw_enabled(a))	/* "attempts to reset these bits will be ignored" */
			val |= LVT_MASKED;
		if (i == LVT_I_TIMER)
			write_lvt_timer(a, val);
		else
			a->lvt[i] = val;
		break;
	case LAPIC_TIMER_ICR:	write_initial_count(a, val, now); break;
	case LAPIC_TIMER_DCR:	write_divide(a, val, now); break;
	default:		break;	/* read-only or reserved */
	}
}
/* ---- CPU-side glue ---- */

/*
 * The 8259A reaches INTR directly when there is no APIC, and through LINT0
 * programmed as ExtINT ("virtual wire") when there is one.
 */
bool lapic_accepts_extint(const struct lapic *a)
{
	uint32_t lint0 = a->lvt[LVT_I_LINT0];

	if (!hw_enabled(a))
		return true;
	return !(lint0 & LVT_MASKED) && (lint0 & LVT_DELIVERY) == LVT_DM_EXTINT;
}

uint64_t lapic_read_base(const struct lapic *a) { return a->base; }

/*
 * SDM 11.4.5 allows moving the page; nothing else maps MMIO there, and a
 * guest that moves it is rare enough to refuse (the caller injects #GP).
 * BSP is reported by the CPU, so a written BSP bit is ignored.  Clearing EN
 * returns the APIC to its power-up state (SDM 11.4.3 "Enabling or Disabling
 * the Local APIC" says state "may be lost"); setting EN again is allowed.
 */
int lapic_write_base(struct lapic *a, uint64_t val)
{
	if (val & BASE_X2APIC)
		return -1;
	if ((val & ~(BASE_EN | BASE_BSP)) != LAPIC_DEFAULT_BASE)
		return -1;		/* another address, or reserved bits */
	if (hw_enabled(a) && !(val & BASE_EN))
		reset_registers(a);
	a->base = (a->base & BASE_BSP) | LAPIC_DEFAULT_BASE | (val & BASE_EN);
	return 0;
}

/* SDM 11.8.6.1 "Interaction of Task Priorities between CR8 and APIC". */
uint8_t lapic_get_cr8(const struct lapic *a)     { return (uint8_t)((a->tpr >> 4) & 0xf); }
void    lapic_set_cr8(struct lapic *a, uint8_t cr8) { a->tpr = (uint32_t)(cr8 & 0xf) << 4; }

static bool vec_ok(int v) { return v >= 0 && v <= 255; }

bool lapic_isr_test(const struct lapic *a, int v) { return vec_ok(v) && bit_test(a->isr, v); }
bool lapic_irr_test(const struct lapic *a, int v) { return vec_ok(v) && bit_test(a->irr, v); }
bool lapic_tmr_test(const struct lapic *a, int v) { return vec_ok(v) && bit_test(a->tmr, v); }
