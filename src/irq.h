/*
 * irq.h - the interrupt wiring of the machine: which controller a device's
 * line reaches, and how the controller's output reaches the vCPU.
 */
#ifndef TINYVMM_IRQ_H
#define TINYVMM_IRQ_H

#include <stdbool.h>

struct vm;

/*
 * Drive ISA IRQ 'irq' to 'level'.  This is the set_level of every device's
 * struct irq_line.  Called with vm->lock held (every device callback is).
 */
void irq_set_level(void *vm, int irq, int level);

/* Which device drives ISA IRQ / GSI 'irq', for --trace: "pit0", "uart", "testdev". */
const char *irq_source(int irq);

/*
 * Chapter 8: INTA# of the PCI function at 00:04.0, wired to GSI
 * PCI_INTX_GSI (irq.c says why there), level, 1 = asserted.  The
 * set_level of the edu's struct irq_line.  vm->lock held.
 */
#define PCI_INTX_GSI	16
void irq_set_pci_intx(void *vm, int gsi, int level);

/*
 * The PIC's INTR output may have changed: make sure the vCPU notices, by
 * waking it from HLT or kicking it out of KVM_RUN.  vm->lock held.
 */
void irq_intr_changed(struct vm *vm);

/*
 * The CPU's INTR input: is an interrupt waiting that the CPU would take,
 * from the local APIC (IRR above PPR) or from the 8259A through LINT0
 * (ExtINT)?  irq_intack() is the INTA cycle that takes it.  vm->lock held.
 */
bool irq_intr(struct vm *vm);
int irq_intack(struct vm *vm, const char **from);
/* The same for CPU 'cpu' (0: the BSP, as above; an AP: its own local APIC). */
bool irq_cpu_intr(struct vm *vm, int cpu);
int irq_cpu_intack(struct vm *vm, int cpu, const char **from);
struct vcpu;
/* Wake vCPU 'v' from HLT or kick it out of KVM_RUN (not needed from its own thread). */
void irq_notify_cpu(struct vm *vm, struct vcpu *v);

/*
 * I/O APIC pin 0 follows the 8259A's INTR (virtual wire B); 'inta': an INTA
 * cycle just dropped INTR for a moment.  Called by irq_intr_changed().
 */
void pic_output_to_pin0(struct vm *vm, bool inta);

/*
 * The timer thread raises timer interrupts at most once per this many ns
 * (KVM: kvm.min_timer_period_us = 200); faster events coalesce (irq.c).
 */
#define TIMER_MIN_PERIOD_NS	200000ull

/* Put the PIC, the PIT and the test device on the port bus; start the PIT's timer thread. */
int irq_devices_add(struct vm *vm);
int irq_timer_start(struct vm *vm);
void irq_timer_stop(struct vm *vm);

#endif
