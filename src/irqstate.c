/*
 * irqstate.c - read KVM's interrupt controllers as if they were tinyvmm's,
 * and print either in one set of words (chapter 7).
 *
 * Once the controllers live in KVM (--irqchip kernel) nothing of an
 * interrupt's way passes through tinyvmm: the only window left is to ask
 * KVM for a copy of the chips' registers.  KVM_GET_IRQCHIP returns one chip
 * at a time in struct kvm_pic_state (a copy of arch/x86/kvm/i8259.c's
 * struct kvm_kpic_state) or struct kvm_ioapic_state; KVM_GET_LAPIC returns
 * the local APIC's 1 KiB register page, laid out as the MMIO page (SDM vol.
 * 3A, table 11-1).  We load both into the model structs, so "is INTR high?"
 * and "what is PPR?" are answered by the same code for both.
 */
#include <string.h>

#include "irqstate.h"

/* KVM's PIC state has what our 8259A has, under other names; the wiring is the PC's. */
void irqstate_pic_from_kvm(struct pic_chip *c, const struct kvm_pic_state *k, bool master)
{
	memset(c, 0, sizeof(*c));
	/* LAB 7: begin */
	c->irr = k->irr;
	c->isr = k->isr;
	c->imr = k->imr;
	c->last_irr = k->last_irr;
	c->priority_add = k->priority_add;
	c->vector_base = k->irq_base;
	c->elcr = k->elcr;
	c->elcr_mask = k->elcr_mask;
	/* KVM counts the initialisation steps 0-3 as we do (0: ready, 1-3: waiting for ICW2-4) */
	c->init_state = k->init_state <= PIC_WAIT_ICW4 ? (enum pic_init_state)k->init_state : PIC_READY;
	c->is_master = master;
	c->icw3 = master ? 0x04 : 0x02;		/* KVM wires the slave to IR2, as a PC */
	c->icw4_needed = k->init4;
	c->x86_mode = true;
	c->auto_eoi = k->auto_eoi;
	c->special_fully_nested = k->special_fully_nested_mode;
	c->rotate_on_aeoi = k->rotate_on_auto_eoi;
	c->special_mask = k->special_mask;
	c->poll = k->poll;
	c->read_isr = k->read_reg_select;
	/* LAB 7: stub */
	//@ (void)k; (void)master;	/* the chip stays as zeroed above: nothing requested, nothing in service */
	/* LAB 7: end */
}

void irqstate_ioapic_from_kvm(struct irqstate *s, const struct kvm_ioapic_state *k)
{
	s->ioapic_id = (uint8_t)(k->id & 0x0f);
	for (int pin = 0; pin < IOAPIC_NUM_PINS; pin++)
		s->redir[pin] = k->redirtbl[pin].bits;
}

static uint32_t reg(const struct kvm_lapic_state *k, unsigned off)
{
	uint32_t v;

	memcpy(&v, k->regs + off, 4);
	return v;
}

void irqstate_lapic_from_kvm(struct irqstate *s, const struct kvm_lapic_state *k, uint64_t apic_base)
{
	struct lapic *a = &s->lapic;

	memset(a, 0, sizeof(*a));
	/* LAB 7: begin */
	a->base = apic_base;
	a->id = reg(k, LAPIC_ID);
	a->tpr = reg(k, LAPIC_TPR);
	a->ldr = reg(k, LAPIC_LDR);
	a->dfr = reg(k, LAPIC_DFR);
	a->svr = reg(k, LAPIC_SVR);
	a->esr = reg(k, LAPIC_ESR);
	a->icr_lo = reg(k, LAPIC_ICR_LO);
	a->icr_hi = reg(k, LAPIC_ICR_HI);
	for (int i = 0; i < LAPIC_LVT_COUNT; i++)
		a->lvt[i] = reg(k, LAPIC_LVT_TIMER + 16u * (unsigned)i);
	/* the 256-bit registers: eight 32-bit words, 16 bytes apart */
	for (int i = 0; i < 8; i++) {
		a->isr[i] = reg(k, LAPIC_ISR + 16u * (unsigned)i);
		a->tmr[i] = reg(k, LAPIC_TMR + 16u * (unsigned)i);
		a->irr[i] = reg(k, LAPIC_IRR + 16u * (unsigned)i);
	}
	a->timer_initial = reg(k, LAPIC_TIMER_ICR);
	a->timer_dcr = reg(k, LAPIC_TIMER_DCR);
	s->timer_current = reg(k, LAPIC_TIMER_CCR);
	/* LAB 7: stub */
	//@ (void)k; (void)apic_base;	/* the local APIC stays as zeroed above */
	//@ (void)reg;			/* reg(k, offset): the 32-bit register at 'offset' in the page */
	/* LAB 7: end */
}

/* "none", or the vectors set in a 256-bit register: "0x50,0x5b" */
static void vectors(const uint32_t bits[8], char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = 0;
	for (int v = 0; v < 256; v++) {
		if (!(bits[v / 32] & (1u << (v % 32))))
			continue;
		if (n + 6 >= len) {
			snprintf(buf + n, len - n, "...");
			return;
		}
		n += (size_t)snprintf(buf + n, len - n, "%s0x%02x", n ? "," : "", v);
	}
	if (!n)
		snprintf(buf, len, "none");
}

static void remote_irr_pins(const struct irqstate *s, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = 0;
	for (int pin = 0; pin < IOAPIC_NUM_PINS && n + 4 < len; pin++)
		if (s->redir[pin] & IOAPIC_RTE_REMOTE_IRR)
			n += (size_t)snprintf(buf + n, len - n, "%s%d", n ? "," : "pin ", pin);
	if (!n)
		snprintf(buf, len, "none");
}

void irqstate_summary(const struct irqstate *s, char *buf, size_t len)
{
	size_t n = 0;
	char a[128], b[128];

	buf[0] = 0;
	if (s->pic_from) {
		struct pic_state_summary p;

		pic_summary(&s->pic, &p);
		/* the words of irq.c's trace_pic() */
		n += (size_t)snprintf(buf + n, len - n, "pic: irr=%02x/%02x isr=%02x/%02x imr=%02x/%02x -> INTR %s",
				      p.irr[0], p.irr[1], p.isr[0], p.isr[1], p.imr[0], p.imr[1],
				      pic_intr(&s->pic) ? "high" : "low");
	}
	if (s->ioapic_from && n < len) {
		remote_irr_pins(s, a, sizeof(a));
		n += (size_t)snprintf(buf + n, len - n, "%sioapic: remote irr %s", n ? " | " : "", a);
	}
	if (s->lapic_from && n < len) {
		vectors(s->lapic.irr, a, sizeof(a));
		vectors(s->lapic.isr, b, sizeof(b));
		snprintf(buf + n, len - n, "%slapic: irr=%s isr=%s ppr=%02x", n ? " | " : "", a, b,
			 lapic_ppr(&s->lapic));
	}
}

static const char *const mode_name[8] = {
	"fixed", "lowest", "smi", "reserved", "nmi", "init", "reserved", "extint",
};

static void dump_pic(const struct pic_chip *c, const char *name, FILE *f)
{
	fprintf(f, "  8259A %-7s irr=%02x isr=%02x imr=%02x vector base 0x%02x elcr=%02x%s%s\n",
		name, c->irr, c->isr, c->imr, c->vector_base, c->elcr,
		c->auto_eoi ? " auto-eoi" : "", c->init_state != PIC_READY ? " (initialisation unfinished)" : "");
}

static void dump_ioapic(const struct irqstate *s, FILE *f)
{
	int shown = 0;

	fprintf(f, "  I/O APIC (%s): id %u; entries other than masked and zero:\n", s->ioapic_from, s->ioapic_id);
	for (int pin = 0; pin < IOAPIC_NUM_PINS; pin++) {
		uint64_t e = s->redir[pin];

		if ((e & IOAPIC_RTE_MASK) && !(e & IOAPIC_RTE_VECTOR))
			continue;
		shown++;
		fprintf(f, "    pin %2d: vector 0x%02x %-6s %-5s %s %s dest 0x%02x %s%s\n", pin,
			(unsigned)(e & IOAPIC_RTE_VECTOR),
			mode_name[(e & IOAPIC_RTE_DELMODE) >> IOAPIC_RTE_DELMODE_SHIFT],
			e & IOAPIC_RTE_TRIGGER ? "level" : "edge",
			e & IOAPIC_RTE_POLARITY ? "active-low" : "active-high",
			e & IOAPIC_RTE_DESTMODE ? "logical" : "physical",
			(unsigned)(e >> IOAPIC_RTE_DEST_SHIFT),
			e & IOAPIC_RTE_MASK ? "masked" : "unmasked",
			e & IOAPIC_RTE_REMOTE_IRR ? ", remote irr set" : "");
	}
	if (!shown)
		fprintf(f, "    none\n");
}

static void dump_lapic(const struct irqstate *s, FILE *f)
{
	const struct lapic *a = &s->lapic;
	static const char *const lvt_name[LAPIC_LVT_COUNT] = {
		"timer", "thermal", "perf", "lint0", "lint1", "error",
	};
	/* divide configuration: bits 3,1,0 -> 2, 4, 8, 16, 32, 64, 128, 1 (SDM 11.5.4) */
	unsigned code = ((a->timer_dcr >> 1) & 4) | (a->timer_dcr & 3);
	char v[256];

	fprintf(f, "  local APIC (%s): id %u, %s, software %s (svr=%03x), tpr=%02x ppr=%02x\n",
		s->lapic_from, a->id >> 24, (a->base & (1u << 11)) ? "enabled in IA32_APIC_BASE" :
		"disabled in IA32_APIC_BASE", lapic_sw_enabled(a) ? "enabled" : "disabled",
		a->svr & 0x3ff, a->tpr & 0xff, lapic_ppr(a));
	vectors(a->irr, v, sizeof(v));
	fprintf(f, "    irr: %s\n", v);
	vectors(a->isr, v, sizeof(v));
	fprintf(f, "    isr: %s\n", v);
	vectors(a->tmr, v, sizeof(v));
	fprintf(f, "    tmr: %s\n", v);
	fprintf(f, "    lvt:");
	for (int i = 0; i < LAPIC_LVT_COUNT; i++)
		if (i != 1 && i != 2)		/* thermal and perf: KVM's and ours both leave them alone */
			fprintf(f, " %s=%08x", lvt_name[i], a->lvt[i]);
	fprintf(f, "\n    timer: initial count %u, current count %u, divide by %u\n",
		a->timer_initial, s->timer_current, code == 7 ? 1u : 2u << code);
}

void irqstate_dump(const struct irqstate *s, FILE *f)
{
	fprintf(f, "tinyvmm: interrupt controllers at exit:\n");
	if (!s->pic_from && !s->ioapic_from && !s->lapic_from)
		fprintf(f, "  none: this machine has no interrupt controller\n");
	if (s->pic_from) {
		fprintf(f, "  8259A pair (%s), INTR %s\n", s->pic_from, pic_intr(&s->pic) ? "high" : "low");
		dump_pic(&s->pic.chip[0], "master:", f);
		dump_pic(&s->pic.chip[1], "slave:", f);
	}
	if (s->ioapic_from)
		dump_ioapic(s, f);
	if (s->lapic_from)
		dump_lapic(s, f);
}
