/*
 * mbboot.c - boot a Multiboot kernel (--kernel, --append, --initrd).
 *
 * A PC's firmware starts at the reset vector in real mode; a boot loader
 * such as GRUB, or QEMU's -kernel, then loads a kernel and hands it the CPU
 * in a documented state, so the kernel needs no firmware code of its own.
 * tinyvmm plays the boot loader and skips the firmware: there is no ROM,
 * and vCPU 0 starts directly in the state of the Multiboot specification
 * 0.6.96, section 3.2 "Machine state":
 *
 *   EAX     0x2BADB002, telling the kernel a Multiboot loader started it
 *   EBX     the physical address of the Multiboot information (3.3)
 *   CS      a 32-bit read/execute code segment, offset 0, limit 0xFFFFFFFF
 *   DS ES FS GS SS  32-bit read/write data segments, offset 0, limit 0xFFFFFFFF
 *   A20     enabled (KVM's memory has no A20 gate)
 *   CR0     PG clear, PE set
 *   EFLAGS  VM (bit 17) and IF (bit 9) clear
 *   ESP, GDTR, IDTR: undefined; the kernel sets up its own before using them
 *
 * The other vCPUs (--cpus) wait for INIT and SIPI from the kernel, as on a
 * PC, in every irqchip mode.  Checking and copying the files is
 * multiboot.c's job, testable without KVM; what is here is file reading
 * and the registers.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "kvm.h"
#include "mbboot.h"
#include "mptable.h"
#include "multiboot.h"
#include "vm.h"

#define CR0_PE		(1u << 0)	/* protected mode */
#define CR0_ET		(1u << 4)	/* 387 present; always 1 since the 486 */
#define EFLAGS_FIXED	(1u << 1)	/* bit 1 always reads 1 */

/* Segment types, SDM vol. 3 table 3-1 ("accessed" set, as after a load). */
#define SEG_CODE_RX	0xb		/* execute/read, accessed */
#define SEG_DATA_RW	0x3		/* read/write, accessed */

struct loaded_file {
	uint8_t *data;
	size_t size;
};

/* The whole file, or -1 with a sentence naming it. */
static int read_file(const char *path, uint64_t limit, struct loaded_file *f, char *err, size_t errlen)
{
	struct stat st;
	FILE *fp = fopen(path, "rb");

	f->data = NULL;
	f->size = 0;
	if (!fp) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fileno(fp), &st) < 0 || !S_ISREG(st.st_mode))
		snprintf(err, errlen, "%s: not a regular file", path);
	else if ((uint64_t)st.st_size > limit)
		snprintf(err, errlen, "%s: %lld bytes do not fit in the guest's RAM (%llu MiB; try --mem)",
			 path, (long long)st.st_size, (unsigned long long)(limit >> 20));
	else if (!(f->data = malloc(st.st_size ? (size_t)st.st_size : 1)))
		snprintf(err, errlen, "%s: out of memory", path);
	else if (fread(f->data, 1, (size_t)st.st_size, fp) != (size_t)st.st_size)
		snprintf(err, errlen, "%s: cannot read it: %s", path, strerror(errno ? errno : EIO));
	else {
		f->size = (size_t)st.st_size;
		fclose(fp);
		return 0;
	}
	free(f->data);
	f->data = NULL;
	fclose(fp);
	return -1;
}

/*
 * --initrd "a.bin arg,b.bin": like QEMU's -initrd with a Multiboot kernel,
 * each comma-separated item is one module; its file is the text up to the
 * first space, and the whole item is the module's string (3.3: "an
 * arbitrary string to be associated with that particular boot module").
 * Returns the number of modules, or -1 with err set.  strings[] point into
 * 'list', which the caller owns and which this function cuts up.
 */
static int split_modules(char *list, char **strings, char *err, size_t errlen)
{
	int n = 0;

	for (char *item = list, *next; item; item = next) {
		next = strchr(item, ',');
		if (next)
			*next++ = '\0';
		if (!*item || *item == ' ') {
			snprintf(err, errlen, "--initrd: module %d has no file name", n + 1);
			return -1;
		}
		if (n == MB_MAX_MODULES) {
			snprintf(err, errlen, "--initrd: more than %d modules", MB_MAX_MODULES);
			return -1;
		}
		strings[n++] = item;
	}
	return n;
}

/* Multiboot 3.2: flat 32-bit segments, protected mode, no paging, IF clear. */
static int enter_protected_mode(struct vcpu *bsp, uint32_t entry, uint32_t info_addr)
{
	/* LAB B: begin */
	struct kvm_sregs s;
	struct kvm_regs r;
	struct kvm_segment code = {
		.base = 0, .limit = 0xffffffff, .selector = 0x08, .type = SEG_CODE_RX,
		.present = 1, .dpl = 0, .db = 1, .s = 1, .l = 0, .g = 1,
	};
	struct kvm_segment data = code;
	int rc;

	data.selector = 0x10;
	data.type = SEG_DATA_RW;
	if ((rc = kvm_get_sregs(bsp->fd, &s)) < 0)
		return rc;
	s.cs = code;
	s.ds = s.es = s.fs = s.gs = s.ss = data;
	/* a firmware clears CD and NW (set at reset) before it loads anything */
	s.cr0 = CR0_PE | CR0_ET;
	s.cr4 = 0;
	s.efer = 0;
	if ((rc = kvm_set_sregs(bsp->fd, &s)) < 0)
		return rc;
	memset(&r, 0, sizeof(r));
	r.rip = entry;
	r.rax = MB_BOOTLOADER_MAGIC;
	r.rbx = info_addr;
	r.rflags = EFLAGS_FIXED;
	return kvm_set_regs(bsp->fd, &r);
	/* LAB B: stub */
	//@ return -ENOSYS;
	/* LAB B: end */
}

/* What mbboot_prepare() read and checked, kept until mbboot_load() copies it. */
struct mbboot {
	const char *kernel_path;
	struct loaded_file kernel, files[MB_MAX_MODULES];
	struct mb_module mods[MB_MAX_MODULES];
	int nmods;
	char *list;		/* --initrd, cut into the modules' strings */
	char *cmdline;
	struct mb_memory mem;
	struct mb_kernel k;
};

void mbboot_free(struct mbboot *b)
{
	if (!b)
		return;
	free(b->cmdline);
	free(b->list);
	free(b->kernel.data);
	for (int i = 0; i < MB_MAX_MODULES; i++)
		free(b->files[i].data);
	free(b);
}

int mbboot_prepare(const struct vm_config *cfg, struct mbboot **out, char *err, size_t errlen)
{
	struct mbboot *b = calloc(1, sizeof(*b));
	char *strings[MB_MAX_MODULES];
	uint32_t info_addr;
	char why[400];
	size_t len;

	*out = NULL;
	if (!b) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	b->kernel_path = cfg->kernel;
	b->mem = (struct mb_memory){
		.low_end = MPTABLE_ADDR, .high_start = VM_HIGH_RAM_START, .ram_size = cfg->mem_size,
	};
	if (read_file(cfg->kernel, cfg->mem_size, &b->kernel, err, errlen) < 0)
		goto fail;
	if (mb_parse(b->kernel.data, b->kernel.size, &b->mem, &b->k, why, sizeof(why)) < 0) {
		snprintf(err, errlen, "%s: %s", cfg->kernel, why);	/* name the file first */
		goto fail;
	}
	if (cfg->initrd) {
		b->list = strdup(cfg->initrd);
		if (!b->list) {
			snprintf(err, errlen, "out of memory");
			goto fail;
		}
		if ((b->nmods = split_modules(b->list, strings, err, errlen)) < 0)
			goto fail;
		for (int i = 0; i < b->nmods; i++) {
			char path[4096];

			snprintf(path, sizeof(path), "%.*s", (int)strcspn(strings[i], " "), strings[i]);
			if (read_file(path, cfg->mem_size, &b->files[i], err, errlen) < 0)
				goto fail;
			b->mods[i] = (struct mb_module){ b->files[i].data, b->files[i].size, strings[i] };
		}
	}
	/*
	 * The command line starts with the kernel's file name, as GRUB's and
	 * QEMU's do, so a kernel sees what it was booted as (argv[0]).
	 */
	len = strlen(cfg->kernel) + 1 + (cfg->append ? strlen(cfg->append) : 0) + 1;
	b->cmdline = malloc(len);
	if (!b->cmdline) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	snprintf(b->cmdline, len, "%s %s", cfg->kernel, cfg->append ? cfg->append : "");
	/* will the modules and the information fit above the kernel? (a dry run) */
	if (mb_write_info(NULL, &b->mem, &b->k, b->cmdline, b->mods, b->nmods, &info_addr,
			  why, sizeof(why)) < 0) {
		snprintf(err, errlen, "%s: %s", cfg->kernel, why);
		goto fail;
	}
	*out = b;
	return 0;
fail:
	mbboot_free(b);
	return -1;
}

int mbboot_load(struct mbboot *b, struct vm *vm, char *err, size_t errlen)
{
	uint32_t info_addr = 0;
	char why[400];
	int r;

	mb_load(b->kernel.data, &b->k, vm->ram);
	if (mb_write_info(vm->ram, &b->mem, &b->k, b->cmdline, b->mods, b->nmods, &info_addr,
			  why, sizeof(why)) < 0) {
		snprintf(err, errlen, "%s: %s", b->kernel_path, why);
		return -1;
	}
	r = enter_protected_mode(&vm->vcpu[0], b->k.entry, info_addr);
	if (r < 0) {
		snprintf(err, errlen, "setting the first CPU's registers (KVM_SET_SREGS, KVM_SET_REGS): %s",
			 strerror(-r));
		return -2;
	}
	TRACE(&vm->trace, "multiboot: %s: entry %#x, %d segment%s, %d module%s, information at %#x",
	      b->kernel_path, b->k.entry, b->k.nsegments, b->k.nsegments == 1 ? "" : "s",
	      b->nmods, b->nmods == 1 ? "" : "s", info_addr);
	return 0;
}
