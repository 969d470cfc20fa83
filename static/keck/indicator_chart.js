// The line chart of an indicator page: the municipality's value per year, drawn with plotly.js
// from the numbers of the table below it (a gap where a value is "k. A." or missing).
(function () {
  "use strict";

  function draw() {
    const box = document.getElementById("keck-indicator-chart");
    const source = document.getElementById("keck-indicator-chart-data");
    if (!box || !source || !window.Plotly) {
      return;
    }
    const data = JSON.parse(source.textContent);
    const trace = {
      type: "scatter",
      mode: "lines+markers",
      name: data.reference || data.name,
      x: data.years,
      y: data.values,
      text: data.texts,
      hovertemplate: "%{x}: %{text}<extra></extra>",
      connectgaps: false,
      line: { color: "#1d5c7a", width: 3 },
      marker: { size: 9, color: "#1d5c7a" },
    };
    const layout = {
      margin: { l: 64, r: 16, t: 16, b: 40 },
      separators: ",.",
      font: { family: "Roboto, system-ui, sans-serif", size: 13 },
      xaxis: { tickmode: "array", tickvals: data.years, ticktext: data.years.map(String), fixedrange: true },
      yaxis: { title: { text: data.unit || "" }, rangemode: "tozero", fixedrange: true, separatethousands: true },
      showlegend: false,
      plot_bgcolor: "#fff",
      paper_bgcolor: "#fff",
    };
    window.Plotly.newPlot(box, [trace], layout, { displayModeBar: false, responsive: true });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
