/*
 * pit.c - the Intel 8254 Programmable Interval Timer.
 *
 * Datasheet: Intel "82C54 CHMOS Programmable Interval Timer", order number
 * 231244.  Section and mode names below refer to it.
 *
 * The 8254 holds three independent 16-bit down-counters.  Each has a CLK
 * input, a GATE input and an OUT output.  On a PC all three CLK inputs are fed
 * 1.193182 MHz (the 14.31818 MHz colour-burst crystal divided by 12), and:
 *
 *   channel 0  GATE tied high; OUT is IRQ0, the system timer tick.
 *   channel 1  GATE tied high; OUT used to pace DRAM refresh.  Nothing uses
 *              it today, but BIOS delay loops still watch the "refresh
 *              toggle" in port 0x61 bit 4, which we derive from the clock.
 *   channel 2  GATE is port 0x61 bit 0; OUT is readable as port 0x61 bit 5
 *              and, ANDed with bit 1, drives the PC speaker (not modelled).
 *
 * Ports 0x40-0x42 read and write the counters, 0x43 takes control words.
 *
 * A real counter decrements on every CLK edge.  We never tick: each channel
 * remembers when it was loaded, and the count and OUT at any moment are
 * functions of the clocks elapsed since then, d = (now - load) * 1193182 / 1e9.
 * Each mode is then a small formula in d and the loaded count N (wave_*).
 * Simplification: the chip moves a new count into the counter on the next
 * CLK edge after the write; we load it at the instant of the write.
 */
#include <string.h>

#include "pit.h"

/* control word, written to port 0x43 (datasheet "Control Word Format") */
#define CW_SC_SHIFT	6	/* D7-D6 SC1-SC0: select counter 0-2 ... */
#define CW_SC_READBACK	3	/*        ... or 3: this is a read-back command */
#define CW_RW_SHIFT	4	/* D5-D4 RW1-RW0: enum pit_access (0 = latch command) */
#define CW_M_SHIFT	1	/* D3-D1 M2-M0: enum pit_mode (6, 7 = 2, 3) */
#define CW_BCD		0x01	/* D0: count in BCD */
#define CW_PROGRAM_MASK	0x3f	/* RW, M and BCD: what the status byte echoes */

/* read-back command (SC = 3; datasheet "Read-Back Command") */
#define RB_NO_COUNT	0x20	/* D5 COUNT#: 0 = latch the count of the selected counters */
#define RB_NO_STATUS	0x10	/* D4 STATUS#: 0 = latch their status */
#define RB_SELECT(i)	(0x02 << (i))	/* D1-D3: select counter i */

/* status byte (datasheet "Status Byte") */
#define ST_OUT		0x80	/* D7: level of the OUT pin */
#define ST_NULL_COUNT	0x40	/* D6: last count written not yet loaded into the counter */

/* PC port 0x61, "system control port B" (not part of the 8254) */
#define SYSCTL_GATE2	0x01	/* write: channel 2 GATE */
#define SYSCTL_SPEAKER	0x02	/* write: speaker data enable */
#define SYSCTL_WRITABLE	0x0f	/* bits 2-3 (parity/IOCHK enables) read back as written */
#define SYSCTL_REFRESH	0x10	/* read: toggles on every DRAM refresh cycle */
#define SYSCTL_OUT2	0x20	/* read: channel 2 OUT */

/* The BIOS programmed channel 1 with N = 18: a refresh every 15.09 us. */
#define REFRESH_TICKS	18

#define NO_EDGE		UINT64_MAX

/* ---- time: nanoseconds <-> input clocks, exact integer math ---- */

static uint64_t ns_to_ticks(uint64_t ns)
{
	return (unsigned __int128)ns * PIT_FREQ_HZ / 1000000000u;
}

/* First nanosecond offset at which 'ticks' clocks have elapsed (rounds up,
 * so ns_to_ticks(ticks_to_ns(k)) == k: an event is never reported early). */
static uint64_t ticks_to_ns(uint64_t ticks)
{
	return ((unsigned __int128)ticks * 1000000000u + PIT_FREQ_HZ - 1) / PIT_FREQ_HZ;
}

static uint32_t bcd_to_bin(uint16_t v)
{
	return (v >> 12) * 1000 + ((v >> 8) & 15) * 100 + ((v >> 4) & 15) * 10 + (v & 15);
}

static uint16_t bin_to_bcd(uint32_t v)
{
	return (v / 1000) << 12 | (v / 100 % 10) << 8 | (v / 10 % 10) << 4 | v % 10;
}

/* ---- the six modes as pure functions of N and d (clocks since N was loaded) ---- */

static bool wave_out(enum pit_mode m, uint32_t n, uint64_t d)
{
	switch (m) {
	case PIT_MODE_INTERRUPT_ON_TC:	/* low until the count reaches 0 */
	case PIT_MODE_ONESHOT:
		return d >= n;
	case PIT_MODE_RATE_GEN:		/* low while the count is 1, then reload */
		return d % n != n - 1;
	case PIT_MODE_SQUARE_WAVE:	/* high ceil(N/2) clocks, low floor(N/2) */
		return d % n < (n + 1) / 2;
	default:			/* modes 4, 5: low for the one clock at count 0 */
		return d != n;
	}
}

/* The counter's value (binary, 0..modulus-1) d clocks after loading N. */
static uint32_t wave_count(enum pit_mode m, uint32_t n, uint64_t d, uint32_t modulus)
{
	uint64_t v, p, half = (n + 1) / 2;

	switch (m) {
	case PIT_MODE_RATE_GEN:		/* N, N-1, ..., 1, N, ... */
		v = n - d % n;
		break;
	case PIT_MODE_SQUARE_WAVE:
		/* Counts down by two, once per half; an odd N first drops its low
		 * bit (datasheet mode 3 "odd counts"), hence N & ~1. */
		p = d % n;
		v = (n & ~1u) - 2 * (p < half ? p : p - half);
		break;
	default:
		/* Modes 0, 1, 4, 5 do not reload: after 0 the counter wraps to
		 * FFFF (9999 in BCD) and keeps counting; OUT no longer cares. */
		v = n + modulus - d % modulus;
		break;
	}
	return v % modulus;
}

/* First clock number > d at which OUT changes, or NO_EDGE. */
static uint64_t wave_next_change(enum pit_mode m, uint32_t n, uint64_t d)
{
	uint64_t period_base = d - d % n;

	switch (m) {
	case PIT_MODE_INTERRUPT_ON_TC:
	case PIT_MODE_ONESHOT:
		return d < n ? n : NO_EDGE;
	case PIT_MODE_RATE_GEN:
		return d % n < n - 1 ? period_base + n - 1 : period_base + n;
	case PIT_MODE_SQUARE_WAVE:
		return d % n < (n + 1) / 2 ? period_base + (n + 1) / 2 : period_base + n;
	default:
		return d < n ? n : d == n ? n + 1 : NO_EDGE;
	}
}

/* ---- one channel ---- */

/* Modes 1 and 5 are started by a GATE rising edge; in the others a low GATE
 * stops the counter (datasheet table "Gate Pin Operations Summary"). */
static bool gate_level_matters(enum pit_mode m)
{
	return m != PIT_MODE_ONESHOT && m != PIT_MODE_HW_STROBE;
}

/* Modes 2 and 3 reload by themselves and run forever. */
static bool is_periodic(enum pit_mode m)
{
	return m == PIT_MODE_RATE_GEN || m == PIT_MODE_SQUARE_WAVE;
}

static bool ch_counting(const struct pit_channel *c)
{
	return c->started && (c->gate || !gate_level_matters(c->mode));
}

/* Clocks the counter has counted since it was loaded, at time 'now'. */
static uint64_t ch_ticks(const struct pit_channel *c, uint64_t now)
{
	uint64_t t = c->ticks_before;

	if (ch_counting(c) && now > c->load_time_ns)
		t += ns_to_ticks(now - c->load_time_ns);
	return t;
}

/* N for the count register: 0 stands for the largest count. */
static uint32_t ch_cr_period(const struct pit_channel *c)
{
	uint32_t n = c->bcd ? bcd_to_bin(c->count) : c->count;

	if (n == 0)
		n = c->bcd ? 10000 : 65536;
	/* The datasheet calls N = 1 illegal in modes 2 and 3; treat it as 2
	 * rather than divide a period of one clock into two phases. */
	if (n == 1 && is_periodic(c->mode))
		n = 2;
	return n;
}

/* Where clock number t falls in the wave of the current N (the d of wave_*). */
static uint64_t ch_pos(const struct pit_channel *c, uint64_t t)
{
	return t - c->period_start + c->phase;
}

/* ... and back: the clock number of wave position k (k >= phase). */
static uint64_t ch_clock_of(const struct pit_channel *c, uint64_t k)
{
	return c->period_start + (k - c->phase);
}

/* Move CR into the counting element and start counting now. */
static void ch_load(struct pit_channel *c, uint64_t now)
{
	c->period = ch_cr_period(c);
	c->period_start = 0;
	c->phase = 0;
	c->ticks_before = 0;
	c->load_time_ns = now;
	c->started = true;
	c->null_count = false;
	c->reload_pending = false;
}

/*
 * Modes 2 and 3: a count written while counting does not disturb the current
 * sequence.  Mode 2 loads it at the end of the current period; mode 3 at the
 * end of the current half-cycle (datasheet, mode 3).  Ending the high half,
 * the new count starts with its low half: the wave of the new N is entered
 * at position ceil(N/2) (ch_sync sets 'phase').
 */
static void ch_defer_reload(struct pit_channel *c, uint64_t now)
{
	uint64_t d = ch_pos(c, ch_ticks(c, now)), base = d - d % c->period;
	uint64_t high = (c->period + 1) / 2;

	c->reload_low = c->mode == PIT_MODE_SQUARE_WAVE && d % c->period < high;
	c->reload_at = ch_clock_of(c, base + (c->reload_low ? high : c->period));
	c->reload_pending = true;
}

/* Catch up with a deferred reload whose time has come.  This changes nothing
 * a guest can see; it only keeps the formulas below to one N at a time. */
static void ch_sync(struct pit_channel *c, uint64_t now)
{
	if (c->reload_pending && ch_ticks(c, now) >= c->reload_at) {
		c->period = ch_cr_period(c);
		c->period_start = c->reload_at;
		c->phase = c->reload_low ? (c->period + 1) / 2 : 0;
		c->reload_pending = false;
		c->null_count = false;
	}
}

static bool ch_out(const struct pit_channel *c, uint64_t now)
{
	if (!c->started)	/* the state a control word leaves OUT in */
		return c->mode != PIT_MODE_INTERRUPT_ON_TC;
	if (!c->gate && is_periodic(c->mode))
		return true;	/* modes 2, 3: GATE low forces OUT high at once */
	return wave_out(c->mode, c->period, ch_pos(c, ch_ticks(c, now)));
}

/* The count as the chip would present it (BCD-encoded if so programmed). */
static uint16_t ch_count(const struct pit_channel *c, uint64_t now)
{
	uint32_t v;

	if (!c->started)
		return c->idle_count;
	v = wave_count(c->mode, c->period, ch_pos(c, ch_ticks(c, now)),
		       c->bcd ? 10000 : 65536);
	return c->bcd ? bin_to_bcd(v) : v;
}

/* Stop counting, freezing the counter where it is. */
static void ch_stop(struct pit_channel *c, uint64_t now)
{
	c->idle_count = ch_count(c, now);
	c->started = false;
}

/* A control word resets the channel's control logic; OUT goes to its
 * initial state and waits for a count (datasheet "Write Operations"). */
static void ch_set_control(struct pit_channel *c, uint8_t cw, uint64_t now)
{
	unsigned m = (cw >> CW_M_SHIFT) & 7;

	ch_stop(c, now);
	c->control = cw & CW_PROGRAM_MASK;
	c->access = (cw >> CW_RW_SHIFT) & 3;
	c->mode = m > 5 ? m - 4 : m;	/* M2 is "don't care" in modes 2 and 3 */
	c->bcd = cw & CW_BCD;
	c->count_written = false;
	c->null_count = true;
	c->reload_pending = false;
	c->write_msb_next = c->read_msb_next = false;
	c->count_latched = c->status_latched = false;
}

/* A complete count arrived in CR: what happens next depends on the mode. */
static void ch_set_count(struct pit_channel *c, uint16_t cr, uint64_t now)
{
	c->count = cr;
	c->count_written = true;
	c->null_count = true;
	switch (c->mode) {
	case PIT_MODE_ONESHOT:
	case PIT_MODE_HW_STROBE:
		break;			/* waits for a GATE trigger */
	case PIT_MODE_RATE_GEN:
	case PIT_MODE_SQUARE_WAVE:
		if (!c->started)
			ch_load(c, now);
		else if (ch_counting(c))
			ch_defer_reload(c, now);
		break;			/* GATE low: its rising edge will load CR */
	default:			/* modes 0, 4: restart with the new count */
		ch_load(c, now);
		break;
	}
}

/* One byte from the bus.  With LSB_MSB access a count takes two writes. */
static void ch_write(struct pit_channel *c, uint8_t val, uint64_t now)
{
	if (c->access == PIT_ACCESS_LSB_MSB && !c->write_msb_next) {
		c->write_lsb = val;
		c->write_msb_next = true;
		/* Mode 0: "writing the first byte disables counting"; OUT
		 * drops at once, so a guest can rearm without a stray edge. */
		if (c->mode == PIT_MODE_INTERRUPT_ON_TC)
			ch_stop(c, now);
		return;
	}
	c->write_msb_next = false;
	if (c->access == PIT_ACCESS_LSB)
		ch_set_count(c, val, now);
	else if (c->access == PIT_ACCESS_MSB)
		ch_set_count(c, (uint16_t)(val << 8), now);
	else
		ch_set_count(c, (uint16_t)(c->write_lsb | val << 8), now);
}

/* Reads return, in order: a latched status, a latched count, the live count.
 * A latch holds until it is read in full, so a two-byte read is consistent;
 * without one, the two bytes of a running counter may not match. */
static uint8_t ch_read(struct pit_channel *c, uint64_t now)
{
	uint16_t v;

	if (c->status_latched) {
		c->status_latched = false;
		return c->status;
	}
	v = c->count_latched ? c->latched_count : ch_count(c, now);
	if (c->access == PIT_ACCESS_LSB_MSB && !c->read_msb_next) {
		c->read_msb_next = true;	/* low byte now, high byte next */
		return v & 0xff;
	}
	c->read_msb_next = false;
	c->count_latched = false;		/* the read is complete */
	return c->access == PIT_ACCESS_LSB ? v & 0xff : v >> 8;
}

/* A second latch before the first is read is ignored (datasheet). */
static void ch_latch_count(struct pit_channel *c, uint64_t now)
{
	if (!c->count_latched) {
		c->latched_count = ch_count(c, now);
		c->count_latched = true;
	}
}

static void ch_latch_status(struct pit_channel *c, uint64_t now)
{
	if (!c->status_latched) {
		c->status = (ch_out(c, now) ? ST_OUT : 0) |
			    (c->null_count ? ST_NULL_COUNT : 0) | c->control;
		c->status_latched = true;
	}
}

static void ch_set_gate(struct pit_channel *c, bool level, uint64_t now)
{
	if (level == c->gate)
		return;
	if (!level) {
		if (gate_level_matters(c->mode))	/* freeze: d stops growing */
			c->ticks_before = ch_ticks(c, now);
		c->gate = false;
		return;
	}
	c->gate = true;
	if (c->mode == PIT_MODE_INTERRUPT_ON_TC || c->mode == PIT_MODE_SW_STROBE)
		c->load_time_ns = now;		/* resume where it stopped */
	else if (c->count_written)
		ch_load(c, now);		/* modes 1, 5 trigger; 2, 3 restart */
}

/* ---- the chip ---- */

/* Every entry point starts here: read the clock once, catch up all channels. */
static uint64_t pit_sync(struct pit *p)
{
	uint64_t now = clock_now_ns(p->clock);

	for (int i = 0; i < 3; i++)
		ch_sync(&p->ch[i], now);
	return now;
}

void pit_init(struct pit *p, struct clock *clk, struct irq_line irq0)
{
	uint64_t now = clock_now_ns(clk);

	memset(p, 0, sizeof(*p));
	p->clock = clk;
	p->irq0 = irq0;
	for (int i = 0; i < 3; i++) {
		ch_set_control(&p->ch[i], PIT_ACCESS_LSB_MSB << CW_RW_SHIFT, now);
		p->ch[i].gate = i != 2;		/* channel 2's gate is port 0x61 bit 0 */
	}
	p->irq0_level = 0;			/* mode 0 before a count: OUT low */
	p->irq0_update_ns = now;
}

static void pit_readback(struct pit *p, uint8_t cmd, uint64_t now)
{
	for (int i = 0; i < 3; i++) {
		if (!(cmd & RB_SELECT(i)))
			continue;
		if (!(cmd & RB_NO_COUNT))
			ch_latch_count(&p->ch[i], now);
		if (!(cmd & RB_NO_STATUS))
			ch_latch_status(&p->ch[i], now);
	}
}

static void pit_control_write(struct pit *p, uint8_t cw, uint64_t now)
{
	unsigned sc = cw >> CW_SC_SHIFT;

	if (sc == CW_SC_READBACK)
		pit_readback(p, cw, now);
	else if (((cw >> CW_RW_SHIFT) & 3) == PIT_ACCESS_LATCH)
		ch_latch_count(&p->ch[sc], now);
	else
		ch_set_control(&p->ch[sc], cw, now);
}

static uint8_t pit_sysctl_read(struct pit *p, uint64_t now)
{
	bool refresh = ns_to_ticks(now) / REFRESH_TICKS & 1;

	return (p->port61 & SYSCTL_WRITABLE) | (refresh ? SYSCTL_REFRESH : 0) |
	       (ch_out(&p->ch[2], now) ? SYSCTL_OUT2 : 0);
}

uint8_t pit_port_read(struct pit *p, uint16_t port)
{
	uint64_t now = pit_sync(p);

	if (port >= PIT_PORT_CH0 && port <= PIT_PORT_CH2)
		return ch_read(&p->ch[port - PIT_PORT_CH0], now);
	if (port == PIT_PORT_SYSCTL)
		return pit_sysctl_read(p, now);
	return 0xff;		/* 0x43 cannot be read: the bus floats high */
}

void pit_port_write(struct pit *p, uint16_t port, uint8_t val)
{
	bool moves_irq0 = port == PIT_PORT_CH0 || port == PIT_PORT_CONTROL;
	uint64_t now;

	if (moves_irq0)
		pit_update(p);	/* deliver edges of the old programming first */
	now = pit_sync(p);
	if (port >= PIT_PORT_CH0 && port <= PIT_PORT_CH2)
		ch_write(&p->ch[port - PIT_PORT_CH0], val, now);
	else if (port == PIT_PORT_CONTROL)
		pit_control_write(p, val, now);
	else if (port == PIT_PORT_SYSCTL) {
		p->port61 = val;
		ch_set_gate(&p->ch[2], val & SYSCTL_GATE2, now);
	}
	if (moves_irq0)
		pit_update(p);	/* e.g. a control word just set OUT */
}

void pit_set_gate(struct pit *p, int channel, bool level)
{
	if (channel < 0 || channel > 2)
		return;
	if (channel == 0)
		pit_update(p);
	ch_set_gate(&p->ch[channel], level, pit_sync(p));
	if (channel == 0)
		pit_update(p);
}

bool pit_out(struct pit *p, int channel)
{
	uint64_t now = pit_sync(p);

	return channel >= 0 && channel <= 2 && ch_out(&p->ch[channel], now);
}

/* ---- IRQ0 ---- */

uint64_t pit_next_event_ns(struct pit *p)
{
	uint64_t now = pit_sync(p);
	const struct pit_channel *c = &p->ch[0];
	uint64_t k;

	if (!ch_counting(c))
		return UINT64_MAX;
	k = wave_next_change(c->mode, c->period, ch_pos(c, ch_ticks(c, now)));
	if (k == NO_EDGE)
		return UINT64_MAX;
	return c->load_time_ns + ticks_to_ns(ch_clock_of(c, k) - c->ticks_before);
}

/* Did OUT rise at some moment in (since, now]?  Nothing about the channel
 * changed in between (every write calls pit_update), except perhaps a
 * deferred reload, due at the next change of OUT after the write: at the end
 * of a period it is itself a rising edge; at the end of mode 3's high half
 * OUT falls there, and rises when the new N's low half ends. */
static bool ch_rose_between(const struct pit_channel *c, uint64_t since, uint64_t now)
{
	uint64_t from, to, r;

	if (!ch_counting(c) || since >= now)
		return false;
	from = ch_ticks(c, since > c->load_time_ns ? since : c->load_time_ns);
	to = ch_ticks(c, now);
	if (from < c->period_start)
		return ch_clock_of(c, c->phase ? c->period : 0) <= to;
	/* The first rise is the next change, or the one after if that one falls. */
	r = wave_next_change(c->mode, c->period, ch_pos(c, from));
	if (r != NO_EDGE && !wave_out(c->mode, c->period, r))
		r = wave_next_change(c->mode, c->period, r);
	return r != NO_EDGE && ch_clock_of(c, r) <= to;
}

static void irq0_drive(struct pit *p, int level)
{
	if (level && !p->irq0_level)
		p->irq0_rises++;
	irq_line_set(&p->irq0, level);
	p->irq0_level = level;
}

void pit_update(struct pit *p)
{
	uint64_t now = pit_sync(p);
	int out = ch_out(&p->ch[0], now);

	/* Many periods may have passed; one edge stands for all of them. */
	if (ch_rose_between(&p->ch[0], p->irq0_update_ns, now)) {
		if (p->irq0_level)
			irq0_drive(p, 0);
		irq0_drive(p, 1);
	}
	if (out != p->irq0_level)
		irq0_drive(p, out);
	p->irq0_update_ns = now;
}
