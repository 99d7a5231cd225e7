/*
 * multiboot_priv.h - what multiboot.c and multiboot_info.c share.
 */
#ifndef TINYVMM_MULTIBOOT_PRIV_H
#define TINYVMM_MULTIBOOT_PRIV_H

#include <stddef.h>
#include <stdint.h>

/* Multiboot's fields are little-endian, and may sit at any byte in a file. */
static inline uint32_t mb_rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline void mb_wr32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static inline void mb_wr64(uint8_t *p, uint64_t v)
{
	mb_wr32(p, (uint32_t)v);
	mb_wr32(p + 4, (uint32_t)(v >> 32));
}

/* Write the sentence into err (if there is room) and return -1. */
int mb_fail(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* "128 MiB" (or "2052 KiB"), for messages. */
const char *mb_ram_text(uint64_t ram_size, char *buf, size_t len);

#endif
