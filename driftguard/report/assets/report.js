(function () {
  "use strict";
  var form = document.getElementById("filters");
  if (!form) { performance.mark("driftguard-ready"); return; }
  var rows = document.querySelectorAll("#findings details.f");
  var groups = document.querySelectorAll("#findings .group");
  var parts = document.querySelectorAll("#findings .part");
  var shown = document.getElementById("shown");
  var search = document.getElementById("q");
  var n = rows.length, i;
  var groupOf = new Int32Array(n);
  var counts = [];
  for (var g = 0, k = 0; g < groups.length; g++) {
    var inGroup = groups[g].querySelectorAll("details.f").length;
    for (var j = 0; j < inGroup; j++) { groupOf[k++] = g; }
    counts.push(groups[g].querySelector(".count"));
  }
  var texts = null; // each row's lower-cased text, made on the first search
  var data = null; // the rows' whys, read on the first opening or search
  function whys() {
    if (data === null) { data = JSON.parse(document.getElementById("why").textContent); }
    return data;
  }
  for (i = 0; i < n; i++) { rows[i].dgIndex = i; }

  // A finding's why, built on first opening, with text nodes only (never markup).
  function segment(parent, seg) {
    if (typeof seg === "string") { parent.appendChild(document.createTextNode(seg)); return; }
    var tag = seg[0], el;
    if (tag === "c" || tag === "m" || tag === "p") {
      el = document.createElement(tag === "c" ? "code" : tag === "m" ? "em" : "span");
      el.className = tag === "m" ? "masked" : tag === "p" ? "pre" : "";
      el.textContent = seg[1];
    } else if (tag === "t") {
      el = document.createElement("div");
      el.className = "scroll";
      var table = el.appendChild(document.createElement("table"));
      var head = table.appendChild(document.createElement("thead")).insertRow();
      seg[1].forEach(function (h) {
        head.appendChild(document.createElement("th")).textContent = h;
      });
      var body = table.appendChild(document.createElement("tbody"));
      seg[2].forEach(function (cells) {
        var tr = body.insertRow();
        cells.forEach(function (cell) { segments(tr.insertCell(), cell); });
      });
    } else if (tag === "l") {
      el = document.createElement("ul");
      seg[1].forEach(function (item) { segments(el.appendChild(document.createElement("li")), item); });
    } else if (tag === "d") {
      el = pairs(seg[1], "more");
    }
    if (el) { parent.appendChild(el); }
  }
  function segments(parent, list) {
    for (var s = 0; s < list.length; s++) { segment(parent, list[s]); }
  }
  function pairs(list, cls) {
    var dl = document.createElement("dl");
    dl.className = cls;
    list.forEach(function (pair) {
      dl.appendChild(document.createElement("dt")).textContent = pair[0];
      segments(dl.appendChild(document.createElement("dd")), pair[1]);
    });
    return dl;
  }
  function fill(row) {
    if (!row.dgFilled) { row.dgFilled = true; row.appendChild(pairs(whys()[row.dgIndex], "why")); }
  }
  document.addEventListener("toggle", function (e) {
    if (e.target.dgIndex !== undefined && e.target.open) { fill(e.target); }
  }, true);
  function flat(list, out) {
    list.forEach(function (seg) {
      if (typeof seg === "string") { out.push(seg); } else if (seg[0] === "t") {
        out.push(seg[1].join(" ")); seg[2].forEach(function (cells) { cells.forEach(function (c) { flat(c, out); }); });
      } else if (seg[0] === "l") { seg[1].forEach(function (item) { flat(item, out); }); }
      else if (seg[0] === "d") { seg[1].forEach(function (pair) { out.push(pair[0]); flat(pair[1], out); }); }
      else { out.push(seg[1]); }
    });
  }
  function rowText(k) {
    var out = [rows[k].firstChild.textContent];
    whys()[k].forEach(function (pair) { out.push(pair[0]); flat(pair[1], out); });
    return out.join(" ").toLowerCase();
  }
  var visible = new Uint8Array(n).fill(1);

  function chosen(name) {
    var set = {}, boxes = form.querySelectorAll('input[name="' + name + '"]');
    for (var b = 0; b < boxes.length; b++) { if (boxes[b].checked) { set[boxes[b].value] = 1; } }
    return set;
  }

  function apply() {
    var cls = chosen("c"), sev = chosen("s");
    var type = form.elements.t.value;
    var where = form.elements.w ? form.elements.w.value : "";
    var needle = search.value.trim().toLowerCase();
    if (needle && texts === null) {
      texts = new Array(n);
      for (i = 0; i < n; i++) { texts[i] = rowText(i); }
    }
    var perGroup = new Int32Array(groups.length), total = 0;
    for (i = 0; i < n; i++) {
      var d = rows[i].dataset;
      var ok = cls[d.c] === 1 && sev[d.s] === 1 && (!type || d.t === type) &&
        (!where || d.w === where) && (!needle || texts[i].indexOf(needle) !== -1);
      if (ok !== (visible[i] === 1)) { rows[i].hidden = !ok; visible[i] = ok ? 1 : 0; }
      if (ok) { perGroup[groupOf[i]]++; total++; }
    }
    for (g = 0; g < groups.length; g++) {
      var all = counts[g].getAttribute("data-total");
      counts[g].textContent = perGroup[g] == all ? all : perGroup[g] + " of " + all;
      groups[g].hidden = perGroup[g] === 0;
    }
    for (var p = 0; p < parts.length; p++) {
      parts[p].hidden = parts[p].querySelector(".group:not([hidden])") === null;
    }
    shown.textContent = total + " of " + n + " findings shown";
  }

  var timer = 0;
  form.addEventListener("change", apply);
  form.addEventListener("submit", function (e) { e.preventDefault(); });
  form.addEventListener("reset", function () { setTimeout(apply, 0); });
  search.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(apply, n > 2000 ? 150 : 0);
  });
  function openShown(open) {
    for (i = 0; i < n; i++) {
      if (open && visible[i] === 1) { fill(rows[i]); rows[i].open = true; }
      if (!open) { rows[i].open = false; }
    }
  }
  document.getElementById("expand").addEventListener("click", function () { openShown(true); });
  document.getElementById("collapse").addEventListener("click", function () { openShown(false); });

  // Printing shows what is shown, opened, when that stays a readable size.
  var opened = [];
  window.addEventListener("beforeprint", function () {
    var count = 0;
    for (i = 0; i < n; i++) { if (visible[i] === 1) { count++; } }
    if (count > 500) { return; }
    for (i = 0; i < n; i++) {
      if (visible[i] === 1 && !rows[i].open) {
        fill(rows[i]); rows[i].open = true; opened.push(rows[i]);
      }
    }
  });
  window.addEventListener("afterprint", function () {
    for (i = 0; i < opened.length; i++) { opened[i].open = false; }
    opened = [];
  });
  if (search.value || form.querySelector("input:not(:checked)[type=checkbox]")) { apply(); }
  requestAnimationFrame(function () {
    setTimeout(function () { performance.mark("driftguard-ready"); }, 0);
  });
})();
