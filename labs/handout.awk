# handout.awk - turn one source file of the solution into its handout for lab
# LAB (awk -v lab=3a -v readme=labs/03a-pic/README.md -f handout.awk FILE).
#
#	/* LAB 3a: begin */	lab 3a: the begin marker points to the README,
#	...solution...		the solution goes,
#	/* LAB 3a: stub */
#	//@ stub line		the stub stays, "//@ " removed,
#	/* LAB 3a: end */	the end marker stays.
#
# Any other lab's region keeps its solution; its markers and stub go.  A
# malformed region (unclosed, nested, an end without a begin) is an error:
# the exit status is 2 and the message names the file and line.
function fail(msg) {
	printf "%s:%s: %s\n", FILENAME, FNR, msg > "/dev/stderr"
	bad = 1
	exit 2
}
function marker(line, what,    m) {
	# "/* LAB <id>: <what> */" alone on its line; sets mid to the lab id
	# (a chapter's number with an optional letter, or an appendix's capital)
	if (match(line, "^[ \t]*/\\* LAB ([0-9]+[a-z]?|[A-Z]): " what " \\*/[ \t]*$")) {
		m = line
		sub(/^[ \t]*\/\* LAB /, "", m)
		sub(/:.*/, "", m)
		mid = m
		return 1
	}
	return 0
}
BEGIN { state = "out" }
{
	if (marker($0, "begin")) {
		if (state != "out") fail("LAB " mid ": begin inside the region of LAB " cur)
		cur = mid; state = "solution"; found[cur] = 1
		if (cur == lab) {
			line = $0
			sub(/begin \*\//, "your code here (" readme ") */", line)
			print line
		}
		next
	}
	if (marker($0, "stub")) {
		if (state != "solution" || mid != cur) fail("LAB " mid ": stub marker outside its region")
		state = "stub"
		next
	}
	if (marker($0, "end")) {
		if (state == "out" || mid != cur) fail("LAB " mid ": end without its begin")
		if (state != "stub") fail("LAB " mid ": region without a stub marker")
		if (cur == lab) print
		state = "out"
		next
	}
	if (state == "out") { print; next }
	if (state == "solution") {
		if (cur != lab) print
		next
	}
	# state == "stub": every line is "//@ text" or a bare "//@"
	if ($0 !~ /^[ \t]*\/\/@( |$)/) fail("LAB " cur ": a stub line must start with //@")
	if (cur == lab) {
		line = $0
		sub(/\/\/@ ?/, "", line)
		print line
	}
}
END {
	if (!bad && state != "out") { FNR = "end"; fail("LAB " cur ": region not closed") }
}
