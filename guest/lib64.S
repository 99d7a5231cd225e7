/*
 * lib64.S - the 64-bit guest library: console output, checks, the end.
 * Same conventions as lib16.S: registers preserved unless returned; the
 * failure count is the shared variable 'failures' (RAM, see rom.ld).
 */
	.code64
	.include "macros64.inc"

	.set COM1, 0x3f8
	.set LSR_THRE, 0x20
	.set EXIT_PORT, 0xf4

	.text
/* putc64: print AL, after waiting for the UART's transmit holding register. */
	.globl putc64
putc64:
	push %rax
	push %rdx
	mov %al, %ah
	mov $COM1 + 5, %dx
1:	in %dx, %al
	test $LSR_THRE, %al
	jz 1b
	mov $COM1, %dx
	mov %ah, %al
	out %al, %dx
	pop %rdx
	pop %rax
	ret

/* puts64: print the NUL-terminated string at RSI ("\n" becomes CR LF). */
	.globl puts64
puts64:
	push %rax
	push %rsi
1:	lodsb
	test %al, %al
	jz 2f
	cmp $'\n', %al
	jne 3f
	mov $'\r', %al
	call putc64
	mov $'\n', %al
3:	call putc64
	jmp 1b
2:	pop %rsi
	pop %rax
	ret

/* put_hex64: print the low ECX nibbles of RAX in hex (ECX = 16 for all 64 bits). */
	.globl put_hex64
put_hex64:
	push %rax
	push %rcx
	push %rdx
	mov %rax, %rdx
	shl $2, %ecx			/* nibbles -> bits */
1:	sub $4, %ecx
	mov %rdx, %rax
	shr %cl, %rax
	and $0xf, %al
	add $'0', %al
	cmp $'9', %al
	jbe 2f
	add $'a' - '9' - 1, %al
2:	call putc64
	test %ecx, %ecx
	jnz 1b
	pop %rdx
	pop %rcx
	pop %rax
	ret

/* put_dec64: print RAX as an unsigned decimal number (chapter 9's measurements). */
	.globl put_dec64
put_dec64:
	push %rax
	push %rbx
	push %rcx
	push %rdx
	mov $10, %ebx
	xor %ecx, %ecx
1:	xor %edx, %edx			/* divide by 10: the digits come out last first... */
	div %rbx
	push %rdx
	inc %ecx
	test %rax, %rax
	jnz 1b
2:	pop %rax			/* ...so the stack turns them round */
	add $'0', %al
	call putc64
	loop 2b
	pop %rdx
	pop %rcx
	pop %rbx
	pop %rax
	ret

/* put_sdec64: print RAX as a signed decimal number ("-" before a negative one). */
	.globl put_sdec64
put_sdec64:
	push %rax
	test %rax, %rax
	jns 1f
	push %rax
	mov $'-', %al
	call putc64
	pop %rax
	neg %rax
1:	call put_dec64
	pop %rax
	ret

/* check64: CF clear = passed; RSI = text.  Prints "ok - TEXT" or "FAIL - TEXT". */
	.globl check64
check64:
	jc 1f
	PUTS64 "ok - "
	jmp 2f
1:	incw failures
	PUTS64 "FAIL - "
2:	call puts64
	PUTS64 "\n"
	ret

/* finish64: print the result line and leave through the exit device, as reset.S does. */
	.globl finish64
finish64:
	movzwl failures, %eax
	test %eax, %eax
	jnz 1f
	PUTS64 "== result: every check passed ==\n"
	mov $0, %al
	jmp 2f
1:	PUTS64 "== result: "
	mov $4, %ecx
	call put_hex64
	PUTS64 " (hex) checks FAILED ==\n"
	mov $1, %al
2:	out %al, $EXIT_PORT
3:	cli
	hlt
	jmp 3b

/*
 * pit2_wait: wait ECX input clocks of the 8254 (1193 per ms, at most 65535)
 * with channel 2 in mode 0 as a stopwatch: OUT2 (port 0x61 bit 5) rises when
 * the count runs out.  The gate (bit 0) is raised once and left high; see
 * ch03.S for why.  Interrupts are taken meanwhile if IF=1.
 *
 * A rate check counts only what happens while the stopwatch runs: with
 * pit2_watch = the address of a 16-bit counter, pit2_seen accumulates how
 * much that counter grew from the start of the count to OUT2's rise.  The
 * instructions between two waits are exits, slow on a loaded or nested host;
 * counting across them measured a window longer than the one claimed.
 */
	.globl pit2_wait
pit2_wait:
	push %rax
	push %rbx
	in $0x61, %al
	test $0x01, %al
	jnz 1f
	and $0xfc, %al
	or $0x01, %al
	out %al, $0x61
1:	mov $0xb0, %al			/* channel 2, lobyte/hibyte, mode 0 */
	out %al, $0x43
	mov %cl, %al
	out %al, $0x42
	mov %ch, %al
	out %al, $0x42			/* counting starts */
	mov pit2_watch, %rbx
	test %rbx, %rbx
	jz 2f
	movzwl (%rbx), %eax
	sub %eax, pit2_seen
2:	in $0x61, %al
	test $0x20, %al
	jz 2b
	test %rbx, %rbx
	jz 3f
	movzwl (%rbx), %eax
	add %eax, pit2_seen
3:	pop %rbx
	pop %rax
	ret


/*
 * PCI configuration mechanism #1 (PCI 3.0, 3.2.2.3.2), chapter 8.
 * pci_cfg_read: EAX = the configuration dword that EDI (a CONFIG_ADDRESS
 * value: bit 31, bus, device, function, register) selects.
 * pci_cfg_write: that dword = ESI.
 */
	.globl pci_cfg_read
pci_cfg_read:
	push %rdx
	mov %edi, %eax
	mov $0xcf8, %dx
	out %eax, %dx
	mov $0xcfc, %dx
	in %dx, %eax
	pop %rdx
	ret

	.globl pci_cfg_write
pci_cfg_write:
	push %rax
	push %rdx
	mov %edi, %eax
	mov $0xcf8, %dx
	out %eax, %dx
	mov $0xcfc, %dx
	mov %esi, %eax
	out %eax, %dx
	pop %rdx
	pop %rax
	ret

	.bss
	.balign 8
	.globl pit2_watch, pit2_seen
pit2_watch:	.quad 0			/* a 16-bit counter to watch during pit2_wait, or 0 */
pit2_seen:	.long 0			/* its growth while the stopwatch ran */
	.text
