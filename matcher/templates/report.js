(function () {
  "use strict";
  var toArray = function (nodes) { return Array.prototype.slice.call(nodes); };
  var byId = function (id) { return document.getElementById(id); };
  // counts as the page writes them (i18n.number): «5 000» in Russian, "5,000" in English
  var thousands = document.documentElement.lang === "ru" ? "\u202f" : ",";
  var fmtCount = function (n) { return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, thousands); };
  function on(id, type, handler) {
    var e = byId(id);
    if (e) { e.addEventListener(type, handler); }
    return e;
  }

  // The page ships the controls that need JavaScript hidden, and a note saying they need it:
  // with the script running, the controls show and the note goes.
  toArray(document.querySelectorAll("[data-needs-js]")).forEach(function (e) { e.hidden = false; });
  toArray(document.querySelectorAll("[data-no-js]")).forEach(function (e) { e.hidden = true; });

  // Printing: the whole report, or the order's annex alone (body.print-annex, see report.css).
  function printReport(annexOnly) {
    document.body.classList.toggle("print-annex", annexOnly);
    window.print();
  }
  window.addEventListener("afterprint", function () { document.body.classList.remove("print-annex"); });
  on("print-btn", "click", function () { printReport(false); });
  on("print-annex", "click", function () { printReport(true); });

  // Search matches at the start of words, in any case, ё as е: "пар" finds «Парта» and «парус»,
  // "арта" finds neither. Text is kept as " word word": a query word matches where " " + it occurs.
  function words(text) {
    return (" " + String(text).normalize("NFC").toLowerCase().replace(/ё/g, "е").replace(/[^\p{L}\p{N}]+/gu, " ")).replace(/ +$/, "");
  }
  function queryWords(text) { return words(text).split(" ").filter(function (w) { return w !== ""; }); }
  function matches(hay, query) {
    for (var i = 0; i < query.length; i += 1) {
      if (hay.indexOf(" " + query[i]) < 0) { return false; }
    }
    return true;
  }
  var collator = new Intl.Collator(document.documentElement.lang || "en", { numeric: true, sensitivity: "base" });

  var pairs = pairsList(byId("plist"));
  var candidates = byId("report-data") && pairs && pairs.data;
  if (candidates) { candidatesFromData(candidates); }
  searchEverywhere(pairs);

  // -- one search box over the pairs, the unmatched mentees and the mentors -----------------------
  function searchEverywhere(pairs) {
    var box = byId("search");
    if (!box) { return; }
    var hits = byId("search-hits");
    var sections = ["unmatched", "mentors"].map(function (id) {
      var section = byId(id);
      var rows = section ? toArray(section.querySelectorAll("tr[data-search]")) : [];
      return { section: section, rows: rows, hay: rows.map(function (r) { return words(r.dataset.search); }) };
    });
    function run() {
      var query = queryWords(box.value);
      var counts = sections.map(function (s) {
        var n = 0;
        s.rows.forEach(function (r, i) {
          r.hidden = !matches(s.hay[i], query);
          if (!r.hidden) { n += 1; }
        });
        if (s.section) {
          toArray(s.section.querySelectorAll(".no-search-match")).forEach(function (p) { p.hidden = n > 0 || !s.rows.length; });
          toArray(s.section.querySelectorAll("details")).forEach(function (d) {
            if (query.length && n && d.querySelector("tr[data-search]")) { d.open = true; }
          });
        }
        return n;
      });
      var pairCount = pairs ? pairs.search(query) : 0;
      if (hits) {
        hits.hidden = !query.length;
        hits.textContent = hits.dataset.template.replace("{pairs}", fmtCount(pairCount))
          .replace("{unmatched}", fmtCount(counts[0])).replace("{mentors}", fmtCount(counts[1]));
      }
    }
    var timer = 0;
    box.addEventListener("input", function () {  // debounced: a long list is not filtered at every key
      window.clearTimeout(timer);
      timer = window.setTimeout(run, 200);
    });
    box.addEventListener("search", function () { window.clearTimeout(timer); run(); });  // Enter or the clear button
  }

  // -- the pairs list: rows from the HTML or from the page's data, one view over both -------------
  function pairsList(list) {
    if (!list) { return null; }
    var body = byId("plist-body");
    var dataBlock = byId("report-data");
    var data = dataBlock ? JSON.parse(dataBlock.textContent) : null;
    var render = data ? dataRenderer(list, data) : null;
    var units = data ? render.units : unitsFromHtml(body);
    var page = data ? data.page || 50 : Infinity;

    // Column titles become sort buttons here (without JavaScript they stay plain titles). Not
    // <button>s: Chromium does not repeat a printed table header that holds a form control.
    var buttons = toArray(list.querySelectorAll("[data-sort-key]")).map(function (b) {
      b.classList.add("sort");
      b.dataset.sort = b.dataset.sortKey;
      b.setAttribute("role", "button");
      b.tabIndex = 0;
      b.addEventListener("keydown", function (e) {
        if (e.key === "Enter" || e.key === " ") { e.preventDefault(); b.click(); }
      });
      return b;
    });
    var state = { key: "num", dir: 1, query: [], form: "", priority: "", cls: "", band: "" };
    var view = [], rendered = 0, rowsInView = 0, openNew = false;
    var more = byId("more-rows"), shown = byId("shown-count"), noMatch = byId("no-match");

    var numeric = { num: true, score: true };
    var field = { num: "num", mentee: "mentee", form: "formTitle", score: "score" };
    function cmp(a, b, key) {
      var x = a[field[key]], y = b[field[key]];
      return numeric[key] ? x - y : collator.compare(x, y);
    }
    function passes(r) {
      return (state.form === "" || r.form === state.form) && (state.priority === "" || String(r.priority) === state.priority) &&
        (state.cls === "" || r.cls === state.cls) && (state.band === "" || r.band === state.band) && matches(r.hay, state.query);
    }
    // By score or by mentee the list is a flat ranking: every pair on its own line with its
    // mentor, a group's members ranked as their pairs; otherwise pairs stay in their groups.
    function flat() { return state.key === "score" || state.key === "mentee"; }
    function compute() {
      var key = state.key, dir = state.dir;
      view = [];
      rowsInView = 0;
      if (flat()) {
        units.forEach(function (u) {
          u.rows.forEach(function (r) { if (passes(r)) { view.push({ unit: u, rows: [r], flat: true }); } });
        });
        view.sort(function (a, b) { return dir * cmp(a.rows[0], b.rows[0], key) || a.rows[0].num - b.rows[0].num; });
        rowsInView = view.length;
        return;
      }
      var innerDir = key === "num" ? dir : 1;
      units.forEach(function (u) {
        u.rows.sort(function (a, b) { return innerDir * (a.num - b.num); });
        var rows = u.rows.filter(passes);
        if (rows.length) { view.push({ unit: u, rows: rows, flat: false }); rowsInView += rows.length; }
      });
      view.sort(function (a, b) {
        var r = key === "mentor" ? collator.compare(a.unit.mentor, b.unit.mentor) : cmp(a.rows[0], b.rows[0], key);
        return dir * r || a.unit.order - b.unit.order;
      });
    }
    function left() {
      var n = 0;
      for (var i = rendered; i < view.length; i += 1) { n += view[i].rows.length; }
      return n;
    }
    function renderMore() {
      var end = Math.min(view.length, rendered + page);
      var frag = document.createDocumentFragment();
      for (var i = rendered; i < end; i += 1) {
        frag.appendChild(render ? render.unit(view[i], openNew) : htmlUnit(view[i]));
      }
      body.appendChild(frag);
      rendered = end;
      if (more) {
        var n = left();
        more.hidden = n === 0;
        more.textContent = more.dataset.template.replace("{count}", fmtCount(n));
      }
    }
    function refresh() {
      compute();
      while (body.firstChild) { body.removeChild(body.firstChild); }
      rendered = 0;
      renderMore();
      if (shown) {
        shown.textContent = shown.dataset.template
          .replace("{shown}", fmtCount(rowsInView)).replace("{total}", fmtCount(shown.dataset.total));
      }
      if (noMatch) { noMatch.hidden = rowsInView > 0; }
      return rowsInView;
    }
    function sortBy(key, dir) {
      state.key = key;
      state.dir = dir;
      buttons.forEach(function (o) {
        if (o.dataset.sort === key) { o.setAttribute("aria-sort", dir > 0 ? "ascending" : "descending"); } else {
          o.removeAttribute("aria-sort");
        }
      });
      refresh();
    }
    buttons.forEach(function (b) {
      b.addEventListener("click", function () {
        var current = b.getAttribute("aria-sort");
        var key = b.dataset.sort;
        sortBy(key, current === "ascending" ? -1 : current === "descending" ? 1 : key === "score" ? -1 : 1);
      });
    });
    on("weakest", "click", function () { sortBy("score", 1); });
    [["form-filter", "form"], ["priority-filter", "priority"], ["class-filter", "cls"], ["score-filter", "band"]]
      .forEach(function (f) {
        var select = on(f[0], "change", function () { state[f[1]] = select.value; refresh(); });
      });
    function openAll(open) {
      openNew = open;
      toArray(body.querySelectorAll(".pair")).forEach(function (d) { if (!d.hidden) { d.open = open; } });
    }
    on("expand-all", "click", function () { openAll(true); });
    on("collapse-all", "click", function () { openAll(false); });
    if (more) { more.addEventListener("click", renderMore); }
    buttons.forEach(function (b) { if (b.dataset.sort === "num") { b.setAttribute("aria-sort", "ascending"); } });
    if (data) { refresh(); }  // the HTML holds the first page already in this order; the data, every row
    return { search: function (query) { state.query = query; return refresh(); }, data: data };
  }

  // rows in the HTML (up to a few hundred pairs and groups): the same nodes, moved and hidden
  function unitsFromHtml(body) {
    return toArray(body.querySelectorAll("tr.unit")).map(function (tr, i) {
      var unit = { order: i, mentor: tr.dataset.mentor, node: tr, box: tr.querySelector(".upairs") };
      unit.rows = toArray(tr.querySelectorAll(".pair")).map(function (d) {
        var s = d.dataset;
        return {
          num: parseInt(s.num, 10), mentee: s.mentee, form: s.form, formTitle: s.formTitle, score: parseFloat(s.score) || 0,
          band: s.band, priority: s.priority, cls: s["class"], hay: words(s.search + " " + tr.dataset.search),
          unit: unit, node: d
        };
      });
      return unit;
    });
  }
  function htmlUnit(entry) {
    var unit = entry.unit;
    if (!entry.flat) {
      unit.rows.forEach(function (r) {
        unit.box.appendChild(r.node);
        r.node.hidden = entry.rows.indexOf(r) < 0;
      });
      return unit.node;
    }
    var r = entry.rows[0];
    if (!r.line) {  // the pair's own line: a copy of its mentor's cell and the pair's row
      r.line = document.createElement("tr");
      r.line.className = unit.node.className + " flat";
      r.line.appendChild(unit.node.querySelector(".umentor").cloneNode(true));
      r.line.appendChild(document.createElement("td")).className = "upairs";
    }
    r.line.lastChild.appendChild(r.node);
    r.node.hidden = false;
    return r.line;
  }

  // -- rows from data: the same markup as the template's, built for the rows on screen only --------
  function dataRenderer(list, data) {
    var S = data.s, C = data.c;
    function txt(r) {  // a string: its position in S, or [position of its wording, its numbers]
      if (typeof r === "number") { return S[r]; }
      var parts = S[r[0]].split("\u0000"), out = parts[0];
      for (var i = 1; i < parts.length; i += 1) { out += String(r[i]) + parts[i]; }
      return out;
    }
    data.txt = txt;

    function sensitiveList(rows, who) {
      var box = el("div", "sensitive");
      box.setAttribute("role", "note");
      var title = list.dataset.sensitiveOf + (who ? " (" + who + ")" : "") + ":";
      add(box, el("span", "sensitive-title", title));
      box.appendChild(document.createTextNode(" "));
      rows.forEach(function (r) { add(box, el("span", "chip chip-sensitive", txt(r[0]) + ": " + txt(r[1]))); });
      return box;
    }

    var units = data.u.map(function (u, i) {
      var unit = {
        order: i, name: txt(u[0]), id: txt(u[1]), group: u[2] === 1, badge: txt(u[3]), places: txt(u[4]),
        groupMin: txt(u[5]), sensitive: u[6], about: txt(u[8])
      };
      unit.mentor = unit.name + " " + unit.id;
      unit.rows = u[7].map(function (r) {
        var mentee = txt(r[1]) + " " + txt(r[2]);
        return {
          num: r[0], name: txt(r[1]), id: txt(r[2]), form: txt(r[3]), formTitle: txt(r[4]), score: r[5],
          scoreText: txt(r[6]), scorePct: r[7], band: txt(r[8]), priorityBadge: txt(r[9]), locked: r[10] === 1,
          components: r[11], explanation: r[12], sensitive: r[13], explainTitle: txt(r[14]), more: txt(r[15]),
          about: txt(r[16]), priority: String(r[17]), cls: txt(r[18]), mentee: mentee, hay: words(mentee + " " + unit.mentor), unit: unit
        };
      });
      return unit;
    });

    function explanation(box, blocks) {
      blocks.forEach(function (b) {
        var block = add(box, el("div", "xblock xblock-" + txt(b[0])));
        add(block, el("h5", "", txt(b[1])));
        if (txt(b[2])) { add(block, el("p", "", txt(b[2]))); }
        if (!b[3].length) { return; }
        var ul = add(block, el("ul", "xlist"));
        b[3].forEach(function (it) {
          var li = add(ul, el("li", txt(it[5])));
          if (txt(it[0])) { add(li, el("span", "xhead", txt(it[0]))); }
          if (txt(it[2])) {
            li.appendChild(document.createTextNode(" "));
            add(li, el("span", "chip chip-" + (txt(it[3]) || "muted"), txt(it[2])));
          }
          if (txt(it[1])) { add(li, el("span", "xtext", txt(it[1]))); }
          if (it[4].length) {
            var sub = add(li, el("ul", "xsub"));
            it[4].forEach(function (x) { add(sub, el("li", "", txt(x))); });
          }
        });
      });
    }
    function details(row) {  // built the first time the row is opened
      var box = el("div", "explain");
      add(box, el("h4", "", row.explainTitle));
      if (row.components.length) {
        var table = add(box, el("table", "comp"));
        var head = add(add(table, el("thead")), el("tr"));
        ["colComponent", "colFit", "colWeight", "colContribution", "colReason"].forEach(function (k, i) {
          add(head, el("th", i === 2 || i === 3 ? "num" : "", list.dataset[k]));
        });
        var body = add(table, el("tbody"));
        row.components.forEach(function (k) {
          var c = C[k], tr = add(body, el("tr"));
          add(tr, el("td", "ctitle", txt(c[0])));
          var fit = add(tr, el("td", "cfit"));
          add(fit, bar("bar bar-sm", c[1]));
          add(fit, el("span", "share", txt(c[2])));
          add(tr, el("td", "num", txt(c[3])));
          add(tr, el("td", "num", txt(c[4])));
          add(tr, el("td", "creason", txt(c[5])));
        });
      }
      explanation(box, row.explanation);
      if (row.more) { add(box, el("p", "xmore", row.more)); }
      if (row.sensitive.length) { add(box, sensitiveList(row.sensitive, list.dataset.menteeWord)); }
      if (row.unit.sensitive.length) { add(box, sensitiveList(row.unit.sensitive, list.dataset.mentorWord)); }
      return box;
    }
    function renderRow(row, open) {
      var d = el("details", "pair");
      d.dataset.num = String(row.num);
      d.dataset.mentee = row.mentee;
      d.dataset.form = row.form;
      d.dataset.formTitle = row.formTitle;
      d.dataset.score = String(row.score);
      d.dataset.band = row.band;
      d.dataset.priority = row.priority;
      d.dataset["class"] = row.cls;
      var s = add(d, el("summary"));
      add(s, el("span", "c-num", String(row.num)));
      var who = add(s, el("span", "c-mentee"));
      add(who, el("span", "person", row.name));
      who.appendChild(document.createTextNode(" "));
      add(who, el("span", "pid", row.id));
      if (row.about) { add(who, el("span", "about", row.about)); }
      if (row.priorityBadge) { add(who, el("span", "chip chip-priority", row.priorityBadge)); }
      if (row.locked) { add(who, el("span", "chip chip-locked", list.dataset.locked)); }
      add(s, el("span", "c-form", row.formTitle));
      var score = add(s, el("span", "c-score"));
      add(score, bar("bar bar-" + row.band, row.scorePct));
      add(score, el("b", "", row.scoreText));
      d.addEventListener("toggle", function () {
        if (d.open && !d.lastChild.classList.contains("explain")) { add(d, details(row)); }
      });
      if (open) { add(d, details(row)); d.open = true; }
      return d;
    }
    function renderUnit(entry, open) {
      var unit = entry.unit;
      var u = el("tr", "unit" + (unit.group ? " group" : "") + (entry.flat ? " flat" : ""));
      u.dataset.mentor = unit.mentor;
      var m = add(u, el("td", "umentor"));
      add(m, el("div", "person", unit.name));
      add(m, el("div", "pid", unit.id));
      if (unit.about) { add(m, el("div", "about", unit.about)); }
      var badges = add(m, el("div", "ubadges"));
      if (unit.group) { add(badges, el("span", "chip chip-group", unit.badge)); }
      if (unit.places) { add(badges, el("span", "places", unit.places)); }
      if (unit.groupMin) { add(badges, el("span", "places", unit.groupMin)); }
      if (unit.sensitive.length) { add(m, sensitiveList(unit.sensitive, "")); }
      var box = add(u, el("td", "upairs"));
      entry.rows.forEach(function (r) { add(box, renderRow(r, open)); });
      return u;
    }
    return { units: units, unit: renderUnit };
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== "") { e.textContent = text; }  // text only: data never becomes markup
    return e;
  }
  function add(parent, child) { parent.appendChild(child); return child; }
  function bar(cls, pct) {
    var b = el("span", cls);
    b.setAttribute("aria-hidden", "true");
    add(b, el("span")).style.width = pct + "%";
    return b;
  }

  // every mentee's candidates, built the first time the list is opened
  function candidatesFromData(data) {
    var cands = byId("candidates-list");
    var candsBody = byId("cands-body");
    if (!cands || !candsBody || !data.k.length) { return; }
    var txt = data.txt;
    cands.addEventListener("toggle", function () {
      if (!cands.open || candsBody.dataset.full) { return; }
      candsBody.dataset.full = "1";
      var width = cands.querySelectorAll("thead th").length - 1;
      var frag = document.createDocumentFragment();
      data.k.forEach(function (row) {
        var tr = add(frag, el("tr"));
        add(tr, el("td", "person", txt(row[0])));
        if (!row[1].length) {
          add(tr, el("td", "empty", candsBody.dataset.empty)).colSpan = width;
          return;
        }
        row[1].forEach(function (c) {
          var td = add(tr, el("td"));
          if (!c) { return; }
          td.appendChild(document.createTextNode(txt(c[0]) + " "));
          add(td, el("span", "cscore", txt(c[1])));
          add(td, el("br"));
          add(td, el("span", "chip chip-" + txt(c[3]), txt(c[2])));
        });
      });
      while (candsBody.firstChild) { candsBody.removeChild(candsBody.firstChild); }
      candsBody.appendChild(frag);
      var note = byId("candidates-note");
      if (note) { note.hidden = true; }
    });
  }
})();
