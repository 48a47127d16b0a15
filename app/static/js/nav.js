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
