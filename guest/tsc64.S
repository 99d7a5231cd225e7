/*
 * tsc64.S - the TSC as the 64-bit guests' clock (chapters 9 and 10): read
 * it, calibrate its rate, convert to it, and sort what was measured with it.
 * Same conventions as lib64.S: registers preserved unless returned.
 *
 * The rate is calibrated on PIT channel 2, the 8254's stopwatch (its input
 * clock is 1.193182 MHz, 8254 datasheet), through pit2_wait (lib64.S).  A
 * TSC window around pit2_wait is too long in two ways:
 *   - by the exits that start the stopwatch and read it back: the same
 *     every time, so the DIFFERENCE of two windows (50 ms and 10 ms) has
 *     none of them;
 *   - by the wait between OUT2's rise and the poll that sees it (from 0 to
 *     one poll, each poll an exit): it varies, so each window is measured
 *     N times and the SHORTEST counts (the one with the least of it).
 * Uncorrected, the rate came out 0.15% high here, and many times that on
 * a nested host, where an exit can take as long as a millisecond.
 */
	.code64
	.include "macros64.inc"

	.set PIT_HZ, 1193182		/* the 8254's input clock */
	.set CAL_CLOCKS, 59659		/* 50.0 ms of PIT clocks: the calibration window ... */
	.set CAL_SHORT, 11932		/* ... less a 10.0 ms one */

	.bss
	.balign 8
	.globl tsc_khz
tsc_khz:	.quad 0			/* the TSC's rate, measured by tsc_calibrate */

	.text
/*
 * tsc_now: RAX = the TSC.  RDTSC is not serializing: the CPU may read it
 * before earlier instructions finish, or let later ones start first.
 * LFENCE before it waits for everything earlier; LFENCE after it keeps a
 * following write (the one that starts a timer) from going first (SDM
 * vol. 2, RDTSC).  On AMD, LFENCE is dispatch-serializing where the OS
 * enables it, as Linux does.
 */
	.globl tsc_now
tsc_now:
	push %rdx
	lfence
	rdtsc
	lfence
	shl $32, %rdx
	or %rdx, %rax
	pop %rdx
	ret

/*
 * tsc_calibrate: tsc_khz = TSC ticks per ms, from the difference of a 50 ms
 * and a 10 ms window of PIT channel 2, each the shortest of ECX (N) tries.
 */
	.globl tsc_calibrate
tsc_calibrate:
	push %rax
	push %rbx
	push %rcx
	push %rdx
	push %rdi
	mov %ecx, %edi			/* N */
	mov $CAL_CLOCKS, %ecx
	call cal_window
	mov %rax, %rbx
	mov $CAL_SHORT, %ecx
	call cal_window
	sub %rax, %rbx			/* TSC ticks in CAL_CLOCKS - CAL_SHORT PIT clocks */
	mov %rbx, %rax			/* kHz = ticks * PIT_HZ / (PIT clocks * 1000) */
	mov $PIT_HZ, %ecx
	mul %rcx
	mov $(CAL_CLOCKS - CAL_SHORT) * 1000, %ecx
	div %rcx
	mov %rax, tsc_khz
	pop %rdi
	pop %rdx
	pop %rcx
	pop %rbx
	pop %rax
	ret

/* cal_window: RAX = the shortest of EDI TSC windows around pit2_wait(ECX) */
cal_window:
	push %rbx
	push %rsi
	push %rdi
	mov $-1, %rsi			/* the shortest so far */
1:	call tsc_now
	mov %rax, %rbx
	call pit2_wait
	call tsc_now
	sub %rbx, %rax
	cmp %rsi, %rax
	jae 2f
	mov %rax, %rsi
2:	dec %edi
	jnz 1b
	mov %rsi, %rax
	pop %rdi
	pop %rsi
	pop %rbx
	ret

/* put_tsc_khz: print "# tsc: N khz, calibrated on pit channel 2", no newline */
	.globl put_tsc_khz
put_tsc_khz:
	push %rax
	PUTS64 "# tsc: "
	mov tsc_khz, %rax
	call put_dec64
	PUTS64 " khz, calibrated on pit channel 2"
	pop %rax
	ret

/* us_to_tsc: RAX = RAX microseconds in TSC units */
	.globl us_to_tsc
us_to_tsc:
	push %rcx
	push %rdx
	mulq tsc_khz
	mov $1000, %ecx
	div %rcx
	pop %rdx
	pop %rcx
	ret

/*
 * sort_median64: sort the RCX signed quadwords at RDI, smallest first, in
 * place (insertion sort: quadratic, for a few hundred samples); RAX = the
 * upper median, element RCX / 2 (RCX > 0).
 */
	.globl sort_median64
sort_median64:
	push %rbx
	push %rdx
	push %rsi
	mov $1, %esi
1:	cmp %rcx, %rsi
	jae 4f
	mov (%rdi,%rsi,8), %rax		/* the next one ... */
	mov %rsi, %rbx
2:	test %rbx, %rbx			/* ... moves down past every larger one */
	jz 3f
	mov -8(%rdi,%rbx,8), %rdx
	cmp %rax, %rdx
	jle 3f
	mov %rdx, (%rdi,%rbx,8)
	dec %rbx
	jmp 2b
3:	mov %rax, (%rdi,%rbx,8)
	inc %rsi
	jmp 1b
4:	mov %rcx, %rax
	shr $1, %rax
	mov (%rdi,%rax,8), %rax
	pop %rsi
	pop %rdx
	pop %rbx
	ret
