#!/bin/sh
# doctest.sh FILE.md... - run the ```console blocks of tutorial chapters and
# check that every command prints what the text says it prints.
#
# In a ```console block, a line "$ COMMAND" is run with sh -c in the build
# directory (stdout and stderr together), and the lines after it, up to the
# next "$ " line or the end of the block, are its expected output.  A line
# that is exactly "..." matches any number of lines (timings, addresses that
# vary).  Carriage returns in the output are ignored.  Blocks fenced as ```sh are shown to the reader but not run.
#
# Some results depend on the host's KVM, not on tinyvmm.  A block fenced
# ```console pvm runs only on a KVM with the PVM backend (/sys/module/kvm_pvm),
# one fenced ```console hw only on VMX/SVM hardware (or the nested machine);
# elsewhere its commands are reported as skipped, so a run on each kind of
# host (make check, make check-nested) checks every block.
# Output is TAP, one test per command.
. "$top_srcdir/tests/tap.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if [ -e /sys/module/kvm_pvm ]; then this_host=pvm; else this_host=hw; fi

# match EXPECTED ACTUAL: 0 if ACTUAL fits EXPECTED ("..." lines are wildcards)
match() {
	awk -v expfile="$1" '
	BEGIN { ne = 0; while ((getline l < expfile) > 0) want[++ne] = l }
	{ got[++na] = $0 }
	function m(i, j,   k) {
		if (i > ne) return j > na
		if (want[i] == "...") {
			for (k = j; k <= na + 1; k++) if (m(i + 1, k)) return 1
			return 0
		}
		return j <= na && want[i] == got[j] && m(i + 1, j + 1)
	}
	END { exit m(1, 1) ? 0 : 1 }' "$2"
}

for doc in "$@"; do
	name=$(basename "$doc")
	# Split the console blocks into cmd.N / exp.N files.
	awk -v dir="$tmp" -v base="$name" '
	/^```console[ \t]*$/ { inblk = 1; host = "any"; next }
	/^```console (pvm|hw)[ \t]*$/ { inblk = 1; host = $2; next }
	/^```/ && inblk { inblk = 0; next }
	inblk && /^\$ / { n++; print substr($0, 3) > (dir "/cmd." n); printf "" > (dir "/exp." n); print host > (dir "/host." n); next }
	inblk && n { print > (dir "/exp." n) }
	END { print n + 0 > (dir "/count") }' "$doc"
	count=$(cat "$tmp/count")
	[ "$count" -gt 0 ] || { ok 1 "$name: has no \`\`\`console block to check"; continue; }
	i=1
	while [ "$i" -le "$count" ]; do
		cmd=$(cat "$tmp/cmd.$i")
		want=$(cat "$tmp/host.$i")
		if [ "$want" != any ] && [ "$want" != "$this_host" ]; then
			tap_n=$((tap_n + 1))
			echo "ok $tap_n - ${tap_prefix:-}$name: \$ $cmd # SKIP a '$want' block; this host is '$this_host'"
			i=$((i + 1))
			continue
		fi
		# The guests end lines with CR LF, as a serial terminal wants; the text has LF.
		# bounded: a command that hangs fails its test instead of the suite
		# TINYVMM_TIMEOUT: a hung guest ends with its registers, which the failure shows
		(cd "$top_builddir" && TINYVMM_TIMEOUT=${TINYVMM_TIMEOUT:-120} \
			timeout -k 5 "${DOCTEST_TIMEOUT:-300}" sh -c "$cmd") 2>&1 |
			tr -d '\r' > "$tmp/act.$i"
		if match "$tmp/exp.$i" "$tmp/act.$i"; then
			ok 0 "$name: \$ $cmd"
		else
			ok 1 "$name: \$ $cmd"
			echo "#   expected (from the text):"; sed 's/^/#     /' "$tmp/exp.$i"
			echo "#   actual:"; sed 's/^/#     /' "$tmp/act.$i"
		fi
		i=$((i + 1))
	done
	rm -f "$tmp"/cmd.* "$tmp"/exp.* "$tmp"/act.* "$tmp"/host.*
done
plan_done
