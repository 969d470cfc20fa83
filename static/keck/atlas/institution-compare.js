// The scatter chart "institutions compared with their social area": one point per
// institution, drawn with plotly.js from the JSON block of the page (the same numbers as the
// table below it). Institutions whose value or area value is "k. A." are not in the data.
(function () {
  "use strict";

  // Plotly reads a few HTML tags in hover texts; names are data, so none of theirs count.
  function esc(text) {
    return String(text === null || text === undefined ? "" : text)
      .replace(/&/g, "&amp;")
      .replace(/</g, "&lt;")
      .replace(/>/g, "&gt;");
  }

  function draw() {
    const box = document.getElementById("keck-institution-chart");
    const source = document.getElementById("keck-institution-chart-data");
    if (!box || !source || !window.Plotly) {
      return;
    }
    const data = JSON.parse(source.textContent);
    const trace = {
      type: "scatter",
      mode: "markers",
      x: data.points.map((p) => p.x),
      y: data.points.map((p) => p.y),
      text: data.points.map(
        (p) =>
          `${esc(data.institution_label)}: ${esc(p.name)} (${esc(p.area)})` +
          `<br>${esc(data.x_title)}: ${esc(p.x_text)}` +
          `<br>${esc(data.y_title)}: ${esc(p.y_text)}`,
      ),
      hovertemplate: "%{text}<extra></extra>",
      marker: {
        size: 11,
        color: data.points.map((p) => p.color || "#1d5c7a"),
        line: { color: "#fff", width: 1 },
      },
    };
    const layout = {
      // Tall enough for the rotated title of the y axis (a long indicator name).
      height: 480,
      margin: { l: 72, r: 16, t: 16, b: 64 },
      separators: ",.",
      font: { family: "Roboto, system-ui, sans-serif", size: 13 },
      xaxis: {
        title: { text: esc(data.x_title) },
        zeroline: false,
        separatethousands: true,
        automargin: true,
      },
      yaxis: {
        title: { text: esc(data.y_title) },
        zeroline: false,
        separatethousands: true,
        automargin: true,
      },
      showlegend: false,
      plot_bgcolor: "#fff",
      paper_bgcolor: "#fff",
    };
    window.Plotly.newPlot(box, [trace], layout, { displayModeBar: false, responsive: true });
    box.dataset.ready = "true"; // for browser tests
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
