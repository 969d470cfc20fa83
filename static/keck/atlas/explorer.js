/* The atlas explorer: map (Leaflet), chart (plotly.js) and table linked on one page.
 *
 * The server formats every number (German, `k. A.`, `–`) and renders the table; this script
 * draws the map and the chart, links hover and selection across the three views and keeps the
 * whole view state in the URL query (history.replaceState), so a URL reproduces the view.
 *
 * Hooks for other parts of KECK:
 *   window.keckExplorerState()  -> the current query string (for bookmarks)
 *   window.keckExplorer.addOverlay(name, leafletLayer, label)  -> a toggleable map layer
 *   document event "keck:explorer-ready" (detail: window.keckExplorer) once the map exists
 */
(function () {
  'use strict';

  const HATCH_ID = 'keck-hatch';
  const CHART_COLOURS = ['#1d5c7a', '#e0a526', '#7b3294', '#4dac26', '#d01c8b', '#8c510a',
    '#2166ac', '#b2182b', '#01665e', '#762a83', '#5aae61', '#636363'];
  const HOVER_COLOUR = '#e0a526';

  function esc(text) {
    return String(text === null || text === undefined ? '' : text).replace(/[&<>"']/g,
      (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
  }

  // Query values keep commas and semicolons readable (areas=a,b; breaks=10;20).
  function toQuery(params) {
    const parts = [];
    params.forEach((value, key) => {
      parts.push(key + '=' + encodeURIComponent(value).replace(/%2C/g, ',').replace(/%3B/g, ';'));
    });
    return parts.join('&');
  }

  function addTiles(map, tiles) {
    if (tiles && tiles.url) {
      L.tileLayer(tiles.url, { attribution: tiles.attribution || '', maxZoom: 19 }).addTo(map);
    }
  }

  // A point inside the largest polygon: the middle of the widest inside stretch of the
  // horizontal line through the middle of its bounding box (as GEOS' interior point does).
  function representativePoint(geometry) {
    if (!geometry) return null;
    let polygons = [];
    if (geometry.type === 'Polygon') polygons = [geometry.coordinates];
    else if (geometry.type === 'MultiPolygon') polygons = geometry.coordinates;
    let best = null;
    let bestArea = -1;
    polygons.forEach((polygon) => {
      const ring = polygon[0];
      let area = 0;
      for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
        area += (ring[j][0] - ring[i][0]) * (ring[j][1] + ring[i][1]);
      }
      if (Math.abs(area) > bestArea) { bestArea = Math.abs(area); best = polygon; }
    });
    if (!best) return null;
    let minX = Infinity; let maxX = -Infinity; let minY = Infinity; let maxY = -Infinity;
    best[0].forEach(([x, y]) => {
      minX = Math.min(minX, x); maxX = Math.max(maxX, x);
      minY = Math.min(minY, y); maxY = Math.max(maxY, y);
    });
    const y = (minY + maxY) / 2;
    const xs = [];
    best.forEach((ring) => {
      for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
        const [x1, y1] = ring[j];
        const [x2, y2] = ring[i];
        if ((y1 > y) !== (y2 > y)) xs.push(x1 + (y - y1) * (x2 - x1) / (y2 - y1));
      }
    });
    xs.sort((a, b) => a - b);
    let x = (minX + maxX) / 2;
    let width = -1;
    for (let i = 0; i + 1 < xs.length; i += 2) {
      if (xs[i + 1] - xs[i] > width) { width = xs[i + 1] - xs[i]; x = (xs[i] + xs[i + 1]) / 2; }
    }
    return L.latLng(y, x);
  }

  // ---- the page of an area: its outline ------------------------------------------------------
  const areaConfigElement = document.getElementById('keck-area-config');
  if (areaConfigElement && window.L) {
    const areaConfig = JSON.parse(areaConfigElement.textContent);
    const areaMap = L.map('keck-area-map', { scrollWheelZoom: false });
    areaMap.attributionControl.setPrefix(false);
    addTiles(areaMap, areaConfig.tiles);
    const outline = L.geoJSON(areaConfig.geometry, {
      style: { color: '#1d5c7a', weight: 2, fillColor: '#1d5c7a', fillOpacity: 0.15 },
      interactive: false,
    }).addTo(areaMap);
    areaMap.fitBounds(outline.getBounds(), { padding: [12, 12] });
  }

  // ---- the explorer ----------------------------------------------------------------------------
  const configElement = document.getElementById('keck-explorer-config');
  if (!configElement || !window.L) return;
  const config = JSON.parse(configElement.textContent);
  const T = config.text;
  const form = document.getElementById('keck-explorer-form');
  const statusLine = document.getElementById('keck-status');
  const tableWrap = document.getElementById('keck-table-wrap');
  const chartElement = document.getElementById('keck-chart');
  const chartNote = document.getElementById('keck-chart-note');
  const legendElement = document.getElementById('keck-legend');
  const barsLegendElement = document.getElementById('keck-bars-legend');
  const sourceElement = document.getElementById('keck-source');

  let query = config.query;
  let data = config.data;
  let collection = null;
  let mapKey = null;
  let dataKey = null;
  let levelShown = null;
  let hovered = null;
  let sort = null; // {column: 'area' | indicator id, direction}
  let mapRequest = 0;
  let dataRequest = 0;
  const initial = new URLSearchParams(query);
  const selected = new Set((initial.get('areas') || '').split(',').filter(Boolean));
  const layersByKey = new Map();
  const overlays = new Map();
  let layersControl = null;
  let chartTraces = []; // per trace: {keys: [...], kind}

  // The hatch of `k. A.` areas, referenced by the map's paths as fill="url(#keck-hatch)".
  const defs = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  defs.setAttribute('width', '0');
  defs.setAttribute('height', '0');
  defs.setAttribute('aria-hidden', 'true');
  defs.style.position = 'absolute';
  defs.innerHTML = '<defs><pattern id="' + HATCH_ID + '" patternUnits="userSpaceOnUse" width="7"'
    + ' height="7" patternTransform="rotate(45)"><rect width="7" height="7" fill="'
    + config.colours.suppressed + '"/><rect width="3" height="7" fill="#ffffff"/></pattern></defs>';
  document.body.appendChild(defs);

  const map = L.map('keck-map', { zoomSnap: 0.25, boxZoom: false, scrollWheelZoom: true });
  map.attributionControl.setPrefix(false);
  addTiles(map, config.tiles);
  const areaLayer = L.geoJSON(null, {
    style: styleOf,
    onEachFeature(feature, layer) {
      layersByKey.set(feature.properties.key, layer);
      layer.bindTooltip(() => tooltipHtml(feature.properties.key), {
        sticky: true, className: 'keck-tooltip', direction: 'auto',
      });
      layer.on('mouseover', () => setHover(feature.properties.key, 'map'));
      layer.on('mouseout', () => setHover(null, 'map'));
      layer.on('click', (event) => {
        if (event.originalEvent && event.originalEvent.shiftKey) {
          toggleSelect(feature.properties.key);
        } else {
          window.location.href = areaUrl(feature.properties.id);
        }
      });
      layer.on('add', () => {
        const element = layer.getElement();
        if (element) {
          element.setAttribute('data-key', feature.properties.key);
          element.classList.add('keck-area');
        }
      });
    },
  }).addTo(map);
  const barLayer = L.layerGroup().addTo(map);

  function areaUrl(id) { return config.urls.area.replace(/0\/$/, id + '/'); }

  function styleOf(feature) {
    const p = feature.properties;
    const style = { weight: 1, color: '#4d4d4d', opacity: 1, fillOpacity: 0.92 };
    if (p.colour) style.fillColor = p.colour;
    else if (p.status === 'suppressed') style.fillColor = 'url(#' + HATCH_ID + ')';
    else { style.fillColor = config.colours.missing; style.fillOpacity = 1; }
    if (selected.has(p.key)) { style.weight = 3; style.color = '#000000'; }
    if (hovered === p.key) { style.weight = 4; style.color = HOVER_COLOUR; }
    return style;
  }

  function restyle(key) {
    const layer = layersByKey.get(key);
    if (!layer) return;
    layer.setStyle(styleOf(layer.feature));
    if (hovered === key || selected.has(key)) layer.bringToFront();
  }

  function tooltipHtml(key) {
    const layer = layersByKey.get(key);
    if (!layer) return '';
    const p = layer.feature.properties;
    const lines = ['<strong>' + esc(p.name) + '</strong>'];
    if (collection) {
      let value = esc(p.display);
      if (p.status === 'suppressed' && p.value !== null) value += ' (' + esc(T.suppressedForOthers) + ')';
      const name = collection.indicator.short_name || collection.indicator.name;
      lines.push(esc(name) + ' ' + collection.year + ': <span class="keck-tooltip-value">' + value + '</span>');
      // A released value changed after its release keeps its correction date visible.
      if (p.corrected_text) lines.push('<span class="keck-corrected">' + esc(p.corrected_text) + '</span>');
    }
    (data ? data.bars : []).forEach((bar) => {
      const cell = bar.values[key];
      if (cell) lines.push('<span class="keck-swatch" style="background:' + bar.colour + '"></span>' + esc(bar.label) + ': ' + esc(cell[1]));
    });
    if (selected.has(key)) lines.push('<em>' + esc(T.selected) + '</em>');
    return lines.join('<br>');
  }

  // ---- the state in the URL ----------------------------------------------------------------------

  function readForm() {
    const fields = new FormData(form);
    const params = new URLSearchParams();
    const indicator = fields.get('indicator');
    params.set('level', fields.get('level'));
    params.set('indicator', indicator);
    params.set('year', fields.get('year'));
    const further = fields.getAll('indicators').filter((id) => id && id !== indicator);
    if (further.length) params.set('indicators', Array.from(new Set(further)).join(','));
    const bars = fields.getAll('bars').filter(Boolean);
    if (bars.length) params.set('bars', Array.from(new Set(bars)).join(','));
    params.set('method', fields.get('method'));
    params.set('classes', fields.get('classes'));
    const breaks = (fields.get('breaks') || '').trim();
    if (fields.get('method') === 'manual' && breaks) params.set('breaks', breaks);
    params.set('chart', fields.get('chart'));
    if (selected.size) params.set('areas', Array.from(selected).join(','));
    return params;
  }

  function keyOf(params, names) { return names.map((n) => n + '=' + (params.get(n) || '')).join('&'); }
  const MAP_PARAMS = ['level', 'indicator', 'year', 'method', 'classes', 'breaks'];
  const DATA_PARAMS = ['level', 'indicator', 'year', 'indicators', 'bars'];
  function dataKeyOf(params) {
    // The line chart draws the selected areas over the years: they come from the server.
    const line = params.get('chart') === 'line';
    return keyOf(params, DATA_PARAMS) + (line ? '&line&' + (params.get('areas') || '') : '');
  }

  function apply() {
    const params = readForm();
    query = toQuery(params);
    window.history.replaceState(null, '', config.urls.page + '?' + query);
    if (keyOf(params, MAP_PARAMS) !== mapKey) loadMap(params);
    if (dataKeyOf(params) !== dataKey) loadData(params);
    else drawChart();
  }

  function setStatus(text) { statusLine.textContent = text || ''; }

  // ---- the map ---------------------------------------------------------------------------------

  function loadMap(params) {
    mapKey = keyOf(params, MAP_PARAMS);
    const request = ++mapRequest;
    const mapParams = new URLSearchParams();
    ['year', 'level', 'method', 'classes', 'breaks'].forEach((name) => {
      if (params.get(name)) mapParams.set(name, params.get(name));
    });
    if (config.public) mapParams.set('public', '1');
    const url = config.urls.map.replace('/0/map/', '/' + params.get('indicator') + '/map/');
    setStatus(T.loading);
    document.getElementById('keck-breaks-error').textContent = '';
    fetch(url + '?' + toQuery(mapParams), { headers: { Accept: 'application/json' }, credentials: 'same-origin' })
      .then((response) => response.json().then((body) => ({ ok: response.ok, body })))
      .then(({ ok, body }) => {
        if (request !== mapRequest) return;
        setStatus('');
        if (!ok) {
          const message = Object.values(body).flat().join(' ') || T.loadFailed;
          document.getElementById('keck-breaks-error').textContent = message;
          legendElement.innerHTML = '<p class="keck-errors">' + esc(message) + '</p>';
          return;
        }
        drawMap(body);
      })
      .catch(() => { if (request === mapRequest) setStatus(T.loadFailed); });
  }

  function drawMap(body) {
    collection = body;
    layersByKey.clear();
    areaLayer.clearLayers();
    areaLayer.addData(body);
    if (levelShown !== body.level.slug) {
      const bounds = areaLayer.getBounds();
      if (bounds.isValid()) map.fitBounds(bounds, { padding: [8, 8] });
      else map.setView([51.2, 10.4], 6); // no geometry yet: Germany, the table has the values
      levelShown = body.level.slug;
    }
    document.getElementById('keck-map-subtitle').textContent = body.indicator.name + ' ' + body.year + ' · ' + body.level.name;
    document.getElementById('keck-map').setAttribute('aria-label', T.map + ': ' + body.indicator.name + ' ' + body.year);
    drawLegend(body);
    drawSource(body.source_note);
    drawBars();
  }

  function drawLegend(body) {
    const legend = body.legend;
    const items = legend.entries.map((entry) => {
      let swatch = 'background:' + entry.colour;
      let cls = 'keck-swatch';
      if (entry.kind === 'suppressed') cls += ' keck-swatch-hatched';
      if (entry.kind === 'missing') cls += ' keck-swatch-missing';
      const text = entry.kind === 'class' ? esc(entry.label) : esc(entry.label) + ' <span class="keck-muted">' + esc(entry.description) + '</span>';
      return '<li data-kind="' + entry.kind + '"><span class="' + cls + '" style="' + swatch + '" aria-hidden="true"></span>'
        + '<span class="keck-legend-label">' + text + '</span> <span class="keck-legend-count">(' + entry.count + ')</span></li>';
    });
    let html = '<h3>' + esc(legend.title) + (body.indicator.unit ? ' <span class="keck-muted">(' + esc(body.indicator.unit) + ')</span>' : '') + '</h3>'
      + '<p class="keck-muted keck-small">' + esc(legend.method_label) + '</p>'
      + '<ul class="keck-legend-list" aria-label="' + esc(T.legend) + '">' + items.join('') + '</ul>';
    if (body.reference) {
      html += '<p class="keck-small">' + esc(T.reference) + ': ' + esc(body.reference.name)
        + (body.reference.kind_label ? ' (' + esc(body.reference.kind_label) + ')' : '') + ': <strong>' + esc(body.reference.display) + '</strong></p>';
    }
    if (!body.valid_for_level) html += '<p class="keck-warning">' + esc(T.notValid) + '</p>';
    if (!body.features.some((f) => f.geometry)) html += '<p class="keck-warning">' + esc(T.noGeometry) + '</p>';
    legendElement.innerHTML = html;
  }

  function drawSource(note) {
    if (!note) { sourceElement.innerHTML = ''; return; }
    const text = note.url ? '<a href="' + esc(note.url) + '">' + esc(note.text) + '</a>' : esc(note.text);
    sourceElement.innerHTML = esc(T.geometries) + ' ' + text;
  }

  // Up to three further indicators as small columns at each area's inner point.
  function drawBars() {
    barLayer.clearLayers();
    const bars = data ? data.bars : [];
    if (!bars.length || !collection) { barsLegendElement.innerHTML = ''; return; }
    const height = 30; const width = 8; const gap = 2;
    collection.features.forEach((feature) => {
      const point = representativePoint(feature.geometry);
      if (!point) return;
      const key = feature.properties.key;
      let svg = '';
      bars.forEach((bar, i) => {
        const cell = bar.values[key];
        const x = i * (width + gap);
        if (!cell) return;
        if (cell[0] !== null && bar.max) {
          const h = Math.max(1, Math.round(height * Math.abs(cell[0]) / bar.max));
          svg += '<rect x="' + x + '" y="' + (height - h) + '" width="' + width + '" height="' + h + '" fill="' + bar.colour + '" stroke="#ffffff" stroke-width="1"/>';
        } else if (cell[2] === 'suppressed') {
          svg += '<rect x="' + x + '" y="' + (height - 6) + '" width="' + width + '" height="6" fill="url(#' + HATCH_ID + ')" stroke="#222" stroke-width="0.5"/>';
        }
      });
      if (!svg) return;
      const total = bars.length * (width + gap);
      svg = '<svg xmlns="http://www.w3.org/2000/svg" width="' + total + '" height="' + (height + 1) + '" aria-hidden="true">'
        + svg + '<line x1="0" x2="' + total + '" y1="' + (height + 0.5) + '" y2="' + (height + 0.5) + '" stroke="#222"/></svg>';
      L.marker(point, {
        icon: L.divIcon({ className: 'keck-bars-icon', html: svg, iconSize: [total, height + 1], iconAnchor: [total / 2, height + 1] }),
        interactive: false, keyboard: false,
      }).addTo(barLayer);
    });
    barsLegendElement.innerHTML = '<h3>' + esc(T.barsTitle) + '</h3><ul class="keck-legend-list">'
      + bars.map((bar) => '<li><span class="keck-swatch" style="background:' + bar.colour + '" aria-hidden="true"></span>'
        + esc(bar.label) + '</li>').join('') + '</ul><p class="keck-muted keck-small">' + esc(T.barsScale) + '</p>';
  }

  // ---- table, chart and bars: from the page itself ----------------------------------------------

  function loadData(params) {
    dataKey = dataKeyOf(params);
    const request = ++dataRequest;
    setStatus(T.loading);
    tableWrap.setAttribute('aria-busy', 'true');
    fetch(config.urls.page + '?' + toQuery(params) + '&partial=data', { headers: { Accept: 'application/json' }, credentials: 'same-origin' })
      .then((response) => { if (!response.ok) throw new Error(response.status); return response.json(); })
      .then((body) => {
        if (request !== dataRequest) return;
        setStatus('');
        tableWrap.removeAttribute('aria-busy');
        data = body;
        tableWrap.innerHTML = body.table_html;
        applySort();
        markTable();
        drawChart();
        drawBars();
      })
      .catch(() => { if (request === dataRequest) { setStatus(T.loadFailed); tableWrap.removeAttribute('aria-busy'); } });
  }

  // ---- the table -------------------------------------------------------------------------------

  function rowOf(key) {
    return tableWrap.querySelector('tr[data-key="' + (window.CSS && CSS.escape ? CSS.escape(key) : key) + '"]');
  }

  function markTable() {
    tableWrap.querySelectorAll('#keck-table-body tr[data-key]').forEach((row) => {
      const key = row.getAttribute('data-key');
      row.classList.toggle('is-selected', selected.has(key));
      row.classList.toggle('is-hovered', hovered === key);
      const box = row.querySelector('input.keck-select');
      if (box) box.checked = selected.has(key);
    });
  }

  function columnId(th) {
    return th.getAttribute('data-indicator') || 'area';
  }

  function sortBy(th, direction) {
    const table = th.closest('table');
    const body = table.querySelector('#keck-table-body');
    const index = th.cellIndex;
    const numeric = th.getAttribute('data-sort-type') === 'number';
    table.querySelectorAll('thead th[aria-sort]').forEach((other) => other.setAttribute('aria-sort', 'none'));
    th.setAttribute('aria-sort', direction);
    const factor = direction === 'ascending' ? 1 : -1;
    const rows = Array.from(body.rows);
    rows.sort((a, b) => {
      const va = a.cells[index].getAttribute('data-sort-value');
      const vb = b.cells[index].getAttribute('data-sort-value');
      // Areas without a number (k. A., –) always come last.
      if (va === null && vb === null) return 0;
      if (va === null) return 1;
      if (vb === null) return -1;
      if (numeric) return factor * (parseFloat(va) - parseFloat(vb));
      return factor * va.localeCompare(vb, 'de');
    });
    rows.forEach((row) => body.appendChild(row));
    sort = { column: columnId(th), direction };
  }

  function applySort() {
    if (!sort) return;
    const th = Array.from(tableWrap.querySelectorAll('thead th[aria-sort]')).find((cell) => columnId(cell) === sort.column);
    if (th) sortBy(th, sort.direction);
  }

  tableWrap.addEventListener('click', (event) => {
    const button = event.target.closest('button.keck-sort');
    if (!button) return;
    const th = button.closest('th');
    sortBy(th, th.getAttribute('aria-sort') === 'ascending' ? 'descending' : 'ascending');
  });
  tableWrap.addEventListener('mouseover', (event) => {
    const row = event.target.closest('#keck-table-body tr[data-key]');
    if (row) setHover(row.getAttribute('data-key'), 'table');
  });
  tableWrap.addEventListener('mouseleave', () => setHover(null, 'table'));
  tableWrap.addEventListener('focusin', (event) => {
    const row = event.target.closest('#keck-table-body tr[data-key]');
    setHover(row ? row.getAttribute('data-key') : null, 'table');
  });
  tableWrap.addEventListener('change', (event) => {
    if (event.target.matches('input.keck-select')) toggleSelect(event.target.value, event.target.checked);
  });

  // ---- the chart -------------------------------------------------------------------------------

  function referenceShape(value, axis, colour) {
    const line = { color: colour, width: 2, dash: 'dash' };
    if (axis === 'y') return { type: 'line', xref: 'paper', x0: 0, x1: 1, yref: 'y', y0: value, y1: value, line };
    return { type: 'line', yref: 'paper', y0: 0, y1: 1, xref: 'x', x0: value, x1: value, line };
  }

  function referenceNote(reference, axis, colour, index) {
    const text = reference.name + (reference.kind_label ? ' (' + reference.kind_label + ')' : '') + ': ' + reference.display;
    if (axis === 'y') {
      return { xref: 'paper', x: 1, xanchor: 'right', yref: 'y', y: reference.value, yanchor: 'bottom', text: esc(text), showarrow: false, font: { color: colour, size: 11 }, bgcolor: 'rgba(255,255,255,0.8)' };
    }
    return { yref: 'paper', y: 1 - index * 0.06, yanchor: 'top', xref: 'x', x: reference.value, xanchor: 'left', text: esc(text), showarrow: false, font: { color: colour, size: 11 }, bgcolor: 'rgba(255,255,255,0.8)' };
  }

  function chartType() { return form.elements.chart.value; }

  function drawChart() {
    if (!window.Plotly || !data) return;
    const chart = data.chart;
    const type = chartType();
    const keys = chart.areas.map((a) => a.key);
    const names = chart.areas.map((a) => a.name);
    const layout = {
      separators: ',.',
      margin: { l: 60, r: 20, t: 30, b: 90 },
      hovermode: 'closest',
      legend: { orientation: 'h', y: -0.25 },
      font: { family: 'Roboto, system-ui, sans-serif', size: 12 },
      colorway: CHART_COLOURS,
      shapes: [],
      annotations: [],
      height: 440,
    };
    const traces = [];
    chartTraces = [];
    chartNote.textContent = '';
    const indicators = chart.indicators.filter((indicator) => indicator.has_data);
    const totals = [];
    if (type === 'column' || type === 'bar') {
      const horizontal = type === 'bar';
      indicators.forEach((indicator, i) => {
        const colour = CHART_COLOURS[i % CHART_COLOURS.length];
        const values = indicator.values;
        traces.push({
          type: 'bar', orientation: horizontal ? 'h' : 'v', name: indicator.label,
          x: horizontal ? values : keys, y: horizontal ? keys : values,
          marker: { color: colour, line: { width: 0, color: '#000' } },
          customdata: chart.areas.map((area, j) => [area.key, area.name, indicator.displays[j]]),
          hovertemplate: '<b>%{customdata[1]}</b><br>%{customdata[2]}<extra>' + esc(indicator.label) + '</extra>',
        });
        chartTraces.push({ keys, kind: 'bar' });
        const suppressed = keys.filter((k, j) => indicator.statuses[j] === 'suppressed' && values[j] === null);
        if (suppressed.length) {
          const zeros = suppressed.map(() => 0);
          traces.push({
            type: 'scatter', mode: 'text', name: T.suppressed, showlegend: false, hoverinfo: 'skip',
            x: horizontal ? zeros : suppressed, y: horizontal ? suppressed : zeros,
            text: suppressed.map(() => T.suppressed), textposition: horizontal ? 'middle right' : 'top center',
            textfont: { color: '#444', size: 10 },
          });
          chartTraces.push({ keys: null, kind: 'text' });
        }
        if (indicator.reference && indicator.kind === 'count') {
          totals.push(T.totalNote.replace('%(name)s', indicator.reference.name + ' (' + indicator.label + ')')
            .replace('%(value)s', indicator.reference.display));
        } else if (indicator.reference) {
          layout.shapes.push(referenceShape(indicator.reference.value, horizontal ? 'x' : 'y', colour));
          layout.annotations.push(referenceNote(indicator.reference, horizontal ? 'x' : 'y', colour, i));
        }
      });
      const axis = { tickmode: 'array', tickvals: keys, ticktext: names, type: 'category', automargin: true };
      if (horizontal) {
        layout.yaxis = Object.assign(axis, { autorange: 'reversed' });
        layout.height = Math.max(440, 22 * keys.length + 120);
        layout.margin.l = 140;
      } else {
        layout.xaxis = axis;
      }
      layout.barmode = 'group';
    } else if (type === 'scatter') {
      if (indicators.length < 2) {
        chartNote.textContent = T.scatterNeedsTwo;
      } else {
        const x = indicators[0];
        layout.xaxis = { title: { text: esc(x.label) }, zeroline: false };
        layout.yaxis = { title: { text: esc(indicators.slice(1).map((i) => i.label).join(', ')) }, zeroline: false };
        const drawX = x.reference && x.kind !== 'count';
        if (drawX) layout.shapes.push(referenceShape(x.reference.value, 'x', '#666'));
        indicators.slice(1).forEach((y, i) => {
          const colour = CHART_COLOURS[(i + 1) % CHART_COLOURS.length];
          const both = keys.map((k, j) => x.values[j] !== null && y.values[j] !== null);
          const pointKeys = keys.filter((k, j) => both[j]);
          traces.push({
            type: 'scatter', mode: keys.length <= 20 ? 'markers+text' : 'markers', name: y.label,
            x: x.values.filter((v, j) => both[j]), y: y.values.filter((v, j) => both[j]),
            text: names.filter((n, j) => both[j]), textposition: 'top center', textfont: { size: 10 },
            marker: { color: colour, size: 10, line: { width: 0, color: '#000' } },
            customdata: chart.areas.map((area, j) => [area.key, area.name, x.displays[j], y.displays[j]]).filter((c, j) => both[j]),
            hovertemplate: '<b>%{customdata[1]}</b><br>' + esc(x.label) + ': %{customdata[2]}<br>' + esc(y.label) + ': %{customdata[3]}<extra></extra>',
          });
          chartTraces.push({ keys: pointKeys, kind: 'marker' });
          if (y.reference && y.kind !== 'count') layout.shapes.push(referenceShape(y.reference.value, 'y', colour));
        });
        if (drawX) layout.annotations.push(referenceNote(x.reference, 'x', '#666', 0));
      }
    } else if (type === 'line') {
      // One panel per indicator, one above the other on a shared time axis; an area keeps its
      // colour in every panel and has one entry in the legend.
      const series = (chart.series || []).filter((s) => s.years.length);
      const gap = 0.06;
      const size = series.length ? (1 - gap * (series.length - 1)) / series.length : 1;
      const colourOf = new Map();
      let referenceInLegend = false;
      series.forEach((s, i) => {
        const axis = i === 0 ? 'y' : 'y' + (i + 1);
        const top = 1 - i * (size + gap);
        layout[i === 0 ? 'yaxis' : 'yaxis' + (i + 1)] = {
          domain: [Math.max(0, top - size), top], title: { text: esc(s.label), font: { size: 11 } },
          automargin: true,
        };
        // A count's municipal total would dwarf the areas' lines: it stays in the table.
        if (s.kind !== 'count') {
          traces.push({
            type: 'scatter', mode: 'lines+markers', name: s.reference.name, yaxis: axis,
            legendgroup: 'reference', showlegend: !referenceInLegend,
            x: s.years, y: s.reference.values, line: { color: '#222222', dash: 'dash', width: 3 },
            customdata: s.years.map((year, j) => [null, s.reference.name, s.reference.displays[j]]),
            hovertemplate: '<b>%{customdata[1]}</b> %{x}<br>%{customdata[2]}<extra>' + esc(s.label) + '</extra>',
          });
          chartTraces.push({ keys: null, kind: 'reference' });
          referenceInLegend = true;
        }
        s.areas.forEach((area) => {
          if (!colourOf.has(area.key)) colourOf.set(area.key, CHART_COLOURS[colourOf.size % CHART_COLOURS.length]);
          traces.push({
            type: 'scatter', mode: 'lines+markers', name: area.name, yaxis: axis,
            legendgroup: area.key, showlegend: i === 0,
            x: s.years, y: area.values, line: { width: 2, color: colourOf.get(area.key) },
            marker: { color: colourOf.get(area.key) },
            customdata: s.years.map((year, j) => [area.key, area.name, area.displays[j]]),
            hovertemplate: '<b>%{customdata[1]}</b> %{x}<br>%{customdata[2]}<extra>' + esc(s.label) + '</extra>',
          });
          chartTraces.push({ keys: [area.key], kind: 'line' });
        });
      });
      layout.xaxis = { tickformat: 'd', dtick: 1, anchor: series.length > 1 ? 'y' + series.length : 'y' };
      layout.height = 200 + 240 * Math.max(1, series.length);
      layout.legend = { orientation: 'h', y: -0.08, yanchor: 'top' };
      if (!series.some((s) => s.areas.length)) chartNote.textContent = T.noSeries;
    }
    if (totals.length) chartNote.textContent = totals.join(' · ');
    if (!traces.length && !chartNote.textContent) chartNote.textContent = T.noData;
    window.Plotly.react(chartElement, traces, layout, {
      responsive: true, displaylogo: false, modeBarButtonsToRemove: ['select2d', 'lasso2d'],
    });
    if (!chartElement.keckBound) {
      chartElement.keckBound = true;
      chartElement.on('plotly_hover', (event) => setHover(pointKey(event.points[0]), 'chart'));
      chartElement.on('plotly_unhover', () => setHover(null, 'chart'));
      chartElement.on('plotly_click', (event) => {
        const key = pointKey(event.points[0]);
        if (key) toggleSelect(key);
      });
    }
    highlightChart();
  }

  function pointKey(point) {
    if (!point || !point.customdata) return null;
    return point.customdata[0];
  }

  function highlightChart() {
    if (!window.Plotly || !chartElement.data || !chartTraces.length) return;
    const indices = []; const widths = []; const colours = []; const opacities = [];
    chartTraces.forEach((trace, index) => {
      if (!trace.keys || trace.kind === 'text' || trace.kind === 'line') return;
      indices.push(index);
      widths.push(trace.keys.map((k) => (hovered === k || selected.has(k) ? 3 : 0)));
      colours.push(trace.keys.map((k) => (hovered === k ? HOVER_COLOUR : '#000000')));
      opacities.push(trace.keys.map((k) => (!selected.size || selected.has(k) || hovered === k ? 1 : 0.4)));
    });
    if (indices.length) {
      window.Plotly.restyle(chartElement, { 'marker.line.width': widths, 'marker.line.color': colours, 'marker.opacity': opacities }, indices);
    }
    const lineIndices = []; const lineWidths = [];
    chartTraces.forEach((trace, index) => {
      if (trace.kind !== 'line') return;
      lineIndices.push(index);
      lineWidths.push(hovered === trace.keys[0] ? 5 : 2);
    });
    if (lineIndices.length) window.Plotly.restyle(chartElement, { 'line.width': lineWidths }, lineIndices);
  }

  // ---- linked views ------------------------------------------------------------------------------

  function setHover(key, source) {
    if (hovered === key) return;
    const previous = hovered;
    hovered = key;
    if (previous) {
      restyle(previous);
      const layer = layersByKey.get(previous);
      if (layer && source !== 'map') layer.closeTooltip();
      const row = rowOf(previous);
      if (row) row.classList.remove('is-hovered');
    }
    if (key) {
      restyle(key);
      const layer = layersByKey.get(key);
      if (layer && source !== 'map' && layer.getElement()) layer.openTooltip();
      const row = rowOf(key);
      if (row) row.classList.add('is-hovered');
    }
    if (source !== 'chart') highlightChart();
  }

  function toggleSelect(key, force) {
    const on = force === undefined ? !selected.has(key) : force;
    if (on) selected.add(key); else selected.delete(key);
    document.getElementById('keck-areas').value = Array.from(selected).join(',');
    restyle(key);
    markTable();
    apply();
    highlightChart();
  }

  // ---- the controls ------------------------------------------------------------------------------

  function updateYears() {
    const select = form.elements.year;
    const indicator = form.elements.indicator.value;
    const years = config.years[indicator] || [];
    const current = parseInt(select.value, 10);
    select.innerHTML = years.map((y) => '<option value="' + y + '">' + y + '</option>').join('');
    select.value = String(years.includes(current) ? current : years[years.length - 1]);
  }

  function updateFurther() {
    const indicator = form.elements.indicator.value;
    let count = 0;
    form.querySelectorAll('input[name="indicators"]').forEach((box) => {
      const isMain = box.value === indicator;
      box.disabled = isMain;
      if (isMain) box.checked = false;
      if (box.checked) count += 1;
    });
    document.getElementById('keck-further-count').textContent = '(' + count + ')';
  }

  form.addEventListener('change', (event) => {
    const target = event.target;
    if (target.classList.contains('keck-select')) return;
    if (target.name === 'indicator') { updateYears(); updateFurther(); }
    if (target.name === 'indicators') updateFurther();
    if (target.name === 'method') document.getElementById('keck-breaks-field').hidden = target.value !== 'manual';
    apply();
  });
  form.addEventListener('submit', (event) => { event.preventDefault(); apply(); });

  // ---- start -------------------------------------------------------------------------------------

  // The shell's menu may open after the first drawing: follow the size of the card, not only of
  // the window.
  if (window.ResizeObserver) {
    let resizeTimer = null;
    new ResizeObserver(() => {
      window.clearTimeout(resizeTimer);
      resizeTimer = window.setTimeout(() => {
        if (window.Plotly && chartElement.data) window.Plotly.Plots.resize(chartElement);
        map.invalidateSize();
      }, 100);
    }).observe(chartElement.parentElement);
  }

  updateFurther();
  const start = readForm();
  query = toQuery(start);
  // Keeps an anchor such as #keck-table-title (a bookmark of the table jumps there).
  window.history.replaceState(null, '', config.urls.page + '?' + query + window.location.hash);
  dataKey = dataKeyOf(start);
  loadMap(start);
  drawChart();

  window.keckExplorerState = function () { return query; };
  window.keckExplorer = {
    map,
    municipality: config.municipality,
    public: config.public,
    state: window.keckExplorerState,
    select: toggleSelect,
    selected: () => Array.from(selected),
    addOverlay(name, layer, label) {
      if (!layersControl) layersControl = L.control.layers(null, null, { collapsed: false }).addTo(map);
      if (overlays.has(name)) {
        layersControl.removeLayer(overlays.get(name));
        map.removeLayer(overlays.get(name));
      }
      overlays.set(name, layer);
      layersControl.addOverlay(layer, label || name);
      layer.addTo(map);
      return layer;
    },
    removeOverlay(name) {
      const layer = overlays.get(name);
      if (!layer) return;
      layersControl.removeLayer(layer);
      map.removeLayer(layer);
      overlays.delete(name);
    },
  };
  document.dispatchEvent(new CustomEvent('keck:explorer-ready', { detail: window.keckExplorer }));
})();
