/*
 * pm-iret.S - enter 32-bit protected mode and execute IRET.
 *
 * On Intel VMX / AMD SVM this simply works.  On KVM's PVM backend every
 * instruction of non-64-bit code goes through KVM's emulator, which does not
 * implement a protected-mode IRET: KVM_EXIT_INTERNAL_ERROR.  tinyvmm must
 * decode that for the student.
 */
	.code16
	.include "macros16.inc"
	.set CODE32, 0x08
	.set DATA32, 0x10
	.set ROM_BASE, 0xf0000		/* linear address of offset 0 of our code */

	.text
	.globl test_main
test_main:
	PUTS "entering 32-bit protected mode, then iret\n"
	lgdtl %cs:gdt_desc
	mov %cr0, %eax
	or $1, %eax			/* CR0.PE */
	mov %eax, %cr0
	ljmpl $CODE32, $ROM_BASE + pm32

	.code32
pm32:
	mov $DATA32, %ax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %ss
	mov $0x7000, %esp
	pushfl				/* an interrupt frame: EFLAGS, CS, EIP */
	pushl $CODE32
	pushl $ROM_BASE + after_iret
	iret
after_iret:
	mov $0x3f8, %dx			/* "ok\n" straight to the UART, then exit 0 */
	mov $'o', %al
	out %al, %dx
	mov $'k', %al
	out %al, %dx
	mov $'\n', %al
	out %al, %dx
	mov $0, %al
	out %al, $0xf4
1:	hlt
	jmp 1b

	.section .rodata
	.balign 8
gdt:	.quad 0				/* the null descriptor */
	/*
	 * Accessed bit (bit 40) already set: loading a selector whose descriptor
	 * has A=0 makes the CPU write A=1 into the GDT, and this GDT is in ROM.
	 */
	.quad 0x00cf9b000000ffff	/* 0x08: code, base 0, limit 4 GiB, 32-bit */
	.quad 0x00cf93000000ffff	/* 0x10: data, base 0, limit 4 GiB */
gdt_end:
gdt_desc:
	.word gdt_end - gdt - 1
	.long ROM_BASE + gdt
