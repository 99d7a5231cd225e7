/*
 * test_multiboot.c - the Multiboot v1 loader (src/multiboot.c, multiboot_info.c).
 *
 * The images are built here in memory: an ELF32 header and program headers
 * from <elf.h>, or just a Multiboot header with the a.out kludge's address
 * fields.  The expected values come from the Multiboot 0.6.96 specification
 * (3.1 header, 3.3 boot information, read back byte by byte at the offsets
 * it gives) and from the guest memory map in src/vm.h and src/mptable.h:
 * RAM [0, 0x9fc00) and [0x100000, end).
 */
#include <elf.h>

#include "tap.h"
#include "multiboot.h"

#define RAM_SIZE	(16u << 20)
#define IMG_SIZE	(32u << 10)
#define HDR_OFF		0x400		/* the Multiboot header, after up to 30 program headers */
#define MAGIC		0x1BADB002u

static const struct mb_memory mem = { 0x9fc00, 0x100000, RAM_SIZE };
static uint8_t img[IMG_SIZE];
static uint8_t *ram;
static struct mb_kernel k;
static char err[256];

struct seg { uint32_t type, offset, vaddr, paddr, filesz, memsz; };

static uint32_t rd32(const uint8_t *p) { return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24; }
static uint64_t rd64(const uint8_t *p) { return rd32(p) | (uint64_t)rd32(p + 4) << 32; }
static void wr32(uint8_t *p, uint32_t v) { for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> 8 * i); }

/* 3.1: magic, flags, checksum such that the three add up to 0 mod 2^32. */
static void put_header(size_t off, uint32_t flags)
{
	wr32(img + off, MAGIC);
	wr32(img + off + 4, flags);
	wr32(img + off + 8, -(MAGIC + flags));
}

/* An ELF32 i386 executable with these program headers, file data byte i = i * 7. */
static void build_elf(uint32_t entry, const struct seg *s, int n, uint32_t flags)
{
	Elf32_Ehdr eh = {
		.e_ident = { ELFMAG0, ELFMAG1, ELFMAG2, ELFMAG3, ELFCLASS32, ELFDATA2LSB, EV_CURRENT },
		.e_type = ET_EXEC, .e_machine = EM_386, .e_version = EV_CURRENT, .e_entry = entry,
		.e_phoff = sizeof(Elf32_Ehdr), .e_ehsize = sizeof(Elf32_Ehdr),
		.e_phentsize = sizeof(Elf32_Phdr), .e_phnum = (uint16_t)n,
	};

	for (size_t i = 0; i < IMG_SIZE; i++)
		img[i] = (uint8_t)(i * 7);
	memcpy(img, &eh, sizeof(eh));
	for (int i = 0; i < n; i++) {
		Elf32_Phdr ph = { .p_type = s[i].type, .p_offset = s[i].offset, .p_vaddr = s[i].vaddr,
				  .p_paddr = s[i].paddr, .p_filesz = s[i].filesz, .p_memsz = s[i].memsz };

		memcpy(img + sizeof(eh) + i * sizeof(ph), &ph, sizeof(ph));
	}
	put_header(HDR_OFF, flags);
}

/* A text segment and a data segment with BSS, loaded where they are linked. */
static const struct seg good[] = {
	{ PT_LOAD, 0x1000, 0x100000, 0x100000, 0x100, 0x100 },
	{ PT_NOTE, 0x1100, 0, 0, 0x10, 0x10 },
	{ PT_LOAD, 0x1100, 0x102000, 0x102000, 0x80, 0x1000 },
};

static void elf_with(const struct seg *s, int n) { build_elf(0x100010, s, n, 0); }

/* The a.out kludge: header at off, then header_addr, load_addr, load_end, bss_end, entry. */
static void build_aout(size_t off, uint32_t ha, uint32_t la, uint32_t le, uint32_t be, uint32_t en)
{
	for (size_t i = 0; i < IMG_SIZE; i++)
		img[i] = (uint8_t)(i * 13);
	put_header(off, MB_FLAG_AOUT_KLUDGE | MB_FLAG_PAGE_ALIGN | MB_FLAG_MEMORY_INFO);
	wr32(img + off + 12, ha);
	wr32(img + off + 16, la);
	wr32(img + off + 20, le);
	wr32(img + off + 24, be);
	wr32(img + off + 28, en);
}

static int parse(size_t size) { return mb_parse(img, size, &mem, &k, err, sizeof(err)); }

/* A refusal: -1 and one non-empty line, which says 'want' if given. */
static void refused(size_t size, const char *want, const char *what)
{
	memset(err, 0, sizeof(err));
	is(parse(size), -1, "%s: refused", what);
	ok(err[0] && !strchr(err, '\n'), "%s: one-line message: %s", what, err);
	if (want && !ok(strstr(err, want) != NULL, "%s: the message says '%s'", what, want))
		diag("got: %s", err);
}

static void test_good_elf(void)
{
	elf_with(good, 3);
	is(parse(IMG_SIZE), 0, "good ELF: accepted");
	is(k.entry, 0x100010, "entry = e_entry (vaddr = paddr)");
	is(k.header_offset, HDR_OFF, "header offset");
	ok(!k.aout_kludge, "no a.out kludge");
	is(k.nsegments, 2, "two PT_LOAD segments (the PT_NOTE is not loaded)");
	is(k.seg[1].paddr, 0x102000, "second segment at its p_paddr");
	is(k.end, 0x103000, "end = highest p_paddr + p_memsz");

	memset(ram, 0xaa, RAM_SIZE);
	mb_load(img, &k, ram);
	ok(!memcmp(ram + 0x100000, img + 0x1000, 0x100), "text copied at p_paddr");
	ok(!memcmp(ram + 0x102000, img + 0x1100, 0x80), "data copied at p_paddr");
	is(ram[0x102080], 0, "BSS: first byte zeroed");
	is(ram[0x102fff], 0, "BSS: last byte zeroed");
	is(ram[0x103000], 0xaa, "the byte after the BSS untouched");
	is(ram[0x0fffff], 0xaa, "the byte before the text untouched");

	elf_with(good, 3);
	put_header(HDR_OFF, MB_FLAG_PAGE_ALIGN | MB_FLAG_MEMORY_INFO | (1u << 20));
	is(parse(IMG_SIZE), 0, "flags bits 0, 1 (honoured) and 20 (optional, unknown) accepted");
}

static void test_high_half(void)
{
	static const struct seg s[] = { { PT_LOAD, 0x1000, 0xc0100000, 0x100000, 0x200, 0x200 } };

	build_elf(0xc0100020, s, 1, 0);
	is(parse(IMG_SIZE), 0, "vaddr 0xc0100000 at paddr 0x100000: accepted");
	is(k.entry, 0x100020, "entry 0xc0100020 translated to physical 0x100020");
	is(k.seg[0].paddr, 0x100000, "loaded at p_paddr, not p_vaddr");
}

static void test_good_aout(void)
{
	/* header at file offset 0x40 = address 0x100040; the rest of the file is loaded */
	build_aout(0x40, 0x100040, 0x100000, 0, 0x10a000, 0x100080);
	is(parse(IMG_SIZE), 0, "a.out kludge, load_end_addr 0: accepted");
	ok(k.aout_kludge, "a.out kludge flagged");
	is(k.entry, 0x100080, "entry = entry_addr");
	is(k.nsegments, 1, "one segment");
	is(k.seg[0].file_offset, 0, "loaded from file offset 0x40 - (0x100040 - 0x100000)");
	is(k.seg[0].file_size, IMG_SIZE, "load_end_addr 0: to the end of the file");
	is(k.seg[0].mem_size, 0xa000, "up to bss_end_addr");
	is(k.end, 0x10a000, "end = bss_end_addr");
	memset(ram, 0xaa, RAM_SIZE);
	mb_load(img, &k, ram);
	ok(!memcmp(ram + 0x100000, img, IMG_SIZE), "the file copied at load_addr");
	ok(ram[0x100000 + IMG_SIZE] == 0 && ram[0x109fff] == 0, "BSS zeroed up to bss_end_addr");
	is(ram[0x10a000], 0xaa, "nothing written at bss_end_addr");

	/* header at 0x1040 = 0x200040: image starts at file offset 0x1000, 0x800 bytes, no BSS */
	build_aout(0x1040, 0x200040, 0x200000, 0x200800, 0, 0x200100);
	is(parse(IMG_SIZE), 0, "a.out kludge with load_end_addr, no BSS: accepted");
	is(k.seg[0].file_offset, 0x1000, "file offset 0x1040 - (0x200040 - 0x200000)");
	ok(k.seg[0].file_size == 0x800 && k.seg[0].mem_size == 0x800, "0x800 bytes, no BSS");
}

static void test_header(void)
{
	elf_with(good, 3);
	memset(img + HDR_OFF, 0, 12);
	put_header(8180, 0);
	is(parse(IMG_SIZE), 0, "header at 8180: found (its 12 bytes end at 8192)");
	is(k.header_offset, 8180, "header offset 8180");
	memset(img + 8180, 0, 12);
	put_header(8188, 0);
	refused(IMG_SIZE, "no Multiboot header", "header at 8188 (crosses 8192)");
	memset(img + 8188, 0, 12);
	put_header(8192, 0);
	refused(IMG_SIZE, "no Multiboot header", "header at 8192");
	memset(img + 8192, 0, 12);
	put_header(HDR_OFF + 2, 0);
	refused(IMG_SIZE, "no Multiboot header", "header at a misaligned offset");
	elf_with(good, 3);
	wr32(img + HDR_OFF + 8, rd32(img + HDR_OFF + 8) + 1);
	refused(IMG_SIZE, "checksum", "bad checksum");
	refused(0, "no Multiboot header", "empty file");
	elf_with(good, 3);
	refused(HDR_OFF + 11, "no Multiboot header", "file ends inside the header");

	elf_with(good, 3);
	put_header(HDR_OFF, MB_FLAG_VIDEO_MODE);
	refused(IMG_SIZE, "no display", "video mode (bit 2)");
	put_header(HDR_OFF, 1u << 5);
	refused(IMG_SIZE, "bit 5", "unknown required bit 5");
	put_header(HDR_OFF, 1u << 15);
	refused(IMG_SIZE, "bit 15", "unknown required bit 15");
}

static void test_elf_header(void)
{
	static const struct { size_t off; uint8_t val; const char *want, *what; } patch[] = {
		{ EI_CLASS, ELFCLASS64, "x86-64", "ELF64" },
		{ 18, EM_X86_64, "elf32-i386", "ELF32 for EM_X86_64" },	/* e_machine */
		{ 18, EM_ARM, "EM_386", "EM_ARM" },
		{ EI_DATA, ELFDATA2MSB, "little-endian", "big-endian ELF" },
		{ EI_VERSION, 2, "version", "ELF version 2" },
		{ 16, ET_DYN, "ET_EXEC", "ET_DYN" },				/* e_type */
		{ 42, 40, "e_phentsize", "program header size 40" },
		{ 0, 0x7e, "not an ELF", "no ELF magic, no a.out kludge" },
	};

	for (size_t i = 0; i < sizeof(patch) / sizeof(patch[0]); i++) {
		elf_with(good, 3);
		img[patch[i].off] = patch[i].val;
		refused(IMG_SIZE, patch[i].want, patch[i].what);
	}
	elf_with(good, 3);
	memmove(img + 20, img + HDR_OFF, 12);	/* the header moves into the ELF header */
	refused(40, "cut short", "file shorter than the ELF header");
	elf_with(good, 3);
	wr32(img + 28, IMG_SIZE - 64);	/* e_phoff: 3 headers need 96 bytes */
	refused(IMG_SIZE, "program headers", "program headers past the end");
	elf_with(good, 3);
	wr32(img + 28, 0xfffffff0);
	refused(IMG_SIZE, "program headers", "e_phoff near 4 GiB");
	elf_with(good, 0);
	refused(IMG_SIZE, "no loadable", "no program headers");
}

static void test_segments(void)
{
	/* the good kernel with one program header replaced */
	static const struct { int i; struct seg s; const char *want, *what; } one[] = {
		{ 0, { PT_LOAD, 0x1000, 0x100000, 0x100000, 0x101, 0x100 }, "p_filesz", "p_filesz > p_memsz" },
		{ 2, { PT_LOAD, IMG_SIZE - 0x40, 0x102000, 0x102000, 0x80, 0x1000 }, "past the file's end",
		  "segment data past the file's end" },
		{ 2, { PT_LOAD, 0x1100, 0x1000ff, 0x1000ff, 0x80, 0x1000 }, "overlap", "overlapping segments" },
		{ 2, { PT_LOAD, 0x1100, 0x102000, 0x102000, 0x80, 0xffffffff }, "past the end of RAM (16 MiB)",
		  "p_memsz 0xffffffff" },
		{ 2, { PT_LOAD, 0x1100, 0xfffff000, 0xfffff000, 0x80, 0x2000 }, "past the end of RAM",
		  "p_paddr + p_memsz past 4 GiB" },
		{ 0, { PT_LOAD, 0x1000, 0x9f000, 0x9f000, 0x100, 0x1000 }, "legacy hole 0x9fc00-0xfffff",
		  "segment 0x9f000-0x9ffff (the MP table's KiB)" },
		{ 0, { PT_LOAD, 0x1000, 0xf0000, 0xf0000, 0x100, 0x1000 }, "legacy hole", "segment in the BIOS ROM" },
		{ 0, { PT_LOAD, 0x1000, 0xff000, 0xff000, 0x100, 0x2000 }, "segment 0 (0xff000-0x100fff)",
		  "segment across 1 MiB (message names it)" },
		{ 0, { PT_LOAD, 0x1000, RAM_SIZE - 0x1000, RAM_SIZE - 0x1000, 0x100, 0x1001 }, "try --mem",
		  "segment one byte past RAM" },
	};
	struct seg s[17];

	for (size_t i = 0; i < sizeof(one) / sizeof(one[0]); i++) {
		memcpy(s, good, sizeof(good));
		s[one[i].i] = one[i].s;
		elf_with(s, 3);
		refused(IMG_SIZE, one[i].want, one[i].what);
	}
	memcpy(s, good, sizeof(good));
	s[1] = (struct seg){ PT_LOAD, 0, 0xa0000, 0xa0000, 0, 0 };
	elf_with(s, 3);
	is(parse(IMG_SIZE), 0, "zero-length PT_LOAD (in the hole): skipped");
	is(k.nsegments, 2, "... not counted");

	memcpy(s, good, sizeof(good));
	s[1] = (struct seg){ PT_LOAD, 0xffffff00, 0x200000, 0x200000, 0, 0x2000 };
	elf_with(s, 3);
	ok(parse(IMG_SIZE) == 0 && k.seg[1].file_size == 0, "BSS-only segment, p_offset past the file: accepted");
	memset(ram, 0xaa, RAM_SIZE);
	mb_load(img, &k, ram);
	ok(ram[0x200000] == 0 && ram[0x201fff] == 0 && ram[0x202000] == 0xaa, "... and zeroed");
	s[0].paddr = s[0].vaddr = 0x9ec00;
	s[0].memsz = 0x1000;
	build_elf(0x9ec00, s, 1, 0);
	is(parse(IMG_SIZE), 0, "segment ending exactly at 0x9fc00: accepted");
	s[0].paddr = s[0].vaddr = RAM_SIZE - 0x1000;
	build_elf(RAM_SIZE - 0x1000, s, 1, 0);
	is(parse(IMG_SIZE), 0, "segment ending exactly at the end of RAM: accepted");

	for (int i = 0; i < 17; i++)
		s[i] = (struct seg){ PT_LOAD, 0x1000, 0x100000 + i * 0x1000u, 0x100000 + i * 0x1000u, 0x10, 0x1000 };
	elf_with(s, 16);
	is(parse(IMG_SIZE), 0, "16 segments: accepted");
	elf_with(s, 17);
	refused(IMG_SIZE, "more than 16", "17 segments");
	build_elf(0x200000, good, 3, 0);
	refused(IMG_SIZE, "entry point 0x200000", "entry in no segment");
	build_elf(0x100100, good, 3, 0);
	refused(IMG_SIZE, "entry point", "entry just past the text segment");
}

static void test_bad_aout(void)
{
	static const struct { uint32_t ha, la, le, be, en; const char *want, *what; } bad[] = {
		{ 0x100040, 0x100041, 0, 0, 0x100080, "load_addr", "load_addr > header_addr" },
		{ 0x100040, 0xfffff, 0, 0, 0x100080, "before the file", "header_addr - load_addr > header offset" },
		{ 0x100040, 0x100000, 0xfffff, 0, 0x100080, "load_end_addr", "load_end_addr < load_addr" },
		{ 0x100040, 0x100000, 0x100000 + IMG_SIZE + 1, 0, 0x100080, "past the file's end",
		  "load range one byte past the file" },
		{ 0x100040, 0x100000, 0x100800, 0x1007ff, 0x100080, "bss_end_addr", "bss_end_addr < load_end_addr" },
		{ 0x100040, 0x100000, 0x100800, 0x101000, 0xfffff, "entry_addr", "entry below load_addr" },
		{ 0x100040, 0x100000, 0x100800, 0x101000, 0x101000, "entry_addr", "entry at bss_end_addr" },
		{ 0x100040, 0x100000, 0x100800, 0, 0x100800, "entry_addr", "entry at load_end_addr, no BSS" },
		{ 0x100040, 0x100000, 0x100000, 0, 0x100000, "empty", "load_end_addr = load_addr, no BSS" },
		{ 0xfffff040, 0xfffff000, 0, 0, 0xfffff100, "past the end of RAM", "image near 4 GiB" },
		{ 0x40, 0, 0, 0xffffffff, 0x100, "legacy hole", "BSS up to 4 GiB from 0" },
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		build_aout(0x40, bad[i].ha, bad[i].la, bad[i].le, bad[i].be, bad[i].en);
		refused(IMG_SIZE, bad[i].want, bad[i].what);
	}
	build_aout(0x40, 0x100040, 0x100000, 0, 0, 0x100040);
	refused(0x40 + 16, "the end of the file", "address fields past the file's end");
	build_aout(8176, 0x100000 + 8176, 0x100000, 0, 0, 0x100000);
	refused(IMG_SIZE, "the first 8 KiB", "address fields past the first 8 KiB");
}

/* 3.3, read back at the specification's offsets. */
static void test_info(void)
{
	static uint8_t big[5000];
	const struct mb_module mods[2] = { { (const uint8_t *)"hello", 5, "mod one" }, { big, sizeof(big), NULL } };
	uint32_t info_addr = 0, start[2];
	const uint8_t *info, *e, *m;

	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (uint8_t)(i * 3 + 1);
	elf_with(good, 3);
	is(parse(IMG_SIZE), 0, "info: kernel parsed");
	memset(ram, 0xaa, RAM_SIZE);
	is(mb_write_info(ram, &mem, &k, "console=ttyS0 debug", mods, 2, &info_addr, err, sizeof(err)), 0,
	   "info: written");
	ok(info_addr >= k.end && info_addr + 88 <= RAM_SIZE && info_addr % 4 == 0,
	   "info at 0x%x, above the kernel, in RAM, aligned", info_addr);
	info = ram + info_addr;
	is(rd32(info), 0x24d, "flags: bits 0, 2, 3, 6, 9");
	is(rd32(info + 4), 639, "mem_lower 639 KiB: free conventional memory, below the MP table's KiB (as QEMU 7.2)");
	is(rd32(info + 8), RAM_SIZE / 1024 - 1024, "mem_upper: KiB from 1 MiB to the end of RAM");
	ok(!rd32(info + 12) && !rd32(info + 28) && !rd32(info + 40) && !rd32(info + 52) &&
	   !rd32(info + 60) && !rd32(info + 68) && !rd32(info + 72) && !rd64(info + 80),
	   "boot_device, syms, drives, config, APM, VBE zero");
	ok(!strcmp((char *)ram + rd32(info + 16), "console=ttyS0 debug"), "cmdline");
	ok(!strcmp((char *)ram + rd32(info + 64), "tinyvmm"), "boot_loader_name");

	is(rd32(info + 20), 2, "mods_count 2");
	for (int i = 0; i < 2; i++) {
		e = ram + rd32(info + 24) + 16 * i;
		start[i] = rd32(e);
		ok(start[i] % 4096 == 0 && start[i] >= k.end, "module %d at 0x%x: page aligned, above the kernel",
		   i, start[i]);
		is(rd32(e + 4), start[i] + mods[i].size, "module %d: mod_end = start + size", i);
		ok(!memcmp(ram + start[i], mods[i].data, mods[i].size), "module %d: contents", i);
		ok(!strcmp((char *)ram + rd32(e + 8), i ? "" : "mod one"), "module %d: string", i);
		is(rd32(e + 12), 0, "module %d: reserved 0", i);
	}
	ok(start[1] >= start[0] + 5 && rd32(info + 24) >= start[1] + sizeof(big) && info_addr > start[1] + sizeof(big),
	   "modules in order, the list and info after them");

	static const uint64_t want[3][3] = {
		{ 0, 0x9fc00, 1 }, { 0x9fc00, 0x400, 2 }, { 0x100000, RAM_SIZE - 0x100000, 1 } };
	is(rd32(info + 44), 3 * 24, "mmap_length: 3 entries of 24 bytes");
	m = ram + rd32(info + 48);
	for (int i = 0; i < 3; i++) {
		ok(rd32(m) == 20 && rd64(m + 4) == want[i][0] && rd64(m + 12) == want[i][1] &&
		   rd32(m + 20) == want[i][2], "mmap %d: size 20, base 0x%llx, length 0x%llx, type %u", i,
		   (unsigned long long)want[i][0], (unsigned long long)want[i][1], (unsigned)want[i][2]);
		m += rd32(m) + 4;	/* 3.3: the next entry */
	}
}

static void test_info_refusals(void)
{
	static const struct mb_memory small = { 0x9fc00, 0x100000, 2u << 20 };
	static uint8_t huge[0x100000];
	struct mb_module mods[17] = { { huge, sizeof(huge), "big" } };
	uint32_t info_addr = 0x12345678;
	static const struct seg low[] = { { PT_LOAD, 0x1000, 0x8000, 0x8000, 0x100, 0x100 } };

	elf_with(good, 3);
	is(mb_parse(img, IMG_SIZE, &small, &k, err, sizeof(err)), 0, "kernel in 2 MiB parsed");
	memset(ram, 0xaa, 2u << 20);
	mods[0].size = (2u << 20) - 0x103000;	/* fills RAM: no room for the rest */
	err[0] = 0;
	is(mb_write_info(ram, &small, &k, "x", mods, 1, &info_addr, err, sizeof(err)), -1,
	   "module filling RAM: refused");
	ok(err[0] && !strchr(err, '\n') && strstr(err, "past the end of RAM (2 MiB)"), "... message: %s", err);
	ok(info_addr == 0x12345678 && ram[0x103000] == 0xaa && ram[(2u << 20) - 1] == 0xaa,
	   "... nothing written");
	is(mb_write_info(NULL, &small, &k, "x", mods, 1, &info_addr, err, sizeof(err)), -1,
	   "the same as a dry run (ram NULL): refused too, before any RAM exists");
	mods[0].size = 0x1000;
	is(mb_write_info(NULL, &small, &k, "x", mods, 1, &info_addr, err, sizeof(err)), 0,
	   "a dry run with a 4 KiB module: fits");
	ok(info_addr > 0x103000 && info_addr < (2u << 20) && ram[0x103000] == 0xaa,
	   "... says where the information would go (0x%x), writes nothing", info_addr);
	err[0] = 0;
	is(mb_write_info(ram, &mem, &k, "x", mods, 17, &info_addr, err, sizeof(err)), -1, "17 modules: refused");
	ok(err[0] && !strchr(err, '\n') && strstr(err, "at most 16"), "... message: %s", err);

	build_elf(0x8000, low, 1, 0);
	is(parse(IMG_SIZE), 0, "kernel at 0x8000 parsed");
	is(mb_write_info(ram, &mem, &k, NULL, NULL, 0, &info_addr, err, sizeof(err)), 0,
	   "no modules, no cmdline: written");
	ok(info_addr >= 0x100000, "kernel in low memory: info still above 1 MiB (0x%x)", info_addr);
	ok(!strcmp((char *)ram + rd32(ram + info_addr + 16), ""), "NULL cmdline: empty string");
	is(rd32(ram + info_addr + 20), 0, "mods_count 0");
}

int main(void)
{
	ram = malloc(RAM_SIZE);
	if (!ram)
		return 1;
	test_good_elf();
	test_high_half();
	test_good_aout();
	test_header();
	test_elf_header();
	test_segments();
	test_bad_aout();
	test_info();
	test_info_refusals();
	free(ram);
	return done_testing();
}
