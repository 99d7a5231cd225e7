/* hlt.S - HLT with interrupts off: nothing can ever wake this CPU. */
	.code16
	.include "macros16.inc"
	.text
	.globl test_main
test_main:
	PUTS "cli; hlt\n"
	cli
	hlt
	ret
