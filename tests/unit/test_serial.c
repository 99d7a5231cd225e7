/*
 * test_serial.c - unit tests for the 16550A UART (src/devices/serial.c).
 *
 * The tests drive the eight registers as a guest driver would and record
 * what leaves on the transmit callback and the interrupt line.
 */
#include "tap.h"
#include "devices/serial.h"

/* register offsets */
enum { RBR = 0, THR = 0, DLL = 0, IER = 1, DLM = 1, IIR = 2, FCR = 2,
       LCR = 3, MCR = 4, LSR = 5, MSR = 6, SCR = 7 };

struct tx_rec {
	int n;
	uint8_t bytes[64];
};

static void tx_record(void *opaque, uint8_t byte)
{
	struct tx_rec *t = opaque;

	if (t->n < (int)sizeof(t->bytes))
		t->bytes[t->n] = byte;
	t->n++;
}

struct irq_rec {
	int calls;
	int level;	/* last level */
	int irq;	/* last irq number */
};

static void irq_record(void *opaque, int irq, int level)
{
	struct irq_rec *r = opaque;

	r->calls++;
	r->level = level;
	r->irq = irq;
}

static struct serial s;
static struct tx_rec tx;
static struct irq_rec irq;

static void setup(void)
{
	memset(&tx, 0, sizeof(tx));
	memset(&irq, 0, sizeof(irq));
	irq.level = -1;
	serial_init(&s, tx_record, &tx,
		    (struct irq_line){ .set_level = irq_record, .opaque = &irq, .irq = SERIAL_COM1_IRQ });
}

static void test_reset_state(void)
{
	setup();
	is(serial_read(&s, LSR), 0x60, "LSR after reset: THRE|TEMT, no data");
	is(serial_read(&s, IIR), 0x01, "IIR after reset: no interrupt pending");
	is(serial_read(&s, IER), 0x00, "IER after reset: 0");
	is(serial_read(&s, LCR), 0x00, "LCR after reset: 0");
	is(serial_read(&s, MCR), 0x00, "MCR after reset: 0");
	is(serial_read(&s, MSR), 0xb0, "MSR after reset: DCD|DSR|CTS (other end ready)");
	is(serial_read(&s, 8), 0xff, "register 8 does not exist: 0xff");
	is(irq.calls, 0, "no irq activity at reset");
}

static void test_transmit(void)
{
	setup();
	serial_write(&s, THR, 'H');
	serial_write(&s, THR, 'i');
	is(tx.n, 2, "two bytes transmitted");
	is(tx.bytes[0], 'H', "first byte 'H'");
	is(tx.bytes[1], 'i', "second byte 'i'");
	is(serial_read(&s, LSR) & 0x60, 0x60, "LSR THRE|TEMT still set after transmit");
	is(serial_read(&s, LSR) & 0x01, 0, "LSR.DR clear: transmit does not feed RX");
	is(serial_read(&s, IIR), 0x01, "IIR: no interrupt (IER.THRE not enabled)");
	serial_write(&s, LSR, 0x00);
	is(serial_read(&s, LSR), 0x60, "LSR is read-only");
	serial_write(&s, MSR, 0x00);
	is(serial_read(&s, MSR), 0xb0, "MSR is read-only");
}

static void test_dlab(void)
{
	setup();
	serial_write(&s, IER, 0x05);
	serial_write(&s, LCR, 0x83);		/* DLAB | 8N1 */
	is(serial_read(&s, LCR), 0x83, "LCR reads back 0x83");
	is(serial_read(&s, DLL), 12, "DLL after reset: 12 (9600 baud)");
	is(serial_read(&s, DLM), 0, "DLM after reset: 0");
	serial_write(&s, DLL, 0x01);
	serial_write(&s, DLM, 0x02);
	is(serial_read(&s, DLL), 0x01, "DLL reads back 0x01");
	is(serial_read(&s, DLM), 0x02, "DLM reads back 0x02");
	is(s.divisor, 0x0201, "divisor = 0x0201");
	is(tx.n, 0, "writing DLL with DLAB=1 transmits nothing");
	serial_write(&s, LCR, 0x03);		/* DLAB off */
	is(serial_read(&s, IER), 0x05, "DLAB=0: offset 1 is IER again (unchanged by DLM write)");
	serial_write(&s, THR, 'x');
	is(tx.n, 1, "DLAB=0: THR transmits");
	is(tx.bytes[0], 'x', "transmitted 'x'");
	is(s.divisor, 0x0201, "divisor unchanged by THR write");
	serial_receive(&s, 'r');
	serial_write(&s, LCR, 0x80);
	is(serial_read(&s, DLL), 0x01, "DLAB=1: reading offset 0 gives DLL, not RBR");
	is(serial_read(&s, LSR) & 0x01, 0x01, "received byte still waiting");
	serial_write(&s, LCR, 0x00);
	is(serial_read(&s, RBR), 'r', "DLAB=0: RBR gives the byte");
}

static void test_scratch_ier(void)
{
	setup();
	serial_write(&s, SCR, 0xa5);
	is(serial_read(&s, SCR), 0xa5, "scratch reads back 0xa5");
	serial_write(&s, SCR, 0x5a);
	is(serial_read(&s, SCR), 0x5a, "scratch reads back 0x5a");
	serial_write(&s, IER, 0xff);
	is(serial_read(&s, IER), 0x0f, "IER masks to 4 bits (0xff -> 0x0f)");
	serial_write(&s, IER, 0xf0);
	is(serial_read(&s, IER), 0x00, "IER 0xf0 -> 0x00");
	serial_write(&s, MCR, 0xff);
	is(serial_read(&s, MCR), 0x1f, "MCR masks to 5 bits");
}

static void test_iir(void)
{
	setup();
	is(serial_read(&s, IIR), 0x01, "IIR: none");
	serial_write(&s, IER, 0x02);		/* THRE */
	is(serial_read(&s, IIR), 0x02, "enabling IER.THRE with an empty THR: IIR = THRE (0x02)");
	is(serial_read(&s, IIR), 0x01, "reading IIR cleared the THRE interrupt");
	serial_write(&s, IER, 0x02);
	is(serial_read(&s, IIR), 0x01, "re-writing IER.THRE while enabled does not re-raise it");
	serial_write(&s, THR, 'a');
	is(serial_read(&s, IIR), 0x02, "THR write: THRE interrupt again (byte left at once)");
	is(serial_read(&s, IIR), 0x01, "and cleared by the IIR read");

	/* RDA has priority over THRE */
	serial_write(&s, IER, 0x03);		/* RDA | THRE */
	serial_write(&s, THR, 'b');		/* THRE pending */
	ok(serial_receive(&s, 'z'), "serial_receive accepted a byte");
	is(serial_read(&s, IIR), 0x04, "RDA and THRE pending: IIR = RDA (0x04)");
	is(serial_read(&s, IIR), 0x04, "reading IIR does not clear RDA");
	is(serial_read(&s, RBR), 'z', "RBR = 'z'");
	is(serial_read(&s, IIR), 0x02, "after reading RBR, THRE shows (was not cleared by IIR naming RDA)");
	is(serial_read(&s, IIR), 0x01, "then none");

	/* RDA not enabled: received data does not show in IIR */
	serial_write(&s, IER, 0x00);
	serial_receive(&s, 'q');
	is(serial_read(&s, IIR), 0x01, "IER.RDA off: data waiting but IIR = none");
	is(serial_read(&s, LSR) & 0x01, 0x01, "LSR.DR set");

	/* FIFO enabled bits */
	serial_write(&s, FCR, 0x01);
	is(serial_read(&s, IIR), 0xc1, "FCR enable: IIR bits 6-7 set (0xc1)");
	serial_write(&s, IER, 0x01);
	is(serial_read(&s, IIR), 0xc4, "FIFO on + RDA: 0xc4");
}

static void test_irq_line(void)
{
	setup();
	serial_write(&s, IER, 0x01);		/* RDA */
	serial_receive(&s, 'a');
	is(irq.calls, 0, "RDA pending but MCR.OUT2 clear: line never raised");
	is(serial_read(&s, IIR), 0x04, "interrupt is pending internally (IIR = RDA)");
	serial_write(&s, MCR, 0x08);		/* OUT2 */
	is(irq.calls, 1, "setting OUT2 raises the line");
	is(irq.level, 1, "level 1");
	is(irq.irq, SERIAL_COM1_IRQ, "on IRQ 4");
	serial_write(&s, MCR, 0x0b);		/* OUT2 | RTS | DTR */
	is(irq.calls, 1, "no new edge when the level does not change");
	is(serial_read(&s, RBR), 'a', "read the byte");
	is(irq.calls, 2, "reading RBR lowers the line");
	is(irq.level, 0, "level 0");
	serial_receive(&s, 'b');
	is(irq.level, 1, "new byte with OUT2 set: line up");
	serial_write(&s, MCR, 0x03);		/* OUT2 off */
	is(irq.level, 0, "clearing OUT2 drops the line");
	serial_write(&s, MCR, 0x0b);
	is(irq.level, 1, "setting OUT2 again raises it");
	serial_write(&s, IER, 0x00);
	is(irq.level, 0, "disabling IER.RDA drops the line");
	serial_read(&s, RBR);

	/* THRE through the line */
	setup();
	serial_write(&s, IER, 0x02);
	is(irq.calls, 0, "THRE pending without OUT2: line stays low");
	serial_write(&s, MCR, 0x08);
	is(irq.level, 1, "THRE + OUT2: line up");
	is(serial_read(&s, IIR), 0x02, "IIR = THRE");
	is(irq.level, 0, "reading IIR lowers the line");
	serial_write(&s, THR, '!');
	is(irq.level, 1, "transmit raises THRE again");
	is(tx.n, 1, "and the byte went out");
}

static void test_loopback(void)
{
	setup();
	serial_write(&s, MCR, 0x10);		/* LOOP */
	serial_write(&s, THR, 0x55);
	is(tx.n, 0, "loopback: nothing on tx");
	is(serial_read(&s, LSR) & 0x01, 0x01, "loopback: LSR.DR set");
	is(serial_read(&s, RBR), 0x55, "loopback: byte comes back in RBR");
	is(serial_read(&s, LSR) & 0x01, 0, "LSR.DR clear after read");

	is(serial_read(&s, MSR), 0x00, "loopback, no MCR outputs: MSR = 0");
	serial_write(&s, MCR, 0x11);
	is(serial_read(&s, MSR), 0x20, "loopback DTR -> DSR (bit 5)");
	serial_write(&s, MCR, 0x12);
	is(serial_read(&s, MSR), 0x10, "loopback RTS -> CTS (bit 4)");
	serial_write(&s, MCR, 0x14);
	is(serial_read(&s, MSR), 0x40, "loopback OUT1 -> RI (bit 6)");
	serial_write(&s, MCR, 0x18);
	is(serial_read(&s, MSR), 0x80, "loopback OUT2 -> DCD (bit 7)");
	serial_write(&s, MCR, 0x1f);
	is(serial_read(&s, MSR), 0xf0, "loopback all outputs: MSR = 0xf0");

	serial_write(&s, MCR, 0x00);
	is(serial_read(&s, MSR), 0xb0, "loopback off: MSR back to DCD|DSR|CTS");
	serial_write(&s, THR, 0x66);
	is(tx.n, 1, "loopback off: transmit goes to tx");
	is(tx.bytes[0], 0x66, "byte 0x66");
	is(serial_read(&s, LSR) & 0x01, 0, "and not into RX");
}

static void test_fifo(void)
{
	int accepted = 0;

	setup();
	for (int i = 0; i < SERIAL_RX_FIFO; i++)
		accepted += serial_receive(&s, (uint8_t)(0x30 + i));
	is(accepted, 16, "16 bytes fit the RX FIFO");
	ok(!serial_receive(&s, 0x99), "17th byte: serial_receive returns false");
	is(s.rx_count, 16, "FIFO still holds 16");
	for (int i = 0; i < SERIAL_RX_FIFO; i++)
		if (serial_read(&s, RBR) != 0x30 + i) {
			ok(0, "FIFO order at byte %d", i);
			break;
		} else if (i == SERIAL_RX_FIFO - 1) {
			ok(1, "16 bytes come out in order; the rejected byte is not among them");
		}
	is(serial_read(&s, LSR) & 0x01, 0, "FIFO drained: LSR.DR clear");
	is(serial_read(&s, RBR), 0, "reading an empty RBR gives 0");

	/* wraparound of the ring */
	for (int i = 0; i < 5; i++)
		serial_receive(&s, (uint8_t)(0x40 + i));
	is(serial_read(&s, RBR), 0x40, "after wrap: first byte");
	for (int i = 0; i < 12; i++)
		serial_receive(&s, (uint8_t)(0x50 + i));
	ok(!serial_receive(&s, 0xee), "wrapped ring full after 4 + 12 bytes");

	/* FCR clear RX */
	serial_write(&s, FCR, 0x03);		/* enable | clear RX */
	is(serial_read(&s, LSR) & 0x01, 0, "FCR clear-RX: LSR.DR clear");
	is(s.rx_count, 0, "FCR clear-RX: FIFO empty");
	ok(serial_receive(&s, 0x77), "receive after clear accepted");
	is(serial_read(&s, RBR), 0x77, "and that byte (not an old one) is read");
	is(serial_read(&s, LSR) & 0x01, 0, "empty again");

	/* clear with RDA interrupt pending lowers the line */
	serial_write(&s, MCR, 0x08);
	serial_write(&s, IER, 0x01);
	serial_receive(&s, 1);
	is(irq.level, 1, "RDA interrupt up");
	serial_write(&s, FCR, 0x02);
	is(irq.level, 0, "FCR clear-RX lowers the RDA interrupt");
}

int main(void)
{
	test_reset_state();
	test_transmit();
	test_dlab();
	test_scratch_ier();
	test_iir();
	test_irq_line();
	test_loopback();
	test_fifo();
	return done_testing();
}
