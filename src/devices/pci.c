/*
 * pci.c - PCI configuration space, configuration mechanism #1, BARs and MSI.
 *
 * Specification: PCI-SIG "PCI Local Bus Specification", revision 3.0
 * (2004).  Section numbers below are from it.
 *
 * An ISA device sits at fixed ports its driver must know.  A PCI function
 * describes itself in a 256-byte *configuration space*, reached by bus,
 * device and function number (6.1): vendor and device IDs, class code, the
 * address ranges it needs (base address registers, BARs), its interrupt
 * pin, and a list of optional *capabilities* such as MSI.  Firmware or the
 * OS reads the IDs, sizes each BAR, assigns addresses, and then switches
 * decoding on in the command register.
 *
 * On a PC the CPU reaches configuration space through two 32-bit ports,
 * configuration mechanism #1 (3.2.2.3.2):
 *
 *   CONFIG_ADDRESS  0xCF8  bit 31 enable, 23:16 bus, 15:11 device,
 *                          10:8 function, 7:2 dword register
 *   CONFIG_DATA     0xCFC  the selected dword; 0xCFD-0xCFF are its bytes
 *                          1-3, so byte and word accesses work too
 *
 * Only a 32-bit access to 0xCF8 is CONFIG_ADDRESS: chipsets route byte
 * accesses there elsewhere (0xCF9 is the reset control register on Intel's
 * PIIX3).  A read of a function that is not there ends in a master abort,
 * which reads as all ones: vendor 0xFFFF means "nobody home".
 *
 * Each byte of configuration space has a write mask: the bits software may
 * change.  Read-only fields (IDs, class, header type, capability pointer,
 * most status bits) simply have mask 0, and BAR sizing (6.2.5.1) falls out
 * of the masks too: a BAR of size 2^n has bits 31:n writable and the rest
 * fixed, so writing all ones and reading back gives ~(size - 1) plus the
 * type bits.  Status error bits are "write 1 to clear" (6.2.3): a second
 * mask.
 *
 * MSI (6.8): instead of asserting a pin, a function writes the data word
 * the OS programmed to the address it programmed (on x86, 0xFEE00000 and
 * up, the local APICs: Intel SDM vol. 3A, 11.11).  Here that write leaves
 * through the function's msi_send callback.
 *
 * Not modelled: buses other than 0 and PCI-to-PCI bridges (type 1
 * headers), 64-bit BARs, expansion ROMs, PCI Express extended configuration
 * space, MSI-X, and any chipset registers of the host bridge.
 */
#include <errno.h>
#include <string.h>

#include "pci.h"

static uint32_t get16(const uint8_t *p) { return p[0] | (uint32_t)p[1] << 8; }
static uint32_t get32(const uint8_t *p) { return get16(p) | get16(p + 2) << 16; }
static void put16(uint8_t *p, uint32_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static void put32(uint8_t *p, uint32_t v) { put16(p, v); put16(p + 2, v >> 16); }

static uint32_t all_ones(unsigned size)
{
	return size >= 4 ? 0xffffffffu : (1u << (8 * size)) - 1;
}

/* --- the function ------------------------------------------------------ */

void pci_function_init(struct pci_function *f, uint16_t vendor, uint16_t device,
		       uint8_t revision, uint32_t class_code, uint8_t pin)
{
	memset(f, 0, sizeof(*f));
	put16(f->config + PCI_VENDOR_ID, vendor);
	put16(f->config + PCI_DEVICE_ID, device);
	f->config[PCI_REVISION_ID] = revision;
	f->config[PCI_CLASS_PROG] = (uint8_t)class_code;
	f->config[PCI_CLASS_SUB] = (uint8_t)(class_code >> 8);
	f->config[PCI_CLASS_BASE] = (uint8_t)(class_code >> 16);
	f->config[PCI_INTERRUPT_PIN] = pin;

	put16(f->wmask + PCI_COMMAND, PCI_COMMAND_WRITABLE);
	put16(f->w1cmask + PCI_STATUS, PCI_STATUS_ERRORS);
	f->wmask[PCI_CACHE_LINE_SIZE] = 0xff;
	f->wmask[PCI_INTERRUPT_LINE] = 0xff;
	f->cap_free = PCI_HEADER_END;
}

void pci_set_subsystem(struct pci_function *f, uint16_t vendor, uint16_t id)
{
	put16(f->config + PCI_SUBSYSTEM_VENDOR_ID, vendor);
	put16(f->config + PCI_SUBSYSTEM_ID, id);
}

int pci_declare_bar(struct pci_function *f, unsigned n, uint32_t size, enum pci_bar_type type)
{
	bool io = type == PCI_BAR_IO;

	if (n >= PCI_NUM_BARS || size == 0 || (size & (size - 1)) != 0)
		return -EINVAL;
	/* 6.2.5.1: memory ranges are at least 16 bytes; I/O 4 to 256 bytes */
	if (io ? size < 4 || size > 256 : size < 16)
		return -EINVAL;
	f->bar_size[n] = size;
	put32(f->config + PCI_BAR(n), io ? PCI_BAR_SPACE_IO :
	      type == PCI_BAR_MEM32_PREFETCH ? PCI_BAR_MEM_PREFETCH : 0);
	put32(f->wmask + PCI_BAR(n), ~(size - 1));
	return 0;
}

uint64_t pci_bar_address(const struct pci_function *f, unsigned n)
{
	uint32_t bar, cmd = get16(f->config + PCI_COMMAND);

	if (n >= PCI_NUM_BARS || !f->bar_size[n])
		return PCI_BAR_NONE;
	bar = get32(f->config + PCI_BAR(n));
	if (bar & PCI_BAR_SPACE_IO)
		return cmd & PCI_COMMAND_IO ? bar & PCI_BAR_IO_ADDR_MASK : PCI_BAR_NONE;
	return cmd & PCI_COMMAND_MEMORY ? bar & PCI_BAR_MEM_ADDR_MASK : PCI_BAR_NONE;
}

void pci_set_interrupt_status(struct pci_function *f, bool pending)
{
	f->config[PCI_STATUS] = (uint8_t)((f->config[PCI_STATUS] & ~PCI_STATUS_INTERRUPT) |
					  (pending ? PCI_STATUS_INTERRUPT : 0));
}

/*
 * Capabilities (6.7): a linked list in the device-specific part, 0x40-0xFF.
 * The capabilities pointer at 0x34 holds the first one's offset, each
 * entry's second byte the next one's, 0 ends the list; status bit 4 says
 * the pointer is valid.  We append, so the list is in the order added.
 */
int pci_add_capability(struct pci_function *f, uint8_t id, unsigned len)
{
	unsigned off = f->cap_free, link = PCI_CAPABILITY_LIST;

	if (len < 2)
		return -EINVAL;
	if (off + len > PCI_CONFIG_SPACE_SIZE)
		return -ENOSPC;
	while (f->config[link])
		link = f->config[link] + PCI_CAP_NEXT;
	f->config[link] = (uint8_t)off;
	f->config[off + PCI_CAP_ID] = id;
	f->config[PCI_STATUS] |= PCI_STATUS_CAP_LIST;
	f->cap_free = (uint16_t)((off + len + 3) & ~3u);
	return (int)off;
}

/* --- MSI (6.8.1) --------------------------------------------------------- */

static unsigned msi_control(const struct pci_function *f)
{
	return get16(f->config + f->msi_cap + PCI_MSI_CONTROL);
}

static bool msi_is64(const struct pci_function *f) { return msi_control(f) & PCI_MSI_CTL_64BIT; }

/* Where the data and mask registers are: after a 32- or 64-bit address */
static unsigned msi_data_off(const struct pci_function *f)
{
	return f->msi_cap + (msi_is64(f) ? PCI_MSI_DATA_64 : PCI_MSI_DATA_32);
}

static unsigned msi_mask_off(const struct pci_function *f)
{
	return f->msi_cap + (msi_is64(f) ? PCI_MSI_MASK_64 : PCI_MSI_MASK_32);
}

/* Multiple Message Capable and Enable: log2 of vectors asked for, granted */
static unsigned msi_mmc(unsigned ctl) { return (ctl & PCI_MSI_CTL_MMC_MASK) >> PCI_MSI_CTL_MMC_SHIFT; }
static unsigned msi_mme(unsigned ctl) { return (ctl & PCI_MSI_CTL_MME_MASK) >> PCI_MSI_CTL_MME_SHIFT; }
static unsigned msi_granted(const struct pci_function *f) { return 1u << msi_mme(msi_control(f)); }

int pci_add_msi(struct pci_function *f, unsigned log2_vectors, bool is64, bool masking)
{
	unsigned len = (is64 ? PCI_MSI_DATA_64 : PCI_MSI_DATA_32) + 2;
	int off;

	if (log2_vectors > 5)
		return -EINVAL;
	if (f->msi_cap)
		return -EEXIST;
	if (masking)	/* 2 reserved bytes, then the mask and pending dwords */
		len = (is64 ? PCI_MSI_PENDING_64 : PCI_MSI_PENDING_32) + 4;
	off = pci_add_capability(f, PCI_CAP_ID_MSI, len);
	if (off < 0)
		return off;
	f->msi_cap = (uint8_t)off;
	put16(f->config + off + PCI_MSI_CONTROL, log2_vectors << PCI_MSI_CTL_MMC_SHIFT |
	      (is64 ? PCI_MSI_CTL_64BIT : 0) | (masking ? PCI_MSI_CTL_PVM : 0));
	put16(f->wmask + off + PCI_MSI_CONTROL, PCI_MSI_CTL_ENABLE | PCI_MSI_CTL_MME_MASK);
	put32(f->wmask + off + PCI_MSI_ADDRESS_LO, 0xfffffffcu);	/* dword aligned */
	if (is64)
		put32(f->wmask + off + PCI_MSI_ADDRESS_HI, 0xffffffffu);
	put16(f->wmask + msi_data_off(f), 0xffff);
	if (masking)	/* one mask bit per vector the function can ask for */
		put32(f->wmask + msi_mask_off(f), log2_vectors == 5 ? 0xffffffffu :
		      (1u << (1u << log2_vectors)) - 1);
	return off;
}

bool pci_msi_enabled(const struct pci_function *f)
{
	return f->msi_cap && (msi_control(f) & PCI_MSI_CTL_ENABLE);
}

static void msi_vector_message(const struct pci_function *f, unsigned vector,
			       uint64_t *address, uint32_t *data)
{
	/* LAB 8: begin */
	uint32_t base = get16(f->config + msi_data_off(f));

	*address = get32(f->config + f->msi_cap + PCI_MSI_ADDRESS_LO);
	if (msi_is64(f))
		*address |= (uint64_t)get32(f->config + f->msi_cap + PCI_MSI_ADDRESS_HI) << 32;
	/* 6.8.1.6: with 2^MME vectors, the low MME data bits carry the vector */
	*data = (base & ~(msi_granted(f) - 1)) | vector;
	/* LAB 8: stub */
	//@ (void)msi_granted;	/* 2^MME: how many vectors the OS granted */
	//@ *address = 0;		/* a write to address 0 is memory, not an interrupt */
	//@ *data = 0;
	/* LAB 8: end */
}

bool pci_msi_message(const struct pci_function *f, uint64_t *address, uint32_t *data)
{
	if (!f->msi_cap)
		return false;
	msi_vector_message(f, 0, address, data);
	return true;
}

/*
 * An MSI is a memory write the function masters, so with bus mastering off
 * (command bit 2, 6.2.2) it cannot go out: the message is dropped, as QEMU
 * drops it (its bus-master address space is disabled then).
 */
static void msi_send_vector(struct pci_function *f, unsigned vector)
{
	uint64_t address;
	uint32_t data;

	if (!(get16(f->config + PCI_COMMAND) & PCI_COMMAND_MASTER) || !f->msi_send)
		return;
	msi_vector_message(f, vector, &address, &data);
	f->msi_send(f->opaque, address, data);
}

bool pci_msi_notify(struct pci_function *f, unsigned vector)
{
	/* LAB 8: begin */
	if (!pci_msi_enabled(f) || vector >= msi_granted(f))
		return false;
	if (msi_control(f) & PCI_MSI_CTL_PVM) {
		uint8_t *mask = f->config + msi_mask_off(f);

		if (get32(mask) & (1u << vector)) {	/* masked: remember it */
			put32(mask + 4, get32(mask + 4) | 1u << vector);
			return true;
		}
	}
	msi_send_vector(f, vector);
	return true;
	/* LAB 8: stub */
	//@ (void)msi_send_vector;	/* sends vector k's message, if bus mastering is on */
	//@ return false;		/* "MSI cannot carry it": but nothing goes out by INTx either */
	/* LAB 8: end */
}

/*
 * After a write to the capability: a Multiple Message Enable above what the
 * function asked for (the spec leaves that undefined) is cut down to the
 * Multiple Message Capable value; then every vector that is enabled,
 * granted, unmasked and pending is sent and its pending bit cleared (6.8.1,
 * mask and pending bits: unmasking a pending vector sends it).
 */
static void msi_written(struct pci_function *f)
{
	unsigned ctl = msi_control(f), mmc = msi_mmc(ctl);

	if (msi_mme(ctl) > mmc)
		put16(f->config + f->msi_cap + PCI_MSI_CONTROL,
		      (ctl & ~PCI_MSI_CTL_MME_MASK) | mmc << PCI_MSI_CTL_MME_SHIFT);
	/* LAB 8: begin */
	if (!(ctl & PCI_MSI_CTL_PVM) || !pci_msi_enabled(f))
		return;
	uint8_t *mask = f->config + msi_mask_off(f);
	uint32_t due = get32(mask + 4) & ~get32(mask);

	for (unsigned v = 0; v < msi_granted(f); v++) {
		if (!(due & (1u << v)))
			continue;
		put32(mask + 4, get32(mask + 4) & ~(1u << v));
		msi_send_vector(f, v);
	}
	/* LAB 8: stub */
	//@ /* a vector that was masked and is pending stays pending, unmasked or not */
	/* LAB 8: end */
}

/* --- configuration reads and writes ------------------------------------- */

uint32_t pci_config_read(const struct pci_function *f, unsigned offset, unsigned size)
{
	uint32_t v = 0;

	for (unsigned i = 0; i < size && i < 4; i++) {
		unsigned off = offset + i;

		v |= (uint32_t)(off < PCI_CONFIG_SPACE_SIZE ? f->config[off] : 0xff) << (8 * i);
	}
	return v;
}

/* Is byte 'off' part of the MSI capability? */
static bool in_msi(const struct pci_function *f, unsigned off)
{
	if (!f->msi_cap || off < f->msi_cap)
		return false;
	return off < (msi_control(f) & PCI_MSI_CTL_PVM ? msi_mask_off(f) + 8 : msi_data_off(f) + 2);
}

/* Which PCI_CHANGED_* bit a change of byte 'off' stands for. */
static unsigned what_changed(const struct pci_function *f, unsigned off)
{
	if (off == PCI_COMMAND || off == PCI_COMMAND + 1)
		return PCI_CHANGED_COMMAND;
	if (off >= PCI_BAR0 && off < PCI_BAR(PCI_NUM_BARS))
		return PCI_CHANGED_BAR((off - PCI_BAR0) / 4);
	if (in_msi(f, off))
		return PCI_CHANGED_MSI;
	return PCI_CHANGED_OTHER;
}

void pci_config_write(struct pci_function *f, unsigned offset, unsigned size, uint32_t value)
{
	unsigned changed = 0;
	bool msi = false;

	for (unsigned i = 0; i < size && i < 4; i++) {
		unsigned off = offset + i;
		uint8_t b = (uint8_t)(value >> (8 * i)), old, now;

		if (off >= PCI_CONFIG_SPACE_SIZE)
			break;
		old = f->config[off];
		now = (uint8_t)((old & ~f->wmask[off]) | (b & f->wmask[off]));
		now &= (uint8_t)~(b & f->w1cmask[off]);
		f->config[off] = now;
		if (now != old)
			changed |= what_changed(f, off);
		msi |= in_msi(f, off);
	}
	if (msi)
		msi_written(f);
	if (f->config_written)
		f->config_written(f->opaque, f, offset, size, changed);
}

/* --- the bus and its ports ---------------------------------------------- */

/*
 * The host bridge at 00:00.0 is how software recognises the chipset.  We
 * answer as Intel's 82441FX PMC (8086:1237, i440FX), the host bridge of
 * QEMU's "pc" machine: guests and lspci know it, and a guest sees the same
 * bridge under QEMU and tinyvmm.  Its chipset registers (PAM, SMRAM, DRAM
 * control, 0x50-0x72) read 0 and ignore writes: tinyvmm's ROMs need none.
 */
void pci_init(struct pci_bus *bus)
{
	memset(bus, 0, sizeof(*bus));
	pci_function_init(&bus->host_bridge, PCI_HOST_VENDOR, PCI_HOST_DEVICE,
			  PCI_HOST_REVISION, PCI_HOST_CLASS, 0);
	pci_set_subsystem(&bus->host_bridge, PCI_SUBSYS_VENDOR_QEMU, PCI_SUBSYS_ID_QEMU);
	pci_add_function(bus, &bus->host_bridge, 0, 0);
}

int pci_add_function(struct pci_bus *bus, struct pci_function *f, unsigned dev, unsigned fn)
{
	if (dev >= PCI_MAX_DEVICES || fn >= PCI_MAX_FUNCTIONS)
		return -EINVAL;
	if (bus->slot[dev][fn])
		return -EEXIST;
	if (fn > 0 && !bus->slot[dev][0])
		return -ENOENT;	/* software probes functions 1-7 only if 0 exists */
	if (fn > 0)
		bus->slot[dev][0]->config[PCI_HEADER_TYPE] |= PCI_HEADER_TYPE_MULTI;
	bus->slot[dev][fn] = f;
	f->dev = (uint8_t)dev;
	f->fn = (uint8_t)fn;
	return 0;
}

/*
 * The function a CONFIG_DATA access at 'port' reaches, or NULL (not a data
 * port, enable bit clear, a bus other than 0, no function there).  The
 * access covers bytes port-0xCFC and up of the dword register CONFIG_ADDRESS
 * selects; *reg is the first, *n how many lie in 0xCFC-0xCFF.  Bytes past
 * 0xCFF belong to no register here: they read all ones and are not written
 * (a CPU splits such an access at the dword boundary anyway).
 */
static struct pci_function *config_data(const struct pci_bus *bus, uint16_t port,
					unsigned size, unsigned *reg, unsigned *n)
{
	uint32_t a = bus->config_address;
	unsigned byte = (unsigned)port - PCI_CONFIG_DATA_PORT;

	if (port < PCI_CONFIG_DATA_PORT || byte >= 4 || !(a & PCI_ADDR_ENABLE) ||
	    ((a >> PCI_ADDR_BUS_SHIFT) & 0xff) != 0)
		return NULL;
	*reg = (a & PCI_ADDR_REG_MASK) + byte;
	*n = size < 4 - byte ? size : 4 - byte;
	return bus->slot[(a >> PCI_ADDR_DEV_SHIFT) & 31][(a >> PCI_ADDR_FN_SHIFT) & 7];
}

uint32_t pci_port_read(struct pci_bus *bus, uint16_t port, unsigned size)
{
	struct pci_function *f;
	unsigned reg, n;
	uint32_t ones = all_ones(size);

	if (port == PCI_CONFIG_ADDRESS_PORT && size == 4)
		return bus->config_address;
	f = config_data(bus, port, size, &reg, &n);
	if (!f)
		return ones;	/* not ours, or a master abort */
	return pci_config_read(f, reg, n) | (ones & ~all_ones(n));
}

void pci_port_write(struct pci_bus *bus, uint16_t port, unsigned size, uint32_t value)
{
	struct pci_function *f;
	unsigned reg, n;

	if (port == PCI_CONFIG_ADDRESS_PORT && size == 4) {
		bus->config_address = value & PCI_ADDR_WRITABLE;
		return;
	}
	f = config_data(bus, port, size, &reg, &n);
	if (f)
		pci_config_write(f, reg, n, value);
}
