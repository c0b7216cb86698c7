# Tests of engine/read (the IPFIX reader).
#   flowdump                 tests/tools/flowdump.c: the reader's output as flowdump v1
#   unit.read_layouts        libfixbuf-written fixtures: every layout + damage cases
#   unit.decode_dns_fixed    the specialised DNS path against the general one, field by field
#   unit.read_flowdump_exit  flowdump's exit codes
#   unit.read_data.<file>    tests/data/*.ipfix (redistributable real YAF files)
#   real.<file>              ${FLOWSWEEP_SHARED_DATA}/*.ipfix (skipped when absent)
# The data tests diff flowdump (both decoders) against tests/ref/ipfixdump2flowdump.py applied to
# ipfixDump's text (an independent decoder) and compare the flow/DNS counts; they
# skip (77) when ipfixDump or the file is missing.
add_executable(flowdump tools/flowdump.c)
target_link_libraries(flowdump PRIVATE engine_read engine_common engine_flags)
engine_link_allocator(flowdump)

flowsweep_unit_test(read_layouts SOURCES unit/test_read_layouts.c
  LIBS engine_read engine_common PkgConfig::FIXBUF)

# unit.decode_dns_fixed: the specialised DNS path (ipfix_fast_rr_fixed()) against the general one
# and values worked out from the bytes by libfixbuf's rules: YAF's layouts, every width, the
# layouts the plan must refuse part by part, random layouts, every set of parts a job reads.
flowsweep_unit_test(decode_dns_fixed SOURCES unit/test_decode_dns_fixed.c
  LIBS engine_read engine_common)

find_program(FLOWSWEEP_IPFIXDUMP ipfixDump)
find_program(FLOWSWEEP_PYTHON3 python3)
set(_ipfixdump ${FLOWSWEEP_IPFIXDUMP})
if(NOT _ipfixdump)
  set(_ipfixdump ipfixDump)
endif()
set(_python ${FLOWSWEEP_PYTHON3})
if(NOT _python)
  set(_python python3)
endif()

# sh script: $1 file, $2 flowdump, $3 converter, $4 ipfixDump, $5 python3, $6 "nodns" or "-"
set(_read_compare [=[
f=$1 fd=$2 conv=$3 ipd=$4 py=$5 mode=$6
[ -r "$f" ] || { echo "skip: $f is missing"; exit 77; }
command -v "$ipd" >/dev/null 2>&1 || { echo "skip: ipfixDump is not installed"; exit 77; }
command -v "$py" >/dev/null 2>&1 || { echo "skip: python3 is not installed"; exit 77; }
t=$(mktemp -d) || exit 1
trap 'rm -rf "$t"' EXIT
TZ=UTC "$ipd" --yaf --data --in "$f" >"$t/dump" 2>/dev/null || { echo "FAIL: ipfixDump"; exit 1; }
"$py" "$conv" --path "$f" "$t/dump" >"$t/ref" || { echo "FAIL: converter"; exit 1; }
grep -v '^# file' "$t/ref" >"$t/b"
"$py" "$conv" --counts "$t/dump" | grep -v '^# file' >"$t/c2"
for d in fast fixbuf; do
  "$fd" --decoder $d "$f" >"$t/got" || { echo "FAIL: flowdump --decoder $d exited $?"; exit 1; }
  grep -v '^# file' "$t/got" >"$t/a"
  if ! diff "$t/b" "$t/a" >"$t/diff"; then
    echo "FAIL: flowdump --decoder $d (>) differs from ipfixDump (<):"; head -40 "$t/diff"; exit 1
  fi
  "$fd" --decoder $d --counts "$f" | grep -v '^# file' >"$t/c1"
  cmp -s "$t/c1" "$t/c2" || { echo "FAIL: counts differ ($d)"; cat "$t/c1" "$t/c2"; exit 1; }
done
echo "$f: $(cat "$t/c1") (both decoders same as ipfixDump)"
if [ "$mode" = nodns ]; then
  grep -q ' dns=0$' "$t/c1" || { echo "FAIL: expected no DNS records"; exit 1; }
  grep -q '^flows=0 ' "$t/c1" && { echo "FAIL: expected flow records"; exit 1; }
fi
exit 0
]=])

function(read_compare_test name file label)
  set(mode "-")
  get_filename_component(base ${file} NAME)
  if(base MATCHES "^foreign-")
    set(mode nodns) # non-YAF IPFIX: flows, but no DNS DPI
  endif()
  add_test(NAME ${name} COMMAND sh -c "${_read_compare}" sh ${file} $<TARGET_FILE:flowdump>
    ${CMAKE_CURRENT_SOURCE_DIR}/ref/ipfixdump2flowdump.py ${_ipfixdump} ${_python} ${mode})
  set_tests_properties(${name} PROPERTIES LABELS "${label}" SKIP_RETURN_CODE 77)
endfunction()

file(GLOB _read_data ${CMAKE_CURRENT_SOURCE_DIR}/data/*.ipfix)
foreach(f ${_read_data})
  get_filename_component(stem ${f} NAME_WE)
  get_filename_component(ext ${f} EXT)
  string(REGEX REPLACE "\\.ipfix$" "" ext ${ext})
  read_compare_test(unit.read_data.${stem}${ext} ${f} unit)
endforeach()

if(IS_DIRECTORY ${FLOWSWEEP_SHARED_DATA})
  file(GLOB _read_real ${FLOWSWEEP_SHARED_DATA}/*.ipfix)
  foreach(f ${_read_real})
    get_filename_component(stem ${f} NAME_WE)
    get_filename_component(ext ${f} EXT)
    string(REGEX REPLACE "\\.ipfix$" "" ext ${ext})
    # the two captures past 3 MB (7 and 4 MB per packet): the release pass only, the
    # sanitizers read every smaller one (and the fuzzers the decoders)
    file(SIZE ${f} _size)
    if(_size GREATER 3000000)
      read_compare_test(real.${stem}${ext} ${f} "real;release")
    else()
      read_compare_test(real.${stem}${ext} ${f} real)
    endif()
  endforeach()
else()
  add_test(NAME real.read_shared_data
    COMMAND sh -c "echo 'skip: ${FLOWSWEEP_SHARED_DATA} is absent'; exit 77")
  set_tests_properties(real.read_shared_data PROPERTIES LABELS real SKIP_RETURN_CODE 77)
endif()

# flowdump exit codes: 0 clean, 3 damaged/fatal (named on stderr), 1 usage/open errors.
add_test(NAME unit.read_flowdump_exit COMMAND sh -c [=[
fd=$1; t=$(mktemp -d) || exit 1; trap 'rm -rf "$t"' EXIT
: >"$t/empty.ipfix"; printf 'not ipfix at all' >"$t/junk.ipfix"
"$fd" "$t/empty.ipfix" >/dev/null || { echo "empty file: want 0"; exit 1; }
"$fd" "$t/junk.ipfix" >/dev/null 2>"$t/err"; rc=$?
[ $rc -eq 3 ] || { echo "junk: got $rc, want 3"; exit 1; }
grep -q "junk.ipfix" "$t/err" || { echo "junk: stderr does not name the file"; exit 1; }
"$fd" "$t/missing.ipfix" >/dev/null 2>&1; rc=$?
[ $rc -eq 1 ] || { echo "missing: got $rc, want 1"; exit 1; }
"$fd" "$t/missing.ipfix" "$t/junk.ipfix" >/dev/null 2>&1; rc=$?
[ $rc -eq 1 ] || { echo "missing+junk: got $rc, want 1"; exit 1; }
"$fd" >/dev/null 2>&1; rc=$?
[ $rc -eq 1 ] || { echo "no arguments: got $rc, want 1"; exit 1; }
"$fd" --counts "$t/empty.ipfix" | grep -qx 'flows=0 dns=0' || { echo "--counts"; exit 1; }
exit 0
]=] sh $<TARGET_FILE:flowdump>)
set_tests_properties(unit.read_flowdump_exit PROPERTIES LABELS unit)

# unit.read_odd_layouts: hand-made templates no exporter writes (reduced and
# over-long fields, repeated elements, every DNS list path): both decoders must
# print exactly what libfixbuf's rules give, worked out by hand in the script.
# Then odd, swapped (the flow templates' IDs swapped, one length changed each)
# and odd again by one reader: the fast decoder keeps earlier files' templates
# for reuse (ipfix_scan.c, pool_take()), and each file must still read by its own.
add_test(NAME unit.read_odd_layouts COMMAND sh -c [=[
set -e
t=$(mktemp -d); trap 'rm -rf "$t"' EXIT
python3 "$1" "$t/odd.ipfix" "$t/expect" "$t/swapped.ipfix"
for d in fast fixbuf; do
  "$2" --decoder $d "$t/odd.ipfix" > "$t/$d"
  diff -u "$t/expect" "$t/$d" || { echo "decoder $d differs from the hand-worked values"; exit 1; }
done
{ cat "$t/expect"; sed "s|odd.ipfix|swapped.ipfix|" "$t/expect"; cat "$t/expect"; } > "$t/expect3"
for d in fast fixbuf; do
  "$2" --decoder $d "$t/odd.ipfix" "$t/swapped.ipfix" "$t/odd.ipfix" > "$t/$d.3"
  diff -u "$t/expect3" "$t/$d.3" || { echo "decoder $d: files read in turn by one reader differ"; exit 1; }
done
]=] sh ${CMAKE_CURRENT_SOURCE_DIR}/ref/odd_layouts.py $<TARGET_FILE:flowdump>)
set_tests_properties(unit.read_odd_layouts PROPERTIES LABELS unit)

# fuzz.ipfix_read: tests/fuzz/fuzz_ipfix_read.c over tests/fuzz/corpus/ipfix_read
# (generated layout 2/3 files, small tests/data files, damaged variants, crashers).
flowsweep_fuzz_target(ipfix_read SOURCES fuzz/fuzz_ipfix_read.c fuzz/fuzz_file.c
                      LIBS engine_read engine_common)

# fuzz.decoders_agree: the fast decoder and libfixbuf's on the same bytes must
# yield the same flows, DNS records, counts, damage and fatal errors. Its
# corpus starts as ipfix_read's; findings are added to its own directory.
flowsweep_fuzz_target(decoders_agree SOURCES fuzz/fuzz_decoders_agree.c fuzz/fuzz_file.c
                      LIBS engine_read engine_common)

# e2e.export_odd_layouts: flowsweep export of the odd-layout file: the decoded
# values reach the rows, and the name with a terminal escape arrives as \x1B
# text (JSON-escaped backslash), with no raw control byte in either format.
add_test(NAME e2e.export_odd_layouts COMMAND sh -c [=[
set -e
t=$(mktemp -d); trap 'rm -rf "$t"' EXIT
python3 "$1" "$t/odd.ipfix"
"$2" export -q --format jsonl "$t/odd.ipfix" > "$t/rows.jsonl"
"$2" export -q --format csv "$t/odd.ipfix" > "$t/rows.csv"
[ "$(wc -l < "$t/rows.jsonl")" -eq 3 ] || { echo "want 3 rows"; exit 1; }
grep -qF '"names":["t\\x1B[31m.x.","b.example."]' "$t/rows.jsonl" || { echo "escaped name missing"; cat "$t/rows.jsonl"; exit 1; }
grep -qF '"sport":9029,"dport":53,"proto":17' "$t/rows.jsonl" || { echo "reduced-length fields"; exit 1; }
if LC_ALL=C grep -q '[[:cntrl:]]' "$t/rows.jsonl"; then echo "raw control byte in jsonl"; exit 1; fi
if LC_ALL=C tr -d '\r\n' < "$t/rows.csv" | LC_ALL=C grep -q '[[:cntrl:]]'; then echo "raw control byte in csv"; exit 1; fi
exit 0
]=] sh ${CMAKE_CURRENT_SOURCE_DIR}/ref/odd_layouts.py $<TARGET_FILE:flowsweep>)
set_tests_properties(e2e.export_odd_layouts PROPERTIES LABELS e2e)

# unit.read_time_forms: flow times as seconds (0/150), sysUpTime with systemInitTimeMilliseconds
# (0/22 + 0/160) and microseconds before the export time (0/158), and flow-like records with
# no start the reader can place: both decoders print the times worked out by hand in
# tests/ref/time_forms.py and name the records not read (exit 3); ipfixDump counts the same
# data records; dns-dest counts every placed flow's bytes and says what it could not read.
add_test(NAME unit.read_time_forms COMMAND sh -c [=[
t=$(mktemp -d); trap 'rm -rf "$t"' EXIT
python3 "$1" "$t/tf.ipfix" "$t/expect" || exit 1
grep '^F ' "$t/expect" > "$t/flows"
for d in fast fixbuf; do
  "$2" --decoder $d "$t/tf.ipfix" > "$t/$d" 2> "$t/$d.err"; rc=$?
  [ $rc -eq 3 ] || { echo "flowdump --decoder $d exited $rc, want 3 (records not read)"; exit 1; }
  grep -v '^# file' "$t/$d" | diff -u "$t/flows" - || { echo "decoder $d differs from the hand-worked times"; exit 1; }
  grep -q "$(sed -n 's/^untimed //p' "$t/expect") flow records not read.*template 261 (observation domain 1)" "$t/$d.err" \
    || { echo "decoder $d: no warning naming template 261"; cat "$t/$d.err"; exit 1; }
done
if command -v ipfixDump >/dev/null 2>&1; then
  n=$(ipfixDump --in "$t/tf.ipfix" --data 2>/dev/null | grep -c -- '--- data record')
  [ "$n" = "$(sed -n 's/^records //p' "$t/expect")" ] || { echo "ipfixDump counts $n data records"; exit 1; }
fi
sed -n 's/^far //p' "$t/expect" > "$t/far.flows"
for d in fast fixbuf; do
  "$2" --decoder $d "$t/tf-far.ipfix" > "$t/far.$d" 2> "$t/far.$d.err"; rc=$?
  [ $rc -eq 3 ] || { echo "far: flowdump --decoder $d exited $rc, want 3 (damage)"; exit 1; }
  grep -v '^# file' "$t/far.$d" | diff -u "$t/far.flows" - || { echo "far: decoder $d"; exit 1; }
  grep -qF "3 damaged sets/messages skipped; first at $(sed -n 's/^far-damage //p' "$t/expect")" "$t/far.$d.err" \
    || { echo "far: decoder $d does not name the damage"; cat "$t/far.$d.err"; exit 1; }
done
want=$(awk '{b += $10} END {print "10.0.0.1,17," b "," NR}' "$t/flows")
"$3" dns-dest -q --src-cidr any --min-bpp 0 --min-bytes 0 --format csv --summary json \
  "$t/tf.ipfix" > "$t/out" 2> "$t/err"; rc=$?
[ $rc -eq 3 ] || { echo "dns-dest exited $rc, want 3"; cat "$t/err"; exit 1; }
got=$(tr -d '\r' < "$t/out" | sed -n 2p | cut -d, -f1-4)
[ "$got" = "$want" ] || { echo "dns-dest: got '$got', want '$want'"; exit 1; }
grep -q '"bad_files":\[{"path":"[^"]*tf.ipfix","offset":null,"message":"[^"]*3 flow records not read[^"]*template 261' "$t/err" \
  || { echo "--summary json does not name the records not read"; cat "$t/err"; exit 1; }
exit 0
]=] sh ${CMAKE_CURRENT_SOURCE_DIR}/ref/time_forms.py $<TARGET_FILE:flowdump> $<TARGET_FILE:flowsweep>)
set_tests_properties(unit.read_time_forms PROPERTIES LABELS unit)

# fuzz.compressed: the reader on gzip and zstd input against the same bytes uncompressed
# (whole: the same flows; cut short: a prefix, the cut reported; flipped or garbage: no
# crash). Its corpus: small IPFIX files (P, behind a first byte choosing the case).
flowsweep_fuzz_target(compressed SOURCES fuzz/fuzz_compressed.c fuzz/fuzz_file.c
                      LIBS engine_read engine_common PkgConfig::ZLIB PkgConfig::ZSTD)

# unit.read_far_times: flowStart/EndMilliseconds of 2^63 ms or more (unsigned on the wire)
# have no signed 64-bit time: both decoders report the record as damage at its offset (the
# rest of its set skipped, exit 3) and keep 2^63 - 1 exactly; export never prints a
# negative time for them. Expected lines and offset worked out by hand (far_times.py).
add_test(NAME unit.read_far_times COMMAND sh -c [=[
t=$(mktemp -d) || exit 1; trap 'rm -rf "$t"' EXIT
python3 "$1" "$t/far.ipfix" "$t/expect" || exit 1
off=$(sed -n 's/^# damage at //p' "$t/expect"); grep -v '^# damage' "$t/expect" > "$t/want"
for d in fast fixbuf; do
  "$2" --decoder $d "$t/far.ipfix" > "$t/$d" 2> "$t/$d.err"; rc=$?
  [ $rc -eq 3 ] || { echo "decoder $d: exit $rc, want 3"; cat "$t/$d.err"; exit 1; }
  diff -u "$t/want" "$t/$d" || { echo "decoder $d differs from the hand-worked flows"; exit 1; }
  grep -q "2 damaged sets/messages skipped; first at offset $off: .*flowStartMilliseconds 9223372036854775808" "$t/$d.err" \
    || { echo "decoder $d: damage not named at offset $off"; cat "$t/$d.err"; exit 1; }
done
"$3" export -q --format csv "$t/far.ipfix" > "$t/rows.csv" 2> "$t/export.err"; rc=$?
[ $rc -eq 3 ] || { echo "export: exit $rc, want 3"; exit 1; }
[ "$(wc -l < "$t/rows.csv")" -eq 4 ] || { echo "export: want a header and 3 rows"; cat "$t/rows.csv"; exit 1; }
if grep -q -- ',-' "$t/rows.csv"; then echo "export printed a negative time"; cat "$t/rows.csv"; exit 1; fi
grep -q "flowStartMilliseconds" "$t/export.err" || { echo "export: damage not named"; cat "$t/export.err"; exit 1; }
exit 0
]=] sh ${CMAKE_CURRENT_SOURCE_DIR}/ref/far_times.py $<TARGET_FILE:flowdump> $<TARGET_FILE:flowsweep>)
set_tests_properties(unit.read_far_times PROPERTIES LABELS unit)
