/*
 * gicv-demo.c - plays interrupts through the GICv2 virtual interface model
 * (gicv.c) and the virtual timer (vtimer.c), printing a trace in the format
 * of tinyvmm's --trace (src/trace.c): "t=TIMEms who: what | state".
 *
 * Usage: gicv-demo physical-irq|eoimode1|preempt|underflow|eoi-maint|timer
 * (tutorial/A-the-arm-way.md shows each).  Nothing here runs on Arm: the
 * "host", the "guest" and the physical GIC are C functions that make the
 * register accesses a KVM/arm64 host and a Linux guest would make, in order.
 * The time is the model's: a 100 MHz counter that moves only when a
 * scenario lets the guest run, so every run prints the same trace.
 *
 * The physical GIC (distributor plus one CPU interface, IHI 0048B chapters
 * 2-4) is reduced to what the scenarios need: a pending, an active and a
 * line bit for INTIDs 0-63, the host's CPU interface in EOImode = 1.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "gicv.h"
#include "vtimer.h"

#define CNTFRQ		100000000ull	/* this model's CNTFRQ_EL0: 100 MHz, 10 ns a tick */
#define BOOT_CNTPCT	2000000000ull	/* the physical count when the VM starts: 20 s of uptime */

struct machine {
	uint64_t cntpct;		/* CNTPCT_EL0, the physical count */
	uint64_t line, pending, active;	/* the physical GIC, bit n = INTID n */
	struct gicv v;			/* vCPU 0's virtual interface */
	struct vtimer vt;		/* vCPU 0's virtual timer */
	int queued[8], nqueued;		/* virtual INTIDs the host holds back: no free LR */
	int deactivated;		/* a physical INTID the guest just deactivated, or -1 */
};

/* ---- the trace --------------------------------------------------------- */

static const char *state_name[] = { "invalid", "pending", "active", "pending+active" };

/* The virtual interface's state, as the x86 traces print the PIC's or the LAPIC's. */
static void summary(struct machine *m, char *buf, size_t n)
{
	struct gicv *g = &m->v;
	size_t len = snprintf(buf, n, "gich:");
	uint32_t empty = gich_read(g, GICH_ELRSR0);

	for (int i = 0; i < GICV_NR_LR; i++) {
		uint32_t lr = g->lr[i];
		if (empty & (1u << i))
			continue;
		len += snprintf(buf + len, n - len, " lr%d=%s %u@%02x%s", i, state_name[lr_state(lr)],
				lr_vid(lr), lr_prio(lr), lr & LR_HW ? " hw" : lr & LR_EOI ? " eoi" : "");
	}
	if (empty == (1u << GICV_NR_LR) - 1)
		len += snprintf(buf + len, n - len, " lrs empty");
	len += snprintf(buf + len, n - len, " misr=%02x%s | gicv: rpr=%02x -> vIRQ %s",
			gich_read(g, GICH_MISR), gich_maint(g) ? " -> maint high" : "",
			g->apr ? (unsigned)__builtin_ctz(g->apr) << 3 : GICV_IDLE_PRIORITY,
			gicv_virq(g) ? "high" : "low");
}

static void __attribute__((format(printf, 3, 4))) tr(struct machine *m, bool state, const char *fmt, ...)
{
	uint64_t ns = (m->cntpct - BOOT_CNTPCT) * (1000000000ull / CNTFRQ);
	char line[512], st[384] = "";
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (state)
		summary(m, st, sizeof(st));
	printf("t=%llu.%03llums %s%s%s\n", (unsigned long long)(ns / 1000000),
	       (unsigned long long)(ns / 1000 % 1000), line, state ? " | " : "", st);
}

/* ---- the physical GIC (level-sensitive lines, one CPU) -------------------- */

static void phys_update(struct machine *m)
{
	m->pending = m->line & ~m->active;	/* a level line re-pends once inactive */
}

static void phys_set_line(struct machine *m, const char *who, unsigned intid, int level)
{
	m->line = level ? m->line | 1ull << intid : m->line & ~(1ull << intid);
	phys_update(m);
	tr(m, false, "%s: intid %u %s | gicd: %s -> host IRQ %s", who, intid, level ? "rises" : "falls",
	   m->pending >> intid & 1 ? "pending" : m->active >> intid & 1 ? "active" : "inactive",
	   m->pending ? "high" : "low");
}

/*
 * The model's callback: the guest deactivated an LR with HW = 1.  Traced
 * after the guest's write that caused it (guest_write()), as the x86 trace
 * prints the I/O APIC's Remote IRR after the LAPIC EOI.
 */
static void phys_deactivate(void *opaque, unsigned intid)
{
	struct machine *m = opaque;

	m->active &= ~(1ull << intid);
	phys_update(m);
	m->deactivated = (int)intid;
}

static void trace_deactivation(struct machine *m)
{
	unsigned intid = (unsigned)m->deactivated;

	if (m->deactivated < 0)
		return;
	m->deactivated = -1;
	tr(m, false, "gicd: intid %u deactivated by the guest (lr hw=1)%s", intid,
	   m->pending >> intid & 1 ? ", line still high -> pending again" : "");
}

/* ---- the host at EL2 ----------------------------------------------------- */

/* The IRQ exception at EL2: acknowledge, drop the priority, keep it active. */
static unsigned host_irq(struct machine *m)
{
	unsigned intid = (unsigned)__builtin_ctzll(m->pending);

	tr(m, false, "vcpu: physical IRQ -> exit to EL2 (HCR_EL2.IMO routes IRQs to the host)");
	m->pending &= ~(1ull << intid);
	m->active |= 1ull << intid;
	tr(m, false, "host: gicc_iar -> %u, gicc_eoir %u: priority drop, still active (EOImode=1)", intid, intid);
	return intid;
}

static int free_lr(struct machine *m)
{
	uint32_t empty = gich_read(&m->v, GICH_ELRSR0);

	return empty ? __builtin_ctz(empty) : -1;
}

static void host_write_lr(struct machine *m, int i, uint32_t lr)
{
	gich_write(&m->v, GICH_LR0 + 4 * i, lr);
	tr(m, true, "host: gich_lr%d <- %08x", i, lr);
}

/* Inject virtual INTID vid (HW = 0) or queue it when every LR is taken. */
static void host_inject(struct machine *m, unsigned vid, unsigned prio, uint32_t flags)
{
	int i = free_lr(m);

	if (i >= 0) {
		host_write_lr(m, i, lr_make(vid, prio, LR_PENDING, flags));
		return;
	}
	m->queued[m->nqueued++] = vid;
	gich_write(&m->v, GICH_HCR, gich_read(&m->v, GICH_HCR) | HCR_UIE);
	tr(m, true, "host: no empty lr (elrsr=0): queue %u, set gich_hcr.UIE", vid);
}

static void host_enter(struct machine *m)
{
	tr(m, true, "host: eret to the vCPU");
}

/* ---- the guest at EL1 ---------------------------------------------------- */

static unsigned guest_iar(struct machine *m)
{
	unsigned id = gicv_read(&m->v, GICV_IAR);

	tr(m, true, "guest: gicv_iar -> %u%s", id, id == GICV_SPURIOUS ? " (spurious)" : "");
	return id;
}

/* EOIR and DIR take an INTID (decimal, as IAR's), PMR a priority (hex). */
static void guest_write(struct machine *m, uint32_t reg, const char *name, unsigned val)
{
	gicv_write(&m->v, reg, val);
	tr(m, true, reg == GICV_PMR ? "guest: %s <- %02x" : "guest: %s <- %u", name, val);
	trace_deactivation(m);
}

static void guest_boot(struct machine *m, uint32_t ctlr)
{
	gicv_write(&m->v, GICV_PMR, 0xf0);
	gicv_write(&m->v, GICV_CTLR, ctlr);
	gich_write(&m->v, GICH_HCR, HCR_EN);
	tr(m, true, "guest: gicv_pmr <- f0, gicv_ctlr <- %x; host: gich_hcr <- En", ctlr);
}

/* ---- the scenarios ------------------------------------------------------- */

/* A passed-through device's SPI 42 becomes virtual INTID 42 (section 4). */
static void physical_irq(struct machine *m)
{
	guest_boot(m, CTLR_ENABLEGRP0);
	phys_set_line(m, "dev", 42, 1);
	unsigned intid = host_irq(m);
	host_write_lr(m, 0, lr_make(intid, 0xa0, LR_PENDING, lr_hw(intid)));
	host_enter(m);
	tr(m, false, "vcpu: vIRQ taken at EL1, no exit");
	unsigned id = guest_iar(m);
	phys_set_line(m, "dev", 42, 0);	/* the guest's handler quiets the device */
	guest_write(m, GICV_EOIR, "gicv_eoir", id);
}

/* EOImode = 1: EOIR drops the priority, DIR deactivates later (section 3.3). */
static void eoimode1(struct machine *m)
{
	guest_boot(m, CTLR_ENABLEGRP0 | CTLR_EOIMODE);
	phys_set_line(m, "dev", 42, 1);
	unsigned intid = host_irq(m);
	host_write_lr(m, 0, lr_make(intid, 0xa0, LR_PENDING, lr_hw(intid)));
	host_inject(m, 43, 0xa0, 0);
	host_enter(m);
	unsigned id = guest_iar(m);
	guest_write(m, GICV_EOIR, "gicv_eoir", id);
	unsigned id2 = guest_iar(m);
	guest_write(m, GICV_EOIR, "gicv_eoir", id2);
	guest_write(m, GICV_DIR, "gicv_dir", id2);
	phys_set_line(m, "dev", 42, 0);
	guest_write(m, GICV_DIR, "gicv_dir", id);
}

/* Priorities: preemption by a higher group priority, PMR, spurious (section 3.4). */
static void preempt(struct machine *m)
{
	guest_boot(m, CTLR_ENABLEGRP0);
	host_inject(m, 43, 0xa0, 0);
	host_enter(m);
	unsigned a = guest_iar(m);
	host_inject(m, 44, 0x80, 0);
	host_inject(m, 45, 0xc0, 0);
	unsigned b = guest_iar(m);
	guest_write(m, GICV_EOIR, "gicv_eoir", b);
	guest_write(m, GICV_EOIR, "gicv_eoir", a);
	guest_write(m, GICV_PMR, "gicv_pmr", 0xc0);
	tr(m, true, "guest: gicv_hppir -> %u", gicv_read(&m->v, GICV_HPPIR));
	guest_iar(m);
	guest_write(m, GICV_PMR, "gicv_pmr", 0xf0);
	guest_write(m, GICV_EOIR, "gicv_eoir", guest_iar(m));
}

/* Six interrupts for four list registers: the underflow interrupt (section 3.5). */
static void underflow(struct machine *m)
{
	guest_boot(m, CTLR_ENABLEGRP0);
	for (unsigned vid = 48; vid < 54; vid++)
		host_inject(m, vid, 0xa0, 0);
	host_enter(m);
	for (;;) {
		unsigned id = guest_iar(m);
		if (id == GICV_SPURIOUS)
			break;
		guest_write(m, GICV_EOIR, "gicv_eoir", id);
		if (!gich_maint(&m->v))
			continue;
		tr(m, false, "vcpu: maintenance interrupt (ppi %u) -> exit to EL2", GIC_PPI_MAINT);
		for (int i; m->nqueued && (i = free_lr(m)) >= 0; ) {
			unsigned vid = m->queued[0];
			memmove(m->queued, m->queued + 1, --m->nqueued * sizeof(m->queued[0]));
			host_write_lr(m, i, lr_make(vid, 0xa0, LR_PENDING, 0));
		}
		if (!m->nqueued)
			gich_write(&m->v, GICH_HCR, gich_read(&m->v, GICH_HCR) & ~HCR_UIE);
		host_enter(m);
	}
}

/* A level-triggered emulated device: EOI bit, EISR, re-sample (section 3.5). */
static void eoi_maint(struct machine *m)
{
	guest_boot(m, CTLR_ENABLEGRP0);
	tr(m, false, "uart: emulated line rises (level)");
	host_inject(m, 33, 0xa0, LR_EOI);
	host_enter(m);
	unsigned id = guest_iar(m);
	tr(m, false, "uart: the guest reads the device; the line stays high (more data)");
	guest_write(m, GICV_EOIR, "gicv_eoir", id);
	tr(m, true, "vcpu: maintenance interrupt (ppi %u) -> exit to EL2; host: gich_eisr0 = %x",
	   GIC_PPI_MAINT, gich_read(&m->v, GICH_EISR0));
	host_write_lr(m, 0, lr_make(33, 0xa0, LR_PENDING, LR_EOI));	/* line still high */
	host_enter(m);
	id = guest_iar(m);
	tr(m, false, "uart: the guest drains the device; the line falls");
	guest_write(m, GICV_EOIR, "gicv_eoir", id);
	tr(m, false, "vcpu: maintenance interrupt (ppi %u) -> exit to EL2; host: the line is low",
	   GIC_PPI_MAINT);
	host_write_lr(m, 0, 0);
}

/* The virtual timer: PPI 27 through an LR with HW = 1 (section 6). */
static void timer(struct machine *m)
{
	uint64_t period = CNTFRQ / 1000;	/* 1 ms */

	tr(m, false, "host: cntvoff_el2 <- %llu (cntpct at VM start: the guest's count starts at 0)",
	   (unsigned long long)BOOT_CNTPCT);
	guest_boot(m, CTLR_ENABLEGRP0);
	vtimer_cval_write(&m->vt, vtimer_cntvct(&m->vt, m->cntpct) + period);
	vtimer_ctl_write(&m->vt, CNTV_CTL_ENABLE);
	tr(m, false, "guest: cntv_cval_el0 <- %llu, cntv_ctl_el0 <- ENABLE (no exit)",
	   (unsigned long long)m->vt.cval);
	for (int tick = 0; tick < 2; tick++) {
		m->cntpct = vtimer_deadline_cntpct(&m->vt);
		tr(m, false, "vtimer: cntvct %llu >= cval, ctl=%x (ISTATUS)",
		   (unsigned long long)vtimer_cntvct(&m->vt, m->cntpct), vtimer_ctl_read(&m->vt, m->cntpct));
		phys_set_line(m, "vtimer", GIC_PPI_VTIMER, vtimer_irq(&m->vt, m->cntpct));
		unsigned intid = host_irq(m);
		host_write_lr(m, free_lr(m), lr_make(intid, 0xa0, LR_PENDING, lr_hw(intid)));
		host_enter(m);
		unsigned id = guest_iar(m);
		vtimer_cval_write(&m->vt, m->vt.cval + period);
		tr(m, false, "guest: cntv_cval_el0 <- %llu (next tick, no exit)", (unsigned long long)m->vt.cval);
		phys_set_line(m, "vtimer", GIC_PPI_VTIMER, vtimer_irq(&m->vt, m->cntpct));
		guest_write(m, GICV_EOIR, "gicv_eoir", id);
	}
}

static const struct { const char *name; void (*run)(struct machine *); } scenarios[] = {
	{ "physical-irq", physical_irq }, { "eoimode1", eoimode1 }, { "preempt", preempt },
	{ "underflow", underflow }, { "eoi-maint", eoi_maint }, { "timer", timer },
};

int main(int argc, char **argv)
{
	static struct machine m;

	for (size_t i = 0; argc == 2 && i < sizeof(scenarios) / sizeof(scenarios[0]); i++) {
		if (strcmp(argv[1], scenarios[i].name))
			continue;
		m.cntpct = BOOT_CNTPCT;
		m.deactivated = -1;
		gicv_init(&m.v, phys_deactivate, &m);
		vtimer_init(&m.vt, BOOT_CNTPCT);
		scenarios[i].run(&m);
		return 0;
	}
	fprintf(stderr, "usage: gicv-demo physical-irq|eoimode1|preempt|underflow|eoi-maint|timer\n");
	return 2;
}
