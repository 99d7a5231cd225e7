/*
 * machine.h - what the machine tells its firmware and OS about itself:
 * QEMU's fw_cfg ports (RAM size, CPU count) on every machine, and on the
 * APIC machine the MultiProcessor Specification table in base memory.
 *
 * A real PC's BIOS finds these facts by probing and writes the tables an
 * OS reads.  tinyvmm's ROM is read-only and each chapter's guest is its own
 * firmware, so the VMM, which knows --cpus and --mem, provides both.
 */
#ifndef TINYVMM_MACHINE_H
#define TINYVMM_MACHINE_H

struct vm;

/*
 * Put fw_cfg on ports 0x510-0x511 and, on MACHINE_APIC, write the MP table
 * at MPTABLE_ADDR.  Call after RAM is mapped and the interrupt controllers
 * exist.  0 or -errno.
 */
int machine_facts_add(struct vm *vm);

#endif
