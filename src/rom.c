/*
 * rom.c - the guest image is a PC firmware ROM.
 *
 * A PC starts executing at physical address 0xFFFFFFF0, 16 bytes below 4 GiB,
 * so firmware is mapped to end exactly at 4 GiB.  For the sake of 1981's
 * 8088, which could only address 1 MiB, the chipset also shows the top of the
 * ROM just below 1 MiB (0xE0000-0xFFFFF); a real-mode BIOS runs from there
 * after its first far jump.  QEMU's -bios does the same, which is why a
 * tinyvmm guest image also boots under QEMU.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rom.h"

const char *rom_size_problem(uint64_t size)
{
	if (size == 0)
		return "the image is empty";
	if (size % ROM_GRANULE)
		return "the image size is not a multiple of 64 KiB (a ROM is made of whole 64 KiB blocks; pad it)";
	if (size > ROM_MAX_SIZE)
		return "the image is larger than 16 MiB (it must fit in 0xFF000000-0xFFFFFFFF)";
	return NULL;
}

int rom_load(const char *path, uint8_t **rom, size_t *size, char *err, size_t errlen)
{
	struct stat st;
	const char *problem;
	uint8_t *buf;
	size_t done = 0;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "cannot open guest image '%s': %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "guest image '%s' is not a regular file", path);
		close(fd);
		return -1;
	}
	problem = rom_size_problem((uint64_t)st.st_size);
	if (problem) {
		snprintf(err, errlen, "bad guest image '%s': %s (size %lld bytes)",
			 path, problem, (long long)st.st_size);
		close(fd);
		return -1;
	}
	buf = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED) {
		snprintf(err, errlen, "cannot allocate %lld bytes for the ROM: %s",
			 (long long)st.st_size, strerror(errno));
		close(fd);
		return -1;
	}
	while (done < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + done, (size_t)st.st_size - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			snprintf(err, errlen, "cannot read guest image '%s': %s", path,
				 n < 0 ? strerror(errno) : "file shrank while reading");
			munmap(buf, (size_t)st.st_size);
			close(fd);
			return -1;
		}
		done += (size_t)n;
	}
	close(fd);
	*rom = buf;
	*size = (size_t)st.st_size;
	return 0;
}

void rom_free(uint8_t *rom, size_t size)
{
	if (rom)
		munmap(rom, size);
}
