/*
 * options.c - the command line.  Every option is validated here, so the rest
 * of tinyvmm can trust its vm_config, and every mistake gets one line naming
 * the option, the bad value and what is allowed, with exit status 2.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "options.h"

static const char usage_text[] =
"Usage: tinyvmm [OPTIONS] IMAGE\n"
"       tinyvmm [OPTIONS] --kernel FILE [--append ARGS] [--initrd FILE[,FILE...]]\n"
"Boot IMAGE, a PC firmware ROM, or FILE, a Multiboot kernel, in a KVM virtual\n"
"machine.  The guest's serial console (COM1) is standard output; tinyvmm's own\n"
"messages go to standard error.\n"
"\n"
"Options:\n"
"  -m, --mem SIZE        guest RAM: a number of bytes with an optional K, M or G\n"
"                        suffix, from 2M to 3G (default 16M; 128M with --kernel)\n"
"      --kernel FILE     boot FILE, a Multiboot (v1) kernel, as QEMU's -kernel does:\n"
"                        an ELF32 file or one with the a.out kludge; no ROM, the\n"
"                        first CPU starts in 32-bit protected mode at its entry\n"
"                        with EAX = 0x2BADB002 and EBX = the Multiboot information\n"
"      --append ARGS     with --kernel, its command line (after the file's name)\n"
"      --initrd FILES    with --kernel, Multiboot modules: files separated by\n"
"                        commas, each 'PATH [ARGS]'; the whole item is the\n"
"                        module's string, as with QEMU's -initrd\n"
"      --exit-status S   what a write of v to port 0xF4 makes tinyvmm return:\n"
"                        'tinyvmm' (default) v; 'qemu' (v << 1) | 1, as QEMU's\n"
"                        isa-debug-exit, for scripts written for QEMU\n"
"      --strict          stop the guest at its first access to a port or MMIO\n"
"                        address no device owns (default: report it once, ignore it)\n"
"      --timeout SECONDS stop the guest if it has not exited after SECONDS\n"
"      --irqchip MODE    where the interrupt controllers live: 'none' (default):\n"
"                        all are tinyvmm's userspace models (chapters 1-5);\n"
"                        'split': the local APIC in KVM, the 8259A, 8254 and\n"
"                        I/O APIC in tinyvmm (chapter 6); 'kernel': the 8259A,\n"
"                        I/O APIC and local APIC all in KVM (chapter 7)\n"
"      --msi-routes      with --irqchip split, deliver I/O APIC messages through\n"
"                        KVM GSI routes and KVM_IRQ_LINE, not KVM_SIGNAL_MSI\n"
"      --msi METHOD      with --irqchip split or kernel, how the edu device's MSIs\n"
"                        reach KVM: 'signal' (default), KVM_SIGNAL_MSI each time;\n"
"                        'route', a GSI route equal to the message, KVM_IRQ_LINE;\n"
"                        'irqfd', that route bound to an eventfd (KVM_IRQFD) that\n"
"                        a device thread writes\n"
"      --pit WHERE       with --irqchip kernel, the 8254: 'kernel' (default), KVM's\n"
"                        (KVM_CREATE_PIT2); 'user', tinyvmm's, raising KVM_IRQ_LINE\n"
"      --tick-policy P   a timer tick due while the guest has not taken the\n"
"                        last one: 'coalesce' (default) merges the two, as\n"
"                        hardware does; 'reinject' holds it back and raises it\n"
"                        once the guest has taken the last (the 8254 in every\n"
"                        mode, KVM's by KVM_REINJECT_CONTROL; tinyvmm's local\n"
"                        APIC timer under 'none'; KVM's local APIC timer always\n"
"                        coalesces) (chapter 9)\n"
"      --cpus N          N virtual CPUs, 1-8 (default 1): the first (the BSP) starts\n"
"                        at the reset vector, the others wait for INIT and SIPI\n"
"                        from it; needs a machine with APICs (chapter 10)\n"
"      --halt-poll-ns NS with --irqchip split or kernel, how long KVM polls a\n"
"                        halted vCPU for a wakeup before it sleeps (KVM_CAP_HALT_POLL,\n"
"                        0 = never poll; default: the host's halt_poll_ns)\n"
"      --dump-irqchip    at exit, print every interrupt controller's state on\n"
"                        standard error, read from tinyvmm or from KVM\n"
"      --chapter N       build tutorial chapter N's machine (see below)\n"
"  -t, --trace           print each step of every interrupt on standard error\n"
"  -h, --help            show this help and exit\n"
"  -V, --version         show the version and exit\n"
"\n"
"Machines (--chapter N); without --chapter, the fullest (chapter 8's devices,\n"
"--irqchip none unless --irqchip says otherwise):\n"
"  1, 2   no interrupt controller and no timer: RAM, ROM, UART, exit port\n"
"  3, 4   + the 8259A pair, the 8254 and the test device; the 8259A drives the\n"
"         CPU's INTR itself and CPUID reports no APIC (a PC/AT)\n"
"  5      + the local APIC and the I/O APIC, all in tinyvmm (--irqchip none)\n"
"  6      the chapter 5 machine with --irqchip split\n"
"  7      the chapter 5 machine with --irqchip kernel (and --pit kernel)\n"
"  8      the chapter 7 machine + a PCI bus (ports 0xCF8-0xCFF): host bridge\n"
"         00:00.0, QEMU's edu device at 00:04.0 (MSI, or INTA# on GSI 16)\n"
"  9      the chapter 8 machine: every timer in KVM (the 8254 by KVM_CREATE_PIT2,\n"
"         the local APIC timer, TSC-deadline); --irqchip and --pit move them back\n"
"  10     the chapter 9 machine with two CPUs (--cpus 2, unless --cpus says)\n"
"A guest touching a controller its machine lacks gets the unhandled-access report.\n"
"\n"
"The image: a multiple of 64 KiB, at most 16 MiB; it is mapped to end at 4 GiB,\n"
"and its last 128 KiB (all of it, if smaller) also end at 0xFFFFF, below 1 MiB.\n"
"The vCPU starts at the x86 reset vector 0xFFFFFFF0 in real mode, as a PC does.\n"
"\n"
"Exit status:\n"
"  0-255  the guest wrote this value to port 0xF4 (the exit device); tinyvmm exits\n"
"         with value & 0xff.  (QEMU's isa-debug-exit at the same port exits with\n"
"         (value << 1) | 1 for the same write: --exit-status qemu.)  Guests in\n"
"         this project write 0 when every check passed and 1 when one failed.\n"
"  2      bad command line\n"
"  120    could not start: no /dev/kvm, no permission, bad image, missing KVM feature\n"
"  121    the guest triple-faulted (KVM_EXIT_SHUTDOWN); registers are printed\n"
"  122    KVM could not run the guest (KVM_EXIT_INTERNAL_ERROR, KVM_EXIT_FAIL_ENTRY,\n"
"         an unexpected exit); the reason, registers and instruction are printed\n"
"  123    the guest halted and nothing can ever wake it\n"
"  124    --timeout expired\n"
"  125    --strict: the guest touched an address no device owns\n"
"\n"
"Environment: TINYVMM_KVM_DEVICE replaces /dev/kvm (the tests use it);\n"
"TINYVMM_TIMEOUT=SECONDS is --timeout for runs that give none (the tests set it).\n";

enum { OPT_STRICT = 256, OPT_TIMEOUT, OPT_IRQCHIP, OPT_MSI_ROUTES, OPT_CHAPTER, OPT_PIT, OPT_DUMP_IRQCHIP, OPT_MSI, OPT_TICK_POLICY, OPT_CPUS, OPT_HALT_POLL,
       OPT_KERNEL, OPT_APPEND, OPT_INITRD, OPT_EXIT_STATUS };

static const struct option long_options[] = {
	{ "mem",     required_argument, NULL, 'm' },
	{ "strict",  no_argument,       NULL, OPT_STRICT },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "irqchip", required_argument, NULL, OPT_IRQCHIP },
	{ "msi-routes", no_argument,    NULL, OPT_MSI_ROUTES },
	{ "chapter", required_argument, NULL, OPT_CHAPTER },
	{ "pit",     required_argument, NULL, OPT_PIT },
	{ "msi",     required_argument, NULL, OPT_MSI },
	{ "dump-irqchip", no_argument,  NULL, OPT_DUMP_IRQCHIP },
	{ "tick-policy", required_argument, NULL, OPT_TICK_POLICY },
	{ "cpus",    required_argument, NULL, OPT_CPUS },
	{ "halt-poll-ns", required_argument, NULL, OPT_HALT_POLL },
	{ "kernel",  required_argument, NULL, OPT_KERNEL },
	{ "append",  required_argument, NULL, OPT_APPEND },
	{ "initrd",  required_argument, NULL, OPT_INITRD },
	{ "exit-status", required_argument, NULL, OPT_EXIT_STATUS },
	{ "trace",   no_argument,       NULL, 't' },
	{ "help",    no_argument,       NULL, 'h' },
	{ "version", no_argument,       NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

long long options_parse_size(const char *s)
{
	char *end;
	unsigned long long v, mult = 1;

	if (!s || !*s || *s == '-' || *s == '+')
		return -1;
	errno = 0;
	/* decimal, or hex with 0x; never octal: "010M" is ten megabytes */
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		v = strtoull(s + 2, &end, 16), s += 2;
	else
		v = strtoull(s, &end, 10);
	if (errno || end == s || *s == ' ' || *s == '-' || *s == '+')
		return -1;
	switch (*end) {
	case '\0': break;
	case 'k': case 'K': mult = 1ull << 10; end++; break;
	case 'm': case 'M': mult = 1ull << 20; end++; break;
	case 'g': case 'G': mult = 1ull << 30; end++; break;
	default: return -1;
	}
	if (*end == 'i' && end[1] == 'B')	/* accept "16MiB" too */
		end += 2;
	if (*end || v > (1ull << 62) / mult)
		return -1;
	return (long long)(v * mult);
}

static int usage_error(FILE *err, const char *fmt, const char *arg)
{
	fprintf(err, "tinyvmm: ");
	fprintf(err, fmt, arg);
	fprintf(err, " (try 'tinyvmm --help')\n");
	return EXIT_USAGE;
}

int options_parse(int argc, char **argv, struct vm_config *cfg, FILE *out, FILE *err)
{
	long long mem;
	long chapter;
	bool irqchip_given = false, pit_given = false, msi_given = false, tick_given = false, cpus_given = false;
	bool mem_given = false;
	char *end;
	long ncpu;
	long long hp;
	int c;

	memset(cfg, 0, sizeof(*cfg));
	cfg->mem_size = VM_DEFAULT_MEM;
	cfg->cpus = 1;
	cfg->halt_poll_ns = -1;
	opterr = 0;		/* we print our own messages */
	optind = 0;		/* 0, not 1: glibc then also forgets a half-read "-xV" */
	while ((c = getopt_long(argc, argv, ":m:thV", long_options, NULL)) != -1) {
		switch (c) {
		case 'm':
			mem = options_parse_size(optarg);
			if (mem < 0)
				return usage_error(err, "--mem: '%s' is not a size (examples: 16M, 1G, 4194304)", optarg);
			if ((unsigned long long)mem < VM_MIN_MEM)
				return usage_error(err, "--mem: %s is too small: the guest needs at least 2M", optarg);
			if ((unsigned long long)mem > VM_MAX_MEM)
				return usage_error(err, "--mem: %s is too large: at most 3G (RAM must stay below the device hole at 3 GiB)", optarg);
			if (mem % 4096)
				return usage_error(err, "--mem: %s is not a whole number of 4 KiB pages", optarg);
			cfg->mem_size = (uint64_t)mem;
			mem_given = true;
			break;
		case OPT_KERNEL:
			if (!*optarg)
				return usage_error(err, "%s", "--kernel: the file name is empty");
			cfg->kernel = optarg;
			break;
		case OPT_APPEND:
			cfg->append = optarg;
			break;
		case OPT_INITRD:
			if (!*optarg)
				return usage_error(err, "%s", "--initrd: no module file given");
			cfg->initrd = optarg;
			break;
		case OPT_EXIT_STATUS:
			if (strcmp(optarg, "tinyvmm") == 0)
				cfg->exit_qemu = false;
			else if (strcmp(optarg, "qemu") == 0)
				cfg->exit_qemu = true;
			else
				return usage_error(err, "--exit-status: '%s' is not a convention: 'tinyvmm' or 'qemu'", optarg);
			break;
		case OPT_STRICT:
			cfg->strict = true;
			break;
		case OPT_TIMEOUT:
			errno = 0;
			cfg->timeout_s = strtod(optarg, &end);
			if (errno || end == optarg || *end || !isfinite(cfg->timeout_s) ||
			    cfg->timeout_s <= 0 || cfg->timeout_s > 1e6)
				return usage_error(err, "--timeout: '%s' is not a number of seconds between 0 and 1000000", optarg);
			break;
		case OPT_IRQCHIP:
			if (strcmp(optarg, "none") == 0)
				cfg->irqchip = IRQCHIP_NONE;
			else if (strcmp(optarg, "split") == 0)
				cfg->irqchip = IRQCHIP_SPLIT;
			else if (strcmp(optarg, "kernel") == 0)
				cfg->irqchip = IRQCHIP_KERNEL;
			else
				return usage_error(err, "--irqchip: '%s' is not a mode: 'none', 'split' or 'kernel'", optarg);
			irqchip_given = true;
			break;
		case OPT_PIT:
			if (strcmp(optarg, "kernel") == 0)
				cfg->pit_in_kernel = true;
			else if (strcmp(optarg, "user") == 0)
				cfg->pit_in_kernel = false;
			else
				return usage_error(err, "--pit: '%s' is not a place for the 8254: 'kernel' or 'user'", optarg);
			pit_given = true;
			break;
		case OPT_MSI:
			if (strcmp(optarg, "signal") == 0)
				cfg->msi = MSI_SIGNAL;
			else if (strcmp(optarg, "route") == 0)
				cfg->msi = MSI_ROUTE;
			else if (strcmp(optarg, "irqfd") == 0)
				cfg->msi = MSI_IRQFD;
			else
				return usage_error(err, "--msi: '%s' is not a method: 'signal', 'route' or 'irqfd'", optarg);
			msi_given = true;
			break;
		case OPT_TICK_POLICY:
			if (strcmp(optarg, "coalesce") == 0)
				cfg->tick_policy = TICK_COALESCE;
			else if (strcmp(optarg, "reinject") == 0)
				cfg->tick_policy = TICK_REINJECT;
			else
				return usage_error(err, "--tick-policy: '%s' is not a policy: 'coalesce' or 'reinject'", optarg);
			tick_given = true;
			break;
		case OPT_CPUS:
			ncpu = strtol(optarg, &end, 10);
			if (end == optarg || *end || ncpu < 1 || ncpu > VM_MAX_CPUS)
				return usage_error(err, "--cpus: '%s' is not a number of CPUs from 1 to 8", optarg);
			cfg->cpus = (int)ncpu;
			cpus_given = true;
			break;
		case OPT_HALT_POLL:
			errno = 0;
			hp = strtoll(optarg, &end, 10);
			if (errno || end == optarg || *end || *optarg == '-' || *optarg == '+' || hp < 0 || hp > 1000000000)
				return usage_error(err, "--halt-poll-ns: '%s' is not a number of nanoseconds from 0 to 1000000000", optarg);
			cfg->halt_poll_ns = hp;
			break;
		case OPT_DUMP_IRQCHIP:
			cfg->dump_irqchip = true;
			break;
		case OPT_MSI_ROUTES:
			cfg->msi_routes = true;
			break;
		case OPT_CHAPTER:
			/* a chapter is a named preset of options (design.md) */
			chapter = strtol(optarg, &end, 10);
			if (end == optarg || *end || chapter < 1 || chapter > 99)
				return usage_error(err, "--chapter: '%s' is not a chapter number", optarg);
			if (chapter > 10)
				return usage_error(err, "--chapter: chapter %s is not written yet (1-10 are)", optarg);
			cfg->chapter = (int)chapter;
			break;
		case 't':
			cfg->trace = true;
			break;
		case 'h':
			fputs(usage_text, out);
			return 0;
		case 'V':
			fprintf(out, "tinyvmm %s\n", PACKAGE_VERSION);
			return 0;
		case ':':
			/* getopt has stepped past the option: argv[optind - 1] is what was typed */
			return usage_error(err, "option '%s' needs a value", argv[optind - 1]);
		default:
			if (optopt) {	/* a short option: name it alone, "-x" of "-xV" */
				char opt[3] = { '-', (char)optopt, 0 };

				return usage_error(err, "unknown option '%s'", opt);
			}
			return usage_error(err, "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (cfg->kernel && optind < argc)
		return usage_error(err, "'%s': --kernel boots a Multiboot kernel instead of a ROM image; give one or the other",
				   argv[optind]);
	if (!cfg->kernel && (cfg->append || cfg->initrd))
		return usage_error(err, "%s", cfg->append ? "--append is the command line of a --kernel; no --kernel given" :
				   "--initrd gives modules to a --kernel; no --kernel given");
	if (optind == argc && !cfg->kernel)
		return usage_error(err, "%s", "no guest image given; usage: tinyvmm [OPTIONS] IMAGE, or --kernel FILE");
	if (argc - optind > 1)
		return usage_error(err, "one guest image only; unexpected '%s'", argv[optind + 1]);
	/* a kernel expects a PC's worth of RAM; QEMU gives 128 MiB too */
	if (cfg->kernel && !mem_given)
		cfg->mem_size = VM_KERNEL_DEFAULT_MEM;
	/* a chapter is a machine and an irqchip mode; an explicit --irqchip wins */
	if (cfg->chapter) {
		cfg->machine = cfg->chapter <= 2 ? MACHINE_BARE : cfg->chapter <= 4 ? MACHINE_PIC : MACHINE_APIC;
		if (!irqchip_given)
			cfg->irqchip = cfg->chapter == 6 ? IRQCHIP_SPLIT :
				       cfg->chapter >= 7 ? IRQCHIP_KERNEL : IRQCHIP_NONE;
	}
	/* chapter 10: the same machine with two CPUs, unless --cpus says how many */
	if (cfg->chapter >= 10 && !cpus_given)
		cfg->cpus = 2;
	/* the PCI bus came with chapter 8; the default machine is the fullest one */
	cfg->pci = cfg->chapter == 0 || cfg->chapter >= 8;
	if (cfg->irqchip != IRQCHIP_NONE && cfg->machine != MACHINE_APIC) {
		char n[16];

		snprintf(n, sizeof(n), "%d", cfg->chapter);
		return usage_error(err, cfg->irqchip == IRQCHIP_SPLIT ?
				   "--irqchip split puts the local APIC in KVM, but chapter %s's "
				   "machine has no APIC (chapters 5 and later have one)" :
				   "--irqchip kernel puts the local APIC in KVM, but chapter %s's "
				   "machine has no APIC (chapters 5 and later have one)", n);
	}
	/* KVM_CREATE_PIT2 needs KVM's 8259A and I/O APIC to raise IRQ 0 on */
	if (pit_given && cfg->irqchip != IRQCHIP_KERNEL)
		return usage_error(err, "%s", "--pit goes with --irqchip kernel (KVM's 8254 needs KVM's 8259A and "
				   "I/O APIC; in the other modes the 8254 is tinyvmm's)");
	if (cfg->irqchip == IRQCHIP_KERNEL && !pit_given)
		cfg->pit_in_kernel = true;
	if (cfg->msi_routes && cfg->irqchip != IRQCHIP_SPLIT)
		return usage_error(err, "%s", "--msi-routes goes with --irqchip split");
	/* under none an MSI is a write into our own LAPIC model: nothing of KVM's to choose */
	if (msi_given && cfg->irqchip == IRQCHIP_NONE)
		return usage_error(err, "%s", "--msi goes with --irqchip split or kernel (under 'none' the "
				   "device's MSI goes to tinyvmm's own local APIC model)");
	if (msi_given && !cfg->pci)
		return usage_error(err, "%s", "--msi needs the PCI bus (chapter 8's machine, or no --chapter)");
	if (cfg->cpus > 1 && cfg->machine != MACHINE_APIC)
		return usage_error(err, "%s", "--cpus: a second CPU needs APICs to be started and interrupted "
				   "(INIT, SIPI, IPIs): chapter 5's machine or later");
	/* halt polling is KVM's: under 'none' HLT comes to tinyvmm, which sleeps on a condition */
	if (cfg->halt_poll_ns >= 0 && cfg->irqchip == IRQCHIP_NONE)
		return usage_error(err, "%s", "--halt-poll-ns goes with --irqchip split or kernel (under 'none' "
				   "HLT exits to tinyvmm, and KVM never polls)");
	if (tick_given && cfg->machine == MACHINE_BARE)
		return usage_error(err, "%s", "--tick-policy: chapter 1 and 2's machine has no timer");
	cfg->image = cfg->kernel ? NULL : argv[optind];
	return -1;
}
