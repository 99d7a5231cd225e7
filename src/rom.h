/*
 * rom.h - load and check a guest ROM image (the "BIOS" tinyvmm boots).
 */
#ifndef TINYVMM_ROM_H
#define TINYVMM_ROM_H

#include <stddef.h>
#include <stdint.h>

#define ROM_GRANULE  (64 * 1024)		/* sizes are whole 64 KiB blocks */
#define ROM_MAX_SIZE (16 * 1024 * 1024)		/* 0xFF000000-0xFFFFFFFF */
#define ROM_ALIAS_MAX (128 * 1024)		/* visible below 1 MiB at 0xE0000 */

/* NULL if a ROM of this size is acceptable, else a sentence saying why not. */
const char *rom_size_problem(uint64_t size);

/*
 * Read the image at path into page-aligned memory (KVM maps whole pages).
 * On success *rom and *size are set and 0 is returned; free with rom_free().
 * On failure returns -1 and writes a one-line reason into err.
 */
int rom_load(const char *path, uint8_t **rom, size_t *size, char *err, size_t errlen);
void rom_free(uint8_t *rom, size_t size);

#endif
