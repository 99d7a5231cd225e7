/*
 * ticks.h - the lost-tick policy in the machine (--tick-policy): where
 * tinyvmm sees the guest take the 8254's tick, and what it raises next.
 * The policy itself is src/devices/tick.c; this is its wiring.
 */
#ifndef TINYVMM_TICKS_H
#define TINYVMM_TICKS_H

#include <stdbool.h>
#include <stdint.h>

struct vm;

/* Set both gates (the 8254's, our LAPIC timer's) to the VM's policy. */
void ticks_init(struct vm *vm);

/* The 8254's OUT0 changed: the set_level of its struct irq_line.  vm->lock held. */
void ticks_pit_out0(void *vm, int irq, int level);

/* The guest reprogrammed channel 0: what was waiting belongs to the old rate. */
void ticks_pit_reprogrammed(struct vm *vm);

/*
 * The guest took an interrupt: the 8259A's INTA cycle answered 'vector'
 * (ticks_pic_intack), or a local APIC's EOI retired 'vector' (ticks_eoi:
 * our LAPIC model's EOI, or KVM_EXIT_IOAPIC_EOI under split).  If that was
 * IRQ 0, a reinjecting 8254 raises its next tick.  vm->lock held.
 */
void ticks_pic_intack(struct vm *vm, int vector);
void ticks_eoi(struct vm *vm, int vector);

/* The guest wrote the 8259A's mask or an I/O APIC entry: IRQ 0 may be unmasked now. */
void ticks_mask_changed(struct vm *vm);

/*
 * --irqchip kernel --pit user --tick-policy reinject: bind GSI 0 to an irqfd
 * with a resampler and start the thread that reads it (0, or -errno);
 * nothing in the other cases.  ticks_stop() undoes it.  Without vm->lock.
 */
int ticks_start(struct vm *vm);
void ticks_stop(struct vm *vm);

/* Split: the MSI data of I/O APIC pin 'pin', adjusted so KVM reports its EOI. */
uint32_t ticks_msi_data(struct vm *vm, int pin, uint32_t data);

#endif
