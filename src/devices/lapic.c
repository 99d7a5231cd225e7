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
 * Simplifications:
 *  - without a send_ipi hook (one CPU), IPIs with delivery mode NMI, SMI,
 *    INIT or SIPI are ignored and lowest priority delivery is fixed
 *    delivery: we are always the lowest.  With the hook, the wiring
 *    delivers every IPI to every target (lapic_ipi.c).
 *  - the APIC page cannot be moved and x2APIC mode is refused.
 *  - LINT0/LINT1, thermal and performance LVT entries are registers only;
 *    the 8259A path is lapic_accepts_extint().
 *
 * This file holds reset, init and virtual wire, the register page (read and
 * write dispatch) and the CPU side: IA32_APIC_BASE, CR8, ExtINT.  The timer
 * is in lapic_timer.c, priorities, acceptance, EOI and IPIs in lapic_irq.c;
 * what they share is in lapic_priv.h.
 */
#include <string.h>

#include "lapic_priv.h"

/* Version register (SDM 11.4.8 "Local APIC Version Register") */
#define VERSION_VALUE	0x00050014u	/* max LVT entry 5 (6 entries), xAPIC 0x14, no EOI suppression */

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

/* ---- reset ---- */

/*
 * Everything SDM 11.4.7.1 "Local APIC State After Power-Up or Reset" lists,
 * except ID and base.  An INIT does the same (11.4.7.3, lapic_ipi.c).
 */
void reset_registers(struct lapic *a)
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
	tick_gate_reset(&a->timer_ticks);
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

bool lapic_sw_enabled(const struct lapic *a) { return sw_enabled(a); }

/* ---- the register page ---- */

uint32_t lapic_mmio_read(struct lapic *a, uint32_t offset)
{
	uint64_t now = clock_now_ns(a->clock);

	/*
	 * Globally disabled, the CPU is one without an APIC (SDM 11.4.3): the
	 * page is not decoded and nothing drives the bus, which reads all ones.
	 */
	if (!hw_enabled(a))
		return 0xffffffffu;
	if ((offset & 0xf) || offset >= 0x1000)
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
 * SDM 11.4.4 "Local APIC Status and Location": bits 12 up to MAXPHYADDR-1
 * hold the page's address, which a guest may move (the wiring, apic.c,
 * decides whether the new page is free on the bus); bits 0-7 and 9 are
 * reserved, and bit 10 (x2APIC, SDM 11.12.1) exists only on a CPU whose
 * CPUID reports x2APIC, which ours does not under this model: all #GP.
 * BSP is reported by the CPU, so a written BSP bit is ignored.  Clearing EN
 * returns the APIC to its power-up state (SDM 11.4.3 "Enabling or
 * Disabling the Local APIC" says state "may be lost"); setting EN again is
 * allowed, and the page keeps its address.
 */
bool lapic_base_valid(uint64_t val)
{
	return !(val & ~(BASE_ADDR_MASK | BASE_EN | BASE_BSP));
}

int lapic_write_base(struct lapic *a, uint64_t val)
{
	if (!lapic_base_valid(val))
		return -1;		/* x2APIC enable, reserved bits, an address above MAXPHYADDR */
	if (hw_enabled(a) && !(val & BASE_EN))
		reset_registers(a);
	a->base = (a->base & BASE_BSP) | (val & (BASE_ADDR_MASK | BASE_EN));
	return 0;
}

uint64_t lapic_base_address(const struct lapic *a) { return a->base & BASE_ADDR_MASK; }
bool lapic_hw_enabled(const struct lapic *a) { return hw_enabled(a); }

/* SDM 11.8.6.1 "Interaction of Task Priorities between CR8 and APIC". */
uint8_t lapic_get_cr8(const struct lapic *a)     { return (uint8_t)((a->tpr >> 4) & 0xf); }
void    lapic_set_cr8(struct lapic *a, uint8_t cr8) { a->tpr = (uint32_t)(cr8 & 0xf) << 4; }

static bool vec_ok(int v) { return v >= 0 && v <= 255; }

bool lapic_isr_test(const struct lapic *a, int v) { return vec_ok(v) && bit_test(a->isr, v); }
bool lapic_irr_test(const struct lapic *a, int v) { return vec_ok(v) && bit_test(a->irr, v); }
bool lapic_tmr_test(const struct lapic *a, int v) { return vec_ok(v) && bit_test(a->tmr, v); }
