/*
 * fuzz_serial.c - libFuzzer target for the 16550A model (src/devices/serial.c).
 *
 * Input: operations, one opcode byte each (op % 4) and its arguments:
 *
 *   0 OUT  reg, value	serial_write(reg, value), reg = byte (0..255: 8..255
 *			are out of range and must be ignored)
 *   1 IN   reg		serial_read(reg)
 *   2 RX   byte		serial_receive(byte): a byte arrives on the line
 *   3 RXN  n, byte	n % 24 bytes arrive (overfills the 16-byte FIFO)
 *
 * A shadow UART (registers, divisor, receive FIFO contents, THRE interrupt
 * latch) runs beside the model.  After every operation:
 *   - LSR.THRE and LSR.TEMT are always set (the transmitter never waits);
 *     LSR.DR is set exactly when the receive FIFO is not empty;
 *   - rx_count <= 16, rx_head < 16; serial_receive() fails exactly when the
 *     FIFO is full; RBR reads return the received bytes in order (0 when
 *     empty), loopback THR writes are received, other THR writes reach the
 *     tx callback byte for byte; FCR bit 1 empties the FIFO;
 *   - IIR reads 0xc0 (FIFOs on) or 0 in bits 7-6, bits 5-4 clear, and bits
 *     3-0 in {1 none, 2 THRE, 4 RDA} as the priorities say (RDA first);
 *     reading IIR that names THRE clears the THRE interrupt;
 *   - IER reads back value & 0x0f, MCR value & 0x1f, LCR and SCR as written,
 *     DLL/DLM (DLAB=1) the divisor; MSR in loopback mirrors MCR;
 *   - the IRQ line is driven only on changes (alternating 0/1) and its level
 *     is OUT2 && ((IER.RDA && data) || (IER.THRE && THRE pending)).
 */
#include <stdbool.h>
#include <string.h>

#include "fuzz.h"
#include "serial.h"

static struct serial uart;

/* the shadow */
static uint8_t s_ier, s_lcr, s_mcr, s_scr, s_fcr;
static uint16_t s_div;
static bool s_thri;
static uint8_t s_fifo[SERIAL_RX_FIFO];
static unsigned s_count;

/* what the model did through its callbacks */
static uint8_t tx_expect;
static int tx_pending;			/* 1: a tx callback with tx_expect is due */
static bool tx_bad;
static int line_level;
static bool line_bad;

static void tx(void *opaque, uint8_t byte)
{
	if (opaque != &uart || tx_pending != 1 || byte != tx_expect)
		tx_bad = true;
	tx_pending = 0;
}

static void set_level(void *opaque, int irq, int level)
{
	if (opaque != &uart || irq != SERIAL_COM1_IRQ || (level != 0 && level != 1) ||
	    level == line_level)
		line_bad = true;
	line_level = level;
}

static void s_push(uint8_t byte)
{
	s_fifo[s_count++] = byte;
}

static uint8_t s_pop(void)
{
	uint8_t b;

	if (!s_count)
		return 0;
	b = s_fifo[0];
	memmove(s_fifo, s_fifo + 1, --s_count);
	return b;
}

static void check_state(void)
{
	int level;

	CHECK(!tx_bad && !line_bad);
	CHECK((uart.lsr & 0x60) == 0x60);
	CHECK(uart.rx_count <= SERIAL_RX_FIFO);
	CHECK(uart.rx_head < SERIAL_RX_FIFO);
	CHECK(uart.rx_count == s_count);
	CHECK(!!(uart.lsr & 0x01) == (s_count > 0));
	for (unsigned i = 0; i < s_count; i++)
		CHECK(uart.rx[(uart.rx_head + i) % SERIAL_RX_FIFO] == s_fifo[i]);
	CHECK(uart.ier == s_ier && uart.lcr == s_lcr && uart.mcr == s_mcr);
	CHECK(uart.scr == s_scr && uart.fcr == s_fcr && uart.divisor == s_div);
	CHECK(uart.thr_interrupt == s_thri);
	level = (s_mcr & 0x08) && (((s_ier & 1) && s_count) || ((s_ier & 2) && s_thri));
	CHECK(uart.irq_level == level);
	CHECK(line_level == level);
}

static void op_out(unsigned reg, uint8_t val)
{
	bool dlab = s_lcr & 0x80;

	switch (reg) {
	case 0:
		if (dlab) {
			s_div = (uint16_t)((s_div & 0xff00) | val);
		} else {
			if (s_mcr & 0x10) {
				if (s_count < SERIAL_RX_FIFO)
					s_push(val);
			} else {
				tx_expect = val;
				tx_pending = 1;
			}
			s_thri = true;
		}
		break;
	case 1:
		if (dlab) {
			s_div = (uint16_t)((s_div & 0x00ff) | val << 8);
		} else {
			if ((val & 2) && !(s_ier & 2))
				s_thri = true;
			s_ier = val & 0x0f;
		}
		break;
	case 2:
		s_fcr = val;
		if (val & 2)
			s_count = 0;
		break;
	case 3: s_lcr = val; break;
	case 4: s_mcr = val & 0x1f; break;
	case 7: s_scr = val; break;
	}
	serial_write(&uart, reg, val);
	CHECK(tx_pending == 0);		/* the byte went out, exactly once */
}

static void op_in(unsigned reg)
{
	bool dlab = s_lcr & 0x80;
	uint8_t v = serial_read(&uart, reg), want = 0xff, fifo = (s_fcr & 1) ? 0xc0 : 0;

	switch (reg) {
	case 0: want = dlab ? (uint8_t)s_div : s_pop(); break;
	case 1: want = dlab ? (uint8_t)(s_div >> 8) : s_ier; break;
	case 2:
		CHECK((v & 0xf0) == fifo);
		CHECK((v & 0x0f) == 1 || (v & 0x0f) == 2 || (v & 0x0f) == 4);
		if ((s_ier & 1) && s_count) {
			want = fifo | 4;
		} else if ((s_ier & 2) && s_thri) {
			want = fifo | 2;
			s_thri = false;
		} else {
			want = fifo | 1;
		}
		break;
	case 3: want = s_lcr; break;
	case 4: want = s_mcr; break;
	case 5:
		CHECK(v & 0x20);		/* THRE */
		want = (uint8_t)(0x60 | (s_count ? 1 : 0));
		break;
	case 6:
		if (s_mcr & 0x10)
			want = (uint8_t)((s_mcr & 1) << 5 | (s_mcr & 2) << 3 | (s_mcr & 0x0c) << 4);
		else
			want = 0xb0;		/* DCD, DSR, CTS: a modem that is always there */
		break;
	case 7: want = s_scr; break;
	}
	CHECK(v == want);
}

static void op_rx(uint8_t byte)
{
	bool full = s_count == SERIAL_RX_FIFO;

	CHECK(serial_receive(&uart, byte) == !full);
	if (!full)
		s_push(byte);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = { data, size };

	serial_init(&uart, tx, &uart, (struct irq_line){ set_level, &uart, SERIAL_COM1_IRQ });
	s_ier = s_lcr = s_mcr = s_scr = s_fcr = 0;
	s_div = 12;
	s_thri = false;
	s_count = 0;
	tx_pending = 0;
	tx_bad = line_bad = false;
	line_level = 0;
	check_state();
	while (fz_more(&f)) {
		uint8_t op = fz_u8(&f) % 4, reg, n, b;

		switch (op) {
		case 0:
			reg = fz_u8(&f);
			op_out(reg, fz_u8(&f));
			break;
		case 1:
			op_in(fz_u8(&f));
			break;
		case 2:
			op_rx(fz_u8(&f));
			break;
		case 3:
			n = fz_u8(&f) % 24;
			b = fz_u8(&f);
			for (unsigned i = 0; i < n; i++) {
				op_rx((uint8_t)(b + i));
				check_state();
			}
			break;
		}
		check_state();
	}
	return 0;
}
