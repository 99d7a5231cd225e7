/*
 * lapic_priv.h - what the local APIC's three source files share: the
 * register bit layouts, the LVT indices, the 256-bit IRR/ISR/TMR helpers,
 * the enable and timer-mode tests, and the functions one file calls in
 * another.  Only src/devices/lapic*.c include it; everyone else uses lapic.h.
 *
 *   lapic.c        reset, init, virtual wire, the register page, APIC_BASE, CR8
 *   lapic_timer.c  the timer (SDM 11.5.4, 11.5.4.1)
 *   lapic_irq.c    priorities, errors, accept/INTA/EOI, destinations, IPIs
 *                  (SDM 11.5.3, 11.6, 11.8)
 *   lapic_ipi.c    several CPUs: ICR decode, targets, lowest priority,
 *                  INIT/SIPI/NMI delivery (SDM 11.6, 11.4.7.3, 9.4)
 *
 * Reference: Intel SDM vol. 3A, chapter 11; sections are cited per block.
 */
#ifndef TINYVMM_LAPIC_PRIV_H
#define TINYVMM_LAPIC_PRIV_H

#include "lapic.h"

/* IA32_APIC_BASE (SDM 11.4.4 "Local APIC Status and Location") */
#define BASE_BSP	(1ull << 8)	/* this is the bootstrap processor */
#define BASE_ADDR_MASK	(((1ull << LAPIC_PHYS_BITS) - 1) & ~0xfffull)	/* the page, bits 12 to MAXPHYADDR-1 */
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

static inline bool bit_test(const uint32_t *r, int v) { return r[v >> 5] & (1u << (v & 31)); }
static inline void bit_set(uint32_t *r, int v)        { r[v >> 5] |= 1u << (v & 31); }
static inline void bit_clear(uint32_t *r, int v)      { r[v >> 5] &= ~(1u << (v & 31)); }

/* The highest vector set in r, or -1. */
static inline int highest(const uint32_t *r)
{
	for (int i = 7; i >= 0; i--)
		if (r[i])
			return i * 32 + 31 - __builtin_clz(r[i]);
	return -1;
}

/* ISRV, IRRV in the SDM's formulas: the highest vector, 0 if none. */
static inline uint32_t top(const uint32_t *r) { int v = highest(r); return v < 0 ? 0 : (uint32_t)v; }

static inline bool hw_enabled(const struct lapic *a) { return a->base & BASE_EN; }
static inline bool sw_enabled(const struct lapic *a) { return a->svr & SVR_ENABLE; }
static inline unsigned timer_mode(const struct lapic *a) { return (a->lvt[LVT_I_TIMER] & LVT_TIMER_MODE) >> 17; }

/* ---- shared between the files (lapic.c) ---- */

void reset_registers(struct lapic *a);

/* ---- shared between the files (lapic_irq.c) ---- */

uint32_t apr(const struct lapic *a);
void eoi(struct lapic *a);
void send_ipi(struct lapic *a);

/* ---- shared between the files (lapic_timer.c) ---- */

uint32_t current_count(const struct lapic *a, uint64_t now);
void timer_catch_up(struct lapic *a, uint64_t now);
void write_initial_count(struct lapic *a, uint32_t val, uint64_t now);
void write_divide(struct lapic *a, uint32_t val, uint64_t now);
void write_lvt_timer(struct lapic *a, uint32_t val);

#endif
