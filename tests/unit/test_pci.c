/*
 * test_pci.c - unit tests for the PCI bus model (src/devices/pci.c).
 *
 * The expected values come from the PCI Local Bus Specification 3.0 and are
 * written out as numbers, not through pci.h's macros: CONFIG_ADDRESS layout
 * (3.2.2.3.2), the type 0 header (6.1), command and status (6.2.2, 6.2.3),
 * BAR sizing (6.2.5.1), the capability list (6.7) and the MSI capability
 * (6.8.1).  Everything goes through ports 0xCF8/0xCFC as a guest would,
 * except where a device's own side (MSI notify, interrupt status) is tested.
 */
#include <errno.h>

#include "tap.h"
#include "devices/pci.h"

static struct pci_bus bus;

static uint32_t addr(unsigned b, unsigned d, unsigned f, unsigned reg)
{
	return 0x80000000u | b << 16 | d << 11 | f << 8 | (reg & 0xfc);
}

/* A config read/write of 'size' at byte 'reg' of b:d.f, through the ports. */
static uint32_t rd(unsigned d, unsigned f, unsigned reg, unsigned size)
{
	pci_port_write(&bus, 0xcf8, 4, addr(0, d, f, reg));
	return pci_port_read(&bus, 0xcfc + (reg & 3), size);
}

static void wr(unsigned d, unsigned f, unsigned reg, unsigned size, uint32_t v)
{
	pci_port_write(&bus, 0xcf8, 4, addr(0, d, f, reg));
	pci_port_write(&bus, 0xcfc + (reg & 3), size, v);
}

/* The config_written and msi_send callbacks, recorded. */
struct log {
	int writes, msis;
	unsigned offset, size, changed;
	uint64_t address;
	uint32_t data;
};

static void on_write(void *opaque, struct pci_function *f, unsigned offset, unsigned size,
		     unsigned changed)
{
	struct log *l = opaque;

	l->writes++;
	l->offset = offset;
	l->size = size;
	l->changed = changed;
}

static void on_msi(void *opaque, uint64_t address, uint32_t data)
{
	struct log *l = opaque;

	l->msis++;
	l->address = address;
	l->data = data;
}

/* A function ABCD:1234, class 0x020000, pin INTA#, callbacks to 'l'. */
static void make_fn(struct pci_function *f, struct log *l)
{
	pci_function_init(f, 0xabcd, 0x1234, 0x07, 0x020000, 1);
	memset(l, 0, sizeof(*l));
	f->config_written = on_write;
	f->msi_send = on_msi;
	f->opaque = l;
}

static void test_config_address(void)
{
	pci_init(&bus);
	is(pci_port_read(&bus, 0xcf8, 4), 0, "CONFIG_ADDRESS is 0 at reset");
	pci_port_write(&bus, 0xcf8, 4, 0xffffffff);
	is(pci_port_read(&bus, 0xcf8, 4), 0x80fffffc, "bits 30:24 and 1:0 are reserved and read 0");
	pci_port_write(&bus, 0xcf8, 4, 0x12345678);
	is(pci_port_read(&bus, 0xcf8, 4), 0x00345678, "CONFIG_ADDRESS latches enable/bus/dev/fn/reg");
	pci_port_write(&bus, 0xcf8, 1, 0xaa);
	pci_port_write(&bus, 0xcf8, 2, 0xbbbb);
	pci_port_write(&bus, 0xcf9, 1, 0x06);
	pci_port_write(&bus, 0xcfa, 2, 0xcccc);
	is(pci_port_read(&bus, 0xcf8, 4), 0x00345678, "byte/word writes to 0xcf8-0xcfb are not CONFIG_ADDRESS");
	is(pci_port_read(&bus, 0xcf8, 1), 0xff, "byte read of 0xcf8 is not CONFIG_ADDRESS: all ones");
	is(pci_port_read(&bus, 0xcf8, 2), 0xffff, "word read of 0xcf8: all ones");
	is(pci_port_read(&bus, 0xcfb, 1), 0xff, "byte read of 0xcfb: all ones");
}

static void test_enable_bit(void)
{
	pci_init(&bus);
	pci_port_write(&bus, 0xcf8, 4, addr(0, 0, 0, 0) & ~0x80000000u);
	is(pci_port_read(&bus, 0xcfc, 4), 0xffffffff, "enable clear: CONFIG_DATA reads all ones");
	is(pci_port_read(&bus, 0xcfe, 2), 0xffff, "enable clear: word read all ones");
	pci_port_write(&bus, 0xcf8, 4, addr(0, 0, 0, 0x3c) & ~0x80000000u);
	pci_port_write(&bus, 0xcfc, 1, 0x0b);
	is(rd(0, 0, 0x3c, 1), 0, "enable clear: the write was dropped");
	is(rd(0, 0, 0x00, 4), 0x12378086, "enable set: the same function answers");
}

static void test_host_bridge(void)
{
	pci_init(&bus);
	is(rd(0, 0, 0x00, 2), 0x8086, "00:00.0 vendor Intel");
	is(rd(0, 0, 0x02, 2), 0x1237, "00:00.0 device 82441FX (i440FX)");
	is(rd(0, 0, 0x08, 4), 0x06000002, "host bridge: class 06/00/00, revision 02");
	is(rd(0, 0, 0x0e, 1), 0x00, "host bridge: header type 0, single function");
	is(rd(0, 0, 0x3d, 1), 0, "host bridge: no interrupt pin");
	is(rd(0, 0, 0x2c, 4), 0x11001af4, "host bridge: subsystem 1af4:1100, as QEMU's");
	for (unsigned b = 0; b < 6; b++)
		wr(0, 0, 0x10 + 4 * b, 4, 0xffffffff);
	is(rd(0, 0, 0x10, 4) | rd(0, 0, 0x14, 4) | rd(0, 0, 0x24, 4), 0, "host bridge: no BARs");
}

static void test_absent(void)
{
	struct pci_function f;
	struct log l;
	int all_ones = 1;

	pci_init(&bus);
	make_fn(&f, &l);
	is(pci_add_function(&bus, &f, 3, 0), 0, "add 00:03.0");
	for (unsigned d = 0; d < 32; d++)
		for (unsigned fn = 0; fn < 8; fn++)
			if (!(fn == 0 && (d == 0 || d == 3)))
				all_ones &= rd(d, fn, 0, 4) == 0xffffffff;
	ok(all_ones, "every other device/function of bus 0 reads 0xffffffff");
	is(rd(3, 1, 0x00, 2), 0xffff, "function 1 of a single-function device: vendor 0xffff");
	is(rd(3, 0, 0x0e, 1) & 0x80, 0, "single-function device: header type bit 7 clear");
	pci_port_write(&bus, 0xcf8, 4, addr(1, 3, 0, 0));
	is(pci_port_read(&bus, 0xcfc, 4), 0xffffffff, "bus 1 (no bridge): all ones");
	pci_port_write(&bus, 0xcf8, 4, addr(255, 0, 0, 0));
	is(pci_port_read(&bus, 0xcfd, 1), 0xff, "bus 255: byte read 0xff");
	wr(7, 0, 0x04, 2, 0x0007);
	is(rd(7, 0, 0x04, 2), 0xffff, "absent: writes ignored, still all ones");
	pci_port_write(&bus, 0xcf8, 4, addr(1, 3, 0, 0x3c));
	pci_port_write(&bus, 0xcfc, 1, 0x55);
	is(rd(3, 0, 0x3c, 1), 0, "a write to bus 1 does not reach 00:03.0");
}

static void test_partial_access(void)
{
	struct pci_function f;
	struct log l;

	pci_init(&bus);
	make_fn(&f, &l);
	pci_add_function(&bus, &f, 3, 0);
	pci_port_write(&bus, 0xcf8, 4, addr(0, 3, 0, 0));
	is(pci_port_read(&bus, 0xcfc, 4), 0x1234abcd, "dword: device << 16 | vendor");
	is(pci_port_read(&bus, 0xcfc, 1), 0xcd, "byte 0xcfc: vendor low");
	is(pci_port_read(&bus, 0xcfd, 1), 0xab, "byte 0xcfd: vendor high");
	is(pci_port_read(&bus, 0xcfe, 1), 0x34, "byte 0xcfe: device low");
	is(pci_port_read(&bus, 0xcff, 1), 0x12, "byte 0xcff: device high");
	is(pci_port_read(&bus, 0xcfc, 2), 0xabcd, "word 0xcfc: vendor");
	is(pci_port_read(&bus, 0xcfe, 2), 0x1234, "word 0xcfe: device");
	is(pci_port_read(&bus, 0xcfd, 2), 0x34ab, "unaligned word 0xcfd: bytes 1-2");
	is(pci_port_read(&bus, 0xcff, 2), 0xff12, "word 0xcff: byte 3, then nothing (0xff)");
	is(pci_port_read(&bus, 0xcfd, 4), 0xff1234ab, "dword 0xcfd: bytes 1-3, then 0xff");
	pci_port_write(&bus, 0xcf8, 4, 0x80001802);	/* 00:03.0, reg 0, bits 1:0 = 10 */
	is(pci_port_read(&bus, 0xcfc, 4), 0x1234abcd, "CONFIG_ADDRESS bits 1:0 do not offset the register");
	is(rd(3, 0, 0x08, 4), 0x02000007, "class/revision dword");
	is(rd(3, 0, 0x0b, 1), 0x02, "byte 0xcff at 0x08: base class");

	pci_port_write(&bus, 0xcf8, 4, addr(0, 3, 0, 0x3c));
	pci_port_write(&bus, 0xcfc, 1, 0x0a);
	is(pci_port_read(&bus, 0xcfc, 4), 0x0000010a, "byte write 0xcfc: interrupt line only");
	pci_port_write(&bus, 0xcfd, 2, 0x0403);
	is(pci_port_read(&bus, 0xcfc, 4), 0x0000010a, "pin, min_gnt: read-only");
	pci_port_write(&bus, 0xcf8, 4, addr(0, 3, 0, 0x0c));
	pci_port_write(&bus, 0xcfc, 1, 0x10);
	is(pci_port_read(&bus, 0xcfc, 1), 0x10, "cache line size is read/write");
	pci_port_write(&bus, 0xcf8, 4, addr(0, 3, 0, 0x04));
	pci_port_write(&bus, 0xcfd, 1, 0x04);
	is(pci_port_read(&bus, 0xcfc, 2), 0x0400, "byte write 0xcfd: command bit 10");
	pci_port_write(&bus, 0xcff, 4, 0x00000002);
	is(pci_port_read(&bus, 0xcfc, 4), 0x00000400, "dword at 0xcff: only byte 3 (status high) written, bit 9 RO");

	is(pci_config_read(&f, 0xfe, 4), 0xffff0000, "direct read past 0xff: bytes beyond read 0xff");
	pci_config_write(&f, 0xff, 2, 0xffff);
	is(pci_config_read(&f, 0xfc, 4), 0, "direct write past 0xff: nothing written");
}

static void test_read_only(void)
{
	struct pci_function f;
	struct log l;

	pci_init(&bus);
	make_fn(&f, &l);
	pci_add_function(&bus, &f, 3, 0);
	pci_set_subsystem(&f, 0x5555, 0x6666);
	for (unsigned reg = 0x00; reg < 0x40; reg += 4)
		if (reg != 0x04)
			wr(3, 0, reg, 4, 0xffffffff);
	is(rd(3, 0, 0x00, 4), 0x1234abcd, "vendor/device read-only");
	is(rd(3, 0, 0x08, 4), 0x02000007, "revision and class read-only");
	is(rd(3, 0, 0x0e, 1), 0x00, "header type read-only");
	is(rd(3, 0, 0x0f, 1), 0x00, "BIST: none, reads 0");
	is(rd(3, 0, 0x2c, 4), 0x66665555, "subsystem IDs read-only");
	is(rd(3, 0, 0x30, 4), 0, "expansion ROM BAR: none, 0");
	is(rd(3, 0, 0x34, 1), 0, "no capabilities: pointer 0");
	is(rd(3, 0, 0x3c, 1), 0xff, "interrupt line: read/write");
	is(rd(3, 0, 0x3d, 1), 0x01, "interrupt pin: INTA#, read-only");
	for (unsigned reg = 0x10; reg < 0x28; reg += 4)
		is(rd(3, 0, reg, 4), 0, "unimplemented BAR at 0x%02x: hardwired 0", reg);
	wr(3, 0, 0x40, 4, 0xffffffff);
	wr(3, 0, 0xfc, 4, 0xffffffff);
	is(rd(3, 0, 0x40, 4) | rd(3, 0, 0xfc, 4), 0, "device-specific space: read-only 0 by default");
}

static void test_bar_sizing(void)
{
	struct pci_function f;
	struct log l;

	pci_init(&bus);
	make_fn(&f, &l);
	is(pci_declare_bar(&f, 0, 0x100000, PCI_BAR_MEM32), 0, "BAR0: 1 MiB memory");
	is(pci_declare_bar(&f, 1, 0x1000, PCI_BAR_MEM32_PREFETCH), 0, "BAR1: 4 KiB prefetchable");
	is(pci_declare_bar(&f, 2, 32, PCI_BAR_IO), 0, "BAR2: 32 bytes of I/O");
	is(pci_declare_bar(&f, 3, 0x3000, PCI_BAR_MEM32), -EINVAL, "size not a power of two refused");
	is(pci_declare_bar(&f, 3, 8, PCI_BAR_MEM32), -EINVAL, "memory BAR under 16 bytes refused");
	is(pci_declare_bar(&f, 3, 512, PCI_BAR_IO), -EINVAL, "I/O BAR over 256 bytes refused");
	is(pci_declare_bar(&f, 6, 16, PCI_BAR_MEM32), -EINVAL, "BAR 6 does not exist");
	pci_add_function(&bus, &f, 4, 0);

	is(rd(4, 0, 0x10, 4), 0x00000000, "memory BAR at reset: 0, type 32-bit, not prefetchable");
	is(rd(4, 0, 0x14, 4), 0x00000008, "prefetchable BAR: bit 3 set");
	is(rd(4, 0, 0x18, 4), 0x00000001, "I/O BAR: bit 0 set");
	wr(4, 0, 0x10, 4, 0xffffffff);
	is(rd(4, 0, 0x10, 4), 0xfff00000, "sizing 1 MiB: 0xfff00000");
	is(l.changed, 0x100, "config_written: BAR0 changed");
	wr(4, 0, 0x14, 4, 0xffffffff);
	is(rd(4, 0, 0x14, 4), 0xfffff008, "sizing 4 KiB prefetchable: 0xfffff008");
	wr(4, 0, 0x18, 4, 0xffffffff);
	is(rd(4, 0, 0x18, 4), 0xffffffe1, "sizing 32-byte I/O: 0xffffffe1");
	wr(4, 0, 0x1c, 4, 0xffffffff);
	is(rd(4, 0, 0x1c, 4), 0, "sizing an unimplemented BAR: 0");

	wr(4, 0, 0x10, 4, 0xfeb12345);
	is(rd(4, 0, 0x10, 4), 0xfeb00000, "address bits below the size are read-only 0");
	is(pci_bar_address(&f, 0), PCI_BAR_NONE, "memory decode off: BAR0 not decoded");
	wr(4, 0, 0x18, 4, 0xc040);
	is(rd(4, 0, 0x18, 4), 0xc041, "I/O BAR 0xc040 reads 0xc041");
	wr(4, 0, 0x04, 2, 0x0002);
	is(pci_bar_address(&f, 0), 0xfeb00000, "memory decode on: BAR0 at 0xfeb00000");
	is(pci_bar_address(&f, 2), PCI_BAR_NONE, "I/O decode off: BAR2 not decoded");
	wr(4, 0, 0x04, 2, 0x0003);
	is(pci_bar_address(&f, 2), 0xc040, "I/O decode on: BAR2 at 0xc040");
	is(pci_bar_address(&f, 3), PCI_BAR_NONE, "undeclared BAR: none");
	wr(4, 0, 0x13, 1, 0xfd);
	is(rd(4, 0, 0x10, 4), 0xfdb00000, "byte write to BAR0 bits 31:24");
	is(l.offset, 0x13, "config_written: offset");
	is(l.size, 1, "config_written: size");
	is(l.changed, 0x100, "config_written: BAR0 changed");
	wr(4, 0, 0x10, 4, 0xfdb00000);
	is(l.changed, 0, "same value again: nothing changed");
}

static void test_command_status(void)
{
	struct pci_function f;
	struct log l;
	uint32_t cmd;

	pci_init(&bus);
	make_fn(&f, &l);
	pci_add_function(&bus, &f, 4, 0);
	is(rd(4, 0, 0x04, 4), 0, "command and status 0 at reset");
	wr(4, 0, 0x04, 2, 0xffff);
	cmd = rd(4, 0, 0x04, 2);
	is(cmd & 0x0407, 0x0407, "I/O, memory, bus master, INTx disable are writable");
	is(cmd & 0xf800, 0, "command bits 15:11 reserved, read 0");
	is(l.changed, 0x1, "config_written: command changed");
	wr(4, 0, 0x04, 2, 0);
	is(rd(4, 0, 0x04, 2), 0, "command clears");

	pci_set_interrupt_status(&f, true);
	is(rd(4, 0, 0x06, 2), 0x0008, "status bit 3: interrupt status");
	wr(4, 0, 0x04, 4, 0xffff0000);
	is(rd(4, 0, 0x06, 2), 0x0008, "status bit 3 is read-only: a write of 1 keeps it, 0s in command");
	pci_set_interrupt_status(&f, false);
	is(rd(4, 0, 0x06, 2), 0, "status bit 3 clears with the condition");
	wr(4, 0, 0x06, 2, 0x0008);
	is(rd(4, 0, 0x06, 2), 0, "software cannot set status bit 3");

	f.config[0x07] = 0x20;		/* the device saw a master abort (bit 13) */
	wr(4, 0, 0x06, 2, 0x0000);
	is(rd(4, 0, 0x06, 2), 0x2000, "error bit: writing 0 leaves it");
	wr(4, 0, 0x06, 2, 0x1000);
	is(rd(4, 0, 0x06, 2), 0x2000, "error bit: writing 1 to another bit leaves it");
	wr(4, 0, 0x06, 2, 0x2000);
	is(rd(4, 0, 0x06, 2), 0, "error bit: write 1 to clear");
}

static void test_capabilities(void)
{
	struct pci_function f, g;
	struct log l;
	unsigned ptr, ids[8], n = 0, aligned = 1;

	pci_init(&bus);
	make_fn(&f, &l);
	is(pci_add_capability(&f, 0x09, 8), 0x40, "vendor-specific capability at 0x40");
	is(pci_add_msi(&f, 0, true, false), 0x48, "MSI capability next, at 0x48");
	is(pci_add_msi(&f, 0, true, false), -EEXIST, "one MSI capability only");
	is(pci_add_capability(&f, 0x09, 1), -EINVAL, "capability shorter than ID + next refused");
	pci_add_function(&bus, &f, 4, 0);
	is(rd(4, 0, 0x06, 2) & 0x10, 0x10, "status bit 4: capabilities list");
	wr(4, 0, 0x06, 2, 0xffff);
	is(rd(4, 0, 0x06, 2) & 0x10, 0x10, "status bit 4 is read-only");
	wr(4, 0, 0x34, 1, 0x80);
	for (ptr = rd(4, 0, 0x34, 1); ptr && n < 8; ptr = rd(4, 0, ptr + 1, 1)) {
		aligned &= (ptr & 3) == 0 && ptr >= 0x40;
		ids[n++] = rd(4, 0, ptr, 1);
	}
	is(n, 2, "walk from 0x34: two capabilities, then next = 0");
	is(ids[0], 0x09, "first: vendor specific");
	is(ids[1], 0x05, "second: MSI");
	ok(aligned, "pointers dword aligned, in 0x40-0xff");
	wr(4, 0, 0x48, 2, 0x0000);
	is(rd(4, 0, 0x48, 2), 0x0005, "capability ID and next pointer are read-only");

	make_fn(&g, &l);
	for (n = 0; pci_add_capability(&g, 0x09, 64) > 0; n++)
		;
	is(n, 3, "0x40-0xff holds three 64-byte capabilities");
	is(pci_add_capability(&g, 0x09, 64), -ENOSPC, "a fourth: -ENOSPC");
}

static void test_msi64(void)
{
	struct pci_function f;
	struct log l;
	uint64_t a;
	uint32_t d;

	pci_init(&bus);
	make_fn(&f, &l);
	ok(!pci_msi_message(&f, &a, &d), "no MSI capability: no message");
	pci_add_msi(&f, 0, true, false);
	pci_add_function(&bus, &f, 4, 0);
	is(rd(4, 0, 0x40, 4), 0x00800005, "64-bit MSI: ID 5, next 0, control 0x0080");
	wr(4, 0, 0x42, 2, 0xffff);
	is(rd(4, 0, 0x42, 2), 0x0081, "control: enable written; MMC, 64-bit, masking RO; MME 0 (1 vector asked)");
	ok(pci_msi_enabled(&f), "enable bit: MSI enabled");
	is(l.changed, 0x2, "config_written: MSI changed");
	wr(4, 0, 0x42, 2, 0x0000);
	ok(!pci_msi_enabled(&f), "enable bit cleared: MSI disabled");
	wr(4, 0, 0x44, 4, 0xfee01003);
	is(rd(4, 0, 0x44, 4), 0xfee01000, "address bits 1:0 read 0");
	wr(4, 0, 0x48, 4, 0x00000001);
	is(rd(4, 0, 0x48, 4), 1, "upper address at +8");
	wr(4, 0, 0x4c, 4, 0xffff4041);
	is(rd(4, 0, 0x4c, 4), 0x4041, "data: 16 bits at +0xc, +0xe reserved");
	ok(pci_msi_message(&f, &a, &d), "msi message: available once the capability exists");
	is(a, 0x1fee01000ull, "msi message: address = upper dword << 32 | lower dword");
	is(d, 0x4041, "msi message: data as programmed");

	ok(!pci_msi_notify(&f, 0), "msi notify: MSI disabled: false, nothing sent");
	wr(4, 0, 0x42, 2, 0x0001);
	ok(pci_msi_notify(&f, 0), "msi notify: MSI enabled: taken");
	is(l.msis, 0, "msi notify: bus mastering off: the message is not sent");
	wr(4, 0, 0x04, 2, 0x0004);
	pci_msi_notify(&f, 0);
	is(l.msis, 1, "msi notify: bus master on: one message");
	is(l.address, 0x1fee01000ull, "msi notify: sent to the programmed address");
	is(l.data, 0x4041, "msi notify: with the programmed data");
	ok(!pci_msi_notify(&f, 1), "msi notify: vector 1 not granted: false");
	is(l.msis, 1, "msi notify: ... and not sent");
}

static void test_msi32_multi_masking(void)
{
	struct pci_function f;
	struct log l;
	uint64_t a;
	uint32_t d;

	pci_init(&bus);
	make_fn(&f, &l);
	pci_add_msi(&f, 2, false, true);	/* 4 vectors, 32-bit, per-vector masking */
	is(pci_add_capability(&f, 0x09, 4), 0x54, "32-bit MSI with masking is 20 bytes");
	pci_add_function(&bus, &f, 4, 0);
	is(rd(4, 0, 0x42, 2), 0x0104, "control: MMC 2 (4 vectors), masking, not 64-bit");
	wr(4, 0, 0x44, 4, 0xfee00000);
	wr(4, 0, 0x48, 4, 0xffff0050);
	is(rd(4, 0, 0x48, 4), 0x0050, "32-bit layout: data at +8, +0xa reserved");
	ok(pci_msi_message(&f, &a, &d) && a == 0xfee00000 && d == 0x0050,
	   "msi message: 32-bit capability: address fee00000 with no upper dword, data 0050 from +8");
	wr(4, 0, 0x4c, 4, 0xffffffff);
	is(rd(4, 0, 0x4c, 4), 0x0000000f, "mask bits: one per vector asked for");
	wr(4, 0, 0x50, 4, 0xffffffff);
	is(rd(4, 0, 0x50, 4), 0, "pending bits read-only");
	wr(4, 0, 0x04, 2, 0x0004);
	wr(4, 0, 0x42, 2, 0x0021);		/* MME 2: 4 vectors granted, enable */
	is(rd(4, 0, 0x42, 2), 0x0125, "MME 2 reads back");
	ok(pci_msi_notify(&f, 3), "msi mask: vector 3 masked: taken");
	is(l.msis, 0, "msi mask: masked: not sent");
	is(rd(4, 0, 0x50, 4), 0x8, "msi mask: masked: pending bit 3 set");
	wr(4, 0, 0x4c, 4, 0x7);
	is(l.msis, 1, "msi mask: unmasking vector 3 sends it");
	is(l.data, 0x0053, "msi mask: the unmasked vector 3 goes out with data | 3");
	is(rd(4, 0, 0x50, 4), 0, "msi mask: pending bit cleared");
	wr(4, 0, 0x4c, 4, 0x0);
	is(l.msis, 1, "msi mask: unmasking vectors with nothing pending sends nothing");
	pci_msi_notify(&f, 2);
	is(l.data, 0x0052, "msi vectors: vector 2: data | 2");
	wr(4, 0, 0x42, 2, 0x0011);		/* MME 1: 2 vectors */
	ok(!pci_msi_notify(&f, 2), "msi vectors: MME 1: vector 2 not granted");
	pci_msi_notify(&f, 1);
	is(l.data, 0x0051, "msi vectors: vector 1 of 2");
	wr(4, 0, 0x48, 2, 0x0057);
	pci_msi_notify(&f, 0);
	is(l.data, 0x0056, "msi vectors: 2 vectors: data bit 0 replaced by the vector (0)");
	wr(4, 0, 0x42, 2, 0x0021);
	pci_msi_notify(&f, 2);
	is(l.data, 0x0056, "msi vectors: 4 vectors: data bits 1:0 replaced by the vector (2)");
	wr(4, 0, 0x42, 2, 0x0071);
	is(rd(4, 0, 0x42, 2) & 0x70, 0x20, "MME above MMC is cut to MMC");
}

static void test_multifunction(void)
{
	struct pci_function f0, f1, f2;
	struct log l0, l1, l2;

	pci_init(&bus);
	make_fn(&f0, &l0);
	make_fn(&f1, &l1);
	make_fn(&f2, &l2);
	f1.config[0x02] = 0x35;
	is(pci_add_function(&bus, &f1, 5, 1), -ENOENT, "function 1 before function 0 refused");
	is(pci_add_function(&bus, &f0, 5, 0), 0, "function 0");
	is(pci_add_function(&bus, &f1, 5, 1), 0, "function 1");
	is(pci_add_function(&bus, &f2, 5, 1), -EEXIST, "05.1 is taken");
	is(pci_add_function(&bus, &f2, 32, 0), -EINVAL, "device 32 does not exist");
	is(pci_add_function(&bus, &f2, 6, 8), -EINVAL, "function 8 does not exist");
	is(pci_add_function(&bus, &f2, 0, 0), -EEXIST, "00:00.0 is the host bridge");
	is(rd(5, 0, 0x0e, 1), 0x80, "function 0: header type bit 7, multi-function");
	is(rd(5, 1, 0x00, 4), 0x1235abcd, "05.1 answers with its own IDs");
	is(rd(5, 2, 0x00, 4), 0xffffffff, "05.2 absent");
	wr(5, 1, 0x3c, 1, 9);
	is(rd(5, 1, 0x3c, 1), 9, "05.1 written");
	is(rd(5, 0, 0x3c, 1), 0, "05.0 not");
}

int main(void)
{
	test_config_address();
	test_enable_bit();
	test_host_bridge();
	test_absent();
	test_partial_access();
	test_read_only();
	test_bar_sizing();
	test_command_status();
	test_capabilities();
	test_msi64();
	test_msi32_multi_masking();
	test_multifunction();
	return done_testing();
}
