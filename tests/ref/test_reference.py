#!/usr/bin/env python3
"""Self-tests of tests/ref/reference.py, and its comparison with real SiLK.

  test_reference.py            hand-made cases; every expected output below
                               was written by hand from the spec in
                               tests/ref/README.md, not by running the code.
  test_reference.py --silk     for every *.ipfix of the shared real data:
                               ipfixDump --yaf --data | ipfixdump2flowdump.py
                               | reference.py dns-dest (no filters, by dip,
                               asv4), compared with silk-reference-by-dip.txt
                               (SiLK 3.19.1). Exit 77 (skip) when the data,
                               ipfixDump or the converter is absent.

Standard library only.
"""

import argparse
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import reference  # noqa: E402

REFERENCE = os.path.join(HERE, "reference.py")
CONVERTER = os.path.join(HERE, "ipfixdump2flowdump.py")
EXIT_SKIP = 77


# ----------------------------------------------------------------------------
# helpers to write flowdump input


def F(sip, dip, nbytes, packets, rbytes=0, rpackets=0, names=(), types=None,
      app=53, proto=17):
    """One flow as flowdump lines: the F line and one R line per name."""
    if types is None:
        types = [1] * len(names)
    assert len(types) == len(names)
    lines = ["F 1000 2000 %s %s 40000 53 %d %d %d %d %d %d %d"
             % (sip, dip, proto, app, nbytes, packets, rbytes, rpackets,
                len(names))]
    for i, (name, t) in enumerate(zip(names, types)):
        lines.append("R %d %d %d 0 0 60 4660 %s" % (min(i, 1), min(i, 1), t,
                                                      name))
    return "\n".join(lines) + "\n"


class Base(unittest.TestCase):
    maxDiff = None

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="ref-test-")
        self.n = 0

    def tearDown(self):
        self.tmp.cleanup()

    def file(self, text):
        self.n += 1
        path = os.path.join(self.tmp.name, "in%d.fd" % self.n)
        with open(path, "w", newline="") as f:
            f.write(text)
        return path

    def run_ref(self, args, *inputs, rc=0):
        paths = [self.file(t) for t in inputs]
        out = io.BytesIO()
        err = io.StringIO()
        saved = sys.stderr
        sys.stderr = err
        try:
            got_rc = reference.main(args + paths, out=out)
        finally:
            sys.stderr = saved
        self.assertEqual(got_rc, rc, err.getvalue())
        return out.getvalue().decode("ascii")


# ----------------------------------------------------------------------------
# Spark show() format


class TestSparkShow(Base):
    # docs/ipfix-dns-format.md section 5, worked example, byte for byte.
    WORKED = (
        "+------------------------------------------------------+---------+-----+----+----+-----+-------+\n"
        "|dnsName                                               |dnsRRType|flows|#sIP|#dIP|bytes|packets|\n"
        "+------------------------------------------------------+---------+-----+----+----+-----+-------+\n"
        "|[252.0.0.224.in-addr.arpa., 252.0.0.224.in-addr.arpa.]|[12, 12] |3    |2   |1   |501  |6      |\n"
        "|[example.com.]                                        |[1]      |1    |1   |1   |80   |1      |\n"
        "+------------------------------------------------------+---------+-----+----+----+-----+-------+\n"
        "only showing top 2 rows\n"
        "\n")

    def worked_input(self):
        ptr = ["252.0.0.224.in-addr.arpa.", "252.0.0.224.in-addr.arpa."]
        return (F("192.168.1.1", "224.0.0.252", 167, 2, names=ptr,
                  types=[12, 12])
                + F("192.168.1.3", "8.8.8.8", 80, 1, names=["example.com."])
                + F("192.168.1.2", "224.0.0.252", 167, 2, names=ptr,
                    types=[12, 12])
                + F("192.168.1.4", "8.8.8.8", 71, 1, names=["a."])
                + F("192.168.1.1", "224.0.0.252", 167, 2, names=ptr,
                    types=[12, 12]))

    def test_worked_example(self):
        self.assertEqual(self.run_ref(["dns-names", "--limit", "2"],
                                      self.worked_input()), self.WORKED)

    def test_worked_example_truncate_20(self):
        # The same data with show() (truncate = 20): right-aligned cells.
        rows = [["[252.0.0.224.in-addr.arpa., 252.0.0.224.in-addr.arpa.]",
                 "[12, 12]", "3", "2", "1", "501", "6"]]
        text = reference.spark_show(reference.NAMES_HEADER, rows, 20, 20)
        self.assertIn(
            "|[252.0.0.224.in-a...| [12, 12]|    3|   2|   1|  501|      6|\n",
            text)

    def test_meta_characters_escaped(self):
        text = reference.spark_show(["a"], [["x\ty"]], 20)
        self.assertEqual(text, "+----+\n|a   |\n+----+\n|x\\ty|\n+----+\n\n")


# ----------------------------------------------------------------------------
# dns-names


EMPTY_NAMES = (
    "+-------+---------+-----+----+----+-----+-------+\n"
    "|dnsName|dnsRRType|flows|#sIP|#dIP|bytes|packets|\n"
    "+-------+---------+-----+----+----+-----+-------+\n"
    "+-------+---------+-----+----+----+-----+-------+\n"
    "\n")

NAMES_CSV_HEAD = "dnsName,dnsRRType,flows,#sIP,#dIP,bytes,packets\r\n"


class TestDnsNames(Base):
    def test_ties_by_rendered_text(self):
        # All but [z.] tie on bytes. Rendered text decides: "[a., b.]" <
        # "[a.]" because ',' < ']', and "[28]" < "[5]" because '2' < '5'.
        inp = (F("10.0.0.1", "10.0.0.2", 100, 1, names=["c."], types=[5])
               + F("10.0.0.1", "10.0.0.2", 100, 1, names=["b."])
               + F("10.0.0.1", "10.0.0.2", 100, 1, names=["a."], types=[28])
               + F("10.0.0.1", "10.0.0.2", 200, 1, names=["z."])
               + F("10.0.0.1", "10.0.0.2", 100, 1, names=["c."], types=[28])
               + F("10.0.0.1", "10.0.0.2", 100, 1, names=["a.", "b."])
               + F("10.0.0.1", "10.0.0.2", 100, 1, names=["a."]))
        want = (
            "+--------+---------+-----+----+----+-----+-------+\n"
            "|dnsName |dnsRRType|flows|#sIP|#dIP|bytes|packets|\n"
            "+--------+---------+-----+----+----+-----+-------+\n"
            "|[z.]    |[1]      |1    |1   |1   |200  |1      |\n"
            "|[a., b.]|[1, 1]   |1    |1   |1   |100  |1      |\n"
            "|[a.]    |[1]      |1    |1   |1   |100  |1      |\n"
            "|[a.]    |[28]     |1    |1   |1   |100  |1      |\n"
            "|[b.]    |[1]      |1    |1   |1   |100  |1      |\n"
            "|[c.]    |[28]     |1    |1   |1   |100  |1      |\n"
            "|[c.]    |[5]      |1    |1   |1   |100  |1      |\n"
            "+--------+---------+-----+----+----+-----+-------+\n"
            "\n")
        self.assertEqual(self.run_ref(["dns-names"], inp), want)

    BPP_INPUT = (
        F("192.168.0.1", "192.168.0.2", 70, 1, names=["p70."])      # = 70
        + F("192.168.0.1", "192.168.0.2", 71, 1, names=["p71."])
        + F("192.168.0.1", "192.168.0.2", 70, 1, names=["p140."])   # 140/2
        + F("192.168.0.1", "192.168.0.2", 70, 1, names=["p140."])
        + F("192.168.0.1", "192.168.0.2", 200, 1, names=["mix."])   # 210/2
        + F("192.168.0.1", "192.168.0.2", 10, 1, names=["mix."])
        + F("192.168.0.1", "192.168.0.2", 500, 0, names=["zero."])  # /0
        + F("192.168.0.1", "192.168.0.2", 141, 2, names=["half."])  # 70.5
        + F("192.168.0.1", "192.168.0.2", 900, 1,
            names=["t.", "t.", "t."])                                # 3 names
        + F("192.168.0.1", "192.168.0.2", 800, 1, names=["t.", "t."])
        + F("192.168.0.1", "192.168.0.2", 5000, 1, names=["noapp."], app=0)
        + F("192.168.0.1", "192.168.0.2", 5000, 1))                 # no DNS

    def test_bpp_strict_packets_zero_and_name_count(self):
        want = (
            "+--------+---------+-----+----+----+-----+-------+\n"
            "|dnsName |dnsRRType|flows|#sIP|#dIP|bytes|packets|\n"
            "+--------+---------+-----+----+----+-----+-------+\n"
            "|[t., t.]|[1, 1]   |1    |1   |1   |800  |1      |\n"
            "|[mix.]  |[1]      |2    |1   |1   |210  |2      |\n"
            "|[half.] |[1]      |1    |1   |1   |141  |2      |\n"
            "|[p71.]  |[1]      |1    |1   |1   |71   |1      |\n"
            "+--------+---------+-----+----+----+-----+-------+\n"
            "\n")
        self.assertEqual(self.run_ref(["dns-names"], self.BPP_INPUT), want)

    def test_max_names_and_min_bpp_options(self):
        want = (NAMES_CSV_HEAD
                + '"[""t."",""t."",""t.""]","[1,1,1]",1,1,1,900,1\r\n'
                + '"[""t."",""t.""]","[1,1]",1,1,1,800,1\r\n'
                + '"[""mix.""]",[1],2,1,1,210,2\r\n'
                + '"[""p71.""]",[1],1,1,1,71,1\r\n')
        self.assertEqual(self.run_ref(["dns-names", "--format", "csv",
                                       "--max-names", "3", "--min-bpp",
                                       "70.5"], self.BPP_INPUT), want)

    def test_ipv6_and_v4mapped_are_distinct_values(self):
        inp = (F("1.2.3.4", "2001:db8::53", 100, 1, names=["v6."],
                 types=[28])
               + F("::ffff:1.2.3.4", "2001:db8::53", 100, 1, names=["v6."],
                   types=[28])
               + F("2001:db8::1", "2001:db8::53", 100, 1, names=["v6."],
                   types=[28])
               + F("1.2.3.4", "2001:db8::54", 100, 1, names=["v6."],
                   types=[28]))
        want = ('{"dnsName":["v6."],"dnsRRType":[28],"flows":4,"sIP":3,'
                '"dIP":2,"bytes":400,"packets":4}\n')
        self.assertEqual(self.run_ref(["dns-names", "--format", "json"],
                                      inp), want)

    def test_bytes_total(self):
        inp = (F("10.0.0.1", "10.0.0.2", 60, 1, 300, 1, names=["tot."])
               + F("10.0.0.1", "10.0.0.2", 100, 1, 10, 3, names=["fw."]))
        self.assertEqual(
            self.run_ref(["dns-names", "--format", "csv"], inp),
            NAMES_CSV_HEAD + '"[""fw.""]",[1],1,1,1,100,1\r\n')
        self.assertEqual(
            self.run_ref(["dns-names", "--format", "csv", "--bytes",
                          "total"], inp),
            NAMES_CSV_HEAD + '"[""tot.""]",[1],1,1,1,360,2\r\n')

    SPECIAL_INPUT = (
        F("10.0.0.1", "10.0.0.2", 100, 1, names=[""])
        + F("10.0.0.1", "10.0.0.2", 90, 1, names=["", ""])
        + F("10.0.0.1", "10.0.0.2", 80, 1, names=['a"b\\x41,c.'],
            types=[16]))

    def test_special_names_table(self):
        want = (
            "+------------+---------+-----+----+----+-----+-------+\n"
            "|dnsName     |dnsRRType|flows|#sIP|#dIP|bytes|packets|\n"
            "+------------+---------+-----+----+----+-----+-------+\n"
            "|[]          |[1]      |1    |1   |1   |100  |1      |\n"
            "|[, ]        |[1, 1]   |1    |1   |1   |90   |1      |\n"
            '|[a"b\\x41,c.]|[16]     |1    |1   |1   |80   |1      |\n'
            "+------------+---------+-----+----+----+-----+-------+\n"
            "\n")
        self.assertEqual(self.run_ref(["dns-names"], self.SPECIAL_INPUT),
                         want)

    def test_special_names_csv(self):
        # list cells are JSON array text: "" and "," stay distinguishable
        rows = ['"[""""]",[1],1,1,1,100,1',
                '"["""",""""]","[1,1]",1,1,1,90,1',
                '"[""a\\""b\\\\x41,c.""]",[16],1,1,1,80,1']
        head = "dnsName,dnsRRType,flows,#sIP,#dIP,bytes,packets"
        self.assertEqual(
            self.run_ref(["dns-names", "--format", "csv"],
                         self.SPECIAL_INPUT),
            "".join(r + "\r\n" for r in [head] + rows))
        self.assertEqual(
            self.run_ref(["dns-names", "--format", "csv", "--csv-eol", "lf"],
                         self.SPECIAL_INPUT),
            "".join(r + "\n" for r in [head] + rows))

    def test_special_names_json(self):
        want = (
            '{"dnsName":[""],"dnsRRType":[1],"flows":1,"sIP":1,"dIP":1,'
            '"bytes":100,"packets":1}\n'
            '{"dnsName":["",""],"dnsRRType":[1,1],"flows":1,"sIP":1,'
            '"dIP":1,"bytes":90,"packets":1}\n'
            '{"dnsName":["a\\"b\\\\x41,c."],"dnsRRType":[16],"flows":1,'
            '"sIP":1,"dIP":1,"bytes":80,"packets":1}\n')
        got = self.run_ref(["dns-names", "--format", "json"],
                           self.SPECIAL_INPUT)
        self.assertEqual(got, want)
        # and it is valid JSON holding the escaped text as it is
        self.assertEqual(json.loads(got.splitlines()[2])["dnsName"],
                         ['a"b\\x41,c.'])

    def test_name_with_spaces_kept(self):
        inp = F("10.0.0.1", "10.0.0.2", 100, 1, names=["a b.", " x "])
        self.assertEqual(
            self.run_ref(["dns-names", "--format", "csv"], inp),
            NAMES_CSV_HEAD + '"[""a b."","" x ""]","[1,1]",1,1,1,100,1\r\n')

    LIMIT_INPUT = (F("10.0.0.1", "10.0.0.2", 100, 1,
                     names=["long-name-here."])
                   + F("10.0.0.1", "10.0.0.2", 300, 1, names=["a."])
                   + F("10.0.0.1", "10.0.0.2", 200, 1, names=["b."]))

    def test_limit_footer_singular(self):
        want = (
            "+-------+---------+-----+----+----+-----+-------+\n"
            "|dnsName|dnsRRType|flows|#sIP|#dIP|bytes|packets|\n"
            "+-------+---------+-----+----+----+-----+-------+\n"
            "|[a.]   |[1]      |1    |1   |1   |300  |1      |\n"
            "+-------+---------+-----+----+----+-----+-------+\n"
            "only showing top 1 row\n"
            "\n")
        self.assertEqual(self.run_ref(["dns-names", "--limit", "1"],
                                      self.LIMIT_INPUT), want)

    def test_limit_footer_plural_width_of_shown_rows_only(self):
        want = (
            "+-------+---------+-----+----+----+-----+-------+\n"
            "|dnsName|dnsRRType|flows|#sIP|#dIP|bytes|packets|\n"
            "+-------+---------+-----+----+----+-----+-------+\n"
            "|[a.]   |[1]      |1    |1   |1   |300  |1      |\n"
            "|[b.]   |[1]      |1    |1   |1   |200  |1      |\n"
            "+-------+---------+-----+----+----+-----+-------+\n"
            "only showing top 2 rows\n"
            "\n")
        self.assertEqual(self.run_ref(["dns-names", "--limit", "2"],
                                      self.LIMIT_INPUT), want)

    def test_limit_exact_and_zero_no_footer(self):
        want = (
            "+-----------------+---------+-----+----+----+-----+-------+\n"
            "|dnsName          |dnsRRType|flows|#sIP|#dIP|bytes|packets|\n"
            "+-----------------+---------+-----+----+----+-----+-------+\n"
            "|[a.]             |[1]      |1    |1   |1   |300  |1      |\n"
            "|[b.]             |[1]      |1    |1   |1   |200  |1      |\n"
            "|[long-name-here.]|[1]      |1    |1   |1   |100  |1      |\n"
            "+-----------------+---------+-----+----+----+-----+-------+\n"
            "\n")
        for limit in ("3", "0", "4"):
            self.assertEqual(self.run_ref(["dns-names", "--limit", limit],
                                          self.LIMIT_INPUT), want)

    def test_limit_csv_json(self):
        self.assertEqual(
            self.run_ref(["dns-names", "--format", "csv", "--limit", "1"],
                         self.LIMIT_INPUT),
            NAMES_CSV_HEAD + '"[""a.""]",[1],1,1,1,300,1\r\n')
        self.assertEqual(
            self.run_ref(["dns-names", "--format", "json", "--limit", "1"],
                         self.LIMIT_INPUT),
            '{"dnsName":["a."],"dnsRRType":[1],"flows":1,"sIP":1,"dIP":1,'
            '"bytes":300,"packets":1}\n')

    MANY_INPUT = "".join(F("10.0.0.1", "10.0.0.2", 1000 + i, 1,
                           names=["n%02d." % i]) for i in range(1, 23))

    def test_more_than_20_rows_default_limit(self):
        want = (
            "+-------+---------+-----+----+----+-----+-------+\n"
            "|dnsName|dnsRRType|flows|#sIP|#dIP|bytes|packets|\n"
            "+-------+---------+-----+----+----+-----+-------+\n"
            "|[n22.] |[1]      |1    |1   |1   |1022 |1      |\n"
            "|[n21.] |[1]      |1    |1   |1   |1021 |1      |\n"
            "|[n20.] |[1]      |1    |1   |1   |1020 |1      |\n"
            "|[n19.] |[1]      |1    |1   |1   |1019 |1      |\n"
            "|[n18.] |[1]      |1    |1   |1   |1018 |1      |\n"
            "|[n17.] |[1]      |1    |1   |1   |1017 |1      |\n"
            "|[n16.] |[1]      |1    |1   |1   |1016 |1      |\n"
            "|[n15.] |[1]      |1    |1   |1   |1015 |1      |\n"
            "|[n14.] |[1]      |1    |1   |1   |1014 |1      |\n"
            "|[n13.] |[1]      |1    |1   |1   |1013 |1      |\n"
            "|[n12.] |[1]      |1    |1   |1   |1012 |1      |\n"
            "|[n11.] |[1]      |1    |1   |1   |1011 |1      |\n"
            "|[n10.] |[1]      |1    |1   |1   |1010 |1      |\n"
            "|[n09.] |[1]      |1    |1   |1   |1009 |1      |\n"
            "|[n08.] |[1]      |1    |1   |1   |1008 |1      |\n"
            "|[n07.] |[1]      |1    |1   |1   |1007 |1      |\n"
            "|[n06.] |[1]      |1    |1   |1   |1006 |1      |\n"
            "|[n05.] |[1]      |1    |1   |1   |1005 |1      |\n"
            "|[n04.] |[1]      |1    |1   |1   |1004 |1      |\n"
            "|[n03.] |[1]      |1    |1   |1   |1003 |1      |\n"
            "+-------+---------+-----+----+----+-----+-------+\n"
            "only showing top 20 rows\n"
            "\n")
        self.assertEqual(self.run_ref(["dns-names"], self.MANY_INPUT), want)

    def test_csv_json_default_to_every_row(self):
        for fmt in ("csv", "json"):
            got = self.run_ref(["dns-names", "--format", fmt], self.MANY_INPUT)
            self.assertEqual(len(got.splitlines()), 22 + (fmt == "csv"))
            self.assertEqual(
                got, self.run_ref(["dns-names", "--format", fmt, "--limit", "0"],
                                  self.MANY_INPUT))

    def test_more_than_20_rows_limit_zero(self):
        got = self.run_ref(["dns-names", "--limit", "0"], self.MANY_INPUT)
        lines = got.split("\n")
        # 3 head lines + 22 rows + closing sep + println's empty line + ""
        self.assertEqual(len(lines), 28)
        self.assertEqual(lines[24],
                         "|[n01.] |[1]      |1    |1   |1   |1001 |1      |")
        self.assertEqual(lines[25], lines[0])
        self.assertEqual(lines[26:], ["", ""])
        self.assertNotIn("only showing", got)

    def test_empty_result(self):
        self.assertEqual(self.run_ref(["dns-names"], ""), EMPTY_NAMES)
        inp = F("10.0.0.1", "10.0.0.2", 10, 1, names=["small."])
        self.assertEqual(self.run_ref(["dns-names"], inp), EMPTY_NAMES)
        self.assertEqual(self.run_ref(["dns-names", "--format", "csv"], inp),
                         NAMES_CSV_HEAD)
        self.assertEqual(self.run_ref(["dns-names", "--format", "json"],
                                      inp), "")

    def test_several_files_are_one_input(self):
        a = "# file a\n" + F("10.0.0.1", "10.0.0.9", 100, 1, names=["x."])
        b = "# file b\n" + F("10.0.0.2", "10.0.0.9", 100, 1, names=["x."])
        self.assertEqual(
            self.run_ref(["dns-names", "--format", "csv"], a, b),
            NAMES_CSV_HEAD + '"[""x.""]",[1],2,2,1,200,2\r\n')


# ----------------------------------------------------------------------------
# dns-dest

DEST_CSV_HEAD = "dIP,protocol,bytes,flows,packets\r\n"


class TestDnsDest(Base):
    BASIC = (
        F("192.168.1.10", "192.168.1.1", 80, 1, 300, 2)   # fwd + rev record
        + F("192.168.1.11", "192.168.1.1", 700, 10)        # bpp 70: kept
        + F("192.168.1.12", "192.168.1.1", 699, 10)        # 69.9: dropped
        + F("192.168.1.13", "8.8.8.8", 500, 1, 1000, 2)    # rev src outside
        + F("192.168.1.13", "8.8.8.8", 600, 2, proto=6)    # TCP
        + F("192.168.1.14", "8.8.8.8", 9000, 10, app=0)    # not DNS
        + F("192.168.2.1", "9.9.9.9", 499, 1))             # group of 499

    def test_basic_table(self):
        want = (
            "+-----------+--------+-----+-----+-------+\n"
            "|dIP        |protocol|bytes|flows|packets|\n"
            "+-----------+--------+-----+-----+-------+\n"
            "|192.168.1.1|17      |780  |2    |11     |\n"
            "|8.8.8.8    |6       |600  |1    |2      |\n"
            "|8.8.8.8    |17      |500  |1    |1      |\n"
            "+-----------+--------+-----+-----+-------+\n"
            "\n")
        self.assertEqual(self.run_ref(["dns-dest"], self.BASIC), want)

    def test_min_bytes_zero_shows_reverse_record_group(self):
        want = (DEST_CSV_HEAD
                + "192.168.1.1,17,780,2,11\r\n"
                + "8.8.8.8,6,600,1,2\r\n"
                + "8.8.8.8,17,500,1,1\r\n"
                + "9.9.9.9,17,499,1,1\r\n"
                + "192.168.1.10,17,300,1,2\r\n")
        self.assertEqual(self.run_ref(["dns-dest", "--format", "csv",
                                       "--min-bytes", "0"], self.BASIC),
                         want)

    def test_direction_forward(self):
        want = (DEST_CSV_HEAD
                + "192.168.1.1,17,780,2,11\r\n"
                + "8.8.8.8,6,600,1,2\r\n"
                + "8.8.8.8,17,500,1,1\r\n"
                + "9.9.9.9,17,499,1,1\r\n")
        self.assertEqual(self.run_ref(["dns-dest", "--format", "csv",
                                       "--min-bytes", "0", "--direction",
                                       "forward"], self.BASIC), want)

    def test_json(self):
        want = ('{"dIP":"192.168.1.1","protocol":17,"bytes":780,"flows":2,'
                '"packets":11}\n'
                '{"dIP":"8.8.8.8","protocol":6,"bytes":600,"flows":1,'
                '"packets":2}\n')
        self.assertEqual(self.run_ref(["dns-dest", "--format", "json",
                                       "--limit", "2"], self.BASIC), want)

    def test_ties_by_rendered_text(self):
        inp = (F("192.168.0.1", "9.0.0.1", 1000, 10, proto=6)
               + F("192.168.0.1", "10.0.0.2", 1000, 10)
               + F("192.168.0.1", "10.0.0.3", 500, 5)
               + F("192.168.0.1", "9.0.0.1", 1000, 10)
               + F("192.168.0.1", "10.0.0.10", 1000, 10)
               + F("192.168.0.1", "10.0.0.3", 500, 5))
        want = (DEST_CSV_HEAD
                + "10.0.0.10,17,1000,1,10\r\n"
                + "10.0.0.2,17,1000,1,10\r\n"
                + "10.0.0.3,17,1000,2,10\r\n"
                + "9.0.0.1,17,1000,1,10\r\n"
                + "9.0.0.1,6,1000,1,10\r\n")
        self.assertEqual(self.run_ref(["dns-dest", "--format", "csv"], inp),
                         want)

    def test_default_cidr_edges(self):
        inp = (F("192.167.255.255", "1.0.0.1", 700, 1)
               + F("192.168.0.0", "1.0.0.2", 700, 1)
               + F("192.168.255.255", "1.0.0.3", 700, 1)
               + F("192.169.0.0", "1.0.0.4", 700, 1)
               + F("::ffff:192.168.1.1", "::ffff:1.0.0.5", 700, 1)
               + F("2001:db8::1", "2001:db8::5", 700, 1)
               + F("::ffff:192.169.0.0", "::ffff:1.0.0.6", 700, 1))
        want = (DEST_CSV_HEAD
                + "1.0.0.2,17,700,1,1\r\n"
                + "1.0.0.3,17,700,1,1\r\n"
                + "::ffff:1.0.0.5,17,700,1,1\r\n")
        self.assertEqual(self.run_ref(["dns-dest", "--format", "csv"], inp),
                         want)

    def test_several_cidrs_and_ipv6_cidr(self):
        srcs = [("9.255.255.255", False), ("10.0.0.0", True),
                ("10.255.255.255", True), ("11.0.0.0", False),
                ("172.15.255.255", False), ("172.16.0.0", True),
                ("172.31.255.255", True), ("172.32.0.0", False),
                ("2001:db8::1", True), ("2001:db9::1", False),
                ("2001:db7:ffff:ffff:ffff:ffff:ffff:ffff", False),
                ("2001:db8:ffff:ffff:ffff:ffff:ffff:ffff", True),
                ("192.168.1.1", False)]
        inp = "".join(F(s, "2.0.0.%d" % i, 700, 1)
                      for i, (s, _) in enumerate(srcs, start=1))
        want = (DEST_CSV_HEAD
                + "2.0.0.12,17,700,1,1\r\n"
                + "2.0.0.2,17,700,1,1\r\n"
                + "2.0.0.3,17,700,1,1\r\n"
                + "2.0.0.6,17,700,1,1\r\n"
                + "2.0.0.7,17,700,1,1\r\n"
                + "2.0.0.9,17,700,1,1\r\n")
        self.assertEqual(self.run_ref(
            ["dns-dest", "--format", "csv", "--src-cidr", "10.0.0.0/8",
             "--src-cidr", "172.16.0.0/12", "--src-cidr", "2001:db8::/32"],
            inp), want)

    def test_ipv4_address_in_v4mapped_ipv6_cidr(self):
        inp = (F("192.168.3.3", "3.0.0.1", 700, 1)
               + F("192.169.3.3", "3.0.0.2", 700, 1))
        self.assertEqual(self.run_ref(
            ["dns-dest", "--format", "csv", "--src-cidr",
             "::ffff:192.168.0.0/112"], inp),
            DEST_CSV_HEAD + "3.0.0.1,17,700,1,1\r\n")

    def test_src_cidr_none(self):
        inp = (F("1.1.1.1", "3.0.0.1", 700, 1)
               + F("2001:db8::1", "3.0.0.2", 600, 1))
        self.assertEqual(self.run_ref(
            ["dns-dest", "--format", "csv", "--src-cidr", "none"], inp),
            DEST_CSV_HEAD + "3.0.0.1,17,700,1,1\r\n3.0.0.2,17,600,1,1\r\n")

    IPV6_INPUT = (F("192.168.1.1", "8.8.8.8", 700, 1)
                  + F("::ffff:192.168.1.2", "::ffff:8.8.8.8", 800, 1)
                  + F("2001:db8::1", "2001:db8::53", 900, 1)
                  + F("::ffff:192.168.1.3", "2001:db8::99", 1000, 1))

    def test_ipv6_policy_mix(self):
        want = (DEST_CSV_HEAD
                + "2001:db8::99,17,1000,1,1\r\n"
                + "2001:db8::53,17,900,1,1\r\n"
                + "::ffff:8.8.8.8,17,800,1,1\r\n"
                + "8.8.8.8,17,700,1,1\r\n")
        self.assertEqual(self.run_ref(
            ["dns-dest", "--format", "csv", "--src-cidr", "none"],
            self.IPV6_INPUT), want)

    def test_ipv6_policy_asv4(self):
        self.assertEqual(self.run_ref(
            ["dns-dest", "--format", "csv", "--src-cidr", "none",
             "--ipv6-policy", "asv4"], self.IPV6_INPUT),
            DEST_CSV_HEAD + "8.8.8.8,17,1500,2,2\r\n")

    SPLIT_INPUT = (F("10.0.0.1", "10.0.0.2", 0, 0, 700, 2)    # reverse only
                   + F("10.0.0.3", "10.0.0.4", 500, 0)         # no packets
                   + F("10.0.0.5", "10.0.0.6", 100, 1, 0, 3)   # rbytes 0
                   + F("10.0.0.7", "10.0.0.8", 100, 1, 50, 1))

    def test_silk_split_without_filters(self):
        want = ("dIP,bytes,flows,packets\r\n"
                + "10.0.0.1,700,1,2\r\n"
                + "10.0.0.6,100,1,1\r\n"
                + "10.0.0.8,100,1,1\r\n"
                + "10.0.0.7,50,1,1\r\n")
        self.assertEqual(self.run_ref(
            ["dns-dest", "--format", "csv", "--src-cidr", "none",
             "--min-bpp", "none", "--min-bytes", "0", "--fields", "dip"],
            self.SPLIT_INPUT), want)

    def test_packets_zero_with_default_bpp(self):
        self.assertEqual(self.run_ref(
            ["dns-dest", "--format", "csv", "--src-cidr", "none",
             "--min-bytes", "0", "--fields", "dip"], self.SPLIT_INPUT),
            "dIP,bytes,flows,packets\r\n10.0.0.1,700,1,2\r\n"
            "10.0.0.6,100,1,1\r\n10.0.0.8,100,1,1\r\n")

    def test_min_bpp_option(self):
        inp = F("192.168.0.1", "4.0.0.1", 1410, 20)     # 70.5
        self.assertEqual(self.run_ref(
            ["dns-dest", "--format", "csv", "--min-bpp", "70.5"], inp),
            DEST_CSV_HEAD + "4.0.0.1,17,1410,1,20\r\n")
        self.assertEqual(self.run_ref(
            ["dns-dest", "--format", "csv", "--min-bpp", "70.51"], inp),
            DEST_CSV_HEAD)

    def test_empty_result(self):
        want = (
            "+---+--------+-----+-----+-------+\n"
            "|dIP|protocol|bytes|flows|packets|\n"
            "+---+--------+-----+-----+-------+\n"
            "+---+--------+-----+-----+-------+\n"
            "\n")
        self.assertEqual(self.run_ref(["dns-dest"], ""), want)
        self.assertEqual(self.run_ref(["dns-dest", "--format", "json"], ""),
                         "")


# ----------------------------------------------------------------------------
# command line and input errors


class TestCli(Base):
    def test_stdin_via_subprocess(self):
        inp = F("10.0.0.1", "10.0.0.2", 100, 1, names=["x."])
        for args in ([], ["-"]):
            p = subprocess.run([sys.executable, REFERENCE, "dns-names",
                                "--format", "csv"] + args,
                               input=inp.encode(), capture_output=True)
            self.assertEqual(p.returncode, 0, p.stderr)
            self.assertEqual(p.stdout,
                             (NAMES_CSV_HEAD
                              + '"[""x.""]",[1],1,1,1,100,1\r\n').encode())

    def test_help(self):
        p = subprocess.run([sys.executable, REFERENCE, "--help"],
                           capture_output=True)
        self.assertEqual(p.returncode, 0)
        self.assertIn(b"dns-names", p.stdout)

    def test_bad_inputs(self):
        bad = [
            "F 1 2 10.0.0.1 10.0.0.2 1 53 17 53 100 1 0 0 2\n"
            "R 0 0 1 0 0 0 1 a.\n",                        # R line missing
            "F 1 2 10.0.0.1 10.0.0.2 1 53 17 53 100 1 0 0\n",  # 12 fields
            "F 1 2 10.0.0.1 10.0.0.2 1 53 17 53 1x0 1 0 0 0\n",
            "F 1 2 10.0.0.1 not-an-ip 1 53 17 53 100 1 0 0 0\n",
            "R 0 0 1 0 0 0 1 a.\n",                         # orphan R
            "X what\n",
            "F 1 2 10.0.0.1 10.0.0.2 1 53 17 53 100 1 0 0 1\n"
            "R 0 0 1 0 0 0 1 a\tb.\n",                      # raw control
            "F 1 2 10.0.0.1 10.0.0.2 1 53 17 53 100 1 0 0 1\n"
            "R 0 0 1 0 0 0 1\n",                            # no name field
        ]
        for text in bad:
            with self.subTest(text=text):
                self.run_ref(["dns-names"], text, rc=1)

    def test_usage_errors(self):
        for args in (["dns-dest", "--src-cidr", "none", "--src-cidr",
                      "10.0.0.0/8"],
                     ["dns-dest", "--src-cidr", "10.0.0.0/33"],
                     ["dns-names", "--min-bpp", "none"],
                     ["dns-names", "--limit", "-1"]):
            with self.subTest(args=args):
                p = subprocess.run([sys.executable, REFERENCE] + args,
                                   input=b"", capture_output=True)
                self.assertEqual(p.returncode, 2, p.stderr)


# ----------------------------------------------------------------------------
# SiLK comparison over the shared real data


def parse_silk_reference(path):
    """{file name: {dip: (records, packets, bytes)}} from
    silk-reference-by-dip.txt ("== FILE" headers, "dip,rec,pkt,bytes")."""
    ref = {}
    cur = None
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            if line.startswith("== "):
                cur = ref.setdefault(line[3:].strip(), {})
                continue
            dip, rec, pkt, nbytes = line.split(",")
            cur[dip] = (int(rec), int(pkt), int(nbytes))
    return ref


def flowdump_of(ipfix, converter):
    """ipfixDump --yaf --data --in FILE | converter -> flowdump text."""
    dump = subprocess.run(["ipfixDump", "--yaf", "--data", "--in", ipfix],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if dump.returncode != 0:
        raise RuntimeError("ipfixDump failed on %s: %s"
                           % (ipfix, dump.stderr.decode(errors="replace")))
    conv = subprocess.run([sys.executable, converter], input=dump.stdout,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if conv.returncode != 0:
        raise RuntimeError("%s failed on %s: %s"
                           % (os.path.basename(converter), ipfix,
                              conv.stderr.decode(errors="replace")))
    return conv.stdout


def reference_by_dip(flowdump_bytes):
    """Our dns-dest with no source filter, no bpp filter, min-bytes 0,
    grouped by dip only, SiLK's asv4 policy: {dip: (records, pkts, bytes)}."""
    with tempfile.NamedTemporaryFile(suffix=".fd") as tmp:
        tmp.write(flowdump_bytes)
        tmp.flush()
        out = io.BytesIO()
        rc = reference.main(["dns-dest", "--src-cidr", "none", "--min-bpp",
                             "none", "--min-bytes", "0", "--fields", "dip",
                             "--ipv6-policy", "asv4", "--limit", "0",
                             "--format", "json", tmp.name], out=out)
    if rc != 0:
        raise RuntimeError("reference.py failed (rc %d)" % rc)
    got = {}
    for line in out.getvalue().decode("ascii").splitlines():
        o = json.loads(line)
        got[o["dIP"]] = (o["flows"], o["packets"], o["bytes"])
    return got


def silk_main(data_dir, converter):
    if not os.path.isdir(data_dir):
        print("SKIP: shared data folder %s is absent" % data_dir)
        return EXIT_SKIP
    files = sorted(f for f in os.listdir(data_dir) if f.endswith(".ipfix"))
    ref_path = os.path.join(data_dir, "silk-reference-by-dip.txt")
    if not files or not os.path.exists(ref_path):
        print("SKIP: no *.ipfix or no silk-reference-by-dip.txt in %s"
              % data_dir)
        return EXIT_SKIP
    if shutil.which("ipfixDump") is None:
        print("SKIP: ipfixDump (libfixbuf-tools) is not installed")
        return EXIT_SKIP
    if not os.path.exists(converter):
        print("SKIP: %s does not exist yet (another engineer writes it); "
              "the SiLK comparison cannot run without it" % converter)
        return EXIT_SKIP
    silk = parse_silk_reference(ref_path)
    failures = 0
    for name in files:
        path = os.path.join(data_dir, name)
        want = silk.get(name)
        try:
            got = reference_by_dip(flowdump_of(path, converter))
        except RuntimeError as e:
            print("FAIL %s: %s" % (name, e))
            failures += 1
            continue
        if want is None:
            # SiLK printed no section: the file has no app-53 record.
            status = "ok (no SiLK section, no app-53 records)" if not got \
                else "FAIL (no SiLK section but %d dips)" % len(got)
        else:
            status = "ok" if got == want else "FAIL"
        if status.startswith("FAIL"):
            failures += 1
        print("%-4s %s: %d dips" % (status.split()[0], name, len(got)))
        if want is not None and got != want:
            for dip in sorted(set(got) | set(want)):
                g, w = got.get(dip), want.get(dip)
                if g != w:
                    print("     dip %s: reference (records, packets, bytes)"
                          " %s, SiLK %s" % (dip, g, w))
        elif want is None and got:
            print("     %s" % status)
    print("%d of %d files differ from SiLK" % (failures, len(files)))
    return 1 if failures else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--silk", action="store_true",
                    help="compare dns-dest with SiLK 3.19.1 on the real data "
                    "(exit 77 = skipped)")
    ap.add_argument("--data", default=os.environ.get(
        "FLOWSWEEP_SHARED_DATA", "/work/shared/data/real"),
        help="real data folder (default $FLOWSWEEP_SHARED_DATA or "
        "/work/shared/data/real)")
    ap.add_argument("--converter", default=CONVERTER,
                    help="ipfixDump-to-flowdump converter (default %(default)s)")
    args, rest = ap.parse_known_args()
    if args.silk:
        return silk_main(args.data, args.converter)
    prog = unittest.main(argv=[sys.argv[0]] + rest, exit=False)
    return 0 if prog.result.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main())
