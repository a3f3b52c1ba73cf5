/* Report markers with a shape as well as a colour for each status, so colour is never the
   only signal (colour-blind readers, greyscale print, glare on a laptop screen).

   Leaflet's circle marker gains one option, `shape`: "circle" (or none), "square",
   "diamond", "triangle", "triangle-down", "star", "hexagon", "plus" or "cross" (hexagon is
   hard to tell from a circle at marker size: keep it for large symbols). The canvas and SVG
   renderers draw that outline instead of a circle, about the same area as the circle of the
   same radius; clicks, tooltips and clustering work as before. Nothing else changes: a
   marker without `shape` is drawn exactly as Leaflet draws it.

   wardmapShapes.svg(shape, colour, sizePx) gives the same outline as inline SVG, for the
   legend, so the legend and the map always agree. Load after leaflet.js. */
(function () {
  "use strict";
  if (typeof L === "undefined") { return; }

  // Outlines in units of the marker's radius, y pointing down, centred on the marker.
  function regular(sides, reach, turn) {
    var points = [];
    for (var i = 0; i < sides; i++) {
      var a = turn + i * 2 * Math.PI / sides;
      points.push([reach * Math.sin(a), -reach * Math.cos(a)]);
    }
    return points;
  }

  function star(points, outer, inner) {
    var outline = [];
    for (var i = 0; i < points * 2; i++) {
      var r = i % 2 ? inner : outer, a = i * Math.PI / points;
      outline.push([r * Math.sin(a), -r * Math.cos(a)]);
    }
    return outline;
  }

  function plus(reach, half) {  // a + whose arms are 2 * half wide
    return [[-half, -reach], [half, -reach], [half, -half], [reach, -half], [reach, half],
            [half, half], [half, reach], [-half, reach], [-half, half], [-reach, half],
            [-reach, -half], [-half, -half]];
  }

  function cross(reach, half) {  // an X: the + turned 45 degrees
    var c = Math.SQRT1_2;
    return plus(reach, half).map(function (p) { return [c * (p[0] - p[1]), c * (p[0] + p[1])]; });
  }

  var SHAPES = {
    square: regular(4, 1.25, Math.PI / 4),
    diamond: regular(4, 1.3, 0),
    triangle: regular(3, 1.55, 0),
    "triangle-down": regular(3, 1.55, Math.PI),
    star: star(5, 1.6, 0.7),
    hexagon: regular(6, 1.1, 0),
    plus: plus(1.4, 0.45),
    cross: cross(1.45, 0.42)
  };
  var REACH = {};  // how far each outline goes past the radius, for the canvas's redraw box
  Object.keys(SHAPES).forEach(function (name) {
    REACH[name] = Math.max.apply(null, SHAPES[name].map(function (p) {
      return Math.sqrt(p[0] * p[0] + p[1] * p[1]);
    }));
  });

  function outlineOf(layer) { return SHAPES[layer.options.shape] || null; }

  var circleBounds = L.CircleMarker.prototype._updateBounds;
  L.CircleMarker.include({
    _updateBounds: function () {
      circleBounds.call(this);
      var reach = REACH[this.options.shape];
      if (reach > 1 && this._pxBounds) {
        var extra = L.point(this._radius * (reach - 1), this._radius * (reach - 1));
        this._pxBounds = L.bounds(this._pxBounds.min.subtract(extra),
                                  this._pxBounds.max.add(extra));
      }
    }
  });

  var canvasCircle = L.Canvas.prototype._updateCircle;
  L.Canvas.include({
    _updateCircle: function (layer) {
      var outline = outlineOf(layer);
      if (!outline) { return canvasCircle.call(this, layer); }
      if (!this._drawing || layer._empty()) { return; }
      var p = layer._point, r = Math.max(Math.round(layer._radius), 1), ctx = this._ctx;
      ctx.beginPath();
      for (var i = 0; i < outline.length; i++) {
        ctx[i ? "lineTo" : "moveTo"](p.x + outline[i][0] * r, p.y + outline[i][1] * r);
      }
      ctx.closePath();
      this._fillStroke(ctx, layer);
    }
  });

  function pathData(outline, x, y, r) {
    return outline.map(function (q, i) {
      return (i ? "L" : "M") + (x + q[0] * r).toFixed(2) + "," + (y + q[1] * r).toFixed(2);
    }).join("") + "Z";
  }

  if (L.SVG) {
    var svgCircle = L.SVG.prototype._updateCircle;
    L.SVG.include({
      _updateCircle: function (layer) {
        var outline = outlineOf(layer);
        if (!outline) { return svgCircle.call(this, layer); }
        var p = layer._point, r = Math.max(Math.round(layer._radius), 1);
        this._setPath(layer, layer._empty() ? "M0 0" : pathData(outline, p.x, p.y, r));
      }
    });
  }

  window.wardmapShapes = {
    names: ["circle"].concat(Object.keys(SHAPES)),
    /* Inline SVG of one marker for the legend: `colour` filled, white edge, dark outline. */
    svg: function (shape, colour, sizePx) {
      var size = sizePx || 16, outline = SHAPES[shape], max = REACH[shape] || 1;
      var r = (size / 2 - 2) / max, c = size / 2;
      var body = outline ? "<path d='" + pathData(outline, c, c, r) + "'"
                         : "<circle cx='" + c + "' cy='" + c + "' r='" + r.toFixed(2) + "'";
      var safeColour = /^#[0-9a-fA-F]{3,8}$/.test(colour) ? colour : "#777777";
      return "<svg class='wardmap-shape' width='" + size + "' height='" + size +
             "' viewBox='0 0 " + size + " " + size + "' aria-hidden='true' focusable='false'" +
             " style='vertical-align: middle; margin-right: 0.4rem'>" +
             body + " fill='" + safeColour + "' stroke='#333333' stroke-width='1.5'/></svg>";
    }
  };
})();
