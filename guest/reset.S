/*
 * reset.S - the first instructions a PC executes.
 *
 * After reset the CPU is in real mode with CS selector 0xF000 but a hidden CS
 * base of 0xFFFF0000 and IP = 0xFFF0: it fetches from 0xFFFFFFF0, the last 16
 * bytes of the ROM.  There is room for one far jump; loading CS with 0xF000
 * gives it the ordinary real-mode base 0xF0000, and from then on the CPU runs
 * from the copy of the ROM the chipset shows below 1 MiB.
 */
	.code16
	.include "macros16.inc"

	.section .reset, "ax"
	.globl reset_vector
reset_vector:
	ljmp $0xf000, $start
	/* the rest of the 16 bytes: HLT, should anything ever fall through */
	.fill 16 - (. - reset_vector), 1, 0xf4

	.section .text.start, "ax"
	.globl start
start:
	cli				/* no IVT yet: no interrupts */
	cld
	xor %ax, %ax
	mov %ax, %ds			/* variables: RAM from 0x500 */
	mov %ax, %es
	mov %ax, %ss
	mov $0x7000, %sp		/* stack grows down from 0x7000 */
	movw $0, failures
	call serial_init
	call chapter_main		/* the chapter, or the tour of all chapters */
	mov failures, %ax
	test %ax, %ax
	jnz 1f
	PUTS "== result: every check passed ==\n"
	mov $0, %al			/* exit status 0: every check passed */
	jmp exit
1:	PUTS "== result: "
	call put_hex16
	PUTS " (hex) checks FAILED ==\n"
	mov $1, %al			/* exit status 1: some check failed */
	jmp exit
