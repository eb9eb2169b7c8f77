/* Charts of the supervision statistics page, drawn with the vendored Chart.js (no CDN).
   Data comes from the page's json_script block "chart-data". Large fonts and thick lines so
   the charts stay readable on a projector; animation off so printing captures them. */
(function () {
  "use strict";
  var source = document.getElementById("chart-data");
  if (!source || typeof Chart === "undefined") return;
  var data = JSON.parse(source.textContent);
  var text = data.text;
  Chart.defaults.font.family = '"Be Vietnam Pro", system-ui, sans-serif';
  Chart.defaults.font.size = 15;
  Chart.defaults.color = "#212529";
  Chart.defaults.animation = false;
  Chart.defaults.maintainAspectRatio = false;
  var palette = ["#0d6efd", "#198754", "#fd7e14", "#6f42c1", "#dc3545", "#20c997"];

  function make(id, config) {
    var canvas = document.getElementById(id);
    if (canvas) new Chart(canvas, config);
  }

  make("chart-trend", {
    type: "line",
    data: {
      labels: data.trend.labels,
      datasets: [{label: text.rate, data: data.trend.rate, borderColor: "#198754", backgroundColor: "#198754",
                   borderWidth: 4, pointRadius: 5, spanGaps: true}]
    },
    options: {scales: {y: {min: 0, max: 100, ticks: {callback: function (v) { return v + "%"; }}}},
              plugins: {legend: {display: false}}}
  });
  make("chart-late", {
    type: "bar",
    data: {labels: data.late.labels,
           datasets: [{label: text.late, data: data.late.values, backgroundColor: "#dc3545"}]},
    options: {indexAxis: "y", plugins: {legend: {display: false}},
              scales: {x: {beginAtZero: true, ticks: {precision: 0}}}}
  });
  make("chart-channels", {
    type: "doughnut",
    data: {labels: data.channels.labels, datasets: [{data: data.channels.values, backgroundColor: palette}]},
    options: {plugins: {legend: {position: "right"}}}
  });
  if (data.ratings) {
    make("chart-ratings", {
      type: "bar",
      data: {labels: data.ratings.labels,
             datasets: [{label: text.dossiers, data: data.ratings.values,
                         backgroundColor: ["#dc3545", "#fd7e14", "#ffc107", "#20c997", "#198754"]}]},
      options: {plugins: {legend: {display: false}}, scales: {y: {beginAtZero: true, ticks: {precision: 0}}}}
    });
  }
  // Canvases keep their screen size when printed unless resized before printing.
  window.addEventListener("beforeprint", function () {
    Object.values(Chart.instances).forEach(function (chart) { chart.resize(); });
  });
})();
