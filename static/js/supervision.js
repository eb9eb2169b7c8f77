/* Charts of the supervision statistics page, drawn with the vendored Chart.js (no CDN).
   Data comes from the page's json_script block "chart-data"; a chart whose canvas is not on
   the page (an empty state instead) is skipped. Large fonts and thick lines so
   the charts stay readable on a projector; animation off so printing captures them. */
(function () {
  "use strict";
  var source = document.getElementById("chart-data");
  if (!source || typeof Chart === "undefined") return;
  // Used by the statistics page (every chart) and the dashboard (the trend only).
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

  // Long unit and field names ("Ủy ban nhân dân phường Phan Đình Phùng") are wrapped on up to
  // two lines of about 22 characters and cut with "…" after that; the tooltip shows the full
  // name (Chart.js takes the tooltip title from the data label, not from the tick).
  var LINE = 22;
  function wrap(label) {
    var words = String(label).split(/\s+/), lines = [], line = "";
    words.forEach(function (word) {
      if (line && (line + " " + word).length > LINE) { lines.push(line); line = word; }
      else { line = line ? line + " " + word : word; }
    });
    if (line) lines.push(line);
    if (lines.length > 2) {
      lines = [lines[0], lines[1].slice(0, LINE - 1) + "…"];
    }
    return lines.map(function (l) { return l.length > LINE + 6 ? l.slice(0, LINE + 5) + "…" : l; });
  }
  function wrappedTicks() {
    return {autoSkip: false, callback: function (value) { return wrap(this.getLabelForValue(value)); }};
  }

  if (data.trend && !data.trend.empty) {
    make("chart-trend", {
      type: "bar",
      data: {
        labels: data.trend.labels,
        datasets: [
          {label: text.received, data: data.trend.received, backgroundColor: "#0d6efd", yAxisID: "y", order: 2},
          {label: text.finished, data: data.trend.finished, backgroundColor: "#198754", yAxisID: "y", order: 2},
          {label: text.late, data: data.trend.late, backgroundColor: "#dc3545", yAxisID: "y", order: 2},
          {type: "line", label: text.rate, data: data.trend.rate, borderColor: "#6f42c1",
           backgroundColor: "#6f42c1", borderWidth: 3, pointRadius: 4, spanGaps: true, yAxisID: "rate", order: 1}
        ]
      },
      options: {
        interaction: {mode: "index", intersect: false},
        scales: {
          x: {ticks: {maxRotation: 45, minRotation: 0, font: {size: 13}}},
          y: {beginAtZero: true, ticks: {precision: 0}, title: {display: true, text: text.dossiers}},
          rate: {position: "right", min: 0, max: 100, grid: {drawOnChartArea: false},
                 ticks: {callback: function (v) { return v + "%"; }}}
        },
        plugins: {legend: {position: "bottom", labels: {boxWidth: 14, font: {size: 13}}}}
      }
    });
  }
  if (data.late) make("chart-late", {
    type: "bar",
    data: {labels: data.late.labels,
           datasets: [{label: text.late, data: data.late.values, backgroundColor: "#dc3545"}]},
    options: {indexAxis: "y", plugins: {legend: {display: false}},
              scales: {x: {beginAtZero: true, ticks: {precision: 0}},
                       y: {ticks: Object.assign(wrappedTicks(), {font: {size: 13}})}}}
  });
  if (data.channels) make("chart-channels", {
    type: "doughnut",
    data: {labels: data.channels.labels, datasets: [{data: data.channels.values, backgroundColor: palette}]},
    options: {plugins: {legend: {position: "right", labels: {generateLabels: function (chart) {
      var items = Chart.overrides.doughnut.plugins.legend.labels.generateLabels(chart);
      items.forEach(function (item) { item.text = wrap(item.text).join(" "); });
      return items;
    }}}}}
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
