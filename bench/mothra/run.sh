#!/usr/bin/env bash
# bench/mothra/run.sh SPARK_HOME REPO [ROWS] - the SEI post's Mothra analytic in Spark.
#
# Runs dns_names.scala (the post's analytic, call for call) in spark-shell (local[*])
# over REPO. Mothra's schema goes to stderr first; then Spark's show(ROWS, false) text
# (default 20 rows, as in the post's code) to stdout; Spark's own logging and the elapsed
# time go to stderr. Needs Mothra's datasources on the classpath: set
# MOTHRA_JARS to its jar(s) (comma-separated), or MOTHRA_PACKAGES to Maven
# coordinates for --packages. Compare with flowsweep:
#   bench/mothra/run.sh $SPARK_HOME REPO > spark.txt
#   build/flowsweep dns-names --limit 0 REPO > flowsweep.txt
#   bench/mothra/compare.py spark.txt flowsweep.txt
# Spark is not installed on the development machine (bench/mothra/README.md).
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: run.sh SPARK_HOME REPO [ROWS]" >&2; exit 2; }
spark_home=$1 repo=$(cd "$2" && pwd) rows=${3:-20}
here=$(cd "$(dirname "$0")" && pwd)
shell="$spark_home/bin/spark-shell"
[ -x "$shell" ] || { echo "run.sh: no spark-shell at $shell" >&2; exit 1; }
deps=()
[ -n "${MOTHRA_JARS:-}" ] && deps+=(--jars "$MOTHRA_JARS")
[ -n "${MOTHRA_PACKAGES:-}" ] && deps+=(--packages "$MOTHRA_PACKAGES")
[ ${#deps[@]} -gt 0 ] || { echo "run.sh: set MOTHRA_JARS or MOTHRA_PACKAGES" >&2; exit 1; }
# The script prints Mothra's schema between two marker lines, then the show() table, all
# on stdout. The schema goes to stderr, first (it settles the column names and whether a
# separate reverseOctetCount exists: README.md, "The first run"); stdout keeps the table
# only (from its first '+---' line), so compare.py sees exactly what show() printed. With
# no table (say, an AnalysisException for a column this Mothra names differently), what
# the REPL printed goes to stderr and the exit status is 1.
"$shell" --master 'local[*]' "${deps[@]}" \
  --conf "spark.flowsweep.repo=$repo" --conf "spark.flowsweep.rows=$rows" \
  -i "$here/dns_names.scala" < /dev/null |
  awk '/^=== flowsweep: schema ===$/ {s = 1; next}
       /^=== flowsweep: end of schema ===$/ {s = 0; next}
       s {print > "/dev/stderr"; next}
       /^\+-/ && !t {t = 1}
       t && !/^scala>/ {print; next}
       !t {pre = pre $0 "\n"}
       END {if (!t) {printf "run.sh: no show() table; the REPL said:\n%s", pre > "/dev/stderr"; exit 1}}'
