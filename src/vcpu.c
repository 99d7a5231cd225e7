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
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "apic.h"
#include "diagnose.h"
#include "inkernel.h"
#include "irq.h"
#include "kvm.h"
#include "smp.h"
#include "vm.h"

#define KICK_SIGNAL SIGUSR1

static __thread struct kvm_run *this_thread_run;

static void kick_handler(int sig)
{
	(void)sig;
	if (this_thread_run)
		__atomic_store_n(&this_thread_run->immediate_exit, 1, __ATOMIC_RELAXED);
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
#ifdef __SANITIZE_THREAD__
	/*
	 * ThreadSanitizer runs an asynchronous signal's handler only when the
	 * thread next calls a libc function it intercepts, not when the signal
	 * arrives.  A kick that lands between the loop's last look and the
	 * KVM_RUN ioctl would set immediate_exit after that KVM_RUN, and the
	 * guest would run on until its next exit: the race immediate_exit
	 * closes (tutorial chapter 3, 4.2), reopened by the tool.  So in a TSan
	 * build (make check-tsan) the kicker sets the flag itself first; the
	 * signal still interrupts a KVM_RUN already under way.
	 */
	if (vcpu->run)
		__atomic_store_n(&vcpu->run->immediate_exit, 1, __ATOMIC_SEQ_CST);
#endif
	pthread_kill(vcpu->thread, KICK_SIGNAL);
}

/*
 * What our local APIC model can do, in CPUID leaf 1: an APIC (EDX bit 9),
 * TSC-deadline mode (ECX bit 24: older KVMs never report it, as it depends on
 * who emulates the APIC; this host's KVM does), and no x2APIC (ECX bit 21):
 * the model is xAPIC only.
 */
#define CPUID1_ECX_X2APIC	(1u << 21)
#define CPUID1_ECX_TSC_DEADLINE	(1u << 24)
#define CPUID1_EDX_APIC		(1u << 9)
#define MSR_IA32_APIC_BASE_NR	0x1b

/*
 * CPUID leaves that name the CPU asking: leaf 1 EBX[31:24] is its initial
 * APIC ID and leaf 0xB (and 0x1F) EDX its x2APIC ID (SDM vol. 3A 8.4.5,
 * 11.4.6).  KVM's table holds zeros there; every VMM fills in the vCPU's
 * own, which for tinyvmm is its index (KVM_CREATE_VCPU's id, which KVM's
 * own LAPIC also takes as its ID).  EBX[23:16] is the number of logical
 * processors per package, with EDX bit 28 (HTT) saying it is valid.
 */
#define CPUID1_EDX_HTT		(1u << 28)

/*
 * What CPUID says about the APIC must be what the APIC in use does:
 * x2APIC (MSR access, 32-bit IDs) only with KVM's local APIC, which has
 * it; tinyvmm's model is xAPIC only, and a guest setting IA32_APIC_BASE's
 * EXTD there gets #GP, as on a CPU without x2APIC (SDM 10.12.1).
 */
static void adjust_cpuid(struct kvm_cpuid2 *cpuid, bool apic, bool x2apic, bool tsc_deadline,
			 int id, int ncpus)
{
	for (uint32_t i = 0; i < cpuid->nent; i++) {
		struct kvm_cpuid_entry2 *e = &cpuid->entries[i];

		if (e->function == 0xb || e->function == 0x1f)
			e->edx = (uint32_t)id;
		if (e->function != 1)
			continue;
		e->ebx = (e->ebx & 0x0000ffffu) | (uint32_t)id << 24 | (uint32_t)ncpus << 16;
		if (ncpus > 1)
			e->edx |= CPUID1_EDX_HTT;
		if (apic) {
			e->ecx &= ~(CPUID1_ECX_X2APIC | CPUID1_ECX_TSC_DEADLINE);
			if (x2apic)
				e->ecx |= CPUID1_ECX_X2APIC;
			if (tsc_deadline)
				e->ecx |= CPUID1_ECX_TSC_DEADLINE;
			e->edx |= CPUID1_EDX_APIC;
		} else {
			/* chapters 1-4: a machine without a local APIC says so, as a 486 did */
			e->ecx &= ~(CPUID1_ECX_X2APIC | CPUID1_ECX_TSC_DEADLINE);
			e->edx &= ~CPUID1_EDX_APIC;
		}
	}
}

int vcpu_create(struct vcpu *vcpu, struct vm *vm, int id)
{
	struct kvm_cpuid2 *cpuid;
	int size, r = 0;

	vcpu->vm = vm;
	vcpu->id = id;
	vcpu->fd = kvm_create_vcpu(vm->vm_fd, id);
	if (vcpu->fd < 0) {
		fprintf(vm->diag, "tinyvmm: KVM_CREATE_VCPU: %s\n", strerror(-vcpu->fd));
		return EXIT_SETUP;
	}
	/*
	 * A new vCPU's CPUID is empty: no long mode, no APIC, no SSE.  A guest
	 * that tries EFER.LME would get #GP.  Show it what KVM supports.
	 */
	cpuid = kvm_get_supported_cpuid(vm->sys_fd, &r);
	if (cpuid)
		/*
		 * TSC-deadline mode: our model has it; KVM's LAPIC (split, kernel)
		 * only where KVM_CAP_TSC_DEADLINE_TIMER says so
		 */
		adjust_cpuid(cpuid, vm->cfg.machine == MACHINE_APIC, vm->cfg.irqchip != IRQCHIP_NONE,
			     vm->cfg.irqchip == IRQCHIP_NONE ||
			     kvm_check_extension(vm->sys_fd, KVM_CAP_TSC_DEADLINE_TIMER) > 0,
			     id, vm->ncpus > 0 ? vm->ncpus : 1);
	/* LAB 4: begin */
	if (!cpuid || (r = kvm_set_cpuid2(vcpu->fd, cpuid)) < 0) {
		fprintf(vm->diag, "tinyvmm: setting the vCPU's CPUID: %s\n", strerror(-r));
		free(cpuid);
		return EXIT_SETUP;
	}
	/* LAB 4: stub */
	//@ /* the table never reaches the vCPU: its CPUID stays empty */
	/* LAB 4: end */
	free(cpuid);
	/*
	 * KVM keeps CPUID.1:EDX.APIC equal to IA32_APIC_BASE.EN at run time
	 * (kvm_update_cpuid_runtime()), and a new vCPU's EN is set.  A machine
	 * without an APIC clears EN, so that CPUID tells the guest the truth.
	 */
	if (vm->cfg.machine != MACHINE_APIC &&
	    (r = kvm_set_msr(vcpu->fd, MSR_IA32_APIC_BASE_NR, 0xfee00000u | (id == 0 ? 0x100 : 0))) < 0) {
		fprintf(vm->diag, "tinyvmm: switching the vCPU's APIC off (KVM_SET_MSRS IA32_APIC_BASE): %s\n",
			strerror(-r));
		return EXIT_SETUP;
	}
	/* the reset state, for INIT and SIPI between tinyvmm's own local APICs (smp.c) */
	if (vm->ncpus > 1 && vm->cfg.irqchip == IRQCHIP_NONE &&
	    ((r = kvm_get_regs(vcpu->fd, &vcpu->reset_regs)) < 0 ||
	     (r = kvm_get_sregs(vcpu->fd, &vcpu->reset_sregs)) < 0)) {
		fprintf(vm->diag, "tinyvmm: reading the vCPU's reset state: %s\n", strerror(-r));
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
 * KVM_EXIT_IO.  A string instruction ("rep insb", "rep outsb") may arrive as
 * one exit with count > 1: the items sit one after another at data_offset in
 * the kvm_run page.  Whether it does is KVM's choice: on this project's host
 * "rep insb" came in batches of 16 while "rep outsb" came one byte per exit.
 */
static bool handle_io(struct vcpu *vcpu)
{
	struct vm *vm = vcpu->vm;
	struct kvm_run *run = vcpu->run;
	uint8_t *data;
	unsigned size = run->io.size;
	bool write = run->io.direction == KVM_EXIT_IO_OUT;

	/*
	 * KVM puts the data after struct kvm_run, in the mapped pages.  Check
	 * that before touching it: sizes other than 1, 2 and 4, or data that
	 * would overlap struct kvm_run or run past the mapping (computed so
	 * that it cannot overflow), mean the page is not what we think.
	 */
	if ((size != 1 && size != 2 && size != 4) || run->io.count == 0 ||
	    run->io.data_offset < sizeof(struct kvm_run) || run->io.data_offset > vcpu->run_size ||
	    run->io.count > (vcpu->run_size - run->io.data_offset) / size) {
		fprintf(vm->diag, "tinyvmm: malformed KVM_EXIT_IO (size %u, count %u, data offset %llu)\n",
			size, run->io.count, (unsigned long long)run->io.data_offset);
		vm_request_stop(vm, EXIT_KVM_ERROR);
		return false;
	}
	data = (uint8_t *)run + run->io.data_offset;	/* only now known to be inside the mapping */
	/* LAB 1: begin */
	pthread_mutex_lock(&vm->lock);
	vm->accessing = vcpu;
	for (uint32_t i = 0; i < run->io.count; i++, data += size) {
		bool claimed = write ? bus_write(&vm->pio, run->io.port, data, size)
				     : bus_read(&vm->pio, run->io.port, data, size);

		if (!claimed && !vm_unhandled(vm, false, write, run->io.port, data, size))
			break;
	}
	pthread_mutex_unlock(&vm->lock);
	return !vm_stopping(vm);
	/* LAB 1: stub */
	//@ /*
	//@  * Hand the run->io.count items at 'data' (size bytes each) to the port
	//@  * bus, under vm->lock.  An access nobody claims goes to vm_unhandled().
	//@  */
	//@ (void)data;
	//@ (void)write;
	//@ fprintf(vm->diag, "tinyvmm: handle_io: port %#x not dispatched yet (lab 1)\n", run->io.port);
	//@ vm_request_stop(vm, EXIT_KVM_ERROR);
	//@ return false;
	/* LAB 1: end */
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
	/* LAB 1: begin */
	pthread_mutex_lock(&vm->lock);
	vm->accessing = vcpu;	/* the local APIC at 0xFEE00000 is this CPU's own */
	claimed = write ? bus_write(&vm->mmio, run->mmio.phys_addr, run->mmio.data, size)
			: bus_read(&vm->mmio, run->mmio.phys_addr, run->mmio.data, size);
	if (!claimed)
		vm_unhandled(vm, true, write, run->mmio.phys_addr, run->mmio.data, size);
	pthread_mutex_unlock(&vm->lock);
	return !vm_stopping(vm);
	/* LAB 1: stub */
	//@ /* Hand the access to the MMIO bus, under vm->lock, as handle_io() does. */
	//@ (void)write;
	//@ (void)claimed;
	//@ fprintf(vm->diag, "tinyvmm: handle_mmio: address %#llx not dispatched yet (lab 1)\n",
	//@ 	(unsigned long long)run->mmio.phys_addr);
	//@ vm_request_stop(vm, EXIT_KVM_ERROR);
	//@ return false;
	/* LAB 1: end */
}

/*
 * What ends a HLT: INTR with IF=1 (KVM delivers it at once after we return),
 * and, with several CPUs, an INIT, a SIPI or an NMI from another CPU (an NMI
 * wakes even with IF=0; INIT puts the CPU back to wait-for-SIPI).
 */
static bool hlt_wakes(struct vcpu *vcpu)
{
	struct vm *vm = vcpu->vm;

	if (irq_cpu_intr(vm, vcpu->id) && vcpu->run->if_flag)
		return true;
	return vm->ncpus > 1 && vm_user_lapic(vm) && smp_cpu_event(vm, vcpu->id);
}

/*
 * KVM_EXIT_HLT: with the local APIC in userspace, KVM hands HLT to us: the
 * guest waits for an interrupt, and only our devices can produce one.  So we
 * sleep until the PIC raises INTR (the timer thread or the watchdog signals
 * halt_cond): an idle guest costs no host CPU.  If nothing can ever wake the
 * guest, say so instead of sleeping forever.
 */
static bool handle_hlt(struct vcpu *vcpu)
{
	struct vm *vm = vcpu->vm;
	const char *why = NULL;

	pthread_mutex_lock(&vm->lock);
	/* with other CPUs, an INIT, an NMI or an IPI can still come (chapter 10) */
	if (vm->ncpus <= 1) {	/* (0: a vm built by hand, the unit tests) */
		if (!vcpu->run->if_flag)
			why = "interrupts disabled (IF=0)";
		else if (!vm->has_pic)
			why = "no interrupt controller in this machine";
		else if (vm->pic.chip[PIC_MASTER].imr == 0xff && !irq_intr(vm) &&
			 (!vm->has_apics || !lapic_sw_enabled(&vm->lapic[0])))
			why = vm->has_apics ? "every 8259A input masked and the local APIC disabled"
					    : "every 8259A input masked";
	}
	if (!why) {
		TRACE(&vm->trace, "vcpu: hlt -> sleep until INTR");
		vcpu->halted = true;
		while (!hlt_wakes(vcpu) && !vm_stopping(vm))
			pthread_cond_wait(&vm->halt_cond, &vm->lock);
		vcpu->halted = false;
		TRACE(&vm->trace, "vcpu: woken from hlt");
		/* the injection path reads this copy of INTR first: keep it true to the models */
		__atomic_store_n(&vcpu->intr_line, irq_cpu_intr(vm, vcpu->id), __ATOMIC_RELEASE);
	}
	pthread_mutex_unlock(&vm->lock);
	if (!why)
		return !vm_stopping(vm);
	fprintf(vm->diag, "tinyvmm: the guest executed HLT with %s, so nothing can ever wake it; "
		"stopping (end a guest by writing its status to port 0xf4)\n", why);
	diagnose_registers(vcpu, vm->diag);
	vm_request_stop(vm, EXIT_GUEST_STUCK);
	return false;
}

/*
 * What an injection did, for --trace, and a KVM_INTERRUPT that failed.
 * inline: the lab 3b handout, whose stub does not call it, must not warn.
 */
static inline void report_injection(struct vm *vm, struct vcpu *vcpu, int vector, const char *from, int r)
{
	struct pic_state_summary s;

	pic_summary(&vm->pic, &s);
	if (from[0] == 'p')
		TRACE(&vm->trace, "vcpu: INTR high, guest ready -> KVM_INTERRUPT vector %#04x "
		      "(pic inta: irr=%02x/%02x isr=%02x/%02x)", vector, s.irr[0], s.irr[1], s.isr[0], s.isr[1]);
	else
		TRACE(&vm->trace, "vcpu: lapic has vector %#04x above ppr, guest ready -> KVM_INTERRUPT "
		      "(lapic inta: irr -> isr, ppr=%02x)", vector, lapic_ppr(&vm->lapic[vcpu->id]));
	if (r < 0)
		fprintf(vm->diag, "tinyvmm: KVM_INTERRUPT vector %#x: %s%s\n", vector, strerror(-r),
			r == -EEXIST ? " (KVM already holds a pending ExtINT; this one is lost)" : "");
}

/*
 * Check the INTR "pin" before entering the guest (chapter 3).
 *
 * A real CPU samples INTR at instruction boundaries when EFLAGS.IF = 1.
 * KVM_INTERRUPT is our way to present one vector, and without an in-kernel
 * irqchip KVM checks nothing: kvm_vcpu_ioctl_interrupt() queues the vector
 * unconditionally and the next entry delivers it, ready or not.  Deciding
 * *when* is our job.  KVM tells us after every exit:
 * run->ready_for_interrupt_injection (kvm_vcpu_ready_for_interrupt_injection():
 * IF=1, no STI/MOV SS interrupt shadow, no event of KVM's own pending) and
 * run->if_flag.  We inject only when the guest is ready; otherwise we set
 * run->request_interrupt_window: KVM then enters the guest and exits with
 * KVM_EXIT_IRQ_WINDOW_OPEN as soon as an interrupt could be delivered.
 *
 * The PIC is acknowledged (INTA: IRR -> ISR) only when we really inject,
 * never earlier: an acknowledged but undelivered vector would be lost.  And
 * never twice before the guest ran: KVM keeps one pending vector, a second
 * KVM_INTERRUPT would overwrite the first.  'inject_inflight' guards that
 * when KVM_RUN returned -EINTR without entering the guest.
 */
static void inject_interrupt(struct vcpu *vcpu)
{
	struct vm *vm = vcpu->vm;
	struct kvm_run *run = vcpu->run;

	/*
	 * Fast path, no lock: INTR low and no window requested.  If INTR rises
	 * just after this read, the raiser kicks us (irq_intr_changed), and
	 * KVM_RUN returns at once thanks to immediate_exit.
	 */
	if (!__atomic_load_n(&vcpu->intr_line, __ATOMIC_ACQUIRE) && !run->request_interrupt_window)
		return;
	pthread_mutex_lock(&vm->lock);
	/* LAB 3b: begin */
	if (!irq_cpu_intr(vm, vcpu->id) || vcpu->inject_inflight) {
		run->request_interrupt_window = 0;
	} else if (run->ready_for_interrupt_injection &&
		   (run->if_flag || vm->cfg.irqchip == IRQCHIP_SPLIT)) {
		/*
		 * Split irqchip: KVM_INTERRUPT no longer injects; it hands KVM one
		 * pending ExtINT, which KVM's LAPIC delivers through LINT0.  KVM's
		 * "ready" then also covers IF=1 and an unmasked ExtINT LINT0, and
		 * that KVM holds no ExtINT already (a second would fail with -EEXIST).
		 */
		const char *from;
		int vector = irq_cpu_intack(vm, vcpu->id, &from);
		int r = kvm_interrupt(vcpu->fd, (uint32_t)vector);

		__atomic_store_n(&vcpu->intr_line, irq_cpu_intr(vm, vcpu->id), __ATOMIC_RELEASE);
		report_injection(vm, vcpu, vector, from, r);
		vcpu->inject_inflight = true;
		run->request_interrupt_window = 0;
	} else if (!run->request_interrupt_window) {
		TRACE(&vm->trace, "vcpu: INTR high, guest not ready (IF=%d) -> request interrupt window",
		      run->if_flag);
		run->request_interrupt_window = 1;
	}
	/* LAB 3b: stub */
	//@ /* nothing injected, no window requested: the guest never sees INTR */
	/* LAB 3b: end */
	pthread_mutex_unlock(&vm->lock);
}

void vcpu_inject_interrupt(struct vcpu *vcpu)
{
	inject_interrupt(vcpu);
}

bool vcpu_handle_exit(struct vcpu *vcpu)
{
	struct vm *vm = vcpu->vm;
	struct kvm_run *run = vcpu->run;

	switch (run->exit_reason) {
	/* LAB 1: begin */
	case KVM_EXIT_IO:
		return handle_io(vcpu);
	case KVM_EXIT_MMIO:
		return handle_mmio(vcpu);
	/* LAB 1: stub */
	//@ case KVM_EXIT_IO:
	//@ case KVM_EXIT_MMIO:
	//@ 	/* which handler does each of these two exits need? */
	//@ 	(void)handle_io;
	//@ 	(void)handle_mmio;
	//@ 	fprintf(vm->diag, "tinyvmm: exit reason %u (%s) not dispatched yet (lab 1)\n",
	//@ 		run->exit_reason, kvm_exit_reason_name(run->exit_reason));
	//@ 	vm_request_stop(vm, EXIT_KVM_ERROR);
	//@ 	return false;
	/* LAB 1: end */
	case KVM_EXIT_HLT:
		return handle_hlt(vcpu);
	case KVM_EXIT_X86_RDMSR:
	case KVM_EXIT_X86_WRMSR:
		return apic_handle_msr(vcpu);
	case KVM_EXIT_IOAPIC_EOI:
		return apic_handle_ioapic_eoi(vcpu);
	case KVM_EXIT_SET_TPR:
		/* the guest lowered CR8; the loop's CR8 sync and INTR check do the rest */
		return !vm_stopping(vm);
	case KVM_EXIT_IRQ_WINDOW_OPEN:
		/* The guest can take an interrupt now; the loop injects it before re-entry. */
		TRACE(&vm->trace, "vcpu: KVM_EXIT_IRQ_WINDOW_OPEN");
		return !vm_stopping(vm);
	case KVM_EXIT_INTR:
		/* A signal interrupted KVM_RUN (a kick); the loop looks at why. */
		return !vm_stopping(vm);
	case KVM_EXIT_SHUTDOWN:
		fprintf(vm->diag, "tinyvmm: the guest triple-faulted (KVM_EXIT_SHUTDOWN): an exception "
			"occurred while delivering a double fault, so the CPU shut down\n");
		diagnose_shutdown(vcpu, vm->diag);
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

/* A note of the exit just handled: after a triple fault on SVM it is all we have. */
static void remember_exit(struct vcpu *vcpu)
{
	const struct kvm_run *run = vcpu->run;

	vcpu->last_exit.reason = run->exit_reason;
	vcpu->last_exit.number = vcpu->exits;
	if (run->exit_reason == KVM_EXIT_IO) {
		vcpu->last_exit.write = run->io.direction == KVM_EXIT_IO_OUT;
		vcpu->last_exit.addr = run->io.port;
	} else if (run->exit_reason == KVM_EXIT_MMIO) {
		vcpu->last_exit.write = run->mmio.is_write;
		vcpu->last_exit.addr = run->mmio.phys_addr;
	}
}

static const char *mp_state_name(uint32_t s)
{
	switch (s) {
	case KVM_MP_STATE_RUNNABLE:	  return "runnable";
	case KVM_MP_STATE_UNINITIALIZED:  return "uninitialized (waits for INIT)";
	case KVM_MP_STATE_INIT_RECEIVED:  return "init received (waits for SIPI)";
	case KVM_MP_STATE_HALTED:	  return "halted";
	case KVM_MP_STATE_SIPI_RECEIVED:  return "sipi received";
	default:			  return "other";
	}
}

/*
 * --trace with KVM's local APICs and several vCPUs (chapter 10): KVM keeps
 * each vCPU's run state (INIT, SIPI, HLT) itself; an AP's KVM_RUN does not
 * return until a SIPI has started it.  Print the state when it changes.
 */
static void trace_mp_state(struct vcpu *vcpu)
{
	struct vm *vm = vcpu->vm;
	uint32_t s;

	if (!vm->trace.on || vm->ncpus < 2 || vm->cfg.irqchip == IRQCHIP_NONE ||
	    kvm_get_mp_state(vcpu->fd, &s) < 0 || s == vcpu->mp_state_seen)
		return;
	vcpu->mp_state_seen = s;
	TRACE(&vm->trace, "KVM_GET_MP_STATE: %s", mp_state_name(s));
}

void vcpu_loop(struct vcpu *vcpu)
{
	struct vm *vm = vcpu->vm;
	struct kvm_run *run = vcpu->run;

	this_thread_run = run;
	if (vm->ncpus > 1)
		trace_cpu = vcpu->id;
	vcpu->mp_state_seen = UINT32_MAX;
	while (!vm_stopping(vm)) {
		int r;

		trace_mp_state(vcpu);
		/* chapter 10: INIT, SIPI and NMI from our own local APICs */
		if (vm->ncpus > 1 && vm_user_lapic(vm) && !smp_cpu_step(vcpu))
			break;
		/*
		 * chapter 7: KVM injects by itself at entry (kvm_check_and_inject_events);
		 * split: only the BSP's LINT0 takes the 8259A's ExtINT (an AP's is masked)
		 */
		if (vm->cfg.irqchip == IRQCHIP_NONE || (vm->cfg.irqchip == IRQCHIP_SPLIT && vcpu->id == 0))
			inject_interrupt(vcpu);
		/* CR8 is the TPR; only this thread changes the TPR, so no lock is needed to read it */
		if (vm_user_lapic(vm))
			apic_cr8_to_run(vcpu);
		r = kvm_run(vcpu->fd);
		vcpu->exits++;
		if (r == -EINTR || r == -EAGAIN) {
			/*
			 * kicked: immediate_exit did its job; clear it for the next
			 * entry, before the loop looks at why (a TSan build's kicker
			 * sets it too: see vcpu_kick)
			 */
			__atomic_store_n(&run->immediate_exit, 0, __ATOMIC_SEQ_CST);
			continue;
		}
		if (r < 0) {
			fprintf(vm->diag, "tinyvmm: KVM_RUN failed: %s\n", strerror(-r));
			vm_request_stop(vm, EXIT_KVM_ERROR);
			break;
		}
		vcpu->inject_inflight = false;	/* the guest ran: any injected vector was taken */
		if (vm_user_lapic(vm) && run->cr8 != vcpu->cr8_entered) {
			pthread_mutex_lock(&vm->lock);
			apic_cr8_from_run(vcpu);
			pthread_mutex_unlock(&vm->lock);
		}
		/*
		 * what KVM did since the last exit: the BSP's exits alone, as the
		 * state includes its local APIC (KVM_GET_LAPIC on vcpu 0's fd), and
		 * an AP's thread asking would wait on KVM's vcpu->mutex until the
		 * BSP left KVM_RUN (maybe halted there waiting for this very AP)
		 */
		if (vm->cfg.irqchip == IRQCHIP_KERNEL && vm->trace.on && vcpu->id == 0)
			inkernel_trace_exit(vcpu);
		if (!vcpu_handle_exit(vcpu))
			break;
		remember_exit(vcpu);
	}
	if (vm_stop_status(vm) == EXIT_TIMEOUT) {
		/* where was it stuck?  (each CPU's registers in one piece) */
		flockfile(vm->diag);
		if (vm->ncpus > 1)
			fprintf(vm->diag, "  cpu %d:\n", vcpu->id);
		diagnose_registers(vcpu, vm->diag);
		funlockfile(vm->diag);
	}
	this_thread_run = NULL;
}
