/*
 * pcibus.h - chapter 8: the PCI bus and the edu device wired into the
 * machine: configuration mechanism #1 on ports 0xCF8-0xCFF, the edu's
 * BAR 0 in the PCI memory hole, its MSIs and its INTA#.
 */
#ifndef TINYVMM_PCIBUS_H
#define TINYVMM_PCIBUS_H

struct vm;

/*
 * The PCI memory hole: the physical addresses between the top of RAM
 * (VM_MAX_MEM, 3 GiB at most) and the I/O APIC, where memory BARs may be
 * placed.  The chipset forwards accesses there to the PCI bus.
 */
#define PCI_HOLE_BASE		0xc0000000ull
#define PCI_HOLE_END		0xfec00000ull	/* IOAPIC_DEFAULT_BASE */

#define PCI_EDU_DEV		4		/* the edu at 00:04.0, as QEMU's first free slot */

/* The host bridge and the edu; the ports and the hole on the buses.  0 or -errno. */
int pcibus_devices_add(struct vm *vm);

/*
 * When the timer thread must next run the edu (a finished factorial whose
 * interrupt the model sends: INTA#, or an MSI unless the --msi irqfd device
 * thread sends it), or UINT64_MAX.  A factorial that interrupts nobody needs
 * no wake-up: the guest's next read of a register catches the model up.
 */
uint64_t pcibus_next_event_ns(struct vm *vm);

#endif
