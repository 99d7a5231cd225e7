/*
 * fuzz_bus.c - libFuzzer target for the address-range bus (src/bus.c).
 *
 * Input: operations, one opcode byte each (op % 4) and its arguments.  An
 * address argument is a selector byte s and then:
 *   s % 4 == 0: 8 more bytes, a raw 64-bit address;
 *   s % 4 == 1: 2 more bytes, a 16-bit address (the port space);
 *   s % 4 == 2: a range index and a delta byte: base of range (i % count) + delta - 128;
 *   s % 4 == 3: a range index and a delta byte: end of range (i % count) + delta - 128.
 * A length is a selector byte l: l & 0x80 ? 8 raw bytes : (l & 0x7f) (0 included).
 *
 *   0 ADD   addr, length, flags	bus_add(); flags bit 0: no read handler,
 *					bit 1: no write handler
 *   1 FIND  addr			bus_find()
 *   2 READ  addr, size		bus_read() of size & 15 bytes (0..15)
 *   3 WRITE addr, size		bus_write(), data = the size bytes that follow
 *
 * A shadow list of the ranges claimed is kept.  After every operation:
 *   - bus_add() returns -EINVAL for an empty range or one that wraps past
 *     2^64, -EEXIST if it overlaps a claimed range, -ENOSPC when 32 are
 *     claimed, 0 otherwise, and the bus then holds exactly the shadow list;
 *   - claimed ranges are pairwise disjoint, count <= BUS_MAX_RANGES;
 *   - bus_find() returns NULL exactly when no shadow range contains the
 *     address, else the range that does;
 *   - bus_read()/bus_write() return whether a range claimed the address, call
 *     that range's handler (if any) once with offset = addr - base, the
 *     same size and its own opaque; an unclaimed read, or a claimed one with
 *     no handler, gives all 0xff; no access outside the size bytes.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "bus.h"
#include "fuzz.h"

struct shadow_range {
	uint64_t base, len;
	bool has_read, has_write;
};

static struct bus bus;
static struct shadow_range sr[BUS_MAX_RANGES];
static int nsr;

/* what the handlers saw */
static int calls;
static void *call_opaque;
static uint64_t call_offset;
static unsigned call_size;

/* each range's opaque is &tag[i]: the handler can tell which range it is */
static int tag[BUS_MAX_RANGES];

static void h_read(void *opaque, uint64_t offset, uint8_t *data, unsigned size)
{
	calls++;
	call_opaque = opaque;
	call_offset = offset;
	call_size = size;
	for (unsigned i = 0; i < size; i++)
		data[i] = (uint8_t)(offset + i);
}

static void h_write(void *opaque, uint64_t offset, const uint8_t *data, unsigned size)
{
	volatile uint8_t sink = 0;

	calls++;
	call_opaque = opaque;
	call_offset = offset;
	call_size = size;
	for (unsigned i = 0; i < size; i++)
		sink ^= data[i];		/* ASan checks every byte is in bounds */
	(void)sink;
}

static uint64_t get_addr(struct fz *f)
{
	uint8_t s = fz_u8(f), i, d;

	switch (s % 4) {
	case 0:
		return fz_u64(f);
	case 1:
		return fz_u16(f);
	default:
		i = fz_u8(f);
		d = fz_u8(f);
		if (!nsr)
			return (uint64_t)d;
		if (s % 4 == 2)
			return sr[i % nsr].base + d - 128;
		return sr[i % nsr].base + sr[i % nsr].len + d - 128;
	}
}

static uint64_t get_len(struct fz *f)
{
	uint8_t l = fz_u8(f);

	return (l & 0x80) ? fz_u64(f) : (l & 0x7f);
}

/* The shadow range holding addr, or -1. */
static int shadow_find(uint64_t addr)
{
	for (int i = 0; i < nsr; i++)
		if (addr >= sr[i].base && addr - sr[i].base < sr[i].len)
			return i;
	return -1;
}

static void check_state(void)
{
	CHECK(bus.count == nsr && bus.count <= BUS_MAX_RANGES);
	for (int i = 0; i < bus.count; i++) {
		const struct bus_range *r = &bus.range[i];

		CHECK(r->base == sr[i].base && r->len == sr[i].len);
		CHECK(r->len > 0 && r->base + r->len > r->base);
		CHECK(r->opaque == &tag[i]);
		for (int j = 0; j < i; j++) {
			const struct bus_range *q = &bus.range[j];

			CHECK(r->base >= q->base + q->len || q->base >= r->base + r->len);
		}
	}
}

static void op_add(uint64_t base, uint64_t len, uint8_t flags)
{
	int want = 0, r;

	if (len == 0 || base + len < base || base + len == 0)
		want = -EINVAL;		/* (a range ending exactly at 2^64 cannot be claimed) */
	else
		for (int i = 0; i < nsr; i++)
			if (base < sr[i].base + sr[i].len && sr[i].base < base + len)
				want = -EEXIST;
	if (!want && nsr == BUS_MAX_RANGES)
		want = -ENOSPC;
	r = bus_add(&bus, base, len, "fuzz", (flags & 1) ? NULL : h_read,
		    (flags & 2) ? NULL : h_write, &tag[nsr < BUS_MAX_RANGES ? nsr : 0]);
	CHECK(r == want);
	if (!r)
		sr[nsr++] = (struct shadow_range){ base, len, !(flags & 1), !(flags & 2) };
}

static void op_find(uint64_t addr)
{
	const struct bus_range *r = bus_find(&bus, addr);
	int i = shadow_find(addr);

	if (i < 0) {
		CHECK(r == NULL);
		return;
	}
	CHECK(r == &bus.range[i]);
	CHECK(addr >= r->base && addr - r->base < r->len);
}

static void op_read(uint64_t addr, unsigned size)
{
	uint8_t *data = malloc(size ? size : 1);	/* exactly size bytes for ASan */
	int i = shadow_find(addr);
	bool claimed;

	calls = 0;
	claimed = bus_read(&bus, addr, data, size);
	CHECK(claimed == (i >= 0));
	if (i >= 0 && sr[i].has_read) {
		CHECK(calls == 1 && call_opaque == &tag[i]);
		CHECK(call_offset == addr - sr[i].base && call_size == size);
		for (unsigned k = 0; k < size; k++)
			CHECK(data[k] == (uint8_t)(call_offset + k));
	} else {
		CHECK(calls == 0);
		for (unsigned k = 0; k < size; k++)
			CHECK(data[k] == 0xff);
	}
	free(data);
}

static void op_write(uint64_t addr, const uint8_t *bytes, unsigned size)
{
	uint8_t *data = malloc(size ? size : 1);
	int i = shadow_find(addr);
	bool claimed;

	memcpy(data, bytes, size);
	calls = 0;
	claimed = bus_write(&bus, addr, data, size);
	CHECK(claimed == (i >= 0));
	if (i >= 0 && sr[i].has_write) {
		CHECK(calls == 1 && call_opaque == &tag[i]);
		CHECK(call_offset == addr - sr[i].base && call_size == size);
	} else {
		CHECK(calls == 0);
	}
	free(data);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = { data, size };

	bus_init(&bus, "fuzz");
	nsr = 0;
	check_state();
	while (fz_more(&f)) {
		uint8_t op = fz_u8(&f) % 4, bytes[16];
		uint64_t addr, len;
		unsigned n;

		switch (op) {
		case 0:
			addr = get_addr(&f);
			len = get_len(&f);
			op_add(addr, len, fz_u8(&f));
			break;
		case 1:
			op_find(get_addr(&f));
			break;
		case 2:
			addr = get_addr(&f);
			op_read(addr, fz_u8(&f) & 15);
			break;
		case 3:
			addr = get_addr(&f);
			n = fz_u8(&f) & 15;
			for (unsigned k = 0; k < n; k++)
				bytes[k] = fz_u8(&f);
			op_write(addr, bytes, n);
			break;
		}
		check_state();
	}
	return 0;
}
