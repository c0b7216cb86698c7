#!/usr/bin/env bash
# cache_keys.sh FLOWSWEEP GEN WORKDIR - what a cache entry is keyed on, and where it lives:
#  1. a job that reads registered domains (query with dns.domain, dns-hunt) is keyed on the
#     Public Suffix List's bytes: after the list changes ($FLOWSWEEP_PSL_FILE), a cached run
#     over partly changed files equals the plain run under the new list (never the old
#     list's answer, nor a mix of both), and the old list's partials still serve it after;
#     the list named is used whatever its age; a missing, unreadable or empty one is an error;
#  2. a job directory that is a symbolic link is never followed: a sweep warns once and
#     writes nothing through it; `cache prune` leaves the link's target alone.
set -euo pipefail
export LC_ALL=C
fs=$1 gen=$2 work=$3
rm -rf "$work"
mkdir -p "$work"
work=$(cd "$work" && pwd)
repo=$work/repo
"$gen" --out "$repo" --seed 7 --start 2024-05-01T00 --hours 3 --flows 9000 -q
find "$work" -type f -exec touch -d '-2 hours' {} + # older than the racy rule's margin
fail=0
bad() { echo "FAIL: $*"; fail=1; }

# ---- 1. the Public Suffix List is part of the key ----
psl=/usr/share/publicsuffix/public_suffix_list.dat
Q=(query --records dns --group-by dns.domain --agg 'n=count(),d=distinct(dns.name)' --format csv --limit 0 -q)
H=(dns-hunt --limit 0 --format csv -q)
if [ -r "$psl" ]; then
  "$fs" "${Q[@]}" "$repo" > "$work/q.old.plain"
  "$fs" "${Q[@]}" --cache "$work/c" "$repo" > "$work/q.old.fill"
  "$fs" "${H[@]}" --cache "$work/c" "$repo" > "$work/h.old.fill"
  cmp -s "$work/q.old.plain" "$work/q.old.fill" || bad "query: the cache-filling run differs from the plain one"
  # The busiest registered domain becomes a public suffix: its names group one label lower.
  top=$(sed -n 2p "$work/q.old.plain" | cut -d, -f1)
  { cat "$psl"; printf '\n// cache_keys.sh\n%s\n' "${top%.}"; } > "$work/psl.dat"
  touch -d 2000-01-01 "$work/psl.dat" # older than every other list: still the one used
  touch -d '-1 hour' "$repo"/2024/05/01/00/*.yaf # one hour changed: its files are read again
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
jd=$(cd "$work/c2" && ls)
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

[ $fail -eq 0 ] && echo "cache_keys: the list is in the key; links are not followed"
exit $fail
