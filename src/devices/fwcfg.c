/*
 * fwcfg.c - QEMU's firmware configuration device, the legacy I/O interface.
 *
 * Specification: QEMU docs/specs/fw_cfg.rst, "Guest-side Hardware
 * Interface" (the selector and data registers, "Register Locations" for the
 * x86 ports, "Firmware Configuration Items" for keys 0 and 1, "Ranges" for
 * the meaning of key bits 14 and 15).  Section names below refer to it.
 *
 * fw_cfg is not hardware anyone built: QEMU invented it so that its
 * firmware (SeaBIOS, OVMF) can ask the VMM what a real BIOS would probe
 * for, such as the amount of RAM and the number of CPUs.  tinyvmm offers the
 * same questions with the same answers in the same places, so a firmware or
 * test written against QEMU finds them here too.
 *
 * The protocol is a cursor over a byte array: a selector write names an item
 * and rewinds to its first byte; each data read returns one byte and moves
 * on; past the end the device returns zeros.  We never store the items: each
 * read asks fwcfg_item() for the item's bytes, computed from the machine's
 * facts, and picks the one at the offset.
 *
 * Not modelled: the DMA interface (port 0x514; FW_CFG_ID says it is
 * absent), the file directory (key 0x19) and every item behind it (ACPI
 * tables, boot order), writes of any kind.
 */
#include <string.h>

#include "fwcfg.h"

/* selector key bits ("Selector (Control) Register", "Ranges") */
#define KEY_WRITE_CHANNEL	0x4000	/* bit 14: "write mode"; names the same item as without it */
#define KEY_ARCH_LOCAL		0x8000	/* bit 15: an architecture-specific item (we have none) */

#define OPEN_BUS		0xffu	/* what a read of a write-only register returns */

void fwcfg_init(struct fwcfg *f, uint64_t ram_size, int cpus, int max_cpus)
{
	*f = (struct fwcfg){
		.ram_size = ram_size,
		.cpus = (uint16_t)cpus,
		.max_cpus = (uint16_t)max_cpus,
		.key = FW_CFG_SIGNATURE,
	};
}

/* Store 'value' as 'n' little-endian bytes; returns n. */
static unsigned put_le(uint8_t *buf, uint64_t value, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		buf[i] = (uint8_t)(value >> (8 * i));
	return n;
}

unsigned fwcfg_item(const struct fwcfg *f, uint16_t key, uint8_t buf[FWCFG_ITEM_MAX])
{
	if (key & KEY_ARCH_LOCAL)
		return 0;
	/*
	 * "Ranges": selectors 0x4000-0x7fff reach the generic items
	 * 0x0000-0x3fff in write mode.  Writes are ignored anyway (QEMU 2.4
	 * dropped them), so reading through such a key reads the same item.
	 */
	switch (key & ~KEY_WRITE_CHANNEL) {
	case FW_CFG_SIGNATURE:
		memcpy(buf, "QEMU", 4);		/* "Signature": four ASCII bytes, no NUL */
		return 4;
	case FW_CFG_ID:
		return put_le(buf, FWCFG_ID_TRADITIONAL, 4);
	case FW_CFG_RAM_SIZE:
		return put_le(buf, f->ram_size, 8);
	case FW_CFG_NB_CPUS:
		return put_le(buf, f->cpus, 2);
	case FW_CFG_MAX_CPUS:
		return put_le(buf, f->max_cpus, 2);
	default:
		return 0;	/* unknown: a zero-length item, so every read is past its end */
	}
}

/* One byte from the data register ("Data Register"). */
static uint8_t data_read_byte(struct fwcfg *f)
{
	uint8_t buf[FWCFG_ITEM_MAX];
	unsigned len = fwcfg_item(f, f->key, buf);

	if (f->offset >= len)
		return 0;	/* "after the data offset has passed the end ... 0x00" */
	/*
	 * The offset moves only inside the item: past the end it would change
	 * nothing the guest can see, and stopping it there means no number of
	 * reads can wrap it back to byte 0.
	 */
	return buf[f->offset++];
}

void fwcfg_port_write(struct fwcfg *f, uint16_t port, unsigned size, uint32_t value)
{
	if (port != FWCFG_PORT_SELECTOR)
		return;		/* the data port: "writes ignored as of QEMU v2.4" */
	/*
	 * The selector is 16 bits wide.  A byte write carries half a key, and
	 * the rst says nothing of which half it would be: we ignore it rather
	 * than guess.  A 32-bit write (outl) covers the selector and the data
	 * port: its low half selects, the rest is a data write, ignored.
	 */
	if (size < 2)
		return;
	f->key = (uint16_t)value;
	f->offset = 0;	/* "Setting the selector register will cause the data offset to be set to zero" */
}

uint32_t fwcfg_port_read(struct fwcfg *f, uint16_t port, unsigned size)
{
	uint32_t v = 0;

	if (size > 4)
		size = 4;
	if (port != FWCFG_PORT_DATA) {
		/*
		 * The selector is write-only: nothing drives the bus.  An inw
		 * here spans the data port too, but a read that starts at the
		 * selector is not a data read, so the offset stays put.
		 */
		for (unsigned i = 0; i < size; i++)
			v |= OPEN_BUS << (8 * i);
		return v;
	}
	/*
	 * The I/O data port is documented 8 bits wide; for the wider MMIO data
	 * register the rst says an N-byte read returns "the next available N
	 * bytes ... in increasing address order".  We apply that rule to the
	 * port too, so inw/inl here equal two/four inb, lowest address first.
	 * QEMU does not promise it for the port: a portable guest uses inb.
	 */
	for (unsigned i = 0; i < size; i++)
		v |= (uint32_t)data_read_byte(f) << (8 * i);
	return v;
}
