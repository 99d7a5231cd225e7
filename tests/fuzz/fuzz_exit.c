/*
 * fuzz_exit.c - libFuzzer target for the exit dispatcher, vcpu_handle_exit()
 * (src/vcpu.c), with no /dev/kvm: as tests/unit/test_exit.c does, a struct
 * vm is built by hand around a fake kvm_run page and vCPU fd -1.  Unlike the
 * unit test, the real devices sit on the buses (UART, exit and POST ports;
 * irq.c's PIC, PIT and test-device windows; apic.c's LAPIC and IOAPIC
 * windows, with the PIT and the LAPIC timer on a fake clock), so exits reach
 * the models through the real glue code.
 *
 * The kvm_run "page" is exactly 4096 bytes of heap (run_size = 4096), so
 * AddressSanitizer reports any access outside it.
 *
 * Input: byte 0 = flags (bit 0 --strict, bit 1 --trace to /dev/null), then
 * at most 256 exits, one kind byte each (kind % 20) and its fields:
 *
 *   0-4	KVM_EXIT_IO  direction (raw byte: 1 = out, anything else in),
 *		size (sel: bit 7 ? a raw byte : 1 2 4 1[sel & 3]), port (sel:
 *		bit 7 ? a raw 16-bit value : io_ports[next byte]), count (sel:
 *		top bits 11 ? raw 32-bit : 10 ? sel & 0x3f : 1), data_offset (sel
 *		% 4: right after struct kvm_run, the end of the page minus
 *		size*count, a 16-bit or a raw 64-bit value), then min(size*count,
 *		16) data bytes (stored where they fall inside the page)
 *   5 6	KVM_EXIT_MMIO  phys_addr (sel: bit 7 ? raw 64-bit :
 *		mmio_addrs[next byte] + (sel & 0x7c ? 0 : sel & 3)), len (sel:
 *		bit 7 ? raw 32-bit : sel & 15), is_write, 8 data bytes
 *   7		KVM_EXIT_HLT  if_flag byte, an IRQ byte for the waker (below)
 *   8 9 10	KVM_EXIT_IRQ_WINDOW_OPEN, KVM_EXIT_INTR, KVM_EXIT_SET_TPR
 *   11 12	KVM_EXIT_SHUTDOWN, KVM_EXIT_FAIL_ENTRY (64-bit hardware reason)
 *   13		KVM_EXIT_INTERNAL_ERROR  suberror, ndata (raw 32-bit), 16 data words
 *   14		a raw 32-bit exit reason, with whatever the page holds
 *		(KVM_EXIT_IOAPIC_EOI among them: an EOI vector for the IOAPIC)
 *   15 19	KVM_EXIT_X86_RDMSR / WRMSR  index (sel: bit 7 ? raw 32-bit :
 *		IA32_TSC_DEADLINE if sel & 1 else IA32_APIC_BASE), data (sel: bit 7 ?
 *		raw 64-bit : 0xfee00000 | (sel & 15) << 8), error byte
 *   16		not an exit: the timer thread's work (clock += byte * 100 us,
 *		pit_update(), lapic_update() if due)
 *   17		not an exit: the injection path's INTA (irq_intack() if irq_intr())
 *   18		not an exit: around KVM_RUN the guest writes CR8 (sel: bit 7 ?
 *		raw 64-bit : sel & 15)
 *
 * HLT may legitimately sleep until another thread raises INTR or stops the
 * VM; a waker thread plays that part: if the vCPU sleeps it raises the input
 * byte's IRQ through irq_set_level(), and if INTR is still low stops the VM
 * as the watchdog would (EXIT_TIMEOUT).
 *
 * After every exit:
 *   - no access outside the 4096-byte page or the vm (ASan);
 *   - the return value == !vm->stop_requested; stop_requested never goes
 *     back to 0 and the first exit_status is kept;
 *   - the first stop has the status the exit calls for: 121 SHUTDOWN, 122
 *     FAIL_ENTRY / INTERNAL_ERROR / unknown reasons / malformed IO (size not
 *     1, 2 or 4, count 0, data not entirely between struct kvm_run and the
 *     end of the page) / MMIO length 0 or > 8, 123 HLT with IF=0 or (every
 *     PIC input masked, no INTR and the LAPIC software-disabled), 125
 *     --strict on an unclaimed access, the written byte for the exit port;
 *     a well-formed IO or MMIO exit never stops the VM otherwise; MSR,
 *     IRQ-window, INTR and SET_TPR exits never stop it;
 *   - HLT sleeps exactly when the code's conditions say it must, returns
 *     true only with INTR high, and never leaves vcpu_halted set;
 *   - INTA with INTR high yields a vector 0-255; CR8 and the TPR agree;
 *   - nreported <= VM_REPORTED_MAX + 1; the UART keeps THRE set and at most
 *     16 bytes queued; every irq_level[] is 0 or 1; the LAPIC's PPR follows
 *     the TPR/ISR rule and vectors 0-15 never reach IRR/ISR; IOAPIC Remote
 *     IRR only on level entries, reserved bits clear.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "apic.h"
#include "fuzz.h"
#include "irq.h"
#include "vm.h"

#define PAGE		4096
#define FAKE_MMIO	0xfed00000ull
#define ROM_BASE	0xffff0000ull

static FILE *devnull;
static struct fake_clock fc = FAKE_CLOCK_INIT;

static const uint16_t io_ports[] = {
	0x20, 0x21, 0xa0, 0xa1, 0x4d0, 0x4d1,			/* PIC, ELCR */
	0x40, 0x41, 0x42, 0x43, 0x61,				/* PIT, port B */
	0x3f8, 0x3f9, 0x3fa, 0x3fb, 0x3fc, 0x3fd, 0x3fe, 0x3ff,	/* COM1 */
	EXIT_PORT, POST_PORT,
	0x2000, 0x2001, 0x2004, 0x2017,				/* test device IRQs */
	0x1234, 0x0000, 0xffff,					/* nobody */
};
static const uint64_t mmio_addrs[] = {
	FAKE_MMIO, FAKE_MMIO + 0xff8, FAKE_MMIO + 0xfff, ROM_BASE, 0xfffffff0,
	IOAPIC_DEFAULT_BASE + IOAPIC_IOREGSEL, IOAPIC_DEFAULT_BASE + IOAPIC_IOWIN,
	IOAPIC_DEFAULT_BASE + 0x40, IOAPIC_DEFAULT_BASE + 0xffc,
	LAPIC_DEFAULT_BASE + LAPIC_TPR, LAPIC_DEFAULT_BASE + LAPIC_EOI,
	LAPIC_DEFAULT_BASE + LAPIC_SVR, LAPIC_DEFAULT_BASE + LAPIC_ICR_LO,
	LAPIC_DEFAULT_BASE + LAPIC_LVT_TIMER, LAPIC_DEFAULT_BASE + LAPIC_LVT_LINT0,
	LAPIC_DEFAULT_BASE + LAPIC_TIMER_ICR, LAPIC_DEFAULT_BASE + LAPIC_TIMER_CCR,
	LAPIC_DEFAULT_BASE + LAPIC_IRR + 0x70, LAPIC_DEFAULT_BASE + 0xffc,
	0xfed00000 - 4, 0, UINT64_MAX,
};
#define MSR_IA32_APIC_BASE	0x01b
#define MSR_IA32_TSC_DEADLINE	0x6e0

/* ---- the devices, as vm.c wires them (its handlers are static there) ---- */

static void tx_discard(void *opaque, uint8_t byte)
{
	(void)opaque;
	(void)byte;
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

static void exit_pio_write(void *opaque, uint64_t off, const uint8_t *data, unsigned size)
{
	(void)off;
	(void)size;
	vm_request_stop(opaque, data[0]);
}

static void post_pio_write(void *opaque, uint64_t off, const uint8_t *data, unsigned size)
{
	(void)off;
	(void)size;
	((struct vm *)opaque)->post_code = data[0];
}

static void ignore_write(void *opaque, uint64_t off, const uint8_t *data, unsigned size)
{
	(void)opaque; (void)off; (void)data; (void)size;
}

/* a recording MMIO device, like test_exit.c's */
static void fake_read(void *opaque, uint64_t off, uint8_t *data, unsigned size)
{
	(void)opaque;
	for (unsigned i = 0; i < size; i++)
		data[i] = (uint8_t)(off + i);
}

static void fake_write(void *opaque, uint64_t off, const uint8_t *data, unsigned size)
{
	volatile uint8_t sink = 0;

	(void)opaque;
	(void)off;
	for (unsigned i = 0; i < size; i++)
		sink ^= data[i];
	(void)sink;
}

static struct vm *vm_new(uint8_t flags)
{
	struct vm *vm = calloc(1, sizeof(*vm));

	CHECK(vm != NULL);
	vm->diag = devnull;
	vm->cfg.strict = flags & 1;
	vm->sys_fd = vm->vm_fd = -1;
	trace_init(&vm->trace, flags & 2, devnull);
	pthread_mutex_init(&vm->lock, NULL);
	pthread_cond_init(&vm->halt_cond, NULL);
	pthread_cond_init(&vm->timer_cond, NULL);
	bus_init(&vm->pio, "port");
	bus_init(&vm->mmio, "MMIO");
	serial_init(&vm->serial, tx_discard, vm,
		    (struct irq_line){ irq_set_level, vm, SERIAL_COM1_IRQ });
	CHECK(bus_add(&vm->pio, SERIAL_COM1_BASE, SERIAL_NPORTS, "serial",
		      serial_pio_read, serial_pio_write, &vm->serial) == 0);
	CHECK(bus_add(&vm->pio, EXIT_PORT, 4, "exit", NULL, exit_pio_write, vm) == 0);
	CHECK(bus_add(&vm->pio, POST_PORT, 1, "post", NULL, post_pio_write, vm) == 0);
	CHECK(bus_add(&vm->mmio, ROM_BASE, 0x10000, "rom", NULL, ignore_write, vm) == 0);
	CHECK(bus_add(&vm->mmio, FAKE_MMIO, 0x1000, "fake", fake_read, fake_write, vm) == 0);
	/* the PIT and the local APIC timer on the fake clock instead of the host's */
	fc.ns = 1000000000;
	vm->clock = &fc.clock;
	CHECK(irq_devices_add(vm) == 0);
	CHECK(apic_devices_add(vm) == 0);
	vm->vcpu[0].vm = vm;
	vm->vcpu[0].id = 0;
	vm->vcpu[0].fd = -1;
	vm->vcpu[0].run = calloc(1, PAGE);
	vm->vcpu[0].run_size = PAGE;
	vm->vcpu[0].thread = pthread_self();	/* irq_intr_changed(): we are the vCPU thread */
	CHECK(vm->vcpu[0].run != NULL);
	return vm;
}

static void vm_free(struct vm *vm)
{
	free(vm->vcpu[0].run);
	pthread_cond_destroy(&vm->timer_cond);
	pthread_cond_destroy(&vm->halt_cond);
	pthread_mutex_destroy(&vm->lock);
	free(vm);
}

/* ---- HLT's other thread ---- */

struct waker {
	struct vm *vm;
	int irq;
	bool done;		/* the vCPU thread is back: nothing to do */
	bool acted;		/* found the vCPU asleep */
};

static void *waker_main(void *opaque)
{
	struct waker *w = opaque;
	struct vm *vm = w->vm;

	for (;;) {
		pthread_mutex_lock(&vm->lock);
		if (vm->vcpu[0].halted || w->done)
			break;
		pthread_mutex_unlock(&vm->lock);
		sched_yield();
	}
	if (vm->vcpu[0].halted) {
		w->acted = true;
		irq_set_level(vm, w->irq, 1);		/* wakes it if INTR rises */
		if (!irq_intr(vm)) {
			vm_request_stop(vm, EXIT_TIMEOUT);	/* what the watchdog does */
			pthread_cond_signal(&vm->halt_cond);
		}
	}
	pthread_mutex_unlock(&vm->lock);
	return NULL;
}

/* ---- one exit ---- */

/* ANY: only ret == !stop_requested; CONTINUE_OR_EXITPORT: no new stop unless
 * the exit wrote the exit port; STOP: a new stop with want_status */
enum expect { EXPECT_ANY, EXPECT_CONTINUE_OR_EXITPORT, EXPECT_STOP };

static void fill(struct kvm_run *run, uint64_t off, struct fz *f, size_t n)
{
	for (size_t i = 0; i < n && off + i < PAGE; i++)
		((uint8_t *)run)[off + i] = fz_u8(f);
}

struct io_fields {
	uint8_t direction, size;
	uint16_t port;
	uint32_t count;
	uint64_t data_offset;
};

/*
 * What handle_io() must refuse (stop with EXIT_KVM_ERROR) before touching
 * the data: a size other than 1, 2 or 4, no items, or data that is not
 * entirely between the end of struct kvm_run and the end of the mapping
 * (KVM puts it at page 1, after the struct).
 */
static bool io_malformed(const struct io_fields *io)
{
	if (io->size != 1 && io->size != 2 && io->size != 4)
		return true;
	if (io->count == 0 || io->data_offset < sizeof(struct kvm_run) || io->data_offset > PAGE)
		return true;
	return (uint64_t)io->size * io->count > PAGE - io->data_offset;
}

static bool port_claimed(const struct vm *vm, uint16_t port)
{
	return bus_find(&vm->pio, port) != NULL;
}

/* PPR = TPR if TPR[7:4] >= ISRV[7:4], else ISRV[7:4] << 4 (SDM 11.8.3.1). */
static void check_lapic(const struct lapic *a)
{
	int isrv = 0;

	for (int v = 255; v >= 0 && !isrv; v--)
		if (a->isr[v >> 5] & (1u << (v & 31)))
			isrv = v;
	if ((a->tpr & 0xf0) >= ((uint32_t)isrv & 0xf0))
		CHECK(lapic_ppr(a) == (a->tpr & 0xff));
	else
		CHECK(lapic_ppr(a) == ((uint32_t)isrv & 0xf0));
	CHECK((a->isr[0] & 0xffff) == 0 && (a->irr[0] & 0xffff) == 0);	/* vectors 0-15 never */
}

/* Remote IRR only on level-triggered entries; reserved bits 55:17 clear. */
static void check_ioapic(const struct ioapic *io)
{
	for (int pin = 0; pin < IOAPIC_NUM_PINS; pin++) {
		uint64_t e = io->redir[pin];

		if (e & IOAPIC_RTE_REMOTE_IRR)
			CHECK(e & IOAPIC_RTE_TRIGGER);
		CHECK((e & 0x00fffffffffe0000ull) == 0);
		CHECK(!(e & IOAPIC_RTE_DELIVS));
	}
	CHECK(io->id < 16);
}

static void check_vm(struct vm *vm)
{
	/*
	 * The lock-free copy of INTR that inject_interrupt() reads first must
	 * equal the models' INTR after every step: a stale 0 would leave a
	 * pending interrupt uninjected until some later exit.  Keeping it true
	 * is the wiring's job (irq_intr_changed() in irq.c, apic.c, vcpu.c);
	 * this file never calls irq_intr_changed() to help, except where it
	 * copies what the timer thread does (timer_tick()).
	 */
	CHECK(__atomic_load_n(&vm->vcpu[0].intr_line, __ATOMIC_ACQUIRE) == irq_intr(vm));
	CHECK(vm->nreported >= 0 && vm->nreported <= VM_REPORTED_MAX + 1);
	CHECK(vm->serial.lsr & 0x20);
	CHECK(vm->serial.rx_count <= SERIAL_RX_FIFO);
	CHECK(!vm->vcpu[0].halted);
	for (int i = 0; i < IOAPIC_NUM_PINS; i++)
		CHECK(vm->irq_level[i] == 0 || vm->irq_level[i] == 1);
	check_lapic(&vm->lapic[0]);
	check_ioapic(&vm->ioapic);
}

/*
 * The timer thread's work for one wake-up (irq.c timer_main, static there),
 * at the fake clock's time.  Its irq_intr_changed() after lapic_update() is
 * timer_main's own, copied: keep the two in step.
 */
static void timer_tick(struct vm *vm)
{
	pthread_mutex_lock(&vm->lock);
	pit_update(&vm->pit);
	if (lapic_next_event_ns(&vm->lapic[0]) <= fc.ns) {
		lapic_update(&vm->lapic[0]);
		irq_intr_changed(vm);	/* as timer_main */
	}
	pthread_mutex_unlock(&vm->lock);
}

/* The injection path's INTA (vcpu.c inject_interrupt): INTR high means a vector. */
static void inta(struct vm *vm)
{
	const char *from;
	int v;

	pthread_mutex_lock(&vm->lock);
	if (irq_intr(vm)) {
		v = irq_intack(vm, &from);
		CHECK(v >= 0 && v <= 255);
	}
	__atomic_store_n(&vm->vcpu[0].intr_line, irq_intr(vm), __ATOMIC_RELEASE);
	pthread_mutex_unlock(&vm->lock);
}

/* The exit reasons vcpu_handle_exit() knows, and the status a first stop must have (-1: none). */
static int status_for_reason(uint32_t reason)
{
	switch (reason) {
	case KVM_EXIT_IRQ_WINDOW_OPEN: case KVM_EXIT_INTR: case KVM_EXIT_SET_TPR:
	case KVM_EXIT_X86_RDMSR: case KVM_EXIT_X86_WRMSR:
	case KVM_EXIT_IOAPIC_EOI:	/* split irqchip (aa7800a): the IOAPIC's EOI, never a stop */
		return -1;
	case KVM_EXIT_SHUTDOWN:
		return EXIT_TRIPLE_FAULT;
	default:	/* FAIL_ENTRY, INTERNAL_ERROR, anything unknown */
		return EXIT_KVM_ERROR;
	}
}

static void one_exit(struct vm *vm, struct fz *f)
{
	struct kvm_run *run = vm->vcpu[0].run;
	uint8_t kind = fz_u8(f) % 20, sel;
	bool was_stopped = vm->stop_requested, ret, hlt = false, would_sleep = false;
	int old_status = vm->exit_status, want_status = -1;
	enum expect expect = EXPECT_ANY;
	struct waker w = { .vm = vm };
	pthread_t waker;
	uint64_t total;
	uint32_t reason;
	struct io_fields io;
	uint16_t io_port;
	bool io_out;

	switch (kind) {
	case 16:				/* not an exit: the timer thread */
		fc.ns += (uint64_t)fz_u8(f) * 100000;
		timer_tick(vm);
		check_vm(vm);
		return;
	case 17:				/* not an exit: INTA */
		inta(vm);
		check_vm(vm);
		return;
	case 18:				/* not an exit: around KVM_RUN, the guest moves to CR8 */
		pthread_mutex_lock(&vm->lock);
		apic_cr8_to_run(&vm->vcpu[0]);
		CHECK(run->cr8 == (vm->lapic[0].tpr >> 4 & 15) && vm->vcpu[0].cr8_entered == run->cr8);
		run->cr8 = (sel = fz_u8(f)) & 0x80 ? fz_u64(f) : (sel & 15);
		if (run->cr8 != vm->vcpu[0].cr8_entered) {
			apic_cr8_from_run(&vm->vcpu[0]);
			CHECK(vm->lapic[0].tpr == ((run->cr8 & 15) << 4));
		}
		pthread_mutex_unlock(&vm->lock);
		check_vm(vm);
		return;
	case 5: case 6:
		run->exit_reason = KVM_EXIT_MMIO;
		sel = fz_u8(f);
		run->mmio.phys_addr = (sel & 0x80) ? fz_u64(f) :
			FZ_PICK(f, mmio_addrs) + (sel & 0x7c ? 0 : sel & 3);
		sel = fz_u8(f);
		run->mmio.len = (sel & 0x80) ? fz_u32(f) : (sel & 0x0f);
		run->mmio.is_write = fz_u8(f) & 1;
		fill(run, (uint64_t)((uint8_t *)run->mmio.data - (uint8_t *)run), f, 8);
		if (run->mmio.len == 0 || run->mmio.len > 8) {
			expect = EXPECT_STOP;
			want_status = EXIT_KVM_ERROR;
		} else if (bus_find(&vm->mmio, run->mmio.phys_addr) || !vm->cfg.strict) {
			expect = EXPECT_CONTINUE_OR_EXITPORT;
		} else {
			expect = EXPECT_STOP;
			want_status = EXIT_STRICT;
		}
		break;
	case 7:
		run->exit_reason = KVM_EXIT_HLT;
		run->if_flag = fz_u8(f) & 1;
		w.irq = fz_u8(f) % 24;
		hlt = true;
		pthread_mutex_lock(&vm->lock);
		if (!run->if_flag ||
		    (vm->pic.chip[PIC_MASTER].imr == 0xff && !irq_intr(vm) &&
		     !(lapic_mmio_read(&vm->lapic[0], LAPIC_SVR) & 0x100))) {
			expect = EXPECT_STOP;
			want_status = EXIT_GUEST_STUCK;
		} else {
			would_sleep = !irq_intr(vm) && !vm->stop_requested;
		}
		pthread_mutex_unlock(&vm->lock);
		break;
	case 8:
		run->exit_reason = KVM_EXIT_IRQ_WINDOW_OPEN;
		expect = EXPECT_CONTINUE_OR_EXITPORT;
		break;
	case 9:
		run->exit_reason = KVM_EXIT_INTR;
		expect = EXPECT_CONTINUE_OR_EXITPORT;
		break;
	case 10:
		run->exit_reason = KVM_EXIT_SET_TPR;
		expect = EXPECT_CONTINUE_OR_EXITPORT;
		break;
	case 11:
		run->exit_reason = KVM_EXIT_SHUTDOWN;
		expect = EXPECT_STOP;
		want_status = EXIT_TRIPLE_FAULT;
		break;
	case 12:
		run->exit_reason = KVM_EXIT_FAIL_ENTRY;
		run->fail_entry.hardware_entry_failure_reason = fz_u64(f);
		expect = EXPECT_STOP;
		want_status = EXIT_KVM_ERROR;
		break;
	case 13:
		run->exit_reason = KVM_EXIT_INTERNAL_ERROR;
		run->internal.suberror = fz_u8(f) % 6;
		run->internal.ndata = fz_u32(f);
		for (int i = 0; i < 16; i++)
			run->internal.data[i] = fz_u64(f);
		expect = EXPECT_STOP;
		want_status = EXIT_KVM_ERROR;
		break;
	case 14:
		/* a raw reason, with whatever the page holds from earlier exits */
		run->exit_reason = fz_u32(f);
		if (run->exit_reason == KVM_EXIT_IO || run->exit_reason == KVM_EXIT_MMIO ||
		    run->exit_reason == KVM_EXIT_HLT)
			run->exit_reason = KVM_EXIT_UNKNOWN;	/* fuzzed with their fields above */
		want_status = status_for_reason(run->exit_reason);
		if (want_status >= 0)
			expect = EXPECT_STOP;
		break;
	case 15: case 19:
		run->exit_reason = (kind == 15) ? KVM_EXIT_X86_RDMSR : KVM_EXIT_X86_WRMSR;
		sel = fz_u8(f);
		run->msr.index = (sel & 0x80) ? fz_u32(f) :
				 (sel & 1) ? MSR_IA32_TSC_DEADLINE : MSR_IA32_APIC_BASE;
		sel = fz_u8(f);
		run->msr.data = (sel & 0x80) ? fz_u64(f) :
				LAPIC_DEFAULT_BASE | (uint64_t)(sel & 0x0f) << 8;	/* EN, x2APIC, BSP bits */
		run->msr.error = fz_u8(f);
		expect = EXPECT_CONTINUE_OR_EXITPORT;
		break;
	default:				/* 0-4: port I/O */
		io.direction = fz_u8(f);
		sel = fz_u8(f);
		io.size = (sel & 0x80) ? fz_u8(f) : (uint8_t[]){ 1, 2, 4, 1 }[sel & 3];
		sel = fz_u8(f);
		io.port = (sel & 0x80) ? fz_u16(f) : FZ_PICK(f, io_ports);
		sel = fz_u8(f);
		io.count = (sel & 0xc0) == 0xc0 ? fz_u32(f) : (sel & 0x80) ? (sel & 0x3f) : 1;
		total = (uint64_t)io.size * io.count;
		sel = fz_u8(f);
		switch (sel % 4) {
		case 0: io.data_offset = sizeof(struct kvm_run); break;
		case 1: io.data_offset = total <= PAGE ? PAGE - total : 0; break;
		case 2: io.data_offset = fz_u16(f); break;
		case 3: io.data_offset = fz_u64(f); break;
		}
		/* the data first: if data_offset points into struct kvm_run, the fields win */
		fill(run, io.data_offset, f, total < 16 ? total : 16);
		run->exit_reason = KVM_EXIT_IO;
		run->io.direction = io.direction;
		run->io.size = io.size;
		run->io.port = io.port;
		run->io.count = io.count;
		run->io.data_offset = io.data_offset;
		if (io_malformed(&io)) {
			expect = EXPECT_STOP;
			want_status = EXIT_KVM_ERROR;
			break;
		}
		if (port_claimed(vm, run->io.port) || !vm->cfg.strict) {
			expect = EXPECT_CONTINUE_OR_EXITPORT;
		} else {
			expect = EXPECT_STOP;
			want_status = EXIT_STRICT;
		}
		break;
	}

	/* what the exit said: an IN may overwrite the page, even these fields */
	reason = run->exit_reason;
	io_port = run->io.port;
	io_out = run->io.direction == KVM_EXIT_IO_OUT;
	if (hlt)
		CHECK(pthread_create(&waker, NULL, waker_main, &w) == 0);
	ret = vcpu_handle_exit(&vm->vcpu[0]);
	if (hlt) {
		pthread_mutex_lock(&vm->lock);
		w.done = true;
		pthread_mutex_unlock(&vm->lock);
		pthread_join(waker, NULL);
		CHECK(w.acted == would_sleep);
		if (ret) {
			pthread_mutex_lock(&vm->lock);
			CHECK(irq_intr(vm));		/* woken by INTR, not for nothing */
			pthread_mutex_unlock(&vm->lock);
		}
	}
	if (reason == KVM_EXIT_X86_RDMSR || reason == KVM_EXIT_X86_WRMSR)
		CHECK(run->msr.error == 0 || run->msr.error == 1);

	CHECK(ret == !vm->stop_requested);
	if (was_stopped) {
		CHECK(vm->stop_requested);
		CHECK(vm->exit_status == old_status);
	}
	if (expect == EXPECT_STOP) {
		CHECK(!ret);
		if (!was_stopped)
			CHECK(vm->exit_status == want_status);
	}
	if (expect == EXPECT_CONTINUE_OR_EXITPORT && !was_stopped && !ret)
		CHECK(reason == KVM_EXIT_IO && io_port >= EXIT_PORT && io_port < EXIT_PORT + 4 && io_out);
	check_vm(vm);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = { data, size };
	struct vm *vm;
	int n = 0;

	if (!devnull) {
		devnull = fopen("/dev/null", "w");
		CHECK(devnull != NULL);
		vcpu_kick_setup();	/* a stray kick must not kill the process */
	}
	vm = vm_new(fz_u8(&f));
	while (fz_more(&f) && n++ < 256)
		one_exit(vm, &f);
	vm_free(vm);
	return 0;
}
