/*
 * test_bus.c - unit tests for the address-range bus (src/bus.c).
 *
 * A recording fake device remembers every access it gets, so each test can
 * check that the bus passed the right offset, size and data.
 */
#include <errno.h>

#include "tap.h"
#include "bus.h"

struct fake {
	int reads, writes;
	uint64_t last_offset;
	unsigned last_size;
	uint8_t last_data[8];
	uint8_t read_value[8];	/* what a read returns */
};

static void fake_read(void *opaque, uint64_t offset, uint8_t *data, unsigned size)
{
	struct fake *f = opaque;

	f->reads++;
	f->last_offset = offset;
	f->last_size = size;
	memcpy(data, f->read_value, size);
}

static void fake_write(void *opaque, uint64_t offset, const uint8_t *data, unsigned size)
{
	struct fake *f = opaque;

	f->writes++;
	f->last_offset = offset;
	f->last_size = size;
	memset(f->last_data, 0, sizeof(f->last_data));
	memcpy(f->last_data, data, size);
}

static void test_init(void)
{
	struct bus b;

	memset(&b, 0x5a, sizeof(b));
	bus_init(&b, "port");
	is(b.count, 0, "bus_init: empty");
	ok(strcmp(b.name, "port") == 0, "bus_init: name kept");
	ok(bus_find(&b, 0) == NULL, "bus_init: nothing found at 0");
}

static void test_add(void)
{
	struct bus b;
	struct fake f = { 0 };

	bus_init(&b, "port");
	is(bus_add(&b, 0x3f8, 8, "serial", fake_read, fake_write, &f), 0, "add 0x3f8+8");
	is(b.count, 1, "one range");

	/* overlaps: same range, inside, straddling either end, covering */
	is(bus_add(&b, 0x3f8, 8, "dup", NULL, NULL, NULL), -EEXIST, "same range -> -EEXIST");
	is(bus_add(&b, 0x3fa, 1, "in", NULL, NULL, NULL), -EEXIST, "inside -> -EEXIST");
	is(bus_add(&b, 0x3f0, 9, "lo", NULL, NULL, NULL), -EEXIST, "overlaps first byte -> -EEXIST");
	is(bus_add(&b, 0x3ff, 2, "hi", NULL, NULL, NULL), -EEXIST, "overlaps last byte -> -EEXIST");
	is(bus_add(&b, 0x300, 0x200, "cover", NULL, NULL, NULL), -EEXIST, "covers it -> -EEXIST");
	is(b.count, 1, "failed adds leave the bus unchanged");

	/* adjacent on both sides is fine */
	is(bus_add(&b, 0x3f0, 8, "below", NULL, NULL, NULL), 0, "adjacent below (0x3f0-0x3f7) OK");
	is(bus_add(&b, 0x400, 1, "above", NULL, NULL, NULL), 0, "adjacent above (0x400) OK");
	is(b.count, 3, "three ranges");

	/* invalid ranges */
	is(bus_add(&b, 0x1000, 0, "empty", NULL, NULL, NULL), -EINVAL, "len 0 -> -EINVAL");
	is(bus_add(&b, UINT64_MAX, 2, "wrap", NULL, NULL, NULL), -EINVAL, "wraps past 2^64 -> -EINVAL");
	is(bus_add(&b, 1, UINT64_MAX, "wrap2", NULL, NULL, NULL), -EINVAL, "1 + 2^64-1 wraps -> -EINVAL");
	is(bus_add(&b, UINT64_MAX - 1, 1, "top", NULL, NULL, NULL), 0,
	   "range ending exactly at 2^64-1 (exclusive) is OK");
	is(b.count, 4, "four ranges");
}

static void test_full(void)
{
	struct bus b;
	int r = 0;

	bus_init(&b, "mmio");
	for (int i = 0; i < BUS_MAX_RANGES && !r; i++)
		r = bus_add(&b, 0x1000 * (uint64_t)i, 0x1000, "x", NULL, NULL, NULL);
	is(r, 0, "%d ranges fit", BUS_MAX_RANGES);
	is(b.count, BUS_MAX_RANGES, "count is BUS_MAX_RANGES");
	is(bus_add(&b, 0x100000, 1, "one-too-many", NULL, NULL, NULL), -ENOSPC, "full -> -ENOSPC");
	is(bus_add(&b, 0x0, 1, "overlap", NULL, NULL, NULL), -EEXIST,
	   "full bus: an overlapping range still reports -EEXIST");
	is(b.count, BUS_MAX_RANGES, "count unchanged");
}

static void test_find(void)
{
	struct bus b;
	const struct bus_range *r;

	bus_init(&b, "port");
	bus_add(&b, 0x60, 1, "kbd", NULL, NULL, NULL);
	bus_add(&b, 0x3f8, 8, "serial", NULL, NULL, NULL);
	/* a range may not end exactly at 2^64: base + len must not wrap to 0 */
	is(bus_add(&b, 0xfffffffffffff000ull, 0x1000, "top", NULL, NULL, NULL), -EINVAL,
	   "range ending at 2^64 (base+len wraps to 0) -> -EINVAL");
	is(bus_add(&b, 0xffffffffffffe000ull, 0x1000, "top", NULL, NULL, NULL), 0,
	   "range ending at 2^64-4096 OK");

	r = bus_find(&b, 0x3f8);
	ok(r && strcmp(r->name, "serial") == 0, "find first byte 0x3f8 -> serial");
	r = bus_find(&b, 0x3ff);
	ok(r && strcmp(r->name, "serial") == 0, "find last byte 0x3ff -> serial");
	ok(bus_find(&b, 0x400) == NULL, "one past the end (0x400) -> NULL");
	ok(bus_find(&b, 0x3f7) == NULL, "one before the start (0x3f7) -> NULL");
	r = bus_find(&b, 0x60);
	ok(r && strcmp(r->name, "kbd") == 0, "find 1-byte range 0x60");
	ok(bus_find(&b, 0x61) == NULL, "0x61 -> NULL");
	ok(bus_find(&b, 0x5f) == NULL, "0x5f -> NULL");
	ok(bus_find(&b, 0) == NULL, "0 -> NULL (below every range)");
	r = bus_find(&b, 0xffffffffffffefffull);
	ok(r && strcmp(r->name, "top") == 0, "find last byte of the top range");
	ok(bus_find(&b, 0xfffffffffffff000ull) == NULL, "one past the top range -> NULL");
	ok(bus_find(&b, UINT64_MAX) == NULL, "2^64-1 -> NULL");
}

static void test_dispatch(void)
{
	struct bus b;
	struct fake f = { .read_value = { 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88 } };
	struct fake g = { .read_value = { 0xaa } };
	uint8_t data[8];
	const uint8_t w4[4] = { 0xde, 0xad, 0xbe, 0xef };
	const uint8_t w8[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };

	bus_init(&b, "mmio");
	bus_add(&b, 0xfee00000, 0x1000, "apic", fake_read, fake_write, &f);
	bus_add(&b, 0x80, 1, "post", fake_read, fake_write, &g);

	memset(data, 0, sizeof(data));
	ok(bus_read(&b, 0xfee00020, data, 4), "read 4 at 0xfee00020 is claimed");
	is(f.reads, 1, "device read once");
	is(f.last_offset, 0x20, "offset relative to base: 0x20");
	is(f.last_size, 4, "size 4");
	is(data[0], 0x11, "data[0] from device");
	is(data[3], 0x44, "data[3] from device");
	is(data[4], 0, "data beyond size untouched");
	is(g.reads, 0, "other device not called");

	ok(bus_write(&b, 0xfee00ffc, w4, 4), "write 4 at last dword is claimed");
	is(f.writes, 1, "device written once");
	is(f.last_offset, 0xffc, "write offset 0xffc");
	is(f.last_size, 4, "write size 4");
	ok(memcmp(f.last_data, w4, 4) == 0, "write data passed through");

	ok(bus_write(&b, 0xfee00000, w8, 8), "write 8 at base");
	is(f.last_offset, 0, "offset 0 at base");
	is(f.last_size, 8, "size 8");
	ok(memcmp(f.last_data, w8, 8) == 0, "8 data bytes passed through");

	memset(data, 0, sizeof(data));
	ok(bus_read(&b, 0x80, data, 1), "read port 0x80 claimed");
	is(g.reads, 1, "post device read once");
	is(g.last_offset, 0, "offset 0");
	is(g.last_size, 1, "size 1");
	is(data[0], 0xaa, "value from post device");
	is(f.reads, 1, "apic device not called for 0x80");
}

static void test_unclaimed(void)
{
	struct bus b;
	struct fake f = { 0 };
	uint8_t data[8];
	const uint8_t w[2] = { 1, 2 };

	bus_init(&b, "port");
	bus_add(&b, 0x70, 2, "rtc", fake_read, fake_write, &f);

	memset(data, 0, sizeof(data));
	ok(!bus_read(&b, 0x72, data, 4), "unclaimed read returns false");
	is(data[0], 0xff, "unclaimed read: byte 0 = 0xff");
	is(data[3], 0xff, "unclaimed read: byte 3 = 0xff");
	is(data[4], 0, "unclaimed read: bytes beyond size untouched");
	ok(!bus_write(&b, 0x6f, w, 2), "unclaimed write returns false");
	is(f.reads + f.writes, 0, "device never called");

	/* empty bus */
	bus_init(&b, "empty");
	memset(data, 0, sizeof(data));
	ok(!bus_read(&b, 0, data, 2), "empty bus: read false");
	/* both bytes all ones, and nothing past the access's 2 bytes touched */
	ok(data[0] == 0xff && data[1] == 0xff && data[2] == 0, "empty bus: reads as 0xffff, and only 2 bytes");
}

static void test_null_handlers(void)
{
	struct bus b;
	uint8_t data[8];
	const uint8_t w[1] = { 0x42 };

	bus_init(&b, "port");
	is(bus_add(&b, 0xf4, 4, "exit", NULL, NULL, NULL), 0, "add range with NULL handlers");

	memset(data, 0, sizeof(data));
	ok(bus_read(&b, 0xf5, data, 2), "NULL read handler: counts as claimed");
	is(data[0], 0xff, "NULL read handler: byte 0 reads 0xff");
	is(data[1], 0xff, "NULL read handler: byte 1 reads 0xff");
	is(data[2], 0, "NULL read handler: beyond size untouched");
	ok(bus_write(&b, 0xf7, w, 1), "NULL write handler: claimed, ignored");
}

int main(void)
{
	test_init();
	test_add();
	test_full();
	test_find();
	test_dispatch();
	test_unclaimed();
	test_null_handlers();
	return done_testing();
}
