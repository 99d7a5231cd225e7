/*
 * hostile.S - guests that misbehave on purpose (64-bit), one image per entry
 * point (the Makefile binds lm_continue).  tinyvmm must survive each with a
 * clear ending: tests/cli/hostile.test.
 *   hostile_storm: a level-triggered line that is never lowered; the handler
 *                  EOIs anyway, so the interrupt comes back forever.
 *   hostile_eoi:   EOIs with nothing in service, to both 8259As and the LAPIC;
 *                  then an ordinary interrupt must still work.
 *   hostile_sweep: random bytes to every port but the exit device, then random
 *                  dwords over the LAPIC page and the IOAPIC window, IF=0.
 *   hostile_pit1:  the PIT at its fastest (count 1) through the IOAPIC, forever.
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
count:	.quad 0
seed:	.quad 0

	.text
/* rand: a 64-bit LCG (Knuth's MMIX constants) -> RAX */
rand:
	push %rdx
	mov seed, %rax
	movabs $6364136223846793005, %rdx
	imul %rdx, %rax
	movabs $1442695040888963407, %rdx
	add %rdx, %rax
	mov %rax, seed
	pop %rdx
	shr $24, %rax
	ret

/* apic_on: mask the 8259A, enable the local APIC (R15) and reach the IOAPIC (R14) */
apic_on:
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
	ret

handler:
	incq count
	push %rax
	mov $LAPIC, %eax
	movl $0, 0xb0(%rax)
	pop %rax
	iretq

	.globl hostile_storm
hostile_storm:
	call apic_on
	mov $0x5b, %edi
	lea handler(%rip), %rax
	call idt64_set
	movl $0x26, (%r14)
	movl $0x805b, 0x10(%r14)	/* pin 11: level, vector 0x5b */
	PUTS64 "level irq 11 held high forever, and an eoi every time\n"
	mov $0x200b, %dx
	mov $1, %al
	out %al, %dx
	sti
1:	jmp 1b

	.globl hostile_eoi
hostile_eoi:
	call apic_on
	mov $0x20, %al			/* non-specific EOI, nothing in service */
	out %al, $0x20
	out %al, $0xa0
	out %al, $0x20
	mov $0x67, %al			/* specific EOI for IR7, not in service */
	out %al, $0x20
	movl $0, 0xb0(%r15)		/* LAPIC EOI, nothing in service */
	movl $0, 0xb0(%r15)
	mov $0x0b, %al			/* OCW3: read ISR */
	out %al, $0x20
	in $0x20, %al
	cmp $0, %al
	CHECK64_EQ "eoi with nothing in service: the 8259a's isr is still 00"
	mov 0xa0(%r15), %eax
	cmp $0, %eax
	CHECK64_EQ "eoi with nothing in service: the local apic's ppr is still 00"
	mov $0x43, %edi
	lea handler(%rip), %rax
	call idt64_set
	sti
	movl $0x43 | 1 << 18, 0x300(%r15)	/* self-IPI */
	mov $1 * MS, %ecx
	call pit2_wait
	cmpq $1, count
	CHECK64_EQ "and an ordinary self-ipi afterwards still arrives once"
	cli
	jmp finish64

	.globl hostile_sweep
hostile_sweep:
	cli
	movq $12345, seed
	xor %ebx, %ebx			/* port */
1:	cmp $0xf4, %ebx			/* the exit device would end the sweep */
	jb 2f
	cmp $0xf7, %ebx
	jbe 3f
2:	call rand
	mov %ebx, %edx
	out %al, %dx
3:	inc %ebx
	cmp $0x10000, %ebx
	jb 1b
	mov $LAPIC, %ebx		/* the LAPIC page, one dword at a time */
4:	call rand
	mov %eax, (%rbx)
	add $4, %ebx
	cmp $LAPIC + 0x1000, %ebx
	jb 4b
	mov $IOAPIC, %ebx		/* the IOAPIC: random selects and values */
	mov $256, %ecx
5:	call rand
	mov %eax, (%rbx)
	call rand
	mov %eax, 0x10(%rbx)
	loop 5b
	mov $0x3fb, %dx			/* the sweep scrambled the UART too: 8N1, DLAB off */
	mov $0x03, %al
	out %al, %dx
	mov $0x3fc, %dx			/* MCR: no loopback */
	out %al, %dx
	mov $0x3f9, %dx			/* IER: no interrupts */
	mov $0, %al
	out %al, %dx
	PUTS64 "\nswept 65532 ports, the lapic page and the ioapic window with random data\n"
	jmp finish64

	.globl hostile_pit1
hostile_pit1:
	call apic_on
	mov $0x50, %edi
	lea handler(%rip), %rax
	call idt64_set
	movl $0x14, (%r14)
	movl $0x50, 0x10(%r14)		/* pin 2: vector 0x50, edge */
	mov $0x34, %al			/* PIT channel 0, mode 2, count 1 */
	out %al, $0x43
	mov $1, %al
	out %al, $0x40
	mov $0, %al
	out %al, $0x40
	PUTS64 "pit channel 0 at count 1, forever\n"
	sti
1:	hlt
	jmp 1b
