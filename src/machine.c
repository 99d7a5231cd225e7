/*
 * machine.c - the machine's facts for its guest (see machine.h): the
 * fw_cfg model (devices/fwcfg.c) on the port bus, the MP table
 * (mptable.c) written into guest RAM, and the test device's scratch
 * register and MMIO area (devices/testdev.c; its IRQ ports are irq.c's).
 *
 * The fw_cfg handlers run under vm->lock like every port access (vcpu.c
 * handle_io); the model's state changes only when the guest writes the
 * selector or reads the data port, and no other thread touches it.
 */
#include <errno.h>

#include "machine.h"
#include "mptable.h"
#include "vm.h"

/* The table must fit the last KiB below 640 KiB for every --cpus we accept. */
_Static_assert(VM_MAX_CPUS <= MPTABLE_MAX_CPUS, "the MP table cannot describe VM_MAX_CPUS CPUs");
_Static_assert(MPTABLE_SIZE(VM_MAX_CPUS) <= MPTABLE_AREA_SIZE, "the MP table outgrows base memory's last KiB");
_Static_assert(MPTABLE_ADDR + MPTABLE_AREA_SIZE <= VM_LOW_RAM_END, "the MP table must be in low RAM");

/* Port I/O data is little-endian, 1, 2 or 4 bytes (bus.h). */
static void fwcfg_pio_read(void *opaque, uint64_t off, uint8_t *data, unsigned size)
{
	bus_data_fill(data, size, fwcfg_port_read(opaque, (uint16_t)(FWCFG_PORT_SELECTOR + off), size));
}

static void fwcfg_pio_write(void *opaque, uint64_t off, const uint8_t *data, unsigned size)
{
	fwcfg_port_write(opaque, (uint16_t)(FWCFG_PORT_SELECTOR + off), size, bus_data_value(data, size));
}

/*
 * The MP table goes where an OS looks for it (mptable.h), before the first
 * instruction runs.  It is plain RAM: a guest may overwrite it, as on a PC.
 * Under --irqchip kernel the APICs are KVM's (vm->has_apics is false), but
 * they sit at the same addresses with the same wiring, so the table holds.
 */
static int write_mptable(struct vm *vm)
{
	uint8_t *dst = vm_gpa_to_host(vm, MPTABLE_ADDR, MPTABLE_AREA_SIZE);

	if (!dst)
		return -EFAULT;
	if (!mptable_build(dst, MPTABLE_AREA_SIZE, MPTABLE_ADDR, vm->cfg.cpus))
		return -EINVAL;
	return 0;
}

static void scratch_pio_read(void *opaque, uint64_t off, uint8_t *data, unsigned size)
{
	bus_data_fill(data, size, testdev_scratch_read(opaque, (unsigned)off, size));
}

static void scratch_pio_write(void *opaque, uint64_t off, const uint8_t *data, unsigned size)
{
	testdev_scratch_write(opaque, (unsigned)off, size, bus_data_value(data, size));
}

static void iomem_read(void *opaque, uint64_t off, uint8_t *data, unsigned size)
{
	testdev_iomem_read(opaque, off, data, size);
}

static void iomem_write(void *opaque, uint64_t off, const uint8_t *data, unsigned size)
{
	testdev_iomem_write(opaque, off, data, size);
}

static void flush_ignored(void *opaque, uint64_t off, const uint8_t *data, unsigned size)
{
	(void)opaque; (void)off; (void)data; (void)size;
}

/*
 * The test device exists where its IRQ ports do (every machine with an
 * interrupt controller, irq.c).  Its MMIO area sits 16 MiB below 4 GiB,
 * where only a ROM of the largest size (ROM_MAX_SIZE) would also be: then
 * the ROM wins and the area is left out, since a ROM cannot move.
 */
static int testdev_add(struct vm *vm)
{
	uint64_t rom_base = (1ull << 32) - vm->rom_size;
	int r;

	testdev_init(&vm->testdev);
	r = bus_add(&vm->pio, TESTDEV_PORT_SCRATCH, 4, "testdev-scratch",
		    scratch_pio_read, scratch_pio_write, &vm->testdev);
	if (!r)
		r = bus_add(&vm->pio, TESTDEV_PORT_FLUSH, 4, "testdev-flush",
			    NULL, flush_ignored, NULL);
	if (!r && (vm->rom_size == 0 || rom_base >= TESTDEV_IOMEM_BASE + TESTDEV_IOMEM_SIZE))
		r = bus_add(&vm->mmio, TESTDEV_IOMEM_BASE, TESTDEV_IOMEM_SIZE, "testdev-iomem",
			    iomem_read, iomem_write, &vm->testdev);
	return r;
}

int machine_facts_add(struct vm *vm)
{
	int r;

	/* no CPU hot-plug: the most CPUs there can be is the number there are */
	fwcfg_init(&vm->fwcfg, vm->ram_size, vm->cfg.cpus, vm->cfg.cpus);
	r = bus_add(&vm->pio, FWCFG_PORT_SELECTOR, FWCFG_NPORTS, "fw_cfg",
		    fwcfg_pio_read, fwcfg_pio_write, &vm->fwcfg);
	if (!r && vm->cfg.machine == MACHINE_APIC)
		r = write_mptable(vm);
	if (!r && vm->cfg.machine != MACHINE_BARE)
		r = testdev_add(vm);
	return r;
}
