/*
 * test_options.c - unit tests for the command line (src/options.c).
 *
 * Each case runs options_parse() on an argv array and captures what it
 * prints on 'out' and 'err' with open_memstream().  Every error must be
 * exactly one line and exit status 2.
 */
#include <stdarg.h>

#include "tap.h"
#include "options.h"

struct result {
	int status;
	struct vm_config cfg;
	char *out, *err;
};

/* parse(&r, "arg1", "arg2", ..., NULL): argv[0] is "tinyvmm". */
static void parse(struct result *res, ...)
{
	char *argv[32];
	int argc = 0;
	size_t outlen, errlen;
	FILE *out, *err;
	va_list ap;

	argv[argc++] = "tinyvmm";
	va_start(ap, res);
	for (char *a; argc < 31 && (a = va_arg(ap, char *)) != NULL; )
		argv[argc++] = a;
	va_end(ap);
	argv[argc] = NULL;

	free(res->out);
	free(res->err);
	res->out = res->err = NULL;
	out = open_memstream(&res->out, &outlen);
	err = open_memstream(&res->err, &errlen);
	memset(&res->cfg, 0x5a, sizeof(res->cfg));
	res->status = options_parse(argc, argv, &res->cfg, out, err);
	fclose(out);
	fclose(err);
}

static int count_char(const char *s, char c)
{
	int n = 0;

	for (; *s; s++)
		n += *s == c;
	return n;
}

/* The error text is one line, ends in '\n', and contains 'needle'. */
static void one_line_error(const struct result *r, const char *needle, const char *what)
{
	size_t len = strlen(r->err);

	is(r->status, 2, "%s: exit status 2", what);
	ok(len > 0 && count_char(r->err, '\n') == 1 && r->err[len - 1] == '\n',
	   "%s: exactly one line on err", what);
	ok(strncmp(r->err, "tinyvmm: ", 9) == 0, "%s: starts with 'tinyvmm: '", what);
	ok(strstr(r->err, needle) != NULL, "%s: mentions '%s'", what, needle);
	is(strlen(r->out), 0, "%s: nothing on out", what);
	if (!strstr(r->err, needle))
		diag("err was: %s", r->err);
}

static void test_parse_size(void)
{
	is(options_parse_size("16M"), 16ll << 20, "16M");
	is(options_parse_size("16MiB"), 16ll << 20, "16MiB");
	is(options_parse_size("16m"), 16ll << 20, "16m");
	is(options_parse_size("2g"), 2ll << 30, "2g");
	is(options_parse_size("3G"), 3ll << 30, "3G");
	is(options_parse_size("4096"), 4096, "4096");
	is(options_parse_size("0x1000"), 4096, "0x1000");
	is(options_parse_size("1k"), 1024, "1k");
	is(options_parse_size("1KiB"), 1024, "1KiB");
	is(options_parse_size("0"), 0, "0");

	is(options_parse_size(""), -1, "'' is not a size");
	is(options_parse_size(NULL), -1, "NULL is not a size");
	is(options_parse_size("abc"), -1, "'abc' is not a size");
	is(options_parse_size("-1"), -1, "'-1' is not a size");
	is(options_parse_size("+1"), -1, "'+1' is not a size");
	is(options_parse_size("12Q"), -1, "'12Q' is not a size");
	is(options_parse_size("1.5M"), -1, "'1.5M' is not a size");
	is(options_parse_size("16MB"), -1, "'16MB' is not a size");
	is(options_parse_size("16Mi"), -1, "'16Mi' is not a size");
	is(options_parse_size("M"), -1, "'M' is not a size");
	is(options_parse_size("16M "), -1, "trailing space rejected");
	is(options_parse_size("99999999999999999999"), -1, "overflowing strtoull rejected");
	is(options_parse_size("17179869184G"), -1, "2^34 G (2^64 bytes) rejected");
	is(options_parse_size("4294967296G"), 1ll << 62, "2^32 G = 2^62 bytes: the largest accepted");
	is(options_parse_size("4294967297G"), -1, "2^32+1 G rejected");

	/* A leading zero is decimal, never octal. */
	is(options_parse_size("010M"), 10ll << 20, "'010M' is ten megabytes, not octal");
	is(options_parse_size("08M"), 8ll << 20, "'08M' is eight megabytes");
	is(options_parse_size(" 16M"), -1, "leading space rejected");
	is(options_parse_size("4096iB"), -1, "'4096iB' (iB without K/M/G) rejected");
}

static void test_defaults(struct result *r)
{
	parse(r, "guest.rom", NULL);
	is(r->status, -1, "defaults: -1 (run the VM)");
	is(r->cfg.mem_size, 16ull << 20, "defaults: mem 16 MiB");
	ok(!r->cfg.strict, "defaults: strict false");
	ok(r->cfg.timeout_s == 0, "defaults: timeout 0 (none)");
	ok(!r->cfg.trace, "defaults: trace false");
	ok(r->cfg.image && strcmp(r->cfg.image, "guest.rom") == 0, "defaults: image set");
	is(strlen(r->out) + strlen(r->err), 0, "defaults: nothing printed");
}

static void test_good_options(struct result *r)
{
	parse(r, "--mem", "64M", "g.rom", NULL);
	is(r->status, -1, "--mem 64M: ok");
	is(r->cfg.mem_size, 64ull << 20, "--mem 64M: 64 MiB");

	parse(r, "-m", "2M", "g.rom", NULL);
	is(r->status, -1, "-m 2M: ok (the minimum)");
	is(r->cfg.mem_size, 2ull << 20, "-m 2M: 2 MiB");

	parse(r, "-m3G", "g.rom", NULL);
	is(r->status, -1, "-m3G: ok (the maximum, attached value)");
	is(r->cfg.mem_size, 3ull << 30, "-m3G: 3 GiB");

	parse(r, "--mem=0x400000", "g.rom", NULL);
	is(r->status, -1, "--mem=0x400000: ok");
	is(r->cfg.mem_size, 4ull << 20, "--mem=0x400000: 4 MiB");

	parse(r, "--timeout", "1.5", "g.rom", NULL);
	is(r->status, -1, "--timeout 1.5: ok");
	ok(r->cfg.timeout_s == 1.5, "--timeout 1.5: 1.5 s");

	parse(r, "--timeout", "1000000", "g.rom", NULL);
	is(r->status, -1, "--timeout 1000000: ok (the maximum)");

	parse(r, "--strict", "g.rom", NULL);
	is(r->status, -1, "--strict: ok");
	ok(r->cfg.strict, "--strict: strict true");

	parse(r, "-t", "g.rom", NULL);
	is(r->status, -1, "-t: ok");
	ok(r->cfg.trace, "-t: trace true");

	parse(r, "--irqchip", "none", "g.rom", NULL);
	is(r->status, -1, "--irqchip none: ok");

	/* options after the image (GNU argument permutation) */
	parse(r, "g.rom", "--strict", "-m", "32M", NULL);
	is(r->status, -1, "options after the image: ok");
	ok(r->cfg.strict && r->cfg.mem_size == 32ull << 20, "options after the image applied");
	ok(r->cfg.image && strcmp(r->cfg.image, "g.rom") == 0, "image found among options");

	/* '--' ends the options: an image may start with '-' */
	parse(r, "--", "-odd.rom", NULL);
	is(r->status, -1, "-- -odd.rom: ok");
	ok(r->cfg.image && strcmp(r->cfg.image, "-odd.rom") == 0, "image '-odd.rom'");

	/* the last --mem wins */
	parse(r, "-m", "4M", "-m", "8M", "g.rom", NULL);
	is(r->cfg.mem_size, 8ull << 20, "repeated --mem: the last wins");
}

static void test_bad_options(struct result *r)
{
	parse(r, "--mem", "1M", "g.rom", NULL);
	one_line_error(r, "too small", "--mem 1M");
	ok(strstr(r->err, "1M") != NULL, "--mem 1M: names the value");

	parse(r, "--mem", "4G", "g.rom", NULL);
	one_line_error(r, "too large", "--mem 4G");

	parse(r, "--mem", "3073M", "g.rom", NULL);
	one_line_error(r, "too large", "--mem 3073M (3G + 1M)");

	parse(r, "--mem", "abc", "g.rom", NULL);
	one_line_error(r, "not a size", "--mem abc");
	ok(strstr(r->err, "'abc'") != NULL, "--mem abc: quotes the value");

	parse(r, "--mem", "", "g.rom", NULL);
	one_line_error(r, "not a size", "--mem ''");

	parse(r, "--mem", "3000", "g.rom", NULL);
	one_line_error(r, "too small", "--mem 3000 (too small before the 4 KiB check)");

	parse(r, "--mem", "4194305", "g.rom", NULL);
	one_line_error(r, "4 KiB", "--mem 4194305 (4M + 1, not whole pages)");

	parse(r, "--mem", "2049k", "g.rom", NULL);
	one_line_error(r, "4 KiB", "--mem 2049k (not whole pages)");

	parse(r, "--timeout", "0", "g.rom", NULL);
	one_line_error(r, "--timeout", "--timeout 0");
	parse(r, "--timeout", "-3", "g.rom", NULL);
	one_line_error(r, "'-3'", "--timeout -3");
	parse(r, "--timeout", "abc", "g.rom", NULL);
	one_line_error(r, "'abc'", "--timeout abc");
	parse(r, "--timeout", "nan", "g.rom", NULL);
	one_line_error(r, "'nan'", "--timeout nan");
	parse(r, "--timeout", "inf", "g.rom", NULL);
	one_line_error(r, "'inf'", "--timeout inf");
	parse(r, "--timeout", "1000001", "g.rom", NULL);
	one_line_error(r, "1000000", "--timeout 1000001");
	parse(r, "--timeout", "5s", "g.rom", NULL);
	one_line_error(r, "'5s'", "--timeout 5s");

	parse(r, "--irqchip", "kernal", "g.rom", NULL);
	one_line_error(r, "'kernal'", "--irqchip kernal (a typo)");
	ok(strstr(r->err, "'none', 'split' or 'kernel'") != NULL, "--irqchip kernal: lists the three modes");
	parse(r, "--pit", "kernel", "g.rom", NULL);
	one_line_error(r, "--irqchip kernel", "--pit without --irqchip kernel");
	parse(r, "--irqchip", "split", "--pit", "user", "g.rom", NULL);
	one_line_error(r, "--irqchip kernel", "--pit user with --irqchip split");
	parse(r, "--irqchip", "kernel", "--pit", "qemu", "g.rom", NULL);
	one_line_error(r, "'qemu'", "--pit qemu");
	parse(r, "--irqchip", "kernel", "--msi-routes", "g.rom", NULL);
	one_line_error(r, "--msi-routes goes with --irqchip split", "--msi-routes with --irqchip kernel");

	parse(r, "--bogus", "g.rom", NULL);
	one_line_error(r, "--bogus", "unknown long option");
	parse(r, "-x", "g.rom", NULL);
	one_line_error(r, "'-x'", "unknown short option");

	parse(r, "g.rom", "--mem", NULL);
	one_line_error(r, "--mem", "--mem without a value");
	ok(strstr(r->err, "needs a value") != NULL, "--mem without a value: says it needs a value");
	parse(r, "g.rom", "-m", NULL);
	one_line_error(r, "'-m'", "-m without a value");
	parse(r, "g.rom", "--timeout", NULL);
	one_line_error(r, "--timeout", "--timeout without a value");

	parse(r, NULL);
	one_line_error(r, "no guest image", "no image");
	parse(r, "--strict", NULL);
	one_line_error(r, "no guest image", "options but no image");

	parse(r, "a.rom", "b.rom", NULL);
	one_line_error(r, "'b.rom'", "two images");
	parse(r, "a.rom", "b.rom", "c.rom", NULL);
	one_line_error(r, "one guest image only", "three images");
}

static void test_help_version(struct result *r)
{
	parse(r, "--help", NULL);
	is(r->status, 0, "--help: 0");
	ok(strncmp(r->out, "Usage:", 6) == 0, "--help: 'Usage:' on out");
	ok(strstr(r->out, "--mem") && strstr(r->out, "--timeout") && strstr(r->out, "--strict"),
	   "--help: lists --mem, --timeout, --strict");
	is(strlen(r->err), 0, "--help: nothing on err");

	parse(r, "-h", "g.rom", NULL);
	is(r->status, 0, "-h with an image: 0");
	ok(strncmp(r->out, "Usage:", 6) == 0, "-h: usage on out");

	parse(r, "--version", NULL);
	is(r->status, 0, "--version: 0");
	ok(strncmp(r->out, "tinyvmm ", 8) == 0, "--version: 'tinyvmm ' on out");
	is(count_char(r->out, '\n'), 1, "--version: one line");
	is(strlen(r->err), 0, "--version: nothing on err");

	parse(r, "-V", NULL);
	is(r->status, 0, "-V: 0");
	ok(strncmp(r->out, "tinyvmm ", 8) == 0, "-V: version on out");

	parse(r, "--mem", "1M", "--help", NULL);
	is(r->status, 2, "a bad option before --help wins (parsed in order)");
}

/*
 * options_parse() restarts getopt with optind = 0: with glibc only that also
 * forgets a half-parsed cluster of short options ("-xV") from a previous call.
 */
static void test_getopt_state(struct result *r)
{
	parse(r, "-xV", "g.rom", NULL);
	is(r->status, 2, "-xV: unknown option -> 2");
	ok(strstr(r->err, "unknown option '-x'") != NULL, "-xV: the message names -x");

	/* optind = 0 restarts glibc's getopt completely: nothing of "-xV" survives. */
	parse(r, "--mem", "64M", "g.rom", NULL);
	is(r->status, -1, "after '-xV', a clean command line parses normally");
	is(r->cfg.mem_size, 64ull << 20, "and --mem 64M applies");
	is(strlen(r->out), 0, "nothing printed (no stale -V)");

	parse(r, "g.rom", "-m", NULL);
	is(r->status, 2, "-m without a value -> 2");
	ok(strstr(r->err, "option '-m' needs a value") != NULL, "the message names -m");
}

/*
 * --chapter N builds chapter N's machine (design: 1-2 no controller, 3-4 the
 * 8259A and 8254 of a PC/AT, 5 + both APICs, 6 = 5 with the split irqchip,
 * 7 = 5 with the in-kernel one, 8 = 7 + a PCI bus).
 */
static void test_chapters(struct result *r)
{
	static const struct { const char *n; enum machine_kind m; enum irqchip_mode c; } want[] = {
		{ "1", MACHINE_BARE, IRQCHIP_NONE }, { "2", MACHINE_BARE, IRQCHIP_NONE },
		{ "3", MACHINE_PIC, IRQCHIP_NONE },  { "4", MACHINE_PIC, IRQCHIP_NONE },
		{ "5", MACHINE_APIC, IRQCHIP_NONE }, { "6", MACHINE_APIC, IRQCHIP_SPLIT },
		{ "7", MACHINE_APIC, IRQCHIP_KERNEL }, { "8", MACHINE_APIC, IRQCHIP_KERNEL },
	};

	parse(r, "g.rom", NULL);
	ok(r->cfg.machine == MACHINE_APIC && r->cfg.pci && r->cfg.irqchip == IRQCHIP_NONE && r->cfg.chapter == 0,
	   "no --chapter: the fullest machine (chapter 8's PCI bus), --irqchip none");
	parse(r, "--irqchip", "kernel", "g.rom", NULL);
	ok(r->status == -1 && r->cfg.pci && r->cfg.pit_in_kernel, "no --chapter, --irqchip kernel: PCI too");
	for (unsigned i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		parse(r, "--chapter", want[i].n, "g.rom", NULL);
		ok(r->status == -1 && r->cfg.machine == want[i].m && r->cfg.irqchip == want[i].c &&
		   r->cfg.chapter == (int)i + 1, "--chapter %s: its machine and irqchip mode", want[i].n);
		ok(r->cfg.pci == (i + 1 >= 8), "--chapter %s: %s", want[i].n,
		   i + 1 >= 8 ? "a PCI bus" : "no PCI bus (chapter 8 adds it)");
	}
	parse(r, "--chapter", "8", "g.rom", NULL);
	ok(r->status == -1 && r->cfg.pit_in_kernel, "--chapter 8: the chapter 7 machine, the 8254 in KVM too");
	parse(r, "--chapter", "8", "--irqchip", "none", "g.rom", NULL);
	ok(r->status == -1 && r->cfg.pci && r->cfg.irqchip == IRQCHIP_NONE,
	   "--chapter 8 --irqchip none: PCI with every controller in tinyvmm");
	parse(r, "--chapter", "5", "--irqchip", "split", "g.rom", NULL);
	ok(r->status == -1 && r->cfg.irqchip == IRQCHIP_SPLIT, "--chapter 5 --irqchip split: an explicit --irqchip wins");
	parse(r, "--irqchip", "none", "--chapter", "6", "g.rom", NULL);
	ok(r->status == -1 && r->cfg.irqchip == IRQCHIP_NONE, "--irqchip none --chapter 6: in either order");
	parse(r, "--chapter", "4", "--irqchip", "split", "g.rom", NULL);
	one_line_error(r, "has no APIC", "--chapter 4 --irqchip split");
	parse(r, "--chapter", "7", "g.rom", NULL);
	ok(r->status == -1 && r->cfg.pit_in_kernel, "--chapter 7: the 8254 in KVM too (--pit kernel)");
	parse(r, "--irqchip", "kernel", "--pit", "user", "g.rom", NULL);
	ok(r->status == -1 && r->cfg.irqchip == IRQCHIP_KERNEL && !r->cfg.pit_in_kernel,
	   "--irqchip kernel --pit user: KVM's controllers, tinyvmm's 8254");
	parse(r, "--pit", "user", "--chapter", "7", "g.rom", NULL);
	ok(r->status == -1 && !r->cfg.pit_in_kernel, "--pit user --chapter 7: an explicit --pit wins, in either order");
	parse(r, "--chapter", "3", "--irqchip", "kernel", "g.rom", NULL);
	one_line_error(r, "has no APIC", "--chapter 3 --irqchip kernel");
	parse(r, "--chapter", "11", "g.rom", NULL);
	one_line_error(r, "not written yet", "--chapter 11");
	parse(r, "--chapter", "10", "g.rom", NULL);
	ok(r->status == -1 && r->cfg.cpus == 2 && r->cfg.irqchip == IRQCHIP_KERNEL && r->cfg.pit_in_kernel,
	   "--chapter 10: chapter 9's machine with two CPUs");
	parse(r, "--chapter", "10", "--cpus", "4", "--irqchip", "none", "g.rom", NULL);
	ok(r->status == -1 && r->cfg.cpus == 4 && r->cfg.irqchip == IRQCHIP_NONE,
	   "--chapter 10 --cpus 4 --irqchip none: the options win over the preset");
	parse(r, "--chapter", "9", "g.rom", NULL);
	ok(r->status == -1 && r->cfg.irqchip == IRQCHIP_KERNEL && r->cfg.pit_in_kernel && r->cfg.pci &&
	   r->cfg.tick_policy == TICK_COALESCE,
	   "--chapter 9: chapter 8's machine, every timer in KVM, ticks coalesced");
	/* --tick-policy (chapter 9) */
	parse(r, "g.rom", NULL);
	ok(r->status == -1 && r->cfg.tick_policy == TICK_COALESCE, "no --tick-policy: coalesce");
	parse(r, "--tick-policy", "reinject", "--irqchip", "split", "g.rom", NULL);
	ok(r->status == -1 && r->cfg.tick_policy == TICK_REINJECT, "--tick-policy reinject --irqchip split");
	parse(r, "--chapter", "9", "--pit", "user", "--tick-policy", "reinject", "g.rom", NULL);
	ok(r->status == -1 && r->cfg.tick_policy == TICK_REINJECT && !r->cfg.pit_in_kernel,
	   "--tick-policy reinject with --irqchip kernel --pit user (the resampler, ticks.c)");
	parse(r, "--tick-policy", "coalesce", "--chapter", "3", "g.rom", NULL);
	ok(r->status == -1 && r->cfg.tick_policy == TICK_COALESCE, "--tick-policy coalesce --chapter 3");
	parse(r, "--tick-policy", "slew", "g.rom", NULL);
	one_line_error(r, "'slew' is not a policy", "--tick-policy slew");
	parse(r, "--tick-policy", "reinject", "--chapter", "2", "g.rom", NULL);
	one_line_error(r, "has no timer", "--tick-policy in chapter 2's machine");
	/* --msi: the edu's MSIs into KVM's LAPIC (chapter 8) */
	parse(r, "--irqchip", "kernel", "g.rom", NULL);
	ok(r->status == -1 && r->cfg.msi == MSI_SIGNAL, "no --msi: KVM_SIGNAL_MSI (signal)");
	parse(r, "--irqchip", "split", "--msi", "route", "g.rom", NULL);
	ok(r->status == -1 && r->cfg.msi == MSI_ROUTE, "--irqchip split --msi route");
	parse(r, "--msi", "irqfd", "--chapter", "8", "g.rom", NULL);
	ok(r->status == -1 && r->cfg.msi == MSI_IRQFD && r->cfg.irqchip == IRQCHIP_KERNEL,
	   "--msi irqfd --chapter 8: in either order, with chapter 8's in-kernel irqchip");
	parse(r, "--irqchip", "kernel", "--msi", "posted", "g.rom", NULL);
	one_line_error(r, "'posted' is not a method", "--msi posted");
	parse(r, "--msi", "signal", "g.rom", NULL);
	one_line_error(r, "--msi goes with --irqchip split or kernel", "--msi without KVM's LAPIC");
	parse(r, "--chapter", "7", "--msi", "route", "g.rom", NULL);
	one_line_error(r, "--msi needs the PCI bus", "--msi in chapter 7's machine");
	/* --cpus and --halt-poll-ns (chapter 10) */
	parse(r, "g.rom", NULL);
	ok(r->status == -1 && r->cfg.cpus == 1 && r->cfg.halt_poll_ns == -1,
	   "no --cpus: one CPU; no --halt-poll-ns: KVM's default (-1)");
	parse(r, "--cpus", "8", "--irqchip", "kernel", "g.rom", NULL);
	ok(r->status == -1 && r->cfg.cpus == 8, "--cpus 8 --irqchip kernel");
	parse(r, "--cpus", "2", "--irqchip", "split", "--halt-poll-ns", "0", "g.rom", NULL);
	ok(r->status == -1 && r->cfg.cpus == 2 && r->cfg.halt_poll_ns == 0, "--cpus 2 --halt-poll-ns 0 under split");
	parse(r, "--halt-poll-ns", "200000", "--chapter", "7", "g.rom", NULL);
	ok(r->status == -1 && r->cfg.halt_poll_ns == 200000, "--halt-poll-ns 200000 --chapter 7");
	parse(r, "--cpus", "9", "g.rom", NULL);
	one_line_error(r, "'9' is not a number of CPUs from 1 to 8", "--cpus 9");
	parse(r, "--cpus", "0", "g.rom", NULL);
	one_line_error(r, "'0' is not a number of CPUs from 1 to 8", "--cpus 0");
	parse(r, "--cpus", "2x", "g.rom", NULL);
	one_line_error(r, "'2x' is not a number of CPUs", "--cpus 2x");
	parse(r, "--cpus", "2", "--chapter", "4", "g.rom", NULL);
	one_line_error(r, "a second CPU needs APICs", "--cpus 2 in chapter 4's machine (no APIC)");
	parse(r, "--halt-poll-ns", "-1", "--irqchip", "kernel", "g.rom", NULL);
	one_line_error(r, "'-1' is not a number of nanoseconds", "--halt-poll-ns -1");
	parse(r, "--halt-poll-ns", "1000", "g.rom", NULL);
	one_line_error(r, "--halt-poll-ns goes with --irqchip split or kernel", "--halt-poll-ns under none");
	parse(r, "--dump-irqchip", "g.rom", NULL);
	ok(r->status == -1 && r->cfg.dump_irqchip && r->cfg.irqchip == IRQCHIP_NONE, "--dump-irqchip: any mode");
	parse(r, "--help", NULL);
	ok(strstr(r->out, "  3, 4   + the 8259A pair, the 8254") != NULL, "--help lists the chapters' machines");
	ok(strstr(r->out, "--pit WHERE") && strstr(r->out, "--dump-irqchip") && strstr(r->out, "'kernel'"),
	   "--help: --irqchip kernel, --pit, --dump-irqchip");
}

/* Issue 15: --kernel, --append, --initrd, --exit-status (appendix B). */
static void test_kernel_options(struct result *r)
{
	parse(r, "--kernel", "k.elf", NULL);
	ok(r->status == -1 && r->cfg.kernel && strcmp(r->cfg.kernel, "k.elf") == 0 && r->cfg.image == NULL,
	   "--kernel k.elf: no ROM image");
	is(r->cfg.mem_size, 128ull << 20, "--kernel: 128 MiB of RAM by default, as QEMU gives");
	parse(r, "--kernel", "k.elf", "-m", "64M", "--append", "a b", "--initrd", "m1 x,m2", NULL);
	ok(r->status == -1 && r->cfg.mem_size == 64ull << 20 && strcmp(r->cfg.append, "a b") == 0 &&
	   strcmp(r->cfg.initrd, "m1 x,m2") == 0, "--kernel with --mem 64M, --append and --initrd");
	parse(r, "--kernel", "k.elf", "g.rom", NULL);
	one_line_error(r, "give one or the other", "--kernel and a ROM image");
	parse(r, "--append", "x", "g.rom", NULL);
	one_line_error(r, "--append is the command line of a --kernel", "--append without --kernel");
	parse(r, "--initrd", "m", "g.rom", NULL);
	one_line_error(r, "--initrd gives modules to a --kernel", "--initrd without --kernel");
	parse(r, "--kernel", "", NULL);
	one_line_error(r, "--kernel: the file name is empty", "--kernel ''");
	parse(r, "--kernel", "k.elf", "--initrd", "", NULL);
	one_line_error(r, "--initrd: no module file given", "--initrd ''");
	parse(r, "g.rom", NULL);
	ok(r->status == -1 && !r->cfg.exit_qemu, "default: port 0xF4's value is the exit status");
	parse(r, "--exit-status", "qemu", "g.rom", NULL);
	ok(r->status == -1 && r->cfg.exit_qemu, "--exit-status qemu");
	parse(r, "--exit-status=tinyvmm", "g.rom", NULL);
	ok(r->status == -1 && !r->cfg.exit_qemu, "--exit-status=tinyvmm");
	parse(r, "--exit-status", "bochs", "g.rom", NULL);
	one_line_error(r, "'bochs' is not a convention: 'tinyvmm' or 'qemu'", "--exit-status bochs");
	parse(r, "--help", NULL);
	ok(strstr(r->out, "--kernel FILE") && strstr(r->out, "--initrd FILES") && strstr(r->out, "--exit-status S"),
	   "--help: --kernel, --initrd, --exit-status");
}

int main(void)
{
	struct result r = { 0 };

	test_parse_size();
	test_defaults(&r);
	test_good_options(&r);
	test_bad_options(&r);
	test_help_version(&r);
	test_getopt_state(&r);
	test_chapters(&r);
	test_kernel_options(&r);
	free(r.out);
	free(r.err);
	return done_testing();
}
