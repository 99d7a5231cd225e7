/*
 * ch03.S - chapter 3: the 8259A PIC and the 8254 PIT, from the guest's side.
 *
 * The guest programs the PIC pair as a BIOS does, installs IVT handlers,
 * runs PIT channel 0 at 100 Hz and checks the rate against PIT channel 2,
 * then exercises masking, specific EOI, the UART's interrupt on IRQ 4, the
 * slave PIC through IRQ 10 and a level-triggered IRQ 11, using the test
 * device (QEMU pc-testdev compatible: outb(0x2000 + n, level) drives IRQ n).
 *
 * Vectors: master 0x20-0x27, slave 0x28-0x2f.  The IBM PC BIOS used 0x08 for
 * IRQ 0, which collides with the CPU exceptions Intel reserved (0-31: 8 is
 * #DF); protected-mode systems remap the PIC, and we do the same from the start.
 */
	.code16
	.include "macros16.inc"

	.set PIC1_CMD, 0x20
	.set PIC1_DATA, 0x21
	.set PIC2_CMD, 0xa0
	.set PIC2_DATA, 0xa1
	.set ELCR2, 0x4d1		/* edge/level control for IRQ 8-15 */
	.set ICW1_INIT_ICW4, 0x11	/* ICW1: initialise, edge, cascade, ICW4 follows */
	.set ICW4_8086, 0x01		/* ICW4: 8086 mode, normal EOI */
	.set OCW2_EOI, 0x20		/* non-specific EOI */
	.set OCW2_SPECIFIC_EOI, 0x60	/* specific EOI: | IR number */
	.set OCW3_READ_IRR, 0x0a
	.set OCW3_READ_ISR, 0x0b
	.set VEC_MASTER, 0x20
	.set VEC_SLAVE, 0x28

	.set PIT_CH0, 0x40
	.set PIT_CH2, 0x42
	.set PIT_CTRL, 0x43
	.set PORT61, 0x61		/* bit 0: channel 2 gate; bit 5: channel 2 output */
	.set PIT_HZ_1K, 1193		/* 1193182 Hz / 1193 = 1000.15 Hz */
	.set PIT_HZ_100, 11932		/* 1193182 Hz / 11932 = 99.998 Hz */

	.set COM1, 0x3f8
	.set TESTDEV, 0x2000

	.bss
ticks:		.word 0
ticks_timed:	.word 0			/* the ticks taken while wait_pit2 counted */
isr_in_irq0:	.byte 0
isr_after_eoi:	.byte 0
uart_irqs:	.word 0
uart_iir:	.byte 0
slave_irqs:	.word 0
master_isr:	.byte 0
slave_isr:	.byte 0
level_irqs:	.word 0

	.text
/* set_vector: IVT entry BX (vector number) = CS:AX */
set_vector:
	push %bx
	shl $2, %bx
	mov %ax, (%bx)
	mov %cs, 2(%bx)
	pop %bx
	ret

/*
 * wait_pit2: wait AX input clocks (1193 per ms) with PIT channel 2 in mode 0:
 * OUT2 goes low when the control word is written and high when the count
 * runs out; port 0x61 bit 5 shows it.  Channel 2's gate (port 0x61 bit 0)
 * is raised once and left high: writing a new count restarts mode 0 by
 * itself.  (Toggling the gate each time would also work on a PC, but QEMU
 * with KVM's in-kernel PIT implements a gate change by reloading every
 * channel, which restarts channel 0 too.)
 */
wait_pit2:
	push %ax
	push %bx
	push %dx
	mov %ax, %bx
	in $PORT61, %al
	test $0x01, %al
	jnz 1f
	and $0xfc, %al			/* speaker data off... */
	or $0x01, %al			/* ...gate 2 on */
	out %al, $PORT61
1:	mov $0xb0, %al			/* channel 2, lobyte/hibyte, mode 0, binary */
	out %al, $PIT_CTRL
	mov %bl, %al
	out %al, $PIT_CH2
	mov %bh, %al
	out %al, $PIT_CH2		/* counting starts */
	mov ticks, %dx			/* ticks_timed += the ticks taken from here... */
	sub %dx, ticks_timed
2:	in $PORT61, %al			/* OUT2 goes high at terminal count */
	test $0x20, %al
	jz 2b
	mov ticks, %dx			/* ...to here */
	add %dx, ticks_timed
	pop %dx
	pop %bx
	pop %ax
	ret

	.globl ch03_main
ch03_main:
	PUTS "== chapter 3: the 8259a pic and the 8254 pit ==\n"
	cli
	/*
	 * Since the Pentium Pro every x86 CPU has a local APIC between the
	 * INTR pin and the core, and the 8259A reaches the core through its
	 * LINT0 input only if LINT0 is programmed as ExtINT ("virtual wire").
	 * A program that wants the 8259A alone switches the APIC off:
	 * IA32_APIC_BASE.EN = 0 turns the CPU back into a pre-APIC one whose
	 * INTR pin the 8259A drives directly (Intel SDM vol. 3A, 11.4.3).
	 * Chapter 3's own machine (--chapter 3) is such a pre-APIC PC: CPUID
	 * says so (leaf 1, EDX bit 9 clear), and there the MSR does not exist
	 * (rdmsr would #GP), so ask first.
	 */
	mov $1, %eax
	cpuid
	test $(1 << 9), %edx		/* CPUID.1:EDX.APIC */
	jz 1f
	mov $0x1b, %ecx			/* IA32_APIC_BASE */
	rdmsr
	and $~0x800, %eax		/* bit 11, EN: APIC global enable */
	wrmsr
1:

	/* 1. program the PIC pair: ICW1-ICW4, then mask everything but the cascade */
	mov $ICW1_INIT_ICW4, %al
	out %al, $PIC1_CMD
	out %al, $PIC2_CMD
	mov $VEC_MASTER, %al		/* ICW2: vector of IR0 */
	out %al, $PIC1_DATA
	mov $VEC_SLAVE, %al
	out %al, $PIC2_DATA
	mov $0x04, %al			/* ICW3 master: a slave on IR2 */
	out %al, $PIC1_DATA
	mov $0x02, %al			/* ICW3 slave: my ID is 2 */
	out %al, $PIC2_DATA
	mov $ICW4_8086, %al
	out %al, $PIC1_DATA
	out %al, $PIC2_DATA
	mov $0xfb, %al			/* OCW1: all masked but IR2 (the slave) */
	out %al, $PIC1_DATA
	mov $0xff, %al
	out %al, $PIC2_DATA
	in $PIC1_DATA, %al
	cmp $0xfb, %al
	CHECK_EQ "pic programmed like a bios: icw1-4, vectors 20-27 and 28-2f, imr reads back fb"

	/*
	 * 2. PIT channel 0 at 100 Hz; count IRQ 0 ticks for 100 ms of channel 2.
	 * 10 ticks are due.  A tick that comes while the previous one is
	 * still in IRR merges with it (the 8259A latches an edge, not a
	 * count), so a host that takes longer than a period to deliver one
	 * shows fewer ticks with a perfect PIT.  A 10 ms period is long
	 * enough for any host to deliver most ticks in time, but a VMM
	 * nested inside an emulator sometimes wakes 10-20 ms late, and a few
	 * of the 10 merge (tutorial chapter 3, section 6): the bounds, 6-12,
	 * still catch a rate off by 2x either way (5 or 20).  Only the ticks
	 * taken while channel 2 counts are counted (wait_pit2, ticks_timed):
	 * the port writes between and around the two waits are exits, and on
	 * a loaded or nested host each can take milliseconds, so counting from
	 * sti to cli measured a window longer than 100 ms (13 ticks were seen).
	 */
	mov $irq0_handler, %ax
	mov $VEC_MASTER + 0, %bx
	call set_vector
	mov $0x34, %al			/* channel 0, lobyte/hibyte, mode 2 (rate generator) */
	out %al, $PIT_CTRL
	mov $PIT_HZ_100 & 0xff, %al
	out %al, $PIT_CH0
	mov $PIT_HZ_100 >> 8, %al
	out %al, $PIT_CH0
	in $PIC1_DATA, %al
	and $0xfe, %al			/* unmask IRQ 0 */
	out %al, $PIC1_DATA
	movw $0, ticks_timed
	sti
	mov $59659, %ax			/* 50 ms of 1.193182 MHz clocks (16 bits hold 54.9 ms)... */
	call wait_pit2
	call wait_pit2			/* ...twice */
	cli
	mov ticks_timed, %ax
	cmp $6, %ax
	jb 1f
	cmp $12, %ax
	ja 1f
	clc
	jmp 2f
1:	stc
2:	CHECK "pit channel 0 at 100 hz: irq0 ticked 6-12 times in 100 ms timed by pit channel 2"
	mov ticks_timed, %ax		/* a failed count says what it saw */
	cmp $6, %ax
	jb 4f
	cmp $12, %ax
	jbe 3f
4:	PUTS "  irq0 ticks counted (hex): "
	mov ticks_timed, %ax
	call put_hex16
	PUTS "\n"
3:

	mov isr_in_irq0, %al
	cmp $0x01, %al
	CHECK_EQ "inside the irq0 handler the pic's isr was 01: irq0 in service"
	mov isr_after_eoi, %al
	cmp $0x00, %al
	CHECK_EQ "after the handler's specific eoi (ocw2 60) the isr was 00"

	/*
	 * 3. masking: a one-shot (mode 0) tick while IRQ 0 is masked.  First
	 * stop the rate generator (a control word alone stops a channel until
	 * its count is written) and let a tick that arrived during our cli
	 * be taken, so that the IRR starts clean.
	 */
	mov $0x30, %al			/* channel 0, lobyte/hibyte, mode 0: one interrupt */
	out %al, $PIT_CTRL
	sti
	mov $2 * 1193, %ax
	call wait_pit2
	cli
	in $PIC1_DATA, %al
	or $0x01, %al			/* mask IRQ 0 */
	out %al, $PIC1_DATA
	mov $PIT_HZ_1K & 0xff, %al
	out %al, $PIT_CH0
	mov $PIT_HZ_1K >> 8, %al
	out %al, $PIT_CH0
	movw $0, ticks
	sti
	/*
	 * The one-shot fires after 1 ms.  Look at the IRR every millisecond
	 * until the edge is there, for at most 50 ms: the VMM's timer thread
	 * may see the edge late on a slow host (nested, a few ms), and a
	 * fixed wait would then test the host's latency, not the mask.
	 */
	mov $50, %cx
1:	mov $1193, %ax
	call wait_pit2
	mov $OCW3_READ_IRR, %al
	out %al, $PIC1_CMD
	in $PIC1_CMD, %al
	test $0x01, %al
	jnz 2f
	loop 1b
2:	cmpw $0, ticks
	CHECK_EQ "irq0 masked in the imr: the pit fired, nothing was delivered"
	mov $OCW3_READ_IRR, %al
	out %al, $PIC1_CMD
	in $PIC1_CMD, %al
	test $0x01, %al
	CHECK_NE "the request waits in the irr (bit 0 set)"
	in $PIC1_DATA, %al
	and $0xfe, %al			/* unmask: the waiting request goes through */
	out %al, $PIC1_DATA
	mov $5 * 1193, %ax
	call wait_pit2
	cmpw $1, ticks
	CHECK_EQ "unmasking delivered the waiting tick, exactly once"
	cli
	in $PIC1_DATA, %al
	or $0x01, %al
	out %al, $PIC1_DATA

	/* 4. the UART's "transmitter empty" interrupt on IRQ 4 */
	mov $uart_handler, %ax
	mov $VEC_MASTER + 4, %bx
	call set_vector
	in $PIC1_DATA, %al
	and $0xef, %al			/* unmask IRQ 4 */
	out %al, $PIC1_DATA
	movw $0, uart_irqs
	mov $COM1 + 4, %dx
	mov $0x0b, %al			/* MCR: DTR, RTS, OUT2 (OUT2 gates the IRQ on a PC) */
	out %al, %dx
	sti
	mov $COM1 + 1, %dx
	mov $0x02, %al			/* IER: interrupt when THR is empty - it is, now */
	out %al, %dx
	nop
	cli
	cmpw $1, uart_irqs
	CHECK_EQ "the uart's thr-empty interrupt arrived on irq4, vector 24"
	mov uart_iir, %al
	and $0x0f, %al
	cmp $0x02, %al
	CHECK_EQ "its handler read iir = thr empty, which also cleared it"
	in $PIC1_DATA, %al
	or $0x10, %al
	out %al, $PIC1_DATA

	/* 5. the slave PIC: an edge on IRQ 10 from the test device */
	mov $slave_handler, %ax
	mov $VEC_SLAVE + 2, %bx
	call set_vector
	in $PIC2_DATA, %al
	and $0xfb, %al			/* unmask IRQ 10 (slave IR2) */
	out %al, $PIC2_DATA
	movw $0, slave_irqs
	sti
	mov $TESTDEV + 10, %dx
	mov $1, %al
	out %al, %dx			/* IRQ 10 rises */
	mov $0, %al
	out %al, %dx			/* and falls: an edge */
	cli
	cmpw $1, slave_irqs
	CHECK_EQ "irq10 from the test device arrived through the slave as vector 2a"
	mov master_isr, %al
	mov slave_isr, %ah
	cmp $0x0404, %ax
	CHECK_EQ "in its handler: master isr 04 (the cascade input), slave isr 04 (its ir2)"

	/* 6. level triggering: IRQ 11 marked level in the ELCR, held high */
	mov $level_handler, %ax
	mov $VEC_SLAVE + 3, %bx
	call set_vector
	mov $ELCR2, %dx
	in %dx, %al
	or $0x08, %al			/* IRQ 11 level-triggered */
	out %al, %dx
	in $PIC2_DATA, %al
	and $0xf7, %al			/* unmask IRQ 11 */
	out %al, $PIC2_DATA
	movw $0, level_irqs
	sti
	mov $TESTDEV + 11, %dx
	mov $1, %al
	out %al, %dx			/* IRQ 11 high; the handler lowers it the second time */
	/*
	 * Wait until the second interrupt is in, for at most 50 ms, then 1 ms
	 * more (a third would be wrong).  The repeat comes after the EOI, a
	 * port write that an in-kernel 8259A handles without leaving the
	 * kernel; a host may inject only at its next full exit (PVM), which
	 * can be milliseconds later.  The check is about the repeat, not when.
	 */
	mov $50, %cx
1:	mov $1193, %ax
	call wait_pit2
	cmpw $2, level_irqs
	jae 2f
	loop 1b
2:	mov $1193, %ax
	call wait_pit2
	cli
	cmpw $2, level_irqs
	CHECK_EQ "level irq11, still high after its eoi, came again; lowered, it stopped (2 interrupts)"
	cmpw $2, level_irqs		/* a failed count says what it saw */
	je 3f
	PUTS "  irq11 interrupts counted (hex): "
	mov level_irqs, %ax
	call put_hex16
	PUTS "\n"
3:

	/* leave the PIC masked and the PIT quiet for whoever comes next */
	mov $0xff, %al
	out %al, $PIC1_DATA
	out %al, $PIC2_DATA
	mov $0x30, %al
	out %al, $PIT_CTRL
	ret

/* IRQ 0: count the tick, look at the ISR, send a specific EOI, look again. */
irq0_handler:
	push %ax
	incw %ss:ticks
	mov $OCW3_READ_ISR, %al
	out %al, $PIC1_CMD
	in $PIC1_CMD, %al
	mov %al, %ss:isr_in_irq0
	mov $OCW2_SPECIFIC_EOI | 0, %al
	out %al, $PIC1_CMD
	in $PIC1_CMD, %al		/* OCW3 still selects the ISR */
	mov %al, %ss:isr_after_eoi
	mov $OCW3_READ_IRR, %al		/* back to IRR, the power-on choice */
	out %al, $PIC1_CMD
	pop %ax
	iret

/* IRQ 4: read IIR (which clears the THRE interrupt), stop further ones, EOI. */
uart_handler:
	push %ax
	push %dx
	incw %ss:uart_irqs
	mov $COM1 + 2, %dx
	in %dx, %al
	mov %al, %ss:uart_iir
	mov $COM1 + 1, %dx
	mov $0, %al			/* IER = 0: no more UART interrupts */
	out %al, %dx
	mov $OCW2_EOI, %al
	out %al, $PIC1_CMD
	pop %dx
	pop %ax
	iret

/* IRQ 10: record both ISRs, then EOI the slave first, then the master. */
slave_handler:
	push %ax
	incw %ss:slave_irqs
	mov $OCW3_READ_ISR, %al
	out %al, $PIC1_CMD
	out %al, $PIC2_CMD
	in $PIC1_CMD, %al
	mov %al, %ss:master_isr
	in $PIC2_CMD, %al
	mov %al, %ss:slave_isr
	mov $OCW3_READ_IRR, %al
	out %al, $PIC1_CMD
	out %al, $PIC2_CMD
	mov $OCW2_EOI, %al
	out %al, $PIC2_CMD
	out %al, $PIC1_CMD
	pop %ax
	iret

/* IRQ 11 (level): the second time, lower the line before the EOI. */
level_handler:
	push %ax
	push %dx
	incw %ss:level_irqs
	cmpw $2, %ss:level_irqs
	jb 1f
	mov $TESTDEV + 11, %dx
	mov $0, %al
	out %al, %dx
1:	mov $OCW2_EOI, %al
	out %al, $PIC2_CMD
	out %al, $PIC1_CMD
	pop %dx
	pop %ax
	iret
