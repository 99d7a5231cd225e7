/*
 * pit.h - the Intel 8254 Programmable Interval Timer (ports 0x40-0x43) and
 * the PC's port 0x61 bits that belong to it (channel 2 gate and OUT).
 *
 * The model keeps no timers of its own: every value is computed from the
 * clock when it is asked for.  A caller that wants IRQ0 on time asks
 * pit_next_event_ns() when channel 0's OUT will next change, sleeps until
 * then and calls pit_update().  All calls on one struct pit must be
 * serialized by the caller (one lock for vCPU port I/O and the timer thread).
 */
#ifndef TINYVMM_PIT_H
#define TINYVMM_PIT_H

#include <stdint.h>
#include <stdbool.h>

#include "clock.h"
#include "irqline.h"

#define PIT_FREQ_HZ	1193182		/* input clock: 14.31818 MHz crystal / 12 */

#define PIT_PORT_CH0	0x40
#define PIT_PORT_CH1	0x41
#define PIT_PORT_CH2	0x42
#define PIT_PORT_CONTROL 0x43		/* write-only control word register */
#define PIT_PORT_SYSCTL	0x61		/* PC "system control port B" */
#define PIT_IRQ		0		/* channel 0 OUT is wired to ISA IRQ0 */

/* M2-M0 of the control word (datasheet "Operating Modes"); 6 and 7 fold to 2 and 3. */
enum pit_mode {
	PIT_MODE_INTERRUPT_ON_TC = 0,	/* mode 0: OUT rises at terminal count, stays high */
	PIT_MODE_ONESHOT	 = 1,	/* mode 1: gate-triggered, retriggerable low pulse */
	PIT_MODE_RATE_GEN	 = 2,	/* mode 2: divide by N, OUT low one clock per period */
	PIT_MODE_SQUARE_WAVE	 = 3,	/* mode 3: divide by N, OUT high half, low half */
	PIT_MODE_SW_STROBE	 = 4,	/* mode 4: one low clock at terminal count */
	PIT_MODE_HW_STROBE	 = 5,	/* mode 5: like 4, started by a gate rising edge */
};

/* RW1-RW0 of the control word: how the 8-bit bus reaches the 16-bit counter. */
enum pit_access {
	PIT_ACCESS_LATCH   = 0,		/* not a mode: "counter latch command" */
	PIT_ACCESS_LSB	   = 1,		/* read/write the low byte only */
	PIT_ACCESS_MSB	   = 2,		/* read/write the high byte only */
	PIT_ACCESS_LSB_MSB = 3,		/* low byte first, then high byte */
};

struct pit_channel {
	/* programming, from the last control word */
	uint8_t control;		/* control word bits 5-0 (RW, M, BCD), echoed by the status byte */
	enum pit_mode mode;
	enum pit_access access;
	bool bcd;			/* count in 4 BCD decades (0-9999) instead of binary */

	/* count register (CR) and the byte toggles of the 8-bit bus */
	uint16_t count;			/* reload value as written; 0 means 65536 (10000 in BCD) */
	bool count_written;		/* a count was written since the control word */
	uint8_t write_lsb;		/* low byte of a two-byte write, waiting for the high byte */
	bool write_msb_next;		/* LSB_MSB access: next write is the high byte */
	bool read_msb_next;		/* LSB_MSB access: next read is the high byte */

	/* output latch (counter latch / read-back) and status latch */
	uint16_t latched_count;
	bool count_latched;
	uint8_t status;
	bool status_latched;

	/* the counting element (CE), described by when it started, not by ticking */
	bool gate;			/* GATE input level */
	bool started;			/* CE loaded and counting (modes 1/5: triggered) */
	bool null_count;		/* CR written but not yet moved into the CE */
	uint64_t load_time_ns;		/* start of the current run: load, trigger or gate rise */
	uint64_t ticks_before;		/* clocks counted before load_time_ns (gate pauses in modes 0/4) */
	uint32_t period;		/* N: what the CE was loaded with, 1..65536 */
	uint64_t period_start;		/* clock number (see ticks_before) at which N was loaded */
	uint32_t phase;			/* where in N's wave period_start is: 0, or mode 3's low half */
	bool reload_pending;		/* modes 2/3: a new count waits for the end of the (half-)period */
	bool reload_low;		/* ... which is the end of mode 3's high half: a low half starts */
	uint64_t reload_at;		/* ... and the clock number at which it gets loaded */
	uint16_t idle_count;		/* what a read returns while the CE is not counting */
};

struct pit {
	struct pit_channel ch[3];
	struct clock *clock;
	struct irq_line irq0;		/* channel 0 OUT drives this line (ISA IRQ0) */
	int irq0_level;			/* last level driven on irq0 */
	uint64_t irq0_rises;		/* rising edges driven on irq0 so far (the wiring rate-limits on it) */
	uint64_t irq0_update_ns;	/* time of the last pit_update() */
	uint8_t port61;			/* port 0x61 as last written (bit0 gate2, bit1 speaker data) */
};

/* Power-up state (undefined on the chip): every channel as if just given the
 * control word "mode 0, LSB then MSB, binary" - OUT low, nothing counting. */
void pit_init(struct pit *p, struct clock *clk, struct irq_line irq0);

uint8_t pit_port_read(struct pit *p, uint16_t port);		/* 0x40-0x43 and 0x61 */
void pit_port_write(struct pit *p, uint16_t port, uint8_t val);
void pit_set_gate(struct pit *p, int channel, bool level);
bool pit_out(struct pit *p, int channel);			/* OUT level at clock_now_ns() */

/*
 * Time-driven interrupt output.
 *
 * pit_next_event_ns(): absolute time (ns, same clock) of the next change of
 * channel 0's OUT, or UINT64_MAX if OUT will not change unless the guest
 * reprograms the timer (mode 0 after terminal count, nothing loaded, ...).
 *
 * pit_update(): drive irq0 to channel 0's OUT level at clock_now_ns().  Call
 * it at or after the time pit_next_event_ns() returned; being late is fine.
 * Periods that passed unseen coalesce into one edge (as a PIC's IRR bit that
 * is already set would), but a rising edge since the previous call is never
 * lost: if OUT went low and high again meanwhile, the line is driven 0 then 1
 * (and back to 0 if OUT is low now), so an edge-triggered PIC latches it.
 * Port writes and gate changes that move channel 0's OUT update irq0 at once.
 */
uint64_t pit_next_event_ns(struct pit *p);
void pit_update(struct pit *p);

#endif
