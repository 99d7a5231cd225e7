/*
 * multiboot_info.c - the boot information a Multiboot kernel finds at EBX.
 *
 * Section 3.3 of the Multiboot 0.6.96 specification
 * (https://www.gnu.org/software/grub/manual/multiboot/multiboot.html)
 * defines multiboot_info and the structures it points to.  Everything goes
 * above the kernel, in this order:
 *
 *	modules, each on a 4 KiB boundary (3.1 flags bit 0; always, it costs little)
 *	the module list (16 bytes a module)
 *	the strings: the command line, each module's, "tinyvmm"
 *	the memory map (24 bytes an entry)
 *	multiboot_info itself
 *
 * The layout is computed first and checked against the end of RAM, so a
 * refusal writes nothing.  The area starts at high_start at the least: a
 * kernel loaded low (below 640 KiB) must not have its modules run into the
 * legacy hole.
 */
#include <string.h>

#include "multiboot.h"
#include "multiboot_priv.h"

#define MB_MMAP_ENTRY_BODY	20	/* the entry's size field counts what follows it */
#define MB_INFO_ALIGN		8	/* the memory map's 64-bit fields, and tidiness */

struct mb_layout {
	uint64_t mod[MB_MAX_MODULES];	/* each module's mod_start */
	uint64_t list, strings, mmap, info, end;
	uint32_t mmap_length;
};

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) / a * a;
}

static size_t str_size(const char *s)
{
	return (s ? strlen(s) : 0) + 1;
}

/*
 * The memory map (3.3): RAM below the EBDA, the EBDA's reserved KiB (the MP
 * table), RAM from 1 MiB.  The holes between (VGA, ROM) are simply not RAM,
 * which a kernel assumes of anything the map leaves out.
 */
static int write_mmap(uint8_t *p, const struct mb_memory *mem)
{
	const struct { uint64_t base, end; uint32_t type; } e[] = {
		{ 0, mem->low_end, MB_MMAP_AVAILABLE },
		{ mem->low_end, MB_LEGACY_HOLE, MB_MMAP_RESERVED },
		{ mem->high_start, mem->ram_size, MB_MMAP_AVAILABLE },
	};
	int n = 0;

	for (size_t i = 0; i < sizeof(e) / sizeof(e[0]); i++) {
		if (e[i].end <= e[i].base)
			continue;
		if (p) {
			uint8_t *q = p + n * MB_MMAP_ENTRY_SIZE;

			mb_wr32(q, MB_MMAP_ENTRY_BODY);
			mb_wr64(q + 4, e[i].base);
			mb_wr64(q + 12, e[i].end - e[i].base);
			mb_wr32(q + 20, e[i].type);
		}
		n++;
	}
	return n * MB_MMAP_ENTRY_SIZE;
}

static int plan(const struct mb_memory *mem, const struct mb_kernel *k, const char *cmdline,
		const struct mb_module *mods, int nmods, struct mb_layout *l, char *err, size_t errlen)
{
	uint64_t at = align_up(k->end > mem->high_start ? k->end : mem->high_start, MB_PAGE_SIZE);
	uint64_t limit = mem->ram_size < (1ull << 32) ? mem->ram_size : (1ull << 32);
	char ram[32];

	if (nmods < 0 || nmods > MB_MAX_MODULES)
		return mb_fail(err, errlen, "%d modules (--initrd) are too many: tinyvmm loads at most %d",
			       nmods, MB_MAX_MODULES);
	for (int i = 0; i < nmods; i++) {
		if (mods[i].size > limit)	/* also keeps the sum below from overflowing */
			return mb_fail(err, errlen, "module %d (%zu bytes) is larger than RAM (%s); "
				       "try --mem", i + 1, mods[i].size,
				       mb_ram_text(mem->ram_size, ram, sizeof(ram)));
		l->mod[i] = at;
		at = align_up(at + mods[i].size, MB_PAGE_SIZE);
	}
	l->list = at;
	at += (uint64_t)nmods * MB_MODULE_ENTRY_SIZE;
	l->strings = at;
	at += str_size(cmdline) + sizeof(MB_LOADER_NAME);
	for (int i = 0; i < nmods; i++)
		at += str_size(mods[i].string);
	l->mmap = align_up(at, MB_INFO_ALIGN);
	l->mmap_length = (uint32_t)write_mmap(NULL, mem);
	l->info = align_up(l->mmap + l->mmap_length, MB_INFO_ALIGN);
	l->end = l->info + MB_INFO_SIZE;
	if (l->end > limit)
		return mb_fail(err, errlen, "the kernel, its %d module%s and the boot information need "
			       "RAM up to 0x%llx, past the end of RAM (%s); try --mem", nmods,
			       nmods == 1 ? "" : "s", (unsigned long long)l->end,
			       mb_ram_text(mem->ram_size, ram, sizeof(ram)));
	return 0;
}

/* Copy a string (NULL: "") to guest address *at; return that address. */
static uint32_t put_string(uint8_t *ram, uint64_t *at, const char *s)
{
	uint64_t addr = *at;
	size_t n = str_size(s);

	memcpy(ram + addr, s ? s : "", n);
	*at += n;
	return (uint32_t)addr;
}

int mb_write_info(uint8_t *ram, const struct mb_memory *mem, const struct mb_kernel *k,
		  const char *cmdline, const struct mb_module *mods, int nmods,
		  uint32_t *info_addr, char *err, size_t errlen)
{
	struct mb_layout l = { .end = 0 };	/* plan() fills it in */
	uint64_t at;
	uint8_t *info;

	if (plan(mem, k, cmdline, mods, nmods, &l, err, errlen))
		return -1;
	*info_addr = (uint32_t)l.info;
	if (!ram)
		return 0;	/* a dry run: it fits (mbboot.c asks before /dev/kvm is opened) */
	at = l.strings;
	for (int i = 0; i < nmods; i++) {
		uint8_t *e = ram + l.list + (size_t)i * MB_MODULE_ENTRY_SIZE;

		if (mods[i].size)
			memcpy(ram + l.mod[i], mods[i].data, mods[i].size);
		mb_wr32(e, (uint32_t)l.mod[i]);				/* mod_start */
		mb_wr32(e + 4, (uint32_t)(l.mod[i] + mods[i].size));	/* mod_end: first byte after */
		mb_wr32(e + 8, put_string(ram, &at, mods[i].string));
		mb_wr32(e + 12, 0);					/* reserved: 0 (3.3) */
	}
	write_mmap(ram + l.mmap, mem);

	info = ram + l.info;
	memset(info, 0, MB_INFO_SIZE);	/* boot_device, syms, drives, APM, VBE...: absent */
	mb_wr32(info + MB_INFO_FLAGS_OFF, MB_INFO_MEMORY | MB_INFO_CMDLINE | MB_INFO_MODS |
		MB_INFO_MMAP | MB_INFO_LOADER_NAME);
	/*
	 * 3.3: mem_lower is conventional memory in KiB (640 at most), mem_upper
	 * the KiB from 1 MiB to the first hole.  mem_lower counts only what is
	 * free, as the memory map's first entry does: 639 with the MP table in
	 * the last KiB, which is also what QEMU 7.2 gives (from SeaBIOS's map,
	 * measured with guest/mbhello); a kernel that checks one against the
	 * other finds them equal.
	 */
	mb_wr32(info + MB_INFO_MEM_LOWER_OFF, (uint32_t)(mem->low_end / 1024));
	mb_wr32(info + MB_INFO_MEM_UPPER_OFF, (uint32_t)((mem->ram_size - mem->high_start) / 1024));
	mb_wr32(info + MB_INFO_CMDLINE_OFF, put_string(ram, &at, cmdline));
	mb_wr32(info + MB_INFO_MODS_COUNT_OFF, (uint32_t)nmods);
	mb_wr32(info + MB_INFO_MODS_ADDR_OFF, (uint32_t)l.list);
	mb_wr32(info + MB_INFO_MMAP_LENGTH_OFF, l.mmap_length);
	mb_wr32(info + MB_INFO_MMAP_ADDR_OFF, (uint32_t)l.mmap);
	mb_wr32(info + MB_INFO_LOADER_NAME_OFF, put_string(ram, &at, MB_LOADER_NAME));
	return 0;
}
