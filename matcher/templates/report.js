(function () {
  "use strict";
  var printBtn = document.getElementById("print-btn");
  if (printBtn) {
    printBtn.addEventListener("click", function () { window.print(); });
  }
  var list = document.getElementById("plist");
  if (!list) { return; }

  var toArray = function (nodes) { return Array.prototype.slice.call(nodes); };
  // counts as the page writes them (i18n.number): «5 000» in Russian, "5,000" in English
  var thousands = document.documentElement.lang === "ru" ? "\u202f" : ",";
  var fmtCount = function (n) { return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, thousands); };
  var dataBlock = document.getElementById("report-data");
  if (dataBlock) {  // a large programme: the rows come from the page's data (report.compact_data)
    fromData(list, JSON.parse(dataBlock.textContent));
    return;
  }
  var units = toArray(list.querySelectorAll(".unit"));
  units.forEach(function (u, i) { u.dataset.order = String(i); });
  var rowsOf = function (u) { return toArray(u.querySelectorAll(".pair")); };
  var collator = new Intl.Collator(document.documentElement.lang || "en", { numeric: true, sensitivity: "base" });
  var numeric = { num: true, score: true };
  var fieldOf = { num: "num", mentee: "mentee", form: "formTitle", score: "score" };

  function value(row, key) {
    var v = row.dataset[fieldOf[key]] || "";
    return numeric[key] ? parseFloat(v) || 0 : v;
  }
  function compare(a, b, key) {
    var x = value(a, key), y = value(b, key);
    return numeric[key] ? x - y : collator.compare(x, y);
  }

  var buttons = toArray(list.querySelectorAll(".sort"));
  function sortBy(key, dir) {
    units.forEach(function (u) {
      var box = u.querySelector(".upairs");
      var rows = rowsOf(u);
      var inner = key === "mentor" ? "num" : key;
      var innerDir = key === "mentor" ? 1 : dir;
      rows.sort(function (a, b) {
        return innerDir * compare(a, b, inner) || value(a, "num") - value(b, "num");
      });
      rows.forEach(function (r) { box.appendChild(r); });
    });
    var first = new Map();  // each unit sorts by its first row after the rows are sorted
    units.forEach(function (u) { first.set(u, u.querySelector(".pair")); });
    units.sort(function (a, b) {
      var r = key === "mentor"
        ? collator.compare(a.dataset.mentor, b.dataset.mentor)
        : compare(first.get(a), first.get(b), key);
      return dir * r || parseInt(a.dataset.order, 10) - parseInt(b.dataset.order, 10);
    });
    units.forEach(function (u) { list.appendChild(u); });
    buttons.forEach(function (b) {
      if (b.dataset.sort === key) {
        b.setAttribute("aria-sort", dir > 0 ? "ascending" : "descending");
      } else {
        b.removeAttribute("aria-sort");
      }
    });
  }
  buttons.forEach(function (b) {
    b.addEventListener("click", function () {
      var key = b.dataset.sort;
      var current = b.getAttribute("aria-sort");
      var dir;
      if (current === "ascending") { dir = -1; } else if (current === "descending") { dir = 1; } else {
        dir = key === "score" ? -1 : 1;
      }
      sortBy(key, dir);
    });
  });

  var search = document.getElementById("pair-filter");
  var form = document.getElementById("form-filter");
  var shown = document.getElementById("shown-count");
  var noMatch = document.getElementById("no-match");
  function applyFilter() {
    var q = search ? search.value.trim().toLowerCase() : "";
    var f = form ? form.value : "";
    var count = 0;
    units.forEach(function (u) {
      var mentorHit = q !== "" && u.dataset.search.indexOf(q) >= 0;
      var any = false;
      rowsOf(u).forEach(function (r) {
        var ok = (f === "" || r.dataset.form === f) && (q === "" || mentorHit || r.dataset.search.indexOf(q) >= 0);
        r.hidden = !ok;
        if (ok) { any = true; count += 1; }
      });
      u.hidden = !any;
    });
    if (shown) {
      shown.textContent = shown.dataset.template
        .replace("{shown}", fmtCount(count)).replace("{total}", fmtCount(shown.dataset.total));
    }
    if (noMatch) { noMatch.hidden = count > 0; }
  }
  if (search) { search.addEventListener("input", applyFilter); }
  if (form) { form.addEventListener("change", applyFilter); }

  function openAll(open) {
    toArray(list.querySelectorAll(".pair")).forEach(function (d) {
      if (!d.hidden) { d.open = open; }
    });
  }
  var expand = document.getElementById("expand-all");
  var collapse = document.getElementById("collapse-all");
  if (expand) { expand.addEventListener("click", function () { openAll(true); }); }
  if (collapse) { collapse.addEventListener("click", function () { openAll(false); }); }

  // -- rows from data: the same markup as the template's, built for the rows on screen only --------
  function fromData(list, data) {
    var S = data.s, C = data.c;
    function txt(r) {  // a string: its position in S, or [position of its wording, its numbers]
      if (typeof r === "number") { return S[r]; }
      var parts = S[r[0]].split("\u0000"), out = parts[0];
      for (var i = 1; i < parts.length; i += 1) { out += String(r[i]) + parts[i]; }
      return out;
    }
    var page = data.page || 50;
    var collator = new Intl.Collator(document.documentElement.lang || "en", { numeric: true, sensitivity: "base" });

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
      unit.search = unit.mentor.toLowerCase();
      unit.rows = u[7].map(function (r) {
        var mentee = txt(r[1]) + " " + txt(r[2]);
        return {
          num: r[0], name: txt(r[1]), id: txt(r[2]), form: txt(r[3]), formTitle: txt(r[4]), score: r[5],
          scoreText: txt(r[6]), scorePct: r[7], scoreClass: txt(r[8]), priority: txt(r[9]), locked: r[10] === 1,
          components: r[11], explanation: r[12], sensitive: r[13], explainTitle: txt(r[14]), more: txt(r[15]),
          about: txt(r[16]), mentee: mentee, search: mentee.toLowerCase(), unit: unit
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
    var openNew = false;
    function renderRow(row) {
      var d = el("details", "pair");
      d.dataset.num = String(row.num);
      d.dataset.mentee = row.mentee;
      d.dataset.form = row.form;
      d.dataset.formTitle = row.formTitle;
      d.dataset.score = String(row.score);
      d.dataset.search = row.search;
      var s = add(d, el("summary"));
      add(s, el("span", "c-num", String(row.num)));
      var who = add(s, el("span", "c-mentee"));
      add(who, el("span", "person", row.name));
      who.appendChild(document.createTextNode(" "));
      add(who, el("span", "pid", row.id));
      if (row.about) { add(who, el("span", "about", row.about)); }
      if (row.priority) { add(who, el("span", "chip chip-priority", row.priority)); }
      if (row.locked) { add(who, el("span", "chip chip-locked", list.dataset.locked)); }
      add(s, el("span", "c-form", row.formTitle));
      var score = add(s, el("span", "c-score"));
      add(score, bar("bar bar-" + row.scoreClass, row.scorePct));
      add(score, el("b", "", row.scoreText));
      d.addEventListener("toggle", function () {
        if (d.open && !d.lastChild.classList.contains("explain")) { add(d, details(row)); }
      });
      if (openNew) { add(d, details(row)); d.open = true; }
      return d;
    }
    function renderUnit(unit, rows) {
      var u = el("div", "unit" + (unit.group ? " group" : ""));
      u.dataset.mentor = unit.mentor;
      u.dataset.search = unit.search;
      var m = add(u, el("div", "umentor"));
      add(m, el("div", "person", unit.name));
      add(m, el("div", "pid", unit.id));
      if (unit.about) { add(m, el("div", "about", unit.about)); }
      var badges = add(m, el("div", "ubadges"));
      if (unit.group) { add(badges, el("span", "chip chip-group", unit.badge)); }
      if (unit.places) { add(badges, el("span", "places", unit.places)); }
      if (unit.groupMin) { add(badges, el("span", "places", unit.groupMin)); }
      if (unit.sensitive.length) { add(m, sensitiveList(unit.sensitive, "")); }
      var box = add(u, el("div", "upairs"));
      rows.forEach(function (r) { add(box, renderRow(r)); });
      return u;
    }

    // the view: units in the current order, each with its rows that pass the filters
    var sortKey = "num", sortDir = 1, query = "", formWanted = "";
    var view = [], rendered = 0, rowsInView = 0;
    var more = document.getElementById("more-rows");
    var shown = document.getElementById("shown-count");
    var noMatch = document.getElementById("no-match");
    var search = document.getElementById("pair-filter");
    var form = document.getElementById("form-filter");
    var buttons = toArray(list.querySelectorAll(".sort"));
    var numeric = { num: true, score: true };
    var field = { num: "num", mentee: "mentee", form: "formTitle", score: "score" };
    function cmp(a, b, key) {
      var x = a[field[key]], y = b[field[key]];
      return numeric[key] ? x - y : collator.compare(x, y);
    }
    function order() {
      var inner = sortKey === "mentor" ? "num" : sortKey;
      var innerDir = sortKey === "mentor" ? 1 : sortDir;
      units.forEach(function (u) {
        u.rows.sort(function (a, b) { return innerDir * cmp(a, b, inner) || a.num - b.num; });
      });
      units.sort(function (a, b) {
        var r = sortKey === "mentor" ? collator.compare(a.mentor, b.mentor) : cmp(a.rows[0], b.rows[0], sortKey);
        return sortDir * r || a.order - b.order;
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
      for (var i = rendered; i < end; i += 1) { frag.appendChild(renderUnit(view[i].unit, view[i].rows)); }
      list.appendChild(frag);
      rendered = end;
      if (more) {
        var n = left();
        more.hidden = n === 0;
        more.textContent = more.dataset.template.replace("{count}", fmtCount(n));
      }
    }
    function refresh() {
      var q = query, f = formWanted;
      view = [];
      rowsInView = 0;
      units.forEach(function (u) {
        var mentorHit = q !== "" && u.search.indexOf(q) >= 0;
        var rows = u.rows.filter(function (r) {
          return (f === "" || r.form === f) && (q === "" || mentorHit || r.search.indexOf(q) >= 0);
        });
        if (rows.length) { view.push({ unit: u, rows: rows }); rowsInView += rows.length; }
      });
      toArray(list.querySelectorAll(".unit")).forEach(function (n) { list.removeChild(n); });
      rendered = 0;
      renderMore();
      if (shown) {
        shown.textContent = shown.dataset.template
          .replace("{shown}", fmtCount(rowsInView)).replace("{total}", fmtCount(shown.dataset.total));
      }
      if (noMatch) { noMatch.hidden = rowsInView > 0; }
    }
    if (more) { more.addEventListener("click", renderMore); }
    buttons.forEach(function (b) {
      b.addEventListener("click", function () {
        var key = b.dataset.sort, current = b.getAttribute("aria-sort");
        if (current === "ascending") { sortDir = -1; } else if (current === "descending") { sortDir = 1; } else {
          sortDir = key === "score" ? -1 : 1;
        }
        sortKey = key;
        buttons.forEach(function (o) {
          if (o === b) { o.setAttribute("aria-sort", sortDir > 0 ? "ascending" : "descending"); } else {
            o.removeAttribute("aria-sort");
          }
        });
        order();
        refresh();
      });
    });
    if (search) {
      search.addEventListener("input", function () { query = search.value.trim().toLowerCase(); refresh(); });
    }
    if (form) { form.addEventListener("change", function () { formWanted = form.value; refresh(); }); }
    function openAll(open) {
      openNew = open;
      toArray(list.querySelectorAll(".pair")).forEach(function (d) { d.open = open; });
    }
    var expand = document.getElementById("expand-all");
    var collapse = document.getElementById("collapse-all");
    if (expand) { expand.addEventListener("click", function () { openAll(true); }); }
    if (collapse) { collapse.addEventListener("click", function () { openAll(false); }); }
    refresh();

    // every mentee's candidates, built the first time the list is opened
    var cands = document.getElementById("candidates-list");
    var candsBody = document.getElementById("cands-body");
    if (cands && candsBody && data.k.length) {
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
        var note = document.getElementById("candidates-note");
        if (note) { note.hidden = true; }
      });
    }
  }
})();
