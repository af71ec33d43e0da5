/* Advisor dashboards: draw each <canvas data-chart="ID"> from the JSON in <script id="ID">
   (written by the server: cms/views/advisor_tables.py, Chart.data). The figures are also in
   the table that follows each chart; without JavaScript the table is the chart. */
(function () {
  "use strict";
  if (typeof window.Chart === "undefined") {
    return;
  }
  var lang = document.documentElement.lang || "fr";
  var locale = lang === "en" ? "en-GB" : "fr-BE";
  var palette = ["#0b5f6b", "#c2410c", "#6d28d9", "#15803d", "#b45309", "#be123c", "#1d4ed8"];

  function formatter(percent) {
    var format = new Intl.NumberFormat(locale, percent ? { style: "percent", maximumFractionDigits: 1 } : { maximumFractionDigits: 1 });
    return function (value) { return value === null || value === undefined ? "—" : format.format(value); };
  }

  function draw(canvas) {
    var source = document.getElementById(canvas.getAttribute("data-chart"));
    if (!source) {
      return;
    }
    var spec = JSON.parse(source.textContent);
    if (spec.horizontal) {
      // Room for each bar group: the canvas grows with the number of rows.
      canvas.parentNode.style.height = Math.max(12, spec.labels.length * 1.9 + 4) + "rem";
    }
    var format = formatter(spec.percent);
    var line = spec.kind === "line";
    var datasets = spec.datasets.map(function (dataset, index) {
      var colour = palette[index % palette.length];
      return {
        label: dataset.label,
        data: dataset.data,
        borderColor: colour,
        backgroundColor: line ? colour : colour + "cc",
        borderWidth: line ? 2 : 0,
        pointRadius: line ? 2 : 0,
        spanGaps: false,
        tension: 0.2
      };
    });
    new window.Chart(canvas, {
      type: line ? "line" : "bar",
      data: { labels: spec.labels, datasets: datasets },
      options: {
        // Figures, not a show: no animation (and a chart is complete as soon as it is drawn).
        animation: false,
        maintainAspectRatio: false,
        indexAxis: spec.horizontal ? "y" : "x",
        interaction: { mode: "index", intersect: false },
        plugins: {
          legend: { display: datasets.length > 1, position: "bottom" },
          tooltip: { callbacks: { label: function (item) { return item.dataset.label + " : " + format(item.raw); } } }
        },
        scales: (function () {
          var values = { beginAtZero: true, stacked: !!spec.stacked, ticks: { callback: format } };
          // Every label of a horizontal bar chart (one bar group per skill); dates may thin out.
          var categories = { stacked: !!spec.stacked, ticks: { autoSkip: !spec.horizontal, maxRotation: 0 } };
          return spec.horizontal ? { x: values, y: categories } : { x: categories, y: values };
        })()
      }
    });
    canvas.setAttribute("data-drawn", "true");
  }

  document.querySelectorAll("canvas[data-chart]").forEach(draw);
})();
