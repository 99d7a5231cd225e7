/*
 * bench-exit.S - the guest of bench/exitcost: 20000 port writes to the POST
 * code port 0x80, each one a KVM_EXIT_IO, then exit.
 */
	.code16
	.include "macros16.inc"
	.set BENCH_EXITS, 20000
	.text
	.globl test_main
test_main:
	mov $BENCH_EXITS, %cx
1:	out %al, $0x80
	loop 1b
	ret
