// The line chart of the KECK network comparison: one line per municipality, drawn with
// plotly.js from the numbers of the table below it (a gap where a value is "k. A." or missing).
(function () {
  "use strict";

  const COLOURS = ["#1d5c7a", "#c2571a", "#3f8f4f", "#8a3f8f", "#b08d1a", "#4a4a4a"];

  function draw() {
    const box = document.getElementById("keck-network-chart");
    const source = document.getElementById("keck-network-chart-data");
    if (!box || !source || !window.Plotly) {
      return;
    }
    const data = JSON.parse(source.textContent);
    const traces = data.series.map(function (series, index) {
      const colour = COLOURS[index % COLOURS.length];
      return {
        type: "scatter",
        mode: "lines+markers",
        name: series.name,
        x: data.years,
        y: series.values,
        text: series.texts,
        hovertemplate: "%{fullData.name}, %{x}: %{text}<extra></extra>",
        connectgaps: false,
        line: { color: colour, width: 3 },
        marker: { size: 9, color: colour },
      };
    });
    const layout = {
      margin: { l: 64, r: 16, t: 16, b: 40 },
      separators: ",.",
      font: { family: "Roboto, system-ui, sans-serif", size: 13 },
      xaxis: { tickmode: "array", tickvals: data.years, ticktext: data.years.map(String), fixedrange: true },
      yaxis: { title: { text: data.unit || "" }, rangemode: "tozero", fixedrange: true, separatethousands: true },
      showlegend: true,
      legend: { orientation: "h", y: -0.2 },
      plot_bgcolor: "#fff",
      paper_bgcolor: "#fff",
    };
    window.Plotly.newPlot(box, traces, layout, { displayModeBar: false, responsive: true });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
