/*
 * kvm.h - thin, checked wrappers around the KVM ioctls tinyvmm uses.
 *
 * kvm.c is the only file in tinyvmm that calls ioctl().  Each wrapper does one
 * KVM call, returns 0 (or a file descriptor / value) on success and -errno on
 * failure, and never prints: the caller decides what the user should read.
 * Names follow Documentation/virt/kvm/api.rst so a reader can look each up.
 */
#ifndef TINYVMM_KVM_H
#define TINYVMM_KVM_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>
#include <linux/kvm.h>

/* /dev/kvm: the "system" file descriptor */
int kvm_open(const char *path);				/* fd or -errno */
int kvm_get_api_version(int sys_fd);			/* KVM_GET_API_VERSION */
int kvm_check_extension(int fd, long cap);		/* KVM_CHECK_EXTENSION: >0 if present */
int kvm_get_vcpu_mmap_size(int sys_fd);			/* KVM_GET_VCPU_MMAP_SIZE */

/* the VM */
int kvm_create_vm(int sys_fd);				/* KVM_CREATE_VM: vm fd */
int kvm_set_user_memory_region(int vm_fd, uint32_t slot, uint32_t flags,
			       uint64_t guest_phys, uint64_t size, void *host);
int kvm_set_tss_addr(int vm_fd, uint64_t addr);		/* KVM_SET_TSS_ADDR (VMX real mode) */
int kvm_set_identity_map_addr(int vm_fd, uint64_t addr);/* KVM_SET_IDENTITY_MAP_ADDR */
int kvm_create_vcpu(int vm_fd, int id);			/* KVM_CREATE_VCPU: vcpu fd */
int kvm_enable_cap(int fd, uint32_t cap, uint64_t arg0);	/* KVM_ENABLE_CAP */
int kvm_get_mp_state(int vcpu_fd, uint32_t *state);		/* KVM_GET_MP_STATE (KVM_MP_STATE_*) */
int kvm_set_mp_state(int vcpu_fd, uint32_t state);		/* KVM_SET_MP_STATE */
int kvm_signal_msi(int vm_fd, uint64_t address, uint32_t data);	/* KVM_SIGNAL_MSI: >0 delivered */
int kvm_irq_line(int vm_fd, uint32_t gsi, int level);		/* KVM_IRQ_LINE */
int kvm_irqfd(int vm_fd, int fd, uint32_t gsi);			/* KVM_IRQFD: eventfd fd raises gsi */
/* KVM_SET_GSI_ROUTING with one MSI route per GSI 0..n-1 */
int kvm_set_msi_routes(int vm_fd, int n, const uint64_t *address, const uint32_t *data);
/* the in-kernel irqchip (chapter 7) */
int kvm_create_irqchip(int vm_fd);				/* KVM_CREATE_IRQCHIP */
int kvm_create_pit2(int vm_fd, uint32_t flags);
int kvm_reinject_control(int vm_fd, bool reinject);
int kvm_irqfd_resample(int vm_fd, int fd, uint32_t gsi, int resamplefd);	/* KVM_IRQFD, RESAMPLE */
int kvm_irqfd_deassign(int vm_fd, int fd, uint32_t gsi);			/* KVM_IRQFD, DEASSIGN */			/* KVM_REINJECT_CONTROL */
int kvm_set_irqchip_routes(int vm_fd, int n, const struct kvm_irq_routing_entry *e); /* KVM_SET_GSI_ROUTING */
int kvm_get_irqchip(int vm_fd, uint32_t chip_id, struct kvm_irqchip *chip);	/* KVM_GET_IRQCHIP */
int kvm_get_lapic(int vcpu_fd, struct kvm_lapic_state *state);	/* KVM_GET_LAPIC (vCPU not running) */
/* KVM_X86_SET_MSR_FILTER: these MSRs exit to userspace (default: KVM handles the rest) */
int kvm_deny_msrs(int vm_fd, const uint32_t *msrs, int n);

/* CPUID: what KVM can offer, and what one vCPU shows its guest */
struct kvm_cpuid2 *kvm_get_supported_cpuid(int sys_fd, int *err);	/* malloc'd; free() it */
int kvm_set_cpuid2(int vcpu_fd, struct kvm_cpuid2 *cpuid);		/* KVM_SET_CPUID2 */

/* a vCPU */
int kvm_run(int vcpu_fd);				/* KVM_RUN */
int kvm_get_regs(int vcpu_fd, struct kvm_regs *regs);	/* KVM_GET_REGS */
int kvm_get_sregs(int vcpu_fd, struct kvm_sregs *sregs);/* KVM_GET_SREGS */
int kvm_set_regs(int vcpu_fd, const struct kvm_regs *regs);	/* KVM_SET_REGS */
int kvm_set_sregs(int vcpu_fd, const struct kvm_sregs *sregs);	/* KVM_SET_SREGS */
int kvm_nmi(int vcpu_fd);				/* KVM_NMI: without an in-kernel LAPIC only */
int kvm_interrupt(int vcpu_fd, uint32_t vector);	/* KVM_INTERRUPT */
int kvm_get_msr(int vcpu_fd, uint32_t index, uint64_t *value);	/* KVM_GET_MSRS, one MSR */
int kvm_set_msr(int vcpu_fd, uint32_t index, uint64_t value);	/* KVM_SET_MSRS, one MSR */
int kvm_get_tsc_khz(int vcpu_fd);			/* KVM_GET_TSC_KHZ */

/* A capability tinyvmm relies on, and why, for the error message. */
struct kvm_required_cap {
	long cap;
	const char *name;
	const char *why;
};
extern const struct kvm_required_cap kvm_required_caps[];

/* Name of a KVM_EXIT_* reason, or "unknown" (for messages and traces). */
const char *kvm_exit_reason_name(uint32_t reason);

#endif
