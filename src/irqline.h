/*
 * irqline.h - an interrupt request line as a device model sees it.
 *
 * A device does not know which interrupt controller it is wired to (the
 * userspace 8259A, the userspace IOAPIC, or KVM's in-kernel models): it only
 * drives a line high or low.  irq.c decides where the level goes.  Tests wire
 * a line to a recorder instead.
 */
#ifndef TINYVMM_IRQLINE_H
#define TINYVMM_IRQLINE_H

struct irq_line {
	void (*set_level)(void *opaque, int irq, int level);
	void *opaque;
	int irq;		/* the ISA IRQ / GSI number this line drives */
};

static inline void irq_line_set(const struct irq_line *line, int level)
{
	if (line->set_level)
		line->set_level(line->opaque, line->irq, level);
}

#endif
