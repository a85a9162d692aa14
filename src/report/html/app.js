// srm-lint responsibility report: renders the per-resource checklists from the inline JSON
// blob, filtered and a page at a time. Data is only ever set as textContent, never as markup.
(function () {
  "use strict";
  var blob = document.getElementById("srm-data");
  if (!blob) { return; }
  var D = JSON.parse(blob.textContent), S = D.s, PAGE = 200;
  var $ = function (id) { return document.getElementById(id); };
  var f = { verdict: $("f-verdict"), layer: $("f-layer"), severity: $("f-severity"),
    service: $("f-service"), path: $("f-path"), search: $("f-search") };
  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    if (cls) { e.className = cls; }
    return e;
  }
  function options(select, values) {
    values.forEach(function (v) { select.appendChild(el("option", v)).value = v; });
  }
  var services = {}, severities = {};
  D.r.forEach(function (r) { if (r[5] >= 0) { services[S[r[5]]] = 1; } });
  D.d.forEach(function (d) { severities[S[d[4]]] = 1; });
  options(f.verdict, D.verdicts);
  options(f.layer, D.layers);
  options(f.severity, ["critical", "high", "medium", "low", "info"].filter(function (s) { return severities[s]; }));
  options(f.service, Object.keys(services).sort());
  var matched = [], shown = 0;

  function entryMatches(e, q) {
    var d = D.d[e[0]];
    if (f.verdict.value && D.verdicts[e[1]] !== f.verdict.value) { return false; }
    if (f.layer.value && D.layers[d[2]] !== f.layer.value) { return false; }
    if (f.severity.value && S[d[4]] !== f.severity.value) { return false; }
    if (q && (S[d[0]] + "\n" + S[d[1]] + "\n" + S[e[5]]).toLowerCase().indexOf(q) < 0) { return null; }
    return true;
  }
  function apply() {
    var q = f.search.value.trim().toLowerCase(), p = f.path.value.trim(), duties = 0;
    matched = [];
    D.r.forEach(function (r) {
      if (f.service.value && (r[5] < 0 || S[r[5]] !== f.service.value)) { return; }
      if (p && S[r[1]].indexOf(p) < 0) { return; }
      var resHit = !q || (S[r[4]] + "\n" + S[r[3]] + "\n" + S[r[1]]).toLowerCase().indexOf(q) >= 0;
      var entries = r[6].filter(function (e) {
        var m = entryMatches(e, q);
        return m === true || (m === null && resHit);
      });
      var filtered = f.verdict.value || f.layer.value || f.severity.value || q;
      if (entries.length || (!filtered && resHit)) {
        matched.push([r, entries]);
        duties += entries.length;
      }
    });
    $("matches").textContent = nOf(matched.length, "resource", "resources") + ", " +
      nOf(duties, "duty", "duties") + " match";
    $("matches").setAttribute("data-resources", matched.length);
    $("matches").setAttribute("data-duties", duties);
    $("resources").textContent = "";
    shown = 0;
    more();
  }
  function nOf(n, one, many) { return n + " " + (n === 1 ? one : many); }
  function loc(path, line) { return S[path] + ":" + line; }
  function resource(r, entries) {
    var det = el("details", null, "res"), sum = el("summary");
    det.setAttribute("data-address", S[r[4]]);
    sum.appendChild(el("code", S[r[4]]));
    sum.appendChild(document.createTextNode(" "));
    sum.appendChild(el("span", S[r[3]] + " · " + loc(r[1], r[2]) + " · root " + S[r[0]] +
      " · " + nOf(entries.length, "duty", "duties"), "muted"));
    det.appendChild(sum);
    if (!entries.length) { det.appendChild(el("p", "No customer duty of its own.", "note")); return det; }
    var t = el("table"), head = el("tr");
    ["Duty", "Title", "Layer", "Control", "Severity", "Verdict", "Basis", "At", "Message", "Evidence", "Attestation"]
      .forEach(function (h) { head.appendChild(el("th", h)); });
    t.appendChild(el("thead")).appendChild(head);
    var body = t.appendChild(el("tbody"));
    entries.forEach(function (e) {
      var d = D.d[e[0]], tr = el("tr", null, "duty-row"), ev = [], i, a = e[7];
      var verdict = D.verdicts[e[1]];
      tr.setAttribute("data-duty", S[d[0]]);
      tr.setAttribute("data-verdict", verdict);
      for (i = 0; i + 1 < e[6].length; i += 2) { ev.push(loc(e[6][i], e[6][i + 1])); }
      [S[d[0]], S[d[1]], D.layers[d[2]], S[d[3]], S[d[4]]].forEach(function (v) { tr.appendChild(el("td", v)); });
      tr.appendChild(el("td", verdict, "verdict-" + verdict));
      tr.appendChild(el("td", S[e[2]]));
      tr.appendChild(el("td", loc(e[3], e[4]), "loc"));
      tr.appendChild(el("td", S[e[5]]));
      tr.appendChild(el("td", ev.join(" "), "loc"));
      tr.appendChild(el("td", a ? S[a[0]] + ", until " + S[a[2]] + (a[3] ? " (expired)" : "") + ": " + S[a[1]] : ""));
      body.appendChild(tr);
    });
    det.appendChild(t);
    return det;
  }
  function more() {
    var box = $("resources"), end = Math.min(matched.length, shown + PAGE);
    for (; shown < end; shown++) { box.appendChild(resource(matched[shown][0], matched[shown][1])); }
    $("more").hidden = shown >= matched.length;
    $("more").textContent = "Show more (" + (matched.length - shown) + " left)";
  }
  function openAll(open) {
    Array.prototype.forEach.call(document.querySelectorAll("#resources details"), function (d) { d.open = open; });
  }
  var timer = null;
  Object.keys(f).forEach(function (k) {
    f[k].addEventListener(f[k].tagName === "SELECT" ? "change" : "input", function () {
      clearTimeout(timer);
      timer = setTimeout(apply, f[k].tagName === "SELECT" ? 0 : 150);
    });
  });
  $("more").addEventListener("click", more);
  $("expand").addEventListener("click", function () { openAll(true); });
  $("collapse").addEventListener("click", function () { openAll(false); });
  $("filters").hidden = false;
  apply();
}());
