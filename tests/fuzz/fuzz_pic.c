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
 * The oracle is a second, independent 8259A pair (struct ref below), written
 * from the Intel 8259A datasheet (order no. 231468) and not from pic.c: it
 * decodes ICW1-4 and OCW1-3 itself, keeps its own IRR/ISR/IMR, its own
 * priority order (as the datasheet states it: the IR with the *bottom*
 * priority), special mask mode, special fully nested mode, AEOI and
 * rotate-in-AEOI, poll and read-register select.  It never reads the model's
 * struct.  After every operation the two must agree on everything a guest or
 * the VMM can observe:
 *
 *   - pic_intr() (the master's INT), and pic_intr() changes nothing;
 *   - IRR, ISR and IMR of both chips (pic_summary());
 *   - the value of every IN (IRR or ISR as OCW3 selected, IMR, poll byte,
 *     ELCR, 0xff for a foreign port) and the vector of every INTA;
 *   - probes on copies of both: the vector the next INTA would return, and
 *     the byte a poll of each chip would return (so a wrong priority order
 *     shows at once, not only when the input happens to acknowledge).
 *
 * Where the datasheet leaves a choice open, pic.c documents the one it
 * made, and the reference makes the same one, marked "pic.c's choice":
 * edge requests stay latched until acknowledged; ICW1 also clears ISR,
 * poll and rotate-in-AEOI; an OCW3 without P cancels a pending poll; the
 * slave's INT counts as dropped while it is acknowledged (so a slave that
 * still requests gives the master's IR2 a new edge); the slave's ID (its
 * ICW3) is not compared with the master's choice; the automatic EOI ends
 * exactly the level just acknowledged (its IS bit is never set), where the
 * datasheet's "non-specific EOI" could name another level still in service.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "fuzz.h"
#include "pic.h"

/* ---- the reference 8259A pair ------------------------------------------ */

struct ref_chip {
	bool master;			/* SP/EN strap: the chip at 0x20 */
	/* what the initialization words said */
	int next_icw;			/* 2, 3, 4: the next data write is that ICW; 0: OCW1 */
	bool ltim, sngl, ic4;		/* ICW1 */
	uint8_t t7_t3;			/* ICW2 bits 7-3: vector of IR0 */
	uint8_t icw3;			/* master: S7-S0; slave: ID */
	bool aeoi, sfnm;		/* ICW4 */
	/* what the operation words said */
	uint8_t imr;			/* OCW1 */
	uint8_t bottom;			/* the IR with the lowest priority */
	bool rotate_in_aeoi;		/* OCW2 R=1 SL=0 EOI=0 */
	bool smm, poll, ris;		/* OCW3 */
	/* the chipset's edge/level register */
	uint8_t elcr, elcr_writable;
	/* the chip's registers and its input pins */
	uint8_t irr, isr, pins;
};

struct ref {
	struct ref_chip m, s;
};

static void ref_power_on(struct ref *r)
{
	memset(r, 0, sizeof(*r));
	r->m.master = true;
	r->m.icw3 = 0x04;		/* the board: slave on IR2 */
	r->s.icw3 = 2;			/* slave ID 2 */
	r->m.bottom = r->s.bottom = 7;	/* IR0 highest */
	r->m.elcr_writable = 0xf8;	/* PIIX: IRQ0-2, 8 and 13 are edge only */
	r->s.elcr_writable = 0xde;
}

static bool ref_is_level(const struct ref_chip *c, int ir)
{
	return c->ltim || (c->elcr >> ir & 1);
}

/* Does the master hand the acknowledge of this input to a slave? */
static bool ref_cascaded(const struct ref_chip *c, int ir)
{
	return c->master && !c->sngl && (c->icw3 >> ir & 1);
}

/*
 * The priority resolver: the IR that would raise INT, or -1.  Walks the
 * levels from the highest priority (the one after 'bottom') down.
 *
 * Fully nested mode: "while the IS bit is set, all further interrupts of
 * the same or lower priority are inhibited", so the walk stops at the
 * first in-service level.  Special fully nested mode (master only): an
 * in-service input with a slave still lets that slave's new request in.
 * Special mask mode: only the mask inhibits ("enables interrupts from all
 * other levels (lower as well as higher) that are not masked"); an IS bit
 * still inhibits its own level.
 */
static int ref_resolve(const struct ref_chip *c)
{
	for (int rank = 0; rank < 8; rank++) {
		int ir = (c->bottom + 1 + rank) & 7;
		bool requested = (c->irr & ~c->imr) >> ir & 1;
		bool in_service = c->isr >> ir & 1;
		bool slave_passes = c->sfnm && ref_cascaded(c, ir);

		if (c->smm) {
			if (requested && (!in_service || slave_passes))
				return ir;
			continue;
		}
		if (in_service)
			return requested && slave_passes ? ir : -1;
		if (requested)
			return ir;
	}
	return -1;
}

/* A pin changes: level inputs show it, edge inputs latch a rising edge. */
static void ref_pin(struct ref_chip *c, int ir, bool level)
{
	uint8_t bit = (uint8_t)(1u << ir);

	if (ref_is_level(c, ir))
		c->irr = level ? c->irr | bit : c->irr & ~bit;
	else if (level && !(c->pins & bit))
		c->irr |= bit;
	c->pins = level ? c->pins | bit : c->pins & ~bit;
}

/* The slave's INT output is the master's IR2 pin. */
static void ref_wire(struct ref *r)
{
	ref_pin(&r->m, 2, ref_resolve(&r->s) >= 0);
}

/* pic.c's choice: acknowledging the slave drops its INT for a moment. */
static void ref_slave_acked(struct ref *r)
{
	r->m.pins &= (uint8_t)~0x04;
}

/* The acknowledge of 'ir' on one chip (INTA, or the read after a poll). */
static void ref_ack(struct ref_chip *c, int ir)
{
	uint8_t bit = (uint8_t)(1u << ir);

	if (!ref_is_level(c, ir))
		c->irr &= ~bit;		/* level inputs keep following the pin */
	if (!c->aeoi)
		c->isr |= bit;
	else if (c->rotate_in_aeoi)
		c->bottom = (uint8_t)ir;	/* just serviced: lowest */
}

/* Non-specific EOI: the highest IS bit, not a masked one in special mask mode. */
static int ref_eoi(struct ref_chip *c)
{
	uint8_t candidates = c->smm ? c->isr & ~c->imr : c->isr;

	for (int rank = 0; rank < 8; rank++) {
		int ir = (c->bottom + 1 + rank) & 7;

		if (candidates >> ir & 1) {
			c->isr &= (uint8_t)~(1u << ir);
			return ir;
		}
	}
	return -1;
}

static void ref_icw1(struct ref_chip *c, uint8_t v)
{
	c->ic4 = v & 0x01;
	c->sngl = v & 0x02;
	c->ltim = v & 0x08;
	c->imr = 0;			/* "the Interrupt Mask Register is cleared" */
	c->bottom = 7;			/* "IR7 input is assigned priority 7" */
	c->smm = false;			/* "Special Mask Mode is cleared */
	c->ris = false;			/*  and Status Read is set to IRR" */
	c->aeoi = c->sfnm = false;	/* IC4 = 0: ICW4 functions zero; ICW4 may set them */
	c->isr = 0;			/* pic.c's choice */
	c->poll = c->rotate_in_aeoi = false;
	/* "the edge sense circuit is reset": only level inputs show a request */
	c->irr = 0;
	for (int ir = 0; ir < 8; ir++)
		if (ref_is_level(c, ir) && (c->pins >> ir & 1))
			c->irr |= (uint8_t)(1u << ir);
	c->next_icw = 2;
}

static void ref_ocw2(struct ref_chip *c, uint8_t v)
{
	bool R = v & 0x80, SL = v & 0x40, EOI = v & 0x20;
	int L = v & 7, ended;

	if (EOI && !SL) {		/* non-specific EOI, rotating or not */
		ended = ref_eoi(c);
		if (R && ended >= 0)
			c->bottom = (uint8_t)ended;
	} else if (EOI && SL) {		/* specific EOI, rotating or not */
		c->isr &= (uint8_t)~(1u << L);
		if (R)
			c->bottom = (uint8_t)L;
	} else if (R && SL) {		/* set priority: L is the bottom */
		c->bottom = (uint8_t)L;
	} else if (!SL) {		/* set/clear rotate in AEOI mode */
		c->rotate_in_aeoi = R;
	}				/* R=0 SL=1 EOI=0: no operation */
}

static void ref_ocw3(struct ref_chip *c, uint8_t v)
{
	c->poll = v & 0x04;		/* pic.c's choice: P = 0 cancels a poll */
	if (v & 0x02)			/* RR */
		c->ris = v & 0x01;
	if (v & 0x40)			/* ESMM */
		c->smm = v & 0x20;
}

static void ref_data_write(struct ref_chip *c, uint8_t v)
{
	switch (c->next_icw) {
	case 2:
		c->t7_t3 = v & 0xf8;	/* 8086 mode: T7-T3, the IR fills bits 2-0 */
		c->next_icw = !c->sngl ? 3 : c->ic4 ? 4 : 0;
		break;
	case 3:
		c->icw3 = v;
		c->next_icw = c->ic4 ? 4 : 0;
		break;
	case 4:
		c->aeoi = v & 0x02;
		c->sfnm = v & 0x10;	/* uPM, BUF, M/S: nothing to model */
		c->next_icw = 0;
		break;
	default:
		c->imr = v;		/* OCW1 */
		break;
	}
}

static void ref_out(struct ref *r, uint16_t port, uint8_t v)
{
	struct ref_chip *c = (port & 0x80) ? &r->s : &r->m;

	switch (port) {
	case 0x20: case 0xa0:
		if (v & 0x10)
			ref_icw1(c, v);
		else if (v & 0x08)
			ref_ocw3(c, v);
		else
			ref_ocw2(c, v);
		break;
	case 0x21: case 0xa1:
		ref_data_write(c, v);
		break;
	case 0x4d0: case 0x4d1:
		c = port == 0x4d1 ? &r->s : &r->m;
		c->elcr = v & c->elcr_writable;
		for (int ir = 0; ir < 8; ir++)	/* level inputs show their pin at once */
			if (ref_is_level(c, ir))
				c->irr = (uint8_t)((c->irr & ~(1u << ir)) | (c->pins & (1u << ir)));
		break;
	default:
		return;
	}
	ref_wire(r);
}

/* The poll: the next RD pulse is an acknowledge; W7 = request, W2-W0 = IR. */
static uint8_t ref_poll(struct ref *r, struct ref_chip *c)
{
	int ir = ref_resolve(c);

	c->poll = false;
	if (ir >= 0)
		ref_ack(c, ir);
	if (c == &r->s)
		ref_slave_acked(r);
	ref_wire(r);
	return ir >= 0 ? (uint8_t)(0x80 | ir) : 0;
}

static uint8_t ref_in(struct ref *r, uint16_t port)
{
	struct ref_chip *c = (port & 0x80) ? &r->s : &r->m;

	switch (port) {
	case 0x20: case 0xa0: case 0x21: case 0xa1:
		if (c->poll)
			return ref_poll(r, c);
		if (port & 1)
			return c->imr;
		return c->ris ? c->isr : c->irr;
	case 0x4d0:
		return r->m.elcr;
	case 0x4d1:
		return r->s.elcr;
	default:
		return 0xff;
	}
}

/* The INTA sequence: no request is the master's IR7 (spurious), no state change. */
static int ref_inta(struct ref *r)
{
	int ir = ref_resolve(&r->m), sir, vector;

	if (ir < 0)
		return r->m.t7_t3 | 7;
	ref_ack(&r->m, ir);
	if (!ref_cascaded(&r->m, ir)) {
		vector = r->m.t7_t3 | ir;
	} else {
		sir = ref_resolve(&r->s);
		if (sir >= 0)
			ref_ack(&r->s, sir);
		vector = r->s.t7_t3 | (sir >= 0 ? sir : 7);
		ref_slave_acked(r);
	}
	ref_wire(r);
	return vector;
}

static void ref_set_irq(struct ref *r, int irq, int level)
{
	if (irq < 0 || irq > 15 || irq == 2)
		return;
	ref_pin(irq < 8 ? &r->m : &r->s, irq & 7, level != 0);
	ref_wire(r);
}

/* ---- comparison --------------------------------------------------------- */

static struct pic pic;
static struct ref ref;

static const uint16_t ports[] = {
	PIC_MASTER_CMD, PIC_MASTER_DATA, PIC_SLAVE_CMD, PIC_SLAVE_DATA,
	PIC_ELCR_MASTER, PIC_ELCR_SLAVE, 0x22,
};

#define SAME(what, model, reference) same(__LINE__, what, model, reference)

static void same(int line, const char *what, int model, int reference)
{
	if (model == reference)
		return;
	fprintf(stderr, "fuzz_pic.c:%d: %s: model 0x%x, reference 0x%x\n",
		line, what, model, reference);
	fuzz_fail(__FILE__, line, "model == reference");
}

static void compare(void)
{
	struct pic_state_summary s;
	struct pic before = pic;
	const struct ref_chip *rc[2] = { &ref.m, &ref.s };

	SAME("INTR", pic_intr(&pic), ref_resolve(&ref.m) >= 0);
	CHECK(memcmp(&before, &pic, sizeof(pic)) == 0);	/* pic_intr() is pure */
	pic_summary(&pic, &s);
	for (int i = 0; i < 2; i++) {
		SAME(i ? "slave IRR" : "master IRR", s.irr[i], rc[i]->irr);
		SAME(i ? "slave ISR" : "master ISR", s.isr[i], rc[i]->isr);
		SAME(i ? "slave IMR" : "master IMR", s.imr[i], rc[i]->imr);
	}
}

/* What the next INTA and a poll of either chip would give, on copies. */
static void probe(void)
{
	struct pic p;
	struct ref r;

	p = pic; r = ref;
	SAME("next INTA vector", pic_intack(&p), ref_inta(&r));
	for (int i = 0; i < 2; i++) {
		uint16_t cmd = i ? PIC_SLAVE_CMD : PIC_MASTER_CMD;

		p = pic; r = ref;
		pic_port_write(&p, cmd, 0x0c);
		ref_out(&r, cmd, 0x0c);
		SAME(i ? "slave poll probe" : "master poll probe",
		     pic_port_read(&p, cmd), ref_in(&r, cmd));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = { data, size };

	pic_init(&pic);
	ref_power_on(&ref);
	compare();
	while (fz_more(&f)) {
		uint8_t op = fz_u8(&f) % 6, b;
		uint16_t port;
		int irq;

		switch (op) {
		case 0:
			port = FZ_PICK(&f, ports);
			b = fz_u8(&f);
			pic_port_write(&pic, port, b);
			ref_out(&ref, port, b);
			break;
		case 1:
			port = FZ_PICK(&f, ports);
			SAME("IN", pic_port_read(&pic, port), ref_in(&ref, port));
			break;
		case 2:
			b = fz_u8(&f);
			irq = b & 15;
			if (b & 0x40)
				irq += 16;
			else if (b & 0x20)
				irq = -1;
			pic_set_irq(&pic, irq, b >> 7);
			ref_set_irq(&ref, irq, b >> 7);
			break;
		case 3:
			SAME("INTA vector", pic_intack(&pic), ref_inta(&ref));
			break;
		case 4:
			if (pic_intr(&pic))
				SAME("INTA vector", pic_intack(&pic), ref_inta(&ref));
			break;
		case 5:
			irq = fz_u8(&f) & 15;
			pic_set_irq(&pic, irq, 1);
			ref_set_irq(&ref, irq, 1);
			compare();
			pic_set_irq(&pic, irq, 0);
			ref_set_irq(&ref, irq, 0);
			break;
		}
		compare();
		probe();
	}
	return 0;
}
