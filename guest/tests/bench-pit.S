/*
 * bench-pit.S - the guest of bench/exitcost's timer measurement: PIT channel 0
 * at 10 kHz through the userspace 8259A, the guest idling in HLT between
 * ticks, until 2000 ticks have been taken.
 */
	.code16
	.include "macros16.inc"
	.set BENCH_TICKS, 2000
	.set PIT_10KHZ, 119		/* 1193182 / 119 = 10027 Hz */

	.bss
ticks:	.word 0

	.text
	.globl test_main
test_main:
	cli
	mov $0x1b, %ecx			/* APIC off: the 8259A drives INTR (see ch03.S) */
	rdmsr
	and $~0x800, %eax
	wrmsr
	mov $0x11, %al
	out %al, $0x20
	mov $0x20, %al
	out %al, $0x21
	mov $0x04, %al
	out %al, $0x21
	mov $0x01, %al
	out %al, $0x21
	mov $0xfe, %al			/* only IRQ 0 */
	out %al, $0x21
	movw $handler, 0x20 * 4
	movw %cs, 0x20 * 4 + 2
	movw $0, ticks
	mov $0x34, %al			/* channel 0, mode 2 */
	out %al, $0x43
	mov $PIT_10KHZ, %al
	out %al, $0x40
	mov $0, %al
	out %al, $0x40
1:	sti
	hlt				/* sleep until the next tick */
	cmpw $BENCH_TICKS, ticks
	jb 1b
	cli
	mov $0x30, %al			/* stop channel 0 */
	out %al, $0x43
	ret

handler:
	push %ax
	incw %ss:ticks
	mov $0x20, %al
	out %al, $0x20
	pop %ax
	iret
