-- The Mothra analytic of the SEI post, as flowsweep's dns-names preset defines it
-- (flowsweep dns-names --show-query):
--   records flows (one row per flow; bytes/packets = forward counts, Mothra's octetCount)
--   where    app = 53 and ndns > 0
--   group by (names, types), both lists in DNS wire order
--   agg      flows=count(), #sIP=distinct(sip), #dIP=distinct(dip), bytes=sum, packets=sum
--   having   bytes / packets > 70 (float division; x / 0 is NULL, never kept)
--            and size(dnsName) <= 2
--   order    bytes desc (flowsweep breaks ties on the other columns' text; compare sorts)
-- Names are grouped on export's 1:1 text (so distinct bytes stay distinct groups), and
-- printed as flowsweep prints them: its text is the 1:1 text with "\\" turned back to "\";
-- in CSV a list cell is its JSON array text (docs/usage.md), as DuckDB's to_json writes it.
SELECT to_json(list_transform(names, x -> replace(x, '\\', '\'))) AS "dnsName",
       to_json(types) AS "dnsRRType",
       count(*) AS "flows",
       count(DISTINCT sip) AS "#sIP",
       count(DISTINCT dip) AS "#dIP",
       sum(bytes) AS "bytes",
       sum(packets) AS "packets"
FROM flows
WHERE app = 53 AND ndns > 0
GROUP BY names, types
HAVING sum(bytes) / sum(packets) > 70 AND len(names) <= 2
ORDER BY "bytes" DESC
