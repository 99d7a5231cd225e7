/*
 * lint0.S - the 8259A reaches the CPU through the local APIC's LINT0 input,
 * in ExtINT mode.  Masking LINT0 must stop PIC interrupts; unmasking lets
 * the waiting one through.  Run under --irqchip none (tinyvmm's LAPIC) and
 * --irqchip split (KVM's LAPIC): the same two lines must come out.
 */
	.code16
	.text
	.globl test_main
test_main:
	jmp go_long

	.code64
	.include "macros64.inc"
	.set LAPIC, 0xfee00000
	.set LVT_LINT0, 0x350
	.set EXTINT, 7 << 8
	.set MASKED, 1 << 16
	.set MS, 1193

	.bss
count:	.quad 0

	.text
	.globl lint0_test
lint0_test:
	mov $LAPIC, %r15d
	mov $0x1b, %ecx			/* the APIC on (chapter 3 guests switch it off) */
	rdmsr
	or $0x800, %eax
	wrmsr
	movl $0x1ff, 0xf0(%r15)		/* software-enabled, so LVT writes stick */
	mov $0x11, %al			/* 8259A: ICW1-4, vectors 0x20 / 0x28, only IRQ 3 unmasked */
	out %al, $0x20
	out %al, $0xa0
	mov $0x20, %al
	out %al, $0x21
	mov $0x28, %al
	out %al, $0xa1
	mov $0x04, %al
	out %al, $0x21
	mov $0x02, %al
	out %al, $0xa1
	mov $0x01, %al
	out %al, $0x21
	out %al, $0xa1
	mov $0xf7, %al
	out %al, $0x21
	mov $0xff, %al
	out %al, $0xa1
	mov $0x23, %edi
	lea h23(%rip), %rax
	call idt64_set

	movl $EXTINT | MASKED, LVT_LINT0(%r15)
	sti
	mov $0x2003, %dx		/* test device: IRQ 3 rises */
	mov $1, %al
	out %al, %dx
	mov $2 * MS, %ecx
	call pit2_wait
	cmpq $0, count
	CHECK64_EQ "lint0 masked: the 8259a's irq3 does not reach the cpu"
	movl $EXTINT, LVT_LINT0(%r15)	/* unmask */
	mov $2 * MS, %ecx
	call pit2_wait
	cmpq $1, count
	CHECK64_EQ "lint0 unmasked (extint): the waiting irq3 arrives, vector 23"
	cli
	jmp finish64

h23:
	push %rax
	push %rdx
	incq count
	mov $0x2003, %dx		/* lower the line, EOI the 8259A */
	mov $0, %al
	out %al, %dx
	mov $0x20, %al
	out %al, $0x20
	pop %rdx
	pop %rax
	iretq
