/*
 * ch02.S - chapter 2: exits and devices.
 *
 * Each check makes the CPU leave the guest (an "exit") or stay inside it,
 * and shows what came back: a device model answering a port, an empty port,
 * a string instruction, an MMIO access nobody owns, a write to the ROM,
 * a software interrupt and a CPU exception through the real-mode IVT.
 */
	.code16
	.include "macros16.inc"

	.set UART_SCR, 0x3ff		/* 16550 scratch register: a byte of storage, no effect */
	.set COM2_LSR, 0x2fd		/* COM2's line status; this PC has no COM2 */
	.set IVT_DE, 0 * 4		/* IVT entry of vector 0, divide error */
	.set IVT_0x60, 0x60 * 4		/* IVT entry of vector 0x60, our software interrupt */

	.bss
de_count:	.word 0

	.text
	.globl ch02_main
ch02_main:
	PUTS "== chapter 2: exits and devices ==\n"

	/* 1. a port that a device model owns */
	mov $UART_SCR, %dx
	mov $0xa5, %al
	out %al, %dx			/* exit: KVM_EXIT_IO, out, port 0x3ff */
	xor %al, %al
	in %dx, %al			/* exit: KVM_EXIT_IO, in; tinyvmm fills in the byte */
	cmp $0xa5, %al
	CHECK_EQ "port 3ff (uart scratch register) returns the a5 we wrote: a device model answered"

	/* 2. a port nobody owns */
	mov $COM2_LSR, %dx
	in %dx, %al
	cmp $0xff, %al
	CHECK_EQ "port 2fd (no device) reads ff, like an ISA bus nobody drives"

	/* 3. a string instruction: many bytes, one instruction */
	PUTS "one rep outsb instruction sends the rest of this line: "
	mov $rep_msg, %si
	mov $rep_msg_end - rep_msg, %cx
	mov $0x3f8, %dx
	rep outsb %cs:(%si), (%dx)
	cmp $0, %cx
	CHECK_EQ "rep outsb sent every byte (cx = 0)"

	/* 4. an address with no memory behind it */
	mov $0xd000, %ax
	mov %ax, %es
	movb $0x5a, %es:0		/* physical 0xd0000: no slot there, so KVM_EXIT_MMIO */
	movb %es:0, %al
	xor %bx, %bx
	mov %bx, %es
	cmp $0x5a, %al
	CHECK_NE "a write to 0xd0000 (no memory there) does not stick: it went out as MMIO"

	/* 5. the ROM is read-only */
	mov $0xf000, %ax
	mov %ax, %es
	movb %es:rom_byte, %bl
	notb %es:rom_byte		/* try to change the ROM */
	movb %es:rom_byte, %al
	xor %cx, %cx
	mov %cx, %es
	cmp %bl, %al
	CHECK_EQ "a write to the rom at f000:xxxx is ignored: the rom is read-only"

	/* 6. a software interrupt through the IVT */
	/*
	 * Vector 0x60: the PC BIOS leaves 0x60-0x67 to user programs.  (Not 0x80:
	 * on KVM's PVM backend a real-mode INT with a vector of 0x80 or more never
	 * completes; see tutorial chapter 2.)
	 */
	movw $int60_handler, IVT_0x60		/* IVT entry = offset, then segment */
	movw %cs, IVT_0x60 + 2
	mov $21, %ax
	int $0x60
	cmp $42, %ax
	CHECK_EQ "int 0x60 ran our handler from the IVT, which doubled ax (21 -> 42)"

	/* 7. a CPU exception: divide by zero is vector 0, #DE */
	movw $de_handler, IVT_DE
	movw %cs, IVT_DE + 2
	movw $0, de_count
	mov $1, %ax
	xor %bl, %bl
	div %bl				/* ax / 0: #DE, a fault: the saved IP points here */
	cmpw $1, de_count
	CHECK_EQ "div by zero raised #de (vector 0); the handler skipped the div and returned"
	ret

/* int 0x60: double AX.  INT pushed FLAGS, CS, IP and cleared IF; IRET undoes it. */
int60_handler:
	add %ax, %ax
	iret

/*
 * #DE is a fault: the IP on the stack is that of the faulting div, so a plain
 * iret would run it again, forever.  Skip it: "div %bl" is 2 bytes (f6 f3).
 */
de_handler:
	incw %ss:de_count
	push %bp
	mov %sp, %bp
	addw $2, 2(%bp)			/* saved IP, above the saved BP */
	pop %bp
	iret

	.section .rodata
rep_msg:	.ascii "hello, port 3f8\r\n"
rep_msg_end:
rom_byte:	.byte 0x3c
