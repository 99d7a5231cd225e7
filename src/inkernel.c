/*
 * inkernel.c - chapter 7: the interrupt controllers move into KVM
 * (--irqchip kernel).
 *
 * KVM_CREATE_IRQCHIP gives the VM KVM's own 8259A pair and I/O APIC, and
 * every vCPU created afterwards KVM's local APIC.  From then on a device
 * line is one ioctl, KVM_IRQ_LINE, and the rest of the path runs in the
 * kernel (Linux 6.1, arch/x86/kvm and virt/kvm):
 *
 *   KVM_IRQ_LINE -> kvm_vm_ioctl_irq_line() -> kvm_set_irq()   (irqchip.c)
 *     -> the GSI's routes: kvm_pic_set_irq()   -> pic_update_irq() -> kvm_vcpu_kick()
 *                          kvm_ioapic_set_irq() -> ioapic_service()
 *                             -> kvm_irq_delivery_to_apic() -> __apic_accept_irq()
 *                             -> kvm_vcpu_kick()
 *   next VM entry: kvm_check_and_inject_events() -> kvm_cpu_get_interrupt()
 *                                               -> static_call(kvm_x86_inject_irq)
 *   guest EOI: apic_set_eoi() -> kvm_ioapic_update_eoi() (level: Remote IRR)
 *
 * tinyvmm keeps the devices (UART, test device, and with --pit user the
 * 8254) and raises their lines; nothing comes back: no KVM_INTERRUPT, no
 * interrupt window, no HLT exit (KVM halts the vCPU itself, kvm_vcpu_halt()).
 * What is left to look at is the chips' state, which KVM_GET_IRQCHIP and
 * KVM_GET_LAPIC copy out: --trace prints it at each exit where it changed,
 * --dump-irqchip at the end.
 */
#include <errno.h>
#include <string.h>

#include "devmsi.h"
#include "inkernel.h"
#include "irq.h"
#include "irqstate.h"
#include "kvm.h"
#include "vm.h"

#define MSR_IA32_APIC_BASE	0x01b

/*
 * The GSI routes of a PC, as KVM_SET_GSI_ROUTING entries.  KVM's default
 * table (kvm_setup_default_irq_routing(), irq_comm.c) sends GSI n to 8259A
 * input n and to I/O APIC pin n, so the PIT, which KVM raises on GSI 0,
 * would reach pin 0.  On a PC IRQ 0 reaches pin 2 (ACPI's MADT says so
 * with an "interrupt source override"; the chapter 5 guest programs pin 2),
 * and pin 0 is left to the 8259A's output.  QEMU replaces the table the
 * same way (kvm_pc_setup_irq_routing()).  GSI 2 is the cascade: no route.
 */
static int pc_routes(const struct vm *vm, struct kvm_irq_routing_entry *e)
{
	uint64_t address;
	uint32_t data;
	int n = 0;

	for (int gsi = 0; gsi < IOAPIC_NUM_PINS; gsi++) {
		if (gsi == 2)
			continue;
		if (gsi < 16) {
			e[n].gsi = (uint32_t)gsi;
			e[n].type = KVM_IRQ_ROUTING_IRQCHIP;
			e[n].u.irqchip.irqchip = gsi < 8 ? KVM_IRQCHIP_PIC_MASTER : KVM_IRQCHIP_PIC_SLAVE;
			e[n].u.irqchip.pin = (uint32_t)(gsi % 8);
			n++;
		}
		e[n].gsi = (uint32_t)gsi;
		e[n].type = KVM_IRQ_ROUTING_IRQCHIP;
		e[n].u.irqchip.irqchip = KVM_IRQCHIP_IOAPIC;
		e[n].u.irqchip.pin = gsi == 0 ? 2 : (uint32_t)gsi;
		n++;
	}
	/* chapter 8: GSI 24 is the edu's MSI under --msi route and irqfd (devmsi.c) */
	if (devmsi_route(vm, &address, &data)) {
		e[n].gsi = DEVMSI_GSI;
		e[n].type = KVM_IRQ_ROUTING_MSI;
		e[n].u.msi.address_lo = (uint32_t)address;
		e[n].u.msi.address_hi = (uint32_t)(address >> 32);
		e[n].u.msi.data = data;
		n++;
	}
	return n;
}

void inkernel_sync_routes(struct vm *vm)
{
	struct kvm_irq_routing_entry routes[64];
	int r;

	memset(routes, 0, sizeof(routes));
	r = kvm_set_irqchip_routes(vm->vm_fd, pc_routes(vm, routes), routes);
	if (r < 0)
		fprintf(vm->diag, "tinyvmm: KVM_SET_GSI_ROUTING: %s\n", strerror(-r));
}

int inkernel_create(struct vm *vm, const char **what)
{
	struct kvm_irq_routing_entry routes[64];
	int r;

	memset(routes, 0, sizeof(routes));
	*what = "KVM_CREATE_IRQCHIP";
	r = kvm_create_irqchip(vm->vm_fd);
	if (r)
		return r;
	*what = "KVM_SET_GSI_ROUTING (the PC's IRQ 0 on I/O APIC pin 2)";
	r = kvm_set_irqchip_routes(vm->vm_fd, pc_routes(vm, routes), routes);
	if (r)
		return r;
	if (vm->cfg.pit_in_kernel) {
		/*
		 * SPEAKER_DUMMY: KVM answers port 0x61 too, whose bit 0 is
		 * channel 2's gate and bit 5 its output (guests time with it).
		 */
		*what = "KVM_CREATE_PIT2";
		r = kvm_create_pit2(vm->vm_fd, KVM_PIT_SPEAKER_DUMMY);
		/*
		 * KVM's 8254 reinjects lost ticks unless told otherwise;
		 * tinyvmm's default is to coalesce them, in every mode, so
		 * the same guest sees the same timer everywhere (--tick-policy).
		 */
		if (!r) {
			*what = "KVM_REINJECT_CONTROL";
			r = kvm_reinject_control(vm->vm_fd, vm->cfg.tick_policy == TICK_REINJECT);
			TRACE(&vm->trace, "vm: KVM_CREATE_PIT2, then KVM_REINJECT_CONTROL pit_reinject=%d (--tick-policy %s)",
			      vm->cfg.tick_policy == TICK_REINJECT, tick_policy_name(vm->cfg.tick_policy));
		}
	}
	return r;
}

void inkernel_set_irq(struct vm *vm, int irq, int level)
{
	inkernel_set_irq_from(vm, irq, level, irq_source(irq));
}

void inkernel_set_irq_from(struct vm *vm, int irq, int level, const char *who)
{
	int r;

	/* LAB 7: begin */
	/*
	 * KVM_IRQ_LINE sets the line's level, it does not send an interrupt:
	 * an edge-triggered input (the 8259A's default, an edge I/O APIC pin)
	 * latches a request only when the level goes from 0 to 1, so a device
	 * that "pulses" must lower the line again before its next 1 counts.
	 */
	r = kvm_irq_line(vm->vm_fd, (uint32_t)irq, level);
	/* LAB 7: stub */
	//@ r = -ENOSYS;	/* the line never reaches KVM */
	/* LAB 7: end */
	if (r < 0)
		fprintf(vm->diag, "tinyvmm: KVM_IRQ_LINE gsi %d level %d: %s\n", irq, level, strerror(-r));
	if (vm->trace.on) {
		struct irqstate s;
		char state[400];
		bool vcpu_thread = pthread_equal(pthread_self(), vm->vcpu[0].thread);

		/* from the vCPU thread KVM's LAPIC can be read too: the vCPU is not running */
		irqstate_read(vm, &s, vcpu_thread);
		irqstate_summary(&s, state, sizeof(state));
		TRACE(&vm->trace, "%s: irq%d %s -> KVM_IRQ_LINE gsi %d | kvm %s", who, irq,
		      level ? "rises" : "falls", irq, state);
		if (vcpu_thread)
			snprintf(vm->irqstate_seen, sizeof(vm->irqstate_seen), "%s", state);
	}
}

/* Our models where they are ours, KVM_GET_IRQCHIP / KVM_GET_LAPIC where they are KVM's. */
void irqstate_read(struct vm *vm, struct irqstate *s, bool with_lapic)
{
	struct kvm_irqchip chip;
	struct kvm_lapic_state regs;
	uint64_t base = 0;

	memset(s, 0, sizeof(*s));
	/* LAB 7: begin */
	if (vm->cfg.irqchip == IRQCHIP_KERNEL) {
		if (kvm_get_irqchip(vm->vm_fd, KVM_IRQCHIP_PIC_MASTER, &chip) == 0) {
			irqstate_pic_from_kvm(&s->pic.chip[0], &chip.chip.pic, true);
			if (kvm_get_irqchip(vm->vm_fd, KVM_IRQCHIP_PIC_SLAVE, &chip) == 0) {
				irqstate_pic_from_kvm(&s->pic.chip[1], &chip.chip.pic, false);
				s->pic_from = "kvm";
			}
		}
		if (kvm_get_irqchip(vm->vm_fd, KVM_IRQCHIP_IOAPIC, &chip) == 0) {
			irqstate_ioapic_from_kvm(s, &chip.chip.ioapic);
			s->ioapic_from = "kvm";
		}
	}
	/* LAB 7: stub */
	//@ /* ask KVM for its three chips (KVM_GET_IRQCHIP), and load them into s */
	//@ (void)chip;
	/* LAB 7: end */
	if (vm->has_pic) {
		s->pic = vm->pic;
		s->pic_from = "tinyvmm";
	}
	if (vm->has_apics) {
		s->ioapic_id = vm->ioapic.id;
		for (int pin = 0; pin < IOAPIC_NUM_PINS; pin++)
			s->redir[pin] = ioapic_entry(&vm->ioapic, pin);
		s->ioapic_from = "tinyvmm";
	}
	if (vm_user_lapic(vm)) {
		struct lapic copy = vm->lapic[0];	/* reading CCR catches the timer up: not on the real one */

		s->lapic = vm->lapic[0];
		s->timer_current = lapic_mmio_read(&copy, LAPIC_TIMER_CCR);
		s->lapic_from = "tinyvmm";
	} else if (with_lapic && vm->cfg.machine == MACHINE_APIC && vm->cfg.irqchip != IRQCHIP_NONE &&
		   kvm_get_lapic(vm->vcpu[0].fd, &regs) == 0) {
		kvm_get_msr(vm->vcpu[0].fd, MSR_IA32_APIC_BASE, &base);
		irqstate_lapic_from_kvm(s, &regs, base);
		s->lapic_from = "kvm";
	}
}

void inkernel_trace_exit(struct vcpu *vcpu)
{
	struct vm *vm = vcpu->vm;
	struct kvm_run *run = vcpu->run;
	struct irqstate s;
	char state[400], at[64];

	irqstate_read(vm, &s, true);
	irqstate_summary(&s, state, sizeof(state));
	if (strcmp(state, vm->irqstate_seen) == 0)
		return;
	snprintf(vm->irqstate_seen, sizeof(vm->irqstate_seen), "%s", state);
	if (run->exit_reason == KVM_EXIT_IO)
		snprintf(at, sizeof(at), "port %#x %s", run->io.port,
			 run->io.direction == KVM_EXIT_IO_OUT ? "write" : "read");
	else if (run->exit_reason == KVM_EXIT_MMIO)
		snprintf(at, sizeof(at), "mmio %#llx %s", (unsigned long long)run->mmio.phys_addr,
			 run->mmio.is_write ? "write" : "read");
	else
		snprintf(at, sizeof(at), "%s", kvm_exit_reason_name(run->exit_reason));
	TRACE(&vm->trace, "vcpu: exit (%s); changed inside kvm since the last look | kvm %s", at, state);
}

void irqchip_dump(struct vm *vm)
{
	struct irqstate s;

	irqstate_read(vm, &s, true);
	irqstate_dump(&s, vm->diag);
}
