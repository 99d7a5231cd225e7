/*
 * irqstate.h - one picture of the interrupt controllers' state, wherever
 * they live: tinyvmm's models (chapters 3-6) or KVM (chapter 7).
 *
 * KVM's state (KVM_GET_IRQCHIP, KVM_GET_LAPIC) is loaded into the same model
 * structs tinyvmm uses, so the same functions (pic_intr, lapic_ppr,
 * lapic_pending) read it, and --trace and --dump-irqchip print KVM's chips
 * in the words they use for tinyvmm's own.  Pure: no KVM calls here.
 */
#ifndef TINYVMM_IRQSTATE_H
#define TINYVMM_IRQSTATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <linux/kvm.h>

#include "devices/ioapic.h"
#include "devices/lapic.h"
#include "devices/pic.h"

struct irqstate {
	/* who holds each chip's state: "tinyvmm", "kvm", or NULL if the machine has none */
	const char *pic_from, *ioapic_from, *lapic_from;
	struct pic pic;
	uint8_t ioapic_id;
	uint64_t redir[IOAPIC_NUM_PINS];
	struct lapic lapic;		/* registers only: its clock and callbacks are unset */
	uint32_t timer_current;		/* the timer's current count register */
};

/* KVM's layouts (api.rst, KVM_GET_IRQCHIP and KVM_GET_LAPIC) into the model structs. */
void irqstate_pic_from_kvm(struct pic_chip *c, const struct kvm_pic_state *k, bool master);
void irqstate_ioapic_from_kvm(struct irqstate *s, const struct kvm_ioapic_state *k);
void irqstate_lapic_from_kvm(struct irqstate *s, const struct kvm_lapic_state *k, uint64_t apic_base);

/*
 * One line for --trace: "pic: irr=.. isr=.. imr=.. -> INTR low | ioapic:
 * remote irr none | lapic: irr=none isr=0x50 ppr=50"; a chip the machine
 * lacks, or whose state was not read, is left out.
 */
void irqstate_summary(const struct irqstate *s, char *buf, size_t len);

/* The whole state, several lines (--dump-irqchip). */
void irqstate_dump(const struct irqstate *s, FILE *f);

#endif
