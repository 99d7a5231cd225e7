/*
 * longmode.S - from real mode to 64-bit long mode, the way every x86-64
 * firmware and kernel does it (Intel SDM vol. 3A, 10.8 "Initializing IA-32e
 * mode"):
 *   real mode --lgdt, CR0.PE, far jump--> 32-bit protected mode
 *   --page tables, CR4.PAE, CR3, EFER.LME, CR0.PG--> compatibility mode
 *   --far jump to a 64-bit code segment--> 64-bit long mode.
 * Paging is mandatory in long mode; we identity-map the first 4 GiB with
 * 2 MiB pages, so every address (RAM, the ROM below 4 GiB, the APICs) means
 * the same thing before and after.
 *
 * go_long (call from real mode): switches, loads the IDT built by idt64.S,
 * then jumps to lm_continue, a symbol each image binds at link time.  On
 * the way it records what the 32-bit code saw (pm_cs, pm_cr0) for chapter 4.
 *
 * No interrupt is taken in 32-bit mode: on this project's host (KVM's PVM
 * backend) a protected-mode IRET is not emulated (tutorial chapter 4).
 */
	.code16
	.set ROM_BASE, 0xf0000		/* linear address of ROM offset 0 while we run below 1 MiB */
	.set CODE32, 0x08
	.set DATA, 0x10
	.set CODE64, 0x18
	.set PML4, 0x10000		/* page tables in RAM: PML4, one PDPT, four PDs */
	.set PDPT, 0x11000
	.set PD0, 0x12000
	.set PT_PRESENT_RW, 0x003
	.set PD_LARGE, 0x083		/* present, writable, PS: a 2 MiB page */
	.set CR4_PAE, 0x20
	.set MSR_EFER, 0xc0000080
	.set EFER_LME, 0x100
	.set CR0_PG, 0x80000000

	.bss
	.globl pm_cs, pm_cr0
pm_cs:	.word 0
pm_cr0:	.long 0

	.text
	.globl go_long
go_long:
	cli
	lgdtl %cs:gdt_desc
	mov %cr0, %eax
	or $1, %eax			/* CR0.PE: protected mode... */
	mov %eax, %cr0
	ljmpl $CODE32, $ROM_BASE + pm32	/* ...takes effect with the far jump that reloads CS */

	.code32
pm32:
	mov $DATA, %ax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %ss
	mov $0x7000, %esp
	mov %cs, pm_cs
	mov %cr0, %eax
	mov %eax, pm_cr0

	/* the page tables: zero six pages, then fill them in */
	mov $PML4, %edi
	xor %eax, %eax
	mov $6 * 1024, %ecx
	rep stosl
	movl $PDPT | PT_PRESENT_RW, PML4	/* PML4[0] -> PDPT: covers 0-512 GiB */
	mov $PDPT, %edi
	mov $PD0 | PT_PRESENT_RW, %eax
	mov $4, %ecx
1:	mov %eax, (%edi)		/* PDPT[0..3] -> the four page directories: 0-4 GiB */
	add $0x1000, %eax
	add $8, %edi
	loop 1b
	mov $PD0, %edi
	mov $PD_LARGE, %eax
	mov $4 * 512, %ecx
2:	mov %eax, (%edi)		/* PD entry i maps 2 MiB at i * 2 MiB: identity */
	add $0x200000, %eax		/* wraps to 0 after 4 GiB; the high dword stays 0 */
	add $8, %edi
	loop 2b

	mov $PML4, %eax
	mov %eax, %cr3
	mov %cr4, %eax
	or $CR4_PAE, %eax		/* long mode uses the PAE page-table format */
	mov %eax, %cr4
	mov $MSR_EFER, %ecx
	rdmsr
	or $EFER_LME, %eax		/* long mode enable: active once paging is on */
	wrmsr
	mov %cr0, %eax
	or $CR0_PG, %eax		/* paging on: now EFER.LMA = 1, compatibility mode */
	mov %eax, %cr0
	ljmp $CODE64, $ROM_BASE + lm64	/* a 64-bit code segment: 64-bit mode */

	.code64
lm64:
	xor %eax, %eax
	mov %eax, %ds
	mov %eax, %es
	mov $DATA, %eax
	mov %eax, %ss
	mov $0x7000, %esp
	call idt64_setup
	jmp lm_continue

	.section .rodata
	.balign 8
gdt:
	.quad 0				/* 0x00: null */
	/*
	 * The Accessed bit (bit 40) is preset in every descriptor: otherwise the
	 * CPU writes it when a selector is loaded, and this GDT is in a ROM.
	 */
	.quad 0x00cf9b000000ffff	/* 0x08: 32-bit code, base 0, limit 4 GiB */
	.quad 0x00cf93000000ffff	/* 0x10: data, base 0, limit 4 GiB */
	.quad 0x00af9b000000ffff	/* 0x18: 64-bit code (L=1, D=0) */
gdt_end:
gdt_desc:
	.word gdt_end - gdt - 1
	.long ROM_BASE + gdt
