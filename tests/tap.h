/*
 * tap.h - a tiny Test Anything Protocol emitter for tinyvmm's unit tests.
 *
 * automake's tap-driver.sh reads "ok N - name" / "not ok N - name" lines and
 * a plan "1..N".  We print the plan at the end (done_testing), which TAP allows.
 * Each check macro records the source line so a failure points at the test.
 */
#ifndef TINYVMM_TAP_H
#define TINYVMM_TAP_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <inttypes.h>

static int tap_count;
static int tap_failed;

static inline int tap_ok(int cond, const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#include <stdarg.h>
static inline int tap_ok(int cond, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	tap_count++;
	printf("%sok %d - ", cond ? "" : "not ", tap_count);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!cond) {
		tap_failed++;
		printf("#   failed at %s:%d\n", file, line);
	}
	fflush(stdout);
	return cond;
}

/* ok(cond, "name %d", args...) */
#define ok(cond, ...) tap_ok(!!(cond), __FILE__, __LINE__, __VA_ARGS__)

/* is(got, expected, "name"): integer comparison that prints both on failure. */
#define is(got, expected, ...) do {						\
	long long got_ = (long long)(got), exp_ = (long long)(expected);	\
	if (!tap_ok(got_ == exp_, __FILE__, __LINE__, __VA_ARGS__))		\
		printf("#   got 0x%llx (%lld), expected 0x%llx (%lld)\n",	\
		       got_, got_, exp_, exp_);					\
} while (0)

/* Print "# text" diagnostics that tap-driver.sh shows in the log. */
#define diag(...) do { printf("# "); printf(__VA_ARGS__); printf("\n"); } while (0)

static inline int done_testing(void)
{
	printf("1..%d\n", tap_count);
	return tap_failed ? 1 : 0;
}

#endif
