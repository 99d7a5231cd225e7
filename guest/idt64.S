/*
 * idt64.S - the 64-bit IDT and the exception handlers of chapter 4.
 *
 * The IDT lives in RAM at 0x20000: 256 gates of 16 bytes (Intel SDM vol. 3A,
 * 6.14.1 "64-Bit Mode IDT").  Vectors 0-31 (exceptions) go to stubs that push
 * the vector number (and a 0 where the CPU pushes no error code) and join
 * exception_common, which records what happened and resumes at resume_rip.
 * Other vectors are set by the chapters with idt64_set.
 */
	.code64
	.set IDT, 0x20000
	.set CODE64, 0x18
	.set GATE_INTERRUPT, 0x8e	/* present, DPL 0, 64-bit interrupt gate */
	.set STUB_SIZE, 16		/* bytes per exception stub */

	.bss
	.balign 8
	.globl exc_vector, exc_error, exc_cr2, exc_count, resume_rip
exc_vector:	.quad 0
exc_error:	.quad 0
exc_cr2:	.quad 0
exc_count:	.quad 0
resume_rip:	.quad 0		/* where a handled exception continues */

	.text
/* idt64_set: gate EDI (vector) -> handler RAX */
	.globl idt64_set
idt64_set:
	push %rdi
	shl $4, %edi
	add $IDT, %edi
	mov %ax, (%rdi)				/* offset 15:0 */
	movw $CODE64, 2(%rdi)			/* selector */
	movw $GATE_INTERRUPT << 8, 4(%rdi)	/* IST 0, type */
	push %rax
	shr $16, %rax
	mov %ax, 6(%rdi)			/* offset 31:16 */
	shr $16, %rax
	mov %eax, 8(%rdi)			/* offset 63:32 */
	movl $0, 12(%rdi)
	pop %rax
	pop %rdi
	ret

/* idt64_setup: an IDT whose 32 exception gates point at the stubs; load it. */
	.globl idt64_setup
idt64_setup:
	push %rax
	push %rdi
	push %rcx
	mov $IDT, %edi
	xor %eax, %eax
	mov $256 * 16 / 8, %ecx
	rep stosq
	lea exception_stubs(%rip), %rax
	xor %edi, %edi
1:	call idt64_set
	add $STUB_SIZE, %rax
	inc %edi
	cmp $32, %edi
	jb 1b
	lidt idt_desc(%rip)
	pop %rcx
	pop %rdi
	pop %rax
	ret

/* One 16-byte stub per exception vector. */
	.balign 16
exception_stubs:
	.irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	.balign 16
	/* vectors 8, 10-14, 17, 21, 29, 30 push an error code (SDM table 6-1) */
	.if (\v == 8) || (\v >= 10 && \v <= 14) || (\v == 17) || (\v == 21) || (\v == 29) || (\v == 30)
	pushq $\v
	.else
	pushq $0
	pushq $\v
	.endif
	jmp exception_common
	.endr

/*
 * Stack: vector, error code, then what the CPU pushed: RIP, CS, RFLAGS,
 * RSP, SS.  Record, then resume at resume_rip (a fault's saved RIP points
 * at the faulting instruction: returning there would fault again).
 */
exception_common:
	push %rax
	mov 8(%rsp), %rax
	mov %rax, exc_vector
	mov 16(%rsp), %rax
	mov %rax, exc_error
	mov %cr2, %rax
	mov %rax, exc_cr2
	incq exc_count
	mov resume_rip, %rax
	mov %rax, 24(%rsp)		/* the saved RIP */
	pop %rax
	add $16, %rsp			/* drop vector and error code */
	iretq

	.section .rodata
	.balign 8
idt_desc:
	.word 256 * 16 - 1
	.quad IDT
