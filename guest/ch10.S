/*
 * ch10.S - chapter 10: SMP and IPIs.
 *
 * A PC with N processors starts one of them: the bootstrap processor (BSP)
 * runs from the reset vector, every other one (an application processor,
 * AP) waits, with its local APIC listening, for the BSP to wake it with an
 * INIT IPI and a start-up IPI (SIPI) (Intel SDM vol. 3A, 8.4 "Multiple-
 * Processor (MP) Initialization").  This guest, on the BSP in 64-bit mode:
 *   1. reads the processor count from QEMU's fw_cfg interface and checks
 *      its own APIC ID (CPUID and the local APIC's ID register);
 *   2. finds the MP table (MultiProcessor Specification 1.4, chapter 4)
 *      the VMM writes below 640 KiB and checks it against fw_cfg;
 *   3. starts every AP with the universal start-up algorithm (INIT, 10 ms,
 *      SIPI, 200 us, SIPI: MP spec appendix B.4, SDM 8.4.4.1): each climbs
 *      from real mode to long mode through a trampoline below 1 MiB, takes
 *      its own stack, loads the BSP's IDT and page tables, enables its local
 *      APIC and reports in; then one AP is restarted with a single SIPI;
 *   4. sends IPIs (SDM 11.6 "Issuing Interprocessor Interrupts"): a ping-
 *      pong between CPUs 0 and 1, timed with the AP spinning and halted; a
 *      wake-up from hlt; broadcasts by shorthand; logical destinations in
 *      the flat model; and interrupts from the I/O APIC steered to one CPU
 *      (physical destination) or to any one of several (lowest priority).
 *
 * The APs never print: the BSP prints everything, so the transcript is the
 * same whatever order the CPUs run in.  Each handler runs on whichever CPU
 * took the interrupt and counts it in hits[counter][its APIC ID]; a CPU finds
 * its APIC ID in its per-CPU area, which its GS base points to (as an SMP
 * kernel does: no exit to read the APIC ID register in every handler).
 *
 * Check lines depend on N (it is printed in some) but on nothing else: the
 * tests compare the transcript of each N across interrupt-controller modes.
 * With N = 1 the checks that need a second CPU say so, and the ones that can
 * use the BSP itself (self-IPIs, a logical mask of 1, the I/O APIC to CPU 0)
 * do.  Timings go on lines starting with "# " (the tests strip them).
 *
 * Assembled with --defsym BENCH=1 (guest/tests/bench-ipi.bin, for
 * bench/exitcost's "ipi" rows), the guest starts the APs and runs only the
 * ping-pongs: CPU 1 spinning, halted with HALT_GAP_US (500 us) of idle
 * before each ping (longer than KVM's halt polling: the vCPU sleeps), and
 * halted with BENCH_GAP_US (50 us, within it: a polling vCPU catches the
 * ping), each for up to PP_MAX round trips or PP_BUDGET_MS (--defsym).
 * There CPU 0 waits for each pong as CPU 1 waits for the ping: spinning,
 * or halted (with no time-out: a lost pong stops the run at the VMM's
 * --timeout), so a round trip is two deliveries of one kind: two IPIs to
 * a running vCPU, or two wake-ups from hlt.
 *
 * The APIC pages are above 2 GiB: reached through registers, R15 = local
 * APIC and R14 = I/O APIC in the BSP's main code, as in ch05.S.
 */
	.code16
	.text
	.globl ch10_main
ch10_main:
	jmp go_long			/* the header is printed in 64-bit mode */

	.code64
	.include "macros64.inc"

	.set MAX_CPUS, 8		/* the flat logical model has 8 bits: 8 CPUs at most */
	.set LAPIC, 0xfee00000
	.set IOAPIC, 0xfec00000
	.set L_ID, 0x20
	.set L_TPR, 0x80
	.set L_EOI, 0xb0
	.set L_LDR, 0xd0
	.set L_DFR, 0xe0
	.set L_SVR, 0xf0
	.set L_ICR_LO, 0x300
	.set L_ICR_HI, 0x310
	.set DFR_FLAT, 0xffffffff	/* model 1111b: flat (SDM 11.6.2.2) */
	/* ICR low (SDM figure 11-12) */
	.set ICR_FIXED, 0 << 8
	.set ICR_LOWEST, 1 << 8
	.set ICR_INIT, 5 << 8
	.set ICR_STARTUP, 6 << 8
	.set ICR_LOGICAL, 1 << 11	/* destination mode */
	.set ICR_BUSY, 1 << 12		/* delivery status: send pending */
	.set ICR_ASSERT, 1 << 14	/* level: assert */
	.set ICR_ALL_INCL, 2 << 18	/* destination shorthand 10: all including self */
	.set ICR_ALL_EXCL, 3 << 18	/* destination shorthand 11: all excluding self */
	.set MSR_APIC_BASE, 0x1b
	.set APIC_BASE_BSP, 1 << 8
	.set APIC_BASE_EN, 1 << 11
	.set MSR_EFER, 0xc0000080
	.set EFER_LMA, 1 << 10
	.set MSR_GS_BASE, 0xc0000101
	.set IOREGSEL, 0x00
	.set IOWIN, 0x10
	.set RTE_MASKED, 1 << 16
	.set RTE_LOGICAL, 1 << 11
	.set RTE_LOWEST, 1 << 8
	.set TESTDEV, 0x2000		/* the test device: outb(level) to 0x2000 + n drives GSI n */
	.set TEST_PIN, 10		/* an edge pin, as in ch05.S */
	.set RTE_TEST_LO, 0x10 + 2 * TEST_PIN
	.set RTE_TEST_HI, RTE_TEST_LO + 1
	.set FW_CFG_SEL, 0x510		/* QEMU's fw_cfg, I/O port interface */
	.set FW_CFG_DATA, 0x511
	.set FW_CFG_SIGNATURE, 0x0000
	.set FW_CFG_NB_CPUS, 0x0005
	.set SIG_QEMU, 0x554d4551	/* "QEMU" read as a little-endian dword */
	.set SIG_MP, 0x5f504d5f		/* "_MP_" */
	.set SIG_PCMP, 0x504d4350	/* "PCMP" */
	.set MP_SCAN, 0x9fc00		/* the last KiB of 640 KiB base memory (MP spec 4) */
	.set MP_SCAN_END, 0xa0000
	.set MS, 1193			/* PIT input clocks per millisecond (pit2_wait) */
	.set US200, 239			/* ... per 200 us */
	.set CAL_TRIES, 2		/* calibration (tsc64.S): the shorter of 2 windows of each length */

	/* low memory: what the APs need before they can reach the ROM's data */
	.set TRAMP, 0x8000		/* the AP trampoline: SIPI vector 08 -> CS 0800, IP 0 */
	.set SIPI_VECTOR, TRAMP >> 12
	.set AP_STACKS, 0x30000		/* one 4 KiB stack per APIC ID above this */
	.set STACK_SIZE, 0x1000
	.set ROM_BASE, 0xf0000		/* the ROM as seen below 1 MiB (longmode.S) */
	.set CODE32, 0x08		/* the trampoline's GDT: as longmode.S's */
	.set DATA, 0x10
	.set CODE64, 0x18
	.set CR0_PE, 1
	.set CR0_PG, 0x80000000
	.set CR4_PAE, 0x20

	/* vectors, each with a counter row in hits[] */
	.set VEC_PING, 0x60
	.set VEC_PONG, 0x61
	.set VEC_WAKE, 0x62
	.set VEC_BCAST, 0x63
	.set VEC_LOGICAL, 0x64
	.set VEC_IO_FIXED, 0x65
	.set VEC_IO_LOWEST, 0x66
	.set VEC_SPURIOUS, 0xff
	.set C_PING, 0
	.set C_PONG, 1
	.set C_WAKE, 2
	.set C_BCAST, 3
	.set C_LOGICAL, 4
	.set C_IO_FIXED, 5
	.set C_IO_LOWEST, 6
	.set NCOUNTERS, 7
	.set ROW, MAX_CPUS * 4		/* bytes per counter row */

	/* what an AP's idle loop does (modes[id]) */
	.set MODE_HALT, 0		/* sti; hlt */
	.set MODE_SPIN, 1		/* sti; pause, until the mode changes */

	/* the ping-pong */
	.ifndef PP_MAX
	.set PP_MAX, 300		/* round trips at most (the median of 300 is plenty; sorting 1000 took 1 s on a PVM host) ... */
	.endif
	.ifndef PP_BUDGET_MS
	.set PP_BUDGET_MS, 250		/* ... or as many as fit in this time */
	.endif
	.ifndef BENCH
	.set BENCH, 0
	.endif
	.set BENCH_GAP_US, 50		/* BENCH: the second halted run's idle before each ping */
	.ifndef PP_TIMEOUT_MS
	.set PP_TIMEOUT_MS, 2000	/* a pong later than this is lost (a loaded 2-core host running 8 vCPU threads can take 100 ms) */
	.endif
	.set ARRIVAL_MS, 1000		/* how long a check waits for an interrupt to arrive: it stops at
					   the arrival, so only a lost one costs the whole wait (a loaded
					   2-core host running 8 vCPU threads took 50-100 ms at times) */
	.set HALT_GAP_US, 500		/* before each ping to a halted CPU: see pingpong */

	/* the per-CPU area, one per APIC ID; the GS base points at it */
	.set PC_ID, 0
	.set PC_SIZE, 64

	.bss
	.balign 8
ncpus:		.quad 0			/* from fw_cfg (1 if it gives no usable count) */
partner:	.quad 0			/* the ping-pong partner: 1, or 0 alone */
all_mask:	.quad 0			/* (1 << ncpus) - 1: every CPU in the flat model */
bsp_idtr:	.word 0			/* the BSP's IDTR (sidt), loaded by every AP */
		.quad 0
fw_sig:		.long 0
mp_why:		.quad 0			/* why the MP table check failed: a string */
mp_procs:	.long 0
mp_bp_id:	.long 0
mp_ioapic:	.byte 0
	.balign 8
percpu:		.fill MAX_CPUS * PC_SIZE, 1, 0
reported:	.fill MAX_CPUS, 4, 0	/* times each APIC ID reported in (a generation) */
id_reg:		.fill MAX_CPUS, 4, 0	/* the ID register of the CPU whose CPUID gave this APIC ID */
apic_base:	.fill MAX_CPUS, 4, 0	/* its IA32_APIC_BASE (low half) as it found it */
modes:		.fill MAX_CPUS, 4, 0	/* what the BSP asks of its idle loop */
states:		.fill MAX_CPUS, 4, 0	/* the mode its idle loop last took up */
wakeups:	.fill MAX_CPUS, 4, 0	/* times its hlt returned */
hits:		.fill NCOUNTERS * MAX_CPUS, 4, 0	/* hits[counter][APIC ID] */
pp_rounds:	.quad 0
pp_lost:	.quad 0
	.if BENCH
pp_gap_us:	.quad 0			/* the idle before each ping to a halted CPU */
	.endif
samples:	.fill PP_MAX, 8, 0	/* ping-pong round trips, TSC units */

	.text
/* A handler that counts its vector on the CPU that took it, then EOI. */
	.macro COUNTER name, c
\name:
	push %rax
	mov %gs:PC_ID, %eax
	lock incl hits + \c * ROW(,%rax,4)
	mov $LAPIC, %eax
	movl $0, L_EOI(%rax)
	pop %rax
	iretq
	.endm

/* HITS c, cpu-reg32, dst-reg32: dst = hits[c][cpu] */
	.macro HITS c, cpu, dst
	mov hits + \c * ROW(,%\cpu,4), %\dst
	.endm

	.globl ch10_long
ch10_long:
	.if BENCH
	PUTS64 "== bench: chapter 10's ping-pong ==\n"
	.else
	PUTS64 "== chapter 10: smp and ipis ==\n"
	.endif
	cli
	mov $LAPIC, %r15d
	mov $IOAPIC, %r14d
	mov $0xff, %al			/* the 8259A masked: the APICs deliver */
	out %al, $0x21
	out %al, $0xa1
	sidt bsp_idtr			/* the APs load the same IDT */
	VECTOR VEC_PING, h_ping
	VECTOR VEC_PONG, h_pong
	VECTOR VEC_WAKE, h_wake
	VECTOR VEC_BCAST, h_bcast
	VECTOR VEC_LOGICAL, h_logical
	VECTOR VEC_IO_FIXED, h_io_fixed
	VECTOR VEC_IO_LOWEST, h_io_lowest
	VECTOR VEC_SPURIOUS, h_spurious

	/* ---- 1. fw_cfg and the BSP's own APIC ID ---- */
	call fw_cfg_cpus
	PUTS64 "  fw_cfg: "
	mov ncpus, %rax
	call put_dec64
	PUTS64 " cpu(s)\n"

	mov $MSR_APIC_BASE, %ecx
	rdmsr
	mov %eax, %r8d			/* as the BSP found it */
	mov $1, %eax
	cpuid
	shr $24, %ebx			/* CPUID.1:EBX[31:24]: initial APIC ID */
	mov %ebx, %r9d
	xor %ebx, %ebx
	call cpu_setup			/* per-CPU area 0, local APIC on */
	mov L_ID(%r15), %eax
	shr $24, %eax			/* xAPIC ID register: bits 31:24 */
	or %r9d, %eax			/* both 0 */
	jnz 1f
	test $APIC_BASE_BSP, %r8d
	jz 1f
	clc
	jmp 2f
1:	stc
2:	CHECK64 "bsp: apic id 0 in cpuid.1:ebx[31:24] and in the lapic id register, ia32_apic_base.bsp (bit 8) set"

	/* ---- 2. the MP table ---- */
	call mp_check
	jnc 1f
	PUTS64 "  mp table: "
	mov mp_why, %rsi
	call puts64
	PUTS64 "\n"
	stc
1:	CHECK64 "mp table (mp spec 1.4): _MP_ in 9fc00-9ffff and PCMP, checksums right, one enabled processor entry per fw_cfg cpu (bsp = apic id 0), an i/o apic at fec00000"

	mov $CAL_TRIES, %ecx
	call tsc_calibrate		/* tsc_khz (tsc64.S) */
	call put_tsc_khz
	PUTS64 "\n"

	/* ---- 3. start the APs ---- */
	call start_aps
	call aps_check
	call verdict
	mov ncpus, %rax
	call put_dec64
	cmp $1, %rax
	jne 1f
	PUTS64 " cpu (fw_cfg): no ap to start, apic id 0 alone\n"
	jmp 2f
1:	PUTS64 " cpus (fw_cfg): each ap started with init-sipi-sipi and reported in, apic ids 0-"
	dec %rax
	call put_dec64
	PUTS64 " (cpuid = id register), bsp flag clear on each ap\n"
2:
	sti				/* from here on the BSP takes interrupts too */
	.if BENCH
	call bench_pingpongs
	cli
	jmp finish64
	.endif
	cmpq $1, ncpus
	jne 1f
	PUTS64 "ok - 1 cpu: no ap to restart with a single sipi\n"
	jmp 2f
1:	call single_sipi
	CHECK64 "a single sipi also works: cpu 1, sent init (back to wait-for-sipi) and one sipi without delays, reported in again"
2:

	/* ---- 4a. ping-pong ---- */
	cmpq $1, ncpus
	jne 1f
	mov $MODE_SPIN, %edi
	call pingpong
	call verdict
	PUTS64 "ping-pong cpu 0 <-> cpu 0 (self-ipis, no second cpu): "
	lea pp_self(%rip), %rsi
	jmp 2f
1:	mov $MODE_SPIN, %edi
	call pingpong
	call verdict
	PUTS64 "ping-pong cpu 0 <-> cpu 1 spinning (sti; pause): "
	lea pp_spin(%rip), %rsi
	call pingpong_text
	mov $MODE_HALT, %edi
	call pingpong
	call verdict
	PUTS64 "ping-pong cpu 0 <-> cpu 1 halted (sti; hlt): "
	lea pp_halt(%rip), %rsi
2:	call pingpong_text

	/* ---- 4b. an IPI wakes a halted CPU ---- */
	cmpq $1, ncpus
	jne 1f
	PUTS64 "ok - 1 cpu: no other cpu to wake from hlt\n"
	jmp 2f
1:	call wake_check
	CHECK64 "an ipi wakes a halted cpu: cpu 1 left hlt once, and its handler of vector 62 ran once"
2:

	/* ---- 4c. broadcasts by shorthand ---- */
	mov $C_BCAST, %edi
	call zero_hits
	mov ncpus, %rsi
	dec %esi			/* every AP */
	xor %edi, %edi
	mov $VEC_BCAST | ICR_ALL_EXCL, %eax
	call send_ipi
	mov $C_BCAST, %edi
	call wait_hits
	mov all_mask, %rsi
	and $~1, %esi			/* every CPU but the BSP */
	call hits_match
	call verdict
	PUTS64 "broadcast, shorthand all-excluding-self (vector 63): each of the "
	mov ncpus, %rax
	dec %rax
	call put_dec64
	PUTS64 " ap(s) took it exactly once, cpu 0 did not\n"

	call zero_hits
	mov ncpus, %rsi
	xor %edi, %edi
	mov $VEC_BCAST | ICR_ALL_INCL, %eax
	call send_ipi
	mov $C_BCAST, %edi
	call wait_hits
	mov all_mask, %rsi
	call hits_match
	call verdict
	PUTS64 "broadcast, shorthand all-including-self (vector 63): each of the "
	mov ncpus, %rax
	call put_dec64
	PUTS64 " cpu(s) took it exactly once\n"

	/* ---- 4d. logical destinations, flat model ---- */
	mov all_mask, %rbx
	and $0x06, %ebx			/* CPUs 1 and 2, those that exist */
	jnz 1f
	mov $0x01, %ebx			/* one CPU: the BSP itself */
1:	mov %ebx, %esi
	call logical_ipi
	call verdict
	PUTS64 "logical destination, flat model (ldr = 1 << apic id), mask "
	mov %ebx, %eax
	mov $2, %ecx
	call put_hex64
	PUTS64 ": exactly the cpus in the mask took vector 64, once each\n"
	mov $0xff, %esi
	call logical_ipi
	call verdict
	PUTS64 "logical destination, mask ff: each of the "
	mov ncpus, %rax
	call put_dec64
	PUTS64 " cpu(s) took vector 64 once, bits without a cpu ignored\n"

	/* ---- 4e. the I/O APIC steers an interrupt ---- */
	mov ncpus, %rbx
	dec %ebx			/* the last CPU */
	mov %ebx, %eax
	shl $24, %eax			/* physical destination: APIC ID, bits 63:56 */
	mov $VEC_IO_FIXED, %edx		/* fixed, physical, edge, unmasked */
	mov $C_IO_FIXED, %edi
	call ioapic_edge
	mov $1, %esi
	mov %ebx, %ecx
	shl %cl, %esi
	call hits_match
	call verdict
	PUTS64 "i/o apic pin 10, fixed, physical destination "
	mov %rbx, %rax
	call put_dec64
	PUTS64 " (the last cpu): only cpu "
	call put_dec64
	PUTS64 " took vector 65, once\n"

	mov all_mask, %rax
	shl $24, %eax			/* logical destination: every CPU */
	mov $VEC_IO_LOWEST | RTE_LOWEST | RTE_LOGICAL, %edx
	mov $C_IO_LOWEST, %edi
	call ioapic_edge
	call hits_total
	cmp $1, %eax
	CHECK64_EQ "i/o apic pin 10, lowest priority, logical destination every cpu: exactly one cpu took vector 66"
	PUTS64 "# lowest priority: taken by cpu(s)"
	xor %ebx, %ebx
1:	HITS C_IO_LOWEST, rbx, eax
	test %eax, %eax
	jz 2f
	PUTS64 " "
	mov %rbx, %rax
	call put_dec64
2:	inc %ebx
	cmp $MAX_CPUS, %ebx
	jb 1b
	PUTS64 "\n"

	cli
	jmp finish64

	.section .rodata
pp_self:	.asciz "cpu 0 alone"
pp_spin:	.asciz "cpu 1 spinning"
pp_halt:	.asciz "cpu 1 halted"
	.text

/* ---- step 1 ---- */

/*
 * fw_cfg_cpus: ncpus = the CPU count fw_cfg gives (key 5, 16 bits, little-
 * endian, read a byte at a time from the data port after a 16-bit write of
 * the key to the selector port: QEMU docs/specs/fw_cfg.rst), all_mask and
 * partner to match; check the signature (key 0: "QEMU") and the count.
 * With no usable count the guest goes on as a uniprocessor.
 */
fw_cfg_cpus:
	mov $FW_CFG_SEL, %dx
	mov $FW_CFG_SIGNATURE, %ax
	out %ax, %dx
	mov $FW_CFG_DATA, %dx
	xor %ebx, %ebx
1:	in %dx, %al
	mov %al, fw_sig(%rbx)
	inc %ebx
	cmp $4, %ebx
	jb 1b
	mov $FW_CFG_SEL, %dx
	mov $FW_CFG_NB_CPUS, %ax
	out %ax, %dx
	mov $FW_CFG_DATA, %dx
	in %dx, %al
	movzbl %al, %ebx
	in %dx, %al
	movzbl %al, %eax
	shl $8, %eax
	or %eax, %ebx			/* the count */
	cmpl $SIG_QEMU, fw_sig
	jne 2f
	test %ebx, %ebx
	jz 2f
	cmp $MAX_CPUS, %ebx
	ja 2f
	mov %rbx, ncpus
	clc
	jmp 3f
2:	movq $1, ncpus
	stc
3:
	.ifdef FORCE_NCPUS		/* a debugging aid: as --defsym FORCE_NCPUS=n, a VMM without fw_cfg */
	movq $FORCE_NCPUS, ncpus
	.endif
	pushf
	mov ncpus, %rcx
	mov $1, %eax
	shl %cl, %eax
	dec %eax
	mov %rax, all_mask
	xor %eax, %eax
	cmp $1, %ecx
	je 4f
	mov $1, %eax
4:	mov %rax, partner
	popf
	CHECK64 "fw_cfg (selector 510, data 511): signature QEMU (key 0), a cpu count of 1-8 (key 5)"
	ret

/* ---- step 2 ---- */

/* MP_FAIL why: the MP table check fails with this reason */
	.macro MP_FAIL why
	.pushsection .rodata
9870:	.asciz "\why"
	.popsection
	lea 9870b(%rip), %rax
	mov %rax, mp_why
	stc
	jmp mp_out
	.endm

/*
 * mp_check: CF clear if the MP table is there and agrees with fw_cfg; else
 * mp_why says what is wrong.  MP spec 1.4: the floating pointer structure
 * (16 bytes: "_MP_", the configuration table's address, its own length in
 * 16-byte units, revision, checksum, features) lies on a 16-byte boundary,
 * here in the last KiB of base memory; its bytes sum to 0.  The
 * configuration table: a 44-byte header ("PCMP", base table length,
 * revision, checksum, OEM and product IDs, OEM table, entry count, the
 * local APIC's address, extended table) and entries: a processor (type 0)
 * is 20 bytes, every other kind 8.  Its base table sums to 0 too.
 */
mp_check:
	push %rbx
	push %rcx
	push %rdx
	push %rsi
	push %rdi
	mov $MP_SCAN, %esi
1:	cmpl $SIG_MP, (%rsi)
	je 2f
	add $16, %esi
	cmp $MP_SCAN_END, %esi
	jb 1b
	MP_FAIL "no _MP_ floating pointer on a 16-byte boundary in 9fc00-9ffff"
2:	movzbl 8(%rsi), %ecx		/* length, 16-byte units */
	test %ecx, %ecx
	jz 3f
	shl $4, %ecx
	call sum_bytes
	jz 4f
3:	MP_FAIL "the floating pointer's checksum is wrong (or its length is 0)"
4:	mov 4(%rsi), %edi		/* the configuration table */
	test %edi, %edi
	jnz 5f
	MP_FAIL "the floating pointer gives no configuration table (a default configuration)"
5:	cmpl $SIG_PCMP, (%rdi)
	je 6f
	MP_FAIL "no PCMP signature where the floating pointer points"
6:	mov %edi, %esi
	movzwl 4(%rdi), %ecx		/* base table length */
	cmp $44, %ecx
	jb 7f
	call sum_bytes
	jz 8f
7:	MP_FAIL "the configuration table's checksum is wrong (or it is shorter than its header)"
8:	cmpl $LAPIC, 36(%rdi)
	je 9f
	MP_FAIL "the configuration table's local apic address is not fee00000"
9:	movl $0, mp_procs
	movl $-1, mp_bp_id
	movb $0, mp_ioapic
	movzwl 4(%rdi), %edx
	add %rdi, %rdx			/* the end of the base table */
	movzwl 34(%rdi), %ecx		/* entry count */
	lea 44(%rdi), %rsi		/* the first entry */
10:	test %ecx, %ecx
	jz 20f
	cmp %rdx, %rsi
	jae 19f
	movzbl (%rsi), %eax		/* entry type */
	cmp $0, %eax
	je 11f
	cmp $2, %eax
	je 13f
	cmp $4, %eax
	ja 18f
	add $8, %rsi			/* a bus, an interrupt assignment: 8 bytes */
	jmp 15f
11:	testb $1, 3(%rsi)		/* processor: CPU flags bit 0 EN (usable) */
	jz 12f
	incl mp_procs
	testb $2, 3(%rsi)		/* bit 1 BP: the bootstrap processor */
	jz 12f
	movzbl 1(%rsi), %eax
	mov %eax, mp_bp_id
12:	add $20, %rsi
	jmp 15f
13:	cmpl $IOAPIC, 4(%rsi)		/* I/O APIC: its address at offset 4 */
	jne 14f
	movb $1, mp_ioapic
14:	add $8, %rsi
15:	dec %ecx
	jmp 10b
18:	MP_FAIL "an entry of unknown type"
19:	MP_FAIL "the entries run past the base table length"
20:	mov mp_procs, %eax
	cmp ncpus, %rax
	je 21f
	MP_FAIL "the number of enabled processor entries is not fw_cfg's cpu count"
21:	cmpl $0, mp_bp_id
	je 22f
	MP_FAIL "the processor entry flagged bp is not apic id 0 (or there is none)"
22:	cmpb $1, mp_ioapic
	je 23f
	MP_FAIL "no i/o apic entry at fec00000"
23:	clc
mp_out:
	pop %rdi
	pop %rsi
	pop %rdx
	pop %rcx
	pop %rbx
	ret

/* sum_bytes: ZF set if the ECX bytes at RSI sum to 0 (mod 256) */
sum_bytes:
	push %rcx
	push %rsi
	push %rax
	xor %ah, %ah
1:	lodsb
	add %al, %ah
	loop 1b
	test %ah, %ah
	pop %rax
	pop %rsi
	pop %rcx
	ret

/* ---- step 3: the APs ---- */

/*
 * start_aps: copy the trampoline to TRAMP, tell it the BSP's CR3 and EFER,
 * then start each AP in turn and wait (at most 1 s) for it to report in.
 * The APs are assumed to have APIC IDs 1 to N-1, as QEMU and tinyvmm give
 * them; aps_check finds out whether each did.
 */
start_aps:
	push %rbx
	lea tramp(%rip), %rsi
	mov $TRAMP, %edi
	mov $tramp_end - tramp, %ecx
	rep movsb
	mov %cr3, %rax
	mov %eax, TRAMP + (t_cr3 - tramp)
	mov $MSR_EFER, %ecx
	rdmsr
	and $~EFER_LMA, %eax		/* LME (and NXE, were it set), not the status bit */
	mov %eax, TRAMP + (t_efer - tramp)
	mov $1, %ebx
1:	cmp ncpus, %rbx
	jae 2f
	call start_ap
	inc %ebx
	jmp 1b
2:	pop %rbx
	ret

/*
 * start_ap: the universal start-up algorithm (MP spec B.4; SDM 8.4.4.1) for
 * APIC ID EBX: INIT (level assert; its de-assert is for the 82489DX only and
 * Pentium 4 and later do not support it, SDM 11.6.1), 10 ms, a SIPI, 200 us,
 * a second SIPI (an AP that took the first ignores it: a SIPI reaches only
 * a CPU waiting for one).  Then wait for reported[EBX] to reach 1.
 */
start_ap:
	push %rax
	push %rcx
	push %rdi
	mov %ebx, %edi
	shl $24, %edi
	mov $ICR_INIT | ICR_ASSERT, %eax
	call send_ipi
	mov $10 * MS, %ecx
	call pit2_wait
	mov $ICR_STARTUP | ICR_ASSERT | SIPI_VECTOR, %eax
	call send_ipi
	mov $US200, %ecx
	call pit2_wait
	call send_ipi
	mov $1, %eax
	call wait_report
	pop %rdi
	pop %rcx
	pop %rax
	ret

/* wait_report: wait (at most 1 s) until reported[EBX] >= EAX */
wait_report:
	push %rcx
	push %rdx
	mov $1000, %edx
1:	cmp %eax, reported(,%rbx,4)
	jae 2f
	mov $MS, %ecx
	call pit2_wait
	dec %edx
	jnz 1b
2:	pop %rdx
	pop %rcx
	ret

/*
 * aps_check: CF clear if each CPU 1..N-1 reported in exactly once, saw its
 * own APIC ID in CPUID and in its ID register, and found its
 * IA32_APIC_BASE.BSP clear; and no CPU with a higher APIC ID turned up.
 */
aps_check:
	push %rax
	push %rbx
	mov $1, %ebx
1:	cmp $MAX_CPUS, %ebx
	jae 3f
	cmp ncpus, %rbx
	jae 2f
	cmpl $1, reported(,%rbx,4)
	jne 4f
	cmp %ebx, id_reg(,%rbx,4)
	jne 4f
	testl $APIC_BASE_BSP, apic_base(,%rbx,4)
	jnz 4f
	inc %ebx
	jmp 1b
2:	cmpl $0, reported(,%rbx,4)	/* beyond N: nobody */
	jne 4f
	inc %ebx
	jmp 1b
3:	clc
	jmp 5f
4:	stc
5:	pop %rbx
	pop %rax
	ret

/*
 * single_sipi: INIT puts CPU 1 back into wait-for-SIPI (SDM 8.4.1: INIT
 * resets an AP's state, its local APIC included, but not the APIC's
 * base address or ID); then a single SIPI at once.  The delays and the
 * second SIPI are for real hardware (a slow INIT, a SIPI that may be lost);
 * a virtual CPU needs neither.  CF clear if it reported in a second time.
 */
single_sipi:
	push %rax
	push %rbx
	push %rdi
	mov $1, %ebx
	movl $MODE_HALT, modes + 4
	mov $1 << 24, %edi
	mov $ICR_INIT | ICR_ASSERT, %eax
	call send_ipi
	mov $ICR_STARTUP | ICR_ASSERT | SIPI_VECTOR, %eax
	call send_ipi
	mov $2, %eax
	call wait_report
	cmpl $2, reported + 4
	jne 1f
	cmpl $1, id_reg + 4
	jne 1f
	clc
	jmp 2f
1:	stc
2:	pop %rdi
	pop %rbx
	pop %rax
	ret

/* ---- what every CPU runs ---- */

/*
 * cpu_setup: for APIC ID EBX, on its own CPU: the per-CPU area and GS base;
 * the local APIC globally (IA32_APIC_BASE.EN) and software enabled (SVR bit
 * 8, SDM 11.4.7.1: after INIT an AP's APIC is software-disabled), the flat
 * logical model with one bit per CPU (SDM 11.6.2.2), TPR 0; then it
 * records what it saw: its IA32_APIC_BASE and the ID register.
 */
cpu_setup:
	push %rax
	push %rcx
	push %rdx
	mov %ebx, %eax
	imul $PC_SIZE, %eax
	add $percpu, %eax
	mov %ebx, PC_ID(%rax)
	xor %edx, %edx
	mov $MSR_GS_BASE, %ecx
	wrmsr
	mov $MSR_APIC_BASE, %ecx
	rdmsr
	mov %eax, apic_base(,%rbx,4)
	or $APIC_BASE_EN, %eax
	wrmsr
	mov $LAPIC, %eax
	movl $0x100 | VEC_SPURIOUS, L_SVR(%rax)
	movl $DFR_FLAT, L_DFR(%rax)
	mov $1, %edx
	mov %ebx, %ecx
	shl %cl, %edx
	shl $24, %edx			/* logical APIC ID: LDR bits 31:24 */
	mov %edx, L_LDR(%rax)
	movl $0, L_TPR(%rax)
	mov L_ID(%rax), %edx
	shr $24, %edx
	mov %edx, id_reg(,%rbx,4)
	pop %rdx
	pop %rcx
	pop %rax
	ret

/*
 * send_ipi: ICR = EDI (high: destination) : EAX (low: the rest); writing the
 * low half sends it (SDM 11.6.1).  Wait first (bounded) for the previous
 * IPI to leave: the xAPIC has one send at a time (delivery status).  IF
 * is off meanwhile: a handler that sends an IPI between our two writes
 * would send ours to its destination.
 */
send_ipi:
	push %rcx
	push %rdx
	pushf
	cli
	mov $LAPIC, %edx
	mov $100000, %ecx
1:	testl $ICR_BUSY, L_ICR_LO(%rdx)
	jz 2f
	pause
	loop 1b
2:	mov %edi, L_ICR_HI(%rdx)
	mov %eax, L_ICR_LO(%rdx)
	popf
	pop %rdx
	pop %rcx
	ret

/*
 * The trampoline, copied to TRAMP: a SIPI with vector 08 starts an AP in
 * real mode at CS:IP = 0800:0000 (SDM 8.4.4.1 and 11.6.1), the only mode and
 * place it can start in.  From there the way longmode.S goes, with the
 * BSP's page tables: GDT, protected mode, PAE, CR3, EFER, paging, a far jump
 * to a 64-bit code segment, which lands in the ROM (seen at 0xF0000).
 * It is position-dependent only through TRAMP.
 */
	.code16
	.balign 16
tramp:
	cli
	cld
	mov %cs, %ax
	mov %ax, %ds			/* DS = 0800: offsets from tramp */
	lgdtl t_gdtr - tramp
	mov %cr0, %eax
	or $CR0_PE, %eax
	mov %eax, %cr0
	ljmpl $CODE32, $TRAMP + (t_pm32 - tramp)
	.code32
t_pm32:
	mov $DATA, %ax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %ss
	mov %cr4, %eax
	or $CR4_PAE, %eax
	mov %eax, %cr4
	mov TRAMP + (t_cr3 - tramp), %eax	/* the BSP's page tables */
	mov %eax, %cr3
	mov $MSR_EFER, %ecx
	mov TRAMP + (t_efer - tramp), %eax	/* the BSP's EFER: LME */
	xor %edx, %edx
	wrmsr
	mov %cr0, %eax
	or $CR0_PG, %eax		/* EFER.LMA = 1: compatibility mode */
	mov %eax, %cr0
	ljmp $CODE64, $ROM_BASE + ap_long
	.balign 8
t_gdt:	/* as longmode.S's, Accessed bits preset */
	.quad 0
	.quad 0x00cf9b000000ffff	/* 0x08: 32-bit code */
	.quad 0x00cf93000000ffff	/* 0x10: data */
	.quad 0x00af9b000000ffff	/* 0x18: 64-bit code */
t_gdtr:	.word t_gdtr - t_gdt - 1
	.long TRAMP + (t_gdt - tramp)
t_cr3:	.long 0				/* filled in by start_aps */
t_efer:	.long 0
tramp_end:
	.code64

/*
 * ap_long: an AP in 64-bit mode.  Its APIC ID (CPUID, before it has a stack)
 * picks its stack; then the BSP's IDT, cpu_setup, and it reports in: the
 * increment is the last store, so the BSP finds what it recorded in place
 * (x86 stores are seen in order, and a locked instruction is a full fence).
 */
ap_long:
	xor %eax, %eax
	mov %eax, %ds
	mov %eax, %es
	mov $DATA, %eax
	mov %eax, %ss
	mov $1, %eax
	cpuid
	shr $24, %ebx
	cmp $MAX_CPUS, %ebx
	jae ap_dead
	lea 1(%rbx), %eax
	imul $STACK_SIZE, %eax
	add $AP_STACKS, %eax
	mov %rax, %rsp
	lidt bsp_idtr
	call cpu_setup
	lock incl reported(,%rbx,4)
	/* fall through */

/*
 * ap_idle: wait for work.  modes[id] says how: MODE_HALT (sti; hlt: the
 * CPU sleeps until an interrupt) or MODE_SPIN (sti; pause loop: it stays
 * awake, polling).  The BSP changes a mode, then sends VEC_WAKE so that a
 * halted CPU looks again; states[id] shows the mode taken up.  sti; hlt:
 * no interrupt slips in between the two (SDM vol. 2, STI).
 */
ap_idle:
	cli
	mov modes(,%rbx,4), %eax
	mov %eax, states(,%rbx,4)
	cmp $MODE_SPIN, %eax
	je 2f
	sti
	hlt
	lock incl wakeups(,%rbx,4)
	jmp ap_idle
2:	sti
3:	pause
	cmpl $MODE_SPIN, modes(,%rbx,4)
	je 3b
	jmp ap_idle

ap_dead:
	cli
	hlt
	jmp ap_dead

/* ---- step 4: IPIs ---- */

	.if BENCH
/* bench_pingpongs: CPU 1 spinning; halted, HALT_GAP_US idle before each ping; halted, BENCH_GAP_US */
bench_pingpongs:
	push %rdi
	push %rsi
	mov $MODE_SPIN, %edi
	call pingpong
	call verdict
	PUTS64 "ping-pong cpu 0 <-> cpu 1 spinning (sti; pause): "
	lea pp_spin(%rip), %rsi
	call pingpong_text
	movq $HALT_GAP_US, pp_gap_us
	mov $MODE_HALT, %edi
	call pingpong
	call verdict
	PUTS64 "ping-pong cpu 0 <-> cpu 1 halted (sti; hlt), 500 us idle before each ping: "
	lea pp_halt(%rip), %rsi
	call pingpong_text
	movq $BENCH_GAP_US, pp_gap_us
	mov $MODE_HALT, %edi
	call pingpong
	call verdict
	PUTS64 "ping-pong cpu 0 <-> cpu 1 halted (sti; hlt), 50 us idle before each ping: "
	lea pp_halt_short(%rip), %rsi
	call pingpong_text
	pop %rsi
	pop %rdi
	ret
	.section .rodata
pp_halt_short:	.asciz "cpu 1 halted, 50 us idle"
	.text
	.endif

/* set_mode: ask the idle loop of CPU partner for mode EDI; wait (<= 50 ms) until it took it up */
set_mode:
	push %rax
	push %rbx
	push %rcx
	push %rdx
	push %rdi
	mov partner, %rbx
	test %ebx, %ebx
	jz 3f
	mov %edi, modes(,%rbx,4)
	mov %ebx, %edi
	shl $24, %edi
	mov $VEC_WAKE, %eax
	call send_ipi
	mov 0(%rsp), %rax		/* the mode asked for */
	mov $ARRIVAL_MS, %edx
1:	cmp %eax, states(,%rbx,4)
	je 3f
	mov $MS, %ecx
	call pit2_wait
	dec %edx
	jnz 1b
3:	pop %rdi
	pop %rdx
	pop %rcx
	pop %rbx
	pop %rax
	ret

/*
 * pingpong: EDI = the partner's mode.  Send VEC_PING to the partner; its
 * handler sends VEC_PONG back to CPU 0 (h_ping); the BSP spins (IF=1) for
 * it.  One round trip = the TSC from before the ICR write to after the
 * pong's handler counted it.  PP_MAX rounds, or as many as fit in
 * PP_BUDGET_MS (a nested host under --irqchip none can take milliseconds
 * per IPI).  A halted partner gets HALT_GAP_US before each ping: long
 * enough to be back in hlt, and longer than KVM's default halt polling
 * (200 us), so its vCPU really sleeps and the round trip includes waking
 * its thread.  CF clear if every ping was taken by the partner and
 * answered by one pong on CPU 0; pp_rounds, samples[] for the report.
 */
pingpong:
	push %rax
	push %rbx
	push %rcx
	push %rdx
	push %rsi
	push %r8
	push %r9
	push %r10
	push %r11
	push %r12
	mov %edi, %r12d
	call set_mode
	mov $C_PING, %edi
	call zero_hits
	mov $C_PONG, %edi
	call zero_hits
	movq $0, pp_rounds
	movq $0, pp_lost
	mov $PP_TIMEOUT_MS * 1000, %eax
	call us_to_tsc
	mov %rax, %r10			/* the timeout */
	mov $PP_BUDGET_MS * 1000, %eax
	call us_to_tsc
	mov %rax, %r11
	call tsc_now
	add %rax, %r11			/* the deadline */
	mov partner, %rdi
	shl $24, %edi
	xor %esi, %esi			/* rounds */
1:	cmp $MODE_HALT, %r12d
	jne 2f
	cmpq $0, partner
	je 2f
	.if BENCH
	mov pp_gap_us, %eax
	.else
	mov $HALT_GAP_US, %eax
	.endif
	call us_to_tsc
	mov %rax, %rbx
	call tsc_now
	add %rax, %rbx
	call spin_until
2:	mov hits + C_PONG * ROW, %r8d	/* pongs CPU 0 took so far */
	call tsc_now
	mov %rax, %r9
	mov $VEC_PING, %eax
	call send_ipi
3:	cmp hits + C_PONG * ROW, %r8d
	jne 4f
	.if BENCH			/* CPU 0 waits as CPU 1 does: halted for a halted partner */
	cmp $MODE_HALT, %r12d
	jne 34f
	cli
	cmp hits + C_PONG * ROW, %r8d
	jne 33f
	sti				/* the pong cannot slip in before hlt (sti's shadow) */
	hlt
	jmp 3b
33:	sti
	jmp 4f
34:
	.endif
	pause
	call tsc_now
	sub %r9, %rax
	cmp %r10, %rax
	jb 3b
	incq pp_lost			/* no pong: stop here */
	jmp 5f
4:	call tsc_now
	sub %r9, %rax
	mov %rax, samples(,%rsi,8)
	inc %esi
	cmp $PP_MAX, %esi
	jae 5f
	call tsc_now
	cmp %r11, %rax
	jb 1b
5:	mov %rsi, pp_rounds
	mov $MS, %ecx			/* anything late or doubled shows up now */
	call pit2_wait
	mov partner, %rbx
	cmpq $0, pp_lost
	jne 8f
	test %esi, %esi
	jz 8f
	HITS C_PING, rbx, eax
	cmp %esi, %eax
	jne 8f
	mov hits + C_PONG * ROW, %eax	/* CPU 0's pongs */
	cmp %esi, %eax
	jne 8f
	mov $C_PING, %edi		/* the pings: all on the partner */
	call hits_total
	cmp %esi, %eax
	jne 8f
	mov $C_PONG, %edi		/* the pongs: all on CPU 0 */
	call hits_total
	cmp %esi, %eax
	jne 8f
	clc
	jmp 9f
8:	stc
9:	pop %r12
	pop %r11
	pop %r10
	pop %r9
	pop %r8
	pop %rsi
	pop %rdx
	pop %rcx
	pop %rbx
	pop %rax
	ret

/*
 * pingpong_text: the rest of pingpong's check line, then its measurement:
 * "# ping-pong, RSI: N round trips, median A cycles (B ns), mean C cycles (D ns)".
 */
pingpong_text:
	push %rax
	push %rcx
	push %rsi
	push %rdi
	PUTS64 "every ping (vector 60) answered by one pong (vector 61)\n"
	PUTS64 "# ping-pong, "
	call puts64
	PUTS64 ": "
	mov pp_rounds, %rax
	call put_dec64
	PUTS64 " round trips"
	test %rax, %rax
	jz 1f
	mov $samples, %edi
	mov %rax, %rcx
	call sort_median64		/* round trips: positive, so signed order is theirs */
	PUTS64 ", median "
	call put_cycles
	PUTS64 ", mean "
	xor %eax, %eax
	xor %ecx, %ecx
2:	add samples(,%rcx,8), %rax
	inc %rcx
	cmp pp_rounds, %rcx
	jb 2b
	xor %edx, %edx
	divq pp_rounds
	call put_cycles
1:	PUTS64 "\n"
	/* what the check counted, for a failure's post-mortem ('#': never compared) */
	PUTS64 "# counts: "
	mov pp_rounds, %rax
	call put_dec64
	PUTS64 " round trips, "
	mov $C_PING, %edi
	call hits_total
	call put_dec64
	PUTS64 " pings, "
	mov $C_PONG, %edi
	call hits_total
	call put_dec64
	PUTS64 " pongs, "
	mov pp_lost, %rax
	call put_dec64
	PUTS64 " lost\n"
	pop %rdi
	pop %rsi
	pop %rcx
	pop %rax
	ret

/* put_cycles: print RAX TSC ticks as "N cycles (M ns)" */
put_cycles:
	push %rax
	push %rdx
	call put_dec64
	PUTS64 " cycles ("
	mov $1000000, %edx
	mul %rdx
	divq tsc_khz
	call put_dec64
	PUTS64 " ns)"
	pop %rdx
	pop %rax
	ret

/*
 * wake_check: CPU 1 halted; once its counters are still, it is in hlt.  One VEC_WAKE:
 * CF clear if hlt returned once and the handler ran once on CPU 1.
 */
wake_check:
	push %rax
	push %rcx
	push %rdx
	push %rdi
	push %r8
	push %r9
	mov $MODE_HALT, %edi
	call set_mode
	/*
	 * set_mode's own VEC_WAKE may still be on its way through CPU 1 (on a
	 * loaded host its thread can wait milliseconds for a core): take the
	 * counts only once they have not moved for 10 ms, at most 1 s.
	 */
	mov $100, %edx
5:	mov wakeups + 4, %r8d
	mov hits + C_WAKE * ROW + 4, %r9d
	mov $10 * MS, %ecx
	call pit2_wait
	cmp wakeups + 4, %r8d
	jne 6f
	cmp hits + C_WAKE * ROW + 4, %r9d
	je 7f
6:	dec %edx
	jnz 5b
7:	mov $1 << 24, %edi
	mov $VEC_WAKE, %eax
	call send_ipi
	mov $ARRIVAL_MS, %edx
1:	cmp wakeups + 4, %r8d
	jne 2f
	mov $MS, %ecx
	call pit2_wait
	dec %edx
	jnz 1b
2:	mov $MS, %ecx
	call pit2_wait
	inc %r8d
	inc %r9d
	cmp wakeups + 4, %r8d
	jne 3f
	cmp hits + C_WAKE * ROW + 4, %r9d
	jne 3f
	clc
	jmp 4f
3:	stc
4:	pop %r9
	pop %r8
	pop %rdi
	pop %rdx
	pop %rcx
	pop %rax
	ret

/* logical_ipi: a fixed IPI, logical destination mask ESI; CF clear if exactly those CPUs took it once */
logical_ipi:
	push %rax
	push %rdi
	mov $C_LOGICAL, %edi
	call zero_hits
	mov %esi, %edi
	shl $24, %edi			/* logical destination: ICR bits 63:56 */
	mov $VEC_LOGICAL | ICR_LOGICAL, %eax
	call send_ipi
	push %rsi
	and all_mask, %rsi		/* the CPUs that exist in the mask */
	mov %esi, %eax
	xor %esi, %esi			/* count them: the number expected */
1:	test %eax, %eax
	jz 2f
	shr $1, %eax
	adc $0, %esi
	jmp 1b
2:	mov $C_LOGICAL, %edi
	call wait_hits
	pop %rsi
	and all_mask, %rsi
	call hits_match
	pop %rdi
	pop %rax
	ret

/*
 * ioapic_edge: counter EDI zeroed, the test pin's redirection entry = EAX
 * (high: destination) : EDX (low: vector, delivery and destination modes;
 * edge, unmasked), then one edge on the pin; wait for one interrupt
 * (wait_hits), then mask the entry.
 */
ioapic_edge:
	push %rsi
	call zero_hits
	movl $RTE_TEST_HI, IOREGSEL(%r14)
	mov %eax, IOWIN(%r14)
	movl $RTE_TEST_LO, IOREGSEL(%r14)
	mov %edx, IOWIN(%r14)
	push %rax
	push %rdx
	mov $TESTDEV + TEST_PIN, %dx
	mov $1, %al
	out %al, %dx
	mov $0, %al
	out %al, %dx
	pop %rdx
	pop %rax
	mov $1, %esi
	call wait_hits
	movl $RTE_TEST_LO, IOREGSEL(%r14)
	movl $RTE_MASKED, IOWIN(%r14)
	pop %rsi
	ret

/* ---- counters ---- */

/* zero_hits: counter row EDI = 0 */
zero_hits:
	push %rax
	push %rcx
	push %rdi
	imul $ROW, %edi
	add $hits, %edi
	xor %eax, %eax
	mov $MAX_CPUS, %ecx
	rep stosl
	pop %rdi
	pop %rcx
	pop %rax
	ret

/* hits_total: EAX = the sum of counter row EDI over every CPU */
hits_total:
	push %rcx
	xor %eax, %eax
	xor %ecx, %ecx
	push %rdi
	imul $ROW, %edi
1:	add hits(%rdi,%rcx,4), %eax
	inc %ecx
	cmp $MAX_CPUS, %ecx
	jb 1b
	pop %rdi
	pop %rcx
	ret

/* hits_match: CF clear if counter row EDI is 1 for each CPU in mask ESI and 0 elsewhere */
hits_match:
	push %rax
	push %rcx
	push %rdi
	imul $ROW, %edi
	xor %ecx, %ecx
1:	xor %eax, %eax
	bt %ecx, %esi
	adc $0, %eax			/* 1 if in the mask */
	cmp hits(%rdi,%rcx,4), %eax
	jne 2f
	inc %ecx
	cmp $MAX_CPUS, %ecx
	jb 1b
	clc
	jmp 3f
2:	stc
3:	pop %rdi
	pop %rcx
	pop %rax
	ret

/*
 * wait_hits: wait 1 ms, then up to ARRIVAL_MS more until counter row EDI totals
 * ESI, then 1 ms more: a delivery to a wrong or an extra CPU has time to
 * show.  As ch05.S's wait_arrival: the checks are about arrival.
 */
wait_hits:
	push %rax
	push %rcx
	push %rdx
	mov $MS, %ecx
	call pit2_wait
	mov $ARRIVAL_MS, %edx
1:	call hits_total
	cmp %esi, %eax
	jae 2f
	call pit2_wait
	dec %edx
	jnz 1b
2:	call pit2_wait
	pop %rdx
	pop %rcx
	pop %rax
	ret

/* verdict: print "ok - " (CF clear) or "FAIL - " (CF set, counted); the caller prints the rest */
verdict:
	jc 1f
	PUTS64 "ok - "
	ret
1:	incw failures
	PUTS64 "FAIL - "
	ret

/* ---- time: tsc_now, tsc_calibrate and us_to_tsc are in tsc64.S ---- */

/* spin_until: spin until the TSC reaches RBX */
spin_until:
	push %rax
1:	pause
	call tsc_now
	cmp %rbx, %rax
	jb 1b
	pop %rax
	ret

/* ---- handlers: they run on whichever CPU took the interrupt ---- */

	COUNTER h_pong, C_PONG
	COUNTER h_wake, C_WAKE
	COUNTER h_bcast, C_BCAST
	COUNTER h_logical, C_LOGICAL
	COUNTER h_io_fixed, C_IO_FIXED
	COUNTER h_io_lowest, C_IO_LOWEST

/*
 * h_ping: count, EOI, and answer CPU 0 with VEC_PONG.  The partner's main
 * code sends no IPIs, so nothing else writes its ICR; on CPU 0 alone,
 * send_ipi keeps interrupts off between its two writes.
 */
h_ping:
	push %rax
	push %rdi
	mov %gs:PC_ID, %eax
	lock incl hits + C_PING * ROW(,%rax,4)
	mov $LAPIC, %eax
	movl $0, L_EOI(%rax)
	xor %edi, %edi			/* physical destination: APIC ID 0 */
	mov $VEC_PONG, %eax
	call send_ipi
	pop %rdi
	pop %rax
	iretq

/* the spurious vector: no EOI (SDM 11.9) */
h_spurious:
	iretq
