/*
 * inkernel.h - chapter 7: every interrupt controller in KVM (--irqchip kernel),
 * and reading any controller's state, wherever it lives (--trace, --dump-irqchip).
 */
#ifndef TINYVMM_INKERNEL_H
#define TINYVMM_INKERNEL_H

#include <stdbool.h>

struct vm;
struct vcpu;
struct irqstate;

/*
 * KVM_CREATE_IRQCHIP, the PC's GSI routes, and with --pit kernel
 * KVM_CREATE_PIT2.  Before the vCPU exists (its LAPIC is made with it).
 * 0 or -errno; *what names the step that failed.
 */
int inkernel_create(struct vm *vm, const char **what);

/* KVM_SET_GSI_ROUTING again: the PC's routes, and the edu's MSI route if it has one (chapter 8). */
void inkernel_sync_routes(struct vm *vm);

/* Drive ISA IRQ / GSI 'irq' to 'level' with KVM_IRQ_LINE (irq_set_level in kernel mode). */
void inkernel_set_irq(struct vm *vm, int irq, int level);
/* The same, 'who' naming the device for --trace (a line with two drivers, irq.c). */
void inkernel_set_irq_from(struct vm *vm, int irq, int level, const char *who);

/*
 * The controllers' state from wherever each lives.  The local APIC of a
 * KVM irqchip (the BSP's) is read only when 'with_lapic' (KVM_GET_LAPIC is a
 * vCPU ioctl: only vCPU 0's own thread, outside KVM_RUN, may make it).
 */
void irqstate_read(struct vm *vm, struct irqstate *s, bool with_lapic);

/*
 * --trace, kernel mode: at an exit, print the in-kernel state if it changed
 * since the last line printed (what KVM did between exits).  vCPU 0's
 * thread only (it reads that vCPU's LAPIC, and irqstate_seen is its alone).
 */
void inkernel_trace_exit(struct vcpu *vcpu);

/* --dump-irqchip: print every controller's state (vCPU thread, after the loop). */
void irqchip_dump(struct vm *vm);

#endif
