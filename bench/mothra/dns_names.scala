// dns_names.scala - the Mothra analytic of the SEI post "Security Analytics: Using SiLK
// and Mothra to Identify Data Exfiltration via the Domain Name Service", for spark-shell.
//
//   spark-shell --jars <mothra> -i dns_names.scala \
//     --conf spark.flowsweep.repo=PATH [--conf spark.flowsweep.rows=N]
//   (bench/mothra/run.sh does this)
//
// The chain below is the post's, call for call (its dnsIDBenign.sc / dnsIDAbuse.sc,
// ../shared/docs/the-post.md): the same reading call with the same two field sets, the
// same two filters before the aggregation, the same nine selected columns and aliases,
// the same grouping, the same five aggregates (count of all rows, two distinct counts,
// two sums), the same two filters after it (applied one after the other, as the post
// writes them) and the same order. The post's commented-out `packets > 20` filter is
// left out, as it is in effect there. What differs: the input path comes from
// spark.flowsweep.repo instead of a hard-coded file, the number of rows shown from
// spark.flowsweep.rows (default 20, the post's code; its printed tables came from a run
// with 10), and the schema is printed before the query runs.
//
// What the post does not settle, and this script's first run does (bench/mothra/README.md):
// the schema block below shows the struct inside dnsRecordList (the post's code names
// dnsRRType, dnsQueryResponse, dnsResponseCode and dnsName; if the installed Mothra names
// them differently the select fails with an AnalysisException after the schema has been
// printed) and whether a separate reverseOctetCount column sits next to octetCount; the
// bytes column, compared with flowsweep dns-names --bytes forward and --bytes total,
// shows which of the two octetCount is.
import org.apache.spark.sql.functions._
import org.cert.netsa.mothra.datasources._
import org.cert.netsa.mothra.datasources.ipfix.IPFIXFields

val inputPath = spark.conf.get("spark.flowsweep.repo")
val rowsToShow = spark.conf.getOption("spark.flowsweep.rows").map(_.toInt).getOrElse(20)

// The post's reading call: Mothra's default flow fields plus its DNS DPI fields.
val flows = spark.read.fields(IPFIXFields.default, IPFIXFields.dpi.dns).ipfix(inputPath)

// run.sh copies this block to stderr before the table (the markers delimit it).
println("=== flowsweep: schema ===")
flows.printSchema()
println("=== flowsweep: end of schema ===")

val startNs = System.nanoTime
// In braces, as in the post: spark-shell -i reads the file as typed input, and a line
// that starts with ".filter" after a complete statement would not parse.
val profile = {
  flows
    // DNS by YAF's application label, and only flows that carry resource records
    .filter(($"silkAppLabel" === 53) && (size($"dnsRecordList") > 0))
    // time, endpoints, volumes, and four per-record lists pulled out of dnsRecordList
    .select(
      $"startTime",
      $"sourceIPAddress",
      $"destinationIPAddress",
      $"octetCount",
      $"packetCount",
      $"dnsRecordList.dnsRRType" as "dnsRRType",
      $"dnsRecordList.dnsQueryResponse" as "dnsQR",
      $"dnsRecordList.dnsResponseCode" as "dnsResponse",
      $"dnsRecordList.dnsName" as "dnsName")
    // one group per exact (list of names, list of types), order inside the lists kept
    .groupBy($"dnsName", $"dnsRRType")
    .agg(
      count($"*") as "flows",
      countDistinct($"sourceIPAddress") as "#sIP",
      countDistinct($"destinationIPAddress") as "#dIP",
      sum($"octetCount") as "bytes",
      sum($"packetCount") as "packets")
    // large packets on average (a double division, strictly above 70) ...
    .filter($"bytes" / $"packets" > 70)
    // ... and not merely long answer lists: at most two names
    .filter(size($"dnsName") < 3)
    .orderBy($"bytes".desc)
}

profile.show(rowsToShow, false)
System.err.println(f"dns_names.scala: elapsed ${(System.nanoTime - startNs) / 1e9}%.2f s")
System.exit(0)
