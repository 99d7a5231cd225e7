/*
 * ch01.S - chapter 1: a VM from nothing.
 *
 * The guest proves it is alive and shows what it can see of its own CPU:
 * where it runs (CS:IP), that it is in real mode (CR0.PE = 0), that the
 * reset vector holds the far jump it came through, and that RAM is RAM.
 */
	.code16
	.include "macros16.inc"

	.text
	.globl ch01_main
ch01_main:
	PUTS "== chapter 1: a VM from nothing ==\n"
	PUTS "hello from the guest: the CPU started at the reset vector, 0xfffffff0\n"

	PUTS "running at cs:ip = "
	mov %cs, %ax
	call put_hex16
	PUTS ":"
	call 1f				/* call pushes the address of the next instruction... */
1:	pop %ax				/* ...which we pop: that is our own IP */
	call put_hex16
	PUTS "\n"
	mov %cs, %ax
	cmp $0xf000, %ax
	CHECK_EQ "cs = f000: the far jump at the reset vector loaded the BIOS segment"

	mov %cs:0xfff0, %al		/* the first byte of the reset vector */
	cmp $0xea, %al
	CHECK_EQ "f000:fff0 holds ea, a far jump: the ROM's last 16 bytes are the reset vector"

	smsw %ax			/* low 16 bits of CR0; readable in real mode */
	PUTS "cr0 (low 16 bits) = "
	call put_hex16
	PUTS "\n"
	test $1, %ax
	CHECK_EQ "cr0.pe = 0: real mode, 16-bit code, segment * 16 + offset addressing"

	movw $0x1234, 0x6000		/* RAM at 0x6000, through DS = 0 */
	cmpw $0x1234, 0x6000
	CHECK_EQ "ram at 0x6000 keeps what we write"
	ret
