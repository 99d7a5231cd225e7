/*
 * triple.S - a guest that triple-faults: tinyvmm must report it, not hang.
 *
 * In 32-bit protected mode with an IDT whose limit is 0, UD2 raises #UD; the
 * IDT has no entry 6, so the CPU raises #GP; no entry 13 either, so #DF; no
 * entry 8: the third fault shuts the CPU down (Intel SDM vol. 3A, 6.15,
 * "Interrupt 8 - Double Fault Exception").  KVM reports KVM_EXIT_SHUTDOWN.
 */
	.code16
	.include "macros16.inc"
	.set CODE32, 0x08
	.set DATA32, 0x10
	.set ROM_BASE, 0xf0000

	.text
	.globl test_main
test_main:
	PUTS "protected mode, an IDT with limit 0, then ud2\n"
	lgdtl %cs:gdt_desc
	lidtl %cs:empty_idt
	mov %cr0, %eax
	or $1, %eax
	mov %eax, %cr0
	ljmpl $CODE32, $ROM_BASE + pm32

	.code32
pm32:
	mov $DATA32, %ax
	mov %ax, %ds
	mov %ax, %ss
	ud2

	.section .rodata
	.balign 8
gdt:	.quad 0
	.quad 0x00cf9b000000ffff	/* code, accessed bit preset: the GDT is in ROM */
	.quad 0x00cf93000000ffff	/* data */
gdt_end:
gdt_desc:
	.word gdt_end - gdt - 1
	.long ROM_BASE + gdt
empty_idt:
	.word 0
	.long 0
