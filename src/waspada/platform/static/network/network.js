/* The graph page: entities and the records they appear in, as a bipartite graph.
   Data comes from the page (#graph-data) and from /api/v1/network/lookup when a node is
   expanded; every link shown is one the signed-in user may see (the server filters). */
(function () {
  "use strict";
  var dataEl = document.getElementById("graph-data");
  var box = document.getElementById("graph");
  if (!dataEl || !box || typeof cytoscape === "undefined") { return; }
  if (typeof cytoscapeFcose !== "undefined") { cytoscape.use(cytoscapeFcose); }
  var details = document.getElementById("node-details");
  function words(attr) {  // the page's words for codes (data-kinds, data-sources)
    try { return JSON.parse((details && details.getAttribute(attr)) || "{}"); } catch (e) { return {}; }
  }
  var KIND_WORDS = words("data-kinds"), SOURCE_WORDS = words("data-sources");
  function dmy(iso) {  // "2026-12-01" as the page writes days, "01-12-2026"
    return iso && iso.length === 10 ? iso.slice(8, 10) + "-" + iso.slice(5, 7) + "-" + iso.slice(0, 4) : iso;
  }
  var KIND_COLOURS = {phone: "#b91c1c", telegram: "#0369a1", email: "#7c3aed", social: "#2563eb",
    domain: "#0f766e", bank_account: "#a16207", agency: "#1f2937", person: "#6b7280",
    place: "#65a30d"};

  var cy = cytoscape({
    container: box,
    style: [
      {selector: "node.entity", style: {"label": "data(label)", "font-size": 10,
        "background-color": "data(colour)", "color": "#111", "text-valign": "bottom"}},
      {selector: "node.record", style: {"shape": "round-rectangle", "label": "data(label)",
        "font-size": 9, "background-color": "#e5e7eb", "border-width": 1,
        "border-color": "#9ca3af", "width": 18, "height": 12}},
      {selector: "node.seed", style: {"border-width": 3, "border-color": "#111"}},
      {selector: "edge", style: {"width": 1, "line-color": "#9ca3af"}},
      {selector: ".hidden", style: {"display": "none"}}
    ]
  });

  function addLookup(found) {
    var added = [];
    function node(id, data, cls) {
      if (cy.getElementById(id).length === 0) {
        added.push({group: "nodes", data: Object.assign({id: id}, data), classes: cls});
      }
    }
    var entities = [found.entity].concat(found.neighbours);
    entities.forEach(function (e) {
      node("e" + e.id, {entity: e.id, kind: e.kind, label: e.label, value: e.value,
        colour: KIND_COLOURS[e.kind] || "#374151"}, "entity");
    });
    found.links.forEach(function (l) {
      var rid = "r-" + l.source_type + "-" + l.source_id;
      node(rid, {label: (SOURCE_WORDS[l.source_type] || l.source_type.replace("_", " ")) + " " +
        l.source_id, url: l.url,
        source: l.source_type, seen: l.seen_at.slice(0, 10)}, "record");
      node("e" + l.entity_id, {entity: l.entity_id, label: "#" + l.entity_id,
        colour: "#374151"}, "entity");
      var eid = "l" + l.id;
      if (cy.getElementById(eid).length === 0) {
        added.push({group: "edges", data: {id: eid, source: "e" + l.entity_id, target: rid,
          sourceType: l.source_type, seen: l.seen_at.slice(0, 10)}});
      }
    });
    cy.add(added);
    cy.getElementById("e" + found.entity.id).addClass("seed");
    cy.layout({name: typeof cytoscapeFcose !== "undefined" ? "fcose" : "cose",
      animate: false, randomize: true}).run();
    applyFilters();
    box.setAttribute("data-nodes", String(cy.nodes().length));
  }

  function applyFilters() {
    var shown = {};
    document.querySelectorAll("#network-filters input[name=source]").forEach(function (c) {
      shown[c.value] = c.checked;
    });
    var from = (document.querySelector("#network-filters input[name=from]") || {}).value || "";
    var to = (document.querySelector("#network-filters input[name=to]") || {}).value || "";
    cy.batch(function () {
      cy.nodes(".record").forEach(function (n) {
        var seen = n.data("seen");
        var hide = shown[n.data("source")] === false || (from && seen < from) || (to && seen > to);
        n.toggleClass("hidden", !!hide);
      });
      cy.nodes(".entity").forEach(function (n) {
        var visible = n.hasClass("seed") || n.connectedEdges().connectedNodes(".record")
          .some(function (r) { return !r.hasClass("hidden"); });
        n.toggleClass("hidden", !visible);
      });
    });
    box.setAttribute("data-visible-records", String(cy.nodes(".record").not(".hidden").length));
  }

  function show(node) {
    details.textContent = "";
    var title = document.createElement("strong");
    title.textContent = node.data("label");
    details.appendChild(title);
    if (node.hasClass("record")) {
      var open = document.createElement("a");
      open.href = node.data("url");
      open.id = "open-record";
      open.textContent = " " + (details.getAttribute("data-open") || "Buka catatan");
      details.appendChild(document.createTextNode(" · " + dmy(node.data("seen")) + " "));
      details.appendChild(open);
      return;
    }
    var expand = document.createElement("button");
    expand.type = "button";
    expand.id = "expand-node";
    expand.textContent = details.getAttribute("data-expand") || "Perluas";
    expand.addEventListener("click", function () {
      fetch("/api/v1/network/lookup?depth=1&value=" + encodeURIComponent("#" + node.data("entity")),
            {credentials: "same-origin", headers: {"Accept": "application/json"}})
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (found) {
          if (found) { addLookup(found); }
          box.setAttribute("data-expanded", String(node.data("entity")));
        });
    });
    var kind = node.data("kind") || "";
    details.appendChild(document.createTextNode(" (" + (KIND_WORDS[kind] || kind) + ") "));
    details.appendChild(expand);
  }

  cy.on("tap", "node", function (evt) { show(evt.target); });
  document.querySelectorAll("#network-filters input").forEach(function (input) {
    input.addEventListener("change", applyFilters);
  });
  addLookup(JSON.parse(dataEl.textContent));
  window.waspadaGraph = cy;  /* for the browser test and the console */
  box.setAttribute("data-ready", "1");
}());
