/*
 * trace.c - the --trace event log (see trace.h).
 */
#include <stdarg.h>

#include "clock.h"
#include "trace.h"

void trace_init(struct trace *t, bool on, FILE *out)
{
	t->on = on;
	t->out = out;
	t->start_ns = clock_now_ns(&host_clock);
}

void trace_line(struct trace *t, const char *fmt, ...)
{
	uint64_t ns = clock_now_ns(&host_clock) - t->start_ns;
	va_list ap;

	/* one fprintf per line keeps lines from two threads from interleaving */
	char line[512];
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	fprintf(t->out, "t=%llu.%03llums %s\n", (unsigned long long)(ns / 1000000),
		(unsigned long long)(ns / 1000 % 1000), line);
}
