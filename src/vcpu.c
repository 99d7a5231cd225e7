/*
 * vcpu.c - the run loop: enter the guest with KVM_RUN, find out why it came
 * back, do what the guest asked, enter again.
 *
 * KVM_RUN returns when the guest does something KVM leaves to userspace.  The
 * reason is in run->exit_reason, in a page shared with the kernel (struct
 * kvm_run, mapped from the vCPU fd).  For port I/O (KVM_EXIT_IO) and MMIO
 * (KVM_EXIT_MMIO) the same page holds the address, size and data; for a read,
 * tinyvmm writes the result into the page and KVM hands it to the guest on the
 * next KVM_RUN, completing the instruction.
 *
 * Kicks: another thread (a timer, the watchdog) sometimes needs the vCPU
 * thread to come out of KVM_RUN.  It sends SIGUSR1; the handler sets
 * run->immediate_exit, so KVM_RUN returns -EINTR either now (if the signal
 * interrupted the guest) or at once on the next call (if the signal arrived
 * just before it).  Without immediate_exit a signal landing between our check
 * and the ioctl would be lost until the next exit (KVM API doc, "immediate_exit").
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "diagnose.h"
#include "kvm.h"
#include "vm.h"

#define KICK_SIGNAL SIGUSR1

static __thread struct kvm_run *this_thread_run;

static void kick_handler(int sig)
{
	(void)sig;
	if (this_thread_run)
		this_thread_run->immediate_exit = 1;
}

void vcpu_kick_setup(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = kick_handler;
	sigemptyset(&sa.sa_mask);
	sigaction(KICK_SIGNAL, &sa, NULL);
}

void vcpu_kick(struct vcpu *vcpu)
{
	pthread_kill(vcpu->thread, KICK_SIGNAL);
}

int vcpu_create(struct vcpu *vcpu, struct vm *vm, int id)
{
	int size;

	vcpu->vm = vm;
	vcpu->id = id;
	vcpu->fd = kvm_create_vcpu(vm->vm_fd, id);
	if (vcpu->fd < 0) {
		fprintf(vm->diag, "tinyvmm: KVM_CREATE_VCPU: %s\n", strerror(-vcpu->fd));
		return EXIT_SETUP;
	}
	size = kvm_get_vcpu_mmap_size(vm->sys_fd);
	if (size < (int)sizeof(struct kvm_run)) {
		fprintf(vm->diag, "tinyvmm: KVM_GET_VCPU_MMAP_SIZE: %s\n",
			size < 0 ? strerror(-size) : "too small");
		return EXIT_SETUP;
	}
	vcpu->run_size = (size_t)size;
	vcpu->run = mmap(NULL, vcpu->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu->fd, 0);
	if (vcpu->run == MAP_FAILED) {
		vcpu->run = NULL;
		fprintf(vm->diag, "tinyvmm: cannot map the vCPU's kvm_run page: %s\n", strerror(errno));
		return EXIT_SETUP;
	}
	return 0;
}

void vcpu_destroy(struct vcpu *vcpu)
{
	if (vcpu->run)
		munmap(vcpu->run, vcpu->run_size);
	if (vcpu->fd >= 0)
		close(vcpu->fd);
	vcpu->run = NULL;
	vcpu->fd = -1;
}

/*
 * KVM_EXIT_IO.  "rep outsb" and friends arrive as one exit with count > 1:
 * the bytes sit one after another at data_offset in the kvm_run page.
 */
static bool handle_io(struct vcpu *vcpu)
{
	struct vm *vm = vcpu->vm;
	struct kvm_run *run = vcpu->run;
	uint8_t *data = (uint8_t *)run + run->io.data_offset;
	unsigned size = run->io.size;
	bool write = run->io.direction == KVM_EXIT_IO_OUT;

	if (run->io.data_offset + (uint64_t)size * run->io.count > vcpu->run_size) {
		fprintf(vm->diag, "tinyvmm: malformed KVM_EXIT_IO (data outside the kvm_run page)\n");
		vm_request_stop(vm, EXIT_KVM_ERROR);
		return false;
	}
	for (uint32_t i = 0; i < run->io.count; i++, data += size) {
		bool claimed = write ? bus_write(&vm->pio, run->io.port, data, size)
				     : bus_read(&vm->pio, run->io.port, data, size);

		if (!claimed && !vm_unhandled(vm, false, write, run->io.port, data, size))
			return false;
	}
	return !vm->stop_requested;
}

/* KVM_EXIT_MMIO: one access of 1-8 bytes at a physical address no slot covers. */
static bool handle_mmio(struct vcpu *vcpu)
{
	struct vm *vm = vcpu->vm;
	struct kvm_run *run = vcpu->run;
	unsigned size = run->mmio.len;
	bool write = run->mmio.is_write;
	bool claimed;

	if (size == 0 || size > sizeof(run->mmio.data)) {
		fprintf(vm->diag, "tinyvmm: malformed KVM_EXIT_MMIO (length %u)\n", size);
		vm_request_stop(vm, EXIT_KVM_ERROR);
		return false;
	}
	claimed = write ? bus_write(&vm->mmio, run->mmio.phys_addr, run->mmio.data, size)
			: bus_read(&vm->mmio, run->mmio.phys_addr, run->mmio.data, size);
	if (!claimed && !vm_unhandled(vm, true, write, run->mmio.phys_addr, run->mmio.data, size))
		return false;
	return !vm->stop_requested;
}

/*
 * KVM_EXIT_HLT: with the local APIC in userspace, KVM hands HLT to us.  In
 * chapters 1-2 nothing can ever raise an interrupt, so a halted guest would
 * sleep forever: say so instead of hanging.
 */
static bool handle_hlt(struct vcpu *vcpu)
{
	struct vm *vm = vcpu->vm;

	fprintf(vm->diag, "tinyvmm: the guest executed HLT with %s, so nothing can ever wake it; "
		"stopping (end a guest by writing its status to port 0xf4)\n",
		vcpu->run->if_flag ? "no interrupt source in this configuration"
				   : "interrupts disabled (IF=0)");
	diagnose_registers(vcpu, vm->diag);
	vm_request_stop(vm, EXIT_GUEST_STUCK);
	return false;
}

bool vcpu_handle_exit(struct vcpu *vcpu)
{
	struct vm *vm = vcpu->vm;
	struct kvm_run *run = vcpu->run;

	switch (run->exit_reason) {
	case KVM_EXIT_IO:
		return handle_io(vcpu);
	case KVM_EXIT_MMIO:
		return handle_mmio(vcpu);
	case KVM_EXIT_HLT:
		return handle_hlt(vcpu);
	case KVM_EXIT_INTR:
		/* A signal interrupted KVM_RUN (a kick); the loop looks at why. */
		return !vm->stop_requested;
	case KVM_EXIT_SHUTDOWN:
		fprintf(vm->diag, "tinyvmm: the guest triple-faulted (KVM_EXIT_SHUTDOWN): an exception "
			"occurred while delivering a double fault, so the CPU shut down\n");
		diagnose_registers(vcpu, vm->diag);
		vm_request_stop(vm, EXIT_TRIPLE_FAULT);
		return false;
	case KVM_EXIT_FAIL_ENTRY:
		fprintf(vm->diag, "tinyvmm: KVM could not enter the guest (KVM_EXIT_FAIL_ENTRY, "
			"hardware reason %#llx): the vCPU state is invalid for the hardware\n",
			(unsigned long long)run->fail_entry.hardware_entry_failure_reason);
		diagnose_registers(vcpu, vm->diag);
		vm_request_stop(vm, EXIT_KVM_ERROR);
		return false;
	case KVM_EXIT_INTERNAL_ERROR:
		diagnose_internal_error(vcpu, vm->diag);
		vm_request_stop(vm, EXIT_KVM_ERROR);
		return false;
	default:
		fprintf(vm->diag, "tinyvmm: unexpected exit reason %u (%s)\n",
			run->exit_reason, kvm_exit_reason_name(run->exit_reason));
		diagnose_registers(vcpu, vm->diag);
		vm_request_stop(vm, EXIT_KVM_ERROR);
		return false;
	}
}

void vcpu_loop(struct vcpu *vcpu)
{
	struct vm *vm = vcpu->vm;
	struct kvm_run *run = vcpu->run;

	this_thread_run = run;
	while (!vm->stop_requested) {
		int r = kvm_run(vcpu->fd);

		vcpu->exits++;
		if (r == -EINTR || r == -EAGAIN) {
			/* kicked: immediate_exit did its job; clear it for the next entry */
			run->immediate_exit = 0;
			if (vm->stop_requested && vm->exit_status == EXIT_TIMEOUT)
				diagnose_registers(vcpu, vm->diag);	/* where was it stuck? */
			continue;
		}
		if (r < 0) {
			fprintf(vm->diag, "tinyvmm: KVM_RUN failed: %s\n", strerror(-r));
			vm_request_stop(vm, EXIT_KVM_ERROR);
			break;
		}
		if (!vcpu_handle_exit(vcpu))
			break;
	}
	this_thread_run = NULL;
}
