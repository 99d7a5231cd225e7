/*
 * vcpu.h - a virtual CPU and its run loop.
 */
#ifndef TINYVMM_VCPU_H
#define TINYVMM_VCPU_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/kvm.h>

struct vm;

struct vcpu {
	struct vm *vm;
	int id;
	int fd;				/* -1 in unit tests: no KVM behind it */
	struct kvm_run *run;		/* the page KVM_RUN fills in (mmap of fd) */
	size_t run_size;
	pthread_t thread;		/* the thread inside KVM_RUN, for kicks */
	uint64_t exits;			/* KVM_RUN returns, counted for the bench */
	bool intr_line;			/* its INTR as of the last change (irq.c), readable without the lock */
	bool halted;			/* --irqchip none: it sleeps in HLT, waiting for vm->halt_cond */
	bool inject_inflight;		/* KVM_INTERRUPT done, the guest has not run since */
	int tsc_khz;			/* the guest TSC rate (KVM_GET_TSC_KHZ), 0 until first needed */
	struct kvm_regs reset_regs;	/* the state KVM_CREATE_VCPU gave: INIT and SIPI start from it (smp.c) */
	struct kvm_sregs reset_sregs;
	uint32_t mp_state_seen;		/* --trace: KVM_GET_MP_STATE as last printed */
	uint64_t cr8_entered;		/* kvm_run.cr8 as we set it before KVM_RUN */
	struct {			/* the last exit handled, for diagnose_shutdown() */
		uint32_t reason;
		bool write;
		uint64_t addr;		/* port or MMIO address */
		uint64_t number;	/* which exit it was (vcpu->exits), 0: none yet */
	} last_exit;
};

int vcpu_create(struct vcpu *vcpu, struct vm *vm, int id);
void vcpu_destroy(struct vcpu *vcpu);

/* Act on run->exit_reason after KVM_RUN returned.  False: stop the VM. */
bool vcpu_handle_exit(struct vcpu *vcpu);

/*
 * The loop's step before every KVM_RUN: if INTR is high, inject the vector
 * (KVM_INTERRUPT) when the guest can take it, or ask for an interrupt window.
 * Exported for the unit tests (test_exit.c).
 */
void vcpu_inject_interrupt(struct vcpu *vcpu);

/* KVM_RUN until the VM stops. */
void vcpu_loop(struct vcpu *vcpu);

/* Make the vCPU thread leave KVM_RUN soon (signal + immediate_exit). */
void vcpu_kick(struct vcpu *vcpu);
void vcpu_kick_setup(void);

#endif
