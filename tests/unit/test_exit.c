/*
 * test_exit.c - unit tests for vcpu_handle_exit() (src/vcpu.c) without /dev/kvm.
 *
 * Each case builds a struct vm by hand: a calloc'ed "kvm_run page", recording
 * fake devices on the port and MMIO buses, and a memstream for tinyvmm's
 * messages.  It fills in run->exit_reason and the fields KVM would have
 * written, calls vcpu_handle_exit() and looks at what the devices saw, the
 * return value, vm->exit_status and the messages.  vcpu.fd is -1, so any
 * attempt to read registers fails and says so.
 */
#include "tap.h"
#include "vm.h"
#include "diagnose.h"

#define RUN_SIZE	8192
#define DATA_OFFSET	4096
#define FAKE_PORT	0x100	/* fake port device: 0x100-0x107 */
#define STOP_PORT	0xf4	/* a stand-in for the exit device */
#define FAKE_MMIO	0xfed00000ull

struct fake {
	int reads, writes;
	uint64_t offset[16];
	unsigned size[16];
	uint8_t wbytes[64];	/* every byte written, in order */
	int nwbytes;
	uint8_t next_read;	/* reads return next_read, next_read + 1, ... */
};

static void fake_read(void *opaque, uint64_t offset, uint8_t *data, unsigned size)
{
	struct fake *f = opaque;

	if (f->reads < 16) {
		f->offset[f->reads] = offset;
		f->size[f->reads] = size;
	}
	f->reads++;
	for (unsigned i = 0; i < size; i++)
		data[i] = f->next_read++;
}

static void fake_write(void *opaque, uint64_t offset, const uint8_t *data, unsigned size)
{
	struct fake *f = opaque;

	if (f->writes < 16) {
		f->offset[f->writes] = offset;
		f->size[f->writes] = size;
	}
	f->writes++;
	for (unsigned i = 0; i < size && f->nwbytes < (int)sizeof(f->wbytes); i++)
		f->wbytes[f->nwbytes++] = data[i];
}

static void stop_write(void *opaque, uint64_t offset, const uint8_t *data, unsigned size)
{
	vm_request_stop(opaque, data[0]);
}

static struct vm *vm;
static struct kvm_run *run;
static struct fake pdev, mdev;
static char *diag_buf;
static size_t diag_len;

static struct fake_clock fake_clock = FAKE_CLOCK_INIT;

static void setup(void)
{
	memset(&pdev, 0, sizeof(pdev));
	memset(&mdev, 0, sizeof(mdev));
	pdev.next_read = 0x10;
	mdev.next_read = 0xa0;
	vm = calloc(1, sizeof(*vm));
	vm->diag = open_memstream(&diag_buf, &diag_len);
	vm->sys_fd = vm->vm_fd = -1;
	pthread_mutex_init(&vm->lock, NULL);
	pthread_cond_init(&vm->halt_cond, NULL);
	pic_init(&vm->pic);
	lapic_init(&vm->lapic[0], &fake_clock.clock, 0, NULL, NULL);
	ioapic_init(&vm->ioapic, NULL, NULL);
	vm->has_pic = vm->has_apics = true;	/* the chapter 5 machine, built by hand */
	bus_init(&vm->pio, "port");
	bus_init(&vm->mmio, "MMIO");
	bus_add(&vm->pio, FAKE_PORT, 8, "fake", fake_read, fake_write, &pdev);
	bus_add(&vm->pio, STOP_PORT, 4, "stop", NULL, stop_write, vm);
	bus_add(&vm->mmio, FAKE_MMIO, 0x1000, "fake-mmio", fake_read, fake_write, &mdev);
	vm->vcpu[0].vm = vm;
	vm->vcpu[0].fd = -1;
	vm->vcpu[0].run = calloc(1, RUN_SIZE);
	vm->vcpu[0].run_size = RUN_SIZE;
	run = vm->vcpu[0].run;
}

static void teardown(void)
{
	fclose(vm->diag);
	free(diag_buf);
	diag_buf = NULL;
	free(vm->vcpu[0].run);
	pthread_cond_destroy(&vm->halt_cond);
	pthread_mutex_destroy(&vm->lock);
	free(vm);
	vm = NULL;
	run = NULL;
}

/* tinyvmm's messages so far */
static const char *messages(void)
{
	fflush(vm->diag);
	return diag_buf ? diag_buf : "";
}

static int occurrences(const char *hay, const char *needle)
{
	int n = 0;

	for (const char *p = hay; (p = strstr(p, needle)) != NULL; p++)
		n++;
	return n;
}

static uint8_t *io_data(void)
{
	return (uint8_t *)run + DATA_OFFSET;
}

static void set_io(uint8_t direction, uint16_t port, uint8_t size, uint32_t count)
{
	run->exit_reason = KVM_EXIT_IO;
	run->io.direction = direction;
	run->io.port = port;
	run->io.size = size;
	run->io.count = count;
	run->io.data_offset = DATA_OFFSET;
}

static void set_mmio(uint64_t addr, uint32_t len, bool is_write)
{
	run->exit_reason = KVM_EXIT_MMIO;
	run->mmio.phys_addr = addr;
	run->mmio.len = len;
	run->mmio.is_write = is_write;
}

static void test_io(void)
{
	setup();
	set_io(KVM_EXIT_IO_OUT, FAKE_PORT + 3, 1, 1);
	io_data()[0] = 0x41;
	ok(vcpu_handle_exit(&vm->vcpu[0]), "IO out, 1 byte, to the fake port: continue");
	is(pdev.writes, 1, "device written once");
	is(pdev.offset[0], 3, "at offset 3");
	is(pdev.size[0], 1, "size 1");
	is(pdev.wbytes[0], 0x41, "byte 0x41");
	is(pdev.reads, 0, "not read");
	is(strlen(messages()), 0, "no message");
	ok(!vm->stop_requested, "no stop");

	set_io(KVM_EXIT_IO_OUT, FAKE_PORT, 2, 1);
	io_data()[0] = 0x34;
	io_data()[1] = 0x12;
	ok(vcpu_handle_exit(&vm->vcpu[0]), "IO out, 2 bytes: continue");
	is(pdev.size[1], 2, "size 2");
	ok(pdev.wbytes[1] == 0x34 && pdev.wbytes[2] == 0x12, "both bytes, little-endian order");

	set_io(KVM_EXIT_IO_IN, FAKE_PORT + 5, 1, 1);
	io_data()[0] = 0;
	ok(vcpu_handle_exit(&vm->vcpu[0]), "IO in, 1 byte: continue");
	is(pdev.reads, 1, "device read once");
	is(pdev.offset[0], 5, "at offset 5");
	is(io_data()[0], 0x10, "device's value written into the kvm_run page");

	set_io(KVM_EXIT_IO_IN, FAKE_PORT, 4, 1);
	memset(io_data(), 0, 8);
	ok(vcpu_handle_exit(&vm->vcpu[0]), "IO in, 4 bytes: continue");
	ok(io_data()[0] == 0x11 && io_data()[3] == 0x14, "4 bytes from the device");
	is(io_data()[4], 0, "nothing past the 4 bytes");
	teardown();
}

static void test_io_rep(void)
{
	setup();
	set_io(KVM_EXIT_IO_OUT, FAKE_PORT, 1, 3);
	memcpy(io_data(), "abc", 3);
	ok(vcpu_handle_exit(&vm->vcpu[0]), "rep outsb, count 3: continue");
	is(pdev.writes, 3, "device called 3 times");
	ok(pdev.offset[0] == 0 && pdev.offset[1] == 0 && pdev.offset[2] == 0, "same port each time");
	ok(pdev.nwbytes == 3 && memcmp(pdev.wbytes, "abc", 3) == 0, "consecutive bytes 'a' 'b' 'c'");

	set_io(KVM_EXIT_IO_IN, FAKE_PORT + 1, 2, 3);
	memset(io_data(), 0, 8);
	ok(vcpu_handle_exit(&vm->vcpu[0]), "rep insw, count 3: continue");
	is(pdev.reads, 3, "device read 3 times");
	is(pdev.size[2], 2, "2 bytes each");
	ok(io_data()[0] == 0x10 && io_data()[1] == 0x11 && io_data()[4] == 0x14 && io_data()[5] == 0x15,
	   "results laid out one after another");
	is(io_data()[6], 0, "nothing past 3 words");
	teardown();
}

static void test_io_unclaimed(void)
{
	const char *m;

	setup();
	set_io(KVM_EXIT_IO_OUT, 0x1234, 1, 1);
	io_data()[0] = 0x5a;
	ok(vcpu_handle_exit(&vm->vcpu[0]), "write to an unclaimed port: continue");
	m = messages();
	is(occurrences(m, "unhandled port write"), 1, "one 'unhandled port write' message");
	ok(strstr(m, "0x1234") != NULL, "message names the port 0x1234");
	ok(strstr(m, "0x5a") != NULL, "message gives the value 0x5a");
	is(occurrences(m, "\n"), 1, "message is one line");
	ok(!vm->stop_requested, "not stopped");

	ok(vcpu_handle_exit(&vm->vcpu[0]), "same port again: continue");
	is(occurrences(messages(), "unhandled port"), 1, "no second message: reported once");

	set_io(KVM_EXIT_IO_IN, 0x1234, 1, 1);
	io_data()[0] = 0;
	ok(vcpu_handle_exit(&vm->vcpu[0]), "read of the same port: continue");
	is(io_data()[0], 0xff, "unclaimed read gives 0xff");
	is(occurrences(messages(), "unhandled port"), 1, "reported once per address (reads included)");

	set_io(KVM_EXIT_IO_IN, 0x1235, 2, 1);
	memset(io_data(), 0, 4);
	ok(vcpu_handle_exit(&vm->vcpu[0]), "read of another unclaimed port: continue");
	ok(io_data()[0] == 0xff && io_data()[1] == 0xff && io_data()[2] == 0, "reads as 0xffff");
	is(occurrences(messages(), "unhandled port read"), 1, "new address: 'unhandled port read' message");

	set_io(KVM_EXIT_IO_OUT, 0x3000, 1, 4);
	memcpy(io_data(), "wxyz", 4);
	ok(vcpu_handle_exit(&vm->vcpu[0]), "rep outsb to an unclaimed port: continue");
	is(occurrences(messages(), "0x3000"), 1, "rep of 4 to one unclaimed port: one message");

	set_io(KVM_EXIT_IO_OUT, 0x0000, 1, 1);
	io_data()[0] = 1;
	ok(vcpu_handle_exit(&vm->vcpu[0]), "write to unclaimed port 0: continue");
	m = strrchr(messages(), '\n');
	while (m && m > messages() && m[-1] != '\n')	/* start of the last line */
		m--;
	m = m ? strstr(m, "port write at ") : NULL;
	ok(m && strncmp(m, "port write at 0x0000 ", 21) == 0, "port 0 is printed as 0x0000");
	teardown();
}

static void test_strict(void)
{
	setup();
	vm->cfg.strict = true;
	set_io(KVM_EXIT_IO_OUT, 0x1234, 1, 1);
	ok(!vcpu_handle_exit(&vm->vcpu[0]), "--strict: unclaimed port write stops");
	is(vm->exit_status, EXIT_STRICT, "exit status 125 (EXIT_STRICT)");
	ok(vm->stop_requested, "stop requested");
	ok(strstr(messages(), "--strict") != NULL, "message mentions --strict");
	teardown();

	setup();
	vm->cfg.strict = true;
	set_io(KVM_EXIT_IO_OUT, 0x1234, 1, 3);
	memcpy(io_data(), "abc", 3);
	ok(!vcpu_handle_exit(&vm->vcpu[0]), "--strict: rep outsb to an unclaimed port stops");
	is(occurrences(messages(), "unhandled"), 1, "at the first byte: one message");
	teardown();

	setup();
	vm->cfg.strict = true;
	set_mmio(0xfec00000, 4, false);
	ok(!vcpu_handle_exit(&vm->vcpu[0]), "--strict: unclaimed MMIO read stops");
	is(vm->exit_status, EXIT_STRICT, "exit status 125");
	ok(strstr(messages(), "unhandled MMIO read") != NULL, "message says unhandled MMIO read");
	teardown();

	setup();
	vm->cfg.strict = true;
	set_io(KVM_EXIT_IO_OUT, FAKE_PORT, 1, 1);
	ok(vcpu_handle_exit(&vm->vcpu[0]), "--strict: a claimed port is fine");
	ok(!vm->stop_requested, "no stop");
	teardown();
}

static void test_io_malformed(void)
{
	setup();
	set_io(KVM_EXIT_IO_OUT, FAKE_PORT, 1, 1);
	run->io.data_offset = RUN_SIZE;
	ok(!vcpu_handle_exit(&vm->vcpu[0]), "data_offset = run_size: stop");
	is(vm->exit_status, EXIT_KVM_ERROR, "exit status 122");
	ok(strstr(messages(), "malformed KVM_EXIT_IO") != NULL, "message says malformed KVM_EXIT_IO");
	is(pdev.writes, 0, "device not called");
	teardown();

	setup();
	set_io(KVM_EXIT_IO_OUT, FAKE_PORT, 4, 1025);	/* 4096 + 4100 > 8192 */
	ok(!vcpu_handle_exit(&vm->vcpu[0]), "data_offset + size * count past the page: stop");
	is(vm->exit_status, EXIT_KVM_ERROR, "exit status 122");
	is(pdev.writes, 0, "device not called");
	teardown();

	setup();
	set_io(KVM_EXIT_IO_OUT, FAKE_PORT, 4, 1024);	/* exactly fills the page */
	ok(vcpu_handle_exit(&vm->vcpu[0]), "data ending exactly at run_size: accepted");
	is(pdev.writes, 1024, "device called 1024 times");
	teardown();

	setup();
	set_io(KVM_EXIT_IO_OUT, FAKE_PORT, 1, 1);
	run->io.data_offset = UINT64_MAX - 1;
	ok(!vcpu_handle_exit(&vm->vcpu[0]), "huge data_offset (would wrap): stop");
	is(vm->exit_status, EXIT_KVM_ERROR, "exit status 122");
	teardown();
	/* found by tests/fuzz/fuzz_exit (tests/fuzz/crashes/exit-io-*.bin) */
	setup();
	set_io(KVM_EXIT_IO_OUT, FAKE_PORT, 0, 1);
	ok(!vcpu_handle_exit(&vm->vcpu[0]), "size 0: stop");
	is(pdev.writes, 0, "size 0: device not called");
	teardown();

	setup();
	set_io(KVM_EXIT_IO_OUT, FAKE_PORT, 3, 1);
	ok(!vcpu_handle_exit(&vm->vcpu[0]), "size 3: stop");
	teardown();

	setup();
	set_io(KVM_EXIT_IO_OUT, FAKE_PORT, 1, 1);
	run->io.data_offset = 16;	/* inside struct kvm_run itself */
	ok(!vcpu_handle_exit(&vm->vcpu[0]), "data_offset inside struct kvm_run: stop");
	is(pdev.writes, 0, "data inside kvm_run: device not called");
	teardown();

	setup();
	set_io(KVM_EXIT_IO_OUT, FAKE_PORT, 4, 0x40000001);	/* size * count overflows 32 bits */
	ok(!vcpu_handle_exit(&vm->vcpu[0]), "count * size past 4 GiB: stop");
	teardown();
}

static void test_io_stop(void)
{
	setup();
	set_io(KVM_EXIT_IO_OUT, STOP_PORT, 1, 1);
	io_data()[0] = 7;
	ok(!vcpu_handle_exit(&vm->vcpu[0]), "a device that requests a stop: vcpu_handle_exit returns false");
	is(vm->exit_status, 7, "exit status from the device");
	teardown();

	setup();
	set_io(KVM_EXIT_IO_OUT, STOP_PORT, 1, 3);
	memcpy(io_data(), "\x05\x06\x07", 3);
	ok(!vcpu_handle_exit(&vm->vcpu[0]), "rep outsb to the stop port: false");
	is(vm->exit_status, 5, "the first byte's status wins");
	teardown();
}

static void test_mmio(void)
{
	const uint8_t w[4] = { 0xde, 0xad, 0xbe, 0xef };

	setup();
	set_mmio(FAKE_MMIO + 0x10, 4, true);
	memcpy(run->mmio.data, w, 4);
	ok(vcpu_handle_exit(&vm->vcpu[0]), "MMIO write to the fake device: continue");
	is(mdev.writes, 1, "device written once");
	is(mdev.offset[0], 0x10, "offset 0x10");
	is(mdev.size[0], 4, "size 4");
	ok(memcmp(mdev.wbytes, w, 4) == 0, "data passed through");

	set_mmio(FAKE_MMIO + 0xff8, 8, false);
	memset(run->mmio.data, 0, 8);
	ok(vcpu_handle_exit(&vm->vcpu[0]), "MMIO read, 8 bytes: continue");
	is(mdev.reads, 1, "device read once");
	is(mdev.offset[0], 0xff8, "offset 0xff8");
	ok(run->mmio.data[0] == 0xa0 && run->mmio.data[7] == 0xa7, "8 bytes into run->mmio.data");
	is(pdev.reads + pdev.writes, 0, "port device untouched");

	set_mmio(0xfec00000, 4, false);
	memset(run->mmio.data, 0, 8);
	ok(vcpu_handle_exit(&vm->vcpu[0]), "unclaimed MMIO read: continue");
	ok(run->mmio.data[0] == 0xff && run->mmio.data[3] == 0xff && run->mmio.data[4] == 0,
	   "reads as all ones (4 bytes)");
	ok(strstr(messages(), "unhandled MMIO read") != NULL, "'unhandled MMIO read' message");
	ok(strstr(messages(), "0xfec00000") != NULL, "message names the address");
	set_mmio(0xfec00000, 4, true);
	ok(vcpu_handle_exit(&vm->vcpu[0]), "unclaimed MMIO write at the same address: continue");
	is(occurrences(messages(), "unhandled MMIO"), 1, "reported once");
	set_io(KVM_EXIT_IO_OUT, 0xfec0, 1, 1);
	vcpu_handle_exit(&vm->vcpu[0]);
	is(occurrences(messages(), "unhandled port"), 1, "port and MMIO addresses are reported separately");
	teardown();

	setup();
	set_mmio(FAKE_MMIO, 0, false);
	ok(!vcpu_handle_exit(&vm->vcpu[0]), "MMIO len 0: stop");
	is(vm->exit_status, EXIT_KVM_ERROR, "exit status 122");
	ok(strstr(messages(), "length 0") != NULL, "message gives length 0");
	is(mdev.reads, 0, "device not called");
	teardown();

	setup();
	set_mmio(FAKE_MMIO, 9, true);
	ok(!vcpu_handle_exit(&vm->vcpu[0]), "MMIO len 9: stop");
	is(vm->exit_status, EXIT_KVM_ERROR, "exit status 122");
	is(mdev.writes, 0, "device not called");
	teardown();
}

static void test_fatal_exits(void)
{
	const char *m;

	setup();
	run->exit_reason = KVM_EXIT_SHUTDOWN;
	ok(!vcpu_handle_exit(&vm->vcpu[0]), "KVM_EXIT_SHUTDOWN: stop");
	is(vm->exit_status, EXIT_TRIPLE_FAULT, "exit status 121");
	m = messages();
	ok(strstr(m, "triple-fault") != NULL, "message says triple-fault");
	ok(strstr(m, "registers unavailable") != NULL, "fd -1: registers unavailable");
	teardown();

	setup();
	run->exit_reason = KVM_EXIT_FAIL_ENTRY;
	run->fail_entry.hardware_entry_failure_reason = 0x21;
	ok(!vcpu_handle_exit(&vm->vcpu[0]), "KVM_EXIT_FAIL_ENTRY: stop");
	is(vm->exit_status, EXIT_KVM_ERROR, "exit status 122");
	m = messages();
	ok(strstr(m, "0x21") != NULL, "message gives hardware reason 0x21");
	ok(strstr(m, "KVM_EXIT_FAIL_ENTRY") != NULL, "message names KVM_EXIT_FAIL_ENTRY");
	teardown();

	setup();
	run->exit_reason = KVM_EXIT_INTERNAL_ERROR;
	run->internal.suberror = KVM_INTERNAL_ERROR_EMULATION;
	run->internal.ndata = 2;
	run->internal.data[0] = 0x1234;
	run->internal.data[1] = 0xabcd;
	ok(!vcpu_handle_exit(&vm->vcpu[0]), "KVM_EXIT_INTERNAL_ERROR: stop");
	is(vm->exit_status, EXIT_KVM_ERROR, "exit status 122");
	m = messages();
	ok(strstr(m, "suberror 1") != NULL, "message says suberror 1");
	ok(strstr(m, "emulat") != NULL, "message explains emulation failure");
	ok(strstr(m, "data[0]=0x1234") && strstr(m, "data[1]=0xabcd"), "data words printed");
	ok(strstr(m, "registers unavailable") != NULL, "registers unavailable");
	teardown();

	setup();
	run->exit_reason = KVM_EXIT_INTERNAL_ERROR;
	run->internal.suberror = 99;
	run->internal.ndata = 1000;	/* bogus: must stop at 16 */
	ok(!vcpu_handle_exit(&vm->vcpu[0]), "internal error with bogus ndata: stop");
	m = messages();
	ok(strstr(m, "unknown suberror") != NULL, "unknown suberror named");
	ok(strstr(m, "data[15]") != NULL && strstr(m, "data[16]") == NULL, "data printed up to [15] only");
	teardown();

	setup();
	run->exit_reason = 9999;
	ok(!vcpu_handle_exit(&vm->vcpu[0]), "unknown exit reason: stop");
	is(vm->exit_status, EXIT_KVM_ERROR, "exit status 122");
	ok(strstr(messages(), "unexpected exit reason 9999") != NULL, "message gives the number");
	teardown();

	setup();
	run->exit_reason = KVM_EXIT_DEBUG;
	ok(!vcpu_handle_exit(&vm->vcpu[0]), "KVM_EXIT_DEBUG (not handled): stop");
	ok(strstr(messages(), "KVM_EXIT_DEBUG") != NULL, "message names the reason");
	teardown();
}

static void test_hlt_intr(void)
{
	setup();
	run->exit_reason = KVM_EXIT_HLT;
	run->if_flag = 0;
	ok(!vcpu_handle_exit(&vm->vcpu[0]), "HLT with IF=0: stop");
	is(vm->exit_status, EXIT_GUEST_STUCK, "exit status 123");
	ok(strstr(messages(), "IF=0") != NULL, "message says IF=0");
	ok(strstr(messages(), "registers unavailable") != NULL, "registers unavailable");
	teardown();

	setup();
	run->exit_reason = KVM_EXIT_HLT;
	run->if_flag = 1;
	vm->pic.chip[PIC_MASTER].imr = 0xff;
	ok(!vcpu_handle_exit(&vm->vcpu[0]), "HLT with IF=1 but every PIC input masked: stop");
	is(vm->exit_status, EXIT_GUEST_STUCK, "exit status 123");
	ok(strstr(messages(), "masked") != NULL, "message says masked");
	teardown();

	setup();
	run->exit_reason = KVM_EXIT_INTR;
	ok(vcpu_handle_exit(&vm->vcpu[0]), "KVM_EXIT_INTR: continue");
	vm_request_stop(vm, EXIT_TIMEOUT);
	ok(!vcpu_handle_exit(&vm->vcpu[0]), "KVM_EXIT_INTR after a stop request: stop");
	is(vm->exit_status, EXIT_TIMEOUT, "status kept (124)");
	is(strlen(messages()), 0, "no message");
	teardown();

	setup();
	run->exit_reason = KVM_EXIT_IRQ_WINDOW_OPEN;
	ok(vcpu_handle_exit(&vm->vcpu[0]), "KVM_EXIT_IRQ_WINDOW_OPEN: continue");
	teardown();
}

static void test_request_stop(void)
{
	setup();
	vm_request_stop(vm, 0x1ff);
	ok(vm->stop_requested, "vm_request_stop sets stop_requested");
	is(vm->exit_status, 0xff, "status 0x1ff -> 0xff");
	vm_request_stop(vm, 3);
	is(vm->exit_status, 0xff, "a second request does not override the first");

	/* after a stop request, even a handled IO says stop */
	set_io(KVM_EXIT_IO_OUT, FAKE_PORT, 1, 1);
	ok(!vcpu_handle_exit(&vm->vcpu[0]), "IO after a stop request: false");
	is(pdev.writes, 1, "but the IO was still done");
	is(vm->exit_status, 0xff, "status unchanged");

	/* a fatal exit after a stop keeps the first status */
	run->exit_reason = KVM_EXIT_SHUTDOWN;
	ok(!vcpu_handle_exit(&vm->vcpu[0]), "SHUTDOWN after a stop request: false");
	is(vm->exit_status, 0xff, "the first status is kept");

	vm->stop_requested = 0;
	vm_request_stop(vm, 0);
	is(vm->exit_status, 0, "after a reset, status 0 is taken");
	teardown();
}

/*
 * The x86 reset state (Intel SDM vol. 3A, table 10-1 "IA-32 and Intel 64
 * Processor States Following Power-up, Reset, or INIT"): CS selector F000,
 * base FFFF0000, EIP 0000FFF0, CR0 60000010 (PE clear).
 */
static void test_reset_state(void)
{
	struct kvm_regs r = { .rip = 0xfff0 };
	struct kvm_sregs s = { .cr0 = 0x60000010 };

	s.cs.selector = 0xf000;
	s.cs.base = 0xffff0000;
	ok(regs_are_reset_state(&r, &s), "SDM reset values (F000:FFF0, base FFFF0000, PE=0) are the reset state");
	r.rip = 0xfff1;
	ok(!regs_are_reset_state(&r, &s), "rip FFF1: not the reset state");
	r.rip = 0xfff0;
	s.cs.base = 0xf0000;
	ok(!regs_are_reset_state(&r, &s), "real-mode F000:FFF0 with base F0000 (a far jump back to the BIOS segment): not reset");
	s.cs.base = 0xffff0000;
	s.cr0 |= 1;
	ok(!regs_are_reset_state(&r, &s), "protected mode: not the reset state");
}

/*
 * "rep insb" from a port nobody owns (KVM API doc, KVM_EXIT_IO: 'count'
 * items of 'size' bytes at data_offset).  Each item reads as all ones, as an
 * undriven ISA bus does, and the address is reported once, not per item.
 */
static void test_io_rep_unclaimed(void)
{
	setup();
	set_io(KVM_EXIT_IO_IN, 0x2fd, 1, 4);
	memset(io_data(), 0, 8);
	ok(vcpu_handle_exit(&vm->vcpu[0]), "rep insb, count 4, from an unclaimed port: continue");
	ok(io_data()[0] == 0xff && io_data()[1] == 0xff && io_data()[2] == 0xff && io_data()[3] == 0xff,
	   "rep insb from an unclaimed port: all 4 bytes read 0xff");
	is(io_data()[4], 0, "rep insb from an unclaimed port: nothing past the 4 bytes");
	is(occurrences(messages(), "unhandled port read at 0x02fd"), 1,
	   "rep insb from an unclaimed port: reported once, not once per byte");
	teardown();
}

/*
 * The report of unclaimed accesses is bounded (tutorial chapter 2, section 5:
 * "After 64 different addresses it says so once and goes quiet").
 */
static void test_unhandled_limit(void)
{
	int n = 0;

	setup();
	for (int i = 0; i < 64; i++) {
		set_io(KVM_EXIT_IO_OUT, (uint16_t)(0x5000 + i), 1, 1);
		n += vcpu_handle_exit(&vm->vcpu[0]);
	}
	is(n, 64, "64 unclaimed ports: continue each time");
	is(occurrences(messages(), "unhandled port write"), 64, "64 different unclaimed ports: 64 reports");
	is(occurrences(messages(), "more than"), 0, "64 addresses: not yet 'more than'");
	set_io(KVM_EXIT_IO_OUT, 0x5000 + 64, 1, 1);
	ok(vcpu_handle_exit(&vm->vcpu[0]), "65th unclaimed address: continue");
	is(occurrences(messages(), "unhandled port write"), 64, "65th unclaimed address: not reported");
	is(occurrences(messages(), "more than 64 addresses"), 1, "65th unclaimed address: 'more than 64 addresses' said once");
	set_mmio(0xd0000, 1, true);
	ok(vcpu_handle_exit(&vm->vcpu[0]), "after the limit, an unclaimed MMIO write: continue");
	set_io(KVM_EXIT_IO_IN, 0x6000, 1, 1);
	ok(vcpu_handle_exit(&vm->vcpu[0]), "after the limit, an unclaimed port read: continue");
	is(io_data()[0], 0xff, "after the limit, an unclaimed read still gives 0xff");
	is(occurrences(messages(), "\n"), 65, "after the limit: quiet (65 lines in all)");
	teardown();
}

/*
 * The injection step before KVM_RUN (vcpu_inject_interrupt), on the chapter 3
 * machine: the 8259A alone drives INTR.  Oracle: the KVM API doc (struct
 * kvm_run): "ready_for_interrupt_injection ... indicates an interrupt can be
 * injected now with KVM_INTERRUPT", if_flag is the guest's IF, and
 * "request_interrupt_window ... requests KVM_RUN to return when it becomes
 * possible to inject external interrupts into the guest"; and the 8259A
 * datasheet: the INTA cycle moves the request from IRR to ISR and supplies
 * ICW2's base + IR.  vcpu.fd is -1, so KVM_INTERRUPT fails and tinyvmm's
 * message names the vector it tried: that is how the vector is seen here.
 */
static uint8_t master_isr(void)
{
	struct pic_state_summary s;

	pic_summary(&vm->pic, &s);
	return s.isr[PIC_MASTER];
}

static uint8_t master_irr(void)
{
	struct pic_state_summary s;

	pic_summary(&vm->pic, &s);
	return s.irr[PIC_MASTER];
}

static void setup_pic_machine(void)
{
	static const uint8_t init[2][4] = { { 0x11, 0x20, 0x04, 0x01 }, { 0x11, 0x28, 0x02, 0x01 } };

	setup();
	vm->has_apics = false;		/* chapter 3: no local APIC between the 8259A and INTR */
	for (int i = 0; i < 4; i++) {
		pic_port_write(&vm->pic, i ? 0x21 : 0x20, init[0][i]);
		pic_port_write(&vm->pic, i ? 0xa1 : 0xa0, init[1][i]);
	}
}

/* A device raises ISA line irq; intr_line is set as irq_intr_changed() would. */
static void raise_irq(int irq)
{
	pic_set_irq(&vm->pic, irq, 1);
	__atomic_store_n(&vm->vcpu[0].intr_line, pic_intr(&vm->pic), __ATOMIC_RELEASE);
}

static void test_inject_interrupt(void)
{
	setup_pic_machine();
	raise_irq(1);
	run->ready_for_interrupt_injection = 1;
	run->if_flag = 1;
	vcpu_inject_interrupt(&vm->vcpu[0]);
	is(master_isr(), 0x02, "inject: INTR high, guest ready with IF=1: the INTA moves IRQ 1 to ISR");
	ok(strstr(messages(), "KVM_INTERRUPT vector 0x21") != NULL,
	   "inject: KVM_INTERRUPT is given IRQ 1's vector 0x21 (ICW2 base 0x20 + 1)");
	ok(vm->vcpu[0].inject_inflight, "inject: the vector is marked in flight until the guest runs");
	is(run->request_interrupt_window, 0, "inject: no interrupt window requested after an injection");
	ok(!__atomic_load_n(&vm->vcpu[0].intr_line, __ATOMIC_ACQUIRE),
	   "inject: INTR is low after the INTA, and intr_line says so");

	/* KVM_RUN returned EINTR (a kick) before the guest ran: the vector is still KVM's */
	raise_irq(0);
	vcpu_inject_interrupt(&vm->vcpu[0]);
	ok(master_isr() == 0x02 && master_irr() == 0x01 && occurrences(messages(), "KVM_INTERRUPT") == 1,
	   "inject: one vector in flight: no second INTA before the guest ran (IRQ 0 waits in IRR)");
	vm->vcpu[0].inject_inflight = false;	/* the guest ran */
	vcpu_inject_interrupt(&vm->vcpu[0]);
	ok(master_isr() == 0x03 && strstr(messages(), "KVM_INTERRUPT vector 0x20") != NULL,
	   "inject: once the guest ran, IRQ 0 (vector 0x20) nests inside IRQ 1's handler");
	teardown();

	setup_pic_machine();
	raise_irq(1);
	run->ready_for_interrupt_injection = 0;
	run->if_flag = 0;
	vcpu_inject_interrupt(&vm->vcpu[0]);
	is(run->request_interrupt_window, 1, "inject: INTR high but IF=0: an interrupt window is requested");
	ok(master_isr() == 0 && master_irr() == 0x02 && strstr(messages(), "KVM_INTERRUPT") == NULL,
	   "inject: IF=0: no INTA and no KVM_INTERRUPT, IRQ 1 stays in IRR");

	run->request_interrupt_window = 0;
	run->if_flag = 1;		/* IF=1 but not ready: the instruction after sti, or KVM busy */
	vcpu_inject_interrupt(&vm->vcpu[0]);
	ok(run->request_interrupt_window == 1 && master_isr() == 0,
	   "inject: IF=1 but not ready (sti shadow): no INTA, an interrupt window is requested");

	run->ready_for_interrupt_injection = 1;	/* KVM_EXIT_IRQ_WINDOW_OPEN */
	vcpu_inject_interrupt(&vm->vcpu[0]);
	ok(master_isr() == 0x02 && run->request_interrupt_window == 0 &&
	   strstr(messages(), "KVM_INTERRUPT vector 0x21") != NULL,
	   "inject: the window open (ready, IF=1): IRQ 1 injected, the window request withdrawn");
	teardown();

	setup_pic_machine();
	run->ready_for_interrupt_injection = 1;
	run->if_flag = 1;
	run->request_interrupt_window = 1;	/* left over from a request that is gone */
	vcpu_inject_interrupt(&vm->vcpu[0]);
	is(run->request_interrupt_window, 0, "inject: INTR low: a stale interrupt window request is withdrawn");
	ok(strstr(messages(), "KVM_INTERRUPT") == NULL && master_isr() == 0,
	   "inject: INTR low: no INTA, no KVM_INTERRUPT (no spurious IRQ 7)");
	teardown();
}

/*
 * cpu_mode_name() against the SDM (vol. 3A 2.2 "Modes of operation", 3.4.5
 * "Segment descriptors", 10.8.5 "Initializing IA-32e mode"): CR0.PE = 0 is
 * real mode whatever the descriptor caches hold; IA-32e mode is EFER.LMA
 * (set by the CPU when paging comes on with LME), not LME; in it CS.L picks
 * 64-bit or compatibility mode; outside it CS.D picks 32- or 16-bit code.
 */
static void test_cpu_modes(void)
{
	struct kvm_sregs s;

	memset(&s, 0, sizeof(s));
	s.cr0 = 0x60000010;
	ok(strcmp(cpu_mode_name(&s), "real mode") == 0, "cpu mode: CR0.PE = 0 is real mode");
	s.cs.db = 1;
	ok(strcmp(cpu_mode_name(&s), "real mode") == 0,
	   "cpu mode: CR0.PE = 0 with a 32-bit CS left in the cache is still real mode");
	s.cs.db = 0;
	s.cr0 |= 1;
	ok(strcmp(cpu_mode_name(&s), "16-bit protected mode") == 0,
	   "cpu mode: PE = 1 with CS.D = 0 (the real-mode CS before the far jump) is 16-bit protected mode");
	s.cs.db = 1;
	ok(strcmp(cpu_mode_name(&s), "32-bit protected mode") == 0, "cpu mode: PE = 1 with CS.D = 1 is 32-bit protected mode");
	s.efer = 0x100;		/* LME, paging still off: not yet IA-32e mode */
	s.cr4 = 0x20;
	ok(strcmp(cpu_mode_name(&s), "32-bit protected mode") == 0,
	   "cpu mode: EFER.LME = 1 but LMA = 0 (paging off) is still 32-bit protected mode");
	s.cr0 |= 0x80000000;
	s.efer = 0x500;		/* LME and LMA */
	ok(strncmp(cpu_mode_name(&s), "compatibility mode", 18) == 0,
	   "cpu mode: EFER.LMA = 1 with CS.L = 0 is compatibility mode");
	s.cs.db = 0;
	s.cs.l = 1;
	ok(strcmp(cpu_mode_name(&s), "64-bit long mode") == 0, "cpu mode: EFER.LMA = 1 with CS.L = 1 is 64-bit long mode");
}

/*
 * guest_virt_to_phys() on page tables written by hand in a fake guest RAM.
 * The oracle is the SDM, vol. 3A chapter 4: 4.3 (32-bit paging: CR3 bits
 * 31:12, two levels of 1024 4-byte entries, PS in a PDE maps 4 MiB only when
 * CR4.PSE = 1), 4.4 (PAE: CR3 bits 31:5 locate four 8-byte PDPTEs, then two
 * levels of 512), 4.5 (4-level: PML4, PDPT, PD, PT, 9 bits each; PS in a
 * PDPTE maps 1 GiB, in a PDE 2 MiB; entry bits 51:12 are the address, bit 63
 * is XD).  Every expected address below is worked out by hand from the table
 * entries; the first 4-level one is the walk of tutorial chapter 4, section 4.
 */
#define WALK_RAM	(2u << 20)

static struct vm *walk_vm;

static void put64(uint64_t gpa, uint64_t v)
{
	memcpy(walk_vm->ram + gpa, &v, 8);
}

static void put32(uint64_t gpa, uint32_t v)
{
	memcpy(walk_vm->ram + gpa, &v, 4);
}

/* translate gva; the result, or ~0 when there is none */
static uint64_t walk(const struct kvm_sregs *s, uint64_t gva)
{
	uint64_t gpa = 0;

	return guest_virt_to_phys(walk_vm, s, gva, &gpa) ? gpa : ~0ull;
}

static void test_page_walk(void)
{
	struct kvm_sregs s;

	walk_vm = calloc(1, sizeof(*walk_vm));
	walk_vm->ram = calloc(1, WALK_RAM);
	walk_vm->ram_size = WALK_RAM;

	memset(&s, 0, sizeof(s));
	s.cr0 = 0x60000011;	/* PE, paging off */
	s.cr3 = 0x10000;	/* ignored without PG */
	is(walk(&s, 0x12345678), 0x12345678, "page walk, paging off (CR0.PG = 0): linear = physical");

	/* 4-level: the tables of guest/longmode.S, plus a page table, a 1 GiB and a remapped 2 MiB page */
	put64(0x10000, 0x11003);			/* PML4[0] -> PDPT */
	put64(0x11000, 0x12003);			/* PDPT[0] -> PD for 0-1 GiB */
	put64(0x11018, 0x15003);			/* PDPT[3] -> PD for 3-4 GiB */
	put64(0x11020, 0x80000083);			/* PDPT[4]: PS, a 1 GiB page at 2 GiB */
	put64(0x15000 + 511 * 8, 0xffe00083);		/* PD[511]: 2 MiB page at 0xffe00000 */
	put64(0x12008, 0x600083);			/* PD[1]: 2 MiB page at 6 MiB */
	put64(0x12010, 0x16003);			/* PD[2] -> page table at 0x16000 */
	put64(0x16000 + 5 * 8, 0xabcd003);		/* PT[5]: 4 KiB page at 0xabcd000 */
	put64(0x16000 + 6 * 8, 0x800000000bcde003ull);	/* PT[6]: XD set, page at 0xbcde000 */
	s.cr0 = 0xe0000011;
	s.cr4 = 0x20;
	s.efer = 0x500;
	s.cs.l = 1;
	is(walk(&s, 0xfffffff0), 0xfffffff0,
	   "page walk, 4-level: 0xfffffff0 goes through PML4[0], PDPT[3], PD[511] (2 MiB page) to 0xfffffff0");
	is(walk(&s, 0x234567), 0x634567,
	   "page walk, 4-level 2 MiB page: PD[1] = 0x600083 maps 0x234567 to 0x634567");
	is(walk(&s, 0x405123), 0xabcd123,
	   "page walk, 4-level 4 KiB page: PD[2] -> PT[5] = 0xabcd003 maps 0x405123 to 0xabcd123");
	is(walk(&s, 0x406fff), 0xbcdefff,
	   "page walk, 4-level: bit 63 (XD) of PT[6] is not part of the address: 0x406fff is 0xbcdefff");
	is(walk(&s, 0x123456789ull), 0xa3456789,
	   "page walk, 4-level 1 GiB page: PDPT[4] = 0x80000083 maps 0x123456789 to 0xa3456789");
	is(walk(&s, 0x140000000ull), ~0ull, "page walk, 4-level: PDPT[5] is not present: no translation");
	is(walk(&s, 0x407000), ~0ull, "page walk, 4-level: PT[7] is not present: no translation");

	/* PAE: CR3 = 0x20020 is 32-byte aligned, not 4 KiB aligned */
	put64(0x20020, 0x22001);			/* PDPTE[0] -> PD at 0x22000 */
	put64(0x20038, 0x21001);			/* PDPTE[3] -> PD at 0x21000 */
	put64(0x21000 + 511 * 8, 0xffe00083);		/* PD[511]: 2 MiB page at 0xffe00000 */
	put64(0x22000, 0x23003);			/* PD[0] -> PT at 0x23000 */
	put64(0x23008, 0x777003);			/* PT[1]: 4 KiB page at 0x777000 */
	s.cr3 = 0x20020;
	s.efer = 0;
	s.cs.l = 0;
	s.cs.db = 1;
	is(walk(&s, 0x1234), 0x777234,
	   "page walk, PAE: CR3 bits 31:5 (0x20020) locate the PDPTEs; PDPTE[0] -> PD[0] -> PT[1] maps 0x1234 to 0x777234");
	is(walk(&s, 0xfffffff0), 0xfffffff0,
	   "page walk, PAE 2 MiB page: PDPTE[3] -> PD[511] maps 0xfffffff0 to 0xfffffff0");

	/* 32-bit paging: 4-byte entries, 10 bits an index */
	put32(0x30000, 0x31003);			/* PD[0] -> PT at 0x31000 */
	put32(0x31008, 0x42003);			/* PT[2]: page at 0x42000 */
	put32(0x30004, 0x32083);			/* PD[1]: PS set; with PSE a 4 MiB page at 0 */
	put32(0x3200c, 0x55003);			/* ... without PSE, PT[3] of the table at 0x32000 */
	put32(0x30ffc, 0xffc00083);			/* PD[1023]: with PSE, a 4 MiB page at 0xffc00000 */
	s.cr3 = 0x30000;
	s.cr4 = 0;
	is(walk(&s, 0x2abc), 0x42abc, "page walk, 32-bit paging: PD[0] -> PT[2] = 0x42003 maps 0x2abc to 0x42abc");
	is(walk(&s, 0x403123), 0x55123,
	   "page walk, 32-bit paging with CR4.PSE = 0: PS in PD[1] is ignored, PT[3] maps 0x403123 to 0x55123");
	s.cr4 = 0x10;		/* PSE */
	is(walk(&s, 0x403123), 0x3123,
	   "page walk, 32-bit paging 4 MiB page (CR4.PSE = 1): PD[1] = 0x32083 maps 0x403123 to 0x3123");
	is(walk(&s, 0xfffffff0), 0xfffffff0,
	   "page walk, 32-bit paging 4 MiB page (CR4.PSE = 1): PD[1023] maps 0xfffffff0 to 0xfffffff0");

	free(walk_vm->ram);
	free(walk_vm);
	walk_vm = NULL;
}

int main(void)
{
	test_io();
	test_io_rep();
	test_io_unclaimed();
	test_strict();
	test_io_malformed();
	test_io_stop();
	test_mmio();
	test_fatal_exits();
	test_hlt_intr();
	test_request_stop();
	test_reset_state();
	test_io_rep_unclaimed();
	test_unhandled_limit();
	test_inject_interrupt();
	test_cpu_modes();
	test_page_walk();
	return done_testing();
}
