/*
 * fuzz.h - shared helpers for the libFuzzer targets in tests/fuzz/.
 *
 * Every target reads its input as a stream of operations.  The reader never
 * fails: once the input is used up, every read returns 0 and fz_more() says
 * stop, so any byte string is a valid program.
 *
 * CHECK(cond) is the invariant check.  It traps (a crash libFuzzer records
 * with the input that caused it), in every build, NDEBUG or not.
 */
#ifndef TINYVMM_FUZZ_H
#define TINYVMM_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define CHECK(cond) do { if (!(cond)) fuzz_fail(__FILE__, __LINE__, #cond); } while (0)

__attribute__((noreturn, cold)) static inline void fuzz_fail(const char *file, int line, const char *what)
{
	fprintf(stderr, "%s:%d: invariant violated: %s\n", file, line, what);
	__builtin_trap();
}

struct fz {
	const uint8_t *p;
	size_t n;
};

static inline int fz_more(const struct fz *f) { return f->n > 0; }

static inline uint8_t fz_u8(struct fz *f)
{
	if (!f->n)
		return 0;
	f->n--;
	return *f->p++;
}

static inline uint16_t fz_u16(struct fz *f)
{
	uint16_t lo = fz_u8(f);

	return (uint16_t)(lo | fz_u8(f) << 8);
}

static inline uint32_t fz_u32(struct fz *f)
{
	uint32_t lo = fz_u16(f);

	return lo | (uint32_t)fz_u16(f) << 16;
}

static inline uint64_t fz_u64(struct fz *f)
{
	uint64_t lo = fz_u32(f);

	return lo | (uint64_t)fz_u32(f) << 32;
}

/* One element of a small table, chosen by the next byte. */
#define FZ_PICK(f, table) ((table)[fz_u8(f) % (sizeof(table) / sizeof((table)[0]))])

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
