/* Keyboard use of the map: a crosshair, arrow keys, Enter places a report.

   Leaflet already pans with the arrow keys while the map itself has focus. This file adds:
   - a crosshair in the middle of the map while it has keyboard focus: it marks the place
     Enter will use;
   - + and - zoom one step (Leaflet's own handler zooms three steps when Shift is held, and
     most keyboards need Shift to type +);
   - Enter places a new report at the crosshair, by the same path as a click (the map's
     "click" event, which wardmap.js turns into the pin and the bridge's mapClicked);
   - an aria-label on the map that says all of this to screen readers, and a polite live
     region that confirms a placed report.
   wardmap.js is not changed: this hooks in after wardmap.init, or at once if it has run. */
(function () {
  "use strict";

  var LABEL = "Ward map. Arrow keys move the map; plus and minus zoom in and out; " +
              "Enter places a new report at the cross in the middle of the map.";
  var PLACED = "New report placed at the cross. Fill in the report form to save it.";
  var SHOWN = "wardmap-keyboard-focus";
  var STYLE = [
    ".wardmap-crosshair { display: none; position: absolute; left: 50%; top: 50%;",
    "  width: 2.5rem; height: 2.5rem; margin: -1.25rem 0 0 -1.25rem;",
    "  pointer-events: none; z-index: 650; }",
    "." + SHOWN + " > .wardmap-crosshair { display: block; }",
    /* The map fills the view, so an outline drawn outside it would never be seen. */
    ".leaflet-container." + SHOWN + " { outline: 3px solid #1b4f9c; outline-offset: -3px; }",
    /* Two bars, dark with a white edge, so the cross shows on any map colour. */
    ".wardmap-crosshair::before, .wardmap-crosshair::after { content: ''; position: absolute;",
    "  background: #1b1b1b; box-shadow: 0 0 0 2px #ffffff; }",
    ".wardmap-crosshair::before { left: 0; right: 0; top: 50%; height: 3px; margin-top: -1px; }",
    ".wardmap-crosshair::after { top: 0; bottom: 0; left: 50%; width: 3px; margin-left: -1px; }",
    ".wardmap-announce { position: absolute; width: 1px; height: 1px; overflow: hidden;",
    "  clip: rect(0 0 0 0); white-space: nowrap; }"
  ].join("\n");

  function addStyle() {
    if (document.getElementById("wardmap-keyboard-style")) { return; }
    var style = document.createElement("style");
    style.id = "wardmap-keyboard-style";
    style.textContent = STYLE;
    document.head.appendChild(style);
  }

  function setUp(map) {
    var container = map.getContainer();
    if (container.getAttribute("data-wardmap-keyboard")) { return; }
    container.setAttribute("data-wardmap-keyboard", "on");
    container.setAttribute("role", "application");
    container.setAttribute("aria-roledescription", "map");
    container.setAttribute("aria-label", LABEL);
    addStyle();
    var cross = L.DomUtil.create("div", "wardmap-crosshair", container);
    cross.setAttribute("aria-hidden", "true");
    var announce = L.DomUtil.create("div", "wardmap-announce", container);
    announce.setAttribute("aria-live", "polite");

    // A click focuses the map too (Leaflet does that); the cross is for keyboard users, so it
    // shows on focus only when no pointer pressed just before, and on any key we handle.
    var pointerDown = false;
    container.addEventListener("mousedown", function () {
      pointerDown = true;
      L.DomUtil.removeClass(container, SHOWN);  // the mouse is in charge now
    }, true);
    container.addEventListener("focus", function () {
      if (!pointerDown) { L.DomUtil.addClass(container, SHOWN); }
      pointerDown = false;
    });
    container.addEventListener("blur", function () {
      L.DomUtil.removeClass(container, SHOWN);
      pointerDown = false;
    });

    function place() {
      var centre = map.getCenter();
      announce.textContent = "";
      map.fire("click", { latlng: centre,
                          layerPoint: map.latLngToLayerPoint(centre),
                          containerPoint: map.latLngToContainerPoint(centre) });
      announce.textContent = PLACED;
    }

    function zoomBy(step) {  // waits for a zoom still animating, which Leaflet would drop
      window.wardmap.whenStill(function () { map.setZoom(map.getZoom() + step); });
    }

    container.addEventListener("keydown", function (e) {
      // Only the map itself: Enter on a focused marker or control keeps its own meaning.
      if (e.target !== container || e.altKey || e.ctrlKey || e.metaKey) { return; }
      if (e.key === "Enter") {
        place();
      } else if (e.key === "+" || e.key === "=") {
        zoomBy(1);
      } else if (e.key === "-" || e.key === "_") {
        zoomBy(-1);
      } else {
        if (e.key && e.key.indexOf("Arrow") === 0) { L.DomUtil.addClass(container, SHOWN); }
        return;  // arrows go on to Leaflet's own handler
      }
      L.DomUtil.addClass(container, SHOWN);
      e.preventDefault();
      e.stopPropagation();  // Leaflet listens on the document; it must not zoom a second time
    });

    if (window.wardmap && window.wardmap.state) { window.wardmap.state.keyboard = true; }
  }

  var wardmap = window.wardmap;
  if (!wardmap || typeof L === "undefined") { return; }  // wardmap.js failed: nothing to add to
  if (wardmap.map) {
    setUp(wardmap.map);
  } else if (typeof wardmap.init === "function") {
    var init = wardmap.init;
    wardmap.init = function () {
      var result = init.apply(this, arguments);
      if (wardmap.map) { setUp(wardmap.map); }
      return result;
    };
  }
})();
