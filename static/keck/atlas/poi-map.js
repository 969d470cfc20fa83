/* KECK: the maps of the points-of-interest pages (list, detail, edit form, offer analysis,
 * public page). Every element with data-keck-poi-map gets a Leaflet map; no tile server is
 * needed (the machines may be offline): the areas' outlines are the background.
 */
(function () {
  "use strict";

  const STATE_COLOURS = { gap: "#b2182b", served: "#f7f7f7", overlap: "#67a9cf" };

  function jsonFrom(id) {
    const element = id && document.getElementById(id);
    return element ? JSON.parse(element.textContent) : null;
  }

  function baseMap(element) {
    const map = L.map(element, { zoomSnap: 0.5, attributionControl: true });
    map.attributionControl.setPrefix(false);
    if (element.dataset.attribution) map.attributionControl.addAttribution(element.dataset.attribution);
    map.setView([51.2, 10.4], 6);
    element.keckMap = map; // for scripts and browser tests
    return map;
  }

  async function outlines(map, url, fit = true, interactive = true) {
    if (!url) return null;
    const response = await fetch(url, { credentials: "same-origin" });
    if (!response.ok) return null;
    const collection = await response.json();
    const layer = L.geoJSON(collection, {
      interactive,
      style: { color: "#555", weight: 1.2, fillColor: "#e9eef1", fillOpacity: 0.5 },
      onEachFeature(feature, shape) {
        if (feature.properties && feature.properties.name) {
          shape.bindTooltip(feature.properties.name, { sticky: true });
        }
      },
    }).addTo(map);
    if (fit && layer.getLayers().length) map.fitBounds(layer.getBounds(), { padding: [10, 10], animate: false });
    return layer;
  }

  async function listMap(element, texts) {
    const map = baseMap(element);
    const background = await outlines(map, element.dataset.outlineUrl);
    const layer = await window.keckPoiLayer.load(element.dataset.poiUrl, {
      texts,
      valuesUrl: element.dataset.valuesUrl || "",
    });
    layer.addTo(map);
    if (!background && layer.features.length) map.fitBounds(layer.getBounds().pad(0.2), { animate: false });
    const overlays = {};
    overlays[texts.layer || "POI"] = layer;
    if (background) overlays[element.dataset.outlineLabel || "Areas"] = background;
    L.control.layers(null, overlays, { collapsed: false }).addTo(map);
    element.keckPoiLayer = layer;
    element.dataset.ready = "true";
    return map;
  }

  async function detailMap(element, texts) {
    const map = baseMap(element);
    await outlines(map, element.dataset.outlineUrl, false);
    const feature = jsonFrom(element.dataset.featureId);
    const layer = new window.keckPoiLayer.PoiLayer(
      { features: [feature] },
      { texts, clusterBelowZoom: 0 },
    ).addTo(map);
    map.setView([feature.geometry.coordinates[1], feature.geometry.coordinates[0]], 13, {
      animate: false,
    });
    element.keckPoiLayer = layer;
    element.dataset.ready = "true";
  }

  async function formMap(element) {
    const map = baseMap(element);
    await outlines(map, element.dataset.outlineUrl, true, false);
    const lat = document.getElementById(element.dataset.latitude);
    const lon = document.getElementById(element.dataset.longitude);
    let marker = null;
    function place(latlng, pan) {
      if (!marker) {
        marker = L.marker(latlng, { draggable: true, title: element.dataset.markerTitle || "" });
        marker.on("dragend", () => write(marker.getLatLng()));
        marker.addTo(map);
      } else {
        marker.setLatLng(latlng);
      }
      if (pan) map.setView(latlng, Math.max(map.getZoom(), 13), { animate: false });
    }
    function write(latlng) {
      lat.value = latlng.lat.toFixed(6);
      lon.value = latlng.lng.toFixed(6);
    }
    function read() {
      const a = parseFloat((lat.value || "").replace(",", "."));
      const b = parseFloat((lon.value || "").replace(",", "."));
      if (Number.isFinite(a) && Number.isFinite(b)) place([a, b], true);
    }
    map.on("click", (event) => {
      place(event.latlng, false);
      write(event.latlng);
    });
    lat.addEventListener("change", read);
    lon.addEventListener("change", read);
    read();
    element.dataset.ready = "true";
  }

  async function analysisMap(element, texts) {
    const map = baseMap(element);
    const collection = jsonFrom(element.dataset.areasId) || { features: [] };
    const band = element.dataset.band;
    const names = jsonFrom(element.dataset.statesId) || {};
    const areas = L.geoJSON(collection, {
      style(feature) {
        const state = feature.properties.bands[band].state;
        return {
          color: "#333",
          weight: state === "overlap" ? 2.5 : 1,
          dashArray: state === "overlap" ? "6 4" : null,
          fillColor: STATE_COLOURS[state],
          fillOpacity: 0.75,
        };
      },
      onEachFeature(feature, shape) {
        const info = feature.properties.bands[band];
        shape.bindTooltip(
          `${feature.properties.name}: ${info.count} (${names[info.state] || info.state})`,
          { sticky: true },
        );
      },
    }).addTo(map);
    areas.eachLayer((shape) => {
      const info = shape.feature.properties.bands[band];
      L.tooltip({ permanent: true, direction: "center", className: "keck-poi-count" })
        .setLatLng(shape.getBounds().getCenter())
        .setContent(String(info.count))
        .addTo(map);
    });
    if (areas.getLayers().length) map.fitBounds(areas.getBounds(), { padding: [10, 10], animate: false });
    const overlays = {};
    overlays[element.dataset.areasLabel || "Areas"] = areas;
    if (element.dataset.poiUrl) {
      const layer = await window.keckPoiLayer.load(element.dataset.poiUrl, { texts });
      overlays[texts.layer || "POI"] = layer;
      element.keckPoiLayer = layer;
    }
    L.control.layers(null, overlays, { collapsed: false }).addTo(map);
    element.dataset.ready = "true";
  }

  const KINDS = { list: listMap, detail: detailMap, form: formMap, analysis: analysisMap };

  function start() {
    document.querySelectorAll("[data-keck-poi-map]").forEach((element) => {
      if (element.dataset.started) return;
      element.dataset.started = "true";
      const texts = window.keckPoiLayer.readTexts(document.getElementById("keck-poi-texts"));
      const init = KINDS[element.dataset.keckPoiMap];
      if (init) init(element, texts).catch((error) => console.error(error));
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
