/*
 * serial.h - a 16550A UART (the PC's COM1), enough for a polling or
 * interrupt-driven driver to print and read characters.
 */
#ifndef TINYVMM_SERIAL_H
#define TINYVMM_SERIAL_H

#include <stdbool.h>
#include <stdint.h>

#include "irqline.h"

#define SERIAL_COM1_BASE 0x3f8
#define SERIAL_COM1_IRQ  4
#define SERIAL_NPORTS    8
#define SERIAL_RX_FIFO   16

struct serial {
	uint8_t ier;		/* interrupt enable */
	uint8_t lcr;		/* line control (bit 7: DLAB) */
	uint8_t mcr;		/* modem control (bit 4: loopback, bit 3: OUT2 gates the IRQ) */
	uint8_t lsr;		/* line status */
	uint8_t msr;		/* modem status */
	uint8_t scr;		/* scratch */
	uint8_t fcr;		/* FIFO control as last written */
	uint16_t divisor;	/* baud rate divisor (DLL/DLM) */
	bool thr_interrupt;	/* "THR empty" interrupt pending (cleared by reading IIR or writing THR) */
	uint8_t rx[SERIAL_RX_FIFO];
	unsigned rx_head, rx_count;

	/* where transmitted bytes go (tinyvmm: stdout) */
	void (*tx)(void *opaque, uint8_t byte);
	void *tx_opaque;
	struct irq_line irq;
	int irq_level;
};

void serial_init(struct serial *s, void (*tx)(void *, uint8_t), void *tx_opaque,
		 struct irq_line irq);
uint8_t serial_read(struct serial *s, unsigned reg);		/* reg 0..7 */
void serial_write(struct serial *s, unsigned reg, uint8_t val);
/* A byte arrives on the receive line (stdin); false if the FIFO is full. */
bool serial_receive(struct serial *s, uint8_t byte);

#endif
