/*
 * options.h - parse tinyvmm's command line into a struct vm_config.
 */
#ifndef TINYVMM_OPTIONS_H
#define TINYVMM_OPTIONS_H

#include <stdio.h>

#include "vm.h"

/*
 * Returns -1 when the VM should run with *cfg; otherwise the exit status to
 * return at once (0 after --help/--version, EXIT_USAGE after a bad option,
 * with a one-line message on err).
 */
int options_parse(int argc, char **argv, struct vm_config *cfg, FILE *out, FILE *err);

/* "16M", "1G", "65536" -> bytes; -1 if not a size. */
long long options_parse_size(const char *s);

#endif
