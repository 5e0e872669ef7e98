"""The HTML explorer: node selection and the written file, then the page in headless Chromium.

Browser tests share one Chromium per module and skip cleanly when ``/usr/bin/chromium``,
``/usr/bin/chromedriver`` or selenium are missing. They write a screenshot and load metrics
under ``tests/artifacts/`` (git-ignored).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import tempfile
import time
from pathlib import Path
from typing import Any, Iterator

import networkx as nx
import pytest
from helpers import build_demo_graph

from citegraph.errors import OutputError
from citegraph.html import render_html, select_nodes, year_layout

ARTIFACTS = Path(__file__).parent / "artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")

XSS_TITLE = '<img src=x onerror="window.__xss=1">'
XSS_AUTHOR = "<script>window.__xss=2</script>"
XSS_VENUE = '<svg onload="window.__xss=3"></svg>'
XSS_ABSTRACT = '</script><script>window.__xss=4</script><!-- pre-training'
XSS_SNIPPET = '<b onmouseover="window.__xss=5">pre-training</b>'


# ----------------------------------------------------------------------------- graphs


def _node(G: nx.DiGraph, node: str, year: int | None, title: str, **attrs: Any) -> None:
    base = {
        "id": node, "title": title, "year": year, "date": None, "doi": None, "arxiv_id": None,
        "type": "article", "venue": None, "authors": [], "cited_by_count": 0,
        "referenced_works_count": 0, "abstract": "", "has_abstract": False, "field": None,
        "topics": [], "updated_date": None, "warnings": [], "first_author": None, "depth": 1,
        "is_seed": False, "seed_name": None, "term_use": "unknown", "term_forms": [],
        "term_snippet": "", "term_collocations": [], "on_chain": False, "on_main_path": False,
        "is_earliest_adopter": False,
    }
    base.update(attrs)
    if base["authors"] and not base["first_author"]:
        base["first_author"] = base["authors"][0]
    G.add_node(node, **base)


_TERM_KEYS = ("term_use", "term_forms", "term_snippet", "term_collocations")
_MARK_KEYS = ("is_earliest_adopter", "on_chain", "on_main_path")


def _split(G: nx.DiGraph) -> tuple[nx.DiGraph, Any, Any]:
    """A hand-built graph written as an explorer sees it (``term_use``, ``on_chain`` ... on the
    nodes) → the crawled graph without them, its :class:`TermUses` and its :class:`Highlights`."""
    from citegraph.analysis import Highlights
    from citegraph.terms import TermUse, TermUses, compile_term

    plain = G.copy()
    hits, marks = {}, {key: set() for key in _MARK_KEYS}
    for node, attrs in plain.nodes(data=True):
        hits[node] = TermUse(attrs.pop("term_use", "unknown"), forms=tuple(attrs.pop("term_forms", ())),
                             snippet=attrs.pop("term_snippet", ""), collocations=tuple(attrs.pop("term_collocations", ())))
        for key in _MARK_KEYS:
            if attrs.pop(key, False):
                marks[key].add(node)
    edges = {key: set() for key in ("on_chain", "on_main_path")}
    for u, v, attrs in plain.edges(data=True):
        for key in edges:
            if attrs.pop(key, False):
                edges[key].add((u, v))
    uses = TermUses((compile_term("pre-training"),), {"pre-training": hits})
    return plain, uses, Highlights(
        earliest=frozenset(marks["is_earliest_adopter"]), chain_nodes=frozenset(marks["on_chain"]),
        chain_edges=frozenset(edges["on_chain"]), main_path_nodes=frozenset(marks["on_main_path"]),
        main_path_edges=frozenset(edges["on_main_path"]))


def _render(G: nx.DiGraph, out: Any, **options: Any) -> Path:
    plain, uses, marks = _split(G)
    return render_html(plain, out, uses=uses, marks=marks, **options)


@pytest.fixture(scope="module")
def small_graph() -> nx.DiGraph:
    """Ten works with every term use, highlight kind, a work without a year and an XSS record.

    W1 (seed, 2019) -> W2 (2018) -> W4 (2013, earliest adopter) -> W5 (2010) is the origin chain;
    W1 -> W3 -> W4 the main path; W7 carries markup in every text field.
    """
    G = nx.DiGraph(seeds=["W1"], seed_names={"W1": "bert"}, crawl={})
    _node(G, "W1", 2019, "BERT: Pre-training of Deep Bidirectional Transformers", is_seed=True,
          seed_name="bert", depth=0, authors=["Jacob Devlin", "Ming-Wei Chang"], venue="NAACL",
          doi="10.18653/v1/n19-1423", arxiv_id="1810.04805", cited_by_count=90000, term_use="title",
          term_forms=["pre-training"], term_snippet="BERT: Pre-training of Deep", on_chain=True,
          on_main_path=True)
    _node(G, "W2", 2018, "Deep contextualized word representations", authors=["Matthew Peters"],
          cited_by_count=9000, term_use="abstract", term_forms=["pretrained"], on_chain=True,
          term_snippet="a deep bidirectional language model (biLM), which is pretrained on a large text corpus")
    _node(G, "W3", 2015, "Semi-supervised Sequence Learning", authors=["Andrew M. Dai", "Quoc V. Le"],
          cited_by_count=1200, term_use="no", has_abstract=True, on_main_path=True)
    _node(G, "W4", 2013, "Why does unsupervised pre-training help deep learning?", authors=["Dumitru Erhan"],
          cited_by_count=2500, term_use="title", is_earliest_adopter=True, on_chain=True, on_main_path=True)
    _node(G, "W5", 2010, "A fast learning algorithm for deep belief nets", authors=["Geoffrey Hinton"],
          cited_by_count=15000, term_use="unknown", on_chain=True)
    _node(G, "W6", None, "Title-only reference without a year", cited_by_count=None)
    _node(G, "W7", 2016, XSS_TITLE, authors=[XSS_AUTHOR, "Mallory"], venue=XSS_VENUE,
          abstract=XSS_ABSTRACT, has_abstract=True, term_use="abstract", term_snippet=XSS_SNIPPET,
          doi="10.1234/<script>", cited_by_count=3)
    _node(G, "W8", 2016, "Attention-free word vectors", authors=["Tomas Mikolov"], cited_by_count=300,
          term_use="no", has_abstract=True)
    _node(G, "W9", 2017, "Attention Is All You Need", authors=["Ashish Vaswani"], cited_by_count=50000,
          term_use="no", has_abstract=True)
    _node(G, "W10", 2017, "Universal Sentence Encoder", authors=["Daniel Cer"], cited_by_count=800,
          term_use="unknown")
    for u, v in [("W1", "W2"), ("W2", "W4"), ("W4", "W5")]:
        G.add_edge(u, v, on_chain=True, on_main_path=False)
    for u, v in [("W1", "W3"), ("W3", "W4")]:
        G.add_edge(u, v, on_chain=False, on_main_path=True)
    for u, v in [("W1", "W7"), ("W7", "W3"), ("W2", "W6"), ("W1", "W9"), ("W9", "W8"), ("W10", "W9"), ("W8", "W5")]:
        G.add_edge(u, v, on_chain=False, on_main_path=False)
    return G


@pytest.fixture(scope="module")
def demo_graph(demo_works: list[dict[str, Any]], demo_seeds: dict[str, Any]) -> nx.DiGraph:
    """The depth-2 neighbourhood of the 3 demo seeds, as the explorer sees it: term use of
    "pre-training" and the highlights joined in (``export_view``)."""
    from citegraph.analysis import highlights
    from citegraph.analysis.highlights import export_view
    from citegraph.terms import compile_terms, term_uses

    G = build_demo_graph(demo_works, demo_seeds)
    uses = term_uses(G, compile_terms("pre-training"))
    return export_view(G, uses, highlights(G, uses))


def _embedded(html: str) -> dict[str, Any]:
    match = re.search(r'<script type="application/json" id="citegraph-data">(.*?)</script>', html, re.S)
    assert match, "no data block"
    return json.loads(match.group(1))


@pytest.fixture(scope="module")
def small_page(small_graph: nx.DiGraph, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _render(small_graph, tmp_path_factory.mktemp("small") / "graph.html", title="Small <test> graph")


# ----------------------------------------------------------------------------- select_nodes


def _ranked_graph() -> nx.DiGraph:
    G = nx.DiGraph()
    _node(G, "S1", 2019, "seed one", is_seed=True, cited_by_count=1)
    _node(G, "S2", 2018, "seed two", is_seed=True, cited_by_count=None)
    _node(G, "C1", 2015, "chain", on_chain=True, cited_by_count=0)
    _node(G, "M1", 2014, "main path", on_main_path=True, cited_by_count=0)
    _node(G, "E1", 2012, "earliest", is_earliest_adopter=True, term_use="title", cited_by_count=0)
    for i in range(3):
        _node(G, f"T{i}", 2016, f"title user {i}", term_use="title", cited_by_count=i)
    for i in range(4):
        _node(G, f"A{i}", 2016, f"abstract user {i}", term_use="abstract", cited_by_count=i)
    for i in range(10):
        _node(G, f"N{i}", 2010, f"other {i}", term_use="no" if i % 2 else "unknown", cited_by_count=1000 + i)
    G.add_edge("S1", "C1")
    G.add_edge("C1", "A0")
    G.add_edge("A0", "N0")
    G.add_edge("N1", "N0")
    return G


def test_select_nodes_prefers_seeds_highlights_and_term_users() -> None:
    G = _ranked_graph()
    kept, hidden = select_nodes(G, 12)
    assert {"S1", "S2", "C1", "M1", "E1", "T0", "T1", "T2"} <= kept
    assert len(kept) == 12
    # then abstract users, most cited first
    assert {"A3", "A2", "A1", "A0"} == kept - {"S1", "S2", "C1", "M1", "E1", "T0", "T1", "T2"}
    assert hidden["nodes"] == G.number_of_nodes() - 12 == 10
    assert hidden["no"] == 5 and hidden["unknown"] == 5
    assert hidden["title"] == hidden["abstract"] == hidden["highlighted"] == 0
    assert hidden["edges"] == 2  # A0 -> N0 and N1 -> N0


def test_select_nodes_fills_with_the_most_cited() -> None:
    G = _ranked_graph()
    kept, hidden = select_nodes(G, 14)
    assert {"N9", "N8"} <= kept and not {"N0", "N1", "N7"} & kept
    assert hidden["nodes"] == 8 and hidden["no"] + hidden["unknown"] == 8


def test_select_nodes_keeps_every_seed_and_counts_hidden_highlights() -> None:
    G = _ranked_graph()
    kept, hidden = select_nodes(G, 1)
    assert kept == {"S1", "S2"}
    assert hidden["highlighted"] == 3
    assert hidden["title"] == 4 and hidden["abstract"] == 4


def test_select_nodes_without_limit_keeps_everything() -> None:
    G = _ranked_graph()
    for limit in (0, G.number_of_nodes(), 10_000):
        kept, hidden = select_nodes(G, limit)
        assert kept == set(G.nodes)
        assert hidden["nodes"] == 0 and hidden["edges"] == 0


def test_select_nodes_breaks_ties_by_local_citations_then_id() -> None:
    G = nx.DiGraph()
    for i in range(20):
        _node(G, f"W{i}", 2000, "same", cited_by_count=None)
    G.add_edges_from([("W0", "W7"), ("W1", "W7"), ("W2", "W9")])
    assert select_nodes(G, 5)[0] == {"W7", "W9", "W0", "W1", "W10"}


# ----------------------------------------------------------------------------- the written file

REMOTE_ASSET = re.compile(r"""(?:src|href|srcset|action|poster|data)\s*=\s*["']?\s*(?:https?:)?//""", re.I)


def test_page_has_no_remote_asset(small_page: Path) -> None:
    html = small_page.read_text(encoding="utf-8")
    assert not REMOTE_ASSET.search(html)
    assert not re.search(r"<script[^>]*\bsrc\s*=", html, re.I)
    assert not re.search(r"<link\b", html, re.I)
    assert not re.search(r"@import|url\(\s*['\"]?(?:https?:)?//", html, re.I)
    assert "bootstrap" not in html and "cdnjs" not in html and "jsdelivr" not in html
    assert "vis.Network" in html and "vis-network" in html  # inlined, not linked
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html).group(1)
    assert "default-src 'none'" in csp and "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]


def test_csp_hashes_match_the_inline_scripts(small_page: Path) -> None:
    html = small_page.read_text(encoding="utf-8")
    scripts = re.findall(r"<script>(.*?)</script>", html, re.S)
    assert len(scripts) == 2
    for script in scripts:
        digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()
        assert f"'sha256-{digest}'" in html


def test_record_text_cannot_break_out_of_the_data_block(tmp_path: Path) -> None:
    G = nx.DiGraph(seeds=["W1"], seed_names={"W1": "</script><script>window.__xss=9</script>"})
    nasty = "</script><script>window.__xss=1</script> <!-- \u2028\u2029 & \ud800 é"
    _node(G, "W1", 2019, nasty, is_seed=True, seed_name="</title><b>x", authors=[XSS_AUTHOR], venue=XSS_VENUE)
    html = render_html(G, tmp_path / "graph.html").read_text(encoding="utf-8")
    body = html.split('id="citegraph-data">', 1)[1].split("</script>", 1)[0]
    assert "<" not in body and ">" not in body and "\u2028" not in body and "\u2029" not in body
    assert "<script>window" not in html and "</title><b>" not in html
    assert "<title>Citation graph of &lt;/script&gt;" in html
    work = _embedded(html)["nodes"][0]["w"]
    assert work["title"].startswith("</script><script>window.__xss=1</script> <!-- \u2028\u2029 & ")
    assert work["authors"] == [XSS_AUTHOR] and work["venue"] == XSS_VENUE


def test_unannotated_graph_shows_unknown_and_no_highlights(tmp_path: Path) -> None:
    G = nx.DiGraph(seeds=["W1"])
    G.add_node("W1", title="Seed", year=2019, is_seed=True, authors=["A B"])
    G.add_node("W2", title="Ref", year=None)
    G.add_edge("W1", "W2")
    data = _embedded(render_html(G, tmp_path / "graph.html").read_text(encoding="utf-8"))
    works = {n["id"]: n["w"] for n in data["nodes"]}
    assert data["meta"]["work_defaults"]["term_use"] == "unknown"
    assert all("term_use" not in w and "on_chain" not in w for w in works.values())
    assert data["meta"]["term_counts"] == {"title": 0, "abstract": 0, "no": 0, "unknown": 2}
    assert [e["k"] for e in data["edges"]] == [""]
    assert data["nodes"][0]["pin"] == "B 2019" and "pin" not in data["nodes"][1]
    assert not any("label" in n for n in data["nodes"])


def test_layout_is_a_timeline(small_graph: nx.DiGraph, small_page: Path) -> None:
    positions, bands = year_layout(small_graph, small_graph.nodes)
    x = {node: pos[0] for node, pos in positions.items()}
    assert x["W6"] < x["W5"] < x["W4"] < x["W3"] < x["W7"] < x["W9"] < x["W2"] < x["W1"]
    assert x["W7"] != x["W8"] or positions["W7"][1] != positions["W8"][1]
    assert bands[0]["kind"] == "none" and bands[0]["count"] == 1
    assert [b["label"] for b in bands if b["kind"] == "year" and b["count"]] == [
        "2010", "2013", "2015", "2016", "2017", "2018", "2019"]
    assert any(b["kind"] == "year" and not b["count"] for b in bands)  # 2011, 2012, 2014 stay as narrow bands
    assert all(a["x1"] <= b["x0"] for a, b in zip(bands, bands[1:]))


def test_layout_shortens_long_empty_spans_and_separates_nodes() -> None:
    G = nx.DiGraph()
    _node(G, "old", 1950, "old")
    for i in range(45):
        _node(G, f"W{i}", 2000, f"crowded {i}", cited_by_count=10 ** (i % 5))
    positions, bands = year_layout(G, G.nodes)
    assert [b["kind"] for b in bands] == ["year", "gap", "year"]
    assert bands[1]["label"] == "1951–1999"
    points = list(positions.values())
    assert len(set(points)) == len(points)
    # no two circles overlap (radius at most 5 + 3.2 * log10(10001))
    for i, (x1, y1) in enumerate(points):
        for x2, y2 in points[i + 1 :]:
            assert abs(x1 - x2) > 1 or abs(y1 - y2) >= 2 * 5


def test_render_is_deterministic_and_accepts_a_directory(small_graph: nx.DiGraph, small_page: Path, tmp_path: Path) -> None:
    again = _render(small_graph, tmp_path, title="Small <test> graph")
    assert again == tmp_path / "graph.html"
    assert again.read_bytes() == small_page.read_bytes()
    assert render_html(small_graph, tmp_path / "new" / "bert") == tmp_path / "new" / "bert" / "graph.html"


def test_empty_graph_renders(tmp_path: Path) -> None:
    data = _embedded(render_html(nx.DiGraph(), tmp_path / "graph.html").read_text(encoding="utf-8"))
    assert data["nodes"] == [] and data["edges"] == [] and data["meta"]["bands"] == []


def test_unwritable_output_raises_output_error(small_graph: nx.DiGraph, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    with pytest.raises(OutputError, match="cannot write"):
        render_html(small_graph, blocker / "sub" / "graph.html")


def test_hidden_works_are_announced(tmp_path: Path) -> None:
    G = _ranked_graph()
    html = _render(G, tmp_path / "graph.html", max_nodes=12).read_text(encoding="utf-8")
    data = _embedded(html)
    assert len(data["nodes"]) == 12 and data["meta"]["hidden"]["nodes"] == 10
    assert "10 of 22 works and 2 citation links are not drawn" in html


# ----------------------------------------------------------------------------- in Chromium


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        pytest.skip("headless Chromium needs /usr/bin/chromium and /usr/bin/chromedriver")
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service

    os.environ.setdefault("SE_OFFLINE", "true")  # selenium-manager must not try to download a driver
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    profile = tempfile.TemporaryDirectory(prefix="citegraph-chromium-")
    for flag in (
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-quic", "--disable-sync",
        "--disable-extensions", "--disable-default-apps", "--window-size=1600,1000",
        f"--user-data-dir={profile.name}",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()
        profile.cleanup()


def _open(driver: Any, page: Path) -> float:
    """Load ``page`` from file:// and wait for the first drawing; return the seconds it took."""
    driver.get_log("browser")
    driver.get_log("performance")
    start = time.perf_counter()
    driver.get(page.resolve().as_uri())
    deadline = start + 15
    while not driver.execute_script("return !!(window.citegraph && window.citegraph.ready)"):
        if time.perf_counter() > deadline:
            pytest.fail(f"the explorer never finished drawing; console: {driver.get_log('browser')}")
        time.sleep(0.02)
    return time.perf_counter() - start


def _console_problems(driver: Any) -> list[str]:
    return [entry["message"] for entry in driver.get_log("browser") if entry["level"] in ("SEVERE", "WARNING")]


def _network_requests(driver: Any) -> list[str]:
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    urls += driver.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    # chrome:// pages are the browser's own (its new-tab page), never the network
    return [url for url in urls if re.match(r"(?:https?|wss?|ftp):", url, re.I)]


def _shown(driver: Any) -> tuple[int, int, str]:
    """Works and links vis-network draws now (its visible indices), and the page's own count line."""
    nodes, edges, hidden = driver.execute_script(
        "var body = citegraph.network.body;"
        "return [body.nodeIndices.length, body.edgeIndices.length,"
        " citegraph.nodes.get({filter: n => n.hidden}).length];")
    assert nodes + hidden == driver.execute_script("return citegraph.nodes.length")
    return nodes, edges, driver.find_element("id", "counts").text


def _visible(driver: Any) -> list[str]:
    return driver.execute_script("return citegraph.nodes.get({filter: n => !n.hidden}).map(n => n.id)")


def _click_node(driver: Any, node: str) -> None:
    """A real mouse click at the node's place on the canvas."""
    from selenium.webdriver.common.action_chains import ActionChains

    x, y, width, height = driver.execute_script(
        "var net = citegraph.network, c = document.getElementById('network');"
        "var p = net.canvasToDOM(net.getPositions([arguments[0]])[arguments[0]]);"
        "return [p.x, p.y, c.clientWidth, c.clientHeight];", node)
    assert 0 < x < width and 30 < y < height, "node not in view"
    canvas = driver.find_element("css selector", "#network canvas")
    ActionChains(driver).move_to_element_with_offset(canvas, round(x - width / 2), round(y - height / 2)).click().perform()


def _park_mouse(driver: Any) -> None:
    """Move the pointer off the canvas so no tooltip covers the screenshot."""
    from selenium.webdriver.common.action_chains import ActionChains

    ActionChains(driver).move_to_element(driver.find_element("id", "legend")).perform()


def _wait(driver: Any, script: str, timeout: float = 5.0) -> Any:
    deadline = time.perf_counter() + timeout
    while True:
        value = driver.execute_script(script)
        if value or time.perf_counter() > deadline:
            return value
        time.sleep(0.05)


@pytest.mark.browser
def test_page_loads_offline_without_errors(browser: Any, small_page: Path, small_graph: nx.DiGraph) -> None:
    _open(browser, small_page)
    assert _console_problems(browser) == []
    assert _network_requests(browser) == []
    assert browser.title == "Small <test> graph"
    assert browser.execute_script("return [citegraph.nodes.length, citegraph.edges.length]") == [
        small_graph.number_of_nodes(), small_graph.number_of_edges()]
    assert browser.execute_script("return citegraph.network.body.data.nodes.length") == small_graph.number_of_nodes()
    # the first view: the term's users, the seed and the chain; the non-users, the unknown
    # and the undated are one click away
    nodes, edges, text = _shown(browser)
    assert sorted(_visible(browser)) == ["W1", "W2", "W4", "W5", "W7"]
    assert (nodes, edges) == (5, 4)
    assert text.startswith("5 works shown: 4 using “pre-training” (3 on chains to the seed), 1 more on chains; 5 hidden")
    browser.find_element("id", "show-all").click()
    assert _wait(browser, "return citegraph.shown.nodes === 10")
    nodes, edges, text = _shown(browser)
    assert (nodes, edges) == (10, 12)
    assert text.startswith("10 works shown: ") and "; 0 hidden · 12 citation links" in text
    assert browser.execute_script("return citegraph.network.physics.options.enabled") is False


@pytest.mark.browser
def test_search_and_filters_change_what_is_shown(browser: Any, small_page: Path) -> None:
    _open(browser, small_page)
    browser.find_element("id", "show-all").click()
    assert _wait(browser, "return citegraph.shown.nodes === 10")
    search = browser.find_element("id", "search")
    search.send_keys("attention")
    assert _wait(browser, "return citegraph.shown.nodes === 2")
    nodes, edges, text = _shown(browser)
    assert (nodes, edges) == (2, 1) and text.startswith("2 works shown: 2 not using it; 8 hidden")
    results = browser.find_elements("css selector", "#search-results button")
    assert [r.text.split(" — ")[0] for r in results] == ["Vaswani 2017", "Mikolov 2016"]
    search.clear()
    search.send_keys("DEVLIN")  # authors too, any case
    assert _wait(browser, "return citegraph.shown.nodes === 1")
    search.clear()
    search.send_keys("biLM")  # the matched text: W2 uses the term in its abstract only
    assert _wait(browser, "var b = document.querySelector('#search-results button');"
                          " return citegraph.shown.nodes === 1 && b && b.textContent.startsWith('Peters 2018')")
    assert "(in the matched text)" in browser.find_element("css selector", "#search-results button").text
    search.clear()
    search.send_keys(" ")
    assert _wait(browser, "return citegraph.shown.nodes === 10")

    year_from = browser.find_element("id", "year-from")
    year_from.clear()
    year_from.send_keys("2016")
    # a year range hides the undated works: 2016-2019 is 6 works
    assert _wait(browser, "return citegraph.shown.nodes === 6")
    assert not browser.find_element("id", "no-year").is_selected()
    assert browser.execute_script("return citegraph.nodes.get('W6').hidden") is True
    browser.find_element("id", "no-year").click()  # unless asked for
    assert _wait(browser, "return citegraph.shown.nodes === 7")
    browser.find_element("id", "no-year").click()
    assert _wait(browser, "return citegraph.shown.nodes === 6")
    browser.find_element("id", "show-no").click()  # the non-users: W8, W9
    assert _wait(browser, "return citegraph.shown.nodes === 4")
    nodes, edges, text = _shown(browser)
    assert nodes == 4 and text.startswith("4 works shown: ")
    assert edges == 2  # W1 -> W2 and W1 -> W7; W10's only link goes to W9, which is hidden
    browser.find_element("id", "show-unknown").click()  # W10
    assert _wait(browser, "return citegraph.shown.nodes === 3")
    browser.find_element("id", "reset").click()  # the first view
    assert _wait(browser, "return citegraph.shown.nodes === 5")
    assert not browser.find_element("id", "show-all").is_selected()
    browser.find_element("id", "show-main").click()  # the main path adds W3
    assert _wait(browser, "return citegraph.shown.nodes === 6")
    assert browser.execute_script("return citegraph.nodes.get('W3').color.border") == "#0072B2"
    assert _console_problems(browser) == []


@pytest.mark.browser
def test_click_shows_details_and_neighbours(browser: Any, small_page: Path) -> None:
    _open(browser, small_page)
    browser.execute_script("citegraph.showAll()")
    _click_node(browser, "W4")
    assert _wait(browser, "return citegraph.selected === 'W4'")
    panel = browser.find_element("id", "details-body")
    assert panel.is_displayed()
    text = panel.text
    assert "Why does unsupervised pre-training help deep learning?" in text
    assert "2013" in text and "Dumitru Erhan" in text and "earliest adopter" in text
    assert "origin chain" in text and "main path" in text and "2,500 citations" in text
    links = {a.text: a.get_attribute("href") for a in panel.find_elements("tag name", "a")}
    assert links == {"OpenAlex W4": "https://openalex.org/W4"}
    # neighbour highlight: W4's neighbours keep their colour, the others fade
    colours = browser.execute_script(
        "return ['W2', 'W3', 'W5', 'W9'].map(id => citegraph.nodes.get(id).color.background)")
    assert colours[:3] == ["#E69F00", "#56B4E9", "#C4C4C4"] and colours[3].startswith("rgba(")

    browser.find_element("id", "search").send_keys("BERT")
    assert _wait(browser, "return citegraph.shown.nodes === 1")
    browser.find_element("css selector", "#search-results button").click()
    assert _wait(browser, "return citegraph.selected === 'W1'")
    links = {a.text: a.get_attribute("href") for a in panel.find_elements("tag name", "a")}
    assert links == {
        "DOI 10.18653/v1/n19-1423": "https://doi.org/10.18653/v1/n19-1423",
        "OpenAlex W1": "https://openalex.org/W1",
        "arXiv 1810.04805": "https://arxiv.org/abs/1810.04805",
    }
    assert "seed: bert" in panel.text and "forms: pre-training" in panel.text
    assert _console_problems(browser) == []


@pytest.mark.browser
def test_markup_in_records_is_shown_as_text(browser: Any, small_page: Path) -> None:
    _open(browser, small_page)
    _click_node(browser, "W7")
    assert _wait(browser, "return citegraph.selected === 'W7'")
    browser.execute_script("document.querySelector('#details-body details').open = true")  # the abstract
    panel = browser.find_element("id", "details-body")
    assert panel.find_element("tag name", "h2").text == XSS_TITLE
    assert XSS_VENUE in panel.text and XSS_AUTHOR in panel.text and XSS_SNIPPET in panel.text
    assert XSS_ABSTRACT in panel.text
    assert browser.execute_script(
        "return document.querySelectorAll('#details-body img, #details-body script, #details-body svg,"
        " .vis-tooltip img, .vis-tooltip script, #search-results img').length") == 0
    links = {a.text: a.get_attribute("href") for a in panel.find_elements("tag name", "a")}
    assert links["DOI 10.1234/<script>"] == "https://doi.org/10.1234/%3Cscript%3E"
    tooltip = _wait(browser, "var t = document.querySelector('.vis-tooltip');"
                             " return t && t.style.visibility !== 'hidden' && t.textContent")
    assert tooltip and XSS_TITLE in tooltip and XSS_AUTHOR in tooltip  # the hover tooltip, as text
    browser.find_element("id", "search").send_keys("onerror")
    assert _wait(browser, "return citegraph.shown.nodes === 1")
    assert XSS_TITLE in browser.find_element("id", "search-results").text
    assert browser.execute_script("return typeof window.__xss") == "undefined"
    assert _console_problems(browser) == []  # a blocked inline handler would log a CSP error
    ARTIFACTS.mkdir(exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / "graph_small_markup.png"))


def _panel_links(browser: Any) -> list[str]:
    return browser.execute_script(
        "return Array.from(document.querySelectorAll('#details-body a')).map(function (a) { return a.href; })")


@pytest.mark.browser
def test_demo_graph_in_chromium(browser: Any, demo_graph: nx.DiGraph, tmp_path_factory: pytest.TempPathFactory) -> None:
    page = _render(demo_graph, tmp_path_factory.mktemp("demo") / "graph.html")
    seconds = _open(browser, page)
    assert _console_problems(browser) == [] and _network_requests(browser) == []
    n, e = demo_graph.number_of_nodes(), demo_graph.number_of_edges()
    assert browser.execute_script("return [citegraph.nodes.length, citegraph.edges.length]") == [n, e]
    browser.execute_script("citegraph.showAll()")
    assert browser.find_element("id", "counts").text.startswith(f"{n:,} works shown: ")
    assert f"; 0 hidden · {e:,} citation links" in browser.find_element("id", "counts").text
    assert seconds < 10
    _click_node(browser, "W2963341956")  # BERT
    assert _wait(browser, "return citegraph.selected === 'W2963341956'")
    assert "BERT" in browser.find_element("id", "details-body").text
    assert "https://openalex.org/W2963341956" in _panel_links(browser)  # a real OpenAlex id
    browser.execute_script("citegraph.selectWork('W9425100365', false)")  # GPT-1: synthetic in the demo
    assert _wait(browser, "return citegraph.selected === 'W9425100365'")
    assert not any("openalex.org" in href for href in _panel_links(browser))
    assert "W9425100365" in browser.find_element("id", "details-body").text
    ARTIFACTS.mkdir(exist_ok=True)
    _park_mouse(browser)
    browser.execute_script("citegraph.clearSelection(); citegraph.fitView();")
    browser.save_screenshot(str(ARTIFACTS / "graph_demo.png"))
    browser.execute_script("citegraph.selectWork('W2963341956', true)")
    time.sleep(0.5)  # the focus animation
    browser.save_screenshot(str(ARTIFACTS / "graph_demo_bert.png"))
    metrics = {
        "nodes": n, "edges": e, "bytes": page.stat().st_size, "load_seconds": round(seconds, 3),
        "ready_ms_after_navigation_start": browser.execute_script("return Math.round(citegraph.readyMs)"),
    }
    (ARTIFACTS / "graph_demo_metrics.json").write_text(json.dumps(metrics, indent=1))
    assert (ARTIFACTS / "graph_demo.png").stat().st_size > 10_000


@pytest.mark.browser
def test_demo_graph_over_the_limit(browser: Any, demo_graph: nx.DiGraph, tmp_path_factory: pytest.TempPathFactory) -> None:
    kept, hidden = select_nodes(demo_graph, 300)
    page = _render(demo_graph, tmp_path_factory.mktemp("limit") / "graph.html", max_nodes=300)
    _open(browser, page)
    assert _console_problems(browser) == []
    shown_edges = sum(1 for u, v in demo_graph.edges if u in kept and v in kept)
    assert browser.execute_script("return [citegraph.nodes.length, citegraph.edges.length]") == [300, shown_edges]
    notice = browser.find_element("id", "hidden-notice").text
    total = demo_graph.number_of_nodes()
    assert f"{total - 300:,} of {total:,} works and {hidden['edges']:,} citation links are not drawn" in notice
    assert "(limit 300 works" in notice
    assert f"({total - 300:,} not drawn, see note)" in browser.find_element("id", "counts").text
    ARTIFACTS.mkdir(exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / "graph_demo_limit300.png"))


@pytest.mark.browser
def test_readme_screenshots_of_the_demo_run(browser: Any, tmp_path: Path) -> None:
    """The README's two pictures, taken from the README's own demo job (crawl, corpus view,
    report, explorer), run as the library runs it for the CLI.

    Always written to ``tests/artifacts``; ``CITEGRAPH_UPDATE_DOCS=1`` also refreshes
    ``docs/explorer.png`` and ``docs/report.png`` (then commit them).
    """
    from citegraph.config import Settings
    from citegraph.pipeline import CrawlJob, Source, run_job

    job = CrawlJob(source=Source(Settings(cache_dir=tmp_path / "cache"), demo=True), seeds=("bert", "gpt1", "ulmfit"),
                   out_dir=tmp_path, analyze=True, html=True)
    page = run_job(job).page
    _set_viewport(browser, 1200, 750)  # small files: the README shows them at about this size
    try:
        _open(browser, page)
        assert browser.find_element("id", "counts").text.startswith("20 works shown: 20 using “pre-training”")
        assert _console_problems(browser) == []
        _park_mouse(browser)
        browser.execute_script("citegraph.clearSelection(); citegraph.fitView();")
        time.sleep(0.6)  # the fit animation
        ARTIFACTS.mkdir(exist_ok=True)
        shots = {"explorer.png": ARTIFACTS / "readme_explorer.png", "report.png": ARTIFACTS / "readme_report.png"}
        browser.save_screenshot(str(shots["explorer.png"]))
        browser.get((tmp_path / "report.html").resolve().as_uri())
        assert "pre-training" in browser.find_element("tag name", "h1").text + browser.find_element("tag name", "body").text[:2000]
        browser.save_screenshot(str(shots["report.png"]))
    finally:
        browser.set_window_size(1600, 1000)
    docs = Path(__file__).resolve().parents[1] / "docs"
    for name, shot in shots.items():
        assert shot.stat().st_size > 10_000
        if os.environ.get("CITEGRAPH_UPDATE_DOCS") == "1":
            docs.mkdir(exist_ok=True)
            (docs / name).write_bytes(shot.read_bytes())
        assert (docs / name).is_file(), f"docs/{name} (shown in the README) is missing: rerun with CITEGRAPH_UPDATE_DOCS=1"


# ----------------------------------------------------------------------------- the first view (issue 13)


def test_badge_goes_to_the_first_years_only() -> None:
    from citegraph.html import BADGE_MIN, badge_holders

    G = nx.DiGraph()
    years = {"A": 2009, "B": 2010, "C": 2010, "D": 2010, "E": 2012, "F": 2013, "G": 2015, "U": None}
    for node, year in years.items():
        _node(G, node, year, node)
    assert BADGE_MIN == 3
    assert badge_holders(G, years) == {"A", "B", "C", "D"}  # 2010 is not split
    assert badge_holders(G, ["E", "F", "G", "U"]) == {"E", "F", "G"}
    assert badge_holders(G, ["U", "missing"]) == set()
    for node in "HIJKL":
        _node(G, node, 2001, node)
    assert badge_holders(G, list(years) + list("HIJKL")) == set("HIJKL")  # a first year with five: all five


def test_labels_are_disambiguated_and_titles_never_read_as_authors() -> None:
    from citegraph.html import short_labels

    G = nx.DiGraph()
    _node(G, "H1", 2006, "Reducing the dimensionality of data", authors=["Geoffrey E. Hinton"], date="2006-07-28")
    _node(G, "H2", 2006, "A fast learning algorithm for deep belief nets", authors=["Geoffrey Hinton"], date="2006-05-01")
    _node(G, "H3", 2012, "Improving neural networks", authors=["G. Hinton"])
    _node(G, "R", 2010, "Roles of Pre-Training and Fine-Tuning in Context-Dependent DBN-HMMs")
    _node(G, "S", 2017, "Short")
    _node(G, "N1", None, "x", authors=["Ann Lee"])
    _node(G, "N2", None, "y", authors=["Bo Lee"])
    labels = short_labels(G)
    assert labels["H2"] == "Hinton 2006a" and labels["H1"] == "Hinton 2006b"  # by date
    assert labels["H3"] == "Hinton 2012"
    assert labels["R"] == "\u201cRoles of Pre-Training\u2026\u201d 2010"
    assert labels["S"] == "\u201cShort\u201d 2017"
    assert {labels["N1"], labels["N2"]} == {"Lee (a)", "Lee (b)"}
    assert len(set(labels.values())) == len(labels)


def test_first_view_data_layouts_sizes_and_main_path_default(small_graph: nx.DiGraph, tmp_path: Path) -> None:
    from citegraph.html import focus_nodes

    data = _embedded(_render(small_graph, tmp_path / "graph.html").read_text(encoding="utf-8"))
    focus = focus_nodes(small_graph)
    assert focus == {"W1", "W2", "W4", "W5", "W7"}
    nodes = {n["id"]: n for n in data["nodes"]}
    assert {i for i, n in nodes.items() if "f" in n.get("p", {})} == focus  # the roomy first view
    assert {i for i, n in nodes.items() if "v" in n.get("p", {})} == focus  # the list, for a phone
    assert {i for i, n in nodes.items() if "m" in n.get("p", {})} == focus | {"W3"}  # with the main path
    assert data["meta"]["layouts"]["list"]["orient"] == "v" and data["meta"]["layouts"]["focus"]["orient"] == "h"
    list_y = [nodes[i]["p"]["v"][1] for i in ("W5", "W4", "W2", "W1")]  # 2010, 2013, 2018, 2019: top to bottom
    assert list_y == sorted(list_y)
    # the main path (W3 is a non-user) is off by default; its outline comes with the toggle
    assert data["meta"]["main_path_default"] is False and data["meta"]["start_with_all"] is False
    styles = data["meta"]["node_styles"]
    assert styles[nodes["W3"]["s"]]["borderWidth"] == 1 and styles[nodes["W3"]["sm"]]["color"]["border"] == "#0072B2"
    assert nodes["W4"]["w"]["is_earliest_adopter"] is True and styles[nodes["W4"]["s"]]["shape"] == "diamond"
    # every work of the first view is named; W6 (undated, unknown use) is drawn small, unnamed
    assert all("pin" in nodes[i] for i in focus) and "pin" not in nodes["W6"]
    assert nodes["W6"]["size"] == 4.0
    assert data["meta"]["report"] == ""


def test_title_only_adopters_are_not_drawn_at_the_minimum_size(tmp_path: Path) -> None:
    G = nx.DiGraph(seeds=["S"])
    _node(G, "S", 2019, "Seed pre-training", is_seed=True, term_use="title", cited_by_count=10)
    _node(G, "T", 2010, "Why does unsupervised pre-training help", cited_by_count=None, term_use="title")
    _node(G, "R", 2010, "A reference", cited_by_count=None)
    G.add_edges_from([("S", "T"), ("S", "R")])
    data = _embedded(_render(G, tmp_path / "graph.html").read_text(encoding="utf-8"))
    sizes = {n["id"]: n["size"] for n in data["nodes"]}
    assert sizes["T"] >= 8 > sizes["R"]


def test_main_path_is_on_by_default_when_it_runs_through_term_users(tmp_path: Path) -> None:
    G = nx.DiGraph(seeds=["S"])
    _node(G, "S", 2019, "Seed pre-training", is_seed=True, term_use="title", on_main_path=True)
    _node(G, "A", 2015, "pre-training again", term_use="title", on_main_path=True)
    _node(G, "B", 2012, "a reference")
    G.add_edge("S", "A", on_main_path=True, on_chain=False)
    G.add_edge("A", "B", on_main_path=False, on_chain=False)
    data = _embedded(_render(G, tmp_path / "graph.html").read_text(encoding="utf-8"))
    assert data["meta"]["main_path_default"] is True


def test_report_link_when_the_report_is_beside_the_page(small_graph: nx.DiGraph, tmp_path: Path) -> None:
    (tmp_path / "report.html").write_text("<html></html>")
    html = _render(small_graph, tmp_path / "graph.html").read_text(encoding="utf-8")
    assert _embedded(html)["meta"]["report"] == "report.html"
    assert '<a id="report-link" href="report.html">Report</a>' in html


@pytest.fixture(scope="module")
def demo_page(demo_graph: nx.DiGraph, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("first-view")
    (out / "report.html").write_text("<html><body>report</body></html>")
    return _render(demo_graph, out / "graph.html")


def _first_view(G: nx.DiGraph) -> list[str]:
    from citegraph.html import focus_nodes

    return sorted(n for n in focus_nodes(G) if G.nodes[n].get("year") is not None)


def test_demo_first_view_is_a_handful_with_four_badges(demo_graph: nx.DiGraph, demo_page: Path) -> None:
    data = _embedded(demo_page.read_text(encoding="utf-8"))
    first = _first_view(demo_graph)
    assert len(first) == 20  # the 20 adopters; the seeds and every chain work use the term
    badges = sorted(n["w"]["label"] for n in data["nodes"] if n["w"].get("is_earliest_adopter"))
    assert len(badges) == 4 and data["meta"]["badge"] == {"holders": 4, "listed": 10, "min": 3}
    assert "Krizhevsky 2009" in badges and "Glorot 2010" in badges
    labels = [n["w"]["label"] for n in data["nodes"]]
    assert len(set(labels)) == len(labels)


def _set_viewport(driver: Any, width: int, height: int) -> None:
    driver.set_window_size(width, height)
    inner = driver.execute_script("return [innerWidth, innerHeight]")
    if inner != [width, height]:
        driver.set_window_size(2 * width - inner[0], 2 * height - inner[1])


def _header_numbers(driver: Any) -> dict[str, int]:
    return driver.execute_script(
        "var out = {shown: +document.getElementById('shown-nodes').textContent.replace(/,/g, ''),"
        " hidden: +document.getElementById('hidden-count').textContent.replace(/,/g, '')};"
        "document.querySelectorAll('#counts [data-part]').forEach(function (e) {"
        " out[e.getAttribute('data-part')] = +e.textContent.replace(/,/g, ''); });"
        "return out;")


@pytest.mark.browser
@pytest.mark.parametrize("size", [(1600, 900), (400, 800)], ids=["1600x900", "400x800"])
def test_demo_first_view_shows_the_adopters_and_chains_readably(
    browser: Any, demo_graph: nx.DiGraph, demo_page: Path, size: tuple[int, int]
) -> None:
    width, height = size
    _set_viewport(browser, width, height)
    try:
        _open(browser, demo_page)
        assert _console_problems(browser) == []
        visible = _visible(browser)
        assert sorted(visible) == _first_view(demo_graph)
        numbers = _header_numbers(browser)
        parts = {k: v for k, v in numbers.items() if k not in ("shown", "hidden")}
        assert numbers["shown"] == len(visible) == sum(parts.values()) == parts["users"] == 20
        assert numbers["hidden"] == demo_graph.number_of_nodes() - len(visible)
        text = browser.find_element("id", "counts").text
        assert text.startswith("20 works shown: 20 using “pre-training” (11 on chains to the seeds); 1,381 hidden")
        layout, canvas, scale = browser.execute_script(
            "return [citegraph.layout(), document.querySelector('#network canvas').clientWidth, citegraph.network.getScale()]")
        assert layout == ("list" if width < 640 else "focus")
        assert canvas >= (380 if width <= 400 else 0.75 * width)
        # every work in view, none tiny, and every one named without two names overlapping
        boxes = browser.execute_script(
            "var net = citegraph.network, c = document.getElementById('network');"
            "return citegraph.nodes.get({filter: n => !n.hidden}).map(function (n) {"
            " var p = net.canvasToDOM(net.getPositions([n.id])[n.id]); return [p.x, p.y, n.size * net.getScale(), c.clientWidth, c.clientHeight]; });")
        for x, y, radius, w, h in boxes:
            assert 0 < x < w and 0 < y < h
            assert radius >= 4
        assert browser.execute_script("return citegraph.named") == len(visible)
        # the diamonds: the first four adopters, not the report's ten
        assert browser.execute_script("return citegraph.nodes.get({filter: n => n.shape === 'diamond'}).length") == 4
        assert not browser.find_element("id", "show-main").is_selected()
        ARTIFACTS.mkdir(exist_ok=True)
        ActionChains = pytest.importorskip("selenium.webdriver.common.action_chains").ActionChains
        ActionChains(browser).move_to_element(browser.find_element("id", "page-title")).perform()
        browser.save_screenshot(str(ARTIFACTS / f"explorer_first_view_{width}x{height}.png"))
    finally:
        browser.set_window_size(1600, 1000)


@pytest.mark.browser
@pytest.mark.parametrize("width", [800, 500])
def test_graph_gets_most_of_a_narrow_screen(browser: Any, demo_page: Path, width: int) -> None:
    _set_viewport(browser, width, 900)
    try:
        _open(browser, demo_page)
        canvas = browser.execute_script("return document.querySelector('#network canvas').clientWidth")
        assert canvas >= 0.95 * width
        controls = browser.find_element("id", "controls")
        assert not controls.is_displayed()
        browser.find_element("id", "toggle-controls").click()  # the filters open as a drawer
        assert controls.is_displayed()
        browser.find_element("id", "show-all").click()
        assert _wait(browser, "return citegraph.shown.nodes === citegraph.nodes.length")
        from selenium.webdriver.common.keys import Keys

        browser.find_element("tag name", "body").send_keys(Keys.ESCAPE)  # Esc closes the drawer
        assert _wait(browser, "return !document.body.classList.contains('controls-open')")
        assert not controls.is_displayed()
    finally:
        browser.set_window_size(1600, 1000)


@pytest.mark.browser
def test_show_all_works_and_back(browser: Any, demo_graph: nx.DiGraph, demo_page: Path) -> None:
    _open(browser, demo_page)
    total = demo_graph.number_of_nodes()
    browser.find_element("id", "show-all").click()
    assert _wait(browser, f"return citegraph.shown.nodes === {total}")
    assert len(_visible(browser)) == total and browser.execute_script("return citegraph.layout()") == "all"
    numbers = _header_numbers(browser)
    assert numbers["shown"] == total == sum(v for k, v in numbers.items() if k not in ("shown", "hidden"))
    assert numbers["hidden"] == 0
    # a year range hides the undated works
    year_from, year_to = browser.find_element("id", "year-from"), browser.find_element("id", "year-to")
    year_from.clear(); year_from.send_keys("2009")
    year_to.clear(); year_to.send_keys("2015")
    dated = sum(1 for _, a in demo_graph.nodes(data=True) if a.get("year") is not None and 2009 <= a["year"] <= 2015)
    assert _wait(browser, f"return citegraph.shown.nodes === {dated}")
    assert not browser.find_element("id", "show-all").is_selected()
    browser.find_element("id", "header-toggle").click()  # "show all" in the header
    assert _wait(browser, f"return citegraph.shown.nodes === {total}")
    browser.find_element("id", "show-all").click()  # unticked: back to the first view
    assert _wait(browser, "return citegraph.shown.nodes === 20")
    assert browser.execute_script("return citegraph.layout()") == "focus"
    # the main path, its own toggle
    browser.find_element("id", "show-main").click()
    assert _wait(browser, "return citegraph.layout() === 'main'")
    main = {n for n, a in demo_graph.nodes(data=True) if a.get("on_main_path") and a.get("year") is not None}
    assert set(_visible(browser)) == set(_first_view(demo_graph)) | main
    assert _console_problems(browser) == []


@pytest.mark.browser
def test_search_finds_an_abstract_only_adopter_by_its_snippet(browser: Any, demo_graph: nx.DiGraph, demo_page: Path) -> None:
    _open(browser, demo_page)
    found = None
    for node, attrs in sorted(demo_graph.nodes(data=True)):
        if attrs.get("term_use") != "abstract":
            continue
        named = " ".join([attrs.get("title") or ""] + list(attrs.get("authors") or [])).lower()
        words = [w for w in re.findall(r"[a-z]{7,}", (attrs.get("term_snippet") or "").lower()) if w not in named]
        if words:
            found = (node, words[0])
            break
    assert found, "no abstract-only adopter with a word of its own in the snippet"
    node, word = found
    browser.find_element("id", "search").send_keys(word)
    assert _wait(browser, "var b = document.querySelector('#search-results button');"
                          f" return !!b && !citegraph.nodes.get('{node}').hidden")
    texts = [b.text for b in browser.find_elements("css selector", "#search-results button")]
    label = browser.execute_script(f"return citegraph.works.get('{node}').label")
    assert any(t.startswith(label) and "(in the matched text)" in t for t in texts), (word, texts)


@pytest.mark.browser
def test_keyboard_zoom_pan_escape_and_links(browser: Any, demo_page: Path) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    _open(browser, demo_page)
    _click_node(browser, "W2963341956")  # BERT
    assert _wait(browser, "return citegraph.selected === 'W2963341956'")
    assert browser.find_element("id", "details").is_displayed()
    hrefs = _panel_links(browser)
    assert "https://openalex.org/W2963341956" in hrefs and "https://doi.org/10.18653/v1/n19-1423" in hrefs
    assert any(h.endswith("/report.html#work-W2963341956") for h in hrefs)
    browser.execute_script("citegraph.selectWork('W9425100365', false)")  # GPT-1: a synthetic id
    assert not any("openalex.org" in h for h in _panel_links(browser))
    assert any(h.endswith("/report.html#work-W9425100365") for h in _panel_links(browser))
    browser.execute_script("citegraph.selectWork('W9012250293', false)")  # an adopter of 2017 the report does not list
    assert not any("report.html" in h for h in _panel_links(browser))
    ActionChains(browser).send_keys(Keys.ESCAPE).perform()
    assert _wait(browser, "return citegraph.selected === null")
    assert not browser.find_element("id", "details").is_displayed()

    def view() -> list[float]:
        return browser.execute_script("var p = citegraph.network.getViewPosition(); return [citegraph.network.getScale(), p.x, p.y]")

    scale, x, y = view()
    ActionChains(browser).send_keys("+").perform()
    assert view()[0] > scale * 1.1
    ActionChains(browser).send_keys("-").send_keys("-").perform()
    assert view()[0] < scale
    scale, x, y = view()
    ActionChains(browser).send_keys(Keys.ARROW_RIGHT).perform()
    assert view()[1] > x
    ActionChains(browser).send_keys(Keys.ARROW_DOWN).perform()
    assert view()[2] > y
    ActionChains(browser).send_keys("0").perform()  # fit again
    boxes = browser.execute_script(
        "var net = citegraph.network, c = document.getElementById('network');"
        "return citegraph.nodes.get({filter: n => !n.hidden}).map(function (n) {"
        " var p = net.canvasToDOM(net.getPositions([n.id])[n.id]); return p.x > 0 && p.x < c.clientWidth; });")
    assert all(boxes)
    # typing in the search box is not a shortcut
    search = browser.find_element("id", "search")
    search.send_keys("+0")
    assert search.get_attribute("value") == "+0"
    assert _console_problems(browser) == []


def _seedless(G: nx.DiGraph) -> nx.DiGraph:
    """``G`` as a snapshot's term neighbourhood is: no seeds, so no chains to them."""
    plain = G.copy()
    plain.graph.update(seeds=[], seed_names={}, crawl={"direction": "term-neighbourhood", "depth": 1})
    for _, attrs in plain.nodes(data=True):
        attrs.update(is_seed=False, seed_name=None, on_chain=False)
    for _, _, attrs in plain.edges(data=True):
        attrs["on_chain"] = False
    return plain


@pytest.mark.browser
def test_a_graph_without_seeds_has_no_seed_or_chain_controls(browser: Any, small_graph: nx.DiGraph, tmp_path: Path) -> None:
    page = _render(_seedless(small_graph), tmp_path / "page.html", title="Term neighbourhood")
    html = page.read_text(encoding="utf-8")
    assert 'id="show-seeds"' not in html and 'id="show-chains"' not in html
    assert "seed work</li>" not in html and "chain of citing adopters</li>" not in html
    assert _embedded(html)["meta"]["seeds"] == 0
    _open(browser, page)
    assert _console_problems(browser) == []
    # the first view: the term's users (W1, W2, W4 and W7 use it; nothing is on a chain)
    assert sorted(_visible(browser)) == ["W1", "W2", "W4", "W7"]
    assert browser.find_element("id", "why").text == "The first view: the works whose title or abstract uses the term."
    browser.find_element("id", "show-all").click()
    assert _wait(browser, "return citegraph.shown.nodes === 10")
    browser.find_element("id", "reset").click()
    assert _wait(browser, "return citegraph.shown.nodes === 4")
    assert _console_problems(browser) == []
    rendered = _render(small_graph, tmp_path / "seeded.html").read_text(encoding="utf-8")
    assert 'id="show-seeds"' in rendered and _embedded(rendered)["meta"]["seeds"] == 1
