// Public figures chart (ECharts): received/resolved bars and the on-time rate line by department.
(function () {
  "use strict";
  var el = document.querySelector("[data-chart]");
  if (!el || !window.echarts) return;
  var data = JSON.parse(document.getElementById(el.dataset.chart).textContent);
  var chart = window.echarts.init(el);
  chart.setOption({
    tooltip: { trigger: "axis" },
    legend: { top: 0 },
    grid: { left: 40, right: 40, bottom: 70, top: 40 },
    xAxis: { type: "category", data: data.departments, axisLabel: { interval: 0, rotate: 30 } },
    yAxis: [{ type: "value" }, { type: "value", max: 100, axisLabel: { formatter: "{value}%" } }],
    series: [
      { name: data.labels.received, type: "bar", data: data.received },
      { name: data.labels.resolved, type: "bar", data: data.resolved },
      { name: data.labels.on_time_rate, type: "line", yAxisIndex: 1, data: data.on_time_rate }
    ]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
