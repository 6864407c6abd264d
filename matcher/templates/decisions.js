// The consilium's decisions: "approve" and "forbid" per pair, "lock instead" per alternative,
// collected in a panel and saved as the CSV `matcher match --locks` reads (report_decisions.py
// describes the page's data). Rows come from the HTML or, in a large report, from report.js
// on demand: both are decorated as they appear. Text from the questionnaires only ever
// becomes textContent.
(function () {
  "use strict";
  document.documentElement.classList.add("js");  // shows the `js-only` controls
  var panel = document.getElementById("decisions");
  if (!panel) { return; }
  var D = JSON.parse(panel.dataset.decisions);
  var L = JSON.parse(panel.dataset.labels);
  var P = D.p, F = D.f, rows = {};
  D.r.forEach(function (r) { rows[r[0]] = { mentor: r[1], mentee: r[2], form: r[3], alts: r[4] }; });
  var plist = document.getElementById("plist");
  var listBox = document.getElementById("decisions-list");
  var countBox = document.getElementById("decisions-count");
  var KINDS = { approve: 1, forbid: 1, instead: 1, earlier: 1 };
  var storeKey = "mentor-matcher.decisions." + D.key;

  function fill(template, params) {  // {name} placeholders; a value is never read as a pattern
    return template.replace(/\{(\w+)\}/g, function (m, k) {
      return Object.prototype.hasOwnProperty.call(params, k) ? params[k] : m;
    });
  }
  function who(k) { return P[k][1] ? P[k][1] + " (" + P[k][0] + ")" : P[k][0]; }
  function nameOf(k) { return P[k][1] || P[k][0]; }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text) { e.textContent = text; }
    return e;
  }

  // -- the decisions: {lock, mentor, mentee, form (-1: any), kind, was (the mentor replaced), source} --
  var decisions = [];
  function slotOf(mentee, form) { return mentee + ":" + (D.slot && form >= 0 ? form : ""); }
  function dslot(d) { return slotOf(d.mentee, d.form); }
  function rowSlot(row) { return slotOf(row.mentee, row.form); }
  function find(test) {
    for (var i = 0; i < decisions.length; i += 1) { if (test(decisions[i])) { return decisions[i]; } }
    return null;
  }
  function drop(test) { decisions = decisions.filter(function (d) { return !test(d); }); }
  function lockIn(row) { return find(function (d) { return d.lock && dslot(d) === rowSlot(row); }); }
  function forbidOf(mentor, mentee) {
    return find(function (d) { return !d.lock && d.mentor === mentor && d.mentee === mentee; });
  }

  function approve(row) {
    var lock = lockIn(row), on = lock && lock.mentor === row.mentor;
    drop(function (d) {
      return d.lock ? dslot(d) === rowSlot(row) : d.mentor === row.mentor && d.mentee === row.mentee;
    });
    if (!on) {
      decisions.push({ lock: true, mentor: row.mentor, mentee: row.mentee, form: row.form, kind: "approve",
        was: -1, source: "" });
    }
    changed();
  }
  function forbid(row) {
    var on = forbidOf(row.mentor, row.mentee);
    drop(function (d) { return d.mentor === row.mentor && d.mentee === row.mentee; });
    if (!on) {
      decisions.push({ lock: false, mentor: row.mentor, mentee: row.mentee, form: -1, kind: "forbid",
        was: -1, source: "" });
    }
    changed();
  }
  function instead(row, alt) {  // the mentee with this mentor; the row's own pair is no longer locked
    var lock = lockIn(row), on = lock && lock.mentor === alt[0];
    drop(function (d) {
      return d.lock ? dslot(d) === rowSlot(row) : d.mentor === alt[0] && d.mentee === row.mentee;
    });
    if (!on) {
      decisions.push({ lock: true, mentor: alt[0], mentee: row.mentee, form: alt[1], kind: "instead",
        was: row.mentor, source: "" });
    }
    changed();
  }

  // -- kept across reloads: positions only (no id, no name), under the result's digest --------------
  function valid(d) {
    return d && typeof d.lock === "boolean" && P[d.mentor] && P[d.mentee] && KINDS[d.kind] === 1 &&
      typeof d.source === "string" && (d.form === -1 || F[d.form] !== undefined) &&
      (d.was === -1 || P[d.was] !== undefined);
  }
  function load() {
    try {
      var kept = JSON.parse(window.localStorage.getItem(storeKey) || "null");
      if (Array.isArray(kept)) { return kept.filter(valid); }
    } catch (e) { /* storage off or unreadable: start from this run's decisions */ }
    return D.e.map(function (e) {
      return { lock: e[0] === 0, mentor: e[1], mentee: e[2], form: e[3], kind: "earlier", was: -1, source: e[4] };
    });
  }
  function store() {
    try { window.localStorage.setItem(storeKey, JSON.stringify(decisions)); } catch (e) { /* not kept */ }
  }

  // -- the file --------------------------------------------------------------------------------------
  var FORMULA = /^[=+\-@\t\r\uff1d\uff0b\uff0d\uff20]/;
  function neutralise(v) {  // as matcher.io.writers.neutralise: a formula-like text gets an apostrophe
    return FORMULA.test(v) && isNaN(Number(v)) ? "'" + v : v;
  }
  function cell(v) {
    v = neutralise(String(v));
    return /[",;\r\n]/.test(v) || v !== v.trim() ? '"' + v.replace(/"/g, '""') + '"' : v;
  }
  function note(d) {
    if (d.kind === "approve") { return L.noteApprove; }
    if (d.kind === "forbid") { return L.noteForbid; }
    if (d.kind === "instead") { return fill(L.noteInstead, { mentor: who(d.was) }); }
    return d.source ? fill(L.noteEarlier, { source: d.source }) : L.noteEarlierPlain;
  }
  function csvText() {
    var lines = [L.headers.map(cell).join(L.delimiter)];
    decisions.forEach(function (d) {
      lines.push([P[d.mentor][0], P[d.mentee][0], L.actions[d.lock ? "lock" : "forbid"],
        d.form >= 0 ? F[d.form] : "", nameOf(d.mentor) + " — " + nameOf(d.mentee) + ": " + note(d)]
        .map(cell).join(L.delimiter));
    });
    return "\ufeff" + lines.join("\r\n") + "\r\n";  // the BOM: a spreadsheet opens it as UTF-8
  }
  function saveFile() {
    var url = URL.createObjectURL(new Blob([csvText()], { type: "text/csv;charset=utf-8" }));
    var a = el("a");
    a.href = url;
    a.download = L.file;
    a.hidden = true;
    document.body.appendChild(a);
    a.click();
    document.body.removeChild(a);
    setTimeout(function () { URL.revokeObjectURL(url); }, 60000);
  }
  document.getElementById("decisions-save").addEventListener("click", saveFile);

  // -- the panel -------------------------------------------------------------------------------------
  function renderPanel() {
    while (listBox.firstChild) { listBox.removeChild(listBox.firstChild); }
    decisions.forEach(function (d) {
      var text = fill(d.lock ? L.itemLock : L.itemForbid, { mentor: who(d.mentor), mentee: who(d.mentee) });
      var li = el("li", "", text);
      var undo = el("button", "btn btn-sm", L.undo);
      undo.type = "button";
      undo.setAttribute("aria-label", L.undo + ": " + text);
      undo.addEventListener("click", function () { drop(function (x) { return x === d; }); changed(); });
      li.appendChild(undo);
      li.appendChild(el("span", "dnote", note(d)));
      listBox.appendChild(li);
    });
    countBox.textContent = String(decisions.length);
    panel.hidden = decisions.length === 0;
  }

  // -- the rows: a state chip in the summary, the buttons in the explanation -----------------------
  function rowOf(details) { return rows[details.dataset.num] || null; }
  function button(label, kind, aria, action) {
    var b = el("button", "btn btn-sm js-only btn-" + kind, label);
    b.type = "button";
    b.dataset.decision = kind;
    b.setAttribute("aria-pressed", "false");
    if (aria) { b.setAttribute("aria-label", aria); }
    b.addEventListener("click", function (ev) { ev.preventDefault(); action(); });
    return b;
  }
  function addButtons(details, row) {
    var box = details.querySelector(".explain");
    if (!box || box.querySelector(".decision-bar")) { return; }
    var bar = el("div", "decision-bar js-only");
    bar.appendChild(el("span", "", L.bar));
    bar.appendChild(button(L.approve, "approve", "", function () { approve(row); }));
    bar.appendChild(button(L.forbid, "forbid", "", function () { forbid(row); }));
    box.insertBefore(bar, box.firstChild);
    var items = box.querySelectorAll(".xblock-alternatives .xlist > li");
    row.alts.forEach(function (alt, i) {
      if (!alt || !items[i]) { return; }
      var b = button(L.instead, "instead", L.instead + ": " + who(alt[0]), function () { instead(row, alt); });
      b.dataset.mentor = P[alt[0]][0];
      items[i].insertBefore(b, items[i].firstChild);
    });
    update(details);
  }
  function update(details) {
    var row = rowOf(details);
    if (!row) { return; }
    var lock = lockIn(row), barred = forbidOf(row.mentor, row.mentee);
    var approved = lock && lock.mentor === row.mentor;
    var chip = details.querySelector("summary .dchip");
    if (chip) {
      var parts = [], kind = "";
      if (approved && lock.kind !== "earlier") { parts.push(L.chipApproved); kind = "good"; }
      if (lock && !approved) { parts.push(fill(L.chipInstead, { mentor: nameOf(lock.mentor) })); kind = "locked"; }
      if (barred) { parts.push(L.chipForbidden); kind = kind || "bad"; }
      var text = parts.join("; "), cls = "chip dchip js-only chip-" + (kind || "muted");
      if (chip.textContent !== text) { chip.textContent = text; }  // rows left as they were are not touched
      if (chip.className !== cls) { chip.className = cls; }
      if (chip.hidden !== (parts.length === 0)) { chip.hidden = parts.length === 0; }
    }
    Array.prototype.forEach.call(details.querySelectorAll("button[data-decision]"), function (b) {
      var on = b.dataset.decision === "approve" ? Boolean(approved)
        : b.dataset.decision === "forbid" ? Boolean(barred)
          : Boolean(lock && P[lock.mentor][0] === b.dataset.mentor);
      if (b.getAttribute("aria-pressed") !== String(on)) { b.setAttribute("aria-pressed", String(on)); }
    });
  }
  function decorate(details) {
    var row = rowOf(details);
    if (!row) { return; }
    if (!details.querySelector("summary .dchip")) {
      var chip = el("span", "chip dchip js-only");
      chip.hidden = true;
      var at = details.querySelector("summary .c-mentee") || details.querySelector("summary");
      at.appendChild(chip);
    }
    addButtons(details, row);
    update(details);
  }
  function changed() {
    store();
    renderPanel();
    if (plist) { Array.prototype.forEach.call(plist.querySelectorAll("details.pair"), update); }
  }

  decisions = load();
  renderPanel();
  if (!plist) { return; }
  Array.prototype.forEach.call(plist.querySelectorAll("details.pair"), decorate);
  new MutationObserver(function (records) {  // rows report.js renders, explanations built when opened
    records.forEach(function (rec) {
      Array.prototype.forEach.call(rec.addedNodes, function (n) {
        if (n.nodeType !== 1) { return; }
        var row = n.closest("details.pair");
        if (row && (n === row || n.classList.contains("explain"))) {
          decorate(row);
        } else if (!row) {
          Array.prototype.forEach.call(n.querySelectorAll("details.pair"), decorate);
        }
      });
    });
  }).observe(plist, { childList: true, subtree: true });
})();
