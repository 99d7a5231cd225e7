/*
 * double.S - the double-delivery trap (tutorial chapter 7, section 4).
 *
 * On a PC each ISA line reaches two controllers: 8259A input n and I/O APIC
 * pin n.  A guest that leaves both unmasked gets every interrupt twice: once
 * as the 8259A's vector, through LINT0 in ExtINT mode, and once as the I/O
 * APIC's.  Here IRQ 10 (the test device) is unmasked in both, raised once
 * (an edge: 1 then 0), and each handler counts; then the 8259A is masked, as
 * an OS does once it uses the I/O APIC, and the same edge arrives once.
 * The same lines must come out under --irqchip none, split and kernel.
 */
	.code16
	.text
	.globl test_main
test_main:
	jmp go_long

	.code64
	.include "macros64.inc"
	.set LAPIC, 0xfee00000
	.set IOAPIC, 0xfec00000
	.set MS, 1193

	.bss
from_pic:	.quad 0
from_ioapic:	.quad 0

	.text
	.globl double_test
double_test:
	mov $LAPIC, %r15d
	mov $0x1b, %ecx			/* the APIC on, software-enabled */
	rdmsr
	or $0x800, %eax
	wrmsr
	movl $0x1ff, 0xf0(%r15)
	movl $0x700, 0x350(%r15)	/* LINT0: ExtINT, unmasked (what KVM's reset sets) */

	mov $0x11, %al			/* 8259A: ICW1-4, vectors 0x20 / 0x28 */
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
	mov $0xfb, %al			/* master: only IR2, the cascade */
	out %al, $0x21
	mov $0xfb, %al			/* slave: only IR2 = IRQ 10 */
	out %al, $0xa1

	mov $IOAPIC, %r14d		/* pin 10: vector 0x5a, fixed, edge, APIC 0, unmasked */
	movl $0x25, (%r14)
	movl $0, 0x10(%r14)
	movl $0x24, (%r14)
	movl $0x5a, 0x10(%r14)

	mov $0x2a, %edi			/* IRQ 10 through the 8259A: base 0x28 + 2 */
	lea h2a(%rip), %rax
	call idt64_set
	mov $0x5a, %edi
	lea h5a(%rip), %rax
	call idt64_set
	sti

	call pulse_irq10
	cmpq $1, from_pic
	CHECK64_EQ "both unmasked: irq10 came through the 8259a (vector 2a, via lint0)"
	cmpq $1, from_ioapic
	CHECK64_EQ "both unmasked: and again through the i/o apic (vector 5a)"

	mov $0xff, %al			/* what an OS does: mask every 8259A input */
	out %al, $0x21
	out %al, $0xa1
	call pulse_irq10
	cmpq $1, from_pic
	CHECK64_EQ "8259a masked: nothing more from it"
	cmpq $2, from_ioapic
	CHECK64_EQ "8259a masked: irq10 comes once, from the i/o apic"
	cli
	jmp finish64

/* test device: IRQ 10 high then low (an edge), then 2 ms for both to arrive */
pulse_irq10:
	mov $0x200a, %dx
	mov $1, %al
	out %al, %dx
	mov $0, %al
	out %al, %dx
	mov $2 * MS, %ecx
	jmp pit2_wait

h2a:
	push %rax
	incq from_pic
	mov $0x20, %al			/* EOI the slave, then the master (cascade) */
	out %al, $0xa0
	out %al, $0x20
	pop %rax
	iretq

h5a:
	push %rax
	incq from_ioapic
	mov $LAPIC, %eax
	movl $0, 0xb0(%rax)		/* EOI the local APIC */
	pop %rax
	iretq
