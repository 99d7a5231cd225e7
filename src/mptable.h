/*
 * mptable.h - the Intel MultiProcessor Specification 1.4 table: how an OS
 * learns which CPUs a machine has, where its I/O APIC is and how the ISA
 * IRQs reach the I/O APIC's pins.
 *
 * On a real PC the BIOS builds this table: it starts the other CPUs, counts
 * them, and writes the table into memory before it boots the OS (SeaBIOS,
 * under QEMU, asks fw_cfg for the CPU count instead).  tinyvmm's guest ROM
 * is read-only and its firmware is the chapter's own code, which knows
 * nothing of --cpus; the VMM does, so the VMM writes the table into guest
 * RAM before the first instruction runs (machine.c).
 *
 * Where: MPTABLE_ADDR, the last KiB of base memory (639-640 KiB).  MP spec
 * section 4 names three places an OS searches for the floating pointer:
 * the first KiB of the Extended BIOS Data Area, the last KiB of base memory
 * if there is no EBDA, and the BIOS ROM at 0xF0000-0xFFFFF.  tinyvmm has no
 * EBDA and cannot write its ROM, which leaves the second; Firecracker put
 * its table at the same place for the same reasons.
 */
#ifndef TINYVMM_MPTABLE_H
#define TINYVMM_MPTABLE_H

#include <stddef.h>
#include <stdint.h>

#define MPTABLE_ADDR		0x9fc00u	/* 639 KiB: base memory's last KiB */
#define MPTABLE_AREA_SIZE	0x400u		/* ... all the room there is below 640 KiB */

/* Where this machine's I/O APIC and local APICs are (MP spec 3.6.1, chapter 5). */
#define MPTABLE_LAPIC_ADDR	0xfee00000u
#define MPTABLE_IOAPIC_ADDR	0xfec00000u

/*
 * The I/O APIC's ID: 0, what its ID register reads from reset in every
 * irqchip mode (tinyvmm's model and KVM's), since no firmware reprograms
 * it here; QEMU's tables give their I/O APIC ID 0 too.  Sharing a number
 * with CPU 0's local APIC was a conflict only on the P6's three-wire APIC
 * bus, where I/O and local APICs arbitrated by ID; since the Pentium 4
 * messages go over the system bus and the two name spaces are apart (a
 * BIOS that wants the old rule programs the register and writes that).
 */
#define MPTABLE_IOAPIC_ID	0
/* Local APIC IDs 0..cpus-1 in an 8-bit field; tinyvmm has at most 8 (--cpus). */
#define MPTABLE_MAX_CPUS	15

/* The ISA IRQ the 8254 raises, and the I/O APIC pin it reaches (irq.c). */
#define MPTABLE_TIMER_IRQ	0
#define MPTABLE_TIMER_PIN	2

/*
 * What the table holds for 'cpus' CPUs: the 16-byte floating pointer, the
 * 44-byte header, one 20-byte processor entry per CPU, and 8-byte entries:
 * one bus, one I/O APIC, 15 ISA IRQs (0-15 but the cascade, 2) and two
 * local interrupts (ExtINT on LINT0, NMI on LINT1).
 */
#define MPTABLE_ENTRIES(cpus)	((cpus) + 1 + 1 + 15 + 2)
#define MPTABLE_SIZE(cpus)	(16 + 44 + 20 * (cpus) + 8 * (1 + 1 + 15 + 2))

/*
 * Build the floating pointer at buf[0] and the configuration table right
 * after it, for CPUs with APIC IDs 0..cpus-1 (CPU 0 the bootstrap
 * processor) and the I/O APIC with ID 'cpus'.  'phys_addr' is the guest
 * physical address buf will be copied to: the floating pointer holds the
 * header's physical address.  It must be 16-byte aligned (an OS scans
 * paragraph boundaries only, MP spec section 4).
 *
 * Returns the bytes written, MPTABLE_SIZE(cpus); 0 (buf untouched) if 'len'
 * is too small, 'cpus' is not 1..MPTABLE_MAX_CPUS, or phys_addr is
 * misaligned.
 */
size_t mptable_build(uint8_t *buf, size_t len, uint32_t phys_addr, int cpus);

#endif
