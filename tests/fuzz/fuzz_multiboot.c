/*
 * fuzz_multiboot.c - libFuzzer target for the Multiboot v1 loader
 * (src/multiboot.c, src/multiboot_info.c).
 *
 * Input:
 *   byte 0      guest memory: % 4 picks RAM 2 MiB, 2 MiB + 4 KiB, 3 MiB or
 *               16 MiB; bit 2 picks low_end 0xa0000 instead of 0x9fc00
 *   byte 1      bit 0: give the first aligned magic in the first 8 KiB a
 *               valid checksum; bit 1: plant a header (u16 offset % 8180,
 *               u32 flags after the modules) before that; bits 2-3: module
 *               count (0-3)
 *   byte 2      errlen for mb_parse()/mb_write_info(): 0-255
 *   byte 3      the command line's length % 64; 0xff: NULL
 *   per module  u16 size (bit 15: times 64, up to 2 MiB), a string length
 *               byte as for the command line
 *   the rest    the kernel file (copied into a buffer of exactly its size)
 *
 * Invariants:
 *   - mb_parse() fails with -1 and a one-line NUL-terminated message inside
 *     errlen (non-empty when errlen > 1), or succeeds with 1-16 segments,
 *     each non-empty, file_size <= mem_size, its file bytes inside the file,
 *     wholly inside [0, low_end) or [high_start, ram_size), no two
 *     overlapping, k.end their highest end, the entry inside one of them,
 *     and a header the spec accepts (aligned, in the first 8 KiB, checksum,
 *     no required bit but 0 and 1);
 *   - mb_load() into a buffer of exactly ram_size bytes (ASan; one per
 *     size, kept from input to input) puts each
 *     segment's file bytes at paddr and zeros after them;
 *   - mb_write_info() succeeds whenever a generous estimate of what it
 *     writes fits above the kernel; then the info, module list, modules,
 *     strings and memory map lie in [max(end, high_start), ram_size), read
 *     back as section 3.3 says, and the kernel's bytes are unchanged.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "multiboot.h"

#define NMODS_MAX 3

static const uint64_t ram_sizes[] = { 2u << 20, (2u << 20) + 4096, 3u << 20, 16u << 20 };
/* Each guest RAM is allocated once, at exactly its size (ASan guards its ends):
 * a fresh 16 MiB per input would cost more than the loader. */
static uint8_t *rams[4];
static const uint8_t zeros[64 << 10];
static uint8_t pattern[2u << 20];	/* the modules' contents */

static uint32_t rd32(const uint8_t *p) { return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24; }
static uint64_t rd64(const uint8_t *p) { return rd32(p) | (uint64_t)rd32(p + 4) << 32; }
static void wr32(uint8_t *p, uint32_t v) { for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> 8 * i); }
static uint64_t page_up(uint64_t v) { return (v + 4095) & ~4095ull; }

static void check_message(const char *err, size_t errlen)
{
	if (!errlen)
		return;
	CHECK(memchr(err, '\0', errlen) != NULL);
	CHECK(strchr(err, '\n') == NULL);
	CHECK(errlen == 1 || err[0] != '\0');
}

/* A string of n letters, or NULL for n == 0xff (the input's choice). */
static char *make_string(uint8_t n)
{
	char *s;

	if (n == 0xff)
		return NULL;
	n %= 64;
	s = malloc(n + 1u);
	for (int i = 0; i < n; i++)
		s[i] = (char)('a' + i % 26);
	s[n] = '\0';
	return s;
}

static bool in_ram(const struct mb_memory *m, uint64_t start, uint64_t len)
{
	return start + len <= m->low_end || (start >= m->high_start && start + len <= m->ram_size);
}

static void check_kernel(const uint8_t *file, size_t size, const struct mb_memory *m,
			 const struct mb_kernel *k)
{
	uint64_t end = 0;
	bool entry_in = false;
	uint32_t off = k->header_offset;

	CHECK(off % 4 == 0 && off + 12 <= 8192 && off + 12 <= size);
	CHECK(rd32(file + off) == MB_HEADER_MAGIC && rd32(file + off + 4) == k->header_flags);
	CHECK((uint32_t)(MB_HEADER_MAGIC + k->header_flags + rd32(file + off + 8)) == 0);
	CHECK((k->header_flags & 0xfffc) == 0);
	CHECK(k->aout_kludge == !!(k->header_flags & MB_FLAG_AOUT_KLUDGE));
	CHECK(k->nsegments >= 1 && k->nsegments <= MB_MAX_SEGMENTS);
	for (int i = 0; i < k->nsegments; i++) {
		const struct mb_segment *s = &k->seg[i];

		CHECK(s->mem_size > 0 && s->file_size <= s->mem_size);
		CHECK(s->file_offset <= size && s->file_size <= size - s->file_offset);
		CHECK(in_ram(m, s->paddr, s->mem_size));
		for (int j = 0; j < i; j++)
			CHECK(s->paddr + s->mem_size <= k->seg[j].paddr ||
			      k->seg[j].paddr + k->seg[j].mem_size <= s->paddr);
		if (k->entry >= s->paddr && k->entry < s->paddr + s->mem_size)
			entry_in = true;
		if (s->paddr + s->mem_size > end)
			end = s->paddr + s->mem_size;
	}
	CHECK(entry_in);
	CHECK(k->end == end);
}

static void check_loaded(const uint8_t *file, const struct mb_kernel *k, const uint8_t *ram)
{
	for (int i = 0; i < k->nsegments; i++) {
		const struct mb_segment *s = &k->seg[i];

		CHECK(memcmp(ram + s->paddr, file + s->file_offset, s->file_size) == 0);
		for (uint64_t a = s->paddr + s->file_size, n; a < s->paddr + s->mem_size; a += n) {
			n = s->paddr + s->mem_size - a;
			n = n < sizeof(zeros) ? n : sizeof(zeros);
			CHECK(memcmp(ram + a, zeros, n) == 0);
		}
	}
}

/* A string at guest address a: NUL-terminated below 'top', equal to want (NULL: ""). */
static void check_string(const uint8_t *ram, uint64_t a, uint64_t top, const char *want)
{
	size_t n = want ? strlen(want) : 0;

	CHECK(a + n < top);
	CHECK(memcmp(ram + a, want ? want : "", n + 1) == 0);
}

static void check_info(const uint8_t *ram, const struct mb_memory *m, const struct mb_kernel *k,
		       uint32_t info_addr, const char *cmdline, const struct mb_module *mods, int nmods)
{
	uint64_t floor = k->end > m->high_start ? k->end : m->high_start, top = m->ram_size;
	const uint8_t *info = ram + info_addr, *e;
	uint32_t list, mmap, mlen;

	CHECK(info_addr >= floor && info_addr + 88 <= top && info_addr % 4 == 0);
	CHECK(rd32(info) == 0x24d);
	CHECK(rd32(info + 4) == m->low_end >> 10 && rd32(info + 8) == (m->ram_size - m->high_start) >> 10);
	check_string(ram, rd32(info + 16), top, cmdline);
	check_string(ram, rd32(info + 64), top, "tinyvmm");
	CHECK(rd32(info + 16) >= floor && rd32(info + 64) >= floor);
	CHECK(rd32(info + 20) == (uint32_t)nmods);
	list = rd32(info + 24);
	CHECK(list >= floor && list + 16ull * nmods <= top);
	for (int i = 0; i < nmods; i++) {
		e = ram + list + 16 * i;
		CHECK(rd32(e) % 4096 == 0 && rd32(e) >= floor);
		CHECK(rd32(e + 4) == rd32(e) + mods[i].size && rd32(e + 4) <= top);
		CHECK(i == 0 || rd32(e) >= rd32(e - 16 + 4));
		CHECK(memcmp(ram + rd32(e), mods[i].data, mods[i].size) == 0);
		check_string(ram, rd32(e + 8), top, mods[i].string);
		CHECK(rd32(e + 12) == 0);
	}
	mmap = rd32(info + 48);
	mlen = rd32(info + 44);
	CHECK(mmap >= floor && mmap + (uint64_t)mlen <= top && mlen >= 48);
	for (uint32_t o = 0; o < mlen; o += rd32(ram + mmap + o) + 4) {
		const uint8_t *me = ram + mmap + o;

		CHECK(rd32(me) == 20 && o + 24 <= mlen);
		CHECK(rd64(me + 4) + rd64(me + 12) <= m->ram_size);
		CHECK(rd32(me + 20) == 1 ? in_ram(m, rd64(me + 4), rd64(me + 12)) : rd32(me + 20) == 2);
	}
}

/* The input's header tricks (byte 1): plant a header, fix the first checksum. */
static void doctor(uint8_t *file, size_t size, uint8_t how, size_t plant_off, uint32_t plant_flags)
{
	if ((how & 2) && plant_off + 12 <= size) {
		wr32(file + plant_off, MB_HEADER_MAGIC);
		wr32(file + plant_off + 4, plant_flags);
	}
	if (how & 1)
		for (size_t off = 0; off + 12 <= size && off + 12 <= 8192; off += 4)
			if (rd32(file + off) == MB_HEADER_MAGIC) {
				wr32(file + off + 8, -(MB_HEADER_MAGIC + rd32(file + off + 4)));
				break;
			}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = { data, size };
	uint8_t memb = fz_u8(&f), how = fz_u8(&f);
	size_t errlen = fz_u8(&f);
	char *cmdline = make_string(fz_u8(&f)), *err = malloc(errlen ? errlen : 1);
	struct mb_memory m = { memb & 4 ? 0xa0000 : 0x9fc00, 0x100000, ram_sizes[memb % 4] };
	struct mb_module mods[NMODS_MAX];
	int nmods = (how >> 2) % 4;
	uint64_t need, floor;
	uint32_t info_addr = 0, plant_flags = 0;
	size_t plant_off = SIZE_MAX;
	struct mb_kernel k;
	uint8_t *file, *ram;

	if (!pattern[1])
		for (size_t j = 0; j < sizeof(pattern); j++)
			pattern[j] = (uint8_t)(j * 7 + 1);

	/* an upper bound of what mb_write_info() needs above the kernel: the command
	 * line, "tinyvmm", the module list, 3 mmap entries, the info, alignment */
	need = (cmdline ? strlen(cmdline) : 0) + 1 + 8 + 16 * NMODS_MAX + 8 + 72 + 8 + MB_INFO_SIZE;
	for (int i = 0; i < nmods; i++) {
		uint16_t v = fz_u16(&f);
		char *s = make_string(fz_u8(&f));

		mods[i].size = v & 0x8000 ? (v & 0x7fffu) * 64 : v;	/* < 2 MiB */
		/* ends where the array ends: ASan catches a read past the module */
		mods[i].data = pattern + sizeof(pattern) - mods[i].size;
		mods[i].string = s;
		need += page_up(mods[i].size) + (s ? strlen(s) : 0) + 1;
	}
	if (how & 2) {
		plant_off = (fz_u16(&f) % 8180) & ~3u;
		plant_flags = fz_u32(&f);
	}
	file = malloc(f.n ? f.n : 1);
	memcpy(file, f.p, f.n);
	doctor(file, f.n, how, plant_off, plant_flags);

	memset(err, 0, errlen ? errlen : 1);
	if (mb_parse(file, f.n, &m, &k, err, errlen) != 0) {
		check_message(err, errlen);
	} else {
		check_kernel(file, f.n, &m, &k);
		if (!rams[memb % 4])
			rams[memb % 4] = malloc(m.ram_size);
		ram = rams[memb % 4];
		mb_load(file, &k, ram);
		check_loaded(file, &k, ram);
		floor = page_up(k.end > m.high_start ? k.end : m.high_start);
		memset(err, 0, errlen ? errlen : 1);
		if (mb_write_info(ram, &m, &k, cmdline, mods, nmods, &info_addr, err, errlen) == 0) {
			check_info(ram, &m, &k, info_addr, cmdline, mods, nmods);
			check_loaded(file, &k, ram);
		} else {
			CHECK(floor + need > m.ram_size);
			check_message(err, errlen);
		}
	}
	for (int i = 0; i < nmods; i++)
		free((void *)mods[i].string);
	free(file);
	free(cmdline);
	free(err);
	return 0;
}
