/*
 * irq.c - the machine's interrupt wiring, with every controller in userspace
 * (--irqchip=none, chapters 1-5).
 *
 *   device --irq_line--> irq_set_level() --> 8259A model --INTR--> vCPU loop
 *     (PIT ch0: IRQ0, UART: IRQ4, test device: any IRQ)        (vcpu.c injects)
 *
 * In KVM's own in-kernel version of this path the same steps are called
 * kvm_set_irq() -> kvm_pic_set_irq() -> pic_update_irq() -> kvm_vcpu_kick().
 *
 * Locking: one mutex, vm->lock, guards every device model.  The vCPU thread
 * holds it while a port access is dispatched; the timer thread holds it while
 * it advances the PIT.  So irq_set_level() always runs with the lock held,
 * from either thread, and the models themselves need no locking at all.
 * (With several vCPUs and the device threads: the locking story in vm.h.)
 */
#include <errno.h>
#include <sched.h>
#include <string.h>
#include <time.h>

#include "apic.h"
#include "inkernel.h"
#include "irq.h"
#include "pcibus.h"
#include "ticks.h"
#include "vm.h"

#define TESTDEV_IRQ_PORT	0x2000	/* QEMU pc-testdev: outb(0x2000 + n, level) drives ISA IRQ n */
#define TESTDEV_NIRQ		24

const char *irq_source(int irq)
{
	switch (irq) {
	case 0: return "pit0";
	case SERIAL_COM1_IRQ: return "uart";
	default: return "testdev";
	}
}

static void trace_pic(struct vm *vm, const char *what)
{
	struct pic_state_summary s;

	pic_summary(&vm->pic, &s);
	TRACE(&vm->trace, "%s | pic: irr=%02x/%02x isr=%02x/%02x imr=%02x/%02x -> INTR %s",
	      what, s.irr[0], s.irr[1], s.isr[0], s.isr[1], s.imr[0], s.imr[1],
	      pic_intr(&vm->pic) ? "high" : "low");
}

/*
 * The 8259A reaches the CPU by one of two virtual wires (MP spec 1.4,
 * 3.6.2.2 and 3.6.2.3): through LINT0 programmed as ExtINT ("virtual wire
 * A", lapic_accepts_extint(), which is also true of a disabled APIC), or
 * through I/O APIC pin 0 programmed as ExtINT ("virtual wire B"), whose
 * message sets extint_pending.  Either way the LAPIC's IRR is bypassed and
 * the CPU's INTA cycle goes to the 8259A for the vector (SDM vol. 3A 11.6.1,
 * delivery mode ExtINT).  KVM: kvm_cpu_has_extint() before
 * kvm_apic_has_interrupt(), in kvm_cpu_has_interrupt().
 */
static bool extint(struct vm *vm)
{
	return vm->extint_pending || (pic_intr(&vm->pic) && lapic_accepts_extint(&vm->lapic[0]));
}

bool irq_intr(struct vm *vm)
{
	if (!vm->has_pic)
		return false;		/* chapters 1-2: no controller, nothing drives INTR */
	if (!vm->has_apics)
		return pic_intr(&vm->pic);	/* no APIC at all: the 8259A's INTR is the CPU's (PC/AT) */
	/* LAB 6: begin */
	/*
	 * split: the local APIC is KVM's, which decides itself whether LINT0
	 * takes ExtINT (and says so with ready_for_interrupt_injection); our
	 * own model of it is not the CPU's and goes stale
	 */
	if (!vm_user_lapic(vm))
		return pic_intr(&vm->pic);
	/* LAB 6: stub */
	//@ if (!vm_user_lapic(vm))
	//@ 	return false;	/* split: what drives the CPU's INTR input? */
	/* LAB 6: end */
	return extint(vm) || lapic_pending(&vm->lapic[0]) >= 0;
}

/*
 * CPU 'cpu''s INTR (chapter 10).  The 8259A is wired to the BSP's LINT0 only
 * (an AP's LINT0 is masked from reset, MP spec 3.6.2), so an AP's INTR is
 * its own local APIC alone.
 */
bool irq_cpu_intr(struct vm *vm, int cpu)
{
	if (cpu == 0)
		return irq_intr(vm);
	return vm_user_lapic(vm) && lapic_pending(&vm->lapic[cpu]) >= 0;
}

int irq_cpu_intack(struct vm *vm, int cpu, const char **from)
{
	if (cpu == 0)
		return irq_intack(vm, from);
	*from = "lapic";
	return lapic_intack(&vm->lapic[cpu]);
}

/*
 * Tell vCPU 'v' that its INTR (or an INIT, SIPI or NMI for it) changed:
 * wake it from HLT, or kick it out of KVM_RUN so that it looks before its
 * next entry.  Unneeded when we are its own thread.
 */
void irq_notify_cpu(struct vm *vm, struct vcpu *v)
{
	if (v->halted)
		pthread_cond_broadcast(&vm->halt_cond);
	else if (vm->threads_started && !pthread_equal(pthread_self(), v->thread))
		vcpu_kick(v);
}

int irq_intack(struct vm *vm, const char **from)
{
	int vector;

	if (!vm_user_lapic(vm) || extint(vm)) {
		*from = "pic";
		/* nothing left in the 8259A: it answers with IRQ 7's vector, a spurious one */
		vector = pic_intack(&vm->pic);
		ticks_pic_intack(vm, vector);	/* IRQ 0 taken: a reinjecting 8254 goes on */
		if (vm->extint_pending) {
			vm->extint_pending = false;
			pic_output_to_pin0(vm, true);
		}
		return vector;
	}
	*from = "lapic";
	return lapic_intack(&vm->lapic[0]);
}

/*
 * I/O APIC pin 0 carries the 8259A's INTR output (the MP spec's virtual
 * wire B; on a PC, ISA IRQ 0 goes to pin 2 instead, see irq_set_level()).
 * An INTA cycle drops INTR for its duration: 'inta' makes that a low pulse,
 * so a request still waiting after the one just taken is a new edge.  Only
 * with every controller in userspace: in split mode KVM's LAPIC ignores an
 * ExtINT message (the 8259A reaches it through LINT0 alone).
 */
void pic_output_to_pin0(struct vm *vm, bool inta)
{
	if (!vm_user_lapic(vm))
		return;
	if (inta)
		ioapic_set_irq(&vm->ioapic, 0, 0);
	ioapic_set_irq(&vm->ioapic, 0, pic_intr(&vm->pic));	/* may send an ExtINT message */
}

void irq_intr_changed(struct vm *vm)
{
	pic_output_to_pin0(vm, false);
	/* chapter 10: the APs, each with its own local APIC (the BSP's below) */
	for (int i = 1; i < vm->ncpus && vm_user_lapic(vm); i++) {
		bool ap_intr = irq_cpu_intr(vm, i);

		__atomic_store_n(&vm->vcpu[i].intr_line, ap_intr, __ATOMIC_RELEASE);
		if (ap_intr)
			irq_notify_cpu(vm, &vm->vcpu[i]);
	}
	/* LAB 3b: begin */
	bool intr = irq_intr(vm);

	/* A copy the vCPU loop may read without the lock (see inject_interrupt). */
	__atomic_store_n(&vm->vcpu[0].intr_line, intr, __ATOMIC_RELEASE);
	if (!intr)
		return;
	if (vm->vcpu[0].halted) {
		/* The vCPU thread sleeps in handle_hlt(): wake it. */
		pthread_cond_broadcast(&vm->halt_cond);
	} else if (!pthread_equal(pthread_self(), vm->vcpu[0].thread)) {
		/*
		 * The vCPU may be inside KVM_RUN running guest code; it would
		 * not look at INTR before its next exit.  Kick it out
		 * (kvm_vcpu_kick() is the in-kernel equivalent).
		 */
		vcpu_kick(&vm->vcpu[0]);
	}
	/* else: we are the vCPU thread, which checks INTR before every entry */
	/* LAB 3b: stub */
	//@ /* nobody is told: intr_line stays as it was, no wake-up, no kick */
	/* LAB 3b: end */
}

/*
 * Line 'irq' now carries 'level' (the OR of its drivers): pass it on to the
 * controllers.  'who' names the driver that changed, for --trace.
 */
static void line_changed(struct vm *vm, int irq, int level, const char *who)
{
	char what[64];

	if (vm->cfg.irqchip == IRQCHIP_KERNEL) {
		inkernel_set_irq_from(vm, irq, level, who);	/* chapter 7: every controller is KVM's */
		return;
	}
	if (!vm->has_pic)
		return;		/* the UART's line goes nowhere on a machine without controllers */
	/*
	 * A PC wires ISA IRQ n to 8259A input n and to IOAPIC pin n, except
	 * IRQ 0 (the PIT), which goes to pin 2 (pin 0 carries the 8259A's INTR
	 * for "virtual wire" setups; ACPI calls this an interrupt source
	 * override).  Lines 16-23 exist on the IOAPIC only.
	 */
	if (irq < 16)
		pic_set_irq(&vm->pic, irq, level);
	if (vm->trace.on) {
		snprintf(what, sizeof(what), "%s: irq%d %s", who, irq, level ? "rises" : "falls");
		trace_pic(vm, what);
	}
	/*
	 * Pin 2 has two drivers, ISA IRQ 0 and the test device's line 2: wired
	 * OR, so one falling does not hide the other still high.
	 */
	if (!vm->has_apics)
		;		/* chapters 3-4: a PC/AT, the 8259A is all there is */
	else if (irq == 0 || irq == 2)
		ioapic_set_irq(&vm->ioapic, 2, vm->irq_level[0] | vm->irq_level[2]);
	else
		ioapic_set_irq(&vm->ioapic, irq, level);	/* may send a message (apic.c) */
	irq_intr_changed(vm);
}

void irq_set_level(void *opaque, int irq, int level)
{
	struct vm *vm = opaque;

	if (irq < 0 || irq >= IOAPIC_NUM_PINS || vm->irq_level[irq] == level)
		return;
	vm->irq_level[irq] = level;
	if (irq == PCI_INTX_GSI && vm->pci_intx)
		return;		/* wired OR: the PCI INTA# holds the line high (irq_set_pci_intx) */
	line_changed(vm, irq, level, irq_source(irq));
}

/*
 * Chapter 8: INTA# of the PCI function at 00:04.0 (the edu device).  On a
 * real board INTx# is an open-drain, active-low, level-sensitive, shareable
 * signal (PCI 3.0, 2.2.6): any function pulls it low, and the chipset
 * routes it (PIIX3's PIRQ registers, an ACPI _PRT) to an I/O APIC pin that
 * firmware declares level, active low.  tinyvmm wires 00:04.0's INTA#
 * straight to GSI 16, the first pin above the ISA lines (I/O APIC pin 16;
 * under --irqchip kernel GSI 16's route goes to pin 16 too, inkernel.c),
 * and carries the *asserted* state as 1, as QEMU does, whose ACPI tables
 * declare PCI interrupts active high: the guest programs the entry level
 * triggered, active high.  The test device can drive line 16 too: the two
 * are wired OR, as open-drain outputs sharing a line are.
 */
void irq_set_pci_intx(void *opaque, int gsi, int level)
{
	struct vm *vm = opaque;

	if (gsi != PCI_INTX_GSI || vm->pci_intx == level)
		return;
	vm->pci_intx = level;
	if (vm->irq_level[gsi])
		return;		/* the test device holds the line high */
	line_changed(vm, gsi, level, "edu inta#");
}

/* ---- the port windows: each knows its base port, the models want absolute ports ---- */

static void pic_window_read(void *opaque, uint64_t off, uint8_t *data, unsigned size)
{
	struct port_window *w = opaque;

	for (unsigned i = 0; i < size; i++)
		data[i] = pic_port_read(&w->vm->pic, (uint16_t)(w->base + off + i));
	/* a read after a poll command is an INTA: INTR may have dropped */
	irq_intr_changed(w->vm);
}

static void pic_window_write(void *opaque, uint64_t off, const uint8_t *data, unsigned size)
{
	struct port_window *w = opaque;
	struct vm *vm = w->vm;
	char what[64];

	for (unsigned i = 0; i < size; i++) {
		uint16_t port = (uint16_t)(w->base + off + i);

		pic_port_write(&vm->pic, port, data[i]);
		if (vm->trace.on) {
			snprintf(what, sizeof(what), "guest: pic port %#x <- %02x", port, data[i]);
			trace_pic(vm, what);
		}
	}
	/* An EOI or an unmask can let a waiting request through. */
	ticks_mask_changed(vm);
	irq_intr_changed(vm);
}

/*
 * Drive IRQ 0 to where channel 0's OUT is now, at most one edge per
 * TIMER_MIN_PERIOD_NS (see timer_main()).  The timer thread calls it when an
 * edge is due; the vCPU thread calls it (and lapic_catch_up()) at every read
 * of the PIT's ports, so a guest that polls the PIT (chapters 3 and 5 time
 * their ticks with channel 2) gets each tick at its next exit even when the
 * timer thread wakes up late (nested, up to 33 ms: tests/nested/README.md).
 * Otherwise the ticks due meanwhile would coalesce into one, and a perfect
 * timer would look slow: nested, chapter 5's periodic LAPIC timer once
 * counted 5 of 10.
 */
static void pit_catch_up(struct vm *vm)
{
	uint64_t now = clock_now_ns(vm->clock);
	uint64_t rises = vm->pit.irq0_rises;

	if (!vm->has_pit || now < vm->pit_not_before)
		return;
	pit_update(&vm->pit);
	if (vm->pit.irq0_rises != rises) {
		/* on a grid, so wake-up latency does not stretch every period */
		vm->pit_not_before += TIMER_MIN_PERIOD_NS;
		if (vm->pit_not_before < now)
			vm->pit_not_before = now;
	}
}

/* Our local APICs' timers, the same way: their expiries due by now go into IRR. */
static void lapic_catch_up(struct vm *vm)
{
	bool fired = false;

	for (int i = 0; i < vm->ncpus && vm_user_lapic(vm); i++) {
		struct lapic *a = &vm->lapic[i];
		uint64_t expiries = a->timer_expiries;

		if (lapic_next_event_ns(a) > clock_now_ns(vm->clock))
			continue;
		lapic_update(a);	/* the LVT timer vector goes into IRR */
		apic_trace_expiries(vm, a, expiries, "");
		fired = true;
	}
	if (fired)
		irq_intr_changed(vm);
}

/* The earliest expiry among our local APICs' timers. */
static uint64_t lapic_next_event(struct vm *vm)
{
	uint64_t next = UINT64_MAX;

	for (int i = 0; i < vm->ncpus && vm_user_lapic(vm); i++) {
		uint64_t t = lapic_next_event_ns(&vm->lapic[i]);

		if (t < next)
			next = t;
	}
	return next;
}

static void pit_window_read(void *opaque, uint64_t off, uint8_t *data, unsigned size)
{
	struct port_window *w = opaque;

	/* a guest polling the PIT is timing something: every timer catches up */
	pit_catch_up(w->vm);
	lapic_catch_up(w->vm);
	for (unsigned i = 0; i < size; i++)
		data[i] = pit_port_read(&w->vm->pit, (uint16_t)(w->base + off + i));
}

static void pit_window_write(void *opaque, uint64_t off, const uint8_t *data, unsigned size)
{
	struct port_window *w = opaque;

	for (unsigned i = 0; i < size; i++) {
		uint16_t port = (uint16_t)(w->base + off + i);

		pit_port_write(&w->vm->pit, port, data[i]);
		/* channel 0's count or mode: ticks owed at the old rate are forgotten */
		if (port == PIT_PORT_CH0 || (port == PIT_PORT_CH0 + 3 && (data[i] >> 6) == 0))
			ticks_pit_reprogrammed(w->vm);
	}
	/* The guest reprogrammed the PIT: the timer thread must recompute its deadline. */
	pthread_cond_signal(&w->vm->timer_cond);
}

static void testdev_read(void *opaque, uint64_t off, uint8_t *data, unsigned size)
{
	struct vm *vm = opaque;

	for (unsigned i = 0; i < size; i++)
		data[i] = off + i < IOAPIC_NUM_PINS ? (uint8_t)vm->irq_level[off + i] : 0;
}

static void testdev_write(void *opaque, uint64_t off, const uint8_t *data, unsigned size)
{
	(void)size;
	irq_set_level(opaque, (int)off, data[0] & 1);
}

int irq_devices_add(struct vm *vm)
{
	if (vm->ncpus < 1)
		vm->ncpus = 1;	/* a vm not made by vm_create() (the unit tests) has one CPU */
	static const struct { uint16_t base, len; int pit; const char *name; } windows[VM_PORT_WINDOWS] = {
		{ PIC_MASTER_CMD,  2, 0, "pic-master" },
		{ PIC_SLAVE_CMD,   2, 0, "pic-slave" },
		{ PIC_ELCR_MASTER, 2, 0, "elcr" },
		{ PIT_PORT_CH0,    4, 1, "pit" },
		{ PIT_PORT_SYSCTL, 1, 1, "port61" },
	};
	int r = 0;

	if (vm->ncpus < 1)
		vm->ncpus = 1;	/* a vm not made by vm_create() (the unit tests) has one CPU */
	/* --irqchip kernel: KVM answers the 8259A's ports, and with --pit kernel the 8254's */
	vm->has_pic = vm->cfg.irqchip != IRQCHIP_KERNEL;
	vm->has_pit = vm->has_pic || !vm->cfg.pit_in_kernel;
	pic_init(&vm->pic);
	/* OUT0 reaches IRQ 0 through the lost-tick policy (ticks.c) */
	pit_init(&vm->pit, vm->clock, (struct irq_line){ ticks_pit_out0, vm, 0 });
	for (int i = 0; i < VM_PORT_WINDOWS && !r; i++) {
		if (windows[i].pit ? !vm->has_pit : !vm->has_pic)
			continue;
		vm->window[i] = (struct port_window){ vm, windows[i].base };
		r = bus_add(&vm->pio, windows[i].base, windows[i].len, windows[i].name,
			    windows[i].pit ? pit_window_read : pic_window_read,
			    windows[i].pit ? pit_window_write : pic_window_write, &vm->window[i]);
	}
	if (!r)
		r = bus_add(&vm->pio, TESTDEV_IRQ_PORT, TESTDEV_NIRQ, "testdev-irq",
			    testdev_read, testdev_write, vm);
	return r;
}

/*
 * The timer thread: sleep until the next timer event (the PIT's output
 * changes, the local APIC's timer expires, the edu's factorial is done),
 * advance the models, repeat.
 * pit_update() drives IRQ0 through irq_set_level(), which kicks the vCPU if
 * the PIC now asserts INTR.  A guest write to the PIT or the LAPIC signals
 * timer_cond so a new programming takes effect at once.
 *
 * Two rules keep a guest from wedging the VMM with a tiny period (the PIT at
 * count 1 is 838 ns; a LAPIC timer at divide 1 and count 1 is 1 ns):
 *  - timer interrupts come at most once per TIMER_MIN_PERIOD_NS, as KVM's
 *    own timers do (module parameter kvm.min_timer_period_us, 200 us by
 *    default).  The local APIC model clamps a periodic period itself
 *    (lapic_timer.c period_ns()); for the PIT, whose model stays exact (a guest
 *    reading the counter sees the datasheet's count), the thread does not
 *    look again until TIMER_MIN_PERIOD_NS after an IRQ 0 edge, and edges due
 *    in between coalesce into one (pit_update()).
 *  - the lock is dropped on every pass, even when the next event is already
 *    due, so the vCPU thread and the --timeout watchdog always get their turn.
 */
static void *timer_main(void *opaque)
{
	struct vm *vm = opaque;

	pthread_mutex_lock(&vm->lock);
	while (!vm->timer_stop) {
		uint64_t deadline = vm->has_pit ? pit_next_event_ns(&vm->pit) : UINT64_MAX;
		uint64_t lapic_deadline = lapic_next_event(vm);
		uint64_t edu_deadline = pcibus_next_event_ns(vm);

		if (deadline != UINT64_MAX && deadline < vm->pit_not_before)
			deadline = vm->pit_not_before;
		if (lapic_deadline < deadline)
			deadline = lapic_deadline;
		if (edu_deadline < deadline)
			deadline = edu_deadline;
		if (deadline == UINT64_MAX) {
			pthread_cond_wait(&vm->timer_cond, &vm->lock);
		} else if (deadline > clock_now_ns(vm->clock)) {
			struct timespec ts = {
				.tv_sec = (time_t)(deadline / 1000000000u),
				.tv_nsec = (long)(deadline % 1000000000u),
			};
			pthread_cond_timedwait(&vm->timer_cond, &vm->lock, &ts);
		} else {
			pthread_mutex_unlock(&vm->lock);
			sched_yield();
			pthread_mutex_lock(&vm->lock);
		}
		if (vm->timer_stop)
			break;
		pit_catch_up(vm);
		lapic_catch_up(vm);
		/* a factorial done: its interrupt, if the guest asked for one (MSI or INTA#) */
		if (pcibus_next_event_ns(vm) <= clock_now_ns(vm->clock))
			edu_update(&vm->edu);
	}
	pthread_mutex_unlock(&vm->lock);
	return NULL;
}

int irq_timer_start(struct vm *vm)
{
	int r;

	/* no 8254 of ours (none, or KVM's), no LAPIC of ours, no edu: no timer to run */
	if (!vm->has_pit && !vm->has_pci)
		return 0;
	r = ticks_start(vm);
	if (r)
		return r;
	r = pthread_create(&vm->timer_thread, NULL, timer_main, vm);

	vm->timer_running = r == 0;
	return -r;
}

void irq_timer_stop(struct vm *vm)
{
	ticks_stop(vm);
	if (!vm->timer_running)
		return;
	pthread_mutex_lock(&vm->lock);
	vm->timer_stop = true;
	pthread_cond_signal(&vm->timer_cond);
	pthread_mutex_unlock(&vm->lock);
	pthread_join(vm->timer_thread, NULL);
	vm->timer_running = false;
}
