/*
 * apic.h - the local APIC and I/O APIC models wired into the machine
 * (chapter 5, --irqchip=none): their MMIO windows, their MSRs, the
 * IOAPIC -> LAPIC message path and the LAPIC EOI -> IOAPIC path.
 */
#ifndef TINYVMM_APIC_H
#define TINYVMM_APIC_H

#include <stdbool.h>
#include <stdint.h>

struct vm;
struct vcpu;

/* Create both models and put them on the MMIO bus. */
int apic_devices_add(struct vm *vm);
/* Make IA32_APIC_BASE and IA32_TSC_DEADLINE exit to userspace (before vCPUs exist). */
int apic_msr_setup(struct vm *vm);
/* Trace each LAPIC timer expiry since 'before' (lapic.timer_expiries), saying which path noticed it. */
struct lapic;
void apic_trace_expiries(struct vm *vm, const struct lapic *a, uint64_t before, const char *noticed_by);
/*
 * Chapter 8: a device's MSI, 'address' and 'data' as it writes them, to the
 * local APIC wherever it lives ('source' names the device in messages).
 * True if a local APIC accepted it.  vm->lock held.
 */
bool apic_deliver_msi(struct vm *vm, const char *source, uint64_t address, uint32_t data);
/* Split irqchip: keep KVM's GSI routes equal to the redirection table. */
void apic_sync_routes(struct vm *vm);
/* Split irqchip: KVM_EXIT_IOAPIC_EOI. */
bool apic_handle_ioapic_eoi(struct vcpu *vcpu);
/* KVM_EXIT_X86_RDMSR / KVM_EXIT_X86_WRMSR. */
bool apic_handle_msr(struct vcpu *vcpu);
/* CR8 is the TPR: copy it between kvm_run and the model around each KVM_RUN (lock held). */
void apic_cr8_to_run(struct vcpu *vcpu);
void apic_cr8_from_run(struct vcpu *vcpu);

#endif
