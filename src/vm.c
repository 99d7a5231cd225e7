/*
 * vm.c - build a PC-shaped virtual machine out of KVM calls.
 *
 * The order matters and follows Documentation/virt/kvm/api.rst:
 *   1. open /dev/kvm, check the API version and the capabilities we rely on;
 *   2. KVM_CREATE_VM;
 *   3. give KVM the guest's memory: RAM from 0, the ROM below 4 GiB and its
 *      alias below 1 MiB (KVM_SET_USER_MEMORY_REGION, one "slot" each);
 *   4. KVM_CREATE_VCPU, which starts in the x86 reset state: CS selector
 *      0xF000 with base 0xFFFF0000, IP 0xFFF0, so the first instruction is
 *      fetched at 0xFFFFFFF0, the last 16 bytes of our ROM;
 *   5. put devices on the port and MMIO buses.
 *
 * Physical memory map (design.md, "Guest ABI"):
 *   0x00000000-0x0009FFFF  RAM (640 KiB, "conventional memory")
 *   0x000A0000-0x000DFFFF  nothing: VGA and option ROM holes exit as MMIO
 *   0x000E0000-0x000FFFFF  last 128 KiB of the ROM; a 64 KiB ROM shows at
 *                          0xF0000-0xFFFFF only and 0xE0000-0xEFFFF stays empty
 *   0x00100000-mem_size    RAM
 *   0xC0000000-0xFEBFFFFF  the PCI hole: memory BARs (chapter 8, pcibus.c)
 *   4 GiB - rom_size - 4 GiB  the ROM, read-only
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "apic.h"
#include "inkernel.h"
#include "ticks.h"
#include "irq.h"
#include "kvm.h"
#include "machine.h"
#include "pcibus.h"
#include "mbboot.h"
#include "rom.h"
#include "vm.h"

/* Where Intel VMX keeps the TSS and identity page table it needs to run real mode. */
#define VM_TSS_ADDR		0xfeffd000ull
#define VM_IDENTITY_MAP_ADDR	0xfeffc000ull

enum { SLOT_LOW_RAM, SLOT_HIGH_RAM, SLOT_ROM, SLOT_ROM_ALIAS };

static int setup_error(struct vm *vm, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int setup_error(struct vm *vm, const char *fmt, ...)
{
	va_list ap;

	fprintf(vm->diag, "tinyvmm: ");
	va_start(ap, fmt);
	vfprintf(vm->diag, fmt, ap);
	va_end(ap);
	fprintf(vm->diag, "\n");
	return EXIT_SETUP;
}

static int open_kvm(struct vm *vm)
{
	/* The tests point this elsewhere to see the errors a student meets. */
	const char *path = getenv("TINYVMM_KVM_DEVICE") ? getenv("TINYVMM_KVM_DEVICE") : "/dev/kvm";
	int version;

	vm->sys_fd = kvm_open(path);
	if (vm->sys_fd == -ENOENT)
		return setup_error(vm, "%s does not exist: this machine has no KVM "
				   "(is the kvm module loaded? is virtualization enabled in the firmware?); "
				   "'make vm-shell' gives you one inside an emulated CPU", path);
	if (vm->sys_fd == -EACCES || vm->sys_fd == -EPERM)
		return setup_error(vm, "permission denied opening %s: add yourself to the kvm group "
				   "(sudo usermod -aG kvm $USER, then log in again)", path);
	if (vm->sys_fd < 0)
		return setup_error(vm, "cannot open %s: %s", path, strerror(-vm->sys_fd));

	/* The API has been 12 since Linux 2.6.22; anything else is not the API we know. */
	version = kvm_get_api_version(vm->sys_fd);
	if (version != KVM_API_VERSION)
		return setup_error(vm, "KVM API version is %d, tinyvmm needs %d", version, KVM_API_VERSION);

	for (const struct kvm_required_cap *c = kvm_required_caps; c->name; c++)
		if (kvm_check_extension(vm->sys_fd, c->cap) <= 0)
			return setup_error(vm, "this KVM lacks %s, which tinyvmm needs (%s)", c->name, c->why);
	return 0;
}

static int map_memory(struct vm *vm)
{
	uint64_t alias_size = vm->rom_size < ROM_ALIAS_MAX ? vm->rom_size : ROM_ALIAS_MAX;
	uint32_t rom_flags;
	int r;

	vm->ram_size = vm->cfg.mem_size;
	vm->ram = mmap(NULL, vm->ram_size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (vm->ram == MAP_FAILED) {
		vm->ram = NULL;
		return setup_error(vm, "cannot allocate %zu bytes of guest RAM: %s",
				   vm->ram_size, strerror(errno));
	}
	r = kvm_set_user_memory_region(vm->vm_fd, SLOT_LOW_RAM, 0, 0, VM_LOW_RAM_END, vm->ram);
	if (!r)
		r = kvm_set_user_memory_region(vm->vm_fd, SLOT_HIGH_RAM, 0, VM_HIGH_RAM_START,
					       vm->ram_size - VM_HIGH_RAM_START,
					       vm->ram + VM_HIGH_RAM_START);
	if (r)
		return setup_error(vm, "KVM_SET_USER_MEMORY_REGION (RAM): %s", strerror(-r));

	if (vm->rom_size == 0)
		return 0;		/* --kernel: no firmware (mbboot.c) */
	/*
	 * With KVM_MEM_READONLY a guest write to the ROM is not applied but
	 * exits as MMIO, exactly like a write to a real ROM chip going nowhere.
	 */
	vm->rom_readonly = kvm_check_extension(vm->vm_fd, KVM_CAP_READONLY_MEM) > 0;
	rom_flags = vm->rom_readonly ? KVM_MEM_READONLY : 0;
	r = kvm_set_user_memory_region(vm->vm_fd, SLOT_ROM, rom_flags,
				       (1ull << 32) - vm->rom_size, vm->rom_size, vm->rom);
	if (!r)
		r = kvm_set_user_memory_region(vm->vm_fd, SLOT_ROM_ALIAS, rom_flags,
					       VM_HIGH_RAM_START - alias_size, alias_size,
					       vm->rom + vm->rom_size - alias_size);
	if (r)
		return setup_error(vm, "KVM_SET_USER_MEMORY_REGION (ROM): %s", strerror(-r));
	return 0;
}

void *vm_gpa_to_host(struct vm *vm, uint64_t gpa, size_t len)
{
	uint64_t rom_base = (1ull << 32) - vm->rom_size;
	uint64_t alias_size = vm->rom_size < ROM_ALIAS_MAX ? vm->rom_size : ROM_ALIAS_MAX;
	uint64_t alias_base = VM_HIGH_RAM_START - alias_size;

	if (gpa + len < gpa)
		return NULL;
	if (gpa + len <= VM_LOW_RAM_END ||
	    (gpa >= VM_HIGH_RAM_START && gpa + len <= vm->ram_size))
		return vm->ram + gpa;
	if (gpa >= alias_base && gpa + len <= VM_HIGH_RAM_START)
		return vm->rom + vm->rom_size - alias_size + (gpa - alias_base);
	if (gpa >= rom_base && gpa + len <= (1ull << 32))
		return vm->rom + (gpa - rom_base);
	return NULL;
}

/* ---- devices on the buses ---- */

static void console_tx(void *opaque, uint8_t byte)
{
	(void)opaque;
	putchar(byte);
}

static void serial_pio_read(void *opaque, uint64_t off, uint8_t *data, unsigned size)
{
	for (unsigned i = 0; i < size; i++)
		data[i] = serial_read(opaque, (unsigned)(off + i) & 7);
}

static void serial_pio_write(void *opaque, uint64_t off, const uint8_t *data, unsigned size)
{
	for (unsigned i = 0; i < size; i++)
		serial_write(opaque, (unsigned)(off + i) & 7, data[i]);
}

/*
 * The exit device (port 0xF4): the guest writes a status and the VM ends.
 * tinyvmm exits with (value & 0xff); QEMU's isa-debug-exit, at the same port,
 * makes QEMU exit with (value << 1) | 1, so QEMU can never return 0.
 * --exit-status qemu does the same, for scripts written for QEMU.
 */
static void exit_pio_write(void *opaque, uint64_t off, const uint8_t *data, unsigned size)
{
	struct vm *vm = opaque;

	(void)off;
	(void)size;
	vm_request_stop(vm, vm->cfg.exit_qemu ? ((data[0] << 1) | 1) & 0xff : data[0]);
}

/*
 * Port 0x80, the POST code port: BIOSes write progress codes there for a
 * diagnostic card to display.  We keep the last one (vm->post_code); writes
 * to it are also the cheapest possible exit, which bench/exitcost uses.
 */
static void post_pio_write(void *opaque, uint64_t off, const uint8_t *data, unsigned size)
{
	(void)off;
	(void)size;
	((struct vm *)opaque)->post_code = data[0];
}

/* Guest writes to a read-only ROM slot exit as MMIO; a ROM ignores them. */
static void rom_write_ignored(void *opaque, uint64_t off, const uint8_t *data, unsigned size)
{
	(void)opaque; (void)off; (void)data; (void)size;
}

static int add_devices(struct vm *vm)
{
	uint64_t alias_size = vm->rom_size < ROM_ALIAS_MAX ? vm->rom_size : ROM_ALIAS_MAX;
	int r;

	bus_init(&vm->pio, "port");
	bus_init(&vm->mmio, "MMIO");
	serial_init(&vm->serial, console_tx, vm,
		    (struct irq_line){ irq_set_level, vm, SERIAL_COM1_IRQ });
	r = bus_add(&vm->pio, SERIAL_COM1_BASE, SERIAL_NPORTS, "serial",
		    serial_pio_read, serial_pio_write, &vm->serial);
	if (!r)
		r = bus_add(&vm->pio, EXIT_PORT, 4, "exit", NULL, exit_pio_write, vm);
	if (!r)
		r = bus_add(&vm->pio, POST_PORT, 1, "post", NULL, post_pio_write, vm);
	if (!r && vm->rom_readonly)
		r = bus_add(&vm->mmio, (1ull << 32) - vm->rom_size, vm->rom_size, "rom",
			    NULL, rom_write_ignored, vm);
	if (!r && vm->rom_readonly)
		r = bus_add(&vm->mmio, VM_HIGH_RAM_START - alias_size, alias_size, "rom-alias",
			    NULL, rom_write_ignored, vm);
	/* the interrupt controllers of the machine --chapter chose (vm.h) */
	if (!r && vm->cfg.machine != MACHINE_BARE)
		r = irq_devices_add(vm);
	if (!r && vm->cfg.machine == MACHINE_APIC)
		r = apic_devices_add(vm);
	/* chapter 8: a PCI bus, on the APIC machine only (MSIs go to a local APIC) */
	if (!r && vm->cfg.machine == MACHINE_APIC && vm->cfg.pci)
		r = pcibus_devices_add(vm);
	if (!r && vm->cfg.machine != MACHINE_BARE)
		ticks_init(vm);
	if (!r)
		r = machine_facts_add(vm);	/* fw_cfg; the MP table on the APIC machine (machine.c) */
	if (r)
		return setup_error(vm, "internal error placing devices: %s", strerror(-r));
	return 0;
}

/* The lock and condition variables; timer_cond waits on CLOCK_MONOTONIC like the PIT's clock. */
static int init_sync(struct vm *vm)
{
	pthread_condattr_t attr;

	if (pthread_mutex_init(&vm->lock, NULL) || pthread_mutex_init(&vm->watchdog_lock, NULL))
		return setup_error(vm, "cannot create a mutex");
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&vm->timer_cond, &attr);
	pthread_cond_init(&vm->watchdog_cond, &attr);
	pthread_cond_init(&vm->halt_cond, NULL);
	pthread_condattr_destroy(&attr);
	vm->lock_ready = true;
	return 0;
}

int vm_create(struct vm *vm, const struct vm_config *cfg, FILE *diag)
{
	char err[512];
	int r;

	memset(vm, 0, sizeof(*vm));
	vm->cfg = *cfg;
	vm->diag = diag;
	vm->clock = &host_clock;	/* the timer thread's waits assume CLOCK_MONOTONIC */
	vm->sys_fd = vm->vm_fd = -1;
	for (int i = 0; i < VM_MAX_CPUS; i++)
		vm->vcpu[i].fd = -1;
	trace_init(&vm->trace, cfg->trace, diag);
	r = init_sync(vm);
	if (r)
		return r;

	if (!cfg->kernel && rom_load(cfg->image, &vm->rom, &vm->rom_size, err, sizeof(err)) < 0)
		return setup_error(vm, "%s", err);
	/* --kernel: the files are the user's input, so a bad one is a usage error (2) */
	if (cfg->kernel && mbboot_prepare(cfg, &vm->boot, err, sizeof(err)) < 0) {
		fprintf(vm->diag, "tinyvmm: %s\n", err);
		return EXIT_USAGE;
	}
	r = open_kvm(vm);
	if (r)
		return r;
	vm->vm_fd = kvm_create_vm(vm->sys_fd);
	if (vm->vm_fd < 0)
		return setup_error(vm, "KVM_CREATE_VM: %s", strerror(-vm->vm_fd));
	/* Only Intel VMX without "unrestricted guest" uses these; elsewhere they are harmless. */
	r = kvm_set_tss_addr(vm->vm_fd, VM_TSS_ADDR);
	if (r)
		return setup_error(vm, "KVM_SET_TSS_ADDR: %s", strerror(-r));
	if (kvm_check_extension(vm->sys_fd, KVM_CAP_SET_IDENTITY_MAP_ADDR) > 0) {
		r = kvm_set_identity_map_addr(vm->vm_fd, VM_IDENTITY_MAP_ADDR);
		if (r)
			return setup_error(vm, "KVM_SET_IDENTITY_MAP_ADDR: %s", strerror(-r));
	}
	r = map_memory(vm);
	if (r)
		return r;
	if (cfg->irqchip == IRQCHIP_KERNEL) {
		/*
		 * Chapter 7: KVM emulates every controller.  Its LAPIC answers
		 * IA32_APIC_BASE and IA32_TSC_DEADLINE itself: no MSR filter.
		 */
		const char *what;

		if (kvm_check_extension(vm->sys_fd, KVM_CAP_IRQCHIP) <= 0)
			return setup_error(vm, "--irqchip kernel: this KVM lacks KVM_CAP_IRQCHIP");
		if (cfg->pit_in_kernel && kvm_check_extension(vm->sys_fd, KVM_CAP_PIT2) <= 0)
			return setup_error(vm, "--pit kernel: this KVM lacks KVM_CAP_PIT2 (try --pit user)");
		r = inkernel_create(vm, &what);
		if (r)
			return setup_error(vm, "%s: %s", what, strerror(-r));
	} else if (cfg->irqchip == IRQCHIP_SPLIT) {
		/*
		 * Split irqchip: KVM emulates the local APIC; the 8259A and the
		 * I/O APIC stay ours.  args[0] is how many GSIs are reserved for
		 * our IOAPIC's pins (their routes produce KVM_EXIT_IOAPIC_EOI).
		 * It must happen before the vCPU exists, instead of KVM_CREATE_IRQCHIP.
		 */
		if (kvm_check_extension(vm->vm_fd, KVM_CAP_SPLIT_IRQCHIP) <= 0)
			return setup_error(vm, "--irqchip split: this KVM lacks KVM_CAP_SPLIT_IRQCHIP");
		r = kvm_enable_cap(vm->vm_fd, KVM_CAP_SPLIT_IRQCHIP, IOAPIC_NUM_PINS);
		if (r)
			return setup_error(vm, "KVM_ENABLE_CAP KVM_CAP_SPLIT_IRQCHIP: %s", strerror(-r));
	} else {
		/*
		 * our own local APIC handles IA32_APIC_BASE and IA32_TSC_DEADLINE;
		 * in a machine without one (chapters 1-4) they #GP, as on a CPU
		 * without an APIC, instead of answering from KVM's idea of one
		 */
		if (kvm_check_extension(vm->sys_fd, KVM_CAP_X86_USER_SPACE_MSR) <= 0 ||
		    kvm_check_extension(vm->sys_fd, KVM_CAP_X86_MSR_FILTER) <= 0)
			return setup_error(vm, "this KVM lacks KVM_CAP_X86_USER_SPACE_MSR or KVM_CAP_X86_MSR_FILTER, "
					   "which the userspace local APIC needs (try --irqchip split)");
		r = apic_msr_setup(vm);
		if (r)
			return setup_error(vm, "making the APIC MSRs exit to userspace "
					   "(KVM_CAP_X86_USER_SPACE_MSR, KVM_X86_SET_MSR_FILTER): %s", strerror(-r));
	}
	if (cfg->halt_poll_ns >= 0) {
		/*
		 * Chapter 10: how long KVM spins on a halted vCPU, waiting for a
		 * wakeup, before it schedules away (kvm_vcpu_halt(), the module's
		 * halt_poll_ns).  Per VM since Linux 5.8; before that only the
		 * module parameter existed.
		 */
		if (kvm_check_extension(vm->vm_fd, KVM_CAP_HALT_POLL) <= 0)
			return setup_error(vm, "--halt-poll-ns: this KVM lacks KVM_CAP_HALT_POLL (Linux 5.8 or later); "
					   "the host's /sys/module/kvm/parameters/halt_poll_ns applies");
		r = kvm_enable_cap(vm->vm_fd, KVM_CAP_HALT_POLL, (uint64_t)cfg->halt_poll_ns);
		if (r)
			return setup_error(vm, "KVM_ENABLE_CAP KVM_CAP_HALT_POLL %lld: %s", cfg->halt_poll_ns, strerror(-r));
	}
	vm->ncpus = cfg->cpus > 0 ? cfg->cpus : 1;
	for (int i = 0; i < vm->ncpus; i++) {
		r = vcpu_create(&vm->vcpu[i], vm, i);
		if (r)
			return r;
	}
	r = add_devices(vm);
	if (r || !vm->boot)
		return r;
	r = mbboot_load(vm->boot, vm, err, sizeof(err));
	mbboot_free(vm->boot);
	vm->boot = NULL;
	if (r == -1) {
		fprintf(vm->diag, "tinyvmm: %s\n", err);
		return EXIT_USAGE;
	}
	return r ? setup_error(vm, "%s", err) : 0;
}

void vm_request_stop(struct vm *vm, int status)
{
	int running = 0;

	/*
	 * The first request wins (two vCPUs, or a vCPU and the watchdog, may
	 * ask at once, with or without vm->lock): claim and publish its status
	 * in one step.  Its thread alone writes exit_status, read after the
	 * joins.
	 */
	if (__atomic_compare_exchange_n(&vm->stop_requested, &running, 1 + (status & 0xff), false,
					__ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
		vm->exit_status = status & 0xff;
	/* the other vCPUs may be in KVM_RUN (or halted inside it): send them out */
	if (__atomic_load_n(&vm->threads_started, __ATOMIC_ACQUIRE))
		for (int i = 0; i <= vm->aps_started; i++)	/* the threads that exist */
			if (!pthread_equal(pthread_self(), vm->vcpu[i].thread))
				vcpu_kick(&vm->vcpu[i]);
}

bool vm_unhandled(struct vm *vm, bool mmio, bool write, uint64_t addr,
		  const uint8_t *data, unsigned size)
{
	uint64_t value = 0;

	/* LAB 2: begin */
	int known = vm->nreported < VM_REPORTED_MAX ? vm->nreported : VM_REPORTED_MAX;

	for (int i = 0; i < known; i++)
		if (vm->reported[i].mmio == mmio && vm->reported[i].addr == addr && !vm->cfg.strict)
			return true;		/* said once already */
	if (vm->nreported > VM_REPORTED_MAX && !vm->cfg.strict)
		return true;			/* we stopped reporting */
	if (vm->nreported == VM_REPORTED_MAX && !vm->cfg.strict) {
		fprintf(vm->diag, "tinyvmm: more than %d addresses without a device; no more will be reported\n",
			VM_REPORTED_MAX);
		vm->nreported++;
		return true;
	}
	if (!vm->cfg.strict) {			/* a new address: remember it, report it below */
		vm->reported[vm->nreported].mmio = mmio;
		vm->reported[vm->nreported].addr = addr;
		vm->nreported++;
	}
	/* LAB 2: stub */
	//@ /*
	//@  * Said once already for this (bus, address)?  Then stay quiet: return true.
	//@  * Otherwise remember the address in vm->reported[] and go on to the report.
	//@  * It holds VM_REPORTED_MAX addresses: when it is full, say so once (the
	//@  * message below), then report nothing more.  --strict stops at the first
	//@  * unhandled access, so it always reports (and remembers nothing).
	//@  */
	/* LAB 2: end */
	memcpy(&value, data, size < 8 ? size : 8);
	fprintf(vm->diag, "tinyvmm: unhandled %s %s at 0x%0*llx (%u byte%s",
		mmio ? "MMIO" : "port", write ? "write" : "read",
		mmio ? 8 : 4, (unsigned long long)addr, size, size == 1 ? "" : "s");
	if (write)
		fprintf(vm->diag, ", value %#llx)", (unsigned long long)value);
	else
		fprintf(vm->diag, ")");
	if (vm->cfg.strict) {
		fprintf(vm->diag, ": stopping (--strict)\n");
		vm_request_stop(vm, EXIT_STRICT);
		return false;
	}
	fprintf(vm->diag, "%s; reported once per address\n",
		write ? ": ignored" : ": reads as all ones");
	return true;
}

/*
 * --timeout: a thread that waits until the deadline, then stops the VM.
 *
 * The timeout must hold however the run goes wrong, so the watchdog never
 * waits for vm->lock (a guest can keep the vCPU thread holding it: an
 * interrupt storm under the split irqchip did, nested), and stopping does
 * not trust one kick: the stop flag is set, then the vCPU is
 * kicked (and woken from HLT) every WATCHDOG_RETRY_MS until its loop ends.
 * If it has not ended WATCHDOG_GRACE_S later (a thread stuck where no
 * signal reaches it), the process exits with EXIT_TIMEOUT all the same.
 */
#define WATCHDOG_RETRY_MS	50
#define WATCHDOG_GRACE_S	5

static void *watchdog_main(void *opaque)
{
	struct vm *vm = opaque;
	double t = vm->cfg.timeout_s;
	uint64_t deadline = clock_now_ns(&host_clock) + (uint64_t)(t * 1e9);
	struct timespec ts = { .tv_sec = (time_t)(deadline / 1000000000u),
			       .tv_nsec = (long)(deadline % 1000000000u) };
	const struct timespec retry = { 0, WATCHDOG_RETRY_MS * 1000000l };
	bool done;

	/* its own lock: vm->lock may be busy for as long as the guest likes */
	pthread_mutex_lock(&vm->watchdog_lock);
	while (!vm->run_done && clock_now_ns(&host_clock) < deadline)
		pthread_cond_timedwait(&vm->watchdog_cond, &vm->watchdog_lock, &ts);
	done = vm->run_done;
	pthread_mutex_unlock(&vm->watchdog_lock);
	if (done)
		return NULL;
	if (!vm_stopping(vm)) {
		fprintf(vm->diag, "tinyvmm: --timeout: the guest did not exit within %g s; stopping it\n", t);
		vm_request_stop(vm, EXIT_TIMEOUT);
	}
	/*
	 * The vCPUs' thread ids and aps_started are start_aps()'s, which may
	 * not have run yet (a deadline in its first microseconds): read them
	 * only once threads_started says they are written.
	 */
	for (int i = 0;; i++) {
		bool started = __atomic_load_n(&vm->threads_started, __ATOMIC_ACQUIRE);

		if (started && __atomic_load_n(&vm->vcpu_loops_done, __ATOMIC_ACQUIRE) >= vm->aps_started + 1)
			break;
		if (i * WATCHDOG_RETRY_MS >= WATCHDOG_GRACE_S * 1000) {
			fprintf(vm->diag, "tinyvmm: --timeout: a vCPU thread did not stop within %d s "
				"of the request; exiting anyway\n", WATCHDOG_GRACE_S);
			fflush(NULL);
			_exit(EXIT_TIMEOUT);
		}
		pthread_cond_broadcast(&vm->halt_cond);	/* in case one sleeps in HLT */
		for (int c = 0; started && c <= vm->aps_started; c++)
			vcpu_kick(&vm->vcpu[c]);	/* in case it runs */
		nanosleep(&retry, NULL);
	}
	return NULL;
}

/*
 * An AP's thread (chapter 10).  It starts behind vm->lock, which vm_run
 * holds until every vCPU's 'thread' is set, so a kick never goes to a
 * thread id not written yet.  Its first KVM_RUN waits for INIT and SIPI:
 * inside KVM when the local APICs are KVM's, in vcpu_loop() when they are
 * ours.
 */
static void *ap_main(void *opaque)
{
	struct vcpu *vcpu = opaque;
	struct vm *vm = vcpu->vm;

	pthread_mutex_lock(&vm->lock);
	pthread_mutex_unlock(&vm->lock);
	vcpu_loop(vcpu);
	__atomic_add_fetch(&vm->vcpu_loops_done, 1, __ATOMIC_RELEASE);
	return NULL;
}

/* Start one thread per AP; the BSP runs on the caller's thread. */
static int start_aps(struct vm *vm)
{
	int r = 0;

	pthread_mutex_lock(&vm->lock);
	vm->vcpu[0].thread = pthread_self();
	for (int i = 1; i < vm->ncpus && !r; i++) {
		r = pthread_create(&vm->vcpu[i].thread, NULL, ap_main, &vm->vcpu[i]);
		if (!r)
			vm->aps_started = i;
	}
	__atomic_store_n(&vm->threads_started, true, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&vm->lock);
	return r;
}

/*
 * The VM is stopping (the BSP's loop ended): kick every AP until its loop
 * has returned, as the watchdog does, then join them.
 */
static void stop_aps(struct vm *vm)
{
	const struct timespec retry = { 0, 1000000 };

	vm_request_stop(vm, 0);		/* the status of an earlier request stays */
	while (__atomic_load_n(&vm->vcpu_loops_done, __ATOMIC_ACQUIRE) < vm->aps_started + 1) {
		pthread_mutex_lock(&vm->lock);
		pthread_cond_broadcast(&vm->halt_cond);
		pthread_mutex_unlock(&vm->lock);
		for (int i = 1; i <= vm->aps_started; i++)
			vcpu_kick(&vm->vcpu[i]);
		nanosleep(&retry, NULL);
	}
}

/*
 * Join the AP threads: only once nobody can kick them any more.  Every vCPU
 * loop has ended (no vCPU thread calls vm_request_stop), and the watchdog
 * (which kicks until the loops have ended), the timer thread and the device
 * threads (an interrupt for an AP kicks it) have been stopped: pthread_kill()
 * on a joined thread's id is undefined, and crashed (SIGSEGV in 3 of 8
 * runs with --timeout 0.000001 --cpus 8 in the nested machine).
 */
static void join_aps(struct vm *vm)
{
	for (int i = 1; i <= vm->aps_started; i++)
		pthread_join(vm->vcpu[i].thread, NULL);
}

static void stop_watchdog(struct vm *vm)
{
	if (!vm->watchdog_running)
		return;
	pthread_mutex_lock(&vm->watchdog_lock);
	vm->run_done = true;
	pthread_cond_signal(&vm->watchdog_cond);
	pthread_mutex_unlock(&vm->watchdog_lock);
	pthread_join(vm->watchdog, NULL);
	vm->watchdog_running = false;
}

int vm_run(struct vm *vm)
{
	int status;

	if (irq_timer_start(vm)) {
		fprintf(vm->diag, "tinyvmm: cannot start the timer thread\n");
		return EXIT_SETUP;
	}
	if (vm->cfg.timeout_s > 0) {
		if (pthread_create(&vm->watchdog, NULL, watchdog_main, vm) == 0)
			vm->watchdog_running = true;
	}
	if (start_aps(vm)) {
		fprintf(vm->diag, "tinyvmm: cannot start a thread for each vCPU\n");
		vm_request_stop(vm, EXIT_SETUP);
	} else {
		vcpu_loop(&vm->vcpu[0]);
	}
	__atomic_add_fetch(&vm->vcpu_loops_done, 1, __ATOMIC_RELEASE);
	stop_aps(vm);
	/* everyone who may kick an AP stops before the APs are joined (join_aps) */
	stop_watchdog(vm);
	irq_timer_stop(vm);	/* the timer thread, and the resample thread (ticks_stop) */
	devmsi_stop(vm);	/* the edu's irqfd thread */
	join_aps(vm);
	fflush(stdout);
	status = vm->exit_status;
	if (vm->cfg.dump_irqchip) {
		fflush(stdout);
		irqchip_dump(vm);
	}
	return status;
}

void vm_destroy(struct vm *vm)
{
	if (vm->has_pci)
		devmsi_stop(vm);
	for (int i = 0; i < VM_MAX_CPUS; i++)
		vcpu_destroy(&vm->vcpu[i]);
	if (vm->ram)
		munmap(vm->ram, vm->ram_size);
	rom_free(vm->rom, vm->rom_size);
	mbboot_free(vm->boot);
	vm->boot = NULL;
	if (vm->vm_fd >= 0)
		close(vm->vm_fd);
	if (vm->sys_fd >= 0)
		close(vm->sys_fd);
	vm->ram = vm->rom = NULL;
	vm->vm_fd = vm->sys_fd = -1;
	if (vm->lock_ready) {
		pthread_cond_destroy(&vm->timer_cond);
		pthread_cond_destroy(&vm->watchdog_cond);
		pthread_mutex_destroy(&vm->watchdog_lock);
		pthread_cond_destroy(&vm->halt_cond);
		pthread_mutex_destroy(&vm->lock);
		vm->lock_ready = false;
	}
}
