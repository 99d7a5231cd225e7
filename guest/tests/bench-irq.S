/*
 * bench-irq.S - the guest of bench/irqcost: 5000 interrupts through the
 * userspace 8259A, each raised by the guest itself through the test device
 * (IRQ 10, slave PIC), so the measurement is the injection path alone:
 *   out 0x200a <- 1   (exit: the line rises, the PIC raises INTR)
 *   ...tinyvmm injects vector 0x2a on the next entry...
 *   handler: out 0x200a <- 0, EOI slave, EOI master  (three exits), iret
 */
	.code16
	.include "macros16.inc"
	.set BENCH_IRQS, 5000
	.set TESTDEV_IRQ10, 0x200a

	.bss
count:	.word 0

	.text
	.globl test_main
test_main:
	cli
	mov $0x1b, %ecx			/* APIC off: the 8259A drives INTR (see ch03.S) */
	rdmsr
	and $~0x800, %eax
	wrmsr
	mov $0x11, %al			/* ICW1..4: vectors 0x20 / 0x28, cascade on IR2 */
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
	mov $0xfb, %al			/* master: only the cascade; slave: only IRQ 10 */
	out %al, $0x21
	mov $0xfb, %al
	out %al, $0xa1
	movw $handler, 0x2a * 4
	movw %cs, 0x2a * 4 + 2
	movw $0, count
	mov $TESTDEV_IRQ10, %dx
	sti
1:	mov $1, %al
	out %al, %dx			/* raise IRQ 10; the interrupt arrives right after */
	cmpw $BENCH_IRQS, count
	jb 1b
	cli
	ret

handler:
	push %ax
	incw %ss:count
	mov $0, %al
	out %al, %dx			/* lower IRQ 10 (DX holds the port) */
	mov $0x20, %al
	out %al, $0xa0			/* EOI slave, then master */
	out %al, $0x20
	pop %ax
	iret
