// query.mjs --parquet F --sql FILE --threads N --runs R [--warmup W] [--csv OUT]
//
// Times one SQL analytic in DuckDB over a Parquet file already written by
// to_parquet.mjs (the view `flows` reads it on every run, as flowsweep reads its
// files on every run). After SET threads = N, the query runs W times (default 1)
// untimed, then R times, each timed with process.hrtime around the query and the
// fetch of all its rows; one JSON line per timed run on stdout: {"run":i,"seconds":s}.
// With --csv, the last run's rows are written as flowsweep writes its CSV
// (`--format csv --limit 0`): header, CRLF line ends, lists as "[a, b]", fields
// quoted only when they hold , " CR or LF, so the two can be compared after sorting.
import { writeFileSync } from 'node:fs';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';

const usage = 'usage: node query.mjs --parquet F --sql FILE --threads N --runs R [--warmup W] [--csv OUT]';
let opts;
try {
  opts = parseArgs({
    options: {
      parquet: { type: 'string' },
      sql: { type: 'string' },
      threads: { type: 'string', default: '1' },
      runs: { type: 'string', default: '1' },
      warmup: { type: 'string', default: '1' },
      csv: { type: 'string' },
    },
  }).values;
} catch (e) {
  console.error(`${e.message}\n${usage}`);
  process.exit(2);
}
const threads = Number(opts.threads), runs = Number(opts.runs), warmup = Number(opts.warmup);
if (!opts.parquet || !opts.sql || !(threads >= 1) || !(runs >= 1) || !(warmup >= 0)) {
  console.error(usage);
  process.exit(2);
}

const lit = (s) => `'${s.replaceAll("'", "''")}'`;
const sql = readFileSync(opts.sql, 'utf8');
const db = await DuckDBInstance.create(':memory:');
const con = await db.connect();
await con.run(`SET threads = ${threads}`);
await con.run(`CREATE VIEW flows AS SELECT * FROM read_parquet(${lit(opts.parquet)})`);

let reader;
for (let i = 0; i < warmup; i++) reader = await con.runAndReadAll(sql);
for (let i = 1; i <= runs; i++) {
  const t0 = process.hrtime.bigint();
  reader = await con.runAndReadAll(sql); // runs the query and fetches every row
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  console.log(JSON.stringify({ run: i, seconds }));
}

// flowsweep's cell text (out.h): integers in decimal, lists as "[" + join(", ") + "]".
const cell = (v) => (Array.isArray(v) ? `[${v.map(cell).join(', ')}]` : String(v));
const field = (s) => (/[,"\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);
if (opts.csv) {
  const lines = [reader.columnNames().map(field).join(',')];
  for (const row of reader.getRowsJson()) lines.push(row.map((v) => field(cell(v))).join(','));
  writeFileSync(opts.csv, lines.map((l) => `${l}\r\n`).join(''));
  console.error(`query: ${lines.length - 1} rows -> ${opts.csv}`);
}
