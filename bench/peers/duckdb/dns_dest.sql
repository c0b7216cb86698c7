-- The SiLK analytic of the SEI post, as flowsweep's dns-dest preset defines it
-- (flowsweep dns-dest --show-query), i.e.
--   rwfilter --application=53 --scidr=192.168.0.0/16 --bytes-per-packet=70- |
--   rwuniq --fields=dip,proto --bytes=500-
-- SiLK's records are derived here from the flows export (not exported with
-- --records silk), so this also checks flowsweep's split independently: as rwipfix2silk
-- does, a flow gives its forward record when its packets and bytes are both > 0, and a
-- reverse record (addresses and ports swapped, reverse counts) when its reverse packets
-- and bytes are both > 0.
-- The source filter matches IPv4 192.168.0.0/16 and its v4-mapped IPv6 form
-- ::ffff:192.168.0.0/112 (SiLK's --ipv6-policy=asv4, as flowsweep's CIDRs do).
WITH silk AS (
  SELECT sip, dip, proto, app, bytes, packets
  FROM flows WHERE packets > 0 AND bytes > 0
  UNION ALL
  SELECT dip AS sip, sip AS dip, proto, app, rbytes AS bytes, rpackets AS packets
  FROM flows WHERE rpackets > 0 AND rbytes > 0
)
SELECT dip AS "dIP",
       proto AS "protocol",
       sum(bytes) AS "bytes",
       count(*) AS "flows",
       sum(packets) AS "packets"
FROM silk
WHERE app = 53
  AND regexp_matches(sip, '^(::ffff:)?192\.168\.')
  AND bytes / packets >= 70
GROUP BY dip, proto
HAVING sum(bytes) >= 500
ORDER BY "bytes" DESC
