/*
 * bench-edu.S - the guests of bench/exitcost's chapter 8 measurements
 * (64-bit), one image per entry point (the Makefile binds lm_continue):
 *   bench_edu_raise: 5000 MSIs the guest asks for itself by writing the edu's
 *                    register 0x60: the message leaves in that MMIO exit, from
 *                    the vCPU thread (the injection path alone);
 *   bench_edu_fact:  2000 factorials with status bit 0x80 set, the guest idle
 *                    in HLT until each one's MSI, ~100 us later: sent by the
 *                    timer thread, or under --msi irqfd by the device thread's
 *                    eventfd write, so it is the one where irqfd can matter.
 * Both find the edu, place BAR 0 and enable MSI as ch08.S does, without its
 * checks; a step that finds something else ends the run with status 1.  The
 * handler acknowledges at the device (0x64), then EOIs, as a driver's does.
 */
	.code16
	.text
	.globl test_main
test_main:
	jmp go_long

	.code64
	.set LAPIC, 0xfee00000
	.set BAR, 0xfe000000		/* in the PCI hole, as ch08.S */
	.set VEC, 0x70
	.set ENABLE, 0x80000000		/* CONFIG_ADDRESS bit 31 */
	.set FACT, 0x08
	.set STATUS, 0x20
	.set IRQ_RAISE, 0x60
	.set IRQ_ACK, 0x64
	.set RAISES, 5000
	.set FACTORIALS, 2000

	.bss
count:	.quad 0

	.text
/* common: the LAPIC on, the handler at VEC, the edu found and its MSI enabled; R14 = BAR 0 */
setup:
	mov $0x1b, %ecx
	rdmsr
	or $0x800, %eax
	wrmsr
	mov $LAPIC, %r15d
	movl $0x1ff, 0xf0(%r15)
	mov $VEC, %edi
	lea handler(%rip), %rax
	call idt64_set

	mov $ENABLE, %edi			/* bus 0, devices 0-31: 1234:11e8 */
1:	call pci_cfg_read
	cmp $0x11e81234, %eax
	je 2f
	add $1 << 11, %edi
	cmp $ENABLE + (32 << 11), %edi
	jb 1b
	jmp fail
2:	mov %edi, %ebx
	lea 0x10(%rbx), %edi			/* BAR 0 */
	mov $BAR, %esi
	call pci_cfg_write
	lea 0x04(%rbx), %edi
	mov $0x0006, %esi			/* memory space; bus master, or no MSI leaves */
	call pci_cfg_write
	lea 0x34(%rbx), %edi			/* the first capability: the edu has only MSI */
	call pci_cfg_read
	movzbl %al, %ecx
	and $0xfc, %ecx
	lea (%rbx,%rcx), %edi
	call pci_cfg_read
	cmp $0x05, %al
	jne fail
	mov %eax, %r12d				/* bits 31:16: message control */
	add $4, %edi
	mov $0xfee00000, %esi			/* APIC ID 0, physical */
	call pci_cfg_write
	add $4, %edi
	test $0x00800000, %r12d			/* 64-bit address: data at +12 */
	jz 3f
	xor %esi, %esi
	call pci_cfg_write
	add $4, %edi
3:	mov $0x4000 | VEC, %esi
	call pci_cfg_write
	lea (%rbx,%rcx), %edi
	mov %r12d, %esi
	or $0x00010000, %esi			/* MSI enable */
	call pci_cfg_write
	mov $BAR, %r14d
	movq $0, count
	ret

fail:
	mov $1, %al
	out %al, $0xf4				/* the exit device: the bench's "did not pass" */
1:	cli
	hlt
	jmp 1b

/*
 * wait: until count reaches RSI, idle in HLT.  The compare runs with IF=0
 * and STI;HLT re-enables them: STI's one-instruction shadow lets an
 * interrupt that is already pending wake the HLT instead of slipping in
 * before it and leaving the vCPU asleep for ever.
 */
wait:
1:	cli
	cmp %rsi, count
	jae 2f
	sti
	hlt
	jmp 1b
2:	sti
	ret

handler:
	push %rax
	mov $BAR, %eax
	movl $1, IRQ_ACK(%rax)			/* what both a raise of 1 and a factorial set */
	mov $LAPIC, %eax
	movl $0, 0xb0(%rax)
	incq count
	pop %rax
	iretq

	.globl bench_edu_raise
bench_edu_raise:
	call setup
	sti
	xor %esi, %esi
1:	inc %esi
	movl $1, IRQ_RAISE(%r14)		/* the MSI goes out before the guest runs on */
	call wait
	cmp $RAISES, %esi
	jb 1b
	cli
	jmp finish64

	.globl bench_edu_fact
bench_edu_fact:
	call setup
	movl $0x80, STATUS(%r14)		/* an interrupt when each factorial is done */
	sti
	xor %esi, %esi
1:	inc %esi
	movl $10, FACT(%r14)			/* busy for 100 us of the VMM's clock */
	call wait
	cmp $FACTORIALS, %esi
	jb 1b
	cli
	movl $0, STATUS(%r14)
	jmp finish64
