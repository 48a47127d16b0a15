// Reports (issue 7): a PDF link shows progress instead of leaving the page silent while a long
// report (a department of 500) is being made. Without JavaScript the link simply downloads.
(function () {
  "use strict";
  function start(link) {
    var box = document.getElementById(link.getAttribute("data-progress"));
    if (!box || !window.fetch || !window.Blob || !window.URL) { return false; }
    var bar = box.querySelector("progress");
    var text = box.querySelector("[data-progress-text]");
    var started = Date.now();
    var name = (link.getAttribute("data-pdf-download") || "report") + ".pdf";
    box.hidden = false;
    bar.removeAttribute("value");  // indeterminate while the server lays out the pages
    link.setAttribute("aria-busy", "true");
    link.classList.add("rp-busy");
    function seconds() { return Math.round((Date.now() - started) / 1000); }
    text.textContent = "Preparing the PDF…";
    var timer = window.setInterval(function () {
      text.textContent = "Preparing the PDF… " + seconds() + " s (long reports take a while)";
    }, 1000);
    function done(message) {
      window.clearInterval(timer);
      link.removeAttribute("aria-busy");
      link.classList.remove("rp-busy");
      text.textContent = message;
    }
    fetch(link.href, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok) { throw new Error("the server answered " + response.status); }
      var total = parseInt(response.headers.get("Content-Length") || "0", 10);
      if (!response.body || !response.body.getReader || !total) { return response.blob(); }
      window.clearInterval(timer);
      bar.max = total;
      bar.value = 0;
      var reader = response.body.getReader();
      var chunks = [];
      var received = 0;
      function pump() {
        return reader.read().then(function (step) {
          if (step.done) { return new Blob(chunks, { type: "application/pdf" }); }
          chunks.push(step.value);
          received += step.value.length;
          bar.value = received;
          text.textContent = "Downloading… " + Math.round(100 * received / total) + "%";
          return pump();
        });
      }
      return pump();
    }).then(function (blob) {
      var url = URL.createObjectURL(blob);
      var save = document.createElement("a");
      save.href = url;
      save.download = name;
      document.body.appendChild(save);
      save.click();
      save.remove();
      window.setTimeout(function () { URL.revokeObjectURL(url); }, 60000);
      bar.max = 1;
      bar.value = 1;
      done("The PDF is ready (" + Math.max(1, Math.round(blob.size / 1024)) + " KB, " + seconds() + " s): " + name);
    }).catch(function (error) {
      done("The PDF could not be made (" + error.message + "). Try again, or open the link in a new tab.");
    });
    return true;
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[data-pdf-download]") : null;
    if (!link || link.getAttribute("aria-busy") === "true") {
      if (link) { event.preventDefault(); }
      return;
    }
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) { return; }
    if (start(link)) { event.preventDefault(); }
  });
}());
