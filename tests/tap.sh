# tap.sh - TAP helpers for tinyvmm's shell tests (sourced, POSIX sh).
#
#   plan_done        print the plan "1..N" (call last)
#   ok COND NAME     (COND: 0 = pass, as a shell status)
#   skip_all REASON  the whole script is skipped, e.g. no /dev/kvm
#   need_kvm         run the rest of the script against a KVM: directly when
#                    /dev/kvm can be opened, else (or with TINYVMM_NESTED=1)
#                    inside the nested machine of tests/nested/tinyvmm-vm;
#                    skip_all only when neither can be had
tap_n=0
tap_fail=0
# inside the nested machine every result is marked (see need_kvm)
if [ -n "${TINYVMM_NESTED_INSIDE:-}" ]; then tap_prefix="nested: "; fi
TINYVMM="$top_builddir/tinyvmm"
GUEST="$top_builddir/guest"

ok() {
	tap_n=$((tap_n + 1))
	# printf, not echo: dash's echo would turn a "\n" in a name into a line break
	if [ "$1" -eq 0 ]; then
		printf '%s\n' "ok $tap_n - ${tap_prefix:-}$2"
	else
		printf '%s\n' "not ok $tap_n - ${tap_prefix:-}$2"
		tap_fail=$((tap_fail + 1))
	fi
}

# is GOT EXPECTED NAME: string equality, printing both on failure (status 1)
is() {
	if [ "$1" = "$2" ]; then ok 0 "$3"; else
		ok 1 "$3"; echo "#   got:      $1"; echo "#   expected: $2"
		return 1
	fi
}

# contains HAYSTACK NEEDLE NAME
contains() {
	case "$1" in
	*"$2"*) ok 0 "$3" ;;
	*) ok 1 "$3"; echo "#   looked for: $2"; printf '%s\n' "$1" | sed 's/^/#   in: /' ;;
	esac
}

skip_all() {
	echo "1..0 # SKIP $1"
	exit 0
}

# TINYVMM_KVM_DEVICE (tinyvmm's own override) lets a machine with /dev/kvm
# play one without: TINYVMM_KVM_DEVICE=/nonexistent make check goes nested.
kvm_usable() {
	k=${TINYVMM_KVM_DEVICE:-/dev/kvm}
	[ -e "$k" ] && [ -r "$k" ] && [ -w "$k" ]
}

# TINYVMM_NESTED: auto (default: nested only without a usable /dev/kvm),
# 1 (always nested: make check-nested), 0 (never: skip without /dev/kvm).
need_kvm() {
	if [ -n "${TINYVMM_NESTED_INSIDE:-}" ]; then
		# We are the re-run inside the nested machine: mark every result.
		kvm_usable || { echo "Bail out! no usable /dev/kvm inside the nested machine"; exit 1; }
		tap_prefix="nested: "
		echo "# run nested: KVM $(uname -r) with kvm_amd (nested SVM) inside QEMU/TCG"
		return 0
	fi
	case "${TINYVMM_NESTED:-auto}" in
	1|yes) run_nested "" ;;
	0|no) kvm_usable || skip_all "no usable /dev/kvm here, and TINYVMM_NESTED=0" ;;
	*) kvm_usable || run_nested "no usable /dev/kvm here, " ;;
	esac
}

# run_nested WHY: run this very script again inside the nested machine and
# end with its results.  A machine that fails (panic, lockup, timeout) bails out.
#
# A suite that fails nested runs once more (TINYVMM_NESTED_RETRY, default 1),
# in a fresh machine; the first run's whole output stays in the log as
# comments ("# nested run 1: ..."), and the line "# NESTED RETRY" marks it
# (.ci/run lists them).  Why: the emulated machine itself has rare faults that
# no code here can fix (tests/nested/README.md, "Known faults of the emulated
# machine": about 1 in 150 split runs of ch05 gets one interrupt twice; once
# an interrupt storm froze the machine's CPU).  A failure that repeats still
# fails; and where /dev/kvm exists the suites run directly, never retried.
run_nested() {
	# TINYVMM_NESTED_SKIP="a.test b.test": suites left out of the nested
	# machine (CI without /dev/kvm, for its time: .ci/run says which and why)
	case " ${TINYVMM_NESTED_SKIP:-} " in
	*" $(basename "$0") "*) skip_all "${1}left out of the nested machine (TINYVMM_NESTED_SKIP)" ;;
	esac
	vm=${TINYVMM_VM_SCRIPT:-$top_srcdir/tests/nested/tinyvmm-vm}	# tests/nested/retry.test fakes it
	why=$(sh "$vm" status) || skip_all "$1no nested KVM either: $why"
	script=$(cd "$(dirname "$0")" && pwd -P)/$(basename "$0")
	retries=${TINYVMM_NESTED_RETRY:-1}
	first=$(mktemp)
	while :; do
		sh "$vm" run "$top_builddir" env top_srcdir="$top_srcdir" top_builddir="$top_builddir" \
			QEMU="${QEMU:-}" TSAN_OPTIONS="${TSAN_OPTIONS:-}" SMP_COUNTS="${SMP_COUNTS:-}" \
			SMP_MODES="${SMP_MODES:-}" SMP_ONLY_MATRIX="${SMP_ONLY_MATRIX:-}" \
			sh "$script" > "$first" 2>&1
		rc=$?
		[ "$rc" -eq 0 ] || [ "$retries" -le 0 ] && break
		retries=$((retries - 1))
		echo "# NESTED RETRY: this suite failed nested (status $rc); its output follows as comments, then a second run"
		sed 's/^/# nested run 1: /' "$first"
	done
	cat "$first"
	rm -f "$first"
	[ "$rc" -eq 125 ] && echo "Bail out! the nested machine failed (its console is shown above)"
	exit "$rc"
}

# mbhello_dir DIR: lay out DIR/guest/mbhello/ with the Multiboot kernel and
# its two modules, to run a loader from DIR with the arguments below.  The
# command line and the module strings are part of mbhello's transcript
# (tests/guest/expected/mbhello-N.out), so every run, QEMU's or tinyvmm's,
# in-tree or VPATH, must name the files alike.
MBHELLO_KERNEL=guest/mbhello/mbhello.elf
MBHELLO_APPEND="hello world"
MBHELLO_INITRD="guest/mbhello/mod-a.txt one,guest/mbhello/mod-b.txt"
mbhello_dir() {
	mkdir -p "$1/guest/mbhello" &&
	cp "$GUEST/mbhello/mbhello.elf" "$top_srcdir/guest/mbhello/mod-a.txt" \
		"$top_srcdir/guest/mbhello/mod-b.txt" "$1/guest/mbhello/"
}

plan_done() {
	echo "1..$tap_n"
	[ "$tap_fail" -eq 0 ]
}
