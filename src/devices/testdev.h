/*
 * testdev.h - the non-interrupt half of QEMU's ISA test device (pc-testdev),
 * the device kvm-unit-tests and many hobby kernels use to check a VMM from
 * inside the guest.
 *
 * QEMU documents it only by its source (hw/misc/pc-testdev.c) and by what
 * kvm-unit-tests' x86 tests (ioport, emulator) expect of it:
 *
 *   ports 0xe0-0xe3   one 32-bit scratch register, reachable by byte lanes:
 *                     outb(0xe2, v) changes bits 23:16 only, inw(0xe1)
 *                     returns bits 23:8.  It checks that a VMM splits and
 *                     merges port accesses of every size and offset.
 *   ports 0xe4-0xe7   QEMU's "flush page": the guest writes a page address
 *                     and QEMU write-protects and re-enables it on the host.
 *                     tinyvmm's guest memory has nothing to flush: a no-op.
 *   ports 0x2000+n    (n < 24) outb(level) drives ISA IRQ / GSI n.  That is
 *                     wiring, not state: irq.c owns it (irq_set_level).
 *   0xff000000        64 KiB of MMIO that reads back what was written.  It is
 *                     not RAM: every access exits to the VMM, so a guest can
 *                     test MMIO emulation (instruction decoding, sizes,
 *                     string moves) against a known answer.
 *
 * Pure state, no clock, no KVM; the caller serializes (vm->lock).
 */
#ifndef TINYVMM_TESTDEV_H
#define TINYVMM_TESTDEV_H

#include <stdint.h>

#define TESTDEV_PORT_SCRATCH	0xe0		/* 4 ports: the scratch register's bytes 0-3 */
#define TESTDEV_PORT_FLUSH	0xe4		/* 4 ports: page flush, ignored */
#define TESTDEV_IOMEM_BASE	0xff000000u	/* the MMIO area */
#define TESTDEV_IOMEM_SIZE	0x10000u	/* 64 KiB */

struct testdev {
	uint32_t scratch;			/* ports 0xe0-0xe3 */
	uint8_t iomem[TESTDEV_IOMEM_SIZE];	/* 0xff000000-0xff00ffff */
};

/* Power-up: the register and the whole area read as zeros (QEMU allocates them zeroed). */
void testdev_init(struct testdev *t);

/*
 * The scratch register, 'offset' 0-3 from port 0xe0, 'size' 1, 2 or 4.
 * Bytes past the register (outw to 0xe3) are dropped on write and read as
 * zeros.
 */
uint32_t testdev_scratch_read(const struct testdev *t, unsigned offset, unsigned size);
void testdev_scratch_write(struct testdev *t, unsigned offset, unsigned size, uint32_t val);

/*
 * The MMIO area, 'offset' from TESTDEV_IOMEM_BASE, any size (1-8 from an
 * exit).  Bytes past the area's end read as all ones and are not stored,
 * as on an open bus.
 */
void testdev_iomem_read(const struct testdev *t, uint64_t offset, uint8_t *data, unsigned size);
void testdev_iomem_write(struct testdev *t, uint64_t offset, const uint8_t *data, unsigned size);

#endif
