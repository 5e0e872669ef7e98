/* citegraph explorer: timeline view of a citation graph over vis-network.
 *
 * Record text (titles, authors, venues, abstracts) arrives as JSON and only ever reaches the
 * page through textContent or DOM nodes built here: never innerHTML. Links are built from ids.
 */
(function () {
  "use strict";

  var DATA = JSON.parse(document.getElementById("citegraph-data").textContent);
  var META = DATA.meta;
  var BIG = DATA.nodes.length > 800;
  var FADE = META.fade;
  var HIGHLIGHT_KEYS = ["is_seed", "on_chain", "on_main_path", "is_earliest_adopter"];

  // ------------------------------------------------------------------ small DOM helpers
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }
  function fmt(n) { return Number(n).toLocaleString("en-US"); }
  function fold(text) {
    return String(text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  function clip(text, n) { text = String(text || ""); return text.length > n ? text.slice(0, n - 1) + "\u2026" : text; }

  // Links are built here from validated ids, never taken from the data as URLs.
  function doiUrl(doi) {
    if (!/^10\.\d{4,9}\/\S+$/.test(doi || "")) return null;
    return "https://doi.org/" + doi.split("/").map(encodeURIComponent).join("/");
  }
  // A synthetic id (the demo corpus, benchmarks) names no OpenAlex record: never linked.
  function openalexUrl(id, synthetic) { return !synthetic && /^W\d+$/.test(id) ? "https://openalex.org/" + id : null; }
  function arxivUrl(id) {
    return /^(\d{4}\.\d{4,5}|[a-z\-]+(\.[A-Z]{2})?\/\d{7})$/.test(id || "") ? "https://arxiv.org/abs/" + id : null;
  }
  function authorLine(w, max) {
    if (!w.authors.length) return "";
    var shown = w.authors.slice(0, max);
    var more = w.n_authors - shown.length;
    return shown.join(", ") + (more > 0 ? " and " + more + " more" : "");
  }
  function isHighlighted(w) { return HIGHLIGHT_KEYS.some(function (k) { return w[k]; }); }

  // ------------------------------------------------------------------ data
  var works = new Map();
  var originalNode = new Map();
  var originalEdge = new Map();
  var nodeShown = new Map();
  var faded = new Set();
  var pins = [];          // seeds and highlighted works: always named (space permitting)
  var places = new Map();  // id -> {text, x, y, size} for naming any work

  function tooltip(w) {
    var box = el("div");
    box.appendChild(el("div", "tt-title", clip(w.title || "(untitled)", 180)));
    var first = w.authors.length ? w.authors[0] + (w.n_authors > 1 ? " et al." : "") : "";
    var meta = [first, w.year === null ? "no year" : w.year, w.venue,
      w.cited_by_count === null ? "" : fmt(w.cited_by_count) + " citations"].filter(Boolean);
    box.appendChild(el("div", "tt-meta", meta.join(" \u00b7 ")));
    box.appendChild(el("div", "tt-meta", "term: " + META.term_labels[w.term_use]));
    return box;
  }

  function copy(value) { return JSON.parse(JSON.stringify(value)); }
  var nodeItems = DATA.nodes.map(function (n) {
    var w = Object.assign(copy(META.work_defaults), n.w);
    w.id = n.id;
    w.warnings = w.warnings.map(function (code) { return META.warning_text[code] || code; });
    w.haystack = fold([w.title].concat(w.authors).join(" | "));
    works.set(n.id, w);
    var item = Object.assign(copy(META.node_styles[n.s]), { id: n.id, x: n.x, y: n.y, size: n.size, title: tooltip(w) });
    places.set(n.id, { id: n.id, text: n.pin || w.label, size: n.size, x: n.x, y: n.y });
    if (n.pin) pins.push(places.get(n.id));
    originalNode.set(n.id, { color: item.color });
    nodeShown.set(n.id, true);
    return item;
  });
  // Plain links take their look from the global edge options, so fading them all on a selection
  // is one setOptions call; chain and main-path links carry their own colour.
  function edgeColour(style, opacity) {
    var c = style.color.color;
    return { color: c, highlight: c, hover: c, opacity: opacity === undefined ? style.color.opacity : opacity, inherit: false };
  }
  var PLAIN = META.edge_styles[""];
  var FADED_EDGE = { color: FADE, highlight: FADE, hover: FADE, opacity: 0.15, inherit: false };
  var overridden = new Set();  // edges with a colour of their own
  var edgeItems = DATA.edges.map(function (e, i) {
    var item = { id: "e" + i, from: e.from, to: e.to, kind: e.k };
    if (e.k) {
      var style = META.edge_styles[e.k];
      item.width = style.width;
      item.color = edgeColour(style);
      overridden.add(item.id);
    }
    return item;
  });
  edgeItems.forEach(function (e) { originalEdge.set(e.id, e); });

  var nodes = new vis.DataSet(nodeItems);
  var edges = new vis.DataSet(edgeItems);
  var container = document.getElementById("network");
  function overlaps(box, boxes) {
    return boxes.some(function (o) { return box.x0 < o.x1 && o.x0 < box.x1 && box.y0 < o.y1 && o.y0 < box.y1; });
  }
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, {
    autoResize: true,
    physics: { enabled: false },
    layout: { improvedLayout: false, randomSeed: 1 },
    interaction: {
      hover: true, tooltipDelay: 120, dragNodes: false, multiselect: false, keyboard: false,
      hideEdgesOnDrag: BIG, hideEdgesOnZoom: BIG, navigationButtons: false, zoomSpeed: 0.7
    },
    nodes: { shape: "dot", borderWidthSelected: 3 },
    edges: { arrows: { to: { enabled: true, scaleFactor: 0.45 } }, smooth: false, selectionWidth: 1.2, hoverWidth: 0.4,
      width: PLAIN.width, color: edgeColour(PLAIN) }
  });

  // ------------------------------------------------------------------ year axis (drawn on the canvas)
  function viewBox() {
    return {
      tl: network.DOMtoCanvas({ x: 0, y: 0 }),
      br: network.DOMtoCanvas({ x: container.clientWidth, y: container.clientHeight }),
      scale: network.getScale()
    };
  }
  network.on("beforeDrawing", function (ctx) {
    var v = viewBox();
    var yearIndex = 0;
    META.bands.forEach(function (b) {
      var fill = null;
      if (b.kind === "none") fill = "#eef0f4";
      else if (b.kind === "gap") fill = "#f4f4f4";
      else if (yearIndex++ % 2 === 1) fill = "#f6f8fb";
      if (fill) { ctx.fillStyle = fill; ctx.fillRect(b.x0, v.tl.y, b.x1 - b.x0, v.br.y - v.tl.y); }
      if (b.kind === "gap") {
        ctx.strokeStyle = "#d0d0d0"; ctx.lineWidth = 1 / v.scale;
        ctx.setLineDash([4 / v.scale, 4 / v.scale]);
        ctx.beginPath(); ctx.moveTo((b.x0 + b.x1) / 2, v.tl.y); ctx.lineTo((b.x0 + b.x1) / 2, v.br.y); ctx.stroke();
        ctx.setLineDash([]);
      }
    });
  });
  // Axis labels that do not fit are dropped, the least useful first: the "no year" column, the
  // first and last years, round years, then the busiest years; empty years and gaps last.
  var dated = META.bands.filter(function (b) { return b.kind === "year" && b.count; });
  function axisRank(b) {
    if (b.kind === "none") return [0, 0];
    if (b === dated[0] || b === dated[dated.length - 1]) return [1, 0];
    if (b.kind === "year" && b.count) return [+b.label % 5 === 0 ? 2 : 3, -b.count];
    return [b.kind === "year" ? 4 : 5, 0];
  }
  var axisOrder = META.bands.slice().sort(function (a, b) {
    var ra = axisRank(a), rb = axisRank(b);
    return ra[0] - rb[0] || ra[1] - rb[1] || a.x0 - b.x0;
  });
  network.on("afterDrawing", function (ctx) {
    var v = viewBox();
    drawPins(ctx, v);
    var strip = 24 / v.scale;
    ctx.fillStyle = "rgba(255,255,255,0.94)";
    ctx.fillRect(v.tl.x, v.tl.y, v.br.x - v.tl.x, strip);
    ctx.strokeStyle = "#c7ccd2"; ctx.lineWidth = 1 / v.scale;
    ctx.beginPath(); ctx.moveTo(v.tl.x, v.tl.y + strip); ctx.lineTo(v.br.x, v.tl.y + strip); ctx.stroke();
    ctx.font = (12 / v.scale) + "px system-ui, sans-serif";
    ctx.textAlign = "center"; ctx.textBaseline = "middle";
    var placed = [];
    var pad = 8 / v.scale;
    META.bands.forEach(function (b) {
      ctx.beginPath(); ctx.moveTo(b.x0, v.tl.y + strip * 0.7); ctx.lineTo(b.x0, v.tl.y + strip); ctx.stroke();
    });
    axisOrder.forEach(function (b) {
      var label = b.kind === "none" ? "no year (" + fmt(b.count) + ")" : b.label;
      ctx.font = (b.kind === "none" ? "600 " : "") + (12 / v.scale) + "px system-ui, sans-serif";
      var centre = (b.x0 + b.x1) / 2;
      var half = ctx.measureText(label).width / 2;
      if (centre + half < v.tl.x || centre - half > v.br.x) return;
      var box = { x0: centre - half - pad / 2, x1: centre + half + pad / 2, y0: 0, y1: 1 };
      if (overlaps(box, placed)) return;
      placed.push(box);
      ctx.fillStyle = b.count ? "#222" : "#999";
      ctx.fillText(label, centre, v.tl.y + strip / 2);
    });
  });

  // Seeds and highlighted works are named at a readable size whatever the zoom, by priority
  // (seeds, earliest adopters, origin chains, main path; the most cited first); a name that would
  // overlap one already drawn waits for the user to zoom in. With a work selected, it and its
  // neighbours are named first and the faded works not at all.
  function pinRank(w) {
    return w.is_seed ? 0 : w.is_earliest_adopter ? 1 : w.on_chain ? 2 : w.on_main_path ? 3 : 4;
  }
  function byPinPriority(a, b) {
    var wa = works.get(a.id), wb = works.get(b.id);
    return pinRank(wa) - pinRank(wb) || ((wb.cited_by_count || -1) - (wa.cited_by_count || -1)) || (a.id < b.id ? -1 : 1);
  }
  pins.sort(byPinPriority);
  var activePins = pins;
  function pinSelection(id) {
    if (id === null) { activePins = pins; return; }
    var near = network.getConnectedNodes(id).map(function (n) { return places.get(n); }).sort(byPinPriority);
    var first = new Set([id].concat(near.map(function (p) { return p.id; })));
    activePins = [places.get(id)].concat(near, pins.filter(function (p) { return !first.has(p.id) && !faded.has(p.id); }));
  }
  function drawPins(ctx, v) {
    ctx.textBaseline = "middle"; ctx.lineJoin = "round";
    var placed = [];
    activePins.forEach(function (p) {
      if (!nodeShown.get(p.id)) return;
      var w = works.get(p.id);
      var strong = w.is_seed || p.id === api.selected;
      var px = (strong ? 13 : 11) / v.scale;
      ctx.font = (strong ? "700 " : "600 ") + px + "px system-ui, sans-serif";
      var width = ctx.measureText(p.text).width, gap = 3 / v.scale, half = px * 0.75;
      // right of the node, else left, above or below; a seed or the selection is named even if all overlap
      var spots = [
        { x: p.x + p.size + gap, y: p.y, align: "left", x0: p.x + p.size + gap },
        { x: p.x - p.size - gap, y: p.y, align: "right", x0: p.x - p.size - gap - width },
        { x: p.x, y: p.y - p.size - gap - half, align: "center", x0: p.x - width / 2 },
        { x: p.x, y: p.y + p.size + gap + half, align: "center", x0: p.x - width / 2 }
      ];
      var spot = null;
      for (var i = 0; i < spots.length && !spot; i++) {
        var box = { x0: spots[i].x0, x1: spots[i].x0 + width, y0: spots[i].y - half, y1: spots[i].y + half };
        if (!overlaps(box, placed)) { spot = spots[i]; placed.push(box); }
      }
      if (!spot && !strong) return;
      spot = spot || spots[0];
      ctx.textAlign = spot.align;
      ctx.lineWidth = 3 / v.scale;
      ctx.strokeStyle = "rgba(255,255,255,0.9)";
      ctx.strokeText(p.text, spot.x, spot.y);
      ctx.fillStyle = faded.has(p.id) ? "rgba(0,0,0,0.3)" : "#111";
      ctx.fillText(p.text, spot.x, spot.y);
    });
  }

  // ------------------------------------------------------------------ filters and search
  var yearFrom = document.getElementById("year-from");
  var yearTo = document.getElementById("year-to");
  var noYear = document.getElementById("no-year");
  var search = document.getElementById("search");
  var results = document.getElementById("search-results");
  var highlightedOnly = document.getElementById("highlighted-only");
  var useBoxes = Array.prototype.slice.call(document.querySelectorAll("input.term-use"));
  var counts = document.getElementById("counts");

  function readYear(input) {
    var value = parseInt(input.value, 10);
    return isNaN(value) ? null : value;
  }
  function currentState() {
    var uses = {};
    useBoxes.forEach(function (box) { uses[box.value] = box.checked; });
    return {
      tokens: fold(search.value).split(/\s+/).filter(Boolean),
      from: readYear(yearFrom), to: readYear(yearTo),
      noYear: noYear.checked, uses: uses, highlightedOnly: highlightedOnly.checked
    };
  }
  function passes(w, s) {
    if (w.year === null) { if (!s.noYear) return false; }
    else if ((s.from !== null && w.year < s.from) || (s.to !== null && w.year > s.to)) return false;
    if (!s.uses[w.term_use]) return false;
    if (s.highlightedOnly && !isHighlighted(w)) return false;
    for (var i = 0; i < s.tokens.length; i++) if (w.haystack.indexOf(s.tokens[i]) < 0) return false;
    return true;
  }

  function applyFilters() {
    var s = currentState();
    var nodeUpdates = [], matches = [];
    var shownNodes = 0, shownEdges = 0;
    works.forEach(function (w, id) {
      var show = passes(w, s);
      if (show) { shownNodes++; if (s.tokens.length) matches.push(w); }
      if (nodeShown.get(id) !== show) { nodeShown.set(id, show); nodeUpdates.push({ id: id, hidden: !show }); }
    });
    // vis-network hides the links of hidden works by itself
    originalEdge.forEach(function (e) { if (nodeShown.get(e.from) && nodeShown.get(e.to)) shownEdges++; });
    if (nodeUpdates.length) nodes.update(nodeUpdates);
    api.shown = { nodes: shownNodes, edges: shownEdges };
    renderCounts(shownNodes, shownEdges);
    renderResults(s, matches);
    if (api.selected && !nodeShown.get(api.selected)) clearSelection();
  }

  function renderCounts(shownNodes, shownEdges) {
    counts.textContent = "";
    counts.appendChild(document.createTextNode("Showing "));
    var n = el("strong", null, fmt(shownNodes)); n.id = "shown-nodes"; counts.appendChild(n);
    counts.appendChild(document.createTextNode(" of " + fmt(works.size) + " works \u00b7 "));
    var e = el("strong", null, fmt(shownEdges)); e.id = "shown-edges"; counts.appendChild(e);
    counts.appendChild(document.createTextNode(" of " + fmt(edges.length) + " citation links"));
    if (META.hidden.nodes) {
      counts.appendChild(el("span", "muted", " (" + fmt(META.hidden.nodes) + " more works not drawn, see note)"));
    }
  }

  function workButton(w, extra) {
    var button = el("button", "work-link");
    button.type = "button";
    button.textContent = w.label + " \u2014 " + clip(w.title || "(untitled)", 90) + (extra || "");
    button.addEventListener("click", function () { selectWork(w.id, true); });
    return button;
  }

  function renderResults(s, matches) {
    results.textContent = "";
    results.hidden = !s.tokens.length;
    if (!s.tokens.length) return;
    matches.sort(function (a, b) { return (b.cited_by_count || -1) - (a.cited_by_count || -1) || (a.id < b.id ? -1 : 1); });
    if (!matches.length) { results.appendChild(el("li", "more", "no work matches")); return; }
    matches.slice(0, 30).forEach(function (w) {
      var item = el("li");
      item.appendChild(workButton(w));
      results.appendChild(item);
    });
    if (matches.length > 30) results.appendChild(el("li", "more", fmt(matches.length - 30) + " more; refine the search"));
  }

  var searchTimer = null;
  search.addEventListener("input", function () {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(applyFilters, BIG ? 200 : 60);
  });
  [yearFrom, yearTo].forEach(function (input) {
    input.addEventListener("input", applyFilters);
    input.addEventListener("change", applyFilters);
  });
  [noYear, highlightedOnly].concat(useBoxes).forEach(function (box) { box.addEventListener("change", applyFilters); });
  document.getElementById("reset").addEventListener("click", function () {
    search.value = "";
    yearFrom.value = META.year_min === null ? "" : META.year_min;
    yearTo.value = META.year_max === null ? "" : META.year_max;
    noYear.checked = true;
    highlightedOnly.checked = false;
    useBoxes.forEach(function (box) { box.checked = true; });
    applyFilters();
  });
  document.getElementById("fit").addEventListener("click", function () { fitView(); });

  // ------------------------------------------------------------------ selection, neighbours, side panel
  function fadeNode(id) {
    var c = { background: FADE, border: FADE };
    return { id: id, color: { background: FADE, border: FADE, highlight: c, hover: c } };
  }
  function highlightNeighbours(id) {
    var keep = new Set(network.getConnectedNodes(id));
    keep.add(id);
    var nodeUpdates = [];
    works.forEach(function (w, nid) {
      var fade = !keep.has(nid);
      if (fade === faded.has(nid)) return;  // only what changes
      if (fade) { faded.add(nid); nodeUpdates.push(fadeNode(nid)); }
      else { faded.delete(nid); nodeUpdates.push({ id: nid, color: originalNode.get(nid).color }); }
    });
    nodes.update(nodeUpdates);
    var incident = network.getConnectedEdges(id);
    incident.forEach(function (eid) { overridden.add(eid); });
    var strong = new Set(incident);
    network.setOptions({ edges: { color: FADED_EDGE } });
    var edgeUpdates = [];
    overridden.forEach(function (eid) {
      var e = originalEdge.get(eid), style = META.edge_styles[e.kind];
      edgeUpdates.push(strong.has(eid)
        ? { id: eid, color: edgeColour(style, 0.9), width: Math.max(style.width, 1.4) }
        : { id: eid, color: FADED_EDGE, width: style.width });
    });
    edges.update(edgeUpdates);
  }
  function restoreColours() {
    var nodeUpdates = [];
    faded.forEach(function (id) { nodeUpdates.push({ id: id, color: originalNode.get(id).color }); });
    faded.clear();
    nodes.update(nodeUpdates);
    network.setOptions({ edges: { color: edgeColour(PLAIN) } });
    var edgeUpdates = [];
    overridden.forEach(function (eid) {
      var style = META.edge_styles[originalEdge.get(eid).kind];
      edgeUpdates.push({ id: eid, color: edgeColour(style), width: style.width });
    });
    edges.update(edgeUpdates);
  }

  var detailsEmpty = document.getElementById("details-empty");
  var detailsBody = document.getElementById("details-body");

  function badge(text, colour) {
    var b = el("span", "badge" + (colour ? " term" : ""), text);
    if (colour) b.style.background = colour;
    return b;
  }
  function link(href, text) {
    var a = el("a", null, text);
    a.href = href;
    a.target = "_blank";
    a.rel = "noopener noreferrer";
    return a;
  }
  function neighbourList(ids, heading) {
    var box = el("details");
    var shown = ids.filter(function (id) { return nodeShown.get(id); });
    box.appendChild(el("summary", null, heading + " (" + shown.length + (shown.length !== ids.length ? " shown of " + ids.length : "") + ")"));
    if (!shown.length) { box.appendChild(el("div", "muted", "none in view")); return box; }
    var list = el("div", "neighbours");
    shown.map(function (id) { return works.get(id); })
      .sort(function (a, b) { return (a.year || 0) - (b.year || 0) || (b.cited_by_count || -1) - (a.cited_by_count || -1); })
      .forEach(function (w) { list.appendChild(workButton(w)); });
    box.appendChild(list);
    if (shown.length <= 12) box.open = true;
    return box;
  }

  function showDetails(id) {
    var w = works.get(id);
    detailsBody.textContent = "";
    detailsBody.appendChild(el("h2", null, w.title || "(untitled)"));
    var meta = [w.year === null ? "no year" : w.year, w.venue, w.type].filter(Boolean).join(" \u00b7 ");
    detailsBody.appendChild(el("div", "meta", meta));
    if (w.authors.length) detailsBody.appendChild(el("div", "meta", authorLine(w, 25)));
    var badges = el("div", "badges");
    badges.appendChild(badge("term: " + META.term_labels[w.term_use], META.term_colours[w.term_use]));
    if (w.is_seed) badges.appendChild(badge("seed" + (w.seed_name ? ": " + w.seed_name : "")));
    if (w.is_earliest_adopter) badges.appendChild(badge("earliest adopter"));
    if (w.on_chain) badges.appendChild(badge("origin chain"));
    if (w.on_main_path) badges.appendChild(badge("main path"));
    badges.appendChild(badge(w.cited_by_count === null ? "citations unknown" : fmt(w.cited_by_count) + " citations"));
    if (w.depth !== null) badges.appendChild(badge("depth " + w.depth));
    detailsBody.appendChild(badges);
    if (w.term_forms.length) detailsBody.appendChild(el("div", "meta", "forms: " + w.term_forms.join(", ")));
    if (w.term_snippet) detailsBody.appendChild(el("div", "snippet", w.term_snippet));
    if (w.term_collocations.length) detailsBody.appendChild(el("div", "meta", "collocations: " + w.term_collocations.join(", ")));
    Object.keys(w.terms).forEach(function (term) {
      var t = w.terms[term];
      detailsBody.appendChild(el("div", "meta", "\u201c" + term + "\u201d: " + META.term_labels[t.use] + (t.snippet ? " \u2014 " + t.snippet : "")));
    });
    var links = el("div", "links meta");
    var doi = doiUrl(w.doi), oa = openalexUrl(w.id, w.synthetic_id), ax = arxivUrl(w.arxiv_id);
    if (doi) links.appendChild(link(doi, "DOI " + w.doi));
    if (oa) links.appendChild(link(oa, "OpenAlex " + w.id));
    if (ax) links.appendChild(link(ax, "arXiv " + w.arxiv_id));
    if (!oa) links.appendChild(el("span", "muted", w.id));
    detailsBody.appendChild(links);
    if (w.abstract) {
      var abs = el("details");
      abs.appendChild(el("summary", null, "Abstract"));
      abs.appendChild(el("div", "abstract", w.abstract));
      detailsBody.appendChild(abs);
    }
    detailsBody.appendChild(neighbourList(network.getConnectedNodes(id, "to"), "Cites"));
    detailsBody.appendChild(neighbourList(network.getConnectedNodes(id, "from"), "Cited by"));
    if (w.warnings.length) {
      var warn = el("details");
      warn.appendChild(el("summary", null, "Data warnings (" + w.warnings.length + ")"));
      var list = el("ul", "warnings");
      w.warnings.forEach(function (text) { list.appendChild(el("li", null, text)); });
      warn.appendChild(list);
      detailsBody.appendChild(warn);
    }
    detailsEmpty.hidden = true;
    detailsBody.hidden = false;
  }

  function selectWork(id, focus) {
    if (!works.has(id)) return;
    api.selected = id;
    network.selectNodes([id], false);
    highlightNeighbours(id);
    pinSelection(id);
    showDetails(id);
    if (focus) network.focus(id, { scale: Math.max(network.getScale(), 1.2), animation: { duration: 300 } });
  }
  function clearSelection() {
    if (api.selected === null) return;
    api.selected = null;
    network.unselectAll();
    restoreColours();
    pinSelection(null);
    detailsBody.hidden = true;
    detailsBody.textContent = "";
    detailsEmpty.hidden = false;
  }
  network.on("click", function (params) {
    if (params.nodes.length) selectWork(params.nodes[0], false);
    else if (!params.edges.length) clearSelection();
  });

  function fitView() {
    network.fit({ animation: false });
    // leave room for the year axis strip at the top
    var scale = network.getScale() * 0.94;
    network.moveTo({ scale: scale, position: network.getViewPosition() });
  }

  // vis leaves a tooltip up when the pointer leaves the canvas straight from a node.
  container.addEventListener("mouseleave", function () {
    var tip = container.querySelector(".vis-tooltip");
    if (tip) tip.style.visibility = "hidden";
  });

  var api = {
    network: network, nodes: nodes, edges: edges, works: works, meta: META,
    applyFilters: applyFilters, selectWork: selectWork, clearSelection: clearSelection, fitView: fitView,
    selected: null, shown: null, ready: false, readyMs: null
  };
  window.citegraph = api;
  applyFilters();
  fitView();
  network.once("afterDrawing", function () {
    api.ready = true;
    api.readyMs = performance.now();
  });
  network.redraw();
})();
