/*
 * pic.h - the PC's two cascaded 8259A Programmable Interrupt Controllers.
 *
 * The model is pure state: devices call pic_set_irq(), the vCPU loop asks
 * pic_intr() whether to interrupt the CPU and pic_intack() for the vector,
 * and guest port I/O goes through pic_port_read()/pic_port_write().
 */
#ifndef TINYVMM_PIC_H
#define TINYVMM_PIC_H

#include <stdbool.h>
#include <stdint.h>

#define PIC_MASTER 0
#define PIC_SLAVE  1

#define PIC_MASTER_CMD   0x20	/* command port (A0=0): ICW1, OCW2, OCW3; reads IRR/ISR */
#define PIC_MASTER_DATA  0x21	/* data port (A0=1): ICW2-4, OCW1; reads IMR */
#define PIC_SLAVE_CMD    0xa0
#define PIC_SLAVE_DATA   0xa1
#define PIC_ELCR_MASTER  0x4d0	/* edge/level control, IRQ 0-7 (PIIX) */
#define PIC_ELCR_SLAVE   0x4d1	/* edge/level control, IRQ 8-15 */
#define PIC_CASCADE_IRQ  2	/* the master input the slave's INT drives */

/* Where the chip is in its initialization sequence. */
enum pic_init_state {
	PIC_READY,		/* initialized: data port writes are OCW1 */
	PIC_WAIT_ICW2,		/* ICW1 seen: next data write is the vector base */
	PIC_WAIT_ICW3,		/* next data write is the cascade wiring */
	PIC_WAIT_ICW4,		/* next data write is the mode word */
};

/* One 8259A.  Bit n of each 8-bit register stands for input IRn. */
struct pic_chip {
	uint8_t irr;			/* interrupt request register: requests waiting */
	uint8_t isr;			/* in-service register: acknowledged, not yet EOIed */
	uint8_t imr;			/* interrupt mask register (OCW1) */
	uint8_t last_irr;		/* input pin levels last seen, for edge detection */
	uint8_t priority_add;		/* the IR with the highest priority (0 after init) */
	uint8_t vector_base;		/* ICW2 & 0xf8: vector of IR0 */
	uint8_t icw3;			/* master: bitmap of inputs with a slave; slave: its ID */
	uint8_t elcr;			/* edge/level control: 1 = level-triggered input */
	uint8_t elcr_mask;		/* ELCR bits the chipset lets software set */
	enum pic_init_state init_state;
	bool is_master;			/* the SP/EN pin strap: true for the chip at 0x20 */
	bool level_triggered;		/* ICW1 LTIM: every input is level-triggered */
	bool icw4_needed;		/* ICW1 IC4 */
	bool single_mode;		/* ICW1 SNGL: no cascade, no ICW3 */
	bool x86_mode;			/* ICW4 uPM (stored; only 8086 mode is modelled) */
	bool auto_eoi;			/* ICW4 AEOI */
	bool special_fully_nested;	/* ICW4 SFNM */
	bool rotate_on_aeoi;		/* OCW2 "rotate in automatic EOI mode" */
	bool special_mask;		/* OCW3 special mask mode */
	bool poll;			/* OCW3 P: the next read is a poll */
	bool read_isr;			/* OCW3 RR/RIS: command port reads ISR, not IRR */
};

struct pic {
	struct pic_chip chip[2];	/* [0] master, [1] slave */
};

/* Power-on state: everything clear, PC wiring (slave on master IR2). */
void pic_init(struct pic *p);

/*
 * Drive ISA interrupt line 'irq' (0..15) to 'level' (0 or 1).  8..15 are the
 * slave's inputs.  IRQ 2 is the cascade and is driven by the slave alone
 * (the AT bus routes the old IRQ2 pin to IRQ 9): calls with irq 2 are ignored.
 *
 * An edge-triggered request is latched on the 0->1 transition and stays in
 * IRR until acknowledged, even if the line drops first (see pic.c).
 */
void pic_set_irq(struct pic *p, int irq, int level);

/* The master's INT output: should the CPU be interrupted? */
bool pic_intr(const struct pic *p);

/*
 * The CPU's interrupt-acknowledge cycle: returns the vector (0..255) and
 * moves the request from IRR to ISR (only IRR is cleared in AEOI mode).
 * With no request left, returns the spurious vector: master base|7 (IRQ7),
 * or slave base|7 (IRQ15) if the master had already committed to IR2, in
 * which case master ISR bit 2 is set and the guest must EOI the master.
 */
int pic_intack(struct pic *p);

/* Ports 0x20, 0x21, 0xa0, 0xa1, 0x4d0, 0x4d1; others read 0xff / are ignored. */
uint8_t pic_port_read(struct pic *p, uint16_t port);
void pic_port_write(struct pic *p, uint16_t port, uint8_t val);

/* Observation hook (for a --trace feature). */
struct pic_state_summary {
	uint8_t irr[2], isr[2], imr[2];
};
void pic_summary(const struct pic *p, struct pic_state_summary *s);

#endif
