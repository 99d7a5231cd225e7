/*
 * multiboot.c - find, check and load a Multiboot v1 kernel.
 *
 * Multiboot is the boot protocol GRUB introduced in 1995 so that one boot
 * loader could start many kernels: the kernel carries a small header in its
 * first 8 KiB, the loader puts the kernel's segments at their physical
 * addresses and jumps to it in 32-bit protected mode with paging off, EAX =
 * 0x2BADB002 and EBX = the address of a structure describing memory, the
 * command line and any modules (an initrd).  QEMU's -kernel accepts such
 * kernels too, which is why test kernels and teaching OSes use it.
 * The specification, version 0.6.96, is at
 * https://www.gnu.org/software/grub/manual/multiboot/multiboot.html;
 * section numbers in the comments refer to it.
 *
 * Everything the file says is distrusted: every offset, size and address is
 * checked in 64-bit arithmetic before mb_load() may copy a byte, so loading
 * into a buffer of exactly ram_size bytes never writes outside it.  The boot
 * information is written by multiboot_info.c.
 */
#include <elf.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "multiboot.h"
#include "multiboot_priv.h"

/* 3.1 header layout: byte offsets from the magic. */
#define MB_HDR_FLAGS		4
#define MB_HDR_CHECKSUM		8
#define MB_HDR_MIN_SIZE		12	/* magic, flags, checksum */
#define MB_HDR_HEADER_ADDR	12	/* the address fields, valid with flags bit 16 */
#define MB_HDR_LOAD_ADDR	16
#define MB_HDR_LOAD_END_ADDR	20
#define MB_HDR_BSS_END_ADDR	24
#define MB_HDR_ENTRY_ADDR	28
#define MB_HDR_AOUT_SIZE	32

#define MB_REQUIRED_BITS	0x0000FFFFu	/* 3.1: a loader must refuse what it lacks */
#define MB_KNOWN_REQUIRED	(MB_FLAG_PAGE_ALIGN | MB_FLAG_MEMORY_INFO)

#define X86_64_HINT "the kernel is an x86-64 ELF: Multiboot v1 loads 32-bit ELF files; " \
	"link with -m elf_i386 or objcopy -O elf32-i386"

int mb_fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

const char *mb_ram_text(uint64_t ram_size, char *buf, size_t len)
{
	if (ram_size % (1u << 20) == 0)
		snprintf(buf, len, "%llu MiB", (unsigned long long)(ram_size >> 20));
	else
		snprintf(buf, len, "%llu KiB", (unsigned long long)(ram_size >> 10));
	return buf;
}

/*
 * 3.1: the header is 32-bit aligned and lies completely inside the first
 * 8192 bytes, so the last place its 12 bytes fit is offset 8180.  A magic
 * whose checksum fails is not a header (the bytes may be data that happens
 * to match); the search goes on, and only if nothing better turns up does
 * the error mention it, since it is most likely a header built wrong.
 */
static int find_header(const uint8_t *file, size_t size, struct mb_kernel *k,
		       char *err, size_t errlen)
{
	size_t limit = size < MB_SEARCH_LIMIT ? size : MB_SEARCH_LIMIT;
	long bad = -1;

	for (size_t off = 0; off + MB_HDR_MIN_SIZE <= limit; off += 4) {
		uint32_t flags = mb_rd32(file + off + MB_HDR_FLAGS);

		if (mb_rd32(file + off) != MB_HEADER_MAGIC)
			continue;
		if ((uint32_t)(MB_HEADER_MAGIC + flags + mb_rd32(file + off + MB_HDR_CHECKSUM)) == 0) {
			k->header_offset = (uint32_t)off;
			k->header_flags = flags;
			return 0;
		}
		if (bad < 0)
			bad = (long)off;
	}
	if (bad >= 0)
		return mb_fail(err, errlen, "the Multiboot header at offset 0x%lx has a bad checksum "
			       "(magic + flags + checksum must be 0 modulo 2^32)", bad);
	return mb_fail(err, errlen, "not a Multiboot kernel: no Multiboot header (magic 0x1badb002, "
		       "32-bit aligned) in its first 8 KiB");
}

/* 3.1 flags: bits 0-15 are requirements we must meet or refuse. */
static int check_flags(uint32_t flags, char *err, size_t errlen)
{
	uint32_t unknown = flags & MB_REQUIRED_BITS & ~MB_KNOWN_REQUIRED;

	/* bits 0 and 1 are met always: modules are page aligned, the memory is described */
	if (flags & MB_FLAG_VIDEO_MODE)
		return mb_fail(err, errlen, "the kernel requires a video mode (Multiboot header flags "
			       "bit 2), and tinyvmm has no display");
	if (unknown)
		return mb_fail(err, errlen, "the kernel requires a feature tinyvmm does not know "
			       "(Multiboot header flags bit %d)", __builtin_ctz(unknown));
	return 0;
}

/*
 * Usable RAM is [0, low_end) and [high_start, ram_size): a segment must lie
 * wholly inside one of them.  Between them are the MP table's KiB, VGA
 * memory and the BIOS ROM, which a write would corrupt or miss.
 */
static int check_placement(const struct mb_memory *mem, const char *what, uint64_t start,
			   uint64_t len, char *err, size_t errlen)
{
	/* LAB B: begin */
	uint64_t end = start + len;	/* both below 2^33: no overflow */
	char ram[32];

	if (end <= mem->low_end || (start >= mem->high_start && end <= mem->ram_size))
		return 0;
	if (start < mem->high_start)
		return mb_fail(err, errlen, "%s (0x%llx-0x%llx) overlaps the legacy hole 0x%llx-0x%llx "
			       "(VGA, ROM)", what, (unsigned long long)start,
			       (unsigned long long)end - 1, (unsigned long long)mem->low_end,
			       (unsigned long long)mem->high_start - 1);
	return mb_fail(err, errlen, "%s (0x%llx-0x%llx) ends at 0x%llx, past the end of RAM (%s); "
		       "try --mem", what, (unsigned long long)start, (unsigned long long)end - 1,
		       (unsigned long long)end, mb_ram_text(mem->ram_size, ram, sizeof(ram)));
	/* LAB B: stub */
	//@ /* refuse everything until you know where it may go: a wrong "yes" writes outside RAM */
	//@ return mb_fail(err, errlen, "%s: is it in usable RAM? (not written yet)", what);
	/* LAB B: end */
}

/*
 * 3.1 address fields (flags bit 16): the image is one block of the file,
 * loaded at load_addr, followed by zeroed BSS up to bss_end_addr.  The file
 * offset of load_addr follows from where the header sits in both:
 * header_offset - (header_addr - load_addr).
 */
static int parse_aout(const uint8_t *file, size_t size, const struct mb_memory *mem,
		      struct mb_kernel *k, char *err, size_t errlen)
{
	uint64_t off = k->header_offset, header_addr, load_addr, load_end, bss_end, entry, fofs, end;
	const uint8_t *h = file + off;

	if (off + MB_HDR_AOUT_SIZE > size || off + MB_HDR_AOUT_SIZE > MB_SEARCH_LIMIT)
		return mb_fail(err, errlen, "the Multiboot header at offset 0x%llx sets flags bit 16 "
			       "(a.out kludge), but its address fields run past %s",
			       (unsigned long long)off,
			       off + MB_HDR_AOUT_SIZE > size ? "the end of the file" : "the first 8 KiB");
	header_addr = mb_rd32(h + MB_HDR_HEADER_ADDR);
	load_addr = mb_rd32(h + MB_HDR_LOAD_ADDR);
	load_end = mb_rd32(h + MB_HDR_LOAD_END_ADDR);
	bss_end = mb_rd32(h + MB_HDR_BSS_END_ADDR);
	entry = mb_rd32(h + MB_HDR_ENTRY_ADDR);

	if (load_addr > header_addr)
		return mb_fail(err, errlen, "a.out kludge: load_addr 0x%llx is above header_addr 0x%llx "
			       "(the header must be part of the loaded image)",
			       (unsigned long long)load_addr, (unsigned long long)header_addr);
	if (header_addr - load_addr > off)
		return mb_fail(err, errlen, "a.out kludge: header_addr - load_addr (0x%llx) is larger "
			       "than the header's file offset 0x%llx, so the image would start before "
			       "the file", (unsigned long long)(header_addr - load_addr),
			       (unsigned long long)off);
	fofs = off - (header_addr - load_addr);
	if (load_end == 0)		/* 0: the rest of the file */
		load_end = load_addr + (size - fofs);
	else if (load_end < load_addr)
		return mb_fail(err, errlen, "a.out kludge: load_end_addr 0x%llx is below load_addr 0x%llx",
			       (unsigned long long)load_end, (unsigned long long)load_addr);
	if (fofs + (load_end - load_addr) > size)
		return mb_fail(err, errlen, "a.out kludge: loading 0x%llx-0x%llx needs file bytes up to "
			       "0x%llx, past the file's end (0x%zx bytes)", (unsigned long long)load_addr,
			       (unsigned long long)load_end - 1,
			       (unsigned long long)(fofs + load_end - load_addr - 1), size);
	end = load_end;
	if (bss_end) {			/* 0: no BSS */
		if (bss_end < load_end)
			return mb_fail(err, errlen, "a.out kludge: bss_end_addr 0x%llx is below the end "
				       "of the loaded data 0x%llx", (unsigned long long)bss_end,
				       (unsigned long long)load_end);
		end = bss_end;
	}
	if (end == load_addr)
		return mb_fail(err, errlen, "a.out kludge: the image is empty (load_end_addr = "
			       "load_addr, no BSS)");
	if (entry < load_addr || entry >= end)
		return mb_fail(err, errlen, "a.out kludge: entry_addr 0x%llx is outside the image "
			       "0x%llx-0x%llx", (unsigned long long)entry, (unsigned long long)load_addr,
			       (unsigned long long)end - 1);
	k->seg[0] = (struct mb_segment){ fofs, load_end - load_addr, load_addr, end - load_addr, 0 };
	k->nsegments = 1;
	k->entry = (uint32_t)entry;
	return check_placement(mem, "the a.out kludge's image", load_addr, end - load_addr, err, errlen);
}

/* The ELF header checks: a 32-bit little-endian x86 executable. */
static int check_ehdr(const uint8_t *file, size_t size, Elf32_Ehdr *eh, char *err, size_t errlen)
{
	if (size < SELFMAG || memcmp(file, ELFMAG, SELFMAG) != 0)
		return mb_fail(err, errlen, "the kernel is not an ELF file, and its Multiboot header "
			       "does not set flags bit 16 (a.out kludge) to give its load addresses");
	if (size > EI_CLASS && file[EI_CLASS] == ELFCLASS64)
		return mb_fail(err, errlen, X86_64_HINT);
	if (size < sizeof(*eh))
		return mb_fail(err, errlen, "the kernel's ELF header is cut short: the file has %zu "
			       "bytes, the header %zu", size, sizeof(*eh));
	memcpy(eh, file, sizeof(*eh));
	if (file[EI_CLASS] != ELFCLASS32)
		return mb_fail(err, errlen, "unknown ELF class %u", file[EI_CLASS]);
	if (file[EI_DATA] != ELFDATA2LSB)
		return mb_fail(err, errlen, "the kernel is not a little-endian ELF file (ELFDATA2LSB)");
	if (file[EI_VERSION] != EV_CURRENT || eh->e_version != EV_CURRENT)
		return mb_fail(err, errlen, "unknown ELF version %u (expected 1, EV_CURRENT)",
			       file[EI_VERSION] != EV_CURRENT ? file[EI_VERSION] : eh->e_version);
	if (eh->e_machine == EM_X86_64)
		return mb_fail(err, errlen, X86_64_HINT);
	if (eh->e_machine != EM_386)
		return mb_fail(err, errlen, "the kernel's ELF machine is %u, not EM_386 (3)", eh->e_machine);
	if (eh->e_type != ET_EXEC)
		return mb_fail(err, errlen, "the kernel's ELF type is %u, not ET_EXEC (2): Multiboot "
			       "loads linked executables", eh->e_type);
	if (eh->e_phentsize != sizeof(Elf32_Phdr))
		return mb_fail(err, errlen, "ELF e_phentsize is %u, not %zu", eh->e_phentsize,
			       sizeof(Elf32_Phdr));
	if ((uint64_t)eh->e_phoff + (uint64_t)eh->e_phnum * sizeof(Elf32_Phdr) > size)
		return mb_fail(err, errlen, "the ELF program headers (%u at offset 0x%x) run past the "
			       "file's end (0x%zx bytes)", eh->e_phnum, eh->e_phoff, size);
	return 0;
}

/* One PT_LOAD header: in the file, in RAM, room for it; 0 if stored or skipped. */
static int add_phdr(size_t size, const struct mb_memory *mem, int i,
		    const Elf32_Phdr *ph, struct mb_kernel *k, char *err, size_t errlen)
{
	/* LAB B: begin */
	char what[32];

	if (ph->p_filesz > ph->p_memsz)
		return mb_fail(err, errlen, "ELF segment %d: p_filesz 0x%x is larger than p_memsz 0x%x",
			       i, ph->p_filesz, ph->p_memsz);
	if (ph->p_filesz && (uint64_t)ph->p_offset + ph->p_filesz > size)
		return mb_fail(err, errlen, "ELF segment %d: file bytes 0x%x-0x%llx run past the file's "
			       "end (0x%zx bytes)", i, ph->p_offset,
			       (unsigned long long)ph->p_offset + ph->p_filesz - 1, size);
	if (ph->p_memsz == 0)		/* occupies nothing: nothing to place */
		return 0;
	if (k->nsegments == MB_MAX_SEGMENTS)
		return mb_fail(err, errlen, "the kernel has more than %d loadable ELF segments",
			       MB_MAX_SEGMENTS);
	snprintf(what, sizeof(what), "ELF segment %d", i);
	if (check_placement(mem, what, ph->p_paddr, ph->p_memsz, err, errlen))
		return -1;
	/* a BSS-only segment's p_offset means nothing: don't let file + offset leave the file */
	k->seg[k->nsegments++] = (struct mb_segment){ ph->p_filesz ? ph->p_offset : 0, ph->p_filesz,
						       ph->p_paddr, ph->p_memsz, i };
	return 0;
	/* LAB B: stub */
	//@ return 0;	/* skipped: nothing is stored in k->seg[] */
	/* LAB B: end */
}

/*
 * ELF (no bit 16): each PT_LOAD goes to its p_paddr.  e_entry is a virtual
 * address; a kernel linked to run high (vaddr 0xC0100000, paddr 0x100000)
 * starts with paging off, so it is translated through the segment that
 * holds it, as QEMU and GRUB do.
 */
static int parse_elf(const uint8_t *file, size_t size, const struct mb_memory *mem,
		     struct mb_kernel *k, char *err, size_t errlen)
{
	Elf32_Ehdr eh;
	bool found = false;

	if (check_ehdr(file, size, &eh, err, errlen))
		return -1;
	for (int i = 0; i < eh.e_phnum; i++) {
		Elf32_Phdr ph;

		memcpy(&ph, file + eh.e_phoff + (size_t)i * sizeof(ph), sizeof(ph));
		if (ph.p_type != PT_LOAD)
			continue;
		if (add_phdr(size, mem, i, &ph, k, err, errlen))
			return -1;
		/* LAB B: begin */
		if (!found && ph.p_memsz && eh.e_entry >= ph.p_vaddr &&
		    (uint64_t)eh.e_entry < (uint64_t)ph.p_vaddr + ph.p_memsz) {
			k->entry = ph.p_paddr + (eh.e_entry - ph.p_vaddr);
			found = true;
		}
		/* LAB B: stub */
		//@ /* does this segment hold e_entry? then k->entry, and found */
		/* LAB B: end */
	}
	if (k->nsegments == 0)
		return mb_fail(err, errlen, "the kernel has no loadable ELF segment (PT_LOAD)");
	if (!found)
		return mb_fail(err, errlen, "the ELF entry point 0x%x is in no loadable segment",
			       eh.e_entry);
	return 0;
}

/*
 * Two segments loaded over each other would lose one's bytes.  Also k->end:
 * the modules and the information go above it (multiboot_info.c).
 */
static int check_overlaps(struct mb_kernel *k, char *err, size_t errlen)
{
	/* LAB B: begin */
	for (int i = 0; i < k->nsegments; i++) {
		const struct mb_segment *a = &k->seg[i];

		for (int j = i + 1; j < k->nsegments; j++) {
			const struct mb_segment *b = &k->seg[j];

			if (a->paddr < b->paddr + b->mem_size && b->paddr < a->paddr + a->mem_size)
				return mb_fail(err, errlen, "ELF segments %d (0x%llx-0x%llx) and "
					       "%d (0x%llx-0x%llx) overlap", a->index,
					       (unsigned long long)a->paddr,
					       (unsigned long long)(a->paddr + a->mem_size - 1), b->index,
					       (unsigned long long)b->paddr,
					       (unsigned long long)(b->paddr + b->mem_size - 1));
		}
		if (a->paddr + a->mem_size > k->end)
			k->end = a->paddr + a->mem_size;
	}
	return 0;
	/* LAB B: stub */
	//@ return 0;	/* no overlap found, and k->end stays 0 */
	/* LAB B: end */
}

int mb_parse(const uint8_t *file, size_t size, const struct mb_memory *mem,
	     struct mb_kernel *k, char *err, size_t errlen)
{
	int r;

	memset(k, 0, sizeof(*k));
	if (mem->low_end > mem->high_start || mem->high_start > mem->ram_size ||
	    mem->ram_size > (1ull << 32))
		return mb_fail(err, errlen, "bad guest memory layout for a Multiboot kernel");
	if (find_header(file, size, k, err, errlen) || check_flags(k->header_flags, err, errlen))
		return -1;
	k->aout_kludge = k->header_flags & MB_FLAG_AOUT_KLUDGE;
	r = k->aout_kludge ? parse_aout(file, size, mem, k, err, errlen)
			   : parse_elf(file, size, mem, k, err, errlen);
	if (r || check_overlaps(k, err, errlen)) {
		k->nsegments = 0;	/* nothing for a careless mb_load() to copy */
		return -1;
	}
	return 0;
}

void mb_load(const uint8_t *file, const struct mb_kernel *k, uint8_t *ram)
{
	for (int i = 0; i < k->nsegments; i++) {
		const struct mb_segment *s = &k->seg[i];

		memcpy(ram + s->paddr, file + s->file_offset, s->file_size);
		memset(ram + s->paddr + s->file_size, 0, s->mem_size - s->file_size);
	}
}
