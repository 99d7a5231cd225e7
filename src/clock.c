/*
 * clock.c - the host clock, as device models see it (see clock.h).
 */
#include <time.h>

#include "clock.h"

static uint64_t host_now_ns(struct clock *clk)
{
	struct timespec ts;

	(void)clk;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

struct clock host_clock = { .now_ns = host_now_ns };
