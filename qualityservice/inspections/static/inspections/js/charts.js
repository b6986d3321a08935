// Inspection charts (ECharts), data from json_script; containers are sized by the qs-chart CSS class.
(function () {
  "use strict";
  function draw() {
    if (!window.echarts) return;
    document.querySelectorAll("[data-insp-chart]").forEach(function (el) {
      var source = document.getElementById(el.dataset.source);
      if (!source) return;
      var data = JSON.parse(source.textContent);
      var chart = window.echarts.init(el);
      var option;
      var kind = el.dataset.inspChart;
      if (kind === "radar") {
        option = {
          tooltip: {},
          radar: { indicator: data.radar.indicators, radius: "62%" },
          series: [{ type: "radar", data: [{ value: data.radar.values.map(function (v) { return v === null ? 0 : v; }), name: data.labels.score, areaStyle: {} }] }]
        };
      } else {
        var series = (kind === "departments" ? data.departments : data.dimensions).map(function (s) {
          return { name: s.name, type: "line", data: s.data, connectNulls: true };
        });
        option = {
          tooltip: { trigger: "axis" },
          legend: { type: "scroll", top: 0 },
          grid: { left: 40, right: 16, top: 40, bottom: 30 },
          xAxis: { type: "category", data: data.months },
          yAxis: { type: "value", min: function (v) { return Math.max(0, Math.floor(v.min / 10) * 10); }, max: 100 },
          series: series
        };
      }
      chart.setOption(option);
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw); else draw();
})();
