/*
 * bus.c - a small, linear table of address ranges.
 *
 * A PC has a handful of devices, so a linear scan of at most BUS_MAX_RANGES
 * entries is both the simplest and, in practice, the fastest lookup: the
 * cost of one exit to userspace (microseconds) dwarfs a few compares.
 * bench/exitcost measures that claim.
 */
#include <errno.h>
#include <string.h>

#include "bus.h"

void bus_init(struct bus *bus, const char *name)
{
	memset(bus, 0, sizeof(*bus));
	bus->name = name;
}

/* LAB 2: begin */
static bool overlaps(const struct bus_range *r, uint64_t base, uint64_t len)
{
	return base < r->base + r->len && r->base < base + len;
}
/* LAB 2: stub */
//@ /* a helper of your own may go here */
/* LAB 2: end */

int bus_add(struct bus *bus, uint64_t base, uint64_t len, const char *name,
	    bus_read_fn read, bus_write_fn write, void *opaque)
{
	/* LAB 2: begin */
	if (len == 0 || base + len < base)
		return -EINVAL;
	for (int i = 0; i < bus->count; i++)
		if (overlaps(&bus->range[i], base, len))
			return -EEXIST;
	if (bus->count == BUS_MAX_RANGES)
		return -ENOSPC;
	bus->range[bus->count++] = (struct bus_range){
		.base = base, .len = len, .name = name,
		.read = read, .write = write, .opaque = opaque,
	};
	return 0;
	/* LAB 2: stub */
	//@ /* check the range (bus.h says which errors), then append it to bus->range */
	//@ (void)bus; (void)base; (void)len; (void)name; (void)read; (void)write; (void)opaque;
	//@ return -ENOSYS;
	/* LAB 2: end */
}

const struct bus_range *bus_find(const struct bus *bus, uint64_t addr)
{
	/* LAB 2: begin */
	for (int i = 0; i < bus->count; i++) {
		const struct bus_range *r = &bus->range[i];

		if (addr - r->base < r->len)	/* unsigned: also false when addr < base */
			return r;
	}
	return NULL;
	/* LAB 2: stub */
	//@ (void)bus; (void)addr;
	//@ return NULL;
	/* LAB 2: end */
}

bool bus_read(const struct bus *bus, uint64_t addr, uint8_t *data, unsigned size)
{
	const struct bus_range *r = bus_find(bus, addr);

	/* LAB 2: begin */
	memset(data, 0xff, size);
	if (!r)
		return false;
	if (r->read)
		r->read(r->opaque, addr - r->base, data, size);
	return true;
	/* LAB 2: stub */
	//@ (void)r; (void)data; (void)size;
	//@ return false;
	/* LAB 2: end */
}

bool bus_write(const struct bus *bus, uint64_t addr, const uint8_t *data, unsigned size)
{
	const struct bus_range *r = bus_find(bus, addr);

	/* LAB 2: begin */
	if (!r)
		return false;
	if (r->write)
		r->write(r->opaque, addr - r->base, data, size);
	return true;
	/* LAB 2: stub */
	//@ (void)r; (void)data; (void)size;
	//@ return false;
	/* LAB 2: end */
}
