// The hub's page behaviour. It lives in this static file because the Content Security
// Policy allows no inline script and no style attribute: pages mark elements with data-
// attributes instead, and this script acts on them.
//   <select data-autosubmit>        submits its form when changed (the language picker)
//   <span data-width="42.5">        gets width 42.5% (bars of charts and funnels)
//   <button data-toggle="ID">       opens and closes element ID (the nav on a phone)
// Live parts of pages (upload state) are polled with htmx (static/vendor/htmx).
function hubWire(root) {
  root.querySelectorAll("select[data-autosubmit]").forEach(function (el) {
    el.addEventListener("change", function () { el.form.submit(); });
  });
  root.querySelectorAll("[data-width]").forEach(function (el) {
    var n = parseFloat(el.getAttribute("data-width"));
    if (!isNaN(n)) { el.style.width = Math.max(0, Math.min(100, n)) + "%"; }
  });
}
document.addEventListener("DOMContentLoaded", function () {
  hubWire(document);
  document.querySelectorAll("button[data-toggle]").forEach(function (button) {
    button.addEventListener("click", function () {
      var target = document.getElementById(button.getAttribute("data-toggle"));
      if (!target) { return; }
      var open = target.classList.toggle("open");
      button.setAttribute("aria-expanded", open ? "true" : "false");
    });
  });
  document.body.addEventListener("htmx:afterSwap", function (e) { hubWire(e.target); });
});
