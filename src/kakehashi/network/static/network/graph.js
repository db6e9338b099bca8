// The officers' network view: draws the ties that the filter form selects with
// Cytoscape.js. The table beside it (server-rendered) holds the same organisations,
// so nothing is only in the picture.
(function () {
  "use strict";
  function draw(box) {
    var url = box.getAttribute("data-graph-url");
    var form = document.getElementById(box.getAttribute("data-form"));
    var query = form ? new URLSearchParams(new FormData(form)).toString() : "";
    fetch(url + (query ? "?" + query : ""), { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        var elements = [];
        data.nodes.forEach(function (n) {
          elements.push({ data: { id: n.id, label: n.name, country: n.country, sector: n.sector,
            size: 12 + Math.min(40, Math.sqrt(n.activities) * 4) } });
        });
        data.edges.forEach(function (e, i) {
          elements.push({ data: { id: "e" + i, source: e.source, target: e.target,
            width: 1 + Math.min(8, e.activities), cross: e.cross_border ? "yes" : "no" } });
        });
        box.textContent = "";
        if (!window.cytoscape) { return; }
        var cy = window.cytoscape({
          container: box,
          elements: elements,
          layout: { name: "cose", animate: false, randomize: false },
          style: [
            { selector: "node", style: { "label": "data(label)", "font-size": 9,
              "width": "data(size)", "height": "data(size)", "background-color": "#8a8a8a" } },
            { selector: "node[country = 'CA']", style: { "background-color": "#c8102e" } },
            { selector: "node[country = 'JP']", style: { "background-color": "#1f4e9c" } },
            { selector: "node[sector = 'industry']", style: { "shape": "round-rectangle" } },
            { selector: "node[sector = 'incubator']", style: { "shape": "diamond" } },
            { selector: "edge", style: { "width": "data(width)", "line-color": "#b9b9b9",
              "curve-style": "haystack" } },
            { selector: "edge[cross = 'yes']", style: { "line-color": "#d08a00" } }
          ]
        });
        // Redraw at the box's new size at once (Cytoscape waits for the window's resize).
        if (window.ResizeObserver) {
          new ResizeObserver(function () { cy.resize(); }).observe(box);
        }
        box.setAttribute("data-drawn", String(data.nodes.length));
      });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-graph-url]").forEach(draw);
  });
})();
