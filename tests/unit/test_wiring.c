/*
 * test_wiring.c - the interrupt wiring of irq.c, apic.c and pcibus.c, without /dev/kvm.
 *
 * Each case builds a struct vm by hand with the real device models on the
 * real buses (irq_devices_add, apic_devices_add) and a fake clock, drives it
 * the way the vCPU loop would (bus accesses, MSR exits, HLT exits), and looks
 * at what the vCPU loop would look at next: vm->vcpu[0].intr_line, the copy of INTR it
 * reads before every entry without the lock, and the LAPIC's IRR.
 *
 * The oracle is the architecture, not the models: Intel SDM vol. 3A 11.5.4
 * (a one-shot timer whose count reaches zero raises its LVT vector), 11.5.4.1
 * (a TSC-deadline at or before the current TSC fires at once), 10.x/6.x (the
 * CPU takes an interrupt whose vector is above PPR when IF=1): whenever the
 * local APIC holds a deliverable vector, INTR is high.
 */
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tap.h"
#include "vm.h"
#include "apic.h"
#include "irq.h"
#include "pcibus.h"
#include "ticks.h"

#define RUN_SIZE		8192
#define LAPIC_BASE		0xfee00000ull
#define IOAPIC_BASE		0xfec00000ull
#define MSR_IA32_TSC_DEADLINE	0x6e0
#define LVT_TSC_DEADLINE	(2u << 17)	/* LVT timer mode bits 18:17 = 10b */
#define SVR_ENABLE		0x100

static struct vm *vm;
static struct fake_clock fake = FAKE_CLOCK_INIT;
static char *diag_buf;
static size_t diag_len;

static void setup_machine(enum machine_kind kind)
{
	vm = calloc(1, sizeof(*vm));
	vm->diag = open_memstream(&diag_buf, &diag_len);
	vm->sys_fd = vm->vm_fd = -1;
	vm->clock = &fake.clock;
	vm->cfg.irqchip = IRQCHIP_NONE;
	vm->cfg.machine = kind;
	pthread_mutex_init(&vm->lock, NULL);
	pthread_cond_init(&vm->halt_cond, NULL);
	pthread_cond_init(&vm->timer_cond, NULL);
	bus_init(&vm->pio, "port");
	bus_init(&vm->mmio, "MMIO");
	if (kind == MACHINE_APIC)
		ok(irq_devices_add(vm) == 0 && apic_devices_add(vm) == 0, "the PIC, PIT, LAPIC and IOAPIC go on the buses");
	else if (kind == MACHINE_PIC)
		ok(irq_devices_add(vm) == 0, "the PIC, PIT and test device go on the buses");
	vm->vcpu[0].vm = vm;
	vm->vcpu[0].fd = -1;
	vm->vcpu[0].thread = pthread_self();	/* we are "the vCPU thread": no kicks */
	vm->vcpu[0].run = calloc(1, RUN_SIZE);
	vm->vcpu[0].run_size = RUN_SIZE;
}

static void setup(void)
{
	setup_machine(MACHINE_APIC);
}

static void teardown(void)
{
	fclose(vm->diag);
	free(diag_buf);
	diag_buf = NULL;
	free(vm->vcpu[0].run);
	pthread_cond_destroy(&vm->timer_cond);
	pthread_cond_destroy(&vm->halt_cond);
	pthread_mutex_destroy(&vm->lock);
	free(vm);
	vm = NULL;
}

static void lapic_w(uint32_t reg, uint32_t v)
{
	bus_write(&vm->mmio, LAPIC_BASE + reg, (const uint8_t *)&v, 4);
}

static uint32_t lapic_r(uint32_t reg)
{
	uint32_t v = 0;

	bus_read(&vm->mmio, LAPIC_BASE + reg, (uint8_t *)&v, 4);
	return v;
}

static void ioapic_w(uint32_t reg, uint32_t v)
{
	bus_write(&vm->mmio, IOAPIC_BASE + IOAPIC_IOREGSEL, (const uint8_t *)&reg, 4);
	bus_write(&vm->mmio, IOAPIC_BASE + IOAPIC_IOWIN, (const uint8_t *)&v, 4);
}

static bool intr_line(void)
{
	return __atomic_load_n(&vm->vcpu[0].intr_line, __ATOMIC_ACQUIRE);
}

static void port_w(uint16_t port, uint8_t v)
{
	bus_write(&vm->pio, port, &v, 1);
}

static uint32_t ioapic_r(uint32_t reg)
{
	uint32_t v = 0;

	bus_write(&vm->mmio, IOAPIC_BASE + IOAPIC_IOREGSEL, (const uint8_t *)&reg, 4);
	bus_read(&vm->mmio, IOAPIC_BASE + IOAPIC_IOWIN, (uint8_t *)&v, 4);
	return v;
}

/* The 8259A pair as a BIOS sets it up (8259A datasheet, ICW1-ICW4): vectors 0x20 and 0x28, all masked. */
static void pic_setup_like_a_bios(void)
{
	port_w(0x20, 0x11); port_w(0x21, 0x20); port_w(0x21, 0x04); port_w(0x21, 0x01);
	port_w(0xa0, 0x11); port_w(0xa1, 0x28); port_w(0xa1, 0x02); port_w(0xa1, 0x01);
	port_w(0x21, 0xff); port_w(0xa1, 0xff);
}

/* A deadline already past when the guest writes it fires inside the write. */
static void test_tsc_deadline_in_the_past(void)
{
	struct kvm_run *run;

	setup();
	run = vm->vcpu[0].run;
	fake.ns = 1000000;
	lapic_w(LAPIC_SVR, SVR_ENABLE | 0xff);
	lapic_w(LAPIC_LVT_TIMER, LVT_TSC_DEADLINE | 0x42);
	ok(!intr_line(), "tsc-deadline: nothing pending before the write");
	run->exit_reason = KVM_EXIT_X86_WRMSR;
	run->msr.index = MSR_IA32_TSC_DEADLINE;
	run->msr.data = 1;	/* TSC 1: long past (and with no KVM, tinyvmm cannot convert: "now") */
	ok(apic_handle_msr(&vm->vcpu[0]), "tsc-deadline: the WRMSR exit is handled");
	is(run->msr.error, 0, "tsc-deadline: no #GP");
	ok(lapic_irr_test(&vm->lapic[0], 0x42), "tsc-deadline in the past: vector 0x42 is in IRR at once (SDM 11.5.4.1)");
	ok(intr_line(), "tsc-deadline in the past: INTR is high for the vCPU loop (it would sleep on HLT otherwise)");
	teardown();
}

/* A one-shot count that ran out unseen is noticed by a read of the current count. */
static void test_expiry_seen_by_a_read(void)
{
	setup();
	trace_init(&vm->trace, true, vm->diag);	/* --trace: the catch-up must show */
	fake.ns = 5000000;
	lapic_w(LAPIC_SVR, SVR_ENABLE | 0xff);
	lapic_w(LAPIC_TIMER_DCR, 0xb);		/* divide by 1 */
	lapic_w(LAPIC_LVT_TIMER, 0x40);		/* one-shot, vector 0x40 */
	lapic_w(LAPIC_TIMER_ICR, 1000);		/* 1000 bus clocks */
	ok(!intr_line(), "one-shot: nothing pending right after it is armed");
	fake.ns += 1000000;			/* 1 ms later: long expired (the timer thread has not run) */
	is(lapic_r(LAPIC_TIMER_CCR), 0u, "one-shot: the current count reads 0 after expiry");
	ok(lapic_irr_test(&vm->lapic[0], 0x40), "one-shot: the read caught the timer up, vector 0x40 in IRR");
	ok(intr_line(), "one-shot: and INTR says so");
	fflush(vm->diag);
	ok(strstr(diag_buf, "lapic: timer fires -> irr (ppr=00), caught up by a register read of the guest") != NULL,
	   "one-shot: --trace shows the expiry the read caught (a trace without it hid where IRR got 0x40)");
	teardown();
}

/* Writes catch the timer up too, and a masked expiry is traced as one (no vector). */
static void test_expiry_seen_by_a_write(void)
{
	setup();
	trace_init(&vm->trace, true, vm->diag);
	fake.ns = 5000000;
	lapic_w(LAPIC_SVR, SVR_ENABLE | 0xff);
	lapic_w(LAPIC_TIMER_DCR, 0xb);		/* divide by 1 */
	lapic_w(LAPIC_LVT_TIMER, 0x41);		/* one-shot, vector 0x41 */
	lapic_w(LAPIC_TIMER_ICR, 1000);
	fake.ns += 1000000;
	lapic_w(LAPIC_TPR, 0);			/* any write: the model catches up first */
	ok(lapic_irr_test(&vm->lapic[0], 0x41), "one-shot: a TPR write caught the timer up, vector 0x41 in IRR");
	ok(intr_line(), "one-shot: and INTR says so");
	fflush(vm->diag);
	ok(strstr(diag_buf, "lapic: timer fires -> irr (ppr=00), caught up by a register write of the guest") != NULL,
	   "one-shot: --trace shows the expiry the write caught");
	lapic_w(LAPIC_LVT_TIMER, 0x10042);	/* masked, vector 0x42 */
	lapic_w(LAPIC_TIMER_ICR, 1000);
	fake.ns += 1000000;
	(void)lapic_r(LAPIC_TIMER_CCR);
	ok(!lapic_irr_test(&vm->lapic[0], 0x42), "masked one-shot: no vector 0x42 in IRR (SDM 11.5.1: mask bit)");
	fflush(vm->diag);
	ok(strstr(diag_buf, "lapic: timer fires, masked in the lvt: no interrupt, caught up by a register read") != NULL,
	   "masked one-shot: --trace still shows the expiry, and says it was masked");
	teardown();
}

/* A vector that reached IRR without telling anyone: a HLT exit must not leave INTR stale. */
static void test_hlt_refreshes_intr(void)
{
	struct kvm_run *run;

	setup();
	run = vm->vcpu[0].run;
	lapic_w(LAPIC_SVR, SVR_ENABLE | 0xff);
	lapic_accept(&vm->lapic[0], 0x51, false);	/* straight into the model, no notification */
	ok(!intr_line(), "hlt: INTR copy stale on purpose");
	run->exit_reason = KVM_EXIT_HLT;
	run->if_flag = 1;
	ok(vcpu_handle_exit(&vm->vcpu[0]), "hlt with a vector waiting: no sleep, the loop goes on");
	ok(intr_line(), "hlt: INTR refreshed, so the next entry injects instead of halting again");
	teardown();
}

/* ISA IRQ 0 reaches the 8259A's IR0 and the I/O APIC's pin 2 (not pin 0). */
static void test_irq0_to_ioapic_pin2(void)
{
	setup();
	lapic_w(LAPIC_SVR, SVR_ENABLE | 0xff);
	ioapic_w(0x10 + 2 * 2 + 1, 0);		/* pin 2, high: destination 0 */
	ioapic_w(0x10 + 2 * 2, 0x50);		/* pin 2, low: vector 0x50, fixed, edge */
	ioapic_w(0x10 + 0 * 2, 0x60);		/* pin 0 too, vector 0x60: must stay quiet */
	pic_setup_like_a_bios();		/* masked: the 8259A's INTR, on pin 0, stays low */
	irq_set_level(vm, 0, 1);
	ok(lapic_irr_test(&vm->lapic[0], 0x50), "irq0 rising: the message of pin 2 (vector 0x50) is in IRR");
	ok(!lapic_irr_test(&vm->lapic[0], 0x60), "irq0 rising: pin 0 (vector 0x60) did not fire");
	ok(intr_line(), "irq0 rising: INTR high");
	teardown();
}

/*
 * An I/O APIC message goes to the local APICs its destination names (SDM
 * vol. 3A 11.6.2, the same rule as for IPIs; 82093AA 3.2.4 bits 63:56 and
 * 11).  Ours is APIC ID 0; with LDR 0 it has no logical address at all.
 */
static void test_ioapic_destinations(void)
{
	setup();
	lapic_w(LAPIC_SVR, SVR_ENABLE | 0xff);
	ioapic_w(0x10 + 2 * 10 + 1, 7u << 24);		/* pin 10: physical destination 7 */
	ioapic_w(0x10 + 2 * 10, 0x5a);
	irq_set_level(vm, 10, 1);
	ok(!lapic_irr_test(&vm->lapic[0], 0x5a), "physical destination 7: APIC 0 does not take vector 0x5a");
	irq_set_level(vm, 10, 0);

	ioapic_w(0x10 + 2 * 10 + 1, 0xffu << 24);	/* physical broadcast */
	irq_set_level(vm, 10, 1);
	ok(lapic_irr_test(&vm->lapic[0], 0x5a), "physical destination ff (broadcast): APIC 0 takes it");
	irq_set_level(vm, 10, 0);

	ioapic_w(0x10 + 2 * 12 + 1, 0x02u << 24);	/* pin 12: logical 0x02 */
	ioapic_w(0x10 + 2 * 12, (1u << 11) | 0x5c);
	irq_set_level(vm, 12, 1);
	ok(!lapic_irr_test(&vm->lapic[0], 0x5c), "logical destination 02 while LDR = 0: not ours");
	irq_set_level(vm, 12, 0);
	lapic_w(LAPIC_DFR, 0xffffffff);			/* flat model */
	lapic_w(LAPIC_LDR, 0x02u << 24);		/* logical ID bit 1 */
	irq_set_level(vm, 12, 1);
	ok(lapic_irr_test(&vm->lapic[0], 0x5c), "logical 02 with LDR 02 (flat): ours");
	teardown();
}

/* A level message nobody accepts must not leave Remote IRR set (KVM's ioapic_service() agrees). */
static void test_refused_level_message(void)
{
	uint32_t v = 0;

	setup();
	lapic_w(LAPIC_SVR, SVR_ENABLE | 0xff);
	ioapic_w(0x10 + 2 * 11 + 1, 7u << 24);		/* pin 11: level, for APIC 7, which is not there */
	ioapic_w(0x10 + 2 * 11, (1u << 15) | 0x5b);
	irq_set_level(vm, 11, 1);
	bus_write(&vm->mmio, IOAPIC_BASE + IOAPIC_IOREGSEL, (const uint8_t *)&(uint32_t){ 0x10 + 2 * 11 }, 4);
	bus_read(&vm->mmio, IOAPIC_BASE + IOAPIC_IOWIN, (uint8_t *)&v, 4);
	ok(!(v & IOAPIC_RTE_REMOTE_IRR), "level message to nobody: Remote IRR clear, the pin is not stuck");
	ioapic_w(0x10 + 2 * 11 + 1, 0);			/* re-aimed at APIC 0 */
	ioapic_w(0x10 + 2 * 11, (1u << 15) | 0x5b);
	ok(lapic_irr_test(&vm->lapic[0], 0x5b), "re-aimed at APIC 0 while still high: it arrives");
	teardown();
}

/*
 * The timer thread against the PIT at its fastest (count 1: an edge every
 * 838 ns).  Real threads and the host clock here: the thread must leave the
 * lock to the vCPU side on every pass, and raise IRQ 0 at most once per
 * TIMER_MIN_PERIOD_NS (KVM's min_timer_period_us for its own PIT).  Neither
 * bound is a speed: an edge more than the limit allows is wrong on any host,
 * and 2 s without the lock is a wedge, not slowness.
 */
static void test_timer_thread_pit_at_count_1(void)
{
	const uint64_t run_ns = 200000000;	/* 200 ms */
	const struct timespec nap = { 0, 100000 };
	uint64_t start, now;
	int locks = 0, edges = 0;
	bool wedged = false;

	setup();
	vm->clock = &host_clock;		/* the timer thread waits on CLOCK_MONOTONIC */
	pthread_cond_destroy(&vm->timer_cond);
	{
		pthread_condattr_t attr;

		pthread_condattr_init(&attr);
		pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
		pthread_cond_init(&vm->timer_cond, &attr);
		pthread_condattr_destroy(&attr);
	}
	pit_init(&vm->pit, vm->clock, (struct irq_line){ irq_set_level, vm, 0 });
	bus_write(&vm->pio, PIT_PORT_CONTROL, (const uint8_t[]){ 0x34 }, 1);	/* ch0, lo/hi, mode 2 */
	bus_write(&vm->pio, PIT_PORT_CH0, (const uint8_t[]){ 1 }, 1);
	bus_write(&vm->pio, PIT_PORT_CH0, (const uint8_t[]){ 0 }, 1);		/* count 1 */
	ok(irq_timer_start(vm) == 0, "pit at count 1: the timer thread starts");
	start = clock_now_ns(&host_clock);
	do {
		struct timespec limit;

		clock_gettime(CLOCK_REALTIME, &limit);
		limit.tv_sec += 2;
		if (pthread_mutex_timedlock(&vm->lock, &limit) != 0) {
			wedged = true;
			break;
		}
		locks++;
		if (pic_intr(&vm->pic)) {		/* an IRQ 0 edge: take it and EOI it */
			pic_intack(&vm->pic);
			bus_write(&vm->pio, PIC_MASTER_CMD, (const uint8_t[]){ 0x20 }, 1);
			edges++;
		}
		pthread_mutex_unlock(&vm->lock);
		nanosleep(&nap, NULL);
		now = clock_now_ns(&host_clock);
	} while (now - start < run_ns);
	ok(!wedged, "pit at count 1: the vCPU side always got the lock within 2 s (%d times)", locks);
	if (wedged) {
		printf("#   the timer thread holds the lock; cannot stop it\n");
		fflush(stdout);
		_exit(done_testing());
	}
	irq_timer_stop(vm);
	ok(edges >= 1, "pit at count 1: irq0 edges still arrive (%d)", edges);
	ok((uint64_t)edges <= (now - start) / TIMER_MIN_PERIOD_NS + 2,
	   "pit at count 1: at most one irq0 edge per %llu us (%d in %llu us)",
	   TIMER_MIN_PERIOD_NS / 1000, edges, (unsigned long long)(now - start) / 1000);
	teardown();
}

/*
 * A guest that polls the PIT (chapter 3 times its ticks with channel 2, port
 * 0x61) must see each IRQ 0 tick at its next access, whether or not the timer
 * thread woke up in time: nested, it wakes up to 33 ms late, and the edges due
 * meanwhile would merge into one.  No timer thread runs here at all.  The
 * oracle is the 8254 datasheet, mode 2: OUT is high after the control word
 * and low for one clock when the count reaches 1, so it rises every N input
 * clocks (N = 11932 at 1.193182 MHz: every 10.0002 ms, 10 rises in 105 ms).
 */
static void test_pit_polled_without_timer_thread(void)
{
	int ticks = 0;

	setup_machine(MACHINE_PIC);
	fake.ns = 1000000;
	pic_setup_like_a_bios();
	port_w(PIT_PORT_CONTROL, 0x34);		/* ch0, lo/hi, mode 2 */
	port_w(PIT_PORT_CH0, 11932 & 0xff);
	port_w(PIT_PORT_CH0, 11932 >> 8);
	port_w(0x21, 0xfe);			/* unmask IRQ 0 */
	if (pic_intr(&vm->pic)) {		/* the control word's rise of OUT, latched in IRR */
		pic_intack(&vm->pic);
		port_w(0x20, 0x20);
	}
	for (int ms = 1; ms <= 105; ms++) {
		uint8_t v;

		fake.ns = 1000000 + (uint64_t)ms * 1000000;
		bus_read(&vm->pio, PIT_PORT_SYSCTL, &v, 1);	/* the guest polls port 0x61 */
		if (intr_line()) {
			pic_intack(&vm->pic);
			port_w(0x20, 0x20);		/* non-specific EOI */
			ticks++;
		}
	}
	is(ticks, 10, "pit at 100 hz polled every 1 ms for 105 ms, no timer thread: 10 ticks, none merged");
	teardown();
}

/*
 * The same for our local APIC's periodic timer: a guest that polls the PIT
 * (chapter 5 times the LAPIC timer with channel 2) sees each expiry at its
 * next port read, without the timer thread.  Oracle: SDM vol. 3A 11.5.4,
 * periodic mode reloads the initial count at zero and interrupts each time;
 * 10 ms of bus clocks (1 GHz in this model, divide by 1) give 10 interrupts
 * in 105 ms, at 10, 20, ... 100 ms.
 */
static void test_lapic_timer_polled_without_timer_thread(void)
{
	const char *from = "";
	int ticks = 0;

	setup();
	fake.ns = 1000000;
	lapic_w(LAPIC_SVR, SVR_ENABLE | 0xff);
	lapic_w(LAPIC_TIMER_DCR, 0xb);		/* divide by 1 */
	lapic_w(LAPIC_LVT_TIMER, (1u << 17) | 0x41);	/* periodic (bits 18:17 = 01), vector 0x41 */
	lapic_w(LAPIC_TIMER_ICR, 10000000);	/* 10 ms */
	for (int ms = 1; ms <= 105; ms++) {
		uint8_t v;

		fake.ns = 1000000 + (uint64_t)ms * 1000000;
		bus_read(&vm->pio, PIT_PORT_SYSCTL, &v, 1);	/* the guest polls port 0x61 */
		if (intr_line()) {
			if (irq_intack(vm, &from) == 0x41)
				ticks++;
			lapic_w(LAPIC_EOI, 0);
		}
	}
	is(ticks, 10, "lapic timer periodic 10 ms, port 0x61 polled every 1 ms for 105 ms, no timer thread: 10 interrupts");
	teardown();
}

/*
 * I/O APIC pin 2 has two drivers here, ISA IRQ 0 (the PIT) and the test
 * device's line 2.  Wires driven together are an OR: while IRQ 0 is high,
 * line 2 falling must not lower the pin.  Seen through a level entry: after
 * the EOI a pin still high sends again (82093AA 3.2.4, Remote IRR).
 */
static void test_pin2_two_drivers(void)
{
	setup();
	lapic_w(LAPIC_SVR, SVR_ENABLE | 0xff);
	ioapic_w(0x10 + 2 * 2 + 1, 0);
	ioapic_w(0x10 + 2 * 2, (1u << 15) | 0x52);	/* pin 2: level, vector 0x52 */
	irq_set_level(vm, 0, 1);			/* the PIT's output high */
	ok(lapic_irr_test(&vm->lapic[0], 0x52), "pin 2 level: irq0 high sends vector 0x52");
	is(lapic_intack(&vm->lapic[0]), 0x52, "pin 2: the CPU takes 0x52");
	irq_set_level(vm, 2, 1);			/* the test device's line 2 rises ... */
	irq_set_level(vm, 2, 0);			/* ... and falls, irq0 still high */
	lapic_w(LAPIC_EOI, 0);
	ok(lapic_irr_test(&vm->lapic[0], 0x52), "pin 2: irq0 still high after the eoi, so it sends again "
	   "(the test device's line falling did not lower the wire)");
	teardown();
}

/* SDM 11.4.7.2: a software-disabled local APIC refuses fixed interrupts; Remote IRR must not stick. */
static void test_software_disabled_lapic(void)
{
	setup();
	lapic_w(LAPIC_SVR, 0xff);			/* SVR bit 8 clear: software-disabled */
	ioapic_w(0x10 + 2 * 11 + 1, 0);
	ioapic_w(0x10 + 2 * 11, (1u << 15) | 0x5b);	/* pin 11: level, vector 0x5b, APIC 0 */
	irq_set_level(vm, 11, 1);
	ok(!lapic_irr_test(&vm->lapic[0], 0x5b), "software-disabled lapic: vector 0x5b refused, not in IRR");
	ok(!(ioapic_r(0x10 + 2 * 11) & IOAPIC_RTE_REMOTE_IRR), "software-disabled lapic: Remote IRR stays clear");
	ok(!intr_line(), "software-disabled lapic: INTR low");
	teardown();
}

/*
 * Virtual wire B (MP spec 1.4, 3.6.2.3): LINT0 masked, the 8259A's INTR on
 * I/O APIC pin 0 programmed as ExtINT.  The message makes the CPU run an
 * INTA cycle to the 8259A, which supplies the vector (SDM 11.6.1, ExtINT).
 */
static void test_extint_through_pin0(void)
{
	const char *from = "";

	setup();
	lapic_w(LAPIC_SVR, SVR_ENABLE | 0xff);
	lapic_w(LAPIC_LVT_LINT0, 0x10700);		/* LINT0 masked: virtual wire A is off */
	pic_setup_like_a_bios();
	port_w(0x21, 0xfd);				/* unmask IRQ 1 */
	irq_set_level(vm, 1, 1);
	ok(pic_intr(&vm->pic) && !intr_line(), "pin 0 masked, LINT0 masked: the 8259A's INTR reaches nobody");
	irq_set_level(vm, 1, 0);
	pic_intack(&vm->pic);				/* serve it by hand: INTR low again */
	port_w(0x20, 0x20);
	ok(!pic_intr(&vm->pic), "the 8259A's INTR is low again");
	ioapic_w(0x10 + 2 * 0 + 1, 0);
	ioapic_w(0x10 + 2 * 0, 0x700);			/* pin 0: ExtINT, edge, unmasked, APIC 0 */
	irq_set_level(vm, 1, 1);
	ok(intr_line(), "pin 0 ExtINT: the 8259A's INTR reaches the CPU through the I/O APIC");
	is(irq_intack(vm, &from), 0x21, "pin 0 ExtINT: the INTA cycle gets IRQ 1's vector from the 8259A");
	is(strcmp(from, "pic"), 0, "pin 0 ExtINT: the vector came from the pic");
	ok(!lapic_irr_test(&vm->lapic[0], 0x21), "pin 0 ExtINT: the LAPIC's IRR is bypassed");
	port_w(0xa1, 0xfb);				/* unmask IRQ 10 on the slave ... */
	port_w(0x21, 0xf9);				/* ... and the cascade input IR2 on the master */
	irq_set_level(vm, 10, 1);
	port_w(0x20, 0x20);				/* EOI IRQ 1: IRQ 10 (via the cascade) is next */
	ok(intr_line(), "pin 0 ExtINT: after the EOI the next request is a new edge on pin 0");
	is(irq_intack(vm, &from), 0x2a, "pin 0 ExtINT: INTA gets IRQ 10's vector through the cascade");
	teardown();
}

/*
 * Two register accesses that change INTR without an interrupt arriving:
 * a poll read of the 8259A is an INTA (datasheet, "Poll Command"), and
 * clearing IA32_APIC_BASE.EN empties the local APIC (SDM 11.4.3).  The
 * vCPU loop reads intr_line without the lock, so each must refresh it.
 */
static void test_intr_after_poll_and_apic_off(void)
{
	struct kvm_run *run;
	uint8_t v = 0;

	setup();
	pic_setup_like_a_bios();
	port_w(0x21, 0xfd);				/* IRQ 1 unmasked, nothing requested yet */
	lapic_w(LAPIC_SVR, SVR_ENABLE | 0xff);
	lapic_w(LAPIC_ICR_LO, 0x40000 | 0x61);		/* self-IPI, vector 0x61 */
	ok(intr_line(), "a self-IPI raises INTR");
	run = vm->vcpu[0].run;
	run->exit_reason = KVM_EXIT_X86_WRMSR;
	run->msr.index = 0x1b;
	run->msr.data = 0xfee00000 | 0x100;		/* EN = 0: the APIC is off, its IRR gone */
	ok(apic_handle_msr(&vm->vcpu[0]), "IA32_APIC_BASE write handled");
	is(irq_intr(vm), 0, "APIC off: nothing requests INTR any more");
	is(intr_line(), 0, "APIC off: intr_line follows (the vCPU loop reads it without the lock)");
	irq_set_level(vm, 1, 1);
	ok(intr_line(), "APIC off: the 8259A's IRQ 1 drives INTR directly");
	port_w(0x20, 0x0c);				/* OCW3: poll */
	bus_read(&vm->pio, 0x20, &v, 1);
	is(v, 0x81, "poll read: IRQ 1 served (0x80 | 1)");
	is(intr_line(), irq_intr(vm), "after the poll read: intr_line follows INTR");
	teardown();
}

/* wrmsr IA32_APIC_BASE from vCPU 0; returns run->msr.error (1: KVM injects #GP). */
static int wrmsr_apic_base(uint64_t val)
{
	struct kvm_run *run = vm->vcpu[0].run;

	run->exit_reason = KVM_EXIT_X86_WRMSR;
	run->msr.index = 0x1b;
	run->msr.data = val;
	run->msr.error = 0;
	apic_handle_msr(&vm->vcpu[0]);
	return run->msr.error;
}

static uint32_t mmio_r32(uint64_t addr)
{
	uint32_t v = 0;

	bus_read(&vm->mmio, addr, (uint8_t *)&v, 4);
	return v;
}

/*
 * SDM 11.4.4: the guest may move its APIC's page with IA32_APIC_BASE; SDM
 * 11.4.3: with EN clear the CPU has no APIC, and nothing decodes the page.
 * Only a page that exits to tinyvmm can hold the model: RAM is a KVM slot.
 */
static void test_apic_base_relocation(void)
{
	setup();
	vm->ram_size = 16 << 20;
	is(mmio_r32(LAPIC_BASE + LAPIC_VERSION), 0x50014, "the APIC answers at 0xFEE00000 (version 0x50014)");
	is(wrmsr_apic_base(0xfed00000 | 0x900), 0, "moving the APIC to 0xFED00000: no #GP");
	is(mmio_r32(0xfed00000 + LAPIC_VERSION), 0x50014, "the APIC answers at its new page");
	is(mmio_r32(LAPIC_BASE + LAPIC_VERSION), 0xffffffff, "the old page reads all ones for this CPU");
	bus_write(&vm->mmio, 0xfed00000 + LAPIC_TPR, (const uint8_t *)&(uint32_t){ 0x30 }, 4);
	is(lapic_read_base(&vm->lapic[0]) & ~0xfffull, 0xfed00000, "IA32_APIC_BASE reads the new page");
	is(mmio_r32(0xfed00000 + LAPIC_TPR), 0x30, "a register written at the new page reads back there");
	is(wrmsr_apic_base(0x00200000 | 0x900), 1, "moving it onto RAM (2 MiB): #GP");
	fflush(vm->diag);
	ok(strstr(diag_buf, "RAM") != NULL, "...and tinyvmm says the page is RAM");
	is(wrmsr_apic_base(IOAPIC_BASE | 0x900), 1, "moving it onto the I/O APIC's page: #GP");
	fflush(vm->diag);
	ok(strstr(diag_buf, "ioapic") != NULL, "...and tinyvmm names the device there");
	is(wrmsr_apic_base(0xfed00000 | 0x900 | 0x400), 1, "x2APIC enable: #GP (CPUID does not offer x2APIC here)");
	is(lapic_read_base(&vm->lapic[0]) & ~0xfffull, 0xfed00000, "refused writes left the APIC where it was");
	is(wrmsr_apic_base(0xfed00000 | 0x100), 0, "clearing EN: no #GP");
	is(mmio_r32(0xfed00000 + LAPIC_VERSION), 0xffffffff, "a disabled APIC's page reads all ones");
	is(wrmsr_apic_base(LAPIC_BASE | 0x900), 0, "back to 0xFEE00000, enabled");
	is(mmio_r32(LAPIC_BASE + LAPIC_VERSION), 0x50014, "it answers at 0xFEE00000 again");
	teardown();
}

/* Chapters 3-4: no APIC at all, the 8259A drives the CPU's INTR by itself. */
static void test_machine_without_apics(void)
{
	const char *from = "";

	setup_machine(MACHINE_PIC);
	ok(bus_find(&vm->mmio, LAPIC_BASE) == NULL && bus_find(&vm->mmio, IOAPIC_BASE) == NULL,
	   "pic machine: nothing answers at the APICs' addresses");
	pic_setup_like_a_bios();
	port_w(0x21, 0xfe);
	irq_set_level(vm, 0, 1);
	ok(intr_line(), "pic machine: irq0 raises INTR with no LINT0 in between");
	is(irq_intack(vm, &from), 0x20, "pic machine: INTA gets vector 0x20 from the 8259A");
	teardown();

	setup_machine(MACHINE_BARE);
	ok(bus_find(&vm->pio, 0x20) == NULL && bus_find(&vm->pio, 0x40) == NULL,
	   "bare machine: no 8259A, no 8254 on the port bus");
	irq_set_level(vm, 4, 1);			/* the UART's line: goes nowhere */
	ok(!intr_line() && !irq_intr(vm), "bare machine: a device line does not raise INTR");
	teardown();
}

/*
 * Another thread (the timer thread, the watchdog) raises INTR while the vCPU
 * thread is away from its check before KVM_RUN; it must be told (tutorial
 * chapter 3, 4.2 and 4.3; KVM's in-kernel equivalent is kvm_vcpu_kick()).
 * Asleep in HLT it waits on halt_cond; running guest code it only leaves
 * KVM_RUN on a signal (KVM API doc, KVM_RUN: -EINTR when a signal is pending;
 * "immediate_exit"), which tinyvmm sends to the vCPU's thread: SIGUSR1.
 */
struct hlt_thread {
	bool returned, result;
};

static void *vcpu_in_hlt(void *opaque)
{
	struct hlt_thread *h = opaque;

	h->result = vcpu_handle_exit(&vm->vcpu[0]);
	__atomic_store_n(&h->returned, true, __ATOMIC_RELEASE);
	return NULL;
}

/* Poll *flag (read under the lock when 'locked') for up to 2 s. */
static bool wait_until_true(bool *flag, bool locked)
{
	const struct timespec ms = { 0, 1000000 };

	for (int i = 0; i < 2000; i++) {
		bool v;

		if (locked)
			pthread_mutex_lock(&vm->lock);
		v = __atomic_load_n(flag, __ATOMIC_ACQUIRE);
		if (locked)
			pthread_mutex_unlock(&vm->lock);
		if (v)
			return true;
		nanosleep(&ms, NULL);
	}
	return false;
}

static void test_hlt_woken_by_another_thread(void)
{
	struct hlt_thread h = { false, false };
	pthread_t t;
	bool woken;

	setup_machine(MACHINE_PIC);
	pic_setup_like_a_bios();
	port_w(0x21, 0xfd);			/* IRQ 1 unmasked */
	vm->vcpu[0].run->exit_reason = KVM_EXIT_HLT;
	vm->vcpu[0].run->if_flag = 1;
	pthread_create(&t, NULL, vcpu_in_hlt, &h);
	ok(wait_until_true(&vm->vcpu[0].halted, true) && !h.returned,
	   "hlt: with INTR low the vCPU thread sleeps in HLT");
	pthread_mutex_lock(&vm->lock);
	irq_set_level(vm, 1, 1);		/* from this thread, not the vCPU's */
	pthread_mutex_unlock(&vm->lock);
	woken = wait_until_true(&h.returned, false);
	ok(woken, "hlt: a line raised by another thread wakes the sleeping vCPU (halt_cond)");
	if (!woken) {				/* let it go, or the join would hang */
		pthread_mutex_lock(&vm->lock);
		vm_request_stop(vm, EXIT_TIMEOUT);
		pthread_cond_broadcast(&vm->halt_cond);
		pthread_mutex_unlock(&vm->lock);
	}
	pthread_join(t, NULL);
	ok(woken && h.result, "hlt: woken with INTR high, the loop goes on to inject");
	teardown();
}

struct kick_thread {
	int signo;
};

/* "The vCPU in KVM_RUN": SIGUSR1 is blocked here, so a kick is seen by sigtimedwait. */
static void *vcpu_in_kvm_run(void *opaque)
{
	struct kick_thread *k = opaque;
	const struct timespec two_s = { 2, 0 };
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	k->signo = sigtimedwait(&set, NULL, &two_s);
	return NULL;
}

static void test_kick_from_another_thread(void)
{
	struct kick_thread k = { 0 };
	const struct timespec zero = { 0, 0 };
	sigset_t usr1, old, pending;
	pthread_t t;

	setup_machine(MACHINE_PIC);
	pic_setup_like_a_bios();
	port_w(0x21, 0xed);			/* IRQ 1 and IRQ 4 unmasked */
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &usr1, &old);
	pthread_create(&t, NULL, vcpu_in_kvm_run, &k);	/* inherits the blocked SIGUSR1 */

	/* the vCPU thread raises a line itself: it looks at INTR before its next entry anyway */
	irq_set_level(vm, 3, 1);		/* masked: INTR stays low */
	irq_set_level(vm, 1, 1);
	sigpending(&pending);
	ok(!sigismember(&pending, SIGUSR1), "kick: the vCPU thread's own line change sends itself no kick");
	sigtimedwait(&usr1, NULL, &zero);	/* drop one if it was sent */
	pthread_sigmask(SIG_SETMASK, &old, NULL);

	/* INTR is already high; another thread's change kicks all the same (a spare kick is cheap) */
	vm->vcpu[0].thread = t;			/* now the vCPU runs in another thread */
	pthread_mutex_lock(&vm->lock);
	irq_set_level(vm, 4, 1);
	pthread_mutex_unlock(&vm->lock);
	pthread_join(t, NULL);
	ok(intr_line(), "kick: a line raised by another thread sets intr_line for the vCPU loop");
	is(k.signo, SIGUSR1, "kick: a line raised by another thread kicks the vCPU thread (SIGUSR1)");
	vm->vcpu[0].thread = pthread_self();
	teardown();
}

/*
 * The split irqchip (chapter 6) without /dev/kvm: a fake KVM answers the
 * ioctls tinyvmm makes on the VM fd FAKE_VM_FD and records them; every other
 * fd goes to the real ioctl.  The oracle is the KVM API (api.rst:
 * KVM_SIGNAL_MSI returns > 0 when delivered and 0 when the guest blocked the
 * MSI; KVM_SET_GSI_ROUTING takes one entry per GSI; in split mode GSI n is
 * I/O APIC pin n), the SDM vol. 3A 11.11 (MSI address 0xFEE in bits 31:20,
 * destination ID 19:12, destination mode bit 2; data: vector 7:0, delivery
 * mode 10:8, level (assert) bit 14, trigger mode bit 15, and for an edge the
 * level bit does not matter) and the 82093AA datasheet (Remote IRR is set
 * when a local APIC accepts a level interrupt and cleared by the EOI of its
 * vector; a pin still asserted then sends again).
 */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>

#define FAKE_VM_FD	1000
#define REMOTE_IRR	(1u << 14)	/* redirection entry, low dword */
#define MSI_LEVEL	(1u << 14)	/* MSI data: level (assert); don't care for an edge */

static struct {
	int msis, lines, routings, irqfds;
	struct kvm_msi msi[8];
	struct kvm_irq_level line[8];
	uint32_t nr;
	struct kvm_irq_routing_entry route[32];
	struct kvm_irqfd irqfd;	/* the last KVM_IRQFD that assigned */
	int deassigns;		/* KVM_IRQFD with KVM_IRQFD_FLAG_DEASSIGN */
	int msi_result;		/* what KVM_SIGNAL_MSI returns */
} fake_kvm;

int ioctl(int fd, unsigned long request, ...)
{
	va_list ap;
	void *arg;

	va_start(ap, request);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (fd != FAKE_VM_FD)
		return (int)syscall(SYS_ioctl, fd, request, arg);
	switch (request) {
	case KVM_SIGNAL_MSI:
		if (fake_kvm.msis < 8)
			fake_kvm.msi[fake_kvm.msis] = *(struct kvm_msi *)arg;
		fake_kvm.msis++;
		return fake_kvm.msi_result;
	case KVM_IRQ_LINE:
		if (fake_kvm.lines < 8)
			fake_kvm.line[fake_kvm.lines] = *(struct kvm_irq_level *)arg;
		fake_kvm.lines++;
		return 0;
	case KVM_IRQFD:
		if (((struct kvm_irqfd *)arg)->flags & KVM_IRQFD_FLAG_DEASSIGN) {
			fake_kvm.deassigns++;
			return 0;
		}
		fake_kvm.irqfd = *(struct kvm_irqfd *)arg;
		fake_kvm.irqfds++;
		return 0;
	case KVM_SET_GSI_ROUTING: {
		const struct kvm_irq_routing *r = arg;

		fake_kvm.routings++;
		fake_kvm.nr = r->nr;
		for (uint32_t i = 0; i < r->nr && i < 32; i++)
			fake_kvm.route[i] = r->entries[i];
		return 0;
	}
	}
	errno = ENOTTY;
	return -1;
}

/* The chapter 6 machine: our 8259A, 8254 and I/O APIC, KVM's local APIC. */
static void setup_split(bool msi_routes)
{
	memset(&fake_kvm, 0, sizeof(fake_kvm));
	fake_kvm.msi_result = 1;
	setup_machine(MACHINE_BARE);
	vm->cfg.machine = MACHINE_APIC;
	vm->cfg.irqchip = IRQCHIP_SPLIT;
	vm->cfg.msi_routes = msi_routes;
	vm->vm_fd = FAKE_VM_FD;
	ok(irq_devices_add(vm) == 0 && apic_devices_add(vm) == 0,
	   "split: the PIC, PIT and IOAPIC go on the buses, the LAPIC is KVM's");
}

static void ioapic_entry_w(int pin, uint32_t high, uint32_t low)
{
	ioapic_w(0x10 + 2 * pin + 1, high);
	ioapic_w(0x10 + 2 * pin, low);
}

static bool remote_irr(int pin)
{
	return ioapic_r(0x10 + 2 * pin) & REMOTE_IRR;
}

static void ioapic_eoi_exit(int vector)
{
	vm->vcpu[0].run->exit_reason = KVM_EXIT_IOAPIC_EOI;
	vm->vcpu[0].run->eoi.vector = (uint8_t)vector;
	apic_handle_ioapic_eoi(&vm->vcpu[0]);
}

static bool routes_are_msi_per_pin(void)
{
	bool good = fake_kvm.routings > 0 && fake_kvm.nr == IOAPIC_NUM_PINS;

	for (uint32_t i = 0; good && i < fake_kvm.nr; i++)
		good = fake_kvm.route[i].gsi == i && fake_kvm.route[i].type == KVM_IRQ_ROUTING_MSI &&
		       fake_kvm.route[i].flags == 0;
	return good;
}

static void test_split_routes(void)
{
	int before;

	setup_split(false);
	ok(routes_are_msi_per_pin(),
	   "split routes: at setup, 24 GSI routes of type KVM_IRQ_ROUTING_MSI, GSI n for pin n");
	ok(fake_kvm.route[3].u.msi.address_lo == 0xfee00000 && fake_kvm.route[3].u.msi.address_hi == 0,
	   "split routes: a masked entry of zeros routes to address fee00000 (destination 0, physical)");
	ioapic_entry_w(11, 0x00000000, 0x0000805b);	/* vector 5b, fixed, physical 0, level */
	before = fake_kvm.routings;
	ioapic_entry_w(5, 0x03000000, 0x00000941);	/* vector 41, lowest priority, logical 03, edge */
	ok(fake_kvm.routings >= before + 2 && routes_are_msi_per_pin(),
	   "split routes: every write to a redirection entry installs the routes again");
	ok(fake_kvm.route[11].u.msi.address_lo == 0xfee00000 && fake_kvm.route[11].u.msi.address_hi == 0 &&
	   fake_kvm.route[11].u.msi.data == 0xc05b,
	   "split routes: entry 11 (vector 5b, fixed, physical 0, level) is address fee00000, data c05b");
	ok(fake_kvm.route[5].u.msi.address_lo == 0xfee03004 && fake_kvm.route[5].u.msi.address_hi == 0 &&
	   (fake_kvm.route[5].u.msi.data & ~MSI_LEVEL) == 0x0141,
	   "split routes: entry 5 (vector 41, lowest priority, logical 03, edge) is address fee03004, data 0141");
	teardown();
}

static void test_split_signal_msi(void)
{
	int before;

	setup_split(false);
	ioapic_entry_w(10, 0x00000000, 0x0000005a);	/* vector 5a, fixed, physical 0, edge */
	ioapic_entry_w(11, 0x00000000, 0x0000805b);	/* vector 5b, level */
	port_w(0x2000 + 10, 1);
	ok(fake_kvm.msis == 1 && fake_kvm.msi[0].address_lo == 0xfee00000 && fake_kvm.msi[0].address_hi == 0 &&
	   (fake_kvm.msi[0].data & ~MSI_LEVEL) == 0x005a && fake_kvm.msi[0].flags == 0,
	   "split msi: an edge on pin 10 is one KVM_SIGNAL_MSI, address fee00000, vector 5a, trigger edge");
	port_w(0x2000 + 10, 0);
	port_w(0x2000 + 11, 1);
	ok(fake_kvm.msis == 2 && fake_kvm.msi[1].address_lo == 0xfee00000 && fake_kvm.msi[1].data == 0xc05b,
	   "split msi: level pin 11 rising is one KVM_SIGNAL_MSI, address fee00000, data c05b");
	ok(fake_kvm.lines == 0, "split msi: without --msi-routes no KVM_IRQ_LINE");
	ok(remote_irr(11), "split msi: KVM_SIGNAL_MSI returned 1 (delivered): Remote IRR of pin 11 is set");
	ioapic_eoi_exit(0x5a);
	ok(remote_irr(11) && fake_kvm.msis == 2,
	   "split eoi: KVM_EXIT_IOAPIC_EOI of another vector (5a) leaves pin 11 alone");
	ioapic_eoi_exit(0x5b);
	ok(fake_kvm.msis == 3 && fake_kvm.msi[2].data == 0xc05b && remote_irr(11),
	   "split eoi: KVM_EXIT_IOAPIC_EOI of 5b with pin 11 still high: the message goes again, Remote IRR set");
	port_w(0x2000 + 11, 0);
	ioapic_eoi_exit(0x5b);
	ok(!remote_irr(11) && fake_kvm.msis == 3,
	   "split eoi: KVM_EXIT_IOAPIC_EOI of 5b after pin 11 fell: Remote IRR clear, nothing sent");
	fake_kvm.msi_result = 0;
	ioapic_entry_w(12, 0x00000000, 0x0000805c);	/* vector 5c, level */
	before = fake_kvm.msis;
	port_w(0x2000 + 12, 1);
	ok(fake_kvm.msis == before + 1 && before < 8 && fake_kvm.msi[before].data == 0xc05c && !remote_irr(12),
	   "split msi: KVM_SIGNAL_MSI returned 0 (the guest blocked it): Remote IRR of pin 12 stays clear");
	teardown();
}

static void test_split_msi_routes(void)
{
	setup_split(true);
	ioapic_entry_w(11, 0x00000000, 0x0000805b);
	port_w(0x2000 + 11, 1);
	ok(fake_kvm.lines == 2 && fake_kvm.line[0].irq == 11 && fake_kvm.line[0].level == 1 &&
	   fake_kvm.line[1].irq == 11 && fake_kvm.line[1].level == 0 && fake_kvm.msis == 0,
	   "split --msi-routes: pin 11 pulses GSI 11 with KVM_IRQ_LINE, 1 then 0, and no KVM_SIGNAL_MSI");
	ok(fake_kvm.route[11].type == KVM_IRQ_ROUTING_MSI && fake_kvm.route[11].u.msi.data == 0xc05b,
	   "split --msi-routes: GSI 11's route is the entry's MSI, data c05b");
	ok(remote_irr(11), "split --msi-routes: the pulse was delivered: Remote IRR of pin 11 is set");
	teardown();
}

/*
 * Split: the 8259A's INTR goes to KVM's local APIC, whose LINT0 tinyvmm
 * cannot see (KVM answers with ready_for_interrupt_injection); so INTR is
 * the 8259A's output alone, and the INTA goes to the 8259A.
 */
/*
 * --tick-policy (ticks.c).  The 8254 at about 1 kHz while the CPU takes
 * nothing for 5.5 ms: 5 ticks fall due (8254 datasheet, mode 2: OUT0
 * rises once per count).  Then the CPU takes whatever INTR offers, with an
 * EOI after each.  Oracle: coalesce merges them in the controller's IRR (1
 * taken); reinject (KVM's PIT semantics, api.rst KVM_REINJECT_CONTROL)
 * hands out every one (5 taken), whichever way IRQ 0 reaches the CPU.
 */
static void pit_1khz_ignored_for_5_ticks(void)
{
	uint8_t v;

	fake.ns = 1000000;
	port_w(PIT_PORT_CONTROL, 0x34);		/* ch0, lo/hi, mode 2 */
	port_w(PIT_PORT_CH0, 1193 & 0xff);
	port_w(PIT_PORT_CH0, 1193 >> 8);
	for (int us = 100; us <= 5500; us += 100) {
		fake.ns = 1000000 + (uint64_t)us * 1000;
		bus_read(&vm->pio, PIT_PORT_SYSCTL, &v, 1);	/* a port read: the 8254 catches up */
	}
}

static int take_all_via_pic(void)
{
	const char *from;
	int taken = 0;

	while (intr_line() && taken < 100) {
		if (irq_intack(vm, &from) == 0x20)
			taken++;
		port_w(0x20, 0x20);		/* non-specific EOI */
	}
	return taken;
}

static int take_all_via_lapic(int vector)
{
	const char *from;
	int taken = 0;

	while (lapic_pending(&vm->lapic[0]) == vector && taken < 100) {
		irq_intack(vm, &from);
		lapic_w(LAPIC_EOI, 0);
		taken++;
	}
	return taken;
}

static void test_tick_policy_none(void)
{
	const char *from;

	for (int reinject = 0; reinject <= 1; reinject++) {
		setup_machine(MACHINE_PIC);
		vm->cfg.tick_policy = reinject ? TICK_REINJECT : TICK_COALESCE;
		ticks_init(vm);
		pic_setup_like_a_bios();
		port_w(0x21, 0xfe);			/* unmask IRQ 0 */
		pit_1khz_ignored_for_5_ticks();
		is(take_all_via_pic(), reinject ? 5 : 1, reinject ?
		   "tick policy reinject, 8259A: 5 ticks due with nothing taken, then 5 taken (one per INTA)" :
		   "tick policy coalesce, 8259A: 5 ticks due with nothing taken, then 1 taken (one IRR bit)");
		teardown();

		setup();
		vm->cfg.tick_policy = reinject ? TICK_REINJECT : TICK_COALESCE;
		ticks_init(vm);
		lapic_w(LAPIC_SVR, SVR_ENABLE | 0xff);
		pic_setup_like_a_bios();		/* the 8259A masked: IRQ 0 goes by the I/O APIC */
		ioapic_w(0x10 + 2 * 2 + 1, 0);
		ioapic_w(0x10 + 2 * 2, 0x50);		/* pin 2: vector 0x50, fixed, edge */
		pit_1khz_ignored_for_5_ticks();
		is(take_all_via_lapic(0x50), reinject ? 5 : 1, reinject ?
		   "tick policy reinject, I/O APIC pin 2: 5 due, then 5 taken (one per EOI of vector 0x50)" :
		   "tick policy coalesce, I/O APIC pin 2: 5 due, then 1 taken (one LAPIC IRR bit)");
		teardown();
	}

	/* reinject: a tick raised while IRQ 0 was masked everywhere must not hold the rest back */
	setup_machine(MACHINE_PIC);
	vm->cfg.tick_policy = TICK_REINJECT;
	ticks_init(vm);
	pic_setup_like_a_bios();		/* IRQ 0 masked */
	pit_1khz_ignored_for_5_ticks();
	port_w(0x21, 0xfe);			/* unmasked now: the latched request goes, and the gate starts afresh */
	irq_intack(vm, &from);
	port_w(0x20, 0x20);
	fake.ns += 1100000;
	{
		uint8_t v;

		bus_read(&vm->pio, PIT_PORT_SYSCTL, &v, 1);
	}
	is(take_all_via_pic(), 1, "tick policy reinject: after unmasking IRQ 0 the next tick is raised at once (KVM: pit_mask_notifer)");
	teardown();
}

/*
 * Split: KVM's LAPIC reports an EOI only for vectors of level-triggered
 * routes (KVM_EXIT_IOAPIC_EOI, api.rst), so under reinject pin 2's message
 * and route say "level", and each EOI exit of its vector lets the next tick out.
 */
static void test_tick_policy_split(void)
{
	setup_split(false);
	vm->cfg.tick_policy = TICK_REINJECT;
	ticks_init(vm);
	ioapic_entry_w(2, 0x00000000, 0x00000050);	/* pin 2: vector 0x50, fixed, physical 0, edge */
	ok(fake_kvm.route[2].u.msi.data == 0xc050 && !(fake_kvm.route[10].u.msi.data & 0x8000),
	   "split reinject: pin 2's route says level (data c050) so KVM reports its EOI; other pins unchanged");
	for (int i = 0; i < 3; i++) {
		ticks_pit_out0(vm, 0, 1);
		ticks_pit_out0(vm, 0, 0);
	}
	ok(fake_kvm.msis == 1 && fake_kvm.msi[0].data == 0xc050,
	   "split reinject: 3 ticks due before any EOI: one KVM_SIGNAL_MSI (data c050)");
	ioapic_eoi_exit(0x50);
	ioapic_eoi_exit(0x50);
	ok(fake_kvm.msis == 3, "split reinject: each KVM_EXIT_IOAPIC_EOI of 0x50 sends the next (3 messages)");
	ioapic_eoi_exit(0x50);
	ok(fake_kvm.msis == 3, "split reinject: the third EOI finds nothing waiting: no message");
	ok(!remote_irr(2), "split reinject: pin 2 is still an edge pin in our I/O APIC (no Remote IRR)");
	teardown();

	setup_split(false);
	ticks_init(vm);				/* coalesce */
	ioapic_entry_w(2, 0x00000000, 0x00000050);
	for (int i = 0; i < 3; i++) {
		ticks_pit_out0(vm, 0, 1);
		ticks_pit_out0(vm, 0, 0);
	}
	ok(fake_kvm.msis == 3 && (fake_kvm.msi[2].data & ~MSI_LEVEL) == 0x0050 &&
	   (fake_kvm.route[2].u.msi.data & ~MSI_LEVEL) == 0x0050,
	   "split coalesce: 3 ticks are 3 edge messages (KVM's IRR merges them), the route edge");
	teardown();
}

static void test_split_extint(void)
{
	const char *from = "";

	setup_split(false);
	pic_setup_like_a_bios();
	port_w(0x21, 0xf7);				/* unmask IRQ 3 */
	ok(!intr_line(), "split extint: nothing requested, INTR low");
	port_w(0x2000 + 3, 1);
	ok(intr_line(), "split extint: the 8259A's IRQ 3 raises INTR (LINT0 is KVM's: tinyvmm asks only the 8259A)");
	is(irq_intack(vm, &from), 0x23, "split extint: the INTA goes to the 8259A: vector 23");
	ok(!irq_intr(vm), "split extint: after the INTA, INTR is low until the next request");
	ok(fake_kvm.msis == 0, "split extint: no MSI: the 8259A does not go through the I/O APIC");
	teardown();
}

/*
 * Chapter 8: the PCI bus (pcibus.c).  The oracle: PCI 3.0 (configuration
 * mechanism #1 3.2.2.3.2, the command register's memory space bit 6.2.2,
 * the MSI capability 6.8.1), QEMU's edu spec (0x00 reads 0x010000ed, a
 * write to 0x60 raises, 0x64 acknowledges), SDM vol. 3A 11.11 (an MSI to
 * 0xFEE00000 with data 0x4070 is vector 0x70, fixed, edge, for APIC ID 0),
 * and the wiring tinyvmm documents (INTA# of 00:04.0 on GSI 16).
 */
#define EDU_CFG(reg)	(0x80000000u | 4u << 11 | (reg))
#define EDU_BAR		0xfe000000ull

static void cfg_w(uint32_t address, uint32_t v)
{
	bus_write(&vm->pio, 0xcf8, (const uint8_t *)&address, 4);
	bus_write(&vm->pio, 0xcfc, (const uint8_t *)&v, 4);
}

static uint32_t cfg_r(uint32_t address)
{
	uint32_t v = 0;

	bus_write(&vm->pio, 0xcf8, (const uint8_t *)&address, 4);
	bus_read(&vm->pio, 0xcfc, (uint8_t *)&v, 4);
	return v;
}

static void edu_w(uint32_t reg, uint32_t v)
{
	bus_write(&vm->mmio, EDU_BAR + reg, (const uint8_t *)&v, 4);
}

static uint32_t edu_r(uint32_t reg)
{
	uint32_t v = 0;

	bus_read(&vm->mmio, EDU_BAR + reg, (uint8_t *)&v, 4);
	return v;
}

/* BAR 0 at EDU_BAR, memory space and bus master on; MSI to APIC 0, vector 0x70, if 'msi' */
static void edu_setup(bool msi)
{
	ok(pcibus_devices_add(vm) == 0, "pci: the bus, its ports and the PCI hole go on the buses");
	cfg_w(EDU_CFG(0x10), (uint32_t)EDU_BAR);
	cfg_w(EDU_CFG(0x04), 0x0006);
	if (msi) {
		cfg_w(EDU_CFG(0x44), 0xfee00000);	/* the capability at 0x40: 64-bit, data at +0x0c */
		cfg_w(EDU_CFG(0x48), 0);
		cfg_w(EDU_CFG(0x4c), 0x4070);
		cfg_w(EDU_CFG(0x40), 0x00010000);	/* message control bit 0: enable */
	}
}

static void test_pci_config_and_bar(void)
{
	setup();
	vm->cfg.pci = true;
	ok(pcibus_devices_add(vm) == 0, "pci: the bus, its ports and the PCI hole go on the buses");
	is(cfg_r(0x80000000u), 0x12378086, "pci: 00:00.0 is the host bridge, 8086:1237");
	is(cfg_r(EDU_CFG(0)), 0x11e81234, "pci: 00:04.0 is the edu, 1234:11e8");
	is(cfg_r(0x80000000u | 3u << 11), 0xffffffff, "pci: 00:03.0 is empty: all ones");
	cfg_w(EDU_CFG(0x10), (uint32_t)EDU_BAR);
	is(edu_r(0), 0xffffffff, "pci: BAR 0 placed but memory space off: not decoded, all ones");
	fflush(vm->diag);
	ok(diag_buf && strstr(diag_buf, "unhandled MMIO read at 0xfe000000") != NULL,
	   "pci: and reported as an unhandled access");
	cfg_w(EDU_CFG(0x04), 0x0002);
	is(edu_r(0), 0x010000ed, "pci: memory space on: BAR 0 decodes, the identification register");
	edu_w(0x04, 0x12345678);
	is(edu_r(0x04), 0xedcba987, "pci: liveness through the hole");
	is(edu_r(0x100000), 0xffffffff, "pci: just past the 1 MiB BAR: nobody's");
	fflush(vm->diag);
	ok(strstr(diag_buf, "unhandled MMIO read at 0xfe100000") != NULL, "pci: reported as unhandled");
	cfg_w(EDU_CFG(0x10), 0xc0000000u);
	is(edu_r(0), 0xffffffff, "pci: BAR 0 moved to the hole's base: the old address is nobody's");
	ok(bus_read(&vm->mmio, 0xc0000000u, (uint8_t *)&(uint32_t){ 0 }, 4), "pci: the new one answers");
	teardown();
}

static void test_pci_msi_none(void)
{
	setup();
	lapic_w(0xf0, SVR_ENABLE | 0xff);
	edu_setup(true);
	ok(!intr_line(), "msi (none): nothing raised yet, INTR low");
	edu_w(0x60, 1);
	ok(lapic_irr_test(&vm->lapic[0], 0x70), "msi (none): a raise puts vector 0x70 in our LAPIC's IRR");
	ok(intr_line(), "msi (none): INTR high for the vCPU loop");
	is(vm->irq_level[PCI_INTX_GSI] | vm->pci_intx, 0, "msi (none): INTA# stays low with MSI on");
	is(edu_r(0x24), 1, "msi (none): interrupt status 1");
	is(lapic_intack(&vm->lapic[0]), 0x70, "msi (none): the CPU takes 0x70");
	lapic_w(0xb0, 0);
	edu_w(0x64, 1);
	ok(!lapic_irr_test(&vm->lapic[0], 0x70) && !intr_line(), "msi (none): acknowledged: nothing more");
	cfg_w(EDU_CFG(0x44), 0xfed00000);		/* not the APICs */
	edu_w(0x60, 1);
	fflush(vm->diag);
	ok(!lapic_irr_test(&vm->lapic[0], 0x70) && strstr(diag_buf, "outside the local APICs") != NULL,
	   "msi (none): an address outside 0xFEExxxxx is a memory write: reported, no interrupt");
	teardown();
}

static void test_pci_intx_none(void)
{
	setup();
	lapic_w(0xf0, SVR_ENABLE | 0xff);
	edu_setup(false);
	ioapic_entry_w(16, 0x00000000, 0x00008071);	/* vector 71, fixed, level, active high */
	edu_w(0x60, 1);
	ok(lapic_irr_test(&vm->lapic[0], 0x71) && remote_irr(16),
	   "intx (none): INTA# raises GSI 16: vector 0x71, Remote IRR of pin 16 set");
	ok(cfg_r(EDU_CFG(0x04)) & (1u << 19), "intx (none): PCI status bit 3 set");
	port_w(0x2000 + 16, 1);				/* the test device joins on line 16 */
	edu_w(0x64, 1);
	ok(vm->ioapic.line_level & (1u << 16), "intx (none): wired OR: the test device still holds line 16 high");
	port_w(0x2000 + 16, 0);
	ok(!(vm->ioapic.line_level & (1u << 16)), "intx (none): both low: line 16 low");
	is(lapic_intack(&vm->lapic[0]), 0x71, "intx (none): the CPU takes 0x71");
	lapic_w(0xb0, 0);
	ok(!remote_irr(16) && !lapic_irr_test(&vm->lapic[0], 0x71),
	   "intx (none): the EOI with the line low clears Remote IRR, nothing again");
	teardown();
}

static void test_pci_split_and_kernel(void)
{
	setup_split(false);
	edu_setup(true);
	edu_w(0x60, 1);
	ok(fake_kvm.msis == 1 && fake_kvm.msi[0].address_lo == 0xfee00000 && fake_kvm.msi[0].address_hi == 0 &&
	   fake_kvm.msi[0].data == 0x4070, "msi (split): a raise is one KVM_SIGNAL_MSI, address fee00000, data 4070");
	teardown();

	memset(&fake_kvm, 0, sizeof(fake_kvm));
	setup_machine(MACHINE_BARE);
	vm->cfg.machine = MACHINE_APIC;
	vm->cfg.irqchip = IRQCHIP_KERNEL;
	vm->vm_fd = FAKE_VM_FD;
	fake_kvm.msi_result = 1;
	ok(irq_devices_add(vm) == 0 && apic_devices_add(vm) == 0, "kernel: only our devices go on the buses");
	edu_setup(false);
	edu_w(0x60, 1);
	ok(fake_kvm.lines == 1 && fake_kvm.line[0].irq == 16 && fake_kvm.line[0].level == 1,
	   "intx (kernel): a raise is KVM_IRQ_LINE gsi 16 level 1");
	edu_w(0x64, 1);
	ok(fake_kvm.lines == 2 && fake_kvm.line[1].irq == 16 && fake_kvm.line[1].level == 0,
	   "intx (kernel): the acknowledge is KVM_IRQ_LINE gsi 16 level 0");
	cfg_w(EDU_CFG(0x44), 0xfee00000);
	cfg_w(EDU_CFG(0x4c), 0x4070);
	cfg_w(EDU_CFG(0x40), 0x00010000);
	edu_w(0x60, 1);
	ok(fake_kvm.msis == 1 && fake_kvm.msi[0].data == 0x4070 && fake_kvm.lines == 2,
	   "msi (kernel): with MSI on, a raise is KVM_SIGNAL_MSI and no line");
	teardown();
}

/*
 * --msi irqfd (devmsi.c) under split.  The oracle: api.rst, KVM_IRQFD (struct
 * kvm_irqfd: the eventfd and the GSI it raises; flags 0 assigns), and
 * eventfd(2): a read returns the sum of the values written since the last
 * read, and blocks (here: poll times out) while it is 0.
 */
static uint64_t fd_count(int fd, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	uint64_t n = 0;

	if (p.fd < 0 || poll(&p, 1, timeout_ms) != 1 || read(p.fd, &n, sizeof(n)) != (ssize_t)sizeof(n))
		return 0;
	return n;
}

static uint64_t eventfd_count(int timeout_ms)
{
	return fd_count(vm->devmsi.eventfd, timeout_ms);
}

static bool is_eventfd(int fd)
{
	char path[64], target[64] = "";

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	return fd >= 0 && readlink(path, target, sizeof(target) - 1) > 0 && strstr(target, "eventfd") != NULL;
}

static void test_pci_irqfd(void)
{
	setup_split(false);
	vm->cfg.msi = MSI_IRQFD;
	vm->clock = &host_clock;	/* the edu's and the device thread's: CLOCK_MONOTONIC */
	edu_setup(true);
	ok(fake_kvm.irqfds == 1 && fake_kvm.irqfd.gsi == 24 && fake_kvm.irqfd.flags == 0 &&
	   vm->devmsi.eventfd >= 0 && (int)fake_kvm.irqfd.fd == vm->devmsi.eventfd,
	   "irqfd (split): bind: at start, one KVM_IRQFD binds the device's eventfd to GSI 24, flags 0");
	ok(is_eventfd((int)fake_kvm.irqfd.fd), "irqfd (split): bind: the fd given to KVM_IRQFD is an eventfd");
	ok(fake_kvm.nr == 25 && fake_kvm.route[24].gsi == 24 && fake_kvm.route[24].type == KVM_IRQ_ROUTING_MSI &&
	   fake_kvm.route[24].u.msi.address_lo == 0xfee00000 && fake_kvm.route[24].u.msi.address_hi == 0 &&
	   fake_kvm.route[24].u.msi.data == 0x4070,
	   "irqfd (split): MSI enabled: GSI 24 routes to the guest's message, fee00000 / 4070 (25 routes)");

	ok(devmsi_send(vm, "test", 0xfee00000, 0x4070, 0x70) && eventfd_count(1000) == 1 &&
	   fake_kvm.msis == 0 && fake_kvm.lines == 0,
	   "irqfd (split): send: a message is one write of 1 to the eventfd, no KVM_SIGNAL_MSI, no KVM_IRQ_LINE");
	edu_w(0x60, 1);
	ok(eventfd_count(1000) == 1 && fake_kvm.msis == 0 && fake_kvm.lines == 0,
	   "irqfd (split): raise: the edu's raise (0x60) is one eventfd write");
	edu_w(0x64, 1);

	edu_w(0x20, 0x80);			/* interrupt when the factorial is done */
	edu_w(0x08, 5);
	ok(eventfd_count(2000) == 1,
	   "irqfd (split): thread: a finished factorial is the device thread's eventfd write, within 2 s");
	for (int i = 0; i < 2000 && (edu_r(0x20) & 1); i++)	/* computing: at most 2 s more */
		nanosleep(&(struct timespec){ 0, 1000000 }, NULL);
	ok(edu_r(0x08) == 120 && edu_r(0x24) == 1 && eventfd_count(0) == 0 && fake_kvm.msis == 0,
	   "irqfd (split): thread: 5! = 120, interrupt status 1, and the vCPU side sends no second message");
	devmsi_stop(vm);
	ok(vm->devmsi.eventfd == -1 && !vm->devmsi.thread_running,
	   "irqfd (split): devmsi_stop() ends the device thread and closes the eventfd");
	teardown();
}

/*
 * --irqchip kernel --pit user --tick-policy reinject (ticks.c).  Oracle:
 * api.rst, KVM_IRQFD with KVM_IRQFD_FLAG_RESAMPLE: a write to the irqfd
 * asserts the GSI; when the guest acknowledges it KVM de-asserts it and
 * signals resamplefd, and "it is the user's responsibility to re-queue the
 * interrupt".  Here the test plays KVM: it writes resamplefd.
 */
static void test_tick_policy_kernel_resample(void)
{
	setup_machine(MACHINE_BARE);
	vm->cfg.machine = MACHINE_APIC;
	vm->cfg.irqchip = IRQCHIP_KERNEL;
	vm->cfg.pit_in_kernel = false;
	vm->cfg.tick_policy = TICK_REINJECT;
	vm->vm_fd = FAKE_VM_FD;
	memset(&fake_kvm, 0, sizeof(fake_kvm));
	ok(irq_devices_add(vm) == 0, "kernel, pit user: tinyvmm's 8254 goes on the bus");
	ticks_init(vm);
	ok(ticks_start(vm) == 0 && fake_kvm.irqfds == 1 && fake_kvm.irqfd.gsi == 0 &&
	   fake_kvm.irqfd.flags == KVM_IRQFD_FLAG_RESAMPLE && is_eventfd((int)fake_kvm.irqfd.fd) &&
	   is_eventfd((int)fake_kvm.irqfd.resamplefd),
	   "kernel, pit user, reinject: one KVM_IRQFD binds GSI 0 with a resampler (two eventfds)");
	pthread_mutex_lock(&vm->lock);
	for (int i = 0; i < 3; i++) {
		ticks_pit_out0(vm, 0, 1);
		ticks_pit_out0(vm, 0, 0);
	}
	pthread_mutex_unlock(&vm->lock);
	ok(fd_count((int)fake_kvm.irqfd.fd, 0) == 1 && fake_kvm.lines == 0,
	   "kernel, pit user, reinject: 3 ticks due, none acknowledged: one irqfd write, no KVM_IRQ_LINE");
	for (int i = 0; i < 2; i++) {
		uint64_t one = 1;

		ok(write((int)fake_kvm.irqfd.resamplefd, &one, sizeof(one)) == sizeof(one) &&
		   fd_count((int)fake_kvm.irqfd.fd, 2000) == 1,
		   "kernel, pit user, reinject: KVM signals resamplefd (an EOI): the next tick is written, within 2 s");
	}
	{
		uint64_t one = 1;

		ok(write((int)fake_kvm.irqfd.resamplefd, &one, sizeof(one)) == sizeof(one) &&
		   fd_count((int)fake_kvm.irqfd.fd, 200) == 0,
		   "kernel, pit user, reinject: the third acknowledgement finds nothing waiting: no write");
	}
	/*
	 * A tick in flight that the guest will never take (it masked pin 2 in
	 * KVM's I/O APIC, then reprogrammed the 8254): KVM holds GSI 0 high
	 * until an acknowledgement, so no later tick could make an edge.
	 * Unbinding the irqfd lowers it (api.rst: the resampler's GSI is
	 * de-asserted when the irqfd goes); then it is bound again.
	 */
	pthread_mutex_lock(&vm->lock);
	ticks_pit_out0(vm, 0, 1);
	ticks_pit_out0(vm, 0, 0);
	fd_count((int)fake_kvm.irqfd.fd, 0);
	port_w(PIT_PORT_CONTROL, 0x34);			/* reprogrammed, the tick not taken */
	pthread_mutex_unlock(&vm->lock);
	ok(fake_kvm.deassigns == 1 && fake_kvm.irqfds == 2 && fake_kvm.irqfd.gsi == 0 &&
	   fake_kvm.irqfd.flags == KVM_IRQFD_FLAG_RESAMPLE,
	   "kernel, pit user, reinject: a tick in flight at a reprogramming: the irqfd is unbound and bound again");
	pthread_mutex_lock(&vm->lock);
	port_w(PIT_PORT_CONTROL, 0x34);			/* nothing in flight now */
	pthread_mutex_unlock(&vm->lock);
	ok(fake_kvm.deassigns == 1, "kernel, pit user, reinject: nothing in flight at a reprogramming: the irqfd stays");
	ticks_stop(vm);
	ok(!vm->tick_thread_running && vm->tick_irqfd == -1, "kernel, pit user: ticks_stop() ends the thread, closes both");
	teardown();

	setup_machine(MACHINE_BARE);
	vm->cfg.machine = MACHINE_APIC;
	vm->cfg.irqchip = IRQCHIP_KERNEL;
	vm->vm_fd = FAKE_VM_FD;
	memset(&fake_kvm, 0, sizeof(fake_kvm));
	ok(irq_devices_add(vm) == 0, "kernel, pit user: tinyvmm's 8254 goes on the bus");
	ticks_init(vm);
	ok(ticks_start(vm) == 0 && fake_kvm.irqfds == 0, "kernel, pit user, coalesce: no irqfd");
	pthread_mutex_lock(&vm->lock);
	ticks_pit_out0(vm, 0, 1);
	ticks_pit_out0(vm, 0, 0);
	pthread_mutex_unlock(&vm->lock);
	ok(fake_kvm.lines == 2 && fake_kvm.line[0].irq == 0 && fake_kvm.line[0].level == 1 && fake_kvm.line[1].level == 0,
	   "kernel, pit user, coalesce: a tick is KVM_IRQ_LINE gsi 0, 1 then 0, as before");
	ticks_stop(vm);
	teardown();
}

int main(void)
{
	vcpu_kick_setup();	/* the timer thread kicks "the vCPU", which is us */
	test_tsc_deadline_in_the_past();
	test_expiry_seen_by_a_read();
	test_expiry_seen_by_a_write();
	test_hlt_refreshes_intr();
	test_irq0_to_ioapic_pin2();
	test_ioapic_destinations();
	test_refused_level_message();
	test_pin2_two_drivers();
	test_software_disabled_lapic();
	test_extint_through_pin0();
	test_machine_without_apics();
	test_intr_after_poll_and_apic_off();
	test_apic_base_relocation();
	test_timer_thread_pit_at_count_1();
	test_pit_polled_without_timer_thread();
	test_lapic_timer_polled_without_timer_thread();
	test_hlt_woken_by_another_thread();
	test_kick_from_another_thread();
	test_split_routes();
	test_split_signal_msi();
	test_split_msi_routes();
	test_split_extint();
	test_tick_policy_none();
	test_tick_policy_split();
	test_tick_policy_kernel_resample();
	test_pci_config_and_bar();
	test_pci_msi_none();
	test_pci_intx_none();
	test_pci_split_and_kernel();
	test_pci_irqfd();
	return done_testing();
}
