/*
 * test_fwcfg.c - the fw_cfg legacy I/O interface, as a guest sees it.
 *
 * Every expected value is written from QEMU's docs/specs/fw_cfg.rst and the
 * key list: the bytes 'Q' 'E' 'M' 'U', little-endian integers spelled out
 * byte by byte, zeros past the end.  The test only uses the two ports, as a
 * firmware would: outw to 0x510, inb from 0x511.
 */
#include "tap.h"
#include "devices/fwcfg.h"

static struct fwcfg f;

static void select_key(uint16_t key)	{ fwcfg_port_write(&f, 0x510, 2, key); }
static uint8_t inb_data(void)		{ return (uint8_t)fwcfg_port_read(&f, 0x511, 1); }

/* Select 'key', read n bytes, compare with 'want'; name the first mismatch. */
static void expect_bytes(uint16_t key, const uint8_t *want, unsigned n, const char *what)
{
	uint8_t got[16];
	unsigned i;

	select_key(key);
	for (i = 0; i < n; i++)
		got[i] = inb_data();
	for (i = 0; i < n && got[i] == want[i]; i++)
		;
	if (!ok(i == n, "%s", what))
		diag("byte %u: got 0x%02x, expected 0x%02x", i, got[i], want[i]);
}

static void test_signature(void)
{
	static const uint8_t qemu[] = { 0x51, 0x45, 0x4d, 0x55, 0, 0 };	/* "QEMU", then the end */

	fwcfg_init(&f, 16 << 20, 1, 1);
	/* power-up: key 0 selected, so a firmware that forgets outw still sees it */
	is(inb_data(), 'Q', "signature readable right after power-up");
	expect_bytes(0x0000, qemu, 6, "key 0: Q E M U, then zeros");
}

static void test_id(void)
{
	/* bit 0 (traditional interface) set, bit 1 (DMA) clear, LE u32 */
	static const uint8_t id[] = { 0x01, 0x00, 0x00, 0x00, 0x00 };

	fwcfg_init(&f, 16 << 20, 1, 1);
	expect_bytes(0x0001, id, 5, "key 1: 01 00 00 00 (traditional only, no DMA)");
}

static void test_ram_size(void)
{
	static const struct { uint64_t size; uint8_t le[9]; const char *what; } cases[] = {
		{ 2ull << 20,  { 0x00, 0x00, 0x20, 0, 0, 0, 0, 0, 0 }, "2 MiB = 00 00 20 00 ..." },
		{ 16ull << 20, { 0x00, 0x00, 0x00, 0x01, 0, 0, 0, 0, 0 }, "16 MiB = 00 00 00 01 ..." },
		{ 3ull << 30,  { 0x00, 0x00, 0x00, 0xc0, 0, 0, 0, 0, 0 }, "3 GiB = 00 00 00 c0 ..." },
		{ 0x123456789abcdef0ull,
		  { 0xf0, 0xde, 0xbc, 0x9a, 0x78, 0x56, 0x34, 0x12, 0 }, "all 8 bytes, low first" },
	};

	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		fwcfg_init(&f, cases[i].size, 1, 1);
		expect_bytes(0x0003, cases[i].le, 9, cases[i].what);
	}
}

static void test_cpus(void)
{
	static const uint8_t one[] = { 0x01, 0x00, 0x00 };
	static const uint8_t eight[] = { 0x08, 0x00, 0x00 };

	fwcfg_init(&f, 16 << 20, 1, 1);
	expect_bytes(0x0005, one, 3, "NB_CPUS 1: 01 00, then zero");
	expect_bytes(0x000f, one, 3, "MAX_CPUS 1: 01 00, then zero");
	fwcfg_init(&f, 16 << 20, 8, 8);
	expect_bytes(0x0005, eight, 3, "NB_CPUS 8: 08 00, then zero");
	expect_bytes(0x000f, eight, 3, "MAX_CPUS 8: 08 00, then zero");
	fwcfg_init(&f, 16 << 20, 2, 8);
	is(fwcfg_port_read(&f, 0x511, 1), 0x51, "init selects key 0 whatever the counts");
	select_key(0x0005);
	is(inb_data(), 2, "NB_CPUS and MAX_CPUS are separate items: 2 present ...");
	select_key(0x000f);
	is(inb_data(), 8, "... 8 at most");
}

static void test_past_end_and_reselect(void)
{
	int nonzero = 0;

	fwcfg_init(&f, 16 << 20, 1, 1);
	select_key(0x0000);
	for (int i = 0; i < 4; i++)
		inb_data();
	for (int i = 0; i < 1000; i++)
		nonzero += inb_data() != 0;
	is(nonzero, 0, "a thousand reads past the end: all 0");
	select_key(0x0000);
	is(inb_data(), 'Q', "reselecting the same key restarts at offset 0");
	is(inb_data(), 'E', "... and goes on from there");
	select_key(0x0001);
	is(inb_data(), 0x01, "selecting another key mid-item starts that one at 0");
	select_key(0x0000);
	is(inb_data(), 'Q', "and back to key 0 starts at 0 again");
}

static void test_unknown_and_odd_keys(void)
{
	static const uint8_t zeros[8] = { 0 };
	static const uint8_t qemu[] = { 'Q', 'E', 'M', 'U' };

	fwcfg_init(&f, 16 << 20, 4, 4);
	expect_bytes(0x0002, zeros, 8, "key 2 (UUID, not provided): zeros");
	expect_bytes(0x0019, zeros, 8, "key 0x19 (file directory, not provided): zeros");
	expect_bytes(0x3fff, zeros, 8, "key 0x3fff: zeros");
	expect_bytes(0x8000, zeros, 8, "key 0x8000 (arch-specific, none here): zeros");
	/* "Ranges": 0x4000-0x7fff are the generic items 0x0000-0x3fff in write mode */
	expect_bytes(0x4000, qemu, 4, "key 0x4000 names item 0: QEMU");
}

static void test_widths(void)
{
	fwcfg_init(&f, 16 << 20, 1, 1);
	select_key(0x0000);
	is(fwcfg_port_read(&f, 0x511, 2), 'Q' | 'E' << 8, "inw 0x511: two bytes, first in the low half");
	is(inb_data(), 'M', "... and the offset moved by two");
	select_key(0x0000);
	is(fwcfg_port_read(&f, 0x511, 4), 0x554d4551, "inl 0x511: all of QEMU");
	is(fwcfg_port_read(&f, 0x510, 1), 0xff, "inb 0x510: the selector is write-only");
	is(fwcfg_port_read(&f, 0x510, 2), 0xffff, "inw 0x510: the same");
	select_key(0x0001);
	fwcfg_port_write(&f, 0x510, 1, 0x00);
	is(inb_data(), 0x01, "outb 0x510 (half a key) selects nothing: still key 1");
	select_key(0x0000);
	inb_data();
	fwcfg_port_write(&f, 0x511, 1, 0xaa);
	is(inb_data(), 'E', "outb 0x511 is ignored and does not move the offset");
	fwcfg_port_write(&f, 0x510, 4, 0xabcd0000);
	is(inb_data(), 'Q', "outl 0x510: its low 16 bits select (key 0)");
}

int main(void)
{
	test_signature();
	test_id();
	test_ram_size();
	test_cpus();
	test_past_end_and_reselect();
	test_unknown_and_odd_keys();
	test_widths();
	return done_testing();
}
