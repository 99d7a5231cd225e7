/*
 * trace.c - the --trace event log (see trace.h).
 */
#include <stdarg.h>

#include "clock.h"
#include "trace.h"

/* chapter 10: with several vCPUs, each vCPU thread's lines say whose they are */
__thread int trace_cpu = -1;

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
	if (trace_cpu >= 0)
		fprintf(t->out, "t=%llu.%03llums cpu %d: %s\n", (unsigned long long)(ns / 1000000),
			(unsigned long long)(ns / 1000 % 1000), trace_cpu, line);
	else
		fprintf(t->out, "t=%llu.%03llums %s\n", (unsigned long long)(ns / 1000000),
			(unsigned long long)(ns / 1000 % 1000), line);
}
