#!/bin/sh
# doctest.sh FILE.md... - run the ```console blocks of tutorial chapters and
# check that every command prints what the text says it prints.
#
# In a ```console block, a line "$ COMMAND" is run with sh -c in the build
# directory (stdout and stderr together), and the lines after it, up to the
# next "$ " line or the end of the block, are its expected output.  A line
# that is exactly "..." matches any number of lines (timings, addresses that
# vary); "[...]" inside a line matches any text within that line (a trace
# line's timestamp: "t=[...]ms pit0: irq0 rises").  Carriage returns in the
# output are ignored.  Blocks fenced as ```sh are shown to the reader but not run.
#
# The fence says where a block runs:
#   ```console            needs a KVM (tutorial.test runs it, nested if need be)
#   ```console nokvm      needs no KVM (objdump, --help, make): tutorial-nokvm.test
#                         runs it on every machine, with or without /dev/kvm
#   ```console pvm / hw   the result depends on the host's KVM: runs only on a
#                         PVM host (/sys/module/kvm_pvm), or only on VMX/SVM
#                         hardware (or the nested machine); elsewhere reported
#                         as skipped, so make check + make check-nested check both
#   ```console illustrative: REASON
#                         shown, never run (REASON says why it cannot run here);
#                         counted and listed, so nothing is silently untested
# DOCTEST_KINDS=nokvm runs only the nokvm blocks; DOCTEST_KINDS=kvm (the
# default) all the others.  Output is TAP, one test per command, and a
# summary: how many commands ran, were skipped, and how many blocks are
# illustrative.
. "$top_srcdir/tests/tap.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if [ -e /sys/module/kvm_pvm ]; then this_host=pvm; else this_host=hw; fi
kinds=${DOCTEST_KINDS:-kvm}
# A reader works in the source tree, where ./tinyvmm, guest/ch01.bin and
# guest/ch01.S sit side by side.  In a separate build directory (make
# distcheck, CI's sanitizer build) the commands run in a merged view: the
# source tree, with the build tree's files over it (symbolic links).
rundir=$top_builddir
if [ "$(cd "$top_srcdir" && pwd -P)" != "$(cd "$top_builddir" && pwd -P)" ]; then
	rundir=$tmp/tree
	mkdir -p "$rundir"
	cp -rs "$(cd "$top_srcdir" && pwd -P)"/. "$rundir"/ 2>/dev/null
	cp -rsf "$(cd "$top_builddir" && pwd -P)"/. "$rundir"/ 2>/dev/null
fi
n_run=0 n_skip=0 n_illus=0

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
		return j <= na && same(want[i], got[j]) && m(i + 1, j + 1)
	}
	# a line of the text, where "[...]" stands for any text, against a line of output
	function same(w, g,   n, parts, k, at) {
		if (index(w, "[...]") == 0) return w == g
		n = split(w, parts, /\[\.\.\.\]/)
		if (substr(g, 1, length(parts[1])) != parts[1]) return 0
		g = substr(g, length(parts[1]) + 1)
		for (k = 2; k < n; k++) {
			at = index(g, parts[k]); if (at == 0) return 0
			g = substr(g, at + length(parts[k]))
		}
		return n < 2 || (length(g) >= length(parts[n]) && substr(g, length(g) - length(parts[n]) + 1) == parts[n])
	}
	END { exit m(1, 1) ? 0 : 1 }' "$2"
}

for doc in "$@"; do
	name=$(basename "$doc")
	# Split the console blocks into cmd.N / exp.N files.
	awk -v dir="$tmp" -v base="$name" '
	/^```console[ \t]*$/ { inblk = 1; host = "any"; next }
	/^```console (pvm|hw|nokvm)[ \t]*$/ { inblk = 1; host = $2; next }
	/^```console illustrative/ {
		why = $0; sub(/^```console illustrative:?[ \t]*/, "", why)
		print FNR "\t" why >> (dir "/illustrative"); skipblk = 1; next
	}
	/^```/ && skipblk { skipblk = 0; next }
	/^```/ && inblk { inblk = 0; next }
	inblk && /^\$ / { n++; print substr($0, 3) > (dir "/cmd." n); printf "" > (dir "/exp." n); print host > (dir "/host." n); next }
	inblk && n { print > (dir "/exp." n) }
	END { print n + 0 > (dir "/count") }' "$doc"
	if [ -f "$tmp/illustrative" ]; then
		while IFS="$(printf '\t')" read -r line why; do
			if [ -z "$why" ]; then
				ok 1 "$name:$line: an illustrative block says why it cannot run (\`\`\`console illustrative: REASON)"
			elif [ "$kinds" = kvm ]; then
				echo "# illustrative, not run: $name:$line: $why"
			fi
			n_illus=$((n_illus + 1))
		done < "$tmp/illustrative"
		rm -f "$tmp/illustrative"
	fi
	count=$(cat "$tmp/count")
	[ "$count" -gt 0 ] || [ "$kinds" = nokvm ] || { ok 1 "$name: has no \`\`\`console block to check"; continue; }
	i=1
	while [ "$i" -le "$count" ]; do
		cmd=$(cat "$tmp/cmd.$i")
		want=$(cat "$tmp/host.$i")
		# the other test runs it
		if { [ "$kinds" = nokvm ] && [ "$want" != nokvm ]; } || { [ "$kinds" != nokvm ] && [ "$want" = nokvm ]; }; then
			i=$((i + 1))
			continue
		fi
		if [ "$want" != any ] && [ "$want" != nokvm ] && [ "$want" != "$this_host" ]; then
			tap_n=$((tap_n + 1))
			echo "ok $tap_n - ${tap_prefix:-}$name: \$ $cmd # SKIP a '$want' block; this host is '$this_host'"
			n_skip=$((n_skip + 1))
			i=$((i + 1))
			continue
		fi
		# The guests end lines with CR LF, as a serial terminal wants; the text has LF.
		# bounded: a command that hangs fails its test instead of the suite
		# TINYVMM_TIMEOUT: a hung guest ends with its registers, which the failure shows
		# fds 3-9 closed: a reader's shell has only 0-2 open, and the fd
		# numbers in strace listings (/dev/kvm = 3) must be the reader's
		(cd "$rundir" && TINYVMM_TIMEOUT=${TINYVMM_TIMEOUT:-120} \
			timeout -k 5 "${DOCTEST_TIMEOUT:-300}" sh -c "$cmd" \
			3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&- </dev/null) 2>&1 |
			tr -d '\r' > "$tmp/act.$i"
		n_run=$((n_run + 1))
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
echo "# doctest ($kinds blocks): $n_run commands run, $n_skip skipped (another host's variant), $n_illus illustrative blocks not run"
plan_done
