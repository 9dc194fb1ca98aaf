// The live overview's charts (Chart.js, served from static/hub/vendor). The figures come
// from <script type="application/json" id="chart-data"> in the part of the page htmx
// refreshes, so the charts are redrawn from the new data after every refresh.
(function () {
  "use strict";
  var charts = {};
  var COLORS = ["#16324f", "#2f8f4e", "#c58b12", "#b8433a", "#5b7fa6", "#7a4f9a", "#3a9a9a", "#9a6b3a", "#4f5b66", "#a63a6b", "#6b9a3a", "#3a4fa6"];

  function data() {
    var el = document.getElementById("chart-data");
    return el ? JSON.parse(el.textContent) : null;
  }

  function draw(id, config) {
    var canvas = document.getElementById(id);
    if (!canvas || typeof Chart === "undefined") { return; }
    if (charts[id]) {
      charts[id].data = config.data;
      charts[id].update("none");
      return;
    }
    config.options = Object.assign({ animation: false, responsive: true, maintainAspectRatio: true }, config.options || {});
    charts[id] = new Chart(canvas, config);
  }

  function rates(source, label) {
    return {
      type: "bar",
      data: { labels: source.labels, datasets: [{ label: label, data: source.rates, backgroundColor: "#b8433a" }] },
      options: { indexAxis: "y", scales: { x: { min: 0, max: 100 } }, plugins: { legend: { display: false } } }
    };
  }

  function render() {
    var d = data();
    if (!d) { return; }
    draw("chart-volume", {
      type: "line",
      data: {
        labels: d.volume.labels,
        datasets: d.volume.series.map(function (s, i) {
          return { label: s.label, data: s.data, borderColor: COLORS[i % COLORS.length], backgroundColor: COLORS[i % COLORS.length], tension: 0.2 };
        })
      },
      options: { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } }
    });
    draw("chart-format", rates(d.error_rate_format, "%"));
    draw("chart-supplier", rates(d.error_rate_supplier, "%"));
  }

  document.addEventListener("DOMContentLoaded", render);
  document.addEventListener("htmx:afterSettle", render);
})();
