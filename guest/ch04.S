/*
 * ch04.S - chapter 4: protected mode, long mode, and exceptions in 64-bit mode.
 *
 * From real mode the guest climbs to 64-bit long mode (longmode.S), then
 * checks what it sees there and takes four CPU exceptions through its IDT
 * (idt64.S): #DE, #UD, #GP and #PF, each handled and resumed.  It takes no
 * interrupt in 32-bit protected mode: see the chapter for why.
 */
	.code16
	.include "macros16.inc"

	.text
	.globl ch04_main
ch04_main:
	PUTS "== chapter 4: protected and long mode ==\n"
	jmp go_long			/* continues at ch04_long, below, in 64-bit mode */

	.code64
	.include "macros64.inc"

	.set MSR_EFER, 0xc0000080
	.set EFER_LMA, 0x400

/*
 * ARM_RESUME label: the next exception resumes at label.  Each use first
 * checks that the previous test took exactly one exception (not_once).
 */
	.macro ARM_RESUME label
	call count_once
	lea \label(%rip), %rax
	mov %rax, resume_rip
	movq $0, exc_count
	movq $-1, exc_vector
	.endm

	.bss
not_once:	.quad 0		/* tests after which exc_count was not 1 */
armed:		.quad 0		/* a test is armed: count_once has something to look at */
	.text

/* count_once: if a test was armed, it must have taken exactly one exception. */
count_once:
	cmpq $0, armed
	je 1f
	cmpq $1, exc_count
	je 1f
	incq not_once
1:	movq $1, armed
	ret

	.globl ch04_long
ch04_long:
	cmpw $0x08, pm_cs
	jne 1f
	testl $1, pm_cr0
	jz 1f
	clc
	jmp 2f
1:	stc
2:	CHECK64 "32-bit protected mode reached: cs = 0008 (a 32-bit code segment), cr0.pe = 1"

	mov $MSR_EFER, %ecx
	rdmsr
	test $EFER_LMA, %eax
	CHECK64_NE "64-bit long mode reached: efer.lma = 1"
	mov $0x100000000, %rax		/* 64-bit operands: only in 64-bit mode */
	shr $32, %rax
	cmp $1, %rax
	CHECK64_EQ "64-bit registers work: (1 << 32) >> 32 = 1"

	mov $0xfffffff0, %eax		/* through the page tables to the top of 4 GiB */
	movzbl (%rax), %eax
	cmp $0xea, %eax
	CHECK64_EQ "identity paging: 0xfffffff0 reads ea, the reset vector at the top of the rom"

	/* #DE: divide by zero */
	ARM_RESUME 1f
	xor %ecx, %ecx
	mov $1, %eax
	xor %edx, %edx
	div %ecx
1:	cmpq $0, exc_vector
	CHECK64_EQ "div by zero: #de, vector 0, handled through the idt"

	/* #UD: an undefined opcode */
	ARM_RESUME 1f
	ud2
1:	cmpq $6, exc_vector
	CHECK64_EQ "ud2: #ud, vector 6"

	/* #GP: a non-canonical address (bits 63:47 not all equal) */
	ARM_RESUME 1f
	mov $0x0000800000000000, %rax
	mov (%rax), %rax
1:	cmpq $13, exc_vector
	jne 2f
	cmpq $0, exc_error
2:	CHECK64_EQ "non-canonical address 0000800000000000: #gp, vector 13, error code 0"

	/* #PF: 4 GiB and up is not mapped */
	ARM_RESUME 1f
	mov $0x100000000, %rax
	mov (%rax), %rax
1:	cmpq $14, exc_vector
	CHECK64_EQ "read at 0000000100000000 (unmapped): #pf, vector 14"
	PUTS64 "  cr2 = "
	mov exc_cr2, %rax
	mov $16, %ecx
	call put_hex64
	PUTS64 ", error code = "
	mov exc_error, %rax
	mov $4, %ecx
	call put_hex64
	PUTS64 " (not present, read, supervisor)\n"
	mov $0x100000000, %rax
	cmp %rax, exc_cr2
	jne 2f
	cmpq $0, exc_error
2:	CHECK64_EQ "cr2 holds the faulting address; the error code says: page not present, on a read"
	ARM_RESUME 1f
	mov $0x100000000, %rax
	movq $0, (%rax)
1:	cmpq $2, exc_error
	CHECK64_EQ "the same address written: error code 0002 (bit 1: it was a write)"
	call count_once
	cmpq $0, not_once
	CHECK64_EQ "each fault was taken exactly once: the handler resumed after the faulting instruction"
	jmp ch04_next			/* what follows chapter 4 in this image: chapter 5, or finish64 */
