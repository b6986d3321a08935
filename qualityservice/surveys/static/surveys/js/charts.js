// ECharts for survey results and the satisfaction index. Data comes from json_script#survey-charts;
// each chart is drawn into the element with the matching data-chart attribute (sized by CSS).
(function () {
  "use strict";
  var source = document.getElementById("survey-charts");
  if (!source || typeof echarts === "undefined") return;
  var charts = JSON.parse(source.textContent);
  var colours = ["#2f6fde", "#2ca02c", "#ff7f0e", "#d62728", "#9467bd", "#17becf", "#8c564b", "#e377c2"];
  var instances = [];

  function option(spec) {
    if (spec.type === "pie") {
      return { color: ["#2ca02c", "#bbbbbb", "#d62728"], tooltip: { trigger: "item" }, legend: { bottom: 0 },
        series: [{ type: "pie", radius: ["35%", "65%"], label: { formatter: "{b}: {c} ({d}%)" },
          data: spec.labels.map(function (l, i) { return { name: l, value: spec.values[i] }; }) }] };
    }
    if (spec.type === "trend") {
      return { color: colours, tooltip: { trigger: "axis" }, legend: { top: 0, type: "scroll" },
        grid: { left: 40, right: 30, top: 40, bottom: 60 },
        xAxis: { type: "category", data: spec.labels, axisLabel: { width: 160, overflow: "truncate", interval: 0, rotate: spec.labels.length > 4 ? 20 : 0 } },
        yAxis: { type: "value", min: function (v) { return Math.max(0, Math.floor(v.min / 10) * 10 - 10); }, max: 100 },
        series: spec.series.map(function (s) {
          return { name: s.name, type: "line", symbolSize: 9, connectNulls: true, data: s.values,
            label: { show: spec.series.length <= 2, position: "top" } };
        }) };
    }
    var horizontal = spec.type === "hbar";
    var category = { type: "category", data: spec.labels, inverse: horizontal, axisLabel: { width: 140, overflow: "truncate" } };
    var value = { type: "value" };
    if (spec.max) value.max = spec.max;
    return {
      color: colours, tooltip: { trigger: "axis" },
      grid: { left: horizontal ? 150 : 40, right: 30, top: 20, bottom: 30 },
      xAxis: horizontal ? value : category, yAxis: horizontal ? category : value,
      series: [{ type: spec.type === "line" ? "line" : "bar", data: spec.values,
        label: { show: spec.values.length <= 15, position: horizontal ? "right" : "top" },
        itemStyle: spec.signed ? { color: function (p) { return p.value < 0 ? "#d62728" : "#2ca02c"; } } : undefined }]
    };
  }

  charts.forEach(function (spec) {
    var el = document.querySelector("[data-chart='" + spec.id + "']");
    if (!el) return;
    var chart = echarts.init(el, null, { renderer: "canvas" });
    chart.setOption(option(spec));
    instances.push(chart);
  });
  window.addEventListener("resize", function () { instances.forEach(function (c) { c.resize(); }); });
})();
