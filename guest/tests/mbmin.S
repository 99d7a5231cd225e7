/*
 * mbmin.S - the smallest Multiboot kernel the tests boot: it checks the
 * entry contract and prints what the boot loader gave it, in 32-bit
 * protected mode, without an IDT (ESP is undefined at entry, 3.2: the
 * first thing it does is load its own stack).
 *
 * Built three ways (Makefile.am), so that both of the loader's formats and
 * one refusal are tried on a real boot:
 *   mbmin.elf       an ELF32 file: the loader reads its program headers
 *   mbmin-aout.bin  a flat binary whose header has the "a.out kludge"
 *                   (flags bit 16, Multiboot 0.6.96 section 3.1.3): the
 *                   addresses come from the header, not from an ELF file
 *   mbmin64.elf     the same code in an ELF64 file, which a Multiboot v1
 *                   loader refuses (tests/cli/kernel.test)
 *
 * Output (COM1, polled):
 *   mbmin: eax=2badb002 flags=<info flags in hex>
 *   mbmin: cmdline '<the command line>'
 *   mbmin: module <string> (<size> bytes)    one line per module
 *   mbmin: bss zero                         the loader zeroed the BSS
 *   mbmin: cpuid apic=A x2apic=X            CPUID.1:EDX[9] and ECX[21]
 * and, when the command line contains "relocate" (appendix B, section 5):
 *   mbmin: apic moved to fed00000: version 14   IA32_APIC_BASE moved it
 *   mbmin: apic disabled: its page reads ffffffff  EN cleared (SDM 11.4.3)
 * then it writes 0 to port 0xF4 (1 if EAX was wrong or the BSS was not zero).
 */
	.set MB_MAGIC,     0x1BADB002
	.set MB_PAGE_ALIGN, 1 << 0	/* modules on 4 KiB boundaries */
	.set MB_MEMINFO,   1 << 1	/* mem_lower/mem_upper and the memory map */
	.set MB_AOUT,      1 << 16	/* addresses in the header (3.1.3) */
.ifdef AOUT
	.set MB_FLAGS, MB_PAGE_ALIGN | MB_MEMINFO | MB_AOUT
.else
	.set MB_FLAGS, MB_PAGE_ALIGN | MB_MEMINFO
.endif
	.set BOOT_MAGIC, 0x2BADB002	/* EAX at entry (3.2) */
	.set INFO_CMDLINE, 16		/* multiboot_info offsets (3.3) */
	.set INFO_MODS_COUNT, 20
	.set INFO_MODS_ADDR, 24
	.set MSR_APIC_BASE, 0x1b	/* IA32_APIC_BASE: page | EN (bit 11) | BSP (bit 8) */
	.set APIC_EN, 1 << 11
	.set APIC_BSP, 1 << 8
	.set NEW_APIC_PAGE, 0xfed00000	/* a free page: no HPET on these machines */
	.set APIC_VERSION, 0x30
	.set COM1, 0x3f8
	.set EXIT_PORT, 0xf4

	.code32
	.section .text
	.globl mb_header, mb_entry
	.align 4
mb_header:
	.long MB_MAGIC, MB_FLAGS, -(MB_MAGIC + MB_FLAGS)
.ifdef AOUT
	.long mb_header		/* header_addr: where this header is loaded */
	.long mb_header		/* load_addr: the image starts with the header */
	.long _edata		/* load_end_addr: end of text and data */
	.long _end		/* bss_end_addr: the loader zeroes up to here */
	.long mb_entry		/* entry_addr */
.endif

mb_entry:
	mov $stack_top, %esp
	mov %eax, %ebp			/* the magic, kept for the report */
	mov %ebx, %edi			/* the Multiboot information */
	mov $s_eax, %esi
	call puts
	mov %ebp, %eax
	call puthex
	mov $s_flags, %esi
	call puts
	mov (%edi), %eax
	call puthex
	mov $s_cmdline, %esi
	call puts
	mov INFO_CMDLINE(%edi), %esi
	call puts
	mov $s_quote_nl, %esi
	call puts
	/* modules: {mod_start, mod_end, string, reserved}, 16 bytes each */
	mov INFO_MODS_COUNT(%edi), %ecx
	mov INFO_MODS_ADDR(%edi), %ebx
1:	test %ecx, %ecx
	jz 2f
	push %ecx
	mov $s_module, %esi
	call puts
	mov 8(%ebx), %esi
	call puts
	mov $s_open, %esi
	call puts
	mov 4(%ebx), %eax
	sub (%ebx), %eax
	call putdec
	mov $s_bytes, %esi
	call puts
	add $16, %ebx
	pop %ecx
	dec %ecx
	jmp 1b
2:	cmpl $0, bss_word		/* the loader must have zeroed it (3.1.3, 3.1.4) */
	jne fail
	mov $s_bss, %esi
	call puts
	call cpuid_line
	call maybe_relocate
	cmp $BOOT_MAGIC, %ebp
	jne fail
	xor %eax, %eax
	out %al, $EXIT_PORT
fail:	mov $1, %al
	out %al, $EXIT_PORT
	hlt

/* "mbmin: cpuid apic=A x2apic=X": what CPUID.1 says about the local APIC. */
cpuid_line:
	mov $1, %eax
	cpuid
	push %ecx			/* putdec uses ECX */
	mov $s_cpuid, %esi
	call puts
	mov %edx, %eax
	shr $9, %eax
	and $1, %eax
	call putdec
	mov $s_x2apic, %esi
	call puts
	pop %eax
	shr $21, %eax
	and $1, %eax
	call putdec
	mov $'\n', %al
	call putc
	ret

/*
 * With "relocate" in the command line: move the local APIC's page (SDM
 * 11.4.4), read its version register there, then clear EN and read the
 * page again: a CPU without an APIC decodes nothing there (SDM 11.4.3).
 * Paging is off, so the physical addresses are used as they are.
 */
maybe_relocate:
	mov INFO_CMDLINE(%edi), %esi
1:	cmpb $0, (%esi)
	je 9f
	cmpl $0x6f6c6572, (%esi)	/* "relo" */
	jne 2f
	cmpl $0x65746163, 4(%esi)	/* "cate" */
	je 3f
2:	inc %esi
	jmp 1b
3:	mov $MSR_APIC_BASE, %ecx
	mov $NEW_APIC_PAGE | APIC_EN | APIC_BSP, %eax
	xor %edx, %edx
	wrmsr
	mov $s_moved, %esi
	call puts
	mov NEW_APIC_PAGE + APIC_VERSION, %eax
	and $0xff, %eax
	call puthex2
	mov $s_disabled, %esi
	call puts
	mov $MSR_APIC_BASE, %ecx
	mov $NEW_APIC_PAGE | APIC_BSP, %eax
	xor %edx, %edx
	wrmsr
	mov NEW_APIC_PAGE + APIC_VERSION, %eax
	call puthex
	mov $s_nl, %esi
	call puts
9:	ret

/* puthex2: AL as 2 hex digits. */
puthex2:
	shl $24, %eax
	mov $2, %ecx
	jmp 1f
/* puthex: EAX as 8 hex digits. */
puthex:	mov $8, %ecx
1:	rol $4, %eax
	push %eax
	and $0xf, %al
	add $'0', %al
	cmp $'9', %al
	jbe 2f
	add $'a' - '9' - 1, %al
2:	call putc
	pop %eax
	loop 1b
	ret

/* puts: the NUL-terminated string at ESI. */
puts:	lodsb
	test %al, %al
	jz 1f
	call putc
	jmp puts
1:	ret

/* putc: AL to COM1, once the transmitter is empty (LSR bit 5). */
putc:	push %edx
	push %eax
	mov $COM1 + 5, %dx
1:	in %dx, %al
	test $0x20, %al
	jz 1b
	pop %eax
	mov $COM1, %dx
	out %al, %dx
	pop %edx
	ret

/* putdec: EAX in decimal. */
putdec:	mov $10, %ecx
	xor %edx, %edx
	push $-1			/* end marker */
1:	xor %edx, %edx
	div %ecx
	push %edx
	test %eax, %eax
	jnz 1b
2:	pop %eax
	cmp $-1, %eax
	je 3f
	add $'0', %al
	call putc
	jmp 2b
3:	ret

	.section .data
s_eax:		.asciz "mbmin: eax="
s_flags:	.asciz " flags="
s_cmdline:	.asciz "\nmbmin: cmdline '"
s_quote_nl:	.asciz "'\n"
s_module:	.asciz "mbmin: module "
s_open:		.asciz " ("
s_bytes:	.asciz " bytes)\n"
s_bss:		.asciz "mbmin: bss zero\n"
s_cpuid:	.asciz "mbmin: cpuid apic="
s_x2apic:	.asciz " x2apic="
s_moved:	.asciz "mbmin: apic moved to fed00000: version "
s_disabled:	.asciz "\nmbmin: apic disabled: its page reads "
s_nl:		.asciz "\n"
	.long 0x5a5a5a5a		/* data right before the BSS, so a sloppy loader shows */

	.section .bss
	.align 4
bss_word:	.long 0
	.align 16
		.fill 4096, 1, 0	/* the stack: the BSS is bigger than a page */
stack_top:
