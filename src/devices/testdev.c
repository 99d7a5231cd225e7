/*
 * testdev.c - QEMU's ISA test device: the scratch register and the MMIO
 * area (see testdev.h for what each does and where it is documented).
 */
#include <string.h>

#include "testdev.h"

#define SCRATCH_BYTES	4

void testdev_init(struct testdev *t)
{
	memset(t, 0, sizeof(*t));
}

/*
 * Byte lane i of an access at 'offset' is byte offset+i of the register:
 * on the ISA bus each port is one byte, and a wider access is that many
 * consecutive ports.
 */
uint32_t testdev_scratch_read(const struct testdev *t, unsigned offset, unsigned size)
{
	uint32_t v = 0;

	for (unsigned i = 0; i < size && i < 4; i++)
		if (offset + i < SCRATCH_BYTES)
			v |= ((t->scratch >> (8 * (offset + i))) & 0xffu) << (8 * i);
	return v;
}

void testdev_scratch_write(struct testdev *t, unsigned offset, unsigned size, uint32_t val)
{
	for (unsigned i = 0; i < size && i < 4; i++) {
		unsigned byte = offset + i;

		if (byte >= SCRATCH_BYTES)
			continue;
		t->scratch &= ~(0xffu << (8 * byte));
		t->scratch |= ((val >> (8 * i)) & 0xffu) << (8 * byte);
	}
}

void testdev_iomem_read(const struct testdev *t, uint64_t offset, uint8_t *data, unsigned size)
{
	for (unsigned i = 0; i < size; i++)
		data[i] = offset + i < TESTDEV_IOMEM_SIZE ? t->iomem[offset + i] : 0xff;
}

void testdev_iomem_write(struct testdev *t, uint64_t offset, const uint8_t *data, unsigned size)
{
	for (unsigned i = 0; i < size; i++)
		if (offset + i < TESTDEV_IOMEM_SIZE)
			t->iomem[offset + i] = data[i];
}
