/*
 * vm.h - one virtual machine: its memory map, buses, devices and vCPU.
 */
#ifndef TINYVMM_VM_H
#define TINYVMM_VM_H

#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "bus.h"
#include "clock.h"
#include "devmsi.h"
#include "trace.h"
#include "vcpu.h"
#include "devices/edu.h"
#include "devices/fwcfg.h"
#include "devices/ioapic.h"
#include "devices/lapic.h"
#include "devices/pci.h"
#include "devices/pic.h"
#include "devices/pit.h"
#include "devices/serial.h"
#include "devices/testdev.h"
#include "devices/tick.h"

/* tinyvmm's own exit statuses (0-255 otherwise come from the guest's port 0xF4 write) */
#define EXIT_USAGE		2	/* bad command line */
#define EXIT_SETUP		120	/* no /dev/kvm, bad image, missing KVM capability */
#define EXIT_TRIPLE_FAULT	121	/* the guest triple-faulted (KVM_EXIT_SHUTDOWN) */
#define EXIT_KVM_ERROR		122	/* KVM could not run the guest (internal error, failed entry) */
#define EXIT_GUEST_STUCK	123	/* HLT that nothing can ever wake */
#define EXIT_TIMEOUT		124	/* --timeout expired */
#define EXIT_STRICT		125	/* --strict: the guest touched an address nobody owns */

#define VM_MAX_CPUS		8	/* --cpus; APIC IDs 0-7 fit a flat logical destination */
#define VM_DEFAULT_MEM		(16ull << 20)
#define VM_KERNEL_DEFAULT_MEM	(128ull << 20)	/* with --kernel */
#define VM_MIN_MEM		(2ull << 20)
#define VM_MAX_MEM		(3ull << 30)	/* RAM stays below the 0xC0000000 device hole */

/* The legacy hole in the first megabyte: VGA memory and BIOS area. */
#define VM_LOW_RAM_END		0xa0000
#define VM_HIGH_RAM_START	0x100000

#define EXIT_PORT		0xf4	/* the exit device, as QEMU's isa-debug-exit */
#define POST_PORT		0x80	/* BIOS POST codes */

/* Where the interrupt controllers live (--irqchip). */
enum irqchip_mode {
	IRQCHIP_NONE,		/* all of them in tinyvmm (chapters 1-5) */
	IRQCHIP_SPLIT,		/* LAPIC in KVM; PIC, PIT and IOAPIC in tinyvmm (chapter 6) */
	IRQCHIP_KERNEL,		/* PIC, IOAPIC and LAPIC in KVM; the PIT too with --pit kernel (chapter 7) */
};

/* How a device's MSI reaches KVM's local APIC (--msi; chapter 8, devmsi.c). */
enum msi_method {
	MSI_SIGNAL,		/* KVM_SIGNAL_MSI with the message, per interrupt (the default) */
	MSI_ROUTE,		/* a GSI route kept equal to the message, raised with KVM_IRQ_LINE */
	MSI_IRQFD,		/* that route bound to an eventfd (KVM_IRQFD), written by a device thread */
};

/*
 * Which interrupt controllers the machine has (--chapter N builds chapter
 * N's machine).  Every machine has RAM, the ROM, the UART, the exit and POST
 * ports; a guest that touches a controller its machine lacks gets the
 * unhandled-access report, as on a real board without the chip.
 */
enum machine_kind {
	MACHINE_APIC,		/* + LAPIC and I/O APIC: a PC since the Pentium (the default; chapters 5-) */
	MACHINE_BARE,		/* no interrupt controller, no timer (chapters 1-2) */
	MACHINE_PIC,		/* + 8259A pair, 8254, test device; the 8259A drives INTR (chapters 3-4) */
};

struct vm_config {
	const char *image;	/* the ROM image; NULL with --kernel */
	const char *kernel;	/* --kernel: a Multiboot kernel, booted without a ROM (multiboot.c) */
	const char *append;	/* --append: its command line, after the file name */
	const char *initrd;	/* --initrd: its modules, "PATH [ARGS]" separated by commas */
	bool exit_qemu;		/* --exit-status qemu: port 0xF4's v exits with (v << 1) | 1 */
	enum machine_kind machine;
	bool pci;		/* + a PCI bus with the edu device (chapter 8, and without --chapter) */
	int chapter;		/* --chapter N, 0 if not given */
	enum irqchip_mode irqchip;
	bool msi_routes;	/* split: deliver IOAPIC messages through GSI routes, not KVM_SIGNAL_MSI */
	enum msi_method msi;	/* --msi: how the edu's MSIs reach KVM (split, kernel) */
	bool pit_in_kernel;	/* --pit kernel: KVM_CREATE_PIT2 (only with IRQCHIP_KERNEL) */
	enum tick_policy tick_policy;	/* --tick-policy: ticks the guest has not taken yet (tick.h) */
	bool dump_irqchip;	/* --dump-irqchip: print the controllers' state at exit */
	uint64_t mem_size;
	int cpus;		/* --cpus: 1-VM_MAX_CPUS; CPU 0 is the BSP (chapter 10) */
	long long halt_poll_ns;	/* --halt-poll-ns: KVM_CAP_HALT_POLL's value; -1: leave KVM's default */
	bool strict;
	double timeout_s;	/* 0: none */
	bool trace;		/* --trace */
};

/* A page where a local APIC model answers (apic.c; more than one once a guest moves one). */
struct lapic_window {
	struct vm *vm;
	uint64_t base;
};
#define VM_LAPIC_WINDOWS	(VM_MAX_CPUS + 1)

/* A device's port range that must know its own base port (irq.c). */
struct port_window {
	struct vm *vm;
	uint16_t base;
};
#define VM_PORT_WINDOWS 5

#define VM_REPORTED_MAX 64

struct vm {
	struct vm_config cfg;
	FILE *diag;			/* where tinyvmm's own messages go (stderr) */
	struct clock *clock;		/* the device models' time: &host_clock; a fake one in unit tests */

	int sys_fd;			/* /dev/kvm */
	int vm_fd;
	uint8_t *ram;
	size_t ram_size;
	uint8_t *rom;
	size_t rom_size;
	bool rom_readonly;		/* KVM_CAP_READONLY_MEM: guest writes to the ROM exit as MMIO */
	struct mbboot *boot;		/* --kernel: the files, between vm_create's check and load (mbboot.c) */

	struct bus pio;			/* port I/O: 0x0000-0xffff */
	struct bus mmio;		/* physical addresses no memory slot covers */
	struct serial serial;
	uint8_t post_code;		/* last byte written to port 0x80 */
	int ncpus;			/* --cpus: vcpu[0] is the BSP, the others APs (chapter 10) */
	struct vcpu vcpu[VM_MAX_CPUS];

	/*
	 * The locking story (chapter 10; make check-tsan checks it).
	 *
	 * Threads: one per vCPU (vcpu[0] on main()'s, the APs' from start_aps),
	 * the timer thread (irq.c), and optionally the watchdog (--timeout),
	 * the resample thread (ticks.c) and the edu's irqfd thread (devmsi.c).
	 *
	 * 'lock' guards every device model (the PIC, PIT, I/O APIC, each vCPU's
	 * local APIC, the PCI bus, the edu, fw_cfg, the UART), the wiring state
	 * kept here beside them (irq_level, extint_pending, lowest_rr, ...) and
	 * vcpu->halted.  A vCPU thread holds it while it dispatches a port, MMIO
	 * or MSR access, injects, or sleeps in HLT (on halt_cond), never inside
	 * KVM_RUN; the timer thread holds it except while it waits (on
	 * timer_cond) or yields; the resample thread takes it after each read().
	 * A vcpu's other fields are its own thread's.
	 *
	 * No lock order to get wrong: it is the only lock held with another,
	 * and only in one order (vm->lock, then devmsi.lock in devmsi_post();
	 * stdio's own lock in fprintf).  The watchdog takes watchdog_lock
	 * alone and the irqfd thread devmsi.lock alone; neither ever waits for
	 * vm->lock, which a guest can keep busy.  There are no per-vCPU locks:
	 * a thread that changes what another vCPU must see (an IPI, INTR, INIT,
	 * SIPI, a stop) changes the model under vm->lock, then wakes it from
	 * halt_cond or kicks it out of KVM_RUN (vcpu_kick: SIGUSR1 +
	 * immediate_exit); the target acts on its own vCPU.  Hence a vCPU fd's
	 * ioctls come from that vCPU's thread alone (from main() before the
	 * threads start and after they are joined), never from another: KVM
	 * holds a vCPU's mutex across KVM_RUN, so another thread's ioctl on it
	 * would wait for that vCPU's next exit.  VM-fd ioctls (KVM_IRQ_LINE,
	 * KVM_SIGNAL_MSI, routes) and eventfd writes may come from any thread.
	 *
	 * Read without the lock, on purpose: the configuration, ncpus and the
	 * has_* flags (set before any thread starts); vcpu->intr_line,
	 * stop_requested, threads_started and vcpu_loops_done (__atomic:
	 * writers store with release after what the flag vouches for);
	 * aps_started and vcpu[].thread (written before threads_started's
	 * release store); kvm_run.immediate_exit (__atomic).  The watchdog's
	 * halt_cond broadcasts and kicks, without the lock, may miss a thread
	 * about to sleep: it repeats them every 50 ms until every loop ended.
	 */
	pthread_mutex_t lock;
	bool lock_ready;
	bool has_pic;			/* the 8259A pair, the 8254 and the test device exist (irq.c) */
	bool has_apics;			/* the LAPIC and the I/O APIC exist (apic.c) */
	bool has_pit;			/* our 8254 model exists (with has_pic; alone under --irqchip kernel --pit user) */
	bool has_pci;			/* chapter 8: the PCI bus and the edu device exist (pcibus.c) */
	char irqstate_seen[400];	/* --trace, kernel mode: the KVM state last printed (inkernel.c; vCPU 0's thread only) */
	struct pic pic;
	struct pit pit;
	struct tick_gate pit_ticks;	/* --tick-policy for IRQ 0 (ticks.c) */
	bool irq0_open;			/* IRQ 0 unmasked at the 8259A or I/O APIC pin 2 (ticks.c) */
	int tick_irqfd, tick_resamplefd;	/* kernel + pit user + reinject: GSI 0's irqfd (ticks.c) */
	pthread_t tick_thread;		/* ...and the thread that reads its resamplefd */
	bool tick_thread_running, tick_thread_stop, tick_fds_open;
	uint64_t pit_not_before;	/* no IRQ 0 edge before this time (irq.c, TIMER_MIN_PERIOD_NS) */
	struct lapic lapic[VM_MAX_CPUS];	/* chapter 5: each vCPU's local APIC (under --irqchip none) */
	struct lapic_window lapic_windows[VM_LAPIC_WINDOWS];	/* their pages on the MMIO bus (apic.c) */
	int nlapic_windows;
	struct ioapic ioapic;
	struct pci_bus pci;		/* chapter 8: bus 0, the host bridge at 00:00.0 */
	struct edu edu;			/* at 00:04.0 */
	struct devmsi devmsi;		/* its MSI route and irqfd (--msi route, irqfd; devmsi.c) */
	struct fwcfg fwcfg;		/* chapter 10: ports 0x510-0x511, RAM size and CPU count (machine.c) */
	struct testdev testdev;		/* ports 0xe0-0xe7 and 64 KiB at 0xff000000 (machine.c); IRQ ports: irq.c */
	int irq_level[24];		/* ISA IRQ / GSI line levels as the devices drive them */
	int pci_intx;			/* the edu's INTA#, wired OR onto GSI 16 (irq.c irq_set_pci_intx) */
	bool extint_pending;		/* an ExtINT message reached the LAPIC: the next INTA goes to the 8259A */
	unsigned lowest_rr;		/* lowest-priority arbitration's round-robin cursor (smp.c) */
	unsigned last_message_targets;	/* CPUs the last I/O APIC or MSI message went to (smp.c, --trace) */
	struct vcpu *accessing;		/* whose port/MMIO/MSR access is being dispatched (vm->lock held) */
	struct port_window window[VM_PORT_WINDOWS];
	pthread_cond_t halt_cond;	/* broadcast when a halted vCPU's INTR rises or the VM stops */
	pthread_cond_t timer_cond;	/* signalled when the guest reprograms the PIT, a LAPIC timer, the edu */
	pthread_t timer_thread;
	bool timer_running, timer_stop;
	struct trace trace;

	/* unhandled accesses already reported (each address once) */
	struct { bool mmio; uint64_t addr; } reported[VM_REPORTED_MAX];
	int nreported;
	bool reported_apic_msr;		/* an APIC MSR in a machine without an APIC (apic.c) */

	/*
	 * How the run ended.  stop_requested is 0 while the guest runs; the
	 * first vm_request_stop() (the exit device, a fatal exit on any vCPU,
	 * the watchdog) sets it once, by compare-and-exchange, to 1 + the exit
	 * status: one word, so whoever sees the stop sees its status.  Read it
	 * without the lock through vm_stopping() and vm_stop_status().
	 * exit_status is the same status for after the threads are joined
	 * (vm_run, the unit tests).
	 */
	int stop_requested;
	int exit_status;
	pthread_t watchdog;
	pthread_mutex_t watchdog_lock;	/* guards run_done; never vm->lock (vm.c watchdog_main) */
	pthread_cond_t watchdog_cond;	/* signalled when the run ends */
	bool watchdog_running, run_done;
	bool threads_started;		/* every vcpu[].thread is set: kicks may go out (vm.c start_aps) */
	int aps_started;		/* AP threads created (vCPUs 1..aps_started) */
	int vcpu_loops_done;		/* vCPU loops that have returned (the watchdog kicks until all have) */
};

/* tinyvmm's own local APIC model is the CPU's (not KVM's, not absent). */
static inline bool vm_user_lapic(const struct vm *vm)
{
	return vm->has_apics && vm->cfg.irqchip == IRQCHIP_NONE;
}

/* A stop was requested (any thread, with or without vm->lock). */
static inline bool vm_stopping(const struct vm *vm)
{
	return __atomic_load_n(&vm->stop_requested, __ATOMIC_ACQUIRE) != 0;
}

/* The requested exit status, -1 while none was requested (any thread). */
static inline int vm_stop_status(const struct vm *vm)
{
	return __atomic_load_n(&vm->stop_requested, __ATOMIC_ACQUIRE) - 1;
}

/* Create everything; on failure print why on vm->diag and return EXIT_SETUP. */
int vm_create(struct vm *vm, const struct vm_config *cfg, FILE *diag);
/* Run the guest until it exits; returns the process exit status. */
int vm_run(struct vm *vm);
void vm_destroy(struct vm *vm);

/* Host pointer for [gpa, gpa+len) if it is RAM or ROM, else NULL. */
void *vm_gpa_to_host(struct vm *vm, uint64_t gpa, size_t len);

/* Ask the vCPU loop to stop with this status (exit device, watchdog). */
void vm_request_stop(struct vm *vm, int status);

/* Report an access nobody claimed; returns false if --strict says stop. */
bool vm_unhandled(struct vm *vm, bool mmio, bool write, uint64_t addr,
		  const uint8_t *data, unsigned size);

#endif
