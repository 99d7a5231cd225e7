/*
 * test_msi.c - unit tests for the x86 MSI decode (src/devices/msi.c).
 *
 * Expected values are written out from Intel SDM vol. 3A 11.11.1 (address:
 * 0xFEE in bits 31:20, destination ID 19:12, destination mode bit 2) and
 * 11.11.2 (data: vector 7:0, delivery mode 10:8, level 14, trigger 15),
 * not through msi.h's macros.  The last checks run the I/O APIC's encoder
 * (ioapic_entry_to_msi(), chapter 6) through the decoder: every field
 * comes back.
 */
#include "tap.h"
#include "devices/msi.h"

static void test_fields(void)
{
	struct ioapic_irq irq;

	ok(msi_decode(0xfee00000, 0x4070, &irq), "0xfee00000 is the local APICs' window");
	is(irq.vector, 0x70, "data 7:0 is the vector");
	is(irq.delivery_mode, 0, "data 10:8 = 0: fixed");
	ok(!irq.level, "data bit 15 clear: edge");
	is(irq.dest, 0, "address 19:12 = 0: APIC ID 0");
	ok(!irq.dest_logical, "address bit 2 clear: physical destination");
	is(irq.pin, 0xff, "no I/O APIC pin sent it");

	ok(msi_decode(0xfee0300c, 0x8123, &irq), "0xfee0300c: an APIC message");
	is(irq.dest, 0x03, "destination 0x03");
	ok(irq.dest_logical, "bit 2: logical destination");
	is(irq.vector, 0x23, "vector 0x23");
	is(irq.delivery_mode, 1, "delivery mode 1: lowest priority");
	ok(irq.level, "bit 15: level triggered");

	ok(msi_decode(0xfeeff000, 0x0400, &irq), "0xfeeff000: still the window");
	is(irq.dest, 0xff, "destination 0xff: broadcast");
	is(irq.delivery_mode, 4, "delivery mode 4: NMI");
	ok(msi_decode(0xfee00000, 0x0700, &irq) && irq.delivery_mode == 7, "delivery mode 7: ExtINT");
	ok(msi_decode(0xfee00000, 0xffff00f1, &irq) && irq.vector == 0xf1,
	   "bits above 15 of the data are not the message's");
}

static void test_not_apic(void)
{
	struct ioapic_irq irq = { .vector = 0x42 };

	ok(!msi_decode(0xfed00000, 0x4070, &irq), "0xfed00000: memory, not an interrupt");
	ok(!msi_decode(0xfef00000, 0x4070, &irq), "0xfef00000: just past the window");
	ok(!msi_decode(0x1fee00000ull, 0x4070, &irq), "an upper address dword: memory above 4 GiB");
	ok(!msi_decode(0, 0, &irq), "address 0 (an unprogrammed capability): memory");
	is(irq.vector, 0x42, "a memory write leaves the message untouched");
}

/* ioapic_entry_to_msi() then msi_decode(): the entry's fields survive. */
static void test_round_trip(void)
{
	static const uint64_t entries[] = {
		0x0000000000000030ull,		/* fixed, edge, physical 0 */
		0x0100000000008959ull,		/* lowest, level, logical 1 */
		0xff00000000000870ull,		/* fixed, edge, logical 0xff */
		0x0300000000000700ull,		/* ExtINT, physical 3 */
	};

	for (unsigned i = 0; i < sizeof(entries) / sizeof(entries[0]); i++) {
		uint64_t e = entries[i], address;
		uint32_t data;
		struct ioapic_irq irq;

		ioapic_entry_to_msi(e, &address, &data);
		ok(msi_decode(address, data, &irq), "entry %016llx: an APIC message", (unsigned long long)e);
		ok(irq.vector == (e & 0xff) && irq.delivery_mode == ((e >> 8) & 7) &&
		   irq.dest_logical == ((e >> 11) & 1) && irq.level == ((e >> 15) & 1) &&
		   irq.dest == (e >> 56),
		   "entry %016llx: vector, delivery mode, destination mode, trigger and destination survive",
		   (unsigned long long)e);
	}
}

int main(void)
{
	test_fields();
	test_not_apic();
	test_round_trip();
	return done_testing();
}
