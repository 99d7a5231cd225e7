/*
 * test_irqstate.c - chapter 7 without /dev/kvm: KVM's interrupt controller
 * state read into tinyvmm's models (irqstate.c), printed (--trace,
 * --dump-irqchip), and the in-kernel irqchip's ioctls (inkernel.c).
 *
 * The oracles are the documents, not the code under test:
 *  - Documentation/virt/kvm/api.rst: KVM_GET_IRQCHIP (struct kvm_irqchip,
 *    chip_id 0 = PIC master, 1 = PIC slave, 2 = I/O APIC; struct
 *    kvm_pic_state, struct kvm_ioapic_state), KVM_GET_LAPIC ("the data
 *    format and layout are the same as documented in the architecture
 *    manual": the xAPIC register page), KVM_IRQ_LINE (struct kvm_irq_level:
 *    the GSI and its level), KVM_CREATE_IRQCHIP, KVM_SET_GSI_ROUTING with
 *    KVM_IRQ_ROUTING_IRQCHIP entries (irqchip, pin), KVM_CREATE_PIT2
 *    (struct kvm_pit_config, KVM_PIT_SPEAKER_DUMMY);
 *  - Intel SDM vol. 3A, table 11-1 (the local APIC register offsets), 11.5.4
 *    (the timer's divide configuration), 11.8.3.1 (PPR from TPR and the
 *    highest in-service vector), 11.8.4 (a vector is delivered when its
 *    priority class is above PPR's), 11.4.3 (IA32_APIC_BASE bit 11, SVR bit 8);
 *  - the 8259A datasheet (INT rises for an unmasked request of higher
 *    priority than any in service; the slave's INT is the master's IR2 on a
 *    PC, ICW3) and the 82093AA I/O APIC datasheet (redirection entry bits:
 *    vector 7:0, delivery mode 10:8, destination mode 11, delivery status
 *    12, polarity 13, Remote IRR 14, trigger mode 15, mask 16, destination
 *    63:56);
 *  - the PC's wiring: ISA IRQ n on 8259A input n (8-15 on the slave) and on
 *    I/O APIC pin n, but IRQ 0 on pin 2 (ACPI's interrupt source override);
 *    IRQ 2 is the cascade.
 *
 * As in test_wiring.c, a fake KVM answers the ioctls on FAKE_VM_FD (and
 * here FAKE_VCPU_FD) and records them; every other fd goes to the real ioctl.
 */
#include <errno.h>
#include <stdarg.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "tap.h"
#include "vm.h"
#include "inkernel.h"
#include "irqstate.h"

#define FAKE_VM_FD	1000
#define FAKE_VCPU_FD	1001
#define MSR_APIC_BASE	0x1b
#define APIC_BASE_BSP	(1u << 8)	/* IA32_APIC_BASE bits (SDM 11.4.4) */
#define APIC_BASE_EN	(1u << 11)

/* The xAPIC register page, SDM vol. 3A table 11-1 (our own numbers, not lapic.h's). */
enum {
	R_ID = 0x020, R_TPR = 0x080, R_LDR = 0x0d0, R_DFR = 0x0e0, R_SVR = 0x0f0,
	R_ISR = 0x100, R_TMR = 0x180, R_IRR = 0x200, R_ESR = 0x280,
	R_ICR_LO = 0x300, R_ICR_HI = 0x310,
	R_LVT_TIMER = 0x320, R_LVT_THERMAL = 0x330, R_LVT_PERF = 0x340,
	R_LVT_LINT0 = 0x350, R_LVT_LINT1 = 0x360, R_LVT_ERROR = 0x370,
	R_TIMER_ICR = 0x380, R_TIMER_CCR = 0x390, R_TIMER_DCR = 0x3e0,
};

/* ---- the fake KVM ---------------------------------------------------------- */

static struct {
	unsigned long req[32];			/* every request on the fake fds, in order */
	int nreq;
	struct kvm_irq_level line[8];
	int lines;
	struct kvm_irq_routing hdr;		/* the last KVM_SET_GSI_ROUTING */
	struct kvm_irq_routing_entry route[64];
	struct kvm_pit_config pit;
	struct kvm_reinject_control reinject;
	uint32_t chip_asked[8];			/* chip_id of each KVM_GET_IRQCHIP */
	int chips;
	struct kvm_irqchip chip[3];		/* what KVM_GET_IRQCHIP returns, by chip_id */
	struct kvm_lapic_state lapic;		/* what KVM_GET_LAPIC returns */
	uint64_t apic_base;			/* what KVM_GET_MSRS returns for 0x1b */
	unsigned long fail;			/* this request fails with fail_errno */
	int fail_errno;
	uint32_t fail_chip;			/* KVM_GET_IRQCHIP fails for this chip_id only (if < 3) */
} fake;

static void fake_reset(void)
{
	memset(&fake, 0, sizeof(fake));
	fake.fail_chip = 99;
	for (uint32_t i = 0; i < 3; i++)
		fake.chip[i].chip_id = i;
}

int ioctl(int fd, unsigned long request, ...)
{
	va_list ap;
	void *arg;

	va_start(ap, request);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (fd != FAKE_VM_FD && fd != FAKE_VCPU_FD)
		return (int)syscall(SYS_ioctl, fd, request, arg);
	if (fake.nreq < 32)
		fake.req[fake.nreq] = request;
	fake.nreq++;
	if (request == KVM_GET_IRQCHIP && fake.chips < 8)
		fake.chip_asked[fake.chips++] = ((struct kvm_irqchip *)arg)->chip_id;
	if (request == KVM_IRQ_LINE && fake.lines < 8)
		fake.line[fake.lines++] = *(struct kvm_irq_level *)arg;
	if (request == fake.fail ||
	    (request == KVM_GET_IRQCHIP && ((struct kvm_irqchip *)arg)->chip_id == fake.fail_chip)) {
		errno = fake.fail_errno;
		return -1;
	}
	switch (request) {
	case KVM_CREATE_IRQCHIP:
	case KVM_IRQ_LINE:
		return 0;
	case KVM_CREATE_PIT2:
		fake.pit = *(struct kvm_pit_config *)arg;
		return 0;
	case KVM_REINJECT_CONTROL:
		fake.reinject = *(struct kvm_reinject_control *)arg;
		return 0;
	case KVM_SET_GSI_ROUTING: {
		const struct kvm_irq_routing *r = arg;

		fake.hdr = *r;
		for (uint32_t i = 0; i < r->nr && i < 64; i++)
			fake.route[i] = r->entries[i];
		return 0;
	}
	case KVM_GET_IRQCHIP: {
		struct kvm_irqchip *c = arg;

		if (c->chip_id > 2)
			break;
		*c = fake.chip[c->chip_id];
		return 0;
	}
	case KVM_GET_LAPIC:
		if (fd != FAKE_VCPU_FD)
			break;
		*(struct kvm_lapic_state *)arg = fake.lapic;
		return 0;
	case KVM_GET_MSRS: {
		struct kvm_msrs *m = arg;

		if (fd != FAKE_VCPU_FD || m->nmsrs != 1 || m->entries[0].index != MSR_APIC_BASE)
			break;
		m->entries[0].data = fake.apic_base;
		return 1;	/* api.rst: the number of MSRs read */
	}
	}
	errno = ENOTTY;
	return -1;
}

static int requests(unsigned long request)
{
	int n = 0;

	for (int i = 0; i < fake.nreq && i < 32; i++)
		n += fake.req[i] == request;
	return n;
}

/* ---- helpers ----------------------------------------------------------------- */

static void page_set(struct kvm_lapic_state *k, unsigned off, uint32_t v)
{
	memcpy(k->regs + off, &v, 4);
}

/* A 256-bit register (ISR, TMR, IRR): vector v is bit v%32 of the word at base + 16*(v/32). */
static void page_vector(struct kvm_lapic_state *k, unsigned base, int v)
{
	uint32_t w;

	memcpy(&w, k->regs + base + 16 * (v / 32), 4);
	w |= 1u << (v % 32);
	memcpy(k->regs + base + 16 * (v / 32), &w, 4);
}

static bool has_vector(const uint32_t bits[8], int v)
{
	return bits[v / 32] & (1u << (v % 32));
}

static int vector_count(const uint32_t bits[8])
{
	int n = 0;

	for (int v = 0; v < 256; v++)
		n += has_vector(bits, v);
	return n;
}

static char *dump_text(const struct irqstate *s)
{
	static char buf[4096];
	FILE *f = fmemopen(buf, sizeof(buf), "w");

	irqstate_dump(s, f);
	fclose(f);
	return buf;
}

static char *summary_text(const struct irqstate *s)
{
	static char buf[400];

	memset(buf, 'x', sizeof(buf));
	irqstate_summary(s, buf, sizeof(buf));
	return buf;
}

/* A PC's 8259A pair after a BIOS-like ICW1-4 (vectors 20 and 28), as KVM reports it. */
static void kvm_pic_pc(struct kvm_pic_state *m, struct kvm_pic_state *s)
{
	memset(m, 0, sizeof(*m));
	memset(s, 0, sizeof(*s));
	m->irq_base = 0x20;
	s->irq_base = 0x28;
	m->init4 = s->init4 = 1;
	m->elcr_mask = 0xf8;
	s->elcr_mask = 0xde;
}

static void load_pic(struct pic *p, const struct kvm_pic_state *m, const struct kvm_pic_state *s)
{
	irqstate_pic_from_kvm(&p->chip[0], m, true);
	irqstate_pic_from_kvm(&p->chip[1], s, false);
}

/* ---- 1. the 8259A pair ------------------------------------------------------- */

/* The one-bit fields of struct kvm_pic_state, each with the pic_chip flag it must set, and only that one. */
#define FLAGS(c) { (c).read_isr, (c).poll, (c).special_mask, (c).auto_eoi, (c).rotate_on_aeoi, \
		   (c).special_fully_nested, (c).icw4_needed }
static const char *const flag_name[7] = {
	"read_reg_select", "poll", "special_mask", "auto_eoi", "rotate_on_auto_eoi",
	"special_fully_nested_mode", "init4",
};

static void kvm_pic_flag(struct kvm_pic_state *k, int i)
{
	uint8_t *f[7] = { &k->read_reg_select, &k->poll, &k->special_mask, &k->auto_eoi,
			  &k->rotate_on_auto_eoi, &k->special_fully_nested_mode, &k->init4 };

	*f[i] = 1;
}

static void test_pic_fields(void)
{
	struct kvm_pic_state k = {
		.last_irr = 0x81, .irr = 0x12, .imr = 0x34, .isr = 0x40, .priority_add = 3,
		.irq_base = 0x28, .init_state = 2, .elcr = 0x0c, .elcr_mask = 0xf8,
	};
	struct pic_chip c;
	bool good = true;

	memset(&c, 0xa5, sizeof(c));
	irqstate_pic_from_kvm(&c, &k, true);
	is(c.irr, 0x12, "pic fields: irr");
	is(c.isr, 0x40, "pic fields: isr");
	is(c.imr, 0x34, "pic fields: imr");
	is(c.last_irr, 0x81, "pic fields: last_irr (the input levels, for edge detection)");
	is(c.priority_add, 3, "pic fields: priority_add (the IR of highest priority)");
	is(c.vector_base, 0x28, "pic fields: irq_base is the vector base (ICW2)");
	is(c.elcr, 0x0c, "pic fields: elcr");
	is(c.elcr_mask, 0xf8, "pic fields: elcr_mask");
	is(c.init_state, PIC_WAIT_ICW3, "pic fields: init_state 2 is 'waiting for ICW3'");
	ok(c.is_master && c.icw3 == 0x04, "pic fields: the master has its slave on IR2 (ICW3 04)");
	ok(c.x86_mode, "pic fields: 8086 mode (KVM's 8259A gives vectors, as ICW4 uPM = 1)");

	for (int i = 0; i < 7; i++) {
		memset(&k, 0, sizeof(k));
		kvm_pic_flag(&k, i);
		memset(&c, 0xa5, sizeof(c));
		irqstate_pic_from_kvm(&c, &k, true);
		bool got[7] = FLAGS(c);

		for (int j = 0; j < 7; j++)
			if (got[j] != (i == j)) {
				diag("%s = 1: the flag of %s is %d", flag_name[i], flag_name[j], got[j]);
				good = false;
			}
		if (c.level_triggered || c.single_mode)
			good = false;
	}
	ok(good, "pic fields: read_reg_select, poll, special_mask, auto_eoi, rotate_on_auto_eoi, "
	   "special_fully_nested_mode, init4: each sets its own flag and no other");

	memset(&k, 0, sizeof(k));
	k.init_state = 1;
	memset(&c, 0xa5, sizeof(c));
	irqstate_pic_from_kvm(&c, &k, false);
	is(c.init_state, PIC_WAIT_ICW2, "pic fields: init_state 1 is 'waiting for ICW2'");
	ok(!c.is_master && c.icw3 == 0x02, "pic fields: the slave's ID is 2 (ICW3 of a PC's slave)");
	k.init_state = 3;
	irqstate_pic_from_kvm(&c, &k, false);
	is(c.init_state, PIC_WAIT_ICW4, "pic fields: init_state 3 is 'waiting for ICW4'");
	k.init_state = 0;
	irqstate_pic_from_kvm(&c, &k, false);
	is(c.init_state, PIC_READY, "pic fields: init_state 0 is 'initialised'");
}

/* 8259A datasheet: INT rises for an unmasked request that outranks everything in service. */
static void test_pic_intr(void)
{
	struct kvm_pic_state m, s;
	struct pic p;

	kvm_pic_pc(&m, &s);
	s.imr = 0xff;
	m.irr = 0x01;
	load_pic(&p, &m, &s);
	ok(pic_intr(&p), "pic intr: master irr 01, imr 00, isr 00: INTR high");
	is(pic_intack(&p), 0x20, "pic intr: and the INTA gives the master's vector base + 0 (20)");

	m.imr = 0x01;
	load_pic(&p, &m, &s);
	ok(!pic_intr(&p), "pic intr: the same request masked (imr 01): INTR low");

	m.imr = 0x00;
	m.irr = 0x08;
	m.isr = 0x01;
	load_pic(&p, &m, &s);
	ok(!pic_intr(&p), "pic intr: IR3 requested while IR0 is in service: lower priority, INTR low");
	m.irr = 0x01;
	m.isr = 0x08;
	load_pic(&p, &m, &s);
	ok(pic_intr(&p), "pic intr: IR0 requested while IR3 is in service: higher priority, INTR high");

	/* rotated priorities: priority_add 4 makes IR4 the highest, IR3 the lowest */
	m.irr = 0x01;
	m.isr = 0x10;
	m.priority_add = 4;
	load_pic(&p, &m, &s);
	ok(!pic_intr(&p), "pic intr: priority_add 4 (IR4 highest): IR0 waits behind IR4 in service");
	m.irr = 0x20;
	m.isr = 0x01;
	load_pic(&p, &m, &s);
	ok(pic_intr(&p), "pic intr: priority_add 4: IR5 (second) outranks IR0 (fifth) in service");
}

/* The slave's INT is the master's IR2 (ICW3): a request on IRQ 10 comes through the pair. */
static void test_pic_slave_wiring(void)
{
	struct kvm_pic_state m, s;
	struct pic p;

	kvm_pic_pc(&m, &s);
	m.imr = 0xfb;	/* only the cascade input open */
	load_pic(&p, &m, &s);
	ok(!pic_intr(&p), "pic slave wiring: nothing requested, INTR low");
	pic_set_irq(&p, 10, 1);
	ok(pic_intr(&p), "pic slave wiring: IRQ 10 on the loaded pair raises the master's INTR through IR2");
	is(pic_intack(&p), 0x2a, "pic slave wiring: the INTA gives the slave's vector 28 + 2");
	ok(p.chip[0].isr == 0x04 && p.chip[1].isr == 0x04,
	   "pic slave wiring: master isr 04 (IR2), slave isr 04 (its IR2)");

	/* a slave request KVM already latched: master IR2 and slave IR3 requested */
	kvm_pic_pc(&m, &s);
	m.irr = 0x04;
	m.last_irr = 0x04;
	s.irr = 0x08;
	s.last_irr = 0x08;
	load_pic(&p, &m, &s);
	ok(pic_intr(&p), "pic slave wiring: a latched slave request (IRQ 11) gives INTR high");
	is(pic_intack(&p), 0x2b, "pic slave wiring: and its vector is the slave's, 2b");
}

/* ---- 2. the local APIC ------------------------------------------------------- */

static void kvm_lapic_page(struct kvm_lapic_state *k)
{
	memset(k, 0, sizeof(*k));
	page_set(k, R_ID, 0x01000000);		/* APIC ID 1 in bits 31:24 */
	page_set(k, R_SVR, 0x1ff);		/* software-enabled, spurious vector ff */
	page_vector(k, R_IRR, 0x5b);		/* word 2 (0x220), bit 27 */
}

static void test_lapic_registers(void)
{
	struct kvm_lapic_state k;
	struct irqstate s;
	struct lapic *a = &s.lapic;

	kvm_lapic_page(&k);
	page_set(&k, R_TPR, 0x20);
	page_set(&k, R_LDR, 0x02000000);
	page_set(&k, R_DFR, 0x0fffffff);
	page_set(&k, R_ESR, 0x40);
	page_set(&k, R_ICR_LO, 0x000c4043);
	page_set(&k, R_ICR_HI, 0x03000000);
	page_set(&k, R_LVT_TIMER, 0x00020040);
	page_set(&k, R_LVT_THERMAL, 0x00010041);
	page_set(&k, R_LVT_PERF, 0x00010042);
	page_set(&k, R_LVT_LINT0, 0x00000700);
	page_set(&k, R_LVT_LINT1, 0x00000400);
	page_set(&k, R_LVT_ERROR, 0x000000fe);
	page_set(&k, R_TIMER_ICR, 1000000);
	page_set(&k, R_TIMER_CCR, 123456);
	page_set(&k, R_TIMER_DCR, 0xb);
	page_vector(&k, R_IRR, 0x20);		/* word 1, bit 0 */
	page_vector(&k, R_IRR, 0xfe);		/* word 7, bit 30 */
	page_vector(&k, R_ISR, 0x61);
	page_vector(&k, R_ISR, 0xff);
	page_vector(&k, R_TMR, 0x5b);
	page_vector(&k, R_TMR, 0x1f);		/* word 0, bit 31 */
	memset(&s, 0, sizeof(s));
	memset(a, 0xa5, sizeof(*a));
	irqstate_lapic_from_kvm(&s, &k, 0xfee00000u | APIC_BASE_EN | APIC_BASE_BSP);

	is(a->base, 0xfee00900u, "lapic registers: IA32_APIC_BASE as given");
	is(a->id, 0x01000000, "lapic registers: the ID register (offset 20)");
	is(a->tpr, 0x20, "lapic registers: TPR (offset 80)");
	is(a->ldr, 0x02000000, "lapic registers: LDR (offset d0)");
	is(a->dfr, 0x0fffffff, "lapic registers: DFR (offset e0)");
	is(a->svr, 0x1ff, "lapic registers: SVR (offset f0)");
	is(a->esr, 0x40, "lapic registers: ESR (offset 280)");
	ok(a->icr_lo == 0x000c4043 && a->icr_hi == 0x03000000, "lapic registers: ICR (offsets 300 and 310)");
	ok(has_vector(a->irr, 0x5b) && has_vector(a->irr, 0x20) && has_vector(a->irr, 0xfe) &&
	   vector_count(a->irr) == 3, "lapic registers: IRR holds exactly 20, 5b and fe (offsets 200-270)");
	ok(has_vector(a->isr, 0x61) && has_vector(a->isr, 0xff) && vector_count(a->isr) == 2,
	   "lapic registers: ISR holds exactly 61 and ff (offsets 100-170)");
	ok(lapic_tmr_test(a, 0x5b) && lapic_tmr_test(a, 0x1f) && !lapic_tmr_test(a, 0x5a) &&
	   vector_count(a->tmr) == 2, "lapic registers: TMR holds exactly 1f and 5b (offsets 180-1f0)");
	ok(a->lvt[0] == 0x00020040 && a->lvt[1] == 0x00010041 && a->lvt[2] == 0x00010042 &&
	   a->lvt[3] == 0x00000700 && a->lvt[4] == 0x00000400 && a->lvt[5] == 0x000000fe,
	   "lapic registers: the LVTs timer, thermal, perf, LINT0, LINT1, error (offsets 320-370)");
	is(a->timer_initial, 1000000, "lapic registers: timer initial count (offset 380)");
	is(s.timer_current, 123456, "lapic registers: timer current count (offset 390)");
	is(a->timer_dcr, 0xb, "lapic registers: timer divide configuration (offset 3e0)");
}

/* SDM 11.8.3.1: PPR = TPR if TPR[7:4] >= ISRV[7:4], else ISRV[7:4] << 4; 11.8.4: a class above PPR's is taken. */
static void test_lapic_priorities(void)
{
	const uint64_t base = 0xfee00000u | APIC_BASE_EN | APIC_BASE_BSP;
	struct kvm_lapic_state k;
	struct irqstate s;

	memset(&s, 0, sizeof(s));
	kvm_lapic_page(&k);
	irqstate_lapic_from_kvm(&s, &k, base);
	is(lapic_ppr(&s.lapic), 0x00, "lapic priorities: TPR 0, ISR empty: PPR 00");
	is(lapic_pending(&s.lapic), 0x5b, "lapic priorities: and vector 5b in IRR is deliverable");

	page_set(&k, R_TPR, 0x80);
	irqstate_lapic_from_kvm(&s, &k, base);
	is(lapic_ppr(&s.lapic), 0x80, "lapic priorities: TPR 80: PPR 80");
	is(lapic_pending(&s.lapic), -1, "lapic priorities: TPR 80 holds back vector 5b (class 5)");

	page_set(&k, R_TPR, 0x20);
	page_vector(&k, R_ISR, 0x61);
	irqstate_lapic_from_kvm(&s, &k, base);
	is(lapic_ppr(&s.lapic), 0x60, "lapic priorities: TPR 20, 61 in service: PPR 60");
	is(lapic_pending(&s.lapic), -1, "lapic priorities: 61 in service holds back 5b");
	page_vector(&k, R_IRR, 0x71);
	irqstate_lapic_from_kvm(&s, &k, base);
	is(lapic_pending(&s.lapic), 0x71, "lapic priorities: but 71 (class 7) is deliverable");

	page_set(&k, R_SVR, 0x0ff);
	irqstate_lapic_from_kvm(&s, &k, base);
	is(lapic_pending(&s.lapic), -1, "lapic priorities: SVR bit 8 clear (software-disabled): nothing deliverable");
	page_set(&k, R_SVR, 0x1ff);
	irqstate_lapic_from_kvm(&s, &k, 0xfee00000u | APIC_BASE_BSP);
	is(lapic_pending(&s.lapic), -1, "lapic priorities: IA32_APIC_BASE bit 11 clear (globally disabled): nothing deliverable");
}

/* ---- 3. the I/O APIC ----------------------------------------------------------- */

static void test_ioapic(void)
{
	struct kvm_ioapic_state k;
	struct irqstate s;
	bool all = true;

	memset(&k, 0, sizeof(k));
	k.id = 5;
	for (int pin = 0; pin < KVM_IOAPIC_NUM_PINS; pin++)
		k.redirtbl[pin].bits = (uint64_t)(pin + 1) << 56 | (uint64_t)pin << 32 | 0x10000 | (uint64_t)(0x30 + pin);
	/* pin 11 through the bit fields: vector 5b, fixed, physical, level, Remote IRR, unmasked, destination 3 */
	k.redirtbl[11].bits = 0;
	k.redirtbl[11].fields.vector = 0x5b;
	k.redirtbl[11].fields.trig_mode = 1;
	k.redirtbl[11].fields.remote_irr = 1;
	k.redirtbl[11].fields.dest_id = 3;
	memset(&s, 0, sizeof(s));
	irqstate_ioapic_from_kvm(&s, &k);
	is(s.ioapic_id, 5, "ioapic from kvm: the id");
	for (int pin = 0; pin < KVM_IOAPIC_NUM_PINS; pin++)
		if (pin != 11 && s.redir[pin] != ((uint64_t)(pin + 1) << 56 | (uint64_t)pin << 32 | 0x10000 | (uint64_t)(0x30 + pin)))
			all = false;
	ok(all, "ioapic from kvm: every bit of all 24 redirection entries, pin 0 to pin 23");
	is(s.redir[11], 0x030000000000c05bull,
	   "ioapic from kvm: KVM's fields land on the 82093AA's bits (vector 7:0, remote irr 14, level 15, dest 63:56)");
}

/* ---- 4. the words of --trace and --dump-irqchip --------------------------------- */

static void test_summary(void)
{
	struct irqstate s;
	char *t;

	memset(&s, 0, sizeof(s));
	pic_init(&s.pic);
	s.pic.chip[0].irr = 0x01;
	s.pic.chip[0].imr = 0xfe;
	s.pic.chip[1].irr = 0x08;
	s.pic.chip[1].imr = 0xff;
	s.pic.chip[1].isr = 0x10;
	s.pic_from = "kvm";
	t = summary_text(&s);
	is(strcmp(t, "pic: irr=01/08 isr=00/10 imr=fe/ff -> INTR high"), 0, "summary: the 8259A pair alone: %s", t);
	s.pic.chip[0].imr = 0xff;
	t = summary_text(&s);
	is(strcmp(t, "pic: irr=01/08 isr=00/10 imr=ff/ff -> INTR low"), 0, "summary: masked, INTR low: %s", t);

	s.ioapic_from = "kvm";
	t = summary_text(&s);
	ok(strstr(t, " | ioapic: remote irr none") != NULL, "summary: an I/O APIC without Remote IRR: %s", t);
	s.redir[10] = 0x000000000000805aull;	/* level, no Remote IRR */
	s.redir[11] = 0x000000000001c05bull;	/* level, Remote IRR, masked */
	t = summary_text(&s);
	is(strcmp(t, "pic: irr=01/08 isr=00/10 imr=ff/ff -> INTR low | ioapic: remote irr pin 11"), 0,
	   "summary: Remote IRR of pin 11 (bit 14), and not of pin 10 (level, bit 15 only): %s", t);
	s.redir[2] = 0x0000000000004050ull;
	t = summary_text(&s);
	ok(strstr(t, " | ioapic: remote irr pin 2,11") != NULL, "summary: Remote IRR of pins 2 and 11: %s", t);
	s.redir[2] = 0;

	s.lapic_from = "kvm";
	s.lapic.base = 0xfee00900;
	s.lapic.svr = 0x1ff;
	s.lapic.irr[2] = 1u << 27;		/* 5b */
	t = summary_text(&s);
	ok(strstr(t, " | lapic: irr=0x5b isr=none ppr=00") != NULL, "summary: the local APIC: %s", t);
	s.lapic.isr[3] = 1u << 1;		/* 61 */
	s.lapic.tpr = 0x20;
	t = summary_text(&s);
	ok(strstr(t, "lapic: irr=0x5b isr=0x61 ppr=60") != NULL, "summary: ISR 61 over TPR 20 is PPR 60: %s", t);

	s.pic_from = NULL;
	s.ioapic_from = NULL;
	t = summary_text(&s);
	ok(strncmp(t, "lapic: ", 7) == 0 && !strstr(t, "irr=01/08") && !strstr(t, "ioapic") && !strstr(t, " | "),
	   "summary: the chips whose *_from is NULL are left out: %s", t);
	s.lapic_from = NULL;
	t = summary_text(&s);
	is(strlen(t), 0, "summary: no chip at all: an empty line");
}

static void test_dump(void)
{
	struct irqstate s;
	char *t;
	/* SDM 11.5.4, figure 11-10: DCR bits 3,1,0 */
	static const struct { uint32_t dcr; unsigned by; } divide[] = {
		{ 0x0, 2 }, { 0x1, 4 }, { 0x2, 8 }, { 0x3, 16 },
		{ 0x8, 32 }, { 0x9, 64 }, { 0xa, 128 }, { 0xb, 1 },
	};
	bool good = true;

	memset(&s, 0, sizeof(s));
	t = dump_text(&s);
	ok(strstr(t, "tinyvmm: interrupt controllers at exit:\n") && strstr(t, "none: this machine has no interrupt controller"),
	   "dump: no chip: 'none: this machine has no interrupt controller'");

	pic_init(&s.pic);
	s.pic.chip[0].irr = 0x01;
	s.pic.chip[0].vector_base = 0x20;
	s.pic.chip[1].vector_base = 0x28;
	s.pic.chip[1].imr = 0xff;
	s.pic.chip[1].elcr = 0x0c;
	s.pic_from = "kvm";
	t = dump_text(&s);
	ok(strstr(t, "8259A pair (kvm), INTR high") && strstr(t, "master: irr=01 isr=00 imr=00 vector base 0x20") &&
	   strstr(t, "slave:  irr=00 isr=00 imr=ff vector base 0x28 elcr=0c") && !strstr(t, "none:") &&
	   !strstr(t, "I/O APIC") && !strstr(t, "local APIC"),
	   "dump: the 8259A pair alone, who holds it, INTR, both chips");

	s.ioapic_from = "kvm";
	s.ioapic_id = 5;
	for (int pin = 0; pin < IOAPIC_NUM_PINS; pin++)
		s.redir[pin] = 0x10000;
	s.redir[11] = 0x030000000000c05bull;
	t = dump_text(&s);
	ok(strstr(t, "I/O APIC (kvm): id 5") &&
	   strstr(t, "pin 11: vector 0x5b fixed  level active-high physical dest 0x03 unmasked, remote irr set") &&
	   !strstr(t, "pin 10:"), "dump: the I/O APIC shows pin 11 (level, Remote IRR) and leaves out masked zeros");

	s.lapic_from = "kvm";
	s.lapic.id = 0x01000000;
	s.lapic.base = 0xfee00900;
	s.lapic.svr = 0x1ff;
	s.lapic.tpr = 0x20;
	s.lapic.irr[2] = 1u << 27;
	s.lapic.irr[3] = 1u << 17;		/* 71 */
	s.lapic.isr[3] = 1u << 1;
	s.lapic.tmr[2] = 1u << 27;
	s.lapic.lvt[0] = 0x00020040;
	s.lapic.lvt[3] = 0x700;
	s.lapic.timer_initial = 1000000;
	s.timer_current = 123456;
	t = dump_text(&s);
	ok(strstr(t, "local APIC (kvm): id 1, enabled in IA32_APIC_BASE, software enabled (svr=1ff), tpr=20 ppr=60") &&
	   strstr(t, "irr: 0x5b,0x71\n") && strstr(t, "isr: 0x61\n") && strstr(t, "tmr: 0x5b\n") &&
	   strstr(t, "timer=00020040 lint0=00000700") && strstr(t, "initial count 1000000, current count 123456"),
	   "dump: the local APIC: id, enables, TPR, PPR, IRR, ISR, TMR, LVTs, counts");
	for (unsigned i = 0; i < sizeof(divide) / sizeof(divide[0]); i++) {
		char want[40];

		s.lapic.timer_dcr = divide[i].dcr;
		t = dump_text(&s);
		snprintf(want, sizeof(want), "divide by %u\n", divide[i].by);
		if (!strstr(t, want)) {
			diag("DCR %x: expected '%s'", divide[i].dcr, want);
			good = false;
		}
	}
	ok(good, "dump: the divide configuration, DCR bits 3,1,0: 000 2, 001 4, 010 8, 011 16, 100 32, 101 64, 110 128, 111 1");
	s.lapic.base = 0xfee00100;
	s.lapic.svr = 0x0ff;
	t = dump_text(&s);
	ok(strstr(t, "disabled in IA32_APIC_BASE, software disabled") != NULL, "dump: both disables are named");
}

/* ---- 5. the ioctls of --irqchip kernel ----------------------------------------- */

static struct vm *vm;
static char *diag_buf;
static size_t diag_len;

static void setup_kernel(bool pit_in_kernel)
{
	fake_reset();
	vm = calloc(1, sizeof(*vm));
	vm->diag = open_memstream(&diag_buf, &diag_len);
	vm->sys_fd = -1;
	vm->vm_fd = FAKE_VM_FD;
	vm->cfg.machine = MACHINE_APIC;
	vm->cfg.irqchip = IRQCHIP_KERNEL;
	vm->cfg.pit_in_kernel = pit_in_kernel;
	vm->vcpu[0].vm = vm;
	vm->vcpu[0].fd = FAKE_VCPU_FD;
	vm->vcpu[0].thread = pthread_self();
}

static void teardown(void)
{
	fclose(vm->diag);
	free(diag_buf);
	diag_buf = NULL;
	free(vm);
	vm = NULL;
}

static int diag_lines(void)
{
	int n = 0;

	fflush(vm->diag);
	for (size_t i = 0; i < diag_len; i++)
		n += diag_buf[i] == '\n';
	return n;
}

/* The PC's wiring as KVM_SET_GSI_ROUTING entries: which (irqchip, pin) pairs GSI gsi must reach. */
static int expected_routes(int gsi, uint32_t chip[2], uint32_t pin[2])
{
	int n = 0;

	if (gsi == 2)
		return 0;				/* the cascade: no device drives it */
	if (gsi < 8) {
		chip[n] = KVM_IRQCHIP_PIC_MASTER;
		pin[n++] = (uint32_t)gsi;
	} else if (gsi < 16) {
		chip[n] = KVM_IRQCHIP_PIC_SLAVE;
		pin[n++] = (uint32_t)gsi - 8;
	}
	chip[n] = KVM_IRQCHIP_IOAPIC;
	pin[n++] = gsi == 0 ? 2 : (uint32_t)gsi;	/* IRQ 0 on pin 2 */
	return n;
}

static bool routes_are_the_pcs(void)
{
	bool good = fake.hdr.nr <= 64 && fake.hdr.flags == 0;
	int total = 0;

	for (uint32_t i = 0; good && i < fake.hdr.nr; i++)
		if (fake.route[i].type != KVM_IRQ_ROUTING_IRQCHIP || fake.route[i].flags != 0 || fake.route[i].gsi > 23) {
			diag("route %u: gsi %u type %u flags %u", i, fake.route[i].gsi, fake.route[i].type, fake.route[i].flags);
			good = false;
		}
	for (int gsi = 0; good && gsi < 24; gsi++) {
		uint32_t chip[2], pin[2];
		int want = expected_routes(gsi, chip, pin), got = 0;

		total += want;
		for (uint32_t i = 0; i < fake.hdr.nr; i++) {
			bool expected = false;

			if (fake.route[i].gsi != (uint32_t)gsi)
				continue;
			got++;
			for (int j = 0; j < want; j++)
				expected |= fake.route[i].u.irqchip.irqchip == chip[j] && fake.route[i].u.irqchip.pin == pin[j];
			if (!expected) {
				diag("gsi %d: unexpected route to irqchip %u pin %u", gsi,
				     fake.route[i].u.irqchip.irqchip, fake.route[i].u.irqchip.pin);
				good = false;
			}
		}
		if (got != want) {
			diag("gsi %d: %d routes, expected %d", gsi, got, want);
			good = false;
		}
	}
	return good && fake.hdr.nr == (uint32_t)total;
}

static bool route_exists(uint32_t gsi, uint32_t chip, uint32_t pin)
{
	for (uint32_t i = 0; i < fake.hdr.nr && i < 64; i++)
		if (fake.route[i].gsi == gsi && fake.route[i].u.irqchip.irqchip == chip && fake.route[i].u.irqchip.pin == pin)
			return true;
	return false;
}

static bool gsi_has_routes(uint32_t gsi)
{
	for (uint32_t i = 0; i < fake.hdr.nr && i < 64; i++)
		if (fake.route[i].gsi == gsi)
			return true;
	return false;
}

static void test_kernel_create(void)
{
	const char *what = NULL;
	int r;

	setup_kernel(true);
	r = inkernel_create(vm, &what);
	is(r, 0, "kernel create: inkernel_create succeeds against the fake KVM");
	ok(fake.nreq == 4 && fake.req[0] == KVM_CREATE_IRQCHIP && fake.req[1] == KVM_SET_GSI_ROUTING &&
	   fake.req[2] == KVM_CREATE_PIT2 && fake.req[3] == KVM_REINJECT_CONTROL,
	   "kernel create: KVM_CREATE_IRQCHIP, KVM_SET_GSI_ROUTING, KVM_CREATE_PIT2, KVM_REINJECT_CONTROL (%d ioctls)",
	   fake.nreq);
	is(fake.reinject.pit_reinject, 0, "kernel create: the default --tick-policy coalesce turns KVM's reinjection off");
	ok(routes_are_the_pcs(), "kernel create: the routes are the PC's: %u IRQCHIP entries, every GSI where a PC wires it",
	   fake.hdr.nr);
	ok(route_exists(0, KVM_IRQCHIP_IOAPIC, 2) && route_exists(0, KVM_IRQCHIP_PIC_MASTER, 0) &&
	   !route_exists(0, KVM_IRQCHIP_IOAPIC, 0),
	   "kernel create: GSI 0 (the PIT) goes to I/O APIC pin 2 and 8259A master IR0, not to pin 0");
	ok(!gsi_has_routes(2), "kernel create: GSI 2, the cascade, has no route");
	ok(route_exists(10, KVM_IRQCHIP_PIC_SLAVE, 2) && route_exists(10, KVM_IRQCHIP_IOAPIC, 10),
	   "kernel create: GSI 10 goes to the slave's IR2 and I/O APIC pin 10");
	ok(route_exists(20, KVM_IRQCHIP_IOAPIC, 20) && !route_exists(20, KVM_IRQCHIP_PIC_MASTER, 4) &&
	   !route_exists(20, KVM_IRQCHIP_PIC_SLAVE, 4),
	   "kernel create: GSI 20 goes to I/O APIC pin 20 only (no 8259A input)");
	is(fake.pit.flags, KVM_PIT_SPEAKER_DUMMY, "kernel create: --pit kernel: KVM_CREATE_PIT2 with flags KVM_PIT_SPEAKER_DUMMY");
	is(diag_lines(), 0, "kernel create: nothing printed");
	teardown();

	setup_kernel(true);
	vm->cfg.tick_policy = TICK_REINJECT;
	fake.reinject.pit_reinject = 7;
	r = inkernel_create(vm, &what);
	ok(r == 0 && requests(KVM_REINJECT_CONTROL) == 1 && fake.reinject.pit_reinject == 1,
	   "kernel create: --tick-policy reinject: KVM_REINJECT_CONTROL pit_reinject=1");
	teardown();

	setup_kernel(true);
	fake.fail = KVM_REINJECT_CONTROL;
	fake.fail_errno = ENOTTY;
	r = inkernel_create(vm, &what);
	ok(r == -ENOTTY && what && strcmp(what, "KVM_REINJECT_CONTROL") == 0,
	   "kernel create: a failing KVM_REINJECT_CONTROL is reported by name (%s)", what ? what : "(null)");
	teardown();

	setup_kernel(false);
	r = inkernel_create(vm, &what);
	ok(r == 0 && fake.nreq == 2 && requests(KVM_CREATE_PIT2) == 0 && requests(KVM_REINJECT_CONTROL) == 0,
	   "kernel create: --pit user: no KVM_CREATE_PIT2 (tinyvmm's 8254 raises GSI 0 itself)");
	teardown();

	setup_kernel(true);
	fake.fail = KVM_CREATE_IRQCHIP;
	fake.fail_errno = EEXIST;
	r = inkernel_create(vm, &what);
	ok(r == -EEXIST && what && strcmp(what, "KVM_CREATE_IRQCHIP") == 0 && fake.nreq == 1,
	   "kernel create: a failing KVM_CREATE_IRQCHIP stops there, returns -errno and names the step");
	teardown();
}

static void test_kernel_irq_line(void)
{
	setup_kernel(true);
	inkernel_set_irq(vm, 11, 1);
	ok(fake.nreq == 1 && fake.lines == 1 && fake.line[0].irq == 11 && fake.line[0].level == 1,
	   "kernel irq line: irq 11 rising is exactly one KVM_IRQ_LINE, irq 11 level 1 (%d ioctls)", fake.nreq);
	inkernel_set_irq(vm, 11, 0);
	ok(fake.nreq == 2 && fake.lines == 2 && fake.line[1].irq == 11 && fake.line[1].level == 0,
	   "kernel irq line: irq 11 falling is one KVM_IRQ_LINE, irq 11 level 0");
	inkernel_set_irq(vm, 4, 1);
	inkernel_set_irq(vm, 0, 1);
	ok(fake.lines == 4 && fake.line[2].irq == 4 && fake.line[2].level == 1 && fake.line[3].irq == 0 &&
	   fake.line[3].level == 1, "kernel irq line: irq 4 and irq 0 reach GSI 4 and GSI 0 (the routes do the rest)");
	is(diag_lines(), 0, "kernel irq line: nothing printed when KVM takes the line");

	fake.fail = KVM_IRQ_LINE;
	fake.fail_errno = EINVAL;
	inkernel_set_irq(vm, 10, 1);
	fflush(vm->diag);
	ok(fake.lines == 5 && fake.line[4].irq == 10 && diag_lines() == 1 && strstr(diag_buf, "gsi 10") &&
	   strstr(diag_buf, strerror(EINVAL)),
	   "kernel irq line error: a KVM_IRQ_LINE that fails (EINVAL) prints one line naming gsi 10 and the error: %.*s",
	   diag_buf ? (int)strcspn(diag_buf, "\n") : 0, diag_buf ? diag_buf : "");
	teardown();
}

static void test_kernel_read(void)
{
	struct kvm_pic_state *m = &fake.chip[0].chip.pic, *sl = &fake.chip[1].chip.pic;
	struct irqstate s;
	char *t;
	bool asked[3] = { false, false, false };

	setup_kernel(true);
	kvm_pic_pc(m, sl);
	m->irr = 0x11;
	m->imr = 0xee;
	sl->irr = 0x0c;
	sl->imr = 0xff;
	sl->isr = 0x02;
	fake.chip[2].chip.ioapic.id = 0;
	for (int pin = 0; pin < KVM_IOAPIC_NUM_PINS; pin++)
		fake.chip[2].chip.ioapic.redirtbl[pin].bits = 0x10000;
	fake.chip[2].chip.ioapic.redirtbl[11].bits = 0xc05b;	/* level, Remote IRR, unmasked */
	kvm_lapic_page(&fake.lapic);
	fake.apic_base = 0xfee00900;

	irqstate_read(vm, &s, false);
	for (int i = 0; i < fake.chips; i++)
		if (fake.chip_asked[i] < 3)
			asked[fake.chip_asked[i]] = true;
	ok(asked[0] && asked[1] && asked[2] && fake.chips == 3,
	   "kernel read: KVM_GET_IRQCHIP for chip ids 0 (PIC master), 1 (PIC slave) and 2 (I/O APIC), once each");
	ok(requests(KVM_GET_LAPIC) == 0, "kernel read: without with_lapic, no KVM_GET_LAPIC (a vCPU ioctl)");
	t = summary_text(&s);
	is(strcmp(t, "pic: irr=11/0c isr=00/02 imr=ee/ff -> INTR high | ioapic: remote irr pin 11"), 0,
	   "kernel read: KVM's chips come back through the summary: %s", t);
	ok(s.pic_from && strcmp(s.pic_from, "kvm") == 0 && s.ioapic_from && strcmp(s.ioapic_from, "kvm") == 0 &&
	   !s.lapic_from, "kernel read: the 8259A pair and the I/O APIC are KVM's, the LAPIC not read");
	ok(s.pic.chip[0].is_master && !s.pic.chip[1].is_master && s.pic.chip[0].vector_base == 0x20 &&
	   s.pic.chip[1].vector_base == 0x28, "kernel read: chip 0 is loaded as the master, chip 1 as the slave");

	irqstate_read(vm, &s, true);
	t = summary_text(&s);
	ok(strstr(t, " | lapic: irr=0x5b isr=none ppr=00") != NULL && requests(KVM_GET_LAPIC) == 1,
	   "kernel read: with_lapic: KVM_GET_LAPIC on the vCPU, and its page in the summary: %s", t);

	fake.fail_chip = KVM_IRQCHIP_IOAPIC;
	fake.fail_errno = ENXIO;
	irqstate_read(vm, &s, false);
	t = summary_text(&s);
	ok(strncmp(t, "pic: irr=11/0c", 14) == 0 && !strstr(t, "ioapic"),
	   "kernel read: a chip KVM does not give is left out: %s", t);
	teardown();
}

int main(void)
{
	test_pic_fields();
	test_pic_intr();
	test_pic_slave_wiring();
	test_lapic_registers();
	test_lapic_priorities();
	test_ioapic();
	test_summary();
	test_dump();
	test_kernel_create();
	test_kernel_irq_line();
	test_kernel_read();
	return done_testing();
}
