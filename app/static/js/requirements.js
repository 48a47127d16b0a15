// The role requirement editor (issue 16): a row's target list follows its kind. The targets of
// each kind come from the page (#req-targets, written by the server from the catalogue); a row
// without a kind offers none until one is chosen. Without this file every row still works: a
// row with a kind lists only its kind's targets, an empty row lists them all, grouped.
(function () {
  "use strict";
  var MINIMUM = { competency: "level 0-5", assessment: "score", tenure: "months" };

  function ready() {
    var data = document.getElementById("req-targets");
    if (!data) { return; }
    var targets = JSON.parse(data.textContent);
    var noTarget = data.getAttribute("data-no-target");

    function follow(kindSelect) {
      var row = kindSelect.closest("tr");
      var target = row && row.querySelector("select.req-target");
      if (!target) { return; }
      var kind = kindSelect.value;
      var current = target.value;
      var list = targets[kind] || [];
      var blank = !kind ? "— choose a kind first —" : (kind === "tenure" ? noTarget : "— choose —");
      target.replaceChildren(new Option(blank, ""));
      list.forEach(function (pair) {
        target.add(new Option(pair[1], pair[0], false, pair[0] === current));
      });
      var minimum = row.querySelector("input.short[name$='-threshold']");
      if (minimum) { minimum.placeholder = MINIMUM[kind] || ""; }
    }

    document.querySelectorAll("select.req-kind").forEach(function (kindSelect) {
      follow(kindSelect);
      kindSelect.addEventListener("change", function () { follow(kindSelect); });
    });
    var impact = document.getElementById("impact");
    if (impact) { impact.focus(); }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
}());
