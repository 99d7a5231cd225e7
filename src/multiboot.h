/*
 * multiboot.h - load a Multiboot v1 kernel (--kernel, --append, --initrd).
 *
 * Pure functions on buffers: no file I/O, no KVM.  The VMM reads the files,
 * calls mb_parse(), mb_load() and mb_write_info() on its guest RAM, then
 * starts the BSP in 32-bit protected mode at k.entry with EAX =
 * MB_BOOTLOADER_MAGIC and EBX = info_addr (spec section 3.2).
 * The specification: Multiboot 0.6.96,
 * https://www.gnu.org/software/grub/manual/multiboot/multiboot.html
 */
#ifndef TINYVMM_MULTIBOOT_H
#define TINYVMM_MULTIBOOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MB_MAX_SEGMENTS		16	/* PT_LOAD headers with a size (the a.out kludge: 1) */
#define MB_MAX_MODULES		16	/* --initrd files */

#define MB_HEADER_MAGIC		0x1BADB002u	/* 3.1: in the kernel's first 8 KiB */
#define MB_BOOTLOADER_MAGIC	0x2BADB002	/* 3.2: EAX at entry */
#define MB_SEARCH_LIMIT		8192	/* 3.1: the header lies wholly inside these bytes */

/* 3.1 header flags: bits 0-15 are requirements, 16-31 optional features. */
#define MB_FLAG_PAGE_ALIGN	(1u << 0)	/* modules on 4 KiB boundaries */
#define MB_FLAG_MEMORY_INFO	(1u << 1)	/* mem_lower/upper and the memory map */
#define MB_FLAG_VIDEO_MODE	(1u << 2)	/* a graphics mode: tinyvmm has no display */
#define MB_FLAG_AOUT_KLUDGE	(1u << 16)	/* load addresses from the header, not the ELF */

/* 3.3 multiboot_info flags tinyvmm sets. */
#define MB_INFO_MEMORY		(1u << 0)	/* mem_lower, mem_upper */
#define MB_INFO_CMDLINE		(1u << 2)	/* cmdline */
#define MB_INFO_MODS		(1u << 3)	/* mods_count, mods_addr */
#define MB_INFO_MMAP		(1u << 6)	/* mmap_length, mmap_addr */
#define MB_INFO_LOADER_NAME	(1u << 9)	/* boot_loader_name */

/* 3.3 byte offsets in multiboot_info (little-endian 32-bit fields). */
#define MB_INFO_FLAGS_OFF	0
#define MB_INFO_MEM_LOWER_OFF	4
#define MB_INFO_MEM_UPPER_OFF	8
#define MB_INFO_CMDLINE_OFF	16
#define MB_INFO_MODS_COUNT_OFF	20
#define MB_INFO_MODS_ADDR_OFF	24
#define MB_INFO_MMAP_LENGTH_OFF	44
#define MB_INFO_MMAP_ADDR_OFF	48
#define MB_INFO_LOADER_NAME_OFF	64
#define MB_INFO_SIZE		116	/* through the framebuffer fields, all zeroed */
#define MB_MODULE_ENTRY_SIZE	16	/* mod_start, mod_end, string, reserved */
#define MB_MMAP_ENTRY_SIZE	24	/* size (= 20, not counting itself), base, length, type */
#define MB_MMAP_AVAILABLE	1	/* type 1: RAM; any other value: reserved */
#define MB_MMAP_RESERVED	2

#define MB_LEGACY_HOLE		0xA0000u	/* VGA memory starts here (vm.h's VM_LOW_RAM_END) */
#define MB_PAGE_SIZE		4096u
#define MB_LOADER_NAME		"tinyvmm"

/* The guest's RAM as the loader may use it. */
struct mb_memory {
	uint64_t low_end;	/* usable [0, low_end): 0x9FC00 (EBDA/MP table above it) */
	uint64_t high_start;	/* usable [high_start, ram_size): 0x100000 */
	uint64_t ram_size;
};

struct mb_segment {
	uint64_t file_offset, file_size, paddr, mem_size;
	int index;		/* its ELF program header's number, for messages (a.out: 0) */
};

struct mb_kernel {
	uint32_t entry;		/* physical entry point */
	uint32_t header_flags;	/* the Multiboot header's flags */
	uint32_t header_offset;	/* where the header was found in the file */
	bool aout_kludge;	/* flags bit 16: addresses from the header, not ELF */
	int nsegments;
	struct mb_segment seg[MB_MAX_SEGMENTS];
	uint64_t end;		/* highest paddr + mem_size: info and modules go above */
};

struct mb_module {
	const uint8_t *data;
	size_t size;
	const char *string;	/* the module's command line; NULL: "" */
};

/*
 * Find and check the Multiboot header and the kernel's segments in the file.
 * 0, or -1 with one sentence (no newline, no "tinyvmm:" prefix) in err.
 */
int mb_parse(const uint8_t *file, size_t size, const struct mb_memory *mem,
	     struct mb_kernel *k, char *err, size_t errlen);

/* Copy the segments into ram (mem->ram_size bytes) and zero each BSS tail. */
void mb_load(const uint8_t *file, const struct mb_kernel *k, uint8_t *ram);

/*
 * Write the modules (page aligned, above k->end and above mem->high_start),
 * then the module list, the strings (cmdline NULL: ""), the memory map and
 * multiboot_info into ram, all below ram_size; *info_addr = the structure's
 * physical address (EBX).  0, or -1 with a sentence in err.  ram NULL: a
 * dry run, which only checks that everything fits (and sets *info_addr).
 */
int mb_write_info(uint8_t *ram, const struct mb_memory *mem, const struct mb_kernel *k,
		  const char *cmdline, const struct mb_module *mods, int nmods,
		  uint32_t *info_addr, char *err, size_t errlen);

#endif
