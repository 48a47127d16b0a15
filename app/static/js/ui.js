// Main navigation menus (issue 11). They are native <details> disclosures and work without this
// file; it only makes them behave like menus people expect: one open at a time, Escape closes
// the open one and returns focus to its button, and a click elsewhere closes it.
(function () {
  "use strict";
  function menus() { return document.querySelectorAll("details[data-nav-menu]"); }
  function closeAll(except) {
    menus().forEach(function (menu) { if (menu !== except) { menu.open = false; } });
  }
  document.addEventListener("toggle", function (event) {
    var menu = event.target;
    if (menu.matches && menu.matches("details[data-nav-menu]") && menu.open) { closeAll(menu); }
  }, true);
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    var open = document.querySelector("details[data-nav-menu][open]");
    if (!open) { return; }
    open.open = false;
    open.querySelector("summary").focus();
  });
  document.addEventListener("click", function (event) {
    if (!event.target.closest || !event.target.closest("details[data-nav-menu]")) { closeAll(null); }
  });
  // Leaving a menu with Tab (focus moves outside it) closes it, so it never hides the page.
  document.addEventListener("focusin", function (event) {
    var open = document.querySelector("details[data-nav-menu][open]");
    if (open && !open.contains(event.target)) { open.open = false; }
  });
}());
// Phone width (issue 11): a data table reads as a list of cards, one per row, each value under
// its column's name (echelon.css, max-width 720px). This gives every cell the name of its column
// (data-label) and keeps the table's semantics with explicit roles, because a table shown as
// blocks loses them in some browsers. Tables holding form fields, rowspans or more than one
// header row keep their columns and scroll inside their .table-wrap instead.
(function () {
  "use strict";
  function names(table) {
    var rows = table.tHead ? table.tHead.rows : [];
    if (rows.length !== 1) { return null; }
    var out = [];
    Array.prototype.forEach.call(rows[0].cells, function (th) {
      for (var i = 0; i < th.colSpan; i += 1) { out.push(th.textContent.replace(/\s+/g, " ").trim()); }
    });
    return out;
  }
  function stack(table) {
    var labels = names(table);
    if (!labels || table.querySelector("tbody input, tbody select, tbody textarea, [rowspan]")) { return; }
    table.setAttribute("role", "table");
    table.querySelectorAll("thead, tbody, tfoot").forEach(function (g) { g.setAttribute("role", "rowgroup"); });
    table.querySelectorAll("tr").forEach(function (tr) {
      tr.setAttribute("role", "row");
      var col = 0;
      Array.prototype.forEach.call(tr.cells, function (cell) {
        var head = cell.parentNode.parentNode.tagName === "THEAD";
        if (cell.tagName === "TH") {
          cell.setAttribute("role", head ? "columnheader" : "rowheader");
        } else {
          cell.setAttribute("role", "cell");
        }
        if (!head && cell.colSpan === 1 && labels[col]) { cell.setAttribute("data-label", labels[col]); }
        col += cell.colSpan;
      });
    });
    table.classList.add("stacks");
  }
  document.querySelectorAll("main table.table").forEach(stack);
}());
// A table wider than the screen scrolls inside its .table-wrap. Keyboard users must be able to
// reach and scroll it too, so a wrap that actually scrolls becomes a focusable, named region
// (named after its table's caption); one that fits stays out of the tab order.
(function () {
  "use strict";
  function label(wrap) {
    var caption = wrap.querySelector("caption");
    var text = caption ? caption.textContent.trim() : "";
    return (text || "Table") + " (scrolls sideways)";
  }
  function mark() {
    document.querySelectorAll(".table-wrap").forEach(function (wrap) {
      if (wrap.scrollWidth > wrap.clientWidth + 1) {
        wrap.setAttribute("tabindex", "0");
        wrap.setAttribute("role", "region");
        wrap.setAttribute("aria-label", label(wrap));
      } else if (wrap.getAttribute("tabindex") === "0") {
        wrap.removeAttribute("tabindex");
        wrap.removeAttribute("role");
        wrap.removeAttribute("aria-label");
      }
    });
  }
  var pending = null;
  window.addEventListener("resize", function () {
    window.clearTimeout(pending);
    pending = window.setTimeout(mark, 150);
  });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", mark);
  } else {
    mark();
  }
}());
