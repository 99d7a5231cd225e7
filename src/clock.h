/*
 * clock.h - where device models get the time from.
 *
 * Device models never call clock_gettime() themselves: they ask a struct clock.
 * tinyvmm passes the host's CLOCK_MONOTONIC; unit tests pass a fake clock whose
 * time only moves when the test says so, which makes timer tests deterministic.
 */
#ifndef TINYVMM_CLOCK_H
#define TINYVMM_CLOCK_H

#include <stdint.h>

struct clock {
	uint64_t (*now_ns)(struct clock *clk);
};

static inline uint64_t clock_now_ns(struct clock *clk)
{
	return clk->now_ns(clk);
}

/* The host's monotonic clock (clock.c). */
extern struct clock host_clock;

/* A clock for tests: now_ns returns 'ns', which the test advances by hand. */
struct fake_clock {
	struct clock clock;	/* must be first: the callback casts back */
	uint64_t ns;
};

static inline uint64_t fake_clock_now_ns(struct clock *clk)
{
	return ((struct fake_clock *)clk)->ns;
}

#define FAKE_CLOCK_INIT { .clock = { .now_ns = fake_clock_now_ns }, .ns = 0 }

#endif
