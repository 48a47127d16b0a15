// Profile page: copy a newly created API token to the clipboard (the text stays selectable).
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-copy-target]");
  if (!button) { return; }
  var input = document.getElementById(button.getAttribute("data-copy-target"));
  if (!input) { return; }
  input.focus();
  input.select();
  var status = document.querySelector("[data-copy-status]");
  var done = function () { if (status) { status.hidden = false; } };
  if (navigator.clipboard && navigator.clipboard.writeText) {
    navigator.clipboard.writeText(input.value).then(done, function () { document.execCommand("copy"); done(); });
  } else {
    document.execCommand("copy");
    done();
  }
});
