/*
 * fwcfg.h - QEMU's firmware configuration device (fw_cfg), legacy I/O
 * interface only: the selector port 0x510 and the data port 0x511.
 *
 * The guest writes a 16-bit key to the selector, then reads the item's bytes
 * one at a time from the data port.  tinyvmm answers the few keys a firmware
 * asks first (is this QEMU? how much RAM? how many CPUs?); the rest read as
 * zeros.  The model is pure state: no clock, no KVM, no locks.  Its state
 * changes only on port writes (a new key) and data reads (the offset moves),
 * so the caller serializes accesses, as for every device (vm->lock).
 */
#ifndef TINYVMM_FWCFG_H
#define TINYVMM_FWCFG_H

#include <stdint.h>

#define FWCFG_PORT_SELECTOR	0x510	/* write-only, 16 bits: the key */
#define FWCFG_PORT_DATA		0x511	/* read, 8 bits: the next byte of the item */
#define FWCFG_NPORTS		2

/*
 * Keys.  The rst describes 0 and 1 ("Firmware Configuration Items") and
 * names QEMU's source as the list of the rest; Linux's copy of that list is
 * include/uapi/linux/qemu_fw_cfg.h.
 */
#define FW_CFG_SIGNATURE	0x0000	/* 4 bytes: "QEMU" */
#define FW_CFG_ID		0x0001	/* u32 LE feature bitmap (FWCFG_ID_*) */
#define FW_CFG_RAM_SIZE		0x0003	/* u64 LE: guest RAM, bytes */
#define FW_CFG_NB_CPUS		0x0005	/* u16 LE: CPUs present at boot */
#define FW_CFG_MAX_CPUS		0x000f	/* u16 LE: CPUs there could ever be (hot-plug) */

#define FWCFG_ID_TRADITIONAL	0x00000001u	/* bit 0: the selector/data ports; always set */
#define FWCFG_ID_DMA		0x00000002u	/* bit 1: the DMA interface (not modelled) */

/* The longest item we hold: FW_CFG_RAM_SIZE. */
#define FWCFG_ITEM_MAX		8

struct fwcfg {
	/* the machine's facts, fixed at fwcfg_init() */
	uint64_t ram_size;
	uint16_t cpus;
	uint16_t max_cpus;

	/* the guest's cursor */
	uint16_t key;			/* last key written to the selector */
	uint32_t offset;		/* next byte of the item the data port returns */
};

/*
 * Power-up: key 0 (the signature) selected at offset 0, as if the guest had
 * just written 0 to the selector.  cpus and max_cpus are 1..65535.
 */
void fwcfg_init(struct fwcfg *f, uint64_t ram_size, int cpus, int max_cpus);

/*
 * One guest access.  'port' is the absolute port (0x510 or 0x511), 'size'
 * 1, 2 or 4.  Reads return the bytes little-endian in the low 'size' bytes.
 *
 *   write 0x510, size >= 2   the low 16 bits select a key; offset back to 0
 *   write 0x510, size 1      ignored (half a key; see fwcfg.c)
 *   write 0x511              ignored (legacy writes are gone since QEMU 2.4)
 *   read  0x511, size N      the next N bytes of the item, in order (offset += N)
 *   read  0x510              all ones: a write-only register (no side effect)
 */
void fwcfg_port_write(struct fwcfg *f, uint16_t port, unsigned size, uint32_t value);
uint32_t fwcfg_port_read(struct fwcfg *f, uint16_t port, unsigned size);

/*
 * The item behind 'key', in the bytes the guest reads: fills 'buf' and
 * returns its length (0 for a key we do not know).  Pure: the cursor is
 * not touched.
 */
unsigned fwcfg_item(const struct fwcfg *f, uint16_t key, uint8_t buf[FWCFG_ITEM_MAX]);

#endif
