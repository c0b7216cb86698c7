#!/bin/sh
# roundtrip.sh - flowsweep-gen's --truth against independent decoders of its files.
#
#   roundtrip.sh --gen GEN --work DIR [--flowdump FLOWDUMP] [--ref CONVERTER.py]
#                [--xml YAF3-ELEMENTS.xml] [--ipfixdump PROG] -- GEN-ARGS...
#
# Generates a small repository with GEN-ARGS plus --truth, then checks, in file order:
#  0. ipfixDump (libfixbuf's own decoder) parses every file with exit 0 and nothing on
#     stderr, and shows DNS records (0xCF00) in the DNS lists;
#  a. FLOWDUMP (flowsweep's reader) prints exactly the truth, and exits 0;
#  b. CONVERTER (tests/ref/ipfixdump2flowdump.py) applied to ipfixDump's text prints
#     exactly the truth.
# Give --xml (tests/roundtrip/yaf3-elements.xml) for --layout 3: it lets ipfixDump
# decode yafDPIList (6871/432), which Debian's cert_ipfix.xml does not define.
# "# file" lines are not compared. A missing FLOWDUMP or CONVERTER skips that check;
# exit 77 (skip) when ipfixDump is not installed.
set -u
gen= work= fd= ref= xml= ipd=ipfixDump
while [ $# -gt 0 ]; do
  case $1 in
  --gen) gen=$2; shift 2 ;;
  --work) work=$2; shift 2 ;;
  --flowdump) fd=$2; shift 2 ;;
  --ref) ref=$2; shift 2 ;;
  --xml) xml=$2; shift 2 ;;
  --ipfixdump) ipd=$2; shift 2 ;;
  --) shift; break ;;
  *) echo "roundtrip.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
[ -n "$gen" ] && [ -n "$work" ] || { echo "roundtrip.sh: --gen and --work are required" >&2; exit 2; }
command -v "$ipd" >/dev/null 2>&1 || { echo "skip: ipfixDump is not installed"; exit 77; }

fail() { echo "FAIL: $*"; exit 1; }

rm -rf "$work" && mkdir -p "$work" || exit 1
"$gen" --out "$work/repo" --truth "$work/truth" --labels "$work/labels.tsv" -q "$@" ||
  fail "flowsweep-gen $*"
find "$work/repo" -name '*.yaf' | LC_ALL=C sort >"$work/files"
[ -s "$work/files" ] || fail "no files generated"
grep -v '^# file' "$work/truth" >"$work/want"
nflows=$(grep -c '^F' "$work/want")
nrr=$(grep -c '^R' "$work/want")
echo "generated $(wc -l <"$work/files") files, $nflows flows, $nrr DNS records: $*"

# Every flow starts inside its file's span (YAF writes a flow to the file open when it
# exports it, after its start): from the name's time to the next file's of that hour, or the
# hour's end. Worked out from the truth's "# file" lines and the names alone.
python3 - "$work/truth" <<'EOF' || fail "a flow starts outside its file's span"
import calendar, re, sys, time
files = []
for line in open(sys.argv[1]):
    if line.startswith("# file "):
        stamp = re.search(r"-(\d{14})-\d+\.yaf$", line.strip()).group(1)
        t0 = calendar.timegm(time.strptime(stamp, "%Y%m%d%H%M%S")) * 1000
        files.append([line[7:].strip(), t0, []])
    elif line.startswith("F "):
        files[-1][2].append(int(line.split()[1]))
bad = 0
for i, (path, t0, starts) in enumerate(files):
    end = t0 - t0 % 3600000 + 3600000
    if i + 1 < len(files) and t0 < files[i + 1][1] < end:
        end = files[i + 1][1]
    out = [s for s in starts if not t0 <= s < end]
    if out:
        bad += 1
        print("FAIL: %s: %d flows start outside [%d, %d), e.g. %d" % (path, len(out), t0, end, out[0]))
sys.exit(1 if bad else 0)
EOF
echo "ok: every flow starts inside its file's span"

# 0. ipfixDump: clean parse, DNS lists present.
xmlopt=
[ -n "$xml" ] && xmlopt="-e $xml"
: >"$work/dump.all"
while read -r f; do
  # shellcheck disable=SC2086 # xmlopt is two words or nothing
  TZ=UTC "$ipd" --yaf $xmlopt --data --in "$f" >"$work/dump" 2>"$work/dump.err" ||
    fail "ipfixDump exit status on $f"
  [ -s "$work/dump.err" ] && { head -5 "$work/dump.err"; fail "ipfixDump warnings on $f"; }
  cat "$work/dump" >>"$work/dump.all"
done <"$work/files"
ncf=$(grep -c 'tid: 52992 (0xcf00)' "$work/dump.all")
[ "$ncf" -gt 0 ] || fail "ipfixDump shows no DNS records (layout 3 needs --xml)"
echo "ok: ipfixDump parses every file cleanly ($ncf DNS record lines)"

# a. flowsweep's reader.
if [ -n "$fd" ]; then
  # shellcheck disable=SC2046 # one argument per file; generated paths have no spaces
  "$fd" $(cat "$work/files") >"$work/flowdump.out" 2>"$work/flowdump.err"
  rc=$?
  grep -v '^# file' "$work/flowdump.out" >"$work/got.fd"
  if ! diff "$work/want" "$work/got.fd" >"$work/diff.fd"; then
    head -40 "$work/diff.fd"
    fail "flowdump (>) differs from the truth (<)"
  fi
  if [ $rc -ne 0 ]; then
    cat "$work/flowdump.err"
    fail "flowdump printed the truth but exited $rc: it reports damage in files libfixbuf wrote"
  fi
  echo "ok: flowdump equals the truth"
else
  echo "note: no flowdump target; reader check skipped"
fi

# b. the independent converter of ipfixDump's text.
if [ -n "$ref" ] && [ -r "$ref" ] && command -v python3 >/dev/null 2>&1; then
  : >"$work/ref.out"
  while read -r f; do
    # shellcheck disable=SC2086
    TZ=UTC "$ipd" --yaf $xmlopt --data --in "$f" 2>/dev/null |
      python3 "$ref" --path "$f" >>"$work/ref.out" || fail "converter on $f"
  done <"$work/files"
  grep -v '^# file' "$work/ref.out" >"$work/got.ref"
  if ! diff "$work/want" "$work/got.ref" >"$work/diff.ref"; then
    head -40 "$work/diff.ref"
    fail "ipfixDump + converter (>) differs from the truth (<)"
  fi
  echo "ok: ipfixDump + $(basename "$ref") equals the truth"
else
  echo "note: no converter ($ref); ipfixDump text check skipped"
fi
exit 0
