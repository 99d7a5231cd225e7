/*
 * test_pic.c - unit tests for the 8259A pair (src/devices/pic.c).
 *
 * Each test programs the chips through their ports, exactly as a guest would,
 * drives lines with pic_set_irq() and plays the CPU with pic_intr() and
 * pic_intack().
 */
#include "tap.h"
#include "devices/pic.h"

#define EOI		0x20	/* OCW2 non-specific EOI */
#define SPECIFIC_EOI	0x60	/* OCW2 specific EOI, | level */
#define ROT_EOI		0xa0	/* OCW2 rotate on non-specific EOI */
#define ROT_SPEC_EOI	0xe0	/* OCW2 rotate on specific EOI, | level */
#define SET_PRIO	0xc0	/* OCW2 set priority, | lowest level */
#define ROT_AEOI_SET	0x80
#define ROT_AEOI_CLEAR	0x00
#define READ_IRR	0x0a	/* OCW3 */
#define READ_ISR	0x0b
#define POLL		0x0c
#define SMM_SET		0x68
#define SMM_RESET	0x48

static void wr(struct pic *p, uint16_t port, uint8_t v) { pic_port_write(p, port, v); }
static uint8_t rd(struct pic *p, uint16_t port) { return pic_port_read(p, port); }

/* What a PC BIOS does: master at vector 0x08, slave at 0x70, 8086 mode. */
static void bios_init(struct pic *p, uint8_t icw4)
{
	pic_init(p);
	wr(p, 0x20, 0x11); wr(p, 0x21, 0x08); wr(p, 0x21, 0x04); wr(p, 0x21, icw4);
	wr(p, 0xa0, 0x11); wr(p, 0xa1, 0x70); wr(p, 0xa1, 0x02); wr(p, 0xa1, icw4);
}

static uint8_t isr(struct pic *p, int chip)
{
	struct pic_state_summary s;

	pic_summary(p, &s);
	return s.isr[chip];
}

static uint8_t irr(struct pic *p, int chip)
{
	struct pic_state_summary s;

	pic_summary(p, &s);
	return s.irr[chip];
}

/* A pulse on an edge-triggered line: one rising edge. */
static void pulse(struct pic *p, int irq)
{
	pic_set_irq(p, irq, 1);
	pic_set_irq(p, irq, 0);
}

static void test_power_on(void)
{
	struct pic p;
	struct pic_state_summary s;

	pic_init(&p);
	pic_summary(&p, &s);
	ok(!pic_intr(&p), "power-on: no INTR");
	ok(s.irr[0] == 0 && s.isr[0] == 0 && s.imr[0] == 0 &&
	   s.irr[1] == 0 && s.isr[1] == 0 && s.imr[1] == 0, "power-on: all registers clear");
	is(rd(&p, 0x4d0), 0, "power-on: master ELCR all edge");
	is(rd(&p, 0x1234), 0xff, "unknown port reads 0xff");
}

static void test_bios_init(void)
{
	struct pic p;

	bios_init(&p, 0x01);
	is(p.chip[0].init_state, PIC_READY, "BIOS init: master ready");
	is(p.chip[1].init_state, PIC_READY, "BIOS init: slave ready");
	is(rd(&p, 0x21), 0x00, "ICW1 cleared the master IMR");
	pulse(&p, 1);
	ok(pic_intr(&p), "IRQ1 raises INTR");
	is(pic_intack(&p), 0x09, "IRQ1 -> vector 0x09");
	is(isr(&p, 0), 0x02, "IRQ1 in service");
	ok(!pic_intr(&p), "INTR drops after INTA");
	wr(&p, 0x20, EOI);
	is(isr(&p, 0), 0x00, "EOI clears ISR");
	pulse(&p, 0);
	is(pic_intack(&p), 0x08, "IRQ0 -> vector 0x08");
	wr(&p, 0x20, EOI);
	pulse(&p, 14);
	is(pic_intack(&p), 0x76, "IRQ14 -> vector 0x76");
}

static void test_single_mode_and_no_icw4(void)
{
	struct pic p;

	/* SNGL, no IC4: the sequence is ICW1, ICW2 and nothing else. */
	pic_init(&p);
	wr(&p, 0x20, 0x12);
	is(p.chip[0].init_state, PIC_WAIT_ICW2, "ICW1 waits for ICW2");
	wr(&p, 0x21, 0x40);
	is(p.chip[0].init_state, PIC_READY, "single mode without IC4: ready after ICW2");
	wr(&p, 0x21, 0xfe);
	is(rd(&p, 0x21), 0xfe, "next data write is OCW1 (IMR)");
	wr(&p, 0x21, 0x00);
	pulse(&p, 3);
	is(pic_intack(&p), 0x43, "single mode: IRQ3 -> base 0x40 + 3");
	is(isr(&p, 0), 0x08, "no ICW4 means no AEOI: ISR set");
	wr(&p, 0x20, EOI);
	/* In single mode the master supplies IR2's vector itself. */
	pic_set_irq(&p, 9, 1);
	is(pic_intack(&p), 0x42, "single mode: IR2 vector from the master");

	/* Cascade mode, no IC4: ICW1, ICW2, ICW3, then ready. */
	pic_init(&p);
	wr(&p, 0x20, 0x10);
	wr(&p, 0x21, 0x20);
	is(p.chip[0].init_state, PIC_WAIT_ICW3, "cascade mode asks for ICW3");
	wr(&p, 0x21, 0x04);
	is(p.chip[0].init_state, PIC_READY, "no IC4: ready after ICW3");
	ok(!p.chip[0].auto_eoi && !p.chip[0].x86_mode, "IC4=0 zeroes the ICW4 options");
}

static void test_icw1_resets(void)
{
	struct pic p;

	bios_init(&p, 0x01);
	pic_set_irq(&p, 4, 1);		/* and the line stays high */
	pic_intack(&p);
	wr(&p, 0x21, 0xff);
	wr(&p, 0x20, READ_ISR);
	wr(&p, 0x20, SET_PRIO | 2);
	wr(&p, 0x20, 0x11); wr(&p, 0x21, 0x08); wr(&p, 0x21, 0x04); wr(&p, 0x21, 0x01);
	is(rd(&p, 0x21), 0x00, "re-init clears IMR");
	is(isr(&p, 0), 0x00, "re-init clears ISR");
	is(p.chip[0].priority_add, 0, "re-init: IR0 highest again");
	pic_set_irq(&p, 4, 1);		/* still high from before: not a new edge */
	ok(!pic_intr(&p), "re-init: a line already high is no new edge");
	pic_set_irq(&p, 5, 1);
	is(rd(&p, 0x20), 0x20, "re-init selects IRR for command port reads");
}

static void test_priority(void)
{
	struct pic p;

	bios_init(&p, 0x01);
	pulse(&p, 3);
	pulse(&p, 5);
	is(pic_intack(&p), 0x0b, "IRQ3 beats IRQ5");
	ok(!pic_intr(&p), "IRQ5 blocked while IRQ3 in service");
	pulse(&p, 1);
	ok(pic_intr(&p), "IRQ1 can interrupt IRQ3's handler");
	is(pic_intack(&p), 0x09, "nested IRQ1 delivered");
	is(isr(&p, 0), 0x0a, "IRQ1 and IRQ3 both in service");
	wr(&p, 0x20, EOI);
	is(isr(&p, 0), 0x08, "non-specific EOI clears the highest (IRQ1)");
	ok(!pic_intr(&p), "IRQ5 still blocked by IRQ3");
	wr(&p, 0x20, EOI);
	is(pic_intack(&p), 0x0d, "IRQ5 delivered after IRQ3's EOI");
	wr(&p, 0x20, EOI);

	/* Specific EOI clears exactly the level it names. */
	pulse(&p, 3);
	pic_intack(&p);
	pulse(&p, 1);
	pic_intack(&p);
	wr(&p, 0x20, SPECIFIC_EOI | 3);
	is(isr(&p, 0), 0x02, "specific EOI 3 leaves IRQ1 in service");
	wr(&p, 0x20, SPECIFIC_EOI | 1);
	is(isr(&p, 0), 0x00, "specific EOI 1");
}

static void test_rotation(void)
{
	struct pic p;

	bios_init(&p, 0x01);
	pulse(&p, 0);
	is(pic_intack(&p), 0x08, "IRQ0 first");
	wr(&p, 0x20, ROT_EOI);		/* IRQ0 becomes lowest */
	is(isr(&p, 0), 0x00, "rotate on EOI clears ISR");
	pulse(&p, 0);
	pulse(&p, 4);
	is(pic_intack(&p), 0x0c, "after rotation IRQ4 beats IRQ0");
	wr(&p, 0x20, EOI);
	is(pic_intack(&p), 0x08, "then IRQ0");
	wr(&p, 0x20, EOI);

	wr(&p, 0x20, SET_PRIO | 4);	/* order 5,6,7,0,1,2,3,4 */
	pulse(&p, 3);
	pulse(&p, 6);
	is(pic_intack(&p), 0x0e, "set priority (4 lowest): IRQ6 beats IRQ3");
	wr(&p, 0x20, ROT_SPEC_EOI | 6);	/* order 7,0,...,6 */
	is(isr(&p, 0), 0x00, "rotate on specific EOI clears ISR6");
	pulse(&p, 7);
	is(pic_intack(&p), 0x0f, "IRQ7 now beats pending IRQ3");
	is(isr(&p, 0), 0x80, "and it is a real IRQ7 (ISR bit 7 set)");
}

static void test_aeoi(void)
{
	struct pic p;

	bios_init(&p, 0x03);
	pulse(&p, 1);
	pulse(&p, 3);
	is(pic_intack(&p), 0x09, "AEOI: IRQ1 delivered");
	is(isr(&p, 0), 0x00, "AEOI: ISR stays clear");
	ok(pic_intr(&p), "AEOI: IRQ3 not blocked");
	is(pic_intack(&p), 0x0b, "AEOI: IRQ3 delivered without EOI");

	wr(&p, 0x20, ROT_AEOI_SET);
	pulse(&p, 1);
	is(pic_intack(&p), 0x09, "rotate in AEOI: IRQ1");
	pulse(&p, 1);
	pulse(&p, 3);
	is(pic_intack(&p), 0x0b, "rotate in AEOI: IRQ1 went last, IRQ3 wins");
	wr(&p, 0x20, ROT_AEOI_CLEAR);
	ok(!p.chip[0].rotate_on_aeoi, "rotate in AEOI cleared");
}

static void test_special_mask(void)
{
	struct pic p;

	bios_init(&p, 0x01);
	pulse(&p, 3);
	pic_intack(&p);
	pulse(&p, 5);
	ok(!pic_intr(&p), "IRQ5 blocked by in-service IRQ3");
	wr(&p, 0x20, SMM_SET);
	wr(&p, 0x21, 0x08);		/* mask the level being serviced */
	ok(pic_intr(&p), "special mask mode lets the lower IRQ5 in");
	is(pic_intack(&p), 0x0d, "IRQ5 delivered inside IRQ3's handler");
	is(isr(&p, 0), 0x28, "both in service");
	wr(&p, 0x20, SPECIFIC_EOI | 5);
	wr(&p, 0x20, SMM_RESET);
	pulse(&p, 6);
	ok(!pic_intr(&p), "special mask reset: IRQ3 blocks IRQ6 again");
}

/*
 * Special mask mode per the datasheet ("Special Mask Mode"): "when a mask
 * bit is set in OCW1, it inhibits further interrupts at that level and
 * enables interrupts from all other levels (lower as well as higher) that
 * are not masked."  So an in-service level that is *not* masked no longer
 * holds off lower levels either; only the mask does.  (QEMU keeps blocking
 * with unmasked in-service levels; Bochs follows the datasheet.)
 */
static void test_special_mask_unmasked_isr(void)
{
	struct pic p;

	bios_init(&p, 0x01);
	pulse(&p, 3);
	is(pic_intack(&p), 0x0b, "SMM: IRQ3 acknowledged");
	wr(&p, 0x20, SMM_SET);
	wr(&p, 0x21, 0x80);		/* only IR7 masked; IR3, in service, is not */
	pulse(&p, 5);
	ok(pic_intr(&p), "SMM: lower IRQ5 enabled although unmasked IRQ3 is in service");
	is(pic_intack(&p), 0x0d, "SMM: IRQ5 delivered inside IRQ3's handler");
	is(isr(&p, 0), 0x28, "SMM: IRQ3 and IRQ5 in service");
	pulse(&p, 6);
	ok(pic_intr(&p), "SMM: IRQ6, lower than both in-service levels, enabled too");
	is(pic_intack(&p), 0x0e, "SMM: IRQ6 delivered");
	is(isr(&p, 0), 0x68, "SMM: IRQ3, IRQ5, IRQ6 in service");
	pulse(&p, 7);
	ok(!pic_intr(&p), "SMM: masked IRQ7 inhibited");
	/* An IS bit still holds off a new request at its own level: the mode
	 * lifts the inhibition of *other* levels only. */
	pulse(&p, 5);
	ok(!pic_intr(&p), "SMM: IRQ5 does not re-enter its own handler");
	pulse(&p, 1);
	is(pic_intack(&p), 0x09, "SMM: higher IRQ1 delivered as well");
	wr(&p, 0x20, SMM_RESET);
	wr(&p, 0x21, 0x00);
	ok(!pic_intr(&p), "SMM reset: IRQ1 in service blocks pending IRQ5 and IRQ7 again");
	is(irr(&p, 0), 0xa0, "SMM reset: IRQ5 and IRQ7 still pending");
}

/*
 * Datasheet, "End of Interrupt (EOI)": "an IS bit that is masked by an IMR
 * bit will not be cleared by a non-specific EOI if the 8259A is in the
 * Special Mask Mode".  The non-specific EOI then ends the highest-priority
 * in-service level that is not masked.
 */
static void test_special_mask_eoi(void)
{
	struct pic p;

	bios_init(&p, 0x01);
	pulse(&p, 3);
	pic_intack(&p);
	wr(&p, 0x20, SMM_SET);
	wr(&p, 0x21, 0x08);		/* the handler masks its own level */
	pulse(&p, 5);
	is(pic_intack(&p), 0x0d, "SMM EOI: IRQ5 inside IRQ3's handler");
	wr(&p, 0x20, EOI);
	is(isr(&p, 0), 0x08, "SMM: non-specific EOI skips masked IS3, ends IRQ5");
	wr(&p, 0x20, EOI);
	is(isr(&p, 0), 0x08, "SMM: with only masked IS bits, non-specific EOI clears nothing");
	wr(&p, 0x20, ROT_EOI);
	is(isr(&p, 0), 0x08, "SMM: nor does rotate on non-specific EOI");
	pulse(&p, 0);
	pulse(&p, 1);
	is(pic_intack(&p), 0x08, "SMM: and it did not rotate (IRQ0 still beats IRQ1)");
	wr(&p, 0x20, SPECIFIC_EOI | 0);
	wr(&p, 0x21, 0x00);
	wr(&p, 0x20, EOI);
	is(isr(&p, 0), 0x00, "SMM: once IR3 is unmasked, non-specific EOI ends it");
	is(pic_intack(&p), 0x09, "SMM: pending IRQ1 follows");
}

static void test_poll(void)
{
	struct pic p;

	bios_init(&p, 0x01);
	wr(&p, 0x20, POLL);
	is(rd(&p, 0x20), 0x00, "poll with nothing pending reads 0");
	pulse(&p, 6);
	wr(&p, 0x20, POLL);
	is(rd(&p, 0x20), 0x86, "poll reads 0x80 | 6");
	is(isr(&p, 0), 0x40, "poll acknowledged IRQ6");
	is(rd(&p, 0x20), 0x00, "poll is one-shot: next read is IRR");
}

/*
 * Polling through the cascade (8259A datasheet, "The Poll Command" and
 * "Cascade Buffer/Comparator"): polling the master reads 0x82 (IR2, the
 * slave); the slave must then be polled for the real request.  With the
 * slave in AEOI and two requests waiting, its INT stays high after the
 * first is served, and the master must see IR2 again once its own ISR bit is
 * cleared, as it does after an INTA cycle.
 */
static void test_poll_cascade(void)
{
	struct pic p;

	pic_init(&p);
	wr(&p, 0x20, 0x11); wr(&p, 0x21, 0x08); wr(&p, 0x21, 0x04); wr(&p, 0x21, 0x01);	/* master: normal EOI */
	wr(&p, 0xa0, 0x11); wr(&p, 0xa1, 0x70); wr(&p, 0xa1, 0x02); wr(&p, 0xa1, 0x03);	/* slave: AEOI */
	pulse(&p, 9);
	pulse(&p, 10);
	wr(&p, 0x20, POLL);
	is(rd(&p, 0x20), 0x82, "poll master: 0x82, the request comes from the slave on IR2");
	wr(&p, 0xa0, POLL);
	is(rd(&p, 0xa0), 0x81, "poll slave: 0x81, IRQ9 (slave IR1)");
	wr(&p, 0x20, EOI);
	is(isr(&p, 0), 0x00, "EOI to the master: its ISR is clear");
	wr(&p, 0x20, POLL);
	is(rd(&p, 0x20), 0x82, "IRQ10 still waits on the slave: polling the master finds IR2 again");
	wr(&p, 0xa0, POLL);
	is(rd(&p, 0xa0), 0x82, "poll slave: 0x82, IRQ10 (slave IR2)");

	/*
	 * Both chips with normal EOI.  Each poll read is an acknowledge on
	 * its own chip: it sets that chip's IS bit, and the priority rules
	 * decide as for INT.
	 */
	bios_init(&p, 0x01);
	pulse(&p, 9);
	pulse(&p, 1);
	wr(&p, 0x20, POLL);
	is(rd(&p, 0x20), 0x81, "poll master: IRQ1 beats the cascade IR2");
	wr(&p, 0x20, POLL);
	is(rd(&p, 0x20), 0x00, "poll master: IR2 is below IRQ1 in service, nothing");
	wr(&p, 0x20, EOI);
	wr(&p, 0x20, POLL);
	is(rd(&p, 0x21), 0x82, "poll master (through the data port): IR2, the slave");
	is(isr(&p, 0), 0x04, "master poll set master IS2");
	is(isr(&p, 1), 0x00, "master poll did not touch the slave");
	pulse(&p, 8);
	wr(&p, 0xa0, POLL);
	is(rd(&p, 0xa0), 0x80, "poll slave: IRQ8 (slave IR0) beats IRQ9");
	is(isr(&p, 1), 0x01, "slave poll set slave IS0");
	wr(&p, 0xa0, POLL);
	is(rd(&p, 0xa0), 0x00, "poll slave again: IRQ9 below IRQ8 in service, nothing");
	is(irr(&p, 1), 0x02, "IRQ9 still requested");
	ok(!pic_intr(&p), "no INTR: master IR2 in service");
	wr(&p, 0xa0, EOI);
	wr(&p, 0x20, EOI);
	ok(pic_intr(&p), "after both EOIs the slave's IRQ9 raises INTR again");
	wr(&p, 0x20, POLL);
	is(rd(&p, 0x20), 0x82, "poll master: IR2 again");
	wr(&p, 0xa0, POLL);
	is(rd(&p, 0xa0), 0x81, "poll slave: IRQ9");
	ok(isr(&p, 0) == 0x04 && isr(&p, 1) == 0x02, "master IS2 and slave IS1 set by the polls");
	ok(!pic_intr(&p), "nothing left");
}

static void test_elcr(void)
{
	struct pic p;

	pic_init(&p);
	wr(&p, 0x4d0, 0xff);
	wr(&p, 0x4d1, 0xff);
	is(rd(&p, 0x4d0), 0xf8, "master ELCR: IRQ0-2 stay edge");
	is(rd(&p, 0x4d1), 0xde, "slave ELCR: IRQ8 and IRQ13 stay edge");
	wr(&p, 0x4d1, 0x0c);
	wr(&p, 0x4d1, 0x04);
	is(rd(&p, 0x4d1), 0x04, "ELCR reads back the last write");
}

static void test_edge_vs_level(void)
{
	struct pic p;

	bios_init(&p, 0x01);
	/* Edge: one rising edge is one interrupt, however long the line stays up. */
	pic_set_irq(&p, 4, 1);
	is(pic_intack(&p), 0x0c, "edge IRQ4 delivered");
	wr(&p, 0x20, EOI);
	ok(!pic_intr(&p), "edge: line still high, no second interrupt");
	pic_set_irq(&p, 4, 0);
	pic_set_irq(&p, 4, 1);
	ok(pic_intr(&p), "edge: a new rising edge is a new interrupt");
	is(pic_intack(&p), 0x0c, "second edge delivered");
	wr(&p, 0x20, EOI);
	pic_set_irq(&p, 4, 0);

	/* Design choice: an edge stays latched even if the line drops before INTA. */
	pulse(&p, 4);
	ok(pic_intr(&p), "edge latched after the line fell");
	is(pic_intack(&p), 0x0c, "latched edge delivered as IRQ4, not spurious");
	wr(&p, 0x20, EOI);

	/* Level via ELCR: the request comes back after EOI while the line is high. */
	wr(&p, 0x4d0, 0x20);
	pic_set_irq(&p, 5, 1);
	is(pic_intack(&p), 0x0d, "level IRQ5 delivered");
	ok(!pic_intr(&p), "level: held off by ISR until EOI");
	wr(&p, 0x20, EOI);
	ok(pic_intr(&p), "level: still high after EOI, asserted again");
	is(pic_intack(&p), 0x0d, "level IRQ5 again");
	pic_set_irq(&p, 5, 0);
	wr(&p, 0x20, EOI);
	ok(!pic_intr(&p), "level: line low, nothing after EOI");

	/* Level via ICW1 LTIM, for the whole chip (even IRQ1, which ELCR forbids). */
	pic_init(&p);
	wr(&p, 0x20, 0x19); wr(&p, 0x21, 0x08); wr(&p, 0x21, 0x04); wr(&p, 0x21, 0x01);
	pic_set_irq(&p, 1, 1);
	is(irr(&p, 0), 0x02, "LTIM: IRR follows the high line");
	pic_set_irq(&p, 1, 0);
	is(irr(&p, 0), 0x00, "LTIM: IRR follows the line down");
}

static void test_cascade(void)
{
	struct pic p;

	bios_init(&p, 0x01);
	pulse(&p, 9);
	ok(pic_intr(&p), "IRQ9 reaches the CPU through the master");
	is(irr(&p, 0), 0x04, "slave INT latched on master IR2");
	is(pic_intack(&p), 0x71, "IRQ9 -> slave vector 0x71");
	is(isr(&p, 0), 0x04, "master IR2 in service");
	is(isr(&p, 1), 0x02, "slave IR1 in service");
	pulse(&p, 10);
	ok(!pic_intr(&p), "IRQ10 waits for IRQ9's EOI");
	wr(&p, 0xa0, EOI);
	ok(!pic_intr(&p), "and for the master's EOI");
	wr(&p, 0x20, EOI);
	ok(isr(&p, 0) == 0 && isr(&p, 1) == 0, "EOI to both clears both ISRs");
	is(pic_intack(&p), 0x72, "then IRQ10");
	wr(&p, 0xa0, EOI);
	wr(&p, 0x20, EOI);

	/* Masking IR2 on the master hides every slave interrupt. */
	wr(&p, 0x21, 0x04);
	pulse(&p, 12);
	ok(!pic_intr(&p), "master IMR bit 2 masks the whole slave");
	wr(&p, 0x21, 0x00);
	is(pic_intack(&p), 0x74, "unmasked: IRQ12");
	wr(&p, 0xa0, EOI);
	wr(&p, 0x20, EOI);

	/* Slave in AEOI: a second slave request must still get through. */
	bios_init(&p, 0x01);
	wr(&p, 0xa0, 0x11); wr(&p, 0xa1, 0x70); wr(&p, 0xa1, 0x02); wr(&p, 0xa1, 0x03);
	pulse(&p, 9);
	pulse(&p, 10);
	is(pic_intack(&p), 0x71, "AEOI slave: IRQ9");
	wr(&p, 0x20, EOI);
	is(pic_intack(&p), 0x72, "AEOI slave: IRQ10 follows after the master EOI");

	/* Special fully nested: a better slave IRQ interrupts a slave handler. */
	bios_init(&p, 0x01);
	wr(&p, 0x20, 0x11); wr(&p, 0x21, 0x08); wr(&p, 0x21, 0x04); wr(&p, 0x21, 0x11);
	pulse(&p, 10);
	is(pic_intack(&p), 0x72, "SFNM: IRQ10");
	pulse(&p, 9);
	is(pic_intack(&p), 0x71, "SFNM: IRQ9 nests inside IRQ10 (same master IR2)");
}

/*
 * Special fully nested mode, the other half (datasheet, "The Special Fully
 * Nest Mode"): while a slave request is in service the slave is not locked
 * out of the master's priority logic, so a *higher* request inside that
 * slave gets through; but the master's IR2 is still in service, so master
 * inputs of lower priority than IR2 stay inhibited as in the fully nested
 * mode.  On exit, software sends a non-specific EOI to the slave, reads the
 * slave's ISR, and EOIs the master only if it is empty.
 */
static void test_sfnm_nesting(void)
{
	struct pic p;

	pic_init(&p);
	wr(&p, 0x20, 0x11); wr(&p, 0x21, 0x08); wr(&p, 0x21, 0x04); wr(&p, 0x21, 0x11);	/* master: SFNM */
	wr(&p, 0xa0, 0x11); wr(&p, 0xa1, 0x70); wr(&p, 0xa1, 0x02); wr(&p, 0xa1, 0x01);
	pulse(&p, 9);
	is(pic_intack(&p), 0x71, "SFNM: IRQ9 (slave IR1)");
	is(isr(&p, 0), 0x04, "SFNM: master IR2 in service");
	pulse(&p, 3);
	ok(!pic_intr(&p), "SFNM: IRQ3, below the cascade IR2, is blocked during IRQ9");
	pulse(&p, 10);
	ok(!pic_intr(&p), "SFNM: IRQ10, below IRQ9 on the slave, is blocked too");
	pulse(&p, 8);
	ok(pic_intr(&p), "SFNM: IRQ8, above IRQ9 on the slave, gets through");
	is(pic_intack(&p), 0x70, "SFNM: IRQ8 nests inside IRQ9");
	is(isr(&p, 0), 0x04, "SFNM: master ISR still just IR2");
	is(isr(&p, 1), 0x03, "SFNM: slave IR0 and IR1 in service");
	ok(!pic_intr(&p), "SFNM: IRQ3 still blocked during IRQ8");
	/* IRQ8's handler returns: slave EOI, slave ISR not empty, no master EOI */
	wr(&p, 0xa0, EOI);
	wr(&p, 0xa0, READ_ISR);
	is(rd(&p, 0xa0), 0x02, "SFNM: after IRQ8's EOI the slave still serves IRQ9");
	ok(!pic_intr(&p), "SFNM: IRQ3 and IRQ10 wait for IRQ9");
	/* IRQ9's handler returns: slave ISR now empty, so the master EOI too */
	wr(&p, 0xa0, EOI);
	is(rd(&p, 0xa0), 0x00, "SFNM: slave ISR empty after IRQ9's EOI");
	/* the slave, idle again, raises INT for IRQ10, and SFNM passes it */
	ok(pic_intr(&p), "SFNM: slave's IRQ10 passes master IS2 before the master EOI");
	is(pic_intack(&p), 0x72, "SFNM: IRQ10, not IRQ3 (still below IR2 in service)");
	wr(&p, 0xa0, EOI);
	is(rd(&p, 0xa0), 0x00, "SFNM: slave ISR empty after IRQ10's EOI");
	ok(!pic_intr(&p), "SFNM: IRQ3 waits for the master's EOI");
	wr(&p, 0x20, EOI);
	is(isr(&p, 0), 0x00, "SFNM: one master EOI ends the cascade's service");
	is(pic_intack(&p), 0x0b, "SFNM: and last IRQ3");
}

/*
 * Rotation applied to the slave chip (datasheet, "Automatic Rotation" and
 * "Specific Rotation"): OCW2 written to 0xA0 moves the slave's priorities
 * only; the master keeps its own order.
 */
static void test_slave_rotation(void)
{
	struct pic p;

	bios_init(&p, 0x01);
	pulse(&p, 8);
	is(pic_intack(&p), 0x70, "slave rotation: IRQ8 first");
	wr(&p, 0xa0, ROT_EOI);		/* slave IR0 becomes lowest */
	wr(&p, 0x20, EOI);
	is(isr(&p, 1), 0x00, "slave rotate on non-specific EOI clears slave ISR");
	pulse(&p, 8);
	pulse(&p, 15);
	is(pic_intack(&p), 0x77, "after rotation slave IR7 (IRQ15) beats IR0 (IRQ8)");
	is(isr(&p, 1), 0x80, "and it is a real IRQ15 (slave ISR bit 7)");
	wr(&p, 0xa0, EOI);
	wr(&p, 0x20, EOI);
	is(pic_intack(&p), 0x70, "then IRQ8");
	wr(&p, 0xa0, EOI);
	wr(&p, 0x20, EOI);
	pulse(&p, 1);
	pulse(&p, 0);
	is(pic_intack(&p), 0x08, "the master was not rotated: IRQ0 beats IRQ1");
	wr(&p, 0x20, EOI);
	is(pic_intack(&p), 0x09, "then IRQ1");
	wr(&p, 0x20, EOI);

	/* Rotate on specific EOI and set priority, on the slave. */
	pulse(&p, 12);
	is(pic_intack(&p), 0x74, "IRQ12");
	wr(&p, 0xa0, ROT_SPEC_EOI | 4);	/* slave order 5,6,7,0,1,2,3,4 */
	wr(&p, 0x20, EOI);
	pulse(&p, 12);
	pulse(&p, 11);
	pulse(&p, 14);
	is(pic_intack(&p), 0x76, "after rotate on specific EOI 4: IRQ14 first");
	wr(&p, 0xa0, EOI);
	wr(&p, 0x20, EOI);
	is(pic_intack(&p), 0x73, "then IRQ11 (IR3)");
	wr(&p, 0xa0, EOI);
	wr(&p, 0x20, EOI);
	is(pic_intack(&p), 0x74, "IRQ12 (IR4) last");
	wr(&p, 0xa0, EOI);
	wr(&p, 0x20, EOI);
	wr(&p, 0xa0, SET_PRIO | 1);	/* slave order 2,...,7,0,1 */
	pulse(&p, 9);
	pulse(&p, 10);
	is(pic_intack(&p), 0x72, "slave set priority (IR1 lowest): IRQ10 beats IRQ9");
	wr(&p, 0xa0, EOI);
	wr(&p, 0x20, EOI);

	/* Automatic rotation: the slave in AEOI with rotate-in-AEOI set. */
	pic_init(&p);
	wr(&p, 0x20, 0x11); wr(&p, 0x21, 0x08); wr(&p, 0x21, 0x04); wr(&p, 0x21, 0x01);
	wr(&p, 0xa0, 0x11); wr(&p, 0xa1, 0x70); wr(&p, 0xa1, 0x02); wr(&p, 0xa1, 0x03);
	wr(&p, 0xa0, ROT_AEOI_SET);
	pulse(&p, 9);
	is(pic_intack(&p), 0x71, "slave AEOI rotation: IRQ9");
	is(isr(&p, 1), 0x00, "slave AEOI: no slave ISR bit");
	wr(&p, 0x20, EOI);
	pulse(&p, 9);
	pulse(&p, 8);
	pulse(&p, 10);
	is(pic_intack(&p), 0x72, "IRQ9 went last: IRQ10 (IR2) now highest");
	wr(&p, 0x20, EOI);
	is(pic_intack(&p), 0x70, "IRQ10 went last: IRQ8 (IR0) next, IRQ9 (IR1) after it");
	wr(&p, 0x20, EOI);
	is(pic_intack(&p), 0x71, "IRQ9 last");
	wr(&p, 0x20, EOI);
	pulse(&p, 1);
	pulse(&p, 0);
	is(pic_intack(&p), 0x08, "master in normal EOI did not rotate: IRQ0 first");
}

static void test_spurious(void)
{
	struct pic p;

	bios_init(&p, 0x01);
	is(pic_intack(&p), 0x0f, "INTA with nothing pending: spurious IRQ7");
	is(isr(&p, 0), 0x00, "spurious IRQ7 sets no ISR bit");

	wr(&p, 0x4d0, 0x20);		/* IRQ5 level */
	pic_set_irq(&p, 5, 1);
	ok(pic_intr(&p), "level IRQ5 asserted");
	pic_set_irq(&p, 5, 0);
	ok(!pic_intr(&p), "level IRQ5 withdrawn");
	is(pic_intack(&p), 0x0f, "late INTA: spurious IRQ7");

	wr(&p, 0x4d1, 0x04);		/* IRQ10 level */
	pic_set_irq(&p, 10, 1);
	pic_set_irq(&p, 10, 0);
	ok(pic_intr(&p), "master still holds the latched cascade edge");
	is(pic_intack(&p), 0x77, "slave has nothing: spurious IRQ15");
	is(isr(&p, 0), 0x04, "spurious IRQ15: master ISR bit 2 set");
	is(isr(&p, 1), 0x00, "spurious IRQ15: slave ISR clear");
	wr(&p, 0x20, EOI);
	is(isr(&p, 0), 0x00, "master EOI cleans up");
}

static void test_mask_and_read_registers(void)
{
	struct pic p;

	bios_init(&p, 0x01);
	wr(&p, 0x21, 0x08);
	pulse(&p, 3);
	ok(!pic_intr(&p), "masked IRQ3: no INTR");
	is(rd(&p, 0x20), 0x08, "masked IRQ3 still pending in IRR");
	wr(&p, 0x21, 0x00);
	ok(pic_intr(&p), "unmasking makes the pending edge deliverable");
	pic_intack(&p);
	wr(&p, 0x20, READ_ISR);
	is(rd(&p, 0x20), 0x08, "OCW3: command port reads ISR");
	pulse(&p, 6);
	is(rd(&p, 0x20), 0x08, "the ISR selection sticks");
	wr(&p, 0x20, READ_IRR);
	is(rd(&p, 0x20), 0x40, "OCW3: command port reads IRR");
	wr(&p, 0xa1, 0xa5);
	is(rd(&p, 0xa1), 0xa5, "slave data port reads IMR");
	pic_set_irq(&p, 2, 1);
	is(irr(&p, 0), 0x40, "IRQ2 is the cascade: pic_set_irq ignores it");
}

/*
 * Priority is a circle, for the resolver and for a non-specific EOI alike
 * (8259A datasheet, "Specific Rotation": after a set priority command IR L
 * is the lowest and IR L+1 the highest; "End of Interrupt": a non-specific
 * EOI resets the highest-priority IS bit, the handler that runs in fully
 * nested mode).  Once rotated, bit order and priority order differ.
 */
static void test_rotated_nesting(void)
{
	struct pic p;

	bios_init(&p, 0x01);
	wr(&p, 0x20, SET_PRIO | 4);	/* order 5,6,7,0,1,2,3,4 */
	pulse(&p, 1);
	is(pic_intack(&p), 0x09, "rotated priority (4 lowest): IRQ1 acknowledged");
	pulse(&p, 5);
	ok(pic_intr(&p), "rotated priority: IRQ5, now above IRQ1, interrupts IRQ1's handler");
	is(pic_intack(&p), 0x0d, "rotated priority: nested IRQ5 delivered");
	pulse(&p, 3);
	ok(!pic_intr(&p), "rotated priority: IRQ3, now below IRQ1, waits although its number is lower");
	wr(&p, 0x20, EOI);
	is(isr(&p, 0), 0x02, "rotated priority: non-specific EOI ends IRQ5 (highest in service), not IRQ1 (lowest-numbered)");
	ok(!pic_intr(&p), "rotated priority: IRQ3 still waits for IRQ1");
	wr(&p, 0x20, EOI);
	is(pic_intack(&p), 0x0b, "rotated priority: after IRQ1's EOI, IRQ3");
	is(irr(&p, 0), 0x00, "rotated priority: nothing left in IRR");
}

int main(void)
{
	test_poll_cascade();
	test_power_on();
	test_bios_init();
	test_single_mode_and_no_icw4();
	test_icw1_resets();
	test_priority();
	test_rotation();
	test_aeoi();
	test_special_mask();
	test_special_mask_unmasked_isr();
	test_special_mask_eoi();
	test_poll();
	test_elcr();
	test_edge_vs_level();
	test_cascade();
	test_sfnm_nesting();
	test_slave_rotation();
	test_spurious();
	test_mask_and_read_registers();
	test_rotated_nesting();
	return done_testing();
}
