# tests/tutorial/chapter.sh - sourced by tests/tutorial/ID.test: the doctest
# (tests/doctest.sh) of tutorial/ID-*.md, ID being the test's own name: 01 to
# 10 for the chapters, a letter for an appendix (A.test runs tutorial/A-*.md).
#
# One suite per chapter, not one for the whole tutorial: where there is no
# /dev/kvm a suite that fails runs once more in the nested machine (tests/tap.sh,
# run_nested), and a second run of the whole tutorial cost 5-9 minutes of CI's
# 30.  Now it costs one chapter.  tests/tutorial-coverage.test checks that every
# chapter with commands to check has its suite.
. "$top_srcdir/tests/tap.sh"
id=$(basename "$0" .test)
doc=$(ls "$top_srcdir"/tutorial/"$id"-*.md 2>/dev/null)
# before any KVM is looked for: a suite without its chapter fails at once
if [ "$(printf '%s\n' "$doc" | grep -c .)" -ne 1 ]; then
	ok 1 "$id.test: exactly one tutorial/$id-*.md to check (found: $(echo $doc))"
	plan_done
	exit 1
fi
need_kvm
exec sh "$top_srcdir/tests/doctest.sh" "$doc"
