// 挂图作战: draws the battle map's charts from the JSON the server put in the
// page (#dashboard-data) with the embedded ECharts. A chart's element gets
// data-rendered="1" once ECharts has finished drawing it; clicking a bar or a
// slice opens the plan's list filtered to it.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("dashboard-data").textContent);
  var plan = "/plans/" + data.plan;

  function short(name, n) {
    return name.length > n ? name.slice(0, n) + "…" : name;
  }

  // One stacked bar per light over `rows` (sections, orgs or leaders), longest list scrolled.
  function stacked(rows, limit) {
    var shown = rows.slice(0, limit).reverse();
    return {
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 0, type: "scroll" },
      grid: { left: 8, right: 16, top: 28, bottom: 8, containLabel: true },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", data: shown.map(function (r) { return short(r.name, 12); }) },
      series: data.lights.map(function (l) {
        return {
          name: l.label, type: "bar", stack: "all", itemStyle: { color: l.colour },
          data: shown.map(function (r) { return { value: r.counts[l.code], row: r, light: l.code }; })
        };
      })
    };
  }

  var options = {
    lights: {
      tooltip: { trigger: "item" },
      legend: { bottom: 0, type: "scroll" },
      series: [{
        type: "pie", radius: ["40%", "70%"], center: ["50%", "45%"],
        label: { formatter: "{b}\n{c}" },
        data: data.lights.map(function (l) {
          return { name: l.label, value: data.totals[l.code], itemStyle: { color: l.colour }, light: l.code };
        })
      }]
    },
    sections: stacked(data.sections, 20),
    orgs: stacked(data.orgs, 20),
    leaders: stacked(data.leaders, 20),
    trend: {
      tooltip: { trigger: "axis" },
      legend: { top: 0, type: "scroll" },
      grid: { left: 8, right: 16, top: 28, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: data.trend.map(function (t) { return t.month; }) },
      yAxis: { type: "value", minInterval: 1 },
      series: data.lights.map(function (l) {
        return {
          name: l.label, type: "line", smooth: true, itemStyle: { color: l.colour },
          data: data.trend.map(function (t) { return t.counts[l.code]; })
        };
      })
    }
  };

  // Where a click on a chart leads.
  function drill(kind, item) {
    var light = item.data && item.data.light;
    var row = item.data && item.data.row;
    if (kind === "lights" && light) return plan + "?light=" + light;
    if (kind === "sections" && row && row.id) return "/tasks/" + row.id;
    if (kind === "orgs" && row && row.id) return plan + "?lead_org=" + row.id + "&light=" + light;
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
