/*
 * lib16.S - the real-mode guest library: console output, checks, exit.
 *
 * Calling convention (ours): arguments in registers as documented per
 * function; every function preserves all registers except those it returns.
 */
	.code16
	.include "macros16.inc"

	.set COM1, 0x3f8
	.set UART_THR, 0
	.set UART_IER, 1
	.set UART_DLL, 0
	.set UART_DLM, 1
	.set UART_FCR, 2
	.set UART_LCR, 3
	.set UART_MCR, 4
	.set UART_LSR, 5
	.set LSR_THRE, 0x20
	.set EXIT_PORT, 0xf4

	.bss
	.globl failures
failures:	.word 0			/* number of failed checks */

	.text

/* serial_init: 115200 baud 8N1, FIFOs on, as a BIOS would. */
	.globl serial_init
serial_init:
	push %ax
	push %dx
	OUTB COM1+UART_IER, $0x00	/* no interrupts: we poll */
	OUTB COM1+UART_LCR, $0x80	/* DLAB=1: ports 0/1 are the divisor */
	OUTB COM1+UART_DLL, $0x01	/* divisor 1: 115200 baud */
	OUTB COM1+UART_DLM, $0x00
	OUTB COM1+UART_LCR, $0x03	/* DLAB=0, 8 data bits, no parity, 1 stop bit */
	OUTB COM1+UART_FCR, $0x07	/* enable and clear the FIFOs */
	OUTB COM1+UART_MCR, $0x03	/* DTR and RTS */
	pop %dx
	pop %ax
	ret

/* putc: print AL; wait until the transmit holding register is empty first. */
	.globl putc
putc:
	push %ax
	push %dx
	mov %al, %ah
	mov $COM1+UART_LSR, %dx
1:	in %dx, %al
	test $LSR_THRE, %al
	jz 1b
	mov $COM1+UART_THR, %dx
	mov %ah, %al
	out %al, %dx
	pop %dx
	pop %ax
	ret

/* puts: print the NUL-terminated string at CS:SI ("\n" becomes CR LF). */
	.globl puts
puts:
	push %ax
	push %si
1:	lodsb %cs:(%si), %al
	test %al, %al
	jz 2f
	cmp $'\n', %al
	jne 3f
	mov $'\r', %al
	call putc
	mov $'\n', %al
3:	call putc
	jmp 1b
2:	pop %si
	pop %ax
	ret

/* put_hex4: print the low nibble of AL as a hex digit. */
put_hex4:
	push %ax
	and $0x0f, %al
	add $'0', %al
	cmp $'9', %al
	jbe 1f
	add $'a'-'9'-1, %al
1:	call putc
	pop %ax
	ret

/* put_hex8: print AL as two hex digits. */
	.globl put_hex8
put_hex8:
	push %ax
	push %ax
	shr $4, %al
	call put_hex4
	pop %ax
	call put_hex4
	pop %ax
	ret

/* put_hex16: print AX as four hex digits. */
	.globl put_hex16
put_hex16:
	xchg %al, %ah
	call put_hex8
	xchg %al, %ah
	call put_hex8
	ret

/*
 * check: report one check.  In: CF clear = passed, CF set = failed;
 * CS:SI = what was checked.  Prints "ok - TEXT" or "FAIL - TEXT".
 */
	.globl check
check:
	push %si
	jc 1f
	PUTS "ok - "
	jmp 2f
1:	incw failures
	PUTS "FAIL - "
2:	pop %si
	call puts
	PUTS "\n"
	ret

/* exit: end the VM with status AL through the exit device.  Does not return. */
	.globl exit
exit:
	out %al, $EXIT_PORT
	/* An exit device that is missing would let us run on: stop here. */
1:	cli
	hlt
	jmp 1b
