/*
 * fuzz_pic.c - libFuzzer target for the cascaded 8259A model (src/devices/pic.c).
 *
 * Input: a sequence of operations, one opcode byte each (op % 6), then its
 * argument bytes:
 *
 *   0 OUT   port, value	port = ports[byte % 7]: 0x20 0x21 0xa0 0xa1 0x4d0 0x4d1 0x22
 *   1 IN    port
 *   2 IRQ   b			pic_set_irq(irq, b >> 7); irq = b & 15, or 16 + (b & 15)
 *				if b & 0x40 (out of range), or -1 if b & 0x20
 *   3 INTA			pic_intack() whatever pic_intr() says
 *   4 INJ			pic_intack() only if pic_intr() (what vcpu.c does)
 *   5 PULSE b			pic_set_irq(irq, 1) then (irq, 0), irq = b & 15
 *
 * A shadow of what the guest programmed (ICW/OCW sequence, IMR, ELCR, read
 * select, poll, and the set of acknowledged-but-not-EOIed inputs) is kept
 * beside the model, and after every operation:
 *
 *   - ISR == the shadow: a bit is set only by an acknowledge (INTA or poll)
 *     of that input, cleared only by an EOI for it (non-specific: the
 *     highest-priority in-service input) or by ICW1;
 *   - IMR, ELCR (masked 0xf8/0xde), vector base (ICW2 & 0xf8) and the init
 *     state match what was written; reads of the data port give IMR, of the
 *     command port IRR or ISR as OCW3 selected, of the ELCR what was written;
 *   - pic_intr() agrees with the datasheet's priority rules (spec_pending():
 *     the best unmasked request outranks the best in-service input, with
 *     the special mask and special fully nested exceptions) and is pure;
 *   - pic_intack() returns a vector in [base, base+7] of either chip; with
 *     INTR low it returns master base|7 and changes nothing; otherwise it
 *     acknowledges the IR the rules pick (ISR gains that bit unless AEOI),
 *     and the vector is base + IR, or slave base|7 when the master committed
 *     to IR2 and the slave has nothing;
 *   - a poll read returns 0x80|IR for the IR the rules pick (or 0) and
 *     acknowledges it on that chip alone;
 *   - level-triggered IRR bits equal the pin; edge-triggered IRR bits are
 *     set only by a rising edge and cleared only by an acknowledge or ICW1
 *     (the documented "latched until INTA" design choice);
 *   - the master's IR2 pin is the slave's INT (the slave has a request the
 *     rules would pass).
 */
#include <stdbool.h>
#include <string.h>

#include "fuzz.h"
#include "pic.h"

struct shadow {
	uint8_t isr, imr, elcr, elcr_mask, icw3, vector_base;
	enum pic_init_state state;
	bool sngl, ic4, ltim, aeoi, read_isr, poll;
};

static struct pic pic;
static struct shadow sh[2];
static bool pin[16];

static const uint16_t ports[] = {
	PIC_MASTER_CMD, PIC_MASTER_DATA, PIC_SLAVE_CMD, PIC_SLAVE_DATA,
	PIC_ELCR_MASTER, PIC_ELCR_SLAVE, 0x22,
};

/* Priority of the best bit in 'bits' (0 highest), 8 if none. */
static int best_prio(uint8_t priority_add, uint8_t bits)
{
	for (int p = 0; p < 8; p++)
		if (bits & (1u << ((p + priority_add) & 7)))
			return p;
	return 8;
}

static uint8_t level_mask(const struct pic_chip *c)
{
	return c->level_triggered ? 0xff : c->elcr;
}

/* Bits of IRR that the edge/level rules below look at (not the cascade input). */
static uint8_t checked_bits(int chip)
{
	return chip == PIC_MASTER ? (uint8_t)~(1u << PIC_CASCADE_IRQ) : 0xff;
}

static int spec_pending(const struct pic_chip *c, bool is_master);

static void reset(void)
{
	pic_init(&pic);
	memset(sh, 0, sizeof(sh));
	memset(pin, 0, sizeof(pin));
	sh[0].elcr_mask = 0xf8;
	sh[1].elcr_mask = 0xde;
	sh[0].icw3 = 1u << PIC_CASCADE_IRQ;
	sh[1].icw3 = PIC_CASCADE_IRQ;
	sh[0].state = sh[1].state = PIC_READY;
}

static void check_state(void)
{
	for (int i = 0; i < 2; i++) {
		const struct pic_chip *c = &pic.chip[i];
		uint8_t lv = level_mask(c) & checked_bits(i);
		uint8_t pins = 0;

		for (int j = 0; j < 8; j++)
			pins |= (uint8_t)(pin[i * 8 + j] << j);
		CHECK(c->isr == sh[i].isr);
		CHECK(c->imr == sh[i].imr);
		CHECK(c->elcr == sh[i].elcr);
		CHECK((c->elcr & ~sh[i].elcr_mask) == 0);
		CHECK(c->vector_base == sh[i].vector_base);
		CHECK((c->vector_base & 7) == 0);
		CHECK(c->init_state == sh[i].state);
		CHECK(c->level_triggered == sh[i].ltim);
		CHECK(c->auto_eoi == sh[i].aeoi);
		CHECK(c->read_isr == sh[i].read_isr);
		CHECK(c->poll == sh[i].poll);
		CHECK(c->icw3 == sh[i].icw3);
		CHECK(c->priority_add < 8);
		/* the pin as last driven, and level inputs show it in IRR */
		CHECK(((c->last_irr ^ pins) & checked_bits(i)) == 0);
		CHECK(((c->irr ^ pins) & lv) == 0);
	}
	CHECK(pic_intr(&pic) == (spec_pending(&pic.chip[0], true) >= 0));
	/* the slave's INT is the master's IR2 pin */
	CHECK(!!(pic.chip[0].last_irr & (1u << PIC_CASCADE_IRQ)) ==
	      (spec_pending(&pic.chip[1], false) >= 0));
}

/* IRR edge rules across one operation that is not an acknowledge. */
static void check_edges(const uint8_t old_irr[2], int rising_irq)
{
	for (int i = 0; i < 2; i++) {
		const struct pic_chip *c = &pic.chip[i];
		uint8_t edge = (uint8_t)(~level_mask(c) & checked_bits(i));
		uint8_t allowed = 0;

		if (rising_irq >= 0 && rising_irq >> 3 == i)
			allowed = (uint8_t)(1u << (rising_irq & 7));
		CHECK((c->irr & ~old_irr[i] & edge & ~allowed) == 0);	/* no request from nowhere */
		CHECK((old_irr[i] & ~c->irr & edge) == 0);		/* latched until INTA */
	}
}

/*
 * The datasheet's priority resolver, written out from the rules rather than
 * from pic.c: the best unmasked request raises INT if it outranks the best
 * in-service input (in special mask mode masked in-service inputs do not
 * count); in special fully nested mode a master input with a slave may also
 * pass its own in-service bit.  Returns the IR or -1.
 */
static int spec_pending(const struct pic_chip *c, bool is_master)
{
	uint8_t in_service = c->isr;
	int rp = best_prio(c->priority_add, c->irr & ~c->imr), ip, irq;

	if (rp == 8)
		return -1;
	if (c->special_mask) {		/* ISR holds off only its own level */
		uint8_t held = c->isr;

		if (c->special_fully_nested && is_master && !c->single_mode)
			held &= (uint8_t)~c->icw3;
		rp = best_prio(c->priority_add, c->irr & ~c->imr & ~held);
		return rp == 8 ? -1 : (rp + c->priority_add) & 7;
	}
	ip = best_prio(c->priority_add, in_service);
	irq = (rp + c->priority_add) & 7;
	if (rp < ip)
		return irq;
	if (c->special_fully_nested && rp == ip && is_master && !c->single_mode &&
	    (c->icw3 & (1u << irq)))
		return irq;
	return -1;
}

/*
 * One chip was asked for an acknowledge and the resolver picked 'irq' (-1:
 * nothing).  The ISR gains exactly that bit (none in AEOI mode, or if it was
 * already in service: special fully nested mode), loses none, and an
 * edge-triggered request is consumed.
 */
static void check_ack(int i, const struct pic_chip *before, int irq)
{
	const struct pic_chip *c = &pic.chip[i];
	uint8_t gained = c->isr & ~before->isr, bit;

	CHECK((before->isr & ~c->isr) == 0);		/* an acknowledge never ends service */
	if (irq < 0) {
		CHECK(gained == 0);
		return;
	}
	bit = (uint8_t)(1u << irq);
	if (before->auto_eoi) {
		CHECK(gained == 0);
		if (before->rotate_on_aeoi)
			CHECK(c->priority_add == ((irq + 1) & 7));
	} else if (before->isr & bit) {
		CHECK(gained == 0);
	} else {
		CHECK(gained == bit);
	}
	if ((bit & checked_bits(i)) && !(level_mask(before) & bit))
		CHECK(!(c->irr & bit));			/* edge request consumed */
	sh[i].isr |= gained;
}

static bool in_range(int v, uint8_t base)
{
	return v >= base && v <= base + 7;
}

static void op_intack(void)
{
	struct pic before = pic;
	bool intr = pic_intr(&pic);
	int v, mi, si;

	CHECK(memcmp(&before, &pic, sizeof(pic)) == 0);	/* pic_intr is pure */
	mi = spec_pending(&before.chip[0], true);
	CHECK(intr == (mi >= 0));
	v = pic_intack(&pic);
	CHECK(v >= 0 && v <= 255);
	CHECK(in_range(v, sh[0].vector_base) || in_range(v, sh[1].vector_base));
	if (!intr) {
		CHECK(v == (sh[0].vector_base | 7));		/* spurious IRQ 7, no state change */
		CHECK(memcmp(&before, &pic, sizeof(pic)) == 0);
		return;
	}
	check_ack(PIC_MASTER, &before.chip[0], mi);
	if (!before.chip[0].single_mode && (before.chip[0].icw3 & (1u << mi))) {
		si = spec_pending(&before.chip[1], false);
		check_ack(PIC_SLAVE, &before.chip[1], si);
		CHECK(v == (si >= 0 ? sh[1].vector_base + si : (sh[1].vector_base | 7)));
	} else {
		CHECK(v == sh[0].vector_base + mi);
		CHECK(memcmp(&before.chip[1], &pic.chip[1], sizeof(pic.chip[1])) == 0);
	}
}

static void op_out(uint16_t port, uint8_t val)
{
	int i = (port == PIC_SLAVE_CMD || port == PIC_SLAVE_DATA || port == PIC_ELCR_SLAVE);
	struct shadow *s = &sh[i];
	const struct pic_chip *c = &pic.chip[i];
	uint8_t old_irr[2] = { pic.chip[0].irr, pic.chip[1].irr };
	bool icw1 = false;
	int p;

	switch (port) {
	case PIC_MASTER_CMD:
	case PIC_SLAVE_CMD:
		if (val & 0x10) {			/* ICW1 */
			icw1 = true;
			s->isr = s->imr = 0;
			s->state = PIC_WAIT_ICW2;
			s->ic4 = val & 1;
			s->sngl = val & 2;
			s->ltim = val & 8;
			s->aeoi = s->read_isr = s->poll = false;
		} else if (val & 0x08) {		/* OCW3 */
			s->poll = val & 4;
			if (val & 2)
				s->read_isr = val & 1;
		} else {				/* OCW2 */
			switch (val & 0xe0) {
			case 0x20: case 0xa0:		/* non-specific EOI: the best in service */
				p = best_prio(c->priority_add,
					      c->special_mask ? s->isr & ~s->imr : s->isr);
				if (p < 8)
					s->isr &= (uint8_t)~(1u << ((p + c->priority_add) & 7));
				break;
			case 0x60: case 0xe0:		/* specific EOI */
				s->isr &= (uint8_t)~(1u << (val & 7));
				break;
			}
		}
		break;
	case PIC_MASTER_DATA:
	case PIC_SLAVE_DATA:
		switch (s->state) {
		case PIC_WAIT_ICW2:
			s->vector_base = val & 0xf8;
			s->state = s->sngl ? (s->ic4 ? PIC_WAIT_ICW4 : PIC_READY) : PIC_WAIT_ICW3;
			break;
		case PIC_WAIT_ICW3:
			s->icw3 = val;
			s->state = s->ic4 ? PIC_WAIT_ICW4 : PIC_READY;
			break;
		case PIC_WAIT_ICW4:
			s->aeoi = val & 2;
			s->state = PIC_READY;
			break;
		case PIC_READY:
			s->imr = val;
			break;
		}
		break;
	case PIC_ELCR_MASTER:
	case PIC_ELCR_SLAVE:
		s->elcr = val & s->elcr_mask;
		break;
	}
	pic_port_write(&pic, port, val);
	if (!icw1)
		check_edges(old_irr, -1);
}

static void op_in(uint16_t port)
{
	int i = (port == PIC_SLAVE_CMD || port == PIC_SLAVE_DATA || port == PIC_ELCR_SLAVE);
	struct shadow *s = &sh[i];
	struct pic before = pic;
	uint8_t old_irr[2] = { pic.chip[0].irr, pic.chip[1].irr };
	uint8_t v = pic_port_read(&pic, port);
	int irq;

	switch (port) {
	case PIC_MASTER_CMD: case PIC_MASTER_DATA:
	case PIC_SLAVE_CMD: case PIC_SLAVE_DATA:
		if (s->poll) {
			s->poll = false;
			/* a poll is an INTA on this chip alone: 0x80|IR, or 0 */
			irq = spec_pending(&before.chip[i], i == PIC_MASTER);
			CHECK(v == (irq < 0 ? 0 : 0x80 | irq));
			check_ack(i, &before.chip[i], irq);
			if (irq < 0)
				CHECK(before.chip[i].irr == pic.chip[i].irr);
			return;
		}
		if (port == PIC_MASTER_DATA || port == PIC_SLAVE_DATA)
			CHECK(v == s->imr);
		else
			CHECK(v == (s->read_isr ? s->isr : before.chip[i].irr));
		break;
	case PIC_ELCR_MASTER: case PIC_ELCR_SLAVE:
		CHECK(v == s->elcr);
		break;
	default:
		CHECK(v == 0xff);
		break;
	}
	CHECK(memcmp(&before, &pic, sizeof(pic)) == 0);	/* a plain read changes nothing */
	check_edges(old_irr, -1);
}

static void op_irq(int irq, int level)
{
	uint8_t old_irr[2] = { pic.chip[0].irr, pic.chip[1].irr };
	int rising = -1;

	if (irq >= 0 && irq < 16 && irq != PIC_CASCADE_IRQ) {
		if (level && !pin[irq])
			rising = irq;
		pin[irq] = level != 0;
	}
	pic_set_irq(&pic, irq, level);
	check_edges(old_irr, rising);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = { data, size };

	reset();
	check_state();
	while (fz_more(&f)) {
		uint8_t op = fz_u8(&f) % 6, b;
		uint16_t port;
		int irq;

		switch (op) {
		case 0:
			port = FZ_PICK(&f, ports);
			op_out(port, fz_u8(&f));
			break;
		case 1:
			op_in(FZ_PICK(&f, ports));
			break;
		case 2:
			b = fz_u8(&f);
			irq = b & 15;
			if (b & 0x40)
				irq += 16;
			else if (b & 0x20)
				irq = -1;
			op_irq(irq, b >> 7);
			break;
		case 3:
			op_intack();
			break;
		case 4:
			if (pic_intr(&pic))
				op_intack();
			break;
		case 5:
			irq = fz_u8(&f) & 15;
			op_irq(irq, 1);
			check_state();
			op_irq(irq, 0);
			break;
		}
		check_state();
	}
	return 0;
}
