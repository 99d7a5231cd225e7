/* spin.S - a guest that never exits: only --timeout ends it. */
	.code16
	.include "macros16.inc"
	.text
	.globl test_main
test_main:
	PUTS "spinning forever\n"
1:	jmp 1b
