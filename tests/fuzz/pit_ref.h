/*
 * pit_ref.h - a reference 8254 for fuzz_pit.c, written from the datasheet
 * (Intel 8254 Programmable Interval Timer, order number 231164: "Operating
 * Modes", "Gate Pin Operations Summary", "Read Operations", "Read-Back
 * Command", "Null Count"), not from src/devices/pit.c.
 *
 * pit.c computes every value from formulas in the elapsed time.  This one
 * keeps the chip's state - count register (CR), counting element (CE), OUT,
 * the byte pointers, the latches - and changes it one CLK at a time, the way
 * the datasheet describes each mode.  Only whole cycles of a state that is
 * known to repeat are skipped (modes 2 and 3 repeat every N clocks once no
 * new count waits; in modes 0, 1, 4, 5 after terminal count OUT stays put
 * and the CE just wraps), so a jump of 2^40 ns costs at most a few times
 * 65536 ticks.
 *
 * Where the datasheet leaves something open, the reference takes pit.c's
 * documented choice, named here so a reader can tell datasheet from choice:
 *  - a count or trigger takes effect at the write or the GATE edge itself,
 *    not at the next CLK pulse, and each channel's CLK edges fall at
 *    anchor + k * (1e9 / 1193182) ns, the anchor being the last load,
 *    trigger, or (modes 0 and 4) the GATE rise that resumed counting;
 *  - a count of 1 in modes 2 and 3 (below the datasheet's minimum of 2) runs
 *    as 2;
 *  - the power-up state is "control word mode 0, LSB then MSB, binary" with
 *    GATE high on channels 0 and 1 and low on channel 2 (port 0x61 bit 0);
 *  - a count that is not BCD in BCD mode is undefined: the channel is marked
 *    and not compared until its next control word or full load;
 *  - the CE's value is unknown after a control word until a count is loaded
 *    (modes 1 and 5: until the trigger): reads are then not compared.
 */
#ifndef TINYVMM_PIT_REF_H
#define TINYVMM_PIT_REF_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#define REF_CLK_HZ	1193182u

/* The tick loop is the reference's hot path; coverage feedback belongs to
 * the model, so these functions are left out of libFuzzer's instrumentation
 * (with it, fuzz_pit ran about 10 times fewer inputs per second). */
#if defined(__clang__) && __clang_major__ >= 13
#define REF_HOT __attribute__((no_sanitize("coverage")))
#else
#define REF_HOT
#endif

struct ref_ch {
	/* the last control word */
	uint8_t control;		/* bits 5-0, echoed by the status byte */
	int mode;			/* 0-5 (6 and 7 are 2 and 3) */
	int rw;				/* 1 LSB, 2 MSB, 3 LSB then MSB */
	bool bcd;

	/* CR and the bus */
	uint16_t cr;
	bool cr_written;		/* a whole count since the control word */
	uint8_t lsb;			/* first byte of a two-byte write */
	bool wr_msb, rd_msb;		/* next write / read is the MSB: separate pointers */
	bool null_count;

	/* output latch and status latch */
	bool ol_latched, ol_known, st_latched, st_known;
	uint32_t ol;			/* binary value, encoded at read time */
	uint8_t st;

	/* CE and OUT */
	bool loaded;			/* the CE holds a known count */
	bool running;			/* not stopped by a control word or mode 0's first byte */
	uint32_t ce;			/* 0..modulus (modulus: a full count not yet decremented) */
	uint32_t n;			/* the count in use, 1..modulus (more if undefined) */
	bool pending;			/* modes 2, 3: CR waits for the end of the (half-)period */
	bool fired, strobe;		/* modes 4, 5: the strobe happened / is on for this clock */
	bool out, gate;
	bool undefined;			/* invalid BCD count: not compared */

	uint64_t anchor_ns, ticks_done;	/* the CLK grid (see above) */
};

struct ref_pit {
	struct ref_ch ch[3];
	bool rose0;			/* OUT0 rose since the harness last cleared it */
	uint64_t changes0;		/* changes of OUT0 so far */
};

REF_HOT static uint32_t ref_modulus(const struct ref_ch *c) { return c->bcd ? 10000 : 65536; }

REF_HOT static void ref_set_out(struct ref_pit *r, int i, bool v)
{
	if (i == 0 && v != r->ch[0].out) {
		r->changes0++;
		if (v)
			r->rose0 = true;
	}
	r->ch[i].out = v;
}

/* CR as a number of clocks: 0 is the largest count; invalid BCD is flagged. */
REF_HOT static uint32_t ref_cr_count(const struct ref_ch *c, bool *valid)
{
	uint32_t v = c->cr;

	*valid = true;
	if (c->bcd) {
		for (int s = 0; s < 16; s += 4)
			if ((c->cr >> s & 15) > 9)
				*valid = false;
		v = (c->cr >> 12) * 1000 + (c->cr >> 8 & 15) * 100 + (c->cr >> 4 & 15) * 10 + (c->cr & 15);
	}
	if (v == 0)
		v = ref_modulus(c);
	if (v == 1 && (c->mode == 2 || c->mode == 3))
		v = 2;			/* pit.c's choice for an illegal count */
	return v;
}

/* Mode 3 keeps an even number in the CE: an odd N is loaded as N - 1. */
REF_HOT static uint32_t ref_ce_start(const struct ref_ch *c) { return c->mode == 3 ? c->n & ~1u : c->n; }

/* Known again after a control word or a load: OUT before was a guess, so its
 * change now is not an edge to hold the model to. */
static void ref_leave_undefined(struct ref_pit *r, int i)
{
	if (!r->ch[i].undefined)
		return;
	r->ch[i].undefined = false;
	if (i == 0)
		r->rose0 = false;
}

/* CR -> CE: a load, a trigger, or a GATE rise in modes 2 and 3. */
static void ref_load(struct ref_pit *r, int i, uint64_t now)
{
	struct ref_ch *c = &r->ch[i];
	bool valid;

	c->n = ref_cr_count(c, &valid);
	c->ce = ref_ce_start(c);
	c->loaded = c->running = true;
	c->pending = c->fired = c->strobe = false;
	c->null_count = false;
	c->anchor_ns = now;
	c->ticks_done = 0;
	/* mode 0: low until terminal count; mode 1: the trigger drops OUT;
	 * 2, 3: a period starts high; 4, 5: high until the strobe */
	ref_set_out(r, i, c->mode != 0 && c->mode != 1);
	ref_leave_undefined(r, i);
	c->undefined = !valid;
}

/* Modes 2 and 3 at the end of a (half-)period: take a waiting CR, or N again. */
REF_HOT static void ref_reload(struct ref_ch *c)
{
	bool valid;

	if (c->pending) {
		c->n = ref_cr_count(c, &valid);
		c->undefined |= !valid;
		c->pending = false;
		c->null_count = false;
	}
	c->ce = ref_ce_start(c);
}

REF_HOT static uint32_t ref_dec(const struct ref_ch *c, uint32_t v, uint32_t by)
{
	uint32_t m = ref_modulus(c);

	v %= m;
	return v >= by ? v - by : v + m - by;
}

/* One CLK pulse on a counting channel (datasheet, "Operating Modes"). */
REF_HOT static void ref_tick(struct ref_pit *r, int i)
{
	struct ref_ch *c = &r->ch[i];

	switch (c->mode) {
	case 0:		/* OUT rises when the count reaches 0 and stays high */
	case 1:		/* the one-shot pulse ends at 0 */
		c->ce = ref_dec(c, c->ce, 1);
		if (c->ce == 0)
			ref_set_out(r, i, true);
		break;
	case 2:		/* OUT low while the count is 1; the next clock reloads */
		if (c->ce == 1) {
			ref_reload(c);
			ref_set_out(r, i, true);
		} else {
			c->ce = ref_dec(c, c->ce, 1);
			if (c->ce == 1)
				ref_set_out(r, i, false);
		}
		break;
	case 3:		/* count by two; at 0 OUT toggles and N is reloaded,
			 * except that an odd N's high half holds 0 one clock more */
		if (c->out && c->ce == 0 && (c->n & 1)) {
			ref_set_out(r, i, false);
			ref_reload(c);
			break;
		}
		c->ce = ref_dec(c, c->ce, 2);
		if (c->ce == 0 && !(c->out && (c->n & 1))) {
			ref_set_out(r, i, !c->out);
			ref_reload(c);
		}
		break;
	default:	/* 4, 5: OUT low for the one clock the count is 0, once */
		if (c->strobe) {
			c->strobe = false;
			ref_set_out(r, i, true);
		}
		c->ce = ref_dec(c, c->ce, 1);
		if (c->ce == 0 && !c->fired) {
			c->fired = c->strobe = true;
			ref_set_out(r, i, false);
		}
		break;
	}
}

REF_HOT static bool ref_counting(const struct ref_ch *c)
{
	if (!c->loaded || !c->running)
		return false;
	return c->mode == 1 || c->mode == 5 || c->gate;	/* GATE low stops 0, 2, 3, 4 */
}

/* Clocks after which the state is the same again, or 0 if not known yet. */
REF_HOT static uint32_t ref_cycle(const struct ref_ch *c)
{
	if ((c->mode == 2 || c->mode == 3) && !c->pending)
		return c->n;
	if ((c->mode == 0 || c->mode == 1) && c->out)
		return ref_modulus(c);
	if ((c->mode == 4 || c->mode == 5) && c->fired && !c->strobe)
		return ref_modulus(c);
	return 0;
}

REF_HOT static void ref_advance(struct ref_pit *r, int i, uint64_t now)
{
	struct ref_ch *c = &r->ch[i];
	uint64_t target, k;

	if (!ref_counting(c) || now < c->anchor_ns)
		return;
	target = (uint64_t)((unsigned __int128)(now - c->anchor_ns) * REF_CLK_HZ / 1000000000u);
	k = target - c->ticks_done;
	c->ticks_done = target;
	while (k) {
		uint32_t cyc = ref_cycle(c);

		if (cyc && k >= cyc) {
			if (i == 0 && (c->mode == 2 || c->mode == 3)) {
				r->rose0 = true;	/* every period has its rise */
				r->changes0 += 2;
			}
			k %= cyc;
			continue;
		}
		ref_tick(r, i);
		k--;
	}
}

static void ref_sync(struct ref_pit *r, uint64_t now)
{
	for (int i = 0; i < 3; i++)
		ref_advance(r, i, now);
}

static void ref_init(struct ref_pit *r)
{
	memset(r, 0, sizeof(*r));
	for (int i = 0; i < 3; i++) {
		r->ch[i].control = 3 << 4;
		r->ch[i].rw = 3;
		r->ch[i].null_count = true;
		r->ch[i].gate = i != 2;
	}
}

/* "When a Control Word is written to a Counter, all Control Logic is
 * immediately reset and OUT goes to a known initial state"; Null Count = 1. */
static void ref_control(struct ref_pit *r, int i, uint8_t cw)
{
	struct ref_ch *c = &r->ch[i];
	int m = cw >> 1 & 7;

	c->control = cw & 0x3f;
	c->rw = cw >> 4 & 3;
	c->mode = m > 5 ? m - 4 : m;
	c->bcd = cw & 1;
	c->cr_written = c->wr_msb = c->rd_msb = false;
	c->ol_latched = c->st_latched = false;
	c->null_count = true;
	c->loaded = c->running = c->pending = c->fired = c->strobe = false;
	ref_set_out(r, i, c->mode != 0);
	ref_leave_undefined(r, i);
}

static void ref_latch_count(struct ref_ch *c)
{
	if (c->ol_latched)
		return;			/* a second latch before the read is ignored */
	c->ol_latched = true;
	c->ol_known = c->loaded && !c->undefined;
	c->ol = c->ce % ref_modulus(c);
}

static void ref_latch_status(struct ref_ch *c)
{
	if (c->st_latched)
		return;
	c->st_latched = true;
	c->st_known = !c->undefined;
	c->st = (uint8_t)((c->out ? 0x80 : 0) | (c->null_count ? 0x40 : 0) | c->control);
}

static void ref_gate(struct ref_pit *r, int i, bool level, uint64_t now)
{
	struct ref_ch *c = &r->ch[i];

	if (level == c->gate)
		return;
	c->gate = level;
	if (!level) {
		if (c->mode == 2 || c->mode == 3)
			ref_set_out(r, i, true);	/* "sets OUT high immediately" */
		return;
	}
	if (c->mode == 0 || c->mode == 4) {
		c->anchor_ns = now;			/* counting resumes */
		c->ticks_done = 0;
	} else if (c->cr_written) {
		ref_load(r, i, now);			/* trigger: 1, 5 start; 2, 3 restart */
	}
}

static void ref_data_write(struct ref_pit *r, int i, uint8_t val, uint64_t now)
{
	struct ref_ch *c = &r->ch[i];

	if (c->rw == 3 && !c->wr_msb) {
		c->lsb = val;
		c->wr_msb = true;
		if (c->mode == 0) {			/* "writing the first byte disables counting" */
			c->running = false;
			ref_set_out(r, i, false);
		}
		return;
	}
	c->wr_msb = false;
	c->cr = c->rw == 1 ? val : c->rw == 2 ? (uint16_t)(val << 8) : (uint16_t)(c->lsb | val << 8);
	c->cr_written = true;
	c->null_count = true;
	switch (c->mode) {
	case 0: case 4:
		ref_load(r, i, now);
		break;
	case 2: case 3:
		if (!c->loaded)
			ref_load(r, i, now);
		else if (c->gate)
			c->pending = true;	/* end of the current period / half-cycle */
		break;				/* GATE low: its rise loads CR */
	default:
		break;				/* 1, 5: waits for a trigger */
	}
}

/* The byte a read of counter i returns; *known = false if the chip's is undefined. */
static uint8_t ref_data_read(struct ref_pit *r, int i, bool *known)
{
	struct ref_ch *c = &r->ch[i];
	uint32_t v;
	uint16_t enc;

	if (c->st_latched) {
		c->st_latched = false;
		*known = c->st_known;
		return c->st;
	}
	if (c->ol_latched) {
		v = c->ol;
		*known = c->ol_known;
	} else {
		v = c->ce % ref_modulus(c);
		*known = c->loaded && !c->undefined;
	}
	enc = c->bcd ? (uint16_t)((v / 1000 % 10) << 12 | (v / 100 % 10) << 8 | (v / 10 % 10) << 4 | v % 10)
		     : (uint16_t)v;
	if (c->rw == 3 && !c->rd_msb) {
		c->rd_msb = true;
		return enc & 0xff;
	}
	c->rd_msb = false;
	c->ol_latched = false;
	return c->rw == 1 ? enc & 0xff : enc >> 8;
}

static void ref_port_write(struct ref_pit *r, uint16_t port, uint8_t val, uint64_t now)
{
	ref_sync(r, now);
	if (port >= 0x40 && port <= 0x42) {
		ref_data_write(r, port - 0x40, val, now);
	} else if (port == 0x43) {
		int sc = val >> 6;

		if (sc == 3) {				/* read-back */
			for (int i = 0; i < 3; i++) {
				if (!(val & 2 << i))
					continue;
				if (!(val & 0x20))
					ref_latch_count(&r->ch[i]);
				if (!(val & 0x10))
					ref_latch_status(&r->ch[i]);
			}
		} else if ((val >> 4 & 3) == 0) {
			ref_latch_count(&r->ch[sc]);
		} else {
			ref_control(r, sc, val);
		}
	} else if (port == 0x61) {
		ref_gate(r, 2, val & 1, now);
	}
}

#endif
