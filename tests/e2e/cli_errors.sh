#!/usr/bin/env bash
# cli_errors.sh FLOWSWEEP GEN WORKDIR - exit codes, messages and help of the CLI.
set -uo pipefail
fs=$1 gen=$2 work=$3
rm -rf "$work"; mkdir -p "$work"
fail=0
expect() { # expected-status description command...
  local want=$1 what=$2; shift 2
  "$@" > "$work/out" 2> "$work/err"; local got=$?
  if [ "$got" != "$want" ]; then
    echo "FAIL $what: exit $got, expected $want"; cat "$work/err" | head -5; fail=1
  fi
}
has() { # file pattern description
  grep -q -- "$2" "$1" || { echo "FAIL $3: no '$2' in $1"; head -5 "$1"; fail=1; }
}

"$gen" --out "$work/repo" --seed 3 --start 2024-01-01T00 --hours 2 --flows 3000 --labels "$work/labels.tsv" -q

for c in dns-names dns-dest query dns-hunt; do
  expect 0 "$c --help" "$fs" $c --help
  has "$work/out" "usage: flowsweep $c" "$c --help text"
done
expect 0 "--version" "$fs" --version
has "$work/out" "allocator" "--version names the allocator"
expect 2 "no command" "$fs"
expect 2 "unknown command" "$fs" frobnicate x
expect 2 "unknown option" "$fs" dns-names --frob "$work/repo"
expect 2 "option of another command" "$fs" dns-names --src-cidr 10.0.0.0/8 "$work/repo"
expect 2 "no PATH" "$fs" dns-names
expect 2 "bad --threads" "$fs" dns-names --threads 0 "$work/repo"
expect 2 "bad --start" "$fs" dns-names --start 2024-13-01 "$work/repo"
expect 0 "--start YYYY-MM-DDTHHZ (the form its message gives)" "$fs" dns-names --start 2024-01-01T01Z --end 2024-01-01T01Z -q "$work/repo"
expect 2 "--start YYYY/MM/DD:HHZ (no Z in SiLK's form)" "$fs" dns-names --start 2024/01/01:01Z -q "$work/repo"
# --start/--end take what --where's time literals take (one parser), and say that times are UTC
expect 2 "--start with an offset" "$fs" dns-names --start 2024-01-01T01:00+02:00 -q "$work/repo"
has "$work/err" "has a UTC offset: times are UTC" "an offset named as such"
for t in 2024-01-01T01:00Z 2024-01-01T01:00-00:00 "2024-01-01 01:00:00.000+00:00"; do
  expect 0 "--start '$t'" "$fs" dns-names --format csv --limit 0 -q --start "$t" "$work/repo"
  mv "$work/out" "$work/t.out"
  expect 0 "--where start >= '$t'" "$fs" dns-names --format csv --limit 0 -q --where "start >= '$t'" "$work/repo"
  cmp -s "$work/out" "$work/t.out" || { echo "FAIL: --start '$t' and --where start >= '$t' differ"; fail=1; }
done
expect 2 "--where with an offset" "$fs" query --where "start >= '2024-01-01T01:00+02:00'" --group-by sip "$work/repo"
has "$work/err" "times are UTC" "--where: an offset named as such"
# numbers: ASCII digits only, wherever the command line takes one
for v in ' 5' '+5' '5 ' '0x5' '-0'; do
  expect 2 "--limit '$v'" "$fs" dns-names --limit "$v" "$work/repo"
done
expect 2 "--threads ' 2'" "$fs" dns-names --threads ' 2' "$work/repo"
expect 2 "--mem-limit +1G" "$fs" dns-names --mem-limit +1G "$work/repo"
expect 2 "--min-bpp 1e2" "$fs" dns-names --min-bpp 1e2 "$work/repo"
expect 2 "cache prune --older-than ' 1'" "$fs" cache prune "$work/no-cache" --older-than ' 1'
# bin() widths: units in any case, as keywords
expect 0 "bin(start, 1h)" "$fs" query --group-by 'bin(start, 1h)' --format csv "$work/repo"
mv "$work/out" "$work/bin.out"
expect 0 "bin(start, 1H)" "$fs" query --group-by 'bin(start, 1H)' --format csv "$work/repo"
cmp -s "$work/out" "$work/bin.out" || { echo "FAIL: bin(start, 1H) differs from 1h"; fail=1; }
expect 2 "bin(start, 1w)" "$fs" query --group-by 'bin(start, 1w)' "$work/repo"
has "$work/err" "s, m, h or d" "bin(): the units named"
expect 2 "--min-bytes past signed 64-bit (it becomes a --where literal)" "$fs" dns-dest --min-bytes 18446744073709551615 "$work/repo"
expect 2 "--min-bpp inf" "$fs" dns-names --min-bpp inf "$work/repo"
expect 2 "bad --format" "$fs" dns-names --format xml "$work/repo"
# --format jsonl (export's name for JSON Lines) is --format json on every command
for c in dns-dest "query --group-by proto"; do
  expect 0 "$c --format jsonl" "$fs" $c --format jsonl --limit 5 -q "$work/repo"
  mv "$work/out" "$work/jsonl.out"
  expect 0 "$c --format json" "$fs" $c --format json --limit 5 -q "$work/repo"
  [ -s "$work/out" ] && cmp -s "$work/out" "$work/jsonl.out" || { echo "FAIL: $c --format jsonl differs from json"; fail=1; }
done
expect 2 "bad CIDR" "$fs" dns-dest --src-cidr 10.0.0.0/99 "$work/repo"
has "$work/err" "CIDR" "bad CIDR message"
expect 2 "bad --by" "$fs" dns-hunt --by nothing "$work/repo"
expect 2 "hunt option on another command" "$fs" dns-names --by server "$work/repo"
expect 2 "bad query field" "$fs" query --group-by nosuch "$work/repo"
has "$work/err" "nosuch" "bad field message"
# Domain lists (dns-hunt --allow, dns.suffix watchlists): entries that can never match a name
# are refused with the file and line; a missing file is a usage error in both.
printf 'ok.example\n# fine\n*.b.example\n*\n' > "$work/star.txt"
printf 'a..b\n' > "$work/dots.txt"
printf 'x.example..\n' > "$work/dots2.txt"
printf '*foodsonline.com\n' > "$work/star2.txt"
printf '10.0.0.1\n' > "$work/ip.txt"
for f in star dots dots2 star2 ip; do
  expect 2 "--allow @$f.txt" "$fs" dns-hunt --allow "@$work/$f.txt" "$work/repo"
  has "$work/err" "$f.txt:" "--allow @$f.txt names the file and line"
  expect 2 "dns.suffix in @$f.txt" "$fs" query --where "dns.suffix in @$work/$f.txt" --group-by sip "$work/repo"
  has "$work/err" "$f.txt:" "watchlist $f.txt names the file and line"
done
has "$work/err" "an address" "an address in a domain list is named as such"
expect 2 "--allow '*'" "$fs" dns-hunt --allow '*' "$work/repo"
# A refused entry is quoted escaped (\xHH, as names are): an ESC or a NUL from the file never
# reaches the terminal raw, and a NUL neither cuts the quote short nor reads as a long line.
printf 'ok.example\n\033[31mred\000x.example # note\n' > "$work/ctl.txt"
ctl_escaped() { # description: the refused entry quoted escaped whole, no raw control byte
  has "$work/err" 'ctl.txt:2: a domain with a space or a byte outside ASCII: "\\x1B\[31mred\\x00x.example"' "the entry escaped whole ($1)"
  if LC_ALL=C grep -q $'[\x01-\x09\x0b-\x1f\x7f]' "$work/err" || [ "$(tr -d '\000' < "$work/err" | wc -c)" != "$(wc -c < "$work/err")" ]; then
    echo "FAIL: a control byte reached stderr raw ($1)"; fail=1
  fi
}
expect 2 "control bytes in --allow @FILE" "$fs" dns-hunt --allow "@$work/ctl.txt" "$work/repo"
ctl_escaped "--allow @FILE"
expect 2 "control bytes in a watchlist" "$fs" query --group-by sip --where "dns.suffix in @$work/ctl.txt" "$work/repo"
ctl_escaped "watchlist"
expect 2 "--allow missing file" "$fs" dns-hunt --allow "@$work/nothere.txt" "$work/repo"
expect 2 "missing watchlist" "$fs" query --where "sip in @$work/nothere.txt" --group-by sip "$work/repo"
# A watchlist without an entry would match nothing, silently: refused, the file named.
printf '# nothing yet\n\n   \n' > "$work/empty-wl.txt"
for w in "not addr in @$work/empty-wl.txt" "dns.suffix in @$work/empty-wl.txt"; do
  expect 2 "empty watchlist ($w)" "$fs" query --where "$w" --group-by sip "$work/repo"
  has "$work/err" "empty-wl.txt: no entries" "the empty watchlist named"
done
# A FLOWSWEEP_PSL_FILE that cannot be used: the same usage error from query and dns-hunt.
for cmd in "query --records dns --group-by dns.domain" dns-hunt; do
  FLOWSWEEP_PSL_FILE=$work/nothere.dat expect 2 "missing FLOWSWEEP_PSL_FILE ($cmd)" "$fs" $cmd -q "$work/repo"
  has "$work/err" "FLOWSWEEP_PSL_FILE=$work/nothere.dat" "the PSL file named"
done
# A list of comments only is no list: '#' is no PSL comment (libpsl would take "#" as a rule).
printf '# only a comment\n  # and another\n\n' > "$work/psl-comments.dat"
FLOWSWEEP_PSL_FILE=$work/psl-comments.dat expect 2 "FLOWSWEEP_PSL_FILE of comments only" "$fs" dns-hunt -q "$work/repo"
has "$work/err" "FLOWSWEEP_PSL_FILE=$work/psl-comments.dat: not a Public Suffix List (no rule read)" "the rule-less PSL file named"
expect 1 "missing path" "$fs" dns-names "$work/does-not-exist"
has "$work/err" "does-not-exist" "missing path named"

# A damaged file among good ones: exit 3, the file named, the good files' results kept.
good=$(find "$work/repo" -name '*.yaf' | sort | head -1)
"$fs" dns-dest --format csv --limit 0 -q "$work/repo" > "$work/clean.csv"
cp "$good" "$work/repo/broken.yaf"
truncate -s 100 "$work/repo/broken.yaf"
printf 'this is not IPFIX at all, just text\n' > "$work/repo/text.yaf"
expect 3 "damaged files" "$fs" dns-dest --format csv --limit 0 -q "$work/repo"
has "$work/err" "broken.yaf" "damaged file named"
has "$work/err" "text.yaf" "non-IPFIX file named"
cmp -s "$work/out" "$work/clean.csv" || { echo "FAIL: results of the good files changed"; fail=1; }
expect 1 "--strict" "$fs" dns-dest --strict -q "$work/repo"
rm -f "$work/repo/broken.yaf" "$work/repo/text.yaf"

# A memory limit that cannot hold the groups: a clear error, never a crash.
expect 1 "--mem-limit too small" "$fs" query --group-by sip,dip,sport,dport --mem-limit 64K -q "$work/repo"
has "$work/err" "mem-limit" "memory limit named"
expect 1 "--mem-limit not a whole KiB" "$fs" query --group-by sip,dip,sport,dport --mem-limit 65000 -q "$work/repo"
has "$work/err" "memory limit of 65000 bytes" "the budget as given, not rounded"
# A preset's --where (or query's, with a window inside an hour) is ANDed into a larger filter:
# its syntax error points into the text typed (offset 8: the second '>', counted by hand).
for args in "dns-dest" "dns-hunt" "query --group-by sip --start 2024-01-01T00:30"; do
  expect 2 "--where syntax error ($args)" "$fs" $args --where 'bytes > > 3' "$work/repo"
  has "$work/err" 'in expression "bytes > > 3" at offset 8: ' "the offset into the typed --where ($args)"
done
expect 2 "--where closing the preset's parenthesis" "$fs" dns-names --where 'bytes > 0) or (bytes > 0' "$work/repo"
expect 2 "an unknown function" "$fs" query --group-by proto --where 'count_rrs() > 2' "$work/repo"
has "$work/err" "unknown function 'count_rrs" "the unknown function named (not its empty argument)"
# The presets' query text runs and gives the same answer as the preset.
"$fs" dns-names --show-query > "$work/q.txt"
has "$work/q.txt" "group-by" "--show-query"
"$fs" dns-names -q "$work/repo" > "$work/a.txt"
"$fs" query --records flows --bytes forward --where 'app = 53 and ndns > 0' \
  --group-by 'dnsName=dns.names, dnsRRType=dns.types' \
  --agg 'flows=count(), #sIP=distinct(sip), #dIP=distinct(dip), bytes=sum(bytes), packets=sum(packets)' \
  --having 'bytes / packets > 70 and size(dnsName) <= 2' --order 'bytes desc' --limit 20 \
  -q "$work/repo" > "$work/b.txt"
cmp -s "$work/a.txt" "$work/b.txt" || { echo "FAIL: query text of dns-names differs from the preset"; fail=1; }
# Small traps of issue 13's review: refused when parsing, or before any row.
expect 2 "count_section(9)" "$fs" query --where 'count_section(9) > 0' --group-by sip "$work/repo"
has "$work/err" "0 to 3" "count_section's range"
expect 2 "count_qr(2)" "$fs" query --where 'count_qr(2) > 0' --group-by sip "$work/repo"
expect 2 "count_type(70000)" "$fs" query --where 'count_type(70000) > 0' --group-by sip "$work/repo"
expect 0 "count_type(65535)" "$fs" query --where 'count_type(65535) > 0' --group-by sip -q "$work/repo"
expect 2 "1e-400 (underflow)" "$fs" query --where 'bytes = 1e-400' --group-by sip "$work/repo"
expect 2 "1e400 (overflow)" "$fs" query --where 'bytes = 1e400' --group-by sip "$work/repo"
printf '10.0.0.0/33\n' > "$work/cidr.txt"
expect 2 "bad CIDR in a watchlist" "$fs" query --where "sip in @$work/cidr.txt" --group-by sip "$work/repo"
has "$work/err" '"10.0.0.0/33"' "the whole bad entry is quoted"
for cmd in dns-names export; do
  expect 1 "unwritable --summary-file ($cmd)" "$fs" $cmd --summary json --summary-file "$work/no-such-dir/s.json" "$work/repo"
  [ -s "$work/out" ] && { echo "FAIL: $cmd printed rows before the --summary-file error"; fail=1; }
  has "$work/err" "no-such-dir" "the --summary-file named"
done
# A '@' inside a string is no watchlist file: the cache is used.
expect 0 "'@' in a string" "$fs" query --records dns --where "dns.name in ('a@b.')" --group-by sip --cache "$work/cache" "$work/repo"
if grep -q "watchlist" "$work/err"; then echo "FAIL: a '@' in a string turned the cache off"; fail=1; fi
# --show-query prints control bytes from --where escaped (\xHH in bash's $'...'), never raw.
bad=$(printf "count_suffix('\033]0;PWN\007') > 0")
expect 0 "--show-query with control bytes" "$fs" query --where "$bad" --group-by sip --show-query
if LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f]' "$work/out"; then
  echo "FAIL: --show-query printed a control byte raw"; fail=1
fi
has "$work/out" '\\x1B]0;PWN\\x07' "--show-query escapes the control bytes"
w=$(sed -n 's/^  --where \(.*\) \\$/\1/p' "$work/out")
eval "got=$w"
[ "$got" = "$bad" ] || { echo "FAIL: --show-query's --where does not give back the same text"; fail=1; }
# An output that is an input, or two outputs naming one file: usage error (exit 2) naming
# both, the input file unchanged (cp's "are the same file"; docs/errors.md).
f=$(find "$work/repo" -type f -name '*.yaf*' | sort | head -1)
cp "$f" "$work/victim.yaf"; cksum < "$work/victim.yaf" > "$work/victim.sum"
ln -sf victim.yaf "$work/vlink"
for args in "dns-dest -q -o $work/victim.yaf $work/victim.yaf" \
            "dns-dest -q -o $work/vlink $work" \
            "dns-names -q -o $work/../$(basename "$work")/victim.yaf $work" \
            "query --group-by sip --summary json --summary-file $work/victim.yaf $work/victim.yaf" \
            "export -o $work/victim.yaf $work/victim.yaf" \
            "report -o $work/victim.yaf $work/victim.yaf" \
            "dns-dest --shard 0/1 --partial-out $work/victim.yaf $work/victim.yaf"; do
  expect 2 "output is an input: $args" "$fs" $args
  has "$work/err" "are the same file" "the clash named ($args)"
  cksum < "$work/victim.yaf" | cmp -s - "$work/victim.sum" || { echo "FAIL: $args changed the input"; fail=1; cp "$f" "$work/victim.yaf"; }
done
has "$work/err" "partial-out '$work/victim.yaf' and the input '$work/victim.yaf'" "both names in the message"
expect 0 "shard" "$fs" dns-dest -q --shard 0/1 --partial-out "$work/p0" "$work/victim.yaf"
expect 2 "merge -o over its partial file" "$fs" merge -o "$work/p0" "$work/p0"
has "$work/err" "the input '$work/p0'" "merge's clash named"
rm -f "$work/same.out"
for args in "dns-dest -q --limit 2 --format csv -o $work/same.out --summary json --summary-file $work/same.out" \
            "dns-dest -q -o $work/same.out --summary json --summary-file $work/./same.out" \
            "query --group-by sip -o $work/same.out --job --group-by dip -o $work/./same.out"; do
  expect 2 "two outputs one file: $args" "$fs" $args "$work/victim.yaf"
  has "$work/err" "are the same file: one output would replace the other" "the pair named ($args)"
  [ -e "$work/same.out" ] && { echo "FAIL: $args wrote same.out"; fail=1; rm -f "$work/same.out"; }
done
# the cache directory is an output too: -o naming it (not made yet) is refused before any
# read, not after the whole sweep ("cannot rename the result to X: Is a directory")
rm -rf "$work/cdir"
expect 2 "-o the --cache directory" "$fs" dns-dest -q --cache "$work/cdir" -o "$work/cdir" "$work/victim.yaf"
has "$work/err" "-o '$work/cdir' and --cache '$work/cdir' are the same file" "-o and --cache named"
[ -e "$work/cdir" ] && { echo "FAIL: -o the --cache directory made $work/cdir"; fail=1; }
# --show-query refuses the --start/--end a run refuses (not a job printed, exit 0)
expect 2 "--show-query --start 2024-02-30" "$fs" dns-names --show-query --start 2024-02-30
[ -s "$work/out" ] && { echo "FAIL: --show-query --start 2024-02-30 printed a job"; fail=1; }
expect 2 "--show-query --end 2024-13-01" "$fs" query --group-by sip --show-query --end 2024-13-01
expect 0 "--show-query --start 2024-02-29" "$fs" dns-names --show-query --start 2024-02-29
# A FIFO (or bash's <(...) pipe) named as a PATH: refused before any read, never waited on,
# the message saying how to read it (as standard input, which reads it whole)
rm -f "$work/fifo"; mkfifo "$work/fifo"
expect 1 "a FIFO as a PATH" timeout 20 "$fs" dns-dest -q "$work/fifo"
has "$work/err" "fifo: a FIFO or pipe, not a regular file or a directory: read it as standard input" "the FIFO named"
expect 1 "a pipe as a PATH" timeout 20 "$fs" dns-dest -q <(cat "$work/victim.yaf")
has "$work/err" "a FIFO or pipe" "the pipe named"
"$fs" dns-dest -q --format csv "$work/victim.yaf" > "$work/fifo.want"
cat "$work/victim.yaf" > "$work/fifo" &
expect 0 "a FIFO as standard input" timeout 20 "$fs" dns-dest -q --format csv - < "$work/fifo"
wait
cmp -s "$work/out" "$work/fifo.want" || { echo "FAIL: the FIFO read as - differs from the file"; fail=1; }
rm -f "$work/fifo"
# --show-query refuses the --where a run refuses: "x) or (y" would print a combined
# '(preset) and (x) or (y)' that escapes the preset's filter, and a bad expression a job that
# does not run (exit 2, no job printed, for a preset, query and a --job block)
for args in "dns-names --where bytes>0)_or_(bytes>0" "dns-dest --where bytes>0)_or_(bytes>0" \
            "query --group-by sip --where bytes>" "query --group-by sip --job --group-by dip --having x>"; do
  set -- $args; set -- "${@//_/ }"
  expect 2 "--show-query $args" "$fs" "$@" --show-query
  [ -s "$work/out" ] && { echo "FAIL: --show-query $args printed a job"; fail=1; }
done
has "$work/err" "--job block 2" "the block named"
expect 0 "--show-query of a --where in parentheses" "$fs" dns-names --show-query --where '(bytes > 0) or (bytes > 1)'
has "$work/out" "(app = 53 and ndns > 0) and ((bytes > 0) or (bytes > 1))" "the --where kept whole"
[ $fail -eq 0 ] && echo "cli_errors: all passed"
exit $fail
