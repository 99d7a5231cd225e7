/*
 * mbboot.h - --kernel: boot a Multiboot kernel as a boot loader would,
 * without a ROM (tutorial appendix B).
 *
 * multiboot.c is the pure half (parse, check, copy, write the boot
 * information); this file reads the files and sets the first CPU's
 * registers through KVM.
 */
#ifndef TINYVMM_MBBOOT_H
#define TINYVMM_MBBOOT_H

#include <stddef.h>

struct vm;
struct vm_config;
struct mbboot;

/*
 * Read --kernel and --initrd and check the kernel against the RAM size of
 * cfg; no KVM needed, so a bad file is refused before /dev/kvm is opened.
 * 0 with *b set, or -1 with one sentence naming the file in err.
 */
int mbboot_prepare(const struct vm_config *cfg, struct mbboot **b, char *err, size_t errlen);

/*
 * Copy the kernel and its modules into vm->ram, write the Multiboot
 * information, and put vCPU 0 at the kernel's entry in 32-bit protected
 * mode.  Call after RAM is mapped and vCPU 0 exists.
 * 0; -1 with a sentence when it does not fit in RAM (the user's input:
 * exit status 2); -2 when KVM refused the registers (exit status 120).
 */
int mbboot_load(struct mbboot *b, struct vm *vm, char *err, size_t errlen);

void mbboot_free(struct mbboot *b);

#endif
