/*
 * machine.c - the machine's facts for its guest (see machine.h): the
 * fw_cfg model (devices/fwcfg.c) on the port bus, and the MP table
 * (mptable.c) written into guest RAM.
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
	uint32_t v = fwcfg_port_read(opaque, (uint16_t)(FWCFG_PORT_SELECTOR + off), size);

	for (unsigned i = 0; i < size; i++)
		data[i] = i < 4 ? (uint8_t)(v >> (8 * i)) : 0;
}

static void fwcfg_pio_write(void *opaque, uint64_t off, const uint8_t *data, unsigned size)
{
	uint32_t v = 0;

	for (unsigned i = 0; i < size && i < 4; i++)
		v |= (uint32_t)data[i] << (8 * i);
	fwcfg_port_write(opaque, (uint16_t)(FWCFG_PORT_SELECTOR + off), size, v);
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

int machine_facts_add(struct vm *vm)
{
	int r;

	/* no CPU hot-plug: the most CPUs there can be is the number there are */
	fwcfg_init(&vm->fwcfg, vm->ram_size, vm->cfg.cpus, vm->cfg.cpus);
	r = bus_add(&vm->pio, FWCFG_PORT_SELECTOR, FWCFG_NPORTS, "fw_cfg",
		    fwcfg_pio_read, fwcfg_pio_write, &vm->fwcfg);
	if (!r && vm->cfg.machine == MACHINE_APIC)
		r = write_mptable(vm);
	return r;
}
