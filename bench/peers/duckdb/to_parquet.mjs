// to_parquet.mjs IN.jsonl OUT.parquet - load `flowsweep export` JSON Lines into Parquet, once.
//
// The columns keep flowsweep's types: counts as unsigned integers, addresses as the
// text flowsweep prints (so IPv4 and v4-mapped IPv6 stay distinct, as in its
// distinct()), names as LIST(VARCHAR) of export's 1:1 text (\xHH for bytes outside
// 0x20-0x7E, '\' as "\\") and types as LIST(USMALLINT), in DNS wire order. Rows keep
// the export's order. Timing the analytics starts after this (query.mjs).
import { DuckDBInstance } from '@duckdb/node-api';

const [input, output] = process.argv.slice(2);
if (!input || !output) {
  console.error('usage: node to_parquet.mjs IN.jsonl OUT.parquet');
  process.exit(2);
}
const lit = (s) => `'${s.replaceAll("'", "''")}'`;
const columns = `{
  'start': 'BIGINT', 'end': 'BIGINT', 'sip': 'VARCHAR', 'dip': 'VARCHAR',
  'sport': 'USMALLINT', 'dport': 'USMALLINT', 'proto': 'UTINYINT', 'app': 'USMALLINT',
  'bytes': 'UBIGINT', 'packets': 'UBIGINT', 'rbytes': 'UBIGINT', 'rpackets': 'UBIGINT',
  'ndns': 'UINTEGER', 'names': 'VARCHAR[]', 'types': 'USMALLINT[]'}`;

const db = await DuckDBInstance.create(':memory:');
const con = await db.connect();
const t0 = process.hrtime.bigint();
await con.run(`COPY (SELECT * FROM read_json(${lit(input)}, format = 'newline_delimited',
  columns = ${columns})) TO ${lit(output)} (FORMAT parquet, COMPRESSION zstd)`);
const n = await con.runAndReadAll(`SELECT count(*)::BIGINT AS n FROM read_parquet(${lit(output)})`);
const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
console.error(`to_parquet: ${n.getRowsJson()[0][0]} rows -> ${output} in ${seconds.toFixed(2)} s`);
