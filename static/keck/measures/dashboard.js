// The charts of the leadership dashboard, drawn with plotly.js from the numbers that the page
// also shows as tables: measures by status, goals and measures per area and per field of action.
(function () {
  "use strict";

  const layoutBase = {
    separators: ",.",
    font: { family: "Roboto, system-ui, sans-serif", size: 13 },
    plot_bgcolor: "#fff",
    paper_bgcolor: "#fff",
  };
  const config = { displayModeBar: false, responsive: true };

  // Whole steps on the axis while the counts are small; plotly chooses above ten.
  function tick(counts) {
    return Math.max(0, ...counts) <= 10 ? 1 : undefined;
  }

  function statuses(box, data) {
    const trace = {
      type: "bar",
      x: data.labels,
      y: data.counts,
      text: data.counts.map(String),
      textposition: "outside",
      cliponaxis: false,
      marker: { color: data.colours, line: { color: "#333", width: 1 } },
      hovertemplate: "%{x}: %{y}<extra></extra>",
    };
    const layout = Object.assign({}, layoutBase, {
      margin: { l: 40, r: 16, t: 24, b: 40 },
      yaxis: { rangemode: "tozero", dtick: tick(data.counts), fixedrange: true },
      xaxis: { fixedrange: true },
      showlegend: false,
    });
    window.Plotly.newPlot(box, [trace], layout, config);
  }

  function grouped(box, data, names, colours) {
    const height = 110 + data.labels.length * 52;
    const traces = ["goals", "measures"].map((key) => ({
      type: "bar",
      orientation: "h",
      name: names[key],
      y: data.labels,
      x: data[key],
      text: data[key].map(String),
      textposition: "outside",
      cliponaxis: false,
      marker: {
        color: colours[key],
        line: { color: "#333", width: 1 },
        pattern: key === "measures" ? { shape: "/", fgcolor: "#6d4c00", size: 6 } : undefined,
      },
      hovertemplate: "%{y}: %{x} " + names[key] + "<extra></extra>",
    }));
    const layout = Object.assign({}, layoutBase, {
      barmode: "group",
      height: height,
      margin: { l: 200, r: 32, t: 8, b: 32 },
      xaxis: { rangemode: "tozero", dtick: tick(data.goals.concat(data.measures)), fixedrange: true },
      yaxis: { autorange: "reversed", automargin: true, fixedrange: true },
      legend: { orientation: "h", y: -0.15 },
    });
    box.style.minHeight = height + "px";
    window.Plotly.newPlot(box, traces, layout, config);
  }

  function draw() {
    const source = document.getElementById("keck-dashboard-data");
    if (!source || !window.Plotly) {
      return;
    }
    const data = JSON.parse(source.textContent);
    const statusBox = document.getElementById("chart-statuses");
    if (statusBox) {
      statuses(statusBox, data.statuses);
    }
    [["chart-areas", data.areas], ["chart-fields", data.fields]].forEach(([id, rows]) => {
      const box = document.getElementById(id);
      if (!box) {
        return;
      }
      if (!rows.labels.length) {
        box.hidden = true;
        return;
      }
      grouped(box, rows, data.names, data.colours);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
