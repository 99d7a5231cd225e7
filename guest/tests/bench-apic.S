/*
 * bench-apic.S - the guests of bench/exitcost's APIC measurements (64-bit),
 * one image per entry point (the Makefile binds lm_continue):
 *   bench_lapic_timer: the LAPIC timer, periodic at 10 kHz, guest idle in HLT,
 *                      2000 interrupts;
 *   bench_ioapic_pit:  the PIT at 10 kHz through IOAPIC pin 2, idle in HLT,
 *                      2000 interrupts;
 *   bench_ioapic_self: 5000 edges the guest raises itself on IOAPIC pin 10
 *                      through the test device (the injection path alone).
 */
	.code16
	.text
	.globl test_main
test_main:
	jmp go_long

	.code64
	.set LAPIC, 0xfee00000
	.set IOAPIC, 0xfec00000
	.set TICKS, 2000
	.set SELF, 5000

	.bss
count:	.quad 0

	.text
/* common: mask the 8259A, enable the APIC, install handler RAX at vector 0x50 */
setup:
	push %rax
	mov $0xff, %al
	out %al, $0x21
	out %al, $0xa1
	mov $0x1b, %ecx
	rdmsr
	or $0x800, %eax
	wrmsr
	mov $LAPIC, %r15d
	mov $IOAPIC, %r14d
	movl $0x1ff, 0xf0(%r15)
	pop %rax
	mov $0x50, %edi
	call idt64_set
	movq $0, count
	ret

handler:
	incq count
	push %rax
	mov $LAPIC, %eax
	movl $0, 0xb0(%rax)
	pop %rax
	iretq

	.globl bench_lapic_timer
bench_lapic_timer:
	lea handler(%rip), %rax
	call setup
	movl $0xb, 0x3e0(%r15)			/* divide by 1: 1 GHz */
	movl $0x50 | 1 << 17, 0x320(%r15)	/* periodic, vector 0x50 */
	movl $100000, 0x380(%r15)		/* 100 us */
	sti
1:	hlt
	cmpq $TICKS, count
	jb 1b
	cli
	movl $1 << 16, 0x320(%r15)
	jmp finish64

	.globl bench_ioapic_pit
bench_ioapic_pit:
	lea handler(%rip), %rax
	call setup
	movl $0x15, (%r14)			/* entry 2 high: APIC 0 */
	movl $0, 0x10(%r14)
	movl $0x14, (%r14)			/* entry 2 low: vector 0x50, edge */
	movl $0x50, 0x10(%r14)
	mov $0x34, %al				/* PIT channel 0, mode 2, 119 clocks: 10 kHz */
	out %al, $0x43
	mov $119, %al
	out %al, $0x40
	mov $0, %al
	out %al, $0x40
	sti
1:	hlt
	cmpq $TICKS, count
	jb 1b
	cli
	mov $0x30, %al
	out %al, $0x43
	jmp finish64

	.globl bench_ioapic_self
bench_ioapic_self:
	lea handler(%rip), %rax
	call setup
	movl $0x25, (%r14)
	movl $0, 0x10(%r14)
	movl $0x24, (%r14)			/* entry 10: vector 0x50, edge */
	movl $0x50, 0x10(%r14)
	mov $0x200a, %dx
	sti
1:	mov $1, %al
	out %al, %dx				/* the edge: the interrupt comes at once */
	mov $0, %al
	out %al, %dx
	cmpq $SELF, count
	jb 1b
	cli
	jmp finish64
