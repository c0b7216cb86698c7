"""dom.py - a small DOM tree from HTML text (Python's html.parser), for the report tests.

Text is unescaped (character references resolved), so a text node holds what a reader
sees. Used on the report file itself and on Chromium's --dump-dom serialisation."""
from html.parser import HTMLParser

VOID = {'area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'source',
        'track', 'wbr'}


class Node:
    def __init__(self, tag, attrs, parent):
        self.tag, self.attrs, self.parent = tag, dict(attrs), parent
        self.children = []  # Node or str

    def classes(self):
        return (self.attrs.get('class') or '').split()

    def text(self):
        return ''.join(c if isinstance(c, str) else c.text() for c in self.children)

    def iter(self):
        yield self
        for c in self.children:
            if isinstance(c, Node):
                yield from c.iter()

    def find_all(self, tag=None, cls=None):
        return [n for n in self.iter() if (tag is None or n.tag == tag) and
                (cls is None or cls in n.classes())]

    def by_id(self, ident):
        return next((n for n in self.iter() if n.attrs.get('id') == ident), None)

    def text_nodes(self):
        for c in self.children:
            if isinstance(c, str):
                yield c, self
            else:
                yield from c.text_nodes()


class _Builder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node('#document', [], None)
        self.cur = self.root

    def handle_starttag(self, tag, attrs):
        n = Node(tag, attrs, self.cur)
        self.cur.children.append(n)
        if tag not in VOID:
            self.cur = n

    def handle_startendtag(self, tag, attrs):
        self.cur.children.append(Node(tag, attrs, self.cur))

    def handle_endtag(self, tag):
        n = self.cur
        while n is not None and n.tag != tag:
            n = n.parent
        if n is not None and n.parent is not None:
            self.cur = n.parent

    def handle_data(self, data):
        self.cur.children.append(data)


def parse(text):
    b = _Builder()
    b.feed(text)
    b.close()
    return b.root


def table_rows(section):
    """The header names and the cell texts of the table.rows in `section` (rank column dropped)."""
    t = section.find_all('table', 'rows')
    if not t:
        return [], []
    head = [th.text() for th in t[0].find_all('th')][1:]
    rows = []
    for tr in t[0].find_all('tbody')[0].find_all('tr'):
        rows.append([td for td in tr.find_all('td')][1:])
    return head, rows
