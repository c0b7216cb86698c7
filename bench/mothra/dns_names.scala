// dns_names.scala - the Mothra analytic of the SEI post "Security Analytics: Using SiLK
// and Mothra to Identify Data Exfiltration via the Domain Name Service", for spark-shell.
//
//   spark-shell --packages <mothra> -i dns_names.scala --conf spark.flowsweep.repo=REPO
//   (bench/mothra/run.sh does this)
//
// UNVERIFIED: the post's own code and Mothra's IPFIX field list could not be retrieved
// here (only Mothra's API navigation pages and the post's introduction were reachable;
// see /work/shared/docs/ipfix-dns-format.md, sources SEI and MOTHRA, and section 4).
// What is verified from Mothra's docs is the datasource pattern
// (import org.cert.netsa.mothra.datasources._; spark.read.fields(...).<source>(path)).
// The columns below follow the column model of ipfix-dns-format.md section 4:
// silkAppLabel, sourceIPAddress, destinationIPAddress, octetCount and packetCount (the
// forward counts), and dnsRecordList, one struct per DNS resource record in wire order
// with dnsName and dnsRRType. Check them against IPFIXFields on the first real run
// (df.printSchema below prints what Mothra gives) and fix the names here if they differ.
//
// The analytic is what flowsweep's dns-names preset runs (flowsweep dns-names
// --show-query): DNS flows carrying records, grouped by (names, types), with flows,
// distinct sources and destinations, bytes and packets; bytes/packets > 70 and fewer
// than 3 names; by bytes descending; show(20, false).
import org.apache.spark.sql.functions._
import org.cert.netsa.mothra.datasources._

val repo = spark.conf.get("spark.flowsweep.repo")
val rows = spark.conf.getOption("spark.flowsweep.rows").map(_.toInt).getOrElse(20)

val flows = spark.read.ipfix(repo)
flows.printSchema()

val t0 = System.nanoTime
val dns = flows.
  filter($"silkAppLabel" === 53 && size($"dnsRecordList") > 0).
  select(
    $"dnsRecordList.dnsName".as("dnsName"),
    $"dnsRecordList.dnsRRType".as("dnsRRType"),
    $"sourceIPAddress", $"destinationIPAddress", $"octetCount", $"packetCount")

val result = dns.
  groupBy($"dnsName", $"dnsRRType").
  agg(
    count(lit(1)).as("flows"),
    countDistinct($"sourceIPAddress").as("#sIP"),
    countDistinct($"destinationIPAddress").as("#dIP"),
    sum($"octetCount").as("bytes"),
    sum($"packetCount").as("packets")).
  filter($"bytes" / $"packets" > 70 && size($"dnsName") < 3).
  orderBy($"bytes".desc)

result.show(rows, false)
System.err.println(f"dns_names.scala: elapsed ${(System.nanoTime - t0) / 1e9}%.2f s")
System.exit(0)
