(function () {
  "use strict";
  var printBtn = document.getElementById("print-btn");
  if (printBtn) {
    printBtn.addEventListener("click", function () { window.print(); });
  }
  var list = document.getElementById("plist");
  if (!list) { return; }

  var toArray = function (nodes) { return Array.prototype.slice.call(nodes); };
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
        .replace("{shown}", String(count)).replace("{total}", shown.dataset.total);
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
})();
