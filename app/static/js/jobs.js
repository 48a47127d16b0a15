// A job's progress page: poll its JSON status and update the bar; reload once it is finished.
// Without JavaScript the page refreshes itself (a meta refresh) until the job is finished.
(function () {
  function start() {
    var card = document.querySelector("[data-job-status]");
    if (!card || card.getAttribute("data-job-finished") === "yes") return;
    var url = card.getAttribute("data-job-status");
    var bar = document.getElementById("job-bar");
    var label = card.querySelector("[data-job-label]");
    var count = card.querySelector("[data-job-count]");
    function poll() {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (s) {
          if (!s) return;
          if (s.finished) { window.location.reload(); return; }
          if (label) label.textContent = s.label;
          if (count) count.textContent = s.done + (s.total ? " of " + s.total : "") + " " + s.unit;
          if (bar) {
            if (s.percent === null) bar.removeAttribute("value");
            else { bar.value = s.percent; bar.textContent = s.percent + "%"; }
          }
          window.setTimeout(poll, 1000);
        })
        .catch(function () { window.setTimeout(poll, 3000); });
    }
    window.setTimeout(poll, 500);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
