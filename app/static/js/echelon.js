// Progressive enhancements only; every page works without JavaScript.
document.addEventListener("submit", function (event) {
  var form = event.target;
  var question = form.getAttribute("data-confirm");
  if (question && !window.confirm(question)) {
    event.preventDefault();
    return;
  }
  // Long actions show progress and cannot be double-submitted.
  var buttons = form.querySelectorAll("button[type=submit]");
  buttons.forEach(function (b) { b.setAttribute("aria-busy", "true"); });
  var progress = form.querySelector(".progress");
  if (progress) { progress.setAttribute("data-active", "true"); }
  window.setTimeout(function () { buttons.forEach(function (b) { b.disabled = true; }); }, 0);
});
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector(".error-summary");
  if (summary) { summary.focus(); }
});
