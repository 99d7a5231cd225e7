/*
 * lapic.h - the local APIC (xAPIC mode) of one CPU.
 *
 * The model is pure state, like pic.h: the guest's accesses to the 4 KiB
 * register page go through lapic_mmio_read()/lapic_mmio_write(), interrupt
 * sources call lapic_accept(), and the vCPU loop asks lapic_pending() and
 * lapic_intack() what to inject.  The timer keeps no host timer of its own:
 * the caller asks lapic_next_event_ns(), waits until then and calls
 * lapic_update().  All calls on one struct lapic must be serialized by the
 * caller.  Reference: Intel SDM vol. 3A, chapter 11 (see lapic.c).
 */
#ifndef TINYVMM_LAPIC_H
#define TINYVMM_LAPIC_H

#include <stdbool.h>
#include <stdint.h>

#include "clock.h"
#include "tick.h"

#define LAPIC_DEFAULT_BASE 0xfee00000u
#define LAPIC_PHYS_BITS	36	/* the model's MAXPHYADDR: a page address above it is reserved bits */
#define LAPIC_BUS_HZ 1000000000ull	/* the timer's input: a 1 GHz "bus", as KVM's in-kernel APIC
					   uses by default, so guests see the same rate later under KVM's LAPIC */

/* Register offsets in the page (SDM table "Local APIC Register Address Map") */
#define LAPIC_ID	0x020	/* bits 31:24 APIC ID */
#define LAPIC_VERSION	0x030	/* read-only */
#define LAPIC_TPR	0x080	/* task priority */
#define LAPIC_APR	0x090	/* arbitration priority, read-only */
#define LAPIC_PPR	0x0a0	/* processor priority, read-only */
#define LAPIC_EOI	0x0b0	/* write-only */
#define LAPIC_LDR	0x0d0	/* logical destination */
#define LAPIC_DFR	0x0e0	/* destination format */
#define LAPIC_SVR	0x0f0	/* spurious interrupt vector */
#define LAPIC_ISR	0x100	/* in-service, 8 registers 0x100-0x170 */
#define LAPIC_TMR	0x180	/* trigger mode, 8 registers 0x180-0x1f0 */
#define LAPIC_IRR	0x200	/* interrupt request, 8 registers 0x200-0x270 */
#define LAPIC_ESR	0x280	/* error status */
#define LAPIC_ICR_LO	0x300	/* interrupt command, bits 31:0; writing it sends */
#define LAPIC_ICR_HI	0x310	/* interrupt command, bits 63:32 (destination) */
#define LAPIC_LVT_TIMER	0x320
#define LAPIC_LVT_THERMAL 0x330
#define LAPIC_LVT_PERF	0x340
#define LAPIC_LVT_LINT0	0x350
#define LAPIC_LVT_LINT1	0x360
#define LAPIC_LVT_ERROR	0x370
#define LAPIC_TIMER_ICR	0x380	/* timer initial count */
#define LAPIC_TIMER_CCR	0x390	/* timer current count, read-only */
#define LAPIC_TIMER_DCR	0x3e0	/* timer divide configuration */

#define LAPIC_LVT_COUNT	6	/* timer, thermal, perf, LINT0, LINT1, error */

struct lapic_ipi;		/* lapic_ipi.h */

/* What the CPU behind this APIC is doing, as far as INIT and SIPI go (lapic_ipi.h). */
enum lapic_mp_state {
	LAPIC_MP_RUNNING = 0,	/* executing: the BSP from lapic_init(), an AP after its SIPI */
	LAPIC_MP_WAIT_FOR_SIPI,	/* an AP after power-up or INIT: halted until a start-up IPI */
	LAPIC_MP_SIPI_RECEIVED,	/* a start-up IPI came; lapic_take_sipi() hands it over */
};

struct lapic {
	struct clock *clock;
	uint64_t min_period_ns;		/* shortest periodic timer period; 0: none (the SDM sets none) */
	void (*eoi_level)(void *opaque, int vector);
	void *opaque;
	/* NULL: uniprocessor IPIs (self only); else every IPI goes here (lapic_ipi.h) */
	void (*send_ipi)(void *opaque, const struct lapic_ipi *ipi);
	void *ipi_opaque;		/* send_ipi's: the sending CPU, as APIC IDs are writable */

	uint64_t base;			/* IA32_APIC_BASE as read: address | EN | BSP */
	uint32_t id;			/* ID register: APIC ID in bits 31:24 */
	uint32_t tpr, ldr, dfr, svr;
	uint32_t esr;			/* what ESR reads: errors latched by the last write */
	uint32_t esr_pending;		/* errors seen since that write */
	uint32_t icr_lo, icr_hi;
	uint32_t lvt[LAPIC_LVT_COUNT];	/* indexed by (offset - 0x320) / 16 */
	uint32_t isr[8], tmr[8], irr[8];	/* bit v%32 of word v/32 is vector v */

	/* timer: count modes (one-shot, periodic) */
	uint32_t timer_initial;		/* initial count register */
	uint32_t timer_dcr;		/* divide configuration register */
	bool timer_running;		/* a count is loaded and has not run out (one-shot) */
	uint64_t timer_expiry_ns;	/* when the count next reaches 0 */

	/* timer: TSC-deadline mode */
	uint64_t tsc_deadline;		/* IA32_TSC_DEADLINE, 0 = disarmed */
	uint64_t tsc_deadline_ns;	/* the same moment on our clock */
	uint64_t timer_expiries;	/* expiries so far, masked or not (observation, for --trace) */
	struct tick_gate timer_ticks;	/* the lost-tick policy (tick.h); the wiring sets it */

	/* INIT, SIPI, NMI received for the vCPU loop (lapic_ipi.c) */
	enum lapic_mp_state mp_state;
	uint8_t sipi_vector;		/* valid in LAPIC_MP_SIPI_RECEIVED */
	bool nmi_pending;
	bool init_pending;		/* an INIT reset happened; the vCPU must reset too */
};

/* Power-up state (SDM 11.4.7.1), APIC ID 'id', enabled at 0xFEE00000, BSP, running.
 * An AP's APIC: lapic_init_ap() (lapic_ipi.h). */
void lapic_init(struct lapic *a, struct clock *clk, uint8_t id,
		void (*eoi_level)(void *opaque, int vector), void *opaque);

/*
 * What a PC BIOS does before booting an OS ("virtual wire mode", MP spec
 * 1.4): software-enable, spurious vector 0xFF, LINT0 = ExtINT (the 8259A),
 * LINT1 = NMI.  After lapic_init() alone LINT0 is masked, so the 8259A
 * cannot interrupt the CPU until the guest or the VMM sets this up.
 */
void lapic_setup_virtual_wire(struct lapic *a);

/* 'offset' within the page.  Undefined or misaligned offsets read 0, writes are ignored. */
uint32_t lapic_mmio_read(struct lapic *a, uint32_t offset);
void     lapic_mmio_write(struct lapic *a, uint32_t offset, uint32_t val);

/*
 * A fixed interrupt arrives (IOAPIC, self-IPI, timer): sets IRR, and TMR if
 * 'level' (clears it if edge).  Vectors 0-15 are illegal: ESR "receive
 * illegal vector" is set and the LVT error interrupt raised, IRR untouched.
 * Ignored while globally disabled; held in IRR while software-disabled.
 * Returns whether it was accepted (an I/O APIC sets Remote IRR only then).
 */
bool     lapic_accept(struct lapic *a, int vector, bool level);

/* The vector the CPU should take now, or -1 (none, or software-disabled). */
int      lapic_pending(const struct lapic *a);
/* Take lapic_pending(): IRR -> ISR, return the vector, or -1 (no spurious vector). */
int      lapic_intack(struct lapic *a);
/* May the 8259A's INTR reach the CPU?  APIC globally disabled, or LINT0 unmasked ExtINT. */
bool     lapic_accepts_extint(const struct lapic *a);

/* IA32_APIC_BASE (MSR 0x1b): base | EN (bit 11) | BSP (bit 8). */
uint64_t lapic_read_base(const struct lapic *a);
/* May this value be written (no reserved bits, no x2APIC enable)? */
bool     lapic_base_valid(uint64_t val);
/* 0 ok; -1 (inject #GP, nothing changed) for reserved bits or x2APIC enable. */
int      lapic_write_base(struct lapic *a, uint64_t val);
/* Where the register page is (IA32_APIC_BASE bits 12 and up), and whether EN is set. */
uint64_t lapic_base_address(const struct lapic *a);
bool     lapic_hw_enabled(const struct lapic *a);

/* CR8 is TPR[7:4] (SDM 11.8.6). */
uint8_t  lapic_get_cr8(const struct lapic *a);
void     lapic_set_cr8(struct lapic *a, uint8_t cr8);

/* Timer */
uint64_t lapic_next_event_ns(struct lapic *a);	/* absolute clock time of the next expiry, UINT64_MAX if none */
void     lapic_update(struct lapic *a);		/* fire whatever expired by now (at most one interrupt) */
void     lapic_write_tsc_deadline(struct lapic *a, uint64_t tsc_value, uint64_t expiry_ns);
uint64_t lapic_read_tsc_deadline(const struct lapic *a);

/* Observation for --trace and tests */
bool     lapic_isr_test(const struct lapic *a, int v);
bool     lapic_irr_test(const struct lapic *a, int v);
/* Does destination 'dest' (physical, or logical under DFR/LDR) name this APIC (SDM 11.6.2)? */
bool     lapic_match_dest(const struct lapic *a, uint8_t dest, bool logical);
bool     lapic_tmr_test(const struct lapic *a, int v);
/* Software-enabled (SVR bit 8)?  Unlike a read of the SVR, no timer catch-up. */
bool     lapic_sw_enabled(const struct lapic *a);
uint32_t lapic_ppr(const struct lapic *a);

#endif
