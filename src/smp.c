/*
 * smp.c - several CPUs with tinyvmm's own local APICs (chapter 10,
 * --irqchip none): IPIs between them, INIT and SIPI, NMI.
 *
 *   guest writes ICR --lapic_ipi_decode--> send_ipi hook (here, vm->lock held)
 *     --lapic_ipi_targets / lapic_lowest_priority--> lapic_deliver_ipi (each target)
 *     --irq_notify_cpu--> the target's thread: woken from HLT or kicked out of KVM_RUN
 *     --smp_cpu_step (its own thread, before KVM_RUN)--> INIT: reset; SIPI: start;
 *       NMI: KVM_NMI; a fixed vector: the usual injection (vcpu.c)
 *
 * KVM's names for the same steps: kvm_apic_send_ipi() -> kvm_irq_delivery_to_apic()
 * -> kvm_apic_set_irq() -> __apic_accept_irq(), which sets IRR and calls
 * kvm_vcpu_kick(); INIT and SIPI become KVM_MP_STATE_INIT_RECEIVED and
 * KVM_APIC_SIPI, acted on by kvm_apic_accept_events() in the target's thread.
 *
 * Locking: every local APIC model is guarded by vm->lock, like every other
 * device.  A sender never touches another vCPU's KVM state (its registers,
 * its kvm_run page; a ThreadSanitizer build's kick alone sets the target's
 * immediate_exit, vcpu.c): it changes the target's local APIC model and kicks;
 * the target's own thread applies INIT, SIPI and NMI to its vCPU.  That is
 * the rule KVM follows too (requests + kicks), and it is why no second lock
 * is needed: one thread per vCPU fd, one lock for the models.
 */
#include <errno.h>
#include <string.h>

#include "apic.h"
#include "irq.h"
#include "kvm.h"
#include "smp.h"
#include "vm.h"
#include "devices/lapic_ipi.h"

static const char *const delivery_name[8] = {
	"fixed", "lowest-priority", "smi", "reserved", "nmi", "init", "start-up", "reserved",
};

static void all_lapics(struct vm *vm, struct lapic **apics)
{
	for (int i = 0; i < vm->ncpus; i++)
		apics[i] = &vm->lapic[i];
}

/*
 * The send_ipi hook of every local APIC: the guest wrote ICR low on the CPU
 * whose vcpu 'opaque' is.  vm->lock is held (MMIO dispatch).
 */
static void send_ipi(void *opaque, const struct lapic_ipi *ipi)
{
	struct vcpu *from = opaque;
	struct vm *vm = from->vm;
	struct lapic *apics[VM_MAX_CPUS];
	unsigned targets;

	all_lapics(vm, apics);
	targets = lapic_ipi_targets(ipi, apics, vm->ncpus, from->id);
	if (ipi->delivery == LAPIC_DELIVER_LOWEST && targets) {
		int winner = lapic_lowest_priority(apics, targets, ipi->vector, &vm->lowest_rr);

		targets = winner >= 0 ? 1u << winner : 0;
	}
	TRACE(&vm->trace, "ipi %s vector %#04x -> cpus %#04x",
	      delivery_name[ipi->delivery & 7], ipi->vector, targets);
	for (int i = 0; i < vm->ncpus; i++) {
		if (!(targets & (1u << i)))
			continue;
		lapic_deliver_ipi(&vm->lapic[i], ipi);
		irq_notify_cpu(vm, &vm->vcpu[i]);
	}
	irq_intr_changed(vm);	/* a fixed vector: each target's INTR, the sender's too if it was one */
}

/*
 * An I/O APIC or MSI message (fixed or lowest priority) to the CPUs its
 * destination names, by the same rule as an IPI's (SDM vol. 3A 11.6.2).
 * Returns whether one accepted it.
 */
bool smp_deliver_message(struct vm *vm, uint8_t dest, bool logical, bool lowest, int vector, bool level)
{
	struct lapic *apics[VM_MAX_CPUS];
	struct lapic_ipi m = {
		.vector = (uint8_t)vector, .logical = logical, .dest = dest,
		.delivery = lowest ? LAPIC_DELIVER_LOWEST : LAPIC_DELIVER_FIXED,
	};
	unsigned targets;
	bool taken = false;

	all_lapics(vm, apics);
	/* 'self' -1: a message from the bus has no sender among the CPUs */
	targets = lapic_ipi_targets(&m, apics, vm->ncpus, -1);
	if (lowest && targets) {
		int winner = lapic_lowest_priority(apics, targets, m.vector, &vm->lowest_rr);

		targets = winner >= 0 ? 1u << winner : 0;
	}
	for (int i = 0; i < vm->ncpus; i++)
		if (targets & (1u << i))
			taken |= lapic_accept(&vm->lapic[i], vector, level);
	vm->last_message_targets = targets;
	return taken;
}

/* Does CPU 'cpu' have an INIT, SIPI or NMI its thread has not acted on?  vm->lock held. */
bool smp_cpu_event(struct vm *vm, int cpu)
{
	const struct lapic *a = &vm->lapic[cpu];

	return a->init_pending || a->nmi_pending || a->mp_state != LAPIC_MP_RUNNING;
}

/*
 * Start the vCPU in real mode at vector * 0x1000 (SDM vol. 3A 9.4.4.1):
 * CS selector VV00, base VV000, IP 0; everything else as after reset.
 */
static int start_at_sipi(struct vcpu *vcpu, int vector)
{
	/* LAB 10: begin */
	struct kvm_sregs sregs = vcpu->reset_sregs;
	struct kvm_regs regs = vcpu->reset_regs;
	int r;

	sregs.cs.selector = (uint16_t)(vector << 8);
	sregs.cs.base = (uint64_t)vector << 12;
	regs.rip = 0;
	r = kvm_set_sregs(vcpu->fd, &sregs);
	if (!r)
		r = kvm_set_regs(vcpu->fd, &regs);
	return r;
	/* LAB 10: stub */
	//@ (void)vcpu; (void)vector;
	//@ return -ENOSYS;	/* not written: smp_cpu_step() stops the VM with an error */
	/* LAB 10: end */
}

/*
 * Before each KVM_RUN of a vCPU whose local APIC is ours: act on an INIT
 * (the BSP restarts at the reset vector, an AP waits for SIPI), wait for a
 * SIPI, inject an NMI.  False: the VM is stopping.
 */
bool smp_cpu_step(struct vcpu *vcpu)
{
	struct vm *vm = vcpu->vm;
	struct lapic *a = &vm->lapic[vcpu->id];
	int r = 0, sipi;

	pthread_mutex_lock(&vm->lock);
	if (lapic_take_init(a)) {
		TRACE(&vm->trace, "INIT -> %s",
		      lapic_mp_state(a) == LAPIC_MP_RUNNING ? "reset, restart at the reset vector" :
		      "reset, wait for SIPI");
		vcpu->inject_inflight = false;
		vcpu->run->request_interrupt_window = 0;
		if (lapic_mp_state(a) == LAPIC_MP_RUNNING) {
			r = kvm_set_sregs(vcpu->fd, &vcpu->reset_sregs);
			if (!r)
				r = kvm_set_regs(vcpu->fd, &vcpu->reset_regs);
		}
	}
	if (lapic_mp_state(a) != LAPIC_MP_RUNNING) {
		vcpu->halted = true;	/* so that a SIPI's irq_notify_cpu() wakes us */
		while (lapic_mp_state(a) == LAPIC_MP_WAIT_FOR_SIPI && !vm_stopping(vm))
			pthread_cond_wait(&vm->halt_cond, &vm->lock);
		vcpu->halted = false;
		/* an INIT that came while we waited is done by the SIPI's fresh start */
		(void)lapic_take_init(a);
		sipi = lapic_take_sipi(a);
		if (sipi >= 0) {
			TRACE(&vm->trace, "SIPI vector %#04x -> start in real mode at %#07x", sipi, sipi << 12);
			r = start_at_sipi(vcpu, sipi);
		}
	}
	if (!r && lapic_take_nmi(a)) {
		TRACE(&vm->trace, "NMI -> KVM_NMI");
		r = kvm_nmi(vcpu->fd);
	}
	pthread_mutex_unlock(&vm->lock);
	if (r < 0) {
		fprintf(vm->diag, "tinyvmm: cpu %d: setting its state for INIT, SIPI or NMI: %s\n",
			vcpu->id, strerror(-r));
		vm_request_stop(vm, EXIT_KVM_ERROR);
	}
	return !vm_stopping(vm);
}

/*
 * With several CPUs under --irqchip none: every AP's local APIC starts in
 * wait-for-SIPI, and every local APIC sends its IPIs through send_ipi().
 * With one CPU the hook stays NULL: the model's uniprocessor rule (self
 * only) is exactly what one CPU needs.
 */
void smp_lapics_init(struct vm *vm, void (*eoi_level)(void *opaque, int vector))
{
	for (int i = 1; i < vm->ncpus; i++) {
		lapic_init_ap(&vm->lapic[i], vm->clock, (uint8_t)i, eoi_level, vm);
		vm->lapic[i].min_period_ns = vm->lapic[0].min_period_ns;
	}
	for (int i = 0; i < vm->ncpus && vm->ncpus > 1; i++) {
		vm->lapic[i].send_ipi = send_ipi;
		vm->lapic[i].ipi_opaque = &vm->vcpu[i];
	}
}
