# tap.sh - TAP helpers for tinyvmm's shell tests (sourced, POSIX sh).
#
#   plan_done        print the plan "1..N" (call last)
#   ok COND NAME     (COND: 0 = pass, as a shell status)
#   skip_all REASON  the whole script is skipped, e.g. no /dev/kvm
#   need_kvm         skip_all unless /dev/kvm can be opened
tap_n=0
tap_fail=0
TINYVMM="$top_builddir/tinyvmm"
GUEST="$top_builddir/guest"

ok() {
	tap_n=$((tap_n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $tap_n - $2"
	else
		echo "not ok $tap_n - $2"
		tap_fail=$((tap_fail + 1))
	fi
}

# is GOT EXPECTED NAME: string equality, printing both on failure
is() {
	if [ "$1" = "$2" ]; then ok 0 "$3"; else
		ok 1 "$3"; echo "#   got:      $1"; echo "#   expected: $2"
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

need_kvm() {
	[ -e /dev/kvm ] || skip_all "/dev/kvm is not present on this machine"
	[ -r /dev/kvm ] && [ -w /dev/kvm ] || skip_all "/dev/kvm is not accessible (not in the kvm group?)"
}

plan_done() {
	echo "1..$tap_n"
	[ "$tap_fail" -eq 0 ]
}
