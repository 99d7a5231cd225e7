/*
 * apic.c - the userspace local APIC and I/O APIC, wired (chapter 5).
 *
 *   device line --irq_set_level--> IOAPIC pin --redirection entry--> message
 *     --apic_deliver--> LAPIC IRR --lapic_pending/PPR--> vCPU loop injects
 *     --guest EOI--> LAPIC ISR cleared --level vector?--> IOAPIC Remote IRR cleared
 *
 * KVM's in-kernel names for the same steps: kvm_ioapic_set_irq() ->
 * ioapic_service() -> kvm_irq_delivery_to_apic() -> kvm_apic_set_irq(), and
 * kvm_ioapic_update_eoi() on the way back.
 *
 * Two registers of the local APIC are MSRs, not MMIO: IA32_APIC_BASE (0x1B)
 * and IA32_TSC_DEADLINE (0x6E0).  Without an in-kernel LAPIC, KVM would answer
 * them itself, so we ask it (KVM_X86_SET_MSR_FILTER) to hand both to us as
 * KVM_EXIT_X86_RDMSR/WRMSR.  A third piece of state is shared with the CPU:
 * CR8, which in 64-bit mode is the TPR's priority class; kvm_run.cr8 carries
 * it across every exit and entry when the LAPIC is in userspace.
 *
 * Everything here runs with vm->lock held (bus dispatch, timer thread).
 */
#include <errno.h>
#include <string.h>

#include "apic.h"
#include "ticks.h"
#include "clock.h"
#include "irq.h"
#include "kvm.h"
#include "devmsi.h"
#include "msi.h"
#include "smp.h"
#include "vm.h"

#define MSR_IA32_TSC		0x010
#define MSR_IA32_APIC_BASE	0x01b
#define MSR_IA32_TSC_DEADLINE	0x6e0

static const char *const delivery_mode_name[8] = {
	"fixed", "lowest-priority", "smi", "reserved", "nmi", "init", "reserved", "extint",
};

/*
 * Split irqchip: the message goes to KVM's local APIC as the MSI the entry
 * encodes - either at once with KVM_SIGNAL_MSI, or by pulsing the pin's GSI,
 * whose route (kept equal to the entry by apic_sync_routes) is that MSI.
 */
static bool split_deliver(struct vm *vm, const struct ioapic_irq *irq)
{
	uint64_t address = 0;
	uint32_t data = 0;
	bool delivered;
	int r;

	/* LAB 6: begin */
	ioapic_entry_to_msi(ioapic_entry(&vm->ioapic, irq->pin), &address, &data);
	data = ticks_msi_data(vm, irq->pin, data);	/* reinject: KVM must report pin 2's EOI */
	if (vm->cfg.msi_routes) {
		/* an MSI route fires on 1; the 0 does nothing (kvm_set_msi() ignores level 0) */
		r = kvm_irq_line(vm->vm_fd, irq->pin, 1);
		if (r >= 0)
			r = kvm_irq_line(vm->vm_fd, irq->pin, 0);
		delivered = r >= 0;
	} else {
		/* api.rst: > 0 delivered, 0 the guest blocked it (no APIC took it) */
		r = kvm_signal_msi(vm->vm_fd, address, data);
		delivered = r > 0;
	}
	/* LAB 6: stub */
	//@ r = -ENOSYS;		/* the message goes nowhere */
	//@ delivered = false;
	/* LAB 6: end */
	if (vm->cfg.msi_routes)
		TRACE(&vm->trace, "ioapic: pin %d -> KVM_IRQ_LINE gsi %d (route: msi addr=%08llx data=%08x) -> kvm lapic",
		      irq->pin, irq->pin, (unsigned long long)address, data);
	else
		TRACE(&vm->trace, "ioapic: pin %d -> KVM_SIGNAL_MSI addr=%08llx data=%08x (vector %#04x %s) -> kvm lapic",
		      irq->pin, (unsigned long long)address, data, irq->vector, irq->level ? "level" : "edge");
	if (r < 0)
		fprintf(vm->diag, "tinyvmm: delivering IOAPIC pin %d to KVM: %s\n", irq->pin, strerror(-r));
	return delivered;
}

/*
 * An IOAPIC message on the APIC bus: the (only) local APIC takes it if the
 * destination names it, by the rule an IPI's destination follows (SDM vol.
 * 3A 11.6.2; lapic_match_dest()).  Returns whether it was accepted: only
 * then does the I/O APIC keep Remote IRR set for a level pin.
 */
static bool apic_deliver(void *opaque, const struct ioapic_irq *irq)
{
	struct vm *vm = opaque;
	bool taken;

	if (vm->cfg.irqchip == IRQCHIP_SPLIT)
		return split_deliver(vm, irq);
	switch (irq->delivery_mode) {
	case IOAPIC_DM_FIXED:
	case IOAPIC_DM_LOWEST:	/* one CPU: the lowest-priority one is this one, if addressed */
		if (vm->ncpus > 1) {
			/* chapter 10: to the CPUs the destination names (smp.c) */
			taken = smp_deliver_message(vm, irq->dest, irq->dest_logical,
						    irq->delivery_mode == IOAPIC_DM_LOWEST, irq->vector, irq->level);
			TRACE(&vm->trace, "ioapic: message vector %#04x %s %s -> cpus %#04x%s", irq->vector,
			      delivery_mode_name[irq->delivery_mode & 7], irq->level ? "level" : "edge",
			      vm->last_message_targets, taken ? "" : ": nobody took it");
			irq_intr_changed(vm);
			return taken;
		}
		if (!lapic_match_dest(&vm->lapic[0], irq->dest, irq->dest_logical)) {
			TRACE(&vm->trace, "ioapic: message vector %#04x for %s destination %#04x: not this "
			      "lapic, nobody takes it", irq->vector, irq->dest_logical ? "logical" : "physical",
			      irq->dest);
			return false;
		}
		taken = lapic_accept(&vm->lapic[0], irq->vector, irq->level);
		TRACE(&vm->trace, "ioapic: message vector %#04x %s %s -> lapic irr (ppr=%02x)%s",
		      irq->vector, delivery_mode_name[irq->delivery_mode & 7],
		      irq->level ? "level" : "edge", lapic_ppr(&vm->lapic[0]), taken ? "" : ": refused");
		irq_intr_changed(vm);
		return taken;
	case IOAPIC_DM_EXTINT:
		/*
		 * "Virtual wire B": the message tells the CPU to fetch its
		 * vector from the 8259A with an INTA cycle (SDM vol. 3A 11.6.1);
		 * IRR and ISR are bypassed, so there is no EOI to the LAPIC.
		 */
		if (!lapic_match_dest(&vm->lapic[0], irq->dest, irq->dest_logical))
			return false;
		vm->extint_pending = true;
		TRACE(&vm->trace, "ioapic: pin %d extint message -> cpu will ask the 8259a for the vector", irq->pin);
		irq_intr_changed(vm);
		return true;
	default:
		/* NMI, SMI, INIT need more than one CPU's worth of model. */
		TRACE(&vm->trace, "ioapic: %s message for vector %#04x not modelled, dropped",
		      delivery_mode_name[irq->delivery_mode & 7], irq->vector);
		return false;
	}
}

/*
 * A device's MSI (chapter 8): a memory write of 'data' to 'address'.  In
 * the APIC window (0xFEExxxxx) it is an interrupt message (msi.h), which
 * goes where the local APIC is: KVM's (split, kernel) takes it by the
 * --msi method (devmsi.c: KVM_SIGNAL_MSI, a GSI route, or an irqfd); ours
 * (none) takes it as it takes an I/O APIC message, by the destination
 * rule of SDM vol. 3A 11.6.2.  Anywhere else the write would be DMA into
 * memory, which tinyvmm's devices do not do: it is reported and dropped.
 * Returns whether a local APIC accepted it.  vm->lock held.
 */
bool apic_deliver_msi(struct vm *vm, const char *source, uint64_t address, uint32_t data)
{
	struct ioapic_irq irq;
	bool taken;

	if (!msi_decode(address, data, &irq)) {
		TRACE(&vm->trace, "%s: msi addr=%08llx data=%08x: not the apics' 0xfeexxxxx, dropped",
		      source, (unsigned long long)address, data);
		fprintf(vm->diag, "tinyvmm: %s: MSI write of %#x to %#llx, outside the local APICs' "
			"0xfee00000-0xfeefffff: a memory write tinyvmm does not model; dropped\n",
			source, data, (unsigned long long)address);
		return false;
	}
	if (vm->cfg.irqchip != IRQCHIP_NONE)
		return devmsi_send(vm, source, address, data, irq.vector);	/* KVM's LAPIC: by --msi */
	if (irq.delivery_mode != IOAPIC_DM_FIXED && irq.delivery_mode != IOAPIC_DM_LOWEST) {
		/* as for the I/O APIC: NMI, SMI, INIT and ExtINT messages are not modelled */
		TRACE(&vm->trace, "%s: msi addr=%08llx data=%08x: %s message for vector %#04x not modelled, dropped",
		      source, (unsigned long long)address, data, delivery_mode_name[irq.delivery_mode & 7],
		      irq.vector);
		return false;
	}
	if (vm->ncpus > 1) {
		taken = smp_deliver_message(vm, irq.dest, irq.dest_logical,
					    irq.delivery_mode == IOAPIC_DM_LOWEST, irq.vector, irq.level);
		TRACE(&vm->trace, "%s: msi addr=%08llx data=%08x (vector %#04x) -> cpus %#04x%s", source,
		      (unsigned long long)address, data, irq.vector, vm->last_message_targets,
		      taken ? "" : ": nobody took it");
		irq_intr_changed(vm);
		return taken;
	}
	if (!lapic_match_dest(&vm->lapic[0], irq.dest, irq.dest_logical)) {
		TRACE(&vm->trace, "%s: msi addr=%08llx data=%08x (vector %#04x) for %s destination %#04x: "
		      "not this lapic, nobody takes it", source, (unsigned long long)address, data,
		      irq.vector, irq.dest_logical ? "logical" : "physical", irq.dest);
		return false;
	}
	taken = lapic_accept(&vm->lapic[0], irq.vector, irq.level);
	TRACE(&vm->trace, "%s: msi addr=%08llx data=%08x (vector %#04x %s %s) -> lapic irr (ppr=%02x)%s",
	      source, (unsigned long long)address, data, irq.vector,
	      delivery_mode_name[irq.delivery_mode & 7], irq.level ? "level" : "edge",
	      lapic_ppr(&vm->lapic[0]), taken ? "" : ": refused");
	irq_intr_changed(vm);
	return taken;
}

/* The guest EOIed a level-triggered vector: the IOAPIC may clear Remote IRR and re-deliver. */
static void apic_eoi_level(void *opaque, int vector)
{
	struct vm *vm = opaque;

	TRACE(&vm->trace, "lapic: eoi of level vector %#04x -> ioapic clears remote irr", vector);
	ioapic_eoi(&vm->ioapic, vector);
}

/* For --trace: which vector an EOI is about to retire. */
static int highest_isr(const struct lapic *a)
{
	for (int v = 255; v >= 16; v--)
		if (lapic_isr_test(a, v))
			return v;
	return -1;
}

/*
 * Trace the LAPIC timer expiries since 'before' (lapic.timer_expiries).  The
 * model catches up by itself on every register access, so the VMM path that
 * touches it first after a count runs out is where IRR gets the vector:
 * usually the timer thread, on a slow host often a register access of the
 * guest.  Each path traces here, so a trace shows every expiry once, with
 * the path that noticed it.
 */
void apic_trace_expiries(struct vm *vm, const struct lapic *a, uint64_t before, const char *noticed_by)
{
	if (a->timer_expiries == before)
		return;
	if (a->lvt[0] & 0x10000)		/* lvt[0] is the timer LVT (lapic.h); bit 16: masked */
		TRACE(&vm->trace, "lapic: timer fires, masked in the lvt: no interrupt%s", noticed_by);
	else
		TRACE(&vm->trace, "lapic: timer fires -> irr (ppr=%02x)%s", lapic_ppr(a), noticed_by);
}

/*
 * MMIO: both APICs have 32-bit registers on 16-byte boundaries.  Narrower
 * reads see the bytes of the 32-bit register; a 64-bit access is two.
 */
/*
 * Every CPU sees its own local APIC at 0xFEE00000: the access belongs to the
 * vCPU whose exit is being dispatched (vm->accessing, set under vm->lock).
 */
static struct lapic *accessing_lapic(struct vm *vm)
{
	return &vm->lapic[vm->accessing ? vm->accessing->id : 0];
}

/*
 * A CPU that moved its APIC elsewhere (IA32_APIC_BASE), or disabled it,
 * no longer decodes this page: for it the window is an open bus, reads all
 * ones and ignores writes (SDM 11.4.3, 11.4.4).  Each window is one page
 * some CPU's APIC lives or lived at (apic_move_lapic()).
 */
static struct lapic *lapic_at_window(const struct lapic_window *w)
{
	struct lapic *a = accessing_lapic(w->vm);

	return lapic_hw_enabled(a) && lapic_base_address(a) == w->base ? a : NULL;
}

static void lapic_window_read(void *opaque, uint64_t off, uint8_t *data, unsigned size)
{
	struct lapic_window *w = opaque;
	struct vm *vm = w->vm;
	struct lapic *a = lapic_at_window(w);
	uint64_t expiries;

	if (!a) {
		memset(data, 0xff, size);
		TRACE(&vm->trace, "guest: read at %#llx: no enabled local APIC there for this CPU, all ones",
		      (unsigned long long)(w->base + off));
		return;
	}
	expiries = a->timer_expiries;

	for (unsigned i = 0; i < size; i += 4) {
		uint32_t v = lapic_mmio_read(a, (uint32_t)((off + i) & ~3ull));

		v >>= 8 * ((off + i) & 3);
		memcpy(data + i, &v, size - i < 4 ? size - i : 4);
	}
	/* a read catches the timer up: an expiry may have put its vector in IRR just now */
	apic_trace_expiries(vm, a, expiries, ", caught up by a register read of the guest");
	irq_intr_changed(vm);
}

static void lapic_window_write(void *opaque, uint64_t off, const uint8_t *data, unsigned size)
{
	struct lapic_window *w = opaque;
	struct vm *vm = w->vm;
	struct lapic *a = lapic_at_window(w);
	uint64_t expiries;
	int eoi_vector = -1;

	if (!a) {
		TRACE(&vm->trace, "guest: write at %#llx: no enabled local APIC there for this CPU, ignored",
		      (unsigned long long)(w->base + off));
		return;
	}
	expiries = a->timer_expiries;
	if (size < 4 || (off & 3)) {
		TRACE(&vm->trace, "guest: lapic write of %u bytes at +%#llx ignored (registers are 32-bit)",
		      size, (unsigned long long)off);
		return;
	}
	for (unsigned i = 0; i < size; i += 4) {
		uint32_t v;

		memcpy(&v, data + i, 4);
		if (off + i == LAPIC_EOI) {
			eoi_vector = highest_isr(a);
			TRACE(&vm->trace, "guest: lapic eoi of vector %#04x (the highest in isr)", eoi_vector);
		} else
			TRACE(&vm->trace, "guest: lapic +%#05llx <- %08x", (unsigned long long)(off + i), v);
		lapic_mmio_write(a, (uint32_t)(off + i), v);
		apic_trace_expiries(vm, a, expiries, ", caught up by a register write of the guest");
		expiries = a->timer_expiries;
		if (off + i == LAPIC_EOI) {
			TRACE(&vm->trace, "lapic: after eoi ppr=%02x%s", lapic_ppr(a),
			      lapic_pending(a) >= 0 ? ", a vector above ppr waits in irr" : "");
			ticks_eoi(vm, eoi_vector);	/* IRQ 0's vector: a reinjecting 8254 goes on */
		}
	}
	/* An EOI, a TPR drop or a self-IPI may let an interrupt through; a timer may be programmed. */
	irq_intr_changed(vm);
	pthread_cond_signal(&vm->timer_cond);
}

static void ioapic_window_read(void *opaque, uint64_t off, uint8_t *data, unsigned size)
{
	struct vm *vm = opaque;
	uint32_t v = ioapic_mmio_read(&vm->ioapic, off & ~3ull) >> (8 * (off & 3));

	memcpy(data, &v, size < 4 ? size : 4);
}

static void ioapic_window_write(void *opaque, uint64_t off, const uint8_t *data, unsigned size)
{
	struct vm *vm = opaque;
	uint32_t v = 0;

	memcpy(&v, data, size < 4 ? size : 4);
	if (off == IOAPIC_IOWIN)
		TRACE(&vm->trace, "guest: ioapic register %#04x <- %08x", vm->ioapic.ioregsel, v);
	/* in split mode KVM must know the routes before a message can use them */
	if (off == IOAPIC_IOWIN && vm->cfg.irqchip == IRQCHIP_SPLIT) {
		uint8_t reg = vm->ioapic.ioregsel;

		ioapic_mmio_write(&vm->ioapic, off, v);
		if (reg >= IOAPIC_REG_REDIR && reg < IOAPIC_REG_REDIR_END)
			apic_sync_routes(vm);
	} else {
		ioapic_mmio_write(&vm->ioapic, off, v);
	}
	ticks_mask_changed(vm);
	irq_intr_changed(vm);	/* unmasking a pending level pin delivers */
}

/*
 * Directed EOI: a local APIC may offer to suppress its EOI broadcast, so the
 * OS sends EOIs to the IOAPIC's EOI register instead; that register exists
 * only in IOAPIC version 0x20.  Ours is version 0x11, and KVM's LAPIC offers
 * directed EOI only to guests that see x2APIC in CPUID, which tinyvmm clears
 * (vcpu.c adjust_cpuid): the two agree that EOIs are broadcast.
 *
 * Split mode: the GSI routing table mirrors the redirection table, one MSI
 * route per pin.  Even when messages go out with KVM_SIGNAL_MSI, KVM reads
 * these routes to learn which vectors are level-triggered IOAPIC vectors:
 * only for those does the guest's EOI come back as KVM_EXIT_IOAPIC_EOI.
 */
void apic_sync_routes(struct vm *vm)
{
	uint64_t address[IOAPIC_NUM_PINS + 1];
	uint32_t data[IOAPIC_NUM_PINS + 1];
	int n = IOAPIC_NUM_PINS, r;

	for (int pin = 0; pin < IOAPIC_NUM_PINS; pin++) {
		ioapic_entry_to_msi(ioapic_entry(&vm->ioapic, pin), &address[pin], &data[pin]);
		data[pin] = ticks_msi_data(vm, pin, data[pin]);
	}
	/* chapter 8: GSI 24 (DEVMSI_GSI) is the edu's MSI, under --msi route and irqfd */
	if (devmsi_route(vm, &address[DEVMSI_GSI], &data[DEVMSI_GSI]))
		n++;
	r = kvm_set_msi_routes(vm->vm_fd, n, address, data);
	if (r < 0)
		fprintf(vm->diag, "tinyvmm: KVM_SET_GSI_ROUTING: %s\n", strerror(-r));
}

/* Put a local APIC window on the MMIO bus at 'base' (one page). */
static int add_lapic_window(struct vm *vm, uint64_t base)
{
	struct lapic_window *w;

	if (vm->nlapic_windows == VM_LAPIC_WINDOWS)
		return -ENOSPC;
	w = &vm->lapic_windows[vm->nlapic_windows];
	*w = (struct lapic_window){ vm, base };
	int r = bus_add(&vm->mmio, base, 0x1000, "lapic", lapic_window_read, lapic_window_write, w);
	if (!r)
		vm->nlapic_windows++;
	return r;
}

/*
 * The guest moved a local APIC's page (IA32_APIC_BASE, SDM 11.4.4).  Only
 * an address that exits to tinyvmm can work: RAM and the ROM are KVM
 * memory slots whose accesses never exit, and another device's range is
 * taken.  A page some APIC already uses, or used, has its window.
 * 0, or -1 (the caller injects #GP and says why).
 */
static int apic_move_lapic(struct vm *vm, uint64_t base, const char **why)
{
	const struct bus_range *owner;

	for (int i = 0; i < vm->nlapic_windows; i++)
		if (vm->lapic_windows[i].base == base)
			return 0;
	if (base < vm->ram_size || (base >= VM_LOW_RAM_END && base < VM_HIGH_RAM_START) ||
	    (vm->rom_size && base >= (1ull << 32) - vm->rom_size && base < (1ull << 32))) {
		*why = "that page is RAM or ROM, whose accesses never leave KVM";
		return -1;
	}
	owner = bus_find(&vm->mmio, base);
	if (!owner)
		owner = bus_find(&vm->mmio, base + 0xfff);
	if (owner) {
		*why = owner->name;
		return -1;
	}
	if (add_lapic_window(vm, base) < 0) {
		*why = "too many different APIC pages";
		return -1;
	}
	return 0;
}

/* KVM_EXIT_IOAPIC_EOI (split mode): KVM's LAPIC saw the EOI of one of our level vectors. */
bool apic_handle_ioapic_eoi(struct vcpu *vcpu)
{
	struct vm *vm = vcpu->vm;

	pthread_mutex_lock(&vm->lock);
	TRACE(&vm->trace, "vcpu: KVM_EXIT_IOAPIC_EOI vector %#04x -> ioapic clears remote irr",
	      vcpu->run->eoi.vector);
	/* LAB 6: begin */
	ioapic_eoi(&vm->ioapic, vcpu->run->eoi.vector);	/* may deliver again (split_deliver) */
	ticks_eoi(vm, vcpu->run->eoi.vector);	/* --tick-policy reinject: IRQ 0 taken (ticks.c) */
	/* LAB 6: stub */
	//@ /* the I/O APIC never hears of the EOI */
	/* LAB 6: end */
	pthread_mutex_unlock(&vm->lock);
	return !vm_stopping(vm);
}

int apic_devices_add(struct vm *vm)
{
	int r = 0;

	if (vm->cfg.irqchip == IRQCHIP_KERNEL)
		return 0;	/* chapter 7: both APICs are KVM's (inkernel.c), at the same addresses */
	vm->has_apics = true;
	lapic_init(&vm->lapic[0], vm->clock, 0, apic_eoi_level, vm);
	vm->lapic[0].min_period_ns = TIMER_MIN_PERIOD_NS;	/* as KVM's min_timer_period_us (irq.h) */
	/* As KVM does at reset for the first CPU: LINT0 in ExtINT mode, so the 8259A reaches the CPU. */
	lapic_setup_virtual_wire(&vm->lapic[0]);
	if (vm->cfg.irqchip == IRQCHIP_NONE)
		smp_lapics_init(vm, apic_eoi_level);	/* chapter 10: the APs' (smp.c) */
	ioapic_init(&vm->ioapic, apic_deliver, vm);
	/* In split mode KVM's own local APIC answers at 0xFEE00000: no exits there. */
	if (vm->cfg.irqchip == IRQCHIP_NONE)
		r = add_lapic_window(vm, LAPIC_DEFAULT_BASE);
	if (!r)
		r = bus_add(&vm->mmio, IOAPIC_DEFAULT_BASE, 0x1000, "ioapic",
			    ioapic_window_read, ioapic_window_write, vm);
	if (!r && vm->cfg.irqchip == IRQCHIP_SPLIT)
		apic_sync_routes(vm);
	return r;
}

int apic_msr_setup(struct vm *vm)
{
	static const uint32_t msrs[] = { MSR_IA32_APIC_BASE, MSR_IA32_TSC_DEADLINE };
	int r = kvm_enable_cap(vm->vm_fd, KVM_CAP_X86_USER_SPACE_MSR, KVM_MSR_EXIT_REASON_FILTER);

	if (!r)
		r = kvm_deny_msrs(vm->vm_fd, msrs, 2);
	return r;
}

/* TSC-deadline: the guest writes a TSC value; the timer thread needs a clock time. */
static uint64_t tsc_to_clock_ns(struct vcpu *vcpu, uint64_t deadline)
{
	uint64_t now = clock_now_ns(vcpu->vm->clock), tsc;

	if (vcpu->tsc_khz <= 0)
		vcpu->tsc_khz = kvm_get_tsc_khz(vcpu->fd);
	if (vcpu->tsc_khz <= 0 || kvm_get_msr(vcpu->fd, MSR_IA32_TSC, &tsc) < 0)
		return now;		/* cannot convert: fire now rather than never */
	if (deadline <= tsc)
		return now;
	return now + (uint64_t)((unsigned __int128)(deadline - tsc) * 1000000u / (unsigned)vcpu->tsc_khz);
}

bool apic_handle_msr(struct vcpu *vcpu)
{
	struct vm *vm = vcpu->vm;
	struct kvm_run *run = vcpu->run;
	bool write = run->exit_reason == KVM_EXIT_X86_WRMSR;
	const char *why = NULL;

	pthread_mutex_lock(&vm->lock);
	run->msr.error = 0;
	if (!vm->has_apics) {
		/* chapters 1-4: CPUID says no APIC, and its MSRs do not exist */
		if (!vm->reported_apic_msr)
			fprintf(vm->diag, "tinyvmm: the guest %s MSR %#x (an APIC MSR), but this machine "
				"(--chapter %d) has no local APIC: #GP; reported once\n",
				write ? "wrote" : "read", run->msr.index, vm->cfg.chapter);
		vm->reported_apic_msr = true;
		run->msr.error = 1;
		pthread_mutex_unlock(&vm->lock);
		return !vm_stopping(vm);
	}
	switch (run->msr.index) {
	case MSR_IA32_APIC_BASE:
		if (!write) {
			run->msr.data = lapic_read_base(&vm->lapic[vcpu->id]);
		} else if (!lapic_base_valid(run->msr.data) ||
			   apic_move_lapic(vm, run->msr.data & ~0xfffull, &why) < 0) {
			fprintf(vm->diag, "tinyvmm: guest wrote IA32_APIC_BASE = %#llx: %s; #GP\n",
				(unsigned long long)run->msr.data, why ? why :
				"reserved bits, or x2APIC mode (tinyvmm's local APIC is xAPIC only)");
			run->msr.error = 1;	/* KVM injects #GP */
		} else {
			lapic_write_base(&vm->lapic[vcpu->id], run->msr.data);
			/* EN cleared empties the APIC and lets the 8259A at INTR; set, the reverse */
			irq_intr_changed(vm);
		}
		TRACE(&vm->trace, "guest: %s IA32_APIC_BASE = %#llx", write ? "wrmsr" : "rdmsr",
		      (unsigned long long)run->msr.data);
		break;
	case MSR_IA32_TSC_DEADLINE:
		if (!write) {
			run->msr.data = lapic_read_tsc_deadline(&vm->lapic[vcpu->id]);
		} else {
			uint64_t expiry = run->msr.data ? tsc_to_clock_ns(vcpu, run->msr.data) : 0;
			uint64_t expiries = vm->lapic[vcpu->id].timer_expiries;

			lapic_write_tsc_deadline(&vm->lapic[vcpu->id], run->msr.data, expiry);
			TRACE(&vm->trace, "guest: wrmsr IA32_TSC_DEADLINE = %#llx (in %lld us)",
			      (unsigned long long)run->msr.data,
			      expiry ? (long long)(expiry - clock_now_ns(vm->clock)) / 1000 : -1ll);
			apic_trace_expiries(vm, &vm->lapic[vcpu->id], expiries, ", caught up by the wrmsr (a deadline already past)");
			/*
			 * A deadline already past fires inside the write (Linux
			 * writes "now + a little", which a slow exit makes past):
			 * the vector is in IRR now, so INTR may have risen.
			 */
			irq_intr_changed(vm);
			pthread_cond_signal(&vm->timer_cond);
		}
		break;
	default:
		run->msr.error = 1;	/* not ours: we only asked for the two above */
		break;
	}
	pthread_mutex_unlock(&vm->lock);
	return !vm_stopping(vm);
}

void apic_cr8_to_run(struct vcpu *vcpu)
{
	vcpu->cr8_entered = lapic_get_cr8(&vcpu->vm->lapic[vcpu->id]);
	vcpu->run->cr8 = vcpu->cr8_entered;
}

void apic_cr8_from_run(struct vcpu *vcpu)
{
	struct vm *vm = vcpu->vm;

	if (vcpu->run->cr8 != vcpu->cr8_entered) {
		/* the guest moved to CR8: that is a TPR write */
		lapic_set_cr8(&vm->lapic[vcpu->id], (uint8_t)vcpu->run->cr8);
		vcpu->cr8_entered = vcpu->run->cr8;
		TRACE(&vm->trace, "guest: mov cr8 = %llu -> lapic tpr=%02x", (unsigned long long)vcpu->run->cr8,
		      (unsigned)lapic_get_cr8(&vm->lapic[vcpu->id]) << 4);
		irq_intr_changed(vm);
	}
}
