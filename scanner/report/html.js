(function () {
  "use strict";
  var root = document.documentElement;
  var errors = [];
  window.addEventListener("error", function (e) {
    errors.push(String(e.message || e));
    root.setAttribute("data-js-errors", errors.join(" | "));
  });
  document.addEventListener("securitypolicyviolation", function (e) {
    errors.push("CSP blocked " + e.blockedURI + " (" + e.violatedDirective + ")");
    root.setAttribute("data-js-errors", errors.join(" | "));
  });

  function sortKey(cell) {
    var v = cell.getAttribute("data-sort");
    if (v === null) { v = cell.textContent.trim(); }
    var n = Number(v);
    return v !== "" && !isNaN(n) ? n : v.toLowerCase();
  }

  function sortBy(table, th) {
    var col = Array.prototype.indexOf.call(th.parentNode.children, th);
    var asc = th.getAttribute("aria-sort") !== "ascending";
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = sortKey(a.cells[col]), y = sortKey(b.cells[col]);
      if (typeof x !== typeof y) { x = String(x); y = String(y); }
      var d = x < y ? -1 : x > y ? 1 : 0;
      return asc ? d : -d;
    });
    Array.prototype.forEach.call(th.parentNode.children, function (h) { h.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", asc ? "ascending" : "descending");
    rows.forEach(function (r) { body.appendChild(r); });
  }

  Array.prototype.forEach.call(document.querySelectorAll("table.sortable th"), function (th) {
    th.tabIndex = 0;
    th.addEventListener("click", function () { sortBy(th.closest("table"), th); });
    th.addEventListener("keydown", function (e) {
      if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sortBy(th.closest("table"), th); }
    });
  });

  // #selftest sorts the findings table by store, ascending then descending,
  // and records the first row each time, so a headless browser can check
  // that sorting works.
  if (location.hash === "#selftest") {
    var table = document.getElementById("findings");
    var th = table && table.querySelector("th[data-col=store]");
    if (th) {
      th.click();
      var first = table.tBodies[0].rows[0].getAttribute("data-store");
      th.click();
      var last = table.tBodies[0].rows[0].getAttribute("data-store");
      root.setAttribute("data-selftest", first + " / " + last);
    }
  }
  // The page must never scroll sideways, even on a 390 px phone; a headless
  // browser reads these to check.
  root.setAttribute("data-scroll-width", String(root.scrollWidth));
  root.setAttribute("data-inner-width", String(window.innerWidth));
  root.setAttribute("data-ready", "1");
})();
