/*
 * pcibus.c - chapter 8: a PCI bus in the machine (the models are
 * src/devices/pci.c and src/devices/edu.c).
 *
 *   guest: out 0xCF8 (CONFIG_ADDRESS), in/out 0xCFC-0xCFF (CONFIG_DATA)
 *     --port bus--> pci_port_read/write --> 00:00.0 host bridge, 00:04.0 edu
 *   guest: mov to BAR 0's address, in the PCI hole 0xC0000000-0xFEBFFFFF
 *     --MMIO bus--> hole_read/write --BAR 0 decodes?--> edu_mmio_read/write
 *   edu interrupt, MSI enabled:  msi_send --> apic_deliver_msi (apic.c):
 *     our LAPIC (--irqchip none), or KVM's by the --msi method (devmsi.c:
 *     KVM_SIGNAL_MSI, a GSI route + KVM_IRQ_LINE, or an irqfd whose eventfd
 *     the device thread writes when a factorial is done)
 *   edu interrupt, MSI disabled: INTA# --> irq_set_pci_intx (irq.c) --> GSI 16
 *
 * A real PC's chipset decodes BARs in hardware: the OS writes an address
 * into a BAR and the device answers there from then on.  tinyvmm claims the
 * whole hole once and asks, on each access, whether BAR 0 is enabled
 * (command register bit 1, PCI 3.0 6.2.2) and covers the address: no range
 * moves when the guest reprograms a BAR, and an access that hits no BAR
 * gets the unhandled-access report, as anywhere else.  A BAR placed outside
 * the hole (over RAM, an APIC or the ROM) is not decoded: those addresses
 * belong to the memory slots and the APICs first, as on a PC, where the
 * chipset sends only the hole to PCI.
 *
 * Everything here runs with vm->lock held (bus dispatch, the timer thread).
 */
#include <errno.h>
#include <string.h>

#include "apic.h"
#include "devmsi.h"
#include "irq.h"
#include "pcibus.h"
#include "vm.h"

static void pci_ports_read(void *opaque, uint64_t off, uint8_t *data, unsigned size)
{
	struct vm *vm = opaque;
	uint32_t v = pci_port_read(&vm->pci, (uint16_t)(PCI_CONFIG_ADDRESS_PORT + off), size);

	memcpy(data, &v, size < 4 ? size : 4);
}

static void pci_ports_write(void *opaque, uint64_t off, const uint8_t *data, unsigned size)
{
	struct vm *vm = opaque;
	uint16_t port = (uint16_t)(PCI_CONFIG_ADDRESS_PORT + off);
	uint32_t v = 0;

	memcpy(&v, data, size < 4 ? size : 4);
	if (port >= PCI_CONFIG_DATA_PORT && (vm->pci.config_address & PCI_ADDR_ENABLE))
		TRACE(&vm->trace, "guest: pci config %02x:%02x.%u +%#04x <- %0*x (%u byte%s)",
		      (vm->pci.config_address >> PCI_ADDR_BUS_SHIFT) & 0xff,
		      (vm->pci.config_address >> PCI_ADDR_DEV_SHIFT) & 31,
		      (vm->pci.config_address >> PCI_ADDR_FN_SHIFT) & 7,
		      (vm->pci.config_address & PCI_ADDR_REG_MASK) + (port - PCI_CONFIG_DATA_PORT),
		      (int)(2 * size), v, size, size == 1 ? "" : "s");
	pci_port_write(&vm->pci, port, size, v);
}

/*
 * --msi irqfd: the finished factorial's MSI is the device thread's to send
 * (devmsi.c).  Tell it when, after anything that may change the answer: a
 * register write (a factorial started, status bit 0x80 set or cleared) or a
 * configuration write (MSI or bus mastering switched).  Otherwise never.
 */
static void post_factorial(struct vm *vm)
{
	const struct edu *e = &vm->edu;
	bool want = e->fact_msi_elsewhere && (e->status & EDU_STATUS_COMPUTING) &&
		    (e->status & EDU_STATUS_IRQ_FACT) && pci_msi_enabled(&e->pci) &&
		    (pci_config_read(&e->pci, PCI_COMMAND, 2) & PCI_COMMAND_MASTER);

	devmsi_post(vm, want ? e->fact_done_ns : UINT64_MAX);
}

uint64_t pcibus_next_event_ns(struct vm *vm)
{
	const struct edu *e = &vm->edu;

	if (!vm->has_pci || !(e->status & EDU_STATUS_IRQ_FACT))
		return UINT64_MAX;	/* no interrupt due: a read of the status catches the model up */
	if (e->fact_msi_elsewhere && pci_msi_enabled(&e->pci))
		return UINT64_MAX;	/* --msi irqfd: the device thread sends it */
	return edu_next_event_ns(&vm->edu);
}

/* The edu's offset for [addr, addr+size), or -1 if BAR 0 does not decode all of it. */
static int64_t edu_offset(struct vm *vm, uint64_t addr, unsigned size)
{
	uint64_t bar = pci_bar_address(&vm->edu.pci, 0);

	if (bar == PCI_BAR_NONE || addr < bar || addr - bar + size > EDU_BAR_SIZE)
		return -1;
	return (int64_t)(addr - bar);
}

static void hole_read(void *opaque, uint64_t off, uint8_t *data, unsigned size)
{
	struct vm *vm = opaque;
	uint64_t addr = PCI_HOLE_BASE + off;
	int64_t reg = edu_offset(vm, addr, size);
	uint64_t v;

	if (reg < 0) {
		vm_unhandled(vm, true, false, addr, data, size);	/* data: all ones (bus.c) */
		return;
	}
	v = edu_mmio_read(&vm->edu, (uint64_t)reg, size);	/* may finish a factorial: an interrupt */
	memcpy(data, &v, size < 8 ? size : 8);
}

static void hole_write(void *opaque, uint64_t off, const uint8_t *data, unsigned size)
{
	struct vm *vm = opaque;
	uint64_t addr = PCI_HOLE_BASE + off;
	int64_t reg = edu_offset(vm, addr, size);
	uint64_t v = 0;

	if (reg < 0) {
		vm_unhandled(vm, true, true, addr, data, size);
		return;
	}
	memcpy(&v, data, size < 8 ? size : 8);
	TRACE(&vm->trace, "guest: edu +%#04llx <- %0*llx", (unsigned long long)reg, (int)(2 * size),
	      (unsigned long long)v);
	edu_mmio_write(&vm->edu, (uint64_t)reg, size, v);
	post_factorial(vm);
	/* a factorial may have started: the timer thread must wake when it is done */
	pthread_cond_signal(&vm->timer_cond);
}

/* The edu's MSI: a write to the local APICs (apic.c), wherever they live. */
static void edu_msi(void *opaque, uint64_t address, uint32_t data)
{
	apic_deliver_msi(opaque, "edu", address, data);
}

/* --trace: where BAR 0 decodes now, and whether MSI is on, after a configuration write. */
static void edu_config_written(void *opaque, struct pci_function *f, unsigned offset,
			       unsigned size, unsigned changed)
{
	struct vm *vm = opaque;
	uint64_t bar = pci_bar_address(f, 0), address;
	uint32_t data;

	/* --msi route, irqfd: KVM's route follows the guest's message */
	if ((changed & PCI_CHANGED_MSI) && pci_msi_message(f, &address, &data))
		devmsi_message_changed(vm, pci_msi_enabled(f), address, data);
	post_factorial(vm);
	if (!vm->trace.on)
		return;
	if (changed & (PCI_CHANGED_BAR(0) | PCI_CHANGED_COMMAND)) {
		if (bar == PCI_BAR_NONE)
			TRACE(&vm->trace, "pci: 00:%02x.0 bar0 not decoded (command %04x)", f->dev,
			      pci_config_read(f, PCI_COMMAND, 2));
		else
			TRACE(&vm->trace, "pci: 00:%02x.0 bar0 decodes %#llx-%#llx%s", f->dev,
			      (unsigned long long)bar, (unsigned long long)(bar + EDU_BAR_SIZE - 1),
			      bar >= PCI_HOLE_BASE && bar + EDU_BAR_SIZE <= PCI_HOLE_END ? "" :
			      ", outside the pci hole: unreachable");
	}
	if ((changed & PCI_CHANGED_MSI) && pci_msi_message(f, &address, &data))
		TRACE(&vm->trace, "pci: 00:%02x.0 msi %s, addr=%08llx data=%04x", f->dev,
		      pci_msi_enabled(f) ? "enabled" : "disabled", (unsigned long long)address, data);
}

int pcibus_devices_add(struct vm *vm)
{
	int r;

	vm->has_pci = true;
	vm->devmsi.eventfd = -1;	/* devmsi_stop() closes it only once it exists */
	pci_init(&vm->pci);
	edu_init(&vm->edu, vm->clock, (struct irq_line){ irq_set_pci_intx, vm, PCI_INTX_GSI }, edu_msi, vm);
	vm->edu.config_written = edu_config_written;
	vm->edu.config_opaque = vm;
	/* --msi irqfd: the device thread, not the model, sends the factorial's MSI */
	vm->edu.fact_msi_elsewhere = vm->cfg.irqchip != IRQCHIP_NONE && vm->cfg.msi == MSI_IRQFD;
	r = devmsi_start(vm);
	if (r)
		return r;
	/*
	 * The interrupt line register is for software only (PCI 3.0 6.2.4):
	 * firmware writes the routing it chose.  Ours has no firmware, so the
	 * power-on value says where INTA# goes; a guest may overwrite it.
	 */
	vm->edu.pci.config[PCI_INTERRUPT_LINE] = PCI_INTX_GSI;
	r = pci_add_function(&vm->pci, &vm->edu.pci, PCI_EDU_DEV, 0);
	if (!r)
		r = bus_add(&vm->pio, PCI_CONFIG_ADDRESS_PORT, PCI_PORTS_LEN, "pci",
			    pci_ports_read, pci_ports_write, vm);
	if (!r)
		r = bus_add(&vm->mmio, PCI_HOLE_BASE, PCI_HOLE_END - PCI_HOLE_BASE, "pci-hole",
			    hole_read, hole_write, vm);
	return r;
}
