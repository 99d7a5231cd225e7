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
void diagnose_internal_error(struct vcpu *vcpu, FILE *out);

#endif
