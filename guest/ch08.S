/*
 * ch08.S - chapter 8: a PCI device found, configured and interrupting.
 *
 * The guest does what a PCI driver's probe does, with nothing but ports
 * 0xCF8/0xCFC (configuration mechanism #1, PCI 3.0 3.2.2.3.2) and the
 * device's own registers (QEMU docs/specs/edu.rst):
 *   1. scan bus 0, devices 0-31, for vendor 1234 device 11e8 (the edu), and
 *      check the host bridge at 00:00.0 (8086:1237, class 060000);
 *   2. size BAR 0 (write all ones, read back: 1 MiB), place it in the PCI
 *      hole at 0xFE000000, enable memory space and bus mastering;
 *   3. identification, liveness, factorial (polling the computing bit);
 *   4. walk the capability list to MSI (ID 5), program address 0xFEE00000
 *      (APIC ID 0, physical) and data 0x4070 (vector 0x70, fixed, edge, the
 *      assert bit as Linux sets it), enable it, raise an interrupt and a
 *      factorial-done interrupt: one MSI each;
 *   5. MSI off: the same raise through INTA#, which tinyvmm wires to GSI 16
 *      (I/O APIC pin 16, level, active high: src/irq.c irq_set_pci_intx);
 *      masked first by the command register's Interrupt Disable bit, then
 *      unmasked: the pending request arrives then.
 * Run under --irqchip none, split and kernel, and under QEMU with -device edu
 * (wherever QEMU puts it; INTx there goes through PIIX3's PIRQ routing, so
 * only the MSI part compares).
 */
	.code16
	.text
	.globl ch08_main
ch08_main:
	jmp go_long

	.code64
	.include "macros64.inc"
	.set LAPIC, 0xfee00000
	.set IOAPIC, 0xfec00000
	.set BAR, 0xfe000000		/* in the PCI hole, below the I/O APIC */
	.set VEC_MSI, 0x70
	.set VEC_INTX, 0x71
	.set GSI, 16
	.set MS, 1193
	.set ENABLE, 0x80000000		/* CONFIG_ADDRESS bit 31 */
	/* edu registers (BAR 0) */
	.set ID, 0x00
	.set LIVENESS, 0x04
	.set FACT, 0x08
	.set STATUS, 0x20
	.set IRQ_STATUS, 0x24
	.set IRQ_RAISE, 0x60
	.set IRQ_ACK, 0x64

	.bss
	.balign 8
edu_addr:	.long 0		/* CONFIG_ADDRESS of the edu's function, register 0 */
msi_cap:	.long 0		/* offset of its MSI capability */
msi_count:	.quad 0
intx_count:	.quad 0
intx_status:	.quad 0		/* interrupt status, as the INTx handler read it */
intx_pcistat:	.quad 0		/* PCI status register, in the INTx handler */

	.text

/* wait_count: wait until the quad at RDI reaches RSI, at most 100 ms; ZF = reached */
wait_count:
	push %rcx
	push %rdx
	mov $100, %edx
1:	cmp %rsi, (%rdi)
	je 2f
	mov $MS, %ecx
	call pit2_wait
	dec %edx
	jnz 1b
	cmp %rsi, (%rdi)
2:	pop %rdx
	pop %rcx
	ret

	.globl ch08_long
ch08_long:
	PUTS64 "== chapter 8: msi from a pci device ==\n"
	/* 1. the host bridge, then the edu anywhere on bus 0 */
	mov $ENABLE, %edi			/* 00:00.0, register 0: the IDs */
	call pci_cfg_read
	cmp $0x12378086, %eax
	CHECK64_EQ "00:00.0 is the host bridge: 8086:1237 (i440fx)"
	mov $ENABLE | 0x08, %edi		/* class code in bits 31:8 */
	call pci_cfg_read
	shr $8, %eax
	cmp $0x060000, %eax
	CHECK64_EQ "00:00.0 class 060000: a host bridge"

	xor %ebx, %ebx
1:	mov %ebx, %edi
	shl $11, %edi				/* device number: bits 15:11 */
	or $ENABLE, %edi
	call pci_cfg_read
	cmp $0x11e81234, %eax			/* device 11e8, vendor 1234 */
	je 2f
	inc %ebx
	cmp $32, %ebx
	jb 1b
	cmp $0, %ebx				/* ZF clear: not found */
	CHECK64_EQ "found 1234:11e8 (edu) on bus 0 by scanning devices 0-31"
	PUTS64 "no edu device: nothing more to test\n"
	jmp finish64
2:	mov %edi, edu_addr
	cmp %eax, %eax
	CHECK64_EQ "found 1234:11e8 (edu) on bus 0 by scanning devices 0-31"
	mov edu_addr, %edi
	or $0x3c, %edi				/* interrupt pin: byte 0x3d */
	call pci_cfg_read
	shr $8, %eax
	cmp $1, %al
	CHECK64_EQ "edu: interrupt pin 1, inta#"

	/* 2. BAR 0: size it, place it, decode it */
	mov edu_addr, %edi
	or $0x10, %edi
	mov $0xffffffff, %esi
	call pci_cfg_write
	call pci_cfg_read
	cmp $0xfff00000, %eax			/* 32-bit memory, not prefetchable */
	CHECK64_EQ "bar0 after writing all ones: fff00000 (32-bit memory)"
	and $0xfffffff0, %eax
	not %eax
	inc %eax
	cmp $0x100000, %eax
	CHECK64_EQ "bar0 size: 1 mib"
	mov $BAR, %esi
	call pci_cfg_write
	call pci_cfg_read
	cmp $BAR, %eax
	CHECK64_EQ "bar0 programmed to fe000000"
	mov edu_addr, %edi
	or $0x04, %edi
	mov $0x0006, %esi			/* command: memory space, bus master */
	call pci_cfg_write
	call pci_cfg_read
	and $0x7, %eax
	cmp $6, %eax
	CHECK64_EQ "command: memory space and bus master enabled"

	/* 3. the registers */
	mov $BAR, %r14d
	mov ID(%r14), %eax
	cmp $0x010000ed, %eax
	CHECK64_EQ "edu identification: 010000ed"
	movl $0x12345678, LIVENESS(%r14)
	mov LIVENESS(%r14), %eax
	cmp $0xedcba987, %eax
	CHECK64_EQ "liveness: reads back ~12345678"
	movl $5, FACT(%r14)
1:	testl $1, STATUS(%r14)			/* computing */
	jnz 1b
	mov FACT(%r14), %eax
	cmp $120, %eax
	CHECK64_EQ "factorial of 5 = 120, after polling the computing bit"

	/* 4. MSI: the local APIC on, the handlers, the capability */
	mov $0x1b, %ecx
	rdmsr
	or $0x800, %eax
	wrmsr
	mov $LAPIC, %r15d
	movl $0x1ff, 0xf0(%r15)			/* software-enabled */
	mov $VEC_MSI, %edi
	lea h_msi(%rip), %rax
	call idt64_set
	mov $VEC_INTX, %edi
	lea h_intx(%rip), %rax
	call idt64_set

	mov edu_addr, %edi
	or $0x04, %edi
	call pci_cfg_read
	test $0x00100000, %eax			/* status bit 4: capability list */
	CHECK64_NE "status: capability list present"
	mov edu_addr, %edi
	or $0x34, %edi
	call pci_cfg_read
	movzbl %al, %ebx
	and $0xfc, %ebx
	mov $48, %ecx				/* at most 48 capabilities fit */
1:	test %ebx, %ebx
	jz 2f
	mov edu_addr, %edi
	or %ebx, %edi
	call pci_cfg_read
	cmp $0x05, %al				/* MSI */
	je 2f
	movzbl %ah, %ebx
	and $0xfc, %ebx
	loop 1b
	xor %ebx, %ebx
2:	mov %ebx, msi_cap
	test %ebx, %ebx
	CHECK64_NE "capability list: msi (id 05) found"
	cmpl $0, msi_cap			/* (the check's call left the flags undefined) */
	je 9f

	mov edu_addr, %edi			/* address: APIC ID 0, physical */
	or msi_cap, %edi
	call pci_cfg_read				/* bits 31:16: message control */
	mov %eax, %ebx
	add $4, %edi
	mov $0xfee00000, %esi
	call pci_cfg_write
	add $4, %edi				/* data at +8, or +12 after an upper address */
	test $0x00800000, %ebx			/* control bit 7: 64-bit address */
	jz 1f
	xor %esi, %esi
	call pci_cfg_write
	add $4, %edi
1:	mov $0x4000 | VEC_MSI, %esi
	call pci_cfg_write
	mov edu_addr, %edi
	or msi_cap, %edi
	mov %ebx, %esi
	or $0x00010000, %esi			/* control bit 0: MSI enable */
	call pci_cfg_write
	call pci_cfg_read
	test $0x00010000, %eax
	CHECK64_NE "msi enabled: address fee00000, data 4070 (vector 70)"

	sti
	movl $1, IRQ_RAISE(%r14)
	mov $msi_count, %edi		/* RAM: an absolute address, not RIP-relative */
	mov $1, %esi
	call wait_count
	mov $2 * MS, %ecx			/* and no second one */
	call pit2_wait
	cmpq $1, msi_count
	je 1f
	PUTS64 "  msi handler runs (hex): "	/* a failed count says what it saw */
	mov msi_count, %rax
	mov $4, %ecx
	call put_hex64
	PUTS64 "\n"
	cmpq $1, msi_count
1:	CHECK64_EQ "msi: raise (write 1 to 0x60) runs the vector 70 handler once"
	mov IRQ_STATUS(%r14), %eax
	cmp $1, %eax
	CHECK64_EQ "msi: interrupt status reads 1"
	movl $1, IRQ_ACK(%r14)
	mov IRQ_STATUS(%r14), %eax
	cmp $0, %eax
	CHECK64_EQ "msi: acknowledged (0x64), interrupt status clears"

	movl $0x80, STATUS(%r14)		/* interrupt when the factorial is done */
	movl $5, FACT(%r14)
	mov $msi_count, %edi		/* RAM: an absolute address, not RIP-relative */
	mov $2, %esi
	call wait_count
	mov $2 * MS, %ecx
	call pit2_wait
	cmpq $2, msi_count
	CHECK64_EQ "msi: factorial with status 0x80 sends one more msi when done"
	mov IRQ_STATUS(%r14), %eax
	cmp $1, %eax
	CHECK64_EQ "msi: the factorial's interrupt status is 1"
	mov FACT(%r14), %eax
	cmp $120, %eax
	CHECK64_EQ "msi: and the factorial is 120"
	movl $1, IRQ_ACK(%r14)
	movl $0, STATUS(%r14)

	/* 5. MSI off: INTA#, through I/O APIC pin 16 */
	mov edu_addr, %edi
	or msi_cap, %edi
	mov %ebx, %esi				/* the control word without the enable bit */
	and $0xfffeffff, %esi
	call pci_cfg_write
	mov $IOAPIC, %r13d
	movl $0x10 + 2 * GSI + 1, (%r13)	/* destination: APIC ID 0 */
	movl $0, 0x10(%r13)
	movl $0x10 + 2 * GSI, (%r13)		/* vector 71, fixed, physical, active high, level */
	movl $0x8000 | VEC_INTX, 0x10(%r13)
	/*
	 * Masked first: the command register's Interrupt Disable (bit 10,
	 * PCI 3.0 6.2.2) keeps INTA# high (deasserted) while the request
	 * stays pending in the function, where status bit 3 still shows it.
	 * Writing the whole dword is safe: the status half's bits are
	 * write-1-to-clear, and these are 0.
	 */
	mov edu_addr, %edi
	or $0x04, %edi
	call pci_cfg_read
	and $0xffff, %eax
	mov %eax, %esi
	or $0x400, %esi
	call pci_cfg_write
	movl $1, IRQ_RAISE(%r14)
	mov $2 * MS, %ecx
	call pit2_wait
	cmpq $0, intx_count
	CHECK64_EQ "intx masked (command bit 10, interrupt disable): a raise sends nothing"
	call pci_cfg_read
	test $0x00080000, %eax
	CHECK64_NE "intx masked: pci status bit 3 still shows the request pending"
	and $0xfbff, %esi			/* unmask: INTA# asserts now */
	call pci_cfg_write
	mov $intx_count, %edi
	mov $1, %esi
	call wait_count
	mov $2 * MS, %ecx
	call pit2_wait
	cmpq $1, intx_count
	CHECK64_EQ "intx: with msi off, a raise arrives once through i/o apic pin 16 (vector 71, level)"
	cmpq $1, intx_status
	CHECK64_EQ "intx: the handler read interrupt status 1 and acknowledged it"
	testq $0x08, intx_pcistat
	CHECK64_NE "intx: pci status bit 3 (interrupt) set while inta# was asserted"
	mov IRQ_STATUS(%r14), %eax
	cmp $0, %eax
	CHECK64_EQ "intx: interrupt status 0 after the acknowledge"
	mov edu_addr, %edi
	or $0x04, %edi
	call pci_cfg_read
	test $0x00080000, %eax
	CHECK64_EQ "intx: the acknowledge lowers inta# (pci status bit 3 clear)"

9:	cli
	jmp finish64

/* vector 70: count, EOI */
h_msi:
	push %rax
	incq msi_count
	mov $LAPIC, %eax
	movl $0, 0xb0(%rax)
	pop %rax
	iretq

/*
 * vector 71, level: read what is pending, acknowledge it at the device
 * (INTA# falls), then EOI, so Remote IRR clears with the line low.  A
 * local APIC that EOIs at delivery (KVM's on a PVM host, tutorial chapter
 * 6, 7.1) lets the I/O APIC send the still-high level again before the
 * acknowledge: a second run, which finds nothing pending.  The checks look
 * at what the first run saw, and the count says whether there was another.
 */
h_intx:
	push %rax
	push %rdi
	incq intx_count
	mov edu_addr, %edi
	or $0x04, %edi
	call pci_cfg_read
	shr $16, %eax				/* status: bits 31:16 of the dword */
	cmpq $1, intx_count			/* what the first run saw: the checks' */
	jne 1f
	mov %rax, intx_pcistat
1:	mov $BAR, %edi
	mov IRQ_STATUS(%rdi), %eax
	cmpq $1, intx_count
	jne 2f
	mov %rax, intx_status
2:	mov %eax, IRQ_ACK(%rdi)
	mov $LAPIC, %eax
	movl $0, 0xb0(%rax)
	pop %rdi
	pop %rax
	iretq
