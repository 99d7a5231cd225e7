/*
 * pci.h - a PCI bus behind configuration mechanism #1 (ports 0xCF8/0xCFC),
 * its functions' configuration space, BARs and the MSI capability.
 *
 * The model is pure state: the VMM sends port accesses to pci_port_read()/
 * pci_port_write(); a device model embeds a struct pci_function, fills in
 * its identity with pci_function_init(), declares BARs and capabilities,
 * and learns of the guest's configuration writes through a callback.  See
 * pci.c for what configuration space is and where the spec says so.  All
 * calls on one bus and its functions must be serialized by the caller.
 */
#ifndef TINYVMM_PCI_H
#define TINYVMM_PCI_H

#include <stdbool.h>
#include <stdint.h>

/* Configuration mechanism #1 (PCI Local Bus Specification 3.0, 3.2.2.3.2) */
#define PCI_CONFIG_ADDRESS_PORT	0xcf8	/* 32-bit only */
#define PCI_CONFIG_DATA_PORT	0xcfc	/* 0xcfc-0xcff: bytes of the selected dword */
#define PCI_PORTS_LEN		8	/* the range 0xcf8-0xcff the VMM claims */

#define PCI_ADDR_ENABLE		0x80000000u	/* bit 31: the next CONFIG_DATA access is a config cycle */
#define PCI_ADDR_BUS_SHIFT	16		/* bits 23:16 bus */
#define PCI_ADDR_DEV_SHIFT	11		/* bits 15:11 device */
#define PCI_ADDR_FN_SHIFT	8		/* bits 10:8 function */
#define PCI_ADDR_REG_MASK	0xfcu		/* bits 7:2 dword register; 1:0 read 0 */
#define PCI_ADDR_WRITABLE	0x80fffffcu	/* bits 30:24 and 1:0 are reserved, read 0 */

#define PCI_MAX_DEVICES		32		/* device numbers on bus 0 */
#define PCI_MAX_FUNCTIONS	8		/* functions per device */
#define PCI_CONFIG_SPACE_SIZE	256		/* conventional PCI: 64 dwords */
#define PCI_NUM_BARS		6

/* Type 0 configuration header (PCI 3.0, 6.1, figure 6-1): byte offsets */
#define PCI_VENDOR_ID		0x00	/* 16 bits, RO; 0xffff = no function here */
#define PCI_DEVICE_ID		0x02	/* 16 bits, RO */
#define PCI_COMMAND		0x04	/* 16 bits, RW (6.2.2) */
#define PCI_STATUS		0x06	/* 16 bits, RO and RW1C (6.2.3) */
#define PCI_REVISION_ID		0x08	/* RO */
#define PCI_CLASS_PROG		0x09	/* RO: programming interface, class code 7:0 */
#define PCI_CLASS_SUB		0x0a	/* RO: sub-class, class code 15:8 */
#define PCI_CLASS_BASE		0x0b	/* RO: base class, class code 23:16 */
#define PCI_CACHE_LINE_SIZE	0x0c	/* RW */
#define PCI_LATENCY_TIMER	0x0d	/* reads 0 here */
#define PCI_HEADER_TYPE		0x0e	/* RO: bits 6:0 layout (0), bit 7 multi-function */
#define PCI_BIST		0x0f	/* 0: no built-in self test */
#define PCI_BAR0		0x10	/* six 32-bit base address registers (6.2.5.1) */
#define PCI_BAR(n)		(PCI_BAR0 + 4 * (n))
#define PCI_CARDBUS_CIS		0x28	/* 0 */
#define PCI_SUBSYSTEM_VENDOR_ID	0x2c	/* 16 bits, RO */
#define PCI_SUBSYSTEM_ID	0x2e	/* 16 bits, RO */
#define PCI_ROM_ADDRESS		0x30	/* expansion ROM BAR: none here, reads 0 */
#define PCI_CAPABILITY_LIST	0x34	/* RO: offset of the first capability (6.7) */
#define PCI_INTERRUPT_LINE	0x3c	/* RW: for software only, the IRQ the BIOS routed */
#define PCI_INTERRUPT_PIN	0x3d	/* RO: 0 none, 1-4 INTA#-INTD# */
#define PCI_MIN_GNT		0x3e	/* 0 */
#define PCI_MAX_LAT		0x3f	/* 0 */
#define PCI_HEADER_END		0x40	/* 0x40-0xff: device specific, capabilities */

#define PCI_HEADER_TYPE_MULTI	0x80

/* Command register bits (6.2.2) */
#define PCI_COMMAND_IO		0x0001	/* respond to I/O BARs */
#define PCI_COMMAND_MEMORY	0x0002	/* respond to memory BARs */
#define PCI_COMMAND_MASTER	0x0004	/* may master the bus: DMA, and MSI writes */
#define PCI_COMMAND_PARITY	0x0040	/* parity error response */
#define PCI_COMMAND_SERR	0x0100	/* SERR# enable */
#define PCI_COMMAND_INTX_DISABLE 0x0400	/* do not assert INTx# */
#define PCI_COMMAND_WRITABLE	(PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER | \
				 PCI_COMMAND_PARITY | PCI_COMMAND_SERR | PCI_COMMAND_INTX_DISABLE)

/* Status register bits (6.2.3) */
#define PCI_STATUS_INTERRUPT	0x0008	/* RO: the function's INTx is pending */
#define PCI_STATUS_CAP_LIST	0x0010	/* RO: PCI_CAPABILITY_LIST is valid */
#define PCI_STATUS_ERRORS	0xf900	/* RW1C: parity, target/master abort, SERR bits */

/* Base address register low bits (6.2.5.1) */
#define PCI_BAR_SPACE_IO	0x01	/* bit 0: 1 = I/O, 0 = memory */
#define PCI_BAR_MEM_TYPE_64	0x04	/* bits 2:1 = 10: 64-bit (not supported here) */
#define PCI_BAR_MEM_PREFETCH	0x08	/* bit 3: prefetchable */
#define PCI_BAR_MEM_ADDR_MASK	0xfffffff0u
#define PCI_BAR_IO_ADDR_MASK	0xfffffffcu
#define PCI_BAR_NONE		UINT64_MAX	/* pci_bar_address(): not decoded */

enum pci_bar_type {
	PCI_BAR_MEM32,		/* 32-bit memory, not prefetchable */
	PCI_BAR_MEM32_PREFETCH,	/* 32-bit memory, prefetchable */
	PCI_BAR_IO,		/* I/O space */
};

/* Capability list (6.7): every capability starts with an ID and a next pointer */
#define PCI_CAP_ID		0	/* byte: what the capability is */
#define PCI_CAP_NEXT		1	/* byte: offset of the next one, 0 = last */
#define PCI_CAP_ID_MSI		0x05

/* MSI capability (6.8.1), offsets from the capability's start */
#define PCI_MSI_CONTROL		0x02	/* 16 bits: message control */
#define PCI_MSI_ADDRESS_LO	0x04	/* 32 bits: message address, bits 1:0 read 0 */
#define PCI_MSI_ADDRESS_HI	0x08	/* 32 bits: upper address (64-bit capability only) */
#define PCI_MSI_DATA_32		0x08	/* 16 bits: message data, 32-bit capability */
#define PCI_MSI_DATA_64		0x0c	/* 16 bits: message data, 64-bit capability */
#define PCI_MSI_MASK_32		0x0c	/* 32 bits: mask bits (per-vector masking only) */
#define PCI_MSI_MASK_64		0x10
#define PCI_MSI_PENDING_32	0x10	/* 32 bits: pending bits, RO */
#define PCI_MSI_PENDING_64	0x14

/* Message control bits */
#define PCI_MSI_CTL_ENABLE	0x0001	/* RW: use MSI, not INTx */
#define PCI_MSI_CTL_MMC_MASK	0x000e	/* RO: log2 of the vectors requested (0-5) */
#define PCI_MSI_CTL_MMC_SHIFT	1
#define PCI_MSI_CTL_MME_MASK	0x0070	/* RW: log2 of the vectors granted */
#define PCI_MSI_CTL_MME_SHIFT	4
#define PCI_MSI_CTL_64BIT	0x0080	/* RO: has an upper address dword */
#define PCI_MSI_CTL_PVM		0x0100	/* RO: per-vector masking capable */

/* What a configuration write changed: the 'changed' argument of config_written */
#define PCI_CHANGED_COMMAND	0x0001		/* the command register */
#define PCI_CHANGED_MSI		0x0002		/* MSI control, address, data or mask */
#define PCI_CHANGED_OTHER	0x0004		/* any other byte */
#define PCI_CHANGED_BAR(n)	(0x0100u << (n))	/* BAR n moved (or was sized) */

struct pci_function {
	uint8_t config[PCI_CONFIG_SPACE_SIZE];	/* what the guest reads */
	uint8_t wmask[PCI_CONFIG_SPACE_SIZE];	/* bits a write may change */
	uint8_t w1cmask[PCI_CONFIG_SPACE_SIZE];	/* bits a write of 1 clears */
	uint32_t bar_size[PCI_NUM_BARS];	/* 0: not implemented */
	uint8_t msi_cap;			/* offset of the MSI capability, 0: none */
	uint16_t cap_free;			/* next free offset for a capability */
	uint8_t dev, fn;			/* where pci_add_function() put it */
	/*
	 * Called after every configuration write that reached this function,
	 * with the write's offset and size and PCI_CHANGED_* bits for what
	 * it changed (0: nothing did).  May be NULL.
	 */
	void (*config_written)(void *opaque, struct pci_function *f, unsigned offset,
			       unsigned size, unsigned changed);
	/* Sends an MSI; pci_msi_notify() and unmasking call it.  May be NULL. */
	void (*msi_send)(void *opaque, uint64_t address, uint32_t data);
	void *opaque;
};

struct pci_bus {
	uint32_t config_address;		/* the latched CONFIG_ADDRESS */
	struct pci_function *slot[PCI_MAX_DEVICES][PCI_MAX_FUNCTIONS];
	struct pci_function host_bridge;	/* 00:00.0, added by pci_init() */
};

/* The host bridge's identity: Intel 82441FX (i440FX), as QEMU's pc machine */
#define PCI_HOST_VENDOR		0x8086
#define PCI_HOST_DEVICE		0x1237
#define PCI_HOST_REVISION	0x02
#define PCI_HOST_CLASS		0x060000	/* bridge, host bridge */

/* The subsystem IDs QEMU gives its devices (Red Hat/Qumranet, "QEMU") */
#define PCI_SUBSYS_VENDOR_QEMU	0x1af4
#define PCI_SUBSYS_ID_QEMU	0x1100

/* Empty bus (no address latched) with the host bridge at 00:00.0. */
void pci_init(struct pci_bus *bus);

/*
 * A function's power-on state: the IDs and class code (24 bits: base,
 * sub-class, interface), command 0, no BARs, no capabilities, interrupt pin
 * 'pin' (0 none, 1 = INTA#).  Callbacks and opaque are NULL.
 */
void pci_function_init(struct pci_function *f, uint16_t vendor, uint16_t device,
		       uint8_t revision, uint32_t class_code, uint8_t pin);

/* The subsystem vendor and ID (read-only to software). */
void pci_set_subsystem(struct pci_function *f, uint16_t vendor, uint16_t id);

/*
 * Put 'f' at device 'dev' (0-31), function 'fn' (0-7) of bus 0.  Function 0
 * must come first; adding a function above 0 sets function 0's
 * multi-function bit.  -EINVAL bad number, -EEXIST taken, -ENOENT no function 0.
 */
int pci_add_function(struct pci_bus *bus, struct pci_function *f, unsigned dev, unsigned fn);

/*
 * Port I/O at 0xcf8-0xcff ('port' absolute, size 1, 2 or 4).  Only a 4-byte
 * access at 0xcf8 is CONFIG_ADDRESS; other accesses to 0xcf8-0xcfb read all
 * ones and are ignored.  CONFIG_DATA bytes past 0xcff read all ones.
 */
uint32_t pci_port_read(struct pci_bus *bus, uint16_t port, unsigned size);
void pci_port_write(struct pci_bus *bus, uint16_t port, unsigned size, uint32_t value);

/*
 * Configuration space of one function, as the bus sees it: 'size' 1, 2 or 4
 * bytes from 'offset', little-endian, any alignment; bytes past 0xff read
 * all ones and are not written.  Writes go through the write masks and call
 * config_written.
 */
uint32_t pci_config_read(const struct pci_function *f, unsigned offset, unsigned size);
void pci_config_write(struct pci_function *f, unsigned offset, unsigned size, uint32_t value);

/*
 * BAR n: 'size' bytes, a power of two, at least 16 (memory) or 4 (I/O).
 * The guest then sizes it by writing all ones.  -EINVAL if n or size is bad.
 */
int pci_declare_bar(struct pci_function *f, unsigned n, uint32_t size, enum pci_bar_type type);

/*
 * Where BAR n decodes: its base address if it is declared and the command
 * register enables its space (I/O or memory), else PCI_BAR_NONE.
 */
uint64_t pci_bar_address(const struct pci_function *f, unsigned n);

/*
 * Append a capability of 'len' bytes (at least 2) to the list: returns its
 * offset (dword aligned, from 0x40 on) with the ID and next pointer filled in
 * and the rest 0 and read-only (the device may set wmask), -EINVAL if 'len'
 * is under 2, -ENOSPC if it does not fit.
 */
int pci_add_capability(struct pci_function *f, uint8_t id, unsigned len);

/*
 * Add an MSI capability asking for 2^log2_vectors vectors (0-5), with a
 * 64-bit address if 'is64', per-vector mask and pending bits if 'masking'.
 * Returns its offset, or -EINVAL/-EEXIST/-ENOSPC.
 */
int pci_add_msi(struct pci_function *f, unsigned log2_vectors, bool is64, bool masking);

bool pci_msi_enabled(const struct pci_function *f);

/* Vector 0's message as programmed; false if the function has no MSI. */
bool pci_msi_message(const struct pci_function *f, uint64_t *address, uint32_t *data);

/*
 * The device signals MSI 'vector'.  Returns false if MSI cannot carry it (no
 * capability, MSI disabled, vector not granted): the device uses INTx then.
 * Otherwise true, and the message went out through msi_send, unless the
 * vector is masked (its pending bit is set; it goes out when unmasked) or
 * bus mastering is off in the command register (the write is lost).
 */
bool pci_msi_notify(struct pci_function *f, unsigned vector);

/* The device's INTx condition, shown in status bit 3 (RO to software). */
void pci_set_interrupt_status(struct pci_function *f, bool pending);

#endif
