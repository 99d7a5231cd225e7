/*
 * serial.c - the 16550A UART, as found at COM1 (ports 0x3F8-0x3FF, IRQ 4).
 *
 * Datasheet: National Semiconductor (now TI) "PC16550D Universal Asynchronous
 * Receiver/Transmitter with FIFOs", section 8 "Registers".
 *
 * A guest driver sees eight byte-wide registers.  Offsets 0 and 1 change meaning
 * when the Divisor Latch Access Bit (LCR bit 7) is set: they become the low and
 * high byte of the baud-rate divisor.  A virtual UART has no wire, so bytes
 * leave instantly: the transmitter is always empty (LSR.THRE and LSR.TEMT stay
 * set) and a polling driver never waits.  The baud rate is stored and ignored.
 */
#include <string.h>

#include "serial.h"

/* register offsets (PC16550D table 2) */
#define UART_RBR 0	/* read, DLAB=0: receiver buffer */
#define UART_THR 0	/* write, DLAB=0: transmitter holding */
#define UART_DLL 0	/* DLAB=1: divisor latch, low byte */
#define UART_IER 1	/* DLAB=0: interrupt enable */
#define UART_DLM 1	/* DLAB=1: divisor latch, high byte */
#define UART_IIR 2	/* read: interrupt identification */
#define UART_FCR 2	/* write: FIFO control */
#define UART_LCR 3	/* line control */
#define UART_MCR 4	/* modem control */
#define UART_LSR 5	/* line status */
#define UART_MSR 6	/* modem status */
#define UART_SCR 7	/* scratch */

#define IER_RDA		0x01	/* interrupt when received data is available */
#define IER_THRE	0x02	/* interrupt when the transmit holding register empties */
#define IER_MASK	0x0f	/* bits 4-7 are always zero on a 16550 */

#define IIR_NONE	0x01	/* bit 0 set: no interrupt pending */
#define IIR_THRE	0x02	/* priority 3: transmitter holding register empty */
#define IIR_RDA		0x04	/* priority 2: received data available */
#define IIR_FIFO_ON	0xc0	/* bits 6-7: FIFOs enabled */

#define FCR_ENABLE	0x01	/* enable the FIFOs */
#define FCR_CLEAR_RX	0x02	/* empty the receive FIFO */

#define LCR_DLAB	0x80	/* divisor latch access */

#define MCR_OUT2	0x08	/* on a PC, OUT2 gates the UART's interrupt onto the ISA bus */
#define MCR_LOOP	0x10	/* loopback: transmitter feeds the receiver */
#define MCR_MASK	0x1f

#define LSR_DR		0x01	/* data ready */
#define LSR_THRE	0x20	/* transmit holding register empty */
#define LSR_TEMT	0x40	/* transmitter empty */

#define MSR_DCD		0x80
#define MSR_DSR		0x20
#define MSR_CTS		0x10

/*
 * The interrupt output.  PCs wire the UART's INTR through MCR.OUT2, so a
 * driver that forgets to set OUT2 never gets an interrupt: we model that too.
 */
static void update_irq(struct serial *s)
{
	int level = 0;

	if ((s->ier & IER_RDA) && s->rx_count)
		level = 1;
	if ((s->ier & IER_THRE) && s->thr_interrupt)
		level = 1;
	if (!(s->mcr & MCR_OUT2))
		level = 0;
	if (level != s->irq_level) {
		s->irq_level = level;
		irq_line_set(&s->irq, level);
	}
}

void serial_init(struct serial *s, void (*tx)(void *, uint8_t), void *tx_opaque,
		 struct irq_line irq)
{
	memset(s, 0, sizeof(*s));
	s->lsr = LSR_THRE | LSR_TEMT;
	/* With no wire there is no modem; say the other end is ready. */
	s->msr = MSR_DCD | MSR_DSR | MSR_CTS;
	s->divisor = 12;	/* 9600 baud from the 1.8432 MHz crystal */
	s->tx = tx;
	s->tx_opaque = tx_opaque;
	s->irq = irq;
}

bool serial_receive(struct serial *s, uint8_t byte)
{
	if (s->rx_count == SERIAL_RX_FIFO)
		return false;
	s->rx[(s->rx_head + s->rx_count) % SERIAL_RX_FIFO] = byte;
	s->rx_count++;
	s->lsr |= LSR_DR;
	update_irq(s);
	return true;
}

static uint8_t rx_pop(struct serial *s)
{
	uint8_t byte;

	if (!s->rx_count)
		return 0;
	byte = s->rx[s->rx_head];
	s->rx_head = (s->rx_head + 1) % SERIAL_RX_FIFO;
	if (--s->rx_count == 0)
		s->lsr &= ~LSR_DR;
	update_irq(s);
	return byte;
}

static void transmit(struct serial *s, uint8_t byte)
{
	if (s->mcr & MCR_LOOP)
		serial_receive(s, byte);	/* loopback: drivers use it to probe the chip */
	else if (s->tx)
		s->tx(s->tx_opaque, byte);
	/* The byte left at once, so the holding register is empty again (IIR prio 3). */
	s->thr_interrupt = true;
	update_irq(s);
}

/* IIR reports the highest-priority pending interrupt (PC16550D table 4). */
static uint8_t read_iir(struct serial *s)
{
	uint8_t fifo = (s->fcr & FCR_ENABLE) ? IIR_FIFO_ON : 0;

	if ((s->ier & IER_RDA) && s->rx_count)
		return fifo | IIR_RDA;
	if ((s->ier & IER_THRE) && s->thr_interrupt) {
		/* Reading IIR while it names THRE clears that interrupt. */
		s->thr_interrupt = false;
		update_irq(s);
		return fifo | IIR_THRE;
	}
	return fifo | IIR_NONE;
}

uint8_t serial_read(struct serial *s, unsigned reg)
{
	bool dlab = s->lcr & LCR_DLAB;

	switch (reg) {
	case UART_RBR: return dlab ? (uint8_t)s->divisor : rx_pop(s);
	case UART_IER: return dlab ? (uint8_t)(s->divisor >> 8) : s->ier;
	case UART_IIR: return read_iir(s);
	case UART_LCR: return s->lcr;
	case UART_MCR: return s->mcr;
	case UART_LSR: return s->lsr;
	case UART_MSR:
		/*
		 * In loopback the modem inputs are wired to MCR's outputs
		 * (PC16550D 8.6.4): DTR->DSR, RTS->CTS, OUT1->RI, OUT2->DCD.
		 */
		if (s->mcr & MCR_LOOP)
			return (uint8_t)((s->mcr & 0x01) << 5 | (s->mcr & 0x02) << 3 |
					 (s->mcr & 0x0c) << 4);
		return s->msr;
	case UART_SCR: return s->scr;
	}
	return 0xff;
}

void serial_write(struct serial *s, unsigned reg, uint8_t val)
{
	bool dlab = s->lcr & LCR_DLAB;

	switch (reg) {
	case UART_THR:
		if (dlab)
			s->divisor = (s->divisor & 0xff00) | val;
		else
			transmit(s, val);
		break;
	case UART_IER:
		if (dlab) {
			s->divisor = (uint16_t)((s->divisor & 0x00ff) | val << 8);
		} else {
			/* Enabling THRE with an empty transmitter raises it at once (8.4). */
			if ((val & IER_THRE) && !(s->ier & IER_THRE))
				s->thr_interrupt = true;
			s->ier = val & IER_MASK;
			update_irq(s);
		}
		break;
	case UART_FCR:
		s->fcr = val;
		if (val & FCR_CLEAR_RX) {
			s->rx_count = 0;
			s->lsr &= ~LSR_DR;
			update_irq(s);
		}
		break;
	case UART_LCR: s->lcr = val; break;
	case UART_MCR:
		s->mcr = val & MCR_MASK;
		update_irq(s);
		break;
	case UART_LSR: break;		/* read-only (factory test only) */
	case UART_MSR: break;		/* read-only */
	case UART_SCR: s->scr = val; break;
	}
}
