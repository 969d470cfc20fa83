/* KECK: points of interest as a Leaflet layer.
 *
 * Markers show the category's letter in its colour (L.divIcon); below CLUSTER_BELOW_ZOOM nearby
 * points are grouped in a screen grid and drawn as one numbered circle that zooms in on click.
 * A popup lists the attributes. The layer adds itself to the atlas explorer when
 * `window.keckExplorer.addOverlay(name, layer, label)` exists; pages without the explorer use
 * `window.keckPoiLayer.load(url, options)` directly. With `options.valuesUrl` (the API address
 * of POI 0's values, `/pois/0/values/`), an opened popup also shows the institution's own
 * values over the years as small lines, fetched once per POI; the server has already hidden
 * what the viewer may not see, and those years are gaps. Below them, in small text, the
 * citation of every released year shown (`citation.text` of the API, German).
 */
(function () {
  "use strict";

  const CLUSTER_BELOW_ZOOM = 13;
  const CELL_PIXELS = 60;
  const DEFAULT_TEXTS = {
    layer: "Points of interest",
    category: "Category",
    provider: "Provider",
    address: "Address",
    capacity: "Places",
    ages: "Target age",
    agesFrom: "from {age} years",
    agesTo: "under {age} years",
    agesRange: "{from} to under {to} years",
    targetGroup: "Target group",
    openingHours: "Opening hours",
    website: "Website",
    contact: "Contact",
    notes: "Notes on the concept",
    areas: "Areas",
    internal: "internal (not released)",
    details: "Details",
    cluster: "{count} points of interest: zoom in",
    values: "Values of the institution",
    cite: "How to cite",
  };
  const SVG_NS = "http://www.w3.org/2000/svg";

  function esc(value) {
    return String(value === null || value === undefined ? "" : value)
      .replace(/&/g, "&amp;")
      .replace(/</g, "&lt;")
      .replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;")
      .replace(/'/g, "&#39;");
  }

  // Texts name their values in braces: "{from} to under {to} years".
  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, (match, name) =>
      name in values ? esc(values[name]) : match,
    );
  }

  function ageText(p, t) {
    const from = p.target_age_min;
    const to = p.target_age_max;
    if (from !== null && to !== null) return fill(t.agesRange, { from, to });
    if (from !== null) return fill(t.agesFrom, { age: from });
    if (to !== null) return fill(t.agesTo, { age: to });
    return "";
  }

  function safeUrl(url) {
    return /^https?:\/\//i.test(url || "") ? url : "";
  }

  function popupHtml(p, t, values) {
    const rows = [];
    const row = (label, html) => {
      if (html) rows.push(`<tr><th scope="row">${esc(label)}</th><td>${html}</td></tr>`);
    };
    row(t.category, esc(p.category_name));
    row(t.provider, esc(p.provider));
    const place = [p.postcode, p.city].filter(Boolean).join(" ");
    row(t.address, [esc(p.address), esc(place)].filter(Boolean).join(", "));
    row(t.capacity, p.capacity === null || p.capacity === undefined ? "" : esc(p.capacity));
    row(t.ages, ageText(p, t));
    row(t.targetGroup, esc(p.target_group));
    row(t.openingHours, esc(p.opening_hours));
    const website = safeUrl(p.website);
    row(t.website, website ? `<a href="${esc(website)}" rel="noopener" target="_blank">${esc(website)}</a>` : "");
    row(t.contact, esc(p.contact));
    row(t.notes, esc(p.concept_notes));
    row(t.areas, (p.areas || []).filter((a) => a.depth > 0).map((a) => esc(a.name)).join(" · "));
    const internal = p.released === false ? `<p class="keck-poi-internal">${esc(t.internal)}</p>` : "";
    const links = [];
    if (p.url) links.push(`<a href="${esc(p.url)}">${esc(t.details)}</a>`);
    // The social area profile (Sozialraumprofil): internal or public, as the server decided.
    if (p.profile_url) links.push(`<a href="${esc(p.profile_url)}">${esc(t.profile || "Profile")}</a>`);
    const link = links.length ? `<p>${links.join(" · ")}</p>` : "";
    return (
      `<div class="keck-poi-popup"><h3>${esc(p.name)}</h3>${internal}` +
      `<table>${rows.join("")}</table>` +
      (values === undefined
        ? ""
        : `<div class="keck-poi-values" data-ready="${values === null ? "false" : "true"}">` +
          `${values || ""}</div>`) +
      `${link}</div>`
    );
  }

  // A small line over the years as SVG markup: gaps where a year is "k. A." or missing.
  function sparkline(points, label) {
    const width = 120;
    const height = 28;
    const pad = 3;
    const described = points.map((q) => `${q.year} ${q.display}`).join(", ");
    const open =
      `<svg class="keck-institution-spark" width="${width}" height="${height}" ` +
      `viewBox="0 0 ${width} ${height}" role="img" aria-label="${esc(label)}: ${esc(described)}">`;
    const visible = points.filter((q) => q.value !== null);
    if (!visible.length) return `${open}</svg>`;
    const low = Math.min(...visible.map((q) => q.value));
    const high = Math.max(...visible.map((q) => q.value));
    const span = high - low || 1;
    const step = (width - 2 * pad) / Math.max(points.length - 1, 1);
    let path = "";
    let dots = "";
    let penDown = false;
    points.forEach((q, index) => {
      if (q.value === null) {
        penDown = false;
        return;
      }
      const x = (points.length > 1 ? pad + index * step : width / 2).toFixed(1);
      const y = (height - pad - ((q.value - low) / span) * (height - 2 * pad)).toFixed(1);
      path += `${penDown ? "L" : "M"}${x},${y} `;
      dots += `<circle cx="${x}" cy="${y}" r="2.5" fill="#1d5c7a"></circle>`;
      penDown = true;
    });
    return (
      `${open}<path d="${path.trim()}" fill="none" stroke="#1d5c7a" stroke-width="2"></path>` +
      `${dots}</svg>`
    );
  }

  function valuesHtml(series, t) {
    if (!series || !series.length) return "";
    const rows = series.map((entry) => {
      const latest = entry.points[entry.points.length - 1];
      return (
        `<p class="keck-poi-value">${esc(entry.label)}<br>${sparkline(entry.points, entry.label)}` +
        `<span class="keck-poi-value-latest"> ${esc(latest.year)}: ${esc(latest.display)}</span></p>`
      );
    });
    // Every released year shown is cited (the server gives null for the others), in German.
    const cited = [];
    series.forEach((entry) =>
      entry.points.forEach((q) => {
        if (q.citation && !cited.includes(q.citation.text)) cited.push(q.citation.text);
      }),
    );
    const citations = cited.length
      ? `<div class="keck-poi-citation"><strong>${esc(t.cite)}:</strong> ` +
        `${cited.map((text) => `<span>${esc(text)}</span>`).join(" ")}</div>`
      : "";
    return `<h4>${esc(t.values)}</h4>${rows.join("")}${citations}`;
  }

  function poiIcon(p) {
    const colour = /^#[0-9a-f]{6}$/i.test(p.color || "") ? p.color : "#1d5c7a";
    return L.divIcon({
      className: "keck-poi-marker",
      html: `<span style="background:${colour}">${esc((p.icon || "•").slice(0, 2))}</span>`,
      iconSize: [26, 26],
      iconAnchor: [13, 13],
      popupAnchor: [0, -12],
    });
  }

  function clusterIcon(count) {
    const size = count < 10 ? 32 : count < 100 ? 38 : 44;
    return L.divIcon({
      className: "keck-poi-cluster",
      html: `<span>${count}</span>`,
      iconSize: [size, size],
      iconAnchor: [size / 2, size / 2],
    });
  }

  const PoiLayer = L.LayerGroup.extend({
    options: { clusterBelowZoom: CLUSTER_BELOW_ZOOM, cellPixels: CELL_PIXELS, texts: {} },

    initialize(collection, options) {
      L.LayerGroup.prototype.initialize.call(this, [], options);
      this.texts = Object.assign({}, DEFAULT_TEXTS, this.options.texts || {});
      this.features = (collection.features || []).filter(
        (f) => f.geometry && f.geometry.type === "Point",
      );
    },

    onAdd(map) {
      L.LayerGroup.prototype.onAdd.call(this, map);
      map.on("zoomend", this.redraw, this);
      this.redraw();
    },

    onRemove(map) {
      map.off("zoomend", this.redraw, this);
      L.LayerGroup.prototype.onRemove.call(this, map);
    },

    getBounds() {
      return L.latLngBounds(
        this.features.map((f) => [f.geometry.coordinates[1], f.geometry.coordinates[0]]),
      );
    },

    marker(feature) {
      const p = feature.properties;
      const latlng = [feature.geometry.coordinates[1], feature.geometry.coordinates[0]];
      const marker = L.marker(latlng, {
        icon: poiIcon(p),
        title: `${p.name} (${p.category_name})`,
        alt: p.name,
        keyboard: true,
        riseOnHover: true,
      });
      marker.feature = feature;
      // With a values URL the popup holds the institution's values once they are loaded
      // (null until then); the content is built anew on every update.
      const values = () =>
        this.options.valuesUrl ? (this._valuesHtml && this._valuesHtml.get(p.id)) ?? null : undefined;
      marker.bindPopup(() => popupHtml(p, this.texts, values()), {
        maxWidth: 280,
        autoPanPaddingTopLeft: L.point(50, 20),
        autoPanPaddingBottomRight: L.point(20, 20),
      });
      if (this.options.valuesUrl) marker.on("popupopen", (event) => this.showValues(event.popup, p));
      return marker;
    },

    showValues(popup, p) {
      this._valuesHtml = this._valuesHtml || new Map();
      if (this._valuesHtml.has(p.id)) return;
      this._loading = this._loading || new Map();
      if (!this._loading.has(p.id)) {
        const url = this.options.valuesUrl.replace("/0/values/", `/${encodeURIComponent(p.id)}/values/`);
        this._loading.set(
          p.id,
          fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
            .then((response) => (response.ok ? response.json() : []))
            .catch(() => []),
        );
      }
      this._loading.get(p.id).then((series) => {
        this._valuesHtml.set(p.id, valuesHtml(series, this.texts));
        if (popup.isOpen()) popup.update();
      });
    },

    redraw() {
      const map = this._map;
      if (!map) return;
      const open = map._popup && map._popup._source && map._popup._source.feature;
      this.clearLayers();
      const zoom = map.getZoom();
      if (zoom >= this.options.clusterBelowZoom || this.features.length < 2) {
        this.features.forEach((f) => this.addLayer(this.marker(f)));
        return;
      }
      const size = this.options.cellPixels;
      const cells = new Map();
      for (const feature of this.features) {
        const [lng, lat] = feature.geometry.coordinates;
        const point = map.project([lat, lng], zoom);
        const key = `${Math.floor(point.x / size)}:${Math.floor(point.y / size)}`;
        if (!cells.has(key)) cells.set(key, { members: [], x: 0, y: 0 });
        const cell = cells.get(key);
        cell.members.push(feature);
        cell.x += point.x;
        cell.y += point.y;
      }
      // Neighbouring cells whose points lie close to the shared edge would draw overlapping
      // circles: merge groups whose centres are nearer than most of a cell, largest first.
      const groups = [];
      const byCount = Array.from(cells.values()).sort((a, b) => b.members.length - a.members.length);
      for (const cell of byCount) {
        const x = cell.x / cell.members.length;
        const y = cell.y / cell.members.length;
        const near = groups.find((g) => Math.hypot(g.x - x, g.y - y) < size * 0.75);
        if (near) {
          const total = near.members.length + cell.members.length;
          near.x = (near.x * near.members.length + x * cell.members.length) / total;
          near.y = (near.y * near.members.length + y * cell.members.length) / total;
          near.members.push(...cell.members);
        } else {
          groups.push({ members: cell.members, x, y });
        }
      }
      for (const { members } of groups) {
        if (members.length === 1) {
          this.addLayer(this.marker(members[0]));
          continue;
        }
        const bounds = L.latLngBounds(
          members.map((f) => [f.geometry.coordinates[1], f.geometry.coordinates[0]]),
        );
        const cluster = L.marker(bounds.getCenter(), {
          icon: clusterIcon(members.length),
          title: fill(this.texts.cluster, { count: members.length }),
          keyboard: true,
        });
        cluster.on("click", () => {
          const target = Math.max(zoom + 2, this.options.clusterBelowZoom);
          if (bounds.getNorthEast().equals(bounds.getSouthWest())) {
            map.setView(bounds.getCenter(), target);
          } else {
            map.fitBounds(bounds.pad(0.3), { maxZoom: target });
          }
        });
        this.addLayer(cluster);
      }
      if (open) {
        // Keep the popup of a point that is still drawn on its own.
        this.eachLayer((layer) => {
          if (layer.feature === open) layer.openPopup();
        });
      }
    },

    openPopupOf(id) {
      const feature = this.features.find((f) => f.properties.id === id);
      if (!feature || !this._map) return null;
      const [lng, lat] = feature.geometry.coordinates;
      this._map.setView([lat, lng], Math.max(this._map.getZoom(), this.options.clusterBelowZoom));
      let found = null;
      this.eachLayer((layer) => {
        if (layer.feature === feature) found = layer;
      });
      if (found) found.openPopup();
      return found;
    },
  });

  function readTexts(element) {
    if (!element) return {};
    try {
      return JSON.parse(element.textContent);
    } catch (error) {
      return {};
    }
  }

  async function load(url, options) {
    const response = await fetch(url, {
      credentials: "same-origin",
      headers: { Accept: "application/geo+json" },
    });
    if (!response.ok) throw new Error(`POIs: HTTP ${response.status}`);
    return new PoiLayer(await response.json(), options || {});
  }

  window.keckPoiLayer = { PoiLayer, load, popupHtml, readTexts, CLUSTER_BELOW_ZOOM };

  // The atlas explorer: a script tag with data-poi-url adds the layer as a toggleable overlay.
  const script = document.currentScript;
  const url = script && script.dataset.poiUrl;
  if (!url) return;
  const texts = readTexts(document.getElementById(script.dataset.textsId || "keck-poi-texts"));
  const valuesUrl = script.dataset.valuesUrl || "";
  let hooked = false;
  function hook() {
    const explorer = window.keckExplorer;
    if (hooked || !explorer || typeof explorer.addOverlay !== "function") return false;
    hooked = true;
    load(url, { texts, valuesUrl })
      .then((layer) => explorer.addOverlay("pois", layer, texts.layer || DEFAULT_TEXTS.layer))
      .catch((error) => console.error(error));
    return true;
  }
  if (!hook()) {
    document.addEventListener("keck:explorer-ready", hook);
    document.addEventListener("DOMContentLoaded", hook);
    window.addEventListener("load", hook);
  }
})();
