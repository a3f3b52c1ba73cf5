/* wardapp's side of the map page: reports on a canvas with clustering, the pin, the legend,
   and the QWebChannel bridge to the app. Python never rebuilds the page; it sends data. */
(function () {
  "use strict";
  var state = { leaflet: typeof L !== "undefined", ready: false, wardsDrawn: 0,
                wardsTotal: 0, reports: 0, drawnPoints: 0, drawnClusters: 0,
                lastRenderMs: 0, basemap: null, basemapUrl: null, tilesLoading: false,
                tilesLoaded: 0, tilesErrored: 0, errors: [] };
  window.addEventListener("error", function (e) { state.errors.push(String(e.message)); });

  var map, wards, config, bridge = null, index = null, renderer, reportsLayer, pin = null;
  var layerControl = null, basemap = null;
  var features = [], byId = {}, hidden = {}, ownWards = {};

  function send(name) {
    var args = Array.prototype.slice.call(arguments, 1);
    if (bridge && bridge[name]) { bridge[name].apply(bridge, args); }
  }

  function wardStyle(feature) {
    return ownWards[feature.properties.code] ? config.ownWardStyle : config.otherWardStyle;
  }

  function countDrawnWards() {
    var drawn = 0;
    wards.eachLayer(function (layer) { if (layer._parts && layer._parts.length) { drawn += 1; } });
    state.wardsDrawn = drawn;
    state.wardsTotal = wards.getLayers().length;
  }

  function pointMarker(feature) {
    var p = feature.properties, style = config.statuses[p.status] || config.statuses.pending;
    var marker = L.circleMarker([feature.geometry.coordinates[1], feature.geometry.coordinates[0]], {
      renderer: renderer, radius: 8, weight: 2, color: "#ffffff", fillColor: style.colour,
      fillOpacity: 0.95, shape: style.shape });
    marker.bindTooltip(escapeText((config.categories[p.category] || p.category) + " — " +
                                  p.date + " — " + style.label));
    marker.on("click", function (e) { L.DomEvent.stopPropagation(e); send("reportClicked", p.id); });
    return marker;
  }

  function clusterMarker(feature) {
    var count = feature.properties.point_count, size = count < 10 ? 30 : count < 100 ? 36 : 44;
    var marker = L.marker([feature.geometry.coordinates[1], feature.geometry.coordinates[0]], {
      icon: L.divIcon({ className: "wardmap-cluster", iconSize: [size, size],
                        html: "<span>" + feature.properties.point_count_abbreviated + "</span>" }),
      title: count + " reports here; click to zoom in", keyboard: true });
    marker.on("click", function (e) {
      L.DomEvent.stopPropagation(e);
      map.setView(e.latlng, Math.min(index.getClusterExpansionZoom(feature.id), 18));
    });
    return marker;
  }

  function render() {
    var started = performance.now();
    reportsLayer.clearLayers();
    state.drawnPoints = 0;
    state.drawnClusters = 0;
    if (index) {
      var b = map.getBounds().pad(0.2);
      var found = index.getClusters([b.getWest(), b.getSouth(), b.getEast(), b.getNorth()],
                                    Math.round(map.getZoom()));
      for (var i = 0; i < found.length; i++) {
        if (found[i].properties.cluster) {
          reportsLayer.addLayer(clusterMarker(found[i]));
          state.drawnClusters += 1;
        } else {
          reportsLayer.addLayer(pointMarker(found[i]));
          state.drawnPoints += 1;
        }
      }
    }
    state.lastRenderMs = performance.now() - started;
  }

  function rebuildIndex() {
    var shown = features.filter(function (f) { return !hidden[f.properties.category]; });
    index = new Supercluster({ radius: 40, extent: 256, maxZoom: 16 }).load(shown);
    render();
  }

  function setReports(json) {
    var items = JSON.parse(json);
    features = new Array(items.length);
    byId = {};
    for (var i = 0; i < items.length; i++) {
      var r = items[i];
      features[i] = { type: "Feature", geometry: { type: "Point", coordinates: [r.lon, r.lat] },
                      properties: { id: r.id, status: r.status, category: r.category, date: r.date } };
      byId[r.id] = features[i];
    }
    state.reports = items.length;
    rebuildIndex();
    updateLegendCounts();
  }

  function setPin(lat, lon) {
    if (!pin) {
      pin = L.marker([lat, lon], { draggable: true, keyboard: true, autoPan: true,
                                   title: "The new report's place; drag to move it",
                                   alt: "New report" }).addTo(map);
      pin.on("dragend", function () {
        var p = pin.getLatLng();
        send("pinMoved", p.lat, p.lng);
      });
    } else {
      pin.setLatLng([lat, lon]);
    }
  }

  function clearPin() { if (pin) { map.removeLayer(pin); pin = null; } }

  function focusReport(id) {
    var f = byId[id];
    if (!f) { return; }
    var latlng = [f.geometry.coordinates[1], f.geometry.coordinates[0]];
    map.setView(latlng, Math.max(map.getZoom(), 17));
    L.popup({ autoClose: true }).setLatLng(latlng)
      .setContent(escapeText(config.categories[f.properties.category] || f.properties.category))
      .openOn(map);
  }

  function setOwnWards(json) {
    ownWards = {};
    JSON.parse(json).forEach(function (code) { ownWards[code] = true; });
    wards.options.style = wardStyle;  // folium's resetStyle on mouseout then keeps it
    wards.setStyle(wardStyle);
  }

  function escapeText(text) {
    var box = document.createElement("span");
    box.textContent = String(text || "");
    return box.innerHTML;  // Leaflet puts names and attributions in as HTML
  }

  // The street map under the wards: tiles come from the app over wardtiles:, never the web.
  function setBasemap(json) {
    var cfg = json ? JSON.parse(json) : null;
    if (basemap) {
      layerControl.removeLayer(basemap);
      map.removeLayer(basemap);
      basemap = null;
    }
    state.basemap = cfg ? cfg.name : null;
    state.basemapUrl = cfg ? cfg.url : null;
    state.tilesLoaded = 0;
    state.tilesErrored = 0;
    state.tilesLoading = false;
    if (!cfg) { return; }
    var options = { minZoom: cfg.minZoom, maxZoom: cfg.maxZoom,
                    attribution: escapeText(cfg.attribution) };
    if (typeof cfg.maxNativeZoom === "number") { options.maxNativeZoom = cfg.maxNativeZoom; }
    if (cfg.bounds) { options.bounds = L.latLngBounds(cfg.bounds); }
    basemap = L.tileLayer(cfg.url, options);
    basemap.on("tileload", function () { state.tilesLoaded += 1; });
    basemap.on("tileerror", function () { state.tilesErrored += 1; });
    basemap.on("loading", function () { state.tilesLoading = true; });
    basemap.on("load", function () { state.tilesLoading = false; });
    basemap.addTo(map);  // the tile pane lies under the wards' overlay pane
    layerControl.addOverlay(basemap, escapeText(cfg.name || "Street map"));
  }

  function viewport() {
    var b = map.getBounds();
    return { west: b.getWest(), south: b.getSouth(), east: b.getEast(), north: b.getNorth(),
             zoom: map.getZoom() };
  }

  var legendCounts = {};
  function updateLegendCounts() {
    var counts = {};
    features.forEach(function (f) { counts[f.properties.category] = (counts[f.properties.category] || 0) + 1; });
    Object.keys(legendCounts).forEach(function (code) {
      legendCounts[code].textContent = counts[code] ? " (" + counts[code] + ")" : "";
    });
  }

  function addLegend() {
    var legend = L.control({ position: "bottomright" });
    legend.onAdd = function () {
      var box = L.DomUtil.create("details", "wardmap-legend");
      box.open = map.getSize().y >= 560;  // on a small map (or large text) it starts folded
      var html = "<summary>Legend</summary><div class='wardmap-legend-title'>My reports</div>";
      Object.keys(config.statuses).forEach(function (key) {
        var status = config.statuses[key];
        html += "<div>" + wardmapShapes.svg(status.shape, status.colour, 16) + " " +
                status.label + "</div>";
      });
      box.innerHTML = html;
      var categories = L.DomUtil.create("details", "wardmap-categories", box);
      categories.innerHTML = "<summary>Categories shown</summary>";
      Object.keys(config.categories).forEach(function (code) {
        var row = L.DomUtil.create("label", "wardmap-category", categories);
        var tick = L.DomUtil.create("input", "", row);
        tick.type = "checkbox";
        tick.checked = true;
        tick.setAttribute("aria-label", "Show " + config.categories[code]);
        tick.addEventListener("change", function () { hidden[code] = !tick.checked; rebuildIndex(); });
        row.appendChild(document.createTextNode(" " + config.categories[code]));
        legendCounts[code] = L.DomUtil.create("span", "", row);
      });
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      return box;
    };
    legend.addTo(map);
  }

  // Leaflet drops a zoom asked for while another is animating (the page's first fitBounds
  // animates just as the page says it is ready): such a request waits for it to end.
  function whenStill(call) {
    if (map._animatingZoom) {
      map.once("zoomend", function () { whenStill(call); });
    } else {
      call();
    }
  }

  function connectBridge() {
    if (typeof QWebChannel === "undefined" || typeof qt === "undefined") { return; }
    new QWebChannel(qt.webChannelTransport, function (channel) {
      bridge = channel.objects.bridge;
      bridge.reportsChanged.connect(setReports);
      bridge.pinRequested.connect(setPin);
      bridge.pinCleared.connect(clearPin);
      bridge.boundsRequested.connect(function (s, w, n, e) {
        whenStill(function () { map.fitBounds([[s, w], [n, e]]); });
      });
      bridge.viewRequested.connect(function (lat, lon, zoom) {
        whenStill(function () { map.setView([lat, lon], zoom); });
      });
      bridge.ownWardsChanged.connect(setOwnWards);
      bridge.reportFocused.connect(focusReport);
      bridge.basemapChanged.connect(setBasemap);
      state.ready = true;
      send("pageReady");
    });
  }

  window.wardmap = {
    state: state,
    init: function (leafletMap, wardLayer, pageConfig) {
      map = leafletMap;
      wards = wardLayer;
      window.wardmap.map = map;
      config = pageConfig;
      L.Icon.Default.imagePath = config.markerImages;
      renderer = L.canvas({ padding: 0.3 });
      reportsLayer = L.layerGroup().addTo(map);
      layerControl = L.control.layers(null, { "Wards": wards, "My reports": reportsLayer },
                                      { collapsed: false }).addTo(map);
      addLegend();
      map.on("moveend", render);
      map.on("click", function (e) {
        setPin(e.latlng.lat, e.latlng.lng);
        send("mapClicked", e.latlng.lat, e.latlng.lng);
      });
      map.whenReady(function () { setTimeout(countDrawnWards, 0); });
      map.on("moveend zoomend", countDrawnWards);
      connectBridge();
    },
    setReports: setReports,
    whenStill: whenStill,
    setBasemap: setBasemap,
    viewport: viewport
  };
})();
