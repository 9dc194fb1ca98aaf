// The hub's page behaviour. It lives in this static file because the Content Security
// Policy allows no inline script and no style attribute: pages mark elements with data-
// attributes instead, and this script acts on them.
//   <select data-autosubmit>   submits its form when changed (the language picker)
//   <span data-width="42.5">   gets width 42.5% (bars of charts and funnels)
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("select[data-autosubmit]").forEach(function (el) {
    el.addEventListener("change", function () { el.form.submit(); });
  });
  document.querySelectorAll("[data-width]").forEach(function (el) {
    var n = parseFloat(el.getAttribute("data-width"));
    if (!isNaN(n)) { el.style.width = Math.max(0, Math.min(100, n)) + "%"; }
  });
});
