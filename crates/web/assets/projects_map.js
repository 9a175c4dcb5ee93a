// 项目作战图: draws the projects map's charts from the JSON the server put in
// the page (#projects-map-data) with the embedded ECharts, as dashboard.js
// does for 挂图作战. A chart's element gets data-rendered="1" once drawn;
// clicking a stage or a batch opens the projects list filtered to it.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("projects-map-data").textContent);

  function short(name, n) {
    return name.length > n ? name.slice(0, n) + "…" : name;
  }

  // 投资完成率 of each group against 序时进度 (a dashed line).
  function rates(rows) {
    var shown = rows.slice(0, 30);
    return {
      tooltip: {
        trigger: "axis", axisPointer: { type: "shadow" },
        formatter: function (items) {
          var r = items[0].data.row;
          return r.name + "<br>投资完成率 " + r.rate + "%（" + r.done + " / " + r.plan + " 万元）<br>项目 " +
            r.projects + " 个，红灯 " + r.red + " 个";
        }
      },
      grid: { left: 8, right: 24, top: 16, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: shown.map(function (r) { return short(r.name, 6); }), axisLabel: { interval: 0, rotate: shown.length > 6 ? 30 : 0 } },
      yAxis: { type: "value", axisLabel: { formatter: "{value}%" } },
      series: [{
        type: "bar", name: "投资完成率",
        data: shown.map(function (r) {
          return { value: r.rate, row: r, itemStyle: { color: r.rate >= data.time ? "#198754" : "#dc3545" } };
        }),
        label: { show: true, position: "top", formatter: "{c}%" },
        markLine: {
          symbol: "none", lineStyle: { type: "dashed", color: "#6c757d" },
          label: { formatter: "序时进度 {c}%" },
          data: [{ yAxis: data.time }]
        }
      }]
    };
  }

  var options = {
    county: rates(data.county),
    industry: rates(data.industry),
    zone: rates(data.zone),
    funnel: {
      tooltip: { trigger: "item", formatter: "{b}：{c} 个" },
      series: [{
        type: "funnel", sort: "none", left: "10%", width: "80%", top: 8, bottom: 8, minSize: "10%",
        label: { show: true, position: "inside", formatter: "{b} {c}" },
        data: data.funnel.map(function (s) { return { name: s.stage, value: s.count, code: s.code }; })
      }]
    },
    batches: {
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 0 },
      grid: { left: 8, right: 16, top: 28, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: data.batches.map(function (b) { return b.batch; }) },
      yAxis: { type: "value", minInterval: 1 },
      series: [
        { type: "bar", name: "计划", itemStyle: { color: "#6c757d" },
          data: data.batches.map(function (b) { return { value: b.planned, code: b.code }; }) },
        { type: "bar", name: "已实现", itemStyle: { color: "#0d6efd" }, label: { show: true, position: "top" },
          data: data.batches.map(function (b) { return { value: b.reached, code: b.code }; }) }
      ]
    }
  };

  function drill(kind, item) {
    var code = item.data && item.data.code;
    if (kind === "funnel" && code) return "/projects?stage=" + code;
    if (kind === "batches" && code) return "/projects?batch=" + code;
    return null;
  }

  document.querySelectorAll("[data-chart]").forEach(function (el) {
    var kind = el.getAttribute("data-chart");
    var chart = echarts.init(el);
    chart.on("finished", function () { el.setAttribute("data-rendered", "1"); });
    chart.on("click", function (item) {
      var link = drill(kind, item);
      if (link) window.location.href = link;
    });
    chart.setOption(options[kind]);
    window.addEventListener("resize", function () { chart.resize(); });
  });
})();
