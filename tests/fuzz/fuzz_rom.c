/*
 * fuzz_rom.c - libFuzzer target for the ROM image checks (src/rom.c).
 *
 * Input:
 *   bytes 0-7   a raw 64-bit size for rom_size_problem()
 *   byte 8      what rom_load() opens: % 8 == 6 a path that does not exist,
 *               == 7 a directory, else an in-memory file (memfd_create)
 *   byte 9      its size in 64 KiB blocks: b < 0xf8 ? b & 7 : 252 + (b - 0xf8)
 *               (so 16 MiB = 256 blocks and its neighbours come up)
 *   byte 10     size adjustment: % 4 == 0 none, 1 +1, 2 -1, 3 the next two
 *               bytes as a signed 16-bit delta
 *   byte 11     errlen for rom_load()'s message buffer: byte * 2 (0..510)
 *   the rest    the file's first bytes (the remainder is zeros)
 *
 * Invariants:
 *   - rom_size_problem(n) is NULL exactly when n is a non-zero multiple of
 *     64 KiB and at most 16 MiB, otherwise a non-empty sentence;
 *   - rom_load() accepts a file exactly when rom_size_problem() accepts its
 *     size; then *size is the file size, the buffer is page-aligned and holds
 *     the file's bytes; when it fails it returns -1, leaves *rom and *size
 *     alone and writes a one-line, NUL-terminated message that fits errlen
 *     (ASan: the buffer is exactly errlen bytes).
 */
#define _GNU_SOURCE
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"
#include "rom.h"

static int memfd = -1;

static bool size_ok(uint64_t n)
{
	return n != 0 && n % ROM_GRANULE == 0 && n <= ROM_MAX_SIZE;
}

static void check_size_problem(uint64_t n)
{
	const char *p = rom_size_problem(n);

	CHECK((p == NULL) == size_ok(n));
	if (p)
		CHECK(p[0] != '\0');
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = { data, size };
	uint8_t kind, blocks, adj, *rom = (uint8_t *)1, *err;
	int64_t file_size;
	size_t rom_size = 12345, errlen, content_len;
	char path[64];
	int r;

	if (memfd < 0) {
		memfd = memfd_create("fuzz-rom", MFD_CLOEXEC);
		CHECK(memfd >= 0);
	}
	check_size_problem(fz_u64(&f));
	kind = fz_u8(&f) % 8;
	blocks = fz_u8(&f);
	file_size = (int64_t)(blocks < 0xf8 ? blocks & 7 : 252 + (blocks - 0xf8)) * ROM_GRANULE;
	adj = fz_u8(&f) % 4;
	if (adj == 1)
		file_size++;
	else if (adj == 2)
		file_size--;
	else if (adj == 3)
		file_size += (int16_t)fz_u16(&f);
	if (file_size < 0)
		file_size = 0;
	check_size_problem((uint64_t)file_size);
	errlen = (size_t)fz_u8(&f) * 2;
	err = malloc(errlen ? errlen : 1);

	content_len = f.n < (size_t)file_size ? f.n : (size_t)file_size;
	switch (kind) {
	case 6:
		snprintf(path, sizeof(path), "/nonexistent/tinyvmm-fuzz.rom");
		break;
	case 7:
		snprintf(path, sizeof(path), "/");
		break;
	default:
		CHECK(ftruncate(memfd, 0) == 0);
		CHECK(pwrite(memfd, f.p, content_len, 0) == (ssize_t)content_len);
		CHECK(ftruncate(memfd, file_size) == 0);
		snprintf(path, sizeof(path), "/proc/self/fd/%d", memfd);
		break;
	}

	r = rom_load(path, &rom, &rom_size, (char *)err, errlen);
	if (kind < 6 && size_ok((uint64_t)file_size)) {
		CHECK(r == 0);
		CHECK(rom_size == (size_t)file_size);
		CHECK(((uintptr_t)rom & 4095) == 0);
		CHECK(memcmp(rom, f.p, content_len) == 0);
		for (size_t i = content_len; i < rom_size && i < content_len + 4096; i++)
			CHECK(rom[i] == 0);
		CHECK(rom[rom_size - 1] == 0 || content_len == rom_size);
		rom_free(rom, rom_size);
	} else {
		CHECK(r == -1);
		CHECK(rom == (uint8_t *)1 && rom_size == 12345);
		if (errlen) {
			CHECK(memchr(err, '\0', errlen) != NULL);
			CHECK(strchr((char *)err, '\n') == NULL);
			if (errlen > 1)
				CHECK(err[0] != '\0');
		}
	}
	free(err);
	return 0;
}
