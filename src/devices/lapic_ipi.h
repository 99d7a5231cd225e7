/*
 * lapic_ipi.h - interprocessor interrupts between several local APICs.
 *
 * The model stays one struct lapic per CPU and never reaches another APIC
 * by itself.  A write to ICR low calls the APIC's send_ipi hook with the
 * decoded command (lapic_ipi_decode()); the wiring, which owns every
 * APIC, picks the targets (lapic_ipi_targets()), for lowest priority
 * delivery the one winner (lapic_lowest_priority()), and hands the message
 * to each (lapic_deliver_ipi()).  Each APIC then records what its vCPU loop
 * must do: take a vector (lapic_pending()), an NMI (lapic_take_nmi()), an
 * INIT reset (lapic_take_init()) or a start-up vector (lapic_take_sipi()).
 *
 * Without a hook (lapic_init() leaves it NULL) an APIC behaves as the
 * uniprocessor model always did: fixed and lowest priority IPIs that name
 * it reach it, every other IPI is dropped.
 *
 * Reference: Intel SDM vol. 3A, 11.6 "Issuing Interprocessor Interrupts",
 * 11.4.7 "Local APIC State", and chapter 9 (8 in older editions)
 * "Multiple-Processor Management", 9.4 "Multiple-Processor (MP)
 * Initialization".  See lapic_ipi.c.
 */
#ifndef TINYVMM_LAPIC_IPI_H
#define TINYVMM_LAPIC_IPI_H

#include <stdbool.h>
#include <stdint.h>

#include "lapic.h"

/* ICR delivery mode, bits 10:8 (SDM 11.6.1, Figure 11-12); 3 and 7 are reserved */
enum lapic_delivery {
	LAPIC_DELIVER_FIXED	= 0,
	LAPIC_DELIVER_LOWEST	= 1,	/* lowest priority: one CPU of the destination set */
	LAPIC_DELIVER_SMI	= 2,
	LAPIC_DELIVER_NMI	= 4,
	LAPIC_DELIVER_INIT	= 5,	/* also INIT level de-assert, see lapic_ipi_is_init_deassert() */
	LAPIC_DELIVER_SIPI	= 6,	/* start-up */
};

/* ICR destination shorthand, bits 19:18 */
enum lapic_shorthand {
	LAPIC_SHORTHAND_NONE	= 0,	/* the destination field says who */
	LAPIC_SHORTHAND_SELF	= 1,
	LAPIC_SHORTHAND_ALL	= 2,	/* all including self */
	LAPIC_SHORTHAND_OTHERS	= 3,	/* all excluding self */
};

/* One IPI as the ICR describes it. */
struct lapic_ipi {
	uint8_t vector;		/* bits 7:0 */
	uint8_t delivery;	/* bits 10:8, enum lapic_delivery */
	bool logical;		/* bit 11, destination mode */
	bool level_assert;	/* bit 14, level: 0 only for INIT level de-assert */
	bool level_trigger;	/* bit 15, trigger mode */
	uint8_t shorthand;	/* bits 19:18, enum lapic_shorthand */
	uint8_t dest;		/* bits 63:56 */
	uint8_t source_id;	/* the sender's APIC ID (information; not used for routing) */
};

/* Split an ICR value into its fields.  Bits outside the fields are ignored. */
void lapic_ipi_decode(uint32_t icr_lo, uint32_t icr_hi, uint8_t source_id, struct lapic_ipi *out);

/* INIT with level 0 and trigger mode level: the P6 arbitration ID sync, no reset. */
bool lapic_ipi_is_init_deassert(const struct lapic_ipi *ipi);

/*
 * The CPUs an IPI reaches, as a bit mask of indices into apics[0..n-1];
 * 'self' is the sender's index.  NULL entries and globally disabled APICs
 * take nothing.  For lowest priority delivery this is the set to arbitrate
 * among, not the winner.  n is clamped to the width of the mask.
 */
unsigned lapic_ipi_targets(const struct lapic_ipi *ipi, struct lapic *const *apics, int n, int self);

/*
 * Lowest priority arbitration among the CPUs in 'mask': the index of the
 * APIC with the lowest arbitration priority that can accept a fixed
 * interrupt, ties broken round-robin from the cursor *rr (advanced past
 * the winner; rr may be NULL).  -1 if no APIC in the mask can accept.
 */
int lapic_lowest_priority(struct lapic *const *apics, unsigned mask, uint8_t vector, unsigned *rr);

/* One target APIC receives the IPI (the caller has chosen it). */
void lapic_deliver_ipi(struct lapic *a, const struct lapic_ipi *ipi);

/* An application processor's APIC at power-up: BSP flag clear, waiting for SIPI (SDM 9.4.1). */
void lapic_init_ap(struct lapic *a, struct clock *clk, uint8_t id,
		   void (*eoi_level)(void *opaque, int vector), void *opaque);

/* For the vCPU loop.  Each returns an event once and forgets it. */
enum lapic_mp_state lapic_mp_state(const struct lapic *a);
bool lapic_take_nmi(struct lapic *a);	/* an NMI to inject (held while the CPU is not running) */
bool lapic_take_init(struct lapic *a);	/* an INIT reset the vCPU must now do */
int  lapic_take_sipi(struct lapic *a);	/* start-up vector (CS = v << 8, IP = 0), or -1 */

#endif
