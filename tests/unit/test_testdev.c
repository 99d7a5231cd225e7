/*
 * test_testdev.c - the test device's scratch register and MMIO area, as a
 * guest sees them (devices/testdev.h).
 *
 * Expected values come from the ISA rule that each port is one byte and a
 * wide access covers consecutive ports (so byte k of the register is port
 * 0xe0+k), and from what kvm-unit-tests' ioport test relies on: what was
 * written reads back, at every size and offset.  Values are spelled out by
 * hand, not computed by the model's own loop.
 */
#include "tap.h"
#include "devices/testdev.h"

static struct testdev t;

static void test_scratch_lanes(void)
{
	testdev_init(&t);
	is(testdev_scratch_read(&t, 0, 4), 0, "power-up: the register reads 0");

	testdev_scratch_write(&t, 0, 4, 0x11223344);
	is(testdev_scratch_read(&t, 0, 4), 0x11223344, "outl 0xe0 / inl 0xe0: the value back");
	is(testdev_scratch_read(&t, 0, 1), 0x44, "inb 0xe0: byte 0 (bits 7:0)");
	is(testdev_scratch_read(&t, 3, 1), 0x11, "inb 0xe3: byte 3 (bits 31:24)");
	is(testdev_scratch_read(&t, 1, 2), 0x2233, "inw 0xe1: bytes 1-2 (bits 23:8)");
	is(testdev_scratch_read(&t, 2, 2), 0x1122, "inw 0xe2: bytes 2-3");

	testdev_scratch_write(&t, 2, 1, 0xab);
	is(testdev_scratch_read(&t, 0, 4), 0x11ab3344, "outb 0xe2 changes bits 23:16 only");
	testdev_scratch_write(&t, 1, 2, 0xcdef);
	is(testdev_scratch_read(&t, 0, 4), 0x11cdef44, "outw 0xe1 changes bits 23:8 only");
	testdev_scratch_write(&t, 0, 2, 0x0000);
	is(testdev_scratch_read(&t, 0, 4), 0x11cd0000, "outw 0xe0 0 clears bits 15:0 only");
}

static void test_scratch_past_end(void)
{
	testdev_init(&t);
	testdev_scratch_write(&t, 0, 4, 0xa1b2c3d4);
	/* outw 0xe3: byte 0 lands in bits 31:24; byte 1 would be port 0xe4, not the register */
	testdev_scratch_write(&t, 3, 2, 0x7766);
	is(testdev_scratch_read(&t, 0, 4), 0x66b2c3d4, "outw 0xe3: only its first byte is the register's");
	is(testdev_scratch_read(&t, 3, 2), 0x0066, "inw 0xe3: the byte past the register reads 0");
}

static void test_iomem(void)
{
	uint8_t w[8] = { 1, 2, 3, 4, 5, 6, 7, 8 }, r[8];
	uint8_t b;

	testdev_init(&t);
	testdev_iomem_read(&t, 0x1234, r, 4);
	ok(r[0] == 0 && r[1] == 0 && r[2] == 0 && r[3] == 0, "power-up: the area reads zeros");

	testdev_iomem_write(&t, 0x100, w, 8);
	testdev_iomem_read(&t, 0x100, r, 8);
	ok(memcmp(r, w, 8) == 0, "an 8-byte write reads back");
	testdev_iomem_read(&t, 0x103, r, 2);
	ok(r[0] == 4 && r[1] == 5, "a 2-byte read inside it returns bytes 3-4 of the write");

	b = 0x5a;
	testdev_iomem_write(&t, 0xffff, &b, 1);
	testdev_iomem_read(&t, 0xffff, r, 1);
	is(r[0], 0x5a, "the last byte (0xff00ffff) is storage");
	testdev_iomem_write(&t, 0xfffe, w, 4);
	testdev_iomem_read(&t, 0xfffe, r, 4);
	ok(r[0] == 1 && r[1] == 2 && r[2] == 0xff && r[3] == 0xff,
	   "an access across the end: bytes past it read as all ones, are not stored");
	testdev_iomem_read(&t, 0x100, r, 1);
	is(r[0], 1, "other bytes untouched by the overrun");
}

int main(void)
{
	test_scratch_lanes();
	test_scratch_past_end();
	test_iomem();
	return done_testing();
}
