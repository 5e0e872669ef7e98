/* citegraph explorer: timeline view of a citation graph over vis-network.
 *
 * It opens on the answer: the works using the term, the seeds and the chains of citing adopters
 * between them, in a roomy layout (one work per line on a portrait screen); every other work is
 * one click away ("show all works", "non-users", "unknown use", "include undated", "the main
 * path"), and the page switches to the smallest precomputed layout that holds what is shown.
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
  var TERM = META.terms.length ? META.terms[0] : "";
  var LAYOUT_KEYS = { focus: "f", main: "m", list: "v" };
  var LABEL_FONT = "600 11px system-ui, sans-serif";

  // ------------------------------------------------------------------ small DOM helpers
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }
  function fmt(n) { return Number(n).toLocaleString("en-US"); }
  function plural(n, one, many) { return n === 1 ? one : many; }
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
  // The report's row of a work: report.html carries id="work-<id>" on each work it names (the
  // seeds, the earliest adopters, the works on a chain or on the main path).
  function reportUrl(w) {
    var named = w.is_seed || w.is_earliest_adopter || w.early || w.on_chain || w.on_main_path;
    return META.report && named && /^[A-Za-z0-9_.:-]+$/.test(w.id) ? META.report + "#work-" + encodeURIComponent(w.id) : null;
  }
  function authorLine(w, max) {
    if (!w.authors.length) return "";
    var shown = w.authors.slice(0, max);
    var more = w.n_authors - shown.length;
    return shown.join(", ") + (more > 0 ? " and " + more + " more" : "");
  }
  function isUser(w) { return w.term_use === "title" || w.term_use === "abstract"; }

  // ------------------------------------------------------------------ data
  var works = new Map();
  var info = new Map();    // id -> {all: [x, y], p: {f, m, v}, s, sm, size}
  var nodeShown = new Map();
  var faded = new Set();
  var pins = [];           // works named on the canvas (space permitting)
  var places = new Map();  // id -> {id, text, x, y, size}

  function tooltip(w) {
    var box = el("div");
    box.appendChild(el("div", "tt-label", w.label));
    box.appendChild(el("div", "tt-title", clip(w.title || "(untitled)", 140)));
    var first = w.authors.length ? w.authors[0] + (w.n_authors > 1 ? " et al." : "") : "";
    var meta = [first, w.year === null ? "no year" : w.year, clip(w.venue, 60),
      w.cited_by_count === null ? "" : fmt(w.cited_by_count) + " citations"].filter(Boolean);
    box.appendChild(el("div", "tt-meta", meta.join(" \u00b7 ")));
    box.appendChild(el("div", "tt-meta", (TERM ? "\u201c" + TERM + "\u201d: " : "term: ") + META.term_labels[w.term_use]));
    return box;
  }

  function copy(value) { return JSON.parse(JSON.stringify(value)); }
  var mainOn = !!META.main_path_default;
  function styleOf(id) {
    var i = info.get(id);
    return META.node_styles[mainOn && i.sm !== undefined ? i.sm : i.s];
  }
  var nodeItems = DATA.nodes.map(function (n) {
    var w = Object.assign(copy(META.work_defaults), n.w);
    w.id = n.id;
    w.warnings = w.warnings.map(function (code) { return META.warning_text[code] || code; });
    var matched = [w.term_snippet].concat(w.term_forms);
    Object.keys(w.terms).forEach(function (t) { matched.push(w.terms[t].snippet); matched = matched.concat(w.terms[t].forms); });
    w.named = fold([w.title].concat(w.authors).join(" | "));
    w.haystack = w.named + " | " + fold(matched.join(" | "));
    works.set(n.id, w);
    info.set(n.id, { all: [n.x, n.y], p: n.p || {}, s: n.s, sm: n.sm, size: n.size });
    var item = Object.assign(copy(styleOf(n.id)), { id: n.id, x: n.x, y: n.y, size: n.size, title: tooltip(w) });
    places.set(n.id, { id: n.id, text: n.pin || w.label, size: n.size, x: n.x, y: n.y });
    if (n.pin) pins.push(places.get(n.id));
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
  var originalEdge = new Map();
  var overridden = new Set();  // edges with a colour of their own
  function edgeStyle(e) { return META.edge_styles[e.kind === "main" && !mainOn ? "" : e.kind]; }
  var edgeItems = DATA.edges.map(function (e, i) {
    var item = { id: "e" + i, from: e.from, to: e.to, kind: e.k };
    originalEdge.set(item.id, { id: item.id, from: e.from, to: e.to, kind: e.k });
    if (e.k) {
      var style = edgeStyle(item);
      item.width = style.width;
      item.color = edgeColour(style);
      overridden.add(item.id);
    }
    return item;
  });

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

  // ------------------------------------------------------------------ layouts
  var layout = "all";
  function positionIn(name, id) {
    var i = info.get(id);
    return name === "all" ? i.all : i.p[LAYOUT_KEYS[name]];
  }
  // The list suits a portrait screen, and any screen too narrow for the years side by side
  // (about 110 px a year, a name beside each work).
  var YEAR_PX = 110;
  function listBetter() {
    var W = container.clientWidth, H = container.clientHeight;
    var years = META.layouts.focus ? META.layouts.focus.bands.length : 0;
    return (W < 640 && H > W) || W < years * YEAR_PX;
  }
  // The smallest layout holding every work in ``ids``: the first view's (a list when the screen
  // is narrow), the first view with the main path, else all works.
  function chooseLayout(ids) {
    var names = (listBetter() ? ["list", "focus"] : ["focus", "list"]).concat(["main", "all"]);
    for (var i = 0; i < names.length; i++) {
      var name = names[i];
      if (!META.layouts[name]) continue;
      if (ids.every(function (id) { return positionIn(name, id); })) return name;
    }
    return "all";
  }
  function useLayout(name) {
    if (name === layout) return false;
    layout = name;
    var updates = [];
    works.forEach(function (w, id) {
      var p = positionIn(name, id);
      if (!p) return;
      updates.push({ id: id, x: p[0], y: p[1] });
      var place = places.get(id);
      place.x = p[0]; place.y = p[1];
    });
    nodes.update(updates);
    // Few links: curved, so a long citation arcs over the works between instead of seeming to
    // pass through them; thousands: straight (cheaper to draw).
    network.setOptions({ edges: { smooth: name === "all" ? false : { enabled: true, type: "curvedCW", roundness: 0.18 } } });
    buildAxisOrder();
    return true;
  }
  function bands() { return META.layouts[layout].bands; }
  function vertical() { return META.layouts[layout].orient === "v"; }

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
    var yearIndex = 0, vert = vertical();
    bands().forEach(function (b) {
      var fill = null;
      if (b.kind === "none") fill = "#eef0f4";
      else if (b.kind === "gap") fill = "#f4f4f4";
      else if (yearIndex++ % 2 === 1) fill = "#f6f8fb";
      if (fill) {
        ctx.fillStyle = fill;
        if (vert) ctx.fillRect(v.tl.x, b.y0, v.br.x - v.tl.x, b.y1 - b.y0);
        else ctx.fillRect(b.x0, v.tl.y, b.x1 - b.x0, v.br.y - v.tl.y);
      }
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
  var axisOrder = [];
  function buildAxisOrder() {
    var all = bands();
    var dated = all.filter(function (b) { return b.kind === "year" && b.count; });
    function axisRank(b) {
      if (b.kind === "none") return [0, 0];
      if (b === dated[0] || b === dated[dated.length - 1]) return [1, 0];
      if (b.kind === "year" && b.count) return [+b.label % 5 === 0 ? 2 : 3, -b.count];
      return [b.kind === "year" ? 4 : 5, 0];
    }
    axisOrder = all.slice().sort(function (a, b) {
      var ra = axisRank(a), rb = axisRank(b);
      return ra[0] - rb[0] || ra[1] - rb[1] || (a.x0 || a.y0) - (b.x0 || b.y0);
    });
  }
  buildAxisOrder();
  function bandLabel(b) { return b.kind === "none" ? "no year (" + fmt(b.count) + ")" : b.label; }
  network.on("afterDrawing", function (ctx) {
    var v = viewBox();
    drawPins(ctx, v);
    if (vertical()) { drawVerticalAxis(ctx, v); return; }
    var strip = 24 / v.scale;
    ctx.fillStyle = "rgba(255,255,255,0.94)";
    ctx.fillRect(v.tl.x, v.tl.y, v.br.x - v.tl.x, strip);
    ctx.strokeStyle = "#c7ccd2"; ctx.lineWidth = 1 / v.scale;
    ctx.beginPath(); ctx.moveTo(v.tl.x, v.tl.y + strip); ctx.lineTo(v.br.x, v.tl.y + strip); ctx.stroke();
    ctx.textAlign = "center"; ctx.textBaseline = "middle";
    var placed = [];
    var pad = 8 / v.scale;
    bands().forEach(function (b) {
      ctx.beginPath(); ctx.moveTo(b.x0, v.tl.y + strip * 0.7); ctx.lineTo(b.x0, v.tl.y + strip); ctx.stroke();
    });
    axisOrder.forEach(function (b) {
      var label = bandLabel(b);
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
  var AXIS_STRIP_V = 46;  // px: the year column on the left of the list layout
  function drawVerticalAxis(ctx, v) {
    var strip = AXIS_STRIP_V / v.scale;
    ctx.fillStyle = "rgba(255,255,255,0.94)";
    ctx.fillRect(v.tl.x, v.tl.y, strip, v.br.y - v.tl.y);
    ctx.strokeStyle = "#c7ccd2"; ctx.lineWidth = 1 / v.scale;
    ctx.beginPath(); ctx.moveTo(v.tl.x + strip, v.tl.y); ctx.lineTo(v.tl.x + strip, v.br.y); ctx.stroke();
    ctx.textAlign = "left"; ctx.textBaseline = "middle";
    var placed = [], px = 12 / v.scale;
    bands().forEach(function (b) {
      ctx.beginPath(); ctx.moveTo(v.tl.x + strip * 0.8, b.y0); ctx.lineTo(v.tl.x + strip, b.y0); ctx.stroke();
    });
    axisOrder.forEach(function (b) {
      var label = b.kind === "none" ? "no year" : b.label;
      var centre = (b.y0 + b.y1) / 2;
      var box = { x0: 0, x1: 1, y0: centre - px * 0.7, y1: centre + px * 0.7 };
      if (box.y1 < v.tl.y || box.y0 > v.br.y || overlaps(box, placed)) return;
      placed.push(box);
      ctx.font = "600 " + px + "px system-ui, sans-serif";
      ctx.fillStyle = "#222";
      ctx.fillText(label, v.tl.x + 6 / v.scale, centre);
    });
  }

  // Works are named at a readable size whatever the zoom, by priority (seeds, earliest
  // adopters, chains, term users, main path; the most cited first); a name that would overlap
  // another name or a work waits for the user to zoom in. With a work selected, it and its
  // neighbours are named first and the faded works not at all.
  function pinRank(w) {
    return w.is_seed ? 0 : w.is_earliest_adopter ? 1 : w.on_chain ? 2 : isUser(w) ? 3 : w.on_main_path ? 4 : 5;
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
  var shownCount = 0;
  function drawPins(ctx, v) {
    ctx.textBaseline = "middle"; ctx.lineJoin = "round";
    var placed = [];
    // the works themselves are obstacles too (when there are few enough to check)
    var obstacles = [];
    if (shownCount <= 400) {
      places.forEach(function (p) {
        if (!nodeShown.get(p.id)) return;
        var r = p.size + 1 / v.scale;
        obstacles.push({ id: p.id, x0: p.x - r, x1: p.x + r, y0: p.y - r, y1: p.y + r });
      });
    }
    var named = 0;
    activePins.forEach(function (p) {
      if (!nodeShown.get(p.id)) return;
      var w = works.get(p.id);
      var strong = w.is_seed || p.id === api.selected;
      var px = (strong ? 13 : 11) / v.scale;
      ctx.font = (strong ? "700 " : "600 ") + px + "px system-ui, sans-serif";
      var width = ctx.measureText(p.text).width, gap = 3 / v.scale, half = px * 0.7;
      // right of the node, else below, above or left (the year before); a seed or the selection
      // is named even if all overlap
      var spots = [
        { x: p.x + p.size + gap, y: p.y, align: "left", x0: p.x + p.size + gap },
        { x: p.x, y: p.y + p.size + gap + half, align: "center", x0: p.x - width / 2 },
        { x: p.x, y: p.y - p.size - gap - half, align: "center", x0: p.x - width / 2 },
        { x: p.x - p.size - gap, y: p.y, align: "right", x0: p.x - p.size - gap - width }
      ];
      var others = obstacles.filter(function (o) { return o.id !== p.id; });
      var spot = null;
      for (var i = 0; i < spots.length && !spot; i++) {
        var box = { x0: spots[i].x0 - gap, x1: spots[i].x0 + width + gap, y0: spots[i].y - half, y1: spots[i].y + half };
        if (!overlaps(box, placed) && !overlaps(box, others)) { spot = spots[i]; placed.push(box); }
      }
      if (!spot && !strong) return;
      spot = spot || spots[0];
      named++;
      ctx.textAlign = spot.align;
      ctx.lineWidth = 3 / v.scale;
      ctx.strokeStyle = "rgba(255,255,255,0.9)";
      ctx.strokeText(p.text, spot.x, spot.y);
      ctx.fillStyle = faded.has(p.id) ? "rgba(0,0,0,0.3)" : "#111";
      ctx.fillText(p.text, spot.x, spot.y);
    });
    api.named = named;
  }

  // ------------------------------------------------------------------ filters and search
  var yearFrom = document.getElementById("year-from");
  var yearTo = document.getElementById("year-to");
  var noYear = document.getElementById("no-year");
  var search = document.getElementById("search");
  var results = document.getElementById("search-results");
  var showAll = document.getElementById("show-all");
  // A graph without seeds (a snapshot's term neighbourhood) has no seed and chain boxes: they
  // stand ticked, off the page, so every filter reads them as it would on a seeded graph.
  function boxOrTicked(id) {
    var box = document.getElementById(id);
    if (box) return box;
    box = document.createElement("input");
    box.type = "checkbox";
    box.checked = true;
    return box;
  }
  var showSeeds = boxOrTicked("show-seeds");
  var showChains = boxOrTicked("show-chains");
  var showMain = document.getElementById("show-main");
  var useBoxes = Array.prototype.slice.call(document.querySelectorAll("input.term-use"));
  var categoryBoxes = [showSeeds, showChains, showMain].concat(useBoxes);
  var counts = document.getElementById("counts");
  var why = document.getElementById("why");
  var headerToggle = document.getElementById("header-toggle");
  headerToggle.addEventListener("click", function () { if (showAll.checked) firstView(); else everything(); applyFilters(true); });

  function readYear(input) {
    var value = parseInt(input.value, 10);
    return isNaN(value) ? null : value;
  }
  function currentState() {
    var uses = {};
    useBoxes.forEach(function (box) { uses[box.value] = box.checked; });
    return {
      tokens: fold(search.value).split(/\s+/).filter(Boolean),
      from: readYear(yearFrom), to: readYear(yearTo), noYear: noYear.checked, uses: uses,
      seeds: showSeeds.checked, chains: showChains.checked, main: showMain.checked
    };
  }
  // Shown: a work of a ticked kind (union) in the year range; works without a year only with
  // "include undated"; then the search, over titles, authors and the matched text.
  function passesKind(w, s) {
    if (w.year === null && !s.noYear) return false;
    return s.uses[w.term_use] || (s.seeds && w.is_seed) || (s.chains && w.on_chain) || (s.main && w.on_main_path);
  }
  function passesYear(w, s) {
    return w.year === null || ((s.from === null || w.year >= s.from) && (s.to === null || w.year <= s.to));
  }
  function matches(w, s) {
    for (var i = 0; i < s.tokens.length; i++) if (w.haystack.indexOf(s.tokens[i]) < 0) return false;
    return true;
  }
  function fullRange() {
    return (META.year_min === null || readYear(yearFrom) === null || readYear(yearFrom) <= META.year_min) &&
      (META.year_max === null || readYear(yearTo) === null || readYear(yearTo) >= META.year_max);
  }
  function isFirstView() {
    return !showAll.checked && showSeeds.checked && showChains.checked && showMain.checked === !!META.main_path_default &&
      useBoxes.every(function (box) { return box.checked === (box.value === "title" || box.value === "abstract"); }) &&
      !noYear.checked && fullRange();
  }

  function applyFilters(refit) {
    var s = currentState();
    var nodeUpdates = [], found = [], kinds = [];
    var shown = [], hiddenMatches = 0;
    works.forEach(function (w, id) {
      var kind = passesKind(w, s);
      if (kind) kinds.push(id);
      var show = kind && passesYear(w, s) && matches(w, s);
      if (show) { shown.push(w); if (s.tokens.length) found.push(w); }
      else if (s.tokens.length && matches(w, s)) hiddenMatches++;
      if (nodeShown.get(id) !== show) { nodeShown.set(id, show); nodeUpdates.push({ id: id, hidden: !show }); }
    });
    if (nodeUpdates.length) nodes.update(nodeUpdates);
    if (s.main !== mainOn) setMainPath(s.main);
    // the layout follows the kinds shown, not the search, so typing never moves the works
    var moved = useLayout(chooseLayout(kinds));
    var shownEdges = 0;
    originalEdge.forEach(function (e) { if (nodeShown.get(e.from) && nodeShown.get(e.to)) shownEdges++; });
    shownCount = shown.length;
    api.shown = { nodes: shown.length, edges: shownEdges, layout: layout };
    showAll.checked = categoryBoxes.every(function (box) { return box.checked; }) && noYear.checked && fullRange();
    renderCounts(shown, shownEdges);
    renderResults(s, found, hiddenMatches);
    if (api.selected && !nodeShown.get(api.selected)) clearSelection();
    if (moved || refit) fitView();
  }

  function renderCounts(shown, shownEdges) {
    var users = 0, chainUsers = 0, seeds = 0, chain = 0, main = 0, non = 0, unknown = 0, seedCount = 0;
    shown.forEach(function (w) {
      if (w.is_seed) seedCount++;
      if (isUser(w)) { users++; if (w.on_chain) chainUsers++; }
      else if (w.is_seed) seeds++;
      else if (w.on_chain) chain++;
      else if (w.on_main_path && mainOn) main++;
      else if (w.term_use === "no") non++;
      else unknown++;
    });
    counts.textContent = "";
    function part(n, text, key) {
      var span = el("span", "part");
      var strong = el("strong", null, fmt(n));
      strong.setAttribute("data-part", key);
      span.appendChild(strong);
      span.appendChild(document.createTextNode(" " + text));
      return span;
    }
    var total = el("strong", null, fmt(shown.length)); total.id = "shown-nodes";
    counts.appendChild(total);
    counts.appendChild(document.createTextNode(" " + plural(shown.length, "work", "works") + " shown"));
    var parts = [];
    if (users) {
      var p = part(users, "using " + (TERM ? "\u201c" + TERM + "\u201d" : "the term"), "users");
      if (chainUsers) p.appendChild(document.createTextNode(" (" + fmt(chainUsers) + " on chains to the " + plural(seedCount, "seed", "seeds") + ")"));
      parts.push(p);
    }
    if (seeds) parts.push(part(seeds, plural(seeds, "seed", "seeds") + " not using it", "seeds"));
    if (chain) parts.push(part(chain, "more on chains", "chain"));
    if (main) parts.push(part(main, "more on the main path", "main"));
    if (non) parts.push(part(non, "not using it", "no"));
    if (unknown) parts.push(part(unknown, "of unknown use", "unknown"));
    if (parts.length) counts.appendChild(document.createTextNode(": "));
    parts.forEach(function (p, i) { if (i) counts.appendChild(document.createTextNode(", ")); counts.appendChild(p); });
    var hidden = works.size - shown.length + (META.hidden.nodes || 0);
    counts.appendChild(document.createTextNode("; "));
    var h = el("strong", null, fmt(hidden)); h.id = "hidden-count";
    counts.appendChild(h);
    counts.appendChild(document.createTextNode(" hidden"));
    if (META.hidden.nodes) counts.appendChild(el("span", "muted", " (" + fmt(META.hidden.nodes) + " not drawn, see note)"));
    var links = el("span", "muted", " \u00b7 ");
    var e = el("strong", null, fmt(shownEdges)); e.id = "shown-edges";
    links.appendChild(e);
    links.appendChild(document.createTextNode(" citation " + plural(shownEdges, "link", "links")));
    counts.appendChild(links);
    headerToggle.textContent = showAll.checked ? "first view" : "show all";
    headerToggle.hidden = !hidden && isFirstView();
    why.textContent = isFirstView() && TERM
      ? (META.seeds ? "The first view: the works whose title or abstract uses the term, the seeds, and the chains of citing adopters between them."
                    : "The first view: the works whose title or abstract uses the term.")
      : "";
  }

  function workButton(w, extra) {
    var button = el("button", "work-link");
    button.type = "button";
    button.textContent = w.label + " \u2014 " + clip(w.title || "(untitled)", 90) + (extra || "");
    button.addEventListener("click", function () { selectWork(w.id, true); closeControlsIfNarrow(); });
    return button;
  }

  function renderResults(s, found, hiddenMatches) {
    results.textContent = "";
    results.hidden = !s.tokens.length;
    if (!s.tokens.length) return;
    found.sort(function (a, b) { return (b.cited_by_count || -1) - (a.cited_by_count || -1) || (a.id < b.id ? -1 : 1); });
    if (!found.length) results.appendChild(el("li", "more", "no work shown matches"));
    found.slice(0, 30).forEach(function (w) {
      var item = el("li");
      item.appendChild(workButton(w, matches({ haystack: w.named }, s) ? "" : " (in the matched text)"));
      results.appendChild(item);
    });
    if (found.length > 30) results.appendChild(el("li", "more", fmt(found.length - 30) + " more; refine the search"));
    if (hiddenMatches) {
      var more = el("li", "more");
      more.appendChild(document.createTextNode(fmt(hiddenMatches) + " more among the hidden works: "));
      var b = el("button", "inline", "show all works");
      b.type = "button";
      b.addEventListener("click", function () { everything(); applyFilters(true); });
      more.appendChild(b);
      results.appendChild(more);
    }
  }

  function setYears() {
    yearFrom.value = META.year_min === null ? "" : META.year_min;
    yearTo.value = META.year_max === null ? "" : META.year_max;
  }
  function firstView() {
    var all = !!META.start_with_all;
    showAll.checked = all;
    showSeeds.checked = showChains.checked = true;
    showMain.checked = all || !!META.main_path_default;
    useBoxes.forEach(function (box) { box.checked = all || box.value === "title" || box.value === "abstract"; });
    noYear.checked = all;
    setYears();
  }
  function everything() {
    categoryBoxes.forEach(function (box) { box.checked = true; });
    noYear.checked = true;
    showAll.checked = true;
    setYears();
  }

  var searchTimer = null;
  search.addEventListener("input", function () {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(function () { applyFilters(false); }, BIG ? 200 : 60);
  });
  // A year range hides the undated works (tick "include undated" to bring them back).
  function onYears() {
    if (!fullRange()) noYear.checked = false;
    applyFilters(false);
  }
  [yearFrom, yearTo].forEach(function (input) {
    input.addEventListener("input", onYears);
    input.addEventListener("change", function () { onYears(); fitView(); });
  });
  categoryBoxes.concat([noYear]).forEach(function (box) { box.addEventListener("change", function () { applyFilters(true); }); });
  showAll.addEventListener("change", function () {
    if (showAll.checked) everything(); else firstView();
    applyFilters(true);
  });
  document.getElementById("reset").addEventListener("click", function () {
    search.value = "";
    firstView();
    applyFilters(true);
  });
  document.getElementById("fit").addEventListener("click", function () { fitView(); });

  // ------------------------------------------------------------------ the main path toggle
  function setMainPath(on) {
    mainOn = on;
    var nodeUpdates = [];
    info.forEach(function (i, id) {
      if (i.sm === undefined || faded.has(id)) return;
      var style = styleOf(id);
      nodeUpdates.push({ id: id, color: style.color, borderWidth: style.borderWidth });
    });
    nodes.update(nodeUpdates);
    var edgeUpdates = [];
    originalEdge.forEach(function (e) {
      if (e.kind !== "main") return;
      var style = edgeStyle(e);
      edgeUpdates.push({ id: e.id, color: edgeColour(style), width: style.width });
    });
    edges.update(edgeUpdates);
  }

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
      else { faded.delete(nid); nodeUpdates.push({ id: nid, color: styleOf(nid).color }); }
    });
    nodes.update(nodeUpdates);
    var incident = network.getConnectedEdges(id);
    incident.forEach(function (eid) { overridden.add(eid); });
    var strong = new Set(incident);
    network.setOptions({ edges: { color: FADED_EDGE } });
    var edgeUpdates = [];
    overridden.forEach(function (eid) {
      var style = edgeStyle(originalEdge.get(eid));
      edgeUpdates.push(strong.has(eid)
        ? { id: eid, color: edgeColour(style, 0.9), width: Math.max(style.width, 1.4) }
        : { id: eid, color: FADED_EDGE, width: style.width });
    });
    edges.update(edgeUpdates);
  }
  function restoreColours() {
    var nodeUpdates = [];
    faded.forEach(function (id) { nodeUpdates.push({ id: id, color: styleOf(id).color }); });
    faded.clear();
    nodes.update(nodeUpdates);
    network.setOptions({ edges: { color: edgeColour(PLAIN) } });
    var edgeUpdates = [];
    overridden.forEach(function (eid) {
      var style = edgeStyle(originalEdge.get(eid));
      edgeUpdates.push({ id: eid, color: edgeColour(style), width: style.width });
    });
    edges.update(edgeUpdates);
  }

  var details = document.getElementById("details");
  var detailsBody = document.getElementById("details-body");
  document.getElementById("close-details").addEventListener("click", function () { clearSelection(); });

  function badge(text, colour) {
    var b = el("span", "badge" + (colour ? " term" : ""), text);
    if (colour) b.style.background = colour;
    return b;
  }
  function link(href, text, newTab) {
    var a = el("a", null, text);
    a.href = href;
    if (newTab !== false) { a.target = "_blank"; a.rel = "noopener noreferrer"; }
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
    detailsBody.appendChild(el("div", "label", w.label));
    detailsBody.appendChild(el("h2", null, w.title || "(untitled)"));
    var meta = [w.year === null ? "no year" : w.year, w.venue, w.type].filter(Boolean).join(" \u00b7 ");
    detailsBody.appendChild(el("div", "meta", meta));
    if (w.authors.length) detailsBody.appendChild(el("div", "meta", authorLine(w, 25)));
    var badges = el("div", "badges");
    badges.appendChild(badge("term: " + META.term_labels[w.term_use], META.term_colours[w.term_use]));
    if (w.is_seed) badges.appendChild(badge("seed" + (w.seed_name ? ": " + w.seed_name : "")));
    if (w.is_earliest_adopter) badges.appendChild(badge("earliest adopter"));
    if (w.early) badges.appendChild(badge("among the " + META.badge.listed + " earliest adopters"));
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
    var doi = doiUrl(w.doi), oa = openalexUrl(w.id, w.synthetic_id), ax = arxivUrl(w.arxiv_id), rep = reportUrl(w);
    if (doi) links.appendChild(link(doi, "DOI " + w.doi));
    if (oa) links.appendChild(link(oa, "OpenAlex " + w.id));
    if (ax) links.appendChild(link(ax, "arXiv " + w.arxiv_id));
    if (rep) links.appendChild(link(rep, "in the report", false));
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
    details.hidden = false;
    detailsBody.scrollTop = 0;
  }

  // The side panel covers the right of the graph (the bottom on a phone): move the selected
  // work out from under it.
  function keepClearOfPanel(id) {
    if (details.hidden) return;
    var box = container.getBoundingClientRect(), panel = details.getBoundingClientRect();
    var p = network.canvasToDOM(network.getPositions([id])[id]);
    var scale = network.getScale(), view = network.getViewPosition();
    var dx = 0, dy = 0;
    if (panel.top > box.top + 40) {  // a bottom sheet
      var limit = panel.top - box.top - 30;
      if (p.y > limit) dy = p.y - limit / 2;
    } else {
      var right = panel.left - box.left - 30;
      if (p.x > right) dx = p.x - right / 2;
    }
    if (dx || dy) network.moveTo({ position: { x: view.x + dx / scale, y: view.y + dy / scale }, scale: scale, animation: false });
  }

  function selectWork(id, focus) {
    if (!works.has(id)) return;
    api.selected = id;
    network.selectNodes([id], false);
    highlightNeighbours(id);
    pinSelection(id);
    showDetails(id);
    if (focus) network.focus(id, { scale: Math.max(network.getScale(), 1.0), animation: false });
    keepClearOfPanel(id);
  }
  function clearSelection() {
    if (api.selected === null) return;
    api.selected = null;
    network.unselectAll();
    restoreColours();
    pinSelection(null);
    details.hidden = true;
    detailsBody.textContent = "";
    network.redraw();
  }
  network.on("click", function (params) {
    if (params.nodes.length) selectWork(params.nodes[0], false);
    else if (!params.edges.length) clearSelection();
  });

  // Fit what is shown, leaving room for the axis strip and for the names beside the works: a
  // first pass finds the scale, a second leaves the names at the edges room at that scale.
  var measure = document.createElement("canvas").getContext("2d");
  function fitView() {
    var ids = [];
    nodeShown.forEach(function (show, id) { if (show) ids.push(id); });
    var W = container.clientWidth, H = container.clientHeight;
    if (!ids.length || !W || !H) return;
    var x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
    measure.font = LABEL_FONT;
    ids.forEach(function (id) {
      var p = places.get(id);
      x0 = Math.min(x0, p.x - p.size); x1 = Math.max(x1, p.x + p.size);
      y0 = Math.min(y0, p.y - p.size); y1 = Math.max(y1, p.y + p.size);
    });
    var left = vertical() ? AXIS_STRIP_V + 8 : 12, top = vertical() ? 12 : 34, maxScale = ids.length < 40 ? 2.2 : 4;
    function scaleFor(padLeft, padRight) {
      var availW = Math.max(W - left - 12 - padLeft - padRight, 40), availH = Math.max(H - top - 12, 40);
      return { scale: Math.min(availW / Math.max(x1 - x0, 1), availH / Math.max(y1 - y0, 1), maxScale), w: availW, h: availH };
    }
    var first = scaleFor(0, 0), padLeft = 0, padRight = 0;
    if (ids.length <= 400) {
      ids.forEach(function (id) {
        var p = places.get(id), width = measure.measureText(p.text).width + 8;
        // a name right of its work, or centred below it
        padRight = Math.max(padRight, (p.x + p.size - x1) * first.scale + width);
        padLeft = Math.max(padLeft, (x0 - p.x) * first.scale + width / 2);
      });
    }
    padLeft = Math.min(Math.max(padLeft, 0), W * 0.2);
    padRight = Math.min(Math.max(padRight, 0), W * (vertical() ? 0.62 : 0.45));
    var fit = scaleFor(padLeft, padRight), scale = fit.scale;
    var sx0 = left + padLeft + (fit.w - (x1 - x0) * scale) / 2, sy0 = top + (fit.h - (y1 - y0) * scale) / 2;
    network.moveTo({
      position: { x: x0 - (sx0 - W / 2) / scale, y: y0 - (sy0 - H / 2) / scale },
      scale: scale, animation: false
    });
  }

  // ------------------------------------------------------------------ narrow screens, keyboard
  var toggleControls = document.getElementById("toggle-controls");
  function controlsOpen() { return document.body.classList.contains("controls-open"); }
  function setControls(open) {
    document.body.classList.toggle("controls-open", open);
    toggleControls.setAttribute("aria-expanded", open ? "true" : "false");
  }
  function closeControlsIfNarrow() { if (getComputedStyle(toggleControls).display !== "none") setControls(false); }
  toggleControls.addEventListener("click", function () { setControls(!controlsOpen()); });

  function zoomBy(factor) {
    network.moveTo({ scale: network.getScale() * factor, position: network.getViewPosition(), animation: false });
  }
  function panBy(dx, dy) {
    var scale = network.getScale(), view = network.getViewPosition();
    network.moveTo({ position: { x: view.x + dx / scale, y: view.y + dy / scale }, scale: scale, animation: false });
  }
  document.addEventListener("keydown", function (ev) {
    var t = ev.target;
    var typing = t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT" || t.isContentEditable);
    if (ev.key === "Escape" || ev.key === "Esc") {
      clearSelection();
      if (controlsOpen() && getComputedStyle(toggleControls).display !== "none") setControls(false);
      return;
    }
    if (typing || ev.ctrlKey || ev.metaKey || ev.altKey) return;
    var step = 80;
    switch (ev.key) {
      case "+": case "=": zoomBy(1.25); break;
      case "-": case "_": zoomBy(0.8); break;
      case "ArrowLeft": panBy(-step, 0); break;
      case "ArrowRight": panBy(step, 0); break;
      case "ArrowUp": panBy(0, -step); break;
      case "ArrowDown": panBy(0, step); break;
      case "0": fitView(); break;
      default: return;
    }
    ev.preventDefault();
  });

  // A phone turned, a window resized: the list layout and the wide one swap, and the view refits.
  var resizeTimer = null;
  window.addEventListener("resize", function () {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(function () {
      var kinds = [], s = currentState();
      works.forEach(function (w, id) { if (passesKind(w, s)) kinds.push(id); });
      if (useLayout(chooseLayout(kinds))) { network.redraw(); }
      fitView();
    }, 150);
  });

  // vis leaves a tooltip up when the pointer leaves the canvas straight from a node.
  container.addEventListener("mouseleave", function () {
    var tip = container.querySelector(".vis-tooltip");
    if (tip) tip.style.visibility = "hidden";
  });

  var api = {
    network: network, nodes: nodes, edges: edges, works: works, meta: META,
    applyFilters: applyFilters, selectWork: selectWork, clearSelection: clearSelection, fitView: fitView,
    firstView: function () { firstView(); applyFilters(true); },
    showAll: function () { everything(); applyFilters(true); },
    layout: function () { return layout; },
    selected: null, shown: null, named: 0, ready: false, readyMs: null
  };
  window.citegraph = api;
  firstView();
  applyFilters(true);
  network.once("afterDrawing", function () {
    api.ready = true;
    api.readyMs = performance.now();
  });
  network.redraw();
})();
