/*
 * main.c - tinyvmm's command line: options -> struct vm_config -> run.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "options.h"
#include "vm.h"

int main(int argc, char **argv)
{
	struct vm_config cfg;
	struct vm *vm;
	int status;

	status = options_parse(argc, argv, &cfg, stdout, stderr);
	if (status >= 0)
		return status;		/* --help, --version, or a usage error */
	/*
	 * A default --timeout from the environment: the test suites set it so
	 * that a guest that hangs in a tutorial command ends with its registers
	 * (where it waited) instead of a silent wait for the suite's own limit.
	 */
	if (cfg.timeout_s == 0 && getenv("TINYVMM_TIMEOUT")) {
		char *end;
		double t = strtod(getenv("TINYVMM_TIMEOUT"), &end);

		if (end != getenv("TINYVMM_TIMEOUT") && !*end && t > 0 && t <= 1e6)
			cfg.timeout_s = t;
		else
			fprintf(stderr, "tinyvmm: TINYVMM_TIMEOUT='%s' is not a number of seconds; ignored\n",
				getenv("TINYVMM_TIMEOUT"));
	}

	/* The console is stdout; keep it line-buffered so it interleaves sanely with stderr. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	vcpu_kick_setup();

	vm = calloc(1, sizeof(*vm));
	if (!vm) {
		fprintf(stderr, "tinyvmm: out of memory\n");
		return EXIT_SETUP;
	}
	status = vm_create(vm, &cfg, stderr);
	if (status == 0)
		status = vm_run(vm);
	vm_destroy(vm);
	free(vm);
	return status;
}
