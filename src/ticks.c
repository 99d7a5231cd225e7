/*
 * ticks.c - the lost-tick policy (--tick-policy) in the machine.
 *
 * The policy is a gate between a timer and its interrupt (devices/tick.c):
 * under 'reinject' it lets one tick out, holds the rest, and lets the next
 * out when the guest has taken the last.  The whole difficulty for a VMM is
 * the last part: seeing the guest take an interrupt.  Where tinyvmm sees it:
 *
 *   8259A path (IRQ 0)       the INTA cycle, which tinyvmm runs itself
 *                            whenever the 8259A is ours (ticks_pic_intack)
 *   I/O APIC path (pin 2)    the local APIC's EOI of pin 2's vector:
 *     --irqchip none           our LAPIC model's EOI register (apic.c)
 *     --irqchip split          KVM_EXIT_IOAPIC_EOI, which KVM sends only for
 *                              vectors it believes level-triggered: so the
 *                              pin's message says "level" (ticks_msi_data)
 *   our LAPIC's timer        lapic_intack() in the model itself
 *
 *   --irqchip kernel,        KVM's 8259A and I/O APIC keep their EOIs, but
 *     --pit user             an irqfd with a resampler hears of them: the
 *                            tick is a write to an eventfd bound to GSI 0,
 *                            KVM writes the resamplefd when the guest has
 *                            acknowledged it, and a thread of ours reads it
 *
 * KVM's own 8254 does the same in the kernel: kvm_pit_ack_irq() is an irq
 * ack notifier, run by kvm_notify_acked_irq() from the 8259A's EOI
 * (pic_clear_isr) and the I/O APIC's (kvm_ioapic_update_eoi_one), and
 * KVM_REINJECT_CONTROL chooses (inkernel.c).  The resampler is the same
 * ack notifier, lent to userspace (irqfd_resampler_ack in virt/kvm/eventfd.c).
 *
 * Like KVM (pit_mask_notifer), a gate starts afresh when IRQ 0 is unmasked
 * or channel 0 reprogrammed: a tick raised while nobody listened would
 * otherwise stay "in flight" forever and hold every later one back.
 */
#include <errno.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "ticks.h"
#include "irq.h"
#include "kvm.h"
#include "vm.h"
#include "devices/msi.h"

void ticks_init(struct vm *vm)
{
	tick_gate_init(&vm->pit_ticks, vm->cfg.tick_policy);
	vm->tick_irqfd = vm->tick_resamplefd = -1;
	if (vm_user_lapic(vm))
		for (int i = 0; i < vm->ncpus; i++)
			tick_gate_init(&vm->lapic[i].timer_ticks, vm->cfg.tick_policy);
	vm->irq0_open = false;
	if (vm->has_pic)
		ticks_mask_changed(vm);
}

/* One tick on IRQ 0 as a short pulse: the 8259A and an edge pin latch the rise. */
static void pulse(struct vm *vm)
{
	uint64_t one = 1;

	if (vm->tick_irqfd >= 0) {
		/* kernel: asserts GSI 0 until the guest acknowledges it (KVM de-asserts it then) */
		TRACE(&vm->trace, "pit: tick -> irqfd of gsi 0 (resample)");
		if (write(vm->tick_irqfd, &one, sizeof(one)) != sizeof(one))
			fprintf(vm->diag, "tinyvmm: writing the 8254's irqfd: %s\n", strerror(errno));
		return;
	}
	irq_set_level(vm, 0, 1);
	irq_set_level(vm, 0, 0);
}

void ticks_pit_out0(void *opaque, int irq, int level)
{
	struct vm *vm = opaque;

	if (vm->pit_ticks.policy == TICK_COALESCE) {
		irq_set_level(vm, irq, level);	/* the line follows OUT0, as on a board */
		return;
	}
	if (!level)
		return;		/* reinject: the rising edge is the tick; the line is pulsed */
	if (tick_due(&vm->pit_ticks, 1)) {
		pulse(vm);
		return;
	}
	TRACE(&vm->trace, "pit: tick due while the last is not taken: %u waiting (reinject)", vm->pit_ticks.pending);
	/*
	 * Said once: a guest that never takes IRQ 0 with the 8254 running, or
	 * a KVM that never reports the EOI (the PVM host under split,
	 * tests/nested/README.md), stops the 8254's interrupts for good.
	 */
	if (vm->pit_ticks.dropped == 1)
		fprintf(vm->diag, "tinyvmm: --tick-policy reinject: %u ticks of the 8254 wait for the guest to take "
			"IRQ 0, and tinyvmm has not seen it take the last one; later ticks are dropped\n",
			vm->pit_ticks.pending);
}

static void pit_acked(struct vm *vm, const char *how)
{
	if (!tick_acked(&vm->pit_ticks))
		return;
	TRACE(&vm->trace, "pit: the guest took irq0 (%s): reinject the next tick, %u more waiting",
	      how, vm->pit_ticks.pending);
	pulse(vm);
}

/*
 * kernel + pit user: a tick in flight holds GSI 0 high until the guest
 * acknowledges it.  One the guest never will (it masked pin 2, then
 * reprogrammed the 8254) would hold it high for good, and no later tick
 * could make an edge.  Only KVM can lower it: unbinding the irqfd does
 * (irqfd_resampler_shutdown() in virt/kvm/eventfd.c), so unbind and bind
 * again.
 */
static void resample_release(struct vm *vm)
{
	int r = kvm_irqfd_deassign(vm->vm_fd, vm->tick_irqfd, 0);

	if (!r)
		r = kvm_irqfd_resample(vm->vm_fd, vm->tick_irqfd, 0, vm->tick_resamplefd);
	TRACE(&vm->trace, "pit: a tick in flight is forgotten: KVM_IRQFD deassign and assign again lowers gsi 0");
	if (r)
		fprintf(vm->diag, "tinyvmm: rebinding the 8254's irqfd: %s\n", strerror(-r));
}

void ticks_pit_reprogrammed(struct vm *vm)
{
	bool held = vm->pit_ticks.in_flight;

	tick_gate_reset(&vm->pit_ticks);
	if (held && vm->tick_irqfd >= 0)
		resample_release(vm);
}

void ticks_pic_intack(struct vm *vm, int vector)
{
	if (vector == vm->pic.chip[PIC_MASTER].vector_base)	/* IR0's vector (ICW2) */
		pit_acked(vm, "8259a inta");
}

/* Is I/O APIC pin 2 an unmasked edge pin with this vector? */
static bool pin2_is(struct vm *vm, int vector)
{
	uint64_t e;

	if (!vm->has_apics)
		return false;
	e = ioapic_entry(&vm->ioapic, 2);
	return !(e & (IOAPIC_RTE_MASK | IOAPIC_RTE_TRIGGER)) && (int)(e & IOAPIC_RTE_VECTOR) == vector;
}

void ticks_eoi(struct vm *vm, int vector)
{
	if (vector >= 0 && pin2_is(vm, vector))
		pit_acked(vm, "eoi of i/o apic pin 2's vector");
}

void ticks_mask_changed(struct vm *vm)
{
	struct pic_state_summary s;
	bool open = false;

	if (vm->has_pic) {
		pic_summary(&vm->pic, &s);
		open = !(s.imr[0] & 1);
	}
	if (vm->has_apics && !(ioapic_entry(&vm->ioapic, 2) & IOAPIC_RTE_MASK))
		open = true;
	if (open && !vm->irq0_open)
		tick_gate_reset(&vm->pit_ticks);
	vm->irq0_open = open;
}

uint32_t ticks_msi_data(struct vm *vm, int pin, uint32_t data)
{
	/*
	 * KVM's LAPIC under split reports an EOI (KVM_EXIT_IOAPIC_EOI) only
	 * for vectors that a level-triggered MSI route of an I/O APIC pin
	 * names (kvm_scan_ioapic_routes() builds the EOI exit bitmap from
	 * them).  To see the guest take the 8254's tick, pin 2's message is
	 * sent as level-triggered: KVM sets the vector's TMR bit, and its EOI
	 * comes back to us.  The pin itself stays an edge pin in our I/O APIC.
	 */
	if (vm->pit_ticks.policy == TICK_REINJECT && pin == 2 && !(data & MSI_DATA_TRIGGER_LEVEL))
		data |= MSI_DATA_TRIGGER_LEVEL | MSI_DATA_ASSERT;
	return data;
}

/* ---- --irqchip kernel --pit user: the resampler ---- */

static void *tick_thread_main(void *opaque)
{
	struct vm *vm = opaque;
	uint64_t n;

	for (;;) {
		if (read(vm->tick_resamplefd, &n, sizeof(n)) != sizeof(n) && errno == EINTR)
			continue;
		pthread_mutex_lock(&vm->lock);
		if (vm->tick_thread_stop) {
			pthread_mutex_unlock(&vm->lock);
			return NULL;
		}
		pit_acked(vm, "kvm's resamplefd");
		pthread_mutex_unlock(&vm->lock);
	}
}

int ticks_start(struct vm *vm)
{
	int r;

	if (vm->cfg.irqchip != IRQCHIP_KERNEL || vm->cfg.pit_in_kernel || vm->pit_ticks.policy != TICK_REINJECT)
		return 0;
	vm->tick_fds_open = true;
	vm->tick_irqfd = eventfd(0, EFD_CLOEXEC);
	vm->tick_resamplefd = eventfd(0, EFD_CLOEXEC);
	r = vm->tick_irqfd < 0 || vm->tick_resamplefd < 0 ? -errno :
	    kvm_irqfd_resample(vm->vm_fd, vm->tick_irqfd, 0, vm->tick_resamplefd);
	TRACE(&vm->trace, "vm: KVM_IRQFD gsi 0 with KVM_IRQFD_FLAG_RESAMPLE (--tick-policy reinject, --pit user)");
	if (!r)
		r = -pthread_create(&vm->tick_thread, NULL, tick_thread_main, vm);
	vm->tick_thread_running = r == 0;
	if (r)
		fprintf(vm->diag, "tinyvmm: --tick-policy reinject --pit user: an irqfd with a resampler on GSI 0: %s\n",
			strerror(-r));
	return r;
}

void ticks_stop(struct vm *vm)
{
	uint64_t one = 1;

	if (vm->tick_thread_running) {
		pthread_mutex_lock(&vm->lock);
		vm->tick_thread_stop = true;
		pthread_mutex_unlock(&vm->lock);
		if (write(vm->tick_resamplefd, &one, sizeof(one)) == sizeof(one))
			pthread_join(vm->tick_thread, NULL);
		vm->tick_thread_running = false;
	}
	if (!vm->tick_fds_open)
		return;
	if (vm->tick_irqfd >= 0)
		close(vm->tick_irqfd);
	if (vm->tick_resamplefd >= 0)
		close(vm->tick_resamplefd);
	vm->tick_irqfd = vm->tick_resamplefd = -1;
	vm->tick_fds_open = false;
}
