#!/usr/bin/env bash
# cache_keys.sh FLOWSWEEP GEN WORKDIR - what a cache entry is keyed on, and where it lives:
#  1. a job that reads registered domains (query with dns.domain, dns-hunt) is keyed on the
#     Public Suffix List's bytes: after the list changes ($FLOWSWEEP_PSL_FILE), a cached run
#     over partly changed files equals the plain run under the new list (never the old
#     list's answer, nor a mix of both), and the old list's partials still serve it after;
#     the list named is used whatever its age; a missing, unreadable or empty one is an error;
#  2. a job directory that is a symbolic link is never followed: a sweep warns once and
#     writes nothing through it; `cache prune` leaves the link's target alone;
#  3. `cache prune` removes only the files the cache writes (by name), and names the others;
#  4. a file rewritten in place with its size and mtime put back is read again (its ctime moved);
#  5. --having's size tests made before grouping are in the key (dns-names vs query).
set -euo pipefail
export LC_ALL=C
fs=$1 gen=$2 work=$3
rm -rf "$work"
mkdir -p "$work"
work=$(cd "$work" && pwd)
repo=$work/repo
"$gen" --out "$repo" --seed 7 --start 2024-05-01T00 --hours 3 --flows 9000 -q
find "$work" -type f -exec touch -d '-2 hours' {} + # older than the racy rule's margin
. "$(dirname "$0")/lib.sh" # fail, bad, aged_mark, aged_wait
aged_mark                  # (the ctimes too, once aged_wait returns)

# ---- 1. the Public Suffix List is part of the key ----
psl=/usr/share/publicsuffix/public_suffix_list.dat
Q=(query --records dns --group-by dns.domain --agg 'n=count(),d=distinct(dns.name)' --format csv --limit 0 -q)
H=(dns-hunt --limit 0 --format csv -q)
if [ -r "$psl" ]; then
  "$fs" "${Q[@]}" "$repo" > "$work/q.old.plain"
  aged_wait
  "$fs" "${Q[@]}" --cache "$work/c" "$repo" > "$work/q.old.fill"
  "$fs" "${H[@]}" --cache "$work/c" "$repo" > "$work/h.old.fill"
  cmp -s "$work/q.old.plain" "$work/q.old.fill" || bad "query: the cache-filling run differs from the plain one"
  # The busiest registered domain becomes a public suffix: its names group one label lower.
  top=$(sed -n 2p "$work/q.old.plain" | cut -d, -f1)
  { cat "$psl"; printf '\n// cache_keys.sh\n%s\n' "${top%.}"; } > "$work/psl.dat"
  touch -d 2000-01-01 "$work/psl.dat" # older than every other list: still the one used
  touch -d '-1 hour' "$repo"/2024/05/01/00/*.yaf # one hour changed: its files are read again
  aged_mark # (section 4 caches them: it waits for their ctimes)
  export FLOWSWEEP_PSL_FILE=$work/psl.dat
  "$fs" "${Q[@]}" "$repo" > "$work/q.new.plain"
  "$fs" "${Q[@]}" --cache "$work/c" "$repo" > "$work/q.new.cached"
  "$fs" "${H[@]}" "$repo" > "$work/h.new.plain"
  "$fs" "${H[@]}" --cache "$work/c" "$repo" > "$work/h.new.cached"
  cmp -s "$work/q.old.plain" "$work/q.new.plain" && bad "the new list changes no domain ($top): the test proves nothing"
  cmp -s "$work/q.new.plain" "$work/q.new.cached" || { bad "query: cached run under another Public Suffix List differs"; diff "$work/q.new.plain" "$work/q.new.cached" | head -5; }
  cmp -s "$work/h.new.plain" "$work/h.new.cached" || bad "dns-hunt: cached run under another Public Suffix List differs"
  for f in "$work/no-such.dat" "$work" /dev/null; do # missing, a directory, no rule: errors
    rc=0
    FLOWSWEEP_PSL_FILE=$f "$fs" "${Q[@]}" "$repo" > /dev/null 2> "$work/psl-bad.err" || rc=$?
    [ $rc != 0 ] && grep -q "FLOWSWEEP_PSL_FILE=$f" "$work/psl-bad.err" ||
      bad "FLOWSWEEP_PSL_FILE=$f: exit $rc, $(cat "$work/psl-bad.err")"
  done
  unset FLOWSWEEP_PSL_FILE
  "$fs" "${Q[@]}" --cache "$work/c" "$repo" > "$work/q.back.cached"
  cmp -s "$work/q.old.plain" "$work/q.back.cached" || bad "query: back on the old list, the cached run differs"
else
  echo "no $psl: section 1 skipped"
fi

# ---- 2. a job directory that is a symbolic link ----
P=(query --group-by proto --agg 'n=count()' --format csv -q)
"$fs" "${P[@]}" "$repo" > "$work/p.plain"
"$fs" "${P[@]}" --cache "$work/c2" "$repo" > /dev/null
jd=$(cd "$work/c2" && ls | grep -v -e '^walk\.memo$' -e '^CACHEDIR\.TAG$') # the walk's memo, the tag
mkdir "$work/outside"
echo keep > "$work/outside/notes.txt"
mv "$work/c2/$jd" "$work/c2-moved"
ln -s "$work/outside" "$work/c2/$jd"
rc=0
"$fs" query --group-by proto --agg 'n=count()' --format csv --cache "$work/c2" "$repo" > "$work/p.link" 2> "$work/p.link.err" || rc=$?
[ $rc = 0 ] || bad "a linked job directory: exit $rc"
cmp -s "$work/p.plain" "$work/p.link" || bad "a linked job directory: output differs from the plain run"
[ "$(grep -c 'warn: cache' "$work/p.link.err")" = 1 ] || { bad "a linked job directory: want one cache warning"; cat "$work/p.link.err"; }
[ "$(ls -A "$work/outside")" = notes.txt ] || bad "a sweep wrote through a linked job directory: $(ls -A "$work/outside")"
"$fs" cache prune "$work/c2" --older-than 0 > /dev/null
[ -f "$work/outside/notes.txt" ] || bad "cache prune removed a file outside the cache, through a link"

# ---- 3. prune removes the cache's own files only (by their names), and names the others ----
hexd=0123456789abcdef0123456789abcdef
mkdir -p "$work/pr/$hexd"
f=$(find "$repo" -type f | sort | head -1)
cp "$f" "$work/pr/$hexd/flows.yaf"
echo keep > "$work/pr/$hexd/notes.txt"
echo keep > "$work/pr/$hexd/$(printf 'x\033]0;PWN\007')"
echo keep > "$work/pr/$hexd/.tmp-notes"
echo keep > "$work/pr/$hexd/ABCDEF0123456789ABCDEF0123456789.part" # upper case: not the cache's
echo junk > "$work/pr/$hexd/$hexd.part"                          # the cache's name, not loadable
echo junk > "$work/pr/$hexd/.tmp-$hexd.roll.123.4"              # a crashed writer's temporary
touch -d '-2 hours' "$work/pr/$hexd/.tmp-$hexd.roll.123.4"
"$fs" cache prune "$work/pr" --older-than 30 > "$work/prune.out"
grep -q 'removed 2 files' "$work/prune.out" || bad "prune: want the damaged partial and the old temporary removed: $(cat "$work/prune.out")"
grep -q "left 5 files that are not the cache's" "$work/prune.out" || bad "prune: the files left not counted: $(cat "$work/prune.out")"
grep -q "$hexd/flows.yaf" "$work/prune.out" || bad "prune: the flow file left is not named"
LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f]' "$work/prune.out" && bad "prune printed a control byte raw"
[ "$(ls -A "$work/pr/$hexd" | wc -l)" = 5 ] || bad "prune removed a file that is not the cache's: $(ls -A "$work/pr/$hexd")"
cmp -s "$f" "$work/pr/$hexd/flows.yaf" || bad "prune changed a flow file"
"$fs" query --group-by proto --agg 'n=count()' --format csv -q --cache "$work/c3" "$repo" > /dev/null
"$fs" cache prune "$work/c3" --older-than 0 > "$work/prune3.out"
# (the walk's memo of directory listings and the cache directory tag stay: no partials,
# docs/partials.md)
[ -z "$(ls -A "$work/c3" | grep -v -e '^walk\.memo$' -e '^CACHEDIR\.TAG$')" ] || bad "prune --older-than 0 left a job directory: $(ls -A "$work/c3")"
grep -q "not the cache's" "$work/prune3.out" && bad "prune named a file of its own as not the cache's"

# ---- 4. a file rewritten in place, its size and mtime put back (cp -p or rsync --inplace -t
# over it, a restore from backup): its inode's change time moved, so its partial is not used ----
R=(query --group-by sip,dip --agg 'n=count()' --format csv --limit 0 -q)
aged_wait
"$fs" "${R[@]}" --cache "$work/c4" "$repo" > "$work/r.fill"
"$fs" cache stats "$work/c4" | grep -q '(1 roll-ups with 3 file memberships in all' ||
  bad "the fill did not cache the 3 files: $("$fs" cache stats "$work/c4")"
f=$(find "$repo" -name '*.yaf' | sort | head -1)
cp -p "$f" "$work/r.orig"
# the busiest source address of the file: one byte of its first occurrence changed, in place
top=$("$fs" query --group-by sip --agg 'n=count()' --format csv -q "$f" | sed -n 2p | cut -d, -f1)
python3 - "$f" "$top" <<'PY'
import ipaddress, sys
path, addr = sys.argv[1], ipaddress.ip_address(sys.argv[2]).packed
with open(path, 'r+b') as fh:
    data = fh.read()
    at = data.index(addr) + len(addr) - 1
    fh.seek(at)
    fh.write(bytes([data[at] ^ 1]))
PY
touch -r "$work/r.orig" "$f"
[ "$(stat -c '%s %Y %i' "$f")" = "$(stat -c '%s %Y %i' "$work/r.orig" | sed "s/ [0-9]*$/ $(stat -c %i "$f")/")" ] ||
  bad "the rewritten file's size or mtime is not the original's"
"$fs" "${R[@]}" "$repo" > "$work/r.plain"
"$fs" "${R[@]}" --cache "$work/c4" "$repo" > "$work/r.cached"
cmp -s "$work/r.fill" "$work/r.plain" && bad "rewriting $top in place changed no answer: the test proves nothing"
cmp -s "$work/r.plain" "$work/r.cached" ||
  { bad "a file rewritten in place with its mtime put back was answered from the cache"; diff "$work/r.plain" "$work/r.cached" | head -4; }

# ---- 5. --having's size tests are in the key: dns-names' groups of at most 2 names only ----
# (job.h: a record whose lists --having's size test drops makes no group); the same where, keys
# and aggregates without --having, or with another size, must not be answered from that cache.
G=(--where 'app = 53 and ndns > 0' --group-by 'dnsName=dns.names, dnsRRType=dns.types'
   --agg 'flows=count(), #sIP=distinct(sip), #dIP=distinct(dip), bytes=sum(bytes), packets=sum(packets)'
   --format csv --limit 0 -q)
"$fs" dns-names --format csv --limit 0 -q --cache "$work/c5" "$repo" > "$work/s.names"
"$fs" dns-names --format csv --limit 0 -q "$repo" | cmp -s - "$work/s.names" || bad "dns-names: the cache-filling run differs"
for h in '' 'size(dnsName) <= 3'; do
  "$fs" query "${G[@]}" ${h:+--having "$h"} "$repo" > "$work/s.plain"
  "$fs" query "${G[@]}" ${h:+--having "$h"} --cache "$work/c5" "$repo" > "$work/s.cached"
  [ "$(wc -l < "$work/s.plain")" -gt "$(wc -l < "$work/s.names")" ] || bad "having '$h': no more rows than dns-names: the test proves nothing"
  cmp -s "$work/s.plain" "$work/s.cached" || bad "having '$h': answered from dns-names' cached groups"
done

[ $fail -eq 0 ] && echo "cache_keys: the list is in the key; links are not followed; a file rewritten in place is read again"
exit $fail
