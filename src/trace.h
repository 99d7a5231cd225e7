/*
 * trace.h - --trace: one line per step of an interrupt's journey, on stderr.
 *
 * Each line starts with the time since the VM started, so a reader can see
 * how long each step took: "t=12.345ms pit0: out rises -> irq0".  When
 * tracing is off the cost is one test of a boolean.
 */
#ifndef TINYVMM_TRACE_H
#define TINYVMM_TRACE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct trace {
	bool on;
	FILE *out;
	uint64_t start_ns;
};

void trace_init(struct trace *t, bool on, FILE *out);
/* The vCPU this thread runs, for the "cpu N: " prefix of its lines (-1: none; vcpu.c sets it with --cpus > 1). */
extern __thread int trace_cpu;
void trace_line(struct trace *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define TRACE(t, ...) do { if ((t)->on) trace_line((t), __VA_ARGS__); } while (0)

#endif
