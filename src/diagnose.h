/*
 * diagnose.h - explain to a student why their guest stopped.
 */
#ifndef TINYVMM_DIAGNOSE_H
#define TINYVMM_DIAGNOSE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <linux/kvm.h>

struct vcpu;
struct vm;

/* "real mode", "32-bit protected mode", "64-bit long mode", ... from the segment and control registers. */
const char *cpu_mode_name(const struct kvm_sregs *sregs);

/* Guest-virtual (linear) to guest-physical, walking the guest's page tables. */
bool guest_virt_to_phys(struct vm *vm, const struct kvm_sregs *sregs, uint64_t gva, uint64_t *gpa);

void diagnose_registers(struct vcpu *vcpu, FILE *out);

/*
 * Do these registers hold the x86 reset state (CS=F000 base FFFF0000,
 * RIP=FFF0, CR0.PE=0)?  After KVM_EXIT_SHUTDOWN they do on AMD SVM hosts,
 * where KVM resets the vCPU before it returns to us.
 */
bool regs_are_reset_state(const struct kvm_regs *r, const struct kvm_sregs *s);

/* KVM_EXIT_SHUTDOWN: what a triple fault left to see, and what it did not. */
void diagnose_shutdown(struct vcpu *vcpu, FILE *out);
void diagnose_internal_error(struct vcpu *vcpu, FILE *out);

#endif
