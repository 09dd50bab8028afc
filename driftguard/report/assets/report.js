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
      for (i = 0; i < n; i++) { texts[i] = rows[i].textContent.toLowerCase(); }
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
    for (i = 0; i < n; i++) { if (!open || visible[i] === 1) { rows[i].open = open; } }
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
      if (visible[i] === 1 && !rows[i].open) { rows[i].open = true; opened.push(rows[i]); }
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
