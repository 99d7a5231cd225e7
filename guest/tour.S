/*
 * tour.S - guest.bin: every chapter's guest, one after another.
 */
	.code16
	.include "macros16.inc"

	.text
	.globl tour_main
tour_main:
	PUTS "tinyvmm guest tour: chapters 1-5\n"
	call ch01_main
	call ch02_main
	call ch03_main
	jmp ch04_main			/* to long mode; does not come back */
