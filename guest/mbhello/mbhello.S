/*
 * mbhello.S - a small Multiboot kernel: what a loader hands a kernel, and the
 * machine it runs on, seen from the kernel's side (tutorial chapter B).
 *
 * The same file boots under `qemu-system-x86_64 -kernel` (QEMU's Multiboot
 * loader) and under `tinyvmm --kernel`, and prints the same transcript under
 * both for the same command line, modules and number of CPUs.
 *
 * The entry contract (Multiboot 0.6.96, 3.2 "Machine state"): the loader
 * jumps to the ELF entry point with
 *   EAX = 0x2BADB002 (the kernel was loaded by a Multiboot loader),
 *   EBX = the physical address of the multiboot_info structure (3.3),
 *   CS  = a 32-bit read/execute code segment, base 0, limit 4 GiB,
 *   DS, ES, FS, GS, SS = 32-bit read/write data segments, base 0, limit 4 GiB,
 *   A20 enabled, CR0.PG = 0, CR0.PE = 1, EFLAGS.VM = 0, EFLAGS.IF = 0;
 * and leaves undefined ESP (no stack), GDTR (the segment registers are
 * right, but they must not be reloaded before the kernel has a GDT of its
 * own) and IDTR.  Everything else (the 8259As, the APICs, the other CPUs,
 * the UART) is in whatever state the firmware and loader left it.
 *
 * What mbhello does and checks:
 *   1. in 32-bit protected mode: records EAX, EBX, CR0 and EFLAGS as it
 *      found them, takes a stack and a GDT of its own, builds PAE page
 *      tables identity-mapping the first 4 GiB with 2 MiB pages (the APIC
 *      and test-device pages uncacheable) and climbs to 64-bit long mode as
 *      longmode.S does (Intel SDM vol. 3A, 10.8.5);
 *   2. in 64-bit mode: checks the entry state above, then prints what the
 *      multiboot_info says: the command line and each module (its string,
 *      size and first line; never an address: loaders differ there), and
 *      checks that mem_lower, mem_upper and the memory map agree (their
 *      figures go on a "#" line, which the tests do not compare: they are
 *      the firmware's, see check_memory);
 *   3. the machine: fw_cfg's signature and CPU count, pc-testdev's scratch
 *      register (ports e0-e3) and its 64 KiB memory at ff000000;
 *   4. interrupts in 64-bit mode: both 8259As moved to 20/28 and masked,
 *      the local APIC on, 5 ticks of its timer (periodic, 1 ms), then the
 *      I/O APIC: an edge on pin 10 and a level on pin 11 raised through the
 *      test device, each delivered exactly once;
 *   5. SMP: every AP started with INIT and a single SIPI into a real-mode
 *      trampoline that counts itself in with `lock inc` and halts;
 *   6. exit: writes 0 (every check passed) or 1 to the exit port f4.
 *
 * The file is an ELF32 file holding 64-bit code: QEMU's Multiboot loader
 * refuses ELF64 ("Cannot load x86-64 image, give a 32bit one"), and the
 * Multiboot entry is 32-bit anyway.  It is linked as ELF64 with the
 * project's 64-bit guest library (lib64.S, idt64.S) and converted; see
 * Makefile.am.
 *
 * Only the BSP prints, so the transcript does not depend on the order the
 * CPUs run in; it depends on the CPU count alone (two lines say it), hence
 * one expected transcript per count (tests/guest/expected/mbhello-N.out).
 * The local APIC (0xFEE00000) and I/O APIC (0xFEC00000) are above 2 GiB and
 * reached through registers, R15 and R14, as in ch05.S.
 */
	.include "macros64.inc"

/*
 * CHECK_N_EQ "before", "after": pass if the last compare found equality
 * (ZF set), and print the count in RAX between the two texts (check_n).
 */
	.macro CHECK_N_EQ before, after
	.pushsection .rodata
9880:	.asciz "\before"
9881:	.asciz "\after"
	.popsection
	clc
	jz 9882f
	stc
9882:	push %rsi
	push %rdi
	lea 9880b(%rip), %rsi
	lea 9881b(%rip), %rdi
	call check_n
	pop %rdi
	pop %rsi
	.endm

	/* Multiboot (0.6.96, 3.1) */
	.set MB_MAGIC, 0x1badb002	/* in the header */
	.set MB_FLAGS, 0x3		/* bit 0: modules page-aligned; bit 1: memory information */
	.set MB_BOOTED, 0x2badb002	/* in EAX at entry */
	.set MBI_FLAGS, 0		/* multiboot_info (3.3) */
	.set MBI_MEM_LOWER, 4
	.set MBI_MEM_UPPER, 8
	.set MBI_CMDLINE, 16
	.set MBI_MODS_COUNT, 20
	.set MBI_MODS_ADDR, 24
	.set MBI_MMAP_LENGTH, 44
	.set MBI_MMAP_ADDR, 48
	.set MBI_F_MEM, 1 << 0		/* flag bits: mem_lower/mem_upper valid */
	.set MBI_F_CMDLINE, 1 << 2
	.set MBI_F_MODS, 1 << 3
	.set MBI_F_MMAP, 1 << 6
	.set MOD_START, 0		/* a module entry: 16 bytes */
	.set MOD_END, 4
	.set MOD_STRING, 8
	.set MOD_SIZE, 16
	.set FIRST_LINE_MAX, 60		/* what we print of a module's first line */

	/* the climb to long mode, as in longmode.S */
	.set CODE32, 0x08		/* the GDT: as longmode.S's (idt64.S uses 0x18) */
	.set DATA, 0x10
	.set CODE64, 0x18
	.set CR0_PE, 1 << 0
	.set CR0_PG, 1 << 31
	.set CR4_PAE, 1 << 5
	.set EFLAGS_IF, 1 << 9
	.set EFLAGS_VM, 1 << 17
	.set MSR_EFER, 0xc0000080
	.set EFER_LME, 1 << 8
	.set EFER_LMA, 1 << 10
	.set PT_PRESENT_RW, 0x003
	.set PD_LARGE, 0x083		/* present, writable, PS: a 2 MiB page */
	.set PD_UC, 0x018		/* PCD | PWT: uncacheable under the power-on PAT */
	.set UC_FIRST, 0xfec00000 >> 21	/* PD entries 2038-2040: I/O APIC, local APIC, */
	.set UC_LAST, 0xff000000 >> 21	/* pc-testdev's memory; see build_page_tables */

	/* the machine */
	.set LAPIC, 0xfee00000
	.set IOAPIC, 0xfec00000
	.set L_ID, 0x20
	.set L_VER, 0x30
	.set L_EOI, 0xb0
	.set L_SVR, 0xf0
	.set L_ICR_LO, 0x300
	.set L_ICR_HI, 0x310
	.set L_LVT_TIMER, 0x320
	.set L_TIMER_ICR, 0x380
	.set L_TIMER_CCR, 0x390
	.set L_TIMER_DCR, 0x3e0
	.set LVT_MASKED, 1 << 16
	.set LVT_PERIODIC, 1 << 17
	.set DCR_DIV16, 0x3
	.set TIMER_1MS, 1000000 / 16	/* the APIC timer's clock: 1 GHz (QEMU, KVM, tinyvmm), / 16 */
	.set TICKS, 5
	.set ICR_INIT, 5 << 8
	.set ICR_STARTUP, 6 << 8
	.set ICR_ASSERT, 1 << 14
	.set ICR_BUSY, 1 << 12
	.set MSR_APIC_BASE, 0x1b
	.set APIC_BASE_EN, 1 << 11
	.set IOREGSEL, 0x00
	.set IOWIN, 0x10
	.set RTE_LEVEL, 1 << 15
	.set RTE_MASKED, 1 << 16
	.set RTE_REMOTE_IRR, 1 << 14
	.set FW_CFG_SEL, 0x510
	.set FW_CFG_DATA, 0x511
	.set FW_CFG_SIGNATURE, 0x0000
	.set FW_CFG_NB_CPUS, 0x0005
	.set SIG_QEMU, 0x554d4551	/* "QEMU" read as a little-endian dword */
	.set TESTDEV_SCRATCH, 0xe0	/* pc-testdev: a 32-bit register, byte lanes e0-e3 */
	.set TESTDEV_IRQ, 0x2000	/* outb(level) to 0x2000 + n drives GSI n */
	.set TESTDEV_MEM, 0xff000000	/* 64 KiB of memory behind MMIO */
	.set TESTDEV_MEM_SIZE, 0x10000
	.set MS, 1193			/* PIT input clocks per millisecond (pit2_wait) */

	/* vectors */
	.set VEC_TIMER, 0x40
	.set VEC_EDGE, 0x5a		/* I/O APIC pin 10, as in ch05.S */
	.set VEC_LEVEL, 0x5b		/* I/O APIC pin 11 */
	.set VEC_SPURIOUS, 0xff
	.set PIN_EDGE, 10
	.set PIN_LEVEL, 11
	.set RTE_EDGE_LO, 0x10 + 2 * PIN_EDGE	/* I/O APIC registers of their entries */
	.set RTE_EDGE_HI, RTE_EDGE_LO + 1
	.set RTE_LEVEL_LO, 0x10 + 2 * PIN_LEVEL
	.set RTE_LEVEL_HI, RTE_LEVEL_LO + 1

	/* SMP: the trampoline below 1 MiB, where a SIPI can start a CPU */
	.set TRAMP, 0x8000		/* SIPI vector 08: CS 0800, IP 0 */
	.set SIPI_VECTOR, TRAMP >> 12
	.set MAX_CPUS, 255		/* xAPIC IDs 0-254 */

/* ---- the Multiboot header (3.1.1): magic, flags, checksum ---- */
	.section .multiboot, "a"
	.balign 4
	.long MB_MAGIC
	.long MB_FLAGS
	.long -(MB_MAGIC + MB_FLAGS)	/* the three add up to 0 */

	.bss
	.balign 4096
pml4:		.fill 512, 8, 0		/* page tables: PML4, one PDPT, four PDs */
pdpt:		.fill 512, 8, 0
pd:		.fill 4 * 512, 8, 0
	.balign 16
stack:		.fill 16384, 1, 0
stack_top:
	.globl failures
failures:	.word 0			/* failed checks: lib64.S's check64 and finish64 */
	.balign 8
entry_eax:	.long 0			/* the machine state as the loader left it */
entry_ebx:	.long 0
entry_cr0:	.long 0
entry_eflags:	.long 0
ncpus:		.quad 0
fw_sig:		.quad 0			/* key 0, as a string */
ticks:		.quad 0			/* per vector: what the handlers counted */
edge_count:	.quad 0
level_count:	.quad 0
stray_count:	.quad 0			/* interrupts nobody asked for */

/* ---- 1. 32-bit protected mode ---- */
	.text
	.code32
	.globl mb_entry
mb_entry:
	/* ESP is undefined: a stack first (the flat DS and SS the loader set are right) */
	mov $stack_top, %esp
	mov %eax, %esi			/* keep what the loader hands over... */
	mov %ebx, %ebp
	pushfl
	pop %ebx
	mov %cr0, %edx
	cld
	/* ...while zeroing the bss: the loader should have, but it costs little to be sure */
	mov $__bss_start, %edi
	mov $__bss_end, %ecx
	sub %edi, %ecx
	shr $2, %ecx
	xor %eax, %eax
	rep stosl
	mov %esi, entry_eax
	mov %ebp, entry_ebx
	mov %ebx, entry_eflags
	mov %edx, entry_cr0

	/*
	 * Our own GDT before any segment register is loaded: the loader's
	 * GDTR may point anywhere (3.2).  A20 needs no check: we run from
	 * 1 MiB, and with A20 masked these instructions would be fetched
	 * from 0, not from here.
	 */
	lgdt gdt_desc
	ljmp $CODE32, $1f
1:	mov $DATA, %ax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %fs
	mov %ax, %gs
	mov %ax, %ss

	call build_page_tables
	mov $pml4, %eax
	mov %eax, %cr3
	mov %cr4, %eax
	or $CR4_PAE, %eax		/* long mode uses the PAE page-table format */
	mov %eax, %cr4
	mov $MSR_EFER, %ecx
	rdmsr
	or $EFER_LME, %eax		/* long mode enable: active once paging is on */
	wrmsr
	mov %cr0, %eax
	or $CR0_PG, %eax		/* paging on: EFER.LMA = 1, compatibility mode */
	mov %eax, %cr0
	ljmp $CODE64, $long_entry	/* a 64-bit code segment: 64-bit mode */

/*
 * build_page_tables: identity-map 0-4 GiB with 2 MiB pages, as longmode.S
 * does, in the kernel's own bss (the loader keeps the kernel image free;
 * low memory may still hold the multiboot_info).  The 2 MiB pages holding
 * the I/O APIC, the local APIC and pc-testdev's memory get PCD | PWT: device
 * registers must not be cached, and with these bits the page says so
 * itself, whatever the MTRRs the firmware left (SDM vol. 3A, 12.12.3).
 */
build_page_tables:
	movl $pdpt + PT_PRESENT_RW, pml4	/* PML4[0] -> PDPT: 0-512 GiB */
	mov $pdpt, %edi
	mov $pd + PT_PRESENT_RW, %eax
	mov $4, %ecx
1:	mov %eax, (%edi)			/* PDPT[0..3] -> the four PDs: 0-4 GiB */
	add $0x1000, %eax
	add $8, %edi
	loop 1b
	mov $pd, %edi
	mov $PD_LARGE, %eax
	xor %ecx, %ecx
2:	mov %eax, %edx
	cmp $UC_FIRST, %ecx
	jb 3f
	cmp $UC_LAST, %ecx
	ja 3f
	or $PD_UC, %edx
3:	mov %edx, (%edi,%ecx,8)			/* PD entry i maps 2 MiB at i * 2 MiB */
	add $0x200000, %eax
	inc %ecx
	cmp $4 * 512, %ecx
	jb 2b
	ret

/* ---- 2. 64-bit mode: the multiboot_info ---- */
	.code64
long_entry:
	xor %eax, %eax			/* data segments mean nothing in 64-bit mode but SS */
	mov %eax, %ds
	mov %eax, %es
	mov %eax, %fs
	mov %eax, %gs
	mov $DATA, %eax
	mov %eax, %ss
	mov $stack_top, %esp
	call serial_init
	mov $LAPIC, %r15d
	mov $IOAPIC, %r14d

	PUTS64 "mbhello: entered in 32-bit protected mode, eax = "
	mov entry_eax, %eax
	mov $8, %ecx
	call put_hex64
	PUTS64 "\n"
	cmpl $MB_BOOTED, entry_eax
	CHECK64_EQ "eax = 2badb002: a multiboot loader started us, ebx has the multiboot_info"
	mov entry_cr0, %eax
	and $CR0_PE | CR0_PG, %eax
	cmp $CR0_PE, %eax
	jne 1f
	testl $EFLAGS_IF | EFLAGS_VM, entry_eflags
1:	CHECK64_EQ "machine state at entry (multiboot 3.2): cr0.pe set, cr0.pg clear, eflags.if and eflags.vm clear"
	mov $MSR_EFER, %ecx
	rdmsr
	test $EFER_LMA, %eax
	CHECK64_NE "long mode: efer.lma set, 64-bit code running from an elf32 file"

	cmpl $MB_BOOTED, entry_eax
	jne 1f				/* no loader we know: EBX means nothing */
	call show_mbi
1:
	/*
	 * The IDT (idt64.S) lives at 0x20000: free memory now that the
	 * multiboot_info and what it points to have been read.  From here on
	 * an exception ends the run (exc_fatal) instead of a triple fault.
	 */
	lea exc_fatal(%rip), %rax
	mov %rax, resume_rip
	call idt64_setup
	mov $0x20, %edi			/* every vector a device could send: a stray */
	lea h_stray(%rip), %rax
1:	call idt64_set
	inc %edi
	cmp $0x100, %edi
	jb 1b
	VECTOR VEC_TIMER, h_timer
	VECTOR VEC_EDGE, h_edge
	VECTOR VEC_LEVEL, h_level
	VECTOR VEC_SPURIOUS, h_spurious

	call machine
	call interrupts
	call smp
	cmpq $0, stray_count
	CHECK64_EQ "no interrupt on any other vector"
	jmp finish64

/*
 * serial_init: COM1 as lib16.S's serial_init leaves it for the ROM guests
 * (115200 8N1, FIFOs on, no interrupts: putc64 polls), whatever state the
 * firmware and loader left it in.  (Here, not in lib64.S: code added there
 * would move every ROM guest's addresses, which the tutorial quotes.)
 */
	.macro UART reg, val
	mov $0x3f8 + \reg, %dx
	mov $\val, %al
	out %al, %dx
	.endm
serial_init:
	UART 1, 0x00			/* IER: no interrupts */
	UART 3, 0x80			/* LCR: DLAB = 1, registers 0 and 1 are the divisor */
	UART 0, 0x01			/* divisor 1: 115200 baud */
	UART 1, 0x00
	UART 3, 0x03			/* LCR: DLAB = 0, 8N1 */
	UART 2, 0x07			/* FCR: FIFOs on and cleared */
	UART 4, 0x03			/* MCR: DTR, RTS */
	ret

/*
 * show_mbi: the multiboot_info at entry_ebx (3.3).  The strings and modules
 * are printed verbatim; addresses are not (they are the loader's choice).
 */
show_mbi:
	mov entry_ebx, %ebx
	PUTS64 "cmdline: "
	testl $MBI_F_CMDLINE, MBI_FLAGS(%rbx)
	jz 1f
	mov MBI_CMDLINE(%rbx), %esi
	call puts64
1:	PUTS64 "\nmodules: "
	xor %eax, %eax
	testl $MBI_F_MODS, MBI_FLAGS(%rbx)
	jz 1f
	mov MBI_MODS_COUNT(%rbx), %eax
1:	call put_dec64
	PUTS64 "\n"
	mov %eax, %r12d			/* modules left */
	xor %r13d, %r13d		/* module number */
	mov MBI_MODS_ADDR(%rbx), %ebp	/* its entry */
	xor %r8d, %r8d			/* bad placements seen */
2:	test %r12d, %r12d
	jz 3f
	call show_module
	add $MOD_SIZE, %ebp
	inc %r13d
	dec %r12d
	jmp 2b
3:	test %r8d, %r8d
	CHECK64_EQ "modules: each starts on a page boundary (header flag 0) above the kernel image"
	jmp check_memory

/*
 * show_module: "module I: STRING (SIZE bytes) first line: TEXT" for the
 * entry at EBP, number R13D; R8D counts a module that is not page-aligned
 * or overlaps the kernel image (__image_end).
 */
show_module:
	PUTS64 "module "
	mov %r13d, %eax
	call put_dec64
	PUTS64 ": "
	mov MOD_STRING(%rbp), %esi
	test %esi, %esi
	jz 1f
	call puts64
1:	PUTS64 " ("
	mov MOD_START(%rbp), %esi
	mov MOD_END(%rbp), %ecx
	sub %esi, %ecx			/* mod_end is the first byte after it */
	mov %ecx, %eax
	call put_dec64
	PUTS64 " bytes) first line: "
	cmp $FIRST_LINE_MAX, %ecx
	jbe 2f
	mov $FIRST_LINE_MAX, %ecx
2:	jecxz 4f
3:	lodsb
	cmp $'\n', %al
	je 4f
	cmp $'\r', %al
	je 4f
	call putc64
	loop 3b
4:	PUTS64 "\n"
	testl $0xfff, MOD_START(%rbp)
	jnz 5f
	cmpl $__image_end, MOD_START(%rbp)
	jae 6f
5:	inc %r8d
6:	ret

/*
 * check_memory: print the loader's memory figures on a comment line, then
 * check that they hang together: mem_lower (KiB from 0) and mem_upper (KiB
 * from 1 MiB to the first hole) are no more than the available (type 1)
 * map entries at 0 and at 1 MiB hold, as the spec allows ("maximally",
 * 3.3), and no available entry reaches into 640 KiB-1 MiB (VGA, ROMs).
 *
 * The numbers themselves are not part of the transcript: they are the
 * firmware's.  QEMU's loader (its Multiboot option ROM, under SeaBIOS)
 * takes them from SeaBIOS's e820 table, which keeps the top KiB below
 * 640 KiB (the EBDA) and the top 128 KiB of RAM (its tables): with -m 128,
 * mem_lower 639 and mem_upper 129920, the map's entries exactly.  A loader
 * with no BIOS below it can give 130048 and be just as right.
 */
check_memory:
	mov entry_ebx, %ebx
	xor %r8d, %r8d			/* the available entry at 0: its length */
	xor %r9d, %r9d			/* ... at 1 MiB */
	xor %r10d, %r10d		/* available bytes from 1 MiB on */
	xor %r11d, %r11d		/* available entries in 640 KiB-1 MiB */
	mov MBI_FLAGS(%rbx), %eax
	and $MBI_F_MEM | MBI_F_MMAP, %eax
	cmp $MBI_F_MEM | MBI_F_MMAP, %eax
	je 0f
	PUTS64 "# no mem_lower, mem_upper and memory map (flags 0 and 6)\n"
	inc %r11d			/* the checks below fail */
	jmp 6f
0:	mov MBI_MMAP_ADDR(%rbx), %esi	/* the first entry's size field */
	mov MBI_MMAP_LENGTH(%rbx), %edi
	add %esi, %edi			/* the end of the map */
1:	cmp %edi, %esi
	jae 5f
	cmpl $1, 20(%rsi)		/* type (after size, base and length) */
	jne 4f
	mov 4(%rsi), %rax		/* base */
	mov 12(%rsi), %rcx		/* length */
	test %rax, %rax
	jnz 2f
	mov %rcx, %r8
2:	cmp $0x100000, %rax
	jb 3f
	add %rcx, %r10
	cmp $0x100000, %rax
	jne 3f
	mov %rcx, %r9
3:	add %rax, %rcx			/* the end: does [base, end) meet [640 KiB, 1 MiB)? */
	cmp $0xa0000, %rcx
	jbe 4f
	cmp $0x100000, %rax
	jae 4f
	inc %r11d
4:	mov (%rsi), %eax		/* size: of the entry, not counting itself */
	lea 4(%rsi,%rax), %esi
	jmp 1b
5:	PUTS64 "# mem_lower: "
	mov MBI_MEM_LOWER(%rbx), %eax
	call put_dec64
	PUTS64 " KiB, mem_upper: "
	mov MBI_MEM_UPPER(%rbx), %eax
	call put_dec64
	PUTS64 " KiB, available at 0: "
	mov %r8, %rax
	shr $10, %rax
	call put_dec64
	PUTS64 " KiB, from 1 MiB on: "
	mov %r10, %rax
	shr $10, %rax
	call put_dec64
	PUTS64 " KiB (the firmware's figures: not compared)\n"
	mov MBI_MEM_LOWER(%rbx), %eax
	shl $10, %rax
	cmp %rax, %r8
	jb 6f
	test %r8, %r8
	jnz 7f
6:	stc
7:	CHECK64 "mem_lower (flag 0) fits the memory map's (flag 6) available entry at 0"
	mov MBI_MEM_UPPER(%rbx), %eax
	shl $10, %rax
	cmp %rax, %r9
	jb 8f
	test %r9, %r9
	jnz 9f
8:	stc
9:	CHECK64 "mem_upper fits the memory map's available entry at 1 mib"
	test %r11d, %r11d
	CHECK64_EQ "memory map: nothing available at 640 kib-1 mib (vga, roms)"
	ret

/* ---- 3. the machine: fw_cfg, pc-testdev ---- */

/*
 * machine: fw_cfg (QEMU docs/specs/fw_cfg.rst, the I/O interface: a 16-bit
 * write of the key to the selector port, then the item byte by byte from
 * the data port) and pc-testdev's scratch register and memory.
 */
machine:
	mov $FW_CFG_SIGNATURE, %ax
	mov $4, %ecx
	call fw_cfg_read
	mov %eax, fw_sig
	mov $FW_CFG_NB_CPUS, %ax
	mov $2, %ecx
	call fw_cfg_read
	mov %rax, ncpus
	PUTS64 "fw_cfg: "
	lea fw_sig, %rsi		/* 4 characters, then zeros */
	call puts64
	PUTS64 ", "
	mov ncpus, %rax
	call put_dec64
	PUTS64 " cpus\n"
	cmpl $SIG_QEMU, fw_sig
	jne 1f
	mov ncpus, %rax
	test %rax, %rax
	jz 1f
	cmp $MAX_CPUS, %rax
	ja 1f
	clc
	jmp 2f
1:	movq $1, ncpus			/* no usable count: this CPU alone */
	stc
2:	CHECK64 "fw_cfg (selector 510, data 511): signature QEMU (key 0), a cpu count of 1-255 (key 5)"

	/* the scratch register: a dword, then each byte lane on its own */
	mov $TESTDEV_SCRATCH, %dx
	mov $0x12345678, %eax
	out %eax, %dx
	in %dx, %eax
	mov %eax, %ebx
	inc %dx				/* e1, e2, e3: bytes 1-3 */
	mov $0xab, %al
	out %al, %dx
	inc %dx
	mov $0xcd, %al
	out %al, %dx
	inc %dx
	mov $0xef, %al
	out %al, %dx
	mov $TESTDEV_SCRATCH, %dx
	in %dx, %eax
	mov %eax, %ecx
	mov $TESTDEV_SCRATCH + 3, %dx
	in %dx, %al
	cmp $0x12345678, %ebx
	jne 3f
	cmp $0xefcdab78, %ecx
	jne 3f
	cmp $0xef, %al
3:	CHECK64_EQ "pc-testdev scratch register (port e0): a dword reads back; bytes written to e1-e3 land in bits 8-31, e3 reads back alone"

	/* pc-testdev's memory: dwords at its start, in the middle and at its end */
	mov $TESTDEV_MEM, %edi
	movl $0xdeadbeef, (%rdi)
	movl $0x01234567, TESTDEV_MEM_SIZE / 2(%rdi)
	movl $0x89abcdef, TESTDEV_MEM_SIZE - 4(%rdi)
	cmpl $0xdeadbeef, (%rdi)
	jne 4f
	cmpl $0x01234567, TESTDEV_MEM_SIZE / 2(%rdi)
	jne 4f
	cmpl $0x89abcdef, TESTDEV_MEM_SIZE - 4(%rdi)
4:	CHECK64_EQ "pc-testdev memory at ff000000 (uncacheable page): dwords at 0, 8000 and fffc read back"
	ret

/* fw_cfg_read: RAX = the first ECX (1-8) bytes of item AX, little-endian */
fw_cfg_read:
	push %rdx
	push %rbx
	mov $FW_CFG_SEL, %dx
	out %ax, %dx
	mov $FW_CFG_DATA, %dx
	xor %ebx, %ebx
	shl $3, %ecx			/* bytes -> bits: where the last one goes */
	push %rcx
	xor %ecx, %ecx
1:	in %dx, %al
	movzbq %al, %rax
	shl %cl, %rax
	or %rax, %rbx
	add $8, %ecx
	cmp (%rsp), %ecx
	jb 1b
	pop %rcx
	mov %rbx, %rax
	pop %rbx
	pop %rdx
	ret

/* ---- 4. interrupts ---- */
interrupts:
	/*
	 * The 8259As: whatever the firmware programmed, move them off the
	 * exception vectors (ICW1-ICW4: 20-27 and 28-2f, cascade on IRQ 2),
	 * then mask every input: the APICs deliver from here on.
	 */
	mov $0x11, %al			/* ICW1: edge, cascade, ICW4 follows */
	out %al, $0x20
	out %al, $0xa0
	mov $0x20, %al			/* ICW2: vector base */
	out %al, $0x21
	mov $0x28, %al
	out %al, $0xa1
	mov $0x04, %al			/* ICW3: the slave on IRQ 2 / its cascade identity */
	out %al, $0x21
	mov $0x02, %al
	out %al, $0xa1
	mov $0x01, %al			/* ICW4: 8086 mode, normal EOI */
	out %al, $0x21
	out %al, $0xa1
	mov $0xff, %al			/* OCW1: mask all */
	out %al, $0x21
	out %al, $0xa1
	in $0x21, %al
	mov %al, %ah
	in $0xa1, %al
	cmp $0xffff, %ax
	CHECK64_EQ "8259as moved to vectors 20/28 and masked (imr ff/ff)"

	/* the local APIC: globally enabled (IA32_APIC_BASE), then by the SVR */
	mov $MSR_APIC_BASE, %ecx
	rdmsr
	or $APIC_BASE_EN, %eax
	wrmsr
	movl $0x100 | VEC_SPURIOUS, L_SVR(%r15)
	mov L_SVR(%r15), %eax
	and $0x1ff, %eax
	cmp $0x1ff, %eax
	CHECK64_EQ "local apic enabled through the svr (bit 8), spurious vector ff"

	/*
	 * The timer, periodic at 1 ms: the handler stops it at the fifth
	 * tick (a sixth, already pending, is not counted), then we wait
	 * 5 ms more to see it stay stopped.
	 */
	movl $DCR_DIV16, L_TIMER_DCR(%r15)
	movl $VEC_TIMER | LVT_PERIODIC, L_LVT_TIMER(%r15)
	movl $TIMER_1MS, L_TIMER_ICR(%r15)
	sti
	mov $ticks, %edi
	mov $TICKS, %eax
	call wait_count
	mov $5 * MS, %ecx
	call pit2_wait
	cli
	mov ticks, %rax
	cmp $TICKS, %rax
	jne 1f
	cmpl $0, L_TIMER_CCR(%r15)
1:	CHECK_N_EQ "lapic timer (periodic, divide 16, 1 ms; its handler stops it at the fifth tick): ", " ticks taken, 5 expected, then the current count reads 0"

	/* the I/O APIC: pin 10 edge, pin 11 level, active high, to APIC ID 0 */
	IOAPIC_WR RTE_EDGE_HI, 0
	IOAPIC_WR RTE_EDGE_LO, VEC_EDGE
	IOAPIC_WR RTE_LEVEL_HI, 0
	IOAPIC_WR RTE_LEVEL_LO, RTE_LEVEL|VEC_LEVEL
	sti
	mov $TESTDEV_IRQ + PIN_EDGE, %dx
	mov $1, %al
	out %al, %dx			/* the rising edge... */
	mov $0, %al
	out %al, %dx			/* ...and the line low again */
	mov $edge_count, %edi
	mov $1, %eax
	call wait_count
	call wait_more
	mov edge_count, %rax
	cmp $1, %rax
	CHECK_N_EQ "ioapic pin 10, edge (raised and lowered through port 200a): ", " taken, 1 expected"
	mov $TESTDEV_IRQ + PIN_LEVEL, %dx
	mov $1, %al
	out %al, %dx			/* high until the handler lowers it */
	mov $level_count, %edi
	mov $1, %eax
	call wait_count
	call wait_more
	mov level_count, %rax
	cmp $1, %rax
	jne 1f
	movl $RTE_LEVEL_LO, IOREGSEL(%r14)
	testl $RTE_REMOTE_IRR, IOWIN(%r14)
1:	CHECK_N_EQ "ioapic pin 11, level (raised through port 200b, lowered by its handler before eoi): ", " taken, 1 expected, remote irr clear"
	cli
	IOAPIC_WR RTE_EDGE_LO, RTE_MASKED|VEC_EDGE
	IOAPIC_WR RTE_LEVEL_LO, RTE_MASKED|RTE_LEVEL|VEC_LEVEL
	ret

/*
 * check_n: as lib64.S's check64 (CF clear = passed), for a check that
 * says what it counted: "ok - " or "FAIL - ", the text at RSI, the
 * number in RAX, the text at RDI.
 */
check_n:
	jc 1f
	PUTS64 "ok - "
	jmp 2f
1:	incw failures
	PUTS64 "FAIL - "
2:	call puts64
	call put_dec64
	mov %rdi, %rsi
	call puts64
	PUTS64 "\n"
	ret

/*
 * wait_count: wait until the counter at EDI reaches EAX, polling each
 * millisecond (PIT channel 2) for at most 50 ms: the checks are about
 * arrival, not latency, and a slow host may deliver milliseconds late.
 */
wait_count:
	push %rcx
	push %rbx
	mov $50, %ebx
1:	cmp %rax, (%rdi)
	jae 2f
	mov $MS, %ecx
	call pit2_wait
	dec %ebx
	jnz 1b
2:	pop %rbx
	pop %rcx
	ret

/* wait_more: 5 ms more, so that a second delivery would be counted too */
wait_more:
	push %rcx
	mov $5 * MS, %ecx
	call pit2_wait
	pop %rcx
	ret

/* ---- handlers ---- */
h_timer:
	push %rax
	cmpq $TICKS, ticks
	jae 1f				/* already stopped: a late one */
	incq ticks
	cmpq $TICKS, ticks
	jb 1f
	mov $LAPIC, %eax		/* the fifth: stop the timer */
	movl $LVT_MASKED, L_LVT_TIMER(%rax)
	movl $0, L_TIMER_ICR(%rax)
1:	mov $LAPIC, %eax
	movl $0, L_EOI(%rax)
	pop %rax
	iretq

h_edge:
	push %rax
	incq edge_count
	mov $LAPIC, %eax
	movl $0, L_EOI(%rax)
	pop %rax
	iretq

/*
 * The level pin: lower the line, then EOI.  The EOI clears the pin's
 * Remote IRR; the I/O APIC then looks at the line again and, low, sends
 * nothing more.  (In the other order, a line still high would come again.)
 */
h_level:
	push %rax
	push %rdx
	incq level_count
	mov $TESTDEV_IRQ + PIN_LEVEL, %dx
	mov $0, %al
	out %al, %dx
	mov $LAPIC, %eax
	movl $0, L_EOI(%rax)
	pop %rdx
	pop %rax
	iretq

/* a vector nobody programmed: count it; an EOI in case the local APIC sent it */
h_stray:
	push %rax
	incq stray_count
	mov $LAPIC, %eax
	movl $0, L_EOI(%rax)
	pop %rax
	iretq

/* the spurious vector: no EOI (SDM vol. 3A, 11.9) */
h_spurious:
	iretq

/* an exception (idt64.S recorded it): say which, and finish */
exc_fatal:
	PUTS64 "FAIL - exception "
	mov exc_vector, %rax
	mov $2, %ecx
	call put_hex64
	PUTS64 " (hex)\n"
	incw failures
	jmp finish64

/* ---- 5. SMP ---- */

/*
 * smp: start CPUs 1 to N-1 (APIC IDs as QEMU and tinyvmm give them), each
 * with INIT and at once a single SIPI: INIT puts an AP into wait-for-SIPI
 * whatever it was doing (under QEMU, SeaBIOS has already started and
 * parked the APs), and a virtual CPU needs neither the 10 ms after INIT
 * nor the second SIPI of the universal algorithm (ch10.S).  Each AP counts
 * itself in the trampoline's counter; wait up to 1 s for all of them.
 */
smp:
	lea tramp(%rip), %rsi
	mov $TRAMP, %edi
	mov $tramp_end - tramp, %ecx
	rep movsb			/* the counter comes along, 0 */
	mov $1, %ebx
1:	cmp ncpus, %rbx
	jae 2f
	mov %ebx, %edi
	shl $24, %edi			/* ICR high: destination APIC ID */
	mov $ICR_INIT | ICR_ASSERT, %eax
	call send_ipi
	mov $ICR_STARTUP | ICR_ASSERT | SIPI_VECTOR, %eax
	call send_ipi
	inc %ebx
	jmp 1b
2:	mov $1000, %ebx
	mov ncpus, %rax
	dec %rax
3:	cmp %eax, TRAMP + t_count - tramp
	jae 4f
	mov $MS, %ecx
	call pit2_wait
	dec %ebx
	jnz 3b
4:	movl TRAMP + t_count - tramp, %eax
	inc %eax			/* and the BSP */
	cmp ncpus, %rax			/* "ok - N of N cpus up": two numbers, by hand */
	je 5f
	incw failures
	PUTS64 "FAIL - "
	jmp 6f
5:	PUTS64 "ok - "
6:	call put_dec64
	PUTS64 " of "
	mov ncpus, %rax
	call put_dec64
	PUTS64 " cpus up (each ap: init, one sipi, lock inc in the trampoline)\n"
	ret

/*
 * send_ipi: ICR = EDI (high: destination) : EAX (low); writing the low half
 * sends it (SDM vol. 3A, 11.6.1).  Wait (bounded) for the previous one to
 * leave first: an xAPIC sends one at a time.
 */
send_ipi:
	push %rcx
	mov $100000, %ecx
1:	testl $ICR_BUSY, L_ICR_LO(%r15)
	jz 2f
	pause
	loop 1b
2:	mov %edi, L_ICR_HI(%r15)
	mov %eax, L_ICR_LO(%r15)
	pop %rcx
	ret

/*
 * The trampoline, copied to TRAMP: a SIPI starts an AP in real mode at
 * CS:IP = 0800:0000 (SDM vol. 3A, 8.4.4.1).  It counts itself in and halts
 * with interrupts off, for good: a lock'ed increment, because the APs may
 * run it at the same time.
 */
	.code16
	.balign 16
tramp:
	cli
	mov %cs, %ax
	mov %ax, %ds			/* DS = 0800: offsets from tramp */
	lock incl t_count - tramp
1:	hlt
	jmp 1b
	.balign 4
t_count:	.long 0
tramp_end:
	.code64

	.section .rodata
	.balign 8
gdt:
	.quad 0				/* 0x00: null */
	.quad 0x00cf9b000000ffff	/* 0x08: 32-bit code, base 0, limit 4 GiB */
	.quad 0x00cf93000000ffff	/* 0x10: data, base 0, limit 4 GiB */
	.quad 0x00af9b000000ffff	/* 0x18: 64-bit code (L = 1, D = 0) */
gdt_end:
gdt_desc:
	.word gdt_end - gdt - 1
	.long gdt
