/*
 * ch05.S - chapter 5: the local APIC and the I/O APIC, from the guest's side.
 *
 * In 64-bit mode, with the 8259A masked: the local APIC at 0xFEE00000 (its
 * timer in one-shot, periodic and TSC-deadline modes, a self-IPI, TPR and CR8,
 * nested priorities and EOI order), then the I/O APIC at 0xFEC00000 routing
 * the PIT (IRQ 0 -> pin 2), the UART (pin 4) and the test device's lines
 * (edge on pin 10, level on pin 11).  Intel SDM vol. 3A ch. 11; 82093AA.
 *
 * The APIC pages are above 2 GiB: 64-bit code cannot encode them as a
 * sign-extended 32-bit displacement, so they are reached through registers
 * (R15 = local APIC, R14 = I/O APIC in the main code; handlers load their own).
 */
	.code16
	.include "macros16.inc"
	.text
	.globl ch05_main
ch05_main:
	jmp go_long			/* the header is printed in 64-bit mode */

	.code64
	.include "macros64.inc"

	.set LAPIC, 0xfee00000
	.set IOAPIC, 0xfec00000
	.set L_ID, 0x20
	.set L_VER, 0x30
	.set L_TPR, 0x80
	.set L_PPR, 0xa0
	.set L_EOI, 0xb0
	.set L_SVR, 0xf0
	.set L_ISR, 0x100
	.set L_ICR_LO, 0x300
	.set L_ICR_HI, 0x310
	.set L_LVT_TIMER, 0x320
	.set L_TIMER_ICR, 0x380
	.set L_TIMER_CCR, 0x390
	.set L_TIMER_DCR, 0x3e0
	.set LVT_MASKED, 1 << 16
	.set LVT_PERIODIC, 1 << 17
	.set LVT_TSC_DEADLINE, 2 << 17
	.set ICR_SELF, 1 << 18		/* destination shorthand 01: self */
	.set MSR_APIC_BASE, 0x1b
	.set MSR_TSC_DEADLINE, 0x6e0
	.set IOREGSEL, 0x00
	.set IOWIN, 0x10
	.set RTE_LEVEL, 1 << 15
	.set RTE_MASKED, 1 << 16
	.set RTE_REMOTE_IRR, 1 << 14
	.set TESTDEV, 0x2000
	.set MS, 1193			/* PIT input clocks per millisecond */

	.bss
	.balign 8
count:		.fill 256, 2, 0		/* interrupts taken, per vector */
log:		.fill 16, 1, 0		/* the nested-interrupt log */
log_len:	.quad 0
isr_both:	.byte 0			/* in 0x91's handler: were 0x61 and 0x91 both in service? */
ppr_in_91:	.long 0
held_62:	.word 0			/* count of 0x62 while 0x91 was in service */
uart_iir:	.byte 0
rirr_seen:	.byte 0			/* remote IRR of pin 11 as seen from its handler */

	.text
/* counter for vector \v: count + 2 * v */
	.macro COUNT v
	incw count + 2 * \v
	.endm
	.macro CMP_COUNT v, n
	cmpw $\n, count + 2 * \v
	.endm

/* A handler that counts its vector and sends EOI. */
	.macro SIMPLE_HANDLER name, v
\name:
	push %rax
	COUNT \v
	mov $LAPIC, %eax
	movl $0, L_EOI(%rax)
	pop %rax
	iretq
	.endm

	.globl ch05_long
ch05_long:
	PUTS64 "== chapter 5: the local apic and the i/o apic ==\n"
	cli
	mov $LAPIC, %r15d
	mov $IOAPIC, %r14d
	mov $0xff, %al			/* mask every 8259A input: the APICs take over */
	out %al, $0x21
	out %al, $0xa1
	in $0x21, %al
	mov %al, %ah
	in $0xa1, %al
	cmp $0xffff, %ax
	CHECK64_EQ "the 8259a is masked (imr ff/ff): from here on the apics deliver"

	/* IA32_APIC_BASE: where the local APIC is, and whether it is on (chapter 3 switched it off) */
	mov $MSR_APIC_BASE, %ecx
	rdmsr
	or $0x800, %eax			/* EN */
	wrmsr
	rdmsr
	mov %eax, %ebx
	and $0xfffff000, %ebx
	cmp $LAPIC, %ebx
	jne 1f
	test $0x800, %eax
	jz 1f
	clc
	jmp 2f
1:	stc
2:	CHECK64 "ia32_apic_base: the local apic is at fee00000 and enabled (bit 11)"
	mov L_VER(%r15), %eax		/* 32-bit reads only (SDM 11.4.1); 0x1X: integrated APIC */
	and $0xf0, %eax
	cmp $0x10, %eax
	CHECK64_EQ "version register 1x: an integrated apic, not the 82489dx"
	movl $0x1ff, L_SVR(%r15)	/* software enable, spurious vector 0xff */
	cmpl $0x1ff, L_SVR(%r15)
	CHECK64_EQ "svr = 1ff: apic software-enabled, spurious vector ff"

	VECTOR 0x40, h40
	VECTOR 0x41, h41
	VECTOR 0x42, h42
	VECTOR 0x43, h43
	VECTOR 0x45, h45
	VECTOR 0x61, h61
	VECTOR 0x62, h62
	VECTOR 0x91, h91
	VECTOR 0x50, h50
	VECTOR 0x54, h54
	VECTOR 0x5a, h5a
	VECTOR 0x5b, h5b
	VECTOR 0xff, hff

	/* 1. timer, one-shot: 2 ms at the 1 GHz APIC bus, divide by 1 */
	movl $0xb, L_TIMER_DCR(%r15)	/* divide by 1 */
	movl $0x40, L_LVT_TIMER(%r15)	/* one-shot, vector 0x40, unmasked */
	movl $2000000, L_TIMER_ICR(%r15)
	/*
	 * Look, then sleep: on a slow host the timer may fire before we get
	 * to the hlt, and a hlt after the only interrupt sleeps forever.  sti
	 * lets interrupts in only after the next instruction, so none slips
	 * in between sti and hlt: it wakes the hlt instead (SDM vol. 2, STI).
	 */
1:	CMP_COUNT 0x40, 0
	jne 2f
	sti
	hlt
	cli
	jmp 1b
2:	sti
	mov $3 * MS, %ecx
	call pit2_wait
	CMP_COUNT 0x40, 1
	jne 2f
	cmpl $0, L_TIMER_CCR(%r15)
2:	CHECK64_EQ "lapic timer, one-shot 2 ms: one interrupt (vector 40), then the current count reads 0"

	/*
	 * 2. timer, periodic: 10 ms, counted over 100 ms of PIT channel 2.  An
	 * expiry while the last one's vector is still in IRR merges with it;
	 * a 10 ms period leaves most hosts time to deliver each one, and
	 * 6-12 of the 10 due still catches a rate off by 2x (see ch03.S).
	 */
	movl $0x41 | LVT_PERIODIC, L_LVT_TIMER(%r15)
	movl $10000000, L_TIMER_ICR(%r15)	/* 10 ms at 1 GHz, divide by 1 */
	movq $count + 2 * 0x41, pit2_watch	/* count only while the stopwatch runs */
	movl $0, pit2_seen
	mov $50 * MS, %ecx
	call pit2_wait
	call pit2_wait
	movq $0, pit2_watch
	movl $LVT_MASKED, L_LVT_TIMER(%r15)
	movl $0, L_TIMER_ICR(%r15)
	mov pit2_seen, %eax
	cmp $6, %eax
	jb 1f
	cmp $12, %eax
	ja 1f
	clc
	jmp 2f
1:	call say_count			/* out of bounds: say how many (only then) */
	stc
2:	CHECK64 "lapic timer, periodic 10 ms: 6-12 interrupts in 100 ms timed by pit channel 2"

	/* 3. TSC-deadline mode */
	mov $1, %eax
	cpuid
	bt $24, %ecx
	jnc 2f
	movl $0x42 | LVT_TSC_DEADLINE, L_LVT_TIMER(%r15)
	rdtsc
	shl $32, %rdx
	or %rdx, %rax
	add $3000000, %rax		/* about a millisecond ahead, at a few GHz */
	mov %rax, %rdx
	shr $32, %rdx
	mov $MSR_TSC_DEADLINE, %ecx
	cli				/* look, then sleep, as for the one-shot above */
	wrmsr
1:	CMP_COUNT 0x42, 0
	jne 5f
	sti
	hlt
	cli
	jmp 1b
5:	sti
	mov $3 * MS, %ecx
	call pit2_wait
	mov $MSR_TSC_DEADLINE, %ecx
	rdmsr
	or %edx, %eax			/* a deadline that fired reads 0 */
	jnz 2f
	CMP_COUNT 0x42, 1
	je 3f
2:	stc
	jmp 4f
3:	clc
4:	CHECK64 "tsc-deadline mode (cpuid.1:ecx[24]): a deadline ahead fired once (vector 42), the msr reads 0"
	movl $LVT_MASKED, L_LVT_TIMER(%r15)

	/* 4. a self-IPI through the ICR */
	movl $0, L_ICR_HI(%r15)
	movl $0x43 | ICR_SELF, L_ICR_LO(%r15)
	mov $count + 2 * 0x43, %edi
	call wait_arrival
	CMP_COUNT 0x43, 1
	CHECK64_EQ "self-ipi through the icr (shorthand self): vector 43 arrived"

	/* 5. TPR: a vector below the task priority waits */
	movl $0x50, L_TPR(%r15)
	movl $0x45 | ICR_SELF, L_ICR_LO(%r15)
	mov $1 * MS, %ecx
	call pit2_wait
	CMP_COUNT 0x45, 0
	CHECK64_EQ "tpr 50 holds back vector 45 (priority class 4 < 5)"
	mov %cr8, %rax
	cmp $5, %rax
	CHECK64_EQ "cr8 reads 5: in 64-bit mode cr8 is tpr bits 7:4"
	xor %eax, %eax
	mov %rax, %cr8			/* TPR = 0 */
	mov $count + 2 * 0x45, %edi
	call wait_arrival
	CMP_COUNT 0x45, 1
	jne 1f
	cmpl $0, L_TPR(%r15)
1:	CHECK64_EQ "writing 0 to cr8 cleared the tpr, and the waiting vector 45 arrived"

	/* 6. nested priorities: 0x91 interrupts the handler of 0x61; 0x62 waits for both */
	movq $0, log_len
	movl $0x61 | ICR_SELF, L_ICR_LO(%r15)
	mov $2 * MS, %ecx
	call pit2_wait			/* the handlers use the stopwatch too: wait once more */
	mov $1 * MS, %ecx
	call pit2_wait
	PUTS64 "  interrupt log:"
	xor %ebx, %ebx
1:	cmp log_len, %rbx
	jae 2f
	movzbl log(%rbx), %eax
	PUTS64 " "
	cmp $0x50, %al			/* an EOI of vector v is logged as v - 0x50: print "/v" */
	jae 3f
	PUTS64 "/"
	add $0x50, %al
3:	mov $2, %ecx
	call put_hex64
	inc %ebx
	jmp 1b
2:	PUTS64 "\n"
	cmpq $6, log_len
	jne 4f
	cmpl $0x11419161, log		/* 61 91 /91 /61 (read as a little-endian dword) */
	jne 4f
	cmpw $0x1262, log + 4		/* 62 /62 */
4:	CHECK64_EQ "nested: 91 (class 9) interrupted 61's handler; eoi 91 first, then 61, then 62 ran"
	cmpb $1, isr_both
	jne 5f
	cmpl $0x90, ppr_in_91
	jne 5f
	cmpw $0, held_62
5:	CHECK64_EQ "inside 91's handler: isr held 61 and 91, ppr 90, and 62 (class 6) had to wait"

	/* 7. the I/O APIC */
	movl $1, IOREGSEL(%r14)
	movl IOWIN(%r14), %eax
	and $0x00ff0000, %eax		/* the version itself is 0x11 (82093AA, tinyvmm, KVM) or 0x20 */
	cmp $0x00170000, %eax
	CHECK64_EQ "ioapic version register: redirection entries 0-17 (hex), 24 pins"

	/* 7a. the PIT through pin 2, 100 Hz for 100 ms (the bounds as in part 2) */
	IOAPIC_WR 0x15, 0			/* entry 2, high: destination APIC 0 */
	IOAPIC_WR 0x14, 0x50			/* entry 2, low: vector 0x50, fixed, edge, unmasked */
	mov $0x34, %al				/* PIT channel 0, mode 2 */
	out %al, $0x43
	mov $(10 * MS) & 0xff, %al
	out %al, $0x40
	mov $(10 * MS) >> 8, %al
	out %al, $0x40
	movq $count + 2 * 0x50, pit2_watch
	movl $0, pit2_seen
	mov $50 * MS, %ecx
	call pit2_wait
	call pit2_wait
	movq $0, pit2_watch
	IOAPIC_WR 0x14, RTE_MASKED | 0x50
	mov $0x30, %al				/* stop channel 0 */
	out %al, $0x43
	mov pit2_seen, %eax
	cmp $6, %eax
	jb 1f
	cmp $12, %eax
	ja 1f
	clc
	jmp 2f
1:	call say_count
	stc
2:	CHECK64 "pit irq0 through ioapic pin 2 (vector 50, edge): 6-12 ticks in 100 ms"

	/* 7b. the UART through pin 4 */
	IOAPIC_WR 0x19, 0
	IOAPIC_WR 0x18, 0x54
	mov $0x3fc, %dx
	mov $0x0b, %al				/* MCR: DTR, RTS, OUT2 */
	out %al, %dx
	mov $0x3f9, %dx
	mov $0x02, %al				/* IER: THR empty */
	out %al, %dx
	mov $1 * MS, %ecx
	call pit2_wait
	IOAPIC_WR 0x18, RTE_MASKED | 0x54
	CMP_COUNT 0x54, 1
	jne 1f
	movb uart_iir, %al
	and $0x0f, %al
	cmp $0x02, %al
1:	CHECK64_EQ "uart thr-empty through ioapic pin 4 (vector 54): one interrupt, iir = thr empty"

	/* 7c. an edge on a masked pin is lost */
	IOAPIC_WR 0x25, 0
	IOAPIC_WR 0x24, RTE_MASKED | 0x5a	/* entry 10, masked */
	mov $TESTDEV + 10, %dx
	mov $1, %al
	out %al, %dx
	mov $0, %al
	out %al, %dx
	IOAPIC_WR 0x24, 0x5a			/* unmask */
	mov $1 * MS, %ecx
	call pit2_wait
	CMP_COUNT 0x5a, 0
	CHECK64_EQ "an edge on masked pin 10 is lost: nothing after unmasking"
	mov $1, %al
	out %al, %dx
	mov $0, %al
	out %al, %dx
	mov $1 * MS, %ecx
	call pit2_wait
	CMP_COUNT 0x5a, 1
	CHECK64_EQ "an edge on unmasked pin 10: one interrupt, vector 5a"

	/* 7d. a level-triggered pin, held high */
	IOAPIC_WR 0x27, 0
	IOAPIC_WR 0x26, RTE_LEVEL | 0x5b
	mov $TESTDEV + 11, %dx
	mov $1, %al
	out %al, %dx				/* the handler lowers it the second time */
	mov $2 * MS, %ecx
	call pit2_wait
	cmpb $1, rirr_seen
	CHECK64_EQ "level pin 11 (vector 5b): remote irr set while its handler ran"
	CMP_COUNT 0x5b, 2
	jne 1f
	movl $0x26, IOREGSEL(%r14)
	testl $RTE_REMOTE_IRR, IOWIN(%r14)
1:	CHECK64_EQ "still high after eoi, pin 11 came again; lowered, it stopped (2), remote irr clear"

	cli
	IOAPIC_WR 0x24, RTE_MASKED | 0x5a
	IOAPIC_WR 0x26, RTE_MASKED | RTE_LEVEL | 0x5b
	jmp ch05_next			/* what follows chapter 5 in this image */

/* say_count: print "  counted N" (N = AX, hex) before a failing rate check */
say_count:
	push %rax
	PUTS64 "  counted "
	pop %rax
	mov $4, %ecx
	call put_hex64
	PUTS64 " (hex)\n"
	ret

/* ---- handlers ---- */
	SIMPLE_HANDLER h40, 0x40
	SIMPLE_HANDLER h41, 0x41
	SIMPLE_HANDLER h42, 0x42
	SIMPLE_HANDLER h43, 0x43
	SIMPLE_HANDLER h45, 0x45
	SIMPLE_HANDLER h50, 0x50
	SIMPLE_HANDLER h5a, 0x5a

/* append AL to the log */
log_byte:
	push %rbx
	mov log_len, %rbx
	mov %al, log(%rbx)
	incq log_len
	pop %rbx
	ret

/*
 * wait_arrival: wait 1 ms, then up to 50 ms more until the counter at EDI
 * is non-zero.  On hardware a self-IPI is taken at once; a host may deliver
 * it only at its next full exit (PVM: not on a PIO exit handled in its
 * kernel, such as pit2_wait's reads of port 61h), which can be milliseconds
 * later.  The checks are about arrival, not latency (chapter 9 measures
 * that).  The first 1 ms stays, so a second, wrong delivery is still seen.
 */
wait_arrival:
	push %rcx
	push %rbx
	mov $1 * MS, %ecx
	call pit2_wait
	mov $50, %ebx
1:	cmpw $0, (%rdi)
	jne 2f
	mov $1 * MS, %ecx
	call pit2_wait
	dec %ebx
	jnz 1b
2:	pop %rbx
	pop %rcx
	ret

/* 0x61: let 0x91 in (sti + self-IPI), then EOI */
h61:
	push %rax
	push %rcx
	mov $0x61, %al
	call log_byte
	mov $LAPIC, %eax
	movl $0x91 | ICR_SELF, L_ICR_LO(%rax)
	sti				/* a higher class may interrupt us now */
	mov $1 * MS, %ecx
	call pit2_wait
	cli
	mov $0x11, %al			/* logged as "/61" */
	call log_byte
	mov $LAPIC, %eax
	movl $0, L_EOI(%rax)
	pop %rcx
	pop %rax
	iretq

/* 0x91: look at ISR and PPR, send 0x62 and see it wait, then EOI */
h91:
	push %rax
	push %rcx
	push %rdx
	mov $0x91, %al
	call log_byte
	mov $LAPIC, %eax
	mov L_ISR + 0x30(%rax), %edx	/* ISR bits 96-127: 0x61 is bit 1 */
	mov L_ISR + 0x40(%rax), %ecx	/* ISR bits 128-159: 0x91 is bit 17 */
	and $0x2, %edx
	and $0x20000, %ecx
	or %ecx, %edx
	cmp $0x20002, %edx
	sete isr_both
	mov L_PPR(%rax), %edx
	mov %edx, ppr_in_91
	movl $0x62 | ICR_SELF, L_ICR_LO(%rax)
	sti
	mov $1 * MS, %ecx
	call pit2_wait
	cli
	mov count + 2 * 0x62, %dx
	mov %dx, held_62
	mov $0x41, %al			/* logged as "/91" */
	call log_byte
	mov $LAPIC, %eax
	movl $0, L_EOI(%rax)
	pop %rdx
	pop %rcx
	pop %rax
	iretq

h62:
	push %rax
	COUNT 0x62
	mov $0x62, %al
	call log_byte
	mov $0x12, %al			/* logged as "/62" */
	call log_byte
	mov $LAPIC, %eax
	movl $0, L_EOI(%rax)
	pop %rax
	iretq

/* UART on pin 4: read IIR (clears THRE), stop further interrupts, EOI */
h54:
	push %rax
	push %rdx
	COUNT 0x54
	mov $0x3fa, %dx
	in %dx, %al
	mov %al, uart_iir
	mov $0x3f9, %dx
	mov $0, %al
	out %al, %dx
	mov $LAPIC, %eax
	movl $0, L_EOI(%rax)
	pop %rdx
	pop %rax
	iretq

/* level pin 11: the first time look at Remote IRR; the second time lower the line */
h5b:
	push %rax
	push %rdx
	COUNT 0x5b
	mov $IOAPIC, %eax
	movl $0x26, IOREGSEL(%rax)
	testl $RTE_REMOTE_IRR, IOWIN(%rax)
	setnz rirr_seen
	CMP_COUNT 0x5b, 2
	jb 1f
	mov $TESTDEV + 11, %dx
	mov $0, %al
	out %al, %dx
1:	mov $LAPIC, %eax
	movl $0, L_EOI(%rax)
	pop %rdx
	pop %rax
	iretq

/* the spurious vector: no EOI (SDM 11.9) */
hff:
	iretq
