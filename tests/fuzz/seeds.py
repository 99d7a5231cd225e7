#!/usr/bin/env python3
"""seeds.py - write the hand-made seed inputs of tests/fuzz/corpus/<target>/.

The seeds are checked in; run this only to regenerate them after changing
an op encoding (see the comment at the top of each fuzz_<target>.c and
README.md).  Usage: python3 tests/fuzz/seeds.py [tests/fuzz/corpus]
"""
import os
import struct
import sys

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "corpus")


def u16(v): return struct.pack("<H", v & 0xffff)
def u32(v): return struct.pack("<I", v & 0xffffffff)
def u64(v): return struct.pack("<Q", v & 0xffffffffffffffff)


def write(target, name, data):
    d = os.path.join(OUT, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(bytes(data))


# ---- fuzz_pic: 0 OUT port val, 1 IN port, 2 IRQ b, 3 INTA, 4 INJ, 5 PULSE b ----
PIC_PORTS = {0x20: 0, 0x21: 1, 0xa0: 2, 0xa1: 3, 0x4d0: 4, 0x4d1: 5, 0x22: 6}
def pic_out(port, val): return [0, PIC_PORTS[port], val]
def pic_in(port): return [1, PIC_PORTS[port]]
def pic_irq(irq, level): return [2, (irq & 15) | (0x80 if level else 0)]
def pic_pulse(irq): return [5, irq]
INTA, INJ = [3], [4]

def pic_init(mbase=0x08, sbase=0x70, icw4=0x01):
    return (pic_out(0x20, 0x11) + pic_out(0x21, mbase) + pic_out(0x21, 0x04) + pic_out(0x21, icw4) +
            pic_out(0xa0, 0x11) + pic_out(0xa1, sbase) + pic_out(0xa1, 0x02) + pic_out(0xa1, icw4))

write("pic", "bios-init", pic_init() + pic_out(0x21, 0xb8) + pic_out(0xa1, 0x8f) +
      pic_in(0x21) + pic_in(0xa1))
write("pic", "timer-tick-eoi", pic_init() + pic_out(0x21, 0) + pic_out(0xa1, 0) +
      pic_pulse(0) + INJ + pic_out(0x20, 0x20) + pic_pulse(0) + pic_pulse(1) + INJ + INJ +
      pic_out(0x20, 0x0b) + pic_in(0x20) + pic_out(0x20, 0x20) + pic_out(0x20, 0x20))
write("pic", "slave-rtc", pic_init(0x20, 0x28) + pic_out(0x21, 0) + pic_out(0xa1, 0) +
      pic_pulse(8) + pic_irq(12, 1) + INJ + INJ + pic_out(0xa0, 0x0b) + pic_in(0xa0) +
      pic_out(0xa0, 0x20) + pic_out(0x20, 0x20) + INJ + pic_out(0xa0, 0x64) + pic_out(0x20, 0x62))
write("pic", "poll", pic_init() + pic_out(0x21, 0) + pic_irq(3, 1) + pic_irq(5, 1) +
      pic_out(0x20, 0x0c) + pic_in(0x20) + pic_out(0x20, 0x0c) + pic_in(0x21) + pic_in(0x20))
write("pic", "aeoi-rotate", pic_init(icw4=0x03) + pic_out(0x21, 0) + pic_out(0x20, 0x80) +
      pic_pulse(0) + pic_pulse(3) + INJ + INJ + pic_out(0x20, 0xc4) + pic_pulse(1) + INJ +
      pic_out(0x20, 0x00))
write("pic", "elcr-level", pic_init() + pic_out(0x4d0, 0xf8) + pic_out(0x4d1, 0xde) +
      pic_in(0x4d0) + pic_in(0x4d1) + pic_out(0x21, 0) + pic_out(0xa1, 0) + pic_irq(9, 1) +
      INJ + INJ + pic_out(0xa0, 0x20) + pic_out(0x20, 0x20) + INJ + pic_irq(9, 0) +
      pic_out(0xa0, 0x20) + pic_out(0x20, 0x20) + INJ)
write("pic", "spurious", pic_init() + pic_out(0x21, 0) + pic_irq(7, 1) + pic_irq(7, 0) + INTA +
      pic_out(0x20, 0x18) + pic_irq(7, 1) + pic_irq(7, 0) + INTA + INTA)
write("pic", "special-mask-sfnm", pic_init(icw4=0x11) + pic_out(0x21, 0) + pic_out(0xa1, 0) +
      pic_pulse(10) + INJ + pic_pulse(9) + INJ + pic_out(0x20, 0x68) + pic_out(0x21, 0x04) +
      pic_pulse(1) + INJ + pic_out(0x20, 0x48) + pic_out(0x20, 0x61))
# special mask mode with the in-service level left unmasked, then a non-specific EOI
write("pic", "special-mask-unmasked", pic_init() + pic_pulse(3) + INJ + pic_out(0x20, 0x68) +
      pic_out(0x21, 0x80) + pic_pulse(5) + INJ + pic_pulse(6) + INJ + pic_out(0x21, 0x08) +
      pic_out(0x20, 0x20) + pic_out(0x20, 0x0b) + pic_in(0x20) + pic_out(0x20, 0xa0))
# master in SFNM: IRQ9, IRQ3 held, IRQ8 nests; the slave-then-master EOI protocol
write("pic", "sfnm-nesting", pic_init() + pic_out(0x20, 0x11) + pic_out(0x21, 0x08) +
      pic_out(0x21, 0x04) + pic_out(0x21, 0x11) + pic_pulse(9) + INJ + pic_pulse(3) + INJ +
      pic_pulse(8) + INJ + pic_out(0xa0, 0x20) + pic_out(0xa0, 0x0b) + pic_in(0xa0) +
      pic_out(0xa0, 0x20) + pic_in(0xa0) + pic_out(0x20, 0x20) + INJ)
# polling through the cascade, and rotation on the slave
write("pic", "poll-cascade-rotate", pic_init() + pic_pulse(9) + pic_pulse(1) + pic_out(0x20, 0x0c) +
      pic_in(0x20) + pic_out(0x20, 0x20) + pic_out(0x20, 0x0c) + pic_in(0x20) + pic_out(0xa0, 0x0c) +
      pic_in(0xa0) + pic_out(0xa0, 0xa0) + pic_out(0x20, 0x20) + pic_pulse(9) + pic_pulse(15) +
      pic_out(0x20, 0x0c) + pic_in(0x21) + pic_out(0xa0, 0x0c) + pic_in(0xa1) + pic_out(0xa0, 0xc4))

# ---- fuzz_pit: start byte; 0 OUT p v, 1 IN p, 2 ADV s n, 3 UPDATE, 4 GATE b, 5 OUTPIN b,
#      6 NEXT, 7 LATCH b; ports 0x40 0x41 0x42 0x43 0x61 0x44; scales 1 100 838 10us 1ms 55ms 1s 2^40
PIT_PORTS = {0x40: 0, 0x41: 1, 0x42: 2, 0x43: 3, 0x61: 4, 0x44: 5}
def pit_out(port, val): return [0, PIT_PORTS[port], val]
def pit_in(port): return [1, PIT_PORTS[port]]
def adv(scale, n): return [2, scale, n]
UPDATE, NEXT = [3], [6]
def latch(ch, later_scale=2, later_n=3): return [7, ch | (later_scale << 2) | (later_n << 5)]
def load(ch, n): return pit_out(0x40 + ch, n & 0xff) + pit_out(0x40 + ch, n >> 8)

write("pit", "bios-18hz", [1] + pit_out(0x43, 0x36) + load(0, 0) + adv(5, 1) + UPDATE + NEXT + NEXT +
      NEXT + latch(0) + pit_in(0x40) + pit_in(0x40))
write("pit", "linux-hz", [2] + pit_out(0x43, 0x34) + load(0, 11932) + NEXT + NEXT + NEXT + NEXT +
      adv(4, 5) + UPDATE + latch(0) + load(0, 1193) + adv(3, 50) + NEXT + UPDATE)
write("pit", "mode0-oneshot", [0] + pit_out(0x43, 0x30) + load(0, 16) + adv(2, 8) + latch(0, 2, 1) +
      adv(2, 20) + UPDATE + NEXT + pit_out(0x40, 5) + pit_out(0x40, 0) + NEXT)
write("pit", "speaker-ch2", [0] + pit_out(0x61, 0x03) + pit_out(0x43, 0xb6) + load(2, 1193) +
      pit_in(0x61) + adv(3, 100) + pit_in(0x61) + [4, 0x02] + pit_in(0x61) + [5, 2])
write("pit", "mode1-gate", [0] + pit_out(0x61, 0x00) + pit_out(0x43, 0xb2) + load(2, 100) +
      pit_out(0x61, 0x01) + adv(2, 50) + pit_in(0x61) + adv(2, 60) + pit_in(0x61) +
      pit_out(0x61, 0x00) + pit_out(0x61, 0x01) + latch(2))
write("pit", "readback", [0] + pit_out(0x43, 0x34) + load(0, 500) + pit_out(0x43, 0xc2) +
      pit_in(0x40) + pit_in(0x40) + pit_in(0x40) + pit_out(0x43, 0xe2) + pit_in(0x40) +
      pit_out(0x43, 0xde) + pit_in(0x40) + pit_in(0x40))
write("pit", "bcd-mode3", [0] + pit_out(0x43, 0x37) + load(0, 0x1000) + latch(0) + NEXT + NEXT +
      pit_out(0x43, 0x17) + pit_out(0x40, 0x99) + adv(2, 30) + pit_in(0x40))
write("pit", "mode2-reload", [0] + pit_out(0x43, 0x34) + load(0, 100) + adv(2, 30) + load(0, 40) +
      NEXT + NEXT + NEXT + latch(0) + [4, 0x00] + adv(2, 10) + [4, 0x80] + NEXT)
write("pit", "mode4-5", [0] + pit_out(0x43, 0x38) + load(0, 10) + NEXT + NEXT + NEXT +
      pit_out(0x43, 0x7a) + load(1, 20) + [4, 0x01] + [4, 0x81] + adv(2, 25) + [5, 1])
write("pit", "lsb-msb-only", [0] + pit_out(0x43, 0x14) + pit_out(0x40, 50) + NEXT + pit_in(0x40) +
      pit_out(0x43, 0x26) + pit_out(0x40, 2) + pit_in(0x40) + adv(7, 3) + UPDATE)

# ---- fuzz_serial: 0 OUT reg val, 1 IN reg, 2 RX byte, 3 RXN n byte ----
def s_out(reg, val): return [0, reg, val]
def s_in(reg): return [1, reg]
def rx(b): return [2, b]

write("serial", "linux-8250-init", s_out(1, 0) + s_out(3, 0x80) + s_out(0, 1) + s_out(1, 0) +
      s_out(3, 0x03) + s_out(2, 0xc7) + s_out(4, 0x0b) + s_out(1, 0x01) + rx(0x61) + s_in(2) +
      s_in(5) + s_in(0) + s_in(5) + s_in(2))
write("serial", "loopback-probe", s_out(4, 0x10) + s_out(0, 0xae) + s_in(5) + s_in(0) + s_in(6) +
      s_out(4, 0x1f) + s_in(6) + s_out(4, 0x03) + s_in(6))
write("serial", "thre-interrupt", s_out(4, 0x08) + s_out(1, 0x02) + s_in(2) + s_in(2) +
      s_out(0, ord('x')) + s_in(2) + s_out(1, 0x03) + rx(0x0a) + s_in(2) + s_in(0) + s_in(2))
write("serial", "fifo-overflow", s_out(4, 0x08) + s_out(1, 0x01) + [3, 20, ord('A')] + s_in(5) +
      s_in(0) + s_in(0) + s_in(0) + s_out(2, 0x02) + s_in(5) + s_in(2))
write("serial", "divisor-scratch", s_out(7, 0x55) + s_in(7) + s_out(3, 0x80) + s_out(0, 0x0c) +
      s_out(1, 0x00) + s_in(0) + s_in(1) + s_out(3, 0x03) + s_in(3) + s_out(5, 0) + s_out(6, 0) +
      s_in(8) + s_out(9, 1))

# ---- fuzz_bus: 0 ADD addr len flags, 1 FIND addr, 2 READ addr size, 3 WRITE addr n bytes ----
def a16(v): return [1] + list(u16(v))
def a64(v): return [0] + list(u64(v))
def abase(i, d=0): return [2, i, 128 + d]
def aend(i, d=0): return [3, i, 128 + d]
def ln(v): return [v] if v < 0x80 else [0x80] + list(u64(v))

write("bus", "pc-ports", [0] + a16(0x3f8) + ln(8) + [0] + [0] + a16(0xf4) + ln(4) + [1] +
      [0] + a16(0x80) + ln(1) + [1] + [0] + a16(0x20) + ln(2) + [0] + [0] + a16(0x40) + ln(4) + [0] +
      [0] + a16(0x3fc) + ln(8) + [0] + [1] + a16(0x3ff) + [1] + a16(0x400) + [2] + a16(0x3f8) + [1] +
      [3] + a16(0xf4) + [1, 0x00] + [2] + a16(0x1234) + [2] + [1] + aend(0, -1) + [1] + aend(0))
write("bus", "mmio-top", [0] + a64(0xfee00000) + ln(0x1000) + [0] + [0] + a64(0xfec00000) + ln(0x1000) +
      [1] + [0] + a64(0xffff0000) + ln(0x10000) + [2] + [0] + a64(0xfffffffffffffff0) + ln(0x10) +
      [0] + [2] + aend(0, -1) + [8] + [3] + abase(1) + [4, 1, 2, 3, 4] + [2] + abase(2, -1) + [4])
write("bus", "full", sum(([0] + a16(0x1000 + 2 * i) + ln(1) + [0] for i in range(34)), []) +
      [1] + a16(0x1000 + 2 * 31) + [1] + a16(0x1000 + 2 * 32))
write("bus", "empty-wrap", [0] + a16(0x100) + ln(0) + [0] + [0] + a64(0xffffffffffffffff) + ln(2) + [0] +
      [0] + a64(0) + ln(0xffffffffffffffff) + [0] + [1] + a64(0xfffffffffffffffe))

# ---- fuzz_rom: size u64, kind, blocks, adj, errlen/2, content ----
def rom(size, kind, blocks, adj, errlen, content=b"", delta=None):
    return (list(u64(size)) + [kind, blocks, adj] + (list(u16(delta)) if adj == 3 else []) +
            [errlen] + list(content))

JMP = b"\xea\x5b\xe0\x00\xf0"
write("rom", "64k", rom(0x10000, 0, 1, 0, 128, JMP))
write("rom", "16m-exact", rom(16 << 20, 0, 0xfc, 0, 255, JMP))
write("rom", "16m-plus-64k", rom((16 << 20) + 0x10000, 0, 0xfd, 0, 255))
write("rom", "odd-size", rom(65537, 0, 1, 1, 100, b"x" * 40))
write("rom", "128k-minus-1", rom(0x1ffff, 0, 2, 2, 1))
write("rom", "empty", rom(0, 0, 0, 0, 0))
write("rom", "missing-file", rom(0x20000, 6, 2, 0, 20))
write("rom", "directory", rom(0x30000, 7, 3, 0, 255))
write("rom", "delta", rom(0x40000, 0, 4, 3, 64, b"\x90" * 16, delta=-4096))

# ---- fuzz_exit: flags, then exits (kind % 20) ----
IO_PORTS = [0x20, 0x21, 0xa0, 0xa1, 0x4d0, 0x4d1, 0x40, 0x41, 0x42, 0x43, 0x61,
            0x3f8, 0x3f9, 0x3fa, 0x3fb, 0x3fc, 0x3fd, 0x3fe, 0x3ff, 0xf4, 0x80,
            0x2000, 0x2001, 0x2004, 0x2017, 0x1234, 0x0000, 0xffff]
def outb(port, val): return [0, 1, 0, 0, IO_PORTS.index(port), 0, 0, val]
def inb(port): return [0, 0, 0, 0, IO_PORTS.index(port), 0, 0, 0]
def rep(port, out, size_sel, data):
    n = len(data) // [1, 2, 4, 1][size_sel]
    return [0, 1 if out else 0, size_sel, 0, IO_PORTS.index(port), 0x80 | n, 1] + list(data[:16])
MMIO_ADDRS = ["fake", "fake+ff8", "fake+fff", "rom", "reset", "ioregsel", "iowin", "ioapic+40",
              "ioapic+ffc", "tpr", "eoi", "svr", "icr", "lvt-timer", "lint0", "timer-icr",
              "timer-ccr", "irr7", "lapic+ffc", "below-fake", "zero", "max"]
def mmio(name, val, write=True, length=4):
    return [5, 0x00, MMIO_ADDRS.index(name), length, 1 if write else 0] + list(u64(val))
TIMER = lambda n: [16, n]
INTA_X, IRQWIN, INTR, SET_TPR = [17], [8], [9], [10]
def hlt(if_flag, irq=0): return [7, if_flag, irq]

pic_boot = (outb(0x20, 0x11) + outb(0x21, 0x08) + outb(0x21, 0x04) + outb(0x21, 0x01) +
            outb(0xa0, 0x11) + outb(0xa1, 0x70) + outb(0xa1, 0x02) + outb(0xa1, 0x01))
write("exit", "pic-pit-tick", [0] + pic_boot + outb(0x21, 0xfe) + outb(0x43, 0x34) + outb(0x40, 0x9c) +
      outb(0x40, 0x2e) + TIMER(100) + INTA_X + outb(0x20, 0x20) + TIMER(100) + hlt(1, 0) +
      INTA_X + outb(0x20, 0x20) + IRQWIN + INTR)
write("exit", "serial-hello", [0] + outb(0x3fb, 0x03) + outb(0x3fc, 0x0b) + outb(0x3f9, 0x02) +
      rep(0x3f8, True, 0, b"hello") + inb(0x3fa) + inb(0x3fd) + rep(0x3f8, False, 0, b"\0" * 4) +
      outb(0x80, 0x42) + outb(0xf4, 0x00) + IRQWIN)
write("exit", "ioapic-level", [2] + mmio("ioregsel", 0x18) + mmio("iowin", 0x8031) +
      mmio("ioregsel", 0x19) + mmio("iowin", 0) + outb(0x2004, 1) + INTA_X + mmio("eoi", 0) +
      INTA_X + outb(0x2004, 0) + mmio("eoi", 0) + mmio("iowin", 0, write=False) + hlt(1, 4))
write("exit", "lapic-timer", [0] + mmio("svr", 0x1ff) + mmio("lvt-timer", 0x20040) +
      mmio("timer-icr", 100000) + TIMER(10) + TIMER(10) + INTA_X + mmio("eoi", 0) +
      mmio("timer-ccr", 0, write=False) + mmio("tpr", 0x50) + [18, 2] + SET_TPR + hlt(1, 0) +
      mmio("icr", 0x40033) + INTA_X)
write("exit", "msr", [0] + [15, 0, 0x09, 0] + [19, 0, 0x01, 0] + [19, 0, 0x09, 0] +
      [19, 1, 0x80] + list(u64(123456789)) + [0] + [15, 1, 0, 0] + [19, 0, 0x0d, 0] +
      [15, 0x80] + list(u32(0xc0000080)) + [0, 0])
write("exit", "fatal", [0] + [11] + [13, 1] + list(u32(1000)) + list(u64(0x1234)) * 16 +
      [14] + list(u32(9999)) + [12] + list(u64(0x21)))
write("exit", "hlt", [0] + hlt(0) + hlt(1, 3))
write("exit", "hlt-masked", [0] + outb(0x21, 0xff) + mmio("svr", 0xff) + hlt(1, 1))
write("exit", "strict-unclaimed", [1] + inb(0x1234) + mmio("zero", 0, write=False))
write("exit", "bad-exits", [0] + [5, 0x00, 0, 0, 1] + [0] * 8 + [5, 0x00, 0, 9, 0] + [0] * 8 +
      [0, 1, 0x80, 3, 0, 0, 0, 0, 0x41, 0x42, 0x43] + [0, 1, 0, 0, 0, 0xc0] + list(u32(5000)) + [0])

# regressions: malformed IO exits that handle_io() used to accept (fixed in 38fa2dd)
write("exit", "regress-io-size0", [0, 0, 1, 0x80, 0, 0, 21, 0, 1])            # size 0 at data_offset 4096
write("exit", "regress-io-offset-inside-run", [0, 0, 0, 0x79, 0, 4, 0x9f, 2])  # IN into struct kvm_run

# ---- fuzz_lapic: flags, 0 WRITE off val, 1 READ off, 2 ACCEPT b v, 3 INTA, 4 EOI, 5 ADV s n,
#      6 UPDATE, 7 BASE u64, 8 CR8 b, 9 TSCDL u64 b ----
LREGS = [0x20, 0x30, 0x80, 0x90, 0xa0, 0xb0, 0xd0, 0xe0, 0xf0, 0x100, 0x170, 0x1b0, 0x200, 0x270,
         0x280, 0x300, 0x310, 0x320, 0x330, 0x340, 0x350, 0x360, 0x370, 0x380, 0x390, 0x3e0, 0x3f0, 0xff0]
def lw(off, val): return [0, LREGS.index(off), 0x80] + list(u32(val))
def lr(off): return [1, LREGS.index(off)]
def acc(v, level=False): return [2, 1 if level else 0, v]
L_INTA, L_EOI, L_UPDATE = [3], [4], [6]
def ladv(s, n): return [5, s, n]

write("lapic", "linux-boot", [0] + lw(0xf0, 0x1ff) + lw(0x80, 0) + lw(0x350, 0x700) + lw(0x370, 0xfe) +
      lw(0x280, 0) + lr(0x280) + acc(0x31) + L_INTA + lr(0x100) + L_EOI + lr(0xa0))
write("lapic", "timer-periodic", [1] + lw(0x3e0, 0x0b) + lw(0x320, 0x20040) + lw(0x380, 1000) +
      ladv(2, 5) + L_UPDATE + L_INTA + L_EOI + lr(0x390) + ladv(2, 3) + lr(0x390) + lw(0x3e0, 0x3) +
      ladv(3, 2) + L_UPDATE + lw(0x380, 0))
write("lapic", "timer-floor", [3] + lw(0x3e0, 0x0b) + lw(0x320, 0x20040) + lw(0x380, 10) +
      lr(0x390) + ladv(2, 5) + lr(0x390) + ladv(3, 20) + L_UPDATE + lr(0x390))
write("lapic", "timer-oneshot-div", [1] + lw(0x320, 0x00042) + lw(0x3e0, 0x0a) + lw(0x380, 5000) +
      lr(0x390) + ladv(3, 1) + lr(0x390) + lw(0x3e0, 0x00) + ladv(3, 1) + lr(0x390) + L_UPDATE + L_INTA)
write("lapic", "tsc-deadline", [1] + lw(0x320, 0x40041) + [9] + list(u64(1000)) + [100] + ladv(3, 10) +
      L_UPDATE + L_INTA + L_EOI + [9] + list(u64(5)) + [0] + lw(0x320, 0x00041))
write("lapic", "priorities", [1] + acc(0x50) + acc(0x40) + acc(0x61, True) + lw(0x80, 0x55) + L_INTA +
      lr(0xa0) + lr(0x90) + L_EOI + [8, 3] + L_INTA + L_INTA + L_EOI + L_EOI + lr(0x1b0))
write("lapic", "ipi-errors", [1] + lw(0x300, 0x40033) + lw(0x310, 0x01000000) + lw(0xd0, 0x01000000) +
      lw(0xe0, 0xffffffff) + lw(0x300, 0x00834) + lw(0x300, 0x40005) + lw(0x280, 0) + lr(0x280) +
      acc(3) + lw(0x280, 0) + lr(0x280) + lw(0xe0, 0x0fffffff) + lw(0x300, 0x00835) + lw(0x20, 0x05000000))
write("lapic", "base-disable", [1] + acc(0x70) + [7] + list(u64(0xfee00100)) + lr(0x20) + acc(0x71) +
      [7] + list(u64(0xfee00900)) + lr(0xf0) + [7] + list(u64(0xfee00d00)) + [7] + list(u64(0xfed00901)))
write("lapic", "sw-disable", [1] + lw(0x320, 0x20040) + lw(0xf0, 0x0ff) + lr(0x320) + lw(0x350, 0x700) +
      lr(0x350) + acc(0x45) + L_INTA + lw(0xf0, 0x1ff) + L_INTA)

# ---- fuzz_ioapic: 0 SEL u32, 1 WIN_W u32, 2 WIN_R, 3 MMIO b [u64] u32 rw, 4 IRQ b, 5 EOI v,
#      6 ENTRY b u32 ----
def sel(i): return [0] + list(u32(i))
def winw(v): return [1] + list(u32(v))
WINR = [2]
def entry(pin, val, high=False): return [6, 0x80 | (2 * pin + (1 if high else 0))] + list(u32(val))  # raw value
def pin_irq(pin, level): return [4, (pin + 1) | (0x80 if level else 0)]
def ioeoi(v): return [5, v]

write("ioapic", "linux-route", entry(2, 0x30) + entry(2, 0x01000000, True) + pin_irq(2, 1) +
      pin_irq(2, 0) + pin_irq(2, 1) + entry(4, 0x10031) + pin_irq(4, 1) + entry(4, 0x31))
write("ioapic", "level-eoi", entry(4, 0x8031) + pin_irq(4, 1) + ioeoi(0x31) + sel(0x18) + WINR +
      pin_irq(4, 0) + ioeoi(0x31) + WINR + pin_irq(4, 1) + entry(4, 0x18031) + ioeoi(0x31) + entry(4, 0x8031))
write("ioapic", "active-low", entry(9, 0xa032) + pin_irq(9, 1) + pin_irq(9, 0) + ioeoi(0x32) +
      pin_irq(9, 1) + entry(9, 0x2032) + pin_irq(9, 0))
write("ioapic", "index-sweep", sel(0xff) + WINR + sel(0x40) + winw(0x1234) + WINR + sel(0x3f) + WINR +
      sel(0x01) + winw(0) + WINR + sel(0x00) + winw(0xffffffff) + WINR + sel(0x02) + WINR + sel(0x1ff) + WINR)
write("ioapic", "modes", entry(3, 0x8733) + pin_irq(3, 1) + entry(5, 0x8435) + pin_irq(5, 1) +
      entry(6, 0x8136) + pin_irq(6, 1) + ioeoi(0x36) + entry(7, 0x8937) + pin_irq(7, 1) + ioeoi(0x37))
write("ioapic", "mmio-offsets", [3, 0x04] + list(u32(0x10)) + [1] + [3, 0x10] + list(u32(0)) + [0] +
      [3, 0x40] + list(u32(5)) + [1] + [3, 0x80] + list(u64(0xffc)) + list(u32(1)) + [0] +
      [3, 0x00] + list(u32(0x11)) + [1] + [3, 0x10] + list(u32(0xff000000)) + [1])
# ---- fuzz_pci: first byte delay; 0 ADDR s r b [u32], 1 DATA_W p z u32, 2 DATA_R p z,
#      3 RAW p z rw [u32], 4 MMIO_W o [u32] z u64, 5 MMIO_R o [u32] z, 6 ADV s n, 7 NOTIFY w v,
#      8 SETUP k b; devices {0, 4, 5, 3, 31}; sizes {1, 2, 4}; MMIO sizes {4, 4, 1, 2, 8}
PCI_DEVS = [0, 4, 5, 3, 31]
def caddr(dev, fn, reg, enable=True, bus=0):
    return [0, PCI_DEVS.index(dev) | (0 if enable else 0x40), reg, fn | (0x80 if bus else 0)]
def craw(v): return [0, 0x80, 0, 0] + list(u32(v))
PCI_SZ = {1: 0, 2: 1, 4: 2}
def cdw(byte, size, v): return [1, byte, PCI_SZ[size]] + list(u32(v))
def cdr(byte, size): return [2, byte, PCI_SZ[size]]
def cport(port, size, v=None):
    return [3, port - 0xcf8, PCI_SZ[size]] + ([0] if v is None else [1] + list(u32(v)))
EDU_SZ = {4: 0, 1: 2, 2: 3, 8: 4}
def eoff(off): return [off] if off < 0x80 else [0x80] + list(u32(off))
def emw(off, v, size=4): return [4] + eoff(off) + [EDU_SZ[size]] + list(u64(v))
def emr(off, size=4): return [5] + eoff(off) + [EDU_SZ[size]]
def cadv(scale, n, late=False): return [6, scale, n | (0x80 if late else 0)]
def cnotify(fn, v): return [7, fn, v]
def csetup(k, b=0): return [8, k, b]

write("pci", "linux-probe", [2] + caddr(0, 0, 0) + cdr(0, 4) + caddr(0, 0, 8) + cdr(0, 4) +
      caddr(4, 0, 0) + cdr(0, 4) + caddr(4, 0, 0x10) + cdw(0, 4, 0xffffffff) + cdr(0, 4) +
      cdw(0, 4, 0xfea00000) + caddr(4, 0, 0x04) + cdw(0, 2, 0x0006) + caddr(4, 0, 0x34) + cdr(0, 1) +
      caddr(4, 0, 0x40) + cdr(0, 4) + caddr(5, 0, 0x0c) + cdr(2, 1) + caddr(5, 1, 0) + cdr(0, 4) +
      caddr(5, 0, 0x18) + cdw(0, 4, 0xffffffff) + cdr(0, 4) + caddr(3, 0, 0) + cdr(0, 2) +
      caddr(31, 7, 0) + cdr(0, 4) + caddr(0, 0, 0, bus=1) + cdr(0, 4))
write("pci", "edu-factorial-intx", [2] + emr(0x00) + emw(0x04, 0x12345678) + emr(0x04) +
      emw(0x20, 0x80) + emw(0x08, 10) + emr(0x20) + emw(0x08, 3) + cadv(2, 3) + emr(0x08) +
      emr(0x24) + emw(0x64, 1) + emw(0x60, 0x30) + emw(0x64, 0x10) + emw(0x64, 0x20))
write("pci", "edu-msi", [2] + csetup(0, 0x01) + emw(0x60, 5) + emw(0x64, 5) + emw(0x20, 0x80) +
      emw(0x08, 12) + cadv(2, 3, late=True) + emr(0x20) + emr(0x08) + csetup(1) + emw(0x64, 1) +
      emw(0x60, 2) + csetup(0, 0x02) + emw(0x64, 2))
write("pci", "edu-delay0", [0] + emw(0x20, 0x80) + emw(0x08, 5) + emr(0x08) + emr(0x24) +
      emw(0x08, 40) + emr(0x08) + emw(0x64, 0xffffffff))
write("pci", "gen-msi-mask", [2] + csetup(2, 0x30) + csetup(4, 0x0f) + cnotify(0, 3) + cnotify(0, 1) +
      csetup(4, 0) + cnotify(0, 2) + cnotify(0, 4) + cnotify(1, 0) + caddr(5, 0, 0x50) + cdr(0, 4))
write("pci", "partial-access", [2] + caddr(4, 0, 0) + cdr(1, 1) + cdr(2, 2) + cdr(3, 1) + cdr(3, 2) +
      cdr(1, 4) + cport(0xcf8, 1) + cport(0xcf9, 1, 0x06) + cport(0xcfb, 2) + cport(0xcf8, 4) +
      caddr(4, 0, 0x3c) + cdw(0, 1, 0x0b) + cdw(1, 2, 0xffff) + caddr(4, 0, 0x04, enable=False) +
      cdw(0, 4, 0xffffffff) + cdr(0, 4) + craw(0x80002002) + cdr(0, 4) + craw(0xffffffff) + cdr(0, 4))
write("pci", "edu-sizes", [2] + emr(0x00, 1) + emr(0x00, 2) + emr(0x00, 8) + emr(0x02) +
      emw(0x04, 1, 2) + emw(0x60, 1, 1) + emr(0x0c) + emr(0x60) + emr(0x80, 8) + emr(0x88) +
      emw(0x98, 1, 8) + emr(0xffffc) + emw(0x40000, 7) + emr(0x81, 8))
write("pci", "intx-disable", [2] + emw(0x60, 1) + csetup(3) + emw(0x64, 1) + emw(0x60, 2) + csetup(3) +
      emw(0x64, 2) + caddr(4, 0, 0x06) + cdr(2, 2))
# ---- fuzz_icr: setup byte (n = 2 + (b & 7) % 7, bit 3: APs running), then op cpu ...:
#      0 WRITE sel v, 1 SEND dest vec m, 2 BASE, 3 INTA, 4 SIPI, 5 NMI, 6 INIT, 7 ACCEPT v,
#      8 ROUTE u32 d; registers sel % 8: ICR_HI ICR_LO TPR LDR DFR SVR(+8: enable) EOI ID
IR_TPR, IR_LDR, IR_DFR, IR_SVR_ON, IR_EOI, IR_ID = 2, 3, 4, 13, 6, 7
def iw(c, sel, v): return [0, c, sel, v]
def imode(dm, logical=False, level=True, trig=False, sh=0):
    return dm | (8 if logical else 0) | (0x10 if level else 0) | (0x20 if trig else 0) | sh << 6
def isend(c, dest, vec, m): return [1, c, dest, vec, m]
def ibase(c): return [2, c]
def iinta(c): return [3, c]
def isipi(c): return [4, c]
def inmi(c): return [5, c]
def iinit(c): return [6, c]
def iaccept(c, v): return [7, c, v]
def iroute(c, lo, d): return [8, c] + list(u32(lo)) + [d]
SH_SELF, SH_ALL, SH_OTHERS = 1, 2, 3

write("icr", "boot-init-sipi-sipi", [2] + isend(0, 0, 0, imode(5, sh=SH_OTHERS)) +
      isend(0, 0, 0, imode(5, level=False, trig=True, sh=SH_ALL)) + iinit(1) + iinit(2) +
      isend(0, 0, 0x08, imode(6, sh=SH_OTHERS)) + isend(0, 0, 0x08, imode(6, sh=SH_OTHERS)) +
      isipi(1) + isipi(2) + isipi(3) + iw(1, IR_SVR_ON, 0xff) + iw(2, IR_SVR_ON, 0xff) +
      iw(3, IR_SVR_ON, 0xff) + isend(0, 2, 0x09, imode(6)) + isipi(2))
write("icr", "lowest-tpr", [0x0a] + iw(0, IR_TPR, 0x40) + iw(1, IR_TPR, 0x20) + iw(2, IR_TPR, 0x10) +
      iw(3, IR_TPR, 0x20) + isend(1, 0xff, 0x41, imode(1)) + isend(1, 0xff, 0x42, imode(1)) +
      isend(1, 0xff, 0x43, imode(1)) + iinta(2) + iinta(1) + iinta(3) + iw(2, IR_EOI, 0) +
      iw(2, IR_TPR, 0) + isend(0, 0xff, 0x44, imode(1)))
write("icr", "logical-cluster", [0x0d] + sum((iw(c, IR_DFR, 0x0f) for c in range(7)), []) +
      iw(0, IR_LDR, 0x11) + iw(1, IR_LDR, 0x12) + iw(2, IR_LDR, 0x14) + iw(3, IR_LDR, 0x21) +
      iw(4, IR_LDR, 0x22) + iw(5, IR_LDR, 0x31) + iw(6, IR_LDR, 0x38) +
      isend(0, 0x13, 0x50, imode(0, logical=True)) + isend(0, 0xf1, 0x51, imode(0, logical=True)) +
      isend(3, 0x23, 0x52, imode(1, logical=True)) + isend(6, 0x39, 0x53, imode(4, logical=True)) +
      inmi(5) + inmi(6))
write("icr", "flat-physical-self", [0x0b] + sum((iw(c, IR_LDR, 1 << c) for c in range(5)), []) +
      isend(0, 0x0a, 0x60, imode(0, logical=True)) + isend(0, 0x1f, 0x61, imode(1, logical=True)) +
      isend(2, 0x03, 0x62, imode(0)) + iw(3, IR_ID, 0x07) + isend(2, 0x07, 0x63, imode(0)) +
      isend(4, 0, 0x64, imode(0, sh=SH_SELF)) + isend(4, 0, 0x05, imode(0, sh=SH_SELF)) +
      iinta(1) + iinta(3) + iinta(4))
write("icr", "nmi-smi-disabled", [0x09] + ibase(2) + isend(0, 0, 0, imode(4, sh=SH_ALL)) +
      isend(0, 0, 0, imode(2, sh=SH_OTHERS)) + inmi(0) + inmi(1) + inmi(2) + ibase(2) +
      iw(1, IR_SVR_ON - 8, 0xff) + isend(0, 1, 0x70, imode(0)) + isend(0, 1, 0, imode(4)) +
      inmi(1) + iaccept(1, 0x71) + iroute(0, 0x000c0700, 0) + iroute(1, 0x00000003, 0xff) +
      isend(1, 0, 0, imode(5, sh=SH_SELF)) + iinit(1) + inmi(1))
# ---- fuzz_multiboot: mem, how, errlen, cmdline len, modules (u16 size, strlen), [plant], file ----
MB_MAGIC = 0x1BADB002
def mb_header(flags, addrs=()):
    return u32(MB_MAGIC) + u32(flags) + u32(-(MB_MAGIC + flags)) + b"".join(u32(a) for a in addrs)

def mb_elf(entry, segs, flags=0, hdr_off=0x400, size=0x2000):
    """ELF32 i386 executable; segs are (offset, vaddr, paddr, filesz, memsz) PT_LOADs."""
    f = bytearray(size)
    f[0:52] = (b"\x7fELF" + bytes([1, 1, 1]) + bytes(9) + u16(2) + u16(3) + u32(1) + u32(entry) +
               u32(52) + u32(0) + u32(0) + u16(52) + u16(32) + u16(len(segs)) + u16(40) + u16(0) + u16(0))
    for i, (off, va, pa, fs, ms) in enumerate(segs):
        f[52 + 32 * i:84 + 32 * i] = u32(1) + u32(off) + u32(va) + u32(pa) + u32(fs) + u32(ms) + u32(5) + u32(4096)
    f[hdr_off:hdr_off + 12] = mb_header(flags)
    for i in range(0x1000, size):
        f[i] = (i * 7) & 0xff
    return bytes(f)

def mb_aout(hdr_off, ha, la, le, be, en, size=0x3000):
    f = bytearray((i * 13) & 0xff for i in range(size))
    f[hdr_off:hdr_off + 32] = mb_header(0x10003, (ha, la, le, be, en))
    return bytes(f)

def mb(mem, how, errlen, cmd, mods, file, plant=None):
    return (bytes([mem, how, errlen, cmd]) + b"".join(u16(sz) + bytes([sl]) for sz, sl in mods) +
            (u16(plant[0]) + u32(plant[1]) if plant else b"") + file)

write("multiboot", "elf-bss", mb(3, 1 | 2 << 2, 255, 20, [(5, 7), (5000, 0xff)],
      mb_elf(0x100010, [(0x1000, 0x100000, 0x100000, 0x100, 0x100), (0x1100, 0x102000, 0x102000, 0x80, 0x1000)], 3)))
write("multiboot", "elf-high-half", mb(0, 0, 100, 0xff, [],
      mb_elf(0xc0100020, [(0x1000, 0xc0100000, 0x100000, 0x800, 0x4000)])))
write("multiboot", "elf-low", mb(4, 1 << 2, 64, 3, [(0x8010, 1)],
      mb_elf(0x8000, [(0x1000, 0x8000, 0x8000, 0x400, 0x800), (0x1400, 0x9e000, 0x9e000, 0x100, 0x1c00)])))
write("multiboot", "elf-fills-ram", mb(1, 3 << 2, 200, 40, [(0x8400, 2), (1, 0), (0, 0xff)],
      mb_elf(0x100000, [(0x1000, 0x100000, 0x100000, 0x10, 0xf0000)])))
write("multiboot", "aout-bss", mb(2, 1 << 2, 255, 10, [(0x1234, 4)],
      mb_aout(0x40, 0x100040, 0x100000, 0, 0x108000, 0x100080)))
write("multiboot", "aout-offset", mb(3, 0, 50, 0, [],
      mb_aout(0x1040, 0x200040, 0x200000, 0x200800, 0, 0x200100)))
write("multiboot", "planted", mb(3, 3, 80, 0, [], mb_aout(0x40, 0x100040, 0x100000, 0, 0, 0x100000),
      plant=(0x40, 0x10000)))
# found while writing the loader: a BSS-only segment's p_offset past the file's end
write("multiboot", "regress-bss-offset", mb(3, 1, 100, 0, [],
      mb_elf(0x100000, [(0x1000, 0x100000, 0x100000, 0x100, 0x100), (0xffffff00, 0x200000, 0x200000, 0, 0x3000)])))
print("seeds written under", OUT)
