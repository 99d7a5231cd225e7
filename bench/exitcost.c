/*
 * exitcost.c - what does one port-I/O exit cost through tinyvmm's run loop,
 * compared with the cheapest loop KVM allows?
 *
 * Both loops run the same guest (guest/tests/bench-exit.bin: 20000 writes to
 * port 0x80) in identical VMs built by vm_create().  The "raw" loop is the
 * physical limit for any userspace device model: KVM_RUN, look at the port,
 * KVM_RUN again.  tinyvmm's loop adds what a real VMM needs: exit dispatch,
 * the bus lookup, the device callback.  We alternate the two, several rounds,
 * and keep each one's best round, so a noisy neighbour hurts both alike.
 *
 * Then the interrupt paths of chapter 3 (8259A and 8254 in userspace,
 * KVM_INTERRUPT): bench-irq.bin raises 5000 interrupts itself through the
 * test device (the injection path alone); bench-pit.bin sleeps in HLT while
 * the PIT ticks at 10 kHz (the timer path: timer thread, wake-up, injection).
 * The same kinds of path for chapter 5 (IOAPIC + LAPIC, LAPIC timer, PIT
 * through the IOAPIC; 64-bit guests).  Each runs under --irqchip none,
 * --irqchip split (KVM_SIGNAL_MSI, and GSI routes) and --irqchip kernel
 * (chapter 7: KVM_IRQ_LINE; the 8254 in KVM, and in tinyvmm with --pit
 * user): interrupts per second, exits per interrupt, host CPU used.
 *
 * Chapter 8: the edu device's MSIs (bench-edu-*.bin; 64-bit).  Under
 * --irqchip none they reach our own LAPIC; under split and kernel KVM's, by
 * each --msi method: KVM_SIGNAL_MSI, GSI 24 routed to the message and raised
 * with KVM_IRQ_LINE, or an eventfd bound with KVM_IRQFD.  Two sources: a
 * raise the guest writes (the message leaves in that MMIO exit, from the
 * vCPU thread, whatever the method), and a finished factorial (100 us after
 * the guest starts it, in the timer thread; with irqfd the device thread
 * writes the eventfd, no ioctl; the timer thread still wakes then, to end
 * the factorial in the model).  The plain KVM_IRQ_LINE of a pin is the
 * chapter 5 rows' "kernel".  These rows add the host CPU per interrupt: the
 * factorial paces its rows (100 us plus the wake-ups), so a cheaper path
 * shows there in the CPU more than in the rate.
 *
 * Chapter 9: how late each timer's interrupt reaches the guest
 * (bench-timer.bin, ch09.S with 200 samples per timer: the latency from the
 * moment the timer was due to the handler's first instruction, measured by
 * the guest on its TSC), one run per mode, median and 99th percentile, and
 * the host CPU the run used per 1000 timer interrupts.
 *
 * Chapter 10 ("./exitcost DIR ipi" runs these rows alone): the IPI round
 * trip CPU 0 -> CPU 1 -> CPU 0 with --cpus 2 (bench-ipi.bin, ch10.S's
 * ping-pong: vector 60 to CPU 1, whose handler sends 61 back), timed by the
 * guest on its TSC, median of up to 300 round trips, one run per mode.
 * Both CPUs wait alike, spinning (sti; pause: an IPI to a running vCPU) or
 * halted (sti; hlt: an IPI that must wake a vCPU), halted with 500 us of
 * idle before each ping (longer than the poll window: the vCPU sleeps) or
 * 50 us (within it).  Halt polling: KVM's kvm_vcpu_halt() keeps a halted
 * vCPU's thread polling for a wakeup for up to halt_poll_ns (the kvm
 * module's parameter, 200000 by default; per VM with KVM_CAP_HALT_POLL since
 * Linux 5.8, tinyvmm's --halt-poll-ns) before it schedules out, trading
 * host CPU for a faster wakeup.  So under split and kernel (under none the
 * halt is tinyvmm's, no polling) the halted rows run again with
 * --halt-poll-ns 0 and 200000.  Printed: the medians in us, halted /
 * spinning and poll on / off, each ratio from one run's figures.
 *
 * No threshold here: the figures are for the reader and the issue notes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <time.h>

#include "vm.h"

/* rounds per row, best kept: 9, or EXITCOST_ROUNDS (CI's record run uses 2 for time) */
#define ROUNDS_DEFAULT 9
static int rounds = ROUNDS_DEFAULT;

/* CPU time (user + system) this process has used so far, all threads. */
static double cpu_s(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec * 1e-6 +
	       (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec * 1e-6;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void discard(void *opaque, uint8_t byte)
{
	(void)opaque;
	(void)byte;
}

/* The minimal loop: no bus, no devices; answer IN with all ones (so the guest's UART polling sees THRE). */
static unsigned long raw_loop(struct vm *vm)
{
	struct kvm_run *run = vm->vcpu[0].run;
	unsigned long exits = 0;

	for (;;) {
		if (ioctl(vm->vcpu[0].fd, KVM_RUN, 0) < 0)
			return 0;
		exits++;
		if (run->exit_reason != KVM_EXIT_IO)
			return 0;
		if (run->io.direction == KVM_EXIT_IO_IN)
			memset((char *)run + run->io.data_offset, 0xff, run->io.size * run->io.count);
		else if (run->io.port == EXIT_PORT)
			return exits;
	}
}

/*
 * What the command line leaves unsaid: one CPU, KVM's halt polling as the
 * host has it.  A zeroed vm_config would ask for halt_poll_ns 0 (no
 * polling) under split and kernel.
 */
static struct vm_config defaults(struct vm_config cfg)
{
	if (cfg.cpus == 0)
		cfg.cpus = 1;
	if (cfg.halt_poll_ns == 0)
		cfg.halt_poll_ns = -1;
	return cfg;
}

static int one_round_cfg(const struct vm_config *base, int raw, double *seconds, unsigned long *exits)
{
	struct vm_config cfg = defaults(*base);
	struct vm vm;
	double t0;
	int r = vm_create(&vm, &cfg, stderr);

	if (r) {
		vm_destroy(&vm);
		return r;
	}
	vm.serial.tx = discard;
	t0 = now_s();
	if (raw) {
		*exits = raw_loop(&vm);
	} else {
		vm_run(&vm);
		*exits = vm.vcpu[0].exits;
	}
	*seconds = now_s() - t0;
	vm_destroy(&vm);
	return *exits && vm.exit_status == 0 ? 0 : 1;
}

static int one_round(const char *image, int raw, double *seconds, unsigned long *exits)
{
	struct vm_config cfg = { .image = image, .mem_size = VM_DEFAULT_MEM };

	return one_round_cfg(&cfg, raw, seconds, exits);
}

/* One interrupt benchmark guest under one irqchip configuration; best of 'rounds'. */
struct irq_result {
	double per_second, exits_per_irq, cpu;
	bool ok;
};

static struct irq_result irq_path_cfg(const char *dir, const char *name, unsigned interrupts,
				      struct vm_config cfg)
{
	struct irq_result res = { 0 };
	char image[512];
	double best = 1e9;

	snprintf(image, sizeof(image), "%s/%s", dir, name);
	cfg.image = image;
	for (int round = 0; round < rounds; round++) {
		double s, c0 = cpu_s();
		unsigned long n;

		if (one_round_cfg(&cfg, 0, &s, &n))
			return res;		/* the guest failed: no figure */
		if (s < best) {
			best = s;
			res.exits_per_irq = (double)n / interrupts;
			res.cpu = (cpu_s() - c0) / s;
		}
	}
	res.per_second = interrupts / best;
	res.ok = true;
	return res;
}

static struct irq_result irq_path(const char *dir, const char *name, unsigned interrupts,
				  enum irqchip_mode mode, bool routes, bool kernel_pit)
{
	struct vm_config cfg = { .mem_size = VM_DEFAULT_MEM, .irqchip = mode, .msi_routes = routes,
				 .pit_in_kernel = kernel_pit };

	return irq_path_cfg(dir, name, interrupts, cfg);
}

static void irq_row(const char *dir, const char *name, const char *what, unsigned interrupts)
{
	static const struct { const char *label; enum irqchip_mode mode; bool routes, kernel_pit; } modes[] = {
		{ "none", IRQCHIP_NONE, false, false },
		{ "split/msi", IRQCHIP_SPLIT, false, false },
		{ "split/routes", IRQCHIP_SPLIT, true, false },
		{ "kernel", IRQCHIP_KERNEL, false, true },
		{ "kernel/pit-u", IRQCHIP_KERNEL, false, false },
	};

	printf("%s (%s, %u interrupts)\n", what, name, interrupts);
	for (unsigned m = 0; m < sizeof(modes) / sizeof(modes[0]); m++) {
		struct irq_result r = irq_path(dir, name, interrupts, modes[m].mode, modes[m].routes,
					       modes[m].kernel_pit);

		if (!r.ok)
			printf("  %-13s the guest did not pass\n", modes[m].label);
		else
			printf("  %-13s %8.0f interrupts/s  %5.2f exits/interrupt  %4.0f%% of a host core  "
			       "%6.1f us CPU/interrupt\n", modes[m].label, r.per_second, r.exits_per_irq, r.cpu * 100,
			       r.cpu / r.per_second * 1e6);
	}
}

/* Chapter 8: the edu's MSIs, our LAPIC or KVM's by each --msi method. */
static void edu_row(const char *dir, const char *name, const char *what, unsigned interrupts)
{
	static const struct { const char *label; enum irqchip_mode mode; enum msi_method msi; } modes[] = {
		{ "none", IRQCHIP_NONE, MSI_SIGNAL },
		{ "split/signal", IRQCHIP_SPLIT, MSI_SIGNAL },
		{ "split/route", IRQCHIP_SPLIT, MSI_ROUTE },
		{ "split/irqfd", IRQCHIP_SPLIT, MSI_IRQFD },
		{ "kernel/signal", IRQCHIP_KERNEL, MSI_SIGNAL },
		{ "kernel/route", IRQCHIP_KERNEL, MSI_ROUTE },
		{ "kernel/irqfd", IRQCHIP_KERNEL, MSI_IRQFD },
	};

	printf("%s (%s, %u interrupts)\n", what, name, interrupts);
	for (unsigned m = 0; m < sizeof(modes) / sizeof(modes[0]); m++) {
		/*
		 * A lost message would leave the guest in HLT for ever (under
		 * KVM's LAPIC tinyvmm cannot tell): the watchdog makes that a
		 * row that did not pass, not a benchmark that never ends.
		 */
		struct vm_config cfg = { .mem_size = VM_DEFAULT_MEM, .pci = true, .irqchip = modes[m].mode,
					 .msi = modes[m].msi, .pit_in_kernel = modes[m].mode == IRQCHIP_KERNEL,
					 .timeout_s = 60 };
		struct irq_result r = irq_path_cfg(dir, name, interrupts, cfg);

		if (!r.ok)
			printf("  %-13s the guest did not pass\n", modes[m].label);
		else
			printf("  %-13s %8.0f interrupts/s  %5.2f exits/interrupt  %4.0f%% of a host core  "
			       "%6.1f us CPU/interrupt\n", modes[m].label, r.per_second, r.exits_per_irq,
			       r.cpu * 100, r.cpu / r.per_second * 1e6);
	}
}

/* Chapter 9: the guest's transcript, kept to read its measurement lines. */
struct transcript {
	char text[8192];
	size_t len;
};

static void keep(void *opaque, uint8_t byte)
{
	struct transcript *t = opaque;

	if (t->len < sizeof(t->text) - 1)
		t->text[t->len++] = (char)byte;
	t->text[t->len] = 0;
}

/* In the line of 'timer': the number after 'field' ("latency median "), or -1e9. */
static double measured(const char *text, const char *timer, const char *field)
{
	const char *line = strstr(text, timer), *at, *eol;

	if (!line)
		return -1e9;
	eol = strchr(line, '\n');
	at = strstr(line, field);
	if (!at || (eol && at > eol))
		return -1e9;
	return strtod(at + strlen(field), NULL);
}

static void timer_rows(const char *dir)
{
	static const struct { const char *label; enum irqchip_mode mode; bool kernel_pit; } modes[] = {
		{ "none", IRQCHIP_NONE, false },
		{ "split", IRQCHIP_SPLIT, false },
		{ "kernel", IRQCHIP_KERNEL, true },
		{ "kernel/pit-u", IRQCHIP_KERNEL, false },
	};
	/*
	 * A one-shot or a deadline has a latency of its own: the handler's
	 * TSC minus the moment it was due.  A periodic tick's due time is
	 * start + k * period on the guest's calibrated TSC, whose error grows
	 * with k (0.01% over 200 ticks of 10 ms is 200 us), so for those the
	 * row shows the jitter: the largest distance of one period from the
	 * mean period.
	 */
	static const struct { const char *line, *label; bool latency; } timers[] = {
		{ "# lapic timer one-shot 1 ms, divide 1:", "LAPIC one-shot 1 ms", true },
		{ "# tsc-deadline", "TSC-deadline 1 ms", true },
		{ "# pit periodic", "8254 periodic 100 Hz", false },
		{ "# lapic timer periodic 10 ms, divide 1:", "LAPIC periodic 10 ms", false },
	};
	static struct transcript t[4];
	bool ok[4];
	char image[512];

	snprintf(image, sizeof(image), "%s/bench-timer.bin", dir);
	for (unsigned m = 0; m < 4; m++) {
		struct vm_config cfg = defaults((struct vm_config){ .image = image, .mem_size = VM_DEFAULT_MEM,
					 .irqchip = modes[m].mode, .pit_in_kernel = modes[m].kernel_pit, .pci = true,
					 .timeout_s = 120 });
		struct vm vm;

		ok[m] = vm_create(&vm, &cfg, stderr) == 0;
		if (ok[m]) {
			vm.serial.tx = keep;
			vm.serial.tx_opaque = &t[m];
			vm_run(&vm);
			ok[m] = vm.exit_status == 0;
		}
		vm_destroy(&vm);
	}
	printf("\ntimers, measured by the guest on its TSC (bench-timer.bin, one run each, 200 samples\n"
	       "per timer): latency due -> handler, median / 99th percentile; periodic: jitter, in us\n");
	printf("  %-30s", "");
	for (unsigned m = 0; m < 4; m++)
		printf("  %13s", modes[m].label);
	printf("\n");
	for (unsigned i = 0; i < sizeof(timers) / sizeof(timers[0]); i++) {
		printf("  %-19s %-10s", timers[i].label, timers[i].latency ? "latency" : "jitter");
		for (unsigned m = 0; m < 4; m++) {
			double a = measured(t[m].text, timers[i].line, timers[i].latency ? "latency median " : "jitter ");
			double b = measured(t[m].text, timers[i].line, "p99 ");

			if (!ok[m] || a < -1e8 || (timers[i].latency && b < -1e8))
				printf("  %13s", "-");
			else if (timers[i].latency)
				printf("  %6.0f / %4.0f", a, b);
			else
				printf("  %13.0f", a);
		}
		printf("\n");
	}
	printf("  (the host CPU per tick: the timer rows above, us CPU/interrupt = ms per 1000 ticks)\n");
}

/*
 * Chapter 10: in the line "# ping-pong, WHO: N round trips, median A cycles
 * (B ns), ..." the median in us, if the check line just before it says ok;
 * else -1.
 */
static double pingpong_us(const char *text, const char *who)
{
	char key[96];
	const char *line, *prev, *at;

	snprintf(key, sizeof(key), "# ping-pong, %s: ", who);
	line = strstr(text, key);
	if (!line)
		return -1;
	for (prev = line - 1; prev > text && prev[-1] != '\n'; prev--)
		;
	at = strstr(line, "median ");
	if (line == text || strncmp(prev, "ok - ", 5) || !at || !(at = strchr(at, '(')))
		return -1;
	return strtod(at + 1, NULL) / 1000;
}

/* One run of bench-ipi.bin: its three medians (us; -1: none), in pp[] */
static bool ipi_run(const char *image, enum irqchip_mode mode, long long halt_poll_ns, double pp[3])
{
	static const char *const who[3] = { "cpu 1 spinning", "cpu 1 halted", "cpu 1 halted, 50 us idle" };
	static struct transcript t;
	/* a lost pong leaves both CPUs in hlt: the time-out ends the run */
	struct vm_config cfg = { .image = image, .mem_size = VM_DEFAULT_MEM, .irqchip = mode, .cpus = 2,
				 .pit_in_kernel = mode == IRQCHIP_KERNEL, .halt_poll_ns = halt_poll_ns,
				 .timeout_s = 20 };
	struct vm vm;
	bool ok;

	t.len = 0;
	t.text[0] = 0;
	ok = vm_create(&vm, &cfg, stderr) == 0;
	if (ok) {
		vm.serial.tx = keep;
		vm.serial.tx_opaque = &t;
		vm_run(&vm);
	}
	vm_destroy(&vm);
	for (int i = 0; i < 3; i++)
		pp[i] = ok ? pingpong_us(t.text, who[i]) : -1;
	return ok;
}

static void put_us(double us)
{
	if (us < 0)
		printf("  %8s", "-");
	else
		printf("  %8.1f", us);
}

static void put_ratio(double a, double b)
{
	if (a < 0 || b <= 0)
		printf("  %6s", "-");
	else
		printf("  %6.2f", a / b);
}

static void ipi_rows(const char *dir)
{
	static const struct { const char *label; enum irqchip_mode mode; } modes[] = {
		{ "none", IRQCHIP_NONE }, { "split", IRQCHIP_SPLIT }, { "kernel", IRQCHIP_KERNEL },
	};
	double pp[3], off[3], on[3];
	char image[512], host[32] = "?";
	FILE *f = fopen("/sys/module/kvm/parameters/halt_poll_ns", "r");

	if (f) {
		if (!fgets(host, sizeof(host), f))
			strcpy(host, "?");
		host[strcspn(host, "\n")] = 0;
		fclose(f);
	}
	snprintf(image, sizeof(image), "%s/bench-ipi.bin", dir);
	printf("\nIPI round trip cpu 0 -> cpu 1 -> cpu 0, measured by the guest on its TSC (bench-ipi.bin,\n"
	       "--cpus 2, one run per row, up to 300 round trips or 300 ms per column): median, us.\n"
	       "Both CPUs wait alike: spinning (sti; pause), or halted (sti; hlt) with 500 or 50 us of\n"
	       "idle before each ping; halt polling as the host has it (halt_poll_ns %s);\n"
	       "-: that ping-pong's check failed (a pong lost or doubled)\n", host);
	printf("  %-8s  %8s  %8s  %8s  %13s\n", "", "spinning", "hlt 500", "hlt 50", "halted/spin");
	for (unsigned m = 0; m < 3; m++) {
		if (!ipi_run(image, modes[m].mode, -1, pp))
			printf("  %-8s  the guest did not start\n", modes[m].label);
		else {
			printf("  %-8s", modes[m].label);
			for (int i = 0; i < 3; i++)
				put_us(pp[i]);
			put_ratio(pp[1], pp[0]);
			printf(" (500)\n");
		}
	}
	printf("halt polling per VM (--halt-poll-ns: KVM_CAP_HALT_POLL), both CPUs halted, median us\n");
	printf("  %-8s  %8s  %8s  %6s    %8s  %8s  %6s\n", "", "500: 0", "200000", "on/off", "50: 0", "200000",
	       "on/off");
	for (unsigned m = 1; m < 3; m++) {
		if (!ipi_run(image, modes[m].mode, 0, off) || !ipi_run(image, modes[m].mode, 200000, on)) {
			printf("  %-8s  - (no KVM_CAP_HALT_POLL: Linux 5.8 or later)\n", modes[m].label);
			continue;
		}
		printf("  %-8s", modes[m].label);
		put_us(off[1]);
		put_us(on[1]);
		put_ratio(on[1], off[1]);
		printf("  ");
		put_us(off[2]);
		put_us(on[2]);
		put_ratio(on[2], off[2]);
		printf("\n");
	}
}

int main(int argc, char **argv)
{
	double best[2] = { 1e9, 1e9 };
	unsigned long exits[2] = { 0, 0 };
	const char *dir = argc > 1 ? argv[1] : "guest/tests";
	char image[512];

	snprintf(image, sizeof(image), "%s/bench-exit.bin", dir);
	if (getenv("EXITCOST_ROUNDS") && atoi(getenv("EXITCOST_ROUNDS")) > 0)
		rounds = atoi(getenv("EXITCOST_ROUNDS"));
	vcpu_kick_setup();
	if (argc > 2 && strcmp(argv[2], "timers") == 0) {	/* chapter 9's rows alone */
		timer_rows(dir);
		return 0;
	}
	if (argc > 2 && strcmp(argv[2], "ipi") == 0) {	/* chapter 10's rows alone */
		ipi_rows(dir);
		return 0;
	}
	for (int round = 0; round < rounds; round++) {
		for (int raw = 1; raw >= 0; raw--) {
			double s;
			unsigned long n;

			if (one_round(image, raw, &s, &n)) {
				fprintf(stderr, "exitcost: could not run %s\n", image);
				return 1;
			}
			if (s / (double)n < best[raw])
				best[raw] = s / (double)n, exits[raw] = n;
		}
	}
	printf("port-I/O exit cost, best of %d rounds, %lu exits per run\n", rounds, exits[1]);
	printf("  raw KVM_RUN loop (the limit):  %.2f us per exit\n", best[1] * 1e6);
	printf("  tinyvmm's run loop:            %.2f us per exit\n", best[0] * 1e6);
	printf("  ratio tinyvmm / raw:           %.3f\n", best[0] / best[1]);
	printf("\ninterrupt paths, best of %d rounds each, by --irqchip mode\n", rounds);
	printf("(times include the guest's start-up; the raw exit above is the unit of cost)\n");
	irq_row(dir, "bench-irq.bin", "8259A, interrupts raised by the guest (chapter 3)", 5000);
	irq_row(dir, "bench-pit.bin", "8254 at 10 kHz through the 8259A, guest idle in HLT (chapter 3)", 2000);
	irq_row(dir, "bench-ioapic-self.bin", "IOAPIC + LAPIC, edges raised by the guest (chapter 5)", 5000);
	irq_row(dir, "bench-ioapic-pit.bin", "8254 at 10 kHz through the IOAPIC, idle in HLT (chapter 5)", 2000);
	irq_row(dir, "bench-lapic-timer.bin", "LAPIC timer at 10 kHz, idle in HLT (chapter 5)", 2000);
	edu_row(dir, "bench-edu-raise.bin", "edu MSI, raised by the guest (chapter 8)", 5000);
	edu_row(dir, "bench-edu-fact.bin", "edu MSI at each factorial's end, idle in HLT (chapter 8)", 2000);
	timer_rows(dir);
	ipi_rows(dir);
	return 0;
}
