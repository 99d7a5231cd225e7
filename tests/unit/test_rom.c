/*
 * test_rom.c - unit tests for loading and checking the guest ROM (src/rom.c).
 *
 * Every file the tests load is created in a private mkdtemp() directory and
 * removed at the end.
 */
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tap.h"
#include "rom.h"

static char dir[] = "/tmp/tinyvmm-test-rom-XXXXXX";

static void path_of(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%s", dir, name);
}

/* Create dir/name holding 'size' bytes; byte i is pattern(i).  Returns 0 on success. */
static int make_file(const char *name, size_t size)
{
	char path[PATH_MAX];
	uint8_t *buf = malloc(size ? size : 1);
	int fd, ret = 0;

	if (!buf)
		return -1;
	for (size_t i = 0; i < size; i++)
		buf[i] = (uint8_t)(i * 7 + (i >> 16));
	path_of(path, sizeof(path), name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || write(fd, buf, size) != (ssize_t)size)
		ret = -1;
	if (fd >= 0)
		close(fd);
	free(buf);
	return ret;
}

static void test_size_problem(void)
{
	const char *p;

	p = rom_size_problem(0);
	ok(p && strstr(p, "empty"), "size 0: the image is empty");
	p = rom_size_problem(1);
	ok(p && strstr(p, "64 KiB"), "size 1: not a multiple of 64 KiB");
	p = rom_size_problem(65535);
	ok(p && strstr(p, "64 KiB"), "size 65535: not a multiple of 64 KiB");
	ok(rom_size_problem(65536) == NULL, "size 64 KiB: fine");
	ok(rom_size_problem(3 * 65536) == NULL, "size 192 KiB (not a power of two): fine");
	ok(rom_size_problem(16u << 20) == NULL, "size 16 MiB: fine (the maximum)");
	p = rom_size_problem((16u << 20) + 65536);
	ok(p && strstr(p, "16 MiB"), "size 16 MiB + 64 KiB: too large");
	p = rom_size_problem(1ull << 40);
	ok(p && strstr(p, "16 MiB"), "size 1 TiB: too large");
	p = rom_size_problem((16u << 20) + 1);
	ok(p != NULL, "size 16 MiB + 1: rejected");
}

static void test_load_errors(void)
{
	char path[PATH_MAX], err[512];
	uint8_t *rom = (uint8_t *)0x1;
	size_t size = 12345;

	path_of(path, sizeof(path), "missing.bin");
	err[0] = 0;
	is(rom_load(path, &rom, &size, err, sizeof(err)), -1, "missing file: -1");
	ok(strstr(err, path) != NULL, "missing file: message names the path (%s)", err);
	ok(strstr(err, "No such file") != NULL, "missing file: message says 'No such file'");
	ok(strchr(err, '\n') == NULL, "missing file: one line, no newline");
	ok(rom == (uint8_t *)0x1 && size == 12345, "failure leaves *rom and *size alone");

	ok(make_file("empty.bin", 0) == 0, "created empty.bin");
	path_of(path, sizeof(path), "empty.bin");
	err[0] = 0;
	is(rom_load(path, &rom, &size, err, sizeof(err)), -1, "empty file: -1");
	ok(strstr(err, "empty") != NULL, "empty file: message says empty (%s)", err);
	ok(strstr(err, path) != NULL, "empty file: message names the path");

	ok(make_file("small.bin", 1000) == 0, "created small.bin (1000 bytes)");
	path_of(path, sizeof(path), "small.bin");
	err[0] = 0;
	is(rom_load(path, &rom, &size, err, sizeof(err)), -1, "1000-byte file: -1");
	ok(strstr(err, "64 KiB") != NULL, "1000-byte file: message mentions 64 KiB (%s)", err);
	ok(strstr(err, "1000") != NULL, "1000-byte file: message gives the size");

	path_of(path, sizeof(path), "subdir");
	ok(mkdir(path, 0700) == 0, "created a directory");
	err[0] = 0;
	is(rom_load(path, &rom, &size, err, sizeof(err)), -1, "directory: -1");
	ok(strstr(err, "not a regular file") != NULL, "directory: 'not a regular file' (%s)", err);
	rmdir(path);

	/* 17 MiB, sparse: no need to write the bytes */
	path_of(path, sizeof(path), "huge.bin");
	{
		int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

		ok(fd >= 0 && ftruncate(fd, 17 << 20) == 0, "created a sparse 17 MiB file");
		if (fd >= 0)
			close(fd);
	}
	err[0] = 0;
	is(rom_load(path, &rom, &size, err, sizeof(err)), -1, "17 MiB file: -1");
	ok(strstr(err, "16 MiB") != NULL, "17 MiB file: message says 16 MiB (%s)", err);

	/* a short error buffer truncates, never overflows */
	path_of(path, sizeof(path), "missing.bin");
	memset(err, 'x', sizeof(err));
	is(rom_load(path, &rom, &size, err, 8), -1, "short err buffer: -1");
	is(strlen(err), 7, "short err buffer: truncated to 7 chars + NUL");
	is(err[8], 'x', "short err buffer: nothing written past it");
}

static void test_load_ok(void)
{
	char path[PATH_MAX], err[512] = "";
	uint8_t *rom = NULL;
	size_t size = 0;
	size_t n = 128 * 1024;

	ok(make_file("good.bin", n) == 0, "created good.bin (128 KiB)");
	path_of(path, sizeof(path), "good.bin");
	is(rom_load(path, &rom, &size, err, sizeof(err)), 0, "128 KiB file loads (%s)", err);
	is(size, n, "size is 128 KiB");
	ok(rom != NULL, "rom pointer set");
	if (rom) {
		is(((uintptr_t)rom) & 4095, 0, "rom is page-aligned");
		is(rom[0], 0, "first byte");
		is(rom[1], 7, "second byte");
		is(rom[n - 1], (uint8_t)((n - 1) * 7 + ((n - 1) >> 16)), "last byte");
		is(rom[65536], (uint8_t)(65536 * 7 + 1), "byte at 64 KiB");
		rom[0] = 0xaa;	/* private, writable memory */
		is(rom[0], 0xaa, "ROM buffer is writable (private copy)");
	}
	rom_free(rom, size);
	rom_free(NULL, 0);
	ok(1, "rom_free(NULL, 0) is harmless");
}

static void cleanup(void)
{
	static const char *const names[] = { "empty.bin", "small.bin", "huge.bin", "good.bin" };
	char path[PATH_MAX];

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		path_of(path, sizeof(path), names[i]);
		unlink(path);
	}
	path_of(path, sizeof(path), "subdir");
	rmdir(path);
	ok(rmdir(dir) == 0, "temporary directory removed");
}

int main(void)
{
	if (!mkdtemp(dir)) {
		ok(0, "mkdtemp");
		return done_testing();
	}
	test_size_problem();
	test_load_errors();
	test_load_ok();
	cleanup();
	return done_testing();
}
