/*
 * bus.h - address-range dispatch for port I/O and MMIO exits.
 *
 * When the guest touches a port or an unmapped physical address, KVM stops and
 * tells tinyvmm the address, size and data.  A bus maps address ranges to the
 * device that owns them, like the address decoders on a real PC's ISA bus and
 * chipset.  tinyvmm has two: one for the 64 KiB port space, one for MMIO.
 */
#ifndef TINYVMM_BUS_H
#define TINYVMM_BUS_H

#include <stdbool.h>
#include <stdint.h>

#define BUS_MAX_RANGES 32

/*
 * A device's handlers.  'offset' is relative to the range's base, so a device
 * does not care where it was placed.  'size' is 1, 2, 4 or 8 bytes; data is
 * little-endian, as on x86.
 */
typedef void (*bus_read_fn)(void *opaque, uint64_t offset, uint8_t *data, unsigned size);
typedef void (*bus_write_fn)(void *opaque, uint64_t offset, const uint8_t *data, unsigned size);

struct bus_range {
	uint64_t base;
	uint64_t len;
	const char *name;
	bus_read_fn read;	/* NULL: reads return all ones, like an open bus */
	bus_write_fn write;	/* NULL: writes are ignored */
	void *opaque;
};

struct bus {
	const char *name;		/* "port" or "mmio", for messages */
	struct bus_range range[BUS_MAX_RANGES];
	int count;
};

void bus_init(struct bus *bus, const char *name);

/* Claim [base, base+len).  -EEXIST if it overlaps a claimed range, -ENOSPC if full. */
int bus_add(struct bus *bus, uint64_t base, uint64_t len, const char *name,
	    bus_read_fn read, bus_write_fn write, void *opaque);

/* The range containing addr, or NULL. */
const struct bus_range *bus_find(const struct bus *bus, uint64_t addr);

/*
 * Dispatch one access.  Return true if a device claimed it.  An unclaimed
 * read fills data with 0xff: on a PC, nobody driving the data lines reads
 * as all ones.
 */
bool bus_read(const struct bus *bus, uint64_t addr, uint8_t *data, unsigned size);
bool bus_write(const struct bus *bus, uint64_t addr, const uint8_t *data, unsigned size);

/*
 * For a device whose registers are at most 32 bits: an access's bytes as a
 * value (little-endian, bytes past the fourth dropped) and back (bytes
 * past the fourth read as zeros).
 */
static inline uint32_t bus_data_value(const uint8_t *data, unsigned size)
{
	uint32_t v = 0;

	for (unsigned i = 0; i < size && i < 4; i++)
		v |= (uint32_t)data[i] << (8 * i);
	return v;
}

static inline void bus_data_fill(uint8_t *data, unsigned size, uint32_t v)
{
	for (unsigned i = 0; i < size; i++)
		data[i] = i < 4 ? (uint8_t)(v >> (8 * i)) : 0;
}

#endif
