/*
 * smp.h - several CPUs with tinyvmm's own local APICs (chapter 10; smp.c).
 */
#ifndef TINYVMM_SMP_H
#define TINYVMM_SMP_H

#include <stdbool.h>
#include <stdint.h>

struct vm;
struct vcpu;

/* APs' local APICs in wait-for-SIPI, IPIs through the wiring (apic_devices_add). */
void smp_lapics_init(struct vm *vm, void (*eoi_level)(void *opaque, int vector));
/* A fixed or lowest-priority message from the I/O APIC or an MSI; true if a CPU took it. */
bool smp_deliver_message(struct vm *vm, uint8_t dest, bool logical, bool lowest, int vector, bool level);
/* An INIT, SIPI or NMI not yet acted on by CPU 'cpu''s thread?  vm->lock held. */
bool smp_cpu_event(struct vm *vm, int cpu);
/* Before KVM_RUN: act on INIT, wait for SIPI, inject an NMI.  False: the VM stops. */
bool smp_cpu_step(struct vcpu *vcpu);

#endif
