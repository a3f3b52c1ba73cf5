/* wardapp's side of the map page: reports on a canvas with clustering, the pin, the legend,
   and the QWebChannel bridge to the app. Python never rebuilds the page; it sends data. */
(function () {
  "use strict";
  var state = { leaflet: typeof L !== "undefined", ready: false, wardsDrawn: 0,
                wardsTotal: 0, reports: 0, drawnPoints: 0, drawnClusters: 0,
                lastRenderMs: 0, basemap: null, basemapUrl: null, tilesLoading: false,
                tilesLoaded: 0, tilesErrored: 0, hotspots: 0, hotspotLabels: [],
                choropleth: null, reportsShown: true, errors: [] };
  window.addEventListener("error", function (e) { state.errors.push(String(e.message)); });

  var map, wards, config, bridge = null, index = null, renderer, reportsLayer, pin = null;
  var layerControl = null, basemap = null;
  var features = [], byId = {}, hidden = {}, ownWards = {};

  function send(name) {
    var args = Array.prototype.slice.call(arguments, 1);
    if (bridge && bridge[name]) { bridge[name].apply(bridge, args); }
  }

  function wardStyle(feature) {
    if (choropleth && choropleth.wards[feature.properties.code]) {
      return choroplethStyle(feature);
    }
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
    incoming = null;  // a whole list replaces one still coming in parts
    showReports(JSON.parse(json));
  }

  // A long list comes in parts, column by column, one app event-loop turn apart (the app's
  // window never waits on one big message); it is drawn once its last part is in. Part 0
  // starts a list, so the rest of a list the app stopped sending is dropped.
  var incoming = null;
  function addReportsPart(json) {
    var part = JSON.parse(json);
    if (part.index === 0) { incoming = []; }
    if (incoming === null) { return; }
    for (var i = 0; i < part.id.length; i++) {
      incoming.push({ id: part.id[i], lat: part.lat[i], lon: part.lon[i], status: part.status[i],
                      category: part.category[i], date: part.date[i] });
    }
    if (part.index === part.count - 1) {
      var items = incoming;
      incoming = null;
      showReports(items);
    }
  }

  function showReports(items) {
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

  // --- anonymised summaries: hot-spot hexagons and every ward's total ------------------
  // The app sends both ready to draw (texts, colours, legend); nothing here counts anything.
  var hotspotLayer = null, choropleth = null, choroplethLayer = null, choroplethLegend = null;
  var hatch = null, reportsSetAside = false;

  // The user's own markers would hide the summary's labels: they step aside while it is
  // shown (the layer control can bring them back) and return when it is cleared.
  function setReportsAside() {
    if (map.hasLayer(reportsLayer)) { map.removeLayer(reportsLayer); reportsSetAside = true; }
    state.reportsShown = map.hasLayer(reportsLayer);
  }

  function bringReportsBack() {
    if (reportsSetAside && !map.hasLayer(reportsLayer)) { reportsLayer.addTo(map); }
    reportsSetAside = false;
    state.reportsShown = map.hasLayer(reportsLayer);
  }

  function labelMarker(lat, lon, text, className) {
    return L.marker([lat, lon], {
      icon: L.divIcon({ className: className, iconSize: [0, 0],
                        html: "<span>" + escapeText(text) + "</span>" }),
      interactive: false, keyboard: false });
  }

  function clearHotspots() {
    if (hotspotLayer) {
      layerControl.removeLayer(hotspotLayer);
      map.removeLayer(hotspotLayer);
      hotspotLayer = null;
    }
    state.hotspots = 0;
    state.hotspotLabels = [];
  }

  function setHotspots(json) {
    clearHotspots();
    var data = json ? JSON.parse(json) : null;
    if (!data || !data.features || !data.features.length) { return; }
    hotspotLayer = L.layerGroup();
    L.geoJSON(data, {
      style: function () { return config.hotspotStyle; },
      onEachFeature: function (feature, layer) {
        var p = feature.properties;
        layer.bindTooltip(escapeText(p.tooltip), { sticky: true });
        var centre = layer.getBounds().getCenter();
        hotspotLayer.addLayer(labelMarker(centre.lat, centre.lng, p.label, "wardmap-hex-label"));
        state.hotspotLabels.push(p.label);
      }
    }).eachLayer(function (layer) { hotspotLayer.addLayer(layer); });
    hotspotLayer.addTo(map);
    layerControl.addOverlay(hotspotLayer, escapeText(data.title || "Hot spots"));
    setReportsAside();
    state.hotspots = data.features.length;
  }

  // Wards whose number is not shown get a hatched fill on the canvas (a grey one elsewhere).
  function hatchFill() {
    var onCanvas = false;
    wards.eachLayer(function (layer) { onCanvas = onCanvas || layer._renderer instanceof L.Canvas; });
    if (!onCanvas) { return "#9e9e9e"; }
    if (!hatch) {
      var tile = document.createElement("canvas");
      tile.width = tile.height = 8;
      var ctx = tile.getContext("2d");
      ctx.fillStyle = "#d9d9d9";
      ctx.fillRect(0, 0, 8, 8);
      ctx.strokeStyle = "#6b6b6b";
      ctx.lineWidth = 1.5;
      ctx.beginPath();
      ctx.moveTo(0, 8); ctx.lineTo(8, 0);
      ctx.moveTo(-2, 2); ctx.lineTo(2, -2);
      ctx.moveTo(6, 10); ctx.lineTo(10, 6);
      ctx.stroke();
      hatch = ctx.createPattern(tile, "repeat");
    }
    return hatch;
  }

  function choroplethStyle(feature) {
    var entry = choropleth.wards[feature.properties.code];
    var own = ownWards[feature.properties.code];
    return { color: own ? config.ownWardStyle.color : "#4d4d4d", weight: own ? 3 : 1.2,
             fillColor: entry.hidden ? hatchFill() : entry.fill,
             fillOpacity: entry.hidden ? 0.7 : 0.8 };
  }

  function legendControl(data) {
    var legend = L.control({ position: "topleft" });  // clear of the reports legend
    legend.onAdd = function () {
      // Folded on a small map (or with large text), like the reports' legend.
      var box = L.DomUtil.create("details", "wardmap-legend wardmap-choropleth-legend");
      box.open = map.getSize().y >= 560;
      var html = "<summary>" + escapeText(data.title) + "</summary>";
      data.legend.forEach(function (item) {
        var swatch = item.hidden ? "wardmap-swatch wardmap-swatch-hatched" : "wardmap-swatch";
        var colour = item.hidden ? "" : " style='background:" + escapeText(item.fill) + "'";
        html += "<div><span class='" + swatch + "'" + colour + "></span>" +
                escapeText(item.text) + "</div>";
      });
      box.innerHTML = html;
      L.DomEvent.disableClickPropagation(box);
      return box;
    };
    return legend;
  }

  function clearChoropleth() {
    if (choroplethLayer) { map.removeLayer(choroplethLayer); choroplethLayer = null; }
    if (choroplethLegend) { choroplethLegend.remove(); choroplethLegend = null; }
    choropleth = null;
    state.choropleth = null;
    wards.options.style = wardStyle;
    wards.setStyle(wardStyle);
  }

  function setChoropleth(json) {
    clearChoropleth();
    var data = json ? JSON.parse(json) : null;
    if (!data) { return; }
    choropleth = data;
    wards.options.style = wardStyle;  // folium's resetStyle on mouseout keeps the fill
    wards.setStyle(wardStyle);
    choroplethLayer = L.layerGroup();
    data.labels.forEach(function (item) {
      var marker = labelMarker(item.lat, item.lon, item.text, "wardmap-ward-total");
      marker.wardCode = item.code;
      choroplethLayer.addLayer(marker);
    });
    choroplethLayer.addTo(map);
    choroplethLegend = legendControl(data).addTo(map);
    setReportsAside();
    state.choropleth = { title: data.title, wards: Object.keys(data.wards).length,
                         legend: data.legend.map(function (item) { return item.text; }),
                         labels: data.labels.map(function (item) { return item.text; }),
                         labelsHidden: 0 };
    fitWardLabels();
  }

  // A ward's number is written on it only where it fits inside the ward at this zoom (the
  // table in the app lists every one); otherwise small wards' labels would pile up.
  function fitWardLabels() {
    if (!choroplethLayer) { return; }
    var widths = {};
    wards.eachLayer(function (layer) {
      var b = layer.getBounds();
      widths[layer.feature.properties.code] =
        map.latLngToContainerPoint(b.getNorthEast()).x - map.latLngToContainerPoint(b.getSouthWest()).x;
    });
    var hidden = 0;
    choroplethLayer.eachLayer(function (marker) {
      var box = marker.getElement() && marker.getElement().firstChild;
      if (!box) { return; }
      var fits = box.offsetWidth <= 0.8 * (widths[marker.wardCode] || 0);
      box.style.visibility = fits ? "visible" : "hidden";
      hidden += fits ? 0 : 1;
    });
    if (state.choropleth) { state.choropleth.labelsHidden = hidden; }
  }

  // What each ward is filled with now: a colour, "hatched", or null (no overview shown).
  function wardFills() {
    var fills = {};
    wards.eachLayer(function (layer) {
      var fill = choropleth ? layer.options.fillColor : null;
      fills[layer.feature.properties.code] = typeof fill === "string" || fill === null
        ? fill : "hatched";
    });
    return fills;
  }

  function clearSummary() { clearHotspots(); clearChoropleth(); bringReportsBack(); }

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
      bridge.reportsPart.connect(addReportsPart);
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
      bridge.hotspotsChanged.connect(setHotspots);
      bridge.choroplethChanged.connect(setChoropleth);
      bridge.summaryCleared.connect(clearSummary);
      state.ready = true;
      send("pageReady");
    });
  }

  window.wardmap = {
    state: state,
    init: function (leafletMap, wardLayer, pageConfig) {
      map = leafletMap;
      wards = wardLayer;
      // A ward's name, from a boundary file or the store, is shown as text, never as HTML.
      wards.eachLayer(function (layer) {
        var name = document.createElement("span");
        name.textContent = String(layer.feature.properties.name || "");
        layer.bindTooltip(name, { sticky: true, className: "wardmap-ward-name" });
      });
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
      map.on("zoomend", fitWardLabels);
      connectBridge();
    },
    setReports: setReports,
    whenStill: whenStill,
    setBasemap: setBasemap,
    setHotspots: setHotspots,
    setChoropleth: setChoropleth,
    clearSummary: clearSummary,
    wardFills: wardFills,
    viewport: viewport
  };
})();
