/*
 * test_smp.c - several CPUs under --irqchip none (src/smp.c), without /dev/kvm.
 *
 * A struct vm with N CPUs is built by hand with the real device models on
 * the real buses (as test_wiring.c does for one CPU); the guest's accesses
 * are made as the vCPU loop makes them (bus accesses with vm->accessing set
 * to the CPU whose exit is dispatched), and the test looks at what each
 * vCPU's loop would look at next: its intr_line, its local APIC's IRR and
 * its INIT/SIPI state.  smp_cpu_step() itself needs KVM (KVM_SET_SREGS) and
 * is covered by tests/guest/smp.test; here an AP is started the way that
 * function starts it, by taking its SIPI from the model.
 *
 * Oracles, from the documents, not from the models: the ICR's layout (Intel
 * SDM vol. 3A 11.6.1, Figure 11-12: vector 7:0, delivery mode 10:8 with
 * INIT = 101b and start-up = 110b, destination mode 11, level 14, trigger
 * 15, shorthand 19:18 with self = 01b, all including self = 10b, all
 * excluding self = 11b; the destination in ICR bits 63:56); who an IPI
 * reaches (11.6.2: physical = the APIC ID, logical flat = a bit of the LDR's
 * top byte in the destination mask, lowest priority = one CPU of the set);
 * the MP start-up (MP spec 1.4 appendix B, SDM "MP Initialization": an AP
 * waits for SIPI after power-up and after INIT, and a SIPI to a running CPU
 * is ignored).
 */
#include <string.h>

#include "tap.h"
#include "vm.h"
#include "apic.h"
#include "irq.h"
#include "smp.h"
#include "devices/lapic_ipi.h"

#define RUN_SIZE	8192
#define LAPIC_BASE	0xfee00000ull
#define ICR_INIT	(5u << 8)
#define ICR_STARTUP	(6u << 8)
#define ICR_LOGICAL	(1u << 11)
#define ICR_ASSERT	(1u << 14)
#define ICR_SELF	(1u << 18)
#define ICR_ALL_INCL	(2u << 18)
#define ICR_ALL_EXCL	(3u << 18)
#define ICR_LOWEST	(1u << 8)

static struct vm *vm;
static struct fake_clock fake = FAKE_CLOCK_INIT;
static char *diag_buf;
static size_t diag_len;

static void setup(int ncpus)
{
	vm = calloc(1, sizeof(*vm));
	vm->diag = open_memstream(&diag_buf, &diag_len);
	vm->sys_fd = vm->vm_fd = -1;
	vm->clock = &fake.clock;
	vm->cfg.irqchip = IRQCHIP_NONE;
	vm->cfg.machine = MACHINE_APIC;
	vm->ncpus = ncpus;
	pthread_mutex_init(&vm->lock, NULL);
	pthread_cond_init(&vm->halt_cond, NULL);
	pthread_cond_init(&vm->timer_cond, NULL);
	bus_init(&vm->pio, "port");
	bus_init(&vm->mmio, "MMIO");
	ok(irq_devices_add(vm) == 0 && apic_devices_add(vm) == 0, "%d cpus: the devices go on the buses", ncpus);
	for (int i = 0; i < ncpus; i++) {
		vm->vcpu[i].vm = vm;
		vm->vcpu[i].id = i;
		vm->vcpu[i].fd = -1;
		vm->vcpu[i].thread = pthread_self();	/* we are every "vCPU thread": no kicks */
		vm->vcpu[i].run = calloc(1, RUN_SIZE);
		vm->vcpu[i].run_size = RUN_SIZE;
	}
}

static void teardown(void)
{
	fclose(vm->diag);
	free(diag_buf);
	diag_buf = NULL;
	for (int i = 0; i < vm->ncpus; i++)
		free(vm->vcpu[i].run);
	pthread_cond_destroy(&vm->timer_cond);
	pthread_cond_destroy(&vm->halt_cond);
	pthread_mutex_destroy(&vm->lock);
	free(vm);
	vm = NULL;
}

/* CPU 'cpu' writes a 32-bit register of its own local APIC (the page is per CPU). */
static void lapic_write(int cpu, uint32_t off, uint32_t val)
{
	vm->accessing = &vm->vcpu[cpu];
	bus_write(&vm->mmio, LAPIC_BASE + off, (const uint8_t *)&val, 4);
	vm->accessing = NULL;
}

static uint32_t lapic_read(int cpu, uint32_t off)
{
	uint32_t val = 0;

	vm->accessing = &vm->vcpu[cpu];
	bus_read(&vm->mmio, LAPIC_BASE + off, (uint8_t *)&val, 4);
	vm->accessing = NULL;
	return val;
}

static void send(int from, uint8_t dest, uint32_t icr_lo)
{
	lapic_write(from, LAPIC_ICR_HI, (uint32_t)dest << 24);
	lapic_write(from, LAPIC_ICR_LO, icr_lo);
}

/* What smp_cpu_step() does for a started AP, minus the KVM call. */
static int take_sipi(int cpu)
{
	(void)lapic_take_init(&vm->lapic[cpu]);
	return lapic_take_sipi(&vm->lapic[cpu]);
}

/* Start every AP (INIT, SIPI) and software-enable every local APIC. */
static void start_all(void)
{
	for (int i = 1; i < vm->ncpus; i++) {
		send(0, (uint8_t)i, ICR_INIT | ICR_ASSERT);
		send(0, (uint8_t)i, ICR_STARTUP | 0x08);
		take_sipi(i);
	}
	for (int i = 0; i < vm->ncpus; i++)
		lapic_write(i, LAPIC_SVR, 0x1ff);
}

static unsigned irr_holders(int vector)
{
	unsigned mask = 0;

	for (int i = 0; i < vm->ncpus; i++)
		if (lapic_irr_test(&vm->lapic[i], vector))
			mask |= 1u << i;
	return mask;
}

static void test_ap_power_up(void)
{
	setup(2);
	ok(lapic_mp_state(&vm->lapic[0]) == LAPIC_MP_RUNNING, "power-up: the BSP runs");
	ok(lapic_mp_state(&vm->lapic[1]) == LAPIC_MP_WAIT_FOR_SIPI, "power-up: the AP waits for SIPI");
	ok(lapic_read(0, LAPIC_ID) >> 24 == 0 && lapic_read(1, LAPIC_ID) >> 24 == 1,
	   "each CPU reads its own APIC ID at 0xfee00020 (0 and 1)");
	ok((lapic_read_base(&vm->lapic[0]) & 0x100) && !(lapic_read_base(&vm->lapic[1]) & 0x100),
	   "IA32_APIC_BASE.BSP (bit 8): set on CPU 0 only");
	ok(smp_cpu_event(vm, 1) && !smp_cpu_event(vm, 0), "the AP's thread has something to wait for, the BSP's not");
	teardown();
}

static void test_init_sipi(void)
{
	setup(2);
	send(0, 1, ICR_INIT | ICR_ASSERT);
	ok(lapic_mp_state(&vm->lapic[1]) == LAPIC_MP_WAIT_FOR_SIPI, "INIT: the AP waits for SIPI");
	send(0, 1, ICR_STARTUP | 0x08);
	ok(lapic_mp_state(&vm->lapic[1]) == LAPIC_MP_SIPI_RECEIVED, "SIPI vector 08: the AP's thread is to start it");
	is(take_sipi(1), 0x08, "its thread takes vector 08: start at 0x08000");
	ok(!smp_cpu_event(vm, 1), "started: nothing left for its thread");
	send(0, 1, ICR_STARTUP | 0x09);
	ok(lapic_mp_state(&vm->lapic[1]) == LAPIC_MP_RUNNING && take_sipi(1) == -1,
	   "the second SIPI of INIT-SIPI-SIPI reaches a running CPU: ignored");
	send(0, 1, ICR_INIT | ICR_ASSERT);
	ok(lapic_mp_state(&vm->lapic[1]) == LAPIC_MP_WAIT_FOR_SIPI, "INIT to a running AP: back to wait-for-SIPI");
	send(0, 1, ICR_STARTUP | 0x0a);
	is(take_sipi(1), 0x0a, "one SIPI is enough to start it again (vector 0a)");
	ok(lapic_mp_state(&vm->lapic[0]) == LAPIC_MP_RUNNING, "the BSP, which sent all this, still runs");
	teardown();
}

static void test_fixed_ipis(void)
{
	setup(4);
	start_all();
	send(0, 2, 0x41);
	is(irr_holders(0x41), 1u << 2, "fixed, physical destination 2: CPU 2 alone has vector 0x41 in IRR");
	ok(vm->vcpu[2].intr_line && !vm->vcpu[1].intr_line && !vm->vcpu[3].intr_line && !vm->vcpu[0].intr_line,
	   "only CPU 2's INTR copy is high");
	send(1, 0, ICR_SELF | 0x42);
	is(irr_holders(0x42), 1u << 1, "shorthand self from CPU 1: CPU 1 alone");
	send(0, 0, ICR_ALL_EXCL | 0x43);
	is(irr_holders(0x43), 0xeu, "all excluding self from CPU 0: CPUs 1, 2, 3");
	send(3, 0, ICR_ALL_INCL | 0x44);
	is(irr_holders(0x44), 0xfu, "all including self from CPU 3: all four");
	send(0, 0xff, 0x45);
	is(irr_holders(0x45), 0xfu, "physical destination 0xff: a broadcast, all four");
	/* logical flat: LDR bits 31:24 = 1 << id, DFR = flat (0xffffffff) */
	for (int i = 0; i < 4; i++)
		lapic_write(i, LAPIC_LDR, (1u << i) << 24);
	send(0, 0x06, ICR_LOGICAL | 0x46);
	is(irr_holders(0x46), 0x6u, "logical flat, mask 06: CPUs 1 and 2");
	send(0, 0x0f, ICR_LOGICAL | ICR_LOWEST | 0x47);
	ok(__builtin_popcount(irr_holders(0x47)) == 1, "lowest priority to mask 0f: exactly one CPU");
	teardown();
}

static void test_ap_not_started_takes_no_vector(void)
{
	setup(2);
	lapic_write(0, LAPIC_SVR, 0x1ff);
	send(0, 1, 0x50);
	ok(!lapic_irr_test(&vm->lapic[1], 0x50) && !vm->vcpu[1].intr_line,
	   "a fixed IPI to an AP still in wait-for-SIPI: its APIC is software-disabled (reset state), no IRR, no INTR");
	teardown();
}

static void test_io_messages(void)
{
	setup(4);
	start_all();
	for (int i = 0; i < 4; i++)
		lapic_write(i, LAPIC_LDR, (1u << i) << 24);
	ok(smp_deliver_message(vm, 3, false, false, 0x60, false), "an I/O APIC message to physical 3 is taken");
	is(irr_holders(0x60), 1u << 3, "... by CPU 3 alone");
	ok(smp_deliver_message(vm, 0x05, true, false, 0x61, true), "logical mask 05, level: taken");
	is(irr_holders(0x61), 0x5u, "... by CPUs 0 and 2");
	ok(lapic_tmr_test(&vm->lapic[0], 0x61) && lapic_tmr_test(&vm->lapic[2], 0x61),
	   "... with TMR set (level), so their EOI goes back to the I/O APIC");
	ok(smp_deliver_message(vm, 0x0f, true, true, 0x62, false), "lowest priority, mask 0f: taken");
	is(__builtin_popcount(irr_holders(0x62)), 1, "... by exactly one CPU");
	ok(!smp_deliver_message(vm, 5, false, false, 0x63, false) && irr_holders(0x63) == 0,
	   "physical 5 with 4 CPUs: nobody, and the I/O APIC is told so");
	teardown();
}

int main(void)
{
	test_ap_power_up();
	test_init_sipi();
	test_fixed_ipis();
	test_ap_not_started_takes_no_vector();
	test_io_messages();
	return done_testing();
}
